//! The `dflint` binary end to end: exit codes, text and JSON output, stdin, file discovery,
//! unreadable files and the debug commands.

use std::path::Path;
use std::process::{Command, Stdio};

mod common;
use common::{dflint, stderr, stdout};

fn write(dir: &Path, name: &str, text: &[u8]) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn clean_file_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        b"FROM alpine:3.20\nRUN echo hi\nUSER app\n",
    );
    let out = dflint(&["check", "Dockerfile"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "No problems found in 1 file.\n");
}

#[test]
fn text_output_has_a_code_frame() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        b"FROM alpine:3.20\nRUNN echo hi\nUSER app\n",
    );
    let out = dflint(&["check", "Dockerfile"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("error[DFL0001]: unknown instruction: RUNN (did you mean RUN?)\n"),
        "{text}"
    );
    assert!(text.contains(" --> Dockerfile:2:1\n"), "{text}");
    assert!(text.contains("2 | RUNN echo hi\n  | ^^^^\n"), "{text}");
    assert!(text.contains("= help: did you mean `RUN`?"), "{text}");
    assert!(
        text.ends_with("Found 1 problem in 1 file (1 checked).\n"),
        "{text}"
    );
}

#[test]
fn json_output_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        "FROM alpine:3.20\nLABEL a=\"é🐳\" --x\nCOPY --chwon=1 a /b\nUSER app\n".as_bytes(),
    );
    let out = dflint(&["check", "--format", "json", "Dockerfile"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    assert_eq!(v["version"], 1);
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["path"], "Dockerfile");
    let diags = files[0]["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 2);
    let first = &diags[0];
    let keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "aliases", "category", "code", "fix", "help", "message", "name", "range", "severity"
        ]
    );
    assert_eq!(first["code"], "DFL0018");
    assert_eq!(first["name"], "missing-equals");
    assert_eq!(first["category"], "syntax");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["fix"], serde_json::Value::Null);
    // `--x` starts at column 14 in Unicode scalar values, byte offset 17 + 17.
    assert_eq!(
        first["range"]["start"],
        serde_json::json!({"line": 2, "column": 14, "offset": 34})
    );
    assert_eq!(
        first["range"]["end"],
        serde_json::json!({"line": 2, "column": 17, "offset": 37})
    );
    assert_eq!(diags[1]["code"], "DFL0002");
    assert_eq!(diags[1]["help"], "did you mean `--chown`?");
    assert_eq!(diags[1]["range"]["start"]["column"], 6);
}

#[test]
fn stdin_is_read_with_a_display_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dflint"))
        .args([
            "check",
            "-",
            "--stdin-filename",
            "web/Dockerfile",
            "--format",
            "json",
        ])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        child.stdin.as_mut().unwrap(),
        b"FROM scratch\nUSER 1\nFROOM b\n",
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["files"][0]["path"], "web/Dockerfile");
    assert_eq!(v["files"][0]["diagnostics"][0]["range"]["start"]["line"], 3);
}

#[test]
fn unreadable_files_are_named_and_the_others_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", b"FROM a\nRUNN x\n");
    write(dir.path(), "bad.Dockerfile", b"FROM a\nLABEL x=\xff\n");
    let out = dflint(
        &[
            "check",
            "missing.Dockerfile",
            "bad.Dockerfile",
            "Dockerfile",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("missing.Dockerfile: no such file or directory"),
        "{err}"
    );
    assert!(
        err.contains("bad.Dockerfile:2:9: the file is not valid UTF-8"),
        "{err}"
    );
    assert!(
        stdout(&out).contains("Dockerfile:2:1"),
        "the readable file is still checked"
    );
}

#[test]
fn directories_are_searched_for_dockerfiles_honouring_gitignore() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "Dockerfile",
        "docker/api.Dockerfile",
        "docker/worker.dockerfile",
        "Dockerfile.dev",
        "Containerfile.prod",
        ".devcontainer/Dockerfile",
        "ignored/Dockerfile",
        "Dockerfile.dockerignore",
        "README.md",
    ] {
        write(dir.path(), name, b"FROM scratch\nUSER 65532\n");
    }
    write(dir.path(), ".gitignore", b"ignored/\n");
    let out = dflint(&["check", "--format", "json", "."], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let paths: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            ".devcontainer/Dockerfile",
            "Containerfile.prod",
            "Dockerfile",
            "Dockerfile.dev",
            "docker/api.Dockerfile",
            "docker/worker.dockerfile"
        ]
    );
    // No path means the current directory.
    let out = dflint(&["check", "--format", "json"], dir.path());
    let v2: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v2, v);
}

#[test]
fn fail_level_and_usage_errors_set_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", b"FROM a\nRUNN x\n");
    assert_eq!(
        dflint(
            &["check", "--fail-level", "error", "Dockerfile"],
            dir.path()
        )
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        dflint(&["check", "--format", "yaml", "Dockerfile"], dir.path())
            .status
            .code(),
        Some(2)
    );
    assert_eq!(dflint(&["frobnicate"], dir.path()).status.code(), Some(2));
}

#[test]
fn debug_syntax_prints_the_tree_with_ranges() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", b"FR\\\nOM a\nRUNN\n");
    let out = dflint(&["debug", "syntax", "Dockerfile"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.starts_with("SOURCE_FILE@0..14\n  FROM_INSTR@0..8\n    KEYWORD@0..2 \"FR\"\n    LINE_CONTINUATION@2..4\n"), "{text}");
    assert!(text.contains("error DFL0001@9..13 3:1: unknown instruction: RUNN (did you mean RUN?) [unknown-instruction]"), "{text}");
}

#[test]
fn debug_roundtrip_reports_every_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        b"\xef\xbb\xbfFROM a\r\nRUN <<EOF\r\nx\r\nEOF",
    );
    write(
        dir.path(),
        "sub/Containerfile",
        b"# escape=`\nFROM a\nRUN a `\n  b",
    );
    let out = dflint(&["debug", "roundtrip", "."], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "2 files parsed, 2 identical, 0 differing\n");
}

#[test]
fn debug_roundtrip_passes_on_the_shared_corpus() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/files");
    if !corpus.is_dir() {
        println!("notice: {} not found; skipped", corpus.display());
        return;
    }
    let out = dflint(
        &["debug", "roundtrip", corpus.to_str().unwrap()],
        Path::new(env!("CARGO_MANIFEST_DIR")),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    let parsed: usize = text.split_whitespace().next().unwrap().parse().unwrap();
    assert!(parsed >= 7000, "{text}");
    assert!(text.ends_with(" 0 differing\n"), "{text}");
}

const PLAN_DOCKERFILE: &str = "\
ARG PY=3.12
FROM python:${PY}-slim AS build
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
FROM gcr.io/distroless/python3 AS final
COPY --from=build /app /app
USER nonroot
CMD [\"app.py\"]
FROM alpine AS unused
";

#[test]
fn plan_text_shows_stages_layers_rebuilds_and_config() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", PLAN_DOCKERFILE.as_bytes());
    write(dir.path(), "src/app.py", b"print(1)\n");
    write(dir.path(), "requirements.txt", b"flask\n");
    let out = dflint(
        &[
            "plan",
            "--target",
            "final",
            "--context",
            ".",
            "--changed",
            "src/app.py",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("Dockerfile: 3 stage(s), target final\n  global ARG PY=3.12\n"),
        "{text}"
    );
    assert!(
        text.contains("stage 0 build <- python:3.12-slim\n"),
        "{text}"
    );
    assert!(
        text.contains("stage 2 unused <- alpine  (not needed by the target)"),
        "{text}"
    );
    let install = text.lines().find(|l| l.contains("pip install")).unwrap();
    assert!(install.ends_with("rebuild"), "{install}");
    let workdir = text.lines().find(|l| l.contains("WORKDIR /app")).unwrap();
    assert!(workdir.ends_with("cached"), "{workdir}");
    assert!(
        text.contains("rebuilds because: changed src/app.py"),
        "{text}"
    );
    assert!(text.contains("  User:        nonroot\n"), "{text}");
    assert!(text.contains("  Cmd:         [\"app.py\"]\n"), "{text}");
}

#[test]
fn plan_json_has_stages_edges_layers_and_final_config() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", PLAN_DOCKERFILE.as_bytes());
    let out = dflint(
        &[
            "plan",
            "--format",
            "json",
            "--build-arg",
            "PY=3.11",
            "--changed",
            "requirements.txt",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["target"], 2);
    let stages = v["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 3);
    assert_eq!(
        stages[0]["base"]["reference"],
        "docker.io/library/python:3.11-slim"
    );
    assert_eq!(
        stages[1]["needed"], false,
        "the last stage is the target; final is not needed"
    );
    let layers = stages[0]["layers"].as_array().unwrap();
    let rebuilds: Vec<bool> = layers
        .iter()
        .map(|l| l["rebuilds"].as_bool().unwrap())
        .collect();
    assert_eq!(rebuilds, [false, true, true]);
    assert_eq!(layers[1]["sources"][0]["pattern"], ".");
    let edges = v["edges"].as_array().unwrap();
    assert!(
        edges
            .iter()
            .any(|e| e["kind"] == "copy-from" && e["stage"] == 1 && e["target"]["stage"] == 0)
    );
    assert_eq!(
        v["finalConfig"]["Cmd"],
        serde_json::json!({"inherited": true})
    );
}

#[test]
fn plan_draws_the_stage_graph() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", PLAN_DOCKERFILE.as_bytes());
    let dot = stdout(&dflint(&["plan", "--format", "dot"], dir.path()));
    assert!(dot.starts_with("digraph build {\n"), "{dot}");
    assert!(dot.contains("s0 -> s1 [label=\"copy-from\"];"), "{dot}");
    assert!(
        dot.contains("s2 [label=\"2: unused\", style=bold];"),
        "{dot}"
    );
    let mermaid = stdout(&dflint(&["plan", "--format", "mermaid"], dir.path()));
    assert!(mermaid.starts_with("flowchart LR\n"), "{mermaid}");
    assert!(mermaid.contains("  s0 -->|copy-from| s1\n"), "{mermaid}");
}

#[test]
fn plan_reports_problems_as_part_of_the_plan_and_fails_only_on_io_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        b"FROM scratch AS a\nCOPY --from=b /x /x\nFROM scratch AS b\n",
    );
    let out = dflint(&["plan"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("needs to be defined before current stage a [forward-reference]"),
        "{}",
        stdout(&out)
    );
    let out = dflint(&["plan", "missing.Dockerfile"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("missing.Dockerfile: no such file or directory"),
        "{}",
        stderr(&out)
    );
    let out = dflint(&["plan", "--context", "nowhere"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("nowhere: cannot read the build context"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn plan_takes_several_files_with_one_json_document_per_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/Dockerfile", b"FROM alpine\nRUN true\n");
    write(dir.path(), "b/Dockerfile", b"FROM scratch\nCOPY x /x\n");
    let out = dflint(
        &["plan", "--format", "json", "a/Dockerfile", "b"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let docs: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["path"], "a/Dockerfile");
    assert_eq!(docs[1]["path"], "b/Dockerfile");
    assert_eq!(docs[1]["stages"][0]["layers"][0]["instruction"], "COPY");
}

#[test]
fn check_reports_build_problems_found_by_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        b"FROM alpine AS app\nCOPY --from=later /x /x\nFROM alpine AS later\nFROM Alpine:3\n",
    );
    let out = dflint(&["check", "--format", "json", "Dockerfile"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let found: Vec<(String, String, u64)> = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["category"] == "build")
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["category"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("DFL0101".to_string(), "build".to_string(), 2),
            ("DFL0104".to_string(), "build".to_string(), 4)
        ]
    );
    // An ARG without a value is an input of the build, not an error in the file; BuildKit
    // only warns that the default makes no valid reference.
    write(dir.path(), "Dockerfile", b"ARG BASE\nFROM ${BASE}:1\n");
    let out = dflint(&["check", "--format", "compact", "Dockerfile"], dir.path());
    assert_eq!(
        stdout(&out),
        "Dockerfile:2:6: warning[DFL1006] `${BASE}:1` is not a valid image reference without a \
         value for `ARG BASE`\n"
    );
}

#[test]
fn fix_writes_proven_fixes_atomically_and_diff_only_prints_them() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let original = "FROM alpine:3.20\r\nRUN apk add curl~8\r\nRUN echo done\r\nUSER app\r\n";
    write(dir.path(), "Dockerfile", original.as_bytes());
    let path = dir.path().join("Dockerfile");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = dflint(&["check", "--diff", "Dockerfile"], dir.path());
    let diff = stdout(&out);
    assert!(
        diff.contains("--- a/Dockerfile") && diff.contains("+RUN apk add --no-cache curl~8 && \\"),
        "{diff}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        original,
        "--diff writes nothing"
    );
    // ShellCheck has something to say about `echo done` (SC1010): leave it out here.
    let out = dflint(
        &["check", "--fix", "--shellcheck", "never", "Dockerfile"],
        dir.path(),
    );
    assert!(
        stderr(&out).contains("fixes applied, 0 rejected by the build check"),
        "{}",
        stderr(&out)
    );
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        fixed,
        "FROM alpine:3.20\r\nRUN apk add --no-cache curl~8 && \\\r\n    echo done\r\nUSER app\r\n"
    );
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o640,
        "permissions kept"
    );
    assert_eq!(out.status.code(), Some(0), "nothing is left to report");
    let again = dflint(&["check", "--fix", "Dockerfile"], dir.path());
    assert!(
        stderr(&again).starts_with("0 fixes applied"),
        "{}",
        stderr(&again)
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no temporary file is left: {leftovers:?}"
    );
}

#[test]
fn configuration_selection_and_pragmas_shape_the_report() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".dflint.toml",
        b"ignore = [\"DL3002\", \"DL3018\"]\n[severity]\nunpinned-base-image = \"error\"\n",
    );
    write(dir.path(), "Dockerfile", b"FROM alpine\n# dflint ignore=DFL3006 -- cache kept on purpose\nRUN apk add curl\n# dflint ignore=no-such-rule\nRUN echo\n");
    let out = dflint(&["check", "--format", "compact", "Dockerfile"], dir.path());
    assert_eq!(
        stdout(&out),
        "Dockerfile:1:6: error[DFL4001] `alpine` has no tag, so each build may pull a different image\n\
         Dockerfile:4:17: warning[DFL0201] `no-such-rule` is not a dflint code, rule name or alias\n\
         Dockerfile:5:1: info[DFL3001] `RUN` can be merged with the `RUN` on line 3, saving a layer\n"
    );
    write(
        dir.path(),
        "bad.toml",
        b"select = [\"DFL2001\"]\nfail-levle = \"error\"\n",
    );
    let out = dflint(&["check", "--config", "bad.toml", "Dockerfile"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .contains("bad.toml:2:1: unknown key `fail-levle` (did you mean `fail-level`?)"),
        "{}",
        stderr(&out)
    );
    let out = dflint(&["check", "--select", "DFL9999", "Dockerfile"], dir.path());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn rules_are_listed_and_documented_and_reports_go_to_files() {
    let dir = tempfile::tempdir().unwrap();
    let list = stdout(&dflint(&["rules"], dir.path()));
    assert!(
        list.lines().any(|l| l.starts_with("DFL2001  root-user")),
        "{list}"
    );
    let page = stdout(&dflint(&["rule", "DL3059"], dir.path()));
    assert!(page.starts_with("DFL3001 consecutive-run\n"), "{page}");
    assert!(page.contains("## Example"), "{page}");
    assert_eq!(dflint(&["rule", "nope"], dir.path()).status.code(), Some(2));
    write(dir.path(), "Dockerfile", b"FROM alpine\n");
    let out = dflint(
        &[
            "check",
            "--format",
            "sarif",
            "--output",
            "report.sarif",
            "Dockerfile",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let github = stdout(&dflint(
        &["check", "--format", "github", "Dockerfile"],
        dir.path(),
    ));
    assert!(
        github.starts_with("::warning file=Dockerfile,line=1,col=1,"),
        "{github}"
    );
}

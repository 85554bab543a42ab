//! The `dflint` binary end to end: exit codes, text and JSON output, stdin, file discovery,
//! unreadable files and the debug commands.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn dflint(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dflint"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("dflint runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

fn write(dir: &Path, name: &str, text: &[u8]) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn clean_file_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", b"FROM alpine:3.20\nRUN echo hi\n");
    let out = dflint(&["check", "Dockerfile"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "No problems found in 1 file.\n");
}

#[test]
fn text_output_has_a_code_frame() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", b"FROM alpine\nRUNN echo hi\n");
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
        "FROM alpine\nLABEL a=\"é🐳\" --x\nCOPY --chwon=1 a b\n".as_bytes(),
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
    // `--x` starts at column 14 in Unicode scalar values, byte offset 12 + 17.
    assert_eq!(
        first["range"]["start"],
        serde_json::json!({"line": 2, "column": 14, "offset": 29})
    );
    assert_eq!(
        first["range"]["end"],
        serde_json::json!({"line": 2, "column": 17, "offset": 32})
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
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"FROM a\nFROOM b\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["files"][0]["path"], "web/Dockerfile");
    assert_eq!(v["files"][0]["diagnostics"][0]["range"]["start"]["line"], 2);
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
        write(dir.path(), name, b"FROM a\n");
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

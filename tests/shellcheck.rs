//! ShellCheck through the `dflint` binary: findings at exact ranges, the ARG/ENV names and
//! the shell dialect in force, selection and pragmas on `SC` codes, and the `auto`,
//! `always` and `never` modes. Tests that need the real `shellcheck` print a notice and
//! skip themselves when it is not installed (`apt-get install shellcheck`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{stderr, stdout};

fn dflint(args: &[&str], cwd: &Path) -> Output {
    dflint_with_path(args, cwd, None)
}

/// Runs dflint, with `PATH` replaced when `path` is given.
fn dflint_with_path(args: &[&str], cwd: &Path, path: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dflint"));
    command.args(args).current_dir(cwd);
    if let Some(path) = path {
        command.env("PATH", path);
    }
    command.output().expect("dflint runs")
}

/// Whether the real ShellCheck is installed; prints a notice when it is not.
fn has_shellcheck(test: &str) -> bool {
    let found = Command::new("shellcheck").arg("--version").output().is_ok();
    if !found {
        println!(
            "notice: shellcheck is not installed; {test} skipped (apt-get install shellcheck)"
        );
    }
    found
}

fn project(dockerfile: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), dockerfile).unwrap();
    dir
}

/// The findings of `--format json` as `(code, line, column, text at the range)`.
fn findings(out: &Output, source: &str) -> Vec<(String, u64, u64, String)> {
    let v: serde_json::Value = serde_json::from_str(&stdout(out)).unwrap_or_else(|e| {
        panic!("{e}: {} {}", stdout(out), stderr(out));
    });
    v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let start = usize::try_from(d["range"]["start"]["offset"].as_u64().unwrap()).unwrap();
            let end = usize::try_from(d["range"]["end"]["offset"].as_u64().unwrap()).unwrap();
            (
                d["code"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["range"]["start"]["column"].as_u64().unwrap(),
                source[start..end].to_string(),
            )
        })
        .collect()
}

fn codes_at(found: &[(String, u64, u64, String)], code: &str) -> Vec<(u64, u64, String)> {
    found
        .iter()
        .filter(|f| f.0 == code)
        .map(|f| (f.1, f.2, f.3.clone()))
        .collect()
}

/// An empty directory to use as `PATH`, where no `shellcheck` is.
fn empty_path() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// A directory holding a fake `shellcheck` that fails.
fn broken_shellcheck() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shellcheck");
    std::fs::write(
        &path,
        "#!/bin/sh\necho 'shellcheck: out of order' >&2\nexit 3\n",
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// `PATH` with a directory in front of the current one.
fn path_with(dir: &Path) -> PathBuf {
    let mut dirs = vec![dir.to_path_buf()];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    PathBuf::from(std::env::join_paths(dirs).unwrap())
}

const SOURCE: &str = "FROM alpine:3.20\n\
ARG version\n\
ENV home_dir=/h\n\
RUN echo $version \"$home_dir\" && \\\n\
\tcd /tmp && echo \"é😀\" $undeclared\n\
RUN <<EOF\n\
#!/bin/bash\n\
\tcp -r a \"$home_dir\" && echo ü\t$late\n\
[[ -n \"$version\" ]]\n\
EOF\n\
RUN [[ -x /bin/sh ]] && echo `uname`\n\
USER app\n";

#[test]
fn findings_are_reported_at_their_exact_ranges() {
    if !has_shellcheck("findings_are_reported_at_their_exact_ranges") {
        return;
    }
    let dir = project(SOURCE);
    let out = dflint(&["check", "--format", "json", "Dockerfile"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let found = findings(&out, SOURCE);
    // Declared ARG and ENV names are known to ShellCheck; the others are not.
    assert_eq!(
        codes_at(&found, "SC2154"),
        [
            (5, 23, "$undeclared".to_string()),
            (8, 32, "$late".to_string())
        ],
        "{found:?}"
    );
    // Columns count Unicode scalar values, a tab as one, across the line continuation and
    // in the heredoc.
    assert_eq!(
        codes_at(&found, "SC2086"),
        [
            (4, 10, "$version".to_string()),
            (5, 23, "$undeclared".to_string()),
            (8, 32, "$late".to_string())
        ],
        "{found:?}"
    );
    // The default shell is POSIX sh; the heredoc's shebang makes it bash.
    assert_eq!(
        codes_at(&found, "SC3010"),
        [(11, 5, "[[ -x /bin/sh ]]".to_string())],
        "{found:?}"
    );
    assert_eq!(
        codes_at(&found, "SC2006"),
        [(11, 30, "`uname`".to_string())]
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let first = json["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SC2154")
        .unwrap()
        .clone();
    assert_eq!(first["name"], "shellcheck");
    assert_eq!(first["severity"], "warning");
    assert_eq!(
        first["message"],
        "undeclared is referenced but not assigned"
    );
}

#[test]
fn the_stage_shell_is_the_dialect() {
    if !has_shellcheck("the_stage_shell_is_the_dialect") {
        return;
    }
    let source = "FROM alpine:3.20 AS base\nSHELL [\"/bin/bash\", \"-c\"]\nRUN [[ -d /x ]] || true\n\
        FROM base\nRUN [[ -d /y ]] || true\nFROM alpine:3.20\nRUN [[ -d /z ]] || true\nUSER app\n";
    let dir = project(source);
    let out = dflint(&["check", "--format", "json", "Dockerfile"], dir.path());
    let found = findings(&out, source);
    assert_eq!(
        codes_at(&found, "SC3010"),
        [(7, 5, "[[ -d /z ]]".to_string())],
        "{found:?}"
    );
}

#[test]
fn sc_codes_are_selected_ignored_and_suppressed_like_rules() {
    if !has_shellcheck("sc_codes_are_selected_ignored_and_suppressed_like_rules") {
        return;
    }
    let source = "FROM alpine:3.20\n\
        # dflint ignore=SC2086\n\
        RUN echo $a\n\
        # hadolint ignore=SC2086,SC2154\n\
        RUN echo $b\n\
        # dflint ignore=shellcheck\n\
        RUN echo $c\n\
        RUN echo $d\n\
        USER app\n";
    let dir = project(source);
    let run = |args: &[&str]| {
        let mut all = vec!["check", "--format", "json", "--report-unused-ignores"];
        all.extend(args);
        all.push("Dockerfile");
        findings(&dflint(&all, dir.path()), source)
    };
    let found = run(&[]);
    assert!(found.iter().all(|f| !f.0.starts_with("DFL02")), "{found:?}");
    let summary: Vec<(&str, u64)> = found
        .iter()
        .filter(|f| f.0.starts_with("SC"))
        .map(|f| (f.0.as_str(), f.1))
        .collect();
    assert_eq!(
        summary,
        [("SC2154", 3), ("SC2086", 8), ("SC2154", 8)],
        "pragmas suppress SC codes, none is unknown or unused: {found:?}"
    );
    let found = run(&["--ignore", "SC2154"]);
    assert!(found.iter().all(|f| f.0 != "SC2154"), "{found:?}");
    assert!(found.iter().any(|f| f.0 == "SC2086"), "{found:?}");
    let found = run(&["--ignore", "shellcheck"]);
    assert!(found.iter().all(|f| !f.0.starts_with("SC")), "{found:?}");
    let found = run(&["--select", "SC2086"]);
    let codes: Vec<&str> = found
        .iter()
        .map(|f| f.0.as_str())
        .filter(|c| c.starts_with("SC"))
        .collect();
    assert_eq!(codes, ["SC2086"], "{found:?}");
    let found = run(&["--select", "DFL"]);
    assert!(found.iter().all(|f| !f.0.starts_with("SC")), "{found:?}");
    // Severity overrides apply too.
    std::fs::write(
        dir.path().join(".dflint.toml"),
        "[severity]\nSC2154 = \"error\"\n",
    )
    .unwrap();
    let out = dflint(&["check", "--format", "json", "Dockerfile"], dir.path());
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let severities: Vec<&str> = json["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "SC2154")
        .map(|d| d["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["error", "error"]);
}

#[test]
fn sc_pragmas_are_known_without_shellcheck() {
    let source = "FROM alpine:3.20\n# dflint ignore=SC2086\nRUN echo $a\nUSER app\n";
    let dir = project(source);
    let path = empty_path();
    let out = dflint_with_path(
        &[
            "check",
            "--report-unused-ignores",
            "--ignore",
            "SC2154",
            "Dockerfile",
        ],
        dir.path(),
        Some(path.path()),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn always_without_the_binary_is_an_error() {
    let dir = project("FROM alpine:3.20\nRUN echo $a\nUSER app\n");
    let path = empty_path();
    let out = dflint_with_path(
        &["check", "--shellcheck", "always", "Dockerfile"],
        dir.path(),
        Some(path.path()),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("`shellcheck` binary is not on PATH")
            || err.contains("no `shellcheck` binary is on PATH"),
        "{err}"
    );
    assert!(err.contains("apt-get install shellcheck"), "{err}");
    // The same from the configuration file.
    std::fs::write(dir.path().join(".dflint.toml"), "shellcheck = \"always\"\n").unwrap();
    let out = dflint_with_path(&["check", "Dockerfile"], dir.path(), Some(path.path()));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(".dflint.toml"), "{}", stderr(&out));
    // `auto` skips ShellCheck silently.
    let out = dflint_with_path(
        &["check", "--shellcheck", "auto", "Dockerfile"],
        dir.path(),
        Some(path.path()),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
}

#[test]
fn never_and_the_configuration_key_turn_it_off() {
    if !has_shellcheck("never_and_the_configuration_key_turn_it_off") {
        return;
    }
    let source = "FROM alpine:3.20\nRUN echo $a\nUSER app\n";
    let dir = project(source);
    let out = dflint(
        &["check", "--shellcheck", "never", "Dockerfile"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    std::fs::write(dir.path().join(".dflint.yaml"), "shellcheck: never\n").unwrap();
    let out = dflint(&["check", "Dockerfile"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // The command line wins over the file.
    let out = dflint(&["check", "--shellcheck", "auto", "Dockerfile"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("SC2154"), "{}", stdout(&out));
    std::fs::write(dir.path().join(".dflint.yaml"), "shellcheck: sometimes\n").unwrap();
    let out = dflint(&["check", "Dockerfile"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`always`"), "{}", stderr(&out));
}

#[test]
fn a_failing_shellcheck_never_fails_fix() {
    let source = "FROM alpine:3.20\nRUN apk add curl~8\nUSER app\n";
    let dir = project(source);
    let broken = broken_shellcheck();
    let path = path_with(broken.path());
    let out = dflint_with_path(&["check", "--fix", "Dockerfile"], dir.path(), Some(&path));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("out of order"), "{}", stderr(&out));
    let fixed = std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(fixed.contains("apk add --no-cache curl~8"), "{fixed}");
    // Checking with `always` reports the failure as an error, `auto` as a warning.
    let out = dflint_with_path(
        &["check", "--shellcheck", "always", "Dockerfile"],
        dir.path(),
        Some(&path),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = dflint_with_path(&["check", "Dockerfile"], dir.path(), Some(&path));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("warning: "), "{}", stderr(&out));
}

#[test]
fn fix_reports_shellcheck_findings_of_the_fixed_text() {
    if !has_shellcheck("fix_reports_shellcheck_findings_of_the_fixed_text") {
        return;
    }
    let source = "FROM alpine:3.20\nRUN apk add curl\nRUN echo $a\nUSER app\n";
    let dir = project(source);
    let out = dflint(
        &["check", "--fix", "--format", "json", "Dockerfile"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let fixed = std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    let found = findings(&out, &fixed);
    assert!(
        found.iter().any(|f| f.0 == "SC2154" && f.3 == "$a"),
        "{found:?}"
    );
}

#[test]
fn sarif_links_shellcheck_codes_to_the_wiki() {
    if !has_shellcheck("sarif_links_shellcheck_codes_to_the_wiki") {
        return;
    }
    let dir = project("FROM alpine:3.20\nRUN echo $a\nUSER app\n");
    let out = dflint(&["check", "--format", "sarif", "Dockerfile"], dir.path());
    let text = stdout(&out);
    assert!(
        text.contains("https://www.shellcheck.net/wiki/SC2154"),
        "{text}"
    );
}

//! `dflint init` end to end: the commented starting file, refusing to overwrite, and the
//! conversion of a sample `.hadolint.yaml` with what it could not convert.

use std::path::Path;

mod common;
use common::{dflint, stderr};

#[test]
fn init_writes_a_file_that_checks_like_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let dockerfile = "FROM alpine:latest AS Build\nRUN apk add curl\nMAINTAINER me\n";
    std::fs::write(dir.path().join("Dockerfile"), dockerfile).unwrap();
    let check = |dir: &Path| {
        let out = dflint(&["check", "--format", "json", "--shellcheck", "never"], dir);
        (out.status.code(), out.stdout)
    };
    let before = check(dir.path());

    let out = dflint(&["init"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "wrote .dflint.toml\n");
    let text = std::fs::read_to_string(dir.path().join(".dflint.toml")).unwrap();
    assert!(text.contains("preset = \"recommended\""), "{text}");
    assert!(text.contains("#   strict "), "{text}");
    assert_eq!(check(dir.path()), before);

    // An existing file is kept unless `--force`.
    std::fs::write(dir.path().join(".dflint.toml"), "preset = \"minimal\"\n").unwrap();
    let out = dflint(&["init"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: .dflint.toml already exists (pass `--force` to replace it)\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".dflint.toml")).unwrap(),
        "preset = \"minimal\"\n"
    );
    let out = dflint(&["init", "--force"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".dflint.toml")).unwrap(),
        text
    );

    // `--output` writes elsewhere.
    let out = dflint(&["init", "--output", "conf/lint.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2), "the directory does not exist");
    assert!(stderr(&out).contains("conf/lint.toml: cannot write the configuration"));
    std::fs::create_dir(dir.path().join("conf")).unwrap();
    let out = dflint(&["init", "-o", "conf/lint.toml"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.path().join("conf/lint.toml").is_file());
}

const HADOLINT: &str = "\
ignored:
  - DL3008
  - DL9999
  - SC2086
override:
  error:
    - DL3006
trustedRegistries: docker.io
failure-threshold: error
no-color: true
format: json
";

#[test]
fn init_from_hadolint_converts_and_lists_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".hadolint.yaml"), HADOLINT).unwrap();
    let out = dflint(&["init", "--from-hadolint", ".hadolint.yaml"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "\
.hadolint.yaml: 3 setting(s) could not be converted and were left out:
  .hadolint.yaml:3:5: `DL9999`: no dflint rule has this hadolint code
  .hadolint.yaml:10:1: `no-color` has no effect in dflint (use `--color never` on the command line)
  .hadolint.yaml:11:1: `format` has no effect in dflint (use `--format` on the command line)
note: the ShellCheck codes `SC2086` select ShellCheck's findings, which need the `shellcheck` binary (see the `shellcheck` setting)
wrote .dflint.toml
"
    );
    let toml = std::fs::read_to_string(dir.path().join(".dflint.toml")).unwrap();
    assert!(
        toml.contains("trusted-registries = [\"docker.io\"]"),
        "{toml}"
    );
    assert!(toml.contains("fail-level = \"error\""), "{toml}");

    // The new file wins over hadolint's and is valid: the override applies, the unknown
    // code is gone, and `ghcr.io` is not trusted.
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM ghcr.io/a/b\nUSER 1000\n",
    )
    .unwrap();
    let out = dflint(
        &["check", "--format", "compact", "--shellcheck", "never"],
        dir.path(),
    );
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    assert!(text.contains("error[DFL4001]"), "{text}");
    assert!(text.contains("error[DFL2101]"), "{text}");
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));

    // Nothing to report for a file that converts fully.
    std::fs::write(dir.path().join("plain.yaml"), "ignored: [DL3006]\n").unwrap();
    let out = dflint(
        &["init", "--from-hadolint", "plain.yaml", "-o", "plain.toml"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stderr(&out),
        "plain.yaml: every setting was converted\nwrote plain.toml\n"
    );
}

#[test]
fn init_from_a_broken_hadolint_file_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("h.yaml"), "ignored: DL3006\n").unwrap();
    let out = dflint(&["init", "--from-hadolint", "h.yaml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: h.yaml:1:10: `ignored` must be a list"),
        "{}",
        stderr(&out)
    );
    let out = dflint(&["init", "--from-hadolint", "missing.yaml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.yaml: cannot read the configuration file"));
    assert!(!dir.path().join(".dflint.toml").exists());
}

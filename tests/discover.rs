//! Discovery through Compose and Bake files, end to end: sample repositories written into
//! temporary directories, checked with the `dflint` binary. Each Dockerfile a Compose
//! service or a Bake target builds is checked with that build's context (and its ignore
//! file), arguments and target.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::{stderr, stdout, write};

fn dflint(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dflint"))
        .args(args)
        .current_dir(cwd)
        .env_remove("TAG")
        .output()
        .expect("dflint runs")
}

/// `(path, code, line, column, message)` of every finding in a JSON report.
fn findings(out: &Output) -> Vec<(String, String, u64, u64, String)> {
    let report: Value = serde_json::from_str(&stdout(out)).expect("a JSON report");
    let mut found = Vec::new();
    for file in report["files"].as_array().unwrap() {
        let path = file["path"].as_str().unwrap().to_string();
        for d in file["diagnostics"].as_array().unwrap() {
            found.push((
                path.clone(),
                d["code"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["range"]["start"]["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            ));
        }
    }
    found
}

/// The paths of the files in a JSON report.
fn paths(out: &Output) -> Vec<String> {
    let report: Value = serde_json::from_str(&stdout(out)).expect("a JSON report");
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect()
}

fn with_code<'a>(
    found: &'a [(String, String, u64, u64, String)],
    code: &str,
) -> Vec<&'a (String, String, u64, u64, String)> {
    found.iter().filter(|f| f.1 == code).collect()
}

const UNPINNED: &str = "DFL4001";
const COPY_IGNORED: &str = "DFL1043";

/// A Dockerfile whose base image tag is an ARG, and which copies a file the `api` context
/// ignores.
const API_DOCKERFILE: &str = "ARG TAG=3.20\nFROM alpine:${TAG}\nCOPY secret.txt /app/\nUSER app\n";

fn compose_repository(dir: &Path) {
    write(dir, "docker/api.Dockerfile", API_DOCKERFILE);
    write(dir, "api/secret.txt", "");
    write(dir, "api/.dockerignore", "secret.txt\n");
    write(
        dir,
        "compose.yaml",
        "services:\n  api:\n    build:\n      context: ./api\n      dockerfile: ../docker/api.Dockerfile\n      args:\n        TAG: latest\n  db:\n    image: postgres:16\n",
    );
}

#[test]
fn a_compose_build_is_checked_with_its_context_and_args() {
    let dir = tempfile::tempdir().unwrap();
    compose_repository(dir.path());
    let out = dflint(&["check", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // Found through the Compose file although its name is not searched for... and only
    // once, with the Compose configuration.
    assert_eq!(paths(&out), ["docker/api.Dockerfile"]);
    let found = findings(&out);
    // The argument reaches the rule: `alpine:latest`, not the default `alpine:3.20`.
    let unpinned = with_code(&found, UNPINNED);
    assert_eq!(unpinned.len(), 1, "{found:?}");
    assert_eq!((unpinned[0].2, unpinned[0].3), (2, 6));
    assert!(
        unpinned[0]
            .4
            .contains("`alpine:latest`, the value the build gives `ARG TAG`"),
        "{}",
        unpinned[0].4
    );
    // The context's `.dockerignore` applies, not the Dockerfile directory's (none).
    let ignored = with_code(&found, COPY_IGNORED);
    assert_eq!(ignored.len(), 1, "{found:?}");
    assert_eq!(ignored[0].2, 3);

    // On its own, the same file has neither finding.
    let alone = dflint(
        &["check", "--format", "json", "docker/api.Dockerfile"],
        dir.path(),
    );
    let found = findings(&alone);
    assert!(with_code(&found, UNPINNED).is_empty(), "{found:?}");
    assert!(with_code(&found, COPY_IGNORED).is_empty(), "{found:?}");
}

#[test]
fn compose_args_forms_interpolation_and_overrides() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docker/api.Dockerfile", API_DOCKERFILE);
    write(dir.path(), ".env", "BASE_TAG=latest\n");
    // A list of `NAME=value`, interpolated from `.env`; a string `build` is the context.
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  api:\n    build:\n      context: .\n      dockerfile: docker/api.Dockerfile\n      args:\n        - TAG=${BASE_TAG:-3.20}\n",
    );
    let out = dflint(&["check", "--format", "json"], dir.path());
    assert_eq!(
        with_code(&findings(&out), UNPINNED).len(),
        1,
        "{}",
        stdout(&out)
    );

    // The override file is merged: its `args` win.
    write(
        dir.path(),
        "compose.override.yaml",
        "services:\n  api:\n    build:\n      args:\n        TAG: \"3.19\"\n",
    );
    let out = dflint(&["check", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn two_bake_targets_with_different_args() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docker/api.Dockerfile", API_DOCKERFILE);
    write(
        dir.path(),
        "docker-bake.hcl",
        r#"variable "TAG" { default = "3.19" }

group "default" { targets = ["edge", "stable"] }

target "_common" {
  context    = "."
  dockerfile = "docker/api.Dockerfile"
}

target "edge" {
  inherits = ["_common"]
  args     = { TAG = "latest" }
}

target "stable" {
  inherits = ["_common"]
  args     = { TAG = "${TAG}" }
}
"#,
    );
    let out = dflint(&["check", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // One report for the file, in which the finding of one target is labelled with it.
    assert_eq!(paths(&out), ["docker/api.Dockerfile"]);
    let found = findings(&out);
    let unpinned = with_code(&found, UNPINNED);
    assert_eq!(unpinned.len(), 1, "{found:?}");
    assert!(
        unpinned[0]
            .4
            .ends_with("(in docker-bake.hcl target `edge`)"),
        "{}",
        unpinned[0].4
    );
    // Findings both targets share are reported once, unlabelled.
    assert!(
        found
            .iter()
            .all(|f| f.1 == UNPINNED || !f.4.contains("(in "))
    );

    // The environment overrides a variable's default, as in Bake.
    let out = Command::new(env!("CARGO_BIN_EXE_dflint"))
        .args(["check", "--format", "json"])
        .current_dir(dir.path())
        .env("TAG", "latest")
        .output()
        .unwrap();
    let found = findings(&out);
    let unpinned = with_code(&found, UNPINNED);
    assert_eq!(unpinned.len(), 1, "{found:?}");
    assert!(!unpinned[0].4.contains("(in "), "{}", unpinned[0].4);
}

#[test]
fn a_bake_json_file_and_a_target_stage() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/Containerfile.build",
        "FROM alpine:3.20 AS build\nUSER app\nFROM build AS dev\nRUN echo dev\n",
    );
    write(
        dir.path(),
        "docker-bake.json",
        r#"{"target": {"app": {"context": "app", "dockerfile": "Containerfile.build", "target": "nope"}}}"#,
    );
    let out = dflint(&["check", "--format", "json"], dir.path());
    // The target names no stage: the build's own problem is reported.
    let found = findings(&out);
    assert_eq!(paths(&out), ["app/Containerfile.build"]);
    assert!(
        found
            .iter()
            .any(|f| f.1 == "DFL0107" && f.4.contains("nope")),
        "{found:?}"
    );
    write(
        dir.path(),
        "docker-bake.json",
        r#"{"target": {"app": {"context": "app", "dockerfile": "Containerfile.build", "target": "build"}}}"#,
    );
    let out = dflint(&["check", "--format", "json"], dir.path());
    let found = findings(&out);
    assert!(found.iter().all(|f| f.1 != "DFL0107"), "{found:?}");
}

#[test]
fn an_inline_dockerfile_is_reported_at_its_lines_in_the_compose_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    build:\n      context: .\n      dockerfile_inline: |\n        FROM nginx\n\n        USER app\n",
    );
    let out = dflint(&["check", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(paths(&out), ["compose.yaml"]);
    let found = findings(&out);
    let unpinned = with_code(&found, UNPINNED);
    assert_eq!(unpinned.len(), 1, "{found:?}");
    // `nginx` is on line 6 of compose.yaml, after 8 spaces and `FROM `.
    assert_eq!((unpinned[0].2, unpinned[0].3), (6, 14));

    // A quoted string is not in the file line by line: positions are the text's own, under
    // a path naming the key.
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    build:\n      dockerfile_inline: \"USER app\\nFROM nginx\\n\"\n",
    );
    let out = dflint(&["check", "--format", "json"], dir.path());
    assert_eq!(
        paths(&out),
        ["compose.yaml#services.web.build.dockerfile_inline"]
    );
    let found = findings(&out);
    let unpinned = with_code(&found, UNPINNED);
    assert_eq!((unpinned[0].2, unpinned[0].3), (2, 6), "{found:?}");
    // `--fix` never writes to the Compose file.
    let before = std::fs::read_to_string(dir.path().join("compose.yaml")).unwrap();
    dflint(&["check", "--fix", "--unsafe-fixes"], dir.path());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("compose.yaml")).unwrap(),
        before
    );
}

#[test]
fn hidden_directories_are_searched_and_gitignored_ones_are_not() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".gitignore", "vendor/\n");
    write(
        dir.path(),
        ".devcontainer/docker-compose.yml",
        "services:\n  dev:\n    build:\n      context: ..\n      dockerfile: .devcontainer/dev.dockerfile\n",
    );
    write(
        dir.path(),
        ".devcontainer/dev.dockerfile",
        "FROM ubuntu\nUSER dev\n",
    );
    write(
        dir.path(),
        "vendor/lib/compose.yaml",
        "services:\n  lib:\n    build:\n      dockerfile: lib.Dockerfile.in\n",
    );
    write(dir.path(), "vendor/lib/lib.Dockerfile.in", "FROM debian\n");
    write(dir.path(), "vendor/lib/Dockerfile", "FROM debian\n");
    let out = dflint(&["check", "--format", "json"], dir.path());
    assert_eq!(
        paths(&out),
        [".devcontainer/dev.dockerfile"],
        "{}",
        stderr(&out)
    );
}

#[test]
fn podman_mode_reads_the_containerignore() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Containerfile",
        "FROM alpine:3.20\nCOPY a.log b.py /app/\nUSER app\n",
    );
    write(dir.path(), ".dockerignore", "*.log\n");
    write(dir.path(), ".containerignore", "*.py\n");
    let ignored = |out: &Output| -> Vec<String> {
        with_code(&findings(out), COPY_IGNORED)
            .iter()
            .map(|f| f.4.clone())
            .collect()
    };
    let docker = dflint(&["check", "--format", "json"], dir.path());
    let docker = ignored(&docker);
    assert_eq!(docker.len(), 1);
    assert!(docker[0].contains("a.log"), "{docker:?}");

    let podman = dflint(
        &["check", "--format", "json", "--engine", "podman"],
        dir.path(),
    );
    let podman = ignored(&podman);
    assert_eq!(podman.len(), 1);
    assert!(podman[0].contains("b.py"), "{podman:?}");

    // The configuration key does the same.
    write(dir.path(), ".dflint.toml", "engine = \"podman\"\n");
    let configured = dflint(&["check", "--format", "json"], dir.path());
    assert_eq!(ignored(&configured), podman);
    // And the command line wins over it.
    let flag = dflint(
        &["check", "--format", "json", "--engine", "docker"],
        dir.path(),
    );
    assert_eq!(ignored(&flag), docker);
}

#[test]
fn broken_compose_and_bake_files_are_errors_with_a_location() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "FROM alpine:3.20\nUSER app\n");
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  api:\n    build: [\n",
    );
    write(
        dir.path(),
        "docker-bake.hcl",
        "target \"api\" {\n  context =\n}\n",
    );
    let out = dflint(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("error: compose.yaml:3:"), "{err}");
    assert!(err.contains("error: docker-bake.hcl:2:"), "{err}");
    // The other files are still checked.
    assert!(stdout(&out).contains("1 file"), "{}", stdout(&out));
}

#[test]
fn a_missing_dockerfile_names_the_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "docker-compose.yml",
        "services:\n  api:\n    build:\n      context: api\n      dockerfile: api.Dockerfile\n",
    );
    write(dir.path(), "api/main.go", "");
    write(
        dir.path(),
        "docker-bake.hcl",
        "target \"web\" {\n  context = \"web\"\n}\n",
    );
    let out = dflint(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(
            "error: docker-compose.yml:5:19: services.api.build.dockerfile: the Dockerfile \
             `api/api.Dockerfile` of docker-compose.yml service `api` is not a file"
        ),
        "{err}"
    );
    assert!(
        err.contains("error: docker-bake.hcl:1:1: target.web (the default `Dockerfile`)"),
        "{err}"
    );
}

#[test]
fn remote_contexts_are_skipped_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  tool:\n    build: https://github.com/example/tool.git#main\n",
    );
    let out = dflint(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("note: compose.yaml:3:12: services.tool.build: the build context"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn ci_formats_point_at_the_dockerfile() {
    let dir = tempfile::tempdir().unwrap();
    compose_repository(dir.path());
    let out = dflint(&["check", "--format", "github"], dir.path());
    let text = stdout(&out);
    assert!(
        text.lines().any(
            |l| l.starts_with("::warning file=docker/api.Dockerfile,line=2,col=6,")
                && l.contains("DFL4001")
        ),
        "{text}"
    );
    let out = dflint(&["check", "--format", "sarif"], dir.path());
    let sarif: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(!uris.is_empty());
    assert!(
        uris.iter().all(|u| *u == "docker/api.Dockerfile"),
        "{uris:?}"
    );
}

#[test]
fn a_file_built_by_two_targets_is_fixed_once() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        "ARG TAG=3.20\nFROM alpine:${TAG}\nMAINTAINER someone\nUSER app\n",
    );
    write(
        dir.path(),
        "docker-bake.hcl",
        "target \"a\" { args = { TAG = \"latest\" } }\ntarget \"b\" {}\n",
    );
    let out = dflint(&["check", "--fix", "--format", "json"], dir.path());
    let fixed = std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(!fixed.contains("MAINTAINER"), "{fixed}");
    assert!(
        fixed.starts_with("ARG TAG=3.20\nFROM alpine:${TAG}\n"),
        "{fixed}"
    );
    assert!(stderr(&out).contains("1 fixes applied"), "{}", stderr(&out));
    // The remaining finding of one target is still reported.
    assert_eq!(
        with_code(&findings(&out), UNPINNED).len(),
        1,
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_compose_variant_is_merged_on_top_of_the_main_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docker/api.Dockerfile", API_DOCKERFILE);
    write(
        dir.path(),
        "docker-compose.yml",
        "services:\n  api:\n    build:\n      context: .\n      dockerfile: docker/api.Dockerfile\n",
    );
    // Only the arguments: the context and the Dockerfile come from the main file.
    write(
        dir.path(),
        "docker-compose.prod.yml",
        "services:\n  api:\n    build:\n      args:\n        TAG: latest\n",
    );
    let out = dflint(&["check", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(paths(&out), ["docker/api.Dockerfile"]);
    let found = findings(&out);
    let unpinned = with_code(&found, UNPINNED);
    assert_eq!(unpinned.len(), 1, "{found:?}");
    assert!(
        unpinned[0]
            .4
            .ends_with("(in docker-compose.prod.yml service `api`)"),
        "{}",
        unpinned[0].4
    );
}

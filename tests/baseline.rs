//! `dflint check --write-baseline` and `--baseline` end to end, on a sample repository of
//! several Dockerfiles: known findings stay hidden while lines shift and other instructions
//! change, new ones are reported, fixed ones shrink the baseline.

use std::path::Path;
use std::process::{Command, Output, Stdio};

mod common;
use common::{stderr, stdout, write};

fn dflint(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dflint"))
        .args(["check", "--shellcheck", "never", "--color", "never"])
        .args(args)
        .current_dir(cwd)
        .env_remove("DFLINT_TODAY")
        .output()
        .expect("dflint runs")
}

const API: &str = "FROM alpine:3.20\nMAINTAINER ops\nRUN apk add curl\n";
const WEB: &str = "FROM node:22\nWORKDIR /app\nRUN cd /tmp && npm ci\nUSER node\n";
const WORKER: &str = "FROM python:3.12\nRUN pip install requests\nUSER app\n";

/// A repository with three Dockerfiles that all have findings, and its baseline.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "services/api/Dockerfile", API);
    write(dir.path(), "services/web/Dockerfile", WEB);
    write(dir.path(), "worker.Dockerfile", WORKER);
    let before = dflint(&["--format", "compact"], dir.path());
    assert_eq!(before.status.code(), Some(1), "{}", stdout(&before));
    let out = dflint(&["--write-baseline", "dflint-baseline.json"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let found = stdout(&before).lines().count();
    assert!(
        stderr(&out).contains(&format!("{found} findings in 3 files recorded")),
        "{}",
        stderr(&out)
    );
    dir
}

fn compact_with_baseline(dir: &Path) -> Output {
    dflint(
        &["--baseline", "dflint-baseline.json", "--format", "compact"],
        dir,
    )
}

#[test]
fn the_baseline_file_is_portable_sorted_and_stable() {
    let dir = repository();
    let text = std::fs::read_to_string(dir.path().join("dflint-baseline.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], 1);
    let paths: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"services/api/Dockerfile"), "{paths:?}");
    assert!(paths.contains(&"worker.Dockerfile"), "{paths:?}");
    let mut sorted = paths.clone();
    sorted.sort_unstable();
    assert_eq!(paths, sorted);
    assert!(!text.contains("\"line\""), "no line numbers: {text}");
    // The same findings from another directory give the same file, byte for byte.
    let sub = dir.path().join("services");
    let out = dflint(
        &[
            "--write-baseline",
            "../again.json",
            "..",
            "--format",
            "json",
        ],
        &sub,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let again = std::fs::read_to_string(dir.path().join("again.json")).unwrap();
    assert_eq!(again, text);
}

#[test]
fn known_findings_stay_hidden_when_lines_shift_and_other_lines_change() {
    let dir = repository();
    let out = compact_with_baseline(dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "");
    // Lines inserted above the findings, reindented and re-wrapped instructions, and an
    // unrelated instruction changed.
    write(
        dir.path(),
        "services/api/Dockerfile",
        "# syntax=docker/dockerfile:1\n# The API.\n\nFROM alpine:3.20\nLABEL team=core\n\n  MAINTAINER   ops\nRUN apk \\\n    add curl\n",
    );
    write(
        dir.path(),
        "services/web/Dockerfile",
        "FROM node:22\nENV NODE_ENV=production\nWORKDIR /app\nRUN cd /tmp && npm ci\nUSER node\n",
    );
    let out = compact_with_baseline(dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "");
    // The text format says how many it hid.
    let out = dflint(&["--baseline", "dflint-baseline.json"], dir.path());
    assert!(
        stderr(&out).contains("known findings hidden by the baseline dflint-baseline.json"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_new_finding_is_reported_alone_after_lines_shift() {
    let dir = repository();
    write(
        dir.path(),
        "services/api/Dockerfile",
        "# moved down\n\nFROM alpine:3.20\nMAINTAINER ops\nADD config.txt /etc/app/\nRUN apk add curl\n",
    );
    let out = compact_with_baseline(dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "services/api/Dockerfile:5:1: error[DFL5020] `ADD` copies local files where `COPY` would do\n"
    );
    // Every format reports the same new finding only.
    let out = dflint(
        &["--baseline", "dflint-baseline.json", "--format", "gitlab"],
        dir.path(),
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v[0]["check_name"], "DFL5020");
    // A second identical finding where the baseline holds one is new too.
    write(
        dir.path(),
        "services/api/Dockerfile",
        &format!("{API}MAINTAINER ops\n"),
    );
    let out = compact_with_baseline(dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "services/api/Dockerfile:4:1: error[DFL5021] `MAINTAINER` is deprecated\n"
    );
}

#[test]
fn fixed_findings_shrink_the_baseline_and_never_come_back() {
    let dir = repository();
    write(
        dir.path(),
        "services/api/Dockerfile",
        "FROM alpine:3.20\nRUN apk add curl\n",
    );
    let out = dflint(&["--baseline", "dflint-baseline.json"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("1 of its findings are gone"),
        "{}",
        stderr(&out)
    );
    let before = std::fs::read_to_string(dir.path().join("dflint-baseline.json")).unwrap();
    let out = dflint(
        &[
            "--baseline",
            "dflint-baseline.json",
            "--write-baseline",
            "dflint-baseline.json",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let after = std::fs::read_to_string(dir.path().join("dflint-baseline.json")).unwrap();
    assert!(
        before.contains("DFL5021") && !after.contains("DFL5021"),
        "{after}"
    );
    // Bringing the fixed finding back reports it: the ratchet only turns one way.
    write(dir.path(), "services/api/Dockerfile", API);
    let out = compact_with_baseline(dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("DFL5021"), "{}", stdout(&out));
    // Updating the baseline with a new finding around does not record it.
    let out = dflint(
        &[
            "--baseline",
            "dflint-baseline.json",
            "--write-baseline",
            "dflint-baseline.json",
            "--format",
            "compact",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("DFL5021"));
    let out = compact_with_baseline(dir.path());
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn standard_input_and_fix_use_the_baseline() {
    let dir = repository();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dflint"))
        .args([
            "check",
            "-",
            "--stdin-filename",
            "services/api/Dockerfile",
            "--baseline",
            "dflint-baseline.json",
            "--format",
            "compact",
            "--shellcheck",
            "never",
        ])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("# piped\n{API}ADD x.txt /x\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "services/api/Dockerfile:5:1: error[DFL5020] `ADD` copies local files where `COPY` would do\n"
    );
    // `--fix` still fixes known findings; the report holds only new ones.
    let out = dflint(
        &[
            "--baseline",
            "dflint-baseline.json",
            "--fix",
            "--format",
            "compact",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_ne!(
        std::fs::read_to_string(dir.path().join("services/api/Dockerfile")).unwrap(),
        API,
        "safe fixes applied"
    );
}

#[test]
fn a_missing_or_broken_baseline_is_an_error() {
    let dir = repository();
    let out = dflint(&["--baseline", "nope.json"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("nope.json: cannot read the baseline"),
        "{}",
        stderr(&out)
    );
    write(
        dir.path(),
        "broken.json",
        "{\n  \"version\": 1,\n  \"findings\": [\n",
    );
    let out = dflint(&["--baseline", "broken.json"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("broken.json:4:0: not a dflint baseline"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&out), "");
    write(
        dir.path(),
        "future.json",
        "{\"version\": 9, \"findings\": []}",
    );
    let out = dflint(&["--baseline", "future.json"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("baseline format version 9 is not supported"),
        "{}",
        stderr(&out)
    );
    // A file that cannot be checked leaves the baseline as it was.
    let before = std::fs::read_to_string(dir.path().join("dflint-baseline.json")).unwrap();
    let out = dflint(
        &[
            "--write-baseline",
            "dflint-baseline.json",
            ".",
            "missing/Dockerfile",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("dflint-baseline.json")).unwrap(),
        before
    );
}

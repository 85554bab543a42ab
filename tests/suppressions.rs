//! Governed suppressions end to end: reasons (`reason="..."` and `-- reason`), required by
//! `require-ignore-reason`; `expires=` dates, after which a pragma is a finding and
//! suppresses nothing; unreadable pragmas; and `--report-unused-ignores`.

use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::{stderr, stdout};

fn dflint(args: &[&str], cwd: &Path, today: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dflint"))
        .args(["check", "--shellcheck", "never", "--format", "compact"])
        .args(args)
        .current_dir(cwd)
        .env("DFLINT_TODAY", today)
        .output()
        .expect("dflint runs")
}

fn repository(dockerfile: &str, config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), dockerfile).unwrap();
    std::fs::write(dir.path().join(".dflint.toml"), config).unwrap();
    dir
}

const EXPIRING: &str = "FROM alpine:3.20\n\
# dflint ignore=maintainer-instruction reason=\"legacy image, see OPS-12\" expires=2027-03-31\n\
MAINTAINER ops\n\
USER app\n";

#[test]
fn an_expired_suppression_is_a_finding_and_suppresses_nothing() {
    let dir = repository(EXPIRING, "");
    // Up to and including its last day, it suppresses.
    for today in ["2026-01-01", "2027-03-31"] {
        let out = dflint(&[], dir.path(), today);
        assert_eq!(out.status.code(), Some(0), "{today}: {}", stdout(&out));
        assert_eq!(stdout(&out), "", "{today}");
    }
    let out = dflint(&[], dir.path(), "2027-04-01");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "Dockerfile:2:82: warning[DFL0204] this suppression expired on 2027-03-31\n\
         Dockerfile:3:1: error[DFL5021] `MAINTAINER` is deprecated\n"
    );
    // It is not also reported as unused.
    let out = dflint(&["--report-unused-ignores"], dir.path(), "2027-04-01");
    assert!(!stdout(&out).contains("DFL0202"), "{}", stdout(&out));
    // Like other findings, it can be switched off in the configuration.
    let dir = repository(EXPIRING, "ignore = [\"expired-suppression\"]\n");
    let out = dflint(&[], dir.path(), "2027-04-01");
    assert_eq!(
        stdout(&out),
        "Dockerfile:3:1: error[DFL5021] `MAINTAINER` is deprecated\n"
    );
}

#[test]
fn an_invalid_today_is_a_usage_error() {
    let dir = repository(EXPIRING, "");
    let out = dflint(&[], dir.path(), "tomorrow");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("DFLINT_TODAY: `tomorrow` is not a date"),
        "{}",
        stderr(&out)
    );
}

const REASONS: &str = "FROM alpine:3.20\n\
# dflint ignore=maintainer-instruction reason=\"kept for old tooling\"\n\
MAINTAINER a\n\
# dflint ignore=maintainer-instruction -- kept for old tooling\n\
MAINTAINER b\n\
# hadolint ignore=DL4000 # kept for old tooling\n\
MAINTAINER c\n\
# dflint ignore=maintainer-instruction\n\
MAINTAINER d\n\
# dflint ignore=maintainer-instruction reason=\"\"\n\
MAINTAINER e\n\
# hadolint ignore=DL4000\n\
MAINTAINER f\n\
USER app\n";

#[test]
fn reasons_are_required_when_configured_in_either_syntax() {
    let dir = repository(REASONS, "require-ignore-reason = true\n");
    let out = dflint(&[], dir.path(), "2026-01-01");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "Dockerfile:8:1: warning[DFL0205] this suppression gives no reason\n\
         Dockerfile:10:1: warning[DFL0205] this suppression gives no reason\n\
         Dockerfile:12:1: warning[DFL0205] this suppression gives no reason\n"
    );
    // Off by default.
    let dir = repository(REASONS, "");
    let out = dflint(&[], dir.path(), "2026-01-01");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn unreadable_pragmas_are_located_and_suppress_nothing() {
    let dir = repository(
        "FROM alpine:3.20\n\
         # dflint ignore=maintainer-instruction expires=2027-02-30\n\
         MAINTAINER a\n\
         # dflint ignore=maintainer-instruction reason=\"open\n\
         MAINTAINER b\n\
         # dflint ignore=maintainer-instruction until=2027-01-01\n\
         MAINTAINER c\n\
         USER app\n",
        "",
    );
    let out = dflint(&[], dir.path(), "2026-01-01");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "Dockerfile:2:48: warning[DFL0203] `2027-02-30` is not a date (expected `expires=YYYY-MM-DD`)\n\
         Dockerfile:3:1: error[DFL5021] `MAINTAINER` is deprecated\n\
         Dockerfile:4:47: warning[DFL0203] the quoted value has no closing `\"`\n\
         Dockerfile:5:1: error[DFL5021] `MAINTAINER` is deprecated\n\
         Dockerfile:6:40: warning[DFL0203] unknown pragma option `until` (expected `reason` or `expires`)\n\
         Dockerfile:7:1: error[DFL5021] `MAINTAINER` is deprecated\n"
    );
}

#[test]
fn unused_ignores_are_listed_with_unknown_codes_apart() {
    let dir = repository(
        "# dflint global ignore=DFL3001 -- nothing to merge here\n\
         FROM alpine:3.20\n\
         # dflint ignore=maintainer-instruction,DFL5020 reason=\"old\"\n\
         MAINTAINER a\n\
         # dflint ignore=no-such-rule\n\
         RUN true\n\
         # hadolint ignore=DL3020\n\
         USER app\n",
        "",
    );
    let out = dflint(&[], dir.path(), "2026-01-01");
    assert_eq!(
        stdout(&out),
        "Dockerfile:5:17: warning[DFL0201] `no-such-rule` is not a dflint code, rule name or alias\n"
    );
    let out = dflint(&["--report-unused-ignores"], dir.path(), "2026-01-01");
    assert_eq!(
        stdout(&out),
        "Dockerfile:1:24: info[DFL0202] `DFL3001` suppresses nothing here\n\
         Dockerfile:3:40: info[DFL0202] `DFL5020` suppresses nothing here\n\
         Dockerfile:5:17: warning[DFL0201] `no-such-rule` is not a dflint code, rule name or alias\n\
         Dockerfile:7:19: info[DFL0202] `DL3020` suppresses nothing here\n"
    );
}

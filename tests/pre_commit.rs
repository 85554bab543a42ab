//! The pre-commit hooks in `.pre-commit-hooks.yaml`, run by a real `pre-commit try-repo`
//! on a sample repository. Skipped with a notice when `pre-commit` is not installed
//! (`pip install pre-commit`); `.ci/run` installs it.

use std::path::Path;
use std::process::Command;

fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().expect("the command starts");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn hooks_check_and_fix_staged_dockerfiles() {
    if Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_err()
    {
        println!("notice: pre-commit is not installed; skipped (pip install pre-commit)");
        return;
    }
    let project = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sample = tempfile::tempdir().unwrap();
    let dir = sample.path();
    let git = |args: &[&str]| run(Command::new("git").args(args).current_dir(dir));
    assert!(git(&["init", "-q"]).0);
    let dockerfile =
        "FROM alpine:3.20\nRUN apk add --no-cache curl~8\nRUN echo ready\nUSER nobody\n";
    std::fs::write(dir.join("Dockerfile"), dockerfile).unwrap();
    std::fs::write(dir.join("README.md"), "not a Dockerfile\n").unwrap();
    assert!(git(&["add", "."]).0);
    // Keep pre-commit's cache (which holds the built hook) inside the target directory.
    let home = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-home");
    let try_repo = |hook: &str| {
        run(Command::new("pre-commit")
            .args(["try-repo", project.to_str().unwrap(), hook, "--all-files"])
            .env("PRE_COMMIT_HOME", &home)
            // pre-commit builds the hook with `cargo install` (a release build); what is
            // tested here is the hooks, not the optimiser: build it as fast as a debug build.
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
            .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
            .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "false")
            .current_dir(dir))
    };
    let (ok, text) = try_repo("dflint");
    assert!(!ok, "the check hook fails on a finding: {text}");
    assert!(
        text.contains("DFL3001"),
        "the consecutive RUNs are reported: {text}"
    );
    let (_, text) = try_repo("dflint-fix");
    let fixed = std::fs::read_to_string(dir.join("Dockerfile")).unwrap();
    assert_ne!(fixed, dockerfile, "the fix hook rewrote the file: {text}");
    assert!(fixed.contains("&& \\\n"), "{fixed}");
    let (ok, text) = try_repo("dflint");
    assert!(ok, "after the fix the check passes: {text}");
}

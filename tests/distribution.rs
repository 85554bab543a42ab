//! What ships around the binary: shell completions, the GitHub Action (`action.yml`) and
//! dflint's own container image (`Dockerfile`), which dflint checks clean.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn dflint(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dflint"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("dflint runs")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether `program` runs here.
fn available(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `shell -n`-style syntax checks on `script`.
fn syntax_check(program: &str, args: &[&str], script: &[u8], name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, script).unwrap();
    let out = Command::new(program)
        .args(args)
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{program}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn completions_cover_the_subcommands_in_each_shell() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = dflint(&["completions", shell], dir.path());
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(out.stdout.clone()).unwrap();
        for word in [
            "check",
            "init",
            "rules",
            "completions",
            "preset",
            "select",
            "minimal",
        ] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
        match shell {
            "bash" if available("bash") => {
                syntax_check("bash", &["-n"], &out.stdout, "dflint.bash")
            }
            "zsh" if available("zsh") => syntax_check("zsh", &["-n"], &out.stdout, "_dflint"),
            "fish" if available("fish") => {
                syntax_check("fish", &["--no-execute"], &out.stdout, "dflint.fish");
            }
            _ => {}
        }
    }
    let out = dflint(&["completions", "tcsh"], dir.path());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_repository_and_its_image_dockerfile_check_clean() {
    // The root `.dflint.toml` keeps the parser fixtures out of the directory search.
    let out = dflint(&["check", "."], &root());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "No problems found in 1 file.\n"
    );
    // The image's Dockerfile is clean under every rule, preview ones included.
    let out = dflint(&["check", "--preset", "strict", "Dockerfile"], &root());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

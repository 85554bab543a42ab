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

/// `action.yml` as a generic value.
fn action() -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("action.yml")).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("action.yml: {e}"))
}

/// The `run` script of the action's step with this name.
fn step_script(action: &serde_json::Value, name: &str) -> String {
    action["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step {name}"))["run"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn the_action_is_a_composite_action_using_real_flags() {
    let action = action();
    assert!(action["name"].is_string() && action["description"].is_string());
    assert_eq!(action["runs"]["using"], "composite");
    for (name, input) in action["inputs"].as_object().unwrap() {
        assert!(input["description"].is_string(), "input {name}");
    }
    for step in action["runs"]["steps"].as_array().unwrap() {
        assert!(
            step["uses"].is_string() || step["shell"] == "bash",
            "{step}"
        );
    }
    // Every flag the scripts pass to `dflint check` is one `dflint check --help` lists.
    let dir = tempfile::tempdir().unwrap();
    let help = String::from_utf8(dflint(&["check", "--help"], dir.path()).stdout).unwrap();
    let script = step_script(&action, "Check Dockerfiles");
    let mut checked = 0;
    for line in script.lines().filter(|l| l.contains("dflint check")) {
        let words: Vec<&str> = line.split_whitespace().collect();
        for (i, word) in words.iter().enumerate() {
            if word.starts_with("--") {
                assert!(help.contains(&format!("{word} ")), "{word} is no flag");
                checked += 1;
            }
            if *word == "--format" {
                assert!(help.contains(words[i + 1]), "format {}", words[i + 1]);
            }
        }
    }
    assert!(checked >= 3, "{script}");
}

#[test]
fn the_action_script_annotates_and_writes_sarif() {
    if !available("bash") {
        println!("notice: no bash; skipped");
        return;
    }
    let script = step_script(&action(), "Check Dockerfiles");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM alpine:3.20\nMAINTAINER me\nUSER 1000\n",
    )
    .unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_dflint")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |fail_level: &str| {
        Command::new("bash")
            .args(["-e", "-c", &script])
            .current_dir(dir.path())
            .env("PATH", &path)
            .env("INPUT_PATHS", ".")
            .env("INPUT_ARGS", "--shellcheck never")
            .env("INPUT_FAIL_LEVEL", fail_level)
            .env("INPUT_SARIF_FILE", "dflint.sarif")
            .output()
            .unwrap()
    };
    let out = run("");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with("::error file=Dockerfile,line=2,"),
        "{stdout}"
    );
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("dflint.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "DFL5021");
    // Below the fail level, the step passes and still annotates.
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM alpine:3.20\nRUN apk add --no-cache curl\nUSER 1000\n",
    )
    .unwrap();
    let out = run("error");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("::warning file=Dockerfile,line=2,"),
        "{stdout}"
    );
}

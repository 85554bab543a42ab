//! What a document is checked with: the configuration file found for its path (as `dflint
//! check` finds it, reloaded when the file changes) with the editor's settings over it, its
//! build context's ignore file, and the context's files for completion and code lenses.
//! The server's only filesystem access.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use tower_lsp_server::gen_lsp_types as lsp;

use crate::Settings;
use crate::cli::{config as cli_config, context};
use crate::config::Config;
use crate::semantic::context::IgnoreFile;

/// What a check of one document needs besides its text.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub config: Arc<Config>,
    /// The document's path as the configuration's `per-path` globs see it.
    pub path: String,
    pub ignore_file: IgnoreFile,
}

impl Resolved {
    /// The settings of a check. ShellCheck stays off in the server: running a process per
    /// keystroke would cost more than the rest of the check. Pragmas expire by the clock
    /// (or `DFLINT_TODAY`), as in `dflint check`.
    #[must_use]
    pub fn settings(&self) -> Settings<'_> {
        Settings {
            config: &self.config,
            path: &self.path,
            report_unused_ignores: false,
            ignore_file: &self.ignore_file,
            shellcheck: None,
            today: crate::cli::today().ok(),
            build_args: &[],
            target: None,
        }
    }
}

/// A message for the user about a configuration file or the editor's settings.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Notice {
    /// The file cannot be used; the defaults apply instead.
    Error(String),
    /// The editor's settings cannot be used; the configuration files apply alone.
    SettingsError(String),
    Warning(String),
}

/// Settings the editor sends: the configuration file's keys, which override the file found
/// for each document key by key, and `config`, a configuration file to use for every
/// document instead of the nearest one.
#[derive(Clone, Debug, Default)]
pub struct EditorSettings {
    config_file: Option<PathBuf>,
    /// The keys set, read as a configuration, and their names.
    overrides: Option<Arc<(Config, Vec<String>)>>,
}

impl EditorSettings {
    /// Reads `{"dflint": {...}}` (the `settings` of `workspace/didChangeConfiguration` and
    /// `initializationOptions`), or the `dflint` object itself (an answer to
    /// `workspace/configuration`). Settings with a mistake are left out, with a notice.
    #[must_use]
    pub fn read(value: &serde_json::Value) -> (EditorSettings, Vec<Notice>) {
        const NAME: &str = "editor settings `dflint`";
        let section = value.get("dflint").unwrap_or(value);
        let mut settings = EditorSettings::default();
        let mut notices = Vec::new();
        let serde_json::Value::Object(map) = section else {
            if !section.is_null() {
                notices.push(Notice::SettingsError(format!(
                    "{NAME}: must be an object of configuration keys"
                )));
            }
            return (settings, notices);
        };
        let mut keys = map.clone();
        match keys.remove("config") {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::String(path)) if !path.is_empty() => {
                settings.config_file = Some(PathBuf::from(path));
            }
            Some(_) => notices.push(Notice::SettingsError(format!(
                "{NAME}: `config` must be the path of a configuration file"
            ))),
        }
        match crate::config::parse_json(&serde_json::Value::Object(keys), NAME) {
            Ok((config, keys)) => {
                let (warnings, error) = cli_config::validate(&config);
                notices.extend(warnings.into_iter().map(Notice::Warning));
                if let Some(error) = error {
                    notices.push(Notice::SettingsError(error));
                } else if !keys.is_empty() {
                    settings.overrides = Some(Arc::new((config, keys)));
                }
            }
            Err(error) => notices.push(Notice::SettingsError(error.to_string())),
        }
        (settings, notices)
    }

    /// The configuration a document gets from `file`'s configuration: these settings over it.
    fn apply(&self, file: Arc<Config>) -> Arc<Config> {
        match &self.overrides {
            Some(overrides) => {
                let mut config = (*file).clone();
                config.overlay(&overrides.0, &overrides.1);
                Arc::new(config)
            }
            None => file,
        }
    }
}

/// A loaded configuration file and the modification time it was read at.
struct Loaded {
    modified: Option<SystemTime>,
    config: Arc<Config>,
    notices: Vec<Notice>,
}

/// The configuration files read so far, the editor's settings, and the notices already
/// shown.
#[derive(Default)]
pub struct Configs {
    loaded: Mutex<HashMap<PathBuf, Arc<Loaded>>>,
    editor: Mutex<EditorSettings>,
    shown: Mutex<HashSet<Notice>>,
}

fn modified(path: &std::path::Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

impl Configs {
    /// The configuration file at `path`, read again when it changed since the last read.
    fn load(&self, path: &std::path::Path) -> Arc<Loaded> {
        let stamp = modified(path);
        if let Some(loaded) = self
            .loaded
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(path)
            && loaded.modified == stamp
        {
            return loaded.clone();
        }
        let loaded = Arc::new(match cli_config::load_config(path) {
            Ok(config) => {
                let (warnings, error) = cli_config::validate(&config);
                let mut notices: Vec<Notice> = warnings.into_iter().map(Notice::Warning).collect();
                match error {
                    Some(error) => {
                        notices.push(Notice::Error(error));
                        Loaded {
                            modified: stamp,
                            config: Arc::new(Config::default()),
                            notices,
                        }
                    }
                    None => Loaded {
                        modified: stamp,
                        config: Arc::new(config),
                        notices,
                    },
                }
            }
            Err(error) => Loaded {
                modified: stamp,
                config: Arc::new(Config::default()),
                notices: vec![Notice::Error(error)],
            },
        });
        self.loaded
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_path_buf(), loaded.clone());
        loaded
    }

    /// Uses the settings the editor sent from now on; the notices about them not shown yet.
    pub fn set_editor_settings(&self, value: &serde_json::Value) -> Vec<Notice> {
        let (settings, notices) = EditorSettings::read(value);
        *self.editor.lock().unwrap_or_else(PoisonError::into_inner) = settings;
        self.unseen(notices)
    }

    /// What the document at `uri` is checked with, and the notices not shown yet. A
    /// document without a local path (an unsaved buffer) gets no build context, and the
    /// configuration file the editor names, if any.
    pub fn resolve(&self, uri: &lsp::Uri) -> (Resolved, Vec<Notice>) {
        let editor = self
            .editor
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let config_of = |found: Option<&std::path::Path>| match found {
            Some(found) => {
                let loaded = self.load(found);
                (loaded.config.clone(), loaded.notices.clone())
            }
            None => (Arc::new(Config::default()), Vec::new()),
        };
        let Some(file) = super::convert::file_path(uri) else {
            let (config, notices) = config_of(editor.config_file.as_deref());
            let resolved = Resolved {
                config: editor.apply(config),
                path: "Dockerfile".to_string(),
                ignore_file: IgnoreFile::Unknown,
            };
            return (resolved, self.unseen(notices));
        };
        let display = file.file_name().map_or_else(
            || "Dockerfile".to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let (found, path) = match &editor.config_file {
            Some(config_file) => (
                Some(config_file.clone()),
                cli_config::path_for_config(config_file, &file),
            ),
            None => cli_config::locate(&file, &display),
        };
        let (config, mut notices) = config_of(found.as_deref());
        let config = editor.apply(config);
        let ignore_file = match context::ignore_file_of(&file, config.engine.unwrap_or_default()) {
            Ok(ignore_file) => ignore_file,
            Err(e) => {
                notices.push(Notice::Warning(format!(
                    "{}: cannot read its .dockerignore: {e}",
                    file.display()
                )));
                IgnoreFile::Unknown
            }
        };
        let resolved = Resolved {
            config,
            path,
            ignore_file,
        };
        (resolved, self.unseen(notices))
    }

    /// Those of `notices` not shown before, now counted as shown.
    fn unseen(&self, mut notices: Vec<Notice>) -> Vec<Notice> {
        let mut shown = self.shown.lock().unwrap_or_else(PoisonError::into_inner);
        notices.retain(|n| shown.insert(n.clone()));
        notices
    }
}

/// How many directory entries listing a build context may read.
const CONTEXT_ENTRIES_READ: usize = 20_000;
/// How many build-context files completion and code lenses are given.
const CONTEXT_FILES: usize = 2_000;
/// How long a listing of a build context is used before the directory is read again:
/// completion asks on every keystroke.
const CONTEXT_FRESH: std::time::Duration = std::time::Duration::from_secs(5);

/// A listing of a build context and when it was read.
type Listing = (std::time::Instant, Arc<Vec<String>>);

/// The build-context files listed lately, per Dockerfile path.
#[derive(Default)]
pub struct ContextFiles {
    listed: Mutex<HashMap<PathBuf, Listing>>,
}

impl ContextFiles {
    /// The files of the build context of the document at `uri` (its directory) that its
    /// ignore file leaves in, capped; `None` for a document without a local path. Files
    /// past the caps are left out.
    pub fn of(&self, uri: &lsp::Uri) -> Option<Arc<Vec<String>>> {
        let file = super::convert::file_path(uri)?;
        if let Some((at, files)) = self
            .listed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&file)
            && at.elapsed() < CONTEXT_FRESH
        {
            return Some(files.clone());
        }
        let mut files =
            context::included_files(&file, crate::config::Engine::Docker, CONTEXT_ENTRIES_READ)
                .ok()?;
        files.truncate(CONTEXT_FILES);
        let files = Arc::new(files);
        self.listed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(file, (std::time::Instant::now(), files.clone()));
        Some(files)
    }

    /// Forgets every listing, after files changed.
    pub fn forget(&self) {
        self.listed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

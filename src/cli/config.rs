//! Finding and reading configuration files: `.dflint.toml`, `.dflint.yaml`/`.yml`, and
//! hadolint's `.hadolint.yaml`/`.yml` for projects that have only that.

use std::path::{Component, Path, PathBuf};

use crate::config::{self, Config};

/// dflint's own file names, in order of preference within one directory.
const OURS: &[&str] = &[".dflint.toml", ".dflint.yaml", ".dflint.yml"];

/// hadolint's file names, used only when no directory has one of ours.
const HADOLINT: &[&str] = &[".hadolint.yaml", ".hadolint.yml"];

/// The configuration file for files under `start_dir`: the nearest `.dflint.toml`,
/// `.dflint.yaml` or `.dflint.yml` in it or an ancestor; or, when no ancestor has one, the
/// nearest `.hadolint.yaml` or `.hadolint.yml`.
pub(crate) fn find_config(start_dir: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(start_dir).unwrap_or_else(|_| start_dir.to_path_buf());
    let nearest = |names: &[&str]| {
        start.ancestors().find_map(|dir| {
            names
                .iter()
                .map(|name| dir.join(name))
                .find(|path| path.is_file())
        })
    };
    nearest(OURS).or_else(|| nearest(HADOLINT))
}

/// The configuration file that applies to `file` (the nearest one, see [`find_config`],
/// from the file's directory) and the file's path as that file's `per-path` globs see it.
/// Without a configuration file, the path is `display`. `dflint check` and the language
/// server find configurations through this one function.
pub(crate) fn locate(file: &Path, display: &str) -> (Option<PathBuf>, String) {
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match find_config(dir) {
        Some(found) => {
            let relative = path_for_config(&found, file);
            (Some(found), relative)
        }
        None => (None, display.to_string()),
    }
}

/// Checks the selectors of a loaded configuration against the codes dflint knows: the
/// warnings to show, and the error that makes the configuration unusable, if any. Unknown
/// codes in hadolint's files are warnings, since they may name hadolint rules dflint does
/// not have.
pub(crate) fn validate(config: &Config) -> (Vec<String>, Option<String>) {
    let known = crate::check::known_codes();
    let mut warnings: Vec<String> = config.warnings.iter().map(ToString::to_string).collect();
    for (_, error) in config.unknown_selectors(&known) {
        if config.dialect == config::Dialect::Hadolint {
            warnings.push(format!(
                "{error} (no dflint rule has this hadolint code yet)"
            ));
        } else {
            return (warnings, Some(error.to_string()));
        }
    }
    (warnings, None)
}

/// Reads and parses a configuration file, choosing the format by its name: a name
/// containing `hadolint` is hadolint's format, `*.toml` is TOML, anything else YAML (read as
/// hadolint's format when it has a key only hadolint has, such as `ignored`).
///
/// # Errors
/// A message naming the file, and the line for a syntax or schema error.
pub(crate) fn load_config(path: &Path) -> Result<Config, String> {
    let name = display(path);
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{name}: cannot read the configuration file: {e}"))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let parsed = if file_name.contains("hadolint") {
        config::parse_hadolint_yaml(&text, &name)
    } else if file_name.ends_with(".toml") {
        config::parse_toml(&text, &name)
    } else {
        config::parse_yaml_or_hadolint(&text, &name)
    };
    parsed.map_err(|e| e.to_string())
}

/// The path of `file` relative to the directory of `config_file`, `/`-separated, as
/// [`Config::is_enabled`] and [`Config::severity_for`] match `per-path` globs against it.
/// A file outside that directory keeps its path as given.
pub(crate) fn path_for_config(config_file: &Path, file: &Path) -> String {
    let absolute = |p: &Path| normalize(&std::path::absolute(p).unwrap_or_else(|_| p.into()));
    let base = config_file.parent().map(absolute).unwrap_or_default();
    let file_abs = absolute(file);
    let relative = file_abs.strip_prefix(&base).unwrap_or(file);
    relative
        .components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            Component::ParentDir => Some("..".into()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Removes `.` and resolves `..` lexically (without following symbolic links).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

fn display(path: &Path) -> String {
    let s = path.display().to_string();
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn finds_the_nearest_file_upward() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let deep = root.join("a/b/c");
        fs::create_dir_all(&deep).unwrap();
        assert_eq!(find_config(&deep), None);

        write(&root.join(".dflint.yaml"), "preview: true\n");
        assert_eq!(find_config(&deep), Some(root.join(".dflint.yaml")));

        // Within one directory, TOML comes first.
        write(&root.join(".dflint.toml"), "preview = true\n");
        assert_eq!(find_config(&deep), Some(root.join(".dflint.toml")));

        // A nearer directory wins.
        write(&root.join("a/b/.dflint.yml"), "preview: true\n");
        assert_eq!(find_config(&deep), Some(root.join("a/b/.dflint.yml")));
        assert_eq!(
            find_config(&root.join("a")),
            Some(root.join(".dflint.toml"))
        );
    }

    #[test]
    fn ours_in_a_parent_wins_over_hadolint_in_the_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let child = root.join("service");
        write(&child.join(".hadolint.yaml"), "ignored: [DL3008]\n");
        assert_eq!(find_config(&child), Some(child.join(".hadolint.yaml")));
        write(&root.join(".dflint.toml"), "ignore = [\"DL3008\"]\n");
        assert_eq!(find_config(&child), Some(root.join(".dflint.toml")));
    }

    #[test]
    fn hadolint_yaml_is_found_before_yml() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(&root.join(".hadolint.yml"), "ignored: []\n");
        write(&root.join("x/.hadolint.yaml"), "ignored: []\n");
        assert_eq!(find_config(root), Some(root.join(".hadolint.yml")));
        assert_eq!(
            find_config(&root.join("x")),
            Some(root.join("x/.hadolint.yaml"))
        );
    }

    #[test]
    fn loads_by_file_name() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();

        let toml = root.join("lint.toml");
        write(&toml, "ignore = [\"DFL3006\"]\n");
        let config = load_config(&toml).unwrap();
        assert_eq!(config.ignore, ["DFL3006"]);
        assert_eq!(config.dialect, config::Dialect::Dflint);

        let hadolint = root.join(".hadolint.yml");
        write(&hadolint, "ignored: [DL3006]\nfailure-threshold: warning\n");
        let config = load_config(&hadolint).unwrap();
        assert_eq!(config.ignore, ["DL3006"]);
        assert_eq!(config.dialect, config::Dialect::Hadolint);
        assert_eq!(config.fail_level, Some(crate::Severity::Warning));

        // A YAML file of either schema, told apart by its keys.
        let ours = root.join("ci.yaml");
        write(&ours, "ignore: [DFL3006]\n");
        assert_eq!(load_config(&ours).unwrap().dialect, config::Dialect::Dflint);
        let theirs = root.join("ci-lint.yaml");
        write(
            &theirs,
            "trustedRegistries: docker.io\nstrict-labels: true\n",
        );
        let config = load_config(&theirs).unwrap();
        assert_eq!(config.dialect, config::Dialect::Hadolint);
        assert_eq!(config.trusted_registries, ["docker.io"]);
        assert!(config.strict_labels);

        // TOML syntax in a `.toml` file is not read as YAML.
        let bad = root.join("bad.toml");
        write(&bad, "[severity]\nDFL3006 = \"fatal\"\n");
        let message = load_config(&bad).unwrap_err();
        assert!(message.ends_with("bad.toml:2:11: invalid severity `fatal` for `severity.DFL3006` (expected `error`, `warning`, `info` or `style`)"), "{message}");

        let missing = load_config(&root.join("nope.toml")).unwrap_err();
        assert!(
            missing.contains("nope.toml: cannot read the configuration file"),
            "{missing}"
        );
    }

    #[test]
    fn paths_are_relative_to_the_configuration() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let config = root.join(".dflint.toml");
        assert_eq!(
            path_for_config(&config, &root.join("services/api/Dockerfile")),
            "services/api/Dockerfile"
        );
        assert_eq!(
            path_for_config(&config, &root.join("services/../Dockerfile")),
            "Dockerfile"
        );
        assert_eq!(
            path_for_config(
                &root.join("sub/.dflint.toml"),
                Path::new("/elsewhere/Dockerfile")
            ),
            "elsewhere/Dockerfile"
        );
    }
}

//! Finding Dockerfiles in directories: by file name, and through the builds that Compose
//! and Bake files declare (which name Dockerfiles of any name, with their own build
//! context, build arguments and target).

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use super::{bake, compose};

/// The file names taken for Dockerfiles, matched case-insensitively.
pub(crate) const DOCKERFILE_PATTERNS: &[&str] = &[
    "Dockerfile",
    "Dockerfile.*",
    "*.Dockerfile",
    "Containerfile*",
];

fn patterns() -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for p in DOCKERFILE_PATTERNS {
        builder.add(
            GlobBuilder::new(p)
                .case_insensitive(true)
                .literal_separator(true)
                .build()
                .expect("valid pattern"),
        );
    }
    builder.build().expect("valid pattern set")
}

/// Whether a file name is a Dockerfile's. `.dockerignore` files named after a Dockerfile
/// (`Dockerfile.dockerignore`) are not.
pub(crate) fn is_dockerfile_name(name: &str, set: &GlobSet) -> bool {
    set.is_match(name) && !name.to_ascii_lowercase().ends_with(".dockerignore")
}

/// Where the Dockerfile of a declared build is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum DockerfileSource {
    /// A file, with the path as written joined to the context and normalised.
    File(PathBuf),
    /// A Dockerfile written in the Compose or Bake file itself (`dockerfile_inline`).
    Inline {
        text: String,
        /// The key path it is written at, such as `services.api.build.dockerfile_inline`.
        key: String,
        /// Where its lines are in the declaring file, when they are there verbatim.
        lines: Option<InlineLines>,
    },
}

/// Where the lines of an inline Dockerfile are in the file that declares it: line `i` of
/// the Dockerfile is line `first + i` (0-based) of the file, after `indent` bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct InlineLines {
    pub first: usize,
    pub indent: usize,
}

/// A build that a Compose or Bake file declares: which Dockerfile, and what it is built
/// with.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct DeclaredBuild {
    /// What declares it, for labels and messages: ``compose service `api` `` or
    /// ``bake target `api` ``.
    pub origin: String,
    /// The Compose or Bake file.
    pub file: PathBuf,
    /// The key path and the position of the Dockerfile's name (or text) in `file`, for
    /// messages: `compose.yaml:7:19: services.api.build.dockerfile`.
    pub site: String,
    pub dockerfile: DockerfileSource,
    /// The build context directory.
    pub context: PathBuf,
    /// `args`, in order.
    pub build_args: Vec<(String, String)>,
    /// `target`.
    pub target: Option<String>,
}

impl DeclaredBuild {
    /// Whether two declarations build the same thing, so that checking one is enough.
    pub(crate) fn same_build(&self, other: &DeclaredBuild) -> bool {
        self.dockerfile == other.dockerfile
            && self.context == other.context
            && self.build_args == other.build_args
            && self.target == other.target
    }
}

/// What a directory search found.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// Files found by name, sorted.
    pub dockerfiles: Vec<PathBuf>,
    /// Builds declared by Compose and Bake files, in the order of the files.
    pub builds: Vec<DeclaredBuild>,
    /// Errors in Compose and Bake files, each with its file and position.
    pub errors: Vec<String>,
    /// What was skipped and why (remote build contexts, unsupported forms).
    pub notes: Vec<String>,
}

/// What kind of build file a name is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum BuildFile {
    Compose,
    Bake,
}

/// Whether `name` is a Compose file (`compose.yaml`, `compose.yml`, `docker-compose.yml`,
/// `docker-compose.yaml`, their overrides and variants such as `docker-compose.prod.yml`)
/// or a Bake file (`docker-bake.hcl`, `docker-bake.json` and their `.override.` files).
fn build_file_kind(name: &str) -> Option<BuildFile> {
    let lower = name.to_ascii_lowercase();
    let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    if yaml && (lower.starts_with("compose.") || lower.starts_with("docker-compose.")) {
        return Some(BuildFile::Compose);
    }
    if matches!(
        lower.as_str(),
        "docker-bake.hcl"
            | "docker-bake.json"
            | "docker-bake.override.hcl"
            | "docker-bake.override.json"
    ) {
        return Some(BuildFile::Bake);
    }
    None
}

/// Searches `dir` for Dockerfiles, honouring `.gitignore`, `.ignore` and git's exclude
/// files; hidden directories are searched, `.git` is not. With `builds`, Compose and Bake
/// files found on the way are read too.
///
/// # Errors
///
/// Returns the first error of walking the directory.
pub(crate) fn search(dir: &Path, builds: bool) -> Result<Found, ignore::Error> {
    let set = patterns();
    let mut found = Found::default();
    // Build files by directory, so that a directory's files are merged as the tools do.
    let mut build_files: BTreeMap<PathBuf, Vec<(BuildFile, PathBuf)>> = BTreeMap::new();
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(false)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for entry in walker {
        let entry = entry?;
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Some(name) = entry.file_name().to_str() else {
            continue;
        };
        if is_dockerfile_name(name, &set) {
            found.dockerfiles.push(entry.into_path());
        } else if builds && let Some(kind) = build_file_kind(name) {
            let path = entry.into_path();
            let parent = path.parent().map(Path::to_path_buf).unwrap_or_default();
            build_files.entry(parent).or_default().push((kind, path));
        }
    }
    found.dockerfiles.sort();
    for files in build_files.into_values() {
        let (compose_files, bake_files): (Vec<_>, Vec<_>) = files
            .into_iter()
            .partition(|(kind, _)| *kind == BuildFile::Compose);
        let compose_files: Vec<PathBuf> = compose_files.into_iter().map(|(_, p)| p).collect();
        let bake_files: Vec<PathBuf> = bake_files.into_iter().map(|(_, p)| p).collect();
        if !compose_files.is_empty() {
            compose::read_directory(&compose_files, &mut found);
        }
        if !bake_files.is_empty() {
            bake::read_directory(&bake_files, &mut found);
        }
    }
    Ok(found)
}

/// `path` with `.` components dropped and `..` applied where a named component precedes it,
/// without touching the filesystem (`./a/../b/./c` is `b/c`).
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.is_empty() {
        PathBuf::from(".")
    } else {
        out.iter().collect()
    }
}

/// Whether a build context is not a local directory: a Git repository or URL.
pub(crate) fn is_remote_context(context: &str) -> bool {
    let lower = context.to_ascii_lowercase();
    [
        "http://",
        "https://",
        "git://",
        "git@",
        "ssh://",
        "github.com/",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
        || lower.contains(".git#")
        || lower.ends_with(".git")
}

/// Line starts of `text`, for turning byte offsets into 1-based lines and columns.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_names() {
        let set = patterns();
        for yes in [
            "Dockerfile",
            "dockerfile",
            "Dockerfile.dev",
            "api.Dockerfile",
            "api.dockerfile",
            "Containerfile",
            "Containerfile.prod",
        ] {
            assert!(is_dockerfile_name(yes, &set), "{yes}");
        }
        for no in [
            "Dockerfile.dockerignore",
            "README.md",
            "docker-compose.yml",
            "docker-bake.hcl",
            "MyDockerfile",
            ".dockerignore",
        ] {
            assert!(!is_dockerfile_name(no, &set), "{no}");
        }
    }

    #[test]
    fn build_file_names() {
        for compose in [
            "compose.yaml",
            "compose.yml",
            "docker-compose.yml",
            "docker-compose.yaml",
            "docker-compose.override.yml",
            "docker-compose.prod.yaml",
            "compose.override.yaml",
        ] {
            assert_eq!(
                build_file_kind(compose),
                Some(BuildFile::Compose),
                "{compose}"
            );
        }
        for bake in [
            "docker-bake.hcl",
            "docker-bake.json",
            "docker-bake.override.hcl",
            "docker-bake.override.json",
        ] {
            assert_eq!(build_file_kind(bake), Some(BuildFile::Bake), "{bake}");
        }
        for no in [
            "compose.json",
            "my-compose.yml",
            "docker-bake.yml",
            "bake.hcl",
        ] {
            assert_eq!(build_file_kind(no), None, "{no}");
        }
    }

    #[test]
    fn paths_are_normalised_lexically() {
        assert_eq!(normalize(Path::new("./a/../b/./c")), Path::new("b/c"));
        assert_eq!(normalize(Path::new("./.")), Path::new("."));
        assert_eq!(normalize(Path::new("../x/./y")), Path::new("../x/y"));
        assert_eq!(normalize(Path::new("/r/a/../b")), Path::new("/r/b"));
    }

    #[test]
    fn remote_contexts() {
        for remote in [
            "https://github.com/docker/buildx.git#main",
            "git@github.com:docker/buildx.git",
            "github.com/docker/buildx",
            "http://example.com/context.tar.gz",
        ] {
            assert!(is_remote_context(remote), "{remote}");
        }
        for local in [".", "./api", "../shared", "/srv/app"] {
            assert!(!is_remote_context(local), "{local}");
        }
    }
}

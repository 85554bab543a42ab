//! Finding Dockerfiles in directories.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

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

/// The Dockerfiles under `dir`, sorted, honouring `.gitignore`, `.ignore` and git's
/// exclude files. Hidden directories are searched; `.git` is not.
pub(crate) fn dockerfiles_in(dir: &Path) -> Result<Vec<PathBuf>, ignore::Error> {
    let set = patterns();
    let mut found = Vec::new();
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(false)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for entry in walker {
        let entry = entry?;
        if entry.file_type().is_some_and(|t| t.is_file())
            && entry
                .file_name()
                .to_str()
                .is_some_and(|n| is_dockerfile_name(n, &set))
        {
            found.push(entry.into_path());
        }
    }
    found.sort();
    Ok(found)
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
            "MyDockerfile",
            ".dockerignore",
        ] {
            assert!(!is_dockerfile_name(no, &set), "{no}");
        }
    }
}

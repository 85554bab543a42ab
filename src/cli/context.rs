//! Reading a build context from disk: listing the files under the context directory and
//! finding the ignore file that applies, for [`crate::semantic::context::BuildContext`].
//! Which ignore file an engine reads is decided here and nowhere else.

use std::fs;
use std::io;
use std::path::Path;

use crate::config::Engine;
use crate::semantic::context::{BuildContext, DockerIgnore, IgnoreFile};

/// Reads the build context rooted at `dir`.
///
/// Every regular file under `dir` is listed, as a `/`-separated path relative to `dir`;
/// nothing is skipped here, since the ignore file decides what is excluded. A symbolic link
/// is listed under its own name when it resolves to a regular file inside the context; links
/// that leave the context, dangle, or point at directories are left out, and linked
/// directories are never descended. Names that are not valid UTF-8 are converted lossily.
///
/// The ignore file is the one [`read_ignore_text`] finds for `engine`.
///
/// # Errors
///
/// Returns the first error from resolving `dir`, reading a directory under it, or reading
/// the ignore file that exists.
pub(crate) fn read_context(
    dir: &Path,
    dockerfile: Option<&Path>,
    engine: Engine,
) -> io::Result<BuildContext> {
    let root = fs::canonicalize(dir)?;
    let mut files = Vec::new();
    list_files(&root, &root, "", &mut files)?;
    files.sort();
    let ignore = read_ignore_text(dir, dockerfile, engine)?;
    Ok(BuildContext::new(files, ignore.as_deref()))
}

/// Appends the files under `current` (a real directory inside `root`) to `out`, named
/// relative to the root with `prefix` as the path of `current`.
fn list_files(root: &Path, current: &Path, prefix: &str, out: &mut Vec<String>) -> io::Result<()> {
    for entry in fs::read_dir(current)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let relative = if prefix.is_empty() {
            name.into_owned()
        } else {
            format!("{prefix}/{name}")
        };
        let kind = entry.file_type()?;
        if kind.is_dir() {
            list_files(root, &entry.path(), &relative, out)?;
        } else if kind.is_file() || (kind.is_symlink() && links_to_file_inside(root, &entry.path()))
        {
            out.push(relative);
        }
    }
    Ok(())
}

/// Whether the symbolic link at `link` resolves to a regular file inside `root` (which is
/// canonical).
fn links_to_file_inside(root: &Path, link: &Path) -> bool {
    let Ok(target) = fs::canonicalize(link) else {
        return false;
    };
    target.starts_with(root) && fs::metadata(&target).is_ok_and(|m| m.is_file())
}

/// The text of the ignore file that applies to the context `dir` of `dockerfile`, if any.
///
/// Docker (BuildKit) reads the Dockerfile's own `<name>.dockerignore` next to it first, then
/// the context's `.dockerignore`. Podman (Buildah) reads the context's `.containerignore`
/// first, then its `.dockerignore`.
fn read_ignore_text(
    dir: &Path,
    dockerfile: Option<&Path>,
    engine: Engine,
) -> io::Result<Option<String>> {
    match engine {
        Engine::Docker => {
            if let Some(dockerfile) = dockerfile
                && let Some(name) = dockerfile.file_name()
            {
                let mut own = name.to_os_string();
                own.push(".dockerignore");
                if let Some(text) = read_if_file(&dockerfile.with_file_name(own))? {
                    return Ok(Some(text));
                }
            }
        }
        Engine::Podman => {
            if let Some(text) = read_if_file(&dir.join(".containerignore"))? {
                return Ok(Some(text));
            }
        }
    }
    read_if_file(&dir.join(".dockerignore"))
}

/// The directory of `dockerfile`, the context `docker build -f DIR/Dockerfile DIR` sees.
fn directory_of(dockerfile: &Path) -> &Path {
    match dockerfile.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// The ignore file of the build context `dir` for `dockerfile` (`None` for a Dockerfile
/// that is not a file of its own, such as one written inline in a Compose file), as
/// `engine` chooses it.
///
/// # Errors
///
/// Returns the error of reading an ignore file that exists.
pub(crate) fn ignore_file_in(
    dir: &Path,
    dockerfile: Option<&Path>,
    engine: Engine,
) -> io::Result<IgnoreFile> {
    Ok(match read_ignore_text(dir, dockerfile, engine)? {
        Some(text) => IgnoreFile::Present(DockerIgnore::parse(&text)),
        None => IgnoreFile::Absent,
    })
}

/// The ignore file of the build context of the Dockerfile at `dockerfile`, taking the
/// Dockerfile's directory as the context (what `docker build -f DIR/Dockerfile DIR` sees).
///
/// # Errors
///
/// Returns the error of reading an ignore file that exists.
pub(crate) fn ignore_file_of(dockerfile: &Path, engine: Engine) -> io::Result<IgnoreFile> {
    ignore_file_in(directory_of(dockerfile), Some(dockerfile), engine)
}

/// The files of the build context of the Dockerfile at `dockerfile` (its directory, as
/// [`ignore_file_of`] takes it) that the ignore file leaves in, sorted, for completing
/// COPY and ADD sources. At most `limit` directory entries are read, so that a Dockerfile
/// in a huge directory costs little: the list is then partial. Directories the ignore file
/// excludes are not entered when it has no exceptions.
///
/// # Errors
///
/// Returns the error of reading an ignore file that exists.
#[cfg(feature = "lsp")]
pub(crate) fn included_files(
    dockerfile: &Path,
    engine: Engine,
    limit: usize,
) -> io::Result<Vec<String>> {
    let dir = directory_of(dockerfile);
    let ignore = match ignore_file_of(dockerfile, engine)? {
        IgnoreFile::Present(rules) => Some(rules),
        _ => None,
    };
    let Ok(root) = fs::canonicalize(dir) else {
        return Ok(Vec::new());
    };
    let excluded = |path: &str| ignore.as_ref().is_some_and(|i| i.is_excluded(path));
    let prune = |path: &str| ignore.as_ref().is_some_and(|i| !i.has_exceptions()) && excluded(path);
    let mut budget = limit;
    let mut out = Vec::new();
    let mut pending = vec![(root.clone(), String::new())];
    while let Some((current, prefix)) = pending.pop() {
        let Ok(entries) = fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            if budget == 0 {
                out.sort();
                return Ok(out);
            }
            budget -= 1;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let relative = if prefix.is_empty() {
                name.into_owned()
            } else {
                format!("{prefix}/{name}")
            };
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if !prune(&relative) {
                    pending.push((entry.path(), relative));
                }
            } else if (kind.is_file()
                || (kind.is_symlink() && links_to_file_inside(&root, &entry.path())))
                && !excluded(&relative)
            {
                out.push(relative);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Reads `path` as text when it is a regular file (following links); `None` when nothing
/// is there or it is not a file. Invalid UTF-8 is converted lossily.
fn read_if_file(path: &Path) -> io::Result<Option<String>> {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() => {
            let bytes = fs::read(path)?;
            Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
        }
        Ok(_) => Ok(None),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, relative: &str, text: &str) {
        let path = root.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn lists_every_file_sorted_and_relative() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "Dockerfile", "FROM scratch\n");
        write(root, "src/main.rs", "");
        write(root, "src/deep/er/mod.rs", "");
        write(root, ".git/HEAD", "ref: refs/heads/main\n");
        write(root, "node_modules/a/index.js", "");
        fs::create_dir_all(root.join("empty/dir")).unwrap();
        let context = read_context(root, None, Engine::Docker).unwrap();
        assert_eq!(
            context.files(),
            [
                ".git/HEAD",
                "Dockerfile",
                "node_modules/a/index.js",
                "src/deep/er/mod.rs",
                "src/main.rs",
            ]
        );
        assert!(context.ignore().is_none());
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_stay_inside_the_context() {
        use std::os::unix::fs::symlink;

        let outside = tempfile::tempdir().unwrap();
        write(outside.path(), "secret.txt", "secret");
        write(outside.path(), "dir/file.txt", "");

        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "real.txt", "");
        write(root, "sub/inner.txt", "");
        symlink(outside.path().join("secret.txt"), root.join("leak.txt")).unwrap();
        symlink(outside.path().join("dir"), root.join("leakdir")).unwrap();
        symlink(root.join("real.txt"), root.join("alias.txt")).unwrap();
        symlink("../real.txt", root.join("sub/relative-alias.txt")).unwrap();
        symlink(root.join("sub"), root.join("subalias")).unwrap();
        symlink(root.join("missing"), root.join("dangling")).unwrap();
        symlink("../../../../../../etc/passwd", root.join("sub/escape")).unwrap();

        let context = read_context(root, None, Engine::Docker).unwrap();
        assert_eq!(
            context.files(),
            [
                "alias.txt",
                "real.txt",
                "sub/inner.txt",
                "sub/relative-alias.txt",
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn context_reached_through_a_symlink() {
        use std::os::unix::fs::symlink;

        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "ctx/a.txt", "");
        symlink(dir.path().join("ctx/a.txt"), dir.path().join("ctx/b.txt")).unwrap();
        symlink(dir.path().join("ctx"), dir.path().join("link")).unwrap();
        let context = read_context(&dir.path().join("link"), None, Engine::Docker).unwrap();
        assert_eq!(context.files(), ["a.txt", "b.txt"]);
    }

    #[test]
    fn reads_the_context_dockerignore() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "Dockerfile", "");
        write(root, ".dockerignore", "*.log\n");
        write(root, "app.log", "");
        write(root, "app.py", "");
        let context = read_context(root, Some(&root.join("Dockerfile")), Engine::Docker).unwrap();
        assert!(context.ignore().is_some());
        assert_eq!(
            context.files(),
            [".dockerignore", "Dockerfile", "app.log", "app.py"]
        );
        assert_eq!(
            context.included_files(),
            vec![".dockerignore", "Dockerfile", "app.py"]
        );
    }

    #[test]
    fn the_dockerfiles_own_ignore_file_wins() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, ".dockerignore", "*.log\n");
        write(root, "build/web.Dockerfile", "");
        write(root, "build/web.Dockerfile.dockerignore", "*.py\n");
        write(root, "app.log", "");
        write(root, "app.py", "");
        let dockerfile = root.join("build/web.Dockerfile");
        let context = read_context(root, Some(&dockerfile), Engine::Docker).unwrap();
        assert!(context.is_excluded("app.py"));
        assert!(!context.is_excluded("app.log"));

        // Without its own ignore file, the context's applies.
        let other = root.join("build/api.Dockerfile");
        write(root, "build/api.Dockerfile", "");
        let context = read_context(root, Some(&other), Engine::Docker).unwrap();
        assert!(context.is_excluded("app.log"));
        assert!(!context.is_excluded("app.py"));
    }

    #[test]
    fn podman_prefers_the_containerignore() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "Containerfile", "");
        write(root, "Containerfile.dockerignore", "*.txt\n");
        write(root, ".dockerignore", "*.log\n");
        write(root, ".containerignore", "*.py\n");
        let containerfile = root.join("Containerfile");
        let excluded = |engine| match ignore_file_of(&containerfile, engine).unwrap() {
            IgnoreFile::Present(rules) => ["a.txt", "a.log", "a.py"]
                .into_iter()
                .filter(|p| rules.is_excluded(p))
                .collect::<Vec<_>>(),
            _ => panic!("an ignore file is there"),
        };
        assert_eq!(excluded(Engine::Podman), ["a.py"]);
        assert_eq!(excluded(Engine::Docker), ["a.txt"]);
        // Without a `.containerignore`, Podman reads the `.dockerignore`.
        fs::remove_file(root.join(".containerignore")).unwrap();
        assert_eq!(excluded(Engine::Podman), ["a.log"]);
    }

    #[test]
    fn a_directory_named_dockerignore_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, ".dockerignore/x", "");
        let context = read_context(root, None, Engine::Docker).unwrap();
        assert!(context.ignore().is_none());
        assert_eq!(context.files(), [".dockerignore/x"]);
    }

    #[test]
    fn included_files_honour_the_ignore_file_and_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "Dockerfile", "FROM scratch\n");
        write(root, ".dockerignore", "node_modules\n*.log\n");
        write(root, "src/main.rs", "");
        write(root, "app.log", "");
        write(root, "node_modules/x/index.js", "");
        let files = included_files(&root.join("Dockerfile"), Engine::Docker, 100).unwrap();
        assert_eq!(files, [".dockerignore", "Dockerfile", "src/main.rs"]);
        // With three entries read, `src/main.rs` (behind the five at the top) is never seen.
        let partial = included_files(&root.join("Dockerfile"), Engine::Docker, 3).unwrap();
        assert!(partial.len() <= 2 && !partial.contains(&"src/main.rs".to_string()));
    }

    #[test]
    fn missing_context_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_context(&dir.path().join("nope"), None, Engine::Docker).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }
}

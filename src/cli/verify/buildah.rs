//! The buildah engine: `buildah bud` with chroot isolation and Docker-format images, on an
//! image store of its own, and the built image's filesystem read through `buildah mount`.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{BuildRequest, Engine, output_of, read_tree};
use crate::verify::{BuiltConfig, EngineKind, Manifest};

/// The oldest buildah known to work: `--pull=never`, `--format docker`, chroot isolation.
const MINIMUM: (u32, u32) = (1, 23);

/// buildah on one image store.
pub struct Buildah {
    root: PathBuf,
    driver: String,
    version: String,
}

/// The store dflint uses unless `DFLINT_BUILDAH_ROOT` says otherwise: a directory of its
/// own in the user's cache, so that pulled base images and the layer cache are kept between
/// runs and no image of the system's store is touched.
fn default_root() -> PathBuf {
    if let Some(root) = std::env::var_os("DFLINT_BUILDAH_ROOT") {
        return PathBuf::from(root);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    cache.join("dflint").join("buildah")
}

/// `1.28.2` from `buildah version 1.28.2 (image-spec ...)`.
pub(super) fn parse_version(text: &str) -> Option<(String, u32, u32)> {
    let version = text.split_whitespace().nth(2)?;
    let mut parts = version.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((version.to_string(), major, minor))
}

impl Buildah {
    /// buildah on the store `DFLINT_BUILDAH_ROOT` names (default: `dflint/buildah` in the
    /// user's cache directory), with the storage driver `DFLINT_BUILDAH_DRIVER` (default
    /// `overlay`; `vfs` works everywhere, rootless included, but copies every layer).
    ///
    /// # Errors
    /// buildah is not installed, does not run, or is too old.
    pub fn detect() -> Result<Buildah, String> {
        let driver = std::env::var("DFLINT_BUILDAH_DRIVER").unwrap_or_else(|_| "overlay".into());
        Buildah::new(default_root(), &driver)
    }

    /// buildah on the store at `root` with the storage driver `driver`.
    ///
    /// # Errors
    /// buildah is not installed, does not run, or is too old.
    pub fn new(root: PathBuf, driver: &str) -> Result<Buildah, String> {
        let output = Command::new("buildah")
            .arg("--version")
            .output()
            .map_err(|e| {
                format!(
                    "buildah is not installed ({e}); install it (Debian: `apt-get install buildah`)"
                )
            })?;
        let text = output_of("buildah --version", &output)?;
        let (version, major, minor) = parse_version(&text)
            .ok_or_else(|| format!("cannot read the version of buildah from {text:?}"))?;
        if (major, minor) < MINIMUM {
            return Err(format!(
                "buildah {version} is too old: {}.{} or later is needed",
                MINIMUM.0, MINIMUM.1
            ));
        }
        Ok(Buildah {
            root,
            driver: driver.to_string(),
            version,
        })
    }

    fn command(&self) -> Command {
        let mut command = Command::new("buildah");
        command
            .arg("--root")
            .arg(self.root.join("storage"))
            .arg("--runroot")
            .arg(self.root.join("run"))
            .arg("--storage-driver")
            .arg(&self.driver);
        command
    }

    fn run(&self, args: &[&str]) -> Result<String, String> {
        let output = self
            .command()
            .args(args)
            .output()
            .map_err(|e| format!("cannot run buildah: {e}"))?;
        output_of(&format!("buildah {}", args.join(" ")), &output)
    }

    /// Runs `f` on the root filesystem of a working container made from `image`, then
    /// removes the container.
    fn with_rootfs<T>(
        &self,
        image: &str,
        f: impl FnOnce(&Path) -> Result<T, String>,
    ) -> Result<T, String> {
        let container = self.run(&["from", "--pull=never", "--quiet", image])?;
        let container = container.trim();
        let result = self.run(&["mount", container]).and_then(|root| {
            let result = f(Path::new(root.trim()));
            let _ = self.run(&["umount", container]);
            result
        });
        let _ = self.run(&["rm", container]);
        result.map_err(|e| {
            if e.contains("mount") {
                format!("{e} (as a non-root user, run dflint inside `buildah unshare`)")
            } else {
                e
            }
        })
    }

    /// The bytes of one file of an image.
    ///
    /// # Errors
    /// The image cannot be mounted or the file read.
    pub fn read_file(&self, image: &str, path: &str) -> Result<Vec<u8>, String> {
        self.with_rootfs(image, |root| {
            let file = root.join(path.trim_start_matches('/'));
            std::fs::read(&file).map_err(|e| format!("{path}: {e}"))
        })
    }
}

/// The arguments of `buildah bud` for a request, after the global options.
pub(super) fn bud_args(request: &BuildRequest<'_>) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = [
        "bud",
        "--isolation",
        "chroot",
        "--format",
        "docker",
        "--layers",
        "--force-rm",
        "--quiet",
    ]
    .iter()
    .map(Into::into)
    .collect();
    if !request.pull {
        args.push("--pull=never".into());
    }
    request.push_common_args(&mut args);
    args
}

impl Engine for Buildah {
    fn kind(&self) -> EngineKind {
        EngineKind::Buildah
    }

    fn version(&self) -> &str {
        &self.version
    }

    fn build(&self, request: &BuildRequest<'_>) -> Result<(), String> {
        let output = self
            .command()
            .args(bud_args(request))
            .output()
            .map_err(|e| format!("cannot run buildah: {e}"))?;
        output_of("buildah bud", &output).map(drop)
    }

    fn config(&self, image: &str) -> Result<BuiltConfig, String> {
        let out = self.run(&["inspect", "--type", "image", image])?;
        let json: serde_json::Value =
            serde_json::from_str(&out).map_err(|e| format!("buildah inspect: {e}"))?;
        let author = json["Docker"]["author"]
            .as_str()
            .or_else(|| json["OCIv1"]["author"].as_str())
            .unwrap_or_default();
        Ok(BuiltConfig::from_docker_json(
            &json["Docker"]["config"],
            author,
        ))
    }

    fn files(&self, image: &str) -> Result<Manifest, String> {
        self.with_rootfs(image, read_tree)
    }

    fn remove(&self, image: &str) {
        let _ = self.run(&["rmi", image]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read() {
        let (v, major, minor) =
            parse_version("buildah version 1.28.2 (image-spec 1.1.0-rc2, runtime-spec 1.0.2-dev)")
                .unwrap();
        assert_eq!((v.as_str(), major, minor), ("1.28.2", 1, 28));
        assert!(parse_version("nonsense").is_none());
    }

    #[test]
    fn bud_arguments_pass_target_args_and_pull_policy() {
        let build_args = vec![("A".to_string(), "1 2".to_string())];
        let request = BuildRequest {
            dockerfile: Path::new("/tmp/D"),
            context: Path::new("/ctx"),
            tag: "localhost/t:1",
            target: Some("build"),
            build_args: &build_args,
            pull: false,
        };
        let args: Vec<String> = bud_args(&request)
            .into_iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let line = args.join(" ");
        assert!(
            line.starts_with("bud --isolation chroot --format docker --layers"),
            "{line}"
        );
        assert!(line.contains("--pull=never -f /tmp/D -t localhost/t:1 --target build"));
        assert!(args.contains(&"A=1 2".to_string()));
        assert_eq!(args.last().map(String::as_str), Some("/ctx"));
        let pulling = bud_args(&BuildRequest {
            pull: true,
            ..request
        });
        assert!(!pulling.iter().any(|a| a == "--pull=never"));
    }
}

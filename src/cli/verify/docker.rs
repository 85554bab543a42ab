//! The Docker engine: `docker build` with BuildKit on whatever daemon `DOCKER_HOST` or the
//! current context points at (local or remote), and the built image's filesystem read from
//! `docker export` of a container that is created, never started.

use std::ffi::OsString;
use std::io::Read;
use std::process::Command;

use sha2::{Digest, Sha256};

use super::{BuildRequest, Engine, hex, output_of};
use crate::verify::{BuiltConfig, EngineKind, Entry, EntryKind, Manifest};

/// The oldest daemon with BuildKit built in.
const MINIMUM: (u32, u32) = (18, 9);

/// A Docker client and the daemon it talks to.
pub struct Docker {
    program: OsString,
    version: String,
}

/// `(20, 10)` from `20.10.24` (or `28.2.2`, `18.09.1-ce`).
pub(super) fn parse_version(text: &str) -> Option<(u32, u32)> {
    let mut parts = text.trim().split('.');
    let major = parts.next()?.parse().ok()?;
    let minor: String = parts
        .next()?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    Some((major, minor.parse().ok()?))
}

/// The first Docker client whose `docker build` with BuildKit goes through the buildx
/// plugin: older clients have BuildKit built in.
const BUILDX_CLIENT: (u32, u32) = (23, 0);

/// Whether a client of this version needs the buildx plugin to build with BuildKit.
pub(super) fn client_needs_buildx(client: (u32, u32)) -> bool {
    client >= BUILDX_CLIENT
}

/// The daemon's and the client's versions from `docker version --format
/// '{{.Server.Version}} {{.Client.Version}}'`.
pub(super) fn split_versions(text: &str) -> (&str, Option<&str>) {
    let mut words = text.split_whitespace();
    (words.next().unwrap_or_default(), words.next())
}

impl Docker {
    /// The client `DFLINT_DOCKER` names (default `docker` on PATH) and its daemon.
    ///
    /// # Errors
    /// No client, no reachable daemon, or a daemon without BuildKit.
    pub fn detect() -> Result<Docker, String> {
        let program = std::env::var_os("DFLINT_DOCKER").unwrap_or_else(|| "docker".into());
        let output = Command::new(&program)
            .args([
                "version",
                "--format",
                "{{.Server.Version}} {{.Client.Version}}",
            ])
            .output()
            .map_err(|e| {
                format!(
                    "the Docker client `{}` is not installed ({e})",
                    program.to_string_lossy()
                )
            })?;
        let host = std::env::var("DOCKER_HOST").unwrap_or_else(|_| "the current context".into());
        let versions = output_of("docker version", &output)
            .map_err(|e| format!("no Docker daemon reachable at {host}: {e}"))?;
        let (version, client) = split_versions(&versions);
        let version = version.to_string();
        let name = program.to_string_lossy();
        if let Some(client) = client
            && parse_version(client).is_some_and(client_needs_buildx)
        {
            let buildx = Command::new(&program).args(["buildx", "version"]).output();
            if !buildx.is_ok_and(|o| o.status.success()) {
                return Err(format!(
                    "the Docker client `{name}` {client} builds with BuildKit only through the \
                     buildx plugin, which it lacks: install buildx, or set DFLINT_DOCKER to a \
                     client with BuildKit built in (before 23.0, such as Debian's docker.io)"
                ));
            }
        }
        let (major, minor) = parse_version(&version)
            .ok_or_else(|| format!("cannot read the Docker daemon's version from {version:?}"))?;
        if (major, minor) < MINIMUM {
            return Err(format!(
                "the Docker daemon {version} has no BuildKit: {}.{:02} or later is needed",
                MINIMUM.0, MINIMUM.1
            ));
        }
        Ok(Docker { program, version })
    }

    fn run(&self, args: &[&str]) -> Result<Vec<u8>, String> {
        let output = Command::new(&self.program)
            .args(args)
            .output()
            .map_err(|e| format!("cannot run docker: {e}"))?;
        if output.status.success() {
            Ok(output.stdout)
        } else {
            output_of(&format!("docker {}", args.join(" ")), &output).map(String::into_bytes)
        }
    }
}

/// The arguments of `docker build` for a request. `network` is `DFLINT_DOCKER_NETWORK`:
/// `host` where the daemon has no bridge network.
pub(super) fn build_args(request: &BuildRequest<'_>, network: Option<&str>) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec!["build".into(), "--quiet".into()];
    if request.pull {
        // Only the daemon's own images otherwise: a base missing there fails the build.
        args.push("--pull".into());
    }
    if let Some(network) = network {
        args.push("--network".into());
        args.push(network.into());
    }
    request.push_common_args(&mut args);
    args
}

/// The manifest of an image's filesystem from the tar stream `docker export` writes. Hard
/// links take the entry of the file they link to, as a mounted filesystem shows them.
///
/// # Errors
/// The stream is not a readable tar archive.
pub(super) fn manifest_from_tar(archive: impl Read) -> Result<Manifest, String> {
    let mut manifest = Manifest::new();
    let mut archive = tar::Archive::new(archive);
    let entries = archive
        .entries()
        .map_err(|e| format!("docker export: {e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("docker export: {e}"))?;
        let path = entry
            .path()
            .map_err(|e| format!("docker export: {e}"))?
            .to_string_lossy()
            .trim_start_matches("./")
            .trim_end_matches('/')
            .to_string();
        if path.is_empty() || path == "." {
            continue;
        }
        let header = entry.header();
        let mode = header.mode().unwrap_or(0) & 0o7777;
        let uid = u32::try_from(header.uid().unwrap_or(0)).unwrap_or(u32::MAX);
        let gid = u32::try_from(header.gid().unwrap_or(0)).unwrap_or(u32::MAX);
        let link = || {
            header
                .link_name()
                .ok()
                .flatten()
                .map(|l| l.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        let kind = match header.entry_type() {
            tar::EntryType::Directory => EntryKind::Dir,
            tar::EntryType::Symlink => EntryKind::Link(link()),
            tar::EntryType::Link => {
                let target = link();
                let target = target.trim_start_matches("./").trim_start_matches('/');
                match manifest.get(target) {
                    Some(found) => {
                        let found: &Entry = found;
                        manifest.insert(path, found.clone());
                        continue;
                    }
                    None => return Err(format!("docker export: {path} links to unknown {target}")),
                }
            }
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                let mut hasher = Sha256::new();
                let mut buffer = vec![0u8; 64 * 1024];
                let mut size = 0u64;
                loop {
                    let n = entry
                        .read(&mut buffer)
                        .map_err(|e| format!("docker export: {e}"))?;
                    if n == 0 {
                        break;
                    }
                    size += n as u64;
                    hasher.update(&buffer[..n]);
                }
                EntryKind::File {
                    size,
                    sha256: hex(&hasher.finalize()),
                }
            }
            other => EntryKind::Other(u32::from(other.as_byte())),
        };
        manifest.insert(
            path,
            Entry {
                kind,
                mode,
                uid,
                gid,
            },
        );
    }
    Ok(manifest)
}

impl Engine for Docker {
    fn kind(&self) -> EngineKind {
        EngineKind::Docker
    }

    fn version(&self) -> &str {
        &self.version
    }

    fn build(&self, request: &BuildRequest<'_>) -> Result<(), String> {
        let network = std::env::var("DFLINT_DOCKER_NETWORK").ok();
        let output = Command::new(&self.program)
            .env("DOCKER_BUILDKIT", "1")
            .args(build_args(request, network.as_deref()))
            .output()
            .map_err(|e| format!("cannot run docker: {e}"))?;
        output_of("docker build", &output).map(drop)
    }

    fn config(&self, image: &str) -> Result<BuiltConfig, String> {
        let out = self.run(&["image", "inspect", image])?;
        let json: serde_json::Value =
            serde_json::from_slice(&out).map_err(|e| format!("docker image inspect: {e}"))?;
        let image = &json[0];
        Ok(BuiltConfig::from_docker_json(
            &image["Config"],
            image["Author"].as_str().unwrap_or_default(),
        ))
    }

    fn files(&self, image: &str) -> Result<Manifest, String> {
        // A command is needed for images without CMD; the container never starts.
        let id = String::from_utf8_lossy(&self.run(&["create", image, "/dflint-never-run"])?)
            .trim()
            .to_string();
        let exported = self.run(&["export", &id]);
        let _ = self.run(&["rm", &id]);
        manifest_from_tar(exported?.as_slice())
    }

    fn remove(&self, image: &str) {
        let _ = self.run(&["image", "rm", image]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn versions_are_read() {
        assert_eq!(parse_version("20.10.24\n"), Some((20, 10)));
        assert_eq!(parse_version("18.09.1-ce"), Some((18, 9)));
        assert_eq!(parse_version("28.2.2"), Some((28, 2)));
        assert_eq!(parse_version(""), None);
    }

    #[test]
    fn clients_from_23_need_buildx() {
        assert_eq!(
            split_versions("20.10.24+dfsg1 28.2.2\n"),
            ("20.10.24+dfsg1", Some("28.2.2"))
        );
        assert_eq!(split_versions("20.10.24\n"), ("20.10.24", None));
        let needs = |v: &str| parse_version(v).is_some_and(client_needs_buildx);
        assert!(needs("28.2.2"));
        assert!(needs("23.0.0"));
        assert!(!needs("20.10.24+dfsg1"));
        assert!(!needs("18.09.1-ce"));
    }

    #[test]
    fn build_arguments_pass_target_args_and_network() {
        let args = vec![("V".to_string(), "x".to_string())];
        let request = BuildRequest {
            dockerfile: Path::new("/tmp/D"),
            context: Path::new("/ctx"),
            tag: "localhost/t:1",
            target: None,
            build_args: &args,
            pull: false,
        };
        let line: Vec<String> = build_args(&request, Some("host"))
            .into_iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            line.join(" "),
            "build --quiet --network host -f /tmp/D -t localhost/t:1 --build-arg V=x /ctx"
        );
    }

    #[test]
    fn exported_archives_become_manifests() {
        let mut builder = tar::Builder::new(Vec::new());
        let mut dir = tar::Header::new_gnu();
        dir.set_entry_type(tar::EntryType::Directory);
        dir.set_mode(0o755);
        dir.set_size(0);
        builder.append_data(&mut dir, "app/", &[][..]).unwrap();
        let mut file = tar::Header::new_gnu();
        file.set_mode(0o644);
        file.set_uid(1000);
        file.set_size(3);
        builder
            .append_data(&mut file, "app/a.txt", &b"hi\n"[..])
            .unwrap();
        let mut hard = tar::Header::new_gnu();
        hard.set_entry_type(tar::EntryType::Link);
        hard.set_size(0);
        builder
            .append_link(&mut hard, "app/b.txt", "app/a.txt")
            .unwrap();
        let mut sym = tar::Header::new_gnu();
        sym.set_entry_type(tar::EntryType::Symlink);
        sym.set_mode(0o777);
        sym.set_size(0);
        builder.append_link(&mut sym, "app/c", "a.txt").unwrap();
        let bytes = builder.into_inner().unwrap();
        let manifest = manifest_from_tar(bytes.as_slice()).unwrap();
        assert_eq!(manifest["app"].kind, EntryKind::Dir);
        let a = &manifest["app/a.txt"];
        assert_eq!((a.mode, a.uid), (0o644, 1000));
        assert!(
            matches!(&a.kind, EntryKind::File { size: 3, sha256 } if sha256.starts_with("98ea6e4f"))
        );
        assert_eq!(manifest["app/b.txt"], *a);
        assert_eq!(manifest["app/c"].kind, EntryKind::Link("a.txt".into()));
    }
}

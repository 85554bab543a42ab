//! Proof by building: runs a real engine (buildah, or a Docker daemon with BuildKit) on an
//! original and a fixed Dockerfile and compares the images, for `dflint verify`,
//! `dflint check --fix --verify` and `dflint plan --verify`. The engines never push, and
//! remove the images they tagged; the comparison itself is pure (`crate::verify`).

pub mod buildah;
pub(in crate::cli) mod commands;
pub mod docker;

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::ValueEnum;
use sha2::{Digest, Sha256};

pub use buildah::Buildah;
pub use docker::Docker;

use crate::verify::{
    BuiltConfig, BuiltImage, EngineKind, Entry, EntryKind, ImageChange, ImageDifference, Manifest,
    PredictionDifference, compare_images, declared_image_changes, undeclared,
};

/// One build: a Dockerfile, its context, the image tag to write, and the build inputs.
#[derive(Clone, Copy, Debug)]
pub struct BuildRequest<'a> {
    /// The Dockerfile.
    pub dockerfile: &'a Path,
    /// The build context directory.
    pub context: &'a Path,
    /// The tag of the image (a name dflint makes up; never pushed).
    pub tag: &'a str,
    /// The stage to build (default: the last).
    pub target: Option<&'a str>,
    /// `--build-arg NAME=VALUE`s.
    pub build_args: &'a [(String, String)],
    /// Whether a missing base image may be pulled.
    pub pull: bool,
}

impl BuildRequest<'_> {
    /// The arguments both engines' build commands take alike, to end a command line with:
    /// the Dockerfile, the tag, the target, the build arguments, then the context.
    pub(super) fn push_common_args(&self, args: &mut Vec<std::ffi::OsString>) {
        args.push("-f".into());
        args.push(self.dockerfile.into());
        args.push("-t".into());
        args.push(self.tag.into());
        if let Some(target) = self.target {
            args.push("--target".into());
            args.push(target.into());
        }
        for (name, value) in self.build_args {
            args.push("--build-arg".into());
            args.push(format!("{name}={value}").into());
        }
        args.push(self.context.into());
    }
}

/// A real build engine.
pub trait Engine: Send + Sync {
    /// Which engine it is.
    fn kind(&self) -> EngineKind;
    /// Its version (the daemon's, for Docker).
    fn version(&self) -> &str;
    /// Builds and tags an image.
    ///
    /// # Errors
    /// The build failed: the engine's last lines of output.
    fn build(&self, request: &BuildRequest<'_>) -> Result<(), String>;
    /// The normalised config of an image.
    ///
    /// # Errors
    /// The image cannot be inspected.
    fn config(&self, image: &str) -> Result<BuiltConfig, String>;
    /// The filesystem of an image.
    ///
    /// # Errors
    /// The image cannot be read.
    fn files(&self, image: &str) -> Result<Manifest, String>;
    /// Removes a tag this engine built.
    fn remove(&self, image: &str);
    /// `buildah 1.28.2`.
    fn describe(&self) -> String {
        format!("{} {}", self.kind().as_str(), self.version())
    }
}

/// Which engine to build with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EngineChoice {
    /// buildah when installed, else a reachable Docker daemon.
    Auto,
    /// buildah.
    Buildah,
    /// The Docker daemon of `DOCKER_HOST` or the current context, with BuildKit.
    Docker,
}

/// Finds the engine to build with.
///
/// # Errors
/// The engine asked for (or, with `auto`, every engine) is missing: names what is missing.
pub fn detect(choice: EngineChoice) -> Result<Box<dyn Engine>, String> {
    match choice {
        EngineChoice::Buildah => Ok(Box::new(Buildah::detect()?)),
        EngineChoice::Docker => Ok(Box::new(Docker::detect()?)),
        EngineChoice::Auto => match Buildah::detect() {
            Ok(buildah) => Ok(Box::new(buildah)),
            Err(no_buildah) => match Docker::detect() {
                Ok(docker) => Ok(Box::new(docker)),
                Err(no_docker) => Err(format!(
                    "no build engine to verify with: {no_buildah}; {no_docker}"
                )),
            },
        },
    }
}

/// The stdout of a finished command, or an error with the last lines of its stderr.
pub(crate) fn output_of(what: &str, output: &Output) -> Result<String, String> {
    if output.status.success() {
        return Ok(String::from_utf8_lossy(&output.stdout).into_owned());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let tail: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .rev()
        .take(4)
        .collect();
    Err(format!(
        "{what} failed ({}): {}",
        output.status,
        tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
    ))
}

/// Lowercase hex of a digest.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The manifest of a directory tree (an image's root filesystem), without following links.
///
/// # Errors
/// A path cannot be read.
pub(crate) fn read_tree(root: &Path) -> Result<Manifest, String> {
    use std::os::unix::fs::MetadataExt;
    let mut manifest = Manifest::new();
    let mut pending = vec![root.to_path_buf()];
    let error = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    while let Some(dir) = pending.pop() {
        for item in std::fs::read_dir(&dir).map_err(|e| error(&dir, e))? {
            let path = item.map_err(|e| error(&dir, e))?.path();
            let meta = std::fs::symlink_metadata(&path).map_err(|e| error(&path, e))?;
            let relative = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .into_owned();
            let file_type = meta.file_type();
            let kind = if file_type.is_dir() {
                pending.push(path.clone());
                EntryKind::Dir
            } else if file_type.is_symlink() {
                let target = std::fs::read_link(&path).map_err(|e| error(&path, e))?;
                EntryKind::Link(target.to_string_lossy().into_owned())
            } else if file_type.is_file() {
                let mut file = std::fs::File::open(&path).map_err(|e| error(&path, e))?;
                let mut hasher = Sha256::new();
                let mut buffer = vec![0u8; 64 * 1024];
                loop {
                    let n = file.read(&mut buffer).map_err(|e| error(&path, e))?;
                    if n == 0 {
                        break;
                    }
                    hasher.update(&buffer[..n]);
                }
                EntryKind::File {
                    size: meta.len(),
                    sha256: hex(&hasher.finalize()),
                }
            } else {
                EntryKind::Other(meta.mode() & 0o170_000)
            };
            manifest.insert(
                relative,
                Entry {
                    kind,
                    mode: meta.mode() & 0o7777,
                    uid: meta.uid(),
                    gid: meta.gid(),
                },
            );
        }
    }
    Ok(manifest)
}

/// What the builds of one command share: the context, the target and build arguments, and
/// whether base images may be pulled.
#[derive(Clone, Debug, Default)]
pub struct BuildSpec {
    /// The build context (default: the Dockerfile's directory).
    pub context: Option<PathBuf>,
    /// The stage to build.
    pub target: Option<String>,
    /// Build arguments.
    pub build_args: Vec<(String, String)>,
    /// Whether a missing base image may be pulled.
    pub pull: bool,
}

/// The builds of one verification: Dockerfiles written to a temporary directory, images
/// tagged with names of this process, and every tag removed at the end. The layer cache
/// stays, so a fixed Dockerfile reuses the steps it shares with the original.
pub struct Session<'e> {
    engine: &'e dyn Engine,
    dir: tempfile::TempDir,
    tags: Mutex<Vec<String>>,
    counter: AtomicUsize,
}

/// Numbers the sessions of this process, so that their tags never collide.
static SESSIONS: AtomicUsize = AtomicUsize::new(0);

impl<'e> Session<'e> {
    /// A session on `engine`.
    ///
    /// # Errors
    /// No temporary directory.
    pub fn new(engine: &'e dyn Engine) -> Result<Self, String> {
        let dir = tempfile::Builder::new()
            .prefix("dflint-verify-")
            .tempdir()
            .map_err(|e| format!("cannot make a temporary directory: {e}"))?;
        Ok(Session {
            engine,
            dir,
            tags: Mutex::new(Vec::new()),
            counter: AtomicUsize::new(SESSIONS.fetch_add(1, Ordering::Relaxed) * 10_000),
        })
    }

    /// The engine.
    #[must_use]
    pub fn engine(&self) -> &dyn Engine {
        self.engine
    }

    /// Builds a Dockerfile's text; `home` is the directory of the file it comes from (the
    /// default context). Returns the tag of the image.
    ///
    /// # Errors
    /// The build failed.
    pub fn build(&self, text: &str, home: &Path, spec: &BuildSpec) -> Result<String, String> {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let dockerfile = self.dir.path().join(format!("Dockerfile.{n}"));
        std::fs::write(&dockerfile, text).map_err(|e| format!("{}: {e}", dockerfile.display()))?;
        let tag = format!("localhost/dflint-verify:{}-{n}", std::process::id());
        let context = spec.context.as_deref().unwrap_or(home);
        self.engine.build(&BuildRequest {
            dockerfile: &dockerfile,
            context,
            tag: &tag,
            target: spec.target.as_deref(),
            build_args: &spec.build_args,
            pull: spec.pull,
        })?;
        self.tags
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(tag.clone());
        Ok(tag)
    }

    /// The config and filesystem of an image built here.
    ///
    /// # Errors
    /// The image cannot be read.
    pub fn image(&self, tag: &str) -> Result<BuiltImage, String> {
        Ok(BuiltImage::new(
            self.engine.config(tag)?,
            self.engine.files(tag)?,
        ))
    }

    /// Builds a text and reads its image.
    ///
    /// # Errors
    /// The build failed or the image cannot be read.
    pub fn build_image(
        &self,
        text: &str,
        home: &Path,
        spec: &BuildSpec,
    ) -> Result<BuiltImage, String> {
        let tag = self.build(text, home, spec)?;
        self.image(&tag)
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let tags = self
            .tags
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for tag in tags.iter() {
            self.engine.remove(tag);
        }
    }
}

/// The outcome of one rule's fixes under a real build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The image differs from the original's only as the rule declares.
    Proven,
    /// The image differs elsewhere (or the fixed file does not build): why.
    Rejected(String),
    /// Cannot be told by building: why (the original does not build, or the fix only
    /// applies together with others).
    NotCheckable(String),
}

/// At most this many differences are listed in a reason.
const SHOWN: usize = 5;

/// The differences no declared change accounts for, as one readable reason.
fn describe(differences: &[&ImageDifference]) -> String {
    let mut text = differences
        .iter()
        .take(SHOWN)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    if differences.len() > SHOWN {
        let _ = write!(text, "; and {} more", differences.len() - SHOWN);
    }
    text
}

fn allowed(codes: &[&str]) -> Vec<ImageChange> {
    codes
        .iter()
        .flat_map(|c| declared_image_changes(c).iter().copied())
        .collect()
}

/// Builds `text` and checks its image against `original`, allowing what `codes` declare.
fn prove(
    session: &Session<'_>,
    original: &BuiltImage,
    text: &str,
    home: &Path,
    spec: &BuildSpec,
    codes: &[&str],
) -> Result<(), String> {
    let image = session
        .build_image(text, home, spec)
        .map_err(|e| format!("the fixed Dockerfile does not build: {e}"))?;
    let differences = compare_images(original, &image);
    let left = undeclared(&differences, &allowed(codes));
    if left.is_empty() {
        Ok(())
    } else {
        Err(format!("the built image differs: {}", describe(&left)))
    }
}

/// Proves the fixes of `codes` by building: the original once, then the text fixed by all
/// of them; when that image differs beyond what they declare together, each rule's fixes
/// alone, to find the ones at fault. `fixed_with` gives the original fixed by the fixes of
/// some rules only. Returns a verdict per code; the proven codes are the ones to keep.
pub fn verify_fixes(
    session: &Session<'_>,
    original: &str,
    home: &Path,
    spec: &BuildSpec,
    codes: &[&'static str],
    fixed_with: &dyn Fn(&[&'static str]) -> String,
) -> Vec<(&'static str, Verdict)> {
    if codes.is_empty() {
        return Vec::new();
    }
    let all = |verdict: Verdict| codes.iter().map(|c| (*c, verdict.clone())).collect();
    let base = match session.build_image(original, home, spec) {
        Ok(image) => image,
        Err(e) => {
            return all(Verdict::NotCheckable(format!(
                "the original Dockerfile does not build: {e}"
            )));
        }
    };
    let together = prove(session, &base, &fixed_with(codes), home, spec, codes);
    match together {
        Ok(()) => return all(Verdict::Proven),
        Err(reason) if codes.len() == 1 => return all(Verdict::Rejected(reason)),
        Err(_) => {}
    }
    let mut verdicts: Vec<(&'static str, Verdict)> = codes
        .iter()
        .map(|&code| {
            let text = fixed_with(&[code]);
            let verdict = if text == original {
                Verdict::NotCheckable("applies only after the fixes of other rules".into())
            } else {
                match prove(session, &base, &text, home, spec, &[code]) {
                    Ok(()) => Verdict::Proven,
                    Err(reason) => Verdict::Rejected(reason),
                }
            };
            (code, verdict)
        })
        .collect();
    // The ones proven alone must hold together too.
    let proven: Vec<&'static str> = verdicts
        .iter()
        .filter(|(_, v)| *v == Verdict::Proven)
        .map(|(c, _)| *c)
        .collect();
    if proven.len() > 1
        && let Err(reason) = prove(session, &base, &fixed_with(&proven), home, spec, &proven)
    {
        for (code, verdict) in &mut verdicts {
            if proven.contains(code) {
                *verdict = Verdict::Rejected(format!("together with the other fixes: {reason}"));
            }
        }
    }
    verdicts
}

/// Every difference between two images, each with the codes (of `codes`) that declare it.
#[must_use]
pub fn explain(
    differences: &[ImageDifference],
    codes: &[&'static str],
) -> Vec<(ImageDifference, Vec<&'static str>)> {
    differences
        .iter()
        .map(|d| {
            let by: Vec<&'static str> = codes
                .iter()
                .copied()
                .filter(|c| declared_image_changes(c).iter().any(|x| x.allows(d)))
                .collect();
            (d.clone(), by)
        })
        .collect()
}

/// Builds a Dockerfile and compares the embedded engine's prediction of its config with
/// the built config. `options` are the build options the prediction uses (target, build
/// arguments, context); `spec` the same for the real build.
///
/// # Errors
/// The build failed, or the prediction or the image cannot be read.
pub fn verify_plan(
    session: &Session<'_>,
    text: &str,
    home: &Path,
    options: &crate::semantic::BuildOptions,
    spec: &BuildSpec,
) -> Result<Vec<PredictionDifference>, String> {
    let build = crate::semantic::evaluate(&crate::syntax::parse(text), options);
    let stage = build
        .target_stage()
        .ok_or("the Dockerfile has no stage to build")?;
    let tag = session.build(text, home, spec)?;
    let built = session.engine().config(&tag)?;
    let base = match crate::verify::root_image(&build, stage.index) {
        Some(image) => session.engine().config(&image)?,
        None => BuiltConfig::default(),
    };
    let predicted = crate::verify::predicted_config(&stage.config, &base)?;
    Ok(crate::verify::compare_prediction(
        &build,
        &predicted,
        &built,
        session.engine().kind(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// An engine whose images have the `LABEL k=v` lines of a Dockerfile as config labels
    /// and its `FILE k=v` lines as files `k` of size `v`.
    #[derive(Default)]
    struct Labels {
        images: Mutex<HashMap<String, String>>,
        builds: AtomicUsize,
    }

    impl Engine for Labels {
        fn kind(&self) -> EngineKind {
            EngineKind::Docker
        }
        fn version(&self) -> &str {
            "test"
        }
        fn build(&self, request: &BuildRequest<'_>) -> Result<(), String> {
            self.builds.fetch_add(1, Ordering::Relaxed);
            let text = std::fs::read_to_string(request.dockerfile).map_err(|e| e.to_string())?;
            if text.contains("BROKEN") {
                return Err("unknown instruction: BROKEN".into());
            }
            self.images
                .lock()
                .unwrap()
                .insert(request.tag.to_string(), text);
            Ok(())
        }
        fn config(&self, image: &str) -> Result<BuiltConfig, String> {
            let text = self.images.lock().unwrap()[image].clone();
            let mut config = BuiltConfig::default();
            for line in text.lines() {
                if let Some((k, v)) = line.strip_prefix("LABEL ").and_then(|l| l.split_once('=')) {
                    config.labels.insert(k.into(), v.into());
                }
            }
            Ok(config)
        }
        fn files(&self, image: &str) -> Result<Manifest, String> {
            let text = self.images.lock().unwrap()[image].clone();
            let mut files = Manifest::new();
            for line in text.lines() {
                if let Some((k, v)) = line.strip_prefix("FILE ").and_then(|l| l.split_once('=')) {
                    let kind = EntryKind::File {
                        size: v.parse().unwrap(),
                        sha256: String::new(),
                    };
                    let entry = Entry {
                        kind,
                        mode: 0o644,
                        uid: 0,
                        gid: 0,
                    };
                    files.insert(k.into(), entry);
                }
            }
            Ok(files)
        }
        fn remove(&self, image: &str) {
            self.images.lock().unwrap().remove(image);
        }
    }

    /// "Fixes": DFL5021 sets a `maintainer` label (declared), DFL6020 changes nothing,
    /// DFL5022 changes file `a` (undeclared).
    fn fixed_with(codes: &[&'static str]) -> String {
        let mut text = String::from("FROM scratch\nLABEL a=1\nFILE a=1\n");
        if codes.contains(&"DFL5021") {
            text.push_str("LABEL maintainer=me\n");
        }
        if codes.contains(&"DFL6020") {
            text.push_str("# cased\n");
        }
        if codes.contains(&"DFL5022") {
            text = text.replace("FILE a=1", "FILE a=2");
        }
        text
    }

    #[test]
    fn the_fix_at_fault_is_found_and_the_others_proven() {
        let engine = Labels::default();
        let session = Session::new(&engine).unwrap();
        let original = fixed_with(&[]);
        let spec = BuildSpec::default();
        let home = Path::new(".");
        let good = verify_fixes(
            &session,
            &original,
            home,
            &spec,
            &["DFL5021", "DFL6020"],
            &fixed_with,
        );
        assert_eq!(
            good,
            [("DFL5021", Verdict::Proven), ("DFL6020", Verdict::Proven)]
        );
        // The original and the text fixed by both: two builds.
        assert_eq!(engine.builds.load(Ordering::Relaxed), 2);
        let codes = ["DFL5021", "DFL6020", "DFL5022"];
        let mixed = verify_fixes(&session, &original, home, &spec, &codes, &fixed_with);
        assert_eq!(mixed[0], ("DFL5021", Verdict::Proven));
        assert_eq!(mixed[1], ("DFL6020", Verdict::Proven));
        let Verdict::Rejected(reason) = &mixed[2].1 else {
            panic!("{mixed:?}");
        };
        assert!(
            reason.contains("/a: file 1 bytes") && reason.contains("-> file 2 bytes"),
            "{reason}"
        );
        drop(session);
        assert!(engine.images.lock().unwrap().is_empty(), "tags left behind");
    }

    #[test]
    fn nothing_is_checkable_when_the_original_does_not_build() {
        let engine = Labels::default();
        let session = Session::new(&engine).unwrap();
        let verdicts = verify_fixes(
            &session,
            "BROKEN\n",
            Path::new("."),
            &BuildSpec::default(),
            &["DFL6020"],
            &|_| "FROM scratch\n".into(),
        );
        assert!(matches!(&verdicts[0].1, Verdict::NotCheckable(r) if r.contains("BROKEN")));
    }

    #[test]
    fn trees_are_read_without_following_links() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("d")).unwrap();
        std::fs::write(dir.path().join("d/f"), "hi\n").unwrap();
        std::os::unix::fs::symlink("/nowhere", dir.path().join("l")).unwrap();
        let manifest = read_tree(dir.path()).unwrap();
        assert_eq!(manifest["d"].kind, EntryKind::Dir);
        assert!(
            matches!(&manifest["d/f"].kind, EntryKind::File { size: 3, sha256 } if sha256.starts_with("98ea6e4f"))
        );
        assert_eq!(manifest["l"].kind, EntryKind::Link("/nowhere".into()));
    }
}

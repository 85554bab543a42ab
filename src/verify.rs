//! Proof by building: the description of an image a real engine built (its config and a
//! manifest of its filesystem), the comparison of two such images, what each rule's fix may
//! change in a built image, and the comparison of the embedded engine's predicted config
//! with a built one. Pure: the CLI builds the images and reads them (`cli::verify`).
//!
//! BuildKit is the reference. Where buildah differs, the description is normalised (empty
//! lists are absent, buildah's own label is dropped, an unset working directory is `/`,
//! port protocols are lowercase) or the difference is marked as known (see
//! [`PredictionDifference::known`]).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value as Json;

use crate::semantic::expand::Value;
use crate::semantic::{Base, Build, Field, Healthcheck, ImageConfig};
use crate::syntax::SyntaxKind;

/// The real engines dflint builds with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    /// buildah (`bud`), without a daemon.
    Buildah,
    /// A Docker daemon with BuildKit, local or remote.
    Docker,
}

impl EngineKind {
    /// `buildah` or `docker`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            EngineKind::Buildah => "buildah",
            EngineKind::Docker => "docker",
        }
    }
}

/// A healthcheck with durations in nanoseconds (0 = the default).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BuiltHealthcheck {
    /// `["CMD", ...]`, `["CMD-SHELL", command]` or `["NONE"]`.
    pub test: Vec<String>,
    /// `--interval`.
    pub interval: i64,
    /// `--timeout`.
    pub timeout: i64,
    /// `--start-period`.
    pub start_period: i64,
    /// `--retries`.
    pub retries: i64,
}

/// The config of a built image, normalised so that equal meanings compare equal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BuiltConfig {
    /// `USER`.
    pub user: String,
    /// `NAME=value` entries in order.
    pub env: Vec<String>,
    /// `CMD`.
    pub cmd: Vec<String>,
    /// `ENTRYPOINT`.
    pub entrypoint: Vec<String>,
    /// `WORKDIR`; `/` when none is set.
    pub working_dir: String,
    /// `LABEL`s, without the ones engines add on their own.
    pub labels: BTreeMap<String, String>,
    /// `EXPOSE`d ports, as `port/protocol` with the protocol in lowercase.
    pub exposed_ports: BTreeSet<String>,
    /// `VOLUME`s.
    pub volumes: BTreeSet<String>,
    /// `STOPSIGNAL`.
    pub stop_signal: String,
    /// `HEALTHCHECK`.
    pub healthcheck: Option<BuiltHealthcheck>,
    /// `SHELL`.
    pub shell: Vec<String>,
    /// `ONBUILD` triggers.
    pub on_build: Vec<String>,
    /// The image's author (`MAINTAINER`), outside the config proper.
    pub author: String,
}

fn strings(json: &Json) -> Vec<String> {
    json.as_array()
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn keys(json: &Json) -> BTreeSet<String> {
    json.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn text(json: &Json) -> String {
    json.as_str().unwrap_or_default().to_string()
}

impl BuiltConfig {
    /// Reads a Docker image config (the `Config` object of `docker image inspect`, or
    /// `Docker.config` of `buildah inspect --type image`) and the image's author.
    #[must_use]
    pub fn from_docker_json(config: &Json, author: &str) -> BuiltConfig {
        let mut labels: BTreeMap<String, String> = config["Labels"]
            .as_object()
            .map(|o| o.iter().map(|(k, v)| (k.clone(), text(v))).collect())
            .unwrap_or_default();
        // buildah adds its own version label; BuildKit does not.
        labels.remove("io.buildah.version");
        let health = &config["Healthcheck"];
        let healthcheck = health.is_object().then(|| BuiltHealthcheck {
            test: strings(&health["Test"]),
            interval: health["Interval"].as_i64().unwrap_or(0),
            timeout: health["Timeout"].as_i64().unwrap_or(0),
            start_period: health["StartPeriod"].as_i64().unwrap_or(0),
            retries: health["Retries"].as_i64().unwrap_or(0),
        });
        let working_dir = match text(&config["WorkingDir"]) {
            // BuildKit writes `/` when no WORKDIR is set; buildah leaves it empty.
            dir if dir.is_empty() => "/".to_string(),
            dir => dir,
        };
        BuiltConfig {
            user: text(&config["User"]),
            env: strings(&config["Env"]),
            cmd: strings(&config["Cmd"]),
            entrypoint: strings(&config["Entrypoint"]),
            working_dir,
            labels,
            // buildah keeps the protocol as written (`8080/UDP`); BuildKit lowercases it.
            exposed_ports: keys(&config["ExposedPorts"])
                .into_iter()
                .map(|p| p.to_ascii_lowercase())
                .collect(),
            volumes: keys(&config["Volumes"]),
            stop_signal: text(&config["StopSignal"]),
            healthcheck,
            shell: strings(&config["Shell"]),
            on_build: strings(&config["OnBuild"]),
            author: author.to_string(),
        }
    }

    /// The fields as (name, rendered value) pairs, in the order of the Docker config.
    #[must_use]
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("User", json(&self.user)),
            ("Env", json(&self.env)),
            ("Cmd", json(&self.cmd)),
            ("Entrypoint", json(&self.entrypoint)),
            ("WorkingDir", json(&self.working_dir)),
            ("Labels", json(&self.labels)),
            ("ExposedPorts", json(&self.exposed_ports)),
            ("Volumes", json(&self.volumes)),
            ("StopSignal", json(&self.stop_signal)),
            ("Healthcheck", json(&self.healthcheck)),
            ("Shell", json(&self.shell)),
            ("OnBuild", json(&self.on_build)),
            ("Author", json(&self.author)),
        ]
    }
}

/// A value as compact JSON, for the readable differences.
fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// What a filesystem entry is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// A regular file: its size and the SHA-256 of its content, in hex.
    File {
        /// Bytes.
        size: u64,
        /// SHA-256, lowercase hex.
        sha256: String,
    },
    /// A directory.
    Dir,
    /// A symbolic link and its target.
    Link(String),
    /// Anything else (device, fifo, socket), by its type bits.
    Other(u32),
}

/// One path of an image's filesystem. Modification times are left out on purpose: two
/// builds never agree on them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// What it is.
    pub kind: EntryKind,
    /// Permission bits (including setuid, setgid and sticky).
    pub mode: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
}

impl Entry {
    fn describe(&self) -> String {
        let kind = match &self.kind {
            EntryKind::File { size, sha256 } => {
                format!(
                    "file {size} bytes sha256:{}",
                    &sha256[..sha256.len().min(12)]
                )
            }
            EntryKind::Dir => "dir".to_string(),
            EntryKind::Link(target) => format!("symlink -> {target}"),
            EntryKind::Other(bits) => format!("special {bits:o}"),
        };
        format!("{kind} {:o} {}:{}", self.mode, self.uid, self.gid)
    }
}

/// An image's filesystem: path (relative, `/`-separated, no leading `/`) to entry.
pub type Manifest = BTreeMap<String, Entry>;

/// Paths that differ between two builds for reasons no Dockerfile edit controls: the logs,
/// caches and backups package managers write (two `apt-get install` runs seconds apart
/// differ there), and the mount points and empty placeholder files a RUN leaves behind.
#[must_use]
pub fn is_noise(path: &str, entry: &Entry) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let parent = path.rsplit_once('/').map_or("", |(p, _)| p);
    let package_noise = path.starts_with("var/log/")
        || path == "var/cache/ldconfig/aux-cache"
        || (parent == "var/cache/apt" && name.ends_with(".bin"))
        || (parent == "var/cache/debconf" && name.ends_with("-old"))
        || (parent == "var/lib/dpkg" && name.ends_with("-old"))
        // passwd-, group-, shadow-: the backups useradd writes.
        || (parent == "etc" && name.ends_with('-'));
    let empty = match &entry.kind {
        EntryKind::Dir => true,
        EntryKind::File { size, .. } => *size == 0,
        _ => false,
    };
    let placeholder = matches!(
        path,
        "etc/hosts" | "etc/hostname" | "etc/resolv.conf" | "proc" | "sys" | "dev" | "run"
    ) || path == "run/.containerenv";
    package_noise || (placeholder && empty)
}

/// A built image: its config and its filesystem.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuiltImage {
    /// The normalised config.
    pub config: BuiltConfig,
    /// The filesystem, without [`is_noise`] paths.
    pub files: Manifest,
}

impl BuiltImage {
    /// An image from its config and its whole filesystem; noise is dropped.
    #[must_use]
    pub fn new(config: BuiltConfig, files: Manifest) -> Self {
        let files = files
            .into_iter()
            .filter(|(path, entry)| !is_noise(path, entry))
            .collect();
        BuiltImage { config, files }
    }
}

/// Where two images differ.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "in", content = "name", rename_all = "lowercase")]
pub enum Subject {
    /// A config field, such as `Labels`.
    Config(&'static str),
    /// A path of the filesystem.
    Path(String),
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::Config(field) => write!(f, "config {field}"),
            Subject::Path(path) => write!(f, "/{path}"),
        }
    }
}

/// One difference between two built images.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImageDifference {
    /// What differs.
    pub subject: Subject,
    /// In the first image (`absent` for a path only the second has).
    pub before: String,
    /// In the second image (`absent` for a path only the first has).
    pub after: String,
}

impl std::fmt::Display for ImageDifference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} -> {}", self.subject, self.before, self.after)
    }
}

/// Compares two images: every config field, then every path, in a stable order.
#[must_use]
pub fn compare_images(before: &BuiltImage, after: &BuiltImage) -> Vec<ImageDifference> {
    let mut out = Vec::new();
    for ((field, a), (_, b)) in before
        .config
        .fields()
        .into_iter()
        .zip(after.config.fields())
    {
        if a != b {
            out.push(ImageDifference {
                subject: Subject::Config(field),
                before: a,
                after: b,
            });
        }
    }
    let absent = || "absent".to_string();
    let paths: BTreeSet<&String> = before.files.keys().chain(after.files.keys()).collect();
    for path in paths {
        let (a, b) = (before.files.get(path), after.files.get(path));
        if a != b {
            out.push(ImageDifference {
                subject: Subject::Path(path.clone()),
                before: a.map_or_else(absent, Entry::describe),
                after: b.map_or_else(absent, Entry::describe),
            });
        }
    }
    out
}

/// A change a rule's fix is meant to make in the built image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageChange {
    /// This config field may change.
    Config(&'static str),
    /// Paths under this directory (relative, ending in `/`) may be removed.
    RemovedUnder(&'static str),
    /// Any path may change: the fix installs other packages.
    AnyPath,
}

impl ImageChange {
    /// Whether `difference` is one this change allows.
    #[must_use]
    pub fn allows(self, difference: &ImageDifference) -> bool {
        match (self, &difference.subject) {
            (ImageChange::Config(field), Subject::Config(f)) => field == *f,
            (ImageChange::RemovedUnder(dir), Subject::Path(path)) => {
                path.starts_with(dir) && difference.after == "absent"
            }
            (ImageChange::AnyPath, Subject::Path(_)) => true,
            _ => false,
        }
    }
}

/// What a rule's fix may change in the image a real engine builds. Every fix not listed is
/// a refactor: the image must stay the same, config and files. This is finer than the
/// build areas a rule declares to the embedded engine (`RuleMeta::fix_changes`): a fix that
/// adds `-y` to `apt-get install` changes the command run, but not the image it makes.
#[must_use]
pub fn declared_image_changes(code: &str) -> &'static [ImageChange] {
    use ImageChange::{AnyPath, Config, RemovedUnder};
    match code {
        // `MAINTAINER x` -> `LABEL maintainer=x`.
        "DFL5021" => &[Config("Labels"), Config("Author")],
        // Label keys renamed.
        "DFL5060" => &[Config("Labels")],
        // Shell form to exec form: the command is no longer wrapped in a shell.
        "DFL1041" => &[Config("Cmd"), Config("Entrypoint"), Config("Healthcheck")],
        // A SHELL with `-o pipefail` before the RUN.
        "DFL1060" => &[Config("Shell")],
        // A relative WORKDIR made absolute.
        "DFL1020" => &[Config("WorkingDir"), AnyPath],
        // An ENV value that read a variable of the same ENV before it was set.
        "DFL1024" => &[Config("Env"), AnyPath],
        // The package lists and caches the fix removes.
        "DFL3002" => &[RemovedUnder("var/lib/apt/lists/")],
        "DFL3006" => &[RemovedUnder("var/cache/apk/")],
        "DFL3007" => &[RemovedUnder("root/.cache/pip/")],
        "DFL3008" => &[RemovedUnder("var/cache/yum/")],
        "DFL3009" => &[RemovedUnder("var/cache/zypp/")],
        "DFL3010" => &[
            RemovedUnder("var/cache/dnf/"),
            RemovedUnder("var/cache/yum/"),
        ],
        "DFL3011" => &[
            RemovedUnder("usr/local/share/.cache/yarn/"),
            RemovedUnder("root/.cache/yarn/"),
        ],
        // Fewer packages installed; npm ci installs what the lockfile lists; `-l` leaves
        // the lastlog out.
        "DFL3005" | "DFL4034" | "DFL3111" => &[AnyPath],
        _ => &[],
    }
}

/// The differences no change in `allowed` accounts for.
#[must_use]
pub fn undeclared<'a>(
    differences: &'a [ImageDifference],
    allowed: &[ImageChange],
) -> Vec<&'a ImageDifference> {
    differences
        .iter()
        .filter(|d| !allowed.iter().any(|c| c.allows(d)))
        .collect()
}

/// A Go `time.ParseDuration` string (as HEALTHCHECK flags take) in nanoseconds.
///
/// # Errors
/// A number without a unit, or an unknown unit.
pub fn go_duration(text: &str) -> Result<i64, String> {
    let mut rest = text;
    let mut total = 0f64;
    if rest == "0" {
        return Ok(0);
    }
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| format!("duration {text:?} has no unit"))?;
        let number: f64 = rest[..number_len]
            .parse()
            .map_err(|_| format!("bad duration {text:?}"))?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            unit => return Err(format!("unknown unit {unit:?} in duration {text:?}")),
        };
        total += number * scale;
        rest = &rest[unit_len..];
    }
    // Durations fit in i64 nanoseconds (292 years).
    #[allow(clippy::cast_possible_truncation)]
    Ok(total.round() as i64)
}

fn shown(value: &Value) -> String {
    value
        .known()
        .unwrap_or_else(|| format!("<unknown: {}>", value.display()))
}

fn field<T: Clone>(field: &Field<T>, inherited: &T, unset: T) -> T {
    match field {
        Field::Set(v) => v.clone(),
        Field::Inherited => inherited.clone(),
        Field::Unset => unset,
    }
}

fn set_entry(env: &mut Vec<String>, name: &str, value: &str) {
    let entry = format!("{name}={value}");
    match env
        .iter_mut()
        .find(|e| e.split_once('=').map_or(e.as_str(), |(n, _)| n) == name)
    {
        Some(e) => *e = entry,
        None => env.push(entry),
    }
}

fn built_health(h: &Healthcheck) -> Result<BuiltHealthcheck, String> {
    let duration = |d: &Option<String>| d.as_deref().map_or(Ok(0), go_duration);
    Ok(BuiltHealthcheck {
        test: h.test.clone(),
        interval: duration(&h.interval)?,
        timeout: duration(&h.timeout)?,
        start_period: duration(&h.start_period)?,
        retries: h
            .retries
            .as_deref()
            .map_or(Ok(0), str::parse)
            .map_err(|e| format!("bad retries: {e}"))?,
    })
}

/// The embedded engine's prediction of a stage's config, as a built image would have it.
/// Fields it leaves to an external base image take `base`'s values (the config of that
/// image as the real engine has it; empty for `scratch`).
///
/// # Errors
/// A HEALTHCHECK duration or retry count the engine kept as written but cannot be read.
pub fn predicted_config(c: &ImageConfig, base: &BuiltConfig) -> Result<BuiltConfig, String> {
    let empty = BuiltConfig::default();
    let base = if c.inherits_image { base } else { &empty };
    let mut env = base.env.clone();
    for (name, value) in &c.env {
        set_entry(&mut env, name, &shown(value));
    }
    let mut labels = base.labels.clone();
    for (name, value) in &c.labels {
        labels.insert(name.clone(), shown(value));
    }
    let mut exposed_ports = base.exposed_ports.clone();
    exposed_ports.extend(c.exposed_ports.iter().cloned());
    let mut volumes = base.volumes.clone();
    volumes.extend(c.volumes.iter().cloned());
    let value_field = |f: &Field<Value>, inherited: &String, unset: &str| match f {
        Field::Set(v) => shown(v),
        Field::Inherited => inherited.clone(),
        Field::Unset => unset.to_string(),
    };
    let healthcheck = match &c.healthcheck {
        Field::Set(h) => Some(built_health(h)?),
        Field::Inherited => base.healthcheck.clone(),
        Field::Unset => None,
    };
    let working_dir = match value_field(&c.working_dir, &base.working_dir, "/") {
        dir if dir.is_empty() => "/".to_string(),
        dir => dir,
    };
    Ok(BuiltConfig {
        user: value_field(&c.user, &base.user, ""),
        env,
        cmd: field(&c.cmd, &base.cmd, Vec::new()),
        entrypoint: field(&c.entrypoint, &base.entrypoint, Vec::new()),
        working_dir,
        labels,
        exposed_ports,
        volumes,
        stop_signal: value_field(&c.stop_signal, &base.stop_signal, ""),
        healthcheck,
        shell: field(&c.shell, &base.shell, Vec::new()),
        on_build: c.on_build.clone(),
        // The engine does not follow MAINTAINER: the author is not predicted.
        author: String::new(),
    })
}

/// The external image a stage's config starts from, following stages built on stages:
/// `None` for `scratch` or a base the engine cannot name.
#[must_use]
pub fn root_image(build: &Build, stage: usize) -> Option<String> {
    let mut at = stage;
    for _ in 0..=build.stages.len() {
        match &build.stages.get(at)?.base {
            Base::Stage(parent) => at = *parent,
            Base::Image(image) => return Some(image.normalized()),
            _ => return None,
        }
    }
    None
}

/// A field where the predicted config and the built one differ.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PredictionDifference {
    /// The config field.
    pub field: &'static str,
    /// What the embedded engine predicts (compact JSON).
    pub predicted: String,
    /// What the real engine built (compact JSON).
    pub built: String,
    /// Set when the real engine is known to differ from BuildKit here: why.
    pub known: Option<&'static str>,
}

/// buildah 1.28 runs a shell-form CMD or ENTRYPOINT with `/bin/sh -c` even after SHELL.
const BUILDAH_SHELL: &str = "buildah wraps a shell-form CMD or ENTRYPOINT in `/bin/sh -c` \
    even after SHELL; BuildKit uses the SHELL";
/// buildah does not carry a stage's ARGs into a stage built FROM it.
const BUILDAH_STAGE_ARGS: &str = "buildah does not carry a stage's ARGs into a stage built \
    FROM it; BuildKit does";

/// Whether `predicted` is `shell + [text]` and `built` is `/bin/sh -c text`.
fn wrapped_by_buildah(predicted: &[String], built: &[String], shell: &[String]) -> bool {
    !shell.is_empty()
        && predicted.len() == shell.len() + 1
        && predicted.starts_with(shell)
        && built.len() == 3
        && built[..2] == ["/bin/sh".to_string(), "-c".to_string()]
        && built[2] == predicted[shell.len()]
}

/// Whether a stage the target is built on (through `FROM <stage>`) declares an ARG.
fn inherits_stage_args(build: &Build, stage: usize) -> bool {
    let mut at = stage;
    for _ in 0..build.stages.len() {
        let Some(Base::Stage(parent)) = build.stages.get(at).map(|s| &s.base) else {
            return false;
        };
        at = *parent;
        if build.stages[at]
            .steps
            .iter()
            .any(|s| s.kind == SyntaxKind::ARG_INSTR)
        {
            return true;
        }
    }
    false
}

/// Compares the predicted config of the target stage of `build` with the built one. The
/// author is left out: the engine does not predict it.
#[must_use]
pub fn compare_prediction(
    build: &Build,
    predicted: &BuiltConfig,
    built: &BuiltConfig,
    engine: EngineKind,
) -> Vec<PredictionDifference> {
    let stage = build.target.unwrap_or(0);
    let mut out = Vec::new();
    for ((field, p), (_, b)) in predicted.fields().into_iter().zip(built.fields()) {
        if field == "Author" || p == b {
            continue;
        }
        let known = match (engine, field) {
            (EngineKind::Buildah, "Cmd")
                if wrapped_by_buildah(&predicted.cmd, &built.cmd, &predicted.shell) =>
            {
                Some(BUILDAH_SHELL)
            }
            (EngineKind::Buildah, "Entrypoint")
                if wrapped_by_buildah(
                    &predicted.entrypoint,
                    &built.entrypoint,
                    &predicted.shell,
                ) =>
            {
                Some(BUILDAH_SHELL)
            }
            (EngineKind::Buildah, "Env") if inherits_stage_args(build, stage) => {
                Some(BUILDAH_STAGE_ARGS)
            }
            _ => None,
        };
        out.push(PredictionDifference {
            field,
            predicted: p,
            built: b,
            known,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::{BuildOptions, evaluate};
    use crate::syntax::parse;
    use serde_json::json;

    fn file(content: &str) -> Entry {
        Entry {
            kind: EntryKind::File {
                size: content.len() as u64,
                sha256: format!("{:x}", content.len()),
            },
            mode: 0o644,
            uid: 0,
            gid: 0,
        }
    }

    #[test]
    fn docker_json_is_normalised() {
        let config = json!({
            "Env": ["PATH=/bin"],
            "Cmd": [],
            "Labels": {"io.buildah.version": "1.28.2", "a": "b"},
            "ExposedPorts": {"8080/UDP": {}},
            "WorkingDir": "",
            "Healthcheck": {"Test": ["CMD", "x"], "Interval": 30_000_000_000_i64},
        });
        let c = BuiltConfig::from_docker_json(&config, "me");
        assert_eq!(c.labels.len(), 1);
        assert!(c.exposed_ports.contains("8080/udp"));
        assert_eq!(c.working_dir, "/");
        assert_eq!(c.healthcheck.as_ref().unwrap().interval, 30_000_000_000);
        assert_eq!(c.author, "me");
        // `null` and `[]` are the same.
        let null = BuiltConfig::from_docker_json(&json!({"Cmd": null, "Env": ["PATH=/bin"]}), "");
        assert_eq!(null.cmd, c.cmd);
    }

    #[test]
    fn differences_are_listed_and_declared_changes_allowed() {
        let mut a = BuiltImage::default();
        a.files.insert("app".into(), file("x"));
        a.files
            .insert("var/lib/apt/lists/pkgs".into(), file("lists"));
        let mut b = a.clone();
        b.files.remove("var/lib/apt/lists/pkgs");
        b.config.labels.insert("maintainer".into(), "me".into());
        let diffs = compare_images(&a, &b);
        assert_eq!(diffs.len(), 2, "{diffs:?}");
        assert_eq!(diffs[0].subject, Subject::Config("Labels"));
        assert_eq!(
            diffs[1].to_string().split(':').next(),
            Some("/var/lib/apt/lists/pkgs")
        );
        assert_eq!(
            undeclared(&diffs, declared_image_changes("DFL3002")).len(),
            1
        );
        assert_eq!(
            undeclared(&diffs, declared_image_changes("DFL5021")).len(),
            1
        );
        let both: Vec<ImageChange> = ["DFL3002", "DFL5021"]
            .iter()
            .flat_map(|c| declared_image_changes(c).iter().copied())
            .collect();
        assert!(undeclared(&diffs, &both).is_empty());
        // Adding lists is not removing them.
        let added = compare_images(&b, &a);
        assert_eq!(
            undeclared(&added, declared_image_changes("DFL3002")).len(),
            2
        );
        // A refactor allows nothing.
        assert_eq!(
            undeclared(&diffs, declared_image_changes("DFL6020")).len(),
            2
        );
    }

    #[test]
    fn package_manager_noise_and_run_placeholders_are_dropped() {
        let mut files = Manifest::new();
        for path in [
            "var/log/apt/history.log",
            "var/lib/dpkg/status-old",
            "etc/passwd-",
            "etc/hosts",
            "proc",
            "app",
        ] {
            files.insert(path.into(), file(""));
        }
        files.insert("etc/resolv.conf".into(), file("nameserver 1.1.1.1\n"));
        let image = BuiltImage::new(BuiltConfig::default(), files);
        let kept: Vec<&str> = image.files.keys().map(String::as_str).collect();
        assert_eq!(kept, ["app", "etc/resolv.conf"]);
    }

    #[test]
    fn go_durations() {
        assert_eq!(go_duration("30s"), Ok(30_000_000_000));
        assert_eq!(go_duration("1m30s"), Ok(90_000_000_000));
        assert_eq!(go_duration("1.5s"), Ok(1_500_000_000));
        assert_eq!(go_duration("300ms"), Ok(300_000_000));
        assert_eq!(go_duration("0"), Ok(0));
        assert!(go_duration("5").is_err());
    }

    #[test]
    fn known_buildah_differences_are_marked() {
        let text = "FROM scratch AS base\nARG A=1\nFROM base\nSHELL [\"/bin/bash\", \"-c\"]\nCMD echo hi\nENV B=$A\n";
        let build = evaluate(&parse(text), &BuildOptions::default());
        let stage = build.target_stage().unwrap();
        let predicted = predicted_config(&stage.config, &BuiltConfig::default()).unwrap();
        assert_eq!(predicted.cmd, ["/bin/bash", "-c", "echo hi"]);
        let mut built = predicted.clone();
        built.cmd = vec!["/bin/sh".into(), "-c".into(), "echo hi".into()];
        built.env.retain(|e| !e.starts_with("B="));
        built.env.push("B=".into());
        let diffs = compare_prediction(&build, &predicted, &built, EngineKind::Buildah);
        assert_eq!(diffs.len(), 2, "{diffs:?}");
        assert!(diffs.iter().all(|d| d.known.is_some()), "{diffs:?}");
        let docker = compare_prediction(&build, &predicted, &built, EngineKind::Docker);
        assert!(docker.iter().all(|d| d.known.is_none()));
        assert_eq!(root_image(&build, 1), None);
    }
}

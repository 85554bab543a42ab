//! Equivalence of two evaluated builds: every difference in stages and their bases, the
//! stage graph, the final image config, the commands run and the files copied. An autofix
//! passes when the only differences are the ones its rule declares.

use std::fmt::Write as _;

use crate::semantic::model::{Base, Build, Edge, EdgeTarget, Field, ImageConfig, Source, Stage};
use crate::syntax::SyntaxKind;

/// The part of a build a difference is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Area {
    /// The stages themselves: how many there are, their names and bases, and which one is
    /// the target.
    Stages,
    /// The dependencies between stages and on external images.
    Graph,
    /// The image config of the target stage (User, Env, Cmd, ...).
    Config,
    /// The commands RUN executes, with the flags and environment they run with.
    Commands,
    /// The files COPY and ADD bring in, and the directories WORKDIR creates.
    Files,
}

impl Area {
    /// Returns the lowercase name of the area, as shown with each difference.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Stages => "stages",
            Area::Graph => "graph",
            Area::Config => "config",
            Area::Commands => "commands",
            Area::Files => "files",
        }
    }
}

/// One difference between two builds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// The part of the build the difference is in.
    pub area: Area,
    /// What differs, for example `stage 1 (build) config.User`.
    pub subject: String,
    /// The value in the first build, rendered as text.
    pub before: String,
    /// The value in the second build, rendered as text.
    pub after: String,
}

/// Compares two builds and returns every difference, in a stable order.
#[must_use]
pub fn compare(before: &Build, after: &Build) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut diff = |area: Area, subject: String, a: String, b: String| {
        if a != b {
            out.push(Difference {
                area,
                subject,
                before: a,
                after: b,
            });
        }
    };
    diff(
        Area::Stages,
        "stage count".into(),
        before.stages.len().to_string(),
        after.stages.len().to_string(),
    );
    for (a, b) in before.stages.iter().zip(&after.stages) {
        let s = format!("stage {}", a.label());
        diff(
            Area::Stages,
            format!("{s} name"),
            format!("{:?}", a.name),
            format!("{:?}", b.name),
        );
        diff(
            Area::Stages,
            format!("{s} base"),
            describe_base(before, &a.base),
            describe_base(after, &b.base),
        );
        diff(
            Area::Commands,
            format!("{s} commands"),
            commands(a).join("\n"),
            commands(b).join("\n"),
        );
        diff(
            Area::Files,
            format!("{s} copies"),
            copies(before, a).join("\n"),
            copies(after, b).join("\n"),
        );
    }
    diff(
        Area::Graph,
        "edges".into(),
        edges(before).join("\n"),
        edges(after).join("\n"),
    );
    diff(
        Area::Stages,
        "target".into(),
        before.target_stage().map(Stage::label).unwrap_or_default(),
        after.target_stage().map(Stage::label).unwrap_or_default(),
    );
    if let (Some(a), Some(b)) = (before.target_stage(), after.target_stage()) {
        for (field, x, y) in config_fields(&a.config)
            .into_iter()
            .zip(config_fields(&b.config))
            .map(|((f, x), (_, y))| (f, x, y))
        {
            diff(Area::Config, format!("config.{field}"), x, y);
        }
    }
    out
}

fn describe_base(build: &Build, base: &Base) -> String {
    match base {
        Base::Scratch => "scratch".into(),
        Base::Stage(s) => format!(
            "stage {}",
            build.stages.get(*s).map_or(s.to_string(), Stage::label)
        ),
        Base::Image(image) => image.normalized(),
        Base::Symbolic(text) => format!("symbolic {text}"),
        Base::Invalid { text, .. } => format!("invalid {text}"),
    }
}

fn edges(build: &Build) -> Vec<String> {
    let label = |s: usize| build.stages.get(s).map_or(s.to_string(), Stage::label);
    let mut out: Vec<String> = build
        .edges
        .iter()
        .map(
            |Edge {
                 stage,
                 target,
                 kind,
                 ..
             }| {
                let target = match target {
                    EdgeTarget::Stage(t) => format!("stage {}", label(*t)),
                    EdgeTarget::Image(i) => format!("image {i}"),
                };
                format!("{} -{}-> {target}", label(*stage), kind.as_str())
            },
        )
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Splits a shell command at top-level `&&` (outside quotes), so that merging or splitting
/// RUNs joined by `&&` keeps the same sequence.
#[must_use]
pub fn split_and_list(command: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut chars = command.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '\\' => {
                current.push(c);
                if let Some(n) = chars.next() {
                    current.push(n);
                }
                continue;
            }
            None if c == '&' && chars.peek() == Some(&'&') => {
                chars.next();
                parts.push(current.trim().to_string());
                current.clear();
                continue;
            }
            None => {}
        }
        current.push(c);
    }
    parts.push(current.trim().to_string());
    parts.retain(|p| !p.is_empty());
    parts
}

/// The commands a stage runs, each with the flags and environment it runs with.
fn commands(stage: &Stage) -> Vec<String> {
    let mut out = Vec::new();
    for layer in stage
        .layers
        .iter()
        .filter(|l| l.kind == SyntaxKind::RUN_INSTR)
    {
        let mut context = layer.flags.join(" ");
        for (name, value) in layer.env.iter() {
            let _ = write!(context, " {name}={}", value.display());
        }
        for part in split_and_list(&layer.command) {
            out.push(format!("[{}] {part}", context.trim()));
        }
    }
    out
}

/// The files a stage copies: destination, sources and flags of every COPY/ADD, and the
/// directories WORKDIR creates.
fn copies(build: &Build, stage: &Stage) -> Vec<String> {
    let label = |s: usize| build.stages.get(s).map_or(s.to_string(), Stage::label);
    stage
        .layers
        .iter()
        .filter(|l| l.kind != SyntaxKind::RUN_INSTR)
        .map(|l| {
            let sources: Vec<String> = l
                .sources
                .iter()
                .map(|s| match s {
                    Source::Context { pattern, files, .. } => match files {
                        Some(files) => format!("context:{pattern}{files:?}"),
                        None => format!("context:{pattern}"),
                    },
                    Source::Stage { stage, path } => format!("stage {}:{path}", label(*stage)),
                    Source::Image { image, path } => format!("image {image}:{path}"),
                    Source::Remote(url) => format!("remote {url}"),
                    Source::Heredoc(name) => format!("heredoc {name}"),
                })
                .collect();
            let dest = l
                .destination
                .as_ref()
                .map(crate::semantic::expand::Value::display)
                .unwrap_or_default();
            format!(
                "{:?} {} {} -> {dest}",
                l.kind,
                l.flags.join(" "),
                sources.join(" ")
            )
        })
        .collect()
}

fn field<T: std::fmt::Debug>(f: &Field<T>) -> String {
    match f {
        Field::Unset => "unset".into(),
        Field::Inherited => "inherited".into(),
        Field::Set(v) => format!("{v:?}"),
    }
}

fn value_field(f: &Field<crate::semantic::expand::Value>) -> String {
    match f {
        Field::Set(v) => v.display(),
        other => field(other),
    }
}

/// The config fields as (name, rendered value) pairs, in OCI order.
fn config_fields(c: &ImageConfig) -> Vec<(&'static str, String)> {
    let pairs = |list: &[(String, crate::semantic::expand::Value)]| {
        list.iter()
            .map(|(k, v)| format!("{k}={}", v.display()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    vec![
        ("User", value_field(&c.user)),
        ("Env", pairs(&c.env)),
        ("WorkingDir", value_field(&c.working_dir)),
        ("Entrypoint", field(&c.entrypoint)),
        ("Cmd", field(&c.cmd)),
        ("ExposedPorts", c.exposed_ports.join(" ")),
        ("Volumes", c.volumes.join(" ")),
        ("Labels", pairs(&c.labels)),
        ("StopSignal", value_field(&c.stop_signal)),
        ("Healthcheck", field(&c.healthcheck)),
        ("Shell", field(&c.shell)),
        ("OnBuild", c.on_build.join("\n")),
    ]
}

#[cfg(test)]
mod tests {
    use super::split_and_list;

    #[test]
    fn and_lists_split_outside_quotes() {
        assert_eq!(split_and_list("a && b &&c"), ["a", "b", "c"]);
        assert_eq!(split_and_list("echo 'x && y' && z"), ["echo 'x && y'", "z"]);
        assert_eq!(split_and_list("a \\&& b"), ["a \\&& b"]);
    }
}

//! `dflint plan` output: the stages, the stage graph, each stage's layers (and which
//! rebuild after a change) and the final config, as text, JSON, Graphviz dot or Mermaid.

use std::fmt::Write as _;

use super::LineIndex;
use crate::semantic::cache::{Cause, StageRebuild};
use crate::semantic::expand::Value;
use crate::semantic::{Base, Build, EdgeTarget, Field, ImageConfig, Source, Stage};
use crate::syntax::{SyntaxKind, TextRange};

/// Everything a plan report shows.
pub struct PlanReport<'a> {
    pub path: &'a str,
    pub source: &'a str,
    pub build: &'a Build,
    /// The cache simulation, when changed files were given.
    pub rebuild: Option<&'a [StageRebuild]>,
}

fn keyword(kind: SyntaxKind) -> &'static str {
    kind.keyword().unwrap_or("?")
}

fn base_text(build: &Build, base: &Base) -> String {
    match base {
        Base::Scratch => "scratch".into(),
        Base::Stage(s) => format!(
            "stage {}",
            build.stages.get(*s).map_or(s.to_string(), Stage::label)
        ),
        Base::Image(image) => image.familiar(),
        Base::Symbolic(text) | Base::Invalid { text, .. } => text.clone(),
    }
}

/// JSON shapes of the plan, serialized straight from borrowed data.
mod shape {
    use serde::Serialize;

    use super::super::Position;

    #[derive(Serialize)]
    #[serde(untagged)]
    pub enum Text {
        Known(String),
        Symbolic { symbolic: String },
    }

    #[derive(Serialize)]
    #[serde(untagged)]
    pub enum Field<T> {
        Inherited { inherited: bool },
        Set(T),
    }

    #[derive(Serialize)]
    pub struct Range {
        pub start: Position,
        pub end: Position,
    }

    #[derive(Serialize)]
    pub struct Pair<'a> {
        pub name: &'a str,
        pub value: Text,
    }

    #[derive(Serialize)]
    #[serde(tag = "kind", rename_all = "lowercase")]
    pub enum Base<'a> {
        Scratch,
        Stage { stage: usize, name: Option<&'a str> },
        Image { reference: String, familiar: String },
        Symbolic { text: &'a str },
        Invalid { text: &'a str, error: &'a str },
    }

    #[derive(Serialize)]
    #[serde(tag = "kind", rename_all = "lowercase")]
    pub enum Source<'a> {
        Context {
            pattern: &'a str,
            files: Option<&'a [String]>,
            excluded: Option<&'a [String]>,
        },
        Stage {
            stage: usize,
            name: Option<&'a str>,
            path: &'a str,
        },
        Image {
            image: &'a str,
            path: &'a str,
        },
        Remote {
            url: &'a str,
        },
        Heredoc {
            name: &'a str,
        },
    }

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Healthcheck<'a> {
        pub test: &'a [String],
        pub interval: Option<&'a str>,
        pub timeout: Option<&'a str>,
        pub start_period: Option<&'a str>,
        pub start_interval: Option<&'a str>,
        pub retries: Option<&'a str>,
    }

    #[derive(Serialize)]
    pub struct Config<'a> {
        #[serde(rename = "inheritsBaseImage")]
        pub inherits_base_image: bool,
        #[serde(rename = "User")]
        pub user: Option<Field<Text>>,
        #[serde(rename = "Env")]
        pub env: Vec<Pair<'a>>,
        #[serde(rename = "WorkingDir")]
        pub working_dir: Option<Field<Text>>,
        #[serde(rename = "Entrypoint")]
        pub entrypoint: Option<Field<&'a [String]>>,
        #[serde(rename = "Cmd")]
        pub cmd: Option<Field<&'a [String]>>,
        #[serde(rename = "ExposedPorts")]
        pub exposed_ports: &'a [String],
        #[serde(rename = "Volumes")]
        pub volumes: &'a [String],
        #[serde(rename = "Labels")]
        pub labels: Vec<Pair<'a>>,
        #[serde(rename = "StopSignal")]
        pub stop_signal: Option<Field<Text>>,
        #[serde(rename = "Healthcheck")]
        pub healthcheck: Option<Field<Healthcheck<'a>>>,
        #[serde(rename = "Shell")]
        pub shell: Option<Field<&'a [String]>>,
        #[serde(rename = "OnBuild")]
        pub on_build: &'a [String],
    }

    #[derive(Serialize)]
    pub struct Layer<'a> {
        pub index: usize,
        pub instruction: &'a str,
        pub range: Range,
        pub command: &'a str,
        pub flags: &'a [String],
        pub env: Vec<String>,
        pub sources: Vec<Source<'a>>,
        pub destination: Option<Text>,
        pub rebuilds: Option<bool>,
    }

    #[derive(Serialize)]
    pub struct Step<'a> {
        pub instruction: &'a str,
        pub line: usize,
        pub layer: Option<usize>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Rebuild {
        pub first_layer: Option<usize>,
        pub cause: Option<String>,
    }

    #[derive(Serialize)]
    pub struct Stage<'a> {
        pub index: usize,
        pub name: Option<&'a str>,
        pub base: Base<'a>,
        pub platform: Option<Text>,
        pub needed: bool,
        pub range: Range,
        pub steps: Vec<Step<'a>>,
        pub layers: Vec<Layer<'a>>,
        pub rebuild: Option<Rebuild>,
        pub config: Config<'a>,
    }

    #[derive(Serialize)]
    #[serde(untagged)]
    pub enum EdgeTarget<'a> {
        Stage { stage: usize },
        Image { image: &'a str },
    }

    #[derive(Serialize)]
    pub struct Edge<'a> {
        pub stage: usize,
        pub target: EdgeTarget<'a>,
        pub kind: &'a str,
        pub line: usize,
    }

    #[derive(Serialize)]
    pub struct Arg<'a> {
        pub name: &'a str,
        pub value: Option<Text>,
    }

    #[derive(Serialize)]
    pub struct Problem<'a> {
        pub kind: &'a str,
        pub message: &'a str,
        pub range: Range,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Plan<'a> {
        pub version: u32,
        pub path: &'a str,
        pub target: Option<usize>,
        pub global_args: Vec<Arg<'a>>,
        pub stages: Vec<Stage<'a>>,
        pub edges: Vec<Edge<'a>>,
        pub final_config: Option<Config<'a>>,
        pub problems: Vec<Problem<'a>>,
    }
}

fn text(v: &Value) -> shape::Text {
    match v.known() {
        Some(t) => shape::Text::Known(t),
        None => shape::Text::Symbolic {
            symbolic: v.display(),
        },
    }
}

/// `null` when unset, `{"inherited": true}` when inherited from the base image.
fn field<'a, T, U>(f: &'a Field<T>, to: impl Fn(&'a T) -> U) -> Option<shape::Field<U>> {
    match f {
        Field::Unset => None,
        Field::Inherited => Some(shape::Field::Inherited { inherited: true }),
        Field::Set(v) => Some(shape::Field::Set(to(v))),
    }
}

fn pairs(list: &[(String, Value)]) -> Vec<shape::Pair<'_>> {
    list.iter()
        .map(|(k, v)| shape::Pair {
            name: k,
            value: text(v),
        })
        .collect()
}

fn config(c: &ImageConfig) -> shape::Config<'_> {
    shape::Config {
        inherits_base_image: c.inherits_image,
        user: field(&c.user, text),
        env: pairs(&c.env),
        working_dir: field(&c.working_dir, text),
        entrypoint: field(&c.entrypoint, Vec::as_slice),
        cmd: field(&c.cmd, Vec::as_slice),
        exposed_ports: &c.exposed_ports,
        volumes: &c.volumes,
        labels: pairs(&c.labels),
        stop_signal: field(&c.stop_signal, text),
        healthcheck: field(&c.healthcheck, |h| shape::Healthcheck {
            test: &h.test,
            interval: h.interval.as_deref(),
            timeout: h.timeout.as_deref(),
            start_period: h.start_period.as_deref(),
            start_interval: h.start_interval.as_deref(),
            retries: h.retries.as_deref(),
        }),
        shell: field(&c.shell, Vec::as_slice),
        on_build: &c.on_build,
    }
}

fn base<'a>(build: &'a Build, base: &'a Base) -> shape::Base<'a> {
    match base {
        Base::Scratch => shape::Base::Scratch,
        Base::Stage(s) => shape::Base::Stage {
            stage: *s,
            name: build.stages.get(*s).and_then(|st| st.name.as_deref()),
        },
        Base::Image(image) => shape::Base::Image {
            reference: image.normalized(),
            familiar: image.familiar(),
        },
        Base::Symbolic(t) => shape::Base::Symbolic { text: t },
        Base::Invalid { text, error } => shape::Base::Invalid { text, error },
    }
}

fn source<'a>(build: &'a Build, s: &'a Source) -> shape::Source<'a> {
    match s {
        Source::Context {
            pattern,
            files,
            excluded,
        } => shape::Source::Context {
            pattern,
            files: files.as_deref(),
            excluded: excluded.as_deref(),
        },
        Source::Stage { stage, path } => shape::Source::Stage {
            stage: *stage,
            name: build.stages.get(*stage).and_then(|s| s.name.as_deref()),
            path,
        },
        Source::Image { image, path } => shape::Source::Image { image, path },
        Source::Remote(url) => shape::Source::Remote { url },
        Source::Heredoc(name) => shape::Source::Heredoc { name },
    }
}

fn cause_text(build: &Build, cause: &Cause) -> String {
    let label = |s: usize| build.stages.get(s).map_or(s.to_string(), Stage::label);
    match cause {
        Cause::Files(files) => format!("changed {}", files.join(", ")),
        Cause::BaseStage(s) => format!("base stage {} rebuilds", label(*s)),
        Cause::FromStage(s) => format!("stage {} rebuilds", label(*s)),
    }
}

fn range(index: &LineIndex<'_>, r: TextRange) -> shape::Range {
    shape::Range {
        start: index.position(r.start as usize),
        end: index.position(r.end as usize),
    }
}

/// The plan as one JSON document (version 1): pretty-printed, or compact on one line.
#[must_use]
pub fn render_plan_json(report: &PlanReport<'_>, pretty: bool) -> String {
    let b = report.build;
    let index = LineIndex::new(report.source);
    let stages = b
        .stages
        .iter()
        .map(|s| {
            let rebuild = report.rebuild.and_then(|r| r.get(s.index));
            shape::Stage {
                index: s.index,
                name: s.name.as_deref(),
                base: base(b, &s.base),
                platform: s.platform.as_ref().map(text),
                needed: s.needed,
                range: range(&index, s.range),
                steps: s
                    .steps
                    .iter()
                    .map(|st| shape::Step {
                        instruction: keyword(st.kind),
                        line: index.position(st.range.start as usize).line,
                        layer: st.layer,
                    })
                    .collect(),
                layers: s
                    .layers
                    .iter()
                    .enumerate()
                    .map(|(i, l)| shape::Layer {
                        index: i,
                        instruction: keyword(l.kind),
                        range: range(&index, l.range),
                        command: &l.command,
                        flags: &l.flags,
                        env: l
                            .env
                            .iter()
                            .map(|(k, v)| format!("{k}={}", v.display()))
                            .collect(),
                        sources: l.sources.iter().map(|x| source(b, x)).collect(),
                        destination: l.destination.as_ref().map(text),
                        rebuilds: rebuild.map(|r| r.rebuilds(i)),
                    })
                    .collect(),
                rebuild: rebuild.map(|r| shape::Rebuild {
                    first_layer: r.first_layer,
                    cause: r.cause.as_ref().map(|c| cause_text(b, c)),
                }),
                config: config(&s.config),
            }
        })
        .collect();
    let plan = shape::Plan {
        version: 1,
        path: report.path,
        target: b.target,
        global_args: b
            .global_args
            .iter()
            .map(|a| shape::Arg {
                name: &a.name,
                value: a.value.as_ref().map(text),
            })
            .collect(),
        stages,
        edges: b
            .edges
            .iter()
            .map(|e| shape::Edge {
                stage: e.stage,
                target: match &e.target {
                    EdgeTarget::Stage(t) => shape::EdgeTarget::Stage { stage: *t },
                    EdgeTarget::Image(i) => shape::EdgeTarget::Image { image: i },
                },
                kind: e.kind.as_str(),
                line: index.position(e.range.start as usize).line,
            })
            .collect(),
        final_config: b.target_stage().map(|s| config(&s.config)),
        problems: b
            .problems
            .iter()
            .map(|p| shape::Problem {
                kind: p.kind.as_str(),
                message: &p.message,
                range: range(&index, p.range),
            })
            .collect(),
    };
    let result = if pretty {
        serde_json::to_string_pretty(&plan)
    } else {
        serde_json::to_string(&plan)
    };
    let mut out = result.expect("plain data serializes");
    out.push('\n');
    out
}

fn field_text<T>(f: &Field<T>, to: impl Fn(&T) -> String) -> String {
    match f {
        Field::Unset => "(unset)".into(),
        Field::Inherited => "(inherited from the base image)".into(),
        Field::Set(v) => to(v),
    }
}

/// The plan for people: a compact table per stage, the graph and the final config.
#[must_use]
pub fn render_plan_text(report: &PlanReport<'_>) -> String {
    let b = report.build;
    let index = LineIndex::new(report.source);
    let mut out = String::new();
    let target = b
        .target_stage()
        .map_or_else(|| "(none)".into(), Stage::label);
    let _ = writeln!(
        out,
        "{}: {} stage(s), target {target}",
        report.path,
        b.stages.len()
    );
    for arg in &b.global_args {
        let value = arg
            .value
            .as_ref()
            .map_or_else(|| "(unset)".into(), Value::display);
        let _ = writeln!(out, "  global ARG {}={value}", arg.name);
    }
    for s in &b.stages {
        let rebuild = report.rebuild.and_then(|r| r.get(s.index));
        let name = s
            .name
            .as_deref()
            .map(|n| format!(" {n}"))
            .unwrap_or_default();
        let needed = if s.needed {
            ""
        } else {
            "  (not needed by the target)"
        };
        let _ = writeln!(
            out,
            "\nstage {}{name} <- {}{needed}",
            s.index,
            base_text(b, &s.base)
        );
        if s.layers.is_empty() {
            let _ = writeln!(out, "  (no layers)");
        }
        // The command column is as wide as the longest shown command.
        let shown = |command: &str| -> String {
            let first = command.lines().next().unwrap_or("");
            if first.chars().count() > 70 {
                first.chars().take(67).collect::<String>() + "..."
            } else {
                first.to_string()
            }
        };
        let width = s
            .layers
            .iter()
            .map(|l| shown(&l.command).chars().count())
            .max()
            .unwrap_or(0);
        for (i, l) in s.layers.iter().enumerate() {
            let line = index.position(l.range.start as usize).line;
            let mark = match rebuild {
                Some(r) if r.rebuilds(i) => "  rebuild",
                Some(_) => "  cached",
                None => "",
            };
            let command = shown(&l.command);
            let row = format!(
                "  {:>2}  line {:<4} {:<8} {command:<width$}{mark}",
                i + 1,
                line,
                keyword(l.kind)
            );
            let _ = writeln!(out, "{}", row.trim_end());
        }
        if let Some(cause) = rebuild.and_then(|r| r.cause.as_ref()) {
            let _ = writeln!(out, "  rebuilds because: {}", cause_text(b, cause));
        }
    }
    if !b.edges.is_empty() {
        let _ = writeln!(out, "\ngraph:");
        for e in &b.edges {
            let from = b
                .stages
                .get(e.stage)
                .map_or(e.stage.to_string(), Stage::label);
            let to = match &e.target {
                EdgeTarget::Stage(t) => format!(
                    "stage {}",
                    b.stages.get(*t).map_or(t.to_string(), Stage::label)
                ),
                EdgeTarget::Image(i) => format!("image {i}"),
            };
            let _ = writeln!(out, "  {from} <-{}- {to}", e.kind.as_str());
        }
    }
    if let Some(s) = b.target_stage() {
        let c = &s.config;
        let list = |v: &Vec<String>| format!("{v:?}");
        let pairs = |l: &[(String, Value)]| {
            l.iter()
                .map(|(k, v)| format!("{k}={}", v.display()))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let _ = writeln!(out, "\nfinal config (stage {}):", s.label());
        let _ = writeln!(
            out,
            "  User:        {}",
            field_text(&c.user, Value::display)
        );
        let _ = writeln!(
            out,
            "  WorkingDir:  {}",
            field_text(&c.working_dir, Value::display)
        );
        let _ = writeln!(out, "  Entrypoint:  {}", field_text(&c.entrypoint, list));
        let _ = writeln!(out, "  Cmd:         {}", field_text(&c.cmd, list));
        let mut env = pairs(&c.env);
        if c.inherits_image {
            env = format!("{env} (+ the base image's Env)")
                .trim_start()
                .to_string();
        }
        let _ = writeln!(out, "{}", format!("  Env:         {env}").trim_end());
        let _ = writeln!(out, "  Ports:       {}", c.exposed_ports.join(" "));
        let _ = writeln!(out, "  Volumes:     {}", c.volumes.join(" "));
        let _ = writeln!(out, "  Labels:      {}", pairs(&c.labels));
        let _ = writeln!(
            out,
            "  StopSignal:  {}",
            field_text(&c.stop_signal, Value::display)
        );
        let _ = writeln!(
            out,
            "  Healthcheck: {}",
            field_text(&c.healthcheck, |h| format!("{:?}", h.test))
        );
        let _ = writeln!(out, "  Shell:       {}", field_text(&c.shell, list));
        if !c.on_build.is_empty() {
            let _ = writeln!(out, "  OnBuild:     {}", c.on_build.join(" | "));
        }
    }
    if !b.problems.is_empty() {
        let _ = writeln!(out, "\nproblems:");
        for p in &b.problems {
            let pos = index.position(p.range.start as usize);
            let _ = writeln!(
                out,
                "  {}:{}:{}: {} [{}]",
                report.path,
                pos.line,
                pos.column,
                p.message,
                p.kind.as_str()
            );
        }
    }
    out
}

fn node_label(s: &Stage) -> String {
    match &s.name {
        Some(n) => format!("{}: {n}", s.index),
        None => s.index.to_string(),
    }
}

/// Walks the edges of the stage graph in order, calling `image` the first time an external
/// image appears (with its node number) and `edge` for every edge (with the source node id).
fn walk_graph(
    b: &Build,
    mut image: impl FnMut(usize, &str),
    mut edge: impl FnMut(&str, usize, &str),
) {
    let mut images: Vec<&str> = Vec::new();
    for e in &b.edges {
        let from = match &e.target {
            EdgeTarget::Stage(t) => format!("s{t}"),
            EdgeTarget::Image(name) => {
                let n = images.iter().position(|x| x == name).unwrap_or_else(|| {
                    images.push(name);
                    image(images.len() - 1, name);
                    images.len() - 1
                });
                format!("i{n}")
            }
        };
        edge(&from, e.stage, e.kind.as_str());
    }
}

/// The stage graph in Graphviz dot: an edge points from a dependency to the stage using it.
#[must_use]
pub fn render_plan_dot(report: &PlanReport<'_>) -> String {
    let b = report.build;
    let mut out = String::from("digraph build {\n  rankdir=LR;\n");
    for s in &b.stages {
        let style = if b.target == Some(s.index) {
            ", style=bold"
        } else if s.needed {
            ""
        } else {
            ", style=dashed"
        };
        let _ = writeln!(out, "  s{} [label={:?}{style}];", s.index, node_label(s));
    }
    let out = std::cell::RefCell::new(out);
    walk_graph(
        b,
        |n, name| {
            let _ = writeln!(out.borrow_mut(), "  i{n} [label={name:?}, shape=box];");
        },
        |from, to, kind| {
            let _ = writeln!(out.borrow_mut(), "  {from} -> s{to} [label={kind:?}];");
        },
    );
    let mut out = out.into_inner();
    out.push_str("}\n");
    out
}

/// The stage graph as a Mermaid flowchart.
#[must_use]
pub fn render_plan_mermaid(report: &PlanReport<'_>) -> String {
    let b = report.build;
    let mut out = String::from("flowchart LR\n");
    for s in &b.stages {
        let _ = writeln!(
            out,
            "  s{}[\"{}\"]",
            s.index,
            node_label(s).replace('"', "'")
        );
    }
    let out = std::cell::RefCell::new(out);
    walk_graph(
        b,
        |n, name| {
            let _ = writeln!(out.borrow_mut(), "  i{n}[(\"{}\")]", name.replace('"', "'"));
        },
        |from, to, kind| {
            let _ = writeln!(out.borrow_mut(), "  {from} -->|{kind}| s{to}");
        },
    );
    out.into_inner()
}

//! `dflint plan` output: the stages, the stage graph, each stage's layers (and which
//! rebuild after a change) and the final config, as text, JSON, Graphviz dot or Mermaid.

use std::fmt::Write as _;

use serde_json::{Value as Json, json};

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

fn base_json(build: &Build, base: &Base) -> Json {
    match base {
        Base::Scratch => json!({"kind": "scratch"}),
        Base::Stage(s) => {
            json!({"kind": "stage", "stage": s, "name": build.stages.get(*s).and_then(|st| st.name.clone())})
        }
        Base::Image(image) => {
            json!({"kind": "image", "reference": image.normalized(), "familiar": image.familiar()})
        }
        Base::Symbolic(text) => json!({"kind": "symbolic", "text": text}),
        Base::Invalid { text, error } => json!({"kind": "invalid", "text": text, "error": error}),
    }
}

fn value_json(v: &Value) -> Json {
    match v.known() {
        Some(text) => Json::String(text),
        None => json!({"symbolic": v.display()}),
    }
}

fn field_json<T>(f: &Field<T>, to: impl Fn(&T) -> Json) -> Json {
    match f {
        Field::Unset => Json::Null,
        Field::Inherited => json!({"inherited": true}),
        Field::Set(v) => to(v),
    }
}

fn pairs_json(list: &[(String, Value)]) -> Json {
    Json::Array(
        list.iter()
            .map(|(k, v)| json!({"name": k, "value": value_json(v)}))
            .collect(),
    )
}

fn config_json(c: &ImageConfig) -> Json {
    json!({
        "inheritsBaseImage": c.inherits_image,
        "User": field_json(&c.user, value_json),
        "Env": pairs_json(&c.env),
        "WorkingDir": field_json(&c.working_dir, value_json),
        "Entrypoint": field_json(&c.entrypoint, |v| json!(v)),
        "Cmd": field_json(&c.cmd, |v| json!(v)),
        "ExposedPorts": c.exposed_ports,
        "Volumes": c.volumes,
        "Labels": pairs_json(&c.labels),
        "StopSignal": field_json(&c.stop_signal, value_json),
        "Healthcheck": field_json(&c.healthcheck, |h| json!({
            "Test": h.test, "Interval": h.interval, "Timeout": h.timeout,
            "StartPeriod": h.start_period, "StartInterval": h.start_interval, "Retries": h.retries,
        })),
        "Shell": field_json(&c.shell, |v| json!(v)),
        "OnBuild": c.on_build,
    })
}

fn source_json(build: &Build, s: &Source) -> Json {
    match s {
        Source::Context {
            pattern,
            files,
            excluded,
        } => {
            json!({"kind": "context", "pattern": pattern, "files": files, "excluded": excluded})
        }
        Source::Stage { stage, path } => {
            json!({"kind": "stage", "stage": stage, "name": build.stages.get(*stage).and_then(|s| s.name.clone()), "path": path})
        }
        Source::Image { image, path } => json!({"kind": "image", "image": image, "path": path}),
        Source::Remote(url) => json!({"kind": "remote", "url": url}),
        Source::Heredoc(name) => json!({"kind": "heredoc", "name": name}),
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

fn range_json(index: &LineIndex<'_>, r: TextRange) -> Json {
    json!({"start": index.position(r.start as usize), "end": index.position(r.end as usize)})
}

/// The plan as one JSON document (version 1).
#[must_use]
pub fn render_plan_json(report: &PlanReport<'_>) -> String {
    let b = report.build;
    let index = LineIndex::new(report.source);
    let stages: Vec<Json> = b
        .stages
        .iter()
        .map(|s| {
            let rebuild = report.rebuild.and_then(|r| r.get(s.index));
            let layers: Vec<Json> = s
                .layers
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    json!({
                        "index": i,
                        "instruction": keyword(l.kind),
                        "range": range_json(&index, l.range),
                        "command": l.command,
                        "flags": l.flags,
                        "env": pairs_json(&l.env),
                        "sources": l.sources.iter().map(|x| source_json(b, x)).collect::<Vec<_>>(),
                        "destination": l.destination.as_ref().map(value_json),
                        "rebuilds": rebuild.map(|r| r.rebuilds(i)),
                    })
                })
                .collect();
            json!({
                "index": s.index,
                "name": s.name,
                "base": base_json(b, &s.base),
                "platform": s.platform.as_ref().map(value_json),
                "needed": s.needed,
                "range": range_json(&index, s.range),
                "steps": s.steps.iter().map(|st| json!({"instruction": keyword(st.kind), "line": index.position(st.range.start as usize).line, "layer": st.layer})).collect::<Vec<_>>(),
                "layers": layers,
                "rebuild": rebuild.map(|r| json!({"firstLayer": r.first_layer, "cause": r.cause.as_ref().map(|c| cause_text(b, c))})),
                "config": config_json(&s.config),
            })
        })
        .collect();
    let edges: Vec<Json> = b
        .edges
        .iter()
        .map(|e| {
            let target = match &e.target {
                EdgeTarget::Stage(t) => json!({"stage": t}),
                EdgeTarget::Image(i) => json!({"image": i}),
            };
            json!({"stage": e.stage, "target": target, "kind": e.kind.as_str(), "line": index.position(e.range.start as usize).line})
        })
        .collect();
    let doc = json!({
        "version": 1,
        "path": report.path,
        "target": b.target,
        "globalArgs": b.global_args.iter().map(|a| json!({"name": a.name, "value": a.value.as_ref().map(value_json)})).collect::<Vec<_>>(),
        "stages": stages,
        "edges": edges,
        "finalConfig": b.target_stage().map(|s| config_json(&s.config)),
        "problems": b.problems.iter().map(|p| json!({"kind": p.kind.as_str(), "message": p.message, "range": range_json(&index, p.range)})).collect::<Vec<_>>(),
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("plain data serializes");
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
        for (i, l) in s.layers.iter().enumerate() {
            let line = index.position(l.range.start as usize).line;
            let mark = match rebuild {
                Some(r) if r.rebuilds(i) => "rebuild",
                Some(_) => "cached",
                None => "",
            };
            let mut command: String = l.command.lines().next().unwrap_or("").to_string();
            if command.chars().count() > 70 {
                command = command.chars().take(67).collect::<String>() + "...";
            }
            let _ = writeln!(
                out,
                "  {:>2}  line {:<4} {:<8} {command:<70} {mark}",
                i + 1,
                line,
                keyword(l.kind)
            );
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
        let _ = writeln!(
            out,
            "  Env:         {}{}",
            pairs(&c.env),
            if c.inherits_image {
                " (+ base image Env)"
            } else {
                ""
            }
        );
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
    let mut images: Vec<&str> = Vec::new();
    for e in &b.edges {
        let from = match &e.target {
            EdgeTarget::Stage(t) => format!("s{t}"),
            EdgeTarget::Image(i) => {
                if !images.contains(&i.as_str()) {
                    images.push(i);
                    let _ = writeln!(out, "  i{} [label={:?}, shape=box];", images.len() - 1, i);
                }
                format!("i{}", images.iter().position(|x| *x == i).unwrap_or(0))
            }
        };
        let _ = writeln!(
            out,
            "  {from} -> s{} [label={:?}];",
            e.stage,
            e.kind.as_str()
        );
    }
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
    let mut images: Vec<&str> = Vec::new();
    for e in &b.edges {
        let from = match &e.target {
            EdgeTarget::Stage(t) => format!("s{t}"),
            EdgeTarget::Image(i) => {
                if !images.contains(&i.as_str()) {
                    images.push(i);
                    let _ = writeln!(
                        out,
                        "  i{}[(\"{}\")]",
                        images.len() - 1,
                        i.replace('"', "'")
                    );
                }
                format!("i{}", images.iter().position(|x| *x == i).unwrap_or(0))
            }
        };
        let _ = writeln!(out, "  {from} -->|{}| s{}", e.kind.as_str(), e.stage);
    }
    out
}

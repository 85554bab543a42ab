//! Cache simulation: which layers rebuild when some build-context files change.
//!
//! A COPY/ADD (or a RUN with a bind mount of the context) whose sources cover a changed
//! file is the first layer of its stage to rebuild; every later layer of the stage rebuilds
//! with it, and so do the stages that depend on a rebuilt stage: from their first layer
//! when they are built `FROM` it, from the layer that reads it otherwise.

use crate::semantic::context::glob_match;
use crate::semantic::model::{Base, Build, Layer, Source};
use crate::syntax::SyntaxKind;

/// Why the first rebuilt layer of a stage rebuilds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    /// The layer reads changed context files (the first few listed).
    Files(Vec<String>),
    /// The stage is built on a stage that rebuilds.
    BaseStage(usize),
    /// The layer reads from a stage that rebuilds.
    FromStage(usize),
}

/// The outcome for one stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageRebuild {
    /// The index of the stage in [`Build::stages`].
    pub stage: usize,
    /// The first layer that rebuilds (every later layer rebuilds too); `None` when the
    /// stage is fully cached. `Some(0)` for a stage without layers means it rebuilds as a
    /// whole because its base does.
    pub first_layer: Option<usize>,
    /// Why the first rebuilt layer rebuilds; `None` when the stage is fully cached.
    pub cause: Option<Cause>,
}

impl StageRebuild {
    /// Whether the layer with this index rebuilds.
    #[must_use]
    pub fn rebuilds(&self, layer: usize) -> bool {
        self.first_layer.is_some_and(|f| layer >= f)
    }
}

/// Cleans a context path or pattern: no leading `/` or `./`, no empty or `.` segments.
fn clean(path: &str) -> String {
    path.split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether a COPY/ADD source pattern reads the context file `path`.
#[must_use]
pub fn source_covers(pattern: &str, path: &str) -> bool {
    let pattern = clean(pattern);
    let path = clean(path);
    if pattern.is_empty() {
        return true;
    }
    if pattern.contains(['*', '?', '[', '\\']) {
        let depth = pattern.split('/').count();
        let segments: Vec<&str> = path.split('/').collect();
        if segments.len() < depth {
            return false;
        }
        return glob_match(&pattern, &segments[..depth].join("/")).unwrap_or(false);
    }
    path == pattern || path.starts_with(&format!("{pattern}/"))
}

/// The context patterns a layer reads: COPY/ADD context sources, and RUN bind mounts of
/// the context.
#[must_use]
pub fn context_patterns(layer: &Layer) -> Vec<String> {
    let mut patterns: Vec<String> = layer
        .sources
        .iter()
        .filter_map(|s| match s {
            Source::Context { pattern, .. } => Some(pattern.clone()),
            _ => None,
        })
        .collect();
    if layer.kind == SyntaxKind::RUN_INSTR {
        for flag in &layer.flags {
            let Some(options) = flag.strip_prefix("--mount=") else {
                continue;
            };
            let fields: Vec<(&str, Option<&str>)> = options
                .split(',')
                .map(|f| f.split_once('=').map_or((f, None), |(k, v)| (k, Some(v))))
                .collect();
            let get = |key: &[&str]| {
                fields
                    .iter()
                    .find(|(k, _)| key.contains(k))
                    .and_then(|(_, v)| *v)
            };
            let is_bind = get(&["type"]).is_none_or(|t| t == "bind");
            if is_bind && get(&["from"]).is_none() {
                patterns.push(get(&["source", "src"]).unwrap_or(".").to_string());
            }
        }
    }
    patterns
}

/// Stages a layer reads from (COPY --from, RUN --mount=from).
fn stage_inputs(build: &Build, stage: usize, layer_index: usize) -> Vec<usize> {
    let layer = &build.stages[stage].layers[layer_index];
    let mut out: Vec<usize> = layer
        .sources
        .iter()
        .filter_map(|s| match s {
            Source::Stage { stage, .. } => Some(*stage),
            _ => None,
        })
        .collect();
    for edge in build
        .edges
        .iter()
        .filter(|e| e.stage == stage && e.range == layer.range)
    {
        if let crate::semantic::model::EdgeTarget::Stage(t) = edge.target {
            out.push(t);
        }
    }
    out
}

/// Simulates a rebuild after `changed` context files (context-relative paths) change.
/// `is_excluded` tells which paths `.dockerignore` keeps out of the context.
#[must_use]
pub fn simulate(
    build: &Build,
    changed: &[String],
    is_excluded: &dyn Fn(&str) -> bool,
) -> Vec<StageRebuild> {
    let changed: Vec<&String> = changed.iter().filter(|p| !is_excluded(&clean(p))).collect();
    let mut result: Vec<StageRebuild> = build
        .stages
        .iter()
        .map(|s| StageRebuild {
            stage: s.index,
            first_layer: None,
            cause: None,
        })
        .collect();
    // Stages may depend on later stages through FROM, so iterate until nothing changes.
    for _ in 0..=build.stages.len() {
        let mut changed_any = false;
        for stage in &build.stages {
            let mut first: Option<(usize, Cause)> = None;
            if let Base::Stage(b) = stage.base
                && b != stage.index
                && result[b].first_layer.is_some()
            {
                first = Some((0, Cause::BaseStage(b)));
            }
            if first.is_none() {
                for (i, layer) in stage.layers.iter().enumerate() {
                    let files: Vec<String> = changed
                        .iter()
                        .filter(|p| {
                            context_patterns(layer)
                                .iter()
                                .any(|pat| source_covers(pat, p))
                        })
                        .take(3)
                        .map(|p| clean(p))
                        .collect();
                    if !files.is_empty() {
                        first = Some((i, Cause::Files(files)));
                        break;
                    }
                    if let Some(t) = stage_inputs(build, stage.index, i)
                        .into_iter()
                        .find(|&t| t != stage.index && result[t].first_layer.is_some())
                    {
                        first = Some((i, Cause::FromStage(t)));
                        break;
                    }
                }
            }
            let entry = &mut result[stage.index];
            if let Some((layer, cause)) = first
                && entry.first_layer.is_none_or(|f| layer < f)
            {
                entry.first_layer = Some(layer);
                entry.cause = Some(cause);
                changed_any = true;
            }
        }
        if !changed_any {
            break;
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::source_covers;

    #[test]
    fn coverage_of_sources() {
        assert!(source_covers(".", "src/app.py"));
        assert!(source_covers("./", "src/app.py"));
        assert!(source_covers("src", "src/app.py"));
        assert!(source_covers("/src/", "src/app.py"));
        assert!(!source_covers("src", "srcx/app.py"));
        assert!(source_covers("requirements.txt", "requirements.txt"));
        assert!(!source_covers("requirements.txt", "src/app.py"));
        assert!(source_covers("*.txt", "requirements.txt"));
        assert!(source_covers("src/*.py", "src/app.py"));
        assert!(!source_covers("src/*.py", "lib/app.py"));
        assert!(source_covers("sr?", "src/deep/app.py"));
    }
}

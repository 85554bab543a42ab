//! Inlay hints (the value of a variable used in FROM, COPY, ADD and WORKDIR, and the layer
//! number of each instruction that changes the filesystem) and code lenses saying which
//! build-context changes rebuild each layer, from the engine's layers and cache simulation.

use crate::ast::VarRef;
use crate::ide::scope::scope_at;
use crate::ide::{Analysis, descendants, to_u32};
use crate::semantic::cache::{context_patterns, simulate};
use crate::semantic::expand::expand_text;
use crate::semantic::{Base, Build, EdgeTarget, Source};
use crate::syntax::{SyntaxKind, TextRange};

/// What an inlay hint shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InlayKind {
    /// The value a variable reference expands to.
    Value,
    /// The layer an instruction creates.
    Layer,
}

/// A label shown inside the text at an offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the label goes (it is shown before the character at this offset).
    pub offset: u32,
    pub label: String,
    pub kind: InlayKind,
    pub tooltip: Option<String>,
}

/// The inlay hints of the whole file, sorted by offset.
#[must_use]
pub fn inlay_hints(source: &str) -> Vec<InlayHint> {
    let analysis = Analysis::new(source);
    let mut out = Vec::new();
    if let Some(file) = analysis.file() {
        for instruction in file.instructions().filter(|i| {
            matches!(
                i.kind(),
                SyntaxKind::FROM_INSTR
                    | SyntaxKind::COPY_INSTR
                    | SyntaxKind::ADD_INSTR
                    | SyntaxKind::WORKDIR_INSTR
            )
        }) {
            for var in descendants(instruction.syntax(), SyntaxKind::VAR) {
                // Only outermost references: `${A:-$B}` shows one value.
                if var.parent().is_some_and(|p| {
                    std::iter::successors(Some(p), |n| n.parent())
                        .any(|n| n.kind() == SyntaxKind::VAR)
                }) {
                    continue;
                }
                let Some(reference) = VarRef::cast(var) else {
                    continue;
                };
                let scope = scope_at(&analysis, instruction.range(), var.range().start);
                let text = var.logical_text();
                let Ok(expansion) = expand_text(&text, analysis.parse.escape(), &scope.env())
                else {
                    continue;
                };
                let value = expansion.value;
                if !value.is_known() && value.display() == text {
                    continue;
                }
                out.push(InlayHint {
                    offset: var.range().end,
                    label: format!("= {}", value.display()),
                    kind: InlayKind::Value,
                    tooltip: reference.name().map(|name| {
                        format!("the value of `{name}` here, as the builder expands it")
                    }),
                });
            }
        }
    }
    for stage in &analysis.build.stages {
        for step in &stage.steps {
            let Some(layer) = step.layer else { continue };
            // ONBUILD triggers of a base stage run here but are written elsewhere.
            if !(stage.range.start <= step.range.start && step.range.end <= stage.range.end) {
                continue;
            }
            out.push(InlayHint {
                offset: first_line_end(source, step.range),
                label: format!("layer {}", layer + 1),
                kind: InlayKind::Layer,
                tooltip: Some(format!("layer {} of stage {}", layer + 1, stage.label())),
            });
        }
    }
    out.sort_by_key(|h| h.offset);
    out
}

/// The end of the first line of a range, blanks excluded.
fn first_line_end(source: &str, range: TextRange) -> u32 {
    let text = &source[range.as_usize()];
    let line = text.split('\n').next().unwrap_or("");
    range.start + to_u32(line.trim_end().len())
}

/// A label above a layer's instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeLens {
    /// The instruction's range.
    pub range: TextRange,
    pub title: String,
}

/// The context patterns a stage reads up to (and including) layer `upto`, with those of the
/// stages it is built on or reads from.
fn patterns_of(
    build: &Build,
    stage: usize,
    upto: Option<usize>,
    seen: &mut Vec<usize>,
    out: &mut Vec<String>,
) {
    let Some(s) = build.stages.get(stage) else {
        return;
    };
    if upto.is_none() {
        if seen.contains(&stage) {
            return;
        }
        seen.push(stage);
    }
    if let Base::Stage(b) = s.base {
        patterns_of(build, b, None, seen, out);
    }
    let last = upto.unwrap_or(usize::MAX);
    for layer in s.layers.iter().take(last.saturating_add(1)) {
        for pattern in context_patterns(layer) {
            if !out.contains(&pattern) {
                out.push(pattern);
            }
        }
        for source in &layer.sources {
            if let Source::Stage { stage: other, .. } = source {
                patterns_of(build, *other, None, seen, out);
            }
        }
        for edge in build
            .edges
            .iter()
            .filter(|e| e.stage == stage && e.range == layer.range)
        {
            if let EdgeTarget::Stage(other) = edge.target {
                patterns_of(build, other, None, seen, out);
            }
        }
    }
}

/// A list of names, shortened after a few.
fn list(names: &[String]) -> String {
    const SHOWN: usize = 4;
    let mut text = names
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}

/// One code lens per layer saying which build-context changes rebuild it. With the context's
/// files, it names the files (from the engine's cache simulation); without, the patterns
/// the layer and the layers before it read.
#[must_use]
pub fn code_lenses(source: &str, context_files: Option<&[String]>) -> Vec<CodeLens> {
    let analysis = Analysis::new(source);
    let build = &analysis.build;
    // For each context file, the first layer it rebuilds in each stage.
    let rebuilds: Option<Vec<(String, Vec<Option<usize>>)>> = context_files.map(|files| {
        files
            .iter()
            .map(|f| {
                let result = simulate(build, std::slice::from_ref(f), &|_| false);
                (f.clone(), result.iter().map(|r| r.first_layer).collect())
            })
            .collect()
    });
    let mut out = Vec::new();
    for stage in &build.stages {
        for (i, layer) in stage.layers.iter().enumerate() {
            if !(stage.range.start <= layer.range.start && layer.range.end <= stage.range.end) {
                continue;
            }
            let title = match &rebuilds {
                Some(rebuilds) => {
                    let files: Vec<String> = rebuilds
                        .iter()
                        .filter(|(_, first)| {
                            first
                                .get(stage.index)
                                .copied()
                                .flatten()
                                .is_some_and(|f| i >= f)
                        })
                        .map(|(f, _)| f.clone())
                        .collect();
                    match files.len() {
                        0 => "No build-context file rebuilds this layer".to_string(),
                        1 => format!("Rebuilt when {} changes", files[0]),
                        n => format!(
                            "Rebuilt when any of {n} context files changes: {}",
                            list(&files)
                        ),
                    }
                }
                None => {
                    let mut patterns = Vec::new();
                    patterns_of(build, stage.index, Some(i), &mut Vec::new(), &mut patterns);
                    let whole = patterns
                        .iter()
                        .any(|p| matches!(p.trim_start_matches("./").trim_matches('/'), "" | "."));
                    if whole {
                        "Rebuilt when any file of the build context changes".to_string()
                    } else if patterns.is_empty() {
                        "No build-context file rebuilds this layer".to_string()
                    } else {
                        format!("Rebuilt when {} changes", list(&patterns))
                    }
                }
            };
            out.push(CodeLens {
                range: layer.range,
                title,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "ARG TAG=3.19\nFROM alpine:${TAG} AS deps\nWORKDIR /app\n\
COPY package.json ./\nRUN npm ci\nFROM deps AS build\nARG OUT=dist\nCOPY src/ ./src/\n\
RUN npm run build\nFROM nginx\nCOPY --from=build /app/${OUT:-x} /usr/share/nginx/html\n";

    #[test]
    fn values_and_layer_numbers() {
        let hints = inlay_hints(SOURCE);
        let values: Vec<(&str, &str)> = hints
            .iter()
            .filter(|h| h.kind == InlayKind::Value)
            .map(|h| {
                let before = &SOURCE[..h.offset as usize];
                (&before[before.rfind('$').unwrap()..], h.label.as_str())
            })
            .collect();
        // `OUT` is an ARG of the stage `build`, not of the last stage: the default applies.
        assert_eq!(values, [("${TAG}", "= 3.19"), ("${OUT:-x}", "= x")]);
        let layers: Vec<String> = hints
            .iter()
            .filter(|h| h.kind == InlayKind::Layer)
            .map(|h| {
                let line_start = SOURCE[..h.offset as usize].rfind('\n').map_or(0, |i| i + 1);
                format!("{} | {}", &SOURCE[line_start..h.offset as usize], h.label)
            })
            .collect();
        assert_eq!(
            layers,
            [
                "WORKDIR /app | layer 1",
                "COPY package.json ./ | layer 2",
                "RUN npm ci | layer 3",
                "COPY src/ ./src/ | layer 1",
                "RUN npm run build | layer 2",
                "COPY --from=build /app/${OUT:-x} /usr/share/nginx/html | layer 1",
            ]
        );
    }

    #[test]
    fn lenses_name_the_context_inputs() {
        let titles: Vec<String> = code_lenses(SOURCE, None)
            .into_iter()
            .map(|l| l.title)
            .collect();
        assert_eq!(
            titles,
            [
                "No build-context file rebuilds this layer",
                "Rebuilt when package.json changes",
                "Rebuilt when package.json changes",
                "Rebuilt when package.json, src/ changes",
                "Rebuilt when package.json, src/ changes",
                "Rebuilt when package.json, src/ changes",
            ]
        );
        let files: Vec<String> = ["package.json", "src/main.js", "README.md"]
            .map(String::from)
            .to_vec();
        let titles: Vec<String> = code_lenses(SOURCE, Some(&files))
            .into_iter()
            .map(|l| l.title)
            .collect();
        assert_eq!(titles[0], "No build-context file rebuilds this layer");
        assert_eq!(titles[1], "Rebuilt when package.json changes");
        assert_eq!(
            titles[3],
            "Rebuilt when any of 2 context files changes: package.json, src/main.js"
        );
        assert_eq!(titles[5], titles[3]);
    }
}

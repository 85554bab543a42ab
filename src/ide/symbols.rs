//! Document symbols (stages holding their instructions, ARG/ENV variables under their
//! instruction) and folding ranges (stages, continued instructions, heredocs, comment blocks).

use crate::ast::{Dockerfile, Instruction};
use crate::ide::is_multiline;
use crate::syntax::{SyntaxKind, TextRange, parse};

/// What a symbol stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// A parser directive.
    Directive,
    /// A build stage: a FROM and the instructions up to the next FROM.
    Stage,
    /// An instruction.
    Instruction,
    /// A variable an ARG or ENV declares, or a label LABEL sets.
    Variable,
}

/// One entry of the outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    /// A short text shown next to the name.
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole extent of the symbol.
    pub range: TextRange,
    /// The part to select when the symbol is picked (a name, a keyword).
    pub selection_range: TextRange,
    /// An instruction Docker deprecates (MAINTAINER).
    pub deprecated: bool,
    pub children: Vec<Symbol>,
}

/// The outline of a Dockerfile: directives, global ARGs, then one symbol per stage with its
/// instructions as children.
#[must_use]
pub fn document_symbols(source: &str) -> Vec<Symbol> {
    let parsed = parse(source);
    let Some(file) = Dockerfile::cast(parsed.tree().root()) else {
        return Vec::new();
    };
    let mut out: Vec<Symbol> = file
        .directives()
        .map(|d| Symbol {
            name: d.key().unwrap_or("#").to_ascii_lowercase(),
            detail: d.value().map(str::to_string),
            kind: SymbolKind::Directive,
            range: d.range(),
            selection_range: d.range(),
            deprecated: false,
            children: Vec::new(),
        })
        .collect();
    let mut stage: Option<Symbol> = None;
    let mut index = 0;
    for instruction in file.instructions() {
        if instruction.kind() == SyntaxKind::FROM_INSTR {
            out.extend(stage.take());
            stage = Some(stage_symbol(instruction, index));
            index += 1;
            continue;
        }
        let symbol = instruction_symbol(instruction);
        match &mut stage {
            Some(s) => {
                s.range = s.range.cover(symbol.range);
                s.children.push(symbol);
            }
            None => out.push(symbol),
        }
    }
    out.extend(stage);
    out
}

fn stage_symbol(from: Instruction<'_>, index: usize) -> Symbol {
    let image = from.from_image().map(|w| w.text());
    let name = from.from_stage_name();
    let selection_range = name
        .map(|w| w.range())
        .or_else(|| from.from_image().map(|w| w.range()))
        .or_else(|| from.keyword_range())
        .unwrap_or(from.range());
    Symbol {
        name: name.map_or_else(
            || image.clone().unwrap_or_else(|| format!("stage {index}")),
            |w| w.text(),
        ),
        detail: Some(match &image {
            Some(image) => format!("stage {index} FROM {image}"),
            None => format!("stage {index}"),
        }),
        kind: SymbolKind::Stage,
        range: from.range(),
        selection_range,
        deprecated: false,
        children: Vec::new(),
    }
}

/// The instruction's arguments on one line, shortened.
fn summary(instruction: Instruction<'_>) -> Option<String> {
    let keyword_end = instruction.keyword_range()?.end;
    let mut text = String::new();
    for t in instruction.syntax().logical_tokens() {
        if t.range().start >= keyword_end {
            if matches!(t.kind(), SyntaxKind::HEREDOC_BODY | SyntaxKind::HEREDOC_END) {
                break;
            }
            text.push_str(t.text());
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return None;
    }
    const MAX: usize = 60;
    if text.chars().count() > MAX {
        let short: String = text.chars().take(MAX).collect();
        return Some(format!("{short}…"));
    }
    Some(text)
}

fn instruction_symbol(instruction: Instruction<'_>) -> Symbol {
    let children = match instruction.kind() {
        SyntaxKind::ARG_INSTR | SyntaxKind::ENV_INSTR | SyntaxKind::LABEL_INSTR => instruction
            .key_values()
            .filter_map(|pair| {
                let key = pair.key()?;
                Some(Symbol {
                    name: key.text(),
                    detail: pair.value().map(|v| v.text()),
                    kind: SymbolKind::Variable,
                    range: pair.range(),
                    selection_range: key.range(),
                    deprecated: false,
                    children: Vec::new(),
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    Symbol {
        name: instruction.keyword().to_ascii_uppercase(),
        detail: summary(instruction),
        kind: SymbolKind::Instruction,
        range: instruction.range(),
        selection_range: instruction.keyword_range().unwrap_or(instruction.range()),
        deprecated: instruction.kind() == SyntaxKind::MAINTAINER_INSTR,
        children,
    }
}

/// What a folding range folds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoldKind {
    /// A stage, a continued instruction or a heredoc.
    Region,
    /// A block of comment lines.
    Comment,
}

/// A range the editor can fold; it always spans several lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fold {
    pub range: TextRange,
    pub kind: FoldKind,
}

/// Folding ranges: stages, instructions continued over several lines, heredocs (from the
/// marker to the terminator) and blocks of two or more comment lines. Sorted by start.
#[must_use]
pub fn folding_ranges(source: &str) -> Vec<Fold> {
    let parsed = parse(source);
    let root = parsed.tree().root();
    let Some(file) = Dockerfile::cast(root) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut region = |range: TextRange, kind: FoldKind| {
        if is_multiline(source, range) {
            out.push(Fold { range, kind });
        }
    };
    for symbol in document_symbols(source) {
        if symbol.kind == SymbolKind::Stage {
            region(symbol.range, FoldKind::Region);
        }
    }
    for instruction in file.instructions() {
        let body_start = instruction
            .heredocs()
            .next()
            .map_or(instruction.range().end, |h| h.range().start);
        let line = TextRange::new(instruction.range().start, body_start);
        region(line, FoldKind::Region);
        let markers: Vec<_> = instruction.heredoc_markers().collect();
        for (i, heredoc) in instruction.heredocs().enumerate() {
            let start = markers
                .get(i)
                .map_or(heredoc.range().start, |m| m.range().start);
            region(TextRange::new(start, heredoc.range().end), FoldKind::Region);
        }
    }
    // Comment lines at the top level, grouped while only a line break separates them.
    let mut block: Option<(TextRange, u32)> = None;
    let mut newlines = 0;
    for element in root.children_with_tokens() {
        match element.kind() {
            SyntaxKind::COMMENT => {
                let range = element.range();
                block = match block {
                    Some((b, n)) if newlines <= 1 => Some((b.cover(range), n + 1)),
                    other => {
                        if let Some((b, n)) = other
                            && n > 1
                        {
                            region(b, FoldKind::Comment);
                        }
                        Some((range, 1))
                    }
                };
                newlines = 0;
            }
            SyntaxKind::NEWLINE => newlines += 1,
            SyntaxKind::WHITESPACE => {}
            _ => {
                if let Some((b, n)) = block.take()
                    && n > 1
                {
                    region(b, FoldKind::Comment);
                }
                newlines = 0;
            }
        }
    }
    if let Some((b, n)) = block
        && n > 1
    {
        region(b, FoldKind::Comment);
    }
    out.sort_by_key(|f| (f.range.start, std::cmp::Reverse(f.range.end)));
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "# syntax=docker/dockerfile:1\nARG BASE=alpine\nFROM $BASE AS build\n\
ENV A=1 B=2\nRUN apk add \\\n    curl\nFROM scratch\nCOPY --from=build /x /x\n";

    fn text(range: TextRange) -> &'static str {
        &SOURCE[range.as_usize()]
    }

    #[test]
    fn stages_hold_their_instructions() {
        let symbols = document_symbols(SOURCE);
        let summary: Vec<(SymbolKind, &str, usize)> = symbols
            .iter()
            .map(|s| (s.kind, s.name.as_str(), s.children.len()))
            .collect();
        assert_eq!(
            summary,
            [
                (SymbolKind::Directive, "syntax", 0),
                (SymbolKind::Instruction, "ARG", 1),
                (SymbolKind::Stage, "build", 2),
                (SymbolKind::Stage, "scratch", 1),
            ]
        );
        let build = &symbols[2];
        assert_eq!(text(build.selection_range), "build");
        assert_eq!(
            text(build.range),
            "FROM $BASE AS build\nENV A=1 B=2\nRUN apk add \\\n    curl"
        );
        assert_eq!(build.detail.as_deref(), Some("stage 0 FROM $BASE"));
        let env = &build.children[0];
        let vars: Vec<&str> = env.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(vars, ["A", "B"]);
        assert_eq!(env.children[1].kind, SymbolKind::Variable);
        assert_eq!(build.children[1].detail.as_deref(), Some("apk add curl"));
        assert_eq!(text(symbols[3].children[0].selection_range), "COPY");
    }

    #[test]
    fn folds_stages_continuations_heredocs_and_comment_blocks() {
        let source = "# one\n# two\n\n# alone\nFROM a\nRUN x \\\n  y\nRUN <<EOF\nbody\nEOF\n# three\n# four\nCMD z\n";
        let folds: Vec<(&str, FoldKind)> = folding_ranges(source)
            .into_iter()
            .map(|f| (&source[f.range.as_usize()], f.kind))
            .collect();
        assert_eq!(
            folds,
            [
                ("# one\n# two", FoldKind::Comment),
                (
                    "FROM a\nRUN x \\\n  y\nRUN <<EOF\nbody\nEOF\n# three\n# four\nCMD z",
                    FoldKind::Region
                ),
                ("RUN x \\\n  y", FoldKind::Region),
                ("<<EOF\nbody\nEOF", FoldKind::Region),
                ("# three\n# four", FoldKind::Comment),
            ]
        );
    }
}

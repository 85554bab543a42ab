//! The editor features of [`crate::ide`] as protocol answers: each function calls one core
//! function on a document's snapshot and converts its byte ranges to protocol ranges in the
//! negotiated encoding. No feature logic lives here.

use std::collections::HashMap;

use tower_lsp_server::gen_lsp_types as lsp;

use super::convert;
use super::document::Snapshot;
use super::position::{Encoding, LineIndex};
use crate::Diagnostic;
use crate::ide;
use crate::syntax::TextRange;

/// Characters after which clients ask for completions again.
pub const COMPLETION_TRIGGERS: &[&str] = &["$", "{", "-", "=", "/", ",", " ", ":"];

/// Characters after which clients ask for signature help: the start of the next argument,
/// of a flag or its value, and of an exec form or its next element.
pub const SIGNATURE_TRIGGERS: &[&str] = &[" ", "-", "=", "[", ","];

/// The semantic token types, in the order of [`token_type`]'s indices.
pub const TOKEN_TYPES: &[&str] = &[
    "keyword",
    "comment",
    "macro",
    "parameter",
    "property",
    "variable",
    "string",
    "operator",
    "regexp",
    "namespace",
    "type",
    "label",
];

/// The semantic token modifiers: bit 0 marks a declaration.
pub const TOKEN_MODIFIERS: &[&str] = &["declaration"];

/// The index in [`TOKEN_TYPES`] of a token kind.
fn token_type(kind: ide::TokenKind) -> u32 {
    use ide::TokenKind as K;
    match kind {
        K::Keyword => 0,
        K::Comment => 1,
        K::Directive => 2,
        K::Flag => 3,
        K::Property => 4,
        K::Variable => 5,
        K::String => 6,
        K::Operator => 7,
        K::Escape => 8,
        K::Stage => 9,
        K::Image => 10,
        K::Heredoc => 11,
    }
}

#[must_use]
pub fn legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: TOKEN_TYPES.iter().map(ToString::to_string).collect(),
        token_modifiers: TOKEN_MODIFIERS.iter().map(ToString::to_string).collect(),
    }
}

fn markdown(value: String) -> lsp::MarkupContent {
    lsp::MarkupContent {
        kind: lsp::MarkupKind::Markdown,
        value,
    }
}

fn location(snapshot: &Snapshot, index: &LineIndex<'_>, r: TextRange) -> lsp::Location {
    lsp::Location {
        uri: snapshot.uri.clone(),
        range: convert::range(index, r, snapshot.encoding),
    }
}

// The struct has no default: its deprecated `deprecated` field must be named.
#[allow(deprecated)]
fn symbol(index: &LineIndex<'_>, s: ide::Symbol, encoding: Encoding) -> lsp::DocumentSymbol {
    let kind = match s.kind {
        ide::SymbolKind::Directive => lsp::SymbolKind::Key,
        ide::SymbolKind::Stage => lsp::SymbolKind::Module,
        ide::SymbolKind::Instruction => lsp::SymbolKind::Function,
        ide::SymbolKind::Variable => lsp::SymbolKind::Variable,
    };
    let children: Vec<lsp::DocumentSymbol> = s
        .children
        .into_iter()
        .map(|c| symbol(index, c, encoding))
        .collect();
    lsp::DocumentSymbol {
        name: s.name,
        detail: s.detail,
        kind,
        tags: s.deprecated.then(|| vec![lsp::SymbolTag::Deprecated]),
        deprecated: None,
        range: convert::range(index, s.range, encoding),
        selection_range: convert::range(index, s.selection_range, encoding),
        children: (!children.is_empty()).then_some(children),
    }
}

#[must_use]
pub fn document_symbols(snapshot: &Snapshot) -> Vec<lsp::DocumentSymbol> {
    let index = snapshot.index();
    ide::document_symbols(&snapshot.text)
        .into_iter()
        .map(|s| symbol(&index, s, snapshot.encoding))
        .collect()
}

/// Folding ranges by lines, at most `limit` of them (the client's `rangeLimit`), the first
/// in the text kept. A range ending at the start of a line (after its line break) ends on
/// the line before.
#[must_use]
pub fn folding_ranges(snapshot: &Snapshot, limit: usize) -> Vec<lsp::FoldingRange> {
    let index = snapshot.index();
    ide::folding_ranges(&snapshot.text)
        .into_iter()
        .filter_map(|f| {
            let range = convert::range(&index, f.range, snapshot.encoding);
            let end_line = if range.end.character == 0 && range.end.line > range.start.line {
                range.end.line - 1
            } else {
                range.end.line
            };
            (end_line > range.start.line).then_some(lsp::FoldingRange {
                start_line: range.start.line,
                start_character: None,
                end_line,
                end_character: None,
                kind: match f.kind {
                    ide::FoldKind::Comment => Some(lsp::FoldingRangeKind::Comment),
                    ide::FoldKind::Region => None,
                },
                collapsed_text: None,
            })
        })
        .take(limit)
        .collect()
}

/// The hover at a position: the documentation of the rules whose diagnostics (among
/// `diagnostics`) cover it, then what [`ide::hover`] says of the text there.
#[must_use]
pub fn hover(
    snapshot: &Snapshot,
    position: lsp::Position,
    diagnostics: &[Diagnostic],
) -> Option<lsp::Hover> {
    let offset = snapshot.offset(position);
    let mut sections: Vec<String> = Vec::new();
    let mut range: Option<TextRange> = None;
    for d in diagnostics
        .iter()
        .filter(|d| d.range.start <= offset && offset <= d.range.end)
    {
        let code = d.code.to_string();
        if let Some(docs) = ide::rule_hover(&code)
            && !sections.contains(&docs)
        {
            sections.push(docs);
            range.get_or_insert(d.range);
        }
    }
    if let Some(h) = ide::hover(&snapshot.text, offset) {
        sections.push(h.markdown);
        range = Some(h.range);
    }
    if sections.is_empty() {
        return None;
    }
    Some(lsp::Hover {
        contents: lsp::Contents::MarkupContent(markdown(sections.join("\n\n---\n\n"))),
        range: range.map(|r| snapshot.range(r)),
    })
}

#[must_use]
pub fn definition(snapshot: &Snapshot, position: lsp::Position) -> Vec<lsp::Location> {
    let index = snapshot.index();
    ide::definition(&snapshot.text, snapshot.offset(position))
        .into_iter()
        .map(|r| location(snapshot, &index, r))
        .collect()
}

#[must_use]
pub fn references(
    snapshot: &Snapshot,
    position: lsp::Position,
    include_declaration: bool,
) -> Vec<lsp::Location> {
    let index = snapshot.index();
    ide::references(
        &snapshot.text,
        snapshot.offset(position),
        include_declaration,
    )
    .into_iter()
    .map(|r| location(snapshot, &index, r))
    .collect()
}

#[must_use]
pub fn highlights(snapshot: &Snapshot, position: lsp::Position) -> Vec<lsp::DocumentHighlight> {
    let index = snapshot.index();
    ide::highlights(&snapshot.text, snapshot.offset(position))
        .into_iter()
        .map(|h| lsp::DocumentHighlight {
            range: convert::range(&index, h.range, snapshot.encoding),
            kind: Some(match h.kind {
                ide::HighlightKind::Read => lsp::DocumentHighlightKind::Read,
                ide::HighlightKind::Write => lsp::DocumentHighlightKind::Write,
            }),
        })
        .collect()
}

#[must_use]
pub fn prepare_rename(
    snapshot: &Snapshot,
    position: lsp::Position,
) -> Option<lsp::PrepareRenameResult> {
    let (range, placeholder) = ide::prepare_rename(&snapshot.text, snapshot.offset(position))?;
    Some(lsp::PrepareRenameResult::PrepareRenamePlaceholder(
        lsp::PrepareRenamePlaceholder {
            range: snapshot.range(range),
            placeholder,
        },
    ))
}

/// The edit of a rename.
///
/// # Errors
/// The core's reason to refuse the rename.
pub fn rename(
    snapshot: &Snapshot,
    position: lsp::Position,
    new_name: &str,
) -> Result<lsp::WorkspaceEdit, ide::RenameError> {
    let edits = ide::rename(&snapshot.text, snapshot.offset(position), new_name)?;
    Ok(lsp::WorkspaceEdit {
        changes: Some(HashMap::from([(
            snapshot.uri.clone(),
            convert::text_edits(&snapshot.index(), &edits, snapshot.encoding),
        )])),
        ..lsp::WorkspaceEdit::default()
    })
}

fn completion_kind(kind: ide::CompletionKind) -> lsp::CompletionItemKind {
    use ide::CompletionKind as K;
    match kind {
        K::Keyword => lsp::CompletionItemKind::Keyword,
        K::Flag | K::MountKey => lsp::CompletionItemKind::Property,
        K::Value => lsp::CompletionItemKind::Value,
        K::Variable => lsp::CompletionItemKind::Variable,
        K::Stage => lsp::CompletionItemKind::Module,
        K::Directive => lsp::CompletionItemKind::Constant,
        K::Rule => lsp::CompletionItemKind::EnumMember,
        K::File => lsp::CompletionItemKind::File,
        K::Folder => lsp::CompletionItemKind::Folder,
    }
}

/// The completions at a position; `context_files` are the build context's files. Items carry
/// the name of their documentation in `data`, for [`resolve_completion`].
#[must_use]
pub fn completions(
    snapshot: &Snapshot,
    position: lsp::Position,
    context_files: &[String],
) -> Vec<lsp::CompletionItem> {
    let index = snapshot.index();
    ide::completions(&snapshot.text, snapshot.offset(position), context_files)
        .into_iter()
        .map(|c| lsp::CompletionItem {
            label: c.label,
            kind: Some(completion_kind(c.kind)),
            tags: c
                .deprecated
                .then(|| vec![lsp::CompletionItemTag::Deprecated]),
            detail: c.detail,
            data: c.documentation.and_then(|d| serde_json::to_value(d).ok()),
            insert_text_format: Some(if c.snippet {
                lsp::InsertTextFormat::Snippet
            } else {
                lsp::InsertTextFormat::PlainText
            }),
            text_edit: Some(lsp::CompletionItemTextEdit::TextEdit(lsp::TextEdit {
                range: convert::range(&index, c.replace, snapshot.encoding),
                new_text: c.insert_text,
            })),
            ..lsp::CompletionItem::default()
        })
        .collect()
}

/// A completion item with its documentation filled in from the name in its `data`.
#[must_use]
pub fn resolve_completion(mut item: lsp::CompletionItem) -> lsp::CompletionItem {
    if item.documentation.is_none()
        && let Some(doc) = item
            .data
            .as_ref()
            .and_then(|d| serde_json::from_value::<ide::CompletionDoc>(d.clone()).ok())
    {
        item.documentation = doc
            .text()
            .map(|text| lsp::Documentation::MarkupContent(markdown(text)));
    }
    item
}

/// The semantic tokens of the document, or of the lines of `range`, encoded relative to
/// each other as the protocol asks. Tokens are on single lines.
#[must_use]
pub fn semantic_tokens(snapshot: &Snapshot, range: Option<lsp::Range>) -> lsp::SemanticTokens {
    let index = snapshot.index();
    let mut data = Vec::new();
    let mut previous = lsp::Position::default();
    for token in ide::semantic_tokens(&snapshot.text) {
        let r = convert::range(&index, token.range, snapshot.encoding);
        if let Some(wanted) = range
            && (r.end <= wanted.start || r.start >= wanted.end)
        {
            continue;
        }
        let delta_line = r.start.line - previous.line;
        let delta_start = if delta_line == 0 {
            r.start.character - previous.character
        } else {
            r.start.character
        };
        data.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length: r.end.character.saturating_sub(r.start.character),
            token_type: token_type(token.kind),
            token_modifiers_bitset: u32::from(token.declaration),
        });
        previous = r.start;
    }
    lsp::SemanticTokens {
        result_id: None,
        data,
    }
}

/// The signature help at a position. Parameter offsets count in the negotiated encoding.
#[must_use]
pub fn signature_help(snapshot: &Snapshot, position: lsp::Position) -> Option<lsp::SignatureHelp> {
    let help = ide::signature_help(&snapshot.text, snapshot.offset(position))?;
    let label_index = LineIndex::new(&help.label);
    let unit = |offset: u32| label_index.position(offset, snapshot.encoding).character;
    let parameters = help
        .parameters
        .iter()
        .map(|&(start, end)| lsp::ParameterInformation {
            label: lsp::ParameterInformationLabel::Tuple((unit(start), unit(end))),
            documentation: None,
        })
        .collect();
    let active = help
        .active_parameter
        .and_then(|a| u32::try_from(a).ok())
        .map(lsp::ActiveParameter::Int);
    Some(lsp::SignatureHelp {
        signatures: vec![lsp::SignatureInformation {
            label: help.label,
            documentation: Some(lsp::Documentation::MarkupContent(markdown(
                help.documentation,
            ))),
            parameters: Some(parameters),
            active_parameter: active,
        }],
        active_signature: Some(0),
        active_parameter: active,
    })
}

/// The inlay hints within `range`.
#[must_use]
pub fn inlay_hints(snapshot: &Snapshot, range: lsp::Range) -> Vec<lsp::InlayHint> {
    let index = snapshot.index();
    let wanted = convert::text_range(&index, range, snapshot.encoding);
    ide::inlay_hints(&snapshot.text)
        .into_iter()
        .filter(|h| wanted.start <= h.offset && h.offset <= wanted.end)
        .map(|h| lsp::InlayHint {
            position: convert::position(index.position(h.offset, snapshot.encoding)),
            label: lsp::Label::String(h.label),
            kind: match h.kind {
                ide::InlayKind::Value => Some(lsp::InlayHintKind::Type),
                ide::InlayKind::Layer => None,
            },
            text_edits: None,
            tooltip: h.tooltip.map(lsp::Tooltip::String),
            padding_left: Some(true),
            padding_right: None,
            data: None,
        })
        .collect()
}

/// One lens per layer; `context_files` are the build context's files when known.
#[must_use]
pub fn code_lenses(snapshot: &Snapshot, context_files: Option<&[String]>) -> Vec<lsp::CodeLens> {
    let index = snapshot.index();
    ide::code_lenses(&snapshot.text, context_files)
        .into_iter()
        .map(|l| lsp::CodeLens {
            range: convert::range(&index, l.range, snapshot.encoding),
            command: Some(lsp::Command {
                title: l.title,
                tooltip: None,
                command: String::new(),
                arguments: None,
            }),
            data: None,
        })
        .collect()
}

/// Links from the image of each FROM to its page on the registry's website.
#[must_use]
pub fn document_links(snapshot: &Snapshot) -> Vec<lsp::DocumentLink> {
    let index = snapshot.index();
    ide::document_links(&snapshot.text)
        .into_iter()
        .map(|l| lsp::DocumentLink {
            range: convert::range(&index, l.range, snapshot.encoding),
            target: Some(lsp::Uri::from(l.url)),
            tooltip: None,
            data: None,
        })
        .collect()
}

#[must_use]
pub fn format(snapshot: &Snapshot) -> Vec<lsp::TextEdit> {
    convert::text_edits(
        &snapshot.index(),
        &ide::format(&snapshot.text),
        snapshot.encoding,
    )
}

#[must_use]
pub fn format_range(snapshot: &Snapshot, range: lsp::Range) -> Vec<lsp::TextEdit> {
    let index = snapshot.index();
    let wanted = convert::text_range(&index, range, snapshot.encoding);
    convert::text_edits(
        &index,
        &ide::format_range(&snapshot.text, wanted),
        snapshot.encoding,
    )
}

/// The characters after which clients ask for on-type formatting: a new line, and either
/// escape character.
pub const ON_TYPE_TRIGGERS: (&str, &[&str]) = ("\n", &["\\", "`"]);

/// The edits after typing `typed` at `position` (just after the character).
#[must_use]
pub fn on_type_formatting(
    snapshot: &Snapshot,
    position: lsp::Position,
    typed: &str,
) -> Vec<lsp::TextEdit> {
    let mut chars = typed.chars();
    let (Some(typed), None) = (chars.next(), chars.next()) else {
        return Vec::new();
    };
    convert::text_edits(
        &snapshot.index(),
        &ide::on_type(&snapshot.text, snapshot.offset(position), typed),
        snapshot.encoding,
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn snapshot(text: &str, encoding: Encoding) -> Snapshot {
        Snapshot {
            uri: lsp::Uri::from("untitled:Dockerfile"),
            text: Arc::new(text.to_string()),
            version: 1,
            encoding,
        }
    }

    #[test]
    fn token_lengths_and_starts_count_in_the_encoding() {
        let text = "LABEL a=\"é🐳\" b=1\n";
        let starts_and_lengths = |encoding| -> Vec<(u32, u32, u32)> {
            semantic_tokens(&snapshot(text, encoding), None)
                .data
                .iter()
                .map(|t| (t.delta_start, t.length, t.token_type))
                .collect()
        };
        // LABEL, `a`, `=`, the quotes around `é🐳` (6 bytes, 3 units), `b`, `=`.
        assert_eq!(
            starts_and_lengths(Encoding::Utf8),
            [
                (0, 5, 0),
                (6, 1, 4),
                (1, 1, 7),
                (1, 1, 6),
                (1, 6, 6),
                (6, 1, 6),
                (2, 1, 4),
                (1, 1, 7)
            ]
        );
        assert_eq!(
            starts_and_lengths(Encoding::Utf16),
            [
                (0, 5, 0),
                (6, 1, 4),
                (1, 1, 7),
                (1, 1, 6),
                (1, 3, 6),
                (3, 1, 6),
                (2, 1, 4),
                (1, 1, 7)
            ]
        );
    }

    #[test]
    fn folds_span_the_lines_of_comment_blocks_stages_and_heredocs() {
        let text = "# a\n# b\nFROM x\nRUN <<EOF\necho hi\nEOF\n";
        let lines = |limit| {
            folding_ranges(&snapshot(text, Encoding::Utf16), limit)
                .iter()
                .map(|f| (f.start_line, f.end_line))
                .collect::<Vec<_>>()
        };
        assert_eq!(lines(usize::MAX), [(0, 1), (2, 5), (3, 5)]);
        // The client's `rangeLimit`: the first ones in the text.
        assert_eq!(lines(2), [(0, 1), (2, 5)]);
    }
}

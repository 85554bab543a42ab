//! Editor features as pure functions over a Dockerfile's text: document symbols, folding,
//! hover, navigation and rename, completion, semantic tokens, signature help, inlay hints,
//! code lenses, document links and formatting. Inputs are the text and byte offsets; outputs are plain data
//! with [`TextRange`] byte ranges. The language server converts them to protocol types.
//!
//! Every function accepts any text and any offset (past the end, or inside a multi-byte
//! character) and never panics: editors send half-typed files.

pub mod completion;
pub mod docs;
pub mod format;
pub mod hover;
pub mod inlay;
pub mod links;
pub mod navigation;
mod scope;
pub mod signature;
pub mod symbols;
pub mod tokens;

#[cfg(test)]
mod robustness;

pub use completion::{CompletionDoc, CompletionItem, CompletionKind, completions};
pub use format::{format, format_range, on_type};
pub use hover::{Hover, hover, rule_hover};
pub use inlay::{CodeLens, InlayHint, InlayKind, code_lenses, inlay_hints};
pub use links::{Link, document_links};
pub use navigation::{
    Highlight, HighlightKind, RenameError, definition, highlights, prepare_rename, references,
    rename,
};
pub use signature::{SignatureHelp, signature_help};
pub use symbols::{Fold, FoldKind, Symbol, SymbolKind, document_symbols, folding_ranges};
pub use tokens::{SemanticToken, TokenKind, semantic_tokens};

use crate::ast::{Dockerfile, Instruction};
use crate::semantic::{Build, BuildOptions, evaluate};
use crate::syntax::{Parse, SyntaxKind, SyntaxNode, SyntaxToken, TextRange, parse};

/// A parsed and evaluated document, as most features need both.
pub(crate) struct Analysis {
    pub parse: Parse,
    pub build: Build,
}

impl Analysis {
    pub(crate) fn new(source: &str) -> Self {
        let parse = parse(source);
        let build = evaluate(&parse, &BuildOptions::default());
        Analysis { parse, build }
    }

    pub(crate) fn file(&self) -> Option<Dockerfile<'_>> {
        Dockerfile::cast(self.parse.tree().root())
    }
}

/// Clamps an offset into the text, onto the start of the character it falls in.
pub(crate) fn clamp(source: &str, offset: u32) -> u32 {
    let mut at = (offset as usize).min(source.len());
    while !source.is_char_boundary(at) {
        at -= 1;
    }
    u32::try_from(at).unwrap_or(u32::MAX)
}

/// The token at `offset`, or the one ending there when the offset is on blank space or at the
/// end of the text: the cursor right after a word belongs to the word.
pub(crate) fn token_near(parse: &Parse, offset: u32) -> Option<SyntaxToken<'_>> {
    let tree = parse.tree();
    let at = tree.token_at(offset);
    let blank =
        |t: &SyntaxToken<'_>| matches!(t.kind(), SyntaxKind::WHITESPACE | SyntaxKind::NEWLINE);
    match at {
        Some(t) if !blank(&t) => Some(t),
        _ if offset > 0 => tree.token_at(offset - 1).filter(|t| !blank(t)).or(at),
        _ => at,
    }
}

/// The top-level instruction whose range contains `offset` or ends at it.
pub(crate) fn instruction_at(file: Dockerfile<'_>, offset: u32) -> Option<Instruction<'_>> {
    file.instructions()
        .find(|i| i.range().start <= offset && offset <= i.range().end)
}

/// The innermost instruction node around a token: the trigger of an ONBUILD, otherwise the
/// top-level instruction.
pub(crate) fn enclosing_instruction(token: SyntaxToken<'_>) -> Option<Instruction<'_>> {
    token.ancestors().find_map(Instruction::cast)
}

/// The nodes of a kind in a subtree, in order.
pub(crate) fn descendants(
    node: SyntaxNode<'_>,
    kind: SyntaxKind,
) -> impl Iterator<Item = SyntaxNode<'_>> {
    node.descendants_with_tokens()
        .filter_map(crate::syntax::SyntaxElement::as_node)
        .filter(move |n| n.kind() == kind)
}

/// Whether a range of the text spans more than one line.
pub(crate) fn is_multiline(source: &str, range: TextRange) -> bool {
    source
        .get(range.as_usize())
        .is_some_and(|t| t.trim_end_matches(['\n', '\r']).contains('\n'))
}

/// A byte length as a `u32` offset (texts are below 4 GiB, as the syntax tree requires).
pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

//! Semantic tokens: a kind for each meaningful piece of the file (keywords, flags, variables,
//! strings, comments, operators...), read from the lossless tree. Tokens never span a line
//! break and never overlap, as the protocol requires.

use crate::ide::Analysis;
use crate::ide::navigation::{Definition, Namespace, occurrences};
use crate::syntax::{SyntaxKind, SyntaxToken, TextRange};

/// The kind of a semantic token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// An instruction keyword, or `AS`, `CMD`, `NONE` inside one.
    Keyword,
    Comment,
    /// A parser directive's key.
    Directive,
    /// A flag name: `--mount`.
    Flag,
    /// A key of `key=value` (ENV, ARG, LABEL, `--mount`).
    Property,
    /// A variable reference, or the name an ARG/ENV declares.
    Variable,
    /// Quoted text, JSON strings, directive values.
    String,
    /// `=`, `,`, `${}` operators, `[` `]`, heredoc `<<`.
    Operator,
    /// An escape sequence, or the escape character of a line continuation.
    Escape,
    /// A stage name, where it is declared or referenced.
    Stage,
    /// The image of a FROM.
    Image,
    /// A heredoc delimiter and terminator.
    Heredoc,
}

/// One semantic token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SemanticToken {
    pub range: TextRange,
    pub kind: TokenKind,
    /// The token declares its name (an ARG/ENV key, a stage name after `AS`).
    pub declaration: bool,
}

/// The semantic tokens of the file, sorted and on single lines.
#[must_use]
pub fn semantic_tokens(source: &str) -> Vec<SemanticToken> {
    let analysis = Analysis::new(source);
    let occurrences = occurrences(&analysis);
    let mut out: Vec<SemanticToken> = Vec::new();
    let mut push = |range: TextRange, kind: TokenKind, declaration: bool| {
        // Split at line breaks: editors draw tokens line by line.
        let text = &source[range.as_usize()];
        let mut start = range.start;
        for line in text.split_inclusive('\n') {
            let content = line.trim_end_matches(['\n', '\r']);
            if !content.is_empty() {
                out.push(SemanticToken {
                    range: TextRange::new(start, start + crate::ide::to_u32(content.len())),
                    kind,
                    declaration,
                });
            }
            start += crate::ide::to_u32(line.len());
        }
    };
    let root = analysis.parse.tree().root();
    let mut names = occurrences.iter().peekable();
    for token in root.tokens() {
        let range = token.range();
        // Variables and stage names found by name resolution, inside shell text too.
        let mut named = false;
        while let Some(o) = names.peek() {
            if o.range.start >= range.end {
                break;
            }
            let o = names.next().expect("peeked");
            if o.range.start >= range.start && o.range.end <= range.end {
                let kind = match o.namespace {
                    Namespace::Variable => TokenKind::Variable,
                    Namespace::Stage => TokenKind::Stage,
                    // Their tokens are heredoc names as they are.
                    Namespace::Heredoc(_) => continue,
                };
                let declaration = matches!(
                    o.definition,
                    Some(Definition::Stage | Definition::Env | Definition::Arg { .. })
                );
                if o.range == range || !matches!(token.kind(), SyntaxKind::TEXT) {
                    push(o.range, kind, declaration);
                    named |= o.range == range;
                }
            }
        }
        if named {
            continue;
        }
        if let Some(kind) = kind_of(token) {
            push(range, kind, false);
        }
    }
    out.sort_by_key(|t| t.range);
    out.dedup_by(|b, a| b.range.start < a.range.end);
    out
}

fn kind_of(token: SyntaxToken<'_>) -> Option<TokenKind> {
    let parent = token.parent();
    Some(match token.kind() {
        SyntaxKind::COMMENT | SyntaxKind::SHEBANG => TokenKind::Comment,
        SyntaxKind::HASH => TokenKind::Comment,
        SyntaxKind::DIRECTIVE_KEY => TokenKind::Directive,
        SyntaxKind::DIRECTIVE_VALUE => TokenKind::String,
        SyntaxKind::KEYWORD => TokenKind::Keyword,
        SyntaxKind::FLAG_NAME => TokenKind::Flag,
        SyntaxKind::EQUALS
        | SyntaxKind::COMMA
        | SyntaxKind::VAR_OPERATOR
        | SyntaxKind::L_BRACKET
        | SyntaxKind::R_BRACKET
        | SyntaxKind::HEREDOC_OPERATOR => TokenKind::Operator,
        SyntaxKind::DOLLAR | SyntaxKind::L_BRACE | SyntaxKind::R_BRACE | SyntaxKind::VAR_NAME => {
            TokenKind::Variable
        }
        SyntaxKind::QUOTE | SyntaxKind::JSON_STRING => TokenKind::String,
        SyntaxKind::ESCAPE | SyntaxKind::ESCAPE_CHAR => TokenKind::Escape,
        SyntaxKind::HEREDOC_DELIMITER | SyntaxKind::HEREDOC_END => TokenKind::Heredoc,
        SyntaxKind::TEXT => {
            if matches!(
                parent.kind(),
                SyntaxKind::SINGLE_QUOTED | SyntaxKind::DOUBLE_QUOTED
            ) {
                return Some(TokenKind::String);
            }
            let word = token.ancestors().find(|n| n.kind() == SyntaxKind::WORD)?;
            let holder = word.parent()?;
            match holder.kind() {
                SyntaxKind::KEY_VALUE if holder.children().next() == Some(word) => {
                    TokenKind::Property
                }
                SyntaxKind::FROM_INSTR => TokenKind::Image,
                SyntaxKind::STAGE_NAME => TokenKind::Stage,
                _ => return None,
            }
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_of_a_small_file() {
        let source = "# syntax=docker/dockerfile:1\nFROM alpine AS base\nENV A=\"x\"\n\
RUN --mount=type=cache echo ${A:-y} '$A' \\\n  && echo $A\nCOPY --from=base <<EOF /x\nbody\nEOF\n";
        let tokens = semantic_tokens(source);
        let shown: Vec<(&str, TokenKind, bool)> = tokens
            .iter()
            .map(|t| (&source[t.range.as_usize()], t.kind, t.declaration))
            .collect();
        use TokenKind::*;
        assert_eq!(
            shown,
            [
                ("#", Comment, false),
                ("syntax", Directive, false),
                ("=", Operator, false),
                ("docker/dockerfile:1", String, false),
                ("FROM", Keyword, false),
                ("alpine", Image, false),
                ("AS", Keyword, false),
                ("base", Stage, true),
                ("ENV", Keyword, false),
                ("A", Variable, true),
                ("=", Operator, false),
                ("\"", String, false),
                ("x", String, false),
                ("\"", String, false),
                ("RUN", Keyword, false),
                ("--mount", Flag, false),
                ("=", Operator, false),
                ("type", Property, false),
                ("=", Operator, false),
                ("A", Variable, false),
                ("\\", Escape, false),
                ("A", Variable, false),
                ("COPY", Keyword, false),
                ("--from", Flag, false),
                ("=", Operator, false),
                ("base", Stage, false),
                ("<<", Operator, false),
                ("EOF", Heredoc, false),
                ("EOF", Heredoc, false),
            ]
        );
        for pair in tokens.windows(2) {
            assert!(pair[0].range.end <= pair[1].range.start);
        }
    }

    #[test]
    fn multi_line_tokens_are_split() {
        let source = "FROM a\nCOPY <<EOF /x\nline one\nline $V\nEOF\n";
        // A heredoc body is not a token itself; a variable in it is.
        let tokens = semantic_tokens(source);
        assert!(
            tokens
                .iter()
                .all(|t| !source[t.range.as_usize()].contains('\n'))
        );
        assert!(
            tokens
                .iter()
                .any(|t| t.kind == TokenKind::Variable && &source[t.range.as_usize()] == "V")
        );
    }
}

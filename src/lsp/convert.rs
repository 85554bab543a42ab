//! Conversions between the core's data (byte offsets, diagnostics, edits) and the
//! protocol's types. The only place that knows both.

use std::path::PathBuf;

use tower_lsp_server::gen_lsp_types as lsp;

use super::position::{Encoding, LineIndex, Position};
use crate::diagnostic::Tag;
use crate::fix::Edit;
use crate::syntax::TextRange;
use crate::{Category, Diagnostic, Severity};

/// The name diagnostics are published under.
pub const SOURCE: &str = "dflint";

/// The position encoding to use: UTF-8 when the client offers it (no conversion within a
/// line), else UTF-16, which every client supports.
#[must_use]
pub fn negotiate(offered: Option<&[lsp::PositionEncodingKind]>) -> Encoding {
    let utf8 = offered.is_some_and(|kinds| kinds.contains(&lsp::PositionEncodingKind::UTF8));
    if utf8 {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

#[must_use]
pub fn encoding_kind(encoding: Encoding) -> lsp::PositionEncodingKind {
    match encoding {
        Encoding::Utf8 => lsp::PositionEncodingKind::UTF8,
        Encoding::Utf16 => lsp::PositionEncodingKind::UTF16,
    }
}

#[must_use]
pub fn position(p: Position) -> lsp::Position {
    lsp::Position {
        line: p.line,
        character: p.character,
    }
}

#[must_use]
pub fn from_position(p: lsp::Position) -> Position {
    Position::new(p.line, p.character)
}

/// The protocol range of a byte range.
#[must_use]
pub fn range(index: &LineIndex<'_>, r: TextRange, encoding: Encoding) -> lsp::Range {
    lsp::Range {
        start: position(index.position(r.start, encoding)),
        end: position(index.position(r.end, encoding)),
    }
}

/// The byte range of a protocol range, clamped to the text.
#[must_use]
pub fn text_range(index: &LineIndex<'_>, r: lsp::Range, encoding: Encoding) -> TextRange {
    let start = index.offset(from_position(r.start), encoding);
    let end = index.offset(from_position(r.end), encoding);
    TextRange::new(start.min(end), start.max(end))
}

#[must_use]
pub fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::Error,
        Severity::Warning => lsp::DiagnosticSeverity::Warning,
        Severity::Info => lsp::DiagnosticSeverity::Information,
        Severity::Style => lsp::DiagnosticSeverity::Hint,
    }
}

/// A diagnostic as published: code, a link to its documentation, severity and tag.
#[must_use]
pub fn diagnostic(
    uri: &lsp::Uri,
    index: &LineIndex<'_>,
    d: &Diagnostic,
    encoding: Encoding,
) -> lsp::Diagnostic {
    let tags = d.tag().map(|tag| {
        vec![match tag {
            Tag::Unnecessary => lsp::DiagnosticTag::Unnecessary,
            Tag::Deprecated => lsp::DiagnosticTag::Deprecated,
        }]
    });
    lsp::Diagnostic {
        range: range(index, d.range, encoding),
        severity: Some(severity(d.severity)),
        code: Some(lsp::Code::String(d.code.to_string())),
        code_description: Some(lsp::CodeDescription {
            href: lsp::Uri::from(crate::render::docs_url(d)),
        }),
        source: Some(SOURCE.to_string()),
        message: lsp::Message::String(d.message.clone()),
        tags,
        related_information: (!d.related.is_empty()).then(|| {
            d.related
                .iter()
                .map(|r| lsp::DiagnosticRelatedInformation {
                    location: lsp::Location {
                        uri: uri.clone(),
                        range: range(index, r.range, encoding),
                    },
                    message: r.message.clone(),
                })
                .collect()
        }),
        ..lsp::Diagnostic::default()
    }
}

/// Whether a pragma can suppress the diagnostic (syntax errors cannot: the builder rejects
/// the file anyway).
#[must_use]
pub fn can_be_ignored(d: &Diagnostic) -> bool {
    d.category != Category::Syntax
}

/// Text edits of core edits.
#[must_use]
pub fn text_edits(index: &LineIndex<'_>, edits: &[Edit], encoding: Encoding) -> Vec<lsp::TextEdit> {
    edits
        .iter()
        .map(|e| lsp::TextEdit {
            range: range(index, e.range, encoding),
            new_text: e.replacement.clone(),
        })
        .collect()
}

/// The local path of a `file:` URI, with its percent escapes decoded; `None` for other
/// schemes and remote hosts.
#[must_use]
pub fn file_path(uri: &lsp::Uri) -> Option<PathBuf> {
    let rest = uri.as_ref().strip_prefix("file://")?;
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(&h), Some(&l)) = (bytes.get(i + 1), bytes.get(i + 2))
            && let (Some(h), Some(l)) = (hex(h), hex(l))
        {
            // Two hex digits make one byte.
            decoded.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    let path = String::from_utf8(decoded).ok()?;
    // `file:///C:/x` names `C:/x` on Windows.
    let windows_drive = path.len() >= 3 && path.as_bytes()[2] == b':';
    if cfg!(windows) && windows_drive {
        return Some(PathBuf::from(&path[1..]));
    }
    Some(PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_only_when_offered() {
        assert_eq!(negotiate(None), Encoding::Utf16);
        assert_eq!(
            negotiate(Some(&[lsp::PositionEncodingKind::UTF16])),
            Encoding::Utf16
        );
        assert_eq!(
            negotiate(Some(&[
                lsp::PositionEncodingKind::UTF16,
                lsp::PositionEncodingKind::UTF8
            ])),
            Encoding::Utf8
        );
    }

    #[test]
    fn file_uris_to_paths() {
        let path = |s: &str| file_path(&lsp::Uri::from(s));
        assert_eq!(
            path("file:///home/me/my%20app/Docker%C3%A9file"),
            Some(PathBuf::from("/home/me/my app/Dockeréfile"))
        );
        assert_eq!(
            path("file://localhost/srv/Dockerfile"),
            Some(PathBuf::from("/srv/Dockerfile"))
        );
        assert_eq!(path("untitled:Untitled-1"), None);
        assert_eq!(path("file://server/share/Dockerfile"), None);
    }

    #[test]
    fn diagnostics_carry_code_link_severity_and_tag() {
        let source = "FROM alpine:3.20\nMAINTAINER é🐳\n";
        let found = crate::check(source);
        let d = found
            .iter()
            .find(|d| d.name == "maintainer-instruction")
            .expect("maintainer-instruction");
        let index = LineIndex::new(source);
        let uri = lsp::Uri::from("file:///w/Dockerfile");
        let converted = diagnostic(&uri, &index, d, Encoding::Utf16);
        assert_eq!(converted.code, Some(lsp::Code::String("DFL5021".into())));
        assert_eq!(
            converted.code_description.unwrap().href.as_ref(),
            "https://dflint.dev/rules/DFL5021"
        );
        assert_eq!(converted.tags, Some(vec![lsp::DiagnosticTag::Deprecated]));
        assert_eq!(
            converted.range.start,
            lsp::Position {
                line: 1,
                character: 0
            }
        );
        assert_eq!(severity(Severity::Style), lsp::DiagnosticSeverity::Hint);
    }
}

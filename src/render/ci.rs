//! What the CI formats (SARIF, GitHub Actions, GitLab Code Quality, Checkstyle, JUnit,
//! compact) share: the rule descriptions the caller passes in, the spans they report, path
//! normalization and XML escaping. Fingerprints come from [`crate::fingerprint`].

use std::fmt::Write as _;

use super::{LineIndex, Position};
use crate::{Diagnostic, Severity};

/// Describes one rule (or any other code) that can appear in a report, for the formats that
/// carry a rule table (SARIF). The caller passes the whole registry; a diagnostic whose code
/// is not described falls back to its own code, name and severity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    /// Stable code, such as `DFL3006`.
    pub code: &'static str,
    /// Kebab-case name, such as `untagged-image`.
    pub name: &'static str,
    /// One sentence: what the rule flags.
    pub summary: &'static str,
    /// Where the rule's documentation lives; empty when it has none.
    pub help_uri: String,
    /// The severity unless configuration overrides it (SARIF's `defaultConfiguration`).
    pub severity: Severity,
    /// The rule's categories, the primary one first (SARIF's `properties.tags`); empty for
    /// codes that are not rules.
    pub categories: Vec<&'static str>,
}

/// Where a diagnostic is reported: 1-based lines and columns (columns count Unicode scalar
/// values). A range that ends at the start of a line (it takes in a line break) is reported
/// as ending at the end of the line before, as the text output shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: Position,
    pub end_line: usize,
    pub end_column: usize,
}

impl Span {
    pub(crate) fn of(index: &LineIndex<'_>, d: &Diagnostic) -> Span {
        let start = index.position(d.range.start as usize);
        let end = index.position(d.range.end as usize);
        let (end_line, end_column) = if end.line > start.line && end.column == 1 {
            let line = end.line - 1;
            (line, index.line_text(line).chars().count() + 1)
        } else {
            (end.line, end.column)
        };
        Span {
            start,
            end_line,
            end_column,
        }
    }
}

/// A display path as CI services want it: forward slashes, no leading `./`.
pub(crate) fn slash_path(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut rest = path.as_str();
    while let Some(stripped) = rest.strip_prefix("./") {
        rest = stripped;
    }
    rest.to_string()
}

/// The lowercase name of a severity in formats that have `error`, `warning` and a third,
/// milder level (`note` in SARIF, `notice` in GitHub): style and info map to `mild`.
pub(crate) fn three_levels(severity: Severity, mild: &'static str) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => mild,
    }
}

/// Escapes text for XML 1.0 content and attribute values: the five markup characters, the
/// whitespace controls an attribute would normalize away (as character references), and
/// the characters XML 1.0 cannot carry at all (other C0 controls, U+FFFE, U+FFFF), which
/// become U+FFFD.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            '\u{7f}'..='\u{9f}' => {
                let _ = write!(out, "&#x{:X};", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod sample {
    //! A file and diagnostics the renderers' tests share: a non-ASCII line, a fix.

    use crate::fix::{Applicability, Edit, Fix};
    use crate::syntax::TextRange;
    use crate::{Category, Diagnostic, Severity};

    pub(crate) const SOURCE: &str = "FROM alpine\nLABEL x=\"é🐳\"\tRUNN\n";

    /// An error on `RUNN` (line 2, columns 14 to 18) with help, then a style finding on
    /// `alpine` (line 1, columns 6 to 12) with a fix.
    pub(crate) fn diagnostics() -> Vec<Diagnostic> {
        let runn = u32::try_from(SOURCE.find("RUNN").unwrap()).unwrap();
        vec![
            Diagnostic {
                code: "DFL0001",
                name: "unknown-instruction",
                category: Category::Syntax,
                aliases: &[],
                severity: Severity::Error,
                message: "unknown instruction: RUNN".into(),
                help: Some("did you mean `RUN`?".into()),
                range: TextRange::new(runn, runn + 4),
                fix: None,
                related: Vec::new(),
            },
            Diagnostic {
                code: "DFL3006",
                name: "untagged-image",
                category: Category::Rule,
                aliases: &["DL3006"],
                severity: Severity::Style,
                message: "image `alpine` has no tag".into(),
                help: None,
                range: TextRange::new(5, 11),
                fix: Some(Fix::new(
                    "Pin the tag",
                    Applicability::Unsafe,
                    vec![Edit::insert(11, ":3.20")],
                )),
                related: Vec::new(),
            },
        ]
    }

    /// `diagnostic` with another severity and message.
    pub(crate) fn with(d: &Diagnostic, severity: Severity, message: &str) -> Diagnostic {
        Diagnostic {
            severity,
            message: message.into(),
            ..d.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::TextRange;

    #[test]
    fn spans_end_before_a_trailing_line_break() {
        let source = "FROM a\nRUN é\nX\n";
        let index = LineIndex::new(source);
        let mut d = Diagnostic {
            code: "DFL0001",
            name: "x",
            category: crate::Category::Syntax,
            aliases: &[],
            severity: Severity::Error,
            message: String::new(),
            help: None,
            range: TextRange::new(7, 14),
            fix: None,
            related: Vec::new(),
        };
        let span = Span::of(&index, &d);
        assert_eq!(
            (
                span.start.line,
                span.start.column,
                span.end_line,
                span.end_column
            ),
            (2, 1, 2, 6)
        );
        d.range = TextRange::empty(14);
        let span = Span::of(&index, &d);
        assert_eq!(
            (
                span.start.line,
                span.start.column,
                span.end_line,
                span.end_column
            ),
            (3, 1, 3, 1)
        );
    }

    #[test]
    fn paths_and_xml_are_normalized() {
        assert_eq!(slash_path("././a\\b/Dockerfile"), "a/b/Dockerfile");
        assert_eq!(
            xml_escape("a&b<c>\"d'\te\n\r\u{1}\u{7f}é"),
            "a&amp;b&lt;c&gt;&quot;d&apos;&#9;e&#10;&#13;\u{fffd}&#x7F;é"
        );
    }
}

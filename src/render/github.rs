//! GitHub Actions workflow commands (`--format github`): one annotation per diagnostic.

use std::fmt::Write as _;

use super::ci::{Span, slash_path, three_levels};
use super::{FileReport, LineIndex, RuleInfo};

/// Escapes a command's message: `%`, `\r` and `\n`.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value: as a message, and also `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Renders one workflow command per diagnostic, such as
/// `::error file=Dockerfile,line=2,col=14,endLine=2,endColumn=18,title=DFL0001
/// (unknown-instruction)::unknown instruction: RUNN` (on one line), with `error`, `warning`
/// or `notice` (style and info). Paths use forward slashes; columns count Unicode scalar
/// values. GitHub accepts columns only on one-line annotations, so a range over several
/// lines has `line` and `endLine` alone. Nothing else is printed. `rules` is not needed:
/// every format takes it alike.
#[must_use]
pub fn render_github(files: &[FileReport<'_>], _rules: &[RuleInfo]) -> String {
    let mut out = String::new();
    for file in files {
        let index = LineIndex::new(file.source);
        let path = escape_property(&slash_path(file.path));
        for d in file.diagnostics {
            let span = Span::of(&index, d);
            let _ = write!(
                out,
                "::{} file={path},line={}",
                three_levels(d.severity, "notice"),
                span.start.line
            );
            if span.end_line == span.start.line {
                let _ = write!(
                    out,
                    ",col={},endLine={},endColumn={}",
                    span.start.column, span.end_line, span.end_column
                );
            } else {
                let _ = write!(out, ",endLine={}", span.end_line);
            }
            let title = escape_property(&format!("{} ({})", d.code, d.name));
            let _ = writeln!(out, ",title={title}::{}", escape_data(&d.message));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::ci::sample::{SOURCE, diagnostics, with};
    use super::*;
    use crate::Severity;
    use crate::syntax::TextRange;

    #[test]
    fn exact_output() {
        let d = diagnostics();
        let out = render_github(
            &[FileReport {
                path: "./docker\\Dockerfile",
                source: SOURCE,
                diagnostics: &d,
            }],
            &[],
        );
        assert_eq!(
            out,
            "::error file=docker/Dockerfile,line=2,col=14,endLine=2,endColumn=18,\
             title=DFL0001 (unknown-instruction)::unknown instruction: RUNN\n\
             ::notice file=docker/Dockerfile,line=1,col=6,endLine=1,endColumn=12,\
             title=DFL3006 (untagged-image)::image `alpine` has no tag\n"
        );
    }

    #[test]
    fn escapes_messages_and_properties() {
        let d = diagnostics();
        let mut warning = with(&d[0], Severity::Warning, "50% done:\r\nnext, then");
        warning.range = TextRange::new(0, 20);
        let info = with(&d[1], Severity::Info, "a,b:c");
        let out = render_github(
            &[FileReport {
                path: "a,b:c%/Dockerfile",
                source: SOURCE,
                diagnostics: &[warning, info],
            }],
            &[],
        );
        assert_eq!(
            out,
            "::warning file=a%2Cb%3Ac%25/Dockerfile,line=1,endLine=2,\
             title=DFL0001 (unknown-instruction)::50%25 done:%0D%0Anext, then\n\
             ::notice file=a%2Cb%3Ac%25/Dockerfile,line=1,col=6,endLine=1,endColumn=12,\
             title=DFL3006 (untagged-image)::a,b:c\n"
        );
    }

    #[test]
    fn no_files_no_output() {
        assert_eq!(render_github(&[], &[]), "");
        assert_eq!(
            render_github(
                &[FileReport {
                    path: "Dockerfile",
                    source: "FROM a\n",
                    diagnostics: &[],
                }],
                &[],
            ),
            ""
        );
    }
}

//! The compact format (`--format compact`): one line per diagnostic, for grep and editors.

use std::fmt::Write as _;

use super::ci::Span;
use super::{FileReport, LineIndex, RuleInfo};

/// Renders one line per diagnostic, `path:line:col: severity[CODE] message`, and nothing
/// else (no summary; no files or no findings give an empty string). Columns count Unicode
/// scalar values. Line breaks inside a message become spaces, so each diagnostic stays one
/// line. `rules` is not needed: every format takes it alike.
#[must_use]
pub fn render_compact(files: &[FileReport<'_>], _rules: &[RuleInfo]) -> String {
    let mut out = String::new();
    for file in files {
        let index = LineIndex::new(file.source);
        for d in file.diagnostics {
            let span = Span::of(&index, d);
            let message = d.message.replace("\r\n", " ").replace(['\r', '\n'], " ");
            let _ = writeln!(
                out,
                "{}:{}:{}: {}[{}] {message}",
                file.path,
                span.start.line,
                span.start.column,
                d.severity.as_str(),
                d.code
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::ci::sample::{SOURCE, diagnostics, with};
    use super::*;
    use crate::Severity;

    #[test]
    fn exact_output() {
        let d = diagnostics();
        let out = render_compact(
            &[
                FileReport {
                    path: "Dockerfile",
                    source: SOURCE,
                    diagnostics: &d,
                },
                FileReport {
                    path: "clean/Dockerfile",
                    source: "FROM a:1\n",
                    diagnostics: &[],
                },
            ],
            &[],
        );
        assert_eq!(
            out,
            "Dockerfile:2:14: error[DFL0001] unknown instruction: RUNN\n\
             Dockerfile:1:6: style[DFL3006] image `alpine` has no tag\n"
        );
    }

    #[test]
    fn messages_stay_on_one_line() {
        let d = diagnostics();
        let odd = [with(&d[0], Severity::Info, "one\r\ntwo\nthree")];
        let out = render_compact(
            &[FileReport {
                path: "Dockerfile",
                source: SOURCE,
                diagnostics: &odd,
            }],
            &[],
        );
        assert_eq!(out, "Dockerfile:2:14: info[DFL0001] one two three\n");
    }

    #[test]
    fn no_files_no_output() {
        assert_eq!(render_compact(&[], &[]), "");
    }
}

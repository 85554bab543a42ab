//! Human output: one code frame per diagnostic, as compilers print them: the severity,
//! code and message; `file:line:col`; the source lines with a marker under the range; the
//! help. Columns count Unicode scalar values, like every other output of dflint.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthChar;

use super::{FileReport, LineIndex};
use crate::{Diagnostic, Severity};

/// How many lines of a multi-line range are shown before the rest is elided.
const MAX_FRAME_LINES: usize = 6;

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn severity_code(severity: Severity) -> &'static str {
        match severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
            Severity::Style => "1;35",
        }
    }
}

/// The display width of a character in a code frame (tabs are shown as four spaces).
fn width(c: char) -> usize {
    if c == '\t' { 4 } else { c.width().unwrap_or(0) }
}

/// A source line as displayed: tabs expanded.
fn displayed(line: &str) -> String {
    line.replace('\t', "    ")
}

fn render_frame(
    out: &mut String,
    path: &str,
    index: &LineIndex<'_>,
    d: &Diagnostic,
    style: &Style,
) {
    let start = index.position(d.range.start as usize);
    let end = index.position(d.range.end as usize);
    let sev = d.severity.as_str();
    let sev_code = Style::severity_code(d.severity);
    let _ = writeln!(
        out,
        "{}: {}",
        style.paint(sev_code, &format!("{sev}[{}]", d.code)),
        style.paint("1", &d.message)
    );
    // A range that ends at the start of a line does not cover that line.
    let last_line = if end.line > start.line && end.column == 1 {
        end.line - 1
    } else {
        end.line
    };
    let gutter = last_line.to_string().len();
    let pad = " ".repeat(gutter);
    let bar = style.paint("1;34", "|");
    let _ = writeln!(
        out,
        "{pad}{} {path}:{}:{}",
        style.paint("1;34", "-->"),
        start.line,
        start.column
    );
    let _ = writeln!(out, "{pad} {bar}");
    for line in start.line..=last_line {
        if line - start.line == MAX_FRAME_LINES {
            let _ = writeln!(out, "{pad} {bar} ...");
            break;
        }
        let text = index.line_text(line);
        let _ = writeln!(
            out,
            "{} {bar} {}",
            style.paint("1;34", &format!("{line:>gutter$}")),
            displayed(text)
        );
        let from = if line == start.line {
            start.column - 1
        } else {
            0
        };
        let to = if line == end.line {
            end.column - 1
        } else {
            text.chars().count()
        };
        let lead: usize = text.chars().take(from).map(width).sum();
        let span: usize = text
            .chars()
            .skip(from)
            .take(to.saturating_sub(from))
            .map(width)
            .sum();
        let marker = "^".repeat(span.max(1));
        let _ = writeln!(
            out,
            "{pad} {bar} {}{}",
            " ".repeat(lead),
            style.paint(sev_code, &marker)
        );
    }
    if let Some(help) = &d.help {
        let _ = writeln!(
            out,
            "{pad} {} {}: {help}",
            style.paint("1;34", "="),
            style.paint("1", "help")
        );
    }
    let _ = writeln!(
        out,
        "{pad} {} see: {} ({})",
        style.paint("1;34", "="),
        d.code,
        d.name
    );
    out.push('\n');
}

/// Renders every diagnostic of every file as a code frame, followed by a one-line summary.
/// `color` selects ANSI colors.
#[must_use]
pub fn render_text(files: &[FileReport<'_>], color: bool) -> String {
    let style = Style { color };
    let mut out = String::new();
    let mut total = 0;
    let mut with_findings = 0;
    for file in files.iter().filter(|f| !f.diagnostics.is_empty()) {
        with_findings += 1;
        let index = LineIndex::new(file.source);
        for d in file.diagnostics {
            total += 1;
            render_frame(&mut out, file.path, &index, d, &style);
        }
    }
    let checked = files.len();
    let noun = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    if total == 0 {
        let _ = writeln!(
            out,
            "No problems found in {}.",
            noun(checked, "file", "files")
        );
    } else {
        let _ = writeln!(
            out,
            "Found {} in {} ({} checked).",
            noun(total, "problem", "problems"),
            noun(with_findings, "file", "files"),
            checked
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::TextRange;

    fn diagnostic(range: TextRange) -> Diagnostic {
        Diagnostic {
            code: "DFL0001",
            name: "unknown-instruction",
            category: crate::Category::Syntax,
            aliases: &[],
            severity: Severity::Error,
            message: "unknown instruction: RUNN".into(),
            help: Some("did you mean `RUN`?".into()),
            range,
            fix: None,
            related: Vec::new(),
        }
    }

    #[test]
    fn frame_marks_the_range_under_wide_characters() {
        let source = "FROM a\nLABEL x=\"é🐳\"\tRUNN\n";
        let start = u32::try_from(source.find("RUNN").unwrap()).unwrap();
        let d = [diagnostic(TextRange::new(start, start + 4))];
        let out = render_text(
            &[FileReport {
                path: "Dockerfile",
                source,
                diagnostics: &d,
            }],
            false,
        );
        let expected = "\
error[DFL0001]: unknown instruction: RUNN
 --> Dockerfile:2:14
  |
2 | LABEL x=\"é🐳\"    RUNN
  |                  ^^^^
  = help: did you mean `RUN`?
  = see: DFL0001 (unknown-instruction)

Found 1 problem in 1 file (1 checked).
";
        assert_eq!(out, expected);
    }

    #[test]
    fn empty_range_gets_one_marker_and_clean_files_a_summary() {
        let d = [diagnostic(TextRange::empty(0))];
        let out = render_text(
            &[FileReport {
                path: "a",
                source: "",
                diagnostics: &d,
            }],
            false,
        );
        assert!(out.contains("1 | \n  | ^\n"), "{out}");
        let out = render_text(
            &[FileReport {
                path: "a",
                source: "FROM a\n",
                diagnostics: &[],
            }],
            false,
        );
        assert_eq!(out, "No problems found in 1 file.\n");
    }
}

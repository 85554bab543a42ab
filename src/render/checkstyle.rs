//! Checkstyle XML (`--format checkstyle`), which many CI and review tools import.

use std::fmt::Write as _;

use super::ci::{Span, xml_escape};
use super::{FileReport, LineIndex, RuleInfo};
use crate::Severity;

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "info",
    }
}

/// Renders a Checkstyle 4.3 report: a `<file name="...">` per file (files without findings
/// too, as Checkstyle lists every file it checked) holding an
/// `<error line column severity message source="dflint.CODE"/>` per diagnostic. Severities
/// are `error`, `warning` or `info` (style and info); columns count Unicode scalar values;
/// text is XML-escaped. `rules` is not needed: every format takes it alike.
#[must_use]
pub fn render_checkstyle(files: &[FileReport<'_>], _rules: &[RuleInfo]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<checkstyle version=\"4.3\">\n");
    for file in files {
        let index = LineIndex::new(file.source);
        let name = xml_escape(file.path);
        if file.diagnostics.is_empty() {
            let _ = writeln!(out, "  <file name=\"{name}\"/>");
            continue;
        }
        let _ = writeln!(out, "  <file name=\"{name}\">");
        for d in file.diagnostics {
            let span = Span::of(&index, d);
            let _ = writeln!(
                out,
                "    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" \
                 source=\"dflint.{}\"/>",
                span.start.line,
                span.start.column,
                severity(d.severity),
                xml_escape(&d.message),
                xml_escape(d.code)
            );
        }
        out.push_str("  </file>\n");
    }
    out.push_str("</checkstyle>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::super::ci::sample::{SOURCE, diagnostics, with};
    use super::*;

    #[test]
    fn exact_output() {
        let d = diagnostics();
        let out = render_checkstyle(
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
        let expected = r#"<?xml version="1.0" encoding="UTF-8"?>
<checkstyle version="4.3">
  <file name="Dockerfile">
    <error line="2" column="14" severity="error" message="unknown instruction: RUNN" source="dflint.DFL0001"/>
    <error line="1" column="6" severity="info" message="image `alpine` has no tag" source="dflint.DFL3006"/>
  </file>
  <file name="clean/Dockerfile"/>
</checkstyle>
"#;
        assert_eq!(out, expected);
    }

    #[test]
    fn escapes_markup_and_control_characters() {
        let d = diagnostics();
        let odd = [with(
            &d[0],
            Severity::Warning,
            "a <b> & \"c\" 'd'\n\u{7}é🐳",
        )];
        let out = render_checkstyle(
            &[FileReport {
                path: "a&b/<Dockerfile>",
                source: SOURCE,
                diagnostics: &odd,
            }],
            &[],
        );
        assert!(
            out.contains(
                "<file name=\"a&amp;b/&lt;Dockerfile&gt;\">\n    <error line=\"2\" \
                 column=\"14\" severity=\"warning\" message=\"a &lt;b&gt; &amp; &quot;c&quot; \
                 &apos;d&apos;&#10;\u{fffd}é🐳\" source=\"dflint.DFL0001\"/>"
            ),
            "{out}"
        );
    }

    #[test]
    fn no_files() {
        assert_eq!(
            render_checkstyle(&[], &[]),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n\
             </checkstyle>\n"
        );
    }
}

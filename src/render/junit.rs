//! JUnit XML (`--format junit`), for CI systems that show test reports.

use std::fmt::Write as _;

use super::ci::{Span, xml_escape};
use super::{FileReport, LineIndex, RuleInfo};

/// Renders a JUnit report with one test suite, `dflint`, holding a test case per file
/// (`classname="dflint"`, `name` the path). A file's diagnostics are its
/// `<failure message="..." type="CODE">` elements, each with the text
/// `path:line:col CODE message`; a file without diagnostics is a passing test case.
/// `tests` counts the files and `failures` the files with diagnostics (so that
/// `failures <= tests`, as JUnit readers expect). Columns count Unicode scalar values.
/// `rules` is not needed: every format takes it alike.
#[must_use]
pub fn render_junit(files: &[FileReport<'_>], _rules: &[RuleInfo]) -> String {
    let tests = files.len();
    let failures = files.iter().filter(|f| !f.diagnostics.is_empty()).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!("tests=\"{tests}\" failures=\"{failures}\" errors=\"0\"");
    let _ = writeln!(out, "<testsuites name=\"dflint\" {counts}>");
    let _ = writeln!(out, "  <testsuite name=\"dflint\" {counts} skipped=\"0\">");
    for file in files {
        let index = LineIndex::new(file.source);
        let name = xml_escape(file.path);
        if file.diagnostics.is_empty() {
            let _ = writeln!(out, "    <testcase classname=\"dflint\" name=\"{name}\"/>");
            continue;
        }
        let _ = writeln!(out, "    <testcase classname=\"dflint\" name=\"{name}\">");
        for d in file.diagnostics {
            let span = Span::of(&index, d);
            let text = format!(
                "{}:{}:{} {} {}",
                file.path, span.start.line, span.start.column, d.code, d.message
            );
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                xml_escape(&d.message),
                xml_escape(d.code),
                xml_escape(&text)
            );
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
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
        let out = render_junit(
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
<testsuites name="dflint" tests="2" failures="1" errors="0">
  <testsuite name="dflint" tests="2" failures="1" errors="0" skipped="0">
    <testcase classname="dflint" name="Dockerfile">
      <failure message="unknown instruction: RUNN" type="DFL0001">Dockerfile:2:14 DFL0001 unknown instruction: RUNN</failure>
      <failure message="image `alpine` has no tag" type="DFL3006">Dockerfile:1:6 DFL3006 image `alpine` has no tag</failure>
    </testcase>
    <testcase classname="dflint" name="clean/Dockerfile"/>
  </testsuite>
</testsuites>
"#;
        assert_eq!(out, expected);
    }

    #[test]
    fn escapes_markup_and_control_characters() {
        let d = diagnostics();
        let odd = [with(&d[0], Severity::Error, "x < y && 'z'\u{0}")];
        let out = render_junit(
            &[FileReport {
                path: "\"q\"/Dockerfile",
                source: SOURCE,
                diagnostics: &odd,
            }],
            &[],
        );
        assert!(
            out.contains(
                "<testcase classname=\"dflint\" name=\"&quot;q&quot;/Dockerfile\">\n      \
                 <failure message=\"x &lt; y &amp;&amp; &apos;z&apos;\u{fffd}\" \
                 type=\"DFL0001\">&quot;q&quot;/Dockerfile:2:14 DFL0001 x &lt; y \
                 &amp;&amp; &apos;z&apos;\u{fffd}</failure>"
            ),
            "{out}"
        );
    }

    #[test]
    fn no_files_is_an_empty_suite() {
        assert_eq!(
            render_junit(&[], &[]),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <testsuites name=\"dflint\" tests=\"0\" failures=\"0\" errors=\"0\">\n  \
             <testsuite name=\"dflint\" tests=\"0\" failures=\"0\" errors=\"0\" \
             skipped=\"0\">\n  </testsuite>\n</testsuites>\n"
        );
    }
}

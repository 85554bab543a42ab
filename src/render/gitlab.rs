//! GitLab Code Quality (`--format gitlab`): a JSON array of issues for merge request widgets.

use serde::Serialize;

use super::ci::{Span, slash_path};
use super::{FileReport, LineIndex, RuleInfo};
use crate::Severity;

#[derive(Serialize)]
struct Issue<'a> {
    description: &'a str,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Style => "info",
        Severity::Info => "minor",
        Severity::Warning => "major",
        Severity::Error => "critical",
    }
}

/// Renders all diagnostics as one Code Quality report: `[{"description", "check_name",
/// "fingerprint", "severity", "location": {"path", "lines": {"begin", "end"}}}]`.
///
/// The check name is the code; the severity is `info` (style), `minor` (info), `major`
/// (warning) or `critical` (error); the path uses forward slashes. The fingerprint is the
/// finding's [`crate::fingerprint`] combined with the path and its occurrence
/// ([`crate::fingerprint::Fingerprint::located`]), so it survives lines added above and
/// stays unique.
/// `rules` is not needed: every format takes it alike.
#[must_use]
pub fn render_gitlab(files: &[FileReport<'_>], _rules: &[RuleInfo]) -> String {
    let mut issues = Vec::new();
    for file in files {
        let index = LineIndex::new(file.source);
        let path = slash_path(file.path);
        let prints = crate::fingerprint::fingerprints(file.source, file.diagnostics);
        for (d, print) in file.diagnostics.iter().zip(prints) {
            let span = Span::of(&index, d);
            issues.push(Issue {
                description: &d.message,
                check_name: d.code,
                fingerprint: print.located(&path),
                severity: severity(d.severity),
                location: Location {
                    path: path.clone(),
                    lines: Lines {
                        begin: span.start.line,
                        end: span.end_line,
                    },
                },
            });
        }
    }
    let mut out = serde_json::to_string_pretty(&issues).expect("plain data serializes");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::super::ci::sample::{SOURCE, diagnostics, with};
    use super::*;

    #[test]
    fn exact_output() {
        let d = diagnostics();
        let out = render_gitlab(
            &[FileReport {
                path: "./app\\Dockerfile",
                source: SOURCE,
                diagnostics: &d,
            }],
            &[],
        );
        let prints = crate::fingerprint::fingerprints(SOURCE, &d);
        let expected = r#"[
  {
    "description": "unknown instruction: RUNN",
    "check_name": "DFL0001",
    "fingerprint": "FP1",
    "severity": "critical",
    "location": {
      "path": "app/Dockerfile",
      "lines": {
        "begin": 2,
        "end": 2
      }
    }
  },
  {
    "description": "image `alpine` has no tag",
    "check_name": "DFL3006",
    "fingerprint": "FP2",
    "severity": "info",
    "location": {
      "path": "app/Dockerfile",
      "lines": {
        "begin": 1,
        "end": 1
      }
    }
  }
]
"#
        .replace("FP1", &prints[0].located("app/Dockerfile"))
        .replace("FP2", &prints[1].located("app/Dockerfile"));
        assert_eq!(out, expected);
    }

    #[test]
    fn identical_findings_get_distinct_stable_fingerprints() {
        let d = diagnostics();
        let twice = [
            with(&d[0], Severity::Warning, "first"),
            with(&d[0], Severity::Info, "second"),
        ];
        let render = |source: &str, shift: u32| {
            let shifted: Vec<_> = twice
                .iter()
                .cloned()
                .map(|mut d| {
                    d.range.start += shift;
                    d.range.end += shift;
                    d
                })
                .collect();
            let out = render_gitlab(
                &[FileReport {
                    path: "Dockerfile",
                    source,
                    diagnostics: &shifted,
                }],
                &[],
            );
            serde_json::from_str::<serde_json::Value>(&out).unwrap()
        };
        let v = render(SOURCE, 0);
        assert_eq!(v[0]["severity"], "major");
        assert_eq!(v[1]["severity"], "minor");
        assert_ne!(v[0]["fingerprint"], v[1]["fingerprint"]);
        assert_eq!(v[0]["fingerprint"].as_str().unwrap().len(), 32);
        // Lines added above move the finding, not its fingerprint.
        let moved = render(&format!("# a\n# b\n{SOURCE}"), 8);
        assert_eq!(moved[0]["location"]["lines"]["begin"], 4);
        assert_eq!(moved[0]["fingerprint"], v[0]["fingerprint"]);
        assert_eq!(moved[1]["fingerprint"], v[1]["fingerprint"]);
    }

    #[test]
    fn no_files_is_an_empty_array() {
        assert_eq!(render_gitlab(&[], &[]), "[]\n");
    }
}

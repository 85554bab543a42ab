//! The stable JSON format (`--format json`), version 1.

use serde::Serialize;

use super::{FileReport, LineIndex, Position};

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    files: Vec<File<'a>>,
}

#[derive(Serialize)]
struct File<'a> {
    path: &'a str,
    diagnostics: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct Entry<'a> {
    code: &'a str,
    name: &'a str,
    category: crate::Category,
    aliases: &'a [&'a str],
    severity: crate::Severity,
    message: &'a str,
    help: Option<&'a str>,
    range: Range,
    fix: Option<()>,
}

#[derive(Serialize)]
struct Range {
    start: Position,
    end: Position,
}

/// Renders all files as one JSON document:
/// `{"version": 1, "files": [{"path", "diagnostics": [{"code", "name", "category", "aliases",
/// "severity", "message", "help", "range": {"start", "end"}, "fix"}]}]}` with 1-based lines
/// and columns (columns in Unicode scalar values) and byte offsets.
#[must_use]
pub fn render_json(files: &[FileReport<'_>]) -> String {
    let files = files
        .iter()
        .map(|f| {
            let index = LineIndex::new(f.source);
            File {
                path: f.path,
                diagnostics: f
                    .diagnostics
                    .iter()
                    .map(|d| Entry {
                        code: d.code,
                        name: d.name,
                        category: d.category,
                        aliases: d.aliases,
                        severity: d.severity,
                        message: &d.message,
                        help: d.help.as_deref(),
                        range: Range {
                            start: index.position(d.range.start as usize),
                            end: index.position(d.range.end as usize),
                        },
                        fix: None,
                    })
                    .collect(),
            }
        })
        .collect();
    let mut out =
        serde_json::to_string_pretty(&Output { version: 1, files }).expect("plain data serializes");
    out.push('\n');
    out
}

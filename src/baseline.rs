//! Baselines: the findings a repository already had when it adopted dflint, recorded so
//! that later runs report only new ones. Pure: the model, its JSON text and the matching;
//! the CLI reads and writes the file and makes the paths relative to it.
//!
//! A baseline lists, per file (a `/`-separated path relative to the baseline file's
//! directory), code and [`crate::fingerprint`], how many such findings there were. A later
//! finding is hidden while its entry has count left, so if a file had two identical
//! findings and now has three, one of them is reported.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Diagnostic;
use crate::fingerprint::fingerprints;

/// The version of the baseline format this dflint reads and writes.
pub const VERSION: u32 = 1;

/// A baseline file's contents.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// The format version, [`VERSION`].
    pub version: u32,
    /// The findings, sorted by path, code and fingerprint.
    pub findings: Vec<Entry>,
}

/// The findings of one file that share a code and a fingerprint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The file, relative to the baseline file's directory, `/`-separated.
    pub path: String,
    /// The code, such as `DFL3006`.
    pub code: String,
    /// The fingerprint (see [`crate::fingerprint`]).
    pub fingerprint: String,
    /// How many findings there were.
    pub count: u32,
    /// The message of the first of them, for people reading the file; not matched.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// Why a baseline's text cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BaselineError {
    /// Not JSON of the baseline's shape.
    #[error("{line}:{column}: not a dflint baseline: {message}")]
    Invalid {
        line: usize,
        column: usize,
        message: String,
    },
    /// A version this dflint does not read.
    #[error("baseline format version {0} is not supported (this dflint reads version {VERSION})")]
    Version(u32),
}

/// One checked file as a baseline sees it.
#[derive(Clone, Copy, Debug)]
pub struct FileFindings<'a> {
    /// The path relative to the baseline file's directory, `/`-separated.
    pub path: &'a str,
    /// The file's text, which the findings' ranges point into.
    pub source: &'a str,
    /// Its findings, sorted by position.
    pub diagnostics: &'a [Diagnostic],
}

type Key = (String, String, String);

impl Baseline {
    /// The baseline of `files`' findings.
    #[must_use]
    pub fn of<'a>(files: impl IntoIterator<Item = FileFindings<'a>>) -> Baseline {
        let mut entries: BTreeMap<Key, Entry> = BTreeMap::new();
        for file in files {
            let prints = fingerprints(file.source, file.diagnostics);
            for (d, print) in file.diagnostics.iter().zip(prints) {
                let key = (file.path.to_string(), d.code.to_string(), print.hash);
                entries
                    .entry(key)
                    .and_modify(|e| e.count += 1)
                    .or_insert_with_key(|(path, code, fingerprint)| Entry {
                        path: path.clone(),
                        code: code.clone(),
                        fingerprint: fingerprint.clone(),
                        count: 1,
                        message: d.message.clone(),
                    });
            }
        }
        Baseline {
            version: VERSION,
            findings: entries.into_values().collect(),
        }
    }

    /// Reads a baseline's JSON text.
    ///
    /// # Errors
    /// When the text is not a baseline (with the line and column), or of another version.
    pub fn parse(text: &str) -> Result<Baseline, BaselineError> {
        // The version first, so that a newer format is named as such.
        #[derive(Deserialize)]
        struct Versioned {
            version: u32,
        }
        let invalid = |e: &serde_json::Error| BaselineError::Invalid {
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()),
        };
        let versioned: Versioned = serde_json::from_str(text).map_err(|e| invalid(&e))?;
        if versioned.version != VERSION {
            return Err(BaselineError::Version(versioned.version));
        }
        serde_json::from_str(text).map_err(|e| invalid(&e))
    }

    /// The JSON text: pretty-printed, one key per line, entries sorted, ending with a newline,
    /// so that it diffs well.
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut sorted = self.clone();
        sorted.findings.sort_by(|a, b| {
            (&a.path, &a.code, &a.fingerprint).cmp(&(&b.path, &b.code, &b.fingerprint))
        });
        let mut out = serde_json::to_string_pretty(&sorted).expect("plain data serializes");
        out.push('\n');
        out
    }

    /// The total number of findings recorded.
    #[must_use]
    pub fn len(&self) -> usize {
        self.findings.iter().map(|e| e.count as usize).sum()
    }

    /// Whether it records no finding.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A matcher that takes findings out of this baseline, file by file.
    #[must_use]
    pub fn matcher(&self) -> Matcher {
        let mut left: BTreeMap<Key, u32> = BTreeMap::new();
        for e in &self.findings {
            *left
                .entry((e.path.clone(), e.code.clone(), e.fingerprint.clone()))
                .or_insert(0) += e.count;
        }
        Matcher {
            left,
            entries: self.findings.clone(),
        }
    }
}

/// serde_json's messages end with ` at line L column C`, which the error carries apart.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// What is left of a baseline while findings are matched against it.
#[derive(Clone, Debug)]
pub struct Matcher {
    left: BTreeMap<Key, u32>,
    entries: Vec<Entry>,
}

/// A file's findings split by a baseline.
#[derive(Clone, Debug, Default)]
pub struct Split {
    /// Findings the baseline does not hold: new ones, to report.
    pub new: Vec<Diagnostic>,
    /// Findings the baseline holds, hidden.
    pub known: Vec<Diagnostic>,
}

impl Matcher {
    /// Splits a file's findings into new and known ones, using up the baseline's counts.
    pub fn split(&mut self, file: FileFindings<'_>) -> Split {
        let prints = fingerprints(file.source, file.diagnostics);
        let mut split = Split::default();
        for (d, print) in file.diagnostics.iter().zip(prints) {
            let key = (file.path.to_string(), d.code.to_string(), print.hash);
            match self.left.get_mut(&key) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    split.known.push(d.clone());
                }
                _ => split.new.push(d.clone()),
            }
        }
        split
    }

    /// How many recorded findings nothing matched so far (fixed, or in files not checked).
    #[must_use]
    pub fn unmatched(&self) -> usize {
        self.left.values().map(|n| *n as usize).sum()
    }

    /// The entries of the baseline for files not seen by [`Matcher::split`] keep their
    /// counts; this lists the entries of the files in `checked` that matched less than
    /// recorded, with the count left: findings that are gone.
    #[must_use]
    pub fn gone(&self, checked: &[&str]) -> Vec<Entry> {
        self.entries
            .iter()
            .filter(|e| checked.contains(&e.path.as_str()))
            .filter_map(|e| {
                let key = (e.path.clone(), e.code.clone(), e.fingerprint.clone());
                let left = *self.left.get(&key)?;
                (left > 0).then(|| Entry {
                    count: left.min(e.count),
                    ..e.clone()
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn findings(source: &str) -> Vec<Diagnostic> {
        crate::check_with(source, &crate::Settings::new(&Config::default()))
    }

    fn file<'a>(path: &'a str, source: &'a str, diagnostics: &'a [Diagnostic]) -> FileFindings<'a> {
        FileFindings {
            path,
            source,
            diagnostics,
        }
    }

    const OLD: &str = "FROM alpine:3.20\nMAINTAINER me\nRUN apk add curl\n";

    #[test]
    fn round_trips_sorted_and_counts_identical_findings() {
        let twice = "FROM alpine:3.20\nMAINTAINER me\nMAINTAINER me\n";
        let (a, b) = (findings(OLD), findings(twice));
        let baseline = Baseline::of([
            file("b/Dockerfile", twice, &b),
            file("a/Dockerfile", OLD, &a),
        ]);
        assert_eq!(baseline.version, VERSION);
        assert_eq!(baseline.len(), a.len() + b.len());
        let paths: Vec<&str> = baseline.findings.iter().map(|e| e.path.as_str()).collect();
        let mut sorted = paths.clone();
        sorted.sort_unstable();
        assert_eq!(paths, sorted);
        let maintainer: Vec<u32> = baseline
            .findings
            .iter()
            .filter(|e| e.path == "b/Dockerfile" && e.code == "DFL5021")
            .map(|e| e.count)
            .collect();
        assert_eq!(maintainer, [2]);
        let text = baseline.to_json();
        assert!(
            text.starts_with("{\n  \"version\": 1,\n  \"findings\": [\n"),
            "{text}"
        );
        assert!(text.ends_with("}\n"));
        assert_eq!(Baseline::parse(&text), Ok(baseline.clone()));
        // Writing is deterministic.
        assert_eq!(Baseline::parse(&text).unwrap().to_json(), text);
    }

    #[test]
    fn hides_known_findings_after_lines_shift_and_reports_new_ones() {
        let old = findings(OLD);
        let baseline = Baseline::of([file("Dockerfile", OLD, &old)]);
        let shifted = "# syntax=docker/dockerfile:1\n\nFROM alpine:3.20\nLABEL a=b\n\nMAINTAINER   me\nRUN apk add curl\nADD local.txt /x\n";
        let now = findings(shifted);
        let mut matcher = baseline.matcher();
        let split = matcher.split(file("Dockerfile", shifted, &now));
        assert_eq!(split.known.len(), old.len(), "{:#?}", split.new);
        let new: Vec<&str> = split.new.iter().map(|d| d.code).collect();
        assert_eq!(new, ["DFL5020"]);
        assert_eq!(matcher.unmatched(), 0);
        // Another path is another file.
        let split = baseline
            .matcher()
            .split(file("other/Dockerfile", OLD, &old));
        assert!(split.known.is_empty());
    }

    #[test]
    fn counts_are_a_multiset() {
        let one = "FROM alpine:3.20\nMAINTAINER me\n";
        let three = "FROM alpine:3.20\nMAINTAINER me\nMAINTAINER me\nMAINTAINER me\n";
        let (a, b) = (findings(one), findings(three));
        let baseline = Baseline::of([file("Dockerfile", one, &a)]);
        let split = baseline.matcher().split(file("Dockerfile", three, &b));
        let new: Vec<&str> = split.new.iter().map(|d| d.code).collect();
        assert_eq!(
            new.iter().filter(|c| **c == "DFL5021").count(),
            2,
            "{new:?}"
        );
    }

    #[test]
    fn fixed_findings_are_gone() {
        let old = findings(OLD);
        let baseline = Baseline::of([file("Dockerfile", OLD, &old)]);
        let fixed = "FROM alpine:3.20\nRUN apk add curl\n";
        let now = findings(fixed);
        let mut matcher = baseline.matcher();
        let split = matcher.split(file("Dockerfile", fixed, &now));
        assert!(split.new.is_empty(), "{:#?}", split.new);
        let gone = matcher.gone(&["Dockerfile"]);
        assert_eq!(gone.len(), 1);
        assert_eq!((gone[0].code.as_str(), gone[0].count), ("DFL5021", 1));
        assert!(matcher.gone(&["other"]).is_empty());
    }

    #[test]
    fn bad_text_is_located_and_other_versions_are_named() {
        let e = Baseline::parse("{\n  \"version\": 1,\n  \"findings\": [1]\n}\n").unwrap_err();
        assert!(
            matches!(&e, BaselineError::Invalid { line: 3, .. }),
            "{e:?}"
        );
        assert!(e.to_string().starts_with("3:"), "{e}");
        assert_eq!(
            Baseline::parse("{\"version\": 2, \"entries\": {}}").unwrap_err(),
            BaselineError::Version(2)
        );
        assert!(matches!(
            Baseline::parse("not json"),
            Err(BaselineError::Invalid { line: 1, .. })
        ));
        assert!(matches!(
            Baseline::parse("{\"version\": 1, \"findings\": [], \"extra\": 0}"),
            Err(BaselineError::Invalid { .. })
        ));
    }
}

//! Fingerprints of findings: a stable identity that survives lines added or removed around
//! a finding and edits to other instructions, so that a later run can tell a known finding
//! from a new one. The baseline (`--baseline`) and the CI formats that carry fingerprints
//! (GitLab Code Quality, SARIF `partialFingerprints`) all use these. Pure.
//!
//! A finding's fingerprint hashes, with [`stable_hash`]:
//!
//! 1. its code (`DFL3006`);
//! 2. the keyword of the instruction it starts in (`RUN`; a finding outside any instruction,
//!    such as one on a pragma comment, takes the trimmed text of its line instead);
//! 3. the flagged text itself, as the builder reads it: line continuations and the comment
//!    lines inside them removed, every run of white space collapsed to one space (for an
//!    empty range, the whole instruction's text, normalised the same way).
//!
//! Line and column numbers, the file's path, the message, the severity and the rest of the
//! instruction stay out of it. So it changes when the flagged text changes (other than in
//! white space and line breaks), when the rule's code changes, or when the flagged text
//! moves to an instruction of another kind; it survives reindenting, re-wrapping, moving
//! the instruction, fixing another finding in the same instruction, and any edit elsewhere
//! in the file. Identical findings (same fingerprint in the same file) are told apart by
//! their occurrence: 0 for the first in file order, 1 for the next, and so on; a baseline
//! compares their counts.

use crate::Diagnostic;
use crate::syntax::{SyntaxNode, TextRange, parse};

/// The fingerprint of one finding and its occurrence among identical ones in its file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    /// 32 lowercase hex digits (see [`stable_hash`]).
    pub hash: String,
    /// How many findings of the same file with the same hash come before this one.
    pub occurrence: u32,
}

impl Fingerprint {
    /// The fingerprint CI formats give a finding: one per finding of a whole report, so the
    /// path and the occurrence enter the hash too.
    #[must_use]
    pub fn located(&self, path: &str) -> String {
        stable_hash(&[&self.hash, path, &self.occurrence.to_string()])
    }
}

/// The fingerprints of a file's `diagnostics`, in their order (they are sorted by position,
/// as [`crate::check_with`] returns them, so occurrences count in file order).
#[must_use]
pub fn fingerprints(source: &str, diagnostics: &[Diagnostic]) -> Vec<Fingerprint> {
    let parsed = parse(source);
    let nodes: Vec<SyntaxNode<'_>> = parsed.tree().root().children().collect();
    let mut seen: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let start = d.range.start;
            let node = nodes
                .iter()
                .find(|n| n.range().start <= start && start < n.range().end)
                .or_else(|| nodes.iter().find(|n| n.range().end == start));
            let (context, snippet) = match node {
                Some(node) => {
                    let keyword = node
                        .logical_tokens()
                        .find(|t| !t.text().trim().is_empty())
                        .map(|t| t.text().to_ascii_uppercase())
                        .unwrap_or_default();
                    let mut snippet = logical_text(source, *node, d.range);
                    if snippet.is_empty() {
                        snippet = logical_text(source, *node, node.range());
                    }
                    (keyword, snippet)
                }
                None => (line_text(source, start), collapse(slice(source, d.range))),
            };
            let hash = stable_hash(&[d.code, &context, &snippet]);
            let count = seen.entry(hash.clone()).or_insert(0);
            let occurrence = *count;
            *count += 1;
            Fingerprint { hash, occurrence }
        })
        .collect()
}

/// The part of `node`'s logical text (continuations and skipped lines left out) that lies
/// in `range`, white space collapsed.
fn logical_text(source: &str, node: SyntaxNode<'_>, range: TextRange) -> String {
    let mut text = String::new();
    for token in node.logical_tokens() {
        let r = token.range();
        let (start, end) = (r.start.max(range.start), r.end.min(range.end));
        if start < end {
            text.push_str(slice(source, TextRange::new(start, end)));
        }
    }
    collapse(&text)
}

fn slice(source: &str, range: TextRange) -> &str {
    source.get(range.as_usize()).unwrap_or_default()
}

/// The trimmed text of the line holding `offset`.
fn line_text(source: &str, offset: u32) -> String {
    let at = (offset as usize).min(source.len());
    let start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = source[at..].find('\n').map_or(source.len(), |i| at + i);
    collapse(&source[start..end])
}

/// `text` with every run of white space replaced by one space, trimmed.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// FNV-1a, 128 bits, over `parts` separated by the byte 0xFF (which UTF-8 never contains,
/// so `["ab", "c"]` and `["a", "bc"]` differ), as 32 lowercase hex digits.
///
/// Stable across dflint versions and platforms: the algorithm and its constants are fixed
/// by the FNV specification and nothing else enters the hash. Baselines and CI services
/// compare fingerprints between runs to tell new findings from known ones, so changing what
/// is hashed is a breaking change of the baseline, SARIF and GitLab formats.
#[must_use]
pub fn stable_hash(parts: &[&str]) -> String {
    const OFFSET_BASIS: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut hash = OFFSET_BASIS;
    for (i, part) in parts.iter().enumerate() {
        let sep: &[u8] = if i == 0 { &[] } else { &[0xff] };
        for &byte in sep.iter().chain(part.as_bytes()) {
            hash ^= u128::from(byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    format!("{hash:032x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    /// The fingerprints of what the default rules find, by code.
    fn of(source: &str) -> Vec<(&'static str, Fingerprint)> {
        let found = crate::check_with(source, &crate::Settings::new(&Config::default()));
        let prints = fingerprints(source, &found);
        found.iter().map(|d| d.code).zip(prints).collect()
    }

    fn hash_of(source: &str, code: &str) -> Vec<String> {
        of(source)
            .into_iter()
            .filter(|(c, _)| *c == code)
            .map(|(_, f)| f.hash)
            .collect()
    }

    #[test]
    fn fnv_test_vectors() {
        assert_eq!(stable_hash(&[]), "6c62272e07bb014262b821756295c58d");
        assert_eq!(stable_hash(&[""]), "6c62272e07bb014262b821756295c58d");
        assert_eq!(stable_hash(&["a"]), "d228cb696f1a8caf78912b704e4a8964");
        assert_eq!(stable_hash(&["foobar"]), "343e1662793c64bf6f0d3597ba446f18");
        assert_ne!(stable_hash(&["ab", "c"]), stable_hash(&["a", "bc"]));
    }

    #[test]
    fn what_enters_the_hash() {
        let source = "FROM alpine:3.20\nMAINTAINER me\n";
        let [(code, f)] = &of(source)
            .into_iter()
            .filter(|(c, _)| *c == "DFL5021")
            .collect::<Vec<_>>()[..]
        else {
            panic!("{:?}", of(source))
        };
        assert_eq!(
            f.hash,
            stable_hash(&[code, "MAINTAINER", "MAINTAINER"]),
            "the code, the instruction's keyword and the flagged text"
        );
        assert_eq!(f.occurrence, 0);
    }

    #[test]
    fn survives_line_shifts_reflowing_and_unrelated_edits() {
        let before = "FROM alpine:3.20\nRUN apt-get update && apt-get install -y curl\nUSER app\n";
        let code = "DFL4010";
        let original = hash_of(before, code);
        assert_eq!(original.len(), 1, "{:?}", of(before));
        for after in [
            // Lines added above.
            "# syntax=docker/dockerfile:1\n\n# build\nFROM alpine:3.20\nLABEL a=b\n\nRUN apt-get update && apt-get install -y curl\nUSER app\n",
            // Re-wrapped with continuations and a comment line, reindented.
            "FROM alpine:3.20\n  RUN apt-get update \\\n# why\n      &&   apt-get install -y curl\nUSER app\n",
            // Other instructions edited, CRLF line endings.
            "FROM alpine:3.20\r\nENV A=1\r\nRUN apt-get update && apt-get install -y curl\r\nUSER other\r\n",
            // Another part of the same instruction fixed.
            "FROM alpine:3.20\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n",
        ] {
            assert_eq!(hash_of(after, code), original, "{after}");
        }
        // Editing the flagged text makes it another finding.
        let edited = "FROM alpine:3.20\nRUN apt-get update && apt-get install -y wget\nUSER app\n";
        let changed = hash_of(edited, code);
        assert_eq!(changed.len(), 1);
        assert_ne!(changed, original);
    }

    #[test]
    fn identical_findings_count_occurrences_and_located_hashes_differ() {
        let source = "FROM alpine:3.20\nMAINTAINER me\nMAINTAINER me\nMAINTAINER you\n";
        let prints: Vec<Fingerprint> = of(source)
            .into_iter()
            .filter(|(c, _)| *c == "DFL5021")
            .map(|(_, f)| f)
            .collect();
        assert_eq!(prints.len(), 3);
        // The flagged text is `MAINTAINER` each time.
        assert!(prints.iter().all(|f| f.hash == prints[0].hash));
        let occurrences: Vec<u32> = prints.iter().map(|f| f.occurrence).collect();
        assert_eq!(occurrences, [0, 1, 2]);
        assert_ne!(
            prints[0].located("Dockerfile"),
            prints[1].located("Dockerfile")
        );
        assert_ne!(
            prints[0].located("a/Dockerfile"),
            prints[0].located("b/Dockerfile")
        );
    }

    #[test]
    fn findings_outside_instructions_use_their_line() {
        let source = "# dflint ignore=no-such-rule\nFROM alpine:3.20\nUSER app\n";
        let found = crate::check_with(source, &crate::Settings::new(&Config::default()));
        let d = found
            .iter()
            .find(|d| d.code == "DFL0201")
            .expect("unknown code");
        let [f] = &fingerprints(source, std::slice::from_ref(d))[..] else {
            panic!()
        };
        assert_eq!(
            f.hash,
            stable_hash(&["DFL0201", "# dflint ignore=no-such-rule", "no-such-rule"])
        );
    }
}

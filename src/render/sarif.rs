//! SARIF 2.1.0 (`--format sarif`), for GitHub code scanning and other SARIF consumers.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::ci::{Span, slash_path, three_levels};
use super::{FileReport, LineIndex, RuleInfo};
use crate::{Diagnostic, Severity};

/// The schema the log names.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The key of the fingerprint in `partialFingerprints`; the version part changes only if
/// what is hashed changes.
const FINGERPRINT_KEY: &str = "dflint/v2";

/// The project's page, from the manifest (`homepage`, else `repository`); omitted when the
/// manifest has neither.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|uri| !uri.is_empty())
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    name: String,
    short_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<&'a str>,
    default_configuration: Configuration,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<RuleProperties<'a>>,
}

/// A rule's property bag: its categories as tags.
#[derive(Serialize)]
struct RuleProperties<'a> {
    tags: &'a [&'static str],
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Clone, Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Text,
    artifact_changes: [ArtifactChange; 1],
    properties: FixProperties,
}

#[derive(Serialize)]
struct FixProperties {
    applicability: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: ByteRegion,
    #[serde(skip_serializing_if = "Option::is_none")]
    inserted_content: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ByteRegion {
    byte_offset: u32,
    byte_length: u32,
}

/// `unknown-instruction` as `UnknownInstruction`.
fn pascal_case(kebab: &str) -> String {
    kebab
        .split(['-', '_'])
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
        })
        .collect()
}

/// `unknown-instruction` as `Unknown instruction`: the description of a code the caller did
/// not describe.
fn sentence(kebab: &str) -> String {
    let words = kebab.replace('-', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase())
        .into_iter()
        .chain(chars)
        .collect()
}

/// A relative path as a URI reference: forward slashes, and every byte outside the
/// unreserved characters, the sub-delimiters, `@` and `/` percent-encoded (so is `:`, which
/// would otherwise read as a scheme). Absolute paths become `file://` URIs.
fn artifact_uri(path: &str) -> String {
    fn encode(out: &mut String, text: &str) {
        for &b in text.as_bytes() {
            if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&b) {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    let path = slash_path(path);
    let mut out = String::with_capacity(path.len());
    let bytes = path.as_bytes();
    if path.starts_with('/') {
        out.push_str("file://");
        encode(&mut out, &path);
    } else if bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && &bytes[1..3] == b":/" {
        out.push_str("file:///");
        out.push_str(&path[..2]);
        encode(&mut out, &path[2..]);
    } else {
        encode(&mut out, &path);
    }
    out
}

/// The rule table: every described rule in the order given, then every other code that
/// occurs, in order of first occurrence. Returns the table and each code's index in it.
fn rule_table<'a>(
    files: &'a [FileReport<'a>],
    rules: &'a [RuleInfo],
) -> (Vec<Rule<'a>>, HashMap<&'a str, usize>) {
    let mut table = Vec::new();
    let mut index = HashMap::new();
    for rule in rules {
        if index.contains_key(rule.code) {
            continue;
        }
        index.insert(rule.code, table.len());
        table.push(Rule {
            id: rule.code,
            name: pascal_case(rule.name),
            short_description: Text {
                text: rule.summary.to_string(),
            },
            help_uri: Some(rule.help_uri.as_str()).filter(|uri| !uri.is_empty()),
            default_configuration: Configuration {
                level: level(rule.severity),
            },
            properties: (!rule.categories.is_empty()).then(|| RuleProperties {
                tags: &rule.categories,
            }),
        });
    }
    for d in files.iter().flat_map(|f| f.diagnostics) {
        if index.contains_key(d.code) {
            continue;
        }
        index.insert(d.code, table.len());
        table.push(Rule {
            id: d.code,
            name: pascal_case(d.name),
            short_description: Text {
                text: sentence(d.name),
            },
            help_uri: None,
            default_configuration: Configuration {
                level: level(d.severity),
            },
            properties: None,
        });
    }
    (table, index)
}

fn level(severity: Severity) -> &'static str {
    three_levels(severity, "note")
}

fn message(d: &Diagnostic) -> String {
    match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    }
}

fn fixes(d: &Diagnostic, location: &ArtifactLocation) -> Vec<SarifFix> {
    d.fix
        .iter()
        .filter(|fix| !fix.edits.is_empty())
        .map(|fix| SarifFix {
            description: Text {
                text: fix.title.clone(),
            },
            artifact_changes: [ArtifactChange {
                artifact_location: location.clone(),
                replacements: fix
                    .edits
                    .iter()
                    .map(|edit| Replacement {
                        deleted_region: ByteRegion {
                            byte_offset: edit.range.start,
                            byte_length: edit.range.len(),
                        },
                        inserted_content: Some(&edit.replacement)
                            .filter(|text| !text.is_empty())
                            .map(|text| Text { text: text.clone() }),
                    })
                    .collect(),
            }],
            properties: FixProperties {
                applicability: fix.applicability.as_str(),
            },
        })
        .collect()
}

/// Renders all files as one SARIF 2.1.0 log with one run.
///
/// The driver's rule table lists `rules` (in order), then any other code that occurs
/// (described by its own name). Each result has its rule's id and index, a level (`error`,
/// `warning`, or `note` for style and info), the message followed by the help, one location
/// (the path as a relative URI with forward slashes; 1-based lines and columns, columns in
/// Unicode scalar values, as the run's `columnKind` says), the fix as byte-offset
/// replacements, and a partial fingerprint: the finding's [`crate::fingerprint`] combined
/// with the path and its occurrence, which ignores line numbers.
#[must_use]
pub fn render_sarif(files: &[FileReport<'_>], rules: &[RuleInfo]) -> String {
    let (table, rule_index) = rule_table(files, rules);
    let mut results = Vec::new();
    for file in files {
        let index = LineIndex::new(file.source);
        let path = slash_path(file.path);
        let location = ArtifactLocation {
            uri: artifact_uri(file.path),
        };
        let prints = crate::fingerprint::fingerprints(file.source, file.diagnostics);
        for (d, print) in file.diagnostics.iter().zip(prints) {
            let span = Span::of(&index, d);
            results.push(SarifResult {
                rule_id: d.code,
                rule_index: rule_index[d.code],
                level: level(d.severity),
                message: Text { text: message(d) },
                locations: [Location {
                    physical_location: PhysicalLocation {
                        artifact_location: location.clone(),
                        region: Region {
                            start_line: span.start.line,
                            start_column: span.start.column,
                            end_line: span.end_line,
                            end_column: span.end_column,
                        },
                    },
                }],
                partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, print.located(&path))]),
                fixes: fixes(d, &location),
            });
        }
    }
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "dflint",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: information_uri(),
                    rules: table,
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut out = serde_json::to_string_pretty(&log).expect("plain data serializes");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::super::ci::sample::{SOURCE, diagnostics};
    use super::*;
    use crate::Severity;
    use crate::syntax::TextRange;

    fn rules() -> Vec<RuleInfo> {
        vec![RuleInfo {
            code: "DFL3006",
            name: "untagged-image",
            summary: "An image without a tag.",
            help_uri: "https://example.org/rules/DFL3006".into(),
            severity: Severity::Warning,
            categories: vec!["reproducibility"],
        }]
    }

    #[test]
    fn exact_output_with_a_fix_and_a_fallback_rule() {
        let d = diagnostics();
        let out = render_sarif(
            &[FileReport {
                path: "./dir\\my Dockerfile",
                source: SOURCE,
                diagnostics: &d,
            }],
            &rules(),
        );
        let info = information_uri()
            .map(|uri| format!("\n          \"informationUri\": \"{uri}\","))
            .unwrap_or_default();
        let prints = crate::fingerprint::fingerprints(SOURCE, &d);
        let expected = r#"{
  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
  "version": "2.1.0",
  "runs": [
    {
      "tool": {
        "driver": {
          "name": "dflint",
          "version": "VERSION",INFO
          "rules": [
            {
              "id": "DFL3006",
              "name": "UntaggedImage",
              "shortDescription": {
                "text": "An image without a tag."
              },
              "helpUri": "https://example.org/rules/DFL3006",
              "defaultConfiguration": {
                "level": "warning"
              },
              "properties": {
                "tags": [
                  "reproducibility"
                ]
              }
            },
            {
              "id": "DFL0001",
              "name": "UnknownInstruction",
              "shortDescription": {
                "text": "Unknown instruction"
              },
              "defaultConfiguration": {
                "level": "error"
              }
            }
          ]
        }
      },
      "columnKind": "unicodeCodePoints",
      "results": [
        {
          "ruleId": "DFL0001",
          "ruleIndex": 1,
          "level": "error",
          "message": {
            "text": "unknown instruction: RUNN\nhelp: did you mean `RUN`?"
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "dir/my%20Dockerfile"
                },
                "region": {
                  "startLine": 2,
                  "startColumn": 14,
                  "endLine": 2,
                  "endColumn": 18
                }
              }
            }
          ],
          "partialFingerprints": {
            "dflint/v2": "FP1"
          }
        },
        {
          "ruleId": "DFL3006",
          "ruleIndex": 0,
          "level": "note",
          "message": {
            "text": "image `alpine` has no tag"
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "dir/my%20Dockerfile"
                },
                "region": {
                  "startLine": 1,
                  "startColumn": 6,
                  "endLine": 1,
                  "endColumn": 12
                }
              }
            }
          ],
          "partialFingerprints": {
            "dflint/v2": "FP2"
          },
          "fixes": [
            {
              "description": {
                "text": "Pin the tag"
              },
              "artifactChanges": [
                {
                  "artifactLocation": {
                    "uri": "dir/my%20Dockerfile"
                  },
                  "replacements": [
                    {
                      "deletedRegion": {
                        "byteOffset": 11,
                        "byteLength": 0
                      },
                      "insertedContent": {
                        "text": ":3.20"
                      }
                    }
                  ]
                }
              ],
              "properties": {
                "applicability": "unsafe"
              }
            }
          ]
        }
      ]
    }
  ]
}
"#
        .replace("VERSION", env!("CARGO_PKG_VERSION"))
        .replace("INFO", &info)
        .replace("FP1", &prints[0].located("dir/my Dockerfile"))
        .replace("FP2", &prints[1].located("dir/my Dockerfile"));
        assert_eq!(out, expected);
    }

    #[test]
    fn fingerprints_ignore_line_numbers_and_are_pinned() {
        let d = diagnostics();
        let fps = |source: &str, shift: u32| {
            let d: Vec<Diagnostic> = d
                .iter()
                .cloned()
                .map(|mut d| {
                    d.range = TextRange::new(d.range.start + shift, d.range.end + shift);
                    d.fix = None;
                    d
                })
                .collect();
            let out = render_sarif(
                &[FileReport {
                    path: "Dockerfile",
                    source,
                    diagnostics: &d,
                }],
                &[],
            );
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            v["runs"][0]["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["partialFingerprints"]["dflint/v2"].clone())
                .collect::<Vec<_>>()
        };
        let before = fps(SOURCE, 0);
        let after = fps(&format!("# new\n{SOURCE}"), 6);
        assert_eq!(before, after);
        // Pinned: a change here is a breaking change for CI services that track findings.
        assert_eq!(before[1], "5e6bc217fdad3d4c774336478b8bdf19");
    }

    #[test]
    fn empty_file_list_is_a_valid_log_with_the_rule_table() {
        let out = render_sarif(&[], &rules());
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["version"], "2.1.0");
        assert_eq!(v["runs"][0]["results"], serde_json::json!([]));
        assert_eq!(v["runs"][0]["tool"]["driver"]["rules"][0]["id"], "DFL3006");
        let out = render_sarif(&[], &[]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            v["runs"][0]["tool"]["driver"]["rules"],
            serde_json::json!([])
        );
    }

    #[test]
    fn uris_and_names() {
        assert_eq!(artifact_uri("a/b:c/Dockerfile"), "a/b%3Ac/Dockerfile");
        assert_eq!(artifact_uri("/abs/é"), "file:///abs/%C3%A9");
        assert_eq!(artifact_uri("C:\\x\\Dockerfile"), "file:///C:/x/Dockerfile");
        assert_eq!(artifact_uri("100%.Dockerfile"), "100%25.Dockerfile");
        assert_eq!(pascal_case("no-apt-get-upgrade"), "NoAptGetUpgrade");
        assert_eq!(sentence("no-apt-get-upgrade"), "No apt get upgrade");
    }
}

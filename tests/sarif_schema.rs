//! dflint's SARIF output validates against the official SARIF 2.1.0 JSON schema (OASIS,
//! errata 01), vendored in `tests/data/` (see its README for where it comes from). The
//! validator runs offline: the schema is draft-04 and refers only to itself.

use dflint::fix::{Applicability, Edit, Fix};
use dflint::render::{FileReport, RuleInfo, render_sarif};
use dflint::syntax::TextRange;
use dflint::{Category, Diagnostic, Severity};
use serde_json::Value;

fn schema() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/sarif-schema-2.1.0.json"
    );
    let text = std::fs::read_to_string(path).expect("the vendored SARIF schema is readable");
    serde_json::from_str(&text).expect("the vendored SARIF schema is JSON")
}

/// Validates `sarif` against the schema, with format checks (`uri`, `date-time`) on, and
/// returns every error found.
fn schema_errors(sarif: &str) -> Vec<String> {
    let schema = schema();
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles offline");
    let instance: Value = serde_json::from_str(sarif).expect("SARIF output is JSON");
    validator
        .iter_errors(&instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

const BROKEN: &[(&str, &str)] = &[
    ("Dockerfile", "FROM alpine:3.20\nRUNN echo hi\n"),
    (
        "services/api/Dockerfile",
        "FROM golang:1.22 AS build\nCOPY --from=missing /out /out\nFROM build AS é🐳\nLABEL x=\"é🐳\" \\\n  y=1\n",
    ),
    ("./odd dir/Dockerfile.dev", "# only a comment\n"),
    ("scripts\\win\\Dockerfile", "ONBUILD\nFROM\nEXPOSE 80/tcp\n"),
];

/// A diagnostic with a fix of several edits (an insertion, a replacement, a deletion), which
/// no shipped rule needs to produce for the test to cover `fixes`.
fn fixed_diagnostic(source: &str) -> Diagnostic {
    let from = u32::try_from(source.find("alpine").unwrap()).unwrap();
    Diagnostic {
        code: "DFL3006",
        name: "untagged-image",
        category: Category::Rule,
        aliases: &["DL3006"],
        severity: Severity::Warning,
        message: "image `alpine` has no tag".into(),
        help: Some("pin a tag: `alpine:3.20`".into()),
        range: TextRange::new(from, from + 6),
        fix: Some(Fix::new(
            "Pin the tag",
            Applicability::Unsafe,
            vec![
                Edit::insert(from + 6, ":3.20"),
                Edit::replace(TextRange::new(0, 4), "FROM"),
                Edit::delete(TextRange::new(from + 7, from + 8)),
            ],
        )),
        related: Vec::new(),
    }
}

#[test]
fn sarif_output_validates_against_the_official_schema() {
    let checked: Vec<(&str, &str, Vec<Diagnostic>)> = BROKEN
        .iter()
        .map(|&(path, source)| (path, source, dflint::check(source)))
        .collect();
    let with_findings = checked.iter().filter(|(_, _, d)| !d.is_empty()).count();
    assert!(
        with_findings >= 2,
        "the fixtures should produce diagnostics: {checked:#?}"
    );
    let fixed_source = "FROM alpine x\n";
    let fixed = [fixed_diagnostic(fixed_source)];
    let mut files: Vec<FileReport<'_>> = checked
        .iter()
        .map(|(path, source, diagnostics)| FileReport {
            path,
            source,
            diagnostics,
        })
        .collect();
    files.push(FileReport {
        path: "fixed/Dockerfile",
        source: fixed_source,
        diagnostics: &fixed,
    });
    let rules = [
        RuleInfo {
            code: "DFL3006",
            name: "untagged-image",
            summary: "An image is used without a tag.",
            help_uri: "https://example.org/dflint/rules/DFL3006".into(),
            severity: Severity::Warning,
            categories: vec!["reproducibility", "security"],
        },
        RuleInfo {
            code: "DFL9999",
            name: "never-reported",
            summary: "A rule without documentation.",
            help_uri: String::new(),
            severity: Severity::Style,
            categories: Vec::new(),
        },
    ];
    let sarif = render_sarif(&files, &rules);
    let errors = schema_errors(&sarif);
    assert!(errors.is_empty(), "{errors:#?}\n{sarif}");

    // The log holds what the test means to validate.
    let log: Value = serde_json::from_str(&sarif).unwrap();
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    let total: usize = files.iter().map(|f| f.diagnostics.len()).sum();
    assert_eq!(results.len(), total);
    assert!(results.iter().any(|r| r["fixes"].is_array()));
    assert!(results.iter().any(|r| r["level"] == "error"));
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in results {
        let index = usize::try_from(r["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[index]["id"], r["ruleId"]);
    }
}

#[test]
fn empty_sarif_validates() {
    let errors = schema_errors(&render_sarif(&[], &[]));
    assert!(errors.is_empty(), "{errors:#?}");
}

/// The validator really checks: a log that breaks the schema is refused.
#[test]
fn the_schema_refuses_invalid_logs() {
    let sarif = render_sarif(&[], &[]);
    let mut log: Value = serde_json::from_str(&sarif).unwrap();
    log["runs"][0]["results"] = serde_json::json!([{
        "ruleId": "X",
        "level": "fatal",
        "message": {"text": "x"},
        "locations": [{"physicalLocation": {"region": {"startLine": 0}}}]
    }]);
    log["runs"][0]["unexpected"] = Value::Bool(true);
    let errors = schema_errors(&log.to_string());
    assert!(errors.len() >= 3, "{errors:#?}");
}

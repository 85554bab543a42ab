//! Presets and categories end to end: sample repositories whose `.dflint.toml` picks a
//! preset, and the command line's `--preset`, `--select` and `--ignore` with categories.

use std::path::Path;

mod common;
use common::{dflint, stderr, write};

/// A Dockerfile with findings of every category: correctness (DFL1001), security (DFL2001,
/// DFL2120, the preview DFL2134), performance (DFL3001, DFL3006), reproducibility (DFL4001,
/// also security; DFL4011), maintainability (DFL5021, the preview DFL5001) and style
/// (DFL6002).
const DOCKERFILE: &str = "\
FROM alpine:latest AS Build
RUN apk add curl
COPY --from=bulid /a /b
RUN sudo true
RUN chmod 777 /tmp/x
MAINTAINER me
";

/// A sample repository with the Dockerfile and this configuration.
fn repository(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", DOCKERFILE);
    if !config.is_empty() {
        write(dir.path(), ".dflint.toml", config);
    }
    dir
}

/// The codes `dflint check` reports in `dir`, sorted, with ShellCheck off.
fn codes(dir: &Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["check", "--format", "compact", "--shellcheck", "never"];
    args.extend(extra);
    let out = dflint(&args, dir);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut codes: Vec<String> = text
        .lines()
        .filter_map(|l| {
            let start = l.find('[')? + 1;
            let end = l[start..].find(']')? + start;
            Some(l[start..end].to_string())
        })
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

const RECOMMENDED: &[&str] = &[
    "DFL1001", "DFL2001", "DFL2120", "DFL3001", "DFL3006", "DFL4001", "DFL4011", "DFL5021",
    "DFL6002",
];

#[test]
fn each_preset_in_the_configuration_reports_its_rules() {
    let cases: &[(&str, Vec<&str>)] = &[
        ("preset = \"minimal\"\n", vec!["DFL1001", "DFL2120"]),
        ("preset = \"recommended\"\n", RECOMMENDED.to_vec()),
        (
            "preset = \"security\"\n",
            [RECOMMENDED, &["DFL2134"]].concat(),
        ),
        (
            "preset = \"strict\"\n",
            [RECOMMENDED, &["DFL2134", "DFL5001"]].concat(),
        ),
        // No configuration is `recommended`.
        ("", RECOMMENDED.to_vec()),
    ];
    for (config, expected) in cases {
        let dir = repository(config);
        let mut expected = expected.clone();
        expected.sort_unstable();
        assert_eq!(codes(dir.path(), &[]), expected, "{config}");
    }
}

#[test]
fn select_adds_to_the_preset_and_ignore_removes_categories() {
    let dir = repository("preset = \"minimal\"\nselect = [\"style\"]\nignore = [\"DFL2120\"]\n");
    assert_eq!(codes(dir.path(), &[]), ["DFL1001", "DFL6002"]);

    // Without a preset, `select` picks exactly; a category reaches a rule's further
    // categories too (DFL4001 is reproducibility and security).
    let dir = repository("select = [\"security\"]\n");
    assert_eq!(codes(dir.path(), &[]), ["DFL2001", "DFL2120", "DFL4001"]);

    // `size` is `performance`, in the configuration's severity table too.
    let dir = repository("ignore = [\"size\", \"maintainability\", \"reproducibility\"]\n");
    assert_eq!(
        codes(dir.path(), &[]),
        ["DFL1001", "DFL2001", "DFL2120", "DFL6002"]
    );
}

#[test]
fn command_line_presets_and_categories() {
    let dir = repository("");
    assert_eq!(
        codes(dir.path(), &["--select", "security", "--ignore", "style"]),
        ["DFL2001", "DFL2120", "DFL4001"]
    );
    assert_eq!(
        codes(
            dir.path(),
            &["--preset", "security", "--ignore", "style,performance"]
        ),
        [
            "DFL1001", "DFL2001", "DFL2120", "DFL2134", "DFL4001", "DFL4011", "DFL5021"
        ]
    );
    // `--preset` replaces the configuration's, `--select` adds to it.
    let dir = repository("preset = \"strict\"\n");
    assert_eq!(
        codes(dir.path(), &["--preset", "minimal", "--select", "DFL6002"]),
        ["DFL1001", "DFL2120", "DFL6002"]
    );
    // A category turns preview rules on only with `--preview`.
    let dir = repository("");
    assert_eq!(
        codes(dir.path(), &["--select", "maintainability"]),
        ["DFL5021"]
    );
    assert_eq!(
        codes(dir.path(), &["--select", "maintainability", "--preview"]),
        ["DFL5001", "DFL5021"]
    );
    // Severity overrides by category.
    let dir = repository("[severity]\nstyle = \"error\"\n");
    let out = dflint(
        &["check", "--format", "compact", "--select", "style"],
        dir.path(),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("error[DFL6002]"), "{text}");
}

#[test]
fn unknown_presets_and_categories_are_usage_errors() {
    let dir = repository("\npreset = \"paranoid\"\n");
    let out = dflint(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            ".dflint.toml:2:10: invalid preset `paranoid` for `preset` (expected `minimal`, \
             `recommended`, `security` or `strict`)"
        ),
        "{}",
        stderr(&out)
    );

    let dir = repository("ignore = [\"stlye\"]\n");
    let out = dflint(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            ".dflint.toml:1:11: unknown rule `stlye` in `ignore[0]` (did you mean `style`?)"
        ),
        "{}",
        stderr(&out)
    );

    let dir = repository("");
    let out = dflint(&["check", "--preset", "paranoid"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("invalid value 'paranoid' for '--preset <PRESET>'"));
    let out = dflint(&["check", "--select", "securty"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown rule `securty` (did you mean `security`?)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn exclude_skips_searched_files_but_not_named_ones() {
    let dir = repository("exclude = [\"fixtures\"]\n");
    write(
        dir.path(),
        "fixtures/bad/Dockerfile",
        "FROM alpine\nMAINTAINER x\n",
    );
    let out = dflint(&["check", "--format", "compact", "."], dir.path());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Dockerfile:1:"), "{text}");
    assert!(!text.contains("fixtures/"), "{text}");
    let out = dflint(
        &["check", "--format", "compact", "fixtures/bad/Dockerfile"],
        dir.path(),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("fixtures/bad/Dockerfile:2:1"), "{text}");
}

#[test]
fn rules_and_rule_show_categories_and_presets() {
    let dir = tempfile::tempdir().unwrap();
    let out = dflint(&["rules"], dir.path());
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text.lines().find(|l| l.starts_with("DFL4001")).unwrap();
    assert!(line.contains("reproducibility,security"), "{line}");
    let out = dflint(&["rule", "DFL4001"], dir.path());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("category: reproducibility,security")
            && text.contains("presets: recommended, security, strict"),
        "{text}"
    );
}

#[test]
fn sarif_rules_carry_their_categories_as_tags() {
    let dir = repository("");
    let out = dflint(&["check", "--format", "sarif"], dir.path());
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let base = rules.iter().find(|r| r["id"] == "DFL4001").unwrap();
    assert_eq!(
        base["properties"]["tags"],
        serde_json::json!(["reproducibility", "security"])
    );
}

#[test]
fn the_readme_lists_the_minimal_preset_as_defined() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let row = readme
        .lines()
        .find(|l| l.starts_with("| `minimal` |"))
        .expect("a `minimal` row");
    let listed: Vec<&str> = row
        .split('`')
        .filter(|w| w.starts_with("DFL") && w.len() == 7)
        .collect();
    assert_eq!(listed, dflint::config::MINIMAL);
}

//! Tests of rule selection, severity overrides and the three configuration formats.

use super::*;

const PINNED: RuleId<'static> = RuleId {
    code: "DFL3006",
    name: "unpinned-base-image",
    aliases: &["DL3006"],
    preview: false,
    category: None,
    also: &[],
};
const LATEST: RuleId<'static> = RuleId {
    code: "DFL3007",
    name: "latest-tag",
    aliases: &["DL3007"],
    preview: false,
    category: None,
    also: &[],
};
const SECRETS: RuleId<'static> = RuleId {
    code: "DFL4010",
    name: "secret-in-arg-or-env",
    aliases: &["DL3064", "SecretsUsedInArgOrEnv"],
    preview: false,
    category: None,
    also: &[],
};
const HEALTHCHECK: RuleId<'static> = RuleId {
    code: "DFL3057",
    name: "missing-healthcheck",
    aliases: &["DL3057"],
    preview: true,
    category: None,
    also: &[],
};
const KNOWN: &[RuleId<'static>] = &[PINNED, LATEST, SECRETS, HEALTHCHECK];

fn toml(text: &str) -> Config {
    parse_toml(text, ".dflint.toml").unwrap_or_else(|e| panic!("{e}"))
}

fn yaml(text: &str) -> Config {
    parse_yaml(text, ".dflint.yaml").unwrap_or_else(|e| panic!("{e}"))
}

fn hadolint(text: &str) -> Config {
    parse_hadolint_yaml(text, ".hadolint.yaml").unwrap_or_else(|e| panic!("{e}"))
}

/// The names of the known rules enabled for `path`.
fn enabled(config: &Config, path: &str) -> Vec<&'static str> {
    KNOWN
        .iter()
        .filter(|r| config.is_enabled(r, path))
        .map(|r| r.name)
        .collect()
}

fn toml_error(text: &str) -> ConfigError {
    match parse_toml(text, ".dflint.toml") {
        Ok(_) => panic!("expected an error for {text:?}"),
        Err(e) => e,
    }
}

fn yaml_error(text: &str) -> ConfigError {
    match parse_yaml(text, ".dflint.yaml") {
        Ok(_) => panic!("expected an error for {text:?}"),
        Err(e) => e,
    }
}

fn hadolint_error(text: &str) -> ConfigError {
    match parse_hadolint_yaml(text, ".hadolint.yaml") {
        Ok(_) => panic!("expected an error for {text:?}"),
        Err(e) => e,
    }
}

// Selection.

#[test]
fn by_default_stable_rules_run_and_preview_rules_do_not() {
    let config = Config::default();
    assert_eq!(
        enabled(&config, "Dockerfile"),
        ["unpinned-base-image", "latest-tag", "secret-in-arg-or-env"]
    );
    let preview = Config {
        preview: true,
        ..Config::default()
    };
    assert_eq!(enabled(&preview, "Dockerfile").len(), 4);
}

#[test]
fn select_names_exactly_the_rules_that_run() {
    for (selector, expected) in [
        ("DFL3006", &["unpinned-base-image"][..]),
        ("unpinned-base-image", &["unpinned-base-image"]),
        ("DL3006", &["unpinned-base-image"]),
        ("SecretsUsedInArgOrEnv", &["secret-in-arg-or-env"]),
        ("DFL3", &["unpinned-base-image", "latest-tag"]),
        ("DFL300", &["unpinned-base-image", "latest-tag"]),
        (
            "DFL",
            &["unpinned-base-image", "latest-tag", "secret-in-arg-or-env"],
        ),
        (
            "ALL",
            &["unpinned-base-image", "latest-tag", "secret-in-arg-or-env"],
        ),
        // Selectors ignore ASCII case, like inline pragmas.
        ("dl3006", &["unpinned-base-image"]),
        ("dfl3", &["unpinned-base-image", "latest-tag"]),
        (
            "all",
            &["unpinned-base-image", "latest-tag", "secret-in-arg-or-env"],
        ),
        // An alias is not a prefix: `DL300` names nothing.
        ("DL300", &[]),
    ] {
        let config = Config {
            select: vec![selector.into()],
            ..Config::default()
        };
        assert_eq!(
            enabled(&config, "Dockerfile"),
            expected,
            "select {selector}"
        );
    }
}

#[test]
fn preview_rules_need_preview_or_to_be_named() {
    for selector in ["ALL", "DFL3", "DFL305"] {
        let mut config = Config {
            select: vec![selector.into()],
            ..Config::default()
        };
        assert!(!config.is_enabled(&HEALTHCHECK, "Dockerfile"), "{selector}");
        config.preview = true;
        assert!(config.is_enabled(&HEALTHCHECK, "Dockerfile"), "{selector}");
    }
    for selector in ["DFL3057", "missing-healthcheck", "DL3057"] {
        let config = Config {
            select: vec![selector.into()],
            ..Config::default()
        };
        assert!(config.is_enabled(&HEALTHCHECK, "Dockerfile"), "{selector}");
    }
    // Named on top of the default set.
    let config = Config {
        select: vec!["ALL".into(), "DL3057".into()],
        ..Config::default()
    };
    assert_eq!(enabled(&config, "Dockerfile").len(), 4);
}

#[test]
fn ignore_wins_over_select_at_the_same_level() {
    let config = Config {
        select: vec!["DFL3006".into(), "DFL3007".into()],
        ignore: vec!["DL3006".into()],
        ..Config::default()
    };
    assert_eq!(enabled(&config, "Dockerfile"), ["latest-tag"]);
    // A prefix in `ignore` beats a rule named in `select`, preview rules included.
    let config = Config {
        select: vec!["DFL3057".into(), "DFL3006".into()],
        ignore: vec!["DFL3".into()],
        ..Config::default()
    };
    assert_eq!(enabled(&config, "Dockerfile"), Vec::<&str>::new());
    let config = Config {
        ignore: vec!["ALL".into()],
        ..Config::default()
    };
    assert_eq!(enabled(&config, "Dockerfile"), Vec::<&str>::new());
}

#[test]
fn per_path_overrides_apply_in_order_after_the_top_level() {
    let config = toml(
        r#"
ignore = ["latest-tag"]

[[per-path]]
paths = ["tests/**"]
ignore = ["DFL3"]

[[per-path]]
paths = ["tests/strict/**"]
select = ["DL3006", "DL3057"]

[[per-path]]
paths = ["legacy"]
select = ["DFL3007"]
ignore = ["DFL3007"]
"#,
    );
    assert_eq!(
        enabled(&config, "Dockerfile"),
        ["unpinned-base-image", "secret-in-arg-or-env"]
    );
    assert_eq!(
        enabled(&config, "tests/unit/Dockerfile"),
        ["secret-in-arg-or-env"]
    );
    // The later entry turns a rule back on, and a named preview rule on.
    assert_eq!(
        enabled(&config, "tests/strict/Dockerfile"),
        [
            "unpinned-base-image",
            "secret-in-arg-or-env",
            "missing-healthcheck"
        ]
    );
    // `ignore` wins over `select` within one entry.
    assert!(!config.is_enabled(&LATEST, "legacy/Dockerfile"));
    // A prefix in a per-path `select` does not reach preview rules.
    let config = toml("[[per-path]]\npaths = [\"*\"]\nselect = [\"DFL3\"]\n");
    assert!(!config.is_enabled(&HEALTHCHECK, "Dockerfile"));
}

#[test]
fn per_path_globs() {
    let config = |glob: &str| {
        let mut o = PathOverride::new(vec![glob.into()]).unwrap();
        o.ignore = vec!["ALL".into()];
        Config {
            per_path: vec![o],
            ..Config::default()
        }
    };
    let matches = |glob: &str, path: &str| !config(glob).is_enabled(&PINNED, path);
    // `*` stays within a directory, `**` crosses directories.
    assert!(matches("docker/*.Dockerfile", "docker/api.Dockerfile"));
    assert!(!matches("docker/*.Dockerfile", "docker/sub/api.Dockerfile"));
    assert!(matches(
        "docker/**/*.Dockerfile",
        "docker/sub/api.Dockerfile"
    ));
    // A glob without `/` matches a file name anywhere; a directory matches what it holds.
    assert!(matches("Dockerfile.dev", "services/api/Dockerfile.dev"));
    assert!(matches("*.dev", "Dockerfile.dev"));
    assert!(matches("examples", "examples/a/Dockerfile"));
    assert!(matches("examples/", "examples/Dockerfile"));
    assert!(matches("services/api", "services/api/Dockerfile"));
    assert!(!matches("services/api", "other/services/api/Dockerfile"));
    // Leading `./` and `/` and Windows separators are normalized.
    assert!(matches("./docker/*", "docker/Dockerfile"));
    assert!(matches("/docker/*", "./docker/Dockerfile"));
    assert!(matches("docker/*", "docker\\Dockerfile"));
    assert!(!matches("docker/*", "Dockerfile"));
    assert_eq!(PathOverride::new(vec!["[a".into()]).unwrap_err().0, 0);
    assert_eq!(config("a/**").per_path[0].paths(), ["a/**"]);
    assert!(config("a/**").per_path[0].matches("a/b"));
}

#[test]
fn severity_overrides_use_the_most_specific_selector() {
    let config = toml(
        r#"
[severity]
ALL = "info"
DFL = "style"
DFL30 = "error"
DL3006 = "warning"

[[per-path]]
paths = ["ci/**"]
severity = { DFL3 = "style" }

[[per-path]]
paths = ["ci/release/**"]
severity = { ALL = "error" }
"#,
    );
    let sev = |rule: &RuleId<'_>, path: &str| config.severity_for(rule, Severity::Info, path);
    assert_eq!(sev(&PINNED, "Dockerfile"), Severity::Warning);
    assert_eq!(sev(&LATEST, "Dockerfile"), Severity::Error);
    assert_eq!(sev(&SECRETS, "Dockerfile"), Severity::Style);
    // A per-path override comes after the top level whatever its specificity.
    assert_eq!(sev(&PINNED, "ci/Dockerfile"), Severity::Style);
    assert_eq!(sev(&SECRETS, "ci/Dockerfile"), Severity::Style);
    // Later entries win.
    assert_eq!(sev(&PINNED, "ci/release/Dockerfile"), Severity::Error);

    let empty = Config::default();
    assert_eq!(
        empty.severity_for(&PINNED, Severity::Warning, "Dockerfile"),
        Severity::Warning
    );
}

#[test]
fn rule_options_are_found_by_name_code_or_alias() {
    let config = toml(
        r#"
[rules.unpinned-base-image]
require-digest = true
allow = ["scratch", "busybox"]

[rules.DL3064]
names = { extra = ["MY_TOKEN"] }
"#,
    );
    let pinned = config.rule_options(&PINNED).unwrap();
    assert_eq!(pinned["require-digest"], serde_json::json!(true));
    assert_eq!(pinned["allow"], serde_json::json!(["scratch", "busybox"]));
    let secrets = config.rule_options(&SECRETS).unwrap();
    assert_eq!(secrets["names"], serde_json::json!({"extra": ["MY_TOKEN"]}));
    assert!(config.rule_options(&LATEST).is_none());
}

// Parsing.

const FULL_TOML: &str = r#"
select = ["ALL", "DL3057"]
ignore = ["DFL3007"]
fail-level = "warning"
preview = true
trusted-registries = ["docker.io", "*.example.com"]
strict-labels = true
disable-ignore-pragma = true
require-ignore-reason = true
required-labels = [
  "maintainer",
  { name = "org.opencontainers.image.source", schema = "url" },
]

[severity]
DL3006 = "error"

[[per-path]]
paths = ["tests/**", "examples"]
ignore = ["DFL3"]
severity = { ALL = "style" }

[rules.unpinned-base-image]
require-digest = true
"#;

const FULL_YAML: &str = r#"
select: [ALL, DL3057]
ignore:
  - DFL3007
fail-level: warning
preview: true
trusted-registries: [docker.io, "*.example.com"]
strict-labels: true
disable-ignore-pragma: true
require-ignore-reason: true
required-labels:
  - maintainer
  - name: org.opencontainers.image.source
    schema: url
severity:
  DL3006: error
per-path:
  - paths: ["tests/**", examples]
    ignore: [DFL3]
    severity: { ALL: style }
rules:
  unpinned-base-image:
    require-digest: true
"#;

fn assert_full(config: &Config, source: &str) {
    assert_eq!(config.select, ["ALL", "DL3057"]);
    assert_eq!(config.ignore, ["DFL3007"]);
    assert_eq!(config.fail_level, Some(Severity::Warning));
    assert!(!config.no_fail);
    assert!(config.preview);
    assert_eq!(config.trusted_registries, ["docker.io", "*.example.com"]);
    assert!(config.strict_labels);
    assert!(config.disable_ignore_pragma);
    assert!(config.require_ignore_reason);
    assert_eq!(
        config.required_labels,
        [
            RequiredLabel {
                name: "maintainer".into(),
                schema: None
            },
            RequiredLabel {
                name: "org.opencontainers.image.source".into(),
                schema: Some("url".into())
            }
        ]
    );
    assert_eq!(
        config.severity,
        BTreeMap::from([("DL3006".to_string(), Severity::Error)])
    );
    assert_eq!(config.per_path.len(), 1);
    let o = &config.per_path[0];
    assert_eq!(o.paths(), ["tests/**", "examples"]);
    assert_eq!(o.ignore, ["DFL3"]);
    assert!(o.select.is_empty());
    assert_eq!(
        o.severity,
        BTreeMap::from([("ALL".to_string(), Severity::Style)])
    );
    assert_eq!(
        config.rules["unpinned-base-image"]["require-digest"],
        serde_json::json!(true)
    );
    assert_eq!(config.source.as_deref(), Some(source));
    assert_eq!(config.dialect, Dialect::Dflint);
    assert!(config.warnings.is_empty());
    assert!(config.unknown_selectors(KNOWN).is_empty());
}

#[test]
fn toml_and_yaml_read_the_same_schema() {
    assert_full(&toml(FULL_TOML), ".dflint.toml");
    assert_full(&yaml(FULL_YAML), ".dflint.yaml");
    // Where selectors were written, for messages.
    let config = toml(FULL_TOML);
    assert_eq!(
        config.sites["ignore[0]"],
        Site {
            key: "ignore[0]".into(),
            line: 3,
            column: Some(11)
        }
    );
    assert_eq!(config.sites["per-path[0].ignore[0]"].line, 20);
    let config = yaml(FULL_YAML);
    assert_eq!(config.sites["severity.DL3006"].line, 16);
    assert_eq!(config.sites["rules.unpinned-base-image"].line, 22);
}

#[test]
fn empty_files_and_null_values_are_the_default() {
    for text in ["", "# nothing yet\n", "select:\nignore:\nper-path:\n"] {
        let config = yaml(text);
        assert!(config.select.is_empty() && config.ignore.is_empty());
        assert!(config.per_path.is_empty());
    }
    assert!(toml("").select.is_empty());
    let config = toml("fail-level = \"none\"\n");
    assert!(config.no_fail);
    assert_eq!(config.fail_level, None);
}

#[test]
fn a_realistic_hadolint_file_maps_onto_the_model() {
    let config = hadolint(
        r#"# Project lint settings.
failure-threshold: warning
ignored:
  - DL3008
  - SC2086
override:
  error:
    - DL3001
    - DL3002
  warning:
    - DL3042
  info:
    - DL3057
  style: []
trustedRegistries:
  - docker.io
  - my-company.com:5000
  - "*.gcr.io"
label-schema:
  author: text
  url: url
  version: semver
strict-labels: true
disable-ignore-pragma: false
no-fail: false
no-color: true
format: json
"#,
    );
    assert_eq!(config.dialect, Dialect::Hadolint);
    assert_eq!(config.fail_level, Some(Severity::Warning));
    assert!(!config.no_fail);
    assert_eq!(config.ignore, ["DL3008", "SC2086"]);
    assert_eq!(
        config.severity,
        BTreeMap::from([
            ("DL3001".to_string(), Severity::Error),
            ("DL3002".to_string(), Severity::Error),
            ("DL3042".to_string(), Severity::Warning),
            ("DL3057".to_string(), Severity::Info),
        ])
    );
    // An override turns its rule on, as in hadolint, on top of everything else.
    assert_eq!(
        config.select,
        ["ALL", "DL3001", "DL3002", "DL3042", "DL3057"]
    );
    assert!(config.is_enabled(&HEALTHCHECK, "Dockerfile"));
    assert!(config.is_enabled(&PINNED, "Dockerfile"));
    assert!(config.is_enabled(&LATEST, "Dockerfile"));
    assert_eq!(
        config.trusted_registries,
        ["docker.io", "my-company.com:5000", "*.gcr.io"]
    );
    assert_eq!(
        config.required_labels,
        [
            RequiredLabel {
                name: "author".into(),
                schema: Some("text".into())
            },
            RequiredLabel {
                name: "url".into(),
                schema: Some("url".into())
            },
            RequiredLabel {
                name: "version".into(),
                schema: Some("semver".into())
            },
        ]
    );
    assert!(config.strict_labels);
    assert!(!config.disable_ignore_pragma);
    // Output settings are accepted and reported as having no effect.
    let warnings: Vec<String> = config.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            ".hadolint.yaml:26:1: `no-color` has no effect in dflint (use `--color never` on the command line)",
            ".hadolint.yaml:27:1: `format` has no effect in dflint (use `--format` on the command line)",
        ]
    );
    // Unknown codes are reported where the hadolint file wrote them (ShellCheck's codes are
    // known).
    let unknown: Vec<String> = config
        .unknown_selectors(KNOWN)
        .into_iter()
        .map(|(s, e)| format!("{s} {e}"))
        .collect();
    assert_eq!(
        unknown,
        [
            "DL3008 .hadolint.yaml:4:5: unknown rule `DL3008` in `ignored[0]`",
            "DL3001 .hadolint.yaml:8:7: unknown rule `DL3001` in `override.error[0]`",
            "DL3002 .hadolint.yaml:9:7: unknown rule `DL3002` in `override.error[1]`",
            "DL3042 .hadolint.yaml:11:7: unknown rule `DL3042` in `override.warning[0]`",
        ]
    );
}

#[test]
fn hadolint_thresholds_and_registries() {
    let config = hadolint("failure-threshold: none\n");
    assert!(config.no_fail);
    assert_eq!(config.fail_level, None);
    let config = hadolint("failure-threshold: ignore\n");
    assert_eq!(config.fail_level, Some(Severity::Style));
    let config = hadolint("no-fail: true\nfailure-threshold: error\n");
    assert!(config.no_fail);
    assert_eq!(config.fail_level, Some(Severity::Error));
    let config = hadolint("trustedRegistries: docker.io\n");
    assert_eq!(config.trusted_registries, ["docker.io"]);
    let config = hadolint("override:\n  error:\nignored:\n");
    assert!(config.select.is_empty() && config.ignore.is_empty());
}

#[test]
fn yaml_is_read_as_hadolint_when_it_has_hadolint_keys() {
    let config = parse_yaml_or_hadolint("ignored: [DL3006]\n", "lint.yaml").unwrap();
    assert_eq!(config.dialect, Dialect::Hadolint);
    assert_eq!(config.ignore, ["DL3006"]);
    let config = parse_yaml_or_hadolint("ignore: [DL3006]\n", "lint.yaml").unwrap();
    assert_eq!(config.dialect, Dialect::Dflint);
    assert_eq!(config.ignore, ["DL3006"]);
    // Keys both schemas share do not decide.
    let config = parse_yaml_or_hadolint("strict-labels: true\n", "lint.yaml").unwrap();
    assert_eq!(config.dialect, Dialect::Dflint);
}

// Errors: every one has a line, and unknown keys a suggestion.

#[test]
fn unknown_keys_suggest_the_nearest_valid_key() {
    let e = toml_error("preview = true\n\n\nselekt = [\"DFL3\"]\n");
    assert_eq!(
        e.to_string(),
        ".dflint.toml:4:1: unknown key `selekt` (did you mean `select`?)"
    );
    assert_eq!(e.kind, ConfigErrorKind::UnknownKey);
    assert_eq!(e.key, "selekt");

    let e = yaml_error("trustedRegistries: [docker.io]\nfoo: 1\n");
    // Not a hadolint file for `parse_yaml`: a typo of ours.
    assert_eq!(
        e.to_string(),
        ".dflint.yaml:1:1: unknown key `trustedRegistries` (did you mean `trusted-registries`?)"
    );

    let e =
        toml_error("[[per-path]]\npaths = [\"a\"]\n\n[[per-path]]\npaths = [\"b\"]\nignor = []\n");
    assert_eq!(
        e.to_string(),
        ".dflint.toml:6:1: unknown key `ignor` in `per-path[1]` (did you mean `ignore`?)"
    );
    assert_eq!(e.key, "per-path[1].ignor");

    let e = yaml_error("colour: always\n");
    assert!(
        e.message
            .starts_with("unknown key `colour` (expected `preset`, `select`, `ignore`, "),
        "{e}"
    );
    assert_eq!(e.line, 1);

    let e = toml_error("required-labels = [{ name = \"a\", kind = \"url\" }]\n");
    assert_eq!(
        e.to_string(),
        ".dflint.toml:1:34: unknown key `kind` in `required-labels[0]` (expected `name` or `schema`)"
    );

    let e = hadolint_error("ignore:\n  - DL3006\n");
    assert_eq!(
        e.to_string(),
        ".hadolint.yaml:1:1: unknown key `ignore` (did you mean `ignored`?)"
    );
    let e = hadolint_error("override:\n  warn: [DL3006]\n");
    assert_eq!(
        e.to_string(),
        ".hadolint.yaml:2:3: unknown key `warn` in `override` (did you mean `warning`?)"
    );
    assert_eq!(e.key, "override.warn");
}

#[test]
fn wrong_types_name_the_key_and_what_was_found() {
    let cases = [
        (
            toml_error("preview = \"yes\"\n"),
            ".dflint.toml:1:11: `preview` must be `true` or `false`, not a string",
        ),
        (
            toml_error("\nselect = \"DFL3006\"\n"),
            ".dflint.toml:2:10: `select` must be an array, not a string",
        ),
        (
            yaml_error("select: DFL3006\n"),
            ".dflint.yaml:1:9: `select` must be a list, not a string",
        ),
        (
            yaml_error("ignore:\n  - DFL3006\n  - [DFL3007]\n"),
            ".dflint.yaml:3:5: `ignore[1]` must be a string, not a list",
        ),
        (
            toml_error("severity = [\"DFL3006\"]\n"),
            ".dflint.toml:1:12: `severity` must be a table, not an array",
        ),
        (
            toml_error("[severity]\nDFL3006 = 1\n"),
            ".dflint.toml:2:11: `severity.DFL3006` must be a string, not a number",
        ),
        (
            toml_error("[[per-path]]\npaths = [\"a\"]\n[[per-path]]\npaths = \"b\"\n"),
            ".dflint.toml:4:9: `per-path[1].paths` must be an array, not a string",
        ),
        (
            yaml_error("per-path: {paths: [a]}\n"),
            ".dflint.yaml:1:11: `per-path` must be a list, not a mapping",
        ),
        (
            toml_error("required-labels = [1]\n"),
            ".dflint.toml:1:20: `required-labels[0]` must be a label name or a table with \
             `name` and `schema`, not a number",
        ),
        (
            toml_error("[rules]\nunpinned-base-image = true\n"),
            ".dflint.toml:2:23: `rules.unpinned-base-image` must be a table of options, not a boolean",
        ),
        (
            toml_error("\nrequire-ignore-reason = \"yes\"\n"),
            ".dflint.toml:2:25: `require-ignore-reason` must be `true` or `false`, not a string",
        ),
        (
            yaml_error("- select\n"),
            ".dflint.yaml:1:1: the configuration must be a mapping, not a list",
        ),
        (
            hadolint_error("trustedRegistries: 5\n"),
            ".hadolint.yaml:1:20: `trustedRegistries` must be a registry or a list of registries, not a number",
        ),
        (
            hadolint_error("strict-labels: yes please\n"),
            ".hadolint.yaml:1:16: `strict-labels` must be `true` or `false`, not a string",
        ),
    ];
    for (e, expected) in cases {
        assert_eq!(e.to_string(), expected);
        assert_eq!(e.kind, ConfigErrorKind::WrongType, "{e}");
    }
}

#[test]
fn invalid_values_say_what_is_allowed() {
    let e = toml_error("[severity]\nDL3006 = \"warn\"\n");
    assert_eq!(
        e.to_string(),
        ".dflint.toml:2:10: invalid severity `warn` for `severity.DL3006` (did you mean `warning`?)"
    );
    assert_eq!(e.kind, ConfigErrorKind::InvalidValue);
    assert_eq!(e.key, "severity.DL3006");

    let e = yaml_error("severity:\n  DL3006: fatal\n");
    assert_eq!(
        e.to_string(),
        ".dflint.yaml:2:11: invalid severity `fatal` for `severity.DL3006` (expected `error`, \
         `warning`, `info` or `style`)"
    );

    let e = toml_error("fail-level = \"never\"\n");
    assert_eq!(
        e.to_string(),
        ".dflint.toml:1:14: invalid severity `never` for `fail-level` (expected `error`, \
         `warning`, `info`, `style` or `none`)"
    );

    let e = toml_error("[[per-path]]\npaths = [\"ok/**\", \"[bad\"]\n");
    assert_eq!(e.key, "per-path[0].paths[1]");
    assert_eq!((e.line, e.column), (2, Some(19)));
    assert!(
        e.message
            .starts_with("invalid glob `[bad` in `per-path[0].paths[1]`: "),
        "{e}"
    );

    let e = toml_error("[[per-path]]\npaths = []\n");
    assert_eq!(
        e.to_string(),
        ".dflint.toml:2:9: `per-path[0].paths` must list at least one glob"
    );

    let e = yaml_error("required-labels:\n  - name: version\n    schema: semvar\n");
    assert_eq!(
        e.to_string(),
        ".dflint.yaml:3:13: invalid label schema `semvar` for `required-labels[0].schema` (did \
         you mean `semver`?)"
    );

    let e = toml_error("select = [\"DFL3006, DFL3007\"]\n");
    assert_eq!(e.kind, ConfigErrorKind::InvalidValue);
    assert_eq!((e.line, e.key.as_str()), (1, "select[0]"));

    let e = toml_error("[rules.x]\nlimit = nan\n");
    assert_eq!(e.key, "rules.x.limit");
    assert_eq!(e.line, 2);

    let e = hadolint_error("failure-threshold: warn\n");
    assert_eq!(
        e.to_string(),
        ".hadolint.yaml:1:20: invalid failure threshold `warn` for `failure-threshold` (did you \
         mean `warning`?)"
    );
    let e = hadolint_error("label-schema:\n  author: name\n");
    assert_eq!(
        e.to_string(),
        ".hadolint.yaml:2:11: invalid label schema `name` for `label-schema.author` (expected \
         `text`, `url`, `semver`, `hash`, `rfc3339`, `spdx` or `email`)"
    );
}

#[test]
fn missing_keys_point_at_their_table() {
    let e = toml_error("preview = false\n\n[[per-path]]\nselect = [\"DFL3006\"]\n");
    assert_eq!(
        e.to_string(),
        ".dflint.toml:3:1: `per-path[0]` is missing the required key `paths`"
    );
    assert_eq!(e.kind, ConfigErrorKind::MissingKey);
    let e = yaml_error("required-labels:\n  - schema: url\n");
    assert_eq!(e.kind, ConfigErrorKind::MissingKey);
    assert_eq!((e.line, e.key.as_str()), (2, "required-labels[0]"));
}

#[test]
fn syntax_errors_have_lines() {
    let e = toml_error("select = [\"DFL3006\"]\nignore = [\n");
    assert_eq!(e.kind, ConfigErrorKind::Syntax);
    assert_eq!(e.line, 2);
    assert!(e.message.starts_with("invalid TOML: "), "{e}");

    let e = toml_error("preview = true\npreview = false\n");
    assert_eq!((e.kind, e.line), (ConfigErrorKind::Syntax, 2));

    let e = yaml_error("select: [DFL3006\n");
    assert_eq!((e.kind, e.line), (ConfigErrorKind::Syntax, 1));
    assert!(e.message.starts_with("invalid YAML: "), "{e}");

    let e = yaml_error("preview: true\npreview: false\n");
    assert_eq!((e.kind, e.line), (ConfigErrorKind::Syntax, 2));
    assert_eq!(e.message, "invalid YAML: duplicate mapping key: preview");

    let e = hadolint_error("ignored:\n  - DL3006\n - DL3007\n");
    assert_eq!((e.kind, e.line), (ConfigErrorKind::Syntax, 3));
}

#[test]
fn unknown_selectors_are_located_and_explained() {
    let config = toml(
        r#"select = ["DFL3006", "DFL3060", "DFL9"]
ignore = ["unpinned-base-imag"]

[severity]
"SecretsUsedInArgOrEnv" = "error"
DL9999 = "info"

[[per-path]]
paths = ["a"]
select = ["ALL", "dfl3"]

[rules.DFL3]
x = 1
"#,
    );
    let unknown: Vec<String> = config
        .unknown_selectors(KNOWN)
        .into_iter()
        .map(|(s, e)| format!("{s} {e}"))
        .collect();
    assert_eq!(
        unknown,
        [
            "DFL3060 .dflint.toml:1:22: unknown rule `DFL3060` in `select[1]` (did you mean `DFL3006`?)",
            "DFL9 .dflint.toml:1:33: unknown rule `DFL9` in `select[2]`",
            "unpinned-base-imag .dflint.toml:2:11: unknown rule `unpinned-base-imag` in `ignore[0]` \
             (did you mean `unpinned-base-image`?)",
            "DL9999 .dflint.toml:6:1: unknown rule `DL9999` in `severity.DL9999`",
            // A rule table names one rule: a prefix is not enough.
            "DFL3 .dflint.toml:12:8: unknown rule `DFL3` in `rules.DFL3`",
        ]
    );
    let (_, e) = &config.unknown_selectors(KNOWN)[0];
    assert_eq!(e.kind, ConfigErrorKind::UnknownRule);

    // A configuration built in code has no lines.
    let config = Config {
        ignore: vec!["nope".into()],
        ..Config::default()
    };
    let unknown = config.unknown_selectors(KNOWN);
    assert_eq!(
        unknown[0].1.to_string(),
        "<config>: unknown rule `nope` in `ignore[0]`"
    );

    assert_eq!(check_selector("DL3006", KNOWN), Ok(()));
    assert_eq!(check_selector("ALL", &[]), Ok(()));
    assert_eq!(check_selector("DFL3", KNOWN), Ok(()));
    assert_eq!(
        check_selector("latest-tags", KNOWN),
        Err("unknown rule `latest-tags` (did you mean `latest-tag`?)".into())
    );
}

// ShellCheck.

#[test]
fn shellcheck_mode_is_read_from_toml_and_yaml() {
    assert_eq!(toml("").shellcheck, None);
    assert_eq!(
        toml("shellcheck = \"always\"\n").shellcheck,
        Some(ShellCheckMode::Always)
    );
    assert_eq!(
        yaml("shellcheck: never\n").shellcheck,
        Some(ShellCheckMode::Never)
    );
    assert_eq!(
        yaml("shellcheck: auto\n").shellcheck,
        Some(ShellCheckMode::Auto)
    );
    let e = toml_error("shellcheck = \"alway\"\n");
    assert_eq!(e.kind, ConfigErrorKind::InvalidValue);
    assert!(
        e.message.contains("did you mean `always`?"),
        "{}",
        e.message
    );
    let e = toml_error("shellcheck = true\n");
    assert_eq!(e.kind, ConfigErrorKind::WrongType);
}

#[test]
fn engine_is_read_from_toml_and_yaml() {
    assert_eq!(toml("").engine, None);
    assert_eq!(
        toml("engine = \"podman\"\n").engine,
        Some(super::Engine::Podman)
    );
    assert_eq!(yaml("engine: docker\n").engine, Some(super::Engine::Docker));
    let e = toml_error("engine = \"podmann\"\n");
    assert_eq!(e.kind, ConfigErrorKind::InvalidValue);
    assert!(
        e.message.contains("did you mean `podman`?"),
        "{}",
        e.message
    );
}

#[test]
fn shellcheck_codes_are_known_selectors() {
    let config =
        toml("ignore = [\"SC2086\", \"shellcheck\", \"SC2\"]\n[severity]\nsc2154 = \"error\"\n");
    assert!(config.unknown_selectors(KNOWN).is_empty());
    assert!(check_selector("SC1091", KNOWN).is_ok());
    assert!(check_selector("SC10910", KNOWN).is_err());
    // A ShellCheck finding is selected like a rule.
    let sc2086 = RuleId {
        code: "SC2086",
        name: "shellcheck",
        aliases: &[],
        preview: false,
        category: None,
        also: &[],
    };
    assert!(Config::default().is_enabled(&sc2086, "Dockerfile"));
    assert!(!config.is_enabled(&sc2086, "Dockerfile"));
    assert!(!toml("select = [\"DFL\"]\n").is_enabled(&sc2086, "Dockerfile"));
    assert!(toml("select = [\"SC20\"]\n").is_enabled(&sc2086, "Dockerfile"));
}

/// Rules with categories, for the category and preset tests.
const STAGE: RuleId<'static> = RuleId {
    code: "DFL1001",
    name: "copy-from-unknown-stage",
    aliases: &[],
    preview: false,
    category: Some(RuleCategory::Correctness),
    also: &[],
};
const BASE: RuleId<'static> = RuleId {
    code: "DFL4001",
    name: "unpinned-base-image",
    aliases: &["DL3006"],
    preview: false,
    category: Some(RuleCategory::Reproducibility),
    also: &[RuleCategory::Security],
};
const WRITABLE: RuleId<'static> = RuleId {
    code: "DFL2134",
    name: "world-writable-permissions",
    aliases: &[],
    preview: true,
    category: Some(RuleCategory::Security),
    also: &[],
};
const CACHE: RuleId<'static> = RuleId {
    code: "DFL3006",
    name: "apk-cache-kept",
    aliases: &[],
    preview: false,
    category: Some(RuleCategory::Performance),
    also: &[],
};
const CASING: RuleId<'static> = RuleId {
    code: "DFL6002",
    name: "stage-name-casing",
    aliases: &[],
    preview: false,
    category: Some(RuleCategory::Style),
    also: &[],
};
const CATEGORIZED: &[RuleId<'static>] = &[STAGE, BASE, WRITABLE, CACHE, CASING];

fn categorized(config: &Config) -> Vec<&'static str> {
    CATEGORIZED
        .iter()
        .filter(|r| config.is_enabled(r, "Dockerfile"))
        .map(|r| r.code)
        .collect()
}

#[test]
fn categories_select_ignore_and_set_severity() {
    // A category reaches every rule that has it, as primary or further category.
    assert_eq!(categorized(&toml("select = [\"security\"]\n")), ["DFL4001"]);
    assert_eq!(
        categorized(&toml("select = [\"Security\"]\npreview = true\n")),
        ["DFL4001", "DFL2134"]
    );
    // `size` is `performance`.
    assert_eq!(categorized(&toml("select = [\"size\"]\n")), ["DFL3006"]);
    assert_eq!(
        categorized(&toml("ignore = [\"style\", \"reproducibility\"]\n")),
        ["DFL1001", "DFL3006"]
    );
    // Per path.
    let config = toml("[[per-path]]\npaths = [\"ci/**\"]\nignore = [\"correctness\"]\n");
    assert!(config.is_enabled(&STAGE, "Dockerfile"));
    assert!(!config.is_enabled(&STAGE, "ci/Dockerfile"));
    // A category is less specific than a code prefix and more than `ALL`.
    let config = toml(
        "[severity]\nALL = \"info\"\nsecurity = \"error\"\nDFL4 = \"style\"\nstyle = \"warning\"\n",
    );
    let severity = |r: &RuleId<'_>| config.severity_for(r, Severity::Info, "Dockerfile");
    assert_eq!(severity(&BASE), Severity::Style);
    assert_eq!(severity(&WRITABLE), Severity::Error);
    assert_eq!(severity(&CASING), Severity::Warning);
    assert_eq!(severity(&STAGE), Severity::Info);
    // Categories are known selectors, except where a selector must name one rule.
    assert!(check_selector("performance", CATEGORIZED).is_ok());
    assert!(check_selector("SIZE", CATEGORIZED).is_ok());
    let config = toml("ignore = [\"securty\"]\n[rules.style]\n");
    let unknown = config.unknown_selectors(CATEGORIZED);
    assert_eq!(unknown.len(), 2, "{unknown:?}");
    assert_eq!(
        unknown[0].1.to_string(),
        ".dflint.toml:1:11: unknown rule `securty` in `ignore[0]` (did you mean `security`?)"
    );
    assert_eq!(unknown[1].0, "style");
}

#[test]
fn presets_start_selection_select_adds_and_ignore_removes() {
    assert_eq!(
        categorized(&Config::default()),
        categorized(&toml("preset = \"recommended\"\n"))
    );
    assert_eq!(
        categorized(&toml("preset = \"recommended\"\n")),
        ["DFL1001", "DFL4001", "DFL3006", "DFL6002"]
    );
    assert_eq!(categorized(&toml("preset = \"minimal\"\n")), ["DFL1001"]);
    assert_eq!(
        categorized(&toml("preset = \"security\"\n")),
        ["DFL1001", "DFL4001", "DFL2134", "DFL3006", "DFL6002"]
    );
    assert_eq!(categorized(&toml("preset = \"strict\"\n")).len(), 5);
    // With a preset, `select` adds to it; without one, it picks exactly.
    assert_eq!(
        categorized(&toml("preset = \"minimal\"\nselect = [\"style\"]\n")),
        ["DFL1001", "DFL6002"]
    );
    assert_eq!(categorized(&toml("select = [\"style\"]\n")), ["DFL6002"]);
    // `ignore` removes from both.
    assert_eq!(
        categorized(&toml(
            "preset = \"strict\"\nignore = [\"security\", \"DFL6002\"]\n"
        )),
        ["DFL1001", "DFL3006"]
    );
    // An unknown preset is an error at its line.
    let e = toml_error("\npreset = \"strictest\"\n");
    assert_eq!(e.kind, ConfigErrorKind::InvalidValue);
    assert_eq!(
        e.to_string(),
        ".dflint.toml:2:10: invalid preset `strictest` for `preset` (did you mean `strict`?)"
    );
    let e = yaml_error("preset: all\n");
    assert!(
        e.message
            .contains("(expected `minimal`, `recommended`, `security` or `strict`)"),
        "{e}"
    );
}

#[test]
fn exclude_matches_like_per_path_globs() {
    let config = toml("exclude = [\"corpus\", \"tests/**/*.Dockerfile\"]\n");
    assert!(config.exclude.matches("corpus/syntax/a.Dockerfile"));
    assert!(config.exclude.matches("./tests/data/x/b.Dockerfile"));
    assert!(!config.exclude.matches("Dockerfile"));
    assert!(!Config::default().exclude.matches("corpus/a.Dockerfile"));
    let e = toml_error("exclude = [\"a\", \"b[\"]\n");
    assert_eq!(e.key, "exclude[1]");
    assert_eq!(e.line, 1);
}

#[test]
fn editor_settings_override_the_file_key_by_key() {
    let mut file = toml(
        "ignore = [\"DFL3007\"]\npreview = true\nfail-level = \"none\"\n\
         [severity]\nDFL3006 = \"error\"\n",
    );
    let (editor, keys) = parse_json(
        &serde_json::json!({"ignore": ["DFL3006"], "fail-level": "warning", "preview": null}),
        "editor settings",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // `null` leaves a key to the file.
    assert_eq!(keys, ["fail-level", "ignore"]);
    file.overlay(&editor, &keys);
    assert_eq!(file.ignore, ["DFL3006"]);
    assert_eq!(file.fail_level, Some(Severity::Warning));
    assert!(!file.no_fail);
    // What the editor does not set stays as the file has it.
    assert!(file.preview);
    assert_eq!(
        file.severity_for(&PINNED, Severity::Warning, "Dockerfile"),
        Severity::Error
    );
    assert_eq!(
        enabled(&file, "Dockerfile"),
        ["latest-tag", "secret-in-arg-or-env", "missing-healthcheck"]
    );
    // Where `ignore` was written is now the editor's.
    assert_eq!(file.sites.get("ignore[0]").map(|s| s.line), Some(0));
}

#[test]
fn editor_settings_are_checked_like_a_file() {
    let error = parse_json(
        &serde_json::json!({"selekt": ["DFL3006"]}),
        "editor settings",
    )
    .unwrap_err();
    assert_eq!(error.kind, ConfigErrorKind::UnknownKey);
    assert_eq!(
        error.to_string(),
        "editor settings: unknown key `selekt` (did you mean `select`?)"
    );
    let error = parse_json(&serde_json::json!({"preview": "yes"}), "editor settings").unwrap_err();
    assert_eq!(error.kind, ConfigErrorKind::WrongType);
    assert!(parse_json(&serde_json::json!(["x"]), "editor settings").is_err());
}

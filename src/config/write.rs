//! Writes configurations as `.dflint.toml` text: the commented starting file of
//! `dflint init`, and a hadolint configuration converted to dflint's schema.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Config, ConfigError, ConfigErrorKind, Preset, RuleId, Site, names_rule};
use crate::Severity;

/// The file `dflint init` writes: every top-level key with its default value and a line
/// saying what it does. It reads back as the default configuration.
#[must_use]
pub fn init_template() -> String {
    let mut presets = String::new();
    for preset in Preset::ALL {
        let _ = writeln!(
            presets,
            "#   {:<12} {}",
            preset.as_str(),
            preset.description()
        );
    }
    format!(
        "\
# dflint configuration. Every key is shown with its default value; the JSON schema is
# docs/dflint.schema.json in dflint's repository.
#
# A rule selector is a code (DFL4001), a name (unpinned-base-image), a hadolint code
# (DL3006), a category (correctness, security, performance or size, reproducibility,
# maintainability, style), a code prefix (DFL4) or ALL.

# The set of rules to start from:
{presets}preset = \"recommended\"

# Rules to add to the preset.
select = []

# Rules to turn off; wins over `select`.
ignore = []

# Also run the preview rules (new rules that may still change) that the preset, a
# category, a code prefix or ALL selects.
preview = false

# Exit with status 1 when a finding has at least this severity: error, warning, info,
# style, or none to never fail because of findings.
fail-level = \"info\"

# Files to skip when searching a directory: globs relative to this file's directory.
exclude = []

# Registries base images may come from, such as \"docker.io\" or \"*.example.com\"; empty
# means any.
trusted-registries = []

# Labels every image must set: \"name\" or {{ name = \"...\", schema = \"url\" }} (text, url,
# semver, hash, rfc3339, spdx or email).
required-labels = []

# Report labels that `required-labels` does not list.
strict-labels = false

# Make `# dflint ignore=` and `# hadolint ignore=` comments have no effect.
disable-ignore-pragma = false

# Require every ignore comment to say why: `reason=\"...\"` (or `-- why`).
require-ignore-reason = false

# Whose ignore file applies to a build context: docker (`<Dockerfile>.dockerignore`, then
# `.dockerignore`) or podman (`.containerignore`, then `.dockerignore`).
engine = \"docker\"

# When ShellCheck checks the scripts of RUN instructions: auto (when `shellcheck` is on
# PATH), always or never.
shellcheck = \"auto\"

# Severity overrides: selector = \"error\", \"warning\", \"info\" or \"style\". The most
# specific selector wins: a rule, then the longest code prefix, then a category, then ALL.
[severity]
# style = \"info\"

# Options of individual rules, by rule name.
[rules]
# unpinned-base-image = {{ require-digest = true }}

# Overrides for the files matching some globs, applied in order after the top level.
# [[per-path]]
# paths = [\"test/**\"]
# ignore = [\"security\"]
"
    )
}

/// A hadolint configuration in dflint's schema.
#[derive(Clone, Debug)]
pub struct Conversion {
    /// The `.dflint.toml` text.
    pub toml: String,
    /// What could not be carried over, each located in the hadolint file: codes no dflint
    /// rule answers to, and settings dflint takes from the command line.
    pub unmapped: Vec<ConfigError>,
    /// ShellCheck codes carried over: they apply only when ShellCheck runs.
    pub shellcheck_codes: Vec<String>,
}

/// Converts a configuration read from `.hadolint.yaml` (see
/// [`super::parse_hadolint_yaml`]) to `.dflint.toml` text. Codes are kept as written (they
/// are aliases of dflint's rules), each followed by a comment naming the rule; codes no rule
/// in `known` answers to are left out and listed in [`Conversion::unmapped`].
#[must_use]
pub fn hadolint_to_toml(config: &Config, known: &[RuleId<'_>]) -> Conversion {
    let unknown = config.unknown_selectors(known);
    let is_unknown = |s: &str| unknown.iter().any(|(u, _)| u == s);
    let mut unmapped: Vec<ConfigError> = config
        .warnings
        .iter()
        .filter(|w| w.kind == ConfigErrorKind::Unused)
        .cloned()
        .collect();
    unmapped.extend(unknown.iter().map(|(selector, e)| ConfigError {
        message: format!("`{selector}`: no dflint rule has this hadolint code"),
        ..e.clone()
    }));
    unmapped.sort_by_key(|e| (e.line, e.column));
    let mut shellcheck_codes: Vec<String> = config
        .select
        .iter()
        .chain(&config.ignore)
        .chain(config.severity.keys())
        .filter(|s| crate::shellcheck::is_selector(s))
        .cloned()
        .collect();
    shellcheck_codes.sort();
    shellcheck_codes.dedup();

    let source = config.source.as_deref().unwrap_or(".hadolint.yaml");
    let mut out = format!(
        "# dflint configuration, converted from {source} by `dflint init --from-hadolint`.\n\
         # hadolint codes are kept: dflint's rules answer to them.\n\n"
    );
    let rule_name = |selector: &str| -> Option<&str> {
        let mut matching = known.iter().filter(|r| names_rule(selector, r));
        let first = matching.next()?;
        (matching.next().is_none() && !first.code.eq_ignore_ascii_case(selector))
            .then_some(first.name)
    };
    let list = |out: &mut String, key: &str, selectors: &[&String]| {
        if selectors.is_empty() {
            return;
        }
        let _ = writeln!(out, "{key} = [");
        for s in selectors {
            let _ = write!(out, "    {},", quote(s));
            if let Some(name) = rule_name(s) {
                let _ = write!(out, " # {name}");
            }
            out.push('\n');
        }
        out.push_str("]\n");
    };
    // An `override` selects everything (`ALL`) plus the overridden codes.
    let mut select: Vec<&String> = config.select.iter().filter(|s| !is_unknown(s)).collect();
    if select
        .first()
        .is_some_and(|s| s.eq_ignore_ascii_case("ALL"))
    {
        select.remove(0);
        out.push_str(
            "# hadolint runs every rule; so does this preset, and `select` adds rules to it.\n",
        );
        let _ = writeln!(out, "preset = {}", quote(Preset::Recommended.as_str()));
    }
    select.dedup();
    list(&mut out, "select", &select);
    let ignore: Vec<&String> = config.ignore.iter().filter(|s| !is_unknown(s)).collect();
    list(&mut out, "ignore", &ignore);
    if config.no_fail {
        out.push_str("fail-level = \"none\"\n");
    } else if let Some(level) = config.fail_level {
        let _ = writeln!(out, "fail-level = {}", quote(level.as_str()));
    }
    if !config.trusted_registries.is_empty() {
        let items: Vec<String> = config.trusted_registries.iter().map(|r| quote(r)).collect();
        let _ = writeln!(out, "trusted-registries = [{}]", items.join(", "));
    }
    if !config.required_labels.is_empty() {
        out.push_str("required-labels = [\n");
        for label in &config.required_labels {
            match &label.schema {
                Some(schema) => {
                    let _ = writeln!(
                        out,
                        "    {{ name = {}, schema = {} }},",
                        quote(&label.name),
                        quote(schema)
                    );
                }
                None => {
                    let _ = writeln!(out, "    {},", quote(&label.name));
                }
            }
        }
        out.push_str("]\n");
    }
    if config.strict_labels {
        out.push_str("strict-labels = true\n");
    }
    if config.disable_ignore_pragma {
        out.push_str("disable-ignore-pragma = true\n");
    }
    let severity: BTreeMap<&String, Severity> = config
        .severity
        .iter()
        .filter(|(s, _)| !is_unknown(s))
        .map(|(s, v)| (s, *v))
        .collect();
    if !severity.is_empty() {
        out.push_str("\n[severity]\n");
        // In the order the file wrote them.
        let mut entries: Vec<(&String, Severity)> = severity.into_iter().collect();
        let line = |s: &str| {
            config
                .sites
                .get(&format!("severity.{s}"))
                .map_or(0, |site: &Site| site.line)
        };
        entries.sort_by_key(|(s, _)| line(s));
        for (s, level) in entries {
            let _ = write!(out, "{} = {}", key(s), quote(level.as_str()));
            if let Some(name) = rule_name(s) {
                let _ = write!(out, " # {name}");
            }
            out.push('\n');
        }
    }
    Conversion {
        toml: out,
        unmapped,
        shellcheck_codes,
    }
}

/// A TOML basic string. JSON's string escapes are all valid in TOML.
fn quote(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// A TOML key: bare when it can be.
fn key(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        s.to_string()
    } else {
        quote(s)
    }
}

#[cfg(test)]
mod tests {
    use super::super::read::TOP_KEYS;
    use super::super::{parse_hadolint_yaml, parse_toml};
    use super::*;

    #[test]
    fn the_template_reads_back_as_the_default_configuration() {
        let text = init_template();
        let config = parse_toml(&text, ".dflint.toml").unwrap_or_else(|e| panic!("{e}"));
        let default = Config::default();
        // Explicit defaults: the same behaviour as leaving the keys out.
        assert_eq!(config.preset, Some(Preset::Recommended));
        assert_eq!(config.fail_level, Some(Severity::Info));
        assert_eq!(config.shellcheck, Some(super::super::ShellCheckMode::Auto));
        assert!(config.select.is_empty() && config.ignore.is_empty());
        assert!(config.severity.is_empty() && config.rules.is_empty());
        assert!(config.per_path.is_empty() && config.exclude.globs().is_empty());
        assert_eq!(config.preview, default.preview);
        assert_eq!(config.no_fail, default.no_fail);
        assert!(config.trusted_registries.is_empty() && config.required_labels.is_empty());
        assert_eq!(config.strict_labels, default.strict_labels);
        assert_eq!(config.disable_ignore_pragma, default.disable_ignore_pragma);
        assert!(config.warnings.is_empty());
        for rule in crate::rules::registry::RULES {
            let id = rule.meta().id();
            assert_eq!(
                config.is_enabled(&id, "Dockerfile"),
                default.is_enabled(&id, "Dockerfile"),
                "{}",
                id.code
            );
        }
        // Every key is there, and every preset is named.
        for k in TOP_KEYS {
            assert!(
                text.contains(&format!("\n{k} = "))
                    || text.contains(&format!("\n[{k}]"))
                    || text.contains(&format!("# [[{k}]]")),
                "{k}"
            );
        }
        for p in Preset::NAMES {
            assert!(text.contains(&format!("#   {p} ")), "{p}");
        }
    }

    const HADOLINT: &str = "\
ignored:
  - DL3008
  - DL9999
  - SC2086
override:
  error:
    - DL3006
  info:
    - DL3059
    - DL4242
trustedRegistries:
  - docker.io
  - \"*.example.com\"
label-schema:
  author: text
  url: url
strict-labels: true
failure-threshold: warning
disable-ignore-pragma: true
no-color: true
format: json
verbose: true
";

    fn known() -> Vec<RuleId<'static>> {
        crate::rules::registry::RULES
            .iter()
            .map(|r| r.meta().id())
            .collect()
    }

    #[test]
    fn hadolint_settings_convert_and_the_rest_is_listed() {
        let hadolint = parse_hadolint_yaml(HADOLINT, ".hadolint.yaml").unwrap();
        let known = known();
        let conversion = hadolint_to_toml(&hadolint, &known);
        let unmapped: Vec<String> = conversion
            .unmapped
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            unmapped,
            [
                ".hadolint.yaml:3:5: `DL9999`: no dflint rule has this hadolint code",
                ".hadolint.yaml:10:7: `DL4242`: no dflint rule has this hadolint code",
                ".hadolint.yaml:20:1: `no-color` has no effect in dflint (use `--color never` \
                 on the command line)",
                ".hadolint.yaml:21:1: `format` has no effect in dflint (use `--format` on the \
                 command line)",
                ".hadolint.yaml:22:1: `verbose` has no effect in dflint",
            ]
        );
        assert_eq!(conversion.shellcheck_codes, ["SC2086"]);

        let toml = &conversion.toml;
        assert!(
            toml.contains("    \"DL3006\", # unpinned-base-image\n"),
            "{toml}"
        );
        assert!(
            toml.contains("DL3006 = \"error\" # unpinned-base-image\n"),
            "{toml}"
        );
        assert!(
            !toml.contains("DL9999") && !toml.contains("DL4242"),
            "{toml}"
        );

        // The written file reads back with the same meaning, and its codes are all known.
        let back = parse_toml(toml, ".dflint.toml").unwrap_or_else(|e| panic!("{e}\n{toml}"));
        assert!(back.unknown_selectors(&known).is_empty());
        assert_eq!(back.preset, Some(Preset::Recommended));
        assert_eq!(back.select, ["DL3006", "DL3059"]);
        assert_eq!(back.ignore, ["DL3008", "SC2086"]);
        assert_eq!(back.severity.len(), 2);
        assert_eq!(back.severity["DL3059"], Severity::Info);
        assert_eq!(back.fail_level, Some(Severity::Warning));
        assert_eq!(back.trusted_registries, hadolint.trusted_registries);
        assert_eq!(back.required_labels, hadolint.required_labels);
        assert!(back.strict_labels && back.disable_ignore_pragma);
        for id in &known {
            assert_eq!(
                back.is_enabled(id, "Dockerfile"),
                hadolint.is_enabled(id, "Dockerfile"),
                "{}",
                id.code
            );
        }
    }

    #[test]
    fn no_fail_and_plain_files_convert() {
        let hadolint = parse_hadolint_yaml("no-fail: true\n", ".hadolint.yaml").unwrap();
        let conversion = hadolint_to_toml(&hadolint, &known());
        assert!(conversion.unmapped.is_empty());
        let back = parse_toml(&conversion.toml, "x.toml").unwrap();
        assert!(back.no_fail);
        assert_eq!(back.preset, None);
        assert!(back.select.is_empty());
    }
}

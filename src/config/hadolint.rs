//! Reads hadolint's `.hadolint.yaml` into a [`Config`], so a project can switch to dflint
//! without rewriting its configuration. hadolint codes (`DL3006`, `SC2086`) are selectors
//! because dflint rules list them as aliases.

use super::error::{ConfigError, ConfigErrorKind};
use super::read::{Reader, child, index};
use super::tree::{self, Node, Value};
use super::{Config, Dialect, RequiredLabel};
use crate::Severity;

/// Every key of `.hadolint.yaml` (hadolint's `Configuration` type).
pub(crate) const KEYS: &[&str] = &[
    "ignored",
    "override",
    "trustedRegistries",
    "label-schema",
    "strict-labels",
    "failure-threshold",
    "no-fail",
    "no-color",
    "disable-ignore-pragma",
    "format",
    "formats",
    "verbose",
];

/// Keys that only hadolint's file has: a YAML file with one of them is a hadolint file.
pub(crate) const ONLY_HADOLINT_KEYS: &[&str] = &[
    "ignored",
    "override",
    "trustedRegistries",
    "label-schema",
    "failure-threshold",
    "no-fail",
    "no-color",
    "format",
    "formats",
    "verbose",
];

const OVERRIDE_KEYS: &[&str] = &["error", "warning", "info", "style"];

const THRESHOLDS: &[&str] = &["error", "warning", "info", "style", "ignore", "none"];

/// Parses `.hadolint.yaml` text.
///
/// `ignored` becomes `ignore`; `override.<level>` lists become severity overrides and also
/// select their rules (in hadolint an override is how rules that are off by default are
/// turned on), on top of `ALL`; `failure-threshold` becomes `fail_level` (`ignore` means any
/// finding fails, `none` means none does, which sets `no_fail`); `trustedRegistries`,
/// `label-schema`, `strict-labels`, `disable-ignore-pragma` and `no-fail` keep their meaning.
/// `no-color`, `verbose`, `format` and `formats` are accepted with a warning: dflint takes
/// them from the command line.
///
/// # Errors
/// The first syntax error, unknown key, wrong type or invalid value, with its line.
pub fn parse_hadolint_yaml(text: &str, source_name: &str) -> Result<Config, ConfigError> {
    let mut reader = Reader::new(source_name, true);
    let root = tree::parse_yaml(text).map_err(|f| reader.syntax(&f))?;
    read_hadolint(&mut reader, &root)
}

pub(crate) fn read_hadolint(r: &mut Reader<'_>, root: &Node) -> Result<Config, ConfigError> {
    let mut config = Config {
        source: Some(r.file.to_string()),
        dialect: Dialect::Hadolint,
        ..Config::default()
    };
    // Codes named by `override`, with where they were written, to select them.
    let mut overridden: Vec<(String, String, tree::Position)> = Vec::new();
    for entry in r.table(root, "")? {
        let node = &entry.value;
        if matches!(node.value, Value::Null) {
            continue;
        }
        let key = entry.key.as_str();
        match key {
            "ignored" => r.selectors(node, key, "ignore", &mut config.ignore)?,
            "override" => {
                for level in r.table(node, key)? {
                    let level_key = child(key, &level.key);
                    let Some(severity) = OVERRIDE_KEYS
                        .contains(&level.key.as_str())
                        .then(|| Severity::parse(&level.key))
                        .flatten()
                    else {
                        return Err(r.unknown_key(level, key, OVERRIDE_KEYS));
                    };
                    if matches!(level.value.value, Value::Null) {
                        continue;
                    }
                    for (i, item) in r.array(&level.value, &level_key)?.iter().enumerate() {
                        let item_key = index(&level_key, i);
                        let code = r.selector(r.string(item, &item_key)?, &item_key, item.pos)?;
                        r.site(format!("severity.{code}"), &item_key, item.pos);
                        config.severity.insert(code.clone(), severity);
                        overridden.push((code, item_key, item.pos));
                    }
                }
            }
            "trustedRegistries" => {
                config.trusted_registries = match &node.value {
                    Value::String(s) => vec![s.clone()],
                    _ => r.strings(node, key).map_err(|_| {
                        r.wrong_type(node, key, "a registry or a list of registries")
                    })?,
                };
            }
            "label-schema" => {
                for label in r.table(node, key)? {
                    let label_key = child(key, &label.key);
                    config.required_labels.push(RequiredLabel {
                        name: r.label_name(&label.key, &label_key, label.key_pos)?,
                        schema: Some(r.label_schema(&label.value, &label_key)?),
                    });
                }
            }
            "strict-labels" => config.strict_labels = r.bool(node, key)?,
            "disable-ignore-pragma" => config.disable_ignore_pragma = r.bool(node, key)?,
            "no-fail" => config.no_fail |= r.bool(node, key)?,
            "failure-threshold" => {
                let value = r.string(node, key)?;
                match value {
                    "none" => config.no_fail = true,
                    // Severity `ignore` findings are dropped, so every reported one fails.
                    "ignore" => config.fail_level = Some(Severity::Style),
                    _ => match Severity::parse(value) {
                        Some(severity) => config.fail_level = Some(severity),
                        None => {
                            return Err(r.invalid_choice(
                                "failure threshold",
                                value,
                                node,
                                key,
                                THRESHOLDS,
                            ));
                        }
                    },
                }
            }
            "no-color" | "verbose" | "format" | "formats" => {
                match key {
                    "no-color" | "verbose" => {
                        r.bool(node, key)?;
                    }
                    "format" => {
                        r.string(node, key)?;
                    }
                    _ => {
                        r.strings(node, key)?;
                    }
                }
                let hint = match key {
                    "no-color" => " (use `--color never` on the command line)",
                    "verbose" => "",
                    _ => " (use `--format` on the command line)",
                };
                config.warnings.push(r.error(
                    ConfigErrorKind::Unused,
                    key,
                    entry.key_pos,
                    format!("`{key}` has no effect in dflint{hint}"),
                ));
            }
            _ => return Err(r.unknown_key(entry, "", KEYS)),
        }
    }
    if !overridden.is_empty() {
        config.select.push("ALL".into());
        for (code, key, pos) in overridden {
            r.site(index("select", config.select.len()), &key, pos);
            config.select.push(code);
        }
    }
    config.sites = std::mem::take(&mut r.sites);
    Ok(config)
}

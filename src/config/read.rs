//! Reads dflint's own configuration schema (`.dflint.toml`, `.dflint.yaml`) from a
//! document tree, checking every key and value and keeping where each was written.

use std::collections::BTreeMap;

use super::error::{ConfigError, ConfigErrorKind, did_you_mean, one_of};
use super::tree::{self, Entry, Node, Position, SyntaxFailure, Value};
use super::{
    Config, Engine, Exclude, LABEL_SCHEMAS, PathOverride, Preset, RequiredLabel, ShellCheckMode,
    Site,
};
use crate::Severity;

/// The top-level keys of `.dflint.toml` and `.dflint.yaml`.
pub(crate) const TOP_KEYS: &[&str] = &[
    "preset",
    "select",
    "ignore",
    "severity",
    "fail-level",
    "preview",
    "per-path",
    "trusted-registries",
    "required-labels",
    "strict-labels",
    "disable-ignore-pragma",
    "require-ignore-reason",
    "shellcheck",
    "engine",
    "rules",
    "exclude",
];

/// The keys of a `per-path` entry.
pub(crate) const PER_PATH_KEYS: &[&str] = &["paths", "select", "ignore", "severity"];

/// The keys of a `required-labels` table.
pub(crate) const LABEL_KEYS: &[&str] = &["name", "schema"];

const SEVERITIES: &[&str] = &["error", "warning", "info", "style"];

/// Parses `.dflint.toml` text.
///
/// # Errors
/// The first syntax error, unknown key, wrong type or invalid value, with its line.
pub fn parse_toml(text: &str, source_name: &str) -> Result<Config, ConfigError> {
    let mut reader = Reader::new(source_name, false);
    let root = tree::parse_toml(text).map_err(|f| reader.syntax(&f))?;
    read_config(&mut reader, &root)
}

/// Parses `.dflint.yaml` text: the same schema as TOML.
///
/// # Errors
/// The first syntax error, unknown key, wrong type or invalid value, with its line.
pub fn parse_yaml(text: &str, source_name: &str) -> Result<Config, ConfigError> {
    let mut reader = Reader::new(source_name, true);
    let root = tree::parse_yaml(text).map_err(|f| reader.syntax(&f))?;
    read_config(&mut reader, &root)
}

/// Parses YAML text as dflint's schema or, when it has a key only hadolint's
/// `.hadolint.yaml` has (`ignored`, `override`, `trustedRegistries`, `failure-threshold`, ...),
/// as a hadolint configuration.
///
/// # Errors
/// The first syntax error, unknown key, wrong type or invalid value, with its line.
pub fn parse_yaml_or_hadolint(text: &str, source_name: &str) -> Result<Config, ConfigError> {
    let mut reader = Reader::new(source_name, true);
    let root = tree::parse_yaml(text).map_err(|f| reader.syntax(&f))?;
    let is_hadolint = match &root.value {
        Value::Table(entries) => entries
            .iter()
            .any(|e| super::hadolint::ONLY_HADOLINT_KEYS.contains(&e.key.as_str())),
        _ => false,
    };
    if is_hadolint {
        super::hadolint::read_hadolint(&mut reader, &root)
    } else {
        read_config(&mut reader, &root)
    }
}

/// Reads settings an editor sends: the configuration file's keys in a JSON object. Returns
/// the configuration and the keys set; a key whose value is `null` is not set.
///
/// # Errors
/// The first unknown key, wrong type or invalid value, with its key path.
pub fn parse_json(
    value: &serde_json::Value,
    source_name: &str,
) -> Result<(Config, Vec<String>), ConfigError> {
    let mut reader = Reader::new(source_name, false);
    let root = tree::from_json(value);
    let config = read_config(&mut reader, &root)?;
    let keys = match value {
        serde_json::Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, _)| k.clone())
            .collect(),
        _ => Vec::new(),
    };
    Ok((config, keys))
}

fn read_config(r: &mut Reader<'_>, root: &Node) -> Result<Config, ConfigError> {
    let mut config = Config {
        source: Some(r.file.to_string()),
        ..Config::default()
    };
    for entry in r.table(root, "")? {
        let node = &entry.value;
        if matches!(node.value, Value::Null) {
            continue;
        }
        let key = entry.key.as_str();
        match key {
            "preset" => {
                let value = r.string(node, key)?;
                config.preset =
                    Some(Preset::parse(value).ok_or_else(|| {
                        r.invalid_choice("preset", value, node, key, Preset::NAMES)
                    })?);
            }
            "select" => r.selectors(node, key, key, &mut config.select)?,
            "ignore" => r.selectors(node, key, key, &mut config.ignore)?,
            "severity" => r.severity_table(node, key, key, &mut config.severity)?,
            "exclude" => {
                let items = r.array(node, key)?;
                let globs = r.strings(node, key)?;
                config.exclude = Exclude::new(globs.clone()).map_err(|(i, reason)| {
                    let item_key = index(key, i);
                    r.error(
                        ConfigErrorKind::InvalidValue,
                        &item_key,
                        items.get(i).map_or(node.pos, |n| n.pos),
                        format!("invalid glob `{}` in `{item_key}`: {reason}", globs[i]),
                    )
                })?;
            }
            "fail-level" => {
                let value = r.string(node, key)?;
                if value == "none" {
                    config.no_fail = true;
                } else {
                    config.fail_level = Some(r.parse_severity(value, node, key, &["none"])?);
                }
            }
            "preview" => config.preview = r.bool(node, key)?,
            "per-path" => {
                for (i, item) in r.array(node, key)?.iter().enumerate() {
                    let path = index(key, i);
                    config.per_path.push(r.per_path(item, &path)?);
                }
            }
            "trusted-registries" => config.trusted_registries = r.strings(node, key)?,
            "required-labels" => {
                for (i, item) in r.array(node, key)?.iter().enumerate() {
                    let path = index(key, i);
                    config.required_labels.push(r.required_label(item, &path)?);
                }
            }
            "strict-labels" => config.strict_labels = r.bool(node, key)?,
            "disable-ignore-pragma" => config.disable_ignore_pragma = r.bool(node, key)?,
            "require-ignore-reason" => config.require_ignore_reason = r.bool(node, key)?,
            "shellcheck" => {
                let value = r.string(node, key)?;
                config.shellcheck = Some(ShellCheckMode::parse(value).ok_or_else(|| {
                    r.invalid_choice("value", value, node, key, ShellCheckMode::NAMES)
                })?);
            }
            "engine" => {
                let value = r.string(node, key)?;
                config.engine =
                    Some(Engine::parse(value).ok_or_else(|| {
                        r.invalid_choice("value", value, node, key, Engine::NAMES)
                    })?);
            }
            "rules" => {
                for rule in r.table(node, key)? {
                    let path = child(key, &rule.key);
                    let options = match &rule.value.value {
                        Value::Table(_) => match to_json(r, &rule.value, &path)? {
                            serde_json::Value::Object(map) => map,
                            _ => serde_json::Map::new(),
                        },
                        Value::Null => serde_json::Map::new(),
                        _ => return Err(r.wrong_type(&rule.value, &path, "a table of options")),
                    };
                    r.site(format!("rules.{}", rule.key), &path, rule.key_pos);
                    config.rules.insert(rule.key.clone(), options);
                }
            }
            _ => return Err(r.unknown_key(entry, "", TOP_KEYS)),
        }
    }
    config.sites = std::mem::take(&mut r.sites);
    Ok(config)
}

/// Converts a tree value to JSON, for rule options.
fn to_json(r: &Reader<'_>, node: &Node, path: &str) -> Result<serde_json::Value, ConfigError> {
    Ok(match &node.value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => serde_json::Value::Number(n.clone()),
        Value::NonFinite => {
            return Err(r.error(
                ConfigErrorKind::InvalidValue,
                path,
                node.pos,
                format!("`{path}` must be a finite number that fits in 64 bits"),
            ));
        }
        Value::String(s) | Value::Datetime(s) => serde_json::Value::String(s.clone()),
        Value::Array(items) => serde_json::Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| to_json(r, item, &index(path, i)))
                .collect::<Result<_, _>>()?,
        ),
        Value::Table(entries) => serde_json::Value::Object(
            entries
                .iter()
                .map(|e| Ok((e.key.clone(), to_json(r, &e.value, &child(path, &e.key))?)))
                .collect::<Result<_, ConfigError>>()?,
        ),
    })
}

/// `parent.key`, quoting a key that is not a bare word.
pub(crate) fn child(parent: &str, key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let key = if bare {
        key.to_string()
    } else {
        format!("{key:?}")
    };
    if parent.is_empty() {
        key
    } else {
        format!("{parent}.{key}")
    }
}

/// `parent[i]`.
pub(crate) fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

/// Reads values out of a tree, making located errors.
pub(crate) struct Reader<'f> {
    pub file: &'f str,
    /// Whether the document is YAML (type names say "list" and "mapping").
    pub yaml: bool,
    /// Where selectors and rule tables were written, by internal key path.
    pub sites: BTreeMap<String, Site>,
}

impl<'f> Reader<'f> {
    pub fn new(file: &'f str, yaml: bool) -> Self {
        Reader {
            file,
            yaml,
            sites: BTreeMap::new(),
        }
    }

    pub fn error(
        &self,
        kind: ConfigErrorKind,
        key: &str,
        pos: Position,
        message: impl Into<String>,
    ) -> ConfigError {
        ConfigError {
            file: self.file.to_string(),
            key: key.to_string(),
            line: pos.line,
            column: pos.column,
            kind,
            message: message.into(),
        }
    }

    pub fn syntax(&self, failure: &SyntaxFailure) -> ConfigError {
        let format = if self.yaml { "YAML" } else { "TOML" };
        let message = failure
            .message
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        self.error(
            ConfigErrorKind::Syntax,
            "",
            failure.pos,
            format!("invalid {format}: {message}"),
        )
    }

    /// Records where a selector or rule table was written.
    pub fn site(&mut self, internal: String, key: &str, pos: Position) {
        self.sites.insert(
            internal,
            Site {
                key: key.to_string(),
                line: pos.line,
                column: pos.column,
            },
        );
    }

    pub fn wrong_type(&self, node: &Node, key: &str, expected: &str) -> ConfigError {
        let what = if key.is_empty() {
            "the configuration".to_string()
        } else {
            format!("`{key}`")
        };
        self.error(
            ConfigErrorKind::WrongType,
            key,
            node.pos,
            format!(
                "{what} must be {expected}, not {}",
                node.value.type_name(self.yaml)
            ),
        )
    }

    pub fn unknown_key(&self, entry: &Entry, parent: &str, valid: &[&str]) -> ConfigError {
        let place = if parent.is_empty() {
            String::new()
        } else {
            format!(" in `{parent}`")
        };
        let hint = match did_you_mean(&entry.key, valid.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("expected {}", one_of(valid)),
        };
        self.error(
            ConfigErrorKind::UnknownKey,
            &child(parent, &entry.key),
            entry.key_pos,
            format!("unknown key `{}`{place} ({hint})", entry.key),
        )
    }

    pub fn table<'n>(&self, node: &'n Node, key: &str) -> Result<&'n [Entry], ConfigError> {
        match &node.value {
            Value::Table(entries) => Ok(entries),
            // An empty YAML document or `key:` with nothing after it.
            Value::Null => Ok(&[]),
            _ => Err(self.wrong_type(node, key, if self.yaml { "a mapping" } else { "a table" })),
        }
    }

    pub fn array<'n>(&self, node: &'n Node, key: &str) -> Result<&'n [Node], ConfigError> {
        match &node.value {
            Value::Array(items) => Ok(items),
            _ => Err(self.wrong_type(node, key, if self.yaml { "a list" } else { "an array" })),
        }
    }

    pub fn bool(&self, node: &Node, key: &str) -> Result<bool, ConfigError> {
        match node.value {
            Value::Bool(b) => Ok(b),
            _ => Err(self.wrong_type(node, key, "`true` or `false`")),
        }
    }

    pub fn string<'n>(&self, node: &'n Node, key: &str) -> Result<&'n str, ConfigError> {
        match &node.value {
            Value::String(s) => Ok(s),
            _ => Err(self.wrong_type(node, key, "a string")),
        }
    }

    /// A list of strings.
    pub fn strings(&self, node: &Node, key: &str) -> Result<Vec<String>, ConfigError> {
        self.array(node, key)?
            .iter()
            .enumerate()
            .map(|(i, item)| self.string(item, &index(key, i)).map(str::to_string))
            .collect()
    }

    /// One rule selector: a non-empty word.
    pub fn selector(&self, text: &str, key: &str, pos: Position) -> Result<String, ConfigError> {
        if text.is_empty() || text.contains(|c: char| c.is_whitespace() || c == ',') {
            return Err(self.error(
                ConfigErrorKind::InvalidValue,
                key,
                pos,
                format!(
                    "`{key}`: `{text}` is not a rule selector (write one code, name, alias, \
                     code prefix or `ALL` per item)"
                ),
            ));
        }
        Ok(text.to_string())
    }

    /// A list of selectors at `written` (as the file spells it), appended to `out`; each
    /// site is recorded as `internal[n]`, `n` counting from the end of `out`.
    pub fn selectors(
        &mut self,
        node: &Node,
        written: &str,
        internal: &str,
        out: &mut Vec<String>,
    ) -> Result<(), ConfigError> {
        for (i, item) in self.array(node, written)?.iter().enumerate() {
            let key = index(written, i);
            let selector = self.selector(self.string(item, &key)?, &key, item.pos)?;
            self.site(index(internal, out.len()), &key, item.pos);
            out.push(selector);
        }
        Ok(())
    }

    /// A table of selector -> severity, merged into `out`.
    pub fn severity_table(
        &mut self,
        node: &Node,
        written: &str,
        internal: &str,
        out: &mut BTreeMap<String, Severity>,
    ) -> Result<(), ConfigError> {
        for entry in self.table(node, written)? {
            let key = child(written, &entry.key);
            let selector = self.selector(&entry.key, &key, entry.key_pos)?;
            let value = self.string(&entry.value, &key)?;
            let severity = self.parse_severity(value, &entry.value, &key, &[])?;
            self.site(format!("{internal}.{selector}"), &key, entry.key_pos);
            out.insert(selector, severity);
        }
        Ok(())
    }

    /// `error`, `warning`, `info` or `style` (or one of `extra`, which the caller handles).
    pub fn parse_severity(
        &self,
        value: &str,
        node: &Node,
        key: &str,
        extra: &[&str],
    ) -> Result<Severity, ConfigError> {
        if let Some(severity) = Severity::parse(value) {
            return Ok(severity);
        }
        let valid: Vec<&str> = SEVERITIES.iter().chain(extra).copied().collect();
        Err(self.invalid_choice("severity", value, node, key, &valid))
    }

    /// An error for a value that is not one of `valid`.
    pub fn invalid_choice(
        &self,
        what: &str,
        value: &str,
        node: &Node,
        key: &str,
        valid: &[&str],
    ) -> ConfigError {
        let hint = match did_you_mean(value, valid.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("expected {}", one_of(valid)),
        };
        self.error(
            ConfigErrorKind::InvalidValue,
            key,
            node.pos,
            format!("invalid {what} `{value}` for `{key}` ({hint})"),
        )
    }

    fn per_path(&mut self, node: &Node, path: &str) -> Result<PathOverride, ConfigError> {
        let mut globs: Option<(Vec<String>, Vec<Position>)> = None;
        let mut select = Vec::new();
        let mut ignore = Vec::new();
        let mut severity = BTreeMap::new();
        for entry in self.table(node, path)? {
            let value = &entry.value;
            if matches!(value.value, Value::Null) {
                continue;
            }
            let key = child(path, &entry.key);
            match entry.key.as_str() {
                "paths" => {
                    let items = self.array(value, &key)?;
                    if items.is_empty() {
                        return Err(self.error(
                            ConfigErrorKind::InvalidValue,
                            &key,
                            value.pos,
                            format!("`{key}` must list at least one glob"),
                        ));
                    }
                    let strings = self.strings(value, &key)?;
                    globs = Some((strings, items.iter().map(|n| n.pos).collect()));
                }
                "select" => self.selectors(value, &key, &key, &mut select)?,
                "ignore" => self.selectors(value, &key, &key, &mut ignore)?,
                "severity" => self.severity_table(value, &key, &key, &mut severity)?,
                _ => return Err(self.unknown_key(entry, path, PER_PATH_KEYS)),
            }
        }
        let Some((globs, positions)) = globs else {
            return Err(self.error(
                ConfigErrorKind::MissingKey,
                path,
                node.pos,
                format!("`{path}` is missing the required key `paths`"),
            ));
        };
        let mut o = PathOverride::new(globs.clone()).map_err(|(i, reason)| {
            let key = index(&child(path, "paths"), i);
            self.error(
                ConfigErrorKind::InvalidValue,
                &key,
                positions.get(i).copied().unwrap_or(node.pos),
                format!("invalid glob `{}` in `{key}`: {reason}", globs[i]),
            )
        })?;
        o.select = select;
        o.ignore = ignore;
        o.severity = severity;
        Ok(o)
    }

    fn required_label(&self, node: &Node, path: &str) -> Result<RequiredLabel, ConfigError> {
        if let Value::String(name) = &node.value {
            return Ok(RequiredLabel {
                name: self.label_name(name, path, node.pos)?,
                schema: None,
            });
        }
        if !matches!(node.value, Value::Table(_)) {
            return Err(self.wrong_type(
                node,
                path,
                if self.yaml {
                    "a label name or a mapping with `name` and `schema`"
                } else {
                    "a label name or a table with `name` and `schema`"
                },
            ));
        }
        let mut name = None;
        let mut schema = None;
        for entry in self.table(node, path)? {
            let key = child(path, &entry.key);
            let value = &entry.value;
            match entry.key.as_str() {
                "name" => {
                    name = Some(self.label_name(self.string(value, &key)?, &key, value.pos)?);
                }
                "schema" if matches!(value.value, Value::Null) => {}
                "schema" => schema = Some(self.label_schema(value, &key)?),
                _ => return Err(self.unknown_key(entry, path, LABEL_KEYS)),
            }
        }
        let Some(name) = name else {
            return Err(self.error(
                ConfigErrorKind::MissingKey,
                path,
                node.pos,
                format!("`{path}` is missing the required key `name`"),
            ));
        };
        Ok(RequiredLabel { name, schema })
    }

    pub fn label_name(&self, name: &str, key: &str, pos: Position) -> Result<String, ConfigError> {
        if name.trim().is_empty() {
            return Err(self.error(
                ConfigErrorKind::InvalidValue,
                key,
                pos,
                format!("`{key}`: a label name cannot be empty"),
            ));
        }
        Ok(name.to_string())
    }

    /// One of [`LABEL_SCHEMAS`].
    pub fn label_schema(&self, node: &Node, key: &str) -> Result<String, ConfigError> {
        let value = self.string(node, key)?;
        if LABEL_SCHEMAS.contains(&value) {
            Ok(value.to_string())
        } else {
            Err(self.invalid_choice("label schema", value, node, key, LABEL_SCHEMAS))
        }
    }
}

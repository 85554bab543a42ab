//! The configuration model and rule selection: which rules run on which file and at which
//! severity, and the options rules read. Parses `.dflint.toml`, `.dflint.yaml` and
//! `.hadolint.yaml` text; never touches the filesystem (the CLI finds and reads the files).
//!
//! Selection, in order:
//!
//! 1. The top level starts from a set of rules: the `preset`'s when one is set (see
//!    [`Preset`]), and `select` adds rules to it; without a `preset`, the `recommended`
//!    preset (every stable rule, and preview rules too with `preview = true`) when `select`
//!    is empty, otherwise exactly the rules `select` names. Then every rule `ignore` names is
//!    off: `ignore` wins over `select`.
//! 2. Each `per-path` entry whose globs match the file, in the order written: a rule its
//!    `ignore` names is turned off, else a rule its `select` names is turned on. Later
//!    entries win.
//!
//! A selector is a code (`DFL3006`), a name (`unpinned-base-image`), an alias (`DL3006`,
//! `SecretsUsedInArgOrEnv`), a category (`security`, `size` for `performance`), a code prefix
//! (`DFL3`) or `ALL`, compared without regard to ASCII case. A category, a prefix or `ALL`
//! turns a preview rule on only with `preview = true`; naming the rule (code, name or alias)
//! turns it on regardless. Severity overrides use the most specific selector that matches (a
//! named rule, then the longest prefix, then a category, then `ALL`).

mod error;
mod hadolint;
mod preset;
mod read;
mod schema;
pub(crate) mod tree;
mod write;

use std::collections::BTreeMap;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::Severity;
use crate::diagnostic::RuleCategory;

pub use error::{ConfigError, ConfigErrorKind};
pub use hadolint::parse_hadolint_yaml;
pub use preset::{MINIMAL, Preset};
pub use read::{parse_json, parse_toml, parse_yaml, parse_yaml_or_hadolint};
pub use schema::json_schema;
pub use write::{Conversion, hadolint_to_toml, init_template};

/// The value types of hadolint's `label-schema`, accepted as `required-labels` schemas.
pub const LABEL_SCHEMAS: &[&str] = &["text", "url", "semver", "hash", "rfc3339", "spdx", "email"];

/// The file format a configuration was read from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// `.dflint.toml` or `.dflint.yaml`, or built in code.
    #[default]
    Dflint,
    /// `.hadolint.yaml`: its rule codes are hadolint's, which dflint may not all implement.
    Hadolint,
}

/// When ShellCheck runs on the RUN scripts (the `shellcheck` key, `--shellcheck`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ShellCheckMode {
    /// When the `shellcheck` binary is on `PATH`; silently skipped otherwise.
    #[default]
    Auto,
    /// Always; a missing binary is an error.
    Always,
    /// Never.
    Never,
}

impl ShellCheckMode {
    /// The values as written, in order.
    pub const NAMES: &[&str] = &["auto", "always", "never"];

    /// Parses `auto`, `always` or `never`.
    #[must_use]
    pub fn parse(s: &str) -> Option<ShellCheckMode> {
        match s {
            "auto" => Some(ShellCheckMode::Auto),
            "always" => Some(ShellCheckMode::Always),
            "never" => Some(ShellCheckMode::Never),
            _ => None,
        }
    }
}

/// The container engine whose build rules decide which ignore file applies to a build
/// context (the `engine` key, `--engine`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Engine {
    /// Docker (BuildKit): `<Dockerfile>.dockerignore` next to the Dockerfile, then the
    /// context's `.dockerignore`.
    #[default]
    Docker,
    /// Podman (Buildah): the context's `.containerignore`, then its `.dockerignore`.
    Podman,
}

impl Engine {
    /// The values as written, in order.
    pub const NAMES: &[&str] = &["docker", "podman"];

    /// Parses `docker` or `podman`.
    #[must_use]
    pub fn parse(s: &str) -> Option<Engine> {
        match s {
            "docker" => Some(Engine::Docker),
            "podman" => Some(Engine::Podman),
            _ => None,
        }
    }
}

/// A finished configuration, as [`crate::check`] and the CLI use it.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The set of rules selection starts from (`None`: `recommended` when `select` is
    /// empty, otherwise nothing).
    pub preset: Option<Preset>,
    /// Rule selectors to enable: added to the `preset`, or without one, when not empty,
    /// exactly the rules enabled.
    pub select: Vec<String>,
    /// Rule selectors to disable; wins over `select`.
    pub ignore: Vec<String>,
    /// Severity overrides by selector.
    pub severity: BTreeMap<String, Severity>,
    /// Exit with 1 when a finding has at least this severity (`None`: the CLI's default).
    pub fail_level: Option<Severity>,
    /// Never exit with 1 because of findings (hadolint's `no-fail` and
    /// `failure-threshold: none`; ours is `fail-level = "none"`).
    pub no_fail: bool,
    /// Enable preview rules selected by prefix or `ALL` (or by default).
    pub preview: bool,
    /// Overrides for files matching globs, applied in order after the top level.
    pub per_path: Vec<PathOverride>,
    /// Registries base images may come from (empty: any).
    pub trusted_registries: Vec<String>,
    /// Labels every image must have.
    pub required_labels: Vec<RequiredLabel>,
    /// Labels other than `required_labels` are reported.
    pub strict_labels: bool,
    /// Per-rule options by rule name (or code or alias), such as
    /// `unpinned-base-image = { require-digest = true }`, as written.
    pub rules: BTreeMap<String, serde_json::Map<String, serde_json::Value>>,
    /// Inline `# dflint ignore=` and `# hadolint ignore=` pragmas have no effect.
    pub disable_ignore_pragma: bool,
    /// Every `# dflint` and `# hadolint` suppression pragma must give a reason; one that
    /// does not is reported.
    pub require_ignore_reason: bool,
    /// When ShellCheck runs on the RUN scripts (`None`: not set, which means
    /// [`ShellCheckMode::Auto`] unless the command line says otherwise).
    pub shellcheck: Option<ShellCheckMode>,
    /// The engine whose ignore files apply (`None`: not set, which means
    /// [`Engine::Docker`] unless the command line says otherwise).
    pub engine: Option<Engine>,
    /// Files that searching a directory skips (files named on the command line are still
    /// checked).
    pub exclude: Exclude,
    /// Where the configuration was loaded from, for messages.
    pub source: Option<String>,
    /// The format it was read from.
    pub dialect: Dialect,
    /// Settings that were accepted but have no effect, for the CLI to show as warnings.
    pub warnings: Vec<ConfigError>,
    /// Where each selector and rule table was written, keyed by [`Config::selector_entries`]
    /// paths; empty for a configuration built in code.
    pub sites: BTreeMap<String, Site>,
}

/// Where a value was written: the key path as the file spells it, and the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    /// The key path as written, such as `per-path[0].ignore[1]` or `override.error[2]`.
    pub key: String,
    /// 1-based.
    pub line: u32,
    /// 1-based, when known.
    pub column: Option<u32>,
}

/// A rule as selection sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleId<'a> {
    /// The code, such as `DFL3006`.
    pub code: &'a str,
    /// The kebab-case name, such as `unpinned-base-image`.
    pub name: &'a str,
    /// Codes of other tools: `DL3006`, `SecretsUsedInArgOrEnv`.
    pub aliases: &'a [&'a str],
    /// Whether the rule is in preview.
    pub preview: bool,
    /// The primary category (`None` for codes that are not rules: syntax errors, build
    /// problems, ShellCheck findings).
    pub category: Option<RuleCategory>,
    /// Further categories.
    pub also: &'a [RuleCategory],
}

impl RuleId<'_> {
    /// Whether the rule belongs to `category`.
    #[must_use]
    pub fn in_category(&self, category: RuleCategory) -> bool {
        self.category == Some(category) || self.also.contains(&category)
    }
}

/// Selection and severity overrides for files matching some globs.
#[derive(Clone, Debug)]
pub struct PathOverride {
    paths: Vec<String>,
    matcher: GlobSet,
    /// Selectors to enable for these files.
    pub select: Vec<String>,
    /// Selectors to disable for these files; wins over this entry's `select`.
    pub ignore: Vec<String>,
    /// Severity overrides for these files.
    pub severity: BTreeMap<String, Severity>,
}

/// Globs of files that searching a directory skips, relative to the configuration's
/// directory (the same glob rules as `per-path`).
#[derive(Clone, Debug, Default)]
pub struct Exclude {
    globs: Vec<String>,
    matcher: GlobSet,
}

impl Exclude {
    /// Files matching any of `globs`.
    ///
    /// # Errors
    /// When a glob is invalid: its index in `globs` and the reason.
    pub fn new(globs: Vec<String>) -> Result<Self, (usize, String)> {
        let matcher = PathOverride::new(globs.clone())?.matcher;
        Ok(Exclude { globs, matcher })
    }

    /// The globs as written.
    #[must_use]
    pub fn globs(&self) -> &[String] {
        &self.globs
    }

    /// Whether `path` (relative to the configuration's directory, `/`-separated) is
    /// excluded.
    #[must_use]
    pub fn matches(&self, path: &str) -> bool {
        !self.globs.is_empty() && self.matcher.is_match(normalize_path(path))
    }
}

/// A label that every image must set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequiredLabel {
    pub name: String,
    /// The kind of value, one of [`LABEL_SCHEMAS`] (`None`: any text).
    pub schema: Option<String>,
}

impl PathOverride {
    /// An override for files matching any of `paths`, with nothing selected yet.
    ///
    /// Globs match the `/`-separated path relative to the configuration's directory: `*`
    /// stops at `/`, `**` crosses it. A glob without `/` also matches a file name in any
    /// directory, and a glob naming a directory matches the files under it.
    ///
    /// # Errors
    /// When a glob is invalid: its index in `paths` and the reason.
    pub fn new(paths: Vec<String>) -> Result<Self, (usize, String)> {
        let mut builder = GlobSetBuilder::new();
        for (i, path) in paths.iter().enumerate() {
            for pattern in expand_glob(path) {
                let glob = GlobBuilder::new(&pattern)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| (i, e.kind().to_string()))?;
                builder.add(glob);
            }
        }
        let matcher = builder.build().map_err(|e| (0, e.kind().to_string()))?;
        Ok(PathOverride {
            paths,
            matcher,
            select: Vec::new(),
            ignore: Vec::new(),
            severity: BTreeMap::new(),
        })
    }

    /// The globs as written.
    #[must_use]
    pub fn paths(&self) -> &[String] {
        &self.paths
    }

    /// Whether the override applies to `path` (relative, `/`-separated).
    #[must_use]
    pub fn matches(&self, path: &str) -> bool {
        self.matcher.is_match(normalize_path(path))
    }
}

/// The globset patterns for one glob as written.
fn expand_glob(glob: &str) -> Vec<String> {
    let glob = glob.trim_start_matches("./").trim_start_matches('/');
    let glob = glob.trim_end_matches('/');
    let mut patterns = vec![glob.to_string(), format!("{glob}/**")];
    if !glob.contains('/') {
        patterns.push(format!("**/{glob}"));
        patterns.push(format!("**/{glob}/**"));
    }
    patterns
}

fn normalize_path(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut path = path.as_str();
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    path.to_string()
}

/// How specifically a selector names a rule: `None` when it does not match.
fn specificity(selector: &str, rule: &RuleId<'_>) -> Option<Match> {
    if selector.eq_ignore_ascii_case("ALL") {
        return Some(Match::All);
    }
    if names_rule(selector, rule) {
        return Some(Match::Named);
    }
    if let Some(category) = RuleCategory::parse(selector) {
        return rule.in_category(category).then_some(Match::Category);
    }
    let prefix = rule.code.get(..selector.len())?;
    (!selector.is_empty() && prefix.eq_ignore_ascii_case(selector))
        .then_some(Match::Prefix(selector.len()))
}

fn names_rule(selector: &str, rule: &RuleId<'_>) -> bool {
    selector.eq_ignore_ascii_case(rule.code)
        || selector.eq_ignore_ascii_case(rule.name)
        || rule
            .aliases
            .iter()
            .any(|a| selector.eq_ignore_ascii_case(a))
}

/// A selector match, ordered from least to most specific.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Match {
    /// `ALL`.
    All,
    /// A category the rule belongs to.
    Category,
    /// A code prefix of this length.
    Prefix(usize),
    /// The rule's code, name or an alias.
    Named,
}

/// Whether any selector turns the rule on: a group selector (category, prefix, `ALL`)
/// reaches a preview rule only with `preview`.
fn any_enables(selectors: &[String], rule: &RuleId<'_>, preview: bool) -> bool {
    selectors.iter().any(|s| match specificity(s, rule) {
        Some(Match::Named) => true,
        Some(_) => preview || !rule.preview,
        None => false,
    })
}

/// Whether any selector names the rule, preview or not.
fn any_matches(selectors: &[String], rule: &RuleId<'_>) -> bool {
    selectors.iter().any(|s| specificity(s, rule).is_some())
}

fn most_specific(overrides: &BTreeMap<String, Severity>, rule: &RuleId<'_>) -> Option<Severity> {
    overrides
        .iter()
        .filter_map(|(s, severity)| specificity(s, rule).map(|m| (m, *severity)))
        .max_by_key(|(m, _)| *m)
        .map(|(_, severity)| severity)
}

impl Config {
    /// Puts the settings of `other` under the top-level `keys` (as the file spells them,
    /// such as `fail-level`) in place of this configuration's own: settings an editor sends
    /// override the configuration file key by key.
    pub fn overlay(&mut self, other: &Config, keys: &[String]) {
        for key in keys {
            match key.as_str() {
                "preset" => self.preset = other.preset,
                "select" => self.select.clone_from(&other.select),
                "ignore" => self.ignore.clone_from(&other.ignore),
                "severity" => self.severity.clone_from(&other.severity),
                "fail-level" => {
                    self.fail_level = other.fail_level;
                    self.no_fail = other.no_fail;
                }
                "preview" => self.preview = other.preview,
                "per-path" => self.per_path.clone_from(&other.per_path),
                "trusted-registries" => {
                    self.trusted_registries
                        .clone_from(&other.trusted_registries);
                }
                "required-labels" => self.required_labels.clone_from(&other.required_labels),
                "strict-labels" => self.strict_labels = other.strict_labels,
                "disable-ignore-pragma" => self.disable_ignore_pragma = other.disable_ignore_pragma,
                "require-ignore-reason" => self.require_ignore_reason = other.require_ignore_reason,
                "shellcheck" => self.shellcheck = other.shellcheck,
                "engine" => self.engine = other.engine,
                "rules" => self.rules.clone_from(&other.rules),
                "exclude" => self.exclude = other.exclude.clone(),
                _ => continue,
            }
            // Where the replaced settings were written no longer applies.
            let written_under = |path: &str| {
                path == key.as_str()
                    || path
                        .strip_prefix(key.as_str())
                        .is_some_and(|rest| rest.starts_with(['[', '.']))
            };
            self.sites.retain(|path, _| !written_under(path));
            self.sites.extend(
                other
                    .sites
                    .iter()
                    .filter(|(path, _)| written_under(path))
                    .map(|(p, s)| (p.clone(), s.clone())),
            );
        }
    }

    /// Whether the rule runs on the file at `path` (relative to the configuration's
    /// directory, `/`-separated).
    #[must_use]
    pub fn is_enabled(&self, rule: &RuleId<'_>, path: &str) -> bool {
        let mut enabled = match self.preset {
            Some(preset) => {
                preset.includes(rule, self.preview) || any_enables(&self.select, rule, self.preview)
            }
            None if self.select.is_empty() => Preset::Recommended.includes(rule, self.preview),
            None => any_enables(&self.select, rule, self.preview),
        };
        if any_matches(&self.ignore, rule) {
            enabled = false;
        }
        if self.per_path.is_empty() {
            return enabled;
        }
        let path = normalize_path(path);
        for o in self.per_path.iter().filter(|o| o.matcher.is_match(&path)) {
            if any_matches(&o.ignore, rule) {
                enabled = false;
            } else if any_enables(&o.select, rule, self.preview) {
                enabled = true;
            }
        }
        enabled
    }

    /// The rule's severity for the file at `path`: `default` unless an override applies.
    #[must_use]
    pub fn severity_for(&self, rule: &RuleId<'_>, default: Severity, path: &str) -> Severity {
        let mut severity = most_specific(&self.severity, rule).unwrap_or(default);
        if self.per_path.is_empty() {
            return severity;
        }
        let path = normalize_path(path);
        for o in self.per_path.iter().filter(|o| o.matcher.is_match(&path)) {
            if let Some(s) = most_specific(&o.severity, rule) {
                severity = s;
            }
        }
        severity
    }

    /// The options of the rule's `rules` table (looked up by name, then code, then alias).
    #[must_use]
    pub fn rule_options(
        &self,
        rule: &RuleId<'_>,
    ) -> Option<&serde_json::Map<String, serde_json::Value>> {
        self.rules
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(rule.name))
            .or_else(|| self.rules.iter().find(|(key, _)| names_rule(key, rule)))
            .map(|(_, options)| options)
    }

    /// Every selector in the configuration with its key path (`select[0]`,
    /// `severity.DL3006`, `per-path[1].ignore[0]`, `rules.unpinned-base-image`) and whether
    /// it must name one rule (true for `rules` keys, where prefixes and `ALL` make no sense).
    #[must_use]
    pub fn selector_entries(&self) -> Vec<(String, &str, bool)> {
        fn push_level<'c>(
            out: &mut Vec<(String, &'c str, bool)>,
            prefix: &str,
            select: &'c [String],
            ignore: &'c [String],
            severity: &'c BTreeMap<String, Severity>,
        ) {
            for (i, s) in select.iter().enumerate() {
                out.push((format!("{prefix}select[{i}]"), s, false));
            }
            for (i, s) in ignore.iter().enumerate() {
                out.push((format!("{prefix}ignore[{i}]"), s, false));
            }
            for s in severity.keys() {
                out.push((format!("{prefix}severity.{s}"), s, false));
            }
        }
        let mut out = Vec::new();
        push_level(&mut out, "", &self.select, &self.ignore, &self.severity);
        for (i, o) in self.per_path.iter().enumerate() {
            let prefix = format!("per-path[{i}].");
            push_level(&mut out, &prefix, &o.select, &o.ignore, &o.severity);
        }
        for name in self.rules.keys() {
            out.push((format!("rules.{name}"), name, true));
        }
        out
    }

    /// The selectors that name no known rule, each with an error saying where it is and
    /// what it might have meant, in the order of the file.
    #[must_use]
    pub fn unknown_selectors(&self, known: &[RuleId<'_>]) -> Vec<(String, ConfigError)> {
        let mut out: Vec<(String, ConfigError)> = self
            .selector_entries()
            .into_iter()
            .filter_map(|(path, selector, exact)| {
                let message = check_selector_inner(selector, known, exact).err()?;
                let site = self.sites.get(&path);
                let key = site.map_or(path.clone(), |s| s.key.clone());
                let error = ConfigError {
                    file: self.source.clone().unwrap_or_else(|| "<config>".into()),
                    message: format!("{message} in `{key}`{}", suggestion(selector, known)),
                    key,
                    line: site.map_or(0, |s| s.line),
                    column: site.and_then(|s| s.column),
                    kind: ConfigErrorKind::UnknownRule,
                };
                Some((selector.to_string(), error))
            })
            .collect();
        out.sort_by_key(|(_, e)| (e.line, e.column));
        // A hadolint `override` entry is both a severity and a selection: report it once.
        out.dedup_by(|a, b| a.0 == b.0 && a.1.key == b.1.key);
        out
    }
}

/// Checks one selector (from the command line, say) against the known rules.
///
/// # Errors
/// When it names no known rule: a message such as
/// ``unknown rule `DFL3060` (did you mean `DFL3006`?)``.
pub fn check_selector(selector: &str, known: &[RuleId<'_>]) -> Result<(), String> {
    check_selector_inner(selector, known, false)
        .map_err(|message| format!("{message}{}", suggestion(selector, known)))
}

fn check_selector_inner(selector: &str, known: &[RuleId<'_>], exact: bool) -> Result<(), String> {
    // ShellCheck's codes are open-ended: any `SC` code (or prefix) and the name `shellcheck`
    // select its findings.
    if crate::shellcheck::is_selector(selector) {
        return Ok(());
    }
    let found = known.iter().any(|rule| match specificity(selector, rule) {
        Some(Match::Named) => true,
        Some(_) => !exact,
        None => false,
    });
    let group = selector.eq_ignore_ascii_case("ALL") || RuleCategory::parse(selector).is_some();
    if found || (!exact && group) {
        Ok(())
    } else {
        Err(format!("unknown rule `{selector}`"))
    }
}

/// ` (did you mean `X`?)` for a likely typo of a known code, name or alias, or nothing.
fn suggestion(selector: &str, known: &[RuleId<'_>]) -> String {
    let categories = RuleCategory::ALL
        .iter()
        .map(|c| c.as_str())
        .chain(RuleCategory::ALIASES.iter().map(|(alias, _)| *alias));
    let candidates = known
        .iter()
        .flat_map(|r| {
            [r.code, r.name]
                .into_iter()
                .chain(r.aliases.iter().copied())
        })
        .chain(categories);
    // Codes differing in a digit are different rules (hadolint's `DL3008` is no typo of
    // `DL3006`), so a code only suggests its anagrams: swapped digits are a likely typo.
    let looks_like_code = selector.len() > 3
        && selector.ends_with(|c: char| c.is_ascii_digit())
        && selector.chars().all(|c| c.is_ascii_alphanumeric());
    let suggestion = if looks_like_code {
        let sorted = |s: &str| {
            let mut chars: Vec<char> = s.to_ascii_uppercase().chars().collect();
            chars.sort_unstable();
            chars
        };
        let key = sorted(selector);
        error::did_you_mean(selector, candidates.filter(|c| sorted(c) == key))
    } else {
        error::did_you_mean(selector, candidates)
    };
    suggestion
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;

//! The diagnostic model shared by every producer (syntax errors, rules) and every renderer.

use serde::Serialize;

use crate::syntax::{SyntaxError, TextRange};

/// How serious a finding is. Ordered from least to most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Style,
    Info,
    Warning,
    Error,
}

impl Severity {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Style => "style",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses `error`, `warning`, `info` or `style`.
    #[must_use]
    pub fn parse(s: &str) -> Option<Severity> {
        [
            Severity::Style,
            Severity::Info,
            Severity::Warning,
            Severity::Error,
        ]
        .into_iter()
        .find(|sev| sev.as_str() == s)
    }
}

/// What a rule is about. Each rule has one primary category (the directory its file is in)
/// and may belong to further ones (see [`crate::rules::categories`]); configuration selects
/// rules by category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleCategory {
    /// The build does something other than what it seems to.
    Correctness,
    /// The image or the build exposes something it should not.
    Security,
    /// The image is bigger, or the build slower, than it needs to be.
    Performance,
    /// Building twice may not give the same image.
    Reproducibility,
    /// The Dockerfile is harder to read or to change than it needs to be, or uses a form
    /// that is deprecated.
    Maintainability,
    /// Consistent spelling: casing, spacing, the preferred form of an instruction.
    Style,
}

impl RuleCategory {
    /// Every category, in the order of the rule codes' first digit.
    pub const ALL: [RuleCategory; 6] = [
        RuleCategory::Correctness,
        RuleCategory::Security,
        RuleCategory::Performance,
        RuleCategory::Reproducibility,
        RuleCategory::Maintainability,
        RuleCategory::Style,
    ];

    /// Names accepted as selectors besides the categories' own: `size` is `performance`.
    pub const ALIASES: &[(&str, RuleCategory)] = &[("size", RuleCategory::Performance)];

    /// The category's name, as used in configuration and docs.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            RuleCategory::Correctness => "correctness",
            RuleCategory::Security => "security",
            RuleCategory::Performance => "performance",
            RuleCategory::Reproducibility => "reproducibility",
            RuleCategory::Maintainability => "maintainability",
            RuleCategory::Style => "style",
        }
    }

    /// The category a selector names (its name or an alias such as `size`), compared
    /// without regard to ASCII case.
    #[must_use]
    pub fn parse(selector: &str) -> Option<RuleCategory> {
        RuleCategory::ALL
            .into_iter()
            .find(|c| selector.eq_ignore_ascii_case(c.as_str()))
            .or_else(|| {
                RuleCategory::ALIASES
                    .iter()
                    .find(|(alias, _)| selector.eq_ignore_ascii_case(alias))
                    .map(|(_, c)| *c)
            })
    }
}

/// Where a diagnostic comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// The file cannot be read as the builder reads it.
    Syntax,
    /// The file reads, but the build it describes fails (found by the build engine).
    Build,
    /// A lint rule.
    Rule,
    /// A parser directive or suppression pragma is misused (unknown code, unused ignore).
    Pragma,
}

/// One finding, located by byte offsets into the checked text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code, such as `DFL0001`.
    pub code: &'static str,
    /// Kebab-case name, such as `unknown-instruction`.
    pub name: &'static str,
    pub category: Category,
    /// Equivalent codes in other tools (hadolint, BuildKit checks, Trivy, Checkov).
    pub aliases: &'static [&'static str],
    pub severity: Severity,
    /// What is wrong, one sentence.
    pub message: String,
    /// Why it matters and what to do.
    pub help: Option<String>,
    /// The smallest range that shows the problem.
    pub range: TextRange,
    /// A repair, when one is known.
    pub fix: Option<crate::fix::Fix>,
    /// Other places that explain the finding, such as the first definition of a name
    /// defined twice.
    pub related: Vec<Related>,
}

/// A place in the file that explains a diagnostic, and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub range: TextRange,
    /// What the place is, such as "first defined here".
    pub message: String,
}

/// Whether `selector` names a check by its code, its name or one of its aliases, ignoring
/// ASCII case: how pragmas and rule lookups match.
#[must_use]
pub fn answers_to(selector: &str, code: &str, name: &str, aliases: &[&str]) -> bool {
    selector.eq_ignore_ascii_case(code)
        || selector.eq_ignore_ascii_case(name)
        || aliases.iter().any(|a| selector.eq_ignore_ascii_case(a))
}

/// A hint editors show besides the severity: faded-out or struck-through text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tag {
    /// The flagged code has no effect and can go.
    Unnecessary,
    /// The flagged code uses a form Docker deprecated.
    Deprecated,
}

/// Checks whose flagged code does nothing: an overridden `CMD`, a stage no target reaches,
/// a `--platform=$TARGETPLATFORM` that says the default, an empty continuation line, an
/// unused pragma.
const UNNECESSARY: &[&str] = &["DFL1023", "DFL5090", "DFL6001", "DFL5023", "DFL0202"];

/// Checks that flag a deprecated form: `MAINTAINER`, `ENV key value`.
const DEPRECATED: &[&str] = &["DFL5021", "DFL5022"];

impl Diagnostic {
    /// The editor hint of this diagnostic's check, if it has one.
    #[must_use]
    pub fn tag(&self) -> Option<Tag> {
        if UNNECESSARY.contains(&self.code) {
            Some(Tag::Unnecessary)
        } else if DEPRECATED.contains(&self.code) {
            Some(Tag::Deprecated)
        } else {
            None
        }
    }

    /// Whether `selector` names this diagnostic's check (see [`answers_to`]).
    #[must_use]
    pub fn answers_to(&self, selector: &str) -> bool {
        answers_to(selector, self.code, self.name, self.aliases)
    }
}

impl From<&crate::semantic::Problem> for Diagnostic {
    fn from(p: &crate::semantic::Problem) -> Self {
        Diagnostic {
            code: p.kind.code(),
            name: p.kind.as_str(),
            category: Category::Build,
            aliases: p.kind.aliases(),
            severity: Severity::Error,
            message: p.message.clone(),
            help: None,
            range: p.range,
            fix: None,
            related: p
                .related
                .iter()
                .map(|(range, message)| Related {
                    range: *range,
                    message: message.clone(),
                })
                .collect(),
        }
    }
}

impl From<&SyntaxError> for Diagnostic {
    fn from(e: &SyntaxError) -> Self {
        Diagnostic {
            code: e.code.code(),
            name: e.code.name(),
            category: Category::Syntax,
            aliases: e.code.aliases(),
            severity: Severity::Error,
            message: e.message.clone(),
            help: e.help.clone(),
            range: e.range,
            // The file does not build as written, so no repair can be proven to keep its
            // meaning: the parser's likely repair is unsafe.
            fix: e.suggestion.as_ref().map(|s| {
                crate::fix::Fix::new(
                    s.title.clone(),
                    crate::fix::Applicability::Unsafe,
                    vec![crate::fix::Edit {
                        range: s.range,
                        replacement: s.replacement.clone(),
                    }],
                )
            }),
            related: Vec::new(),
        }
    }
}

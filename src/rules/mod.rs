//! Lint rules: one rule per file under `src/rules/<category>/`, each with its metadata,
//! its documentation and its tests. The registry (`registry.rs`) and the category modules
//! are generated from the file tree by `DFLINT_BLESS=1 cargo test --test generated_docs`,
//! which also writes the rule docs in `rules/`; the same test fails when they drift.
//!
//! Rules read facts from the syntax tree and from the build engine ([`crate::semantic`])
//! rather than re-deriving them.

pub mod categories;
mod cleanup;
pub mod correctness;
mod instructions;
pub mod maintainability;
mod os_packages;
pub mod performance;
mod pinning;
pub mod registry;
pub mod reproducibility;
pub mod security;
mod shell_runs;
mod stages;
pub mod style;

use std::cell::OnceCell;

use crate::ast::{Dockerfile, Instruction};
pub use crate::diagnostic::RuleCategory;
use crate::diagnostic::{Category, Diagnostic, Severity};
use crate::fix::Fix;
use crate::semantic::Build;
use crate::semantic::compare::Area;
use crate::semantic::context::IgnoreFile;
use crate::shell::packages::{RunScripts, all_run_scripts};
use crate::syntax::{Parse, TextRange};

/// Whether a rule's diagnostics come with a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    /// Never.
    None,
    /// When the fix can be built safely for the case at hand.
    Sometimes,
    /// Always.
    Always,
}

impl FixAvailability {
    /// `none`, `sometimes` or `always`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "none",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Always => "always",
        }
    }
}

/// Whether a rule is enabled by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleStatus {
    /// New: enabled only with `--preview` or by explicit selection.
    Preview,
    /// Enabled by default.
    Stable,
}

/// Everything known about a rule besides its logic.
#[derive(Debug)]
pub struct RuleMeta {
    /// The stable code, such as `DFL3006`.
    pub code: &'static str,
    /// The kebab-case name describing the flagged pattern.
    pub name: &'static str,
    /// The primary category: the directory of the rule's file. Further categories are in
    /// [`categories`], see [`RuleMeta::categories`].
    pub category: RuleCategory,
    /// The severity unless configuration overrides it.
    pub severity: Severity,
    pub fix: FixAvailability,
    pub status: RuleStatus,
    /// Equivalent checks of other tools: hadolint codes (`DL3006`), BuildKit check names
    /// (`SecretsUsedInArgOrEnv`), Trivy (`DS002`) and Checkov (`CKV_DOCKER_3`) ids.
    pub aliases: &'static [&'static str],
    /// One sentence: what the rule flags.
    pub summary: &'static str,
    /// The documentation in Markdown, with the headings `## What it does`,
    /// `## Why is this bad?`, `## Example`, `## Use instead` and, when the fix can change
    /// behaviour, `## Fix safety`.
    pub docs: &'static str,
    /// What a fix of this rule may change in the evaluated build. A fix whose build differs
    /// anywhere else is rejected.
    pub fix_changes: &'static [Area],
}

impl RuleMeta {
    /// A diagnostic of this rule with its default severity.
    #[must_use]
    pub fn diagnostic(&'static self, range: TextRange, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code: self.code,
            name: self.name,
            category: Category::Rule,
            aliases: self.aliases,
            severity: self.severity,
            message: message.into(),
            help: None,
            range,
            fix: None,
            related: Vec::new(),
        }
    }

    /// The rule as configuration selects it.
    #[must_use]
    pub fn id(&self) -> crate::config::RuleId<'_> {
        crate::config::RuleId {
            code: self.code,
            name: self.name,
            aliases: self.aliases,
            preview: self.status == RuleStatus::Preview,
            category: Some(self.category),
            also: categories::extra(self.code),
        }
    }

    /// Every category of the rule: its primary one (its directory), then the others
    /// [`categories`] lists.
    pub fn categories(&self) -> impl Iterator<Item = RuleCategory> + use<> {
        std::iter::once(self.category).chain(categories::extra(self.code).iter().copied())
    }

    /// Whether `selector` names this rule: its code, its name or one of its aliases.
    #[must_use]
    pub fn answers_to(&self, selector: &str) -> bool {
        crate::diagnostic::answers_to(selector, self.code, self.name, self.aliases)
    }
}

/// Builder methods for diagnostics made by rules.
pub trait DiagnosticExt {
    /// Adds the help text.
    #[must_use]
    fn with_help(self, help: impl Into<String>) -> Self;
    /// Adds a fix.
    #[must_use]
    fn with_fix(self, fix: Option<Fix>) -> Self;
}

impl DiagnosticExt for Diagnostic {
    fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    fn with_fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }
}

/// Options rules read, from configuration.
#[derive(Clone, Debug, Default)]
pub struct RuleOptions {
    /// `unpinned-base-image`: ask for a digest, not only a tag.
    pub require_digest: bool,
    /// Registries base images may come from (empty: any).
    pub trusted_registries: Vec<String>,
    /// Labels every image must have, with the kind of value each must hold.
    pub required_labels: Vec<crate::config::RequiredLabel>,
    /// Labels other than `required_labels` are reported.
    pub strict_labels: bool,
}

impl RuleOptions {
    /// The rule options `config` sets.
    #[must_use]
    pub fn from_config(config: &crate::config::Config) -> RuleOptions {
        let require_digest = find("unpinned-base-image")
            .and_then(|r| config.rule_options(&r.meta().id()))
            .and_then(|o| o.get("require-digest"))
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false);
        RuleOptions {
            require_digest,
            trusted_registries: config.trusted_registries.clone(),
            required_labels: config.required_labels.clone(),
            strict_labels: config.strict_labels,
        }
    }
}

/// What a rule sees of a file.
pub struct RuleContext<'a> {
    pub source: &'a str,
    pub parse: &'a Parse,
    /// The build the file describes, evaluated with the build arguments and target of the
    /// check's [`crate::Settings`] (none by default).
    pub build: &'a Build,
    pub options: &'a RuleOptions,
    /// The ignore file of the build context, when the file has one.
    pub ignore_file: &'a IgnoreFile,
    /// The top-level instructions in source order, listed once for all the rules.
    instructions: OnceCell<Vec<Instruction<'a>>>,
    /// The instructions of each stage after its FROM, with the stage index.
    stage_instructions: OnceCell<Vec<(usize, Instruction<'a>)>>,
    /// The scripts of every shell-form RUN, read once for all the rules of the file.
    runs: OnceCell<Vec<RunScripts<'a, 'a>>>,
    /// The build arguments `build` was evaluated with, so that a message can say where an
    /// ARG's value comes from.
    pub build_args: &'a [(String, String)],
}

impl<'a> RuleContext<'a> {
    /// The context of one file.
    #[must_use]
    pub fn new(
        source: &'a str,
        parse: &'a Parse,
        build: &'a Build,
        options: &'a RuleOptions,
        ignore_file: &'a IgnoreFile,
    ) -> Self {
        RuleContext {
            source,
            parse,
            build,
            options,
            ignore_file,
            build_args: &[],
            instructions: OnceCell::new(),
            stage_instructions: OnceCell::new(),
            runs: OnceCell::new(),
        }
    }

    /// The file's typed root.
    #[must_use]
    pub fn file(&self) -> Dockerfile<'a> {
        Dockerfile::cast(self.parse.tree().root()).expect("the root is a source file")
    }

    /// The file's top-level instructions in order (unknown ones included).
    pub fn instructions(&self) -> impl DoubleEndedIterator<Item = Instruction<'a>> + '_ {
        self.instruction_list().iter().copied()
    }

    fn instruction_list(&self) -> &[Instruction<'a>] {
        self.instructions
            .get_or_init(|| self.file().instructions().collect())
    }

    /// The top-level instruction that starts at `start`, if any.
    #[must_use]
    pub fn instruction_at(&self, start: u32) -> Option<Instruction<'a>> {
        let list = self.instruction_list();
        list.binary_search_by_key(&start, |i| i.range().start)
            .ok()
            .map(|at| list[at])
    }

    /// The top-level instruction whose range is `range`, if any.
    #[must_use]
    pub fn instruction(&self, range: TextRange) -> Option<Instruction<'a>> {
        self.instruction_at(range.start)
            .filter(|i| i.range() == range)
    }

    /// The top-level instructions of each stage after its FROM, in order, with the stage
    /// index. Instructions before the first FROM are left out.
    #[must_use]
    pub fn stage_instructions(&self) -> &[(usize, Instruction<'a>)] {
        self.stage_instructions.get_or_init(|| {
            self.build
                .stages
                .iter()
                .flat_map(|stage| {
                    stage
                        .steps
                        .iter()
                        .filter_map(move |step| self.instruction_at(step.range.start))
                        .map(move |instruction| (stage.index, instruction))
                })
                .collect()
        })
    }

    /// The escape character of the file.
    #[must_use]
    pub fn escape(&self) -> char {
        self.parse.escape()
    }

    /// The scripts of the shell-form RUNs whose text contains one of `mentions`, `ONBUILD`
    /// triggers included, in source order: [`all_run_scripts`], read once per file and
    /// shared by every rule (the first rule to ask pays for parsing the scripts).
    #[must_use]
    pub fn all_run_scripts(&self, mentions: &[&str]) -> Vec<&RunScripts<'a, 'a>> {
        let runs = self
            .runs
            .get_or_init(|| all_run_scripts(self.file(), self.build, &[""]));
        runs.iter()
            .filter(|run| {
                let text = self
                    .source
                    .get(run.instruction.range().as_usize())
                    .unwrap_or_default();
                mentions.iter().any(|m| text.contains(m))
            })
            .collect()
    }

    /// [`RuleContext::all_run_scripts`] without the `ONBUILD` triggers: the RUNs this build
    /// runs (see [`crate::shell::packages::run_scripts`]).
    #[must_use]
    pub fn run_scripts(&self, mentions: &[&str]) -> Vec<&RunScripts<'a, 'a>> {
        let mut out = self.all_run_scripts(mentions);
        out.retain(|r| !r.onbuild);
        out
    }
}

/// A lint rule.
pub trait Rule: Sync + Send {
    /// The rule's metadata.
    fn meta(&self) -> &'static RuleMeta;

    /// Reports the rule's diagnostics for one file.
    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>);
}

/// The rule with this code, name or alias.
#[must_use]
pub fn find(selector: &str) -> Option<&'static dyn Rule> {
    registry::RULES
        .iter()
        .copied()
        .find(|r| r.meta().answers_to(selector))
}

/// Runs the rules `enabled` selects over a file.
#[must_use]
pub fn run(ctx: &RuleContext<'_>, enabled: &dyn Fn(&RuleMeta) -> bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in registry::RULES.iter().filter(|r| enabled(r.meta())) {
        rule.check(ctx, &mut out);
    }
    out
}

/// Test support for rule modules: run one rule over a source.
#[cfg(test)]
pub(crate) mod test_support {
    use super::{Rule, RuleContext, RuleOptions};
    use crate::Diagnostic;
    use crate::semantic::context::IgnoreFile;

    /// The diagnostics of `rule` on `source`, with default options.
    pub(crate) fn check(rule: &dyn Rule, source: &str) -> Vec<Diagnostic> {
        check_with(rule, source, &RuleOptions::default())
    }

    /// The diagnostics of `rule` on `source`, with `options`.
    pub(crate) fn check_with(
        rule: &dyn Rule,
        source: &str,
        options: &RuleOptions,
    ) -> Vec<Diagnostic> {
        check_in_context(rule, source, options, &IgnoreFile::Unknown)
    }

    /// The diagnostics of `rule` on `source`, with `options` and the build context's
    /// ignore file.
    pub(crate) fn check_in_context(
        rule: &dyn Rule,
        source: &str,
        options: &RuleOptions,
        ignore_file: &IgnoreFile,
    ) -> Vec<Diagnostic> {
        let parse = crate::syntax::parse(source);
        let build = crate::semantic::evaluate(&parse, &crate::semantic::BuildOptions::default());
        let ctx = RuleContext::new(source, &parse, &build, options, ignore_file);
        let mut out = Vec::new();
        rule.check(&ctx, &mut out);
        out
    }

    /// The flagged source texts.
    pub(crate) fn flagged<'s>(source: &'s str, diagnostics: &[Diagnostic]) -> Vec<&'s str> {
        diagnostics
            .iter()
            .map(|d| &source[d.range.as_usize()])
            .collect()
    }

    /// `source` fixed by the fix loop with only rule `code` selected (unsafe fixes
    /// included), asserting that one of its fixes applied and that the build check rejected
    /// none: the edit changes the build only where the rule declares.
    pub(crate) fn fixed_by_loop(code: &str, source: &str) -> String {
        let config = crate::config::Config {
            select: vec![code.to_string()],
            ..crate::config::Config::default()
        };
        let outcome = crate::fix_with(
            source,
            &crate::Settings::new(&config),
            crate::fix::FixMode::Unsafe,
        );
        assert!(outcome.rejected.is_empty(), "{:?}", outcome.rejected);
        assert!(
            outcome.applied.iter().any(|a| a.code == code),
            "no fix of {code} applied to {source}"
        );
        outcome.output
    }

    /// `source` with the first diagnostic's fix applied.
    pub(crate) fn fixed(source: &str, diagnostics: &[Diagnostic]) -> String {
        let fix = diagnostics
            .iter()
            .find_map(|d| d.fix.as_ref())
            .expect("a diagnostic with a fix");
        fix.apply_to(source)
    }
}

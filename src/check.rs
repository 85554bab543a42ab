//! The core entry points: check a Dockerfile's text and fix it. Pure and deterministic:
//! the shells (CLI, language server) resolve configuration files and hand over a finished
//! [`Config`]; nothing here reads files or the environment.

use crate::config::{Config, RuleId};
use crate::diagnostic::{Category, Diagnostic, Severity, answers_to};
use crate::fix::{FixMode, FixOutcome};
use crate::rules::{RuleContext, RuleOptions, registry::RULES};
use crate::semantic::compare::Area;
use crate::semantic::context::IgnoreFile;
use crate::semantic::{BuildOptions, ProblemKind, evaluate};
use crate::shellcheck::ShellCheck;
use crate::suppress::{PragmaSource, Suppressions};
use crate::syntax::{SyntaxErrorCode, parse};

/// What a check needs besides the text.
#[derive(Clone, Copy, Debug)]
pub struct Settings<'a> {
    /// The configuration in force for the file.
    pub config: &'a Config,
    /// The file's path relative to the project, `/`-separated, for per-path overrides.
    pub path: &'a str,
    /// Report suppression pragmas that suppress nothing.
    pub report_unused_ignores: bool,
    /// The ignore file of the file's build context, for the rules that look at what the
    /// builder receives.
    pub ignore_file: &'a IgnoreFile,
    /// Runs ShellCheck on the RUN scripts (see [`crate::shellcheck`]); `None` to skip it.
    /// The fix loop never runs it: [`fix_with`] runs it once on the fixed text.
    pub shellcheck: Option<&'a dyn ShellCheck>,
}

impl<'a> Settings<'a> {
    /// Settings for a file named `Dockerfile` with `config`: no build context, no
    /// ShellCheck, unused pragmas not reported.
    #[must_use]
    pub fn new(config: &'a Config) -> Self {
        Settings {
            config,
            path: "Dockerfile",
            report_unused_ignores: false,
            ignore_file: &IgnoreFile::Unknown,
            shellcheck: None,
        }
    }
}

/// A pragma names a code no rule answers to.
pub const UNKNOWN_SUPPRESSION: (&str, &str) = ("DFL0201", "unknown-suppression");
/// A pragma suppresses nothing.
pub const UNUSED_SUPPRESSION: (&str, &str) = ("DFL0202", "unused-suppression");

/// The identity configuration selects a diagnostic by.
fn diagnostic_id(d: &Diagnostic) -> RuleId<'static> {
    RuleId {
        code: d.code,
        name: d.name,
        aliases: d.aliases,
        preview: false,
    }
}

/// Every code dflint can report, as configuration and pragmas select them: the rules, the
/// syntax errors, the build problems and the pragma findings, each with its aliases.
#[must_use]
pub fn known_codes() -> Vec<RuleId<'static>> {
    let plain = |code, name, aliases| RuleId {
        code,
        name,
        aliases,
        preview: false,
    };
    let mut ids: Vec<RuleId<'static>> = RULES.iter().map(|r| r.meta().id()).collect();
    ids.extend(
        SyntaxErrorCode::ALL
            .iter()
            .map(|c| plain(c.code(), c.name(), c.aliases())),
    );
    ids.extend(
        ProblemKind::ALL
            .iter()
            .map(|k| plain(k.code(), k.as_str(), k.aliases())),
    );
    ids.push(plain(UNKNOWN_SUPPRESSION.0, UNKNOWN_SUPPRESSION.1, &[]));
    ids.push(plain(UNUSED_SUPPRESSION.0, UNUSED_SUPPRESSION.1, &[]));
    ids
}

/// Whether any code of dflint answers to `code`: one of [`known_codes`], listed once per
/// process (this runs for every pragma code on every check), or a ShellCheck code.
fn is_known(code: &str) -> bool {
    static KNOWN: std::sync::OnceLock<Vec<RuleId<'static>>> = std::sync::OnceLock::new();
    KNOWN
        .get_or_init(known_codes)
        .iter()
        .any(|id| answers_to(code, id.code, id.name, id.aliases))
        || crate::shellcheck::is_selector(code)
}

/// Whether the configuration may turn on some ShellCheck finding for the file at `path`,
/// so that running ShellCheck is worth it.
fn may_select_shellcheck(config: &Config, path: &str) -> bool {
    let family = RuleId {
        code: "SC",
        name: crate::shellcheck::NAME,
        aliases: &[],
        preview: false,
    };
    let names_a_code = |s: &String| s.len() > 2 && crate::shellcheck::is_selector(s);
    config.is_enabled(&family, path)
        || config.select.iter().any(names_a_code)
        || config
            .per_path
            .iter()
            .any(|o| o.select.iter().any(names_a_code))
}

/// ShellCheck's findings on the file's RUN scripts that the configuration selects, with
/// their configured severities; `None` when ShellCheck did not run.
fn shellcheck_diagnostics(
    runner: &dyn ShellCheck,
    parsed: &crate::syntax::Parse,
    build: &crate::semantic::Build,
    settings: &Settings<'_>,
) -> Option<Vec<Diagnostic>> {
    let config = settings.config;
    if !may_select_shellcheck(config, settings.path) {
        return None;
    }
    let scripts = crate::shellcheck::scripts(parsed, build);
    if scripts.is_empty() {
        return Some(Vec::new());
    }
    let output = runner.run(&scripts)?;
    // ShellCheck's json1 output is well-formed whenever it runs; anything else is a
    // failure of the run, which the runner reports.
    let mut found = crate::shellcheck::diagnostics(&scripts, &output).ok()?;
    found.retain(|d| config.is_enabled(&diagnostic_id(d), settings.path));
    for d in &mut found {
        d.severity = config.severity_for(&diagnostic_id(d), d.severity, settings.path);
    }
    Some(found)
}

fn pragma_diagnostic(
    code: (&'static str, &'static str),
    severity: Severity,
    range: crate::syntax::TextRange,
    message: String,
) -> Diagnostic {
    Diagnostic {
        code: code.0,
        name: code.1,
        category: Category::Pragma,
        aliases: &[],
        severity,
        message,
        help: None,
        range,
        fix: None,
    }
}

/// Checks a Dockerfile: syntax errors, the build problems the engine finds, and the
/// enabled rules, with configured severities, minus what inline pragmas suppress.
/// Sorted by position, then code.
#[must_use]
pub fn check_with(source: &str, settings: &Settings<'_>) -> Vec<Diagnostic> {
    let config = settings.config;
    let parsed = parse(source);
    let build = evaluate(&parsed, &BuildOptions::default());
    let mut diagnostics: Vec<Diagnostic> = parsed.errors().iter().map(Diagnostic::from).collect();
    diagnostics.extend(
        build
            .problems
            .iter()
            .filter(|p| p.kind.is_checked())
            .map(Diagnostic::from),
    );
    // Syntax errors and build problems are always reported unless explicitly ignored.
    diagnostics.retain(|d| !config.ignore.iter().any(|s| d.answers_to(s)));
    let options = RuleOptions::from_config(config);
    let ctx = RuleContext {
        source,
        parse: &parsed,
        build: &build,
        options: &options,
        ignore_file: settings.ignore_file,
    };
    let mut found = crate::rules::run(&ctx, &|meta| config.is_enabled(&meta.id(), settings.path));
    for d in &mut found {
        d.severity = config.severity_for(&diagnostic_id(d), d.severity, settings.path);
    }
    let shellcheck = settings
        .shellcheck
        .and_then(|runner| shellcheck_diagnostics(runner, &parsed, &build, settings));
    let shellcheck_ran = shellcheck.is_some();
    found.extend(shellcheck.into_iter().flatten());
    if !config.disable_ignore_pragma {
        let suppressions = Suppressions::collect(&parsed);
        // Syntax errors cannot be suppressed: the builder rejects the file anyway.
        found.retain(|d| !suppressions.is_suppressed(d.range, &|code| d.answers_to(code)));
        diagnostics.retain(|d| {
            d.category == Category::Syntax
                || !suppressions.is_suppressed(d.range, &|code| d.answers_to(code))
        });
        let from_dflint = |range: crate::syntax::TextRange| {
            suppressions
                .pragma_at(range.start)
                .is_some_and(|p| p.source == PragmaSource::Dflint)
        };
        let unknown = suppressions.unknown_codes(&is_known);
        for (code, range) in unknown.iter().filter(|(_, r)| from_dflint(*r)) {
            found.push(pragma_diagnostic(
                UNKNOWN_SUPPRESSION,
                Severity::Warning,
                *range,
                format!("`{code}` is not a dflint code, rule name or alias"),
            ));
        }
        if settings.report_unused_ignores {
            for (code, range) in suppressions.unused() {
                let buildkit = suppressions
                    .pragma_at(range.start)
                    .is_some_and(|p| p.source == PragmaSource::BuildKit);
                // Without ShellCheck's findings, whether its codes suppress something is
                // unknown.
                let unchecked = !shellcheck_ran && crate::shellcheck::is_selector(&code);
                if !buildkit && !unchecked && !unknown.iter().any(|(_, r)| *r == range) {
                    found.push(pragma_diagnostic(
                        UNUSED_SUPPRESSION,
                        Severity::Info,
                        range,
                        format!("`{code}` suppresses nothing here"),
                    ));
                }
            }
        }
    }
    diagnostics.extend(found);
    diagnostics.sort_by(|a, b| (a.range.start, a.code).cmp(&(b.range.start, b.code)));
    diagnostics
}

/// What a rule's fixes may change in the build.
fn declared_changes(code: &str) -> &'static [Area] {
    crate::rules::find(code).map_or(&[], |r| r.meta().fix_changes)
}

/// Fixes a Dockerfile: applies the fixes `mode` allows until nothing changes, keeping only
/// those the parser and the build engine prove (see [`crate::fix::fix`]). ShellCheck
/// (offering no fixes here) stays out of the loop and runs once on the fixed text, for the
/// remaining diagnostics.
#[must_use]
pub fn fix_with(source: &str, settings: &Settings<'_>, mode: FixMode) -> FixOutcome {
    fix_with_only(source, settings, mode, &|_| true)
}

/// Fixes a Dockerfile as [`fix_with`] does, with the fixes of the rules `keep` accepts
/// (by code) only. A real build that proves some rules' fixes and not others keeps the text
/// this gives for the proven ones.
#[must_use]
pub fn fix_with_only(
    source: &str,
    settings: &Settings<'_>,
    mode: FixMode,
    keep: &dyn Fn(&str) -> bool,
) -> FixOutcome {
    let without_shellcheck = Settings {
        shellcheck: None,
        ..*settings
    };
    let check = |text: &str| {
        let mut diagnostics = check_with(text, &without_shellcheck);
        for d in &mut diagnostics {
            if !keep(d.code) {
                d.fix = None;
            }
        }
        diagnostics
    };
    let mut outcome = crate::fix::fix(source, &check, &declared_changes, mode);
    if settings.shellcheck.is_some() {
        outcome.remaining = check_with(&outcome.output, settings);
    }
    outcome
}

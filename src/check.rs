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
use crate::suppress::{Date, PragmaSource, Suppressions};
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
    /// Today's date, which pragmas' `expires=` dates are compared with: the shells read it
    /// from the clock. `None`: no pragma expires.
    pub today: Option<Date>,
    /// The build arguments the file is built with (`--build-arg`, or a Compose or Bake
    /// file's `args`), in order, a later one winning: the rules see ARGs with these values.
    pub build_args: &'a [(String, String)],
    /// The stage the file is built for (`--target`); the last stage when `None`.
    pub target: Option<&'a str>,
}

impl<'a> Settings<'a> {
    /// Settings for a file named `Dockerfile` with `config`: no build context, no
    /// ShellCheck, unused pragmas not reported, no date (pragmas do not expire).
    #[must_use]
    pub fn new(config: &'a Config) -> Self {
        Settings {
            config,
            path: "Dockerfile",
            report_unused_ignores: false,
            ignore_file: &IgnoreFile::Unknown,
            shellcheck: None,
            today: None,
            build_args: &[],
            target: None,
        }
    }
}

/// A code of a finding about a suppression pragma itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PragmaCode {
    /// The stable code, such as `DFL0201`.
    pub code: &'static str,
    /// The kebab-case name.
    pub name: &'static str,
    /// One sentence: what is reported.
    pub summary: &'static str,
}

/// A pragma names a code no rule answers to.
pub const UNKNOWN_SUPPRESSION: PragmaCode = PragmaCode {
    code: "DFL0201",
    name: "unknown-suppression",
    summary: "A suppression pragma names a code no rule answers to.",
};
/// A pragma suppresses nothing.
pub const UNUSED_SUPPRESSION: PragmaCode = PragmaCode {
    code: "DFL0202",
    name: "unused-suppression",
    summary: "A suppression pragma suppresses nothing.",
};
/// A `# dflint` comment meant as a pragma cannot be read.
pub const INVALID_SUPPRESSION: PragmaCode = PragmaCode {
    code: "DFL0203",
    name: "invalid-suppression",
    summary: "A `# dflint` suppression pragma cannot be read, so it suppresses nothing.",
};
/// A pragma's `expires=` date has passed.
pub const EXPIRED_SUPPRESSION: PragmaCode = PragmaCode {
    code: "DFL0204",
    name: "expired-suppression",
    summary: "A suppression pragma's `expires=` date has passed, so it suppresses nothing.",
};
/// A pragma gives no reason while the configuration requires one.
pub const SUPPRESSION_WITHOUT_REASON: PragmaCode = PragmaCode {
    code: "DFL0205",
    name: "suppression-without-reason",
    summary: "A suppression pragma gives no reason, and `require-ignore-reason` is on.",
};

/// Every code of a finding about a pragma, in code order.
pub const PRAGMA_CODES: &[PragmaCode] = &[
    UNKNOWN_SUPPRESSION,
    UNUSED_SUPPRESSION,
    INVALID_SUPPRESSION,
    EXPIRED_SUPPRESSION,
    SUPPRESSION_WITHOUT_REASON,
];

/// The identity configuration selects a diagnostic by: a rule's, with its categories, or
/// a plain one for the other codes.
fn diagnostic_id(d: &Diagnostic) -> RuleId<'static> {
    if d.category == Category::Rule
        && let Ok(i) = RULES.binary_search_by(|r| r.meta().code.cmp(d.code))
    {
        return RULES[i].meta().id();
    }
    RuleId {
        code: d.code,
        name: d.name,
        aliases: d.aliases,
        preview: false,
        category: None,
        also: &[],
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
        category: None,
        also: &[],
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
    ids.extend(PRAGMA_CODES.iter().map(|p| plain(p.code, p.name, &[])));
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
        category: None,
        also: &[],
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
    code: PragmaCode,
    severity: Severity,
    range: crate::syntax::TextRange,
    message: String,
) -> Diagnostic {
    Diagnostic {
        code: code.code,
        name: code.name,
        category: Category::Pragma,
        aliases: &[],
        severity,
        message,
        help: None,
        range,
        fix: None,
        related: Vec::new(),
    }
}

/// The findings about the pragmas themselves, once every diagnostic went through
/// `suppressions`: unknown codes, unreadable `# dflint` comments, expired pragmas, missing
/// reasons (when required) and, when asked, codes that suppressed nothing.
fn pragma_findings(
    suppressions: &Suppressions,
    settings: &Settings<'_>,
    shellcheck_ran: bool,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
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
    for malformed in suppressions.malformed() {
        let mut d = pragma_diagnostic(
            INVALID_SUPPRESSION,
            Severity::Warning,
            malformed.range,
            malformed.message.clone(),
        );
        d.help = Some(
            "a pragma reads `# dflint [global|stage] ignore=CODE[,CODE] [reason=\"...\"] \
             [expires=YYYY-MM-DD]`; until it does, it suppresses nothing"
                .to_string(),
        );
        found.push(d);
    }
    for pragma in suppressions.pragmas() {
        if let Some((date, range)) = pragma.expires.filter(|_| pragma.expired) {
            let mut d = pragma_diagnostic(
                EXPIRED_SUPPRESSION,
                Severity::Warning,
                range,
                format!("this suppression expired on {date}"),
            );
            d.help = Some(
                "the findings it suppressed are reported again: fix them, or move the date \
                 if the reason still holds"
                    .to_string(),
            );
            found.push(d);
        }
        let needs_reason = settings.config.require_ignore_reason
            && pragma.source != PragmaSource::BuildKit
            && pragma.reason.is_none();
        if needs_reason {
            let mut d = pragma_diagnostic(
                SUPPRESSION_WITHOUT_REASON,
                Severity::Warning,
                pragma.range,
                "this suppression gives no reason".to_string(),
            );
            d.help = Some(match pragma.source {
                PragmaSource::Hadolint => {
                    "say why after the codes: `# hadolint ignore=CODE # reason`".to_string()
                }
                _ => "say why after the codes: `reason=\"...\"` or `-- reason`".to_string(),
            });
            found.push(d);
        }
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
    found
}

/// Checks a Dockerfile: syntax errors, the build problems the engine finds, and the
/// enabled rules, with configured severities, minus what inline pragmas suppress.
/// Sorted by position, then code.
#[must_use]
pub fn check_with(source: &str, settings: &Settings<'_>) -> Vec<Diagnostic> {
    let config = settings.config;
    let parsed = parse(source);
    let build = evaluate(
        &parsed,
        &BuildOptions {
            target: settings.target.map(str::to_string),
            build_args: settings.build_args.to_vec(),
            context: None,
        },
    );
    let mut diagnostics: Vec<Diagnostic> = parsed.errors().iter().map(Diagnostic::from).collect();
    diagnostics.extend(
        build
            .problems
            .iter()
            // A target the build names but the file lacks fails that build.
            .filter(|p| {
                p.kind.is_checked()
                    || (p.kind == ProblemKind::UnknownTarget && settings.target.is_some())
            })
            .map(Diagnostic::from),
    );
    // Syntax errors and build problems are always reported unless explicitly ignored.
    diagnostics.retain(|d| !config.ignore.iter().any(|s| d.answers_to(s)));
    let options = RuleOptions::from_config(config);
    let mut ctx = RuleContext::new(source, &parsed, &build, &options, settings.ignore_file);
    ctx.build_args = settings.build_args;
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
        let mut suppressions = Suppressions::collect(&parsed);
        if let Some(today) = settings.today {
            suppressions.expire(today);
        }
        // Syntax errors cannot be suppressed: the builder rejects the file anyway.
        found.retain(|d| !suppressions.is_suppressed(d.range, &|code| d.answers_to(code)));
        diagnostics.retain(|d| {
            d.category == Category::Syntax
                || !suppressions.is_suppressed(d.range, &|code| d.answers_to(code))
        });
        let mut about_pragmas = pragma_findings(&suppressions, settings, shellcheck_ran);
        // Like syntax errors, they are reported unless explicitly ignored.
        about_pragmas.retain(|d| !config.ignore.iter().any(|s| d.answers_to(s)));
        for d in &mut about_pragmas {
            d.severity = config.severity_for(&diagnostic_id(d), d.severity, settings.path);
        }
        found.extend(about_pragmas);
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

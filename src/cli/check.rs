//! `dflint check`: finds the configuration for each file, checks or fixes it, writes fixed
//! files atomically, renders the report and sets the exit code.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::ValueEnum;
use rayon::prelude::*;

use super::verify::{BuildSpec, Engine, Session, Verdict};
use super::{
    EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, Input, collect_inputs, config, read_input, use_color,
};
use crate::config::{Config, ShellCheckMode};
use crate::fix::FixMode;
use crate::render::{FileReport, RuleInfo};
use crate::rules::registry::RULES;
use crate::semantic::ProblemKind;
use crate::semantic::context::IgnoreFile;
use crate::syntax::SyntaxErrorCode;
use crate::{Diagnostic, Settings, Severity};

/// Output formats of `dflint check`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
    Sarif,
    Github,
    Gitlab,
    Checkstyle,
    Junit,
    Compact,
}

use crate::render::DOCS_URL;

/// `dflint check` arguments that this module reads.
pub(crate) struct CheckOptions<'a> {
    pub paths: &'a [PathBuf],
    pub stdin_filename: Option<&'a str>,
    pub format: Format,
    pub output: Option<&'a Path>,
    pub fail_level: Option<Severity>,
    pub color: super::ColorChoice,
    pub config: Option<&'a Path>,
    pub select: &'a [String],
    pub ignore: &'a [String],
    pub preview: bool,
    pub fix: bool,
    pub unsafe_fixes: bool,
    pub diff: bool,
    pub report_unused_ignores: bool,
    /// `--shellcheck`, which wins over the configuration's `shellcheck`.
    pub shellcheck: Option<ShellCheckMode>,
    /// `--verify`: prove the fixes with a real build.
    pub verify: Option<super::verify::EngineChoice>,
    /// Whether `--verify` may pull base images.
    pub pull: bool,
}

/// The rule table CI formats describe results with.
pub(crate) fn rule_infos() -> Vec<RuleInfo> {
    let mut infos: Vec<RuleInfo> = RULES
        .iter()
        .map(|r| {
            let m = r.meta();
            RuleInfo {
                code: m.code,
                name: m.name,
                summary: m.summary,
                help_uri: format!("{DOCS_URL}{}", m.code),
                severity: m.severity,
            }
        })
        .collect();
    infos.extend(SyntaxErrorCode::ALL.iter().map(|c| RuleInfo {
        code: c.code(),
        name: c.name(),
        summary: c.summary(),
        help_uri: format!("{DOCS_URL}{}", c.code()),
        severity: Severity::Error,
    }));
    infos.extend(ProblemKind::ALL.iter().map(|k| RuleInfo {
        code: k.code(),
        name: k.as_str(),
        summary: k.summary(),
        help_uri: format!("{DOCS_URL}{}", k.code()),
        severity: Severity::Error,
    }));
    infos
}

/// The rule table entries of the ShellCheck codes found, which have no static table.
fn shellcheck_infos(reports: &[FileReport<'_>]) -> Vec<RuleInfo> {
    let mut codes: Vec<(&'static str, Severity)> = reports
        .iter()
        .flat_map(|r| r.diagnostics)
        .filter(|d| d.name == crate::shellcheck::NAME)
        .map(|d| (d.code, d.severity))
        .collect();
    codes.sort_unstable_by_key(|(code, _)| *code);
    codes.dedup_by_key(|(code, _)| *code);
    codes
        .into_iter()
        .map(|(code, severity)| RuleInfo {
            code,
            name: crate::shellcheck::NAME,
            summary: "A ShellCheck finding in the script of a RUN instruction.",
            help_uri: format!("https://www.shellcheck.net/wiki/{code}"),
            severity,
        })
        .collect()
}

/// The ShellCheck mode for a configuration, and where it comes from (for messages).
fn shellcheck_mode(config: &Config, options: &CheckOptions<'_>) -> (ShellCheckMode, String) {
    match (options.shellcheck, config.shellcheck) {
        (Some(mode), _) => (mode, "`--shellcheck`".to_string()),
        (None, Some(mode)) => (
            mode,
            format!(
                "`shellcheck` in {}",
                config.source.as_deref().unwrap_or("the configuration")
            ),
        ),
        (None, None) => (ShellCheckMode::Auto, "the default".to_string()),
    }
}

/// Applies the command line's selection to a loaded configuration and validates every
/// selector. Returns a message naming the unknown one.
fn configure(mut config: Config, options: &CheckOptions<'_>) -> Result<Config, String> {
    let known = crate::check::known_codes();
    for selector in options.select.iter().chain(options.ignore) {
        crate::config::check_selector(selector, &known)
            .map_err(|e| format!("--select/--ignore: {e}"))?;
    }
    let (warnings, error) = config::validate(&config);
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    if let Some(error) = error {
        return Err(error);
    }
    if !options.select.is_empty() {
        config.select = options.select.to_vec();
    }
    config.ignore.extend(options.ignore.iter().cloned());
    config.preview |= options.preview;
    let (mode, source) = shellcheck_mode(&config, options);
    super::shellcheck::runner(mode, &source)?;
    Ok(config)
}

/// The configuration for each input: `--config`, or the nearest file, per directory.
struct Configs<'a> {
    options: &'a CheckOptions<'a>,
    explicit: Option<(PathBuf, Arc<Config>)>,
    by_file: HashMap<PathBuf, Arc<Config>>,
    default: Arc<Config>,
}

impl<'a> Configs<'a> {
    fn new(options: &'a CheckOptions<'a>) -> Result<Self, String> {
        let explicit = match options.config {
            Some(path) => Some((
                path.to_path_buf(),
                Arc::new(configure(config::load_config(path)?, options)?),
            )),
            None => None,
        };
        Ok(Configs {
            options,
            explicit,
            by_file: HashMap::new(),
            default: Arc::new(configure(Config::default(), options)?),
        })
    }

    /// The configuration for `input` and the input's path relative to it.
    fn for_input(&mut self, input: &Input) -> Result<(Arc<Config>, String), String> {
        let file = input
            .path
            .clone()
            .unwrap_or_else(|| PathBuf::from(&input.display));
        if let Some((path, config)) = &self.explicit {
            return Ok((config.clone(), config::path_for_config(path, &file)));
        }
        let (found, relative) = config::locate(&file, &input.display);
        let Some(found) = found else {
            return Ok((self.default.clone(), relative));
        };
        let config = match self.by_file.get(&found) {
            Some(config) => config.clone(),
            None => {
                let config = Arc::new(configure(config::load_config(&found)?, self.options)?);
                self.by_file.insert(found.clone(), config.clone());
                config
            }
        };
        Ok((config, relative))
    }
}

/// One checked file.
struct Checked {
    display: String,
    text: String,
    diagnostics: Vec<Diagnostic>,
    fail_level: Option<Severity>,
    no_fail: bool,
    applied: usize,
    rejected: Vec<String>,
    not_converged: Option<String>,
    write_error: Option<String>,
    diff: Option<String>,
    /// With `--verify`: one line per rule whose fixes were built.
    verified: Vec<String>,
    /// Why ShellCheck failed on the file, and whether that is an error (else a warning).
    shellcheck_failure: Option<(String, bool)>,
}

/// Writes `text` to `path` through a temporary file in the same directory and a rename,
/// keeping the file's permissions, so that the file is never left half-written.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.dflint-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&temp, meta.permissions())?;
        }
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

fn unified_diff(path: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

fn check_one(
    input: &Input,
    config: &Config,
    relative: &str,
    options: &CheckOptions<'_>,
    engine: Option<&dyn Engine>,
) -> Result<Checked, String> {
    let text = read_input(input)?;
    let ignore_file = match &input.path {
        Some(path) => super::context::ignore_file_of(path)
            .map_err(|e| format!("{}: cannot read its .dockerignore: {e}", input.display))?,
        None => IgnoreFile::Unknown,
    };
    let (mode, source) = shellcheck_mode(config, options);
    let process = super::shellcheck::runner(mode, &source)?;
    let settings = Settings {
        config,
        path: relative,
        report_unused_ignores: options.report_unused_ignores,
        ignore_file: &ignore_file,
        shellcheck: process
            .as_ref()
            .map(|p| p as &dyn crate::shellcheck::ShellCheck),
    };
    let mut checked = Checked {
        display: input.display.clone(),
        text,
        diagnostics: Vec::new(),
        fail_level: config.fail_level,
        no_fail: config.no_fail,
        applied: 0,
        rejected: Vec::new(),
        not_converged: None,
        write_error: None,
        diff: None,
        verified: Vec::new(),
        shellcheck_failure: None,
    };
    // A failing ShellCheck fails `check` with `always`; it never fails `--fix`.
    let shellcheck_failure = |fixing: bool| {
        let strict = mode == ShellCheckMode::Always && !fixing;
        process
            .as_ref()
            .and_then(super::shellcheck::Process::failure)
            .map(|e| (format!("{}: {e}", input.display), strict))
    };
    if !options.fix && !options.diff {
        checked.diagnostics = crate::check_with(&checked.text, &settings);
        checked.shellcheck_failure = shellcheck_failure(false);
        return Ok(checked);
    }
    let mode = if options.unsafe_fixes {
        FixMode::Unsafe
    } else {
        FixMode::Safe
    };
    let mut outcome = crate::fix_with(&checked.text, &settings, mode);
    checked.rejected = outcome
        .rejected
        .iter()
        .map(|r| format!("{} {}: {}", r.code, r.title, r.reason))
        .collect();
    if let Some(engine) = engine
        && outcome.output != checked.text
    {
        let original = checked.text.clone();
        let fixed_with = |keep: &[&'static str]| {
            crate::fix_with_only(&original, &settings, mode, &|c| keep.contains(&c)).output
        };
        let kept = verify_fixes(
            engine,
            input,
            &original,
            &outcome,
            options,
            &fixed_with,
            &mut checked,
        )?;
        if kept.len() < codes_of(&outcome).len() {
            outcome = crate::fix_with_only(&checked.text, &settings, mode, &|c| kept.contains(&c));
        }
    }
    checked.applied = outcome.applied.len();
    checked.not_converged = outcome.not_converged;
    checked.diagnostics = outcome.remaining;
    checked.shellcheck_failure = shellcheck_failure(true);
    if outcome.output != checked.text {
        if options.diff {
            checked.diff = Some(unified_diff(
                &checked.display,
                &checked.text,
                &outcome.output,
            ));
        } else if let Some(path) = &input.path {
            if let Err(e) = write_atomically(path, &outcome.output) {
                checked.write_error = Some(format!(
                    "{}: cannot write the fixed file: {e}",
                    checked.display
                ));
            }
        } else {
            // Fixed standard input goes to standard output.
            checked.diff = Some(outcome.output.clone());
        }
        checked.text = outcome.output;
    }
    Ok(checked)
}

/// The codes of the applied fixes, in order, once each.
fn codes_of(outcome: &crate::fix::FixOutcome) -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = Vec::new();
    for fix in &outcome.applied {
        if !codes.contains(&fix.code) {
            codes.push(fix.code);
        }
    }
    codes
}

/// Proves the applied fixes of one file by building it (see
/// [`super::verify::verify_fixes`]), records a line per rule, and returns the codes whose
/// fixes are proven.
fn verify_fixes(
    engine: &dyn Engine,
    input: &Input,
    original: &str,
    outcome: &crate::fix::FixOutcome,
    options: &CheckOptions<'_>,
    fixed_with: &dyn Fn(&[&'static str]) -> String,
    checked: &mut Checked,
) -> Result<Vec<&'static str>, String> {
    let codes = codes_of(outcome);
    let session = Session::new(engine).map_err(|e| format!("{}: {e}", input.display))?;
    let spec = BuildSpec {
        pull: options.pull,
        ..BuildSpec::default()
    };
    let home = super::verify::commands::home_of(input);
    let verdicts = super::verify::verify_fixes(&session, original, home, &spec, &codes, fixed_with);
    let mut kept = Vec::new();
    for (code, verdict) in verdicts {
        let mut titles: Vec<&str> = outcome
            .applied
            .iter()
            .filter(|f| f.code == code)
            .map(|f| f.title.as_str())
            .collect();
        titles.dedup();
        let titles = titles.join("; ");
        match verdict {
            Verdict::Proven => {
                kept.push(code);
                checked.verified.push(format!("proven {code} {titles}"));
            }
            Verdict::Rejected(reason) => {
                checked
                    .verified
                    .push(format!("rejected {code} {titles}: {reason}"));
                checked
                    .rejected
                    .push(format!("{code} {titles}: by the real build: {reason}"));
            }
            Verdict::NotCheckable(reason) => {
                checked.verified.push(format!(
                    "not checkable (not applied) {code} {titles}: {reason}"
                ));
            }
        }
    }
    Ok(kept)
}

fn render(format: Format, reports: &[FileReport<'_>], color: bool) -> String {
    let infos = || {
        let mut infos = rule_infos();
        infos.extend(shellcheck_infos(reports));
        infos
    };
    match format {
        Format::Text => crate::render::render_text(reports, color),
        Format::Json => crate::render::render_json(reports),
        Format::Sarif => crate::render::render_sarif(reports, &infos()),
        Format::Github => crate::render::render_github(reports, &infos()),
        Format::Gitlab => crate::render::render_gitlab(reports, &infos()),
        Format::Checkstyle => crate::render::render_checkstyle(reports, &infos()),
        Format::Junit => crate::render::render_junit(reports, &infos()),
        Format::Compact => crate::render::render_compact(reports, &infos()),
    }
}

/// Runs `dflint check` and returns the exit code.
pub(crate) fn run(options: &CheckOptions<'_>) -> u8 {
    let mut errors = Vec::new();
    let inputs = collect_inputs(options.paths, options.stdin_filename, &mut errors);
    let mut configs = match Configs::new(options) {
        Ok(configs) => configs,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let engine = match options.verify {
        Some(choice) if options.fix || options.diff => match super::verify::detect(choice) {
            Ok(engine) => Some(engine),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_ERROR;
            }
        },
        _ => None,
    };
    let mut jobs = Vec::new();
    for input in &inputs {
        match configs.for_input(input) {
            Ok((config, relative)) => jobs.push((input, config, relative)),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_ERROR;
            }
        }
    }
    let results: Vec<Result<Checked, String>> = jobs
        .par_iter()
        .map(|(input, config, relative)| {
            check_one(input, config, relative, options, engine.as_deref())
        })
        .collect();
    let mut checked = Vec::new();
    for result in results {
        match result {
            Ok(c) => checked.push(c),
            Err(e) => errors.push(e),
        }
    }
    let mut stdout = std::io::stdout().lock();
    let stdin_fixed = options.fix && !options.diff && inputs.iter().any(|i| i.path.is_none());
    for c in &checked {
        if let Some(diff) = &c.diff {
            let _ = stdout.write_all(diff.as_bytes());
        }
        if let Some(e) = &c.write_error {
            errors.push(e.clone());
        }
        match &c.shellcheck_failure {
            Some((e, true)) => errors.push(e.clone()),
            Some((e, false)) => eprintln!("warning: {e}; its ShellCheck findings are missing"),
            None => {}
        }
    }
    if options.fix || options.diff {
        let applied: usize = checked.iter().map(|c| c.applied).sum();
        let rejected: usize = checked.iter().map(|c| c.rejected.len()).sum();
        let verb = if options.diff {
            "would apply"
        } else {
            "applied"
        };
        eprintln!("{applied} fixes {verb}, {rejected} rejected by the build check");
        for c in &checked {
            for r in &c.rejected {
                eprintln!("  {}: rejected {r}", c.display);
            }
            if let Some(codes) = &c.not_converged {
                eprintln!("  {}: fixes did not converge ({codes})", c.display);
            }
        }
        if let Some(engine) = &engine {
            eprintln!("fixes verified by building with {}:", engine.describe());
            for c in &checked {
                for line in &c.verified {
                    eprintln!("  {}: {line}", c.display);
                }
            }
        }
    }
    let reports: Vec<FileReport<'_>> = checked
        .iter()
        .map(|c| FileReport {
            path: &c.display,
            source: &c.text,
            diagnostics: &c.diagnostics,
        })
        .collect();
    let color = options.output.is_none() && use_color(options.color);
    let output = render(options.format, &reports, color);
    match options.output {
        Some(path) => {
            if let Err(e) = write_atomically(path, &output) {
                errors.push(format!("{}: cannot write the report: {e}", path.display()));
            }
        }
        // With fixed standard input on standard output, the report goes to standard error.
        None if stdin_fixed => eprint!("{output}"),
        None => {
            let _ = stdout.write_all(output.as_bytes());
        }
    }
    let _ = stdout.flush();
    for e in &errors {
        eprintln!("error: {e}");
    }
    if !errors.is_empty() {
        return EXIT_ERROR;
    }
    let fails = checked.iter().any(|c| {
        let threshold = options
            .fail_level
            .or(c.fail_level)
            .unwrap_or(Severity::Info);
        !c.no_fail && c.diagnostics.iter().any(|d| d.severity >= threshold)
    });
    if fails { EXIT_FINDINGS } else { EXIT_CLEAN }
}

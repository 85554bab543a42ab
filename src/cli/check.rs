//! `dflint check`: finds the configuration for each file, checks or fixes it, writes fixed
//! files atomically, renders the report and sets the exit code.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::ValueEnum;
use rayon::prelude::*;

use super::verify::{BuildSpec, Engine as BuildEngine, Session, Verdict};
use super::{
    EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, Input, collect_inputs, config, read_input, use_color,
};
use crate::baseline::{Baseline, FileFindings};
use crate::config::{Config, Engine, ShellCheckMode};
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
    /// `--preset`, which replaces the configuration's `preset`.
    pub preset: Option<crate::config::Preset>,
    pub select: &'a [String],
    pub ignore: &'a [String],
    pub preview: bool,
    pub fix: bool,
    pub unsafe_fixes: bool,
    pub diff: bool,
    pub report_unused_ignores: bool,
    /// `--baseline`: report only findings it does not hold.
    pub baseline: Option<&'a Path>,
    /// `--write-baseline`: record the findings there.
    pub write_baseline: Option<&'a Path>,
    /// `--shellcheck`, which wins over the configuration's `shellcheck`.
    pub shellcheck: Option<ShellCheckMode>,
    /// `--engine`, which wins over the configuration's `engine`.
    pub engine: Option<Engine>,
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
                categories: m
                    .categories()
                    .map(crate::rules::RuleCategory::as_str)
                    .collect(),
            }
        })
        .collect();
    infos.extend(SyntaxErrorCode::ALL.iter().map(|c| RuleInfo {
        code: c.code(),
        name: c.name(),
        summary: c.summary(),
        help_uri: format!("{DOCS_URL}{}", c.code()),
        severity: Severity::Error,
        categories: Vec::new(),
    }));
    infos.extend(ProblemKind::ALL.iter().map(|k| RuleInfo {
        code: k.code(),
        name: k.as_str(),
        summary: k.summary(),
        help_uri: format!("{DOCS_URL}{}", k.code()),
        severity: Severity::Error,
        categories: Vec::new(),
    }));
    infos.extend(crate::PRAGMA_CODES.iter().map(|p| RuleInfo {
        code: p.code,
        name: p.name,
        summary: p.summary,
        help_uri: format!("{DOCS_URL}{}", p.code),
        severity: if *p == crate::UNUSED_SUPPRESSION {
            Severity::Info
        } else {
            Severity::Warning
        },
        categories: Vec::new(),
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
            categories: Vec::new(),
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
    if options.preset.is_some() {
        config.preset = options.preset;
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
        // An inline Dockerfile takes the configuration of the file it is written in.
        let file = input
            .path
            .clone()
            .or_else(|| input.build.as_ref().map(|b| b.file.clone()))
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
    /// The file (for standard input, its reported name), for baseline paths.
    location: PathBuf,
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
    /// The findings going into `--write-baseline`, taken out of the report.
    recorded: Vec<Diagnostic>,
}

/// Writes `text` to `path` through a temporary file in the same directory and a rename,
/// keeping the file's permissions, so that the file is never left half-written.
pub(crate) fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
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

/// The ignore file of an input's build context: the declared context of a Compose or
/// Bake build, else the Dockerfile's directory.
fn ignore_file_for(input: &Input, engine: Engine) -> Result<IgnoreFile, String> {
    match (&input.build, &input.path) {
        (Some(build), path) => {
            super::context::ignore_file_in(&build.context, path.as_deref(), engine).map_err(|e| {
                format!(
                    "{}: cannot read the ignore file of the build context `{}`: {e}",
                    build.site,
                    build.context.display()
                )
            })
        }
        (None, Some(path)) => super::context::ignore_file_of(path, engine)
            .map_err(|e| format!("{}: cannot read its .dockerignore: {e}", input.display)),
        (None, None) => Ok(IgnoreFile::Unknown),
    }
}

/// Checks (or fixes) one input. `fixed` is the text an earlier build of the same file left
/// after fixing: the file is then checked as it is now, not fixed again.
fn check_one(
    input: &Input,
    config: &Config,
    relative: &str,
    options: &CheckOptions<'_>,
    today: crate::suppress::Date,
    fixed: Option<&str>,
    build_engine: Option<&dyn BuildEngine>,
) -> Result<Checked, String> {
    let text = match fixed {
        Some(text) => text.to_string(),
        None => read_input(input)?,
    };
    let engine = options.engine.or(config.engine).unwrap_or_default();
    let ignore_file = ignore_file_for(input, engine)?;
    let (mode, source) = shellcheck_mode(config, options);
    let process = super::shellcheck::runner(mode, &source)?;
    let build = input.build.as_deref();
    let settings = Settings {
        config,
        path: relative,
        report_unused_ignores: options.report_unused_ignores,
        ignore_file: &ignore_file,
        shellcheck: process
            .as_ref()
            .map(|p| p as &dyn crate::shellcheck::ShellCheck),
        today: Some(today),
        build_args: build.map_or(&[], |b| b.build_args.as_slice()),
        target: build.and_then(|b| b.target.as_deref()),
    };
    let mut checked = Checked {
        display: input.display.clone(),
        location: input
            .path
            .clone()
            .unwrap_or_else(|| PathBuf::from(&input.display)),
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
        recorded: Vec::new(),
    };
    // A failing ShellCheck fails `check` with `always`; it never fails `--fix`.
    let shellcheck_failure = |fixing: bool| {
        let strict = mode == ShellCheckMode::Always && !fixing;
        process
            .as_ref()
            .and_then(super::shellcheck::Process::failure)
            .map(|e| (format!("{}: {e}", input.display), strict))
    };
    // An inline Dockerfile has no file of its own to write fixes to.
    let inline = input.build.is_some() && input.path.is_none();
    if (!options.fix && !options.diff) || fixed.is_some() || inline {
        checked.diagnostics = crate::check_with(&checked.text, &settings);
        checked.shellcheck_failure = shellcheck_failure(false);
        if inline {
            place_inline(input, &mut checked)?;
        }
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
    if let Some(engine) = build_engine
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

/// Reads and checks `--baseline`.
fn read_baseline(path: &Path) -> Result<(Baseline, PathBuf), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the baseline: {e}", path.display()))?;
    let baseline = Baseline::parse(&text).map_err(|e| match e {
        crate::baseline::BaselineError::Invalid { .. } => format!("{}:{e}", path.display()),
        crate::baseline::BaselineError::Version(_) => format!("{}: {e}", path.display()),
    })?;
    Ok((baseline, directory_of(path)))
}

/// The absolute directory of a file, for paths relative to it.
fn directory_of(file: &Path) -> PathBuf {
    let absolute = absolute(file);
    absolute
        .parent()
        .map_or_else(|| PathBuf::from("/"), Path::to_path_buf)
}

/// `path` made absolute against the working directory, `.` and `..` resolved without
/// touching the filesystem.
fn absolute(path: &Path) -> PathBuf {
    let joined = std::env::current_dir()
        .map(|cwd| cwd.join(path))
        .unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `file` relative to the directory `base`, `/`-separated (with `..` when outside it).
fn relative_to(file: &Path, base: &Path) -> String {
    let file = absolute(file);
    let (file_parts, base_parts): (Vec<_>, Vec<_>) =
        (file.components().collect(), base.components().collect());
    let common = file_parts
        .iter()
        .zip(&base_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = vec!["..".to_string(); base_parts.len() - common];
    parts.extend(
        file_parts[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// Hides the findings `--baseline` holds, writes `--write-baseline` (only when every file
/// was checked, `complete`), and says on standard error what was hidden and written.
fn apply_baseline(
    options: &CheckOptions<'_>,
    baseline: Option<&(Baseline, PathBuf)>,
    checked: &mut [Checked],
    complete: bool,
) -> Result<(), String> {
    if baseline.is_none() && options.write_baseline.is_none() {
        return Ok(());
    }
    let write_dir = options.write_baseline.map(directory_of);
    let mut matcher = baseline.map(|(b, _)| b.matcher());
    let mut recorded: Vec<(String, usize)> = Vec::new();
    let mut hidden = 0;
    let mut seen = Vec::new();
    for (i, c) in checked.iter_mut().enumerate() {
        let known = match (&mut matcher, baseline) {
            (Some(matcher), Some((_, dir))) => {
                let path = relative_to(&c.location, dir);
                let split = matcher.split(FileFindings {
                    path: &path,
                    source: &c.text,
                    diagnostics: &c.diagnostics,
                });
                seen.push(path);
                c.diagnostics = split.new;
                split.known
            }
            // Without a baseline to read, everything found is recorded.
            _ => std::mem::take(&mut c.diagnostics),
        };
        hidden += known.len();
        if let Some(dir) = &write_dir {
            recorded.push((relative_to(&c.location, dir), i));
        }
        if write_dir.is_some() {
            // Kept aside to be recorded below; the file's report no longer holds them.
            c.recorded = known;
        }
    }
    if let (Some(path), Some(_)) = (options.write_baseline, &write_dir) {
        if !complete {
            return Err(format!(
                "{}: not writing the baseline, since some files could not be checked",
                path.display()
            ));
        }
        let written = Baseline::of(recorded.iter().map(|(rel, i)| FileFindings {
            path: rel,
            source: &checked[*i].text,
            diagnostics: &checked[*i].recorded,
        }));
        write_atomically(path, &written.to_json())
            .map_err(|e| format!("{}: cannot write the baseline: {e}", path.display()))?;
        eprintln!(
            "{} findings in {} files recorded in {}",
            written.len(),
            written
                .findings
                .iter()
                .map(|e| &e.path)
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            path.display()
        );
    }
    if let (Some((_, _)), Some(matcher), Format::Text) = (baseline, &matcher, options.format) {
        let seen: Vec<&str> = seen.iter().map(String::as_str).collect();
        let gone: usize = matcher.gone(&seen).iter().map(|e| e.count as usize).sum();
        let path = options.baseline.unwrap_or(Path::new("")).display();
        let mut line = format!("{hidden} known findings hidden by the baseline {path}");
        if gone > 0 && options.write_baseline.is_none() {
            line.push_str(&format!(
                "; {gone} of its findings are gone (shrink it with `--baseline {path} \
                 --write-baseline {path}`)"
            ));
        }
        eprintln!("{line}");
    }
    Ok(())
}

/// Moves the findings of an inline Dockerfile whose lines are in the declaring file
/// verbatim to their places in that file, which becomes the report's source. Fixes are
/// dropped: they would edit the Dockerfile's text, not the file.
fn place_inline(input: &Input, checked: &mut Checked) -> Result<(), String> {
    let Some(build) = &input.build else {
        return Ok(());
    };
    for d in &mut checked.diagnostics {
        d.fix = None;
    }
    let super::DockerfileSource::Inline {
        lines: Some(lines), ..
    } = &build.dockerfile
    else {
        return Ok(());
    };
    let declaring = std::fs::read_to_string(&build.file)
        .map_err(|e| format!("{}: cannot read file: {e}", input.display))?;
    let starts: Vec<usize> = std::iter::once(0)
        .chain(declaring.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let inline_starts: Vec<usize> = std::iter::once(0)
        .chain(checked.text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let place = |offset: u32| -> u32 {
        let offset = offset as usize;
        let line = inline_starts.partition_point(|&s| s <= offset).max(1) - 1;
        let column = offset - inline_starts[line];
        let target_line = lines.first + line;
        let Some(&start) = starts.get(target_line) else {
            return u32::try_from(declaring.len()).unwrap_or(u32::MAX);
        };
        let end = starts
            .get(target_line + 1)
            .map_or(declaring.len(), |&next| next - 1);
        // A blank line of the block may be shorter than its indentation.
        let at = (start + lines.indent + column).min(end);
        u32::try_from(at).unwrap_or(u32::MAX)
    };
    for d in &mut checked.diagnostics {
        d.range = crate::syntax::TextRange::new(place(d.range.start), place(d.range.end));
    }
    checked.text = declaring;
    Ok(())
}

/// Checks the builds of one file: the first is fixed when fixing, the others are checked on
/// its result. With several builds, the findings they share are reported once, and the
/// others name the builds they were found in.
fn check_builds(
    jobs: &[&(&Input, Arc<Config>, String)],
    options: &CheckOptions<'_>,
    today: crate::suppress::Date,
    build_engine: Option<&dyn BuildEngine>,
) -> Vec<Result<Checked, String>> {
    let (first_input, first_config, first_relative) = jobs[0];
    let first = check_one(
        first_input,
        first_config,
        first_relative,
        options,
        today,
        None,
        build_engine,
    );
    let Ok(first) = first else {
        return vec![first];
    };
    if jobs.len() == 1 {
        return vec![Ok(first)];
    }
    let written = (options.fix || options.diff).then(|| first.text.clone());
    let mut runs = vec![first];
    let mut out = Vec::new();
    for (input, config, relative) in &jobs[1..] {
        match check_one(
            input,
            config,
            relative,
            options,
            today,
            written.as_deref(),
            build_engine,
        ) {
            Ok(c) => runs.push(c),
            Err(e) => out.push(Err(e)),
        }
    }
    let labels: Vec<String> = jobs
        .iter()
        .map(|(input, _, _)| {
            input
                .build
                .as_ref()
                .map_or_else(|| "the file on its own".to_string(), |b| b.origin.clone())
        })
        .collect();
    out.push(Ok(merge_runs(runs, &labels)));
    out
}

/// One report of several checks of the same text: a finding of every run is kept as it
/// is, one of only some runs gets their labels appended to its message.
fn merge_runs(mut runs: Vec<Checked>, labels: &[String]) -> Checked {
    type Key = (u32, u32, &'static str, String);
    let key = |d: &Diagnostic| -> Key { (d.range.start, d.range.end, d.code, d.message.clone()) };
    let mut seen: Vec<(Key, Diagnostic, Vec<usize>)> = Vec::new();
    for (i, run) in runs.iter_mut().enumerate() {
        for d in std::mem::take(&mut run.diagnostics) {
            let k = key(&d);
            match seen.iter_mut().find(|(sk, _, _)| *sk == k) {
                Some((_, _, found_in)) => {
                    if !found_in.contains(&i) {
                        found_in.push(i);
                    }
                }
                None => seen.push((k, d, vec![i])),
            }
        }
    }
    let count = runs.len();
    let mut merged = runs.swap_remove(0);
    for other in &runs {
        merged.shellcheck_failure = merged
            .shellcheck_failure
            .take()
            .or_else(|| other.shellcheck_failure.clone());
    }
    merged.diagnostics = seen
        .into_iter()
        .map(|(_, mut d, found_in)| {
            if found_in.len() < count {
                let names: Vec<&str> = found_in.iter().map(|&i| labels[i].as_str()).collect();
                d.message = format!("{} (in {})", d.message, names.join("; "));
            }
            d
        })
        .collect();
    merged
        .diagnostics
        .sort_by(|a, b| (a.range.start, a.code).cmp(&(b.range.start, b.code)));
    merged
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
    engine: &dyn BuildEngine,
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
    let today = match super::today() {
        Ok(today) => today,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let baseline = match options.baseline.map(read_baseline).transpose() {
        Ok(baseline) => baseline,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let inputs = collect_inputs(options.paths, options.stdin_filename, true, &mut errors);
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
            Ok((config, relative)) => {
                if !(input.searched && config.exclude.matches(&relative)) {
                    jobs.push((input, config, relative));
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_ERROR;
            }
        }
    }
    // The builds of one file are checked together: it is fixed once, and their findings
    // are merged into one report.
    let mut groups: Vec<Vec<&(&Input, Arc<Config>, String)>> = Vec::new();
    for job in &jobs {
        let same_file = |group: &Vec<&(&Input, Arc<Config>, String)>| {
            job.0.path.is_some() && group[0].0.path == job.0.path
        };
        match groups.iter_mut().find(|g| same_file(g)) {
            Some(group) => group.push(job),
            None => groups.push(vec![job]),
        }
    }
    let results: Vec<Result<Checked, String>> = groups
        .par_iter()
        .flat_map_iter(|group| check_builds(group, options, today, engine.as_deref()))
        .collect();
    let mut checked = Vec::new();
    for result in results {
        match result {
            Ok(c) => checked.push(c),
            Err(e) => errors.push(e),
        }
    }
    let mut stdout = std::io::stdout().lock();
    let stdin_fixed = options.fix && !options.diff && inputs.iter().any(Input::is_stdin);
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
    if let Err(e) = apply_baseline(options, baseline.as_ref(), &mut checked, errors.is_empty()) {
        errors.push(e);
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

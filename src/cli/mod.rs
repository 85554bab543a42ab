//! The command-line shell: arguments, file discovery, reading files, exit codes. The only
//! layer that touches the filesystem, stdin, stdout and the environment.

mod bake;
mod check;
mod compose;
pub(crate) mod config;
pub(crate) mod context;
mod discover;
mod init;
mod shellcheck;
pub mod verify;

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use crate::Severity;
use crate::render::LineIndex;
use discover::{DeclaredBuild, DockerfileSource};

/// dflint: a Dockerfile linter, autofixer and language server.
#[derive(Parser, Debug)]
#[command(name = "dflint", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check Dockerfiles and report problems.
    Check(CheckArgs),
    /// List the rules.
    Rules,
    /// Show one rule's documentation (by code, name or alias).
    Rule {
        /// The rule's code, name or alias.
        name: String,
    },
    /// Show what a Dockerfile builds: stages, graph, layers (and which rebuild after a
    /// change) and the final image config, without building it.
    Plan(PlanArgs),
    /// Build two Dockerfiles (an original and a fixed version) with a real engine and
    /// compare the images: config field by field and the filesystem.
    Verify(VerifyArgs),
    /// Run the language server on standard input and output.
    #[cfg(feature = "lsp")]
    Lsp {
        /// Accepted for editors that pass it; standard input and output is the only
        /// transport.
        #[arg(long)]
        stdio: bool,
    },
    /// Write a commented `.dflint.toml` with every setting at its default, or converted
    /// from hadolint's configuration.
    Init(InitArgs),
    /// Print a shell completion script (source it from the shell's startup file).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Developer tools for the parser.
    #[command(subcommand)]
    Debug(DebugCommand),
}

#[derive(clap::Args, Debug)]
struct InitArgs {
    /// Where to write the configuration.
    #[arg(long, short = 'o', value_name = "PATH", default_value = ".dflint.toml")]
    output: PathBuf,
    /// Convert this `.hadolint.yaml` instead of writing the defaults; what cannot be
    /// converted is listed on standard error.
    #[arg(long, value_name = "FILE")]
    from_hadolint: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    force: bool,
}

#[derive(clap::Args, Debug)]
struct PlanArgs {
    /// The Dockerfiles (`-` for standard input; directories are searched like `check`
    /// does). With several files, JSON output has one document per line.
    #[arg(default_value = "Dockerfile")]
    files: Vec<PathBuf>,
    /// The stage to build (default: the last one).
    #[arg(long)]
    target: Option<String>,
    /// A build argument, `NAME=VALUE` (or `NAME` to take the value from the environment).
    #[arg(long = "build-arg", value_name = "NAME=VALUE")]
    build_args: Vec<String>,
    /// The build context directory; COPY/ADD sources are resolved in it and `.dockerignore`
    /// is applied. Without it, sources stay patterns.
    #[arg(long, value_name = "DIR")]
    context: Option<PathBuf>,
    /// A context file (relative to the context) that changed: shows which layers rebuild.
    #[arg(long, value_name = "PATH")]
    changed: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    format: PlanFormat,
    /// Build each file with a real engine (buildah, or Docker with BuildKit) and report
    /// every config field where the prediction and the built image differ, instead of
    /// the plan (text or JSON). The context defaults to the file's directory.
    #[arg(long, value_enum, value_name = "ENGINE", num_args = 0..=1, require_equals = true,
          default_missing_value = "auto")]
    verify: Option<verify::EngineChoice>,
    /// With `--verify`, never pull a base image: use the engine's local images only.
    #[arg(long)]
    no_pull: bool,
}

#[derive(clap::Args, Debug)]
struct VerifyArgs {
    /// The original Dockerfile.
    original: PathBuf,
    /// The fixed Dockerfile.
    fixed: PathBuf,
    /// The engine: buildah when installed, else Docker (auto), buildah or docker.
    #[arg(long, value_enum, default_value_t = verify::EngineChoice::Auto)]
    engine: verify::EngineChoice,
    /// The build context (default: the original's directory).
    #[arg(long, value_name = "DIR")]
    context: Option<PathBuf>,
    /// The stage to build (default: the last one).
    #[arg(long)]
    target: Option<String>,
    /// A build argument, `NAME=VALUE` (or `NAME` to take the value from the environment).
    #[arg(long = "build-arg", value_name = "NAME=VALUE")]
    build_args: Vec<String>,
    /// Never pull a base image: use the engine's local images only.
    #[arg(long)]
    no_pull: bool,
    /// The fixed file is the original fixed by these rules (codes or names,
    /// comma-separated): the differences their fixes declare are allowed.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    fixed_by: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = VerifyFormat::Text)]
    format: VerifyFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum VerifyFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum PlanFormat {
    Text,
    Json,
    Dot,
    Mermaid,
}

#[derive(clap::Args, Debug)]
#[allow(clippy::struct_excessive_bools)]
struct CheckArgs {
    /// Files or directories to check (`-` reads standard input). Directories are searched
    /// for Dockerfile, Dockerfile.*, *.Dockerfile, *.dockerfile and Containerfile*,
    /// honouring .gitignore, and for Compose and Bake files, whose Dockerfiles are checked
    /// with the build context, arguments and target they declare. Defaults to the current
    /// directory.
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = check::Format::Text)]
    format: check::Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// The name to report for standard input.
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<String>,
    /// Exit with 1 when a finding has at least this severity (default: the configuration's
    /// `fail-level`, else `info`).
    #[arg(long, value_enum)]
    fail_level: Option<FailLevel>,
    /// Colored output: auto (when stdout is a terminal and NO_COLOR is unset), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// The configuration file (`.dflint.toml`, `.dflint.yaml` or `.hadolint.yaml`); by
    /// default the nearest one above each file.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The set of rules to start from: minimal, recommended (the default), security or
    /// strict. Replaces the configuration's `preset`.
    #[arg(long, value_name = "PRESET", value_parser = clap::builder::PossibleValuesParser::new(crate::config::Preset::NAMES))]
    preset: Option<String>,
    /// Only these rules, or with a preset, these rules too (codes, names, aliases,
    /// categories such as `security`, or code prefixes, comma-separated). Replaces the
    /// configuration's `select`.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    select: Vec<String>,
    /// Not these rules (codes, names, aliases, categories or code prefixes, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    ignore: Vec<String>,
    /// Also run rules in preview.
    #[arg(long)]
    preview: bool,
    /// Apply safe fixes (each proven by the parser and the build engine) and write the files.
    #[arg(long)]
    fix: bool,
    /// With `--fix` or `--diff`, also apply unsafe fixes.
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them.
    #[arg(long)]
    diff: bool,
    /// With `--fix` or `--diff`, prove the fixes by building the original and the fixed
    /// file with a real engine (buildah, or Docker with BuildKit; auto picks the one
    /// available) and keep only those whose image matches what their rule declares. The
    /// build context is each file's directory.
    #[arg(long, value_enum, value_name = "ENGINE", num_args = 0..=1, require_equals = true,
          default_missing_value = "auto")]
    verify: Option<verify::EngineChoice>,
    /// With `--verify`, never pull a base image: use the engine's local images only.
    #[arg(long)]
    no_pull: bool,
    /// Report suppression pragmas that suppress nothing.
    #[arg(long)]
    report_unused_ignores: bool,
    /// Report only the findings this baseline file (written by `--write-baseline`) does not
    /// hold; the count of hidden ones goes to standard error.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record the findings in this baseline file (with `--baseline`: only those it already
    /// holds, so that it shrinks as findings are fixed) and report the others.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Check RUN scripts with ShellCheck: when the `shellcheck` binary is on PATH (auto,
    /// the default unless the configuration's `shellcheck` says otherwise), always (a
    /// missing binary is an error) or never.
    #[arg(long, value_enum, value_name = "WHEN")]
    shellcheck: Option<ShellCheckChoice>,
    /// The container engine whose ignore file applies to a build context: docker
    /// (`<Dockerfile>.dockerignore`, then `.dockerignore`; the default unless the
    /// configuration's `engine` says otherwise) or podman (`.containerignore`, then
    /// `.dockerignore`).
    #[arg(long, value_enum, value_name = "ENGINE")]
    engine: Option<EngineChoice>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum EngineChoice {
    Docker,
    Podman,
}

impl EngineChoice {
    fn engine(self) -> crate::config::Engine {
        match self {
            EngineChoice::Docker => crate::config::Engine::Docker,
            EngineChoice::Podman => crate::config::Engine::Podman,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ShellCheckChoice {
    Auto,
    Always,
    Never,
}

impl ShellCheckChoice {
    fn mode(self) -> crate::config::ShellCheckMode {
        match self {
            ShellCheckChoice::Auto => crate::config::ShellCheckMode::Auto,
            ShellCheckChoice::Always => crate::config::ShellCheckMode::Always,
            ShellCheckChoice::Never => crate::config::ShellCheckMode::Never,
        }
    }
}

#[derive(Subcommand, Debug)]
enum DebugCommand {
    /// Print the syntax tree of a file with byte ranges, then its syntax errors.
    Syntax {
        /// The Dockerfile (`-` for standard input).
        file: PathBuf,
    },
    /// Check that printing the syntax tree gives back each file byte for byte.
    Roundtrip {
        /// Files or directories (searched like `check` does).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FailLevel {
    Error,
    Warning,
    Info,
    Style,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl FailLevel {
    fn severity(self) -> Severity {
        match self {
            FailLevel::Error => Severity::Error,
            FailLevel::Warning => Severity::Warning,
            FailLevel::Info => Severity::Info,
            FailLevel::Style => Severity::Style,
        }
    }
}

/// The environment variable that sets today's date (`YYYY-MM-DD`) for pragma expiry, in
/// place of the clock: for reproducible runs and tests.
pub(crate) const TODAY_VARIABLE: &str = "DFLINT_TODAY";

/// Today's date, which `expires=` dates of pragmas are compared with: `DFLINT_TODAY` when
/// set, else the system clock's date in UTC.
///
/// # Errors
/// When `DFLINT_TODAY` is not a date, or the clock is before 1970.
pub(crate) fn today() -> Result<crate::suppress::Date, String> {
    if let Some(value) = std::env::var_os(TODAY_VARIABLE) {
        let value = value.to_string_lossy();
        return crate::suppress::Date::parse(&value).ok_or_else(|| {
            format!("{TODAY_VARIABLE}: `{value}` is not a date (expected YYYY-MM-DD)")
        });
    }
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| format!("the system clock is before 1970: {e}"))?
        .as_secs();
    i64::try_from(seconds / 86_400)
        .ok()
        .and_then(crate::suppress::Date::from_days_since_epoch)
        .ok_or_else(|| "the system clock is out of range".to_string())
}

/// Exit code: no findings at or above the failure threshold.
const EXIT_CLEAN: u8 = 0;
/// Exit code: findings at or above the failure threshold.
const EXIT_FINDINGS: u8 = 1;
/// Exit code: usage, configuration or IO error.
const EXIT_ERROR: u8 = 2;

/// Runs the command line and returns the process exit code.
#[must_use]
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            });
        }
    };
    let code = match cli.command {
        Command::Check(args) => run_check(&args),
        Command::Rules => run_rules(),
        Command::Rule { name } => run_rule(&name),
        Command::Plan(args) => run_plan(&args),
        Command::Verify(args) => verify::commands::run_verify(&args),
        #[cfg(feature = "lsp")]
        Command::Lsp { stdio: _ } => run_lsp(),
        Command::Init(args) => init::run(&args.output, args.from_hadolint.as_deref(), args.force),
        Command::Completions { shell } => run_completions(shell),
        Command::Debug(DebugCommand::Syntax { file }) => run_debug_syntax(&file),
        Command::Debug(DebugCommand::Roundtrip { paths }) => run_roundtrip(&paths),
    };
    ExitCode::from(code)
}

/// A file to check: where it comes from, the name to report, and the build that a Compose
/// or Bake file declares for it.
struct Input {
    /// The file; `None` for standard input and for a Dockerfile written inline.
    path: Option<PathBuf>,
    display: String,
    build: Option<Arc<DeclaredBuild>>,
    /// Found by searching a directory (so the configuration's `exclude` applies), rather
    /// than named on the command line.
    searched: bool,
}

impl Input {
    fn is_stdin(&self) -> bool {
        self.path.is_none() && self.build.is_none()
    }
}

/// The text of an input, or a message saying why it could not be read.
fn read_input(input: &Input) -> Result<String, String> {
    if let Some(build) = &input.build
        && let DockerfileSource::Inline { text, .. } = &build.dockerfile
    {
        return Ok(text.clone());
    }
    let bytes = match &input.path {
        Some(path) => std::fs::read(path).map_err(|e| match &input.build {
            Some(build) => format!("{}: {}: cannot read file: {e}", build.site, input.display),
            None => format!("{}: cannot read file: {e}", input.display),
        })?,
        None => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| format!("{}: cannot read standard input: {e}", input.display))?;
            buf
        }
    };
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&e.as_bytes()[..offset]).unwrap_or_default();
        let pos = LineIndex::new(valid).position(offset);
        format!(
            "{}:{}:{}: the file is not valid UTF-8 (byte offset {offset})",
            input.display, pos.line, pos.column
        )
    })
}

/// Expands the command-line paths into inputs, reporting paths that do not exist. With
/// `builds`, directories are also searched for Compose and Bake files: a Dockerfile they
/// declare is checked once per distinct build (Dockerfile, context, arguments, target)
/// instead of on its own; their errors go to `errors` and what they skip is printed as a
/// note.
fn collect_inputs(
    paths: &[PathBuf],
    stdin_name: Option<&str>,
    builds: bool,
    errors: &mut Vec<String>,
) -> Vec<Input> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input {
                path: None,
                display: stdin_name.unwrap_or("-").to_string(),
                build: None,
                searched: false,
            });
        } else if path.is_dir() {
            match discover::search(path, builds) {
                Ok(found) => {
                    errors.extend(found.errors);
                    for note in &found.notes {
                        eprintln!("note: {note}");
                    }
                    let declared = distinct_builds(found.builds);
                    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
                    let built: std::collections::HashSet<PathBuf> = declared
                        .iter()
                        .filter_map(|b| match &b.dockerfile {
                            DockerfileSource::File(p) => canonical(p),
                            DockerfileSource::Inline { .. } => None,
                        })
                        .collect();
                    for p in found.dockerfiles {
                        if !built.is_empty() && canonical(&p).is_some_and(|c| built.contains(&c)) {
                            continue;
                        }
                        inputs.push(Input {
                            display: display_path(&p),
                            path: Some(p),
                            build: None,
                            searched: true,
                        });
                    }
                    inputs.extend(declared.into_iter().map(declared_input));
                }
                Err(e) => errors.push(format!("{}: {e}", path.display())),
            }
        } else if path.exists() {
            inputs.push(Input {
                display: display_path(path),
                path: Some(path.clone()),
                build: None,
                searched: false,
            });
        } else {
            errors.push(format!("{}: no such file or directory", path.display()));
        }
    }
    inputs
}

/// The declared builds with identical ones merged (their origins joined), sorted by
/// Dockerfile and origin.
fn distinct_builds(builds: Vec<DeclaredBuild>) -> Vec<DeclaredBuild> {
    let mut out: Vec<DeclaredBuild> = Vec::new();
    for build in builds {
        match out.iter_mut().find(|b| b.same_build(&build)) {
            Some(existing) => {
                existing.origin.push_str(", ");
                existing.origin.push_str(&build.origin);
            }
            None => out.push(build),
        }
    }
    out.sort_by(|a, b| (&a.dockerfile, &a.origin).cmp(&(&b.dockerfile, &b.origin)));
    out
}

/// The input of a declared build: its Dockerfile, or for an inline Dockerfile the
/// declaring file (when the lines are there verbatim, so that positions are the file's) or
/// `file#key` (positions are then the inline text's).
fn declared_input(build: DeclaredBuild) -> Input {
    let (path, display) = match &build.dockerfile {
        DockerfileSource::File(p) => (Some(p.clone()), display_path(p)),
        DockerfileSource::Inline { lines: Some(_), .. } => (None, display_path(&build.file)),
        DockerfileSource::Inline { key, .. } => {
            (None, format!("{}#{key}", display_path(&build.file)))
        }
    };
    Input {
        path,
        display,
        build: Some(Arc::new(build)),
        searched: true,
    }
}

fn display_path(path: &Path) -> String {
    let s = path.display().to_string();
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    }
}

fn run_check(args: &CheckArgs) -> u8 {
    check::run(&check::CheckOptions {
        paths: &args.paths,
        stdin_filename: args.stdin_filename.as_deref(),
        format: args.format,
        output: args.output.as_deref(),
        fail_level: args.fail_level.map(FailLevel::severity),
        color: args.color,
        config: args.config.as_deref(),
        preset: args
            .preset
            .as_deref()
            .and_then(crate::config::Preset::parse),
        select: &args.select,
        ignore: &args.ignore,
        preview: args.preview,
        fix: args.fix,
        unsafe_fixes: args.unsafe_fixes,
        diff: args.diff,
        report_unused_ignores: args.report_unused_ignores,
        baseline: args.baseline.as_deref(),
        write_baseline: args.write_baseline.as_deref(),
        shellcheck: args.shellcheck.map(ShellCheckChoice::mode),
        engine: args.engine.map(EngineChoice::engine),
        verify: args.verify,
        pull: !args.no_pull,
    })
}

fn run_completions(shell: clap_complete::Shell) -> u8 {
    use clap::CommandFactory;
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "dflint", &mut script);
    let _ = std::io::stdout().lock().write_all(&script);
    EXIT_CLEAN
}

#[cfg(feature = "lsp")]
fn run_lsp() -> u8 {
    match crate::lsp::run_stdio() {
        Ok(()) => EXIT_CLEAN,
        Err(e) => {
            eprintln!("error: cannot start the language server: {e}");
            EXIT_ERROR
        }
    }
}

fn run_rules() -> u8 {
    let mut out = String::new();
    for rule in crate::rules::registry::RULES {
        let m = rule.meta();
        let status = if m.status == crate::rules::RuleStatus::Preview {
            " (preview)"
        } else {
            ""
        };
        out.push_str(&format!(
            "{}  {:<28} {:<16} {:<8} fix: {:<9} {}{status}\n",
            m.code,
            m.name,
            category_list(m),
            m.severity.as_str(),
            m.fix.as_str(),
            m.summary
        ));
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    EXIT_CLEAN
}

/// The rule's categories, the primary one first, `,`-separated.
fn category_list(m: &crate::rules::RuleMeta) -> String {
    m.categories()
        .map(crate::rules::RuleCategory::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

fn run_rule(name: &str) -> u8 {
    let Some(rule) = crate::rules::find(name) else {
        eprintln!("error: no rule named `{name}` (see `dflint rules`)");
        return EXIT_ERROR;
    };
    let m = rule.meta();
    let aliases = if m.aliases.is_empty() {
        "none".to_string()
    } else {
        m.aliases.join(", ")
    };
    let presets: Vec<&str> = crate::config::Preset::ALL
        .into_iter()
        .filter(|p| p.includes(&m.id(), false))
        .map(crate::config::Preset::as_str)
        .collect();
    let text = format!(
        "{} {}\n\n{}\n\ncategory: {}  severity: {}  fix: {}  aliases: {aliases}  presets: {}\n\n{}",
        m.code,
        m.name,
        m.summary,
        category_list(m),
        m.severity.as_str(),
        m.fix.as_str(),
        presets.join(", "),
        m.docs.trim_start()
    );
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    EXIT_CLEAN
}

/// `--build-arg`s as (name, value) pairs; `NAME` alone takes the value from the
/// environment.
fn parse_build_args(args: &[String]) -> Vec<(String, String)> {
    let mut build_args = Vec::new();
    for arg in args {
        match arg.split_once('=') {
            Some((name, value)) => build_args.push((name.to_string(), value.to_string())),
            // Docker skips a `--build-arg NAME` whose variable is not set.
            None => {
                if let Ok(value) = std::env::var(arg) {
                    build_args.push((arg.clone(), value));
                }
            }
        }
    }
    build_args
}

fn run_plan(args: &PlanArgs) -> u8 {
    let mut io_errors = Vec::new();
    let inputs = collect_inputs(&args.files, None, false, &mut io_errors);
    let build_args = parse_build_args(&args.build_args);
    let context = match &args.context {
        Some(dir) => {
            match context::read_context(
                dir,
                inputs.first().and_then(|i| i.path.as_deref()),
                crate::config::Engine::Docker,
            ) {
                Ok(context) => Some(context),
                Err(e) => {
                    eprintln!(
                        "error: {}: cannot read the build context: {e}",
                        dir.display()
                    );
                    return EXIT_ERROR;
                }
            }
        }
        None => None,
    };
    let options = crate::semantic::BuildOptions {
        target: args.target.clone(),
        build_args,
        context,
    };
    if let Some(choice) = args.verify {
        return verify::commands::plan_verify(args, choice, &options, &inputs, &io_errors);
    }
    let single = inputs.len() == 1;
    let outputs: Vec<Result<String, String>> = inputs
        .par_iter()
        .map(|input| read_input(input).map(|text| plan_one(args, &options, input, &text, single)))
        .collect();
    let mut stdout = std::io::stdout().lock();
    for (i, output) in outputs.into_iter().enumerate() {
        match output {
            Ok(text) => {
                if i > 0 && !matches!(args.format, PlanFormat::Json) {
                    let _ = stdout.write_all(b"\n");
                }
                let _ = stdout.write_all(text.as_bytes());
            }
            Err(e) => io_errors.push(e),
        }
    }
    for e in &io_errors {
        eprintln!("error: {e}");
    }
    if io_errors.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_ERROR
    }
}

/// The plan of one file in the requested format. JSON is pretty-printed for a single file
/// and one compact line per file otherwise.
fn plan_one(
    args: &PlanArgs,
    options: &crate::semantic::BuildOptions,
    input: &Input,
    text: &str,
    single: bool,
) -> String {
    let parse = crate::syntax::parse(text);
    let build = crate::semantic::evaluate(&parse, options);
    let rebuild = (!args.changed.is_empty()).then(|| {
        let ignore = options.context.as_ref().and_then(|c| c.ignore());
        let is_excluded = |p: &str| ignore.is_some_and(|i| i.is_excluded(p));
        crate::semantic::cache::simulate(&build, &args.changed, &is_excluded)
    });
    let report = crate::render::PlanReport {
        path: &input.display,
        source: text,
        build: &build,
        rebuild: rebuild.as_deref(),
    };
    match args.format {
        PlanFormat::Text => crate::render::render_plan_text(&report),
        PlanFormat::Json => crate::render::render_plan_json(&report, single),
        PlanFormat::Dot => crate::render::render_plan_dot(&report),
        PlanFormat::Mermaid => crate::render::render_plan_mermaid(&report),
    }
}

fn run_debug_syntax(file: &Path) -> u8 {
    let input = if file.as_os_str() == "-" {
        Input {
            path: None,
            display: "-".into(),
            build: None,
            searched: false,
        }
    } else {
        Input {
            path: Some(file.to_path_buf()),
            display: display_path(file),
            build: None,
            searched: false,
        }
    };
    let text = match read_input(&input) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let parse = crate::syntax::parse(&text);
    let index = LineIndex::new(&text);
    let mut out = parse.tree().root().debug_dump();
    for e in parse.errors() {
        let start = index.position(e.range.start as usize);
        out.push_str(&format!(
            "error {}@{:?} {}:{}: {} [{}]\n",
            e.code.code(),
            e.range,
            start.line,
            start.column,
            e.message,
            e.code.name()
        ));
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    EXIT_CLEAN
}

fn run_roundtrip(paths: &[PathBuf]) -> u8 {
    let mut io_errors = Vec::new();
    let inputs = collect_inputs(paths, None, false, &mut io_errors);
    let failures: Vec<String> = inputs
        .par_iter()
        .filter_map(|input| {
            let text = match read_input(input) {
                Ok(text) => text,
                Err(e) => return Some(e),
            };
            let parse = crate::syntax::parse(&text);
            let printed = parse.tree().print();
            if let Some(offset) = first_difference(printed.as_bytes(), text.as_bytes()) {
                let pos = LineIndex::new(&text).position(offset);
                return Some(format!(
                    "{}:{}:{}: printed tree differs from the input at byte {offset}",
                    input.display, pos.line, pos.column
                ));
            }
            parse
                .tree()
                .validate()
                .err()
                .map(|e| format!("{}: invalid tree: {e}", input.display))
        })
        .collect();
    for e in &io_errors {
        eprintln!("error: {e}");
    }
    let mut stdout = std::io::stdout().lock();
    for f in &failures {
        let _ = writeln!(stdout, "{f}");
    }
    let _ = writeln!(
        stdout,
        "{} files parsed, {} identical, {} differing",
        inputs.len(),
        inputs.len() - failures.len(),
        failures.len()
    );
    if failures.is_empty() && io_errors.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    }
}

/// The first byte offset where `a` and `b` differ, or `None` when they are equal.
fn first_difference(a: &[u8], b: &[u8]) -> Option<usize> {
    a.iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .or_else(|| (a.len() != b.len()).then(|| a.len().min(b.len())))
}

#[cfg(test)]
mod tests {
    use super::first_difference;

    #[test]
    fn first_difference_finds_offsets() {
        assert_eq!(first_difference(b"abc", b"abc"), None);
        assert_eq!(first_difference(b"abc", b"abd"), Some(2));
        assert_eq!(first_difference(b"ab", b"abc"), Some(2));
    }
}

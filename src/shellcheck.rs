//! ShellCheck findings on RUN scripts, without running ShellCheck: the scripts to give it
//! (the POSIX-shell script of each RUN, with its shell dialect and the variables the build
//! declares for it), and its `json1` answer turned into diagnostics at exact Dockerfile
//! ranges. The shells (the CLI) run the process, through [`ShellCheck`].
//!
//! Each script is handed to ShellCheck as written in the RUN (line continuations removed,
//! heredoc bodies kept), with two header lines inserted before its first command:
//! `# shellcheck shell=DIALECT` (so that one ShellCheck process checks scripts of
//! different shells) and `export NAME='' ...` for the ARG and ENV names in scope (so that
//! SC2154, "referenced but not assigned", is not raised for them). An ARG's value can change
//! at build time, so it is left empty (ShellCheck still reports `$NAME` unquoted, SC2086);
//! an ENV set in the stage to a literal word gets that value, so ShellCheck knows `$NAME`
//! cannot split. Findings on the header are dropped, and lines after it are shifted back, so
//! positions stay exact.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use serde::Deserialize;

use crate::ast::{Dockerfile, Instruction};
use crate::diagnostic::{Category, Diagnostic, Severity};
use crate::semantic::{Base, Build, Field};
use crate::shell::Script;
use crate::syntax::{Parse, SyntaxKind};

/// The name every ShellCheck finding carries: `# dflint ignore=shellcheck` or
/// `--ignore shellcheck` turn them all off.
pub const NAME: &str = "shellcheck";

/// The options ShellCheck runs with, before the file names: `json1` output (1-based
/// columns counting Unicode scalar values, a tab as one), no `.shellcheckrc` (dflint's
/// configuration selects the codes), and the checks that make no sense on a RUN: sourced
/// files are in the image, not here (SC1090, SC1091), and SC2187 is about ash, which is
/// checked as dash.
pub const ARGS: &[&str] = &["--format=json1", "--norc", "--exclude=SC1090,SC1091,SC2187"];

/// Variables every RUN may see without an ARG: BuildKit's predefined proxy arguments.
const PREDEFINED: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// Runs ShellCheck. The CLI implements it by spawning the `shellcheck` binary; the core
/// only prepares its input and reads its output.
pub trait ShellCheck: fmt::Debug + Sync {
    /// Checks every script in one ShellCheck run: writes each [`ShellScript::text`] to a
    /// file named [`ShellScript::name`] in one directory, runs `shellcheck` there with
    /// [`ARGS`] and the file names, and returns its standard output. `None` when ShellCheck
    /// could not run or failed; the implementation reports why.
    fn run(&self, scripts: &[ShellScript]) -> Option<String>;
}

/// A shell dialect ShellCheck knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// POSIX `sh` (the default `/bin/sh -c`).
    Sh,
    /// Bash.
    Bash,
    /// Dash (also used for BusyBox `ash`).
    Dash,
    /// The Korn shell (`ksh`, `mksh`).
    Ksh,
}

impl Dialect {
    /// The name ShellCheck's `shell=` directive takes.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Sh => "sh",
            Dialect::Bash => "bash",
            Dialect::Dash => "dash",
            Dialect::Ksh => "ksh",
        }
    }

    /// The dialect of a shell program (a path or a name); `None` for shells ShellCheck
    /// does not check (zsh, cmd, PowerShell, anything unknown).
    #[must_use]
    pub fn of_program(program: &str) -> Option<Dialect> {
        let base = program.rsplit(['/', '\\']).next().unwrap_or(program);
        let base = base.to_ascii_lowercase();
        match base.strip_suffix(".exe").unwrap_or(&base) {
            "sh" => Some(Dialect::Sh),
            "bash" => Some(Dialect::Bash),
            "dash" | "ash" | "busybox" => Some(Dialect::Dash),
            "ksh" | "mksh" | "ksh93" | "pdksh" => Some(Dialect::Ksh),
            _ => None,
        }
    }

    /// The dialect of a `SHELL` (its JSON array; empty for the default `/bin/sh -c`),
    /// looking through `env`.
    #[must_use]
    pub fn of_shell(shell: &[String]) -> Option<Dialect> {
        let Some(first) = shell.first() else {
            return Some(Dialect::Sh);
        };
        if first.rsplit(['/', '\\']).next() == Some("env") {
            let program = shell[1..]
                .iter()
                .find(|w| !w.starts_with('-') && !w.contains('='))?;
            return Dialect::of_program(program);
        }
        Dialect::of_program(first)
    }

    /// The dialect a shebang line (`#!/bin/bash`, `#!/usr/bin/env bash`) names: `None`
    /// when the text has no shebang, `Some(None)` when it names something else.
    #[must_use]
    pub fn of_shebang(text: &str) -> Option<Option<Dialect>> {
        let line = text.strip_prefix("#!")?.lines().next().unwrap_or("");
        let words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        if words.is_empty() {
            return None;
        }
        Some(Dialect::of_shell(&words))
    }
}

/// One script to give ShellCheck, and how to map its findings back.
#[derive(Clone, Debug)]
pub struct ShellScript {
    name: String,
    text: String,
    dialect: Dialect,
    /// The variables the header exports, with the value each is given: the literal value of
    /// an ENV of the stage when it cannot split into words or expand, else empty.
    names: Vec<(String, String)>,
    script: Script,
    /// Where each line of `script.text()` starts.
    line_starts: Vec<usize>,
    /// The 0-based line of `script.text()` the header is inserted before.
    header_at: usize,
    /// How many lines the header has.
    header_lines: usize,
}

impl ShellScript {
    /// Prepares `script` for ShellCheck; `None` when it has no command (only comments or
    /// nothing).
    fn new(
        index: usize,
        script: Script,
        dialect: Dialect,
        names: Vec<(String, String)>,
    ) -> Option<Self> {
        let original = script.text();
        let mut line_starts = vec![0];
        line_starts.extend(
            original
                .match_indices('\n')
                .map(|(i, _)| i + 1)
                .filter(|i| *i < original.len()),
        );
        // Before the first command: after a shebang and leading comments, so that the
        // shebang stays first and directives that cover the whole file still do.
        let header_at = line_starts.iter().position(|&start| {
            let line = original[start..].lines().next().unwrap_or("").trim();
            !line.is_empty() && !line.starts_with('#')
        })?;
        let mut header = format!("# shellcheck shell={}\n", dialect.as_str());
        let mut header_lines = 1;
        if !names.is_empty() {
            header.push_str("export");
            for (name, value) in &names {
                header.push(' ');
                header.push_str(name);
                header.push('=');
                // `NAME=''` rather than `NAME=`, which ShellCheck takes for a typo (SC1007).
                header.push_str(if value.is_empty() { "''" } else { value });
            }
            header.push('\n');
            header_lines += 1;
        }
        let at = line_starts[header_at];
        // BuildKit reads the Dockerfile's lines without their carriage returns; removing
        // them moves no column before the end of a line.
        let text = format!("{}{header}{}", &original[..at], &original[at..]).replace("\r\n", "\n");
        Some(ShellScript {
            name: format!("{index}.sh"),
            text,
            dialect,
            names,
            script,
            line_starts,
            header_at,
            header_lines,
        })
    }

    /// The file name to give the script (unique among the scripts of one Dockerfile).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The text ShellCheck reads: the script with the header lines.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The shell dialect it is checked as.
    #[must_use]
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The variable names the build declares for it (ARG and ENV in scope, BuildKit's
    /// predefined proxy arguments), sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(|(name, _)| name.as_str())
    }

    /// The script as the RUN holds it, with its map to the Dockerfile.
    #[must_use]
    pub fn script(&self) -> &Script {
        &self.script
    }

    /// The offset in [`Script::text`] of a ShellCheck position (1-based line and column,
    /// columns counting Unicode scalar values); `None` on a header line. Positions past the
    /// end of a line or of the text clamp to it.
    fn offset(&self, line: usize, column: usize) -> Option<usize> {
        let line = line.checked_sub(1)?;
        let line = if line < self.header_at {
            line
        } else if line < self.header_at + self.header_lines {
            return None;
        } else {
            line - self.header_lines
        };
        let text = self.script.text();
        let Some(&start) = self.line_starts.get(line) else {
            return Some(text.len());
        };
        let rest = &text[start..];
        let line_text = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let byte = line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i);
        Some(start + byte)
    }

    /// The range in [`Script::text`] of a ShellCheck finding; `None` when it starts on a
    /// header line.
    fn range(&self, comment: &Comment) -> Option<Range<usize>> {
        let start = self.offset(comment.line, comment.column)?;
        let end = self
            .offset(comment.end_line, comment.end_column)
            .unwrap_or(start);
        Some(start..end.max(start))
    }
}

/// The scripts ShellCheck should check in a Dockerfile, in order: the script of each
/// shell-form RUN of every stage (a heredoc body for `RUN <<EOF`), checked as the stage's
/// `SHELL` or the body's shebang says. Left out: exec-form RUNs, `ONBUILD` triggers, RUNs
/// under a shell ShellCheck does not know (cmd, PowerShell, zsh; `cmd` is the default on
/// Windows images, and in files whose escape character is the backtick), heredocs run by
/// another interpreter (`#!/usr/bin/env python3`) and COPY/ADD heredocs, which are file
/// contents.
#[must_use]
pub fn scripts(parse: &Parse, build: &Build) -> Vec<ShellScript> {
    let Some(file) = Dockerfile::cast(parse.tree().root()) else {
        return Vec::new();
    };
    let instructions: HashMap<u32, Instruction<'_>> =
        file.instructions().map(|i| (i.range().start, i)).collect();
    let windows_escape = parse.escape() == '`';
    let mut out = Vec::new();
    for (index, stage) in build.stages.iter().enumerate() {
        let mut shell: Vec<String> = match stage.base {
            Base::Stage(base) => build
                .stages
                .get(base)
                .and_then(|s| match &s.config.shell {
                    Field::Set(shell) => Some(shell.clone()),
                    _ => None,
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        // Windows images run RUN with `cmd /S /C` unless a SHELL says otherwise.
        if shell.is_empty() && (windows_escape || starts_on_windows(build, index)) {
            shell = vec!["cmd".to_string(), "/S".to_string(), "/C".to_string()];
        }
        let mut args: Vec<String> = Vec::new();
        // The ENVs of this stage, with their value when it is a literal.
        let mut env_literals: HashMap<String, Option<String>> = HashMap::new();
        for step in &stage.steps {
            let Some(instruction) = instructions
                .get(&step.range.start)
                .filter(|i| i.range() == step.range)
            else {
                continue;
            };
            match step.kind {
                SyntaxKind::SHELL_INSTR => {
                    if let Some(array) = instruction.exec_form() {
                        shell = array.strings();
                    }
                }
                SyntaxKind::ARG_INSTR => {
                    args.extend(
                        instruction
                            .key_values()
                            .filter_map(|pair| pair.key().map(crate::ast::Word::text)),
                    );
                }
                SyntaxKind::ENV_INSTR => {
                    for pair in instruction.key_values() {
                        let Some(key) = pair.key() else { continue };
                        let literal = pair
                            .value()
                            .filter(|v| !v.has_variables())
                            .map(|v| v.unquoted(parse.escape()));
                        env_literals.insert(key.text(), literal);
                    }
                }
                SyntaxKind::RUN_INSTR => {
                    let Some(form) = instruction.shell_form() else {
                        continue;
                    };
                    let script = Script::from_shell_form(form);
                    let dialect = match Dialect::of_shebang(script.text()) {
                        Some(dialect) => dialect,
                        None => Dialect::of_shell(&shell),
                    };
                    let Some(dialect) = dialect else {
                        continue;
                    };
                    let env = step
                        .layer
                        .and_then(|l| stage.layers.get(l))
                        .map(|layer| layer.env.iter().map(|(name, _)| name.clone()));
                    let mut names: Vec<(String, String)> = args
                        .iter()
                        .cloned()
                        .chain(env.into_iter().flatten())
                        .chain(PREDEFINED.iter().map(|n| (*n).to_string()))
                        .filter(|n| is_name(n))
                        .map(|name| {
                            let value = env_literals
                                .get(&name)
                                .cloned()
                                .flatten()
                                .filter(|v| is_plain_word(v))
                                .unwrap_or_default();
                            (name, value)
                        })
                        .collect();
                    names.sort_unstable();
                    names.dedup_by(|a, b| a.0 == b.0);
                    if let Some(prepared) = ShellScript::new(out.len(), script, dialect, names) {
                        out.push(prepared);
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// Whether stage `index` is built on a Windows image (its own base or, through stages, the
/// first image), by the image's name as Microsoft's images spell it.
fn starts_on_windows(build: &Build, index: usize) -> bool {
    let mut current = index;
    for _ in 0..=build.stages.len() {
        match build.stages.get(current).map(|s| &s.base) {
            Some(Base::Image(image)) => {
                let path = image.path().to_ascii_lowercase();
                return ["windows", "nanoserver", "servercore"]
                    .iter()
                    .any(|w| path.contains(w));
            }
            Some(Base::Stage(base)) => current = *base,
            _ => return false,
        }
    }
    false
}

/// Whether `value` reads the same unquoted in a shell: no blanks to split on, no glob,
/// quote, expansion or tilde.
fn is_plain_word(value: &str) -> bool {
    value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._/:@%+,=-".contains(c))
}

/// Whether `name` is a shell variable name.
fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// ShellCheck's `json1` output.
#[derive(Deserialize)]
struct Output {
    comments: Vec<Comment>,
}

/// One ShellCheck finding (`fix` is not read: ShellCheck does not run in the fix loop).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Comment {
    file: String,
    line: usize,
    end_line: usize,
    column: usize,
    end_column: usize,
    level: String,
    code: u32,
    message: String,
}

/// Turns ShellCheck's `json1` output for `scripts` into diagnostics at their Dockerfile
/// ranges (code `SC` and the number, name [`NAME`]), in ShellCheck's order. Findings in
/// files that are not among `scripts` or on the header lines are dropped.
///
/// # Errors
/// When `output` is not ShellCheck's `json1` output.
pub fn diagnostics(scripts: &[ShellScript], output: &str) -> Result<Vec<Diagnostic>, String> {
    let output: Output =
        serde_json::from_str(output).map_err(|e| format!("unexpected ShellCheck output: {e}"))?;
    let by_name: HashMap<&str, &ShellScript> = scripts.iter().map(|s| (s.name(), s)).collect();
    let mut out = Vec::new();
    for comment in &output.comments {
        let Some(script) = by_name.get(comment.file.as_str()) else {
            continue;
        };
        let (Some(code), Some(range)) = (code_of(comment.code), script.range(comment)) else {
            continue;
        };
        let severity = match comment.level.as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "info" => Severity::Info,
            _ => Severity::Style,
        };
        let message = comment.message.trim();
        out.push(Diagnostic {
            code,
            name: NAME,
            category: Category::Rule,
            aliases: &[],
            severity,
            message: message.strip_suffix('.').unwrap_or(message).to_string(),
            help: Some(format!(
                "reported by ShellCheck; see https://www.shellcheck.net/wiki/{code}"
            )),
            range: script.script().source_range(range),
            fix: None,
            related: Vec::new(),
        });
    }
    Ok(out)
}

/// The first ShellCheck code number with a static code string.
const FIRST_CODE: usize = 1000;
/// How many code strings there are (`SC1000` to `SC9999`: ShellCheck's codes have four
/// digits).
const CODE_COUNT: usize = 9000;

/// `SC1000SC1001...SC9999`, so that codes are `&'static str` like every other code.
static CODES: [u8; CODE_COUNT * 6] = code_table();

const fn code_table() -> [u8; CODE_COUNT * 6] {
    let mut table = [0; CODE_COUNT * 6];
    let mut i = 0;
    while i < CODE_COUNT {
        let n = FIRST_CODE + i;
        let at = i * 6;
        table[at] = b'S';
        table[at + 1] = b'C';
        // Each digit is below 10, so the casts cannot truncate.
        table[at + 2] = b'0' + (n / 1000) as u8;
        table[at + 3] = b'0' + (n / 100 % 10) as u8;
        table[at + 4] = b'0' + (n / 10 % 10) as u8;
        table[at + 5] = b'0' + (n % 10) as u8;
        i += 1;
    }
    table
}

/// The code string of a ShellCheck code number (`2086` → `SC2086`).
#[must_use]
pub fn code_of(number: u32) -> Option<&'static str> {
    let i = usize::try_from(number).ok()?.checked_sub(FIRST_CODE)?;
    let bytes = CODES.get(i * 6..i * 6 + 6)?;
    std::str::from_utf8(bytes).ok()
}

/// Whether a selector or pragma code names ShellCheck findings: [`NAME`], a ShellCheck
/// code (`SC2086`) or a prefix of one (`SC2`), in any ASCII case.
#[must_use]
pub fn is_selector(selector: &str) -> bool {
    if selector.eq_ignore_ascii_case(NAME) {
        return true;
    }
    let Some(digits) = selector
        .get(..2)
        .filter(|p| p.eq_ignore_ascii_case("SC"))
        .map(|_| &selector[2..])
    else {
        return false;
    };
    digits.len() <= 4 && digits.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests;

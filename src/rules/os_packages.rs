//! The shared checks of the rules about OS package managers (apt, apk, yum, dnf, zypper):
//! commands that may stop at a confirmation prompt, and packages installed without a version
//! pin. Both look at the RUN instructions of every stage and at the RUN instructions wrapped
//! in `ONBUILD`.

use crate::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{DiagnosticExt, RuleContext, RuleMeta};
use crate::shell::packages::{
    RPM_VALUE_OPTIONS, RunScripts, earlier_run_mentions, program, subcommand_index, unwrap_command,
};
use crate::shell::{Command, Separator, Word};

/// The arguments of `args` that are not options nor the values of `value_options`: the
/// operands (packages) of a subcommand.
pub(crate) fn operands<'c>(args: &'c [Word], value_options: &[&str]) -> Vec<&'c Word> {
    let mut out = Vec::new();
    let mut rest = args;
    while let Some(i) = subcommand_index(rest, value_options) {
        out.push(&rest[i]);
        rest = &rest[i + 1..];
    }
    out
}

/// What a rule about a package manager that may ask for a confirmation looks for.
pub(crate) struct PromptSpec {
    /// The rule.
    pub meta: &'static RuleMeta,
    /// Texts one of which a RUN must contain to be checked.
    pub mentions: &'static [&'static str],
    /// For a command that may prompt, the word to report (its subcommand) and the
    /// subcommand as shown in the message (`install`, `module install`).
    pub prompting: fn(&Command) -> Option<(&Word, String)>,
    /// Whether the command's options answer the prompt or avoid it.
    pub answered: fn(&Command) -> bool,
    /// Configuration settings that answer the prompt when an earlier RUN of the stage (or
    /// of the stages it is built on) mentions them, written to a configuration file there.
    pub settings: &'static [&'static str],
    /// The flag the fix inserts after the program name.
    pub flag: &'static str,
    /// The help text.
    pub help: &'static str,
}

/// Reports the commands `spec` describes that may wait for an answer, with a safe fix that
/// inserts the flag after the program name where the RUN's own text can be edited.
pub(crate) fn report_prompting(
    ctx: &RuleContext<'_>,
    out: &mut Vec<Diagnostic>,
    spec: &PromptSpec,
) {
    for run in ctx.all_run_scripts(spec.mentions) {
        let commands = run.commands();
        for (index, (script, original)) in commands.iter().enumerate() {
            let Some(real) = unwrap_command(original) else {
                continue;
            };
            let command = &real.command;
            if command.recovered || (spec.answered)(command) {
                continue;
            }
            let Some((word, shown)) = (spec.prompting)(command) else {
                continue;
            };
            // `yes | yum install x`.
            let after_yes = command.in_pipeline
                && index > 0
                && commands.get(index - 1).is_some_and(|(_, c)| {
                    c.separator_after == Some(Separator::Pipe) && program(c) == Some("yes")
                });
            if after_yes || configured(ctx, run, spec.settings) {
                continue;
            }
            let name = &command.name.text;
            let fix = run.can_edit(*script).then(|| {
                Fix::new(
                    format!("Add `{}` to `{name}`", spec.flag),
                    Applicability::Safe,
                    vec![Edit::insert(
                        command.name.range.end,
                        format!(" {}", spec.flag),
                    )],
                )
            });
            out.push(
                spec.meta
                    .diagnostic(
                        word.range,
                        format!(
                            "`{name} {shown}` without `{}` may wait for a confirmation",
                            spec.flag
                        ),
                    )
                    .with_help(spec.help)
                    .with_fix(fix),
            );
        }
    }
}

/// Whether an earlier RUN of the stage of `run` (or of the stages it is built on) mentions
/// one of `settings`.
fn configured(ctx: &RuleContext<'_>, run: &RunScripts<'_, '_>, settings: &[&str]) -> bool {
    settings.iter().any(|setting| {
        earlier_run_mentions(ctx.build, ctx.source, run.stage, run.runs_after(), setting)
    })
}

/// Whether an argument before `--` sets `name` to a true value, as in
/// `--setopt=assumeyes=1` or `--setopt assumeyes=True`.
pub(crate) fn sets_true(command: &Command, name: &str) -> bool {
    command
        .args
        .iter()
        .filter_map(|a| a.value.as_deref())
        .take_while(|v| *v != "--")
        .filter_map(|v| v.rsplit_once('='))
        .any(|(key, value)| {
            key.rsplit(['=', ' ']).next() == Some(name)
                && matches!(
                    value.to_ascii_lowercase().as_str(),
                    "1" | "true" | "yes" | "on"
                )
        })
}

/// The package words of an install command.
pub(crate) struct Packages<'c> {
    /// The words that name packages.
    pub words: Vec<&'c Word>,
    /// Whether a package (a word's value) is pinned or needs no pin.
    pub pinned: fn(&str) -> bool,
}

/// What a rule about packages installed without a version pin looks for.
pub(crate) struct PinSpec {
    /// The rule.
    pub meta: &'static RuleMeta,
    /// Texts one of which a RUN must contain to be checked.
    pub mentions: &'static [&'static str],
    /// For a command that installs packages, its package words and their pin test.
    pub packages: for<'c> fn(&'c Command) -> Option<Packages<'c>>,
    /// The pinned form of a package, shown in the help (`curl=<version>`).
    pub pinned_form: fn(&str) -> String,
    /// Why, after the pinned form in the help.
    pub reason: &'static str,
}

/// Reports each package word of the installs `spec` describes that is not pinned. A word
/// with expansions is expanded with the values the RUN sees (ARG and ENV): a word whose
/// value is not known (an ARG without a default, a variable the script sets, a command
/// substitution) is not reported.
pub(crate) fn report_unpinned(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>, spec: &PinSpec) {
    for run in ctx.all_run_scripts(spec.mentions) {
        let commands = run.commands();
        for (_, original) in &commands {
            let Some(real) = unwrap_command(original) else {
                continue;
            };
            let command = &real.command;
            if command.recovered {
                continue;
            }
            let Some(Packages { words, pinned }) = (spec.packages)(command) else {
                continue;
            };
            for word in words {
                let unpinned: Vec<String> = match word.value.as_deref() {
                    Some(value) => {
                        if pinned(value) {
                            continue;
                        }
                        vec![value.to_string()]
                    }
                    None => {
                        let Some(value) = expand(word, run) else {
                            continue;
                        };
                        let quoted = word.text.starts_with('"') && word.text.ends_with('"');
                        let parts: Vec<&str> = if quoted {
                            vec![value.as_str()]
                        } else {
                            value.split_whitespace().collect()
                        };
                        parts
                            .into_iter()
                            .filter(|p| !p.is_empty() && !pinned(p))
                            .map(str::to_string)
                            .collect()
                    }
                };
                if unpinned.is_empty() {
                    continue;
                }
                let listed = unpinned
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let message = if word.value.is_some() {
                    format!("package {listed} is installed without a version pin")
                } else if unpinned.len() == 1 {
                    format!(
                        "package {listed} (from `{}`) is installed without a version pin",
                        word.text
                    )
                } else {
                    format!(
                        "packages {listed} (from `{}`) are installed without a version pin",
                        word.text
                    )
                };
                out.push(spec.meta.diagnostic(word.range, message).with_help(format!(
                    "pin the version, as in `{}`: {}",
                    (spec.pinned_form)(&unpinned[0]),
                    spec.reason
                )));
            }
        }
    }
}

/// The value of a shell word with `$NAME` and `${NAME}` expansions, given the variables the
/// RUN sees; `None` when a part is not known: a variable set to an unknown value, declared
/// by an ARG without a value, set by the script to something not literal, not set by the
/// Dockerfile at all (the base image may set it), or another kind of expansion (`$(...)`,
/// `${NAME:-x}`, `$1`). A literal assignment in the script wins over ARG and ENV. Quotes
/// are removed.
fn expand(word: &Word, run: &RunScripts<'_, '_>) -> Option<String> {
    // The triggers of ONBUILD run in another build, with its variables.
    run.layer?;
    let text = &word.text;
    let mut out = String::new();
    let mut chars = text.char_indices().peekable();
    let mut in_double = false;
    while let Some((_, c)) = chars.next() {
        match c {
            '\'' if !in_double => {
                for (_, c) in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    out.push(c);
                }
            }
            '"' => in_double = !in_double,
            '\\' => out.push(chars.next()?.1),
            '`' => return None,
            '$' => {
                let braced = chars.next_if(|(_, c)| *c == '{').is_some();
                let mut name = String::new();
                while let Some((_, c)) =
                    chars.next_if(|(_, c)| c.is_ascii_alphanumeric() || *c == '_')
                {
                    name.push(c);
                }
                if braced && chars.next_if(|(_, c)| *c == '}').is_none() {
                    return None;
                }
                if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
                    return None;
                }
                // A variable the Dockerfile does not set may come from the base image.
                out.push_str(&script_value(run, &name).or_else(|| run.env(&name))??);
            }
            c => out.push(c),
        }
    }
    Some(out)
}

/// What the scripts of `run` set variable `name` to: `None` when they do not set it,
/// `Some(None)` when the value is not known (set more than once, by `for`, `read`, or to a
/// value with expansions), and the value of a single literal assignment (`NAME=x`,
/// `NAME='a b'`, `export NAME="a b"`).
fn script_value(run: &RunScripts<'_, '_>, name: &str) -> Option<Option<String>> {
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut values: Vec<Option<String>> = Vec::new();
    for script in &run.scripts {
        let text = script.text();
        let words: Vec<&str> = text.split(|c: char| !is_name_char(c) && c != '-').collect();
        if words.contains(&"read") {
            return Some(None);
        }
        for (i, _) in text.match_indices(name) {
            let before = &text[..i];
            let after = &text[i + name.len()..];
            if before.ends_with(is_name_char) || after.starts_with(is_name_char) {
                continue;
            }
            let keyword = before.trim_end();
            if keyword
                .strip_suffix("for")
                .is_some_and(|r| !r.ends_with(is_name_char))
            {
                return Some(None);
            }
            let at_command_start = before.is_empty()
                || before.ends_with(|c: char| c.is_whitespace() || ";&|(".contains(c));
            if let Some(value) = after.strip_prefix('=').filter(|_| at_command_start) {
                values.push(literal_prefix(value));
            }
        }
    }
    match values.len() {
        0 => None,
        1 => Some(values.pop().flatten()),
        _ => Some(None),
    }
}

/// The value of the shell word at the start of `text` when it is literal: unquoted
/// characters, `'...'` and `"..."` without expansions or escapes.
fn literal_prefix(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                let mut closed = false;
                for c in chars.by_ref() {
                    if c == '\'' {
                        closed = true;
                        break;
                    }
                    out.push(c);
                }
                if !closed {
                    return None;
                }
            }
            '"' => {
                let mut closed = false;
                for c in chars.by_ref() {
                    match c {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '$' | '`' | '\\' => return None,
                        c => out.push(c),
                    }
                }
                if !closed {
                    return None;
                }
            }
            c if c.is_whitespace() || ";&|)".contains(c) => break,
            '$' | '`' | '\\' | '(' | '<' | '>' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// The version-pin test of yum and dnf: `name-version` (a dash followed by a digit, then
/// only characters of versions and release tags, or a glob), an `.rpm` file, or a group
/// or module (`@name`).
fn rpm_pinned(package: &str) -> bool {
    if package.ends_with(".rpm") || package.starts_with('@') {
        return true;
    }
    package.match_indices('-').any(|(i, _)| {
        let version = &package[i + 1..];
        i > 0
            && version.starts_with(|c: char| c.is_ascii_digit())
            && version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._+~:^-*?".contains(c))
    })
}

/// The packages of `yum install`, `dnf install` or `microdnf install`, or the modules of
/// `module install` (which need a stream, `name:stream`).
pub(crate) fn rpm_packages(command: &Command) -> Option<Packages<'_>> {
    let index = subcommand_index(&command.args, RPM_VALUE_OPTIONS)?;
    let rest = &command.args[index + 1..];
    if command.args[index].is("install") {
        return Some(Packages {
            words: operands(rest, RPM_VALUE_OPTIONS),
            pinned: rpm_pinned,
        });
    }
    if command.args[index].is("module") {
        let second = subcommand_index(rest, RPM_VALUE_OPTIONS)?;
        if rest[second].is("install") {
            return Some(Packages {
                words: operands(&rest[second + 1..], RPM_VALUE_OPTIONS),
                pinned: |module| module.contains(':'),
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{literal_prefix, rpm_pinned};

    #[test]
    fn literal_values_of_assignments() {
        for (text, expected) in [
            ("a b", Some("a")),
            ("'a b' && x", Some("a b")),
            ("\"a  b\"c;", Some("a  bc")),
            ("\"$A b\"", None),
            ("$(cat f)", None),
            ("'open", None),
            ("", Some("")),
        ] {
            assert_eq!(literal_prefix(text).as_deref(), expected, "{text}");
        }
    }

    #[test]
    fn rpm_versions() {
        for pinned in [
            "curl-7.61.1",
            "curl-7.61.1-22.el8",
            "python3-pip-9.0.3",
            "curl-1:7.61",
            "curl-7.*",
            "./x.rpm",
            "https://example.com/x.noarch.rpm",
            "@development",
        ] {
            assert!(rpm_pinned(pinned), "{pinned}");
        }
        for unpinned in [
            "curl",
            "python3-pip",
            "gcc-c++",
            "curl-latest",
            "-1",
            "curl-v1",
        ] {
            assert!(!rpm_pinned(unpinned), "{unpinned}");
        }
    }
}

//! DFL3111 `useradd-without-no-log-init`: `useradd` with a high UID fills the image with the
//! lastlog and faillog files.

use crate::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::shell_runs::posix_runs;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::Area;
use crate::shell::packages::{RunScripts, program, real_commands};
use crate::shell::{Command, Word};
use crate::syntax::TextRange;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL3111",
    name: "useradd-without-no-log-init",
    category: RuleCategory::Performance,
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DL3046", "DF064"],
    summary: "`useradd` creates a user with a high UID without `-l`, which bloats the image.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions (and `ONBUILD RUN` triggers), their heredoc scripts and
the scripts they give to a shell, for `useradd` (also behind `sudo`) given a UID of more
than five digits (`-u 123456`, `--uid 123456`, `--uid=123456`, `-u123456`) and neither
`-l` nor `--no-log-init`. A UID in a variable counts when the `RUN` sees its value (an
`ARG` or `ENV` with a known value).

Differences from hadolint: hadolint misses `--uid`, and flags any UID given in a variable,
whatever its value; a variable whose value is not known is not flagged here.

The fix inserts ` -l` after `useradd`; commands in heredocs and `sh -c` strings are not
fixed.

## Why is this bad?
`useradd` records the new user in `/var/log/lastlog` and `/var/log/faillog`, files indexed
by UID: for UID 123456789 they are written at an offset of gigabytes. On disk they are
sparse, but image layers do not keep holes, so the layer holds gigabytes of zeros (a known
Go `archive/tar` limitation). `-l` (`--no-log-init`) skips those records.

## Example
```dockerfile
FROM debian:12
RUN useradd -u 123456 app
```

## Use instead
```dockerfile
FROM debian:12
RUN useradd -l -u 123456 app
```

## References
- `useradd(8)`: `-l`, `--no-log-init`.
- Docker's best practices: `USER`.
- hadolint `DL3046`.
"#,
    // A fix in an `ONBUILD RUN` trigger changes the image config's `OnBuild`.
    fix_changes: &[Area::Commands, Area::Config],
};

/// DFL3111
pub struct UseraddWithoutNoLogInit;

/// The UID option of a `useradd` command: the words that give it, and its value.
fn uid_option(command: &Command) -> Option<(TextRange, &Word, Option<&str>)> {
    let args = &command.args;
    for (i, arg) in args.iter().enumerate() {
        let v = arg.value_or_text();
        if v == "--" {
            break;
        }
        if v == "-u" || v == "--uid" {
            let value = args.get(i + 1)?;
            return Some((arg.range.cover(value.range), value, None));
        }
        if let Some(rest) = v.strip_prefix("--uid=") {
            return Some((arg.range, arg, Some(rest)));
        }
        if let Some(rest) = v.strip_prefix("-u")
            && !rest.is_empty()
            && !v.starts_with("--")
        {
            return Some((arg.range, arg, Some(rest)));
        }
    }
    None
}

/// The UID a word gives, when known: literal digits, or a variable the `RUN` knows.
fn uid_value(run: &RunScripts<'_, '_>, word: &Word, attached: Option<&str>) -> Option<String> {
    if let Some(text) = attached {
        return Some(text.to_string());
    }
    if let Some(value) = &word.value {
        return Some(value.clone());
    }
    let name = word
        .text
        .trim_matches('"')
        .strip_prefix('$')?
        .trim_start_matches('{')
        .trim_end_matches('}');
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    run.env(name)?
}

impl Rule for UseraddWithoutNoLogInit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in posix_runs(ctx, &["useradd"], true) {
            for &(script, ref real) in real_commands(run) {
                let command = &real.command;
                if command.recovered
                    || program(command) != Some("useradd")
                    || command.has_flag(Some('l'), Some("no-log-init"))
                {
                    continue;
                }
                let Some((range, word, attached)) = uid_option(command) else {
                    continue;
                };
                let Some(uid) = uid_value(run, word, attached) else {
                    continue;
                };
                if uid.len() <= 5 || !uid.chars().all(|c| c.is_ascii_digit()) {
                    continue;
                }
                let fix = run.can_edit(script).then(|| {
                    Fix::new(
                        "Add `-l` to `useradd`",
                        Applicability::Safe,
                        vec![Edit::insert(command.name.range.end, " -l")],
                    )
                });
                out.push(
                    META.diagnostic(range, format!("`useradd` with UID {uid} and without `-l`"))
                        .with_help(
                            "`useradd` writes lastlog and faillog records at an offset that \
                             grows with the UID, and image layers store the sparse files in \
                             full: add `-l` (`--no-log-init`)",
                        )
                        .with_fix(fix),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::UseraddWithoutNoLogInit;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_high_uids_without_no_log_init() {
        for (source, expected) in [
            (
                "FROM debian\nRUN useradd -u 123456 app\n",
                vec!["-u 123456"],
            ),
            (
                "FROM debian\nRUN useradd --uid=1234567 app && useradd -u1000000 b\n",
                vec!["--uid=1234567", "-u1000000"],
            ),
            (
                "FROM debian\nARG UID=100000\nRUN sudo useradd -m --uid \"$UID\" app\n",
                vec!["--uid \"$UID\""],
            ),
        ] {
            let diagnostics = check(&UseraddWithoutNoLogInit, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_low_uids_no_log_init_and_unknown_values() {
        for source in [
            "FROM debian\nRUN useradd -u 99999 app\n",
            "FROM debian\nRUN useradd -l -u 123456 app\n",
            "FROM debian\nRUN useradd -lmu 123456 app\n",
            "FROM debian\nRUN useradd --no-log-init -u 123456 app\n",
            "FROM debian\nARG UID\nRUN useradd -u $UID app\n",
            "FROM debian\nRUN adduser -u 123456 app\n",
        ] {
            assert!(
                check(&UseraddWithoutNoLogInit, source).is_empty(),
                "{source}"
            );
        }
    }

    #[test]
    fn fix_adds_no_log_init() {
        let source = "FROM debian\nRUN groupadd g && \\\n    useradd -g g -u 123456 app\n";
        let expected = "FROM debian\nRUN groupadd g && \\\n    useradd -l -g g -u 123456 app\n";
        let diagnostics = check(&UseraddWithoutNoLogInit, source);
        assert_eq!(fixed(source, &diagnostics), expected);
        assert!(check(&UseraddWithoutNoLogInit, expected).is_empty());
    }
}

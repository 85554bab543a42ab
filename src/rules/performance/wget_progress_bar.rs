//! DFL3112 `wget-progress-bar`: `wget` prints a progress bar into the build log.

use crate::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::shell_runs::posix_runs;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::Area;
use crate::shell::Command;
use crate::shell::packages::{busybox_based, program, real_commands};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL3112",
    name: "wget-progress-bar",
    category: RuleCategory::Performance,
    severity: Severity::Info,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DL3047", "DF056"],
    summary: "`wget` runs with its default progress output, which floods the build log.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions (and `ONBUILD RUN` triggers), their heredoc scripts and
the scripts they give to a shell, for `wget` (also behind `sudo`, `env` or `xargs`) without
`--progress=...`, and without an option that silences or redirects its output: `-q`
(`--quiet`, also in clusters such as `-qO-`), `-nv` (`--no-verbose`), `-o` (`--output-file`)
or `-a` (`--append-output`). The `wget` word is reported.

Differences from hadolint: hadolint reports one finding per `RUN`; this rule reports each
`wget` command, and only commands (`powershell -Command wget ...` is PowerShell's).

The fix inserts ` --progress=dot:giga` after `wget`; commands in heredocs and `sh -c` strings
are not fixed.

## Why is this bad?
Without a terminal, `wget` falls back to its "dot" progress display, one line of dots per
few kilobytes: a large download writes thousands of lines into the build log, which slows
the log viewers of CI systems and buries the lines that matter. `--progress=dot:giga` prints
one line per 32 MiB; `-nv` prints one line per file.

## Example
```dockerfile
FROM debian:12
RUN wget https://example.com/big.tar.gz
```

## Use instead
```dockerfile
FROM debian:12
RUN wget --progress=dot:giga https://example.com/big.tar.gz
```

## Fix safety
The fix is safe with GNU wget. BusyBox `wget`, the one of Alpine and BusyBox images unless
the `wget` package is installed, has no `--progress` option and would fail, so the fix is
unsafe in stages built on such images.

## References
- `wget(1)`: `--progress`, `-nv`.
- hadolint `DL3047`.
"#,
    // A fix in an `ONBUILD RUN` trigger changes the image config's `OnBuild`.
    fix_changes: &[Area::Commands, Area::Config],
};

/// DFL3112
pub struct WgetProgressBar;

/// Whether `wget` is quiet, brief or logs to a file.
fn output_controlled(command: &Command) -> bool {
    command.has_flag(Some('q'), Some("quiet"))
        || command.has_flag(Some('o'), Some("output-file"))
        || command.has_flag(Some('a'), Some("append-output"))
        || command.has_flag(None, Some("no-verbose"))
        || command.has_flag(None, Some("progress"))
        || command.args.iter().any(|a| a.is("-nv"))
}

impl Rule for WgetProgressBar {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in posix_runs(ctx, &["wget"], true) {
            for &(script, ref real) in real_commands(run) {
                let command = &real.command;
                if command.recovered
                    || program(command) != Some("wget")
                    || output_controlled(command)
                {
                    continue;
                }
                let applicability = if busybox_based(ctx.build, run.stage) {
                    Applicability::Unsafe
                } else {
                    Applicability::Safe
                };
                let fix = run.can_edit(script).then(|| {
                    Fix::new(
                        "Add `--progress=dot:giga` to `wget`",
                        applicability,
                        vec![Edit::insert(command.name.range.end, " --progress=dot:giga")],
                    )
                });
                out.push(
                    META.diagnostic(command.name.range, "`wget` without `--progress` or `-nv`")
                        .with_help(
                            "without a terminal, `wget` prints a line of dots per few \
                             kilobytes into the build log: add `--progress=dot:giga`, or `-nv`",
                        )
                        .with_fix(fix),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::WgetProgressBar;
    use crate::fix::Applicability;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_wget_with_default_progress() {
        for (source, expected) in [
            ("FROM debian\nRUN wget https://x/y\n", vec!["wget"]),
            (
                "FROM debian\nRUN wget -O- https://x/y | tar -x\n",
                vec!["wget"],
            ),
            (
                "FROM debian\nRUN sudo /usr/bin/wget -c x\n",
                vec!["/usr/bin/wget"],
            ),
            ("FROM debian\nONBUILD RUN wget x\n", vec!["wget"]),
        ] {
            let diagnostics = check(&WgetProgressBar, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_quiet_brief_and_logged_wget() {
        for source in [
            "FROM debian\nRUN wget -q x\n",
            "FROM debian\nRUN wget -qO- x | sh\n",
            "FROM debian\nRUN wget -nv x\n",
            "FROM debian\nRUN wget --no-verbose x\n",
            "FROM debian\nRUN wget --progress=bar:force x\n",
            "FROM debian\nRUN wget -o /tmp/log x\n",
            "FROM debian\nRUN wget --append-output=/tmp/log x\n",
            "FROM debian\nRUN apt-get install -y wget\n",
        ] {
            assert!(check(&WgetProgressBar, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn fix_adds_progress() {
        let source = "FROM debian\nRUN wget -O /x https://x/y\n";
        let expected = "FROM debian\nRUN wget --progress=dot:giga -O /x https://x/y\n";
        let diagnostics = check(&WgetProgressBar, source);
        assert_eq!(fixed(source, &diagnostics), expected);
        assert_eq!(
            diagnostics[0].fix.as_ref().unwrap().applicability,
            Applicability::Safe
        );
        assert!(check(&WgetProgressBar, expected).is_empty());
        let source = "FROM alpine:3.20\nRUN wget x\n";
        let diagnostics = check(&WgetProgressBar, source);
        assert_eq!(
            diagnostics[0].fix.as_ref().unwrap().applicability,
            Applicability::Unsafe
        );
    }
}

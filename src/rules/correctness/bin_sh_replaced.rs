//! DFL1061 `bin-sh-replaced`: a `RUN` replaces `/bin/sh` with a link to another shell.

use crate::Diagnostic;
use crate::rules::shell_runs::posix_runs;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::shell::packages::{program, real_commands, subcommand_index};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1061",
    name: "bin-sh-replaced",
    category: RuleCategory::Correctness,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL4005"],
    summary: "A `RUN` links `/bin/sh` to another shell instead of using `SHELL`.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions (and `ONBUILD RUN` triggers), their heredoc scripts and
the scripts they give to a shell, for `ln` (also behind `sudo`) whose destination, its last
argument, is `/bin/sh` or `/usr/bin/sh`. The destination is reported.

Differences from hadolint: hadolint flags `/bin/sh` anywhere among `ln`'s arguments, also as
the target of a link (`ln -s /bin/sh /usr/local/bin/sh`), which leaves `/bin/sh` alone; this
rule flags only links made at `/bin/sh` (and `/usr/bin/sh`, the same file on merged-`/usr`
systems).

## Why is this bad?
Replacing `/bin/sh` changes the shell of everything in the image that runs `sh`: package
maintainer scripts, `system()` calls, entrypoint scripts written for `dash` or BusyBox
`ash`; and a package upgrade may put the original link back. To run the Dockerfile's
commands with another shell, say so with `SHELL`, which changes only the build steps.

## Example
```dockerfile
FROM debian:12
RUN ln -sf /bin/bash /bin/sh
```

## Use instead
```dockerfile
FROM debian:12
SHELL ["/bin/bash", "-c"]
```

## References
- Dockerfile reference: `SHELL`.
- hadolint `DL4005`.
"#,
    fix_changes: &[],
};

/// DFL1061
pub struct BinShReplaced;

/// Options of `ln` that take a separate value.
const LN_VALUE_OPTIONS: &[&str] = &["-S", "-t", "--suffix", "--target-directory"];

impl Rule for BinShReplaced {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in posix_runs(ctx, &["bin/sh"], true) {
            for (_, real) in real_commands(run) {
                let command = &real.command;
                if command.recovered || program(command) != Some("ln") {
                    continue;
                }
                // The operands: the words after the options.
                let Some(first) = subcommand_index(&command.args, LN_VALUE_OPTIONS) else {
                    continue;
                };
                let operands: Vec<_> = command.args[first..]
                    .iter()
                    .filter(|a| !a.value_or_text().starts_with('-'))
                    .collect();
                let Some(destination) = operands.last().filter(|_| operands.len() >= 2) else {
                    continue;
                };
                let Some(path) = destination
                    .value
                    .as_deref()
                    .filter(|p| matches!(p.trim_end_matches('/'), "/bin/sh" | "/usr/bin/sh"))
                else {
                    continue;
                };
                out.push(
                    META.diagnostic(destination.range, format!("`ln` replaces `{path}`"))
                        .with_help(
                            "every program of the image that runs `sh` gets the new shell: \
                             set the shell of the build steps with `SHELL` instead",
                        ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::BinShReplaced;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_links_at_bin_sh() {
        for (source, expected) in [
            (
                "FROM debian\nRUN ln -sf /bin/bash /bin/sh\n",
                vec!["/bin/sh"],
            ),
            (
                "FROM debian\nRUN sudo ln -s -f bash \\\n  /usr/bin/sh\n",
                vec!["/usr/bin/sh"],
            ),
            (
                "FROM debian\nONBUILD RUN ln -sf bash /bin/sh\n",
                vec!["/bin/sh"],
            ),
        ] {
            let diagnostics = check(&BinShReplaced, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_links_elsewhere() {
        for source in [
            "FROM debian\nRUN ln -s /bin/sh /usr/local/bin/sh\n",
            "FROM debian\nRUN ln -sf /bin/bash /bin/shell\n",
            "FROM debian\nRUN echo /bin/sh\n",
            "FROM debian\nRUN ln -s /bin/sh\n",
        ] {
            assert!(check(&BinShReplaced, source).is_empty(), "{source}");
        }
    }
}

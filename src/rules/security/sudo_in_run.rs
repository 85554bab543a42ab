//! DFL2120 `sudo-in-run`: a `RUN` calls `sudo`.

use crate::Diagnostic;
use crate::rules::shell_runs::posix_runs;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::shell::packages::program;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL2120",
    name: "sudo-in-run",
    category: RuleCategory::Security,
    severity: Severity::Error,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL3004", "DS010", "CKV2_DOCKER_1", "DF010"],
    summary: "A `RUN` calls `sudo`.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions (and `ONBUILD RUN` triggers), their heredoc scripts and
the scripts they give to a shell (`sh -c '...'`), for commands named `sudo` (or
`/usr/bin/sudo`). Each `sudo` word is reported.

Differences from hadolint: hadolint reports one finding per `RUN`; this rule reports each
`sudo`, and also reads `sh -c` strings.

## Why is this bad?
A build step already runs as the user the last `USER` names, root unless changed: `sudo` is
not needed to get root there. Having it in the image means installing it, with its setuid
binary and a sudoers policy that any process of the container may later use to become root,
and its behaviour (TTY requirements, environment reset, `secure_path`) makes steps less
predictable. Switch users with `USER` in the Dockerfile, and with `gosu` or `su-exec` in
entrypoint scripts that must drop privileges.

## Example
```dockerfile
FROM debian:12
USER app
RUN sudo apt-get update
```

## Use instead
```dockerfile
FROM debian:12
USER root
RUN apt-get update
USER app
```

## References
- Docker's best practices: `USER` ("avoid installing or using sudo").
- hadolint `DL3004`.
"#,
    fix_changes: &[],
};

/// DFL2120
pub struct SudoInRun;

impl Rule for SudoInRun {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in posix_runs(ctx, &["sudo"], true) {
            for (_, command) in run.commands() {
                if command.recovered || program(&command) != Some("sudo") {
                    continue;
                }
                out.push(
                    META.diagnostic(command.name.range, "`sudo` in a `RUN`")
                        .with_help(
                            "build steps run as the user of the last `USER` already: switch \
                             with `USER root` instead, and use `gosu` or `su-exec` in entrypoint \
                             scripts; `sudo` in an image lets any process become root",
                        ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SudoInRun;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_sudo_commands() {
        for (source, expected) in [
            ("FROM debian\nRUN sudo apt-get update\n", vec!["sudo"]),
            (
                "FROM debian\nRUN a && /usr/bin/sudo -u app make \\\n && sudo x\n",
                vec!["/usr/bin/sudo", "sudo"],
            ),
            (
                "FROM debian\nRUN <<EOF\nsudo make install\nEOF\n",
                vec!["sudo"],
            ),
            ("FROM debian\nRUN sh -c 'sudo x'\n", vec!["sudo"]),
            ("FROM debian\nONBUILD RUN sudo x\n", vec!["sudo"]),
        ] {
            let diagnostics = check(&SudoInRun, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_mentions_that_are_not_commands() {
        for source in [
            "FROM debian\nRUN apt-get install -y sudo\n",
            "FROM debian\nRUN echo 'app ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/app\n",
            "FROM debian\nRUN [\"sudo\", \"x\"]\n",
            "FROM debian\nCMD sudo x\n",
        ] {
            assert!(check(&SudoInRun, source).is_empty(), "{source}");
        }
    }
}

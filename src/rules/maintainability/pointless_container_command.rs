//! DFL5042 `pointless-container-command`: a `RUN` calls an interactive or system-management
//! command that does nothing useful while an image is built.

use crate::Diagnostic;
use crate::rules::shell_runs::posix_runs;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::shell::packages::{program, real_commands};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL5042",
    name: "pointless-container-command",
    category: RuleCategory::Maintainability,
    severity: Severity::Info,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL3001", "DF060"],
    summary: "A `RUN` calls a command that makes no sense in an image build (`ssh`, `vim`, `service`...).",
    docs: r#"## What it does
Checks shell-form `RUN` instructions (and `ONBUILD RUN` triggers), their heredoc scripts and
the scripts they give to a shell, for commands that are interactive or manage a running
system: `free`, `kill`, `mount`, `ps`, `service`, `shutdown`, `ssh`, `top` and `vim` (with
any directory, also behind `sudo`, `env` or `xargs`). The command word is reported.

Differences from hadolint: hadolint reports one finding per `RUN`; this rule reports each
command.

## Why is this bad?
A build step runs one command in a throwaway container: nothing else runs there to be
listed, killed or served, nobody is at the terminal for `vim` or `top`, processes started
by `service` stop with the step, and `mount` or `shutdown` need privileges a build does not
have. Such commands are leftovers of interactive sessions or scripts written for a VM; they
slow the build or make it fail, and the image gains nothing.

## Example
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y nginx && service nginx start
```

## Use instead
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y nginx
CMD ["nginx", "-g", "daemon off;"]
```

## References
- hadolint `DL3001`.
"#,
    fix_changes: &[],
};

/// DFL5042
pub struct PointlessContainerCommand;

const COMMANDS: &[&str] = &[
    "free", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim",
];

impl Rule for PointlessContainerCommand {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in posix_runs(ctx, COMMANDS, true) {
            for (_, real) in real_commands(run) {
                let command = &real.command;
                let Some(name) = program(command).filter(|p| COMMANDS.contains(p)) else {
                    continue;
                };
                if command.recovered {
                    continue;
                }
                out.push(
                    META.diagnostic(
                        command.name.range,
                        format!("`{name}` makes no sense in an image build"),
                    )
                    .with_help(
                        "a build step runs one command in a throwaway container with no \
                         terminal and no services: remove the command, or start services \
                         from `CMD` or `ENTRYPOINT`",
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PointlessContainerCommand;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_each_pointless_command() {
        for (source, expected) in [
            (
                "FROM debian\nRUN service nginx start && ps aux\n",
                vec!["service", "ps"],
            ),
            (
                "FROM debian\nRUN sudo /usr/bin/vim x\n",
                vec!["/usr/bin/vim"],
            ),
            ("FROM debian\nONBUILD RUN kill 1\n", vec!["kill"]),
        ] {
            let diagnostics = check(&PointlessContainerCommand, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_other_commands_and_mentions() {
        for source in [
            "FROM debian\nRUN apt-get install -y vim openssh-client procps\n",
            "FROM debian\nRUN mkdir -p ~/.ssh && ssh-keyscan github.com >> ~/.ssh/known_hosts\n",
            "FROM debian\nCMD service nginx start\n",
            "FROM debian\nRUN [\"ps\"]\n",
        ] {
            assert!(
                check(&PointlessContainerCommand, source).is_empty(),
                "{source}"
            );
        }
    }
}

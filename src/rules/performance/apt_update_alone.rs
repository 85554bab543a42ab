//! DFL3003 `apt-update-alone`: `apt-get update` in a RUN that installs nothing.

use crate::Diagnostic;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::shell::Command;
use crate::shell::packages::{
    APT_VALUE_OPTIONS, is_apt, is_one_of, path_covers, program, real_commands, removes, subcommand,
};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL3003",
    name: "apt-update-alone",
    category: RuleCategory::Performance,
    severity: Severity::Info,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DS017", "CKV_DOCKER_5", "DF028"],
    summary: "`apt-get update` runs in a RUN that installs no package.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions, and the scripts they give to a shell (heredocs, quoted
`sh -c` strings), that run `apt-get update`, `apt update` or `aptitude update`, also behind
`sudo` or `env`, and flags them when every other command of the `RUN` is known not to use
the package lists: apt commands that clean or remove (`clean`, `purge`, `autoremove`...) and
common commands that install nothing (`echo`, `rm`, `mkdir`, `ln`, `chmod`, `useradd`...). A
`RUN` that also runs anything else (an install, `apt-cache`, a script, a build tool) or
removes the lists is not flagged.

Every stage is checked, builder stages included. A cache mount on the lists does not help
here: the `RUN` that updates them is still cached on its own.

## Why is this bad?
The build cache keeps a `RUN` whose text has not changed, so `apt-get update` in a `RUN` of
its own runs once and is then reused: a later `RUN apt-get install` that is added or changed
installs from package lists that may be weeks old, fails on versions the mirrors no longer
have, or misses security updates. The lists also stay in the layer for nothing.

## Example
```dockerfile
FROM debian:12
RUN apt-get update
RUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
```

## Use instead
```dockerfile
FROM debian:12
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
```

## References
- Docker's best practices: `apt-get` ("Always combine `RUN apt-get update` with `apt-get
  install` in the same `RUN` statement").
- hadolint's documentation of `DL3009`, which asks for the same combination; hadolint has no
  separate check for it.
"#,
    fix_changes: &[],
};

/// DFL3003
pub struct AptUpdateAlone;

fn is_apt_tool(command: &Command) -> bool {
    is_apt(command) || program(command) == Some("aptitude")
}

/// apt subcommands that do not read the package lists.
const NO_LISTS: &[&str] = &[
    "update",
    "clean",
    "autoclean",
    "auto-clean",
    "distclean",
    "dist-clean",
    "remove",
    "purge",
    "autoremove",
    "auto-remove",
];

/// Commands known not to install anything, so the update is of no use to them.
const HARMLESS: &[&str] = &[
    "echo",
    "printf",
    "true",
    "false",
    ":",
    "set",
    "export",
    "unset",
    "cd",
    "rm",
    "mkdir",
    "rmdir",
    "ln",
    "cp",
    "mv",
    "chmod",
    "chown",
    "chgrp",
    "touch",
    "cat",
    "tee",
    "sed",
    "ls",
    "test",
    "[",
    "sleep",
    "chpasswd",
    "useradd",
    "adduser",
    "groupadd",
    "addgroup",
    "usermod",
    "locale-gen",
    "update-locale",
    "ldconfig",
    "apt-key",
    "dpkg-reconfigure",
];

/// Whether a command is known not to use the package lists: apt commands that update, clean
/// or remove, and common commands that install nothing. A shell given a quoted script
/// (`sh -c '...'`) is judged by the commands of that script.
fn ignores_lists(command: &Command) -> bool {
    if is_apt_tool(command) {
        return subcommand(command, APT_VALUE_OPTIONS)
            .is_some_and(|s| is_one_of(Some(s), NO_LISTS));
    }
    let Some(name) = program(command) else {
        return false;
    };
    HARMLESS.contains(&name)
        || (matches!(name, "sh" | "bash" | "dash" | "ash" | "zsh")
            && command.has_flag(Some('c'), None))
}

impl Rule for AptUpdateAlone {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in ctx.run_scripts(&["apt"]) {
            let commands = real_commands(run);
            let Some(update) = commands.iter().map(|(_, c)| &c.command).find(|c| {
                !c.recovered
                    && is_apt_tool(c)
                    && is_one_of(subcommand(c, APT_VALUE_OPTIONS), &["update"])
            }) else {
                continue;
            };
            let used = commands.iter().any(|(_, c)| {
                !ignores_lists(&c.command)
                    || removes(&c.command, |p| path_covers(p, "/var/lib/apt/lists"))
            });
            if used {
                continue;
            }
            out.push(
                META.diagnostic(
                    update.name.range,
                    format!(
                        "`{} update` runs in a `RUN` that installs nothing",
                        update.name.text
                    ),
                )
                .with_help(
                    "update and install in the same `RUN` (`apt-get update && apt-get install \
                     ...`): this `RUN` is cached on its own, so later installs may use stale \
                     package lists",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AptUpdateAlone;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_updates_without_installs() {
        for (source, expected) in [
            ("FROM debian\nRUN apt-get update\n", vec!["apt-get"]),
            (
                "FROM debian\nRUN sudo apt-get -qq update && echo done\n",
                vec!["apt-get"],
            ),
            (
                "FROM debian\nRUN apt update && apt-get clean\nRUN apt-get install -y x\n",
                vec!["apt"],
            ),
            (
                "FROM debian AS build\nRUN apt-get update\nFROM scratch\nCOPY --from=build / /\n",
                vec!["apt-get"],
            ),
            (
                "FROM debian\nRUN --mount=type=cache,target=/var/lib/apt apt-get update\n",
                vec!["apt-get"],
            ),
            (
                "FROM debian\nRUN <<EOF\nset -e\napt-get update\nEOF\n",
                vec!["apt-get"],
            ),
            (
                "FROM debian\nRUN apt-get update; apt-get purge -y x; echo 'root:x' | chpasswd\n",
                vec!["apt-get"],
            ),
            (
                "FROM debian\nRUN sh -c \"apt-get update && apt-get clean\"\n",
                vec!["apt-get"],
            ),
        ] {
            let diagnostics = check(&AptUpdateAlone, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_updates_with_installs() {
        for source in [
            "FROM debian\nRUN apt-get update && apt-get install -y x\n",
            "FROM debian\nRUN apt-get update && sudo apt-get -o Debug::x=1 -y upgrade\n",
            "FROM debian\nRUN apt-get update && apt-cache policy x\n",
            "FROM debian\nRUN apt-get update \\\n  && xargs -r apt-get install -y < /pkgs\n",
            "FROM debian\nRUN bash <<EOF\napt-get update\napt-get install -y x\nEOF\n",
            "FROM debian\nRUN apt-get update && rm -rf /var/lib/apt/lists/*\n",
            "FROM debian\nRUN apt-get update && mk-build-deps -i debian/control\n",
            "FROM debian\nRUN apt-get update && bash /tmp/install.sh\n",
            "FROM debian\nRUN apt-get update && xx-apt-get install -y gcc\n",
            "FROM debian\nRUN sudo sh -c 'apt-get update && apt-get install -y x'\n",
            "FROM debian\nRUN apt-get install -y x\n",
            "FROM debian\nRUN [\"apt-get\", \"update\"]\n",
        ] {
            assert!(check(&AptUpdateAlone, source).is_empty(), "{source}");
        }
    }
}

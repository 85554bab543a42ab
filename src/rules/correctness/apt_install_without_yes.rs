//! DFL3004 `apt-install-without-yes`: `apt-get install` would wait for a confirmation.

use crate::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::Area;
use crate::shell::packages::{
    APT_VALUE_OPTIONS, apt_settings, earlier_run_mentions, is_apt, program, subcommand,
    unwrap_command,
};
use crate::shell::{Command, Word};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL3004",
    name: "apt-install-without-yes",
    category: RuleCategory::Correctness,
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DL3014", "DS021", "DF015"],
    summary: "`apt-get install` runs without `-y`, so it may stop at a confirmation prompt.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions, and the scripts they give to a shell (heredocs, quoted
`sh -c` strings), for `apt-get` and `apt` commands (or the `xx-apt-get` cross-build wrapper)
that can ask for a confirmation: `install`, `reinstall`, `remove`, `purge`, `autoremove`,
`upgrade`, `dist-upgrade`, `full-upgrade`, `build-dep`; also behind `sudo`, `env` or
`xargs`. It flags them when nothing answers yes:

- no `-y` (alone or combined, as in `-yq`), `--yes` or `--assume-yes`;
- no quiet level of 2 or more (`-qq`, `-q -q`, `-q=2`, `--quiet=2`), which implies `-y`;
- no `-o APT::Get::Assume-Yes=true`, and no earlier `RUN` of the stage (or of the stages it
  is built on) that mentions `APT::Get::Assume-Yes` (a configuration file written there);
- no `yes |` pipe, and no simulation (`-s`, `--dry-run`...), which asks nothing.

The fix inserts ` -y` after the subcommand; commands in heredocs and `sh -c` strings are
not fixed.

`RUN` triggers of `ONBUILD` are checked too, as hadolint does, in every stage: a trigger
runs in the build of any image built `FROM` the stage, whatever this build ships. For a
trigger, every `RUN` of the declaring stage counts as earlier (the child image starts from
the whole stage, even the `RUN`s after the `ONBUILD`). The fix edits a trigger as it edits a
`RUN`.

Differences from hadolint (`DL3014`): hadolint checks `apt-get install` only. dflint also
checks `apt`, the other subcommands that ask (`upgrade`, `dist-upgrade`, `autoremove`...),
and commands behind `sudo`; it does not flag a simulation (`apt-get install -s`), which
asks nothing.

## Why is this bad?
When apt has to install more than was asked for, or remove something, it asks "Do you want
to continue? [Y/n]". A build has no terminal to answer: the prompt reads the end of its
input and apt aborts, so the build fails, sometimes only after a dependency change.

## Example
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
```

## Use instead
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
```

## References
- `apt-get(8)`: `-y`, `--assume-yes`, `-q`.
- hadolint `DL3014`.
"#,
    fix_changes: &[Area::Config, Area::Commands],
};

/// DFL3004
pub struct AptInstallWithoutYes;

/// The subcommands that may ask for a confirmation.
const PROMPTING: &[&str] = &[
    "install",
    "reinstall",
    "remove",
    "purge",
    "autoremove",
    "auto-remove",
    "upgrade",
    "dist-upgrade",
    "full-upgrade",
    "build-dep",
];

/// The arguments before `--`, as literal values.
fn options(command: &Command) -> impl Iterator<Item = &str> {
    command
        .args
        .iter()
        .filter_map(|a| a.value.as_deref())
        .take_while(|v| *v != "--")
}

/// The quiet level: `-q` counts 1 each (also within `-qqy`), `-q=N` and `--quiet=N` set it.
fn quiet_level(command: &Command) -> u32 {
    let mut level = 0;
    for v in options(command) {
        if let Some(rest) = v.strip_prefix("--quiet") {
            level = match rest.strip_prefix('=') {
                Some(n) => n.parse().unwrap_or(level + 1),
                None if rest.is_empty() => level + 1,
                None => level,
            };
        } else if let Some(rest) = v.strip_prefix("-q=") {
            level = rest.parse().unwrap_or(level + 1);
        } else if let Some(cluster) = v.strip_prefix('-').filter(|c| !c.starts_with('-')) {
            let letters: String = cluster
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            if letters.starts_with('o') {
                // `-oKey=value`.
                continue;
            }
            level += u32::try_from(letters.matches('q').count()).unwrap_or(0);
        }
    }
    level
}

/// Whether a `-o` setting sets `APT::Get::Assume-Yes` to true.
fn option_assumes_yes(command: &Command) -> bool {
    apt_settings(command).iter().any(|(key, value)| {
        key.eq_ignore_ascii_case("APT::Get::Assume-Yes")
            && matches!(
                value.to_ascii_lowercase().as_str(),
                "true" | "1" | "yes" | "on"
            )
    })
}

fn assumes_yes(command: &Command) -> bool {
    // A simulation changes nothing and asks nothing.
    command.has_flag(Some('s'), Some("simulate"))
        || ["just-print", "dry-run", "recon", "no-act"]
            .iter()
            .any(|f| command.has_flag(None, Some(f)))
        || command.has_flag(Some('y'), Some("yes"))
        || command.has_flag(None, Some("assume-yes"))
        || quiet_level(command) >= 2
        || option_assumes_yes(command)
}

/// The subcommand word of an apt command that may prompt.
fn prompting_subcommand(command: &Command) -> Option<&Word> {
    if !is_apt(command) {
        return None;
    }
    subcommand(command, APT_VALUE_OPTIONS)
        .filter(|s| s.value.as_deref().is_some_and(|v| PROMPTING.contains(&v)))
}

impl Rule for AptInstallWithoutYes {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in ctx.all_run_scripts(&["apt"]) {
            let commands = run.commands();
            for (index, (script, original)) in commands.iter().enumerate() {
                let Some(real) = unwrap_command(original) else {
                    continue;
                };
                let command = &real.command;
                if command.recovered || assumes_yes(command) {
                    continue;
                }
                let Some(sub) = prompting_subcommand(command) else {
                    continue;
                };
                // `yes | apt-get install x`.
                let after_yes = command.in_pipeline
                    && index > 0
                    && commands.get(index - 1).is_some_and(|(_, c)| {
                        c.separator_after == Some(crate::shell::Separator::Pipe)
                            && program(c) == Some("yes")
                    });
                if after_yes
                    || earlier_run_mentions(
                        ctx.build,
                        ctx.source,
                        run.stage,
                        run.runs_after(),
                        "APT::Get::Assume-Yes",
                    )
                {
                    continue;
                }
                let fix = run.can_edit(*script).then(|| {
                    Fix::new(
                        format!("Add `-y` to `{} {}`", command.name.text, sub.text),
                        Applicability::Safe,
                        vec![Edit::insert(sub.range.end, " -y")],
                    )
                });
                out.push(
                    META.diagnostic(
                        sub.range,
                        format!(
                            "`{} {}` without `-y` may wait for a confirmation",
                            command.name.text, sub.text
                        ),
                    )
                    .with_help(
                        "add `-y`: a build cannot answer apt's prompt, so apt aborts and the \
                         build fails",
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AptInstallWithoutYes;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_prompting_commands_without_yes() {
        for (source, expected) in [
            ("FROM debian\nRUN apt-get install curl\n", vec!["install"]),
            (
                "FROM debian\nRUN apt-get update && sudo apt-get -q install x && apt remove y\n",
                vec!["install", "remove"],
            ),
            (
                "FROM debian\nRUN apt-get -o Dpkg::Options::=--force-confold upgrade\n",
                vec!["upgrade"],
            ),
            (
                "FROM debian\nRUN apt-get -qo APT::Get::Assume-Yes=false install x\n",
                vec!["install"],
            ),
            ("FROM debian\nRUN apt-get install -- -y\n", vec!["install"]),
            (
                "FROM debian AS build\nRUN apt-get install gcc\nFROM scratch\nCOPY --from=build /x /x\n",
                vec!["install"],
            ),
            (
                "FROM debian\nRUN <<EOF\napt-get update\napt-get install x\nEOF\n",
                vec!["install"],
            ),
        ] {
            let diagnostics = check(&AptInstallWithoutYes, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_every_way_of_saying_yes() {
        for source in [
            "FROM debian\nRUN apt-get install -y x\n",
            "FROM debian\nRUN apt-get -yq install x\n",
            "FROM debian\nRUN apt-get install -qy x\n",
            "FROM debian\nRUN apt-get install --yes x\n",
            "FROM debian\nRUN apt-get install --assume-yes x\n",
            "FROM debian\nRUN apt-get -qq install x\n",
            "FROM debian\nRUN apt-get -q -q install x\n",
            "FROM debian\nRUN apt-get -q=2 install x\n",
            "FROM debian\nRUN apt-get --quiet=2 install x\n",
            "FROM debian\nRUN apt-get -o APT::Get::Assume-Yes=true install x\n",
            "FROM debian\nRUN sudo apt-get install -y x\n",
            "FROM debian\nRUN yes | apt-get install x\n",
            "FROM debian\nRUN if apt-get install -s x > /dev/null; then echo ok; fi\n",
            "FROM debian\nRUN echo 'APT::Get::Assume-Yes \"true\";' > /etc/apt/apt.conf.d/90yes\nRUN apt-get install x\n",
            "FROM debian\nRUN apt-get update\n",
            "FROM debian\nRUN [\"apt-get\", \"install\", \"x\"]\n",
            "FROM debian\nSHELL [\"cmd\", \"/S\", \"/C\"]\nRUN apt-get install x\n",
        ] {
            assert!(check(&AptInstallWithoutYes, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn fix_adds_yes_after_the_subcommand() {
        for (source, expected) in [
            (
                "FROM debian\nRUN apt-get install curl\n",
                "FROM debian\nRUN apt-get install -y curl\n",
            ),
            (
                "FROM debian\nRUN apt-get update \\\n && sudo apt-get install \\\n    curl\n",
                "FROM debian\nRUN apt-get update \\\n && sudo apt-get install -y \\\n    curl\n",
            ),
            (
                "FROM debian\nRUN apt-get -q install x",
                "FROM debian\nRUN apt-get -q install -y x",
            ),
        ] {
            let diagnostics = check(&AptInstallWithoutYes, source);
            assert_eq!(fixed(source, &diagnostics), expected, "{source}");
            assert!(check(&AptInstallWithoutYes, expected).is_empty());
        }
        let source = "FROM debian\nRUN <<EOF\napt-get install x\nEOF\n";
        assert!(check(&AptInstallWithoutYes, source)[0].fix.is_none());
    }

    #[test]
    fn onbuild_triggers() {
        use crate::rules::test_support::fixed_by_loop;
        // Checked whatever the stage: the trigger runs in the build of any child image.
        let source = "FROM debian:12 AS build\nONBUILD RUN apt-get install curl\n\
                      FROM scratch\nCOPY --from=build /a /a\n";
        assert_eq!(
            flagged(source, &check(&AptInstallWithoutYes, source)),
            ["install"]
        );
        let source = "FROM debian:12\nONBUILD RUN apt-get install curl\n";
        assert_eq!(
            fixed_by_loop("DFL3004", source),
            "FROM debian:12\nONBUILD RUN apt-get install -y curl\n"
        );
        for source in [
            "FROM debian:12\nONBUILD RUN apt-get install -qq curl\n",
            "FROM debian:12\nONBUILD RUN yes | apt-get install curl\n",
            "FROM debian:12\nONBUILD RUN apt-get install curl\n\
             RUN echo 'APT::Get::Assume-Yes \"true\";' > /etc/apt/apt.conf.d/90yes\n",
            "FROM debian:12\nSHELL [\"powershell\", \"-Command\"]\nONBUILD RUN apt-get install curl\n",
        ] {
            assert!(check(&AptInstallWithoutYes, source).is_empty(), "{source}");
        }
    }
}

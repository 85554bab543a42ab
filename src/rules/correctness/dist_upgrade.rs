//! DFL1062 `dist-upgrade`: a `RUN` upgrades the whole distribution (`zypper dist-upgrade`,
//! `apt-get dist-upgrade`).

use crate::Diagnostic;
use crate::rules::shell_runs::posix_runs;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::shell::packages::{
    APT_VALUE_OPTIONS, ZYPPER_VALUE_OPTIONS, is_apt, is_one_of, program, real_commands, subcommand,
};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1062",
    name: "dist-upgrade",
    category: RuleCategory::Correctness,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL3035", "DS024", "DF044", "DF069"],
    summary: "A `RUN` upgrades the whole distribution with `dist-upgrade`.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions (and `ONBUILD RUN` triggers), their heredoc scripts and
the scripts they give to a shell, for a distribution upgrade: `zypper dist-upgrade` or
`zypper dup`, and `apt-get`/`apt` `dist-upgrade` or `full-upgrade`, also behind `sudo`,
`env` or `xargs`. The subcommand is reported.

Differences from hadolint: hadolint's `DL3035` covers only `zypper`; Trivy's `DS024` covers
only `apt-get dist-upgrade`. The two are the same mistake, so one rule answers to both ids.

## Why is this bad?
A distribution upgrade may move the image to a new release of the distribution, install
and remove packages to do it, and gives a different result each time the step is built:
what the base image's tag promised no longer holds, and the build is not reproducible.
Choose the release with the base image's tag, and rebuild on a newer base image to get
updates.

## Example
```dockerfile
FROM opensuse/leap:15.6
RUN zypper --non-interactive dup
```

## Use instead
```dockerfile
FROM opensuse/leap:15.6
RUN zypper --non-interactive install --no-recommends curl
```

## References
- `zypper(8)`: `dist-upgrade`; `apt-get(8)`: `dist-upgrade`.
- hadolint `DL3035`; Trivy `DS-0024`.
"#,
    fix_changes: &[],
};

/// DFL1062
pub struct DistUpgrade;

impl Rule for DistUpgrade {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in posix_runs(ctx, &["dup", "dist-upgrade", "full-upgrade"], true) {
            for (_, real) in real_commands(run) {
                let command = &real.command;
                if command.recovered {
                    continue;
                }
                let found = if program(command) == Some("zypper") {
                    subcommand(command, ZYPPER_VALUE_OPTIONS)
                        .filter(|s| is_one_of(Some(s), &["dist-upgrade", "dup"]))
                } else if is_apt(command) {
                    subcommand(command, APT_VALUE_OPTIONS)
                        .filter(|s| is_one_of(Some(s), &["dist-upgrade", "full-upgrade"]))
                } else {
                    None
                };
                let Some(word) = found else { continue };
                let tool = program(command).unwrap_or("");
                out.push(
                    META.diagnostic(
                        word.range,
                        format!("`{tool} {}` upgrades the whole distribution", word.text),
                    )
                    .with_help(
                        "choose the release with the base image's tag and rebuild on a newer \
                         base image for updates; install or upgrade only the packages the \
                         image needs",
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DistUpgrade;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_distribution_upgrades() {
        for (source, expected) in [
            ("FROM opensuse\nRUN zypper dup\n", vec!["dup"]),
            (
                "FROM opensuse\nRUN zypper -n --root /x dist-upgrade -l\n",
                vec!["dist-upgrade"],
            ),
            (
                "FROM debian\nRUN apt-get update && sudo apt-get -y dist-upgrade\n",
                vec!["dist-upgrade"],
            ),
            (
                "FROM debian\nRUN apt full-upgrade -y\n",
                vec!["full-upgrade"],
            ),
            ("FROM debian\nONBUILD RUN zypper dup\n", vec!["dup"]),
        ] {
            let diagnostics = check(&DistUpgrade, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_other_upgrades() {
        for source in [
            "FROM opensuse\nRUN zypper update -y\n",
            "FROM debian\nRUN apt-get upgrade -y\n",
            "FROM debian\nRUN apt-get install -y dup\n",
            "FROM debian\nRUN echo dist-upgrade\n",
        ] {
            assert!(check(&DistUpgrade, source).is_empty(), "{source}");
        }
    }
}

//! DFL3005 `apt-install-recommends`: `apt-get install` also installs recommended packages.

use crate::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::Area;
use crate::shell::Command;
use crate::shell::packages::{
    APT_VALUE_OPTIONS, apt_settings, earlier_run_mentions, is_apt, is_one_of, real_commands,
    subcommand,
};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL3005",
    name: "apt-install-recommends",
    category: RuleCategory::Performance,
    severity: Severity::Info,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DL3015", "DS029", "DF016"],
    summary: "`apt-get install` runs without `--no-install-recommends`.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions, and the scripts they give to a shell (heredocs, quoted
`sh -c` strings), for `apt-get install` and `apt install` (or `xx-apt-get install`), also
behind `sudo`, `env` or `xargs`, without `--no-install-recommends`,
`--install-recommends=false` or `-o APT::Install-Recommends=false` (or `0`, `no`, `off`). It
does not flag them when an earlier `RUN` of the stage (or of the stages it is built on)
mentions `APT::Install-Recommends`: a configuration file written there.

The fix inserts ` --no-install-recommends` after `install`; commands in heredocs and `sh -c`
strings are not fixed.

`RUN` triggers of `ONBUILD` are checked too, as hadolint does, in every stage: a trigger
runs in the build of any image built `FROM` the stage, whatever this build ships. For a
trigger, every `RUN` of the declaring stage counts as earlier (the child image starts from
the whole stage, even the `RUN`s after the `ONBUILD`). The fix edits a trigger as it edits a
`RUN`.

Differences from hadolint (`DL3015`): hadolint checks `apt-get install` only; dflint also
checks `apt install`, which installs recommended packages the same way. On the corpus every
hadolint finding is also a dflint one; the `apt install` commands are the findings dflint
adds.

## Why is this bad?
By default apt also installs the packages that the requested ones *recommend*:
documentation, optional helpers, sometimes whole toolchains. In an image they are rarely
used and can double its size, the time to pull it and the number of packages to patch.

## Example
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
```

## Use instead
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
```

## Fix safety
The fix is unsafe: a program may need a package that is only recommended (for example
`ca-certificates` for `curl` to reach HTTPS servers), and without it fail at run time. Check
the image after applying it, and name such packages explicitly.

## References
- Docker's best practices: `apt-get`.
- hadolint `DL3015`.
"#,
    fix_changes: &[Area::Config, Area::Commands],
};

/// DFL3005
pub struct AptInstallRecommends;

fn is_false(value: &str) -> bool {
    matches!(
        value
            .trim_matches(['"', '\''])
            .to_ascii_lowercase()
            .as_str(),
        "false" | "0" | "no" | "off" | "without" | "disable"
    )
}

/// Whether the command turns recommended packages off.
fn skips_recommends(command: &Command) -> bool {
    command.has_flag(None, Some("no-install-recommends"))
        || command.args.iter().any(|a| {
            a.value
                .as_deref()
                .and_then(|v| v.strip_prefix("--install-recommends="))
                .is_some_and(is_false)
        })
        || apt_settings(command).iter().any(|(key, value)| {
            key.eq_ignore_ascii_case("APT::Install-Recommends") && is_false(value)
        })
}

impl Rule for AptInstallRecommends {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in ctx.all_run_scripts(&["apt"]) {
            for &(script, ref real) in real_commands(run) {
                let command = &real.command;
                if command.recovered || !is_apt(command) || skips_recommends(command) {
                    continue;
                }
                let Some(install) = subcommand(command, APT_VALUE_OPTIONS)
                    .filter(|s| is_one_of(Some(s), &["install"]))
                else {
                    continue;
                };
                if earlier_run_mentions(
                    ctx.build,
                    ctx.source,
                    run.stage,
                    run.runs_after(),
                    "APT::Install-Recommends",
                ) {
                    continue;
                }
                let fix = run.can_edit(script).then(|| {
                    Fix::new(
                        "Add `--no-install-recommends`",
                        Applicability::Unsafe,
                        vec![Edit::insert(install.range.end, " --no-install-recommends")],
                    )
                });
                out.push(
                    META.diagnostic(
                        install.range,
                        format!(
                            "`{} install` also installs the recommended packages",
                            command.name.text
                        ),
                    )
                    .with_help(
                        "add `--no-install-recommends` and name the packages you need: \
                         recommended packages are rarely used in an image and make it bigger",
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AptInstallRecommends;
    use crate::fix::Applicability;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_installs_with_recommends() {
        for (source, expected) in [
            (
                "FROM debian\nRUN apt-get install -y curl\n",
                vec!["install"],
            ),
            (
                "FROM debian\nRUN apt-get update && sudo apt -qq install x && apt-get install -y y\n",
                vec!["install", "install"],
            ),
            (
                "FROM debian\nRUN apt-get -o APT::Install-Recommends=true install -y x\n",
                vec!["install"],
            ),
            (
                "FROM debian AS build\nRUN apt-get install -y gcc\nFROM scratch\nCOPY --from=build /x /x\n",
                vec!["install"],
            ),
            (
                "FROM debian\nRUN bash <<EOF\napt-get install -y x\nEOF\n",
                vec!["install"],
            ),
        ] {
            let diagnostics = check(&AptInstallRecommends, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_installs_without_recommends() {
        for source in [
            "FROM debian\nRUN apt-get install -y --no-install-recommends x\n",
            "FROM debian\nRUN apt-get --no-install-recommends -y install x\n",
            "FROM debian\nRUN sudo apt-get install -yq --no-install-recommends x\n",
            "FROM debian\nRUN apt-get -o APT::Install-Recommends=false install -y x\n",
            "FROM debian\nRUN apt-get -o 'APT::Install-Recommends=0' install -y x\n",
            "FROM debian\nRUN apt-get install --install-recommends=no -y x\n",
            "FROM debian\nRUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/no-rec\nRUN apt-get install -y x\n",
            "FROM debian\nRUN apt-get update && apt-get upgrade -y\n",
            "FROM debian\nRUN [\"apt-get\", \"install\", \"-y\", \"x\"]\n",
        ] {
            assert!(check(&AptInstallRecommends, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn fix_adds_the_flag_and_is_unsafe() {
        for (source, expected) in [
            (
                "FROM debian\nRUN apt-get install -y curl\n",
                "FROM debian\nRUN apt-get install --no-install-recommends -y curl\n",
            ),
            (
                "FROM debian\nRUN apt-get update && \\\n    apt-get -y install \\\n      curl \\\n      git\n",
                "FROM debian\nRUN apt-get update && \\\n    apt-get -y install --no-install-recommends \\\n      curl \\\n      git\n",
            ),
        ] {
            let diagnostics = check(&AptInstallRecommends, source);
            assert_eq!(
                diagnostics[0].fix.as_ref().unwrap().applicability,
                Applicability::Unsafe
            );
            assert_eq!(fixed(source, &diagnostics), expected, "{source}");
            assert!(check(&AptInstallRecommends, expected).is_empty());
        }
    }

    #[test]
    fn onbuild_triggers() {
        use crate::rules::test_support::fixed_by_loop;
        // Checked whatever the stage: the trigger runs in the build of any child image.
        let source = "FROM debian:12 AS build\nONBUILD RUN apt-get install -y curl\n\
                      FROM scratch\nCOPY --from=build /a /a\n";
        assert_eq!(
            flagged(source, &check(&AptInstallRecommends, source)),
            ["install"]
        );
        let source = "FROM debian:12\nONBUILD RUN apt-get install -y curl\n";
        assert_eq!(
            fixed_by_loop("DFL3005", source),
            "FROM debian:12\nONBUILD RUN apt-get install --no-install-recommends -y curl\n"
        );
        for source in [
            "FROM debian:12\nONBUILD RUN apt-get install -y --no-install-recommends curl\n",
            // The child image starts with every file of the stage, even one written after
            // the ONBUILD.
            "FROM debian:12\nONBUILD RUN apt-get install -y curl\n\
             RUN echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/99norec\n",
        ] {
            assert!(check(&AptInstallRecommends, source).is_empty(), "{source}");
        }
    }
}

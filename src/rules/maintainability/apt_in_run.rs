//! DFL5041 `apt-in-run`: a `RUN` uses `apt`, the interactive front end, instead of `apt-get`
//! or `apt-cache`.

use crate::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::shell_runs::posix_runs;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::Area;
use crate::shell::packages::{APT_VALUE_OPTIONS, program, real_commands, subcommand};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL5041",
    name: "apt-in-run",
    category: RuleCategory::Maintainability,
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DL3027", "CKV_DOCKER_9", "DF059"],
    summary: "A `RUN` uses `apt` instead of `apt-get` or `apt-cache`.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions (and `ONBUILD RUN` triggers), their heredoc scripts and
the scripts they give to a shell, for commands named `apt` (also behind `sudo`, `env` or
`xargs`). The `apt` word is reported.

Differences from hadolint: hadolint reports one finding per `RUN`; this rule reports each
`apt` command.

The fix renames the command: to `apt-cache` for `search`, `show`, `showsrc`, `policy`,
`depends` and `rdepends`, to `apt-get` for the subcommands `apt-get` has, and
`full-upgrade` becomes `apt-get dist-upgrade`. `apt list` and `apt edit-sources` have no
equivalent and are not fixed, nor are commands in heredocs or `sh -c` strings.

## Why is this bad?
`apt` is the front end for people at a terminal: its output (progress bars, colours,
columns) and some defaults may change between releases, and it warns "apt does not have a
stable CLI interface. Use with caution in scripts." `apt-get` and `apt-cache` are the
stable interfaces meant for scripts such as a Dockerfile's.

## Example
```dockerfile
FROM debian:12
RUN apt update && apt install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
```

## Use instead
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
```

## Fix safety
The fix is safe for `update`, `remove`, `purge`, `autoremove`, `clean`, `autoclean`,
`source`, `build-dep`, `download` and `changelog`, which do the same with both tools. It is
unsafe for:
- `install`, `reinstall`, `upgrade`, `full-upgrade` and `satisfy`: `apt` deletes the
  downloaded `.deb` files once they are installed (`Binary::apt::APT::Keep-Downloaded-Packages`
  is false), `apt-get` keeps them in `/var/cache/apt/archives` unless the image configures
  otherwise (Debian's and Ubuntu's images do, with `docker-clean`), so the layer may grow;
  and `apt upgrade` also installs new dependencies, which `apt-get upgrade` does not;
- `search`, `show`, `showsrc`, `policy`, `depends` and `rdepends`: `apt-cache` prints
  differently (all versions for `show`, no columns for `search`), which matters when a
  script reads the output.

## References
- `apt(8)`: "SCRIPT USAGE AND DIFFERENCES FROM OTHER APT TOOLS".
- hadolint `DL3027`.
"#,
    // A fix in an `ONBUILD RUN` trigger changes the image config's `OnBuild`.
    fix_changes: &[Area::Commands, Area::Config],
};

/// DFL5041
pub struct AptInRun;

/// How `apt <subcommand>` is spelled with the stable tools: the tool, the subcommand to use
/// instead when it differs, and whether the change keeps the step's result.
fn replacement(subcommand: &str) -> Option<(&'static str, Option<&'static str>, bool)> {
    Some(match subcommand {
        "update" | "remove" | "purge" | "autoremove" | "auto-remove" | "clean" | "autoclean"
        | "auto-clean" | "source" | "build-dep" | "download" | "changelog" => {
            ("apt-get", None, true)
        }
        "install" | "reinstall" | "upgrade" | "satisfy" | "dist-upgrade" => {
            ("apt-get", None, false)
        }
        "full-upgrade" => ("apt-get", Some("dist-upgrade"), false),
        "search" | "show" | "showsrc" | "policy" | "depends" | "rdepends" => {
            ("apt-cache", None, false)
        }
        _ => return None,
    })
}

impl Rule for AptInRun {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in posix_runs(ctx, &["apt"], true) {
            for &(script, ref real) in real_commands(run) {
                let command = &real.command;
                if command.recovered || program(command) != Some("apt") {
                    continue;
                }
                let sub = subcommand(command, APT_VALUE_OPTIONS);
                let fix = sub
                    .and_then(|s| Some((s, replacement(s.value.as_deref()?)?)))
                    .filter(|_| run.can_edit(script))
                    .map(|(word, (tool, renamed, safe))| {
                        let name = &command.name;
                        let prefix = name.text.strip_suffix("apt").unwrap_or("");
                        let mut edits = vec![Edit::replace(name.range, format!("{prefix}{tool}"))];
                        if let Some(renamed) = renamed {
                            edits.push(Edit::replace(word.range, renamed));
                        }
                        let applicability = if safe {
                            Applicability::Safe
                        } else {
                            Applicability::Unsafe
                        };
                        Fix::new(format!("Use `{tool}`"), applicability, edits)
                    });
                let tool = match sub.and_then(|s| s.value.as_deref()) {
                    Some("search" | "show" | "showsrc" | "policy" | "depends" | "rdepends") => {
                        "apt-cache"
                    }
                    _ => "apt-get",
                };
                out.push(
                    META.diagnostic(command.name.range, "`apt` in a `RUN`")
                        .with_help(format!(
                            "`apt` is meant for people at a terminal and its interface may \
                             change; scripts should use `{tool}`"
                        ))
                        .with_fix(fix),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AptInRun;
    use crate::fix::Applicability;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_apt_commands() {
        for (source, expected) in [
            (
                "FROM debian\nRUN apt update && apt install -y x\n",
                vec!["apt", "apt"],
            ),
            (
                "FROM debian\nRUN sudo /usr/bin/apt list\n",
                vec!["/usr/bin/apt"],
            ),
            (
                "FROM debian\nRUN <<EOF\napt-get update\napt search x\nEOF\n",
                vec!["apt"],
            ),
            ("FROM debian\nONBUILD RUN apt update\n", vec!["apt"]),
        ] {
            let diagnostics = check(&AptInRun, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_apt_get_apt_cache_and_mentions() {
        for source in [
            "FROM debian\nRUN apt-get update && apt-cache policy x\n",
            "FROM debian\nRUN echo apt && ls /etc/apt\n",
            "FROM debian\nRUN xx-apt install x\n",
            "FROM debian\nRUN [\"apt\", \"update\"]\n",
        ] {
            assert!(check(&AptInRun, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn fix_renames_the_tool() {
        for (source, expected, applicability) in [
            (
                "FROM debian\nRUN apt update\n",
                "FROM debian\nRUN apt-get update\n",
                Applicability::Safe,
            ),
            (
                "FROM debian\nRUN sudo apt -y install x\n",
                "FROM debian\nRUN sudo apt-get -y install x\n",
                Applicability::Unsafe,
            ),
            (
                "FROM debian\nRUN /usr/bin/apt show x\n",
                "FROM debian\nRUN /usr/bin/apt-cache show x\n",
                Applicability::Unsafe,
            ),
            (
                "FROM debian\nRUN apt full-upgrade -y\n",
                "FROM debian\nRUN apt-get dist-upgrade -y\n",
                Applicability::Unsafe,
            ),
        ] {
            let diagnostics = check(&AptInRun, source);
            assert_eq!(fixed(source, &diagnostics), expected, "{source}");
            assert_eq!(
                diagnostics[0].fix.as_ref().unwrap().applicability,
                applicability
            );
            assert!(check(&AptInRun, expected).is_empty());
        }
        for source in [
            "FROM debian\nRUN apt list --installed\n",
            "FROM debian\nRUN <<EOF\napt update\nEOF\n",
        ] {
            assert!(check(&AptInRun, source)[0].fix.is_none(), "{source}");
        }
    }
}

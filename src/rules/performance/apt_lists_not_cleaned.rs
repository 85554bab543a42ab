//! DFL3002 `apt-lists-not-cleaned`: a RUN installs with apt and leaves the package lists.

use crate::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::Area;
use crate::shell::Command;
use crate::shell::packages::{
    APT_VALUE_OPTIONS, image_stages, is_apt, is_one_of, mount_covers, path_covers, program,
    real_commands, removes, subcommand, uncleaned,
};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL3002",
    name: "apt-lists-not-cleaned",
    category: RuleCategory::Performance,
    severity: Severity::Info,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DL3009", "DF004"],
    summary: "A RUN installs packages with apt and leaves the package lists in the image.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions, and the scripts they give to a shell (heredocs, quoted
`sh -c` strings), that download the package lists with `apt-get update` (or `apt`,
`aptitude`, also behind `sudo` or `env`) and then install or upgrade packages (`install`,
`reinstall`, `upgrade`, `dist-upgrade`, `full-upgrade`, `build-dep`, `satisfy`, also with
the `xx-apt-get` cross-build wrapper). It flags the first such install when no later command
of the same `RUN` removes the lists: an `rm` of `/var/lib/apt/lists/*`, of files in it or of
a directory above it (brace alternatives such as `/var/lib/{apt,dpkg}` included), or
`apt-get distclean`. A `RUN` that installs without updating is not flagged: its lists are in
an earlier layer, where removing them would not make the image smaller (see
`apt-update-alone`).

Only stages that end up in the image are checked: the target stage and the stages it is
built on (`FROM <stage>`; for `FROM base-$TARGETARCH`, every stage the name may stand for).
A builder stage whose files are only copied with `COPY --from` does not ship its package
lists. A `RUN` with a cache or tmpfs mount on `/var/lib/apt` or `/var/lib/apt/lists` keeps
them out of the layer and is not flagged either (a mount on `/var/cache/apt` alone does not:
the lists are not there).

The fix appends ` && rm -rf /var/lib/apt/lists/*` to the `RUN` (with `sudo` when an install
uses it) when its last command ends the script at the top level (after its redirections);
RUNs with heredocs are not fixed.

`RUN` triggers of `ONBUILD` are checked too, as hadolint does: a trigger runs first thing
in the build of every image built `FROM` this one, and leaves its cache in that image. A
trigger is checked when the stage that declares it ends up in the image (the trigger is then
in the image's config, or a stage of the image is built on the declaring stage and runs it),
not when a builder stage declares it. The fix edits a trigger as it edits a `RUN`.

Differences from hadolint (`DL3009`): hadolint flags the `apt-get update`; dflint flags the
install, since that is what leaves the lists behind. dflint accepts `apt-get dist-clean`
(apt 2.7 and later), which removes the lists and which hadolint does not know: this is most
of the `RUN`s flagged by hadolint only on the corpus. A `RUN` with `apt-get update` and no
install is `apt-update-alone` here. dflint follows the order of the script: lists removed
and then downloaded again by a later `apt-get update` in the same `RUN` are flagged, as is
a removal of a misspelt path (`/var/lib/apt/list/*`, `/var/lib/apt-lists/*`); hadolint
accepts both. hadolint checks the `ONBUILD` triggers of every stage; dflint only those of
stages that end up in the image.

## Why is this bad?
`apt-get update` downloads the package lists to `/var/lib/apt/lists`: tens of megabytes that
are only needed to install packages. Files removed by a later `RUN` still take space in the
earlier layer, so the lists must be removed in the `RUN` that installs.

## Example
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl
```

## Use instead
```dockerfile
FROM debian:12
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
```

## References
- Docker's best practices: `apt-get`.
- hadolint `DL3009`, which flags `apt-get update` rather than the install.
"#,
    fix_changes: &[Area::Config, Area::Commands],
};

/// DFL3002
pub struct AptListsNotCleaned;

const LISTS: &str = "/var/lib/apt/lists";

/// An apt command that installs or upgrades packages.
fn installs(command: &Command) -> bool {
    (is_apt(command) || program(command) == Some("aptitude"))
        && is_one_of(
            subcommand(command, APT_VALUE_OPTIONS),
            &[
                "install",
                "reinstall",
                "upgrade",
                "dist-upgrade",
                "full-upgrade",
                "safe-upgrade",
                "build-dep",
                "satisfy",
            ],
        )
}

/// `apt-get update`, which downloads the package lists.
fn updates(command: &Command) -> bool {
    (is_apt(command) || program(command) == Some("aptitude"))
        && is_one_of(subcommand(command, APT_VALUE_OPTIONS), &["update"])
}

/// A command that removes the package lists.
fn cleans(command: &Command) -> bool {
    removes(command, |p| path_covers(p, LISTS))
        || (is_apt(command)
            && is_one_of(
                subcommand(command, APT_VALUE_OPTIONS),
                &["distclean", "dist-clean"],
            ))
}

impl Rule for AptListsNotCleaned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let shipped = image_stages(ctx.build);
        for run in ctx.all_run_scripts(&["apt"]) {
            if !shipped.contains(&run.stage) || mount_covers(&run.cache_mounts(ctx.escape()), LISTS)
            {
                continue;
            }
            let commands = real_commands(run);
            // The lists this RUN downloads: from an update after the last removal.
            let start = commands
                .iter()
                .rposition(|(_, c)| cleans(&c.command))
                .map_or(0, |i| i + 1);
            let Some(update) = commands[start..]
                .iter()
                .position(|(_, c)| updates(&c.command))
                .map(|i| start + i)
            else {
                continue;
            };
            let Some((_, install)) = uncleaned(&commands[update..], installs, cleans) else {
                continue;
            };
            let sudo = if commands.iter().any(|(_, c)| c.sudo && installs(&c.command)) {
                "sudo "
            } else {
                ""
            };
            let fix = run.append_offset().map(|at| {
                Fix::new(
                    "Remove the apt lists at the end of the `RUN`",
                    Applicability::Safe,
                    vec![Edit::insert(
                        at,
                        format!(" && {sudo}rm -rf /var/lib/apt/lists/*"),
                    )],
                )
            });
            let name = &install.command.name;
            out.push(
                META.diagnostic(
                    name.range,
                    format!(
                        "`{}` installs packages and the apt lists are not removed in this `RUN`",
                        name.text
                    ),
                )
                .with_help(
                    "end the `RUN` with `rm -rf /var/lib/apt/lists/*`: the lists are only needed \
                     to install, and left in the layer they add tens of megabytes to the image",
                )
                .with_fix(fix),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AptListsNotCleaned;
    use crate::rules::test_support::{check, fixed, flagged};
    use crate::semantic::compare::{Area, compare};
    use crate::semantic::{BuildOptions, evaluate};
    use crate::syntax::parse;

    #[test]
    fn flags_installs_without_list_removal() {
        for (source, expected) in [
            (
                "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
                vec!["apt-get"],
            ),
            (
                "FROM debian\nRUN apt update && apt install -y curl\n",
                vec!["apt"],
            ),
            (
                "FROM debian\nRUN sudo apt-get update && sudo -E apt-get -qq install curl\n",
                vec!["apt-get"],
            ),
            (
                "FROM debian\nRUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y x\n",
                vec!["apt-get"],
            ),
            (
                "FROM debian\nRUN apt-get update && apt-get install -y a && rm -rf /var/lib/apt/lists/* \\\n && apt-get update && apt-get install -y b\n",
                vec!["apt-get"],
            ),
            (
                "FROM debian\nRUN sh -c \"apt-get update && xx-apt-get install -y gcc\"\n",
                vec!["xx-apt-get"],
            ),
            (
                "FROM debian\nRUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y x\n",
                vec!["apt-get"],
            ),
            (
                "FROM debian\nRUN <<EOF\napt-get update\napt-get install -y x\nEOF\n",
                vec!["apt-get"],
            ),
            (
                "FROM debian\nRUN bash -e <<EOF\napt-get update\napt-get upgrade -y\nEOF\n",
                vec!["apt-get"],
            ),
            (
                "FROM debian AS base\nRUN apt-get update && apt-get install -y x\nFROM base\nRUN true\n",
                vec!["apt-get"],
            ),
        ] {
            let diagnostics = check(&AptListsNotCleaned, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_removed_lists_mounts_and_builder_stages() {
        for source in [
            "FROM debian\nRUN apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*\n",
            "FROM debian\nRUN apt-get update && apt-get install -y x \\\n && apt-get clean \\\n && sudo rm -rf /var/lib/apt/lists\n",
            "FROM debian\nRUN apt-get update && apt-get install -y x && apt-get distclean\n",
            "FROM debian\nRUN apt-get update\n",
            "FROM debian\nRUN apt-get install -y x\n",
            "FROM debian\nRUN apt-get update && apt-get install -y x && rm -rf /var/lib/{apt,dpkg}\n",
            "FROM debian\nRUN apt-get update && apt-get install -y x && rm /var/lib/apt/lists/*_*\n",
            "FROM debian\nRUN sudo sh -c 'apt-get update && apt-get install -y x' && rm -rf /var/lib/apt/lists/*\n",
            "FROM debian\nRUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y x\n",
            "FROM debian AS build\nRUN apt-get update && apt-get install -y gcc\nFROM scratch\nCOPY --from=build /out /out\n",
            "FROM debian\nRUN [\"apt-get\", \"install\", \"-y\", \"x\"]\n",
            "FROM debian\nSHELL [\"pwsh\", \"-c\"]\nRUN apt-get install -y x\n",
            "FROM debian\nRUN <<EOF\napt-get update\napt-get install -y x\nrm -rf /var/lib/apt/lists/*\nEOF\n",
            "FROM debian\nRUN cat <<EOF > /x.sh\napt-get install -y x\nEOF\n",
        ] {
            assert!(check(&AptListsNotCleaned, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn fix_appends_the_removal() {
        for (source, expected) in [
            (
                "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
                "FROM debian\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
            ),
            (
                "FROM debian\nRUN apt-get update \\\n    && apt-get install -y \\\n       curl git\nCMD [\"sh\"]\n",
                "FROM debian\nRUN apt-get update \\\n    && apt-get install -y \\\n       curl git && rm -rf /var/lib/apt/lists/*\nCMD [\"sh\"]\n",
            ),
            (
                "FROM debian\nRUN sudo apt-get update && sudo apt-get install -y curl | tee log # quiet\n",
                "FROM debian\nRUN sudo apt-get update && sudo apt-get install -y curl | tee log && sudo rm -rf /var/lib/apt/lists/* # quiet\n",
            ),
            (
                "FROM debian\nRUN apt-get update -q && apt-get install -y curl >/dev/null 2>&1 # quiet\n",
                "FROM debian\nRUN apt-get update -q && apt-get install -y curl >/dev/null 2>&1 && rm -rf /var/lib/apt/lists/* # quiet\n",
            ),
            (
                "FROM debian\nRUN apt-get update && sh -c 'apt-get install -y x'\n",
                "FROM debian\nRUN apt-get update && sh -c 'apt-get install -y x' && rm -rf /var/lib/apt/lists/*\n",
            ),
            (
                "FROM debian\nRUN apt-get update && apt-get install -y curl",
                "FROM debian\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
            ),
        ] {
            let diagnostics = check(&AptListsNotCleaned, source);
            assert_eq!(fixed(source, &diagnostics), expected, "{source}");
            assert!(
                check(&AptListsNotCleaned, expected).is_empty(),
                "{expected}"
            );
        }
    }

    #[test]
    fn no_fix_where_appending_changes_the_meaning() {
        for source in [
            "FROM debian\nRUN apt-get update && apt-get install -y x &\n",
            "FROM debian\nRUN apt-get update && apt-get install -y x;\n",
            "FROM debian\nRUN (apt-get update && apt-get install -y x)\n",
            "FROM debian\nRUN apt-get update && if true; then apt-get install -y x; fi\n",
            "FROM debian\nRUN apt-get update && apt-get install -y x > \"$LOG\"\n",
            "FROM debian\nRUN <<EOF\napt-get update\napt-get install -y x\nEOF\n",
        ] {
            let diagnostics = check(&AptListsNotCleaned, source);
            assert_eq!(diagnostics.len(), 1, "{source}");
            assert!(diagnostics[0].fix.is_none(), "{source}");
        }
    }

    #[test]
    fn fixed_build_differs_only_in_commands() {
        let source = "FROM debian:12 AS base\nENV DEBIAN_FRONTEND=noninteractive\n\
                      RUN --mount=type=cache,target=/var/cache/apt apt-get update \\\n    \
                      && apt-get install -y curl\nFROM base\nCOPY . /app\nCMD [\"/app/run\"]\n";
        let out = fixed(source, &check(&AptListsNotCleaned, source));
        let (before, after) = (parse(source), parse(&out));
        assert!(after.errors().is_empty(), "{:?}", after.errors());
        let options = BuildOptions::default();
        let differences = compare(&evaluate(&before, &options), &evaluate(&after, &options));
        assert!(!differences.is_empty());
        assert!(
            differences.iter().all(|d| d.area == Area::Commands),
            "{differences:?}"
        );
    }

    #[test]
    fn onbuild_triggers_of_shipped_stages() {
        use crate::rules::test_support::fixed_by_loop;
        let source = "FROM debian:12\nONBUILD RUN apt-get update && apt-get install -y curl\n";
        assert_eq!(
            flagged(source, &check(&AptListsNotCleaned, source)),
            ["apt-get"]
        );
        assert_eq!(
            fixed_by_loop("DFL3002", source),
            "FROM debian:12\nONBUILD RUN apt-get update && apt-get install -y curl \
             && rm -rf /var/lib/apt/lists/*\n"
        );
        let source = "FROM debian:12 AS base\nONBUILD RUN apt-get update && apt-get install -y x\n\
                      FROM base\nRUN true\n";
        assert!(fixed_by_loop("DFL3002", source).contains("rm -rf /var/lib/apt/lists/*\n"));
        for source in [
            "FROM debian:12\nONBUILD RUN apt-get update && apt-get install -y curl \
             && rm -rf /var/lib/apt/lists/*\n",
            "FROM debian:12 AS build\nONBUILD RUN apt-get update && apt-get install -y gcc\n\
             FROM scratch\nCOPY --from=build /a /a\n",
            "FROM debian:12\nONBUILD RUN --mount=type=cache,target=/var/lib/apt apt-get update \
             && apt-get install -y curl\n",
        ] {
            assert!(check(&AptListsNotCleaned, source).is_empty(), "{source}");
        }
    }
}

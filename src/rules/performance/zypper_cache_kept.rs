//! DFL3009 `zypper-cache-kept`: `zypper install` without `zypper clean` leaves its cache.

use crate::Diagnostic;
use crate::Severity;
use crate::rules::cleanup::{CleanupSpec, report_uncleaned};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::Area;
use crate::shell::Command;
use crate::shell::packages::{
    ZYPPER_VALUE_OPTIONS, is_one_of, mount_covers, path_covers, program, removes, subcommand,
};

pub static META: RuleMeta = RuleMeta {
    code: "DFL3009",
    name: "zypper-cache-kept",
    category: RuleCategory::Performance,
    severity: Severity::Info,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DL3036", "DS020", "DF045"],
    summary: "A RUN installs packages with zypper and does not run `zypper clean`.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions, and the scripts they give to a shell (heredocs, quoted
`sh -c` strings), that install or update packages with `zypper` (`install`/`in`,
`update`/`up`, `dist-upgrade`/`dup`, `patch`), also behind `sudo` or `env`, and flags them
when no later command of the same `RUN` cleans the cache: `zypper clean` or `zypper cc`
(with any options), or an `rm` of `/var/cache/zypp`.

Only stages that end up in the image are checked: the target stage and the stages it is
built on (`FROM <stage>`; for `FROM base-$TARGETARCH`, every stage the name may stand for).
A builder stage whose files are only copied with `COPY --from` does not ship its cache. A
`RUN` with a cache or tmpfs mount on `/var/cache/zypp` keeps the cache out of the layer and
is not flagged either.

The fix appends ` && zypper clean` to the `RUN` (with `sudo` when an install uses it) when
its last command ends the script at the top level (after its redirections); RUNs with
heredocs are not fixed.

`RUN` triggers of `ONBUILD` are checked too, as hadolint does: a trigger runs first thing
in the build of every image built `FROM` this one, and leaves its cache in that image. A
trigger is checked when the stage that declares it ends up in the image (the trigger is then
in the image's config, or a stage of the image is built on the declaring stage and runs it),
not when a builder stage declares it. The fix edits a trigger as it edits a `RUN`.

Differences from hadolint (`DL3036`): dflint does not flag stages that do not ship, and it
accepts a removal of `/var/cache/zypp` as a cleanup. hadolint checks the `ONBUILD` triggers
of every stage; dflint only those of stages that end up in the image.

## Why is this bad?
zypper keeps the packages it downloads and the repository metadata in `/var/cache/zypp`.
Files removed by a later `RUN` still take space in the earlier layer, so the cache must be
cleaned in the `RUN` that installs.

## Example
```dockerfile
FROM opensuse/leap:15.6
RUN zypper --non-interactive install curl
```

## Use instead
```dockerfile
FROM opensuse/leap:15.6
RUN zypper --non-interactive install curl && zypper clean --all
```

## References
- `zypper(8)`: `clean`.
- hadolint `DL3036`.
"#,
    fix_changes: &[Area::Config, Area::Commands],
};

/// DFL3009
pub struct ZypperCacheKept;

const CACHE: &str = "/var/cache/zypp";

/// A zypper command that downloads packages.
fn installs(command: &Command) -> bool {
    program(command) == Some("zypper")
        && is_one_of(
            subcommand(command, ZYPPER_VALUE_OPTIONS),
            &[
                "install",
                "in",
                "update",
                "up",
                "dist-upgrade",
                "dup",
                "patch",
            ],
        )
}

/// A command that cleans the cache.
fn cleans(command: &Command) -> bool {
    removes(command, |p| path_covers(p, CACHE))
        || (program(command) == Some("zypper")
            && is_one_of(subcommand(command, ZYPPER_VALUE_OPTIONS), &["clean", "cc"]))
}

static CLEANUP: CleanupSpec = CleanupSpec {
    meta: &META,
    mentions: &["zypper"],
    installs,
    tool: |_| "zypper",
    cleanup: "clean",
    reason: "the downloaded packages are not needed once installed, and left in the layer they \
             make the image bigger",
};

impl Rule for ZypperCacheKept {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        report_uncleaned(ctx, out, &CLEANUP, |_, mounts| {
            (!mount_covers(mounts, CACHE)).then_some(cleans)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::ZypperCacheKept;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_installs_without_clean() {
        for (source, expected) in [
            (
                "FROM opensuse\nRUN zypper install -y curl\n",
                vec!["zypper"],
            ),
            (
                "FROM opensuse\nRUN zypper refresh && sudo zypper -n in curl\n",
                vec!["zypper"],
            ),
            (
                "FROM opensuse\nRUN zypper --root /x -n dup\n",
                vec!["zypper"],
            ),
            (
                "FROM opensuse\nRUN zypper clean && zypper -n in x\n",
                vec!["zypper"],
            ),
            (
                "FROM opensuse\nRUN <<EOF\nzypper -n in x\nEOF\n",
                vec!["zypper"],
            ),
        ] {
            let diagnostics = check(&ZypperCacheKept, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_cleaned_caches_mounts_and_builder_stages() {
        for source in [
            "FROM opensuse\nRUN zypper -n install curl && zypper clean\n",
            "FROM opensuse\nRUN zypper -n in curl && zypper -n clean --all\n",
            "FROM opensuse\nRUN zypper -n in curl && zypper cc -a\n",
            "FROM opensuse\nRUN zypper -n in curl && rm -rf /var/cache/zypp/*\n",
            "FROM opensuse\nRUN --mount=type=cache,target=/var/cache/zypp zypper -n in curl\n",
            "FROM opensuse AS build\nRUN zypper -n in gcc\nFROM scratch\nCOPY --from=build /x /x\n",
            "FROM opensuse\nRUN zypper -n rm curl\n",
        ] {
            assert!(check(&ZypperCacheKept, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn fix_appends_zypper_clean() {
        for (source, expected) in [
            (
                "FROM opensuse\nRUN zypper -n install curl\n",
                "FROM opensuse\nRUN zypper -n install curl && zypper clean\n",
            ),
            (
                "FROM opensuse\nRUN zypper ref \\\n && zypper -n in \\\n      curl\n",
                "FROM opensuse\nRUN zypper ref \\\n && zypper -n in \\\n      curl && zypper clean\n",
            ),
        ] {
            let diagnostics = check(&ZypperCacheKept, source);
            assert_eq!(fixed(source, &diagnostics), expected, "{source}");
            assert!(check(&ZypperCacheKept, expected).is_empty());
        }
        let source = "FROM opensuse\nRUN zypper -n in curl || true;\n";
        assert!(check(&ZypperCacheKept, source)[0].fix.is_none());
    }

    #[test]
    fn onbuild_triggers_of_shipped_stages() {
        use crate::rules::test_support::fixed_by_loop;
        let source = "FROM opensuse/leap:15\nONBUILD RUN zypper install -y curl\n";
        assert_eq!(check(&ZypperCacheKept, source).len(), 1);
        assert_eq!(
            fixed_by_loop("DFL3009", source),
            "FROM opensuse/leap:15\nONBUILD RUN zypper install -y curl && zypper clean\n"
        );
        let source = "FROM opensuse/leap:15 AS base\nONBUILD RUN zypper install -y curl\nFROM base\nRUN true\n";
        assert_eq!(check(&ZypperCacheKept, source).len(), 1);
        for source in [
            "FROM opensuse/leap:15\nONBUILD RUN zypper install -y curl && zypper clean\n",
            "FROM opensuse/leap:15 AS build\nONBUILD RUN zypper install -y curl\nFROM scratch\nCOPY --from=build /a /a\n",
        ] {
            assert!(check(&ZypperCacheKept, source).is_empty(), "{source}");
        }
    }
}

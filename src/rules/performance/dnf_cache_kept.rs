//! DFL3010 `dnf-cache-kept`: `dnf install` without `dnf clean all` leaves its cache.

use crate::Diagnostic;
use crate::Severity;
use crate::rules::cleanup::{CleanupSpec, report_uncleaned};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::Area;
use crate::shell::Command;
use crate::shell::packages::{
    RPM_VALUE_OPTIONS, is_one_of, mount_covers, path_covers, program, removes, second_subcommand,
    subcommand,
};

pub static META: RuleMeta = RuleMeta {
    code: "DFL3010",
    name: "dnf-cache-kept",
    category: RuleCategory::Performance,
    severity: Severity::Info,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DL3040", "DS019", "DS027", "DF046"],
    summary: "A RUN installs packages with dnf or microdnf and does not run `dnf clean all`.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions, and the scripts they give to a shell (heredocs, quoted
`sh -c` strings), that install or update packages with `dnf`, `dnf5` or `microdnf`
(`install`, `groupinstall`, `localinstall`, `reinstall`, `update`, `upgrade`, `distro-sync`,
`group install`, `module install`), also behind `sudo` or `env`, and flags them when no
later command of the same `RUN` cleans the cache: `dnf clean all` (or `microdnf`, `dnf5`,
`yum`), or an `rm` of `/var/cache/dnf`, `/var/cache/yum` or `/var/cache/libdnf5`.

Only stages that end up in the image are checked: the target stage and the stages it is
built on (`FROM <stage>`; for `FROM base-$TARGETARCH`, every stage the name may stand for).
A builder stage whose files are only copied with `COPY --from` does not ship its cache. A
`RUN` with a cache or tmpfs mount on one of these directories keeps the cache out of the
layer and is not flagged either.

The fix appends ` && dnf clean all` to the `RUN` (`microdnf clean all`, `dnf5 clean all`:
the same tool as the install, with `sudo` when an install uses it) when its last command
ends the script at the top level (after its redirections); RUNs with heredocs are not fixed.

`RUN` triggers of `ONBUILD` are checked too, as hadolint does: a trigger runs first thing
in the build of every image built `FROM` this one, and leaves its cache in that image. A
trigger is checked when the stage that declares it ends up in the image (the trigger is then
in the image's config, or a stage of the image is built on the declaring stage and runs it),
not when a builder stage declares it. The fix edits a trigger as it edits a `RUN`.

Differences from hadolint (`DL3040`): dflint does not flag stages that do not ship (a
builder stage running `dnf install -y tar`, for example). It checks `microdnf install` the
same way as `dnf install`, where hadolint 2.15.1 misses `microdnf install` without a
cleanup; and it accepts `microdnf clean all`, after which hadolint still reports some long
scripts. hadolint checks the `ONBUILD` triggers of every stage; dflint only those of stages
that end up in the image.

## Why is this bad?
dnf keeps the repository metadata and the packages it downloads in `/var/cache/dnf`
(`/var/cache/yum` for microdnf, `/var/cache/libdnf5` for dnf5): often a hundred megabytes or
more. Files removed by a later `RUN` still take space in the earlier layer, so the cache
must be cleaned in the `RUN` that installs.

## Example
```dockerfile
FROM fedora:40
RUN dnf install -y httpd
```

## Use instead
```dockerfile
FROM fedora:40
RUN dnf install -y httpd && dnf clean all
```

## References
- hadolint `DL3040`.
"#,
    fix_changes: &[Area::Config, Area::Commands],
};

/// DFL3010
pub struct DnfCacheKept;

const CACHES: &[&str] = &["/var/cache/dnf", "/var/cache/yum", "/var/cache/libdnf5"];

fn is_dnf(command: &Command) -> bool {
    matches!(program(command), Some("dnf" | "dnf5" | "microdnf"))
}

/// A dnf command that downloads packages.
fn installs(command: &Command) -> bool {
    if !is_dnf(command) {
        return false;
    }
    let first = subcommand(command, RPM_VALUE_OPTIONS);
    is_one_of(
        first,
        &[
            "install",
            "in",
            "groupinstall",
            "localinstall",
            "reinstall",
            "update",
            "upgrade",
            "up",
            "distro-sync",
        ],
    ) || (is_one_of(first, &["group", "groups", "module"])
        && is_one_of(
            second_subcommand(command, RPM_VALUE_OPTIONS),
            &["install", "update", "upgrade"],
        ))
}

/// A command that cleans the cache.
fn cleans(command: &Command) -> bool {
    removes(command, |p| CACHES.iter().any(|c| path_covers(p, c)))
        || ((is_dnf(command) || program(command) == Some("yum"))
            && is_one_of(subcommand(command, RPM_VALUE_OPTIONS), &["clean"])
            && command.args.iter().any(|a| a.is("all")))
}

static CLEANUP: CleanupSpec = CleanupSpec {
    meta: &META,
    mentions: &["dnf"],
    installs,
    // The same tool as the install: `dnf`, `dnf5` or `microdnf`.
    tool: |install| program(install).unwrap_or("dnf"),
    cleanup: "clean all",
    reason: "the cached metadata and packages are not needed once installed, and left in the \
             layer they make the image bigger",
};

impl Rule for DnfCacheKept {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        report_uncleaned(ctx, out, &CLEANUP, |_, mounts| {
            (!CACHES.iter().any(|c| mount_covers(mounts, c))).then_some(cleans)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::DnfCacheKept;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_installs_without_clean() {
        for (source, expected) in [
            ("FROM fedora\nRUN dnf install -y httpd\n", vec!["dnf"]),
            (
                "FROM ubi9\nRUN microdnf -y update && sudo microdnf install -y x\n",
                vec!["microdnf"],
            ),
            (
                "FROM fedora\nRUN dnf clean all && dnf --setopt install_weak_deps=0 install -y x\n",
                vec!["dnf"],
            ),
            (
                "FROM fedora\nRUN dnf -y module install nodejs:20\n",
                vec!["dnf"],
            ),
            (
                "FROM fedora\nRUN dnf5 install -y x && dnf5 clean metadata\n",
                vec!["dnf5"],
            ),
            (
                "FROM fedora\nRUN bash <<EOF\ndnf install -y x\nEOF\n",
                vec!["dnf"],
            ),
        ] {
            let diagnostics = check(&DnfCacheKept, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_cleaned_caches_mounts_and_builder_stages() {
        for source in [
            "FROM fedora\nRUN dnf install -y x && dnf clean all\n",
            "FROM fedora\nRUN q=-q && dnf install -y $q x && dnf clean $q all\n",
            "FROM ubi9\nRUN microdnf install -y x && microdnf clean all\n",
            "FROM fedora\nRUN dnf install -y x && sudo rm -rf /var/cache/dnf/*\n",
            "FROM fedora\nRUN dnf5 install -y x && rm -rf /var/cache/libdnf5\n",
            "FROM fedora\nRUN --mount=type=cache,target=/var/cache/dnf dnf install -y x\n",
            "FROM fedora\nRUN --mount=type=tmpfs,target=/var/cache/libdnf5 dnf5 install -y x\n",
            "FROM fedora AS build\nRUN dnf install -y gcc\nFROM scratch\nCOPY --from=build /x /x\n",
            "FROM fedora\nRUN dnf remove -y x\n",
            "FROM fedora\nRUN [\"dnf\", \"install\", \"-y\", \"x\"]\n",
        ] {
            assert!(check(&DnfCacheKept, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn fix_appends_clean_all_with_the_same_tool() {
        for (source, expected) in [
            (
                "FROM fedora\nRUN dnf install -y httpd\n",
                "FROM fedora\nRUN dnf install -y httpd && dnf clean all\n",
            ),
            (
                "FROM ubi9\nRUN microdnf install -y \\\n      httpd \\\n && microdnf update -y\nUSER 1001\n",
                "FROM ubi9\nRUN microdnf install -y \\\n      httpd \\\n && microdnf update -y && microdnf clean all\nUSER 1001\n",
            ),
        ] {
            let diagnostics = check(&DnfCacheKept, source);
            assert_eq!(fixed(source, &diagnostics), expected, "{source}");
            assert!(check(&DnfCacheKept, expected).is_empty());
        }
        for source in [
            "FROM fedora\nRUN { dnf install -y x; }\n",
            "FROM fedora\nRUN <<EOF\ndnf install -y x\nEOF\n",
        ] {
            assert!(check(&DnfCacheKept, source)[0].fix.is_none(), "{source}");
        }
    }

    #[test]
    fn onbuild_triggers_of_shipped_stages() {
        use crate::rules::test_support::fixed_by_loop;
        let source = "FROM fedora:40\nONBUILD RUN dnf install -y httpd\n";
        assert_eq!(check(&DnfCacheKept, source).len(), 1);
        assert_eq!(
            fixed_by_loop("DFL3010", source),
            "FROM fedora:40\nONBUILD RUN dnf install -y httpd && dnf clean all\n"
        );
        let source =
            "FROM fedora:40 AS base\nONBUILD RUN dnf install -y httpd\nFROM base\nRUN true\n";
        assert_eq!(check(&DnfCacheKept, source).len(), 1);
        for source in [
            "FROM fedora:40\nONBUILD RUN dnf install -y httpd && dnf clean all\n",
            "FROM fedora:40 AS build\nONBUILD RUN dnf install -y httpd\nFROM scratch\nCOPY --from=build /a /a\n",
        ] {
            assert!(check(&DnfCacheKept, source).is_empty(), "{source}");
        }
    }
}

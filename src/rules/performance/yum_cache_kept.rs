//! DFL3008 `yum-cache-kept`: `yum install` without `yum clean all` leaves its cache.

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
    code: "DFL3008",
    name: "yum-cache-kept",
    category: RuleCategory::Performance,
    severity: Severity::Info,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DL3032", "DS015", "DF047"],
    summary: "A RUN installs packages with yum and does not run `yum clean all`.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions, and the scripts they give to a shell (heredocs, quoted
`sh -c` strings), that install or update packages with `yum` (`install`, `groupinstall`,
`localinstall`, `reinstall`, `update`, `upgrade`, `group install`), also behind `sudo` or
`env`, and flags them when no later command of the same `RUN` cleans the cache: `yum clean
all` (or `dnf clean all`), or an `rm` of `/var/cache/yum` (or `/var/cache/dnf`, where yum is
dnf).

Only stages that end up in the image are checked: the target stage and the stages it is
built on (`FROM <stage>`; for `FROM base-$TARGETARCH`, every stage the name may stand for).
A builder stage whose files are only copied with `COPY --from` does not ship its cache. A
`RUN` with a cache or tmpfs mount on `/var/cache/yum` or `/var/cache/dnf` keeps the cache
out of the layer and is not flagged either.

The fix appends ` && yum clean all` to the `RUN` (with `sudo` when an install uses it) when
its last command ends the script at the top level (after its redirections); RUNs with
heredocs are not fixed.

`RUN` triggers of `ONBUILD` are checked too, as hadolint does: a trigger runs first thing
in the build of every image built `FROM` this one, and leaves its cache in that image. A
trigger is checked when the stage that declares it ends up in the image (the trigger is then
in the image's config, or a stage of the image is built on the declaring stage and runs it),
not when a builder stage declares it. The fix edits a trigger as it edits a `RUN`.

Differences from hadolint (`DL3032`): dflint does not flag stages that do not ship (the
corpus findings of hadolint only), and it flags `yum install` in `RUN`s whose removals do
not cover `/var/cache/yum`, which hadolint accepts when any `rm -rf` follows (`rm -rf
/tmp/*`). hadolint checks the `ONBUILD` triggers of every stage; dflint only those of
stages that end up in the image.

## Why is this bad?
yum keeps the repository metadata and the packages it downloads in `/var/cache/yum`: often a
hundred megabytes or more. Files removed by a later `RUN` still take space in the earlier
layer, so the cache must be cleaned in the `RUN` that installs.

## Example
```dockerfile
FROM centos:7
RUN yum install -y httpd
```

## Use instead
```dockerfile
FROM centos:7
RUN yum install -y httpd && yum clean all
```

## References
- hadolint `DL3032`.
"#,
    fix_changes: &[Area::Config, Area::Commands],
};

/// DFL3008
pub struct YumCacheKept;

const CACHES: &[&str] = &["/var/cache/yum", "/var/cache/dnf"];

/// A yum command that downloads packages.
fn installs(command: &Command) -> bool {
    if program(command) != Some("yum") {
        return false;
    }
    let first = subcommand(command, RPM_VALUE_OPTIONS);
    is_one_of(
        first,
        &[
            "install",
            "groupinstall",
            "localinstall",
            "reinstall",
            "update",
            "upgrade",
        ],
    ) || (is_one_of(first, &["group", "groups"])
        && is_one_of(
            second_subcommand(command, RPM_VALUE_OPTIONS),
            &["install", "update", "upgrade"],
        ))
}

/// A command that cleans the cache.
fn cleans(command: &Command) -> bool {
    removes(command, |p| CACHES.iter().any(|c| path_covers(p, c)))
        || (matches!(program(command), Some("yum" | "dnf"))
            && is_one_of(subcommand(command, RPM_VALUE_OPTIONS), &["clean"])
            && command.args.iter().any(|a| a.is("all")))
}

static CLEANUP: CleanupSpec = CleanupSpec {
    meta: &META,
    mentions: &["yum"],
    installs,
    tool: |_| "yum",
    cleanup: "clean all",
    reason: "the cached metadata and packages are not needed once installed, and left in the \
             layer they make the image bigger",
};

impl Rule for YumCacheKept {
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
    use super::YumCacheKept;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_installs_without_clean() {
        for (source, expected) in [
            ("FROM centos\nRUN yum install -y httpd\n", vec!["yum"]),
            (
                "FROM centos\nRUN yum -y update && sudo yum --enablerepo epel install -y x\n",
                vec!["yum"],
            ),
            (
                "FROM centos\nRUN yum clean all && yum install -y x\n",
                vec!["yum"],
            ),
            (
                "FROM centos\nRUN yum -y group install 'Development Tools'\n",
                vec!["yum"],
            ),
            (
                "FROM centos\nRUN yum install -y x && yum clean packages\n",
                vec!["yum"],
            ),
            (
                "FROM centos\nRUN <<EOF\nyum install -y x\nEOF\n",
                vec!["yum"],
            ),
        ] {
            let diagnostics = check(&YumCacheKept, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_cleaned_caches_mounts_and_builder_stages() {
        for source in [
            "FROM centos\nRUN yum install -y x && yum clean all\n",
            "FROM centos\nRUN yum install -y x && sudo yum -q clean all\n",
            "FROM centos\nRUN yum install -y x && rm -rf /var/cache/yum\n",
            "FROM centos\nRUN yum install -y x && dnf clean all\n",
            "FROM centos\nRUN --mount=type=cache,target=/var/cache/yum yum install -y x\n",
            "FROM centos AS build\nRUN yum install -y gcc\nFROM scratch\nCOPY --from=build /x /x\n",
            "FROM centos\nRUN yum remove -y x\n",
            "FROM centos\nRUN bash <<EOF\nyum install -y x\nyum clean all\nEOF\n",
        ] {
            assert!(check(&YumCacheKept, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn fix_appends_yum_clean_all() {
        for (source, expected) in [
            (
                "FROM centos\nRUN yum install -y httpd\n",
                "FROM centos\nRUN yum install -y httpd && yum clean all\n",
            ),
            (
                "FROM centos\nRUN yum -y update \\\n && sudo yum install -y \\\n      httpd\nEXPOSE 80\n",
                "FROM centos\nRUN yum -y update \\\n && sudo yum install -y \\\n      httpd && sudo yum clean all\nEXPOSE 80\n",
            ),
        ] {
            let diagnostics = check(&YumCacheKept, source);
            assert_eq!(fixed(source, &diagnostics), expected, "{source}");
            assert!(check(&YumCacheKept, expected).is_empty());
        }
        for source in [
            "FROM centos\nRUN yum install -y x &\n",
            "FROM centos\nRUN <<EOF\nyum install -y x\nEOF\n",
        ] {
            assert!(check(&YumCacheKept, source)[0].fix.is_none(), "{source}");
        }
    }

    #[test]
    fn onbuild_triggers_of_shipped_stages() {
        use crate::rules::test_support::fixed_by_loop;
        let source = "FROM centos:7\nONBUILD RUN yum install -y httpd\n";
        assert_eq!(check(&YumCacheKept, source).len(), 1);
        assert_eq!(
            fixed_by_loop("DFL3008", source),
            "FROM centos:7\nONBUILD RUN yum install -y httpd && yum clean all\n"
        );
        let source =
            "FROM centos:7 AS base\nONBUILD RUN yum install -y httpd\nFROM base\nRUN true\n";
        assert_eq!(check(&YumCacheKept, source).len(), 1);
        for source in [
            "FROM centos:7\nONBUILD RUN yum install -y httpd && yum clean all\n",
            "FROM centos:7 AS build\nONBUILD RUN yum install -y httpd\nFROM scratch\nCOPY --from=build /a /a\n",
        ] {
            assert!(check(&YumCacheKept, source).is_empty(), "{source}");
        }
    }
}

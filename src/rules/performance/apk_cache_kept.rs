//! DFL3006 `apk-cache-kept`: `apk add` without `--no-cache` leaves its cache in the image.

use crate::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::Area;
use crate::shell::packages::{
    APK_VALUE_OPTIONS, image_stages, is_one_of, mount_covers, path_covers, program, real_commands,
    removes, subcommand,
};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL3006",
    name: "apk-cache-kept",
    category: RuleCategory::Performance,
    severity: Severity::Info,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DL3019", "DS025", "DF029"],
    summary: "`apk add` runs without `--no-cache` and leaves the package index in the image.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions, and the scripts they give to a shell (heredocs, quoted
`sh -c` strings), for `apk add`, also behind `sudo`, `env` or `xargs`, without `--no-cache`
(before or after `add`) or `--no-network` (which downloads nothing). It is not flagged when
a later command of the same `RUN` removes `/var/cache/apk` (`rm -rf /var/cache/apk/*`), or
when the `RUN` has a cache or tmpfs mount on `/var/cache/apk` or `/etc/apk/cache`.

Only stages that end up in the image are checked: the target stage and the stages it is
built on (`FROM <stage>`; for `FROM base-$TARGETARCH`, every stage the name may stand for).
A builder stage whose files are only copied with `COPY --from` does not ship its cache.

The fix inserts ` --no-cache` after `add`; commands in heredocs and `sh -c` strings are not
fixed.

`RUN` triggers of `ONBUILD` are checked too, as hadolint does: a trigger runs first thing
in the build of every image built `FROM` this one, and leaves its cache in that image. A
trigger is checked when the stage that declares it ends up in the image (the trigger is then
in the image's config, or a stage of the image is built on the declaring stage and runs it),
not when a builder stage declares it. The fix edits a trigger as it edits a `RUN`.

Differences from hadolint (`DL3019`): hadolint flags every `apk add` without `--no-cache`.
dflint does not flag stages that do not ship (a builder stage whose files are copied out),
a `RUN` that removes `/var/cache/apk` afterwards, or `--no-network`; these three cases are
all the corpus findings of hadolint that dflint does not repeat. hadolint checks the
`ONBUILD` triggers of every stage; dflint only those of stages that end up in the image.

## Why is this bad?
Without `--no-cache`, `apk` keeps the package index it downloads (and with a configured
cache, the packages) under `/var/cache/apk`: megabytes in an image whose point is often to
be small, and an index that goes stale.

## Example
```dockerfile
FROM alpine:3.20
RUN apk add --update curl
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl
```

## References
- Alpine wiki: Alpine Package Keeper, `--no-cache`.
- hadolint `DL3019`.
"#,
    fix_changes: &[Area::Config, Area::Commands],
};

/// DFL3006
pub struct ApkCacheKept;

const CACHE: &str = "/var/cache/apk";

impl Rule for ApkCacheKept {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let shipped = image_stages(ctx.build);
        for run in ctx.all_run_scripts(&["apk"]) {
            if !shipped.contains(&run.stage) {
                continue;
            }
            let mounts = run.cache_mounts(ctx.escape());
            if mount_covers(&mounts, CACHE) || mount_covers(&mounts, "/etc/apk/cache") {
                continue;
            }
            let commands = real_commands(run);
            for (i, (script, real)) in commands.iter().enumerate() {
                let command = &real.command;
                if command.recovered
                    || program(command) != Some("apk")
                    || command.has_flag(None, Some("no-cache"))
                    || command.has_flag(None, Some("no-network"))
                {
                    continue;
                }
                let Some(add) =
                    subcommand(command, APK_VALUE_OPTIONS).filter(|s| is_one_of(Some(s), &["add"]))
                else {
                    continue;
                };
                let cleaned = commands[i + 1..]
                    .iter()
                    .any(|(_, c)| removes(&c.command, |p| path_covers(p, CACHE)));
                if cleaned {
                    continue;
                }
                let fix = run.can_edit(*script).then(|| {
                    Fix::new(
                        "Add `--no-cache` to `apk add`",
                        Applicability::Safe,
                        vec![Edit::insert(add.range.end, " --no-cache")],
                    )
                });
                out.push(
                    META.diagnostic(add.range, "`apk add` without `--no-cache` keeps its cache")
                        .with_help(
                            "add `--no-cache`: apk then fetches a fresh index and leaves nothing \
                             in `/var/cache/apk`, which would only make the image bigger",
                        )
                        .with_fix(fix),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ApkCacheKept;
    use crate::rules::test_support::{check, fixed, flagged};
    use crate::semantic::compare::{Area, compare};
    use crate::semantic::{BuildOptions, evaluate};
    use crate::syntax::parse;

    #[test]
    fn flags_apk_add_without_no_cache() {
        for (source, expected) in [
            ("FROM alpine\nRUN apk add curl\n", vec!["add"]),
            (
                "FROM alpine\nRUN apk update && sudo apk -U add x && apk add --no-cache y\n",
                vec!["add"],
            ),
            (
                "FROM alpine\nRUN apk --repository http://x/edge add a && apk add --virtual .d b\n",
                vec!["add", "add"],
            ),
            (
                "FROM alpine\nRUN rm -rf /var/cache/apk/* && apk add x\n",
                vec!["add"],
            ),
            (
                "FROM alpine\nRUN --mount=type=cache,target=/root/.cache apk add x\n",
                vec!["add"],
            ),
            (
                "FROM alpine\nRUN <<EOF\napk update\napk add x\nEOF\n",
                vec!["add"],
            ),
            (
                "FROM alpine AS base\nRUN apk add x\nFROM base AS final\nRUN true\n",
                vec!["add"],
            ),
        ] {
            let diagnostics = check(&ApkCacheKept, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_no_cache_cleanup_mounts_and_builder_stages() {
        for source in [
            "FROM alpine\nRUN apk add --no-cache curl\n",
            "FROM alpine\nRUN apk --no-cache add curl\n",
            "FROM alpine\nRUN sudo apk add --no-cache --virtual .deps gcc\n",
            "FROM alpine\nRUN apk add curl && rm -rf /var/cache/apk/*\n",
            "FROM alpine\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n",
            "FROM alpine\nRUN --mount=type=cache,target=/etc/apk/cache apk add curl\n",
            "FROM alpine AS build\nRUN apk add gcc\nFROM scratch\nCOPY --from=build /out /out\n",
            "FROM alpine\nRUN apk del curl\n",
            "FROM alpine\nRUN echo so:libc.so | xargs -rt apk add --no-network --virtual .rundeps\n",
            "FROM alpine\nRUN [\"apk\", \"add\", \"curl\"]\n",
            "FROM alpine\nRUN cat <<EOF > /x\napk add curl\nEOF\n",
        ] {
            assert!(check(&ApkCacheKept, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn fix_adds_no_cache_after_add() {
        for (source, expected) in [
            (
                "FROM alpine\nRUN apk add curl\n",
                "FROM alpine\nRUN apk add --no-cache curl\n",
            ),
            (
                "FROM alpine\nRUN apk update \\\n && apk add \\\n      curl git\n",
                "FROM alpine\nRUN apk update \\\n && apk add --no-cache \\\n      curl git\n",
            ),
            (
                "FROM alpine\nRUN sudo apk -U add x",
                "FROM alpine\nRUN sudo apk -U add --no-cache x",
            ),
        ] {
            let diagnostics = check(&ApkCacheKept, source);
            assert_eq!(fixed(source, &diagnostics), expected, "{source}");
            assert!(check(&ApkCacheKept, expected).is_empty());
        }
        let source = "FROM alpine\nRUN <<EOF\napk add x\nEOF\n";
        assert!(check(&ApkCacheKept, source)[0].fix.is_none());
    }

    #[test]
    fn fixed_build_differs_only_in_commands() {
        let source = "FROM alpine:3.20 AS base\nARG V=1\nRUN apk add --virtual .deps \\\n    gcc \\\n    musl-dev\nFROM base\nUSER app\nCMD [\"app\"]\n";
        let out = fixed(source, &check(&ApkCacheKept, source));
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
        let source = "FROM alpine:3.20\nONBUILD RUN apk add curl\n";
        let diagnostics = check(&ApkCacheKept, source);
        assert_eq!(flagged(source, &diagnostics), ["add"]);
        let out = fixed_by_loop("DFL3006", source);
        assert_eq!(
            out,
            "FROM alpine:3.20\nONBUILD RUN apk add --no-cache curl\n"
        );
        // The trigger is in the image config of the target stage.
        let options = BuildOptions::default();
        let differences = compare(
            &evaluate(&parse(source), &options),
            &evaluate(&parse(&out), &options),
        );
        assert!(
            differences.iter().all(|d| d.area == Area::Config) && !differences.is_empty(),
            "{differences:?}"
        );
        // A stage built on the declaring one runs the trigger.
        let source = "FROM alpine:3.20 AS base\nONBUILD RUN apk add curl\nFROM base\nRUN true\n";
        assert_eq!(flagged(source, &check(&ApkCacheKept, source)), ["add"]);
        assert!(fixed_by_loop("DFL3006", source).contains("apk add --no-cache curl"));
        for source in [
            "FROM alpine:3.20\nONBUILD RUN apk add --no-cache curl\n",
            "FROM alpine:3.20\nONBUILD RUN --mount=type=cache,target=/var/cache/apk apk add curl\n",
            "FROM alpine:3.20 AS build\nONBUILD RUN apk add gcc\nFROM scratch\nCOPY --from=build /a /a\n",
            "FROM alpine:3.20\nONBUILD RUN [\"apk\", \"add\", \"curl\"]\n",
        ] {
            assert!(check(&ApkCacheKept, source).is_empty(), "{source}");
        }
    }
}

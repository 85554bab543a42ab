//! DFL3011 `yarn-cache-kept`: `yarn install` without `yarn cache clean` leaves its cache.

use crate::Diagnostic;
use crate::Severity;
use crate::rules::cleanup::{CleanupSpec, report_uncleaned};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::Area;
use crate::shell::Command;
use crate::shell::packages::{
    YARN_VALUE_OPTIONS, is_one_of, mount_covers, path_covers, program, removes, second_subcommand,
    subcommand,
};

pub static META: RuleMeta = RuleMeta {
    code: "DFL3011",
    name: "yarn-cache-kept",
    category: RuleCategory::Performance,
    severity: Severity::Info,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DL3060", "DF055"],
    summary: "A RUN runs `yarn install` and does not run `yarn cache clean`.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions, and the scripts they give to a shell (heredocs, quoted
`sh -c` strings), for `yarn install` or a bare `yarn` (which installs, unless given
`--version` or `--help`), also behind `sudo` or `env`, and flags them when no later command
of the same `RUN` runs `yarn cache clean` or removes the cache directory (an `rm` of
`/usr/local/share/.cache/yarn`, of a path ending in `.cache/yarn`, or of
`YARN_CACHE_FOLDER`).

Only stages that end up in the image are checked: the target stage and the stages it is
built on (`FROM <stage>`; for `FROM base-$TARGETARCH`, every stage the name may stand for).
A builder stage whose files are only copied with `COPY --from` does not ship its cache. A
`RUN` with a cache or tmpfs mount on `/usr/local/share/.cache/yarn`, on a directory ending
in `.cache/yarn`, or on `YARN_CACHE_FOLDER` keeps the cache out of the layer and is not
flagged either.

The fix appends ` && yarn cache clean` to the `RUN` (with `sudo` when an install uses it)
when its last command ends the script at the top level (after its redirections); RUNs with
heredocs are not fixed.

`RUN` triggers of `ONBUILD` are checked too, as hadolint does: a trigger runs first thing
in the build of every image built `FROM` this one, and leaves its cache in that image. A
trigger is checked when the stage that declares it ends up in the image (the trigger is then
in the image's config, or a stage of the image is built on the declaring stage and runs it),
not when a builder stage declares it. The fix edits a trigger as it edits a `RUN`.

For a trigger, `YARN_CACHE_FOLDER` is read from the `ENV`s of the declaring stage, all of
them (the child image starts with them, even those set after the `ONBUILD`).

Differences from hadolint (`DL3060`): dflint does not flag stages that do not ship, and it
accepts a removal of the yarn cache directory as a cleanup. hadolint checks the `ONBUILD`
triggers of every stage; dflint only those of stages that end up in the image.

## Why is this bad?
yarn keeps a copy of every package it downloads in its global cache, next to the copy in
`node_modules`: the cache can be as big as the dependencies themselves, and an image
installs them once.

## Example
```dockerfile
FROM node:22
WORKDIR /app
COPY package.json yarn.lock ./
RUN yarn install --frozen-lockfile
```

## Use instead
```dockerfile
FROM node:22
WORKDIR /app
COPY package.json yarn.lock ./
RUN yarn install --frozen-lockfile && yarn cache clean
```

## References
- Yarn documentation: `yarn cache clean`.
- hadolint `DL3060`.
"#,
    fix_changes: &[Area::Config, Area::Commands],
};

/// DFL3011
pub struct YarnCacheKept;

const CACHE: &str = "/usr/local/share/.cache/yarn";

/// `yarn install`, or `yarn` with options only.
fn installs(command: &Command) -> bool {
    program(command) == Some("yarn")
        && match subcommand(command, YARN_VALUE_OPTIONS) {
            // Bare `yarn` installs, unless it only prints something.
            None => !command.args.iter().any(|a| {
                a.value
                    .as_deref()
                    .is_some_and(|v| matches!(v, "-v" | "--version" | "-h" | "--help"))
            }),
            Some(sub) => is_one_of(Some(sub), &["install"]),
        }
}

/// Whether a path removes yarn's cache (`cache_dir`: `YARN_CACHE_FOLDER`).
fn removes_cache(path: &str, cache_dir: Option<&str>) -> bool {
    path_covers(path, CACHE)
        || path
            .trim_end_matches('*')
            .trim_end_matches('/')
            .ends_with(".cache/yarn")
        || cache_dir.is_some_and(|d| path_covers(path, d))
}

static CLEANUP: CleanupSpec = CleanupSpec {
    meta: &META,
    mentions: &["yarn"],
    installs,
    tool: |_| "yarn",
    cleanup: "cache clean",
    reason: "the cached packages duplicate `node_modules` and only make the image bigger",
};

impl Rule for YarnCacheKept {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        report_uncleaned(ctx, out, &CLEANUP, |run, mounts| {
            let cache_dir = run.env_in(ctx.build, "YARN_CACHE_FOLDER").flatten();
            if mount_covers(mounts, CACHE)
                || mounts.iter().any(|t| t.ends_with(".cache/yarn"))
                || cache_dir
                    .as_deref()
                    .is_some_and(|d| mount_covers(mounts, d))
            {
                return None;
            }
            Some(move |command: &Command| {
                removes(command, |p| removes_cache(p, cache_dir.as_deref()))
                    || (program(command) == Some("yarn")
                        && is_one_of(subcommand(command, YARN_VALUE_OPTIONS), &["cache"])
                        && is_one_of(second_subcommand(command, YARN_VALUE_OPTIONS), &["clean"]))
            })
        });
    }
}

#[cfg(test)]
mod tests {
    use super::YarnCacheKept;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_installs_without_clean() {
        for (source, expected) in [
            ("FROM node\nRUN yarn install\n", vec!["yarn"]),
            ("FROM node\nRUN yarn --frozen-lockfile\n", vec!["yarn"]),
            (
                "FROM node\nRUN sudo yarn --cwd /app install && yarn build\n",
                vec!["yarn"],
            ),
            ("FROM node\nRUN yarn cache clean && yarn\n", vec!["yarn"]),
            (
                "FROM node\nRUN --mount=type=cache,target=/root/.npm yarn\n",
                vec!["yarn"],
            ),
            ("FROM node\nRUN sh <<EOF\nyarn install\nEOF\n", vec!["yarn"]),
        ] {
            let diagnostics = check(&YarnCacheKept, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_cleaned_caches_mounts_and_builder_stages() {
        for source in [
            "FROM node\nRUN yarn install && yarn cache clean\n",
            "FROM node\nRUN yarn && yarn build && yarn cache clean --force\n",
            "FROM node\nRUN yarn && rm -rf /usr/local/share/.cache/yarn/*\n",
            "FROM node\nENV YARN_CACHE_FOLDER=/yc\nRUN yarn && rm -rf /yc\n",
            "FROM node\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install\n",
            "FROM node\nRUN --mount=type=cache,target=/home/node/.cache/yarn yarn install\n",
            "FROM node AS build\nRUN yarn install && yarn build\nFROM nginx\nCOPY --from=build /app/dist /usr/share/nginx/html\n",
            "FROM node\nRUN yarn build\n",
            "FROM node\nRUN npm install -g yarn && yarn --version\n",
            "FROM node\nRUN yarn add react\n",
        ] {
            assert!(check(&YarnCacheKept, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn fix_appends_yarn_cache_clean() {
        for (source, expected) in [
            (
                "FROM node\nRUN yarn install --frozen-lockfile\n",
                "FROM node\nRUN yarn install --frozen-lockfile && yarn cache clean\n",
            ),
            (
                "FROM node\nRUN yarn install \\\n      --frozen-lockfile \\\n && yarn build\nCMD [\"node\", \"app\"]\n",
                "FROM node\nRUN yarn install \\\n      --frozen-lockfile \\\n && yarn build && yarn cache clean\nCMD [\"node\", \"app\"]\n",
            ),
        ] {
            let diagnostics = check(&YarnCacheKept, source);
            assert_eq!(fixed(source, &diagnostics), expected, "{source}");
            assert!(check(&YarnCacheKept, expected).is_empty());
        }
        let source = "FROM node\nRUN yarn install | tee log &\n";
        assert!(check(&YarnCacheKept, source)[0].fix.is_none());
    }

    #[test]
    fn onbuild_triggers_of_shipped_stages() {
        use crate::rules::test_support::fixed_by_loop;
        let source = "FROM node:20\nONBUILD RUN yarn install\n";
        assert_eq!(check(&YarnCacheKept, source).len(), 1);
        assert_eq!(
            fixed_by_loop("DFL3011", source),
            "FROM node:20\nONBUILD RUN yarn install && yarn cache clean\n"
        );
        let source = "FROM node:20 AS base\nONBUILD RUN yarn install\nFROM base\nRUN true\n";
        assert_eq!(check(&YarnCacheKept, source).len(), 1);
        for source in [
            "FROM node:20\nONBUILD RUN yarn install && yarn cache clean\n",
            "FROM node:20 AS build\nONBUILD RUN yarn install\nFROM scratch\nCOPY --from=build /a /a\n",
        ] {
            assert!(check(&YarnCacheKept, source).is_empty(), "{source}");
        }
    }
}

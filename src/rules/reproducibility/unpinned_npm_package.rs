//! DFL4031 `unpinned-npm-package`: `npm install` of a package without a version.

use crate::Diagnostic;
use crate::Severity;
use crate::rules::pinning::{Arg, pinning_runs, read_args, report, unpinned_values};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::shell::Word;
use crate::shell::packages::{program, real_commands, subcommand_index};

pub static META: RuleMeta = RuleMeta {
    code: "DFL4031",
    name: "unpinned-npm-package",
    category: RuleCategory::Reproducibility,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL3016"],
    summary: "`npm install` installs a package without a version.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions of every stage, `ONBUILD RUN` triggers, and the scripts
they give to a shell (heredocs, quoted `sh -c` strings) for `npm install` with package
arguments (also `npm i`, `npm add` and npm's other spellings of `install`, with global
options such as `npm -g install`, behind `sudo` or `env`), and flags each package named
without a version: `express`, `@scope/pkg`, `express@` or `express@latest`.

These are fine: `name@version`, `name@range` or `name@tag` other than `latest`
(`express@4.21.1`, `express@^4`, `@scope/pkg@1.2.3`), git URLs and GitHub shorthands that
name a ref after `#` (`git+https://github.com/a/b.git#v1.2`, `github:a/b#v1.2`, `a/b#v1.2`),
tarballs (`.tgz`, `.tar.gz`, URLs), and folders (`.`, `./pkg`, `../pkg`, `/src`,
`file:pkg`). A bare `npm install`, which installs what `package.json` lists, is not checked
here (see `npm-install-with-lockfile`).

A package written with a variable is read through the ARG and ENV values the build engine
knows (`npm install -g "pnpm@$PNPM_VERSION"` is pinned); a value known only when the image
is built is not flagged.

**Differences from hadolint:** hadolint checks `npm install` only (not `npm i` or
`npm add`), skips commands behind `sudo`, takes `express@latest` for a pinned version and
flags GitHub shorthands with a ref (`a/b#v1.2`) and every variable it cannot read
(`npm install $PACKAGES`). dflint leaves out RUNs under a PowerShell or
`cmd` `SHELL` (Windows images), whose commands hadolint reads as POSIX shell.

## Why is this bad?
Without a version, npm installs the newest release on the day of the build, so two builds
of the same Dockerfile can ship different code, and a breaking release breaks a build that
did not change. `latest` says the same thing out loud. Global tools (`npm install -g`) are
the usual case: pin them, and keep the pins fresh with a tool such as Renovate or
Dependabot.

## Example
```dockerfile
FROM node:22-slim
RUN npm install -g pnpm typescript@latest
```

## Use instead
```dockerfile
FROM node:22-slim
RUN npm install -g pnpm@9.12.3 typescript@5.6.3
```

## References
- npm documentation: `npm install` package specs.
- hadolint `DL3016`.
"#,
    fix_changes: &[],
};

/// DFL4031
pub struct UnpinnedNpmPackage;

/// npm options that take a value.
const NPM_VALUE_OPTIONS: &[&str] = &[
    "--prefix",
    "-C",
    "--registry",
    "--cache",
    "--userconfig",
    "--globalconfig",
    "--loglevel",
    "--omit",
    "--include",
    "--install-strategy",
    "-w",
    "--workspace",
    "--tag",
    "--save-prefix",
    "--location",
    "--before",
    "--cpu",
    "--os",
    "--libc",
    "--otp",
    "--scope",
    "--fetch-retries",
    "--fetch-timeout",
    "--proxy",
    "--https-proxy",
    "--noproxy",
    "--cafile",
    "--ca",
    "--user-agent",
    "--script-shell",
    "--node-options",
    "--only",
    "--also",
];

/// npm's names of `install`.
const INSTALL: &[&str] = &[
    "install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall",
    "add",
];

/// Whether an npm package spec names a package without a version.
fn unpinned(spec: &str) -> bool {
    let spec = spec.trim();
    let lower = spec.to_ascii_lowercase();
    if spec.is_empty()
        || spec.starts_with(['.', '/', '~'])
        || lower.starts_with("file:")
        || lower.starts_with("http://")
        || lower.starts_with("https://")
        || [".tgz", ".tar.gz", ".tar"]
            .iter()
            .any(|e| lower.ends_with(e))
    {
        return false;
    }
    let git = [
        "git+",
        "git://",
        "git@",
        "github:",
        "gitlab:",
        "bitbucket:",
        "gist:",
    ]
    .iter()
    .any(|p| lower.starts_with(p));
    // `user/repo`: a GitHub shorthand.
    let shorthand = !spec.starts_with('@') && spec.contains('/');
    if git || shorthand {
        return spec.split_once('#').is_none_or(|(_, r)| r.is_empty());
    }
    // The `@` of a scope (`@scope/pkg`) starts the name.
    let first = spec.chars().next().map_or(0, char::len_utf8);
    let version = spec[first..]
        .find('@')
        .map_or("", |i| &spec[first + i + 1..]);
    match version.strip_prefix("npm:") {
        Some(aliased) => unpinned(aliased),
        None => version.is_empty() || version == "latest",
    }
}

const HELP: &str = "name a version (`express@4.21.1`, or a range such as `express@^4.21`): without \
                    one, each build installs whatever release is newest";

impl Rule for UnpinnedNpmPackage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in pinning_runs(ctx, &["npm"]) {
            for (_, real) in real_commands(run) {
                let command = &real.command;
                if command.recovered || program(command) != Some("npm") {
                    continue;
                }
                let Some(index) = subcommand_index(&command.args, NPM_VALUE_OPTIONS) else {
                    continue;
                };
                if !command.args[index]
                    .value
                    .as_deref()
                    .is_some_and(|s| INSTALL.contains(&s))
                {
                    continue;
                }
                let words: Vec<&Word> =
                    read_args(&command.args[index + 1..], NPM_VALUE_OPTIONS, false)
                        .into_iter()
                        .filter_map(|a| match a {
                            Arg::Operand(word) => Some(word),
                            _ => None,
                        })
                        .collect();
                for word in words {
                    if let Some(found) = unpinned_values(run, word, unpinned) {
                        report(&META, out, word, &found, "npm install", HELP);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{UnpinnedNpmPackage, unpinned};
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn classifies_specs() {
        for spec in [
            "express",
            "express@",
            "express@latest",
            "@scope/pkg",
            "@scope/pkg@latest",
            "user/repo",
            "github:user/repo",
            "git+https://github.com/a/b.git",
            "alias@npm:express",
        ] {
            assert!(unpinned(spec), "{spec}");
        }
        for spec in [
            "express@4.21.1",
            "express@^4",
            "express@next",
            "@scope/pkg@1.2.3",
            "user/repo#v1",
            "github:user/repo#semver:^1",
            "git+https://github.com/a/b.git#v1",
            "./pkg",
            "../pkg",
            "/src",
            "file:pkg",
            "pkg.tgz",
            "https://example.com/pkg-1.0.0.tgz",
            "alias@npm:express@4",
        ] {
            assert!(!unpinned(spec), "{spec}");
        }
    }

    #[test]
    fn flags_unpinned_packages() {
        for (source, expected) in [
            ("FROM node:22\nRUN npm install express\n", vec!["express"]),
            (
                "FROM node:22\nRUN npm i -g pnpm@9 typescript\n",
                vec!["typescript"],
            ),
            ("FROM node:22\nRUN npm add @scope/pkg\n", vec!["@scope/pkg"]),
            (
                "FROM node:22\nRUN npm -g install npm@latest\n",
                vec!["npm@latest"],
            ),
            (
                "FROM node:22\nRUN sudo npm install --prefix /opt --save-dev x@1 y\n",
                vec!["y"],
            ),
            (
                "FROM node:22\nONBUILD RUN npm install express\n",
                vec!["express"],
            ),
            (
                "FROM node:22\nARG TOOLS=\"pnpm@9 nodemon\"\nRUN npm install -g $TOOLS\n",
                vec!["$TOOLS"],
            ),
        ] {
            let diagnostics = check(&UnpinnedNpmPackage, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_pinned_or_local_packages() {
        for source in [
            "FROM node:22\nRUN npm install\n",
            "FROM node:22\nRUN npm ci && npm install --omit dev\n",
            "FROM node:22\nRUN npm install express@4.21.1 @scope/pkg@^1\n",
            "FROM node:22\nRUN npm install ./pkg ../lib /src pkg.tgz\n",
            "FROM node:22\nRUN npm install --prefix ./x && npm install -w app\n",
            "FROM node:22\nARG V\nRUN npm install -g \"pnpm@$V\" $EXTRA\n",
            "FROM node:22\nRUN npm run build && npm view express version\n",
            "FROM node:22\nRUN yarn add express\n",
        ] {
            let found = check(&UnpinnedNpmPackage, source);
            assert!(found.is_empty(), "{source}: {found:?}");
        }
    }
}

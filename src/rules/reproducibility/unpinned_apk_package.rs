//! DFL4011 `unpinned-apk-package`: `apk add` installs a package without a version
//! constraint.

use crate::Diagnostic;
use crate::Severity;
use crate::rules::os_packages::{Packages, PinSpec, operands, report_unpinned};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::shell::Command;
use crate::shell::packages::{APK_VALUE_OPTIONS, program, subcommand_index};

pub static META: RuleMeta = RuleMeta {
    code: "DFL4011",
    name: "unpinned-apk-package",
    category: RuleCategory::Reproducibility,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL3018", "DF005", "DF052"],
    summary: "`apk add` installs a package without a version constraint.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions (also inside `ONBUILD`), and the scripts they give to
a shell (heredocs, quoted `sh -c` strings), for `apk add` (also behind `sudo`, `env` or
`xargs`) and flags each package given without a version constraint: `curl` rather than
`curl~8.5` or `curl=8.5.0-r0`. Not flagged:

- any constraint: `=`, `~` (fuzzy: `curl~8.5` is any 8.5.x), `>`, `>=`, `<`, `<=`, with the
  version from a variable too (`curl=${CURL_VERSION}`);
- local `.apk` files;
- `!name`, which forbids a package rather than installing one;
- option values: `-t`/`--virtual` (the name of a virtual package), `-X`/`--repository`,
  `-p`/`--root` and the other options that take a value.

A package word made of variables is expanded with the values the `RUN` sees; a word whose
value is not known (an `ARG` without a default, a variable only the base image may set,
one the script sets to something not literal, `$(...)`) is not reported.

Differences from hadolint: hadolint's `DL3018` reports the `RUN` once; dflint reports each
unpinned package word. hadolint flags `!name` and every word made of variables or `$(...)`, whatever
their value; dflint does not. hadolint does not see `apk add` behind `sudo`.

## Why is this bad?
Without a constraint, every build installs whatever the mirror has that day, so two builds
of the same Dockerfile can differ.

Alpine mirrors keep only the newest build of each package of a release branch, so an exact
pin (`curl=8.5.0-r0`) breaks the build as soon as a fix is published (`-r1`). Prefer a
fuzzy pin on the upstream version, `curl~8.5`, which follows the branch's security fixes
but not a new upstream release, together with a pinned base image tag
(`alpine:3.19`), which fixes the branch. When the base image tag is pinned and that is
enough, disable this rule.

## Example
```dockerfile
FROM alpine:3.19
RUN apk add --no-cache curl
```

## Use instead
```dockerfile
FROM alpine:3.19
RUN apk add --no-cache curl~8.5
```

## References
- `apk(8)`: `add pkg=version`, `pkg~version`, `pkg>=version`.
- hadolint `DL3018`.
"#,
    fix_changes: &[],
};

/// DFL4011
pub struct UnpinnedApkPackage;

/// The options of `apk add` that take a separate value.
const APK_ADD_VALUE_OPTIONS: &[&str] = &[
    "-X",
    "-p",
    "-t",
    "--repository",
    "--root",
    "--arch",
    "--cache-dir",
    "--keys-dir",
    "--repositories-file",
    "--cache-max-age",
    "--timeout",
    "--progress-fd",
    "--virtual",
];

/// Whether an apk package word is constrained, or needs no constraint.
fn pinned(package: &str) -> bool {
    package.contains(['=', '~', '>', '<']) || package.ends_with(".apk") || package.starts_with('!')
}

fn packages(command: &Command) -> Option<Packages<'_>> {
    if program(command) != Some("apk") {
        return None;
    }
    let index = subcommand_index(&command.args, APK_VALUE_OPTIONS)?;
    if !command.args[index].is("add") {
        return None;
    }
    Some(Packages {
        words: operands(&command.args[index + 1..], APK_ADD_VALUE_OPTIONS),
        pinned,
    })
}

static SPEC: PinSpec = PinSpec {
    meta: &META,
    mentions: &["apk"],
    packages,
    pinned_form: |p| format!("{p}~<major.minor>"),
    reason: "without a constraint, each build installs whatever the mirror has that day; a \
             fuzzy `~` pin survives the fixes Alpine publishes, an exact `=` pin does not",
};

impl Rule for UnpinnedApkPackage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        report_unpinned(ctx, out, &SPEC);
    }
}

#[cfg(test)]
mod tests {
    use super::UnpinnedApkPackage;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_each_unconstrained_package() {
        for (source, expected) in [
            (
                "FROM alpine\nRUN apk add --no-cache curl git~2.43 bash\n",
                vec!["curl", "bash"],
            ),
            (
                "FROM alpine\nRUN apk --no-cache add --virtual .build-deps -X http://x gcc\n",
                vec!["gcc"],
            ),
            (
                "FROM alpine\nRUN apk add -t .deps --repository=http://x make\n",
                vec!["make"],
            ),
            (
                "FROM alpine\nRUN sudo apk add pkg@testing\n",
                vec!["pkg@testing"],
            ),
            (
                "FROM alpine\nENV DEPS=\"curl jq=1.7\"\nRUN apk add $DEPS\n",
                vec!["$DEPS"],
            ),
            ("FROM alpine\nONBUILD RUN apk add curl\n", vec!["curl"]),
            (
                "FROM alpine\nRUN <<EOF\nset -e\napk add curl\nEOF\n",
                vec!["curl"],
            ),
        ] {
            let diagnostics = check(&UnpinnedApkPackage, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_constraints_files_and_exclusions() {
        for source in [
            "FROM alpine\nRUN apk add curl=8.5.0-r0 git~2.43 'bash>=5' \"jq<2\" \"a>1\"\n",
            "FROM alpine\nRUN apk add ./x.apk /tmp/y.apk\n",
            "FROM alpine\nRUN apk add !pyc curl~8\n",
            "FROM alpine\nARG CURL_VERSION\nRUN apk add curl=${CURL_VERSION}\n",
            "FROM alpine\nARG DEPS\nRUN apk add $DEPS\n",
            "FROM alpine\nRUN apk add --virtual .deps\n",
            "FROM alpine\nRUN apk del curl && apk update && apk info\n",
            "FROM alpine\nRUN [\"apk\", \"add\", \"curl\"]\n",
        ] {
            assert!(check(&UnpinnedApkPackage, source).is_empty(), "{source}");
        }
    }
}

//! DFL4010 `unpinned-apt-package`: `apt-get install` installs a package without a version.

use crate::Diagnostic;
use crate::Severity;
use crate::rules::os_packages::{Packages, PinSpec, operands, report_unpinned};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::shell::Command;
use crate::shell::packages::{APT_VALUE_OPTIONS, is_apt, subcommand_index};

pub static META: RuleMeta = RuleMeta {
    code: "DFL4010",
    name: "unpinned-apt-package",
    category: RuleCategory::Reproducibility,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL3008", "DF005"],
    summary: "`apt-get install` installs a package without pinning its version.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions (also inside `ONBUILD`), and the scripts they give to
a shell (heredocs, quoted `sh -c` strings), for `apt-get install` (or `apt install`, also
behind `sudo`, `env` or `xargs`) and flags each package given without a version:
`curl` rather than `curl=7.88.1-10+deb12u8`. Not flagged:

- a pinned package, `name=version`, with the version as a glob too (`curl=7.88.*`) or from
  a variable (`curl=${CURL_VERSION}`);
- a package taken from a release (`curl/bookworm-backports`) and local `.deb` files
  (anything with a `/`, or ending in `.deb`);
- option values: `-t`/`--target-release`, `-o`, `-c`, `-a`.

A package word made of variables is expanded with the values the `RUN` sees: `$PACKAGES`
from `ARG PACKAGES="curl wget"` is two unpinned packages, reported on the word. A word whose
value is not known (an `ARG` without a default, a variable only the base image may set,
one the script sets to something not literal, `$(...)`) is not reported.

Differences from hadolint: hadolint's `DL3008` reports the `RUN` once; dflint reports each
unpinned package word. hadolint flags every word made of variables or `$(...)`, whatever
their value; dflint expands them and flags only what is really unpinned, and leaves words
it cannot know alone. hadolint ignores `apt install` (it has `DL3027` to replace `apt` with
`apt-get`) and `apt-get install` behind `sudo`; dflint checks them as well, since they
install the same packages. On a corpus of 7,000 real Dockerfiles, the first difference
makes dflint report 0.6% fewer `RUN`s, the second 3% more.

## Why is this bad?
Without a pin, every build installs whatever version the mirror has that day: two builds
of the same Dockerfile can differ, and an upstream release can break a build, or the
image, without any change in the repository. A pin also makes a rebuild fail loudly when
the version is gone, instead of quietly changing the image.

Debian and Ubuntu mirrors drop superseded versions, so exact pins need updates (a tool
such as Renovate can do it); a glob such as `curl=7.88.*` keeps security updates while
holding the release. When the base image is itself pinned by digest and only the image's
own packages are wanted, this rule can be disabled.

## Example
```dockerfile
FROM debian:12
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
```

## Use instead
```dockerfile
FROM debian:12
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \
    && rm -rf /var/lib/apt/lists/*
```

## References
- `apt-get(8)`: `install pkg=version`; `apt-cache policy pkg` shows the versions.
- hadolint `DL3008`.
"#,
    fix_changes: &[],
};

/// DFL4010
pub struct UnpinnedAptPackage;

/// Whether an apt package word is pinned, or needs no pin.
fn pinned(package: &str) -> bool {
    package.contains('=') || package.contains('/') || package.ends_with(".deb")
}

fn packages(command: &Command) -> Option<Packages<'_>> {
    if !is_apt(command) {
        return None;
    }
    let index = subcommand_index(&command.args, APT_VALUE_OPTIONS)?;
    if !command.args[index].is("install") {
        return None;
    }
    Some(Packages {
        words: operands(&command.args[index + 1..], APT_VALUE_OPTIONS),
        pinned,
    })
}

static SPEC: PinSpec = PinSpec {
    meta: &META,
    mentions: &["apt"],
    packages,
    pinned_form: |p| format!("{p}=<version>"),
    reason: "without a pin, each build installs whatever version the mirror has that day \
             (`apt-cache policy` lists the versions)",
};

impl Rule for UnpinnedAptPackage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        report_unpinned(ctx, out, &SPEC);
    }
}

#[cfg(test)]
mod tests {
    use super::UnpinnedAptPackage;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_each_unpinned_package() {
        for (source, expected) in [
            (
                "FROM debian\nRUN apt-get install -y curl wget=1.21 git\n",
                vec!["curl", "git"],
            ),
            (
                "FROM debian\nRUN apt-get -t bookworm-backports install -y -o Foo=1 \\\n    curl\n",
                vec!["curl"],
            ),
            (
                "FROM debian\nRUN sudo apt install --target-release stable 'vim'\n",
                vec!["'vim'"],
            ),
            (
                "FROM debian\nARG PACKAGES=\"curl wget=1\"\nRUN apt-get install -y $PACKAGES\n",
                vec!["$PACKAGES"],
            ),
            (
                "FROM debian\nENV V=1\nRUN apt-get install -y curl-${V}\n",
                vec!["curl-${V}"],
            ),
            (
                "FROM debian\nONBUILD RUN apt-get install -y curl\n",
                vec!["curl"],
            ),
            (
                "FROM debian\nRUN deps='curl \\\n  git=1' && apt-get install -y $deps\n",
                vec!["$deps"],
            ),
            (
                "FROM debian\nARG P=x=1\nRUN P=curl && apt-get install -y \"$P\"\n",
                vec!["\"$P\""],
            ),
            (
                "FROM debian\nRUN <<EOF\napt-get install -y curl\nEOF\n",
                vec!["curl"],
            ),
            (
                "FROM debian\nRUN xargs apt-get install -y < list && apt-get install -y x\n",
                vec!["x"],
            ),
        ] {
            let diagnostics = check(&UnpinnedAptPackage, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_pins_files_and_unknown_values() {
        for source in [
            "FROM debian\nRUN apt-get install -y curl=7.88.1-10 wget=1.21.*\n",
            "FROM debian\nARG CURL_VERSION\nRUN apt-get install -y curl=${CURL_VERSION}\n",
            "FROM debian\nRUN apt-get install -y curl=$CURL_VERSION\n",
            "FROM debian\nRUN apt-get install -y curl/bookworm-backports ./x.deb /tmp/y.deb\n",
            "FROM debian\nARG PACKAGES\nRUN apt-get install -y $PACKAGES\n",
            "FROM debian\nRUN apt-get install -y curl${SUFFIX}\n",
            "FROM debian\nRUN apt-get install -y $(cat /tmp/packages)\n",
            "FROM debian\nRUN P=\"$(cat list)\" && apt-get install -y $P\n",
            "FROM debian\nRUN for p in a b; do apt-get install -y \"$p\"; done\n",
            "FROM debian\nRUN apt-get update && apt-get remove -y curl && apt-cache show x\n",
            "FROM debian\nRUN apt-get install -y\n",
            "FROM debian\nONBUILD RUN apt-get install -y $PACKAGES\n",
        ] {
            assert!(check(&UnpinnedAptPackage, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn names_packages_from_variables() {
        let source = "FROM debian\nENV PACKAGES=\"curl git\"\nRUN apt-get install -y $PACKAGES\n";
        let diagnostics = check(&UnpinnedAptPackage, source);
        assert_eq!(
            diagnostics[0].message,
            "packages `curl`, `git` (from `$PACKAGES`) are installed without a version pin"
        );
    }
}

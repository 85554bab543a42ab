//! DFL4014 `unpinned-zypper-package`: `zypper install` installs a package without a version.

use crate::Diagnostic;
use crate::Severity;
use crate::rules::os_packages::{Packages, PinSpec, operands, report_unpinned};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::shell::Command;
use crate::shell::packages::{ZYPPER_VALUE_OPTIONS, program, subcommand_index};

pub static META: RuleMeta = RuleMeta {
    code: "DFL4014",
    name: "unpinned-zypper-package",
    category: RuleCategory::Reproducibility,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL3037", "DF005"],
    summary: "`zypper install` installs a package without pinning its version.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions (also inside `ONBUILD`), and the scripts they give to
a shell (heredocs, quoted `sh -c` strings), for `zypper install` or `zypper in` (also
behind `sudo`, `env` or `xargs`) and flags each package given without a version: `curl`
rather than `curl=8.6.0` or `'curl>=8'`. Not flagged:

- a version constraint: `=`, `>=`, `>`, `<=`, `<` (quote the word: `>` and `<` are
  redirections to the shell), with the version from a variable too;
- `.rpm` files and URLs;
- patterns, patches and products (`-t pattern`): they have no version;
- option values: `-r`/`--repo`, `--from` and the global options that take a value.

A package word made of variables is expanded with the values the `RUN` sees; a word whose
value is not known (an `ARG` without a default, a variable only the base image may set,
one the script sets to something not literal, `$(...)`) is not reported.

Differences from hadolint: hadolint's `DL3037` reports the `RUN` once; dflint reports each
unpinned package word. hadolint flags option values (`--repo x`), the items of
`-t pattern` and every word made of variables or `$(...)`, whatever their value; dflint
does not.

## Why is this bad?
Without a pin, every build installs whatever version the repositories have that day: two
builds of the same Dockerfile can differ, and an upstream release can break a build, or the
image, without any change in the repository.

## Example
```dockerfile
FROM opensuse/leap:15.6
RUN zypper -n install curl && zypper clean -a
```

## Use instead
```dockerfile
FROM opensuse/leap:15.6
RUN zypper -n install curl=8.6.0 && zypper clean -a
```

## References
- `zypper(8)`: `install name=version`, `'name>=version'`.
- hadolint `DL3037`.
"#,
    fix_changes: &[],
};

/// DFL4014
pub struct UnpinnedZypperPackage;

/// The options of `zypper install` (and the global ones) that take a separate value.
const ZYPPER_INSTALL_VALUE_OPTIONS: &[&str] = &[
    "-R",
    "-c",
    "-D",
    "-C",
    "-r",
    "-t",
    "--root",
    "--config",
    "--reposd-dir",
    "--cache-dir",
    "--raw-cache-dir",
    "--solv-cache-dir",
    "--pkg-cache-dir",
    "--userdata",
    "--repo",
    "--from",
    "--type",
];

/// Whether a zypper package word has a version constraint, or needs none.
fn pinned(package: &str) -> bool {
    package.contains(['=', '>', '<']) || package.ends_with(".rpm")
}

/// Whether `install -t <type>` selects something other than packages.
fn selects_other_than_packages(args: &[crate::shell::Word]) -> bool {
    args.iter().enumerate().any(|(i, a)| {
        let value = a.value_or_text();
        let kind = if value == "-t" || value == "--type" {
            args.get(i + 1).map(crate::shell::Word::value_or_text)
        } else {
            value
                .strip_prefix("--type=")
                .or_else(|| value.strip_prefix("-t").filter(|v| !v.is_empty()))
        };
        kind.is_some_and(|k| k != "package")
    })
}

fn packages(command: &Command) -> Option<Packages<'_>> {
    if program(command) != Some("zypper") {
        return None;
    }
    let index = subcommand_index(&command.args, ZYPPER_VALUE_OPTIONS)?;
    let sub = &command.args[index];
    if !(sub.is("install") || sub.is("in")) {
        return None;
    }
    let rest = &command.args[index + 1..];
    if selects_other_than_packages(rest) {
        return None;
    }
    Some(Packages {
        words: operands(rest, ZYPPER_INSTALL_VALUE_OPTIONS),
        pinned,
    })
}

static SPEC: PinSpec = PinSpec {
    meta: &META,
    mentions: &["zypper"],
    packages,
    pinned_form: |p| format!("{p}=<version>"),
    reason: "without a pin, each build installs whatever version the repositories have that \
             day (`zypper search -s` lists the versions)",
};

impl Rule for UnpinnedZypperPackage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        report_unpinned(ctx, out, &SPEC);
    }
}

#[cfg(test)]
mod tests {
    use super::UnpinnedZypperPackage;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_each_unpinned_package() {
        for (source, expected) in [
            (
                "FROM opensuse\nRUN zypper -n install curl=8.6.0 git 'vim>=9'\n",
                vec!["git"],
            ),
            (
                "FROM opensuse\nRUN zypper --root /x -n in --repo oss -y jq\n",
                vec!["jq"],
            ),
            (
                "FROM opensuse\nRUN sudo zypper -n in -t package jq\n",
                vec!["jq"],
            ),
            ("FROM opensuse\nONBUILD RUN zypper -n in jq\n", vec!["jq"]),
        ] {
            let diagnostics = check(&UnpinnedZypperPackage, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_constraints_files_and_patterns() {
        for source in [
            "FROM opensuse\nRUN zypper -n in 'a>1' \"b<2\" 'c<=3' d=4 ./x.rpm\n",
            "FROM opensuse\nRUN zypper -n in -t pattern devel_basis\n",
            "FROM opensuse\nRUN zypper -n in --type=pattern devel_basis\n",
            "FROM opensuse\nARG V\nRUN zypper -n in curl=$V\n",
            "FROM opensuse\nRUN zypper -n rm curl && zypper -n up\n",
        ] {
            assert!(check(&UnpinnedZypperPackage, source).is_empty(), "{source}");
        }
    }
}

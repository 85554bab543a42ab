//! DFL4013 `unpinned-dnf-package`: `dnf install` installs a package without a version.

use crate::Diagnostic;
use crate::Severity;
use crate::rules::os_packages::{Packages, PinSpec, report_unpinned, rpm_packages};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::shell::Command;
use crate::shell::packages::program;

pub static META: RuleMeta = RuleMeta {
    code: "DFL4013",
    name: "unpinned-dnf-package",
    category: RuleCategory::Reproducibility,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL3041", "DF005"],
    summary: "`dnf install` installs a package without pinning its version.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions (also inside `ONBUILD`), and the scripts they give to
a shell (heredocs, quoted `sh -c` strings), for `dnf install`, `dnf5 install` and
`microdnf install` (also behind `sudo`, `env` or `xargs`) and flags each package given
without a version: `httpd` rather than `httpd-2.4.62`. A package counts as pinned when a
dash is followed by a version: a digit, then only characters of versions and releases
(`httpd-2.4.62-1.fc40`, `httpd-0:2.4.62`), or a glob (`httpd-2.4.*`). Not flagged either:

- `.rpm` files and URLs;
- groups and modules named with `@` (`@development`, `@nodejs:20`);
- option values such as `--enablerepo x` or `--setopt x=y`.

`group install` and `groupinstall` are not checked: groups have no version. `dnf module install`
flags each module given without a stream: `nodejs` rather than
`nodejs:20`.

A package word made of variables is expanded with the values the `RUN` sees
(`httpd-${HTTPD_VERSION}`); a word whose value is not known (an `ARG` without a default, a
variable only the base image may set, one the script sets to something not literal,
`$(...)`) is not reported.

Differences from hadolint: hadolint's `DL3041` reports the `RUN` once; dflint reports each
unpinned package word. hadolint flags `.rpm` files unless their name has a version, `@`
groups, globs, option values such as `--enablerepo x`, words with `$(...)`, and words with
variables the Dockerfile does not set (`name-${VERSION}`, where the base image may set
`VERSION`); dflint does not. On a corpus of 7,000 real Dockerfiles, hadolint reports 6%
more `RUN`s than dflint, nearly all for `$(...)` (such as `dnf install $(dnf deplist ...)`). hadolint does not see `dnf install` behind `sudo`, nor `dnf5`.

## Why is this bad?
Without a pin, every build installs whatever version the repositories have that day: two
builds of the same Dockerfile can differ, and an upstream release can break a build, or the
image, without any change in the repository.

## Example
```dockerfile
FROM fedora:40
RUN dnf -y install httpd && dnf clean all
```

## Use instead
```dockerfile
FROM fedora:40
RUN dnf -y install httpd-2.4.62 && dnf clean all
```

## References
- `dnf(8)`: package specifications `name-version`, `name-version-release`.
- hadolint `DL3041`.
"#,
    fix_changes: &[],
};

/// DFL4013
pub struct UnpinnedDnfPackage;

fn packages(command: &Command) -> Option<Packages<'_>> {
    if !matches!(
        program(command),
        Some("dnf" | "dnf5" | "dnf-3" | "microdnf")
    ) {
        return None;
    }
    rpm_packages(command)
}

static SPEC: PinSpec = PinSpec {
    meta: &META,
    mentions: &["dnf"],
    packages,
    pinned_form: |p| format!("{p}-<version>"),
    reason: "without a pin, each build installs whatever version the repositories have that \
             day (`dnf list --showduplicates` lists the versions)",
};

impl Rule for UnpinnedDnfPackage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        report_unpinned(ctx, out, &SPEC);
    }
}

#[cfg(test)]
mod tests {
    use super::UnpinnedDnfPackage;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_each_unpinned_package() {
        for (source, expected) in [
            (
                "FROM fedora\nRUN dnf -y install httpd-2.4.62 python3-pip\n",
                vec!["python3-pip"],
            ),
            ("FROM fedora\nRUN microdnf install -y jq\n", vec!["jq"]),
            (
                "FROM fedora\nRUN dnf5 -y install --setopt a=b jq\n",
                vec!["jq"],
            ),
            (
                "FROM fedora\nRUN dnf -y module install nodejs\n",
                vec!["nodejs"],
            ),
            (
                "FROM fedora\nONBUILD RUN dnf install -y httpd\n",
                vec!["httpd"],
            ),
        ] {
            let diagnostics = check(&UnpinnedDnfPackage, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_versions_files_and_groups() {
        for source in [
            "FROM fedora\nRUN dnf install -y httpd-2.4.62-1.fc40 'jq-1.7.*' x.rpm\n",
            "FROM fedora\nRUN dnf install -y @nodejs:20 && dnf module install -y perl:5.32\n",
            "FROM fedora\nARG V\nRUN microdnf install -y httpd-${V}\n",
            "FROM fedora\nRUN dnf group install -y 'C Development' && dnf remove -y x\n",
            "FROM fedora\nRUN yum install -y httpd\n",
        ] {
            assert!(check(&UnpinnedDnfPackage, source).is_empty(), "{source}");
        }
    }
}

//! DFL4012 `unpinned-yum-package`: `yum install` installs a package without a version.

use crate::Diagnostic;
use crate::Severity;
use crate::rules::os_packages::{Packages, PinSpec, report_unpinned, rpm_packages};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::shell::Command;
use crate::shell::packages::program;

pub static META: RuleMeta = RuleMeta {
    code: "DFL4012",
    name: "unpinned-yum-package",
    category: RuleCategory::Reproducibility,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL3033", "DF005"],
    summary: "`yum install` installs a package without pinning its version.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions (also inside `ONBUILD`), and the scripts they give to
a shell (heredocs, quoted `sh -c` strings), for `yum install` (also behind `sudo`, `env` or
`xargs`) and flags each package given without a version: `httpd` rather than
`httpd-2.4.6`. A package counts as pinned when a dash is followed by a version: a digit,
then only characters of versions and releases (`httpd-2.4.6-99.el7`, `httpd-0:2.4.6`), or a
glob (`httpd-2.4.*`). Not flagged either:

- `.rpm` files and URLs;
- groups and modules named with `@` (`@development`), which have no version;
- option values such as `--enablerepo x` or `--setopt x=y`.

`group install` and `groupinstall` are not checked: groups have no version. `yum module install`
flags each module given without a stream: `nodejs` rather than
`nodejs:20`.

A package word made of variables is expanded with the values the `RUN` sees
(`httpd-${HTTPD_VERSION}`); a word whose value is not known (an `ARG` without a default, a
variable only the base image may set, one the script sets to something not literal,
`$(...)`) is not reported.

Differences from hadolint: hadolint's `DL3033` reports the `RUN` once; dflint reports each
unpinned package word. hadolint flags `.rpm` files unless their name has a version, `@`
groups, globs, option values such as `--enablerepo x`, words with `$(...)`, and words with
variables the Dockerfile does not set (`name-${VERSION}`, where the base image may set
`VERSION`); dflint does not. On a corpus of 7,000 real Dockerfiles, hadolint reports 4%
more `RUN`s than dflint, nearly all for `$(...)` (such as `yum install $(yum deplist ...)`). hadolint does not see `yum install` behind `sudo`.

## Why is this bad?
Without a pin, every build installs whatever version the repositories have that day: two
builds of the same Dockerfile can differ, and an upstream release can break a build, or the
image, without any change in the repository.

## Example
```dockerfile
FROM centos:7
RUN yum -y install httpd && yum clean all
```

## Use instead
```dockerfile
FROM centos:7
RUN yum -y install httpd-2.4.6 && yum clean all
```

## References
- `yum(8)`: package specifications `name-version`, `name-version-release`.
- hadolint `DL3033`.
"#,
    fix_changes: &[],
};

/// DFL4012
pub struct UnpinnedYumPackage;

fn packages(command: &Command) -> Option<Packages<'_>> {
    if program(command) != Some("yum") {
        return None;
    }
    rpm_packages(command)
}

static SPEC: PinSpec = PinSpec {
    meta: &META,
    mentions: &["yum"],
    packages,
    pinned_form: |p| format!("{p}-<version>"),
    reason: "without a pin, each build installs whatever version the repositories have that \
             day (`yum list --showduplicates` lists the versions)",
};

impl Rule for UnpinnedYumPackage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        report_unpinned(ctx, out, &SPEC);
    }
}

#[cfg(test)]
mod tests {
    use super::UnpinnedYumPackage;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_each_unpinned_package() {
        for (source, expected) in [
            (
                "FROM centos\nRUN yum -y install httpd-2.4.6 python3-pip gcc-c++\n",
                vec!["python3-pip", "gcc-c++"],
            ),
            (
                "FROM centos\nRUN yum --enablerepo epel -y install jq\n",
                vec!["jq"],
            ),
            (
                "FROM centos\nRUN yum -y module install nodejs perl:5.26\n",
                vec!["nodejs"],
            ),
            (
                "FROM centos\nENV V=latest\nRUN yum install -y httpd-${V}\n",
                vec!["httpd-${V}"],
            ),
            (
                "FROM centos\nRUN sudo yum install -y httpd-latest\n",
                vec!["httpd-latest"],
            ),
            (
                "FROM centos\nONBUILD RUN yum install -y httpd\n",
                vec!["httpd"],
            ),
        ] {
            let diagnostics = check(&UnpinnedYumPackage, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_versions_files_and_groups() {
        for source in [
            "FROM centos\nRUN yum install -y httpd-2.4.6-99.el7 httpd-0:2.4.6 'jq-1.6*'\n",
            "FROM centos\nRUN yum install -y /tmp/x.rpm https://example.com/epel-release.rpm\n",
            "FROM centos\nRUN yum install -y @development\n",
            "FROM centos\nARG V\nRUN yum install -y httpd-${V}\n",
            "FROM centos\nRUN yum install -y httpd-${V}\n",
            "FROM centos\nENV V=2.4.6\nRUN yum install -y httpd-$V\n",
            "FROM centos\nRUN yum groupinstall -y 'Development Tools' && yum remove -y x\n",
            "FROM centos\nRUN dnf install -y httpd\n",
        ] {
            assert!(check(&UnpinnedYumPackage, source).is_empty(), "{source}");
        }
    }
}

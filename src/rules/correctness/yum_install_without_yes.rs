//! DFL1080 `yum-install-without-yes`: a `yum` command would wait for a confirmation.

use crate::Diagnostic;
use crate::Severity;
use crate::rules::os_packages::{PromptSpec, report_prompting, sets_true};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::Area;
use crate::shell::packages::{RPM_VALUE_OPTIONS, program, second_subcommand, subcommand};
use crate::shell::{Command, Word};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1080",
    name: "yum-install-without-yes",
    category: RuleCategory::Correctness,
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DL3030", "DF027"],
    summary: "A `yum` command that changes packages runs without `-y`, so it may stop at a \
              confirmation prompt.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions (also inside `ONBUILD`), and the scripts they give to
a shell (heredocs, quoted `sh -c` strings), for `yum` commands that ask "Is this ok
[y/N]" before they change packages: `install`, `groupinstall`, `localinstall`,
`reinstall`, `remove`, `erase`, `update`, `upgrade`, `downgrade`, `distro-sync`, `swap`,
`autoremove`, the `group` and `module` forms of these, and the other `group*`/`*update`
subcommands; also behind `sudo`, `env` or `xargs`. It flags them when nothing answers the
prompt:

- no `-y` (alone or combined, as in `-yq`), `--assumeyes` or `--assumeno`;
- no `--setopt=assumeyes=1` (or `True`), and no earlier `RUN` of the stage (or of the
  stages it is built on) that writes `assumeyes=1` or `assumeyes=True` to a configuration
  file;
- no `yes |` pipe.

The fix inserts ` -y` after `yum`; commands in heredocs and `sh -c` strings are not fixed.

Differences from hadolint: hadolint's `DL3030` looks at `install`, `groupinstall` and
`localinstall` only, wherever the word appears among the arguments; dflint reads the
subcommand (skipping option values such as `--enablerepo x`) and also flags the other
subcommands that prompt, and it accepts `--setopt=assumeyes=1`, an `assumeyes` setting
written by an earlier `RUN`, and `yes |`.

## Why is this bad?
A build has no terminal to answer the prompt: yum reads the end of its input, prints
"Exiting on user command" and fails, so the build fails, sometimes only once a dependency
changes and there is more to install or update than before.

## Example
```dockerfile
FROM centos:7
RUN yum install httpd-2.4.6 && yum clean all
```

## Use instead
```dockerfile
FROM centos:7
RUN yum -y install httpd-2.4.6 && yum clean all
```

## References
- `yum(8)`: `-y`, `--assumeyes`, `--setopt`.
- hadolint `DL3030`.
"#,
    fix_changes: &[Area::Commands, Area::Config],
};

/// DFL1080
pub struct YumInstallWithoutYes;

/// The subcommands of yum and dnf that may ask for a confirmation.
const PROMPTING: &[&str] = &[
    "install",
    "in",
    "groupinstall",
    "localinstall",
    "reinstall",
    "remove",
    "rm",
    "erase",
    "update",
    "up",
    "upgrade",
    "downgrade",
    "distro-sync",
    "distrosync",
    "dsync",
    "swap",
    "autoremove",
    "groupupdate",
    "groupupgrade",
    "groupremove",
    "grouperase",
    "localupdate",
    "update-minimal",
    "upgrade-minimal",
    "builddep",
];

/// The subcommands of `group` and `module` that may ask for a confirmation.
const PROMPTING_SECOND: &[&str] = &[
    "install",
    "remove",
    "upgrade",
    "update",
    "enable",
    "disable",
    "reset",
    "switch-to",
];

/// For a yum or dnf command that may prompt, its subcommand word and the subcommand as
/// shown (`install`, `module install`).
pub(crate) fn rpm_prompting_subcommand(command: &Command) -> Option<(&Word, String)> {
    let sub = subcommand(command, RPM_VALUE_OPTIONS)?;
    let value = sub.value.as_deref()?;
    if PROMPTING.contains(&value) {
        return Some((sub, sub.text.clone()));
    }
    if matches!(value, "group" | "groups" | "module") {
        let second = second_subcommand(command, RPM_VALUE_OPTIONS)?;
        if second
            .value
            .as_deref()
            .is_some_and(|v| PROMPTING_SECOND.contains(&v))
        {
            return Some((second, format!("{} {}", sub.text, second.text)));
        }
    }
    None
}

/// Whether a yum or dnf command answers or avoids the prompt.
pub(crate) fn rpm_answered(command: &Command) -> bool {
    command.has_flag(Some('y'), Some("assumeyes"))
        || command.has_flag(None, Some("assumeno"))
        || sets_true(command, "assumeyes")
}

fn prompting(command: &Command) -> Option<(&Word, String)> {
    if program(command) != Some("yum") {
        return None;
    }
    rpm_prompting_subcommand(command)
}

static SPEC: PromptSpec = PromptSpec {
    meta: &META,
    mentions: &["yum"],
    prompting,
    answered: rpm_answered,
    settings: &["assumeyes=1", "assumeyes=true"],
    flag: "-y",
    help: "add `-y`: a build cannot answer yum's prompt, so yum exits and the build fails",
};

impl Rule for YumInstallWithoutYes {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        report_prompting(ctx, out, &SPEC);
    }
}

#[cfg(test)]
mod tests {
    use super::YumInstallWithoutYes;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_prompting_commands_without_yes() {
        for (source, expected) in [
            ("FROM centos\nRUN yum install httpd\n", vec!["install"]),
            (
                "FROM centos\nRUN yum --enablerepo epel install x && sudo yum remove y\n",
                vec!["install", "remove"],
            ),
            (
                "FROM centos\nRUN yum -q groupinstall 'Dev'\n",
                vec!["groupinstall"],
            ),
            (
                "FROM centos\nRUN yum module install nodejs:12\n",
                vec!["install"],
            ),
            ("FROM centos\nRUN yum update\n", vec!["update"]),
            ("FROM centos\nRUN yum install -- -y\n", vec!["install"]),
            (
                "FROM centos\nRUN yum --setopt=assumeyes=0 install x\n",
                vec!["install"],
            ),
            ("FROM centos\nONBUILD RUN yum install x\n", vec!["install"]),
            (
                "FROM centos\nRUN <<EOF\nyum install -y a\nyum install b\nEOF\n",
                vec!["install"],
            ),
            (
                "FROM centos\nRUN sh -c 'yum localinstall /tmp/x.rpm'\n",
                vec!["localinstall"],
            ),
        ] {
            let diagnostics = check(&YumInstallWithoutYes, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_every_way_of_answering() {
        for source in [
            "FROM centos\nRUN yum install -y x\n",
            "FROM centos\nRUN yum -yq install x\n",
            "FROM centos\nRUN yum install --assumeyes x\n",
            "FROM centos\nRUN yum install --assumeno x\n",
            "FROM centos\nRUN yum --setopt=assumeyes=1 install x\n",
            "FROM centos\nRUN yum --setopt assumeyes=True install x\n",
            "FROM centos\nRUN yes | yum install x\n",
            "FROM centos\nRUN echo assumeyes=1 >> /etc/yum.conf\nRUN yum install x\n",
            "FROM centos\nRUN yum clean all && yum makecache && yum list installed\n",
            "FROM centos\nRUN yum group list\n",
            "FROM centos\nRUN [\"yum\", \"install\", \"x\"]\n",
            "FROM centos\nRUN dnf install -y x\n",
        ] {
            assert!(check(&YumInstallWithoutYes, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn fix_adds_yes_after_yum() {
        for (source, expected) in [
            (
                "FROM centos\nRUN yum install x\n",
                "FROM centos\nRUN yum -y install x\n",
            ),
            (
                "FROM centos\nRUN true \\\n && sudo /usr/bin/yum \\\n    module install x:1\n",
                "FROM centos\nRUN true \\\n && sudo /usr/bin/yum -y \\\n    module install x:1\n",
            ),
            (
                "FROM centos\nONBUILD RUN yum install x\n",
                "FROM centos\nONBUILD RUN yum -y install x\n",
            ),
        ] {
            let diagnostics = check(&YumInstallWithoutYes, source);
            assert_eq!(fixed(source, &diagnostics), expected, "{source}");
            assert!(check(&YumInstallWithoutYes, expected).is_empty());
        }
        let source = "FROM centos\nRUN <<EOF\nyum install x\nEOF\n";
        assert!(check(&YumInstallWithoutYes, source)[0].fix.is_none());
    }
}

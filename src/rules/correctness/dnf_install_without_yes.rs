//! DFL1081 `dnf-install-without-yes`: a `dnf` command would wait for a confirmation.

use crate::Diagnostic;
use crate::Severity;
use crate::rules::correctness::yum_install_without_yes::{rpm_answered, rpm_prompting_subcommand};
use crate::rules::os_packages::{PromptSpec, report_prompting};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::Area;
use crate::shell::packages::program;
use crate::shell::{Command, Word};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1081",
    name: "dnf-install-without-yes",
    category: RuleCategory::Correctness,
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DL3038"],
    summary: "A `dnf` command that changes packages runs without `-y`, so it may stop at a \
              confirmation prompt.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions (also inside `ONBUILD`), and the scripts they give to
a shell (heredocs, quoted `sh -c` strings), for `dnf` (or `dnf5`, `dnf-3`) commands that ask
"Is this ok [y/N]" before they change packages: `install`, `groupinstall`,
`localinstall`, `reinstall`, `remove`, `erase`, `update`, `upgrade`, `downgrade`,
`distro-sync`, `swap`, `autoremove`, `builddep`, the `group` and `module` forms of these
(`module enable` and `module reset` included); also behind `sudo`, `env` or `xargs`. It
flags them when nothing answers the prompt:

- no `-y` (alone or combined, as in `-yq`), `--assumeyes` or `--assumeno`;
- no `--setopt=assumeyes=True` (or `1`), and no earlier `RUN` of the stage (or of the
  stages it is built on) that writes `assumeyes=True` or `assumeyes=1` to `dnf.conf`;
- no `yes |` pipe.

The fix inserts ` -y` after `dnf`; commands in heredocs and `sh -c` strings are not fixed.

Differences from hadolint: hadolint's `DL3038` also flags `microdnf`, whose `-y` "does
nothing, we always assume yes": microdnf never prompts, so dflint leaves it alone. hadolint
looks at `install`, `groupinstall` and `localinstall` only, wherever the word appears among
the arguments; dflint reads the subcommand (skipping option values such as
`--enablerepo x`), also flags the other subcommands that prompt, and accepts the
`assumeyes` setting and `yes |`.

## Why is this bad?
A build has no terminal to answer the prompt: dnf reads the end of its input, says
"Operation aborted" and fails, so the build fails, sometimes only once a dependency changes
and there is more to install or update than before.

## Example
```dockerfile
FROM fedora:40
RUN dnf install httpd-2.4.62 && dnf clean all
```

## Use instead
```dockerfile
FROM fedora:40
RUN dnf -y install httpd-2.4.62 && dnf clean all
```

## References
- `dnf(8)`: `-y`, `--assumeyes`, `--setopt`.
- hadolint `DL3038`.
"#,
    fix_changes: &[Area::Commands, Area::Config],
};

/// DFL1081
pub struct DnfInstallWithoutYes;

fn prompting(command: &Command) -> Option<(&Word, String)> {
    if !matches!(program(command), Some("dnf" | "dnf5" | "dnf-3")) {
        return None;
    }
    rpm_prompting_subcommand(command)
}

static SPEC: PromptSpec = PromptSpec {
    meta: &META,
    mentions: &["dnf"],
    prompting,
    answered: rpm_answered,
    settings: &["assumeyes=1", "assumeyes=true"],
    flag: "-y",
    help: "add `-y`: a build cannot answer dnf's prompt, so dnf aborts and the build fails",
};

impl Rule for DnfInstallWithoutYes {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        report_prompting(ctx, out, &SPEC);
    }
}

#[cfg(test)]
mod tests {
    use super::DnfInstallWithoutYes;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_prompting_commands_without_yes() {
        for (source, expected) in [
            ("FROM fedora\nRUN dnf install httpd\n", vec!["install"]),
            ("FROM fedora\nRUN dnf5 --refresh upgrade\n", vec!["upgrade"]),
            (
                "FROM fedora\nRUN dnf module enable nodejs:20\n",
                vec!["enable"],
            ),
            (
                "FROM fedora\nRUN dnf group install 'C Development'\n",
                vec!["install"],
            ),
            (
                "FROM fedora\nRUN env LANG=C dnf -q builddep x.spec\n",
                vec!["builddep"],
            ),
            ("FROM fedora\nONBUILD RUN dnf install x\n", vec!["install"]),
        ] {
            let diagnostics = check(&DnfInstallWithoutYes, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_answers_and_microdnf() {
        for source in [
            "FROM fedora\nRUN dnf install -y x\n",
            "FROM fedora\nRUN dnf -qy install x\n",
            "FROM fedora\nRUN dnf --assumeyes install x\n",
            "FROM fedora\nRUN dnf --setopt=assumeyes=True install x\n",
            "FROM fedora\nRUN echo 'assumeyes=True' >> /etc/dnf/dnf.conf\nRUN dnf install x\n",
            "FROM fedora\nRUN yes | dnf install x\n",
            "FROM fedora\nRUN microdnf install x\n",
            "FROM fedora\nRUN dnf module list && dnf repolist && dnf clean all\n",
        ] {
            assert!(check(&DnfInstallWithoutYes, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn fix_adds_yes_after_dnf() {
        let source = "FROM fedora\nRUN dnf --refresh install x && dnf clean all\n";
        let expected = "FROM fedora\nRUN dnf -y --refresh install x && dnf clean all\n";
        let diagnostics = check(&DnfInstallWithoutYes, source);
        assert_eq!(fixed(source, &diagnostics), expected);
        assert!(check(&DnfInstallWithoutYes, expected).is_empty());
    }
}

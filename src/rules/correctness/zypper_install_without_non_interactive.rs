//! DFL1082 `zypper-install-without-non-interactive`: a `zypper` command would wait for an
//! answer.

use crate::Diagnostic;
use crate::Severity;
use crate::rules::os_packages::{PromptSpec, report_prompting};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::Area;
use crate::shell::packages::{ZYPPER_VALUE_OPTIONS, program, subcommand, subcommand_index};
use crate::shell::{Command, Word};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1082",
    name: "zypper-install-without-non-interactive",
    category: RuleCategory::Correctness,
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DL3034", "DF043"],
    summary: "A `zypper` command that changes packages runs without `-n`, so it may stop at \
              a prompt.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions (also inside `ONBUILD`), and the scripts they give to
a shell (heredocs, quoted `sh -c` strings), for `zypper` commands that ask before they change
packages: `install`/`in`, `remove`/`rm`, `source-install`/`si`, `patch`, `update`/`up`,
`dist-upgrade`/`dup`, `install-new-recommends`/`inr` and `verify`/`ve`; also behind `sudo`,
`env` or `xargs`. It flags them when nothing answers:

- no global `-n` or `--non-interactive` before the subcommand (`--non-interactive` is
  accepted anywhere);
- no `-y` or `--no-confirm` (alone or combined) given to the subcommand;
- no `yes |` pipe.

The fix inserts the global ` -n` right after `zypper` (`zypper -n install ...`), where
zypper reads global options; commands in heredocs and `sh -c` strings are not fixed.

Differences from hadolint: hadolint's `DL3034` accepts `-n` anywhere, but after the
subcommand `-n` is `install --name` (select by name), which still prompts: dflint counts
`-n` only before the subcommand. hadolint looks for the subcommand anywhere among the
arguments and knows fewer subcommands; dflint reads the subcommand (skipping option values
such as `--root /x`) and also flags `update`, `dist-upgrade`, `install-new-recommends` and
`verify`.

## Why is this bad?
A build has no terminal to answer: zypper reads the end of its input and aborts, so the
build fails, sometimes only once a dependency changes and zypper has more to ask about.

## Example
```dockerfile
FROM opensuse/leap:15.6
RUN zypper install curl-8.6.0 && zypper clean -a
```

## Use instead
```dockerfile
FROM opensuse/leap:15.6
RUN zypper -n install curl-8.6.0 && zypper clean -a
```

## References
- `zypper(8)`: `--non-interactive`, `install --no-confirm`.
- hadolint `DL3034`.
"#,
    fix_changes: &[Area::Commands, Area::Config],
};

/// DFL1082
pub struct ZypperInstallWithoutNonInteractive;

/// The subcommands of zypper that may ask for an answer.
const PROMPTING: &[&str] = &[
    "install",
    "in",
    "remove",
    "rm",
    "source-install",
    "si",
    "patch",
    "update",
    "up",
    "dist-upgrade",
    "dup",
    "install-new-recommends",
    "inr",
    "verify",
    "ve",
];

fn prompting(command: &Command) -> Option<(&Word, String)> {
    if program(command) != Some("zypper") {
        return None;
    }
    let sub = subcommand(command, ZYPPER_VALUE_OPTIONS)?;
    sub.value
        .as_deref()
        .is_some_and(|v| PROMPTING.contains(&v))
        .then(|| (sub, sub.text.clone()))
}

fn answered(command: &Command) -> bool {
    if command.has_flag(None, Some("non-interactive"))
        || command.has_flag(Some('y'), Some("no-confirm"))
    {
        return true;
    }
    // The global `-n`, before the subcommand.
    let end = subcommand_index(&command.args, ZYPPER_VALUE_OPTIONS).unwrap_or(0);
    let globals = Command {
        args: command.args[..end].to_vec(),
        ..command.clone()
    };
    globals.has_flag(Some('n'), None)
}

static SPEC: PromptSpec = PromptSpec {
    meta: &META,
    mentions: &["zypper"],
    prompting,
    answered,
    settings: &[],
    flag: "-n",
    help: "add the global `-n` (`--non-interactive`): a build cannot answer zypper's prompt, \
           so zypper aborts and the build fails",
};

impl Rule for ZypperInstallWithoutNonInteractive {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        report_prompting(ctx, out, &SPEC);
    }
}

#[cfg(test)]
mod tests {
    use super::ZypperInstallWithoutNonInteractive as Rule;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_prompting_commands() {
        for (source, expected) in [
            ("FROM opensuse\nRUN zypper install x\n", vec!["install"]),
            ("FROM opensuse\nRUN zypper in -n x\n", vec!["in"]),
            ("FROM opensuse\nRUN zypper --root /x rm y\n", vec!["rm"]),
            (
                "FROM opensuse\nRUN zypper refresh && zypper dup\n",
                vec!["dup"],
            ),
            ("FROM opensuse\nONBUILD RUN zypper patch\n", vec!["patch"]),
        ] {
            let diagnostics = check(&Rule, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_non_interactive_runs() {
        for source in [
            "FROM opensuse\nRUN zypper -n install x\n",
            "FROM opensuse\nRUN zypper -qn in x\n",
            "FROM opensuse\nRUN zypper --non-interactive install x\n",
            "FROM opensuse\nRUN zypper install --non-interactive x\n",
            "FROM opensuse\nRUN zypper install -y x\n",
            "FROM opensuse\nRUN zypper in --no-confirm x\n",
            "FROM opensuse\nRUN yes | zypper in x\n",
            "FROM opensuse\nRUN zypper refresh && zypper clean -a && zypper search x\n",
        ] {
            assert!(check(&Rule, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn fix_adds_the_global_flag() {
        let source = "FROM opensuse\nRUN zypper --gpg-auto-import-keys install x\n";
        let expected = "FROM opensuse\nRUN zypper -n --gpg-auto-import-keys install x\n";
        let diagnostics = check(&Rule, source);
        assert_eq!(fixed(source, &diagnostics), expected);
        assert!(check(&Rule, expected).is_empty());
    }
}

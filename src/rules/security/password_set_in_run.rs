//! DFL2132 `password-set-in-run`: a RUN sets an account password with `chpasswd`, `passwd`,
//! `useradd -p` or `usermod -p`.

use crate::Diagnostic;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::shell::Command;
use crate::shell::packages::{program, real_commands};
use crate::syntax::TextRange;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL2132",
    name: "password-set-in-run",
    category: RuleCategory::Security,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["CKV2_DOCKER_17"],
    summary: "A RUN sets an account password, which the image history keeps.",
    docs: r#"## What it does
Flags commands of a `RUN` (also behind `sudo`, in heredocs and `sh -c` strings) that set an
account password: `chpasswd`, `passwd --stdin`, `passwd` fed by a pipe
(`echo secret | passwd root`), and `useradd`/`usermod` with `-p`/`--password` (unless the
value locks the account: `*`, `!`, `!!`, `x`, empty, or random bytes such as
`$(head -c32 /dev/urandom | base64)`).

A `RUN` with a secret mount (`--mount=type=secret`) is not flagged: the password can come
from the secret instead of the command line.

## Why is this bad?
The command line of every `RUN` is stored in the image history: `docker history --no-trunc`
shows `echo 'root:hunter2' | chpasswd` to anyone who can pull the image. Even a hashed
password (`chpasswd -e`, `useradd -p`) can be cracked offline. And a password baked in the
image is the same in every container started from it.

## Example
```dockerfile
FROM ubuntu:24.04
RUN useradd -m app && echo 'app:changeme' | chpasswd
```

## Use instead
```dockerfile
FROM ubuntu:24.04
RUN useradd -m app
```

Containers rarely need a password login. When one does, set the password when the container
starts, or read it from a build secret:
`RUN --mount=type=secret,id=pw sh -c 'echo "app:$(cat /run/secrets/pw)" | chpasswd'`.

## References
- Checkov `CKV2_DOCKER_17`.
- Docker docs: build secrets (`RUN --mount=type=secret`).
"#,
    fix_changes: &[],
};

/// DFL2132
pub struct PasswordSetInRun;

/// Values of `useradd -p` that lock the account rather than set a password.
const LOCKED: &[&str] = &["", "*", "!", "!!", "x", "!*"];

/// The word that sets a password, and what does.
fn finding(command: &Command) -> Option<(TextRange, String)> {
    let name = program(command)?;
    match name {
        "chpasswd" => Some((command.name.range, "`chpasswd` sets a password".into())),
        "passwd" => {
            let values: Vec<&str> = command.args.iter().map(|w| w.value_or_text()).collect();
            if values.contains(&"--stdin") {
                return Some((
                    command.name.range,
                    "`passwd --stdin` sets a password".into(),
                ));
            }
            // Fed by a pipe, and not only locking, deleting or showing.
            let other = values.iter().any(|v| v.starts_with('-'));
            let piped = command.in_pipeline
                && command
                    .separator_after
                    .is_none_or(|s| s != crate::shell::Separator::Pipe);
            (piped && !other).then(|| {
                (
                    command.name.range,
                    "`passwd` reads a password from a pipe".into(),
                )
            })
        }
        "useradd" | "usermod" | "adduser" => {
            let args = &command.args;
            for (i, arg) in args.iter().enumerate() {
                let v = arg.value_or_text();
                let value = match v {
                    "-p" | "--password" => args.get(i + 1).map(|w| (w.value_or_text(), w.range)),
                    _ => v.strip_prefix("--password=").map(|rest| (rest, arg.range)),
                };
                // A random value is no password anyone knows: it locks the account too.
                let random = |v: &str| {
                    ["urandom", "random", "openssl rand", "pwgen"]
                        .iter()
                        .any(|r| v.contains(r))
                };
                if let Some((value, range)) = value
                    && !LOCKED.contains(&value)
                    && !random(value)
                {
                    let flag = v.split('=').next().unwrap_or(v);
                    return Some((
                        arg.range.cover(range),
                        format!("`{name} {flag}` sets a password"),
                    ));
                }
            }
            None
        }
        _ => None,
    }
}

impl Rule for PasswordSetInRun {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in ctx.run_scripts(&["chpasswd", "passwd", "useradd", "usermod", "adduser"]) {
            let secret = run.instruction.flags().any(|f| {
                f.name() == "mount"
                    && f.value_text()
                        .is_some_and(|v| v.replace(['"', '\''], "").contains("type=secret"))
            });
            if secret {
                continue;
            }
            for (_, real) in real_commands(run) {
                if real.command.recovered {
                    continue;
                }
                if let Some((range, message)) = finding(&real.command) {
                    out.push(META.diagnostic(range, message).with_help(
                        "the command line is kept in the image history, and the password is \
                         the same in every container: set it when the container starts, read \
                         it from a build secret (`RUN --mount=type=secret`), or leave the \
                         account without one",
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PasswordSetInRun;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_passwords() {
        for (source, expected) in [
            (
                "FROM alpine\nRUN echo 'root:x' | chpasswd\n",
                vec!["chpasswd"],
            ),
            (
                "FROM alpine\nRUN echo 'root:$6$abc' | chpasswd -e\n",
                vec!["chpasswd"],
            ),
            (
                "FROM centos\nRUN echo secret | passwd --stdin root\n",
                vec!["passwd"],
            ),
            (
                "FROM debian\nRUN echo -e 'pw\\npw' | passwd app\n",
                vec!["passwd"],
            ),
            (
                "FROM debian\nRUN useradd -m -p $(openssl passwd -1 pw) app\n",
                vec!["-p $(openssl passwd -1 pw)"],
            ),
            (
                "FROM debian\nRUN usermod --password='$6$x' app\n",
                vec!["--password='$6$x'"],
            ),
            (
                "FROM debian\nRUN sudo sh -c \"echo 'a:b' | chpasswd\"\n",
                vec!["chpasswd"],
            ),
        ] {
            let diagnostics = check(&PasswordSetInRun, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_accounts_without_passwords() {
        for source in [
            "FROM debian\nRUN useradd -m app\n",
            "FROM debian\nRUN useradd -p '*' app && usermod -p ! app\n",
            "FROM debian\nRUN passwd -d root\n",
            "FROM debian\nRUN useradd --password $(head -c32 /dev/urandom | base64) app\n",
            "FROM debian\nRUN passwd -l root\n",
            "FROM debian\nRUN --mount=type=secret,id=pw sh -c 'echo \"app:$(cat /run/secrets/pw)\" | chpasswd'\n",
            "FROM debian\nRUN echo chpasswd > /notes\n",
        ] {
            let d = check(&PasswordSetInRun, source);
            assert!(d.is_empty(), "{source}: {:?}", flagged(source, &d));
        }
    }
}

//! DFL2112 `workdir-system-directory`: a WORKDIR in a directory the kernel or the host
//! provides (`/proc`, `/sys`, `/dev`, `/boot`...).

use crate::Diagnostic;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::syntax::SyntaxKind;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL2112",
    name: "workdir-system-directory",
    category: RuleCategory::Security,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DS030"],
    summary: "A `WORKDIR` is in `/proc`, `/sys`, `/dev`, `/boot` or another system directory.",
    docs: r#"## What it does
Checks the working directory every `WORKDIR` sets, as the build engine resolves it (ARG and
ENV values substituted, relative paths joined to the previous `WORKDIR`, `..` removed), and
flags one that is, or is inside, `/proc`, `/sys`, `/dev`, `/boot`, `/initrd` or
`/lost+found`. A directory whose value is not known is not flagged.

Differences from Trivy: Trivy (DS030) compares the text as written, so it misses `/proc`
without a trailing slash, relative paths and variables; dflint adds `/sys`, which the
container runtime mounts like `/proc`. Directories such as `/`, `/etc` or `/usr/bin` are
ordinary places to work in an image and are not flagged.

## Why is this bad?
The container runtime mounts `/proc`, `/sys` and `/dev` from the kernel when the container
starts, hiding what the build put there, and a process working in them acts on kernel and
device interfaces of the host. `/boot`, `/initrd` and `/lost+found` belong to a host's disk,
not to an image. A working directory there is a typo or a misunderstanding, and a container
started there is a step towards breaking out of it.

## Example
```dockerfile
FROM alpine:3.20
WORKDIR /proc/app
COPY app .
```

## Use instead
```dockerfile
FROM alpine:3.20
WORKDIR /srv/app
COPY app .
```

## References
- Trivy: DS030, "WORKDIR should not be mounted on system dirs".
"#,
    fix_changes: &[],
};

/// DFL2112
pub struct WorkdirSystemDirectory;

/// Directories the kernel or the host provide.
const SYSTEM_DIRECTORIES: &[&str] = &["/proc", "/sys", "/dev", "/boot", "/initrd", "/lost+found"];

/// The system directory `path` is in, if any.
fn system_directory(path: &str) -> Option<&'static str> {
    SYSTEM_DIRECTORIES.iter().copied().find(|dir| {
        path.strip_prefix(dir)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

impl Rule for WorkdirSystemDirectory {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let instructions = ctx.stage_instructions();
        for stage in &ctx.build.stages {
            for step in stage
                .steps
                .iter()
                .filter(|s| s.kind == SyntaxKind::WORKDIR_INSTR)
            {
                let Some(path) = step
                    .layer
                    .and_then(|l| stage.layers.get(l))
                    .and_then(|l| l.destination.as_ref())
                    .and_then(crate::semantic::expand::Value::known)
                else {
                    continue;
                };
                let Some(dir) = system_directory(&path) else {
                    continue;
                };
                let range = instructions
                    .iter()
                    .find(|(_, i)| i.range() == step.range)
                    .and_then(|(_, i)| i.words().next())
                    .map_or(step.range, crate::ast::Word::range);
                out.push(
                    META.diagnostic(
                        range,
                        format!("`WORKDIR` `{path}` is inside the system directory `{dir}`"),
                    )
                    .with_help(format!(
                        "`{dir}` is provided by the kernel or the host, not by the image: work \
                         in a directory of the image such as `/srv/app`"
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::WorkdirSystemDirectory;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_system_directories() {
        for (source, expected) in [
            ("FROM a\nWORKDIR /proc\n", vec!["/proc"]),
            (
                "FROM a\nWORKDIR \"/proc/self/fd/1\"\n",
                vec!["\"/proc/self/fd/1\""],
            ),
            ("FROM a\nWORKDIR /sys/\n", vec!["/sys/"]),
            ("FROM a\nWORKDIR /\nWORKDIR dev\n", vec!["dev"]),
            ("FROM a\nWORKDIR /app/../boot\n", vec!["/app/../boot"]),
            ("FROM a\nARG D=/lost+found\nWORKDIR $D\n", vec!["$D"]),
        ] {
            let diagnostics = check(&WorkdirSystemDirectory, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_ordinary_directories() {
        for source in [
            "FROM a\nWORKDIR /\n",
            "FROM a\nWORKDIR /etc/nginx\n",
            "FROM a\nWORKDIR /usr/bin\n",
            "FROM a\nWORKDIR /development\n",
            "FROM a\nWORKDIR /devices\n",
            "FROM a\nWORKDIR /app/proc\n",
            "FROM a\nWORKDIR $HOME\n",
        ] {
            assert!(
                check(&WorkdirSystemDirectory, source).is_empty(),
                "{source}"
            );
        }
    }
}

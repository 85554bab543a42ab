//! DFL2134 `world-writable-permissions`: `chmod 777` and other modes that let every user
//! write.

use crate::Diagnostic;
use crate::ast::Instruction;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::shell::packages::{program, real_commands};
use crate::syntax::{SyntaxKind, TextRange};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL2134",
    name: "world-writable-permissions",
    category: RuleCategory::Security,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Preview,
    aliases: &["DF034"],
    summary: "A file mode lets every user write to a path.",
    docs: r#"## What it does
Opt-in (preview). Flags modes that make a path writable by every user ("others"):

* `chmod` in a `RUN` (also `-R`, behind `sudo`, in heredocs and `sh -c` strings) with an octal
  mode whose last digit has the write bit (`777`, `0666`, `-R 777`) or a symbolic mode giving
  `w` to `o` or `a` (`a+rwx`, `o+w`, `ugo=rwx`, `a+w,u+x`);
* `mkdir -m`, `install -m` and `install -d -m` with such a mode;
* `COPY --chmod=` and `ADD --chmod=` with such a mode.

A mode with the sticky bit (`1777`, `+t`) is not flagged: that is the right mode for shared
directories such as `/tmp`, where users can create files but not remove other users' ones.

## Why is this bad?
Any process in the container, whatever user it runs as, can then change these files: a
compromised service can rewrite the application's code or configuration, or plant a binary
that a more privileged process runs later. It is usually a shortcut around a permission
problem that a precise owner or group fixes.

## Example
```dockerfile
FROM node:22
COPY . /app
RUN chmod -R 777 /app
USER node
```

## Use instead
```dockerfile
FROM node:22
COPY --chown=node:node . /app
USER node
```

For images that run under an arbitrary user id in group 0 (OpenShift), give the group the
owner's rights instead: `chgrp -R 0 /app && chmod -R g=u /app`.

## References
- chmod(1): symbolic and numeric modes, the sticky bit.
"#,
    fix_changes: &[],
};

/// DFL2134
pub struct WorldWritablePermissions;

/// Whether a mode (octal or symbolic) gives others write access without the sticky bit.
fn world_writable(mode: &str) -> bool {
    if !mode.is_empty() && mode.chars().all(|c| c.is_digit(8)) {
        let digits: Vec<u32> = mode.chars().filter_map(|c| c.to_digit(8)).collect();
        let others = digits[digits.len() - 1];
        let sticky = digits.len() == 4 && digits[0] & 1 == 1;
        return digits.len() >= 3 && others & 2 == 2 && !sticky;
    }
    let mut writable = false;
    let mut sticky = false;
    for clause in mode.split(',') {
        let who: String = clause
            .chars()
            .take_while(|c| matches!(c, 'u' | 'g' | 'o' | 'a'))
            .collect();
        let rest = &clause[who.len()..];
        if rest.is_empty() || !rest.starts_with(['+', '=', '-']) {
            return false;
        }
        // Each `[+=-]perms` action of the clause.
        let mut chars = rest.chars().peekable();
        while let Some(op) = chars.next() {
            let mut perms = String::new();
            while let Some(&c) = chars.peek() {
                if matches!(c, '+' | '=' | '-') {
                    break;
                }
                perms.push(c);
                chars.next();
            }
            if op == '-' {
                continue;
            }
            if perms.contains('t') {
                sticky = true;
            }
            if perms.contains('w') && (who.contains('o') || who.contains('a')) {
                writable = true;
            }
        }
    }
    writable && !sticky
}

/// The mode argument of `chmod`: the first argument that is not an option (`-R`, `-v`...)
/// and not `--reference`.
fn chmod_mode(args: &[crate::shell::Word]) -> Option<&crate::shell::Word> {
    args.iter().find(|w| {
        let v = w.value_or_text();
        !v.starts_with('-')
            || (v.len() > 1 && v[1..].starts_with(['r', 'w', 'x']) && !v.starts_with("--"))
    })
}

impl Rule for WorldWritablePermissions {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let mut found: Vec<(TextRange, String)> = Vec::new();
        for run in ctx.run_scripts(&["chmod", "mkdir", "install"]) {
            for (_, real) in real_commands(run) {
                let command = &real.command;
                if command.recovered {
                    continue;
                }
                let mode = match program(command) {
                    Some("chmod") => chmod_mode(&command.args),
                    Some(name @ ("mkdir" | "install")) => {
                        let args = &command.args;
                        args.iter()
                            .position(|w| w.is("-m") || w.is("--mode"))
                            .and_then(|i| args.get(i + 1))
                            .or_else(|| {
                                args.iter().find(|w| {
                                    w.value_or_text().starts_with("--mode=")
                                        || (name == "mkdir"
                                            && w.value_or_text().starts_with("-m")
                                            && w.value_or_text().len() > 2)
                                })
                            })
                    }
                    _ => None,
                };
                let Some(mode) = mode else { continue };
                let Some(value) = mode.value.as_deref() else {
                    continue;
                };
                let value = value
                    .strip_prefix("--mode=")
                    .or_else(|| value.strip_prefix("-m"))
                    .unwrap_or(value);
                if world_writable(value) {
                    found.push((
                        mode.range,
                        match program(command) {
                            Some("chmod") => format!("`chmod {value}` lets every user write"),
                            name => format!(
                                "`{} -m {value}` lets every user write",
                                name.unwrap_or_default()
                            ),
                        },
                    ));
                }
            }
        }
        for instruction in ctx.instructions() {
            let instruction: Instruction<'_> = instruction.onbuild_trigger().unwrap_or(instruction);
            if !matches!(
                instruction.kind(),
                SyntaxKind::COPY_INSTR | SyntaxKind::ADD_INSTR
            ) {
                continue;
            }
            let Some(flag) = instruction.flag("chmod") else {
                continue;
            };
            let Some(value) = flag.value_text() else {
                continue;
            };
            let value = crate::syntax::unquote(&value, ctx.escape());
            if world_writable(&value) {
                let keyword = instruction.keyword().to_ascii_uppercase();
                found.push((
                    flag.range(),
                    format!("`{keyword} --chmod={value}` lets every user write"),
                ));
            }
        }
        found.sort_by_key(|(r, _)| r.start);
        for (range, message) in found {
            out.push(META.diagnostic(range, message).with_help(
                "give write access to the user or group that needs it (`--chown`, `chown`, \
                 `chmod g+w`) instead: any process in the container can change a file every \
                 user may write",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{WorldWritablePermissions, world_writable};
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn modes() {
        for mode in [
            "777", "0777", "666", "0002", "a+rwx", "o+w", "ugo=rwx", "u+x,a+w", "a=rw",
        ] {
            assert!(world_writable(mode), "{mode}");
        }
        for mode in [
            "755", "0644", "1777", "775", "a+rX", "o-w", "u+w", "g+w", "+x", "a+rwxt", "o=rx",
            "4755", "77",
        ] {
            assert!(!world_writable(mode), "{mode}");
        }
    }

    #[test]
    fn flags_world_writable_modes() {
        for (source, expected) in [
            ("FROM alpine\nRUN chmod 777 /app\n", vec!["777"]),
            ("FROM alpine\nRUN chmod -R 0777 /app /data\n", vec!["0777"]),
            ("FROM alpine\nRUN sudo chmod -R a+rwx /app\n", vec!["a+rwx"]),
            ("FROM alpine\nRUN mkdir -p -m 777 /data\n", vec!["777"]),
            ("FROM alpine\nRUN install -d -m 0777 /data\n", vec!["0777"]),
            (
                "FROM alpine\nCOPY --chmod=777 . /app\n",
                vec!["--chmod=777"],
            ),
        ] {
            let diagnostics = check(&WorldWritablePermissions, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_narrow_modes() {
        for source in [
            "FROM alpine\nRUN chmod 755 /app\n",
            "FROM alpine\nRUN chmod 1777 /tmp\n",
            "FROM alpine\nRUN chmod -R g=u /app\n",
            "FROM alpine\nRUN chmod +x /entrypoint.sh\n",
            "FROM alpine\nCOPY --chmod=755 run.sh /\n",
            "FROM alpine\nRUN chmod $MODE /app\n",
            "FROM alpine\nRUN echo chmod 777 /app\n",
        ] {
            let d = check(&WorldWritablePermissions, source);
            assert!(d.is_empty(), "{source}: {:?}", flagged(source, &d));
        }
    }
}

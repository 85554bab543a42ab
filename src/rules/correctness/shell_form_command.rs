//! DFL1041 `shell-form-command`: CMD, ENTRYPOINT or HEALTHCHECK CMD written in shell form.

use crate::Diagnostic;
use crate::ast::{Instruction, ShellForm};
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::Area;
use crate::semantic::{Base, Field};
use crate::syntax::{SyntaxKind, TextRange};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1041",
    name: "shell-form-command",
    category: RuleCategory::Correctness,
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DL3025", "JSONArgsRecommended", "DF018", "DF025"],
    summary: "`CMD`, `ENTRYPOINT` or `HEALTHCHECK CMD` is written in shell form.",
    docs: r#"## What it does
Checks `CMD` and `ENTRYPOINT` written in shell form (`CMD node server.js` rather than
`CMD ["node", "server.js"]`), and `HEALTHCHECK CMD` in shell form when its command is a
plain list of words that needs no shell.

As BuildKit does, an instruction is not flagged when the stage has set a `SHELL` before it
(itself or through the stage it is built on): choosing a shell says that the shell form is
meant. Instructions wrapped in `ONBUILD` are not checked.

Differences from hadolint: hadolint flags shell form even after a `SHELL`, and flags every
shell-form `HEALTHCHECK CMD` since 2.15. A health check that uses the shell
(`curl -f http://localhost/ || exit 1`) runs exactly as it would in exec form wrapped in
`/bin/sh -c`, so only the ones that need no shell are reported here: in exec form they also
work in images without `/bin/sh`.

## Why is this bad?
In shell form the builder runs the command as `/bin/sh -c "<command>"`. The shell becomes
the container's main process (PID 1) and does not forward signals, so `docker stop` sends
`SIGTERM` to the shell, the program never sees it and is killed after the timeout. A shell
form `ENTRYPOINT` also ignores `CMD` and the arguments of `docker run`.

## Example
```dockerfile
FROM node:22
CMD node server.js
```

## Use instead
```dockerfile
FROM node:22
CMD ["node", "server.js"]
```

A command that needs the shell (variables, `&&`, pipes, redirections) can end with `exec`,
so that the program replaces the shell, or move into a script run in exec form:

```
CMD ["/app/start.sh"]
```

## Fix safety
The fix rewrites a command made only of plain words (no quotes, variables, globs,
redirections, operators or shell builtins, and no comment lines inside it) in exec form:
`CMD node server.js` becomes `CMD ["node", "server.js"]`, and a leading `exec` is dropped.
It is unsafe: it changes how the container runs, which is the point. The program becomes
PID 1 and receives signals itself, the command no longer runs with `/bin/sh`, and an exec
form `ENTRYPOINT` receives `CMD` and the `docker run` arguments. Commands that need a shell
get no fix: wrapping them in `["/bin/sh", "-c", "..."]` would silence the rule without
changing anything.

## References
- Dockerfile reference: shell and exec form; `CMD`, `ENTRYPOINT`, `HEALTHCHECK`.
- BuildKit check `JSONArgsRecommended`; hadolint `DL3025`.
"#,
    fix_changes: &[Area::Config],
};

/// DFL1041
pub struct ShellFormCommand;

/// Words that make the shell do something other than run a program.
const SHELL_WORDS: &[&str] = &[
    "!", ".", ":", "alias", "bg", "break", "case", "cd", "command", "continue", "do", "done",
    "elif", "else", "esac", "eval", "exit", "export", "fg", "fi", "for", "function", "getopts",
    "hash", "if", "jobs", "local", "read", "readonly", "return", "select", "set", "shift",
    "source", "then", "time", "trap", "type", "ulimit", "umask", "unalias", "unset", "until",
    "wait", "while", "{", "}",
];

/// The words of a shell command that needs no shell, or `None` when the shell would
/// change its meaning. A leading `exec` is dropped.
fn plain_words(command: &str) -> Option<Vec<&str>> {
    let special = |c: char| {
        matches!(
            c,
            '$' | '`'
                | '"'
                | '\''
                | '\\'
                | '|'
                | '&'
                | ';'
                | '<'
                | '>'
                | '('
                | ')'
                | '*'
                | '?'
                | '['
                | ']'
                | '{'
                | '}'
                | '%'
        )
    };
    let mut words: Vec<&str> = command.split_whitespace().collect();
    if words.first() == Some(&"exec") {
        words.remove(0);
    }
    let first = *words.first()?;
    if SHELL_WORDS.contains(&first) || first.contains('=') {
        return None;
    }
    let plain = words
        .iter()
        .all(|w| !w.contains(special) && !w.starts_with(['#', '~']));
    plain.then_some(words)
}

/// The exec form of plain words: `["a", "b"]`.
fn exec_form(words: &[&str]) -> String {
    let strings: Vec<String> = words
        .iter()
        .map(|w| serde_json::to_string(w).unwrap_or_default())
        .collect();
    format!("[{}]", strings.join(", "))
}

/// Whether a comment line sits inside the command (the fix would drop it).
fn has_comments(shell: ShellForm<'_>) -> bool {
    shell
        .syntax()
        .tokens()
        .any(|t| t.kind() == SyntaxKind::COMMENT)
}

/// Whether a SHELL is in force at `offset`: set earlier in the stage containing it, or in
/// the config of the stage it is built on.
fn shell_set_before(ctx: &RuleContext<'_>, offset: u32) -> bool {
    let Some(stage) = ctx.build.stages.iter().find(|s| s.range.contains(offset)) else {
        return false;
    };
    let inherited = match stage.base {
        Base::Stage(base) => ctx
            .build
            .stages
            .get(base)
            .is_some_and(|b| matches!(b.config.shell, Field::Set(_))),
        _ => false,
    };
    inherited
        || stage
            .steps
            .iter()
            .any(|s| s.kind == SyntaxKind::SHELL_INSTR && s.range.end <= offset)
}

/// The keyword to flag and the shell-form command of an instruction this rule checks.
fn target(instruction: Instruction<'_>) -> Option<(TextRange, &'static str, ShellForm<'_>)> {
    let shell = instruction.shell_form()?;
    match instruction.kind() {
        SyntaxKind::CMD_INSTR => Some((instruction.keyword_range()?, "CMD", shell)),
        SyntaxKind::ENTRYPOINT_INSTR => Some((instruction.keyword_range()?, "ENTRYPOINT", shell)),
        SyntaxKind::HEALTHCHECK_INSTR => {
            let keyword = instruction
                .syntax()
                .child(SyntaxKind::HEALTHCHECK_TYPE)?
                .child_token(SyntaxKind::KEYWORD)?;
            Some((keyword.range(), "HEALTHCHECK CMD", shell))
        }
        _ => None,
    }
}

impl Rule for ShellFormCommand {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for instruction in ctx.instructions() {
            let Some((range, name, shell)) = target(instruction) else {
                continue;
            };
            let text = shell.text();
            if text.trim().is_empty() || shell_set_before(ctx, instruction.range().start) {
                continue;
            }
            let words = plain_words(&text);
            let healthcheck = instruction.kind() == SyntaxKind::HEALTHCHECK_INSTR;
            if healthcheck && words.is_none() {
                continue;
            }
            let fix = words.filter(|_| !has_comments(shell)).map(|words| {
                Fix::new(
                    format!("Write `{name}` in exec form"),
                    Applicability::Unsafe,
                    vec![Edit::replace(shell.range(), exec_form(&words))],
                )
            });
            let help = if healthcheck {
                "write the command as a JSON array, such as `HEALTHCHECK CMD [\"prog\", \"arg\"]`: \
                 it needs no shell, so it also works in images without `/bin/sh`"
                    .to_string()
            } else {
                format!(
                    "write the command as a JSON array, such as `{name} [\"prog\", \"arg\"]`, so \
                     that the program runs as PID 1 and receives signals such as `SIGTERM`; a \
                     command that needs a shell can end with `exec` or move into a script"
                )
            };
            out.push(
                META.diagnostic(range, format!("`{name}` is written in shell form"))
                    .with_help(help)
                    .with_fix(fix),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{META, ShellFormCommand};
    use crate::fix::FixMode;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_shell_form() {
        for (source, expected) in [
            ("FROM a\nCMD node server.js\n", vec!["CMD"]),
            (
                "FROM a\nentrypoint nginx -g 'daemon off;'\n",
                vec!["entrypoint"],
            ),
            ("FROM a\nCMD echo $HOME && sleep 1\n", vec!["CMD"]),
            (
                "FROM a\nHEALTHCHECK --interval=5s CMD pg_isready -U postgres\n",
                vec!["CMD"],
            ),
            (
                "FROM a AS b\nRUN true\nFROM b\nCMD x\nSHELL [\"/bin/bash\", \"-c\"]\n",
                vec!["CMD"],
            ),
        ] {
            let diagnostics = check(&ShellFormCommand, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_exec_form_shells_and_shell_health_checks() {
        for source in [
            "FROM a\nCMD [\"node\", \"server.js\"]\n",
            "FROM a\nENTRYPOINT [\"/entrypoint.sh\"]\n",
            "FROM a\nSHELL [\"powershell\", \"-Command\"]\nCMD Write-Host hi\n",
            "FROM a AS b\nSHELL [\"/bin/bash\", \"-c\"]\nFROM b\nCMD echo hi\n",
            "FROM a\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n",
            "FROM a\nHEALTHCHECK NONE\n",
            "FROM a\nHEALTHCHECK CMD [\"pg_isready\"]\n",
            "FROM a\nONBUILD CMD node x\n",
        ] {
            assert!(check(&ShellFormCommand, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn fix_converts_plain_words_only() {
        for (source, expected) in [
            (
                "FROM a\nCMD node server.js --port=80\n",
                "FROM a\nCMD [\"node\", \"server.js\", \"--port=80\"]\n",
            ),
            (
                "FROM a\nENTRYPOINT exec /usr/bin/app \\\n    -v\n",
                "FROM a\nENTRYPOINT [\"/usr/bin/app\", \"-v\"]\n",
            ),
            (
                "FROM a\nHEALTHCHECK CMD pg_isready\n",
                "FROM a\nHEALTHCHECK CMD [\"pg_isready\"]\n",
            ),
        ] {
            let diagnostics = check(&ShellFormCommand, source);
            assert_eq!(fixed(source, &diagnostics), expected, "{source}");
            let outcome = crate::fix::fix(
                source,
                &|t| check(&ShellFormCommand, t),
                &|_| META.fix_changes,
                FixMode::Unsafe,
            );
            assert!(outcome.rejected.is_empty(), "{:?}", outcome.rejected);
            assert_eq!(outcome.output, expected);
        }
        for source in [
            "FROM a\nCMD echo $HOME\n",
            "FROM a\nCMD a && b\n",
            "FROM a\nCMD \"quoted arg\"\n",
            "FROM a\nCMD FOO=1 app\n",
            "FROM a\nCMD cd /x\n",
            "FROM a\nCMD app *.txt\n",
            "FROM a\nCMD app > log\n",
            "FROM a\nCMD app \\\n# note\n  -v\n",
        ] {
            assert!(
                check(&ShellFormCommand, source)[0].fix.is_none(),
                "{source}"
            );
        }
    }
}

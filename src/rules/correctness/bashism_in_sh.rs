//! DFL1063 `bashism-in-sh`: a `RUN` run by `/bin/sh` uses syntax only `bash` (or another
//! extended shell) understands.

use crate::Diagnostic;
use crate::rules::shell_runs::posix_runs;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::shell::packages::{busybox_based, program, root_image, unwrap_command};
use crate::shell::{Script, SyntaxNode, Word};
use crate::syntax::TextRange;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1063",
    name: "bashism-in-sh",
    category: RuleCategory::Correctness,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Preview,
    aliases: &["DF066"],
    summary: "A `RUN` run by `/bin/sh` uses syntax that only `bash` understands.",
    docs: r#"## What it does
Opt-in (preview). Checks the scripts `/bin/sh` runs: shell-form `RUN` instructions of stages
with no `SHELL` (or `SHELL ["/bin/sh", "-c"]`), `RUN <<EOF` heredocs without a shebang or
with `#!/bin/sh`, and `sh -c '...'` strings. It reports, from the shell's syntax tree, the
constructs POSIX `sh` does not have:

| construct | `dash` (Debian, Ubuntu) | BusyBox `ash` (Alpine) |
|---|---|---|
| `[[ ... ]]` | flagged | accepted |
| `function name` | flagged | accepted |
| arrays, `a=(...)`, `${a[0]}` | flagged | flagged |
| `$'...'` strings | flagged | accepted |
| here-strings `<<<` | flagged | accepted |
| `source file` (`.` is POSIX) | flagged | accepted |
| brace expansion `{a,b}`, `{1..3}` | flagged | flagged |
| `&>` redirection | flagged | accepted |
| `==` in `[ ]` or `test` | flagged | accepted |
| process substitution `<(...)` | flagged | flagged |
| `${var:offset}`, `${var/a/b}` | flagged | accepted |
| `set -o pipefail` | flagged | accepted |

Which column applies depends on the stage's base image: Alpine and BusyBox images (and
images tagged `*alpine*`) use BusyBox `ash`; Fedora, CentOS, Rocky, Alma, Amazon Linux,
UBI, Oracle Linux (and Oracle's images), Arch, openSUSE, Photon and Mageia images link `/bin/sh` to `bash`, so
they are not checked; any other image is taken to be Debian-based, as most images are, with
`dash` as `/bin/sh`. `ONBUILD` triggers, which run with the child image's shell, are not
checked.

## Why is this bad?
On Debian and Ubuntu `/bin/sh` is `dash`, which implements POSIX `sh` and little more.
Some bash syntax makes `dash` stop with an error (`[[: not found`, `Syntax error: "("
unexpected`), which at least fails the build; some silently does something else: `cmd &>
log` runs `cmd` in the background and truncates `log`, `echo {a,b}` prints `{a,b}`, and
`[ "$a" == b ]` errors out inside an `if` that then takes the `else` branch. (`dash` has
`set -o pipefail` only since version 0.5.13, which Debian 12 and 13 and Ubuntu 24.04 do not
ship.) Either use
POSIX syntax or say that the script needs bash with `SHELL ["/bin/bash", "-c"]`.

## Example
```dockerfile
FROM debian:12
RUN if [[ -f /etc/os-release ]]; then source /etc/os-release; fi
```

## Use instead
```dockerfile
FROM debian:12
RUN if [ -f /etc/os-release ]; then . /etc/os-release; fi
```

## References
- Debian policy 10.4, "Scripts"; `dash(1)`.
- ShellCheck's `SC3xxx` checks, which hadolint runs for `/bin/sh`.
"#,
    fix_changes: &[],
};

/// DFL1063
pub struct BashismInSh;

/// How `/bin/sh` reads a stage's scripts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sh {
    Dash,
    BusyBox,
}

/// Images whose `/bin/sh` is `bash`.
const BASH_AS_SH: &[&str] = &[
    "fedora",
    "centos",
    "rockylinux",
    "almalinux",
    "amazonlinux",
    "oraclelinux",
    "archlinux",
    "photon",
    "mageia",
    "clearlinux",
];

fn stage_sh(ctx: &RuleContext<'_>, stage: usize) -> Option<Sh> {
    if busybox_based(ctx.build, stage) {
        return Some(Sh::BusyBox);
    }
    if let Some(image) = root_image(ctx.build, stage) {
        let path = image.path().to_ascii_lowercase();
        let name = path.rsplit('/').next().unwrap_or("");
        if BASH_AS_SH.contains(&name)
            || name.starts_with("ubi")
            || path.contains("opensuse")
            || path.contains("redhat")
            || path.contains("oracle")
        {
            return None;
        }
    }
    Some(Sh::Dash)
}

/// Whether a shell program (a `SHELL` first word, a shebang's program or a command name)
/// is `sh` itself.
fn is_sh(program: &str) -> bool {
    matches!(program.rsplit('/').next(), Some("sh" | "dash"))
}

/// The construct a node starts, with whether BusyBox `ash` lacks it too.
fn construct(script: &Script, nodes: &[SyntaxNode], index: usize) -> Option<(&'static str, bool)> {
    let node = &nodes[index];
    let parent = node.parent.map(|p| &nodes[p]);
    let parent_kind = parent.map_or("", |p| p.kind);
    let text = |n: &SyntaxNode| script.text().get(n.logical.clone()).unwrap_or("");
    Some(match node.kind {
        "[[" if parent_kind == "test_command" => ("`[[ ]]`", false),
        "function" if parent_kind == "function_definition" => ("the `function` keyword", false),
        "array" => ("an array", true),
        "subscript" => ("an array subscript", true),
        "ansi_c_string" => ("a `$'...'` string", false),
        "<<<" => ("a here-string `<<<`", false),
        "&>" | "&>>" => ("the `&>` redirection", false),
        "brace_expression" => ("brace expansion", true),
        "process_substitution" => ("process substitution", true),
        "concatenation" => {
            // The subtree follows the node in pre-order.
            let children: Vec<&SyntaxNode> = nodes[index + 1..]
                .iter()
                .take_while(|n| n.logical.start < node.logical.end)
                .filter(|n| n.parent == Some(index))
                .collect();
            let brace = children.windows(3).any(|w| {
                text(w[0]) == "{" && text(w[1]).contains(',') && text(w[2]).starts_with('}')
            });
            if !brace {
                return None;
            }
            ("brace expansion", true)
        }
        "==" => {
            let test = parent
                .filter(|p| p.kind == "binary_expression")
                .and_then(|p| p.parent);
            let in_single_brackets = test.is_some_and(|t| {
                nodes[t].kind == "test_command" && text(&nodes[t]).starts_with("[ ")
            });
            let in_test_command = parent_kind == "command"
                && parent.is_some_and(|p| text(p).split_whitespace().next() == Some("test"));
            if !in_single_brackets && !in_test_command {
                return None;
            }
            ("`==` in a test", false)
        }
        ":" | "/" | "//" | "/#" | "/%"
            if parent_kind == "expansion"
                && script.text().get(node.logical.end..).is_some_and(|rest| {
                    node.kind != ":"
                        || rest.starts_with(|c: char| {
                            c.is_ascii_digit() || c == ' ' || c == '$' || c == '('
                        })
                }) =>
        {
            ("a substring or replacement expansion", false)
        }
        "word" if parent_kind == "command_name" && text(node) == "source" => ("`source`", false),
        _ => return None,
    })
}

fn check_script(script: &Script, sh: Sh, out: &mut Vec<(TextRange, &'static str)>) {
    let nodes = script.nodes();
    let mut reported_parents = Vec::new();
    for index in 0..nodes.len() {
        let Some((what, busybox_lacks)) = construct(script, &nodes, index) else {
            continue;
        };
        if sh == Sh::BusyBox && !busybox_lacks {
            continue;
        }
        let ancestors: Vec<&SyntaxNode> =
            std::iter::successors(nodes[index].parent, |&i| nodes[i].parent)
                .map(|i| &nodes[i])
                .collect();
        if ancestors
            .iter()
            .any(|a| a.error || a.kind == "heredoc_body")
        {
            continue;
        }
        // One report per expansion (`${x:0:2}` has two `:`).
        if nodes[index].kind.len() <= 2
            && let Some(parent) = nodes[index].parent
            && nodes[parent].kind == "expansion"
        {
            if reported_parents.contains(&parent) {
                continue;
            }
            reported_parents.push(parent);
        }
        out.push((nodes[index].range, what));
    }
    if sh == Sh::Dash {
        // `set -o pipefail`: `dash` before 0.5.13 stops with "Illegal option -o pipefail".
        for command in script.commands().iter() {
            if command.recovered || !command.is("set") {
                continue;
            }
            let values: Vec<&str> = command.args.iter().map(Word::value_or_text).collect();
            for (i, arg) in command.args.iter().enumerate().skip(1) {
                let option = values[i - 1];
                let sets_option = option.len() > 1
                    && option.starts_with(['-', '+'])
                    && option.ends_with('o')
                    && option[1..].chars().all(|c| c.is_ascii_alphabetic());
                if sets_option && arg.is("pipefail") {
                    out.push((arg.range, "`set -o pipefail`"));
                }
            }
        }
    }
}

impl Rule for BashismInSh {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in posix_runs(ctx, &[""], false) {
            let Some(sh) = stage_sh(ctx, run.stage) else {
                continue;
            };
            let mut found = Vec::new();
            let main = &run.scripts[0];
            let shell_is_sh = run.shell.first().is_none_or(|p| is_sh(p));
            let shebang = (!run.line_script)
                .then(|| main.text().strip_prefix("#!"))
                .flatten()
                .map(|line| line.lines().next().unwrap_or("").trim().to_string());
            let main_is_sh = match &shebang {
                Some(line) => line.split_whitespace().next().is_some_and(is_sh),
                None => shell_is_sh,
            };
            if main_is_sh {
                check_script(main, sh, &mut found);
            }
            let outer = main.commands();
            for (k, script) in run.scripts.iter().enumerate().skip(1) {
                let parent = outer.get(run.parents[k - 1]);
                let runs_sh = parent
                    .and_then(unwrap_command)
                    .is_some_and(|real| program(&real.command).is_some_and(is_sh));
                if runs_sh {
                    check_script(script, sh, &mut found);
                }
            }
            let shell = match sh {
                Sh::Dash => "`dash`",
                Sh::BusyBox => "BusyBox `ash`",
            };
            for (range, what) in found {
                out.push(
                    META.diagnostic(range, format!("{what} is not POSIX `sh` syntax"))
                        .with_help(format!(
                            "this script runs with `/bin/sh`, which is {shell} in this image: \
                             use POSIX syntax, or run the script with bash \
                             (`SHELL [\"/bin/bash\", \"-c\"]`)"
                        )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::BashismInSh;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_bash_syntax_under_dash() {
        for (source, expected) in [
            (
                "FROM debian\nRUN [[ -f x ]] && source /etc/os-release\n",
                vec!["[[", "source"],
            ),
            (
                "FROM debian\nRUN a=(1 2) && echo ${a[0]} $'\\t' {x,y} {1..3}\n",
                vec!["(1 2)", "a[0]", "$'\\t'", "{x,y}", "{1..3}"],
            ),
            (
                "FROM python:3.12\nRUN make &> /log; [ \"$a\" == b ] && cat <<< x\n",
                vec!["&>", "==", "<<<"],
            ),
            (
                "FROM debian\nRUN function f { :; } && diff <(a) <(b) && echo ${x:0:2} ${y//a/b}\n",
                vec!["function", "<(a)", "<(b)", ":", "//"],
            ),
            (
                "FROM debian\nRUN <<EOF\n#!/bin/sh\n[[ x ]]\nEOF\n",
                vec!["[["],
            ),
            (
                "FROM debian\nSHELL [\"/bin/bash\", \"-c\"]\nRUN sh -c '[[ x ]]'\n",
                vec!["[["],
            ),
            (
                "FROM ubuntu:24.04\nRUN set -eo pipefail; curl x | sh\n",
                vec!["pipefail"],
            ),
            (
                "FROM alpine:3.20\nRUN [[ x ]] && a=(1) && echo {a,b}\n",
                vec!["(1)", "{a,b}"],
            ),
        ] {
            let diagnostics = check(&BashismInSh, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_posix_syntax_and_bash_scripts() {
        for source in [
            "FROM debian\nRUN if [ -f x ]; then . /etc/os-release; fi; echo ${x:-d} ${x#a} $((1+2))\n",
            "FROM debian\nSHELL [\"/bin/bash\", \"-c\"]\nRUN [[ x ]] && source f\n",
            "FROM debian\nRUN bash -c '[[ x ]]'\n",
            "FROM debian\nRUN <<EOF\n#!/bin/bash\n[[ x ]]\nEOF\n",
            "FROM fedora:40\nRUN [[ x ]]\n",
            "FROM debian\nRUN echo '[[ x ]]' \"{a,b}\" && cat <<EOF > f\n[[ x ]]\nEOF\n",
            "FROM debian\nONBUILD RUN [[ x ]]\n",
            "FROM alpine\nRUN [[ x ]] && source f && cmd &> /dev/null && set -o pipefail\n",
            "FROM debian\nRUN set -eu && echo pipefail\n",
            "FROM debian\nRUN find . -exec rm {} + && [ a = b ]\n",
        ] {
            assert!(check(&BashismInSh, source).is_empty(), "{source}");
        }
    }
}

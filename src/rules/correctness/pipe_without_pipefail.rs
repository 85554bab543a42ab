//! DFL1060 `pipe-without-pipefail`: a pipeline in a `RUN` whose shell runs without
//! `-o pipefail`, so a failing command before the last `|` goes unnoticed.

use crate::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::shell_runs::posix_runs;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::Area;
use crate::shell::packages::{RunScripts, busybox_based, unwrap_command};
use crate::shell::{Command, Script, SyntaxNode};
use crate::syntax::TextRange;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1060",
    name: "pipe-without-pipefail",
    category: RuleCategory::Correctness,
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DL4006", "DS032", "DF057"],
    summary: "A `RUN` pipes commands while its shell runs without `-o pipefail`.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions for a pipe (`|` or `|&`), in the `RUN`'s own script
(a heredoc body included) and in the scripts it gives to a shell (`sh -c '...'`,
`bash <<EOF`). A pipe is fine when `-o pipefail` is in effect for it:

- the `SHELL` of the stage, or of the stage it is built on (`FROM <stage>`), passes
  `-o pipefail` (alone or after other flags, as in `-eo pipefail`) to any POSIX shell:
  `bash`, `zsh`, `ash`, `busybox sh`, or `sh` where it is BusyBox (Alpine);
- an earlier `set -o pipefail` (or `set -eo pipefail`, `set -o errexit -o pipefail`...)
  in the same script;
- for a script given to a shell, that shell's own `-o pipefail` (`bash -o pipefail -c`).

A `SHELL` does not reach a heredoc that starts with a shebang (`#!/bin/bash`): BuildKit runs
such a body as a file, so only a `set -o pipefail` inside it counts; nor does it reach the
shell a script starts (`sh -c '...'`). `RUN`s under a `cmd` or PowerShell `SHELL` and `ONBUILD`
triggers (whose shell is the child image's) are not checked.

One diagnostic per `RUN`, on its first unprotected `|`.

Differences from hadolint: hadolint accepts only `bash`, `zsh` and `ash` as the `SHELL` and
ignores `set -o pipefail` in the script, heredoc shebangs and `sh -c` strings. A pipe whose
left side is `echo`, `printf`, `true` or `:` (which cannot fail in a way worth catching) is
not flagged; nor is `yes | ...`, which ends with `SIGPIPE` and would make `pipefail` fail the
build.

## Why is this bad?
A pipeline's exit status is that of its last command. In `RUN curl -fsSL $URL | tar -xz`, a
failed download gives `tar` an empty input; depending on the command on the right, the step
still succeeds and the image is built without what it was meant to hold. With
`-o pipefail` the pipeline fails when any of its commands fails, and so does the build.

## Example
```dockerfile
FROM debian:12
RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
```

## Use instead
```dockerfile
FROM debian:12
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
```

## Fix safety
The fix inserts a `SHELL` with `-o pipefail` before the first flagged `RUN` of a stage:
the stage's own shell program and flags when it sets one, otherwise `/bin/ash` for stages
built on Alpine or BusyBox images (which have no `bash`) and `/bin/bash` for the others. It
is unsafe: the `SHELL` applies to every later `RUN`, `CMD` and `ENTRYPOINT` in shell form of
the stage and of the stages built on it; a base image may lack `bash`; and a pipeline that
used to succeed may now fail the build (`cmd | head -1` when `cmd` gets `SIGPIPE`). No fix
is offered for pipes in heredocs with a shebang or in `sh -c` strings: a `set -o pipefail`
belongs in those scripts. A fix that would start each script with `set -o pipefail` is not
offered either: Debian's and Ubuntu's `/bin/sh` (dash) rejects it and the build would fail.

## References
- Docker's best practices: "Using pipes".
- `bash(1)`: `set -o pipefail`.
- hadolint `DL4006`.
"#,
    fix_changes: &[Area::Config, Area::Commands],
};

/// DFL1060
pub struct PipeWithoutPipefail;

/// Whether shell arguments (a `SHELL` array after the program, a shell command's words or
/// `set` arguments) turn `pipefail` on: `-o pipefail` with `-o` alone or ending a cluster of
/// short flags (`-eo pipefail`), or `-opipefail`.
fn sets_pipefail<'a>(args: impl IntoIterator<Item = &'a str>) -> bool {
    let args: Vec<&str> = args.into_iter().collect();
    args.iter().enumerate().any(|(i, a)| {
        if *a == "-opipefail" {
            return true;
        }
        let Some(cluster) = a.strip_prefix('-') else {
            return false;
        };
        !cluster.starts_with('-')
            && cluster.ends_with('o')
            && cluster.chars().all(|c| c.is_ascii_alphabetic())
            && args.get(i + 1) == Some(&"pipefail")
    })
}

/// Whether a heredoc body run as a file starts with a shebang, so that `SHELL` does not run it.
fn has_shebang(script: &Script) -> bool {
    script.text().starts_with("#!")
}

/// The kinds of the ancestors of node `index`, innermost first.
fn ancestors(nodes: &[SyntaxNode], index: usize) -> impl Iterator<Item = &SyntaxNode> {
    std::iter::successors(nodes[index].parent, |&i| nodes[i].parent).map(|i| &nodes[i])
}

/// Whether the command on the left of a pipe cannot fail in a way `pipefail` should catch,
/// or would make `pipefail` fail the build (`yes`).
fn harmless_left_side(script: &Script, nodes: &[SyntaxNode], pipe: usize) -> bool {
    let Some(parent) = nodes[pipe].parent else {
        return false;
    };
    // The pipeline's children come between it and the pipe in pre-order.
    let Some(left) = nodes[parent + 1..pipe]
        .iter()
        .rfind(|n| n.parent == Some(parent) && n.named)
    else {
        return false;
    };
    if left.kind != "command" {
        return false;
    }
    let name = script
        .text()
        .get(left.logical.clone())
        .and_then(|t| t.split_whitespace().next())
        .unwrap_or("");
    matches!(name, "echo" | "printf" | "true" | ":" | "yes")
}

/// The first pipe of `script` that `pipefail` does not cover: `covered` says whether the
/// shell running the script has it from the start; `set -o pipefail` before a pipe counts.
fn unprotected_pipe(script: &Script, covered: bool) -> Option<TextRange> {
    if covered || !script.text().contains('|') {
        return None;
    }
    let nodes = script.nodes();
    let set_at = script
        .commands()
        .iter()
        .filter(|c| !c.recovered && c.is("set"))
        .filter(|c| sets_pipefail(c.args.iter().map(crate::shell::Word::value_or_text)))
        .map(|c| c.range.start)
        .min();
    nodes.iter().enumerate().find_map(|(i, node)| {
        let is_pipe = matches!(node.kind, "|" | "|&")
            && node.parent.is_some_and(|p| nodes[p].kind == "pipeline");
        if !is_pipe
            || ancestors(&nodes, i).any(|a| a.error)
            || set_at.is_some_and(|at| at < node.range.start)
            || harmless_left_side(script, &nodes, i)
        {
            return None;
        }
        Some(node.range)
    })
}

/// Whether a shell command (`bash -o pipefail -c '...'`) turns on pipefail for the script
/// it runs.
fn shell_command_sets_pipefail(command: &Command) -> bool {
    unwrap_command(command).is_some_and(|real| {
        sets_pipefail(
            real.command
                .args
                .iter()
                .map(crate::shell::Word::value_or_text),
        )
    })
}

/// The `SHELL` line the fix inserts for a stage whose shell is `shell` (empty: the
/// default), or `None` when it cannot be built.
fn fixed_shell(shell: &[String], busybox: bool) -> Option<String> {
    let mut words: Vec<String> = if shell.is_empty() {
        let program = if busybox { "/bin/ash" } else { "/bin/bash" };
        vec![program.to_string(), "-c".to_string()]
    } else {
        shell.to_vec()
    };
    if words.last().map(String::as_str) != Some("-c") || words.len() < 2 {
        return None;
    }
    let at = words.len() - 1;
    words.splice(at..at, ["-o".to_string(), "pipefail".to_string()]);
    let quoted: Vec<String> = words
        .iter()
        .map(|w| serde_json::to_string(w).unwrap_or_default())
        .collect();
    Some(format!("SHELL [{}]", quoted.join(", ")))
}

impl PipeWithoutPipefail {
    fn fix(ctx: &RuleContext<'_>, run: &RunScripts<'_, '_>) -> Option<Fix> {
        let shell = fixed_shell(&run.shell, busybox_based(ctx.build, run.stage))?;
        let start = run.instruction.range().start;
        let line_start = ctx.source[..start as usize]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let indent = &ctx.source[line_start..start as usize];
        if !indent.chars().all(|c| c == ' ' || c == '\t') {
            return None;
        }
        Some(Fix::new(
            format!("Insert `{shell}` before the `RUN`"),
            Applicability::Unsafe,
            vec![Edit::insert(start, format!("{shell}\n{indent}"))],
        ))
    }
}

impl Rule for PipeWithoutPipefail {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let mut fixed_stages = Vec::new();
        for run in posix_runs(ctx, &["|"], false) {
            let shell_pipefail =
                run.shell.len() > 1 && sets_pipefail(run.shell[1..].iter().map(String::as_str));
            let main = &run.scripts[0];
            let runs_as_file = !run.line_script && has_shebang(main);
            let outer_commands = main.commands();
            let mut found = unprotected_pipe(main, shell_pipefail && !runs_as_file)
                .map(|range| (range, !runs_as_file));
            for (k, script) in run.scripts.iter().enumerate().skip(1) {
                if found.is_some() {
                    break;
                }
                let parent = &outer_commands[run.parents[k - 1]];
                found = unprotected_pipe(script, shell_command_sets_pipefail(parent))
                    .map(|range| (range, false));
            }
            let Some((range, fixable)) = found else {
                continue;
            };
            let fix = if fixable && !fixed_stages.contains(&run.stage) {
                fixed_stages.push(run.stage);
                Self::fix(ctx, run)
            } else {
                None
            };
            let shell_name = run
                .shell
                .first()
                .map_or("/bin/sh", String::as_str)
                .to_string();
            out.push(
                META.diagnostic(
                    range,
                    format!(
                        "pipe in a `RUN` whose shell (`{shell_name}`) runs without `-o pipefail`"
                    ),
                )
                .with_help(
                    "a pipeline fails only when its last command does, so an error on the left \
                     of `|` (a failed download piped to `tar`) goes unnoticed: set \
                     `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before the `RUN` \
                     (`/bin/ash` on Alpine), or start the script with `set -o pipefail` where \
                     its shell supports it",
                )
                .with_fix(fix),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PipeWithoutPipefail;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_unprotected_pipes() {
        for (source, expected) in [
            ("FROM debian\nRUN curl x | tar -x\n", vec!["|"]),
            ("FROM debian\nRUN a |& b | c\n", vec!["|&"]),
            ("FROM debian\nRUN a \\\n  | b\n", vec!["|"]),
            (
                "FROM debian\nSHELL [\"/bin/bash\", \"-c\"]\nRUN a | b\n",
                vec!["|"],
            ),
            ("FROM debian\nRUN a | b && set -o pipefail\n", vec!["|"]),
            (
                "FROM debian\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN <<EOF\n#!/bin/bash\na | b\nEOF\n",
                vec!["|"],
            ),
            (
                "FROM debian\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN sh -c 'a | b'\n",
                vec!["|"],
            ),
            ("FROM debian\nRUN x=$(a | b)\n", vec!["|"]),
            ("FROM debian\nRUN echo x | a && b | c\n", vec!["|"]),
            (
                "FROM debian AS a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM debian\nRUN a | b\n",
                vec!["|"],
            ),
        ] {
            let diagnostics = check(&PipeWithoutPipefail, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_pipefail_from_shell_set_and_shebang_scripts() {
        for source in [
            "FROM debian\nRUN a && b || c\n",
            "FROM debian\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n",
            "FROM debian\nSHELL [\"/bin/bash\", \"-euxo\", \"pipefail\", \"-c\"]\nRUN a | b\n",
            "FROM alpine\nSHELL [\"/bin/sh\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n",
            "FROM alpine\nSHELL [\"busybox\", \"sh\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n",
            "FROM debian AS base\nSHELL [\"/bin/zsh\", \"-o\", \"pipefail\", \"-c\"]\nFROM base\nRUN a | b\n",
            "FROM debian\nRUN set -eo pipefail && a | b\n",
            "FROM debian\nRUN set -o errexit -o pipefail; a | b\n",
            "FROM debian\nRUN <<EOF\n#!/bin/bash\nset -euo pipefail\na | b\nEOF\n",
            "FROM debian\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN <<EOF\na | b\nEOF\n",
            "FROM debian\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1 | 2)\nEOF\n",
            "FROM debian\nRUN bash -o pipefail -c 'a | b'\n",
            "FROM debian\nRUN echo 'a | b' > /f\n",
            "FROM debian\nRUN echo x | tee /f && yes | apt-get install x\n",
            "FROM debian\nONBUILD RUN a | b\n",
            "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"pwsh\", \"-c\"]\nRUN a | b\n",
            "FROM debian\nRUN [\"sh\", \"-c\", \"a | b\"]\n",
            "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN a | b\n",
        ] {
            assert!(check(&PipeWithoutPipefail, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn fix_inserts_a_shell_with_pipefail_once_per_stage() {
        for (source, expected) in [
            (
                "FROM debian\nRUN a | b\n",
                "FROM debian\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n",
            ),
            (
                "FROM alpine:3.20\nRUN a | b\n",
                "FROM alpine:3.20\nSHELL [\"/bin/ash\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n",
            ),
            (
                "FROM python:3-alpine AS base\nFROM base\n  RUN a | b\n",
                "FROM python:3-alpine AS base\nFROM base\n  SHELL [\"/bin/ash\", \"-o\", \"pipefail\", \"-c\"]\n  RUN a | b\n",
            ),
            (
                "FROM debian\nSHELL [\"/bin/bash\", \"-ex\", \"-c\"]\nRUN a | b\n",
                "FROM debian\nSHELL [\"/bin/bash\", \"-ex\", \"-c\"]\nSHELL [\"/bin/bash\", \"-ex\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n",
            ),
        ] {
            let diagnostics = check(&PipeWithoutPipefail, source);
            assert_eq!(fixed(source, &diagnostics), expected, "{source}");
            assert!(check(&PipeWithoutPipefail, expected).is_empty());
        }
        let source = "FROM debian\nRUN a | b\nRUN c | d\nFROM debian\nRUN e | f\n";
        let diagnostics = check(&PipeWithoutPipefail, source);
        let fixes: Vec<bool> = diagnostics.iter().map(|d| d.fix.is_some()).collect();
        assert_eq!(fixes, [true, false, true]);
        let source = "FROM debian\nRUN <<EOF\n#!/bin/bash\na | b\nEOF\n";
        assert!(check(&PipeWithoutPipefail, source)[0].fix.is_none());
    }
}

//! DFL1025 `relative-copy-destination`: COPY or ADD to a relative destination in a stage
//! whose working directory comes from the base image.

use crate::Diagnostic;
use crate::rules::instructions::{initial_working_dir, is_windows_absolute};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::{Base, Field};
use crate::syntax::{SyntaxKind, TextRange};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1025",
    name: "relative-copy-destination",
    category: RuleCategory::Correctness,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL3045", "DF063"],
    summary: "`COPY` or `ADD` to a relative destination before any `WORKDIR` sets where it is.",
    docs: r#"## What it does
Checks the destination of every `COPY` and `ADD`, as the build engine expands it, and flags a
relative one (`.`, `./`, `app/`) when no `WORKDIR` came before it in the stage or in the
stages it is built on (`FROM <stage>`), so that it lands in the base image's working
directory. A destination that starts with `/` (or a Windows drive), or whose value is not
known (`$DEST` without a value), is not flagged. Neither is a stage built `FROM scratch`,
whose working directory is always `/`, nor one whose base the engine cannot resolve.

Differences from hadolint: hadolint (DL3045) checks only `COPY`; `ADD` resolves its
destination the same way and is checked too. hadolint skips every destination starting with
`$`, also when the variable holds a relative path, and flags stages built `FROM scratch`.

## Why is this bad?
A relative destination is joined to the working directory. Without a `WORKDIR` of its own,
the Dockerfile puts its files wherever the base image's maintainers chose, and a new version
of the base image can move them.

## Example
```dockerfile
FROM node:22
COPY . .
RUN npm ci
```

## Use instead
```dockerfile
FROM node:22
WORKDIR /app
COPY . .
RUN npm ci
```

## References
- Dockerfile reference: `COPY`, `WORKDIR`.
"#,
    fix_changes: &[],
};

/// DFL1025
pub struct RelativeCopyDestination;

impl Rule for RelativeCopyDestination {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let instructions = ctx.stage_instructions();
        for stage in &ctx.build.stages {
            if !matches!(stage.base, Base::Image(_) | Base::Stage(_)) {
                continue;
            }
            let mut workdir_set =
                !matches!(initial_working_dir(ctx.build, stage), Field::Inherited);
            for step in &stage.steps {
                match step.kind {
                    SyntaxKind::WORKDIR_INSTR => workdir_set = true,
                    SyntaxKind::COPY_INSTR | SyntaxKind::ADD_INSTR if !workdir_set => {}
                    _ => continue,
                }
                if step.kind == SyntaxKind::WORKDIR_INSTR {
                    continue;
                }
                let Some(destination) = step
                    .layer
                    .and_then(|l| stage.layers.get(l))
                    .and_then(|l| l.destination.as_ref())
                    .map(crate::semantic::expand::Value::display)
                else {
                    continue;
                };
                if destination.is_empty()
                    || destination.starts_with(['/', '$'])
                    || is_windows_absolute(&destination)
                {
                    continue;
                }
                let Some(instruction) = instructions
                    .iter()
                    .find(|(_, i)| i.range() == step.range)
                    .map(|(_, i)| *i)
                else {
                    continue;
                };
                let range: TextRange = instruction
                    .words()
                    .last()
                    .map(crate::ast::Word::range)
                    .or_else(|| instruction.exec_form().map(crate::ast::JsonArray::range))
                    .unwrap_or(instruction.range());
                let keyword = if step.kind == SyntaxKind::ADD_INSTR {
                    "ADD"
                } else {
                    "COPY"
                };
                out.push(
                    META.diagnostic(
                        range,
                        format!(
                            "`{keyword}` to the relative destination `{destination}` lands in the \
                             base image's working directory"
                        ),
                    )
                    .with_help(
                        "set the directory with an absolute `WORKDIR` before it, or copy to an \
                         absolute path",
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RelativeCopyDestination;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_relative_destinations_without_workdir() {
        for (source, expected) in [
            ("FROM node:22\nCOPY . .\n", vec!["."]),
            ("FROM node:22\nCOPY a b ./\n", vec!["./"]),
            ("FROM node:22\nADD a.tar app/\n", vec!["app/"]),
            ("FROM node:22\nCOPY a \"c\"\n", vec!["\"c\""]),
            (
                "FROM node:22\nCOPY [\"a\", \"b\"]\n",
                vec!["[\"a\", \"b\"]"],
            ),
            ("FROM node:22\nARG D=lib\nCOPY a $D\n", vec!["$D"]),
            (
                "FROM alpine AS build\nRUN true\nFROM build\nCOPY --from=build a b\n",
                vec!["b"],
            ),
            (
                "FROM alpine\nWORKDIR /a\nFROM alpine\nCOPY a b\n",
                vec!["b"],
            ),
        ] {
            let diagnostics = check(&RelativeCopyDestination, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_absolute_destinations_and_workdirs() {
        for source in [
            "FROM node:22\nCOPY . /app\n",
            "FROM node:22\nWORKDIR /app\nCOPY . .\n",
            "FROM node:22\nWORKDIR app\nCOPY . .\n",
            "FROM node:22 AS base\nWORKDIR /app\nFROM base\nCOPY . .\n",
            "FROM node:22\nCOPY a $DEST\n",
            "FROM node:22\nARG D=/opt\nCOPY a ${D}/\n",
            "FROM scratch\nCOPY app .\n",
            "ARG BASE\nFROM $BASE\nCOPY . .\n",
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY a C:\\\\app\\\\\n",
            "FROM node:22\nONBUILD COPY . .\n",
        ] {
            assert!(
                check(&RelativeCopyDestination, source).is_empty(),
                "{source}"
            );
        }
    }
}

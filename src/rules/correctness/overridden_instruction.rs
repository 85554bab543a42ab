//! DFL1023 `overridden-instruction`: a CMD, ENTRYPOINT or HEALTHCHECK that a later one in
//! the same stage replaces.

use crate::Diagnostic;
use crate::ast::Instruction;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::instructions::line_range;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::{BuildOptions, compare::compare, evaluate};
use crate::syntax::SyntaxKind;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1023",
    name: "overridden-instruction",
    category: RuleCategory::Correctness,
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &[
        "MultipleInstructionsDisallowed",
        "DL4003",
        "DL4004",
        "DL3012",
        "DS016",
        "DS007",
        "DS023",
        "DF038",
        "DF039",
        "DF041",
    ],
    summary: "A `CMD`, `ENTRYPOINT` or `HEALTHCHECK` is replaced by a later one in the same stage.",
    docs: r#"## What it does
Checks each stage for more than one `CMD`, `ENTRYPOINT` or `HEALTHCHECK` (`HEALTHCHECK NONE`
included) and flags every one but the last of each kind: those are the instructions that
have no effect. Instructions inside `ONBUILD` are not counted, since they run in another
build.

Differences from hadolint: hadolint has three rules (DL4003 for `CMD`, a warning; DL4004 for
`ENTRYPOINT` and DL3012 for `HEALTHCHECK`, errors) and reports the later occurrences. dflint
has one rule, a warning as the build still succeeds, and reports the earlier, ignored
occurrences, as BuildKit's `MultipleInstructionsDisallowed` does: those are the lines to
delete or to fix. A `# hadolint ignore=DL4003` comment therefore silences it when it is
above the earlier instruction, not above the later one.

## Why is this bad?
Only the last `CMD`, `ENTRYPOINT` and `HEALTHCHECK` of a stage make it into the image
config; the earlier ones are silently dropped. They are usually leftovers from editing, or a
sign that the author expected both commands to run.

## Example
```dockerfile
FROM python:3.13-slim
COPY . /app
CMD ["python", "/app/migrate.py"]
CMD ["python", "/app/server.py"]
```

## Use instead
```dockerfile
FROM python:3.13-slim
COPY . /app
CMD ["sh", "-c", "python /app/migrate.py && exec python /app/server.py"]
```

## Fix safety
The fix deletes the earlier instruction; it is offered only when the build engine finds the
image config of the stage unchanged without it. It is unsafe because the earlier
instruction may be the one the author meant to keep.

## References
- Dockerfile reference: `CMD`, `ENTRYPOINT`, `HEALTHCHECK` ("only the last one takes
  effect").
- BuildKit build checks: `MultipleInstructionsDisallowed`.
"#,
    fix_changes: &[],
};

/// DFL1023
pub struct OverriddenInstruction;

/// The instructions of which only the last one of a stage counts.
const SINGLE_KINDS: [(SyntaxKind, &str); 3] = [
    (SyntaxKind::CMD_INSTR, "CMD"),
    (SyntaxKind::ENTRYPOINT_INSTR, "ENTRYPOINT"),
    (SyntaxKind::HEALTHCHECK_INSTR, "HEALTHCHECK"),
];

/// A fix deleting `instruction`'s lines, when the engine finds the build unchanged without
/// them.
fn deletion(
    ctx: &RuleContext<'_>,
    stage: usize,
    instruction: Instruction<'_>,
    keyword: &str,
) -> Option<Fix> {
    let fix = Fix::new(
        format!("Delete the overridden `{keyword}`"),
        Applicability::Unsafe,
        vec![Edit::delete(line_range(ctx.source, instruction.range()))],
    );
    let after = fix.apply_to(ctx.source);
    let parse = crate::syntax::parse(&after);
    if !parse.errors().is_empty() {
        return None;
    }
    let build = evaluate(&parse, &BuildOptions::default());
    let same_config = match (ctx.build.stages.get(stage), build.stages.get(stage)) {
        (Some(a), Some(b)) => a.config == b.config,
        _ => false,
    };
    (same_config && compare(ctx.build, &build).is_empty()).then_some(fix)
}

impl Rule for OverriddenInstruction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let instructions = ctx.stage_instructions();
        for stage in &ctx.build.stages {
            for (kind, keyword) in SINGLE_KINDS {
                let found: Vec<Instruction<'_>> = instructions
                    .iter()
                    .filter(|(s, i)| *s == stage.index && i.kind() == kind)
                    .map(|(_, i)| *i)
                    .collect();
                let Some((_, earlier)) = found.split_last() else {
                    continue;
                };
                for instruction in earlier {
                    let range = instruction.keyword_range().unwrap_or(instruction.range());
                    out.push(
                        META.diagnostic(
                            range,
                            format!(
                                "this `{keyword}` has no effect: a later `{keyword}` in the same \
                                 stage replaces it"
                            ),
                        )
                        .with_help(format!(
                            "only the last `{keyword}` of a stage counts: delete this one, or \
                             merge what it does into the last one"
                        ))
                        .with_fix(deletion(
                            ctx,
                            stage.index,
                            *instruction,
                            keyword,
                        )),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::OverriddenInstruction;
    use crate::fix::Applicability;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_the_earlier_instructions() {
        for (source, expected) in [
            ("FROM a\nCMD a\nCMD b\n", vec!["CMD"]),
            ("FROM a\nCMD a\nCMD b\nCMD [\"c\"]\n", vec!["CMD", "CMD"]),
            (
                "FROM a\nentrypoint [\"x\"]\nRUN true\nENTRYPOINT [\"y\"]\n",
                vec!["entrypoint"],
            ),
            (
                "FROM a\nHEALTHCHECK CMD true\nHEALTHCHECK NONE\n",
                vec!["HEALTHCHECK"],
            ),
        ] {
            let diagnostics = check(&OverriddenInstruction, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
        let d = check(&OverriddenInstruction, "FROM a\nCMD a\nCMD b\n");
        assert_eq!(
            d[0].message,
            "this `CMD` has no effect: a later `CMD` in the same stage replaces it"
        );
    }

    #[test]
    fn accepts_one_of_each_per_stage() {
        for source in [
            "FROM a\nCMD a\nENTRYPOINT [\"x\"]\nHEALTHCHECK NONE\n",
            "FROM a AS one\nCMD a\nFROM one\nCMD b\n",
            "FROM a\nONBUILD CMD a\nCMD b\n",
            "FROM a\nHEALTHCHECK CMD curl -f http://localhost/\n",
        ] {
            assert!(check(&OverriddenInstruction, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn fix_deletes_the_overridden_lines() {
        for (source, after) in [
            (
                "FROM a\nCMD a\n# the server\nCMD b\n",
                "FROM a\n# the server\nCMD b\n",
            ),
            (
                "FROM a\nCMD [\"a\", \\\n  \"b\"]\nENTRYPOINT [\"x\"]\nCMD c\n",
                "FROM a\nENTRYPOINT [\"x\"]\nCMD c\n",
            ),
            (
                "FROM a\nENTRYPOINT [\"x\"]\nCMD c\nENTRYPOINT [\"y\"]",
                "FROM a\nCMD c\nENTRYPOINT [\"y\"]",
            ),
            (
                "FROM a AS base\nHEALTHCHECK CMD a\nHEALTHCHECK CMD b\nFROM b\nRUN true\n",
                "FROM a AS base\nHEALTHCHECK CMD b\nFROM b\nRUN true\n",
            ),
        ] {
            let d = check(&OverriddenInstruction, source);
            assert_eq!(
                d[0].fix.as_ref().map(|f| f.applicability),
                Some(Applicability::Unsafe)
            );
            assert_eq!(fixed(source, &d), after, "{source}");
        }
    }
}

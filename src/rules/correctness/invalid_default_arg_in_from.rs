//! DFL1006 `invalid-default-arg-in-from`: with the ARG defaults, a FROM names no valid image.

use crate::Diagnostic;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::ProblemKind;
use crate::semantic::evaluate::AUTOMATIC_PLATFORM_ARGS;
use crate::syntax::SyntaxKind;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1006",
    name: "invalid-default-arg-in-from",
    category: RuleCategory::Correctness,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["InvalidDefaultArgInFrom"],
    summary: "A FROM names no valid image unless a build argument is passed.",
    docs: r#"## What it does
Evaluates each `FROM` with the defaults of the global ARGs, as a build without
`--build-arg` would, and flags a reference that comes out empty or invalid because an ARG
it uses is declared without a default (`ARG TAG` / `FROM busybox:${TAG}` reads
`busybox:`).

A reference that is invalid with every value, or because of an ARG default that is
itself wrong, is a build error (`DFL0104` invalid-reference), and a variable that is not
declared at all is `undefined-arg-in-from`; neither is reported again here.

## Why is this bad?
The Dockerfile cannot be built as it stands: every build must remember to pass the
argument, and tools that read the Dockerfile (linters, dependency bots, `docker build`
without arguments) see a broken image name.

## Example
```dockerfile
ARG TAG
FROM busybox:${TAG}
```

## Use instead
```dockerfile
ARG TAG=1.37
FROM busybox:${TAG}
```

## References
- BuildKit build checks: `InvalidDefaultArgInFrom`.
"#,
    fix_changes: &[],
};

/// DFL1006
pub struct InvalidDefaultArgInFrom;

impl Rule for InvalidDefaultArgInFrom {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for problem in &ctx.build.problems {
            if problem.kind != ProblemKind::UnresolvedReference {
                continue;
            }
            let Some(word) = ctx
                .instructions()
                .filter(|i| i.kind() == SyntaxKind::FROM_INSTR)
                .filter_map(|i| i.from_image())
                .find(|w| w.range() == problem.range)
            else {
                continue;
            };
            // The declared ARGs without a value; an undeclared one is another rule's.
            let mut unset: Vec<&str> = Vec::new();
            for var in word.variables() {
                let Some(name) = var.name() else { continue };
                let no_value = ctx
                    .build
                    .global_args
                    .iter()
                    .rev()
                    .find(|a| a.name == name)
                    .is_some_and(|a| a.value.is_none());
                if no_value && !unset.contains(&name) {
                    unset.push(name);
                }
            }
            let declared_only = word.variables().filter_map(|v| v.name()).all(|n| {
                ctx.build.global_args.iter().any(|a| a.name == n)
                    || AUTOMATIC_PLATFORM_ARGS.contains(&n)
            });
            if unset.is_empty() || !declared_only {
                continue;
            }
            let list = unset
                .iter()
                .map(|n| format!("`ARG {n}`"))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(
                META.diagnostic(
                    word.range(),
                    format!(
                        "`{}` is not a valid image reference without a value for {list}",
                        word.text()
                    ),
                )
                .with_help(format!(
                    "give {list} a default, or write a fallback such as `${{{}:-<value>}}`",
                    unset[0]
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::InvalidDefaultArgInFrom;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_references_broken_by_args_without_defaults() {
        for (source, expected) in [
            ("ARG TAG\nFROM busybox:${TAG}\n", vec!["busybox:${TAG}"]),
            ("ARG IMAGE\nFROM $IMAGE AS base\n", vec!["$IMAGE"]),
            ("ARG REG TAG=1\nFROM $REG/app:$TAG\n", vec!["$REG/app:$TAG"]),
        ] {
            let diagnostics = check(&InvalidDefaultArgInFrom, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
        let d = check(&InvalidDefaultArgInFrom, "ARG TAG\nFROM busybox:${TAG}\n");
        assert_eq!(
            d[0].message,
            "`busybox:${TAG}` is not a valid image reference without a value for `ARG TAG`"
        );
    }

    #[test]
    fn accepts_defaults_and_leaves_other_cases_to_other_checks() {
        for source in [
            "ARG TAG=1.37\nFROM busybox:${TAG}\n",
            "ARG TAG\nFROM busybox:${TAG:-1.37}\n",
            // Undeclared: undefined-arg-in-from.
            "FROM busybox:${TAG}\n",
            // Invalid whatever the value: the engine's invalid-reference.
            "ARG TAG=Bad Tag\nFROM busybox:${TAG}\n",
            "FROM --platform=$BUILDPLATFORM golang:1\n",
            // A value that stays unknown is not invalid.
            "FROM busybox:$TARGETARCH\n",
        ] {
            assert!(
                check(&InvalidDefaultArgInFrom, source).is_empty(),
                "{source}"
            );
        }
    }
}

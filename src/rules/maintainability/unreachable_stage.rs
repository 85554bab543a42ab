//! DFL5090 `unreachable-stage`: a stage without a name that nothing uses, so no build runs it.

use crate::Diagnostic;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::graph::dependencies;
use crate::semantic::{Base, Build, EdgeTarget};
use crate::syntax::TextRange;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL5090",
    name: "unreachable-stage",
    category: RuleCategory::Maintainability,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DF023"],
    summary: "A stage has no name and no other stage uses it, so no build ever runs it.",
    docs: r#"## What it does
Checks every stage but the last. A stage is flagged when it has no name (`FROM image`
without `AS name`) and neither the last stage nor any named stage depends on it, directly
or through other stages, by `FROM`, `COPY --from=<index>` or `RUN --mount=from=<index>`.

Only a named stage can be chosen with `--target`, and without `--target` BuildKit builds
the last stage and what it needs. So such a stage is never built by any build of the file.
Files whose stage references depend on build arguments (`FROM base-$TARGETARCH`,
`COPY --from=$STAGE`) are not checked: which stage they use is only known at build time.

## Why is this bad?
It is usually a mistake: two Dockerfiles pasted into one, or a `FROM` left over from an
edit, whose instructions the author expects to run. They never do, silently, and a reader
has to work out that they are dead.

## Example
```dockerfile
FROM golang:1.23
RUN go build -o /app .

FROM alpine:3.20
CMD ["/app"]
```

## Use instead
```dockerfile
FROM golang:1.23 AS build
RUN go build -o /app .

FROM alpine:3.20
COPY --from=build /app /app
CMD ["/app"]
```

## References
- Docker docs: multi-stage builds, `--target`.
- droast `DF023`.
"#,
    fix_changes: &[],
};

/// DFL5090
pub struct UnreachableStage;

/// Whether which stage some reference means is only known at build time.
fn has_symbolic_references(build: &Build) -> bool {
    build
        .stages
        .iter()
        .any(|s| matches!(s.base, Base::Symbolic(_)))
        || build
            .edges
            .iter()
            .any(|e| matches!(&e.target, EdgeTarget::Image(i) if i.contains('$')))
}

impl Rule for UnreachableStage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let build = ctx.build;
        let Some(last) = build.stages.len().checked_sub(1) else {
            return;
        };
        if has_symbolic_references(build) {
            return;
        }
        let mut reachable = vec![false; build.stages.len()];
        let mut pending: Vec<usize> = build
            .stages
            .iter()
            .filter(|s| s.name.is_some() || s.index == last)
            .map(|s| s.index)
            .collect();
        while let Some(s) = pending.pop() {
            if std::mem::replace(&mut reachable[s], true) {
                continue;
            }
            pending.extend(dependencies(build, s));
        }
        for stage in &build.stages[..last] {
            if reachable[stage.index] {
                continue;
            }
            let start = stage.from_range.start;
            let keyword = TextRange::new(start, start + 4);
            out.push(
                META.diagnostic(
                    keyword,
                    format!(
                        "stage {} has no name and nothing uses it, so it is never built",
                        stage.index
                    ),
                )
                .with_help(
                    "name it (`FROM ... AS name`) and use it with `COPY --from=name`, or \
                     remove it: BuildKit builds only the target stage and what it needs",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::UnreachableStage;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_unnamed_stages_nothing_uses() {
        for (source, expected) in [
            ("FROM alpine\nRUN true\nFROM debian\n", vec!["FROM"]),
            ("from alpine\nFROM a AS b\nFROM c\n", vec!["from"]),
            // Two unused stages, before and after a used one.
            (
                "FROM a\nFROM b\nFROM c AS used\nFROM d\nCOPY --from=used / /\n",
                vec!["FROM", "FROM"],
            ),
        ] {
            let d = check(&UnreachableStage, source);
            assert_eq!(flagged(source, &d), expected, "{source}");
        }
        let d = check(&UnreachableStage, "FROM a\nFROM b\n");
        assert_eq!(
            d[0].message,
            "stage 0 has no name and nothing uses it, so it is never built"
        );
    }

    #[test]
    fn accepts_stages_a_build_can_reach() {
        for source in [
            "FROM alpine\n",
            // Used by index, by the last stage or through a named stage.
            "FROM alpine\nRUN true\nFROM debian\nCOPY --from=0 / /\n",
            "FROM alpine\nFROM debian\nRUN --mount=from=0,target=/x true\n",
            "FROM alpine\nFROM debian AS test\nCOPY --from=0 / /\nFROM scratch\n",
            // A named stage can be a `--target`.
            "FROM alpine AS tools\nFROM debian\n",
            // Which stage is used is known only at build time.
            "FROM alpine\nFROM debian AS base-amd64\nFROM base-$TARGETARCH\n",
            "ARG S=0\nFROM alpine\nFROM debian\nCOPY --from=$S / /\n",
        ] {
            assert!(check(&UnreachableStage, source).is_empty(), "{source}");
        }
    }
}

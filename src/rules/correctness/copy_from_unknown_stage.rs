//! DFL1001 `copy-from-unknown-stage`: `COPY --from` names no earlier stage and no explicit
//! image.

use crate::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::stages::suggest;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::Area;
use crate::semantic::{EdgeKind, ProblemKind};
use crate::syntax::SyntaxKind;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1001",
    name: "copy-from-unknown-stage",
    category: RuleCategory::Correctness,
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DL3022", "DF049"],
    summary: "`COPY --from` names no earlier stage, so the builder pulls an image of that name.",
    docs: r#"## What it does
Checks the `--from` of every `COPY`. The builder reads the value as the name of an earlier
stage (names are compared ignoring case, as BuildKit lowercases them) or as the index of an
earlier stage; anything else is pulled as an image. The rule flags a value that names no
stage and does not look like an image reference either: a bare word such as `bulder` or
`nginx`, which the builder quietly pulls as `docker.io/library/bulder:latest`. It also flags
a value with a variable (`--from=$BUILDER`): the builder does not expand `--from`, and
BuildKit rejects it.

A value with a tag, a digest or a registry path (`nginx:1.27`, `ghcr.io/org/tool`,
`alpine@sha256:...`) is an image on purpose and is not flagged. When the value is close to
the name of an earlier stage, the message suggests it, and an unsafe fix replaces it.

References to a later stage or to the stage itself are build errors reported by the
engine (`DFL0101` forward-reference, `DFL0102` circular-dependency), not by this rule.

Differences from hadolint: names are compared ignoring case (hadolint flags
`COPY --from=Build` after `FROM ... AS build`, which BuildKit accepts); a value with a
registry path and no tag (`ghcr.io/org/tool`) counts as an image; an index beyond the last
stage and a later stage are left to the engine's `DFL0101`.

## Why is this bad?
A misspelt stage name does not fail where it is written: the builder tries to pull an image
of that name, and the build fails later with a confusing registry error, or worse, succeeds
with files from an unrelated public image. An image meant on purpose should say which
version it wants.

## Example
```dockerfile
FROM golang:1.23 AS builder
RUN go build -o /out/app .

FROM alpine:3.20
COPY --from=bulder /out/app /usr/local/bin/app
```

## Use instead
```dockerfile
FROM golang:1.23 AS builder
RUN go build -o /out/app .

FROM alpine:3.20
COPY --from=builder /out/app /usr/local/bin/app
COPY --from=nginx:1.27 /etc/nginx/mime.types /etc/mime.types
```

## Fix safety
The fix replaces the value with the name of the closest earlier stage. It is unsafe: the
value may have been meant as an image, and the copy then takes its files from the stage.

## References
- Dockerfile reference: `COPY --from`.
- hadolint `DL3022`.
"#,
    fix_changes: &[Area::Graph, Area::Files],
};

/// DFL1001
pub struct CopyFromUnknownStage;

/// Whether a `--from` value is written as an image reference: with a tag, a digest or a
/// path, none of which a stage name may contain.
fn looks_like_image(value: &str) -> bool {
    value.contains([':', '/', '@'])
}

/// Whether a FROM instruction has a syntax error.
fn has_broken_from(ctx: &RuleContext<'_>) -> bool {
    ctx.instructions()
        .filter(|i| i.kind() == SyntaxKind::FROM_INSTR)
        .any(|i| {
            let range = i.range();
            ctx.parse
                .errors()
                .iter()
                .any(|e| e.range.start >= range.start && e.range.end <= range.end)
        })
}

impl Rule for CopyFromUnknownStage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        // A FROM the builder cannot read may hide a stage name: the known stages are not
        // all the stages.
        if has_broken_from(ctx) {
            return;
        }
        for instruction in ctx.instructions() {
            if instruction.kind() != SyntaxKind::COPY_INSTR {
                continue;
            }
            let Some(flag) = instruction.flag("from") else {
                continue;
            };
            let Some(word) = flag.value() else { continue };
            let value = word.unquoted(ctx.escape());
            if value.is_empty() {
                continue;
            }
            let range = instruction.range();
            // The engine reports references to later stages and to the stage itself.
            if ctx.build.problems.iter().any(|p| {
                p.range == range
                    && matches!(
                        p.kind,
                        ProblemKind::ForwardReference | ProblemKind::CircularDependency
                    )
            }) {
                continue;
            }
            let Some(edge) = ctx
                .build
                .edges
                .iter()
                .find(|e| e.kind == EdgeKind::CopyFrom && e.range == range)
            else {
                continue;
            };
            if matches!(edge.target, crate::semantic::EdgeTarget::Stage(_)) {
                continue;
            }
            let current = edge.stage;
            if word.has_variables() || value.contains('$') {
                out.push(
                    META.diagnostic(
                        word.range(),
                        format!(
                            "`--from={value}` uses a variable, which the builder does not expand"
                        ),
                    )
                    .with_help(
                        "BuildKit reads `--from` literally; declare the ARG before the first \
                         FROM, add a stage `FROM ${ARG} AS <name>`, and copy from that stage",
                    ),
                );
                continue;
            }
            // Template placeholders (`{{ .Stage }}`) are filled in before the build.
            if looks_like_image(&value) || value.contains(['{', '}']) {
                continue;
            }
            let earlier = ctx.build.stages[..current]
                .iter()
                .filter_map(|s| s.name.as_deref());
            let suggestion = suggest(&value, earlier);
            let message = match suggestion {
                Some(name) => format!(
                    "`--from={value}` names no earlier stage (did you mean `{name}`?), so the \
                     builder pulls the image `{value}`"
                ),
                None => format!(
                    "`--from={value}` names no earlier stage, so the builder pulls the image \
                     `{value}`"
                ),
            };
            let fix = suggestion.map(|name| {
                Fix::new(
                    format!("Copy from the stage `{name}`"),
                    Applicability::Unsafe,
                    vec![Edit::replace(word.range(), name)],
                )
            });
            out.push(
                META.diagnostic(word.range(), message)
                    .with_help(
                        "name a stage defined before this one; to copy from an image, give \
                         its tag, such as `--from=<image>:<version>`",
                    )
                    .with_fix(fix),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CopyFromUnknownStage;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_unknown_names_and_variables() {
        for (source, expected) in [
            (
                "FROM alpine:3 AS build\nFROM alpine:3\nCOPY --from=bulid /a /b\n",
                vec!["bulid"],
            ),
            ("FROM alpine:3\nCOPY --from=nginx /a /b\n", vec!["nginx"]),
            (
                "FROM alpine:3\nCOPY --chown=1:1 --from=\"tools\" /a /b\n",
                vec!["\"tools\""],
            ),
            (
                "ARG IMG=alpine:3\nFROM alpine:3\nCOPY --from=$IMG /a /b\n",
                vec!["$IMG"],
            ),
            (
                "FROM alpine:3\nCOPY --from=${IMG}:1 /a /b\n",
                vec!["${IMG}:1"],
            ),
            // Continued onto the next line.
            (
                "FROM alpine:3\nCOPY \\\n  --from=tool \\\n  /a /b\n",
                vec!["tool"],
            ),
        ] {
            let diagnostics = check(&CopyFromUnknownStage, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_stages_images_and_engine_errors() {
        for source in [
            "FROM alpine:3 AS build\nFROM alpine:3\nCOPY --from=build /a /b\n",
            // Stage names ignore case, as in BuildKit.
            "FROM alpine:3 AS Build\nFROM alpine:3\nCOPY --from=BUILD /a /b\n",
            "FROM alpine:3\nFROM alpine:3\nCOPY --from=0 /a /b\n",
            "FROM alpine:3\nCOPY --from=nginx:1.27 /a /b\n",
            "FROM alpine:3\nCOPY --from=ghcr.io/org/tool /a /b\n",
            "FROM alpine:3\nCOPY --from=localhost:5000/tool /a /b\n",
            "FROM alpine:3\nCOPY --from=alpine@sha256:0123 /a /b\n",
            "FROM alpine:3\nCOPY /a /b\n",
            // Reported by the engine: the stage itself, a later stage, an index too far.
            "FROM alpine:3 AS a\nCOPY --from=a /a /b\n",
            "FROM alpine:3\nCOPY --from=later /a /b\nFROM alpine:3 AS later\n",
            "FROM alpine:3\nCOPY --from=1 /a /b\nFROM alpine:3\n",
            "FROM alpine:3\nCOPY --from=7 /a /b\n",
            // A FROM the builder cannot read, and template placeholders.
            "FROM alpine:{{ v }} AS build\nFROM alpine:3\nCOPY --from=build /a /b\n",
            "FROM alpine:3\nCOPY --from={{ .Stage }} /a /b\n",
            // ONBUILD triggers run in another build.
            "FROM alpine:3\nONBUILD COPY --from=tools /a /b\n",
        ] {
            assert!(check(&CopyFromUnknownStage, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn suggests_and_fixes_a_close_stage_name() {
        let source = "FROM golang:1 AS builder\nFROM alpine:3\nCOPY --from=bulder /a /b\n";
        let d = check(&CopyFromUnknownStage, source);
        assert_eq!(
            d[0].message,
            "`--from=bulder` names no earlier stage (did you mean `builder`?), so the builder \
             pulls the image `bulder`"
        );
        assert_eq!(
            fixed(source, &d),
            "FROM golang:1 AS builder\nFROM alpine:3\nCOPY --from=builder /a /b\n"
        );
        // No close name: no fix.
        let d = check(
            &CopyFromUnknownStage,
            "FROM golang:1 AS builder\nFROM alpine:3\nCOPY --from=nginx /a /b\n",
        );
        assert!(d[0].fix.is_none());
        // A later stage is not suggested.
        let d = check(
            &CopyFromUnknownStage,
            "FROM alpine:3\nCOPY --from=bulder /a /b\nFROM golang:1 AS builder\n",
        );
        assert!(d[0].fix.is_none());
    }
}

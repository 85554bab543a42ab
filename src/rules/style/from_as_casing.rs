//! DFL6003 `from-as-casing`: the `AS` of a FROM is not cased like its `FROM`.

use crate::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::syntax::{SyntaxKind, SyntaxToken};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL6003",
    name: "from-as-casing",
    category: RuleCategory::Style,
    severity: Severity::Warning,
    fix: FixAvailability::Always,
    status: RuleStatus::Stable,
    aliases: &["FromAsCasing", "DF079"],
    summary: "The `AS` of a FROM is cased differently from the `FROM` keyword.",
    docs: r#"## What it does
Flags `FROM image as name` (uppercase `FROM`, `AS` not uppercase) and `from image AS name`
(lowercase `from`, `as` not lowercase), as BuildKit does. A mixed-case `From` is left to
instruction-casing checks.

The fix re-cases `AS` to match `FROM`.

## Why is this bad?
Keywords cased one way and the other make the file harder to scan, and BuildKit warns
about it on every build.

## Example
```dockerfile
FROM golang:1.23 as build
RUN go build -o /out/app .
```

## Use instead
```dockerfile
FROM golang:1.23 AS build
RUN go build -o /out/app .
```

## References
- BuildKit build checks: `FromAsCasing`.
"#,
    fix_changes: &[],
};

/// DFL6003
pub struct FromAsCasing;

impl Rule for FromAsCasing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for instruction in ctx.instructions() {
            if instruction.kind() != SyntaxKind::FROM_INSTR {
                continue;
            }
            let Some(as_token) = instruction
                .syntax()
                .child(SyntaxKind::STAGE_NAME)
                .and_then(|n| n.child_token(SyntaxKind::KEYWORD))
            else {
                continue;
            };
            let from = instruction.keyword();
            let written = SyntaxToken::text(as_token);
            let wanted = if from == from.to_ascii_uppercase() {
                "AS"
            } else if from == from.to_ascii_lowercase() {
                "as"
            } else {
                continue;
            };
            if written == wanted {
                continue;
            }
            out.push(
                META.diagnostic(
                    as_token.range(),
                    format!("`{written}` is cased differently from `{from}`"),
                )
                .with_help(format!("write `{wanted}` to match `{from}`"))
                .with_fix(Some(Fix::new(
                    format!("Write `{wanted}`"),
                    Applicability::Safe,
                    vec![Edit::replace(as_token.range(), wanted)],
                ))),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FromAsCasing;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_and_recases_as() {
        for (source, after) in [
            ("FROM alpine:3 as base\n", "FROM alpine:3 AS base\n"),
            ("FROM alpine:3 As base\n", "FROM alpine:3 AS base\n"),
            ("from alpine:3 AS base\n", "from alpine:3 as base\n"),
            (
                "FROM --platform=$BUILDPLATFORM alpine:3 \\\n  as base\n",
                "FROM --platform=$BUILDPLATFORM alpine:3 \\\n  AS base\n",
            ),
        ] {
            let d = check(&FromAsCasing, source);
            assert_eq!(flagged(source, &d).len(), 1, "{source}");
            assert_eq!(fixed(source, &d), after, "{source}");
        }
        let d = check(&FromAsCasing, "FROM alpine:3 as base\n");
        assert_eq!(d[0].message, "`as` is cased differently from `FROM`");
    }

    #[test]
    fn accepts_matching_and_mixed_keywords() {
        for source in [
            "FROM alpine:3 AS base\n",
            "from alpine:3 as base\n",
            "From alpine:3 as base\n",
            "FROM alpine:3\n",
        ] {
            assert!(check(&FromAsCasing, source).is_empty(), "{source}");
        }
    }
}

//! DFL1005 `undefined-arg-in-from`: a FROM uses a variable that is not a global ARG.

use crate::Diagnostic;
use crate::rules::stages::suggest;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::evaluate::{AUTOMATIC_PLATFORM_ARGS, PREDEFINED_ARGS};
use crate::syntax::SyntaxKind;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1005",
    name: "undefined-arg-in-from",
    category: RuleCategory::Correctness,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["UndefinedArgInFrom", "DF086"],
    summary: "A FROM uses a variable that no ARG before the first FROM declares.",
    docs: r#"## What it does
Checks the variables in the image and the `--platform` of every `FROM`. FROM only sees the
ARGs declared before the first FROM (global ARGs) and the build arguments the builder
predefines (`TARGETPLATFORM`, `BUILDARCH`, the proxy variables, ...). A variable that is
neither is flagged, also when it has a default (`${TAG:-3.20}`): `--build-arg TAG=...`
cannot change it. When the name is close to a declared or predefined one, the message
suggests it (`$TARGETARC` → `TARGETARCH`).

An ARG declared inside a stage does not count: it is not visible to FROM lines.

## Why is this bad?
An undeclared variable expands to an empty string (or its default), so `FROM
alpine:$ALPINE_VERSION` without `ARG ALPINE_VERSION` before it is `FROM alpine:`, which
fails, and a misspelt `$TARGETARC` quietly builds the wrong image.

## Example
```dockerfile
FROM node:${NODE_VERSION}-alpine
RUN npm ci
```

## Use instead
```dockerfile
ARG NODE_VERSION=22
FROM node:${NODE_VERSION}-alpine
RUN npm ci
```

## References
- BuildKit build checks: `UndefinedArgInFrom`.
- Dockerfile reference: "Understand how ARG and FROM interact".
"#,
    fix_changes: &[],
};

/// DFL1005
pub struct UndefinedArgInFrom;

impl Rule for UndefinedArgInFrom {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let declared: Vec<&str> = ctx
            .build
            .global_args
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        let known = |name: &str| {
            declared.contains(&name)
                || AUTOMATIC_PLATFORM_ARGS.contains(&name)
                || PREDEFINED_ARGS.contains(&name)
        };
        for instruction in ctx.instructions() {
            if instruction.kind() != SyntaxKind::FROM_INSTR {
                continue;
            }
            let words = instruction
                .flag("platform")
                .and_then(|f| f.value())
                .into_iter()
                .chain(instruction.from_image());
            for word in words {
                for var in word.variables() {
                    let Some(name) = var.name() else { continue };
                    if known(name) {
                        continue;
                    }
                    let candidates = declared
                        .iter()
                        .chain(AUTOMATIC_PLATFORM_ARGS)
                        .chain(PREDEFINED_ARGS)
                        .copied();
                    let message = match suggest(name, candidates) {
                        Some(close) => format!(
                            "`{name}` is not declared before the first FROM (did you mean \
                             `{close}`?)"
                        ),
                        None => format!("`{name}` is not declared before the first FROM"),
                    };
                    out.push(META.diagnostic(var.range(), message).with_help(format!(
                        "FROM sees only ARGs declared before the first FROM; add \
                             `ARG {name}=<default>` at the top of the file"
                    )));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::UndefinedArgInFrom;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_undeclared_variables() {
        for (source, expected) in [
            ("FROM alpine:$TAG\n", vec!["$TAG"]),
            ("FROM alpine:${TAG:-3.20}\n", vec!["${TAG:-3.20}"]),
            (
                "FROM --platform=$PLATFORM ${IMAGE}\n",
                vec!["$PLATFORM", "${IMAGE}"],
            ),
            // A stage ARG does not reach FROM.
            ("FROM alpine:3 AS a\nARG V=1\nFROM alpine:$V\n", vec!["$V"]),
            // Declared after the first FROM.
            ("FROM alpine:3\nARG B=x\nFROM $B\n", vec!["$B"]),
        ] {
            let diagnostics = check(&UndefinedArgInFrom, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn suggests_close_names() {
        let d = check(
            &UndefinedArgInFrom,
            "FROM --platform=$BUILDPLATFROM golang:1\n",
        );
        assert_eq!(
            d[0].message,
            "`BUILDPLATFROM` is not declared before the first FROM (did you mean \
             `BUILDPLATFORM`?)"
        );
        let d = check(
            &UndefinedArgInFrom,
            "ARG ALPINE_VERSION=3.20\nFROM alpine:$ALPINE_VERSON\n",
        );
        assert!(d[0].message.contains("`ALPINE_VERSION`"));
        let d = check(&UndefinedArgInFrom, "FROM alpine:$TAG\n");
        assert_eq!(d[0].message, "`TAG` is not declared before the first FROM");
    }

    #[test]
    fn accepts_declared_and_predefined_args() {
        for source in [
            "ARG TAG=3.20\nFROM alpine:$TAG\n",
            "ARG TAG\nFROM alpine:${TAG}\n",
            "FROM --platform=$BUILDPLATFORM golang:1 AS build\n",
            "FROM --platform=$TARGETOS/$TARGETARCH alpine:3\n",
            "ARG A=1 B=2\nFROM x:$A-$B\n",
            "FROM alpine:3\nARG X\nRUN echo $X\n",
        ] {
            assert!(check(&UndefinedArgInFrom, source).is_empty(), "{source}");
        }
    }
}

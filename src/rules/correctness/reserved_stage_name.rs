//! DFL1002 `reserved-stage-name`: a stage is named `scratch` or `context`.

use crate::Diagnostic;
use crate::rules::stages::from_instruction;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1002",
    name: "reserved-stage-name",
    category: RuleCategory::Correctness,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL3063", "ReservedStageName", "DF084"],
    summary: "A stage is named `scratch` or `context`, names the builder reserves.",
    docs: r#"## What it does
Flags `FROM ... AS scratch` and `FROM ... AS context`. Stage names are compared ignoring
case, as BuildKit lowercases them, so `AS Scratch` is flagged too.

Differences from hadolint: hadolint compares case-sensitively and misses `AS Context`.

## Why is this bad?
`scratch` is the empty image and `context` names the build context in `--build-context`
and in frontends that read it. A stage with one of these names makes every `FROM scratch`
or `COPY --from=context` after it ambiguous to readers, and BuildKit warns about it.

## Example
```dockerfile
FROM alpine:3.20 AS scratch
RUN echo hello > /hello
```

## Use instead
```dockerfile
FROM alpine:3.20 AS workspace
RUN echo hello > /hello
```

## References
- BuildKit build checks: `ReservedStageName`.
- hadolint `DL3063`.
"#,
    fix_changes: &[],
};

/// DFL1002
pub struct ReservedStageName;

/// The names BuildKit reserves.
const RESERVED: &[&str] = &["scratch", "context"];

impl Rule for ReservedStageName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for stage in &ctx.build.stages {
            let Some(name) = stage.name.as_deref() else {
                continue;
            };
            if !RESERVED.contains(&name) {
                continue;
            }
            let Some(word) = from_instruction(ctx, stage).and_then(|i| i.from_stage_name()) else {
                continue;
            };
            out.push(
                META.diagnostic(
                    word.range(),
                    format!(
                        "the stage name `{}` is reserved by the builder",
                        word.text()
                    ),
                )
                .with_help(format!(
                    "rename the stage, and every `FROM` and `--from` that uses it; `{name}` \
                     means something else to the builder"
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ReservedStageName;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_reserved_names_in_any_case() {
        let source = "FROM alpine:3 AS scratch\nFROM alpine:3 AS Context\nFROM alpine:3 AS build\n";
        let d = check(&ReservedStageName, source);
        assert_eq!(flagged(source, &d), ["scratch", "Context"]);
        assert_eq!(
            d[1].message,
            "the stage name `Context` is reserved by the builder"
        );
    }

    #[test]
    fn accepts_other_names_and_scratch_images() {
        for source in [
            "FROM scratch\nCOPY a /a\n",
            "FROM scratch AS base\n",
            "FROM alpine:3 AS scratch-build\nFROM alpine:3 AS contexts\n",
            "FROM alpine:3\n",
        ] {
            assert!(check(&ReservedStageName, source).is_empty(), "{source}");
        }
    }
}

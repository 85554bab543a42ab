//! DFL6001 `redundant-target-platform`: `FROM --platform=$TARGETPLATFORM` states the default.

use crate::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::stages::from_instruction;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::syntax::TextRange;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL6001",
    name: "redundant-target-platform",
    category: RuleCategory::Style,
    severity: Severity::Warning,
    fix: FixAvailability::Always,
    status: RuleStatus::Stable,
    aliases: &["DL3065", "RedundantTargetPlatform", "DF083"],
    summary: "`FROM --platform=$TARGETPLATFORM` sets the platform every stage has by default.",
    docs: r#"## What it does
Flags `FROM --platform=$TARGETPLATFORM` and `FROM --platform=${TARGETPLATFORM}` (quoted or
not), where the variable is the whole value. A value that does more
(`${TARGETPLATFORM:-linux/amd64}`, `$TARGETPLATFORM-slim`) is left alone.

The fix removes the flag.

Differences from hadolint: a quoted value (`--platform="$TARGETPLATFORM"`) is flagged too.

## Why is this bad?
Every stage is built for the target platform unless `--platform` says otherwise, so the
flag only adds noise, and it suggests to readers that the stage is special.

## Example
```dockerfile
FROM --platform=$TARGETPLATFORM alpine:3.20
RUN apk add --no-cache curl
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl
```

## References
- BuildKit build checks: `RedundantTargetPlatform`.
- hadolint `DL3065`.
"#,
    fix_changes: &[],
};

/// DFL6001
pub struct RedundantTargetPlatform;

impl Rule for RedundantTargetPlatform {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for stage in &ctx.build.stages {
            let Some(instruction) = from_instruction(ctx, stage) else {
                continue;
            };
            let Some(flag) = instruction.flag("platform") else {
                continue;
            };
            let Some(word) = flag.value() else { continue };
            let value = word.unquoted(ctx.escape());
            if value != "$TARGETPLATFORM" && value != "${TARGETPLATFORM}" {
                continue;
            }
            let range = flag.syntax().range();
            // Remove the flag with the blank before it: from the end of the keyword or of
            // the previous flag.
            let start = instruction
                .flags()
                .map(|f| f.syntax().range().end)
                .filter(|&end| end <= range.start)
                .chain(instruction.keyword_range().map(|k| k.end))
                .max()
                .unwrap_or(range.start);
            let fix = Fix::new(
                "Remove `--platform`",
                Applicability::Safe,
                vec![Edit::delete(TextRange::new(start, range.end))],
            );
            out.push(
                META.diagnostic(
                    range,
                    format!("`--platform={value}` sets the platform the stage has by default"),
                )
                .with_help("remove the flag: every stage is built for the target platform")
                .with_fix(Some(fix)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RedundantTargetPlatform;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_and_removes_the_flag() {
        for (source, expected, after) in [
            (
                "FROM --platform=$TARGETPLATFORM alpine:3\n",
                "--platform=$TARGETPLATFORM",
                "FROM alpine:3\n",
            ),
            (
                "FROM --platform=${TARGETPLATFORM} alpine:3 AS run\n",
                "--platform=${TARGETPLATFORM}",
                "FROM alpine:3 AS run\n",
            ),
            (
                "FROM --platform=\"$TARGETPLATFORM\" alpine:3\n",
                "--platform=\"$TARGETPLATFORM\"",
                "FROM alpine:3\n",
            ),
            (
                "FROM \\\n  --platform=$TARGETPLATFORM \\\n  alpine:3\n",
                "--platform=$TARGETPLATFORM",
                "FROM \\\n  alpine:3\n",
            ),
        ] {
            let d = check(&RedundantTargetPlatform, source);
            assert_eq!(flagged(source, &d), [expected], "{source}");
            assert_eq!(fixed(source, &d), after, "{source}");
        }
    }

    #[test]
    fn accepts_other_platforms() {
        for source in [
            "FROM alpine:3\n",
            "FROM --platform=$BUILDPLATFORM alpine:3\n",
            "FROM --platform=${TARGETPLATFORM:-linux/amd64} alpine:3\n",
            "FROM --platform=linux/amd64 alpine:3\n",
        ] {
            assert!(
                check(&RedundantTargetPlatform, source).is_empty(),
                "{source}"
            );
        }
    }

    #[test]
    fn the_fix_is_accepted_by_the_build_check() {
        let source = "FROM --platform=$TARGETPLATFORM alpine:3 AS base\nUSER app\n";
        let config = crate::config::Config::default();
        let settings = crate::Settings::new(&config);
        let outcome = crate::fix_with(source, &settings, crate::fix::FixMode::Safe);
        assert_eq!(outcome.output, "FROM alpine:3 AS base\nUSER app\n");
    }
}

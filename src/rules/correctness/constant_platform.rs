//! DFL1003 `constant-platform`: `FROM --platform` names one fixed platform.

use crate::Diagnostic;
use crate::rules::stages::from_instruction;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1003",
    name: "constant-platform",
    category: RuleCategory::Correctness,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL3029", "FromPlatformFlagConstDisallowed", "DF061"],
    summary: "`FROM --platform` names a fixed platform instead of a build argument.",
    docs: r#"## What it does
Flags a `FROM --platform=<value>` whose value has no variable, such as
`--platform=linux/amd64`. As in BuildKit, a stage whose name contains the operating system
or the architecture of that platform (`FROM --platform=linux/arm64 alpine AS build-arm64`)
is not flagged: the name says the stage is meant for that platform only.

Differences from hadolint: hadolint flags every `--platform` that does not mention
`BUILDPLATFORM` or `TARGETPLATFORM`, including `--platform=$BUILDOS/$BUILDARCH` and
`--platform=$PLATFORM`; this rule follows BuildKit and flags only values without a
variable, which nothing can change at build time.

## Why is this bad?
A fixed platform makes the stage ignore `docker build --platform`: a multi-platform build
produces the same architecture for every target, and a build on another machine runs the
stage under emulation. Use `$BUILDPLATFORM` for stages that only produce files (compilers
that cross-compile), or no `--platform` at all for stages that must match the target.

## Example
```dockerfile
FROM --platform=linux/amd64 golang:1.23 AS build
RUN go build -o /out/app .
```

## Use instead
```dockerfile
FROM --platform=$BUILDPLATFORM golang:1.23 AS build
ARG TARGETOS TARGETARCH
RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .
```

## References
- BuildKit build checks: `FromPlatformFlagConstDisallowed`.
- hadolint `DL3029`.
"#,
    fix_changes: &[],
};

/// DFL1003
pub struct ConstantPlatform;

impl Rule for ConstantPlatform {
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
            if word.has_variables() {
                continue;
            }
            let platform = word.unquoted(ctx.escape());
            if platform.is_empty() {
                continue;
            }
            let lower = platform.to_ascii_lowercase();
            let mut parts = lower.split('/');
            let os = parts.next().unwrap_or_default();
            let arch = parts.next().unwrap_or_default();
            // BuildKit's exemption: the stage's name says which platform it is for.
            if let Some(name) = &stage.name
                && ((!os.is_empty() && name.contains(os))
                    || (!arch.is_empty() && name.contains(arch)))
            {
                continue;
            }
            let range = flag.syntax().range();
            out.push(
                META.diagnostic(
                    range,
                    format!("`--platform={platform}` fixes the platform of the stage"),
                )
                .with_help(
                    "use `--platform=$BUILDPLATFORM` for a stage that only produces files, or \
                     drop the flag so the stage follows `docker build --platform`; a stage \
                     meant for one platform only can say so in its name (`AS build-amd64`)",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ConstantPlatform;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_constant_platforms() {
        for (source, expected) in [
            (
                "FROM --platform=linux/amd64 alpine:3\n",
                vec!["--platform=linux/amd64"],
            ),
            (
                "FROM --platform=\"linux/arm64/v8\" alpine:3 AS build\n",
                vec!["--platform=\"linux/arm64/v8\""],
            ),
            // The name mentions another platform.
            (
                "FROM --platform=linux/arm64 alpine:3 AS build-amd64\n",
                vec!["--platform=linux/arm64"],
            ),
        ] {
            let diagnostics = check(&ConstantPlatform, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
        let d = check(&ConstantPlatform, "FROM --platform=linux/amd64 alpine:3\n");
        assert_eq!(
            d[0].message,
            "`--platform=linux/amd64` fixes the platform of the stage"
        );
    }

    #[test]
    fn accepts_variables_and_named_stages() {
        for source in [
            "FROM alpine:3\n",
            "FROM --platform=$BUILDPLATFORM golang:1 AS build\n",
            "FROM --platform=${TARGETPLATFORM} alpine:3\n",
            "FROM --platform=$BUILDOS/$BUILDARCH alpine:3\n",
            "ARG P=linux/amd64\nFROM --platform=$P alpine:3\n",
            "FROM --platform=linux/amd64 alpine:3 AS build-amd64\n",
            "FROM --platform=windows/amd64 mcr.microsoft.com/windows AS windows\n",
            "FROM --platform=linux/arm64 alpine:3 AS Runtime-ARM64\n",
        ] {
            assert!(check(&ConstantPlatform, source).is_empty(), "{source}");
        }
    }
}

//! DFL1026 `missing-command`: the final image has neither CMD nor ENTRYPOINT (opt-in).

use crate::Diagnostic;
use crate::rules::instructions::from_keyword_range;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::Field;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1026",
    name: "missing-command",
    category: RuleCategory::Correctness,
    severity: Severity::Info,
    fix: FixAvailability::None,
    status: RuleStatus::Preview,
    aliases: &["DF036"],
    summary: "The final image has neither a `CMD` nor an `ENTRYPOINT` (opt-in).",
    docs: r#"## What it does
Opt-in (preview): enable it with `--preview` or by selecting it. Checks the image config of
the target stage, as the build engine evaluates it, and flags the target's `FROM` when the
image has neither `Cmd` nor `Entrypoint`, and no base image can give it one: the stage
chain starts `FROM scratch` and no stage of it sets one, or an `ENTRYPOINT []` clears the
entrypoint (and with it the command the stage did not set itself).

An external base image almost always has a command of its own (`alpine` runs `/bin/sh`,
`node` runs `node`), and what it is cannot be known without pulling it, so a stage built on
one is never flagged.

The rule is opt-in because a final `FROM scratch` stage without a command is also the
normal way to export build results with `docker build --output`, and images meant only as a
base for others need no command either.

## Why is this bad?
`docker run` of an image without a command fails with "no command specified": the image
cannot be started without the user knowing what to run.

## Example
```dockerfile
FROM golang:1.23 AS build
RUN CGO_ENABLED=0 go build -o /out/app .
FROM scratch
COPY --from=build /out/app /app
```

## Use instead
```dockerfile
FROM golang:1.23 AS build
RUN CGO_ENABLED=0 go build -o /out/app .
FROM scratch
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
```

## References
- Dockerfile reference: `CMD`, `ENTRYPOINT`.
"#,
    fix_changes: &[],
};

/// DFL1026
pub struct MissingCommand;

impl Rule for MissingCommand {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(stage) = ctx.build.target_stage() else {
            return;
        };
        // `Unset` means no base image can provide it; `Inherited` leaves it to the image.
        if !matches!(stage.config.cmd, Field::Unset)
            || !matches!(stage.config.entrypoint, Field::Unset)
        {
            return;
        }
        out.push(
            META.diagnostic(
                from_keyword_range(ctx, stage),
                "the final image has neither `CMD` nor `ENTRYPOINT`",
            )
            .with_help(
                "add an `ENTRYPOINT` or `CMD` in exec form naming the program the container \
                 runs",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::MissingCommand;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_images_that_cannot_have_a_command() {
        for source in [
            "FROM scratch\nCOPY app /app\n",
            "FROM scratch AS base\nCOPY app /app\nFROM base\nLABEL a=b\n",
            "FROM alpine\nENTRYPOINT []\n",
        ] {
            let d = check(&MissingCommand, source);
            assert_eq!(flagged(source, &d), ["FROM"], "{source}");
        }
    }

    #[test]
    fn accepts_commands_and_external_bases() {
        for source in [
            "FROM alpine\nCOPY app /app\n",
            "FROM scratch\nCOPY app /app\nENTRYPOINT [\"/app\"]\n",
            "FROM scratch\nCOPY app /app\nCMD [\"/app\"]\n",
            "FROM scratch AS base\nCMD [\"/app\"]\nFROM base\nLABEL a=b\n",
            "FROM alpine\nENTRYPOINT []\nCMD [\"sh\"]\n",
            "FROM alpine\nCMD [\"sh\"]\nENTRYPOINT []\n",
            "ARG BASE\nFROM $BASE\n",
        ] {
            assert!(check(&MissingCommand, source).is_empty(), "{source}");
        }
    }
}

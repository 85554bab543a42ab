//! DFL5001 `missing-healthcheck`: the final image has no HEALTHCHECK (opt-in).

use crate::Diagnostic;
use crate::rules::instructions::from_keyword_range;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::{Base, Field};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL5001",
    name: "missing-healthcheck",
    category: RuleCategory::Maintainability,
    severity: Severity::Info,
    fix: FixAvailability::None,
    status: RuleStatus::Preview,
    aliases: &["DL3057", "DS026", "CKV_DOCKER_2", "DF012"],
    summary: "The final image has no `HEALTHCHECK` (opt-in).",
    docs: r#"## What it does
Opt-in (preview): enable it with `--preview` or by selecting it. Checks the target stage and
the stages it is built on (`FROM <stage>`) for a `HEALTHCHECK`, and flags the target's
`FROM` when none of them has one. `HEALTHCHECK NONE` counts: it says on purpose that the
image has no health check. A base that the engine cannot resolve (`FROM $BASE` without a
default) is not flagged.

Differences from hadolint: hadolint (DL3057, off by default) checks every stage, builder
stages included, which never run as containers; dflint checks only the image that is built.

## Why is this bad?
Without a health check, Docker and Swarm only know whether the container's main process is
alive, not whether it still serves: a web server stuck on a deadlock stays "running"
forever. A `HEALTHCHECK` lets the runtime mark it `unhealthy` and replace it. Orchestrators
with their own probes (Kubernetes ignores `HEALTHCHECK`) make it less useful, which is why
the rule is opt-in.

## Example
```dockerfile
FROM nginx:1.27
COPY site /usr/share/nginx/html
```

## Use instead
```dockerfile
FROM nginx:1.27
COPY site /usr/share/nginx/html
HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost/ || exit 1
```

## References
- Dockerfile reference: `HEALTHCHECK`.
"#,
    fix_changes: &[],
};

/// DFL5001
pub struct MissingHealthcheck;

impl Rule for MissingHealthcheck {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(stage) = ctx.build.target_stage() else {
            return;
        };
        if matches!(stage.config.healthcheck, Field::Set(_))
            || matches!(stage.base, Base::Symbolic(_) | Base::Invalid { .. })
        {
            return;
        }
        out.push(
            META.diagnostic(
                from_keyword_range(ctx, stage),
                "the final image has no `HEALTHCHECK`",
            )
            .with_help(
                "add a `HEALTHCHECK CMD ...` that fails when the service stops answering, or \
                 `HEALTHCHECK NONE` to say the image has none on purpose",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::MissingHealthcheck;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_a_final_image_without_healthcheck() {
        for source in [
            "FROM alpine\nRUN true\n",
            "FROM alpine AS build\nHEALTHCHECK NONE\nFROM alpine\nCOPY --from=build / /\n",
            "FROM scratch\nCOPY app /app\n",
        ] {
            let d = check(&MissingHealthcheck, source);
            assert_eq!(flagged(source, &d), ["FROM"], "{source}");
        }
    }

    #[test]
    fn accepts_healthchecks_in_the_stage_chain() {
        for source in [
            "FROM alpine\nHEALTHCHECK CMD true\n",
            "FROM alpine\nHEALTHCHECK NONE\n",
            "FROM alpine AS base\nHEALTHCHECK CMD true\nFROM base\nRUN true\n",
            "ARG BASE\nFROM $BASE\n",
        ] {
            assert!(check(&MissingHealthcheck, source).is_empty(), "{source}");
        }
    }
}

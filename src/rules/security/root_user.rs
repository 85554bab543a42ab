//! DFL2001 `root-user`: the final image runs as root.

use crate::Diagnostic;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::{Base, Field, Stage};
use crate::syntax::SyntaxKind;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL2001",
    name: "root-user",
    category: RuleCategory::Security,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &[
        "DL3002",
        "DS002",
        "CKV_DOCKER_3",
        "CKV_DOCKER_8",
        "DF002",
        "DF020",
    ],
    summary: "The final stage runs its processes as root.",
    docs: r#"## What it does
Checks the user the final image runs as: the last `USER` of the target stage (after
resolving ARG and ENV values), or the user inherited from its base when it sets none. It
flags a final `USER` of `root`, `0`, `root:<group>` or `0:<group>`, and a final stage with no
`USER` at all unless its base is known to set a non-root user (an earlier stage of this
Dockerfile that does, or a base image tagged `nonroot`, such as distroless images).

Differences from hadolint (`DL3002`): hadolint flags the last `USER root` of *every*
stage, and says nothing when there is no `USER` at all. dflint looks only at the final image,
so a builder stage that switches to root and whose files are only copied out is fine, and it
flags a final stage with no `USER` (the most requested addition to hadolint's rule). On the
corpus this makes most of the difference: about 5,800 final stages with no `USER` are
flagged by dflint only, and 7 `USER root` lines of builder stages by hadolint only.

## Why is this bad?
A process running as root inside the container is root on the container's filesystem and,
after a container escape, much closer to root on the host. Most services need no root
privileges once their image is built.

## Example
```dockerfile
FROM node:22
COPY . /app
CMD ["node", "/app/server.js"]
```

## Use instead
```dockerfile
FROM node:22
COPY . /app
USER node
CMD ["node", "/app/server.js"]
```

## References
- Docker's best practices: `USER`.
"#,
    fix_changes: &[],
};

/// DFL2001
pub struct RootUser;

/// Whether a user spec names root: `root`, `0`, `root:*`, `0:*`.
fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user).trim();
    name == "root" || name == "0"
}

/// Whether the base image of `stage` is known to run as a non-root user: a `nonroot` tag.
/// (A base stage's user is already in the stage's config.)
fn base_sets_non_root(stage: &Stage) -> bool {
    matches!(&stage.base, Base::Image(image) if image.tag().is_some_and(|t| t.contains("nonroot")))
}

impl Rule for RootUser {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(stage) = ctx.build.target_stage() else {
            return;
        };
        match &stage.config.user {
            Field::Set(user) => {
                // A user that depends on unknown values is not flagged: never guess.
                let Some(user) = user.known() else { return };
                if !is_root(&user) {
                    return;
                }
                let Some(step) = stage
                    .steps
                    .iter()
                    .rev()
                    .find(|s| s.kind == SyntaxKind::USER_INSTR)
                else {
                    // Root inherited from a base stage that set it.
                    out.push(
                        META.diagnostic(
                            stage.from_range,
                            format!("the final stage inherits `USER {user}`"),
                        )
                        .with_help("add a `USER` with a non-root user after the `FROM`"),
                    );
                    return;
                };
                out.push(
                    META.diagnostic(step.range, format!("the final stage runs as `{user}`"))
                        .with_help(
                            "switch to a non-root user as the last `USER` of the final stage",
                        ),
                );
            }
            Field::Unset | Field::Inherited => {
                // A base that cannot be resolved may set any user: never guess.
                if base_sets_non_root(stage)
                    || matches!(stage.base, Base::Symbolic(_) | Base::Invalid { .. })
                {
                    return;
                }
                let range = ctx
                    .instruction(stage.from_range)
                    .and_then(|i| i.keyword_range())
                    .unwrap_or(stage.from_range);
                out.push(
                    META.diagnostic(range, "the final stage sets no `USER`, so it runs as root")
                        .with_help("add `USER <non-root user>` to the final stage"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RootUser;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_root_and_missing_users() {
        for (source, expected) in [
            ("FROM alpine\nRUN true\n", vec!["FROM"]),
            ("FROM alpine\nUSER root\n", vec!["USER root"]),
            ("FROM alpine\nUSER 0:0\n", vec!["USER 0:0"]),
            (
                "FROM alpine\nUSER app\nUSER root:wheel\n",
                vec!["USER root:wheel"],
            ),
            ("FROM alpine\nARG U=root\nUSER $U\n", vec!["USER $U"]),
            (
                "FROM alpine AS base\nUSER root\nFROM base\nRUN true\n",
                vec!["FROM base"],
            ),
        ] {
            let diagnostics = check(&RootUser, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_non_root_users() {
        for source in [
            "FROM alpine\nUSER app\n",
            "FROM alpine\nUSER 1000:1000\n",
            "FROM alpine AS base\nUSER app\nFROM base\nRUN true\n",
            "FROM gcr.io/distroless/static:nonroot\nCOPY app /app\n",
            "FROM alpine AS build\nRUN make\nFROM alpine\nUSER app\n",
            "ARG BASE\nFROM $BASE\n",
            "FROM alpine\nARG U\nUSER $U\n",
        ] {
            assert!(check(&RootUser, source).is_empty(), "{source}");
        }
    }
}

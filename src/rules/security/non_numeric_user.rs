//! DFL2111 `non-numeric-user`: the final image runs as a user given by name (opt-in).

use crate::Diagnostic;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::shell::packages::image_stages;
use crate::syntax::SyntaxKind;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL2111",
    name: "non-numeric-user",
    category: RuleCategory::Security,
    severity: Severity::Info,
    fix: FixAvailability::None,
    status: RuleStatus::Preview,
    aliases: &["DL3066"],
    summary: "The final image runs as a user given by name rather than by numeric uid (opt-in).",
    docs: r#"## What it does
Opt-in (preview): enable it with `--preview` or by selecting it. Checks the `USER` the final
image runs as: the last `USER` of the target stage or of the stages it is built on. It flags
a user name (`USER app`, `USER app:app`) rather than a numeric uid (`USER 10001`,
`USER 10001:app`; only the part before `:` matters). `root` is not flagged (it is uid 0
everywhere; `root-user` covers it), nor is a user written with a variable
(`USER $APP_UID`), whose value is given at build time.

Differences from hadolint: hadolint (DL3066, info, on by default) flags every `USER` of every
stage, including builder stages and `USER root` to install packages before switching back.
Only the user the image runs as reaches the container runtime, so dflint checks that one.
It is opt-in here because naming the user is what most official images and the Docker docs
do (`USER node`, `USER nginx`), and it only matters where a policy needs the uid.

## Why is this bad?
The container runtime resolves a user name through the image's `/etc/passwd`. A policy that
must know the uid before the container starts cannot: Kubernetes' `runAsNonRoot` refuses to
start a container whose image user is not numeric ("image has non-numeric user, cannot
verify user is non-root"), and file ownership on mounted volumes is decided by uid.

## Example
```dockerfile
FROM node:22
COPY . /app
USER node
```

## Use instead
```dockerfile
FROM node:22
COPY . /app
USER 1000:1000
```

## References
- Kubernetes docs: `securityContext.runAsNonRoot`.
"#,
    fix_changes: &[],
};

/// DFL2111
pub struct NonNumericUser;

impl Rule for NonNumericUser {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let shipped = image_stages(ctx.build);
        // The stages of the image form one chain, in file order: the last USER among them
        // is the one the image runs as.
        let Some(word) = ctx
            .stage_instructions()
            .iter()
            .copied()
            .filter(|(s, i)| shipped.contains(s) && i.kind() == SyntaxKind::USER_INSTR)
            .filter_map(|(_, i)| i.words().next())
            .next_back()
        else {
            return;
        };
        if word.has_variables() {
            return;
        }
        let user = word.unquoted(ctx.escape());
        let name = user.split(':').next().unwrap_or_default();
        if name.is_empty() || name == "root" || name.bytes().all(|b| b.is_ascii_digit()) {
            return;
        }
        out.push(
            META.diagnostic(
                word.range(),
                format!("the final image runs as the user name `{name}`, not a numeric uid"),
            )
            .with_help(format!(
                "give the uid of `{name}` (`USER <uid>[:<gid>]`) so that the runtime can check it \
                 without reading the image's `/etc/passwd`"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::NonNumericUser;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_the_user_name_the_image_runs_as() {
        for (source, expected) in [
            ("FROM a\nUSER node\n", vec!["node"]),
            ("FROM a\nUSER 1000\nUSER app:1000\n", vec!["app:1000"]),
            ("FROM a\nUSER \"app\"\n", vec!["\"app\""]),
            (
                "FROM a AS base\nUSER app\nFROM base\nRUN true\n",
                vec!["app"],
            ),
        ] {
            let diagnostics = check(&NonNumericUser, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_uids_root_variables_and_builder_stages() {
        for source in [
            "FROM a\nUSER 1000\n",
            "FROM a\nUSER 1000:app\n",
            "FROM a\nUSER app\nUSER 10001\n",
            "FROM a\nUSER root\n",
            "FROM a\nARG UID\nUSER $UID\n",
            "FROM a AS build\nUSER builder\nFROM b\nUSER 1000\n",
            "FROM a\nRUN true\n",
        ] {
            assert!(check(&NonNumericUser, source).is_empty(), "{source}");
        }
    }
}

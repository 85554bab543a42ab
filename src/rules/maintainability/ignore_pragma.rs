//! DFL5064 `ignore-pragma`: a comment pragma turns diagnostics off (a policy rule).

use crate::Diagnostic;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::suppress::{PragmaKind, PragmaSource, Suppressions};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL5064",
    name: "ignore-pragma",
    category: RuleCategory::Maintainability,
    severity: Severity::Info,
    fix: FixAvailability::None,
    status: RuleStatus::Preview,
    aliases: &["DL1001", "DF072"],
    summary: "A comment pragma turns diagnostics off.",
    docs: r#"## What it does
Opt-in (preview): a policy rule for projects that want every exception in the configuration,
where it is reviewed once, rather than in comments. Flags each suppression pragma written in
a comment: `# dflint ignore=...`, `# dflint stage ignore=...`, `# dflint global ignore=...`
and their `# hadolint ...` forms. Pair it with `disable-ignore-pragma = true` to make the
pragmas ineffective as well as reported.

A pragma on a comment line inside a continued instruction, which suppresses nothing, and
BuildKit's `# check=skip=...`, which configures the builder's own checks, are not flagged.

Differences from hadolint: hadolint's `DL1001` flags only `# hadolint ignore=` pragmas for
the next line; this rule also flags stage and file-wide pragmas, and dflint's own syntax.

## Why is this bad?
A pragma silences a finding where nobody looks again: it outlives the reason it was written
for, and a pull request can add one as easily as it fixes the finding. Configuration
(`ignore`, `per-path`) keeps the exceptions of a project in one reviewed place.

## Example
```dockerfile
FROM alpine:3.20
# hadolint ignore=DL3018
RUN apk add --no-cache curl
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl=8.9.1-r2
```

Or, when the exception is wanted, write it in `.dflint.toml`: `ignore = ["DL3018"]`, or a
`per-path` entry for the files it concerns.

## References
- hadolint `DL1001`, `disable-ignore-pragma`.
"#,
    fix_changes: &[],
};

/// DFL5064
pub struct IgnorePragma;

impl Rule for IgnorePragma {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let suppressions = Suppressions::collect(ctx.parse);
        for pragma in suppressions.pragmas() {
            if pragma.in_continuation || pragma.source == PragmaSource::BuildKit {
                continue;
            }
            let codes: Vec<String> = pragma
                .codes
                .iter()
                .map(|(code, _)| format!("`{code}`"))
                .collect();
            let scope = match pragma.kind {
                PragmaKind::NextInstruction => "the next instruction",
                PragmaKind::Stage => "a stage",
                PragmaKind::File => "the whole file",
            };
            out.push(
                META.diagnostic(
                    pragma.range,
                    format!("a pragma turns {} off for {scope}", codes.join(", ")),
                )
                .with_help(
                    "fix the finding, or move the exception to the configuration (`ignore`, \
                     `per-path`), where it is reviewed once for the whole project",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::IgnorePragma;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_pragmas() {
        let source = "# check=skip=JSONArgsRecommended\n# hadolint global ignore=DL3006\n\
                      FROM alpine\n# hadolint ignore=DL3018,DL3019\nRUN apk add x\n\
                      # dflint ignore=DFL3006 -- reason\nRUN apk add y\n\
                      # dflint stage ignore=DFL2001\nFROM alpine\nRUN a \\\n# dflint ignore=x\n  b\n\
                      # just a comment\n";
        let d = check(&IgnorePragma, source);
        assert_eq!(
            flagged(source, &d),
            [
                "# hadolint global ignore=DL3006",
                "# hadolint ignore=DL3018,DL3019",
                "# dflint ignore=DFL3006 -- reason",
                "# dflint stage ignore=DFL2001",
            ]
        );
        assert_eq!(
            d[1].message,
            "a pragma turns `DL3018`, `DL3019` off for the next instruction"
        );
        assert_eq!(
            d[0].message,
            "a pragma turns `DL3006` off for the whole file"
        );
    }

    #[test]
    fn accepts_files_without_pragmas() {
        assert!(check(&IgnorePragma, "FROM alpine\n# note: ignore=this\nRUN x\n").is_empty());
    }
}

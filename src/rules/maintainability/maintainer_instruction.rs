//! DFL5021 `maintainer-instruction`: the deprecated MAINTAINER instruction.

use crate::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::Area;
use crate::syntax::SyntaxKind;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL5021",
    name: "maintainer-instruction",
    category: RuleCategory::Maintainability,
    severity: Severity::Error,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &[
        "DL4000",
        "MaintainerDeprecated",
        "DS022",
        "CKV_DOCKER_6",
        "DF019",
    ],
    summary: "`MAINTAINER` is deprecated.",
    docs: r#"## What it does
Checks for the `MAINTAINER` instruction.

## Why is this bad?
`MAINTAINER` has been deprecated since Docker 1.13. It sets the image's `Author` field,
which tools hardly show and which images built on this one do not inherit. A label says the
same thing in the place where tools look for it: the OCI annotation
`org.opencontainers.image.authors`.

## Example
```dockerfile
FROM alpine:3.20
MAINTAINER Jane Doe <jane@example.com>
```

## Use instead
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
```

## Fix safety
The fix replaces the instruction with
`LABEL org.opencontainers.image.authors="..."`, quoting the text so that the label holds
exactly what `MAINTAINER` held (`MAINTAINER` expands no variables, so `$` is escaped). It
is safe: it changes only the author metadata, which is what the rule is about. The image
gains a label, which images built on it inherit, and loses the deprecated `Author` field.
No fix is offered when the stage already sets `org.opencontainers.image.authors`, whose
value the new label could replace, or when comment lines sit inside the instruction.

## References
- Dockerfile reference: `MAINTAINER` (deprecated).
- OCI image spec: pre-defined annotation keys.
- BuildKit check `MaintainerDeprecated`; hadolint `DL4000`.
"#,
    fix_changes: &[Area::Config],
};

/// DFL5021
pub struct MaintainerInstruction;

const AUTHORS: &str = "org.opencontainers.image.authors";

/// `text` as a double-quoted word that expands to `text`.
fn quote(text: &str, escape: char) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '$' || c == escape {
            out.push(escape);
        }
        out.push(c);
    }
    out.push('"');
    out
}

impl Rule for MaintainerInstruction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for instruction in ctx.instructions() {
            if instruction.kind() != SyntaxKind::MAINTAINER_INSTR {
                continue;
            }
            let Some(keyword) = instruction.keyword_range() else {
                continue;
            };
            let author = instruction
                .words()
                .map(|w| w.text())
                .collect::<Vec<_>>()
                .join(" ");
            let author = author.trim();
            let start = instruction.range().start;
            let stage = ctx.build.stages.iter().find(|s| s.range.contains(start));
            let labelled = stage.is_some_and(|s| s.config.labels.iter().any(|(k, _)| k == AUTHORS));
            let comments = instruction
                .syntax()
                .tokens()
                .any(|t| t.kind() == SyntaxKind::COMMENT);
            let lowercase = ctx.source[keyword.as_usize()]
                .chars()
                .all(|c| !c.is_ascii_uppercase());
            let label = if lowercase { "label" } else { "LABEL" };
            let fix = (!author.is_empty() && !labelled && !comments).then(|| {
                Fix::new(
                    format!("Replace `MAINTAINER` with `LABEL {AUTHORS}`"),
                    Applicability::Safe,
                    vec![Edit::replace(
                        instruction.range(),
                        format!("{label} {AUTHORS}={}", quote(author, ctx.escape())),
                    )],
                )
            });
            out.push(
                META.diagnostic(keyword, "`MAINTAINER` is deprecated")
                    .with_help(format!(
                        "use a label instead: `LABEL {AUTHORS}=\"...\"`, which tools read and \
                         derived images keep"
                    ))
                    .with_fix(fix),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{META, MaintainerInstruction};
    use crate::fix::FixMode;
    use crate::rules::test_support::{check, fixed, flagged};
    use crate::semantic::{BuildOptions, evaluate};
    use crate::syntax::parse;

    #[test]
    fn flags_maintainer() {
        let source = "FROM a\nmaintainer me\nFROM b\nMAINTAINER you\n";
        assert_eq!(
            flagged(source, &check(&MaintainerInstruction, source)),
            ["maintainer", "MAINTAINER"]
        );
        assert!(check(&MaintainerInstruction, "FROM a\nLABEL a=b\n").is_empty());
    }

    #[test]
    fn fix_keeps_the_text_exactly() {
        for (source, label) in [
            (
                "FROM a\nMAINTAINER Jane Doe <jane@example.com>\n",
                "Jane Doe <jane@example.com>",
            ),
            (
                "FROM a\nMAINTAINER \"Jane\" $USER \\x\n",
                "\"Jane\" $USER \\x",
            ),
            ("FROM a\nMAINTAINER a \\\n  b\n", "a   b"),
        ] {
            let out = fixed(source, &check(&MaintainerInstruction, source));
            let build = evaluate(&parse(&out), &BuildOptions::default());
            let labels = &build.stages[0].config.labels;
            assert_eq!(labels.len(), 1, "{out}");
            assert_eq!(labels[0].1.known().as_deref(), Some(label), "{out}");
            let outcome = crate::fix::fix(
                source,
                &|t| check(&MaintainerInstruction, t),
                &|_| META.fix_changes,
                FixMode::Safe,
            );
            assert!(outcome.rejected.is_empty(), "{:?}", outcome.rejected);
            assert_eq!(outcome.output, out);
        }
        let source = "# escape=`\nFROM a\nMAINTAINER a`b \"c\"\n";
        let out = fixed(source, &check(&MaintainerInstruction, source));
        assert_eq!(
            out,
            "# escape=`\nFROM a\nLABEL org.opencontainers.image.authors=\"a``b `\"c`\"\"\n"
        );
    }

    #[test]
    fn fix_keeps_a_lowercase_keyword_lowercase() {
        let source = "from a\nmaintainer me\n";
        assert_eq!(
            fixed(source, &check(&MaintainerInstruction, source)),
            "from a\nlabel org.opencontainers.image.authors=\"me\"\n"
        );
    }

    #[test]
    fn no_fix_when_the_label_is_set() {
        let source = "FROM a\nMAINTAINER me\nLABEL org.opencontainers.image.authors=\"someone\"\n";
        assert!(check(&MaintainerInstruction, source)[0].fix.is_none());
    }
}

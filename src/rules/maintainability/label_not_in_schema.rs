//! DFL5062 `label-not-in-schema`: with `strict-labels`, a LABEL sets a label the
//! configuration does not list.

use crate::Diagnostic;
use crate::rules::maintainability::label_value_invalid::{label_pairs, schema_of};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL5062",
    name: "label-not-in-schema",
    category: RuleCategory::Maintainability,
    severity: Severity::Info,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL3050", "DF074"],
    summary: "With `strict-labels`, a LABEL sets a label that `required-labels` does not list.",
    docs: r#"## What it does
With `strict-labels = true`, flags every `LABEL` key (quotes removed) that is not one of the
configured `required-labels`. It is silent unless `strict-labels` is set.

Differences from hadolint: each key outside the schema is reported on the key (hadolint
reports the `LABEL` once, however many of its keys are outside the schema).

## Why is this bad?
An organisation that fixes the set of labels its images carry wants no others: a label
outside the schema is often a typo of one in it (`org.opencontainers.image.url` for
`.source`), or an old convention (`maintainer`, `version`) that tools no longer read.

## Example
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.source="https://github.com/example/app" \
      maintainer="team@example.com"
```

## Use instead
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.source="https://github.com/example/app"
```

## Options
```toml
required-labels = [
  { name = "org.opencontainers.image.source", schema = "url" },
]
strict-labels = true
```

## References
- hadolint `DL3050`, `strict-labels`.
"#,
    fix_changes: &[],
};

/// DFL5062
pub struct LabelNotInSchema;

impl Rule for LabelNotInSchema {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        if !ctx.options.strict_labels {
            return;
        }
        for pair in label_pairs(ctx) {
            if schema_of(&ctx.options.required_labels, &pair.key).is_some() {
                continue;
            }
            out.push(
                META.diagnostic(
                    pair.key_range,
                    format!("the label `{}` is not in the configured schema", pair.key),
                )
                .with_help(
                    "remove the label, or add it to `required-labels` if images should carry \
                     it (`strict-labels` allows no others)",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::LabelNotInSchema;
    use crate::config::RequiredLabel;
    use crate::rules::RuleOptions;
    use crate::rules::test_support::{check, check_with, flagged};

    #[test]
    fn flags_labels_outside_the_schema_when_strict() {
        let options = RuleOptions {
            required_labels: vec![RequiredLabel {
                name: "version".into(),
                schema: Some("semver".into()),
            }],
            strict_labels: true,
            ..RuleOptions::default()
        };
        let source = "FROM alpine\nLABEL version=1.0.0 \"other\"=1\nLABEL Version=2\n";
        let d = check_with(&LabelNotInSchema, source, &options);
        assert_eq!(flagged(source, &d), ["\"other\"", "Version"]);
        assert_eq!(
            d[0].message,
            "the label `other` is not in the configured schema"
        );
        assert!(check(&LabelNotInSchema, source).is_empty());
    }
}

//! DFL5061 `required-label-missing`: a stage that produces an image lacks a configured label.

use crate::Diagnostic;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::EdgeTarget;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL5061",
    name: "required-label-missing",
    category: RuleCategory::Maintainability,
    severity: Severity::Info,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL3049", "DF074"],
    summary: "A stage that produces an image does not set a label the configuration requires.",
    docs: r#"## What it does
Checks that every stage that produces an image sets each of the configured
`required-labels`, itself or through the stages it is built on (`FROM <stage>`). A stage
that another stage uses, as its base or through `COPY --from` or `RUN --mount=from`, is an
intermediate step and is not checked; every other stage is (the last one, and any other that
can be built with `--target`). It is silent until labels are configured.

Labels set through variables count with their evaluated names (`LABEL ${PREFIX}.version=1`).
A label the base image may set is not known and does not count, as in hadolint.

Differences from hadolint: a missing label is reported once, on the stage that produces the
image; hadolint also reports it on each stage that stage is built on (`FROM base`), which
says the same thing several times.

## Why is this bad?
Labels are how registries, scanners and people find out where an image comes from, who owns
it and what it contains (`org.opencontainers.image.source`, `.revision`, `.licenses`). An
organisation that requires some of them wants every image to have them.

## Example
```dockerfile
FROM golang:1.23 AS build
RUN go build -o /app .

FROM gcr.io/distroless/static
COPY --from=build /app /app
```

## Use instead
```dockerfile
FROM golang:1.23 AS build
RUN go build -o /app .

FROM gcr.io/distroless/static
LABEL org.opencontainers.image.source="https://github.com/example/app"
COPY --from=build /app /app
```

## Options
```toml
required-labels = [
  { name = "org.opencontainers.image.source", schema = "url" },
]
```

## References
- OCI image spec: pre-defined annotation keys.
- hadolint `DL3049`.
"#,
    fix_changes: &[],
};

/// DFL5061
pub struct RequiredLabelMissing;

impl Rule for RequiredLabelMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let required = &ctx.options.required_labels;
        if required.is_empty() {
            return;
        }
        for stage in &ctx.build.stages {
            let used = ctx
                .build
                .edges
                .iter()
                .any(|e| e.stage != stage.index && e.target == EdgeTarget::Stage(stage.index));
            if used {
                continue;
            }
            let range = ctx
                .instruction(stage.from_range)
                .and_then(|i| i.keyword_range())
                .unwrap_or(stage.from_range);
            for label in required {
                if stage.config.labels.iter().any(|(k, _)| *k == label.name) {
                    continue;
                }
                out.push(
                    META.diagnostic(
                        range,
                        format!(
                            "the stage `{}` does not set the label `{}`",
                            stage.label(),
                            label.name
                        ),
                    )
                    .with_help(format!(
                        "add `LABEL {}=...` to the stage (or to a stage it is built on): the \
                         configuration requires it on every image",
                        label.name
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RequiredLabelMissing;
    use crate::config::RequiredLabel;
    use crate::rules::RuleOptions;
    use crate::rules::test_support::{check, check_with, flagged};

    fn options() -> RuleOptions {
        RuleOptions {
            required_labels: ["maintainer", "version"]
                .iter()
                .map(|n| RequiredLabel {
                    name: (*n).to_string(),
                    schema: None,
                })
                .collect(),
            ..RuleOptions::default()
        }
    }

    fn messages(source: &str) -> Vec<String> {
        check_with(&RequiredLabelMissing, source, &options())
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn flags_leaf_stages_without_labels() {
        assert_eq!(
            messages("FROM alpine\nRUN x\n"),
            [
                "the stage `0` does not set the label `maintainer`",
                "the stage `0` does not set the label `version`"
            ]
        );
        // Stage `b` is not used by the last stage: it may be built with `--target`.
        assert_eq!(
            messages(
                "FROM alpine AS a\nRUN x\nFROM alpine AS b\nRUN y\nFROM alpine\n\
                 COPY --from=a /x /x\nLABEL maintainer=x version=1\n"
            ),
            [
                "the stage `b` does not set the label `maintainer`",
                "the stage `b` does not set the label `version`"
            ]
        );
        let source =
            "FROM alpine AS a\nRUN x\nFROM alpine\nCOPY --from=a /x /\nLABEL maintainer=x\n";
        let d = check_with(&RequiredLabelMissing, source, &options());
        assert_eq!(flagged(source, &d), ["FROM"]);
        assert_eq!(d[0].range.start, 23);
        assert!(d[0].message.contains("`1`") && d[0].message.ends_with("`version`"));
    }

    #[test]
    fn accepts_labels_set_or_inherited() {
        for source in [
            "FROM alpine\nRUN x\nLABEL maintainer=x\nLABEL version=1.0.0\n",
            "FROM alpine AS a\nLABEL maintainer=x version=1.0.0\nFROM a\nRUN x\n",
            "FROM alpine AS a\nRUN x\nFROM alpine\nCOPY --from=a /x /x\nLABEL maintainer=x version=1\n",
            "FROM alpine\nARG K=version\nLABEL maintainer=x ${K}=1\n",
        ] {
            let d = check_with(&RequiredLabelMissing, source, &options());
            assert!(d.is_empty(), "{source}: {:?}", flagged(source, &d));
        }
        assert!(check(&RequiredLabelMissing, "FROM alpine\n").is_empty());
    }
}

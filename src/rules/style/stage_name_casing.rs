//! DFL6002 `stage-name-casing`: a stage name is not lowercase.

use crate::Diagnostic;
use crate::ast::Word;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::stages::from_instruction;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::Area;
use crate::semantic::{Base, EdgeKind, EdgeTarget};
use crate::syntax::SyntaxKind;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL6002",
    name: "stage-name-casing",
    category: RuleCategory::Style,
    severity: Severity::Warning,
    fix: FixAvailability::Always,
    status: RuleStatus::Stable,
    aliases: &["StageNameCasing", "DF085"],
    summary: "A stage name has uppercase letters.",
    docs: r#"## What it does
Flags a stage name after `AS` that has uppercase letters, as BuildKit does.

The fix lowercases the name and every reference to the stage written out in the file:
`FROM <stage>`, `COPY --from=<stage>` and `RUN --mount=...,from=<stage>`. The builder
lowercases stage names anyway, so the build does not change; `docker build --target`
matches names ignoring case too.

## Why is this bad?
The builder lowercases stage names, so `Builder` and `builder` are the same stage. Writing
them in lowercase keeps stage names apart from instruction keywords and avoids the
impression that case matters.

## Example
```dockerfile
FROM golang:1.23 AS Builder
RUN go build -o /out/app .

FROM alpine:3.20
COPY --from=Builder /out/app /usr/local/bin/app
```

## Use instead
```dockerfile
FROM golang:1.23 AS builder
RUN go build -o /out/app .

FROM alpine:3.20
COPY --from=builder /out/app /usr/local/bin/app
```

## References
- BuildKit build checks: `StageNameCasing`.
"#,
    // The stages, their names and the graph stay the same; the `--from` values of COPY and
    // RUN --mount, which the engine keeps as written, change case.
    fix_changes: &[Area::Files, Area::Commands],
};

/// DFL6002
pub struct StageNameCasing;

/// The words of the file that name stage `index` by name: later `FROM <stage>`,
/// `COPY --from=<stage>` and `RUN --mount=...,from=<stage>`.
fn references<'a>(ctx: &RuleContext<'a>, index: usize) -> Vec<Word<'a>> {
    let escape = ctx.escape();
    let by_name = |w: &Word<'_>| !w.has_variables() && w.unquoted(escape).parse::<usize>().is_err();
    let mut words = Vec::new();
    for stage in &ctx.build.stages {
        if stage.base == Base::Stage(index)
            && let Some(word) = from_instruction(ctx, stage).and_then(|i| i.from_image())
            && by_name(&word)
        {
            words.push(word);
        }
    }
    for edge in &ctx.build.edges {
        if edge.target != EdgeTarget::Stage(index) || edge.kind == EdgeKind::From {
            continue;
        }
        let Some(instruction) = ctx.instruction(edge.range) else {
            continue;
        };
        let candidates: Vec<Word<'a>> = match instruction.kind() {
            SyntaxKind::COPY_INSTR => instruction
                .flag("from")
                .and_then(|f| f.value())
                .into_iter()
                .collect(),
            SyntaxKind::RUN_INSTR => instruction
                .flags()
                .filter(|f| f.name() == "mount")
                .flat_map(|f| f.mount_options())
                .filter(|o| {
                    o.key()
                        .is_some_and(|k| k.unquoted(escape).eq_ignore_ascii_case("from"))
                })
                .filter_map(|o| o.value())
                .collect(),
            _ => Vec::new(),
        };
        let name = ctx.build.stages[index].name.as_deref().unwrap_or_default();
        for word in candidates {
            if by_name(&word)
                && word.unquoted(escape).eq_ignore_ascii_case(name)
                && !words.contains(&word)
            {
                words.push(word);
            }
        }
    }
    words
}

impl Rule for StageNameCasing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for stage in &ctx.build.stages {
            let Some(word) = from_instruction(ctx, stage).and_then(|i| i.from_stage_name()) else {
                continue;
            };
            let written = word.text();
            let lower = written.to_ascii_lowercase();
            // A name with a variable or quotes is not a valid stage name (a syntax error),
            // and lowercasing a variable would rename it.
            if written == lower || word.has_variables() || written.contains(['"', '\'']) {
                continue;
            }
            let mut edits = vec![Edit::replace(word.range(), lower.clone())];
            for reference in references(ctx, stage.index) {
                let text = reference.text();
                if text != text.to_ascii_lowercase() {
                    edits.push(Edit::replace(reference.range(), text.to_ascii_lowercase()));
                }
            }
            out.push(
                META.diagnostic(
                    word.range(),
                    format!("the stage name `{written}` is not lowercase"),
                )
                .with_help("write stage names in lowercase; the builder lowercases them anyway")
                .with_fix(Some(Fix::new(
                    format!("Rename the stage to `{lower}`"),
                    Applicability::Safe,
                    edits,
                ))),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::StageNameCasing;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_and_renames_every_reference() {
        let source = "FROM golang:1 AS Build\nRUN make\n\
                      FROM Build AS Test\nRUN make test\n\
                      FROM alpine:3\nCOPY --from=BUILD /a /b\nCOPY --from=0 /c /d\n\
                      RUN --mount=type=bind,from=build,target=/s \\\n    --mount=from=Test,target=/t true\n";
        let d = check(&StageNameCasing, source);
        assert_eq!(flagged(source, &d), ["Build", "Test"]);
        assert_eq!(d[0].message, "the stage name `Build` is not lowercase");
        assert_eq!(
            fixed(source, &d),
            "FROM golang:1 AS build\nRUN make\n\
             FROM build AS Test\nRUN make test\n\
             FROM alpine:3\nCOPY --from=build /a /b\nCOPY --from=0 /c /d\n\
             RUN --mount=type=bind,from=build,target=/s \\\n    --mount=from=Test,target=/t true\n"
        );
        let second = &d[1].fix.as_ref().unwrap();
        assert_eq!(
            second.apply_to(source),
            source
                .replace("AS Test", "AS test")
                .replace("from=Test", "from=test")
        );
    }

    #[test]
    fn accepts_lowercase_names() {
        for source in [
            "FROM golang:1 AS build\nFROM build\n",
            "FROM Alpine:3\n",
            "FROM alpine:3 AS build-2.x_y\n",
            "ARG STAGE=x\nFROM alpine:3 AS ${STAGE}\n",
        ] {
            assert!(check(&StageNameCasing, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn the_fix_is_accepted_by_the_build_check() {
        let source = "FROM golang:1 AS Build\nRUN make\nFROM alpine:3\nUSER app\n\
                      COPY --from=Build /a /b\n";
        let config = crate::config::Config::default();
        let settings = crate::Settings::new(&config);
        let outcome = crate::fix_with(source, &settings, crate::fix::FixMode::Safe);
        assert_eq!(
            outcome.output,
            "FROM golang:1 AS build\nRUN make\nFROM alpine:3\nUSER app\n\
             COPY --from=build /a /b\n"
        );
    }
}

//! DFL1024 `env-self-reference`: an ENV value refers to a variable the same ENV sets, and
//! sees the value from before it.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::Diagnostic;
use crate::ast::{Instruction, KeyValue, VarRef};
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::Area;
use crate::semantic::{Base, Build};
use crate::syntax::SyntaxKind;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1024",
    name: "env-self-reference",
    category: RuleCategory::Correctness,
    severity: Severity::Error,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DL3044", "DF062"],
    summary: "An `ENV` value uses a variable that the same `ENV` sets, before it is set.",
    docs: r#"## What it does
Checks every `ENV` with several `key=value` pairs and flags a reference (`$NAME`,
`${NAME}`, `${NAME:-default}`...) in a value to a variable that an earlier pair of the same
`ENV` sets, when the variable is not already set before the `ENV`: by an `ARG` or `ENV`
earlier in the stage, or by an `ENV` of a stage it is built on (`FROM <stage>`).
References the builder does not expand (`'$NAME'`, `\$NAME`) are not flagged.

Differences from hadolint: hadolint (DL3044) counts an `ARG` or `ENV` anywhere earlier in the
file, also in an unrelated stage or before the first `FROM` without being declared again in
the stage, where it is not visible; dflint follows the stage's scope. hadolint also flags
single-quoted and escaped references, which are literal text, but not references with an
operator (`${NAME:-default}`), which are flagged here unless they give the same value either
way.

## Why is this bad?
The builder expands all the values of one `ENV` with the variables as they were before the
instruction, so `ENV JAVA_HOME=/opt/jdk PATH=$JAVA_HOME/bin:$PATH` puts `/bin` on the
`PATH`, not `/opt/jdk/bin`: `JAVA_HOME` is not set yet when the value is expanded.

## Example
```dockerfile
FROM debian:12
ENV JAVA_HOME=/opt/jdk PATH=$JAVA_HOME/bin:$PATH
```

## Use instead
```dockerfile
FROM debian:12
ENV JAVA_HOME=/opt/jdk
ENV PATH=$JAVA_HOME/bin:$PATH
```

## Fix safety
The fix starts a new `ENV` before the pair with the reference, so that it sees the value the
same `ENV` sets. That changes the value (which is the point); it is unsafe because a base
image may set the variable, and the value from the base image may have been the one meant.

## References
- Dockerfile reference: `ENV` and environment replacement.
"#,
    fix_changes: &[Area::Config, Area::Commands, Area::Files],
};

/// DFL1024
pub struct EnvSelfReference;

/// The names an ENV of a stage built on `base` sees set before the stage starts.
fn inherited_names<'b>(
    build: &'b Build,
    mut base: &'b Base,
    instructions: &[(usize, Instruction<'_>)],
    escape: char,
) -> HashSet<Cow<'b, str>> {
    let mut names = HashSet::new();
    let mut seen = Vec::new();
    while let Base::Stage(index) = base {
        if seen.contains(index) {
            break;
        }
        seen.push(*index);
        let Some(stage) = build.stages.get(*index) else {
            break;
        };
        names.extend(
            stage
                .config
                .env
                .iter()
                .map(|(n, _)| Cow::Borrowed(n.as_str())),
        );
        // The engine keeps the ARGs of a base stage visible.
        for (_, instruction) in instructions
            .iter()
            .filter(|(s, i)| *s == *index && i.kind() == SyntaxKind::ARG_INSTR)
        {
            names.extend(
                instruction
                    .key_values()
                    .filter_map(|p| p.key())
                    .map(|k| Cow::Owned(k.unquoted(escape))),
            );
        }
        base = &stage.base;
    }
    names
}

/// Whether the reference gives what the same `ENV` sets anyway: it is written exactly as
/// that value (`A="${A:-x}" B="${A:-x}"`), or its default is that value (`A=x B=${A:-x}`).
fn same_either_way(var: VarRef<'_>, value: &str) -> bool {
    if var.syntax().logical_text() == value {
        return true;
    }
    matches!(var.operator(), Some(":-" | "-"))
        && var
            .arguments()
            .next()
            .is_some_and(|default| default.logical_text() == value)
}

/// A fix that starts a new `ENV` at `pair`, after `previous`, when only whitespace and line
/// continuations separate them.
fn split_before(ctx: &RuleContext<'_>, previous: KeyValue<'_>, pair: KeyValue<'_>) -> Option<Fix> {
    let gap = crate::syntax::TextRange::new(previous.range().end, pair.range().start);
    let text = &ctx.source[gap.as_usize()];
    let separators_only = text.chars().all(|c| c.is_whitespace() || c == ctx.escape());
    (previous.has_equals() && pair.has_equals() && separators_only).then(|| {
        Fix::new(
            "Set it in a new `ENV`",
            Applicability::Unsafe,
            vec![Edit::replace(gap, "\nENV ")],
        )
    })
}

impl Rule for EnvSelfReference {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let escape = ctx.escape();
        let instructions = ctx.stage_instructions();
        for stage in &ctx.build.stages {
            let mut defined = inherited_names(ctx.build, &stage.base, instructions, escape);
            for (_, instruction) in instructions.iter().filter(|(s, _)| *s == stage.index) {
                let kind = instruction.kind();
                if !matches!(kind, SyntaxKind::ARG_INSTR | SyntaxKind::ENV_INSTR) {
                    continue;
                }
                let pairs: Vec<KeyValue<'_>> = instruction.key_values().collect();
                let keys: Vec<String> = pairs
                    .iter()
                    .map(|p| p.key().map(|k| k.unquoted(escape)).unwrap_or_default())
                    .collect();
                if kind == SyntaxKind::ARG_INSTR {
                    defined.extend(keys.into_iter().map(Cow::Owned));
                    continue;
                }
                let values: Vec<String> = pairs
                    .iter()
                    .map(|p| p.value().map(|v| v.unquoted(escape)).unwrap_or_default())
                    .collect();
                for (index, pair) in pairs.iter().enumerate() {
                    let Some(value) = pair.value() else { continue };
                    let earlier = &keys[..index];
                    let mut fixed = false;
                    for var in value.variables() {
                        let Some(name) = var.name() else { continue };
                        let Some(setter) = earlier.iter().rposition(|k| k == name) else {
                            continue;
                        };
                        if defined.contains(name) || same_either_way(var, &values[setter]) {
                            continue;
                        }
                        let fix = if fixed {
                            None
                        } else {
                            fixed = true;
                            split_before(ctx, pairs[index - 1], *pair)
                        };
                        out.push(
                            META.diagnostic(
                                var.range(),
                                format!(
                                    "`{name}` is set by this same `ENV`, so the reference is \
                                     expanded before it is set"
                                ),
                            )
                            .with_help(format!(
                                "the values of one `ENV` see the variables from before it: set \
                                 `{name}` in an earlier `ENV`"
                            ))
                            .with_fix(fix),
                        );
                    }
                }
                defined.extend(keys.into_iter().map(Cow::Owned));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::EnvSelfReference;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_references_to_the_same_env() {
        for (source, expected) in [
            ("FROM a\nENV A=1 B=$A\n", vec!["$A"]),
            (
                "FROM a\nENV JAVA_HOME=/opt/jdk PATH=${JAVA_HOME}/bin:$PATH\n",
                vec!["${JAVA_HOME}"],
            ),
            (
                "FROM a\nENV A=1 B=\"x${A:-y}\" C=$B\n",
                vec!["${A:-y}", "$B"],
            ),
            ("FROM a\nENV A=1 \\\n    B=$A\n", vec!["$A"]),
            // A global ARG is not visible in the stage without a declaration.
            ("ARG A\nFROM a\nENV A=1 B=$A\n", vec!["$A"]),
            ("FROM a\nENV A=2 C=${A:-x}\n", vec!["${A:-x}"]),
            // Another stage's ENV is not visible either.
            ("FROM a AS one\nENV A=0\nFROM b\nENV A=1 B=$A\n", vec!["$A"]),
        ] {
            let diagnostics = check(&EnvSelfReference, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_variables_set_before() {
        for source in [
            "FROM a\nENV A=1\nENV B=$A\n",
            "FROM a\nENV A=$A\n",
            "FROM a\nENV A=0\nENV A=1 B=$A\n",
            "FROM a\nARG A\nENV A=1 B=$A\n",
            "ARG A\nFROM a\nARG A\nENV A=1 B=$A\n",
            "FROM a AS base\nENV A=0\nFROM base\nENV A=1 B=$A\n",
            "FROM a\nENV B=$A A=1\n",
            "FROM a\nENV A=1 B='$A' C=\\$A\n",
            "FROM a\nLABEL a=1 b=$a\n",
            // The reference gives the same value whether or not it is set.
            "FROM a\nENV A=x C=${A:-x}/y\n",
            "FROM a\nENV A=\"${A:-/opt}\" B=\"${A:-/opt}\"/b\n",
        ] {
            assert!(check(&EnvSelfReference, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn fix_splits_the_env() {
        for (source, after) in [
            ("FROM a\nENV A=1 B=$A\n", "FROM a\nENV A=1\nENV B=$A\n"),
            (
                "FROM a\nENV A=1 \\\n    B=$A C=2\n",
                "FROM a\nENV A=1\nENV B=$A C=2\n",
            ),
        ] {
            assert_eq!(fixed(source, &check(&EnvSelfReference, source)), after);
        }
        // A comment between the pairs would be lost.
        let source = "FROM a\nENV A=1 \\\n# the bin dir\n    B=$A\n";
        assert!(check(&EnvSelfReference, source)[0].fix.is_none());
    }
}

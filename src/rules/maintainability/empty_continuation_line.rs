//! DFL5023 `empty-continuation-line`: an empty line inside a continued instruction.

use crate::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::syntax::{SyntaxElement, SyntaxKind};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL5023",
    name: "empty-continuation-line",
    category: RuleCategory::Maintainability,
    severity: Severity::Warning,
    fix: FixAvailability::Always,
    status: RuleStatus::Stable,
    aliases: &["NoEmptyContinuation"],
    summary: "An empty line sits inside an instruction continued with `\\`.",
    docs: r#"## What it does
Checks instructions continued over several lines with the escape character for lines that
are empty or hold only white space. Comment lines inside an instruction are fine, and so
are empty lines of heredoc bodies. One diagnostic is reported per instruction, on its first
empty line.

The parser accepts such lines, as BuildKit does today, so this is a rule rather than a
syntax error.

## Why is this bad?
The builder skips the empty line and carries on with the instruction, so an empty line
does not end it, which is easy to misread: after `RUN a \`, an empty line and `RUN b`, the
second line is part of the first `RUN` (`a RUN b`). BuildKit warns that empty continuation
lines will become errors in a future release.

## Example
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache \

    curl
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache \
    curl
```

## References
- BuildKit check `NoEmptyContinuation`.
"#,
    fix_changes: &[],
};

/// DFL5023
pub struct EmptyContinuationLine;

impl Rule for EmptyContinuationLine {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for instruction in ctx.instructions() {
            let empty: Vec<_> = instruction
                .syntax()
                .descendants_with_tokens()
                .filter_map(SyntaxElement::as_node)
                .filter(|n| n.kind() == SyntaxKind::SKIPPED_LINE)
                .filter(|n| n.tokens().all(|t| t.kind() != SyntaxKind::COMMENT))
                .collect();
            let Some(first) = empty.first() else {
                continue;
            };
            let count = empty.len();
            let message = if count == 1 {
                "empty line inside a continued instruction".to_string()
            } else {
                format!("{count} empty lines inside a continued instruction")
            };
            out.push(
                META.diagnostic(first.range(), message)
                    .with_help(
                        "remove the empty line, or put a comment on it: the builder skips it \
                         and carries on with the instruction, and a future release will reject \
                         it",
                    )
                    .with_fix(Some(Fix::new(
                        "Remove the empty continuation lines",
                        Applicability::Safe,
                        empty.iter().map(|n| Edit::delete(n.range())).collect(),
                    ))),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{EmptyContinuationLine, META};
    use crate::fix::FixMode;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_empty_lines_not_comments() {
        for (source, expected) in [
            ("FROM a\nRUN a \\\n\n  b\n", vec!["\n"]),
            ("FROM a\nRUN a \\\n  \t\n  b\n", vec!["  \t\n"]),
            ("FROM a\nENV A=1 \\\n\n\n  B=2\n", vec!["\n"]),
            ("FROM a\nONBUILD RUN a \\\n\n  b\n", vec!["\n"]),
        ] {
            let diagnostics = check(&EmptyContinuationLine, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
        for source in [
            "FROM a\nRUN a \\\n  # note\n  b\n",
            "FROM a\nRUN <<EOF\na\n\nb\nEOF\n",
            "FROM a\n\nRUN a\n",
            "FROM a\nRUN a \\\n\\\n  b\n",
        ] {
            assert!(check(&EmptyContinuationLine, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn fix_removes_the_lines() {
        for (source, expected) in [
            ("FROM a\nRUN a \\\n\n  b\n", "FROM a\nRUN a \\\n  b\n"),
            (
                "FROM a\nENV A=1 \\\n\n  \n  B=2 \\\n # c\n\n  C=3\n",
                "FROM a\nENV A=1 \\\n  B=2 \\\n # c\n  C=3\n",
            ),
            ("FROM a\nRUN a \\\n\nRUN b\n", "FROM a\nRUN a \\\nRUN b\n"),
        ] {
            let outcome = crate::fix::fix(
                source,
                &|t| check(&EmptyContinuationLine, t),
                &|_| META.fix_changes,
                FixMode::Safe,
            );
            assert!(outcome.rejected.is_empty(), "{:?}", outcome.rejected);
            assert_eq!(outcome.output, expected);
        }
    }
}

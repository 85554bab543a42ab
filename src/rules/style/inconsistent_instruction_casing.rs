//! DFL6020 `inconsistent-instruction-casing`: an instruction keyword in mixed case, or in
//! a case other than the file's majority.

use crate::Diagnostic;
use crate::ast::Instruction;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::syntax::{SyntaxElement, SyntaxKind};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL6020",
    name: "inconsistent-instruction-casing",
    category: RuleCategory::Style,
    severity: Severity::Style,
    fix: FixAvailability::Always,
    status: RuleStatus::Stable,
    aliases: &["ConsistentInstructionCasing", "DF076"],
    summary: "An instruction keyword is in mixed case, or not in the case most keywords of the file use.",
    docs: r#"## What it does
Counts the instruction keywords of the file written all in lowercase and all in uppercase,
as BuildKit does: the majority is lowercase only when lowercase keywords outnumber
uppercase ones (a tie counts as uppercase). It flags every keyword in mixed case (`Run`)
and every keyword in the other case. Keywords inside an instruction (`AS`, the `CMD` of
`HEALTHCHECK`, the instruction wrapped by `ONBUILD`) are not counted.

## Why is this bad?
Keywords are case-insensitive, so mixing cases changes nothing for the builder, but it
makes the file harder to scan and to search. Most Dockerfiles write keywords in uppercase.

## Example
```dockerfile
FROM alpine:3.20
Run apk add --no-cache curl
copy . /app
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl
COPY . /app
```

## References
- BuildKit check `ConsistentInstructionCasing`.
"#,
    fix_changes: &[],
};

/// DFL6020
pub struct InconsistentInstructionCasing;

/// How a keyword is written.
#[derive(PartialEq, Eq)]
enum Case {
    Lower,
    Upper,
    Mixed,
}

fn case_of(keyword: &str) -> Case {
    if keyword.chars().all(|c| !c.is_ascii_uppercase()) {
        Case::Lower
    } else if keyword.chars().all(|c| !c.is_ascii_lowercase()) {
        Case::Upper
    } else {
        Case::Mixed
    }
}

/// The keyword tokens of an instruction (more than one when a continuation splits it).
fn keyword_edits(instruction: Instruction<'_>, lower: bool) -> Vec<Edit> {
    instruction
        .syntax()
        .children_with_tokens()
        .filter_map(SyntaxElement::as_token)
        .filter(|t| t.kind() == SyntaxKind::KEYWORD)
        .map(|t| {
            let text = if lower {
                t.text().to_ascii_lowercase()
            } else {
                t.text().to_ascii_uppercase()
            };
            Edit::replace(t.range(), text)
        })
        .collect()
}

impl Rule for InconsistentInstructionCasing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let keywords: Vec<(Instruction<'_>, String)> = ctx
            .instructions()
            .filter(|i| i.kind() != SyntaxKind::ERROR)
            .map(|i| (i, i.keyword()))
            .filter(|(_, k)| !k.is_empty())
            .collect();
        let lower = keywords
            .iter()
            .filter(|(_, k)| case_of(k) == Case::Lower)
            .count();
        let upper = keywords
            .iter()
            .filter(|(_, k)| case_of(k) == Case::Upper)
            .count();
        let majority_lower = lower > upper;
        let (expected, name) = if majority_lower {
            (Case::Lower, "lowercase")
        } else {
            (Case::Upper, "uppercase")
        };
        for (instruction, keyword) in keywords {
            if case_of(&keyword) == expected {
                continue;
            }
            let Some(range) = instruction.keyword_range() else {
                continue;
            };
            let wanted = if majority_lower {
                keyword.to_ascii_lowercase()
            } else {
                keyword.to_ascii_uppercase()
            };
            out.push(
                META.diagnostic(
                    range,
                    format!("`{keyword}` does not match the case of most keywords ({name})"),
                )
                .with_help(format!(
                    "write `{wanted}`: keywords are case-insensitive, and one case throughout \
                     keeps the file easy to read"
                ))
                .with_fix(Some(Fix::new(
                    format!("Write `{wanted}`"),
                    Applicability::Safe,
                    keyword_edits(instruction, majority_lower),
                ))),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{InconsistentInstructionCasing, META};
    use crate::fix::FixMode;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_mixed_case_and_the_minority() {
        for (source, expected) in [
            ("FROM a\nRun b\n", vec!["Run"]),
            ("from a\nrun b\nCOPY . .\n", vec!["COPY"]),
            // A tie counts as uppercase.
            ("from a\nRUN b\n", vec!["from"]),
            ("FROM a\nrun b\nRUN c\nFrom d\n", vec!["run", "From"]),
            ("FROM a\nR\\\nun b\n", vec!["R\\\nun"]),
        ] {
            let diagnostics = check(&InconsistentInstructionCasing, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
        for source in [
            "FROM a AS b\nRUN b\n",
            "from a as b\nrun b\n",
            "FROM a\nHEALTHCHECK cmd x\nONBUILD run x\n",
        ] {
            assert!(
                check(&InconsistentInstructionCasing, source).is_empty(),
                "{source}"
            );
        }
    }

    #[test]
    fn fix_recases_the_keyword() {
        for (source, expected) in [
            ("FROM a\nRun b\nrun c\n", "FROM a\nRUN b\nRUN c\n"),
            ("from a\nrun b\nCOPY . .\n", "from a\nrun b\ncopy . .\n"),
            ("FROM a\nR\\\nun b\n", "FROM a\nR\\\nUN b\n"),
        ] {
            let outcome = crate::fix::fix(
                source,
                &|t| check(&InconsistentInstructionCasing, t),
                &|_| META.fix_changes,
                FixMode::Safe,
            );
            assert!(outcome.rejected.is_empty(), "{:?}", outcome.rejected);
            assert_eq!(outcome.output, expected);
        }
    }
}

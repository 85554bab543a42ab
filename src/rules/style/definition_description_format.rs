//! DFL6021 `definition-description-format`: the comment above a named stage or an ARG does
//! not start with the name it describes.

use crate::Diagnostic;
use crate::ast::Instruction;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::syntax::{SyntaxElement, SyntaxKind};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL6021",
    name: "definition-description-format",
    category: RuleCategory::Style,
    severity: Severity::Style,
    fix: FixAvailability::None,
    status: RuleStatus::Preview,
    aliases: &["InvalidDefinitionDescription"],
    summary: "The comment right above `FROM ... AS name` or `ARG name` does not start with that name.",
    docs: r#"## What it does
Checks the block of comment lines directly above a `FROM ... AS <stage>` or an `ARG`
(no empty line in between). Such a comment is read as the description of the stage or the
build argument, and it should start with the name it describes: `# <name> <description>`.
For an `ARG` that declares several names, any of them will do. The stage name is compared
in lowercase, as the builder stores it. An empty line or a bare `#` line between the
comment and the instruction means the comment is not a description, and is not checked.

The rule accepts a block whose first line, or last line, starts with the name: BuildKit
reads the line next to the instruction, while a description usually starts on the first
line.

This rule is in preview (opt-in), as BuildKit's experimental check is.

## Why is this bad?
`docker buildx build --call=outline` and `--call=targets` show these comments as the
descriptions of the build arguments and targets. A comment that does not start with the
name is probably not meant as one, or does not follow the convention tools rely on.

## Example
```dockerfile
# The Go release to build with.
ARG GO_VERSION=1.23

FROM golang:${GO_VERSION} AS build
```

## Use instead
```dockerfile
# GO_VERSION is the Go release to build with.
ARG GO_VERSION=1.23

# This comment is not a description.
#
FROM golang:${GO_VERSION} AS build
```

## References
- Dockerfile reference: descriptions of build arguments and stages.
- BuildKit check `InvalidDefinitionDescription` (experimental).
"#,
    fix_changes: &[],
};

/// DFL6021
pub struct DefinitionDescriptionFormat;

/// The names an instruction defines that a description would name: the stage name of a
/// FROM (lowercased), or the names an ARG declares.
fn defined_names(instruction: Instruction<'_>, escape: char) -> Vec<String> {
    match instruction.kind() {
        SyntaxKind::FROM_INSTR => instruction
            .from_stage_name()
            .map(|w| vec![w.text().to_lowercase()])
            .unwrap_or_default(),
        SyntaxKind::ARG_INSTR => instruction
            .key_values()
            .filter_map(|p| p.key())
            .map(|k| k.unquoted(escape))
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether a comment line starts with one of `names` followed by a space or nothing.
fn starts_with_name(line: &str, names: &[String]) -> bool {
    let first = line.split(' ').next().unwrap_or_default();
    names.iter().any(|n| n == first)
}

impl Rule for DefinitionDescriptionFormat {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let mut block: Vec<&str> = Vec::new();
        let mut line_has_content = false;
        for element in ctx.file().syntax().children_with_tokens() {
            match element {
                SyntaxElement::Token(t) => match t.kind() {
                    SyntaxKind::COMMENT => {
                        line_has_content = true;
                        let text = t.text().trim_start_matches('#').trim();
                        if text.is_empty() {
                            block.clear();
                        } else {
                            block.push(text);
                        }
                    }
                    SyntaxKind::NEWLINE => {
                        if !line_has_content {
                            block.clear();
                        }
                        line_has_content = false;
                    }
                    _ => {}
                },
                SyntaxElement::Node(n) => {
                    line_has_content = true;
                    if let Some(instruction) = Instruction::cast(n) {
                        self.check_instruction(ctx, instruction, &block, out);
                    }
                    block.clear();
                }
            }
        }
    }
}

impl DefinitionDescriptionFormat {
    fn check_instruction(
        &self,
        ctx: &RuleContext<'_>,
        instruction: Instruction<'_>,
        block: &[&str],
        out: &mut Vec<Diagnostic>,
    ) {
        let (Some(first), Some(last)) = (block.first(), block.last()) else {
            return;
        };
        let names = defined_names(instruction, ctx.escape());
        if names.is_empty() || starts_with_name(first, &names) || starts_with_name(last, &names) {
            return;
        }
        let Some(range) = instruction.keyword_range() else {
            return;
        };
        let (what, example) = match (instruction.kind(), names.as_slice()) {
            (SyntaxKind::FROM_INSTR, [name]) => ("stage", name.clone()),
            (_, [name]) => ("`ARG`", name.clone()),
            _ => ("`ARG`", "<arg_key>".to_string()),
        };
        out.push(
            META.diagnostic(
                range,
                format!("the comment above this {what} should start with its name: `# {example} <description>`"),
            )
            .with_help(
                "start the description with the name it describes, or separate a comment that \
                 is not a description with an empty line or a bare `#` line",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::DefinitionDescriptionFormat;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_descriptions_without_the_name() {
        for (source, expected) in [
            ("# the version\nARG V=1\nFROM a\n", vec!["ARG"]),
            ("FROM a\n# builds it\nFROM b AS build\n", vec!["FROM"]),
            ("# Build stage\nFROM b AS Build\n", vec!["FROM"]),
            ("  # indented\nARG A B\nFROM a\n", vec!["ARG"]),
        ] {
            let d = check(&DefinitionDescriptionFormat, source);
            assert_eq!(flagged(source, &d), expected, "{source}");
        }
        let d = check(&DefinitionDescriptionFormat, "# x\nARG A B\nFROM a\n");
        assert_eq!(
            d[0].message,
            "the comment above this `ARG` should start with its name: `# <arg_key> <description>`"
        );
    }

    #[test]
    fn accepts_descriptions_and_other_comments() {
        for source in [
            "# V is the version\nARG V=1\nFROM a\n",
            "# V\nARG V\nFROM a\n",
            "# A or B\nARG A B\nFROM a\n",
            "# build compiles\n# the code\nFROM b AS build\n",
            "# see below\n# build compiles the code\nFROM b AS build\n",
            "# a note\n\nARG V=1\nFROM a\n",
            "# a note\n#\nARG V=1\nFROM a\n",
            "# a note\nFROM b\n",
            "# a note\nRUN x\n",
            "FROM a\n# note\nCOPY . .\n",
            "# syntax=docker/dockerfile:1\nARG V=1\nFROM a\n",
        ] {
            assert!(
                check(&DefinitionDescriptionFormat, source).is_empty(),
                "{source}"
            );
        }
    }
}

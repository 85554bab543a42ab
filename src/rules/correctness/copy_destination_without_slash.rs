//! DFL1040 `copy-destination-without-slash`: COPY or ADD with several sources and a
//! destination that does not end with `/`.

use crate::Diagnostic;
use crate::ast::{Instruction, JsonArray, Word};
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::Area;
use crate::syntax::{SyntaxKind, TextRange};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1040",
    name: "copy-destination-without-slash",
    category: RuleCategory::Correctness,
    severity: Severity::Error,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DL3021", "DS011", "DF048"],
    summary: "`COPY` or `ADD` has several sources and a destination that does not end with `/`.",
    docs: r#"## What it does
Checks `COPY` and `ADD` instructions (shell and JSON form, heredoc sources included) that
have more than one source, and flags a destination that does not end with `/`, `.`
included. A destination built from variables is checked after expansion; one whose value
is not known is not flagged. The build engine reports nothing for this, so the rule does
not repeat a build problem. A single wildcard source (`COPY *.json /app`) is not flagged,
although it may match several files: which ones depends on the build context.

Differences from hadolint: `ADD` is checked too (the builders have the same requirement
for it); a destination such as `$DEST` is only flagged when its value is known not to end
with `/`. The instruction is not checked inside `ONBUILD`, as in hadolint.

## Why is this bad?
With several sources the destination must be a directory. The classic Docker builder, and
the builders that follow it, require it to be written with a trailing `/` and fail the
build otherwise: "When using COPY with more than one source file, the destination must be
a directory and end with a /". BuildKit treats the destination as a directory anyway, so
the mistake goes unnoticed until the Dockerfile is built elsewhere. The `/` says what is
meant and works everywhere.

## Example
```dockerfile
FROM node:22
COPY package.json package-lock.json /app
```

## Use instead
```dockerfile
FROM node:22
COPY package.json package-lock.json /app/
```

## References
- Dockerfile reference: `COPY`.
- hadolint `DL3021`.
"#,
    fix_changes: &[Area::Files],
};

/// DFL1040
pub struct CopyDestinationWithoutSlash;

/// Whether a destination path is written as a directory.
fn is_directory(path: &str) -> bool {
    path.ends_with('/')
}

/// Where to insert the `/` in a destination word: before a closing quote, else at the end.
fn insertion_point(word: Word<'_>) -> u32 {
    let text = word.syntax().text();
    let end = word.range().end;
    if text.len() > 1 && (text.ends_with('"') || text.ends_with('\'')) {
        end - 1
    } else {
        end
    }
}

/// The destination of a JSON-form instruction and where a `/` goes: before the last
/// string's closing quote.
fn json_destination(array: JsonArray<'_>) -> Option<(String, Option<u32>)> {
    let strings = array.strings();
    if strings.len() < 3 {
        return None;
    }
    let last = array
        .syntax()
        .tokens()
        .filter(|t| t.kind() == SyntaxKind::JSON_STRING)
        .last()?;
    let destination = strings.last()?.clone();
    // A string split by a line continuation is not edited.
    let whole = crate::syntax::decode_json_string(last.text()).as_deref() == Some(&destination);
    Some((destination, whole.then(|| last.range().end - 1)))
}

/// The finding for one instruction: the range to flag, the destination and where a `/`
/// may go.
fn finding(
    ctx: &RuleContext<'_>,
    instruction: Instruction<'_>,
) -> Option<(TextRange, String, Option<u32>)> {
    if let Some(array) = instruction.exec_form() {
        let (destination, at) = json_destination(array)?;
        return Some((array.range(), destination, at));
    }
    let args: Vec<_> = instruction
        .syntax()
        .children()
        .filter(|n| matches!(n.kind(), SyntaxKind::WORD | SyntaxKind::HEREDOC_MARKER))
        .collect();
    if args.len() < 3 {
        return None;
    }
    let word = Word::cast(*args.last()?)?;
    let written = word.unquoted(ctx.escape());
    if !word.has_variables() {
        return Some((word.range(), written, Some(insertion_point(word))));
    }
    // A destination with variables: the engine's expansion, when it is fully known.
    let layer = ctx
        .build
        .stages
        .iter()
        .flat_map(|s| &s.layers)
        .find(|l| l.range == instruction.range())?;
    let expanded = layer.destination.as_ref()?.display();
    // Unknown parts show as written; an empty value comes from an ARG without a default,
    // given at build time.
    if expanded.contains('$') || expanded.is_empty() {
        return None;
    }
    Some((word.range(), expanded, Some(insertion_point(word))))
}

impl Rule for CopyDestinationWithoutSlash {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for instruction in ctx.instructions() {
            let keyword = match instruction.kind() {
                SyntaxKind::COPY_INSTR => "COPY",
                SyntaxKind::ADD_INSTR => "ADD",
                _ => continue,
            };
            let Some((range, destination, at)) = finding(ctx, instruction) else {
                continue;
            };
            if is_directory(&destination) {
                continue;
            }
            let fix = at.map(|at| {
                Fix::new(
                    "Add `/` to the destination",
                    Applicability::Safe,
                    vec![Edit::insert(at, "/")],
                )
            });
            out.push(
                META.diagnostic(
                    range,
                    format!("`{keyword}` with several sources needs a destination ending with `/`"),
                )
                .with_help(format!(
                    "write the destination as a directory, `{destination}/`: the classic \
                     builder rejects several sources copied to a path without a trailing `/`"
                ))
                .with_fix(fix),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{CopyDestinationWithoutSlash, META};
    use crate::fix::FixMode;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_destinations_without_slash() {
        for (source, expected) in [
            ("FROM a\nCOPY a b /x\n", vec!["/x"]),
            ("FROM a\nCOPY --from=s a b /x/.\n", vec!["/x/."]),
            ("FROM a\nADD a b c ..\n", vec![".."]),
            ("FROM a\nCOPY package.json yarn.lock .\n", vec!["."]),
            ("FROM a\nCOPY a b \"/x\"\n", vec!["\"/x\""]),
            (
                "FROM a\nCOPY [\"a\", \"b\", \"/x\"]\n",
                vec!["[\"a\", \"b\", \"/x\"]"],
            ),
            ("FROM a\nCOPY <<A <<B /x\na\nA\nb\nB\n", vec!["/x"]),
            ("FROM a\nARG D=/opt\nCOPY a b $D\n", vec!["$D"]),
        ] {
            let diagnostics = check(&CopyDestinationWithoutSlash, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_directories_single_sources_and_unknown_values() {
        for source in [
            "FROM a\nCOPY a b /x/\n",
            "FROM a\nCOPY a b ./\n",
            "FROM a\nCOPY a /x\n",
            "FROM a\nCOPY *.json /x\n",
            "FROM a\nCOPY a b \"/x/\"\n",
            "FROM a\nCOPY [\"a\", \"b\", \"/x/\"]\n",
            "FROM a\nARG D\nCOPY a b $D\n",
            "FROM a\nARG D=/opt/\nCOPY a b $D\n",
            "FROM a\nCOPY a b ${D:-/x/}\n",
            "FROM a\nONBUILD COPY a b /x\n",
            "FROM a\nCOPY\n",
        ] {
            assert!(
                check(&CopyDestinationWithoutSlash, source).is_empty(),
                "{source}"
            );
        }
    }

    #[test]
    fn fix_appends_a_slash() {
        for (source, expected) in [
            ("FROM a\nCOPY a b /x\n", "FROM a\nCOPY a b /x/\n"),
            ("FROM a\nCOPY a b '/x'\n", "FROM a\nCOPY a b '/x/'\n"),
            (
                "FROM a\nCOPY [\"a\", \"b\", \"/x\"]\n",
                "FROM a\nCOPY [\"a\", \"b\", \"/x/\"]\n",
            ),
            (
                "FROM a\nARG D=/x\nADD a b $D\n",
                "FROM a\nARG D=/x\nADD a b $D/\n",
            ),
        ] {
            let diagnostics = check(&CopyDestinationWithoutSlash, source);
            assert_eq!(fixed(source, &diagnostics), expected, "{source}");
            assert!(check(&CopyDestinationWithoutSlash, expected).is_empty());
            let outcome = crate::fix::fix(
                source,
                &|t| check(&CopyDestinationWithoutSlash, t),
                &|_| META.fix_changes,
                FixMode::Safe,
            );
            assert!(outcome.rejected.is_empty(), "{:?}", outcome.rejected);
            assert_eq!(outcome.output, expected);
        }
    }
}

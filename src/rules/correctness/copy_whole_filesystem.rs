//! DFL1004 `copy-whole-filesystem`: `COPY --from=<stage> / /` copies a whole filesystem.

use crate::Diagnostic;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::syntax::{SyntaxKind, TextRange};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1004",
    name: "copy-whole-filesystem",
    category: RuleCategory::Correctness,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL3067", "DF026"],
    summary: "`COPY --from=... / /` copies the whole filesystem of a stage or image.",
    docs: r#"## What it does
Flags a `COPY --from=<stage or image>` whose only source is `/` and whose destination is
`/`, in shell or exec form.

## Why is this bad?
The copy brings everything of the other filesystem, including its `/etc/passwd`, package
database, caches and build tools, over the files of this stage. The result is hard to
reason about and usually much bigger than needed. Copy the directories the image needs.

Some helper images are made to be copied whole into a build stage (`tonistiigi/xx`, which
holds only a few scripts); suppress the rule on those lines with
`# dflint ignore=copy-whole-filesystem`.

## Example
```dockerfile
FROM golang:1.23 AS build
RUN go build -o /out/app .

FROM alpine:3.20
COPY --from=build / /
```

## Use instead
```dockerfile
FROM golang:1.23 AS build
RUN go build -o /out/app .

FROM alpine:3.20
COPY --from=build /out/app /usr/local/bin/app
```

## References
- hadolint `DL3067`.
"#,
    fix_changes: &[],
};

/// DFL1004
pub struct CopyWholeFilesystem;

impl Rule for CopyWholeFilesystem {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for instruction in ctx.instructions() {
            if instruction.kind() != SyntaxKind::COPY_INSTR {
                continue;
            }
            let Some(from) = instruction
                .flag("from")
                .and_then(|f| f.value())
                .map(|w| w.unquoted(ctx.escape()))
            else {
                continue;
            };
            let (arguments, range): (Vec<String>, Option<TextRange>) = match instruction.exec_form()
            {
                Some(array) => (array.strings(), Some(array.range())),
                None => {
                    let words: Vec<_> = instruction.words().collect();
                    (
                        words.iter().map(|w| w.unquoted(ctx.escape())).collect(),
                        words.iter().map(|w| w.range()).reduce(TextRange::cover),
                    )
                }
            };
            if arguments != ["/", "/"] || instruction.heredoc_markers().next().is_some() {
                continue;
            }
            out.push(
                META.diagnostic(
                    range.unwrap_or(instruction.range()),
                    format!("`COPY --from={from} / /` copies the whole filesystem of `{from}`"),
                )
                .with_help("copy only the files and directories the image needs"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CopyWholeFilesystem;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_root_to_root_copies() {
        for (source, expected) in [
            (
                "FROM alpine:3 AS a\nFROM scratch\nCOPY --from=a / /\n",
                vec!["/ /"],
            ),
            (
                "FROM alpine:3 AS a\nFROM scratch\nCOPY --link --from=0 \"/\" '/'\n",
                vec!["\"/\" '/'"],
            ),
            (
                "FROM alpine:3\nCOPY --from=busybox:1 [\"/\", \"/\"]\n",
                vec!["[\"/\", \"/\"]"],
            ),
        ] {
            let diagnostics = check(&CopyWholeFilesystem, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_narrower_copies() {
        for source in [
            "FROM alpine:3 AS a\nFROM scratch\nCOPY --from=a /out /\n",
            "FROM alpine:3 AS a\nFROM scratch\nCOPY --from=a / /rootfs/\n",
            "FROM alpine:3 AS a\nFROM scratch\nCOPY --from=a /bin / /\n",
            "FROM alpine:3\nCOPY / /\n",
            "FROM alpine:3\nADD / /\n",
        ] {
            assert!(check(&CopyWholeFilesystem, source).is_empty(), "{source}");
        }
    }
}

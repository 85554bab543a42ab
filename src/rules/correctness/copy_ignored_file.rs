//! DFL1043 `copy-ignored-file`: a COPY or ADD source that `.dockerignore` keeps out of the
//! build context.

use crate::Diagnostic;
use crate::ast::Instruction;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::Source;
use crate::syntax::{SyntaxKind, TextRange};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1043",
    name: "copy-ignored-file",
    category: RuleCategory::Correctness,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["CopyIgnoredFile", "DF077"],
    summary: "A `COPY` or `ADD` source is excluded from the build context by `.dockerignore`.",
    docs: r#"## What it does
Checks the sources `COPY` and `ADD` read from the build context (not `--from`, URLs or
heredocs) against the context's `.dockerignore`, after variables are expanded. A source
that the ignore file excludes, itself or through a parent directory, is flagged, with the
pattern that excludes it. As BuildKit does, the rule stays quiet when the ignore file has
exceptions (`!pattern`), since a file under an excluded directory may then be let back in,
and it matches the source as written, wildcards included.

The rule needs to know the build context: it does nothing for a Dockerfile read from
standard input or an editor buffer without a path.

## Why is this bad?
The builder never receives the excluded files, so the instruction copies nothing from
them: the build fails with "not found", or, for a pattern or a directory, silently copies
less than it seems to.

## Example
```dockerignore
dist
*.md
```

```dockerfile
FROM nginx:1.27
COPY dist /usr/share/nginx/html
```

## Use instead
```dockerfile
FROM nginx:1.27
COPY public /usr/share/nginx/html
```

## References
- Dockerfile reference: `.dockerignore` file.
- BuildKit check `CopyIgnoredFile`.
"#,
    fix_changes: &[],
};

/// DFL1043
pub struct CopyIgnoredFile;

/// The ranges of a COPY/ADD's sources, in the order the engine lists them: each source
/// word or heredoc marker, or the whole JSON array.
pub(crate) fn source_ranges(instruction: Instruction<'_>) -> Vec<TextRange> {
    if let Some(array) = instruction.exec_form() {
        let count = array.strings().len().saturating_sub(1);
        return vec![array.range(); count];
    }
    let mut ranges: Vec<TextRange> = instruction
        .syntax()
        .children()
        .filter(|n| matches!(n.kind(), SyntaxKind::WORD | SyntaxKind::HEREDOC_MARKER))
        .map(|n| n.range())
        .collect();
    ranges.pop();
    ranges
}

/// The context sources of each COPY/ADD of the build, with their ranges: the pattern as
/// the engine expanded it. Patterns with unknown parts are left out.
pub(crate) fn context_sources<'a>(
    ctx: &RuleContext<'a>,
) -> Vec<(Instruction<'a>, TextRange, String)> {
    let mut out = Vec::new();
    for instruction in ctx.instructions() {
        let keyword = instruction.kind();
        if keyword != SyntaxKind::COPY_INSTR && keyword != SyntaxKind::ADD_INSTR {
            continue;
        }
        let Some(layer) = ctx
            .build
            .stages
            .iter()
            .flat_map(|s| &s.layers)
            .find(|l| l.range == instruction.range())
        else {
            continue;
        };
        let ranges = source_ranges(instruction);
        if ranges.len() != layer.sources.len() {
            continue;
        }
        for (range, source) in ranges.into_iter().zip(&layer.sources) {
            if let Source::Context { pattern, .. } = source
                && !pattern.contains('$')
            {
                out.push((instruction, range, pattern.clone()));
            }
        }
    }
    out
}

impl Rule for CopyIgnoredFile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(ignore) = ctx.ignore_file.rules() else {
            return;
        };
        if ignore.has_exceptions() {
            return;
        }
        for (instruction, range, pattern) in context_sources(ctx) {
            let Some((line, rule, true)) = ignore.deciding_pattern(&pattern) else {
                continue;
            };
            let keyword = if instruction.kind() == SyntaxKind::ADD_INSTR {
                "ADD"
            } else {
                "COPY"
            };
            out.push(
                META.diagnostic(
                    range,
                    format!(
                        "`{keyword}` source `{pattern}` is excluded by `.dockerignore` \
                         (`{rule}`, line {line})"
                    ),
                )
                .with_help(
                    "the builder never receives excluded files: copy something else, or stop \
                     excluding it in `.dockerignore`",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CopyIgnoredFile;
    use crate::rules::RuleOptions;
    use crate::rules::test_support::{check_in_context, flagged};
    use crate::semantic::context::{DockerIgnore, IgnoreFile};

    fn run(ignore: &str, source: &str) -> Vec<String> {
        let ignore = IgnoreFile::Present(DockerIgnore::parse(ignore));
        let d = check_in_context(&CopyIgnoredFile, source, &RuleOptions::default(), &ignore);
        flagged(source, &d)
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn flags_excluded_sources() {
        let ignore = "# build output\ndist\n*.md\nsecrets/\n**/*.log\n";
        for (source, expected) in [
            ("FROM a\nCOPY dist /x/\n", vec!["dist"]),
            ("FROM a\nCOPY ./dist/app.js /x/\n", vec!["./dist/app.js"]),
            ("FROM a\nADD README.md /x/\n", vec!["README.md"]),
            ("FROM a\nCOPY a secrets/key /x/\n", vec!["secrets/key"]),
            ("FROM a\nCOPY logs/a.log /x/\n", vec!["logs/a.log"]),
            ("FROM a\nARG D=dist\nCOPY $D /x/\n", vec!["$D"]),
            (
                "FROM a\nCOPY [\"dist\", \"/x/\"]\n",
                vec!["[\"dist\", \"/x/\"]"],
            ),
            ("FROM a\nCOPY *.md /x/\n", vec!["*.md"]),
        ] {
            assert_eq!(run(ignore, source), expected, "{source}");
        }
        let source = "FROM a\nCOPY dist /x/\n";
        let ignore = IgnoreFile::Present(DockerIgnore::parse("dist\n"));
        let d = check_in_context(&CopyIgnoredFile, source, &RuleOptions::default(), &ignore);
        assert_eq!(
            d[0].message,
            "`COPY` source `dist` is excluded by `.dockerignore` (`dist`, line 1)"
        );
    }

    #[test]
    fn accepts_kept_files_and_other_sources() {
        let ignore = "dist\n";
        for source in [
            "FROM a\nCOPY src /x/\n",
            "FROM a\nCOPY . /x/\n",
            "FROM a\nCOPY --from=build dist /x/\n",
            "FROM a\nADD https://example.com/dist /x/\n",
            "FROM a\nCOPY <<dist /x\nhi\ndist\n",
            "FROM a\nARG D\nCOPY $D /x/\n",
        ] {
            assert!(run(ignore, source).is_empty(), "{source}");
        }
        // Exceptions silence the rule, as in BuildKit.
        assert!(run("dist\n!dist/keep\n", "FROM a\nCOPY dist /x/\n").is_empty());
        // Without a known ignore file, nothing.
        for ignore in [IgnoreFile::Unknown, IgnoreFile::Absent] {
            let d = check_in_context(
                &CopyIgnoredFile,
                "FROM a\nCOPY dist /x/\n",
                &RuleOptions::default(),
                &ignore,
            );
            assert!(d.is_empty());
        }
    }
}

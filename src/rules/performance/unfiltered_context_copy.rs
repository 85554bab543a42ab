//! DFL3100 `unfiltered-context-copy`: `COPY .` of the whole build context without a
//! `.dockerignore` that keeps out the usual clutter.

use crate::Diagnostic;
use crate::rules::correctness::copy_ignored_file::context_sources;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::context::IgnoreFile;
use crate::syntax::SyntaxKind;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL3100",
    name: "unfiltered-context-copy",
    category: RuleCategory::Performance,
    severity: Severity::Info,
    fix: FixAvailability::None,
    status: RuleStatus::Preview,
    aliases: &["DF007", "DF033"],
    summary: "`COPY .` copies the whole build context, and no `.dockerignore` keeps out `.git`, `.env` or caches.",
    docs: r#"## What it does
Checks `COPY` and `ADD` instructions that copy the whole build context (`COPY . /app`,
`COPY ./ ./`), and flags them when the context has no `.dockerignore`, or has one that
does not exclude `.git` and `.env`. For a Dockerfile that mentions Node.js (`node`, `npm`,
`yarn`, `pnpm`) it also expects `node_modules` to be excluded, and for one that mentions
Python (`python`, `pip`), `__pycache__`.

This rule is in preview (opt-in): whether these files matter depends on the project. It
needs to know the build context, so it does nothing for a Dockerfile read from standard
input or an editor buffer without a path.

## Why is this bad?
Everything in the context ends up in the image layer. `.git` holds the whole history, and
`.env` files often hold secrets, which then ship with the image. Local caches and
dependency folders (`node_modules`, `__pycache__`) make the context and the image bigger,
may not match the image's platform, and change on every local build, so the `COPY` layer
and every layer after it are rebuilt each time.

## Example
```dockerignore
.git
.env
```

```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
CMD ["python", "main.py"]
```

## Use instead
Exclude the Python caches too (add `**/__pycache__` to `.dockerignore`), or copy only what
the image needs:

```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY pyproject.toml main.py ./
COPY src/ ./src/
CMD ["python", "main.py"]
```

## References
- Docker's best practices: exclude with `.dockerignore`.
- Dockerfile reference: `.dockerignore` file.
"#,
    fix_changes: &[],
};

/// DFL3100
pub struct UnfilteredContextCopy;

/// Whether a context source names the context root.
fn is_whole_context(pattern: &str) -> bool {
    pattern
        .split('/')
        .all(|segment| segment.is_empty() || segment == ".")
}

/// The paths the ignore file should exclude for this Dockerfile.
fn expected_exclusions(source: &str) -> Vec<&'static str> {
    let lower = source.to_ascii_lowercase();
    let mut paths = vec![".git", ".env"];
    if ["node", "npm", "yarn", "pnpm"]
        .iter()
        .any(|w| lower.contains(w))
    {
        paths.push("node_modules");
    }
    if ["python", "pip"].iter().any(|w| lower.contains(w)) {
        paths.push("__pycache__");
    }
    paths
}

impl Rule for UnfilteredContextCopy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let missing: Vec<&str> = match ctx.ignore_file {
            IgnoreFile::Unknown => return,
            IgnoreFile::Absent => Vec::new(),
            IgnoreFile::Present(ignore) => {
                let missing: Vec<&str> = expected_exclusions(ctx.source)
                    .into_iter()
                    .filter(|p| !ignore.is_excluded(p))
                    .collect();
                if missing.is_empty() {
                    return;
                }
                missing
            }
        };
        for (instruction, range, pattern) in context_sources(ctx) {
            if !is_whole_context(&pattern) {
                continue;
            }
            let keyword = if instruction.kind() == SyntaxKind::ADD_INSTR {
                "ADD"
            } else {
                "COPY"
            };
            let (message, help) = if missing.is_empty() {
                (
                    format!(
                        "`{keyword} {pattern}` copies the whole build context, which has no \
                         `.dockerignore`"
                    ),
                    "add a `.dockerignore` next to the context that excludes `.git`, `.env` \
                     files and local caches or dependency folders, or copy only what the image \
                     needs"
                        .to_string(),
                )
            } else {
                let quoted: Vec<String> = missing.iter().map(|p| format!("`{p}`")).collect();
                let list = match quoted.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} and {last}", rest.join(", "))
                    }
                    _ => quoted.join(""),
                };
                (
                    format!(
                        "`{keyword} {pattern}` copies the whole build context, and \
                         `.dockerignore` does not exclude {list}"
                    ),
                    format!(
                        "add {list} to `.dockerignore`: history, secrets and local caches should \
                         not end up in the image or bust the layer cache"
                    ),
                )
            };
            out.push(META.diagnostic(range, message).with_help(help));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::UnfilteredContextCopy;
    use crate::rules::RuleOptions;
    use crate::rules::test_support::{check_in_context, flagged};
    use crate::semantic::context::{DockerIgnore, IgnoreFile};

    fn run(ignore: &IgnoreFile, source: &str) -> Vec<String> {
        let d = check_in_context(
            &UnfilteredContextCopy,
            source,
            &RuleOptions::default(),
            ignore,
        );
        flagged(source, &d)
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn flags_whole_context_copies_without_filtering() {
        for source in [
            "FROM a\nCOPY . /app/\n",
            "FROM a\nCOPY ./ ./\n",
            "FROM a\nADD --chown=1 . /app\n",
            "FROM a\nCOPY [\".\", \"/app/\"]\n",
        ] {
            assert_eq!(run(&IgnoreFile::Absent, source).len(), 1, "{source}");
        }
        let partial = IgnoreFile::Present(DockerIgnore::parse(".git\n"));
        let source = "FROM node:22\nCOPY . .\n";
        let d = check_in_context(
            &UnfilteredContextCopy,
            source,
            &RuleOptions::default(),
            &partial,
        );
        assert_eq!(flagged(source, &d), ["."]);
        assert!(
            d[0].message.contains("`.env` and `node_modules`"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn accepts_filtered_contexts_and_partial_copies() {
        let full = IgnoreFile::Present(DockerIgnore::parse(
            ".git\n.env*\nnode_modules\n**/__pycache__\n",
        ));
        for source in ["FROM node:22\nCOPY . .\n", "FROM python:3\nCOPY . .\n"] {
            assert!(run(&full, source).is_empty(), "{source}");
        }
        for source in [
            "FROM a\nCOPY src /app/\n",
            "FROM a\nCOPY --from=build . /app/\n",
        ] {
            assert!(run(&IgnoreFile::Absent, source).is_empty(), "{source}");
        }
        assert!(run(&IgnoreFile::Unknown, "FROM a\nCOPY . /app/\n").is_empty());
        // Everything excluded but an allow-list: nothing is missing.
        let allow = IgnoreFile::Present(DockerIgnore::parse("*\n!src\n"));
        assert!(run(&allow, "FROM node\nCOPY . .\n").is_empty());
    }
}

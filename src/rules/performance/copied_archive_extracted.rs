//! DFL3110 `copied-archive-extracted`: a local tar archive is copied into the image and
//! extracted by a later `RUN`, where `ADD` would extract it without keeping it.

use std::collections::HashMap;

use crate::Diagnostic;
use crate::rules::shell_runs::posix_runs;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::Source;
use crate::shell::Command;
use crate::shell::packages::{program, real_commands};
use crate::syntax::{SyntaxKind, TextRange};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL3110",
    name: "copied-archive-extracted",
    category: RuleCategory::Performance,
    severity: Severity::Info,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL3010", "DF067"],
    summary: "A local tar archive is copied with `COPY` and extracted by a later `RUN`.",
    docs: r#"## What it does
Checks each `COPY` of files from the build context (not `--from`) whose source is a tar
archive by its name (`.tar`, `.tar.gz`, `.tgz`, `.tar.bz2`, `.tbz2`, `.tar.xz`, `.txz`),
and reports the source when a later shell-form `RUN` of the same stage extracts an archive
of that name (or of the name the `COPY` gives it) with `tar` (`tar -xf`, `tar xzf`,
`tar --extract`), also behind `sudo`. Extractions with `--strip-components`, `--wildcards`
or to standard output (`-O`) are not counted: `ADD` cannot do those. `ONBUILD` triggers are
not checked, as in hadolint.

Differences from hadolint: hadolint also counts `.zip`, `.gz`, `.bz2` and `.xz` files
extracted with `unzip`, `gunzip` and the like, which `ADD` does not extract (it unpacks
only tar archives, compressed or not), and misses `tar` with old-style options (`tar xzf`).

## Why is this bad?
The archive copied by `COPY` stays in its layer even when the `RUN` that extracts it
deletes it afterwards, so the image carries both the archive and its contents. `ADD` with a
local tar archive extracts it into the destination directory in one layer, without the
archive.

## Example
```dockerfile
FROM debian:12
COPY app.tar.gz /tmp/
RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
```

## Use instead
```dockerfile
FROM debian:12
ADD app.tar.gz /opt/
```

## References
- Dockerfile reference: `ADD` ("Adding local tar archives").
- hadolint `DL3010`.
"#,
    fix_changes: &[],
};

/// DFL3110
pub struct CopiedArchiveExtracted;

const TAR_SUFFIXES: &[&str] = &[
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz",
];

fn basename(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
}

fn is_tar_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    TAR_SUFFIXES.iter().any(|s| lower.ends_with(s)) && !name.contains(['*', '?', '$'])
}

/// Whether a `tar` command extracts files as `ADD` would.
fn extracts(command: &Command) -> bool {
    let old_style = command
        .args
        .first()
        .and_then(|a| a.value.as_deref())
        .is_some_and(|v| {
            !v.starts_with('-') && v.chars().all(|c| c.is_ascii_alphabetic()) && v.contains('x')
        });
    let extract = old_style
        || command.has_flag(Some('x'), Some("extract"))
        || command.has_flag(None, Some("get"));
    extract
        && !command.has_flag(Some('O'), Some("to-stdout"))
        && !command.has_flag(None, Some("strip-components"))
        && !command.has_flag(None, Some("wildcards"))
}

/// The range of `"text"` in the instruction at `range` (a source of the JSON form).
fn json_string_range(source: &str, range: TextRange, text: &str) -> Option<TextRange> {
    let quoted = serde_json::to_string(text).ok()?;
    let at = source.get(range.as_usize())?.find(&quoted)?;
    let start = range.start + u32::try_from(at).ok()?;
    Some(TextRange::new(
        start,
        start + u32::try_from(quoted.len()).ok()?,
    ))
}

/// An archive copied into the image: its source word and the names it may be found under.
struct Copied {
    range: TextRange,
    source: String,
    names: Vec<String>,
    reported: bool,
}

impl Rule for CopiedArchiveExtracted {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let runs: HashMap<u32, _> = posix_runs(ctx, &["tar"], false)
            .into_iter()
            .map(|r| (r.instruction.range().start, r))
            .collect();
        if runs.is_empty() {
            return;
        }
        for stage in &ctx.build.stages {
            let mut copied: Vec<Copied> = Vec::new();
            for step in &stage.steps {
                let Some(layer) = step.layer.and_then(|l| stage.layers.get(l)) else {
                    continue;
                };
                if step.kind == SyntaxKind::COPY_INSTR {
                    let destination = layer
                        .destination
                        .as_ref()
                        .map(crate::semantic::expand::Value::display)
                        .unwrap_or_default();
                    let words: Vec<_> = ctx
                        .instruction_at(step.range.start)
                        .map(|i| i.words().collect())
                        .unwrap_or_default();
                    for source in &layer.sources {
                        let Source::Context { pattern, .. } = source else {
                            continue;
                        };
                        if !is_tar_name(basename(pattern)) {
                            continue;
                        }
                        let mut names = vec![basename(pattern).to_string()];
                        if !destination.ends_with('/') && is_tar_name(basename(&destination)) {
                            names.push(basename(&destination).to_string());
                        }
                        let range = words
                            .iter()
                            .find(|w| w.unquoted(ctx.escape()) == *pattern)
                            .map(|w| w.range())
                            .or_else(|| json_string_range(ctx.source, step.range, pattern))
                            .unwrap_or(step.range);
                        copied.push(Copied {
                            range,
                            source: pattern.clone(),
                            names,
                            reported: false,
                        });
                    }
                    continue;
                }
                let Some(run) = runs.get(&step.range.start) else {
                    continue;
                };
                for (_, real) in real_commands(run) {
                    let command = &real.command;
                    if command.recovered || program(command) != Some("tar") || !extracts(command) {
                        continue;
                    }
                    for archive in copied.iter_mut().filter(|c| !c.reported) {
                        let named = command.args.iter().any(|a| {
                            a.value.as_deref().is_some_and(|v| {
                                let v = v.strip_prefix("--file=").unwrap_or(v);
                                archive.names.iter().any(|n| basename(v) == n)
                            })
                        });
                        if !named {
                            continue;
                        }
                        archive.reported = true;
                        out.push(
                            META.diagnostic(
                                archive.range,
                                format!(
                                    "`{}` is copied, then extracted by `tar` in a later `RUN`",
                                    archive.source
                                ),
                            )
                            .with_help(
                                "the copied archive stays in its layer even if it is deleted \
                                 later: `ADD` a local tar archive to extract it into the \
                                 destination directory in one step",
                            ),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CopiedArchiveExtracted;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_copied_archives_extracted_later() {
        for (source, expected) in [
            (
                "FROM debian\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\n",
                vec!["app.tar.gz"],
            ),
            (
                "FROM debian\nCOPY dist/app.tgz /tmp/x.tgz\nRUN mkdir /x && tar xzf /tmp/x.tgz\n",
                vec!["dist/app.tgz"],
            ),
            (
                "FROM debian\nCOPY [\"a.tar\", \"b.tar.xz\", \"/tmp/\"]\nRUN true\nRUN sudo tar --extract --file=/tmp/b.tar.xz\n",
                vec!["\"b.tar.xz\""],
            ),
        ] {
            let diagnostics = check(&CopiedArchiveExtracted, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_other_archives_and_extractions() {
        for source in [
            "FROM debian\nCOPY app.zip /tmp/\nRUN unzip /tmp/app.zip\n",
            "FROM debian\nCOPY app.gz /tmp/\nRUN gunzip /tmp/app.gz\n",
            "FROM debian\nCOPY app.tar.gz /tmp/\nRUN tar -tzf /tmp/app.tar.gz\n",
            "FROM debian\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz --strip-components=1\n",
            "FROM debian\nCOPY --from=build /app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz\n",
            "FROM debian\nCOPY app.tar.gz /tmp/\nFROM debian\nRUN tar -xzf /tmp/app.tar.gz\n",
            "FROM debian\nRUN tar -xzf /tmp/app.tar.gz\nCOPY app.tar.gz /tmp/\n",
            "FROM debian\nCOPY app.tar.gz /tmp/\nRUN tar -xzf other.tar.gz\n",
        ] {
            assert!(
                check(&CopiedArchiveExtracted, source).is_empty(),
                "{source}"
            );
        }
    }
}

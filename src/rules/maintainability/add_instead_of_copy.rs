//! DFL5020 `add-instead-of-copy`: ADD copies local files, which COPY does without ADD's
//! extra behaviour.

use crate::Diagnostic;
use crate::ast::Instruction;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::Source;
use crate::semantic::compare::Area;
use crate::syntax::SyntaxKind;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL5020",
    name: "add-instead-of-copy",
    category: RuleCategory::Maintainability,
    severity: Severity::Error,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DL3020", "DS005", "CKV_DOCKER_4", "DF006"],
    summary: "`ADD` copies local files or directories, which `COPY` does more plainly.",
    docs: r#"## What it does
Checks `ADD` instructions whose sources include a local file or directory that is not an
archive: `ADD` is only needed to fetch a URL or a git repository, or to unpack a local tar
archive. Sources that end in an archive extension (`.tar`, `.tar.gz`, `.tgz`, `.bz2`, `.xz`,
`.zst`, ...), `http://`/`https://` URLs and git repositories (`git@...`, `git://`, `ssh://`,
`https://.../*.git`) are fine; heredoc sources count as local files. Sources are read as
the build engine expands them, so `ADD ${URL} /x` with `ARG URL=https://...` is fine, and a
source whose value is not known (an `ARG` without a default) is not taken for a local file.
`ADD` wrapped in `ONBUILD` is not checked, as hadolint does not check it.

Differences from hadolint: a git source (`ADD git@github.com:org/repo.git /src`), which only
`ADD` can fetch, is not flagged, nor is a source given by a variable that holds a URL or
has no known value (hadolint flags every `ADD $VAR`); archive extensions are matched case-insensitively and
include zstd (`.zst`, `.tzst`).

## Why is this bad?
`ADD` does more than copy: it downloads URLs and unpacks local tar archives, whatever their
name, since the builder looks at the content. Using it for plain files hides which of these
the author wanted, and a file that happens to be a tar archive is unpacked instead of copied.
`COPY` only copies.

## Example
```dockerfile
FROM alpine:3.20
ADD app.py /srv/
```

## Use instead
```dockerfile
FROM alpine:3.20
COPY app.py /srv/
ADD rootfs.tar.gz /
```

## Fix safety
The fix replaces `ADD` with `COPY`. It is offered only when no source can be something
`ADD` treats specially: no URL or git source, no archive extension, no variable or wildcard
(which could name an archive), and no flag that only `ADD` accepts (`--checksum`,
`--keep-git-dir`, `--unpack`). It is safe: the builder unpacks a local file only when its
content is a tar archive, and a tar archive whose name says otherwise is the mistake this
rule is about.

## References
- Docker's best practices: `ADD` or `COPY`.
- hadolint `DL3020`.
"#,
    fix_changes: &[Area::Files],
};

/// DFL5020
pub struct AddInsteadOfCopy;

/// `keyword` in lowercase when the replaced keyword is written in lowercase.
fn same_case(source: &str, range: crate::syntax::TextRange, keyword: &str) -> String {
    let written = &source[range.as_usize()];
    if written.chars().all(|c| !c.is_ascii_uppercase()) {
        keyword.to_ascii_lowercase()
    } else {
        keyword.to_string()
    }
}

/// Flags that only ADD accepts: COPY would fail with them.
const ADD_ONLY_FLAGS: &[&str] = &["checksum", "keep-git-dir", "unpack"];

/// Whether a source is fetched rather than read from the context.
fn is_remote(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    ["http://", "https://", "git@", "git://", "ssh://"]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// Whether a source's name looks like an archive ADD may unpack.
fn is_archive(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    [
        ".tar", ".gz", ".tgz", ".bz2", ".tbz", ".tbz2", ".tb2", ".xz", ".txz", ".zst", ".tzst",
        ".lz", ".lzma", ".tlz", ".z",
    ]
    .iter()
    .any(|ext| lower.ends_with(ext))
}

/// What an ADD source is, as far as the file tells.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A URL or git repository, which only ADD fetches.
    Remote,
    /// A local file whose name says it is an archive ADD may unpack.
    Archive,
    /// A local path or pattern, or a heredoc.
    Local {
        /// Whether it has wildcards, which could pick an archive.
        pattern: bool,
    },
    /// A value that is not known (an ARG without a default): it may be a URL.
    Unknown,
}

fn kind_of(text: &str) -> Kind {
    // Unknown parts show as written; an empty source comes from an ARG without a default.
    if text.contains('$') || text.is_empty() {
        Kind::Unknown
    } else if is_remote(text) {
        Kind::Remote
    } else if is_archive(text) {
        Kind::Archive
    } else {
        Kind::Local {
            pattern: text.contains(['*', '?', '[']),
        }
    }
}

/// The kinds of an ADD's sources: as the engine expanded them when it evaluated the
/// instruction, else as written.
fn sources(ctx: &RuleContext<'_>, instruction: Instruction<'_>) -> Vec<Kind> {
    let layer = ctx
        .build
        .stages
        .iter()
        .flat_map(|s| &s.layers)
        .find(|l| l.range == instruction.range());
    if let Some(layer) = layer {
        return layer
            .sources
            .iter()
            .map(|source| match source {
                Source::Context { pattern, .. } => kind_of(pattern),
                Source::Remote(_) => Kind::Remote,
                Source::Heredoc(_) => Kind::Local { pattern: false },
                Source::Stage { .. } | Source::Image { .. } => Kind::Unknown,
            })
            .collect();
    }
    let mut args: Vec<String> = match instruction.exec_form() {
        Some(array) => array.strings(),
        None => instruction
            .words()
            .map(|w| w.unquoted(ctx.escape()))
            .collect(),
    };
    args.pop();
    args.iter().map(|a| kind_of(a)).collect()
}

impl Rule for AddInsteadOfCopy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for instruction in ctx.instructions() {
            if instruction.kind() != SyntaxKind::ADD_INSTR {
                continue;
            }
            let sources = sources(ctx, instruction);
            let special_flag = instruction
                .flags()
                .any(|f| ADD_ONLY_FLAGS.contains(&f.name().as_str()) || f.name() == "from");
            let local = |k: &Kind| matches!(k, Kind::Local { .. });
            if special_flag || !sources.iter().any(local) {
                continue;
            }
            let Some(keyword) = instruction.keyword_range() else {
                continue;
            };
            let plain = sources.iter().all(|k| *k == Kind::Local { pattern: false });
            let fix = plain.then(|| {
                Fix::new(
                    "Replace `ADD` with `COPY`",
                    Applicability::Safe,
                    vec![Edit::replace(
                        keyword,
                        same_case(ctx.source, keyword, "COPY"),
                    )],
                )
            });
            let help = if plain {
                "use `COPY`: `ADD` is for URLs, git repositories and local tar archives to unpack"
            } else {
                "use `COPY` for the local files, and keep `ADD` only for URLs, git repositories \
                 and local tar archives to unpack"
            };
            out.push(
                META.diagnostic(keyword, "`ADD` copies local files where `COPY` would do")
                    .with_help(help)
                    .with_fix(fix),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{AddInsteadOfCopy, META};
    use crate::fix::FixMode;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_local_sources() {
        for (source, expected) in [
            ("FROM a\nADD app.py /srv/\n", vec!["ADD"]),
            ("FROM a\nadd src/ /src/\n", vec!["add"]),
            ("FROM a\nADD [\"a b\", \"/x/\"]\n", vec!["ADD"]),
            ("FROM a\nADD --chown=1:1 --link conf /etc/x\n", vec!["ADD"]),
            ("FROM a\nADD app.zip /srv/\n", vec!["ADD"]),
            ("FROM a\nADD x.tar.gz conf /srv/\n", vec!["ADD"]),
            ("FROM a\nADD https://x/y conf /srv/\n", vec!["ADD"]),
            ("FROM a\nARG SRC=app.py\nADD $SRC /srv/\n", vec!["ADD"]),
            ("FROM a\nADD <<EOF /x\nhello\nEOF\n", vec!["ADD"]),
        ] {
            let diagnostics = check(&AddInsteadOfCopy, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_urls_git_archives_and_add_only_flags() {
        for source in [
            "FROM a\nADD https://example.com/x.txt /x\n",
            "FROM a\nADD git@github.com:org/repo.git /src\n",
            "FROM a\nADD https://github.com/org/repo.git#v1 /src\n",
            "FROM a\nADD rootfs.tar.xz /\n",
            "FROM a\nADD rootfs.TGZ /\n",
            "FROM a\nADD a.tar.zst b.tar /x/\n",
            "FROM a\nADD --checksum=sha256:00 https://x/y /y\n",
            "FROM a\nADD --keep-git-dir=true https://github.com/o/r.git /r\n",
            "FROM a\nONBUILD ADD app.py /srv/\n",
            "FROM a\nCOPY app.py /srv/\n",
            "FROM a\nADD\n",
            "FROM a\nARG URL=https://x/y.rpm\nADD ${URL} /tmp/y.rpm\n",
            "FROM a\nARG SRC\nADD $SRC /srv/\n",
        ] {
            assert!(check(&AddInsteadOfCopy, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn fix_only_when_nothing_could_be_special() {
        let source = "FROM a\nADD --chown=1 app.py conf/ /srv/\n";
        assert_eq!(
            fixed(source, &check(&AddInsteadOfCopy, source)),
            "FROM a\nCOPY --chown=1 app.py conf/ /srv/\n"
        );
        for source in [
            "FROM a\nADD https://x/y conf /srv/\n",
            "FROM a\nARG SRC\nADD $SRC b /srv/\n",
            "FROM a\nADD *.py /srv/\n",
            "FROM a\nADD x.tar conf /srv/\n",
        ] {
            assert!(
                check(&AddInsteadOfCopy, source)[0].fix.is_none(),
                "{source}"
            );
        }
    }

    #[test]
    fn fix_keeps_a_lowercase_keyword_lowercase() {
        let source = "from a\nadd app.py /srv/\n";
        assert_eq!(
            fixed(source, &check(&AddInsteadOfCopy, source)),
            "from a\ncopy app.py /srv/\n"
        );
    }

    #[test]
    fn fix_is_proven_by_the_engine() {
        let source = "FROM a AS b\nADD app.py /srv/\nFROM b\nADD [\"x\", \"y\", \"/z/\"]\n";
        let outcome = crate::fix::fix(
            source,
            &|t| check(&AddInsteadOfCopy, t),
            &|_| META.fix_changes,
            FixMode::Safe,
        );
        assert!(outcome.rejected.is_empty(), "{:?}", outcome.rejected);
        assert_eq!(
            outcome.output,
            "FROM a AS b\nCOPY app.py /srv/\nFROM b\nCOPY [\"x\", \"y\", \"/z/\"]\n"
        );
    }
}

//! Every feature on half-typed files: each prefix of a few Dockerfiles, at every offset near
//! the cursor, and random Dockerfile-like text, must not panic and must return ranges inside
//! the text, on character boundaries.

use proptest::prelude::*;

use crate::ide;
use crate::syntax::TextRange;

const FILES: &[&str] = &[
    "# syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended;error=true\nARG BASE=alpine:3.19\n\
FROM ${BASE} AS build\nARG V\nENV PATH=/x:$PATH \\\n    É=ü\nRUN --mount=type=cache,target=/root/.cache \\\n\
  # comment\n    pip install -r requirements.txt && echo \"$V\" '$V'\nCOPY --from=build --chown=a:b [\"a\", \"b/\"]\n\
WORKDIR /app/${V:-x}\nFROM scratch\nCOPY --from=build /a /b\nONBUILD run echo $X\nHEALTHCHECK --interval=5s CMD [\"true\"]\n",
    "# escape=`\nFROM mcr.microsoft.com/windows AS w\nRUN echo a `\n  b\nCOPY <<EOF /x\nhello ${NAME}\nEOF\nRUN <<-'EOT' bash\n\techo $HOME\n\tEOT\n",
    "from a as b\nlabel x=\"y z\" \\\n w=1\nexpose 80/tcp 443\nuser app:app\ncmd [ \"a\" ,\"b\" ]\nentrypoint  x\nshell [\"/bin/bash\",\"-c\"]\nvolume /data\nstopsignal SIGTERM\nadd https://x/y.tar.gz /z\nmaintainer me\n",
];

/// Asserts a range fits the text and falls on character boundaries.
fn fits(source: &str, range: TextRange) {
    assert!(
        range.start <= range.end && range.end as usize <= source.len(),
        "{range:?} in {} bytes",
        source.len()
    );
    assert!(
        source.is_char_boundary(range.start as usize)
            && source.is_char_boundary(range.end as usize),
        "{range:?}"
    );
}

fn whole_file(source: &str, files: &[String]) {
    for s in ide::document_symbols(source) {
        fits(source, s.range);
        fits(source, s.selection_range);
    }
    for f in ide::folding_ranges(source) {
        fits(source, f.range);
    }
    for t in ide::semantic_tokens(source) {
        fits(source, t.range);
    }
    for h in ide::inlay_hints(source) {
        fits(source, TextRange::empty(h.offset));
    }
    for l in ide::code_lenses(source, None) {
        fits(source, l.range);
    }
    let _ = ide::code_lenses(source, Some(files));
    let edits = ide::format(source);
    for e in &edits {
        fits(source, e.range);
    }
    let _ = crate::fix::apply_edits(source, &edits);
}

fn at_offset(source: &str, offset: u32, files: &[String]) {
    if let Some(h) = ide::hover(source, offset) {
        fits(source, h.range);
    }
    for r in ide::definition(source, offset)
        .into_iter()
        .chain(ide::references(source, offset, true))
    {
        fits(source, r);
    }
    for h in ide::highlights(source, offset) {
        fits(source, h.range);
    }
    if let Some((r, _)) = ide::prepare_rename(source, offset) {
        fits(source, r);
        for e in ide::rename(source, offset, "NEW_NAME").unwrap_or_default() {
            fits(source, e.range);
        }
    }
    let _ = ide::rename(source, offset, "bad name");
    for typed in ['\n', '\\', '`', 'é'] {
        for e in ide::on_type(source, offset, typed) {
            fits(source, e.range);
        }
    }
    for c in ide::completions(source, offset, files) {
        fits(source, c.replace);
        // Every documentation an item names exists.
        if let Some(doc) = c.documentation {
            assert!(doc.text().is_some(), "{doc:?}");
        }
    }
    if let Some(help) = ide::signature_help(source, offset) {
        for (a, b) in help.parameters {
            assert!(a <= b && b as usize <= help.label.len());
        }
    }
}

fn context() -> Vec<String> {
    ["requirements.txt", "src/a.py", "b/c"]
        .map(String::from)
        .to_vec()
}

#[test]
fn every_prefix_at_the_cursor_and_around_it() {
    let files = context();
    for file in FILES {
        let boundaries: Vec<usize> = (0..=file.len())
            .filter(|&i| file.is_char_boundary(i))
            .collect();
        for &end in &boundaries {
            let prefix = &file[..end];
            let end = crate::ide::to_u32(end);
            whole_file(prefix, &files);
            // The cursor at the end, just before it, and past the end.
            for offset in [end, end.saturating_sub(1), end.saturating_sub(2), end + 3] {
                at_offset(prefix, offset, &files);
            }
        }
    }
}

#[test]
fn every_offset_of_whole_files() {
    let files = context();
    for file in FILES {
        for offset in 0..=crate::ide::to_u32(file.len()) + 1 {
            at_offset(file, offset, &files);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_dockerfile_like_text(
        pieces in prop::collection::vec(
            prop::sample::select(vec![
                "FROM ", "RUN ", "COPY ", "ARG ", "ENV ", "ONBUILD ", "AS ", "--mount=", "--from=",
                "type=", ",", "$", "${", "}", ":-", "\"", "'", "[", "]", "\\\n", "\n", " ", "#",
                "<<EOF", "EOF", "a", "B", "é", "=", "check=skip=", "\t", "`",
            ]),
            0..40,
        ),
        cursor in 0u32..200,
    ) {
        let source: String = pieces.concat();
        let files = context();
        whole_file(&source, &files);
        at_offset(&source, cursor, &files);
    }
}

//! Property tests for the syntax layer: on any text, `parse` never panics, the tree prints
//! back to the input byte for byte, and the tree's structural invariants hold.
//!
//! Inputs: Dockerfile-like text assembled from fragments that stress the scanner and the
//! grammar (keywords in mixed case, flags, JSON, quotes, variables, continuations,
//! directives, heredocs, odd line endings, BOM, non-ASCII), random instruction bodies after
//! a fixed prelude, arbitrary strings, and punctuation-heavy strings. Each property runs
//! 512 cases by default; set `PROPTEST_CASES` to run more.

use dflint::syntax::{SyntaxKind, parse};
use proptest::prelude::*;
use proptest::sample::select;

const DEFAULT_CASES: u32 = 512;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    ProptestConfig {
        cases,
        max_shrink_iters: 4096,
        ..ProptestConfig::default()
    }
}

/// Parses `text` and checks every property; the message names the first one that fails.
fn check(text: &str) -> Result<(), TestCaseError> {
    let parse = parse(text);
    let tree = parse.tree();
    prop_assert_eq!(tree.print(), text, "print() differs from the input");
    prop_assert_eq!(tree.source(), text);
    if let Err(e) = tree.validate() {
        return Err(TestCaseError::fail(format!(
            "validate() failed: {e}\n{tree:?}"
        )));
    }
    let root = tree.root();
    prop_assert_eq!(root.kind(), SyntaxKind::SOURCE_FILE);
    prop_assert_eq!(root.range().as_usize(), 0..text.len());
    // Tokens cover the text in order, each on char boundaries (slicing would panic otherwise).
    let mut pos = 0;
    for token in root.tokens() {
        let range = token.range().as_usize();
        prop_assert_eq!(range.start, pos, "token {:?} is not contiguous", token);
        prop_assert_eq!(token.text(), &text[range.clone()]);
        pos = range.end;
    }
    prop_assert_eq!(pos, text.len());
    // Every node's range is the span of its children, and children point back at it.
    for element in root.descendants_with_tokens() {
        if let Some(node) = element.as_node() {
            let mut at = node.range().start;
            for child in node.children_with_tokens() {
                prop_assert_eq!(
                    child.range().start,
                    at,
                    "child {:?} of {:?} leaves a gap",
                    child,
                    node
                );
                at = child.range().end;
                if let Some(c) = child.as_node() {
                    prop_assert_eq!(c.parent(), Some(node));
                }
            }
            prop_assert_eq!(
                at,
                node.range().end,
                "children of {:?} do not reach its end",
                node
            );
            let _ = node.logical_text();
        }
    }
    // Errors point inside the text, on char boundaries, so renderers can slice them.
    let mut last = (0, 0);
    for error in parse.errors() {
        let r = error.range;
        prop_assert!(
            r.start <= r.end && (r.end as usize) <= text.len(),
            "error range {:?} out of bounds: {:?}",
            r,
            error
        );
        prop_assert!(
            text.is_char_boundary(r.start as usize) && text.is_char_boundary(r.end as usize),
            "error range {:?} not on char boundaries: {:?}",
            r,
            error
        );
        prop_assert!(
            (r.start, r.end) >= last,
            "errors are not sorted by position"
        );
        last = (r.start, r.end);
    }
    Ok(())
}

const KEYWORDS: &[&str] = &[
    "FROM",
    "RUN",
    "COPY",
    "ADD",
    "ENV",
    "ARG",
    "LABEL",
    "ONBUILD",
    "HEALTHCHECK",
    "SHELL",
    "CMD",
    "ENTRYPOINT",
    "EXPOSE",
    "USER",
    "WORKDIR",
    "VOLUME",
    "STOPSIGNAL",
    "MAINTAINER",
    "AS",
    "NONE",
    "FORM",
    "RUNN",
    "cpoy",
    "import",
    "x",
    "RUN",
    "RUN",
    "COPY",
    "ADD",
    "HEALTHCHECK",
    "ENV",
    "FROM",
];

/// A keyword or junk word in random letter case.
fn keyword() -> impl Strategy<Value = String> {
    (select(KEYWORDS), any::<u32>()).prop_map(|(k, mask)| {
        k.chars()
            .enumerate()
            .map(|(i, c)| {
                if mask >> (i % 32) & 1 == 1 {
                    c.to_ascii_lowercase()
                } else {
                    c.to_ascii_uppercase()
                }
            })
            .collect()
    })
}

const FLAGS: &[&str] = &[
    "--mount=type=cache,target=/x",
    "--mount=type=bind,from=a,source=/s,target=/t,ro",
    "--mount=type=secret,id=x,required",
    "--mount=",
    "--mount=,,=,",
    "--mount=tagret=/x,type=volume",
    "--mount=type=$T,target=${X:-/y}",
    "--from=a",
    "--from=",
    "--chown",
    "--chown=1:1",
    "--chmod=755",
    "--link",
    "--link=maybe",
    "--link=",
    "--link=TRUE",
    "--interval=3x",
    "--interval=30s",
    "--retries=-1",
    "--retries=x",
    "--start-period=10us",
    "--network=none",
    "--network=bogus",
    "--security=insecure",
    "--platform=$BUILDPLATFORM",
    "--",
    "--=",
    "--\"q\"=1",
    "--unknown",
    "--x='a b'",
];

const FRAGMENTS: &[&str] = &[
    // JSON-ish arrays.
    "[\"a\", \"b\"]",
    "[\"sh\", \"-c\", \"echo \\\"hi\\\"\"]",
    "[]",
    "[ ]",
    "[\"a\",]",
    "['a']",
    "[\"a\"",
    "[1, true, null, {\"k\": [1.5e3]}]",
    "[\"\\u00e9\\ud83d\\udc33\"]",
    "[\"\\q\"]",
    "[01]",
    "[\"a\"] x",
    "[",
    "]",
    "\"",
    "'",
    "\"a b\"",
    "'a b'",
    "\"unterminated",
    "'unterminated",
    "\"$x ${y} \\\" \\$ `\"",
    // Variables.
    "$",
    "$a",
    "$1",
    "$@",
    "${a}",
    "${a:-b}",
    "${a:+$b}",
    "${a:?err}",
    "${a-b}",
    "${a#*/}",
    "${a%%.*}",
    "${a/x/y}",
    "${a//x}",
    "${a:x}",
    "${a!}",
    "${}",
    "${:}",
    "${{",
    "${a",
    "${a:-${b:-${c",
    "${",
    "}",
    "{",
    "$$",
    "$é",
    // Escapes and continuations in the middle of a line.
    "\\",
    "\\\\",
    "`",
    "``",
    "\\ ",
    "a\\ b",
    "\\$x",
    "\\\"",
    // Key/value words.
    "a=b",
    "=b",
    "a=",
    "=",
    "a=\"b c\"",
    "a='b c' d=e",
    "key value more",
    "AS",
    "as",
    "name",
    "1name",
    "img:tag",
    "img@sha256:abc",
    "80/tcp",
    "/path/to",
    "./src",
    "SIGTERM",
    "CMD",
    "NONE",
    "echo",
    "&&",
    "|",
    ";",
    ",",
    "#",
    "# not a comment",
    "#!",
    // Heredocs.
    "<<EOF",
    "<<-'E'",
    "<<\"EOF\"",
    "3<<X",
    "<<-EOF",
    "<<",
    "<<<EOF",
    "<<E<F",
    "cat <<EOF > /f",
    "<<'E O'",
    "<<\\EOF",
    // Non-ASCII and odd white space.
    "é",
    "🐳",
    "\u{a0}",
    "\u{2003}",
    "\u{feff}",
    "\u{85}",
    "\t",
    "\x0c",
    "\x0b",
    "\0",
];

/// One word of a line: a keyword, a fragment, or a short random word.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => keyword(),
        8 => select(FRAGMENTS).prop_map(str::to_string),
        1 => select(FLAGS).prop_map(str::to_string),
        2 => "[a-zA-Z0-9_./:=-]{1,8}",
        1 => "[\\PC]{1,4}",
    ]
}

/// A separator between pieces.
fn separator() -> impl Strategy<Value = &'static str> {
    select(&["", " ", " ", " ", "  ", "\t", " \t "][..])
}

/// The end of a physical line.
fn line_end() -> impl Strategy<Value = &'static str> {
    select(
        &[
            "\n", "\n", "\n", "\n", "\r\n", "\r\n", "\r", "", "\\\n", "\\\r\n", " \\ \n", "\\",
            "`\n", "` \r\n", "\\\\\n", "``\n",
        ][..],
    )
}

/// A physical line assembled from pieces: usually a keyword, then flags, then arguments.
fn assembled_line() -> impl Strategy<Value = String> {
    (
        select(&["", "", "", " ", "\t", "  "][..]),
        prop::option::weighted(0.8, (keyword(), separator())),
        prop::collection::vec((select(FLAGS), separator()), 0..3),
        prop::collection::vec((piece(), separator()), 0..7),
        line_end(),
    )
        .prop_map(|(indent, keyword, flags, pieces, end)| {
            let mut line = indent.to_string();
            if let Some((k, sep)) = keyword {
                line.push_str(&k);
                line.push_str(if sep.is_empty() { " " } else { sep });
            }
            for (f, sep) in flags {
                line.push_str(f);
                line.push_str(if sep.is_empty() { " " } else { sep });
            }
            for (p, sep) in pieces {
                line.push_str(&p);
                line.push_str(sep);
            }
            line.push_str(end);
            line
        })
}

/// A whole line with a special meaning to the scanner.
fn special_line() -> impl Strategy<Value = String> {
    let lines = select(
        &[
            "",
            "\n",
            "\r\n",
            "\r",
            "EOF\n",
            "EOF",
            "EOF\r\n",
            "\tEOF\n",
            " EOF\n",
            "E\n",
            "X\n",
            "'E'\n",
            "# escape=`\n",
            "# escape=\\\n",
            "#escape = x\n",
            "# ESCAPE=`\r\n",
            "# syntax=x\n",
            "# syntax=docker/dockerfile:1\n",
            "# check=skip=all\n",
            "#   \n",
            "#!/usr/bin/env docker\n",
            "# comment\n",
            "   # indented comment\n",
            "#\n",
            "\u{feff}",
            "\u{feff}# escape=`\n",
            "FROM alpine AS base\n",
            "FROM alpine\n",
            "RUN <<EOF\necho hi\nEOF\n",
            "RUN <<-EOT cat\n\techo\n\tEOT\n",
            "COPY <<A <<B /dst/\na\nA\nb\nB\n",
            "RUN a \\\n  # inside\n\n  b\n",
            "ONBUILD RUN echo hi\n",
            "ONBUILD\n",
            "HEALTHCHECK --interval=5m CMD [\"curl\", \"-f\", \"x\"]\n",
            "HEALTHCHECK NONE extra\n",
            "SHELL [\"/bin/sh\", \"-c\"]\n",
            "SHELL sh -c\n",
            "ENV a=1 b=\"2 3\" c\n",
            "LABEL a b c\n",
            "\\\n",
            "`\n",
            "\\\\\n",
            "\t\n",
        ][..],
    );
    lines.prop_map(str::to_string)
}

/// Dockerfile-like text: lines from both generators, sometimes starting with a BOM.
fn dockerfile_like() -> impl Strategy<Value = String> {
    (
        prop::bool::weighted(0.1),
        prop::collection::vec(
            prop_oneof![3 => assembled_line(), 2 => special_line()],
            0..24,
        ),
    )
        .prop_map(|(bom, lines)| {
            let mut text = if bom {
                "\u{feff}".to_string()
            } else {
                String::new()
            };
            for line in lines {
                text.push_str(&line);
            }
            text
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn dockerfile_like_text_round_trips(text in dockerfile_like()) {
        check(&text)?;
    }

    #[test]
    fn arbitrary_strings_round_trip(text in any::<String>()) {
        check(&text)?;
    }

    #[test]
    fn punctuation_heavy_strings_round_trip(text in "[\\PC\\n\\r\\t\\\\`#$\\{\\}\\[\\]\"' <>=,-]{0,200}") {
        check(&text)?;
    }

    /// A random line after a fixed prelude, so the grammar sees it as an instruction body.
    #[test]
    fn instruction_bodies_round_trip(
        directive in select(&["", "# escape=`\n", "# syntax=x\n"][..]),
        kw in keyword(),
        body in "[\\PC\\t\\\\`#$\\{\\}\\[\\]\"' <>=,-]{0,80}",
        end in line_end(),
        tail in select(&["", "EOF\n", "X\nE\n", "\tEOF\n", "FROM x\n"][..]),
    ) {
        let text = format!("{directive}FROM a\n{kw} {body}{end}{tail}");
        check(&text)?;
    }
}

/// Cases that are known to be delicate, checked on every run.
#[test]
fn fixed_edge_cases() {
    let cases = [
        "",
        "\u{feff}",
        "\r",
        "\r\r\n",
        "\\",
        "FROM a\\",
        "FROM a \\\r",
        "# escape=`\nFROM a`\n`",
        "RUN <<EOF",
        "RUN <<EOF\n",
        "RUN <<EOF\r\nEOF\r\n",
        "RUN <<-'E' <<X\n\tE\nX",
        "COPY <<A <<B\n",
        "ONBUILD ONBUILD ONBUILD",
        "ENV ${",
        "LABEL \"a",
        "HEALTHCHECK CMD",
        "RUN --mount=type=cache,target=/x\\\n,ro echo",
        "FROM 🐳 AS é\n",
        "\u{85}FROM a",
        "FROM\u{a0}a",
    ];
    for text in cases {
        if let Err(e) = check(text) {
            panic!("{text:?}: {e}");
        }
    }
}

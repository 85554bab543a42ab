//! Golden tests of the parser: every fixture in `corpus/syntax` is parsed, and its tree dump
//! and syntax errors are compared with a reviewed snapshot. Each fixture also has to print
//! back to its exact bytes and pass the tree's structural checks.

use std::fmt::Write as _;

use dflint::syntax::parse;

/// The tree dump followed by one line per error: code name, byte range, the source text of
/// the range, the message and the help.
fn golden(input: &str) -> String {
    let parse = parse(input);
    let tree = parse.tree();
    assert_eq!(tree.print(), input, "the tree prints back to the input");
    tree.validate().expect("the tree is well formed");
    let mut out = tree.root().debug_dump();
    out.push_str("---\nerrors:\n");
    if parse.errors().is_empty() {
        out.push_str("  (none)\n");
    }
    for e in parse.errors() {
        let _ = write!(
            out,
            "  {} {:?} {:?}: {}",
            e.code.name(),
            e.range,
            &input[e.range.as_usize()],
            e.message
        );
        if let Some(help) = &e.help {
            let _ = write!(out, " [help: {help}]");
        }
        out.push('\n');
    }
    let _ = writeln!(out, "escape: {:?}", parse.escape());
    out
}

#[test]
fn syntax_fixtures() {
    insta::glob!("../corpus/syntax", "*.Dockerfile", |path| {
        let input = std::fs::read_to_string(path).expect("fixture is UTF-8");
        insta::assert_snapshot!(golden(&input));
    });
}

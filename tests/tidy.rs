//! Keeps the layers apart: lower layers must not reach up (`syntax -> ast -> diagnostic ->
//! render -> {cli, lsp}`), and only the two shells, the CLI and the language server, touch
//! the filesystem, the environment, the terminal, the async runtime or the protocol types.
//! Every module opens with a `//!` line saying what it owns.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Strings a file of a layer must not contain.
const IO: &[&str] = &[
    "std::fs",
    "std::env",
    "std::io",
    "std::process",
    "println!",
    "eprintln!",
    "print!(",
    "dbg!",
    "clap::",
    "tokio",
    "tower_lsp_server",
];

fn check_layer(files: &[PathBuf], forbidden: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
        // Test modules may use what they like.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for f in forbidden {
            if code.contains(f) {
                problems.push(format!("{} uses `{f}`", file.display()));
            }
        }
    }
    problems
}

#[test]
fn layers_do_not_reach_up_or_do_io() {
    let src = src();
    let upper_of_syntax = [
        "crate::ast",
        "crate::diagnostic",
        "crate::render",
        "crate::cli",
        "crate::lsp",
        "crate::check",
    ];
    let mut problems = Vec::new();
    let syntax = rust_files(&src.join("syntax"));
    problems.extend(check_layer(&syntax, &[&upper_of_syntax[..], IO].concat()));
    let ast = rust_files(&src.join("ast"));
    problems.extend(check_layer(&ast, &[&upper_of_syntax[1..], IO].concat()));
    let semantic = rust_files(&src.join("semantic"));
    problems.extend(check_layer(
        &semantic,
        &[
            &[
                "crate::diagnostic",
                "crate::render",
                "crate::cli",
                "crate::lsp",
                "crate::check",
            ][..],
            IO,
        ]
        .concat(),
    ));
    let shell = rust_files(&src.join("shell"));
    problems.extend(check_layer(
        &shell,
        &[
            &[
                "crate::rules",
                "crate::fix",
                "crate::cli",
                "crate::lsp",
                "crate::render",
                "crate::check",
            ][..],
            IO,
        ]
        .concat(),
    ));
    let config = rust_files(&src.join("config"));
    problems.extend(check_layer(
        &config,
        &[&["crate::cli", "crate::lsp", "crate::render"][..], IO].concat(),
    ));
    let rules = rust_files(&src.join("rules"));
    problems.extend(check_layer(
        &rules,
        &[&["crate::cli", "crate::lsp", "crate::render"][..], IO].concat(),
    ));
    // The editor features are pure functions over text: the language server does the IO.
    let ide = rust_files(&src.join("ide"));
    problems.extend(check_layer(
        &ide,
        &[
            &[
                "crate::cli",
                "crate::render",
                "crate::lsp",
                "tokio",
                "lsp_types",
            ][..],
            IO,
        ]
        .concat(),
    ));
    let diagnostic = vec![src.join("diagnostic.rs")];
    problems.extend(check_layer(
        &diagnostic,
        &[&["crate::render", "crate::cli", "crate::lsp"][..], IO].concat(),
    ));
    // The core entry points and the ShellCheck bridge stay pure: the CLI runs ShellCheck.
    let core = vec![
        src.join("check.rs"),
        src.join("shellcheck.rs"),
        src.join("fingerprint.rs"),
        src.join("baseline.rs"),
    ];
    problems.extend(check_layer(
        &core,
        &[&["crate::render", "crate::cli", "crate::lsp"][..], IO].concat(),
    ));
    let render = rust_files(&src.join("render"));
    problems.extend(check_layer(
        &render,
        &[&["crate::cli", "crate::lsp"][..], IO].concat(),
    ));
    // The server's position arithmetic is pure and knows no protocol types.
    let positions = vec![src.join("lsp/position.rs")];
    problems.extend(check_layer(&positions, &[&["crate::cli"][..], IO].concat()));
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn every_module_says_what_it_owns() {
    let missing: Vec<String> = rust_files(&src())
        .into_iter()
        .filter(|f| f.file_name().is_some_and(|n| n != "main.rs"))
        .filter(|f| !std::fs::read_to_string(f).unwrap().starts_with("//!"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "modules without a `//!` line: {missing:#?}"
    );
}

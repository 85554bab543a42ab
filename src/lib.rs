//! dflint: a Dockerfile linter, autofixer and language server.
//!
//! The layers, from the bottom: [`syntax`] (lossless parser), [`ast`] (typed views),
//! [`diagnostic`] (the finding model), [`render`] (pure output formats) and the [`cli`]
//! shell, which alone touches the filesystem and the terminal.

pub mod ast;
pub mod cli;
pub mod diagnostic;
pub mod fix;
pub mod render;
pub mod rules;
pub mod semantic;
pub mod syntax;

pub use diagnostic::{Category, Diagnostic, Severity};

/// Checks a Dockerfile's text and returns its diagnostics sorted by position, then code:
/// syntax errors, and the problems the build engine finds in the build it describes.
/// Pure and deterministic: no IO.
#[must_use]
pub fn check(source: &str) -> Vec<Diagnostic> {
    let parse = syntax::parse(source);
    let build = semantic::evaluate(&parse, &semantic::BuildOptions::default());
    let mut diagnostics: Vec<Diagnostic> = parse.errors().iter().map(Diagnostic::from).collect();
    diagnostics.extend(
        build
            .problems
            .iter()
            .filter(|p| p.kind.is_checked())
            .map(Diagnostic::from),
    );
    diagnostics.sort_by(|a, b| (a.range.start, a.code).cmp(&(b.range.start, b.code)));
    diagnostics
}

//! dflint: a Dockerfile linter, autofixer and language server.
//!
//! The layers, from the bottom: [`syntax`] (lossless parser), [`ast`] (typed views),
//! [`diagnostic`] (the finding model), [`render`] (pure output formats), [`ide`] (editor
//! features as pure functions), and the two shells that alone touch the filesystem and the
//! terminal: the [`cli`] and the language server ([`lsp`]).

pub mod ast;
pub mod baseline;
mod check;
#[cfg(feature = "cli")]
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod fingerprint;
pub mod fix;
pub mod ide;
#[cfg(feature = "lsp")]
pub mod lsp;
pub mod render;
pub mod rules;
pub mod semantic;
pub mod shell;
pub mod shellcheck;
pub mod suppress;
pub mod syntax;
pub mod verify;

pub use check::{
    EXPIRED_SUPPRESSION, INVALID_SUPPRESSION, PRAGMA_CODES, PragmaCode, SUPPRESSION_WITHOUT_REASON,
    Settings, UNKNOWN_SUPPRESSION, UNUSED_SUPPRESSION, check_with, fix_with, fix_with_only,
};
pub use diagnostic::{Category, Diagnostic, Severity};

/// Checks a Dockerfile's text with the default configuration: syntax errors, build
/// problems and the default rules, sorted by position, then code. Pure and deterministic.
#[must_use]
pub fn check(source: &str) -> Vec<Diagnostic> {
    let config = config::Config::default();
    check_with(source, &Settings::new(&config))
}

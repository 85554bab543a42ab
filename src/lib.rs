//! dflint: a Dockerfile linter, autofixer and language server.

pub mod ast;
pub mod syntax;

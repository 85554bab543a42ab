//! Diagnostics to output formats. Pure functions of their inputs: no IO.

mod checkstyle;
mod ci;
mod compact;
mod github;
mod gitlab;
mod json;
mod junit;
mod line_index;
mod plan;
mod sarif;
mod text;

pub use checkstyle::render_checkstyle;
pub use ci::RuleInfo;
pub use compact::render_compact;
pub use github::render_github;
pub use gitlab::render_gitlab;
pub use json::render_json;
pub use junit::render_junit;
pub use line_index::{LineIndex, Position};
pub use plan::{
    PlanReport, render_plan_dot, render_plan_json, render_plan_mermaid, render_plan_text,
};
pub use sarif::render_sarif;
pub use text::render_text;

use crate::Diagnostic;

/// Where the rule documentation is published: the page of a code is this prefix followed by
/// the code. SARIF's `helpUri`, the other CI formats and the language server's
/// `codeDescription` all link there.
pub const DOCS_URL: &str = "https://dflint.dev/rules/";

/// The documentation page of a diagnostic: ShellCheck's wiki for its findings, dflint's
/// rule pages for everything else.
#[must_use]
pub fn docs_url(diagnostic: &Diagnostic) -> String {
    if diagnostic.name == crate::shellcheck::NAME {
        format!("https://www.shellcheck.net/wiki/{}", diagnostic.code)
    } else {
        format!("{DOCS_URL}{}", diagnostic.code)
    }
}

/// One checked file: its display path, its text and its diagnostics.
pub struct FileReport<'a> {
    pub path: &'a str,
    pub source: &'a str,
    pub diagnostics: &'a [Diagnostic],
}

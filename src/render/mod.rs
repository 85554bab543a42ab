//! Diagnostics to output formats. Pure functions of their inputs: no IO.

mod json;
mod line_index;
mod plan;
mod text;

pub use json::render_json;
pub use line_index::{LineIndex, Position};
pub use plan::{
    PlanReport, render_plan_dot, render_plan_json, render_plan_mermaid, render_plan_text,
};
pub use text::render_text;

use crate::Diagnostic;

/// One checked file: its display path, its text and its diagnostics.
pub struct FileReport<'a> {
    pub path: &'a str,
    pub source: &'a str,
    pub diagnostics: &'a [Diagnostic],
}

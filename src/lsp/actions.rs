//! Code actions: the quick fix of each diagnostic under the cursor, "ignore this rule
//! here" (the pragma edit comes from [`crate::suppress::ignore_edit`]), and "fix all"
//! (the CLI's `--fix` loop, safe fixes only), which also serves fix-on-save.

use std::collections::HashMap;

use tower_lsp_server::gen_lsp_types as lsp;

use super::Engine;
use super::convert;
use super::document::Snapshot;
use super::workspace::Resolved;
use crate::fix::{Applicability, Edit, FixMode};

/// The kind of the "fix all" action, under `source.fixAll` so that fix-on-save finds it.
pub const FIX_ALL: &str = "source.fixAll.dflint";

/// Whether the client wants actions of `kind`: kinds are hierarchical, so `source` asks
/// for `source.fixAll.dflint` too. Without `only`, every kind is wanted.
#[must_use]
pub fn wanted(kind: &str, only: Option<&[lsp::CodeActionKind]>) -> bool {
    only.is_none_or(|only| {
        only.iter().any(|o| {
            let o = String::from(o.clone());
            kind == o
                || kind
                    .strip_prefix(o.as_str())
                    .is_some_and(|r| r.starts_with('.'))
        })
    })
}

fn workspace_edit(snapshot: &Snapshot, edits: &[Edit]) -> lsp::WorkspaceEdit {
    let index = snapshot.index();
    lsp::WorkspaceEdit {
        changes: Some(HashMap::from([(
            snapshot.uri.clone(),
            convert::text_edits(&index, edits, snapshot.encoding),
        )])),
        ..lsp::WorkspaceEdit::default()
    }
}

/// The code actions for `range` of the document, of the kinds `only` asks for.
#[must_use]
pub fn code_actions(
    snapshot: &Snapshot,
    resolved: &Resolved,
    engine: Engine,
    range: lsp::Range,
    only: Option<&[lsp::CodeActionKind]>,
) -> Vec<lsp::CodeActionResponse> {
    let settings = resolved.settings();
    let text = snapshot.text.as_str();
    let mut actions = Vec::new();
    if wanted("quickfix", only) {
        let index = snapshot.index();
        let wanted_range = convert::text_range(&index, range, snapshot.encoding);
        let parse = crate::syntax::parse(text);
        let mut ignores: Vec<Edit> = Vec::new();
        for d in (engine.check)(text, &settings) {
            let touches = d.range.start <= wanted_range.end && wanted_range.start <= d.range.end;
            if !touches {
                continue;
            }
            let diagnostic = convert::diagnostic(&snapshot.uri, &index, &d, snapshot.encoding);
            if let Some(fix) = d
                .fix
                .as_ref()
                .filter(|f| f.applicability != Applicability::DisplayOnly)
            {
                let safe = fix.applicability == Applicability::Safe;
                let title = if safe {
                    fix.title.clone()
                } else {
                    format!("{} (unsafe)", fix.title)
                };
                actions.push(lsp::CodeActionResponse::CodeAction(lsp::CodeAction {
                    title,
                    kind: Some(lsp::CodeActionKind::QuickFix),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    is_preferred: Some(safe),
                    edit: Some(workspace_edit(snapshot, &fix.edits)),
                    ..lsp::CodeAction::default()
                }));
            }
            if resolved.config.disable_ignore_pragma || !convert::can_be_ignored(&d) {
                continue;
            }
            let Some(edit) = crate::suppress::ignore_edit(
                &parse,
                d.range.start,
                d.name,
                resolved.config.require_ignore_reason,
            ) else {
                continue;
            };
            if ignores.contains(&edit) {
                continue;
            }
            ignores.push(edit.clone());
            actions.push(lsp::CodeActionResponse::CodeAction(lsp::CodeAction {
                title: format!("Ignore `{}` for this instruction", d.name),
                kind: Some(lsp::CodeActionKind::QuickFix),
                diagnostics: Some(vec![diagnostic]),
                edit: Some(workspace_edit(snapshot, &[edit])),
                ..lsp::CodeAction::default()
            }));
        }
    }
    if wanted(FIX_ALL, only) {
        let outcome = (engine.fix)(text, &settings, FixMode::Safe);
        if let Some(edit) = crate::fix::diff_edit(text, &outcome.output) {
            actions.push(lsp::CodeActionResponse::CodeAction(lsp::CodeAction {
                title: "Apply all safe dflint fixes".to_string(),
                kind: Some(lsp::CodeActionKind::new(FIX_ALL)),
                edit: Some(workspace_edit(snapshot, &[edit])),
                ..lsp::CodeAction::default()
            }));
        }
    }
    actions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_match_hierarchically() {
        let only = |kinds: &[&'static str]| -> Vec<lsp::CodeActionKind> {
            kinds
                .iter()
                .map(|k| lsp::CodeActionKind::from(*k))
                .collect()
        };
        assert!(wanted(FIX_ALL, None));
        assert!(wanted(FIX_ALL, Some(&only(&["source.fixAll"]))));
        assert!(wanted(FIX_ALL, Some(&only(&["source"]))));
        assert!(!wanted(FIX_ALL, Some(&only(&["quickfix"]))));
        assert!(!wanted("quickfix", Some(&only(&["source.fixAll"]))));
        assert!(!wanted(FIX_ALL, Some(&only(&["source.fix"]))));
        assert!(wanted("quickfix", Some(&only(&["quickfix", "source"]))));
    }
}

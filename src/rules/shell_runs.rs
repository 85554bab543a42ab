//! The shell-form `RUN`s the shell-analysis rules read: those of [`RuleContext::all_run_scripts`], less the
//! ones of stages built on a Windows image (whose default shell is `cmd`).

use crate::rules::RuleContext;
use crate::shell::Script;
use crate::shell::packages::{RunScripts, root_image};
use crate::syntax::TextRange;

/// The `RUN`s whose text contains one of `mentions` and whose shell is POSIX-like, in order;
/// with `ONBUILD` triggers when `onbuild` is set. Stages built on a Windows image
/// (`windows`, `servercore`, `nanoserver` in its name or tag) without a POSIX `SHELL` are
/// left out, and so are all stages without one in a file that uses the Windows escape
/// character (`# escape=` followed by a backtick).
pub(crate) fn posix_runs<'c, 't>(
    ctx: &'c RuleContext<'t>,
    mentions: &[&str],
    onbuild: bool,
) -> Vec<&'c RunScripts<'t, 't>> {
    let mut out = ctx.all_run_scripts(mentions);
    out.retain(|run| {
        (onbuild || !run.onbuild) && (!run.shell.is_empty() || !windows_stage(ctx, run.stage))
    });
    out
}

/// Whether stage `stage` is known, or likely, to run on Windows.
fn windows_stage(ctx: &RuleContext<'_>, stage: usize) -> bool {
    if ctx.escape() == '`' {
        return true;
    }
    root_image(ctx.build, stage).is_some_and(|image| {
        let path = image.path().to_ascii_lowercase();
        let tag = image.tag().unwrap_or("").to_ascii_lowercase();
        ["windows", "nanoserver", "servercore"]
            .iter()
            .any(|w| path.contains(w) || tag.contains(w))
    })
}

/// The names of the commands run inside command substitutions (`$(curl ...)`,
/// `` `wget ...` ``) of `script`, which [`crate::shell::Script::commands`] leaves out: the
/// base name of each literal command name, with its range.
pub(crate) fn substituted_command_names(script: &Script) -> Vec<(String, TextRange)> {
    if !script.text().contains("$(") && !script.text().contains('`') {
        return Vec::new();
    }
    let nodes = script.nodes();
    nodes
        .iter()
        .filter(|n| n.kind == "command_name")
        .filter(|n| {
            std::iter::successors(n.parent, |&i| nodes[i].parent)
                .any(|i| nodes[i].kind == "command_substitution")
        })
        .filter_map(|n| {
            let text = script.text().get(n.logical.clone())?;
            if !text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c))
            {
                return None;
            }
            let name = text.rsplit('/').next().unwrap_or(text).to_string();
            Some((name, n.range))
        })
        .collect()
}

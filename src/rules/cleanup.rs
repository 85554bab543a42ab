//! The shared check of the rules about package managers that keep their cache in the
//! layer (yum, dnf, zypper, yarn): find an install no cleanup follows, and offer to append
//! the cleanup.

use crate::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{DiagnosticExt, RuleContext, RuleMeta};
use crate::shell::Command;
use crate::shell::packages::{RunScripts, image_stages, real_commands, uncleaned};

/// What a rule about a package manager that keeps its cache looks for and reports (see
/// [`report_uncleaned`]).
pub(crate) struct CleanupSpec {
    /// The rule.
    pub meta: &'static RuleMeta,
    /// Texts one of which a RUN must contain to be checked (see [`all_run_scripts`]).
    pub mentions: &'static [&'static str],
    /// Whether a command installs packages and fills the cache.
    pub installs: fn(&Command) -> bool,
    /// The tool named in the report and run by the fix, given the install found.
    pub tool: fn(&Command) -> &str,
    /// The arguments of the tool that clean the cache, such as `clean all`.
    pub cleanup: &'static str,
    /// Why the cache is not needed, the end of the help text.
    pub reason: &'static str,
}

/// Reports, for each shipped RUN (see [`image_stages`]), and each `ONBUILD` RUN trigger of a
/// shipped stage, whose cache mounts do not keep the cache out of the layer, the first install that no cleanup follows, with a safe fix that
/// appends the cleanup (with `sudo` when an install uses it) to the RUN when it can.
/// `cleans` gives, for a RUN and the targets of its cache mounts, the test for a command that
/// cleans the cache, or `None` when the mounts keep the cache out of the layer.
pub(crate) fn report_uncleaned<C: Fn(&Command) -> bool>(
    ctx: &RuleContext<'_>,
    out: &mut Vec<Diagnostic>,
    spec: &CleanupSpec,
    cleans: impl Fn(&RunScripts<'_, '_>, &[String]) -> Option<C>,
) {
    let shipped = image_stages(ctx.build);
    for run in ctx.all_run_scripts(spec.mentions) {
        if !shipped.contains(&run.stage) {
            continue;
        }
        let Some(cleans) = cleans(run, &run.cache_mounts(ctx.escape())) else {
            continue;
        };
        let commands = real_commands(run);
        let Some((_, install)) = uncleaned(commands, spec.installs, cleans) else {
            continue;
        };
        let tool = (spec.tool)(&install.command);
        let cleanup = format!("{tool} {}", spec.cleanup);
        let sudo = if commands
            .iter()
            .any(|(_, c)| c.sudo && (spec.installs)(&c.command))
        {
            "sudo "
        } else {
            ""
        };
        let fix = run.append_offset().map(|at| {
            Fix::new(
                format!("Run `{cleanup}` at the end of the `RUN`"),
                Applicability::Safe,
                vec![Edit::insert(at, format!(" && {sudo}{cleanup}"))],
            )
        });
        out.push(
            spec.meta
                .diagnostic(
                    install.command.name.range,
                    format!(
                        "`{tool}` installs packages and its cache is not cleaned in this `RUN`"
                    ),
                )
                .with_help(format!("end the `RUN` with `{cleanup}`: {}", spec.reason))
                .with_fix(fix),
        );
    }
}

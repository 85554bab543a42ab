//! DFL5043 `curl-and-wget`: a stage uses both `curl` and `wget`.

use crate::Diagnostic;
use crate::rules::shell_runs::{posix_runs, substituted_command_names};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::shell::packages::{program, real_commands};
use crate::syntax::TextRange;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL5043",
    name: "curl-and-wget",
    category: RuleCategory::Maintainability,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL4001", "DS014", "DF058"],
    summary: "A stage downloads with both `curl` and `wget`.",
    docs: r#"## What it does
Checks the shell-form `RUN` instructions of each stage (and its `ONBUILD RUN` triggers), their
heredoc scripts and the scripts they give to a shell, for `curl` and `wget` commands (also
behind `sudo`, `env` or `xargs`, and in command substitutions such as `$(curl ...)`). Once
a stage has used one of them, each use of the other in the same stage is reported, and so
is each later use of either. Stages are checked apart: a builder stage may use `wget` and
the final stage `curl`.

Differences from hadolint: hadolint reports one finding per `RUN`; this rule reports each
use.

## Why is this bad?
Both tools do the same job. Needing both means installing two download tools, with their
libraries and their own certificate and proxy handling, in an image that needs one; and
readers have to know two sets of flags (`curl -fsSL` fails on HTTP errors, `wget -q` does
by default). Pick one per image.

## Example
```dockerfile
FROM debian:12
RUN curl -fsSLO https://example.com/a.tar.gz
RUN wget -q https://example.com/b.tar.gz
```

## Use instead
```dockerfile
FROM debian:12
RUN curl -fsSLO https://example.com/a.tar.gz
RUN curl -fsSLO https://example.com/b.tar.gz
```

## References
- hadolint `DL4001`; Trivy `DS-0014` (which counts both tools across stages).
"#,
    fix_changes: &[],
};

/// DFL5043
pub struct CurlAndWget;

impl Rule for CurlAndWget {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        // The tools seen so far in the current stage.
        let mut stage = None;
        let mut seen: Vec<&'static str> = Vec::new();
        for run in posix_runs(ctx, &["curl", "wget"], true) {
            if stage != Some(run.stage) {
                stage = Some(run.stage);
                seen.clear();
            }
            // The uses of either tool in the order they run: commands, and commands in
            // command substitutions.
            let mut uses: Vec<(TextRange, &'static str)> = Vec::new();
            for (_, real) in real_commands(run) {
                let command = &real.command;
                let tool = match program(command) {
                    Some("curl") => "curl",
                    Some("wget") => "wget",
                    _ => continue,
                };
                if !command.recovered {
                    uses.push((command.name.range, tool));
                }
            }
            for script in &run.scripts {
                for (name, range) in substituted_command_names(script) {
                    match name.as_str() {
                        "curl" => uses.push((range, "curl")),
                        "wget" => uses.push((range, "wget")),
                        _ => {}
                    }
                }
            }
            uses.sort_by_key(|(range, _)| range.start);
            uses.dedup();
            for (range, tool) in uses {
                let other = if tool == "curl" { "wget" } else { "curl" };
                if seen.contains(&other) {
                    out.push(
                        META.diagnostic(
                            range,
                            format!("`{tool}` in a stage that also uses `{other}`"),
                        )
                        .with_help(format!(
                            "pick one download tool per stage: replace this `{tool}` with \
                             `{other}`, or the other way around, so the image needs only one"
                        )),
                    );
                }
                if !seen.contains(&tool) {
                    seen.push(tool);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CurlAndWget;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_the_second_tool_and_later_uses() {
        for (source, expected) in [
            (
                "FROM debian\nRUN curl -O x && wget y && wget z\nRUN wget a\n",
                vec!["wget", "wget", "wget"],
            ),
            (
                "FROM debian\nRUN wget x\nRUN sudo curl y\nRUN curl z\n",
                vec!["curl", "curl"],
            ),
            (
                "FROM debian\nRUN curl x\nONBUILD RUN wget y\n",
                vec!["wget"],
            ),
            (
                "FROM debian\nRUN V=$(curl -s x) && wget \"$V\"\n",
                vec!["wget"],
            ),
        ] {
            let diagnostics = check(&CurlAndWget, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_one_tool_per_stage() {
        for source in [
            "FROM debian\nRUN curl x && curl y\n",
            "FROM debian AS build\nRUN wget x\nFROM debian\nRUN curl y\n",
            "FROM debian\nRUN apt-get install -y curl wget && curl x\n",
            "FROM debian\nRUN curl x\nCMD wget y\n",
        ] {
            assert!(check(&CurlAndWget, source).is_empty(), "{source}");
        }
    }
}

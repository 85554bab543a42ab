//! DFL1090 `curl-without-fail`: `curl` saves or pipes a download without `--fail`, so an
//! error page is used as the file.

use crate::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::security::tls_verification_disabled::flag_word;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::Area;
use crate::shell::packages::{program, real_commands};
use crate::shell::{Command, Separator};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1090",
    name: "curl-without-fail",
    category: RuleCategory::Correctness,
    severity: Severity::Info,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Preview,
    aliases: &["DF035"],
    summary: "`curl` saves or pipes a download without `--fail`, so an HTTP error goes unnoticed.",
    docs: r#"## What it does
Opt-in (preview). Flags `curl` in a `RUN` (also behind `sudo`, in heredocs and `sh -c`
strings) whose output is used, without `-f`/`--fail` or `--fail-with-body`: it writes to a
file (`-o`, `-O`, `--output`, `--remote-name`, or a `>` redirection other than `/dev/null`),
or its output is piped to another command. `curl -I`/`--head` is not flagged.

The fix inserts `-f` after `curl` (not in heredocs or `sh -c` strings).

## Why is this bad?
Without `--fail`, `curl` exits with 0 when the server answers 404 or 500, and writes the
error page as if it were the file. The build goes on: a `tar` or `sh` later in the pipe may
fail with a confusing message, or worse, an HTML page is installed as a configuration file or
a script, and the image is broken in a way that only shows when it runs. With `--fail`, the
`RUN` stops at the download with curl's exit code 22.

## Example
```dockerfile
FROM debian:12
RUN curl -sSL -o /usr/local/bin/tool https://example.com/tool-linux-amd64 \
 && chmod +x /usr/local/bin/tool
```

## Use instead
```dockerfile
FROM debian:12
RUN curl -fsSL -o /usr/local/bin/tool https://example.com/tool-linux-amd64 \
 && chmod +x /usr/local/bin/tool
```

## Fix safety
The fix is unsafe: it changes what happens when the server answers with an error, which is
the point. A build that relied on saving an error page (or on a URL that answers 404 but
whose body is wanted) fails from then on.

## References
- curl manual: `--fail`, `--fail-with-body`.
"#,
    fix_changes: &[Area::Commands],
};

/// DFL1090
pub struct CurlWithoutFail;

/// Short options of curl that take a value.
const VALUES: &str = "AbcCdDeEFHKmoPQrtTuUwxXyYz";

fn has(command: &Command, short: char, long: &[&str]) -> bool {
    flag_word(command, Some(short), long, VALUES).is_some()
}

/// Whether a `>` or `>>` redirection of stdout to something other than `/dev/null` follows
/// the command in `source` (at `end`, its last argument's end).
fn redirected(source: &str, end: u32) -> bool {
    let rest = source.get(end as usize..).unwrap_or_default();
    let mut rest = rest.trim_start_matches([' ', '\t']);
    loop {
        let Some(after) = rest.strip_prefix("1>").or_else(|| rest.strip_prefix('>')) else {
            // Skip a redirection of another descriptor: `2>/dev/null`, `2>&1`.
            if let Some(after) = rest.strip_prefix(|c: char| c.is_ascii_digit())
                && let Some(after) = after.strip_prefix('>')
            {
                let after = after.trim_start_matches(['>', '&', ' ']);
                let word_end = after.find([' ', '\t', '\n']).unwrap_or(after.len());
                rest = after[word_end..].trim_start_matches([' ', '\t']);
                continue;
            }
            return false;
        };
        let after = after.trim_start_matches(['>', '|', ' ', '\t']);
        if after.starts_with('&') {
            // `>&2`: to stderr.
            return false;
        }
        return !after.starts_with("/dev/null");
    }
}

impl Rule for CurlWithoutFail {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in ctx.run_scripts(&["curl"]) {
            for &(script, ref real) in real_commands(run) {
                let command = &real.command;
                if command.recovered || program(command) != Some("curl") {
                    continue;
                }
                if has(command, 'f', &["fail", "fail-with-body"]) || has(command, 'I', &["head"]) {
                    continue;
                }
                let saved = has(command, 'o', &["output", "remote-name", "remote-name-all"])
                    || has(command, 'O', &[]);
                let piped = command.separator_after == Some(Separator::Pipe);
                let used = saved || piped || redirected(ctx.source, command.end_offset());
                if !used {
                    continue;
                }
                let fix = run.can_edit(script).then(|| {
                    Fix::new(
                        "Add `-f` to `curl`",
                        Applicability::Unsafe,
                        vec![Edit::insert(command.name.range.end, " -f")],
                    )
                });
                out.push(
                    META.diagnostic(
                        command.name.range,
                        "`curl` uses the response without `--fail`, so an error page passes for the file",
                    )
                    .with_help(
                        "add `-f` (`--fail`): without it curl exits with 0 on HTTP errors such as \
                         404 and the error page is saved or piped on as if it were the download",
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CurlWithoutFail;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_used_output_without_fail() {
        for source in [
            "FROM debian\nRUN curl -sSL -o /x https://x\n",
            "FROM debian\nRUN curl -LO https://x/a.tgz\n",
            "FROM debian\nRUN curl -sSL https://x | tar -xz\n",
            "FROM debian\nRUN curl -sSL https://x > /etc/x.conf\n",
            "FROM debian\nRUN curl -sSL https://x 2>/dev/null > /etc/x.conf\n",
            "FROM debian\nRUN sudo curl --output /x https://x\n",
            "FROM debian\nRUN <<EOF\ncurl -o /x https://x\nEOF\n",
        ] {
            let diagnostics = check(&CurlWithoutFail, source);
            assert_eq!(flagged(source, &diagnostics), ["curl"], "{source}");
        }
    }

    #[test]
    fn accepts_fail_and_unused_output() {
        for source in [
            "FROM debian\nRUN curl -fsSL -o /x https://x\n",
            "FROM debian\nRUN curl -sSLf https://x | tar -xz\n",
            "FROM debian\nRUN curl --fail-with-body -o /x https://x\n",
            "FROM debian\nRUN curl -sI https://x | grep 200\n",
            "FROM debian\nRUN curl https://x > /dev/null\n",
            "FROM debian\nRUN curl -s https://x\n",
            "FROM debian\nRUN curl -H foo -o /x --fail https://x\n",
        ] {
            let d = check(&CurlWithoutFail, source);
            assert!(d.is_empty(), "{source}: {:?}", flagged(source, &d));
        }
    }

    #[test]
    fn fix_inserts_f() {
        let source = "FROM debian\nRUN apt-get update && curl -sSL \\\n  -o /x https://x\n";
        let d = check(&CurlWithoutFail, source);
        assert_eq!(
            fixed(source, &d),
            "FROM debian\nRUN apt-get update && curl -f -sSL \\\n  -o /x https://x\n"
        );
        let d = check(
            &CurlWithoutFail,
            "FROM debian\nRUN <<EOF\ncurl -o /x https://x\nEOF\n",
        );
        assert!(d[0].fix.is_none());
    }
}

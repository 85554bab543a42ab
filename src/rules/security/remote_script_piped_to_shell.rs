//! DFL2133 `remote-script-piped-to-shell`: a RUN runs a script straight from a download
//! (`curl ... | sh`).

use crate::Diagnostic;
use crate::rules::security::tls_verification_disabled::flag_word;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::shell::packages::{program, real_commands};
use crate::shell::{Command, Separator};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL2133",
    name: "remote-script-piped-to-shell",
    category: RuleCategory::Security,
    severity: Severity::Info,
    fix: FixAvailability::None,
    status: RuleStatus::Preview,
    aliases: &["DF021"],
    summary: "A RUN runs a downloaded script without checking it first.",
    docs: r#"## What it does
Opt-in (preview). Flags `RUN` commands (also behind `sudo`, in heredocs and `sh -c` strings)
that run what `curl` or `wget` download without saving it first:

* a download piped into a shell or an interpreter reading its program from stdin:
  `curl -fsSL URL | sh`, `wget -qO- URL | sudo bash -s -- --flag`, `curl URL | python3 -`
  (`sh`, `bash`, `dash`, `ash`, `zsh`, `ksh`, `python*`, `perl`, `ruby`, `node`, `php`);
* a download given to a shell through a substitution: `bash <(curl -fsSL URL)`,
  `sh -c "$(curl -fsSL URL)"`, `eval "$(wget -qO- URL)"`, `source <(curl URL)`.

Not flagged: an interpreter that gets its program elsewhere and reads the download as data
(`curl URL | python3 -c 'import json...'`, `curl URL | sh ./script.sh`), `wget` without
`-O -` (it writes a file, not to the pipe), and `curl` with `-o`/`-O`.

## Why is this bad?
Nothing checks what runs: no checksum, no signature, not even a look at what was downloaded.
The script can change on the server between two builds (the build is not reproducible), be
replaced by whoever controls the server or its CDN, or be cut off half-way by a network error
and run truncated (`rm -rf /usr/local/lib` instead of `rm -rf /usr/local/lib/tool`).

## Example
```dockerfile
FROM debian:12
RUN curl -fsSL https://example.com/install.sh | sh
```

## Use instead
```dockerfile
FROM debian:12
ARG INSTALL_SHA256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
RUN curl -fsSL -o /tmp/install.sh https://example.com/v1.2.3/install.sh \
 && echo "$INSTALL_SHA256  /tmp/install.sh" | sha256sum -c - \
 && sh /tmp/install.sh \
 && rm /tmp/install.sh
```

Or use `ADD --checksum=sha256:... URL /tmp/install.sh`, or install the tool from a package
repository whose signatures are checked.

## References
- Docker docs: `ADD --checksum`.
"#,
    fix_changes: &[],
};

/// DFL2133
pub struct RemoteScriptPipedToShell;

const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"];

fn is_interpreter(name: &str) -> bool {
    SHELLS.contains(&name)
        || matches!(name, "perl" | "ruby" | "node" | "php")
        || name
            .strip_prefix("python")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Whether a command writes what it downloads to stdout: `curl` without `-o`/`-O`, `wget`
/// with `-O -`.
fn downloads_to_stdout(command: &Command) -> bool {
    match program(command) {
        Some("curl") => {
            flag_word(
                command,
                Some('o'),
                &["output", "remote-name", "remote-name-all", "output-dir"],
                "AbcCdDeEFHKmPQrtTuUwxXyYz",
            )
            .is_none()
                && flag_word(command, Some('O'), &[], "AbcCdDeEFHKmoPQrtTuUwxXyYz").is_none()
        }
        Some("wget") => {
            let values: Vec<&str> = command.args.iter().map(|w| w.value_or_text()).collect();
            values.iter().enumerate().any(|(i, v)| {
                *v == "--output-document=-"
                    || v.strip_prefix('-').is_some_and(|c| {
                        !c.starts_with('-')
                            && (c.ends_with("O-")
                                || c.ends_with('O') && values.get(i + 1) == Some(&"-"))
                    })
                    || (*v == "--output-document" && values.get(i + 1) == Some(&"-"))
            })
        }
        _ => false,
    }
}

/// Whether an interpreter reads its program from stdin: no `-c`/`-e` program and no script
/// file argument (`-` and the arguments after `-s` are the script's).
fn runs_stdin(command: &Command) -> bool {
    for arg in &command.args {
        let v = arg.value_or_text();
        if v == "-" || v == "-s" || v == "--" {
            return true;
        }
        if v.starts_with('-') {
            let letters = v.trim_start_matches('-');
            if !v.starts_with("--") && (letters.contains('c') || letters.contains('e')) {
                return false;
            }
            if v.starts_with("--") && matches!(letters, "command" | "eval") {
                return false;
            }
            continue;
        }
        return false;
    }
    true
}

/// Whether a word runs a download through a substitution: `<(curl ...)`, `$(wget ...)`.
fn substitutes_download(text: &str) -> bool {
    ["<(", "$(", "`"].iter().any(|open| {
        text.split(open).skip(1).any(|rest| {
            let rest = rest.trim_start();
            rest.starts_with("curl ")
                || (rest.starts_with("wget ")
                    && (rest.contains("-O-") || rest.contains("-O -") || rest.contains("qO-")))
        })
    })
}

impl Rule for RemoteScriptPipedToShell {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in ctx.run_scripts(&["curl", "wget"]) {
            let commands = real_commands(run);
            for (i, (_, real)) in commands.iter().enumerate() {
                let command = &real.command;
                if command.recovered {
                    continue;
                }
                let Some(name) = program(command) else {
                    continue;
                };
                let piped = i > 0 && {
                    let (_, before) = &commands[i - 1];
                    before.command.separator_after == Some(Separator::Pipe)
                        && downloads_to_stdout(&before.command)
                };
                let downloader = if piped {
                    program(&commands[i - 1].1.command)
                } else {
                    None
                };
                let message = if piped && is_interpreter(name) && runs_stdin(command) {
                    format!(
                        "a script downloaded with `{}` is piped into `{name}`",
                        downloader.unwrap_or("curl")
                    )
                } else if (SHELLS.contains(&name) || matches!(name, "eval" | "source" | "."))
                    && command.args.iter().any(|a| substitutes_download(&a.text))
                {
                    format!("`{name}` runs a downloaded script")
                } else {
                    continue;
                };
                out.push(META.diagnostic(command.name.range, message).with_help(
                    "download the script to a file, check its checksum (`sha256sum -c`) or \
                     signature, then run it; or use `ADD --checksum=sha256:...`: nothing checks \
                     what a piped script does, and a cut-off download runs truncated",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RemoteScriptPipedToShell;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_piped_scripts() {
        for (source, expected) in [
            ("FROM debian\nRUN curl -fsSL https://x | sh\n", vec!["sh"]),
            (
                "FROM debian\nRUN curl -sL https://deb.nodesource.com/setup_20.x | sudo -E bash -\n",
                vec!["bash"],
            ),
            (
                "FROM debian\nRUN wget -qO- https://x | bash -s -- --yes\n",
                vec!["bash"],
            ),
            ("FROM debian\nRUN wget -O - https://x | sh\n", vec!["sh"]),
            (
                "FROM debian\nRUN curl https://x | python3 -\n",
                vec!["python3"],
            ),
            (
                "FROM debian\nRUN bash <(curl -fsSL https://x)\n",
                vec!["bash"],
            ),
            (
                "FROM debian\nRUN sh -c \"$(curl -fsSL https://x)\"\n",
                vec!["sh"],
            ),
            (
                "FROM debian\nRUN <<EOF\nset -e\ncurl -fsSL https://x | sh\nEOF\n",
                vec!["sh"],
            ),
        ] {
            let diagnostics = check(&RemoteScriptPipedToShell, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_checked_or_data_downloads() {
        for source in [
            "FROM debian\nRUN curl -fsSL -o /tmp/i.sh https://x && sh /tmp/i.sh\n",
            "FROM debian\nRUN curl -s https://x | python3 -c 'import json,sys; print(1)'\n",
            "FROM debian\nRUN curl -fsSL https://x | tar -xz\n",
            "FROM debian\nRUN wget https://x | sh\n",
            "FROM debian\nRUN curl -fsSL https://x | sh ./local.sh\n",
            "FROM debian\nRUN curl -fsSLO https://x | sh\n",
            "FROM debian\nRUN echo 'curl x | sh' > /notes\n",
        ] {
            let d = check(&RemoteScriptPipedToShell, source);
            assert!(d.is_empty(), "{source}: {:?}", flagged(source, &d));
        }
    }
}

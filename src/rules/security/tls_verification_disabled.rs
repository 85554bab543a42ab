//! DFL2130 `tls-verification-disabled`: a download skips the TLS certificate check.
//!
//! Also holds the helpers the other verification rules share: finding a flag word, reading
//! settings written to configuration files, and the ENV, ARG and shell variables a RUN sets.

use std::ops::Range;

use crate::Diagnostic;
use crate::ast::Instruction;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::shell::packages::{program, python_module, real_commands};
use crate::shell::{Command, Word};
use crate::syntax::{SyntaxKind, TextRange};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL2130",
    name: "tls-verification-disabled",
    category: RuleCategory::Security,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &[
        "CKV2_DOCKER_2",
        "CKV2_DOCKER_3",
        "CKV2_DOCKER_4",
        "CKV2_DOCKER_5",
        "CKV2_DOCKER_6",
        "CKV2_DOCKER_12",
        "CKV2_DOCKER_13",
        "CKV2_DOCKER_14",
        "CKV2_DOCKER_15",
        "CKV2_DOCKER_16",
    ],
    summary: "A command or a variable turns off the TLS certificate check of downloads.",
    docs: r#"## What it does
Flags the ways a Dockerfile tells a tool to accept any TLS certificate:

* in `RUN` commands (also behind `sudo` or `env`, in heredocs and `sh -c` strings):
  `curl -k` / `--insecure` (also inside combined flags such as `-fsSLk`),
  `wget --no-check-certificate`, `pip --trusted-host` (also `python -m pip` and
  `pip config set global.trusted-host`), `npm`/`pnpm`/`yarn config set strict-ssl false`
  and `--strict-ssl=false` / `--no-strict-ssl`, `yarn config set enableStrictSsl false`,
  `git -c http.sslVerify=false` and `git config http.sslVerify false`, `conda config --set
  ssl_verify false`, and `--setopt=sslverify=0` of `yum`, `dnf`, `microdnf` and `tdnf`;
* settings written to a configuration file by `echo`/`printf` or a heredoc (`RUN cat <<EOF`,
  `COPY <<EOF`): `sslverify=0` (yum/dnf repositories), `strict-ssl=false` (`.npmrc`),
  `sslVerify = false` (git);
* environment variables set by `ENV`, by `ARG` defaults, or for a command in a `RUN`
  (`GIT_SSL_NO_VERIFY=1 git clone ...`, `export ...`): `PYTHONHTTPSVERIFY=0`,
  `NODE_TLS_REJECT_UNAUTHORIZED=0`, `NPM_CONFIG_STRICT_SSL=false` (any case),
  `YARN_ENABLE_STRICT_SSL=false`, `CONDA_SSL_VERIFY=false`, and `GIT_SSL_NO_VERIFY`,
  `PIP_TRUSTED_HOST` or `UV_INSECURE_HOST` with any value. An `ENV` whose value uses
  variables is read through the build's evaluated environment.

Every stage is checked, builder stages too: what they download ends up in the image through
`COPY --from`.

## Why is this bad?
Without the certificate check, anyone on the network path (a proxy, a compromised mirror, a
hostile Wi-Fi) can serve their own file in place of the one requested, and the build installs
it. An `ENV` is worse: the setting stays in the image and every container started from it
trusts any server too.

## Example
```dockerfile
FROM python:3.12
ENV NODE_TLS_REJECT_UNAUTHORIZED=0
RUN curl -fsSLk https://example.com/install.sh -o /tmp/install.sh \
 && pip install --trusted-host pypi.example.com app
```

## Use instead
```dockerfile
FROM python:3.12
COPY corporate-ca.crt /usr/local/share/ca-certificates/
RUN update-ca-certificates \
 && curl -fsSL https://example.com/install.sh -o /tmp/install.sh \
 && pip install --cert /etc/ssl/certs/ca-certificates.crt app
```

When a proxy or a private registry uses its own certificate authority, install that
certificate in the image (or mount it with `RUN --mount=type=secret`) rather than turning the
check off.

## References
- Checkov `CKV2_DOCKER_2` to `CKV2_DOCKER_6` and `CKV2_DOCKER_12` to `CKV2_DOCKER_16`.
- curl manual: `--insecure`; git: `http.sslVerify`, `GIT_SSL_NO_VERIFY`; Node.js:
  `NODE_TLS_REJECT_UNAUTHORIZED`; PEP 493: `PYTHONHTTPSVERIFY`.
"#,
    fix_changes: &[],
};

/// DFL2130
pub struct TlsVerificationDisabled;

/// Short options of curl that take a value: a letter after them in a cluster is the value.
const CURL_SHORT_VALUES: &str = "AbcCdDeEFHKmoPQrtTuUwxXyYz";

/// The first argument before `--` that is one of the `long` flags (`--name` or
/// `--name=value`) or, with `short`, a cluster of short flags holding it before any letter of
/// `short_values` (whose rest is a value).
pub(crate) fn flag_word<'c>(
    command: &'c Command,
    short: Option<char>,
    long: &[&str],
    short_values: &str,
) -> Option<&'c Word> {
    for arg in &command.args {
        let Some(value) = arg.value.as_deref() else {
            continue;
        };
        if value == "--" {
            return None;
        }
        if let Some(rest) = value.strip_prefix("--") {
            let name = rest.split_once('=').map_or(rest, |(name, _)| name);
            if long.contains(&name) {
                return Some(arg);
            }
        } else if let (Some(cluster), Some(short)) = (value.strip_prefix('-'), short) {
            for c in cluster.chars() {
                if c == short {
                    return Some(arg);
                }
                if !c.is_ascii_alphanumeric() || short_values.contains(c) {
                    break;
                }
            }
        }
    }
    None
}

/// A setting that turns a check off when it has one of some values.
pub(crate) struct Setting {
    /// The key, compared without regard to ASCII case.
    pub key: &'static str,
    /// Whether a value (lowercased, quotes removed) turns the check off.
    pub disables: fn(&str) -> bool,
    /// What the setting is, for messages.
    pub what: &'static str,
}

pub(crate) fn is_false(v: &str) -> bool {
    matches!(v, "0" | "false" | "no" | "off")
}

pub(crate) fn is_true(v: &str) -> bool {
    matches!(v, "1" | "true" | "yes" | "on")
}

fn is_zero(v: &str) -> bool {
    v == "0"
}

fn is_set(_: &str) -> bool {
    true
}

fn is_non_empty(v: &str) -> bool {
    !v.is_empty()
}

/// Settings of configuration files that turn the TLS check off.
const FILE_SETTINGS: &[Setting] = &[
    Setting {
        key: "sslverify",
        disables: is_false,
        what: "`sslverify` off",
    },
    Setting {
        key: "strict-ssl",
        disables: is_false,
        what: "`strict-ssl` off",
    },
];

/// Environment variables that turn the TLS check off.
const ENV_SETTINGS: &[Setting] = &[
    Setting {
        key: "PYTHONHTTPSVERIFY",
        disables: is_zero,
        what: "`PYTHONHTTPSVERIFY=0`",
    },
    Setting {
        key: "NODE_TLS_REJECT_UNAUTHORIZED",
        disables: is_zero,
        what: "`NODE_TLS_REJECT_UNAUTHORIZED=0`",
    },
    Setting {
        key: "NPM_CONFIG_STRICT_SSL",
        disables: is_false,
        what: "`NPM_CONFIG_STRICT_SSL=false`",
    },
    Setting {
        key: "YARN_ENABLE_STRICT_SSL",
        disables: is_false,
        what: "`YARN_ENABLE_STRICT_SSL=false`",
    },
    Setting {
        key: "YARN_STRICT_SSL",
        disables: is_false,
        what: "`YARN_STRICT_SSL=false`",
    },
    Setting {
        key: "CONDA_SSL_VERIFY",
        disables: is_false,
        what: "`CONDA_SSL_VERIFY=false`",
    },
    Setting {
        key: "GIT_SSL_NO_VERIFY",
        disables: is_set,
        what: "`GIT_SSL_NO_VERIFY`",
    },
    Setting {
        key: "PIP_TRUSTED_HOST",
        disables: is_non_empty,
        what: "`PIP_TRUSTED_HOST`",
    },
    Setting {
        key: "UV_INSECURE_HOST",
        disables: is_non_empty,
        what: "`UV_INSECURE_HOST`",
    },
];

/// The setting among `settings` that `key=value` turns off, if any.
pub(crate) fn disabling<'s>(
    settings: &'s [Setting],
    key: &str,
    value: &str,
) -> Option<&'s Setting> {
    let value = value.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    settings
        .iter()
        .find(|s| s.key.eq_ignore_ascii_case(key) && (s.disables)(&value))
}

/// The places in `text` (a configuration file's content, or what `echo` writes to one) where
/// one of `settings` is given a value that turns a check off: `key=value`, `key = value`,
/// `key: value` or `key "value"`, the key not preceded by a letter, digit, `_`, `-` or `.`
/// (so `repo_gpgcheck` is not `gpgcheck`) unless it follows a written `\n` or `\t`.
pub(crate) fn file_settings<'s>(
    text: &str,
    settings: &'s [Setting],
) -> Vec<(Range<usize>, &'s Setting)> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    for setting in settings {
        let key = setting.key.to_ascii_lowercase();
        let mut from = 0;
        while let Some(found) = lower[from..].find(&key) {
            let start = from + found;
            from = start + key.len();
            let before = &lower[..start];
            let escaped = before.ends_with("\\n") || before.ends_with("\\t");
            let glued = before
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
            if glued && !escaped {
                continue;
            }
            let rest = &text[from..];
            let after_key = rest.trim_start_matches([' ', '\t']);
            let after_sep = match after_key.chars().next() {
                Some('=' | ':') => after_key[1..].trim_start_matches([' ', '\t']),
                Some('"') => after_key,
                _ => continue,
            };
            let value: String = after_sep
                .trim_start_matches(['"', '\''])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if value.is_empty() || !(setting.disables)(&value.to_ascii_lowercase()) {
                continue;
            }
            let end = text.len() - after_sep.len() + after_sep.len()
                - after_sep.trim_start_matches(['"', '\'']).len()
                + value.len();
            out.push((start..end, setting));
        }
    }
    out.sort_by_key(|(r, _)| r.start);
    out
}

/// The source range of `range` within a word's text, when the word is written without
/// quotes or escapes that would shift it (otherwise the whole word).
pub(crate) fn within_word(word: &Word, range: Range<usize>) -> TextRange {
    let value = word.value_or_text();
    if word.text == value && word.range.len() as usize == word.text.len() {
        let start = word.range.start + u32::try_from(range.start).unwrap_or(0);
        let end = word.range.start + u32::try_from(range.end).unwrap_or(0);
        return TextRange::new(start, end.min(word.range.end));
    }
    // Quoted: the same offsets one byte in, when the quotes are only around the word.
    let quoted = word.text.len() == value.len() + 2
        && word.text.get(1..word.text.len() - 1) == Some(value)
        && word.range.len() as usize == word.text.len();
    if quoted {
        let start = word.range.start + 1 + u32::try_from(range.start).unwrap_or(0);
        let end = word.range.start + 1 + u32::try_from(range.end).unwrap_or(0);
        return TextRange::new(start, end.min(word.range.end));
    }
    word.range
}

/// What `echo` and `printf` write: their arguments, for [`file_settings`]. `sed`
/// replacements (`s/a/b/`) count as written text too: only their replacement part.
pub(crate) fn written_text(command: &Command) -> Vec<(&Word, Range<usize>)> {
    match program(command) {
        Some("echo" | "printf") => command
            .args
            .iter()
            .map(|w| (w, 0..w.value_or_text().len()))
            .collect(),
        Some("sed") => command
            .args
            .iter()
            .filter_map(|w| sed_replacement(w.value_or_text()).map(|r| (w, r)))
            .collect(),
        _ => Vec::new(),
    }
}

/// The range of the replacement in a sed `s` expression (`s/from/to/g`; any delimiter).
fn sed_replacement(expression: &str) -> Option<Range<usize>> {
    let (start, rest) = expression
        .char_indices()
        .find(|&(_, c)| c == 's')
        .map(|(i, _)| (i, &expression[i + 1..]))?;
    if !expression[..start]
        .chars()
        .all(|c| c.is_ascii_digit() || "/,$ ".contains(c))
    {
        return None;
    }
    let delimiter = rest.chars().next()?;
    if delimiter.is_ascii_alphanumeric() || delimiter.is_whitespace() {
        return None;
    }
    let mut parts = Vec::new();
    let mut escaped = false;
    let base = start + 1 + delimiter.len_utf8();
    for (i, c) in rest[delimiter.len_utf8()..].char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == delimiter {
            parts.push(base + i);
        }
    }
    let (&first, &second) = (parts.first()?, parts.get(1)?);
    Some(first + 1..second)
}

/// An environment variable a command sets for itself: its leading assignments
/// (`A=1 cmd`, `env A=1 cmd`, `sudo A=1 cmd`) and the arguments of `export`, `declare -x`
/// and `env` as a command: (the word, the name, the value).
pub(crate) fn assignments(command: &Command) -> Vec<(&Word, String, String)> {
    let mut words: Vec<&Word> = command.assignments.iter().collect();
    if matches!(
        program(command),
        Some("export" | "declare" | "typeset" | "env")
    ) {
        words.extend(&command.args);
    }
    words
        .into_iter()
        .filter_map(|w| {
            let value = w.value.as_deref()?;
            let (name, value) = value.split_once('=')?;
            let valid =
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            valid.then(|| (w, name.to_string(), value.to_string()))
        })
        .collect()
}

/// One `ENV` or `ARG` pair that sets a variable, with the value a RUN after it sees.
pub(crate) struct EnvPair {
    /// `ENV` or `ARG`.
    pub keyword: &'static str,
    /// The name as written.
    pub name: String,
    /// The value, when it is known.
    pub value: Option<String>,
    /// The key, for reports.
    pub range: TextRange,
}

/// The `ENV` and `ARG` pairs of the file (`ONBUILD` ones included) that set a variable to a
/// value: ARGs without a default are left out. A value with variables is read from the
/// evaluated config of the stage (for ENV) when the build knows it.
pub(crate) fn env_pairs(ctx: &RuleContext<'_>) -> Vec<EnvPair> {
    let mut out = Vec::new();
    for instruction in ctx.instructions() {
        let instruction: Instruction<'_> = instruction.onbuild_trigger().unwrap_or(instruction);
        let keyword = match instruction.kind() {
            SyntaxKind::ENV_INSTR => "ENV",
            SyntaxKind::ARG_INSTR => "ARG",
            _ => continue,
        };
        for pair in instruction.key_values() {
            let Some(key) = pair.key() else { continue };
            let name = key.unquoted(ctx.escape());
            let value = match pair.value() {
                Some(word) if word.has_variables() => {
                    let at = instruction.range().start;
                    ctx.build
                        .stages
                        .iter()
                        .find(|s| s.range.contains(at))
                        .and_then(|s| s.config.env_value(&name))
                        .and_then(crate::semantic::expand::Value::known)
                }
                Some(word) => Some(word.unquoted(ctx.escape())),
                None if keyword == "ENV" || pair.has_equals() => Some(String::new()),
                None => continue,
            };
            out.push(EnvPair {
                keyword,
                name,
                value,
                range: key.range(),
            });
        }
    }
    out
}

/// Which check a command turns off, and the word (or words) that do.
fn command_findings(command: &Command) -> Vec<(TextRange, String)> {
    let mut out = Vec::new();
    let name = program(command).unwrap_or_default();
    let mut push = |range: TextRange, what: &str| out.push((range, what.to_string()));
    match name {
        "curl" => {
            if let Some(w) = flag_word(command, Some('k'), &["insecure"], CURL_SHORT_VALUES) {
                push(w.range, "`curl` runs with `--insecure`");
            }
        }
        "wget" => {
            if let Some(w) = flag_word(command, None, &["no-check-certificate"], "") {
                push(w.range, "`wget` runs with `--no-check-certificate`");
            }
        }
        "git" => {
            for (i, arg) in command.args.iter().enumerate() {
                let Some(v) = arg.value.as_deref() else {
                    continue;
                };
                // Only the options before the git subcommand; `-c` takes the next word.
                if !v.starts_with('-')
                    && command
                        .args
                        .get(i.wrapping_sub(1))
                        .is_none_or(|p| !p.is("-c"))
                {
                    break;
                }
                let setting = if v == "-c" {
                    command.args.get(i + 1).and_then(|w| w.value.as_deref())
                } else {
                    None
                };
                if let Some((key, value)) = setting.and_then(|s| s.split_once('='))
                    && is_git_ssl_verify(key)
                    && is_false(&value.to_ascii_lowercase())
                {
                    let word = &command.args[i + 1];
                    push(word.range, "`git` runs with `http.sslVerify=false`");
                }
            }
            let config = command.args.iter().position(|a| a.is("config"));
            if let Some(i) = config {
                let rest: Vec<&Word> = command.args[i + 1..]
                    .iter()
                    .filter(|w| !w.value_or_text().starts_with('-'))
                    .collect();
                if let [key, value, ..] = rest[..]
                    && is_git_ssl_verify(key.value_or_text())
                    && is_false(&value.value_or_text().to_ascii_lowercase())
                {
                    push(
                        key.range.cover(value.range),
                        "`git config` sets `http.sslVerify` to false",
                    );
                }
            }
        }
        "npm" | "pnpm" | "yarn" => {
            if let Some(w) = flag_word(command, None, &["no-strict-ssl"], "") {
                push(w.range, &format!("`{name}` runs with `--no-strict-ssl`"));
            }
            if let Some(w) = command.args.iter().find(|w| {
                w.value
                    .as_deref()
                    .and_then(|v| v.strip_prefix("--strict-ssl="))
                    .is_some_and(|v| is_false(&v.to_ascii_lowercase()))
            }) {
                push(w.range, &format!("`{name}` runs with `--strict-ssl=false`"));
            }
            if let Some((range, key)) = config_set(command, &["strict-ssl", "enablestrictssl"]) {
                push(range, &format!("`{name} config` sets `{key}` to false"));
            }
        }
        "conda" | "mamba" | "micromamba" => {
            let values: Vec<&str> = command.args.iter().map(Word::value_or_text).collect();
            for (i, pair) in values.windows(3).enumerate() {
                if pair[0] == "--set"
                    && pair[1] == "ssl_verify"
                    && is_false(&pair[2].to_ascii_lowercase())
                {
                    let range = command.args[i + 1].range.cover(command.args[i + 2].range);
                    push(
                        range,
                        &format!("`{name} config` sets `ssl_verify` to false"),
                    );
                }
            }
        }
        "yum" | "dnf" | "microdnf" | "tdnf" | "yum-config-manager" => {
            for (word, setting) in setopts(command) {
                if let Some((key, value)) = setting.split_once('=')
                    && key
                        .rsplit('.')
                        .next()
                        .unwrap_or(key)
                        .eq_ignore_ascii_case("sslverify")
                    && is_false(&value.to_ascii_lowercase())
                {
                    push(word.range, &format!("`{name}` runs with `sslverify` off"));
                }
            }
        }
        _ => {}
    }
    let pip = python_module(command, "pip");
    let pip = pip.as_ref().unwrap_or(command);
    if matches!(program(pip), Some(p) if p == "pip" || p.starts_with("pip3") || p == "uv") {
        if let Some(w) = flag_word(pip, None, &["trusted-host", "allow-insecure-host"], "") {
            let flag = w.value_or_text().split('=').next().unwrap_or_default();
            push(w.range, &format!("`pip` runs with `{flag}`"));
        }
        if let Some((range, key)) =
            config_set(pip, &["global.trusted-host", "install.trusted-host"])
        {
            push(range, &format!("`pip config` sets `{key}`"));
        }
    }
    out
}

/// `git` keys that set the TLS check: `http.sslVerify`, `http.<url>.sslVerify`.
fn is_git_ssl_verify(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.starts_with("http.") && key.ends_with(".sslverify")
}

/// For `<tool> config set KEY VALUE` (or `KEY=VALUE`; also `npm set`), where one of `keys`
/// (lowercase) is set to a value [`is_false`] accepts (any value for pip): the range of the
/// key and value, and the key.
fn config_set(command: &Command, keys: &[&str]) -> Option<(TextRange, String)> {
    let words: Vec<&Word> = command
        .args
        .iter()
        .filter(|w| !w.value_or_text().starts_with('-'))
        .collect();
    let start = match words.as_slice() {
        [c, s, ..] if c.is("config") && s.is("set") => 2,
        [s, ..] if s.is("set") => 1,
        _ => return None,
    };
    let pip = program(command).is_some_and(|p| p.starts_with("pip"));
    let key_word = words.get(start)?;
    let text = key_word.value.as_deref()?;
    let (key, value, range) = match text.split_once('=') {
        Some((k, v)) => (k.to_string(), v.to_string(), key_word.range),
        None => {
            let value_word = words.get(start + 1)?;
            (
                text.to_string(),
                value_word.value_or_text().to_string(),
                key_word.range.cover(value_word.range),
            )
        }
    };
    let matches = keys.contains(&key.to_ascii_lowercase().as_str())
        && if pip {
            !value.is_empty()
        } else {
            is_false(&value.to_ascii_lowercase())
        };
    matches.then_some((range, key))
}

/// The `--setopt` values of a yum-like command: (the word holding the value, the value).
pub(crate) fn setopts(command: &Command) -> Vec<(&Word, &str)> {
    let mut out = Vec::new();
    for (i, arg) in command.args.iter().enumerate() {
        let Some(v) = arg.value.as_deref() else {
            continue;
        };
        if v == "--" {
            break;
        }
        if v == "--setopt" {
            if let Some(next) = command.args.get(i + 1)
                && let Some(value) = next.value.as_deref()
            {
                out.push((next, value));
            }
        } else if let Some(value) = v.strip_prefix("--setopt=") {
            out.push((arg, value));
        }
    }
    out
}

/// The heredoc bodies of `RUN`/`COPY`/`ADD` instructions that are not run as scripts: the
/// files they write (`COPY <<EOF /etc/x`, `RUN cat <<EOF > /etc/x`), with where each body
/// starts in the source.
pub(crate) fn written_heredocs<'t>(
    ctx: &RuleContext<'t>,
    scripts: &[TextRange],
) -> Vec<(&'t str, u32)> {
    let mut out = Vec::new();
    for instruction in ctx.instructions() {
        let instruction: Instruction<'_> = instruction.onbuild_trigger().unwrap_or(instruction);
        if !matches!(
            instruction.kind(),
            SyntaxKind::RUN_INSTR | SyntaxKind::COPY_INSTR | SyntaxKind::ADD_INSTR
        ) {
            continue;
        }
        for heredoc in instruction.heredocs() {
            let Some(body) = heredoc.syntax().child_token(SyntaxKind::HEREDOC_BODY) else {
                continue;
            };
            if scripts.iter().any(|s| s.contains(body.range().start)) {
                continue;
            }
            out.push((body.text(), body.range().start));
        }
    }
    out
}

/// The source ranges of the heredoc bodies `run_scripts` reads as shell scripts.
pub(crate) fn script_heredocs(scripts: &[crate::shell::Script]) -> Vec<TextRange> {
    scripts
        .iter()
        .filter(|s| !s.text().is_empty())
        .map(|s| s.source_range(0..s.text().len()))
        .collect()
}

/// What the RUNs of a file turn off: each real command (wrappers removed, unparsable ones
/// skipped) goes to `on_command`, which adds its own findings; the `settings` written into
/// configuration files, by a command (`echo`, `printf`, `sed`) or by a heredoc (`RUN cat
/// <<EOF`, `COPY <<EOF`), are added here unless `keep(setting, written text)` says no.
pub(crate) fn scan_runs(
    ctx: &RuleContext<'_>,
    settings: &[Setting],
    keep: impl Fn(&Setting, &str) -> bool,
    mut on_command: impl FnMut(&Command, &mut Vec<(TextRange, String)>),
) -> Vec<(TextRange, String)> {
    let mut found: Vec<(TextRange, String)> = Vec::new();
    let mut scripts = Vec::new();
    for run in ctx.run_scripts(&[""]) {
        scripts.extend(script_heredocs(&run.scripts[1..]));
        if !run.line_script {
            scripts.extend(script_heredocs(&run.scripts[..1]));
        }
        for (_, real) in real_commands(run) {
            let command = &real.command;
            if command.recovered {
                continue;
            }
            on_command(command, &mut found);
            for (word, range) in written_text(command) {
                let text = word.value_or_text();
                for (r, setting) in file_settings(&text[range.clone()], settings) {
                    if !keep(setting, text) {
                        continue;
                    }
                    let r = r.start + range.start..r.end + range.start;
                    found.push((
                        within_word(word, r),
                        format!("a configuration file gets {}", setting.what),
                    ));
                }
            }
        }
    }
    for (body, start) in written_heredocs(ctx, &scripts) {
        for (r, setting) in file_settings(body, settings) {
            let range = TextRange::new(
                start + u32::try_from(r.start).unwrap_or(0),
                start + u32::try_from(r.end).unwrap_or(0),
            );
            found.push((range, format!("a configuration file gets {}", setting.what)));
        }
    }
    found
}

fn report(out: &mut Vec<Diagnostic>, range: TextRange, message: String) {
    out.push(META.diagnostic(range, message).with_help(
        "keep the certificate check: install the certificate authority the server uses \
             (`update-ca-certificates`, `pip --cert`, `npm config set cafile`) instead; \
             without the check anyone on the network path can replace what is downloaded",
    ));
}

impl Rule for TlsVerificationDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let mut found = scan_runs(
            ctx,
            FILE_SETTINGS,
            |_, _| true,
            |command, found| {
                found.extend(command_findings(command));
                for (word, name, value) in assignments(command) {
                    if let Some(setting) = disabling(ENV_SETTINGS, &name, &value) {
                        found.push((
                            word.range,
                            format!("the command runs with {}", setting.what),
                        ));
                    }
                }
            },
        );
        for pair in env_pairs(ctx) {
            let Some(value) = &pair.value else { continue };
            if disabling(ENV_SETTINGS, &pair.name, value).is_some() {
                found.push((
                    pair.range,
                    format!("`{} {}` turns the TLS check off", pair.keyword, pair.name),
                ));
            }
        }
        found.sort_by_key(|(r, _)| (r.start, r.end));
        found.dedup_by_key(|(r, _)| *r);
        for (range, message) in found {
            report(out, range, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{FILE_SETTINGS, TlsVerificationDisabled, file_settings, sed_replacement};
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_insecure_commands() {
        for (source, expected) in [
            ("FROM alpine\nRUN curl -k https://x\n", vec!["-k"]),
            (
                "FROM alpine\nRUN curl -fsSLk https://x -o /x\n",
                vec!["-fsSLk"],
            ),
            (
                "FROM alpine\nRUN curl --insecure https://x\n",
                vec!["--insecure"],
            ),
            (
                "FROM alpine\nRUN wget --no-check-certificate https://x\n",
                vec!["--no-check-certificate"],
            ),
            (
                "FROM python\nRUN pip install --trusted-host pypi.org x\n",
                vec!["--trusted-host"],
            ),
            (
                "FROM python\nRUN python3 -m pip install --trusted-host=pypi.org x\n",
                vec!["--trusted-host=pypi.org"],
            ),
            (
                "FROM python\nRUN pip config set global.trusted-host pypi.org\n",
                vec!["global.trusted-host pypi.org"],
            ),
            (
                "FROM node\nRUN npm config set strict-ssl false && npm ci\n",
                vec!["strict-ssl false"],
            ),
            (
                "FROM node\nRUN yarn config set strict-ssl false\n",
                vec!["strict-ssl false"],
            ),
            (
                "FROM node\nRUN npm set strict-ssl=false\n",
                vec!["strict-ssl=false"],
            ),
            (
                "FROM node\nRUN npm install --strict-ssl=false\n",
                vec!["--strict-ssl=false"],
            ),
            (
                "FROM alpine\nRUN git -c http.sslVerify=false clone https://x\n",
                vec!["http.sslVerify=false"],
            ),
            (
                "FROM alpine\nRUN git config --global http.sslverify false\n",
                vec!["http.sslverify false"],
            ),
            (
                "FROM alpine\nRUN GIT_SSL_NO_VERIFY=1 git clone https://x\n",
                vec!["GIT_SSL_NO_VERIFY=1"],
            ),
            (
                "FROM alpine\nRUN export NODE_TLS_REJECT_UNAUTHORIZED=0 && npm ci\n",
                vec!["NODE_TLS_REJECT_UNAUTHORIZED=0"],
            ),
            (
                "FROM fedora\nRUN dnf install -y --setopt=sslverify=false x\n",
                vec!["--setopt=sslverify=false"],
            ),
            (
                "FROM centos\nRUN echo 'sslverify=0' >> /etc/yum.conf\n",
                vec!["sslverify=0"],
            ),
            (
                "FROM centos\nRUN sed -i 's/sslverify=1/sslverify=0/' /etc/yum.conf\n",
                vec!["sslverify=0"],
            ),
            (
                "FROM node\nRUN echo \"strict-ssl=false\" > ~/.npmrc\n",
                vec!["strict-ssl=false"],
            ),
            (
                "FROM centos\nCOPY <<EOF /etc/yum.repos.d/x.repo\n[x]\nbaseurl=https://x\nsslverify = 0\nEOF\n",
                vec!["sslverify = 0"],
            ),
            (
                "FROM alpine\nRUN sudo sh -c 'curl -k https://x | tar x'\n",
                vec!["-k"],
            ),
            (
                "FROM alpine\nRUN <<EOF\nset -e\nwget --no-check-certificate https://x\nEOF\n",
                vec!["--no-check-certificate"],
            ),
            (
                "FROM continuumio/miniconda3\nRUN conda config --set ssl_verify false\n",
                vec!["ssl_verify false"],
            ),
        ] {
            let diagnostics = check(&TlsVerificationDisabled, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn flags_env_and_arg() {
        for (source, expected) in [
            (
                "FROM python\nENV PYTHONHTTPSVERIFY=0\n",
                vec!["PYTHONHTTPSVERIFY"],
            ),
            (
                "FROM node\nENV NODE_TLS_REJECT_UNAUTHORIZED 0\n",
                vec!["NODE_TLS_REJECT_UNAUTHORIZED"],
            ),
            (
                "FROM node\nENV npm_config_strict_ssl=false\n",
                vec!["npm_config_strict_ssl"],
            ),
            (
                "FROM alpine\nARG GIT_SSL_NO_VERIFY=true\n",
                vec!["GIT_SSL_NO_VERIFY"],
            ),
            (
                "FROM python\nENV PIP_TRUSTED_HOST=\"pypi.org files.pythonhosted.org\"\n",
                vec!["PIP_TRUSTED_HOST"],
            ),
            (
                "FROM python\nARG VERIFY=0\nENV PYTHONHTTPSVERIFY=$VERIFY\n",
                vec!["PYTHONHTTPSVERIFY"],
            ),
            (
                "FROM node\nONBUILD ENV NODE_TLS_REJECT_UNAUTHORIZED=0\n",
                vec!["NODE_TLS_REJECT_UNAUTHORIZED"],
            ),
        ] {
            let diagnostics = check(&TlsVerificationDisabled, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_verified_downloads() {
        for source in [
            "FROM alpine\nRUN curl -fsSL https://x -o /x\n",
            "FROM alpine\nRUN curl -o k https://x\n",
            "FROM alpine\nRUN curl -Hk:v https://x\n",
            "FROM alpine\nRUN curl -sSL -- -k\n",
            "FROM alpine\nRUN wget -q https://x\n",
            "FROM python\nRUN pip install --cert /ca.pem x\n",
            "FROM node\nRUN npm config set strict-ssl true\n",
            "FROM node\nENV NODE_TLS_REJECT_UNAUTHORIZED=1\n",
            "FROM python\nENV PYTHONHTTPSVERIFY=1\n",
            "FROM python\nENV PIP_TRUSTED_HOST=\n",
            "FROM python\nARG PIP_TRUSTED_HOST\n",
            "FROM alpine\nRUN git config --global http.sslVerify true\n",
            "FROM centos\nRUN sed -i 's/sslverify=0/sslverify=1/' /etc/yum.conf\n",
            "FROM centos\nRUN echo 'repo_sslverify=0' >> /etc/yum.conf\n",
            "FROM alpine\nRUN echo curl -k > /notes.txt\n",
            "FROM alpine\nRUN [\"curl\", \"-k\", \"https://x\"]\n",
            "FROM alpine\nSHELL [\"pwsh\", \"-c\"]\nRUN curl -k https://x\n",
        ] {
            let d = check(&TlsVerificationDisabled, source);
            assert!(d.is_empty(), "{source}: {:?}", flagged(source, &d));
        }
    }

    #[test]
    fn messages() {
        let d = check(
            &TlsVerificationDisabled,
            "FROM alpine\nRUN curl -k https://x\n",
        );
        assert_eq!(d[0].message, "`curl` runs with `--insecure`");
        let d = check(
            &TlsVerificationDisabled,
            "FROM python\nENV PYTHONHTTPSVERIFY=0\n",
        );
        assert_eq!(
            d[0].message,
            "`ENV PYTHONHTTPSVERIFY` turns the TLS check off"
        );
    }

    #[test]
    fn settings_in_text() {
        let found = |t: &str| -> Vec<String> {
            file_settings(t, FILE_SETTINGS)
                .into_iter()
                .map(|(r, _)| t[r].to_string())
                .collect()
        };
        assert_eq!(found("[x]\\nsslverify=0\\n"), ["sslverify=0"]);
        assert_eq!(found("sslverify: False"), ["sslverify: False"]);
        assert!(found("sslverify=1").is_empty());
        assert!(found("repo_sslverify=0").is_empty());
        assert!(found("sslverify").is_empty());
        assert_eq!(sed_replacement("s/a/b/g"), Some(4..5));
        assert_eq!(sed_replacement("1,$s|a|bc|"), Some(7..9));
        assert_eq!(sed_replacement("-i"), None);
    }
}

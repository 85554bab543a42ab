//! DFL2002 `secret-in-env`: an ARG, ENV or LABEL holds a secret.

use crate::Diagnostic;
use crate::ast::{Instruction, KeyValue, Word};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::syntax::SyntaxKind;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL2002",
    name: "secret-in-env",
    category: RuleCategory::Security,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL3064", "SecretsUsedInArgOrEnv", "DS031", "DF013", "DF014"],
    summary: "An ARG, ENV or LABEL holds a password, token or key.",
    docs: r#"## What it does
Checks the names and values of `ARG`, `ENV` and `LABEL` (also inside `ONBUILD`), in every
stage and before the first `FROM`.

A **name** is flagged when one of its words (split at `_`, `-`, `.` and camelCase) says it
holds a secret: `password`, `passwd`, `passphrase`, `secret`, `token`, `credentials`, `auth`,
`apikey`, a `key` qualified as `api`, `access`, `secret`, `private`, `client`, `encryption`,
`master`, `ssh`, `license`... (`API_KEY`, `AWS_SECRET_ACCESS_KEY`, `dbPassword`), and
`pass` or `pwd` next to another word (`DB_PASS`, `MYSQL_PWD`, but not the shell's `PWD`).
Not flagged: names about a secret rather than holding one, whose last word is `file`,
`path`, `dir`, `url`, `host`, `name`, `type`, `enabled`... (`PASSWORD_FILE`, `AUTH_URL`);
names with `version`, `public` or a checksum word (`sha256`, `hash`, `checksum`); public
keys (`GPG_KEYS`, `PUBLIC_KEY`, `KEY_ID`, `KEYRING`, and a `*_SIGNING_KEY` holding OpenPGP
fingerprints, as official images have); a value that is a boolean, a path or a file name
(`/run/secrets/db`, `reset.sh`). An ENV or LABEL holding nothing, or a placeholder such as
`XXXXXXXX` or `00000000-0000-...`, is not flagged either. An `ARG` with a secret's name is
flagged even without a default or with a placeholder default: the value given with
`--build-arg` is recorded. So is an ENV that copies such an ARG (`ENV NPM_TOKEN=$NPM_TOKEN`).

A **value** is flagged, whatever its name, when it looks like a credential: an AWS access
key id (`AKIA...`, `ASIA...`), a GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`,
`github_pat_`), GitLab (`glpat-`), Slack (`xoxb-`, `xoxp-`...), npm (`npm_`), Stripe
(`sk_live_`) or Google API (`AIza`) token, a private key (`-----BEGIN ... PRIVATE KEY-----`),
a URL with a password (`scheme://user:password@host`, unless the password is a
`$VARIABLE`), or a random-looking string: 24 or more characters of letters, digits and
`+/=_-`, with more than 4 bits of Shannon entropy per character, that mixes letters and
digits and changes between uppercase, lowercase and digits at least 3 times in 10
characters, as random text does and names (`OpenJDK21U-jdk_x64_linux`) do not. Hex
checksums and commit ids (at most 4 bits per character), UUIDs, versions, paths, the
segments of a URL taken together, `sha512-...` integrity strings, `data:` URIs, values of
names that say they are checksums, and variable references are not random-looking.

Each pair gives one diagnostic, on the value when it looks like a credential, otherwise on
the name.

Differences from hadolint (`DL3064`): hadolint matches a list of names (and any name
with `username`, `password`, `secret`, `token`...). dflint splits names into words, so a name
that is *about* a secret (`USERNAME`, `SECRET_FILE`, `PASSWORD_FILE`) is not flagged, nor is
a placeholder (`ENV PASSWORD=`, `XXXXXXXX`); these are the corpus findings of hadolint only.
dflint also reads values (tokens, keys, URLs with passwords, random strings) and names
hadolint does not know (`ORACLE_PWD`, `COMPOSER_AUTH`, `MAIL_PASS`), which are the findings
of dflint only.

## Why is this bad?
An `ENV` or `LABEL` is part of the image config: anyone who can pull the image reads it with
`docker inspect`, and every container started from it has it. The value of an `ARG` is not in
the config, but it is recorded in the image history of every `RUN` that sees it and in the
build's provenance. A secret in any of them must be considered leaked once the image is
pushed.

## Example
```dockerfile
FROM node:22
ARG NPM_TOKEN
ENV DATABASE_URL=postgres://app:s3cr3t-pass@db:5432/app
RUN npm ci
```

## Use instead
```dockerfile
FROM node:22
RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
```

Build it with `docker build --secret id=npm_token,env=NPM_TOKEN .`, and give the database
URL to the container when it runs.

## References
- Docker docs: build secrets (`RUN --mount=type=secret`).
- BuildKit build checks: `SecretsUsedInArgOrEnv`.
"#,
    fix_changes: &[],
};

/// DFL2002
pub struct SecretInEnv;

/// Words that name a secret on their own.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwords",
    "passwd",
    "passphrase",
    "pword",
    "secret",
    "secrets",
    "token",
    "tokens",
    "credential",
    "credentials",
    "creds",
    "auth",
    "apikey",
    "apikeys",
    "accesskey",
    "secretkey",
    "privatekey",
    "authkey",
];

/// Endings that make a single camelCase-less word a secret: `DBPASSWORD`, `NPMTOKEN`.
const SECRET_ENDINGS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "accesskey",
    "secretkey",
    "privatekey",
];

/// Words that make the `key` after them a secret one: `API_KEY`, `PRIVATE_KEY`.
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "access",
    "secret",
    "private",
    "client",
    "encryption",
    "encrypt",
    "enc",
    "master",
    "auth",
    "session",
    "jwt",
    "hmac",
    "signing",
    "ssh",
    "deploy",
    "license",
    "licence",
    "app",
    "account",
    "storage",
    "subscription",
    "service",
    "cipher",
    "consumer",
    "shared",
];

/// Words that, anywhere in a name, say it does not hold a secret.
const HARMLESS_WORDS: &[&str] = &[
    "version",
    "versions",
    "ver",
    "public",
    "pub",
    "sha",
    "sha1",
    "sha256",
    "sha384",
    "sha512",
    "md5",
    "hash",
    "checksum",
    "checksums",
    "sum",
    "shasum",
    "digest",
    "integrity",
    "fingerprint",
    "keyring",
    "keyrings",
];

/// Last words of a name that is about a secret rather than the secret itself.
const DESCRIPTOR_ENDINGS: &[&str] = &[
    "file",
    "files",
    "path",
    "paths",
    "dir",
    "directory",
    "url",
    "urls",
    "uri",
    "endpoint",
    "host",
    "hostname",
    "server",
    "port",
    "location",
    "name",
    "type",
    "mode",
    "method",
    "enabled",
    "enable",
    "disabled",
    "required",
    "length",
    "ttl",
    "timeout",
    "expiry",
    "expiration",
    "provider",
    "header",
    "user",
    "username",
];

/// The words of a name: split at `_`, `-`, `.`, `/` and other non-alphanumerics, and at
/// camelCase boundaries (`apiKey`, `APIKey`), lowercased.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    // Every part is ASCII: anything else splits.
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let bytes = part.as_bytes();
        let mut start = 0;
        for i in 1..bytes.len() {
            let (prev, cur) = (bytes[i - 1], bytes[i]);
            let next_lower = bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase);
            let boundary = ((prev.is_ascii_lowercase() || prev.is_ascii_digit())
                && cur.is_ascii_uppercase())
                || (prev.is_ascii_uppercase() && cur.is_ascii_uppercase() && next_lower);
            if boundary {
                out.push(part[start..i].to_ascii_lowercase());
                start = i;
            }
        }
        if start < bytes.len() {
            out.push(part[start..].to_ascii_lowercase());
        }
    }
    out
}

/// Why a name looks like a secret's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NameHit {
    /// A word that means a secret: `password`, `token`...
    Word,
    /// Only a qualified `key`: `API_KEY`, `SIGNING_KEY`.
    Key,
}

/// Whether a name says it holds a secret, and why.
fn secret_name(name: &str) -> Option<NameHit> {
    let words = words(name);
    let last = words.last()?;
    if words.iter().any(|w| HARMLESS_WORDS.contains(&w.as_str()))
        || DESCRIPTOR_ENDINGS.contains(&last.as_str())
    {
        return None;
    }
    let mut hit = None;
    for (i, w) in words.iter().enumerate() {
        let w = w.as_str();
        let next = words.get(i + 1).map(String::as_str);
        let prev = i.checked_sub(1).map(|p| words[p].as_str());
        match w {
            // A key id names a key, it is not one.
            "key" | "keys" => {
                if prev.is_some_and(|p| KEY_QUALIFIERS.contains(&p))
                    && !matches!(next, Some("id" | "ids"))
                {
                    hit.get_or_insert(NameHit::Key);
                }
            }
            // `OAuth` splits into `o` and `auth`.
            "auth" if prev == Some("o") => {}
            // `PWD` alone is the working directory; `PASS` alone is too vague.
            "pass" | "pwd" if words.len() == 1 => {}
            "pass" | "pwd" => return Some(NameHit::Word),
            _ => {
                if SECRET_WORDS.contains(&w)
                    || SECRET_ENDINGS
                        .iter()
                        .any(|e| w.len() > e.len() && w.ends_with(e))
                {
                    return Some(NameHit::Word);
                }
            }
        }
    }
    hit
}

/// Whether a name says it holds a secret.
#[cfg(test)]
fn is_secret_name(name: &str) -> bool {
    secret_name(name).is_some()
}

/// Whether a value is a list of OpenPGP fingerprints or long key ids (40 or 16 hex digits,
/// maybe after `0x`), as the `*_SIGNING_KEY` and `GPG_KEYS` of official images hold: public
/// data.
fn is_fingerprint_list(value: &str) -> bool {
    let mut items = value
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|i| !i.is_empty())
        .peekable();
    items.peek().is_some()
        && items.all(|item| {
            let hex = item.strip_prefix("0x").unwrap_or(item);
            matches!(hex.len(), 16 | 40) && hex.bytes().all(|b| b.is_ascii_hexdigit())
        })
}

/// Whether a name says its value is a checksum.
fn is_checksum_name(name: &str) -> bool {
    words(name).iter().any(|w| {
        matches!(
            w.as_str(),
            "sha"
                | "sha1"
                | "sha256"
                | "sha384"
                | "sha512"
                | "md5"
                | "hash"
                | "checksum"
                | "checksums"
                | "sum"
                | "shasum"
                | "digest"
                | "integrity"
        )
    })
}

/// File name extensions that make a one-word value a file name (`reset_password.sh`).
const FILE_EXTENSIONS: &[&str] = &[
    "sh",
    "bash",
    "py",
    "rb",
    "js",
    "ps1",
    "bat",
    "cmd",
    "json",
    "yaml",
    "yml",
    "toml",
    "txt",
    "conf",
    "cfg",
    "ini",
    "xml",
    "properties",
    "env",
    "pem",
    "key",
    "crt",
    "cer",
    "der",
    "p12",
    "pfx",
    "jks",
    "keystore",
    "gpg",
    "asc",
    "rsp",
    "sql",
    "log",
];

/// Whether a value is a placeholder: empty, or one repeated character (`XXXXXXXX`,
/// `00000000-0000-0000-0000-000000000000`, `{}`). An ENV or LABEL holding one holds no
/// secret; an ARG's placeholder default is replaced by `--build-arg`.
fn is_placeholder(value: &str) -> bool {
    let mut alphanumerics = value.chars().filter(char::is_ascii_alphanumeric);
    match alphanumerics.next() {
        Some(first) => alphanumerics.all(|c| c == first),
        None => true,
    }
}

/// Whether a value has the shape of something other than a secret: a boolean, a path or a
/// file name (`/run/secrets/db`, `reset_password.sh`).
fn is_not_a_secret(value: &str) -> bool {
    let v = value.trim();
    let file_name = !v.contains(char::is_whitespace)
        && v.rsplit_once('.').is_some_and(|(stem, ext)| {
            !stem.is_empty() && FILE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
        });
    file_name
        || ["true", "false", "yes", "no", "on", "off"]
            .iter()
            .any(|b| v.eq_ignore_ascii_case(b))
        || v.starts_with('/')
        || v.starts_with("./")
        || v.starts_with("../")
        || v.starts_with("~/")
        || v.as_bytes().get(1..3) == Some(b":\\".as_slice())
}

/// The text of a value that does not come from a variable: `$NAME` and `${NAME}` removed,
/// `${NAME:-default}` and `${NAME-default}` replaced by their default.
fn literal_text(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(braced) = after.strip_prefix('{') {
            let end = braced.find('}').unwrap_or(braced.len());
            let inner = &braced[..end];
            let name_len = inner
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(inner.len());
            let op = &inner[name_len..];
            if let Some(default) = op.strip_prefix(":-").or_else(|| op.strip_prefix('-')) {
                out.push_str(default);
            }
            rest = braced.get(end + 1..).unwrap_or("");
        } else {
            let name_len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            rest = &after[name_len..];
        }
    }
    out.push_str(rest);
    out
}

/// Whether `c` may appear in a token or a base64 string.
fn is_token_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'_' | b'-')
}

/// The runs of token characters in `value`, with variable references (`$NAME`, `${...}`)
/// removed, as byte ranges.
fn token_runs(value: &str) -> Vec<&str> {
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut start = None;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'$' {
            if let Some(s) = start.take() {
                out.push(&value[s..i]);
            }
            i += 1;
            if bytes.get(i) == Some(&b'{') {
                while i < bytes.len() && bytes[i] != b'}' {
                    i += 1;
                }
                i += 1;
            } else {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
            }
            continue;
        }
        if is_token_char(c) {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push(&value[s..i]);
        }
        i += 1;
    }
    if let Some(s) = start {
        out.push(&value[s..]);
    }
    out
}

/// The Shannon entropy of `s`, in bits per byte.
fn shannon_entropy(s: &str) -> f64 {
    let mut counts = [0usize; 256];
    for &b in s.as_bytes() {
        counts[usize::from(b)] += 1;
    }
    #[allow(clippy::cast_precision_loss)]
    let len = s.len() as f64;
    counts
        .iter()
        .filter(|&&n| n > 0)
        .map(|&n| {
            #[allow(clippy::cast_precision_loss)]
            let p = n as f64 / len;
            -p * p.log2()
        })
        .sum()
}

/// Whether a run of token characters is random-looking: long, mixed, and of high entropy,
/// and not a path or an integrity string.
fn is_random_looking(run: &str) -> bool {
    if run.len() < 24 {
        return false;
    }
    let b = run.as_bytes();
    if !b.iter().any(u8::is_ascii_digit) || !b.iter().any(u8::is_ascii_alphabetic) {
        return false;
    }
    // `sha512-<base64>`: a subresource integrity checksum.
    if ["sha1-", "sha256-", "sha384-", "sha512-"]
        .iter()
        .any(|p| run.starts_with(p))
    {
        return false;
    }
    // An absolute path (relative paths are words: too few class changes), or a UUID.
    if run.starts_with('/') || is_uuid(run) {
        return false;
    }
    shannon_entropy(run) > 4.0 && class_changes(run) * 10 >= alphanumerics(run) * 3
}

/// The number of alphanumerics in `s`.
fn alphanumerics(s: &str) -> usize {
    s.bytes().filter(u8::is_ascii_alphanumeric).count()
}

/// How often the class of character (uppercase, lowercase, digit) changes between
/// neighbouring alphanumerics of `s`. Random strings change often (about 6 times in 10
/// characters for letters and digits); words, file names and flags rarely do
/// (`linuxamd64_12102_database_se2_1of2`).
fn class_changes(s: &str) -> usize {
    let class = |b: u8| {
        if b.is_ascii_uppercase() {
            Some(0)
        } else if b.is_ascii_lowercase() {
            Some(1)
        } else if b.is_ascii_digit() {
            Some(2)
        } else {
            None
        }
    };
    s.bytes()
        .map(class)
        .collect::<Vec<_>>()
        .windows(2)
        .filter(|w| matches!(w, [Some(a), Some(b)] if a != b))
        .count()
}

/// Whether `s` at `at` starts `prefix` with no alphanumeric just before it.
fn starts_token(s: &str, at: usize) -> bool {
    at == 0 || !s.as_bytes()[at - 1].is_ascii_alphanumeric()
}

/// The length of the run of bytes matching `ok` from `at`.
fn run_len(s: &str, at: usize, ok: impl Fn(u8) -> bool) -> usize {
    s.as_bytes()[at..].iter().take_while(|&&b| ok(b)).count()
}

/// Whether `s` has `prefix` at the start of a token, followed by at least `min` bytes that
/// match `ok`.
fn has_prefixed_token(s: &str, prefix: &str, min: usize, ok: impl Fn(u8) -> bool) -> bool {
    s.len() >= prefix.len() + min
        && s.match_indices(prefix)
            .any(|(at, _)| starts_token(s, at) && run_len(s, at + prefix.len(), &ok) >= min)
}

/// An AWS access key id: `AKIA` or `ASIA` and 16 uppercase letters or digits.
fn has_aws_key_id(s: &str) -> bool {
    let upper_alnum = |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit();
    s.len() >= 20
        && ["AKIA", "ASIA"].iter().any(|prefix| {
            s.match_indices(prefix).any(|(at, _)| {
                let body = at + prefix.len();
                starts_token(s, at)
                && run_len(s, body, upper_alnum) == 16
                // AWS's documentation example, `AKIAIOSFODNN7EXAMPLE`.
                && !s[body..body + 16].ends_with("EXAMPLE")
            })
        })
}

/// A private key in PEM form.
fn has_private_key(s: &str) -> bool {
    s.match_indices("-----BEGIN ").any(|(at, _)| {
        let rest = &s[at..];
        let line = rest.split('\n').next().unwrap_or(rest);
        line.contains("PRIVATE KEY")
    })
}

/// A URL with a password in its user info: `scheme://user:password@host`, the password not
/// a variable reference or a placeholder.
fn has_url_password(s: &str) -> bool {
    s.match_indices("://").any(|(at, _)| {
        let scheme_ok = at > 0
            && s.as_bytes()[..at]
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
                .count()
                > 0;
        let rest = &s[at + 3..];
        let authority = rest
            .split(|c: char| matches!(c, '/' | '?' | '#' | '"' | '\'') || c.is_whitespace())
            .next()
            .unwrap_or("");
        let Some(at_sign) = authority.rfind('@') else {
            return false;
        };
        let Some((_, password)) = authority[..at_sign].split_once(':') else {
            return false;
        };
        scheme_ok
            && !password.is_empty()
            && !password.starts_with('$')
            && !password.starts_with('<')
            && !password.starts_with('{')
            && !password.starts_with('%')
            && !password.chars().all(|c| matches!(c, '*' | 'x' | 'X' | '.'))
    })
}

/// What a value looks like, when it looks like a credential.
fn credential_kind(value: &str, name: &str) -> Option<&'static str> {
    let alnum = |b: u8| b.is_ascii_alphanumeric();
    let alnum_ = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let alnum_dash = |b: u8| b.is_ascii_alphanumeric() || b == b'-';
    let alnum_dash_ = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    if has_aws_key_id(value) {
        return Some("an AWS access key id");
    }
    if ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
        .iter()
        .any(|p| has_prefixed_token(value, p, 30, alnum))
        || has_prefixed_token(value, "github_pat_", 22, alnum_)
    {
        return Some("a GitHub token");
    }
    if has_prefixed_token(value, "glpat-", 20, alnum_dash_) {
        return Some("a GitLab token");
    }
    if ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-"]
        .iter()
        .any(|p| has_prefixed_token(value, p, 10, alnum_dash))
    {
        return Some("a Slack token");
    }
    if has_prefixed_token(value, "npm_", 36, alnum) {
        return Some("an npm token");
    }
    if ["sk_live_", "rk_live_"]
        .iter()
        .any(|p| has_prefixed_token(value, p, 20, alnum))
    {
        return Some("a Stripe key");
    }
    if has_prefixed_token(value, "AIza", 35, alnum_dash_) {
        return Some("a Google API key");
    }
    if has_private_key(value) {
        return Some("a private key");
    }
    if has_url_password(value) {
        return Some("a URL with a password");
    }
    if value.trim_start().starts_with("data:") {
        return None;
    }
    // In a URL or a path, each segment is judged on its own: a commit hash or a GUID
    // between words is not one random string.
    let url = value.contains("://");
    let random = token_runs(value).into_iter().any(|run| {
        if url || is_path_like(run) {
            run.split('/').any(is_random_looking)
        } else {
            is_random_looking(run)
        }
    });
    (random && !is_checksum_name(name)).then_some("a random key or token")
}

/// Whether a run of token characters reads as a relative path: two or more `/`, and most
/// segments lowercase words (`com/org/repo/66d8a0f6.../public/get-pip`), which base64 text
/// with slashes seldom has.
fn is_path_like(run: &str) -> bool {
    let segments: Vec<&str> = run.split('/').collect();
    let words = segments
        .iter()
        .filter(|s| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_')
        })
        .count();
    segments.len() > 2 && words * 2 > segments.len()
}

/// Whether `s` is a UUID or GUID: hex digits in groups of 8, 4, 4, 4 and 12.
fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The instruction keyword as shown in messages.
fn keyword(kind: SyntaxKind) -> Option<&'static str> {
    match kind {
        SyntaxKind::ARG_INSTR => Some("ARG"),
        SyntaxKind::ENV_INSTR => Some("ENV"),
        SyntaxKind::LABEL_INSTR => Some("LABEL"),
        _ => None,
    }
}

const HELP: &str = "pass it at build time with `RUN --mount=type=secret,id=...` (and \
                    `docker build --secret`), so it is neither in the image nor in its history";

/// Where a pair is.
#[derive(Clone, Copy)]
struct Place<'k> {
    /// `ARG`, `ENV` or `LABEL`.
    keyword: &'k str,
    /// Whether the instruction is an ONBUILD trigger (not run in this build).
    onbuild: bool,
}

/// The value an ENV or LABEL pair gives its variable or label, as the build engine
/// expanded it, when the written value refers to variables and the result is known and
/// not empty.
fn expanded_value(ctx: &RuleContext<'_>, place: Place<'_>, name: &str, at: u32) -> Option<String> {
    if place.onbuild {
        return None;
    }
    let stage = ctx.build.stages.iter().find(|s| s.range.contains(at))?;
    let value = match place.keyword {
        "ENV" => stage.config.env_value(name),
        "LABEL" => stage
            .config
            .labels
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v),
        _ => None,
    };
    // Empty is what an ARG without a default gives, until `--build-arg` sets it.
    value
        .and_then(crate::semantic::expand::Value::known)
        .filter(|v| !v.is_empty())
}

impl SecretInEnv {
    fn check_pair(
        ctx: &RuleContext<'_>,
        place: Place<'_>,
        pair: KeyValue<'_>,
        arg_names: &[String],
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(key) = pair.key() else { return };
        let keyword = place.keyword;
        let escape = ctx.escape();
        let name = key.unquoted(escape);
        let value_word: Option<Word<'_>> = pair.value();
        let value = value_word.map(|w| w.unquoted(escape));
        let destination = if keyword == "ARG" {
            "the image history"
        } else {
            "the image"
        };
        let help = || {
            if keyword == "ENV" {
                format!(
                    "{HELP}; a secret the container needs when it runs belongs in its runtime \
                     environment"
                )
            } else {
                HELP.to_string()
            }
        };
        if let (Some(word), Some(value)) = (value_word, &value)
            && let Some(kind) = credential_kind(value, &name)
        {
            out.push(
                META.diagnostic(
                    word.range(),
                    format!("`{keyword} {name}` puts what looks like {kind} in {destination}"),
                )
                .with_help(help()),
            );
            return;
        }
        let Some(hit) = secret_name(&name) else {
            return;
        };
        // What the pair can hold. A value made from build arguments holds what
        // `--build-arg` gives them, and an ARG what `--build-arg` gives it: only a default
        // of another shape than a secret's clears them (`ENV SIGNING_KEY=$SIGNING_KEY` after
        // `ARG SIGNING_KEY=<fingerprint>`). Other variables hold what the base image already
        // has, so an ENV or LABEL is judged by its own text, and holds nothing when that is
        // a placeholder.
        let from_args = value_word.is_some_and(|word| {
            word.variables()
                .filter_map(|var| var.name())
                .any(|n| arg_names.iter().any(|a| a == n))
        });
        let clears =
            |v: &str| is_not_a_secret(v) || (hit == NameHit::Key && is_fingerprint_list(v));
        let harmless = match &value {
            None => keyword != "ARG",
            Some(v) if keyword == "ARG" => clears(v),
            Some(_) if from_args => expanded_value(ctx, place, &name, key.range().start)
                .is_some_and(|expanded| clears(&expanded)),
            Some(v) => {
                let own = literal_text(v);
                is_placeholder(&own) || clears(&own)
            }
        };
        if harmless {
            return;
        }
        out.push(
            META.diagnostic(
                key.range(),
                format!("`{keyword} {name}` puts a secret in {destination}"),
            )
            .with_help(help()),
        );
    }
}

impl Rule for SecretInEnv {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        // Every build argument the file declares.
        let arg_names: Vec<String> = ctx
            .instructions()
            .filter(|i| i.kind() == SyntaxKind::ARG_INSTR)
            .flat_map(Instruction::key_values)
            .filter_map(|pair| pair.key())
            .map(|key| key.unquoted(ctx.escape()))
            .collect();
        for instruction in ctx.instructions() {
            let trigger = instruction.onbuild_trigger();
            let instruction: Instruction<'_> = trigger.unwrap_or(instruction);
            let Some(keyword) = keyword(instruction.kind()) else {
                continue;
            };
            let place = Place {
                keyword,
                onbuild: trigger.is_some(),
            };
            for pair in instruction.key_values() {
                Self::check_pair(ctx, place, pair, &arg_names, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{SecretInEnv, is_random_looking, is_secret_name, shannon_entropy, words};
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn splits_names_into_words() {
        assert_eq!(words("DB_PASSWORD"), ["db", "password"]);
        assert_eq!(words("apiKey"), ["api", "key"]);
        assert_eq!(words("APIKey"), ["api", "key"]);
        assert_eq!(
            words("com.example.api-key"),
            ["com", "example", "api", "key"]
        );
        assert_eq!(words("myS3Bucket"), ["my", "s3", "bucket"]);
    }

    #[test]
    fn secret_names() {
        for name in [
            "PASSWORD",
            "DB_PASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "dbPassword",
            "DBPASSWORD",
            "POSTGRES_PASSWD",
            "GPG_PASSPHRASE",
            "SECRET",
            "SECRET_KEY_BASE",
            "CLIENT_SECRET",
            "NPM_TOKEN",
            "GITHUB_TOKEN",
            "HF_TOKEN",
            "NODE_AUTH_TOKEN",
            "accessToken",
            "AUTH",
            "BASIC_AUTH",
            "API_KEY",
            "APIKEY",
            "apiKey",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY",
            "PRIVATE_KEY",
            "SSH_PRIVATE_KEY",
            "SSH_KEY",
            "NEW_RELIC_LICENSE_KEY",
            "RAILS_MASTER_KEY",
            "ENCRYPTION_KEY",
            "APP_KEY",
            "GOOGLE_CREDENTIALS",
            "DOCKER_CREDS",
            "DB_PASS",
            "MYSQL_PWD",
            "KEYCLOAK_ADMIN_PASSWORD",
            "com.example.api-key",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn harmless_names() {
        for name in [
            "GPG_KEY",
            "GPG_KEYS",
            "PUBLIC_KEY",
            "SSH_PUBLIC_KEY",
            "KEY_ID",
            "AWS_ACCESS_KEY_ID",
            "SIGNING_KEY_ID",
            "KEYRING",
            "NODE_VERSION",
            "KEYCLOAK_VERSION",
            "TOKEN_VERSION",
            "PASSWORD_FILE",
            "POSTGRES_PASSWORD_FILE",
            "SECRETS_DIR",
            "SECRET_PATH",
            "AUTH_URL",
            "AUTH_TYPE",
            "AUTH_ENABLED",
            "TOKEN_ENDPOINT",
            "JAVA_TOOL_OPTIONS",
            "AUTHOR",
            "AUTHORS",
            "OAUTH_CLIENT_ID",
            "oAuthClientId",
            "OAuthClientId",
            "MONKEY",
            "HOTKEY",
            "KEY",
            "KEYS",
            "TOKENIZERS_PARALLELISM",
            "PWD",
            "OLDPWD",
            "PASS",
            "PASSENGER_VERSION",
            "BYPASS_CACHE",
            "TOKEN_SHA256",
            "SECRET_HASH",
            "org.opencontainers.image.authors",
            "PATH",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn flags_secret_names_on_the_key() {
        for (source, expected) in [
            ("FROM alpine\nARG NPM_TOKEN\n", vec!["NPM_TOKEN"]),
            ("ARG GITHUB_TOKEN\nFROM alpine\n", vec!["GITHUB_TOKEN"]),
            ("FROM alpine\nARG NPM_TOKEN=\n", vec!["NPM_TOKEN"]),
            // A placeholder default is replaced by `--build-arg`.
            (
                "FROM alpine\nARG COMPOSER_AUTH='{}'\n",
                vec!["COMPOSER_AUTH"],
            ),
            (
                "FROM alpine\nARG COMPOSER_AUTH='{}'\nENV COMPOSER_AUTH=${COMPOSER_AUTH}\n",
                vec!["COMPOSER_AUTH", "COMPOSER_AUTH"],
            ),
            (
                "FROM alpine\nENV DB_PASSWORD=hunter2\n",
                vec!["DB_PASSWORD"],
            ),
            (
                "FROM alpine\nENV DB_PASSWORD hunter2\n",
                vec!["DB_PASSWORD"],
            ),
            (
                "FROM alpine\nENV A=1 API_KEY=\"abc\" B=2\n",
                vec!["API_KEY"],
            ),
            // Copying a build argument into the image env is the classic leak.
            (
                "FROM alpine\nARG NPM_TOKEN\nENV NPM_TOKEN=$NPM_TOKEN\n",
                vec!["NPM_TOKEN", "NPM_TOKEN"],
            ),
            ("FROM alpine\nONBUILD ENV SECRET=abc\n", vec!["SECRET"]),
            (
                "FROM alpine\nENV ADMIN_PASSWORD=\"${ADMIN_PASSWORD:-welcome1}\"\n",
                vec!["ADMIN_PASSWORD"],
            ),
            (
                "ARG DB_PASSWORD\nFROM alpine\nENV DB_PASSWORD=\"${DB_PASSWORD:-}\"\n",
                vec!["DB_PASSWORD", "DB_PASSWORD"],
            ),
            ("FROM alpine\nLABEL api_key=abc\n", vec!["api_key"]),
            (
                "FROM alpine\nenv db_password=hunter2\n",
                vec!["db_password"],
            ),
        ] {
            let diagnostics = check(&SecretInEnv, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn messages() {
        let d = check(&SecretInEnv, "FROM alpine\nENV DB_PASSWORD=hunter2\n");
        assert_eq!(d[0].message, "`ENV DB_PASSWORD` puts a secret in the image");
        let help = d[0].help.as_deref().unwrap();
        assert!(help.starts_with(
            "pass it at build time with `RUN --mount=type=secret,id=...` (and `docker build \
             --secret`), so it is neither in the image nor in its history"
        ));
        assert!(d[0].fix.is_none());
        let d = check(&SecretInEnv, "FROM alpine\nARG NPM_TOKEN\n");
        assert_eq!(
            d[0].message,
            "`ARG NPM_TOKEN` puts a secret in the image history"
        );
        let d = check(
            &SecretInEnv,
            "FROM alpine\nLABEL x=ghp_0123456789abcdefghijABCDEFGHIJ012345\n",
        );
        assert_eq!(
            d[0].message,
            "`LABEL x` puts what looks like a GitHub token in the image"
        );
    }

    #[test]
    fn accepts_harmless_pairs() {
        for source in [
            "FROM alpine\nENV GPG_KEYS=B42F6819007F00F88E364FD4036A9C25BF357DD4 \
             C4F0DFFF4E8C1A8236409D08E73BC641CC11F4C8\n",
            "FROM alpine\nENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D\n",
            "FROM alpine\nENV NODE_VERSION=22.11.0\n",
            "FROM alpine\nENV KEYCLOAK_VERSION=26.0.5\n",
            "FROM alpine\nENV POSTGRES_PASSWORD_FILE=/run/secrets/db\n",
            "FROM alpine\nENV JAVA_TOOL_OPTIONS=\"-XX:+UseContainerSupport -Xmx512m\"\n",
            "FROM alpine\nENV TOKENIZERS_PARALLELISM=false\n",
            "FROM alpine\nLABEL org.opencontainers.image.authors=\"AUTHOR <a@b.c>\"\n",
            "FROM alpine\nENV MONKEY=banana\n",
            // Placeholders, file names, variables that hold nothing new.
            "FROM alpine\nENV MTP_SECRET 00000000000000000000000000000000\n",
            "FROM alpine\nENV TOKEN=00000000-0000-0000-0000-000000000000\n",
            "FROM alpine\nENV PASSWORD XXXXXXXXXXXXXXXX\n",
            "FROM alpine\nENV RESET_OS_PASSWORD=\"resetOSPassword.sh\"\n",
            "FROM alpine\nENV ADMIN_PASS=\"${ADMIN_PASS:-}\"\n",
            "FROM alpine\nENV DB_PASSWORD=${DB_PASSWORD}\n",
            // OpenPGP fingerprints are public, also through an ARG.
            "FROM alpine\nARG SWIFT_SIGNING_KEY=A62AE125BBBFBB96A6E042EC925CC1CCED3D1561\n\
             ENV SWIFT_SIGNING_KEY=$SWIFT_SIGNING_KEY\n",
            "FROM alpine\nENV RELEASE_SIGNING_KEYS=\"0x1234567890ABCDEF 0xFEDCBA0987654321\"\n",
            "FROM alpine\nENV PWD=/app\n",
            // Empty, switch or path values of an ENV hold no secret.
            "FROM alpine\nENV DB_PASSWORD=\n",
            "FROM alpine\nENV DB_PASSWORD=\"\"\n",
            "FROM alpine\nENV SKIP_AUTH=true\n",
            "FROM alpine\nENV GOOGLE_APPLICATION_CREDENTIALS=/secrets/gcp.json\n",
            "FROM alpine\nARG SSH_KEY=/root/.ssh/id_rsa\n",
            "# escape=`\nFROM alpine\nENV sa_password=C:\\ProgramData\\Docker\\secrets\\sa\n",
            // Checksums.
            "FROM alpine\nENV NODE_SHA256=\
             a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90\n",
            "FROM alpine\nENV YARN_INTEGRITY=sha512-Vq0YkGr0W9pHtV5zq3eF4PqR2mL8sT7uXyZbC1dE6gH9jK\n",
            "FROM alpine\nARG COMMIT=4f2a1c9e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39\n",
            // Paths, URLs without passwords, versions.
            "FROM alpine\nENV PATH=/usr/local/lib/python3.12/site-packages/bin:$PATH\n",
            "FROM alpine\nENV URL=https://github.com/org/repo/releases/download/v1.2.3/app-linux-amd64.tar.gz\n",
            "FROM alpine\nENV PYTHON_GET_PIP_URL=https://github.com/pypa/get-pip/raw/\
             049c52c665e8c5fd1751f942316e0a5c777d304f/public/get-pip.py\n",
            "FROM alpine\nENV download_url=https://download.microsoft.com/download/6/E/4/\
             6E406E38-0A01-4DD1-B85E-6CA7CF79C8F7/EN/x64/DacFramework.msi\n",
            "FROM alpine\nENV ID=6E406E38-0A01-4DD1-B85E-6CA7CF79C8F7\n",
            "FROM alpine\nENV DB_URL=postgres://app:$DB_PASSWORD@db:5432/app\n",
            "FROM alpine\nENV DB_URL=postgres://app@db:5432/app\n",
            "FROM alpine\nENV PROXY=http://user:@proxy:3128\n",
            "FROM alpine\nENV A=AKIAIOSFODNN7EXAMPLE\n",
            "FROM alpine\nENV VALUE=${SOME_VERY_LONG_VARIABLE_NAME_WITH_99_DIGITS}\n",
        ] {
            let d = check(&SecretInEnv, source);
            assert!(
                d.is_empty(),
                "{source}: {:?}",
                d.iter().map(|d| &d.message).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn flags_credential_values_on_the_value() {
        for (value, kind) in [
            ("AKIAZ7VRSQ5TJN2XMY3B", "an AWS access key id"),
            ("ASIAZ7VRSQ5TJN2XMY3B", "an AWS access key id"),
            ("ghp_0123456789abcdefghijABCDEFGHIJ012345", "a GitHub token"),
            ("gho_0123456789abcdefghijABCDEFGHIJ012345", "a GitHub token"),
            ("ghs_0123456789abcdefghijABCDEFGHIJ012345", "a GitHub token"),
            (
                "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
                "a GitHub token",
            ),
            ("glpat-aB3dE5fG7hJ9kL1mN3pQ", "a GitLab token"),
            ("xoxb-123456789012-1234567890123-AbCdEf", "a Slack token"),
            ("xoxp-123456789012-abcdef", "a Slack token"),
            ("npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", "an npm token"),
            ("sk_live_AbCdEfGhIjKlMnOpQrSt0123", "a Stripe key"),
            (
                "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
                "a Google API key",
            ),
            (
                "\"-----BEGIN RSA PRIVATE KEY-----\\nMIIEow...\"",
                "a private key",
            ),
            ("\"-----BEGIN OPENSSH PRIVATE KEY-----\"", "a private key"),
            ("postgres://app:s3cr3t@db:5432/app", "a URL with a password"),
            (
                "https://deploy:hunter2@git.example.com/repo.git",
                "a URL with a password",
            ),
            (
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCY1234567890",
                "a random key or token",
            ),
            (
                "\"--token=Zx9Qw3Er7Ty1Ui5Op2As6Df8Gh4Jk0Lm\"",
                "a random key or token",
            ),
        ] {
            let source = format!("FROM alpine\nENV SOME_SETTING={value}\n");
            let d = check(&SecretInEnv, &source);
            assert_eq!(flagged(&source, &d), [value], "{source}");
            assert_eq!(
                d[0].message,
                format!("`ENV SOME_SETTING` puts what looks like {kind} in the image"),
                "{source}"
            );
        }
        // A secret name and a secret value: one diagnostic, on the value.
        let source = "FROM alpine\nARG GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345\n";
        let d = check(&SecretInEnv, source);
        assert_eq!(
            flagged(source, &d),
            ["ghp_0123456789abcdefghijABCDEFGHIJ012345"]
        );
        // A name about a secret with a secret in its value.
        let source = "FROM alpine\nENV TOKEN_FILE=ghp_0123456789abcdefghijABCDEFGHIJ012345\n";
        assert_eq!(check(&SecretInEnv, source).len(), 1);
        // LABEL values.
        let source = "FROM alpine\nLABEL registry=\"https://ci:Pa55word@registry.example.com\"\n";
        assert_eq!(
            flagged(source, &check(&SecretInEnv, source)),
            ["\"https://ci:Pa55word@registry.example.com\""]
        );
    }

    #[test]
    fn entropy() {
        assert!(shannon_entropy("aaaa") < 0.001);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
        assert!((shannon_entropy("0123456789abcdef") - 4.0).abs() < 1e-9);
        // 24 characters, 21 of them distinct: about 4.3 bits.
        assert!(is_random_looking("aB3dE5fG7hJ9kL1mN3pQ5rS7"));
        // 23 characters is too short.
        assert!(!is_random_looking("aB3dE5fG7hJ9kL1mN3pQ5rS"));
        // Hex tops out at 4 bits per character.
        assert!(!is_random_looking(
            "0123456789abcdef0123456789abcdef0123456789abcdef"
        ));
        // Distinct letters without a digit, digits without a letter.
        assert!(!is_random_looking("abcdefghijklmnopqrstuvwxyzABCD"));
        assert!(!is_random_looking("012345678901234567890123456789"));
        // Low entropy despite the length.
        assert!(!is_random_looking("aaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"));
        // Paths and integrity strings.
        assert!(!is_random_looking("/usr/lib/x86_64-linux-gnu/libQt5Core"));
        assert!(!is_random_looking(
            "lib/x86_64-linux-gnu/qt5/plugins/platforms"
        ));
        assert!(!is_random_looking("linuxamd64_12102_database_se2_1of2"));
        assert!(!is_random_looking("PSDocker-DotnetSDK-NanoServer-ltsc2025"));
        // Base64 with slashes is not a path.
        assert!(is_random_looking(
            "eyJrIjoiNUwyZU7TMmRxQXNV/HANA/XB0ME4zYkhRaTk2STVhR0MiLCJuIjoxfQ=="
        ));
        assert!(!is_random_looking("sha512-aB3dE5fG7hJ9kL1mN3pQ5rS7tU"));
    }
}

//! DFL5063 `label-value-invalid`: a label the schema describes is empty or does not hold the
//! kind of value its schema says.
//!
//! Also holds what the label-schema rules share: the LABEL pairs of a file with their
//! evaluated values.

use crate::Diagnostic;
use crate::config::RequiredLabel;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::syntax::{SyntaxKind, TextRange};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL5063",
    name: "label-value-invalid",
    category: RuleCategory::Maintainability,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &[
        "DL3051", "DL3052", "DL3053", "DL3054", "DL3055", "DL3056", "DL3058", "DF074",
    ],
    summary: "A label of the configured schema is empty or its value does not fit its schema.",
    docs: r#"## What it does
Checks the value of every `LABEL` whose key is one of the configured `required-labels`
(after resolving ARG and ENV values through the build; a value that depends on a build
argument without a default, which `--build-arg` gives, is not checked). It is silent until labels are configured.

A value is flagged when it is empty, whatever its schema, or when it does not fit it:

| schema | the value must be | hadolint |
|---|---|---|
| `text` (or none) | not empty | `DL3051` |
| `url` | an absolute URI: a scheme, `:`, and no spaces (`https://example.com/repo`) | `DL3052` |
| `rfc3339` | an RFC 3339 date and time (`2024-05-01T12:00:00Z`, `2024-05-01T12:00:00.5+02:00`) | `DL3053` |
| `spdx` | an SPDX license expression (`MIT`, `Apache-2.0 OR MIT`, `GPL-2.0-or-later WITH Classpath-exception-2.0`, `LicenseRef-x`) | `DL3054` |
| `hash` | a git commit id: 7 to 40 lowercase hex digits, or 64 | `DL3055` |
| `semver` | a Semantic Versioning 2.0 version (`1.2.3`, `1.2.3-rc.1+build.5`) | `DL3056` |
| `email` | an e-mail address (`team@example.com`, without a display name) | `DL3058` |

Differences from hadolint: values written with variables are resolved (hadolint reports
`${URL}` as an invalid URL); `spdx` accepts license expressions, `LicenseRef-` ids and ids in
any case, as the SPDX specification does (hadolint accepts a single id only); `hash` accepts
abbreviated commit ids of 8 to 39 digits and SHA-256 ids; `semver` rejects numbers with
leading zeros (`01.0.0`), which SemVer forbids. One rule covers hadolint's seven checks, so
ignoring any of their codes ignores them all.

## Why is this bad?
Labels that tools read (`org.opencontainers.image.source` for registries, `.created` and
`.revision` for provenance, `.licenses` for compliance scans) are only useful when their
values can be parsed: an empty value, `latest` as a version or `see LICENSE` as a license
breaks the tools that rely on them.

## Example
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.version="v1.2" \
      org.opencontainers.image.licenses="Apache 2"
```

## Use instead
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.version="1.2.0" \
      org.opencontainers.image.licenses="Apache-2.0"
```

## Options
```toml
required-labels = [
  { name = "org.opencontainers.image.version", schema = "semver" },
  { name = "org.opencontainers.image.licenses", schema = "spdx" },
]
```

## References
- OCI image spec: pre-defined annotation keys.
- SPDX specification: license expressions; Semantic Versioning 2.0.0; RFC 3339; RFC 5322.
- hadolint `DL3051`, `DL3052`, `DL3053`, `DL3054`, `DL3055`, `DL3056`, `DL3058`.
"#,
    fix_changes: &[],
};

/// DFL5063
pub struct LabelValueInvalid;

/// One `key=value` pair of a LABEL instruction, with its value resolved.
pub(crate) struct LabelPair {
    /// The key, quotes removed.
    pub key: String,
    pub key_range: TextRange,
    /// The value as the build sets it; `None` when it depends on unknown values.
    pub value: Option<String>,
    /// The value word, or the key when there is none.
    pub value_range: TextRange,
}

/// The pairs of the file's LABEL instructions (not those inside ONBUILD), in order. A value
/// with variables is read from the evaluated labels of its stage.
pub(crate) fn label_pairs(ctx: &RuleContext<'_>) -> Vec<LabelPair> {
    // Build arguments declared without a default are meant to be given with `--build-arg`:
    // a value using one is not known, although it evaluates to empty without it.
    let bare_args: Vec<String> = ctx
        .instructions()
        .filter(|i| i.kind() == SyntaxKind::ARG_INSTR)
        .flat_map(crate::ast::Instruction::key_values)
        .filter(|pair| !pair.has_equals())
        .filter_map(|pair| pair.key())
        .map(|key| key.unquoted(ctx.escape()))
        .collect();
    let uses_bare_arg = |word: crate::ast::Word<'_>| {
        word.variables()
            .any(|v| v.name().is_some_and(|n| bare_args.iter().any(|a| a == n)))
    };
    let mut out = Vec::new();
    for instruction in ctx.instructions() {
        if instruction.kind() != SyntaxKind::LABEL_INSTR {
            continue;
        }
        for pair in instruction.key_values() {
            let Some(key_word) = pair.key() else { continue };
            let key = key_word.unquoted(ctx.escape());
            let (value, value_range) = match pair.value() {
                Some(word) if uses_bare_arg(word) || uses_bare_arg(key_word) => {
                    (None, word.range())
                }
                Some(word) if word.has_variables() || key_word.has_variables() => {
                    let at = instruction.range().start;
                    let value = ctx
                        .build
                        .stages
                        .iter()
                        .find(|s| s.range.contains(at))
                        .and_then(|s| s.config.labels.iter().rev().find(|(k, _)| *k == key))
                        .and_then(|(_, v)| v.known());
                    (value, word.range())
                }
                Some(word) => (Some(word.unquoted(ctx.escape())), word.range()),
                None => (Some(String::new()), key_word.range()),
            };
            out.push(LabelPair {
                key,
                key_range: key_word.range(),
                value,
                value_range,
            });
        }
    }
    out
}

/// Why `value` does not fit `schema`, if it does not.
fn problem(schema: &str, value: &str) -> Option<&'static str> {
    if value.is_empty() {
        return Some("is empty");
    }
    let fits = match schema {
        "url" => is_url(value),
        "rfc3339" => is_rfc3339(value),
        "spdx" => is_spdx_expression(value),
        "hash" => is_git_hash(value),
        "semver" => is_semver(value),
        "email" => is_email(value),
        _ => true,
    };
    if fits {
        return None;
    }
    Some(match schema {
        "url" => "is not an absolute URL",
        "rfc3339" => "is not an RFC 3339 date and time",
        "spdx" => "is not an SPDX license expression",
        "hash" => "is not a git commit id",
        "semver" => "is not a semantic version",
        _ => "is not an e-mail address",
    })
}

fn is_url(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c))
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.chars().all(|c| c.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn is_rfc3339(value: &str) -> bool {
    let Some((date, time)) = value.split_once(['T', 't', ' ']) else {
        return false;
    };
    let mut date = date.split('-');
    let (Some(_), Some(month), Some(day), None) = (
        date.next().and_then(|y| digits(y, 4)),
        date.next().and_then(|m| digits(m, 2)),
        date.next().and_then(|d| digits(d, 2)),
        date.next(),
    ) else {
        return false;
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return false;
    }
    let (clock, offset) = if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        (clock, None)
    } else {
        match time.rfind(['+', '-']) {
            Some(i) => (&time[..i], Some(&time[i + 1..])),
            None => return false,
        }
    };
    if let Some(offset) = offset {
        let Some((h, m)) = offset.split_once(':') else {
            return false;
        };
        if digits(h, 2).is_none_or(|h| h >= 24) || digits(m, 2).is_none_or(|m| m >= 60) {
            return false;
        }
    }
    let (clock, fraction) = clock.split_once('.').unwrap_or((clock, "0"));
    if fraction.is_empty() || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let mut parts = clock.split(':');
    matches!(
        (
            parts.next().and_then(|h| digits(h, 2)),
            parts.next().and_then(|m| digits(m, 2)),
            parts.next().and_then(|s| digits(s, 2)),
            parts.next(),
        ),
        (Some(h), Some(m), Some(s), None) if h < 24 && m < 60 && s <= 60
    )
}

fn is_git_hash(value: &str) -> bool {
    ((7..=40).contains(&value.len()) || value.len() == 64)
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

/// A SemVer 2.0.0 numeric identifier: digits without a leading zero.
fn is_number(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
}

fn are_identifiers(s: &str, numeric_rule: bool) -> bool {
    s.split('.').all(|id| {
        !id.is_empty()
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && (!numeric_rule || !id.chars().all(|c| c.is_ascii_digit()) || is_number(id))
    })
}

fn is_semver(value: &str) -> bool {
    let (rest, build) = match value.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (value, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    numbers.len() == 3
        && numbers.iter().all(|n| is_number(n))
        && pre.is_none_or(|p| are_identifiers(p, true))
        && build.is_none_or(|b| are_identifiers(b, false))
}

fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return false;
    };
    let atom = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c))
    };
    local.split('.').all(atom)
        && domain.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// Whether `id` is on the SPDX license list (`+` allowed after it) or a `LicenseRef-` /
/// `DocumentRef-...:LicenseRef-` id; case-insensitive.
fn is_license(id: &str) -> bool {
    let id = id.strip_suffix('+').unwrap_or(id);
    let reference = |s: &str| {
        s.len() > "LicenseRef-".len()
            && s[.."LicenseRef-".len()].eq_ignore_ascii_case("LicenseRef-")
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'))
    };
    if let Some((document, license)) = id.split_once(':') {
        return document.len() > "DocumentRef-".len()
            && document[.."DocumentRef-".len()].eq_ignore_ascii_case("DocumentRef-")
            && reference(license);
    }
    reference(id)
        || SPDX_LICENSES
            .split_whitespace()
            .any(|l| l.eq_ignore_ascii_case(id))
}

fn is_exception(id: &str) -> bool {
    SPDX_EXCEPTIONS
        .split_whitespace()
        .any(|e| e.eq_ignore_ascii_case(id))
}

/// Whether `value` is an SPDX license expression: licenses joined with `AND` and `OR`,
/// `WITH` an exception, in parentheses.
fn is_spdx_expression(value: &str) -> bool {
    let spaced = value.replace('(', " ( ").replace(')', " ) ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut i = 0;
    parse_or(&tokens, &mut i, 0) && i == tokens.len()
}

fn parse_or(tokens: &[&str], i: &mut usize, depth: usize) -> bool {
    if !parse_term(tokens, i, depth) {
        return false;
    }
    while tokens
        .get(*i)
        .is_some_and(|t| t.eq_ignore_ascii_case("AND") || t.eq_ignore_ascii_case("OR"))
    {
        *i += 1;
        if !parse_term(tokens, i, depth) {
            return false;
        }
    }
    true
}

fn parse_term(tokens: &[&str], i: &mut usize, depth: usize) -> bool {
    let Some(token) = tokens.get(*i) else {
        return false;
    };
    if *token == "(" {
        *i += 1;
        if depth > 16 || !parse_or(tokens, i, depth + 1) || tokens.get(*i) != Some(&")") {
            return false;
        }
        *i += 1;
        return true;
    }
    if !is_license(token) {
        return false;
    }
    *i += 1;
    if tokens
        .get(*i)
        .is_some_and(|t| t.eq_ignore_ascii_case("WITH"))
    {
        *i += 1;
        if !tokens.get(*i).is_some_and(|t| is_exception(t)) {
            return false;
        }
        *i += 1;
    }
    true
}

/// The schema configured for `key`, if the key is a required label.
pub(crate) fn schema_of<'o>(labels: &'o [RequiredLabel], key: &str) -> Option<&'o str> {
    labels
        .iter()
        .find(|l| l.name == key)
        .map(|l| l.schema.as_deref().unwrap_or("text"))
}

impl Rule for LabelValueInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let labels = &ctx.options.required_labels;
        if labels.is_empty() {
            return;
        }
        for pair in label_pairs(ctx) {
            let Some(schema) = schema_of(labels, &pair.key) else {
                continue;
            };
            let Some(value) = &pair.value else { continue };
            let Some(why) = problem(schema, value) else {
                continue;
            };
            let message = if value.is_empty() {
                format!("the label `{}` {why}", pair.key)
            } else {
                format!("the label `{}` {why}: `{value}`", pair.key)
            };
            out.push(
                META.diagnostic(pair.value_range, message)
                    .with_help(format!(
                        "the configured schema of `{}` is `{schema}`: give it a value of that \
                         kind, which the tools reading the label can parse",
                        pair.key
                    )),
            );
        }
    }
}

/// The SPDX license list 3.29 ids (deprecated ones included), separated by spaces.
const SPDX_LICENSES: &str = "\
0BSD 3D-Slicer-1.0 AAL ADSL AFL-1.1 AFL-1.2 AFL-2.0 AFL-2.1 AFL-3.0 AGPL-1.0 AGPL-1.0-only \
AGPL-1.0-or-later AGPL-3.0 AGPL-3.0-only AGPL-3.0-or-later ALGLIB-Documentation AMD-newlib \
AMDPLPA AML AML-glslang AMPAS ANTLR-PD ANTLR-PD-fallback APAFML APL-1.0 APSL-1.0 APSL-1.1 \
APSL-1.2 APSL-2.0 ASWF-Digital-Assets-1.0 ASWF-Digital-Assets-1.1 Abstyles AdaCore-doc \
Adobe-2006 Adobe-Display-PostScript Adobe-Glyph Adobe-Utopia Advanced-Cryptics-Dictionary \
Afmparse Aladdin Apache-1.0 Apache-1.1 Apache-2.0 App-s2p Arphic-1999 Artistic-1.0 \
Artistic-1.0-Perl Artistic-1.0-cl8 Artistic-2.0 Artistic-dist Aspell-RU BOLA-1.1 \
BSD-1-Clause BSD-2-Clause BSD-2-Clause-Darwin BSD-2-Clause-FreeBSD BSD-2-Clause-NetBSD \
BSD-2-Clause-Patent BSD-2-Clause-Views BSD-2-Clause-first-lines \
BSD-2-Clause-pkgconf-disclaimer BSD-2-Clause-pos-unchanged BSD-3-Clause \
BSD-3-Clause-Attribution BSD-3-Clause-Clear BSD-3-Clause-HP BSD-3-Clause-LBNL \
BSD-3-Clause-Modification BSD-3-Clause-No-Military-License BSD-3-Clause-No-Nuclear-License \
BSD-3-Clause-No-Nuclear-License-2014 BSD-3-Clause-No-Nuclear-Warranty \
BSD-3-Clause-Open-MPI BSD-3-Clause-OpenWebUI BSD-3-Clause-Sun BSD-3-Clause-Tso \
BSD-3-Clause-acpica BSD-3-Clause-flex BSD-4-Clause BSD-4-Clause-Shortened BSD-4-Clause-UC \
BSD-4.3RENO BSD-4.3TAHOE BSD-Advertising-Acknowledgement BSD-Attribution-HPND-disclaimer \
BSD-Inferno-Nettverk BSD-Mark-Modifications BSD-Protection BSD-Source-Code \
BSD-Source-Code-no-disclaimer BSD-Source-alt-GPL BSD-Source-beginning-file BSD-Systemics \
BSD-Systemics-W3Works BSD-ask-to-endorse BSL-1.0 BUSL-1.1 Baekmuk Bahyph Barr Beerware \
BitTorrent-1.0 BitTorrent-1.1 Bitstream-Charter Bitstream-Vera BlueOak-1.0.0 Boehm-GC \
Boehm-GC-without-fee Borceux Brian-Gladman-2-Clause Brian-Gladman-3-Clause \
Brian-Gladman-3-Clause-no-conversion Buddy Bugroff C-UDA-1.0 CAL-1.0 \
CAL-1.0-Combined-Work-Exception CAPEC-tou CATOSL-1.1 CC-BY-1.0 CC-BY-2.0 CC-BY-2.5 \
CC-BY-2.5-AU CC-BY-3.0 CC-BY-3.0-AT CC-BY-3.0-AU CC-BY-3.0-DE CC-BY-3.0-IGO CC-BY-3.0-NL \
CC-BY-3.0-US CC-BY-4.0 CC-BY-NC-1.0 CC-BY-NC-2.0 CC-BY-NC-2.5 CC-BY-NC-3.0 CC-BY-NC-3.0-DE \
CC-BY-NC-3.0-IGO CC-BY-NC-4.0 CC-BY-NC-ND-1.0 CC-BY-NC-ND-2.0 CC-BY-NC-ND-2.5 \
CC-BY-NC-ND-3.0 CC-BY-NC-ND-3.0-DE CC-BY-NC-ND-3.0-IGO CC-BY-NC-ND-4.0 CC-BY-NC-SA-1.0 \
CC-BY-NC-SA-2.0 CC-BY-NC-SA-2.0-DE CC-BY-NC-SA-2.0-FR CC-BY-NC-SA-2.0-UK CC-BY-NC-SA-2.5 \
CC-BY-NC-SA-3.0 CC-BY-NC-SA-3.0-DE CC-BY-NC-SA-3.0-IGO CC-BY-NC-SA-4.0 CC-BY-ND-1.0 \
CC-BY-ND-2.0 CC-BY-ND-2.5 CC-BY-ND-3.0 CC-BY-ND-3.0-DE CC-BY-ND-4.0 CC-BY-SA-1.0 \
CC-BY-SA-2.0 CC-BY-SA-2.0-UK CC-BY-SA-2.1-JP CC-BY-SA-2.5 CC-BY-SA-3.0 CC-BY-SA-3.0-AT \
CC-BY-SA-3.0-DE CC-BY-SA-3.0-IGO CC-BY-SA-4.0 CC-PDDC CC-PDM-1.0 CC-SA-1.0 CC0-1.0 \
CDDL-1.0 CDDL-1.1 CDL-1.0 CDLA-Permissive-1.0 CDLA-Permissive-2.0 CDLA-Sharing-1.0 \
CECILL-1.0 CECILL-1.1 CECILL-2.0 CECILL-2.1 CECILL-B CECILL-C CERN-OHL-1.1 CERN-OHL-1.2 \
CERN-OHL-P-2.0 CERN-OHL-S-2.0 CERN-OHL-W-2.0 CFITSIO CMU-Mach CMU-Mach-nodoc CNRI-Jython \
CNRI-Python CNRI-Python-GPL-Compatible COIL-1.0 CPAL-1.0 CPL-1.0 CPOL-1.02 CUA-OPL-1.0 \
Caldera Caldera-no-preamble Catharon ClArtistic Clips Community-Spec-1.0 Condor-1.1 \
Cornell-Lossless-JPEG Cronyx Crossword CryptoSwift CrystalStacker Cube D-FSL-1.0 \
DEC-3-Clause DL-DE-BY-2.0 DL-DE-ZERO-2.0 DOC DRL-1.0 DRL-1.1 DSDP DocBook-DTD \
DocBook-Schema DocBook-Stylesheet DocBook-XML Dotseqn ECL-1.0 ECL-2.0 EFL-1.0 EFL-2.0 \
EPICS EPL-1.0 EPL-2.0 ESA-PL-permissive-2.4 ESA-PL-strong-copyleft-2.4 \
ESA-PL-weak-copyleft-2.4 EUDatagrid EUPL-1.0 EUPL-1.1 EUPL-1.2 Elastic-2.0 Entessa \
ErlPL-1.1 Eurosym FBM FDK-AAC FDK-MPEG-H FSFAP FSFAP-no-warranty-disclaimer FSFUL FSFULLR \
FSFULLRSD FSFULLRWD FSL-1.1-ALv2 FSL-1.1-MIT FTL Fair Ferguson-Twofish Frameworx-1.0 \
FreeBSD-DOC FreeImage Furuseth GCR-docs GD GFDL-1.1 GFDL-1.1-invariants-only \
GFDL-1.1-invariants-or-later GFDL-1.1-no-invariants-only GFDL-1.1-no-invariants-or-later \
GFDL-1.1-only GFDL-1.1-or-later GFDL-1.2 GFDL-1.2-invariants-only \
GFDL-1.2-invariants-or-later GFDL-1.2-no-invariants-only GFDL-1.2-no-invariants-or-later \
GFDL-1.2-only GFDL-1.2-or-later GFDL-1.3 GFDL-1.3-invariants-only \
GFDL-1.3-invariants-or-later GFDL-1.3-no-invariants-only GFDL-1.3-no-invariants-or-later \
GFDL-1.3-only GFDL-1.3-or-later GL2PS GLWTPL GPL-1.0 GPL-1.0+ GPL-1.0-only \
GPL-1.0-or-later GPL-2.0 GPL-2.0+ GPL-2.0-only GPL-2.0-or-later GPL-2.0-with-GCC-exception \
GPL-2.0-with-autoconf-exception GPL-2.0-with-bison-exception \
GPL-2.0-with-classpath-exception GPL-2.0-with-font-exception GPL-3.0 GPL-3.0+ GPL-3.0-only \
GPL-3.0-or-later GPL-3.0-with-GCC-exception GPL-3.0-with-autoconf-exception \
Game-Programming-Gems Giftware Glide Glulxe Graphics-Gems Gutmann HDF5 HIDAPI HP-1986 \
HP-1989 HPND HPND-DEC HPND-Fenneberg-Livingston HPND-INRIA-IMAG HPND-Intel \
HPND-Kevlin-Henney HPND-MIT-disclaimer HPND-Markus-Kuhn HPND-Netrek HPND-Pbmplus HPND-SMC \
HPND-UC HPND-UC-export-US HPND-doc HPND-doc-sell HPND-export-US \
HPND-export-US-acknowledgement HPND-export-US-modify HPND-export2-US \
HPND-merchantability-variant HPND-sell-MIT-disclaimer-xserver HPND-sell-regexpr \
HPND-sell-variant HPND-sell-variant-MIT-disclaimer HPND-sell-variant-MIT-disclaimer-rev \
HPND-sell-variant-critical-systems HTMLTIDY HaskellReport Hippocratic-2.1 \
Hippocratic-3.0-core IBM-pibs ICU IEC-Code-Components-EULA IJG IJG-short IPA IPL-1.0 ISC \
ISC-Veillard ISO-permission ImageMagick Imlib2 Info-ZIP Informatica Inner-Net-2.0 \
InnoSetup Intel Intel-ACPI Interbase-1.0 JPL-image JPNIC JSON Jam JasPer-2.0 Kastrup \
Kazlib Knuth-CTAN LAL-1.2 LAL-1.3 LGPL-2.0 LGPL-2.0+ LGPL-2.0-only LGPL-2.0-or-later \
LGPL-2.1 LGPL-2.1+ LGPL-2.1-only LGPL-2.1-or-later LGPL-3.0 LGPL-3.0+ LGPL-3.0-only \
LGPL-3.0-or-later LGPLLR LOOP LPD-document LPL-1.0 LPL-1.02 LPPL-1.0 LPPL-1.1 LPPL-1.2 \
LPPL-1.3a LPPL-1.3c LZMA-SDK-9.11-to-9.20 LZMA-SDK-9.22 Latex2e Latex2e-translated-notice \
Leptonica LiLiQ-P-1.1 LiLiQ-R-1.1 LiLiQ-Rplus-1.1 Libpng Linux-OpenIB \
Linux-man-pages-1-para Linux-man-pages-copyleft Linux-man-pages-copyleft-2-para \
Linux-man-pages-copyleft-var Lucida-Bitmap-Fonts MIPS MIT MIT-0 MIT-CMU MIT-Click \
MIT-Festival MIT-Khronos-old MIT-Modern-Variant MIT-STK MIT-Wu MIT-advertising MIT-enna \
MIT-feh MIT-open-group MIT-testregex MITNFA MMIXware MMPL-1.0.1 MPEG-SSG MPL-1.0 MPL-1.1 \
MPL-2.0 MPL-2.0-no-copyleft-exception MS-LPL MS-PL MS-RL MTLL MVT-1.1 Mackerras-3-Clause \
Mackerras-3-Clause-acknowledgment MakeIndex Martin-Birgmeier McPhee-slideshow Minpack \
MirOS Motosoto MulanPSL-1.0 MulanPSL-2.0 Multics Mup NAIST-2003 NASA-1.3 NBPL-1.0 NCBI-PD \
NCGL-UK-2.0 NCL NCSA NGPL NICTA-1.0 NIST-PD NIST-PD-TNT NIST-PD-fallback NIST-Software \
NLOD-1.0 NLOD-2.0 NLPL NOSL NPL-1.0 NPL-1.1 NPOSL-3.0 NRL NTIA-PD NTP NTP-0 Naumen \
Net-SNMP NetCDF Newsletr Nokia Noweb Nunit O-UDA-1.0 OAR OCCT-PL OCLC-2.0 ODC-By-1.0 \
ODbL-1.0 OFFIS OFL-1.0 OFL-1.0-RFN OFL-1.0-no-RFN OFL-1.1 OFL-1.1-RFN OFL-1.1-no-RFN \
OGC-1.0 OGDL-Taiwan-1.0 OGL-Canada-2.0 OGL-UK-1.0 OGL-UK-2.0 OGL-UK-3.0 OGTSL OLDAP-1.1 \
OLDAP-1.2 OLDAP-1.3 OLDAP-1.4 OLDAP-2.0 OLDAP-2.0.1 OLDAP-2.1 OLDAP-2.2 OLDAP-2.2.1 \
OLDAP-2.2.2 OLDAP-2.3 OLDAP-2.4 OLDAP-2.5 OLDAP-2.6 OLDAP-2.7 OLDAP-2.8 OLFL-1.3 OML \
OPL-1.0 OPL-UK-3.0 OPUBL-1.0 OSC-1.0 OSET-PL-2.1 OSL-1.0 OSL-1.1 OSL-2.0 OSL-2.1 OSL-3.0 \
OSSP OpenMDW-1.0 OpenPBS-2.3 OpenSSL OpenSSL-standalone OpenVision PADL PDDL-1.0 PHP-3.0 \
PHP-3.01 PPL PSF-2.0 ParaType-Free-Font-1.3 Parity-6.0.0 Parity-7.0.0 Pixar Plexus \
PolyForm-Noncommercial-1.0.0 PolyForm-Small-Business-1.0.0 PostgreSQL Python-2.0 \
Python-2.0.1 QPL-1.0 QPL-1.0-INRIA-2004 Qhull RHeCos-1.1 RPL-1.1 RPL-1.5 RPSL-1.0 RSA-MD \
RSCPL Rdisc Ruby Ruby-pty SAX-PD SAX-PD-2.0 SCEA SGI-B-1.0 SGI-B-1.1 SGI-B-2.0 SGI-OpenGL \
SGMLUG-PM SGP4 SHL-0.5 SHL-0.51 SISSL SISSL-1.2 SL SMAIL-GPL SMLNJ SMPPL SNIA SOFA SPL-1.0 \
SSH-OpenSSH SSH-short SSLeay-standalone SSPL-1.0 SUL-1.0 SWL Saxpath SchemeReport Sendmail \
Sendmail-8.23 Sendmail-Open-Source-1.1 SimPL-2.0 Sleepycat Soundex Spencer-86 Spencer-94 \
Spencer-99 StandardML-NJ SugarCRM-1.1.3 Sun-PPP Sun-PPP-2000 SunPro Symlinks TAPR-OHL-1.0 \
TCL TCP-wrappers TGPPL-1.0 TMate TORQUE-1.1 TOSL TPDL TPL-1.0 TTWL TTYP0 TU-Berlin-1.0 \
TU-Berlin-2.0 TekHVC TermReadKey ThirdEye TrustedQSL UCAR UCL-1.0 UMich-Merit UPL-1.0 \
URT-RLE Ubuntu-font-1.0 UnRAR Unicode-3.0 Unicode-DFS-2015 Unicode-DFS-2016 Unicode-TOU \
UnixCrypt Unlicense Unlicense-libtelnet Unlicense-libwhirlpool VOSTROM VSL-1.0 Vim \
Vixie-Cron W3C W3C-19980720 W3C-20150513 WTFNMFPL WTFPL Watcom-1.0 Widget-Workshop WordNet \
Wsuipa X11 X11-distribute-modifications-variant X11-no-permit-persons X11-swapped \
XFree86-1.1 XSkat Xdebug-1.03 Xerox Xfig Xnet YPL-1.0 YPL-1.1 ZPL-1.1 ZPL-2.0 ZPL-2.1 Zed \
Zeeff Zend-2.0 Zimbra-1.3 Zimbra-1.4 Zlib any-OSI any-OSI-perl-modules atc-game \
bcrypt-Solar-Designer blessing bzip2-1.0.5 bzip2-1.0.6 check-cvs checkmk \
copyleft-next-0.3.0 copyleft-next-0.3.1 curl cve-tou diffmark dtoa dvipdfm eCos-2.0 eGenix \
etalab-2.0 fwlw gSOAP-1.3b generic-xts gnuplot gtkbook hdparm hyphen-bulgarian iMatix jove \
libpng-1.6.35 libpng-2.0 libselinux-1.0 libtiff libutil-David-Nugent lsof magaz mailprio \
man2html metamail mpi-permissive mpich2 mplus ngrep pkgconf pnmstitch psfrag psutils \
python-ldap radvd snprintf softSurfer ssh-keyscan swrule threeparttable ulem w3m wwl \
wxWindows xinetd xkeyboard-config-Zinoviev xlock xpp xzoom zlib-acknowledgement ";

/// The SPDX license exception ids of list 3.29, separated by spaces.
const SPDX_EXCEPTIONS: &str = "\
389-exception Asterisk-exception Asterisk-linking-protocols-exception \
Autoconf-exception-2.0 Autoconf-exception-3.0 Autoconf-exception-generic \
Autoconf-exception-generic-3.0 Autoconf-exception-macro Bison-exception-1.24 \
Bison-exception-2.2 Bootloader-exception CGAL-linking-exception CLISP-exception-2.0 \
Classpath-exception-2.0 Classpath-exception-2.0-short DigiRule-FOSS-exception \
Digia-Qt-LGPL-exception-1.1 FLTK-exception Fawkes-Runtime-exception Font-exception-2.0 \
GCC-exception-2.0 GCC-exception-2.0-note GCC-exception-3.1 GNAT-exception \
GNOME-examples-exception GNU-compiler-exception GPL-3.0-389-ds-base-exception \
GPL-3.0-interface-exception GPL-3.0-linking-exception GPL-3.0-linking-source-exception \
GPL-CC-1.0 GStreamer-exception-2005 GStreamer-exception-2008 Gmsh-exception \
Google-Patent-WebM Independent-modules-exception KiCad-libraries-exception \
LGPL-3.0-linking-exception LLGPL LLVM-exception LZMA-exception Libtool-exception \
Linux-syscall-note Nokia-Qt-exception-1.1 OCCT-exception-1.0 OCaml-LGPL-linking-exception \
OpenJDK-assembly-exception-1.0 PCRE2-exception PS-or-PDF-font-exception-20170817 \
QPL-1.0-INRIA-2004-exception Qt-GPL-exception-1.0 Qt-LGPL-exception-1.1 Qwt-exception-1.0 \
RRDtool-FLOSS-exception-2.0 SANE-exception SHL-2.0 SHL-2.1 SWI-exception \
Simple-Library-Usage-exception Spelling-Provider-LGPL-exception Swift-exception \
Texinfo-exception UBDL-exception Universal-FOSS-exception-1.0 WxWindows-exception-3.1 \
cryptsetup-OpenSSL-exception eCos-exception-2.0 erlang-otp-linking-exception fmt-exception \
freertos-exception-2.0 gnu-javamail-exception harbour-exception i2p-gpl-java-exception \
kvirc-openssl-exception libpri-OpenH323-exception mif-exception mxml-exception \
openvpn-openssl-exception polyparse-exception romic-exception rsync-linking-exception \
sqlitestudio-OpenSSL-exception stunnel-exception u-boot-exception-2.0 \
vsftpd-openssl-exception x11vnc-openssl-exception ";

#[cfg(test)]
mod tests {
    use super::{LabelValueInvalid, problem};
    use crate::config::RequiredLabel;
    use crate::rules::RuleOptions;
    use crate::rules::test_support::{check_with, flagged};

    fn options(labels: &[(&str, Option<&str>)]) -> RuleOptions {
        RuleOptions {
            required_labels: labels
                .iter()
                .map(|(name, schema)| RequiredLabel {
                    name: (*name).to_string(),
                    schema: schema.map(str::to_string),
                })
                .collect(),
            ..RuleOptions::default()
        }
    }

    #[test]
    fn values() {
        for (schema, value) in [
            ("url", "https://x/y?z#w"),
            ("url", "mailto:a@b"),
            ("url", "http://"),
            ("rfc3339", "2019-01-01T00:00:00Z"),
            ("rfc3339", "2019-01-01t00:00:00z"),
            ("rfc3339", "2019-01-01T00:00:00.123+01:00"),
            ("spdx", "Apache-2.0"),
            ("spdx", "mit"),
            ("spdx", "MIT OR Apache-2.0"),
            ("spdx", "(MIT AND BSD-3-Clause)"),
            ("spdx", "GPL-2.0+"),
            ("spdx", "GPL-2.0-or-later WITH Classpath-exception-2.0"),
            ("spdx", "LicenseRef-proprietary"),
            ("hash", "abcdef0"),
            ("hash", "abcdef01"),
            ("hash", "0123456789abcdef0123456789abcdef01234567"),
            ("semver", "1.0.0"),
            ("semver", "1.0.0-rc.1+build.5"),
            ("semver", "1.0.0+001"),
            ("email", "a.b+c@d-e.f"),
            ("email", "a@b"),
            ("text", "x"),
        ] {
            assert_eq!(problem(schema, value), None, "{schema} {value}");
        }
        for (schema, value) in [
            ("text", ""),
            ("url", ""),
            ("url", "example.com"),
            ("url", "/rel"),
            ("url", "git@github.com:a/b"),
            ("url", "https://x y"),
            ("rfc3339", "2019-01-01"),
            ("rfc3339", "2019-13-01T00:00:00Z"),
            ("rfc3339", "2019-01-01T00:00:00"),
            ("spdx", "Apache 2"),
            ("spdx", "Proprietary"),
            ("spdx", "MIT OR"),
            ("spdx", "(MIT"),
            ("spdx", "MIT WITH MIT"),
            ("hash", "ABCDEF0"),
            ("hash", "abcdef"),
            ("hash", "xyz1234"),
            ("semver", "1.0"),
            ("semver", "v1.0.0"),
            ("semver", "01.0.0"),
            ("semver", "1.0.0-01"),
            ("semver", "1.0.0-"),
            ("email", "foo"),
            ("email", "A <a@b.c>"),
            ("email", "a@-b.c"),
        ] {
            assert!(problem(schema, value).is_some(), "{schema} {value}");
        }
    }

    #[test]
    fn flags_values_with_precise_ranges() {
        let opts = options(&[
            ("maintainer", None),
            ("version", Some("semver")),
            ("source", Some("url")),
        ]);
        for (source, expected) in [
            (
                "FROM alpine\nLABEL maintainer=\"\" version=1.0\n",
                vec!["\"\"", "1.0"],
            ),
            ("FROM alpine\nLABEL version v1.0.0\n", vec!["v1.0.0"]),
            ("FROM alpine\nARG V=1.0\nLABEL version=${V}\n", vec!["${V}"]),
            ("FROM alpine\nLABEL maintainer=\n", vec!["maintainer"]),
        ] {
            let d = check_with(&LabelValueInvalid, source, &opts);
            assert_eq!(flagged(source, &d), expected, "{source}");
        }
        for source in [
            "FROM alpine\nLABEL maintainer=me version=1.0.0 source=https://x other=\n",
            "FROM alpine\nARG V\nLABEL version=${V}\n",
            "FROM alpine\nARG V=1.2.3\nLABEL version=$V\n",
            "FROM alpine\nARG U\nLABEL source=\"https://x/${U}\"\n",
        ] {
            let d = check_with(&LabelValueInvalid, source, &opts);
            assert!(d.is_empty(), "{source}: {:?}", flagged(source, &d));
        }
        // Without configured labels, nothing is checked.
        let d = check_with(
            &LabelValueInvalid,
            "FROM alpine\nLABEL version=x\n",
            &RuleOptions::default(),
        );
        assert!(d.is_empty());
    }

    #[test]
    fn messages() {
        let opts = options(&[("version", Some("semver"))]);
        let d = check_with(&LabelValueInvalid, "FROM alpine\nLABEL version=v1\n", &opts);
        assert_eq!(
            d[0].message,
            "the label `version` is not a semantic version: `v1`"
        );
    }
}

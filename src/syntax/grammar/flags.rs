//! The flags each instruction accepts (`instructions/bflag.go`) and the checks on their values.

use nom::Parser;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char, one_of};
use nom::combinator::{all_consuming, opt, recognize};
use nom::multi::many1;

use crate::syntax::kind::SyntaxKind;

/// How a flag takes its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FlagType {
    /// `--link` or `--link=<bool>`.
    Bool,
    /// `--from=x`, given at most once.
    String,
    /// `--mount=x`, may repeat.
    Strings,
}

/// The flags an instruction accepts. `None` means the builder ignores flags on it (ARG,
/// STOPSIGNAL: they are extracted and dropped without a check).
pub(crate) fn allowed_flags(kind: SyntaxKind) -> Option<&'static [(&'static str, FlagType)]> {
    use FlagType::{Bool, String, Strings};
    Some(match kind {
        SyntaxKind::FROM_INSTR => &[("platform", String)],
        SyntaxKind::ADD_INSTR => &[
            ("chown", String),
            ("chmod", String),
            ("link", Bool),
            ("keep-git-dir", Bool),
            ("checksum", String),
            ("unpack", Bool),
            ("exclude", Strings),
        ],
        SyntaxKind::COPY_INSTR => &[
            ("chown", String),
            ("chmod", String),
            ("from", String),
            ("link", Bool),
            ("parents", Bool),
            ("exclude", Strings),
        ],
        SyntaxKind::RUN_INSTR => &[
            ("mount", Strings),
            ("network", String),
            ("security", String),
            ("device", Strings),
        ],
        SyntaxKind::HEALTHCHECK_INSTR => &[
            ("interval", String),
            ("timeout", String),
            ("start-period", String),
            ("start-interval", String),
            ("retries", String),
        ],
        SyntaxKind::ARG_INSTR | SyntaxKind::STOPSIGNAL_INSTR => return None,
        _ => &[],
    })
}

/// Checks a flag's value where the builder restricts it. Returns the message of the error.
pub(crate) fn check_value(kind: SyntaxKind, name: &str, value: &str) -> Option<String> {
    match (kind, name) {
        (SyntaxKind::RUN_INSTR, "network") if !value.contains('$') => {
            (!matches!(value, "default" | "none" | "host"))
                .then(|| format!("invalid network mode {value:?}"))
        }
        (SyntaxKind::RUN_INSTR, "security") if !value.contains('$') => {
            (!matches!(value, "insecure" | "sandbox"))
                .then(|| format!("security {value:?} is not valid"))
        }
        // An empty value keeps the default: BuildKit parses `--retries` only when it is not empty.
        (SyntaxKind::HEALTHCHECK_INSTR, "retries") if value.is_empty() => None,
        (SyntaxKind::HEALTHCHECK_INSTR, "retries") => match value.parse::<i64>() {
            Err(_) => Some(format!("parsing {value:?}: invalid syntax")),
            Ok(n) if n < 0 => Some(format!("--retries cannot be negative ({n})")),
            Ok(_) => None,
        },
        (SyntaxKind::HEALTHCHECK_INSTR, _) => check_duration(name, value),
        _ => None,
    }
}

/// A Go `time.ParseDuration` string: `[-+]?(\d*(\.\d*)?unit)+` or `0`.
fn go_duration(i: &str) -> nom::IResult<&str, &str> {
    let number = recognize((
        take_while(|c: char| c.is_ascii_digit()),
        opt((char('.'), take_while(|c: char| c.is_ascii_digit()))),
    ));
    let unit = take_while1(|c: char| !c.is_ascii_digit() && c != '.');
    recognize((opt(one_of("+-")), many1((number, unit)))).parse(i)
}

const DURATION_UNITS: &[(&str, f64)] = &[
    ("ns", 1e-9),
    ("us", 1e-6),
    ("\u{b5}s", 1e-6),
    ("\u{3bc}s", 1e-6),
    ("ms", 1e-3),
    ("s", 1.0),
    ("m", 60.0),
    ("h", 3600.0),
];

/// Checks a HEALTHCHECK duration as BuildKit does (`parseOptInterval`): empty and zero
/// mean the default, anything else must parse and be at least 1ms.
fn check_duration(name: &str, value: &str) -> Option<String> {
    if value.is_empty() || value == "0" || value == "+0" || value == "-0" {
        return None;
    }
    let Ok((_, _)) = all_consuming(go_duration).parse(value) else {
        let missing_unit = value
            .trim_start_matches(['+', '-'])
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.');
        return Some(if missing_unit && !value.is_empty() {
            format!("time: missing unit in duration {value:?}")
        } else {
            format!("time: invalid duration {value:?}")
        });
    };
    let negative = value.starts_with('-');
    let mut seconds = 0.0;
    let mut rest = value.trim_start_matches(['+', '-']);
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        let (num, after) = rest.split_at(num_len);
        if num.is_empty() || num == "." {
            return Some(format!("time: invalid duration {value:?}"));
        }
        let unit_len = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        let Some(&(_, scale)) = DURATION_UNITS.iter().find(|(u, _)| *u == unit) else {
            return Some(format!("time: unknown unit {unit:?} in duration {value:?}"));
        };
        seconds += num.parse::<f64>().unwrap_or(0.0) * scale;
        rest = after;
    }
    if seconds != 0.0 && (negative || seconds < 1e-3) {
        return Some(format!("Interval {:?} cannot be less than 1ms", name));
    }
    None
}

/// The keys a `--mount` option list accepts (`commands_runmount.go`).
pub(crate) const MOUNT_KEYS: &[&str] = &[
    "type",
    "target",
    "dst",
    "destination",
    "source",
    "src",
    "from",
    "ro",
    "readonly",
    "rw",
    "readwrite",
    "id",
    "sharing",
    "mode",
    "uid",
    "gid",
    "size",
    "required",
    "env",
];

/// The part of a `--mount` field an error is about, so that its range is the smallest one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MountPart {
    Key,
    Value,
    Field,
}

/// An error in one `--mount` field, with the candidate BuildKit suggests, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MountProblem {
    pub part: MountPart,
    pub message: String,
    pub suggestion: Option<&'static str>,
}

pub(crate) const MOUNT_TYPES: &[&str] = &["bind", "cache", "tmpfs", "secret", "ssh"];

/// Checks one `key[=value]` field of a `--mount` value. Unknown keys and types come with a
/// suggestion, as BuildKit wraps those errors with `suggest.WrapError`.
pub(crate) fn check_mount_field(key: &str, value: Option<&str>) -> Option<MountProblem> {
    let key_lower = key.to_ascii_lowercase();
    let problem = |part, message: String, suggestion| {
        Some(MountProblem {
            part,
            message,
            suggestion,
        })
    };
    let Some(value) = value else {
        if matches!(
            key_lower.as_str(),
            "readonly" | "ro" | "readwrite" | "rw" | "required"
        ) {
            return None;
        }
        return problem(
            MountPart::Field,
            format!("invalid field '{key}' must be a key=value pair"),
            None,
        );
    };
    if !MOUNT_KEYS.contains(&key_lower.as_str()) {
        return problem(
            MountPart::Key,
            format!("unexpected key '{key}' in '{key}={value}'"),
            super::suggest(key, MOUNT_KEYS.iter().copied()),
        );
    }
    if value.contains('$') {
        return None;
    }
    match key_lower.as_str() {
        "type" if !MOUNT_TYPES.contains(&value.to_ascii_lowercase().as_str()) => problem(
            MountPart::Value,
            format!("unsupported mount type {value:?}"),
            super::suggest(value, MOUNT_TYPES.iter().copied()),
        ),
        "sharing" if !matches!(value, "shared" | "private" | "locked") => problem(
            MountPart::Value,
            format!("unsupported sharing value {value:?}"),
            None,
        ),
        _ => None,
    }
}

/// Whether a Go `strconv.ParseBool`-style value is what BuildKit accepts for a bool flag.
pub(crate) fn is_bool_value(value: &str) -> bool {
    matches!(value.to_ascii_lowercase().as_str(), "true" | "false")
}

/// Recognises a `--name` prefix: the dashes and the name up to `=` or the end.
pub(crate) fn flag_name(word: &str) -> nom::IResult<&str, &str> {
    recognize((tag("--"), take_while(|c: char| c != '='))).parse(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        for ok in ["30s", "1m30s", "1.5h", "0", "", "100ms", "1ms"] {
            assert_eq!(check_duration("interval", ok), None, "{ok}");
        }
        assert!(
            check_duration("interval", "30")
                .unwrap()
                .contains("missing unit")
        );
        assert!(
            check_duration("interval", "3x")
                .unwrap()
                .contains("unknown unit")
        );
        assert!(
            check_duration("interval", "abc")
                .unwrap()
                .contains("invalid duration")
        );
        assert!(
            check_duration("interval", "10us")
                .unwrap()
                .contains("less than 1ms")
        );
        assert!(
            check_duration("interval", "-5s")
                .unwrap()
                .contains("less than 1ms")
        );
    }

    #[test]
    fn mount_fields() {
        assert_eq!(check_mount_field("type", Some("cache")), None);
        assert_eq!(check_mount_field("ro", None), None);
        let volume = check_mount_field("type", Some("volume")).unwrap();
        assert_eq!(volume.part, MountPart::Value);
        let tagret = check_mount_field("tagret", Some("/x")).unwrap();
        assert_eq!(
            (tagret.part, tagret.suggestion),
            (MountPart::Key, Some("target"))
        );
        let cachd = check_mount_field("type", Some("cachd")).unwrap();
        assert_eq!(cachd.suggestion, Some("cache"));
        assert_eq!(
            check_mount_field("cache", None).unwrap().part,
            MountPart::Field
        );
    }
}

//! DFL1021 `invalid-expose-port`: an EXPOSE port that BuildKit rejects: out of range, a
//! reversed range, not a number, or an unknown protocol.

use crate::Diagnostic;
use crate::rules::instructions::{PortSpec, port_specs};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1021",
    name: "invalid-expose-port",
    category: RuleCategory::Correctness,
    severity: Severity::Error,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL3011", "DS008", "DF040"],
    summary: "An `EXPOSE` port is above 65535, a reversed range, not a number, or has an unknown protocol.",
    docs: r#"## What it does
Checks every port of every `EXPOSE` (`port`, `start-end`, either with `/protocol`) and
flags what BuildKit refuses to build: a port or range end above 65535, a range that ends
before it starts (`9000-8000`), a port that is not a number (`http`, `80-`), and a protocol
other than `tcp`, `udp` and `sctp` (in any case). Ports written with variables
(`EXPOSE $PORT`) are not checked.

Differences from hadolint: hadolint (DL3011) flags only ports above 65535; the other cases
fail its parser or pass silently, while BuildKit stops the build on all of them.

## Why is this bad?
BuildKit parses exposed ports as 16-bit numbers: `EXPOSE 80800` stops the build with
`invalid containerPort`. A typo in a port is better caught before the build.

## Example
```dockerfile
FROM nginx:1.27
EXPOSE 80800
```

## Use instead
```dockerfile
FROM nginx:1.27
EXPOSE 8080
```

## References
- Dockerfile reference: `EXPOSE`.
"#,
    fix_changes: &[],
};

/// DFL1021
pub struct InvalidExposePort;

/// The highest port number.
const MAX_PORT: u64 = 65_535;

/// What is wrong with a port spec, and where.
fn problem(spec: &PortSpec) -> Option<(crate::syntax::TextRange, String)> {
    let port = spec.port_text();
    match spec.port_numbers() {
        None => {
            return Some((
                spec.range(&spec.port),
                if port.is_empty() {
                    format!("`{}` has no port number", spec.text)
                } else {
                    format!("`{port}` is not a port number or range")
                },
            ));
        }
        Some((start, end)) if start > MAX_PORT || end > MAX_PORT => {
            return Some((
                spec.range(&spec.port),
                format!("port `{port}` is out of range: ports go from 0 to 65535"),
            ));
        }
        Some((start, end)) if end < start => {
            return Some((
                spec.range(&spec.port),
                format!("port range `{port}` ends before it starts"),
            ));
        }
        Some(_) => {}
    }
    let protocol = spec.protocol.as_ref()?;
    let name = spec.part(protocol);
    let known = name.is_empty()
        || ["tcp", "udp", "sctp"]
            .iter()
            .any(|p| p.eq_ignore_ascii_case(name));
    (!known).then(|| {
        (
            spec.range(protocol),
            format!("`{name}` is not a protocol `EXPOSE` knows (`tcp`, `udp` or `sctp`)"),
        )
    })
}

impl Rule for InvalidExposePort {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for &(_, instruction) in ctx.stage_instructions() {
            for spec in port_specs(ctx, instruction) {
                let Some((range, message)) = problem(&spec) else {
                    continue;
                };
                out.push(META.diagnostic(range, message).with_help(
                    "BuildKit stops the build on it: write a port from 0 to 65535, or a range \
                     `start-end`, optionally followed by `/tcp`, `/udp` or `/sctp`",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::InvalidExposePort;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_ports_buildkit_rejects() {
        for (source, expected) in [
            ("FROM a\nEXPOSE 65536\n", vec!["65536"]),
            ("FROM a\nEXPOSE 80 99999/udp\n", vec!["99999"]),
            ("FROM a\nEXPOSE 8000-70000\n", vec!["8000-70000"]),
            ("FROM a\nEXPOSE 9000-8000\n", vec!["9000-8000"]),
            ("FROM a\nEXPOSE http\n", vec!["http"]),
            ("FROM a\nEXPOSE 80-\n", vec!["80-"]),
            ("FROM a\nEXPOSE 80/http\n", vec!["http"]),
            ("FROM a\nEXPOSE 127.0.0.1:8080:99999\n", vec!["99999"]),
            (
                "FROM a\nEXPOSE 123456789012345678901234567890\n",
                vec!["123456789012345678901234567890"],
            ),
        ] {
            let diagnostics = check(&InvalidExposePort, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
        let d = check(&InvalidExposePort, "FROM a\nEXPOSE 65536\n");
        assert_eq!(
            d[0].message,
            "port `65536` is out of range: ports go from 0 to 65535"
        );
    }

    #[test]
    fn accepts_valid_and_unknown_ports() {
        for source in [
            "FROM a\nEXPOSE 0 80 65535 8000-9000 53/udp 80/TCP 9/sctp 80/\n",
            "FROM a\nEXPOSE 8080:80\n",
            "FROM a\nARG P=99999\nEXPOSE $P\n",
            "FROM a\nEXPOSE ${PORT:-80}\n",
            "FROM a\nONBUILD EXPOSE 99999\n",
        ] {
            assert!(check(&InvalidExposePort, source).is_empty(), "{source}");
        }
    }
}

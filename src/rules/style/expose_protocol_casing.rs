//! DFL6010 `expose-protocol-casing`: the protocol of an EXPOSE port is not lowercase.

use crate::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::instructions::port_specs;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL6010",
    name: "expose-protocol-casing",
    category: RuleCategory::Style,
    severity: Severity::Style,
    fix: FixAvailability::Always,
    status: RuleStatus::Stable,
    aliases: &["ExposeProtoCasing", "DF078"],
    summary: "The protocol of an `EXPOSE` port is not written in lowercase.",
    docs: r#"## What it does
Checks the protocol after the `/` of every `EXPOSE` port written as plain text, and flags
one with an uppercase letter (`80/TCP`, `53/Udp`).

## Why is this bad?
BuildKit lowercases the protocol, so `80/TCP` means `80/tcp`; the image config, `docker
inspect` and `docker run -p` all spell it in lowercase. Writing it the same way keeps the
Dockerfile consistent with what it produces.

## Example
```dockerfile
FROM nginx:1.27
EXPOSE 80/TCP
```

## Use instead
```dockerfile
FROM nginx:1.27
EXPOSE 80/tcp
```

## References
- BuildKit build checks: `ExposeProtoCasing`.
"#,
    fix_changes: &[],
};

/// DFL6010
pub struct ExposeProtocolCasing;

impl Rule for ExposeProtocolCasing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for &(_, instruction) in ctx.stage_instructions() {
            for spec in port_specs(ctx, instruction) {
                let Some(protocol) = &spec.protocol else {
                    continue;
                };
                let name = spec.part(protocol);
                if !name.bytes().any(|b| b.is_ascii_uppercase()) {
                    continue;
                }
                let lower = name.to_ascii_lowercase();
                let range = spec.range(protocol);
                out.push(
                    META.diagnostic(
                        range,
                        format!("the protocol in `EXPOSE {}` is not lowercase", spec.text),
                    )
                    .with_help(format!("BuildKit reads it as `{lower}`: write it that way"))
                    .with_fix(Some(Fix::new(
                        format!("Write `{lower}`"),
                        Applicability::Safe,
                        vec![Edit::replace(range, lower.clone())],
                    ))),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ExposeProtocolCasing;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_and_lowercases_protocols() {
        let source = "FROM a\nEXPOSE 80/TCP 53/udp 9000-9010/Udp\n";
        let d = check(&ExposeProtocolCasing, source);
        assert_eq!(flagged(source, &d), ["TCP", "Udp"]);
        assert_eq!(
            d[0].message,
            "the protocol in `EXPOSE 80/TCP` is not lowercase"
        );
        assert_eq!(
            fixed(source, &d),
            "FROM a\nEXPOSE 80/tcp 53/udp 9000-9010/Udp\n"
        );
    }

    #[test]
    fn accepts_lowercase_and_variables() {
        for source in [
            "FROM a\nEXPOSE 80 80/tcp 53/udp\n",
            "FROM a\nARG P=80/TCP\nEXPOSE $P\n",
            "FROM a\nEXPOSE 80/${PROTO}\n",
        ] {
            assert!(check(&ExposeProtocolCasing, source).is_empty(), "{source}");
        }
    }
}

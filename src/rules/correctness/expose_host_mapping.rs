//! DFL1022 `expose-host-mapping`: an EXPOSE port names an IP address or a host port.

use crate::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::instructions::port_specs;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1022",
    name: "expose-host-mapping",
    category: RuleCategory::Correctness,
    severity: Severity::Warning,
    fix: FixAvailability::Always,
    status: RuleStatus::Stable,
    aliases: &["ExposeInvalidFormat"],
    summary: "An `EXPOSE` port names an IP address or a host port, which `EXPOSE` ignores.",
    docs: r#"## What it does
Checks every port of every `EXPOSE` written as plain text and flags one with an IP address
or a host port before the container port: `EXPOSE 8080:80`, `EXPOSE 127.0.0.1:8080:80`.
Ports written with variables are not checked.

## Why is this bad?
`EXPOSE` only records which container ports the image listens on; publishing a port on the
host, on an address, is decided when the container runs (`docker run -p 8080:80`). BuildKit
keeps the container port and drops the rest, so the Dockerfile says something it does not
do, and BuildKit announces that the form will become an error.

## Example
```dockerfile
FROM nginx:1.27
EXPOSE 8080:80
```

## Use instead
```dockerfile
FROM nginx:1.27
EXPOSE 80
```

Publish it on the host when the container runs: `docker run -p 8080:80 ...`.

## References
- Dockerfile reference: `EXPOSE`.
- BuildKit build checks: `ExposeInvalidFormat`.
"#,
    fix_changes: &[],
};

/// DFL1022
pub struct ExposeHostMapping;

impl Rule for ExposeHostMapping {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for &(_, instruction) in ctx.stage_instructions() {
            for spec in port_specs(ctx, instruction) {
                let Some(mapping) = &spec.mapping else {
                    continue;
                };
                let kept = &spec.text[spec.port.start..];
                let fix = Fix::new(
                    format!("Keep the container port `{kept}`"),
                    Applicability::Safe,
                    vec![Edit::delete(spec.range(mapping))],
                );
                out.push(
                    META.diagnostic(
                        spec.word_range(),
                        format!(
                            "`EXPOSE {}` names a host address or port, which `EXPOSE` ignores",
                            spec.text
                        ),
                    )
                    .with_help(format!(
                        "expose the container port `{kept}` and publish it on the host when the \
                         container runs (`docker run -p`)"
                    ))
                    .with_fix(Some(fix)),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ExposeHostMapping;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_host_ports_and_addresses() {
        for (source, expected, after) in [
            (
                "FROM a\nEXPOSE 8080:80\n",
                vec!["8080:80"],
                "FROM a\nEXPOSE 80\n",
            ),
            (
                "FROM a\nEXPOSE 443 127.0.0.1:8080:80/udp\n",
                vec!["127.0.0.1:8080:80/udp"],
                "FROM a\nEXPOSE 443 80/udp\n",
            ),
            (
                "FROM a\nEXPOSE [::1]:8080:80\n",
                vec!["[::1]:8080:80"],
                "FROM a\nEXPOSE 80\n",
            ),
        ] {
            let diagnostics = check(&ExposeHostMapping, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
            assert_eq!(fixed(source, &diagnostics), after);
        }
    }

    #[test]
    fn accepts_container_ports() {
        for source in [
            "FROM a\nEXPOSE 80 53/udp 8000-8100\n",
            "FROM a\nARG P=8080:80\nEXPOSE $P\n",
        ] {
            assert!(check(&ExposeHostMapping, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn fix_keeps_the_image_config() {
        let source = "FROM a\nEXPOSE 127.0.0.1:8080:80/udp 9000\n";
        let after = fixed(source, &check(&ExposeHostMapping, source));
        let options = crate::semantic::BuildOptions::default();
        let before = crate::semantic::evaluate(&crate::syntax::parse(source), &options);
        let build = crate::semantic::evaluate(&crate::syntax::parse(&after), &options);
        assert!(crate::semantic::compare::compare(&before, &build).is_empty());
    }
}

//! DFL2110 `ssh-port-exposed`: the image exposes port 22, the SSH port.

use crate::Diagnostic;
use crate::rules::instructions::port_specs;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::shell::packages::image_stages;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL2110",
    name: "ssh-port-exposed",
    category: RuleCategory::Security,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["CKV_DOCKER_1", "DS004"],
    summary: "The image exposes port 22, so it is meant to run an SSH server.",
    docs: r#"## What it does
Checks the `EXPOSE` instructions of the stages that end up in the image (the target stage
and the stages it is built on) and flags port 22 over TCP (`22`, `22/tcp`). Ports written
with variables, and ranges that happen to include 22, are not flagged. `EXPOSE` in a stage
the image is not built on changes nothing in the image and is not flagged.

## Why is this bad?
Port 22 is SSH. An SSH server in a container is one more service to patch, with credentials
or keys that end up in the image, and it is not needed to get a shell: `docker exec` (or
`kubectl exec`) opens one through the container runtime, with its access control.

## Example
```dockerfile
FROM ubuntu:24.04
RUN apt-get update && apt-get install -y --no-install-recommends openssh-server
EXPOSE 22
CMD ["/usr/sbin/sshd", "-D"]
```

## Use instead
```dockerfile
FROM ubuntu:24.04
COPY app /usr/local/bin/app
CMD ["app"]
```

Open a shell with `docker exec -it <container> sh` when needed.

## References
- Docker docs: `docker exec`.
"#,
    fix_changes: &[],
};

/// DFL2110
pub struct SshPortExposed;

impl Rule for SshPortExposed {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let shipped = image_stages(ctx.build);
        for &(stage, instruction) in ctx.stage_instructions() {
            if !shipped.contains(&stage) {
                continue;
            }
            for spec in port_specs(ctx, instruction) {
                let tcp = spec.protocol.as_ref().is_none_or(|p| {
                    matches!(spec.part(p).to_ascii_lowercase().as_str(), "" | "tcp")
                });
                if spec.port_numbers() != Some((22, 22)) || !tcp {
                    continue;
                }
                out.push(
                    META.diagnostic(spec.word_range(), "the image exposes port 22, the SSH port")
                        .with_help(
                            "drop the SSH server from the image: `docker exec` opens a shell in \
                             a running container",
                        ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SshPortExposed;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_port_22_in_the_image() {
        for (source, expected) in [
            ("FROM a\nEXPOSE 22\n", vec!["22"]),
            ("FROM a\nEXPOSE 80 22/tcp 443\n", vec!["22/tcp"]),
            ("FROM a\nEXPOSE 022/TCP\n", vec!["022/TCP"]),
            (
                "FROM a AS base\nEXPOSE 22\nFROM base\nRUN true\n",
                vec!["22"],
            ),
        ] {
            let diagnostics = check(&SshPortExposed, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_other_ports_and_stages() {
        for source in [
            "FROM a\nEXPOSE 2222 80\n",
            "FROM a\nEXPOSE 22/udp\n",
            "FROM a\nEXPOSE 20-25\n",
            "FROM a\nARG P=22\nEXPOSE $P\n",
            "FROM a AS sshd\nEXPOSE 22\nFROM b\nRUN true\n",
        ] {
            assert!(check(&SshPortExposed, source).is_empty(), "{source}");
        }
    }
}

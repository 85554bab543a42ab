//! DFL2101 `untrusted-registry`: an image comes from a registry the configuration does not
//! trust.

use crate::Diagnostic;
use crate::ast::{Instruction, Word};
use crate::rules::stages::from_instruction;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::image_ref::ImageRef;
use crate::semantic::{Base, EdgeKind, EdgeTarget};
use crate::syntax::SyntaxKind;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL2101",
    name: "untrusted-registry",
    category: RuleCategory::Security,
    severity: Severity::Error,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL3026", "DF065", "DF073"],
    summary: "An image is pulled from a registry that `trusted-registries` does not list.",
    docs: r#"## What it does
Active only when `trusted-registries` is set. Checks every image the build pulls: the base
image of each `FROM`, `COPY --from=<image>` and `RUN --mount=...,from=<image>`. An image
without a registry comes from Docker Hub (`docker.io`). Earlier stages and `scratch` pull
nothing and are not checked.

A pattern is a registry name (`ghcr.io`, `localhost:5000`), `*` (any registry), `*.<domain>`
(any subdomain of the domain, such as `*.gcr.io` for `eu.gcr.io`, but not `gcr.io` itself)
or `<prefix>*` (any registry whose name starts with the prefix). Names are compared
ignoring case. For Docker Hub, `docker.io`, `index.docker.io`, `registry-1.docker.io` and
`hub.docker.com` are the same registry.

Differences from hadolint: the base image is resolved through ARG defaults
(`ARG REGISTRY=quay.io` / `FROM $REGISTRY/app:1` is checked as `quay.io`); hadolint skips
references that start with a variable. A reference that stays unknown is not checked.
Registry names are compared ignoring case, and Docker Hub's aliases are the same registry.

## Why is this bad?
An image from an unvetted registry may be unmaintained, typosquatted or malicious, and it
bypasses the mirroring, scanning and access controls an organisation puts on its own
registries.

## Example
```dockerfile
FROM ghcr.io/someone/toolbox:1.2
RUN toolbox --version
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl
```

## Options
`trusted-registries` in the configuration lists the registries to trust, for example:

```toml
trusted-registries = ["docker.io", "*.example.com"]
```

In `.hadolint.yaml`, `trustedRegistries` is read as the same setting.

## References
- hadolint `DL3026`.
"#,
    fix_changes: &[],
};

/// DFL2101
pub struct UntrustedRegistry;

/// The names Docker Hub answers to.
const DOCKER_HUB: &[&str] = &[
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "hub.docker.com",
];

/// Whether `registry` (lowercased) matches one trusted `pattern`.
fn matches(pattern: &str, registry: &str) -> bool {
    let pattern = pattern.trim().to_ascii_lowercase();
    if pattern == "*" {
        return true;
    }
    if let Some(domain) = pattern.strip_prefix("*.") {
        return registry
            .strip_suffix(domain)
            .is_some_and(|sub| sub.len() > 1 && sub.ends_with('.'));
    }
    if let Some(prefix) = pattern.strip_suffix('*') {
        return registry.starts_with(prefix);
    }
    if DOCKER_HUB.contains(&pattern.as_str()) && DOCKER_HUB.contains(&registry) {
        return true;
    }
    pattern == registry
}

/// Whether `image` comes from a trusted registry.
fn trusted(image: &ImageRef, patterns: &[String]) -> bool {
    let registry = image.registry().to_ascii_lowercase();
    patterns.iter().any(|p| matches(p, &registry))
}

/// The `from=` value word of a `RUN --mount` that names `image`.
fn mount_from_word<'a>(run: Instruction<'a>, image: &str, escape: char) -> Option<Word<'a>> {
    run.flags()
        .filter(|f| f.name() == "mount")
        .flat_map(|f| f.mount_options())
        .filter(|o| {
            o.key()
                .is_some_and(|k| k.unquoted(escape).eq_ignore_ascii_case("from"))
        })
        .filter_map(|o| o.value())
        .find(|v| v.unquoted(escape) == image)
}

impl Rule for UntrustedRegistry {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let patterns = &ctx.options.trusted_registries;
        if patterns.is_empty() {
            return;
        }
        let mut report = |range, image: &ImageRef| {
            out.push(
                META.diagnostic(
                    range,
                    format!(
                        "`{}` comes from `{}`, which is not a trusted registry",
                        image.familiar(),
                        image.registry()
                    ),
                )
                .with_help(format!(
                    "use an image from a trusted registry ({}), or add the registry to \
                     `trusted-registries`",
                    patterns.join(", ")
                )),
            );
        };
        for stage in &ctx.build.stages {
            let Base::Image(image) = &stage.base else {
                continue;
            };
            if trusted(image, patterns) {
                continue;
            }
            let range = from_instruction(ctx, stage)
                .and_then(|i| i.from_image())
                .map_or(stage.from_range, |w| w.range());
            report(range, image);
        }
        for edge in &ctx.build.edges {
            let EdgeTarget::Image(text) = &edge.target else {
                continue;
            };
            if edge.kind == EdgeKind::From {
                continue;
            }
            let Ok(image) = ImageRef::parse(text) else {
                continue;
            };
            if trusted(&image, patterns) {
                continue;
            }
            let Some(instruction) = ctx.instruction(edge.range) else {
                continue;
            };
            let word = match instruction.kind() {
                SyntaxKind::COPY_INSTR => instruction.flag("from").and_then(|f| f.value()),
                SyntaxKind::RUN_INSTR => mount_from_word(instruction, text, ctx.escape()),
                _ => None,
            };
            report(word.map_or(edge.range, |w| w.range()), &image);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{UntrustedRegistry, matches};
    use crate::rules::RuleOptions;
    use crate::rules::test_support::{check, check_with, flagged};

    fn trusting(patterns: &[&str]) -> RuleOptions {
        RuleOptions {
            trusted_registries: patterns.iter().map(|p| (*p).to_string()).collect(),
            ..RuleOptions::default()
        }
    }

    #[test]
    fn patterns() {
        assert!(matches("*", "ghcr.io"));
        assert!(matches("*.gcr.io", "eu.gcr.io"));
        assert!(!matches("*.gcr.io", "gcr.io"));
        assert!(!matches("*.gcr.io", "evilgcr.io"));
        assert!(matches("my*", "myreg.com"));
        assert!(matches("GHCR.io", "ghcr.io"));
        assert!(matches("hub.docker.com", "docker.io"));
        assert!(matches("docker.io", "index.docker.io"));
        assert!(matches("localhost:5000", "localhost:5000"));
        assert!(!matches("docker.io", "ghcr.io"));
    }

    #[test]
    fn flags_images_from_other_registries() {
        let options = trusting(&["docker.io", "*.example.com"]);
        for (source, expected) in [
            (
                "FROM ghcr.io/org/app:1\nFROM alpine:3\nFROM registry.example.com/app:1\n",
                vec!["ghcr.io/org/app:1"],
            ),
            (
                "FROM alpine:3\nCOPY --from=quay.io/org/tool:1 /x /y\n",
                vec!["quay.io/org/tool:1"],
            ),
            (
                "FROM alpine:3\nRUN --mount=type=bind,from=gcr.io/x/y:1,target=/t true\n",
                vec!["gcr.io/x/y:1"],
            ),
            // Through the ARG default.
            (
                "ARG REGISTRY=quay.io\nFROM $REGISTRY/org/app:1\n",
                vec!["$REGISTRY/org/app:1"],
            ),
            ("FROM localhost:5000/app:1\n", vec!["localhost:5000/app:1"]),
        ] {
            let d = check_with(&UntrustedRegistry, source, &options);
            assert_eq!(flagged(source, &d), expected, "{source}");
        }
        let d = check_with(
            &UntrustedRegistry,
            "FROM ghcr.io/org/app:1\n",
            &trusting(&["docker.io"]),
        );
        assert_eq!(
            d[0].message,
            "`ghcr.io/org/app:1` comes from `ghcr.io`, which is not a trusted registry"
        );
    }

    #[test]
    fn accepts_trusted_images_stages_and_unknowns() {
        let options = trusting(&["docker.io"]);
        for source in [
            "FROM alpine:3\nFROM docker.io/library/node:22\n",
            "FROM scratch\nCOPY a /a\n",
            "FROM alpine:3 AS build\nFROM build\nCOPY --from=build /a /b\n",
            "FROM alpine:3 AS build\nFROM alpine:3\nRUN --mount=from=build,target=/b true\n",
            "ARG IMAGE\nFROM $IMAGE\n",
            "FROM alpine:3\nCOPY --from=$X /a /b\n",
        ] {
            assert!(
                check_with(&UntrustedRegistry, source, &options).is_empty(),
                "{source}"
            );
        }
        // Without trusted registries the rule is off.
        assert!(check(&UntrustedRegistry, "FROM ghcr.io/org/app:1\n").is_empty());
    }
}

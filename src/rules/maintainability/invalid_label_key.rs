//! DFL5060 `invalid-label-key`: a LABEL key does not follow Docker's key format.

use crate::Diagnostic;
use crate::ast::Instruction;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::Area;
use crate::syntax::SyntaxKind;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL5060",
    name: "invalid-label-key",
    category: RuleCategory::Maintainability,
    severity: Severity::Style,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DL3048"],
    summary: "A LABEL key does not follow Docker's format for label keys.",
    docs: r#"## What it does
Checks the keys of `LABEL` instructions (quotes removed) against Docker's recommendations for
label keys: a key starts with a lowercase letter and ends with a lowercase letter or a digit,
uses only lowercase letters, digits, `.`, `-`, `_` and `/`, has no `..` or `--`, and does not
use the namespaces Docker reserves (`com.docker.`, `io.docker.`, `org.dockerproject.`).

The fix lowercases the key when that is its only problem (`Maintainer` becomes
`maintainer`).

Differences from hadolint: each invalid key is reported on the key (hadolint reports the
`LABEL` once, however many of its keys are invalid); a key written with a variable (`LABEL ${PREFIX}.version=1`) is not
flagged, since its value is only known at build time; labels inside `ONBUILD` are checked
too, since they label the images built on this one.

## Why is this bad?
Tools that read labels (`docker inspect`, registries, `docker ps --filter label=...`) match
keys exactly, so `Version`, `version` and `VERSION` are three different labels; a shared
convention of lowercase, reverse-DNS keys (`org.opencontainers.image.version`) keeps them
findable and avoids clashes between tools. The reserved namespaces belong to Docker.

## Example
```dockerfile
FROM alpine:3.20
LABEL Maintainer="team@example.com" com.docker.version="1.0"
```

## Use instead
```dockerfile
FROM alpine:3.20
LABEL maintainer="team@example.com" org.opencontainers.image.version="1.0"
```

## Fix safety
The fix is unsafe: it renames the label, and anything that reads the old key
(`--filter label=Maintainer`, a registry UI, a script) no longer finds it.

## References
- Docker docs: "Docker object labels", key format recommendations.
- hadolint `DL3048`.
"#,
    fix_changes: &[Area::Config],
};

/// DFL5060
pub struct InvalidLabelKey;

/// Why a label key is invalid, if it is.
fn problem(key: &str) -> Option<&'static str> {
    for reserved in ["com.docker.", "io.docker.", "org.dockerproject."] {
        if key.starts_with(reserved) {
            return Some("uses a namespace Docker reserves");
        }
    }
    if !key.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some("does not start with a lowercase letter");
    }
    if !key.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        return Some("does not end with a lowercase letter or a digit");
    }
    if key.contains("..") || key.contains("--") {
        return Some("has `..` or `--`");
    }
    if !key
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_' | '/'))
    {
        return Some("has characters other than lowercase letters, digits, `.`, `-`, `_` and `/`");
    }
    None
}

impl Rule for InvalidLabelKey {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for instruction in ctx.instructions() {
            let instruction: Instruction<'_> = instruction.onbuild_trigger().unwrap_or(instruction);
            if instruction.kind() != SyntaxKind::LABEL_INSTR {
                continue;
            }
            for pair in instruction.key_values() {
                let Some(key) = pair.key() else { continue };
                if key.has_variables() {
                    continue;
                }
                let name = key.unquoted(ctx.escape());
                let Some(why) = problem(&name) else { continue };
                let text = key.text();
                // Lowercasing is the whole fix when the lowercase key is valid and the key is
                // written on one line.
                let fixable = problem(&name.to_ascii_lowercase()).is_none()
                    && key.range().len() as usize == text.len();
                let fix = fixable.then(|| {
                    Fix::new(
                        format!("Rename the label to `{}`", name.to_ascii_lowercase()),
                        Applicability::Unsafe,
                        vec![Edit::replace(key.range(), text.to_ascii_lowercase())],
                    )
                });
                out.push(
                    META.diagnostic(key.range(), format!("the label key `{name}` {why}"))
                        .with_help(
                            "use lowercase keys made of letters, digits, `.`, `-`, `_` and `/`, \
                             preferably in reverse-DNS form (`org.opencontainers.image.version`, \
                             `com.example.team`): tools match label keys exactly",
                        )
                        .with_fix(fix),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{InvalidLabelKey, problem};
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn keys() {
        for key in [
            "foo",
            "foo.bar",
            "foo_bar",
            "foo/bar",
            "foo.-bar",
            "a",
            "foo9",
            "org.opencontainers.image.title",
        ] {
            assert_eq!(problem(key), None, "{key}");
        }
        for key in [
            "Foo",
            "foo..bar",
            "foo--bar",
            "foo-",
            "1foo",
            "com.docker.x",
            "io.docker.y",
            "org.dockerproject.z",
            "fooBar",
            "foo.bar.",
            "foo:bar",
            "MAINTAINER",
            "",
        ] {
            assert!(problem(key).is_some(), "{key}");
        }
    }

    #[test]
    fn flags_keys_with_precise_ranges() {
        for (source, expected) in [
            ("FROM alpine\nLABEL Foo=1 bar=2\n", vec!["Foo"]),
            ("FROM alpine\nLABEL \"Foo\"=1\n", vec!["\"Foo\""]),
            ("FROM alpine\nLABEL Maintainer me\n", vec!["Maintainer"]),
            ("FROM alpine\nONBUILD LABEL Foo=1\n", vec!["Foo"]),
            (
                "FROM alpine\nLABEL a=1 \\\n      com.docker.x=2\n",
                vec!["com.docker.x"],
            ),
        ] {
            let diagnostics = check(&InvalidLabelKey, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
        for source in [
            "FROM alpine\nLABEL foo=1 org.opencontainers.image.title=\"x\"\n",
            "FROM alpine\nARG P=com\nLABEL ${P}.example=1\n",
        ] {
            assert!(check(&InvalidLabelKey, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn fix_lowercases_when_that_is_enough() {
        let source = "FROM alpine\nLABEL Maintainer=\"me\" \"Version\"=1\n";
        let d = check(&InvalidLabelKey, source);
        assert_eq!(
            fixed(source, &d),
            "FROM alpine\nLABEL maintainer=\"me\" \"Version\"=1\n"
        );
        assert_eq!(
            d[1].fix.as_ref().unwrap().apply_to(source),
            "FROM alpine\nLABEL Maintainer=\"me\" \"version\"=1\n"
        );
        for source in [
            "FROM alpine\nLABEL Foo.=1\n",
            "FROM alpine\nLABEL com.docker.X=1\n",
        ] {
            let d = check(&InvalidLabelKey, source);
            assert!(d[0].fix.is_none(), "{source}");
        }
    }
}

//! DFL4001 `unpinned-base-image`: a FROM pulls an image without a version tag, or `latest`.

use crate::Diagnostic;
use crate::ast::Word;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::image_ref::ImageRef;
use crate::semantic::{Base, Build};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL4001",
    name: "unpinned-base-image",
    category: RuleCategory::Reproducibility,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &[
        "DL3006",
        "DL3007",
        "DS001",
        "CKV_DOCKER_7",
        "DF001",
        "DF024",
    ],
    summary: "A FROM pulls an external image without a tag, or with the `latest` tag.",
    docs: r#"## What it does
Checks the base image of every stage, whether or not the target needs that stage, as the
build engine resolves it: ARG defaults are substituted and names of earlier stages are
recognised. It flags an external image that has no tag (`FROM ubuntu`, which means
`ubuntu:latest`) or whose tag is `latest`. `scratch`, earlier stages and images pinned by
digest (`@sha256:...`, with or without a tag) are fine. A port of the registry is not a tag:
`localhost:5000/app` has none.

When the image comes from the default of an `ARG`, or from the value the build gives it
(`--build-arg`, or the `args` of a Compose or Bake build), the message names that ARG. A base the
engine cannot resolve (an ARG without a default, a value only known at build time) is not
flagged: its tag is not known.

Differences from hadolint (`DL3006`, `DL3007`): hadolint skips every image that starts
with a variable (`FROM $BASE_IMAGE`) and flags names built from a variable that are in fact
stages of the file (`FROM base-$TARGETARCH`). dflint resolves both through the build engine:
it flags `FROM $BASE_IMAGE` when the ARG's default has no tag (about 120 corpus findings
hadolint misses) and recognises `base-$TARGETARCH` as one of the file's stages (about 70
hadolint findings that dflint does not repeat).

## Why is this bad?
`latest` is whatever the image's maintainers pushed last. Two builds of the same Dockerfile,
a week apart, can start from different operating system releases or language runtimes, and
a build that worked can break, or behave differently, without any change in the repository.
A version tag says which release the image was written for.

## Example
```dockerfile
FROM node
COPY . /app
CMD ["node", "/app/server.js"]
```

## Use instead
```dockerfile
FROM node:22.11-bookworm-slim
COPY . /app
CMD ["node", "/app/server.js"]
```

A tag can still be moved to a new image by its publisher; a digest cannot. Pin the digest
too when builds must be exactly repeatable (and let a tool such as Renovate or Dependabot
update it):

```
FROM node:22.11-bookworm-slim@sha256:<digest>
```

## Options
- `require-digest` (default `false`): flag every external base image without a digest,
  including images with a version tag.

## References
- Docker's best practices: `FROM`, and pinning base image versions.
"#,
    fix_changes: &[],
};

/// DFL4001
pub struct UnpinnedBaseImage;

/// How a base image is unpinned.
enum Unpinned {
    /// No tag and no digest: the registry serves `latest`.
    NoTag,
    /// The tag `latest`, without a digest.
    Latest,
    /// A tag but no digest, in `require-digest` mode.
    NoDigest,
}

/// How `image` is unpinned, or `None` when it is pinned enough.
fn unpinned(image: &ImageRef, require_digest: bool) -> Option<Unpinned> {
    if image.digest().is_some() {
        return None;
    }
    match image.tag() {
        None => Some(Unpinned::NoTag),
        Some("latest") => Some(Unpinned::Latest),
        Some(_) if require_digest => Some(Unpinned::NoDigest),
        Some(_) => None,
    }
}

/// The global ARG whose default supplies the unpinned part of the reference in `word`: for a
/// missing tag, the variable that ends the reference; for `latest`, a variable whose value
/// contains `latest`. `None` when the reference is written out or no ARG default is to
/// blame.
fn blamed_arg(word: Word<'_>, build: &Build, how: &Unpinned) -> Option<String> {
    let word_end = word.range().end;
    word.variables()
        .filter(|var| match how {
            // A closing quote may follow the variable.
            Unpinned::NoTag | Unpinned::NoDigest => var.range().end + 1 >= word_end,
            Unpinned::Latest => true,
        })
        .filter_map(|var| var.name())
        .find(|name| {
            let Some(value) = build
                .global_args
                .iter()
                .rev()
                .find(|a| a.name == *name)
                .and_then(|a| a.value.as_ref())
                .and_then(|v| v.known())
            else {
                return false;
            };
            match how {
                Unpinned::Latest => value.contains("latest"),
                Unpinned::NoTag | Unpinned::NoDigest => !value.is_empty(),
            }
        })
        .map(str::to_string)
}

impl Rule for UnpinnedBaseImage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for stage in &ctx.build.stages {
            // Scratch, earlier stages and unresolved references are never flagged.
            let Base::Image(image) = &stage.base else {
                continue;
            };
            let Some(how) = unpinned(image, ctx.options.require_digest) else {
                continue;
            };
            let word = ctx
                .instruction(stage.from_range)
                .and_then(|i| i.from_image());
            let range = word.map_or(stage.from_range, Word::range);
            let arg = word.and_then(|w| blamed_arg(w, ctx.build, &how));
            let shown = image.familiar();
            // A value given by the build (`--build-arg`, Compose or Bake `args`) is not the
            // ARG's default, and is fixed where the build is declared.
            if let Some(arg) = &arg
                && matches!(how, Unpinned::NoTag | Unpinned::Latest)
                && ctx.build_args.iter().any(|(name, _)| name == arg)
            {
                let what = match how {
                    Unpinned::NoTag => "has no tag",
                    _ => "uses the `latest` tag",
                };
                let message = format!(
                    "`{shown}`, the value the build gives `ARG {arg}`, {what}, so each build may \
                     pull a different image"
                );
                let help = format!(
                    "give the build argument `{arg}` a value with a version tag, or a digest, \
                     where the build is declared"
                );
                out.push(META.diagnostic(range, message).with_help(help));
                continue;
            }
            let (message, help) = match (&how, &arg) {
                (Unpinned::NoTag, None) => (
                    format!("`{shown}` has no tag, so each build may pull a different image"),
                    format!(
                        "add the version the build is written for, such as `{shown}:<version>`, \
                         or pin a digest with `@sha256:...`"
                    ),
                ),
                (Unpinned::NoTag, Some(arg)) => (
                    format!(
                        "`{shown}`, the default of `ARG {arg}`, has no tag, so each build may \
                         pull a different image"
                    ),
                    format!(
                        "give `ARG {arg}` a default with a version tag, such as \
                         `{shown}:<version>`, or a digest"
                    ),
                ),
                (Unpinned::Latest, None) => (
                    format!(
                        "`{shown}` uses the `latest` tag, so each build may pull a different \
                         image"
                    ),
                    "replace `latest` with the version the build is written for, or pin a \
                     digest with `@sha256:...`"
                        .to_string(),
                ),
                (Unpinned::Latest, Some(arg)) => (
                    format!(
                        "`{shown}` uses the `latest` tag, the default of `ARG {arg}`, so each \
                         build may pull a different image"
                    ),
                    format!(
                        "give `ARG {arg}` a default naming the version the build is written \
                         for, or a digest"
                    ),
                ),
                (Unpinned::NoDigest, arg) => (
                    format!(
                        "`{shown}` is not pinned to a digest, so its publisher can change the \
                         image under the tag"
                    ),
                    match arg {
                        Some(arg) => format!(
                            "add the digest to the default of `ARG {arg}`: \
                             `{shown}@sha256:...` (`docker buildx imagetools inspect {shown}` \
                             prints it)"
                        ),
                        None => format!(
                            "add the digest of the image: `{shown}@sha256:...` \
                             (`docker buildx imagetools inspect {shown}` prints it)"
                        ),
                    },
                ),
            };
            out.push(META.diagnostic(range, message).with_help(help));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::UnpinnedBaseImage;
    use crate::rules::RuleOptions;
    use crate::rules::test_support::{check, check_with, flagged};

    const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn flags_missing_and_latest_tags() {
        for (source, expected) in [
            ("FROM ubuntu\n", vec!["ubuntu"]),
            ("FROM node:latest\nRUN true\n", vec!["node:latest"]),
            (
                "FROM docker.io/library/nginx\n",
                vec!["docker.io/library/nginx"],
            ),
            (
                "FROM ghcr.io/org/app:latest\n",
                vec!["ghcr.io/org/app:latest"],
            ),
            // A registry port is not a tag.
            ("FROM localhost:5000/app\n", vec!["localhost:5000/app"]),
            (
                "FROM --platform=$BUILDPLATFORM golang AS build\nRUN go build\n",
                vec!["golang"],
            ),
            // Every stage, needed by the target or not.
            (
                "FROM alpine AS unused\nFROM debian:12 AS build\nFROM busybox:latest\n",
                vec!["alpine", "busybox:latest"],
            ),
            // Stage names are matched case-insensitively, images are not stages.
            (
                "FROM python AS Builder\nFROM builder\nRUN true\n",
                vec!["python"],
            ),
            // A quoted word.
            ("FROM \"redis\"\n", vec!["\"redis\""]),
        ] {
            let diagnostics = check(&UnpinnedBaseImage, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn messages_name_the_image() {
        let d = check(&UnpinnedBaseImage, "FROM ubuntu\n");
        assert_eq!(
            d[0].message,
            "`ubuntu` has no tag, so each build may pull a different image"
        );
        assert!(d[0].help.as_deref().unwrap().contains("ubuntu:<version>"));
        assert!(d[0].fix.is_none());
        let d = check(&UnpinnedBaseImage, "FROM node:latest\n");
        assert_eq!(
            d[0].message,
            "`node:latest` uses the `latest` tag, so each build may pull a different image"
        );
    }

    #[test]
    fn names_the_arg_whose_default_is_unpinned() {
        let source = "ARG V=latest\nFROM alpine:$V\n";
        let d = check(&UnpinnedBaseImage, source);
        assert_eq!(flagged(source, &d), ["alpine:$V"]);
        assert_eq!(
            d[0].message,
            "`alpine:latest` uses the `latest` tag, the default of `ARG V`, so each build may \
             pull a different image"
        );
        assert!(d[0].help.as_deref().unwrap().contains("ARG V"));

        let source = "ARG BASE=ubuntu\nFROM ${BASE}\n";
        let d = check(&UnpinnedBaseImage, source);
        assert_eq!(flagged(source, &d), ["${BASE}"]);
        assert_eq!(
            d[0].message,
            "`ubuntu`, the default of `ARG BASE`, has no tag, so each build may pull a \
             different image"
        );

        // The registry comes from an ARG, the missing tag does not.
        let source = "ARG REGISTRY=ghcr.io\nFROM $REGISTRY/org/app\n";
        let d = check(&UnpinnedBaseImage, source);
        assert_eq!(flagged(source, &d), ["$REGISTRY/org/app"]);
        assert_eq!(
            d[0].message,
            "`ghcr.io/org/app` has no tag, so each build may pull a different image"
        );
    }

    #[test]
    fn accepts_pinned_and_unresolved_bases() {
        for source in [
            "FROM scratch\nCOPY app /app\n",
            "FROM alpine:3.20\n",
            "FROM localhost:5000/app:1.2\n",
            &format!("FROM alpine@{DIGEST}\n"),
            &format!("FROM alpine:latest@{DIGEST}\n"),
            &format!("FROM alpine:3.20@{DIGEST}\n"),
            // Earlier stages, also one named like an image.
            "FROM golang:1.23 AS build\nFROM build\nRUN true\n",
            "FROM node:22 AS node\nFROM node\nRUN true\n",
            "FROM --platform=$BUILDPLATFORM golang:1.23 AS build\nFROM alpine:3.20\n",
            // ARG defaults that pin.
            "ARG V=3.20\nFROM alpine:$V\n",
            "ARG BASE=debian:12\nFROM $BASE\n",
            // Unresolved: never guess.
            "ARG BASE\nFROM $BASE\n",
            "ARG TAG\nFROM alpine:${TAG}\n",
            "FROM $UNDECLARED\n",
            "FROM\n",
        ] {
            assert!(check(&UnpinnedBaseImage, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn require_digest_flags_every_image_without_one() {
        let options = RuleOptions {
            require_digest: true,
            ..Default::default()
        };
        let source = format!(
            "FROM golang:1.23 AS build\nFROM build AS test\nFROM scratch AS empty\n\
             FROM alpine:3.20@{DIGEST}\nFROM ubuntu\nFROM busybox:latest\n"
        );
        let d = check_with(&UnpinnedBaseImage, &source, &options);
        assert_eq!(
            flagged(&source, &d),
            ["golang:1.23", "ubuntu", "busybox:latest"]
        );
        assert_eq!(
            d[0].message,
            "`golang:1.23` is not pinned to a digest, so its publisher can change the image \
             under the tag"
        );
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .contains("golang:1.23@sha256:")
        );
        // The plain checks keep their own messages.
        assert!(d[1].message.contains("has no tag"));
        assert!(d[2].message.contains("`latest`"));

        let source = "ARG BASE=node:22\nFROM $BASE\n";
        let d = check_with(&UnpinnedBaseImage, source, &options);
        assert!(d[0].help.as_deref().unwrap().contains("ARG BASE"));
        let d = check(&UnpinnedBaseImage, source);
        assert!(d.is_empty());
    }
}

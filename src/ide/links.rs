//! Document links: the image of each FROM points at its page on the registry's website, for
//! Docker Hub, GitHub's registry, Microsoft's registry and Quay. Stages, `scratch`, references
//! that depend on unknown build arguments and other registries get no link.

use crate::semantic::Base;
use crate::semantic::image_ref::ImageRef;
use crate::syntax::TextRange;

use super::Analysis;

/// A link from a range of the text to a web page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The image word of a FROM.
    pub range: TextRange,
    pub url: String,
}

/// The links of the whole file, in order.
#[must_use]
pub fn document_links(source: &str) -> Vec<Link> {
    let analysis = Analysis::new(source);
    let Some(file) = analysis.file() else {
        return Vec::new();
    };
    file.instructions()
        .filter_map(|instruction| {
            let word = instruction.from_image()?;
            let stage = analysis
                .build
                .stages
                .iter()
                .find(|s| s.from_range == instruction.range())?;
            let Base::Image(image) = &stage.base else {
                return None;
            };
            Some(Link {
                range: word.syntax().range(),
                url: image_url(image)?,
            })
        })
        .collect()
}

/// The web page of an image on a known registry.
#[must_use]
pub fn image_url(image: &ImageRef) -> Option<String> {
    let path = image.path();
    if image.is_docker_hub() {
        return Some(match path.strip_prefix("library/") {
            Some(name) if image.is_official() => format!("https://hub.docker.com/_/{name}"),
            _ => format!("https://hub.docker.com/r/{path}"),
        });
    }
    match image.registry() {
        "ghcr.io" => match path.split('/').collect::<Vec<_>>()[..] {
            [owner, package] => Some(format!(
                "https://github.com/{owner}/{package}/pkgs/container/{package}"
            )),
            _ => None,
        },
        "mcr.microsoft.com" => Some(format!("https://mcr.microsoft.com/artifact/mar/{path}")),
        "quay.io" => Some(format!("https://quay.io/repository/{path}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(reference: &str) -> Option<String> {
        image_url(&ImageRef::parse(reference).unwrap())
    }

    #[test]
    fn registries() {
        assert_eq!(
            url("alpine:3.20").unwrap(),
            "https://hub.docker.com/_/alpine"
        );
        assert_eq!(
            url("docker.io/library/node@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef").unwrap(),
            "https://hub.docker.com/_/node"
        );
        assert_eq!(
            url("bitnami/redis").unwrap(),
            "https://hub.docker.com/r/bitnami/redis"
        );
        assert_eq!(
            url("ghcr.io/owner/tool:1").unwrap(),
            "https://github.com/owner/tool/pkgs/container/tool"
        );
        assert_eq!(url("ghcr.io/owner/a/b"), None);
        assert_eq!(
            url("mcr.microsoft.com/dotnet/sdk:8.0").unwrap(),
            "https://mcr.microsoft.com/artifact/mar/dotnet/sdk"
        );
        assert_eq!(
            url("quay.io/prometheus/node-exporter").unwrap(),
            "https://quay.io/repository/prometheus/node-exporter"
        );
        assert_eq!(url("localhost:5000/app"), None);
        assert_eq!(url("gcr.io/distroless/static"), None);
    }

    #[test]
    fn images_of_from_only() {
        let source = "ARG V=3.20\nARG UNKNOWN\nFROM alpine:${V} AS build\nFROM build\n\
                      FROM scratch\nFROM ${UNKNOWN}\nFROM --platform=linux/amd64 quay.io/a/b\n\
                      COPY --from=alpine /x /y\n";
        let links = document_links(source);
        let words: Vec<_> = links
            .iter()
            .map(|l| (&source[l.range.as_usize()], l.url.as_str()))
            .collect();
        assert_eq!(
            words,
            [
                ("alpine:${V}", "https://hub.docker.com/_/alpine"),
                ("quay.io/a/b", "https://quay.io/repository/a/b"),
            ]
        );
    }

    #[test]
    fn half_typed() {
        assert!(document_links("FROM").is_empty());
        assert!(document_links("FROM Alpine\n").is_empty());
        assert!(document_links("").is_empty());
    }
}

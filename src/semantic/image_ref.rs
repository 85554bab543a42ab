//! Container image references such as `alpine:3.20` or `ghcr.io/org/app@sha256:…`, parsed
//! and normalised the way Docker's distribution reference library does it
//! (`ParseNormalizedNamed`, `ParseDockerRef` and `FamiliarString`).
//!
//! The grammar is `[registry/]path[:tag][@digest]`:
//!
//! - The registry is `host[:port]`, where the host is a dotted domain name of letters, digits
//!   and inner hyphens, or an IPv6 literal in brackets (`[::1]`). The first `/`-separated
//!   component is the registry only when it contains a `.` or a `:`, is `localhost`, or has an
//!   uppercase letter; otherwise the reference lives on Docker Hub (`docker.io`), and a
//!   single-component path there gets the `library/` prefix of official images.
//!   `index.docker.io` is the same registry as `docker.io` and is normalised to it.
//! - Each path component is lowercase letters and digits, with single `.` or `_`, a double
//!   `__`, or runs of `-` between them. The whole path, `library/` included, is at most
//!   255 characters.
//! - A tag is a letter, digit or `_`, followed by up to 127 letters, digits, `_`, `.` or `-`.
//! - A digest is `algorithm:hex` with at least 32 hex digits; `sha256`, `sha384` and `sha512`
//!   are the supported algorithms and need exactly 64, 96 and 128 lowercase hex digits.
//!
//! Two deliberate differences from the reference library: its single "invalid reference
//! format" is split into finer errors (bad tag, bad digest) where the fault is clear, and a
//! first component that the normaliser picks as a registry but that is not a valid host name
//! (`my_registry.local/app`) is rejected rather than silently read as a registry-less path.

use std::fmt;
use std::str::FromStr;

/// The registry a reference uses when it names none: Docker Hub.
pub const DEFAULT_REGISTRY: &str = "docker.io";

/// The legacy name of Docker Hub, normalised to [`DEFAULT_REGISTRY`].
const LEGACY_DEFAULT_REGISTRY: &str = "index.docker.io";

/// The path prefix of Docker Hub's official images.
const OFFICIAL_PREFIX: &str = "library/";

/// The longest repository path accepted, in bytes, counting any `library/` prefix.
pub const MAX_PATH_LEN: usize = 255;

/// The longest tag accepted, in bytes.
const MAX_TAG_LEN: usize = 128;

/// The fewest hex digits a digest's encoded part may have (a 128-bit value).
const MIN_DIGEST_HEX: usize = 32;

/// A parsed and normalised container image reference.
///
/// The registry and path are stored normalised (`alpine` becomes `docker.io` and
/// `library/alpine`); the tag and digest are kept as written. Equality and hashing compare
/// every part, including whether the registry was written explicitly, so compare
/// [`ImageRef::normalized`] to ask whether two references mean the same image.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageRef {
    registry: String,
    path: String,
    tag: Option<String>,
    digest: Option<String>,
    explicit_registry: bool,
}

impl ImageRef {
    /// Parses an image reference and normalises its registry and path.
    ///
    /// Nothing is expanded: the caller substitutes build arguments first. `scratch` parses
    /// as `docker.io/library/scratch`, so callers that treat it as the empty image must check
    /// for it themselves.
    ///
    /// # Errors
    ///
    /// Returns an [`ImageRefError`] saying why the text is not a valid reference: it is
    /// empty, breaks the grammar, has uppercase letters in its path, has a path over 255
    /// characters, or has a malformed tag or digest.
    pub fn parse(s: &str) -> Result<ImageRef, ImageRefError> {
        if s.is_empty() {
            return Err(ImageRefError::Empty);
        }
        if s.len() == 64 && s.bytes().all(is_lower_hex) {
            return Err(ImageRefError::HexIdentifier);
        }

        let (domain, rest) = split_domain(s);
        let registry = match domain {
            None | Some(LEGACY_DEFAULT_REGISTRY) => DEFAULT_REGISTRY,
            Some(domain) => domain,
        };
        let path_end = rest.find([':', '@']).unwrap_or(rest.len());
        let (written_path, suffix) = rest.split_at(path_end);
        let path = if registry == DEFAULT_REGISTRY && !written_path.contains('/') {
            format!("{OFFICIAL_PREFIX}{written_path}")
        } else {
            written_path.to_owned()
        };

        if path.chars().any(char::is_uppercase) {
            return Err(ImageRefError::Uppercase { path });
        }
        if domain.is_some_and(|domain| !is_valid_domain(domain)) {
            return Err(ImageRefError::InvalidFormat);
        }
        if !path.split('/').all(is_path_component) {
            return Err(ImageRefError::InvalidFormat);
        }

        let (tag, digest_part) = match suffix.strip_prefix(':') {
            Some(after) => {
                let end = after.find('@').unwrap_or(after.len());
                (Some(&after[..end]), &after[end..])
            }
            None => (None, suffix),
        };
        let digest = digest_part.strip_prefix('@');
        if let Some(tag) = tag
            && !is_valid_tag(tag)
        {
            return Err(ImageRefError::InvalidTag {
                tag: tag.to_owned(),
            });
        }
        let digest_parts = match digest {
            Some(digest) => {
                Some(
                    split_digest(digest).ok_or_else(|| ImageRefError::InvalidDigest {
                        digest: digest.to_owned(),
                    })?,
                )
            }
            None => None,
        };

        if path.len() > MAX_PATH_LEN {
            return Err(ImageRefError::NameTooLong { len: path.len() });
        }
        if let (Some(digest), Some((algorithm, encoded))) = (digest, digest_parts) {
            validate_digest(digest, algorithm, encoded)?;
        }

        Ok(ImageRef {
            registry: registry.to_owned(),
            path,
            tag: tag.map(str::to_owned),
            digest: digest.map(str::to_owned),
            explicit_registry: domain.is_some(),
        })
    }

    /// Returns the registry, with its port if one was given, such as `docker.io`,
    /// `localhost:5000` or `ghcr.io`.
    #[must_use]
    pub fn registry(&self) -> &str {
        &self.registry
    }

    /// Returns the repository path within the registry, such as `library/alpine` or
    /// `org/img`.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Returns the tag as written, or `None` when the reference has none; the implied
    /// `latest` is not returned here.
    #[must_use]
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// Returns the digest as written, such as `sha256:…`, or `None` when the reference has
    /// none.
    #[must_use]
    pub fn digest(&self) -> Option<&str> {
        self.digest.as_deref()
    }

    /// Returns whether the reference named its registry itself rather than relying on the
    /// Docker Hub default.
    #[must_use]
    pub fn has_explicit_registry(&self) -> bool {
        self.explicit_registry
    }

    /// Returns whether the image lives on Docker Hub.
    #[must_use]
    pub fn is_docker_hub(&self) -> bool {
        self.registry == DEFAULT_REGISTRY
    }

    /// Returns whether the image is a Docker Hub official image, one directly under
    /// `docker.io/library/`.
    #[must_use]
    pub fn is_official(&self) -> bool {
        self.is_docker_hub()
            && self
                .path
                .strip_prefix(OFFICIAL_PREFIX)
                .is_some_and(|rest| !rest.contains('/'))
    }

    /// Returns the fully qualified form, such as `docker.io/library/alpine:latest`.
    ///
    /// The tag `latest` is implied only when the reference has neither a tag nor a digest;
    /// a reference with both keeps both (unlike `ParseDockerRef`, which drops the tag).
    #[must_use]
    pub fn normalized(&self) -> String {
        let mut out = self.name();
        match (&self.tag, &self.digest) {
            (None, None) => out.push_str(":latest"),
            (tag, digest) => push_suffix(&mut out, tag.as_deref(), digest.as_deref()),
        }
        out
    }

    /// Returns the short form Docker prints, such as `alpine:3.20`, `org/img` or
    /// `ghcr.io/x/y:1`: Docker Hub's registry and the `library/` prefix of official images
    /// are left out, and no tag is implied.
    #[must_use]
    pub fn familiar(&self) -> String {
        let mut out = if self.is_docker_hub() {
            if self.is_official() {
                self.path[OFFICIAL_PREFIX.len()..].to_owned()
            } else {
                self.path.clone()
            }
        } else {
            self.name()
        };
        push_suffix(&mut out, self.tag.as_deref(), self.digest.as_deref());
        out
    }

    /// Returns the registry and path without tag or digest, such as
    /// `docker.io/library/alpine`.
    #[must_use]
    pub fn name(&self) -> String {
        format!("{}/{}", self.registry, self.path)
    }
}

impl fmt::Display for ImageRef {
    /// Writes the normalised form, as [`ImageRef::normalized`] returns it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.normalized())
    }
}

impl FromStr for ImageRef {
    type Err = ImageRefError;

    /// Parses an image reference, as [`ImageRef::parse`] does.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ImageRef::parse(s)
    }
}

/// Why a text is not a valid image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageRefError {
    /// The reference is empty.
    Empty,
    /// The reference does not follow the grammar: a bad registry, an empty or malformed path
    /// component, or stray characters.
    InvalidFormat,
    /// The repository path has uppercase letters; the path, with any `library/` prefix, is
    /// given.
    Uppercase {
        /// The offending repository path.
        path: String,
    },
    /// The repository path is longer than 255 characters.
    NameTooLong {
        /// The length of the path in bytes, `library/` prefix included.
        len: usize,
    },
    /// The tag is empty, too long, or has characters a tag may not have.
    InvalidTag {
        /// The tag as written, empty when nothing follows the `:`.
        tag: String,
    },
    /// The digest is not `algorithm:hex` with at least 32 hex digits, or its hex part is not
    /// lowercase hex for a supported algorithm.
    InvalidDigest {
        /// The digest as written.
        digest: String,
    },
    /// The digest's hex part has the wrong length for its algorithm.
    InvalidDigestLength {
        /// The digest's algorithm, such as `sha256`.
        algorithm: String,
        /// The number of hex digits the algorithm needs.
        expected: usize,
        /// The number of hex digits given.
        actual: usize,
    },
    /// The digest is well formed but its algorithm is not one of `sha256`, `sha384` and
    /// `sha512`.
    UnsupportedDigestAlgorithm {
        /// The algorithm as written.
        algorithm: String,
    },
    /// The whole reference is 64 lowercase hex digits, which is an image ID rather than a
    /// repository name.
    HexIdentifier,
}

impl fmt::Display for ImageRefError {
    /// Writes a lowercase message without a trailing period.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageRefError::Empty => f.write_str("repository name must have at least one component"),
            ImageRefError::InvalidFormat => f.write_str("invalid reference format"),
            ImageRefError::Uppercase { path } => write!(
                f,
                "invalid reference format: repository name ({path}) must be lowercase"
            ),
            ImageRefError::NameTooLong { len } => write!(
                f,
                "repository name must not be more than {MAX_PATH_LEN} characters (it has {len})"
            ),
            ImageRefError::InvalidTag { tag } if tag.is_empty() => {
                f.write_str("invalid tag format: the tag after `:` is empty")
            }
            ImageRefError::InvalidTag { tag } => write!(
                f,
                "invalid tag format: \"{tag}\" (a tag is 1 to {MAX_TAG_LEN} letters, digits, \
                 `_`, `.` or `-`, and does not start with `.` or `-`)"
            ),
            ImageRefError::InvalidDigest { digest } => write!(
                f,
                "invalid digest format: \"{digest}\" (a digest is `algorithm:hex`, such as \
                 `sha256:` and 64 lowercase hex digits)"
            ),
            ImageRefError::InvalidDigestLength {
                algorithm,
                expected,
                actual,
            } => write!(
                f,
                "invalid digest length: a {algorithm} digest has {expected} hex digits, not {actual}"
            ),
            ImageRefError::UnsupportedDigestAlgorithm { algorithm } => {
                write!(f, "unsupported digest algorithm: \"{algorithm}\"")
            }
            ImageRefError::HexIdentifier => f.write_str(
                "invalid repository name: cannot specify a 64-character hexadecimal string, \
                 which is an image id",
            ),
        }
    }
}

impl std::error::Error for ImageRefError {}

/// Splits off the registry the way the normaliser does: the text before the first `/` is a
/// registry when it contains `.` or `:`, is `localhost`, or has an uppercase letter.
fn split_domain(s: &str) -> (Option<&str>, &str) {
    match s.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':'])
                || first == "localhost"
                || first.chars().any(char::is_uppercase) =>
        {
            (Some(first), rest)
        }
        _ => (None, s),
    }
}

/// Checks `host[:port]`, where the host is a domain name, an IPv4 address or a bracketed
/// IPv6 literal.
fn is_valid_domain(domain: &str) -> bool {
    let port_part = if let Some(bracketed) = domain.strip_prefix('[') {
        let Some((inner, after)) = bracketed.split_once(']') else {
            return false;
        };
        if inner.is_empty() || !inner.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') {
            return false;
        }
        after
    } else {
        let host_end = domain.find(':').unwrap_or(domain.len());
        let (host, after) = domain.split_at(host_end);
        if !host.split('.').all(is_domain_component) {
            return false;
        }
        after
    };
    match port_part.strip_prefix(':') {
        Some(port) => !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()),
        None => port_part.is_empty(),
    }
}

/// Checks one dot-separated label of a host name: letters and digits, with hyphens allowed
/// inside but not at either end.
fn is_domain_component(label: &str) -> bool {
    let bytes = label.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        }
        _ => false,
    }
}

/// Checks one `/`-separated path component: runs of lowercase letters and digits joined by
/// `.`, `_`, `__` or one or more `-`.
fn is_path_component(component: &str) -> bool {
    let bytes = component.as_bytes();
    let mut i = 0;
    loop {
        let start = i;
        while i < bytes.len() && is_lower_alnum(bytes[i]) {
            i += 1;
        }
        if i == start {
            return false;
        }
        if i == bytes.len() {
            return true;
        }
        match bytes[i] {
            b'.' => i += 1,
            b'_' => {
                i += 1;
                if bytes.get(i) == Some(&b'_') {
                    i += 1;
                }
            }
            b'-' => {
                while bytes.get(i) == Some(&b'-') {
                    i += 1;
                }
            }
            _ => return false,
        }
    }
}

/// Checks a tag: a word character, then up to 127 word characters, `.` or `-`.
fn is_valid_tag(tag: &str) -> bool {
    let bytes = tag.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    match bytes.split_first() {
        Some((&first, rest)) => {
            bytes.len() <= MAX_TAG_LEN
                && is_word(first)
                && rest.iter().all(|&b| is_word(b) || b == b'.' || b == b'-')
        }
        None => false,
    }
}

/// Splits a digest into its algorithm and hex part when it follows the digest grammar.
fn split_digest(digest: &str) -> Option<(&str, &str)> {
    let (algorithm, encoded) = digest.split_once(':')?;
    let algorithm_ok = algorithm.split(['+', '.', '_', '-']).all(|component| {
        let bytes = component.as_bytes();
        bytes.first().is_some_and(u8::is_ascii_alphabetic)
            && bytes.iter().all(u8::is_ascii_alphanumeric)
    });
    let encoded_ok =
        encoded.len() >= MIN_DIGEST_HEX && encoded.bytes().all(|b| b.is_ascii_hexdigit());
    (algorithm_ok && encoded_ok).then_some((algorithm, encoded))
}

/// Checks a grammatical digest against its algorithm: a supported algorithm, the right
/// number of hex digits, all of them lowercase.
fn validate_digest(digest: &str, algorithm: &str, encoded: &str) -> Result<(), ImageRefError> {
    let expected = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => {
            return Err(ImageRefError::UnsupportedDigestAlgorithm {
                algorithm: algorithm.to_owned(),
            });
        }
    };
    if encoded.len() != expected {
        return Err(ImageRefError::InvalidDigestLength {
            algorithm: algorithm.to_owned(),
            expected,
            actual: encoded.len(),
        });
    }
    if !encoded.bytes().all(is_lower_hex) {
        return Err(ImageRefError::InvalidDigest {
            digest: digest.to_owned(),
        });
    }
    Ok(())
}

/// Appends `:tag` and `@digest` for the parts that are present.
fn push_suffix(out: &mut String, tag: Option<&str>, digest: Option<&str>) {
    if let Some(tag) = tag {
        out.push(':');
        out.push_str(tag);
    }
    if let Some(digest) = digest {
        out.push('@');
        out.push_str(digest);
    }
}

fn is_lower_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

fn is_lower_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hex(len: usize) -> String {
        "0123456789abcdef".repeat(len.div_ceil(16))[..len].to_owned()
    }

    fn sha256() -> String {
        format!("sha256:{}", hex(64))
    }

    fn parse(s: &str) -> ImageRef {
        ImageRef::parse(s).unwrap_or_else(|e| panic!("{s:?} should parse: {e}"))
    }

    fn err(s: &str) -> ImageRefError {
        match ImageRef::parse(s) {
            Ok(r) => panic!("{s:?} should be rejected, parsed as {r}"),
            Err(e) => e,
        }
    }

    #[test]
    fn official_image_without_tag() {
        let r = parse("alpine");
        assert_eq!(r.registry(), "docker.io");
        assert_eq!(r.path(), "library/alpine");
        assert_eq!(r.tag(), None);
        assert_eq!(r.digest(), None);
        assert!(!r.has_explicit_registry());
        assert!(r.is_docker_hub());
        assert!(r.is_official());
        assert_eq!(r.name(), "docker.io/library/alpine");
        assert_eq!(r.normalized(), "docker.io/library/alpine:latest");
        assert_eq!(r.familiar(), "alpine");
    }

    #[test]
    fn official_image_with_tag() {
        let r = parse("alpine:3.20");
        assert_eq!(r.path(), "library/alpine");
        assert_eq!(r.tag(), Some("3.20"));
        assert!(r.is_official());
        assert_eq!(r.normalized(), "docker.io/library/alpine:3.20");
        assert_eq!(r.familiar(), "alpine:3.20");
    }

    #[test]
    fn library_prefix_written_out() {
        let r = parse("library/alpine");
        assert_eq!(r.registry(), "docker.io");
        assert_eq!(r.path(), "library/alpine");
        assert!(!r.has_explicit_registry());
        assert!(r.is_official());
        assert_eq!(r.familiar(), "alpine");
        assert_eq!(r.normalized(), parse("alpine").normalized());
    }

    #[test]
    fn docker_io_written_out() {
        let r = parse("docker.io/alpine:edge");
        assert_eq!(r.registry(), "docker.io");
        assert_eq!(r.path(), "library/alpine");
        assert!(r.has_explicit_registry());
        assert!(r.is_official());
        assert_eq!(r.familiar(), "alpine:edge");
        // Equality includes how the registry was written; the normalised forms agree.
        assert_ne!(r, parse("alpine:edge"));
        assert_eq!(r.normalized(), parse("alpine:edge").normalized());
    }

    #[test]
    fn legacy_index_docker_io() {
        let r = parse("index.docker.io/library/nginx");
        assert_eq!(r.registry(), "docker.io");
        assert_eq!(r.path(), "library/nginx");
        assert!(r.has_explicit_registry());
        assert!(r.is_official());
        assert_eq!(r.normalized(), "docker.io/library/nginx:latest");
        assert_eq!(r.familiar(), "nginx");
        assert_eq!(parse("index.docker.io/nginx").path(), "library/nginx");
    }

    #[test]
    fn user_image_on_docker_hub() {
        let r = parse("myorg/app:1.0");
        assert_eq!(r.registry(), "docker.io");
        assert_eq!(r.path(), "myorg/app");
        assert!(r.is_docker_hub());
        assert!(!r.is_official());
        assert!(!r.has_explicit_registry());
        assert_eq!(r.normalized(), "docker.io/myorg/app:1.0");
        assert_eq!(r.familiar(), "myorg/app:1.0");
    }

    #[test]
    fn nested_library_path_is_not_official() {
        let r = parse("docker.io/library/foo/bar");
        assert_eq!(r.path(), "library/foo/bar");
        assert!(!r.is_official());
        assert_eq!(r.familiar(), "library/foo/bar");
    }

    #[test]
    fn other_registry() {
        let r = parse("ghcr.io/org/app:1.2");
        assert_eq!(r.registry(), "ghcr.io");
        assert_eq!(r.path(), "org/app");
        assert_eq!(r.tag(), Some("1.2"));
        assert!(r.has_explicit_registry());
        assert!(!r.is_docker_hub());
        assert!(!r.is_official());
        assert_eq!(r.name(), "ghcr.io/org/app");
        assert_eq!(r.normalized(), "ghcr.io/org/app:1.2");
        assert_eq!(r.familiar(), "ghcr.io/org/app:1.2");
    }

    #[test]
    fn single_component_path_elsewhere_gets_no_library_prefix() {
        let r = parse("quay.io/app");
        assert_eq!(r.path(), "app");
        assert_eq!(r.familiar(), "quay.io/app");
    }

    #[test]
    fn registry_port_is_not_a_tag() {
        let r = parse("localhost:5000/app");
        assert_eq!(r.registry(), "localhost:5000");
        assert_eq!(r.path(), "app");
        assert_eq!(r.tag(), None);
        assert!(r.has_explicit_registry());
        assert_eq!(r.normalized(), "localhost:5000/app:latest");
        assert_eq!(r.familiar(), "localhost:5000/app");
    }

    #[test]
    fn registry_port_and_tag() {
        let r = parse("localhost:5000/app:dev");
        assert_eq!(r.registry(), "localhost:5000");
        assert_eq!(r.path(), "app");
        assert_eq!(r.tag(), Some("dev"));
        assert_eq!(r.normalized(), "localhost:5000/app:dev");
    }

    #[test]
    fn localhost_without_port_is_a_registry() {
        let r = parse("localhost/app");
        assert_eq!(r.registry(), "localhost");
        assert_eq!(r.path(), "app");
    }

    #[test]
    fn host_and_port_without_a_slash_is_a_hub_image_and_tag() {
        let r = parse("localhost:5000");
        assert_eq!(r.registry(), "docker.io");
        assert_eq!(r.path(), "library/localhost");
        assert_eq!(r.tag(), Some("5000"));
        let r = parse("ghcr.io");
        assert_eq!(r.path(), "library/ghcr.io");
    }

    #[test]
    fn digest_with_registry_port() {
        let s = format!("registry.example.com:8443/team/app@{}", sha256());
        let r = parse(&s);
        assert_eq!(r.registry(), "registry.example.com:8443");
        assert_eq!(r.path(), "team/app");
        assert_eq!(r.tag(), None);
        assert_eq!(r.digest(), Some(sha256().as_str()));
        assert_eq!(r.normalized(), s);
        assert_eq!(r.familiar(), s);
    }

    #[test]
    fn digest_only_implies_no_latest() {
        let r = parse(&format!("alpine@{}", sha256()));
        assert_eq!(r.tag(), None);
        assert_eq!(
            r.normalized(),
            format!("docker.io/library/alpine@{}", sha256())
        );
        assert_eq!(r.familiar(), format!("alpine@{}", sha256()));
    }

    #[test]
    fn tag_and_digest_are_both_kept() {
        let r = parse(&format!("alpine:3.20@{}", sha256()));
        assert_eq!(r.tag(), Some("3.20"));
        assert_eq!(r.digest(), Some(sha256().as_str()));
        assert_eq!(
            r.normalized(),
            format!("docker.io/library/alpine:3.20@{}", sha256())
        );
        assert_eq!(r.familiar(), format!("alpine:3.20@{}", sha256()));
    }

    #[test]
    fn sha384_and_sha512_digests() {
        let r = parse(&format!("app@sha512:{}", hex(128)));
        assert_eq!(r.digest(), Some(format!("sha512:{}", hex(128)).as_str()));
        let r = parse(&format!("app@sha384:{}", hex(96)));
        assert_eq!(r.digest(), Some(format!("sha384:{}", hex(96)).as_str()));
    }

    #[test]
    fn ipv6_registry() {
        let r = parse("[::1]:5000/app:v1");
        assert_eq!(r.registry(), "[::1]:5000");
        assert_eq!(r.path(), "app");
        assert_eq!(r.tag(), Some("v1"));
        assert_eq!(r.normalized(), "[::1]:5000/app:v1");
        assert_eq!(r.familiar(), "[::1]:5000/app:v1");

        let r = parse("[2001:db8::1]/team/app");
        assert_eq!(r.registry(), "[2001:db8::1]");
        assert_eq!(r.path(), "team/app");
        assert_eq!(r.tag(), None);
    }

    #[test]
    fn ipv4_registry() {
        let r = parse("192.168.1.10:5000/app");
        assert_eq!(r.registry(), "192.168.1.10:5000");
        assert_eq!(r.path(), "app");
    }

    #[test]
    fn uppercase_first_component_is_a_registry() {
        let r = parse("MyRegistry/app");
        assert_eq!(r.registry(), "MyRegistry");
        assert_eq!(r.path(), "app");
        assert!(r.has_explicit_registry());
    }

    #[test]
    fn scratch_is_an_ordinary_official_name() {
        let r = parse("scratch");
        assert_eq!(r.registry(), "docker.io");
        assert_eq!(r.path(), "library/scratch");
        assert!(r.is_official());
        assert_eq!(r.familiar(), "scratch");
    }

    #[test]
    fn path_separators() {
        let r = parse("a_b__c---d/e.f-g");
        assert_eq!(r.path(), "a_b__c---d/e.f-g");
        for bad in [
            "a..b", "a___b", "a._b", "a_-b", "-a", "a-", "a.", "_a", "a b", "a/", "a//b",
        ] {
            assert_eq!(err(bad), ImageRefError::InvalidFormat, "{bad:?}");
        }
    }

    #[test]
    fn first_component_with_a_dot_is_a_registry() {
        let r = parse("a.b/c");
        assert_eq!(r.registry(), "a.b");
        assert_eq!(r.path(), "c");
        // A dotted first component that is a valid path component but not a host name is
        // rejected instead of being read as a path without a registry.
        assert_eq!(err("a.b_c/d"), ImageRefError::InvalidFormat);
        assert_eq!(parse("ghcr.io/a.b_c__d---e/f").path(), "a.b_c__d---e/f");
    }

    #[test]
    fn uppercase_in_path_is_rejected() {
        assert_eq!(
            err("Alpine"),
            ImageRefError::Uppercase {
                path: "library/Alpine".into()
            }
        );
        assert_eq!(
            err("myorg/App:1"),
            ImageRefError::Uppercase {
                path: "myorg/App".into()
            }
        );
        assert_eq!(
            err("ghcr.io/Org/app"),
            ImageRefError::Uppercase {
                path: "Org/app".into()
            }
        );
        assert_eq!(
            err("Alpine").to_string(),
            "invalid reference format: repository name (library/Alpine) must be lowercase"
        );
    }

    #[test]
    fn uppercase_in_tag_is_allowed() {
        assert_eq!(parse("alpine:V1_Final").tag(), Some("V1_Final"));
    }

    #[test]
    fn bad_tags_are_rejected() {
        for (input, tag) in [
            ("alpine:3.20!", "3.20!"),
            ("alpine:.hidden", ".hidden"),
            ("alpine:-x", "-x"),
            ("alpine:a:b", "a:b"),
            ("alpine:é", "é"),
        ] {
            assert_eq!(
                err(input),
                ImageRefError::InvalidTag { tag: tag.into() },
                "{input:?}"
            );
        }
    }

    #[test]
    fn tag_length_limit() {
        let ok = format!("alpine:{}", "a".repeat(128));
        assert_eq!(parse(&ok).tag().map(str::len), Some(128));
        let long = "a".repeat(129);
        assert_eq!(
            err(&format!("alpine:{long}")),
            ImageRefError::InvalidTag { tag: long }
        );
    }

    #[test]
    fn trailing_colon_is_rejected() {
        let empty = ImageRefError::InvalidTag { tag: String::new() };
        assert_eq!(err("alpine:"), empty);
        assert_eq!(err("localhost:5000/app:"), empty);
        assert_eq!(err(&format!("alpine:@{}", sha256())), empty);
        // A colon with no port is a broken registry, not an empty tag.
        assert_eq!(err("localhost:/app"), ImageRefError::InvalidFormat);
    }

    #[test]
    fn empty_is_rejected() {
        assert_eq!(err(""), ImageRefError::Empty);
        assert_eq!(
            ImageRefError::Empty.to_string(),
            "repository name must have at least one component"
        );
    }

    #[test]
    fn bad_digests_are_rejected() {
        let invalid = |d: &str| ImageRefError::InvalidDigest { digest: d.into() };
        assert_eq!(err("alpine@"), invalid(""));
        assert_eq!(err("alpine@sha256"), invalid("sha256"));
        assert_eq!(err("alpine@sha256:abc"), invalid("sha256:abc"));
        assert_eq!(
            err(&format!("alpine@sha256:{}g", hex(63))),
            invalid(&format!("sha256:{}g", hex(63)))
        );
        assert_eq!(
            err(&format!("alpine@1sha:{}", hex(64))),
            invalid(&format!("1sha:{}", hex(64)))
        );
        assert_eq!(
            err(&format!("alpine@sha256+:{}", hex(64))),
            invalid(&format!("sha256+:{}", hex(64)))
        );
        let upper = format!("sha256:{}", hex(64).to_uppercase());
        assert_eq!(err(&format!("alpine@{upper}")), invalid(&upper));
        assert_eq!(
            err(&format!("alpine@sha256:{}", hex(40))),
            ImageRefError::InvalidDigestLength {
                algorithm: "sha256".into(),
                expected: 64,
                actual: 40
            }
        );
        assert_eq!(
            err(&format!("alpine@sha512:{}", hex(64))),
            ImageRefError::InvalidDigestLength {
                algorithm: "sha512".into(),
                expected: 128,
                actual: 64
            }
        );
        assert_eq!(
            err(&format!("alpine@md5:{}", hex(32))),
            ImageRefError::UnsupportedDigestAlgorithm {
                algorithm: "md5".into()
            }
        );
        assert_eq!(
            err(&format!("alpine@{}@{}", sha256(), sha256())),
            invalid(&format!("{}@{}", sha256(), sha256()))
        );
    }

    #[test]
    fn bad_registries_are_rejected() {
        for bad in [
            "localhost:abc/app",
            "-bad.com/app",
            "bad-.com/app",
            "a..com/app",
            "my_registry.local/app",
            "[::1/app",
            "[]/app",
            "[::g]/app",
            "[::1]x/app",
            "[::1]:/app",
            "[0]/app",
            "ghcr.io/",
            "/alpine",
        ] {
            assert_eq!(err(bad), ImageRefError::InvalidFormat, "{bad:?}");
        }
    }

    #[test]
    fn image_id_is_rejected() {
        assert_eq!(err(&hex(64)), ImageRefError::HexIdentifier);
        // Not exactly 64 lowercase hex digits: an ordinary name.
        assert_eq!(parse(&hex(63)).path(), format!("library/{}", hex(63)));
    }

    #[test]
    fn name_length_limit_counts_the_path() {
        // 8 bytes of `library/` plus 247 is exactly 255.
        let ok = "a".repeat(247);
        assert_eq!(parse(&ok).path().len(), 255);
        let long = "a".repeat(248);
        assert_eq!(err(&long), ImageRefError::NameTooLong { len: 256 });
        // The registry does not count.
        let path = format!("{}/{}", "b".repeat(126), "c".repeat(128));
        assert_eq!(parse(&format!("registry.example.com/{path}")).path(), path);
        let path = format!("{}/{}", "b".repeat(128), "c".repeat(128));
        assert_eq!(
            err(&format!("registry.example.com/{path}")),
            ImageRefError::NameTooLong { len: 257 }
        );
    }

    #[test]
    fn normalized_values() {
        let d = sha256();
        for (input, normalized) in [
            ("alpine", "docker.io/library/alpine:latest".to_owned()),
            ("alpine:3.20", "docker.io/library/alpine:3.20".to_owned()),
            (
                "library/alpine",
                "docker.io/library/alpine:latest".to_owned(),
            ),
            ("myorg/app", "docker.io/myorg/app:latest".to_owned()),
            ("docker.io/myorg/app:1", "docker.io/myorg/app:1".to_owned()),
            (
                "index.docker.io/nginx",
                "docker.io/library/nginx:latest".to_owned(),
            ),
            ("ghcr.io/org/app:1.2", "ghcr.io/org/app:1.2".to_owned()),
            ("localhost:5000/app", "localhost:5000/app:latest".to_owned()),
            (
                &format!("nginx@{d}"),
                format!("docker.io/library/nginx@{d}"),
            ),
            (
                &format!("nginx:1@{d}"),
                format!("docker.io/library/nginx:1@{d}"),
            ),
        ] {
            let r = parse(input);
            assert_eq!(r.normalized(), normalized, "{input:?}");
            assert_eq!(r.to_string(), normalized, "{input:?}");
        }
    }

    #[test]
    fn familiar_round_trips() {
        let d = sha256();
        for (input, familiar) in [
            ("alpine", "alpine".to_owned()),
            ("docker.io/library/alpine:3.20", "alpine:3.20".to_owned()),
            ("index.docker.io/library/nginx", "nginx".to_owned()),
            ("docker.io/myorg/app", "myorg/app".to_owned()),
            ("ghcr.io/x/y:1", "ghcr.io/x/y:1".to_owned()),
            (
                "localhost:5000/app:dev",
                "localhost:5000/app:dev".to_owned(),
            ),
            ("[::1]:5000/app", "[::1]:5000/app".to_owned()),
            (&format!("alpine:3@{d}"), format!("alpine:3@{d}")),
        ] {
            let r = parse(input);
            assert_eq!(r.familiar(), familiar, "{input:?}");
            let again = parse(&r.familiar());
            assert_eq!(again.normalized(), r.normalized(), "{input:?}");
            assert_eq!(again.familiar(), familiar, "{input:?}");
            // Parsing the normalised form gives the same reference back, registry made explicit.
            assert_eq!(parse(&r.normalized()).familiar(), {
                let mut f = familiar.clone();
                if r.tag().is_none() && r.digest().is_none() {
                    f.push_str(":latest");
                }
                f
            });
        }
    }

    #[test]
    fn from_str_matches_parse() {
        let r: ImageRef = "ghcr.io/org/app:1.2".parse().unwrap();
        assert_eq!(r, parse("ghcr.io/org/app:1.2"));
        assert_eq!("".parse::<ImageRef>(), Err(ImageRefError::Empty));
    }

    #[test]
    fn error_messages_are_lowercase_without_trailing_period() {
        let errors = [
            ImageRefError::Empty,
            ImageRefError::InvalidFormat,
            ImageRefError::Uppercase {
                path: "library/x".into(),
            },
            ImageRefError::NameTooLong { len: 300 },
            ImageRefError::InvalidTag { tag: String::new() },
            ImageRefError::InvalidTag { tag: "!".into() },
            ImageRefError::InvalidDigest {
                digest: "sha256:x".into(),
            },
            ImageRefError::InvalidDigestLength {
                algorithm: "sha256".into(),
                expected: 64,
                actual: 3,
            },
            ImageRefError::UnsupportedDigestAlgorithm {
                algorithm: "md5".into(),
            },
            ImageRefError::HexIdentifier,
        ];
        for e in errors {
            let message = e.to_string();
            assert!(
                message.starts_with(|c: char| c.is_ascii_lowercase()),
                "{message}"
            );
            assert!(!message.ends_with('.'), "{message}");
            let _: &dyn std::error::Error = &e;
        }
        assert_eq!(
            ImageRefError::InvalidFormat.to_string(),
            "invalid reference format"
        );
    }

    fn path_component() -> impl Strategy<Value = String> {
        "[a-z0-9]{1,5}((\\.|_|__|-{1,3})[a-z0-9]{1,5}){0,2}"
    }

    /// A first path component with no `.`, so that it is never taken for a registry.
    fn first_path_component() -> impl Strategy<Value = String> {
        "[a-z0-9]{1,5}((_|__|-{1,3})[a-z0-9]{1,5}){0,2}"
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn generated_references_parse_and_round_trip(
            registry in proptest::option::of(prop_oneof![
                Just("docker.io".to_owned()),
                Just("localhost".to_owned()),
                "[a-z][a-z0-9-]{0,6}[a-z0-9]\\.[a-z]{2,4}(:[0-9]{1,5})?",
                "\\[[0-9a-f]{0,4}:[0-9a-f:]{0,6}\\](:[0-9]{1,5})?",
            ]),
            first in first_path_component(),
            rest in proptest::collection::vec(path_component(), 0..3),
            tag in proptest::option::of("[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}"),
            digest in proptest::option::of("[0-9a-f]{64}"),
        ) {
            let path = std::iter::once(first).chain(rest).collect::<Vec<_>>().join("/");
            let mut input = match &registry {
                Some(registry) => format!("{registry}/{path}"),
                None => path.clone(),
            };
            if let Some(tag) = &tag {
                input.push(':');
                input.push_str(tag);
            }
            if let Some(digest) = &digest {
                input.push_str("@sha256:");
                input.push_str(digest);
            }
            let r = ImageRef::parse(&input).unwrap();
            prop_assert_eq!(r.tag(), tag.as_deref());
            prop_assert_eq!(r.digest().is_some(), digest.is_some());
            prop_assert_eq!(r.has_explicit_registry(), registry.is_some());
            prop_assert!(r.path().ends_with(&path));
            let again = ImageRef::parse(&r.familiar()).unwrap();
            prop_assert_eq!(again.normalized(), r.normalized());
            let from_normalized = ImageRef::parse(&r.normalized()).unwrap();
            prop_assert_eq!(from_normalized.name(), r.name());
        }

        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,40}") {
            let _ = ImageRef::parse(&s);
        }
    }
}

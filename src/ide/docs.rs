//! The reference text the editor features show: what each instruction, flag, `--mount`
//! key and parser directive does, and each instruction's syntax for signature help.

use crate::syntax::SyntaxKind;

/// What an instruction does and how it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstructionDoc {
    /// The keyword, as Docker spells it.
    pub keyword: &'static str,
    /// One or two sentences saying what the instruction does.
    pub summary: &'static str,
    /// The forms it is written in, one per line; the first is the one signature help shows.
    pub syntax: &'static [&'static str],
    /// The snippet completion inserts, with `${1:placeholder}` tab stops.
    pub snippet: &'static str,
}

macro_rules! instruction_docs {
    ($($kind:ident, $keyword:literal, $snippet:literal, [$($syntax:literal),+], $summary:literal;)*) => {
        /// Every instruction, in the order of [`crate::syntax::INSTRUCTIONS`].
        pub const INSTRUCTION_DOCS: &[(SyntaxKind, InstructionDoc)] = &[
            $((SyntaxKind::$kind, InstructionDoc {
                keyword: $keyword,
                summary: $summary,
                syntax: &[$($syntax),+],
                snippet: $snippet,
            }),)*
        ];
    };
}

instruction_docs! {
    FROM_INSTR, "FROM", "FROM ${1:image}:${2:tag}",
        ["FROM [--platform=<platform>] <image> [AS <name>]"],
        "Starts a build stage from a base image, `scratch` or an earlier stage. `AS <name>` names the stage for `COPY --from` and `FROM`.";
    RUN_INSTR, "RUN", "RUN ${1:command}",
        ["RUN [--mount=<mount>] [--network=<mode>] [--security=<mode>] <command>", "RUN [\"executable\", \"param\"...]"],
        "Runs a command in a new layer on top of the current image. Shell form runs it with the stage's shell (`/bin/sh -c` by default).";
    CMD_INSTR, "CMD", "CMD [\"${1:executable}\"]",
        ["CMD [\"executable\", \"param\"...]", "CMD command param...", "CMD [\"param\"...]"],
        "Sets the default command of the container, or the default arguments of its ENTRYPOINT. Only the last CMD of a stage counts.";
    LABEL_INSTR, "LABEL", "LABEL ${1:key}=\"${2:value}\"",
        ["LABEL <key>=<value> [<key>=<value>...]"],
        "Adds metadata to the image as key-value pairs.";
    MAINTAINER_INSTR, "MAINTAINER", "MAINTAINER ${1:name}",
        ["MAINTAINER <name>"],
        "Deprecated: sets the author field of the image. Use `LABEL org.opencontainers.image.authors=...` instead.";
    EXPOSE_INSTR, "EXPOSE", "EXPOSE ${1:port}",
        ["EXPOSE <port>[/<protocol>] [<port>[/<protocol>]...]"],
        "Documents the ports the container listens on (`tcp` unless `/udp` is given). It publishes nothing by itself.";
    ENV_INSTR, "ENV", "ENV ${1:key}=${2:value}",
        ["ENV <key>=<value> [<key>=<value>...]", "ENV <key> <value>"],
        "Sets environment variables for the rest of the stage, the stages built on it and the running container.";
    ADD_INSTR, "ADD", "ADD ${1:source} ${2:dest}",
        ["ADD [--chown=<user>:<group>] [--chmod=<perms>] [--link] [--checksum=<hash>] <src>... <dest>", "ADD [\"<src>\",... \"<dest>\"]"],
        "Copies files, remote URLs or git repositories into the image, extracting local tar archives. Prefer COPY for plain files.";
    COPY_INSTR, "COPY", "COPY ${1:source} ${2:dest}",
        ["COPY [--from=<stage|image>] [--chown=<user>:<group>] [--chmod=<perms>] [--link] <src>... <dest>", "COPY [\"<src>\",... \"<dest>\"]"],
        "Copies files from the build context, an earlier stage or an image into the image.";
    ENTRYPOINT_INSTR, "ENTRYPOINT", "ENTRYPOINT [\"${1:executable}\"]",
        ["ENTRYPOINT [\"executable\", \"param\"...]", "ENTRYPOINT command param..."],
        "Sets the program the container runs; CMD supplies its default arguments. Exec form lets it receive signals.";
    VOLUME_INSTR, "VOLUME", "VOLUME [\"${1:/data}\"]",
        ["VOLUME [\"<path>\"...]", "VOLUME <path> [<path>...]"],
        "Declares mount points for external volumes. Changes to the path after this instruction are discarded in RUN.";
    USER_INSTR, "USER", "USER ${1:user}",
        ["USER <user>[:<group>]"],
        "Sets the user (and group) that later RUN instructions and the container run as.";
    WORKDIR_INSTR, "WORKDIR", "WORKDIR ${1:/path}",
        ["WORKDIR <path>"],
        "Sets the working directory of later instructions and of the container, creating it if needed. A relative path is resolved against the previous WORKDIR.";
    ARG_INSTR, "ARG", "ARG ${1:name}",
        ["ARG <name>[=<default>] [<name>[=<default>]...]"],
        "Declares a build argument that `--build-arg` can set. Before the first FROM it is global (usable in FROM); inside a stage it is visible from there to the end of the stage.";
    ONBUILD_INSTR, "ONBUILD", "ONBUILD ${1:INSTRUCTION}",
        ["ONBUILD <INSTRUCTION>"],
        "Adds a trigger instruction that runs when another build uses this image (or stage) as its base.";
    STOPSIGNAL_INSTR, "STOPSIGNAL", "STOPSIGNAL ${1:SIGTERM}",
        ["STOPSIGNAL <signal>"],
        "Sets the system call signal sent to the container to stop it.";
    HEALTHCHECK_INSTR, "HEALTHCHECK", "HEALTHCHECK CMD ${1:command}",
        ["HEALTHCHECK [--interval=<duration>] [--timeout=<duration>] [--start-period=<duration>] [--start-interval=<duration>] [--retries=<n>] CMD <command>", "HEALTHCHECK NONE"],
        "Tells the runtime how to test that the container still works. `NONE` disables a check inherited from the base image.";
    SHELL_INSTR, "SHELL", "SHELL [\"${1:/bin/sh}\", \"${2:-c}\"]",
        ["SHELL [\"executable\", \"parameters\"]"],
        "Sets the shell that runs the shell form of RUN, CMD and ENTRYPOINT for the rest of the stage.";
}

/// The documentation of an instruction kind.
#[must_use]
pub fn instruction_doc(kind: SyntaxKind) -> Option<&'static InstructionDoc> {
    INSTRUCTION_DOCS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, d)| d)
}

/// What each flag does, by instruction.
const FLAG_DOCS: &[(SyntaxKind, &str, &str)] = &[
    (
        SyntaxKind::FROM_INSTR,
        "platform",
        "The platform of the base image, such as `linux/amd64` or `$BUILDPLATFORM`.",
    ),
    (
        SyntaxKind::RUN_INSTR,
        "mount",
        "Mounts a filesystem for this command only: `type=bind|cache|tmpfs|secret|ssh` with `target=` and the type's options.",
    ),
    (
        SyntaxKind::RUN_INSTR,
        "network",
        "The network the command runs in: `default`, `none` or `host`.",
    ),
    (
        SyntaxKind::RUN_INSTR,
        "security",
        "`insecure` runs the command with full privileges (needs the `security.insecure` entitlement); `sandbox` is the default.",
    ),
    (
        SyntaxKind::RUN_INSTR,
        "device",
        "Makes a CDI device available to the command.",
    ),
    (
        SyntaxKind::COPY_INSTR,
        "from",
        "Copies from an earlier stage (by name or index) or an image instead of the build context.",
    ),
    (
        SyntaxKind::COPY_INSTR,
        "chown",
        "The user and group that own the copied files: `<user>[:<group>]`, by name or id.",
    ),
    (
        SyntaxKind::COPY_INSTR,
        "chmod",
        "The permissions of the copied files, in octal (`0755`) or symbolic form.",
    ),
    (
        SyntaxKind::COPY_INSTR,
        "link",
        "Copies into an independent layer, so the layer stays cached when earlier layers change.",
    ),
    (
        SyntaxKind::COPY_INSTR,
        "parents",
        "Keeps the parent directories of the sources under the destination.",
    ),
    (
        SyntaxKind::COPY_INSTR,
        "exclude",
        "A pattern of paths to leave out of the copy; may repeat.",
    ),
    (
        SyntaxKind::ADD_INSTR,
        "chown",
        "The user and group that own the added files: `<user>[:<group>]`, by name or id.",
    ),
    (
        SyntaxKind::ADD_INSTR,
        "chmod",
        "The permissions of the added files, in octal (`0755`) or symbolic form.",
    ),
    (
        SyntaxKind::ADD_INSTR,
        "link",
        "Adds into an independent layer, so the layer stays cached when earlier layers change.",
    ),
    (
        SyntaxKind::ADD_INSTR,
        "keep-git-dir",
        "Keeps the `.git` directory when adding a git repository.",
    ),
    (
        SyntaxKind::ADD_INSTR,
        "checksum",
        "The expected checksum of a remote source (`sha256:...`); the build fails on a mismatch.",
    ),
    (
        SyntaxKind::ADD_INSTR,
        "unpack",
        "Whether to extract a tar archive source (the default for local archives).",
    ),
    (
        SyntaxKind::ADD_INSTR,
        "exclude",
        "A pattern of paths to leave out; may repeat.",
    ),
    (
        SyntaxKind::HEALTHCHECK_INSTR,
        "interval",
        "The time between two checks (default `30s`).",
    ),
    (
        SyntaxKind::HEALTHCHECK_INSTR,
        "timeout",
        "How long one check may run before it counts as failed (default `30s`).",
    ),
    (
        SyntaxKind::HEALTHCHECK_INSTR,
        "start-period",
        "How long the container gets to start before failed checks count (default `0s`).",
    ),
    (
        SyntaxKind::HEALTHCHECK_INSTR,
        "start-interval",
        "The time between two checks during the start period (default `5s`).",
    ),
    (
        SyntaxKind::HEALTHCHECK_INSTR,
        "retries",
        "How many failed checks in a row make the container unhealthy (default `3`).",
    ),
];

/// What a flag of an instruction does, or `None` for a flag the instruction does not take.
#[must_use]
pub fn flag_doc(kind: SyntaxKind, name: &str) -> Option<&'static str> {
    FLAG_DOCS
        .iter()
        .find(|(k, n, _)| *k == kind && *n == name)
        .map(|(_, _, d)| *d)
}

/// What each `--mount` key means.
const MOUNT_KEY_DOCS: &[(&str, &str)] = &[
    (
        "type",
        "The mount type: `bind` (default), `cache`, `tmpfs`, `secret` or `ssh`.",
    ),
    ("target", "Where the mount appears in the container."),
    ("dst", "Where the mount appears in the container."),
    ("destination", "Where the mount appears in the container."),
    (
        "source",
        "The path mounted, in the build context or in `from`.",
    ),
    (
        "src",
        "The path mounted, in the build context or in `from`.",
    ),
    (
        "from",
        "The stage or image to mount from (the build context by default).",
    ),
    ("ro", "Mounts read-only."),
    ("readonly", "Mounts read-only."),
    (
        "rw",
        "Mounts read-write (bind mounts are read-only by default).",
    ),
    (
        "readwrite",
        "Mounts read-write (bind mounts are read-only by default).",
    ),
    (
        "id",
        "The id of the cache, secret or SSH agent socket (defaults to the target for caches).",
    ),
    (
        "sharing",
        "How concurrent builds share a cache: `shared`, `private` or `locked`.",
    ),
    ("mode", "The file mode of the mounted file or directory."),
    ("uid", "The user id of the mounted file or directory."),
    ("gid", "The group id of the mounted file or directory."),
    ("size", "The size limit of a tmpfs mount."),
    (
        "required",
        "Fails the build when the secret or SSH agent is missing.",
    ),
    (
        "env",
        "Exposes a secret as this environment variable instead of a file.",
    ),
];

/// What a `--mount` key means.
#[must_use]
pub fn mount_key_doc(key: &str) -> Option<&'static str> {
    let key = key.to_ascii_lowercase();
    MOUNT_KEY_DOCS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, d)| *d)
}

/// The parser directives, with what they do.
pub const DIRECTIVE_DOCS: &[(&str, &str)] = &[
    (
        "syntax",
        "The frontend image that parses this Dockerfile, such as `docker/dockerfile:1`.",
    ),
    (
        "escape",
        "The escape character of the file: `\\` (the default) or `` ` ``.",
    ),
    (
        "check",
        "Configures the build checks: `skip=<check>,...` to turn checks off, `error=true` to fail the build on a warning.",
    ),
];

/// What a parser directive does.
#[must_use]
pub fn directive_doc(key: &str) -> Option<&'static str> {
    let key = key.to_ascii_lowercase();
    DIRECTIVE_DOCS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, d)| *d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{INSTRUCTIONS, allowed_flags};

    #[test]
    fn every_instruction_and_flag_is_documented() {
        for &(keyword, kind) in INSTRUCTIONS {
            let doc = instruction_doc(kind).unwrap_or_else(|| panic!("{keyword} has no doc"));
            assert_eq!(doc.keyword, keyword);
            assert!(doc.syntax[0].starts_with(keyword), "{keyword}");
            assert!(doc.snippet.starts_with(keyword), "{keyword}");
            for (flag, _) in allowed_flags(kind).unwrap_or(&[]) {
                assert!(flag_doc(kind, flag).is_some(), "{keyword} --{flag}");
            }
        }
        for key in crate::syntax::MOUNT_KEYS {
            assert!(mount_key_doc(key).is_some(), "--mount {key}");
        }
    }
}

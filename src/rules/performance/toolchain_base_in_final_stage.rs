//! DFL3120 `toolchain-base-in-final-stage`: the image compiles in a RUN and ships on the
//! full build toolchain image it compiled with.

use crate::Diagnostic;
use crate::Severity;
use crate::rules::{
    DiagnosticExt, FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus,
};
use crate::semantic::image_ref::ImageRef;
use crate::semantic::{Base, Build, Field};
use crate::shell::Command;
use crate::shell::packages::{image_stages, program, real_commands, subcommand};

pub static META: RuleMeta = RuleMeta {
    code: "DFL3120",
    name: "toolchain-base-in-final-stage",
    category: RuleCategory::Performance,
    severity: Severity::Info,
    fix: FixAvailability::None,
    status: RuleStatus::Preview,
    aliases: &["DF011"],
    summary: "The image compiles in a `RUN` and ships on the full build toolchain image it compiled with.",
    docs: r#"## What it does
Opt-in (preview). Looks at the stages that end up in the built image (the target stage and
the stages it is built on) and the external image at their root, as the build engine
resolves it (ARG defaults substituted). It flags the build when that image is a full build
toolchain and a shipped `RUN` compiles:

- toolchain images: `golang`, `rust`, `gcc`, `maven`, `gradle`,
  `openjdk`, `eclipse-temurin` and `amazoncorretto` (not their `jre` tags), `node` (not its
  `slim` or `alpine` tags), `mcr.microsoft.com/dotnet/sdk`;
- compiling, with that toolchain: `go build` or `go install` of the project's own packages
  (`go install` of a tool by its path is left alone: the image is a development
  environment), `cargo build`, Maven's `package`, `install`, `verify` or `compile` (`mvn`,
  `./mvnw`), Gradle's `build`, `assemble`, `jar`, `bootJar`, `shadowJar` or `installDist`
  (`gradle`, `./gradlew`), `javac`, `npm run build`, `yarn build`, `pnpm build`,
  `dotnet build` or `dotnet publish`, `gcc`, `g++`, `cmake --build`, and `make` with the
  Go, Rust and C toolchains.

The full variants of the language images (`python`, `ruby`, `buildpack-deps`) are not
counted: they are built that way on purpose, to compile native extensions, and their slim
variants are the usual answer already. Nor is a `make` under a JDK or Node.js image (the
official `tomcat` images build their native library on a JDK they mean to ship).

An image whose `ENTRYPOINT` or `CMD` runs the build tool itself (`go run`, `mvn`,
`cargo run`, `make`, `dotnet run`...) needs the toolchain and is not flagged, nor is a build
whose final stage only copies what a builder stage compiled.

## Why is this bad?
A toolchain image carries the compiler, headers, package caches and often a full Debian
with hundreds of packages: `golang` and `rust` weigh around a gigabyte, where the program
they build needs a few megabytes of runtime. The image is bigger to store, to pull and to
scan, and the extra tools are more for an attacker to use. A multi-stage build compiles in a
builder stage and copies only the result into a small runtime base: distroless or `alpine`
for Go, a `-jre` image for Java, `node:<version>-slim`, `mcr.microsoft.com/dotnet/aspnet`.

## Example
```dockerfile
FROM golang:1.23
WORKDIR /src
COPY . .
RUN go build -o /app ./cmd/app
CMD ["/app"]
```

## Use instead
```dockerfile
FROM golang:1.23 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /app ./cmd/app

FROM gcr.io/distroless/static-debian12
COPY --from=build /app /app
CMD ["/app"]
```

## References
- Docker documentation: multi-stage builds.
"#,
    fix_changes: &[],
};

/// DFL3120
pub struct ToolchainBaseInFinalStage;

/// The toolchain an image carries and the runtime base to suggest, for a full toolchain
/// image.
fn toolchain(image: &ImageRef) -> Option<(Ecosystem, &'static str, &'static str)> {
    let tag = image.tag().unwrap_or("latest").to_ascii_lowercase();
    if image.registry() == "mcr.microsoft.com" {
        return (image.path() == "dotnet/sdk").then_some((
            Ecosystem::DotNet,
            ".NET SDK",
            "`mcr.microsoft.com/dotnet/aspnet` or `runtime`",
        ));
    }
    if !image.is_official() {
        return None;
    }
    let name = image.path().rsplit('/').next().unwrap_or_default();
    let java = (
        Ecosystem::Java,
        "JDK",
        "a `-jre` image such as `eclipse-temurin:21-jre`",
    );
    match name {
        "golang" => Some((
            Ecosystem::Go,
            "Go toolchain",
            "`gcr.io/distroless/static` or `alpine`",
        )),
        "rust" => Some((
            Ecosystem::Rust,
            "Rust toolchain",
            "`gcr.io/distroless/cc` or a `-slim` Debian",
        )),
        "gcc" => Some((
            Ecosystem::C,
            "C toolchain",
            "a `-slim` Debian or distroless",
        )),
        "maven" | "gradle" => Some(java),
        "openjdk" | "eclipse-temurin" | "amazoncorretto" if !tag.contains("jre") => Some(java),
        "node" if !tag.contains("slim") && !tag.contains("alpine") => Some((
            Ecosystem::Node,
            "Node.js build image",
            "`node:<version>-slim` or `-alpine`",
        )),
        _ => None,
    }
}

/// The ecosystem of a command that compiles the project, if it does.
fn compiles(command: &Command) -> Option<Ecosystem> {
    let words = || command.args.iter().filter_map(|a| a.value.as_deref());
    let sub = subcommand(command, &[]).and_then(|s| s.value.as_deref());
    let ecosystem = match program(command)? {
        "go" if sub == Some("build") => Ecosystem::Go,
        // `go install` of the project (not of a tool fetched by path: a development image).
        "go" if sub == Some("install")
            && command
                .args
                .iter()
                .map(crate::shell::Word::value_or_text)
                .skip(1)
                .filter(|w| !w.starts_with('-'))
                .all(|w| w.starts_with('.')) =>
        {
            Ecosystem::Go
        }
        "cargo" if sub == Some("build") => Ecosystem::Rust,
        "mvn" | "mvnw"
            if words().any(|w| matches!(w, "package" | "install" | "verify" | "compile")) =>
        {
            Ecosystem::Java
        }
        "gradle" | "gradlew"
            if words().any(|w| {
                matches!(
                    w,
                    "build" | "assemble" | "jar" | "bootJar" | "shadowJar" | "installDist"
                )
            }) =>
        {
            Ecosystem::Java
        }
        "javac" if words().any(|w| !w.starts_with('-')) => Ecosystem::Java,
        "npm" | "pnpm" | "yarn" => {
            let mut args = words().filter(|w| !w.starts_with('-'));
            let build = match args.next() {
                Some("run" | "run-script") => args.next().is_some_and(|s| s.starts_with("build")),
                Some(script) => script.starts_with("build") && program(command) != Some("npm"),
                None => false,
            };
            if !build {
                return None;
            }
            Ecosystem::Node
        }
        "make" | "gmake" => Ecosystem::Make,
        // A source to compile, not `gcc --version`.
        "gcc" | "g++" | "cc" if words().any(|w| !w.starts_with('-')) => Ecosystem::C,
        "cmake" if words().any(|w| w == "--build") => Ecosystem::C,
        "dotnet" if matches!(sub, Some("build" | "publish")) => Ecosystem::DotNet,
        _ => return None,
    };
    Some(ecosystem)
}

/// What a compile command builds with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ecosystem {
    Go,
    Rust,
    Java,
    Node,
    C,
    DotNet,
    /// `make`, which drives the toolchain of any of the others (but Java's and Node's).
    Make,
}

/// Whether the container's command runs a build tool, so the image needs its toolchain.
fn runs_toolchain(build: &Build, target: usize) -> bool {
    let config = &build.stages[target].config;
    let command = match (&config.entrypoint, &config.cmd) {
        (Field::Set(e), _) if !e.is_empty() => e,
        (_, Field::Set(c)) => c,
        _ => return false,
    };
    // A shell form: the first word of the script.
    let words: Vec<&str> = match command.as_slice() {
        [shell, flag, script, ..] if flag == "-c" && shell.ends_with("sh") => {
            script.split_whitespace().collect()
        }
        _ => command.iter().map(String::as_str).collect(),
    };
    let program = words
        .first()
        .map(|w| w.rsplit('/').next().unwrap_or(w))
        .unwrap_or_default();
    match program {
        "go" | "mvn" | "mvnw" | "gradle" | "gradlew" | "cargo" | "make" => true,
        "dotnet" => matches!(words.get(1), Some(&("run" | "watch" | "test"))),
        _ => false,
    }
}

impl Rule for ToolchainBaseInFinalStage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(target) = ctx.build.target else {
            return;
        };
        let shipped = image_stages(ctx.build);
        // The stage whose FROM names the external image the image is built on.
        let Some(root) = shipped
            .iter()
            .map(|&i| &ctx.build.stages[i])
            .find(|s| matches!(s.base, Base::Image(_)))
        else {
            return;
        };
        let Base::Image(image) = &root.base else {
            return;
        };
        let Some((ecosystem, toolchain, runtime)) = toolchain(image) else {
            return;
        };
        if runs_toolchain(ctx.build, target) {
            return;
        }
        let compile = ctx
            .run_scripts(&[""])
            .into_iter()
            .filter(|run| shipped.contains(&run.stage))
            .find_map(|run| {
                real_commands(run)
                    .iter()
                    .find(|(_, c)| {
                        !c.command.recovered
                            && compiles(&c.command).is_some_and(|e| {
                                e == ecosystem
                                    || (e == Ecosystem::Make
                                        && !matches!(ecosystem, Ecosystem::Java | Ecosystem::Node))
                            })
                    })
                    .map(|(_, c)| &c.command)
            });
        let Some(compile) = compile else {
            return;
        };
        let word = ctx
            .instruction(root.from_range)
            .and_then(|i| i.from_image());
        let range = word.map_or(root.from_range, |w| w.range());
        let shown = image.familiar();
        let line = ctx.source[..compile.range.start as usize]
            .matches('\n')
            .count()
            + 1;
        let what = std::iter::once(&compile.name)
            .chain(&compile.args)
            .take(3)
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        out.push(
            META.diagnostic(
                range,
                format!(
                    "the image ships the {toolchain} of `{shown}`, which only the `{what}` on line {line} needs"
                ),
            )
            .with_help(format!(
                "compile in a builder stage and copy only the result into a final stage on a runtime base such as {runtime}: the compiler, the sources and the build caches then stay out of the image"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::ToolchainBaseInFinalStage;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_toolchain_images_that_compile() {
        for (source, expected) in [
            (
                "FROM golang:1.23\nCOPY . .\nRUN go build -o /app .\nCMD [\"/app\"]\n",
                "golang:1.23",
            ),
            (
                "ARG JDK=maven:3.9-eclipse-temurin-21\nFROM $JDK\nCOPY . .\nRUN ./mvnw -B clean package\nCMD [\"java\", \"-jar\", \"app.jar\"]\n",
                "$JDK",
            ),
            (
                "FROM node:22 AS base\nFROM base\nCOPY . .\nRUN npm ci && npm run build\nCMD [\"node\", \"dist/index.js\"]\n",
                "node:22",
            ),
            (
                "FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY . .\nRUN dotnet publish -c Release -o /out\nENTRYPOINT [\"dotnet\", \"/out/app.dll\"]\n",
                "mcr.microsoft.com/dotnet/sdk:8.0",
            ),
            (
                "FROM rust:1.82\nCOPY . .\nRUN cargo build --release\nCMD [\"./target/release/app\"]\n",
                "rust:1.82",
            ),
        ] {
            let diagnostics = check(&ToolchainBaseInFinalStage, source);
            assert_eq!(flagged(source, &diagnostics), [expected], "{source}");
        }
        let source = "FROM golang:1.23\nCOPY . .\nRUN go build -o /app .\nCMD [\"/app\"]\n";
        assert_eq!(
            check(&ToolchainBaseInFinalStage, source)[0].message,
            "the image ships the Go toolchain of `golang:1.23`, which only the `go build -o` on line 3 needs"
        );
    }

    #[test]
    fn accepts_runtime_images_and_multi_stage_builds() {
        for source in [
            "FROM golang:1.23 AS build\nCOPY . .\nRUN go build -o /app .\nFROM gcr.io/distroless/static\nCOPY --from=build /app /app\n",
            "FROM node:22-slim\nCOPY . .\nRUN npm ci && npm run build\n",
            "FROM eclipse-temurin:21-jre\nRUN javac -version\n",
            "FROM golang:1.23\nRUN apt-get update\nCMD [\"/app\"]\n",
            "FROM golang:1.23\nCOPY . .\nRUN go build ./...\nCMD go run .\n",
            "FROM maven:3.9\nCOPY . .\nRUN mvn package\nENTRYPOINT [\"mvn\", \"spring-boot:run\"]\n",
            "FROM python:3.12\nRUN make\n",
            "FROM node:22\nRUN npm install\nCMD [\"node\", \"server.js\"]\n",
            "FROM golang:1.23\nARG V=v1\nRUN go install github.com/a/b@$V\n",
            "FROM eclipse-temurin:21-jdk\nRUN make -j4\nCMD [\"catalina.sh\", \"run\"]\n",
        ] {
            let found = check(&ToolchainBaseInFinalStage, source);
            assert!(found.is_empty(), "{source}: {found:?}");
        }
    }
}

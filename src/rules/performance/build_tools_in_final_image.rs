//! DFL3121 `build-tools-in-final-image`: the image keeps compilers or build dependencies
//! (`-dev` packages) that it installed for a build and never removed.

use crate::Diagnostic;
use crate::Severity;
use crate::rules::pinning::{ArgValue, arg_value};
use crate::rules::{
    DiagnosticExt, FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus,
};
use crate::semantic::{Build, Field};
use crate::shell::packages::{
    APT_VALUE_OPTIONS, RPM_VALUE_OPTIONS, RealCommand, RunScripts, image_stages, is_apt, program,
    python_module, real_commands, root_image, subcommand_index,
};
use crate::shell::{Command, Word};

pub static META: RuleMeta = RuleMeta {
    code: "DFL3121",
    name: "build-tools-in-final-image",
    category: RuleCategory::Performance,
    severity: Severity::Info,
    fix: FixAvailability::None,
    status: RuleStatus::Preview,
    aliases: &[],
    summary: "The image installs compilers or `-dev` packages for a build and keeps them.",
    docs: r#"## What it does
Opt-in (preview). Looks at the stages that end up in the built image (the target stage and
the stages it is built on) for package installs (`apt-get install`, `apt install`,
`apk add`, `yum`, `dnf` or `microdnf install`, `yum groupinstall`, `dnf group install`) of
build packages:

- compilers and build tools: `build-essential`, `gcc`, `g++`, `gcc-c++`, `clang` (and
  their versioned names such as `gcc-12`), `make`, `cmake`, `autoconf`, `automake`,
  `libtool`, `pkg-config` (`pkgconf`, `pkgconfig`), Alpine's `build-base`, `alpine-sdk`
  and `linux-headers`, the `Development Tools` group;
- headers and link libraries: every `*-dev` (Debian, Alpine) and `*-devel` (Fedora,
  RHEL) package.

A package is flagged when no later command of the same `RUN` removes it: `apt-get` or `apt`
`purge`, `remove` or `autoremove` naming it (a glob such as `'*-dev'` counts), an
`apt-get purge --auto-remove` or `autoremove` after `apt-mark auto` (the pattern of the
official images, which marks everything installed as removable), `apk del` of the package
or of the `--virtual` (`-t`) group it was installed in, `yum`/`dnf remove`, `erase` or
`autoremove` of it, `rpm -e` or `dpkg --purge`. A removal whose packages are held in a
variable the build does not know counts as removing them. A removal in a later `RUN` does
not help: the files stay in the earlier layer.

To keep the noise low (the choices were measured on a corpus of real Dockerfiles):

- a build package is only flagged when the image builds something after installing it, in
  the same `RUN` or a later one of a shipped stage: `make`, `cmake`, `./configure`,
  `meson`, `ninja`, a compiler, `pip install`, `python setup.py`, `npm install` or `ci`,
  `yarn`, `pnpm install`, `gem install`, `bundle install`, `pecl install`,
  `docker-php-ext-install`, `cpanm`, `go build`, `cargo build`, `R`'s
  `install.packages`... An image that installs a compiler and builds nothing with it most
  likely keeps it for its users;
- images meant to build or to be built in are left alone: a container command that runs a
  build tool (`make`, `gcc`, `javac`...), a bare shell or interpreter (`bash`, `python3`,
  `irb`, `ghci`, `php -a`: a language image whose users build native extensions), or keeps
  an idle container up (`sleep infinity`, `tail -f /dev/null`); no `CMD` nor `ENTRYPOINT`
  on a bare OS image (`ubuntu`, `debian`, `alpine`, `fedora`...), which then runs the OS
  shell; a `devcontainers` base; and an image that keeps 20 or more build packages (a CI
  image such as the AWS CodeBuild images, not an app's dependencies);
- an image built on a toolchain image (`buildpack-deps`, `gcc`, `golang`, `rust`, or the
  full, not `slim` nor `alpine`, tags of `python`, `ruby`, `node`, `perl`...) ships a
  compiler anyway: `toolchain-base-in-final-stage` (DFL3120) is the rule for it;
- a package list the image exports in an `ENV` (such as `PHPIZE_DEPS` of the official PHP
  images, kept so that the images built on them can compile extensions) is left alone.

Packages given through a variable are read through the ARG and ENV values the build engine
knows; a variable set by the script itself is not read. A build with a builder stage is
checked like any other: a final stage that installs a compiler again is worth moving into
the builder.

One diagnostic is given for each install command, on its first kept build package word
(for `$BUILD_DEPS`, the variable word), listing the packages; for `apk add --virtual` whose
group is never deleted, on the group name. Builder stages whose files are only copied with
`COPY --from` are not checked: their packages do not ship.

## Why is this bad?
Compilers, headers and static libraries are needed to build a program, not to run it:
`build-essential` alone adds some 200 MB to a Debian image, and every `-dev` package brings
headers and often a static library. They make the image bigger to store, pull and scan,
and give an attacker who gets into the container a compiler. Either build in a builder stage
and copy only the result into a final stage that installs only the runtime libraries, or
install the build packages, build, and remove them in the same `RUN` so that they never
reach a layer.

## Example
```dockerfile
FROM python:3.12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libpq-dev \
 && pip install --no-cache-dir psycopg2 \
 && rm -rf /var/lib/apt/lists/*
```

## Use instead
```dockerfile
FROM python:3.12-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libpq-dev \
 && pip wheel --no-cache-dir --wheel-dir /wheels psycopg2

FROM python:3.12-slim
COPY --from=build /wheels /wheels
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 \
 && pip install --no-cache-dir /wheels/*.whl \
 && rm -rf /var/lib/apt/lists/* /wheels
```

or, in one stage, remove the build packages in the `RUN` that uses them:

```dockerfile
FROM alpine:3.20
RUN apk add --no-cache --virtual .build-deps gcc musl-dev \
 && apk add --no-cache python3 py3-pip \
 && pip install --break-system-packages --no-cache-dir psutil \
 && apk del .build-deps
```

## References
- Docker documentation: multi-stage builds.
- Alpine wiki: `apk add --virtual`.
"#,
    fix_changes: &[],
};

/// DFL3121
pub struct BuildToolsInFinalImage;

/// The package manager of an install.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Manager {
    Apt,
    Apk,
    Rpm,
}

/// Options of `apk add` and `apk del` that take a separate value, `--virtual` included.
const APK_ADD_VALUE_OPTIONS: &[&str] = &[
    "-X",
    "-p",
    "-t",
    "--virtual",
    "--repository",
    "--root",
    "--arch",
    "--cache-dir",
    "--keys-dir",
    "--repositories-file",
    "--cache-max-age",
    "--timeout",
    "--progress-fd",
];

/// An install of packages.
struct Install<'c> {
    manager: Manager,
    /// The package words.
    words: Vec<&'c Word>,
    /// `apk add --virtual <group>`: the group word and its name.
    group: Option<(&'c Word, String)>,
}

/// The words of `args` that are not options nor the values of `value_options`.
fn operands<'c>(args: &'c [Word], value_options: &[&str]) -> Vec<&'c Word> {
    let mut out = Vec::new();
    let mut rest = args;
    while let Some(i) = subcommand_index(rest, value_options) {
        out.push(&rest[i]);
        rest = &rest[i + 1..];
    }
    out
}

/// The value of option `long` (`--virtual .x`, `--virtual=.x`) or `short` (`-t .x`).
fn option_value<'c>(args: &'c [Word], long: &str, short: &str) -> Option<(&'c Word, String)> {
    for (i, arg) in args.iter().enumerate() {
        let v = arg.value_or_text();
        if v == "--" {
            break;
        }
        if let Some(value) = v.strip_prefix(long).and_then(|r| r.strip_prefix('=')) {
            return Some((arg, value.to_string()));
        }
        if v == long || v == short {
            let word = args.get(i + 1)?;
            return Some((word, word.value_or_text().to_string()));
        }
    }
    None
}

/// The packages a command installs, if it installs packages.
fn install(command: &Command) -> Option<Install<'_>> {
    let args = &command.args;
    if is_apt(command) || program(command) == Some("aptitude") {
        let i = subcommand_index(args, APT_VALUE_OPTIONS)?;
        return args[i].is("install").then(|| Install {
            manager: Manager::Apt,
            words: operands(&args[i + 1..], APT_VALUE_OPTIONS),
            group: None,
        });
    }
    match program(command)? {
        "apk" => {
            let i = subcommand_index(args, APK_ADD_VALUE_OPTIONS)?;
            if !args[i].is("add") {
                return None;
            }
            Some(Install {
                manager: Manager::Apk,
                words: operands(&args[i + 1..], APK_ADD_VALUE_OPTIONS),
                group: option_value(args, "--virtual", "-t"),
            })
        }
        "yum" | "dnf" | "microdnf" | "dnf5" => {
            let i = subcommand_index(args, RPM_VALUE_OPTIONS)?;
            let rest = &args[i + 1..];
            let words = match args[i].value.as_deref()? {
                "install" | "groupinstall" => operands(rest, RPM_VALUE_OPTIONS),
                "group" | "groups" => {
                    let j = subcommand_index(rest, RPM_VALUE_OPTIONS)?;
                    if !rest[j].is("install") {
                        return None;
                    }
                    operands(&rest[j + 1..], RPM_VALUE_OPTIONS)
                }
                _ => return None,
            };
            Some(Install {
                manager: Manager::Rpm,
                words,
                group: None,
            })
        }
        _ => None,
    }
}

/// The name of package `spec` without its version, release or architecture.
fn package_name(manager: Manager, spec: &str) -> String {
    let spec = spec.trim().to_ascii_lowercase();
    let name = match manager {
        Manager::Apt => spec.split(['=', '/', ':']).next().unwrap_or_default(),
        Manager::Apk => spec.split(['=', '<', '>', '~']).next().unwrap_or_default(),
        Manager::Rpm => {
            let cut = spec.match_indices('-').map(|(i, _)| i).find(|&i| {
                i > 0
                    && spec[i + 1..].starts_with(|c: char| c.is_ascii_digit())
                    && !spec[..i].ends_with("-devel")
                    && spec[i + 1..]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "._+~:^-".contains(c))
            });
            let name = cut.map_or(spec.as_str(), |i| &spec[..i]);
            // `gcc.x86_64`.
            name.strip_suffix(".x86_64")
                .or_else(|| name.strip_suffix(".aarch64"))
                .or_else(|| name.strip_suffix(".noarch"))
                .unwrap_or(name)
        }
    };
    name.to_string()
}

/// Whether package `name` (without version) is a compiler, a build tool or a development
/// package.
fn is_build_package(name: &str) -> bool {
    const TOOLS: &[&str] = &[
        "build-essential",
        "gcc",
        "g++",
        "gcc-c++",
        "clang",
        "make",
        "cmake",
        "autoconf",
        "automake",
        "libtool",
        "pkg-config",
        "pkgconf",
        "pkgconfig",
        "build-base",
        "alpine-sdk",
        "linux-headers",
        "@development-tools",
        "@development",
        "development tools",
    ];
    if TOOLS.contains(&name) {
        return true;
    }
    // `gcc-12`, `g++-10`, `clang-15`.
    let versioned = ["gcc-", "g++-", "clang-"].iter().any(|prefix| {
        name.strip_prefix(prefix)
            .is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.'))
    });
    versioned
        || name.len() > 4 && name.ends_with("-dev")
        || name.len() > 6 && name.ends_with("-devel")
}

/// Whether removal operand `pattern` (a name, or a glob such as `'*-dev'` or apt's
/// `'.*-dev'`) names package `name`.
fn names(pattern: &str, name: &str) -> bool {
    let pattern = pattern.replace(".*", "*");
    if !pattern.contains('*') {
        return pattern == name;
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &name[first.len()..];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// What a removal command removes.
enum Removal {
    /// These names or patterns (package names or words as written, for variables).
    Named(Vec<String>),
    /// Every package installed as a dependency (`autoremove`, `--auto-remove`).
    Automatic(Vec<String>),
    /// Something the build does not know (a variable without a known value).
    Unknown,
}

/// What `command` removes, if it removes packages.
fn removal(run: &RunScripts<'_, '_>, command: &Command) -> Option<Removal> {
    let args = &command.args;
    let (manager, words, automatic) = if is_apt(command) || program(command) == Some("aptitude") {
        let i = subcommand_index(args, APT_VALUE_OPTIONS)?;
        let sub = args[i].value.as_deref()?;
        if !matches!(sub, "purge" | "remove" | "autoremove") {
            return None;
        }
        let automatic = sub == "autoremove"
            || command.has_flag(None, Some("auto-remove"))
            || command.has_flag(None, Some("autoremove"));
        (
            Manager::Apt,
            operands(&args[i + 1..], APT_VALUE_OPTIONS),
            automatic,
        )
    } else {
        match program(command)? {
            "apk" => {
                let i = subcommand_index(args, APK_ADD_VALUE_OPTIONS)?;
                if !args[i].is("del") {
                    return None;
                }
                (
                    Manager::Apk,
                    operands(&args[i + 1..], APK_ADD_VALUE_OPTIONS),
                    false,
                )
            }
            "yum" | "dnf" | "microdnf" | "dnf5" => {
                let i = subcommand_index(args, RPM_VALUE_OPTIONS)?;
                let rest = &args[i + 1..];
                let words = match args[i].value.as_deref()? {
                    "remove" | "erase" | "autoremove" | "groupremove" | "groupErase" => {
                        operands(rest, RPM_VALUE_OPTIONS)
                    }
                    "group" | "groups" => {
                        let j = subcommand_index(rest, RPM_VALUE_OPTIONS)?;
                        if !matches!(rest[j].value.as_deref(), Some("remove" | "erase")) {
                            return None;
                        }
                        operands(&rest[j + 1..], RPM_VALUE_OPTIONS)
                    }
                    _ => return None,
                };
                (Manager::Rpm, words, false)
            }
            "rpm" if command.has_flag(Some('e'), Some("erase")) => (
                Manager::Rpm,
                args.iter()
                    .filter(|w| !w.value_or_text().starts_with('-'))
                    .collect(),
                false,
            ),
            "dpkg"
                if command.has_flag(Some('P'), Some("purge"))
                    || command.has_flag(Some('r'), Some("remove")) =>
            {
                (
                    Manager::Apt,
                    args.iter()
                        .filter(|w| !w.value_or_text().starts_with('-'))
                        .collect(),
                    false,
                )
            }
            _ => return None,
        }
    };
    let mut named = Vec::new();
    for word in words {
        named.push(word.text.clone());
        match arg_value(run, word) {
            ArgValue::Known(values) => {
                named.extend(values.iter().map(|v| package_name(manager, v)));
            }
            ArgValue::Unknown => return Some(Removal::Unknown),
        }
    }
    Some(if automatic {
        Removal::Automatic(named)
    } else {
        Removal::Named(named)
    })
}

/// Whether a command builds something: runs a compiler or build tool, or a language package
/// manager that may compile native extensions.
fn builds(command: &Command) -> bool {
    if let Some(pip) = python_module(command, "pip") {
        return builds(&pip);
    }
    let Some(name) = program(command) else {
        return false;
    };
    let words = || command.args.iter().map(Word::value_or_text);
    let sub = || words().find(|w| !w.starts_with('-'));
    let versioned = |base: &str| {
        name.strip_prefix(base)
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
    };
    match name {
        "make"
        | "gmake"
        | "cmake"
        | "ninja"
        | "meson"
        | "gcc"
        | "g++"
        | "cc"
        | "c++"
        | "clang"
        | "clang++"
        | "autoreconf"
        | "autogen.sh"
        | "configure"
        | "node-gyp"
        | "phpize"
        | "docker-php-ext-install"
        | "pecl"
        | "cpanm"
        | "cpan"
        | "luarocks" => true,
        _ if versioned("pip") => matches!(sub(), Some("install" | "wheel")),
        _ if versioned("python") => words().any(|w| w == "setup.py"),
        "npm" => matches!(sub(), Some("install" | "i" | "ci" | "rebuild" | "add")),
        "yarn" => matches!(sub(), None | Some("install" | "add")),
        "pnpm" => matches!(sub(), Some("install" | "i" | "add")),
        "gem" | "bundle" | "bundler" | "poetry" | "pipenv" | "opam" => {
            matches!(sub(), Some("install" | "sync"))
        }
        "uv" => words().any(|w| matches!(w, "install" | "sync")),
        "go" | "cargo" => matches!(sub(), Some("build" | "install")),
        "R" | "Rscript" => words().any(|w| w.contains("install")),
        _ => false,
    }
}

/// Whether the image is meant to build or to be built in: its container command runs a build
/// tool (`make`, `gcc`...), a bare shell (`bash`) or a bare interpreter (`python3`, `irb`,
/// `ghci`, `php -a`: a language image, whose users build native extensions), or the Dockerfile sets no `CMD` nor
/// `ENTRYPOINT` on a bare OS image (or one it cannot name), so the image runs the OS shell:
/// a base, development or CI image.
fn build_environment(build: &Build, target: usize) -> bool {
    let config = &build.stages[target].config;
    if root_image(build, target).is_some_and(|image| image.path().contains("devcontainers")) {
        return true;
    }
    let argv: Vec<String> = match (&config.entrypoint, &config.cmd) {
        (Field::Set(e), Field::Set(c)) if !e.is_empty() => {
            // `CMD ["bash"]` after an entrypoint script.
            if command_is_environment(c) {
                return true;
            }
            e.iter().chain(c).cloned().collect()
        }
        (Field::Set(e), _) if !e.is_empty() => e.clone(),
        (_, Field::Set(c)) => c.clone(),
        _ => {
            return root_image(build, target).is_none_or(|image| {
                let name = image.path().rsplit('/').next().unwrap_or_default();
                name.contains('$')
                    || matches!(
                        name,
                        "ubuntu"
                            | "debian"
                            | "alpine"
                            | "fedora"
                            | "centos"
                            | "amazonlinux"
                            | "rockylinux"
                            | "almalinux"
                            | "oraclelinux"
                            | "archlinux"
                            | "busybox"
                            | "leap"
                            | "tumbleweed"
                            | "ubi"
                            | "ubi8"
                            | "ubi9"
                            | "ubi10"
                    )
            });
        }
    };
    command_is_environment(&argv)
}

/// Whether a container command (exec form, or shell form wrapped in its shell) runs a build
/// tool, a bare shell or interpreter, or keeps an idle container alive (`sleep infinity`,
/// `tail -f /dev/null`) for someone to work in.
fn command_is_environment(command: &[String]) -> bool {
    let words: Vec<&str> = match command {
        [shell, flag, script, ..] if flag == "-c" && shell.ends_with("sh") => {
            script.split_whitespace().collect()
        }
        _ => command.iter().map(String::as_str).collect(),
    };
    let program = words
        .first()
        .map(|w| w.rsplit('/').next().unwrap_or(w))
        .unwrap_or_default();
    matches!(
        program,
        "make"
            | "gmake"
            | "cmake"
            | "gcc"
            | "g++"
            | "cc"
            | "clang"
            | "ninja"
            | "meson"
            | "javac"
            | "go"
            | "cargo"
            | "mvn"
            | "gradle"
            | "build"
    ) || words == ["sleep", "infinity"]
        || words == ["tail", "-f", "/dev/null"]
        || words.len() == 1
            && matches!(
                program,
                "bash"
                    | "sh"
                    | "zsh"
                    | "ash"
                    | "python"
                    | "python2"
                    | "python3"
                    | "node"
                    | "irb"
                    | "ghci"
                    | "iex"
                    | "erl"
                    | "julia"
                    | "R"
            )
        || words == ["php", "-a"]
}

/// Whether the image is built on a toolchain image that already ships a compiler:
/// `buildpack-deps`, `gcc`, `golang`, `rust`, and the full (not `slim` nor `alpine`) tags
/// of the language images built on `buildpack-deps`.
fn toolchain_root(build: &Build, target: usize) -> bool {
    let Some(image) = root_image(build, target) else {
        return false;
    };
    if !image.is_official() {
        return false;
    }
    let tag = image.tag().unwrap_or("latest").to_ascii_lowercase();
    let full = !tag.contains("slim") && !tag.contains("alpine") && !tag.contains("windows");
    match image.path().rsplit('/').next().unwrap_or_default() {
        "buildpack-deps" | "gcc" | "golang" | "rust" => true,
        "python" | "ruby" | "node" | "perl" | "haskell" | "erlang" | "elixir" | "julia" => full,
        _ => false,
    }
}

/// The name of the variable a word consists of (`$NAME`, `${NAME}`, `"$NAME"`).
fn lone_variable(text: &str) -> Option<&str> {
    let text = text.trim_matches('"').strip_prefix('$')?;
    let name = text
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(text);
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then_some(name)
}

/// The number of build packages kept from which the image is taken for a build environment.
const BUILD_ENVIRONMENT_PACKAGES: usize = 20;

/// A build package word that stays in the image, with the packages it names.
struct Kept<'c> {
    word: &'c Word,
    packages: Vec<String>,
}

impl Rule for BuildToolsInFinalImage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(target) = ctx.build.target else {
            return;
        };
        if build_environment(ctx.build, target) || toolchain_root(ctx.build, target) {
            return;
        }
        let exported = &ctx.build.stages[target].config.env;
        let shipped = image_stages(ctx.build);
        let runs: Vec<(&RunScripts<'_, '_>, &[(usize, RealCommand)])> = ctx
            .run_scripts(&[""])
            .into_iter()
            .filter(|run| shipped.contains(&run.stage))
            .map(|run| (run, real_commands(run)))
            .collect();
        let mut found_all: Vec<(Install<'_>, Vec<Kept<'_>>, &Command)> = Vec::new();
        for (r, (run, commands)) in runs.iter().enumerate() {
            for (i, (_, real)) in commands.iter().enumerate() {
                let command = &real.command;
                if command.recovered {
                    continue;
                }
                let Some(found) = install(command) else {
                    continue;
                };
                let later = &commands[i + 1..];
                let built = later.iter().any(|(_, c)| builds(&c.command))
                    || runs[r + 1..]
                        .iter()
                        .any(|(_, cs)| cs.iter().any(|(_, c)| builds(&c.command)));
                if !built {
                    continue;
                }
                let removals: Vec<Removal> = later
                    .iter()
                    .filter_map(|(_, c)| removal(run, &c.command))
                    .collect();
                if removals.iter().any(|r| matches!(r, Removal::Unknown)) {
                    continue;
                }
                if let Some((_, group)) = &found.group
                    && removals
                        .iter()
                        .any(|r| matches!(r, Removal::Named(names) if names.contains(group)))
                {
                    continue;
                }
                // `apt-mark auto` before an automatic removal makes every package removable.
                let marked_auto = commands.iter().any(|(_, c)| {
                    program(&c.command) == Some("apt-mark")
                        && c.command.args.iter().any(|a| a.is("auto"))
                });
                if marked_auto && removals.iter().any(|r| matches!(r, Removal::Automatic(_))) {
                    continue;
                }
                let removed = |word: &Word, name: &str| {
                    removals.iter().any(|removal| match removal {
                        Removal::Named(names) | Removal::Automatic(names) => names
                            .iter()
                            .any(|p| p == &word.text || self::names(p, name)),
                        Removal::Unknown => true,
                    })
                };
                let mut kept = Vec::new();
                for word in &found.words {
                    // A package list the image exports for the images built on it.
                    if lone_variable(&word.text).is_some_and(|name| {
                        exported
                            .iter()
                            .rev()
                            .find(|(n, _)| n == name)
                            .is_some_and(|(_, v)| v.known().is_none_or(|v| !v.trim().is_empty()))
                    }) {
                        continue;
                    }
                    let ArgValue::Known(values) = arg_value(run, word) else {
                        continue;
                    };
                    let packages: Vec<String> = values
                        .iter()
                        .map(|v| package_name(found.manager, v))
                        .filter(|name| is_build_package(name) && !removed(word, name))
                        .collect();
                    if !packages.is_empty() {
                        kept.push(Kept { word, packages });
                    }
                }
                if !kept.is_empty() {
                    found_all.push((found, kept, command));
                }
            }
        }
        // So many build packages make a build environment (a CI image), not an app.
        let mut distinct: Vec<&str> = found_all
            .iter()
            .flat_map(|(_, kept, _)| kept.iter().flat_map(|k| &k.packages))
            .map(String::as_str)
            .collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() >= BUILD_ENVIRONMENT_PACKAGES {
            return;
        }
        for (found, kept, command) in &found_all {
            report(out, found, kept, command);
        }
    }
}

/// Reports the build packages `kept` of install `found` in one diagnostic: on the group
/// word of `apk add --virtual`, otherwise on the first package word kept.
fn report(out: &mut Vec<Diagnostic>, found: &Install<'_>, kept: &[Kept<'_>], command: &Command) {
    let Some(first) = kept.first() else {
        return;
    };
    let tool = format!(
        "{} {}",
        command.name.text,
        match found.manager {
            Manager::Apk => "add",
            _ => "install",
        }
    );
    let help = match found.manager {
        Manager::Apk => {
            "build in a builder stage and copy only the result into the final stage, or \
             install the build packages with `apk add --virtual .build-deps ...` and run \
             `apk del .build-deps` in the same `RUN` once the build is done: compilers and \
             headers the program does not need at run time make the image bigger and give \
             an attacker tools"
        }
        Manager::Apt => {
            "build in a builder stage and copy only the result into the final stage, or \
             remove the build packages in the same `RUN` once the build is done \
             (`apt-get purge -y --auto-remove gcc ...`): compilers and headers the program \
             does not need at run time make the image bigger and give an attacker tools"
        }
        Manager::Rpm => {
            "build in a builder stage and copy only the result into the final stage, or \
             remove the build packages in the same `RUN` once the build is done \
             (`dnf remove -y gcc ...`): compilers and headers the program does not need at \
             run time make the image bigger and give an attacker tools"
        }
    };
    let mut packages: Vec<&str> = Vec::new();
    for name in kept.iter().flat_map(|k| &k.packages) {
        if !packages.contains(&name.as_str()) {
            packages.push(name);
        }
    }
    const SHOWN: usize = 4;
    let mut list = packages
        .iter()
        .take(SHOWN)
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if packages.len() > SHOWN {
        list.push_str(&format!(" and {} more", packages.len() - SHOWN));
    }
    let plural = if packages.len() == 1 { "" } else { "s" };
    let (range, message) = match &found.group {
        Some((word, group)) => (
            word.range,
            format!(
                "`{tool} --virtual {group}` installs build package{plural} {list} and the group is never deleted"
            ),
        ),
        None => {
            let from = if first.word.value.is_none() && kept.len() == 1 {
                format!(" (from `{}`)", first.word.text)
            } else {
                String::new()
            };
            let verb = if packages.len() == 1 { "stays" } else { "stay" };
            (
                first.word.range,
                format!(
                    "build package{plural} {list}{from} installed by `{tool}` {verb} in the image"
                ),
            )
        }
    };
    out.push(META.diagnostic(range, message).with_help(help));
}

#[cfg(test)]
mod tests {
    use super::{BuildToolsInFinalImage, Manager, is_build_package, names, package_name};
    use crate::rules::test_support::{check, flagged};

    fn found(source: &str) -> Vec<&str> {
        flagged(source, &check(&BuildToolsInFinalImage, source))
    }

    #[test]
    fn flags_build_packages_kept_after_a_build() {
        for (source, expected) in [
            (
                "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y gcc libpq-dev curl && pip install psycopg2\nCMD [\"app\"]\n",
                vec!["gcc"],
            ),
            (
                "FROM python:3.12-slim\nRUN apt-get install -y curl libpq-dev=15.1 gcc\nRUN pip install -r requirements.txt\nCMD [\"app\"]\n",
                vec!["libpq-dev=15.1"],
            ),
            (
                "FROM node:22-alpine\nRUN apk add --no-cache --virtual .gyp python3 make g++ && npm ci\nCMD [\"node\", \"x.js\"]\n",
                vec![".gyp"],
            ),
            (
                "FROM node:22-alpine\nRUN apk add --no-cache -t .gyp make && npm ci && apk del other\nCMD [\"node\", \"x.js\"]\n",
                vec![".gyp"],
            ),
            (
                "FROM python:3.12-slim\nENV DEPS=\"gcc make\"\nRUN apt-get install -y $DEPS && make\nENV DEPS=\nCMD [\"app\"]\n",
                vec!["$DEPS"],
            ),
            (
                "FROM rockylinux:9\nRUN dnf install -y gcc-c++ openssl-devel-3.0.7 && ./configure && make\nCMD [\"/app\"]\n",
                vec!["gcc-c++"],
            ),
            (
                "FROM ruby:3.3-slim AS base\nRUN apt-get install -y build-essential\nFROM base\nRUN bundle install\nCMD [\"rails\", \"s\"]\n",
                vec!["build-essential"],
            ),
            (
                "FROM python:3.12-slim\nRUN apt-get install -y gcc && pip install x && apt-get purge -y curl\nCMD [\"app\"]\n",
                vec!["gcc"],
            ),
            (
                "FROM python:3.12-slim\nRUN apt-get install -y gcc && pip install x\nRUN apt-get purge -y gcc\nCMD [\"app\"]\n",
                vec!["gcc"],
            ),
        ] {
            assert_eq!(found(source), expected, "{source}");
        }
        let source = "FROM python:3.12-slim\nRUN apt-get install -y gcc g++ make cmake libpq-dev && pip install x\nCMD [\"app\"]\n";
        assert_eq!(
            check(&BuildToolsInFinalImage, source)[0].message,
            "build packages `gcc`, `g++`, `make`, `cmake` and 1 more installed by `apt-get install` stay in the image"
        );
    }

    #[test]
    fn accepts_removed_packages_builder_stages_and_environments() {
        for source in [
            // Removed in the same RUN.
            "FROM python:3.12-slim\nRUN apt-get install -y gcc libpq-dev && pip install x && apt-get purge -y --auto-remove gcc libpq-dev\nCMD [\"app\"]\n",
            "FROM python:3.12-slim\nRUN apt-get install -y gcc libpq-dev && pip install x && apt-get remove -y gcc '*-dev'\nCMD [\"app\"]\n",
            "FROM python:3.12-slim\nRUN saved=\"$(apt-mark showmanual)\" && apt-get install -y gcc && pip install x && apt-mark auto '.*' && apt-mark manual $saved && apt-get purge -y --auto-remove\nCMD [\"app\"]\n",
            "FROM python:3.12-alpine\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev && pip install x && apk del .build-deps\nCMD [\"app\"]\n",
            "FROM python:3.12-alpine\nRUN apk add --virtual=.b gcc && pip install x && apk del --purge .b\nCMD [\"app\"]\n",
            "FROM python:3.12-slim\nARG DEPS\nRUN apt-get install -y gcc && pip install x && apt-get purge -y $DEPS\nCMD [\"app\"]\n",
            "FROM rockylinux:9\nRUN dnf install -y gcc && make && dnf remove -y gcc\nCMD [\"/app\"]\n",
            // Nothing is built.
            "FROM python:3.12-slim\nRUN apt-get install -y libpq-dev\nCMD [\"app\"]\n",
            // A builder stage.
            "FROM python:3.12-slim AS build\nRUN apt-get install -y gcc && pip wheel -w /w x\nFROM python:3.12-slim\nCOPY --from=build /w /w\nRUN pip install /w/*.whl\nCMD [\"app\"]\n",
            // Build environments.
            "FROM ubuntu:24.04\nRUN apt-get install -y build-essential && make\n",
            "FROM python:3.12-slim\nRUN apt-get install -y gcc && pip install x\nCMD [\"bash\"]\n",
            "FROM python:3.12-slim\nRUN apt-get install -y gcc && pip install x\nENTRYPOINT [\"tail\"]\nCMD [\"-f\", \"/dev/null\"]\n",
            "FROM debian:12-slim\nRUN apt-get install -y gcc make && make\nCMD [\"make\", \"test\"]\n",
            "FROM golang:1.23-alpine\nRUN apk add gcc musl-dev && go build .\nCMD [\"/app\"]\n",
            "FROM python:3.12\nRUN apt-get install -y libpq-dev && pip install x\nCMD [\"app\"]\n",
            // A package list the image exports.
            "FROM debian:12-slim\nENV PHPIZE_DEPS=\"gcc make\"\nRUN apt-get install -y $PHPIZE_DEPS && make\nCMD [\"php-fpm\"]\n",
            // Not an install.
            "FROM python:3.12-slim\nRUN apt-get download gcc && pip install x\nCMD [\"app\"]\n",
            "FROM python:3.12-slim\nRUN echo gcc && pip install x\nCMD [\"app\"]\n",
        ] {
            let found = check(&BuildToolsInFinalImage, source);
            assert!(found.is_empty(), "{source}: {found:?}");
        }
    }

    #[test]
    fn many_build_packages_make_a_build_environment() {
        let packages: Vec<String> = (0..20).map(|i| format!("lib{i}-dev")).collect();
        let source = format!(
            "FROM python:3.12-slim\nRUN apt-get install -y {} && pip install x\nCMD [\"app\"]\n",
            packages.join(" ")
        );
        assert!(check(&BuildToolsInFinalImage, &source).is_empty());
    }

    #[test]
    fn package_names_and_patterns() {
        assert_eq!(
            package_name(Manager::Apt, "libc6-dev:amd64=2.36"),
            "libc6-dev"
        );
        assert_eq!(package_name(Manager::Apk, "gcc~13"), "gcc");
        assert_eq!(package_name(Manager::Rpm, "gcc-8.5.0-18.el8"), "gcc");
        assert_eq!(
            package_name(Manager::Rpm, "openssl-devel.x86_64"),
            "openssl-devel"
        );
        for build in [
            "gcc",
            "gcc-12",
            "g++-10",
            "clang-15",
            "libpq-dev",
            "zlib-devel",
            "build-base",
        ] {
            assert!(is_build_package(build), "{build}");
        }
        for runtime in ["libpq5", "udev", "gcc-doc", "curl", "-dev", "makedev"] {
            assert!(!is_build_package(runtime), "{runtime}");
        }
        assert!(names("*-dev", "libpq-dev"));
        assert!(names(".*-dev", "libpq-dev"));
        assert!(names("lib*-dev", "libpq-dev"));
        assert!(!names("*-dev", "libpq5"));
        assert!(!names("gcc", "gcc-12"));
    }
}

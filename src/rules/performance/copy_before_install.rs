//! DFL3020 `copy-before-install`: the sources are copied before the dependency install.

use crate::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::cache::{simulate, source_covers};
use crate::semantic::compare::{Area, split_and_list};
use crate::semantic::{Layer, Source, Stage};
use crate::syntax::{SyntaxKind, TextRange};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL3020",
    name: "copy-before-install",
    category: RuleCategory::Performance,
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DF070"],
    summary: "The sources are copied before the dependency install, so every source change reruns the install.",
    docs: r#"## What it does
Checks each `COPY` or `ADD` of the whole build context (`.`, `./`, `*`) or of a source
directory that comes before a dependency install in the same stage: a `RUN` of
`pip install -r`, `pip install .`, `poetry install`, `pipenv install`, `npm ci`,
`npm install` (without package names), `yarn`, `pnpm install`, `go mod download`,
`bundle install`, `cargo build`, `cargo fetch`, `composer install`, Maven's `package`,
`install` or `dependency:go-offline`, or Gradle's `build` or `dependencies`. The build
engine's cache simulation must confirm that a change to a source file (such as
`src/main.py`) reruns the install. A stage that already installed the same ecosystem's
dependencies before the copy (the usual split, with a second install of the project itself)
is not flagged.

## Why is this bad?
A layer is rebuilt when anything it copies changes, and so is every layer after it. When
all the sources are copied before the install, editing any source file invalidates the
install layer, and every build downloads and installs all dependencies again. Copying only
the dependency manifests first, installing, and then copying the rest keeps the install
cached until the manifests change.

## Example
```dockerfile
FROM node:22
WORKDIR /app
COPY . .
RUN npm ci
CMD ["node", "server.js"]
```

## Use instead
```dockerfile
FROM node:22
WORKDIR /app
COPY package.json package-lock.json* ./
RUN npm ci
COPY . .
CMD ["node", "server.js"]
```

## Fix safety
The fix replaces the `COPY` with one that copies only the manifests of the detected
ecosystem to the same destination, with the same `--chown` and `--chmod` flags, and moves
the original `COPY` to just after the install. It is offered for whole-context copies when
the manifests can be named (`requirements` files named after `pip install -r`,
`package.json` with `package-lock.json`, `yarn.lock` or `pnpm-lock.yaml`, `go.mod` and
`go.sum`, `Gemfile` and `Gemfile.lock`, `composer.json` and `composer.lock`) and when only
instructions that the move does not affect stand between the copy and the install. It is
never offered for `cargo build` or `cargo fetch`, which need the sources to read the
manifest.

The fix is unsafe: a named manifest may not exist (a missing `yarn.lock` fails the
`COPY`), the install may need other files (a `postinstall` script, a `gemspec`, files that
requirements refer to), and the later `COPY` may now overwrite what the install created
(`node_modules`, `vendor`) unless `.dockerignore` excludes them. The copy adds a layer,
and the files are copied in a different order.

## References
- Docker's best practices: leverage the build cache.
"#,
    fix_changes: &[Area::Files],
};

/// DFL3020
pub struct CopyBeforeInstall;

/// The tool that installs dependencies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tool {
    Pip,
    Poetry,
    Pipenv,
    Npm,
    Yarn,
    Pnpm,
    Go,
    Bundle,
    Cargo,
    Composer,
    Maven,
    Gradle,
}

impl Tool {
    /// Tools that install into the same place share an ecosystem.
    fn ecosystem(self) -> u8 {
        match self {
            Tool::Pip | Tool::Poetry | Tool::Pipenv => 0,
            Tool::Npm | Tool::Yarn | Tool::Pnpm => 1,
            Tool::Go => 2,
            Tool::Bundle => 3,
            Tool::Cargo => 4,
            Tool::Composer => 5,
            Tool::Maven | Tool::Gradle => 6,
        }
    }

    /// The manifests the install reads, as described in the help.
    fn manifests(self) -> &'static [&'static str] {
        match self {
            Tool::Pip => &["requirements.txt"],
            Tool::Poetry => &["pyproject.toml", "poetry.lock"],
            Tool::Pipenv => &["Pipfile", "Pipfile.lock"],
            Tool::Npm => &["package.json", "package-lock.json"],
            Tool::Yarn => &["package.json", "yarn.lock"],
            Tool::Pnpm => &["package.json", "pnpm-lock.yaml"],
            Tool::Go => &["go.mod", "go.sum"],
            Tool::Bundle => &["Gemfile", "Gemfile.lock"],
            Tool::Cargo => &["Cargo.toml", "Cargo.lock"],
            Tool::Composer => &["composer.json", "composer.lock"],
            Tool::Maven => &["pom.xml"],
            Tool::Gradle => &["build.gradle", "settings.gradle"],
        }
    }

    /// The manifests the fix copies, or `None` when the fix cannot name them.
    fn fix_manifests(self) -> Option<&'static str> {
        Some(match self {
            Tool::Npm => "package.json package-lock.json*",
            Tool::Yarn => "package.json yarn.lock",
            Tool::Pnpm => "package.json pnpm-lock.yaml",
            Tool::Go => "go.mod go.sum",
            Tool::Bundle => "Gemfile Gemfile.lock",
            Tool::Composer => "composer.json composer.lock",
            // pip: only with named requirement files; the others need the sources.
            _ => return None,
        })
    }

    /// The step that installs only the dependencies, for installs that need the sources.
    fn dependencies_step(self) -> &'static str {
        match self {
            Tool::Pip => "pip install -r requirements.txt",
            Tool::Poetry => "poetry install --no-root",
            Tool::Cargo => "cargo fetch",
            Tool::Maven => "mvn dependency:go-offline",
            _ => "gradle dependencies",
        }
    }

    /// A plausible source file of the ecosystem, relative to the copied tree.
    fn sample_file(self) -> &'static str {
        match self.ecosystem() {
            0 => "main.py",
            1 => "index.js",
            2 => "main.go",
            3 => "app.rb",
            4 => "main.rs",
            5 => "index.php",
            _ => "Main.java",
        }
    }
}

/// A dependency install found in a RUN command.
#[derive(Debug, PartialEq, Eq)]
struct Install {
    tool: Tool,
    /// The words that show it, such as `npm ci`.
    shown: String,
    /// pip: the files named after `-r`.
    requirements: Vec<String>,
    /// The install builds the project itself, so it needs the sources.
    needs_sources: bool,
}

/// The program name of a word: its last path segment.
fn program(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// Whether `word` runs pip: `pip`, `pip3`, `pip3.12`.
fn is_pip(word: &str) -> bool {
    program(word)
        .strip_prefix("pip")
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Whether none of `args` names a package (all are options).
fn only_options(args: &[&str]) -> bool {
    args.iter().all(|a| a.starts_with('-'))
}

/// Whether a word is a variable assignment (`NAME=value`).
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The position of the program a simple command runs: after assignments and wrappers such
/// as `sudo`, and after `python -m` or `uv`, which run pip.
fn program_position(words: &[&str]) -> usize {
    let mut i = 0;
    while let Some(word) = words.get(i) {
        let name = program(word);
        if is_assignment(word)
            || matches!(
                name,
                "sudo" | "env" | "time" | "exec" | "nice" | "nohup" | "command"
            )
        {
            i += 1;
        } else if name.starts_with("python") && words.get(i + 1) == Some(&"-m") {
            i += 2;
        } else if name == "uv" {
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// The install a simple command runs, if any.
fn install_in(words: &[&str]) -> Option<Install> {
    let i = program_position(words);
    let word = *words.get(i)?;
    let next = words.get(i + 1).copied().unwrap_or("");
    let after = &words[i + 1..];
    let rest = words.get(i + 2..).unwrap_or(&[]);
    let shown = |n: usize| words[i..(i + n).min(words.len())].join(" ");
    let found = |tool: Tool, n: usize| {
        Some(Install {
            tool,
            shown: shown(n),
            requirements: Vec::new(),
            needs_sources: false,
        })
    };
    let building = |tool: Tool, shown: String| {
        Some(Install {
            tool,
            shown,
            requirements: Vec::new(),
            needs_sources: true,
        })
    };
    match (program(word), next) {
        (w, "install") if is_pip(w) => {
            let mut requirements = Vec::new();
            let mut project = false;
            let mut args = rest.iter();
            while let Some(arg) = args.next() {
                match *arg {
                    "-r" | "--requirement" => {
                        requirements.extend(args.next().map(|s| (*s).to_string()));
                    }
                    "." | "./" => project = true,
                    a if a.starts_with(".[") || a.starts_with("-e.") => project = true,
                    a if a.starts_with("--requirement=") => {
                        requirements.push(a["--requirement=".len()..].to_string());
                    }
                    a if a.starts_with("-r") && a.len() > 2 && !a.starts_with("--") => {
                        requirements.push(a[2..].to_string());
                    }
                    _ => {}
                }
            }
            (!requirements.is_empty() || project).then(|| Install {
                tool: Tool::Pip,
                shown: shown(2),
                needs_sources: requirements.is_empty(),
                requirements,
            })
        }
        ("poetry", "install") if rest.contains(&"--no-root") => found(Tool::Poetry, 2),
        ("poetry", "install") => building(Tool::Poetry, shown(2)),
        ("pipenv", "install") if only_options(rest) => found(Tool::Pipenv, 2),
        ("npm", "ci") => found(Tool::Npm, 2),
        ("npm", "install" | "i") if only_options(rest) => found(Tool::Npm, 2),
        ("yarn", "install") => found(Tool::Yarn, 2),
        ("yarn", _) if only_options(after) => found(Tool::Yarn, 1),
        ("pnpm", "install" | "i") if only_options(rest) => found(Tool::Pnpm, 2),
        ("go", "mod") if rest.first() == Some(&"download") => found(Tool::Go, 3),
        ("bundle", "install") => found(Tool::Bundle, 2),
        ("cargo", "fetch") => found(Tool::Cargo, 2),
        ("cargo", "build") => building(Tool::Cargo, shown(2)),
        ("composer", "install") => found(Tool::Composer, 2),
        ("mvn" | "mvnw", _) => {
            if let Some(goal) = after
                .iter()
                .find(|w| matches!(**w, "dependency:go-offline" | "dependency:resolve"))
            {
                found(Tool::Maven, 1).map(|i| Install {
                    shown: format!("{word} {goal}"),
                    ..i
                })
            } else {
                let goal = after
                    .iter()
                    .find(|w| matches!(**w, "package" | "install"))?;
                building(Tool::Maven, format!("{word} {goal}"))
            }
        }
        ("gradle" | "gradlew", _) => {
            if after.contains(&"dependencies") {
                found(Tool::Gradle, 1).map(|i| Install {
                    shown: format!("{word} dependencies"),
                    ..i
                })
            } else {
                after
                    .contains(&"build")
                    .then(|| building(Tool::Gradle, format!("{word} build")))
                    .flatten()
            }
        }
        _ => None,
    }
}

/// The first dependency install a RUN command runs.
fn detect_install(command: &str) -> Option<Install> {
    for part in split_and_list(command) {
        for simple in part.split([';', '|', '&', '\n']) {
            let words: Vec<&str> = simple
                .split_whitespace()
                .map(|w| w.trim_matches(['"', '\'']))
                .collect();
            if let Some(install) = install_in(&words) {
                return Some(install);
            }
        }
    }
    None
}

/// Directory names that hold sources.
const SOURCE_DIRS: &[&str] = &[
    "src", "lib", "app", "apps", "pkg", "cmd", "internal", "packages", "source", "server",
    "client", "web", "api", "tests", "test",
];

/// Directories that hold manifests rather than sources.
const MANIFEST_DIRS: &[&str] = &[
    "requirements",
    ".yarn",
    ".mvn",
    "gradle",
    ".cargo",
    "patches",
];

/// What a COPY source is, for this rule.
#[derive(Debug, PartialEq, Eq)]
enum Tree {
    /// `.`, `./` or `*`: the whole context.
    Context,
    /// A source directory, cleaned (`src`).
    Directory(String),
}

/// Whether a context source is the whole context or a source directory.
fn tree_of(pattern: &str, files: Option<&Vec<String>>) -> Option<Tree> {
    if matches!(pattern, "." | "./" | "*" | "./*" | "/") {
        return Some(Tree::Context);
    }
    if pattern.contains(['$', '*', '?', '[']) {
        return None;
    }
    let cleaned = pattern
        .trim_start_matches("./")
        .trim_start_matches('/')
        .trim_end_matches('/');
    let name = cleaned.rsplit('/').next().unwrap_or(cleaned);
    if cleaned.is_empty() || MANIFEST_DIRS.contains(&name) {
        return None;
    }
    let is_directory = match files {
        Some(files) => files.iter().any(|f| f.starts_with(&format!("{cleaned}/"))),
        None => pattern.ends_with('/') || SOURCE_DIRS.contains(&name),
    };
    is_directory.then(|| Tree::Directory(cleaned.to_string()))
}

/// The 1-based line of `offset`.
fn line_of(source: &str, offset: u32) -> usize {
    source[..offset as usize].matches('\n').count() + 1
}

/// The range of the instruction without trailing blanks.
fn trimmed(source: &str, range: TextRange) -> TextRange {
    let text = &source[range.as_usize()];
    let len = u32::try_from(text.trim_end().len()).unwrap_or(range.len());
    TextRange::new(range.start, range.start + len)
}

/// The files named after `pip install -r`, as COPY sources next to the destination, or
/// `None` when one of them is not a plain file name.
fn requirement_sources(install: &Install, destination: &str) -> Option<String> {
    if install.requirements.is_empty() {
        return None;
    }
    let dest = format!("{}/", destination.trim_end_matches('/'));
    let mut out = Vec::new();
    for file in &install.requirements {
        let name = file.strip_prefix(dest.as_str()).unwrap_or(file);
        let name = name.strip_prefix("./").unwrap_or(name);
        if name.is_empty() || name.contains(['/', '$', '*', '?', '[', '"', '\'', '\\', '`']) {
            return None;
        }
        out.push(name.to_string());
    }
    Some(out.join(" "))
}

/// Whether an instruction between the COPY and the install lets the COPY move below it.
fn lets_copy_move(kind: SyntaxKind, copy_has_variables: bool, relative_dest: bool) -> bool {
    match kind {
        SyntaxKind::WORKDIR_INSTR => !relative_dest,
        SyntaxKind::ENV_INSTR | SyntaxKind::ARG_INSTR => !copy_has_variables,
        SyntaxKind::LABEL_INSTR
        | SyntaxKind::EXPOSE_INSTR
        | SyntaxKind::USER_INSTR
        | SyntaxKind::CMD_INSTR
        | SyntaxKind::ENTRYPOINT_INSTR
        | SyntaxKind::HEALTHCHECK_INSTR
        | SyntaxKind::STOPSIGNAL_INSTR
        | SyntaxKind::MAINTAINER_INSTR
        | SyntaxKind::SHELL_INSTR => true,
        _ => false,
    }
}

/// The fix: copy the manifests where the COPY was, and move the COPY after the install.
fn build_fix(
    ctx: &RuleContext<'_>,
    copy: &Layer,
    install_layer: &Layer,
    install: &Install,
) -> Option<Fix> {
    let source = ctx.source;
    let copy_node = ctx.instruction(copy.range)?;
    let run_node = ctx.instruction(install_layer.range)?;
    if copy_node.exec_form().is_some()
        || copy_node.heredoc_markers().next().is_some()
        || run_node.heredoc_markers().next().is_some()
        || copy.sources.len() != 1
        || !matches!(&copy.sources[0], Source::Context { pattern, .. } if tree_of(pattern, None) == Some(Tree::Context))
    {
        return None;
    }
    let span = copy.range.cover(install_layer.range);
    if ctx
        .parse
        .errors()
        .iter()
        .any(|e| e.range.start <= span.end && e.range.end >= span.start)
    {
        return None;
    }
    let words: Vec<_> = copy_node.words().collect();
    let destination = words.last()?.text();
    if words.len() != 2 || destination.contains(['"', '\'']) {
        return None;
    }
    let manifests = match install.tool {
        Tool::Pip => requirement_sources(install, &destination)?,
        tool => tool.fix_manifests()?.to_string(),
    };
    let copy_text_range = trimmed(source, copy.range);
    let copy_text = &source[copy_text_range.as_usize()];
    let has_variables = copy_text.contains('$');
    let relative = !destination.starts_with('/') && !destination.starts_with('$');
    let between_ok = ctx
        .instructions()
        .filter(|i| i.range().start >= copy.range.end && i.range().end <= install_layer.range.start)
        .all(|i| lets_copy_move(i.kind(), has_variables, relative));
    if !between_ok {
        return None;
    }
    let mut line = if copy_node.keyword().chars().all(|c| c.is_ascii_lowercase()) {
        String::from("copy")
    } else {
        String::from("COPY")
    };
    for flag in copy_node.flags() {
        if matches!(flag.name().as_str(), "chown" | "chmod") {
            line.push(' ');
            line.push_str(&flag.syntax().logical_text());
        }
    }
    line.push(' ');
    line.push_str(&manifests);
    line.push(' ');
    line.push_str(destination.trim_end_matches('/'));
    line.push('/');
    let tree = ctx.parse.tree();
    let newline = match tree.token_at(copy.range.end) {
        Some(t) if t.kind() == SyntaxKind::NEWLINE => t.text(),
        _ => "\n",
    };
    let line_start = source[..copy.range.start as usize]
        .rfind('\n')
        .map_or(0, |p| p + 1);
    let indent = &source[line_start..copy.range.start as usize];
    if !indent.trim().is_empty() {
        return None;
    }
    let run_end = install_layer.range.end;
    Some(Fix::new(
        format!(
            "Copy `{manifests}` first and move the `{}` after the `{}`",
            if copy.kind == SyntaxKind::ADD_INSTR {
                "ADD"
            } else {
                "COPY"
            },
            install.shown
        ),
        Applicability::Unsafe,
        vec![
            Edit::replace(copy_text_range, line),
            Edit::insert(run_end, format!("{newline}{indent}{copy_text}")),
        ],
    ))
}

/// Checks one COPY layer of a stage.
fn check_copy(
    ctx: &RuleContext<'_>,
    stage: &Stage,
    index: usize,
    out: &mut Vec<Diagnostic>,
) -> Option<()> {
    let copy = &stage.layers[index];
    if !matches!(copy.kind, SyntaxKind::COPY_INSTR | SyntaxKind::ADD_INSTR) {
        return None;
    }
    let (pattern, tree) = copy.sources.iter().find_map(|s| match s {
        Source::Context { pattern, files, .. } => {
            tree_of(pattern, files.as_ref()).map(|t| (pattern.clone(), t))
        }
        _ => None,
    })?;
    let (install_index, install) =
        stage
            .layers
            .iter()
            .enumerate()
            .skip(index + 1)
            .find_map(|(i, l)| {
                (l.kind == SyntaxKind::RUN_INSTR)
                    .then(|| detect_install(&l.command))
                    .flatten()
                    .map(|install| (i, install))
            })?;
    // Dependencies of the same ecosystem already installed before the copy: the later
    // install is the project's own, which needs the sources.
    let installed_before = stage.layers[..index].iter().any(|l| {
        l.kind == SyntaxKind::RUN_INSTR
            && detect_install(&l.command)
                .is_some_and(|i| i.tool.ecosystem() == install.tool.ecosystem())
    });
    if installed_before {
        return None;
    }
    let sample = match &tree {
        Tree::Context => format!("src/{}", install.tool.sample_file()),
        Tree::Directory(dir) => format!("{dir}/{}", install.tool.sample_file()),
    };
    let rebuild = simulate(ctx.build, std::slice::from_ref(&sample), &|_| false)
        .into_iter()
        .find(|r| r.stage == stage.index)?;
    if rebuild.first_layer != Some(index) || !rebuild.rebuilds(install_index) {
        return None;
    }
    let install_layer = &stage.layers[install_index];
    let line = line_of(ctx.source, install_layer.range.start);
    let copy_node = ctx.instruction(copy.range)?;
    let range = copy_node
        .words()
        .find(|w| w.text().trim_start_matches("./") == pattern.trim_start_matches("./"))
        .map(|w| w.range())
        .or_else(|| copy_node.keyword_range())
        .unwrap_or(copy.range);
    let manifests = if install.tool == Tool::Pip && !install.requirements.is_empty() {
        install.requirements.clone()
    } else {
        install
            .tool
            .manifests()
            .iter()
            .map(|m| (*m).to_string())
            .collect()
    };
    let named = manifests
        .iter()
        .map(|m| format!("`{m}`"))
        .collect::<Vec<_>>();
    let named = match named.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => named.join(""),
    };
    let keyword = if copy.kind == SyntaxKind::ADD_INSTR {
        "ADD"
    } else {
        "COPY"
    };
    let (message, change) = match &tree {
        Tree::Context => (
            format!(
                "the whole build context is copied before the `{}` on line {line}",
                install.shown
            ),
            format!("a change to any file of the build context, such as `{sample}`,"),
        ),
        Tree::Directory(dir) => (
            format!(
                "`{dir}/` is copied before the `{}` on line {line}",
                install.shown
            ),
            format!("a change to any file under `{dir}/`"),
        ),
    };
    // Manifests already copied by an earlier COPY: only the install is misplaced.
    let copied_earlier = stage.layers[..index].iter().find(|l| {
        l.sources.iter().any(|s| match s {
            Source::Context { pattern, .. } => {
                tree_of(pattern, None).is_none()
                    && manifests
                        .iter()
                        .any(|m| source_covers(pattern, m.rsplit('/').next().unwrap_or(m)))
            }
            _ => false,
        })
    });
    let shown = &install.shown;
    let step = install.tool.dependencies_step();
    let (help, fix) = match (copied_earlier, install.needs_sources) {
        (Some(earlier), false) => (
            format!(
                "{change} reruns the `{shown}` on line {line}; the manifests are already copied on line {}: run the install before this `{keyword}`",
                line_of(ctx.source, earlier.range.start)
            ),
            None,
        ),
        (Some(earlier), true) => (
            format!(
                "{change} reruns the `{shown}` on line {line}; the manifests are already copied on line {}: install the dependencies alone (`{step}`) before this `{keyword}`",
                line_of(ctx.source, earlier.range.start)
            ),
            None,
        ),
        (None, false) => (
            format!(
                "{change} reruns the `{shown}` on line {line}; copy {named} first, install, then copy the rest"
            ),
            build_fix(ctx, copy, install_layer, &install),
        ),
        (None, true) => (
            format!(
                "{change} reruns the `{shown}` on line {line}; copy {named} first, install the dependencies alone (`{step}`), then copy the rest and build"
            ),
            None,
        ),
    };
    out.push(
        META.diagnostic(range, message)
            .with_help(help)
            .with_fix(fix),
    );
    Some(())
}

impl Rule for CopyBeforeInstall {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for stage in &ctx.build.stages {
            for index in 0..stage.layers.len() {
                let _ = check_copy(ctx, stage, index, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{CopyBeforeInstall, Tool, detect_install};
    use crate::rules::test_support::{check, fixed, flagged};
    use crate::semantic::cache::simulate;
    use crate::semantic::{BuildOptions, evaluate};

    #[test]
    fn detects_each_ecosystem() {
        for (command, tool) in [
            ("pip install -r requirements.txt", Tool::Pip),
            (
                "python3 -m pip install --no-cache-dir -r req.txt",
                Tool::Pip,
            ),
            ("pip install .", Tool::Pip),
            ("pip install -e .", Tool::Pip),
            ("poetry install --no-interaction", Tool::Poetry),
            ("poetry install --no-root", Tool::Poetry),
            ("pipenv install --system --deploy", Tool::Pipenv),
            ("npm ci --omit=dev", Tool::Npm),
            ("npm install", Tool::Npm),
            ("yarn", Tool::Yarn),
            ("yarn --frozen-lockfile", Tool::Yarn),
            ("yarn install --production", Tool::Yarn),
            ("pnpm install --frozen-lockfile", Tool::Pnpm),
            ("cd /app && go mod download", Tool::Go),
            ("bundle install --jobs 4", Tool::Bundle),
            ("cargo build --release", Tool::Cargo),
            ("cargo fetch", Tool::Cargo),
            ("composer install --no-dev", Tool::Composer),
            ("mvn -B dependency:go-offline", Tool::Maven),
            ("./mvnw package -DskipTests", Tool::Maven),
            ("mvn clean install", Tool::Maven),
            ("gradle build --no-daemon", Tool::Gradle),
            ("./gradlew dependencies", Tool::Gradle),
        ] {
            assert_eq!(
                detect_install(command).map(|i| i.tool),
                Some(tool),
                "{command}"
            );
        }
        for command in [
            "pip install flask",
            "npm install -g yarn",
            "npm run build",
            "yarn build",
            "yarn add left-pad",
            "pnpm add x",
            "go build ./...",
            "pipenv install requests",
            "mvn -v",
            "apt-get install -y curl",
        ] {
            assert_eq!(detect_install(command), None, "{command}");
        }
        assert_eq!(
            detect_install("pip install -r a.txt --requirement=b.txt -rc.txt")
                .unwrap()
                .requirements,
            ["a.txt", "b.txt", "c.txt"]
        );
    }

    #[test]
    fn flags_copies_before_installs() {
        for (source, expected) in [
            ("FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\n", "."),
            (
                "FROM python:3\nCOPY ./ /app\nRUN pip install -r /app/requirements.txt\n",
                "./",
            ),
            ("FROM golang:1.23\nCOPY * /src/\nRUN go mod download\n", "*"),
            (
                "FROM node:22\nCOPY package.json ./\nCOPY src/ ./src/\nRUN npm install\n",
                "src/",
            ),
            (
                "FROM ruby:3\nADD . /app\nWORKDIR /app\nRUN bundle install\n",
                ".",
            ),
            (
                "FROM rust:1\nCOPY src ./src\nRUN cargo build --release\n",
                "src",
            ),
        ] {
            let diagnostics = check(&CopyBeforeInstall, source);
            assert_eq!(flagged(source, &diagnostics), [expected], "{source}");
        }
        let source = "FROM node:22\nWORKDIR /app\nCOPY . .\n\nRUN npm ci\n";
        let d = &check(&CopyBeforeInstall, source)[0];
        assert_eq!(
            d.message,
            "the whole build context is copied before the `npm ci` on line 5"
        );
        assert_eq!(
            d.help.as_deref(),
            Some(
                "a change to any file of the build context, such as `src/index.js`, reruns the `npm ci` on line 5; copy `package.json` and `package-lock.json` first, install, then copy the rest"
            )
        );
        let source = "FROM node:22\nCOPY package.json ./\nCOPY src/ ./src/\nRUN npm install\n";
        let d = &check(&CopyBeforeInstall, source)[0];
        assert!(
            d.help
                .as_deref()
                .unwrap()
                .starts_with("a change to any file under `src/` reruns the `npm install` on line 4; the manifests are already copied on line 2")
        );
        assert!(d.fix.is_none());
        // An install that builds the project needs the sources: fetch the dependencies first.
        let source = "FROM rust:1\nCOPY Cargo.toml Cargo.lock ./\nCOPY src/ src/\nRUN cargo build --release\n";
        let d = &check(&CopyBeforeInstall, source)[0];
        assert!(
            d.help.as_deref().unwrap().ends_with(
                "the manifests are already copied on line 2: install the dependencies alone (`cargo fetch`) before this `COPY`"
            ),
            "{:?}",
            d.help
        );
    }

    #[test]
    fn accepts_the_cache_friendly_order() {
        for source in [
            // The manifest alone first.
            "FROM node:22\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\n",
            "FROM python:3\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n",
            // The install before the copy.
            "FROM node:22\nRUN npm install\nCOPY . .\n",
            // Dependencies installed first, the project after.
            "FROM python:3\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nRUN pip install --no-deps .\n",
            // Another stage.
            "FROM node:22 AS deps\nCOPY . .\nFROM node:22\nRUN npm ci\n",
            // Not the context.
            "FROM node:22 AS src\nFROM node:22\nCOPY --from=src /app /app\nRUN npm ci\n",
            "FROM node:22\nCOPY --from=node:22 /usr/local /usr/local\nRUN npm ci\n",
            // Not an install, or not a source tree.
            "FROM node:22\nCOPY . .\nRUN npm run build\n",
            "FROM node:22\nCOPY server.js .\nRUN npm ci\n",
            "FROM python:3\nCOPY requirements/ requirements/\nRUN pip install -r requirements/base.txt\n",
        ] {
            let found = check(&CopyBeforeInstall, source);
            assert!(found.is_empty(), "{source}: {found:?}");
        }
    }

    #[test]
    fn fixes_npm_and_pip() {
        let source = "FROM node:22\nWORKDIR /app\n  COPY --chown=node:node . .\nRUN npm ci\nCMD [\"node\", \"server.js\"]\n";
        let diagnostics = check(&CopyBeforeInstall, source);
        assert_eq!(
            fixed(source, &diagnostics),
            "FROM node:22\nWORKDIR /app\n  COPY --chown=node:node package.json package-lock.json* ./\nRUN npm ci\n  COPY --chown=node:node . .\nCMD [\"node\", \"server.js\"]\n"
        );
        let source = "FROM python:3.12\r\nCOPY . /app\r\nWORKDIR /app\r\n# deps\r\nRUN pip install --no-cache-dir -r /app/requirements.txt  \r\nCMD [\"python\", \"main.py\"]\r\n";
        let diagnostics = check(&CopyBeforeInstall, source);
        assert_eq!(
            fixed(source, &diagnostics),
            "FROM python:3.12\r\nCOPY requirements.txt /app/\r\nWORKDIR /app\r\n# deps\r\nRUN pip install --no-cache-dir -r /app/requirements.txt  \r\nCOPY . /app\r\nCMD [\"python\", \"main.py\"]\r\n"
        );
    }

    #[test]
    fn no_fix_when_the_manifests_or_the_move_are_unknown() {
        for source in [
            // pip without named requirement files, cargo, poetry.
            "FROM python:3\nCOPY . /app\nWORKDIR /app\nRUN pip install -r requirements/base.txt\n",
            "FROM python:3\nWORKDIR /app\nCOPY . .\nRUN pip install .\n",
            "FROM rust:1\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\n",
            "FROM python:3\nWORKDIR /app\nCOPY . .\nRUN poetry install\n",
            // A RUN between may need the files.
            "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN chmod +x run.sh\nRUN npm ci\n",
            // A WORKDIR between changes where a relative destination points.
            "FROM node:22\nCOPY . .\nWORKDIR /app\nRUN npm ci\n",
            // A source directory: where the manifests go is not known.
            "FROM node:22\nWORKDIR /app\nCOPY src/ ./\nRUN npm ci\n",
        ] {
            let diagnostics = check(&CopyBeforeInstall, source);
            assert_eq!(diagnostics.len(), 1, "{source}");
            assert!(diagnostics[0].fix.is_none(), "{source}");
        }
    }

    #[test]
    fn fixed_file_keeps_the_install_cached() {
        let source = "FROM node:22 AS build\nWORKDIR /app\nCOPY . .\nENV NODE_ENV=production\nRUN npm ci\nRUN npm run build\nFROM nginx\nCOPY --from=build /app/dist /usr/share/nginx/html\n";
        let diagnostics = check(&CopyBeforeInstall, source);
        assert_eq!(diagnostics.len(), 1);
        let after = fixed(source, &diagnostics);
        let parse = crate::syntax::parse(&after);
        assert!(parse.errors().is_empty(), "{after}");
        let before = evaluate(&crate::syntax::parse(source), &BuildOptions::default());
        let build = evaluate(&parse, &BuildOptions::default());
        let differences = crate::semantic::compare::compare(&before, &build);
        assert!(
            differences
                .iter()
                .all(|d| super::META.fix_changes.contains(&d.area)),
            "{differences:?}"
        );
        let install = build.stages[0]
            .layers
            .iter()
            .position(|l| l.command == "npm ci")
            .unwrap();
        let rebuild = &simulate(&build, &["src/main.py".into()], &|_| false)[0];
        assert!(!rebuild.rebuilds(install), "{after}");
        assert!(rebuild.first_layer.is_some());
        assert!(check(&CopyBeforeInstall, &after).is_empty(), "{after}");
    }
}

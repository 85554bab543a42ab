//! Reading the builds that Compose files declare: each service's `build` (a context
//! string, or a mapping with `context`, `dockerfile`, `dockerfile_inline`, `args` and
//! `target`), with `${VAR}` interpolation from the environment and the project's `.env`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::discover::{
    DeclaredBuild, DockerfileSource, Found, InlineLines, is_remote_context, normalize,
};
use crate::config::tree::{self, Entry, Node, Position, Value};

/// The names of a project's main file, in the order Compose prefers them.
const MAIN_FILES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// The names of the files Compose merges into the main file by itself.
const OVERRIDE_FILES: &[&str] = &[
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
];

/// A value and where it was written.
#[derive(Clone, Debug)]
struct Located<T> {
    value: T,
    /// `file:line:col: key.path`.
    site: String,
}

/// A service's `build` as one file writes it; merged field by field over the files of a
/// project.
#[derive(Clone, Debug, Default)]
struct ServiceBuild {
    /// Where `build` itself is written.
    site: String,
    context: Option<Located<String>>,
    dockerfile: Option<Located<String>>,
    /// The text, the key path, and where its lines are.
    inline: Option<(Located<String>, String, Option<InlineLines>)>,
    /// `args` by name in the order first written; `None` is a name without a value.
    args: Vec<(String, Option<String>)>,
    target: Option<String>,
}

impl ServiceBuild {
    /// Applies `over` on top of `self`, as Compose merges an override file.
    fn merge(&mut self, over: ServiceBuild) {
        if over.context.is_some() {
            self.context = over.context;
        }
        if over.dockerfile.is_some() {
            self.dockerfile = over.dockerfile;
            self.inline = None;
        }
        if over.inline.is_some() {
            self.inline = over.inline;
            self.dockerfile = None;
        }
        for (name, value) in over.args {
            match self.args.iter_mut().find(|(n, _)| *n == name) {
                Some(slot) => slot.1 = value,
                None => self.args.push((name, value)),
            }
        }
        if over.target.is_some() {
            self.target = over.target;
        }
    }
}

/// One parsed Compose file: its services with a `build`, in order.
struct ComposeFile {
    path: PathBuf,
    services: Vec<(String, ServiceBuild)>,
}

/// Reads the Compose files of one directory into `found`: the main file with its override
/// merged in (as `docker compose` reads them), each other `docker-compose.*.yml` merged on
/// top of the main file (as `docker compose -f main -f other` reads them), and any file
/// without a main file on its own.
pub(crate) fn read_directory(files: &[PathBuf], found: &mut Found) {
    let name_of = |p: &PathBuf| {
        p.file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default()
    };
    let dir = files[0].parent().unwrap_or(Path::new("")).to_path_buf();
    let env = Environment::new(&dir);
    let main_path = MAIN_FILES
        .iter()
        .find_map(|m| files.iter().find(|p| name_of(p) == *m));
    let main = match main_path.map(|p| parse_file(p, &env)) {
        Some(Ok(file)) => Some(file),
        Some(Err(e)) => {
            found.errors.push(e);
            None
        }
        None => None,
    };
    let mut rest: Vec<&PathBuf> = files.iter().filter(|p| Some(*p) != main_path).collect();
    rest.sort();
    let mut variants: Vec<ComposeFile> = Vec::new();
    let mut project = main.as_ref().map(|m| m.services.clone());
    for path in rest {
        let file = match parse_file(path, &env) {
            Ok(file) => file,
            Err(e) => {
                found.errors.push(e);
                continue;
            }
        };
        let is_override = OVERRIDE_FILES.contains(&name_of(path).as_str());
        match (&mut project, &main) {
            (Some(services), Some(_)) if is_override => merge_services(services, file.services),
            (_, Some(main)) if !MAIN_FILES.contains(&name_of(path).as_str()) => {
                let mut services = main.services.clone();
                merge_services(&mut services, file.services);
                variants.push(ComposeFile {
                    path: file.path,
                    services,
                });
            }
            _ => variants.push(file),
        }
    }
    if let (Some(main), Some(services)) = (main, project) {
        declare(
            &ComposeFile {
                path: main.path,
                services,
            },
            &env,
            found,
        );
    }
    for variant in &variants {
        declare(variant, &env, found);
    }
}

fn merge_services(services: &mut Vec<(String, ServiceBuild)>, over: Vec<(String, ServiceBuild)>) {
    for (name, build) in over {
        match services.iter_mut().find(|(n, _)| *n == name) {
            Some((_, existing)) => existing.merge(build),
            None => services.push((name, build)),
        }
    }
}

/// Turns a project's services into declared builds.
fn declare(file: &ComposeFile, env: &Environment, found: &mut Found) {
    let dir = file.path.parent().unwrap_or(Path::new(""));
    let file_name = file
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for (service, build) in &file.services {
        let origin = format!("{file_name} service `{service}`");
        let context_value = build.context.as_ref().map_or(".", |c| c.value.as_str());
        if is_remote_context(context_value) {
            found.notes.push(format!(
                "{}: the build context `{context_value}` is not a local directory; {origin} is \
                 not checked",
                build.context.as_ref().map_or(&build.site, |c| &c.site)
            ));
            continue;
        }
        let context = normalize(&dir.join(context_value));
        let build_args = build
            .args
            .iter()
            .filter_map(|(name, value)| {
                // A name without a value takes it from the environment, as Compose does;
                // unset there, the ARG keeps its default.
                let value = value.clone().or_else(|| env.get(name))?;
                Some((name.clone(), value))
            })
            .collect();
        let (dockerfile, site) = match (&build.inline, &build.dockerfile) {
            (Some((text, key, lines)), _) => (
                DockerfileSource::Inline {
                    text: text.value.clone(),
                    key: key.clone(),
                    lines: *lines,
                },
                text.site.clone(),
            ),
            (None, dockerfile) => {
                let (name, site) = match dockerfile {
                    Some(d) => (d.value.as_str(), d.site.clone()),
                    None => (
                        "Dockerfile",
                        format!("{} (the default `Dockerfile`)", build.site),
                    ),
                };
                let path = normalize(&context.join(name));
                if !path.is_file() {
                    found.errors.push(format!(
                        "{site}: the Dockerfile `{}` of {origin} is not a file",
                        path.display()
                    ));
                    continue;
                }
                (DockerfileSource::File(path), site)
            }
        };
        found.builds.push(DeclaredBuild {
            origin,
            file: file.path.clone(),
            site,
            dockerfile,
            context,
            build_args,
            target: build.target.clone(),
        });
    }
}

/// The variables `${VAR}` takes its value from: the process environment, then the
/// project directory's `.env` file.
struct Environment {
    dotenv: HashMap<String, String>,
}

impl Environment {
    fn new(dir: &Path) -> Self {
        let dotenv = std::fs::read_to_string(dir.join(".env"))
            .map(|text| parse_dotenv(&text))
            .unwrap_or_default();
        Environment { dotenv }
    }

    fn get(&self, name: &str) -> Option<String> {
        std::env::var(name)
            .ok()
            .or_else(|| self.dotenv.get(name).cloned())
    }
}

/// `NAME=value` lines of a `.env` file; comments, blank lines and `export ` prefixes are
/// allowed, and matching quotes around a value are removed.
fn parse_dotenv(text: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim();
        let unquoted = ['"', '\'']
            .iter()
            .find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q)))
            .unwrap_or(value);
        out.insert(name.trim().to_string(), unquoted.to_string());
    }
    out
}

/// Replaces `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`,
/// `${VAR+alt}`, `${VAR:?message}` and `${VAR?message}` as Compose does (an unset variable
/// is empty), and `$$` with `$`. Returns an error for a missing required variable or an
/// unterminated `${`.
fn interpolate(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(body) = after.strip_prefix('{') {
            let end =
                closing_brace(body).ok_or_else(|| format!("unterminated `${{` in `{text}`"))?;
            out.push_str(&expand(&body[..end], lookup)?);
            rest = &body[end + 1..];
        } else {
            let name_len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            if name_len == 0 {
                out.push('$');
            } else {
                out.push_str(&lookup(&after[..name_len]).unwrap_or_default());
            }
            rest = &after[name_len..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The index of the `}` closing a `${`, counting nested `${...}` in defaults.
fn closing_brace(body: &str) -> Option<usize> {
    let mut depth = 0usize;
    let bytes = body.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' if i > 0 && bytes[i - 1] == b'$' => depth += 1,
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Expands the inside of one `${...}`.
fn expand(body: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let name_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(body.len());
    let (name, operator) = body.split_at(name_len);
    let value = lookup(name);
    let (colon, operator) = match operator.strip_prefix(':') {
        Some(rest) => (true, rest),
        None => (false, operator),
    };
    let set = value.as_ref().is_some_and(|v| !colon || !v.is_empty());
    let Some(kind) = operator.chars().next() else {
        return Ok(value.unwrap_or_default());
    };
    let word = &operator[kind.len_utf8()..];
    match kind {
        '-' if set => Ok(value.unwrap_or_default()),
        '-' => interpolate(word, lookup),
        '+' if set => interpolate(word, lookup),
        '+' => Ok(String::new()),
        '?' if set => Ok(value.unwrap_or_default()),
        '?' => Err(format!(
            "required variable `{name}` is missing a value: {word}"
        )),
        _ => Err(format!("invalid interpolation `${{{body}}}`")),
    }
}

/// A reader of one file's tree that knows the file's name for messages.
struct Reader<'a> {
    file: &'a str,
    env: &'a Environment,
}

impl Reader<'_> {
    fn site(&self, pos: Position, key: &str) -> String {
        match pos.column {
            Some(column) => format!("{}:{}:{column}: {key}", self.file, pos.line),
            None => format!("{}:{}: {key}", self.file, pos.line),
        }
    }

    fn wrong_type(&self, node: &Node, key: &str, expected: &str) -> String {
        format!(
            "{} must be {expected}, not {}",
            self.site(node.pos, key),
            node.value.type_name(true)
        )
    }

    fn table<'n>(&self, node: &'n Node, key: &str) -> Result<&'n [Entry], String> {
        match &node.value {
            Value::Table(entries) => Ok(entries),
            Value::Null => Ok(&[]),
            _ => Err(self.wrong_type(node, key, "a mapping")),
        }
    }

    /// A scalar as a string, interpolated.
    fn string(&self, node: &Node, key: &str) -> Result<String, String> {
        let raw = match &node.value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return Err(self.wrong_type(node, key, "a string")),
        };
        interpolate(&raw, &|name| self.env.get(name))
            .map_err(|e| format!("{}: {e}", self.site(node.pos, key)))
    }

    fn located(&self, node: &Node, key: &str) -> Result<Located<String>, String> {
        Ok(Located {
            value: self.string(node, key)?,
            site: self.site(node.pos, key),
        })
    }

    fn build(&self, node: &Node, key: &str, text: &str) -> Result<ServiceBuild, String> {
        let mut build = ServiceBuild {
            site: self.site(node.pos, key),
            ..ServiceBuild::default()
        };
        match &node.value {
            Value::String(_) => build.context = Some(self.located(node, key)?),
            Value::Table(entries) => {
                for entry in entries {
                    let path = format!("{key}.{}", entry.key);
                    let value = &entry.value;
                    if matches!(value.value, Value::Null) {
                        continue;
                    }
                    match entry.key.as_str() {
                        "context" => build.context = Some(self.located(value, &path)?),
                        "dockerfile" => build.dockerfile = Some(self.located(value, &path)?),
                        "dockerfile_inline" => {
                            let located = self.located(value, &path)?;
                            let lines = inline_lines(text, value.pos, &located.value);
                            build.inline = Some((located, path.clone(), lines));
                        }
                        "target" => build.target = Some(self.string(value, &path)?),
                        "args" => build.args = self.args(value, &path)?,
                        _ => {}
                    }
                }
            }
            _ => return Err(self.wrong_type(node, key, "a string or a mapping")),
        }
        Ok(build)
    }

    /// `args` as a mapping (`NAME: value`, `NAME:` for the environment's value) or a list
    /// (`NAME=value`, `NAME`).
    fn args(&self, node: &Node, key: &str) -> Result<Vec<(String, Option<String>)>, String> {
        let mut out = Vec::new();
        match &node.value {
            Value::Table(entries) => {
                for entry in entries {
                    let value = match &entry.value.value {
                        Value::Null => None,
                        _ => Some(self.string(&entry.value, &format!("{key}.{}", entry.key))?),
                    };
                    out.push((entry.key.clone(), value));
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let item = self.string(item, &format!("{key}[{i}]"))?;
                    match item.split_once('=') {
                        Some((name, value)) => {
                            out.push((name.to_string(), Some(value.to_string())))
                        }
                        None => out.push((item, None)),
                    }
                }
            }
            _ => return Err(self.wrong_type(node, key, "a mapping or a list")),
        }
        Ok(out)
    }
}

/// Where the lines of an inline Dockerfile written at `pos` are in `text`: a literal block
/// scalar (`|`) keeps every line verbatim after its indentation. `None` when any line is
/// not found verbatim (a folded or quoted string, or interpolation changed it).
fn inline_lines(text: &str, pos: Position, value: &str) -> Option<InlineLines> {
    let lines: Vec<&str> = text.lines().collect();
    let header = usize::try_from(pos.line).ok()?.checked_sub(1)?;
    let wanted: Vec<&str> = value.lines().collect();
    let first_content = wanted.iter().position(|l| !l.is_empty())?;
    // The block starts on the line after its `|` indicator (or on the reported line when
    // the parser reports the content's start).
    for first in [header + 1, header] {
        let Some(line) = lines.get(first + first_content) else {
            continue;
        };
        let indent = line.len() - line.trim_start_matches(' ').len();
        let matches = wanted.iter().enumerate().all(|(i, want)| {
            lines.get(first + i).is_some_and(|have| {
                if want.is_empty() {
                    have.trim().is_empty()
                } else {
                    have.get(indent..) == Some(*want) && have[..indent].trim().is_empty()
                }
            })
        });
        if matches {
            return Some(InlineLines { first, indent });
        }
    }
    None
}

/// Parses one Compose file into its services with a `build`.
fn parse_file(path: &Path, env: &Environment) -> Result<ComposeFile, String> {
    let display = super::display_path(path);
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{display}: cannot read the Compose file: {e}"))?;
    let root = tree::parse_yaml(&text).map_err(|f| {
        let column = f.pos.column.map(|c| format!(":{c}")).unwrap_or_default();
        format!("{display}:{}{column}: {}", f.pos.line, f.message)
    })?;
    let reader = Reader {
        file: &display,
        env,
    };
    let mut services = Vec::new();
    let Some(entry) = reader
        .table(&root, "")?
        .iter()
        .find(|e| e.key == "services")
    else {
        return Ok(ComposeFile {
            path: path.to_path_buf(),
            services,
        });
    };
    for service in reader.table(&entry.value, "services")? {
        let key = format!("services.{}", service.key);
        let Some(build) = reader
            .table(&service.value, &key)?
            .iter()
            .find(|e| e.key == "build")
        else {
            continue;
        };
        if matches!(build.value.value, Value::Null) {
            continue;
        }
        services.push((
            service.key.clone(),
            reader.build(&build.value, &format!("{key}.build"), &text)?,
        ));
    }
    Ok(ComposeFile {
        path: path.to_path_buf(),
        services,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(name: &str) -> Option<String> {
        match name {
            "TAG" => Some("3.20".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn interpolation_forms() {
        let i = |s: &str| interpolate(s, &lookup);
        assert_eq!(i("alpine:${TAG}").unwrap(), "alpine:3.20");
        assert_eq!(i("alpine:$TAG-x").unwrap(), "alpine:3.20-x");
        assert_eq!(i("${NOPE:-1.0}").unwrap(), "1.0");
        assert_eq!(i("${EMPTY:-d}").unwrap(), "d");
        assert_eq!(i("${EMPTY-d}").unwrap(), "");
        assert_eq!(i("${TAG:+set}").unwrap(), "set");
        assert_eq!(i("${NOPE:+set}").unwrap(), "");
        assert_eq!(i("${NOPE:-${TAG}}").unwrap(), "3.20");
        assert_eq!(i("$$HOME $NOPE.").unwrap(), "$HOME .");
        assert_eq!(i("a $ b").unwrap(), "a $ b");
        assert!(i("${NOPE:?needed}").unwrap_err().contains("needed"));
        assert!(i("${TAG").unwrap_err().contains("unterminated"));
    }

    #[test]
    fn dotenv_lines() {
        let env = parse_dotenv("# c\nA=1\nexport B=\"two words\"\n\nC='x'\nbad\n");
        assert_eq!(env.get("A").map(String::as_str), Some("1"));
        assert_eq!(env.get("B").map(String::as_str), Some("two words"));
        assert_eq!(env.get("C").map(String::as_str), Some("x"));
        assert_eq!(env.len(), 3);
    }

    #[test]
    fn inline_block_lines_are_located() {
        let text = "services:\n  web:\n    build:\n      dockerfile_inline: |\n        FROM alpine\n\n        RUN echo\n";
        let value = "FROM alpine\n\nRUN echo\n";
        let root = tree::parse_yaml(text).unwrap();
        let Value::Table(top) = &root.value else {
            panic!()
        };
        let Value::Table(services) = &top[0].value.value else {
            panic!()
        };
        let Value::Table(web) = &services[0].value.value else {
            panic!()
        };
        let Value::Table(build) = &web[0].value.value else {
            panic!()
        };
        let node = &build[0].value;
        let lines = inline_lines(text, node.pos, value).unwrap();
        assert_eq!(
            lines,
            InlineLines {
                first: 4,
                indent: 8
            }
        );
        // A quoted string is not there line by line.
        assert_eq!(
            inline_lines("a: \"FROM x\\nRUN y\"\n", Position::START, "FROM x\nRUN y"),
            None
        );
    }
}

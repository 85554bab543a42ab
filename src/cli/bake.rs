//! Reading the builds that Bake files (`docker-bake.hcl`, `docker-bake.json` and their
//! overrides) declare: `target` blocks with `context`, `dockerfile`, `dockerfile-inline`,
//! `args` and `target`, resolved through `inherits`, with `variable` blocks (and the
//! environment variables of the same names) interpolated into `${VAR}`.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use hcl::edit::Span;
use hcl::eval::{Context, Evaluate};

use super::discover::{DeclaredBuild, DockerfileSource, Found, is_remote_context, normalize};

/// The order Bake reads its files in: each later file overrides the earlier ones.
const FILE_ORDER: &[&str] = &[
    "docker-bake.json",
    "docker-bake.hcl",
    "docker-bake.override.json",
    "docker-bake.override.hcl",
];

/// An expression and where it was written.
struct Attribute {
    name: String,
    expr: hcl::Expression,
    /// `file:line:col: target.api.args`.
    site: String,
}

/// A `variable`, `target` or `group` block, or a top-level attribute (a variable too).
enum Definition {
    Variable {
        name: String,
        default: Option<Attribute>,
    },
    Target {
        name: String,
        site: String,
        attributes: Vec<Attribute>,
    },
    Group {
        targets: Option<Attribute>,
    },
}

/// A target's settings once evaluated; merged over files and through `inherits`.
#[derive(Clone, Debug, Default)]
struct Target {
    /// Where it is first declared.
    site: String,
    context: Option<(String, String)>,
    dockerfile: Option<(String, String)>,
    inline: Option<(String, String)>,
    args: Vec<(String, Option<String>)>,
    target: Option<String>,
    inherits: Vec<String>,
}

impl Target {
    fn merge(&mut self, over: &Target) {
        if over.context.is_some() {
            self.context.clone_from(&over.context);
        }
        if over.dockerfile.is_some() {
            self.dockerfile.clone_from(&over.dockerfile);
        }
        if over.inline.is_some() {
            self.inline.clone_from(&over.inline);
        }
        for (name, value) in &over.args {
            match self.args.iter_mut().find(|(n, _)| n == name) {
                Some(slot) => slot.1.clone_from(value),
                None => self.args.push((name.clone(), value.clone())),
            }
        }
        if over.target.is_some() {
            self.target.clone_from(&over.target);
        }
    }
}

/// Reads the Bake files of one directory, merged in Bake's order, into `found`.
pub(crate) fn read_directory(files: &[PathBuf], found: &mut Found) {
    let mut files: Vec<&PathBuf> = files.iter().collect();
    let rank = |p: &PathBuf| {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        FILE_ORDER.iter().position(|f| *f == name)
    };
    files.sort_by_key(|p| rank(p));
    let mut definitions = Vec::new();
    for path in &files {
        match parse_file(path) {
            Ok(mut defs) => definitions.append(&mut defs),
            Err(e) => {
                found.errors.push(e);
                return;
            }
        }
    }
    let first = files[0];
    let dir = first.parent().unwrap_or(Path::new(""));
    let file_name = first
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let context = variables(&definitions, &mut found.notes);
    let Targets {
        targets,
        order,
        grouped,
    } = collect_targets(&definitions, &context, &mut found.notes);
    let inherited: HashSet<&String> = targets.values().flat_map(|t| &t.inherits).collect();
    for name in &order {
        // A target only other targets inherit from is a template, not a build.
        if inherited.contains(name) && !grouped.contains(name) {
            continue;
        }
        let target = match resolve(name, &targets, &mut Vec::new()) {
            Ok(target) => target,
            Err(e) => {
                found.errors.push(format!("{}: {e}", targets[name].site));
                continue;
            }
        };
        let origin = format!("{file_name} target `{name}`");
        if let Some(build) = declare(dir, first, &origin, target, found) {
            found.builds.push(build);
        }
    }
}

/// The targets of a Bake file's definitions, evaluated, with their order and the names
/// groups list.
struct Targets {
    /// By name; a target defined twice (in an override file) is merged, the later winning.
    targets: BTreeMap<String, Target>,
    /// The names in the order first defined.
    order: Vec<String>,
    /// The names some group lists.
    grouped: HashSet<String>,
}

fn collect_targets(
    definitions: &[Definition],
    context: &Context<'_>,
    notes: &mut Vec<String>,
) -> Targets {
    let mut targets: BTreeMap<String, Target> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut grouped: HashSet<String> = HashSet::new();
    for definition in definitions {
        match definition {
            Definition::Target {
                name,
                site,
                attributes,
            } => {
                let target = evaluate_target(site, attributes, context, notes);
                match targets.get_mut(name) {
                    Some(existing) => {
                        existing.merge(&target);
                        existing.inherits.extend(target.inherits);
                    }
                    None => {
                        order.push(name.clone());
                        targets.insert(name.clone(), target);
                    }
                }
            }
            Definition::Group {
                targets: Some(list),
            } => {
                if let Some(names) = strings(list, context, notes) {
                    grouped.extend(names);
                }
            }
            _ => {}
        }
    }
    Targets {
        targets,
        order,
        grouped,
    }
}

/// A target with the settings it inherits, its own winning.
fn resolve(
    name: &str,
    targets: &BTreeMap<String, Target>,
    seen: &mut Vec<String>,
) -> Result<Target, String> {
    if seen.iter().any(|s| s == name) {
        seen.push(name.to_string());
        return Err(format!("`inherits` forms a cycle: {}", seen.join(" -> ")));
    }
    let Some(target) = targets.get(name) else {
        return Err(format!(
            "target `{}` inherits from `{name}`, which is not defined",
            seen.last().map_or("", String::as_str)
        ));
    };
    seen.push(name.to_string());
    let mut resolved = Target {
        site: target.site.clone(),
        ..Target::default()
    };
    for parent in &target.inherits {
        let parent = resolve(parent, targets, seen)?;
        resolved.merge(&parent);
    }
    seen.pop();
    resolved.merge(target);
    Ok(resolved)
}

/// The declared build of a resolved target; `None` (with a note or an error) when it
/// cannot be checked.
fn declare(
    dir: &Path,
    file: &Path,
    origin: &str,
    target: Target,
    found: &mut Found,
) -> Option<DeclaredBuild> {
    let (context_value, context_site) = target
        .context
        .clone()
        .unwrap_or_else(|| (".".to_string(), target.site.clone()));
    if is_remote_context(&context_value) || context_value.starts_with("target:") {
        found.notes.push(format!(
            "{context_site}: the build context `{context_value}` is not a local directory; \
             {origin} is not checked"
        ));
        return None;
    }
    let context = normalize(&dir.join(&context_value));
    let (dockerfile, site) = match (target.inline, target.dockerfile) {
        (Some((text, site)), _) => {
            let key = site.rsplit_once(": ").map_or("", |(_, k)| k).to_string();
            (
                DockerfileSource::Inline {
                    text,
                    key,
                    lines: None,
                },
                site,
            )
        }
        (None, dockerfile) => {
            let (name, site) = dockerfile.unwrap_or_else(|| {
                (
                    "Dockerfile".to_string(),
                    format!("{} (the default `Dockerfile`)", target.site),
                )
            });
            let path = normalize(&context.join(&name));
            if !path.is_file() {
                found.errors.push(format!(
                    "{site}: the Dockerfile `{}` of {origin} is not a file",
                    path.display()
                ));
                return None;
            }
            (DockerfileSource::File(path), site)
        }
    };
    Some(DeclaredBuild {
        origin: origin.to_string(),
        file: file.to_path_buf(),
        site,
        dockerfile,
        context,
        build_args: target
            .args
            .into_iter()
            .filter_map(|(name, value)| Some((name, value?)))
            .collect(),
        target: target.target,
    })
}

/// The variables' values: an environment variable of the same name wins over the
/// default, as in Bake. A default that cannot be evaluated leaves the variable undefined.
fn variables(definitions: &[Definition], notes: &mut Vec<String>) -> Context<'static> {
    let mut context = Context::new();
    for definition in definitions {
        let Definition::Variable { name, default } = definition else {
            continue;
        };
        if let Ok(value) = std::env::var(name) {
            context.declare_var(name.as_str(), value);
            continue;
        }
        let value = match default {
            Some(default) => match default.expr.evaluate(&context) {
                Ok(value) => value,
                Err(e) => {
                    notes.push(format!(
                        "{}: cannot evaluate the default: {e}",
                        default.site
                    ));
                    continue;
                }
            },
            None => hcl::Value::String(String::new()),
        };
        context.declare_var(name.as_str(), value);
    }
    context
}

/// A scalar value as a build argument or path: strings as they are, numbers and booleans
/// as written; `None` for null (unset) and for lists and objects.
fn scalar(value: &hcl::Value) -> Option<String> {
    match value {
        hcl::Value::String(s) => Some(s.clone()),
        hcl::Value::Number(n) => Some(n.to_string()),
        hcl::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Evaluates an attribute that must be a list of strings.
fn strings(
    attribute: &Attribute,
    context: &Context,
    notes: &mut Vec<String>,
) -> Option<Vec<String>> {
    match attribute.expr.evaluate(context) {
        Ok(hcl::Value::Array(items)) => Some(items.iter().filter_map(scalar).collect()),
        Ok(_) => {
            notes.push(format!(
                "{}: must be a list of strings; ignored",
                attribute.site
            ));
            None
        }
        Err(e) => {
            notes.push(format!(
                "{}: cannot evaluate it: {e}; ignored",
                attribute.site
            ));
            None
        }
    }
}

/// Evaluates a target block's attributes. What cannot be evaluated (a function Bake has
/// and dflint does not) is left out with a note.
fn evaluate_target(
    site: &str,
    attributes: &[Attribute],
    context: &Context,
    notes: &mut Vec<String>,
) -> Target {
    let mut target = Target {
        site: site.to_string(),
        ..Target::default()
    };
    for attribute in attributes {
        let scalar_of = |notes: &mut Vec<String>| match attribute.expr.evaluate(context) {
            Ok(value) => scalar(&value).map(|v| (v, attribute.site.clone())),
            Err(e) => {
                notes.push(format!(
                    "{}: cannot evaluate it: {e}; ignored",
                    attribute.site
                ));
                None
            }
        };
        match attribute.name.as_str() {
            "context" => target.context = scalar_of(notes),
            "dockerfile" => target.dockerfile = scalar_of(notes),
            "dockerfile-inline" => target.inline = scalar_of(notes),
            "target" => target.target = scalar_of(notes).map(|(v, _)| v),
            "inherits" => target.inherits = strings(attribute, context, notes).unwrap_or_default(),
            "args" => target.args = arguments(attribute, context, notes),
            "matrix" => notes.push(format!(
                "{}: `matrix` is not expanded; the target is checked once, without it",
                attribute.site
            )),
            _ => {}
        }
    }
    target
}

/// `args = { NAME = value }`, each value evaluated on its own so that one that cannot be
/// evaluated leaves the others. A null value leaves the ARG unset.
fn arguments(
    attribute: &Attribute,
    context: &Context,
    notes: &mut Vec<String>,
) -> Vec<(String, Option<String>)> {
    let hcl::Expression::Object(object) = &attribute.expr else {
        return match attribute.expr.evaluate(context) {
            Ok(hcl::Value::Object(map)) => {
                map.iter().map(|(k, v)| (k.clone(), scalar(v))).collect()
            }
            Ok(_) => {
                notes.push(format!("{}: must be a mapping; ignored", attribute.site));
                Vec::new()
            }
            Err(e) => {
                notes.push(format!(
                    "{}: cannot evaluate it: {e}; ignored",
                    attribute.site
                ));
                Vec::new()
            }
        };
    };
    let mut out = Vec::new();
    for (key, value) in object {
        let name = match key {
            hcl::ObjectKey::Identifier(id) => id.to_string(),
            hcl::ObjectKey::Expression(expr) => {
                match expr.evaluate(context).ok().as_ref().and_then(scalar) {
                    Some(name) => name,
                    None => continue,
                }
            }
            _ => continue,
        };
        match value.evaluate(context) {
            Ok(value) => out.push((name, scalar(&value))),
            Err(e) => notes.push(format!(
                "{}.{name}: cannot evaluate it: {e}; the ARG keeps its default",
                attribute.site
            )),
        }
    }
    out
}

/// `file:line:col` of a byte offset.
fn location(display: &str, text: &str, span: Option<std::ops::Range<usize>>) -> String {
    let (line, column) = super::discover::line_column(text, span.map_or(0, |s| s.start));
    format!("{display}:{line}:{column}")
}

/// Parses one Bake file into its definitions.
fn parse_file(path: &Path) -> Result<Vec<Definition>, String> {
    let display = super::display_path(path);
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{display}: cannot read the Bake file: {e}"))?;
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        parse_json(&display, &text)
    } else {
        parse_hcl(&display, &text)
    }
}

fn parse_hcl(display: &str, text: &str) -> Result<Vec<Definition>, String> {
    let body = hcl::edit::parser::parse_body(text).map_err(|e| {
        format!(
            "{display}:{}:{}: {}",
            e.location().line(),
            e.location().column(),
            e.message()
        )
    })?;
    let mut out = Vec::new();
    for structure in body.iter() {
        let site = location(display, text, structure.span());
        if let Some(attribute) = structure.as_attribute() {
            out.push(Definition::Variable {
                name: attribute.key.to_string(),
                default: Some(Attribute {
                    name: attribute.key.to_string(),
                    expr: attribute.value.clone().into(),
                    site: format!("{site}: {}", attribute.key.as_str()),
                }),
            });
            continue;
        }
        let Some(block) = structure.as_block() else {
            continue;
        };
        let label = block.labels.first().map(|l| l.as_str().to_string());
        let kind = block.ident.as_str();
        let Some(name) = label else {
            if matches!(kind, "variable" | "target" | "group") {
                return Err(format!("{site}: a `{kind}` block needs a name"));
            }
            continue;
        };
        let attributes: Vec<Attribute> = block
            .body
            .iter()
            .filter_map(|s| s.as_attribute())
            .map(|a| Attribute {
                name: a.key.to_string(),
                expr: a.value.clone().into(),
                site: format!(
                    "{}: {kind}.{name}.{}",
                    location(display, text, a.span()),
                    a.key.as_str()
                ),
            })
            .collect();
        out.push(definition(
            kind,
            name,
            format!("{site}: {kind}.{}", block_name(block)),
            attributes,
        ));
    }
    Ok(out)
}

fn block_name(block: &hcl::edit::structure::Block) -> String {
    block
        .labels
        .first()
        .map(|l| l.as_str().to_string())
        .unwrap_or_default()
}

fn definition(kind: &str, name: String, site: String, attributes: Vec<Attribute>) -> Definition {
    match kind {
        "variable" => Definition::Variable {
            name,
            default: attributes.into_iter().find(|a| a.name == "default"),
        },
        "group" => Definition::Group {
            targets: attributes.into_iter().find(|a| a.name == "targets"),
        },
        _ => Definition::Target {
            name,
            site,
            attributes,
        },
    }
}

/// A JSON value as an expression; strings are templates, so `${VAR}` in them is
/// interpolated as in HCL.
fn json_expression(value: &serde_json::Value) -> Result<hcl::Expression, String> {
    Ok(match value {
        serde_json::Value::Null => hcl::Expression::Null,
        serde_json::Value::Bool(b) => hcl::Expression::Bool(*b),
        serde_json::Value::Number(n) => hcl::Expression::from(
            n.as_i64()
                .map(hcl::Number::from)
                .or_else(|| n.as_f64().and_then(hcl::Number::from_f64))
                .unwrap_or_else(|| hcl::Number::from(0)),
        ),
        serde_json::Value::String(s) if s.contains("${") => {
            let quoted = serde_json::to_string(s).map_err(|e| e.to_string())?;
            hcl::edit::parser::parse_expr(&quoted)
                .map_err(|e| format!("`{s}`: {}", e.message()))?
                .into()
        }
        serde_json::Value::String(s) => hcl::Expression::String(s.clone()),
        serde_json::Value::Array(items) => hcl::Expression::Array(
            items
                .iter()
                .map(json_expression)
                .collect::<Result<_, _>>()?,
        ),
        serde_json::Value::Object(map) => {
            let mut object = hcl::expr::Object::new();
            for (k, v) in map {
                object.insert(
                    hcl::ObjectKey::Expression(hcl::Expression::String(k.clone())),
                    json_expression(v)?,
                );
            }
            hcl::Expression::Object(object)
        }
    })
}

fn parse_json(display: &str, text: &str) -> Result<Vec<Definition>, String> {
    let root: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| format!("{display}:{}:{}: {e}", e.line(), e.column()))?;
    let serde_json::Value::Object(root) = root else {
        return Err(format!("{display}:1:1: a Bake file must be a JSON object"));
    };
    let mut out = Vec::new();
    for (kind, blocks) in &root {
        let serde_json::Value::Object(blocks) = blocks else {
            if !matches!(kind.as_str(), "variable" | "target" | "group") {
                // A top-level value is a variable.
                out.push(Definition::Variable {
                    name: kind.clone(),
                    default: Some(Attribute {
                        name: kind.clone(),
                        expr: json_expression(blocks)
                            .map_err(|e| format!("{display}: {kind}: {e}"))?,
                        site: format!("{display}: {kind}"),
                    }),
                });
                continue;
            }
            return Err(format!("{display}: `{kind}` must be an object"));
        };
        if !matches!(kind.as_str(), "variable" | "target" | "group") {
            continue;
        }
        for (name, body) in blocks {
            let site = format!("{display}: {kind}.{name}");
            let serde_json::Value::Object(body) = body else {
                return Err(format!("{site}: must be an object"));
            };
            let attributes = body
                .iter()
                .map(|(key, value)| {
                    Ok(Attribute {
                        name: key.clone(),
                        expr: json_expression(value).map_err(|e| format!("{site}.{key}: {e}"))?,
                        site: format!("{site}.{key}"),
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            out.push(definition(kind, name.clone(), site, attributes));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(text: &str) -> Vec<(String, Target)> {
        let definitions = parse_hcl("docker-bake.hcl", text).unwrap();
        let mut notes = Vec::new();
        let context = variables(&definitions, &mut notes);
        let map = collect_targets(&definitions, &context, &mut notes).targets;
        map.keys()
            .map(|k| (k.clone(), resolve(k, &map, &mut Vec::new()).unwrap()))
            .collect()
    }

    #[test]
    fn variables_inherits_and_args() {
        let text = r#"
variable "DFLINT_TEST_UNSET_TAG" { default = "3.20" }
variable "SUFFIX" { default = "-${DFLINT_TEST_UNSET_TAG}" }
target "_common" {
  context = "app"
  args = { BASE = "alpine", TAG = "1" }
}
target "api" {
  inherits = ["_common"]
  dockerfile = "api.Dockerfile"
  args = { TAG = "${DFLINT_TEST_UNSET_TAG}${SUFFIX}", UNSET = null }
  target = "prod"
}
"#;
        let all = targets(text);
        let api = &all.iter().find(|(n, _)| n == "api").unwrap().1;
        assert_eq!(api.context.as_ref().unwrap().0, "app");
        assert_eq!(api.dockerfile.as_ref().unwrap().0, "api.Dockerfile");
        assert_eq!(
            api.args,
            [
                ("BASE".to_string(), Some("alpine".to_string())),
                ("TAG".to_string(), Some("3.20-3.20".to_string())),
                ("UNSET".to_string(), None),
            ]
        );
        assert_eq!(api.target.as_deref(), Some("prod"));
        assert!(
            api.dockerfile
                .as_ref()
                .unwrap()
                .1
                .starts_with("docker-bake.hcl:10:3: ")
        );
    }

    #[test]
    fn inherit_cycles_are_errors() {
        let definitions = parse_hcl(
            "b.hcl",
            "target \"a\" { inherits = [\"b\"] }\ntarget \"b\" { inherits = [\"a\"] }\n",
        )
        .unwrap();
        let mut notes = Vec::new();
        let context = variables(&definitions, &mut notes);
        let map = collect_targets(&definitions, &context, &mut notes).targets;
        let e = resolve("a", &map, &mut Vec::new()).unwrap_err();
        assert!(e.contains("a -> b -> a"), "{e}");
    }

    #[test]
    fn syntax_errors_have_a_location() {
        let e = parse_hcl("docker-bake.hcl", "target \"a\" {\n  context = \n}\n")
            .err()
            .unwrap();
        assert!(e.starts_with("docker-bake.hcl:2:"), "{e}");
        let e = parse_json("docker-bake.json", "{\n  \"target\": {,}\n}")
            .err()
            .unwrap();
        assert!(e.starts_with("docker-bake.json:2:"), "{e}");
    }

    #[test]
    fn json_strings_are_templates() {
        let definitions = parse_json(
            "docker-bake.json",
            r#"{"variable": {"V": {"default": "9"}}, "target": {"t": {"args": {"A": "x${V}"}}}}"#,
        )
        .unwrap();
        let mut notes = Vec::new();
        let context = variables(&definitions, &mut notes);
        let Some((site, attributes)) = definitions.iter().find_map(|d| match d {
            Definition::Target {
                site, attributes, ..
            } => Some((site, attributes)),
            _ => None,
        }) else {
            panic!("a target")
        };
        let target = evaluate_target(site, attributes, &context, &mut notes);
        assert_eq!(target.args, [("A".to_string(), Some("x9".to_string()))]);
    }
}

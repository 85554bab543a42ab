//! A format-neutral document tree with source positions, read from TOML or YAML text, so
//! that one schema reader serves every configuration format and every error has a line.

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

/// A 1-based line and, when known, a 1-based column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub line: u32,
    pub column: Option<u32>,
}

impl Position {
    /// The start of the document, used when a parser gives no location.
    pub const START: Position = Position {
        line: 1,
        column: Some(1),
    };
}

/// A value with the position where it was written.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub pos: Position,
    pub value: Value,
}

#[derive(Clone, Debug)]
pub(crate) enum Value {
    /// A YAML null (`key:` with nothing after it). TOML has none.
    Null,
    Bool(bool),
    Number(serde_json::Number),
    /// A float that JSON cannot hold: infinity or NaN.
    NonFinite,
    String(String),
    /// A TOML date-time, kept as written.
    Datetime(String),
    Array(Vec<Node>),
    /// Entries in the order they were written.
    Table(Vec<Entry>),
}

#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub key: String,
    pub key_pos: Position,
    pub value: Node,
}

impl Value {
    /// What the value is, for "must be X, not Y" messages.
    pub fn type_name(&self, yaml: bool) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) | Value::NonFinite => "a number",
            Value::String(_) => "a string",
            Value::Datetime(_) => "a date-time",
            Value::Array(_) if yaml => "a list",
            Value::Array(_) => "an array",
            Value::Table(_) if yaml => "a mapping",
            Value::Table(_) => "a table",
        }
    }
}

/// A parse failure: the parser's message and where it happened.
#[derive(Debug)]
pub(crate) struct SyntaxFailure {
    pub message: String,
    pub pos: Position,
}

/// Maps byte offsets to lines and columns.
struct LineStarts<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineStarts<'t> {
    fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineStarts { text, starts }
    }

    fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: Some(u32::try_from(column + 1).unwrap_or(u32::MAX)),
        }
    }
}

/// A JSON value as a tree: settings an editor sends. Their positions are line 0, which
/// messages leave out.
pub(crate) fn from_json(value: &serde_json::Value) -> Node {
    let pos = Position {
        line: 0,
        column: None,
    };
    let value = match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Number(n.clone()),
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(items) => Value::Array(items.iter().map(from_json).collect()),
        serde_json::Value::Object(map) => Value::Table(
            map.iter()
                .map(|(key, value)| Entry {
                    key: key.clone(),
                    key_pos: pos,
                    value: from_json(value),
                })
                .collect(),
        ),
    };
    Node { pos, value }
}

/// Parses TOML text into a tree.
pub(crate) fn parse_toml(text: &str) -> Result<Node, SyntaxFailure> {
    let index = LineStarts::new(text);
    let document = toml::de::DeTable::parse(text).map_err(|e| SyntaxFailure {
        message: e.message().trim().to_string(),
        pos: e
            .span()
            .map_or(Position::START, |span| index.position(span.start)),
    })?;
    let span = document.span();
    Ok(toml_table(
        &index,
        document.get_ref(),
        index.position(span.start),
    ))
}

fn toml_table(index: &LineStarts<'_>, table: &toml::de::DeTable<'_>, pos: Position) -> Node {
    let mut entries: Vec<(usize, Entry)> = table
        .iter()
        .map(|(key, value)| {
            let start = key.span().start;
            let entry = Entry {
                key: key.get_ref().to_string(),
                key_pos: index.position(start),
                value: toml_value(index, value),
            };
            (start, entry)
        })
        .collect();
    // The parser keeps keys sorted by name; errors should come in the order of the text.
    entries.sort_by_key(|(start, _)| *start);
    Node {
        pos,
        value: Value::Table(entries.into_iter().map(|(_, e)| e).collect()),
    }
}

fn toml_value(index: &LineStarts<'_>, value: &toml::Spanned<toml::de::DeValue<'_>>) -> Node {
    use toml::de::DeValue;
    let pos = index.position(value.span().start);
    let value = match value.get_ref() {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            match i64::from_str_radix(&digits, i.radix()) {
                Ok(n) => Value::Number(n.into()),
                Err(_) => Value::NonFinite,
            }
        }
        DeValue::Float(f) => {
            let text = f.as_str().replace('_', "");
            match text
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
            {
                Some(n) => Value::Number(n),
                None => Value::NonFinite,
            }
        }
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::Datetime(d.to_string()),
        DeValue::Array(items) => Value::Array(items.iter().map(|v| toml_value(index, v)).collect()),
        DeValue::Table(table) => return toml_table(index, table, pos),
    };
    Node { pos, value }
}

/// Parses YAML text (one document) into a tree. An empty document is an empty table.
pub(crate) fn parse_yaml(text: &str) -> Result<Node, SyntaxFailure> {
    let document: Option<serde_saphyr::Spanned<Yaml>> =
        serde_saphyr::from_str(text).map_err(|e| SyntaxFailure {
            message: yaml_message(&e),
            pos: e
                .location()
                .map_or(Position::START, |l| yaml_position(l, Position::START)),
        })?;
    match document {
        Some(document) => yaml_node(document, Position::START),
        None => Ok(Node {
            pos: Position::START,
            value: Value::Table(Vec::new()),
        }),
    }
}

/// The error's message without the rendered source snippet (our caller adds the location).
fn yaml_message(e: &serde_saphyr::Error) -> String {
    let rendered = e.without_snippet().to_string();
    let first = rendered.lines().next().unwrap_or("").trim();
    // The message may end with its own "at line X, column Y"; we print the location first.
    let first = match first.rfind(" at line ") {
        Some(i) => &first[..i],
        None => first,
    };
    // Advice about the parser's own options means nothing to our users.
    let first = match first.find(", set DuplicateKeyPolicy") {
        Some(i) => &first[..i],
        None => first,
    };
    first.trim_end_matches('.').to_string()
}

fn yaml_position(location: serde_saphyr::Location, fallback: Position) -> Position {
    let line = u32::try_from(location.line()).unwrap_or(u32::MAX);
    if line == 0 {
        return fallback;
    }
    let column = u32::try_from(location.column()).unwrap_or(u32::MAX);
    Position {
        line,
        column: (column > 0).then_some(column),
    }
}

fn yaml_node(
    spanned: serde_saphyr::Spanned<Yaml>,
    fallback: Position,
) -> Result<Node, SyntaxFailure> {
    let pos = yaml_position(spanned.referenced, fallback);
    let value = match spanned.value {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => Value::Number(n),
        Yaml::NonFinite => Value::NonFinite,
        Yaml::String(s) => Value::String(s),
        Yaml::Seq(items) => Value::Array(
            items
                .into_iter()
                .map(|item| yaml_node(item, pos))
                .collect::<Result<_, _>>()?,
        ),
        Yaml::Map(entries) => {
            let mut out = Vec::with_capacity(entries.len());
            for (key, value) in entries {
                let key_pos = yaml_position(key.referenced, pos);
                let key = match key.value {
                    Yaml::String(s) => s,
                    Yaml::Bool(b) => b.to_string(),
                    Yaml::Number(n) => n.to_string(),
                    _ => {
                        return Err(SyntaxFailure {
                            message: "a mapping key must be a string".into(),
                            pos: key_pos,
                        });
                    }
                };
                out.push(Entry {
                    key,
                    key_pos,
                    value: yaml_node(value, key_pos)?,
                });
            }
            Value::Table(out)
        }
    };
    Ok(Node { pos, value })
}

/// A YAML value whose children keep their locations.
enum Yaml {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    NonFinite,
    String(String),
    Seq(Vec<serde_saphyr::Spanned<Yaml>>),
    Map(Vec<(serde_saphyr::Spanned<Yaml>, serde_saphyr::Spanned<Yaml>)>),
}

impl<'de> Deserialize<'de> for Yaml {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(YamlVisitor)
    }
}

struct YamlVisitor;

impl<'de> Visitor<'de> for YamlVisitor {
    type Value = Yaml;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Yaml, E> {
        Ok(Yaml::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Yaml, E> {
        Ok(Yaml::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Yaml, E> {
        Ok(Yaml::Number(v.into()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Yaml, E> {
        Ok(i64::try_from(v).map_or(Yaml::NonFinite, |v| Yaml::Number(v.into())))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Yaml, E> {
        Ok(u64::try_from(v).map_or(Yaml::NonFinite, |v| Yaml::Number(v.into())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Yaml, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Yaml::NonFinite, Yaml::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Yaml, E> {
        Ok(Yaml::String(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Yaml, E> {
        Ok(Yaml::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Yaml, E> {
        Ok(Yaml::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Yaml, E> {
        Ok(Yaml::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Yaml, D::Error> {
        Yaml::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Yaml, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Yaml::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Yaml, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key()? {
            let value = map.next_value()?;
            entries.push((key, value));
        }
        Ok(Yaml::Map(entries))
    }
}

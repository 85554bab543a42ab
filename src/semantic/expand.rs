//! Variable expansion as BuildKit's shell lexer performs it on the words of the instructions
//! the builder expands (`shell/lex.go`, `ProcessWord`), over an environment whose values
//! may be unknown.
//!
//! The evaluator reads a parsed [`Word`] and never guesses: a reference whose value cannot
//! be known statically stays symbolic, as a [`Segment::Unknown`] holding the reference as it
//! was written, and every operator applied to such a value yields the whole `${...}` as one
//! unknown segment. Everything else follows BuildKit, quirks included:
//!
//! * quotes are removed, single-quoted text is literal, the escape character escapes the next
//!   character outside quotes and only `"`, `$` and itself inside double quotes;
//! * `${n:-w}`, `${n-w}`, `${n:+w}`, `${n+w}`, `${n:?w}` and `${n?w}` as in the shell, with
//!   the argument always expanded (so an error inside it is raised even when it is unused);
//! * the patterns of `#`, `##`, `%`, `%%`, `/` and `//` and the replacement of `/` and `//` are
//!   expanded with their escapes kept, then read as BuildKit reads them: `*` and `?` are
//!   wildcards (even when they come from quotes or from a variable's value), `\*`, `\?` and
//!   `\\` are literal, `\}` and `\/` stand for `}` and `/`, any other `\x` is an error, there
//!   are no bracket expressions, and the wildcards do not match a newline (Go's `.`);
//! * `//` replaces like Go's `Regexp.ReplaceAllString`, so `$0` in its replacement stands for
//!   the matched text and `$$` for `$`.
//!
//! Malformed references, which the syntax layer reports, expand to their own text as an
//! unknown segment.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::BuildHasher;

use crate::ast::{Dockerfile, Word};
use crate::syntax::{Parse, SyntaxElement, SyntaxKind, SyntaxNode, TextRange, parse};

/// What a variable holds at a point of the build.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum VarValue {
    /// The variable is set to this text.
    Known(String),
    /// The variable is declared (for example by an `ARG` without a default, or in a base
    /// image's `ENV`), but its value cannot be known statically. Whether it ends up set is
    /// not known either, so no operator is evaluated on it.
    Unknown,
}

/// The variables visible to an expansion.
pub trait Env {
    /// The value of the variable `name`, or `None` when it is not set.
    fn lookup(&self, name: &str) -> Option<VarValue>;
}

impl<S: BuildHasher> Env for HashMap<String, VarValue, S> {
    fn lookup(&self, name: &str) -> Option<VarValue> {
        self.get(name).cloned()
    }
}

impl Env for BTreeMap<String, VarValue> {
    fn lookup(&self, name: &str) -> Option<VarValue> {
        self.get(name).cloned()
    }
}

/// A list of definitions in order; the last one of a name wins, as in BuildKit's env lists.
impl Env for [(String, VarValue)] {
    fn lookup(&self, name: &str) -> Option<VarValue> {
        self.iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
}

/// A list of definitions in order; the last one of a name wins, as in BuildKit's env lists.
impl Env for Vec<(String, VarValue)> {
    fn lookup(&self, name: &str) -> Option<VarValue> {
        self.as_slice().lookup(name)
    }
}

impl<E: Env + ?Sized> Env for &E {
    fn lookup(&self, name: &str) -> Option<VarValue> {
        (**self).lookup(name)
    }
}

/// A piece of a [`Value`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Segment {
    /// Text known exactly.
    Text(String),
    /// A part that cannot be known statically, as the source text of the reference that
    /// produced it, such as `${VERSION}` or `$TARGETARCH`.
    Unknown(String),
}

/// A value that may be partly unknown.
///
/// Segments are kept normalised: no text segment is empty and no two text segments are
/// adjacent, so two values with the same meaning compare equal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Value {
    segments: Vec<Segment>,
}

impl Value {
    /// A value known exactly.
    #[must_use]
    pub fn from_text(text: impl Into<String>) -> Self {
        let mut value = Value::default();
        value.push_text(&text.into());
        value
    }

    /// A value that is entirely unknown, shown as `source` (the text it was written as).
    #[must_use]
    pub fn symbolic(source: impl Into<String>) -> Self {
        Value {
            segments: vec![Segment::Unknown(source.into())],
        }
    }

    /// The text when the value is fully known.
    #[must_use]
    pub fn known(&self) -> Option<String> {
        let mut out = String::new();
        for segment in &self.segments {
            match segment {
                Segment::Text(t) => out.push_str(t),
                Segment::Unknown(_) => return None,
            }
        }
        Some(out)
    }

    /// Whether every part of the value is known.
    #[must_use]
    pub fn is_known(&self) -> bool {
        self.segments.iter().all(|s| matches!(s, Segment::Text(_)))
    }

    /// Whether the value is known to be the empty string.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// The known text with each unknown part shown as it was written.
    #[must_use]
    pub fn display(&self) -> String {
        let mut out = String::new();
        for segment in &self.segments {
            match segment {
                Segment::Text(t) | Segment::Unknown(t) => out.push_str(t),
            }
        }
        out
    }

    /// The pieces of the value, in order.
    #[must_use]
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    fn push_text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(Segment::Text(last)) = self.segments.last_mut() {
            last.push_str(text);
        } else {
            self.segments.push(Segment::Text(text.to_string()));
        }
    }

    fn push_char(&mut self, c: char) {
        self.push_text(c.encode_utf8(&mut [0; 4]));
    }

    fn push_unknown(&mut self, source: String) {
        self.segments.push(Segment::Unknown(source));
    }

    fn append(&mut self, other: Value) {
        for segment in other.segments {
            match segment {
                Segment::Text(t) => self.push_text(&t),
                Segment::Unknown(u) => self.push_unknown(u),
            }
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for segment in &self.segments {
            match segment {
                Segment::Text(t) | Segment::Unknown(t) => f.write_str(t)?,
            }
        }
        Ok(())
    }
}

/// A variable referenced by an expanded word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The variable name (special parameters such as `@` or `1` are names too).
    pub name: String,
    /// The range of the whole reference (`$name` or `${...}`) in the source.
    pub range: TextRange,
    /// Whether the variable was set; a variable whose value is unknown counts as set,
    /// because it is declared.
    pub set: bool,
}

/// The result of expanding a word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expansion {
    /// The expanded value.
    pub value: Value,
    /// Every variable the word references, nested references included, in source order.
    /// A malformed reference records nothing.
    pub references: Vec<Reference>,
}

/// An expansion that BuildKit would refuse, failing the build.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExpandError {
    /// `${name:?message}` met an unset or empty variable, or `${name?message}` an unset one.
    #[error("{name}: {message}")]
    Required {
        /// The variable name.
        name: String,
        /// The expanded message, or BuildKit's default (`is not allowed to be unset` or
        /// `is not allowed to be empty`) when the message is empty.
        message: String,
        /// The range of the whole reference.
        range: TextRange,
    },
    /// The pattern of a `#`, `%` or `/` substitution has an invalid escape.
    #[error("invalid pattern ({pattern}) in substitution: {reason}")]
    InvalidPattern {
        /// The pattern as BuildKit compiles it (reversed for `%` and `%%`, as BuildKit
        /// matches a suffix by reversing the pattern and the value).
        pattern: String,
        /// Why the pattern is invalid, such as `invalid escape '\x'`.
        reason: String,
        /// The range of the whole reference.
        range: TextRange,
    },
}

impl ExpandError {
    /// The range of the reference at fault.
    #[must_use]
    pub fn range(&self) -> TextRange {
        match self {
            ExpandError::Required { range, .. } | ExpandError::InvalidPattern { range, .. } => {
                *range
            }
        }
    }
}

/// Expands a parsed word as BuildKit's `ProcessWord` does. `escape` is the file's escape
/// character.
///
/// # Errors
/// What BuildKit would fail the build with: a `${name:?message}` on an unset or empty known
/// variable, or an invalid pattern.
pub fn expand_word(word: Word<'_>, escape: char, env: &dyn Env) -> Result<Expansion, ExpandError> {
    let mut expander = Expander::new(escape, env);
    let mut value = Value::default();
    expander.parts(word.syntax(), false, &mut value)?;
    Ok(Expansion {
        value,
        references: expander.references,
    })
}

/// Expands `text` as one word. It is parsed with the syntax layer, so it reads exactly as a
/// word of a Dockerfile line would; newlines and leading or trailing blanks are kept as
/// text. The ranges in the result are byte offsets into `text`.
///
/// BuildKit allows only `\` and `` ` `` as escape characters; any other `escape` is read
/// as `\`.
///
/// # Errors
/// As [`expand_word`].
pub fn expand_text(text: &str, escape: char, env: &dyn Env) -> Result<Expansion, ExpandError> {
    let escape = if escape == '`' { '`' } else { '\\' };
    let core = text.trim();
    if core.is_empty() {
        return Ok(Expansion {
            value: Value::from_text(text),
            references: Vec::new(),
        });
    }
    let lead = text.len() - text.trim_start().len();
    let trail = &text[lead + core.len()..];
    let Some(synthetic) = SyntheticWord::new(core, escape) else {
        return Ok(Expansion {
            value: Value::symbolic(text),
            references: Vec::new(),
        });
    };
    let Some(word) = synthetic.word() else {
        return Ok(Expansion {
            value: Value::symbolic(text),
            references: Vec::new(),
        });
    };
    let mut expander = Expander::new(escape, env);
    expander.restore.clone_from(&synthetic.restore);
    expander.shift = Some((synthetic.offset, to_u32(lead)));
    let mut value = Value::from_text(&text[..lead]);
    expander.parts(word.syntax(), false, &mut value)?;
    value.push_text(trail);
    Ok(Expansion {
        value,
        references: expander.references,
    })
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A word parsed on its own: the text is put on a synthetic `USER -- <text>` line (the bare
/// `--` ends the flags, and USER takes the rest of the line as one word), after an escape
/// directive when the escape character is a backtick. Newlines and carriage returns, which
/// would end the line, are replaced by control characters the text does not contain, and
/// mapped back when the word is read.
pub(crate) struct SyntheticWord {
    parse: Parse,
    /// Where the text starts in the synthetic source.
    offset: u32,
    /// Each stand-in character and the character it replaces.
    restore: Vec<(char, char)>,
}

impl SyntheticWord {
    /// Parses `text` (which should not start or end with white space) as a word. `None` when
    /// the text uses every stand-in character, which no real text does.
    pub(crate) fn new(text: &str, escape: char) -> Option<Self> {
        let mut stand_ins = ('\u{1}'..='\u{8}')
            .chain('\u{e}'..='\u{1b}')
            .filter(|c| !text.contains(*c));
        let mut restore = Vec::new();
        for special in ['\n', '\r'] {
            if text.contains(special) {
                restore.push((stand_ins.next()?, special));
            }
        }
        let mut source = String::with_capacity(text.len() + 24);
        if escape == '`' {
            source.push_str("# escape=`\n");
        }
        source.push_str("USER -- ");
        let offset = to_u32(source.len());
        source.extend(text.chars().map(|c| {
            restore
                .iter()
                .find(|&&(_, special)| special == c)
                .map_or(c, |&(stand_in, _)| stand_in)
        }));
        Some(SyntheticWord {
            parse: parse(&source),
            offset,
            restore,
        })
    }

    /// The word node.
    pub(crate) fn word(&self) -> Option<Word<'_>> {
        Dockerfile::cast(self.parse.tree().root())?
            .instructions()
            .find(|i| i.kind() == SyntaxKind::USER_INSTR)?
            .words()
            .next()
    }
}

/// A child of a node with line trivia skipped and the pieces of a token that trivia split
/// joined again.
enum Part<'t> {
    Token(SyntaxKind, String),
    Node(SyntaxNode<'t>),
}

fn logical_parts(node: SyntaxNode<'_>) -> Vec<Part<'_>> {
    let mut parts: Vec<Part<'_>> = Vec::new();
    for child in node.children_with_tokens() {
        match child {
            SyntaxElement::Node(n) if n.kind().is_line_trivia() => {}
            SyntaxElement::Node(n) => parts.push(Part::Node(n)),
            SyntaxElement::Token(t) => {
                if let Some(Part::Token(kind, text)) = parts.last_mut()
                    && *kind == t.kind()
                {
                    text.push_str(t.text());
                } else {
                    parts.push(Part::Token(t.kind(), t.text().to_string()));
                }
            }
        }
    }
    parts
}

/// The operator of a `${name<op>...}` reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// `:-` and `-`.
    Default { colon: bool },
    /// `:+` and `+`.
    Alternative { colon: bool },
    /// `:?` and `?`.
    Required { colon: bool },
    /// `#` and `##` (`doubled`).
    TrimPrefix { doubled: bool },
    /// `%` and `%%` (`doubled`).
    TrimSuffix { doubled: bool },
    /// `/` and `//` (`all`).
    Replace { all: bool },
}

/// A well-formed variable reference.
struct VarShape<'t> {
    name: String,
    op: Option<Op>,
    arguments: Vec<SyntaxNode<'t>>,
}

impl<'t> VarShape<'t> {
    /// Reads a VAR node, or `None` when the parser left it malformed.
    fn read(node: SyntaxNode<'t>) -> Option<Self> {
        let mut braced = false;
        let mut closed = false;
        let mut name = String::new();
        let mut operators = Vec::new();
        let mut arguments = Vec::new();
        for part in logical_parts(node) {
            match part {
                Part::Token(SyntaxKind::DOLLAR, _) => {}
                Part::Token(SyntaxKind::L_BRACE, _) => braced = true,
                Part::Token(SyntaxKind::VAR_NAME, text) => name = text,
                Part::Token(SyntaxKind::VAR_OPERATOR, text) => operators.push(text),
                Part::Token(SyntaxKind::R_BRACE, _) => closed = true,
                Part::Node(n) if n.kind() == SyntaxKind::VAR_ARGUMENT => arguments.push(n),
                _ => return None,
            }
        }
        if !braced {
            let simple = !name.is_empty() && operators.is_empty() && arguments.is_empty();
            return (simple && !closed).then_some(VarShape {
                name,
                op: None,
                arguments,
            });
        }
        if !closed {
            return None;
        }
        let op = match (operators.as_slice(), arguments.len()) {
            ([], 0) if !name.is_empty() => None,
            ([op], 1) => Some(match op.as_str() {
                ":-" => Op::Default { colon: true },
                "-" => Op::Default { colon: false },
                ":+" => Op::Alternative { colon: true },
                "+" => Op::Alternative { colon: false },
                ":?" => Op::Required { colon: true },
                "?" => Op::Required { colon: false },
                "#" => Op::TrimPrefix { doubled: false },
                "##" => Op::TrimPrefix { doubled: true },
                "%" => Op::TrimSuffix { doubled: false },
                "%%" => Op::TrimSuffix { doubled: true },
                _ => return None,
            }),
            ([first, second], 2) if second == "/" => match first.as_str() {
                "/" => Some(Op::Replace { all: false }),
                "//" => Some(Op::Replace { all: true }),
                _ => return None,
            },
            _ => return None,
        };
        Some(VarShape {
            name,
            op,
            arguments,
        })
    }
}

struct Expander<'e> {
    escape: char,
    env: &'e dyn Env,
    references: Vec<Reference>,
    /// Stand-in characters to map back (see [`SyntheticWord`]).
    restore: Vec<(char, char)>,
    /// For a synthetic word: where the text starts in the synthetic source, and where the
    /// parsed part starts in the caller's text.
    shift: Option<(u32, u32)>,
}

impl<'e> Expander<'e> {
    fn new(escape: char, env: &'e dyn Env) -> Self {
        Expander {
            escape,
            env,
            references: Vec::new(),
            restore: Vec::new(),
            shift: None,
        }
    }

    /// Source text with stand-in characters mapped back.
    fn text(&self, text: &str) -> String {
        if self.restore.is_empty() {
            return text.to_string();
        }
        text.chars()
            .map(|c| {
                self.restore
                    .iter()
                    .find(|&&(stand_in, _)| stand_in == c)
                    .map_or(c, |&(_, original)| original)
            })
            .collect()
    }

    /// A range in the caller's coordinates.
    fn range(&self, range: TextRange) -> TextRange {
        match self.shift {
            None => range,
            Some((offset, lead)) => TextRange::new(
                range.start.saturating_sub(offset) + lead,
                range.end.saturating_sub(offset) + lead,
            ),
        }
    }

    /// Appends escaped text with the escapes removed: each escape character stands for the
    /// character after it, and one at the very end stands for nothing.
    fn unescape(&self, text: &str, out: &mut Value) {
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == self.escape {
                if let Some(next) = chars.next() {
                    out.push_char(next);
                }
            } else {
                out.push_char(c);
            }
        }
    }

    /// Expands the parts of a WORD or VAR_ARGUMENT node. With `raw`, escapes are kept
    /// (BuildKit's `rawEscapes`, used for patterns and replacements).
    fn parts(
        &mut self,
        node: SyntaxNode<'_>,
        raw: bool,
        out: &mut Value,
    ) -> Result<(), ExpandError> {
        for part in logical_parts(node) {
            match part {
                Part::Token(SyntaxKind::ESCAPE, text) => {
                    let text = self.text(&text);
                    if raw {
                        out.push_text(&text);
                    } else {
                        self.unescape(&text, out);
                    }
                }
                Part::Token(SyntaxKind::QUOTE, _) => {}
                Part::Token(_, text) => out.push_text(&self.text(&text)),
                Part::Node(n) => match n.kind() {
                    SyntaxKind::SINGLE_QUOTED => {
                        for inner in logical_parts(n) {
                            match inner {
                                Part::Token(SyntaxKind::QUOTE, _) => {}
                                Part::Token(_, text) => out.push_text(&self.text(&text)),
                                Part::Node(other) => {
                                    out.push_text(&self.text(&other.logical_text()));
                                }
                            }
                        }
                    }
                    SyntaxKind::DOUBLE_QUOTED => self.double_quoted(n, raw, out)?,
                    SyntaxKind::VAR => self.var(n, out)?,
                    _ => out.push_text(&self.text(&n.logical_text())),
                },
            }
        }
        Ok(())
    }

    fn double_quoted(
        &mut self,
        node: SyntaxNode<'_>,
        raw: bool,
        out: &mut Value,
    ) -> Result<(), ExpandError> {
        for part in logical_parts(node) {
            match part {
                Part::Token(SyntaxKind::QUOTE, _) => {}
                Part::Token(SyntaxKind::ESCAPE, text) => {
                    let text = self.text(&text);
                    if raw {
                        out.push_text(&text);
                    } else {
                        self.unescape(&text, out);
                    }
                }
                Part::Token(SyntaxKind::TEXT, text) if raw => {
                    // An escape character that escapes nothing stays; in raw mode BuildKit
                    // writes it once as the kept escape and once as the character itself.
                    for c in self.text(&text).chars() {
                        if c == self.escape {
                            out.push_char(c);
                        }
                        out.push_char(c);
                    }
                }
                Part::Token(_, text) => out.push_text(&self.text(&text)),
                Part::Node(n) if n.kind() == SyntaxKind::VAR => self.var(n, out)?,
                Part::Node(n) => out.push_text(&self.text(&n.logical_text())),
            }
        }
        Ok(())
    }

    fn argument(&mut self, node: Option<&SyntaxNode<'_>>, raw: bool) -> Result<Value, ExpandError> {
        let mut value = Value::default();
        if let Some(&node) = node {
            self.parts(node, raw, &mut value)?;
        }
        Ok(value)
    }

    /// Expands a `$name` or `${...}` reference (`processDollar`).
    fn var(&mut self, node: SyntaxNode<'_>, out: &mut Value) -> Result<(), ExpandError> {
        let source = self.text(&node.logical_text());
        let Some(shape) = VarShape::read(node) else {
            out.push_unknown(source);
            return Ok(());
        };
        let current = self.env.lookup(&shape.name);
        let reference = Ref {
            name: shape.name,
            source,
            range: self.range(node.range()),
            current,
        };
        if !reference.name.is_empty() {
            self.references.push(Reference {
                name: reference.name.clone(),
                range: reference.range,
                set: reference.current.is_some(),
            });
        }
        let first = shape.arguments.first();
        match shape.op {
            None => match reference.current {
                Some(VarValue::Known(v)) => out.push_text(&v),
                Some(VarValue::Unknown) => out.push_unknown(reference.source),
                None => {}
            },
            Some(op @ (Op::Default { .. } | Op::Alternative { .. } | Op::Required { .. })) => {
                let word = self.argument(first, false)?;
                conditional(reference, op, word, out)?;
            }
            Some(Op::TrimPrefix { doubled }) => {
                let word = self.argument(first, true)?;
                trim(reference, '#', doubled, word, out)?;
            }
            Some(Op::TrimSuffix { doubled }) => {
                let word = self.argument(first, true)?;
                trim(reference, '%', doubled, word, out)?;
            }
            Some(Op::Replace { all }) => {
                let pattern = self.argument(first, true)?;
                let replacement = self.argument(shape.arguments.get(1), true)?;
                replace(reference, all, &pattern, replacement, out)?;
            }
        }
        Ok(())
    }
}

/// A well-formed reference being expanded.
struct Ref {
    name: String,
    /// The reference as written, for an unknown result.
    source: String,
    /// The range of the reference, for errors.
    range: TextRange,
    current: Option<VarValue>,
}

impl Ref {
    /// The value the pattern operators work on: the known text, or the empty string when
    /// unset. `None` when the value is unknown.
    fn known_or_empty(&self) -> Option<String> {
        match &self.current {
            Some(VarValue::Known(v)) => Some(v.clone()),
            Some(VarValue::Unknown) => None,
            None => Some(String::new()),
        }
    }

    fn compile(&self, pattern: String) -> Result<Vec<Glob>, ExpandError> {
        compile_glob(&pattern).map_err(|reason| ExpandError::InvalidPattern {
            pattern,
            reason,
            range: self.range,
        })
    }
}

/// `${n:-w}`, `${n-w}`, `${n:+w}`, `${n+w}`, `${n:?w}` and `${n?w}`, with `word` already
/// expanded.
fn conditional(reference: Ref, op: Op, word: Value, out: &mut Value) -> Result<(), ExpandError> {
    let value = match reference.current {
        Some(VarValue::Unknown) => {
            out.push_unknown(reference.source);
            return Ok(());
        }
        Some(VarValue::Known(v)) => Some(v),
        None => None,
    };
    let colon = matches!(
        op,
        Op::Default { colon: true }
            | Op::Alternative { colon: true }
            | Op::Required { colon: true }
    );
    // Whether the operator sees the variable as missing: unset, or empty with `:`.
    let missing = value.as_ref().is_none_or(|v| colon && v.is_empty());
    match op {
        Op::Default { .. } if missing => out.append(word),
        Op::Alternative { .. } if !missing => out.append(word),
        Op::Alternative { .. } => {}
        Op::Required { .. } if missing => {
            let message = if !word.is_empty() {
                word.display()
            } else if value.is_none() {
                "is not allowed to be unset".to_string()
            } else {
                "is not allowed to be empty".to_string()
            };
            return Err(ExpandError::Required {
                name: reference.name,
                message,
                range: reference.range,
            });
        }
        _ => out.push_text(value.as_deref().unwrap_or_default()),
    }
    Ok(())
}

/// `${n#p}`, `${n##p}` (`op_char` `#`) and `${n%p}`, `${n%%p}` (`op_char` `%`), with the
/// argument already expanded in raw mode.
fn trim(
    reference: Ref,
    op_char: char,
    doubled: bool,
    argument: Value,
    out: &mut Value,
) -> Result<(), ExpandError> {
    let mut word = Value::default();
    if doubled {
        word.push_char(op_char);
    }
    word.append(argument);
    let Some(word) = word.known() else {
        out.push_unknown(reference.source);
        return Ok(());
    };
    // BuildKit looks for the second `#` or `%` in the expanded argument.
    let (greedy, pattern) = match word.strip_prefix(op_char) {
        Some(rest) => (true, rest),
        None => (false, word.as_str()),
    };
    // A suffix is matched as a prefix of the reversed value, with the pattern reversed.
    let suffix = op_char == '%';
    let pattern = if suffix {
        reverse_pattern(pattern)
    } else {
        pattern.to_string()
    };
    let globs = reference.compile(pattern)?;
    let Some(value) = reference.known_or_empty() else {
        out.push_unknown(reference.source);
        return Ok(());
    };
    let mut chars: Vec<char> = value.chars().collect();
    if suffix {
        chars.reverse();
    }
    let start = Matcher::new(&globs, &chars, greedy)
        .match_at(0)
        .unwrap_or(0);
    let mut rest = chars.split_off(start);
    if suffix {
        rest.reverse();
    }
    out.push_text(&rest.into_iter().collect::<String>());
    Ok(())
}

/// `${n/p/r}` and `${n//p/r}` (`all`), with the pattern and replacement already expanded in
/// raw mode.
fn replace(
    reference: Ref,
    all: bool,
    pattern: &Value,
    replacement: Value,
    out: &mut Value,
) -> Result<(), ExpandError> {
    let Some(pattern) = pattern.known() else {
        out.push_unknown(reference.source);
        return Ok(());
    };
    let globs = reference.compile(pattern)?;
    let Some(value) = reference.known_or_empty() else {
        out.push_unknown(reference.source);
        return Ok(());
    };
    let chars: Vec<char> = value.chars().collect();
    let matcher = Matcher::new(&globs, &chars, true);
    let Some((start, end)) = matcher.find(0) else {
        out.push_text(&value);
        return Ok(());
    };
    if !all {
        out.push_text(&chars[..start].iter().collect::<String>());
        out.append(replacement);
        out.push_text(&chars[end..].iter().collect::<String>());
    } else if let Some(template) = replacement.known() {
        out.push_text(&matcher.replace_all(&template));
    } else {
        out.push_unknown(reference.source);
    }
    Ok(())
}

/// One element of a compiled shell pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Glob {
    /// `*`: any run of characters other than newline.
    Star,
    /// `?`: one character other than newline.
    Any,
    /// A literal character.
    Literal(char),
}

/// Reads a pattern as BuildKit's `convertShellPatternToRegex` does. The escape is always
/// `\`, whatever the file's escape character.
fn compile_glob(pattern: &str) -> Result<Vec<Glob>, String> {
    let mut globs = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => globs.push(Glob::Star),
            '?' => globs.push(Glob::Any),
            '\\' => {
                // `\}` and `\/` were escaped for the `${}` syntax only.
                if matches!(chars.peek(), Some('}' | '/')) {
                    continue;
                }
                match chars.next() {
                    Some(next @ ('*' | '?' | '\\')) => globs.push(Glob::Literal(next)),
                    // Go prints the end of input as the replacement character.
                    next => {
                        let shown = next.unwrap_or(char::REPLACEMENT_CHARACTER);
                        return Err(format!("invalid escape '\\{shown}'"));
                    }
                }
            }
            _ => globs.push(Glob::Literal(c)),
        }
    }
    Ok(globs)
}

/// Reverses a pattern, keeping each `\x` pair in order (BuildKit's `reversePattern`, used to
/// match a suffix as a prefix of the reversed value).
fn reverse_pattern(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut groups: Vec<&[char]> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let len = if chars[i] == '\\' && i + 1 < chars.len() {
            2
        } else {
            1
        };
        groups.push(&chars[i..i + len]);
        i += len;
    }
    groups.iter().rev().flat_map(|g| g.iter()).collect()
}

/// Matches a compiled pattern with the priorities of Go's leftmost-first regular
/// expressions: each `*` prefers the longest run when `greedy`, the shortest otherwise.
struct Matcher<'a> {
    text: &'a [char],
    /// For each start position, the end of the preferred match starting there.
    ends: Vec<Option<usize>>,
}

impl<'a> Matcher<'a> {
    /// Computes the preferred match at every start position, from the last pattern element
    /// to the first (no recursion, so a long pattern cannot exhaust the stack). The
    /// preferred match from an element and a position is the preferred match of the rest of
    /// the pattern from the first position, in priority order, where the rest matches.
    fn new(globs: &[Glob], text: &'a [char], greedy: bool) -> Self {
        let n = text.len();
        let mut ends: Vec<Option<usize>> = (0..=n).map(Some).collect();
        for glob in globs.iter().rev() {
            let mut row = vec![None; n + 1];
            match *glob {
                Glob::Literal(c) => {
                    for t in 0..n {
                        if text[t] == c {
                            row[t] = ends[t + 1];
                        }
                    }
                }
                Glob::Any => {
                    for t in 0..n {
                        if text[t] != '\n' {
                            row[t] = ends[t + 1];
                        }
                    }
                }
                Glob::Star => {
                    // From `t` the star can end anywhere up to the next newline. Walking
                    // backwards, keep the preferred end among those where the rest matches.
                    let mut best: Option<usize> = None;
                    for t in (0..=n).rev() {
                        if t == n || text[t] == '\n' {
                            best = None;
                        }
                        if ends[t].is_some() && (!greedy || best.is_none()) {
                            best = Some(t);
                        }
                        row[t] = best.and_then(|k| ends[k]);
                    }
                }
            }
            ends = row;
        }
        Matcher { text, ends }
    }

    /// The end of the preferred match starting at `start`.
    fn match_at(&self, start: usize) -> Option<usize> {
        self.ends.get(start).copied().flatten()
    }

    /// The leftmost match starting at or after `from`.
    fn find(&self, from: usize) -> Option<(usize, usize)> {
        (from..=self.text.len()).find_map(|start| self.match_at(start).map(|end| (start, end)))
    }

    /// Replaces every match as Go's `ReplaceAllString` does: an empty match right after a
    /// match is skipped, and `template` is expanded for each match.
    fn replace_all(&self, template: &str) -> String {
        let mut out = String::new();
        let mut last_end = 0;
        let mut search = 0;
        while search <= self.text.len() {
            let Some((start, end)) = self.find(search) else {
                break;
            };
            out.extend(&self.text[last_end..start]);
            if end > last_end || start == 0 {
                let matched: String = self.text[start..end].iter().collect();
                expand_template(template, &matched, &mut out);
            }
            last_end = end;
            search = if end > search { end } else { search + 1 };
        }
        out.extend(&self.text[last_end..]);
        out
    }
}

/// Expands a Go regexp replacement template (`Regexp.Expand`) for a match without groups:
/// `$$` is `$`, `$0` and `${0}` are the match, other valid names are empty, and a `$` that
/// starts no valid name stays.
fn expand_template(template: &str, matched: &str, out: &mut String) {
    let mut rest = template;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        rest = &rest[dollar + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let (braced, body) = match rest.strip_prefix('{') {
            Some(body) => (true, body),
            None => (false, rest),
        };
        let name_len: usize = body
            .chars()
            .take_while(|&c| c.is_alphanumeric() || c == '_')
            .map(char::len_utf8)
            .sum();
        let name = &body[..name_len];
        let after_name = &body[name_len..];
        let after = if braced {
            after_name.strip_prefix('}')
        } else {
            Some(after_name)
        };
        match after {
            Some(after) if !name.is_empty() => {
                if name == "0" {
                    out.push_str(matched);
                }
                rest = after;
            }
            _ => out.push('$'),
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, Option<&str>)]) -> HashMap<String, VarValue> {
        vars.iter()
            .map(|&(name, value)| {
                let value = value.map_or(VarValue::Unknown, |v| VarValue::Known(v.to_string()));
                (name.to_string(), value)
            })
            .collect()
    }

    /// SET=value, EMPTY= (empty), UNK unknown; anything else is unset.
    fn std_env() -> HashMap<String, VarValue> {
        env(&[("SET", Some("value")), ("EMPTY", Some("")), ("UNK", None)])
    }

    fn value_in(text: &str, vars: &HashMap<String, VarValue>) -> Value {
        match expand_text(text, '\\', vars) {
            Ok(e) => e.value,
            Err(e) => panic!("{text:?} failed: {e}"),
        }
    }

    /// The fully known expansion of `text`.
    fn known_in(text: &str, vars: &HashMap<String, VarValue>) -> String {
        let value = value_in(text, vars);
        value
            .known()
            .unwrap_or_else(|| panic!("{text:?} is not fully known: {value:?}"))
    }

    fn known(text: &str) -> String {
        known_in(text, &std_env())
    }

    fn display(text: &str) -> String {
        let value = value_in(text, &std_env());
        assert!(!value.is_known(), "{text:?} should be partly unknown");
        value.display()
    }

    fn error_in(text: &str, vars: &HashMap<String, VarValue>) -> String {
        match expand_text(text, '\\', vars) {
            Ok(e) => panic!("{text:?} should fail, got {:?}", e.value),
            Err(e) => e.to_string(),
        }
    }

    fn error(text: &str) -> String {
        error_in(text, &std_env())
    }

    fn backtick(text: &str) -> String {
        expand_text(text, '`', &std_env())
            .expect("expands")
            .value
            .known()
            .expect("known")
    }

    // Plain references.

    #[test]
    fn literal_text() {
        assert_eq!(known("abc"), "abc");
        assert_eq!(known("a-b.c/d:e"), "a-b.c/d:e");
    }

    #[test]
    fn simple_set() {
        assert_eq!(known("$SET"), "value");
        assert_eq!(known("${SET}"), "value");
        assert_eq!(known("a${SET}b"), "avalueb");
        assert_eq!(known("$SET-x"), "value-x");
    }

    #[test]
    fn simple_empty_and_unset() {
        assert_eq!(known("a${EMPTY}b"), "ab");
        assert_eq!(known("a${NOPE}b"), "ab");
        assert_eq!(known("a$NOPE"), "a");
    }

    #[test]
    fn simple_unknown() {
        assert_eq!(display("$UNK"), "$UNK");
        assert_eq!(display("${UNK}"), "${UNK}");
        let value = value_in("v${UNK}-x", &std_env());
        assert_eq!(
            value.segments(),
            [
                Segment::Text("v".into()),
                Segment::Unknown("${UNK}".into()),
                Segment::Text("-x".into()),
            ]
        );
        assert_eq!(value.known(), None);
    }

    #[test]
    fn name_stops_at_non_name_characters() {
        assert_eq!(known("$SET.x"), "value.x");
        assert_eq!(known("$SETX"), "");
    }

    #[test]
    fn lone_dollar_is_literal() {
        assert_eq!(known("$"), "$");
        assert_eq!(known("a$"), "a$");
        assert_eq!(known("$.x"), "$.x");
        assert_eq!(known("$/"), "$/");
    }

    #[test]
    fn special_parameters_are_ordinary_names() {
        assert_eq!(known("a$@b$1c${2}d$#"), "abcd");
        let vars = env(&[("1", Some("one")), ("@", Some("all"))]);
        assert_eq!(known_in("$1-$@-${1}", &vars), "one-all-one");
        assert_eq!(known_in("$12", &env(&[("12", Some("x"))])), "x");
    }

    // Default: `:-` and `-`.

    #[test]
    fn colon_default() {
        assert_eq!(known("${SET:-w}"), "value");
        assert_eq!(known("${EMPTY:-w}"), "w");
        assert_eq!(known("${NOPE:-w}"), "w");
        assert_eq!(display("${UNK:-w}"), "${UNK:-w}");
    }

    #[test]
    fn default() {
        assert_eq!(known("${SET-w}"), "value");
        assert_eq!(known("${EMPTY-w}"), "");
        assert_eq!(known("${NOPE-w}"), "w");
        assert_eq!(display("${UNK-w}"), "${UNK-w}");
    }

    #[test]
    fn default_may_be_empty() {
        assert_eq!(known("${NOPE:-}"), "");
        assert_eq!(known("${SET:-}"), "value");
    }

    #[test]
    fn default_keeps_spaces() {
        assert_eq!(known("${NOPE:-a b  c}"), "a b  c");
    }

    // Alternative: `:+` and `+`.

    #[test]
    fn colon_alternative() {
        assert_eq!(known("${SET:+w}"), "w");
        assert_eq!(known("${EMPTY:+w}"), "");
        assert_eq!(known("${NOPE:+w}"), "");
        assert_eq!(display("${UNK:+w}"), "${UNK:+w}");
    }

    #[test]
    fn alternative() {
        assert_eq!(known("${SET+w}"), "w");
        assert_eq!(known("${EMPTY+w}"), "w");
        assert_eq!(known("${NOPE+w}"), "");
        assert_eq!(display("${UNK+w}"), "${UNK+w}");
    }

    // Required: `:?` and `?`.

    #[test]
    fn colon_required() {
        assert_eq!(known("${SET:?msg}"), "value");
        assert_eq!(error("${EMPTY:?msg}"), "EMPTY: msg");
        assert_eq!(error("${NOPE:?msg}"), "NOPE: msg");
        assert_eq!(display("${UNK:?msg}"), "${UNK:?msg}");
    }

    #[test]
    fn required() {
        assert_eq!(known("${SET?msg}"), "value");
        assert_eq!(known("${EMPTY?msg}"), "");
        assert_eq!(error("${NOPE?msg}"), "NOPE: msg");
        assert_eq!(display("${UNK?msg}"), "${UNK?msg}");
    }

    #[test]
    fn required_default_messages() {
        assert_eq!(error("${NOPE:?}"), "NOPE: is not allowed to be unset");
        assert_eq!(error("${EMPTY:?}"), "EMPTY: is not allowed to be empty");
        assert_eq!(error("${NOPE?}"), "NOPE: is not allowed to be unset");
    }

    #[test]
    fn required_message_is_expanded() {
        let vars = env(&[("VAR", Some("")), ("ARG", Some("x"))]);
        assert_eq!(
            error_in("${VAR:?message here$ARG}", &vars),
            "VAR: message herex"
        );
        assert_eq!(known_in("${VAR?message here$ARG}", &vars), "");
        assert_eq!(
            error_in("${NOPE?message here$ARG}", &vars),
            "NOPE: message herex"
        );
    }

    #[test]
    fn required_message_with_unknown_part_is_shown_as_written() {
        assert_eq!(error("${NOPE:?need $UNK}"), "NOPE: need $UNK");
    }

    #[test]
    fn required_error_carries_the_reference_range() {
        let err = expand_text("ab${NOPE:?x}", '\\', &std_env()).unwrap_err();
        assert_eq!(err.range(), TextRange::new(2, 12));
        assert!(matches!(
            err,
            ExpandError::Required { ref name, ref message, .. } if name == "NOPE" && message == "x"
        ));
    }

    #[test]
    fn arguments_are_expanded_even_when_unused() {
        // BuildKit expands the argument before it looks at the variable.
        assert_eq!(error("${SET:-${NOPE:?boom}}"), "NOPE: boom");
        assert_eq!(error("${UNK:-${NOPE:?boom}}"), "NOPE: boom");
    }

    // Quotes and escapes.

    #[test]
    fn double_quotes_are_removed() {
        assert_eq!(known("\"a b\""), "a b");
        assert_eq!(known("x\"a b\"y"), "xa by");
        assert_eq!(known("\"\""), "");
    }

    #[test]
    fn single_quotes_are_literal() {
        assert_eq!(known("'$SET'"), "$SET");
        assert_eq!(known("'${SET:-x}'"), "${SET:-x}");
        assert_eq!(known("'a\\b'"), "a\\b");
        assert_eq!(known("'a\"b'"), "a\"b");
    }

    #[test]
    fn variables_expand_in_double_quotes() {
        assert_eq!(known("\"$SET\""), "value");
        assert_eq!(known("\"<${SET}>\""), "<value>");
        assert_eq!(known("\"it's $SET\""), "it's value");
        assert_eq!(display("\"${UNK}\""), "${UNK}");
    }

    #[test]
    fn escape_outside_quotes() {
        assert_eq!(known("\\$SET"), "$SET");
        assert_eq!(known("\\${SET}"), "${SET}");
        assert_eq!(known("a\\b"), "ab");
        assert_eq!(known("a\\\\b"), "a\\b");
        assert_eq!(known("a\\ b"), "a b");
        assert_eq!(known("\\\"a\\\""), "\"a\"");
        assert_eq!(known("\\'a"), "'a");
    }

    #[test]
    fn escape_at_the_very_end_is_dropped() {
        assert_eq!(known("ab\\"), "ab");
    }

    #[test]
    fn escapes_inside_double_quotes() {
        assert_eq!(known("\"\\$SET\""), "$SET");
        assert_eq!(known("\"a\\\"b\""), "a\"b");
        assert_eq!(known("\"a\\\\b\""), "a\\b");
        // Other backslashes stay.
        assert_eq!(known("\"a\\b\""), "a\\b");
        assert_eq!(known("\"a\\'b\""), "a\\'b");
    }

    #[test]
    fn mixed_quoting() {
        assert_eq!(known("a\"b\"'c'd"), "abcd");
        assert_eq!(known("'a'$SET\"-$SET\""), "avalue-value");
    }

    #[test]
    fn backtick_escape() {
        assert_eq!(backtick("`$SET"), "$SET");
        assert_eq!(backtick("a\\b"), "a\\b");
        assert_eq!(backtick("C:\\path\\$SET"), "C:\\path\\value");
        assert_eq!(backtick("a``b"), "a`b");
        assert_eq!(backtick("\"a``b\""), "a`b");
        assert_eq!(backtick("\"`$SET\""), "$SET");
        assert_eq!(backtick("\"a`b\""), "a`b");
        assert_eq!(backtick("\"a\\\"b"), "a\\b");
    }

    // Nesting.

    #[test]
    fn nested_defaults() {
        assert_eq!(known("${NOPE:-${NADA:-c}}"), "c");
        assert_eq!(known("${NOPE:-${SET:-c}}"), "value");
        assert_eq!(known("${SET:-${NADA:-c}}"), "value");
        assert_eq!(known("${NOPE:-a${SET}b}"), "avalueb");
        assert_eq!(known("${NOPE:-\"${SET} x\"}"), "value x");
    }

    #[test]
    fn nested_unknown_stays_symbolic() {
        assert_eq!(display("${NOPE:-${UNK}}"), "${UNK}");
        assert_eq!(display("${UNK:-${SET}}"), "${UNK:-${SET}}");
        assert_eq!(display("${SET:+-${UNK}}"), "-${UNK}");
        assert_eq!(known("${NOPE:+${UNK}}"), "");
    }

    #[test]
    fn release_name_like_buildkit_test() {
        let release = "something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz";
        let vars = env(&[
            ("VERSION", Some("v1.2.3")),
            ("TARGETOS", Some("linux")),
            ("TARGETARCH", Some("arm")),
            ("TARGETVARIANT", Some("v7")),
        ]);
        assert_eq!(
            known_in(release, &vars),
            "something-v1.2.3.linux-arm-v7.tar.gz"
        );
        let vars = env(&[
            ("VERSION", Some("v1.2.3")),
            ("TARGETOS", Some("linux")),
            ("TARGETARCH", Some("amd64")),
        ]);
        assert_eq!(
            known_in(release, &vars),
            "something-v1.2.3.linux-amd64.tar.gz"
        );
        let vars = env(&[
            ("VERSION", None),
            ("TARGETOS", Some("linux")),
            ("TARGETARCH", None),
        ]);
        assert_eq!(
            value_in(release, &vars).display(),
            "something-${VERSION}.linux-${TARGETARCH}.tar.gz"
        );
    }

    // Prefix and suffix removal.

    fn foo(value: &str) -> HashMap<String, VarValue> {
        env(&[("FOO", Some(value))])
    }

    #[test]
    fn remove_prefix() {
        assert_eq!(known_in("${FOO#x}", &foo("xxyy")), "xyy");
        assert_eq!(known_in("${FOO#*x*y}", &foo("xxyy")), "y");
        assert_eq!(known_in("${FOO#*}", &foo("xxyy")), "xxyy");
        assert_eq!(known_in("${FOO#}", &foo("xxyy")), "xxyy");
        assert_eq!(known_in("${FOO#z}", &foo("xxyy")), "xxyy");
    }

    #[test]
    fn remove_longest_prefix() {
        assert_eq!(known_in("${FOO##*x}", &foo("xxyy")), "yy");
        assert_eq!(known_in("${FOO##*}", &foo("xxyy")), "");
        assert_eq!(known_in("${FOO##}", &foo("xxyy")), "xxyy");
        assert_eq!(known_in("${FOO##*/}", &foo("/usr/local/bin")), "bin");
        assert_eq!(
            known_in("${FOO#*/}", &foo("/usr/local/bin")),
            "usr/local/bin"
        );
    }

    #[test]
    fn remove_suffix() {
        assert_eq!(known_in("${FOO%y}", &foo("xxyy")), "xxy");
        assert_eq!(known_in("${FOO%y*}", &foo("xxyy")), "xxy");
        assert_eq!(known_in("${FOO%}", &foo("xxyy")), "xxyy");
        assert_eq!(known_in("${FOO%.*}", &foo("a.tar.gz")), "a.tar");
        assert_eq!(known_in("${FOO%/*}", &foo("/usr/local/bin")), "/usr/local");
    }

    #[test]
    fn remove_longest_suffix() {
        assert_eq!(known_in("${FOO%%y*}", &foo("xxyy")), "xx");
        assert_eq!(known_in("${FOO%%.*}", &foo("a.tar.gz")), "a");
        assert_eq!(known_in("${FOO%%\\**}", &foo("xx**")), "xx");
        assert_eq!(known_in("${FOO%%\\**\\*}", &foo("a***yy*")), "a");
    }

    #[test]
    fn question_mark_matches_one_character() {
        assert_eq!(known_in("${FOO#?}", &foo("abc")), "bc");
        assert_eq!(known_in("${FOO#??}", &foo("abc")), "c");
        assert_eq!(known_in("${FOO%?}", &foo("abc")), "ab");
        assert_eq!(known_in("${FOO#????}", &foo("abc")), "abc");
        assert_eq!(known_in("${FOO#?\\?}", &foo("???y")), "?y");
    }

    #[test]
    fn pattern_removal_on_unicode() {
        let vars = env(&[("KOREAN", Some("한국어"))]);
        assert_eq!(known_in("${KOREAN#한}", &vars), "국어");
        assert_eq!(known_in("${KOREAN%?}", &vars), "한국");
        assert_eq!(known_in("${KOREAN#*국}", &vars), "어");
    }

    #[test]
    fn regex_characters_are_literal_in_patterns() {
        let vars = foo("()[]{}^$.*?|\\x");
        assert_eq!(known_in("${FOO#()[]{\\}^$.\\*\\?|\\\\}", &vars), "x");
        // No bracket expressions: `[ab]` is literal.
        assert_eq!(known_in("${FOO#[ab]}", &foo("[ab]c")), "c");
        assert_eq!(known_in("${FOO#[ab]}", &foo("ac")), "ac");
    }

    #[test]
    fn pattern_from_a_variable() {
        let vars = env(&[("FOO", Some("xxyy")), ("BAR", Some("x"))]);
        assert_eq!(known_in("${FOO#$BAR}", &vars), "xyy");
        let vars = env(&[("FOO", Some("xxyy")), ("BAR", Some(""))]);
        assert_eq!(known_in("${FOO#$BAR}", &vars), "xxyy");
        assert_eq!(known_in("${FOO%%$BAR}", &vars), "xxyy");
        // A wildcard from a value is a wildcard.
        let vars = env(&[("FOO", Some("a.b.c")), ("P", Some("*."))]);
        assert_eq!(known_in("${FOO##$P}", &vars), "c");
    }

    #[test]
    fn quoted_wildcards_stay_wildcards() {
        // BuildKit removes the quotes before it reads the pattern.
        assert_eq!(known_in("${FOO##'*'}", &foo("abc")), "");
        assert_eq!(known_in("${FOO##\"*\"b}", &foo("abc")), "c");
    }

    #[test]
    fn second_hash_may_come_from_the_argument() {
        // BuildKit looks for `##` in the expanded argument: `'#'*x` is the longest match.
        assert_eq!(known_in("${FOO#'#'*x}", &foo("xxyy")), "yy");
        assert_eq!(known_in("${FOO#*x}", &foo("xxyy")), "xyy");
    }

    #[test]
    fn backslash_in_double_quoted_pattern_is_literal() {
        assert_eq!(known_in("${FOO#\"\\a\"}", &foo("\\ab")), "b");
    }

    #[test]
    fn wildcards_do_not_match_newlines() {
        assert_eq!(known_in("${FOO##*}", &foo("a\nb")), "\nb");
        assert_eq!(known_in("${FOO#a?}", &foo("a\nb")), "a\nb");
    }

    #[test]
    fn removal_on_unset_variable_is_empty() {
        assert_eq!(known("${NOPE#x}"), "");
        assert_eq!(known("${NOPE%%*}"), "");
    }

    #[test]
    fn removal_on_unknown_stays_symbolic() {
        assert_eq!(display("${UNK#x}"), "${UNK#x}");
        assert_eq!(display("${UNK%%.*}"), "${UNK%%.*}");
        assert_eq!(display("${SET#$UNK}"), "${SET#$UNK}");
    }

    #[test]
    fn default_inside_pattern_is_cooked() {
        // The nested `:-` reads its own argument with escapes removed.
        assert_eq!(known_in("${FOO#${NOPE:-\\*}}", &foo("*x")), "*x");
        assert_eq!(known_in("${FOO#${NOPE:-\\\\*}}", &foo("*x")), "x");
    }

    #[test]
    fn invalid_pattern_escape() {
        assert_eq!(
            error("${SET#\\x}"),
            "invalid pattern (\\x) in substitution: invalid escape '\\x'"
        );
        // The pattern is invalid whatever the value, so an unknown value still fails.
        assert_eq!(
            error("${UNK#\\x}"),
            "invalid pattern (\\x) in substitution: invalid escape '\\x'"
        );
        let vars = env(&[("FOO", Some("a")), ("P", Some("a\\"))]);
        assert_eq!(
            error_in("${FOO#$P}", &vars),
            "invalid pattern (a\\) in substitution: invalid escape '\\\u{fffd}'"
        );
    }

    #[test]
    fn suffix_patterns_are_reversed_like_buildkit() {
        // `%` matches by reversing the pattern; a trailing backslash then escapes the `*`.
        let vars = env(&[("FOO", Some("ab*")), ("P", Some("*\\"))]);
        assert_eq!(known_in("${FOO%$P}", &vars), "ab");
        let vars = env(&[("FOO", Some("ab")), ("P", Some("b\\x"))]);
        assert_eq!(
            error_in("${FOO%$P}", &vars),
            "invalid pattern (\\xb) in substitution: invalid escape '\\x'"
        );
    }

    #[test]
    fn reverse_pattern_keeps_escapes() {
        assert_eq!(reverse_pattern("a\\*c"), "c\\*a");
        assert_eq!(reverse_pattern("\\\\\\ab"), "b\\a\\\\");
        assert_eq!(reverse_pattern("ab\\"), "\\ba");
        assert_eq!(reverse_pattern("👽\\🚀🖖"), "🖖\\🚀👽");
        assert_eq!(reverse_pattern("\\\\b"), "b\\\\");
    }

    #[test]
    fn compile_glob_escapes() {
        assert_eq!(compile_glob("*?"), Ok(vec![Glob::Star, Glob::Any]));
        assert_eq!(
            compile_glob("\\*\\?\\\\"),
            Ok(vec![
                Glob::Literal('*'),
                Glob::Literal('?'),
                Glob::Literal('\\')
            ])
        );
        assert_eq!(
            compile_glob("\\}\\/"),
            Ok(vec![Glob::Literal('}'), Glob::Literal('/')])
        );
        assert!(compile_glob("\\").is_err());
        assert!(compile_glob("\\x").is_err());
        assert!(compile_glob("\\\\\\").is_err());
    }

    // Replacement.

    #[test]
    fn replace_first() {
        assert_eq!(known_in("${FOO/o/0}", &foo("foo boo")), "f0o boo");
        assert_eq!(known_in("${FOO/z/0}", &foo("foo")), "foo");
        assert_eq!(known_in("${FOO/o*/0}", &foo("foo boo")), "f0");
        assert_eq!(known_in("${FOO/?o/X}", &foo("foo")), "Xo");
    }

    #[test]
    fn replace_all() {
        assert_eq!(known_in("${FOO//o/0}", &foo("foo boo")), "f00 b00");
        assert_eq!(known_in("${FOO//z/0}", &foo("foo")), "foo");
        assert_eq!(known_in("${FOO//-/_}", &foo("a-b-c")), "a_b_c");
    }

    #[test]
    fn replace_with_empty_replacement() {
        assert_eq!(known_in("${FOO/o/}", &foo("foo")), "fo");
        assert_eq!(known_in("${FOO//o/}", &foo("foo")), "f");
        assert_eq!(known_in("${FOO///}", &foo("xxyy")), "xxyy");
        assert_eq!(known("${NOPE///}"), "");
    }

    #[test]
    fn replace_like_buildkit_tests() {
        let vars = env(&[("FOO", Some("/foo*/*/*.txt")), ("NEEDLE", Some("\\*/"))]);
        assert_eq!(
            known_in("${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}", &vars),
            "/foo.*/*.txt - /foo..*.txt"
        );
        let vars = env(&[("FOO", Some("/tmp/tmp/bar.txt")), ("NEEDLE", Some("/tmp"))]);
        assert_eq!(
            known_in("${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}", &vars),
            "/tmp/bar.txt - /bar.txt"
        );
        let vars = env(&[
            ("FOO", Some("/a/foo/b/c.txt")),
            ("NEEDLE", Some("/?/")),
            ("REPLACEMENT", Some("/")),
        ]);
        assert_eq!(
            known_in(
                "${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}",
                &vars
            ),
            "/foo/b/c.txt - /foo/c.txt"
        );
        let vars = env(&[
            ("FOO", Some("http://google.de")),
            ("NEEDLE", Some("http://")),
            ("REPLACEMENT", Some("https://")),
        ]);
        assert_eq!(
            known_in("${FOO/$NEEDLE/$REPLACEMENT}", &vars),
            "https://google.de"
        );
        let vars = env(&[("FOO", Some("xxyy")), ("BAR", Some(""))]);
        assert_eq!(known_in("${FOO/$BAR/ww}", &vars), "wwxxyy");
    }

    #[test]
    fn replacement_keeps_its_escapes() {
        // BuildKit's own test: escaped separators in the pattern, and the replacement keeps
        // its backslash.
        assert_eq!(
            known_in("${FOO//\\//\\/}", &foo("/tmp/foo.txt")),
            "\\/tmp\\/foo.txt"
        );
    }

    #[test]
    fn replace_all_with_empty_or_star_pattern_like_go() {
        let vars = env(&[("FOO", Some("abc")), ("E", Some(""))]);
        assert_eq!(known_in("${FOO//$E/-}", &vars), "-a-b-c-");
        assert_eq!(known_in("${FOO//*/x}", &vars), "x");
        assert_eq!(known_in("${FOO//b*/x}", &vars), "ax");
    }

    #[test]
    fn replace_all_expands_go_template() {
        assert_eq!(known_in("${FOO//b/'[$0]'}", &foo("abcb")), "a[b]c[b]");
        assert_eq!(known_in("${FOO//b/'${0}$$'}", &foo("ab")), "ab$");
        assert_eq!(known_in("${FOO//b/'$1x'}", &foo("ab")), "a");
        assert_eq!(known_in("${FOO//b/'$-'}", &foo("ab")), "a$-");
        // A single replacement uses the text as it is.
        assert_eq!(known_in("${FOO/b/'[$0]'}", &foo("abcb")), "a[$0]cb");
    }

    #[test]
    fn replace_with_unknown_parts() {
        assert_eq!(display("${UNK/a/b}"), "${UNK/a/b}");
        assert_eq!(display("${SET/$UNK/b}"), "${SET/$UNK/b}");
        let value = value_in(
            "${FOO/x/$UNK}",
            &env(&[("FOO", Some("axb")), ("UNK", None)]),
        );
        assert_eq!(
            value.segments(),
            [
                Segment::Text("a".into()),
                Segment::Unknown("$UNK".into()),
                Segment::Text("b".into()),
            ]
        );
        let vars = env(&[("FOO", Some("axb")), ("UNK", None)]);
        assert_eq!(known_in("${FOO//z/$UNK}", &vars), "axb");
        assert_eq!(
            value_in("${FOO//x/$UNK}", &vars).display(),
            "${FOO//x/$UNK}"
        );
    }

    #[test]
    fn replace_on_unset_variable_is_empty() {
        assert_eq!(known("${NOPE/a/b}"), "");
        assert_eq!(known("${NOPE//a/b}"), "");
    }

    #[test]
    fn invalid_replace_pattern() {
        assert_eq!(
            error("${SET/\\q/x}"),
            "invalid pattern (\\q) in substitution: invalid escape '\\q'"
        );
    }

    #[test]
    fn mixed_operators_like_buildkit_test() {
        let vars = env(&[("FOO", Some("xxyy"))]);
        assert_eq!(known_in("${ABC:-.}${FOO%x}${ABC:-.}", &vars), ".xxyy.");
        let vars = env(&[("FOO", Some("xxx")), ("BAR", Some(""))]);
        assert_eq!(
            known_in("${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}", &vars),
            "xxx  ccc"
        );
        assert_eq!(
            known_in("${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}", &vars),
            "xxx bbb ccc"
        );
        assert_eq!(
            known_in("${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}", &vars),
            "aaa bbb "
        );
        assert_eq!(
            known_in("${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}", &vars),
            "aaa  "
        );
    }

    // Malformed references.

    #[test]
    fn malformed_references_stay_as_written() {
        assert_eq!(display("x${}y"), "x${}y");
        assert_eq!(display("${SET:x}"), "${SET:x}");
        assert_eq!(display("${SET:#x}"), "${SET:#x}");
        assert_eq!(display("${SET"), "${SET");
        assert_eq!(display("${SET:-b"), "${SET:-b");
        assert_eq!(display("${SET//b}"), "${SET//b}");
        assert_eq!(display("${{SET}}"), "${{SET}}");
        assert_eq!(display("${SET=x}"), "${SET=x}");
        assert_eq!(display("${"), "${");
    }

    #[test]
    fn malformed_references_record_nothing() {
        let expansion = expand_text("${SET:x}", '\\', &std_env()).unwrap();
        assert!(expansion.references.is_empty());
    }

    #[test]
    fn unterminated_quotes_do_not_panic() {
        assert_eq!(known("\"abc"), "abc");
        assert_eq!(known("'abc"), "abc");
    }

    // References.

    #[test]
    fn references_in_source_order() {
        let text = "${A:-$B}x$C${UNK}";
        let vars = env(&[("B", Some("b")), ("UNK", None)]);
        let expansion = expand_text(text, '\\', &vars).unwrap();
        let refs: Vec<(&str, &str, bool)> = expansion
            .references
            .iter()
            .map(|r| (r.name.as_str(), &text[r.range.as_usize()], r.set))
            .collect();
        assert_eq!(
            refs,
            [
                ("A", "${A:-$B}", false),
                ("B", "$B", true),
                ("C", "$C", false),
                ("UNK", "${UNK}", true),
            ]
        );
    }

    #[test]
    fn references_include_pattern_and_replacement() {
        let expansion = expand_text("${F/$P/$R}", '\\', &std_env()).unwrap();
        let names: Vec<&str> = expansion
            .references
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(names, ["F", "P", "R"]);
    }

    #[test]
    fn references_of_special_parameters() {
        let expansion = expand_text("$1$@", '\\', &std_env()).unwrap();
        let names: Vec<&str> = expansion
            .references
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(names, ["1", "@"]);
    }

    #[test]
    fn escaped_and_single_quoted_references_are_not_references() {
        let expansion = expand_text("\\$A'$B'\"\\$C\"", '\\', &std_env()).unwrap();
        assert!(expansion.references.is_empty());
        assert_eq!(expansion.value.known().as_deref(), Some("$A$B$C"));
    }

    // Line continuations and words from a parsed file.

    fn expand_nth(source: &str, instruction: usize, vars: &HashMap<String, VarValue>) -> Expansion {
        let parsed = parse(source);
        let file = Dockerfile::cast(parsed.tree().root()).unwrap();
        let inst = file.instructions().nth(instruction).unwrap();
        let word = inst
            .words()
            .next()
            .or_else(|| {
                inst.key_values()
                    .next()
                    .and_then(crate::ast::KeyValue::value)
            })
            .unwrap();
        expand_word(word, parsed.escape(), vars).unwrap()
    }

    #[test]
    fn word_split_across_a_continuation() {
        let e = expand_nth("FROM a\nWORKDIR /ab\\\n  cd\n", 1, &std_env());
        assert_eq!(e.value.known().as_deref(), Some("/ab  cd"));
        let e = expand_nth("FROM a\nLABEL x=\"ab\\\n  cd\"\n", 1, &std_env());
        assert_eq!(e.value.known().as_deref(), Some("ab  cd"));
    }

    #[test]
    fn variable_name_split_across_a_continuation() {
        let vars = env(&[("VERSION", Some("1.2"))]);
        let source = "FROM a\nWORKDIR /v$VER\\\nSION/x\n";
        let e = expand_nth(source, 1, &vars);
        assert_eq!(e.value.known().as_deref(), Some("/v1.2/x"));
        assert_eq!(e.references.len(), 1);
        assert_eq!(e.references[0].name, "VERSION");
        let e = expand_nth("FROM a\nWORKDIR ${VER\\\nSION:-\\\nx}\n", 1, &env(&[]));
        assert_eq!(e.value.known().as_deref(), Some("x"));
    }

    #[test]
    fn comment_lines_inside_a_continuation_are_skipped() {
        let e = expand_nth("FROM a\nWORKDIR /a\\\n# note\n\nb\n", 1, &std_env());
        assert_eq!(e.value.known().as_deref(), Some("/ab"));
    }

    #[test]
    fn unknown_segment_drops_continuations() {
        let e = expand_nth("FROM a\nWORKDIR ${UN\\\nK}\n", 1, &std_env());
        assert_eq!(e.value.display(), "${UNK}");
    }

    #[test]
    fn word_in_a_backtick_file() {
        let e = expand_nth(
            "# escape=`\nFROM a\nWORKDIR C:\\x`$SET\\$SET\n",
            1,
            &std_env(),
        );
        assert_eq!(e.value.known().as_deref(), Some("C:\\x$SET\\value"));
    }

    #[test]
    fn from_image_with_unknown_tag() {
        let vars = env(&[("VERSION", None)]);
        let source = "ARG VERSION\nFROM alpine:${VERSION}\n";
        let e = expand_nth(source, 1, &vars);
        assert_eq!(e.value.display(), "alpine:${VERSION}");
        assert!(!e.value.is_known());
        assert_eq!(&source[e.references[0].range.as_usize()], "${VERSION}");
    }

    // expand_text specifics.

    #[test]
    fn text_keeps_surrounding_blanks() {
        assert_eq!(known("  a $SET  "), "  a value  ");
        assert_eq!(known("   "), "   ");
        assert_eq!(known(""), "");
    }

    #[test]
    fn text_with_newlines() {
        assert_eq!(known("a\n$SET\r\nb"), "a\nvalue\r\nb");
        assert_eq!(known("\"x\ny\""), "x\ny");
        assert_eq!(known("a\\\nb"), "a\nb");
        let text = "l1\n${SET}";
        let e = expand_text(text, '\\', &std_env()).unwrap();
        assert_eq!(&text[e.references[0].range.as_usize()], "${SET}");
    }

    #[test]
    fn text_starting_with_dashes_is_a_word() {
        assert_eq!(known("--flag=$SET"), "--flag=value");
        assert_eq!(known("--"), "--");
    }

    #[test]
    fn text_ranges_are_relative_to_the_text() {
        let text = "  x${SET}";
        let e = expand_text(text, '`', &std_env()).unwrap();
        assert_eq!(e.references[0].range, TextRange::new(3, 9));
    }

    #[test]
    fn text_ending_in_escape_before_blanks() {
        assert_eq!(known("a\\ "), "a ");
        assert_eq!(known("a\\"), "a");
    }

    // Value and Env APIs.

    #[test]
    fn value_api() {
        let v = Value::from_text("abc");
        assert_eq!(v.known().as_deref(), Some("abc"));
        assert!(v.is_known());
        assert_eq!(v.display(), "abc");
        assert_eq!(v.to_string(), "abc");
        assert!(Value::from_text("").is_empty());
        assert_eq!(Value::from_text(""), Value::default());
        let s = Value::symbolic("$X");
        assert_eq!(s.known(), None);
        assert!(!s.is_known());
        assert_eq!(s.display(), "$X");
        assert_eq!(s.segments(), [Segment::Unknown("$X".into())]);
    }

    #[test]
    fn value_segments_are_merged() {
        let mut v = Value::from_text("a");
        v.push_text("b");
        v.push_text("");
        v.push_unknown("$U".into());
        v.append(Value::from_text("c"));
        v.push_char('d');
        assert_eq!(
            v.segments(),
            [
                Segment::Text("ab".into()),
                Segment::Unknown("$U".into()),
                Segment::Text("cd".into()),
            ]
        );
    }

    #[test]
    fn env_from_pairs_last_wins() {
        let pairs = vec![
            ("A".to_string(), VarValue::Known("1".into())),
            ("A".to_string(), VarValue::Known("2".into())),
            ("B".to_string(), VarValue::Unknown),
        ];
        assert_eq!(pairs.lookup("A"), Some(VarValue::Known("2".into())));
        assert_eq!(pairs.as_slice().lookup("B"), Some(VarValue::Unknown));
        assert_eq!(pairs.lookup("C"), None);
        let e = expand_text("$A$B", '\\', &pairs).unwrap();
        assert_eq!(e.value.display(), "2$B");
        let slice: &[(String, VarValue)] = &pairs;
        assert_eq!(
            expand_text("$A", '\\', &slice).unwrap().value.display(),
            "2"
        );
    }

    #[test]
    fn env_from_btree_map() {
        let mut map = BTreeMap::new();
        map.insert("A".to_string(), VarValue::Known("x".into()));
        assert_eq!(expand_text("$A", '\\', &map).unwrap().value.display(), "x");
    }

    #[test]
    fn error_display() {
        let err = ExpandError::Required {
            name: "a".into(),
            message: "msg".into(),
            range: TextRange::new(0, 1),
        };
        assert_eq!(err.to_string(), "a: msg");
        assert_eq!(err.range(), TextRange::new(0, 1));
    }

    #[test]
    fn long_patterns_do_not_exhaust_the_stack() {
        let pattern = "*a".repeat(3_000);
        let value = "a".repeat(3_000);
        let vars = env(&[("FOO", Some(&value)), ("P", Some(&pattern))]);
        assert_eq!(known_in("${FOO#$P}", &vars), "");
        assert_eq!(known_in("${FOO%$P}", &vars), "");
    }

    /// The preferred match by plain backtracking in priority order: the definition the
    /// matcher's dynamic program computes.
    fn backtrack(globs: &[Glob], text: &[char], t: usize, greedy: bool) -> Option<usize> {
        let Some((first, rest)) = globs.split_first() else {
            return Some(t);
        };
        match *first {
            Glob::Literal(c) => (text.get(t) == Some(&c))
                .then(|| backtrack(rest, text, t + 1, greedy))
                .flatten(),
            Glob::Any => text
                .get(t)
                .filter(|&&c| c != '\n')
                .and_then(|_| backtrack(rest, text, t + 1, greedy)),
            Glob::Star => {
                let longest = t + text[t..].iter().take_while(|&&c| c != '\n').count();
                let mut ks: Vec<usize> = (t..=longest).collect();
                if greedy {
                    ks.reverse();
                }
                ks.into_iter()
                    .find_map(|k| backtrack(rest, text, k, greedy))
            }
        }
    }

    mod properties {
        use proptest::prelude::*;
        use proptest::sample::select;

        use super::super::*;
        use super::{backtrack, std_env};

        fn glob() -> impl Strategy<Value = Glob> {
            prop_oneof![
                Just(Glob::Star),
                Just(Glob::Any),
                select(vec!['a', 'b', '\n']).prop_map(Glob::Literal),
            ]
        }

        proptest! {
            #[test]
            fn matcher_agrees_with_backtracking(
                globs in proptest::collection::vec(glob(), 0..6),
                text in proptest::collection::vec(select(vec!['a', 'b', '\n']), 0..8),
                greedy in any::<bool>(),
            ) {
                let matcher = Matcher::new(&globs, &text, greedy);
                for start in 0..=text.len() {
                    prop_assert_eq!(matcher.match_at(start), backtrack(&globs, &text, start, greedy));
                }
            }

            #[test]
            fn expand_text_never_panics(
                text in proptest::collection::vec(
                    select(vec![
                        "$", "{", "}", ":", "-", "+", "?", "#", "%", "/", "*", "\\", "`",
                        "'", "\"", " ", "\n", "\r", "SET", "EMPTY", "UNK", "x", "é", "$@",
                    ]),
                    0..24,
                ),
                backtick in any::<bool>(),
            ) {
                let text: String = text.concat();
                let escape = if backtick { '`' } else { '\\' };
                if let Ok(expansion) = expand_text(&text, escape, &std_env()) {
                    for reference in &expansion.references {
                        prop_assert!(text.get(reference.range.as_usize()).is_some());
                    }
                }
            }
        }
    }
}

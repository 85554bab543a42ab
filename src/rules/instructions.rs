//! Shared reading of instructions for the rules about instruction semantics: which stage
//! each instruction belongs to, EXPOSE port specs as BuildKit splits them, and the whole
//! lines an instruction occupies (for fixes that delete it).

use std::ops::Range;

use crate::ast::{Instruction, Word};
use crate::rules::RuleContext;
use crate::semantic::expand::Value;
use crate::semantic::{Base, Build, Field, Stage};
use crate::syntax::{SyntaxKind, TextRange};

/// The FROM keyword of a stage (the whole FROM when the keyword cannot be found).
pub(crate) fn from_keyword_range(ctx: &RuleContext<'_>, stage: &Stage) -> TextRange {
    ctx.instruction(stage.from_range)
        .and_then(|i| i.keyword_range())
        .unwrap_or(stage.from_range)
}

/// The working directory a stage starts with: the one its base stage ends with, nothing for
/// `scratch`, and whatever the image has for an external or unresolved base.
pub(crate) fn initial_working_dir(build: &Build, stage: &Stage) -> Field<Value> {
    match &stage.base {
        Base::Scratch => Field::Unset,
        Base::Stage(base) => build
            .stages
            .get(*base)
            .map_or(Field::Inherited, |s| s.config.working_dir.clone()),
        Base::Image(_) | Base::Symbolic(_) | Base::Invalid { .. } => Field::Inherited,
    }
}

/// Whether a path is absolute for Windows: `C:\...`, `C:/...` or `\...`.
pub(crate) fn is_windows_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with('\\')
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}

/// The range of the whole lines of an instruction, from the start of its first line to the
/// start of the line after it (the end of the file when it is the last line).
pub(crate) fn line_range(source: &str, range: TextRange) -> TextRange {
    let start = source[..range.start as usize]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let end = source[range.end as usize..]
        .find('\n')
        .map_or(source.len(), |i| range.end as usize + i + 1);
    TextRange::new(
        u32::try_from(start).unwrap_or(range.start),
        u32::try_from(end).unwrap_or(range.end),
    )
}

/// One EXPOSE argument written as plain text, split as BuildKit splits a port spec:
/// `[ip:][host-port:]port[-end][/protocol]`.
pub(crate) struct PortSpec {
    /// The source offset of the word.
    pub start: u32,
    /// The word.
    pub text: String,
    /// The IP address and host port with their `:` separators, when there are any.
    pub mapping: Option<Range<usize>>,
    /// The container port or port range.
    pub port: Range<usize>,
    /// The protocol after `/`, when one is written.
    pub protocol: Option<Range<usize>>,
}

impl PortSpec {
    /// The source range of a part of the word.
    pub(crate) fn range(&self, part: &Range<usize>) -> TextRange {
        let offset = |i: usize| self.start + u32::try_from(i).unwrap_or(0);
        TextRange::new(offset(part.start), offset(part.end))
    }

    /// The source range of the whole word.
    pub(crate) fn word_range(&self) -> TextRange {
        self.range(&(0..self.text.len()))
    }

    /// The text of a part of the word.
    pub(crate) fn part(&self, part: &Range<usize>) -> &str {
        &self.text[part.clone()]
    }

    /// The container port text (a number or a range).
    pub(crate) fn port_text(&self) -> &str {
        self.part(&self.port)
    }

    /// The first and last port of the container port or range, when both are numbers. The
    /// numbers are not limited to 16 bits, so that rules can report ports out of range.
    pub(crate) fn port_numbers(&self) -> Option<(u64, u64)> {
        let text = self.port_text();
        match text.split_once('-') {
            Some((a, b)) => Some((parse_digits(a)?, parse_digits(b)?)),
            None => parse_digits(text).map(|n| (n, n)),
        }
    }
}

/// A non-empty run of ASCII digits as a number (saturating, so huge numbers stay large).
fn parse_digits(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.bytes().fold(0u64, |n, b| {
        n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
    }))
}

/// The port specs of an EXPOSE instruction that are written as plain text: words with
/// variables, quotes, escapes or line continuations are left out, since their text is not
/// what BuildKit reads.
pub(crate) fn port_specs(ctx: &RuleContext<'_>, instruction: Instruction<'_>) -> Vec<PortSpec> {
    if instruction.kind() != SyntaxKind::EXPOSE_INSTR {
        return Vec::new();
    }
    instruction
        .words()
        .filter_map(|word| port_spec(ctx, word))
        .collect()
}

fn port_spec(ctx: &RuleContext<'_>, word: Word<'_>) -> Option<PortSpec> {
    let text = word.text();
    let written = &ctx.source[word.range().as_usize()];
    if word.has_variables()
        || text != written
        || text.contains(['"', '\'', ctx.escape()])
        || text.is_empty()
    {
        return None;
    }
    let container_start = text.rfind(':').map_or(0, |i| i + 1);
    let mapping = (container_start > 0).then_some(0..container_start);
    let (port, protocol) = match text[container_start..].find('/') {
        Some(slash) => {
            let slash = container_start + slash;
            (container_start..slash, Some(slash + 1..text.len()))
        }
        None => (container_start..text.len(), None),
    };
    Some(PortSpec {
        start: word.range().start,
        text,
        mapping,
        port,
        protocol,
    })
}

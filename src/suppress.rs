//! Inline suppression: the pragmas written in a Dockerfile's comments that silence
//! diagnostics, read from the lossless tree. Pure: it matches nothing by itself; the caller
//! says, through a predicate, whether a pragma code names a diagnostic's rule.
//!
//! Forms read (keywords are case-insensitive, codes are kept as written):
//!
//! * `# dflint ignore=CODE[,CODE...] [reason="..."] [expires=YYYY-MM-DD] [-- reason]`: the
//!   next instruction, skipping blank lines and other comment lines. The reason is
//!   `reason="..."` (double quotes, `\"` and `\\` escaped; a single word needs no quotes) or
//!   the text after `--` (or after a `#`). From the day after `expires`, the pragma suppresses
//!   nothing (see [`Suppressions::expire`]).
//! * `# dflint global ignore=...`: the whole file.
//! * `# dflint stage ignore=...`: the stage whose `FROM` comes next. Both take the same
//!   options.
//! * `# hadolint ignore=...`: the instruction on the very next line, as hadolint reads it
//!   (a blank line or another comment in between breaks it). `# hadolint global ignore=...`:
//!   the whole file. `# hadolint stage ignore=...`: the stage whose `FROM` is on the next line.
//!   A trailing `# comment` is taken as the reason; hadolint's pragmas take no options.
//! * BuildKit's `# check=skip=A,B` parser directive (the whole file; `skip=all` matches every
//!   code), and a `# check=skip=...` comment in the comment block right above an instruction
//!   (that instruction only; only the first `check=` comment of the block counts and only the
//!   first space-separated word of its value is read, so `# check=skip=A // why` works).
//!
//! Only comments at file level count. A pragma on a comment line inside a continued
//! instruction is kept (so that it can be reported) but suppresses nothing.

#![warn(missing_docs)]

use std::cell::Cell;
use std::ops::Range;

use crate::ast::Instruction;
use crate::syntax::{Parse, SyntaxElement, SyntaxKind, SyntaxNode, TextRange};

/// The code of BuildKit's `skip=all`, which matches every diagnostic.
pub const SKIP_ALL: &str = "all";

/// What a pragma covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PragmaKind {
    /// The instruction after the comment ([`Pragma::applies_to`]).
    NextInstruction,
    /// The stage whose `FROM` comes after the comment, up to its last instruction
    /// ([`Pragma::applies_to`]).
    Stage,
    /// The whole file.
    File,
}

/// Which tool's syntax a pragma is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PragmaSource {
    /// `# dflint ...`.
    Dflint,
    /// `# hadolint ...`.
    Hadolint,
    /// `# check=skip=...`.
    BuildKit,
}

/// One suppression pragma found in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pragma {
    /// What it covers.
    pub kind: PragmaKind,
    /// The syntax it is written in.
    pub source: PragmaSource,
    /// The codes as written, with their ranges, in order. A BuildKit [`SKIP_ALL`] matches
    /// every diagnostic.
    pub codes: Vec<(String, TextRange)>,
    /// The text after `--` (or after a trailing `#`), trimmed, when there is some.
    pub reason: Option<String>,
    /// The comment (or the `check` directive) that holds the pragma.
    pub range: TextRange,
    /// For [`PragmaKind::NextInstruction`], the range of the instruction it covers (heredoc
    /// bodies included); for [`PragmaKind::Stage`], from the stage's `FROM` to the end of its
    /// last instruction. `None` when nothing follows that it can apply to, and always for
    /// [`PragmaKind::File`].
    pub applies_to: Option<TextRange>,
    /// Written on a comment line inside a continued instruction, where it has no effect.
    pub in_continuation: bool,
    /// The last day the pragma suppresses (`expires=`), with the range of the date.
    pub expires: Option<(Date, TextRange)>,
    /// Past its expiry date (set by [`Suppressions::expire`]): it suppresses nothing.
    pub expired: bool,
}

impl Pragma {
    /// Whether the pragma covers a diagnostic starting at `offset`: a file pragma everywhere,
    /// the others when the offset lies within [`Pragma::applies_to`] (its end included).
    #[must_use]
    pub fn covers(&self, offset: u32) -> bool {
        if self.in_continuation || self.expired {
            return false;
        }
        match self.kind {
            PragmaKind::File => true,
            PragmaKind::NextInstruction | PragmaKind::Stage => self
                .applies_to
                .is_some_and(|r| r.start <= offset && offset <= r.end),
        }
    }

    /// Whether `code` is BuildKit's `skip=all`, which matches every diagnostic. As in
    /// BuildKit, only a value of `all` alone is: `skip=all,A` names a rule `all`.
    fn is_wildcard(&self, code: &str) -> bool {
        self.source == PragmaSource::BuildKit && self.codes.len() == 1 && code == SKIP_ALL
    }
}

/// The suppression pragmas of one file, and which of their codes have been used.
#[derive(Clone, Debug, Default)]
pub struct Suppressions {
    pragmas: Vec<Pragma>,
    /// For each pragma, for each of its codes, how many diagnostics it suppressed.
    used: Vec<Vec<Cell<u32>>>,
    malformed: Vec<Malformed>,
}

/// A `# dflint` comment meant as a pragma that cannot be read: it suppresses nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Malformed {
    /// The part that cannot be read (the whole comment when no part is to blame).
    pub range: TextRange,
    /// What is wrong, as one sentence without a trailing period.
    pub message: String,
}

/// A file-level element that matters for finding what a comment applies to.
#[derive(Clone, Copy)]
enum Item<'t> {
    Comment(TextRange, &'t str),
    Newline,
    Directive(SyntaxNode<'t>),
    Instruction(SyntaxNode<'t>),
}

impl Suppressions {
    /// Reads the pragmas of a parsed file.
    #[must_use]
    pub fn collect(parse: &Parse) -> Suppressions {
        let root = parse.tree().root();
        let mut items = Vec::new();
        for element in root.children_with_tokens() {
            match element {
                SyntaxElement::Token(t) if t.kind() == SyntaxKind::COMMENT => {
                    items.push(Item::Comment(t.range(), t.text()));
                }
                SyntaxElement::Token(t) if t.kind() == SyntaxKind::NEWLINE => {
                    items.push(Item::Newline);
                }
                SyntaxElement::Node(n) if n.kind() == SyntaxKind::DIRECTIVE => {
                    items.push(Item::Directive(n));
                }
                SyntaxElement::Node(n) if Instruction::cast(n).is_some() => {
                    items.push(Item::Instruction(n));
                }
                _ => {}
            }
        }
        let instructions: Vec<SyntaxNode<'_>> = items
            .iter()
            .filter_map(|item| match item {
                Item::Instruction(n) => Some(*n),
                _ => None,
            })
            .collect();

        let mut out = Suppressions::default();
        out.ignore_pragmas(&items, &instructions);
        out.check_directives(&items);
        out.check_comments(&items);
        out.continuation_pragmas(&instructions);
        out.pragmas.sort_by_key(|p| (p.range.start, p.range.end));
        out.malformed.sort_by_key(|m| m.range.start);
        out.used = out
            .pragmas
            .iter()
            .map(|p| p.codes.iter().map(|_| Cell::new(0)).collect())
            .collect();
        out
    }

    /// `# dflint ...` and `# hadolint ...` comments at file level.
    fn ignore_pragmas(&mut self, items: &[Item<'_>], instructions: &[SyntaxNode<'_>]) {
        for (i, item) in items.iter().enumerate() {
            let Item::Comment(range, text) = *item else {
                continue;
            };
            let parsed = match parse_ignore_pragma(text) {
                Parsed::NotPragma => continue,
                Parsed::Malformed(problem) => {
                    self.malformed.push(problem.locate(range));
                    continue;
                }
                Parsed::Pragma(p) => p,
            };
            let next = match parsed.source {
                // hadolint: the line right after the comment only.
                PragmaSource::Hadolint => match (items.get(i + 1), items.get(i + 2)) {
                    (Some(Item::Newline), Some(Item::Instruction(n))) => Some(*n),
                    _ => None,
                },
                _ => items[i + 1..].iter().find_map(|item| match item {
                    Item::Instruction(n) => Some(*n),
                    _ => None,
                }),
            };
            let applies_to = match parsed.kind {
                PragmaKind::File => None,
                PragmaKind::NextInstruction => next.map(SyntaxNode::range),
                PragmaKind::Stage => next
                    .filter(|n| n.kind() == SyntaxKind::FROM_INSTR)
                    .map(|from| stage_range(from, instructions)),
            };
            self.pragmas
                .push(parsed.into_pragma(range, applies_to, false));
        }
    }

    /// `# check=...` parser directives: the whole file.
    fn check_directives(&mut self, items: &[Item<'_>]) {
        for item in items {
            let Item::Directive(node) = *item else {
                continue;
            };
            let Some((value, value_range)) = check_directive_value(node) else {
                continue;
            };
            let Some(codes) = parse_check_options(value) else {
                continue;
            };
            if codes.is_empty() {
                continue;
            }
            self.pragmas.push(Pragma {
                kind: PragmaKind::File,
                source: PragmaSource::BuildKit,
                codes: absolute(value, value_range.start, codes),
                reason: None,
                range: node.range(),
                applies_to: None,
                in_continuation: false,
                expires: None,
                expired: false,
            });
        }
    }

    /// `# check=skip=...` comments in the block above an instruction, as BuildKit reads
    /// `PrevComment`: the comment lines since the previous instruction (blank lines do not
    /// break the block, a bare `#` line starts it anew). The first `check=` line of the block
    /// is the one that counts, even when it is the file's parser directive.
    fn check_comments(&mut self, items: &[Item<'_>]) {
        let mut first_check: Option<Option<(TextRange, &str)>> = None;
        for item in items {
            match *item {
                Item::Comment(range, text) => {
                    if text[1..].trim().is_empty() {
                        first_check = None;
                    } else if first_check.is_none() && comment_directive(text, "check").is_some() {
                        first_check = Some(Some((range, text)));
                    }
                }
                Item::Directive(node) => {
                    if first_check.is_none() && check_directive_value(node).is_some() {
                        // Already a file pragma; it shadows later `check=` comments.
                        first_check = Some(None);
                    }
                }
                Item::Newline => {}
                Item::Instruction(instruction) => {
                    if let Some(Some((range, text))) = first_check.take()
                        && let Some(pragma) = check_comment_pragma(range, text, false)
                    {
                        self.pragmas.push(Pragma {
                            applies_to: Some(instruction.range()),
                            ..pragma
                        });
                    }
                    first_check = None;
                }
            }
        }
    }

    /// Pragmas on comment lines inside continued instructions: kept, but inert.
    fn continuation_pragmas(&mut self, instructions: &[SyntaxNode<'_>]) {
        for instruction in instructions {
            for token in instruction.tokens() {
                if token.kind() != SyntaxKind::COMMENT {
                    continue;
                }
                let (range, text) = (token.range(), token.text());
                match parse_ignore_pragma(text) {
                    Parsed::NotPragma => {
                        if let Some(pragma) = check_comment_pragma(range, text, true) {
                            self.pragmas.push(pragma);
                        }
                    }
                    Parsed::Malformed(problem) => self.malformed.push(problem.locate(range)),
                    Parsed::Pragma(p) => self.pragmas.push(p.into_pragma(range, None, true)),
                }
            }
        }
    }

    /// The pragmas, in source order.
    #[must_use]
    pub fn pragmas(&self) -> &[Pragma] {
        &self.pragmas
    }

    /// The pragma whose comment contains `offset`, such as a code's start.
    #[must_use]
    pub fn pragma_at(&self, offset: u32) -> Option<&Pragma> {
        self.pragmas.iter().find(|p| p.range.contains(offset))
    }

    /// `# dflint` comments that look meant as pragmas (`ignore`, `global` or `stage` follows
    /// the tool name) but do not read as one, such as `# dflint ignore DFL3006` or
    /// `# dflint: ignore=DFL3006`. They suppress nothing.
    #[must_use]
    pub fn malformed(&self) -> &[Malformed] {
        &self.malformed
    }

    /// Marks the pragmas whose expiry date is before `today` as expired: from then on they
    /// suppress nothing, so the diagnostics they hid come back.
    pub fn expire(&mut self, today: Date) {
        for pragma in &mut self.pragmas {
            pragma.expired = pragma.expires.is_some_and(|(date, _)| date < today);
        }
    }

    /// Whether a diagnostic starting at `range.start` is suppressed, `matches` telling whether
    /// a pragma code names its rule (code, name, or alias). Every pragma code that matches is
    /// recorded as used, not only the first, so that a code is never reported unused while it
    /// covers a diagnostic.
    pub fn is_suppressed(&self, range: TextRange, matches: &dyn Fn(&str) -> bool) -> bool {
        let mut suppressed = false;
        for (pragma, used) in self.pragmas.iter().zip(&self.used) {
            if !pragma.covers(range.start) {
                continue;
            }
            for ((code, _), count) in pragma.codes.iter().zip(used) {
                if pragma.is_wildcard(code) || matches(code) {
                    count.set(count.get().saturating_add(1));
                    suppressed = true;
                }
            }
        }
        suppressed
    }

    /// Pragma codes that `is_known` does not accept, in source order. BuildKit's `skip=all`
    /// is always known.
    #[must_use]
    pub fn unknown_codes(&self, is_known: &dyn Fn(&str) -> bool) -> Vec<(String, TextRange)> {
        self.pragmas
            .iter()
            .flat_map(|p| {
                p.codes
                    .iter()
                    .filter(|(code, _)| !p.is_wildcard(code) && !is_known(code))
            })
            .cloned()
            .collect()
    }

    /// Pragma codes that have suppressed nothing so far, in source order: call it after every
    /// diagnostic went through [`Suppressions::is_suppressed`]. Unknown codes, codes of
    /// pragmas that apply to nothing and codes of pragmas inside continued instructions are
    /// all among them; codes of expired pragmas are not.
    #[must_use]
    pub fn unused(&self) -> Vec<(String, TextRange)> {
        self.pragmas
            .iter()
            .zip(&self.used)
            .filter(|(p, _)| !p.expired)
            .flat_map(|(p, used)| {
                p.codes
                    .iter()
                    .zip(used)
                    .filter(|(_, count)| count.get() == 0)
                    .map(|(code, _)| code.clone())
            })
            .collect()
    }
}

/// The range of the stage that `from` starts: from it to the end of the last instruction
/// before the next top-level `FROM`.
fn stage_range(from: SyntaxNode<'_>, instructions: &[SyntaxNode<'_>]) -> TextRange {
    let end = instructions
        .iter()
        .skip_while(|n| **n != from)
        .skip(1)
        .take_while(|n| n.kind() != SyntaxKind::FROM_INSTR)
        .last()
        .map_or(from.range().end, |n| n.range().end);
    TextRange::new(from.range().start, end)
}

/// The value of a `check` parser directive node, with its range.
fn check_directive_value(node: SyntaxNode<'_>) -> Option<(&str, TextRange)> {
    let key = node.child_token(SyntaxKind::DIRECTIVE_KEY)?;
    if !key.text().eq_ignore_ascii_case("check") {
        return None;
    }
    let value = node.child_token(SyntaxKind::DIRECTIVE_VALUE)?;
    Some((value.text(), value.range()))
}

/// A per-instruction `# check=` comment read as a pragma (`applies_to` left empty).
fn check_comment_pragma(range: TextRange, text: &str, in_continuation: bool) -> Option<Pragma> {
    let value = comment_directive(text, "check")?;
    // Only the first space-separated word counts: `# check=skip=A // why`.
    let word_end = text[value.clone()]
        .find(' ')
        .map_or(value.end, |k| value.start + k);
    let word = &text[value.start..word_end];
    let codes = parse_check_options(word)?;
    if codes.is_empty() {
        return None;
    }
    let reason = text[word_end..value.end].trim();
    Some(Pragma {
        kind: PragmaKind::NextInstruction,
        source: PragmaSource::BuildKit,
        codes: absolute(word, range.start + offset(value.start), codes),
        reason: (!reason.is_empty()).then(|| reason.to_string()),
        range,
        applies_to: None,
        in_continuation,
        expires: None,
        expired: false,
    })
}

/// The value (as byte offsets into `text`) of a comment that has the shape of the parser
/// directive `key`: `#\s*key\s*=\s*value\s*`, the key case-insensitive.
fn comment_directive(text: &str, key: &str) -> Option<Range<usize>> {
    let mut c = Cursor::new(text);
    if !c.eat('#') {
        return None;
    }
    c.skip_space();
    if !c.eat_keyword(key) {
        return None;
    }
    c.skip_space();
    if !c.eat('=') {
        return None;
    }
    c.skip_space();
    let rest = c.rest();
    let value = rest.trim_end();
    (!value.is_empty()).then(|| c.pos..c.pos + value.len())
}

/// The `skip` codes of a `check` value (`skip=A,B;error=true`), as ranges into `value`; `None`
/// when BuildKit rejects the value (a part that is not `key=value`, an unknown key, a bad
/// boolean). The value is cut on `;` into at most three parts, as BuildKit does.
fn parse_check_options(value: &str) -> Option<Vec<(String, Range<usize>)>> {
    let mut codes = Vec::new();
    let mut start = 0;
    for (i, part) in value.splitn(3, ';').enumerate() {
        if i > 0 {
            start += 1;
        }
        let part_start = start;
        start += part.len();
        let (k, v) = part.split_once('=')?;
        let v_start = part_start + k.len() + 1;
        match k.trim().to_ascii_lowercase().as_str() {
            "skip" => {
                let mut at = v_start;
                for name in v.split(',') {
                    let lead = name.len() - name.trim_start().len();
                    let trimmed = name.trim();
                    if !trimmed.is_empty() {
                        codes.push((trimmed.to_string(), at + lead..at + lead + trimmed.len()));
                    }
                    at += name.len() + 1;
                }
            }
            "error" => {
                if !matches!(
                    v.trim(),
                    "1" | "t"
                        | "T"
                        | "TRUE"
                        | "true"
                        | "True"
                        | "0"
                        | "f"
                        | "F"
                        | "FALSE"
                        | "false"
                        | "False"
                ) {
                    return None;
                }
            }
            "experimental" => {}
            _ => return None,
        }
    }
    Some(codes)
}

/// Codes with ranges into `text`, moved to absolute offsets.
fn absolute(text: &str, base: u32, codes: Vec<(String, Range<usize>)>) -> Vec<(String, TextRange)> {
    debug_assert!(codes.iter().all(|(_, r)| r.end <= text.len()));
    codes
        .into_iter()
        .map(|(code, r)| {
            (
                code,
                TextRange::new(base + offset(r.start), base + offset(r.end)),
            )
        })
        .collect()
}

fn offset(n: usize) -> u32 {
    u32::try_from(n).expect("file shorter than 4 GiB")
}

/// A `# dflint ...` or `# hadolint ...` comment, read.
enum Parsed {
    NotPragma,
    Malformed(Problem),
    Pragma(ParsedPragma),
}

/// What is wrong with a comment meant as a pragma: a byte range into the comment (`None`:
/// the whole comment) and a message.
struct Problem(Option<Range<usize>>, String);

/// What a `# dflint` comment must look like, for messages.
const PRAGMA_SHAPE: &str =
    "`# dflint [global|stage] ignore=CODE[,CODE] [reason=\"...\"] [expires=YYYY-MM-DD]`";

impl Problem {
    fn whole() -> Problem {
        Problem(
            None,
            format!("this comment does not read as a suppression pragma (expected {PRAGMA_SHAPE})"),
        )
    }

    fn locate(self, comment: TextRange) -> Malformed {
        let range = self.0.map_or(comment, |r| {
            TextRange::new(
                comment.start + offset(r.start),
                comment.start + offset(r.end),
            )
        });
        Malformed {
            range,
            message: self.1,
        }
    }
}

struct ParsedPragma {
    source: PragmaSource,
    kind: PragmaKind,
    /// Codes with byte ranges into the comment.
    codes: Vec<(String, Range<usize>)>,
    reason: Option<String>,
    /// The expiry date with its byte range into the comment.
    expires: Option<(Date, Range<usize>)>,
}

impl ParsedPragma {
    fn into_pragma(
        self,
        range: TextRange,
        applies_to: Option<TextRange>,
        in_continuation: bool,
    ) -> Pragma {
        let at = |r: Range<usize>| {
            TextRange::new(range.start + offset(r.start), range.start + offset(r.end))
        };
        let codes = self
            .codes
            .into_iter()
            .map(|(code, r)| (code, at(r)))
            .collect();
        Pragma {
            kind: self.kind,
            source: self.source,
            codes,
            reason: self.reason,
            range,
            applies_to,
            in_continuation,
            expires: self.expires.map(|(date, r)| (date, at(r))),
            expired: false,
        }
    }
}

/// Reads `# <tool> [global|stage] ignore=CODE[,CODE...] [options] [-- reason | # reason]`;
/// the options (`reason=`, `expires=`) are dflint's only.
fn parse_ignore_pragma(text: &str) -> Parsed {
    let mut c = Cursor::new(text);
    if !c.eat('#') {
        return Parsed::NotPragma;
    }
    c.skip_space();
    let source = if c.eat_keyword("dflint") {
        PragmaSource::Dflint
    } else if c.eat_keyword("hadolint") {
        PragmaSource::Hadolint
    } else {
        return Parsed::NotPragma;
    };
    // A `# dflint` comment is taken as meant for a pragma once `ignore`, `global` or `stage`
    // follows; anything that then fails to read is reported. Other comments that mention the
    // tools (and `# hadolint shell=...`) are left alone.
    let meant = {
        let rest = c.rest().trim_start_matches([':', ' ', '\t']);
        ["ignore", "global", "stage"].iter().any(|w| {
            rest.get(..w.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(w))
        })
    };
    if !meant {
        return Parsed::NotPragma;
    }
    let fail = || match source {
        PragmaSource::Dflint => Parsed::Malformed(Problem::whole()),
        _ => Parsed::NotPragma,
    };
    if !c.skip_space() {
        return fail();
    }
    let kind = if c.eat_keyword("global") {
        PragmaKind::File
    } else if c.eat_keyword("stage") {
        PragmaKind::Stage
    } else {
        PragmaKind::NextInstruction
    };
    if kind != PragmaKind::NextInstruction && !c.skip_space() {
        return fail();
    }
    if !c.eat_keyword("ignore") {
        return fail();
    }
    c.skip_space();
    if !c.eat('=') {
        return fail();
    }
    let mut codes = Vec::new();
    loop {
        c.skip_space();
        if c.rest().starts_with("--") {
            break;
        }
        let start = c.pos;
        c.take_while(|ch| !(ch.is_whitespace() || ch == ',' || ch == '#'));
        if c.pos > start {
            codes.push((text[start..c.pos].to_string(), start..c.pos));
        }
        c.skip_space();
        if !c.eat(',') {
            break;
        }
    }
    if codes.is_empty() {
        return fail();
    }
    let mut pragma = ParsedPragma {
        source,
        kind,
        codes,
        reason: None,
        expires: None,
    };
    if source == PragmaSource::Dflint {
        return match read_options(&mut c, &mut pragma) {
            Ok(()) => Parsed::Pragma(pragma),
            Err(problem) => Parsed::Malformed(problem),
        };
    }
    let rest = c.rest().trim_end();
    if !rest.is_empty() {
        let Some(reason) = trailing_reason(rest) else {
            return fail();
        };
        pragma.reason = reason;
    }
    Parsed::Pragma(pragma)
}

/// The reason after `--` or `#` (`Some(None)` when only the marker is there); `None` when
/// `rest` starts with neither.
fn trailing_reason(rest: &str) -> Option<Option<String>> {
    let reason = rest.strip_prefix("--").or_else(|| rest.strip_prefix('#'))?;
    let reason = reason.trim();
    Some((!reason.is_empty()).then(|| reason.to_string()))
}

/// Reads a `# dflint` pragma's options after its codes: `reason=VALUE`, `expires=DATE`, each
/// at most once, in any order, then optionally `-- reason` or `# reason`.
fn read_options(c: &mut Cursor<'_>, pragma: &mut ParsedPragma) -> Result<(), Problem> {
    let mut seen_reason = false;
    loop {
        c.skip_space();
        let rest = c.rest().trim_end();
        if rest.is_empty() {
            return Ok(());
        }
        if let Some(reason) = trailing_reason(rest) {
            if !seen_reason {
                pragma.reason = reason;
            }
            return Ok(());
        }
        let key_start = c.pos;
        c.take_while(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_');
        let key = &c.text[key_start..c.pos];
        if key.is_empty() || !c.rest().starts_with('=') {
            c.pos = key_start;
            c.take_while(|ch| !ch.is_whitespace());
            return Err(Problem(
                Some(key_start..c.pos),
                format!(
                    "unexpected `{}` after the codes (expected `reason=\"...\"`, \
                     `expires=YYYY-MM-DD` or `-- reason`)",
                    &c.text[key_start..c.pos]
                ),
            ));
        }
        let key_range = key_start..c.pos;
        let lower = key.to_ascii_lowercase();
        let repeated = match lower.as_str() {
            "reason" => seen_reason,
            "expires" => pragma.expires.is_some(),
            _ => {
                return Err(Problem(
                    Some(key_range),
                    format!("unknown pragma option `{key}` (expected `reason` or `expires`)"),
                ));
            }
        };
        if repeated {
            return Err(Problem(
                Some(key_range),
                format!("`{lower}` is given twice"),
            ));
        }
        c.eat('=');
        let (value, value_range) = read_value(c)?;
        if lower == "reason" {
            seen_reason = true;
            let value = value.trim();
            pragma.reason = (!value.is_empty()).then(|| value.to_string());
        } else {
            let date = Date::parse(&value).ok_or_else(|| {
                Problem(
                    Some(if value_range.is_empty() {
                        key_range.start..value_range.end
                    } else {
                        value_range.clone()
                    }),
                    format!("`{value}` is not a date (expected `expires=YYYY-MM-DD`)"),
                )
            })?;
            pragma.expires = Some((date, value_range));
        }
    }
}

/// An option's value: a double-quoted string (`\"` and `\\` escaped) or a word up to the
/// next white space, with its byte range (quotes included).
fn read_value(c: &mut Cursor<'_>) -> Result<(String, Range<usize>), Problem> {
    let start = c.pos;
    if !c.eat('"') {
        c.take_while(|ch| !ch.is_whitespace());
        return Ok((c.text[start..c.pos].to_string(), start..c.pos));
    }
    let mut value = String::new();
    let mut chars = c.rest().char_indices();
    while let Some((i, ch)) = chars.next() {
        match ch {
            '"' => {
                c.pos += i + 1;
                let end = c.pos;
                if c.rest().starts_with(|ch: char| !ch.is_whitespace()) {
                    c.take_while(|ch| !ch.is_whitespace());
                    return Err(Problem(
                        Some(end..c.pos),
                        "a quoted value must be followed by a space".to_string(),
                    ));
                }
                return Ok((value, start..end));
            }
            '\\' => match chars.next() {
                Some((_, next @ ('"' | '\\'))) => value.push(next),
                Some((_, next)) => {
                    value.push('\\');
                    value.push(next);
                }
                None => value.push('\\'),
            },
            _ => value.push(ch),
        }
    }
    let end = start + c.rest().trim_end().len() + 1;
    Err(Problem(
        Some(start..end),
        "the quoted value has no closing `\"`".to_string(),
    ))
}

/// A calendar date, as pragmas write it (`2027-03-31`) and as the shells pass today.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// The date if it exists.
    #[must_use]
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap =
            year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD` (exactly those digits), a date that exists.
    #[must_use]
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        let digits = |r: Range<usize>| bytes[r].iter().all(u8::is_ascii_digit);
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        if !(digits(0..4) && digits(5..7) && digits(8..10)) {
            return None;
        }
        Date::new(
            text[0..4].parse().ok()?,
            text[5..7].parse().ok()?,
            text[8..10].parse().ok()?,
        )
    }

    /// The date `days` days after 1970-01-01 (the Unix epoch), in the proleptic Gregorian
    /// calendar; `None` outside years 0 to 9999.
    #[must_use]
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        // Howard Hinnant's `civil_from_days`.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(
            u16::try_from(year).ok().filter(|y| *y <= 9999)?,
            u8::try_from(month).ok()?,
            u8::try_from(day).ok()?,
        )
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A position in a comment's text.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Self { text, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn take_while(&mut self, keep: impl Fn(char) -> bool) {
        let rest = self.rest();
        self.pos += rest.find(|ch: char| !keep(ch)).unwrap_or(rest.len());
    }

    /// Skips white space; whether there was any.
    fn skip_space(&mut self) -> bool {
        let start = self.pos;
        self.take_while(char::is_whitespace);
        self.pos > start
    }

    fn eat(&mut self, ch: char) -> bool {
        if self.rest().starts_with(ch) {
            self.pos += ch.len_utf8();
            true
        } else {
            false
        }
    }

    /// Eats `word` case-insensitively when a word boundary follows it.
    fn eat_keyword(&mut self, word: &str) -> bool {
        let rest = self.rest();
        let Some(head) = rest.get(..word.len()) else {
            return false;
        };
        let boundary = rest[word.len()..]
            .chars()
            .next()
            .is_none_or(|ch| !(ch.is_alphanumeric() || ch == '_' || ch == '-'));
        if head.eq_ignore_ascii_case(word) && boundary {
            self.pos += word.len();
            true
        } else {
            false
        }
    }
}

/// The edit that makes a `# dflint ignore=` pragma suppress `name` on the file-level
/// instruction holding `at`: a new comment line above the instruction, with its
/// indentation and line ending, or `,name` appended to the codes of the `# dflint ignore=`
/// pragma already there. With `with_reason` (the configuration requires reasons), a new
/// pragma gets an empty `reason=""` for the user to fill in. `None` when no instruction
/// holds `at`.
#[must_use]
pub fn ignore_edit(
    parse: &Parse,
    at: u32,
    name: &str,
    with_reason: bool,
) -> Option<crate::fix::Edit> {
    let source = parse.tree().source();
    let instruction = parse.tree().root().children().find(|n| {
        Instruction::cast(*n).is_some() && n.range().start <= at && at <= n.range().end
    })?;
    let range = instruction.range();
    let existing = Suppressions::collect(parse).pragmas.into_iter().find(|p| {
        p.source == PragmaSource::Dflint
            && p.kind == PragmaKind::NextInstruction
            && !p.in_continuation
            && p.applies_to == Some(range)
    });
    if let Some((_, last)) = existing.as_ref().and_then(|p| p.codes.last()) {
        return Some(crate::fix::Edit::insert(last.end, format!(",{name}")));
    }
    let start = range.start as usize;
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &source[line_start..start];
    let crlf = source[start..]
        .find('\n')
        .is_some_and(|i| source[..start + i].ends_with('\r'));
    let newline = if crlf { "\r\n" } else { "\n" };
    Some(crate::fix::Edit::insert(
        offset(line_start),
        format!(
            "{indent}# dflint ignore={name}{}{newline}",
            if with_reason { " reason=\"\"" } else { "" }
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn collect(source: &str) -> Suppressions {
        Suppressions::collect(&parse(source))
    }

    /// The offset of the first occurrence of `needle`.
    fn at(source: &str, needle: &str) -> TextRange {
        let start = source.find(needle).unwrap_or_else(|| panic!("{needle:?}"));
        TextRange::new(offset(start), offset(start + needle.len()))
    }

    /// The offset of the `n`th occurrence (from 0) of `needle`.
    fn nth(source: &str, needle: &str, n: usize) -> TextRange {
        let (start, _) = source.match_indices(needle).nth(n).expect("occurrence");
        TextRange::new(offset(start), offset(start + needle.len()))
    }

    fn code(c: &'static str) -> impl Fn(&str) -> bool {
        move |s: &str| s == c
    }

    fn codes(p: &Pragma) -> Vec<&str> {
        p.codes.iter().map(|(c, _)| c.as_str()).collect()
    }

    fn texts<'a>(source: &'a str, list: &[(String, TextRange)]) -> Vec<&'a str> {
        list.iter().map(|(_, r)| &source[r.as_usize()]).collect()
    }

    #[test]
    fn dflint_ignore_applies_to_the_next_instruction_only() {
        let src = "FROM alpine:3\n# dflint ignore=DFL3006\nFROM ubuntu\nRUN ls\n";
        let s = collect(src);
        let [p] = s.pragmas() else { panic!("{s:?}") };
        assert_eq!(p.kind, PragmaKind::NextInstruction);
        assert_eq!(p.source, PragmaSource::Dflint);
        assert_eq!(codes(p), ["DFL3006"]);
        assert_eq!(p.reason, None);
        assert_eq!(&src[p.range.as_usize()], "# dflint ignore=DFL3006");
        assert_eq!(p.applies_to, Some(at(src, "FROM ubuntu")));
        assert!(s.is_suppressed(at(src, "ubuntu"), &code("DFL3006")));
        assert!(!s.is_suppressed(at(src, "ubuntu"), &code("DFL3007")));
        assert!(!s.is_suppressed(at(src, "alpine"), &code("DFL3006")));
        assert!(!s.is_suppressed(at(src, "RUN"), &code("DFL3006")));
        assert!(!s.is_suppressed(at(src, "# dflint"), &code("DFL3006")));
    }

    #[test]
    fn dflint_global_ignore_covers_the_whole_file() {
        let src = "FROM alpine\nRUN a\n# dflint global ignore=unpinned-base-image\nRUN b\n";
        let s = collect(src);
        let [p] = s.pragmas() else { panic!("{s:?}") };
        assert_eq!(p.kind, PragmaKind::File);
        assert_eq!(p.applies_to, None);
        for needle in ["alpine", "RUN a", "RUN b", "# dflint"] {
            assert!(
                s.is_suppressed(at(src, needle), &code("unpinned-base-image")),
                "{needle}"
            );
        }
        assert!(!s.is_suppressed(at(src, "alpine"), &code("DFL3006")));
    }

    #[test]
    fn dflint_stage_ignore_covers_the_stage_that_follows() {
        let src = "ARG V=1\n# dflint stage ignore=DFL1\n\nFROM a AS one\nRUN x\n# c\nRUN y\nFROM b\nRUN z\n";
        let s = collect(src);
        let [p] = s.pragmas() else { panic!("{s:?}") };
        assert_eq!(p.kind, PragmaKind::Stage);
        let start = at(src, "FROM a").start;
        assert_eq!(
            p.applies_to,
            Some(TextRange::new(start, at(src, "RUN y").end))
        );
        let yes = code("DFL1");
        assert!(s.is_suppressed(at(src, "RUN x"), &yes));
        assert!(s.is_suppressed(at(src, "RUN y"), &yes));
        assert!(!s.is_suppressed(at(src, "ARG"), &yes));
        assert!(!s.is_suppressed(at(src, "FROM b"), &yes));
        assert!(!s.is_suppressed(at(src, "RUN z"), &yes));

        // Not followed by a FROM: applies to nothing.
        let s = collect("FROM a\n# dflint stage ignore=DFL1\nRUN x\n");
        assert_eq!(s.pragmas()[0].applies_to, None);
        // The last stage runs to the last instruction.
        let src = "# dflint stage ignore=DFL1\nFROM a\nRUN x\n";
        let s = collect(src);
        assert_eq!(s.pragmas()[0].applies_to, Some(at(src, "FROM a\nRUN x")));
    }

    #[test]
    fn hadolint_ignore_needs_the_instruction_on_the_next_line() {
        let src = "FROM a\n# hadolint ignore=DL3008,DL3009\n  RUN apt-get install x\n";
        let s = collect(src);
        let [p] = s.pragmas() else { panic!("{s:?}") };
        assert_eq!(p.source, PragmaSource::Hadolint);
        assert_eq!(p.kind, PragmaKind::NextInstruction);
        assert_eq!(codes(p), ["DL3008", "DL3009"]);
        assert_eq!(p.applies_to, Some(at(src, "RUN apt-get install x")));
        assert!(s.is_suppressed(at(src, "install"), &code("DL3009")));

        // A blank line or another comment in between breaks it, as in hadolint.
        for src in [
            "FROM a\n# hadolint ignore=DL3008\n\nRUN x\n",
            "FROM a\n# hadolint ignore=DL3008\n# why\nRUN x\n",
            "FROM a\n# hadolint ignore=DL3008\n# hadolint ignore=DL3009\nRUN x\n",
        ] {
            let s = collect(src);
            assert_eq!(s.pragmas()[0].applies_to, None, "{src}");
            assert!(!s.is_suppressed(at(src, "RUN"), &code("DL3008")), "{src}");
        }
    }

    #[test]
    fn hadolint_global_and_stage_ignore() {
        let src = "# hadolint global ignore=DL3006\nFROM a\nRUN x\n";
        let s = collect(src);
        assert_eq!(s.pragmas()[0].kind, PragmaKind::File);
        assert!(s.is_suppressed(at(src, "RUN"), &code("DL3006")));

        let src =
            "FROM a\n# hadolint stage ignore=DL3011\nFROM b\nEXPOSE 99999\nFROM c\nEXPOSE 99999\n";
        let s = collect(src);
        let [p] = s.pragmas() else { panic!("{s:?}") };
        assert_eq!(p.kind, PragmaKind::Stage);
        assert!(s.is_suppressed(nth(src, "EXPOSE", 0), &code("DL3011")));
        assert!(!s.is_suppressed(nth(src, "EXPOSE", 1), &code("DL3011")));
    }

    #[test]
    fn hadolint_shell_pragma_and_prose_are_not_pragmas() {
        let s = collect(
            "# hadolint shell=powershell\n# dflint is great\n# about hadolint ignore=DL1\nFROM a\n",
        );
        assert!(s.pragmas().is_empty(), "{s:?}");
        assert!(s.malformed().is_empty());
    }

    #[test]
    fn keywords_are_case_insensitive() {
        let src = "# CHECK=Skip=StageNameCasing\n\n# DFLint GLOBAL Ignore=DFL1\n#HADOLINT Stage IGNORE = DL3006\nFROM a\n# Dflint IGNORE=DFL2\n#Check = SKIP=FromAsCasing\nRUN x\n";
        let s = collect(src);
        let got: Vec<_> = s
            .pragmas()
            .iter()
            .map(|p| (p.source, p.kind, codes(p)))
            .collect();
        assert_eq!(
            got,
            [
                (
                    PragmaSource::BuildKit,
                    PragmaKind::File,
                    vec!["StageNameCasing"]
                ),
                (PragmaSource::Dflint, PragmaKind::File, vec!["DFL1"]),
                (PragmaSource::Hadolint, PragmaKind::Stage, vec!["DL3006"]),
                (
                    PragmaSource::Dflint,
                    PragmaKind::NextInstruction,
                    vec!["DFL2"]
                ),
                (
                    PragmaSource::BuildKit,
                    PragmaKind::NextInstruction,
                    vec!["FromAsCasing"]
                ),
            ]
        );
        assert!(s.pragmas().iter().skip(2).all(|p| p.applies_to.is_some()));
    }

    #[test]
    fn reasons_follow_two_dashes_or_a_hash() {
        let s = collect(
            "# dflint global ignore=A -- vendored base image\n# hadolint global ignore=DL1 # legacy\n# dflint global ignore=B --\n# dflint global ignore=C--x\nFROM a\n",
        );
        let reasons: Vec<_> = s.pragmas().iter().map(|p| p.reason.as_deref()).collect();
        assert_eq!(
            reasons,
            [Some("vendored base image"), Some("legacy"), None, None]
        );
        // `--` glued to a code is part of it.
        assert_eq!(codes(&s.pragmas()[3]), ["C--x"]);
    }

    #[test]
    fn several_codes_with_exact_ranges() {
        let src = "# dflint ignore= DFL3006 , unpinned-base-image,DL3006 ,SecretsUsedInArgOrEnv, -- r\nFROM a\n";
        let s = collect(src);
        let p = &s.pragmas()[0];
        assert_eq!(
            codes(p),
            [
                "DFL3006",
                "unpinned-base-image",
                "DL3006",
                "SecretsUsedInArgOrEnv"
            ]
        );
        assert_eq!(
            texts(src, &p.codes),
            [
                "DFL3006",
                "unpinned-base-image",
                "DL3006",
                "SecretsUsedInArgOrEnv"
            ]
        );
        assert_eq!(p.reason.as_deref(), Some("r"));
    }

    #[test]
    fn dflint_pragma_skips_blank_lines_and_other_comments() {
        let src =
            "FROM a\n# dflint ignore=DFL1 -- why\n\n   \n# another comment\n#\n\nRUN x\nRUN y\n";
        let s = collect(src);
        assert_eq!(s.pragmas()[0].applies_to, Some(at(src, "RUN x")));
        assert!(s.is_suppressed(at(src, "x"), &code("DFL1")));
        assert!(!s.is_suppressed(at(src, "RUN y"), &code("DFL1")));
    }

    #[test]
    fn pragma_at_the_end_of_the_file_applies_to_nothing() {
        let src = "FROM a\nRUN x\n# dflint ignore=DFL1";
        let s = collect(src);
        assert_eq!(s.pragmas()[0].applies_to, None);
        assert!(!s.is_suppressed(at(src, "RUN"), &code("DFL1")));
        assert!(!s.is_suppressed(at(src, "# dflint"), &code("DFL1")));
        assert_eq!(texts(src, &s.unused()), ["DFL1"]);
    }

    #[test]
    fn pragma_above_onbuild_covers_the_trigger_and_its_heredoc() {
        let src = "FROM a\n# dflint ignore=DFL1\nONBUILD RUN <<EOF\nsudo x\nEOF\nRUN y\n";
        let s = collect(src);
        let onbuild = TextRange::new(at(src, "ONBUILD").start, at(src, "\nEOF").end);
        assert_eq!(s.pragmas()[0].applies_to, Some(onbuild));
        assert!(s.is_suppressed(at(src, "RUN <<"), &code("DFL1")));
        assert!(s.is_suppressed(at(src, "sudo"), &code("DFL1")));
        assert!(!s.is_suppressed(at(src, "RUN y"), &code("DFL1")));
    }

    #[test]
    fn heredoc_bodies_belong_to_their_instruction() {
        let src = "FROM a\n# hadolint ignore=DL3004\nRUN <<EOF bash\nsudo x\nEOF\nRUN sudo y\n";
        let s = collect(src);
        assert!(s.is_suppressed(at(src, "sudo x"), &code("DL3004")));
        assert!(!s.is_suppressed(at(src, "sudo y"), &code("DL3004")));
    }

    #[test]
    fn unknown_instructions_count_as_instructions() {
        let src = "FROM a\n# dflint ignore=DFL0002\nFORM b\nRUN c\n";
        let s = collect(src);
        assert_eq!(s.pragmas()[0].applies_to, Some(at(src, "FORM b")));
    }

    #[test]
    fn check_directive_skips_for_the_whole_file() {
        let src = "# syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended, StageNameCasing;error=true\nFROM a AS Build\nCMD x\n";
        let s = collect(src);
        let [p] = s.pragmas() else { panic!("{s:?}") };
        assert_eq!(
            (p.source, p.kind),
            (PragmaSource::BuildKit, PragmaKind::File)
        );
        assert_eq!(codes(p), ["JSONArgsRecommended", "StageNameCasing"]);
        assert_eq!(
            texts(src, &p.codes),
            ["JSONArgsRecommended", "StageNameCasing"]
        );
        assert_eq!(
            &src[p.range.as_usize()],
            "# check=skip=JSONArgsRecommended, StageNameCasing;error=true"
        );
        assert!(s.is_suppressed(at(src, "CMD"), &code("JSONArgsRecommended")));
        assert!(!s.is_suppressed(at(src, "CMD"), &code("FromAsCasing")));

        // Values BuildKit rejects, and values without `skip`, suppress nothing.
        for src in [
            "# check=skip=A;bogus=1\nFROM a\n",
            "# check=skip=A;error=maybe\nFROM a\n",
            "# check=A\nFROM a\n",
            "# check=error=true\nFROM a\n",
        ] {
            assert!(collect(src).pragmas().is_empty(), "{src}");
        }
        // A directive-shaped comment after the directive block is not a file pragma.
        let s = collect("FROM a\n# check=skip=A\n\nRUN x\n");
        assert_eq!(s.pragmas()[0].kind, PragmaKind::NextInstruction);
    }

    #[test]
    fn check_skip_all_matches_everything() {
        let src = "# check=skip=all\nFROM a\nRUN x\n";
        let s = collect(src);
        let never = |_: &str| false;
        assert!(s.is_suppressed(at(src, "RUN"), &never));
        assert!(s.unused().is_empty());
        assert!(s.unknown_codes(&never).is_empty());
        // Only lower-case `all`, alone, is the wildcard, as in BuildKit; a dflint `all` is a
        // code.
        let src =
            "# check=skip=all,A\nFROM a\n# check=skip=ALL\nRUN x\n# dflint global ignore=all\n";
        let s = collect(src);
        assert_eq!(s.pragmas().len(), 3);
        assert!(!s.is_suppressed(at(src, "FROM"), &never));
        assert!(!s.is_suppressed(at(src, "RUN"), &never));
        assert_eq!(
            texts(src, &s.unknown_codes(&never)),
            ["all", "A", "ALL", "all"]
        );
    }

    #[test]
    fn check_comment_applies_to_the_next_instruction() {
        let src = "FROM a\n# check=skip=SecretsUsedInArgOrEnv // allow secret in env\nENV TOKEN=x\nENV PASSWORD=y\n";
        let s = collect(src);
        let [p] = s.pragmas() else { panic!("{s:?}") };
        assert_eq!(
            (p.source, p.kind),
            (PragmaSource::BuildKit, PragmaKind::NextInstruction)
        );
        assert_eq!(codes(p), ["SecretsUsedInArgOrEnv"]);
        assert_eq!(p.reason.as_deref(), Some("// allow secret in env"));
        assert_eq!(p.applies_to, Some(at(src, "ENV TOKEN=x")));
        let secret = code("SecretsUsedInArgOrEnv");
        assert!(s.is_suppressed(at(src, "TOKEN"), &secret));
        assert!(!s.is_suppressed(at(src, "PASSWORD"), &secret));

        // `skip=all` is local to the instruction too.
        let src = "FROM a\n# check=skip=all // only here\nRUN x\nRUN y\n";
        let s = collect(src);
        assert!(s.is_suppressed(at(src, "RUN x"), &|_| false));
        assert!(!s.is_suppressed(at(src, "RUN y"), &|_| false));
    }

    #[test]
    fn check_comment_block_follows_buildkit() {
        // Blank lines and other comments do not break the block.
        let src = "FROM a\n# check=skip=A\n\n# a description\nRUN x\n";
        assert_eq!(collect(src).pragmas()[0].applies_to, Some(at(src, "RUN x")));
        // A bare `#` line starts a new block.
        let s = collect("FROM a\n# check=skip=A\n#\nRUN x\n");
        assert!(s.pragmas().is_empty(), "{s:?}");
        // Only the first `check=` comment of the block counts.
        let s = collect("FROM a\n# check=skip=A\n# check=skip=B\nRUN x\n");
        let got: Vec<_> = s.pragmas().iter().map(codes).collect();
        assert_eq!(got, [vec!["A"]]);
        // The parser directive is the first `check=` line of the first block.
        let s = collect("# check=skip=A\n\n# check=skip=B\nFROM a\n# check=skip=C\nRUN x\n");
        let got: Vec<_> = s.pragmas().iter().map(|p| (p.kind, codes(p))).collect();
        assert_eq!(
            got,
            [
                (PragmaKind::File, vec!["A"]),
                (PragmaKind::NextInstruction, vec!["C"]),
            ]
        );
        // An instruction ends the block.
        let s = collect("FROM a\n# check=skip=A\nRUN x\nRUN y\n");
        assert_eq!(s.pragmas().len(), 1);
    }

    #[test]
    fn unknown_codes_come_from_the_resolver() {
        let src = "# check=skip=JSONArgsRecomended\n# dflint global ignore=DFL3006,DFL9999\n# hadolint global ignore=DL3006,SC2086\nFROM a\n";
        let s = collect(src);
        let known = |c: &str| ["DFL3006", "DL3006", "SC2086", "JSONArgsRecommended"].contains(&c);
        assert_eq!(
            texts(src, &s.unknown_codes(&known)),
            ["JSONArgsRecomended", "DFL9999"]
        );
    }

    #[test]
    fn unused_codes_are_tracked() {
        let src = "# dflint global ignore=DFL1,DFL2\nFROM a\n# dflint ignore=DFL1,DFL3\nRUN x\n# hadolint ignore=DL1\nRUN y\n";
        let s = collect(src);
        assert_eq!(s.unused().len(), 5);
        // Both pragmas covering the diagnostic are used, not only the first.
        assert!(s.is_suppressed(at(src, "RUN x"), &code("DFL1")));
        assert!(!s.is_suppressed(at(src, "RUN y"), &code("DFL3")));
        assert!(s.is_suppressed(at(src, "RUN y"), &code("DL1")));
        assert_eq!(
            s.unused(),
            [
                ("DFL2".to_string(), nth(src, "DFL2", 0)),
                ("DFL3".to_string(), nth(src, "DFL3", 0)),
            ]
        );
        assert_eq!(
            s.pragma_at(nth(src, "DFL3", 0).start).map(|p| p.source),
            Some(PragmaSource::Dflint)
        );
        assert_eq!(s.pragma_at(at(src, "FROM").start), None);
    }

    #[test]
    fn pragma_inside_a_continued_instruction_does_nothing() {
        let src = "FROM a\nRUN a \\\n# dflint ignore=DFL1\n  # hadolint global ignore=DL1\n# check=skip=all\n  && b\nRUN c\n";
        let s = collect(src);
        assert_eq!(s.pragmas().len(), 3, "{s:?}");
        assert!(
            s.pragmas()
                .iter()
                .all(|p| p.in_continuation && p.applies_to.is_none())
        );
        let any = |_: &str| true;
        for needle in ["RUN a", "&& b", "RUN c", "FROM"] {
            assert!(!s.is_suppressed(at(src, needle), &any), "{needle}");
        }
        assert_eq!(texts(src, &s.unused()), ["DFL1", "DL1", "all"]);
        // Nor does a `check=` comment inside a continuation end up above the next instruction.
        let s = collect("FROM a\nRUN a \\\n# check=skip=A\n  b\nRUN c\n");
        assert!(s.pragmas().iter().all(|p| p.applies_to.is_none()));
    }

    #[test]
    fn malformed_dflint_pragmas_are_reported() {
        let src = "# dflint ignore DFL1\n# dflint: ignore=DFL1\n# dflint ignore=\n# dflint ignore=A B\n# dflint globalignore=A\n# hadolint ignore DL1\nFROM a\n";
        let s = collect(src);
        assert!(s.pragmas().is_empty(), "{s:?}");
        let lines: Vec<_> = s
            .malformed()
            .iter()
            .map(|m| &src[m.range.as_usize()])
            .collect();
        assert_eq!(
            lines,
            [
                "# dflint ignore DFL1",
                "# dflint: ignore=DFL1",
                "# dflint ignore=",
                "B",
                "# dflint globalignore=A",
            ]
        );
    }

    #[test]
    fn options_give_a_reason_and_an_expiry_date() {
        let src = concat!(
            "# dflint global ignore=A reason=\"vendored \\\"base\\\" image\" expires=2027-03-31\n",
            "# dflint stage ignore=B expires=2027-01-01 REASON=legacy\n",
            "# dflint ignore=C reason=\"\" -- ignored\n",
            "# dflint ignore=D expires=2026-12-31 -- the old form\n",
            "FROM a\n",
        );
        let s = collect(src);
        assert!(s.malformed().is_empty(), "{:?}", s.malformed());
        let got: Vec<_> = s
            .pragmas()
            .iter()
            .map(|p| {
                (
                    codes(p),
                    p.reason.as_deref(),
                    p.expires.map(|(d, r)| (d.to_string(), &src[r.as_usize()])),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    vec!["A"],
                    Some("vendored \"base\" image"),
                    Some(("2027-03-31".to_string(), "2027-03-31"))
                ),
                (
                    vec!["B"],
                    Some("legacy"),
                    Some(("2027-01-01".to_string(), "2027-01-01"))
                ),
                // An empty `reason=""` is no reason, and it wins over `--`.
                (vec!["C"], None, None),
                (
                    vec!["D"],
                    Some("the old form"),
                    Some(("2026-12-31".to_string(), "2026-12-31"))
                ),
            ]
        );
        // hadolint's pragmas take no options: hadolint would not read them.
        let s = collect("# hadolint ignore=DL1 reason=x\nFROM a\n");
        assert!(s.pragmas().is_empty() && s.malformed().is_empty());
    }

    #[test]
    fn option_errors_are_located() {
        let cases = [
            (
                "# dflint ignore=A reason=\"never closed\n",
                "\"never closed",
                "the quoted value has no closing `\"`",
            ),
            (
                "# dflint ignore=A expires=2027-02-29\n",
                "2027-02-29",
                "`2027-02-29` is not a date (expected `expires=YYYY-MM-DD`)",
            ),
            (
                "# dflint ignore=A expires=31/03/2027\n",
                "31/03/2027",
                "`31/03/2027` is not a date (expected `expires=YYYY-MM-DD`)",
            ),
            (
                "# dflint ignore=A expires= -- x\n",
                "expires=",
                "`` is not a date (expected `expires=YYYY-MM-DD`)",
            ),
            (
                "# dflint ignore=A until=2027-01-01\n",
                "until",
                "unknown pragma option `until` (expected `reason` or `expires`)",
            ),
            (
                "# dflint ignore=A reason=a reason=b\n",
                "reason",
                "`reason` is given twice",
            ),
            (
                "# dflint ignore=A reason=\"a\"b\n",
                "b",
                "a quoted value must be followed by a space",
            ),
        ];
        for (comment, culprit, message) in cases {
            let src = format!("{comment}FROM a\n");
            let s = collect(&src);
            assert!(s.pragmas().is_empty(), "{comment}");
            let [m] = s.malformed() else {
                panic!("{comment}: {:?}", s.malformed())
            };
            let start = src.rfind(culprit).expect("culprit");
            assert_eq!(m.range.start as usize, start, "{comment}");
            assert_eq!(&src[m.range.as_usize()], culprit, "{comment}");
            assert_eq!(m.message, message, "{comment}");
        }
    }

    #[test]
    fn expired_pragmas_suppress_nothing_from_the_day_after() {
        let src = "FROM a\n# dflint ignore=DFL1 expires=2027-03-31\nRUN x\n";
        let mut s = collect(src);
        let date = |text: &str| Date::parse(text).expect("date");
        s.expire(date("2027-03-31"));
        assert!(s.is_suppressed(at(src, "RUN x"), &code("DFL1")));
        s.expire(date("2027-04-01"));
        assert!(s.pragmas()[0].expired);
        assert!(!s.is_suppressed(at(src, "RUN x"), &code("DFL1")));
        // Reported as expired, not as unused.
        assert!(s.unused().is_empty());
    }

    #[test]
    fn dates() {
        assert_eq!(Date::parse("2024-02-29"), Date::new(2024, 2, 29));
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("1900-02-29").is_none());
        assert!(Date::parse("2000-02-29").is_some());
        for bad in [
            "2027-1-01",
            "2027-13-01",
            "2027-00-10",
            "2027-01-32",
            "+027-01-01",
            "",
        ] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
        assert!(Date::parse("2027-01-31") < Date::parse("2027-02-01"));
        let from = |days| Date::from_days_since_epoch(days).map(|d| d.to_string());
        assert_eq!(from(0).as_deref(), Some("1970-01-01"));
        assert_eq!(from(19_782).as_deref(), Some("2024-02-29"));
        assert_eq!(from(20_725).as_deref(), Some("2026-09-29"));
        assert_eq!(from(-1).as_deref(), Some("1969-12-31"));
    }

    #[test]
    fn crlf_and_leading_whitespace() {
        let src = "FROM a\r\n   # dflint ignore=DFL1 -- r\r\n\r\n\tRUN x\r\n";
        let s = collect(src);
        let p = &s.pragmas()[0];
        assert_eq!(p.reason.as_deref(), Some("r"));
        assert_eq!(p.applies_to, Some(at(src, "RUN x")));
        assert_eq!(texts(src, &p.codes), ["DFL1"]);
    }
}

#[cfg(test)]
mod ignore_edit_tests {
    use super::ignore_edit;
    use crate::syntax::parse;

    /// The text after adding the pragma for the first diagnostic named `name`, and whether
    /// that diagnostic is gone then.
    fn ignore(source: &str, name: &str) -> (String, bool) {
        let found = crate::check(source);
        let d = found
            .iter()
            .find(|d| d.name == name)
            .unwrap_or_else(|| panic!("no {name} in {found:#?}"));
        let edit = ignore_edit(&parse(source), d.range.start, d.name, false).expect("an edit");
        let fixed = crate::fix::apply_edits(source, &[edit]);
        let gone = !crate::check(&fixed).iter().any(|d| d.name == name);
        (fixed, gone)
    }

    #[test]
    fn inserts_a_pragma_above_with_the_indentation() {
        let (fixed, gone) = ignore(
            "FROM alpine:3.20\n  MAINTAINER me\n",
            "maintainer-instruction",
        );
        assert_eq!(
            fixed,
            "FROM alpine:3.20\n  # dflint ignore=maintainer-instruction\n  MAINTAINER me\n"
        );
        assert!(gone);
    }

    #[test]
    fn keeps_crlf_line_endings() {
        let (fixed, gone) = ignore(
            "FROM alpine:3.20\r\nMAINTAINER me\r\n",
            "maintainer-instruction",
        );
        assert_eq!(
            fixed,
            "FROM alpine:3.20\r\n# dflint ignore=maintainer-instruction\r\nMAINTAINER me\r\n"
        );
        assert!(gone);
    }

    #[test]
    fn extends_the_pragma_already_there() {
        let source = "FROM alpine:3.20\n# dflint ignore=DFL3006 -- why\nMAINTAINER me\n";
        let (fixed, gone) = ignore(source, "maintainer-instruction");
        assert_eq!(
            fixed,
            "FROM alpine:3.20\n# dflint ignore=DFL3006,maintainer-instruction -- why\nMAINTAINER me\n"
        );
        assert!(gone);
    }

    #[test]
    fn nothing_outside_an_instruction() {
        let source = "# a comment\nFROM alpine:3.20\n";
        assert_eq!(ignore_edit(&parse(source), 3, "x", false), None);
    }

    #[test]
    fn leaves_an_empty_reason_to_fill_in_when_reasons_are_required() {
        let source = "FROM alpine:3.20\nMAINTAINER me\n";
        let parsed = parse(source);
        let at = u32::try_from(source.find("MAINTAINER").expect("needle")).expect("small");
        let edit = ignore_edit(&parsed, at, "maintainer-instruction", true).expect("an edit");
        assert_eq!(
            crate::fix::apply_edits(source, &[edit]),
            "FROM alpine:3.20\n# dflint ignore=maintainer-instruction reason=\"\"\nMAINTAINER me\n"
        );
    }
}

//! The file-level scanner: byte-order mark, parser directives, comments, empty lines,
//! logical lines (continuations and the comment or empty lines inside them) and heredoc
//! bodies. Each logical line goes to the grammar; everything else becomes trivia tokens.

use memchr::memchr;
use nom::Parser;
use nom::bytes::complete::{take_while, take_while1};
use nom::character::complete::{char, satisfy};
use nom::combinator::recognize;

use super::error::{SyntaxError, SyntaxErrorCode};
use super::grammar::{self, is_space};
use super::kind::SyntaxKind::{
    self, BOM, COMMENT, DIRECTIVE, DIRECTIVE_KEY, DIRECTIVE_VALUE, EQUALS, ESCAPE_CHAR, HASH,
    HEREDOC, HEREDOC_BODY, HEREDOC_END, LINE_CONTINUATION, NEWLINE, SHEBANG, SKIPPED_LINE,
    WHITESPACE,
};
use super::line::LineMap;
use super::text::TextRange;
use super::tree::{SyntaxTree, TreeBuilder};

/// The longest line BuildKit's scanner reads (`bufio.MaxScanTokenSize`).
const MAX_LINE_LENGTH: usize = 65_535;

/// The result of parsing: the lossless tree and the syntax errors found.
#[derive(Clone, Debug)]
pub struct Parse {
    tree: SyntaxTree,
    errors: Vec<SyntaxError>,
    escape: char,
}

impl Parse {
    #[must_use]
    pub fn tree(&self) -> &SyntaxTree {
        &self.tree
    }

    /// Syntax errors, sorted by position.
    #[must_use]
    pub fn errors(&self) -> &[SyntaxError] {
        &self.errors
    }

    /// The escape character in force after the parser directives.
    #[must_use]
    pub fn escape(&self) -> char {
        self.escape
    }
}

/// Parses a Dockerfile. Never fails: problems are reported in [`Parse::errors`] and the
/// tree always prints back to `text` byte for byte.
#[must_use]
pub fn parse(text: &str) -> Parse {
    let mut p = FileParser {
        src: text,
        pos: 0,
        b: TreeBuilder::new(text.len() / 4 + 16),
        errors: Vec::new(),
        escape: '\\',
        instructions: 0,
        seen_from: false,
        reported_before_from: false,
        line_map: LineMap::default(),
    };
    p.bom();
    p.directives();
    p.body();
    if p.instructions == 0 {
        p.errors.push(SyntaxError::new(
            SyntaxErrorCode::NoInstructions,
            TextRange::empty(0),
            "file with no instructions",
        ));
    }
    let FileParser {
        b,
        mut errors,
        escape,
        ..
    } = p;
    errors.sort_by_key(|e| (e.range.start, e.range.end));
    Parse {
        tree: b.finish(text.to_string()),
        errors,
        escape,
    }
}

struct FileParser<'s> {
    src: &'s str,
    /// Start of the next physical line to read.
    pos: usize,
    b: TreeBuilder,
    errors: Vec<SyntaxError>,
    escape: char,
    instructions: usize,
    seen_from: bool,
    reported_before_from: bool,
    /// Scratch map for the logical line being read, kept to reuse its buffers.
    line_map: LineMap,
}

fn offset(n: usize) -> u32 {
    u32::try_from(n).expect("file shorter than 4 GiB")
}

/// Go's regexp `\s`, used by the directive pattern.
fn is_directive_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0c' | '\r')
}

impl<'s> FileParser<'s> {
    /// The physical line at `start`: the end of its content and the start of the next line.
    /// The newline (`\n` or `\r\n`, or a lone `\r` at the end of the file) is not content.
    fn line_at(&self, start: usize) -> (usize, usize) {
        let bytes = self.src.as_bytes();
        match memchr(b'\n', &bytes[start..]) {
            Some(k) => {
                let nl = start + k;
                let content_end = if nl > start && bytes[nl - 1] == b'\r' {
                    nl - 1
                } else {
                    nl
                };
                (content_end, nl + 1)
            }
            None => {
                let end = bytes.len();
                let content_end = if end > start && bytes[end - 1] == b'\r' {
                    end - 1
                } else {
                    end
                };
                (content_end, end)
            }
        }
    }

    fn leading_space(&self, start: usize, end: usize) -> usize {
        // ASCII fast path: the white space `char::is_whitespace` knows there is 9..=13 and 32.
        let bytes = self.src.as_bytes();
        let mut i = start;
        while i < end {
            let b = bytes[i];
            if b == b' ' || (b'\t'..=b'\r').contains(&b) {
                i += 1;
            } else if b.is_ascii() {
                return i;
            } else {
                return i + self.src[i..end]
                    .find(|c: char| !is_space(c))
                    .unwrap_or(end - i);
            }
        }
        end
    }

    fn check_length(&mut self, start: usize, content_end: usize) {
        if content_end - start > MAX_LINE_LENGTH {
            self.errors.push(SyntaxError::new(
                SyntaxErrorCode::LineTooLong,
                TextRange::new(offset(start + MAX_LINE_LENGTH), offset(content_end)),
                format!("dockerfile line greater than max allowed size of {MAX_LINE_LENGTH}"),
            ));
        }
    }

    fn bom(&mut self) {
        if self.src.starts_with('\u{feff}') {
            self.b.token(BOM, 3);
            self.pos = 3;
        }
    }

    /// Parser directives at the top of the file (`directives.go`). A `#!` first line is
    /// skipped; the first line that is not a known directive ends the block.
    ///
    /// BuildKit reads the directives twice. The instruction parser (`Parse`) sees a shebang
    /// as a plain comment that ends its directive block, so after a shebang it never applies
    /// `escape`. The directive detection for `syntax` and `check` (`ParseDirective`) skips the
    /// shebang and goes on, ignoring a duplicate by stopping there. After a shebang the
    /// directives are therefore kept as nodes, `escape` has no effect, and a duplicate ends
    /// the block without an error.
    fn directives(&mut self) {
        let mut seen: Vec<String> = Vec::new();
        let mut first = true;
        let mut after_shebang = false;
        while self.pos < self.src.len() {
            let (content_end, line_end) = self.line_at(self.pos);
            if first && self.src[self.pos..content_end].starts_with("#!") {
                self.b.token_to(SHEBANG, offset(content_end));
                self.b.token_to(NEWLINE, offset(line_end));
                self.pos = line_end;
                first = false;
                after_shebang = true;
                continue;
            }
            first = false;
            let start = self.leading_space(self.pos, content_end);
            let Some(d) = directive_parts(&self.src[start..content_end]) else {
                return;
            };
            let key = self.src[start + d.key.0..start + d.key.1].to_ascii_lowercase();
            if !matches!(key.as_str(), "syntax" | "escape" | "check") {
                return;
            }
            let at = |r: (usize, usize)| TextRange::new(offset(start + r.0), offset(start + r.1));
            if after_shebang && seen.contains(&key) {
                return;
            }
            if seen.contains(&key) {
                self.errors.push(
                    SyntaxError::new(
                        SyntaxErrorCode::DuplicateDirective,
                        at(d.key),
                        format!("only one {key} parser directive can be used"),
                    )
                    .with_help("remove one of the two directives"),
                );
            } else if key == "escape" && !after_shebang {
                match &self.src[start + d.value.0..start + d.value.1] {
                    "\\" => self.escape = '\\',
                    "`" => self.escape = '`',
                    other => {
                        let mut error = SyntaxError::new(
                            SyntaxErrorCode::InvalidEscapeDirective,
                            at(d.value),
                            format!("invalid escape token '{other}' does not match ` or \\"),
                        );
                        error.suggestion = Some(crate::syntax::Suggestion {
                            title: "Change to `\\`, the default".to_string(),
                            range: at(d.value),
                            replacement: "\\".to_string(),
                        });
                        self.errors.push(error);
                    }
                }
            }
            seen.push(key);
            self.b.token_to(WHITESPACE, offset(start));
            self.b.start_node(DIRECTIVE);
            self.b.token_to(HASH, offset(start + 1));
            self.b.token_to(WHITESPACE, offset(start + d.key.0));
            self.b.token_to(DIRECTIVE_KEY, offset(start + d.key.1));
            self.b.token_to(WHITESPACE, offset(start + d.equals));
            self.b.token_to(EQUALS, offset(start + d.equals + 1));
            self.b.token_to(WHITESPACE, offset(start + d.value.0));
            self.b.token_to(DIRECTIVE_VALUE, offset(start + d.value.1));
            self.b.token_to(WHITESPACE, offset(content_end));
            self.b.finish_node();
            self.b.token_to(NEWLINE, offset(line_end));
            self.pos = line_end;
        }
    }

    fn body(&mut self) {
        while self.pos < self.src.len() {
            let (content_end, line_end) = self.line_at(self.pos);
            self.check_length(self.pos, content_end);
            let first = self.leading_space(self.pos, content_end);
            if first == content_end || self.src.as_bytes()[first] == b'#' {
                self.b.token_to(WHITESPACE, offset(first));
                self.b.token_to(COMMENT, offset(content_end));
                self.b.token_to(NEWLINE, offset(line_end));
                self.pos = line_end;
            } else {
                self.logical_line(first, content_end, line_end);
            }
        }
    }

    /// Where the escape character that continues this line stands, if it does
    /// (`([^\\])\\[ \t]*$|^\\[ \t]*$`).
    fn continuation(&self, line: &str) -> Option<usize> {
        // The escape character is `\\` or `` ` ``, one ASCII byte: compare bytes.
        debug_assert!(self.escape.is_ascii());
        let escape = self.escape as u8;
        let bytes = line.as_bytes();
        let mut end = bytes.len();
        while end > 0 && matches!(bytes[end - 1], b' ' | b'\t') {
            end -= 1;
        }
        if end == 0 || bytes[end - 1] != escape {
            return None;
        }
        let k = end - 1;
        if k > 0 && bytes[k - 1] == escape {
            return None;
        }
        Some(k)
    }

    /// Reads the logical line whose content starts at `start` (leading space before it is
    /// emitted at file level), parses it, and reads any heredoc bodies it announces.
    /// `content_end` and `line_end` are [`Self::line_at`] of the first physical line.
    fn logical_line(&mut self, start: usize, content_end: usize, line_end: usize) {
        self.b.token_to(WHITESPACE, offset(start));
        // One map is reused for every line, to keep its buffers.
        let mut map = std::mem::take(&mut self.line_map);
        map.clear();
        map.set_origin(start);
        let mut final_newline = None;
        self.pos = line_end;
        match self.continuation(&self.src[start..content_end]) {
            None => {
                map.push_segment(start, content_end);
                final_newline = Some(line_end);
            }
            Some(k) => {
                map.push_segment(start, start + k);
                map.push_trivia(
                    LINE_CONTINUATION,
                    start + k,
                    &[(ESCAPE_CHAR, content_end), (NEWLINE, line_end)],
                );
                while self.pos < self.src.len() {
                    let line_start = self.pos;
                    let (content_end, line_end) = self.line_at(line_start);
                    self.check_length(line_start, content_end);
                    self.pos = line_end;
                    let first = self.leading_space(line_start, content_end);
                    if first == content_end || self.src.as_bytes()[first] == b'#' {
                        map.push_trivia(
                            SKIPPED_LINE,
                            line_start,
                            &[
                                (WHITESPACE, first),
                                (COMMENT, content_end),
                                (NEWLINE, line_end),
                            ],
                        );
                        continue;
                    }
                    if let Some(k) = self.continuation(&self.src[line_start..content_end]) {
                        map.push_segment(line_start, line_start + k);
                        map.push_trivia(
                            LINE_CONTINUATION,
                            line_start + k,
                            &[(ESCAPE_CHAR, content_end), (NEWLINE, line_end)],
                        );
                        continue;
                    }
                    map.push_segment(line_start, content_end);
                    final_newline = Some(line_end);
                    break;
                }
            }
        }
        let joined = map.joined(self.src);
        let shape = grammar::parse_line(joined, self.escape);
        // The keyword is measured on the joined line, as it may be split by a continuation.
        let keyword_len = joined.find(is_space).unwrap_or(joined.len());
        self.note_instruction(shape.kind, &map, keyword_len);
        self.b.start_node(shape.kind);
        map.emit(&mut self.b, &shape.events);
        for e in shape.errors {
            let mut error = SyntaxError::new(e.code, map.src_range(e.start, e.end), e.message);
            error.help = e.help;
            // Only where the text replaced is on one line, as written.
            error.suggestion = e.suggestion.and_then(|(start, end, replacement, title)| {
                let range = map.src_range(start, end);
                (range.len() == end - start).then_some(crate::syntax::Suggestion {
                    title,
                    range,
                    replacement,
                })
            });
            self.errors.push(error);
        }
        let mut newline = final_newline;
        for (i, heredoc) in shape.heredocs.iter().enumerate() {
            // The line break before a body belongs to the instruction.
            if let Some(end) = newline.take() {
                self.b.token_to(NEWLINE, offset(end));
            }
            if !self.heredoc_body(&heredoc.name, heredoc.chomp) {
                self.errors.push(
                    SyntaxError::new(
                        SyntaxErrorCode::UnterminatedHeredoc,
                        map.src_range(heredoc.start, heredoc.end),
                        "unterminated heredoc",
                    )
                    .with_help(format!(
                        "end the heredoc with a line that contains only `{}`",
                        heredoc.name
                    )),
                );
            }
            let (_, line_end) = self.line_at(self.b.pos() as usize);
            if i + 1 < shape.heredocs.len() {
                self.b.token_to(NEWLINE, offset(line_end));
            } else {
                newline = Some(line_end);
            }
            self.pos = line_end;
        }
        self.b.finish_node();
        if let Some(end) = newline {
            self.b.token_to(NEWLINE, offset(end));
            self.pos = self.pos.max(end);
        }
        self.line_map = map;
    }

    /// Reads a heredoc body from `self.pos` up to its terminator line. Returns false when
    /// the file ends first.
    fn heredoc_body(&mut self, name: &str, chomp: bool) -> bool {
        self.b.start_node(HEREDOC);
        let mut line_start = self.b.pos() as usize;
        while line_start < self.src.len() {
            let (content_end, line_end) = self.line_at(line_start);
            let mut candidate = &self.src[line_start..content_end];
            if chomp {
                candidate = candidate.trim_start_matches('\t');
            }
            if candidate == name {
                self.b.token_to(HEREDOC_BODY, offset(line_start));
                self.b.token_to(HEREDOC_END, offset(content_end));
                self.b.finish_node();
                return true;
            }
            line_start = line_end;
        }
        self.b.token_to(HEREDOC_BODY, offset(self.src.len()));
        self.b.finish_node();
        false
    }

    fn note_instruction(&mut self, kind: SyntaxKind, map: &LineMap, keyword_len: usize) {
        self.instructions += 1;
        match kind {
            SyntaxKind::FROM_INSTR => self.seen_from = true,
            SyntaxKind::ARG_INSTR | SyntaxKind::ERROR => {}
            _ if !self.seen_from && !self.reported_before_from => {
                self.reported_before_from = true;
                let range = map.src_range(0, offset(keyword_len));
                self.errors.push(
                    SyntaxError::new(
                        SyntaxErrorCode::InstructionBeforeFrom,
                        range,
                        format!("{} comes before the first FROM: no build stage in current context", kind.keyword().unwrap_or("this instruction")),
                    )
                    .with_help("only ARG may come before the first FROM; start a stage with `FROM <image>` first"),
                );
            }
            _ => {}
        }
    }
}

/// The parts of a directive line `#\s*key\s*=\s*value\s*`, as offsets into the line.
struct DirectiveParts {
    key: (usize, usize),
    equals: usize,
    value: (usize, usize),
}

fn directive_parts(line: &str) -> Option<DirectiveParts> {
    let at = |rest: &str| line.len() - rest.len();
    let (rest, _) = (
        char::<_, nom::error::Error<&str>>('#'),
        take_while(is_directive_space),
    )
        .parse(line)
        .ok()?;
    let key_start = at(rest);
    let (rest, key) = recognize::<_, nom::error::Error<&str>, _>((
        satisfy(|c| c.is_ascii_alphabetic()),
        take_while(|c: char| c.is_ascii_alphanumeric()),
    ))
    .parse(rest)
    .ok()?;
    let (rest, _) = take_while::<_, _, nom::error::Error<&str>>(is_directive_space)
        .parse(rest)
        .ok()?;
    let equals = at(rest);
    let (rest, _) = (
        char::<_, nom::error::Error<&str>>('='),
        take_while(is_directive_space),
    )
        .parse(rest)
        .ok()?;
    let value_start = at(rest);
    let (_, value) = take_while1::<_, _, nom::error::Error<&str>>(|_| true)
        .parse(rest.trim_end_matches(is_directive_space))
        .ok()?;
    Some(DirectiveParts {
        key: (key_start, key_start + key.len()),
        equals,
        value: (value_start, value_start + value.len()),
    })
}

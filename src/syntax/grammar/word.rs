//! Words and their parts: literal text, escapes, quotes and `$` variable references, read
//! as BuildKit's shell lexer (`shell/lex.go`) reads them when it expands a word.

use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::{take_while_m_n, take_while1};
use nom::character::complete::one_of;
use nom::combinator::recognize;

use super::LineParser;
use crate::syntax::SyntaxErrorCode;
use crate::syntax::kind::SyntaxKind::{
    DOLLAR, DOUBLE_QUOTED, ESCAPE, L_BRACE, QUOTE, R_BRACE, SINGLE_QUOTED, TEXT, VAR, VAR_ARGUMENT,
    VAR_NAME, VAR_OPERATOR, WORD,
};

/// The name after `$` or `${`: a run of digits, one special parameter, or a run of
/// letters, digits and `_` (`processName`).
pub(crate) fn var_name(i: &str) -> nom::IResult<&str, &str> {
    alt((
        take_while1(|c: char| c.is_ascii_digit()),
        recognize(one_of("@*#?-$!0")),
        take_while1(|c: char| c.is_alphanumeric() || c == '_'),
    ))
    .parse(i)
}

fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..).and_then(|r| r.chars().next())
}

impl LineParser<'_> {
    /// Emits a WORD node for `self.pos..end`, with its parts. Errors about quotes and
    /// substitutions are reported only when `report` is set (the builder expands this word).
    pub(crate) fn word(&mut self, end: usize, report: bool) {
        let saved = self.report_word_errors;
        self.report_word_errors = report;
        self.start(WORD);
        self.parts(end, &[]);
        self.finish();
        self.report_word_errors = saved;
    }

    /// Emits parts up to `end` or to the first unnested character of `stop`, which is left
    /// unconsumed. Returns the stop character found.
    fn parts(&mut self, end: usize, stop: &[char]) -> Option<char> {
        let mut i = self.pos;
        while i < end {
            let c = char_at(self.text, i).expect("index on a char boundary inside the line");
            if stop.contains(&c) {
                self.token(TEXT, i);
                return Some(c);
            }
            if c == self.escape {
                self.token(TEXT, i);
                let mut j = i + c.len_utf8();
                if j < end {
                    j += char_at(self.text, j).map_or(0, char::len_utf8);
                }
                self.token(ESCAPE, j.min(end));
                i = self.pos;
            } else if c == '\'' {
                self.token(TEXT, i);
                self.single_quoted(end);
                i = self.pos;
            } else if c == '"' {
                self.token(TEXT, i);
                self.double_quoted(end);
                i = self.pos;
            } else if c == '$' && self.is_var_start(i + 1, end) {
                self.token(TEXT, i);
                self.var(end);
                i = self.pos;
            } else {
                i += c.len_utf8();
            }
        }
        self.token(TEXT, end);
        None
    }

    fn is_var_start(&self, i: usize, end: usize) -> bool {
        let rest = &self.text[i.min(end)..end];
        rest.starts_with('{') || var_name(rest).is_ok()
    }

    fn single_quoted(&mut self, end: usize) {
        let start = self.pos;
        self.start(SINGLE_QUOTED);
        self.token(QUOTE, start + 1);
        match self.text[self.pos..end].find('\'') {
            Some(k) => {
                self.token(TEXT, self.pos + k);
                self.token(QUOTE, self.pos + 1);
            }
            None => {
                self.token(TEXT, end);
                self.word_error(
                    SyntaxErrorCode::UnterminatedQuote,
                    start,
                    end,
                    "unexpected end of statement while looking for matching single-quote",
                );
            }
        }
        self.finish();
    }

    fn double_quoted(&mut self, end: usize) {
        let start = self.pos;
        self.start(DOUBLE_QUOTED);
        self.token(QUOTE, start + 1);
        let mut i = self.pos;
        while i < end {
            let c = char_at(self.text, i).expect("char boundary");
            if c == '"' {
                self.token(TEXT, i);
                self.token(QUOTE, i + 1);
                self.finish();
                return;
            }
            if c == self.escape {
                let next = char_at(self.text, i + c.len_utf8()).filter(|_| i + c.len_utf8() < end);
                if let Some(n) = next.filter(|&n| n == '"' || n == '$' || n == self.escape) {
                    self.token(TEXT, i);
                    self.token(ESCAPE, i + c.len_utf8() + n.len_utf8());
                    i = self.pos;
                    continue;
                }
            } else if c == '$' && self.is_var_start(i + 1, end) {
                self.token(TEXT, i);
                self.var(end);
                i = self.pos;
                continue;
            }
            i += c.len_utf8();
        }
        self.token(TEXT, end);
        self.word_error(
            SyntaxErrorCode::UnterminatedQuote,
            start,
            end,
            "unexpected end of statement while looking for matching double-quote",
        );
        self.finish();
    }

    /// A variable reference at `$` (`processDollar`).
    fn var(&mut self, end: usize) {
        let start = self.pos;
        self.start(VAR);
        self.token(DOLLAR, start + 1);
        if !self.text[self.pos..end].starts_with('{') {
            let (_, name) =
                var_name(&self.text[self.pos..end]).expect("is_var_start checked the name");
            self.token(VAR_NAME, self.pos + name.len());
            self.finish();
            return;
        }
        self.token(L_BRACE, self.pos + 1);
        let rest = &self.text[self.pos..end];
        match rest.chars().next() {
            None => return self.var_error(start, end, "syntax error: missing '}'"),
            Some('{' | '}' | ':') => {
                return self.var_error(start, end, "syntax error: bad substitution");
            }
            Some(_) => {}
        }
        if let Ok((_, name)) = var_name(rest) {
            self.token(VAR_NAME, self.pos + name.len());
        }
        let rest = &self.text[self.pos..end];
        let mut chars = rest.chars();
        let op_len = match (chars.next(), chars.next()) {
            (None, _) => return self.var_error(start, end, "syntax error: missing '}'"),
            (Some('}'), _) => {
                self.token(R_BRACE, self.pos + 1);
                self.finish();
                return;
            }
            (Some(':'), Some('-' | '+' | '?')) => 2,
            (Some(':'), second) => {
                let modifier = format!(":{}", second.map(String::from).unwrap_or_default());
                return self.var_error(
                    start,
                    end,
                    &format!("unsupported modifier ({modifier}) in substitution"),
                );
            }
            (Some('-' | '+' | '?'), _) => 1,
            (Some(c @ ('#' | '%')), second) => 1 + usize::from(second == Some(c)),
            (Some('/'), second) => {
                self.token(
                    VAR_OPERATOR,
                    self.pos + 1 + usize::from(second == Some('/')),
                );
                self.var_argument(end, '/');
                if self.pos >= end {
                    return self.var_error(start, end, "syntax error: missing '/' in ${}");
                }
                self.token(VAR_OPERATOR, self.pos + 1);
                self.var_argument(end, '}');
                return self.close_var(start, end);
            }
            (Some(other), _) => {
                return self.var_error(
                    start,
                    end,
                    &format!("unsupported modifier ({other}) in substitution"),
                );
            }
        };
        self.token(VAR_OPERATOR, self.pos + op_len);
        self.var_argument(end, '}');
        self.close_var(start, end);
    }

    fn var_argument(&mut self, end: usize, stop: char) {
        self.start(VAR_ARGUMENT);
        self.parts(end, &[stop]);
        self.finish();
    }

    fn close_var(&mut self, start: usize, end: usize) {
        if self.text[self.pos..end].starts_with('}') {
            self.token(R_BRACE, self.pos + 1);
            self.finish();
        } else {
            self.var_error(start, end, "syntax error: missing '}'");
        }
    }

    /// Reports a substitution error and recovers by taking the text up to the next `}`.
    fn var_error(&mut self, start: usize, end: usize, message: &str) {
        let close = self.text[self.pos..end].find('}').map(|k| self.pos + k);
        let error_end = close.map_or(end, |c| c + 1);
        self.word_error(SyntaxErrorCode::BadSubstitution, start, error_end, message);
        if let Some(c) = close {
            self.token(TEXT, c);
            self.token(R_BRACE, c + 1);
        } else {
            self.token(TEXT, end);
        }
        self.finish();
    }

    fn word_error(&mut self, code: SyntaxErrorCode, start: usize, end: usize, message: &str) {
        if self.report_word_errors {
            self.error(code, start, end, message.to_string());
        }
    }
}

/// Whether `word` is a heredoc marker (`^(\d*)<<(-?)\s*([^<]*)$` with a non-empty name), and if
/// so the length of its operator, whether it chomps tabs, and the delimiter name with
/// quotes removed. Blanks between the operator and the name are not part of either.
pub(crate) fn heredoc_marker(word: &str, escape: char) -> Option<(usize, bool, String)> {
    let (rest, fd) = take_while_m_n::<_, _, nom::error::Error<&str>>(0, usize::MAX, |c: char| {
        c.is_ascii_digit()
    })
    .parse(word)
    .ok()?;
    let rest = rest.strip_prefix("<<")?;
    let (chomp, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    // Go's `\s`: the blanks the lexer keeps after `<<`.
    let rest = rest.trim_start_matches([' ', '\t', '\n', '\x0c', '\r']);
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    let op_len = fd.len() + 2 + usize::from(chomp);
    Some((op_len, chomp, unquote(rest, escape)))
}

/// Removes quotes and escapes from a word as the shell lexer does, without expanding variables.
#[must_use]
pub fn unquote(word: &str, escape: char) -> String {
    let mut out = String::with_capacity(word.len());
    let mut quote: Option<char> = None;
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some('\'') if c == '\'' => quote = None,
            Some('\'') => out.push(c),
            Some(_) if c == '"' => quote = None,
            Some(_)
                if c == escape
                    && matches!(chars.peek(), Some(&n) if n == '"' || n == '$' || n == escape) =>
            {
                out.extend(chars.next());
            }
            Some(_) => out.push(c),
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == escape => out.extend(chars.next()),
            None => out.push(c),
        }
    }
    out
}

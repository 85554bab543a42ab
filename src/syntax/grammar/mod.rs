//! The grammar inside one logical line: keyword, flags, and each instruction's arguments.
//!
//! It reads the *joined* line (continuations and skipped lines removed, as BuildKit reads
//! it) and produces events in joined coordinates; [`crate::syntax::line`] maps them back onto
//! the source and weaves the removed trivia in, which keeps the tree lossless.

pub(crate) mod flags;
pub(crate) mod json;
pub(crate) mod word;

use super::SyntaxErrorCode;
use super::kind::SyntaxKind::{
    self, COMMA, EQUALS, ERROR, FLAG, FLAG_NAME, HEALTHCHECK_TYPE, HEREDOC_DELIMITER,
    HEREDOC_MARKER, HEREDOC_OPERATOR, JSON_ARRAY, JSON_STRING, JSON_VALUE, KEY_VALUE, KEYWORD,
    L_BRACKET, MOUNT_OPTIONS, R_BRACKET, SHELL_FORM, SHELL_TEXT, STAGE_NAME, TEXT, WHITESPACE,
    WORD,
};
use flags::FlagType;

/// One step of the shape of a line, in joined coordinates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    Start(SyntaxKind),
    /// A token ending at this joined offset (it starts where the previous one ended).
    Token(SyntaxKind, u32),
    Finish,
}

/// An error in joined coordinates.
#[derive(Clone, Debug)]
pub(crate) struct LineError {
    pub code: SyntaxErrorCode,
    pub start: u32,
    pub end: u32,
    pub message: String,
    pub help: Option<String>,
    /// A likely repair: the range to replace (joined coordinates), its replacement and
    /// what it does.
    pub suggestion: Option<(u32, u32, String, String)>,
}

/// A heredoc announced on the line, whose body follows the line.
#[derive(Clone, Debug)]
pub(crate) struct HeredocSpec {
    /// The delimiter, quotes removed.
    pub name: String,
    /// `<<-`: leading tabs are stripped from the body and the terminator.
    pub chomp: bool,
    /// The marker's range in joined coordinates.
    pub start: u32,
    pub end: u32,
}

/// What the grammar read from one logical line.
pub(crate) struct LineShape {
    pub kind: SyntaxKind,
    pub events: Vec<Event>,
    pub errors: Vec<LineError>,
    pub heredocs: Vec<HeredocSpec>,
}

/// White space as Go's `unicode.IsSpace` sees it (the joined line holds no newlines).
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace()
}

pub(crate) struct LineParser<'a> {
    text: &'a str,
    /// End of the last emitted token.
    pos: usize,
    escape: char,
    events: Vec<Event>,
    errors: Vec<LineError>,
    heredocs: Vec<HeredocSpec>,
    report_word_errors: bool,
}

/// Parses one joined logical line that starts with an instruction keyword.
pub(crate) fn parse_line(text: &str, escape: char) -> LineShape {
    let mut p = LineParser {
        text,
        pos: 0,
        escape,
        events: Vec::with_capacity(16),
        errors: Vec::new(),
        heredocs: Vec::new(),
        report_word_errors: false,
    };
    // BuildKit trims the joined line, which starts with blanks when its first physical line
    // held only an escape character.
    p.whitespace(text.len());
    let kind = p.instruction(text.len(), false);
    p.token(WHITESPACE, text.len());
    LineShape {
        kind,
        events: p.events,
        errors: p.errors,
        heredocs: p.heredocs,
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).expect("a line is shorter than 4 GiB")
}

impl<'a> LineParser<'a> {
    fn start(&mut self, kind: SyntaxKind) {
        self.events.push(Event::Start(kind));
    }

    fn finish(&mut self) {
        self.events.push(Event::Finish);
    }

    /// Emits a token from the current position to `end` (nothing when empty).
    fn token(&mut self, kind: SyntaxKind, end: usize) {
        if end > self.pos {
            self.events.push(Event::Token(kind, to_u32(end)));
            self.pos = end;
        }
    }

    fn error(&mut self, code: SyntaxErrorCode, start: usize, end: usize, message: String) {
        self.errors.push(LineError {
            code,
            start: to_u32(start),
            end: to_u32(end),
            message,
            help: None,
            suggestion: None,
        });
    }

    fn error_with_help(
        &mut self,
        code: SyntaxErrorCode,
        start: usize,
        end: usize,
        message: String,
        help: String,
    ) {
        self.errors.push(LineError {
            code,
            start: to_u32(start),
            end: to_u32(end),
            message,
            help: Some(help),
            suggestion: None,
        });
    }

    /// Gives the error reported last a likely repair: `replacement` for `start..end`.
    fn suggest(&mut self, start: usize, end: usize, replacement: &str, title: String) {
        if let Some(error) = self.errors.last_mut() {
            error.suggestion = Some((to_u32(start), to_u32(end), replacement.to_string(), title));
        }
    }

    /// Emits white space at the current position, up to `end`.
    fn whitespace(&mut self, end: usize) {
        let len = self.text[self.pos..end]
            .find(|c: char| !is_space(c))
            .unwrap_or(end - self.pos);
        self.token(WHITESPACE, self.pos + len);
    }

    /// The end of the text once trailing white space is removed.
    fn trimmed_end(&self, end: usize) -> usize {
        self.pos + self.text[self.pos..end].trim_end_matches(is_space).len()
    }

    /// Where the whitespace-delimited word at `i` ends.
    fn plain_word_end(&self, i: usize, end: usize) -> usize {
        self.text[i..end].find(is_space).map_or(end, |k| i + k)
    }

    /// Where the quote-aware word at `i` ends (`parseWords`): white space ends a word
    /// outside quotes, and the escape character protects the next character.
    fn shell_word_end(&self, i: usize, end: usize) -> usize {
        self.word_end(i, end, false)
    }

    /// Where the word at `i` ends as BuildKit's lexer splits a line when it looks for heredocs
    /// (`heredocsFromLine`): the split of [`Self::shell_word_end`], except that the blanks
    /// right after an unquoted `<<` stay in the word (`processPossibleHeredoc`), so `<<  EOF`
    /// is one word, and a marker.
    fn heredoc_lexer_word_end(&self, i: usize, end: usize) -> usize {
        self.word_end(i, end, true)
    }

    fn word_end(&self, i: usize, end: usize, heredoc_blanks: bool) -> usize {
        let mut quote: Option<char> = None;
        let mut chars = self.text[i..end].char_indices().peekable();
        while let Some((k, c)) = chars.next() {
            match quote {
                None if heredoc_blanks
                    && c == '<'
                    && chars.peek().is_some_and(|&(_, n)| n == '<') =>
                {
                    chars.next();
                    while chars
                        .next_if(|&(_, n)| matches!(n, ' ' | '\t' | '\r' | '\n'))
                        .is_some()
                    {}
                }
                None if is_space(c) => return i + k,
                None if c == '\'' || c == '"' => quote = Some(c),
                Some(q) if c == q => quote = None,
                Some('\'') => {}
                _ if c == self.escape => {
                    chars.next();
                }
                _ => {}
            }
        }
        end
    }

    /// Parses an instruction from the current position to `end`, emitting its node's
    /// children; nested instructions (under ONBUILD) are wrapped in their own node.
    fn instruction(&mut self, end: usize, nested: bool) -> SyntaxKind {
        let start = self.pos;
        let keyword_end = self.plain_word_end(start, end);
        let keyword = &self.text[start..keyword_end];
        let Some(kind) = SyntaxKind::from_keyword(keyword) else {
            if nested {
                self.start(ERROR);
            }
            self.token(KEYWORD, keyword_end);
            let message = if keyword.is_empty() {
                "unknown instruction: the continued line has no instruction".to_string()
            } else {
                format!("unknown instruction: {keyword}")
            };
            match suggest(keyword, super::kind::INSTRUCTIONS.iter().map(|(n, _)| *n)) {
                Some(s) => {
                    self.error_with_help(
                        SyntaxErrorCode::UnknownInstruction,
                        start,
                        keyword_end,
                        format!("{message} (did you mean {s}?)"),
                        format!("did you mean `{s}`?"),
                    );
                    self.suggest(start, keyword_end, s, format!("Change to `{s}`"));
                }
                None => self.error(
                    SyntaxErrorCode::UnknownInstruction,
                    start,
                    keyword_end,
                    message,
                ),
            }
            self.whitespace(end);
            let trimmed = self.trimmed_end(end);
            self.token(TEXT, trimmed);
            if nested {
                self.token(WHITESPACE, end);
                self.finish();
            }
            return ERROR;
        };
        if nested {
            self.start(kind);
        }
        self.token(KEYWORD, keyword_end);
        let keyword_range = (start, keyword_end);
        self.flags(kind, end);
        self.whitespace(end);
        let args_end = self.trimmed_end(end);
        self.arguments(kind, keyword_range, args_end);
        if nested {
            self.token(WHITESPACE, end);
            self.finish();
        }
        kind
    }

    /// The `--name[=value]` words right after the keyword (`extractBuilderFlags`).
    fn flags(&mut self, kind: SyntaxKind, end: usize) {
        let allowed = flags::allowed_flags(kind);
        let mut seen: Vec<&str> = Vec::new();
        loop {
            let save = self.pos;
            let word_start = self.pos
                + self.text[self.pos..end]
                    .find(|c: char| !is_space(c))
                    .unwrap_or(end - self.pos);
            if !self.text[word_start..end].starts_with("--") {
                return;
            }
            self.whitespace(end);
            debug_assert!(self.pos == word_start || save == self.pos);
            let word_end = self.shell_word_end(word_start, end);
            let word = &self.text[word_start..word_end];
            if word == "--" {
                // A bare `--` ends the flags and is dropped by the builder.
                self.token(TEXT, word_end);
                return;
            }
            let (_, name_with_dashes) = flags::flag_name(word).expect("word starts with --");
            let name = &name_with_dashes[2..];
            let name_end = word_start + name_with_dashes.len();
            let has_equals = word_end > name_end;
            let value = if has_equals {
                &self.text[name_end + 1..word_end]
            } else {
                ""
            };
            self.start(FLAG);
            self.token(FLAG_NAME, name_end);
            if has_equals {
                self.token(EQUALS, name_end + 1);
                if kind == SyntaxKind::RUN_INSTR && name == "mount" {
                    self.mount_options(word_end);
                } else if !value.is_empty() {
                    self.word(word_end, true);
                }
            }
            self.finish();
            let Some(allowed) = allowed else { continue };
            let Some(&(_, flag_type)) = allowed.iter().find(|(n, _)| *n == name) else {
                let message = format!("unknown flag: {name}");
                match suggest(name, allowed.iter().map(|(n, _)| *n)) {
                    Some(s) => {
                        self.error_with_help(
                            SyntaxErrorCode::UnknownFlag,
                            word_start,
                            name_end,
                            format!("{message} (did you mean {s}?)"),
                            format!("did you mean `--{s}`?"),
                        );
                        self.suggest(word_start + 2, name_end, s, format!("Change to `--{s}`"));
                    }
                    None => self.error(SyntaxErrorCode::UnknownFlag, word_start, name_end, message),
                }
                continue;
            };
            if flag_type != FlagType::Strings && seen.contains(&name) {
                self.error(
                    SyntaxErrorCode::DuplicateFlag,
                    word_start,
                    name_end,
                    format!("duplicate flag specified: {name}"),
                );
            }
            seen.push(name);
            let missing = match flag_type {
                FlagType::Bool => has_equals && value.is_empty(),
                FlagType::String | FlagType::Strings => !has_equals,
            };
            if missing {
                self.error(
                    SyntaxErrorCode::FlagMissingValue,
                    word_start,
                    word_end,
                    format!("missing a value on flag: {name}"),
                );
            } else if flag_type == FlagType::Bool && has_equals && !flags::is_bool_value(value) {
                self.error(
                    SyntaxErrorCode::InvalidFlagValue,
                    name_end + 1,
                    word_end,
                    format!("expecting boolean value for flag {name}, not: {value}"),
                );
            } else if let Some(message) =
                flags::check_value(kind, name, &word::unquote(value, self.escape))
            {
                self.error(
                    SyntaxErrorCode::InvalidFlagValue,
                    name_end + 1,
                    word_end,
                    message,
                );
            }
        }
    }

    /// The comma-separated `key=value` list of `--mount`.
    fn mount_options(&mut self, end: usize) {
        self.start(MOUNT_OPTIONS);
        while self.pos < end {
            let field_start = self.pos;
            let field_end = self.text[field_start..end]
                .find(',')
                .map_or(end, |k| field_start + k);
            let field = &self.text[field_start..field_end];
            if !field.is_empty() {
                self.start(KEY_VALUE);
                let (key, value) = match field.split_once('=') {
                    Some((k, v)) => (k, Some(v)),
                    None => (field, None),
                };
                self.word(field_start + key.len(), false);
                if value.is_some() {
                    self.token(EQUALS, field_start + key.len() + 1);
                    if field_end > self.pos {
                        self.word(field_end, !key.eq_ignore_ascii_case("from"));
                    }
                }
                self.finish();
                let unquoted_value = value.map(|v| word::unquote(v, self.escape));
                if let Some(problem) = flags::check_mount_field(
                    &word::unquote(key, self.escape),
                    unquoted_value.as_deref(),
                ) {
                    // The range is the part at fault: the key, the value, or the whole field.
                    let key_end = field_start + key.len();
                    let (start, end) = match problem.part {
                        flags::MountPart::Key => (field_start, key_end),
                        flags::MountPart::Value => (key_end + 1, field_end),
                        flags::MountPart::Field => (field_start, field_end),
                    };
                    match problem.suggestion {
                        Some(s) => {
                            self.error_with_help(
                                SyntaxErrorCode::InvalidFlagValue,
                                start,
                                end,
                                format!("{} (did you mean {s}?)", problem.message),
                                format!("did you mean `{s}`?"),
                            );
                            if problem.part != flags::MountPart::Field {
                                self.suggest(start, end, s, format!("Change to `{s}`"));
                            }
                        }
                        None => self.error(
                            SyntaxErrorCode::InvalidFlagValue,
                            start,
                            end,
                            problem.message,
                        ),
                    }
                }
            }
            if field_end < end {
                self.token(COMMA, field_end + 1);
            }
        }
        self.finish();
    }

    fn missing_arguments(&mut self, keyword: (usize, usize), message: String) {
        self.error(
            SyntaxErrorCode::MissingArguments,
            keyword.0,
            keyword.1,
            message,
        );
    }

    fn arguments(&mut self, kind: SyntaxKind, keyword: (usize, usize), end: usize) {
        let name = &self.text[keyword.0..keyword.1].to_ascii_uppercase();
        let empty = self.pos >= end;
        match kind {
            SyntaxKind::FROM_INSTR => self.stage_arguments(keyword, end),
            SyntaxKind::RUN_INSTR | SyntaxKind::CMD_INSTR | SyntaxKind::ENTRYPOINT_INSTR => {
                self.command(end, kind == SyntaxKind::RUN_INSTR);
            }
            SyntaxKind::SHELL_INSTR => {
                // The arguments start here; `command` moves past them, and the error covers them all.
                let args_start = self.pos;
                if empty {
                    self.missing_arguments(keyword, "SHELL requires at least one argument".into());
                } else if !self.command(end, false) {
                    self.error(
                        SyntaxErrorCode::ShellNotJson,
                        args_start,
                        end,
                        "SHELL requires the arguments to be in JSON form".into(),
                    );
                } else if self
                    .events
                    .iter()
                    .rev()
                    .take_while(|e| **e != Event::Start(JSON_ARRAY))
                    .all(|e| !matches!(e, Event::Token(JSON_STRING | JSON_VALUE, _)))
                {
                    self.missing_arguments(keyword, "SHELL requires at least one argument".into());
                }
            }
            SyntaxKind::ADD_INSTR | SyntaxKind::COPY_INSTR => {
                self.copy_arguments(name, keyword, end)
            }
            SyntaxKind::VOLUME_INSTR => {
                if empty {
                    self.missing_arguments(keyword, "VOLUME requires at least one argument".into());
                } else {
                    let start = self.pos;
                    if self.json_list(end) {
                        self.check_empty_volumes(start, end);
                    } else {
                        self.plain_words(end, false);
                    }
                }
            }
            SyntaxKind::EXPOSE_INSTR => {
                if empty {
                    self.missing_arguments(keyword, "EXPOSE requires at least one argument".into());
                }
                self.plain_words(end, false);
            }
            SyntaxKind::ENV_INSTR | SyntaxKind::LABEL_INSTR => self.name_values(name, keyword, end),
            SyntaxKind::ARG_INSTR => self.arg_arguments(keyword, end),
            SyntaxKind::USER_INSTR
            | SyntaxKind::WORKDIR_INSTR
            | SyntaxKind::STOPSIGNAL_INSTR
            | SyntaxKind::MAINTAINER_INSTR => {
                if empty {
                    self.missing_arguments(
                        keyword,
                        format!("{name} requires exactly one argument"),
                    );
                } else {
                    self.word(end, kind != SyntaxKind::MAINTAINER_INSTR);
                }
            }
            SyntaxKind::HEALTHCHECK_INSTR => self.healthcheck_arguments(keyword, end),
            SyntaxKind::ONBUILD_INSTR => self.onbuild_arguments(keyword, end),
            _ => self.token(TEXT, end),
        }
    }

    fn stage_arguments(&mut self, keyword: (usize, usize), end: usize) {
        let mut words = Vec::new();
        let mut i = self.pos;
        while i < end {
            let w_end = self.plain_word_end(i, end);
            words.push((i, w_end));
            i = w_end
                + self.text[w_end..end]
                    .find(|c: char| !is_space(c))
                    .unwrap_or(end - w_end);
        }
        let Some(&(image_start, image_end)) = words.first() else {
            self.missing_arguments(
                keyword,
                "FROM requires either one or three arguments".into(),
            );
            return;
        };
        self.word(image_end, true);
        let is_as = |&(s, e): &(usize, usize)| self.text[s..e].eq_ignore_ascii_case("as");
        if words.len() == 3 && is_as(&words[1]) {
            let (name_start, name_end) = words[2];
            self.whitespace(end);
            self.start(STAGE_NAME);
            self.token(KEYWORD, words[1].1);
            self.whitespace(end);
            self.word(name_end, false);
            self.finish();
            let name = self.text[name_start..name_end].to_ascii_lowercase();
            if !is_valid_stage_name(&name) {
                self.error(
                    SyntaxErrorCode::InvalidStageName,
                    name_start,
                    name_end,
                    format!(
                        "invalid name for build stage: {:?}, name can't start with a number or contain symbols",
                        &self.text[name_start..name_end]
                    ),
                );
            }
            return;
        }
        if words.len() > 1 {
            let (extra_start, extra_end) = (words[1].0, words[words.len() - 1].1);
            let message = if words.len() == 3 {
                format!(
                    "FROM requires either one or three arguments: expected `AS` before the stage name, found `{}`",
                    &self.text[words[1].0..words[1].1]
                )
            } else {
                "FROM requires either one or three arguments".to_string()
            };
            self.error_with_help(
                SyntaxErrorCode::InvalidFromArguments,
                extra_start,
                extra_end,
                message,
                format!(
                    "write `FROM {} AS <name>` to name the stage",
                    &self.text[image_start..image_end]
                ),
            );
            if words.len() == 3 {
                self.suggest(words[1].0, words[1].1, "AS", "Change to `AS`".to_string());
            }
            for &(_, w_end) in &words[1..] {
                self.whitespace(end);
                self.word(w_end, false);
            }
        }
    }

    /// RUN, CMD, ENTRYPOINT, SHELL and HEALTHCHECK CMD: exec form when the arguments are
    /// a JSON array, otherwise shell form. Returns whether it was exec form.
    fn command(&mut self, end: usize, heredocs: bool) -> bool {
        if self.pos >= end {
            return false;
        }
        if self.text[self.pos..end].starts_with('[') && self.json_array(end) {
            return true;
        }
        self.start(SHELL_FORM);
        if heredocs && self.text[self.pos..end].contains("<<") {
            for (start, w_end) in self.heredoc_words(self.pos, end) {
                self.heredoc_word(start, w_end);
            }
        }
        self.token(SHELL_TEXT, end);
        self.finish();
        false
    }

    /// The heredoc markers among the words of `start..end`, as `(start, end)` ranges.
    /// Quotes keep a `<<` inside a word, so `"a <<EOF"` holds no marker.
    fn heredoc_words(&self, start: usize, end: usize) -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        let mut i = start;
        while i < end {
            let w_end = self.heredoc_lexer_word_end(i, end);
            if word::heredoc_marker(&self.text[i..w_end], self.escape).is_some() {
                found.push((i, w_end));
            }
            i = w_end
                + self.text[w_end..end]
                    .find(|c: char| !is_space(c))
                    .unwrap_or(end - w_end);
        }
        found
    }

    /// Emits a HEREDOC_MARKER node when the word at `start..end` is a heredoc marker.
    /// Shell text before it is emitted first. Returns whether it was one.
    fn heredoc_word(&mut self, start: usize, end: usize) -> bool {
        let Some((op_len, chomp, name)) = word::heredoc_marker(&self.text[start..end], self.escape)
        else {
            return false;
        };
        self.token(SHELL_TEXT, start);
        self.start(HEREDOC_MARKER);
        self.token(HEREDOC_OPERATOR, start + op_len);
        self.whitespace(end);
        self.token(HEREDOC_DELIMITER, end);
        self.finish();
        self.heredocs.push(HeredocSpec {
            name,
            chomp,
            start: to_u32(start),
            end: to_u32(end),
        });
        true
    }

    /// A JSON array of strings, for ADD, COPY and VOLUME. Returns false (emitting nothing)
    /// when the text is not a JSON array.
    fn json_list(&mut self, end: usize) -> bool {
        self.text[self.pos..end].starts_with('[') && self.json_array(end)
    }

    /// Emits a JSON_ARRAY if `self.pos..end` is one; reports non-string elements.
    fn json_array(&mut self, end: usize) -> bool {
        let base = self.pos;
        let Some(array) = json::parse_array(&self.text[base..end]) else {
            return false;
        };
        self.start(JSON_ARRAY);
        self.token(L_BRACKET, base + 1);
        let mut commas = array.commas.iter().peekable();
        for element in &array.elements {
            self.whitespace(base + element.start);
            let kind = if element.is_string {
                JSON_STRING
            } else {
                JSON_VALUE
            };
            self.token(kind, base + element.end);
            if !element.is_string {
                self.error(
                    SyntaxErrorCode::NonStringJsonArray,
                    base + element.start,
                    base + element.end,
                    "when using JSON array syntax, arrays must be comprised of strings only".into(),
                );
            }
            self.whitespace(end);
            if let Some(&&c) = commas.peek()
                && base + c == self.pos
            {
                self.token(COMMA, base + c + 1);
                commas.next();
            }
        }
        self.whitespace(end);
        self.token(R_BRACKET, base + array.close + 1);
        self.finish();
        true
    }

    /// `VOLUME [""]`: BuildKit refuses a path that is empty once trimmed.
    fn check_empty_volumes(&mut self, start: usize, end: usize) {
        let Some(array) = json::parse_array(&self.text[start..end]) else {
            return;
        };
        for element in array.elements.iter().filter(|e| e.is_string) {
            let (s, e) = (start + element.start, start + element.end);
            if json::decode_string(&self.text[s..e]).is_some_and(|v| v.trim().is_empty()) {
                self.error(
                    SyntaxErrorCode::EmptyVolume,
                    s,
                    e,
                    "VOLUME specified can not be an empty string".into(),
                );
            }
        }
    }

    /// Whitespace-delimited words (`parseStringsWhitespaceDelimited`), each a WORD node.
    /// With `heredocs`, the markers are found as for RUN, by the lexer's word split, so one
    /// marker may cover several whitespace-delimited words (`<<  EOF`, `<<'a b'`).
    fn plain_words(&mut self, end: usize, heredocs: bool) -> usize {
        let markers = if heredocs && self.text[self.pos..end].contains("<<") {
            self.heredoc_words(self.pos, end)
        } else {
            Vec::new()
        };
        let mut markers = markers.into_iter().peekable();
        let mut count = 0;
        while self.pos < end {
            if let Some((start, marker_end)) = markers.next_if(|&(s, _)| s == self.pos) {
                self.heredoc_word(start, marker_end);
            } else {
                let w_end = self.plain_word_end(self.pos, end);
                self.word(w_end, true);
            }
            count += 1;
            self.whitespace(end);
        }
        count
    }

    fn copy_arguments(&mut self, name: &str, keyword: (usize, usize), end: usize) {
        let heredocs_before = self.heredocs.len();
        let count = if self.json_list(end) {
            let start = self
                .events
                .iter()
                .rposition(|e| *e == Event::Start(JSON_ARRAY))
                .unwrap_or(0);
            self.events[start..]
                .iter()
                .filter(|e| matches!(e, Event::Token(JSON_STRING | JSON_VALUE, _)))
                .count()
        } else {
            self.plain_words(end, true)
        };
        if count < 2 {
            self.missing_arguments(
                keyword,
                format!("{name} requires at least two arguments, but only one was provided. Destination could not be determined"),
            );
        } else if self.heredocs.len() > heredocs_before
            && self
                .events
                .iter()
                .rev()
                .find(|e| matches!(e, Event::Start(WORD | HEREDOC_MARKER)))
                == Some(&Event::Start(HEREDOC_MARKER))
        {
            let last = self.heredocs.last().expect("a heredoc was pushed");
            let (s, e) = (last.start as usize, last.end as usize);
            self.error(
                SyntaxErrorCode::HeredocDestination,
                s,
                e,
                format!("{name} cannot accept a heredoc as a destination"),
            );
        }
    }

    /// ENV and LABEL (`parseNameVal`): `key=value` pairs, or the legacy `key value` form.
    fn name_values(&mut self, name: &str, keyword: (usize, usize), end: usize) {
        if self.pos >= end {
            self.missing_arguments(keyword, format!("{name} requires at least one argument"));
            return;
        }
        let first_end = self.shell_word_end(self.pos, end);
        if !self.text[self.pos..first_end].contains('=') {
            // Legacy form: the key is the first whitespace-delimited word, the value is the rest.
            let key_end = self.plain_word_end(self.pos, end);
            let key_start = self.pos;
            self.start(KEY_VALUE);
            self.word(key_end, false);
            self.whitespace(end);
            let has_value = self.pos < end;
            if has_value {
                self.word(end, true);
            }
            self.finish();
            if !has_value {
                self.error(
                    SyntaxErrorCode::MissingArguments,
                    key_start,
                    key_end,
                    format!("{name} must have two arguments"),
                );
            }
            return;
        }
        while self.pos < end {
            let w_start = self.pos;
            let w_end = self.shell_word_end(w_start, end);
            let word = &self.text[w_start..w_end];
            if let Some(eq) = word.find('=') {
                self.key_value(w_start + eq, w_end);
                if eq == 0 {
                    self.error(
                        SyntaxErrorCode::BlankName,
                        w_start,
                        w_end,
                        format!("{name} names can not be blank"),
                    );
                }
            } else {
                self.start(ERROR);
                self.word(w_end, false);
                self.finish();
                self.error_with_help(
                    SyntaxErrorCode::MissingEquals,
                    w_start,
                    w_end,
                    format!(
                        "Syntax error - can't find = in {word:?}. Must be of the form: name=value"
                    ),
                    format!("write `{word}=<value>`"),
                );
            }
            self.whitespace(end);
        }
    }

    /// A KEY_VALUE node for `self.pos..word_end` with its `=` at `eq`.
    fn key_value(&mut self, eq: usize, word_end: usize) {
        self.start(KEY_VALUE);
        self.word(eq, false);
        self.token(EQUALS, eq + 1);
        if word_end > self.pos {
            self.word(word_end, true);
        }
        self.finish();
    }

    fn arg_arguments(&mut self, keyword: (usize, usize), end: usize) {
        if self.pos >= end {
            self.missing_arguments(keyword, "ARG requires at least one argument".into());
            return;
        }
        while self.pos < end {
            let w_start = self.pos;
            let w_end = self.shell_word_end(w_start, end);
            match self.text[w_start..w_end].find('=') {
                Some(eq) => {
                    self.key_value(w_start + eq, w_end);
                    if eq == 0 {
                        self.error(
                            SyntaxErrorCode::BlankName,
                            w_start,
                            w_end,
                            "ARG names can not be blank".into(),
                        );
                    }
                }
                None => {
                    self.start(KEY_VALUE);
                    self.word(w_end, false);
                    self.finish();
                }
            }
            self.whitespace(end);
        }
    }

    fn healthcheck_arguments(&mut self, keyword: (usize, usize), end: usize) {
        if self.pos >= end {
            self.missing_arguments(keyword, "HEALTHCHECK requires at least one argument".into());
            return;
        }
        let type_start = self.pos;
        let type_end = self.plain_word_end(type_start, end);
        let typ = self.text[type_start..type_end].to_ascii_uppercase();
        self.start(HEALTHCHECK_TYPE);
        self.token(KEYWORD, type_end);
        self.whitespace(end);
        let rest_start = self.pos;
        match typ.as_str() {
            "NONE" => {
                if rest_start < end {
                    self.token(TEXT, end);
                    self.error(
                        SyntaxErrorCode::TooManyArguments,
                        rest_start,
                        end,
                        "HEALTHCHECK NONE takes no arguments".into(),
                    );
                    self.suggest(type_end, end, "", "Remove the arguments".to_string());
                }
            }
            "CMD" => {
                if rest_start >= end {
                    self.error(
                        SyntaxErrorCode::InvalidHealthcheck,
                        type_start,
                        type_end,
                        "Missing command after HEALTHCHECK CMD".into(),
                    );
                } else {
                    self.command(end, false);
                }
            }
            _ => {
                self.token(TEXT, end);
                let found = &self.text[type_start..type_end];
                self.error_with_help(
                    SyntaxErrorCode::InvalidHealthcheck,
                    type_start,
                    type_end,
                    format!("Unknown type {found:?} in HEALTHCHECK (try CMD)"),
                    "use `HEALTHCHECK CMD <command>` or `HEALTHCHECK NONE`".into(),
                );
            }
        }
        self.finish();
    }

    fn onbuild_arguments(&mut self, keyword: (usize, usize), end: usize) {
        if self.pos >= end {
            self.missing_arguments(keyword, "ONBUILD requires at least one argument".into());
            return;
        }
        let inner_start = self.pos;
        let inner_keyword_end = self.plain_word_end(inner_start, end);
        let trigger = self.text[inner_start..inner_keyword_end].to_ascii_uppercase();
        self.instruction(end, true);
        match trigger.as_str() {
            "ONBUILD" => self.error(
                SyntaxErrorCode::InvalidOnbuildTrigger,
                inner_start,
                inner_keyword_end,
                "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".into(),
            ),
            "FROM" | "MAINTAINER" => self.error(
                SyntaxErrorCode::InvalidOnbuildTrigger,
                inner_start,
                inner_keyword_end,
                format!("{trigger} isn't allowed as an ONBUILD trigger"),
            ),
            _ => {}
        }
    }
}

/// `^[a-z][a-z0-9-_.]*$`.
fn is_valid_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

/// The closest candidate to `word` by edit distance, when it is close enough to be a likely typo.
pub(crate) fn suggest<'c>(
    word: &str,
    candidates: impl Iterator<Item = &'c str>,
) -> Option<&'c str> {
    let lower = word.to_ascii_lowercase();
    let len = word.chars().count();
    let limit = (len / 3).max(1);
    candidates
        // The distance is at least the difference in length: skip the hopeless ones cheaply.
        .filter(|c| c.chars().count().abs_diff(len) <= limit)
        .map(|c| (levenshtein(&lower, &c.to_ascii_lowercase()), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Edit distance counting an adjacent transposition as one edit (optimal string alignment),
/// so `chwon` is one edit from `chown`.
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest(
                "RUNN",
                super::super::kind::INSTRUCTIONS.iter().map(|(n, _)| *n)
            ),
            Some("RUN")
        );
        assert_eq!(
            suggest(
                "cpoy",
                super::super::kind::INSTRUCTIONS.iter().map(|(n, _)| *n)
            ),
            Some("COPY")
        );
        assert_eq!(
            suggest(
                "import",
                super::super::kind::INSTRUCTIONS.iter().map(|(n, _)| *n)
            ),
            None
        );
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("chwon", "chown"), 1);
    }

    #[test]
    fn stage_names() {
        assert!(is_valid_stage_name("build-env_1.x"));
        assert!(!is_valid_stage_name("1build"));
        assert!(!is_valid_stage_name("a$b"));
    }
}

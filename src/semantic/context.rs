//! The build context as BuildKit sees it: the list of files sent to the builder, the
//! `.dockerignore` rules that drop some of them, and how a COPY/ADD source picks files.
//!
//! Everything here works on context-relative, `/`-separated paths and reads nothing from
//! disk; the CLI lists the files and reads the ignore file, then builds a [`BuildContext`].
//!
//! Three pieces of upstream behaviour are re-implemented from their documentation:
//!
//! - [`glob_match`] is Go's `path/filepath.Match` with `/` as the separator: `*` matches any
//!   run of characters other than `/`, `?` matches one character other than `/`, `[...]` is
//!   a character class (`[^...]` negates it, `a-z` is a range, and a class may match `/`),
//!   and `\` makes the next character literal. A malformed pattern is an error.
//! - [`DockerIgnore`] follows moby's `ignorefile` reader and `patternmatcher`: one pattern
//!   per line, `#` comment lines, `!` exceptions, `**` for any number of directories, the
//!   last matching pattern wins, and a pattern that matches a parent directory of a path
//!   matches the path too.
//! - [`BuildContext::resolve_source`] picks files the way BuildKit's copy resolves a source
//!   inside the context: a file, a directory and everything under it, or a pattern matched
//!   one path segment at a time, where `**` has no special meaning.

use std::fmt;

/// Why a glob or `.dockerignore` pattern is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PatternError {
    /// A `\` ends the pattern (or a character class), so there is nothing for it to escape.
    TrailingEscape,
    /// A `[` character class is not closed by a `]`.
    UnclosedClass,
    /// A character class is empty, starts a range with `-`, or has a range without an end,
    /// such as `[]`, `[-a]` or `[a-]`.
    BadClass,
    /// A `.dockerignore` line is a lone `!`, an exception without a pattern. Only
    /// [`DockerIgnore::parse`] reports this; [`glob_match`] never does.
    EmptyException,
}

impl fmt::Display for PatternError {
    /// Writes a lowercase message without a trailing period.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PatternError::TrailingEscape => {
                f.write_str("syntax error in pattern: `\\` at the end escapes nothing")
            }
            PatternError::UnclosedClass => {
                f.write_str("syntax error in pattern: character class `[` is not closed")
            }
            PatternError::BadClass => f.write_str(
                "syntax error in pattern: character class is empty or has a malformed range",
            ),
            PatternError::EmptyException => f.write_str("illegal exclusion pattern: \"!\""),
        }
    }
}

impl std::error::Error for PatternError {}

/// One element of a compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// A literal character.
    Literal(char),
    /// `?`: one character other than `/`.
    One,
    /// `*`: any run of characters other than `/`, possibly empty.
    Star,
    /// `[...]`: one character in (or, when negated, not in) the ranges.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    /// Any run of characters at all, `/` included (a trailing `**` in `.dockerignore`).
    AnyText,
    /// Nothing, or any text ending in `/` (a `**` or `**/` inside a `.dockerignore` pattern).
    AnyDirs,
}

impl Token {
    /// Whether a class token accepts `c`.
    fn class_accepts(negated: bool, ranges: &[(char, char)], c: char) -> bool {
        let inside = ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
        inside != negated
    }
}

/// Reads one character of a character class starting at `i`, honouring `\` escapes. Returns
/// the character and the index after it; a character must be followed by more pattern.
fn class_char(chars: &[char], i: usize) -> Result<(char, usize), PatternError> {
    let (c, next) = match chars.get(i) {
        None => return Err(PatternError::UnclosedClass),
        Some('-' | ']') => return Err(PatternError::BadClass),
        Some('\\') => match chars.get(i + 1) {
            None => return Err(PatternError::TrailingEscape),
            Some(&c) => (c, i + 2),
        },
        Some(&c) => (c, i + 1),
    };
    if next >= chars.len() {
        return Err(PatternError::UnclosedClass);
    }
    Ok((c, next))
}

/// Parses a character class whose `[` is just before `i`. Returns the token and the index
/// after the closing `]`.
fn parse_class(chars: &[char], mut i: usize) -> Result<(Token, usize), PatternError> {
    let negated = chars.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    loop {
        if chars.get(i) == Some(&']') && !ranges.is_empty() {
            return Ok((Token::Class { negated, ranges }, i + 1));
        }
        let (lo, next) = class_char(chars, i)?;
        i = next;
        let mut hi = lo;
        if chars.get(i) == Some(&'-') {
            let (end, next) = class_char(chars, i + 1)?;
            hi = end;
            i = next;
        }
        ranges.push((lo, hi));
    }
}

/// Compiles a `filepath.Match` pattern, or says why it is malformed.
fn parse_glob(pattern: &str) -> Result<Vec<Token>, PatternError> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' => {
                if tokens.last() != Some(&Token::Star) {
                    tokens.push(Token::Star);
                }
                i += 1;
            }
            '?' => {
                tokens.push(Token::One);
                i += 1;
            }
            '\\' => {
                let Some(&c) = chars.get(i + 1) else {
                    return Err(PatternError::TrailingEscape);
                };
                tokens.push(Token::Literal(c));
                i += 2;
            }
            '[' => {
                let (class, next) = parse_class(&chars, i + 1)?;
                tokens.push(class);
                i = next;
            }
            c => {
                tokens.push(Token::Literal(c));
                i += 1;
            }
        }
    }
    Ok(tokens)
}

/// Whether the compiled pattern matches the whole of `text`.
fn run(tokens: &[Token], text: &str) -> bool {
    run_with_parents(tokens, text, false)
}

/// Whether the compiled pattern matches the whole of `text` or, when `parents` is set, one
/// of its parent directories (the part of `text` before any `/`).
///
/// Runs the pattern as a nondeterministic automaton over `text` once, so the cost is at most
/// the product of the two lengths whatever the number of stars, and the parent directories
/// are checked on the way. State `i` means "at token `i`"; state `n + 1 + i` means "inside
/// the `AnyDirs` token `i`", which, unlike its entry, may not be skipped.
fn run_with_parents(tokens: &[Token], text: &str, parents: bool) -> bool {
    let n = tokens.len();
    let inside = n + 1;
    let close = |states: &mut [bool]| {
        for i in 0..n {
            if states[i] && matches!(tokens[i], Token::Star | Token::AnyText | Token::AnyDirs) {
                states[i + 1] = true;
            }
        }
    };
    let mut current = vec![false; 2 * n + 1];
    let mut next = vec![false; 2 * n + 1];
    current[0] = true;
    close(&mut current);
    for c in text.chars() {
        if parents && c == '/' && current[n] {
            return true;
        }
        next.fill(false);
        for (i, token) in tokens.iter().enumerate() {
            let at = current[i];
            let within = matches!(token, Token::AnyDirs) && current[inside + i];
            if !at && !within {
                continue;
            }
            match token {
                Token::Literal(l) => next[i + 1] |= *l == c,
                Token::One => next[i + 1] |= c != '/',
                Token::Class { negated, ranges } => {
                    next[i + 1] |= Token::class_accepts(*negated, ranges, c);
                }
                Token::Star => next[i] |= c != '/',
                Token::AnyText => next[i] = true,
                Token::AnyDirs => {
                    next[inside + i] = true;
                    next[i + 1] |= c == '/';
                }
            }
        }
        close(&mut next);
        if !next.contains(&true) {
            return false;
        }
        std::mem::swap(&mut current, &mut next);
    }
    current[n]
}

/// Reports whether `name` matches the shell pattern `pattern`, as Go's `filepath.Match`
/// does on a system whose path separator is `/`.
///
/// The whole name must match. `*` matches any run of characters other than `/` (possibly
/// none), `?` matches exactly one character other than `/`, `[abc]`, `[a-z]` and `[^a-z]`
/// match one character in, or not in, the class (only `^` negates; `!` is an ordinary
/// character), and `\` makes the next character literal, inside a class too. Any other
/// character matches itself.
///
/// # Errors
///
/// Returns a [`PatternError`] when the pattern is malformed: it ends with a lone `\`, or
/// has an unclosed, empty or badly ranged character class. The whole pattern is checked,
/// even when the name fails to match early.
pub fn glob_match(pattern: &str, name: &str) -> Result<bool, PatternError> {
    let tokens = parse_glob(pattern)?;
    Ok(run(&tokens, name))
}

/// Whether a COPY/ADD source contains characters that make it a pattern.
fn has_glob_meta(s: &str) -> bool {
    s.contains(['*', '?', '[', '\\'])
}

/// Go's `path.Clean` for `/`-separated paths: drops empty and `.` segments, resolves `..`
/// against the segment before it (at the root of an absolute path it is dropped, at the
/// start of a relative path it is kept), and gives `.` for an empty result.
fn clean_go(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if rooted {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".to_string()
    } else {
        joined
    }
}

/// Cleans a path and makes it relative to the context root: leading `/` and `./` go, `..`
/// cannot climb above the root, and the root itself is the empty string.
fn clean_in_context(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Compiles a cleaned `.dockerignore` pattern (without its `!`) the way moby's
/// `patternmatcher` interprets it.
///
/// The pattern must first be a valid `filepath.Match` pattern. Then `*`, `?`, classes and
/// escapes mean what they mean there, `**/` and a `**` followed by more pattern match
/// nothing or any text ending in `/` (any number of directories), and a trailing `**`
/// matches anything. As in
/// moby, a pattern that starts with `**` and has only plain characters after it is a suffix
/// test, so `**foo` matches `barfoo` while `a**foo` does not.
fn compile_ignore(pattern: &str) -> Result<Vec<Token>, PatternError> {
    parse_glob(pattern)?;
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut plain_after_leading = true;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' if chars.get(i + 1) == Some(&'*') => {
                if i > 0 {
                    plain_after_leading = false;
                }
                i += 2;
                if chars.get(i) == Some(&'/') {
                    i += 1;
                }
                tokens.push(if i == chars.len() {
                    Token::AnyText
                } else {
                    Token::AnyDirs
                });
            }
            '*' => {
                tokens.push(Token::Star);
                plain_after_leading = false;
                i += 1;
            }
            '?' => {
                tokens.push(Token::One);
                plain_after_leading = false;
                i += 1;
            }
            '\\' => {
                // `parse_glob` has checked that something follows.
                tokens.push(Token::Literal(chars[i + 1]));
                plain_after_leading = false;
                i += 2;
            }
            '[' => {
                let (class, next) = parse_class(&chars, i + 1)?;
                tokens.push(class);
                plain_after_leading = false;
                i = next;
            }
            c => {
                if c == ']' {
                    plain_after_leading = false;
                }
                tokens.push(Token::Literal(c));
                i += 1;
            }
        }
    }
    let leading_double_star = pattern.starts_with("**") && !pattern[2..].starts_with('/');
    if leading_double_star && plain_after_leading && tokens.first() == Some(&Token::AnyDirs) {
        tokens[0] = Token::AnyText;
    }
    Ok(tokens)
}

/// The text a compiled pattern matches when it is made of literal characters only.
fn literal_text(tokens: &[Token]) -> Option<String> {
    tokens
        .iter()
        .map(|t| match t {
            Token::Literal(c) => Some(*c),
            _ => None,
        })
        .collect()
}

/// One pattern of a `.dockerignore` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnorePattern {
    line: usize,
    pattern: String,
    exception: bool,
    tokens: Option<Vec<Token>>,
    /// The text the pattern stands for when it has no wildcards, for a quicker match.
    literal: Option<String>,
}

impl IgnorePattern {
    /// Returns the 1-based line of the `.dockerignore` file the pattern is on.
    #[must_use]
    pub fn line(&self) -> usize {
        self.line
    }

    /// Returns the pattern as it is matched: trimmed, cleaned, without its `!` and without a
    /// leading `/`. It is empty for a lone `!`.
    #[must_use]
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// Reports whether the pattern is an exception (written with a leading `!`), which
    /// puts back paths that earlier patterns excluded.
    #[must_use]
    pub fn is_exception(&self) -> bool {
        self.exception
    }

    /// Reports whether a match of this pattern excludes the path, which is the case for
    /// every pattern that is not an exception.
    #[must_use]
    pub fn excludes(&self) -> bool {
        !self.exception
    }

    /// Reports whether the pattern is well formed. Malformed patterns never match.
    #[must_use]
    pub fn is_valid(&self) -> bool {
        self.tokens.is_some()
    }

    /// Reports whether the pattern matches a context-relative path or one of its parent
    /// directories (so `node_modules` matches `node_modules/x/y.js`).
    ///
    /// The path should already be clean; [`DockerIgnore::is_excluded`] cleans it first.
    #[must_use]
    pub fn matches_path(&self, path: &str) -> bool {
        let Some(tokens) = &self.tokens else {
            return false;
        };
        if let Some(literal) = &self.literal {
            return path
                .strip_prefix(literal.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        }
        run_with_parents(tokens, path, true)
    }
}

/// The parsed rules of a `.dockerignore` file (or of a Dockerfile's own
/// `<Dockerfile>.dockerignore`), which decide the files left out of the build context.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DockerIgnore {
    patterns: Vec<IgnorePattern>,
    errors: Vec<(usize, String)>,
}

impl DockerIgnore {
    /// Parses the text of an ignore file as moby's `ignorefile` reader and `patternmatcher`
    /// do.
    ///
    /// A UTF-8 byte order mark at the start is dropped. A line whose first character is `#`
    /// is a comment (a `#` after leading spaces is not). Each other line is trimmed, and
    /// empty lines are skipped. A leading `!` (with spaces after it allowed) makes the line
    /// an exception. The rest is cleaned like Go's `filepath.Clean` (`./a` is `a`, `a//b` is
    /// `a/b`, `a/../b` is `b`) and a leading `/` is dropped, since patterns are relative to
    /// the context root.
    ///
    /// Malformed patterns, and a lone `!`, are kept so that line numbers stay meaningful,
    /// but they never match; each is listed in [`DockerIgnore::errors`]. BuildKit fails the
    /// whole build on them.
    #[must_use]
    pub fn parse(text: &str) -> DockerIgnore {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut ignore = DockerIgnore::default();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            if raw.starts_with('#') {
                continue;
            }
            let trimmed = raw.trim();
            if trimmed.is_empty() {
                continue;
            }
            let (exception, rest) = match trimmed.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, trimmed),
            };
            let mut pattern = String::new();
            if !rest.is_empty() {
                pattern = clean_go(rest);
                if pattern.len() > 1
                    && let Some(stripped) = pattern.strip_prefix('/')
                {
                    pattern = stripped.to_string();
                }
            }
            // The matcher cleans the whole line once more, `!` included, which turns `!/`
            // into a lone `!`.
            if exception && pattern == "/" {
                pattern.clear();
            }
            let compiled = if exception && pattern.is_empty() {
                Err(PatternError::EmptyException)
            } else {
                compile_ignore(&pattern)
            };
            let tokens = match compiled {
                Ok(tokens) => Some(tokens),
                Err(err) => {
                    ignore.errors.push((line, err.to_string()));
                    None
                }
            };
            let literal = tokens.as_deref().and_then(literal_text);
            ignore.patterns.push(IgnorePattern {
                line,
                pattern,
                exception,
                tokens,
                literal,
            });
        }
        ignore
    }

    /// Returns the patterns in file order, malformed ones included.
    #[must_use]
    pub fn patterns(&self) -> &[IgnorePattern] {
        &self.patterns
    }

    /// Returns the malformed patterns as 1-based line numbers and messages, in file order.
    #[must_use]
    pub fn errors(&self) -> &[(usize, String)] {
        &self.errors
    }

    /// Reports whether any pattern is an exception (`!`). BuildKit's `CopyIgnoredFile`
    /// check stays quiet for such files.
    #[must_use]
    pub fn has_exceptions(&self) -> bool {
        self.patterns.iter().any(|p| p.exception)
    }

    /// Reports whether the rules leave a context-relative path out of the context: the last
    /// pattern that matches the path, or one of its parent directories, is not an
    /// exception. The context root itself is never excluded.
    #[must_use]
    pub fn is_excluded(&self, path: &str) -> bool {
        self.deciding_pattern(path)
            .is_some_and(|(_, _, excludes)| excludes)
    }

    /// Returns the last pattern that matches a context-relative path, or one of its parent
    /// directories, as its 1-based line, its cleaned text and whether it excludes the path
    /// (`false` for a `!` exception). That pattern decides whether the path is excluded;
    /// `None` means no pattern matches and the path is included.
    #[must_use]
    pub fn deciding_pattern(&self, path: &str) -> Option<(usize, &str, bool)> {
        let path = clean_in_context(path);
        if path.is_empty() {
            return None;
        }
        self.patterns
            .iter()
            .rev()
            .find(|p| p.matches_path(&path))
            .map(|p| (p.line, p.pattern.as_str(), p.excludes()))
    }
}

/// The files a COPY/ADD source picks from the build context.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceMatch {
    /// The matched files that are sent to the builder, sorted.
    pub files: Vec<String>,
    /// The matched files that `.dockerignore` leaves out of the context, sorted.
    pub excluded: Vec<String>,
}

impl SourceMatch {
    /// Reports whether the source matched no file at all, excluded or not.
    #[must_use]
    pub fn matched_nothing(&self) -> bool {
        self.files.is_empty() && self.excluded.is_empty()
    }

    /// Reports whether the source matched files but `.dockerignore` excludes every one of
    /// them, so the builder sees none.
    #[must_use]
    pub fn all_excluded(&self) -> bool {
        self.files.is_empty() && !self.excluded.is_empty()
    }
}

/// What is known of the ignore file of a Dockerfile's build context.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum IgnoreFile {
    /// Nothing is known: the Dockerfile came without a build context (standard input, an
    /// editor buffer without a path).
    #[default]
    Unknown,
    /// The context has no ignore file: every file is sent to the builder.
    Absent,
    /// The context's ignore file.
    Present(DockerIgnore),
}

impl IgnoreFile {
    /// The ignore file's rules, when there is one.
    #[must_use]
    pub fn rules(&self) -> Option<&DockerIgnore> {
        match self {
            IgnoreFile::Present(ignore) => Some(ignore),
            _ => None,
        }
    }
}

/// A build context: the files under the context directory and the ignore rules that apply
/// to them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuildContext {
    files: Vec<String>,
    ignore: Option<DockerIgnore>,
}

impl BuildContext {
    /// Creates a context from its files and the text of its ignore file, if it has one.
    ///
    /// The paths are context-relative and `/`-separated; they are cleaned (no leading `/`
    /// or `./`, no empty or `.` segments, `..` resolved without leaving the root), sorted
    /// and deduplicated, and empty ones are dropped. Only regular files need be listed:
    /// directories are implied by the files under them.
    #[must_use]
    pub fn new(files: Vec<String>, dockerignore: Option<&str>) -> Self {
        let mut files: Vec<String> = files
            .iter()
            .map(|f| clean_in_context(f))
            .filter(|f| !f.is_empty())
            .collect();
        files.sort();
        files.dedup();
        BuildContext {
            files,
            ignore: dockerignore.map(DockerIgnore::parse),
        }
    }

    /// Returns every file of the context directory, excluded or not, sorted.
    #[must_use]
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// Returns the files that the ignore rules leave in the context, sorted.
    #[must_use]
    pub fn included_files(&self) -> Vec<&str> {
        self.files
            .iter()
            .filter(|f| !self.is_excluded(f))
            .map(String::as_str)
            .collect()
    }

    /// Returns the parsed ignore file, when the context has one.
    #[must_use]
    pub fn ignore(&self) -> Option<&DockerIgnore> {
        self.ignore.as_ref()
    }

    /// Reports whether the ignore rules leave a context-relative path out of the context.
    /// Without an ignore file nothing is excluded.
    #[must_use]
    pub fn is_excluded(&self, path: &str) -> bool {
        self.ignore.as_ref().is_some_and(|i| i.is_excluded(path))
    }

    /// Resolves a COPY/ADD source inside the context as BuildKit does.
    ///
    /// The source is cleaned and made relative to the context root: leading `/` and `./` are
    /// dropped and `..` cannot climb above the root. Then:
    ///
    /// - `.` (or nothing) is the whole context;
    /// - a source with a glob character (`*`, `?`, `[` or `\`) is matched one path segment
    ///   at a time with [`glob_match`]; a matching file is picked, and so is everything under
    ///   a matching directory. `**` is just two stars here. A malformed pattern picks nothing;
    /// - any other source picks the file of that name, or everything under the directory of
    ///   that name.
    ///
    /// The picked files are split into those the ignore rules keep and those they exclude.
    #[must_use]
    pub fn resolve_source(&self, source: &str) -> SourceMatch {
        let source = clean_in_context(source);
        let picked: Vec<&String> = if source.is_empty() {
            self.files.iter().collect()
        } else if has_glob_meta(&source) {
            let segments: Result<Vec<Vec<Token>>, PatternError> =
                source.split('/').map(parse_glob).collect();
            match segments {
                Ok(segments) => self
                    .files
                    .iter()
                    .filter(|f| {
                        let parts: Vec<&str> = f.split('/').collect();
                        parts.len() >= segments.len()
                            && segments
                                .iter()
                                .zip(&parts)
                                .all(|(tokens, part)| run(tokens, part))
                    })
                    .collect(),
                Err(_) => Vec::new(),
            }
        } else {
            let dir = format!("{source}/");
            self.files
                .iter()
                .filter(|f| **f == source || f.starts_with(&dir))
                .collect()
        };
        let mut found = SourceMatch::default();
        for file in picked {
            if self.is_excluded(file) {
                found.excluded.push(file.clone());
            } else {
                found.files.push(file.clone());
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, name: &str) -> bool {
        glob_match(pattern, name).unwrap()
    }

    fn ctx(files: &[&str], ignore: Option<&str>) -> BuildContext {
        BuildContext::new(files.iter().map(|f| f.to_string()).collect(), ignore)
    }

    // --- glob_match ---

    #[test]
    fn star_does_not_cross_separators() {
        assert!(m("*.go", "b.go"));
        assert!(!m("*.go", "a/b.go"));
        assert!(m("a/*.go", "a/b.go"));
        assert!(m("*/*.go", "a/b.go"));
        assert!(m("*", ""));
        assert!(m("*", ".hidden"));
        assert!(!m("*", "a/b"));
        assert!(m("a*b*c", "aXXbYYc"));
        assert!(!m("a*b*c", "aXXbYY/c"));
        assert!(m("a**b", "axyb"));
        assert!(!m("a**b", "a/b"));
        assert!(m("*a*a*a*a*b", &format!("{}b", "a".repeat(40))));
        assert!(!m("*a*a*a*a*b", &"a".repeat(40)));
    }

    #[test]
    fn question_mark_is_one_non_separator() {
        assert!(m("a?c", "abc"));
        assert!(!m("a?c", "ac"));
        assert!(!m("a?c", "abbc"));
        assert!(!m("a?c", "a/c"));
        assert!(m("?", "é"));
    }

    #[test]
    fn classes_and_ranges() {
        assert!(m("[abc]", "b"));
        assert!(!m("[abc]", "d"));
        assert!(m("[a-z]x", "qx"));
        assert!(!m("[a-z]x", "Qx"));
        assert!(m("[^a-z]", "Q"));
        assert!(!m("[^a-z]", "q"));
        assert!(m("[a-cx-z]", "y"));
        // `!` is not a negation in Go.
        assert!(m("[!a]", "!"));
        assert!(m("[!a]", "a"));
        assert!(!m("[!a]", "b"));
        // A class may match the separator.
        assert!(m("a[/]b", "a/b"));
        assert!(m("[*]", "*"));
        assert!(!m("[*]", "x"));
        assert!(m("[\\]]", "]"));
        assert!(m("[\\-]", "-"));
    }

    #[test]
    fn escapes_are_literal() {
        assert!(m("\\*", "*"));
        assert!(!m("\\*", "a"));
        assert!(m("a\\?b", "a?b"));
        assert!(!m("a\\?b", "axb"));
        assert!(m("\\a", "a"));
        assert!(m("\\[x]", "[x]"));
    }

    #[test]
    fn bad_patterns_are_errors() {
        assert_eq!(glob_match("a\\", "a"), Err(PatternError::TrailingEscape));
        assert_eq!(glob_match("[", "a"), Err(PatternError::UnclosedClass));
        assert_eq!(glob_match("[a", "a"), Err(PatternError::UnclosedClass));
        assert_eq!(glob_match("[a-", "a"), Err(PatternError::UnclosedClass));
        assert_eq!(glob_match("[]", "a"), Err(PatternError::BadClass));
        assert_eq!(glob_match("[]a]", "]"), Err(PatternError::BadClass));
        assert_eq!(glob_match("[^]", "a"), Err(PatternError::BadClass));
        assert_eq!(glob_match("[-a]", "a"), Err(PatternError::BadClass));
        assert_eq!(glob_match("[a-]", "a"), Err(PatternError::BadClass));
        assert_eq!(glob_match("[\\", "a"), Err(PatternError::TrailingEscape));
        // Checked even when the name fails to match before the bad part.
        assert_eq!(glob_match("x[", "a"), Err(PatternError::UnclosedClass));
        assert_eq!(glob_match("*x\\", "abc"), Err(PatternError::TrailingEscape));
        // A lone `]` is an ordinary character.
        assert_eq!(glob_match("a]", "a]"), Ok(true));
        assert_eq!(glob_match("[z-a]", "m"), Ok(false));
    }

    /// Behaviour documented for Go's `filepath.Match`, case by case.
    #[test]
    fn go_match_table() {
        let cases: &[(&str, &str, Option<bool>)] = &[
            ("abc", "abc", Some(true)),
            ("*", "abc", Some(true)),
            ("*c", "abc", Some(true)),
            ("a*", "a", Some(true)),
            ("a*", "abc", Some(true)),
            ("a*", "ab/c", Some(false)),
            ("a*/b", "abc/b", Some(true)),
            ("a*/b", "a/c/b", Some(false)),
            ("a*b*c*d*e*/f", "axbxcxdxe/f", Some(true)),
            ("a*b*c*d*e*/f", "axbxcxdxexxx/f", Some(true)),
            ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", Some(false)),
            ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", Some(false)),
            ("a*b?c*x", "abxbbxdbxebxczzx", Some(true)),
            ("a*b?c*x", "abxbbxdbxebxczzy", Some(false)),
            ("ab[c]", "abc", Some(true)),
            ("ab[b-d]", "abc", Some(true)),
            ("ab[e-g]", "abc", Some(false)),
            ("ab[^c]", "abc", Some(false)),
            ("ab[^b-d]", "abc", Some(false)),
            ("ab[^e-g]", "abc", Some(true)),
            ("a\\*b", "a*b", Some(true)),
            ("a\\*b", "ab", Some(false)),
            ("a?b", "a☺b", Some(true)),
            ("a[^a]b", "a☺b", Some(true)),
            ("a???b", "a☺b", Some(false)),
            ("[a-ζ]*", "α", Some(true)),
            ("*[a-ζ]", "A", Some(false)),
            ("a?b", "a/b", Some(false)),
            ("a*b", "a/b", Some(false)),
            ("[x\\-]", "-", Some(true)),
            ("[x\\-]", "z", Some(false)),
            ("[\\-x]", "a", Some(false)),
            ("[-]", "-", None),
            ("[x-]", "x", None),
            ("[-x]", "x", None),
            ("\\", "a", None),
            ("[a-b-c]", "a", None),
            ("[^", "a", None),
            ("[^bc", "a", None),
            ("a[", "a", None),
            ("a[", "ab", None),
            ("a/b[", "x", None),
            ("*x", "xxx", Some(true)),
        ];
        for &(pattern, name, expected) in cases {
            let got = glob_match(pattern, name).ok();
            assert_eq!(got, expected, "{pattern:?} vs {name:?}");
        }
    }

    #[test]
    fn pattern_error_messages() {
        for e in [
            PatternError::TrailingEscape,
            PatternError::UnclosedClass,
            PatternError::BadClass,
            PatternError::EmptyException,
        ] {
            let text = e.to_string();
            assert!(!text.ends_with('.'), "{text}");
            assert_eq!(text, text.to_lowercase(), "{text}");
        }
        let boxed: Box<dyn std::error::Error> = Box::new(PatternError::BadClass);
        assert!(boxed.to_string().starts_with("syntax error in pattern"));
    }

    // --- clean ---

    #[test]
    fn go_clean() {
        assert_eq!(clean_go("./a"), "a");
        assert_eq!(clean_go("a//b"), "a/b");
        assert_eq!(clean_go("a/../b"), "b");
        assert_eq!(clean_go("a/"), "a");
        assert_eq!(clean_go("../a"), "../a");
        assert_eq!(clean_go("/../a"), "/a");
        assert_eq!(clean_go("/"), "/");
        assert_eq!(clean_go("."), ".");
        assert_eq!(clean_go("a/.."), ".");
        assert_eq!(clean_go("a/b/../../.."), "..");
    }

    // --- DockerIgnore ---

    #[test]
    fn comments_blank_lines_and_line_numbers() {
        let ig = DockerIgnore::parse("# comment\n\n  \nfoo\r\n  bar  \n #notacomment\n");
        let got: Vec<(usize, &str, bool)> = ig
            .patterns()
            .iter()
            .map(|p| (p.line(), p.pattern(), p.is_exception()))
            .collect();
        assert_eq!(
            got,
            vec![
                (4, "foo", false),
                (5, "bar", false),
                (6, "#notacomment", false)
            ]
        );
        assert!(ig.errors().is_empty());
        assert!(ig.is_excluded("foo"));
        assert!(ig.is_excluded("bar"));
        assert!(!ig.is_excluded("# comment"));
    }

    #[test]
    fn byte_order_mark_is_dropped() {
        let ig = DockerIgnore::parse("\u{feff}secret.txt\n");
        assert!(ig.is_excluded("secret.txt"));
        assert_eq!(ig.patterns()[0].line(), 1);
    }

    #[test]
    fn exceptions_and_last_match_wins() {
        let ig = DockerIgnore::parse("*.md\n!README.md\n");
        assert!(ig.is_excluded("CHANGES.md"));
        assert!(!ig.is_excluded("README.md"));
        assert!(!ig.is_excluded("main.go"));
        assert_eq!(
            ig.deciding_pattern("README.md"),
            Some((2, "README.md", false))
        );
        assert_eq!(ig.deciding_pattern("CHANGES.md"), Some((1, "*.md", true)));
        assert_eq!(ig.deciding_pattern("main.go"), None);
        assert!(ig.has_exceptions());

        // An exception before the pattern it should override does nothing.
        let ig = DockerIgnore::parse("!README.md\n*.md\n");
        assert!(ig.is_excluded("README.md"));
        assert_eq!(ig.deciding_pattern("README.md"), Some((2, "*.md", true)));

        // Excluding again after an exception.
        let ig = DockerIgnore::parse("docs\n!docs/keep\ndocs/keep/secret\n");
        assert!(ig.is_excluded("docs/a.md"));
        assert!(!ig.is_excluded("docs/keep/b.md"));
        assert!(ig.is_excluded("docs/keep/secret"));
        assert!(ig.is_excluded("docs/keep/secret/x"));
        assert_eq!(
            ig.deciding_pattern("docs/keep/secret/x"),
            Some((3, "docs/keep/secret", true))
        );
    }

    #[test]
    fn exception_with_spaces_and_absolute_path() {
        let ig = DockerIgnore::parse("*\n! /inverted/abs/path\n");
        assert_eq!(ig.patterns()[1].pattern(), "inverted/abs/path");
        assert!(ig.patterns()[1].is_exception());
        assert!(!ig.is_excluded("inverted/abs/path"));
        assert!(ig.is_excluded("inverted/other"));
    }

    #[test]
    fn lone_exclamation_mark_is_an_error() {
        let ig = DockerIgnore::parse("a\n!\n! \n!/\nb\n");
        assert_eq!(ig.patterns().len(), 5);
        let lines: Vec<usize> = ig.errors().iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![2, 3, 4]);
        assert_eq!(ig.errors()[0].1, "illegal exclusion pattern: \"!\"");
        assert!(!ig.patterns()[1].is_valid());
        assert!(ig.is_excluded("a"));
        assert!(ig.is_excluded("b"));
    }

    #[test]
    fn malformed_patterns_are_kept_and_never_match() {
        let ig = DockerIgnore::parse("ok\nbad[\nbad\\\n");
        assert_eq!(ig.patterns().len(), 3);
        assert_eq!(ig.errors().len(), 2);
        assert_eq!(ig.errors()[0].0, 2);
        assert!(ig.errors()[0].1.starts_with("syntax error in pattern"));
        assert_eq!(ig.errors()[1].0, 3);
        assert!(ig.is_excluded("ok"));
        assert!(!ig.is_excluded("bad["));
        assert!(ig.patterns()[0].is_valid());
        assert!(!ig.patterns()[1].is_valid());
    }

    #[test]
    fn single_star_stays_in_one_directory() {
        let ig = DockerIgnore::parse("*.md\n");
        assert!(ig.is_excluded("README.md"));
        assert!(!ig.is_excluded("docs/guide.md"));
    }

    #[test]
    fn double_star_patterns() {
        let ig = DockerIgnore::parse("**/*.log\n");
        assert!(ig.is_excluded("a.log"));
        assert!(ig.is_excluded("x/a.log"));
        assert!(ig.is_excluded("x/y/z/a.log"));
        assert!(!ig.is_excluded("a.logx"));
        assert!(!ig.is_excluded("x/a.txt"));

        let ig = DockerIgnore::parse("docs/**\n");
        assert!(ig.is_excluded("docs/a.md"));
        assert!(ig.is_excluded("docs/x/y/a.md"));
        assert!(!ig.is_excluded("docs"));
        assert!(!ig.is_excluded("docsx/a.md"));
        assert!(!ig.is_excluded("other/docs/a.md"));

        let ig = DockerIgnore::parse("**\n!keep.txt\n");
        assert!(ig.is_excluded("anything"));
        assert!(ig.is_excluded("deep/down/file"));
        assert!(!ig.is_excluded("keep.txt"));

        let ig = DockerIgnore::parse("a/**/b\n");
        assert!(ig.is_excluded("a/b"));
        assert!(ig.is_excluded("a/x/b"));
        assert!(ig.is_excluded("a/x/y/b"));
        assert!(ig.is_excluded("a/x/y/b/c"));
        assert!(!ig.is_excluded("a/xb"));
        assert!(!ig.is_excluded("ab"));

        let ig = DockerIgnore::parse("**/node_modules\n");
        assert!(ig.is_excluded("node_modules/x.js"));
        assert!(ig.is_excluded("web/node_modules/x/y.js"));
        assert!(!ig.is_excluded("web/my_node_modules/x.js"));
    }

    /// Outcomes documented for moby's `patternmatcher` (a pattern matching the path or one
    /// of its parent directories), one pattern at a time.
    #[test]
    fn moby_single_pattern_table() {
        let cases: &[(&str, &str, bool)] = &[
            ("**", "file", true),
            ("**", "file/", true),
            ("**/", "file", true),
            ("**", "dir/file", true),
            ("**/", "dir/file/", true),
            ("**/**", "dir/file", true),
            ("dir/**", "dir/file", true),
            ("dir/**", "dir/dir2/file", true),
            ("**/dir", "dir", true),
            ("**/dir", "dir/file", true),
            ("**/dir2/*", "dir/dir2/file", true),
            ("**/dir2/*", "dir/dir2/file/", true),
            ("**/dir2/**", "dir/dir2/dir3/file", true),
            ("**file", "file", true),
            ("**file", "dir/file", true),
            ("**/file", "dir/file", true),
            ("**file", "dir/dir/file", true),
            ("**/file", "dir/dir/file", true),
            ("**/file*", "dir/dir/file", true),
            ("**/file*", "dir/dir/file.txt", true),
            ("**/file*txt", "dir/dir/file.txt", true),
            ("**/file*.txt", "dir/dir/file.txt", true),
            ("**/file*.txt*", "dir/dir/file.txt", true),
            ("**/**/*.txt", "dir/dir/file.txt", true),
            ("**/**/*.txt2", "dir/dir/file.txt", false),
            ("**/*.txt", "file.txt", true),
            ("**/**/*.txt", "file.txt", true),
            ("a**/*.txt", "a/file.txt", true),
            ("a**/*.txt", "a/dir/file.txt", true),
            ("a**/*.txt", "a/dir/dir/file.txt", true),
            ("a/*.txt", "a/dir/file.txt", false),
            ("a/*.txt", "a/file.txt", true),
            ("a/*.txt**", "a/file.txt", true),
            ("a[b-d]e", "ae", false),
            ("a[b-d]e", "ace", true),
            ("a[b-d]e", "aae", false),
            ("a[^b-d]e", "aze", true),
            (".*", ".foo", true),
            (".*", "foo", false),
            ("abc.def", "abcdef", false),
            ("abc.def", "abc.def", true),
            ("abc.def", "abcZdef", false),
            ("abc?def", "abcZdef", true),
            ("abc?def", "abcdef", false),
            ("**/foo/bar", "foo/bar", true),
            ("**/foo/bar", "dir/foo/bar", true),
            ("**/foo/bar", "dir/dir2/foo/bar", true),
            ("abc/**", "abc", false),
            ("abc/**", "abc/def", true),
            ("abc/**", "abc/def/ghi", true),
            ("**/.foo", ".foo", true),
            ("**/.foo", "bar.foo", false),
            ("a(b)c/def", "a(b)c/def", true),
            ("a(b)c/def", "a(b)c/xyz", false),
            ("a.|)$(}+{bc", "a.|)$(}+{bc", true),
            (
                "dist/*.whl",
                "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
                true,
            ),
            ("a\\\\", "a\\", true),
            ("a\\*b", "a*b", true),
            ("a*", "ab/c", true),
        ];
        for &(pattern, path, expected) in cases {
            let ig = DockerIgnore::parse(pattern);
            assert!(ig.errors().is_empty(), "{pattern:?}");
            assert_eq!(ig.is_excluded(path), expected, "{pattern:?} vs {path:?}");
        }
        let multi: &[(&str, &str, bool)] = &[
            ("**\n!util/docker/web", "util/docker/web/foo", false),
            (
                "**\n!util/docker/web\nutil/docker/web/foo",
                "util/docker/web/foo",
                true,
            ),
            (
                "**\n!dist/*.whl",
                "dist/proxy.py-2.4.0rc3-py3-none-any.whl",
                false,
            ),
            ("docs\n!docs/README.md", "docs/README.md", false),
            ("docs/\n!docs/README.md", "docs/README.md", false),
            ("docs/*\n!docs/README.md", "docs/README.md", false),
            ("!fileutils.go\n*.go", "fileutils.go", true),
            ("*.go\n!fileutils.go", "fileutils.go", false),
        ];
        for &(text, path, expected) in multi {
            let ig = DockerIgnore::parse(text);
            assert_eq!(ig.is_excluded(path), expected, "{text:?} vs {path:?}");
        }
    }

    #[test]
    fn leading_double_star_without_slash_is_a_suffix_test() {
        // moby matches `**foo` with a plain suffix test, so it also matches `barfoo`.
        let ig = DockerIgnore::parse("**foo\n");
        assert!(ig.is_excluded("foo"));
        assert!(ig.is_excluded("barfoo"));
        assert!(ig.is_excluded("a/barfoo"));
        // With a glob character after it, it is `(any dirs)` followed by the rest.
        let ig = DockerIgnore::parse("**f?o\n");
        assert!(ig.is_excluded("a/foo"));
        assert!(!ig.is_excluded("barfoo"));
    }

    #[test]
    fn leading_slash_and_cleaning() {
        let ig = DockerIgnore::parse("/secret\n./build/\nx//y\nz/../w\n");
        let patterns: Vec<&str> = ig.patterns().iter().map(IgnorePattern::pattern).collect();
        assert_eq!(patterns, vec!["secret", "build", "x/y", "w"]);
        assert!(ig.is_excluded("secret"));
        assert!(!ig.is_excluded("a/secret"));
        assert!(ig.is_excluded("build/out.bin"));
        assert!(ig.is_excluded("x/y"));
        assert!(ig.is_excluded("w"));
        // Paths are cleaned before matching too.
        assert!(ig.is_excluded("./secret"));
        assert!(ig.is_excluded("/build//out.bin"));
    }

    #[test]
    fn parent_directory_matching() {
        let ig = DockerIgnore::parse("node_modules\n!node_modules/keep.js\n");
        assert!(ig.is_excluded("node_modules/x/y.js"));
        assert!(ig.is_excluded("node_modules/a.js"));
        assert!(!ig.is_excluded("node_modules/keep.js"));
        assert!(!ig.is_excluded("src/node_modules/a.js"));
        assert_eq!(
            ig.deciding_pattern("node_modules/x/y.js"),
            Some((1, "node_modules", true))
        );

        // A wildcard that matches a directory name excludes what is under it.
        let ig = DockerIgnore::parse("*\n!src\n");
        assert!(ig.is_excluded("README.md"));
        assert!(ig.is_excluded("docs/a.md"));
        assert!(!ig.is_excluded("src/main.rs"));
        assert!(!ig.is_excluded("src/deep/mod.rs"));

        // A pattern for files under any directory, through its parents.
        let ig = DockerIgnore::parse("*/temp*\n");
        assert!(ig.is_excluded("a/temporary.txt"));
        assert!(ig.is_excluded("a/temp/x"));
        assert!(!ig.is_excluded("a/b/temp"));
        assert!(!ig.is_excluded("temp"));
    }

    #[test]
    fn typical_git_and_node_files() {
        let ig = DockerIgnore::parse(
            "# VCS\n.git\n.gitignore\n\n# deps\nnode_modules\nnpm-debug.log\n*.swp\n",
        );
        assert!(ig.is_excluded(".git/HEAD"));
        assert!(ig.is_excluded(".git/objects/ab/cdef"));
        assert!(ig.is_excluded(".gitignore"));
        assert!(!ig.is_excluded(".github/workflows/ci.yml"));
        assert!(ig.is_excluded("node_modules/react/index.js"));
        assert!(ig.is_excluded("npm-debug.log"));
        assert!(ig.is_excluded(".main.rs.swp"));
        assert!(!ig.is_excluded("src/.main.rs.swp"));
        assert!(!ig.is_excluded("package.json"));
        assert!(!ig.is_excluded("src/index.js"));
    }

    #[test]
    fn dockerfile_and_dockerignore_patterns() {
        let ig = DockerIgnore::parse("Dockerfile\n.dockerignore\n*.Dockerfile\n");
        assert!(ig.is_excluded("Dockerfile"));
        assert!(ig.is_excluded(".dockerignore"));
        assert!(ig.is_excluded("web.Dockerfile"));
        assert!(!ig.is_excluded("Dockerfile.dev"));
        assert!(!ig.is_excluded("sub/Dockerfile"));
    }

    #[test]
    fn root_is_never_excluded() {
        let ig = DockerIgnore::parse("**\n*\n.\n");
        assert!(!ig.is_excluded(""));
        assert!(!ig.is_excluded("."));
        assert!(!ig.is_excluded("./"));
        assert_eq!(ig.deciding_pattern("."), None);
    }

    #[test]
    fn ignore_classes_escapes_and_questions() {
        let ig = DockerIgnore::parse("file[0-9].txt\nx\\*y\na?c\nv1.0\n");
        assert!(ig.is_excluded("file7.txt"));
        assert!(!ig.is_excluded("filex.txt"));
        assert!(ig.is_excluded("x*y"));
        assert!(!ig.is_excluded("xay"));
        assert!(ig.is_excluded("abc"));
        assert!(!ig.is_excluded("a/c"));
        // `.` is a literal, not a regular-expression wildcard.
        assert!(ig.is_excluded("v1.0"));
        assert!(!ig.is_excluded("v1x0"));
    }

    #[test]
    fn pattern_accessors() {
        let ig = DockerIgnore::parse("a\n!b\n");
        let p = &ig.patterns()[0];
        assert!(p.excludes() && !p.is_exception() && p.is_valid());
        assert!(p.matches_path("a/b/c"));
        assert!(!p.matches_path("b/a"));
        let q = &ig.patterns()[1];
        assert!(!q.excludes() && q.is_exception());
        assert_eq!(q.line(), 2);
    }

    // --- BuildContext ---

    const FILES: &[&str] = &[
        "./Dockerfile",
        ".dockerignore",
        "/package.json",
        "tsconfig.json",
        "src/app.py",
        "src/util.py",
        "src/data/x.csv",
        "src/README.md",
        "node_modules/a/index.js",
        "node_modules/keep.js",
        ".git/HEAD",
        "docs/guide.md",
        "docs/api/ref.md",
        "src/app.py",
    ];

    const IGNORE: &str = ".git\nnode_modules\n!node_modules/keep.js\n**/*.md\n**/*.csv\n";

    #[test]
    fn new_cleans_sorts_and_dedups() {
        let c = ctx(&["b", "./a", "/c/d", "a", "", ".", "x/../e"], None);
        assert_eq!(c.files(), ["a", "b", "c/d", "e"]);
        assert!(c.ignore().is_none());
        assert_eq!(c.included_files(), vec!["a", "b", "c/d", "e"]);
    }

    #[test]
    fn included_files_drop_ignored_ones() {
        let c = ctx(FILES, Some(IGNORE));
        assert_eq!(
            c.included_files(),
            vec![
                ".dockerignore",
                "Dockerfile",
                "node_modules/keep.js",
                "package.json",
                "src/app.py",
                "src/util.py",
                "tsconfig.json",
            ]
        );
        assert_eq!(c.files().len(), 13);
        assert!(c.ignore().is_some_and(DockerIgnore::has_exceptions));
        assert!(c.is_excluded(".git/HEAD"));
    }

    #[test]
    fn resolve_file() {
        let c = ctx(FILES, Some(IGNORE));
        let found = c.resolve_source("package.json");
        assert_eq!(found.files, ["package.json"]);
        assert!(found.excluded.is_empty());
        assert!(!found.matched_nothing() && !found.all_excluded());
        assert_eq!(c.resolve_source("/src/app.py").files, ["src/app.py"]);
        assert_eq!(c.resolve_source("./src/app.py").files, ["src/app.py"]);
        // A prefix of a name is not a match.
        assert!(c.resolve_source("src/app").matched_nothing());
    }

    #[test]
    fn resolve_directory() {
        let c = ctx(FILES, Some(IGNORE));
        let found = c.resolve_source("src/");
        assert_eq!(found.files, ["src/app.py", "src/util.py"]);
        assert_eq!(found.excluded, ["src/README.md", "src/data/x.csv"]);
        assert!(!found.all_excluded());
        let found = c.resolve_source("node_modules");
        assert_eq!(found.files, ["node_modules/keep.js"]);
        assert_eq!(found.excluded, ["node_modules/a/index.js"]);
    }

    #[test]
    fn resolve_whole_context() {
        let c = ctx(FILES, Some(IGNORE));
        for source in [".", "./", "", "/", "src/.."] {
            let found = c.resolve_source(source);
            assert_eq!(found.files.len() + found.excluded.len(), 13, "{source}");
            assert_eq!(found.files, c.included_files(), "{source}");
        }
    }

    #[test]
    fn resolve_globs() {
        let c = ctx(FILES, Some(IGNORE));
        assert_eq!(
            c.resolve_source("src/*.py").files,
            ["src/app.py", "src/util.py"]
        );
        assert_eq!(
            c.resolve_source("*.json").files,
            ["package.json", "tsconfig.json"]
        );
        // A matching directory brings everything under it.
        let found = c.resolve_source("s?c");
        assert_eq!(found.files, ["src/app.py", "src/util.py"]);
        assert_eq!(found.excluded, ["src/README.md", "src/data/x.csv"]);
        assert_eq!(
            c.resolve_source("*/*.py").files,
            ["src/app.py", "src/util.py"]
        );
        assert_eq!(c.resolve_source("[Dd]ockerfile").files, ["Dockerfile"]);
        // `**` is not special in COPY: it is one segment, like `*`.
        assert_eq!(
            c.resolve_source("**/*.py").files,
            ["src/app.py", "src/util.py"]
        );
        let deep = ctx(&["c.py", "a/b/c.py"], None);
        assert!(deep.resolve_source("**/*.py").matched_nothing());
        assert_eq!(
            c.resolve_source("**").files.len() + c.resolve_source("**").excluded.len(),
            13
        );
        // A malformed pattern picks nothing.
        assert!(c.resolve_source("src/[").matched_nothing());
    }

    #[test]
    fn resolve_clamps_parent_references() {
        let c = ctx(FILES, Some(IGNORE));
        assert_eq!(c.resolve_source("../package.json").files, ["package.json"]);
        assert_eq!(
            c.resolve_source("../../src/../tsconfig.json").files,
            ["tsconfig.json"]
        );
        assert_eq!(c.resolve_source("..").files, c.included_files());
    }

    #[test]
    fn resolve_nothing_matched() {
        let c = ctx(FILES, Some(IGNORE));
        let found = c.resolve_source("missing.txt");
        assert!(found.matched_nothing());
        assert!(!found.all_excluded());
        assert!(c.resolve_source("*.go").matched_nothing());
        assert!(c.resolve_source("src/*.rs").matched_nothing());
    }

    #[test]
    fn resolve_excluded_by_ignore() {
        let c = ctx(FILES, Some(IGNORE));
        let found = c.resolve_source("docs");
        assert!(found.files.is_empty());
        assert_eq!(found.excluded, ["docs/api/ref.md", "docs/guide.md"]);
        assert!(found.all_excluded());
        assert!(!found.matched_nothing());
        let found = c.resolve_source(".git/HEAD");
        assert!(found.all_excluded());
        let found = c.resolve_source("*.md");
        assert!(found.matched_nothing());
        let found = c.resolve_source("src/*.md");
        assert!(found.all_excluded());
        assert_eq!(found.excluded, ["src/README.md"]);
    }

    #[test]
    fn resolve_without_ignore_file() {
        let c = ctx(FILES, None);
        let found = c.resolve_source("docs");
        assert_eq!(found.files, ["docs/api/ref.md", "docs/guide.md"]);
        assert!(found.excluded.is_empty());
    }

    #[test]
    fn escaped_source_is_a_literal_pattern() {
        let c = ctx(&["a*b", "axb"], None);
        assert_eq!(c.resolve_source("a\\*b").files, ["a*b"]);
        assert_eq!(c.resolve_source("a*b").files, ["a*b", "axb"]);
    }
}

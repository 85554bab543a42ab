//! The kinds of tokens and nodes in the concrete syntax tree.

/// Every token and node of the tree has one of these kinds.
///
/// Tokens are leaves and carry source text; nodes group tokens and other nodes.
/// Trivia that BuildKit removes from a logical line (line continuations, and the
/// comment or empty lines inside a continued instruction) are kept as
/// [`SyntaxKind::LINE_CONTINUATION`] and [`SyntaxKind::SKIPPED_LINE`] nodes, so the
/// logical text of any node is its text without those two kinds of node.
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
#[repr(u8)]
pub enum SyntaxKind {
    // Tokens.
    /// The UTF-8 byte-order mark at the start of the file.
    BOM,
    /// A `#!` line at the very start of the file.
    SHEBANG,
    /// Spaces and tabs (and other non-newline white space).
    WHITESPACE,
    /// `\n` or `\r\n`.
    NEWLINE,
    /// A comment, from `#` to the end of the line (newline excluded).
    COMMENT,
    /// The escape character that ends a continued line, plus any blanks after it.
    ESCAPE_CHAR,
    /// `#` opening a parser directive.
    HASH,
    /// The key of a parser directive (`syntax`, `escape`, `check`).
    DIRECTIVE_KEY,
    /// The value of a parser directive.
    DIRECTIVE_VALUE,
    /// `=`.
    EQUALS,
    /// `,`.
    COMMA,
    /// An instruction keyword (`FROM`, `run`, ...), or a keyword inside one (`AS`, `CMD`, `NONE`).
    KEYWORD,
    /// A flag name including its dashes: `--mount`.
    FLAG_NAME,
    /// Literal text inside a word.
    TEXT,
    /// The escape character and the character it escapes (`\$`, `` `" ``).
    ESCAPE,
    /// `'` or `"` opening or closing a quoted string.
    QUOTE,
    /// `$` starting a variable reference.
    DOLLAR,
    /// `{` of `${`.
    L_BRACE,
    /// `}` closing `${...}`.
    R_BRACE,
    /// The variable name in `$name` or `${name...}`.
    VAR_NAME,
    /// The operator of a `${}` substitution: `:-`, `-`, `:+`, `+`, `:?`, `?`, `#`, `##`, `%`, `%%`, `/`, `//`.
    VAR_OPERATOR,
    /// `[` of a JSON array.
    L_BRACKET,
    /// `]` of a JSON array.
    R_BRACKET,
    /// A JSON string, quotes included.
    JSON_STRING,
    /// A JSON value that is not a string (number, `true`, object...).
    JSON_VALUE,
    /// Raw shell text of a shell-form command.
    SHELL_TEXT,
    /// `<<`, `<<-`, `3<<` of a heredoc marker.
    HEREDOC_OPERATOR,
    /// The delimiter word of a heredoc marker, quotes included.
    HEREDOC_DELIMITER,
    /// The lines of a heredoc body, newlines included.
    HEREDOC_BODY,
    /// The line that ends a heredoc body.
    HEREDOC_END,

    // Nodes.
    /// The whole file.
    SOURCE_FILE,
    /// A parser directive line: `# escape=\``.
    DIRECTIVE,
    /// An escape character ending a line, with its newline.
    LINE_CONTINUATION,
    /// A comment line or an empty line inside a continued instruction.
    SKIPPED_LINE,
    /// An unknown instruction or a part of a line that could not be read.
    ERROR,
    FROM_INSTR,
    RUN_INSTR,
    CMD_INSTR,
    LABEL_INSTR,
    MAINTAINER_INSTR,
    EXPOSE_INSTR,
    ENV_INSTR,
    ADD_INSTR,
    COPY_INSTR,
    ENTRYPOINT_INSTR,
    VOLUME_INSTR,
    USER_INSTR,
    WORKDIR_INSTR,
    ARG_INSTR,
    ONBUILD_INSTR,
    STOPSIGNAL_INSTR,
    HEALTHCHECK_INSTR,
    SHELL_INSTR,
    /// `--name`, `--name=value`.
    FLAG,
    /// The comma-separated `key=value` list of a `--mount` flag.
    MOUNT_OPTIONS,
    /// `key=value` in ENV, LABEL, ARG and `--mount`, or `KEY value` in legacy ENV.
    KEY_VALUE,
    /// A word: literal text, quotes, escapes and variable references.
    WORD,
    /// `'...'`.
    SINGLE_QUOTED,
    /// `"..."`.
    DOUBLE_QUOTED,
    /// `$name` or `${name...}`.
    VAR,
    /// The word after a `${}` operator (default, pattern or replacement).
    VAR_ARGUMENT,
    /// `AS name` in FROM.
    STAGE_NAME,
    /// The JSON array of an exec-form command or a JSON list of paths.
    JSON_ARRAY,
    /// A shell-form command.
    SHELL_FORM,
    /// `CMD ...` or `NONE` in HEALTHCHECK.
    HEALTHCHECK_TYPE,
    /// A heredoc marker word: `<<-"EOF"`.
    HEREDOC_MARKER,
    /// A heredoc body and its terminating line.
    HEREDOC,
}

impl SyntaxKind {
    #[must_use]
    pub fn is_token(self) -> bool {
        (self as u8) < (SyntaxKind::SOURCE_FILE as u8)
    }

    /// Nodes whose text BuildKit drops when it joins a continued line.
    #[must_use]
    pub fn is_line_trivia(self) -> bool {
        matches!(
            self,
            SyntaxKind::LINE_CONTINUATION | SyntaxKind::SKIPPED_LINE
        )
    }

    /// Instruction nodes, including [`SyntaxKind::ERROR`] nodes that stand for a whole line.
    #[must_use]
    pub fn is_instruction(self) -> bool {
        (self as u8) >= (SyntaxKind::FROM_INSTR as u8)
            && (self as u8) <= (SyntaxKind::SHELL_INSTR as u8)
    }

    /// The instruction kind for a keyword, case-insensitively.
    #[must_use]
    pub fn from_keyword(keyword: &str) -> Option<SyntaxKind> {
        INSTRUCTIONS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(keyword))
            .map(|&(_, kind)| kind)
    }

    /// The upper-case keyword of an instruction kind.
    #[must_use]
    pub fn keyword(self) -> Option<&'static str> {
        INSTRUCTIONS
            .iter()
            .find(|(_, k)| *k == self)
            .map(|&(name, _)| name)
    }
}

/// Every instruction BuildKit knows, as spelled in its documentation.
pub const INSTRUCTIONS: &[(&str, SyntaxKind)] = &[
    ("FROM", SyntaxKind::FROM_INSTR),
    ("RUN", SyntaxKind::RUN_INSTR),
    ("CMD", SyntaxKind::CMD_INSTR),
    ("LABEL", SyntaxKind::LABEL_INSTR),
    ("MAINTAINER", SyntaxKind::MAINTAINER_INSTR),
    ("EXPOSE", SyntaxKind::EXPOSE_INSTR),
    ("ENV", SyntaxKind::ENV_INSTR),
    ("ADD", SyntaxKind::ADD_INSTR),
    ("COPY", SyntaxKind::COPY_INSTR),
    ("ENTRYPOINT", SyntaxKind::ENTRYPOINT_INSTR),
    ("VOLUME", SyntaxKind::VOLUME_INSTR),
    ("USER", SyntaxKind::USER_INSTR),
    ("WORKDIR", SyntaxKind::WORKDIR_INSTR),
    ("ARG", SyntaxKind::ARG_INSTR),
    ("ONBUILD", SyntaxKind::ONBUILD_INSTR),
    ("STOPSIGNAL", SyntaxKind::STOPSIGNAL_INSTR),
    ("HEALTHCHECK", SyntaxKind::HEALTHCHECK_INSTR),
    ("SHELL", SyntaxKind::SHELL_INSTR),
];

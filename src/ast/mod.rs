//! Typed views over the syntax tree. Every accessor returns `Option` (or an empty
//! iterator), because a half-typed file can lack any part; rules use `?` on them.

use crate::syntax::{
    SyntaxElement, SyntaxKind, SyntaxNode, SyntaxToken, TextRange, decode_json_string, unquote,
};

macro_rules! ast_node {
    ($(#[$doc:meta])* $name:ident, $($kind:ident)|+) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct $name<'t>(SyntaxNode<'t>);

        impl<'t> $name<'t> {
            /// Views `node` as this type when it has the right kind.
            #[must_use]
            pub fn cast(node: SyntaxNode<'t>) -> Option<Self> {
                matches!(node.kind(), $(SyntaxKind::$kind)|+).then_some(Self(node))
            }

            /// The underlying node.
            #[must_use]
            pub fn syntax(self) -> SyntaxNode<'t> {
                self.0
            }

            /// The node's range in the source.
            #[must_use]
            pub fn range(self) -> TextRange {
                self.0.range()
            }
        }
    };
}

ast_node!(
    /// The whole file.
    Dockerfile, SOURCE_FILE
);
ast_node!(
    /// A parser directive: `# syntax=...`, `# escape=...`, `# check=...`.
    Directive, DIRECTIVE
);
ast_node!(
    /// One instruction (or an [`SyntaxKind::ERROR`] node standing for an unknown one).
    Instruction,
    FROM_INSTR | RUN_INSTR | CMD_INSTR | LABEL_INSTR | MAINTAINER_INSTR | EXPOSE_INSTR | ENV_INSTR | ADD_INSTR
        | COPY_INSTR | ENTRYPOINT_INSTR | VOLUME_INSTR | USER_INSTR | WORKDIR_INSTR | ARG_INSTR | ONBUILD_INSTR
        | STOPSIGNAL_INSTR | HEALTHCHECK_INSTR | SHELL_INSTR | ERROR
);
ast_node!(
    /// `--name[=value]` after an instruction keyword.
    Flag, FLAG
);
ast_node!(
    /// A word: text, quotes, escapes and variable references.
    Word, WORD
);
ast_node!(
    /// `$name` or `${name<op>argument}`.
    VarRef, VAR
);
ast_node!(
    /// `key=value` (ENV, LABEL, ARG, `--mount`), `key value` (legacy ENV) or a bare `ARG name`.
    KeyValue, KEY_VALUE
);
ast_node!(
    /// The JSON array of exec form.
    JsonArray, JSON_ARRAY
);
ast_node!(
    /// A shell-form command.
    ShellForm, SHELL_FORM
);
ast_node!(
    /// A heredoc marker such as `<<-"EOF"`.
    HeredocMarker, HEREDOC_MARKER
);
ast_node!(
    /// A heredoc body and its terminator line.
    Heredoc, HEREDOC
);

fn logical_text_of_tokens<'t>(tokens: impl Iterator<Item = SyntaxToken<'t>>) -> String {
    tokens.map(SyntaxToken::text).collect()
}

/// The range covering a set of tokens, or `None` when there are none.
fn cover<'t>(tokens: impl Iterator<Item = SyntaxToken<'t>>) -> Option<TextRange> {
    tokens.map(SyntaxToken::range).reduce(TextRange::cover)
}

impl<'t> Dockerfile<'t> {
    /// Parser directives at the top of the file.
    pub fn directives(self) -> impl Iterator<Item = Directive<'t>> {
        self.0.children().filter_map(Directive::cast)
    }

    /// The top-level instructions, unknown ones included, in order.
    pub fn instructions(self) -> impl Iterator<Item = Instruction<'t>> {
        self.0.children().filter_map(Instruction::cast)
    }
}

impl<'t> Directive<'t> {
    /// The key as written (compare case-insensitively).
    #[must_use]
    pub fn key(self) -> Option<&'t str> {
        self.0
            .child_token(SyntaxKind::DIRECTIVE_KEY)
            .map(SyntaxToken::text)
    }

    #[must_use]
    pub fn value(self) -> Option<&'t str> {
        self.0
            .child_token(SyntaxKind::DIRECTIVE_VALUE)
            .map(SyntaxToken::text)
    }

    #[must_use]
    pub fn value_range(self) -> Option<TextRange> {
        self.0
            .child_token(SyntaxKind::DIRECTIVE_VALUE)
            .map(SyntaxToken::range)
    }
}

impl<'t> Instruction<'t> {
    #[must_use]
    pub fn kind(self) -> SyntaxKind {
        self.0.kind()
    }

    fn keyword_tokens(self) -> impl Iterator<Item = SyntaxToken<'t>> {
        self.0
            .children_with_tokens()
            .filter_map(SyntaxElement::as_token)
            .filter(|t| t.kind() == SyntaxKind::KEYWORD)
    }

    /// The keyword as BuildKit reads it (joined across a continuation), in its original case.
    #[must_use]
    pub fn keyword(self) -> String {
        logical_text_of_tokens(self.keyword_tokens())
    }

    /// The range of the keyword (from its first to its last piece).
    #[must_use]
    pub fn keyword_range(self) -> Option<TextRange> {
        cover(self.keyword_tokens())
    }

    /// The flags after the keyword, in order.
    pub fn flags(self) -> impl Iterator<Item = Flag<'t>> {
        self.0.children().filter_map(Flag::cast)
    }

    /// The first flag with this name (without the dashes).
    #[must_use]
    pub fn flag(self, name: &str) -> Option<Flag<'t>> {
        self.flags().find(|f| f.name() == name)
    }

    /// The words that are direct arguments (FROM, COPY, ADD, EXPOSE, VOLUME, USER, WORKDIR,
    /// STOPSIGNAL, MAINTAINER).
    pub fn words(self) -> impl Iterator<Item = Word<'t>> {
        self.0.children().filter_map(Word::cast)
    }

    /// The pairs of ENV, LABEL and ARG.
    pub fn key_values(self) -> impl Iterator<Item = KeyValue<'t>> {
        self.0.children().filter_map(KeyValue::cast)
    }

    /// The exec-form JSON array (RUN, CMD, ENTRYPOINT, SHELL, COPY, ADD, VOLUME; HEALTHCHECK CMD).
    #[must_use]
    pub fn exec_form(self) -> Option<JsonArray<'t>> {
        self.command_parent().children().find_map(JsonArray::cast)
    }

    /// The shell-form command (RUN, CMD, ENTRYPOINT; HEALTHCHECK CMD).
    #[must_use]
    pub fn shell_form(self) -> Option<ShellForm<'t>> {
        self.command_parent().children().find_map(ShellForm::cast)
    }

    fn command_parent(self) -> SyntaxNode<'t> {
        self.0.child(SyntaxKind::HEALTHCHECK_TYPE).unwrap_or(self.0)
    }

    /// Heredoc markers on the line, in order (inside shell form or among COPY/ADD sources).
    pub fn heredoc_markers(self) -> impl Iterator<Item = HeredocMarker<'t>> {
        self.0
            .descendants_with_tokens()
            .filter_map(|e| e.as_node().and_then(HeredocMarker::cast))
    }

    /// Heredoc bodies after the line, in the order of their markers. For an instruction
    /// wrapped by ONBUILD, the bodies follow the whole ONBUILD line and are found there.
    pub fn heredocs(self) -> impl Iterator<Item = Heredoc<'t>> {
        let holder = self
            .0
            .parent()
            .filter(|p| p.kind() == SyntaxKind::ONBUILD_INSTR)
            .unwrap_or(self.0);
        holder.children().filter_map(Heredoc::cast)
    }

    /// The instruction wrapped by ONBUILD.
    #[must_use]
    pub fn onbuild_trigger(self) -> Option<Instruction<'t>> {
        if self.kind() != SyntaxKind::ONBUILD_INSTR {
            return None;
        }
        self.0.children().find_map(Instruction::cast)
    }

    /// FROM: the image (or stage) word.
    #[must_use]
    pub fn from_image(self) -> Option<Word<'t>> {
        (self.kind() == SyntaxKind::FROM_INSTR)
            .then(|| self.words().next())
            .flatten()
    }

    /// FROM: the stage name after `AS`.
    #[must_use]
    pub fn from_stage_name(self) -> Option<Word<'t>> {
        self.0
            .child(SyntaxKind::STAGE_NAME)?
            .children()
            .find_map(Word::cast)
    }

    /// HEALTHCHECK: the type keyword (`CMD` or `NONE`, as written).
    #[must_use]
    pub fn healthcheck_type(self) -> Option<&'t str> {
        self.0
            .child(SyntaxKind::HEALTHCHECK_TYPE)?
            .child_token(SyntaxKind::KEYWORD)
            .map(SyntaxToken::text)
    }
}

impl<'t> Flag<'t> {
    /// The name without the leading dashes (flag names are case-sensitive).
    #[must_use]
    pub fn name(self) -> String {
        let raw = logical_text_of_tokens(
            self.0
                .children_with_tokens()
                .filter_map(SyntaxElement::as_token)
                .filter(|t| t.kind() == SyntaxKind::FLAG_NAME),
        );
        raw.strip_prefix("--").unwrap_or(&raw).to_string()
    }

    /// The range of `--name`.
    #[must_use]
    pub fn name_range(self) -> Option<TextRange> {
        cover(
            self.0
                .children_with_tokens()
                .filter_map(SyntaxElement::as_token)
                .filter(|t| t.kind() == SyntaxKind::FLAG_NAME),
        )
    }

    /// Whether `=` follows the name.
    #[must_use]
    pub fn has_value(self) -> bool {
        self.0.child_token(SyntaxKind::EQUALS).is_some()
    }

    /// The value as a word (none for `--link`, `--flag=` and `--mount`).
    #[must_use]
    pub fn value(self) -> Option<Word<'t>> {
        self.0.children().find_map(Word::cast)
    }

    /// The value's text after the `=`, quotes kept, or `None` without `=`.
    #[must_use]
    pub fn value_text(self) -> Option<String> {
        let eq = self.0.child_token(SyntaxKind::EQUALS)?;
        let mut text = String::new();
        for t in self.0.logical_tokens() {
            if t.range().start >= eq.range().end {
                text.push_str(t.text());
            }
        }
        Some(text)
    }

    /// The `key=value` fields of a `--mount` value.
    pub fn mount_options(self) -> impl Iterator<Item = KeyValue<'t>> {
        self.0
            .child(SyntaxKind::MOUNT_OPTIONS)
            .into_iter()
            .flat_map(SyntaxNode::children)
            .filter_map(KeyValue::cast)
    }
}

impl<'t> Word<'t> {
    /// The word as BuildKit reads it before expansion: quotes and escapes kept, line
    /// continuations removed.
    #[must_use]
    pub fn text(self) -> String {
        self.0.logical_text()
    }

    /// The word with quotes and escapes removed, variables left as written. `escape` is the
    /// file's escape character.
    #[must_use]
    pub fn unquoted(self, escape: char) -> String {
        unquote(&self.text(), escape)
    }

    /// The variable references in the word, nested ones included, in order.
    pub fn variables(self) -> impl Iterator<Item = VarRef<'t>> {
        self.0
            .descendants_with_tokens()
            .filter_map(|e| e.as_node().and_then(VarRef::cast))
    }

    /// Whether the word contains a variable reference.
    #[must_use]
    pub fn has_variables(self) -> bool {
        self.variables().next().is_some()
    }
}

impl<'t> VarRef<'t> {
    /// The variable name.
    #[must_use]
    pub fn name(self) -> Option<&'t str> {
        self.0
            .child_token(SyntaxKind::VAR_NAME)
            .map(SyntaxToken::text)
    }

    #[must_use]
    pub fn name_range(self) -> Option<TextRange> {
        self.0
            .child_token(SyntaxKind::VAR_NAME)
            .map(SyntaxToken::range)
    }

    /// Whether it is written with braces: `${name}`.
    #[must_use]
    pub fn is_braced(self) -> bool {
        self.0.child_token(SyntaxKind::L_BRACE).is_some()
    }

    /// The modifier operator (`:-`, `-`, `:+`, `+`, `:?`, `?`, `#`, `##`, `%`, `%%`, `/`, `//`).
    #[must_use]
    pub fn operator(self) -> Option<&'t str> {
        self.0
            .child_token(SyntaxKind::VAR_OPERATOR)
            .map(SyntaxToken::text)
    }

    /// The arguments after the operator: the default/alternative/pattern, and for `/` and
    /// `//` the replacement as the second.
    pub fn arguments(self) -> impl Iterator<Item = SyntaxNode<'t>> {
        self.0
            .children()
            .filter(|n| n.kind() == SyntaxKind::VAR_ARGUMENT)
    }
}

impl<'t> KeyValue<'t> {
    /// The key (or the ARG name).
    #[must_use]
    pub fn key(self) -> Option<Word<'t>> {
        self.0.children().find_map(Word::cast)
    }

    /// The value: after `=`, or the rest of the line in legacy `ENV key value`.
    #[must_use]
    pub fn value(self) -> Option<Word<'t>> {
        self.0.children().filter_map(Word::cast).nth(1)
    }

    /// Whether the pair uses `=` (false for legacy ENV/LABEL and for a bare ARG name).
    #[must_use]
    pub fn has_equals(self) -> bool {
        self.0.child_token(SyntaxKind::EQUALS).is_some()
    }
}

impl JsonArray<'_> {
    /// The decoded string elements (non-strings, which BuildKit rejects, are skipped).
    #[must_use]
    pub fn strings(self) -> Vec<String> {
        // A string may be split by a line continuation, so join pieces between separators.
        let mut out = Vec::new();
        let mut current = String::new();
        for t in self.0.logical_tokens() {
            match t.kind() {
                SyntaxKind::JSON_STRING => current.push_str(t.text()),
                SyntaxKind::COMMA | SyntaxKind::R_BRACKET if !current.is_empty() => {
                    out.extend(decode_json_string(&current));
                    current.clear();
                }
                _ => {}
            }
        }
        out
    }
}

impl ShellForm<'_> {
    /// The command as BuildKit passes it to the shell: continuations and comment lines removed.
    #[must_use]
    pub fn text(self) -> String {
        self.0.logical_text()
    }
}

impl<'t> HeredocMarker<'t> {
    fn operator(self) -> &'t str {
        self.0
            .child_token(SyntaxKind::HEREDOC_OPERATOR)
            .map_or("", SyntaxToken::text)
    }

    /// The delimiter as written, quotes included.
    #[must_use]
    pub fn delimiter(self) -> Option<&'t str> {
        self.0
            .child_token(SyntaxKind::HEREDOC_DELIMITER)
            .map(SyntaxToken::text)
    }

    /// The delimiter name, quotes removed.
    #[must_use]
    pub fn name(self, escape: char) -> Option<String> {
        self.delimiter().map(|d| unquote(d, escape))
    }

    /// `<<-`: leading tabs are removed from the body and the terminator.
    #[must_use]
    pub fn chomp(self) -> bool {
        self.operator().ends_with('-')
    }

    /// The file descriptor prefix (`3<<EOF`), if any.
    #[must_use]
    pub fn fd(self) -> Option<u32> {
        let digits = self.operator().trim_end_matches(['<', '-']);
        digits.parse().ok()
    }

    /// Whether the builder expands variables in the body: no part of the delimiter is
    /// quoted. BuildKit decides this by comparing the quotes left after unquoting with the
    /// quotes written, so an escaped quote (`<<eo\'f`) does not count.
    #[must_use]
    pub fn expands(self, escape: char) -> bool {
        let count = |s: &str| s.chars().filter(|&c| c == '\'' || c == '"').count();
        self.delimiter()
            .is_some_and(|d| count(d) == count(&unquote(d, escape)))
    }
}

impl<'t> Heredoc<'t> {
    /// The body exactly as written.
    #[must_use]
    pub fn raw_body(self) -> &'t str {
        self.0
            .child_token(SyntaxKind::HEREDOC_BODY)
            .map_or("", SyntaxToken::text)
    }

    /// The terminator line, or `None` when the heredoc runs to the end of the file.
    #[must_use]
    pub fn terminator(self) -> Option<&'t str> {
        self.0
            .child_token(SyntaxKind::HEREDOC_END)
            .map(SyntaxToken::text)
    }

    /// The content BuildKit uses: the body bytes with their line endings as written
    /// (BuildKit's scanner keeps `\r\n`), and with `chomp`, leading tabs removed from every
    /// line (`ChompHeredocContent`).
    #[must_use]
    pub fn content(self, chomp: bool) -> String {
        if !chomp {
            return self.raw_body().to_string();
        }
        self.raw_body()
            .split_inclusive('\n')
            .map(|line| line.trim_start_matches('\t'))
            .collect()
    }
}

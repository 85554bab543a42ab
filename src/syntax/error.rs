//! Syntax errors: the hard errors BuildKit raises while reading a Dockerfile, with stable codes.

use super::text::TextRange;

/// A syntax error found while parsing. Parsing goes on after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub code: SyntaxErrorCode,
    /// What is wrong, as one sentence without a trailing period.
    pub message: String,
    /// What to do about it, when there is something to say.
    pub help: Option<String>,
    /// The smallest range that shows the problem.
    pub range: TextRange,
    /// A likely repair, when the parser can tell what was meant.
    pub suggestion: Option<Suggestion>,
}

/// A likely repair of a syntax error: one replacement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// What the repair does, imperative: "Change to `--chown`".
    pub title: String,
    pub range: TextRange,
    pub replacement: String,
}

impl SyntaxError {
    pub(crate) fn new(code: SyntaxErrorCode, range: TextRange, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            help: None,
            range,
            suggestion: None,
        }
    }

    #[must_use]
    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

macro_rules! syntax_error_codes {
    ($($variant:ident = $code:literal, $name:literal, $summary:literal;)*) => {
        /// The stable code of each kind of syntax error. Codes never change and are never reused.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum SyntaxErrorCode {
            $(#[doc = $summary] $variant,)*
        }

        impl SyntaxErrorCode {
            /// Every code, in code order.
            pub const ALL: &'static [SyntaxErrorCode] = &[$(SyntaxErrorCode::$variant,)*];

            /// The stable code, such as `DFL0001`.
            #[must_use]
            pub fn code(self) -> &'static str {
                match self { $(SyntaxErrorCode::$variant => $code,)* }
            }

            /// The kebab-case name, such as `unknown-instruction`.
            #[must_use]
            pub fn name(self) -> &'static str {
                match self { $(SyntaxErrorCode::$variant => $name,)* }
            }

            /// One line saying what the error means.
            #[must_use]
            pub fn summary(self) -> &'static str {
                match self { $(SyntaxErrorCode::$variant => $summary,)* }
            }
        }
    };
}

syntax_error_codes! {
    UnknownInstruction = "DFL0001", "unknown-instruction", "The line starts with a word that is not a Dockerfile instruction.";
    UnknownFlag = "DFL0002", "unknown-flag", "The instruction does not accept this flag.";
    DuplicateFlag = "DFL0003", "duplicate-flag", "A flag that may appear once is given twice.";
    FlagMissingValue = "DFL0004", "flag-missing-value", "A flag that needs a value has none.";
    InvalidFlagValue = "DFL0005", "invalid-flag-value", "A flag's value is not one the builder accepts.";
    MissingArguments = "DFL0006", "missing-arguments", "The instruction has fewer arguments than it needs.";
    TooManyArguments = "DFL0007", "too-many-arguments", "The instruction has more arguments than it accepts.";
    InvalidStageName = "DFL0008", "invalid-stage-name", "A build stage name must start with a letter and contain only letters, digits, `-`, `_` and `.`.";
    NonStringJsonArray = "DFL0009", "non-string-json-array", "An exec-form JSON array contains something other than strings.";
    ShellNotJson = "DFL0010", "shell-not-json", "SHELL takes its arguments in JSON form only.";
    InvalidOnbuildTrigger = "DFL0011", "invalid-onbuild-trigger", "ONBUILD cannot wrap ONBUILD, FROM or MAINTAINER.";
    InvalidHealthcheck = "DFL0012", "invalid-healthcheck", "HEALTHCHECK needs `NONE`, or `CMD` followed by a command.";
    DuplicateDirective = "DFL0013", "duplicate-directive", "A parser directive is given twice.";
    InvalidEscapeDirective = "DFL0014", "invalid-escape-directive", "The escape directive accepts only a backslash or a backtick.";
    UnterminatedHeredoc = "DFL0015", "unterminated-heredoc", "A heredoc is not closed by its delimiter line before the end of the file.";
    HeredocDestination = "DFL0016", "heredoc-destination", "COPY and ADD cannot use a heredoc as the destination.";
    BadSubstitution = "DFL0017", "bad-substitution", "A `${...}` variable reference is malformed.";
    MissingEquals = "DFL0018", "missing-equals", "An ENV or LABEL pair lacks its `=`.";
    BlankName = "DFL0019", "blank-name", "An ARG, ENV or LABEL pair has an empty name.";
    NoInstructions = "DFL0020", "no-instructions", "The file contains no instructions.";
    InstructionBeforeFrom = "DFL0021", "instruction-before-from", "Only ARG may come before the first FROM.";
    LineTooLong = "DFL0022", "line-too-long", "A line is longer than the 65,535 bytes the builder reads.";
    UnterminatedQuote = "DFL0023", "unterminated-quote", "A quoted string is not closed.";
    InvalidFromArguments = "DFL0024", "invalid-from-arguments", "FROM takes an image, optionally followed by `AS name`.";
    EmptyVolume = "DFL0025", "empty-volume", "A VOLUME path is an empty string.";
}

impl SyntaxErrorCode {
    /// Equivalent checks of other tools (hadolint codes), so that their selectors and
    /// configuration name the error too.
    #[must_use]
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            SyntaxErrorCode::InvalidOnbuildTrigger => &["DL3043"],
            SyntaxErrorCode::InstructionBeforeFrom => &["DL3061"],
            _ => &[],
        }
    }
}

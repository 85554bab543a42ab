//! Simple commands and words of a shell script, with source ranges, and the flag helpers
//! rules use on them.

use crate::syntax::TextRange;

/// A shell word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The word as written in the script (quotes, escapes and expansions kept; a line
    /// continuation removed by the Dockerfile parser is not in it).
    pub text: String,
    /// The word's literal value when it has no expansion (`$x`, `${x}`, `$(...)`, `` `...` ``,
    /// `$((...))`, `<(...)`, `{1..3}`): quotes removed and escapes resolved. Globs and `~`
    /// are not considered expansions here.
    pub value: Option<String>,
    /// The word in the Dockerfile source.
    pub range: TextRange,
}

impl Word {
    /// The literal value, or the text as written when the word has an expansion.
    #[must_use]
    pub fn value_or_text(&self) -> &str {
        self.value.as_deref().unwrap_or(&self.text)
    }

    /// Whether the word's literal value is `s`.
    #[must_use]
    pub fn is(&self, s: &str) -> bool {
        self.value.as_deref() == Some(s)
    }
}

/// The control operator after a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Separator {
    /// `&&`.
    And,
    /// `||`.
    Or,
    /// `;`, or a newline between commands (in heredoc scripts).
    Semicolon,
    /// `|` or `|&`.
    Pipe,
    /// `&`.
    Background,
}

/// A simple command: `[assignments] name [args]`, with redirections set aside.
///
/// [`crate::shell::Script::commands`] returns every simple command of the script: at the
/// top level, in `&&`/`||` lists and pipelines, in subshells and `{ }` groups, in the
/// conditions and bodies of `if`, `while`, `until`, `for` and `case`, and in function
/// bodies. Commands inside command substitutions (`$(...)`, `` `...` ``), process
/// substitutions and heredoc bodies are not included, nor are `[ ]`/`[[ ]]` tests and bare
/// assignments. Declaration builtins (`export`, `declare`, `local`, `readonly`, `typeset`,
/// `unset`) are commands named by their keyword. Wrappers (`sudo`, `env`, `command`,
/// `exec`, `time`, ...) stay the command name; their command is among the args.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// The command name (`apt-get`, `sudo`, ...).
    pub name: Word,
    /// The arguments after the name, redirections excluded.
    pub args: Vec<Word>,
    /// Leading variable assignments: `FOO=1` in `FOO=1 make`.
    pub assignments: Vec<Word>,
    /// From the first assignment or the name to the last argument, in the source
    /// (redirections in between included, trailing ones excluded).
    pub range: TextRange,
    /// The operator right after the command (its trailing redirections skipped); `None` at
    /// the end of the script, of a subshell or group, or of an `if`/loop part.
    pub separator_after: Option<Separator>,
    /// Whether the command is part of a pipeline (`a | b`: both), including inside a
    /// subshell or group that is.
    pub in_pipeline: bool,
    /// Whether the command is inside `( )` or `{ }` (function bodies included).
    pub in_subshell_or_group: bool,
    /// Whether `!` inverts the command's status, or that of the pipeline it is in.
    pub negated: bool,
    /// Whether tree-sitter found the command inside a part it could not parse (the script
    /// has errors); rules may want to skip such commands.
    pub recovered: bool,
}

impl Command {
    /// Whether an argument before `--` is the flag: `short` as `-y` or within combined short
    /// flags (`-qy`), or `long` as `--name`, `--name=value` (or `--name value`; the value
    /// is not checked). `short` and `long` are given without dashes. In combined short flags,
    /// only the leading letters and digits count, so `-oAPT::Get=y` has no `-y` (it may still
    /// count the value letters of an attached short-flag value such as `-ofoo`).
    #[must_use]
    pub fn has_flag(&self, short: Option<char>, long: Option<&str>) -> bool {
        for arg in &self.args {
            let Some(value) = arg.value.as_deref() else {
                continue;
            };
            if value == "--" {
                return false;
            }
            if let Some(rest) = value.strip_prefix("--") {
                let name = rest.split_once('=').map_or(rest, |(name, _)| name);
                if long == Some(name) {
                    return true;
                }
            } else if let Some(rest) = value.strip_prefix('-')
                && let Some(short) = short
                && rest
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .any(|c| c == short)
            {
                return true;
            }
        }
        false
    }

    /// The first argument that is not a flag (`install` in `apt-get -q install x`). A flag's
    /// separate value is not recognised as one (`apt-get -o Foo=1 install` gives `Foo=1`).
    #[must_use]
    pub fn subcommand(&self) -> Option<&Word> {
        self.args.iter().find(|a| {
            let v = a.value_or_text();
            v == "-" || !v.starts_with('-')
        })
    }

    /// The source offset just after the last argument (or the name): where `" -y"` can be
    /// inserted to append a flag. Trailing redirections come after it.
    #[must_use]
    pub fn end_offset(&self) -> u32 {
        self.args.last().unwrap_or(&self.name).range.end
    }

    /// Whether the command name's literal value is `name`.
    #[must_use]
    pub fn is(&self, name: &str) -> bool {
        self.name.is(name)
    }
}

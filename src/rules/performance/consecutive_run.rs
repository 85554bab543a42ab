//! DFL3001 `consecutive-run`: a `RUN` directly follows another `RUN` it could be merged with.

use crate::Diagnostic;
use crate::ast::Instruction;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::split_and_list;
use crate::semantic::{Base, Build, Field};
use crate::shell::is_known_posix_shell;
use crate::syntax::{SyntaxElement, SyntaxKind, TextRange};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL3001",
    name: "consecutive-run",
    category: RuleCategory::Performance,
    severity: Severity::Info,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DL3059", "DF003"],
    summary: "A `RUN` directly follows another `RUN` with the same flags and could be merged with it.",
    docs: r#"## What it does
Checks each `RUN` against the instruction before it in the same stage. It flags a `RUN` that
directly follows another `RUN` (only comments and blank lines between) when both are in
shell form, neither has a heredoc, both have the same flags (`--mount`, `--network`,
`--security`, written the same way) and the stage's shell is a POSIX shell (no `SHELL`
switching to `cmd` or PowerShell, no Windows base image). In a row of three or more such
`RUN`s, every one after the first is reported.

Differences from hadolint (`DL3059`): hadolint does not flag a `RUN` when either of the
two has more than two commands; dflint does, since the extra layer costs the same however
long the scripts are. That is most of the corpus findings of dflint only (about 4,400).
dflint skips exec-form `RUN`s, heredocs and Windows shells (`cmd`, PowerShell), where two
scripts cannot be joined with `&&`; those are the findings of hadolint only.

## Why is this bad?
Every `RUN` makes a layer. Commands that belong together and run one after the other with
the same flags and environment gain nothing from separate layers: the image carries more
layers and metadata, files deleted by the second `RUN` still take space in the first one's
layer, and the build snapshots the filesystem once more.

Keeping commands apart can be deliberate (a slow, rarely changing step cached on its own),
which is why the rule is only informational.

## Example
```dockerfile
FROM debian:12
RUN apt-get update
RUN apt-get install -y --no-install-recommends curl
```

## Use instead
```dockerfile
FROM debian:12
RUN apt-get update && \
    apt-get install -y --no-install-recommends curl
```

## Fix safety
The fix joins the second command to the first with ` && ` and a line continuation (using the
file's escape character and line ending), so the commands run in the same order with the
same flags and environment, and the second still runs only when the first succeeds. It is
offered only when that holds exactly, and not offered when:

- comment lines sit between the two `RUN`s (or between the second `RUN` and its command),
  since the merge would drop them;
- the first command ends in a way that `&&` would change or break: a trailing `&`, `;`,
  `|`, `&&` or `||`, a shell comment, an unterminated quote, a trailing backslash or a
  here-document;
- the first command changes the shell's state for what follows (`cd`, `export`, `set`,
  `umask`, `source`, `exec`, `exit`, a bare variable assignment, a function definition...),
  or starts a background job, because the second command would then see that state;
- the second command has a top-level `;`, `||` or `&`, where `&&` would only bind to its
  first part, or a here-document;
- either instruction has a syntax error.

## References
- Docker's best practices: `RUN`.
- hadolint DL3059.
"#,
    fix_changes: &[],
};

/// DFL3001
pub struct ConsecutiveRun;

/// Shell builtins and keywords whose effect outlives the command: after a merge, the second
/// command would see it.
const STATEFUL: &[&str] = &[
    ".", "alias", "builtin", "cd", "declare", "enable", "eval", "exec", "exit", "export",
    "getopts", "hash", "local", "popd", "pushd", "read", "readonly", "return", "set", "shift",
    "shopt", "source", "trap", "typeset", "ulimit", "umask", "unalias", "unset",
];

/// Whether the shell in force at the start of stage `index` is a POSIX shell.
fn stage_starts_posix(build: &Build, index: usize) -> bool {
    let mut current = index;
    for _ in 0..=build.stages.len() {
        let Some(stage) = build.stages.get(current) else {
            return false;
        };
        match &stage.base {
            Base::Scratch => return true,
            Base::Image(image) => {
                let path = image.path().to_ascii_lowercase();
                return !["windows", "nanoserver", "servercore"]
                    .iter()
                    .any(|w| path.contains(w));
            }
            // Unknown bases: assume the usual Linux shell, as BuildKit's default does.
            Base::Symbolic(_) | Base::Invalid { .. } => return true,
            Base::Stage(base) => {
                let Some(base_stage) = build.stages.get(*base) else {
                    return false;
                };
                if let Field::Set(shell) = &base_stage.config.shell {
                    return is_known_posix_shell(shell);
                }
                current = *base;
            }
        }
    }
    false
}

/// A shell token, as far as merging with `&&` is concerned.
#[derive(Debug, PartialEq, Eq)]
enum Tok {
    Word(String),
    Op(&'static str),
}

/// A shell command split into tokens.
#[derive(Debug, Default)]
struct Lexed {
    tokens: Vec<Tok>,
    /// An unterminated quote or substitution, or a trailing backslash.
    incomplete: bool,
    /// A comment runs to the end of the command.
    comment: bool,
    /// A here-document operator (`<<`, `<<-`).
    heredoc: bool,
}

/// Operators, longest first.
const OPERATORS: &[&str] = &[
    "&>>", "<<<", "<<-", "&&", "||", ";;", "<<", ">>", ">&", "<&", ">|", "<>", "&>", "|&", "&",
    "|", ";", "<", ">", "(", ")",
];

/// The end (exclusive) of a substitution or quoted part opened at `chars[start]`, or `None`
/// when it is not closed. Handles `$(...)`, `${...}`, `` `...` `` and `"..."`.
fn skip_group(chars: &[char], start: usize) -> Option<usize> {
    let close = match chars[start] {
        '`' => '`',
        '"' => '"',
        '(' => ')',
        '{' => '}',
        _ => return Some(start + 1),
    };
    let nests = matches!(close, ')' | '}');
    let mut depth = 0usize;
    let mut i = start + 1;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => i += 1,
            _ if c == close && depth == 0 => return Some(i + 1),
            _ if c == close => depth -= 1,
            '(' | '{' if nests && c == chars[start] => depth += 1,
            '\'' if close != '"' && close != '`' => {
                let end = chars[i + 1..].iter().position(|&q| q == '\'')?;
                i += end + 1;
            }
            '"' if close != '"' => i = skip_group(chars, i)? - 1,
            '`' if close != '`' => i = skip_group(chars, i)? - 1,
            '$' if chars.get(i + 1).is_some_and(|n| matches!(n, '(' | '{')) => {
                i = skip_group(chars, i + 1)? - 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Splits a POSIX shell command into words and operators.
fn lex(command: &str) -> Lexed {
    let chars: Vec<char> = command.chars().collect();
    let mut out = Lexed::default();
    let mut word = String::new();
    let mut i = 0;
    let flush = |word: &mut String, out: &mut Lexed| {
        if !word.is_empty() {
            out.tokens.push(Tok::Word(std::mem::take(word)));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let end = match c {
            ' ' | '\t' | '\n' | '\r' => {
                flush(&mut word, &mut out);
                i += 1;
                continue;
            }
            '#' if word.is_empty() => {
                out.comment = true;
                break;
            }
            '\\' if i + 1 == chars.len() => {
                out.incomplete = true;
                break;
            }
            '\\' => Some(i + 2),
            '\'' => chars[i + 1..]
                .iter()
                .position(|&q| q == '\'')
                .map(|p| i + p + 2),
            '"' | '`' => skip_group(&chars, i),
            '$' if chars.get(i + 1).is_some_and(|n| matches!(n, '(' | '{')) => {
                skip_group(&chars, i + 1)
            }
            '&' | '|' | ';' | '<' | '>' | '(' | ')' => {
                flush(&mut word, &mut out);
                let rest: String = chars[i..chars.len().min(i + 3)].iter().collect();
                let op = OPERATORS
                    .iter()
                    .find(|op| rest.starts_with(**op))
                    .copied()
                    .unwrap_or("&");
                if op == "<<" || op == "<<-" {
                    out.heredoc = true;
                }
                out.tokens.push(Tok::Op(op));
                i += op.len();
                continue;
            }
            _ => Some(i + 1),
        };
        let Some(end) = end else {
            out.incomplete = true;
            break;
        };
        word.extend(&chars[i..end.min(chars.len())]);
        i = end;
    }
    flush(&mut word, &mut out);
    out
}

/// Whether a word is a variable assignment (`NAME=value`).
fn is_assignment(word: &str) -> bool {
    let Some((name, _)) = word.split_once('=') else {
        return false;
    };
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Operators after which a command starts.
fn starts_command(op: &str) -> bool {
    matches!(op, "&&" | "||" | ";" | ";;" | "&" | "|" | "|&" | "(")
}

/// Operators whose next word is a file name or descriptor.
fn is_redirection(op: &str) -> bool {
    matches!(
        op,
        "<" | ">" | ">>" | ">&" | "<&" | ">|" | "<>" | "&>" | "&>>" | "<<<" | "<<" | "<<-"
    )
}

/// Reserved words after which a command starts.
const OPENERS: &[&str] = &[
    "if", "then", "else", "elif", "do", "while", "until", "{", "!",
];

/// A walk over the tokens of a command that knows which words are command names.
/// Calls `visit(index, word, subshell depth)` for each command name and stops with `false`
/// when it does.
fn for_each_command_name(
    tokens: &[Tok],
    mut visit: impl FnMut(usize, &str, usize) -> bool,
) -> bool {
    let mut command_position = true;
    let mut after_redirection = false;
    let mut subshells = 0usize;
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Tok::Op(op) => {
                match *op {
                    "(" => subshells += 1,
                    ")" => subshells = subshells.saturating_sub(1),
                    _ => {}
                }
                if is_redirection(op) {
                    after_redirection = true;
                } else {
                    command_position = starts_command(op);
                }
            }
            Tok::Word(_) if after_redirection => after_redirection = false,
            Tok::Word(w) if command_position => {
                if !visit(i, w, subshells) {
                    return false;
                }
                // A prefix assignment keeps the command position.
                command_position = is_assignment(w) || OPENERS.contains(&w.as_str());
            }
            Tok::Word(_) => {}
        }
    }
    true
}

/// Whether `&&` and a command can follow `command` without changing what either does.
fn can_come_first(command: &str) -> bool {
    let lexed = lex(command);
    if lexed.incomplete || lexed.comment || lexed.heredoc {
        return false;
    }
    let tokens = &lexed.tokens;
    match tokens.last() {
        None => return false,
        Some(Tok::Op(op)) if *op != ")" => return false,
        _ => {}
    }
    if tokens
        .iter()
        .any(|t| matches!(t, Tok::Op("&" | "&>" | ";;")))
    {
        return false;
    }
    let mut last_name = String::new();
    let ok = for_each_command_name(tokens, |i, w, subshells| {
        last_name = w.to_string();
        if w == "case" {
            return false;
        }
        // What a subshell changes ends with it.
        if subshells > 0 {
            return true;
        }
        if is_assignment(w) {
            // A bare assignment (no command after it) sets a shell variable.
            return matches!(tokens.get(i + 1), Some(Tok::Word(_)));
        }
        let function = matches!(tokens.get(i + 1), Some(Tok::Op("(")));
        !(function || w == "function" || STATEFUL.contains(&w))
    });
    // A command that ends on a word opening a compound command is incomplete.
    let ends_open = matches!(tokens.last(), Some(Tok::Word(w)) if *w == last_name)
        && (OPENERS.contains(&last_name.as_str()) || matches!(last_name.as_str(), "for" | "in"));
    ok && !ends_open
}

/// Whether `first && command` runs `command` as a whole after `first`: no top-level
/// operator binds looser than `&&` would.
fn can_come_second(command: &str) -> bool {
    let lexed = lex(command);
    if lexed.incomplete || lexed.heredoc || lexed.tokens.is_empty() {
        return false;
    }
    let tokens = &lexed.tokens;
    let mut depth = 0i32;
    let mut ok = true;
    let mut names: Vec<usize> = Vec::new();
    for_each_command_name(tokens, |i, w, _| {
        names.push(i);
        if w == "case" {
            ok = false;
        }
        true
    });
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Tok::Op("(") => depth += 1,
            Tok::Op(")") => depth -= 1,
            Tok::Op("&" | "&>" | ";;") => ok = false,
            Tok::Op(";") if depth == 0 && i + 1 < tokens.len() => ok = false,
            Tok::Op("||") if depth == 0 => ok = false,
            Tok::Word(w) if names.contains(&i) => match w.as_str() {
                "if" | "while" | "until" | "for" | "select" | "{" => depth += 1,
                "fi" | "done" | "}" => depth -= 1,
                _ => {}
            },
            _ => {}
        }
        if depth < 0 {
            ok = false;
        }
    }
    ok && depth == 0
}

/// The 1-based line of `offset`.
fn line_of(source: &str, offset: u32) -> usize {
    source[..offset as usize].matches('\n').count() + 1
}

/// The spaces and tabs that start the line containing `offset`.
fn indentation_at(source: &str, offset: u32) -> &str {
    let line_start = source[..offset as usize].rfind('\n').map_or(0, |p| p + 1);
    let rest = &source[line_start..];
    &rest[..rest.len() - rest.trim_start_matches([' ', '\t']).len()]
}

/// The flags of an instruction, as written (continuations removed).
fn flag_texts(instruction: Instruction<'_>) -> Vec<String> {
    instruction
        .flags()
        .map(|f| f.syntax().logical_text())
        .collect()
}

/// Whether a RUN can be merged at all: shell form, no heredoc.
fn is_plain_shell_run(instruction: Instruction<'_>) -> bool {
    instruction.kind() == SyntaxKind::RUN_INSTR
        && instruction.exec_form().is_none()
        && instruction.shell_form().is_some()
        && instruction.heredoc_markers().next().is_none()
}

/// The fix that appends the command of `second` to `first`, when it keeps the build.
fn merge_fix(
    ctx: &RuleContext<'_>,
    first: Instruction<'_>,
    second: Instruction<'_>,
) -> Option<Fix> {
    let source = ctx.source;
    let first_shell = first.shell_form()?;
    let second_shell = second.shell_form()?;
    // The logical end of the first RUN must be the end of its command.
    let end = first_shell.range().end;
    if !source[end as usize..first.range().end as usize]
        .trim()
        .is_empty()
    {
        return None;
    }
    let second_text = &source[second_shell.range().as_usize()];
    let start = second_shell.range().start
        + u32::try_from(second_text.len() - second_text.trim_start().len()).ok()?;
    let replaced = TextRange::new(end, start);
    let tree = ctx.parse.tree();
    // Comments in the replaced text would be lost.
    if tree.root().tokens().any(|t| {
        t.kind() == SyntaxKind::COMMENT
            && t.range().start >= replaced.start
            && t.range().end <= replaced.end
    }) {
        return None;
    }
    let span = first.range().cover(second.range());
    if ctx
        .parse
        .errors()
        .iter()
        .any(|e| e.range.start <= span.end && e.range.end >= span.start)
    {
        return None;
    }
    let first_command = first_shell.text();
    let second_command = second_shell.text();
    if !can_come_first(first_command.trim()) || !can_come_second(second_command.trim()) {
        return None;
    }
    // The comparison of builds must see the same commands, in the same order.
    let mut expected = split_and_list(first_command.trim());
    expected.extend(split_and_list(second_command.trim()));
    let merged = format!("{} && {}", first_command.trim(), second_command.trim());
    if split_and_list(&merged) != expected {
        return None;
    }
    let newline = match tree.token_at(first.range().end) {
        Some(t) if t.kind() == SyntaxKind::NEWLINE => t.text(),
        _ => "\n",
    };
    let indent = if indentation_line_start(source, end) > first.range().start {
        indentation_at(source, end).to_string()
    } else {
        let keyword = second.keyword_range()?;
        format!("{}    ", indentation_at(source, keyword.start))
    };
    let replacement = format!(" && {}{newline}{indent}", ctx.escape());
    Some(Fix::new(
        format!(
            "Merge into the `RUN` on line {}",
            line_of(source, first.range().start)
        ),
        Applicability::Safe,
        vec![Edit::replace(replaced, replacement)],
    ))
}

/// The offset where the line containing `offset` starts.
fn indentation_line_start(source: &str, offset: u32) -> u32 {
    source[..offset as usize]
        .rfind('\n')
        .map_or(0, |p| u32::try_from(p + 1).unwrap_or(0))
}

impl Rule for ConsecutiveRun {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let mut previous: Option<Instruction<'_>> = None;
        let mut posix = false;
        let mut in_stage = false;
        for element in ctx.parse.tree().root().children_with_tokens() {
            let SyntaxElement::Node(node) = element else {
                continue;
            };
            let Some(instruction) = Instruction::cast(node) else {
                continue;
            };
            match instruction.kind() {
                SyntaxKind::FROM_INSTR => {
                    in_stage = true;
                    posix = ctx
                        .build
                        .stages
                        .iter()
                        .find(|s| s.from_range == instruction.range())
                        .is_some_and(|s| stage_starts_posix(ctx.build, s.index));
                }
                SyntaxKind::SHELL_INSTR => {
                    posix = instruction
                        .exec_form()
                        .is_some_and(|a| is_known_posix_shell(&a.strings()));
                }
                SyntaxKind::RUN_INSTR => {
                    if let Some(first) = previous
                        && in_stage
                        && posix
                        && is_plain_shell_run(first)
                        && is_plain_shell_run(instruction)
                        && flag_texts(first) == flag_texts(instruction)
                        && let Some(keyword) = instruction.keyword_range()
                    {
                        let line = line_of(ctx.source, first.range().start);
                        out.push(
                            META.diagnostic(
                                keyword,
                                format!(
                                    "`RUN` can be merged with the `RUN` on line {line}, saving a layer"
                                ),
                            )
                            .with_help("join the two commands with `&&` in one `RUN`")
                            .with_fix(merge_fix(ctx, first, instruction)),
                        );
                    }
                }
                _ => {}
            }
            previous = Some(instruction);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ConsecutiveRun, can_come_first, can_come_second};
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn merges_a_pair() {
        let source = "FROM alpine\nRUN apk update\n\nRUN apk add curl\nCMD [\"sh\"]\n";
        let diagnostics = check(&ConsecutiveRun, source);
        assert_eq!(flagged(source, &diagnostics), ["RUN"]);
        assert_eq!(diagnostics[0].range.start, 28);
        assert_eq!(
            diagnostics[0].message,
            "`RUN` can be merged with the `RUN` on line 2, saving a layer"
        );
        assert_eq!(
            fixed(source, &diagnostics),
            "FROM alpine\nRUN apk update && \\\n    apk add curl\nCMD [\"sh\"]\n"
        );
    }

    #[test]
    fn keeps_crlf_and_the_escape_character() {
        let source = "FROM alpine\r\nRUN a  \r\nRUN b\r\n";
        let diagnostics = check(&ConsecutiveRun, source);
        assert_eq!(
            fixed(source, &diagnostics),
            "FROM alpine\r\nRUN a && \\\r\n    b\r\n"
        );
        let source = "# escape=`\nFROM alpine\nRUN a\nRUN b\n";
        let diagnostics = check(&ConsecutiveRun, source);
        assert_eq!(
            fixed(source, &diagnostics),
            "# escape=`\nFROM alpine\nRUN a && `\n    b\n"
        );
    }

    #[test]
    fn three_runs_give_two_diagnostics_and_merge_into_one() {
        let source = "FROM alpine\nRUN a\nRUN b\nrun c\n";
        let diagnostics = check(&ConsecutiveRun, source);
        assert_eq!(flagged(source, &diagnostics), ["RUN", "run"]);
        assert!(diagnostics[1].message.ends_with("line 3, saving a layer"));
        let mut edits: Vec<_> = diagnostics
            .iter()
            .flat_map(|d| d.fix.clone().unwrap().edits)
            .collect();
        edits.sort_by_key(|e| e.range.start);
        assert_eq!(
            crate::fix::apply_edits(source, &edits),
            "FROM alpine\nRUN a && \\\n    b && \\\n    c\n"
        );
    }

    #[test]
    fn keeps_the_line_breaks_of_continued_runs() {
        let source =
            "FROM alpine\nRUN apk update \\\n  && apk upgrade\nRUN apk add \\\n      curl\n";
        let diagnostics = check(&ConsecutiveRun, source);
        assert_eq!(
            fixed(source, &diagnostics),
            "FROM alpine\nRUN apk update \\\n  && apk upgrade && \\\n  apk add \\\n      curl\n"
        );
        let source = "FROM alpine\nRUN a\nRUN \\\n  b\n";
        let diagnostics = check(&ConsecutiveRun, source);
        assert_eq!(
            fixed(source, &diagnostics),
            "FROM alpine\nRUN a && \\\n    b\n"
        );
    }

    #[test]
    fn same_flags_are_required() {
        let source = "FROM alpine\nRUN --mount=type=cache,target=/root/.cache a\nRUN --mount=type=cache,target=/root/.cache b\n";
        assert_eq!(check(&ConsecutiveRun, source).len(), 1);
        assert_eq!(
            fixed(source, &check(&ConsecutiveRun, source)),
            "FROM alpine\nRUN --mount=type=cache,target=/root/.cache a && \\\n    b\n"
        );
        for source in [
            "FROM alpine\nRUN --mount=type=cache,target=/a a\nRUN --mount=type=cache,target=/b b\n",
            "FROM alpine\nRUN --network=none a\nRUN b\n",
        ] {
            assert!(check(&ConsecutiveRun, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn ignores_runs_that_cannot_merge() {
        for source in [
            "FROM alpine\nRUN [\"a\"]\nRUN b\n",
            "FROM alpine\nRUN a\nRUN [\"b\"]\n",
            "FROM alpine\nRUN <<EOF\na\nEOF\nRUN b\n",
            "FROM alpine\nRUN a\nENV X=1\nRUN b\n",
            "FROM alpine\nRUN a\nFROM alpine\nRUN b\n",
            "FROM alpine AS a\nRUN a\nFROM a\nRUN b\n",
            "FROM alpine\nSHELL [\"powershell\", \"-Command\"]\nRUN a\nRUN b\n",
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN a\nRUN b\n",
            "FROM alpine AS base\nSHELL [\"cmd\", \"/S\", \"/C\"]\nFROM base\nRUN a\nRUN b\n",
            "FROM alpine\nONBUILD RUN a\nRUN b\n",
        ] {
            assert!(check(&ConsecutiveRun, source).is_empty(), "{source}");
        }
        let source =
            "FROM alpine\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN a\nRUN b\n";
        assert_eq!(check(&ConsecutiveRun, source).len(), 1);
    }

    #[test]
    fn comments_between_keep_the_diagnostic_but_not_the_fix() {
        for source in [
            "FROM alpine\nRUN a\n# install b\nRUN b\n",
            "FROM alpine\nRUN a\nRUN \\\n# b\n  b\n",
        ] {
            let diagnostics = check(&ConsecutiveRun, source);
            assert_eq!(diagnostics.len(), 1, "{source}");
            assert!(diagnostics[0].fix.is_none(), "{source}");
        }
    }

    #[test]
    fn no_fix_when_and_would_change_the_commands() {
        for (first, second) in [
            ("a &", "b"),
            ("a;", "b"),
            ("a ||", "b"),
            ("a |", "b"),
            ("a # note", "b"),
            ("echo 'a", "b"),
            ("cd /tmp", "b"),
            ("cd /tmp && make", "b"),
            ("export X=1", "b"),
            ("X=1", "b"),
            ("set -e", "b"),
            ("a", "b || true"),
            ("a", "b; c"),
            ("a", "b & c"),
        ] {
            let source = format!("FROM alpine\nRUN {first}\nRUN {second}\n");
            let diagnostics = check(&ConsecutiveRun, &source);
            assert_eq!(diagnostics.len(), 1, "{source}");
            assert!(diagnostics[0].fix.is_none(), "{source}");
        }
    }

    #[test]
    fn shell_analysis() {
        for command in [
            "a",
            "a; b",
            "a || b",
            "X=1 make",
            "a 2>&1 | tee log",
            "if a; then b; fi",
            "echo \"$(cd /x && pwd)\"",
            "for f in *; do echo $f; done",
            "echo '#' x",
            "(cd x && make)",
        ] {
            assert!(can_come_first(command), "{command}");
        }
        for command in ["a", "a && b", "a | b", "if a; then b; fi", "a 2>&1", "a;"] {
            assert!(can_come_second(command), "{command}");
        }
        for command in ["a; b", "a || b", "{ a; }; b", "(a); b", "echo done; b"] {
            assert!(!can_come_second(command), "{command}");
        }
    }

    #[test]
    fn fixed_build_is_equivalent() {
        let source = "FROM alpine AS build\nENV CFLAGS=-O2\nRUN --mount=type=cache,target=/var/cache/apk apk update\n\nRUN --mount=type=cache,target=/var/cache/apk apk add \\\n    build-base \\\n    curl\nRUN make && make install\nFROM scratch\nCOPY --from=build /out /\n";
        let diagnostics = check(&ConsecutiveRun, source);
        assert_eq!(diagnostics.len(), 1);
        let after = fixed(source, &diagnostics);
        let parse = crate::syntax::parse(&after);
        assert!(parse.errors().is_empty(), "{after}");
        let options = crate::semantic::BuildOptions::default();
        let before = crate::semantic::evaluate(&crate::syntax::parse(source), &options);
        let merged = crate::semantic::evaluate(&parse, &options);
        assert!(crate::semantic::compare::compare(&before, &merged).is_empty());
        assert_eq!(merged.stages[0].layers.len(), 2);
        assert!(check(&ConsecutiveRun, &after).is_empty());
    }
}

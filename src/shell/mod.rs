//! The shell scripts of RUN instructions: the text BuildKit hands to the shell, a map from
//! that text back to Dockerfile bytes, and the simple commands in it (parsed with
//! tree-sitter-bash), so rules can point at a word and fixes can insert at the right byte.

#![warn(missing_docs)]

mod command;
pub mod packages;
mod parse;
mod recent;

use std::fmt;
use std::ops::Range;
use std::sync::Arc;
use std::sync::OnceLock;

use crate::ast::{Heredoc, HeredocMarker, Instruction, ShellForm};
use crate::syntax::{SyntaxKind, TextRange};

pub use command::{Command, Separator, Word};

/// A contiguous run of the script text that is also contiguous in the Dockerfile source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Piece {
    /// Offset in the script text.
    logical: u32,
    /// Offset in the Dockerfile source.
    source: u32,
    len: u32,
}

/// A shell script taken from a Dockerfile: the text the shell runs, and where each of its
/// bytes is in the Dockerfile source.
///
/// Offsets into [`Script::text`] are *logical*; [`Script::source_range`] and
/// [`Script::source_offset`] turn them into source offsets. Parsing (tree-sitter-bash) happens
/// on the first call to [`Script::commands`] or [`Script::has_errors`] and is kept.
#[derive(Clone)]
pub struct Script {
    text: String,
    pieces: Vec<Piece>,
    /// Where an empty script sits in the source.
    anchor: u32,
    tree: OnceLock<Option<tree_sitter::Tree>>,
    /// [`Script::commands`] and [`Script::nodes`], once asked for.
    commands: OnceLock<Arc<Vec<Command>>>,
    nodes: OnceLock<Arc<Vec<SyntaxNode>>>,
}

impl fmt::Debug for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Script")
            .field("text", &self.text)
            .field("pieces", &self.pieces)
            .finish_non_exhaustive()
    }
}

/// Results read from recently seen scripts, kept per thread, so that the rules of a file,
/// and the next check of the file after an edit, do not read the same script again. A
/// result is found again by the script's text and by where its pieces lie relative to its
/// start: an edit above the script moves it in the source but changes neither, and the
/// result then comes back with its source ranges moved by as much.
struct Recent<T> {
    entries: recent::ByText<RecentEntry<T>>,
}

struct RecentEntry<T> {
    /// The pieces with their source offsets relative to `start`.
    shape: Vec<Piece>,
    /// Where the script started in the source when the result was read.
    start: u32,
    value: Arc<Vec<T>>,
}

/// A result whose source ranges can be moved.
trait Movable: Clone {
    fn moved(&self, delta: i64) -> Self;
}

fn moved_range(range: TextRange, delta: i64) -> TextRange {
    let at = |offset: u32| u32::try_from(i64::from(offset) + delta).unwrap_or(0);
    TextRange::new(at(range.start), at(range.end))
}

impl Movable for Command {
    fn moved(&self, delta: i64) -> Self {
        let word = |w: &Word| Word {
            range: moved_range(w.range, delta),
            ..w.clone()
        };
        Command {
            name: word(&self.name),
            args: self.args.iter().map(word).collect(),
            assignments: self.assignments.iter().map(word).collect(),
            range: moved_range(self.range, delta),
            ..self.clone()
        }
    }
}

impl Movable for SyntaxNode {
    fn moved(&self, delta: i64) -> Self {
        SyntaxNode {
            range: moved_range(self.range, delta),
            ..self.clone()
        }
    }
}

impl<T: Movable> Recent<T> {
    const fn new() -> Self {
        Recent {
            entries: recent::ByText::new(),
        }
    }

    /// The result for `script`, reading it with `read` when no recent script has its text
    /// and shape.
    fn get(&mut self, script: &Script, read: impl FnOnce() -> Vec<T>) -> Arc<Vec<T>> {
        let start = script.source_offset(0);
        if let Some(entry) = self
            .entries
            .find_mut(&script.text, |e| script.has_shape(&e.shape, start))
        {
            if entry.start != start {
                let delta = i64::from(start) - i64::from(entry.start);
                entry.value = Arc::new(entry.value.iter().map(|v| v.moved(delta)).collect());
                entry.start = start;
            }
            return Arc::clone(&entry.value);
        }
        let value = Arc::new(read());
        self.entries.insert(
            script.text.clone(),
            RecentEntry {
                shape: script.shape(start),
                start,
                value: Arc::clone(&value),
            },
        );
        value
    }
}

thread_local! {
    /// The commands of recently read scripts.
    static RECENT_COMMANDS: std::cell::RefCell<Recent<Command>> =
        const { std::cell::RefCell::new(Recent::new()) };
    /// The syntax nodes of recently read scripts.
    static RECENT_NODES: std::cell::RefCell<Recent<SyntaxNode>> =
        const { std::cell::RefCell::new(Recent::new()) };
}

impl Script {
    fn empty(anchor: u32) -> Script {
        Script {
            text: String::new(),
            pieces: Vec::new(),
            anchor,
            tree: OnceLock::new(),
            commands: OnceLock::new(),
            nodes: OnceLock::new(),
        }
    }

    /// Appends `text`, which sits at `source` in the Dockerfile.
    fn push(&mut self, text: &str, source: u32) {
        if text.is_empty() {
            return;
        }
        let logical = to_u32(self.text.len());
        let len = to_u32(text.len());
        self.text.push_str(text);
        if let Some(last) = self.pieces.last_mut()
            && last.source + last.len == source
        {
            last.len += len;
            return;
        }
        self.pieces.push(Piece {
            logical,
            source,
            len,
        });
    }

    /// The script of a shell-form command, as BuildKit passes it to the shell: the logical
    /// line (line continuations and the comment or empty lines inside them removed).
    ///
    /// With heredocs, this follows BuildKit's `RUN` as well:
    /// * when the whole command is one heredoc marker (`RUN <<EOF`), BuildKit runs the body
    ///   as a file, so the script is the body ([`Script::from_heredoc`]); and when the body
    ///   starts with a shebang naming something other than a POSIX-like shell
    ///   (`#!/usr/bin/env python3`) there is no shell script at all, and the result is empty;
    /// * otherwise each heredoc body and terminator line follow the line after a newline, as
    ///   BuildKit appends them, so the shell (and tree-sitter) reads them as heredocs, not
    ///   as commands. Bodies fed to a shell on stdin (`RUN bash <<EOF`) are not parsed as
    ///   commands here; use [`Script::from_heredoc`] on them.
    #[must_use]
    pub fn from_shell_form(form: ShellForm<'_>) -> Script {
        let node = form.syntax();
        let mut script = Script::empty(node.range().start);
        for token in node.logical_tokens() {
            script.push(token.text(), token.range().start);
        }
        let markers: Vec<HeredocMarker<'_>> = node
            .descendants_with_tokens()
            .filter_map(|e| e.as_node().and_then(HeredocMarker::cast))
            .collect();
        if markers.is_empty() {
            return script;
        }
        let Some(instruction) = node.parent().and_then(Instruction::cast) else {
            return script;
        };
        let heredocs: Vec<Heredoc<'_>> = instruction.heredocs().collect();
        if let ([marker], [heredoc]) = (&markers[..], &heredocs[..])
            && script.text.trim() == marker.syntax().logical_text()
        {
            if runs_in_shell(heredoc.raw_body()) {
                return Script::from_heredoc(*heredoc);
            }
            return Script::empty(heredoc.range().start);
        }
        let source = node.tree().source().as_bytes();
        for heredoc in heredocs {
            // BuildKit appends "\n", the body and the delimiter. In the source the body
            // follows a newline (the instruction's, or the previous terminator's), so the
            // appended text maps to one source run: that newline, the body and the
            // terminator line.
            let start = heredoc.range().start;
            let end = heredoc
                .syntax()
                .child_token(SyntaxKind::HEREDOC_END)
                .map_or(heredoc.range().end, |t| t.range().end);
            if start == 0 || source.get(start as usize - 1) != Some(&b'\n') {
                break;
            }
            let text = &node.tree().source()[start as usize - 1..end as usize];
            script.push(text, start - 1);
        }
        script
    }

    /// The script of a heredoc body, as written (for `<<-`, the leading tabs stay: the shell
    /// ignores them). Offsets map directly onto the body in the source.
    #[must_use]
    pub fn from_heredoc(body: Heredoc<'_>) -> Script {
        match body.syntax().child_token(SyntaxKind::HEREDOC_BODY) {
            Some(token) => {
                let mut script = Script::empty(token.range().start);
                script.push(token.text(), token.range().start);
                script
            }
            None => Script::empty(body.range().start),
        }
    }

    /// The script text (logical offsets index into it).
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The source offset of a logical position, for insertions: a position where two pieces
    /// meet (around a removed line continuation) maps to the end of the earlier piece, so
    /// text inserted there stays on the earlier line. Positions past the end clamp to it.
    #[must_use]
    pub fn source_offset(&self, logical: usize) -> u32 {
        let logical = to_u32(logical.min(self.text.len()));
        // The first piece whose end is at or after `logical`.
        let i = self.pieces.partition_point(|p| p.logical + p.len < logical);
        match self.pieces.get(i) {
            Some(p) => p.source + (logical - p.logical),
            None => self.pieces.last().map_or(self.anchor, |p| p.source + p.len),
        }
    }

    /// The source range of a logical range. Its start is the source position of its first
    /// byte and its end that of its last byte, so a range spanning a removed line
    /// continuation covers it. An empty range maps like [`Script::source_offset`].
    #[must_use]
    pub fn source_range(&self, logical: Range<usize>) -> TextRange {
        if logical.start >= logical.end {
            return TextRange::empty(self.source_offset(logical.start));
        }
        let start = to_u32(logical.start.min(self.text.len()));
        // The piece holding byte `start`.
        let i = self.pieces.partition_point(|p| p.logical + p.len <= start);
        let start = match self.pieces.get(i) {
            Some(p) => p.source + (start - p.logical),
            None => self.source_offset(logical.start),
        };
        let end = self.source_offset(logical.end);
        TextRange::new(start, end.max(start))
    }

    /// The simple commands of the script, in source order; see [`Command`] for which. Shared:
    /// the rules of a file read the same scripts in turn, and each gets the same list.
    #[must_use]
    pub fn commands(&self) -> Arc<Vec<Command>> {
        let commands = self.commands.get_or_init(|| {
            RECENT_COMMANDS.with(|r| {
                r.borrow_mut().get(self, || match self.tree() {
                    Some(tree) => parse::commands(self, tree),
                    None => Vec::new(),
                })
            })
        });
        Arc::clone(commands)
    }

    /// Whether the pieces, with their source offsets relative to `start`, are `shape`.
    fn has_shape(&self, shape: &[Piece], start: u32) -> bool {
        shape.len() == self.pieces.len()
            && shape.iter().zip(&self.pieces).all(|(s, p)| {
                s.logical == p.logical && s.len == p.len && s.source == p.source.wrapping_sub(start)
            })
    }

    /// The pieces with their source offsets relative to `start` (see [`Recent`]).
    fn shape(&self, start: u32) -> Vec<Piece> {
        self.pieces
            .iter()
            .map(|p| Piece {
                source: p.source.wrapping_sub(start),
                ..*p
            })
            .collect()
    }

    /// Whether tree-sitter found a syntax error (an ERROR or a missing node): the script is
    /// half-typed or not valid shell. [`Script::commands`] still returns what it could read.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.tree().is_some_and(|t| t.root_node().has_error())
    }

    /// Every node of the script's syntax tree (tree-sitter-bash), named or not, in pre-order
    /// (a node before its children), each with the index of its parent. Rules that look at
    /// shell syntax rather than at commands (pipes, `[[ ]]`, arrays...) read node kinds from
    /// it. Empty when the script cannot be parsed.
    #[must_use]
    pub fn nodes(&self) -> Arc<Vec<SyntaxNode>> {
        let nodes = self
            .nodes
            .get_or_init(|| RECENT_NODES.with(|r| r.borrow_mut().get(self, || self.read_nodes())));
        Arc::clone(nodes)
    }

    fn read_nodes(&self) -> Vec<SyntaxNode> {
        let Some(tree) = self.tree() else {
            return Vec::new();
        };
        let mut out: Vec<SyntaxNode> = Vec::new();
        // A pre-order walk with one cursor; `parents` holds the indices of the open nodes.
        let mut cursor = tree.walk();
        let mut parents: Vec<usize> = Vec::new();
        loop {
            let node = cursor.node();
            let logical = node.start_byte()..node.end_byte();
            let index = out.len();
            out.push(SyntaxNode {
                kind: kind_name(node.kind_id()).unwrap_or(""),
                named: node.is_named(),
                error: node.is_error() || node.is_missing(),
                range: self.source_range(logical.clone()),
                logical,
                parent: parents.last().copied(),
            });
            if cursor.goto_first_child() {
                parents.push(index);
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    return out;
                }
                parents.pop();
            }
        }
    }

    fn tree(&self) -> Option<&tree_sitter::Tree> {
        self.tree.get_or_init(|| parse::parse(&self.text)).as_ref()
    }
}

/// A node of a script's syntax tree, as [`Script::nodes`] lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxNode {
    /// The tree-sitter-bash kind: `pipeline`, `test_command`, `|`, `[[`...
    pub kind: &'static str,
    /// Whether the node is named (a construct) rather than anonymous (a keyword or
    /// operator token).
    pub named: bool,
    /// Whether the node is an ERROR node or a missing one the parser made up.
    pub error: bool,
    /// The node in the Dockerfile source.
    pub range: TextRange,
    /// The node in the script text.
    pub logical: Range<usize>,
    /// The index of the parent node in the list; `None` for the root.
    pub parent: Option<usize>,
}

/// Whether a `SHELL` (its JSON array; empty for the default `/bin/sh -c`) is a POSIX-like
/// shell whose scripts these commands describe: false for `cmd`, `cmd.exe`, `powershell` and
/// `pwsh`, with any directory and `.exe` suffix, in any case.
#[must_use]
pub fn is_posix_shell(shell: &[String]) -> bool {
    let Some(program) = shell.first() else {
        return true;
    };
    let name = program
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(program)
        .to_ascii_lowercase();
    let name = name.strip_suffix(".exe").unwrap_or(&name);
    !matches!(name, "cmd" | "powershell" | "pwsh")
}

/// Whether `shell` is known to be a POSIX shell (`sh`, `bash`, `dash`, `busybox`...,
/// directly or through `env`). Stricter than [`is_posix_shell`], which only rules out the
/// Windows shells: a rule that rewrites shell syntax needs to know the shell reads it.
#[must_use]
pub fn is_known_posix_shell(shell: &[String]) -> bool {
    let program = |s: &str| {
        let base = s
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(s)
            .to_ascii_lowercase();
        base.strip_suffix(".exe").unwrap_or(&base).to_string()
    };
    let Some(first) = shell.first() else {
        return false;
    };
    let mut name = program(first);
    if name == "env" {
        let Some(next) = shell.get(1) else {
            return false;
        };
        name = program(next);
    }
    matches!(
        name.as_str(),
        "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "mksh" | "yash" | "busybox"
    )
}

/// Whether a heredoc body run as a file goes to a shell: it has no shebang, or its shebang
/// names a POSIX-like shell (directly or through `env`).
fn runs_in_shell(body: &str) -> bool {
    let Some(line) = body.strip_prefix("#!") else {
        return true;
    };
    let line = line.lines().next().unwrap_or("");
    let mut words = line.split_whitespace();
    let basename = |w: &str| w.rsplit('/').next().unwrap_or(w).to_string();
    let Some(mut program) = words.next().map(basename) else {
        return true;
    };
    if program == "env" {
        match words.find(|w| !w.starts_with('-') && !w.contains('=')) {
            Some(w) => program = basename(w),
            None => return false,
        }
    }
    matches!(
        program.as_str(),
        "sh" | "bash" | "dash" | "ash" | "ksh" | "mksh" | "zsh" | "busybox"
    )
}

/// The name of a tree-sitter-bash node kind. The names are copied once, for the life of
/// the program, so that [`SyntaxNode`]s need not allocate one each.
fn kind_name(id: u16) -> Option<&'static str> {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        let language: tree_sitter::Language = tree_sitter_bash::LANGUAGE.into();
        (0..language.node_kind_count())
            .map(|i| {
                let name = u16::try_from(i)
                    .ok()
                    .and_then(|i| language.node_kind_for_id(i))
                    .unwrap_or("");
                &*Box::leak(name.to_string().into_boxed_str())
            })
            .collect()
    });
    names.get(usize::from(id)).copied()
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).expect("Dockerfiles are smaller than 4 GiB")
}

#[cfg(test)]
mod tests;

//! Reads the simple commands out of a tree-sitter-bash tree, working around the grammar's
//! quirks: words after a redirection (`cmd >f arg`, `a | b 2>&1 c`) become destinations of
//! the redirection and are given back to their command, and commands that follow a heredoc
//! marker on its line sit inside the heredoc redirection.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::{Node, Parser, Tree};

use super::Script;
use super::command::{Command, Separator, Word};
use super::recent::ByText;

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parses a script with tree-sitter-bash (one parser per thread, reused).
pub(super) fn parse(text: &str) -> Option<Tree> {
    // The same text comes back in other scripts: the next check after an edit elsewhere,
    // a fixed file checked again.
    if let Some(tree) = RECENT.with(|r| r.borrow_mut().find_mut(text, |_| true).cloned()) {
        return Some(tree);
    }
    let tree = parse_uncached(text)?;
    RECENT.with(|r| r.borrow_mut().insert(text.to_string(), tree.clone()));
    Some(tree)
}

thread_local! {
    /// Recently parsed scripts and their trees (a tree is a cheap reference-counted handle).
    static RECENT: RefCell<ByText<Tree>> = const { RefCell::new(ByText::new()) };
}

fn parse_uncached(text: &str) -> Option<Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_bash::LANGUAGE.into())
                .ok()?;
            *slot = Some(parser);
        }
        slot.as_mut()?.parse(text, None)
    })
}

/// What the nodes above a command say about it.
#[derive(Clone, Copy, Default)]
struct Context {
    in_pipeline: bool,
    in_group: bool,
    negated: bool,
    recovered: bool,
}

impl Context {
    fn enter(self, node: Node<'_>) -> Context {
        let kind = node.kind();
        let negated = match kind {
            "negated_command" => true,
            // tree-sitter binds `!` to the first command of `! a | b`; the shell negates the
            // whole pipeline.
            "pipeline" => {
                self.negated
                    || node
                        .named_child(0)
                        .is_some_and(|c| c.kind() == "negated_command")
            }
            "redirected_statement" => self.negated,
            k if is_simple_command(k) => self.negated,
            _ => false,
        };
        Context {
            in_pipeline: self.in_pipeline || kind == "pipeline",
            in_group: self.in_group || matches!(kind, "subshell" | "compound_statement"),
            negated,
            recovered: self.recovered || node.is_error(),
        }
    }
}

fn is_simple_command(kind: &str) -> bool {
    matches!(kind, "command" | "declaration_command" | "unset_command")
}

/// The simple commands of `script`, in source order.
pub(super) fn commands(script: &Script, tree: &Tree) -> Vec<Command> {
    let mut extras: HashMap<usize, Vec<Node<'_>>> = HashMap::new();
    let mut found: Vec<(Node<'_>, Context)> = Vec::new();
    let root = tree.root_node();
    let mut stack = vec![(root, Context::default().enter(root))];
    while let Some((node, ctx)) = stack.pop() {
        let kind = node.kind();
        if is_simple_command(kind) {
            found.push((node, ctx));
            continue;
        }
        match kind {
            "command_substitution" | "process_substitution" | "heredoc_body" => continue,
            "redirected_statement" => collect_extras(node, &mut extras),
            _ => {}
        }
        let mut cursor = node.walk();
        let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
        for child in children.into_iter().rev() {
            stack.push((child, ctx.enter(child)));
        }
    }
    let leaves = Leaves::new(root);
    let mut commands: Vec<Command> = found
        .into_iter()
        .filter_map(|(node, ctx)| {
            let extra = extras.remove(&node.id()).unwrap_or_default();
            build(script, node, &extra, ctx, &leaves)
        })
        .collect();
    commands.sort_by_key(|c| (c.range.start, c.range.end));
    commands
}

/// Words that tree-sitter made extra destinations of a statement's redirections belong to
/// the statement's last simple command.
fn collect_extras<'t>(statement: Node<'t>, extras: &mut HashMap<usize, Vec<Node<'t>>>) {
    let Some(owner) = statement
        .child_by_field_name("body")
        .and_then(rightmost_command)
    else {
        return;
    };
    let mut cursor = statement.walk();
    let redirects: Vec<Node<'t>> = statement
        .children_by_field_name("redirect", &mut cursor)
        .collect();
    for redirect in redirects {
        let mut found = extra_destinations(redirect);
        if redirect.kind() == "heredoc_redirect" {
            let mut cursor = redirect.walk();
            let inner: Vec<Node<'t>> = redirect
                .children_by_field_name("redirect", &mut cursor)
                .collect();
            for r in inner {
                found.extend(extra_destinations(r));
            }
        }
        if !found.is_empty() {
            extras.entry(owner.id()).or_default().extend(found);
        }
    }
}

/// The destinations after the first of a file redirection: `arg` in `>f arg`.
fn extra_destinations(redirect: Node<'_>) -> Vec<Node<'_>> {
    if redirect.kind() != "file_redirect" {
        return Vec::new();
    }
    let mut cursor = redirect.walk();
    redirect
        .children_by_field_name("destination", &mut cursor)
        .skip(1)
        .collect()
}

fn rightmost_command(mut node: Node<'_>) -> Option<Node<'_>> {
    loop {
        match node.kind() {
            k if is_simple_command(k) => return Some(node),
            "list" | "pipeline" | "negated_command" => {
                let mut cursor = node.walk();
                node = node
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() != "comment")
                    .last()?;
            }
            "redirected_statement" => node = node.child_by_field_name("body")?,
            _ => return None,
        }
    }
}

fn build(
    script: &Script,
    node: Node<'_>,
    extra: &[Node<'_>],
    ctx: Context,
    leaves: &Leaves,
) -> Option<Command> {
    let text = script.text();
    let mut name: Option<Vec<Node<'_>>> = None;
    let mut assignments = Vec::new();
    let mut args: Vec<Node<'_>> = extra.to_vec();
    let mut cursor = node.walk();
    for (i, child) in node.children(&mut cursor).enumerate() {
        let field = u32::try_from(i)
            .ok()
            .and_then(|i| node.field_name_for_child(i));
        match (field, child.kind()) {
            (_, "comment") => {}
            (Some("redirect"), _) | (_, "file_redirect" | "herestring_redirect") => {
                args.extend(extra_destinations(child));
            }
            (Some("name"), _) => name = Some(vec![child]),
            (_, "variable_assignment") if name.is_none() && node.kind() == "command" => {
                assignments.push(word(script, &[child]));
            }
            // The keyword of `export`, `declare`, `local`, `readonly`, `typeset`, `unset`.
            _ if name.is_none() && node.kind() != "command" => name = Some(vec![child]),
            _ if name.is_some() => args.push(child),
            _ => {}
        }
    }
    let name = word(script, &name?);
    args.sort_by_key(Node::start_byte);
    let mut groups: Vec<Vec<Node<'_>>> = Vec::new();
    for arg in args {
        match groups.last_mut() {
            Some(group)
                if group
                    .last()
                    .is_some_and(|l| l.end_byte() == arg.start_byte()) =>
            {
                group.push(arg);
            }
            _ => groups.push(vec![arg]),
        }
    }
    let args: Vec<Word> = groups.iter().map(|g| word(script, g)).collect();
    let end = extra
        .iter()
        .map(Node::end_byte)
        .fold(node.end_byte(), usize::max);
    let separator_after = leaves.separator_after(end);
    debug_assert!(end <= text.len());
    Some(Command {
        name,
        args,
        assignments,
        range: script.source_range(node.start_byte()..end),
        separator_after,
        in_pipeline: ctx.in_pipeline || separator_after == Some(Separator::Pipe),
        in_subshell_or_group: ctx.in_group,
        negated: ctx.negated,
        recovered: ctx.recovered,
    })
}

/// One word made of touching nodes (tree-sitter splits `$"x"` into `$` and a string).
fn word(script: &Script, nodes: &[Node<'_>]) -> Word {
    let text = script.text();
    let range: Range<usize> = match (nodes.first(), nodes.last()) {
        (Some(first), Some(last)) => first.start_byte()..last.end_byte(),
        _ => 0..0,
    };
    Word {
        text: slice(text, range.clone()).to_string(),
        value: literal_of_sequence(nodes, text),
        range: script.source_range(range),
    }
}

/// The literal value of adjacent nodes forming one word.
fn literal_of_sequence(nodes: &[Node<'_>], text: &str) -> Option<String> {
    let mut out = String::new();
    for (i, node) in nodes.iter().enumerate() {
        // `$"..."` (a translated string) reads as the string.
        if node.kind() == "$" && nodes.get(i + 1).is_some_and(|n| n.kind() == "string") {
            continue;
        }
        out.push_str(&literal(*node, text)?);
    }
    Some(out)
}

/// The literal value of a word node, or `None` when it has an expansion.
fn literal(node: Node<'_>, text: &str) -> Option<String> {
    let t = slice(text, node.byte_range());
    match node.kind() {
        "word" => Some(unescape_unquoted(t)),
        "number" | "variable_name" => Some(t.to_string()),
        "raw_string" => {
            let inner = t.strip_prefix('\'').unwrap_or(t);
            Some(inner.strip_suffix('\'').unwrap_or(inner).to_string())
        }
        "string" | "translated_string" => {
            let mut cursor = node.walk();
            if node
                .named_children(&mut cursor)
                .any(|c| c.kind() != "string_content")
            {
                return None;
            }
            let inner = t.strip_prefix('$').unwrap_or(t);
            let inner = inner.strip_prefix('"').unwrap_or(inner);
            let inner = inner.strip_suffix('"').unwrap_or(inner);
            Some(unescape_double(inner))
        }
        "ansi_c_string" => {
            let inner = t.strip_prefix("$'").unwrap_or(t);
            Some(decode_ansi_c(inner.strip_suffix('\'').unwrap_or(inner)))
        }
        "command_name" | "concatenation" => {
            let mut cursor = node.walk();
            let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
            literal_of_sequence(&children, text)
        }
        "variable_assignment" => match node.child_by_field_name("value") {
            Some(value) => {
                let prefix = slice(text, node.start_byte()..value.start_byte());
                Some(format!("{prefix}{}", literal(value, text)?))
            }
            None => Some(t.to_string()),
        },
        // Anonymous pieces of a concatenation, such as a lone `$`.
        _ if !node.is_named() => Some(t.to_string()),
        _ => None,
    }
}

/// `text[range]`, or `""` if tree-sitter's offsets do not fall on character boundaries
/// (they do for UTF-8 text; a linter must not panic if they ever do not).
fn slice(text: &str, range: Range<usize>) -> &str {
    text.get(range).unwrap_or_default()
}

/// Quote removal outside quotes: `\c` is `c`, and `\` before a newline joins the lines.
fn unescape_unquoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\n') => {}
            Some(next) => out.push(next),
            None => out.push('\\'),
        }
    }
    out
}

/// Inside double quotes, `\` escapes only `$`, `` ` ``, `"`, `\` and a newline.
fn unescape_double(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('\n') => {
                chars.next();
            }
            Some(&next @ ('$' | '`' | '"' | '\\')) => {
                chars.next();
                out.push(next);
            }
            _ => out.push('\\'),
        }
    }
    out
}

/// The value of `$'...'`: backslash escapes as bash decodes them.
fn decode_ansi_c(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        let simple = match e {
            'a' => Some('\u{7}'),
            'b' => Some('\u{8}'),
            'e' | 'E' => Some('\u{1b}'),
            'f' => Some('\u{c}'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'v' => Some('\u{b}'),
            '\\' | '\'' | '"' | '?' => Some(e),
            _ => None,
        };
        if let Some(ch) = simple {
            out.push(ch);
            continue;
        }
        let (radix, max) = match e {
            'x' => (16, 2),
            'u' => (16, 4),
            'U' => (16, 8),
            '0'..='7' => (8, 2),
            _ => {
                out.push('\\');
                out.push(e);
                continue;
            }
        };
        let mut digits = String::new();
        if radix == 8 {
            digits.push(e);
        }
        while digits.len() < max + usize::from(radix == 8) {
            match chars.peek() {
                Some(d) if d.is_digit(radix) => {
                    digits.push(*d);
                    chars.next();
                }
                _ => break,
            }
        }
        match u32::from_str_radix(&digits, radix)
            .ok()
            .and_then(char::from_u32)
        {
            Some(ch) if !digits.is_empty() => out.push(ch),
            _ => {
                out.push('\\');
                out.push(e);
            }
        }
    }
    out
}

/// The leaves of the tree that can follow a command, in order: redirections, heredoc parts
/// and comments are left out.
struct Leaves {
    /// `(start, kind)` of each leaf.
    items: Vec<(usize, &'static str)>,
}

impl Leaves {
    fn new(root: Node<'_>) -> Leaves {
        let mut items = Vec::new();
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            let kind = node.kind();
            if matches!(
                kind,
                "comment"
                    | "file_redirect"
                    | "herestring_redirect"
                    | "heredoc_start"
                    | "heredoc_body"
                    | "heredoc_end"
                    | "<<"
                    | "<<-"
            ) {
                continue;
            }
            if node.child_count() == 0 {
                if node.start_byte() < node.end_byte() || is_closer(kind) {
                    items.push((node.start_byte(), static_kind(kind)));
                }
                continue;
            }
            let mut cursor = node.walk();
            let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
            stack.extend(children.into_iter().rev());
        }
        Leaves { items }
    }

    /// The operator at the first leaf starting at or after `end`.
    fn separator_after(&self, end: usize) -> Option<Separator> {
        let i = self.items.partition_point(|&(start, _)| start < end);
        let &(_, kind) = self.items.get(i)?;
        match kind {
            "&&" => Some(Separator::And),
            "||" => Some(Separator::Or),
            ";" | "\n" => Some(Separator::Semicolon),
            "|" | "|&" => Some(Separator::Pipe),
            "&" => Some(Separator::Background),
            k if is_closer(k) => None,
            // Another command or keyword: a newline separated them.
            _ => Some(Separator::Semicolon),
        }
    }
}

fn is_closer(kind: &str) -> bool {
    matches!(
        kind,
        ")" | "}"
            | "fi"
            | "done"
            | "esac"
            | ";;"
            | ";&"
            | ";;&"
            | "then"
            | "do"
            | "else"
            | "elif"
            | "`"
            | "))"
            | "]]"
            | "]"
    )
}

/// Leaf kinds the separator logic looks at, as `'static` strings (others become `""`).
fn static_kind(kind: &str) -> &'static str {
    const KINDS: &[&str] = &[
        "&&", "||", ";", "\n", "|", "|&", "&", ")", "}", "fi", "done", "esac", ";;", ";&", ";;&",
        "then", "do", "else", "elif", "`", "))", "]]", "]",
    ];
    KINDS.iter().find(|k| **k == kind).copied().unwrap_or("")
}

//! Go to definition, find references, document highlight and rename, for ARG/ENV variables,
//! stage names and heredoc names.
//!
//! A variable is defined by an ARG or ENV key and referenced by `$name`/`${name}` in the
//! words the builder expands and in the shell text of RUN commands and heredocs. A reference
//! resolves as the builder does: in a stage, the last ENV before it wins over any ARG, looking
//! first in the stage and then in the stages it is built `FROM`; on a FROM line and before the
//! first FROM, the last global ARG. For references and rename, occurrences of a name are
//! one variable across the global scope and the stages that share it: a stage built on
//! another, and a stage that redeclares a global ARG. Renaming part of them would change
//! which definition a reference sees.
//!
//! A heredoc's name is defined by its marker (`<<EOF`) and used once more by the line that
//! ends its body; each heredoc is its own symbol, even when several share a name.

use crate::ast::{Dockerfile, Heredoc, HeredocMarker, Instruction, Word};
use crate::fix::Edit;
use crate::ide::{Analysis, clamp, descendants};
use crate::semantic::Base;
use crate::semantic::evaluate::{AUTOMATIC_PLATFORM_ARGS, PREDEFINED_ARGS};
use crate::syntax::{SyntaxKind, TextRange};

/// What a name belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Namespace {
    Variable,
    Stage,
    /// The heredoc numbered so in the document, from 0.
    Heredoc(usize),
}

/// How an occurrence defines its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Definition {
    /// `ARG name` (`has_value` when written `name=...`).
    Arg { has_value: bool },
    /// `ENV name=...`.
    Env,
    /// `FROM ... AS name`.
    Stage,
    /// `<<name`.
    Heredoc,
}

/// One occurrence of a variable or stage name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Occurrence {
    pub namespace: Namespace,
    /// The name; lowercased for stages, which BuildKit compares case-insensitively.
    pub name: String,
    /// Exactly the name's text.
    pub range: TextRange,
    pub definition: Option<Definition>,
    /// The stage it is in; `None` for the global scope (before the first FROM, FROM lines)
    /// and for heredoc names, which need none.
    pub scope: Option<usize>,
    /// The range of the top-level instruction it is in.
    pub instruction: TextRange,
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A word that is a plain name: no quotes, escapes or variables.
fn plain(word: Word<'_>) -> Option<(String, TextRange)> {
    let mut tokens = word.syntax().tokens();
    let token = tokens.next()?;
    (token.kind() == SyntaxKind::TEXT && tokens.next().is_none())
        .then(|| (token.text().to_string(), token.range()))
}

/// Every variable and stage-name occurrence of the document, in source order.
pub(crate) fn occurrences(analysis: &Analysis) -> Vec<Occurrence> {
    let mut out = Vec::new();
    let Some(file) = analysis.file() else {
        return out;
    };
    let all_stage_names: Vec<&str> = analysis
        .build
        .stages
        .iter()
        .filter_map(|s| s.name.as_deref())
        .collect();
    let escape = analysis.parse.escape();
    let mut earlier_stage_names: Vec<String> = Vec::new();
    let mut stage: Option<usize> = None;
    let mut next_stage = 0;
    for instruction in file.instructions() {
        let top = instruction.range();
        let mut push = |namespace, name: String, range, definition, scope| {
            out.push(Occurrence {
                namespace,
                name,
                range,
                definition,
                scope,
                instruction: top,
            });
        };
        if instruction.kind() == SyntaxKind::FROM_INSTR {
            if let Some((name, range)) = instruction.from_image().and_then(plain) {
                let lower = name.to_ascii_lowercase();
                if earlier_stage_names.contains(&lower) {
                    push(Namespace::Stage, lower, range, None, None);
                }
            }
            if let Some((name, range)) = instruction.from_stage_name().and_then(plain) {
                let lower = name.to_ascii_lowercase();
                push(
                    Namespace::Stage,
                    lower.clone(),
                    range,
                    Some(Definition::Stage),
                    None,
                );
                earlier_stage_names.push(lower);
            }
            stage = Some(next_stage);
            next_stage += 1;
            variable_references(instruction, None, escape, &mut push);
            continue;
        }
        let mut current = Some(instruction);
        while let Some(i) = current {
            definitions(i, stage, &all_stage_names, &mut push);
            current = i.onbuild_trigger();
        }
        variable_references(instruction, stage, escape, &mut push);
    }
    for (n, (top, marker, heredoc)) in heredocs(file).enumerate() {
        let mut push = |namespace, name: String, range, definition, scope| {
            out.push(Occurrence {
                namespace,
                name,
                range,
                definition,
                scope,
                instruction: top.range(),
            });
        };
        heredoc_names(Namespace::Heredoc(n), marker, heredoc, escape, &mut push);
    }
    out.sort_by_key(|o| o.range);
    out
}

type Push<'p> = dyn FnMut(Namespace, String, TextRange, Option<Definition>, Option<usize>) + 'p;

/// The definitions an instruction makes and the stage names its flags refer to.
fn definitions(
    instruction: Instruction<'_>,
    scope: Option<usize>,
    stage_names: &[&str],
    push: &mut Push<'_>,
) {
    match instruction.kind() {
        SyntaxKind::ARG_INSTR | SyntaxKind::ENV_INSTR => {
            for pair in instruction.key_values() {
                let Some((name, range)) = pair.key().and_then(plain) else {
                    continue;
                };
                let definition = if instruction.kind() == SyntaxKind::ARG_INSTR {
                    Definition::Arg {
                        has_value: pair.has_equals(),
                    }
                } else {
                    Definition::Env
                };
                push(Namespace::Variable, name, range, Some(definition), scope);
            }
        }
        SyntaxKind::COPY_INSTR | SyntaxKind::ADD_INSTR | SyntaxKind::RUN_INSTR => {
            let mut words: Vec<Word<'_>> = Vec::new();
            if let Some(from) = instruction.flag("from").and_then(|f| f.value()) {
                words.push(from);
            }
            for mount in instruction.flags().filter(|f| f.name() == "mount") {
                for option in mount.mount_options() {
                    let is_from = option
                        .key()
                        .is_some_and(|k| k.text().eq_ignore_ascii_case("from"));
                    if is_from && let Some(value) = option.value() {
                        words.push(value);
                    }
                }
            }
            for word in words {
                if let Some((name, range)) = plain(word) {
                    let lower = name.to_ascii_lowercase();
                    if stage_names.contains(&lower.as_str()) {
                        push(Namespace::Stage, lower, range, None, scope);
                    }
                }
            }
        }
        _ => {}
    }
}

/// Every heredoc of the document, ONBUILD triggers' included, with its marker and the
/// top-level instruction it is in, in the order [`Namespace::Heredoc`] numbers them.
fn heredocs(
    file: Dockerfile<'_>,
) -> impl Iterator<Item = (Instruction<'_>, HeredocMarker<'_>, Heredoc<'_>)> {
    file.instructions().flat_map(|top| {
        std::iter::successors(Some(top), |i| i.onbuild_trigger())
            .flat_map(|i| i.heredoc_markers().zip(i.heredocs()))
            .map(move |(marker, heredoc)| (top, marker, heredoc))
    })
}

/// The name of one heredoc, `namespace`: the marker's (inside its quotes when the whole
/// delimiter is quoted) and the terminator line's, without the tabs `<<-` removes.
fn heredoc_names(
    namespace: Namespace,
    marker: HeredocMarker<'_>,
    heredoc: Heredoc<'_>,
    escape: char,
    push: &mut Push<'_>,
) {
    let (Some(delimiter), Some(name)) = (
        marker.syntax().child_token(SyntaxKind::HEREDOC_DELIMITER),
        marker.name(escape),
    ) else {
        return;
    };
    let text = delimiter.text();
    let range = delimiter.range();
    let quoted = text.len() == name.len() + 2
        && (text.starts_with('"') && text.ends_with('"')
            || text.starts_with('\'') && text.ends_with('\''));
    let range = if quoted {
        TextRange::new(range.start + 1, range.end - 1)
    } else {
        range
    };
    // Heredoc names need no scope: each heredoc is its own namespace.
    push(
        namespace,
        name.clone(),
        range,
        Some(Definition::Heredoc),
        None,
    );
    if let Some(end) = heredoc.syntax().child_token(SyntaxKind::HEREDOC_END) {
        let line = end.text();
        let tabs = crate::ide::to_u32(line.len() - line.trim_start_matches('\t').len());
        let start = end.range().start + tabs;
        let range = TextRange::new(start, start + crate::ide::to_u32(name.len()));
        if range.end <= end.range().end {
            push(namespace, name, range, None, None);
        }
    }
}

/// The variable references of an instruction: in expanded words, in shell text and in
/// heredoc bodies the shell or the builder expands.
fn variable_references(
    instruction: Instruction<'_>,
    scope: Option<usize>,
    escape: char,
    push: &mut Push<'_>,
) {
    let node = instruction.syntax();
    for var in descendants(node, SyntaxKind::VAR) {
        if let Some(name) = var.child_token(SyntaxKind::VAR_NAME)
            && is_identifier(name.text())
        {
            push(
                Namespace::Variable,
                name.text().to_string(),
                name.range(),
                None,
                scope,
            );
        }
    }
    for shell in descendants(node, SyntaxKind::SHELL_FORM) {
        let mut quote = None;
        for token in shell
            .tokens()
            .filter(|t| t.kind() == SyntaxKind::SHELL_TEXT)
        {
            for (name, range) in
                shell_variables(token.text(), token.range().start, Some(&mut quote))
            {
                push(Namespace::Variable, name, range, None, scope);
            }
        }
    }
    let mut current = Some(instruction);
    while let Some(i) = current {
        let markers: Vec<_> = i.heredoc_markers().collect();
        for (k, heredoc) in i.heredocs().enumerate() {
            let expands = i.kind() == SyntaxKind::RUN_INSTR
                || markers.get(k).is_some_and(|m| m.expands(escape));
            let Some(body) = heredoc.syntax().child_token(SyntaxKind::HEREDOC_BODY) else {
                continue;
            };
            if expands {
                let mut quote = None;
                let quotes = (i.kind() == SyntaxKind::RUN_INSTR).then_some(&mut quote);
                for (name, range) in shell_variables(body.text(), body.range().start, quotes) {
                    push(Namespace::Variable, name, range, None, scope);
                }
            }
        }
        current = i.onbuild_trigger();
    }
}

/// The `$name` and `${name...}` references in shell text starting at `base`. With `quote`,
/// text in single quotes is skipped (the state carries over between pieces of one command).
fn shell_variables(
    text: &str,
    base: u32,
    mut quote: Option<&mut Option<char>>,
) -> Vec<(String, TextRange)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if let Some(q) = quote.as_deref_mut() {
            match (*q, c) {
                (Some('\''), b'\'') => *q = None,
                (Some('\''), _) => {
                    i += 1;
                    continue;
                }
                (None, b'\'') => *q = Some('\''),
                (None, b'"') => *q = Some('"'),
                (Some('"'), b'"') => *q = None,
                _ => {}
            }
        }
        if c == b'\\' {
            i += 2;
            continue;
        }
        if c == b'$' {
            let start = if bytes.get(i + 1) == Some(&b'{') {
                i + 2
            } else {
                i + 1
            };
            let mut end = start;
            while end < bytes.len()
                && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_')
                && !(end == start && bytes[end].is_ascii_digit())
            {
                end += 1;
            }
            if end > start {
                let range = TextRange::new(
                    base + crate::ide::to_u32(start),
                    base + crate::ide::to_u32(end),
                );
                out.push((text[start..end].to_string(), range));
            }
            i = end.max(i + 1);
            continue;
        }
        i += 1;
    }
    out
}

/// The occurrence at `offset`: the one containing it, else the one ending there.
fn occurrence_at(occurrences: &[Occurrence], offset: u32) -> Option<&Occurrence> {
    occurrences
        .iter()
        .find(|o| o.range.contains(offset))
        .or_else(|| occurrences.iter().find(|o| o.range.end == offset))
}

/// The base stage of a stage, if it is built on another.
fn base_of(analysis: &Analysis, stage: usize) -> Option<usize> {
    match analysis.build.stages.get(stage)?.base {
        Base::Stage(b) if b != stage => Some(b),
        _ => None,
    }
}

/// The definitions a variable reference sees, nearest first.
fn resolve<'o>(
    analysis: &Analysis,
    all: &'o [Occurrence],
    reference: &Occurrence,
) -> Vec<&'o Occurrence> {
    let mut defs = all
        .iter()
        .filter(|o| o.namespace == Namespace::Variable && o.name == reference.name)
        .filter(|o| o.definition.is_some());
    let Some(stage) = reference.scope else {
        return defs
            .rfind(|d| d.scope.is_none() && d.range.end <= reference.range.start)
            .into_iter()
            .collect();
    };
    // The stage, then the stages it is built on; in the stage only what comes before.
    let mut chain = vec![stage];
    while let Some(b) = chain.last().and_then(|&s| base_of(analysis, s)) {
        if chain.contains(&b) {
            break;
        }
        chain.push(b);
    }
    let defs: Vec<&Occurrence> = defs.collect();
    let visible = |d: &&&Occurrence, s: usize| {
        d.scope == Some(s)
            && (s != stage
                || (d.range.end <= reference.range.start
                    && (d.definition != Some(Definition::Env)
                        || d.instruction != reference.instruction)))
    };
    for wanted in [true, false] {
        for &s in &chain {
            if let Some(d) = defs
                .iter()
                .rfind(|d| visible(d, s) && (d.definition == Some(Definition::Env)) == wanted)
            {
                return vec![*d];
            }
        }
    }
    Vec::new()
}

/// Where the variable or stage at `offset` is defined. On a stage's `ARG name` without a
/// value, the global ARG it takes its value from.
#[must_use]
pub fn definition(source: &str, offset: u32) -> Vec<TextRange> {
    let analysis = Analysis::new(source);
    let all = occurrences(&analysis);
    let Some(at) = occurrence_at(&all, clamp(source, offset)) else {
        return Vec::new();
    };
    match (at.namespace, at.definition) {
        (Namespace::Stage | Namespace::Heredoc(_), _) => all
            .iter()
            .find(|o| o.namespace == at.namespace && o.definition.is_some() && o.name == at.name)
            .map(|o| o.range)
            .into_iter()
            .collect(),
        (Namespace::Variable, Some(Definition::Arg { has_value: false })) if at.scope.is_some() => {
            let global = all
                .iter()
                .rfind(|o| o.scope.is_none() && o.definition.is_some() && o.name == at.name);
            vec![global.map_or(at.range, |g| g.range)]
        }
        (Namespace::Variable, Some(_)) => vec![at.range],
        (Namespace::Variable, None) => resolve(&analysis, &all, at)
            .into_iter()
            .map(|d| d.range)
            .collect(),
    }
}

/// The scopes that share a variable name with `scope`: connected through FROM between
/// stages and through a stage's ARG of the name to the global scope.
fn connected_scopes(
    analysis: &Analysis,
    all: &[Occurrence],
    name: &str,
    scope: Option<usize>,
) -> Vec<Option<usize>> {
    let declares_arg = |s: usize| {
        all.iter().any(|o| {
            o.scope == Some(s)
                && o.name == name
                && matches!(o.definition, Some(Definition::Arg { .. }))
        })
    };
    let count = analysis.build.stages.len();
    let mut seen = vec![scope];
    let mut queue = vec![scope];
    while let Some(current) = queue.pop() {
        let mut next: Vec<Option<usize>> = Vec::new();
        match current {
            None => next.extend((0..count).filter(|&s| declares_arg(s)).map(Some)),
            Some(s) => {
                next.extend(base_of(analysis, s).map(Some));
                next.extend(
                    (0..count)
                        .filter(|&c| base_of(analysis, c) == Some(s))
                        .map(Some),
                );
                if declares_arg(s) {
                    next.push(None);
                }
            }
        }
        for n in next {
            if !seen.contains(&n) {
                seen.push(n);
                queue.push(n);
            }
        }
    }
    seen
}

/// The occurrences that are the same variable or stage as `at`.
fn same_symbol<'o>(
    analysis: &Analysis,
    all: &'o [Occurrence],
    at: &Occurrence,
) -> Vec<&'o Occurrence> {
    let same_name = all
        .iter()
        .filter(|o| o.namespace == at.namespace && o.name == at.name);
    match at.namespace {
        Namespace::Stage | Namespace::Heredoc(_) => same_name.collect(),
        Namespace::Variable => {
            let scopes = connected_scopes(analysis, all, &at.name, at.scope);
            same_name.filter(|o| scopes.contains(&o.scope)).collect()
        }
    }
}

/// Every occurrence of the variable or stage at `offset`, definitions included when
/// `include_declaration` is set, in source order.
#[must_use]
pub fn references(source: &str, offset: u32, include_declaration: bool) -> Vec<TextRange> {
    let analysis = Analysis::new(source);
    let all = occurrences(&analysis);
    let Some(at) = occurrence_at(&all, clamp(source, offset)) else {
        return Vec::new();
    };
    same_symbol(&analysis, &all, at)
        .into_iter()
        .filter(|o| include_declaration || o.definition.is_none())
        .map(|o| o.range)
        .collect()
}

/// Whether a highlighted occurrence reads or writes the name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HighlightKind {
    Read,
    Write,
}

/// An occurrence to highlight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Highlight {
    pub range: TextRange,
    pub kind: HighlightKind,
}

/// The occurrences of the variable or stage at `offset`: definitions as writes, the others
/// as reads.
#[must_use]
pub fn highlights(source: &str, offset: u32) -> Vec<Highlight> {
    let analysis = Analysis::new(source);
    let all = occurrences(&analysis);
    let Some(at) = occurrence_at(&all, clamp(source, offset)) else {
        return Vec::new();
    };
    same_symbol(&analysis, &all, at)
        .into_iter()
        .map(|o| Highlight {
            range: o.range,
            kind: if o.definition.is_some() {
                HighlightKind::Write
            } else {
                HighlightKind::Read
            },
        })
        .collect()
}

/// Why a rename is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RenameError {
    /// No variable, stage or heredoc name at the position, or one this file does not define.
    #[error("no variable, stage or heredoc defined in this file here")]
    NothingToRename,
    /// A name written in a way a rename could not keep, such as a heredoc delimiter quoted
    /// in part.
    #[error("{0}")]
    Unsupported(String),
    /// The new name is not a valid name of its kind.
    #[error("{0}")]
    InvalidName(String),
    /// The new name is already used, so renaming would merge two names.
    #[error("{0}")]
    Conflict(String),
}

/// The range and text of the name a rename at `offset` would change, or `None` when there
/// is nothing this file defines there, or nothing a rename could change.
#[must_use]
pub fn prepare_rename(source: &str, offset: u32) -> Option<(TextRange, String)> {
    let analysis = Analysis::new(source);
    let all = occurrences(&analysis);
    let at = occurrence_at(&all, clamp(source, offset))?;
    let group = same_symbol(&analysis, &all, at);
    (renamable(source, &group).is_ok()).then(|| (at.range, source[at.range.as_usize()].to_string()))
}

/// Whether the occurrences of one symbol can be renamed: the file defines it, and each
/// occurrence is exactly the name (a heredoc delimiter quoted in part, `E"O"F`, is not).
fn renamable(source: &str, group: &[&Occurrence]) -> Result<(), RenameError> {
    if !group.iter().any(|o| o.definition.is_some()) {
        return Err(RenameError::NothingToRename);
    }
    if group.iter().any(|o| source[o.range.as_usize()] != o.name)
        && matches!(
            group.first().map(|o| o.namespace),
            Some(Namespace::Heredoc(_))
        )
    {
        return Err(RenameError::Unsupported(
            "this heredoc's delimiter is quoted in part: rename it by hand".to_string(),
        ));
    }
    Ok(())
}

/// The edits that rename the variable or stage at `offset` to `new_name` everywhere it
/// occurs, sorted by position.
///
/// # Errors
/// Nothing renamable at the position, an invalid name, or a name already in use.
pub fn rename(source: &str, offset: u32, new_name: &str) -> Result<Vec<Edit>, RenameError> {
    let analysis = Analysis::new(source);
    let all = occurrences(&analysis);
    let at = occurrence_at(&all, clamp(source, offset)).ok_or(RenameError::NothingToRename)?;
    let group = same_symbol(&analysis, &all, at);
    renamable(source, &group)?;
    match at.namespace {
        Namespace::Variable => {
            if !is_identifier(new_name) {
                return Err(RenameError::InvalidName(format!(
                    "`{new_name}` is not a valid variable name: use letters, digits and `_`, not starting with a digit"
                )));
            }
            if AUTOMATIC_PLATFORM_ARGS.contains(&new_name) || PREDEFINED_ARGS.contains(&new_name) {
                return Err(RenameError::InvalidName(format!(
                    "`{new_name}` is a build argument the builder defines"
                )));
            }
            if new_name != at.name
                && all
                    .iter()
                    .any(|o| o.namespace == Namespace::Variable && o.name == new_name)
            {
                return Err(RenameError::Conflict(format!(
                    "a variable named `{new_name}` is already used in this file"
                )));
            }
        }
        Namespace::Stage => {
            let lower = new_name.to_ascii_lowercase();
            let valid = lower.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && lower
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c));
            if !valid {
                return Err(RenameError::InvalidName(format!(
                    "`{new_name}` is not a valid stage name: start with a letter, then use letters, digits, `-`, `_` and `.`"
                )));
            }
            if matches!(lower.as_str(), "scratch" | "context") {
                return Err(RenameError::InvalidName(format!(
                    "`{new_name}` is a reserved name"
                )));
            }
            if lower != at.name
                && analysis
                    .build
                    .stages
                    .iter()
                    .any(|s| s.name.as_deref() == Some(lower.as_str()))
            {
                return Err(RenameError::Conflict(format!(
                    "a stage named `{new_name}` already exists"
                )));
            }
        }
        Namespace::Heredoc(_) => heredoc_rename_allowed(&analysis, at, new_name)?,
    }
    Ok(group
        .into_iter()
        .map(|o| Edit {
            range: o.range,
            replacement: new_name.to_string(),
        })
        .collect())
}

/// The `n`th heredoc of the document, from 0, with its marker: the one of
/// [`Namespace::Heredoc`]`(n)`.
pub(crate) fn nth_heredoc(
    analysis: &Analysis,
    n: usize,
) -> Option<(HeredocMarker<'_>, Heredoc<'_>)> {
    heredocs(analysis.file()?)
        .nth(n)
        .map(|(_, marker, heredoc)| (marker, heredoc))
}

/// Whether a heredoc can be named `new_name`: a plain word, and no line of its body reads
/// `new_name`, which would end the body there.
fn heredoc_rename_allowed(
    analysis: &Analysis,
    at: &Occurrence,
    new_name: &str,
) -> Result<(), RenameError> {
    let valid = new_name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && new_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
    if !valid {
        return Err(RenameError::InvalidName(format!(
            "`{new_name}` is not a valid heredoc name: start with a letter or `_`, then use letters, digits, `_`, `-` and `.`"
        )));
    }
    let Namespace::Heredoc(n) = at.namespace else {
        return Ok(());
    };
    let Some((marker, heredoc)) = nth_heredoc(analysis, n) else {
        return Ok(());
    };
    let chomp = marker.chomp();
    let ends_body = heredoc.raw_body().lines().any(|line| {
        let line = line.strip_suffix('\r').unwrap_or(line);
        (if chomp {
            line.trim_start_matches('\t')
        } else {
            line
        }) == new_name
    });
    if ends_body {
        return Err(RenameError::Conflict(format!(
            "a line of this heredoc reads `{new_name}`, which would end it early"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The offset of the `n`th occurrence of `needle`, plus `shift`.
    fn at(source: &str, needle: &str, n: usize) -> u32 {
        let offset = source.match_indices(needle).nth(n).expect("needle").0;
        crate::ide::to_u32(offset)
    }

    fn texts(source: &str, ranges: &[TextRange]) -> Vec<u32> {
        ranges
            .iter()
            .inspect(|r| assert!(!source[r.as_usize()].is_empty()))
            .map(|r| r.start)
            .collect()
    }

    const SOURCE: &str = "ARG VERSION=3.19\nFROM alpine:${VERSION} AS base\nARG VERSION\n\
ENV APP=/app\nRUN echo $VERSION \"$APP\" '$APP'\nFROM base AS build\nWORKDIR $APP\n\
FROM scratch\nCOPY --from=build /app /app\nENV APP=/other\nRUN echo $APP\n";

    #[test]
    fn definitions_follow_scoping() {
        // `${VERSION}` on the FROM line is the global ARG.
        let from_ref = at(SOURCE, "VERSION}", 0);
        assert_eq!(definition(SOURCE, from_ref), [TextRange::new(4, 11)]);
        // The stage's `ARG VERSION` leads to the global one.
        let redeclared = at(SOURCE, "VERSION\n", 0);
        assert_eq!(definition(SOURCE, redeclared), [TextRange::new(4, 11)]);
        // In RUN, `$VERSION` is the stage's redeclaration.
        let in_run = at(SOURCE, "$VERSION", 0) + 1;
        assert_eq!(
            definition(SOURCE, in_run),
            [TextRange::new(redeclared, redeclared + 7)]
        );
        // `$APP` in the stage built on `base` is base's ENV; the last stage has its own.
        let env_app = at(SOURCE, "APP=", 0);
        assert_eq!(
            definition(SOURCE, at(SOURCE, "$APP\n", 0) + 1),
            [TextRange::new(env_app, env_app + 3)]
        );
        let other = at(SOURCE, "APP=", 1);
        assert_eq!(
            definition(SOURCE, at(SOURCE, "$APP\n", 1) + 1),
            [TextRange::new(other, other + 3)]
        );
        // The cursor right after a name counts.
        assert_eq!(
            definition(SOURCE, at(SOURCE, "\"$APP", 0) + 5),
            [TextRange::new(env_app, env_app + 3)]
        );
        // Stage names.
        let base = at(SOURCE, "base\n", 0);
        assert_eq!(
            definition(SOURCE, at(SOURCE, "base AS", 0)),
            [TextRange::new(base, base + 4)]
        );
        let build = at(SOURCE, "build\n", 0);
        assert_eq!(
            definition(SOURCE, at(SOURCE, "build /app", 0) + 2),
            [TextRange::new(build, build + 5)]
        );
        assert!(definition(SOURCE, 0).is_empty());
    }

    #[test]
    fn references_skip_single_quotes_and_unrelated_stages() {
        let refs = references(SOURCE, at(SOURCE, "APP=", 0), true);
        // The ENV, "$APP" in RUN, $APP in WORKDIR; not '$APP', not the last stage's.
        assert_eq!(
            texts(SOURCE, &refs),
            [
                at(SOURCE, "APP=", 0),
                at(SOURCE, "\"$APP", 0) + 2,
                at(SOURCE, "$APP\n", 0) + 1
            ]
        );
        let without = references(SOURCE, at(SOURCE, "APP=", 0), false);
        assert_eq!(without.len(), 2);
        let versions = references(SOURCE, at(SOURCE, "VERSION", 0), true);
        assert_eq!(versions.len(), 4);
        let highlights = highlights(SOURCE, at(SOURCE, "VERSION", 0));
        let writes = highlights
            .iter()
            .filter(|h| h.kind == HighlightKind::Write)
            .count();
        assert_eq!(writes, 2);
    }

    #[test]
    fn rename_changes_every_occurrence_and_refuses_bad_names() {
        let edits = rename(SOURCE, at(SOURCE, "base", 0), "runtime").unwrap();
        let renamed = crate::fix::apply_edits(SOURCE, &edits);
        assert!(renamed.contains("AS runtime\n"), "{renamed}");
        assert!(renamed.contains("FROM runtime AS build"), "{renamed}");
        let edits = rename(SOURCE, at(SOURCE, "VERSION", 2), "ALPINE_VERSION").unwrap();
        assert_eq!(edits.len(), 4);
        let edits = rename(SOURCE, at(SOURCE, "build", 0), "Compile").unwrap();
        let renamed = crate::fix::apply_edits(SOURCE, &edits);
        assert!(renamed.contains("--from=Compile"), "{renamed}");
        assert!(matches!(
            rename(SOURCE, at(SOURCE, "APP", 0), "1x"),
            Err(RenameError::InvalidName(_))
        ));
        assert!(matches!(
            rename(SOURCE, at(SOURCE, "APP", 0), "VERSION"),
            Err(RenameError::Conflict(_))
        ));
        assert!(matches!(
            rename(SOURCE, at(SOURCE, "base", 0), "build"),
            Err(RenameError::Conflict(_))
        ));
        assert!(matches!(
            rename(SOURCE, at(SOURCE, "base", 0), "scratch"),
            Err(RenameError::InvalidName(_))
        ));
        assert!(matches!(
            rename(SOURCE, 0, "X"),
            Err(RenameError::NothingToRename)
        ));
        assert_eq!(
            prepare_rename(SOURCE, at(SOURCE, "APP", 0)),
            Some((
                TextRange::new(at(SOURCE, "APP", 0), at(SOURCE, "APP", 0) + 3),
                "APP".to_string()
            ))
        );
        // A variable this file does not define cannot be renamed.
        assert_eq!(prepare_rename("FROM a\nRUN echo $HOME\n", 18), None);
    }

    const HEREDOCS: &str = "FROM alpine\nRUN <<EOF bash\necho $HOME\nEOF\n\
COPY <<-\"EOF\" /etc/a\n\tEOF2\n\tEOF\nONBUILD RUN <<X\nX\nCOPY <<E\"O\"F /b\nEOF\n";

    #[test]
    fn heredoc_names_pair_marker_and_terminator() {
        let marker = at(HEREDOCS, "EOF bash", 0);
        let end = at(HEREDOCS, "EOF\nCOPY", 0);
        // From the terminator to the marker; each heredoc is its own symbol.
        assert_eq!(
            definition(HEREDOCS, end + 1),
            [TextRange::new(marker, marker + 3)]
        );
        assert_eq!(
            definition(HEREDOCS, marker),
            [TextRange::new(marker, marker + 3)]
        );
        let highlighted = highlights(HEREDOCS, marker + 2);
        assert_eq!(
            highlighted,
            [
                Highlight {
                    range: TextRange::new(marker, marker + 3),
                    kind: HighlightKind::Write
                },
                Highlight {
                    range: TextRange::new(end, end + 3),
                    kind: HighlightKind::Read
                }
            ]
        );
        // Inside the quotes of the marker; after the tab `<<-` removes.
        let quoted = at(HEREDOCS, "EOF\" /etc", 0);
        let tabbed = at(HEREDOCS, "\tEOF\nONBUILD", 0) + 1;
        assert_eq!(
            references(HEREDOCS, tabbed, true),
            [
                TextRange::new(quoted, quoted + 3),
                TextRange::new(tabbed, tabbed + 3)
            ]
        );
        // In an ONBUILD trigger too.
        let x = at(HEREDOCS, "X\nX", 0);
        assert_eq!(definition(HEREDOCS, x + 2), [TextRange::new(x, x + 1)]);
        // `$HOME` in the body is still a variable.
        assert_eq!(references(HEREDOCS, at(HEREDOCS, "HOME", 0), true).len(), 1);
    }

    #[test]
    fn heredoc_renames_keep_quotes_and_bodies() {
        let build = |text: &str| {
            crate::semantic::evaluate(&crate::syntax::parse(text), &Default::default())
        };
        let edits = rename(HEREDOCS, at(HEREDOCS, "EOF bash", 0), "SCRIPT").unwrap();
        let renamed = crate::fix::apply_edits(HEREDOCS, &edits);
        assert!(
            renamed
                .starts_with("FROM alpine\nRUN <<SCRIPT bash\necho $HOME\nSCRIPT\nCOPY <<-\"EOF\""),
            "{renamed}"
        );
        // Only the command as written (which the image history keeps) changes.
        let differences = crate::semantic::compare::compare(&build(HEREDOCS), &build(&renamed));
        assert!(
            differences.len() == 1 && differences[0].subject == "stage 0 commands",
            "{differences:#?}"
        );
        let quoted = at(HEREDOCS, "EOF\" /etc", 0);
        let renamed = crate::fix::apply_edits(HEREDOCS, &rename(HEREDOCS, quoted, "END").unwrap());
        assert!(
            renamed.contains("COPY <<-\"END\" /etc/a\n\tEOF2\n\tEND\n"),
            "{renamed}"
        );
        // A copied heredoc is a file of that name (the one a directory destination gets):
        // only the name changes.
        let differences = crate::semantic::compare::compare(&build(HEREDOCS), &build(&renamed));
        assert_eq!(differences.len(), 1, "{differences:#?}");
        assert!(
            differences[0].after.contains("heredoc END -> /etc/a"),
            "{differences:#?}"
        );
        // A body line that reads the new name would end the heredoc there.
        assert!(matches!(
            rename(HEREDOCS, quoted, "EOF2"),
            Err(RenameError::Conflict(_))
        ));
        assert!(matches!(
            rename(HEREDOCS, quoted, "two words"),
            Err(RenameError::InvalidName(_))
        ));
        // Partly quoted: the name cannot be rewritten in place.
        let partial = at(HEREDOCS, "E\"O", 0);
        assert_eq!(prepare_rename(HEREDOCS, partial), None);
        assert!(matches!(
            rename(HEREDOCS, partial, "Y"),
            Err(RenameError::Unsupported(_))
        ));
        assert_eq!(
            prepare_rename(HEREDOCS, quoted + 1),
            Some((TextRange::new(quoted, quoted + 3), "EOF".to_string()))
        );
    }

    #[test]
    fn renamed_files_build_the_same() {
        let edits = rename(SOURCE, at(SOURCE, "APP=", 0), "APP_DIR").unwrap();
        let renamed = crate::fix::apply_edits(SOURCE, &edits);
        let before = crate::semantic::evaluate(&crate::syntax::parse(SOURCE), &Default::default());
        let after = crate::semantic::evaluate(&crate::syntax::parse(&renamed), &Default::default());
        let differences = crate::semantic::compare::compare(&before, &after);
        // Only the environment's name changes; commands and files read the same values.
        assert!(
            differences
                .iter()
                .all(|d| d.subject.contains("commands") || d.subject.contains("Env")),
            "{differences:#?}"
        );
        assert!(renamed.contains("WORKDIR $APP_DIR"));
    }
}

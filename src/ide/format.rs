//! Formatting: upper-case keywords, one space after the keyword and between flags, four
//! spaces before continuation lines, and `["a", "b"]` spacing in exec form, returned as
//! edits. Formatting never changes the build: the edits are kept only when the engine
//! evaluates the formatted text to the same build ([`crate::semantic::compare::compare`])
//! with the same parse errors. An edit that would change it (a lower-case ONBUILD trigger,
//! whose text the image config keeps) is left out, and white space inside shell commands,
//! which is part of the command BuildKit runs, is never touched.
//!
//! Formatting as one types ([`on_type`]) is different: it indents the line a keystroke has
//! just made a continuation line, text being written rather than text that builds.

use crate::ast::{Dockerfile, Instruction};
use crate::fix::{Edit, apply_edits};
use crate::semantic::compare::compare;
use crate::semantic::{Build, BuildOptions, evaluate};
use crate::syntax::{Parse, SyntaxElement, SyntaxKind, TextRange, parse};

/// The indentation of continuation lines.
const INDENT: &str = "    ";

/// The edits that format the whole file.
#[must_use]
pub fn format(source: &str) -> Vec<Edit> {
    format_range(source, TextRange::new(0, crate::ide::to_u32(source.len())))
}

/// The edits that format the instructions overlapping `range`.
#[must_use]
pub fn format_range(source: &str, range: TextRange) -> Vec<Edit> {
    let parsed = parse(source);
    let Some(file) = Dockerfile::cast(parsed.tree().root()) else {
        return Vec::new();
    };
    // Edits per instruction, so that one that changes the build can be left out alone.
    let mut per_instruction: Vec<Vec<Edit>> = Vec::new();
    for instruction in file.instructions() {
        let r = instruction.range();
        if r.end < range.start || r.start > range.end {
            continue;
        }
        let mut edits = Vec::new();
        let mut current = Some(instruction);
        while let Some(i) = current {
            keyword_case(i, &mut edits);
            flag_spacing(i, &mut edits);
            exec_form_spacing(i, &mut edits);
            current = i.onbuild_trigger();
        }
        indentation(source, instruction, &mut edits);
        edits.sort_by_key(|e| e.range);
        edits.dedup_by_key(|e| e.range);
        if !edits.is_empty() {
            per_instruction.push(edits);
        }
    }
    if per_instruction.is_empty() {
        return Vec::new();
    }
    let before = evaluate(&parsed, &BuildOptions::default());
    let all: Vec<Edit> = per_instruction.iter().flatten().cloned().collect();
    if same_build(source, &parsed, &before, &all) {
        return all;
    }
    // Keep the instructions whose edits leave the build alone.
    let mut accepted: Vec<Edit> = Vec::new();
    for edits in per_instruction {
        let mut candidate = accepted.clone();
        candidate.extend(edits);
        candidate.sort_by_key(|e| e.range);
        if same_build(source, &parsed, &before, &candidate) {
            accepted = candidate;
        }
    }
    accepted
}

/// The edits after typing `typed` just before `offset`: a new line after a line ending in
/// the escape character, or the escape character at the end of a line, indents the
/// continuation line that follows as [`format`] does. An escape character that does not
/// continue the line (in a comment, in a heredoc body, not the file's escape character)
/// changes nothing.
#[must_use]
pub fn on_type(source: &str, offset: u32, typed: char) -> Vec<Edit> {
    let offset = crate::ide::clamp(source, offset);
    let parsed = parse(source);
    let root = parsed.tree().root();
    let mut continuation = root
        .descendants_with_tokens()
        .filter_map(|e| e.as_node())
        .filter(|n| n.kind() == SyntaxKind::LINE_CONTINUATION);
    // The continuation the keystroke made: the one ending where the new line starts, or
    // the one the typed escape character starts.
    let made = match typed {
        '\n' => {
            let start = source[..offset as usize].rfind('\n').map_or(0, |i| i + 1);
            continuation.find(|n| n.range().end == crate::ide::to_u32(start))
        }
        _ => {
            let escape_at = offset.checked_sub(crate::ide::to_u32(typed.len_utf8()));
            continuation.find(|n| {
                Some(n.range().start) == escape_at
                    && source[n.range().as_usize()].starts_with(typed)
            })
        }
    };
    let Some(start) = made.map(|n| n.range().end) else {
        return Vec::new();
    };
    let rest = &source[start as usize..];
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let blank = line.len() - line.trim_start_matches([' ', '\t']).len();
    // Typing the escape character indents the words it brought into the instruction; a
    // new line is indented even while still empty, for what comes next.
    if typed != '\n' && line.trim().is_empty() {
        return Vec::new();
    }
    let range = TextRange::new(start, start + crate::ide::to_u32(blank));
    let mut edits = Vec::new();
    replace(&mut edits, range, &line[..blank], INDENT);
    edits
}

/// Whether the edited text parses with the same errors and evaluates to the same build.
fn same_build(source: &str, parsed: &Parse, before: &Build, edits: &[Edit]) -> bool {
    let text = apply_edits(source, edits);
    let reparsed = parse(&text);
    let codes = |p: &Parse| p.errors().iter().map(|e| e.code).collect::<Vec<_>>();
    if codes(parsed) != codes(&reparsed) {
        return false;
    }
    let after = evaluate(&reparsed, &BuildOptions::default());
    compare(before, &after).is_empty()
}

fn replace(edits: &mut Vec<Edit>, range: TextRange, current: &str, wanted: &str) {
    if current != wanted {
        edits.push(Edit {
            range,
            replacement: wanted.to_string(),
        });
    }
}

/// Instruction keywords, `AS` and HEALTHCHECK's `CMD`/`NONE` in upper case.
fn keyword_case(instruction: Instruction<'_>, edits: &mut Vec<Edit>) {
    let node = instruction.syntax();
    let nested = [SyntaxKind::STAGE_NAME, SyntaxKind::HEALTHCHECK_TYPE]
        .into_iter()
        .filter_map(|k| node.child(k));
    let holders = std::iter::once(node).chain(nested);
    for holder in holders {
        let keywords: Vec<_> = holder
            .children_with_tokens()
            .filter_map(SyntaxElement::as_token)
            .filter(|t| t.kind() == SyntaxKind::KEYWORD)
            .collect();
        // A keyword split by a line continuation is left as it is.
        if let [keyword] = keywords[..] {
            if holder.kind() == SyntaxKind::ERROR {
                continue;
            }
            replace(
                edits,
                keyword.range(),
                keyword.text(),
                &keyword.text().to_ascii_uppercase(),
            );
        }
    }
}

/// One space after the keyword and after each flag.
fn flag_spacing(instruction: Instruction<'_>, edits: &mut Vec<Edit>) {
    let elements: Vec<SyntaxElement<'_>> = instruction.syntax().children_with_tokens().collect();
    for (i, element) in elements.iter().enumerate() {
        if element.kind() != SyntaxKind::WHITESPACE || i == 0 {
            continue;
        }
        let previous = elements[i - 1].kind();
        let next = elements.get(i + 1).map(|e| e.kind());
        let separates = matches!(previous, SyntaxKind::KEYWORD | SyntaxKind::FLAG)
            && next.is_some_and(|k| !k.is_line_trivia() && k != SyntaxKind::NEWLINE);
        if separates {
            replace(edits, element.range(), element.text(), " ");
        }
    }
}

/// `["a", "b"]`: no space inside the brackets or before a comma, one after it.
fn exec_form_spacing(instruction: Instruction<'_>, edits: &mut Vec<Edit>) {
    let Some(array) = instruction.exec_form() else {
        return;
    };
    let elements: Vec<SyntaxElement<'_>> = array.syntax().children_with_tokens().collect();
    if elements.iter().any(|e| e.kind().is_line_trivia()) {
        return;
    }
    for (i, element) in elements.iter().enumerate() {
        let previous = i.checked_sub(1).map(|p| elements[p].kind());
        let next = elements.get(i + 1).map(|e| e.kind());
        match element.kind() {
            SyntaxKind::WHITESPACE => {
                let wanted = if previous == Some(SyntaxKind::COMMA) {
                    " "
                } else {
                    ""
                };
                if previous == Some(SyntaxKind::L_BRACKET)
                    || next == Some(SyntaxKind::R_BRACKET)
                    || next == Some(SyntaxKind::COMMA)
                    || previous == Some(SyntaxKind::COMMA)
                {
                    replace(edits, element.range(), element.text(), wanted);
                }
            }
            SyntaxKind::COMMA if next != Some(SyntaxKind::WHITESPACE) => {
                edits.push(Edit {
                    range: TextRange::empty(element.range().end),
                    replacement: " ".to_string(),
                });
            }
            _ => {}
        }
    }
}

/// Four spaces before each continuation line whose leading blanks only separate words (not
/// inside a shell command, where they are part of the command).
fn indentation(source: &str, instruction: Instruction<'_>, edits: &mut Vec<Edit>) {
    let node = instruction.syntax();
    let token_at = |offset: u32| node.tokens().find(|t| t.range().contains(offset));
    // Where each continuation line starts, and whether a blank ends the line before it.
    let mut line_starts: Vec<(u32, bool)> = Vec::new();
    let mut blank_before = false;
    for element in node.descendants_with_tokens() {
        let Some(n) = element.as_node() else { continue };
        if n.kind() == SyntaxKind::LINE_CONTINUATION {
            blank_before = source[..n.range().start as usize].ends_with([' ', '\t']);
        }
        if n.kind().is_line_trivia() {
            line_starts.push((n.range().end, blank_before));
        }
    }
    for (start, blank_before) in line_starts {
        let rest = &source[start as usize..];
        let blank_len = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        let line_end = rest.find('\n').unwrap_or(rest.len());
        if rest[..line_end].trim().is_empty() || start >= node.range().end {
            continue;
        }
        let range = TextRange::new(start, start + crate::ide::to_u32(blank_len));
        let safe = if blank_len == 0 {
            // An insertion before a word: safe when a blank already separates it from the
            // line before and it is not shell text.
            blank_before
                && token_at(start).is_some_and(|t| {
                    t.kind() != SyntaxKind::SHELL_TEXT && !t.kind().is_line_trivia()
                })
        } else {
            token_at(start)
                .is_some_and(|t| t.kind() == SyntaxKind::WHITESPACE && t.range() == range)
        };
        if safe {
            replace(edits, range, &source[range.as_usize()], INDENT);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formatted(source: &str) -> String {
        apply_edits(source, &format(source))
    }

    #[test]
    fn keywords_flags_continuations_and_exec_form() {
        let source = "from alpine as build\nrun  --mount=type=cache,target=/x   --network=none  apk add \\\n  curl\n\
copy --chown=app \\\n        a \\\n  # note\n\tb /dst/\ncmd [ \"a\" ,\"b\" ]\nhealthcheck --interval=5s cmd true\n";
        assert_eq!(
            formatted(source),
            "FROM alpine AS build\nRUN --mount=type=cache,target=/x --network=none apk add \\\n  curl\n\
COPY --chown=app \\\n    a \\\n    # note\n    b /dst/\nCMD [\"a\", \"b\"]\nHEALTHCHECK --interval=5s CMD true\n"
        );
    }

    #[test]
    fn formatting_twice_changes_nothing() {
        let source = "from a\nenv A=1 \\\n B=2\n";
        let once = formatted(source);
        assert_eq!(once, "FROM a\nENV A=1 \\\n    B=2\n");
        assert!(format(&once).is_empty());
    }

    #[test]
    fn edits_that_change_the_build_are_left_out() {
        // The image config keeps an ONBUILD trigger as written.
        let source = "from a\nonbuild run x\nrun  y\n";
        assert_eq!(formatted(source), "FROM a\nonbuild run x\nRUN y\n");
    }

    /// The text after typing at `|` (the typed character is already in `marked`, before
    /// the `|`) and applying the on-type edits.
    fn typed(marked: &str) -> String {
        let offset = marked.find('|').unwrap();
        let source = marked.replace('|', "");
        let typed = source[..offset].chars().next_back().unwrap();
        apply_edits(
            &source,
            &on_type(&source, crate::ide::to_u32(offset), typed),
        )
    }

    #[test]
    fn typing_indents_continuation_lines() {
        // Enter after a line continuation: the new line, empty or not, or auto-indented.
        assert_eq!(
            typed("FROM a\nRUN apk add \\\n|"),
            "FROM a\nRUN apk add \\\n    "
        );
        assert_eq!(
            typed("FROM a\nRUN apk add \\\n|curl\n"),
            "FROM a\nRUN apk add \\\n    curl\n"
        );
        assert_eq!(
            typed("FROM a\nCOPY a \\\n|\tb /c/\n"),
            "FROM a\nCOPY a \\\n    b /c/\n"
        );
        // The escape character at the end of a line brings the next line in.
        assert_eq!(
            typed("FROM a\nRUN make \\|\ninstall\n"),
            "FROM a\nRUN make \\\n    install\n"
        );
        // With `# escape=``, the backtick.
        assert_eq!(
            typed("# escape=`\nFROM a\nRUN dir `|\nC:\\\n"),
            "# escape=`\nFROM a\nRUN dir `\n    C:\\\n"
        );
        // Already indented: nothing to do.
        assert!(on_type("FROM a\nRUN a \\\n    b\n", 16, '\n').is_empty());
    }

    #[test]
    fn typing_elsewhere_changes_nothing() {
        for marked in [
            // A plain new line.
            "FROM a\nRUN a\n|",
            // Not the file's escape character.
            "# escape=`\nFROM a\nRUN dir \\|\nb\n",
            // In a comment, in a heredoc body, mid-line.
            "FROM a\n# note \\|\nRUN b\n",
            "FROM a\nRUN <<EOF\necho \\|\nb\nEOF\n",
            "FROM a\nRUN a \\| b\n",
            // The escape character before a blank line: nothing to indent yet.
            "FROM a\nRUN a \\|\n\n",
        ] {
            let source = marked.replace('|', "");
            assert_eq!(typed(marked), source, "{marked:?}");
        }
    }

    #[test]
    fn range_formatting_touches_only_that_range() {
        let source = "from a\nrun x\nrun y\n";
        let edits = format_range(source, TextRange::new(7, 12));
        assert_eq!(apply_edits(source, &edits), "from a\nRUN x\nrun y\n");
    }
}

//! The fix model: text edits, fixes with their applicability, and (in `apply`) the loop
//! that applies them and proves each pass with the parser and the build engine.

mod apply;

pub use apply::{AppliedFix, FixMode, FixOutcome, MAX_ITERATIONS, RejectedFix, fix};

use crate::syntax::TextRange;

/// Replaces a range of the source. An insertion has an empty range; a deletion an empty
/// replacement.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edit {
    /// The bytes replaced.
    pub range: TextRange,
    /// The new text.
    pub replacement: String,
}

impl Edit {
    /// Inserts `text` at `offset`.
    #[must_use]
    pub fn insert(offset: u32, text: impl Into<String>) -> Self {
        Edit {
            range: TextRange::empty(offset),
            replacement: text.into(),
        }
    }

    /// Replaces `range` with `text`.
    #[must_use]
    pub fn replace(range: TextRange, text: impl Into<String>) -> Self {
        Edit {
            range,
            replacement: text.into(),
        }
    }

    /// Deletes `range`.
    #[must_use]
    pub fn delete(range: TextRange) -> Self {
        Edit {
            range,
            replacement: String::new(),
        }
    }
}

/// How safe a fix is to apply without review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Applicability {
    /// Shown, never applied.
    DisplayOnly,
    /// Probably wanted but may change behaviour: applied with `--unsafe-fixes`.
    Unsafe,
    /// Keeps the build's meaning apart from what the rule targets: applied by `--fix`.
    Safe,
}

impl Applicability {
    /// `safe`, `unsafe` or `display-only`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }
}

/// A set of edits that repairs one diagnostic.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fix {
    /// What the fix does, imperative: "Merge with the previous `RUN`".
    pub title: String,
    /// Sorted, non-overlapping edits.
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

impl Fix {
    /// A fix of one edit.
    #[must_use]
    pub fn new(title: impl Into<String>, applicability: Applicability, edits: Vec<Edit>) -> Self {
        let mut edits = edits;
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        Fix {
            title: title.into(),
            edits,
            applicability,
        }
    }

    /// The range covering all edits.
    #[must_use]
    pub fn range(&self) -> Option<TextRange> {
        self.edits.iter().map(|e| e.range).reduce(TextRange::cover)
    }

    /// Applies the edits to `source`.
    #[must_use]
    pub fn apply_to(&self, source: &str) -> String {
        apply_edits(source, &self.edits)
    }
}

/// Applies sorted, non-overlapping edits to `source`.
#[must_use]
pub fn apply_edits(source: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(source.len());
    let mut pos = 0usize;
    for e in edits {
        let (start, end) = (e.range.start as usize, e.range.end as usize);
        out.push_str(&source[pos..start]);
        out.push_str(&e.replacement);
        pos = end;
    }
    out.push_str(&source[pos..]);
    out
}

/// The one edit that turns `before` into `after`: the differing middle, between their
/// common prefix and suffix (cut at character boundaries). `None` when they are equal. Edits
/// stay small, so an editor applying one keeps its cursor and folds elsewhere.
#[must_use]
pub fn diff_edit(before: &str, after: &str) -> Option<Edit> {
    if before == after {
        return None;
    }
    let mut prefix = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !before.is_char_boundary(prefix) || !after.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = before.len().min(after.len()) - prefix;
    let mut suffix = before
        .bytes()
        .rev()
        .zip(after.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !before.is_char_boundary(before.len() - suffix)
        || !after.is_char_boundary(after.len() - suffix)
    {
        suffix -= 1;
    }
    let offset = |n: usize| u32::try_from(n).expect("file shorter than 4 GiB");
    Some(Edit::replace(
        TextRange::new(offset(prefix), offset(before.len() - suffix)),
        &after[prefix..after.len() - suffix],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_order() {
        let fix = Fix::new(
            "demo",
            Applicability::Safe,
            vec![
                Edit::replace(TextRange::new(5, 11), "alpine:3.20"),
                Edit::insert(0, "# hi\n"),
            ],
        );
        assert_eq!(fix.apply_to("FROM alpine\n"), "# hi\nFROM alpine:3.20\n");
        assert_eq!(fix.range(), Some(TextRange::new(0, 11)));
        assert_eq!(
            apply_edits("abc", &[Edit::delete(TextRange::new(1, 2))]),
            "ac"
        );
    }

    #[test]
    fn diff_edit_covers_only_the_change() {
        assert_eq!(diff_edit("same", "same"), None);
        let cases = [
            ("FROM a\nMAINTAINER x\nRUN y\n", "FROM a\nLABEL x\nRUN y\n"),
            ("aaa", "aaaa"),
            ("abc", ""),
            ("", "xyz"),
            // Common bytes inside a multi-byte character are not split.
            ("xé🐳y", "xè🐳y"),
            ("🐳", "🐋"),
        ];
        for (before, after) in cases {
            let edit = diff_edit(before, after).unwrap();
            assert_eq!(apply_edits(before, std::slice::from_ref(&edit)), after);
        }
        let edit = diff_edit("FROM a\nMAINTAINER x\n", "FROM a\nLABEL x\n").unwrap();
        assert_eq!(edit.range, TextRange::new(7, 17));
        assert_eq!(edit.replacement, "LABEL");
    }
}

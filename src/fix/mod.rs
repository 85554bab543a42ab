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
}

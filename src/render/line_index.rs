//! Byte offsets to 1-based lines and columns (columns count Unicode scalar values).

/// The start offset of every line of a text.
pub struct LineIndex<'s> {
    text: &'s str,
    line_starts: Vec<usize>,
}

/// A 1-based line and column, with the byte offset it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

impl<'s> LineIndex<'s> {
    #[must_use]
    pub fn new(text: &'s str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Self { text, line_starts }
    }

    /// The position of a byte offset (clamped to the text, and moved back to a char boundary).
    #[must_use]
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let column = self.text[self.line_starts[line]..offset].chars().count() + 1;
        Position {
            line: line + 1,
            column,
            offset,
        }
    }

    /// The text of a 1-based line, without its line break.
    #[must_use]
    pub fn line_text(&self, line: usize) -> &'s str {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end]
            .trim_end_matches('\n')
            .trim_end_matches('\r')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_scalar_values() {
        let index = LineIndex::new("FROM a\nLABEL x=\"é🐳\" y\n");
        assert_eq!(
            index.position(0),
            Position {
                line: 1,
                column: 1,
                offset: 0
            }
        );
        assert_eq!(
            index.position(7),
            Position {
                line: 2,
                column: 1,
                offset: 7
            }
        );
        let y = "FROM a\nLABEL x=\"é🐳\" ".len();
        assert_eq!(index.position(y).column, 14);
        assert_eq!(index.line_text(2), "LABEL x=\"é🐳\" y");
    }
}

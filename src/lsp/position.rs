//! Line/character positions as the protocol counts them, and byte offsets as the core
//! counts them. Pure: no protocol types, so the rules of the conversion are tested alone.
//!
//! A line ends at `\n` (a `\r` right before it belongs to the line break). A lone `\r` is
//! not a line break here, as it is not for the Dockerfile parser. Positions past the end of
//! a line or of the text are clamped, and a position inside a character (the middle of a
//! UTF-16 surrogate pair or of a UTF-8 sequence) moves back to that character's start, as
//! the protocol asks.

/// How the `character` of a position counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    /// Bytes of UTF-8, the text's own unit: no conversion within a line.
    Utf8,
    /// UTF-16 code units, the protocol's default.
    #[default]
    Utf16,
}

/// A zero-based line and a character offset within it, counted in some [`Encoding`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

impl Position {
    #[must_use]
    pub fn new(line: u32, character: u32) -> Self {
        Position { line, character }
    }
}

/// The line starts of a text, for converting between offsets and positions.
#[derive(Clone, Debug)]
pub struct LineIndex<'t> {
    text: &'t str,
    line_starts: Vec<u32>,
}

/// Text lengths are `u32` throughout the core ([`crate::syntax::TextRange`]).
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl<'t> LineIndex<'t> {
    #[must_use]
    pub fn new(text: &'t str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| to_u32(i + 1)));
        LineIndex { text, line_starts }
    }

    /// The byte range of a line's content, without its line break.
    fn line_content(&self, line: usize) -> (usize, usize) {
        let start = self.line_starts[line] as usize;
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next as usize - 1);
        let end = if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        (start, end)
    }

    /// The byte offset of a position, clamped to the end of its line, and to the end of the
    /// text for a line past the last.
    #[must_use]
    pub fn offset(&self, position: Position, encoding: Encoding) -> u32 {
        let line = position.line as usize;
        if line >= self.line_starts.len() {
            return to_u32(self.text.len());
        }
        let (start, end) = self.line_content(line);
        let content = &self.text[start..end];
        let within = match encoding {
            Encoding::Utf8 => {
                let mut at = (position.character as usize).min(content.len());
                while !content.is_char_boundary(at) {
                    at -= 1;
                }
                at
            }
            Encoding::Utf16 => {
                let mut units = 0u32;
                let mut at = content.len();
                for (i, c) in content.char_indices() {
                    let next = units + to_u32(c.len_utf16());
                    if next > position.character {
                        at = i;
                        break;
                    }
                    units = next;
                }
                at
            }
        };
        to_u32(start + within)
    }

    /// The position of a byte offset, clamped to the text and moved back to a character
    /// boundary.
    #[must_use]
    pub fn position(&self, offset: u32, encoding: Encoding) -> Position {
        let mut offset = (offset as usize).min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s as usize <= offset) - 1;
        let start = self.line_starts[line] as usize;
        let before = &self.text[start..offset];
        let character = match encoding {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.chars().map(char::len_utf16).sum(),
        };
        Position::new(to_u32(line), to_u32(character))
    }
}

/// Replaces the text between two positions (counted in `encoding`) with `replacement`, as
/// one incremental change of the protocol does. A start after the end is taken as the end.
pub fn apply_change(
    text: &mut String,
    range: (Position, Position),
    replacement: &str,
    encoding: Encoding,
) {
    let index = LineIndex::new(text);
    let start = index.offset(range.0, encoding) as usize;
    let end = index.offset(range.1, encoding) as usize;
    let (start, end) = (start.min(end), start.max(end));
    text.replace_range(start..end, replacement);
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "FROM a\r\nLABEL x=\"é🐳\" y\nRUN z";

    #[test]
    fn offsets_and_positions_round_trip_in_both_encodings() {
        let index = LineIndex::new(TEXT);
        let y = TEXT.find(" y").unwrap() + 1;
        // `é` is 2 bytes and 1 UTF-16 unit; `🐳` is 4 bytes and 2 units.
        let utf8 = Position::new(1, 17);
        let utf16 = Position::new(1, 14);
        assert_eq!(index.position(to_u32(y), Encoding::Utf8), utf8);
        assert_eq!(index.position(to_u32(y), Encoding::Utf16), utf16);
        assert_eq!(index.offset(utf8, Encoding::Utf8), to_u32(y));
        assert_eq!(index.offset(utf16, Encoding::Utf16), to_u32(y));
        for offset in 0..=to_u32(TEXT.len()) {
            if !TEXT.is_char_boundary(offset as usize) {
                continue;
            }
            for encoding in [Encoding::Utf8, Encoding::Utf16] {
                let position = index.position(offset, encoding);
                // The `\r` of a CRLF is not inside a line: its offset maps to the line end.
                if TEXT.as_bytes().get(offset as usize) == Some(&b'\n')
                    && TEXT.as_bytes()[offset as usize - 1] == b'\r'
                {
                    continue;
                }
                assert_eq!(index.offset(position, encoding), offset, "{offset}");
            }
        }
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let index = LineIndex::new(TEXT);
        // Past the end of a CRLF line: before the `\r`.
        assert_eq!(index.offset(Position::new(0, 99), Encoding::Utf16), 6);
        // Past the last line: the end of the text.
        assert_eq!(
            index.offset(Position::new(9, 0), Encoding::Utf8),
            to_u32(TEXT.len())
        );
        assert_eq!(index.position(999, Encoding::Utf16), Position::new(2, 5));
    }

    #[test]
    fn positions_inside_a_character_move_to_its_start() {
        let index = LineIndex::new(TEXT);
        let whale = to_u32(TEXT.find('🐳').unwrap());
        // The low surrogate of `🐳` (UTF-16 unit 10 is its high one).
        assert_eq!(index.offset(Position::new(1, 11), Encoding::Utf16), whale);
        let whale_column = whale - 8;
        assert_eq!(
            index.offset(Position::new(1, whale_column + 2), Encoding::Utf8),
            whale
        );
        assert_eq!(
            index.position(whale + 3, Encoding::Utf8).character,
            whale_column
        );
    }

    #[test]
    fn changes_apply_at_converted_positions() {
        let mut text = "é🐳x\n".to_string();
        // Replace `x` (after 1 + 2 UTF-16 units) with `yz`.
        apply_change(
            &mut text,
            (Position::new(0, 3), Position::new(0, 4)),
            "yz",
            Encoding::Utf16,
        );
        assert_eq!(text, "é🐳yz\n");
        // The same place in UTF-8 is byte 6.
        apply_change(
            &mut text,
            (Position::new(0, 6), Position::new(0, 6)),
            "-",
            Encoding::Utf8,
        );
        assert_eq!(text, "é🐳-yz\n");
        // Past the end appends.
        apply_change(
            &mut text,
            (Position::new(5, 0), Position::new(7, 3)),
            "RUN a\n",
            Encoding::Utf16,
        );
        assert_eq!(text, "é🐳-yz\nRUN a\n");
        // Deleting across lines.
        apply_change(
            &mut text,
            (Position::new(0, 1), Position::new(1, 0)),
            "",
            Encoding::Utf16,
        );
        assert_eq!(text, "éRUN a\n");
    }
}

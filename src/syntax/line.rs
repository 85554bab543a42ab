//! A logical line: the source pieces BuildKit joins into one instruction line, and the
//! trivia it drops between them. Maps the grammar's joined offsets back onto the source.

use super::grammar::Event;
use super::kind::SyntaxKind;
use super::text::TextRange;
use super::tree::TreeBuilder;

#[derive(Clone, Copy, Debug)]
struct Segment {
    joined: u32,
    src: u32,
    len: u32,
}

#[derive(Clone, Debug)]
struct Trivia {
    kind: SyntaxKind,
    start: u32,
    tokens: std::ops::Range<usize>,
}

#[derive(Default)]
pub(crate) struct LineMap {
    segments: Vec<Segment>,
    trivia: Vec<Trivia>,
    trivia_tokens: Vec<(SyntaxKind, u32)>,
    joined_len: u32,
    /// The joined text of a line made of several pieces; kept to reuse its buffer.
    joined_buf: String,
    /// Where the line starts in the source.
    origin: u32,
}

impl LineMap {
    /// Empties the map for the next line, keeping its buffers.
    /// Where the logical line starts: the position of an empty line's errors.
    pub(crate) fn set_origin(&mut self, start: usize) {
        self.origin = u32::try_from(start).expect("file shorter than 4 GiB");
    }

    pub(crate) fn clear(&mut self) {
        self.segments.clear();
        self.trivia.clear();
        self.trivia_tokens.clear();
        self.joined_len = 0;
        self.joined_buf.clear();
    }

    pub(crate) fn push_segment(&mut self, start: usize, end: usize) {
        if end > start {
            let len = u32::try_from(end - start).expect("line shorter than 4 GiB");
            let src = u32::try_from(start).expect("file shorter than 4 GiB");
            self.segments.push(Segment {
                joined: self.joined_len,
                src,
                len,
            });
            self.joined_len += len;
        }
    }

    /// Adds a trivia node made of tokens, each given by its end offset; empty ones are skipped.
    pub(crate) fn push_trivia(
        &mut self,
        kind: SyntaxKind,
        start: usize,
        tokens: &[(SyntaxKind, usize)],
    ) {
        let from = self.trivia_tokens.len();
        let mut pos = start;
        for &(k, end) in tokens {
            if end > pos {
                self.trivia_tokens
                    .push((k, u32::try_from(end).expect("file shorter than 4 GiB")));
                pos = end;
            }
        }
        if self.trivia_tokens.len() > from {
            let start = u32::try_from(start).expect("file shorter than 4 GiB");
            self.trivia.push(Trivia {
                kind,
                start,
                tokens: from..self.trivia_tokens.len(),
            });
        }
    }

    /// The joined text: borrowed from the source when the line is one piece, otherwise
    /// built in a buffer the map keeps.
    pub(crate) fn joined<'a>(&'a mut self, src: &'a str) -> &'a str {
        match self.segments.as_slice() {
            [] => "",
            [one] => &src[one.src as usize..(one.src + one.len) as usize],
            many => {
                self.joined_buf.clear();
                self.joined_buf.reserve(self.joined_len as usize);
                for s in many {
                    self.joined_buf
                        .push_str(&src[s.src as usize..(s.src + s.len) as usize]);
                }
                &self.joined_buf
            }
        }
    }

    /// The source offset of joined offset `j`, taking the position after any trivia at a
    /// piece boundary.
    fn src_start(&self, j: u32) -> u32 {
        match self.segments.iter().find(|s| j < s.joined + s.len) {
            Some(s) => s.src + (j - s.joined),
            None => self.segments.last().map_or(self.origin, |s| s.src + s.len),
        }
    }

    /// The source offset of joined offset `j` as the end of a range: before any trivia at a
    /// piece boundary.
    fn src_end(&self, j: u32) -> u32 {
        match self
            .segments
            .iter()
            .find(|s| j > s.joined && j <= s.joined + s.len)
        {
            Some(s) => s.src + (j - s.joined),
            None => self.src_start(j),
        }
    }

    /// Maps a joined range to the source.
    pub(crate) fn src_range(&self, start: u32, end: u32) -> TextRange {
        let s = self.src_start(start);
        let e = if end > start { self.src_end(end) } else { s };
        TextRange::new(s, e.max(s))
    }

    /// Emits the events into the builder, splitting tokens around trivia and flushing
    /// trivia at the level where it falls. Trivia after the last piece is emitted last.
    pub(crate) fn emit(&self, b: &mut TreeBuilder, events: &[Event]) {
        if self.trivia.is_empty() {
            // No trivia means at most one piece: joined offsets map onto the source
            // one to one, so tokens go to the builder as they are.
            debug_assert!(self.segments.len() <= 1);
            let mut j = 0u32;
            for &event in events {
                match event {
                    Event::Start(kind) => b.start_node(kind),
                    Event::Token(kind, end) => {
                        if end > j {
                            b.token(kind, end - j);
                            j = end;
                        }
                    }
                    Event::Finish => b.finish_node(),
                }
            }
            return;
        }
        let mut next_trivia = 0;
        let mut j = 0u32;
        let mut seg = 0usize;
        for &event in events {
            match event {
                Event::Start(kind) => {
                    let at = self.src_start(j);
                    self.flush(b, &mut next_trivia, at);
                    b.start_node(kind);
                }
                Event::Token(kind, end) => {
                    while j < end {
                        while self.segments[seg].joined + self.segments[seg].len <= j {
                            seg += 1;
                        }
                        let s = self.segments[seg];
                        let piece_end = end.min(s.joined + s.len);
                        self.flush(b, &mut next_trivia, s.src + (j - s.joined));
                        b.token(kind, piece_end - j);
                        j = piece_end;
                    }
                }
                Event::Finish => b.finish_node(),
            }
        }
        self.flush(b, &mut next_trivia, u32::MAX);
    }

    fn flush(&self, b: &mut TreeBuilder, next: &mut usize, before: u32) {
        while let Some(t) = self.trivia.get(*next).filter(|t| t.start < before) {
            debug_assert_eq!(
                b.pos(),
                t.start,
                "trivia starts where the previous token ended"
            );
            b.start_node(t.kind);
            for &(kind, end) in &self.trivia_tokens[t.tokens.clone()] {
                b.token_to(kind, end);
            }
            b.finish_node();
            *next += 1;
        }
    }
}

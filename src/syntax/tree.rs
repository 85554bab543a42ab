//! The lossless concrete syntax tree: an immutable preorder arena of nodes and tokens.
//!
//! Every byte of the source belongs to exactly one token, tokens appear in source
//! order, and a node's range is the union of its tokens. The tree stores no
//! semantic facts; it is a value that other layers read.

use std::fmt::{self, Write as _};

use super::kind::SyntaxKind;
use super::text::TextRange;

#[derive(Clone, Copy, Debug)]
struct Element {
    kind: SyntaxKind,
    range: TextRange,
    /// Index of the parent node; the root is its own parent.
    parent: u32,
    /// Index one past the last descendant (equal to `index + 1` for tokens).
    subtree_end: u32,
}

/// An immutable syntax tree together with the text it was parsed from.
#[derive(Clone)]
pub struct SyntaxTree {
    text: String,
    elements: Vec<Element>,
}

impl SyntaxTree {
    /// The root node (always a [`SyntaxKind::SOURCE_FILE`]).
    #[must_use]
    pub fn root(&self) -> SyntaxNode<'_> {
        SyntaxNode {
            tree: self,
            index: 0,
        }
    }

    /// The source text the tree was built from.
    #[must_use]
    pub fn source(&self) -> &str {
        &self.text
    }

    /// Prints the tree by concatenating its tokens. Equal to [`Self::source`] by construction;
    /// the round-trip checks call this to prove it.
    #[must_use]
    pub fn print(&self) -> String {
        let mut out = String::with_capacity(self.text.len());
        for e in &self.elements {
            if e.kind.is_token() {
                out.push_str(&self.text[e.range.as_usize()]);
            }
        }
        out
    }

    /// Checks the structural invariants: tokens are contiguous and cover the whole text,
    /// and every node's range is the span of its descendants.
    ///
    /// # Errors
    /// A description of the first violated invariant.
    pub fn validate(&self) -> Result<(), String> {
        let mut pos = 0u32;
        for (i, e) in self.elements.iter().enumerate() {
            if e.kind.is_token() {
                if e.range.start != pos {
                    return Err(format!(
                        "token {i} {:?} starts at {} but previous ended at {pos}",
                        e.kind, e.range.start
                    ));
                }
                if e.range.is_empty() {
                    return Err(format!("token {i} {:?} is empty", e.kind));
                }
                pos = e.range.end;
            } else if e.range.start != pos {
                return Err(format!(
                    "node {i} {:?} starts at {} but text position is {pos}",
                    e.kind, e.range.start
                ));
            }
        }
        if pos as usize != self.text.len() {
            return Err(format!(
                "tokens end at {pos}, text has {} bytes",
                self.text.len()
            ));
        }
        Ok(())
    }

    fn node(&self, index: u32) -> SyntaxNode<'_> {
        SyntaxNode { tree: self, index }
    }

    fn element(&self, index: u32) -> SyntaxElement<'_> {
        if self.elements[index as usize].kind.is_token() {
            SyntaxElement::Token(SyntaxToken { tree: self, index })
        } else {
            SyntaxElement::Node(SyntaxNode { tree: self, index })
        }
    }

    /// The token that contains `offset` (the one starting there, at a boundary).
    #[must_use]
    pub fn token_at(&self, offset: u32) -> Option<SyntaxToken<'_>> {
        let i = self
            .elements
            .iter()
            .position(|e| e.kind.is_token() && e.range.contains(offset))?;
        Some(SyntaxToken {
            tree: self,
            index: u32::try_from(i).ok()?,
        })
    }
}

impl fmt::Debug for SyntaxTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.root().debug_dump())
    }
}

/// A node of a [`SyntaxTree`]; cheap to copy.
#[derive(Clone, Copy)]
pub struct SyntaxNode<'t> {
    tree: &'t SyntaxTree,
    index: u32,
}

/// A token (leaf) of a [`SyntaxTree`]; cheap to copy.
#[derive(Clone, Copy)]
pub struct SyntaxToken<'t> {
    tree: &'t SyntaxTree,
    index: u32,
}

/// A child of a node: a node or a token.
#[derive(Clone, Copy, Debug)]
pub enum SyntaxElement<'t> {
    Node(SyntaxNode<'t>),
    Token(SyntaxToken<'t>),
}

impl<'t> SyntaxElement<'t> {
    #[must_use]
    pub fn kind(self) -> SyntaxKind {
        match self {
            SyntaxElement::Node(n) => n.kind(),
            SyntaxElement::Token(t) => t.kind(),
        }
    }

    #[must_use]
    pub fn range(self) -> TextRange {
        match self {
            SyntaxElement::Node(n) => n.range(),
            SyntaxElement::Token(t) => t.range(),
        }
    }

    #[must_use]
    pub fn text(self) -> &'t str {
        match self {
            SyntaxElement::Node(n) => n.text(),
            SyntaxElement::Token(t) => t.text(),
        }
    }

    #[must_use]
    pub fn as_node(self) -> Option<SyntaxNode<'t>> {
        match self {
            SyntaxElement::Node(n) => Some(n),
            SyntaxElement::Token(_) => None,
        }
    }

    #[must_use]
    pub fn as_token(self) -> Option<SyntaxToken<'t>> {
        match self {
            SyntaxElement::Token(t) => Some(t),
            SyntaxElement::Node(_) => None,
        }
    }
}

impl PartialEq for SyntaxNode<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.tree, other.tree) && self.index == other.index
    }
}

impl Eq for SyntaxNode<'_> {}

impl<'t> SyntaxNode<'t> {
    fn data(self) -> Element {
        self.tree.elements[self.index as usize]
    }

    #[must_use]
    pub fn kind(self) -> SyntaxKind {
        self.data().kind
    }

    #[must_use]
    pub fn range(self) -> TextRange {
        self.data().range
    }

    /// The node's source text, trivia included.
    #[must_use]
    pub fn text(self) -> &'t str {
        &self.tree.text[self.range().as_usize()]
    }

    #[must_use]
    pub fn tree(self) -> &'t SyntaxTree {
        self.tree
    }

    #[must_use]
    pub fn parent(self) -> Option<SyntaxNode<'t>> {
        if self.index == 0 {
            None
        } else {
            Some(self.tree.node(self.data().parent))
        }
    }

    /// Direct children, nodes and tokens, in order.
    pub fn children_with_tokens(self) -> impl Iterator<Item = SyntaxElement<'t>> + 't {
        let tree = self.tree;
        let end = self.data().subtree_end;
        let mut i = self.index + 1;
        std::iter::from_fn(move || {
            if i >= end {
                return None;
            }
            let current = i;
            i = tree.elements[i as usize].subtree_end;
            Some(tree.element(current))
        })
    }

    /// Direct child nodes, in order.
    pub fn children(self) -> impl Iterator<Item = SyntaxNode<'t>> + 't {
        self.children_with_tokens()
            .filter_map(SyntaxElement::as_node)
    }

    /// The first direct child node of a kind.
    #[must_use]
    pub fn child(self, kind: SyntaxKind) -> Option<SyntaxNode<'t>> {
        self.children().find(|n| n.kind() == kind)
    }

    /// The first direct child token of a kind.
    #[must_use]
    pub fn child_token(self, kind: SyntaxKind) -> Option<SyntaxToken<'t>> {
        self.children_with_tokens()
            .filter_map(SyntaxElement::as_token)
            .find(|t| t.kind() == kind)
    }

    /// All descendants (not the node itself), nodes and tokens, in preorder.
    pub fn descendants_with_tokens(self) -> impl Iterator<Item = SyntaxElement<'t>> + 't {
        let tree = self.tree;
        (self.index + 1..self.data().subtree_end).map(move |i| tree.element(i))
    }

    /// All descendant tokens, in order.
    pub fn tokens(self) -> impl Iterator<Item = SyntaxToken<'t>> + 't {
        self.descendants_with_tokens()
            .filter_map(SyntaxElement::as_token)
    }

    /// Descendant tokens outside line continuations and skipped lines: the tokens
    /// that make up the logical line BuildKit reads.
    pub fn logical_tokens(self) -> impl Iterator<Item = SyntaxToken<'t>> + 't {
        let tree = self.tree;
        let end = self.data().subtree_end;
        let mut i = self.index + 1;
        std::iter::from_fn(move || {
            while i < end {
                let e = tree.elements[i as usize];
                if e.kind.is_line_trivia() {
                    i = e.subtree_end;
                    continue;
                }
                let current = i;
                i += 1;
                if e.kind.is_token() {
                    return Some(SyntaxToken {
                        tree,
                        index: current,
                    });
                }
            }
            None
        })
    }

    /// The node's text as BuildKit joins it: without line continuations and the
    /// comment or empty lines inside them.
    #[must_use]
    pub fn logical_text(self) -> String {
        let mut out = String::new();
        for t in self.logical_tokens() {
            out.push_str(t.text());
        }
        out
    }

    /// Prints the subtree with kinds and ranges, one element per line.
    #[must_use]
    pub fn debug_dump(self) -> String {
        let mut out = String::new();
        let mut depth_stack: Vec<u32> = Vec::new();
        for i in self.index..self.data().subtree_end {
            while depth_stack.last().is_some_and(|&end| i >= end) {
                depth_stack.pop();
            }
            let e = self.tree.elements[i as usize];
            let indent = "  ".repeat(depth_stack.len());
            if e.kind.is_token() {
                let _ = writeln!(
                    out,
                    "{indent}{:?}@{:?} {:?}",
                    e.kind,
                    e.range,
                    &self.tree.text[e.range.as_usize()]
                );
            } else {
                let _ = writeln!(out, "{indent}{:?}@{:?}", e.kind, e.range);
                depth_stack.push(e.subtree_end);
            }
        }
        out
    }
}

impl fmt::Debug for SyntaxNode<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}@{:?}", self.kind(), self.range())
    }
}

impl<'t> SyntaxToken<'t> {
    fn data(self) -> Element {
        self.tree.elements[self.index as usize]
    }

    #[must_use]
    pub fn kind(self) -> SyntaxKind {
        self.data().kind
    }

    #[must_use]
    pub fn range(self) -> TextRange {
        self.data().range
    }

    #[must_use]
    pub fn text(self) -> &'t str {
        &self.tree.text[self.range().as_usize()]
    }

    #[must_use]
    pub fn parent(self) -> SyntaxNode<'t> {
        self.tree.node(self.data().parent)
    }

    /// The enclosing nodes, innermost first.
    pub fn ancestors(self) -> impl Iterator<Item = SyntaxNode<'t>> + 't {
        std::iter::successors(Some(self.parent()), |n| n.parent())
    }
}

impl fmt::Debug for SyntaxToken<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}@{:?} {:?}", self.kind(), self.range(), self.text())
    }
}

/// Builds a [`SyntaxTree`] from start/token/finish calls in source order.
pub(crate) struct TreeBuilder {
    elements: Vec<Element>,
    stack: Vec<u32>,
    pos: u32,
}

impl TreeBuilder {
    pub(crate) fn new(capacity: usize) -> Self {
        let mut b = Self {
            elements: Vec::with_capacity(capacity),
            stack: Vec::new(),
            pos: 0,
        };
        b.start_node(SyntaxKind::SOURCE_FILE);
        b
    }

    /// The end of the last token pushed.
    pub(crate) fn pos(&self) -> u32 {
        self.pos
    }

    pub(crate) fn start_node(&mut self, kind: SyntaxKind) {
        let index = u32::try_from(self.elements.len()).expect("tree has fewer than 2^32 elements");
        let parent = self.stack.last().copied().unwrap_or(0);
        self.elements.push(Element {
            kind,
            range: TextRange::empty(self.pos),
            parent,
            subtree_end: index + 1,
        });
        self.stack.push(index);
    }

    pub(crate) fn finish_node(&mut self) {
        let index = self.stack.pop().expect("finish_node matches a start_node");
        let end = u32::try_from(self.elements.len()).expect("tree has fewer than 2^32 elements");
        let e = &mut self.elements[index as usize];
        e.subtree_end = end;
        e.range.end = self.pos;
    }

    /// Pushes a token of `len` bytes starting at the current position. Empty tokens are dropped.
    pub(crate) fn token(&mut self, kind: SyntaxKind, len: u32) {
        if len == 0 {
            return;
        }
        let index = u32::try_from(self.elements.len()).expect("tree has fewer than 2^32 elements");
        let parent = self.stack.last().copied().unwrap_or(0);
        let range = TextRange::new(self.pos, self.pos + len);
        self.elements.push(Element {
            kind,
            range,
            parent,
            subtree_end: index + 1,
        });
        self.pos += len;
    }

    /// Pushes a token ending at `end`.
    pub(crate) fn token_to(&mut self, kind: SyntaxKind, end: u32) {
        debug_assert!(end >= self.pos, "token end before current position");
        self.token(kind, end - self.pos);
    }

    pub(crate) fn finish(mut self, text: String) -> SyntaxTree {
        while !self.stack.is_empty() {
            self.finish_node();
        }
        SyntaxTree {
            text,
            elements: self.elements,
        }
    }
}

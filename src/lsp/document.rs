//! The open documents: text and version per URI, changed strictly in the order the client
//! sent the changes, and read through immutable snapshots that features work on.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tower_lsp_server::gen_lsp_types as lsp;

use super::convert;
use super::position::{Encoding, LineIndex};
use crate::syntax::TextRange;

/// One open document.
#[derive(Clone, Debug)]
struct Document {
    text: Arc<String>,
    version: i32,
}

/// The open documents, keyed by URI.
#[derive(Debug, Default)]
pub struct Documents {
    open: Mutex<HashMap<lsp::Uri, Document>>,
}

/// A document's text at one version, as a feature reads it. Cheap to take: the text is
/// shared until the next change.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub uri: lsp::Uri,
    pub text: Arc<String>,
    pub version: i32,
    /// How positions count characters, negotiated at initialization.
    pub encoding: Encoding,
}

impl Snapshot {
    /// The line index of the text, for converting many ranges.
    #[must_use]
    pub fn index(&self) -> LineIndex<'_> {
        LineIndex::new(&self.text)
    }

    /// The protocol range of a byte range.
    #[must_use]
    pub fn range(&self, r: TextRange) -> lsp::Range {
        convert::range(&self.index(), r, self.encoding)
    }

    /// The byte offset of a protocol position, clamped to the text.
    #[must_use]
    pub fn offset(&self, p: lsp::Position) -> u32 {
        self.index()
            .offset(convert::from_position(p), self.encoding)
    }
}

/// One change of a `didChange` notification: a range and its new text, or the whole text.
pub struct Change {
    pub range: Option<lsp::Range>,
    pub text: String,
}

impl Documents {
    /// The map, even if a panic poisoned the lock: every update leaves it consistent.
    fn lock(&self) -> MutexGuard<'_, HashMap<lsp::Uri, Document>> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn open(&self, uri: lsp::Uri, text: String, version: i32) {
        self.lock().insert(
            uri,
            Document {
                text: Arc::new(text),
                version,
            },
        );
    }

    /// Applies `changes` in order and sets the version. Returns `false` when the document is
    /// not open.
    pub fn change(
        &self,
        uri: &lsp::Uri,
        version: i32,
        changes: Vec<Change>,
        encoding: Encoding,
    ) -> bool {
        let mut open = self.lock();
        let Some(document) = open.get_mut(uri) else {
            return false;
        };
        let text = Arc::make_mut(&mut document.text);
        for change in changes {
            match change.range {
                Some(range) => super::position::apply_change(
                    text,
                    (
                        convert::from_position(range.start),
                        convert::from_position(range.end),
                    ),
                    &change.text,
                    encoding,
                ),
                None => *text = change.text,
            }
        }
        document.version = version;
        true
    }

    pub fn close(&self, uri: &lsp::Uri) {
        self.lock().remove(uri);
    }

    /// The current version of a document, `None` when it is not open.
    #[must_use]
    pub fn version(&self, uri: &lsp::Uri) -> Option<i32> {
        self.lock().get(uri).map(|d| d.version)
    }

    /// The URIs of the open documents.
    #[must_use]
    pub fn uris(&self) -> Vec<lsp::Uri> {
        self.lock().keys().cloned().collect()
    }

    #[must_use]
    pub fn snapshot(&self, uri: &lsp::Uri, encoding: Encoding) -> Option<Snapshot> {
        self.lock().get(uri).map(|d| Snapshot {
            uri: uri.clone(),
            text: d.text.clone(),
            version: d.version,
            encoding,
        })
    }
}

//! The lossless, error-tolerant syntax layer: lexing, parsing and the concrete syntax tree.
//! It knows nothing about rules or the build.

mod error;
mod grammar;
mod kind;
mod line;
mod parser;
mod text;
mod tree;

pub use error::{Suggestion, SyntaxError, SyntaxErrorCode};
pub(crate) use grammar::flags::{FlagType, MOUNT_KEYS, MOUNT_TYPES, allowed_flags};
pub use grammar::json::decode_string as decode_json_string;
pub use grammar::word::unquote;
pub use kind::{INSTRUCTIONS, SyntaxKind};
pub use parser::{Parse, parse};
pub use text::TextRange;
pub use tree::{SyntaxElement, SyntaxNode, SyntaxToken, SyntaxTree};

//! The embedded build engine: evaluates a Dockerfile the way BuildKit would, without
//! running it — stages and their graph, ARG/ENV scoping and expansion, image references,
//! the image config, layers and cache keys, the build context, cache simulation and the
//! comparison of two builds. It depends on nothing above the syntax layer and does no IO.
#![warn(missing_docs)]

pub mod context;
pub mod evaluate;
pub mod expand;
pub mod graph;
pub mod image_ref;
pub mod model;

pub use evaluate::evaluate;
pub use model::*;
pub mod cache;
pub mod compare;

//! The language server (`dflint lsp`): the protocol over standard input and output, on
//! tower-lsp-server and tokio. A shell like the CLI: documents are checked and fixed with
//! the same [`crate::check_with`] and [`crate::fix_with`], with the configuration found for
//! each document's path. Only this module and the CLI use tokio and the protocol's types.
//!
//! - [`position`]: protocol positions to byte offsets and back (pure).
//! - [`convert`]: core data to protocol types.
//! - [`document`]: the open documents and their snapshots.
//! - [`workspace`]: configuration files, ignore files and build-context listings, read
//!   from disk.
//! - [`actions`]: quick fixes, "ignore here" and "fix all".
//! - [`features`]: the editor features of [`crate::ide`] as protocol answers.
//! - [`server`]: the handlers.
//! - [`transport`]: vets the client's messages before the protocol library decodes them.

pub mod actions;
pub mod convert;
pub mod document;
pub mod features;
pub mod position;
pub mod server;
pub mod transport;
pub mod workspace;

pub use server::Server;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::LspService;

use crate::fix::{FixMode, FixOutcome};
use crate::{Diagnostic, Settings};

/// The core functions the server checks and fixes with: [`crate::check_with`] and
/// [`crate::fix_with`]. Tests swap them to make the core slow or panic.
#[derive(Clone, Copy, Debug)]
pub struct Engine {
    pub check: fn(&str, &Settings<'_>) -> Vec<Diagnostic>,
    pub fix: fn(&str, &Settings<'_>, FixMode) -> FixOutcome,
}

impl Default for Engine {
    fn default() -> Self {
        Engine {
            check: crate::check_with,
            fix: crate::fix_with,
        }
    }
}

/// Serves the protocol on `input` and `output` until the client says `exit` or closes the
/// input. Must run inside a tokio runtime.
pub async fn serve<I, O>(input: I, output: O, engine: Engine)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let (service, socket) = LspService::build(|client| Server::new(client, engine))
        .custom_method(transport::MALFORMED, Server::malformed_message)
        .finish();
    let (vetted_write, vetted_read) = tokio::io::duplex(1 << 16);
    let server = tower_lsp_server::Server::new(vetted_read, output, socket).serve(service);
    let forward = async {
        // A read error ends the input like its end does.
        let _ = transport::forward(input, vetted_write).await;
    };
    tokio::pin!(server);
    tokio::select! {
        () = &mut server => {}
        // The vetted stream ends with the input; the server finishes what it has.
        () = forward => server.await,
    }
}

/// Runs `dflint lsp` on standard input and output. The runtime has one thread for the
/// protocol; the core runs on tokio's blocking pool.
///
/// # Errors
/// When the runtime cannot start.
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    runtime.block_on(serve(
        tokio::io::stdin(),
        tokio::io::stdout(),
        Engine::default(),
    ));
    Ok(())
}

//! `initialize`, `initialized`, `shutdown`.

use crate::lsp::capabilities;
use crate::lsp::indexing::initial_roots;
use crate::lsp::session::{read, write, Backend};
use crate::text::PositionEncoding;
use std::sync::atomic::Ordering;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

/// `initialize`: the encoding and client abilities, the settings of the initialization
/// options, the workspace folders (reserved for indexing), and the server's capabilities.
pub(crate) async fn initialize(b: &Backend, params: InitializeParams) -> Result<InitializeResult> {
    let enc: PositionEncoding = capabilities::position_encoding(&params.capabilities);
    *write(&b.state.encoding) = enc;
    *write(&b.state.flags) = capabilities::client_flags(&params.capabilities);
    if let Some(opts) = &params.initialization_options {
        b.apply_settings(opts);
    }
    b.add_initial_folders(initial_roots(&params)).await;
    let pull = read(&b.state.flags).pull_diagnostics;
    Ok(InitializeResult {
        server_info: Some(ServerInfo {
            name: "dep-ls".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
        capabilities: capabilities::server_capabilities(enc, pull),
        offset_encoding: None,
    })
}

/// `initialized`: file watchers, configuration and indexing start, each in a task of its own.
pub(crate) fn initialized(b: &Backend) {
    // Everything here waits on the client (registration, configuration) or on indexing:
    // it runs in a task of its own, so that this handler ends at once (issue 13, defect 4).
    let this = b.handle();
    tokio::spawn(async move { after_initialized(&this).await });
    // Indexing does not wait for those answers either.
    b.index_initial_folders();
}

/// The work of `initialized` that asks the client: file watchers, configuration.
async fn after_initialized(b: &Backend) {
    let flags = read(&b.state.flags).clone();
    if flags.watch_dynamic {
        b.register_watchers().await;
    }
    if flags.configuration {
        b.pull_configuration().await;
    }
}

/// `shutdown`: the exit code is 0 from now on.
pub(crate) fn shutdown(b: &Backend) -> Result<()> {
    b.state.shut_down.store(true, Ordering::SeqCst);
    Ok(())
}

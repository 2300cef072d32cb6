//! The language server: the only module that knows LSP types. Each handler converts positions
//! through [`crate::text`] ([`convert`]), calls into [`crate::ide`] under the world's lock, and
//! converts back (`to_proto`).
//!
//! Where things are:
//! - this file: [`run_stdio`], which builds the service (stdio framing → `panic::CatchPanic`
//!   → tower-lsp → `server`) and runs it;
//! - `server`: the `LanguageServer` impl, one line per LSP method, naming its handler;
//! - `handlers`: the handlers by feature (lifecycle, sync, navigation, editing, symbols,
//!   readiness);
//! - `session`: the session's state and `Backend`; `capabilities`: client abilities and
//!   server capabilities; `indexing`: folders, background indexing with progress, file
//!   watchers; `diagnostics`: push scheduling, pull requests, refreshes; `settings`:
//!   settings and configuration reloads;
//! - [`convert`]: positions and URIs both ways; `to_proto`: engine results → LSP objects;
//! - [`transport`]: the stdio framing in front of tower-lsp; `panic`: panics per message and
//!   the `DEP_LS_TEST_PANIC_ON` test hook. The world (folders, open documents) is the engine's
//!   [`crate::workspace::World`]; the server locks it and asks.
//!
//! Concurrency: tower-lsp-server runs up to 4 handlers at once, so a text change is applied to
//! the document synchronously, under the world's write lock, before the handler's first
//! `.await`; diagnostics are computed later by a debounced task that drops stale generations.
//!
//! No handler awaits the client: tower-lsp reads the client's responses on the same loop that
//! feeds its bounded handler pipeline, so four handlers waiting for answers (progress tokens,
//! configuration, refresh requests) stopped the reader, and the answers with it (issue 13,
//! defect 4). Such work runs in tasks (`Backend::handle`); indexing never waits for its
//! progress token; configuration reloads and diagnostic refreshes are coalesced
//! (`session::Coalesce`). Panics: see `panic::CatchPanic`; indexing and reloads run as tasks
//! of their own, so a panic there ends only that task and releases what it held.

mod capabilities;
pub mod convert;
mod diagnostics;
mod handlers;
mod indexing;
mod panic;
mod server;
mod session;
mod settings;
mod to_proto;
pub mod transport;

use session::{Backend, State};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tower_lsp_server::{LspService, Server};

/// Runs the server on stdin/stdout until the client exits. Returns the process exit code.
pub fn run_stdio() -> i32 {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("dep-ls: cannot start the async runtime: {e}");
            return 2;
        }
    };
    panic::quiet_panics();
    // Whole frames for stdout beside tower-lsp's output: error replies of the transport and
    // every `publishDiagnostics`.
    let (frames_tx, frames_rx) = tokio::sync::mpsc::channel(64);
    let state = Arc::new(State::new(frames_tx.downgrade()));
    let st = Arc::clone(&state);
    rt.block_on(async move {
        // stdin -> (framing, malformed messages answered here) -> tower-lsp -> stdout
        let (server_in, mut feed) = tokio::io::duplex(1 << 20);
        let (server_out_w, server_out_r) = tokio::io::duplex(1 << 20);
        let exit_seen = Arc::new(tokio::sync::Notify::new());
        let exit_seen2 = Arc::clone(&exit_seen);
        let input = tokio::spawn(async move {
            transport::pump_input(tokio::io::stdin(), &mut feed, frames_tx, exit_seen2).await;
        });
        let output = tokio::spawn(transport::pump_output(
            server_out_r,
            frames_rx,
            tokio::io::stdout(),
        ));
        let (service, socket) = LspService::build(move |client| Backend { client, state: st })
            .custom_method(crate::ide::views::READINESS_TREE, Backend::readiness_tree)
            .custom_method(crate::ide::views::TRACE_GRAPH, Backend::trace_graph)
            .finish();
        let service = panic::CatchPanic::new(service);
        let serve = Server::new(server_in, server_out_w, socket).serve(service);
        // tower-lsp returns from `serve` after `exit` only once every handler has finished, and
        // it reads no more client responses: a handler waiting on one (a progress token, a
        // diagnostics refresh) would keep the process alive for ever. `exit` means now.
        tokio::select! {
            () = serve => {}
            () = async {
                exit_seen.notified().await;
                tokio::time::sleep(Duration::from_millis(300)).await;
            } => tracing::info!("exit: leaving handlers that still wait on the client"),
        }
        input.abort();
        let _ = tokio::time::timeout(Duration::from_secs(2), output).await;
    });
    // Background tasks (indexing, debounced diagnostics) must not keep the process alive.
    rt.shutdown_timeout(Duration::from_millis(100));
    // LSP: exit code 0 after `shutdown`, 1 when the client went away without it.
    if state.shut_down.load(Ordering::SeqCst) {
        0
    } else {
        1
    }
}

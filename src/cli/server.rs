//! `dep-ls` / `dep-ls lsp` / `dep-ls --stdio`: the language server on stdin/stdout.

use std::io;

/// Starts the language server; returns its exit code.
pub(super) fn run() -> i32 {
    init_logging();
    crate::lsp::run_stdio()
}

/// Logs go to stderr (stdout carries the protocol); `DEP_LS_LOG` (or `RUST_LOG`) sets the level.
pub(super) fn init_logging() {
    let filter = std::env::var("DEP_LS_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "warn".to_string());
    let _ = tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_ansi(false)
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .try_init();
}

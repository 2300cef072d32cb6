//! Document synchronisation: `didOpen`, `didChange`, `didClose`. A change is applied under the
//! world's write lock before the handler's first `.await`, so that no later request can
//! overtake it; diagnostics follow from a debounced task ([`crate::lsp::diagnostics`]).

use crate::document::Change;
use crate::lsp::convert;
use crate::lsp::session::{lock, write, Backend};
use tower_lsp_server::ls_types::*;

pub(crate) async fn did_open(b: &Backend, params: DidOpenTextDocumentParams) {
    let td = params.text_document;
    let Some((key, adopted)) = b.locate_or_adopt(&td.uri) else {
        tracing::info!("ignoring {}: not a file", td.uri.as_str());
        return;
    };
    let over = write(&b.state.world).open(&key, td.text, td.version);
    if let Some(limit) = over {
        // One warning per open; a notification, nothing to wait for.
        b.client
            .show_message(
                MessageType::WARNING,
                format!(
                    "dep-ls: {} is over the size limit of {limit} bytes (max_file_size in dep-ls.toml): it is not checked, and its IDs are not indexed while it is that big",
                    key.rel
                ),
            )
            .await;
    }
    if adopted {
        b.spawn_indexing(key.folder.clone());
    }
    b.after_change(&key);
}

pub(crate) fn did_change(b: &Backend, params: DidChangeTextDocumentParams) {
    // Applied synchronously, before any `.await`: a later request cannot overtake it.
    let arrived = std::time::Instant::now();
    let Some(key) = b.locate(&params.text_document.uri) else {
        return;
    };
    let changes: Vec<Change> = params
        .content_changes
        .into_iter()
        .map(|c| Change {
            range: c.range.map(convert::from_lsp_range),
            text: c.text,
        })
        .collect();
    let enc = b.enc();
    let applied = write(&b.state.world).change(&key, params.text_document.version, &changes, enc);
    if applied {
        if tracing::enabled!(target: "dep_ls::timing", tracing::Level::DEBUG) {
            lock(&b.state.changed_at)
                .insert(params.text_document.uri.as_str().to_string(), arrived);
        }
        b.after_change(&key);
    }
}

pub(crate) async fn did_close(b: &Backend, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    let Some(key) = b.locate(&uri) else { return };
    write(&b.state.world).close(&key);
    lock(&b.state.changed_at).remove(uri.as_str());
    b.clear_diagnostics(uri).await;
    b.after_change(&key);
}

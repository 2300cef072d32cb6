//! Diagnostics: pushed (a debounced task per document that drops stale generations, its
//! `publishDiagnostics` serialised to a whole frame off the async threads) or pulled
//! (`textDocument/diagnostic`, `workspace/diagnostic`, with result ids), and the refresh that
//! follows indexing. No diagnostics come from a half-built index: pushes of a folder being
//! indexed wait for its end, pulls wait for it (30 s at most).

use super::convert::{locate_uri, uri_of, Lines};
use super::session::{lock, read, Backend, State};
use super::to_proto;
use super::transport;
use crate::workspace::DocKey;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

/// One `textDocument/publishDiagnostics`, serialised to a whole frame where it is built (off
/// the async threads for a document's diagnostics), for the output pump's channel.
struct Publish(Vec<u8>);

impl Publish {
    fn new(uri: Uri, diagnostics: Vec<Diagnostic>, version: Option<i32>) -> Option<Self> {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        // About 400 bytes a diagnostic (a code, its README link, a message, a range).
        let hint = 256 + 512 * params.diagnostics.len();
        let frame = transport::notification_frame("textDocument/publishDiagnostics", &params, hint);
        if frame.is_none() {
            tracing::error!("{}: diagnostics that do not serialise", params.uri.as_str());
        }
        frame.map(Publish)
    }

    async fn send(self, state: &State) {
        // The channel is gone only when the session is ending.
        if let Some(out) = state.frames_out.upgrade() {
            let _ = out.send(self.0).await;
        }
    }
}

/// Diagnostics of one open document: (diagnostics, version).
fn compute_diagnostics(state: &State, uri: &Uri) -> Option<(Vec<Diagnostic>, Option<i32>)> {
    let enc = *read(&state.encoding);
    let related_ok = read(&state.flags).related_information;
    let w = read(&state.world);
    let key = locate_uri(&w, uri)?;
    let f = w.folder(&key.folder)?;
    let doc = f.open.get(&key.rel)?;
    let version = doc.version;
    let findings = f.diagnostics(&key.rel);
    let mut lines = Lines::new(f);
    let diags = findings
        .iter()
        .map(|x| to_proto::diagnostic(f, &mut lines, &key.rel, x, enc, related_ok))
        .collect();
    Some((diags, Some(version)))
}

impl Backend {
    /// Re-checks every open document (push) or asks the client to pull again. Never waits:
    /// the refresh request goes out from a task of its own, one at a time (a burst of events
    /// asks once more after the one in flight, not once per event).
    pub(super) fn refresh_all(&self) {
        if read(&self.state.flags).pull_diagnostics && self.state.refresh.request() {
            let this = self.handle();
            tokio::spawn(async move {
                loop {
                    this.state.refresh.begin();
                    // Bounded: a client that never answers must not stop later refreshes.
                    let _ = tokio::time::timeout(
                        Duration::from_secs(30),
                        this.client.workspace_diagnostic_refresh(),
                    )
                    .await;
                    if !this.state.refresh.again() {
                        break;
                    }
                }
            });
        }
        let uris: Vec<Uri> = {
            let w = read(&self.state.world);
            w.folders
                .iter()
                .flat_map(|f| f.open.keys().filter_map(|rel| uri_of(&f.root, rel)))
                .collect()
        };
        for u in uris {
            self.schedule_diagnostics(u);
        }
    }

    /// After a change to one document: re-check it, and every other open document of its
    /// folder (definitions it links may have appeared, moved or vanished).
    pub(super) fn after_change(&self, key: &DocKey) {
        let uris: Vec<Uri> = {
            let w = read(&self.state.world);
            match w.folder(&key.folder) {
                Some(f) => f
                    .open
                    .keys()
                    .filter_map(|rel| uri_of(&f.root, rel))
                    .collect(),
                None => Vec::new(),
            }
        };
        for u in uris {
            self.schedule_diagnostics(u);
        }
    }

    /// A closed document's pushed diagnostics are cleared (no-op when the client pulls).
    pub(super) async fn clear_diagnostics(&self, uri: Uri) {
        if read(&self.state.flags).pull_diagnostics {
            return;
        }
        lock(&self.state.diag_gen).remove(uri.as_str());
        if let Some(p) = Publish::new(uri, Vec::new(), None) {
            p.send(&self.state).await;
        }
    }

    /// Debounced push of one document's diagnostics (no-op when the client pulls).
    pub(super) fn schedule_diagnostics(&self, uri: Uri) {
        if read(&self.state.flags).pull_diagnostics {
            return;
        }
        let Some(root) = self.locate(&uri).map(|k| k.folder) else {
            return;
        };
        let gen = self.state.next_gen.fetch_add(1, Ordering::Relaxed);
        lock(&self.state.diag_gen).insert(uri.as_str().to_string(), gen);
        if !lock(&self.state.diag_pending).insert(uri.as_str().to_string()) {
            // A task is already waiting for this document: it will see this generation.
            return;
        }
        let state = Arc::clone(&self.state);
        let delay = *read(&self.state.debounce);
        tokio::spawn(async move {
            let latest = |state: &State| lock(&state.diag_gen).get(uri.as_str()).copied();
            // Debounce: wait until `delay` has passed without a newer edit.
            let mut seen = gen;
            loop {
                if !delay.is_zero() {
                    // (A zero-length sleep still waits for the timer's next millisecond tick.)
                    tokio::time::sleep(delay).await;
                }
                match latest(&state) {
                    Some(g) if g != seen => seen = g,
                    _ => break,
                }
            }
            // From here on, a new edit schedules a new task.
            lock(&state.diag_pending).remove(uri.as_str());
            if latest(&state) != Some(seen) || state.indexing.borrow().contains_key(&root) {
                // Stale, or its folder is being indexed (its end refreshes every document).
                return;
            }
            let Ok(_slot) = state.diag_slots.acquire().await else {
                return;
            };
            if latest(&state) != Some(seen) {
                return; // A newer edit came while waiting: its own task computes.
            }
            let st = Arc::clone(&state);
            let u = uri.clone();
            let computed = tokio::task::spawn_blocking(move || {
                let (diags, version) = compute_diagnostics(&st, &u)?;
                if tracing::enabled!(target: "dep_ls::timing", tracing::Level::DEBUG) {
                    if let Some(t) = lock(&st.changed_at).get(u.as_str()) {
                        tracing::debug!(
                            target: "dep_ls::timing",
                            "{} v{}: {} diagnostics computed {:.3} ms after the change arrived (debounce {} ms)",
                            u.as_str(),
                            version.unwrap_or_default(),
                            diags.len(),
                            t.elapsed().as_secs_f64() * 1000.0,
                            delay.as_millis()
                        );
                    }
                }
                Publish::new(u, diags, version)
            })
            .await;
            let Ok(Some(publish)) = computed else {
                return;
            };
            if latest(&state) != Some(seen) {
                return;
            }
            publish.send(&state).await;
        });
    }

    /// `textDocument/diagnostic`: a document's diagnostics from the whole index, "unchanged"
    /// while they still say what the client's result id says.
    pub(super) async fn document_diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        if let Some(k) = self.locate(&uri) {
            // Answer from the whole index, not from the part read so far.
            self.wait_indexed(&k.folder, Duration::from_secs(30)).await;
        }
        let enc = self.enc();
        let items = self
            .state
            .with_folder(&uri, None, |f, rel, _, _| {
                to_proto::diagnostics(f, rel, enc)
            })
            .unwrap_or_default();
        let id = to_proto::result_id(&items);
        if params.previous_result_id.as_deref() == Some(id.as_str()) {
            // What the client holds is still true (typing that changes no finding): no need
            // to send it all again.
            return Ok(DocumentDiagnosticReportResult::Report(
                DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                    related_documents: None,
                    unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                        result_id: id,
                    },
                }),
            ));
        }
        Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: Some(id),
                    items,
                },
            }),
        ))
    }

    /// `workspace/diagnostic`: every file of every folder, once its indexing has ended;
    /// cancellable between chunks of 64 files.
    pub(super) async fn workspace_diagnostic_report(
        &self,
        params: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        let enc = self.enc();
        let previous: HashMap<String, String> = params
            .previous_result_ids
            .into_iter()
            .map(|p| (p.uri.as_str().to_string(), p.value))
            .collect();
        let mut reports = Vec::new();
        let folders: Vec<PathBuf> = read(&self.state.world)
            .folders
            .iter()
            .map(|f| f.root.clone())
            .collect();
        for root in folders {
            self.wait_indexed(&root, Duration::from_secs(30)).await;
            let paths: Vec<String> = match read(&self.state.world).folder(&root) {
                Some(f) => f
                    .index
                    .files_sorted()
                    .into_iter()
                    .map(|(_, x)| x.path.clone())
                    .collect(),
                None => continue,
            };
            for chunk in paths.chunks(64) {
                // Yield between chunks so that a `$/cancelRequest` can drop this request.
                tokio::task::yield_now().await;
                let w = read(&self.state.world);
                let Some(f) = w.folder(&root) else { break };
                let mut lines = Lines::new(f);
                for rel in chunk {
                    let Some(uri) = uri_of(&f.root, rel) else {
                        continue;
                    };
                    let items: Vec<Diagnostic> = f
                        .diagnostics(rel)
                        .iter()
                        .map(|x| to_proto::diagnostic(f, &mut lines, rel, x, enc, true))
                        .collect();
                    let id = to_proto::result_id(&items);
                    let version = f.open.get(rel).map(|d| d.version as i64);
                    if previous.get(uri.as_str()) == Some(&id) {
                        reports.push(WorkspaceDocumentDiagnosticReport::Unchanged(
                            WorkspaceUnchangedDocumentDiagnosticReport {
                                uri,
                                version,
                                unchanged_document_diagnostic_report:
                                    UnchangedDocumentDiagnosticReport { result_id: id },
                            },
                        ));
                        continue;
                    }
                    reports.push(WorkspaceDocumentDiagnosticReport::Full(
                        WorkspaceFullDocumentDiagnosticReport {
                            uri,
                            version,
                            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                                result_id: Some(id),
                                items,
                            },
                        },
                    ));
                }
            }
        }
        Ok(WorkspaceDiagnosticReportResult::Report(
            WorkspaceDiagnosticReport { items: reports },
        ))
    }
}

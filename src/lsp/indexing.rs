//! Folders and their files: which folders the session serves (from `initialize`, folder
//! changes, files opened outside every folder), indexing a folder in the background with
//! work-done progress, file watchers and their events.
//!
//! Indexing runs in a task of its own and never waits on the client: tower-lsp reads the
//! client's answers (a progress token) only while its handlers make progress (issue 13,
//! defect 4). A folder counts as being indexed from the moment it is reserved until its
//! indexing ends, also by a panic; its documents' diagnostics wait meanwhile.

use super::convert::file_path;
use super::panic::INTERNAL_ERROR;
use super::session::{read, write, Backend};
use crate::human::thousands;
use crate::workspace::world::{self as state, parse_files, plan_indexing};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tower_lsp_server::ls_types::*;

/// Files read and parsed per indexing step (between two progress reports).
const INDEX_BATCH: usize = 256;

/// Where an indexing pass stands, for its work-done progress.
struct ProgressState {
    done: usize,
    total: usize,
    finished: bool,
    ongoing: Option<
        tower_lsp_server::OngoingProgress<
            tower_lsp_server::Bounded,
            tower_lsp_server::NotCancellable,
        >,
    >,
}

/// The progress of one indexing pass (see [`Backend::index_progress`]); `None` when the client
/// does not support work-done progress.
struct IndexProgress(Option<Arc<tokio::sync::Mutex<ProgressState>>>);

impl IndexProgress {
    async fn report(&self, done: usize) {
        let Some(s) = &self.0 else { return };
        let mut st = s.lock().await;
        st.done = done;
        if let Some(p) = &st.ongoing {
            let pct = (done * 100).checked_div(st.total).unwrap_or(100) as u32;
            p.report_with_message(
                format!("Indexing {}/{} files", thousands(done), thousands(st.total)),
                pct,
            )
            .await;
        }
    }

    async fn finish(&self) {
        let Some(s) = &self.0 else { return };
        let mut st = s.lock().await;
        st.finished = true;
        if let Some(p) = st.ongoing.take() {
            p.finish_with_message(format!("Indexed {} files", thousands(st.total)))
                .await;
        }
    }
}

/// The workspace folders of `initialize`: the folders, else rootUri, else rootPath (Helix
/// outside git).
pub(super) fn initial_roots(params: &InitializeParams) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| file_path(&f.uri))
        .collect();
    #[allow(deprecated)]
    if roots.is_empty() {
        if let Some(p) = params.root_uri.as_ref().and_then(file_path) {
            roots.push(p);
        } else if let Some(p) = params
            .root_path
            .as_ref()
            .and_then(|p| state::lexical(Path::new(p)))
        {
            roots.push(p);
        }
    }
    roots
}

impl Backend {
    /// Adds the folders of `initialize`, reserved for indexing (which starts with
    /// `initialized`). Never the file system root or the home directory (Helix sends its
    /// working directory as rootPath outside a repository): files opened there get the nearest
    /// folder holding dep-ls.toml, SoT/ or .git instead (`discover_root`).
    pub(super) async fn add_initial_folders(&self, roots: Vec<PathBuf>) {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let mut skipped = Vec::new();
        {
            let mut w = write(&self.state.world);
            for r in roots {
                if r.parent().is_none() || home.as_deref() == Some(r.as_path()) {
                    skipped.push(r);
                    continue;
                }
                if w.add_folder(r.clone()) {
                    // Indexed once `initialized` arrives; diagnostics wait for it.
                    self.reserve_indexing(&r);
                }
            }
        }
        for r in skipped {
            self.log(
                MessageType::INFO,
                format!(
                    "{}: not indexed as a workspace (the home directory or /); a file opened below it uses the nearest folder holding dep-ls.toml, SoT/ or .git",
                    r.display()
                ),
            )
            .await;
        }
    }

    /// Indexes the folders reserved in `initialize`, in a task of its own.
    pub(super) fn index_initial_folders(&self) {
        let roots: Vec<PathBuf> = read(&self.state.world)
            .folders
            .iter()
            .map(|f| f.root.clone())
            .collect();
        let this = self.handle();
        tokio::spawn(async move {
            for r in roots {
                // Reserved in `initialize`.
                this.run_indexing(r).await;
            }
        });
    }

    /// Indexes a folder's files in a task of its own, with work-done progress; diagnostics of
    /// the folder's open documents wait for it and are refreshed when it ends. Handlers never
    /// await it: indexing asks the client for a progress token, and tower-lsp reads the
    /// client's answer only while its handlers make progress (issue 13, defect 4).
    pub(super) fn spawn_indexing(&self, root: PathBuf) {
        self.reserve_indexing(&root);
        let this = self.handle();
        tokio::spawn(async move { this.run_indexing(root).await });
    }

    /// Indexes a folder now (for the tasks that already run apart from the handlers).
    pub(super) async fn index_folder(&self, root: PathBuf) {
        self.reserve_indexing(&root);
        self.run_indexing(root).await;
    }

    /// Marks a folder as about to be indexed: its documents' diagnostics wait from now on
    /// (a request answered between `initialize` and the indexing would see an empty index).
    fn reserve_indexing(&self, root: &Path) {
        self.state
            .indexing
            .send_modify(|m| *m.entry(root.to_path_buf()).or_default() += 1);
    }

    /// Indexes a folder reserved with [`Self::reserve_indexing`], then releases it — also
    /// when the indexing panicked (it runs as a task of its own, whose panic ends only it):
    /// a folder must never stay "being indexed", its diagnostics would wait for ever.
    async fn run_indexing(&self, root: PathBuf) {
        let this = self.handle();
        let r = root.clone();
        if tokio::spawn(async move { this.index_folder_files(&r).await })
            .await
            .is_err()
        {
            tracing::error!(
                "{}: {}: indexing stopped by a panic; the files read so far stay indexed",
                root.display(),
                INTERNAL_ERROR
            );
        }
        self.state.indexing.send_modify(|m| {
            if let Some(n) = m.get_mut(&root) {
                *n -= 1;
                if *n == 0 {
                    m.remove(&root);
                }
            }
        });
        self.refresh_all();
    }

    /// Waits (at most `limit`) until no indexing pass over `root` is running.
    pub(super) async fn wait_indexed(&self, root: &Path, limit: Duration) {
        let mut rx = self.state.indexing.subscribe();
        let _ = tokio::time::timeout(limit, rx.wait_for(|m| !m.contains_key(root))).await;
    }

    /// Work-done progress for an indexing pass that never waits on the client: the token is
    /// asked for in a task of its own, and progress is reported only once the client has
    /// accepted it (a client that answers late, or never, does not hold indexing up).
    fn index_progress(&self, root: &Path, total: usize) -> IndexProgress {
        if !read(&self.state.flags).work_done_progress {
            return IndexProgress(None);
        }
        let shared = Arc::new(tokio::sync::Mutex::new(ProgressState {
            done: 0,
            total,
            finished: false,
            ongoing: None,
        }));
        let slot = Arc::clone(&shared);
        let client = self.client.clone();
        let token = ProgressToken::String(format!("dep-ls/index/{}", root.display()));
        tokio::spawn(async move {
            if client
                .create_work_done_progress(token.clone())
                .await
                .is_err()
            {
                return;
            }
            let mut st = slot.lock().await;
            let pct = (st.done * 100).checked_div(st.total).unwrap_or(100) as u32;
            let p = client
                .progress(token, "dep-ls")
                .with_message(format!(
                    "Indexing {}/{} files",
                    thousands(st.done),
                    thousands(st.total)
                ))
                .with_percentage(pct)
                .begin()
                .await;
            if st.finished {
                p.finish_with_message(format!("Indexed {} files", thousands(st.total)))
                    .await;
            } else {
                st.ongoing = Some(p);
            }
        });
        IndexProgress(Some(shared))
    }

    async fn index_folder_files(&self, root: &Path) {
        let root = root.to_path_buf();
        let config = match read(&self.state.world).folder(&root) {
            Some(f) => f.config.clone(),
            None => return,
        };
        let started = std::time::Instant::now();
        let root2 = root.clone();
        let cfg2 = config.clone();
        let Ok((files, others, notes)) =
            tokio::task::spawn_blocking(move || plan_indexing(&root2, &cfg2)).await
        else {
            return;
        };
        for n in notes {
            let typ = if n.starts_with("warning: ") {
                MessageType::WARNING
            } else {
                MessageType::INFO
            };
            self.log(typ, n).await;
        }
        {
            let mut w = write(&self.state.world);
            if let Some(f) = w.folder_mut(&root) {
                for p in &others {
                    f.index.add_path(p);
                }
            }
        }
        let total = files.len();
        let walked = started.elapsed();
        let progress = self.index_progress(&root, total);
        let mut done = 0;
        // Batches are parsed one ahead: the next batch is being read and parsed while this
        // one goes into the index.
        let spawn_batch = |batch: &[(String, PathBuf)]| {
            let batch = batch.to_vec();
            let cfg = config.clone();
            tokio::task::spawn_blocking(move || parse_files(&batch, &cfg))
        };
        let mut batches = files.chunks(INDEX_BATCH);
        let mut next = batches.next().map(spawn_batch);
        while let Some(pending) = next.take() {
            next = batches.next().map(spawn_batch);
            let Ok(parsed) = pending.await else {
                continue;
            };
            done += parsed.len();
            let mut skipped = Vec::new();
            {
                let mut w = write(&self.state.world);
                let Some(f) = w.folder_mut(&root) else { return };
                for r in parsed {
                    match r {
                        Ok((rel, text, doc, keys)) => {
                            if f.open.contains_key(&rel) {
                                continue; // the open buffer wins
                            }
                            f.index.update_with(&rel, Arc::new(doc), keys);
                            f.set_disk_text(&rel, text);
                        }
                        Err(note) => skipped.push(note),
                    }
                }
            }
            for s in skipped {
                self.log(MessageType::INFO, s).await;
            }
            progress.report(done).await;
        }
        progress.finish().await;
        let indexed = started.elapsed();
        // The references map is built on first use; build it now, off the async workers, so
        // that the first code lens or references request does not wait for it.
        let state = Arc::clone(&self.state);
        let root2 = root.clone();
        let _ = tokio::task::spawn_blocking(move || {
            if let Some(f) = read(&state.world).folder(&root2) {
                f.index.warm_references();
            }
        })
        .await;
        self.log(
            MessageType::INFO,
            format!(
                "indexed {} Markdown files in {} in {} ms (walk {} ms; references map {} ms more)",
                thousands(total),
                root.display(),
                indexed.as_millis(),
                walked.as_millis(),
                (started.elapsed() - indexed).as_millis()
            ),
        )
        .await;
    }

    /// Registers the file watchers (when the client registers them dynamically).
    pub(super) async fn register_watchers(&self) {
        let watchers = [
            "**/*.md",
            "**/*.markdown",
            "**/dep-ls.toml",
            "**/.claude/domain-profile.yaml",
        ]
        .iter()
        .map(|g| FileSystemWatcher {
            glob_pattern: GlobPattern::String(g.to_string()),
            kind: None,
        })
        .collect();
        let reg = Registration {
            id: "dep-ls-watch".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
                watchers,
            })
            .ok(),
        };
        if let Err(e) = self.client.register_capability(vec![reg]).await {
            tracing::warn!("file watchers not registered: {e}");
        }
    }

    /// `workspace/didChangeWatchedFiles`: Markdown files are re-read (or dropped) and the
    /// open documents re-checked; a `dep-ls.toml` or domain profile reloads the configuration.
    pub(super) fn watched_files_changed(&self, params: DidChangeWatchedFilesParams) {
        let mut reload = false;
        let mut touched = false;
        {
            let mut w = write(&self.state.world);
            for ch in params.changes {
                // Normalised (`..`, `%2E%2E`): an event never reaches outside the folders.
                let Some(path) = file_path(&ch.uri) else {
                    continue;
                };
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if name == crate::config::CONFIG_FILE
                    || path.ends_with(crate::config::DOMAIN_PROFILE)
                {
                    if w.folders
                        .iter()
                        .any(|f| !f.root.as_os_str().is_empty() && path.starts_with(&f.root))
                    {
                        reload = true;
                    } else {
                        tracing::info!(
                            "{}: in no workspace folder; the file event is ignored",
                            path.display()
                        );
                    }
                    continue;
                }
                touched |= w.file_event(&path).is_some();
            }
        }
        if reload {
            self.request_reload();
        } else if touched {
            self.refresh_all();
        }
    }

    /// `workspace/didChangeWorkspaceFolders`: removed folders go, added ones are indexed.
    pub(super) fn workspace_folders_changed(&self, params: DidChangeWorkspaceFoldersParams) {
        let mut added = Vec::new();
        {
            let mut w = write(&self.state.world);
            for r in params.event.removed {
                if let Some(p) = file_path(&r.uri) {
                    w.folders.retain(|f| f.root != p);
                }
            }
            for a in params.event.added {
                if let Some(p) = file_path(&a.uri) {
                    if w.add_folder(p.clone()) {
                        added.push(p);
                    }
                }
            }
        }
        for p in added {
            self.spawn_indexing(p);
        }
        self.refresh_all();
    }
}

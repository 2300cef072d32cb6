//! The language server: the only module that knows LSP types. Each handler converts positions
//! through [`crate::text`], calls into [`crate::ide`] under the world's lock, and converts back.
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
//! (`Coalesce`). Panics: see `fast::CatchPanic`; indexing and reloads run as tasks of their
//! own, so a panic there ends only that task and releases what it held.

pub mod convert;
mod fast;
pub mod state;
pub mod transport;

use crate::document::Change;
use crate::human::thousands;
use crate::ide::{self, actions::ActionKind, complete::CompletionKind, Folder};
use crate::text::PositionEncoding;
use convert::Lines;
use state::{discover_root, parse_files, plan_indexing, DocKey, World};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

/// Client abilities that change what the server does.
#[derive(Clone, Debug, Default)]
struct ClientFlags {
    pull_diagnostics: bool,
    work_done_progress: bool,
    watch_dynamic: bool,
    configuration: bool,
    snippets: bool,
    /// The client resolves completion items' documentation lazily (`completionItem/resolve`).
    resolve_documentation: bool,
    related_information: bool,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Shared server state.
pub struct State {
    world: RwLock<World>,
    encoding: RwLock<PositionEncoding>,
    flags: RwLock<ClientFlags>,
    /// Latest diagnostics generation per document URI (debouncing).
    diag_gen: Mutex<HashMap<String, u64>>,
    /// Documents with a diagnostics task waiting: one task per document, however many edits
    /// arrive meanwhile (each edit used to spawn its own, and a flood of edits piled them up).
    diag_pending: Mutex<std::collections::HashSet<String>>,
    next_gen: AtomicU64,
    debounce: RwLock<Duration>,
    inlay_hints: RwLock<bool>,
    log_level: RwLock<MessageType>,
    /// `shutdown` was received (the exit code is 0 only then).
    shut_down: std::sync::atomic::AtomicBool,
    /// `initialize` has been answered: [`fast::FastPath`] may answer requests from then on.
    initialized: std::sync::atomic::AtomicBool,
    /// Folders whose files are being indexed (root → running indexing passes). Their open
    /// documents get no diagnostics meanwhile: a half-built index would report every link
    /// into the files not read yet as unresolved.
    indexing: tokio::sync::watch::Sender<HashMap<PathBuf, usize>>,
    /// Whole frames for stdout, next to tower-lsp's own output (set when serving stdio):
    /// diagnostics are serialised here, without tower-lsp's `Value` step (see
    /// [`transport::notification_frame`]). Every `publishDiagnostics` goes this way, so they
    /// keep their order. Weak: the output pump ends (and the process exits) once the input side
    /// has let go of the channel.
    frames_out: std::sync::OnceLock<tokio::sync::mpsc::WeakSender<Vec<u8>>>,
    /// When the latest change of each document (URI) arrived: logged with its diagnostics
    /// (target `dep_ls::timing`, level debug), which is how the benchmark sees the time to
    /// compute them apart from the time to carry them to the client.
    changed_at: Mutex<HashMap<String, std::time::Instant>>,
    /// Diagnostics computations running at once (one per core). Each edit re-checks every open
    /// document of its folder; unbounded, their blocking tasks queued on the world lock behind
    /// the next edit and tokio started a thread for each (343 threads and +400 MB in the
    /// open/close stress test under load).
    diag_slots: tokio::sync::Semaphore,
    /// Configuration reloads (re-indexing every folder), one at a time.
    reload: Coalesce,
    /// `workspace/diagnostic/refresh` requests, one at a time.
    refresh: Coalesce,
}

impl Default for State {
    fn default() -> Self {
        State {
            world: RwLock::new(World::default()),
            encoding: RwLock::new(PositionEncoding::Utf16),
            flags: RwLock::new(ClientFlags::default()),
            diag_gen: Mutex::new(HashMap::new()),
            diag_pending: Mutex::new(std::collections::HashSet::new()),
            next_gen: AtomicU64::new(1),
            debounce: RwLock::new(Duration::from_millis(30)),
            inlay_hints: RwLock::new(false),
            log_level: RwLock::new(MessageType::INFO),
            shut_down: std::sync::atomic::AtomicBool::new(false),
            initialized: std::sync::atomic::AtomicBool::new(false),
            indexing: tokio::sync::watch::Sender::new(HashMap::new()),
            frames_out: std::sync::OnceLock::new(),
            changed_at: Mutex::new(HashMap::new()),
            diag_slots: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 4)),
            ),
            reload: Coalesce::default(),
            refresh: Coalesce::default(),
        }
    }
}

/// Turns transparent huge pages off for this process (Linux; elsewhere nothing to do).
///
/// The allocator asks for huge pages on its arenas. Then the first touch of fresh or purged
/// arena memory makes the kernel clear a whole 2 MiB page in the fault. A keystroke that
/// lands on such memory (shortly after opening a big document, or after a pause, when the
/// allocator has returned what it freed) took 12–27 ms instead of 3–5 ms on the benchmark
/// machine, nearly all in `clear_page_erms`. With 4 KiB pages the same first touches cost a few
/// microseconds each, and peak memory drops from about 320 to 270 MB on 5,000 files. The batch
/// checker keeps huge pages: there only throughput counts.
fn small_pages_only() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: PR_SET_THP_DISABLE takes plain integers and only sets a flag of the calling
        // process; no memory is passed to the kernel.
        let rc = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
        if rc != 0 {
            tracing::debug!(
                "transparent huge pages stay on: {}",
                std::io::Error::last_os_error()
            );
        }
    }
}

fn read<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|p| p.into_inner())
}

fn write<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|p| p.into_inner())
}

/// The language server.
pub struct Backend {
    client: Client,
    state: Arc<State>,
}

/// Runs the server on stdin/stdout until the client exits. Returns the process exit code.
pub fn run_stdio() -> i32 {
    small_pages_only();
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
    quiet_panics();
    let state = Arc::new(State::default());
    let st = Arc::clone(&state);
    let state2 = Arc::clone(&state);
    rt.block_on(async move {
        // stdin -> (framing, malformed messages answered here) -> tower-lsp -> stdout
        let (server_in, mut feed) = tokio::io::duplex(1 << 20);
        let (server_out_w, server_out_r) = tokio::io::duplex(1 << 20);
        let (reply_tx, reply_rx) = tokio::sync::mpsc::channel(64);
        let _ = st.frames_out.set(reply_tx.downgrade());
        let exit_seen = Arc::new(tokio::sync::Notify::new());
        let exit_seen2 = Arc::clone(&exit_seen);
        let input = tokio::spawn(async move {
            transport::pump_input(tokio::io::stdin(), &mut feed, reply_tx, exit_seen2).await;
        });
        let output = tokio::spawn(transport::pump_output(
            server_out_r,
            reply_rx,
            tokio::io::stdout(),
        ));
        let (service, socket) = LspService::new(move |client| Backend { client, state: st });
        let service = fast::CatchPanic::new(fast::FastPath::new(service, Arc::clone(&state2)));
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

/// Panics are caught (handlers: [`fast::CatchPanic`]; tasks: tokio), so the panic hook only
/// reports them: where, at error level; the message at debug level only, because it can quote
/// document text (a slicing panic shows the string) and default-level logs never do.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!("{}: a panic at {at}", fast::INTERNAL_ERROR);
        let payload = info.payload();
        let what = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("(no message)");
        tracing::debug!("the panic at {at}: {what}");
    }));
}

const SOURCE: &str = "dep-ls";

/// The documentation of a finding code (README section).
/// Files read and parsed per indexing step (between two progress reports).
const INDEX_BATCH: usize = 256;

/// How long a configuration reload waits for the rest of a burst of events.
const RELOAD_DEBOUNCE: Duration = Duration::from_millis(50);

/// A piece of work that runs in one task at a time, however often it is asked for: asked
/// while it runs, it runs once more afterwards.
#[derive(Debug, Default)]
struct Coalesce(Mutex<(bool, bool)>); // (a task runs, asked again since its run began)

impl Coalesce {
    /// Asks for a run; true when the caller must start the task.
    fn request(&self) -> bool {
        let mut g = lock(&self.0);
        if g.0 {
            g.1 = true;
            false
        } else {
            *g = (true, false);
            true
        }
    }

    /// A run begins: what was asked so far is covered by it.
    fn begin(&self) {
        lock(&self.0).1 = false;
    }

    /// A run ended; true when the task must run again (else it has stopped).
    fn again(&self) -> bool {
        let mut g = lock(&self.0);
        if g.1 {
            g.1 = false;
            true
        } else {
            g.0 = false;
            false
        }
    }
}

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

fn code_href(code: crate::check::Code) -> Option<Uri> {
    // Parsed once per code: a document's diagnostics are converted on every keystroke.
    static HREFS: std::sync::OnceLock<HashMap<crate::check::Code, Option<Uri>>> =
        std::sync::OnceLock::new();
    HREFS
        .get_or_init(|| {
            crate::check::Code::ALL
                .iter()
                .map(|&c| {
                    let href = format!(
                        "{}/blob/main/README.md#{}",
                        env!("CARGO_PKG_REPOSITORY"),
                        c.as_str()
                    );
                    (c, href.parse().ok())
                })
                .collect()
        })
        .get(&code)
        .cloned()
        .flatten()
}

impl State {
    /// Where [`fast::FastPath`] sends its responses: between `initialize` and `shutdown`, when
    /// serving stdio.
    fn fast_replies(&self) -> Option<tokio::sync::mpsc::Sender<Vec<u8>>> {
        if !self.initialized.load(Ordering::SeqCst) || self.shut_down.load(Ordering::SeqCst) {
            return None;
        }
        self.frames_out.get()?.upgrade()
    }

    fn enc(&self) -> PositionEncoding {
        *read(&self.encoding)
    }

    /// Where a URI's document lives (`None` outside every folder).
    fn locate(&self, uri: &Uri) -> Option<DocKey> {
        locate_uri(&read(&self.world), uri)
    }

    /// Runs `f` on the folder holding `uri` with the offset of `pos`.
    fn with_folder<R>(
        &self,
        uri: &Uri,
        pos: Option<Position>,
        f: impl FnOnce(&Folder, &str, usize, PositionEncoding) -> R,
    ) -> Option<R> {
        self.with_folder_at(uri, pos, |_, folder, rel, off, enc| {
            f(folder, rel, off, enc)
        })
    }

    /// [`Self::with_folder`], also telling `f` where the folder sits in [`World::folders`] (it
    /// moves only when an earlier folder is removed).
    fn with_folder_at<R>(
        &self,
        uri: &Uri,
        pos: Option<Position>,
        f: impl FnOnce(usize, &Folder, &str, usize, PositionEncoding) -> R,
    ) -> Option<R> {
        let key = self.locate(uri)?;
        let enc = self.enc();
        let w = read(&self.world);
        let at = w.folders.iter().position(|f| f.root == key.folder)?;
        let folder = &w.folders[at];
        let offset = match pos {
            Some(p) => Lines::new(folder).offset(&key.rel, p, enc)?,
            None => 0,
        };
        Some(f(at, folder, &key.rel, offset, enc))
    }

    /// `textDocument/completion` (also answered by [`fast::FastPath`] without tower-lsp's
    /// `serde_json::Value` step).
    fn completion(&self, params: CompletionParams) -> Option<CompletionResponse> {
        let p = params.text_document_position;
        let (snippets, lazy) = {
            let fl = read(&self.flags);
            (fl.snippets, fl.resolve_documentation)
        };
        self.with_folder_at(
            &p.text_document.uri,
            Some(p.position),
            |folder_no, f, rel, off, enc| {
                let (items, incomplete) = ide::complete::completions_with(f, rel, off, lazy);
                let mut lines = Lines::new(f);
                let items: Vec<CompletionItem> = items
                    .into_iter()
                    .filter(|c| snippets || !c.snippet || c.kind != CompletionKind::Template)
                    .filter_map(|c| {
                        let range = lines.range(rel, c.replace.clone(), enc)?;
                        let (text, format) = if c.snippet && snippets {
                            (c.insert_text.clone(), InsertTextFormat::SNIPPET)
                        } else if c.snippet {
                            (strip_snippet(&c.insert_text), InsertTextFormat::PLAIN_TEXT)
                        } else {
                            (c.insert_text.clone(), InsertTextFormat::PLAIN_TEXT)
                        };
                        // Lazily documented IDs: `completionItem/resolve` fills it in. The
                        // payload is kept small (100 items are sent on every keystroke in a
                        // list): the ID and the folder's position, not its URI.
                        let data = (lazy && c.kind == CompletionKind::Id)
                            .then(|| serde_json::json!({"id": c.label, "in": folder_no}));
                        Some(CompletionItem {
                            label: c.label,
                            kind: Some(match c.kind {
                                CompletionKind::Id | CompletionKind::Range => {
                                    CompletionItemKind::REFERENCE
                                }
                                CompletionKind::Field => CompletionItemKind::FIELD,
                                CompletionKind::Value => CompletionItemKind::ENUM_MEMBER,
                                CompletionKind::Owner => CompletionItemKind::VALUE,
                                CompletionKind::Template => CompletionItemKind::SNIPPET,
                            }),
                            detail: c.detail,
                            documentation: c.documentation.map(|d| {
                                Documentation::MarkupContent(MarkupContent {
                                    kind: MarkupKind::Markdown,
                                    value: d,
                                })
                            }),
                            data,
                            sort_text: Some(c.sort_text),
                            // The label is the filter text, and plain text the format, by default.
                            filter_text: None,
                            insert_text_format: (format != InsertTextFormat::PLAIN_TEXT)
                                .then_some(format),
                            text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                                range,
                                new_text: text,
                            })),
                            ..Default::default()
                        })
                    })
                    .collect();
                CompletionResponse::List(CompletionList {
                    is_incomplete: incomplete,
                    items,
                })
            },
        )
    }
}

impl Backend {
    fn enc(&self) -> PositionEncoding {
        self.state.enc()
    }

    /// Where a URI's document lives (`None` outside every folder; see [`Self::locate_or_adopt`]).
    fn locate(&self, uri: &Uri) -> Option<DocKey> {
        self.state.locate(uri)
    }

    /// Like [`Self::locate`], creating (and indexing in the background) a folder for a file
    /// opened outside every workspace folder.
    fn locate_or_adopt(&self, uri: &Uri) -> Option<(DocKey, bool)> {
        if let Some(k) = self.locate(uri) {
            return Some((k, false));
        }
        if is_untitled(uri) {
            // No workspace folder at all: a folder without a root (nothing on disk to index).
            let mut w = write(&self.state.world);
            w.add_folder(PathBuf::new());
            return w.untitled_key(uri.as_str()).map(|k| (k, false));
        }
        let path = file_path(uri)?;
        let root = discover_root(&path);
        tracing::info!(
            "{} is outside the workspace folders; using {} as its workspace",
            path.display(),
            root.display()
        );
        let mut w = write(&self.state.world);
        let added = w.add_folder(root);
        w.locate_path(&path).map(|k| (k, added))
    }

    async fn log(&self, typ: MessageType, msg: String) {
        tracing::info!("{msg}");
        let level = *read(&self.state.log_level);
        if severity_rank(typ) <= severity_rank(level) {
            self.client.log_message(typ, msg).await;
        }
    }

    /// Another handle on the same server, for work spawned off a handler.
    fn handle(&self) -> Backend {
        Backend {
            client: self.client.clone(),
            state: Arc::clone(&self.state),
        }
    }

    /// Indexes a folder's files in a task of its own, with work-done progress; diagnostics of
    /// the folder's open documents wait for it and are refreshed when it ends. Handlers never
    /// await it: indexing asks the client for a progress token, and tower-lsp reads the
    /// client's answer only while its handlers make progress (issue 13, defect 4).
    fn spawn_indexing(&self, root: PathBuf) {
        self.reserve_indexing(&root);
        let this = self.handle();
        tokio::spawn(async move { this.run_indexing(root).await });
    }

    /// Indexes a folder now (for the tasks that already run apart from the handlers).
    async fn index_folder(&self, root: PathBuf) {
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
                fast::INTERNAL_ERROR
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
    async fn wait_indexed(&self, root: &Path, limit: Duration) {
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

    /// Re-checks every open document (push) or asks the client to pull again. Never waits:
    /// the refresh request goes out from a task of its own, one at a time (a burst of events
    /// asks once more after the one in flight, not once per event).
    fn refresh_all(&self) {
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

    /// Debounced push of one document's diagnostics (no-op when the client pulls).
    fn schedule_diagnostics(&self, uri: Uri) {
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
        let client = self.client.clone();
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
                Some(Publish::new(&st, u, diags, version))
            })
            .await;
            let Ok(Some(publish)) = computed else {
                return;
            };
            if latest(&state) != Some(seen) {
                return;
            }
            publish.send(&state, &client).await;
        });
    }

    /// After a change to one document: re-check it, and every other open document of its
    /// folder (definitions it links may have appeared, moved or vanished).
    fn after_change(&self, key: &DocKey) {
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

    /// Asks for a configuration reload and re-index of every folder, in a task of its own:
    /// a burst of `dep-ls.toml` events (or settings changes) gives one reload for the events
    /// that arrive before it starts and at most one more for those that arrive while it
    /// runs, never one per event (issue 13, defect 4).
    fn request_reload(&self) {
        if !self.state.reload.request() {
            return; // the running task reloads once more
        }
        let this = self.handle();
        tokio::spawn(async move {
            loop {
                // Let the rest of a burst arrive: it is absorbed by this reload.
                tokio::time::sleep(RELOAD_DEBOUNCE).await;
                this.state.reload.begin();
                let run = this.handle();
                if tokio::spawn(async move { run.reload_config().await })
                    .await
                    .is_err()
                {
                    tracing::error!(
                        "{}: a panic while reloading the configuration",
                        fast::INTERNAL_ERROR
                    );
                }
                if !this.state.reload.again() {
                    break;
                }
            }
        });
    }

    /// Reloads configuration (settings + dep-ls.toml) for every folder and re-indexes.
    async fn reload_config(&self) {
        let roots: Vec<PathBuf> = {
            let mut w = write(&self.state.world);
            let roots: Vec<PathBuf> = w.folders.iter().map(|f| f.root.clone()).collect();
            for r in &roots {
                let (config, errors) = w.config_for(r);
                if let Some(f) = w.folder_mut(r) {
                    f.set_config(config, errors);
                    let prefixes = f.config.prefixes.clone();
                    for (rel, doc) in f.open.iter_mut() {
                        doc.reparse_all(&prefixes);
                        f.index.update(rel, Arc::clone(doc.parsed()));
                    }
                }
            }
            roots
        };
        for r in roots {
            let errors: Vec<String> = read(&self.state.world)
                .folder(&r)
                .map(|f| f.config_errors.iter().map(|e| e.to_string()).collect())
                .unwrap_or_default();
            for e in errors {
                self.log(MessageType::WARNING, e).await;
            }
            self.index_folder(r).await;
        }
    }

    fn apply_settings(&self, v: &serde_json::Value) {
        let v = v.get("dep-ls").unwrap_or(v).clone();
        if let Some(b) = v.pointer("/inlayHints/enabled").and_then(|x| x.as_bool()) {
            *write(&self.state.inlay_hints) = b;
        }
        if let Some(ms) = v
            .pointer("/diagnostics/debounceMs")
            .and_then(|x| x.as_u64())
        {
            *write(&self.state.debounce) = Duration::from_millis(ms.min(5_000));
        }
        if let Some(l) = v.get("logLevel").and_then(|x| x.as_str()) {
            *write(&self.state.log_level) = match l {
                "error" => MessageType::ERROR,
                "warn" | "warning" => MessageType::WARNING,
                "debug" | "trace" | "log" => MessageType::LOG,
                _ => MessageType::INFO,
            };
        }
        write(&self.state.world).settings = v;
    }
}

fn severity_rank(t: MessageType) -> u8 {
    match t {
        MessageType::ERROR => 1,
        MessageType::WARNING => 2,
        MessageType::INFO => 3,
        _ => 4,
    }
}

/// The file path of a `file:` URI: percent-decoded, then `.` and `..` resolved
/// ([`state::lexical`]); `None` for another scheme or a relative path. Every URI the server
/// receives becomes a path here, once.
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    if uri.scheme().as_str() != "file" {
        return None;
    }
    state::lexical(&uri.to_file_path()?)
}

/// The URI of a workspace-relative path (an untitled document's path is its URI).
pub fn uri_of(root: &Path, rel: &str) -> Option<Uri> {
    if rel.starts_with(UNTITLED) {
        return rel.parse().ok();
    }
    Uri::from_file_path(root.join(rel))
}

/// The scheme of an unsaved document's URI (VS Code's `untitled:Untitled-1`).
const UNTITLED: &str = "untitled:";

fn is_untitled(uri: &Uri) -> bool {
    uri.scheme().as_str() == "untitled"
}

/// Where a URI's document lives: a `file:` URI by its path ([`World::locate_path`]), an
/// untitled document in the first workspace folder ([`World::untitled_key`]).
fn locate_uri(w: &World, uri: &Uri) -> Option<DocKey> {
    if is_untitled(uri) {
        return w.untitled_key(uri.as_str());
    }
    w.locate_path(&file_path(uri)?)
}

/// The result id of a document's pulled diagnostics: a hash of what they say, so that a client
/// asking again with it gets "unchanged" while they still say the same.
fn result_id(items: &[Diagnostic]) -> String {
    let bytes = serde_json::to_vec(items).unwrap_or_default();
    format!("{:016x}", crate::syntax::text_hash(&bytes))
}

/// One `textDocument/publishDiagnostics`, serialised up front when serving stdio (where it
/// is built: off the async threads for a document's diagnostics).
enum Publish {
    Frame(Vec<u8>),
    Params(PublishDiagnosticsParams),
}

impl Publish {
    fn new(state: &State, uri: Uri, diagnostics: Vec<Diagnostic>, version: Option<i32>) -> Self {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        if state.frames_out.get().is_none() {
            return Publish::Params(params);
        }
        // About 400 bytes a diagnostic (a code, its README link, a message, a range).
        let hint = 256 + 512 * params.diagnostics.len();
        match transport::notification_frame("textDocument/publishDiagnostics", &params, hint) {
            Some(frame) => Publish::Frame(frame),
            None => Publish::Params(params),
        }
    }

    async fn send(self, state: &State, client: &Client) {
        match self {
            Publish::Frame(frame) => {
                // The channel is gone only when the session is ending.
                if let Some(out) = state.frames_out.get().and_then(|w| w.upgrade()) {
                    let _ = out.send(frame).await;
                }
            }
            Publish::Params(p) => {
                client
                    .publish_diagnostics(p.uri, p.diagnostics, p.version)
                    .await;
            }
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
        .map(|x| to_diagnostic(f, &mut lines, &key.rel, x, enc, related_ok))
        .collect();
    Some((diags, Some(version)))
}

fn to_diagnostic(
    f: &Folder,
    lines: &mut Lines,
    rel: &str,
    x: &crate::check::Finding,
    enc: PositionEncoding,
    related_ok: bool,
) -> Diagnostic {
    use crate::check::{Code, Severity};
    let severity = match x.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    };
    let related: Vec<DiagnosticRelatedInformation> = if related_ok {
        x.related
            .iter()
            .filter_map(|r| {
                Some(DiagnosticRelatedInformation {
                    location: Location {
                        uri: uri_of(&f.root, &r.path)?,
                        range: lines.range(&r.path, r.span.clone(), enc)?,
                    },
                    message: r.message.clone(),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    Diagnostic {
        range: lines.range(rel, x.span.clone(), enc).unwrap_or_default(),
        severity: Some(severity),
        code: Some(NumberOrString::String(x.code.as_str().to_string())),
        code_description: code_href(x.code).map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message: x.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: (x.code == Code::DeprecatedLink).then(|| vec![DiagnosticTag::DEPRECATED]),
        data: x.id.as_ref().map(|id| serde_json::json!({ "id": id })),
    }
}

fn edits_to_workspace_edit(
    f: &Folder,
    edits: &[ide::FileEdit],
    enc: PositionEncoding,
) -> WorkspaceEdit {
    let mut lines = Lines::new(f);
    let mut by_file: HashMap<String, Vec<TextEdit>> = HashMap::new();
    for e in edits {
        if let Some(range) = lines.range(&e.path, e.span.clone(), enc) {
            by_file.entry(e.path.clone()).or_default().push(TextEdit {
                range,
                new_text: e.new_text.clone(),
            });
        }
    }
    let mut doc_changes = Vec::new();
    let mut paths: Vec<&String> = by_file.keys().collect();
    paths.sort();
    for p in paths {
        let Some(uri) = uri_of(&f.root, p) else {
            continue;
        };
        let version = f.open.get(p).map(|d| d.version);
        doc_changes.push(TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
            edits: by_file[p].iter().cloned().map(OneOf::Left).collect(),
        });
    }
    WorkspaceEdit {
        changes: None,
        document_changes: Some(DocumentChanges::Edits(doc_changes)),
        change_annotations: None,
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let caps = &params.capabilities;
        let offered: Vec<String> = caps
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .map(|v| v.iter().map(|e| e.as_str().to_string()).collect())
            .unwrap_or_default();
        let enc = PositionEncoding::negotiate(offered.iter());
        *write(&self.state.encoding) = enc;
        let td = caps.text_document.as_ref();
        *write(&self.state.flags) = ClientFlags {
            pull_diagnostics: td.and_then(|t| t.diagnostic.as_ref()).is_some(),
            work_done_progress: caps
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
            watch_dynamic: caps
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            configuration: caps
                .workspace
                .as_ref()
                .and_then(|w| w.configuration)
                .unwrap_or(false),
            snippets: td
                .and_then(|t| t.completion.as_ref())
                .and_then(|c| c.completion_item.as_ref())
                .and_then(|i| i.snippet_support)
                .unwrap_or(false),
            resolve_documentation: td
                .and_then(|t| t.completion.as_ref())
                .and_then(|c| c.completion_item.as_ref())
                .and_then(|i| i.resolve_support.as_ref())
                .is_some_and(|r| r.properties.iter().any(|p| p == "documentation")),
            related_information: td
                .and_then(|t| t.publish_diagnostics.as_ref())
                .and_then(|p| p.related_information)
                .unwrap_or(true),
        };
        if let Some(opts) = &params.initialization_options {
            self.apply_settings(opts);
        }
        // Workspace folders: the folders, else rootUri, else rootPath (Helix outside git).
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
        // Never the file system root or the home directory (Helix sends its working directory
        // as rootPath outside a repository): files opened there get the nearest folder holding
        // dep-ls.toml, SoT/ or .git instead (`discover_root`).
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
        let pull = read(&self.state.flags).pull_diagnostics;
        self.state.initialized.store(true, Ordering::SeqCst);
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "dep-ls".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(match enc {
                    PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
                    PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
                    PositionEncoding::Utf32 => PositionEncodingKind::UTF32,
                }),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..Default::default()
                    },
                )),
                completion_provider: Some(CompletionOptions {
                    resolve_provider: Some(true),
                    trigger_characters: Some(vec!["-".into(), ",".into(), " ".into(), ":".into()]),
                    ..Default::default()
                }),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                declaration_provider: Some(DeclarationCapability::Simple(true)),
                references_provider: Some(OneOf::Left(true)),
                document_highlight_provider: Some(OneOf::Left(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::REFACTOR,
                        ]),
                        ..Default::default()
                    },
                )),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: Default::default(),
                })),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                semantic_tokens_provider: Some(
                    SemanticTokensServerCapabilities::SemanticTokensOptions(
                        SemanticTokensOptions {
                            legend: SemanticTokensLegend {
                                token_types: ide::symbols::TOKEN_TYPES
                                    .iter()
                                    .map(|t| SemanticTokenType::new(t))
                                    .collect(),
                                token_modifiers: ide::symbols::TOKEN_MODIFIERS
                                    .iter()
                                    .map(|t| SemanticTokenModifier::new(t))
                                    .collect(),
                            },
                            full: Some(SemanticTokensFullOptions::Bool(true)),
                            range: None,
                            ..Default::default()
                        },
                    ),
                ),
                inlay_hint_provider: Some(OneOf::Left(true)),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                execute_command_provider: Some(readiness_command_options()),
                diagnostic_provider: pull.then(|| {
                    DiagnosticServerCapabilities::Options(DiagnosticOptions {
                        identifier: Some("dep-ls".into()),
                        inter_file_dependencies: true,
                        workspace_diagnostics: true,
                        work_done_progress_options: Default::default(),
                    })
                }),
                workspace: Some(WorkspaceServerCapabilities {
                    workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                        supported: Some(true),
                        change_notifications: Some(OneOf::Left(true)),
                    }),
                    file_operations: None,
                }),
                ..Default::default()
            },
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        // Everything here waits on the client (registration, configuration) or on indexing:
        // it runs in a task of its own, so that this handler ends at once (issue 13, defect 4).
        let this = self.handle();
        tokio::spawn(async move { this.after_initialized().await });
        // Indexing does not wait for those answers either.
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

    async fn shutdown(&self) -> Result<()> {
        self.state.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let td = params.text_document;
        let Some((key, adopted)) = self.locate_or_adopt(&td.uri) else {
            tracing::info!("ignoring {}: not a file", td.uri.as_str());
            return;
        };
        let over = write(&self.state.world).open(&key, td.text, td.version);
        if let Some(limit) = over {
            // One warning per open; a notification, nothing to wait for.
            self.client
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
            self.spawn_indexing(key.folder.clone());
        }
        self.after_change(&key);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // Applied synchronously, before any `.await`: a later request cannot overtake it.
        let arrived = std::time::Instant::now();
        let Some(key) = self.locate(&params.text_document.uri) else {
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
        let enc = self.enc();
        let applied =
            write(&self.state.world).change(&key, params.text_document.version, &changes, enc);
        if applied {
            if tracing::enabled!(target: "dep_ls::timing", tracing::Level::DEBUG) {
                lock(&self.state.changed_at)
                    .insert(params.text_document.uri.as_str().to_string(), arrived);
            }
            self.after_change(&key);
        }
    }

    async fn did_save(&self, _: DidSaveTextDocumentParams) {}

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some(key) = self.locate(&uri) else { return };
        write(&self.state.world).close(&key);
        lock(&self.state.changed_at).remove(uri.as_str());
        if !read(&self.state.flags).pull_diagnostics {
            lock(&self.state.diag_gen).remove(uri.as_str());
            Publish::new(&self.state, uri, Vec::new(), None)
                .send(&self.state, &self.client)
                .await;
        }
        self.after_change(&key);
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
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

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let pull = read(&self.state.flags).configuration;
        if !pull && !params.settings.is_null() {
            self.apply_settings(&params.settings);
        }
        // Asking the client (configuration, inlay hint refresh) waits on its answer: in a task.
        let this = self.handle();
        tokio::spawn(async move {
            if pull {
                this.pull_configuration().await;
            }
            this.request_reload();
            let _ = this.client.inlay_hint_refresh().await;
        });
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
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

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        Ok(self
            .state
            .with_folder(
                &p.text_document.uri,
                Some(p.position),
                |f, rel, off, enc| {
                    let locs = ide::nav::definition(f, rel, off);
                    locations(f, &locs, enc)
                },
            )
            .filter(|v| !v.is_empty())
            .map(GotoDefinitionResponse::Array))
    }

    async fn goto_declaration(
        &self,
        params: request::GotoDeclarationParams,
    ) -> Result<Option<request::GotoDeclarationResponse>> {
        self.goto_definition(params).await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let p = params.text_document_position;
        let incl = params.context.include_declaration;
        Ok(self.state.with_folder(
            &p.text_document.uri,
            Some(p.position),
            |f, rel, off, enc| {
                let locs = ide::nav::references(f, rel, off, incl);
                locations(f, &locs, enc)
            },
        ))
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let p = params.text_document_position_params;
        Ok(self.state.with_folder(
            &p.text_document.uri,
            Some(p.position),
            |f, rel, off, enc| {
                let mut lines = Lines::new(f);
                ide::nav::highlights(f, rel, off)
                    .into_iter()
                    .filter_map(|(s, def)| {
                        Some(DocumentHighlight {
                            range: lines.range(rel, s, enc)?,
                            kind: Some(if def {
                                DocumentHighlightKind::WRITE
                            } else {
                                DocumentHighlightKind::READ
                            }),
                        })
                    })
                    .collect()
            },
        ))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        if fast::test_panic("textDocument/hover") {
            // The test hook's panic inside tower-lsp's handling (see `fast`).
            panic!("DEP_LS_TEST_PANIC_ON: textDocument/hover");
        }
        let p = params.text_document_position_params;
        Ok(self
            .state
            .with_folder(
                &p.text_document.uri,
                Some(p.position),
                |f, rel, off, enc| {
                    let (md, span) = ide::nav::hover(f, rel, off)?;
                    Some(Hover {
                        contents: HoverContents::Markup(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value: md,
                        }),
                        range: Lines::new(f).range(rel, span, enc),
                    })
                },
            )
            .flatten())
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        Ok(self.state.completion(params))
    }

    async fn completion_resolve(&self, mut item: CompletionItem) -> Result<CompletionItem> {
        if item.documentation.is_some() {
            return Ok(item);
        }
        let Some(data) = item.data.as_ref() else {
            return Ok(item);
        };
        let Some(id) = data.get("id").and_then(|i| i.as_str()) else {
            return Ok(item);
        };
        // The folder the item came from (its position when the list was made); if the folders
        // changed since, any folder that defines the ID.
        let at = data.get("in").and_then(|n| n.as_u64());
        let doc = {
            let w = read(&self.state.world);
            let from = at.and_then(|n| w.folders.get(usize::try_from(n).ok()?));
            from.and_then(|f| ide::complete::id_documentation(f, id))
                .or_else(|| {
                    w.folders
                        .iter()
                        .find_map(|f| ide::complete::id_documentation(f, id))
                })
        };
        item.documentation = doc.map(|d| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: d,
            })
        });
        Ok(item)
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        let range = params.range;
        let only = params.context.only.clone();
        Ok(self
            .state
            .with_folder(&uri, Some(range.start), |f, rel, start, enc| {
                let end = Lines::new(f).offset(rel, range.end, enc).unwrap_or(start);
                let mut lines = Lines::new(f);
                ide::actions::code_actions(f, rel, start..end)
                    .into_iter()
                    .filter(|a| {
                        only.as_ref().is_none_or(|kinds| {
                            kinds
                                .iter()
                                .any(|k| action_kind(a).as_str().starts_with(k.as_str()))
                        })
                    })
                    .map(|a| {
                        let diagnostics = a
                            .fixes
                            .as_ref()
                            .map(|x| vec![to_diagnostic(f, &mut lines, rel, x, enc, true)]);
                        CodeActionOrCommand::CodeAction(CodeAction {
                            title: a.title.clone(),
                            kind: Some(action_kind(&a)),
                            data: a
                                .template
                                .map(|t| serde_json::json!({ "template": t.name() })),
                            diagnostics,
                            edit: Some(edits_to_workspace_edit(f, &a.edits, enc)),
                            is_preferred: a.preferred.then_some(true),
                            ..Default::default()
                        })
                    })
                    .collect()
            }))
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let r = self.state.with_folder(
            &params.text_document.uri,
            Some(params.position),
            |f, rel, off, enc| {
                ide::nav::prepare_rename(f, rel, off).map(|(span, id)| {
                    Lines::new(f).range(rel, span, enc).map(|range| {
                        PrepareRenameResponse::RangeWithPlaceholder {
                            range,
                            placeholder: id,
                        }
                    })
                })
            },
        );
        match r {
            None => Ok(None),
            Some(Ok(x)) => Ok(x),
            Some(Err(msg)) => Err(Error::invalid_params(msg)),
        }
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let p = params.text_document_position;
        let new_name = params.new_name;
        let r = self.state.with_folder(
            &p.text_document.uri,
            Some(p.position),
            |f, rel, off, enc| {
                ide::nav::rename(f, rel, off, &new_name)
                    .map(|edits| edits_to_workspace_edit(f, &edits, enc))
            },
        );
        match r {
            None => Ok(None),
            Some(Ok(x)) => Ok(Some(x)),
            Some(Err(msg)) => Err(Error::invalid_params(msg)),
        }
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        Ok(self
            .state
            .with_folder(&params.text_document.uri, None, |f, rel, _, enc| {
                let Some(doc) = f.parsed(rel) else {
                    return DocumentSymbolResponse::Nested(Vec::new());
                };
                let mut lines = Lines::new(f);
                let syms = ide::symbols::document_symbols(&doc)
                    .into_iter()
                    .filter_map(|s| to_document_symbol(&mut lines, rel, s, enc))
                    .collect();
                DocumentSymbolResponse::Nested(syms)
            }))
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let enc = self.enc();
        let w = read(&self.state.world);
        let mut out = Vec::new();
        for f in &w.folders {
            let mut lines = Lines::new(f);
            for s in ide::symbols::workspace_symbols(f, &params.query, 200) {
                let (Some(uri), Some(range)) = (
                    uri_of(&f.root, &s.path),
                    lines.range(&s.path, s.span.clone(), enc),
                ) else {
                    continue;
                };
                #[allow(deprecated)]
                out.push(SymbolInformation {
                    name: s.name.clone(),
                    kind: symbol_kind(&s.prefix),
                    tags: None,
                    deprecated: None,
                    location: Location { uri, range },
                    container_name: (!s.detail.is_empty()).then(|| s.detail.clone()),
                });
            }
        }
        Ok(Some(WorkspaceSymbolResponse::Flat(out)))
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        Ok(self
            .state
            .with_folder(&params.text_document.uri, None, |f, rel, _, enc| {
                let Some(doc) = f.parsed(rel) else {
                    return Vec::new();
                };
                let mut lines = Lines::new(f);
                ide::symbols::folding(&doc)
                    .into_iter()
                    .filter_map(|s| {
                        let r = lines.range(rel, s, enc)?;
                        (r.end.line > r.start.line).then(|| FoldingRange {
                            start_line: r.start.line,
                            end_line: r.end.line,
                            kind: Some(FoldingRangeKind::Region),
                            ..Default::default()
                        })
                    })
                    .collect()
            }))
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        Ok(self
            .state
            .with_folder(&params.text_document.uri, None, |f, rel, _, enc| {
                let tokens = ide::symbols::semantic_tokens(f, rel);
                let mut lines = Lines::new(f);
                let mut data = Vec::with_capacity(tokens.len());
                let (mut pl, mut pc) = (0u32, 0u32);
                for (span, ty, mods) in tokens {
                    let Some(r) = lines.range(rel, span, enc) else {
                        continue;
                    };
                    if r.end.line != r.start.line {
                        continue;
                    }
                    let dl = r.start.line - pl;
                    let dc = if dl == 0 {
                        r.start.character - pc
                    } else {
                        r.start.character
                    };
                    data.push(SemanticToken {
                        delta_line: dl,
                        delta_start: dc,
                        length: r.end.character - r.start.character,
                        token_type: ty,
                        token_modifiers_bitset: mods,
                    });
                    pl = r.start.line;
                    pc = r.start.character;
                }
                SemanticTokensResult::Tokens(SemanticTokens {
                    result_id: None,
                    data,
                })
            }))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        if !*read(&self.state.inlay_hints) {
            return Ok(Some(Vec::new()));
        }
        let range = params.range;
        Ok(self.state.with_folder(
            &params.text_document.uri,
            Some(range.start),
            |f, rel, start, enc| {
                let end = Lines::new(f)
                    .offset(rel, range.end, enc)
                    .unwrap_or(usize::MAX);
                let mut lines = Lines::new(f);
                ide::symbols::inlay_hints(f, rel, start..end)
                    .into_iter()
                    .filter_map(|(at, label)| {
                        Some(InlayHint {
                            position: lines.range(rel, at..at, enc)?.start,
                            label: InlayHintLabel::String(label),
                            kind: None,
                            text_edits: None,
                            tooltip: None,
                            padding_left: Some(false),
                            padding_right: Some(true),
                            data: None,
                        })
                    })
                    .collect()
            },
        ))
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let uri = params.text_document.uri.clone();
        Ok(self
            .state
            .with_folder(&params.text_document.uri, None, |f, rel, _, enc| {
                let mut lines = Lines::new(f);
                ide::symbols::code_lenses(f, rel)
                    .into_iter()
                    .filter_map(|(span, id, n)| {
                        let range = lines.range(rel, span, enc)?;
                        let locs = locations(f, &ide::nav::references_of(f, &id, false), enc);
                        Some(CodeLens {
                            range,
                            command: Some(Command {
                                title: format!("{n} reference{}", if n == 1 { "" } else { "s" }),
                                command: "editor.action.showReferences".into(),
                                arguments: Some(vec![
                                    serde_json::json!(uri.as_str()),
                                    serde_json::to_value(range.start).unwrap_or_default(),
                                    serde_json::to_value(locs).unwrap_or_default(),
                                ]),
                            }),
                            data: None,
                        })
                    })
                    .chain(readiness_lenses(f, rel, enc))
                    .collect()
            }))
    }

    async fn execute_command(
        &self,
        params: ExecuteCommandParams,
    ) -> Result<Option<serde_json::Value>> {
        self.readiness_command(params).await
    }

    async fn diagnostic(
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
                let mut lines = Lines::new(f);
                f.diagnostics(rel)
                    .iter()
                    .map(|x| to_diagnostic(f, &mut lines, rel, x, enc, true))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let id = result_id(&items);
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

    async fn workspace_diagnostic(
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
                        .map(|x| to_diagnostic(f, &mut lines, rel, x, enc, true))
                        .collect();
                    let id = result_id(&items);
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

impl Backend {
    /// The work of `initialized` that asks the client: file watchers, configuration.
    async fn after_initialized(&self) {
        let flags = read(&self.state.flags).clone();
        if flags.watch_dynamic {
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
        if flags.configuration {
            self.pull_configuration().await;
        }
    }

    /// Asks the client for the `dep-ls` configuration section.
    async fn pull_configuration(&self) {
        let items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some("dep-ls".into()),
        }];
        if let Ok(mut v) = self.client.configuration(items).await {
            if let Some(s) = v.pop().filter(|s| !s.is_null()) {
                self.apply_settings(&s);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Readiness report: `dep-ls.readinessReport` and its code lens
// ---------------------------------------------------------------------------------------------

fn readiness_command_options() -> ExecuteCommandOptions {
    ExecuteCommandOptions {
        commands: vec![ide::readiness::COMMAND.to_string()],
        work_done_progress_options: Default::default(),
    }
}

/// The folder a `dep-ls.readinessReport` argument names: a URI string, or an object with `uri`
/// (a workspace folder or a document); `Ok(None)` without an argument.
fn readiness_target(args: &[serde_json::Value]) -> Result<Option<PathBuf>> {
    let Some(arg) = args.first() else {
        return Ok(None);
    };
    let s = arg
        .as_str()
        .or_else(|| arg.get("uri").and_then(|u| u.as_str()))
        .ok_or_else(|| Error::invalid_params("expected a folder URI (string or {uri})"))?;
    let uri: Uri = s
        .parse()
        .map_err(|_| Error::invalid_params(format!("not a URI: {s}")))?;
    file_path(&uri)
        .map(Some)
        .ok_or_else(|| Error::invalid_params(format!("not a file: URI: {s}")))
}

/// Code lenses "Readiness: 5/6 gates pass" on each plan's first DEP- entry of a file.
fn readiness_lenses(f: &Folder, rel: &str, enc: PositionEncoding) -> Vec<CodeLens> {
    let mut lines = Lines::new(f);
    let folder_uri = Uri::from_file_path(&f.root).map(|u| serde_json::json!(u.as_str()));
    ide::readiness::lenses(f, rel)
        .into_iter()
        .filter_map(|(span, title)| {
            Some(CodeLens {
                range: lines.range(rel, span, enc)?,
                command: Some(Command {
                    title,
                    command: ide::readiness::COMMAND.into(),
                    arguments: folder_uri.clone().map(|u| vec![u]),
                }),
                data: None,
            })
        })
        .collect()
}

impl Backend {
    /// `dep-ls.readinessReport [folder URI]`: the Markdown report of that folder (the folder
    /// holding the URI), or of every folder without an argument.
    async fn readiness_command(
        &self,
        params: ExecuteCommandParams,
    ) -> Result<Option<serde_json::Value>> {
        if params.command != ide::readiness::COMMAND {
            return Err(Error::invalid_params(format!(
                "unknown command {}",
                params.command
            )));
        }
        let target = readiness_target(&params.arguments)?;
        let roots: Vec<PathBuf> = {
            let w = read(&self.state.world);
            match &target {
                Some(p) => {
                    let root = w
                        .folders
                        .iter()
                        .filter(|f| !f.root.as_os_str().is_empty() && p.starts_with(&f.root))
                        .max_by_key(|f| f.root.components().count())
                        .map(|f| f.root.clone());
                    match root {
                        Some(r) => vec![r],
                        None => {
                            return Err(Error::invalid_params(format!(
                                "{} is in no workspace folder of this server",
                                p.display()
                            )))
                        }
                    }
                }
                None => w.folders.iter().map(|f| f.root.clone()).collect(),
            }
        };
        for r in &roots {
            self.wait_indexed(r, Duration::from_secs(30)).await;
        }
        let w = read(&self.state.world);
        let reports: Vec<String> = roots
            .iter()
            .filter_map(|r| w.folder(r))
            .map(ide::readiness::markdown)
            .collect();
        Ok(Some(serde_json::Value::String(reports.join("\n"))))
    }
}

fn symbol_kind(prefix: &str) -> SymbolKind {
    match prefix {
        "DEP" => SymbolKind::EVENT,
        "EPIC" => SymbolKind::MODULE,
        "API" => SymbolKind::INTERFACE,
        "TEST" => SymbolKind::METHOD,
        "MON" | "KPI" => SymbolKind::NUMBER,
        "RUN" => SymbolKind::FUNCTION,
        "DBT" => SymbolKind::STRUCT,
        _ => SymbolKind::CONSTANT,
    }
}

#[allow(deprecated)]
fn to_document_symbol(
    lines: &mut Lines,
    rel: &str,
    s: ide::symbols::Symbol,
    enc: PositionEncoding,
) -> Option<DocumentSymbol> {
    let range = lines.range(rel, s.span.clone(), enc)?;
    let selection_range = lines.range(rel, s.selection.clone(), enc)?;
    let children: Vec<DocumentSymbol> = s
        .children
        .into_iter()
        .filter_map(|c| to_document_symbol(lines, rel, c, enc))
        .collect();
    Some(DocumentSymbol {
        name: s.name,
        detail: s.detail,
        kind: if s.is_entry {
            symbol_kind(&s.prefix)
        } else {
            SymbolKind::FIELD
        },
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children: (!children.is_empty()).then_some(children),
    })
}

fn locations(f: &Folder, locs: &[ide::nav::Location], enc: PositionEncoding) -> Vec<Location> {
    let mut lines = Lines::new(f);
    locs.iter()
        .filter_map(|l| {
            Some(Location {
                uri: uri_of(&f.root, &l.path)?,
                range: lines.range(&l.path, l.span.clone(), enc)?,
            })
        })
        .collect()
}

/// A snippet's text without its `${1:…}` / `${1|a,b|}` / `$0` markup.
fn strip_snippet(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek() == Some(&'{') {
            chars.next();
            let mut body = String::new();
            for c2 in chars.by_ref() {
                if c2 == '}' {
                    break;
                }
                body.push(c2);
            }
            let inner = body.trim_start_matches(|c: char| c.is_ascii_digit());
            if let Some(rest) = inner.strip_prefix(':') {
                out.push_str(rest);
            } else if let Some(rest) = inner.strip_prefix('|') {
                out.push_str(rest.trim_end_matches('|').split(',').next().unwrap_or(""));
            }
        } else if c == '$' && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
            while chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                chars.next();
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The LSP kind of a code action: a template insertion gets `schema::TEMPLATE_ACTION_KIND`
/// (a refactor; its `data` names the Type), so that editors find it without reading titles.
fn action_kind(a: &ide::actions::Action) -> CodeActionKind {
    match a.kind {
        _ if a.template.is_some() => CodeActionKind::new(crate::schema::TEMPLATE_ACTION_KIND),
        ActionKind::QuickFix => CodeActionKind::QUICKFIX,
        ActionKind::Refactor => CodeActionKind::REFACTOR,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One run for what is asked before it begins, one more for what is asked while it runs.
    #[test]
    fn coalesced_work_runs_once_per_burst() {
        let c = Coalesce::default();
        assert!(c.request(), "the first request starts the task");
        assert!(!c.request() && !c.request(), "later ones join it");
        c.begin();
        assert!(!c.again(), "asked before the run began: covered by it");
        assert!(
            c.request(),
            "the task stopped: a new request starts it again"
        );
        c.begin();
        assert!(!c.request(), "asked while it runs");
        assert!(c.again(), "runs once more");
        c.begin();
        assert!(!c.again());
    }

    #[test]
    fn strips_snippets() {
        assert_eq!(
            strip_snippet("Type: ${1|Environment,Criteria|}\nOwner: ${2:[Who]}$0"),
            "Type: Environment\nOwner: [Who]"
        );
    }
}

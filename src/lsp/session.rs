//! The state of one server session: what the client can do ([`ClientFlags`]), the world under
//! its lock, the diagnostics bookkeeping, the settings that change what handlers answer, and
//! [`Backend`], the handle every handler runs on.

use super::convert::{self, Lines};
use crate::text::PositionEncoding;
use crate::workspace::world::{discover_root, DocKey, World};
use crate::workspace::Workspace;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::WeakSender;
use tower_lsp_server::ls_types::{MessageType, Position, Uri};
use tower_lsp_server::Client;

/// Client abilities that change what the server does (read from `initialize`:
/// [`super::capabilities::client_flags`]).
#[derive(Clone, Debug, Default)]
pub(super) struct ClientFlags {
    pub pull_diagnostics: bool,
    pub work_done_progress: bool,
    pub watch_dynamic: bool,
    pub configuration: bool,
    pub snippets: bool,
    /// The client resolves completion items' documentation lazily (`completionItem/resolve`).
    pub resolve_documentation: bool,
    pub related_information: bool,
    /// The client runs VS Code's `editor.action.showReferences` (it says so in
    /// `experimental.commands.commands`): the references code lens carries it.
    pub show_references: bool,
}

pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

pub(super) fn read<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|p| p.into_inner())
}

pub(super) fn write<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|p| p.into_inner())
}

/// Shared server state.
pub(super) struct State {
    pub world: RwLock<World>,
    pub encoding: RwLock<PositionEncoding>,
    pub flags: RwLock<ClientFlags>,
    /// Latest diagnostics generation per document URI (debouncing).
    pub diag_gen: Mutex<HashMap<String, u64>>,
    /// Documents with a diagnostics task waiting: one task per document, however many edits
    /// arrive meanwhile (each edit used to spawn its own, and a flood of edits piled them up).
    pub diag_pending: Mutex<HashSet<String>>,
    pub next_gen: AtomicU64,
    pub debounce: RwLock<Duration>,
    pub inlay_hints: RwLock<bool>,
    pub log_level: RwLock<MessageType>,
    /// `shutdown` was received (the exit code is 0 only then).
    pub shut_down: AtomicBool,
    /// Folders whose files are being indexed (root → running indexing passes). Their open
    /// documents get no diagnostics meanwhile: a half-built index would report every link
    /// into the files not read yet as unresolved.
    pub indexing: tokio::sync::watch::Sender<HashMap<PathBuf, usize>>,
    /// Whole frames for stdout, next to tower-lsp's own output: diagnostics are serialised
    /// here, without tower-lsp's `Value` step (see [`super::transport::notification_frame`]).
    /// Every `publishDiagnostics` goes this way, so they keep their order. Weak: the output
    /// pump ends (and the process exits) once the input side has let go of the channel.
    pub frames_out: WeakSender<Vec<u8>>,
    /// When the latest change of each document (URI) arrived: logged with its diagnostics
    /// (target `dep_ls::timing`, level debug), which is how the benchmark sees the time to
    /// compute them apart from the time to carry them to the client.
    pub changed_at: Mutex<HashMap<String, Instant>>,
    /// Diagnostics computations running at once (one per core). Each edit re-checks every open
    /// document of its folder; unbounded, their blocking tasks queued on the world lock behind
    /// the next edit and tokio started a thread for each (343 threads and +400 MB in the
    /// open/close stress test under load).
    pub diag_slots: tokio::sync::Semaphore,
    /// Configuration reloads (re-indexing every folder), one at a time.
    pub reload: Coalesce,
    /// `workspace/diagnostic/refresh` requests, one at a time.
    pub refresh: Coalesce,
}

impl State {
    /// A session whose frames (diagnostics) go to `frames_out`, the output pump's channel.
    pub fn new(frames_out: WeakSender<Vec<u8>>) -> Self {
        State {
            world: RwLock::new(World::default()),
            encoding: RwLock::new(PositionEncoding::Utf16),
            flags: RwLock::new(ClientFlags::default()),
            diag_gen: Mutex::new(HashMap::new()),
            diag_pending: Mutex::new(HashSet::new()),
            next_gen: AtomicU64::new(1),
            debounce: RwLock::new(Duration::from_millis(30)),
            inlay_hints: RwLock::new(false),
            log_level: RwLock::new(MessageType::INFO),
            shut_down: AtomicBool::new(false),
            indexing: tokio::sync::watch::Sender::new(HashMap::new()),
            frames_out,
            changed_at: Mutex::new(HashMap::new()),
            diag_slots: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 4)),
            ),
            reload: Coalesce::default(),
            refresh: Coalesce::default(),
        }
    }

    pub fn enc(&self) -> PositionEncoding {
        *read(&self.encoding)
    }

    /// Where a URI's document lives (`None` outside every folder).
    pub fn locate(&self, uri: &Uri) -> Option<DocKey> {
        convert::locate_uri(&read(&self.world), uri)
    }

    /// Runs `f` on the folder holding `uri` with the offset of `pos`.
    pub fn with_folder<R>(
        &self,
        uri: &Uri,
        pos: Option<Position>,
        f: impl FnOnce(&Workspace, &str, usize, PositionEncoding) -> R,
    ) -> Option<R> {
        self.with_folder_at(uri, pos, |_, folder, rel, off, enc| {
            f(folder, rel, off, enc)
        })
    }

    /// [`Self::with_folder`], also telling `f` where the folder sits in [`World::folders`] (it
    /// moves only when an earlier folder is removed).
    pub fn with_folder_at<R>(
        &self,
        uri: &Uri,
        pos: Option<Position>,
        f: impl FnOnce(usize, &Workspace, &str, usize, PositionEncoding) -> R,
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
}

/// The language server: the client and the session's state.
pub struct Backend {
    pub(super) client: Client,
    pub(super) state: Arc<State>,
}

impl Backend {
    pub(super) fn enc(&self) -> PositionEncoding {
        self.state.enc()
    }

    /// Where a URI's document lives (`None` outside every folder; see [`Self::locate_or_adopt`]).
    pub(super) fn locate(&self, uri: &Uri) -> Option<DocKey> {
        self.state.locate(uri)
    }

    /// Like [`Self::locate`], creating (and indexing in the background) a folder for a file
    /// opened outside every workspace folder.
    pub(super) fn locate_or_adopt(&self, uri: &Uri) -> Option<(DocKey, bool)> {
        if let Some(k) = self.locate(uri) {
            return Some((k, false));
        }
        if convert::is_untitled(uri) {
            // No workspace folder at all: a folder without a root (nothing on disk to index).
            let mut w = write(&self.state.world);
            w.add_folder(PathBuf::new());
            return w.untitled_key(uri.as_str()).map(|k| (k, false));
        }
        let path = convert::file_path(uri)?;
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

    /// Logs `msg`, and shows it in the client's log when `typ` is within the `logLevel` setting.
    pub(super) async fn log(&self, typ: MessageType, msg: String) {
        tracing::info!("{msg}");
        let level = *read(&self.state.log_level);
        if severity_rank(typ) <= severity_rank(level) {
            self.client.log_message(typ, msg).await;
        }
    }

    /// Another handle on the same server, for work spawned off a handler.
    pub(super) fn handle(&self) -> Backend {
        Backend {
            client: self.client.clone(),
            state: Arc::clone(&self.state),
        }
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

/// A piece of work that runs in one task at a time, however often it is asked for: asked
/// while it runs, it runs once more afterwards.
#[derive(Debug, Default)]
pub(super) struct Coalesce(Mutex<(bool, bool)>); // (a task runs, asked again since its run began)

impl Coalesce {
    /// Asks for a run; true when the caller must start the task.
    pub fn request(&self) -> bool {
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
    pub fn begin(&self) {
        lock(&self.0).1 = false;
    }

    /// A run ended; true when the task must run again (else it has stopped).
    pub fn again(&self) -> bool {
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
}

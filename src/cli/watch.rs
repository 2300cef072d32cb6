//! `dep-ls check --watch`: checks once (printed as `check` prints it; JSON as a round 0), then
//! re-checks after file changes and prints only what changed — new findings, fixed ones — until
//! SIGINT or SIGTERM (exit 0).
//!
//! Changes are seen through `notify` (inotify, FSEvents, ReadDirectoryChangesW; a polling
//! watcher when the native one cannot watch, or when `DEP_LS_WATCH_POLL=1` asks for it: network
//! file systems send no native events), debounced: a round starts once the files have been
//! quiet for [`DEBOUNCE`] (at most [`MAX_WAIT`] after the first change). Each round keeps the
//! loaded workspaces and re-reads only what changed ([`Workspace::refresh`]: the same walk
//! rules as `check`); a change to the configuration (`dep-ls.toml`, the domain profile,
//! `--config`, `.gitignore`/`.ignore`) or to the nested workspaces loads everything again.

use super::format::{self, Checked, Item};
use super::interrupt;
use super::locate::locate_all;
use super::targets::{config_readable, each_workspace, resolve_target, Target};
use super::{CheckArgs, Format, EXIT_OK, EXIT_USAGE};
use crate::text::Range;
use crate::workspace::Workspace;
use notify::Watcher;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Quiet time after the last change before a round starts.
const DEBOUNCE: Duration = Duration::from_millis(200);
/// A round starts at the latest this long after the first change (files that never stop
/// changing still get checked).
const MAX_WAIT: Duration = Duration::from_secs(2);
/// How often an idle watch looks at the interrupt flag.
const TICK: Duration = Duration::from_millis(250);
/// The polling watcher's interval (only when the native watcher cannot be used).
const POLL: Duration = Duration::from_secs(1);

/// One loaded workspace of a PATH: what a round refreshes.
struct Unit {
    /// Which PATH (its place on the command line).
    path_no: usize,
    target: Target,
    /// Root-relative folder of a nested workspace (`""`: PATH's own).
    offset: String,
    ws: Workspace,
    /// What its walk must reach (as `check` loads it).
    reach: Vec<String>,
    /// The other paths of its last walk.
    other: BTreeSet<String>,
}

/// `dep-ls check --watch`.
pub(super) fn run(args: &CheckArgs) -> i32 {
    if matches!(args.format, Format::Sarif | Format::Github) {
        err_line!("error: --watch prints human or json output (not --format sarif or github)");
        return EXIT_USAGE;
    }
    if let Err(code) = config_readable(args.config.as_deref()) {
        return code;
    }
    let mut targets = Vec::with_capacity(args.paths.len());
    for p in &args.paths {
        match resolve_target(p) {
            Ok(t) => targets.push(t),
            Err(msg) => {
                err_line!("error: {msg}");
                return EXIT_USAGE;
            }
        }
    }
    let config = args.config.as_deref().map(crate::root::absolute);
    let guard = interrupt::Guard::catch();
    // Watching starts before the first check: a change made while it runs is seen.
    let (tx, rx) = mpsc::channel();
    let roots: Vec<PathBuf> = targets.iter().map(|t| t.root.clone()).collect();
    let mut watching = Watching::start(tx, &roots, config.as_deref());
    let mut warned = BTreeSet::new();
    let mut units = match load(&targets, args, &mut warned) {
        Ok(u) => u,
        Err(code) => return code,
    };
    for (no, t) in targets.iter().enumerate() {
        let found = units.iter().any(|u| {
            u.path_no == no
                && u.offset.is_empty()
                && u.ws.files.iter().any(|f| u.target.covers(&f.path))
        });
        if t.only.is_some() && !found {
            err_line!(
                "warning: {}: not a Markdown file that dep-ls reads (not .md, ignored or skipped); nothing checked in it",
                t.given.display()
            );
        }
    }
    let skipped: usize = units.iter().map(|u| u.ws.notes.len()).sum();
    if skipped > 0 && !args.verbose {
        err_line!(
            "note: {skipped} {} skipped (--verbose lists them)",
            if skipped == 1 { "file" } else { "files" }
        );
    }
    let color = !args.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var_os("TERM").is_none_or(|v| v != "dumb")
        && io::stdout().is_terminal();
    let (mut items, files) = gather(&units, args);
    let first = match args.format {
        Format::Json => {
            let all: Vec<&Item> = items.iter().collect();
            write_out(|out| format::write_json_round(out, 0, &all, &[], &[], items.len()))
        }
        _ => write_out(|out| {
            let checked = Checked {
                items: items.clone(),
                files,
            };
            format::write(args.format, out, &checked, color)
        }),
    };
    if let Some(code) = first {
        return code;
    }

    let mut round = 0u64;
    while let Some(events) = wait_for_changes(&rx) {
        let mut reload =
            events.full || events.paths.iter().any(|p| is_config(p, config.as_deref()));
        let mut changed = false;
        if !reload {
            for u in &mut units {
                let rels: BTreeSet<String> = events
                    .paths
                    .iter()
                    .filter(|p| p.starts_with(&u.ws.root))
                    .map(|p| crate::workspace::rel_path(&u.ws.root, p))
                    .collect();
                if rels.is_empty() {
                    // Nothing of this workspace changed.
                    continue;
                }
                let r = u.ws.refresh(&u.reach, &rels, &mut u.other);
                reload |= r.nested_changed;
                changed |= r.any();
            }
        }
        if reload {
            match load(&targets, args, &mut warned) {
                Ok(u) => units = u,
                Err(code) => return code,
            }
            let roots: Vec<PathBuf> = units.iter().map(|u| u.ws.root.clone()).collect();
            watching.cover(&roots, config.as_deref());
            changed = true;
        }
        if !changed {
            continue;
        }
        round += 1;
        let (now, _) = gather(&units, args);
        let d = diff(&items, &now, exact_key, loose_key);
        let done = write_out(|out| write_round(out, args.format, round, &items, &now, &d, color));
        items = now;
        if let Some(code) = done {
            return code;
        }
    }
    drop(watching);
    drop(guard);
    EXIT_OK
}

/// Loads every PATH's workspaces (PATH's own, then the nested ones inside it), as `check`
/// does; configuration problems are said once per session.
fn load(
    targets: &[Target],
    args: &CheckArgs,
    warned: &mut BTreeSet<String>,
) -> Result<Vec<Unit>, i32> {
    let mut units = Vec::new();
    for (path_no, t) in targets.iter().enumerate() {
        each_workspace(t, args.config.as_deref(), &|_, _| {}, |ws, t, offset| {
            for e in &ws.config_errors {
                let msg = e.to_string();
                if warned.insert(msg.clone()) {
                    err_line!("warning: {msg}");
                }
            }
            if args.verbose {
                for n in &ws.notes {
                    if warned.insert(n.clone()) {
                        err_line!("note: {n}");
                    }
                }
            }
            let reach = if offset.is_empty() {
                vec![t.only.clone().unwrap_or_else(|| t.base.clone())]
            } else {
                Vec::new()
            };
            let other = ws.other_paths(&reach);
            units.push(Unit {
                path_no,
                target: t.clone(),
                offset: offset.to_string(),
                ws,
                reach,
                other,
            });
            Ok(())
        })?;
    }
    Ok(units)
}

/// Every finding the PATHs report (as `check` keeps them: PATH's own in its top workspace),
/// sorted per PATH, and how many Markdown files were checked.
fn gather(units: &[Unit], args: &CheckArgs) -> (Vec<Item>, usize) {
    let snippets = matches!(args.format, Format::Human);
    let mut items = Vec::new();
    let mut files = 0;
    let mut per_path: Vec<Item> = Vec::new();
    for (i, u) in units.iter().enumerate() {
        let mut findings = u.ws.check();
        if u.offset.is_empty() {
            findings.retain(|f| u.target.covers(&f.path));
            files +=
                u.ws.files
                    .iter()
                    .filter(|f| u.target.covers(&f.path))
                    .count();
        } else {
            files += u.ws.files.len();
        }
        per_path.extend(locate_all(&u.ws, &u.target, &u.offset, findings, snippets));
        if units.get(i + 1).is_none_or(|n| n.path_no != u.path_no) {
            per_path.sort_by(|a, b| exact_key(a).cmp(&exact_key(b)));
            items.append(&mut per_path);
        }
    }
    (items, files)
}

/// Writes to stdout and flushes; `Some(exit code)` when the watch must end (stdout closed:
/// 0; another write error: 2).
fn write_out(f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Option<i32> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match f(&mut out).and_then(|()| out.flush()) {
        Ok(()) => None,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Some(EXIT_OK),
        Err(e) => {
            err_line!("error: cannot write the output: {e}");
            Some(EXIT_USAGE)
        }
    }
}

/// What identifies a finding exactly: path, position, code, end, message, ID (also the order
/// `check` prints a PATH's findings in).
type ExactKey<'a> = (
    &'a str,
    (u32, u32),
    &'static str,
    (u32, u32),
    &'a str,
    Option<&'a str>,
);

fn exact_key(i: &Item) -> ExactKey<'_> {
    let r = i.loc.range;
    (
        &i.path,
        (r.start.line, r.start.character),
        i.code.as_str(),
        (r.end.line, r.end.character),
        &i.message,
        i.id.as_deref(),
    )
}

/// What identifies a finding wherever it is: path, code, ID, message.
fn loose_key(i: &Item) -> (&str, &'static str, Option<&str>, &str) {
    (&i.path, i.code.as_str(), i.id.as_deref(), &i.message)
}

/// The difference between two lists of findings (indices into them).
#[derive(Debug, Default, PartialEq, Eq)]
struct Diff {
    /// New findings (into the new list), in its order.
    added: Vec<usize>,
    /// Fixed findings (into the old list), in its order.
    removed: Vec<usize>,
    /// The same finding at another range (old, new): lines were added or removed above it.
    moved: Vec<(usize, usize)>,
    /// Findings in both, at the same range.
    unchanged: usize,
}

/// Pairs the findings of `new` with those of `old`: first by `exact` (everything, range
/// included), then what is left by `loose` (everything but the range: the finding moved), each
/// key's findings in list order; the rest is added or removed. Stable: the result depends only
/// on the two lists.
fn diff<'a, T, E: Ord, L: Ord>(
    old: &'a [T],
    new: &'a [T],
    exact: impl Fn(&'a T) -> E,
    loose: impl Fn(&'a T) -> L,
) -> Diff {
    let mut by_exact: BTreeMap<E, VecDeque<usize>> = BTreeMap::new();
    for (i, o) in old.iter().enumerate() {
        by_exact.entry(exact(o)).or_default().push_back(i);
    }
    let mut matched_old = vec![false; old.len()];
    let mut left_new = Vec::new();
    let mut d = Diff::default();
    for (j, n) in new.iter().enumerate() {
        match by_exact.get_mut(&exact(n)).and_then(VecDeque::pop_front) {
            Some(i) => {
                matched_old[i] = true;
                d.unchanged += 1;
            }
            None => left_new.push(j),
        }
    }
    let mut by_loose: BTreeMap<L, VecDeque<usize>> = BTreeMap::new();
    for (i, o) in old.iter().enumerate() {
        if !matched_old[i] {
            by_loose.entry(loose(o)).or_default().push_back(i);
        }
    }
    for j in left_new {
        match by_loose
            .get_mut(&loose(&new[j]))
            .and_then(VecDeque::pop_front)
        {
            Some(i) => {
                matched_old[i] = true;
                d.moved.push((i, j));
            }
            None => d.added.push(j),
        }
    }
    d.removed = (0..old.len()).filter(|&i| !matched_old[i]).collect();
    d
}

/// Prints one round: human, a header (time, counts), the new findings as `check` prints them
/// and a line per fixed one; JSON, one line.
fn write_round(
    out: &mut dyn Write,
    fmt: Format,
    round: u64,
    old: &[Item],
    new: &[Item],
    d: &Diff,
    color: bool,
) -> io::Result<()> {
    let added: Vec<&Item> = d.added.iter().map(|&j| &new[j]).collect();
    let removed: Vec<&Item> = d.removed.iter().map(|&i| &old[i]).collect();
    if fmt == Format::Json {
        let moved: Vec<(&Item, Range)> = d
            .moved
            .iter()
            .map(|&(i, j)| (&new[j], old[i].loc.range))
            .collect();
        return format::write_json_round(out, round, &added, &removed, &moved, new.len());
    }
    let paint = |codes: &str, s: &str| {
        if color {
            format!("\x1b[{codes}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    writeln!(
        out,
        "{}",
        paint(
            "1",
            &format!(
                "[{}] round {round}: +{} new, \u{2212}{} fixed, {} unchanged ({} findings)",
                clock(),
                added.len(),
                removed.len(),
                d.unchanged + d.moved.len(),
                new.len()
            )
        )
    )?;
    let added: Vec<Item> = added.into_iter().cloned().collect();
    format::write_human_items(out, &added, color)?;
    for it in removed {
        writeln!(
            out,
            "{} {}:{}:{}: {}[{}]: {}",
            paint("1;32", "fixed:"),
            it.file_arg,
            it.loc.range.start.line + 1,
            it.loc.col_chars + 1,
            it.severity.as_str(),
            it.code.as_str(),
            it.message
        )?;
    }
    Ok(())
}

/// The local time of day, `HH:MM:SS` (UTC where the local time zone cannot be read).
fn clock() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    #[cfg(unix)]
    {
        let t = libc::time_t::try_from(secs).unwrap_or(0);
        // SAFETY: `localtime_r` writes only into `tm`, which outlives the call.
        let mut tm: libc::tm = unsafe { std::mem::zeroed() };
        if !unsafe { libc::localtime_r(&t, &mut tm) }.is_null() {
            return format!("{:02}:{:02}:{:02}", tm.tm_hour, tm.tm_min, tm.tm_sec);
        }
    }
    let s = secs % 86_400;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// Changed paths gathered over one debounced wait.
#[derive(Default)]
struct Events {
    paths: BTreeSet<PathBuf>,
    /// The watcher lost events (or failed): refresh everything.
    full: bool,
}

/// Waits for changes, then for [`DEBOUNCE`] of quiet (at most [`MAX_WAIT`]); `None` when the
/// watch must end (a signal, or the watcher is gone).
fn wait_for_changes(rx: &mpsc::Receiver<notify::Result<notify::Event>>) -> Option<Events> {
    let mut ev = Events::default();
    let mut first: Option<Instant> = None;
    loop {
        if interrupt::hit() {
            return None;
        }
        let wait = match first {
            None => TICK,
            Some(t) => DEBOUNCE.min(MAX_WAIT.saturating_sub(t.elapsed())),
        };
        match rx.recv_timeout(wait) {
            // Reads (dep-ls's own among them) change nothing.
            Ok(Ok(e)) if matches!(e.kind, notify::EventKind::Access(_)) => {}
            Ok(Ok(e)) => {
                if e.need_rescan() {
                    ev.full = true;
                }
                let before = ev.paths.len();
                ev.paths
                    .extend(e.paths.into_iter().filter(|p| !is_noise(p)));
                if ev.full || ev.paths.len() > before {
                    first.get_or_insert_with(Instant::now);
                }
            }
            Ok(Err(e)) => {
                tracing::warn!("file watcher: {e}");
                ev.full = true;
                first.get_or_insert_with(Instant::now);
            }
            Err(RecvTimeoutError::Timeout) => {
                if first.is_some() {
                    return Some(ev);
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                err_line!("error: the file watcher stopped");
                return None;
            }
        }
    }
}

/// A path no round needs: inside `.git`, or an editor's temporary or backup file.
fn is_noise(p: &Path) -> bool {
    let mut comps = p.components().peekable();
    while let Some(c) = comps.next() {
        if c.as_os_str() == ".git" && comps.peek().is_some() {
            return true;
        }
    }
    let Some(name) = p.file_name().map(|n| n.to_string_lossy()) else {
        return true;
    };
    let lower = name.to_ascii_lowercase();
    name.ends_with('~')
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || [
            ".swp", ".swo", ".swx", ".swpx", ".tmp", ".bak", ".orig", ".crswap",
        ]
        .iter()
        .any(|x| lower.ends_with(x))
        || lower.starts_with(".goutputstream-")
}

/// Does a change to this path change what the walk or the checks are configured by?
fn is_config(p: &Path, config: Option<&Path>) -> bool {
    if config.is_some_and(|c| c == p) {
        return true;
    }
    let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
    match name.as_deref() {
        Some("dep-ls.toml" | ".gitignore" | ".ignore" | ".git") => true,
        Some("domain-profile.yaml") => p
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|d| d == ".claude"),
        _ => false,
    }
}

type Sender = mpsc::Sender<notify::Result<notify::Event>>;

/// The file watcher and what it watches.
struct Watching {
    backend: Backend,
    tx: Sender,
    watched: BTreeSet<PathBuf>,
}

enum Backend {
    Native(Box<dyn Watcher>),
    /// A thread that walks the watched paths every [`POLL`] and sends what changed.
    Poll(std::sync::Arc<std::sync::Mutex<Vec<PathBuf>>>),
}

impl Watching {
    /// Watches every workspace root (recursively) and `--config`: natively where it can, else
    /// by polling.
    fn start(tx: Sender, roots: &[PathBuf], config: Option<&Path>) -> Watching {
        // Network file systems (NFS, SMB) and some containers' mounts send no native events.
        let poll = std::env::var_os("DEP_LS_WATCH_POLL").is_some_and(|v| !v.is_empty() && v != "0");
        let backend = if poll {
            Self::poller(&tx, "DEP_LS_WATCH_POLL is set")
        } else {
            match notify::recommended_watcher(tx.clone()) {
                Ok(w) => Backend::Native(Box::new(w)),
                Err(e) => Self::poller(&tx, &e.to_string()),
            }
        };
        let mut w = Watching {
            backend,
            tx,
            watched: BTreeSet::new(),
        };
        w.cover(roots, config);
        w
    }

    fn poller(tx: &Sender, why: &str) -> Backend {
        err_line!(
            "note: watching files by polling every {} s ({why})",
            POLL.as_secs()
        );
        let paths = std::sync::Arc::new(std::sync::Mutex::new(Vec::<PathBuf>::new()));
        let (tx, shared) = (tx.clone(), std::sync::Arc::clone(&paths));
        std::thread::spawn(move || poll_loop(&tx, &shared));
        Backend::Poll(paths)
    }

    /// Adds watches for roots (and `--config`) not yet watched.
    fn cover(&mut self, roots: &[PathBuf], config: Option<&Path>) {
        let mut roots = roots.to_vec();
        roots.sort();
        roots.dedup();
        let mut want: Vec<(PathBuf, notify::RecursiveMode)> = Vec::new();
        for r in &roots {
            if !roots.iter().any(|o| o != r && r.starts_with(o)) {
                want.push((r.clone(), notify::RecursiveMode::Recursive));
            }
        }
        if let Some(c) = config {
            if !roots.iter().any(|r| c.starts_with(r)) {
                want.push((c.to_path_buf(), notify::RecursiveMode::NonRecursive));
            }
        }
        for (p, mode) in want {
            if self.watched.iter().any(|w| p.starts_with(w)) {
                continue;
            }
            if let Backend::Native(w) = &mut self.backend {
                if let Err(e) = w.watch(&p, mode) {
                    // Out of inotify watches, say: poll everything instead.
                    self.backend =
                        Self::poller(&self.tx, &format!("cannot watch {}: {e}", p.display()));
                }
            }
            if let Backend::Poll(paths) = &self.backend {
                lock(paths).push(p.clone());
            }
            self.watched.insert(p);
        }
        if let Backend::Poll(paths) = &self.backend {
            let mut v = lock(paths);
            v.clear();
            v.extend(self.watched.iter().cloned());
        }
    }
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// What the poller compares: size and modification time (to the nanosecond where the file
/// system keeps it) of every file it walks.
type Stamps = BTreeMap<PathBuf, (u64, Option<std::time::SystemTime>)>;

/// The polling watcher: every [`POLL`], walks the watched paths (`.gitignore` respected, `.git`
/// skipped: what the workspace walk could read, and the configuration) and sends the paths
/// whose size or time changed, appeared or went away. Ends when the receiver is gone.
fn poll_loop(tx: &Sender, paths: &std::sync::Mutex<Vec<PathBuf>>) {
    let mut before: Option<Stamps> = None;
    loop {
        let roots = lock(paths).clone();
        let mut now = Stamps::new();
        for r in &roots {
            let mut b = ignore::WalkBuilder::new(r);
            b.hidden(false)
                .require_git(false)
                .follow_links(false)
                .filter_entry(|e| e.file_name() != ".git");
            for e in b.build().flatten() {
                if let Ok(m) = e.metadata() {
                    if m.is_file() {
                        now.insert(e.into_path(), (m.len(), m.modified().ok()));
                    }
                }
            }
        }
        if let Some(old) = &before {
            let mut changed: Vec<PathBuf> = now
                .iter()
                .filter(|(p, s)| old.get(*p) != Some(s))
                .map(|(p, _)| p.clone())
                .collect();
            changed.extend(old.keys().filter(|p| !now.contains_key(*p)).cloned());
            if !changed.is_empty() {
                let mut ev = notify::Event::new(notify::EventKind::Any);
                ev.paths = changed;
                if tx.send(Ok(ev)).is_err() {
                    return;
                }
            }
        }
        before = Some(now);
        std::thread::sleep(POLL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(old: &[(&str, u32)], new: &[(&str, u32)]) -> Diff {
        diff(old, new, |x| *x, |x| x.0)
    }

    #[test]
    fn diff_pairs_exact_then_moved() {
        assert_eq!(d(&[], &[]), Diff::default());
        let r = d(&[("a", 1), ("b", 2)], &[("a", 1), ("c", 3)]);
        assert_eq!((r.added, r.removed, r.unchanged), (vec![1], vec![1], 1));
        // Lines added above: the same finding, moved.
        let r = d(&[("a", 1), ("b", 2)], &[("a", 5), ("b", 6)]);
        assert_eq!(r.moved, vec![(0, 0), (1, 1)]);
        assert!(r.added.is_empty() && r.removed.is_empty());
        // Duplicates pair one to one, in order.
        let r = d(&[("a", 1), ("a", 2)], &[("a", 2)]);
        assert_eq!((r.unchanged, r.removed.clone()), (1, vec![0]));
        let r = d(&[("a", 1)], &[("a", 1), ("a", 4), ("a", 7)]);
        assert_eq!((r.unchanged, r.added), (1, vec![1, 2]));
    }

    #[test]
    fn noise_and_config_paths() {
        for p in [
            "/w/.git/index",
            "/w/a.md~",
            "/w/.a.md.swp",
            "/w/.#a.md",
            "/w/#a.md#",
            "/w/4913",
            "/w/a.md.tmp",
        ] {
            assert!(is_noise(Path::new(p)), "{p}");
        }
        for p in ["/w/a.md", "/w/.gitignore", "/w/sub/.git", "/w/dep-ls.toml"] {
            assert!(!is_noise(Path::new(p)), "{p}");
        }
        assert!(is_config(Path::new("/w/dep-ls.toml"), None));
        assert!(is_config(Path::new("/w/x/.gitignore"), None));
        assert!(is_config(Path::new("/w/.claude/domain-profile.yaml"), None));
        assert!(!is_config(Path::new("/w/domain-profile.yaml"), None));
        assert!(is_config(
            Path::new("/c/cfg.toml"),
            Some(Path::new("/c/cfg.toml"))
        ));
        assert!(!is_config(Path::new("/w/a.md"), None));
    }
}

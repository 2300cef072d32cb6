//! Loading a workspace from disk: walking (respecting `.gitignore`, never following symlinks out
//! of the root), reading, parsing in parallel with the fast path, and indexing.

use crate::check::{self, Finding};
use crate::config::{Config, ConfigError};
use crate::index::{FileKeys, Index};
use crate::syntax::{self, ParsedDoc};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A Markdown file of the workspace.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Workspace-relative path with `/` separators.
    pub path: String,
    pub abs: PathBuf,
    /// The text as read (not copied into an `Arc<str>`: 40 MB on a large workspace).
    pub text: String,
}

/// A loaded, indexed workspace.
#[derive(Debug)]
pub struct Workspace {
    pub root: PathBuf,
    pub config: Config,
    pub config_errors: Vec<ConfigError>,
    /// Markdown files, sorted by path.
    pub files: Vec<SourceFile>,
    pub index: Index,
    /// Files skipped, with the reason (too large, not UTF-8, symlink out of the root…).
    pub notes: Vec<String>,
}

/// The result of walking a root.
#[derive(Debug, Default)]
pub struct Walk {
    /// Markdown files to read: (workspace-relative path, absolute path).
    pub markdown: Vec<(String, PathBuf)>,
    /// Every other file (link targets).
    pub other: Vec<String>,
    pub notes: Vec<String>,
}

fn globset(globs: &[String]) -> Option<GlobSet> {
    if globs.is_empty() {
        return None;
    }
    let mut b = GlobSetBuilder::new();
    for g in globs {
        if let Ok(g) = Glob::new(g) {
            b.add(g);
        }
    }
    b.build().ok()
}

/// Workspace-relative path with `/` separators.
pub fn rel_path(root: &Path, p: &Path) -> String {
    let rel = p.strip_prefix(root).unwrap_or(p);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Is this a Markdown file name?
pub fn is_markdown(path: &str) -> bool {
    let l = path.to_ascii_lowercase();
    l.ends_with(".md") || l.ends_with(".markdown")
}

/// Walks `root`: respects `.gitignore` (also outside git repositories), skips hidden folders,
/// does not follow symlinks that leave the root, applies include/exclude globs.
pub fn walk(root: &Path, config: &Config) -> Walk {
    match walk_bounded(root, config, usize::MAX) {
        Ok(w) | Err((w, _)) => w,
    }
}

/// What one walked path is.
enum Found {
    Markdown(String, PathBuf),
    Other(String),
    Note(String),
    Skip,
}

/// The walk's rules, shared by the sequential and the parallel walker.
struct Rules {
    root: PathBuf,
    canon_root: PathBuf,
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
}

impl Rules {
    fn new(root: &Path, config: &Config) -> Rules {
        Rules {
            root: root.to_path_buf(),
            canon_root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
            include: globset(&config.include),
            exclude: globset(&config.exclude),
        }
    }

    fn walker(&self) -> ignore::WalkBuilder {
        let mut b = ignore::WalkBuilder::new(&self.root);
        b.follow_links(false).require_git(false).hidden(true);
        b
    }

    fn classify(&self, item: Result<ignore::DirEntry, ignore::Error>) -> Found {
        let entry = match item {
            Ok(e) => e,
            Err(e) => return Found::Note(format!("skipped: {e}")),
        };
        let Some(ft) = entry.file_type() else {
            return Found::Skip;
        };
        let path = entry.path();
        let rel = rel_path(&self.root, path);
        if ft.is_symlink() {
            match path.canonicalize() {
                Ok(target) if target.starts_with(&self.canon_root) && target.is_file() => {}
                Ok(_) => {
                    return Found::Note(format!("{rel}: symlink not followed (it points outside the workspace or to a folder)"));
                }
                Err(e) => return Found::Note(format!("{rel}: broken symlink skipped ({e})")),
            }
        } else if !ft.is_file() {
            return Found::Skip;
        }
        if self.exclude.as_ref().is_some_and(|g| g.is_match(&rel)) {
            return Found::Skip;
        }
        let wanted = match &self.include {
            Some(g) => g.is_match(&rel),
            None => is_markdown(&rel),
        };
        if wanted {
            Found::Markdown(rel, path.to_path_buf())
        } else {
            Found::Other(rel)
        }
    }
}

/// Like [`walk`], but stops after looking at `limit` files and folders: `Err` with what was
/// found so far and the limit when the tree is larger (a home directory opened by mistake).
/// Walks with one thread per core; the result is sorted.
pub fn walk_bounded(root: &Path, config: &Config, limit: usize) -> Result<Walk, (Walk, usize)> {
    let markdown = std::sync::Mutex::new(Vec::new());
    let r = walk_with(root, config, limit, &|rel, abs| {
        lock(&markdown).push((rel, abs))
    });
    let mut md = markdown.into_inner().unwrap_or_else(|p| p.into_inner());
    md.sort();
    match r {
        Ok(w) => Ok(Walk { markdown: md, ..w }),
        Err((w, n)) => Err((Walk { markdown: md, ..w }, n)),
    }
}

/// Walks `root` with one thread per core, like [`walk`], handing every Markdown file to
/// `on_markdown(rel, abs)` as soon as it is found (on the walking thread). Returns the other
/// files and the notes; `markdown` stays empty.
pub fn walk_parallel(
    root: &Path,
    config: &Config,
    on_markdown: &(dyn Fn(String, PathBuf) + Sync),
) -> Walk {
    match walk_with(root, config, usize::MAX, on_markdown) {
        Ok(w) | Err((w, _)) => w,
    }
}

/// The parallel walk behind [`walk_bounded`] and [`walk_parallel`]: Markdown files go to
/// `on_markdown`, other files and notes into the result (sorted); `Err` once more than `limit`
/// files and folders were looked at.
fn walk_with(
    root: &Path,
    config: &Config,
    limit: usize,
    on_markdown: &(dyn Fn(String, PathBuf) + Sync),
) -> Result<Walk, (Walk, usize)> {
    let rules = Rules::new(root, config);
    let found = std::sync::Mutex::new(Walk::default());
    let seen = std::sync::atomic::AtomicUsize::new(0);
    let over = std::sync::atomic::AtomicBool::new(false);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    rules.walker().threads(threads).build_parallel().run(|| {
        let (rules, found, seen, over) = (&rules, &found, &seen, &over);
        Box::new(move |item| {
            use std::sync::atomic::Ordering::Relaxed;
            if seen.fetch_add(1, Relaxed) >= limit {
                over.store(true, Relaxed);
                return ignore::WalkState::Quit;
            }
            match rules.classify(item) {
                Found::Markdown(rel, abs) => on_markdown(rel, abs),
                Found::Other(rel) => lock(found).other.push(rel),
                Found::Note(n) => lock(found).notes.push(n),
                Found::Skip => {}
            }
            ignore::WalkState::Continue
        })
    });
    let mut out = found.into_inner().unwrap_or_else(|p| p.into_inner());
    out.other.sort();
    out.notes.sort();
    if over.into_inner() {
        Err((out, limit))
    } else {
        Ok(out)
    }
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Reads a file for indexing: `Err(reason)` when it is too large, not a regular file or not
/// UTF-8. Only regular files are opened (a FIFO or a device that replaced the file after the
/// walk would block or never end), and the read itself stops past `max` bytes (a file that
/// grew after its size was looked at).
pub fn read_source(abs: &Path, max: u64) -> Result<String, String> {
    use std::io::Read;
    let too_large = |len: u64| {
        format!(
            "skipped: {len} bytes is over the size limit of {max} bytes (max_file_size in dep-ls.toml)"
        )
    };
    let meta = std::fs::metadata(abs).map_err(|e| format!("cannot read ({e})"))?;
    if !meta.is_file() {
        return Err("skipped: not a regular file".into());
    }
    if meta.len() > max {
        return Err(too_large(meta.len()));
    }
    let file = std::fs::File::open(abs).map_err(|e| format!("cannot read ({e})"))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read ({e})"))?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "skipped: not valid UTF-8 (first invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

impl Workspace {
    /// Loads the workspace at `root` with its `dep-ls.toml` (or `config_path`).
    /// `progress(done, total)` is called as files are parsed (`total` is 0 while the walk is
    /// still finding files).
    pub fn load(
        root: &Path,
        config_path: Option<&Path>,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Workspace {
        let (config, config_errors) = Config::load(root, config_path);
        Self::load_with(root, config, config_errors, progress)
    }

    /// Loads with an already-read configuration.
    pub fn load_with(
        root: &Path,
        config: Config,
        config_errors: Vec<ConfigError>,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Workspace {
        // Walking, reading and parsing overlap: each walker thread parses the files it finds.
        type Parsed = Result<(SourceFile, ParsedDoc, FileKeys), String>;
        let parsed: std::sync::Mutex<Vec<Parsed>> = std::sync::Mutex::new(Vec::new());
        let done = std::sync::atomic::AtomicUsize::new(0);
        let w = walk_parallel(root, &config, &|rel, abs| {
            let r = read_source(&abs, config.max_file_size).map(|text| {
                let doc = syntax::parse_fast(&text, &config.prefixes);
                let keys = FileKeys::of(&doc);
                (
                    SourceFile {
                        path: rel.clone(),
                        abs,
                        text,
                    },
                    doc,
                    keys,
                )
            });
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if n.is_multiple_of(256) {
                // The total is not known while walking: say how many so far.
                progress(n, 0);
            }
            lock(&parsed).push(r.map_err(|why| format!("{rel}: {why}")));
        });
        let mut parsed = parsed.into_inner().unwrap_or_else(|p| p.into_inner());
        progress(parsed.len(), parsed.len());
        // Files in path order, whatever order the threads found them in.
        let key = |r: &Parsed| match r {
            Ok((f, _, _)) => f.path.clone(),
            Err(note) => note.clone(),
        };
        parsed.sort_by_cached_key(key);
        let mut index = Index::new();
        let mut files = Vec::with_capacity(parsed.len());
        let mut notes = w.notes;
        for p in &w.other {
            index.add_path(p);
        }
        let mut docs = Vec::with_capacity(parsed.len());
        for r in parsed {
            match r {
                Ok((f, doc, keys)) => {
                    docs.push((f.path.clone(), Arc::new(doc), keys));
                    files.push(f);
                }
                Err(note) => notes.push(note),
            }
        }
        index.update_many(docs);
        for note in &notes {
            tracing::info!("{note}");
        }
        Workspace {
            root: root.to_path_buf(),
            config,
            config_errors,
            files,
            index,
            notes,
        }
    }

    /// Every finding of the workspace, sorted by path and position.
    pub fn check(&self) -> Vec<Finding> {
        check::check_all(&self.index, &self.config)
    }
}

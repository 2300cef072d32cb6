//! **The one workspace model**: a root folder with its configuration, its ID index, the texts
//! of its Markdown files as read from disk, and the documents open in an editor (whose buffers
//! win over the files on disk). `dep-ls check`, `report` and `graph` load one from disk in one
//! bulk pass ([`Workspace::load`]); the server holds one per folder in a [`World`], indexes it
//! in batches and keeps it current file by file ([`overlay`]). Both front ends ask it the same
//! questions: [`Workspace::check`] (every finding), [`Workspace::diagnostics`] (one file's, with
//! per-entry caching for open documents), and the editor features (`ide`, which works on a workspace).
//!
//! - `walk.rs` — which files a workspace holds (`.gitignore`, nested workspaces, `include`).
//! - `findings.rs` — one file's findings and the plan-level ones, cached between keystrokes.
//! - `overlay.rs` — open, change, close; a file re-read from disk after a file event.
//! - `world.rs` — every workspace the server holds, editor settings, and which workspace a path
//!   belongs to.

mod findings;
pub mod overlay;
pub mod walk;
pub mod world;

pub use walk::{
    include_warnings, is_markdown, load_file, read_source, rel_path, walk, walk_bounded,
    walk_parallel, LoadedFile, Walk,
};
pub use world::{DocKey, World};

use crate::check::{self, Finding};
use crate::config::{Config, ConfigError};
use crate::document::Document;
use crate::index::{FileKeys, Index};
use crate::syntax::{self, ParsedDoc};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use walk::lock;

/// A Markdown file of the workspace as read from disk.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Workspace-relative path with `/` separators.
    pub path: String,
    pub abs: PathBuf,
    /// The text as read (not copied into an `Arc<str>`: 40 MB on a large workspace).
    pub text: String,
}

/// The texts of a workspace's Markdown files as read from disk, in path order.
#[derive(Debug, Default)]
pub struct Files(BTreeMap<String, SourceFile>);

impl Files {
    /// Every file, in path order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &SourceFile> + DoubleEndedIterator {
        self.0.values()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, rel: &str) -> Option<&SourceFile> {
        self.0.get(rel)
    }

    /// Adds or replaces a file.
    pub fn insert(&mut self, f: SourceFile) {
        self.0.insert(f.path.clone(), f);
    }

    pub fn remove(&mut self, rel: &str) -> Option<SourceFile> {
        self.0.remove(rel)
    }
}

/// A workspace: see the module documentation.
#[derive(Debug)]
pub struct Workspace {
    /// The root folder (empty for the server's folder of files opened outside every folder).
    pub root: PathBuf,
    pub config: Config,
    pub config_errors: Vec<ConfigError>,
    pub index: Index,
    /// Markdown files as read from disk (an open document's buffer wins over its file).
    pub files: Files,
    /// Documents open in the editor (workspace-relative path, or an `untitled:` URI).
    pub open: HashMap<String, Document>,
    /// Files skipped, with the reason (too large, not UTF-8, symlink out of the root…).
    pub notes: Vec<String>,
    /// Nested workspaces (marked folders below the root, [`crate::root`]), root-relative,
    /// with how many Markdown files each holds: not part of this workspace.
    pub nested: Vec<(String, usize)>,
    /// Findings kept between questions ([`findings`]).
    caches: findings::Caches,
}

impl Workspace {
    /// An empty workspace: nothing read, nothing indexed (the server fills it in batches).
    pub fn new(root: PathBuf, config: Config, config_errors: Vec<ConfigError>) -> Workspace {
        Workspace {
            root,
            config,
            config_errors,
            index: Index::new(),
            files: Files::default(),
            open: HashMap::new(),
            notes: Vec::new(),
            nested: Vec::new(),
            caches: findings::Caches::default(),
        }
    }

    /// Replaces the configuration (cached findings are dropped).
    pub fn set_config(&mut self, config: Config, errors: Vec<ConfigError>) {
        self.config = config;
        self.config_errors = errors;
        self.caches.config_changed();
    }

    /// The current text of a file: the open buffer, else the text read from disk.
    pub fn text(&self, rel: &str) -> Option<&str> {
        match self.open.get(rel) {
            Some(d) => Some(d.text()),
            None => self.files.get(rel).map(|f| f.text.as_str()),
        }
    }

    /// The text of a file as read from disk (not an open buffer's).
    pub fn disk_text(&self, rel: &str) -> Option<&str> {
        self.files.get(rel).map(|f| f.text.as_str())
    }

    /// Records the text of a file as read from disk.
    pub fn set_disk_text(&mut self, rel: &str, text: String) {
        self.files.insert(SourceFile {
            path: rel.to_string(),
            abs: self.root.join(rel),
            text,
        });
    }

    /// The parsed document of a file: the open buffer's, else the index's.
    pub fn parsed(&self, rel: &str) -> Option<Arc<ParsedDoc>> {
        match self.open.get(rel) {
            Some(d) => Some(Arc::clone(d.parsed())),
            None => self
                .index
                .file_id(rel)
                .and_then(|id| self.index.file(id))
                .map(|f| Arc::clone(&f.doc)),
        }
    }

    /// Loads the workspace at `root` with its `dep-ls.toml` (or `config_path`).
    /// `progress(done, total)` is called as files are parsed (`total` is 0 while the walk is
    /// still finding files).
    pub fn load(
        root: &Path,
        config_path: Option<&Path>,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Workspace {
        Self::load_reaching(root, config_path, &[], progress)
    }

    /// [`Workspace::load`], also walking the hidden folders on the way to (and inside) each
    /// root-relative path of `reach`: `dep-ls check .claude/skills/x` reads that folder in its
    /// workspace.
    pub fn load_reaching(
        root: &Path,
        config_path: Option<&Path>,
        reach: &[String],
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Workspace {
        let (config, config_errors) = Config::load(root, config_path);
        let prefixes = config.prefixes.clone();
        let parse = move |text: &str| syntax::parse_fast(text, &prefixes);
        let file = config_path
            .map(Path::to_path_buf)
            .unwrap_or_else(|| root.join(crate::config::CONFIG_FILE));
        let errors = (config_errors, file.as_path());
        Self::load_parsing(root, config, errors, progress, reach, &parse)
    }

    /// Loads with an already-read configuration.
    pub fn load_with(
        root: &Path,
        config: Config,
        config_errors: Vec<ConfigError>,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Workspace {
        let prefixes = config.prefixes.clone();
        let parse = move |text: &str| syntax::parse_fast(text, &prefixes);
        let file = root.join(crate::config::CONFIG_FILE);
        let errors = (config_errors, file.as_path());
        Self::load_parsing(root, config, errors, progress, &[], &parse)
    }

    /// [`Workspace::load_with`] with the parser as a parameter (tests give one that panics).
    fn load_parsing(
        root: &Path,
        config: Config,
        (mut config_errors, config_file): (Vec<ConfigError>, &Path),
        progress: &(dyn Fn(usize, usize) + Sync),
        reach: &[String],
        parse: &(dyn Fn(&str) -> ParsedDoc + Sync),
    ) -> Workspace {
        // Walking, reading and parsing overlap: each walker thread parses the files it finds.
        type Parsed = Result<(SourceFile, ParsedDoc, FileKeys), String>;
        let parsed: std::sync::Mutex<Vec<Parsed>> = std::sync::Mutex::new(Vec::new());
        let done = std::sync::atomic::AtomicUsize::new(0);
        let w = walk_parallel(root, &config, reach, &|rel, abs| {
            let r = load_file(&rel, &abs, config.max_file_size, parse).map(|(text, doc, keys)| {
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
            lock(&parsed).push(r);
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
        let mut files = Files::default();
        let mut notes = w.notes;
        for p in &w.other {
            index.add_path(p);
        }
        let mut docs = Vec::with_capacity(parsed.len());
        for r in parsed {
            match r {
                Ok((f, doc, keys)) => {
                    docs.push((f.path.clone(), Arc::new(doc), keys));
                    files.insert(f);
                }
                Err(note) => notes.push(note),
            }
        }
        index.update_many(docs);
        for note in &notes {
            tracing::info!("{note}");
        }
        config_errors.extend(include_warnings(config_file, &w.include_unmatched));
        let mut ws = Workspace::new(root.to_path_buf(), config, config_errors);
        ws.files = files;
        ws.index = index;
        ws.notes = notes;
        ws.nested = w.nested;
        ws
    }

    /// Every finding of the workspace, sorted by path and position.
    pub fn check(&self) -> Vec<Finding> {
        check::check_all(&self.index, &self.config)
    }
}

#[cfg(test)]
mod tests {
    use super::walk::tests::{panicky, tree};
    use super::*;

    /// A panic on a walker thread does not take the walk down: every other file is indexed.
    #[test]
    fn a_panic_while_parsing_does_not_stop_the_walk() {
        let mut files = vec![("bad.md".to_string(), "DEP-999: PANIC\n".to_string())];
        for i in 1..=40 {
            files.push((format!("d{}/f{i:02}.md", i % 4), format!("DEP-{i:03}: x\n")));
        }
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let root = tree("panic-walk", &refs);
        let ws = Workspace::load_parsing(
            &root,
            Config::default(),
            (Vec::new(), Path::new("dep-ls.toml")),
            &|_, _| {},
            &[],
            &panicky,
        );
        assert_eq!(ws.files.len(), 40, "{:?}", ws.notes);
        assert!(ws.index.is_defined("DEP-001") && ws.index.is_defined("DEP-040"));
        assert!(!ws.index.is_defined("DEP-999"));
        assert!(
            ws.notes
                .iter()
                .any(|n| n.starts_with("bad.md: ") && n.contains("internal error")),
            "{:?}",
            ws.notes
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}

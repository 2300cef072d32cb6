//! Every workspace the server holds, with the editor's settings, and which workspace (and
//! which workspace-relative path) an absolute path belongs to. No LSP types: the server turns
//! URIs into normalised paths ([`lexical`]) before it asks. Everything here is synchronous;
//! callers hold the world's lock only for the duration of one operation and never across an
//! `.await`.

use super::walk::{read_source, rel_path};
use super::Workspace;
use crate::config::Config;
use crate::document::Change;
use crate::syntax::parse_fast;
use crate::text::PositionEncoding;
use std::path::{Component, Path, PathBuf};

/// Most Markdown files indexed in one folder (a guard against indexing a home directory).
pub const MAX_FILES: usize = 50_000;

/// Most files and folders looked at before indexing a folder: a larger tree (a home directory,
/// a whole disk, a huge monorepo opened at its root) is not indexed at all, and the log says so.
pub const MAX_WALK: usize = 200_000;

/// All folders.
#[derive(Debug, Default)]
pub struct World {
    pub folders: Vec<Workspace>,
    /// Editor settings (the `dep-ls` section), applied under each folder's `dep-ls.toml`.
    pub settings: serde_json::Value,
}

/// Where a document lives.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DocKey {
    pub folder: PathBuf,
    pub rel: String,
}

/// Files to index: (relative path, absolute path).
pub type Pending = Vec<(String, PathBuf)>;

impl World {
    /// The effective configuration for a folder root.
    pub fn config_for(&self, root: &Path) -> (Config, Vec<crate::config::ConfigError>) {
        let mut base = Config::default();
        let errs = base.apply_settings(&self.settings);
        for e in errs {
            tracing::warn!("settings: {e}");
        }
        if root.as_os_str().is_empty() {
            return (base, Vec::new());
        }
        Config::load_over(base, root, None)
    }

    pub fn folder(&self, root: &Path) -> Option<&Workspace> {
        self.folders.iter().find(|f| f.root == root)
    }

    pub fn folder_mut(&mut self, root: &Path) -> Option<&mut Workspace> {
        self.folders.iter_mut().find(|f| f.root == root)
    }

    /// Adds a folder (empty index) unless it exists; returns whether it was added.
    pub fn add_folder(&mut self, root: PathBuf) -> bool {
        if self.folder(&root).is_some() {
            return false;
        }
        let (config, errors) = self.config_for(&root);
        for e in &errors {
            tracing::warn!("{e}");
        }
        self.folders.push(Workspace::new(root, config, errors));
        true
    }

    /// Where an untitled (unsaved, `untitled:`) document lives: in the first workspace folder,
    /// under its URI as its path (no file of a folder is named so; relative links resolve
    /// against the folder's root). Once open it stays in the folder it was opened in. `None`
    /// when there is no folder at all.
    pub fn untitled_key(&self, uri: &str) -> Option<DocKey> {
        let f = self
            .folders
            .iter()
            .find(|f| f.open.contains_key(uri))
            .or_else(|| self.folders.iter().find(|f| !f.root.as_os_str().is_empty()))
            .or_else(|| self.folders.first())?;
        Some(DocKey {
            folder: f.root.clone(),
            rel: uri.to_string(),
        })
    }

    /// The folder holding an absolute path (the deepest root that contains it). A path inside
    /// a nested workspace of that folder (see [`nested_root`]) belongs to no folder yet: the
    /// caller adopts the nested workspace for it.
    pub fn locate_path(&self, path: &Path) -> Option<DocKey> {
        // Only normalised paths ([`lexical`]): `/ws/../x` "starts with" `/ws` component-wise.
        if path.components().any(|c| matches!(c, Component::ParentDir)) {
            return None;
        }
        self.folders
            .iter()
            .filter(|f| !f.root.as_os_str().is_empty() && path.starts_with(&f.root))
            .max_by_key(|f| f.root.components().count())
            .filter(|f| nested_root(&f.root, path).is_none())
            .map(|f| DocKey {
                folder: f.root.clone(),
                rel: rel_path(&f.root, path),
            })
    }

    /// A watched-file event for a normalised absolute path: re-reads the file from disk (under
    /// its canonical path when a link inside the folder leads there; a link out of the folder
    /// is not followed). A path in no folder is ignored with a log line. Returns the folder.
    pub fn file_event(&mut self, path: &Path) -> Option<PathBuf> {
        let Some(key) = self.locate_path(path) else {
            tracing::info!(
                "{}: in no workspace folder; the file event is ignored",
                path.display()
            );
            return None;
        };
        let f = self.folder_mut(&key.folder)?;
        f.reload(&key.rel);
        if let OnDisk::Inside(real) = on_disk(&f.root, path) {
            if real != key.rel {
                f.reload(&real);
            }
        }
        Some(key.folder)
    }

    /// Opens a document (see [`Workspace::open_doc`]).
    pub fn open(&mut self, key: &DocKey, text: String, version: i32) -> Option<u64> {
        self.folder_mut(&key.folder)?
            .open_doc(&key.rel, text, version)
    }

    /// Applies changes to an open document (see [`Workspace::change_doc`]).
    pub fn change(
        &mut self,
        key: &DocKey,
        version: i32,
        changes: &[Change],
        enc: PositionEncoding,
    ) -> bool {
        self.folder_mut(&key.folder)
            .is_some_and(|f| f.change_doc(&key.rel, version, changes, enc))
    }

    /// Closes a document (see [`Workspace::close_doc`]).
    pub fn close(&mut self, key: &DocKey) {
        if let Some(f) = self.folder_mut(&key.folder) {
            f.close_doc(&key.rel);
        }
    }
}

/// A path with `.` and `..` resolved lexically (`/..` stays `/`); `None` for a relative path.
/// Every URI becomes a path through this (after percent-decoding, so `%2E%2E` is `..` too):
/// `Path::starts_with` compares components, and `/ws/../outside/x.md` starts with `/ws`.
pub fn lexical(path: &Path) -> Option<PathBuf> {
    if !path.is_absolute() {
        return None;
    }
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => out.push(c.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(n) => out.push(n),
        }
    }
    Some(out)
}

/// Where a path below a folder's root is on disk, links resolved.
#[derive(Debug, PartialEq, Eq)]
pub enum OnDisk {
    /// Inside the root, at this relative path (differs from the path asked for when a link
    /// leads there).
    Inside(String),
    /// Nothing there (or it cannot be resolved).
    Missing,
    /// Outside the root (through a link).
    Outside(PathBuf),
}

/// Resolves `abs` (a path below `root`) on disk: its canonical form, checked against the
/// root's canonical form.
pub fn on_disk(root: &Path, abs: &Path) -> OnDisk {
    let Ok(canon) = std::fs::canonicalize(abs) else {
        return OnDisk::Missing;
    };
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    if canon.starts_with(&root) {
        OnDisk::Inside(rel_path(&root, &canon))
    } else {
        OnDisk::Outside(canon)
    }
}

/// Walks a folder: the Markdown files to index (capped at [`MAX_FILES`]) and the other files.
/// A tree of more than [`MAX_WALK`] entries is not walked. Files inside nested workspaces
/// (marked folders below the root, [`crate::root`]) are not indexed here — they belong
/// to the nested workspace, adopted when one of its files is opened — but stay known as paths
/// (link targets).
pub fn plan_indexing(root: &Path, config: &Config) -> (Pending, Vec<String>, Vec<String>) {
    let w = match super::walk::walk_bounded(root, config, MAX_WALK) {
        Ok(w) => w,
        Err((_, n)) => {
            let note = format!(
                "{}: not indexed — more than {n} files and folders (is this the right workspace folder? open the folder holding dep-ls.toml, or add a dep-ls.toml to the PRD's folder)",
                root.display(),
                n = crate::human::thousands(n)
            );
            tracing::warn!("{note}");
            return (Vec::new(), Vec::new(), vec![note]);
        }
    };
    let mut notes = w.notes;
    let other = w.other;
    let mut md: Pending = w.markdown;
    if !w.nested.is_empty() {
        let list: Vec<String> = w.nested.iter().map(|(d, n)| format!("{d} ({n})")).collect();
        notes.push(format!(
            "{}: Markdown files in nested workspaces (folders below it holding a dep-ls.toml, .claude/domain-profile.yaml or .git, or a second SoT/) are left to those workspaces: {}",
            root.display(),
            list.join(", ")
        ));
    }
    let file = root.join(crate::config::CONFIG_FILE);
    // A warning, like the configuration's problems (logged as such).
    for e in super::walk::include_warnings(&file, &w.include_unmatched) {
        notes.push(format!("warning: {e}"));
    }
    if md.len() > MAX_FILES {
        notes.push(format!(
            "{}: {} Markdown files found; only the first {MAX_FILES} are indexed (is this the right workspace folder?)",
            root.display(),
            md.len()
        ));
        md.truncate(MAX_FILES);
    }
    (md, other, notes)
}

/// The outermost folder strictly between `root` and `path` that marks a workspace of its own
/// ([`crate::root`]): a PRD in a subfolder of a repository opened at its root, a test fixture
/// of the methodology.
pub fn nested_root(root: &Path, path: &Path) -> Option<PathBuf> {
    crate::root::nested_in(root, path)
}

/// Reads and parses files (in parallel); unreadable ones come back as notes.
/// A file read and parsed for the index: (relative path, text, parsed document).
/// A file read and parsed for indexing, with what it contributes to the index.
pub type ParsedFile = (
    String,
    String,
    crate::syntax::ParsedDoc,
    crate::index::FileKeys,
);

pub fn parse_files(
    batch: &[(String, PathBuf)],
    config: &Config,
) -> Vec<Result<ParsedFile, String>> {
    use rayon::prelude::*;
    batch
        .par_iter()
        .map(|(rel, abs)| {
            let text = read_source(abs, config.max_file_size).map_err(|w| format!("{rel}: {w}"))?;
            let doc = parse_guarded(rel, &text, config);
            let keys = crate::index::FileKeys::of(&doc);
            Ok((rel.clone(), text, doc, keys))
        })
        .collect()
}

/// Parses one file read from disk. A panic (a bug) is contained at the file: the file is
/// indexed as a document that failed ([`crate::syntax::ParsedDoc::failed`], one
/// `internal-error` finding on it, as `dep-ls check` reports it) and every other file of its
/// batch is indexed. `parse_fast` contains its own panics; this also covers the test hook.
pub fn parse_guarded(rel: &str, text: &str, config: &Config) -> crate::syntax::ParsedDoc {
    let doc = crate::guard::catch(|| {
        if crate::guard::test_panic_indexing(rel) {
            panic!("DEP_LS_TEST_PANIC_ON: index:{rel}");
        }
        parse_fast(text, &config.prefixes)
    })
    .unwrap_or_else(crate::syntax::ParsedDoc::failed);
    if doc.internal_error.is_some() {
        tracing::error!(
            "{rel}: {} (a panic while parsing it; the file shows an internal-error finding)",
            crate::guard::INTERNAL_ERROR
        );
    }
    doc
}

/// Finds the workspace of a file opened outside every workspace folder, by the engine's one
/// rule ([`crate::root::discover_as_is`]): the nearest folder holding `dep-ls.toml`,
/// `.claude/domain-profile.yaml`, a `SoT/` folder or `.git`, but never the home directory or
/// `/` (then the file's own folder).
pub fn discover_root(file: &Path) -> PathBuf {
    crate::root::discover_as_is(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(name: &str, files: &[&str]) -> PathBuf {
        let root = std::env::temp_dir().join(format!("dep-ls-state-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for f in files {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(&p, "DEP-001: x\n").expect("write");
        }
        root
    }

    /// Regression (issue 13, defect 7): `..` is resolved before a path is compared with a
    /// root (`Path::starts_with` compares components: `/ws/../x` starts with `/ws`). (Unix
    /// shapes: `/ws` is not absolute on Windows; `windows_paths_are_located` is its twin.)
    #[cfg(unix)]
    #[test]
    fn dot_dot_paths_are_resolved_before_they_are_located() {
        let l = |p: &str| lexical(Path::new(p)).map(|p| p.display().to_string());
        assert_eq!(l("/ws/../outside/x.md").as_deref(), Some("/outside/x.md"));
        assert_eq!(l("/ws/./a/../b.md").as_deref(), Some("/ws/b.md"));
        assert_eq!(l("/../../etc/passwd").as_deref(), Some("/etc/passwd"));
        assert_eq!(l("/ws//a.md").as_deref(), Some("/ws/a.md"));
        assert_eq!(l("ws/a.md"), None);
        let mut w = World::default();
        w.folders.push(Workspace::new(
            PathBuf::from("/ws"),
            Config::default(),
            Vec::new(),
        ));
        assert!(w.locate_path(Path::new("/ws/../outside/x.md")).is_none());
        // (`Path::components` drops an inner `.` itself.)
        assert_eq!(
            w.locate_path(Path::new("/ws/./a.md")).map(|k| k.rel),
            Some("a.md".to_string())
        );
        assert_eq!(
            w.locate_path(Path::new("/ws/a.md")).map(|k| k.rel),
            Some("a.md".to_string())
        );
    }

    /// The Windows shapes of [`lexical`] and [`World::locate_path`]: a drive letter in either
    /// case (VS Code sends `c:`, Windows and the command line say `C:`), `/` and `\`
    /// separators, UNC roots; `..` resolved before the root is compared.
    #[cfg(windows)]
    #[test]
    fn windows_paths_are_located() {
        let l = |p: &str| lexical(Path::new(p)).map(|p| p.display().to_string());
        assert_eq!(
            l(r"c:\ws\..\outside\x.md").as_deref(),
            Some(r"c:\outside\x.md")
        );
        assert_eq!(l(r"C:\ws/./a/../b.md").as_deref(), Some(r"C:\ws\b.md"));
        assert_eq!(l(r"C:\..\..\x.md").as_deref(), Some(r"C:\x.md"));
        assert_eq!(
            l(r"\\server\share\ws\..\x.md").as_deref(),
            Some(r"\\server\share\x.md")
        );
        assert_eq!(l(r"ws\a.md"), None);
        assert_eq!(l(r"\ws\a.md"), None);
        assert_eq!(l("C:ws"), None);
        let mut w = World::default();
        for root in [r"C:\Users\x\ws", r"\\server\share\ws"] {
            w.folders.push(Workspace::new(
                PathBuf::from(root),
                Config::default(),
                Vec::new(),
            ));
        }
        let rel = |p: &str| {
            w.locate_path(&lexical(Path::new(p))?)
                .map(|k| (k.folder.display().to_string(), k.rel))
        };
        let ws = Some((r"C:\Users\x\ws".to_string(), "docs/plan.md".to_string()));
        assert_eq!(rel(r"C:\Users\x\ws\docs\plan.md"), ws);
        assert_eq!(rel(r"c:\Users\x\ws\docs\plan.md"), ws);
        assert_eq!(rel(r"c:/Users/x/ws/docs/plan.md"), ws);
        assert_eq!(rel(r"C:\Users\x\ws\docs/sub\..\plan.md"), ws);
        assert_eq!(rel(r"C:\Users\x\ws\..\outside\x.md"), None);
        assert_eq!(rel(r"C:\Users\x\ws2\x.md"), None);
        assert_eq!(rel(r"D:\Users\x\ws\x.md"), None);
        assert_eq!(
            rel(r"\\server\share\ws\plan.md"),
            Some((r"\\server\share\ws".to_string(), "plan.md".to_string()))
        );
    }

    /// Links are resolved against the root: out of the folder, to a file of the folder.
    #[cfg(unix)]
    #[test]
    fn files_on_disk_are_resolved_against_the_root() {
        let base = tree("ondisk", &["ws/a.md", "outside/x.md"]);
        let ws = base.join("ws");
        std::os::unix::fs::symlink(base.join("outside/x.md"), ws.join("out.md")).expect("link");
        std::os::unix::fs::symlink(ws.join("a.md"), ws.join("alias.md")).expect("link");
        assert_eq!(
            on_disk(&ws, &ws.join("a.md")),
            OnDisk::Inside("a.md".into())
        );
        assert_eq!(
            on_disk(&ws, &ws.join("alias.md")),
            OnDisk::Inside("a.md".into())
        );
        assert!(matches!(
            on_disk(&ws, &ws.join("out.md")),
            OnDisk::Outside(_)
        ));
        assert_eq!(on_disk(&ws, &ws.join("gone.md")), OnDisk::Missing);
        let _ = std::fs::remove_dir_all(&base);
    }

    #[test]
    fn the_walk_is_bounded() {
        let root = tree("bound", &["a.md", "b.md", "c/d.md", "c/e.md"]);
        // root, a.md, b.md, c, c/d.md, c/e.md: six entries.
        let c = Config::default();
        assert!(matches!(
            crate::workspace::walk_bounded(&root, &c, 3),
            Err((_, 3))
        ));
        let w = crate::workspace::walk_bounded(&root, &c, 6).expect("six entries fit");
        assert_eq!(w.markdown.len(), 4);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn nested_workspaces_are_left_out_of_the_outer_one() {
        let root = tree(
            "nested",
            &[
                "README.md",
                "team/prd/dep-ls.toml",
                "team/prd/SoT/SoT.API.md",
                "team/notes.md",
            ],
        );
        let prd = root.join("team/prd");
        assert_eq!(
            nested_root(&root, &prd.join("SoT/SoT.API.md")),
            Some(prd.clone())
        );
        assert_eq!(nested_root(&root, &root.join("team/notes.md")), None);
        assert_eq!(nested_root(&prd, &prd.join("SoT/SoT.API.md")), None);
        let (md, other, notes) = plan_indexing(&root, &Config::default());
        let md: Vec<&str> = md.iter().map(|(r, _)| r.as_str()).collect();
        assert_eq!(md, ["README.md", "team/notes.md"]);
        assert!(
            other.iter().any(|o| o == "team/prd/SoT/SoT.API.md"),
            "{other:?}"
        );
        assert!(
            notes.iter().any(|n| n.contains("team/prd (1)")),
            "{notes:?}"
        );

        let mut w = World::default();
        w.add_folder(root.clone());
        assert!(w.locate_path(&prd.join("SoT/SoT.API.md")).is_none());
        w.add_folder(prd.clone());
        let k = w
            .locate_path(&prd.join("SoT/SoT.API.md"))
            .expect("in the PRD");
        assert_eq!((k.folder, k.rel.as_str()), (prd, "SoT/SoT.API.md"));
        let _ = std::fs::remove_dir_all(&root);
    }

    /// The server walks by the engine's rules: a second `SoT/` below the root is a nested
    /// workspace, `include` reaches the hidden folder it names, and a glob matching nothing
    /// is a warning.
    #[test]
    fn the_server_walk_follows_the_root_rule_and_include() {
        let root = tree(
            "rule",
            &[
                "SoT/a.md",
                "fixtures/h/SoT/b.md",
                ".claude/skills/s.md",
                "x.md",
            ],
        );
        let config = Config {
            include: vec![
                ".claude/**/*.md".into(),
                "**/SoT/*.md".into(),
                "none/*.md".into(),
            ],
            ..Config::default()
        };
        let (md, other, notes) = plan_indexing(&root, &config);
        let md: Vec<&str> = md.iter().map(|(r, _)| r.as_str()).collect();
        assert_eq!(md, [".claude/skills/s.md", "SoT/a.md"]);
        assert!(
            other.iter().any(|o| o == "fixtures/h/SoT/b.md") && other.iter().any(|o| o == "x.md"),
            "{other:?}"
        );
        assert!(
            notes.iter().any(|n| n.contains("fixtures/h (1)")),
            "{notes:?}"
        );
        assert!(
            notes
                .iter()
                .any(|n| n.starts_with("warning: ") && n.contains("`none/*.md` matches no file")),
            "{notes:?}"
        );
        assert!(!notes
            .iter()
            .any(|n| n.contains("`.claude/**/*.md` matches")));
        let _ = std::fs::remove_dir_all(&root);
    }
}

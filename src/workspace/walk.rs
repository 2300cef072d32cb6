//! Walking a workspace folder (respecting `.gitignore`, never following symlinks out of the root,
//! setting nested workspaces aside, reaching the hidden folders `include` names) and reading its
//! Markdown files: the one walk `check` and the server both use.

use crate::config::{Config, ConfigError};
use crate::index::FileKeys;
use crate::syntax::ParsedDoc;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};

/// The result of walking a root.
#[derive(Debug, Default)]
pub struct Walk {
    /// Markdown files to read: (workspace-relative path, absolute path).
    pub markdown: Vec<(String, PathBuf)>,
    /// Every other file (link targets), files of nested workspaces included.
    pub other: Vec<String>,
    pub notes: Vec<String>,
    /// The outermost nested workspaces below the root ([`crate::root::Nested`]),
    /// root-relative, sorted, with how many Markdown files each holds.
    pub nested: Vec<(String, usize)>,
    /// `include` globs that matched no file read (boxed: a [`walk_bounded`] error carries a
    /// whole walk).
    pub include_unmatched: Box<[String]>,
}

/// Compiled include or exclude globs. Each glob is compiled on its own first, so one that does
/// not compile is reported by name and the others still apply (a failed build of the whole set
/// once dropped every exclude, and `--fix` rewrote excluded files).
struct Globs {
    /// One set of every glob, or one set per glob when they do not compile together.
    sets: Vec<GlobSet>,
}

impl Globs {
    /// `None` for an empty list; the errors name each glob that cannot be used.
    fn new(what: &str, globs: &[String]) -> (Option<Globs>, Vec<String>) {
        if globs.is_empty() {
            return (None, Vec::new());
        }
        let mut errors = Vec::new();
        let mut ok = Vec::new();
        for g in globs {
            match crate::config::compile_glob(g) {
                Ok(_) => ok.push(g.as_str()),
                Err(e) => errors.push(format!(
                    "{what} glob `{}` cannot be used ({e}); the other globs apply",
                    crate::config::short_glob(g)
                )),
            }
        }
        let mut b = GlobSetBuilder::new();
        for g in &ok {
            if let Ok(g) = Glob::new(g) {
                b.add(g);
            }
        }
        let sets = match b.build() {
            Ok(set) => vec![set],
            // Each compiles alone, not all together (size limits): match them one by one.
            Err(_) => ok
                .iter()
                .filter_map(|g| crate::config::compile_glob(g).ok())
                .collect(),
        };
        (Some(Globs { sets }), errors)
    }

    fn is_match(&self, path: &str) -> bool {
        self.sets.iter().any(|s| s.is_match(path))
    }

    /// Calls `hit(i)` for each glob (by its place among the globs that compiled) matching
    /// `path`.
    fn each_match(&self, path: &str, mut hit: impl FnMut(usize)) {
        match self.sets.as_slice() {
            [one] => one.matches(path).into_iter().for_each(hit),
            many => {
                for (i, s) in many.iter().enumerate() {
                    if s.is_match(path) {
                        hit(i);
                    }
                }
            }
        }
    }
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
    /// A symlink to a file inside the root: known as a path, not read; with its note.
    Alias(String, String),
    /// A file of a nested workspace (root-relative): known as a path, not read; with the
    /// nested workspace's root and whether the file is Markdown.
    Nested(String, String, bool),
    Note(String),
    Skip,
}

/// The walk's rules, shared by the sequential and the parallel walker.
struct Rules {
    root: PathBuf,
    canon_root: PathBuf,
    include: Option<Globs>,
    /// The `include` globs that compiled (in [`Globs::each_match`]'s order), and how many files
    /// each matched.
    include_names: Vec<String>,
    include_hits: Vec<std::sync::atomic::AtomicUsize>,
    exclude: Option<Globs>,
    /// Hidden folders (and files) walked into: those named by an `include` glob (a segment
    /// `.claude` of `.claude/**/*.md`), and those on the way to a target given inside one
    /// (`reach`); `.git` never.
    hidden_named: Vec<String>,
    reach: Vec<String>,
}

impl Rules {
    /// The rules and the notes about globs that cannot be used.
    fn new(root: &Path, config: &Config, reach: &[String]) -> (Rules, Vec<String>) {
        let (include, mut notes) = Globs::new("include", &config.include);
        let (exclude, more) = Globs::new("exclude", &config.exclude);
        notes.extend(more);
        let include_names: Vec<String> = config
            .include
            .iter()
            .filter(|g| crate::config::compile_glob(g).is_ok())
            .cloned()
            .collect();
        let mut hidden_named: Vec<String> = include_names
            .iter()
            .flat_map(|g| g.split('/'))
            .filter(|seg| hidden_name(seg))
            .filter(|seg| !seg.contains(['*', '?', '[', '{']))
            .map(str::to_string)
            .collect();
        hidden_named.sort();
        hidden_named.dedup();
        let rules = Rules {
            root: root.to_path_buf(),
            canon_root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
            include,
            include_hits: include_names
                .iter()
                .map(|_| std::sync::atomic::AtomicUsize::new(0))
                .collect(),
            include_names,
            exclude,
            hidden_named,
            reach: reach.iter().filter(|r| !r.is_empty()).cloned().collect(),
        };
        (rules, notes)
    }

    fn walker(&self) -> ignore::WalkBuilder {
        let mut b = ignore::WalkBuilder::new(&self.root);
        b.follow_links(false).require_git(false);
        if self.hidden_named.is_empty() && self.reach.is_empty() {
            b.hidden(true);
        } else {
            b.hidden(false);
            let named = self.hidden_named.clone();
            let reach = self.reach.clone();
            let root = self.root.clone();
            b.filter_entry(move |e| {
                if e.depth() == 0 {
                    return true;
                }
                let name = e.file_name().to_string_lossy();
                if !hidden_name(&name) {
                    return true;
                }
                if name == ".git" {
                    return false;
                }
                if named.iter().any(|n| *n == name) {
                    return true;
                }
                // On the way to a target, or inside it.
                let rel = rel_path(&root, e.path());
                reach
                    .iter()
                    .any(|r| crate::root::is_within(r, &rel) || crate::root::is_within(&rel, r))
            });
        }
        b
    }

    /// Counts a file read for the `include` globs that match it.
    fn count_include(&self, rel: &str) {
        if let Some(g) = &self.include {
            g.each_match(rel, |i| {
                if let Some(n) = self.include_hits.get(i) {
                    n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    }

    /// The `include` globs that matched no file read.
    fn include_unmatched(&self) -> Vec<String> {
        self.include_names
            .iter()
            .zip(&self.include_hits)
            .filter(|(_, n)| n.load(std::sync::atomic::Ordering::Relaxed) == 0)
            .map(|(g, _)| g.clone())
            .collect()
    }

    fn classify(
        &self,
        item: Result<ignore::DirEntry, ignore::Error>,
        nested: &mut crate::root::Nested,
    ) -> Found {
        let entry = match item {
            Ok(e) => e,
            Err(e) => return Found::Note(format!("skipped: {e}")),
        };
        let Some(ft) = entry.file_type() else {
            return Found::Skip;
        };
        let path = entry.path();
        let rel = rel_path(&self.root, path);
        // A symlink to a file inside the root: that file is read under its own path (once),
        // never under the link's (the same definitions twice: false duplicate-ids). The link
        // stays known as a path (a link target).
        let mut alias_of = None;
        if ft.is_symlink() {
            match path.canonicalize() {
                Ok(target) if target.starts_with(&self.canon_root) && target.is_file() => {
                    alias_of = Some(rel_path(&self.canon_root, &target));
                }
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
        // A file of a nested workspace is that workspace's.
        if let Some(n) = nested.of_file(path) {
            return Found::Nested(rel, rel_path(&self.root, &n), wanted && alias_of.is_none());
        }
        match alias_of {
            Some(to) if wanted => {
                let note = format!("{rel}: symlink not followed (it points to {to}, which is read under its own path)");
                Found::Alias(rel, note)
            }
            _ if wanted => {
                self.count_include(&rel);
                Found::Markdown(rel, path.to_path_buf())
            }
            _ => Found::Other(rel),
        }
    }
}

/// Like [`walk`], but stops after looking at `limit` files and folders: `Err` with what was
/// found so far and the limit when the tree is larger (a home directory opened by mistake).
/// Walks with one thread per core; the result is sorted.
pub fn walk_bounded(root: &Path, config: &Config, limit: usize) -> Result<Walk, (Walk, usize)> {
    let markdown = std::sync::Mutex::new(Vec::new());
    let r = walk_with(root, config, &[], limit, &|rel, abs| {
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
    reach: &[String],
    on_markdown: &(dyn Fn(String, PathBuf) + Sync),
) -> Walk {
    match walk_with(root, config, reach, usize::MAX, on_markdown) {
        Ok(w) | Err((w, _)) => w,
    }
}

/// The parallel walk behind [`walk_bounded`] and [`walk_parallel`]: Markdown files go to
/// `on_markdown`, other files and notes into the result (sorted); `Err` once more than `limit`
/// files and folders were looked at.
fn walk_with(
    root: &Path,
    config: &Config,
    reach: &[String],
    limit: usize,
    on_markdown: &(dyn Fn(String, PathBuf) + Sync),
) -> Result<Walk, (Walk, usize)> {
    let (rules, glob_notes) = Rules::new(root, config, reach);
    let nested_found: std::sync::Mutex<std::collections::BTreeMap<String, usize>> =
        Default::default();
    let found = std::sync::Mutex::new(Walk {
        notes: glob_notes,
        ..Walk::default()
    });
    let seen = std::sync::atomic::AtomicUsize::new(0);
    let over = std::sync::atomic::AtomicBool::new(false);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    rules.walker().threads(threads).build_parallel().run(|| {
        let (rules, found, seen, over) = (&rules, &found, &seen, &over);
        let nested_found = &nested_found;
        // One cache per walking thread: no lock per file.
        let mut nested = crate::root::Nested::new(root);
        Box::new(move |item| {
            use std::sync::atomic::Ordering::Relaxed;
            if seen.fetch_add(1, Relaxed) >= limit {
                over.store(true, Relaxed);
                return ignore::WalkState::Quit;
            }
            match rules.classify(item, &mut nested) {
                Found::Markdown(rel, abs) => on_markdown(rel, abs),
                Found::Other(rel) => lock(found).other.push(rel),
                Found::Nested(rel, n, md) => {
                    *lock(nested_found).entry(n).or_default() += usize::from(md);
                    lock(found).other.push(rel);
                }
                Found::Alias(rel, n) => {
                    let mut f = lock(found);
                    f.other.push(rel);
                    f.notes.push(n);
                }
                Found::Note(n) => lock(found).notes.push(n),
                Found::Skip => {}
            }
            ignore::WalkState::Continue
        })
    });
    let mut out = found.into_inner().unwrap_or_else(|p| p.into_inner());
    out.other.sort();
    out.notes.sort();
    out.nested = nested_found
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .collect();
    out.include_unmatched = rules.include_unmatched().into_boxed_slice();
    if over.into_inner() {
        Err((out, limit))
    } else {
        Ok(out)
    }
}

/// A hidden file or folder name (`.claude`; not `.` or `..`).
fn hidden_name(name: &str) -> bool {
    name.len() > 1 && name.starts_with('.') && name != ".."
}

pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Reads a file for indexing: `Err(reason)` when it is too large, not a regular file or not
/// UTF-8, through [`crate::fsread`]: only regular files are opened (a FIFO or a device that
/// replaced the file after the walk would block or never end), and the read itself stops past
/// `max` bytes (a file that grew after its size was looked at).
pub fn read_source(abs: &Path, max: u64) -> Result<String, String> {
    use crate::fsread::ReadError;
    crate::fsread::read_text(abs, max).map_err(|e| match e {
        ReadError::NotFound(_) | ReadError::Io(_) => e.to_string(),
        ReadError::TooLarge { .. } => {
            format!("skipped: {e} (max_file_size in dep-ls.toml)")
        }
        _ => format!("skipped: {e}"),
    })
}

/// A warning for each `include` glob that matched no file read (`include` is read only from
/// `dep-ls.toml`): a glob that reads nothing is almost always a mistake, and a silent one.
pub fn include_warnings(config_file: &Path, unmatched: &[String]) -> Vec<ConfigError> {
    let path = config_file.to_path_buf();
    let src = crate::config::read_config_file(&path).ok();
    unmatched
        .iter()
        .map(|g| {
            let hidden = g.split('/').any(|seg| {
                hidden_name(seg) && seg.contains(['*', '?', '[', '{'])
            });
            ConfigError {
                path: path.clone(),
                line: src.as_deref().and_then(|s| {
                    s.lines()
                        .position(|l| l.contains(g.as_str()))
                        .map(|i| i + 1)
                }),
                message: format!(
                    "include glob `{}` matches no file, so nothing is read through it{}",
                    crate::config::short_glob(g),
                    if hidden {
                        " (a hidden folder is walked only when a glob names it literally, e.g. `.claude/**/*.md`)"
                    } else {
                        ""
                    }
                ),
            }
        })
        .collect()
}

/// What one Markdown file gives the index.
pub type LoadedFile = (String, ParsedDoc, FileKeys);

/// Reads and parses one file (on a walker thread): `Err(note)` when it cannot be read, and
/// also when `parse` (or the index keys) panics, so that one file can never take the walk
/// down: the other files are still indexed, and the note asks for a report.
pub fn load_file(
    rel: &str,
    abs: &Path,
    max: u64,
    parse: &(dyn Fn(&str) -> ParsedDoc + Sync),
) -> Result<LoadedFile, String> {
    let text = read_source(abs, max).map_err(|why| format!("{rel}: {why}"))?;
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let doc = parse(&text);
        let keys = FileKeys::of(&doc);
        (doc, keys)
    }));
    match parsed {
        Ok((doc, keys)) => Ok((text, doc, keys)),
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            tracing::error!("{rel}: internal error while parsing: {what}");
            Err(format!(
                "{rel}: skipped: internal error while parsing this file, please report it ({what})"
            ))
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Workspace-relative paths always have `/` separators. On Windows `\` and `/` both
    /// separate (and the drive letter's case does not matter); elsewhere a `\` is a character
    /// of a file name and stays.
    #[test]
    fn relative_paths_have_slash_separators() {
        #[cfg(unix)]
        {
            let r = |p: &str| rel_path(Path::new("/ws"), Path::new(p));
            assert_eq!(r("/ws/docs/plan.md"), "docs/plan.md");
            assert_eq!(r("/ws/docs//sub/./plan.md"), "docs/sub/plan.md");
            assert_eq!(r(r"/ws/docs\plan.md"), r"docs\plan.md");
            assert_eq!(r("/ws"), "");
        }
        #[cfg(windows)]
        {
            let r = |root: &str, p: &str| rel_path(Path::new(root), Path::new(p));
            assert_eq!(r(r"C:\ws", r"C:\ws\docs\plan.md"), "docs/plan.md");
            assert_eq!(r(r"C:\ws", r"c:\ws\docs\plan.md"), "docs/plan.md");
            assert_eq!(r(r"c:\ws", r"C:\ws\docs/sub\plan.md"), "docs/sub/plan.md");
            assert_eq!(r("C:/ws", r"C:\ws\docs\plan.md"), "docs/plan.md");
            assert_eq!(
                r(r"\\server\share\ws", r"\\server\share\ws\a\b.md"),
                "a/b.md"
            );
            assert_eq!(r(r"C:\ws", r"C:\ws"), "");
        }
    }

    pub(crate) fn tree(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let root = std::env::temp_dir().join(format!("dep-ls-ws-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (f, text) in files {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(&p, text).expect("write");
        }
        root
    }

    /// The parser used by the tests below: panics on a file that says so.
    pub(crate) fn panicky(text: &str) -> ParsedDoc {
        if text.contains("PANIC") {
            panic!("a parser bug on this file");
        }
        crate::syntax::parse_fast(text, &crate::syntax::Prefixes::default())
    }

    #[test]
    fn a_panic_while_parsing_one_file_is_a_note_on_that_file() {
        let root = tree("panic-one", &[("bad.md", "DEP-001: PANIC\n")]);
        let r = load_file("bad.md", &root.join("bad.md"), 1000, &panicky);
        let note = r.expect_err("the panic is caught");
        assert!(note.starts_with("bad.md: "), "{note}");
        assert!(note.contains("internal error"), "{note}");
        assert!(note.contains("a parser bug on this file"), "{note}");
        let _ = std::fs::remove_dir_all(&root);
    }

    /// Defect 9: the globs compile one by one; a glob that does not compile is named and the
    /// others still apply, also when they only fail to compile *together*.
    #[test]
    fn defect9_one_bad_glob_does_not_drop_the_others() {
        let huge = "?".repeat(300_000);
        let (g, errors) = Globs::new("exclude", &["drafts/**".to_string(), huge]);
        let g = g.expect("globs");
        assert!(g.is_match("drafts/plan.md"));
        assert!(!g.is_match("plan.md"));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("exclude glob `???"), "{}", errors[0]);
        assert!(
            errors[0].len() < 400,
            "the glob is shortened: {}",
            errors[0]
        );
        // Two globs that compile alone but not as one set.
        let half = format!("x{}", "?".repeat(100_000));
        let list = vec!["drafts/**".to_string(), half.clone(), format!("y{half}")];
        assert!(list.iter().all(|g| crate::config::compile_glob(g).is_ok()));
        let (g, errors) = Globs::new("exclude", &list);
        let g = g.expect("globs");
        assert!(errors.is_empty(), "{errors:?}");
        assert!(g.is_match("drafts/a.md") && !g.is_match("a.md"));
        // Through the walk: a configuration built in code (not read from dep-ls.toml, which
        // drops such a glob with an error) gets a note naming the glob.
        let root = tree(
            "glob-walk",
            &[("plan.md", "DEP-001: x\n"), ("drafts/d.md", "DEP-002: y\n")],
        );
        let config = Config {
            exclude: vec!["drafts/**".into(), "?".repeat(300_000)],
            ..Config::default()
        };
        let w = walk(&root, &config);
        let md: Vec<&str> = w.markdown.iter().map(|(r, _)| r.as_str()).collect();
        assert_eq!(md, ["plan.md"]);
        assert!(
            w.notes.iter().any(|n| n.contains("exclude glob `???")),
            "{:?}",
            w.notes
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}

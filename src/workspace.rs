//! Loading a workspace from disk: walking (respecting `.gitignore`, never following symlinks out
//! of the root), reading, parsing in parallel with the fast path, and indexing.

use crate::check::{self, Finding};
use crate::config::{Config, ConfigError};
use crate::index::{FileKeys, Index};
use crate::syntax::{self, ParsedDoc};
use globset::{Glob, GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A Markdown file of the workspace.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Workspace-relative path with `/` separators.
    pub path: String,
    pub abs: PathBuf,
    pub text: Arc<str>,
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

/// Like [`walk`], but stops after looking at `limit` files and folders: `Err` with what was
/// found so far and the limit when the tree is larger (a home directory opened by mistake).
pub fn walk_bounded(root: &Path, config: &Config, limit: usize) -> Result<Walk, (Walk, usize)> {
    let mut out = Walk::default();
    let mut seen = 0usize;
    let include = globset(&config.include);
    let exclude = globset(&config.exclude);
    let canon_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let walker = ignore::WalkBuilder::new(root)
        .follow_links(false)
        .require_git(false)
        .hidden(true)
        .build();
    for item in walker {
        seen += 1;
        if seen > limit {
            out.markdown.sort();
            return Err((out, limit));
        }
        let entry = match item {
            Ok(e) => e,
            Err(e) => {
                out.notes.push(format!("skipped: {e}"));
                continue;
            }
        };
        let Some(ft) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        let rel = rel_path(root, path);
        if ft.is_symlink() {
            match path.canonicalize() {
                Ok(target) if target.starts_with(&canon_root) && target.is_file() => {}
                Ok(_) => {
                    out.notes.push(format!("{rel}: symlink not followed (it points outside the workspace or to a folder)"));
                    continue;
                }
                Err(e) => {
                    out.notes
                        .push(format!("{rel}: broken symlink skipped ({e})"));
                    continue;
                }
            }
        } else if !ft.is_file() {
            continue;
        }
        if exclude.as_ref().is_some_and(|g| g.is_match(&rel)) {
            continue;
        }
        let wanted = match &include {
            Some(g) => g.is_match(&rel),
            None => is_markdown(&rel),
        };
        if wanted {
            out.markdown.push((rel, path.to_path_buf()));
        } else {
            out.other.push(rel);
        }
    }
    out.markdown.sort();
    Ok(out)
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
    /// `progress(done, total)` is called as files are parsed.
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
        let w = walk(root, &config);
        let total = w.markdown.len();
        let done = std::sync::atomic::AtomicUsize::new(0);
        let parsed: Vec<Result<(SourceFile, ParsedDoc, FileKeys), String>> = w
            .markdown
            .par_iter()
            .map(|(rel, abs)| {
                let r = read_source(abs, config.max_file_size).map(|text| {
                    let doc = syntax::parse_fast(&text, &config.prefixes);
                    let keys = FileKeys::of(&doc);
                    (
                        SourceFile {
                            path: rel.clone(),
                            abs: abs.clone(),
                            text: Arc::from(text),
                        },
                        doc,
                        keys,
                    )
                });
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if n.is_multiple_of(256) || n == total {
                    progress(n, total);
                }
                r.map_err(|why| format!("{rel}: {why}"))
            })
            .collect();
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

//! The open-buffer overlay: documents open in an editor win over their files on disk. Opening,
//! changing and closing a document, and re-reading a file after a file event, keep the index
//! current one file at a time.

use super::walk::{is_markdown, lock, read_source, walk_parallel};
use super::world::{on_disk, parse_guarded, OnDisk};
use super::Workspace;
use crate::document::{Change, Document};
use crate::text::PositionEncoding;
use std::collections::BTreeSet;
use std::sync::Arc;

/// What [`Workspace::refresh`] changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Refreshed {
    /// Markdown files read again with another text, added, or dropped.
    pub files: usize,
    /// Other paths (link targets) that appeared or went away.
    pub paths: usize,
    /// The nested workspaces below the root are no longer those the workspace was loaded
    /// with: it must be loaded again (with them, by the caller).
    pub nested_changed: bool,
}

impl Refreshed {
    /// Did anything change?
    pub fn any(&self) -> bool {
        self.files > 0 || self.paths > 0 || self.nested_changed
    }
}

impl Workspace {
    /// Opens a document (its buffer wins over the file on disk). Returns the size limit when
    /// the text is over it: the document is then kept plain, unparsed (as `check` skips such a
    /// file), and the caller says so once.
    pub fn open_doc(&mut self, rel: &str, text: String, version: i32) -> Option<u64> {
        let f = self;
        let limit = f.config.max_file_size;
        let doc = Document::new_limited(
            text,
            version,
            &f.config.prefixes,
            usize::try_from(limit).unwrap_or(usize::MAX),
        );
        let plain = doc.is_plain();
        // Typing a linked ID must not relink every reference of the document.
        f.index.set_local(rel, true);
        f.index.replace(rel, Arc::clone(doc.parsed()));
        f.open.insert(rel.to_string(), doc);
        plain.then_some(limit)
    }

    /// Applies changes to an open document. Returns false when the document is not open or
    /// the version is not newer than the one held (the change is then ignored).
    pub fn change_doc(
        &mut self,
        rel: &str,
        version: i32,
        changes: &[Change],
        enc: PositionEncoding,
    ) -> bool {
        let f = self;
        let prefixes = f.config.prefixes.clone();
        let Some(doc) = f.open.get_mut(rel) else {
            return false;
        };
        if version <= doc.version {
            tracing::warn!(
                "{}: ignored a change to version {version}, already at {}",
                rel,
                doc.version
            );
            return false;
        }
        // The index lets go of the document so that the edit can change it in place.
        f.index.release_doc(rel);
        let ids_changed = doc.apply(changes, enc, &prefixes);
        doc.version = version;
        let parsed = Arc::clone(doc.parsed());
        if ids_changed {
            f.index.update(rel, parsed);
        } else {
            f.index.set_doc(rel, parsed);
        }
        true
    }

    /// Closes a document: the index falls back to the file on disk.
    pub fn close_doc(&mut self, rel: &str) {
        let f = self;
        f.open.remove(rel);
        if rel.starts_with("untitled:") {
            // Nothing on disk: an unsaved document leaves the index with its buffer.
            f.index.remove(rel);
            f.index.set_local(rel, false);
            return;
        }
        f.reload(rel);
        f.index.set_local(rel, false);
    }

    /// Re-reads one file from disk into the index (or removes it when it is gone or
    /// unreadable). Open documents are left alone.
    pub fn reload(&mut self, rel: &str) {
        let f = self;
        if f.open.contains_key(rel) || f.root.as_os_str().is_empty() {
            return;
        }
        let abs = f.root.join(rel);
        let real = match on_disk(&f.root, &abs) {
            OnDisk::Inside(real) => real,
            OnDisk::Missing => {
                f.index.remove(rel);
                f.files.remove(rel);
                return;
            }
            OnDisk::Outside(_) => {
                tracing::info!("{rel}: a link to outside the workspace folder, not indexed");
                f.index.remove(rel);
                f.files.remove(rel);
                return;
            }
        };
        if real != rel {
            // A link to another file of the folder: that file is indexed under its own path.
            tracing::info!("{rel}: a link to {real}, indexed under that path only");
            f.index.remove(rel);
            f.files.remove(rel);
            return;
        }
        if !abs.is_file() {
            f.index.remove(rel);
            f.files.remove(rel);
            return;
        }
        if !is_markdown(rel) {
            f.index.add_path(rel);
            return;
        }
        match read_source(&abs, f.config.max_file_size) {
            Ok(text) => {
                let doc = parse_guarded(rel, &text, &f.config);
                f.index.update(rel, Arc::new(doc));
                f.set_disk_text(rel, text);
            }
            Err(why) => {
                tracing::info!("{rel}: {why}");
                f.index.remove(rel);
                f.files.remove(rel);
            }
        }
    }

    /// The other paths (not Markdown files read) the walk finds now: the baseline for
    /// [`Workspace::refresh`].
    pub fn other_paths(&self, reach: &[String]) -> BTreeSet<String> {
        walk_parallel(&self.root, &self.config, reach, &|_, _| {})
            .other
            .into_iter()
            .collect()
    }

    /// Brings a workspace loaded from disk up to date after file events (`check --watch`):
    /// walks it again by the same rules as [`Workspace::load_reaching`] (`.gitignore`,
    /// include/exclude, nested workspaces, `reach`), listing only, then reads just the Markdown
    /// files that are new or named in `changed` (root-relative), keeps those whose text did not
    /// change, and drops the files and paths that are gone. `other` holds the other paths of
    /// the last walk ([`Workspace::other_paths`]) and is updated. The configuration is not
    /// re-read: a change to it means loading again.
    pub fn refresh(
        &mut self,
        reach: &[String],
        changed: &BTreeSet<String>,
        other: &mut BTreeSet<String>,
    ) -> Refreshed {
        let md = std::sync::Mutex::new(Vec::new());
        let w = walk_parallel(&self.root, &self.config, reach, &|rel, _| {
            lock(&md).push(rel);
        });
        let md: BTreeSet<String> = md
            .into_inner()
            .unwrap_or_else(|p| p.into_inner())
            .into_iter()
            .collect();
        let mut r = Refreshed {
            nested_changed: !w
                .nested
                .iter()
                .map(|(n, _)| n)
                .eq(self.nested.iter().map(|(n, _)| n)),
            ..Refreshed::default()
        };
        let gone: Vec<String> = self
            .files
            .iter()
            .filter(|f| !md.contains(&f.path))
            .map(|f| f.path.clone())
            .collect();
        for p in gone {
            self.index.remove(&p);
            self.files.remove(&p);
            r.files += 1;
        }
        for p in &md {
            let known = self.files.get(p).is_some();
            if known && !changed.contains(p) {
                continue;
            }
            let note = format!("{p}: ");
            self.notes.retain(|n| !n.starts_with(&note));
            match read_source(&self.root.join(p), self.config.max_file_size) {
                Ok(text) => {
                    if self.files.get(p).is_some_and(|f| f.text == text) {
                        continue;
                    }
                    let doc = parse_guarded(p, &text, &self.config);
                    self.index.update(p, Arc::new(doc));
                    self.set_disk_text(p, text);
                    r.files += 1;
                }
                Err(why) => {
                    self.notes.push(format!("{p}: {why}"));
                    if self.files.remove(p).is_some() {
                        self.index.remove(p);
                        r.files += 1;
                    }
                }
            }
        }
        let now: BTreeSet<String> = w.other.into_iter().collect();
        for p in other.difference(&now) {
            if !md.contains(p) {
                self.index.remove(p);
            }
            r.paths += 1;
        }
        for p in now.difference(other) {
            self.index.add_path(p);
            r.paths += 1;
        }
        *other = now;
        r
    }
}

#[cfg(test)]
mod tests {
    use super::super::walk::tests::tree;
    use super::*;

    fn set(paths: &[&str]) -> BTreeSet<String> {
        paths.iter().map(|p| p.to_string()).collect()
    }

    /// A refresh reads only what changed, by the walk's rules, and ends where a fresh load
    /// would.
    #[test]
    fn refresh_reads_what_changed_and_matches_a_fresh_load() {
        let root = tree(
            "refresh",
            &[
                ("a.md", "DEP-001: a\n"),
                ("b.md", "DEP-002: b\n"),
                (".gitignore", "build/\n"),
                ("img.png", "x"),
            ],
        );
        let config = crate::config::Config::default();
        let mut ws = Workspace::load_with(&root, config.clone(), Vec::new(), &|_, _| {});
        let mut other = ws.other_paths(&[]);
        assert!(other.contains("img.png"), "{other:?}");

        // Nothing changed, or a file touched with the same text: nothing to do.
        assert_eq!(ws.refresh(&[], &set(&[]), &mut other), Refreshed::default());
        assert!(!ws.refresh(&[], &set(&["a.md"]), &mut other).any());

        std::fs::write(root.join("a.md"), "DEP-003: a again\n").expect("write");
        std::fs::write(root.join("c.md"), "DEP-004: c\n").expect("write");
        std::fs::remove_file(root.join("b.md")).expect("rm");
        std::fs::remove_file(root.join("img.png")).expect("rm");
        std::fs::write(root.join("notes.txt"), "x").expect("write");
        std::fs::create_dir_all(root.join("build")).expect("mkdir");
        std::fs::write(root.join("build/out.md"), "DEP-009: ignored\n").expect("write");
        let r = ws.refresh(&[], &set(&["a.md", "b.md", "c.md"]), &mut other);
        assert_eq!(
            r,
            Refreshed {
                files: 3,
                paths: 2,
                nested_changed: false
            }
        );
        for (id, defined) in [
            ("DEP-001", false),
            ("DEP-002", false),
            ("DEP-003", true),
            ("DEP-004", true),
            ("DEP-009", false),
        ] {
            assert_eq!(ws.index.is_defined(id), defined, "{id}");
        }
        let fresh = Workspace::load_with(&root, config, Vec::new(), &|_, _| {});
        let names = |w: &Workspace| w.files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
        assert_eq!(names(&ws), names(&fresh));
        assert_eq!(ws.check(), fresh.check());
        assert!(ws.index.has_path("notes.txt") && !ws.index.has_path("img.png"));

        // A folder that becomes a workspace of its own.
        std::fs::create_dir_all(root.join("sub")).expect("mkdir");
        std::fs::write(root.join("sub/dep-ls.toml"), "").expect("write");
        assert!(ws.refresh(&[], &set(&[]), &mut other).nested_changed);
        let _ = std::fs::remove_dir_all(&root);
    }
}

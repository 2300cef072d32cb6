//! The open-buffer overlay: documents open in an editor win over their files on disk. Opening,
//! changing and closing a document, and re-reading a file after a file event, keep the index
//! current one file at a time.

use super::walk::{is_markdown, read_source};
use super::world::{on_disk, parse_guarded, OnDisk};
use super::Workspace;
use crate::document::{Change, Document};
use crate::text::PositionEncoding;
use std::sync::Arc;

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
}

//! The workspace ID table: definitions and references of every file, updated one file at a time.

use crate::syntax::{Entry, ParsedDoc, Reference};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// A file's slot in the index.
pub type FileId = u32;

/// Where an ID is defined: the file and the entry's index in that file's [`ParsedDoc`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DefLoc {
    pub file: FileId,
    pub entry: u32,
}

/// Where an ID is referenced: the file and the reference's index in that file's [`ParsedDoc`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RefLoc {
    pub file: FileId,
    pub reference: u32,
}

/// One indexed file.
#[derive(Clone, Debug)]
pub struct IndexedFile {
    /// Workspace-relative path with `/` separators.
    pub path: String,
    pub doc: Arc<ParsedDoc>,
}

/// The workspace table.
#[derive(Default, Debug)]
pub struct Index {
    files: Vec<Option<IndexedFile>>,
    free: Vec<FileId>,
    by_path: HashMap<String, FileId>,
    /// Ordered, so that IDs of one prefix can be scanned as a range.
    defs: BTreeMap<String, Vec<DefLoc>>,
    refs: HashMap<String, Vec<RefLoc>>,
    /// Every file of the workspace (Markdown or not), for `broken-link`.
    paths: HashSet<String>,
}

impl Index {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a file's definitions and references.
    pub fn update(&mut self, path: &str, doc: Arc<ParsedDoc>) -> FileId {
        let id = match self.by_path.get(path) {
            Some(&id) => {
                self.unlink(id);
                id
            }
            None => {
                let id = match self.free.pop() {
                    Some(id) => id,
                    None => {
                        self.files.push(None);
                        (self.files.len() - 1) as FileId
                    }
                };
                self.by_path.insert(path.to_string(), id);
                id
            }
        };
        self.paths.insert(path.to_string());
        for (i, e) in doc.entries.iter().enumerate() {
            if e.placeholder {
                continue;
            }
            self.defs.entry(e.id.clone()).or_default().push(DefLoc {
                file: id,
                entry: i as u32,
            });
        }
        for (i, r) in doc.refs.iter().enumerate() {
            self.refs.entry(r.id.clone()).or_default().push(RefLoc {
                file: id,
                reference: i as u32,
            });
        }
        self.files[id as usize] = Some(IndexedFile {
            path: path.to_string(),
            doc,
        });
        id
    }

    /// Removes a file (its definitions and references, and its path).
    pub fn remove(&mut self, path: &str) {
        if let Some(id) = self.by_path.remove(path) {
            self.unlink(id);
            self.files[id as usize] = None;
            self.free.push(id);
        }
        self.paths.remove(path);
    }

    fn unlink(&mut self, id: FileId) {
        let Some(f) = self.files[id as usize].take() else {
            return;
        };
        for e in &f.doc.entries {
            if let Some(v) = self.defs.get_mut(&e.id) {
                v.retain(|d| d.file != id);
                if v.is_empty() {
                    self.defs.remove(&e.id);
                }
            }
        }
        for r in &f.doc.refs {
            if let Some(v) = self.refs.get_mut(&r.id) {
                v.retain(|d| d.file != id);
                if v.is_empty() {
                    self.refs.remove(&r.id);
                }
            }
        }
        self.files[id as usize] = Some(f);
    }

    /// Records a non-Markdown file of the workspace (a link target).
    pub fn add_path(&mut self, path: &str) {
        self.paths.insert(path.to_string());
    }

    /// Is there a file (of any kind) at this workspace-relative path?
    pub fn has_path(&self, path: &str) -> bool {
        self.paths.contains(path)
    }

    pub fn file(&self, id: FileId) -> Option<&IndexedFile> {
        self.files.get(id as usize).and_then(|f| f.as_ref())
    }

    pub fn file_id(&self, path: &str) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    /// Indexed files sorted by path.
    pub fn files_sorted(&self) -> Vec<(FileId, &IndexedFile)> {
        let mut v: Vec<(FileId, &IndexedFile)> = self
            .files
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.as_ref().map(|f| (i as FileId, f)))
            .collect();
        v.sort_by(|a, b| a.1.path.cmp(&b.1.path));
        v
    }

    pub fn file_count(&self) -> usize {
        self.by_path.len()
    }

    /// Definitions of an ID.
    pub fn definitions(&self, id: &str) -> &[DefLoc] {
        self.defs.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn is_defined(&self, id: &str) -> bool {
        self.defs.contains_key(id)
    }

    /// The entry at a definition location.
    pub fn entry(&self, d: DefLoc) -> Option<(&str, &Entry)> {
        let f = self.file(d.file)?;
        Some((f.path.as_str(), f.doc.entries.get(d.entry as usize)?))
    }

    /// The first definition's entry.
    pub fn first_entry(&self, id: &str) -> Option<(&str, &Entry)> {
        self.definitions(id).first().and_then(|d| self.entry(*d))
    }

    /// References of an ID.
    pub fn references(&self, id: &str) -> &[RefLoc] {
        self.refs.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn reference(&self, r: RefLoc) -> Option<(&str, &Reference)> {
        let f = self.file(r.file)?;
        Some((f.path.as_str(), f.doc.refs.get(r.reference as usize)?))
    }

    /// Defined IDs with this prefix, in order.
    pub fn ids_with_prefix<'a>(&'a self, prefix: &str) -> impl Iterator<Item = &'a str> + 'a {
        let lo = format!("{prefix}-");
        let hi = format!("{prefix}.");
        self.defs
            .range(lo.clone()..hi)
            .map(|(k, _)| k.as_str())
            .filter(move |k| crate::syntax::id_prefix(k) == &lo[..lo.len() - 1])
    }

    /// Every defined ID, in order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.defs.keys().map(String::as_str)
    }

    pub fn id_count(&self) -> usize {
        self.defs.len()
    }
}

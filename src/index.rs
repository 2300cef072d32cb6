//! The workspace ID table: definitions and references of every file, updated one file at a time.

use crate::syntax::{id_number, id_prefix, Entry, LinkItem, ParsedDoc, Reference, Span};
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
    /// Bumped on every change.
    generation: u64,
    /// Ranges in link lists, by prefix: (file, first number, last number, span of the range).
    ranges: HashMap<String, Vec<(FileId, u32, u32, Span)>>,
}

impl Index {
    pub fn new() -> Self {
        Self::default()
    }

    /// A counter bumped by every change to the index.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Replaces a file's document. When its definitions and references name the same IDs in
    /// the same order as before (typing inside a description), only the document is swapped;
    /// otherwise the file is re-indexed.
    pub fn replace(&mut self, path: &str, doc: Arc<ParsedDoc>) -> FileId {
        if let Some(&id) = self.by_path.get(path) {
            if let Some(Some(f)) = self.files.get_mut(id as usize) {
                let old = &f.doc;
                let same = old.entries.len() == doc.entries.len()
                    && old.refs.len() == doc.refs.len()
                    && old
                        .entries
                        .iter()
                        .zip(&doc.entries)
                        .all(|(a, b)| a.id == b.id && a.placeholder == b.placeholder)
                    && old.refs.iter().zip(&doc.refs).all(|(a, b)| a.id == b.id);
                if same {
                    f.doc = doc;
                    self.generation += 1;
                    return id;
                }
            }
        }
        self.update(path, doc)
    }

    /// Adds or replaces a file's definitions and references.
    pub fn update(&mut self, path: &str, doc: Arc<ParsedDoc>) -> FileId {
        self.generation += 1;
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
        for e in &doc.entries {
            for f in &e.fields {
                for item in &f.items {
                    if let LinkItem::Range { start, end, span } = item {
                        let p = id_prefix(&start.id);
                        if p != id_prefix(&end.id) {
                            continue;
                        }
                        if let (Some((a, _)), Some((b, _))) =
                            (id_number(&start.id), id_number(&end.id))
                        {
                            self.ranges.entry(p.to_string()).or_default().push((
                                id,
                                a,
                                b,
                                span.clone(),
                            ));
                        }
                    }
                }
            }
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
        self.generation += 1;
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
        for v in self.ranges.values_mut() {
            v.retain(|r| r.0 != id);
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
        self.generation += 1;
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

    /// Ranges (`TEST-001 to TEST-050`) whose inside covers `id` (its ends are references).
    pub fn ranges_covering(&self, id: &str) -> Vec<(FileId, Span)> {
        let Some((n, _)) = id_number(id) else {
            return Vec::new();
        };
        self.ranges
            .get(id_prefix(id))
            .map(|v| {
                v.iter()
                    .filter(|r| r.1 < n && n < r.2)
                    .map(|r| (r.0, r.3.clone()))
                    .collect()
            })
            .unwrap_or_default()
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

    /// Defined IDs that start with `typed` (textually), in order.
    pub fn ids_starting_with<'a>(&'a self, typed: &str) -> impl Iterator<Item = &'a str> + 'a {
        let lo = typed.to_string();
        let t = typed.to_string();
        self.defs
            .range(lo..)
            .map(|(k, _)| k.as_str())
            .take_while(move |k| k.starts_with(t.as_str()))
    }

    /// Every defined ID, in order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.defs.keys().map(String::as_str)
    }

    pub fn id_count(&self) -> usize {
        self.defs.len()
    }
}

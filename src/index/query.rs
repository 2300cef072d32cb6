//! Questions to the index: files and paths, definitions (all, or without the listings),
//! references (the ID → references map, built on the first question), link-list ranges
//! covering an ID, and IDs by prefix with their numbers.

use super::{link_refs, DefLoc, FileId, Index, IndexedFile, NumberSpan, RefLoc};
use crate::syntax::{id_number, id_prefix, Entry, Reference, Span, Str};
use foldhash::HashMap;

impl Index {
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

    /// Definitions of an ID. A table row whose first cell is the ID is a definition only
    /// when no heading or line defines it: an inventory table (`| ENV-001 | Production |`)
    /// that lists IDs defined elsewhere is a reference to them, so then only the headings and
    /// lines are returned ([`Index::all_definitions`] has the rows too).
    pub fn definitions(&self, id: &str) -> &[DefLoc] {
        let all = self.all_definitions(id);
        // Headings and lines come first (see `insert`).
        match all.iter().position(|d| d.table) {
            Some(n) if n > 0 => &all[..n],
            _ => all,
        }
    }

    /// Every definition of an ID, the table rows that only list it included.
    pub fn all_definitions(&self, id: &str) -> &[DefLoc] {
        self.defs.get(id).map(|v| v.as_slice()).unwrap_or(&[])
    }

    /// Does a table row at `d` only list an ID that a heading or a line defines?
    pub fn is_listing(&self, id: &str, d: DefLoc) -> bool {
        d.table && self.all_definitions(id).first().is_some_and(|x| !x.table)
    }

    pub fn is_defined(&self, id: &str) -> bool {
        self.defs.contains_key(id)
    }

    /// The entry at a definition location.
    pub fn entry(&self, d: DefLoc) -> Option<(&str, &Entry)> {
        let f = self.file(d.file)?;
        Some((f.path.as_str(), f.doc.entries.get(d.entry as usize)?))
    }

    /// The entry of the definition first in path order (then in text order), whatever order
    /// the index saw the files in: the CLI loads files in path order, the server opens documents
    /// first, and a message naming "the" definition must read the same in both.
    pub fn first_entry(&self, id: &str) -> Option<(&str, &Entry)> {
        self.definitions(id)
            .iter()
            .filter_map(|d| self.entry(*d).map(|(p, e)| (p, e.line_span.start, e)))
            .min_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)))
            .map(|(p, _, e)| (p, e))
    }

    /// References of an ID.
    pub fn references(&self, id: &str) -> Vec<RefLoc> {
        let mut v = self.refs_map().get(id).cloned().unwrap_or_default();
        for (file, f) in self.local_files() {
            if let Some(ix) = f.local_refs().by_id.get(id) {
                v.extend(ix.iter().map(|&reference| RefLoc { file, reference }));
            }
        }
        v
    }

    /// The ID → references map, built now if no one asked for references before.
    fn refs_map(&self) -> &HashMap<Str, Vec<RefLoc>> {
        self.refs.get_or_init(|| {
            let mut refs = HashMap::default();
            for (i, f) in self.files.iter().enumerate() {
                if let Some(f) = f.as_ref().filter(|f| !f.local) {
                    link_refs(&mut refs, i as FileId, &f.doc);
                }
            }
            refs
        })
    }

    /// Builds the references map now (the language server does it after indexing, so that the
    /// first references request or code lens does not wait for it).
    pub fn warm_references(&self) {
        self.refs_map();
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
        let p = id_prefix(id);
        let mut v: Vec<(FileId, Span)> = self
            .ranges
            .get(p)
            .map(|v| {
                v.iter()
                    .filter(|r| r.first < n && n < r.last)
                    .map(|r| (r.file, r.span.clone()))
                    .collect()
            })
            .unwrap_or_default();
        for (file, f) in self.local_files() {
            v.extend(
                f.local_refs()
                    .ranges
                    .iter()
                    .filter(|r| r.prefix == p && r.first < n && n < r.last)
                    .map(|r| (file, r.span.clone())),
            );
        }
        v
    }

    /// Defined IDs with this prefix, in order.
    pub fn ids_with_prefix<'a>(&'a self, prefix: &str) -> impl Iterator<Item = &'a str> + 'a {
        use std::ops::Bound;
        let lo = format!("{prefix}-");
        let hi = format!("{prefix}.");
        self.ordered
            .range::<str, _>((Bound::Included(lo.as_str()), Bound::Excluded(hi.as_str())))
            .map(|k| &**k)
            .filter(move |k| crate::syntax::id_prefix(k) == &lo[..lo.len() - 1])
    }

    /// Defined IDs that start with `typed` (textually), in order.
    pub fn ids_starting_with<'a>(&'a self, typed: &str) -> impl Iterator<Item = &'a str> + 'a {
        use std::ops::Bound;
        let t = typed.to_string();
        self.ordered
            .range::<str, _>((Bound::Included(typed), Bound::Unbounded))
            .map(|k| &**k)
            .take_while(move |k| k.starts_with(t.as_str()))
    }

    /// The prefixes of defined IDs.
    pub fn prefixes(&self) -> impl Iterator<Item = &str> {
        self.prefix_counts.keys().map(String::as_str)
    }

    /// The highest number defined for a prefix, and its digit count (cached per IDs
    /// generation).
    pub fn max_number(&self, prefix: &str) -> Option<(u32, usize)> {
        self.number_span(prefix).map(|s| (s.max.0, s.max_digits))
    }

    /// The numbered IDs defined for a prefix (cached per IDs generation).
    pub fn number_span(&self, prefix: &str) -> Option<NumberSpan> {
        let mut cache = match self.max_numbers.lock() {
            Ok(c) => c,
            Err(p) => p.into_inner(),
        };
        if cache.0 != self.defs_generation {
            *cache = (self.defs_generation, HashMap::default());
        }
        if let Some(v) = cache.1.get(prefix) {
            return v.clone();
        }
        let mut span: Option<NumberSpan> = None;
        for id in self.ids_with_prefix(prefix) {
            let Some((n, w)) = id_number(id) else {
                continue;
            };
            match &mut span {
                None => {
                    span = Some(NumberSpan {
                        count: 1,
                        min: (n, id.to_string()),
                        max: (n, id.to_string()),
                        max_digits: w,
                    })
                }
                Some(s) => {
                    s.count += 1;
                    if (n, id) < (s.min.0, s.min.1.as_str()) {
                        s.min = (n, id.to_string());
                    }
                    if (n, id) >= (s.max.0, s.max.1.as_str()) {
                        s.max = (n, id.to_string());
                        s.max_digits = w;
                    }
                }
            }
        }
        cache.1.insert(prefix.to_string(), span.clone());
        span
    }

    /// Every defined ID, in order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.ordered.iter().map(|k| &**k)
    }

    pub fn id_count(&self) -> usize {
        self.defs.len()
    }
}

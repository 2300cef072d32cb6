//! The workspace ID table: definitions and references of every file, updated one file at a time.
//! Here: the table and its updates (`update`, `replace`, `remove`, `update_many`); the questions
//! it answers in `query`.

mod query;

use crate::syntax::{id_number, id_prefix, LinkItem, ParsedDoc, Span, Str};
use foldhash::{HashMap, HashSet};
use smallvec::{smallvec, SmallVec};
use std::collections::BTreeSet;
use std::sync::Arc;

/// A file's slot in the index.
pub type FileId = u32;

/// Where an ID is defined: the file and the entry's index in that file's [`ParsedDoc`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DefLoc {
    pub file: FileId,
    pub entry: u32,
    /// A table row or a list item ([`crate::syntax::DefKind::lists`]): an inventory that only *lists* the
    /// ID when a heading or a line defines it elsewhere (see [`Index::definitions`]).
    pub table: bool,
}

/// Where an ID is referenced: the file and the reference's index in that file's [`ParsedDoc`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RefLoc {
    pub file: FileId,
    pub reference: u32,
}

/// References of a file kept with it instead of in the index's maps (see [`Index::set_local`]):
/// reference indices by ID, and its link-list ranges.
#[derive(Debug, Default)]
struct LocalRefs {
    by_id: HashMap<Str, Vec<u32>>,
    ranges: Vec<NumberedRange>,
}

/// A link-list range with both ends numbered and of one prefix (`TEST-001 to TEST-050`).
#[derive(Clone, Debug)]
struct NumberedRange {
    prefix: String,
    first: u32,
    last: u32,
    /// The whole range, in its document.
    span: Span,
}

/// A range in the index's map (by prefix): the file it is in, its numbers and its span.
#[derive(Clone, Debug)]
struct FileRange {
    file: FileId,
    first: u32,
    last: u32,
    span: Span,
}

/// One indexed file.
#[derive(Debug)]
pub struct IndexedFile {
    /// Workspace-relative path with `/` separators.
    pub path: String,
    pub doc: Arc<ParsedDoc>,
    /// The index generation at which `doc` was last set: the same stamp, the same document.
    stamp: u64,
    /// [`def_signature`] of `doc`.
    def_sig: u64,
    /// Its deprecated definitions and what replaces each.
    deprecated: Vec<(Str, Option<String>)>,
    /// The IDs its table rows define (listings when defined elsewhere by a heading or a line).
    table_rows: Vec<Str>,
    /// The distinct IDs this file defines and references, and the prefixes of its ranges
    /// (what to unlink when it changes, without needing the old document).
    def_ids: Vec<Str>,
    ref_ids: Vec<Str>,
    range_prefixes: Vec<String>,
    /// Its references and ranges are not in the index's maps but in `local_refs` (empty
    /// `ref_ids` and `range_prefixes`).
    local: bool,
    /// Built on the first question after each change of `doc`.
    local_refs: std::sync::OnceLock<LocalRefs>,
}

impl IndexedFile {
    fn local_refs(&self) -> &LocalRefs {
        self.local_refs.get_or_init(|| {
            let mut by_id: HashMap<Str, Vec<u32>> = HashMap::default();
            group_refs(&mut by_id, &self.doc, |i| i);
            LocalRefs {
                by_id,
                ranges: ranges_of(&self.doc),
            }
        })
    }

    /// Changes whenever the file's document is set (a document edited in place keeps its `Arc`,
    /// so caches of what a document implies key on this, not on the pointer).
    pub fn stamp(&self) -> u64 {
        self.stamp
    }
}

/// What one document contributes to the index, computed from the document alone (so that a
/// bulk load computes it in parallel, before the serial merge).
#[derive(Clone, Debug, Default)]
pub struct FileKeys {
    /// The IDs the document defines (placeholders excepted), once per definition: a second
    /// definition of an ID changes what the index says about it (a duplicate).
    def_ids: Vec<Str>,
    /// The distinct IDs it references, in no particular order.
    ref_ids: Vec<Str>,
    /// Link-list ranges with both ends numbered and of one prefix.
    ranges: Vec<NumberedRange>,
}

impl FileKeys {
    pub fn of(doc: &ParsedDoc) -> FileKeys {
        FileKeys {
            def_ids: def_ids_of(doc),
            ..FileKeys::refs_only(doc)
        }
    }

    /// The keys of a file's references and ranges only (its definitions are linked already).
    fn refs_only(doc: &ParsedDoc) -> FileKeys {
        FileKeys {
            def_ids: Vec::new(),
            ref_ids: distinct(doc.refs.iter().map(|r| &r.id), doc.refs.len()),
            ranges: ranges_of(doc),
        }
    }

    /// The keys of a file whose references stay with it ([`Index::set_local`]): its
    /// definitions only.
    fn defs_only(doc: &ParsedDoc) -> FileKeys {
        FileKeys {
            def_ids: def_ids_of(doc),
            ..FileKeys::default()
        }
    }

    fn range_prefixes(&self) -> Vec<String> {
        let mut v: Vec<String> = self.ranges.iter().map(|r| r.prefix.clone()).collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// How many bumps of the definitions generation [`Index::def_changes_since`] can account for.
const DEF_LOG_LEN: usize = 64;

/// The deprecated definitions of a document, with what replaces each.
fn deprecated_of(doc: &ParsedDoc) -> Vec<(Str, Option<String>)> {
    doc.entries
        .iter()
        .filter(|e| e.deprecated && !e.placeholder)
        .map(|e| (e.id.clone(), e.replacement.clone()))
        .collect()
}

/// The IDs a document's table rows define (placeholders excepted), in order.
fn table_rows_of(doc: &ParsedDoc) -> Vec<Str> {
    doc.entries
        .iter()
        .filter(|e| !e.placeholder && e.def_kind.lists())
        .map(|e| e.id.clone())
        .collect()
}

/// The IDs a document defines (placeholders excepted), once per definition.
fn def_ids_of(doc: &ParsedDoc) -> Vec<Str> {
    doc.entries
        .iter()
        .filter(|e| !e.placeholder)
        .map(|e| e.id.clone())
        .collect()
}

/// The IDs defined a different number of times in two lists of definitions (of one file, in
/// entry order: an edit changes a run in the middle, so the common ends are set aside first).
fn symmetric_difference(a: &[Str], b: &[Str]) -> Vec<Str> {
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[pre..], &b[pre..]);
    let suf = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - suf], &b[..b.len() - suf]);
    let mut count: HashMap<&str, isize> =
        HashMap::with_capacity_and_hasher(a.len() + b.len(), Default::default());
    for x in a {
        *count.entry(x.as_str()).or_default() += 1;
    }
    for x in b {
        *count.entry(x.as_str()).or_default() -= 1;
    }
    count
        .into_iter()
        .filter(|&(_, n)| n != 0)
        .map(|(id, _)| Str::from(id))
        .collect()
}

/// Link-list ranges with both ends numbered and of one prefix.
fn ranges_of(doc: &ParsedDoc) -> Vec<NumberedRange> {
    let mut ranges = Vec::new();
    for (e, f) in doc
        .entries
        .iter()
        .flat_map(|e| e.fields.iter().map(move |f| (e, f)))
    {
        for item in &f.items {
            if let LinkItem::Range { start, end, span } = item {
                let p = id_prefix(&start.id);
                if p != id_prefix(&end.id) {
                    continue;
                }
                if let (Some((a, _)), Some((b, _))) = (id_number(&start.id), id_number(&end.id)) {
                    ranges.push(NumberedRange {
                        prefix: p.to_string(),
                        first: a,
                        last: b,
                        span: e.abs(*span),
                    });
                }
            }
        }
    }
    ranges
}

/// The distinct IDs among `ids` (about `n` of them), each copied once. A hash set, not a sort:
/// typing a linked ID in a 10,000-entry document recomputes its keys on every keystroke, and
/// sorting them took about 7 ms there.
fn distinct<'a>(ids: impl Iterator<Item = &'a Str>, n: usize) -> Vec<Str> {
    let mut seen: HashSet<&str> = HashSet::with_capacity_and_hasher(n, Default::default());
    let mut out = Vec::new();
    for id in ids {
        if seen.insert(id.as_str()) {
            out.push(id.clone());
        }
    }
    out.shrink_to_fit();
    out
}

/// The numbered IDs defined for one prefix: how many, the lowest and the highest (by number,
/// then text) with their digit counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberSpan {
    pub count: usize,
    pub min: (u32, String),
    pub max: (u32, String),
    /// Digits of the highest number as written (`DEP-007`: 3).
    pub max_digits: usize,
}

/// [`NumberSpan`] per prefix, for one IDs generation.
type MaxNumbers = (u64, HashMap<String, Option<NumberSpan>>);

/// The workspace table.
#[derive(Default, Debug)]
pub struct Index {
    files: Vec<Option<IndexedFile>>,
    free: Vec<FileId>,
    by_path: HashMap<String, FileId>,
    /// Most IDs are defined once: one location is held inline.
    defs: HashMap<Arc<str>, SmallVec<[DefLoc; 1]>>,
    /// The defined IDs in order, so that IDs of one prefix can be scanned as a range.
    ordered: BTreeSet<Arc<str>>,
    /// ID → references, built on the first question about references (`dep-ls check` never
    /// asks) and kept up to date from then on.
    refs: std::sync::OnceLock<HashMap<Str, Vec<RefLoc>>>,
    /// Every file of the workspace (Markdown or not), for `broken-link`.
    paths: HashSet<String>,
    /// Files whose references and ranges stay with them ([`Index::set_local`]).
    local_paths: HashSet<String>,
    /// Bumped on every change.
    generation: u64,
    /// Bumped when what the definitions say may have changed (see [`Index::defs_generation`]).
    defs_generation: u64,
    /// The IDs each of the last bumps of `defs_generation` concerned (`None`: anything may have
    /// changed), oldest first.
    def_log: std::collections::VecDeque<(u64, Option<Vec<Str>>)>,
    /// How many IDs of each prefix are defined.
    prefix_counts: HashMap<String, usize>,
    /// Highest number per prefix, computed on demand for one definitions generation.
    max_numbers: std::sync::Mutex<MaxNumbers>,
    /// Ranges in link lists, by prefix.
    ranges: HashMap<String, Vec<FileRange>>,
}

impl Index {
    pub fn new() -> Self {
        Self::default()
    }

    /// A counter bumped by every change to the index.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Bumped only when what the definitions say may have changed: which IDs are defined, in
    /// which file and entry, as placeholders or deprecated (and by what), and the set of files
    /// and paths. Not when a document is swapped for one defining the same (typing in a
    /// description), and not when only references changed (typing a linked ID): no per-entry
    /// check reads references, so per-entry results stay valid until this moves.
    pub fn defs_generation(&self) -> u64 {
        self.defs_generation
    }

    /// The IDs whose definitions changed since `generation` (a value of
    /// [`Index::defs_generation`]): defined or undefined, or deprecated differently. `None` when
    /// that is not known (too long ago, or a change of files or paths): then anything may have.
    pub fn def_changes_since(&self, generation: u64) -> Option<HashSet<&str>> {
        if generation == self.defs_generation {
            return Some(HashSet::default());
        }
        // The log must reach back to the first bump after `generation`.
        let first = self.def_log.front()?.0;
        if first > generation + 1 {
            return None;
        }
        let mut out = HashSet::default();
        for (g, ids) in &self.def_log {
            if *g > generation {
                out.extend(ids.as_ref()?.iter().map(|s| s.as_str()));
            }
        }
        Some(out)
    }

    fn bump_defs(&mut self, ids: Option<Vec<Str>>) {
        self.defs_generation += 1;
        self.def_log.push_back((self.defs_generation, ids));
        while self.def_log.len() > DEF_LOG_LEN {
            self.def_log.pop_front();
        }
    }

    /// Replaces a file's document. When its definitions and references name the same IDs in
    /// the same order as before (typing inside a description), only the document is swapped;
    /// otherwise the file is re-indexed.
    pub fn replace(&mut self, path: &str, doc: Arc<ParsedDoc>) -> FileId {
        if let Some(&id) = self.by_path.get(path) {
            if let Some(Some(f)) = self.files.get(id as usize) {
                if same_ids(&f.doc, &doc) {
                    self.set_doc(path, doc);
                    return id;
                }
            }
        }
        self.update(path, doc)
    }

    /// Swaps a file's document for one that names the same IDs in the same order (the caller
    /// knows). Definitions and references keep pointing at the same indices.
    pub fn set_doc(&mut self, path: &str, doc: Arc<ParsedDoc>) {
        if let Some(&id) = self.by_path.get(path) {
            if let Some(Some(f)) = self.files.get_mut(id as usize) {
                f.doc = doc;
                f.local_refs = std::sync::OnceLock::new();
                self.generation += 1;
                f.stamp = self.generation;
                return;
            }
        }
        self.update(path, doc);
    }

    /// Lets go of a file's document (the index keeps its IDs) so that its owner can change it
    /// in place; must be followed by [`Index::set_doc`] or [`Index::update`].
    pub fn release_doc(&mut self, path: &str) {
        if let Some(&id) = self.by_path.get(path) {
            if let Some(Some(f)) = self.files.get_mut(id as usize) {
                f.doc = Arc::new(ParsedDoc::default());
            }
        }
    }

    /// Adds or replaces a file's definitions and references.
    pub fn update(&mut self, path: &str, doc: Arc<ParsedDoc>) -> FileId {
        let keys = if self.local_paths.contains(path) {
            FileKeys::defs_only(&doc)
        } else {
            FileKeys::of(&doc)
        };
        self.update_with(path, doc, keys)
    }

    /// Adds or replaces many files at once (a workspace load): like [`Index::update`] on each,
    /// with each file's [`FileKeys`] computed beforehand (in parallel by the caller), and the
    /// ordered ID set built in one go when the index starts empty.
    pub fn update_many(
        &mut self,
        files: impl IntoIterator<Item = (String, Arc<ParsedDoc>, FileKeys)>,
    ) {
        let bulk = self.ordered.is_empty();
        let mut new_ids: Vec<Arc<str>> = Vec::new();
        for (path, doc, keys) in files {
            self.insert(&path, doc, keys, bulk.then_some(&mut new_ids));
        }
        if bulk && !new_ids.is_empty() {
            self.ordered = new_ids.into_iter().collect();
        }
    }

    /// [`Index::update`] with the document's keys already computed.
    pub fn update_with(&mut self, path: &str, doc: Arc<ParsedDoc>, keys: FileKeys) -> FileId {
        self.insert(path, doc, keys, None)
    }

    /// Links a file's definitions and references. New defined IDs go into `ordered`, or into
    /// `new_ids` when the caller builds `ordered` itself.
    fn insert(
        &mut self,
        path: &str,
        doc: Arc<ParsedDoc>,
        keys: FileKeys,
        mut new_ids: Option<&mut Vec<Arc<str>>>,
    ) -> FileId {
        self.generation += 1;
        let def_sig = def_signature(&doc);
        let existing = self.by_path.get(path).copied();
        // The same definitions (typing a linked ID): they stay linked, only the references
        // and ranges are redone.
        let old = existing.and_then(|id| self.file(id));
        let same_defs = old.is_some_and(|f| f.def_sig == def_sig);
        // Equal signatures: the same deprecations (taken from the old file below).
        let (mut deprecated, mut table_rows) = if same_defs {
            (Vec::new(), Vec::new())
        } else {
            (deprecated_of(&doc), table_rows_of(&doc))
        };
        if !same_defs {
            // What changed: IDs defined on one side only, or deprecated differently. A new path
            // may resolve links anywhere.
            let changed = match old {
                Some(f) if self.paths.contains(path) => {
                    let mut ids = symmetric_difference(&f.def_ids, &keys.def_ids);
                    let (a, b) = (&f.deprecated, &deprecated);
                    ids.extend(a.iter().filter(|d| !b.contains(d)).map(|d| d.0.clone()));
                    ids.extend(b.iter().filter(|d| !a.contains(d)).map(|d| d.0.clone()));
                    // A heading become a table row (or back) changes what is a listing.
                    ids.extend(symmetric_difference(&f.table_rows, &table_rows));
                    Some(ids)
                }
                _ => None,
            };
            self.bump_defs(changed);
        }
        // Definitions the file had, detached but still registered (see `sweep_defs`).
        let mut detached = Vec::new();
        let id = match existing {
            Some(id) => {
                if same_defs {
                    if let Some(Some(f)) = self.files.get_mut(id as usize) {
                        deprecated = std::mem::take(&mut f.deprecated);
                        table_rows = std::mem::take(&mut f.table_rows);
                    }
                } else {
                    detached = self.detach_defs(id);
                }
                self.unlink_refs(id);
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
        if !self.paths.contains(path) {
            self.paths.insert(path.to_string());
        }
        let linked_defs = if same_defs { 0 } else { doc.entries.len() };
        for (i, e) in doc.entries.iter().enumerate().take(linked_defs) {
            if e.placeholder {
                continue;
            }
            let loc = DefLoc {
                file: id,
                entry: i as u32,
                table: e.def_kind.lists(),
            };
            if let Some(v) = self.defs.get_mut(e.id.as_str()) {
                // Defined elsewhere too, or detached from this file a moment ago: already in
                // `ordered` and counted. Headings and lines first, table rows after them.
                let at = if loc.table {
                    v.len()
                } else {
                    v.iter().position(|d| d.table).unwrap_or(v.len())
                };
                v.insert(at, loc);
                continue;
            }
            let key: Arc<str> = Arc::from(e.id.as_str());
            self.defs.insert(Arc::clone(&key), smallvec![loc]);
            match new_ids.as_deref_mut() {
                Some(ids) => ids.push(key),
                None => {
                    self.ordered.insert(key);
                }
            }
            let p = id_prefix(&e.id);
            match self.prefix_counts.get_mut(p) {
                Some(n) => *n += 1,
                None => {
                    self.prefix_counts.insert(p.to_string(), 1);
                }
            }
        }
        self.sweep_defs(&detached);
        let local = self.local_paths.contains(path);
        let (ref_ids, range_prefixes) = if local {
            (Vec::new(), Vec::new())
        } else {
            self.link_ranges(id, &keys.ranges);
            if let Some(refs) = self.refs.get_mut() {
                link_refs(refs, id, &doc);
            }
            let prefixes = keys.range_prefixes();
            (keys.ref_ids, prefixes)
        };
        self.files[id as usize] = Some(IndexedFile {
            path: path.to_string(),
            doc,
            stamp: self.generation,
            def_sig,
            deprecated,
            table_rows,
            def_ids: keys.def_ids,
            ref_ids,
            range_prefixes,
            local,
            local_refs: std::sync::OnceLock::new(),
        });
        id
    }

    fn link_ranges(&mut self, id: FileId, ranges: &[NumberedRange]) {
        for nr in ranges {
            let r = FileRange {
                file: id,
                first: nr.first,
                last: nr.last,
                span: nr.span.clone(),
            };
            match self.ranges.get_mut(nr.prefix.as_str()) {
                Some(v) => v.push(r),
                None => {
                    self.ranges.insert(nr.prefix.clone(), vec![r]);
                }
            }
        }
    }

    /// Keeps a file's references and ranges with the file (`local`), or puts them back in the
    /// index's maps. For an open document: typing a linked ID then costs the edit, not an
    /// unlink and relink of every reference of the file (36,000 in a 10,000-entry document);
    /// questions about references look at the few local files' own tables instead. Answers
    /// are the same either way. Holds for the path until undone, across updates.
    pub fn set_local(&mut self, path: &str, local: bool) {
        if local {
            self.local_paths.insert(path.to_string());
        } else {
            self.local_paths.remove(path);
        }
        let Some(&id) = self.by_path.get(path) else {
            return;
        };
        if self.file(id).is_none_or(|f| f.local == local) {
            return;
        }
        self.generation += 1;
        if local {
            self.unlink_refs(id);
        } else if let Some(doc) = self.file(id).map(|f| Arc::clone(&f.doc)) {
            let keys = FileKeys::refs_only(&doc);
            self.link_ranges(id, &keys.ranges);
            if let Some(refs) = self.refs.get_mut() {
                link_refs(refs, id, &doc);
            }
            if let Some(Some(f)) = self.files.get_mut(id as usize) {
                f.range_prefixes = keys.range_prefixes();
                f.ref_ids = keys.ref_ids;
            }
        }
        if let Some(Some(f)) = self.files.get_mut(id as usize) {
            f.local = local;
            f.local_refs = std::sync::OnceLock::new();
        }
    }

    /// The indexed files whose references are local.
    fn local_files(&self) -> impl Iterator<Item = (FileId, &IndexedFile)> {
        self.local_paths.iter().filter_map(|p| {
            let id = *self.by_path.get(p)?;
            Some((id, self.file(id)?))
        })
    }

    /// Removes a file (its definitions and references, and its path).
    pub fn remove(&mut self, path: &str) {
        self.generation += 1;
        self.bump_defs(None);
        if let Some(id) = self.by_path.remove(path) {
            self.unlink(id);
            self.files[id as usize] = None;
            self.free.push(id);
        }
        self.paths.remove(path);
    }

    fn unlink(&mut self, id: FileId) {
        self.unlink_defs(id);
        self.unlink_refs(id);
    }

    /// Unlinks a file's definitions.
    fn unlink_defs(&mut self, id: FileId) {
        let ids = self.detach_defs(id);
        self.sweep_defs(&ids);
    }

    /// Removes a file's definitions from their IDs' locations, but leaves the IDs registered
    /// (in `defs`, possibly with no location, in `ordered` and `prefix_counts`) so that relinking
    /// the file's new definitions, mostly the same IDs, only pushes locations back. Returns the
    /// IDs, for [`Index::sweep_defs`] after the relink.
    fn detach_defs(&mut self, id: FileId) -> Vec<Str> {
        let Some(f) = self.files[id as usize].as_mut() else {
            return Vec::new();
        };
        let def_ids = std::mem::take(&mut f.def_ids);
        for d in &def_ids {
            if let Some(v) = self.defs.get_mut(d.as_str()) {
                v.retain(|x| x.file != id);
            }
        }
        def_ids
    }

    /// Unregisters the IDs among `ids` that were left with no definition.
    fn sweep_defs(&mut self, ids: &[Str]) {
        for d in ids {
            if self.defs.get(d.as_str()).is_some_and(|v| v.is_empty()) {
                self.defs.remove(d.as_str());
                self.ordered.remove(d.as_str());
                let p = id_prefix(d);
                if let Some(n) = self.prefix_counts.get_mut(p) {
                    *n -= 1;
                    if *n == 0 {
                        self.prefix_counts.remove(p);
                    }
                }
            }
        }
    }

    /// Unlinks a file's references and ranges.
    fn unlink_refs(&mut self, id: FileId) {
        let Some(f) = self.files[id as usize].as_mut() else {
            return;
        };
        let (ref_ids, range_prefixes) = (
            std::mem::take(&mut f.ref_ids),
            std::mem::take(&mut f.range_prefixes),
        );
        for p in &range_prefixes {
            if let Some(v) = self.ranges.get_mut(p) {
                v.retain(|r| r.file != id);
            }
        }
        if let Some(refs) = self.refs.get_mut() {
            for r in &ref_ids {
                if let Some(v) = refs.get_mut(r) {
                    v.retain(|x| x.file != id);
                    if v.is_empty() {
                        refs.remove(r);
                    }
                }
            }
        }
    }

    /// Records a non-Markdown file of the workspace (a link target).
    pub fn add_path(&mut self, path: &str) {
        self.generation += 1;
        self.bump_defs(None);
        self.paths.insert(path.to_string());
    }
}

/// Adds a file's references to the ID → references map.
fn link_refs(refs: &mut HashMap<Str, Vec<RefLoc>>, file: FileId, doc: &ParsedDoc) {
    group_refs(refs, doc, |reference| RefLoc { file, reference });
}

/// Adds each reference of `doc` to `refs` under its ID, as `loc(its index)`.
fn group_refs<T>(refs: &mut HashMap<Str, Vec<T>>, doc: &ParsedDoc, loc: impl Fn(u32) -> T) {
    for (i, r) in doc.refs.iter().enumerate() {
        let loc = loc(i as u32);
        match refs.get_mut(r.id.as_str()) {
            Some(v) => v.push(loc),
            None => {
                refs.insert(r.id.clone(), vec![loc]);
            }
        }
    }
}

/// A hash of what a document's definitions say, in order: each entry's ID, whether it is a
/// placeholder, deprecated, and by what replaced. Equal signatures: the same definitions at the
/// same entry indices (what [`DefLoc`]s point at).
fn def_signature(doc: &ParsedDoc) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = foldhash::fast::FixedState::default().build_hasher();
    doc.entries.len().hash(&mut h);
    for e in &doc.entries {
        e.id.as_str().hash(&mut h);
        (e.placeholder, e.deprecated, e.def_kind.lists()).hash(&mut h);
        e.replacement.hash(&mut h);
    }
    h.finish()
}

/// Do two documents define and reference the same IDs in the same order?
pub fn same_ids(a: &ParsedDoc, b: &ParsedDoc) -> bool {
    a.entries.len() == b.entries.len()
        && a.refs.len() == b.refs.len()
        && a.entries.iter().zip(&b.entries).all(|(x, y)| {
            x.id == y.id
                && x.placeholder == y.placeholder
                && x.def_kind.lists() == y.def_kind.lists()
                && x.deprecated == y.deprecated
                && x.replacement == y.replacement
        })
        && a.refs.iter().zip(&b.refs).all(|(x, y)| x.id == y.id)
}

//! IDE features over a workspace folder, in plain data: byte offsets, workspace-relative paths,
//! strings. No LSP types here (the `lsp` module converts); no I/O.

pub mod actions;
pub mod complete;
pub mod nav;
pub mod readiness;
mod style;
pub mod symbols;

use crate::check::{self, Finding};
use crate::config::{Config, ConfigError};
use crate::document::Document;
use crate::index::Index;
use crate::syntax::{Entry, Field, LinkItem, ParsedDoc, Reference, Span};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

/// One workspace folder: its configuration, its index, the texts of its files, and the
/// documents open in the editor (whose buffers win over the files on disk).
#[derive(Debug)]
pub struct Folder {
    pub root: PathBuf,
    pub config: Config,
    pub config_errors: Vec<ConfigError>,
    pub index: Index,
    /// Texts of indexed files as read from disk (workspace-relative path).
    pub disk: HashMap<String, Arc<str>>,
    /// Open documents (workspace-relative path).
    pub open: HashMap<String, Document>,
    /// Plan-level findings, cached until the index changes, and each file's plan facts.
    plan_cache: std::sync::Mutex<PlanCache>,
    /// Per-entry findings of open documents (relative to the entry), keyed by the entry's text,
    /// valid while the index's definitions (`Index::defs_generation`) and the configuration
    /// stay the same.
    entry_cache: std::sync::Mutex<HashMap<String, EntryCache>>,
    config_generation: u64,
}

#[derive(Debug, Default)]
struct PlanCache {
    /// The findings and the index generation they were computed at.
    findings: Option<(u64, Arc<Vec<Finding>>)>,
    /// Per file, kept across index changes (recomputed for changed files only).
    facts: check::plan::FactsCache,
}

#[derive(Debug, Default)]
struct EntryCache {
    defs_generation: u64,
    config_generation: u64,
    /// The last pass's entries in document order: the entry's text hash and its findings
    /// relative to the entry start (`None`: not cacheable).
    ///
    /// In order, not in a hash map: a keystroke changes one entry, so the entry at the same
    /// position (or shifted by the change in entry count) is the one to reuse, and looking
    /// 10,000 of them up in a table was a cache miss each — the largest single cost of a
    /// keystroke's diagnostics.
    slots: Vec<(u64, Option<Vec<Finding>>)>,
}

/// Which entries of a document can have different findings now that the definitions of
/// `changed` IDs changed, through their references.
///
/// `dirty`: they reference one of those IDs, or hold a range of one of their prefixes (a
/// range's gaps are the IDs between its ends). `near`: they reference an ID of the same prefix
/// or the same number as one of them; only then can an unresolved link's "did you mean" (a
/// variant of its number, or its number under a prefix one letter away) change. An entry that
/// defines a changed ID is caught by the caller.
struct Dependents {
    dirty: Vec<bool>,
    near: Vec<bool>,
    prefixes: HashSet<String>,
}

impl Dependents {
    fn of(doc: &ParsedDoc, changed: &foldhash::HashSet<&str>) -> Dependents {
        let split = |id: &str| {
            let p = crate::syntax::id_prefix(id);
            (
                p.to_string(),
                id.get(p.len() + 1..).unwrap_or("").to_string(),
            )
        };
        let (prefixes, numbers): (HashSet<String>, HashSet<String>) =
            changed.iter().map(|id| split(id)).unzip();
        let mut dirty = vec![false; doc.entries.len()];
        let mut near = vec![false; doc.entries.len()];
        for r in &doc.refs {
            let Some(k) = r.entry.map(|k| k as usize).filter(|&k| k < dirty.len()) else {
                continue;
            };
            let p = crate::syntax::id_prefix(&r.id);
            let same_prefix = prefixes.contains(p);
            near[k] |= same_prefix || numbers.contains(r.id.get(p.len() + 1..).unwrap_or(""));
            dirty[k] = dirty[k]
                || changed.contains(r.id.as_str())
                || (same_prefix
                    && doc.entries[k].fields.iter().flat_map(|f| &f.items).any(
                        |item| matches!(item, LinkItem::Range { start, .. } if crate::syntax::id_prefix(&start.id) == p),
                    ));
        }
        Dependents {
            dirty,
            near,
            prefixes,
        }
    }

    /// Can entry `i` (`e`), whose last findings were `found`, have different findings now?
    fn stale(
        &self,
        changed: &foldhash::HashSet<&str>,
        i: usize,
        e: &Entry,
        found: &[Finding],
    ) -> bool {
        self.dirty.get(i).copied().unwrap_or(true)
            || changed.contains(e.id.as_str())
            || found.iter().any(|f| match f.code {
                check::Code::UnresolvedLink => self.near.get(i).copied().unwrap_or(true),
                // The next free number of its prefix.
                check::Code::TemplatePlaceholder => self.prefixes.contains(e.prefix()),
                _ => false,
            })
    }
}

fn rebase(f: &Finding, from: usize, to: usize, path: &str) -> Finding {
    let mv = |x: usize| x - from + to;
    let mut g = f.clone();
    g.span = mv(f.span.start)..mv(f.span.end);
    for r in &mut g.related {
        if r.path == path {
            r.span = mv(r.span.start)..mv(r.span.end);
        }
    }
    g
}

impl Folder {
    pub fn new(root: PathBuf, config: Config, config_errors: Vec<ConfigError>) -> Folder {
        Folder {
            root,
            config,
            config_errors,
            index: Index::new(),
            disk: HashMap::new(),
            open: HashMap::new(),
            plan_cache: std::sync::Mutex::new(PlanCache::default()),
            entry_cache: std::sync::Mutex::new(HashMap::new()),
            config_generation: 0,
        }
    }

    /// Replaces the configuration (cached findings are dropped).
    pub fn set_config(&mut self, config: Config, errors: Vec<ConfigError>) {
        self.config = config;
        self.config_errors = errors;
        self.config_generation += 1;
        // A poisoned lock (a panic elsewhere) still has its cache dropped.
        let mut c = match self.plan_cache.lock() {
            Ok(c) => c,
            Err(p) => p.into_inner(),
        };
        c.findings = None;
    }

    /// The current text of a file: the open buffer, else the text read from disk.
    pub fn text(&self, rel: &str) -> Option<&str> {
        match self.open.get(rel) {
            Some(d) => Some(d.text()),
            None => self.disk.get(rel).map(|t| &**t),
        }
    }

    /// The parsed document of a file.
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

    /// Findings of one file: its own, and the plan-level ones placed in it.
    pub fn diagnostics(&self, rel: &str) -> Vec<Finding> {
        let Some(doc) = self.parsed(rel) else {
            return Vec::new();
        };
        let mut out = if self.open.contains_key(rel) {
            self.cached_file_findings(rel, &doc)
        } else {
            check::entry::check_file(rel, &doc, &self.index, &self.config)
        };
        out.extend(
            self.plan_findings()
                .iter()
                .filter(|f| f.path == rel)
                .cloned(),
        );
        // (Issue 14, helper rep) Inline suppressions, as `check::check_all` applies them.
        check::suppress::apply(rel, &doc, &mut out, &self.config);
        out.sort_by_key(|f| (f.span.start, f.code));
        out
    }

    /// Per-entry checks of an open document, reusing the findings of entries whose text did not
    /// change since the last time (typing re-checks only the entry being typed in).
    fn cached_file_findings(&self, rel: &str, doc: &ParsedDoc) -> Vec<Finding> {
        let mut caches = match self.entry_cache.lock() {
            Ok(c) => c,
            Err(p) => p.into_inner(),
        };
        let cache = caches.entry(rel.to_string()).or_default();
        let defs_gen = self.index.defs_generation();
        // The IDs whose definitions changed since the last pass: entries that depend on one
        // are re-checked, the others reused (typing a new entry's ID must not re-check 10,000).
        let mut changed = None;
        if cache.config_generation != self.config_generation {
            cache.slots.clear();
        } else if cache.defs_generation != defs_gen {
            changed = self.index.def_changes_since(cache.defs_generation);
            if changed.is_none() {
                cache.slots.clear();
            }
        }
        cache.defs_generation = defs_gen;
        cache.config_generation = self.config_generation;
        let changed = changed.filter(|c| !c.is_empty());
        let dependents = changed.as_ref().map(|c| Dependents::of(doc, c));
        // Each slot of the last pass is used at most once (taken).
        let mut prev: Vec<Option<(u64, Option<Vec<Finding>>)>> = std::mem::take(&mut cache.slots)
            .into_iter()
            .map(Some)
            .collect();
        let shift = prev.len() as isize - doc.entries.len() as isize;
        let mut slots = Vec::with_capacity(doc.entries.len());
        let mut out = Vec::new();
        // Where the next entry's slot is, if nothing moved: after the last one reused.
        let mut cursor = 0usize;
        for (i, e) in doc.entries.iter().enumerate() {
            let base = e.line_span.start;
            let key = e.text_hash;
            let shifted = usize::try_from(i as isize + shift).unwrap_or(usize::MAX);
            let hit = [cursor, i, shifted].into_iter().find(|&j| {
                prev.get(j)
                    .and_then(Option::as_ref)
                    .is_some_and(|(h, _)| *h == key)
            });
            let reusable = hit
                .and_then(|j| {
                    cursor = j + 1;
                    prev[j].take()
                })
                .and_then(|(_, f)| f)
                .filter(|fs| match (&changed, &dependents) {
                    (Some(c), Some(d)) => !d.stale(c, i, e, fs),
                    _ => true,
                });
            if let Some(rel_findings) = reusable {
                out.extend(rel_findings.iter().map(|f| rebase(f, 0, base, rel)));
                slots.push((key, Some(rel_findings)));
                continue;
            }
            let found = check::entry::check_entry(rel, doc, i, &self.index, &self.config);
            // A finding that points elsewhere (a duplicate's other definition, a deprecated
            // target) is recomputed each pass: the place it points at can move while the
            // definitions stay the same.
            let cacheable = found
                .iter()
                .all(|f| f.span.start >= base && f.related.is_empty());
            let stored = cacheable.then(|| found.iter().map(|f| rebase(f, base, 0, rel)).collect());
            slots.push((key, stored));
            out.extend(found);
        }
        cache.slots = slots;
        out.extend(check::entry::check_loose_refs(
            rel,
            doc,
            &self.index,
            &self.config,
        ));
        out
    }

    /// Plan-level findings of the whole folder (cached per index generation).
    pub fn plan_findings(&self) -> Arc<Vec<Finding>> {
        let gen = self.index.generation();
        let mut cache = match self.plan_cache.lock() {
            Ok(c) => c,
            Err(p) => p.into_inner(),
        };
        if let Some((g, f)) = cache.findings.as_ref() {
            if *g == gen {
                return Arc::clone(f);
            }
        }
        let f = Arc::new(check::plan::check_plans_cached(
            &self.index,
            &self.config,
            &mut cache.facts,
        ));
        cache.findings = Some((gen, Arc::clone(&f)));
        f
    }
}

/// What sits at an offset of a document.
#[derive(Clone, Debug)]
pub enum Hit<'a> {
    /// The ID of a definition.
    Definition(&'a Entry),
    /// An ID referenced elsewhere.
    Reference(&'a Reference),
    /// The ID restated by `**ID**: DEP-001`.
    Restated(&'a Entry, &'a str, Span),
    /// A field's key.
    FieldKey(&'a Entry, &'a Field),
}

impl Hit<'_> {
    /// The ID under the cursor, if the hit is an ID.
    pub fn id(&self) -> Option<(&str, Span)> {
        match self {
            Hit::Definition(e) => Some((&e.id, e.id_span.clone())),
            Hit::Reference(r) => Some((&r.id, r.span.clone())),
            Hit::Restated(_, id, s) => Some((id, s.clone())),
            Hit::FieldKey(..) => None,
        }
    }
}

/// The entry whose extent holds `offset`.
pub fn entry_at(doc: &ParsedDoc, offset: usize) -> Option<(usize, &Entry)> {
    let i = doc.entries.partition_point(|e| e.span.start <= offset);
    let i = i.checked_sub(1)?;
    let e = &doc.entries[i];
    (offset <= e.span.end).then_some((i, e))
}

/// What is at `offset` (the end of a token counts as on it).
pub fn hit_at(doc: &ParsedDoc, offset: usize) -> Option<Hit<'_>> {
    // References are sorted by position.
    let i = doc.refs.partition_point(|r| r.span.end < offset);
    if let Some(r) = doc.refs.get(i) {
        if r.span.start <= offset && offset <= r.span.end {
            return Some(Hit::Reference(r));
        }
    }
    // The destination of `[API-001](SoT.API_CONTRACTS.md#api-001)` stands for the linked ID. The
    // IDs of a link's text are the references right before its destination (IDs inside a
    // destination are not references); the one the `#anchor` names wins.
    let before = doc.refs.partition_point(|r| r.span.start <= offset);
    let in_link: Vec<&Reference> = doc.refs[..before]
        .iter()
        .rev()
        .take_while(|r| {
            r.link
                .as_ref()
                .is_some_and(|l| l.span.start <= offset && offset <= l.span.end)
        })
        .collect();
    if let Some(r) = in_link
        .iter()
        .find(|r| {
            r.link.as_ref().is_some_and(|l| {
                l.dest
                    .rsplit_once('#')
                    .is_some_and(|(_, a)| a.eq_ignore_ascii_case(&r.id))
            })
        })
        .or(in_link.last())
    {
        return Some(Hit::Reference(r));
    }
    let (_, e) = entry_at(doc, offset)?;
    if e.id_span.start <= offset && offset <= e.id_span.end {
        return Some(Hit::Definition(e));
    }
    for f in &e.fields {
        let (key, value) = (e.abs(f.key_span), e.abs(f.value_span));
        if f.norm_key() == "id" && value.start <= offset && offset <= value.end {
            let id = f.value.trim();
            let start = value.start + (f.value.len() - f.value.trim_start().len());
            return Some(Hit::Restated(e, id, start..start + id.len()));
        }
        if !key.is_empty() && key.start <= offset && offset <= key.end {
            return Some(Hit::FieldKey(e, f));
        }
    }
    None
}

/// A text edit in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEdit {
    pub path: String,
    pub span: Span,
    pub new_text: String,
}

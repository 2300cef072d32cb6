//! IDE features over a workspace folder, in plain data: byte offsets, workspace-relative paths,
//! strings. No LSP types here (the `lsp` module converts); no I/O.

pub mod actions;
pub mod complete;
pub mod nav;
pub mod symbols;

use crate::check::{self, Finding};
use crate::config::{Config, ConfigError};
use crate::document::Document;
use crate::index::Index;
use crate::syntax::{Entry, Field, ParsedDoc, Reference, Span};
use std::collections::HashMap;
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
    /// Plan-level findings, cached until the index changes.
    plan_cache: std::sync::Mutex<Option<(u64, Arc<Vec<Finding>>)>>,
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
            plan_cache: std::sync::Mutex::new(None),
        }
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
        let mut out = check::entry::check_file(rel, &doc, &self.index, &self.config);
        out.extend(
            self.plan_findings()
                .iter()
                .filter(|f| f.path == rel)
                .cloned(),
        );
        out.sort_by(|a, b| (a.span.start, a.code).cmp(&(b.span.start, b.code)));
        out
    }

    /// Plan-level findings of the whole folder (cached per index generation).
    pub fn plan_findings(&self) -> Arc<Vec<Finding>> {
        let gen = self.index.generation();
        let mut cache = match self.plan_cache.lock() {
            Ok(c) => c,
            Err(p) => p.into_inner(),
        };
        if let Some((g, f)) = cache.as_ref() {
            if *g == gen {
                return Arc::clone(f);
            }
        }
        let f = Arc::new(check::plan::check_plans(&self.index, &self.config));
        *cache = Some((gen, Arc::clone(&f)));
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
        if f.norm_key() == "id" && f.value_span.start <= offset && offset <= f.value_span.end {
            let id = f.value.trim();
            let start = f.value_span.start + (f.value.len() - f.value.trim_start().len());
            return Some(Hit::Restated(e, id, start..start + id.len()));
        }
        if !f.key_span.is_empty() && f.key_span.start <= offset && offset <= f.key_span.end {
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

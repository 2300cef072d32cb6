//! The call hierarchy over the trace graph: an ID is a node; its *incoming calls* are the entries
//! that link it (`trace::incoming`: link lists, other fields, ranges covering it), its *outgoing
//! calls* the IDs its entry links (`trace::outgoing`, range members included), each with every
//! span the link is written at. Plain data in byte offsets; the server converts.
//!
//! A node stands at a definition: the one under the cursor when the cursor is on a definition,
//! else the ID's first definition (path order, then text order). An ID defined nowhere still gets
//! a node, at the reference, so that its incoming calls (who links the missing ID) can be asked;
//! it has no outgoing calls.

use super::hit_at;
use crate::syntax::{id_prefix, Entry, ParsedDoc, Span};
use crate::trace;
use crate::workspace::Workspace;

/// A node of the hierarchy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub id: String,
    /// The defining entry's title (empty when it has none, or the ID is defined nowhere).
    pub title: String,
    pub prefix: String,
    /// The file of the defining entry (or of the reference, for an ID defined nowhere).
    pub path: String,
    /// The whole entry (or the reference), holding `selection`.
    pub span: Span,
    /// The ID at the definition (or the reference).
    pub selection: Span,
    /// `false`: the ID is defined nowhere; the node stands at a reference.
    pub defined: bool,
    pub deprecated: bool,
}

/// One edge: the node at its other end, and where the link is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub item: Item,
    /// The file of the linking entry, which `spans` are in: the caller's for an incoming call
    /// (`item.path`), the node's own for an outgoing one.
    pub path: String,
    pub spans: Vec<Span>,
}

/// The node of an entry of `path`.
pub fn entry_item(path: &str, e: &Entry) -> Item {
    let start = e.span.start.min(e.line_span.start).min(e.id_span.start);
    let end = e.span.end.max(e.line_span.end).max(e.id_span.end);
    Item {
        id: e.id.to_string(),
        title: e.title.to_string(),
        prefix: e.prefix().to_string(),
        path: path.to_string(),
        span: start..end,
        selection: e.id_span.clone(),
        defined: true,
        deprecated: e.deprecated,
    }
}

/// The node of an ID defined nowhere, at a place that names it.
fn undefined_item(id: &str, path: &str, span: Span) -> Item {
    Item {
        id: id.to_string(),
        title: String::new(),
        prefix: id_prefix(id).to_string(),
        path: path.to_string(),
        span: span.clone(),
        selection: span,
        defined: false,
        deprecated: false,
    }
}

/// The node of an ID at its first definition (`None` when it is defined nowhere).
pub fn item_of(f: &Workspace, id: &str) -> Option<Item> {
    let (path, e) = f.index.first_entry(id)?;
    Some(entry_item(path, e))
}

/// The definition of `id` that stands for its node: the first one in `prefer` (the file the
/// client's item names) if it defines the ID, else the first in path order. With its document
/// and the entry's index there.
fn definition<'a>(
    f: &'a Workspace,
    id: &str,
    prefer: Option<&str>,
) -> Option<(&'a str, &'a ParsedDoc, usize)> {
    let defs: Vec<(&str, &ParsedDoc, usize, usize)> = f
        .index
        .definitions(id)
        .iter()
        .filter_map(|d| {
            let file = f.index.file(d.file)?;
            let e = file.doc.entries.get(d.entry as usize)?;
            Some((
                file.path.as_str(),
                &*file.doc,
                d.entry as usize,
                e.line_span.start,
            ))
        })
        .collect();
    defs.iter()
        .filter(|d| Some(d.0) == prefer)
        .min_by_key(|d| d.3)
        .or_else(|| defs.iter().min_by(|a, b| (a.0, a.3).cmp(&(b.0, b.3))))
        .map(|&(p, doc, i, _)| (p, doc, i))
}

/// `textDocument/prepareCallHierarchy`: the node of the ID at `offset` of `rel` (see the module
/// documentation); `None` off an ID.
pub fn prepare(f: &Workspace, rel: &str, offset: usize) -> Option<Item> {
    let doc = f.parsed(rel)?;
    let hit = hit_at(&doc, offset)?;
    let (id, span) = hit.id()?;
    if let super::Hit::Definition(e) = hit {
        // This very definition, when the index counts it as one (not an inventory row that
        // only lists an ID defined elsewhere).
        let counted = f.index.definitions(id).iter().any(|d| {
            f.index
                .entry(*d)
                .is_some_and(|(p, x)| p == rel && x.id_span == e.id_span)
        });
        if counted {
            return Some(entry_item(rel, e));
        }
    }
    item_of(f, id).or_else(|| Some(undefined_item(id, rel, span)))
}

/// `callHierarchy/incomingCalls`: the entries that link `id`, in path order then text order,
/// each with every span it links the ID at (in its own file).
pub fn incoming(f: &Workspace, id: &str) -> Vec<Call> {
    trace::incoming(&f.index, id)
        .into_iter()
        .filter_map(|inc| {
            let file = f.index.file(f.index.file_id(&inc.path)?)?;
            let e = file.doc.entries.get(inc.entry)?;
            Some(Call {
                item: entry_item(&inc.path, e),
                path: inc.path,
                spans: inc.spans,
            })
        })
        .collect()
}

/// `callHierarchy/outgoingCalls`: the IDs the entry defining `id` links (the definition in
/// `prefer` when there is one, else the first), in order of first mention, each with every
/// span the entry names it at (in the entry's file). A target defined nowhere is a node at its
/// first such span.
pub fn outgoing(f: &Workspace, id: &str, prefer: Option<&str>) -> Vec<Call> {
    let Some((path, doc, i)) = definition(f, id, prefer) else {
        return Vec::new();
    };
    trace::outgoing(doc, i)
        .into_iter()
        .filter_map(|o| {
            let item = match item_of(f, &o.target) {
                Some(item) => item,
                None => undefined_item(&o.target, path, o.spans.first()?.clone()),
            };
            Some(Call {
                item,
                path: path.to_string(),
                spans: o.spans,
            })
        })
        .collect()
}

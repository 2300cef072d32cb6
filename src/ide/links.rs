//! Document links (`textDocument/documentLink`), so that IDs are clickable in every client: each
//! reference to a defined ID links to its first definition, and a Markdown link whose text names
//! an ID and whose destination is a file of the workspace (`[API-001](../SoT/api.md#api-001)`)
//! links to that file — at the definition its anchor (or else its text) names when that file
//! defines it. What the parser does not record as a reference (code spans, fences, comments) is
//! no link; an ID defined nowhere gets none. Plain data in byte offsets.

use crate::check::entry::link_target;
use crate::syntax::{Link, ParsedDoc, Reference, Span};
use crate::workspace::Workspace;

/// A link of the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocLink {
    /// What is clickable: the ID, or the whole `[text](destination)`.
    pub span: Span,
    /// The workspace file it opens.
    pub path: String,
    /// Where in that file: the definition's ID (`None`: the file itself).
    pub target: Option<Span>,
    pub tooltip: String,
}

fn tooltip(id: &str, title: &str, path: &str) -> String {
    if title.is_empty() {
        format!("{id} ({path})")
    } else {
        format!("{id} — {title} ({path})")
    }
}

/// The links of a file, in text order, not overlapping.
pub fn document_links(f: &Workspace, rel: &str) -> Vec<DocLink> {
    let Some(doc) = f.parsed(rel) else {
        return Vec::new();
    };
    let mut out: Vec<DocLink> = Vec::new();
    for (k, r) in doc.refs.iter().enumerate() {
        if let Some(l) = &r.link {
            if out.last().is_some_and(|x| x.span == l.span) {
                continue; // another ID of the same link's text
            }
            if let Some(link) = file_link(f, rel, &doc, k, l) {
                out.push(link);
                continue;
            }
        }
        if out.last().is_some_and(|x| x.span.end > r.span.start) {
            continue;
        }
        let Some((path, e)) = f.index.first_entry(&r.id) else {
            continue;
        };
        out.push(DocLink {
            span: r.span.clone(),
            path: path.to_string(),
            target: Some(e.id_span.clone()),
            tooltip: tooltip(&r.id, &e.title, path),
        });
    }
    out
}

/// The link of `[text](destination)` (its first reference is `doc.refs[k]`) to a workspace
/// file; `None` for a URL, an anchor of this file, or a file the workspace does not have.
fn file_link(f: &Workspace, rel: &str, doc: &ParsedDoc, k: usize, l: &Link) -> Option<DocLink> {
    let path = link_target(rel, &l.dest)?;
    if !f.index.has_path(&path) {
        return None;
    }
    // The IDs of the link's text: this reference and those after it in the same link.
    let ids: Vec<&Reference> = doc.refs[k..]
        .iter()
        .take_while(|x| x.link.as_ref().is_some_and(|y| y.span == l.span))
        .collect();
    let anchor = l
        .dest
        .split_once('#')
        .map(|(_, a)| a.to_ascii_lowercase())
        .unwrap_or_default();
    let names = |id: &str| {
        let id = id.to_ascii_lowercase();
        // `#api-001` and `#api-001-create-order` name API-001; `#api-0011` does not.
        anchor
            .strip_prefix(&id)
            .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_alphanumeric()))
    };
    let defined_there = |id: &str| {
        f.index
            .definitions(id)
            .iter()
            .filter_map(|d| f.index.entry(*d))
            .filter(|(p, _)| *p == path)
            .min_by_key(|(_, e)| e.line_span.start)
            .map(|(_, e)| e)
    };
    let found = ids
        .iter()
        .filter(|r| names(&r.id))
        .chain(ids.iter())
        .find_map(|r| defined_there(&r.id));
    Some(match found {
        Some(e) => DocLink {
            span: l.span.clone(),
            tooltip: tooltip(&e.id, &e.title, &path),
            target: Some(e.id_span.clone()),
            path,
        },
        None => DocLink {
            span: l.span.clone(),
            tooltip: path.clone(),
            target: None,
            path,
        },
    })
}

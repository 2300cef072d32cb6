//! IDE features over a workspace folder, in plain data: byte offsets, workspace-relative paths,
//! strings. No LSP types here (the `lsp` module converts); no I/O.

pub mod actions;
pub mod complete;
pub mod coverage;
pub mod hierarchy;
pub mod links;
pub mod nav;
pub mod readiness;
mod style;
pub mod symbols;
pub mod views;

use crate::syntax::{Entry, Field, ParsedDoc, Reference, Span};

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

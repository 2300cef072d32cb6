//! `duplicate-id`: an ID defined more than once in the workspace.

use super::{next_free_id, Draft, Sink};
use crate::check::{Code, FixHint, Related, Severity};
use crate::index::Index;
use crate::syntax::Entry;

pub(super) fn duplicates(sink: &mut Sink, entry: &Entry, index: &Index) {
    if entry.placeholder {
        return;
    }
    // A table row listing an ID that a heading or a line defines is not a definition (an
    // inventory table), and the headings and lines are counted without it.
    let defs = index.definitions(&entry.id);
    if defs.len() < 2 {
        return;
    }
    if entry.def_kind.lists() && !defs[0].table {
        return;
    }
    let mut related = Vec::new();
    for d in defs {
        if let Some((p, e)) = index.entry(*d) {
            if p == sink.path && e.id_span == entry.id_span {
                continue;
            }
            related.push(Related {
                path: p.to_string(),
                span: e.id_span.clone(),
                message: format!("{} is also defined here", entry.id),
            });
        }
    }
    // In path order, whatever order the index saw the definitions in (the CLI loads files
    // sorted, the server sees open documents first): both say the same.
    related.sort_by(|a, b| (a.path.as_str(), a.span.start).cmp(&(b.path.as_str(), b.span.start)));
    // A few places inline, the rest as related locations (59 paths made an unreadable line).
    let mut others: Vec<&str> = Vec::new();
    for r in &related {
        if !others.contains(&r.path.as_str()) {
            others.push(&r.path);
        }
    }
    const INLINE: usize = 3;
    let places = if others.len() > INLINE {
        format!(
            "{} and {} more — all listed as related locations",
            others[..INLINE].join(", "),
            others.len() - INLINE
        )
    } else {
        others.join(", ")
    };
    let next = next_free_id(index, entry.prefix());
    sink.add(Draft { code: Code::DuplicateId, default: Severity::Error, span: entry.id_span.clone(), id: Some(&entry.id), message: format!(
            "{} is defined {} times (also in {}) — an ID is defined once; renumber one of them (next free: {next})",
            entry.id,
            defs.len(),
            places
        ), related, fix: Some(FixHint::Replace(vec![next])) });
}

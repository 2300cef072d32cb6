//! Coverage at a glance, as code lenses: on each link-list field of an entry what it covers
//! (`covers 30 TEST- · 2 missing: TEST-017, TEST-020`, from `trace::coverage`), and on each
//! definition that release plans link, which DEP- entries do (`linked by DEP-004, DEP-007`,
//! from `trace::plan_links`). Each lens carries the locations it is about (the covered IDs'
//! definitions; the plan entries' links), which the server hands to the client's "show
//! references" command. Plain data in byte offsets.
//!
//! Cost per request: one coverage per link-list field (a definition lookup per ID it names) and
//! one `trace::incoming` per definition (one references lookup), like the references lens.

use super::nav::Location;
use crate::syntax::{Entry, Span};
use crate::trace;
use crate::workspace::Workspace;

/// How many plan entries a "linked by" lens names before `+N`.
pub const NAMED_PLANS: usize = 3;

/// A lens of the trace graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceLens {
    /// Where it stands: the field (coverage) or the defined ID (linked by).
    pub span: Span,
    pub title: String,
    /// What it is about, for the client to list.
    pub locations: Vec<Location>,
}

/// `linked by DEP-004, DEP-007, DEP-009 +2`.
pub fn linked_by_label(ids: &[String]) -> String {
    let mut s = format!(
        "linked by {}",
        ids.iter()
            .take(NAMED_PLANS)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    );
    if ids.len() > NAMED_PLANS {
        s.push_str(&format!(" +{}", ids.len() - NAMED_PLANS));
    }
    s
}

/// The trace lenses of a file, in text order: per entry, its "linked by" lens (on the ID of a
/// definition that is not a table row, as the references lens) and a coverage lens per line
/// holding link-list fields (two such fields on one line, as in a table row, share one lens).
/// With `locations` false their `locations` are left empty (titles only: the server sends
/// those, and fills in a lens's locations when the client resolves it, [`lens_at`]).
pub fn lenses(f: &Workspace, rel: &str, locations: bool) -> Vec<TraceLens> {
    let Some(doc) = f.parsed(rel) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in doc.entries.iter().filter(|e| !e.placeholder) {
        entry_lenses(f, e, locations, &mut out);
    }
    out.sort_by_key(|l| (l.span.start, l.span.end));
    out
}

/// The trace lens of `rel` whose span starts at `start`, with its locations (`None` when no
/// lens starts there, as after an edit).
pub fn lens_at(f: &Workspace, rel: &str, start: usize) -> Option<TraceLens> {
    let doc = f.parsed(rel)?;
    let (_, e) = super::entry_at(&doc, start)?;
    if e.placeholder {
        return None;
    }
    let mut out = Vec::new();
    entry_lenses(f, e, true, &mut out);
    out.into_iter().find(|l| l.span.start == start)
}

fn entry_lenses(f: &Workspace, e: &Entry, locations: bool, out: &mut Vec<TraceLens>) {
    if !e.def_kind.is_row() {
        if let Some(l) = linked_by(f, e, locations) {
            out.push(l);
        }
    }
    coverage_lenses(f, e, locations, out);
}

/// The "linked by" lens of a definition, when plans link it.
fn linked_by(f: &Workspace, e: &Entry, with_locations: bool) -> Option<TraceLens> {
    let links = trace::plan_links(&f.index, &e.id);
    if links.is_empty() {
        return None;
    }
    let mut ids: Vec<String> = links.iter().map(|l| l.id.clone()).collect();
    ids.dedup();
    let locations = if with_locations {
        links
            .iter()
            .flat_map(|l| {
                l.spans.iter().map(|s| Location {
                    path: l.path.clone(),
                    span: s.clone(),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    Some(TraceLens {
        span: e.id_span.clone(),
        title: linked_by_label(&ids),
        locations,
    })
}

/// One coverage lens per line holding link-list fields of `e`.
fn coverage_lenses(f: &Workspace, e: &Entry, with_locations: bool, out: &mut Vec<TraceLens>) {
    let mut line: Option<(u32, usize)> = None; // (line start of the last lens's field, its index in out)
    for fl in trace::link_fields(e) {
        let cov = trace::coverage(&f.index, e, fl);
        let title = trace::coverage_label(&cov);
        let locations: Vec<Location> = if with_locations {
            cov.iter()
                .flat_map(|c| c.ids.iter())
                .filter_map(|id| {
                    let (p, d) = f.index.first_entry(id)?;
                    Some(Location {
                        path: p.to_string(),
                        span: d.id_span.clone(),
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        let key = e.abs(fl.key_span);
        let value = e.abs(fl.value_span);
        let start = if key.is_empty() {
            value.start
        } else {
            key.start
        };
        let span = start..value.end.max(key.end);
        match line {
            Some((ls, k)) if ls == fl.line_start => {
                let l: &mut TraceLens = &mut out[k];
                l.title = format!("{} | {title}", l.title);
                l.span = l.span.start.min(span.start)..l.span.end.max(span.end);
                for loc in locations {
                    if !l.locations.contains(&loc) {
                        l.locations.push(loc);
                    }
                }
            }
            _ => {
                line = Some((fl.line_start, out.len()));
                out.push(TraceLens {
                    span,
                    title,
                    locations,
                });
            }
        }
    }
}

//! The trace graph's questions, in one place: what an entry links (outgoing), which entries link
//! an ID (incoming), what a link list covers, and what a link means. The server (call hierarchy,
//! code lenses, document links), `report` / `graph`, `diff` and `mcp` all ask here, so that every
//! front end draws the same graph.
//!
//! A *link* is a reference written inside an entry (a link-list item, or an ID named in another
//! field), and each ID inside a range `TEST-001 to TEST-030` that the range covers. Spans are
//! byte ranges of the document the link is written in.

use crate::index::Index;
use crate::syntax::{
    id_number, id_prefix, is_link_list_key, Entry, Field, LinkItem, ParsedDoc, Span,
};
use std::collections::BTreeMap;

/// The label of a link to an ID with this prefix.
pub fn relation(prefix: &str) -> &'static str {
    match prefix {
        "TEST" => "verified by",
        "EPIC" | "FEA" | "UJ" => "traces to",
        "API" | "DBT" => "covers",
        "MON" => "monitored by",
        "RUN" => "runbook",
        "GTM" => "launches",
        "DEP" => "depends on",
        "ARC" | "TECH" => "built on",
        "RISK" => "mitigates",
        _ => "links",
    }
}

/// At most this many members of one range are expanded (a longer range stays its two ends).
pub const MAX_RANGE_MEMBERS: u32 = 500;

/// The IDs a range `start to end` covers, in order (`None`: mixed prefixes, start after end, a
/// placeholder end, or more than [`MAX_RANGE_MEMBERS`]).
pub fn range_members(start: &str, end: &str) -> Option<Vec<String>> {
    let prefix = id_prefix(start);
    if prefix != id_prefix(end) {
        return None;
    }
    let (a, width) = id_number(start)?;
    let (b, _) = id_number(end)?;
    if a > b || b - a >= MAX_RANGE_MEMBERS {
        return None;
    }
    Some((a..=b).map(|n| format!("{prefix}-{n:0width$}")).collect())
}

/// One ID an entry links, with every place the entry names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub target: String,
    /// Where the entry names it, in text order: the reference itself, or the whole range that
    /// covers it.
    pub spans: Vec<Span>,
    /// Named in a link-list field (`Linked IDs`, `Related IDs`, `Covers` …) at least once.
    pub linked: bool,
}

/// The IDs entry `i` of `doc` links, in order of first mention (itself excluded).
pub fn outgoing(doc: &ParsedDoc, i: usize) -> Vec<Outgoing> {
    let Some(e) = doc.entries.get(i) else {
        return Vec::new();
    };
    let mut out: Vec<Outgoing> = Vec::new();
    let mut at: BTreeMap<String, usize> = BTreeMap::new();
    let mut add = |id: &str, span: Span, linked: bool| {
        if id == &*e.id {
            return;
        }
        match at.get(id) {
            Some(&k) => {
                let o = &mut out[k];
                if !o.spans.contains(&span) {
                    o.spans.push(span);
                }
                o.linked |= linked;
            }
            None => {
                at.insert(id.to_string(), out.len());
                out.push(Outgoing {
                    target: id.to_string(),
                    spans: vec![span],
                    linked,
                });
            }
        }
    };
    // References and range members in text order: collect, then sort by position.
    let mut found: Vec<(Span, String, bool)> = doc
        .refs
        .iter()
        .filter(|r| r.entry == Some(i as u32))
        .map(|r| (r.span.clone(), r.id.to_string(), r.link_list))
        .collect();
    for f in link_fields(e) {
        for item in &f.items {
            if let LinkItem::Range { start, end, span } = item {
                let members = range_members(&start.id, &end.id).unwrap_or_default();
                // The ends are references already; the members between them are links too.
                for m in members.iter().skip(1).take(members.len().saturating_sub(2)) {
                    found.push((e.abs(*span), m.clone(), true));
                }
            }
        }
    }
    found.sort_by_key(|a| (a.0.start, a.0.end));
    for (span, id, linked) in found {
        add(&id, span, linked);
    }
    out
}

/// An entry that links an ID, with every place it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incoming {
    /// The file the entry is in (workspace-relative).
    pub path: String,
    /// The entry's index in that file's document.
    pub entry: usize,
    /// The entry's ID and title.
    pub id: String,
    pub title: String,
    /// Where it links the ID, in text order (a reference, or a range covering it).
    pub spans: Vec<Span>,
    /// Linked from a link-list field at least once.
    pub linked: bool,
}

/// The entries that link `id`, in path order and then text order (the ID's own entries
/// excluded). References outside any entry are not links.
pub fn incoming(index: &Index, id: &str) -> Vec<Incoming> {
    let mut by_entry: BTreeMap<(String, usize), Incoming> = BTreeMap::new();
    let mut put = |path: &str, doc: &ParsedDoc, i: usize, span: Span, linked: bool| {
        let Some(e) = doc.entries.get(i) else {
            return;
        };
        if &*e.id == id {
            return;
        }
        let inc = by_entry
            .entry((path.to_string(), i))
            .or_insert_with(|| Incoming {
                path: path.to_string(),
                entry: i,
                id: e.id.to_string(),
                title: e.title.to_string(),
                spans: Vec::new(),
                linked: false,
            });
        if !inc.spans.contains(&span) {
            inc.spans.push(span);
        }
        inc.linked |= linked;
    };
    for r in index.references(id) {
        let Some(f) = index.file(r.file) else {
            continue;
        };
        let Some(reference) = f.doc.refs.get(r.reference as usize) else {
            continue;
        };
        if let Some(i) = reference.entry {
            put(
                &f.path,
                &f.doc,
                i as usize,
                reference.span.clone(),
                reference.link_list,
            );
        }
    }
    for (file, span) in index.ranges_covering(id) {
        let Some(f) = index.file(file) else {
            continue;
        };
        if let Some(i) = entry_at(&f.doc, span.start) {
            put(&f.path, &f.doc, i, span, true);
        }
    }
    let mut v: Vec<Incoming> = by_entry.into_values().collect();
    for inc in &mut v {
        inc.spans.sort_by_key(|s| (s.start, s.end));
    }
    // Path order, then text order (BTreeMap keys order entries by index, which is text order).
    v
}

/// The IDs of the DEP- entries (of release plans) that link `id` from a link list, in number
/// order, each once.
pub fn linked_by_plans(index: &Index, id: &str) -> Vec<String> {
    let mut ids: Vec<String> = incoming(index, id)
        .into_iter()
        .filter(|inc| inc.linked && id_prefix(&inc.id) == "DEP")
        .map(|inc| inc.id)
        .collect();
    ids.sort_by(|a, b| (id_number(a), a).cmp(&(id_number(b), b)));
    ids.dedup();
    ids
}

/// The links behind [`linked_by_plans`]: the DEP- entries that link `id` from a link list,
/// each with every span it links the ID at, in the number order of their IDs (then path order).
pub fn plan_links(index: &Index, id: &str) -> Vec<Incoming> {
    let mut v: Vec<Incoming> = incoming(index, id)
        .into_iter()
        .filter(|inc| inc.linked && id_prefix(&inc.id) == "DEP")
        .collect();
    v.sort_by(|a, b| {
        (id_number(&a.id), &a.id, &a.path, a.entry).cmp(&(
            id_number(&b.id),
            &b.id,
            &b.path,
            b.entry,
        ))
    });
    v
}

/// The entry of `doc` whose span holds `offset` (the innermost, when entries nest).
pub fn entry_at(doc: &ParsedDoc, offset: usize) -> Option<usize> {
    doc.entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.line_span.start <= offset && offset <= e.span.end.max(e.line_span.end))
        .min_by_key(|(_, e)| e.span.end.saturating_sub(e.line_span.start))
        .map(|(i, _)| i)
}

/// The link-list fields of an entry.
pub fn link_fields(e: &Entry) -> impl Iterator<Item = &Field> {
    e.fields.iter().filter(|f| is_link_list_key(&f.norm_key()))
}

/// What one link-list field covers, per prefix of what it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    pub prefix: String,
    /// Every ID it names with this prefix (range members expanded), in order, each once.
    pub ids: Vec<String>,
    /// Those defined nowhere in the workspace.
    pub missing: Vec<String>,
}

/// What the link-list field `f` of entry `e` covers, one [`Coverage`] per prefix in order of
/// first mention. Placeholders (`TEST-XXX`) and IDs with an unknown prefix are not counted.
pub fn coverage(index: &Index, e: &Entry, f: &Field) -> Vec<Coverage> {
    let mut out: Vec<Coverage> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut add = |id: &str| {
        if id == &*e.id || !seen.insert(id.to_string()) {
            return;
        }
        let p = id_prefix(id);
        let k = match out.iter().position(|c| c.prefix == p) {
            Some(k) => k,
            None => {
                out.push(Coverage {
                    prefix: p.to_string(),
                    ids: Vec::new(),
                    missing: Vec::new(),
                });
                out.len() - 1
            }
        };
        out[k].ids.push(id.to_string());
        if !index.is_defined(id) {
            out[k].missing.push(id.to_string());
        }
    };
    for item in &f.items {
        match item {
            LinkItem::Id(r) => add(&r.id),
            LinkItem::Range { start, end, .. } => match range_members(&start.id, &end.id) {
                Some(ms) => ms.iter().for_each(|m| add(m)),
                None => {
                    add(&start.id);
                    add(&end.id);
                }
            },
            LinkItem::UnknownPrefix(_) | LinkItem::Placeholder(_) => {}
        }
    }
    out
}

/// A short line for a coverage: `covers 30 TEST- · 2 missing: TEST-017, TEST-020` (at most five
/// missing IDs named, then `…`), several prefixes joined by ` · `.
pub fn coverage_label(cov: &[Coverage]) -> String {
    let mut parts = Vec::new();
    let total: usize = cov.iter().map(|c| c.ids.len()).sum();
    if total == 0 {
        return "covers nothing yet".to_string();
    }
    let names: Vec<String> = cov
        .iter()
        .map(|c| format!("{} {}-", c.ids.len(), c.prefix))
        .collect();
    parts.push(format!("covers {}", names.join(", ")));
    let missing: Vec<&String> = cov.iter().flat_map(|c| c.missing.iter()).collect();
    if !missing.is_empty() {
        let mut shown: Vec<&str> = missing.iter().take(5).map(|s| s.as_str()).collect();
        if missing.len() > 5 {
            shown.push("…");
        }
        parts.push(format!("{} missing: {}", missing.len(), shown.join(", ")));
    }
    parts.join(" · ")
}

//! Navigation: definition, references, highlights, hover, rename.

use super::{hit_at, FileEdit, Hit};
use crate::schema;
use crate::syntax::{id_prefix, Entry, Span};
use crate::workspace::Workspace;

/// A location in the folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub span: Span,
}

/// Where the ID at `offset` is defined (every definition, across files).
pub fn definition(f: &Workspace, rel: &str, offset: usize) -> Vec<Location> {
    let Some(doc) = f.parsed(rel) else {
        return Vec::new();
    };
    let Some(hit) = hit_at(&doc, offset) else {
        return Vec::new();
    };
    let Some((id, _)) = hit.id() else {
        return Vec::new();
    };
    definitions_of(f, id)
}

/// Every definition of an ID, sorted by path and position (not by indexing order).
pub fn definitions_of(f: &Workspace, id: &str) -> Vec<Location> {
    sorted_entries(f, id)
        .into_iter()
        .map(|(p, e)| Location {
            path: p.to_string(),
            span: e.id_span.clone(),
        })
        .collect()
}

/// The entries defining an ID, sorted by path and position.
fn sorted_entries<'a>(f: &'a Workspace, id: &str) -> Vec<(&'a str, &'a Entry)> {
    let mut v: Vec<(&str, &Entry)> = f
        .index
        .definitions(id)
        .iter()
        .filter_map(|d| f.index.entry(*d))
        .collect();
    v.sort_by(|a, b| (a.0, a.1.id_span.start).cmp(&(b.0, b.1.id_span.start)));
    v
}

/// Every reference of an ID: mentions, link-list items, ranges that cover it, and (optionally)
/// its definitions. Sorted by path and position.
pub fn references_of(f: &Workspace, id: &str, include_declaration: bool) -> Vec<Location> {
    let mut out: Vec<Location> = Vec::new();
    if include_declaration {
        out.extend(definitions_of(f, id));
    }
    for r in f.index.references(id) {
        if let Some((p, r)) = f.index.reference(r) {
            out.push(Location {
                path: p.to_string(),
                span: r.span.clone(),
            });
        }
    }
    // Inventory table rows listing an ID a heading or a line defines refer to it.
    for &d in f.index.all_definitions(id) {
        if f.index.is_listing(id, d) {
            if let Some((p, e)) = f.index.entry(d) {
                out.push(Location {
                    path: p.to_string(),
                    span: e.id_span.clone(),
                });
            }
        }
    }
    // Ranges `TEST-001 to TEST-050` cover the IDs between their ends.
    for (file, span) in f.index.ranges_covering(id) {
        if let Some(file) = f.index.file(file) {
            out.push(Location {
                path: file.path.clone(),
                span,
            });
        }
    }
    out.sort_by(|a, b| (&a.path, a.span.start).cmp(&(&b.path, b.span.start)));
    out.dedup();
    out
}

pub fn references(
    f: &Workspace,
    rel: &str,
    offset: usize,
    include_declaration: bool,
) -> Vec<Location> {
    let Some(doc) = f.parsed(rel) else {
        return Vec::new();
    };
    let Some(hit) = hit_at(&doc, offset) else {
        return Vec::new();
    };
    let Some((id, _)) = hit.id() else {
        return Vec::new();
    };
    references_of(f, id, include_declaration)
}

/// Occurrences of the ID at `offset` in the same file: (span, is a definition).
pub fn highlights(f: &Workspace, rel: &str, offset: usize) -> Vec<(Span, bool)> {
    let Some(doc) = f.parsed(rel) else {
        return Vec::new();
    };
    let Some(hit) = hit_at(&doc, offset) else {
        return Vec::new();
    };
    let Some((id, _)) = hit.id() else {
        return Vec::new();
    };
    let mut out: Vec<(Span, bool)> = doc
        .entries
        .iter()
        .filter(|e| e.id == id)
        .map(|e| (e.id_span.clone(), true))
        .collect();
    out.extend(
        doc.refs
            .iter()
            .filter(|r| r.id == id)
            .map(|r| (r.span.clone(), false)),
    );
    out.sort_by_key(|(s, _)| s.start);
    out
}

/// A one-paragraph Markdown summary of an entry.
pub fn entry_summary(f: &Workspace, path: &str, e: &Entry) -> String {
    let mut s = format!("**{}**", e.id);
    if !e.title.is_empty() {
        s.push_str(&format!(" — {}", e.title));
    }
    if e.deprecated {
        s.push_str(" *(deprecated");
        if let Some(r) = &e.replacement {
            s.push_str(&format!(": use {r}"));
        }
        s.push_str(")*");
    }
    s.push('\n');
    let mut facts = Vec::new();
    for key in ["type", "stage", "owner", "name", "status"] {
        if let Some(fl) = e.field(key) {
            let v = fl.value.lines().next().unwrap_or("").trim();
            if !v.is_empty() {
                facts.push(format!("{}: {v}", fl.key));
            }
        }
    }
    if let Some(sum) = &e.summary {
        if !sum.is_empty() {
            facts.push(sum.clone());
        }
    }
    if !facts.is_empty() {
        s.push_str(&format!("\n{}\n", facts.join(" · ")));
    }
    if let Some(d) = e.field("description") {
        let v = d.value.trim();
        if !v.is_empty() {
            s.push_str(&format!("\n{v}\n"));
        }
    }
    let n = references_of(f, &e.id, false).len();
    s.push_str(&format!(
        "\nDefined in `{path}` · linked from {n} place{}",
        if n == 1 { "" } else { "s" }
    ));
    if let Some(info) = f.config.prefix_info.get(e.prefix()) {
        if let Some(d) = &info.description {
            s.push_str(&format!("\n\n{}- : {d}", e.prefix()));
        }
    }
    s
}

/// Hover text and the span it is about.
pub fn hover(f: &Workspace, rel: &str, offset: usize) -> Option<(String, Span)> {
    let doc = f.parsed(rel)?;
    let hit = hit_at(&doc, offset)?;
    if let Hit::FieldKey(entry, field) = hit {
        let doc_text = schema::field_doc(&field.norm_key())?;
        let mut s = format!("**{}** — {doc_text}", field.key);
        if let Some(values) = schema::enum_values(&field.norm_key()) {
            s.push_str(&format!("\n\nValues: {}", values.join(", ")));
        }
        return Some((s, entry.abs(field.key_span)));
    }
    let (id, span) = hit.id()?;
    let defs = f.index.definitions(id);
    if defs.is_empty() {
        let p = id_prefix(id);
        let mut s = format!("**{id}** is not defined anywhere in the workspace.");
        if let Some(file) = f.config.prefix_info.get(p).and_then(|i| i.file.as_ref()) {
            s.push_str(&format!(" {p}- IDs are defined in `{file}`."));
        }
        return Some((s, span));
    }
    let mut parts = Vec::new();
    for (p, e) in sorted_entries(f, id) {
        parts.push(entry_summary(f, p, e));
    }
    if parts.len() > 1 {
        parts.insert(0, format!("⚠ **{id}** is defined {} times", parts.len()));
    }
    Some((parts.join("\n\n---\n\n"), span))
}

/// Can the ID at `offset` be renamed? Returns its span and text.
pub fn prepare_rename(f: &Workspace, rel: &str, offset: usize) -> Result<(Span, String), String> {
    let doc = f
        .parsed(rel)
        .ok_or("this file is not part of the workspace")?;
    let hit =
        hit_at(&doc, offset).ok_or("put the cursor on a trace ID (e.g. DEP-001) to rename it")?;
    let (id, span) = hit.id().ok_or("only trace IDs can be renamed")?;
    if f.index.definitions(id).is_empty() {
        return Err(format!(
            "{id} is not defined anywhere in the workspace, so there is nothing to rename"
        ));
    }
    Ok((span, id.to_string()))
}

/// Whether `s` is a well-formed ID (`PREFIX-NUMBER`).
pub fn is_id_shape(s: &str) -> bool {
    let mut mask = Vec::new();
    crate::syntax::ids::inline_mask(s, Default::default(), &mut mask);
    let ids = crate::syntax::ids::scan_ids(s, 0, &mask);
    ids.len() == 1 && ids[0].span == (0..s.len()) && !ids[0].placeholder
}

/// Renames the ID at `offset` everywhere: definitions, references, and the `#anchor` of
/// Markdown links to it.
pub fn rename(
    f: &Workspace,
    rel: &str,
    offset: usize,
    new_name: &str,
) -> Result<Vec<FileEdit>, String> {
    let (_, old) = prepare_rename(f, rel, offset)?;
    let new_name = new_name.trim();
    if new_name == old {
        return Ok(Vec::new());
    }
    if !is_id_shape(new_name) {
        return Err(format!(
            "`{new_name}` is not a trace ID (PREFIX-NUMBER, e.g. DEP-012)"
        ));
    }
    if !f.config.prefixes.is_known(id_prefix(new_name)) {
        return Err(format!(
            "`{new_name}` has the prefix {}, which is not a configured ID prefix (add it to `prefixes` in dep-ls.toml first)",
            id_prefix(new_name)
        ));
    }
    if !f.index.definitions(new_name).is_empty() {
        return Err(format!("{new_name} is already defined; pick a free ID"));
    }
    let mut edits = Vec::new();
    // Every definition, the inventory rows listing the ID included.
    for &d in f.index.all_definitions(&old) {
        if let Some((p, e)) = f.index.entry(d) {
            edits.push(FileEdit {
                path: p.to_string(),
                span: e.id_span.clone(),
                new_text: new_name.to_string(),
            });
        }
    }
    let old_anchor = format!("#{}", old.to_ascii_lowercase());
    for r in f.index.references(&old) {
        let Some((p, r)) = f.index.reference(r) else {
            continue;
        };
        edits.push(FileEdit {
            path: p.to_string(),
            span: r.span.clone(),
            new_text: new_name.to_string(),
        });
        if let (Some(link), Some(text)) = (&r.link, f.text(p)) {
            if let Some(whole) = text.get(link.span.clone()) {
                // The anchor must end there: `#api-0011` is no anchor of API-001.
                let anchor = whole.rfind(&old_anchor).filter(|pos| {
                    !whole[pos + old_anchor.len()..]
                        .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-')
                });
                if let Some(pos) = anchor {
                    let s = link.span.start + pos + 1;
                    edits.push(FileEdit {
                        path: p.to_string(),
                        span: s..s + old.len(),
                        new_text: new_name.to_ascii_lowercase(),
                    });
                }
            }
        }
    }
    // `**ID**: DEP-001` restatements inside the renamed entries.
    for d in f.index.definitions(&old) {
        if let Some((p, e)) = f.index.entry(*d) {
            for fl in &e.fields {
                if fl.norm_key() == "id" && fl.value.trim() == old {
                    let s =
                        e.at(fl.value_span.start) + (fl.value.len() - fl.value.trim_start().len());
                    edits.push(FileEdit {
                        path: p.to_string(),
                        span: s..s + old.len(),
                        new_text: new_name.to_string(),
                    });
                }
            }
        }
    }
    edits.sort_by(|a, b| (&a.path, a.span.start).cmp(&(&b.path, b.span.start)));
    edits.dedup();
    Ok(edits)
}

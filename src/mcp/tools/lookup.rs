//! `lookup_id`: an ID's definitions with their fields and the IDs they link
//! ([`crate::trace::outgoing`]), the entries that link it ([`crate::trace::incoming`]), and
//! its references.

use super::paths::Lines;
use super::{Answer, Args, Error, MAX_REFERENCES, TEXT_LINES};
use crate::syntax::id_prefix;
use crate::workspace::Workspace;
use serde_json::{json, Value};

pub(super) fn lookup_id(ws: &Workspace, args: &Args) -> Result<Answer, Error> {
    let given = args.str("id").unwrap_or_default();
    if given.is_empty() {
        return Err(Error::Bad(
            "`id` is empty; give an ID such as DEP-001".into(),
        ));
    }
    let index = &ws.index;
    let known = |id: &str| index.is_defined(id) || !index.references(id).is_empty();
    let upper = given.to_ascii_uppercase();
    let id: &str = if known(given) {
        given
    } else if known(&upper) {
        &upper
    } else {
        let hint = crate::suggest::did_you_mean(given, index.ids())
            .map(|s| format!(" Did you mean {s}?"))
            .unwrap_or_default();
        return Err(Error::Bad(format!(
            "unknown ID `{given}`: neither defined nor referenced in this workspace.{hint}"
        )));
    };
    let mut lines = Lines::new(ws);
    let mut defs = Vec::new();
    let mut text = String::new();
    for d in index.definitions(id) {
        let Some(file) = index.file(d.file) else {
            continue;
        };
        let Some(e) = file.doc.entries.get(d.entry as usize) else {
            continue;
        };
        let path = file.path.as_str();
        let line = lines.line(path, e.id_span.start);
        let fields: Vec<Value> = e
            .fields
            .iter()
            .map(|f| {
                json!({
                    "key": &*f.key,
                    "value": &*f.value,
                    "line": lines.line(path, e.at(f.line_start)),
                })
            })
            .collect();
        let links: Vec<Value> = crate::trace::outgoing(&file.doc, d.entry as usize)
            .into_iter()
            .map(|o| {
                let at = o.spans.first().map_or(e.id_span.start, |s| s.start);
                json!({
                    "id": o.target,
                    "relation": crate::trace::relation(id_prefix(&o.target)),
                    "defined": index.is_defined(&o.target),
                    "linkList": o.linked,
                    "line": lines.line(path, at),
                })
            })
            .collect();
        let field = |k: &str| {
            e.fields
                .iter()
                .find(|f| f.key.eq_ignore_ascii_case(k))
                .map(|f| f.value.to_string())
        };
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&format!("{id}: {} — {path}:{line}", e.title));
        if e.deprecated {
            text.push_str(" [deprecated]");
        }
        for f in &e.fields {
            let v = f.value.lines().next().unwrap_or("");
            let more = if f.value.contains('\n') { " …" } else { "" };
            text.push_str(&format!("\n  {}: {v}{more}", f.key));
        }
        if !links.is_empty() {
            let named: Vec<String> = links
                .iter()
                .map(|l| {
                    let id = l["id"].as_str().unwrap_or_default();
                    if l["defined"].as_bool().unwrap_or(false) {
                        id.to_string()
                    } else {
                        format!("{id} (not defined)")
                    }
                })
                .collect();
            text.push_str(&format!("\n  links: {}", named.join(", ")));
        }
        defs.push(json!({
            "path": path,
            "line": line,
            "title": &*e.title,
            "type": field("Type"),
            "stage": field("Stage"),
            "deprecated": e.deprecated,
            "summary": e.summary,
            "replacement": e.replacement,
            "fields": fields,
            "links": links,
        }));
    }
    if defs.is_empty() {
        text.push_str(&format!(
            "{id} is not defined in this workspace (it is referenced: an unresolved link until an entry defines it)"
        ));
    } else if defs.len() > 1 {
        text.push_str(&format!(
            "\n\n{id} is defined {} times: a duplicate ID (an error for `dep-ls check`)",
            defs.len()
        ));
    }
    let linked_by: Vec<Value> = crate::trace::incoming(index, id)
        .into_iter()
        .map(|inc| {
            let at = inc.spans.first().map_or(0, |s| s.start);
            json!({
                "id": inc.id,
                "title": inc.title,
                "path": &inc.path,
                "line": lines.line(&inc.path, at),
                "linkList": inc.linked,
            })
        })
        .collect();
    if !linked_by.is_empty() {
        text.push_str(&format!("\nlinked by {}:", linked_by.len()));
        for l in linked_by.iter().take(TEXT_LINES) {
            text.push_str(&format!(
                "\n  {} {} ({}:{})",
                l["id"].as_str().unwrap_or_default(),
                l["title"].as_str().unwrap_or_default(),
                l["path"].as_str().unwrap_or_default(),
                l["line"]
            ));
        }
    }
    let refs = index.references(id);
    let total = refs.len();
    let mut references = Vec::new();
    for r in refs.into_iter().take(MAX_REFERENCES) {
        let Some((path, reference)) = index.reference(r) else {
            continue;
        };
        let (line, column) = lines.line_col(path, reference.span.start);
        let entry = reference.entry.and_then(|i| {
            index
                .file(r.file)
                .and_then(|f| f.doc.entries.get(i as usize))
                .map(|e| e.id.to_string())
        });
        references.push(json!({
            "path": path,
            "line": line,
            "column": column,
            "entry": entry,
            "linkList": reference.link_list,
        }));
    }
    references.sort_by(|a, b| {
        (a["path"].as_str(), a["line"].as_u64(), a["column"].as_u64()).cmp(&(
            b["path"].as_str(),
            b["line"].as_u64(),
            b["column"].as_u64(),
        ))
    });
    text.push_str(&format!(
        "\n{} to {id}",
        crate::check::entry::plural(total, "reference", "references")
    ));
    let structured = json!({
        "id": id,
        "defined": !defs.is_empty(),
        "definitions": defs,
        "linkedBy": linked_by,
        "linkedByPlans": crate::trace::linked_by_plans(index, id),
        "references": references,
        "referenceCount": total,
    });
    Ok(Answer { structured, text })
}

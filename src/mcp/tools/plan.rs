//! The tools for writing a plan: `readiness` ([`crate::report`]), `next_id`
//! ([`next_free_id`]) and `template` ([`crate::schema::template`]).

use super::paths::{scope, Scope};
use super::{Answer, Args, Error};
use crate::check::entry::next_free_id;
use crate::schema::EntryType;
use crate::syntax::{id_number, id_prefix};
use crate::workspace::Workspace;
use serde_json::{json, Value};

pub(super) fn readiness(ws: &Workspace, args: &Args) -> Result<Answer, Error> {
    let scope = scope(ws, args.str("path"))?;
    let mut lines =
        crate::report::TextLines::new(ws.files.iter().map(|f| (f.path.as_str(), &*f.text)));
    let mut report = crate::report::build(&ws.index, &ws.config, &mut lines);
    if scope != Scope::All {
        report
            .plans
            .retain(|p| p.members.iter().any(|(path, _)| scope.covers(path)));
    }
    let structured: Value = serde_json::from_str(&crate::report::render::json(&report))
        .map_err(|e| Error::Bad(format!("internal error: the report is not JSON ({e})")))?;
    let mut text = crate::report::render::markdown(&report);
    if report.no_plan() && scope != Scope::All {
        // The report says the workspace has none; here it is the path that has none.
        text = format!(
            "No DEP- release plan has an entry in {}: nothing to judge there.\n",
            scope.rel()
        );
    }
    Ok(Answer { structured, text })
}

/// The prefixes the workspace knows: configured or in use, sorted.
fn known_prefixes(ws: &Workspace) -> Vec<String> {
    let mut v: Vec<String> = ws.config.prefixes.iter().cloned().collect();
    v.extend(ws.index.prefixes().map(str::to_string));
    v.sort();
    v.dedup();
    v
}

pub(super) fn next_id(ws: &Workspace, args: &Args) -> Result<Answer, Error> {
    let given = args.str("prefix").unwrap_or_default();
    let p = given.trim_end_matches('-');
    if p.is_empty() {
        return Err(Error::Bad(
            "`prefix` is empty; give one such as DEP or API".into(),
        ));
    }
    let known = known_prefixes(ws);
    let prefix = match known
        .iter()
        .find(|k| k.as_str() == p)
        .or_else(|| known.iter().find(|k| k.eq_ignore_ascii_case(p)))
    {
        Some(k) => k.clone(),
        None => {
            let hint = crate::suggest::did_you_mean(p, known.iter().map(String::as_str))
                .map(|s| format!(" Did you mean {s}?"))
                .unwrap_or_default();
            let mut list: Vec<&str> = known.iter().map(String::as_str).take(60).collect();
            if known.len() > 60 {
                list.push("…");
            }
            return Err(Error::Bad(format!(
                "unknown prefix `{given}`.{hint} The prefixes of this workspace: {}",
                list.join(", ")
            )));
        }
    };
    let next = next_free_id(&ws.index, &prefix);
    let span = ws.index.number_span(&prefix);
    let text = match &span {
        Some(s) => format!(
            "{next} (highest {prefix}- ID defined: {}; {} defined)",
            s.max.1,
            crate::check::entry::plural(s.count, "ID", "IDs")
        ),
        None => format!("{next} (no {prefix}- ID is defined yet)"),
    };
    let structured = json!({
        "prefix": prefix,
        "next": next,
        "highest": span.as_ref().map(|s| s.max.1.clone()),
        "count": span.as_ref().map_or(0, |s| s.count),
    });
    Ok(Answer { structured, text })
}

pub(super) fn template(ws: &Workspace, args: &Args) -> Result<Answer, Error> {
    let given = args.str("type").unwrap_or_default();
    let names: Vec<&str> = EntryType::ALL.iter().map(|t| t.name()).collect();
    let Some(ty) = EntryType::parse(given).filter(|_| !given.is_empty()) else {
        let hint = crate::suggest::did_you_mean(given, names.iter().copied())
            .map(|s| format!(" Did you mean {s}?"))
            .unwrap_or_default();
        return Err(Error::Bad(format!(
            "unknown Type `{given}`.{hint} The Types: {}",
            names.join(", ")
        )));
    };
    let heading = match args.int("heading") {
        None => Some(2u8),
        Some(0) => None,
        Some(n @ 1..=6) => Some(n as u8),
        Some(n) => {
            return Err(Error::Bad(format!(
                "`heading` must be 0 (a plain line) to 6; got {n}"
            )))
        }
    };
    let id = match args.str("id") {
        None | Some("") => next_free_id(&ws.index, "DEP"),
        Some(id) => {
            let ok = id.contains('-')
                && !id_prefix(id).is_empty()
                && id_prefix(id)
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-')
                && (id_number(id).is_some() || id.ends_with("-XXX"));
            if !ok {
                return Err(Error::Bad(format!(
                    "`{id}` is not an ID; give one such as DEP-008 (`next_id` gives the next free one)"
                )));
            }
            id.to_string()
        }
    };
    let t = crate::schema::template(ty, &id, heading);
    let taken = ws.index.is_defined(&id);
    let mut text = t.text.clone();
    if taken {
        text.push_str(&format!(
            "\n(note: {id} is already defined in this workspace; a second definition is a duplicate ID — ask `next_id` for a free one)\n"
        ));
    }
    let structured = json!({
        "type": ty.name(),
        "id": id,
        "idInUse": taken,
        "heading": heading,
        "requiredFields": ty.required_fields(),
        "text": t.text,
    });
    Ok(Answer { structured, text })
}

//! Code actions: quick fixes for findings, and refactors that insert DEP- templates.

use super::style::{eol, field_style, heading_level, line_end, line_start};
use super::{entry_at, FileEdit};
use crate::check::entry::next_free_id;
use crate::check::{Code, Finding, FixHint};
use crate::schema::{placeholder, template, template_fields, EntryType};
use crate::syntax::{id_prefix, DefKind, Entry, ParsedDoc, Span};
use crate::workspace::Workspace;

/// What an action is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    QuickFix,
    Refactor,
    /// Every safe fix of the file at once (what `dep-ls check --fix` applies).
    FixAll,
}

/// One code action: a title and the edits it makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub kind: ActionKind,
    pub edits: Vec<FileEdit>,
    pub preferred: bool,
    /// The finding it fixes.
    pub fixes: Option<Finding>,
    /// The Type of the entry it inserts, for "Insert a DEP- <Type> entry" (a front end gives it
    /// the kind `schema::TEMPLATE_ACTION_KIND`, so that an editor finds it by data, not title).
    pub template: Option<EntryType>,
}

fn overlaps(a: &Span, b: &Span) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// Where new fields go: after the last `Key: value` field's last line, else after the
/// definition line.
fn field_insert_point(text: &str, e: &Entry) -> usize {
    let last = e
        .fields
        .iter()
        .filter(|f| !f.heading)
        .map(|f| {
            let end = f.pieces.last().map_or(f.key_span.end, |p| p.end);
            e.at(end.max(f.key_span.end))
        })
        .max();
    line_end(text, last.unwrap_or(e.line_span.end))
}

/// Edits adding `keys` (in template order) to an entry, with the guide's placeholders.
pub fn add_fields_edit(rel: &str, text: &str, e: &Entry, keys: &[String]) -> FileEdit {
    let nl = eol(text);
    let (before, after) = field_style(text, e);
    let at = field_insert_point(text, e);
    let mut s = String::new();
    for k in keys {
        s.push_str(nl);
        s.push_str(format!("{before}{k}{after}{}", placeholder(k)).trim_end());
    }
    FileEdit {
        path: rel.to_string(),
        span: at..at,
        new_text: s,
    }
}

/// Every field the entry's Type requires that it lacks, in template order.
pub fn missing_fields(e: &Entry) -> Vec<String> {
    let ty = match e.field("type") {
        None => EntryType::Step,
        Some(f) => EntryType::parse(&f.value).unwrap_or(EntryType::Step),
    };
    template_fields(ty)
        .into_iter()
        .filter(|k| *k != "Linked IDs" || ty == EntryType::Criteria || ty == EntryType::Rollback)
        .filter(|k| e.field(&k.to_ascii_lowercase()).is_none())
        .map(str::to_string)
        .collect()
}

/// Code actions for `span` of a file.
pub fn code_actions(f: &Workspace, rel: &str, span: Span) -> Vec<Action> {
    let (Some(text), Some(doc)) = (f.text(rel), f.parsed(rel)) else {
        return Vec::new();
    };
    // Inside the text, on character boundaries, start first.
    let clamp = |o: usize| crate::text::floor_char_boundary(text, o.min(text.len()));
    let (a, b) = (clamp(span.start), clamp(span.end));
    let span = a.min(b)..a.max(b);
    let mut out = Vec::new();
    let findings = f.diagnostics(rel);
    for finding in &findings {
        if overlaps(&finding.span, &span) {
            out.extend(fixes(f, rel, text, &doc, finding));
        }
    }
    out.extend(refactors(f, rel, text, &doc, span.start));
    // The file's findings, computed once for the quick fixes and "fix all".
    out.extend(fix_all_of(f, rel, text, &doc, &findings));
    out
}

/// "Fix all": the fixes `dep-ls check --fix` makes that need no judgement (enum casing, a key
/// typo with one clear match, the next free number for `DEP-XXX`), for the whole file at once
/// — one round of them ([`crate::fix::fixes`], numbered after the workspace's highest ID);
/// `None` when there is nothing to fix.
pub fn fix_all(f: &Workspace, rel: &str) -> Option<Action> {
    let (text, doc) = (f.text(rel)?, f.parsed(rel)?);
    fix_all_of(f, rel, text, &doc, &f.diagnostics(rel))
}

/// [`fix_all`] from the file's findings already computed.
fn fix_all_of(
    f: &Workspace,
    rel: &str,
    text: &str,
    doc: &ParsedDoc,
    findings: &[Finding],
) -> Option<Action> {
    let mut numbering = crate::fix::Numbering::from_index(&f.index);
    let found = crate::fix::fixes(text, doc, findings, &mut numbering);
    if found.is_empty() {
        return None;
    }
    let n = found.len();
    Some(Action {
        title: format!(
            "Fix all safe dep-ls findings in this file ({n} {})",
            if n == 1 { "fix" } else { "fixes" }
        ),
        kind: ActionKind::FixAll,
        edits: found
            .into_iter()
            .map(|x| FileEdit {
                path: rel.to_string(),
                span: x.span,
                new_text: x.new,
            })
            .collect(),
        preferred: false,
        fixes: None,
        template: None,
    })
}

fn replace_title(code: Code, old: &str, new: &str) -> String {
    match code {
        Code::UnresolvedLink => format!("Replace {old} with {new}"),
        Code::DeprecatedLink => format!("Link {new} instead of the deprecated {old}"),
        Code::DuplicateId => format!("Renumber {old} to {new}"),
        Code::TemplatePlaceholder => format!("Number the entry {new}"),
        Code::UnknownField => format!("Change `{old}` to `{new}`"),
        Code::UnknownPrefix => format!("Replace {old} with {new}"),
        Code::BrokenLink => format!("Point the link at {new}"),
        _ => format!("Replace `{old}` with `{new}`"),
    }
}

/// Quick fixes for one finding.
fn fixes(f: &Workspace, rel: &str, text: &str, doc: &ParsedDoc, finding: &Finding) -> Vec<Action> {
    let mut out = Vec::new();
    let entry = entry_at(doc, finding.span.start).map(|(_, e)| e);
    let quick = |title: String, edits: Vec<FileEdit>, preferred: bool| Action {
        title,
        kind: ActionKind::QuickFix,
        edits,
        preferred,
        fixes: Some(finding.clone()),
        template: None,
    };
    match &finding.fix {
        Some(FixHint::Replace(cands)) => {
            let old = text.get(finding.span.clone()).unwrap_or("");
            for (i, c) in cands.iter().enumerate() {
                let mut span = finding.span.clone();
                if finding.code == Code::BrokenLink {
                    // Replace only the path inside `[ID](path#anchor)`.
                    let Some(open) = old.find("](") else { continue };
                    let dest_start = finding.span.start + open + 2;
                    let dest = &text[dest_start..finding.span.end.saturating_sub(1)];
                    let path_len = dest.find(['#', '?', ' ']).unwrap_or(dest.len());
                    span = dest_start..dest_start + path_len;
                }
                let shown_old = text.get(span.clone()).unwrap_or(old);
                let mut edits = vec![FileEdit {
                    path: rel.to_string(),
                    span,
                    new_text: c.clone(),
                }];
                // `[API-003](…#api-003)`: the anchor follows the ID.
                if matches!(
                    finding.code,
                    Code::UnresolvedLink | Code::DeprecatedLink | Code::UnknownPrefix
                ) {
                    edits.extend(anchor_edit(rel, text, doc, &finding.span, c));
                }
                out.push(quick(
                    replace_title(finding.code, shown_old, c),
                    edits,
                    i == 0 && cands.len() == 1,
                ));
            }
        }
        Some(FixHint::AddFields(keys)) => {
            // A plan-table row's fields are columns: lines added under it would break the table.
            if let Some(e) = entry.filter(|e| e.def_kind != DefKind::PlanRow) {
                let title = if keys.len() == 1 {
                    format!("Add `{}:` to {}", keys[0], e.id)
                } else {
                    format!(
                        "Add {} to {}",
                        keys.iter()
                            .map(|k| format!("`{k}:`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        e.id
                    )
                };
                out.push(quick(
                    title,
                    vec![add_fields_edit(rel, text, e, keys)],
                    true,
                ));
            }
        }
        None => {}
    }
    if finding.code == Code::UnresolvedLink {
        if let Some(id) = text.get(finding.span.clone()) {
            out.extend(
                stub_definition(f, rel, id).map(|(title, edit)| quick(title, vec![edit], false)),
            );
        }
    }
    if finding.code == Code::PlaintextSecret {
        if let Some(e) = entry {
            out.extend(
                move_secret(rel, text, e, finding).map(|(title, edits)| quick(title, edits, true)),
            );
        }
    }
    // Last, never preferred: suppress it on its line (issue 14).
    if let Some(edit) = ignore_edit(rel, text, finding) {
        out.push(quick(
            format!("Ignore {} on this line", finding.code.as_str()),
            vec![edit],
            false,
        ));
    }
    out
}

/// The edit inserting `<!-- dep-ls-disable-next-line CODE -->` above the finding's line, with
/// that line's indentation. Not for `internal-error` (a bug to report, not to hide) nor for
/// `unknown-suppression` (fix the code instead), nor for findings of another file.
fn ignore_edit(rel: &str, text: &str, finding: &Finding) -> Option<FileEdit> {
    if finding.path != rel || matches!(finding.code, Code::InternalError | Code::UnknownSuppression)
    {
        return None;
    }
    let start = line_start(text, finding.span.start);
    let rest = text.get(start..line_end(text, start))?;
    let indent = &rest[..rest.len() - rest.trim_start_matches([' ', '\t']).len()];
    Some(FileEdit {
        path: rel.to_string(),
        span: start..start,
        new_text: format!(
            "{indent}<!-- dep-ls-disable-next-line {} -->{}",
            finding.code.as_str(),
            eol(text)
        ),
    })
}

/// When the reference at `span` is the text of a Markdown link whose `#anchor` names it, the
/// edit that points the anchor at `new_id`.
fn anchor_edit(
    rel: &str,
    text: &str,
    doc: &ParsedDoc,
    span: &Span,
    new_id: &str,
) -> Option<FileEdit> {
    let r = doc.refs.iter().find(|r| r.span == *span)?;
    let link = r.link.as_ref()?;
    let whole = text.get(link.span.clone())?;
    let anchor = format!("#{}", r.id.to_ascii_lowercase());
    let pos = whole.rfind(&anchor)?;
    let start = link.span.start + pos + 1;
    let end = start + r.id.len();
    // The anchor must end there (`#api-00` is no anchor of `API-001`).
    if text[end..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-') {
        return None;
    }
    Some(FileEdit {
        path: rel.to_string(),
        span: start..end,
        new_text: new_id.to_ascii_lowercase(),
    })
}

/// Appends `## ID: [Title]` to the file that owns the prefix (per the prefix registry), or to
/// this file.
fn stub_definition(f: &Workspace, rel: &str, id: &str) -> Option<(String, FileEdit)> {
    let prefix = id_prefix(id);
    let owner = f
        .config
        .prefix_info
        .get(prefix)
        .and_then(|i| i.file.clone())
        .filter(|p| f.text(p).is_some())
        .unwrap_or_else(|| rel.to_string());
    let text = f.text(&owner)?;
    let doc = f.parsed(&owner)?;
    let nl = eol(text);
    let same = doc.entries.iter().rev().find(|e| e.prefix() == prefix);
    if let Some(row) = same.filter(|e| e.def_kind.is_row()) {
        // The prefix's IDs are rows of a table: a new row right after the last one.
        let at = line_end(text, row.line_span.end);
        let title = if owner == rel {
            format!(
                "Create a stub definition of {id} after {} in this file",
                row.id
            )
        } else {
            format!(
                "Create a stub definition of {id} after {} in {owner}",
                row.id
            )
        };
        return Some((
            title,
            FileEdit {
                path: owner,
                span: at..at,
                new_text: format!("{nl}| {id} | [Title] |"),
            },
        ));
    }
    let level = same
        .or_else(|| doc.entries.iter().rev().find(|e| !e.def_kind.is_row()))
        .map(|e| e.def_kind);
    let head = match level {
        Some(DefKind::Heading(l)) => format!("{} {id}: [Title]", "#".repeat(l as usize)),
        _ => format!("## {id}: [Title]"),
    };
    // One blank line before the stub, however the file ends.
    let sep = if text.is_empty() || text.ends_with("\n\n") || text.ends_with("\n\r\n") {
        String::new()
    } else if text.ends_with('\n') {
        nl.to_string()
    } else {
        format!("{nl}{nl}")
    };
    let body = format!("{sep}{head}{nl}{nl}Description: [What {id} is]{nl}");
    let title = if owner == rel {
        format!("Create a stub definition of {id} at the end of this file")
    } else {
        format!("Create a stub definition of {id} in {owner}")
    };
    Some((
        title,
        FileEdit {
            path: owner,
            span: text.len()..text.len(),
            new_text: body,
        },
    ))
}

/// Replaces a literal secret with a reference and records it under `Secrets:`.
fn move_secret(
    rel: &str,
    text: &str,
    e: &Entry,
    finding: &Finding,
) -> Option<(String, Vec<FileEdit>)> {
    let ls = line_start(text, finding.span.start);
    let before = text.get(ls..finding.span.start)?;
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let last_ident = |s: &str| -> String {
        let t = s.trim_end_matches(|c: char| !ident(c));
        t[t.trim_end_matches(ident).len()..].to_string()
    };
    let mut span = finding.span.clone();
    let name = match before.rfind('=') {
        // `DATABASE_URL=postgres://app:s3cr3t@db/orders`: the whole value becomes `${NAME}`.
        Some(eq) if !before[eq..].contains(char::is_whitespace) => {
            let end = text[span.end..]
                .find(|c: char| c.is_whitespace() || c == ',' || c == ';')
                .map_or(text.len(), |i| span.end + i);
            span = ls + eq + 1..end;
            last_ident(&before[..eq])
        }
        // `GITHUB_TOKEN: ghp_…`, `token ghp_…`: the word before the secret.
        _ => last_ident(before),
    };
    let key = e
        .fields
        .iter()
        .find(|f| {
            f.pieces.iter().any(|&p| {
                let p = e.abs(p);
                p.start <= finding.span.start && finding.span.start <= p.end
            })
        })
        .map(|f| f.key.clone())
        .unwrap_or_default();
    let name = if name.is_empty() || name.eq_ignore_ascii_case(&key) {
        "SECRET".to_string()
    } else {
        name
    };
    let mut edits = vec![FileEdit {
        path: rel.to_string(),
        span,
        new_text: format!("${{{name}}}"),
    }];
    let note = format!("{name} from the secrets manager");
    match e.field("secrets") {
        Some(s) if !s.value_span.is_empty() => edits.push(FileEdit {
            path: rel.to_string(),
            span: e.at(s.value_span.end)..e.at(s.value_span.end),
            new_text: format!("; {note}"),
        }),
        Some(s) => edits.push(FileEdit {
            path: rel.to_string(),
            span: e.at(s.key_span.end) + 1..e.at(s.key_span.end) + 1,
            new_text: format!(" {note}"),
        }),
        None => {
            let mut add = add_fields_edit(rel, text, e, &["Secrets".to_string()]);
            add.new_text = add.new_text.replace(placeholder("Secrets"), &note);
            edits.push(add);
        }
    }
    edits.sort_by_key(|e| e.span.start);
    Some((
        format!("Replace the literal secret with ${{{name}}} and reference it under Secrets:"),
        edits,
    ))
}

/// Refactors at a position: insert a template of each Type, add all missing fields.
fn refactors(f: &Workspace, rel: &str, text: &str, doc: &ParsedDoc, offset: usize) -> Vec<Action> {
    let mut out = Vec::new();
    if let Some((_, e)) = entry_at(doc, offset) {
        if e.is_dep_block() && e.def_kind != DefKind::PlanRow {
            let missing = missing_fields(e);
            if !missing.is_empty() {
                out.push(Action {
                    title: format!(
                        "Add all missing fields to {} ({})",
                        e.id,
                        missing.join(", ")
                    ),
                    kind: ActionKind::Refactor,
                    edits: vec![add_fields_edit(rel, text, e, &missing)],
                    preferred: false,
                    fixes: None,
                    template: None,
                });
            }
        }
    }
    // Insert templates after the current entry (or at a blank line).
    let nl = eol(text);
    let ls = line_start(text, offset);
    let le = line_end(text, offset);
    let (at, lead) = if text[ls..le].trim().is_empty() {
        (ls, String::new())
    } else {
        let end = entry_at(doc, offset)
            .map(|(_, e)| line_end(text, e.span.end))
            .unwrap_or(le);
        (end, format!("{nl}{nl}"))
    };
    let id = next_free_id(&f.index, "DEP");
    let style = heading_level(doc);
    for ty in EntryType::ALL {
        let body = template(ty, &id, style).text.replace('\n', nl);
        out.push(Action {
            title: format!("Insert a DEP- {} entry ({id})", ty.name()),
            kind: ActionKind::Refactor,
            edits: vec![FileEdit {
                path: rel.to_string(),
                span: at..at,
                new_text: format!("{lead}{body}"),
            }],
            preferred: false,
            fixes: None,
            template: Some(ty),
        });
    }
    out
}

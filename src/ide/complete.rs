//! Completion: field keys, enumerated values, owners, IDs (and ranges), entry templates.

use super::entry_at;
use super::style::{field_style, heading_level};
use crate::check::entry::next_free_id;
use crate::schema::{self, EntryType};
use crate::syntax::extract::parse_field_line;
use crate::syntax::ids::{inline_mask, InlineState};
use crate::syntax::{
    id_number, id_prefix, is_link_list_key, normalize_key, Entry, LineKind, LinkItem, ParsedDoc,
    Span,
};
use crate::workspace::Workspace;

/// What a completion item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Id,
    Range,
    Field,
    Value,
    Owner,
    Template,
}

/// One completion item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    pub insert_text: String,
    /// `insert_text` is an LSP snippet (`${1:…}`).
    pub snippet: bool,
    /// What the insertion replaces (the text typed so far).
    pub replace: Span,
    pub sort_text: String,
}

/// Completions at `offset`, and whether the list is incomplete (more would match).
pub fn completions(f: &Workspace, rel: &str, offset: usize) -> (Vec<Completion>, bool) {
    completions_with(f, rel, offset, false)
}

/// Like [`completions`]; with `lazy_docs`, ID items come without documentation (the client
/// asks for it item by item: [`id_documentation`]), which keeps long lists cheap.
pub fn completions_with(
    f: &Workspace,
    rel: &str,
    offset: usize,
    lazy_docs: bool,
) -> (Vec<Completion>, bool) {
    let (Some(text), Some(doc)) = (f.text(rel), f.parsed(rel)) else {
        return (Vec::new(), false);
    };
    let offset = crate::text::floor_char_boundary(text, offset.min(text.len()));
    let line_start = text[..offset]
        .rfind(['\n', '\r'])
        .map(|i| i + 1)
        .unwrap_or(0);
    let line_end = text[offset..]
        .find(['\n', '\r'])
        .map(|i| offset + i)
        .unwrap_or(text.len());
    let line = &text[line_start..line_end];
    let before = &text[line_start..offset];
    let entry = current_entry(&doc, text, offset, line_start);

    // The word being typed (an ID in the making: letters, digits, `-`).
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .last()
        .map(|(i, _)| line_start + i)
        .unwrap_or(offset);
    let word = &text[word_start..offset];

    // IDs inside code blocks, code spans and HTML comments are no IDs: nothing to complete.
    if in_code(
        f,
        rel,
        text,
        line_start,
        line,
        word_start.min(offset.saturating_sub(1)),
    ) {
        return (Vec::new(), false);
    }

    // Inside a field's value?
    if let Some(fl) = parse_field_line(line) {
        let key = &line[fl.key.0..fl.key.1];
        let value_start =
            line_start + fl.key.1 + line[fl.key.1..].find(':').map(|i| i + 1).unwrap_or(0);
        let value_start = value_start + text[value_start..offset.max(value_start)].len()
            - text[value_start..offset.max(value_start)]
                .trim_start_matches(['*', ' ', '\t'])
                .len();
        if offset >= value_start {
            let norm = normalize_key(key);
            if is_link_list_key(&norm) {
                return ids(f, entry, word, word_start..offset, true, lazy_docs);
            }
            if let Some(values) = schema::enum_values(&norm) {
                let typed = &text[value_start..offset];
                let items = values
                    .iter()
                    .filter(|v| {
                        v.to_ascii_lowercase()
                            .starts_with(&typed.trim().to_ascii_lowercase())
                    })
                    .enumerate()
                    .map(|(i, v)| Completion {
                        label: v.to_string(),
                        kind: CompletionKind::Value,
                        detail: Some(format!("{key} value")),
                        documentation: schema::value_doc(&norm, v).map(str::to_string),
                        insert_text: v.to_string(),
                        snippet: false,
                        replace: value_start..offset,
                        sort_text: format!("{i:02}"),
                    })
                    .collect();
                return (items, false);
            }
            if norm == "owner" {
                return (
                    owners(
                        f,
                        rel,
                        entry,
                        &text[value_start..offset],
                        value_start..offset,
                    ),
                    false,
                );
            }
            if looks_like_id_start(word) {
                return ids(f, entry, word, word_start..offset, false, lazy_docs);
            }
            return (Vec::new(), false);
        }
    }

    // A continuation line of a link list.
    if entry.is_some_and(|e| in_link_list(e, text, offset, line_start, line_end, before)) {
        return ids(f, entry, word, word_start..offset, true, lazy_docs);
    }
    if looks_like_id_start(word) && !before.trim_start().starts_with(word) {
        return ids(f, entry, word, word_start..offset, false, lazy_docs);
    }

    // Start of a line: field keys inside a DEP- entry (after the list or bold markers already
    // typed), entry templates on a free line.
    let content = before.trim_start();
    let stripped = content.trim_start_matches(['-', '*', '+', ' ']);
    let markers = &content[..content.len() - stripped.len()];
    let mut items = Vec::new();
    if let Some(e) = entry.filter(|e| e.is_dep_block()) {
        if stripped.chars().all(|c| c.is_alphanumeric() || c == ' ') {
            items.extend(field_keys(
                text,
                e,
                markers,
                stripped,
                offset - stripped.len()..offset,
            ));
        }
    }
    let dep_start = "DEP-".starts_with(stripped)
        || stripped
            .strip_prefix("DEP-")
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()));
    if markers.is_empty() && dep_start {
        let replace = offset - content.len()..offset;
        items.extend(templates(f, &doc, replace));
    }
    (items, false)
}

/// Is the cursor where IDs are not IDs: a code block (other than a DEP one), front matter, an
/// HTML comment block, or an inline code span or comment of its line (`at` is the byte checked)?
fn in_code(f: &Workspace, rel: &str, text: &str, line_start: usize, line: &str, at: usize) -> bool {
    let kind_of = |kinds: &[LineKind]| {
        crate::text::line_spans(text)
            .position(|(s, _, _)| s == line_start)
            .and_then(|i| kinds.get(i).copied())
    };
    let kind = match f.open.get(rel) {
        Some(d) => kind_of(d.kinds()),
        None => kind_of(&crate::syntax::blocks::classify(text)),
    };
    if matches!(
        kind,
        Some(LineKind::Code | LineKind::Comment | LineKind::Meta)
    ) {
        return true;
    }
    let mut mask = Vec::new();
    inline_mask(line, InlineState::default(), &mut mask);
    at >= line_start && mask.get(at - line_start).copied().unwrap_or(false)
}

/// Is the cursor in a link-list field of the entry: on one of its lines, or on the line right
/// after it that continues it (an indented line or a list item)?
fn in_link_list(
    e: &Entry,
    text: &str,
    offset: usize,
    line_start: usize,
    line_end: usize,
    before: &str,
) -> bool {
    let continues = before.starts_with([' ', '\t'])
        || before.starts_with(['-', '*', '+'])
        || before
            .split_once(". ")
            .is_some_and(|(n, _)| n.bytes().all(|b| b.is_ascii_digit()));
    e.fields
        .iter()
        .filter(|fl| is_link_list_key(&fl.norm_key()))
        .any(|fl| {
            if fl.pieces.iter().any(|&p| {
                let start = e.at(p.start);
                line_start <= start && start <= line_end && start <= offset
            }) {
                return true;
            }
            let end = fl.pieces.last().map_or(fl.key_span.end, |p| p.end);
            let last = e.at(end.max(fl.key_span.end));
            let Some(gap) = text.get(last..line_start) else {
                return false;
            };
            let breaks = gap.matches('\n').count();
            continues
                && gap.trim().is_empty()
                && (breaks == 1 || (fl.heading && fl.pieces.is_empty() && breaks == 2))
        })
}

/// Could `w` be the start of an ID being typed (`TE`, `TEST-`, `TEST-0`)?
fn looks_like_id_start(w: &str) -> bool {
    let b = w.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_uppercase()
        && b.iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'-')
        && (w.len() >= 2 || w.contains('-'))
}

/// The entry the cursor is in, counting blank lines right after an entry as inside it.
fn current_entry<'a>(
    doc: &'a ParsedDoc,
    text: &str,
    offset: usize,
    line_start: usize,
) -> Option<&'a Entry> {
    if let Some((_, e)) = entry_at(doc, offset) {
        return Some(e);
    }
    let i = doc
        .entries
        .partition_point(|e| e.span.start <= offset)
        .checked_sub(1)?;
    let e = &doc.entries[i];
    if line_start <= e.span.end {
        // On the entry's last line, after trailing blanks.
        return Some(e);
    }
    let gap = text.get(e.span.end..line_start)?;
    (!e.def_kind.is_row() && gap.trim().is_empty() && gap.matches('\n').count() <= 2).then_some(e)
}

/// Owners already used in the folder, most used first.
fn owners(
    f: &Workspace,
    rel: &str,
    current: Option<&Entry>,
    typed: &str,
    replace: Span,
) -> Vec<Completion> {
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (_, file) in f.index.files_sorted() {
        for e in &file.doc.entries {
            // Not the owner being typed.
            if file.path == rel && current.is_some_and(|c| c.id_span == e.id_span) {
                continue;
            }
            if let Some(o) = e.field("owner") {
                let v = o.value.trim();
                if !v.is_empty() && !v.starts_with('[') {
                    *counts.entry(v.to_string()).or_default() += 1;
                }
            }
        }
    }
    let typed = typed.trim().to_ascii_lowercase();
    let mut v: Vec<(String, usize)> = counts
        .into_iter()
        .filter(|(o, _)| o.to_ascii_lowercase().contains(&typed))
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.into_iter()
        .take(50)
        .enumerate()
        .map(|(i, (o, n))| Completion {
            label: o.clone(),
            kind: CompletionKind::Owner,
            detail: Some(format!(
                "owner of {n} entr{}",
                if n == 1 { "y" } else { "ies" }
            )),
            documentation: None,
            insert_text: o,
            snippet: false,
            replace: replace.clone(),
            sort_text: format!("{i:03}"),
        })
        .collect()
}

/// Prefixes most relevant to link from an entry of this Type.
fn preferred_prefixes(entry: Option<&Entry>) -> &'static [&'static str] {
    let ty = entry
        .and_then(|e| e.field("type"))
        .and_then(|f| EntryType::parse(&f.value));
    match ty {
        Some(EntryType::Criteria) => &["EPIC", "TEST", "API"],
        Some(EntryType::Rollback) => &["MON", "RUN"],
        Some(EntryType::Validation) => &["TEST", "UJ", "MON"],
        Some(EntryType::Environment) => &["ARC", "TECH", "ENV", "SEC"],
        _ => &["EPIC", "API", "TEST"],
    }
}

/// IDs offered at once. The list is marked incomplete beyond it, so the editor asks again as
/// the user types more of the ID (a longer list only costs serialization on every keystroke).
const MAX_IDS: usize = 100;

/// ID completions for the word being typed.
fn ids(
    f: &Workspace,
    entry: Option<&Entry>,
    typed: &str,
    replace: Span,
    in_list: bool,
    lazy_docs: bool,
) -> (Vec<Completion>, bool) {
    let preferred = preferred_prefixes(entry);
    // What the entry's lists already link: IDs, and ranges (their ends and what they cover).
    let mut already: Vec<&str> = Vec::new();
    let mut covered: Vec<(&str, u32, u32)> = Vec::new();
    for item in entry
        .into_iter()
        .flat_map(|e| e.fields.iter())
        .filter(|fl| is_link_list_key(&fl.norm_key()))
        .flat_map(|fl| fl.items.iter())
    {
        match item {
            LinkItem::Id(r) => already.push(&r.id),
            LinkItem::Range { start, end, .. } => {
                already.extend([start.id.as_str(), end.id.as_str()]);
                if let (Some((a, _)), Some((b, _))) = (id_number(&start.id), id_number(&end.id)) {
                    covered.push((id_prefix(&start.id), a, b));
                }
            }
            _ => {}
        }
    }
    let is_covered = |id: &str| {
        id_number(id).is_some_and(|(n, _)| {
            covered
                .iter()
                .any(|(p, a, b)| *p == id_prefix(id) && *a <= n && n <= *b)
        })
    };
    let own = entry.map(|e| e.id.as_str());
    let mut candidates: Vec<&str> = Vec::new();
    let mut incomplete = false;
    if typed.is_empty() {
        // Nothing typed yet (inside a list): the preferred prefixes first.
        for p in preferred {
            for id in f.index.ids_with_prefix(p) {
                if candidates.len() >= MAX_IDS {
                    incomplete = true;
                    break;
                }
                candidates.push(id);
            }
        }
        if candidates.len() < MAX_IDS {
            for id in f.index.ids() {
                if candidates.len() >= MAX_IDS {
                    incomplete = true;
                    break;
                }
                if !preferred.contains(&id_prefix(id)) {
                    candidates.push(id);
                }
            }
        }
    } else {
        for id in f.index.ids_starting_with(typed) {
            if candidates.len() >= MAX_IDS {
                incomplete = true;
                break;
            }
            candidates.push(id);
        }
    }
    let mut items = Vec::new();
    // A range over a whole prefix: `TEST-001 to TEST-050`, for each prefix being typed.
    if in_list && !typed.is_empty() {
        let mut prefixes: Vec<&str> = Vec::new();
        for id in &candidates {
            let p = id_prefix(id);
            if !prefixes.contains(&p) && f.config.prefixes.is_known(p) {
                prefixes.push(p);
            }
        }
        for p in prefixes {
            let Some(span) = f.index.number_span(p) else {
                continue;
            };
            if span.count >= 3 {
                let (a, b) = (&span.min.1, &span.max.1);
                items.push(Completion {
                    label: format!("{a} to {b}"),
                    kind: CompletionKind::Range,
                    detail: Some(format!("all {} {p}- IDs", span.count)),
                    documentation: Some(prefix_note(f, p).trim_start().to_string())
                        .filter(|d| !d.is_empty()),
                    insert_text: format!("{a} to {b}"),
                    snippet: false,
                    replace: replace.clone(),
                    sort_text: "0".into(),
                });
            }
        }
    }
    for id in candidates {
        if Some(id) == own || already.contains(&id) || is_covered(id) {
            continue;
        }
        let Some((path, e)) = f.index.first_entry(id) else {
            continue;
        };
        let rank = preferred
            .iter()
            .position(|p| *p == id_prefix(id))
            .unwrap_or(preferred.len());
        items.push(Completion {
            label: id.to_string(),
            kind: CompletionKind::Id,
            detail: Some(if e.title.is_empty() {
                path.to_string()
            } else {
                e.title.to_string()
            }),
            documentation: (!lazy_docs)
                .then(|| entry_doc(path, e) + &prefix_note(f, id_prefix(id))),
            insert_text: id.to_string(),
            snippet: false,
            replace: replace.clone(),
            sort_text: format!("{}{rank}{id}", if e.deprecated { "9" } else { "1" }),
        });
    }
    (items, incomplete)
}

/// The documentation of an ID's completion item (its entry, and what the prefix registry says
/// of its prefix), for clients that resolve items lazily.
pub fn id_documentation(f: &Workspace, id: &str) -> Option<String> {
    let (path, e) = f.index.first_entry(id)?;
    Some(entry_doc(path, e) + &prefix_note(f, id_prefix(id)))
}

/// What the prefix registry says of a prefix (`\n\nAPI- : HTTP endpoints…`), or nothing.
fn prefix_note(f: &Workspace, prefix: &str) -> String {
    f.config
        .prefix_info
        .get(prefix)
        .and_then(|i| i.description.as_ref())
        .map(|d| format!("\n\n{prefix}- : {d}"))
        .unwrap_or_default()
}

/// A short Markdown description of an entry (for completion documentation).
pub fn entry_doc(path: &str, e: &Entry) -> String {
    let mut s = format!("**{}** — {}\n\n", e.id, e.title);
    for fl in e.fields.iter().take(12) {
        let v = fl.value.lines().next().unwrap_or("").trim();
        if !v.is_empty() && fl.norm_key() != "id" {
            s.push_str(&format!("- {}: {v}\n", fl.key));
        }
    }
    if let Some(sum) = &e.summary {
        s.push_str(&format!("\n{sum}\n"));
    }
    s.push_str(&format!("\n`{path}`"));
    s
}

/// Field-key completions for a DEP- entry: the fields of its Type it still lacks, whose name
/// starts with what is typed, written in the entry's field style (`Key:`, `**Key:**`,
/// `- Key:`). `markers` are the list or bold markers already typed before the key.
fn field_keys(text: &str, e: &Entry, markers: &str, typed: &str, replace: Span) -> Vec<Completion> {
    let ty = e.field("type").and_then(|f| EntryType::parse(&f.value));
    let mut keys: Vec<&str> = match ty {
        Some(t) => schema::template_fields(t),
        None => {
            let mut v = schema::fields_of(None);
            for t in EntryType::ALL {
                v.extend(t.required_fields());
            }
            v
        }
    };
    let has_list = e.fields.iter().any(|f| is_link_list_key(&f.norm_key()));
    keys.retain(|k| {
        e.field(&k.to_ascii_lowercase()).is_none() && !(*k == "Linked IDs" && has_list)
    });
    let mut seen = Vec::new();
    keys.retain(|k| {
        let fresh = !seen.contains(k);
        seen.push(k);
        fresh
    });
    let typed = typed.trim_end().to_ascii_lowercase();
    keys.retain(|k| k.to_ascii_lowercase().starts_with(&typed));
    let (style_before, style_after) = field_style(text, e);
    let style_before = style_before.trim_start();
    let (lead, sep) = if markers.is_empty() {
        (style_before, style_after.as_str())
    } else if markers.trim_end() == style_before.trim_end() {
        ("", style_after.as_str())
    } else if markers.ends_with("**") {
        ("", ":** ")
    } else {
        ("", ": ")
    };
    keys.into_iter()
        .enumerate()
        .map(|(i, k)| {
            let norm = k.to_ascii_lowercase();
            Completion {
                label: k.to_string(),
                kind: CompletionKind::Field,
                detail: Some(match ty {
                    Some(t) => format!("{} field", t.name()),
                    None => "DEP- field".to_string(),
                }),
                documentation: schema::field_doc(&norm).map(str::to_string),
                insert_text: format!("{lead}{k}{sep}{}", schema::field_snippet(k, 1)),
                snippet: true,
                replace: replace.clone(),
                sort_text: format!("{i:02}"),
            }
        })
        .collect()
}

/// Entry templates of each Type with the next free DEP number.
fn templates(f: &Workspace, doc: &ParsedDoc, replace: Span) -> Vec<Completion> {
    let id = next_free_id(&f.index, "DEP");
    let style = heading_level(doc);
    EntryType::ALL
        .iter()
        .enumerate()
        .map(|(i, ty)| {
            let snip = schema::template(*ty, &id, style).snippet;
            Completion {
                label: format!("{id}: {} entry", ty.name()),
                kind: CompletionKind::Template,
                detail: Some(format!("DEP- {} template", ty.name())),
                documentation: schema::value_doc("type", ty.name()).map(str::to_string),
                insert_text: snip,
                snippet: true,
                replace: replace.clone(),
                sort_text: format!("z{i}"),
            }
        })
        .collect()
}

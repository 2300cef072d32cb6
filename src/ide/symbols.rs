//! Symbols, folding, semantic tokens, inlay hints and code lenses.

use crate::schema;
use crate::syntax::{is_link_list_key, ParsedDoc, Span};
use crate::workspace::Workspace;

/// A document symbol: an entry, with its fields as children.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    /// `true` for entries, `false` for fields.
    pub is_entry: bool,
    pub prefix: String,
    pub span: Span,
    pub selection: Span,
    pub children: Vec<Symbol>,
}

pub fn document_symbols(doc: &ParsedDoc) -> Vec<Symbol> {
    doc.entries
        .iter()
        .map(|e| Symbol {
            name: e.id.to_string(),
            detail: (!e.title.is_empty()).then(|| e.title.to_string()),
            is_entry: true,
            prefix: e.prefix().to_string(),
            span: e.span.clone(),
            selection: e.id_span.clone(),
            children: e
                .fields
                .iter()
                .filter(|f| !f.key_span.is_empty())
                .map(|f| Symbol {
                    name: f.key.to_string(),
                    detail: f
                        .value
                        .lines()
                        .next()
                        .map(|v| v.trim().to_string())
                        .filter(|v| !v.is_empty()),
                    is_entry: false,
                    prefix: String::new(),
                    span: e.at(f.key_span.start)..e.at(f.value_span.end.max(f.key_span.end)),
                    selection: e.abs(f.key_span),
                    children: Vec::new(),
                })
                .collect(),
        })
        .collect()
}

/// A workspace symbol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    pub name: String,
    pub detail: String,
    pub prefix: String,
    pub path: String,
    pub span: Span,
}

/// Fuzzy score of `query` against `hay` (subsequence, case-insensitive); higher is better.
fn fuzzy(query: &str, hay: &str) -> Option<i64> {
    if query.is_empty() {
        return Some(0);
    }
    let h = hay.to_ascii_lowercase();
    let q = query.to_ascii_lowercase();
    if h.starts_with(&q) {
        return Some(1000 - h.len() as i64);
    }
    if let Some(p) = h.find(&q) {
        return Some(500 - p as i64);
    }
    let mut score = 0i64;
    let mut hi = h.char_indices();
    let mut last = 0usize;
    for qc in q.chars() {
        let (i, _) = hi.find(|(_, c)| *c == qc)?;
        score -= (i - last) as i64;
        last = i;
    }
    Some(score)
}

/// Workspace symbols matching `query` (over IDs and titles), best first.
pub fn workspace_symbols(f: &Workspace, query: &str, limit: usize) -> Vec<WorkspaceSymbol> {
    let mut scored: Vec<(i64, WorkspaceSymbol)> = Vec::new();
    for (_, file) in f.index.files_sorted() {
        for e in &file.doc.entries {
            if e.placeholder {
                continue;
            }
            let text = format!("{} {}", e.id, e.title);
            if let Some(s) = fuzzy(query, &text) {
                scored.push((
                    s,
                    WorkspaceSymbol {
                        name: e.id.to_string(),
                        detail: e.title.to_string(),
                        prefix: e.prefix().to_string(),
                        path: file.path.clone(),
                        span: e.id_span.clone(),
                    },
                ));
            }
        }
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    scored.into_iter().take(limit).map(|(_, s)| s).collect()
}

/// Folding ranges: each entry that spans several lines (byte spans).
pub fn folding(doc: &ParsedDoc) -> Vec<Span> {
    doc.entries
        .iter()
        .filter(|e| !e.def_kind.is_row() && e.span.end > e.line_span.end)
        .map(|e| e.span.clone())
        .collect()
}

/// Semantic token types, in legend order.
pub const TOKEN_TYPES: &[&str] = &["variable", "property", "enumMember", "unresolvedId"];
/// Semantic token modifiers, in legend order.
pub const TOKEN_MODIFIERS: &[&str] = &["declaration", "deprecated"];

/// A semantic token: span, type index, modifier bits.
pub type Token = (Span, u32, u32);

/// Semantic tokens of a document: IDs (definitions, references, unresolved), field keys and
/// enumerated values of DEP- entries. Sorted, not overlapping.
pub fn semantic_tokens(f: &Workspace, rel: &str) -> Vec<Token> {
    let Some(doc) = f.parsed(rel) else {
        return Vec::new();
    };
    let mut out: Vec<Token> = Vec::new();
    for e in &doc.entries {
        let dep = f
            .index
            .first_entry(&e.id)
            .map(|(_, d)| d.deprecated)
            .unwrap_or(false);
        out.push((e.id_span.clone(), 0, 1 | if dep { 2 } else { 0 }));
        if !e.is_dep_block() {
            continue;
        }
        for fl in &e.fields {
            if fl.heading || fl.key_span.is_empty() {
                continue;
            }
            out.push((e.abs(fl.key_span), 1, 0));
            if let Some(values) = schema::enum_values(&fl.norm_key()) {
                let v = fl.value.trim();
                if values.iter().any(|x| x.eq_ignore_ascii_case(v)) && fl.pieces.len() == 1 {
                    let s =
                        e.at(fl.value_span.start) + (fl.value.len() - fl.value.trim_start().len());
                    out.push((s..s + v.len(), 2, 0));
                }
            }
        }
    }
    for r in &doc.refs {
        let defs = f.index.definitions(&r.id);
        if defs.is_empty() {
            out.push((r.span.clone(), 3, 0));
        } else {
            let dep = f
                .index
                .entry(defs[0])
                .map(|(_, d)| d.deprecated)
                .unwrap_or(false);
            out.push((r.span.clone(), 0, if dep { 2 } else { 0 }));
        }
    }
    out.sort_by_key(|t| t.0.start);
    out.dedup_by(|b, a| b.0.start < a.0.end);
    out
}

/// Inlay hints: the title after each linked ID (offset, label).
pub fn inlay_hints(f: &Workspace, rel: &str, within: Span) -> Vec<(usize, String)> {
    let Some(doc) = f.parsed(rel) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for r in &doc.refs {
        if !r.link_list || r.span.end < within.start || r.span.start > within.end {
            continue;
        }
        if let Some((_, e)) = f.index.first_entry(&r.id) {
            if !e.title.is_empty() {
                let at = r.link.as_ref().map(|l| l.span.end).unwrap_or(r.span.end);
                let mut t = e.title.to_string();
                if t.chars().count() > 40 {
                    t = t.chars().take(39).collect::<String>() + "…";
                }
                out.push((at, format!(": {t}")));
            }
        }
    }
    out
}

/// Code lenses: on each definition, how many places link to it.
pub fn code_lenses(f: &Workspace, rel: &str) -> Vec<(Span, String, usize)> {
    let Some(doc) = f.parsed(rel) else {
        return Vec::new();
    };
    doc.entries
        .iter()
        .filter(|e| !e.placeholder && !e.def_kind.is_row())
        .map(|e| {
            let n = f.index.references(&e.id).len() + f.index.ranges_covering(&e.id).len();
            (e.id_span.clone(), e.id.to_string(), n)
        })
        .collect()
}

/// Is the field at this key a link list? (used by the server for trigger characters)
pub fn is_link_list(key: &str) -> bool {
    is_link_list_key(&crate::syntax::normalize_key(key))
}

//! Checks of one file: its entries and its references. This module runs them (per entry,
//! under `guard::catch`, and for the references outside every entry) and holds what they share
//! (`Sink`, value offsets, `next_free_id`, wording); the checks themselves are by job:
//! `fields` (an entry's fields and values), `links` (its link lists), `refs` (references),
//! `duplicates`, `code` (its fenced code blocks).

mod code;
mod duplicates;
mod fields;
mod links;
mod refs;

pub use links::RANGE_BUDGET;
pub use refs::{link_target, near_ids, relative_from};

use super::{Code, Finding, FixHint, Related, Severity};
use crate::config::Config;
use crate::index::Index;
use crate::syntax::{Entry, Field, ParsedDoc, Span};

/// Collects findings, applying the configured severities.
pub(crate) struct Sink<'a> {
    pub config: &'a Config,
    pub path: &'a str,
    pub out: Vec<Finding>,
}

/// A finding before the configuration has its say: the code's severity there may be
/// overridden (or `off`, and then the finding is dropped).
pub(crate) struct Draft<'a> {
    pub code: Code,
    /// The severity unless the configuration sets one for `code`.
    pub default: Severity,
    pub span: Span,
    /// The entry the finding is about.
    pub id: Option<&'a str>,
    pub message: String,
    pub related: Vec<Related>,
    pub fix: Option<FixHint>,
}

impl Sink<'_> {
    /// Adds a finding at its configured severity (none when the configuration turns it off).
    pub fn add(&mut self, d: Draft) {
        let Some(severity) = self.config.severity(d.code, d.default) else {
            return;
        };
        self.out.push(Finding {
            code: d.code,
            severity,
            message: d.message,
            path: self.path.to_string(),
            span: d.span,
            id: d.id.map(str::to_string),
            related: d.related,
            fix: d.fix,
        });
    }

    /// Adds a finding at its code's severity, with no related places and no fix.
    pub fn push(&mut self, code: Code, span: Span, id: Option<&str>, message: String) {
        self.add(Draft {
            code,
            default: code.default_severity(),
            span,
            id,
            message,
            related: Vec::new(),
            fix: None,
        });
    }
}

/// Maps an offset in a field's joined value to a document offset.
pub fn value_to_doc(entry: &Entry, field: &Field, off: usize) -> usize {
    let mut acc = 0;
    for p in &field.pieces {
        let len = p.len();
        if off <= acc + len {
            return entry.at(p.start) + (off - acc);
        }
        acc += len + 1;
    }
    entry.at(field.value_span.end)
}

fn value_span_to_doc(entry: &Entry, field: &Field, s: &Span) -> Span {
    value_to_doc(entry, field, s.start)..value_to_doc(entry, field, s.end)
}

/// Every per-file check.
pub fn check_file(path: &str, doc: &ParsedDoc, index: &Index, config: &Config) -> Vec<Finding> {
    let mut out = Vec::new();
    for i in 0..doc.entries.len() {
        out.extend(check_entry(path, doc, i, index, config));
    }
    out.extend(check_loose_refs(path, doc, index, config));
    out
}

/// The references that belong to entry `i` (a contiguous run of `doc.refs`).
pub fn entry_refs(doc: &ParsedDoc, i: usize) -> &[crate::syntax::Reference] {
    let Some(e) = doc.entries.get(i) else {
        return &[];
    };
    let lo = doc
        .refs
        .partition_point(|r| r.span.start < e.line_span.start);
    let hi = doc
        .refs
        .partition_point(|r| r.span.start <= e.span.end)
        .max(lo);
    let run = &doc.refs[lo..hi];
    let a = run
        .iter()
        .position(|r| r.entry == Some(i as u32))
        .unwrap_or(run.len());
    let b = run
        .iter()
        .rposition(|r| r.entry == Some(i as u32))
        .map(|x| x + 1)
        .unwrap_or(a);
    &run[a..b.max(a)]
}

/// The checks of entry `i` of a document, and of the references inside it. Its findings
/// depend only on the entry, the index's IDs and the configuration (the language server caches
/// them per entry).
pub fn check_entry(
    path: &str,
    doc: &ParsedDoc,
    i: usize,
    index: &Index,
    config: &Config,
) -> Vec<Finding> {
    // A panic (a bug) costs this entry its findings, and nothing else.
    crate::guard::catch(|| check_entry_unguarded(path, doc, i, index, config)).unwrap_or_else(|m| {
        let e = doc.entries.get(i);
        let span = e.map(|e| e.id_span.clone()).unwrap_or(0..0);
        let id = e.map(|e| e.id.to_string());
        let what = format!("checking {}", id.as_deref().unwrap_or("an entry"));
        vec![super::internal_error(path, span, id, &what, &m)]
    })
}

fn check_entry_unguarded(
    path: &str,
    doc: &ParsedDoc,
    i: usize,
    index: &Index,
    config: &Config,
) -> Vec<Finding> {
    let mut sink = Sink {
        config,
        path,
        out: Vec::new(),
    };
    let Some(entry) = doc.entries.get(i) else {
        return Vec::new();
    };
    duplicates::duplicates(&mut sink, entry, index);
    if entry.placeholder {
        let next = next_free_id(index, entry.prefix());
        sink.add(Draft {
            code: Code::TemplatePlaceholder,
            default: Severity::Warning,
            span: entry.id_span.clone(),
            id: Some(&entry.id),
            message: format!(
                "{} is a template placeholder, not an ID — number the entry, e.g. {next}",
                entry.id
            ),
            related: Vec::new(),
            fix: Some(FixHint::Replace(vec![next])),
        });
    }
    // A plan-table row or a list item that lists an entry a heading or a line defines
    // elsewhere (an overview of the plan) is a reference there, not the entry to check.
    let listing = entry.def_kind.lists()
        && index
            .all_definitions(&entry.id)
            .first()
            .is_some_and(|d| !d.table);
    if entry.is_dep_block() && !listing {
        if entry.is_template() {
            // The scaffold of a SoT file or template: its title says it all.
            let t = entry.title.trim();
            let end = entry.line_span.end;
            let span = if entry.def_kind.restarts() && end >= entry.id_span.end + t.len() {
                end - t.len()..end
            } else {
                entry.id_span.clone()
            };
            sink.push(
                Code::TemplatePlaceholder,
                span,
                Some(&entry.id),
                format!(
                    "{} is a template: its title is still {t} — fill in the entry (its fields are checked once it has a real title)",
                    entry.id
                ),
            );
        } else {
            fields::dep_entry(&mut sink, entry);
        }
        code::code_secrets(&mut sink, entry);
    } else if entry.prefix() == "MON" {
        fields::monitor_entry(&mut sink, entry);
    }
    // A template's links are template placeholders too: its title is its one finding.
    let template = entry.is_dep_block() && entry.is_template();
    let mut budget = Some(RANGE_BUDGET);
    for field in entry.fields.iter().filter(|_| !template) {
        links::link_items(&mut sink, entry, field, index, &mut budget);
    }
    refs::references(&mut sink, doc, entry_refs(doc, i), index);
    sink.out
}

/// The checks of references outside every entry.
pub fn check_loose_refs(
    path: &str,
    doc: &ParsedDoc,
    index: &Index,
    config: &Config,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(m) = &doc.internal_error {
        out.push(super::internal_error(
            path,
            0..0,
            None,
            "reading this file",
            m,
        ));
    }
    match crate::guard::catch(|| check_loose_refs_unguarded(path, doc, index, config)) {
        Ok(found) => out.extend(found),
        Err(m) => out.push(super::internal_error(
            path,
            0..0,
            None,
            "checking the IDs outside entries",
            &m,
        )),
    }
    out
}

fn check_loose_refs_unguarded(
    path: &str,
    doc: &ParsedDoc,
    index: &Index,
    config: &Config,
) -> Vec<Finding> {
    let mut sink = Sink {
        config,
        path,
        out: Vec::new(),
    };
    refs::references(
        &mut sink,
        doc,
        doc.refs.iter().filter(|r| r.entry.is_none()),
        index,
    );
    // Lines that look like an entry or a field but are not read as one.
    for n in &doc.notes {
        sink.push(
            Code::UnreadLine,
            n.span.clone(),
            None,
            n.message.to_string(),
        );
    }
    sink.out
}

/// The next unused number for a prefix, zero-padded like the workspace's IDs (3 digits by default).
pub fn next_free_id(index: &Index, prefix: &str) -> String {
    let (max, width) = index
        .max_number(prefix)
        .unwrap_or((0, if prefix == "EPIC" { 2 } else { 3 }));
    format!("{prefix}-{:0width$}", max + 1, width = width)
}

/// "a" or "an" before a word (`an Environment entry`, `a Step`).
pub fn article(word: &str) -> &'static str {
    let w = word.trim_start_matches(['`', '*', '"']);
    let vowel = w
        .chars()
        .next()
        .is_some_and(|c| matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u'));
    // Spelled-out letters and the few vowel words said with a consonant.
    let consonant_sound = ["one", "use", "user", "uni", "eu"]
        .iter()
        .any(|p| w.to_ascii_lowercase().starts_with(p));
    if vowel && !consonant_sound {
        "an"
    } else {
        "a"
    }
}

/// `1 DEP- entry`, `2 DEP- entries`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

//! Safe autofixes for `dep-ls check --fix`: the fixes that need no judgement. Pure: a file's
//! text, its parsed document and its findings in, edits out; the CLI writes.
//!
//! - `enum-casing`: an enumerated value in the wrong case (`Type: rollback` → `Rollback`,
//!   `Stage: pre-Deploy` → `Pre-deploy`, `Blocker: yes` → `Yes`, `Method: automated` →
//!   `Automated`, `Name: Production` → `production`). Only the value proper changes; a remark
//!   after it stays.
//! - `unknown-field`: a key typo with exactly one clear match (`Escalaton:` → `Escalation:`):
//!   the finding's did-you-mean, at most 2 edits away, with no other known key as close, and
//!   only when the entry does not already have that key.
//! - `template-placeholder`: a `DEP-XXX` definition gets the next free number of the workspace
//!   (`DEP-035`, zero-padded like the workspace's IDs; several placeholders get consecutive
//!   numbers).
//!
//! Every edit replaces text inside one line with text without line breaks, so line endings
//! (LF, CRLF, CR) are kept as they are.

use crate::check::{Code, Finding, FixHint};
use crate::schema::{enum_values, value_head, DEP_FIELDS};
use crate::syntax::{DefKind, ParsedDoc, Span};
use serde::Serialize;
use std::collections::HashMap;

/// One edit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub span: Span,
    pub old: String,
    pub new: String,
    /// `enum-casing`, `unknown-field` or `template-placeholder`.
    pub kind: &'static str,
    /// The entry's ID.
    pub id: String,
}

/// Next free numbers per prefix, shared by every file of a workspace.
#[derive(Debug, Default)]
pub struct Numbering {
    next: HashMap<String, (u32, usize)>,
}

impl Numbering {
    /// Starts after the highest number the index defines for each prefix.
    pub fn from_index(index: &crate::index::Index) -> Self {
        let mut next = HashMap::new();
        if let Some((max, width)) = index.max_number("DEP") {
            next.insert("DEP".to_string(), (max + 1, width.max(3)));
        }
        Numbering { next }
    }

    /// The next ID of this prefix (and reserves it).
    pub fn take(&mut self, prefix: &str) -> String {
        let slot = self.next.entry(prefix.to_string()).or_insert((1, 3));
        let id = format!("{prefix}-{:0w$}", slot.0, w = slot.1);
        slot.0 += 1;
        id
    }
}

/// The safe fixes of one file.
pub fn fixes(
    text: &str,
    doc: &ParsedDoc,
    findings: &[Finding],
    numbering: &mut Numbering,
) -> Vec<Fix> {
    let mut out = Vec::new();
    for e in &doc.entries {
        // `DEP-XXX` definitions.
        if e.placeholder && e.prefix() == "DEP" && e.def_kind != DefKind::TableRow {
            if let Some(old) = text.get(e.id_span.clone()) {
                if old == e.id {
                    out.push(Fix {
                        span: e.id_span.clone(),
                        old: old.to_string(),
                        new: numbering.take("DEP"),
                        kind: "template-placeholder",
                        id: e.id.to_string(),
                    });
                }
            }
        }
        // DEP- blocks, numbered or not yet (`DEP-XXX`).
        if !(e.is_dep_block() || (e.placeholder && e.prefix() == "DEP"))
            || e.def_kind == DefKind::TableRow
        {
            continue;
        }
        // Enumerated values in the wrong case.
        for f in &e.fields {
            if f.heading {
                continue;
            }
            let norm = f.norm_key();
            let Some(allowed) = enum_values(&norm) else {
                continue;
            };
            let Some(first) = f.pieces.first().map(|p| e.abs(*p)) else {
                continue;
            };
            let head = value_head(&f.value);
            if head.is_empty() {
                continue;
            }
            // Where `head` sits in the value (it is a subslice of it), then in the text.
            let off = head.as_ptr() as usize - f.value.as_ptr() as usize;
            let start = first.start + off;
            let end = start + head.len();
            if end > first.end || text.get(start..end) != Some(head) {
                continue;
            }
            if let Some(canon) = allowed.iter().find(|a| a.eq_ignore_ascii_case(head)) {
                if *canon != head {
                    out.push(Fix {
                        span: start..end,
                        old: head.to_string(),
                        new: canon.to_string(),
                        kind: "enum-casing",
                        id: e.id.to_string(),
                    });
                }
            }
        }
    }
    // Key typos with one clear match.
    for f in findings {
        if f.code != Code::UnknownField {
            continue;
        }
        let Some(FixHint::Replace(c)) = &f.fix else {
            continue;
        };
        let [cand] = c.as_slice() else { continue };
        let Some(old) = text.get(f.span.clone()) else {
            continue;
        };
        if old.contains(['\n', '\r']) || !clear_match(old, cand) {
            continue;
        }
        let entry = doc.entries.iter().find(|e| {
            e.span.start <= f.span.start && f.span.end <= e.span.end.max(e.line_span.end)
        });
        let Some(entry) = entry else { continue };
        if entry.field(&cand.to_ascii_lowercase()).is_some() {
            continue;
        }
        out.push(Fix {
            span: f.span.clone(),
            old: old.to_string(),
            new: cand.clone(),
            kind: "unknown-field",
            id: entry.id.to_string(),
        });
    }
    out.sort_by_key(|f| f.span.start);
    // No overlaps.
    let mut end = 0;
    out.retain(|f| {
        let keep = f.span.start >= end;
        if keep {
            end = f.span.end;
        }
        keep
    });
    out
}

/// `cand` is at most 2 edits from `key`, and no other known key is as close.
fn clear_match(key: &str, cand: &str) -> bool {
    let k = key.to_ascii_lowercase();
    let d = strsim::damerau_levenshtein(&k, &cand.to_ascii_lowercase());
    if d == 0 || d > 2 {
        return false;
    }
    DEP_FIELDS
        .iter()
        .filter(|f| !f.eq_ignore_ascii_case(cand))
        .all(|f| strsim::damerau_levenshtein(&k, &f.to_ascii_lowercase()) > d)
}

/// The text with the fixes applied (sorted, non-overlapping).
pub fn apply(text: &str, fixes: &[Fix]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for f in fixes {
        out.push_str(&text[at..f.span.start]);
        out.push_str(&f.new);
        at = f.span.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Lines without their terminators.
fn lines(text: &str) -> Vec<&str> {
    crate::text::line_spans(text)
        .map(|(a, b, _)| &text[a..b])
        .collect()
}

/// A unified diff (3 lines of context) between two versions of `path`.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let (a, b) = (lines(old), lines(new));
    let mut s = format!("--- a/{path}\n+++ b/{path}\n");
    if a.len() != b.len() {
        // Fixes never add or remove lines; show the whole file if that ever changes.
        s.push_str(&format!("@@ -1,{} +1,{} @@\n", a.len(), b.len()));
        for l in &a {
            s.push_str(&format!("-{l}\n"));
        }
        for l in &b {
            s.push_str(&format!("+{l}\n"));
        }
        return s;
    }
    let changed: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    const CTX: usize = 3;
    let mut i = 0;
    while i < changed.len() {
        let start = changed[i].saturating_sub(CTX);
        let mut last = changed[i];
        while i + 1 < changed.len() && changed[i + 1] <= last + 2 * CTX + 1 {
            i += 1;
            last = changed[i];
        }
        let end = (last + CTX + 1).min(a.len());
        let n = end - start;
        s.push_str(&format!("@@ -{},{n} +{},{n} @@\n", start + 1, start + 1));
        for j in start..end {
            if a[j] == b[j] {
                s.push_str(&format!(" {}\n", a[j]));
            } else {
                s.push_str(&format!("-{}\n", a[j]));
            }
            if a[j] != b[j] {
                s.push_str(&format!("+{}\n", b[j]));
            }
        }
        i += 1;
    }
    s
}

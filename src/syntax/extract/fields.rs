//! Fields: the `Key: value` line in every spelling (`parse_field_line`), the known keys, the
//! text line (a definition, a field, the continuation of an open field, or prose), multi-line
//! and fenced values (`Configuration:` followed by an `env` block).

use super::defs::{item_lead, quote_prefix, ItemLead};
use super::notes::DEP_ONLY_KEYS;
use super::{sub, Builder, OpenField};
use crate::syntax::blocks::{indent, list_marker};
use crate::syntax::ids::{comment_mask, scan_ids, RawId};
use crate::syntax::{is_link_list_key, normalize_key, Field, Span, Str};

/// Field keys the extractor recognises as starting a new field inside a continuation block.
/// (All fields of the guide's template and the methodology's entries.)
pub const KNOWN_KEYS: &[&str] = &[
    "type",
    "stage",
    "description",
    "linked ids",
    "related ids",
    "covers",
    "owner",
    "name",
    "infrastructure",
    "configuration",
    "secrets",
    "access",
    "requirement",
    "verification",
    "blocker",
    "trigger",
    "threshold",
    "thresholds",
    "procedure",
    "notification",
    "check",
    "method",
    "success criteria",
    "escalation",
    "id",
    "status",
    "category",
    "steps",
    "rollback",
    "replacement",
    "replaced by",
    "superseded by",
    "prerequisites",
    "notes",
    "note",
    "version",
    "date",
    "title",
    "environment",
    "priority",
];

/// Is `norm` (a normalised key) one of [`KNOWN_KEYS`]?
pub fn is_known_key(norm: &str) -> bool {
    KNOWN_KEYS.contains(&norm)
}

/// A `Key: value` line: key span and value span, relative to the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldLine {
    pub key: (usize, usize),
    pub value: (usize, usize),
    /// The field is written as a list item (`- Key: value`).
    pub list_item: bool,
}

/// Recognises every field spelling of the spec: `Key: value`, `**Key:** value`, `**Key**: value`,
/// `- Key: value`, `- **Key:** value`, `* Key: value`.
pub fn parse_field_line(line: &str) -> Option<FieldLine> {
    let (_, ib) = indent(line);
    let ItemLead {
        content: p,
        list: list_item,
        bold,
    } = item_lead(line, ib);
    let key_start = p;
    let colon = sub(line, p..).find(':')? + p;
    let mut key_end = colon;
    let mut after = colon + 1;
    if bold {
        if sub(line, key_start..colon).ends_with("**") {
            // `**Key**:`
            key_end = colon - 2;
        } else if sub(line, after..).starts_with("**") {
            // `**Key:**`
            after += 2;
        } else {
            return None;
        }
    }
    let key = sub(line, key_start..key_end);
    // `Key : value`, `Key\u{a0}:`: whitespace before the colon belongs to no key.
    let key_trimmed = key.trim_end();
    if !valid_key(key_trimmed) {
        return None;
    }
    // After the colon: end of line or whitespace (not `https://`); a no-break space counts.
    let rest = sub(line, after..);
    if !(rest.is_empty() || rest.starts_with([' ', '\t', '\u{a0}'])) {
        return None;
    }
    let lead = rest.len() - rest.trim_start().len();
    let vs = after + lead;
    let ve = after + rest.trim_end().len();
    Some(FieldLine {
        key: (key_start, key_start + key_trimmed.len()),
        value: (vs, ve.max(vs)),
        list_item,
    })
}

/// Is `norm` (a normalised key) the guide's grouping line `For Rollback Type` (which is no
/// field: the indented fields under it belong to the entry)?
pub fn is_grouping_key(norm: &str) -> bool {
    let words: Vec<&str> = norm.split(' ').collect();
    words.len() >= 3 && words.len() <= 4 && words[0] == "for" && words[words.len() - 1] == "type"
}

pub(super) fn valid_key(key: &str) -> bool {
    let k = key.trim_end();
    if k.is_empty() || k.len() > 40 || k != key.trim_start() {
        return false;
    }
    let first = k.as_bytes()[0];
    if !first.is_ascii_alphabetic() {
        return false;
    }
    if k.split_whitespace().count() > 4 {
        return false;
    }
    // `- Error rate (expect: below 1%)` is prose with a colon inside a parenthesis.
    if k.matches('(').count() != k.matches(')').count() {
        return false;
    }
    k.bytes().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(c, b' ' | b'_' | b'-' | b'/' | b'&' | b'(' | b')' | b'.')
    })
}

impl Builder<'_> {
    pub(super) fn text_line(&mut self, full: &str, fstart: usize, in_code: bool, ids: &[RawId]) {
        // Block quotes are containers: what is inside reads like any other line.
        let q = quote_prefix(full);
        let line = sub(full, q..);
        let start = fstart + q;
        let (cols, ib) = indent(line);
        let end = start + line.trim_end().len();

        // A definition: `DEP-001: Title`, `**DEP-001**: Title`, `- DEP-002: Title` …
        if cols <= 3 {
            if let Some((title, kind)) = self.definition(line, start, ib, ids) {
                let raw = &ids[0];
                self.open_entry(raw, &title, kind, start + ib..end, 7, in_code);
                let entry = self.current.map(|c| c.0 as u32);
                self.refs_from(&ids[1..], entry, None, false);
                return;
            }
        }

        // (Outside every entry a field line matters only right after an ID line or an entry.)
        let field_line =
            if self.current.is_some() || self.candidate.is_some() || self.ended.is_some() {
                parse_field_line(line)
            } else {
                None
            };
        // The line above started with an ID in a spelling that opens no entry; this line is a
        // DEP- field, so an entry was meant.
        if let Some(c) = self.candidate.take() {
            if let Some(f) = &field_line {
                let norm = normalize_key(sub(line, f.key.0..f.key.1));
                if DEP_ONLY_KEYS.contains(&norm.as_str())
                    || norm == "owner"
                    || norm == "description"
                {
                    let message = self.unread_message(&c);
                    self.note(c.line, message);
                }
            }
        }
        if cols <= 3 {
            self.candidate = self.unread_definition(line, start, ib, ids);
        }
        // A DEP- field right after its entry ended (at a heading of the entry's level, or the
        // end of its code block).
        if self.current.is_none() {
            if let (Some(id), Some(f)) = (&self.ended, &field_line) {
                let key = sub(line, f.key.0..f.key.1);
                if DEP_ONLY_KEYS.contains(&normalize_key(key).as_str()) {
                    let message = format!(
                        "`{key}:` is outside every entry: {id} ended above it (a heading of its level or the end of its code block ends an entry) — move the line into {id}, or make the heading above a sub-heading"
                    );
                    self.note(start + f.key.0..start + f.key.1, message);
                }
            } else if !line.trim().is_empty() {
                self.ended = None;
            }
        } else {
            self.ended = None;
        }

        let Some((idx, _, _)) = self.current else {
            self.refs_from(ids, None, None, false);
            return;
        };

        let rest = sub(line, ib..);
        let is_list = list_marker(rest).is_some();

        // Continuation of an open field?
        if let Some((fi, mode)) = self.open_field {
            let continues = match mode {
                OpenField::Inline { indent: key_indent } => {
                    let structural = cols > key_indent || is_list;
                    let new_known_field = field_line.as_ref().is_some_and(|f| {
                        is_known_key(&normalize_key(sub(line, f.key.0..f.key.1)))
                            && cols <= key_indent
                    });
                    structural && !new_known_field
                }
                OpenField::Heading => match &field_line {
                    Some(f) => {
                        // A list of `- Key: value` lines under a sub-heading stays in it,
                        // unless the key is a known field.
                        !is_known_key(&normalize_key(sub(line, f.key.0..f.key.1)))
                            && (f.list_item || cols > 0)
                    }
                    None => true,
                },
            };
            if continues {
                let piece = start + ib..end;
                let rescanned;
                let ids = if is_link_list_key(&self.doc.entries[idx].fields[fi].norm_key()) {
                    rescanned = self.ids_with_code(full, fstart, ids);
                    rescanned.as_deref().unwrap_or(ids)
                } else {
                    ids
                };
                self.add_piece(idx, fi, piece, ids);
                self.pending_blank = false;
                return;
            }
            self.open_field = None;
        }

        if let Some(f) = field_line {
            let key = Str::from(sub(line, f.key.0..f.key.1));
            let norm = normalize_key(&key);
            let value_span = start + f.value.0..start + f.value.1;
            if value_span.is_empty() && is_grouping_key(&norm) {
                // `For Rollback Type:` groups the fields below; it is none itself.
                self.extend_entry(end);
                self.refs_from(ids, Some(idx as u32), None, false);
                return;
            }
            let rescanned;
            let ids = if is_link_list_key(&norm) {
                rescanned = self.ids_with_code(full, fstart, ids);
                rescanned.as_deref().unwrap_or(ids)
            } else {
                ids
            };
            let e = &mut self.doc.entries[idx];
            let field = Field {
                key,
                key_span: e.rel(&(start + f.key.0..start + f.key.1)),
                value: Str::from(sub(self.text, value_span.clone())),
                value_span: e.rel(&value_span),
                pieces: if value_span.is_empty() {
                    smallvec::SmallVec::new()
                } else {
                    smallvec::smallvec![e.rel(&value_span)]
                },
                heading: false,
                line_start: e.rel(&(start..start)).start,
                items: Vec::new(),
            };
            e.fields.push(field);
            let fi = e.fields.len() - 1;
            self.extend_entry(end);
            if value_span.is_empty() {
                self.open_field = Some((fi, OpenField::Inline { indent: cols }));
                self.pending_blank = false;
            }
            if norm == "id" {
                // `**ID**: DEP-001` restates the entry's own ID.
                return;
            }
            let link_list = is_link_list_key(&norm);
            // IDs come in text order: those in the key, then those in the value.
            let split = ids.partition_point(|r| r.span.start < value_span.start);
            let (key_ids, value_ids) = ids.split_at(split);
            self.refs_from(key_ids, Some(idx as u32), None, false);
            if link_list {
                self.link_items(idx, fi, value_span, value_ids);
            }
            self.refs_from(value_ids, Some(idx as u32), Some(fi as u32), link_list);
            if matches!(
                norm.as_str(),
                "replacement" | "replaced by" | "superseded by"
            ) {
                if let Some(r) = value_ids.iter().find(|r| self.known(r)) {
                    let id = sub(self.text, r.span.clone()).to_string();
                    self.doc.entries[idx].replacement.get_or_insert(id);
                }
            }
            return;
        }

        // Prose inside the entry.
        self.extend_entry(end);
        self.refs_from(ids, Some(idx as u32), None, false);
    }

    /// The IDs of a link-list line with its code spans read (`` `TEST-001` `` is a link there;
    /// elsewhere a code span hides its IDs). `None` when the line has no backtick.
    pub(super) fn ids_with_code(
        &self,
        line: &str,
        start: usize,
        ids: &[RawId],
    ) -> Option<Vec<RawId>> {
        if !line.contains('`') {
            return None;
        }
        let mut mask = Vec::new();
        comment_mask(line, self.line_state, &mut mask);
        let all = scan_ids(line, start, &mask);
        (all.len() != ids.len()).then_some(all)
    }

    /// A fence line: opens or closes a fenced field value.
    pub(super) fn fence(&mut self) {
        if self.fence_value {
            // The block is the whole value.
            self.fence_value = false;
            self.open_field = None;
            return;
        }
        if let (Some((idx, _, false)), Some((fi, OpenField::Inline { .. }))) =
            (self.current, self.open_field)
        {
            self.fence_value = self.doc.entries[idx].fields[fi].pieces.is_empty();
        }
    }

    /// A line of a fenced field value.
    pub(super) fn fenced_piece(&mut self, line: &str, start: usize, ids: &[RawId]) {
        let (Some((idx, _, _)), Some((fi, _))) = (self.current, self.open_field) else {
            return;
        };
        let (_, ib) = indent(line);
        let end = start + line.trim_end().len();
        if start + ib < end {
            self.add_piece(idx, fi, start + ib..end, ids);
        }
    }

    pub(super) fn add_piece(&mut self, idx: usize, fi: usize, piece: Span, ids: &[RawId]) {
        if piece.start >= piece.end {
            return;
        }
        let text = self.text;
        let e = &mut self.doc.entries[idx];
        let rel = e.rel(&piece);
        let f = &mut e.fields[fi];
        if !f.value.is_empty() {
            f.value.push('\n');
        }
        f.value.push_str(sub(text, piece.clone()));
        if f.pieces.is_empty() {
            f.value_span = rel;
        } else {
            f.value_span.end = rel.end;
        }
        f.pieces.push(rel);
        let link_list = is_link_list_key(&f.norm_key());
        self.extend_entry(piece.end);
        if link_list {
            self.link_items(idx, fi, piece, ids);
        }
        self.refs_from(ids, Some(idx as u32), Some(fi as u32), link_list);
    }
}

//! Tables: what a table is from its header (`TableMode`: an inventory, a plan table whose DEP-
//! rows are entries with their cells as fields, or a `| Field | Value |` table under an
//! entry), and its rows.

use super::fields::valid_key;
use super::{raw_prefix, sub, Builder};
use crate::syntax::blocks::table_cells;
use crate::syntax::ids::RawId;
use crate::syntax::{is_link_list_key, normalize_key, DefKind, Field, RelSpan, Span, Str};

/// Columns of a table read as fields (a table row entry's fields, the header's names). IDs in
/// later columns are still references; the fields stop here (a 1M-column row made a million
/// fields).
pub const MAX_TABLE_COLUMNS: usize = 64;

/// Header cells that make a table a *plan table* (its rows DEP- entries): the DEP- fields.
pub(super) const PLAN_COLUMNS: &[&str] = &[
    "type",
    "stage",
    "owner",
    "description",
    "linked ids",
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
    "procedure",
    "notification",
    "check",
    "method",
    "success criteria",
    "escalation",
];

/// Header cells naming a plan table's title column.
pub(super) const TITLE_COLUMNS: &[&str] = &["title", "item", "summary", "entry", "deployment item"];

/// What a table is, from its header row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum TableMode {
    /// Rows whose first cell is an ID are (inventory) entries.
    #[default]
    Inventory,
    /// The header names DEP- fields: DEP- rows are entries whose cells are fields.
    Plan,
    /// `| Field | Value |` under an entry: each row is one of its fields.
    Fields,
}

pub(super) fn table_mode(header: &[String], in_entry: bool) -> TableMode {
    let norm: Vec<String> = header
        .iter()
        .map(|h| normalize_key(h).to_string())
        .collect();
    let named = |n: &String, set: &[&str]| set.contains(&n.as_str());
    if in_entry && norm.iter().filter(|n| !n.is_empty()).count() == 2 {
        let first = [
            "field",
            "key",
            "property",
            "attribute",
            "setting",
            "parameter",
        ];
        let second = ["value", "values", "details", "setting", "description"];
        if norm.len() >= 2 && named(&norm[0], &first) && named(&norm[1], &second) {
            return TableMode::Fields;
        }
    }
    let fields = norm
        .iter()
        .skip(1)
        .filter(|n| named(n, PLAN_COLUMNS))
        .count();
    if norm.iter().skip(1).any(|n| n == "type") || fields >= 2 {
        TableMode::Plan
    } else {
        TableMode::Inventory
    }
}

pub(super) fn clean_cell(cell: &str) -> &str {
    let c = cell.trim();
    c.strip_prefix("**")
        .and_then(|c| c.strip_suffix("**"))
        .unwrap_or(c)
        .trim()
}

impl Builder<'_> {
    pub(super) fn table_row(&mut self, line: &str, start: usize, ids: &[RawId]) {
        let mut cells = table_cells(line);
        cells.truncate(MAX_TABLE_COLUMNS);
        // The cells' trimmed text and document spans (only rows that are entries or fields
        // need them).
        let trimmed = || -> Vec<(&str, Span)> {
            cells
                .iter()
                .map(|&(s2, e2)| {
                    let c = sub(line, s2..e2);
                    let lead = c.len() - c.trim_start().len();
                    let t = c.trim();
                    (t, start + s2 + lead..start + s2 + lead + t.len())
                })
                .collect()
        };
        if self.table_mode == TableMode::Fields {
            if let Some(idx) = self.current.map(|c| c.0) {
                self.field_row(idx, line, start, &trimmed(), ids);
                return;
            }
        }
        if let Some(&(s, e)) = cells.first() {
            let cell = clean_cell(sub(line, s..e));
            if let Some(raw) = ids.first() {
                let raw_text = sub(self.text, raw.span.clone());
                if cell == raw_text && raw.link.is_none() && (self.known(raw) || raw.placeholder) {
                    let plan =
                        self.table_mode == TableMode::Plan && raw_prefix(self.text, raw) == "DEP";
                    self.row_entry(raw, line, start, &trimmed(), ids, plan);
                    return;
                }
            }
        }
        let entry = self.current.map(|c| c.0 as u32);
        if entry.is_some() {
            self.extend_entry(start + line.trim_end().len());
        }
        self.refs_from(ids, entry, None, false);
    }

    /// A table row whose first cell is an ID: an inventory entry (its other cells a summary,
    /// fields named by the header) or, in a plan table, a DEP- entry whose cells are its fields
    /// (empty cells too, so that an empty required cell is found on the cell).
    pub(super) fn row_entry(
        &mut self,
        raw: &RawId,
        line: &str,
        start: usize,
        cells: &[(&str, Span)],
        ids: &[RawId],
        plan: bool,
    ) {
        let others = cells.get(1..).unwrap_or(&[]);
        let title_col = if plan {
            (1..self.table_header.len())
                .find(|&c| TITLE_COLUMNS.contains(&normalize_key(&self.table_header[c]).as_str()))
        } else {
            None
        };
        let title = match title_col {
            Some(c) => cells.get(c).map(|(t, _)| *t).unwrap_or(""),
            None if plan => "",
            None => others
                .iter()
                .map(|(t, _)| *t)
                .find(|t| !t.is_empty())
                .unwrap_or(""),
        }
        .to_string();
        let line_span = start..start + line.trim_end().len();
        let kind = if plan {
            DefKind::PlanRow
        } else {
            DefKind::TableRow
        };
        self.open_entry(raw, &title, kind, line_span, 0, false);
        let idx = self.current.map(|c| c.0).unwrap_or(0);
        let base = self.doc.entries[idx].base();
        let rel = |x: &Span| RelSpan::new(x, base);
        let mut fields = Vec::new();
        // Which field each ID of the row belongs to (plan rows only).
        let mut field_of: Vec<Option<u32>> = if plan {
            vec![None; ids.len()]
        } else {
            Vec::new()
        };
        for (ci, (t, span)) in others.iter().enumerate() {
            let col = ci + 1;
            let Some(name) = self.table_header.get(col) else {
                continue;
            };
            if name.is_empty() || (t.is_empty() && !plan) || Some(col) == title_col {
                continue;
            }
            let fi = fields.len() as u32;
            if plan {
                for (k, r) in ids.iter().enumerate().skip(1) {
                    if r.span.start >= span.start && r.span.end <= span.end {
                        field_of[k] = Some(fi);
                    }
                }
            }
            fields.push(Field {
                key: Str::from(name.as_str()),
                key_span: rel(&(span.start..span.start)),
                value: Str::from(*t),
                value_span: rel(span),
                pieces: if t.is_empty() {
                    smallvec::SmallVec::new()
                } else {
                    smallvec::smallvec![rel(span)]
                },
                heading: false,
                line_start: rel(&(start..start)).start,
                items: Vec::new(),
            });
        }
        let summary = others
            .iter()
            .map(|(t, _)| *t)
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" | ");
        let e = &mut self.doc.entries[idx];
        e.fields = fields;
        e.summary = Some(summary);
        if plan {
            // Link-list cells hold links (and ranges), read as in a field line.
            for fi in 0..self.doc.entries[idx].fields.len() {
                if !is_link_list_key(&self.doc.entries[idx].fields[fi].norm_key()) {
                    continue;
                }
                let in_cell: Vec<RawId> = ids
                    .iter()
                    .zip(&field_of)
                    .filter(|(_, f)| **f == Some(fi as u32))
                    .map(|(r, _)| r.clone())
                    .collect();
                let span = self.doc.entries[idx].abs(self.doc.entries[idx].fields[fi].value_span);
                self.link_items(idx, fi, span, &in_cell);
            }
            for (k, r) in ids.iter().enumerate().skip(1) {
                let field = field_of[k];
                let link_list = field.is_some_and(|fi| {
                    is_link_list_key(&self.doc.entries[idx].fields[fi as usize].norm_key())
                });
                self.refs_from(std::slice::from_ref(r), Some(idx as u32), field, link_list);
            }
        } else {
            self.refs_from(&ids[1..], Some(idx as u32), None, false);
        }
        // A table row is an entry of its own: nothing after it belongs to it.
        self.close_entry();
    }

    /// A row of a `| Field | Value |` table under an entry: one of its fields.
    pub(super) fn field_row(
        &mut self,
        idx: usize,
        line: &str,
        start: usize,
        cells: &[(&str, Span)],
        ids: &[RawId],
    ) {
        self.open_field = None;
        self.extend_entry(start + line.trim_end().len());
        let (Some((k, ks)), Some((v, vs))) = (cells.first(), cells.get(1)) else {
            self.refs_from(ids, Some(idx as u32), None, false);
            return;
        };
        let key = clean_cell(k);
        if !valid_key(key) {
            self.refs_from(ids, Some(idx as u32), None, false);
            return;
        }
        let key_start = ks.start + k.find(key).unwrap_or(0);
        let e = &mut self.doc.entries[idx];
        let field = Field {
            key: Str::from(key),
            key_span: e.rel(&(key_start..key_start + key.len())),
            value: Str::from(*v),
            value_span: e.rel(vs),
            pieces: if v.is_empty() {
                smallvec::SmallVec::new()
            } else {
                smallvec::smallvec![e.rel(vs)]
            },
            heading: false,
            line_start: e.rel(&(start..start)).start,
            items: Vec::new(),
        };
        e.fields.push(field);
        let fi = e.fields.len() - 1;
        let split = ids.partition_point(|r| r.span.start < vs.start);
        let (key_ids, value_ids) = ids.split_at(split);
        self.refs_from(key_ids, Some(idx as u32), None, false);
        let link_list = is_link_list_key(&normalize_key(key));
        if link_list {
            self.link_items(idx, fi, vs.clone(), value_ids);
        }
        self.refs_from(value_ids, Some(idx as u32), Some(fi as u32), link_list);
    }
}

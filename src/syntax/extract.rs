//! The extractor shared by both block recognisers: lines + [`LineKind`]s → [`ParsedDoc`].

use super::blocks::{atx_level, indent, list_marker, table_cells};
use super::ids::{inline_mask, scan_ids, InlineState, RawId};
use super::{
    id_prefix, is_link_list_key, normalize_key, DefKind, Entry, Field, IdRef, LineKind, Link,
    LinkItem, ParsedDoc, Prefixes, Reference, RelSpan, Span, Str,
};
use crate::text::line_spans;

/// A checked slice: every slice the extractor takes goes through here, so a span computed
/// wrong (reversed, past the end, inside a character) can never take a process down. Builds
/// with debug assertions (tests, fuzzing) still stop on it, so that the generators see it.
fn sub<R>(s: &str, r: R) -> &str
where
    R: std::slice::SliceIndex<str, Output = str> + std::fmt::Debug + Clone,
{
    match s.get(r.clone()) {
        Some(t) => t,
        None => {
            debug_assert!(
                false,
                "extractor slice {r:?} out of a {}-byte text",
                s.len()
            );
            ""
        }
    }
}

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

/// Columns of a table read as fields (a table row entry's fields, the header's names). IDs in
/// later columns are still references; the fields stop here (a 1M-column row made a million
/// fields).
pub const MAX_TABLE_COLUMNS: usize = 64;

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
    let mut p = ib;
    let b = line.as_bytes();
    let mut list_item = false;
    if matches!(b.get(p), Some(b'-') | Some(b'*') | Some(b'+'))
        && matches!(b.get(p + 1), Some(b' ') | Some(b'\t'))
    {
        p += 2;
        while matches!(b.get(p), Some(b' ') | Some(b'\t')) {
            p += 1;
        }
        list_item = true;
    }
    let bold = sub(line, p..).starts_with("**");
    if bold {
        p += 2;
    }
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
    if !valid_key(key) {
        return None;
    }
    // After the colon: end of line or whitespace (not `https://`).
    match line.as_bytes().get(after) {
        None | Some(b' ') | Some(b'\t') => {}
        _ => return None,
    }
    let rest = sub(line, after..);
    let lead = rest.len() - rest.trim_start().len();
    let vs = after + lead;
    let ve = after + rest.trim_end().len();
    Some(FieldLine {
        key: (key_start, key_start + key.trim_end().len()),
        value: (vs, ve.max(vs)),
        list_item,
    })
}

fn valid_key(key: &str) -> bool {
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
    k.bytes().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(c, b' ' | b'_' | b'-' | b'/' | b'&' | b'(' | b')' | b'.')
    })
}

/// Separators accepted between an ID and its title in a heading.
fn strip_title_separator(s: &str) -> &str {
    let t = s.trim_start();
    let t = t
        .strip_prefix(':')
        .or_else(|| t.strip_prefix('|'))
        .or_else(|| t.strip_prefix('—'))
        .or_else(|| t.strip_prefix('–'))
        .or_else(|| t.strip_prefix('-'))
        .unwrap_or(t);
    t.trim()
}

/// Heading content span (after `#`s, before an optional closing `#` sequence), relative to line.
fn heading_content(line: &str) -> (usize, usize) {
    let (_, ib) = indent(line);
    let hashes = sub(line, ib..).bytes().take_while(|&c| c == b'#').count();
    let mut s = ib + hashes;
    while matches!(line.as_bytes().get(s), Some(b' ') | Some(b'\t')) {
        s += 1;
    }
    let mut e = line.trim_end().len().max(s);
    // Closing sequence: ` ###`.
    let body = sub(line, s..e);
    let trimmed = body.trim_end_matches('#');
    if trimmed.len() < body.len() && (trimmed.is_empty() || trimmed.ends_with([' ', '\t'])) {
        e = s + trimmed.trim_end().len();
    }
    (s, e.max(s))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OpenField {
    /// Empty inline value: indented lines and list items continue it.
    Inline { indent: usize },
    /// A sub-heading: every following line until the next heading or field.
    Heading,
}

struct Builder<'a> {
    text: &'a str,
    prefixes: &'a Prefixes,
    doc: ParsedDoc,
    /// The open entry, its heading level (7 for plain lines), and whether it was defined in a
    /// fenced block.
    current: Option<(usize, u8, bool)>,
    open_field: Option<(usize, OpenField)>,
    table_header: Vec<String>,
    /// Blank lines seen since the open field's last piece.
    pending_blank: bool,
    /// A fenced block opened right under a field with an empty inline value: its lines are the
    /// field's value (`Configuration:` followed by an `env` block).
    fence_value: bool,
}

/// Extracts entries, fields and references. `kinds` has one element per line of [`line_spans`].
pub fn extract(text: &str, kinds: &[LineKind], prefixes: &Prefixes) -> ParsedDoc {
    let lines = line_spans(text)
        .enumerate()
        .map(|(i, (s, e, _))| (s, e, kinds.get(i).copied().unwrap_or(LineKind::Text)));
    extract_lines(text, lines, prefixes)
}

/// Extracts from a run of lines `(content start, content end, kind)` of `text`, starting with a
/// clean state. The language server re-extracts only the lines between two definitions this way:
/// a heading or plain-line definition closes whatever came before, so extraction from one is
/// independent of the lines above it.
pub fn extract_lines(
    text: &str,
    lines: impl Iterator<Item = (usize, usize, LineKind)>,
    prefixes: &Prefixes,
) -> ParsedDoc {
    let mut b = Builder {
        text,
        prefixes,
        doc: ParsedDoc::default(),
        current: None,
        open_field: None,
        table_header: Vec::new(),
        pending_blank: false,
        fence_value: false,
    };
    let mut mask = Vec::new();
    let mut inline = InlineState::default();
    for (start, end, kind) in lines {
        // Line 0 is read after a byte-order mark (as the block recognisers read it).
        let start = if start == 0 {
            super::bom_len(text).min(end)
        } else {
            start
        };
        let line = sub(text, start..end);
        match kind {
            LineKind::Text | LineKind::DepCode => {}
            _ => inline = InlineState::default(),
        }
        // An entry defined inside a fenced block ends with the block.
        if let Some((_, _, true)) = b.current {
            if kind != LineKind::DepCode {
                b.close_entry();
            }
        }
        // A whitespace-only line reads like a blank line, wherever the block recognisers put it
        // (inside a plain fence, or a paragraph or HTML block that a blank line does not end).
        let kind = if matches!(kind, LineKind::DepCode | LineKind::Text) && line.trim().is_empty() {
            LineKind::Blank
        } else {
            kind
        };
        match kind {
            LineKind::Blank => {
                b.pending_blank = true;
                if matches!(b.open_field, Some((_, OpenField::Heading))) {
                    // keep
                }
            }
            LineKind::Fence => b.fence(),
            LineKind::Code | LineKind::DepCode if b.fence_value => {
                // Code lines are the value; a plain fence's IDs are read as elsewhere.
                let ids = if kind == LineKind::DepCode {
                    inline = inline_mask(line, inline, &mut mask);
                    scan_ids(line, start, &mask)
                } else {
                    Vec::new()
                };
                b.fenced_piece(line, start, &ids);
            }
            // (Issue 14, helper rep) An HTML comment line may be a suppression directive.
            LineKind::Comment => {
                let _ = super::suppress::scan_line(text, line, start, &mut b.doc.suppressions);
            }
            LineKind::Code | LineKind::Meta => {}
            LineKind::TableDelimiter => {}
            LineKind::Heading(level) => {
                inline_mask(line, InlineState::default(), &mut mask);
                let ids = scan_ids(line, start, &mask);
                b.heading(line, start, level, &ids);
            }
            LineKind::TableHeader => {
                inline_mask(line, InlineState::default(), &mut mask);
                let ids = scan_ids(line, start, &mask);
                b.table_header = table_cells(line)
                    .into_iter()
                    .take(MAX_TABLE_COLUMNS)
                    .map(|(s, e)| clean_cell(sub(line, s..e)).to_string())
                    .collect();
                b.plain_refs(&ids, None);
            }
            LineKind::TableRow => {
                inline_mask(line, InlineState::default(), &mut mask);
                let ids = scan_ids(line, start, &mask);
                b.table_row(line, start, &ids);
            }
            // (Issue 14, helper rep) In a plain fence (the guide writes entries in them) a whole
            // `<!-- dep-ls-… -->` line is a suppression directive, not entry text.
            LineKind::DepCode
                if super::suppress::scan_line(text, line, start, &mut b.doc.suppressions) => {}
            LineKind::Text | LineKind::DepCode => {
                inline = inline_mask(line, inline, &mut mask);
                let ids = scan_ids(line, start, &mask);
                b.text_line(line, start, kind == LineKind::DepCode, &ids);
            }
        }
    }
    b.close_entry();
    let mut doc = b.doc;
    // Whole workspaces stay in memory: no growth slack.
    doc.entries.shrink_to_fit();
    doc.refs.shrink_to_fit();
    doc
}

fn clean_cell(cell: &str) -> &str {
    let c = cell.trim();
    c.strip_prefix("**")
        .and_then(|c| c.strip_suffix("**"))
        .unwrap_or(c)
        .trim()
}

impl Builder<'_> {
    fn known(&self, raw: &RawId) -> bool {
        !raw.placeholder
            && self.prefixes.is_known(sub(
                self.text,
                raw.span.start..raw.span.start + raw.prefix_len,
            ))
    }

    /// A link-list item's ID, relative to its entry's `base`.
    fn item_ref(&self, raw: &RawId, base: usize) -> IdRef {
        IdRef {
            id: Str::from(sub(self.text, raw.span.clone())),
            span: RelSpan::new(&raw.span, base),
        }
    }

    fn close_entry(&mut self) {
        self.fence_value = false;
        if let Some((idx, _, _)) = self.current.take() {
            let e = &mut self.doc.entries[idx];
            let base = e.line_span.start;
            let body = self.text.get(base..e.span.end.max(base)).unwrap_or("");
            e.text_hash = super::text_hash(body.as_bytes());
            e.fields.shrink_to_fit();
            for f in &mut e.fields {
                f.items.shrink_to_fit();
            }
            e.type_field = e
                .field("type")
                .map(|f| crate::schema::EntryType::parse(&f.value));
            for f in &e.fields {
                if f.key_is("status")
                    && f.value
                        .trim()
                        .to_ascii_lowercase()
                        .starts_with("deprecated")
                {
                    e.deprecated = true;
                }
            }
        }
        self.open_field = None;
        self.pending_blank = false;
    }

    fn open_entry(
        &mut self,
        raw: &RawId,
        title: &str,
        kind: DefKind,
        line_span: Span,
        level: u8,
        in_code: bool,
    ) {
        self.close_entry();
        let id = Str::from(sub(self.text, raw.span.clone()));
        const TAG: &[u8] = b"[DEPRECATED]";
        let deprecated = title
            .as_bytes()
            .windows(TAG.len())
            .any(|w| w.eq_ignore_ascii_case(TAG));
        self.doc.entries.push(Entry {
            id,
            id_span: raw.span.clone(),
            title: Str::from(title),
            def_kind: kind,
            line_span: line_span.clone(),
            span: line_span,
            fields: Vec::new(),
            placeholder: raw.placeholder,
            deprecated,
            replacement: None,
            summary: None,
            type_field: None,
            text_hash: 0,
        });
        self.current = Some((self.doc.entries.len() - 1, level, in_code));
    }

    fn extend_entry(&mut self, end: usize) {
        if let Some((idx, _, _)) = self.current {
            let e = &mut self.doc.entries[idx];
            if end > e.span.end {
                e.span.end = end;
            }
        }
    }

    fn heading(&mut self, line: &str, start: usize, level: u8, ids: &[RawId]) {
        let (cs, ce) = heading_content(line);
        let content = sub(line, cs..ce);
        let first = ids
            .first()
            .filter(|r| r.span.start == start + cs && r.link.is_none());
        if let Some(raw) = first {
            let after = sub(self.text, raw.span.end..start + ce);
            let sep_ok = after.is_empty() || after.starts_with([' ', '\t', ':']);
            if sep_ok && (self.known(raw) || raw.placeholder) {
                let text = self.text;
                let title = strip_title_separator(sub(text, raw.span.end..start + ce));
                self.open_entry(
                    raw,
                    title,
                    DefKind::Heading(level),
                    start..start + line.trim_end().len(),
                    level,
                    false,
                );
                let entry = self.current.map(|c| c.0 as u32);
                self.refs_from(&ids[1..], entry, None, false);
                return;
            }
        }
        // Not a definition.
        match self.current {
            Some((idx, cur_level, _)) if level > cur_level => {
                // A sub-heading inside the entry: a field whose value is the section below.
                let key = Str::from(content.trim());
                let ks = start + cs;
                let e = &mut self.doc.entries[idx];
                let field = Field {
                    key,
                    key_span: e.rel(&(ks..start + ce)),
                    value: Str::default(),
                    value_span: e.rel(&(start + ce..start + ce)),
                    pieces: smallvec::SmallVec::new(),
                    heading: true,
                    line_start: e.rel(&(start..start)).start,
                    items: Vec::new(),
                };
                e.fields.push(field);
                let fi = e.fields.len() - 1;
                self.open_field = Some((fi, OpenField::Heading));
                self.pending_blank = false;
                self.extend_entry(start + ce);
                self.refs_from(ids, Some(idx as u32), Some(fi as u32), false);
            }
            Some(_) => {
                self.close_entry();
                self.refs_from(ids, None, None, false);
            }
            None => self.refs_from(ids, None, None, false),
        }
    }

    fn table_row(&mut self, line: &str, start: usize, ids: &[RawId]) {
        let mut cells = table_cells(line);
        cells.truncate(MAX_TABLE_COLUMNS);
        if let Some(&(s, e)) = cells.first() {
            let cell = clean_cell(sub(line, s..e));
            if let Some(raw) = ids.first() {
                let raw_text = sub(self.text, raw.span.clone());
                if cell == raw_text && raw.link.is_none() && (self.known(raw) || raw.placeholder) {
                    let others: Vec<(&str, Span)> = cells[1..]
                        .iter()
                        .map(|&(s2, e2)| {
                            let c = sub(line, s2..e2);
                            let lead = c.len() - c.trim_start().len();
                            let t = c.trim();
                            (t, start + s2 + lead..start + s2 + lead + t.len())
                        })
                        .collect();
                    let title = others
                        .iter()
                        .map(|(t, _)| *t)
                        .find(|t| !t.is_empty())
                        .unwrap_or("")
                        .to_string();
                    let line_span = start..start + line.trim_end().len();
                    self.open_entry(raw, &title, DefKind::TableRow, line_span, 0, false);
                    let idx = self.current.map(|c| c.0).unwrap_or(0);
                    let base = self.doc.entries[idx].base();
                    let rel = |x: &Span| RelSpan::new(x, base);
                    let mut fields = Vec::new();
                    for (ci, (t, span)) in others.iter().enumerate() {
                        let Some(name) = self.table_header.get(ci + 1) else {
                            continue;
                        };
                        if name.is_empty() || t.is_empty() {
                            continue;
                        }
                        fields.push(Field {
                            key: Str::from(name.as_str()),
                            key_span: rel(&(span.start..span.start)),
                            value: Str::from(*t),
                            value_span: rel(span),
                            pieces: smallvec::smallvec![rel(span)],
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
                    self.refs_from(&ids[1..], Some(idx as u32), None, false);
                    // A table row is an entry of its own: nothing after it belongs to it.
                    self.close_entry();
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

    fn plain_refs(&mut self, ids: &[RawId], entry: Option<u32>) {
        self.refs_from(ids, entry, None, false);
    }

    fn refs_from(
        &mut self,
        ids: &[RawId],
        entry: Option<u32>,
        field: Option<u32>,
        link_list: bool,
    ) {
        for raw in ids {
            if !self.known(raw) {
                continue;
            }
            self.doc.refs.push(Reference {
                id: Str::from(sub(self.text, raw.span.clone())),
                span: raw.span.clone(),
                entry,
                field,
                link_list,
                link: raw.link.as_ref().map(|(s, d)| {
                    Box::new(Link {
                        span: s.clone(),
                        dest: d.clone(),
                    })
                }),
            });
        }
    }

    fn text_line(&mut self, line: &str, start: usize, in_code: bool, ids: &[RawId]) {
        let (cols, ib) = indent(line);
        let end = start + line.trim_end().len();

        // Plain-line definition: `DEP-001: Title`.
        if cols <= 3 {
            if let Some(raw) = ids.first() {
                if raw.span.start == start + ib
                    && raw.link.is_none()
                    && (self.known(raw) || raw.placeholder)
                {
                    let after = sub(self.text, raw.span.end..end);
                    if let Some(rest) = after.strip_prefix(':') {
                        if rest.is_empty() || rest.starts_with([' ', '\t']) {
                            let title = rest.trim();
                            self.open_entry(raw, title, DefKind::Line, start + ib..end, 7, in_code);
                            let entry = self.current.map(|c| c.0 as u32);
                            self.refs_from(&ids[1..], entry, None, false);
                            return;
                        }
                    }
                }
            }
        }

        let Some((idx, _, _)) = self.current else {
            self.refs_from(ids, None, None, false);
            return;
        };

        let field_line = parse_field_line(line);
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

    /// A fence line: opens or closes a fenced field value.
    fn fence(&mut self) {
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
    fn fenced_piece(&mut self, line: &str, start: usize, ids: &[RawId]) {
        let (Some((idx, _, _)), Some((fi, _))) = (self.current, self.open_field) else {
            return;
        };
        let (_, ib) = indent(line);
        let end = start + line.trim_end().len();
        if start + ib < end {
            self.add_piece(idx, fi, start + ib..end, ids);
        }
    }

    fn add_piece(&mut self, idx: usize, fi: usize, piece: Span, ids: &[RawId]) {
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

    /// Parses the IDs of one piece of a link-list value into items (IDs and ranges).
    fn link_items(&mut self, idx: usize, fi: usize, _piece: Span, ids: &[RawId]) {
        let mut items = Vec::new();
        let base = self.doc.entries[idx].base();
        let mut i = 0;
        while i < ids.len() {
            let a = &ids[i];
            let a_ref = self.item_ref(a, base);
            if a.placeholder {
                items.push(LinkItem::Placeholder(a_ref));
                i += 1;
                continue;
            }
            if !self.known(a) {
                items.push(LinkItem::UnknownPrefix(a_ref));
                i += 1;
                continue;
            }
            if let Some(b) = ids.get(i + 1) {
                let a_end = a.link.as_ref().map(|l| l.0.end).unwrap_or(a.span.end);
                let b_start = b.link.as_ref().map(|l| l.0.start).unwrap_or(b.span.start);
                let gap = self.text.get(a_end..b_start).unwrap_or("").trim();
                let is_range_sep =
                    matches!(gap, "to" | ".." | "..." | "…" | "–" | "—" | "-" | "through");
                // `- [API-005](…) - API-002 successor`: a spaced dash after a link starts the
                // item's description (the methodology's list form), not a range.
                let describes = a.link.is_some()
                    && matches!(gap, "–" | "—" | "-")
                    && self
                        .text
                        .get(a_end..b_start)
                        .is_some_and(|g| g.len() > gap.len());
                if is_range_sep && !describes && !b.placeholder {
                    let b_ref = self.item_ref(b, base);
                    let span = a.link.as_ref().map(|l| l.0.start).unwrap_or(a.span.start)
                        ..b.link.as_ref().map(|l| l.0.end).unwrap_or(b.span.end);
                    items.push(LinkItem::Range {
                        start: a_ref,
                        end: b_ref,
                        span: RelSpan::new(&span, base),
                    });
                    i += 2;
                    continue;
                }
            }
            items.push(LinkItem::Id(a_ref));
            i += 1;
        }
        self.doc.entries[idx].fields[fi].items.extend(items);
    }
}

/// Is this line an ATX heading? (re-exported for callers that classify single lines)
pub fn heading_level(line: &str) -> Option<u8> {
    atx_level(line)
}

/// The prefix of a raw token's text.
pub fn raw_prefix<'t>(text: &'t str, raw: &RawId) -> &'t str {
    id_prefix(sub(text, raw.span.clone()))
}

//! The extractor shared by both block recognisers: lines + [`LineKind`]s → [`ParsedDoc`].

use super::blocks::{atx_level, indent, list_marker, table_cells};
use super::ids::{comment_mask, inline_mask, scan_ids, InlineState, RawId};
use super::{
    id_prefix, is_link_list_key, normalize_key, CodeLine, DefKind, Entry, Field, IdRef, LineKind,
    Link, LinkItem, Note, ParsedDoc, Prefixes, Reference, RelSpan, Span, Str,
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
    let (p, list_item, bold) = item_lead(line, ib);
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

/// What leads a line's content after `ib` bytes of indentation: a bullet (`- `, `* `, `+ `) and
/// `**`. Returns where the content starts, and whether each was there.
fn item_lead(line: &str, ib: usize) -> (usize, bool, bool) {
    let b = line.as_bytes();
    let mut p = ib;
    let mut list = false;
    if matches!(b.get(p), Some(b'-') | Some(b'*') | Some(b'+'))
        && matches!(b.get(p + 1), Some(b' ') | Some(b'\t'))
    {
        p += 2;
        while matches!(b.get(p), Some(b' ') | Some(b'\t')) {
            p += 1;
        }
        list = true;
    }
    let bold = sub(line, p..).starts_with("**");
    if bold {
        p += 2;
    }
    (p, list, bold)
}

/// Bytes of block-quote markers (`> `, `>> `, `> > `) at the start of a line: the quoted text
/// is read like any other (`> **Type**: Rollback` is a field, `> DEP-003: Title` an entry).
pub fn quote_prefix(line: &str) -> usize {
    let b = line.as_bytes();
    let mut p = 0;
    loop {
        let (cols, ib) = indent(sub(line, p..));
        if cols > 3 || b.get(p + ib) != Some(&b'>') {
            return p;
        }
        p += ib + 1;
        if matches!(b.get(p), Some(b' ') | Some(b'\t')) {
            p += 1;
        }
    }
}

/// Is `norm` (a normalised key) the guide's grouping line `For Rollback Type` (which is no
/// field: the indented fields under it belong to the entry)?
pub fn is_grouping_key(norm: &str) -> bool {
    let words: Vec<&str> = norm.split(' ').collect();
    words.len() >= 3 && words.len() <= 4 && words[0] == "for" && words[words.len() - 1] == "type"
}

/// Keys that only a DEP- entry holds: a line with one of them outside every entry was most
/// likely meant for the entry above (`unread-line`).
const DEP_ONLY_KEYS: &[&str] = &[
    "type",
    "stage",
    "linked ids",
    "infrastructure",
    "configuration",
    "secrets",
    "requirement",
    "verification",
    "blocker",
    "trigger",
    "threshold",
    "procedure",
    "notification",
    "method",
    "success criteria",
    "escalation",
];

/// Header cells that make a table a *plan table* (its rows DEP- entries): the DEP- fields.
const PLAN_COLUMNS: &[&str] = &[
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
const TITLE_COLUMNS: &[&str] = &["title", "item", "summary", "entry", "deployment item"];

/// A line that starts with an ID in a spelling that opens no entry.
#[derive(Clone, Debug)]
struct Candidate {
    /// The line's content.
    line: Span,
    id: Span,
    dep: bool,
}

/// What a table is, from its header row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum TableMode {
    /// Rows whose first cell is an ID are (inventory) entries.
    #[default]
    Inventory,
    /// The header names DEP- fields: DEP- rows are entries whose cells are fields.
    Plan,
    /// `| Field | Value |` under an entry: each row is one of its fields.
    Fields,
}

fn table_mode(header: &[String], in_entry: bool) -> TableMode {
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
    // `- Error rate (expect: below 1%)` is prose with a colon inside a parenthesis.
    if k.matches('(').count() != k.matches(')').count() {
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
    /// What the current table is (from its header).
    table_mode: TableMode,
    /// The inline state at the start of the current line (comments spanning lines).
    line_state: InlineState,
    /// The DEP- entry that just ended (at a heading, a fence, a table): a DEP- field line right
    /// after it is reported (`unread-line`), as it most likely belongs to it.
    ended: Option<Str>,
    /// A line that starts with an ID but opened no entry, with the spelling that would: if
    /// the next line is a DEP- field, the line is reported (`unread-line`).
    candidate: Option<Candidate>,
    /// References of IDs implied by link-list shorthands (`TEST-001–005`), not yet merged.
    synthetic: Vec<Reference>,
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
        table_mode: TableMode::Inventory,
        line_state: InlineState::default(),
        ended: None,
        candidate: None,
        synthetic: Vec::new(),
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
            LineKind::Code => b.code_line(line, start),
            // (Issue 14, helper rep) An HTML comment line may be a suppression directive.
            LineKind::Comment => {
                let _ = super::suppress::scan_line(text, line, start, &mut b.doc.suppressions);
            }
            LineKind::Meta => {}
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
                b.table_mode = table_mode(&b.table_header, b.current.is_some());
                b.candidate = None;
                let entry = match b.table_mode {
                    TableMode::Fields => b.current.map(|c| c.0 as u32),
                    _ => None,
                };
                if entry.is_some() {
                    b.extend_entry(start + line.trim_end().len());
                }
                b.plain_refs(&ids, entry);
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
                b.line_state = inline;
                inline = inline_mask(line, inline, &mut mask);
                let ids = scan_ids(line, start, &mask);
                b.text_line(line, start, kind == LineKind::DepCode, &ids);
            }
        }
        b.flush_synthetic();
        if !matches!(kind, LineKind::Text | LineKind::DepCode | LineKind::Blank) {
            // Only a field on the very next line makes an ID line an entry meant.
            b.candidate = None;
            if !matches!(kind, LineKind::Heading(_) | LineKind::Fence) {
                b.ended = None;
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
            self.ended = e.is_dep_block().then(|| e.id.clone());
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
            e.stage_field = e
                .field("stage")
                .map(|f| crate::schema::Stage::parse(&f.value));
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
            code: Vec::new(),
            type_field: None,
            stage_field: None,
            text_hash: 0,
        });
        self.current = Some((self.doc.entries.len() - 1, level, in_code));
        self.ended = None;
        self.candidate = None;
    }

    /// A line of a fenced code block inside an entry: kept for the secret checks.
    fn code_line(&mut self, line: &str, start: usize) {
        let Some((idx, _, _)) = self.current else {
            return;
        };
        let (_, ib) = indent(line);
        let end = start + line.trim_end().len();
        if start + ib >= end {
            return;
        }
        let e = &mut self.doc.entries[idx];
        let span = e.rel(&(start + ib..end));
        e.code.push(CodeLine {
            span,
            text: Str::from(sub(self.text, start + ib..end)),
        });
        self.extend_entry(end);
    }

    /// An `unread-line` note on `span`.
    fn note(&mut self, span: Span, message: String) {
        self.doc.notes.push(Note {
            span,
            message: Str::from(message),
        });
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
    fn row_entry(
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
    fn field_row(
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
        let mut skip_next = false;
        for (i, raw) in ids.iter().enumerate() {
            if std::mem::take(&mut skip_next) || !self.known(raw) {
                continue;
            }
            // In prose, `API-101 to API-199` is a numbering convention (the range a file's IDs
            // take), not a mention of its two ends.
            if !link_list && self.numbering(raw, ids.get(i + 1)) {
                skip_next = true;
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

    /// Are `a` and `b` the ends of a range written in prose (`(API-101 to API-199)`)?
    fn numbering(&self, a: &RawId, b: Option<&RawId>) -> bool {
        let Some(b) = b else {
            return false;
        };
        if a.link.is_some() || b.link.is_some() || b.placeholder || a.span.end > b.span.start {
            return false;
        }
        let gap = sub(self.text, a.span.end..b.span.start).trim();
        matches!(
            gap,
            "to" | ".." | "..." | "…" | "–" | "—" | "-" | "through" | "→" | "->"
        ) && raw_prefix(self.text, a) == raw_prefix(self.text, b)
    }

    fn text_line(&mut self, full: &str, fstart: usize, in_code: bool, ids: &[RawId]) {
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
    fn ids_with_code(&self, line: &str, start: usize, ids: &[RawId]) -> Option<Vec<RawId>> {
        if !line.contains('`') {
            return None;
        }
        let mut mask = Vec::new();
        comment_mask(line, self.line_state, &mut mask);
        let all = scan_ids(line, start, &mask);
        (all.len() != ids.len()).then_some(all)
    }

    /// Is this line (quote markers removed, `ib` bytes of indentation) a definition in one of
    /// the plain-line spellings? Returns the title and the kind.
    ///
    /// - `DEP-001: Title` (any known prefix);
    /// - for DEP- IDs also `**DEP-001**: Title`, `**DEP-001:** Title`, `**DEP-001: Title**`,
    ///   `**DEP-001** — Title`, and list items `- DEP-002: Title`, `- **DEP-002**: Title`.
    ///
    /// A list item under an open link-list field at or beyond the field's indentation is one
    /// of its links (`Linked IDs:` then `- DEP-002: the staging entry`), not a definition.
    fn definition(
        &self,
        line: &str,
        start: usize,
        ib: usize,
        ids: &[RawId],
    ) -> Option<(String, DefKind)> {
        let raw = ids.first()?;
        if raw.link.is_some() || !(self.known(raw) || raw.placeholder) {
            return None;
        }
        let (p, list, bold) = item_lead(line, ib);
        if raw.span.start != start + p {
            return None;
        }
        let end = start + line.trim_end().len();
        let after = sub(self.text, raw.span.end..end.max(raw.span.end));
        let colon_title = |a: &str| -> Option<String> {
            let rest = a.strip_prefix(':')?;
            (rest.is_empty() || rest.starts_with([' ', '\t'])).then(|| rest.trim().to_string())
        };
        if !list && !bold {
            return colon_title(after).map(|t| (t, DefKind::Line));
        }
        if raw_prefix(self.text, raw) != "DEP" {
            return None;
        }
        if list {
            let cols = indent(line).0;
            if let Some((fi, mode)) = self.open_field {
                let idx = self.current?.0;
                let link_list = is_link_list_key(&self.doc.entries[idx].fields[fi].norm_key());
                let inside = match mode {
                    OpenField::Inline { indent } => cols >= indent,
                    OpenField::Heading => true,
                };
                if link_list && inside {
                    return None;
                }
            }
        }
        let title = if bold {
            if let Some(rest) = after.strip_prefix("**") {
                // `**DEP-001**: Title`, `**DEP-001** — Title`, `**DEP-001**`
                if !(rest.is_empty() || rest.starts_with([' ', '\t', ':'])) {
                    return None;
                }
                strip_title_separator(rest).to_string()
            } else if let Some(rest) = after.strip_prefix(":**") {
                // `**DEP-001:** Title`
                if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
                    return None;
                }
                rest.trim().to_string()
            } else {
                // `**DEP-001: Title**`
                let inner = after.trim_end().strip_suffix("**")?;
                colon_title(inner)?
            }
        } else {
            colon_title(after)?
        };
        Some((
            title,
            if list {
                DefKind::ListItem
            } else {
                DefKind::Line
            },
        ))
    }

    /// A line that starts with a known ID but opened no entry (for the `unread-line` note
    /// when a DEP- field follows). Cheap: the message is written only if the note is given.
    fn unread_definition(
        &self,
        line: &str,
        start: usize,
        ib: usize,
        ids: &[RawId],
    ) -> Option<Candidate> {
        let raw = ids.first()?;
        if raw.link.is_some() || raw.placeholder || !self.known(raw) {
            return None;
        }
        let lead = sub(line, ib..(raw.span.start.checked_sub(start)?).max(ib));
        let lead_ok = lead
            .trim_matches(|c: char| c == '*' || c == '_' || c == ' ' || c == '\t')
            .trim_end_matches(['.', ')'])
            .bytes()
            .all(|c| c.is_ascii_digit() || c == b'-' || c == b'+');
        if !lead_ok {
            return None;
        }
        Some(Candidate {
            line: start + ib..start + line.trim_end().len(),
            id: raw.span.clone(),
            dep: raw_prefix(self.text, raw) == "DEP",
        })
    }

    /// The `unread-line` message of a candidate: the line and the spelling that would work.
    fn unread_message(&self, c: &Candidate) -> String {
        let id = sub(self.text, c.id.clone());
        let title = sub(self.text, c.id.end..c.line.end.max(c.id.end))
            .trim_matches(|c: char| c == '*' || c == '_' || c.is_whitespace())
            .trim_start_matches([':', '-', '–', '—', '|'])
            .trim();
        let title = if title.is_empty() { "Title" } else { title };
        let hint = if c.dep {
            format!("write it as `{id}: {title}` or `## {id}: {title}`")
        } else {
            format!("write it as a heading, `## {id}: {title}`, or as `{id}: {title}` on a line of its own")
        };
        let shown: String = sub(self.text, c.line.clone()).chars().take(60).collect();
        format!("`{shown}` is not read as an entry, so the fields below it are not checked as its own — {hint}")
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
    ///
    /// Besides full ranges (`TEST-001 to TEST-050`, `..`, `–`, ` - `, `through`, `→`), the
    /// shorthands are expanded: `TEST-001–005`, `TEST-001..005`, `TEST-001-005`,
    /// `TEST-001 to 005` (the end's number padded to the start's width) and slash lists
    /// `UJ-001/005/009`. Their implied IDs are references on their digits (in
    /// [`Builder::synthetic`], merged into the document's references in text order).
    fn link_items(&mut self, idx: usize, fi: usize, piece: Span, ids: &[RawId]) {
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
            let a_end = a.link.as_ref().map(|l| l.0.end).unwrap_or(a.span.end);
            let next_start = ids
                .get(i + 1)
                .map(|b| b.link.as_ref().map(|l| l.0.start).unwrap_or(b.span.start))
                .unwrap_or(piece.end)
                .min(piece.end)
                .max(a_end);
            let a_start = a.link.as_ref().map(|l| l.0.start).unwrap_or(a.span.start);
            match shorthand(self.text, a_end, next_start) {
                Some(Shorthand::Range(digits)) => {
                    let end = self.implied(a, &digits, idx, fi);
                    items.push(LinkItem::Range {
                        start: a_ref,
                        end: IdRef {
                            id: end,
                            span: RelSpan::new(&digits, base),
                        },
                        span: RelSpan::new(&(a_start..digits.end), base),
                    });
                    i += 1;
                    continue;
                }
                Some(Shorthand::Slash(list)) => {
                    items.push(LinkItem::Id(a_ref));
                    for digits in list {
                        let id = self.implied(a, &digits, idx, fi);
                        items.push(LinkItem::Id(IdRef {
                            id,
                            span: RelSpan::new(&digits, base),
                        }));
                    }
                    i += 1;
                    continue;
                }
                None => {}
            }
            if let Some(b) = ids.get(i + 1) {
                let b_start = b.link.as_ref().map(|l| l.0.start).unwrap_or(b.span.start);
                let gap = self.text.get(a_end..b_start).unwrap_or("").trim();
                let is_range_sep = matches!(
                    gap,
                    "to" | ".." | "..." | "…" | "–" | "—" | "-" | "through" | "→" | "->"
                );
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
                    let span = a_start..b.link.as_ref().map(|l| l.0.end).unwrap_or(b.span.end);
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

    /// The ID that shorthand `digits` after `a` stands for (`TEST-001–005` → `TEST-005`), and
    /// its reference.
    fn implied(&mut self, a: &RawId, digits: &Span, idx: usize, fi: usize) -> Str {
        let a_text = sub(self.text, a.span.clone());
        let prefix = id_prefix(a_text);
        let width = a_text.len() - prefix.len() - 1;
        let d = sub(self.text, digits.clone());
        let mut id = Str::from(prefix);
        id.push('-');
        for _ in d.len()..width {
            id.push('0');
        }
        id.push_str(d);
        self.synthetic.push(Reference {
            id: id.clone(),
            span: digits.clone(),
            entry: Some(idx as u32),
            field: Some(fi as u32),
            link_list: true,
            link: None,
        });
        id
    }

    /// Merges the references of shorthand IDs into the document's, in text order.
    fn flush_synthetic(&mut self) {
        for r in self.synthetic.drain(..) {
            let at = self
                .doc
                .refs
                .partition_point(|x| x.span.start <= r.span.start);
            self.doc.refs.insert(at, r);
        }
    }
}

/// A shorthand after a link-list ID.
enum Shorthand {
    /// `–005`, `..005`, `-005`, ` to 005`, ` through 005`, ` → 005`: the end's digits.
    Range(Span),
    /// `/005/009`: the digits of each.
    Slash(Vec<Span>),
}

/// Reads a shorthand in `text[from..limit]` (right after an ID).
fn shorthand(text: &str, from: usize, limit: usize) -> Option<Shorthand> {
    let gap = text.get(from..limit)?;
    // The digits at `at`, when what follows them ends the item (`TEST-001 - 5 retries` is no
    // range).
    let digits_at = |s: &str, at: usize| -> Option<Span> {
        let rest = s.get(at..)?;
        let n = rest.bytes().take_while(u8::is_ascii_digit).count();
        let tail = rest.get(n..)?;
        let next = tail.trim_start();
        let ends = tail.is_empty()
            || tail.starts_with('/')
            || next.is_empty()
            || next.starts_with([',', ';', ')', '(', ']', '.'])
            || next.starts_with("and ")
            || (tail.len() > next.len() && next.starts_with(['-', '–', '—']));
        ((1..=6).contains(&n) && ends).then(|| from + at..from + at + n)
    };
    if gap.starts_with('/') {
        let mut list = Vec::new();
        let mut at = 0;
        while gap.get(at..)?.starts_with('/') {
            let Some(d) = digits_at(gap, at + 1) else {
                break;
            };
            at = d.end - from;
            list.push(d);
        }
        return (!list.is_empty()).then_some(Shorthand::Slash(list));
    }
    let t = gap.trim_start();
    let lead = gap.len() - t.len();
    for sep in [
        "...", "..", "…", "–", "—", "->", "-", "→", "to ", "through ",
    ] {
        if let Some(rest) = t.strip_prefix(sep) {
            let spaced = rest.len() - rest.trim_start().len();
            let at = lead + sep.len() + spaced;
            if let Some(d) = digits_at(gap, at) {
                return Some(Shorthand::Range(d));
            }
        }
    }
    None
}

/// Is this line an ATX heading? (re-exported for callers that classify single lines)
pub fn heading_level(line: &str) -> Option<u8> {
    atx_level(line)
}

/// The prefix of a raw token's text.
pub fn raw_prefix<'t>(text: &'t str, raw: &RawId) -> &'t str {
    id_prefix(sub(text, raw.span.clone()))
}

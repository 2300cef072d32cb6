//! The extractor shared by both block recognisers: lines + [`LineKind`]s → [`ParsedDoc`]. One
//! entry point, [`extract`] / [`extract_lines`], drives a `Builder` line by line; its jobs live
//! in the submodules: definitions (`defs`), fields and multi-line values (`fields`), link lists
//! and their shorthands (`links`), tables (`tables`), and `unread-line` notes (`notes`).

mod defs;
mod fields;
mod links;
mod notes;
mod tables;

pub use defs::quote_prefix;
pub use fields::{is_grouping_key, is_known_key, parse_field_line, FieldLine, KNOWN_KEYS};
pub use tables::MAX_TABLE_COLUMNS;

use super::blocks::{atx_level, indent, table_cells};
use super::ids::{inline_mask, scan_ids, InlineState, RawId};
use super::{
    id_prefix, CodeLine, DefKind, Entry, IdRef, LineKind, Link, ParsedDoc, Prefixes, Reference,
    RelSpan, Span, Str,
};
use crate::text::line_spans;
use notes::Candidate;
use tables::{clean_cell, table_mode, TableMode};

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

    fn extend_entry(&mut self, end: usize) {
        if let Some((idx, _, _)) = self.current {
            let e = &mut self.doc.entries[idx];
            if end > e.span.end {
                e.span.end = end;
            }
        }
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
}

/// Is this line an ATX heading? (re-exported for callers that classify single lines)
pub fn heading_level(line: &str) -> Option<u8> {
    atx_level(line)
}

/// The prefix of a raw token's text.
pub fn raw_prefix<'t>(text: &'t str, raw: &RawId) -> &'t str {
    id_prefix(sub(text, raw.span.clone()))
}

//! Definitions: a heading (`## DEP-001: Title`, or a sub-heading that is a field of the entry
//! above) and the plain-line spellings (`DEP-001: Title`, the bold ones, list items), read
//! inside block quotes too.

use super::{raw_prefix, sub, Builder, OpenField};
use crate::syntax::blocks::indent;
use crate::syntax::ids::RawId;
use crate::syntax::{is_link_list_key, DefKind, Field, Str};

/// What leads a line's content: a bullet and `**`, each there or not (see [`item_lead`]).
pub(super) struct ItemLead {
    /// Where the content starts (after the bullet and the `**`).
    pub(super) content: usize,
    /// A bullet (`- `, `* `, `+ `) leads.
    pub(super) list: bool,
    /// `**` leads (after the bullet, if any).
    pub(super) bold: bool,
}

/// What leads a line's content after `ib` bytes of indentation: a bullet (`- `, `* `, `+ `) and
/// `**`.
pub(super) fn item_lead(line: &str, ib: usize) -> ItemLead {
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
    ItemLead {
        content: p,
        list,
        bold,
    }
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

/// Separators accepted between an ID and its title in a heading.
pub(super) fn strip_title_separator(s: &str) -> &str {
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
pub(super) fn heading_content(line: &str) -> (usize, usize) {
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

impl Builder<'_> {
    pub(super) fn heading(&mut self, line: &str, start: usize, level: u8, ids: &[RawId]) {
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

    /// Is this line (quote markers removed, `ib` bytes of indentation) a definition in one of
    /// the plain-line spellings? Returns the title and the kind.
    ///
    /// - `DEP-001: Title` (any known prefix);
    /// - for DEP- IDs also `**DEP-001**: Title`, `**DEP-001:** Title`, `**DEP-001: Title**`,
    ///   `**DEP-001** — Title`, and list items `- DEP-002: Title`, `- **DEP-002**: Title`.
    ///
    /// A list item under an open link-list field at or beyond the field's indentation is one
    /// of its links (`Linked IDs:` then `- DEP-002: the staging entry`), not a definition.
    pub(super) fn definition(
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
        let ItemLead {
            content: p,
            list,
            bold,
        } = item_lead(line, ib);
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
}

//! Link lists: a link-list value's IDs as items (IDs, full ranges, and the shorthands
//! `TEST-001–005`, `TEST-001 to 005`, slash lists `UJ-001/005/009`), the references their
//! implied IDs get, merged into the document's in text order.

use super::{sub, Builder};
use crate::syntax::ids::RawId;
use crate::syntax::{id_prefix, IdRef, LinkItem, Reference, RelSpan, Span, Str};

/// A shorthand after a link-list ID.
pub(super) enum Shorthand {
    /// `–005`, `..005`, `-005`, ` to 005`, ` through 005`, ` → 005`: the end's digits.
    Range(Span),
    /// `/005/009`: the digits of each.
    Slash(Vec<Span>),
}

/// Reads a shorthand in `text[from..limit]` (right after an ID).
pub(super) fn shorthand(text: &str, from: usize, limit: usize) -> Option<Shorthand> {
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

impl Builder<'_> {
    /// Parses the IDs of one piece of a link-list value into items (IDs and ranges).
    ///
    /// Besides full ranges (`TEST-001 to TEST-050`, `..`, `–`, ` - `, `through`, `→`), the
    /// shorthands are expanded: `TEST-001–005`, `TEST-001..005`, `TEST-001-005`,
    /// `TEST-001 to 005` (the end's number padded to the start's width) and slash lists
    /// `UJ-001/005/009`. Their implied IDs are references on their digits (in
    /// [`Builder::synthetic`], merged into the document's references in text order).
    pub(super) fn link_items(&mut self, idx: usize, fi: usize, piece: Span, ids: &[RawId]) {
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
    pub(super) fn implied(&mut self, a: &RawId, digits: &Span, idx: usize, fi: usize) -> Str {
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
    pub(super) fn flush_synthetic(&mut self) {
        for r in self.synthetic.drain(..) {
            let at = self
                .doc
                .refs
                .partition_point(|x| x.span.start <= r.span.start);
            self.doc.refs.insert(at, r);
        }
    }
}

//! Edits of an open document: content changes applied in order, and one range change
//! re-lining, re-cutting sections, reparsing and re-extracting only around it (see the parent
//! module's documentation), with the entries and references after it shifted.

use super::{headroom, Change, Document, Section};
use crate::syntax::blocks::classify_lines;
use crate::syntax::extract::extract_lines;
use crate::syntax::tree::{new_parser, section_starts};
use crate::syntax::{LineKind, Prefixes};
use crate::text::{self, line_spans, PositionEncoding, Range};
use ropey::Rope;
use std::collections::HashMap;
use std::sync::Arc;
use tree_sitter::{InputEdit, Tree};

impl Document {
    /// Applies content changes in order. Never panics; positions are clamped. Returns whether
    /// the IDs defined or referenced (or their order) may have changed.
    pub fn apply(
        &mut self,
        changes: &[Change],
        enc: PositionEncoding,
        prefixes: &Prefixes,
    ) -> bool {
        let mut ids_changed = false;
        for c in changes {
            match c.range {
                None => {
                    self.text.clear();
                    self.text.reserve(c.text.len() + headroom(c.text.len()));
                    self.text.push_str(&c.text);
                    self.rope = Rope::from_str(&self.text);
                    self.reparse_all(prefixes);
                    ids_changed = true;
                }
                Some(range) => ids_changed |= self.edit(range, &c.text, enc, prefixes),
            }
        }
        ids_changed
    }

    /// One range change. Returns whether the IDs defined or referenced may have changed.
    ///
    /// A panic in the incremental update (a bug) is contained: the rope, which takes the change
    /// first, is the text, and everything is re-read from it ([`Document::reparse_all`]).
    pub fn edit(
        &mut self,
        range: Range,
        new_text: &str,
        enc: PositionEncoding,
        prefixes: &Prefixes,
    ) -> bool {
        if self.plain {
            let ((start, old_end, _), _) = text::splice_rope(&mut self.rope, range, new_text, enc);
            match self.text.get(start..old_end) {
                Some(_) => self.text.replace_range(start..old_end, new_text),
                None => self.text = self.rope.to_string(),
            }
            if self.text.len() <= self.limit {
                self.reparse_all(prefixes);
            } else {
                self.make_plain();
            }
            return true;
        }
        match crate::guard::catch(|| self.edit_unguarded(range, new_text, enc, prefixes)) {
            Ok(_) if self.text.len() > self.limit => {
                self.make_plain();
                true
            }
            Ok(changed) => changed,
            Err(m) => {
                // The message may quote document text: only its length is logged.
                tracing::error!(
                    "internal error in an incremental edit (a {}-byte message); the document is re-read whole",
                    m.len()
                );
                self.parser = new_parser();
                self.text = self.rope.to_string();
                self.reparse_all(prefixes);
                true
            }
        }
    }

    fn edit_unguarded(
        &mut self,
        range: Range,
        new_text: &str,
        enc: PositionEncoding,
        prefixes: &Prefixes,
    ) -> bool {
        let ((start, old_end, new_end), old_extent) =
            text::splice_rope(&mut self.rope, range, new_text, enc);
        if start == old_end && new_text.is_empty() {
            return false;
        }
        self.text.replace_range(start..old_end, new_text);
        let delta = new_end as isize - old_end as isize;
        let shift = |x: usize| (x as isize + delta) as usize;

        // Front matter before the edit: its lines are the leading `Meta` ones.
        let fm_old = match self
            .kinds
            .iter()
            .take_while(|&&k| k == LineKind::Meta)
            .count()
        {
            0 => None,
            n => Some(n - 1),
        };

        // 1. Lines: rescan from the line before the edit to the line after it.
        let old_lines = self.lines.len();
        let la = self.line_containing(start).saturating_sub(1);
        let lb = (self.line_containing(old_end) + 1).min(old_lines - 1);
        // Old starts of the rescanned lines: a section may start at one of them (step 2).
        let old_starts: Vec<usize> = self.lines[la..=lb].iter().map(|l| l.0).collect();
        let from = self.lines[la].0;
        let old_to = self.lines[lb].2; // next line start (old), or text end
        let old_was_last = lb == old_lines - 1;
        let to = if old_was_last {
            self.text.len()
        } else {
            shift(old_to)
        };
        let mut fresh: Vec<(usize, usize, usize)> = line_spans(&self.text[from..to])
            .map(|(s, e, n)| (s + from, e + from, n + from))
            .collect();
        if !old_was_last {
            // The slice ends at a line start: drop the empty line `line_spans` yields there.
            fresh.pop();
        }
        let removed = lb + 1 - la;
        let added = fresh.len();
        let line_delta = added as isize - removed as isize;
        for l in &mut self.lines[lb + 1..] {
            *l = (shift(l.0), shift(l.1), shift(l.2));
        }
        self.lines.splice(la..lb + 1, fresh);
        let kind_fill = vec![LineKind::Text; added];
        self.kinds.splice(la..lb + 1, kind_fill);
        let lshift = |l: usize| (l as isize + line_delta) as usize;
        debug_assert_eq!(
            self.lines,
            line_spans(&self.text).collect::<Vec<_>>(),
            "lines after edit at {start}..{old_end}"
        );

        // Front matter after the edit (its closing line). Front matter is the one construct an
        // edit changes backwards: `---` on line 0 is front matter up to the first closing line,
        // however far down (typing the closing line at the end turns the whole document into
        // front matter, deleting it turns it back). Only a closing line among the rescanned
        // lines can be new when line 0 and the old closing line are untouched.
        let fm_old_now = fm_old.map(|c| {
            if c < la {
                Some(c)
            } else if c > lb {
                Some(lshift(c))
            } else {
                None // rescanned
            }
        });
        let fm_new = match fm_old_now {
            Some(Some(c)) if c < la => Some(c),
            None if la > 0 => self.front_matter_close(la..la + added),
            _ => self.front_matter_close(1..self.lines.len()),
        };
        let fm_changed = match (fm_old_now, fm_new) {
            (None, None) => false,
            (Some(Some(c)), Some(n)) => c != n,
            _ => true,
        };

        // 2. Sections: re-cut from the section before the edit until the cut points agree
        // (from the first section when the front matter changed, and always past the front
        // matter's closing line when the region starts at line 0: a scan that stops before it
        // takes the front matter for unclosed).
        let si = self.section_of_line(la);
        let sj = self.section_of_line_old(lb);
        let first_sec = if fm_changed { 0 } else { si.saturating_sub(1) };
        let mut last_sec = (sj + 1).min(self.sections.len() - 1);
        for s in &mut self.sections[sj + 1..] {
            s.first_line = lshift(s.first_line);
        }
        let region_start = self.sections[first_sec].first_line;
        let mut grow = 1;
        let (new_starts, region_end_sec) = loop {
            let region_end = self
                .sections
                .get(last_sec + 1)
                .map(|s| s.first_line)
                .unwrap_or(self.lines.len());
            // Include the next section's first line to see whether it still starts a section.
            let probe_end = (region_end + 1).min(self.lines.len());
            // A region that starts below line 0 is read after a blank line: its first line
            // cannot open front matter (` ---` there, with a `---` further down, once turned
            // the rest of the document into front matter), and a section start is read so in
            // the whole document too (after a blank line, or afresh after front matter).
            let lead = usize::from(region_start > 0);
            let strs: Vec<&str> = std::iter::repeat_n("", lead)
                .chain(
                    self.lines[region_start..probe_end]
                        .iter()
                        .map(|&(s, e, _)| crate::syntax::line_text(&self.text, s, e)),
                )
                .collect();
            let scan = classify_lines(&strs);
            let mut starts: Vec<usize> = section_starts(&scan, &strs)
                .into_iter()
                .filter(|&i| i >= lead)
                .map(|i| i - lead)
                .collect();
            if starts.first() != Some(&0) {
                starts.insert(0, 0);
            }
            let past_front_matter = region_start > 0 || fm_new.is_none_or(|c| c < region_end);
            let resynced = region_end == self.lines.len()
                || (past_front_matter && starts.contains(&(region_end - region_start)));
            if resynced {
                let local: Vec<usize> = starts
                    .into_iter()
                    .filter(|&s| s < region_end - region_start)
                    .map(|s| s + region_start)
                    .collect();
                break (local, last_sec);
            }
            // Grow the region geometrically: an opened fence may swallow the rest of the
            // document, and rescanning one more section at a time would be quadratic.
            grow *= 2;
            last_sec = (last_sec + grow).min(self.sections.len() - 1);
        };

        // Old sections of the region, keyed by the byte range (in the new text) their text
        // occupies now. A new section reuses an old section's tree only when it covers exactly
        // that range: then its text is the old section's text, unchanged (the edit lies entirely
        // before or after it) or with the edit applied inside it. Comparing line numbers is not
        // enough: a section boundary inside the rescanned lines is in old line coordinates, and
        // an edit that removes a line break can make it coincide with another boundary in new
        // coordinates (a section that swallowed the next one looked like the old, shorter one,
        // and its tree was reused for text it never held).
        let old_len = (self.text.len() as isize - delta) as usize;
        // Old start byte of old section `k` (old text length past the last section).
        let old_byte = |k: usize| -> usize {
            match self.sections.get(k) {
                None => old_len,
                // After the edit: first lines already shifted to new coordinates.
                Some(s) if k > sj => (self.line_start(s.first_line) as isize - delta) as usize,
                // Inside the rescanned lines: old coordinates.
                Some(s) if s.first_line >= la => old_starts[s.first_line - la],
                // Before the rescanned lines: unchanged.
                Some(s) => self.line_start(s.first_line),
            }
        };
        let mut reusable: HashMap<(usize, usize), (usize, bool)> = HashMap::new();
        for n in 0..=region_end_sec - first_sec {
            let (os, oe) = (old_byte(first_sec + n), old_byte(first_sec + n + 1));
            if old_end <= os {
                reusable.insert((shift(os), shift(oe)), (n, false));
            }
            if start >= oe {
                reusable.insert((os, oe), (n, false));
            }
            if os <= start && old_end <= oe {
                reusable.insert((os, shift(oe)), (n, true));
            }
        }
        let old: Vec<Section> = self.sections.drain(first_sec..=region_end_sec).collect();
        let mut old_trees: Vec<Option<Tree>> = old.into_iter().map(|s| s.tree).collect();
        let new_sections: Vec<Section> = new_starts
            .iter()
            .map(|&first_line| Section {
                first_line,
                tree: None,
            })
            .collect();
        let n_new = new_sections.len();
        self.sections.splice(first_sec..first_sec, new_sections);
        for k in first_sec..first_sec + n_new {
            let (s, e) = self.section_bytes(k);
            let same = reusable.get(&(s, e)).copied();
            match same {
                Some((n, false)) => {
                    // Untouched: reuse its tree; only its kinds need restoring (lines were
                    // refilled around the edit).
                    let tree = old_trees[n].take();
                    self.sections[k].tree = tree;
                    self.reclassify(k);
                }
                Some((n, true)) => {
                    let mut tree = old_trees[n].take();
                    if let Some(t) = &mut tree {
                        if start >= s && new_end <= e {
                            let rel = |x: usize| x - s;
                            let start_point = self.section_point(k, start);
                            let new_end_point = self.section_point(k, new_end);
                            let old_end_point = end_point(start_point, old_extent);
                            t.edit(&InputEdit {
                                start_byte: rel(start),
                                old_end_byte: rel(start) + (old_end - start),
                                new_end_byte: rel(new_end),
                                start_position: start_point,
                                old_end_position: old_end_point,
                                new_end_position: new_end_point,
                            });
                        } else {
                            tree = None;
                        }
                    }
                    self.parse_section(k, tree.as_ref());
                }
                None => self.parse_section(k, None),
            }
        }

        // 3. Entries: re-extract between the definitions around the changed lines.
        let changed_first = region_start.min(la);
        let changed_last_new = self
            .sections
            .get(first_sec + n_new)
            .map(|s| s.first_line)
            .unwrap_or(self.lines.len());
        self.reextract(changed_first, changed_last_new, start, delta, prefixes)
    }

    /// Classifies the lines of section `k` again, from the tree it holds.
    fn reclassify(&mut self, k: usize) {
        let tree = self.sections[k].tree.take();
        self.install_tree(k, tree);
    }

    /// Re-extracts lines from the last definition before `first_line` to the first definition
    /// at or after the changed region, and splices the result into the parsed document.
    fn reextract(
        &mut self,
        first_line: usize,
        end_line_new: usize,
        edit_start: usize,
        delta: isize,
        prefixes: &Prefixes,
    ) -> bool {
        let old = &*self.parsed;
        let first_byte = self.line_start(first_line).min(edit_start);
        // Start: the last heading / plain-line definition whose line ends before the changes.
        // Entries are in document order: binary search to the change, then walk from there
        // (a scan from either end of a 10,000-entry document touched every entry's memory on
        // every keystroke).
        let before = old
            .entries
            .partition_point(|e| e.line_span.start < first_byte);
        let e0 = old.entries[..before]
            .iter()
            .rposition(|e| e.def_kind.restarts() && e.line_span.end < first_byte);
        let (e0, start_byte) = match e0 {
            Some(i) => (i, line_start_of(&self.text, old.entries[i].line_span.start)),
            None => (0, 0),
        };
        // End: the first definition (heading or plain line) starting at or after the changed
        // region's end (old coordinates).
        let end_old_byte = self.old_line_start(end_line_new, delta);
        let after = old
            .entries
            .partition_point(|e| e.line_span.start < end_old_byte);
        let e1 = old.entries[after..]
            .iter()
            .position(|e| e.def_kind.restarts())
            .map_or(old.entries.len(), |i| after + i);
        let end_byte_new = if e1 < old.entries.len() {
            line_start_of(
                &self.text,
                (old.entries[e1].line_span.start as isize + delta) as usize,
            )
        } else {
            self.text.len()
        };
        let end_byte_old = (end_byte_new as isize - delta) as usize;

        let la = self.line_containing(start_byte);
        let lb = if end_byte_new >= self.text.len() {
            self.lines.len()
        } else {
            self.line_containing(end_byte_new)
        };
        let lines = self.lines[la..lb]
            .iter()
            .zip(&self.kinds[la..lb])
            .map(|(&(s, e, _), &k)| (s, e, k));
        let part = extract_lines(&self.text, lines, prefixes);

        let r0 = old.refs.partition_point(|r| r.span.start < start_byte);
        let r1 = old
            .refs
            .partition_point(|r| r.span.start < end_byte_old)
            .max(r0);
        let e1 = e1.max(e0);
        let ids_changed = old.entries[e0..e1].len() != part.entries.len()
            || old.refs[r0..r1].len() != part.refs.len()
            || old.entries[e0..e1].iter().zip(&part.entries).any(|(a, b)| {
                a.id != b.id
                    || a.placeholder != b.placeholder
                    || a.def_kind.lists() != b.def_kind.lists()
                    || a.deprecated != b.deprecated
                    || a.replacement != b.replacement
            })
            || old.refs[r0..r1]
                .iter()
                .zip(&part.refs)
                .any(|(a, b)| a.id != b.id);
        // (Issue 14, helper rep) Suppression directives: the region's are replaced by the
        // re-extracted ones, later ones move with the text (their next-line targets lie after
        // them; one before the region targets at most the unchanged line the region starts on).
        let s0 = old
            .suppressions
            .partition_point(|d| d.line.start < start_byte);
        let s1 = old
            .suppressions
            .partition_point(|d| d.line.start < end_byte_old)
            .max(s0);
        let new_suppressions = part.suppressions.len();
        let entry_delta = part.entries.len() as isize - (e1 - e0) as isize;
        let new_entries = part.entries.len();
        let new_refs = part.refs.len();

        // Splice in place: the document is not shared while it is edited (the index lets go of
        // it first), so nothing is copied but the region.
        let doc = Arc::make_mut(&mut self.parsed);
        // (Issue 14, helper rep) See `s0`/`s1` above.
        doc.suppressions.splice(s0..s1, part.suppressions);
        for d in &mut doc.suppressions[s0 + new_suppressions..] {
            d.shift(delta);
        }
        doc.entries.splice(e0..e1, part.entries);
        for e in &mut doc.entries[e0 + new_entries..] {
            shift_entry(e, delta);
        }
        doc.refs.splice(
            r0..r1,
            part.refs.into_iter().map(|mut r| {
                r.entry = r.entry.map(|i| i + e0 as u32);
                r
            }),
        );
        for r in &mut doc.refs[r0 + new_refs..] {
            r.span = shift_span(&r.span, delta);
            if let Some(l) = &mut r.link {
                l.span = shift_span(&l.span, delta);
            }
            r.entry = r.entry.map(|i| (i as isize + entry_delta) as u32);
        }
        // Notes (`unread-line`) of the region, as the references.
        let n0 = doc.notes.partition_point(|n| n.span.start < start_byte);
        let n1 = doc
            .notes
            .partition_point(|n| n.span.start < end_byte_old)
            .max(n0);
        let new_notes = part.notes.len();
        doc.notes.splice(n0..n1, part.notes);
        for n in &mut doc.notes[n0 + new_notes..] {
            n.span = shift_span(&n.span, delta);
        }
        ids_changed
    }

    /// The old-coordinates byte start of a line below the edit, given by its new line number
    /// (its start moved by `delta` bytes).
    fn old_line_start(&self, new_line: usize, delta: isize) -> usize {
        let new_start = self.line_start(new_line);
        (new_start as isize - delta).max(0) as usize
    }

    /// The first line in `range` (from line 1 on) that closes front matter opened by line 0, as
    /// the block scanner decides it (asked on line 0, the candidate and, unless the candidate
    /// is the last line, a line break after it).
    fn front_matter_close(&self, range: std::ops::Range<usize>) -> Option<usize> {
        let n = self.lines.len();
        let line = |i: usize| {
            let (s, e, _) = self.lines[i];
            crate::syntax::line_text(&self.text, s, e)
        };
        let first = line(0);
        range.filter(|&i| i >= 1 && i < n).find(|&i| {
            let l = line(i);
            // A closing line starts with exactly three `-` or `+`.
            (l.starts_with("---") || l.starts_with("+++"))
                && if i + 1 < n {
                    classify_lines(&[first, l, ""])[1] == LineKind::Meta
                } else {
                    classify_lines(&[first, l])[1] == LineKind::Meta
                }
        })
    }

    /// The tree-sitter point of byte `offset` relative to section `k`, from the line table
    /// (tree-sitter counts only `\n` as a line break: a section with a `\r` before the offset
    /// is counted byte by byte).
    fn section_point(&self, k: usize, offset: usize) -> tree_sitter::Point {
        let (s, _) = self.section_bytes(k);
        let before = &self.text[s..offset.max(s)];
        if before.contains('\r') {
            return text::ts_point_str(before, before.len());
        }
        let line = self.line_containing(offset);
        tree_sitter::Point {
            row: line - self.sections[k].first_line,
            column: offset - self.lines[line].0,
        }
    }

    /// Index of the line whose span holds `offset` (a line's break belongs to it).
    fn line_containing(&self, offset: usize) -> usize {
        self.lines
            .partition_point(|&(s, _, _)| s <= offset)
            .saturating_sub(1)
    }

    /// The section holding a line (in the current, partly updated, line coordinates: sections
    /// before the edit are unchanged).
    fn section_of_line(&self, line: usize) -> usize {
        self.sections
            .partition_point(|s| s.first_line <= line)
            .saturating_sub(1)
    }

    /// The section that held old line `lb` (sections after the edit still have old first lines).
    fn section_of_line_old(&self, lb: usize) -> usize {
        self.sections
            .partition_point(|s| s.first_line <= lb)
            .saturating_sub(1)
    }
}

fn end_point(start: tree_sitter::Point, extent: tree_sitter::Point) -> tree_sitter::Point {
    if extent.row == 0 {
        tree_sitter::Point {
            row: start.row,
            column: start.column + extent.column,
        }
    } else {
        tree_sitter::Point {
            row: start.row + extent.row,
            column: extent.column,
        }
    }
}

/// Start of the line holding `offset` in `text` (lines break at `\n`, `\r\n` and `\r`).
fn line_start_of(text: &str, offset: usize) -> usize {
    let b = text.as_bytes();
    let mut i = offset.min(b.len());
    while i > 0 && b[i - 1] != b'\n' && b[i - 1] != b'\r' {
        i -= 1;
    }
    i
}

fn shift_span(s: &std::ops::Range<usize>, delta: isize) -> std::ops::Range<usize> {
    ((s.start as isize + delta) as usize)..((s.end as isize + delta) as usize)
}

/// Moves an entry after an edit. Its fields and items are relative to it: three spans.
fn shift_entry(e: &mut crate::syntax::Entry, delta: isize) {
    e.id_span = shift_span(&e.id_span, delta);
    e.line_span = shift_span(&e.line_span, delta);
    e.span = shift_span(&e.span, delta);
}

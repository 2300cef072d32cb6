//! Findings (byte spans) → [`Item`]s as the formats print them: positions through
//! [`crate::text`] (UTF-16 ranges, char columns), paths as shown, and for human output a
//! window of the source line.

use super::format::{Item, Loc, RelatedItem, Snippet};
use super::targets::{join_display, Target};
use crate::check::Finding;
use crate::text::{LineIndexCache, PositionEncoding, Range};
use crate::workspace::Workspace;
use std::collections::HashMap;

/// Findings come sorted by file: a few line tables at a time are enough (keeping one per file
/// with findings held tens of MB on large workspaces).
const LINE_INDEXES_KEPT: usize = 32;

/// Bytes of context a snippet shows on each side of its span (and of the span itself).
const SNIPPET_CONTEXT: usize = 100;

/// Texts of a workspace's files, with their line indexes built on demand.
struct Texts<'w> {
    by_path: HashMap<&'w str, &'w str>,
    lines: LineIndexCache,
}

impl<'w> Texts<'w> {
    fn new(ws: &'w Workspace) -> Self {
        let by_path = ws
            .files
            .iter()
            .map(|f| (f.path.as_str(), &*f.text))
            .collect();
        Texts {
            by_path,
            lines: LineIndexCache::bounded(LINE_INDEXES_KEPT),
        }
    }

    /// Position of `span` in `path` (0,0 when the file is not known).
    fn locate(&mut self, path: &str, span: &std::ops::Range<usize>) -> Loc {
        let Some(&text) = self.by_path.get(path) else {
            return Loc::default();
        };
        let idx = self.lines.get(path, text);
        let range = idx.range(text, span.clone(), PositionEncoding::Utf16);
        let col_chars = idx
            .position(text, span.start.min(span.end), PositionEncoding::Utf32)
            .character;
        Loc { range, col_chars }
    }

    /// A window of the first line of `range` in `path` around it ([`snippet_window`]).
    fn snippet(&mut self, path: &str, range: Range) -> Option<Snippet> {
        let &text = self.by_path.get(path)?;
        let idx = self.lines.get(path, text);
        let line = range.start.line as usize;
        let (ls, le) = (idx.line_start(line), idx.line_end(line));
        let line_text = text.get(ls..le).unwrap_or("");
        let start = idx
            .offset(text, range.start, PositionEncoding::Utf16)
            .clamp(ls, le)
            - ls;
        let end = if range.end.line as usize == line {
            idx.offset(text, range.end, PositionEncoding::Utf16)
                .clamp(ls, le)
                - ls
        } else {
            le - ls
        };
        Some(snippet_window(line_text, start, end.max(start)))
    }
}

/// The part of `line` a snippet shows: the span `start..end` (its first `SNIPPET_CONTEXT`
/// bytes) with up to `SNIPPET_CONTEXT` bytes on each side, cut at character boundaries, with `…`
/// where the line goes on. A finding on a 260 KB line copies a few hundred bytes, not the line.
fn snippet_window(line: &str, start: usize, end: usize) -> Snippet {
    let floor = |mut i: usize| {
        i = i.min(line.len());
        while !line.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(start);
    let end = floor(end.max(start));
    let shown_end = floor(end.min(start + SNIPPET_CONTEXT));
    let from = floor(start.saturating_sub(SNIPPET_CONTEXT));
    let to = floor(shown_end + SNIPPET_CONTEXT);
    let mut text = String::with_capacity(to - from + 8);
    if from > 0 {
        text.push('…');
    }
    let lead = text.len();
    text.push_str(&line[from..to]);
    if to < line.len() {
        text.push('…');
    }
    Snippet {
        start: lead + start - from,
        end: lead + shown_end - from,
        text,
    }
}

/// Computes positions for the findings of the workspace at `offset` (root-relative) of a PATH,
/// with paths as shown (relative to the folder given).
/// Source snippets (`snippets`) are made for human output only: the other formats have no use
/// for them, and a copy of the line per finding grew memory with findings × line length.
pub(super) fn locate_all(
    ws: &Workspace,
    t: &Target,
    offset: &str,
    findings: Vec<Finding>,
    snippets: bool,
) -> Vec<Item> {
    let mut texts = Texts::new(ws);
    findings
        .into_iter()
        .map(|f| {
            let loc = texts.locate(&f.path, &f.span);
            let snippet = if snippets {
                texts.snippet(&f.path, loc.range)
            } else {
                None
            };
            let related = f
                .related
                .iter()
                .map(|r| {
                    let path = t.shown(offset, &r.path);
                    RelatedItem {
                        file_arg: join_display(&t.prefix, &path),
                        path,
                        loc: texts.locate(&r.path, &r.span),
                        message: r.message.clone(),
                    }
                })
                .collect();
            let path = t.shown(offset, &f.path);
            Item {
                file_arg: join_display(&t.prefix, &path),
                path,
                code: f.code,
                severity: f.severity,
                message: f.message,
                id: f.id,
                loc,
                snippet,
                related,
            }
        })
        .collect()
}

//! Conversions between engine spans (byte offsets) and LSP positions, through the one
//! position module [`crate::text`].

use crate::ide::Folder;
use crate::syntax::Span;
use crate::text::{self, LineIndex, PositionEncoding};
use std::collections::HashMap;
use tower_lsp_server::ls_types as lsp;

pub fn to_lsp_position(p: text::Position) -> lsp::Position {
    lsp::Position {
        line: p.line,
        character: p.character,
    }
}

pub fn lsp_range(r: text::Range) -> lsp::Range {
    lsp::Range {
        start: to_lsp_position(r.start),
        end: to_lsp_position(r.end),
    }
}

pub fn from_lsp_position(p: lsp::Position) -> text::Position {
    text::Position {
        line: p.line,
        character: p.character,
    }
}

pub fn from_lsp_range(r: lsp::Range) -> text::Range {
    text::Range {
        start: from_lsp_position(r.start),
        end: from_lsp_position(r.end),
    }
}

/// Converts positions of any file of a folder: open documents through their line table (byte
/// spans to positions) or rope (positions to offsets), files on disk through a line index
/// built once per request.
pub struct Lines<'a> {
    folder: &'a Folder,
    cache: HashMap<String, LineIndex>,
    /// The line of the last open-document span converted: where the next search starts
    /// (spans come in document order; any value gives the same answers).
    near: usize,
}

impl<'a> Lines<'a> {
    pub fn new(folder: &'a Folder) -> Self {
        Lines {
            folder,
            cache: HashMap::new(),
            near: 0,
        }
    }

    /// The LSP range of a byte span of a file.
    pub fn range(&mut self, rel: &str, span: Span, enc: PositionEncoding) -> Option<lsp::Range> {
        if let Some(doc) = self.folder.open.get(rel) {
            return Some(lsp_range(doc.range(span, enc, &mut self.near)));
        }
        let t = self.folder.disk_text(rel)?;
        let li = self
            .cache
            .entry(rel.to_string())
            .or_insert_with(|| LineIndex::new(t));
        Some(lsp_range(li.range(t, span, enc)))
    }

    /// The byte offset of an LSP position in a file (clamped).
    pub fn offset(
        &mut self,
        rel: &str,
        pos: lsp::Position,
        enc: PositionEncoding,
    ) -> Option<usize> {
        let p = from_lsp_position(pos);
        if let Some(doc) = self.folder.open.get(rel) {
            return Some(text::rope_offset(doc.rope(), p, enc));
        }
        let t = self.folder.disk_text(rel)?;
        let li = self
            .cache
            .entry(rel.to_string())
            .or_insert_with(|| LineIndex::new(t));
        Some(li.offset(t, p, enc))
    }
}

//! The position and URI layer, both ways: engine spans (byte offsets) ↔ LSP positions and
//! ranges, through the one position module [`crate::text`]; `file:` and `untitled:` URIs ↔
//! workspace paths. Engine results become LSP objects in `to_proto`, on top of this.

use crate::syntax::Span;
use crate::text::{self, LineIndexCache, PositionEncoding};
use crate::workspace::world::{self as state, DocKey, World};
use crate::workspace::Workspace;
use std::path::{Path, PathBuf};
use tower_lsp_server::ls_types::{self as lsp, Uri};

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
    folder: &'a Workspace,
    cache: LineIndexCache,
    /// The line of the last open-document span converted: where the next search starts
    /// (spans come in document order; any value gives the same answers).
    near: usize,
}

impl<'a> Lines<'a> {
    pub fn new(folder: &'a Workspace) -> Self {
        Lines {
            folder,
            cache: LineIndexCache::new(),
            near: 0,
        }
    }

    /// The LSP range of a byte span of a file.
    pub fn range(&mut self, rel: &str, span: Span, enc: PositionEncoding) -> Option<lsp::Range> {
        if let Some(doc) = self.folder.open.get(rel) {
            return Some(lsp_range(doc.range(span, enc, &mut self.near)));
        }
        let t = self.folder.disk_text(rel)?;
        Some(lsp_range(self.cache.get(rel, t).range(t, span, enc)))
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
        Some(self.cache.get(rel, t).offset(t, p, enc))
    }
}

/// The file path of a `file:` URI: percent-decoded, then `.` and `..` resolved
/// ([`crate::workspace::world::lexical`]); `None` for another scheme or a relative path. Every URI the server
/// receives becomes a path here, once.
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    if uri.scheme().as_str() != "file" {
        return None;
    }
    state::lexical(&uri.to_file_path()?)
}

/// The URI of a workspace-relative path (an untitled document's path is its URI).
pub fn uri_of(root: &Path, rel: &str) -> Option<Uri> {
    if rel.starts_with(UNTITLED) {
        return rel.parse().ok();
    }
    Uri::from_file_path(root.join(rel))
}

/// The scheme of an unsaved document's URI (VS Code's `untitled:Untitled-1`).
const UNTITLED: &str = "untitled:";

pub(super) fn is_untitled(uri: &Uri) -> bool {
    uri.scheme().as_str() == "untitled"
}

/// Where a URI's document lives: a `file:` URI by its path ([`World::locate_path`]), an
/// untitled document in the first workspace folder ([`World::untitled_key`]).
pub(super) fn locate_uri(w: &World, uri: &Uri) -> Option<DocKey> {
    if is_untitled(uri) {
        return w.untitled_key(uri.as_str());
    }
    w.locate_path(&file_path(uri)?)
}

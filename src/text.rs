//! Text positions: the one module of the project that knows about position encodings.
//!
//! Everything else in the project works with **byte offsets** into UTF-8 text. This module
//! converts between byte offsets and
//!
//! * LSP-style [`Position`]s (0-based line + character, where "character" is counted in code
//!   units of a negotiated [`PositionEncoding`]), over a `&str` (via [`LineIndex`]) or over a
//!   [`ropey::Rope`] (via [`rope_position`] / [`rope_offset`]);
//! * tree-sitter [`Point`]s (rows counted by `'\n'` only, columns in bytes);
//!
//! and applies LSP content changes to a rope ([`apply_change`]), producing the
//! [`tree_sitter::InputEdit`] for incremental reparsing.
//!
//! # Rules
//!
//! * **Line breaks** are `"\n"`, `"\r\n"` and a lone `"\r"` (the LSP set). Ropey is built with
//!   `cr_lines` (and without `unicode_lines`), which recognises exactly this set, so rope lines
//!   and [`line_spans`] agree.
//! * A line's **content** excludes its line break. A position past the end of a line's content
//!   clamps to the end of the content (i.e. *before* `"\r\n"`).
//! * **Nothing panics.** Out-of-range inputs are clamped:
//!   - a byte offset past the end of the text clamps to the text length;
//!   - a byte offset inside a multi-byte char snaps down to the start of that char;
//!   - a byte offset inside a line break (e.g. on the `'\n'` of `"\r\n"`) snaps down to the end
//!     of the line's content;
//!   - a position whose line is past the last line maps to the end of the text;
//!   - a position whose character is past the line content maps to the end of the content;
//!   - a position whose character falls inside a char (middle of a UTF-16 surrogate pair, inside
//!     a UTF-8 sequence) maps to the start of that char;
//!   - reversed ranges are normalised (start and end swapped).
//! * **Speed.** Conversions never scan from the start of the file: [`LineIndex`] keeps a
//!   line-start table (binary search) with a per-line ASCII flag (ASCII lines convert in O(1)),
//!   and the rope functions use ropey's O(log n) indexes. Only the line in question is scanned
//!   for UTF-16/UTF-32 on a `&str` with non-ASCII content. The exception is tree-sitter points
//!   on a `&str`/rope without a [`LineIndex`] (see [`ts_point_str`]/[`ts_point_rope`]): rows
//!   count `'\n'` only, which no ropey index tracks, so they count newlines with a tight byte
//!   loop up to the offset.
//!
//! This module deliberately uses no LSP crate types: the language server maps
//! [`Position`]/[`Range`] to and from its protocol types.

use std::ops::Range as ByteRange;

use ropey::{Rope, RopeSlice};
use tree_sitter::{InputEdit, Point};

// ---------------------------------------------------------------------------------------------
// Encodings, positions, ranges
// ---------------------------------------------------------------------------------------------

/// The unit in which [`Position::character`] is counted.
///
/// LSP's default (and the only encoding every client must support) is UTF-16.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum PositionEncoding {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units (an astral char such as an emoji counts 2).
    #[default]
    Utf16,
    /// Unicode scalar values (chars).
    Utf32,
}

impl PositionEncoding {
    /// The LSP `PositionEncodingKind` string: `"utf-8"`, `"utf-16"` or `"utf-32"`.
    pub fn as_str(self) -> &'static str {
        match self {
            PositionEncoding::Utf8 => "utf-8",
            PositionEncoding::Utf16 => "utf-16",
            PositionEncoding::Utf32 => "utf-32",
        }
    }

    /// Parses an LSP `PositionEncodingKind` string (`"utf-8"`, `"utf-16"`, `"utf-32"`; ASCII
    /// case-insensitive). Unknown names give `None`.
    pub fn from_lsp_name(s: &str) -> Option<Self> {
        [
            PositionEncoding::Utf8,
            PositionEncoding::Utf16,
            PositionEncoding::Utf32,
        ]
        .into_iter()
        .find(|enc| enc.as_str().eq_ignore_ascii_case(s))
    }

    /// Chooses the server's encoding from the client's `general.positionEncodings` list:
    /// UTF-8 if offered (our native representation, cheapest), otherwise UTF-16 (which every
    /// client must support, and the LSP default when the list is absent or empty).
    pub fn negotiate<I, S>(offered: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        if offered
            .into_iter()
            .any(|s| Self::from_lsp_name(s.as_ref()) == Some(PositionEncoding::Utf8))
        {
            PositionEncoding::Utf8
        } else {
            PositionEncoding::Utf16
        }
    }

    /// Number of code units `ch` occupies in this encoding.
    #[inline]
    pub fn char_len(self, ch: char) -> usize {
        match self {
            PositionEncoding::Utf8 => ch.len_utf8(),
            PositionEncoding::Utf16 => ch.len_utf16(),
            PositionEncoding::Utf32 => 1,
        }
    }

    /// Number of code units `s` occupies in this encoding.
    pub fn str_len(self, s: &str) -> usize {
        match self {
            PositionEncoding::Utf8 => s.len(),
            PositionEncoding::Utf16 => s.chars().map(char::len_utf16).sum(),
            PositionEncoding::Utf32 => s.chars().count(),
        }
    }
}

/// A 0-based line and a 0-based character offset within the line, counted in code units of a
/// [`PositionEncoding`]. Ordered by line, then character.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

impl Position {
    pub const fn new(line: u32, character: u32) -> Self {
        Position { line, character }
    }
}

/// A half-open range of [`Position`]s.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Range {
    pub start: Position,
    pub end: Position,
}

impl Range {
    pub const fn new(start: Position, end: Position) -> Self {
        Range { start, end }
    }

    /// The same range with `start <= end` (swapped if reversed).
    pub fn normalized(self) -> Self {
        if self.start <= self.end {
            self
        } else {
            Range {
                start: self.end,
                end: self.start,
            }
        }
    }
}

#[inline]
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Largest char boundary of `text` that is `<= offset` (offsets past the end give `text.len()`).
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    if offset >= text.len() {
        return text.len();
    }
    let mut i = offset;
    // A char is at most 4 bytes, so this loops at most 3 times.
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `text[start..end]`, or `""` if the bounds are not valid (never panics).
#[inline]
fn sub(text: &str, start: usize, end: usize) -> &str {
    text.get(start..end).unwrap_or("")
}

/// Byte length (within `line`) of the prefix of `line` that is `units` code units long in `enc`,
/// clamped to `line.len()`; a count that ends inside a char gives the start of that char.
fn units_to_bytes(line: &str, units: usize, enc: PositionEncoding) -> usize {
    match enc {
        PositionEncoding::Utf8 => floor_char_boundary(line, units),
        PositionEncoding::Utf16 | PositionEncoding::Utf32 => {
            let mut acc = 0usize;
            for (i, ch) in line.char_indices() {
                acc += enc.char_len(ch);
                if acc > units {
                    return i;
                }
            }
            line.len()
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Line iteration
// ---------------------------------------------------------------------------------------------

/// Iterator returned by [`line_spans`].
#[derive(Clone, Debug)]
pub struct LineSpans<'a> {
    bytes: &'a [u8],
    pos: usize,
    done: bool,
}

impl Iterator for LineSpans<'_> {
    type Item = (usize, usize, usize);

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let start = self.pos;
        let rest = self.bytes.get(start..).unwrap_or(&[]);
        match memchr::memchr2(b'\n', b'\r', rest) {
            Some(i) => {
                let end = start + i;
                let next = if self.bytes[end] == b'\r' && self.bytes.get(end + 1) == Some(&b'\n') {
                    end + 2
                } else {
                    end + 1
                };
                self.pos = next;
                Some((start, end, next))
            }
            None => {
                self.done = true;
                let len = self.bytes.len();
                Some((start, len, len))
            }
        }
    }
}

impl std::iter::FusedIterator for LineSpans<'_> {}

/// Line iterator shared by the whole project: yields `(content_start, content_end,
/// next_line_start)` byte offsets; the content excludes the line break (`"\n"`, `"\r\n"` or a
/// lone `"\r"`). An empty text yields one empty line; a text ending in a line break yields a
/// final empty line (so the number of lines is always the number of line breaks + 1).
pub fn line_spans(text: &str) -> LineSpans<'_> {
    LineSpans {
        bytes: text.as_bytes(),
        pos: 0,
        done: false,
    }
}

// ---------------------------------------------------------------------------------------------
// LineIndex over &str
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct LineInfo {
    /// Byte offset of the first byte of the line.
    start: usize,
    /// Byte offset of the end of the line's content (start of its line break, if any).
    end: usize,
    /// Whether the line's content is pure ASCII (all encodings then agree with bytes).
    ascii: bool,
}

/// Line-start table over a `&str` (used for whole files in the CLI).
///
/// Build once per text with [`LineIndex::new`], then pass the **same** text to the conversion
/// methods. (If a text of a different length is passed, the methods fall back to a temporary
/// index built for that text: results stay correct, just slow. A different text of the same
/// length gives unspecified — but never panicking — results.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    lines: Vec<LineInfo>,
    len: usize,
    /// Whether the text contains a lone `'\r'` line break (then tree-sitter rows differ from lines).
    has_lone_cr: bool,
}

impl LineIndex {
    /// Builds the index in one pass over `text`.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut has_lone_cr = false;
        let lines = line_spans(text)
            .map(|(start, end, next)| {
                if next == end + 1 && bytes[end] == b'\r' {
                    has_lone_cr = true;
                }
                LineInfo {
                    start,
                    end,
                    ascii: bytes[start..end].is_ascii(),
                }
            })
            .collect();
        LineIndex {
            lines,
            len: text.len(),
            has_lone_cr,
        }
    }

    /// Length in bytes of the text the index was built for.
    pub fn text_len(&self) -> usize {
        self.len
    }

    /// Number of lines (line breaks + 1; at least 1).
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// Byte offset of the start of `line`; a line past the last one gives the text length.
    pub fn line_start(&self, line: usize) -> usize {
        self.lines.get(line).map_or(self.len, |l| l.start)
    }

    /// Byte offset of the end of `line`'s content (before its line break); a line past the last
    /// one gives the text length.
    pub fn line_end(&self, line: usize) -> usize {
        self.lines.get(line).map_or(self.len, |l| l.end)
    }

    /// Line containing byte `offset` (binary search). Offsets inside a line break belong to the
    /// line the break ends; offsets past the end belong to the last line.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        self.lines
            .partition_point(|l| l.start <= offset)
            .saturating_sub(1)
    }

    /// Byte offset → position. An offset inside a multi-byte char or inside a line break is
    /// snapped down to the boundary (start of the char / end of the line content); offsets past
    /// the end clamp to the end of the text.
    pub fn position(&self, text: &str, offset: usize, enc: PositionEncoding) -> Position {
        if text.len() != self.len {
            return LineIndex::new(text).position(text, offset, enc);
        }
        let offset = floor_char_boundary(text, offset);
        let line = self.line_of(offset);
        let Some(info) = self.lines.get(line) else {
            return Position::default();
        };
        position_on_line(text, line, (info.start, info.end), info.ascii, offset, enc)
    }

    /// Byte span → range (each end converted with [`LineIndex::position`]; a reversed span is
    /// normalised).
    pub fn range(&self, text: &str, span: ByteRange<usize>, enc: PositionEncoding) -> Range {
        let (a, b) = (span.start.min(span.end), span.start.max(span.end));
        Range::new(self.position(text, a, enc), self.position(text, b, enc))
    }

    /// Position → byte offset. A line past the last one gives `text.len()`; a character past the
    /// line content gives the end of the content; a character that falls inside a char (e.g. the
    /// middle of a UTF-16 surrogate pair, or inside a UTF-8 sequence) gives the start of that
    /// char.
    pub fn offset(&self, text: &str, pos: Position, enc: PositionEncoding) -> usize {
        if text.len() != self.len {
            return LineIndex::new(text).offset(text, pos, enc);
        }
        let Some(info) = self.lines.get(pos.line as usize) else {
            return text.len();
        };
        let units = pos.character as usize;
        let content_len = info.end.saturating_sub(info.start);
        let rel = if info.ascii {
            units.min(content_len)
        } else {
            units_to_bytes(sub(text, info.start, info.end), units, enc)
        };
        info.start + rel
    }

    /// Position range → byte span (each end converted with [`LineIndex::offset`]; a reversed
    /// range is normalised).
    pub fn span(&self, text: &str, range: Range, enc: PositionEncoding) -> ByteRange<usize> {
        let a = self.offset(text, range.start, enc);
        let b = self.offset(text, range.end, enc);
        a.min(b)..a.max(b)
    }

    /// tree-sitter point of byte `offset` (rows by `'\n'` only, columns in bytes; offsets past
    /// the end clamp). Uses the index (O(log n)) unless the text contains a lone `'\r'`, in which
    /// case it falls back to [`ts_point_str`].
    pub fn ts_point(&self, text: &str, offset: usize) -> Point {
        if self.has_lone_cr || text.len() != self.len {
            return ts_point_str(text, offset);
        }
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        Point::new(line, offset.saturating_sub(self.line_start(line)))
    }
}

/// Line indexes of the files of a workspace, each built on its first use and kept for the next
/// conversion in the same file: for callers that turn spans of many files into positions (the
/// CLI's findings).
///
/// Keyed by a file's workspace path; a path must always name the same text (a different text
/// still converts correctly, slowly: see [`LineIndex`]). A bounded cache
/// ([`LineIndexCache::bounded`]) drops every index when a new one would exceed its bound: for
/// callers that go file by file (findings sorted by path), so that a large workspace does not
/// keep a line table per file.
#[derive(Clone, Debug)]
pub struct LineIndexCache {
    indexes: std::collections::HashMap<String, LineIndex>,
    limit: usize,
}

impl Default for LineIndexCache {
    fn default() -> Self {
        LineIndexCache::new()
    }
}

impl LineIndexCache {
    /// A cache that keeps every index it builds.
    pub fn new() -> Self {
        LineIndexCache::bounded(usize::MAX)
    }

    /// A cache that keeps at most `limit` indexes (at least one).
    pub fn bounded(limit: usize) -> Self {
        LineIndexCache {
            indexes: std::collections::HashMap::new(),
            limit: limit.max(1),
        }
    }

    /// The index of `text`, the text of the file at `path` (built now unless cached).
    pub fn get(&mut self, path: &str, text: &str) -> &LineIndex {
        if !self.indexes.contains_key(path) {
            if self.indexes.len() >= self.limit {
                self.indexes.clear();
            }
            self.indexes.insert(path.to_string(), LineIndex::new(text));
        }
        &self.indexes[path]
    }

    /// How many indexes are kept.
    pub fn len(&self) -> usize {
        self.indexes.len()
    }

    /// Is no index kept?
    pub fn is_empty(&self) -> bool {
        self.indexes.is_empty()
    }
}

// ---------------------------------------------------------------------------------------------
// Rope conversions
// ---------------------------------------------------------------------------------------------

/// Char index of the end of the content of rope line `line` (< `rope.len_lines()`), given the
/// char index of its start.
fn rope_content_end_char(rope: &Rope, line: usize, start_ch: usize) -> usize {
    let next_ch = rope.line_to_char(line + 1);
    if line + 1 >= rope.len_lines() || next_ch <= start_ch {
        // The last line has no line break.
        return next_ch;
    }
    match rope.char(next_ch - 1) {
        '\n' if next_ch - 1 > start_ch && rope.char(next_ch - 2) == '\r' => next_ch - 2,
        '\n' | '\r' => next_ch - 1,
        // Not reachable with `cr_lines` only; be conservative with other break chars.
        _ => next_ch - 1,
    }
}

/// Byte offset → position over a text and its [`line_spans`] (as an open document keeps
/// them up to date edit by edit). Same rules as [`LineIndex::position`], without a rope walk:
/// a document's diagnostics are converted on every keystroke.
pub fn spans_position(
    text: &str,
    lines: &[(usize, usize, usize)],
    offset: usize,
    enc: PositionEncoding,
) -> Position {
    spans_position_near(text, lines, offset, enc, &mut 0)
}

/// [`spans_position`] starting the line search at line `near`, and leaving the offset's line
/// there. A document's diagnostics come sorted by offset: searching forward from the previous
/// one touches a few lines of the table instead of a binary search's cache misses across all
/// of it. Any `near` gives the same answer.
pub fn spans_position_near(
    text: &str,
    lines: &[(usize, usize, usize)],
    offset: usize,
    enc: PositionEncoding,
    near: &mut usize,
) -> Position {
    let offset = floor_char_boundary(text, offset);
    let line = line_near(lines, offset, *near);
    *near = line;
    let Some(&(start, end, _)) = lines.get(line) else {
        return Position::default();
    };
    position_on_line(text, line, (start, end), false, offset, enc)
}

/// The last line starting at or before `offset` (0 when none does), searched forward from
/// line `near` by doubling steps when that line starts at or before it, else over the table.
fn line_near(lines: &[(usize, usize, usize)], offset: usize, near: usize) -> usize {
    let starts_before = |i: usize| lines.get(i).is_some_and(|l| l.0 <= offset);
    if !starts_before(near) {
        return lines.partition_point(|l| l.0 <= offset).saturating_sub(1);
    }
    let (mut lo, mut step) = (near, 1);
    while starts_before(lo + step) {
        lo += step;
        step *= 2;
    }
    // lines[lo] starts at or before `offset`, lines[lo + step] (if any) after it.
    let hi = (lo + step).min(lines.len());
    lo + lines[lo..hi].partition_point(|l| l.0 <= offset) - 1
}

/// The position of a char-boundary `offset` on line `line` (content `start..end`): an offset in
/// the line break counts as the end of the content. `ascii` says the content is ASCII (then
/// every encoding counts bytes).
fn position_on_line(
    text: &str,
    line: usize,
    (start, end): (usize, usize),
    ascii: bool,
    offset: usize,
    enc: PositionEncoding,
) -> Position {
    let off = offset.min(end);
    let character = if ascii || enc == PositionEncoding::Utf8 {
        off.saturating_sub(start)
    } else {
        enc.str_len(sub(text, start, off))
    };
    Position::new(to_u32(line), to_u32(character))
}

/// Byte span → range over a text and its [`line_spans`] (a reversed span is normalised).
pub fn spans_range(
    text: &str,
    lines: &[(usize, usize, usize)],
    span: ByteRange<usize>,
    enc: PositionEncoding,
    near: &mut usize,
) -> Range {
    let (a, b) = (span.start.min(span.end), span.start.max(span.end));
    let start = spans_position_near(text, lines, a, enc, near);
    let end = spans_position_near(text, lines, b, enc, near);
    // The next span most likely starts after this one's start, not after its end.
    *near = start.line as usize;
    Range::new(start, end)
}

/// Byte offset → position over a rope. Same rules as [`LineIndex::position`].
pub fn rope_position(rope: &Rope, offset: usize, enc: PositionEncoding) -> Position {
    let offset = offset.min(rope.len_bytes());
    // Snaps an offset inside a multi-byte char down to the char.
    let ch = rope.byte_to_char(offset);
    let line = rope.char_to_line(ch);
    let start_ch = rope.line_to_char(line);
    let end_ch = rope_content_end_char(rope, line, start_ch);
    let ch = ch.min(end_ch);
    let character = match enc {
        PositionEncoding::Utf8 => rope.char_to_byte(ch) - rope.char_to_byte(start_ch),
        PositionEncoding::Utf16 => rope.char_to_utf16_cu(ch) - rope.char_to_utf16_cu(start_ch),
        PositionEncoding::Utf32 => ch - start_ch,
    };
    Position::new(to_u32(line), to_u32(character))
}

/// Position → byte offset over a rope. Same rules as [`LineIndex::offset`].
pub fn rope_offset(rope: &Rope, pos: Position, enc: PositionEncoding) -> usize {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let units = pos.character as usize;
    let start_ch = rope.line_to_char(line);
    let end_ch = rope_content_end_char(rope, line, start_ch);
    let ch = match enc {
        PositionEncoding::Utf8 => {
            let start_b = rope.char_to_byte(start_ch);
            let end_b = rope.char_to_byte(end_ch);
            // `byte_to_char` snaps a byte inside a char down to that char.
            rope.byte_to_char(start_b.saturating_add(units).min(end_b))
        }
        PositionEncoding::Utf16 => {
            let start_cu = rope.char_to_utf16_cu(start_ch);
            let end_cu = rope.char_to_utf16_cu(end_ch);
            // `utf16_cu_to_char` maps the middle of a surrogate pair to its char.
            rope.utf16_cu_to_char(start_cu.saturating_add(units).min(end_cu))
        }
        PositionEncoding::Utf32 => start_ch.saturating_add(units).min(end_ch),
    };
    rope.char_to_byte(ch)
}

/// Byte span → range over a rope (a reversed span is normalised).
pub fn rope_range(rope: &Rope, span: ByteRange<usize>, enc: PositionEncoding) -> Range {
    let (a, b) = (span.start.min(span.end), span.start.max(span.end));
    Range::new(rope_position(rope, a, enc), rope_position(rope, b, enc))
}

/// Position range → byte span over a rope (a reversed range is normalised).
pub fn rope_span(rope: &Rope, range: Range, enc: PositionEncoding) -> ByteRange<usize> {
    let a = rope_offset(rope, range.start, enc);
    let b = rope_offset(rope, range.end, enc);
    a.min(b)..a.max(b)
}

// ---------------------------------------------------------------------------------------------
// tree-sitter points
// ---------------------------------------------------------------------------------------------

/// Advances `p` over `bytes` the way tree-sitter does (a `'\n'` starts a new row, everything
/// else adds its byte length to the column).
fn advance_point(p: Point, bytes: &[u8]) -> Point {
    match bytes.iter().rposition(|&b| b == b'\n') {
        None => Point::new(p.row, p.column + bytes.len()),
        Some(last) => {
            let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
            Point::new(p.row + newlines, bytes.len() - last - 1)
        }
    }
}

fn advance_point_slice(mut p: Point, slice: RopeSlice<'_>) -> Point {
    for chunk in slice.chunks() {
        p = advance_point(p, chunk.as_bytes());
    }
    p
}

/// tree-sitter point of byte `offset` in `text`: row = number of `'\n'` before it (a lone `'\r'`
/// does **not** start a row), column = bytes since the last `'\n'`. Offsets past the end clamp
/// to the end; offsets inside a char are not snapped (points are byte-based). O(offset)
/// (vectorisable byte count); use [`LineIndex::ts_point`] for repeated queries on one text.
pub fn ts_point_str(text: &str, offset: usize) -> Point {
    let offset = offset.min(text.len());
    advance_point(Point::new(0, 0), &text.as_bytes()[..offset])
}

/// tree-sitter point of byte `offset` in `rope` (same rules as [`ts_point_str`]). O(offset):
/// ropey's line index also counts lone `'\r'` breaks, which tree-sitter does not, so this counts
/// `'\n'` chunk by chunk.
pub fn ts_point_rope(rope: &Rope, offset: usize) -> Point {
    let offset = offset.min(rope.len_bytes());
    // Rope slices must end on a char boundary; the bytes of a partial char are not '\n', so
    // they only add to the column.
    let ch = rope.byte_to_char(offset);
    let boundary = rope.char_to_byte(ch);
    let p = advance_point_slice(Point::new(0, 0), rope.slice(..ch));
    Point::new(p.row, p.column + (offset - boundary))
}

// ---------------------------------------------------------------------------------------------
// Applying LSP content changes
// ---------------------------------------------------------------------------------------------

/// Result of [`apply_change`]: the replaced byte span `start_byte..old_end_byte` (in the old
/// text), the end of the inserted text `new_end_byte` (in the new text), and the tree-sitter
/// edit to pass to `Tree::edit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AppliedEdit {
    pub start_byte: usize,
    pub old_end_byte: usize,
    pub new_end_byte: usize,
    pub input_edit: InputEdit,
}

/// Applies one change to `rope` like [`apply_change`], without computing document-relative
/// tree-sitter points (O(offset)): returns `(start_byte, old_end_byte, new_end_byte)` and the
/// extent of the removed text as a point (rows, and the column after its last line break).
pub fn splice_rope(
    rope: &mut Rope,
    range: Range,
    new_text: &str,
    enc: PositionEncoding,
) -> ((usize, usize, usize), Point) {
    let span = rope_span(rope, range, enc);
    let (start_byte, old_end_byte) = (span.start, span.end);
    let old_extent =
        advance_point_slice(Point::new(0, 0), rope.byte_slice(start_byte..old_end_byte));
    let start_ch = rope.byte_to_char(start_byte);
    let end_ch = rope.byte_to_char(old_end_byte);
    if end_ch > start_ch {
        rope.remove(start_ch..end_ch);
    }
    if !new_text.is_empty() {
        rope.insert(start_ch, new_text);
    }
    (
        (start_byte, old_end_byte, start_byte + new_text.len()),
        old_extent,
    )
}

/// Applies one LSP content change to `rope`. `range: None` replaces the whole text.
///
/// The range is clamped first with the rules of [`rope_offset`] (ends past the end of a line or
/// of the text are clamped, reversed ranges are normalised, and since no position can address
/// the inside of a `"\r\n"` or of a surrogate pair, the span always lies on char and line-break
/// boundaries). The returned [`InputEdit`] has `start_position`/`old_end_position` computed on
/// the text before the mutation and `new_end_position` on the text after it. Never panics.
pub fn apply_change(
    rope: &mut Rope,
    range: Option<Range>,
    new_text: &str,
    enc: PositionEncoding,
) -> AppliedEdit {
    let (start_byte, old_end_byte) = match range {
        None => (0, rope.len_bytes()),
        Some(range) => {
            let span = rope_span(rope, range, enc);
            (span.start, span.end)
        }
    };

    // Points before the mutation.
    let start_position = ts_point_rope(rope, start_byte);
    let old_end_position =
        advance_point_slice(start_position, rope.byte_slice(start_byte..old_end_byte));
    // The text before `start_byte` is unchanged, so the new end point is the start point
    // advanced over the inserted text (identical to computing it on the mutated rope).
    let new_end_position = advance_point(start_position, new_text.as_bytes());

    if range.is_none() {
        *rope = Rope::from_str(new_text);
    } else {
        let start_ch = rope.byte_to_char(start_byte);
        let end_ch = rope.byte_to_char(old_end_byte);
        if end_ch > start_ch {
            rope.remove(start_ch..end_ch);
        }
        if !new_text.is_empty() {
            rope.insert(start_ch, new_text);
        }
    }

    let new_end_byte = start_byte + new_text.len();
    AppliedEdit {
        start_byte,
        old_end_byte,
        new_end_byte,
        input_edit: InputEdit {
            start_byte,
            old_end_byte,
            new_end_byte,
            start_position,
            old_end_position,
            new_end_position,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_cache_builds_once_per_path_and_keeps_its_bound() {
        let (a, b, c) = ("x\ny\n", "one line", "p\r\nq\rr");
        let mut cache = LineIndexCache::bounded(2);
        assert!(cache.is_empty());
        assert_eq!(cache.get("a.md", a), &LineIndex::new(a));
        assert_eq!(cache.get("b.md", b), &LineIndex::new(b));
        // A hit builds nothing: the text given is not even read.
        assert_eq!(cache.get("a.md", "").line_count(), 3);
        assert_eq!(cache.len(), 2);
        // A third path drops both, then keeps it.
        assert_eq!(cache.get("c.md", c).line_of(c.len()), 2);
        assert_eq!(cache.len(), 1);
        assert_eq!(cache.get("a.md", a), &LineIndex::new(a));
        assert_eq!(cache.len(), 2);
        // Unbounded: every path stays.
        let mut all = LineIndexCache::new();
        for (i, t) in [a, b, c].iter().enumerate() {
            all.get(&format!("{i}.md"), t);
        }
        assert_eq!(all.len(), 3);
        // A bound of 0 keeps one.
        let mut one = LineIndexCache::bounded(0);
        assert_eq!(one.get("a.md", a).line_count(), 3);
        assert_eq!(one.len(), 1);
    }
}

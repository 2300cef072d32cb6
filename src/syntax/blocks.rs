//! The fast path's block recogniser: a line-oriented scanner that classifies every line with the
//! same [`LineKind`]s the tree-sitter path derives from its syntax tree.
//!
//! It is a port of the block-structure rules of tree-sitter-md's external scanner
//! (`tree-sitter-markdown/src/scanner.c`, 0.5.4), which is the reference: one forward pass over
//! the lines keeps the stack of open containers (block quotes, list items) and the open leaf
//! block (paragraph, fenced code, HTML block, pipe table, indented code). For each line it
//! matches the open containers, decides whether the leaf continues (lazy continuation lines,
//! paragraph interruption), and otherwise opens new blocks — with tree-sitter-md's rules and
//! quirks, including those that differ from CommonMark (e.g. a single-digit ordered list marker
//! interrupts a paragraph, `<h1>` is only a type-7 HTML block, a pipe table cannot start with
//! `*`, `-`, a digit, …, a delimiter row followed by the end of the text is no table, and the
//! paragraph-interruption check ignores indentation for fences, block quotes, `*`, `_` and `=`;
//! a link reference definition that begins a paragraph is a block of its own, so the next line
//! starts blocks as after a paragraph's end).
//!
//! Where its external scanner and its grammar disagree (a delimiter row with an empty cell,
//! `| --- | |`, which the grammar then fails on), the scanner follows the grammar and GFM: no
//! table. Such a row still ends a paragraph or pipe table one line earlier where the row before
//! it is indented 4 or more (that row opens indented code, and the tree has no error).
//!
//! Lines map to kinds the way `tree::classify_tree` maps nodes: fenced code, HTML blocks, ATX
//! headings, pipe tables and front matter are recognised at the top level and inside list
//! items; everything inside a block quote is `Text` (or `Blank`); the blank line that ends an
//! HTML block of type 6 or 7, and whitespace after the last line break, are `Blank`.
//! `tests/engine/differential.rs` proves both paths agree (and lists the known divergences).

use super::LineKind;
use crate::text::line_spans;

/// Kind of fenced block content, from the info string.
pub fn fence_content_kind(info: &str) -> LineKind {
    let lang = info
        .split(|c: char| c.is_whitespace() || c == '{' || c == ',')
        .next()
        .unwrap_or("");
    if ["", "text", "dep", "md", "markdown"]
        .iter()
        .any(|d| lang.eq_ignore_ascii_case(d))
    {
        LineKind::DepCode
    } else {
        LineKind::Code
    }
}

/// Leading indentation in columns (tabs to multiples of 4) and its byte length.
pub fn indent(line: &str) -> (usize, usize) {
    let mut cols = 0;
    let mut bytes = 0;
    for c in line.bytes() {
        match c {
            b' ' => cols += 1,
            b'\t' => cols += 4 - cols % 4,
            _ => break,
        }
        bytes += 1;
    }
    (cols, bytes)
}

/// `#`-heading level of a line, if it is an ATX heading (up to 3 spaces of indentation).
pub fn atx_level(line: &str) -> Option<u8> {
    let (cols, b) = indent(line);
    if cols > 3 {
        return None;
    }
    let rest = &line[b..];
    let hashes = rest.bytes().take_while(|&c| c == b'#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    match rest.as_bytes().get(hashes) {
        None | Some(b' ') | Some(b'\t') => Some(hashes as u8),
        _ => None,
    }
}

/// List marker at the start of `rest` (after indentation): returns the content offset in bytes.
pub fn list_marker(rest: &str) -> Option<usize> {
    let b = rest.as_bytes();
    let marker_len = match b.first()? {
        b'-' | b'*' | b'+' => 1,
        c if c.is_ascii_digit() => {
            let d = b.iter().take_while(|c| c.is_ascii_digit()).count();
            if d > 9 || !matches!(b.get(d), Some(b'.') | Some(b')')) {
                return None;
            }
            d + 1
        }
        _ => return None,
    };
    match b.get(marker_len) {
        None => Some(marker_len),
        Some(b' ') | Some(b'\t') => {
            let spaces = b[marker_len..].iter().take_while(|&&c| c == b' ').count();
            Some(marker_len + if (1..=4).contains(&spaces) { spaces } else { 1 })
        }
        _ => None,
    }
}

/// Number of cells of a pipe-table row.
pub fn table_cells(line: &str) -> Vec<(usize, usize)> {
    // Returns (start, end) byte offsets of each cell's raw content within `line`.
    let t = line.trim_end();
    let (ib, mut start) = {
        let (_, b) = indent(t);
        (b, b)
    };
    let b = t.as_bytes();
    if b.get(ib) == Some(&b'|') {
        start = ib + 1;
    }
    let mut cells = Vec::new();
    let mut i = start;
    let mut cell_start = start;
    let mut in_code = false;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'`' => in_code = !in_code,
            b'|' if !in_code => {
                cells.push((cell_start, i));
                cell_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if cell_start < b.len() || cells.is_empty() {
        cells.push((cell_start, b.len().max(cell_start)));
    }
    cells
}

/// Classifies each line of `text` (lines as [`line_spans`] yields them).
pub fn classify(text: &str) -> Vec<LineKind> {
    let lines: Vec<&str> = line_spans(text)
        .map(|(s, e, _)| super::line_text(text, s, e))
        .collect();
    classify_lines(&lines)
}

/// Classifies a slice of lines: every line but the last is taken to end with a line break (the
/// last one ends the text).
pub fn classify_lines(lines: &[&str]) -> Vec<LineKind> {
    let mut kinds = Vec::with_capacity(lines.len());
    let mut sc = Scanner::default();
    // Front matter: `---` (or `+++`) on the first line, closed by the same line later. Lines are
    // scanned normally meanwhile; when the closing line comes, they all become `Meta` and the
    // scan restarts after it.
    let mut front_matter = lines
        .first()
        .and_then(|l| front_matter_open(l, lines.len() > 1));
    for (i, &line) in lines.iter().enumerate() {
        let ln = Line::new(line, i + 1 < lines.len());
        if i > 0 {
            if let Some(ch) = front_matter {
                if front_matter_close(&ln, ch) {
                    kinds.clear();
                    kinds.resize(i + 1, LineKind::Meta);
                    sc = Scanner::default();
                    front_matter = None;
                    continue;
                }
            }
        }
        let next = lines.get(i + 1).map(|l| Line::new(l, i + 2 < lines.len()));
        kinds.push(sc.line(&ln, next.as_ref()));
    }
    // Whitespace after the final line break belongs to no block.
    if let (Some(k), Some(l)) = (kinds.last_mut(), lines.last()) {
        if l.bytes().all(|b| b == b' ' || b == b'\t') {
            *k = LineKind::Blank;
        }
    }
    kinds
}

/// The opening line of front matter: `---` or `+++`, at most 3 spaces in, then only whitespace.
fn front_matter_open(line: &str, eol: bool) -> Option<u8> {
    let ln = Line::new(line, eol);
    let mut cur = Cursor::default();
    cur.skip_ws_ind(&ln);
    let ch = ln.at(cur.pos);
    if cur.ind > 3 || !(ch == u16::from(b'-') || ch == u16::from(b'+')) {
        return None;
    }
    let ch = ch as u8;
    let run = ln.run(cur.pos, ch);
    cur.pos += run;
    cur.skip_ws(&ln);
    (run == 3 && ln.line_end(cur.pos)).then_some(ch)
}

/// The closing line of front matter: exactly three `ch` at the start, whitespace, a line break.
fn front_matter_close(ln: &Line, ch: u8) -> bool {
    let run = ln.run(0, ch);
    let mut cur = Cursor {
        pos: run,
        ..Cursor::default()
    };
    cur.skip_ws(ln);
    run == 3 && ln.line_end(cur.pos)
}

/// tree-sitter-md opens no more blocks once this many are open (its serialisation limit).
const MAX_OPEN_BLOCKS: usize = 254;

/// "No byte": the position is at the end of the line.
const END: u16 = 256;

/// One line, and whether a line break follows it (tree-sitter-md tells a line end, `\n`/`\r`,
/// from the end of the text, and several constructs need the former).
struct Line<'a> {
    s: &'a str,
    b: &'a [u8],
    eol: bool,
}

impl<'a> Line<'a> {
    fn new(s: &'a str, eol: bool) -> Self {
        Line {
            s,
            b: s.as_bytes(),
            eol,
        }
    }

    /// The byte at `p`, or [`END`].
    #[inline]
    fn at(&self, p: usize) -> u16 {
        self.b.get(p).map_or(END, |&c| u16::from(c))
    }

    #[inline]
    fn is(&self, p: usize, c: u8) -> bool {
        self.b.get(p) == Some(&c)
    }

    #[inline]
    fn is_ws(&self, p: usize) -> bool {
        matches!(self.b.get(p), Some(b' ' | b'\t'))
    }

    /// At a line break (not at the end of the text).
    #[inline]
    fn line_end(&self, p: usize) -> bool {
        p >= self.b.len() && self.eol
    }

    /// Only spaces and tabs from `p` on.
    fn blank_from(&self, p: usize) -> bool {
        self.b
            .get(p..)
            .is_none_or(|r| r.iter().all(|&c| c == b' ' || c == b'\t'))
    }

    /// Length of the run of `c` at `p`.
    fn run(&self, p: usize, c: u8) -> usize {
        self.b
            .get(p..)
            .map_or(0, |r| r.iter().take_while(|&&x| x == c).count())
    }

    /// Whether `needle` occurs from `p` on.
    fn contains_from(&self, p: usize, needle: &[u8]) -> bool {
        self.b
            .get(p..)
            .is_some_and(|r| r.windows(needle.len()).any(|w| w == needle))
    }
}

/// A position in a line and tree-sitter-md's bookkeeping at it: `ind` is indentation consumed
/// but not yet used by a block (a tab may be split between blocks), `col` the column modulo 4
/// (for tab stops). Both are bytes there and wrap the same way.
#[derive(Clone, Copy, Debug, Default)]
struct Cursor {
    pos: usize,
    col: u8,
    ind: u8,
}

impl Cursor {
    /// Advances one byte; returns its width in columns (a tab runs to the next tab stop).
    #[inline]
    fn advance(&mut self, ln: &Line) -> u8 {
        let size = if ln.is(self.pos, b'\t') {
            let s = 4 - self.col;
            self.col = 0;
            s
        } else {
            self.col = (self.col + 1) % 4;
            1
        };
        self.pos += 1;
        size
    }

    /// Skips spaces and tabs, adding them to the unused indentation.
    #[inline]
    fn skip_ws_ind(&mut self, ln: &Line) {
        while ln.is_ws(self.pos) {
            let w = self.advance(ln);
            self.ind = self.ind.wrapping_add(w);
        }
    }

    #[inline]
    fn skip_ws(&mut self, ln: &Line) {
        while ln.is_ws(self.pos) {
            self.advance(ln);
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ItemStart {
    Normal,
    /// The item's first line is empty after the marker.
    Fresh,
    /// … and the next line was blank: the item ends before the following line.
    Closing,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Container {
    Quote,
    /// A list item; `width` is the indentation its content lines need (relative to the
    /// enclosing container's content).
    Item {
        width: u8,
        start: ItemStart,
    },
}

/// What ends an HTML block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HtmlEnd {
    /// Type 1: `</pre`, `</script`, `</style`.
    Raw,
    /// Type 2: `-->`.
    Comment,
    /// Type 3: `?>`.
    Processing,
    /// Type 4: `>`.
    Declaration,
    /// Type 5: `]]>`.
    Cdata,
    /// Types 6 and 7: a blank line (read as blank).
    BlankLine,
}

impl HtmlEnd {
    /// Whether the block ends on this line (looking from `p`, past the opening token).
    fn ends_in(self, ln: &Line, p: usize) -> bool {
        match self {
            HtmlEnd::Raw => raw_html_end(ln, p),
            HtmlEnd::Comment => ln.contains_from(p, b"-->"),
            HtmlEnd::Processing => ln.contains_from(p, b"?>"),
            // tree-sitter-md ends the block only at a `>` that is a token of its own: right
            // after the opening `<!X` or first on a line (after the containers). A `>` after
            // other text on the line is lexed as part of that text (`<!DOCTYPE html>` runs on).
            HtmlEnd::Declaration => ln.is(p, b'>'),
            HtmlEnd::Cdata => ln.contains_from(p, b"]]>"),
            HtmlEnd::BlankLine => false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Leaf {
    None,
    Paragraph,
    Fence {
        ch: u8,
        len: u8,
        content: LineKind,
    },
    Html(HtmlEnd),
    /// A pipe table; `delimiter`: its delimiter row is the next line.
    Table {
        delimiter: bool,
    },
    IndentedCode,
}

/// A block start found at a position (what tree-sitter-md's external scanner would emit there).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Start {
    /// Nothing: paragraph text (or a lazy continuation line).
    Text,
    Blank,
    IndentedCode,
    Fence {
        ch: u8,
        len: u8,
        info: usize,
    },
    ThematicBreak,
    Setext,
    Atx,
    /// A block quote marker; the cursor is past it.
    Quote,
    /// A list marker; the cursor is at the item's content, `width` as in [`Container::Item`].
    Item {
        width: u8,
    },
    /// An HTML block; the opening token ends at `after`.
    Html {
        end: HtmlEnd,
        after: usize,
    },
    Table,
}

/// What may start at a position.
#[derive(Clone, Copy, Debug)]
struct Mode {
    /// Checking whether a line interrupts a paragraph (or ends a pipe table): no indented code,
    /// no type-7 HTML block, no list markers that may not interrupt a paragraph.
    interrupt: bool,
    /// A setext underline may follow (a paragraph of the same container precedes).
    setext: bool,
    /// Every open container matched this line.
    all: bool,
    /// Blocks may still be opened ([`MAX_OPEN_BLOCKS`]).
    open: bool,
}

#[derive(Debug)]
struct Scanner {
    containers: Vec<Container>,
    leaf: Leaf,
    /// The open "paragraph" is, for tree-sitter-md, a link reference definition (`[1]: /url`)
    /// that ends on its last line (`Some(true)`: with a title): it began the paragraph, or
    /// followed another one. Those are blocks of their own there, so the next line starts
    /// blocks as after a paragraph's end (a type-7 HTML tag, `10.`, an empty item, indented
    /// code). A definition-like line inside a paragraph is paragraph text.
    def_block: Option<bool>,
}

impl Default for Scanner {
    fn default() -> Self {
        Scanner {
            containers: Vec::with_capacity(8),
            leaf: Leaf::None,
            def_block: None,
        }
    }
}

/// Kind of a line no block claims (tree-sitter path's default).
fn default_kind(line: &str) -> LineKind {
    if line.trim().is_empty() {
        LineKind::Blank
    } else {
        LineKind::Text
    }
}

impl Scanner {
    /// Kind `k` for the current line, unless it sits in a block quote (read as text).
    fn out(&self, k: LineKind, ln: &Line) -> LineKind {
        if self.containers.contains(&Container::Quote) {
            default_kind(ln.s)
        } else {
            k
        }
    }

    /// Classifies one line and advances the state. `next` is the following line (for pipe
    /// tables, whose delimiter row decides about the header).
    fn line(&mut self, ln: &Line, next: Option<&Line>) -> LineKind {
        let mut cur = Cursor::default();
        let n = self.containers.len();
        let mut matched = 0;
        while matched < n {
            let c = self.containers[matched];
            if matched + 1 == n
                && matches!(
                    c,
                    Container::Item {
                        start: ItemStart::Closing,
                        ..
                    }
                )
            {
                break;
            }
            if !match_container(c, ln, &mut cur) {
                break;
            }
            matched += 1;
        }
        let all = matched == n;
        // An item whose first line was empty ends after a blank line.
        if let Some(Container::Item { start, .. }) = self.containers.last_mut() {
            if *start == ItemStart::Fresh {
                let mut c = cur;
                c.skip_ws(ln);
                *start = if all && self.leaf == Leaf::None && ln.line_end(c.pos) {
                    ItemStart::Closing
                } else {
                    ItemStart::Normal
                };
            }
        }

        let mut setext = false;
        match self.leaf {
            Leaf::Fence { ch, len, content } if all => {
                let mut c = cur;
                c.skip_ws_ind(ln);
                let run = ln.run(c.pos, ch);
                if c.ind < 4 && run as u8 >= len && run > 0 && ln.blank_from(c.pos + run) {
                    self.leaf = Leaf::None;
                    return self.out(LineKind::Fence, ln);
                }
                return self.out(content, ln);
            }
            Leaf::Html(end) if all => {
                let kind = if end == HtmlEnd::Comment {
                    LineKind::Comment
                } else {
                    LineKind::Text
                };
                if end == HtmlEnd::BlankLine && ln.blank_from(cur.pos) {
                    // The blank line ends the block (and is read as blank).
                    self.leaf = Leaf::None;
                    return default_kind(ln.s);
                }
                if end.ends_in(ln, cur.pos) {
                    self.leaf = Leaf::None;
                }
                return self.out(kind, ln);
            }
            Leaf::Table { delimiter: true } => {
                self.leaf = Leaf::Table { delimiter: false };
                return self.out(LineKind::TableDelimiter, ln);
            }
            Leaf::Table { .. } if all && !self.interrupts(ln, cur, true, next) => {
                return self.out(LineKind::TableRow, ln);
            }
            Leaf::IndentedCode if all => {
                let mut c = cur;
                while c.ind < 4 && ln.is_ws(c.pos) {
                    let w = c.advance(ln);
                    c.ind = c.ind.wrapping_add(w);
                }
                if c.ind >= 4 && !ln.line_end(c.pos) {
                    return default_kind(ln.s);
                }
                cur = c;
            }
            Leaf::Paragraph if all && self.def_block.is_some() => {
                // After a link reference definition (a block of its own for tree-sitter-md,
                // which prefers it to a paragraph): its title on a line of its own continues
                // it; any other line starts blocks as after a paragraph's end (`10. x`, an
                // empty item, indented code, a type-7 HTML tag).
                let mut c = cur;
                c.skip_ws(ln);
                if self.def_block == Some(false) && is_link_title(&ln.s[c.pos.min(ln.s.len())..]) {
                    self.def_block = Some(true);
                    return default_kind(ln.s);
                }
            }
            Leaf::Paragraph => {
                if !self.interrupts(ln, cur, all, next) {
                    // Paragraph continuation, lazy when not every container matched.
                    self.def_block = None;
                    return default_kind(ln.s);
                }
                setext = all;
            }
            _ => {}
        }
        self.containers.truncate(matched);
        self.leaf = Leaf::None;
        self.open_blocks(ln, cur, setext, next)
    }

    /// Whether the line interrupts a paragraph / ends a pipe table at `cur`.
    fn interrupts(&self, ln: &Line, cur: Cursor, all: bool, next: Option<&Line>) -> bool {
        let mode = Mode {
            interrupt: true,
            setext: true,
            all,
            open: self.containers.len() < MAX_OPEN_BLOCKS,
        };
        let mut c = cur;
        c.skip_ws_ind(ln);
        if c.pos >= ln.b.len() {
            // A blank line, or the end of the text.
            return true;
        }
        self.start(ln, &mut c, mode, next) != Start::Text
    }

    /// Opens the blocks that start on this line at `cur` (containers first, then one leaf).
    fn open_blocks(
        &mut self,
        ln: &Line,
        mut cur: Cursor,
        mut setext: bool,
        next: Option<&Line>,
    ) -> LineKind {
        let mut opened_item = false;
        loop {
            let mode = Mode {
                interrupt: false,
                setext,
                all: true,
                open: self.containers.len() < MAX_OPEN_BLOCKS,
            };
            cur.skip_ws_ind(ln);
            let start = self.start(ln, &mut cur, mode, next);
            setext = false;
            match start {
                Start::Quote => {
                    self.containers.push(Container::Quote);
                    opened_item = false;
                }
                Start::Item { width } => {
                    self.containers.push(Container::Item {
                        width,
                        start: ItemStart::Normal,
                    });
                    opened_item = true;
                }
                Start::Text => {
                    self.leaf = Leaf::Paragraph;
                    self.def_block = link_definition(&ln.s[cur.pos.min(ln.s.len())..]);
                    return default_kind(ln.s);
                }
                Start::Blank => {
                    if opened_item && ln.line_end(cur.pos) {
                        if let Some(Container::Item { start, .. }) = self.containers.last_mut() {
                            *start = ItemStart::Fresh;
                        }
                    }
                    return default_kind(ln.s);
                }
                Start::IndentedCode => {
                    self.leaf = Leaf::IndentedCode;
                    return default_kind(ln.s);
                }
                Start::ThematicBreak | Start::Setext => return default_kind(ln.s),
                Start::Atx => {
                    let k = atx_level(ln.s).map_or(default_kind(ln.s), LineKind::Heading);
                    return self.out(k, ln);
                }
                Start::Fence { ch, len, info } => {
                    let content = fence_content_kind(ln.s[info..].trim());
                    self.leaf = Leaf::Fence { ch, len, content };
                    return self.out(LineKind::Fence, ln);
                }
                Start::Html { end, after } => {
                    if !end.ends_in(ln, after) {
                        self.leaf = Leaf::Html(end);
                    }
                    let k = if end == HtmlEnd::Comment {
                        LineKind::Comment
                    } else {
                        LineKind::Text
                    };
                    return self.out(k, ln);
                }
                Start::Table => {
                    self.leaf = Leaf::Table { delimiter: true };
                    return self.out(LineKind::TableHeader, ln);
                }
            }
        }
    }

    /// What starts at `cur` (after its whitespace), as tree-sitter-md's external scanner decides
    /// it: the cursor moves past container markers.
    fn start(&self, ln: &Line, cur: &mut Cursor, mode: Mode, next: Option<&Line>) -> Start {
        if mode.open && !mode.interrupt && cur.ind >= 4 && !ln.line_end(cur.pos) {
            return Start::IndentedCode;
        }
        let c = ln.at(cur.pos);
        if c == END {
            return if ln.eol { Start::Blank } else { Start::Text };
        }
        match c as u8 {
            ch @ (b'`' | b'~') => {
                let run = ln.run(cur.pos, ch);
                let info = cur.pos + run;
                let level = run as u8; // tree-sitter-md counts in a byte
                if mode.open && level >= 3 && (ch == b'~' || !ln.b[info..].contains(&b'`')) {
                    Start::Fence {
                        ch,
                        len: level,
                        info,
                    }
                } else {
                    Start::Text
                }
            }
            b'*' => star(ln, cur, mode),
            b'_' => {
                let mut count = 0;
                let mut p = cur.pos;
                while let Some(&b) = ln.b.get(p) {
                    match b {
                        b'_' => count += 1,
                        b' ' | b'\t' => {}
                        _ => break,
                    }
                    p += 1;
                }
                if count >= 3 && ln.line_end(p) {
                    Start::ThematicBreak
                } else {
                    Start::Text
                }
            }
            b'>' => {
                if !mode.open {
                    return Start::Text;
                }
                cur.advance(ln);
                cur.ind = 0;
                if ln.is_ws(cur.pos) {
                    let w = cur.advance(ln);
                    cur.ind = cur.ind.wrapping_add(w - 1);
                }
                Start::Quote
            }
            b'#' => {
                let hashes = ln.run(cur.pos, b'#');
                let after = cur.pos + hashes;
                if cur.ind <= 3 && hashes <= 6 && (ln.is_ws(after) || ln.line_end(after)) {
                    Start::Atx
                } else {
                    Start::Text
                }
            }
            b'=' => {
                let mut p = cur.pos + ln.run(cur.pos, b'=');
                while ln.is_ws(p) {
                    p += 1;
                }
                if mode.setext && mode.all && ln.line_end(p) {
                    Start::Setext
                } else {
                    Start::Text
                }
            }
            b'+' => {
                if cur.ind > 3 {
                    return Start::Text;
                }
                let mut c2 = *cur;
                c2.advance(ln);
                let mut extra: u8 = 0;
                while ln.is_ws(c2.pos) {
                    let w = c2.advance(ln);
                    extra = extra.wrapping_add(w);
                }
                let mut dont_interrupt = false;
                if ln.line_end(c2.pos) {
                    extra = 1;
                    dont_interrupt = true;
                }
                list_item(cur, c2, extra, 0, dont_interrupt && mode.all, mode)
            }
            b'0'..=b'9' => {
                if cur.ind > 3 {
                    return Start::Text;
                }
                let digits = ln.run_digits(cur.pos);
                let mut c2 = *cur;
                for _ in 0..digits {
                    c2.advance(ln);
                }
                if digits > 9 || !(ln.is(c2.pos, b'.') || ln.is(c2.pos, b')')) {
                    return Start::Text;
                }
                c2.advance(ln);
                let mut extra: u8 = 0;
                while ln.is_ws(c2.pos) {
                    let w = c2.advance(ln);
                    extra = extra.wrapping_add(w);
                }
                let mut dont_interrupt = digits > 1;
                if ln.line_end(c2.pos) {
                    extra = 1;
                    dont_interrupt = true;
                }
                list_item(
                    cur,
                    c2,
                    extra,
                    digits as u8,
                    dont_interrupt && mode.all,
                    mode,
                )
            }
            b'-' => minus(ln, cur, mode),
            b'<' => match html_start(ln, cur.pos, mode) {
                Some((end, after)) if mode.open => Start::Html { end, after },
                _ => Start::Text,
            },
            _ => {
                if self.table_start(ln, cur.pos, next, false) {
                    Start::Table
                } else if mode.interrupt
                    && mode.open
                    && cur.ind >= 4
                    && self.table_start(ln, cur.pos, next, true)
                {
                    // tree-sitter-md's external scanner also takes a delimiter row with an
                    // empty cell (`|  |`, `| --- | |`) for one: such a row after this line
                    // ends the paragraph or pipe table here. The line then opens indented code
                    // (it is indented 4 or more), with no error in the tree. (Less indented, it
                    // opens a table the grammar fails on; the tree path then reads the section
                    // with this scanner, which keeps the GFM reading.)
                    Start::IndentedCode
                } else {
                    Start::Text
                }
            }
        }
    }

    /// A pipe table starts here: the line has cells, and the next line (inside the same
    /// containers) is a delimiter row with as many cells, followed by a line break. With
    /// `empty_cells`, as tree-sitter-md's external scanner decides it: a cell of the delimiter
    /// row may be empty.
    fn table_start(&self, ln: &Line, p: usize, next: Option<&Line>, empty_cells: bool) -> bool {
        let b = ln.b;
        // No cell without a pipe (the common case: a paragraph line).
        if memchr::memchr(b'|', b.get(p..).unwrap_or_default()).is_none() {
            return false;
        }
        let mut p = p;
        let mut count = 0usize;
        let mut ending = false;
        if ln.is(p, b'|') {
            p += 1;
        }
        while p < b.len() {
            match b[p] {
                b'|' => {
                    count += 1;
                    ending = true;
                    p += 1;
                }
                c => {
                    if c != b' ' && c != b'\t' {
                        ending = false;
                    }
                    p += 1;
                    if c == b'\\' && b.get(p).is_some_and(u8::is_ascii_punctuation) {
                        p += 1;
                    }
                }
            }
        }
        if count == 0 || !ln.eol {
            return false;
        }
        if !ending {
            count += 1;
        }
        let Some(d) = next else {
            return false;
        };
        let mut cur = Cursor::default();
        cur.skip_ws_ind(d);
        for &c in &self.containers {
            if !match_container(c, d, &mut cur) {
                return false;
            }
        }
        let mut p = cur.pos;
        let mut cells = 0usize;
        // tree-sitter-md's external scanner also counts empty cells (`| |`); its grammar does
        // not accept them, and its error recovery then wrecks the table. As in GFM, every cell
        // of a delimiter row needs a dash here.
        let mut empty_cell = false;
        if d.is(p, b'|') {
            p += 1;
        }
        loop {
            while d.is_ws(p) {
                p += 1;
            }
            if d.is(p, b'|') {
                cells += 1;
                empty_cell = true;
                p += 1;
                continue;
            }
            if d.is(p, b':') {
                p += 1;
                if !d.is(p, b'-') {
                    return false;
                }
            }
            let dashes = d.run(p, b'-');
            p += dashes;
            if dashes > 0 {
                cells += 1;
            }
            if d.is(p, b':') {
                if dashes == 0 {
                    return false;
                }
                p += 1;
            }
            while d.is_ws(p) {
                p += 1;
            }
            if d.is(p, b'|') {
                if dashes == 0 {
                    cells += 1;
                    empty_cell = true;
                }
                p += 1;
                continue;
            }
            if !d.line_end(p) {
                return false;
            }
            break;
        }
        cells == count && (empty_cells || !empty_cell)
    }
}

impl Line<'_> {
    fn run_digits(&self, p: usize) -> usize {
        self.b
            .get(p..)
            .map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count())
    }
}

/// Matches one open container at the start of a line (consuming its indentation or marker).
fn match_container(c: Container, ln: &Line, cur: &mut Cursor) -> bool {
    match c {
        Container::Item { width, .. } => {
            while cur.ind < width && ln.is_ws(cur.pos) {
                let w = cur.advance(ln);
                cur.ind = cur.ind.wrapping_add(w);
            }
            if cur.ind >= width {
                cur.ind -= width;
                true
            } else if cur.pos >= ln.b.len() {
                // A blank line. (tree-sitter-md does not match a whitespace-only last line
                // without a line break, but the blocks it closes then still span it.)
                cur.ind = 0;
                true
            } else {
                false
            }
        }
        Container::Quote => {
            while ln.is_ws(cur.pos) {
                let w = cur.advance(ln);
                cur.ind = cur.ind.wrapping_add(w);
            }
            if ln.is(cur.pos, b'>') {
                cur.advance(ln);
                cur.ind = 0;
                if ln.is_ws(cur.pos) {
                    let w = cur.advance(ln);
                    cur.ind = cur.ind.wrapping_add(w - 1);
                }
                true
            } else {
                false
            }
        }
    }
}

/// A list item's start, from the marker's end `after` (past its whitespace) and the whitespace
/// columns after the marker `extra` (1 for an empty item); `digits` for ordered markers.
fn list_item(
    cur: &mut Cursor,
    after: Cursor,
    extra: u8,
    digits: u8,
    dont_interrupt: bool,
    mode: Mode,
) -> Start {
    if extra < 1 || !mode.open || (mode.interrupt && dont_interrupt) {
        return Start::Text;
    }
    let mut extra = extra - 1;
    let mut ind = cur.ind;
    if extra <= 3 {
        extra = extra.wrapping_add(ind);
        ind = 0;
    } else {
        std::mem::swap(&mut extra, &mut ind);
    }
    *cur = after;
    cur.ind = ind;
    Start::Item {
        width: extra.wrapping_add(digits).wrapping_add(2),
    }
}

/// `*`: a thematic break or a list marker.
fn star(ln: &Line, cur: &mut Cursor, mode: Mode) -> Start {
    let mut c = *cur;
    c.advance(ln);
    let mut mark = c;
    let mut count = 1;
    let mut extra: u8 = 0;
    loop {
        if ln.is(c.pos, b'*') {
            if count == 1 && extra >= 1 {
                mark = c;
            }
            count += 1;
            c.advance(ln);
        } else if ln.is_ws(c.pos) {
            let w = c.advance(ln);
            if count == 1 {
                extra = extra.wrapping_add(w);
            }
        } else {
            break;
        }
    }
    let line_end = ln.line_end(c.pos);
    let mut dont_interrupt = false;
    if count == 1 && line_end {
        extra = 1;
        dont_interrupt = mode.all;
    }
    if count >= 3 && line_end && cur.ind < 4 {
        return Start::ThematicBreak;
    }
    if count == 1 {
        mark = c;
    } else {
        // The marker ends before the second `*`, but tree-sitter-md keeps the column it
        // reached (for the tab stops of what follows).
        mark.col = c.col;
    }
    list_item(cur, mark, extra, 0, dont_interrupt, mode)
}

/// `-`: a setext underline, a thematic break or a list marker.
fn minus(ln: &Line, cur: &mut Cursor, mode: Mode) -> Start {
    if cur.ind > 3 {
        return Start::Text;
    }
    let mut c = *cur;
    let mut mark = c;
    let mut count = 0;
    let mut extra: u8 = 0;
    let mut ws_after = false;
    let mut minus_after_ws = false;
    loop {
        if ln.is(c.pos, b'-') {
            if count == 1 && extra >= 1 {
                mark = c;
            }
            count += 1;
            c.advance(ln);
            minus_after_ws = ws_after;
        } else if ln.is_ws(c.pos) {
            let w = c.advance(ln);
            if count == 1 {
                extra = extra.wrapping_add(w);
            }
            ws_after = true;
        } else {
            break;
        }
    }
    let line_end = ln.line_end(c.pos);
    let mut dont_interrupt = false;
    if count == 1 && line_end {
        extra = 1;
        dont_interrupt = true;
    }
    if mode.setext && mode.all && !minus_after_ws && line_end {
        return Start::Setext;
    }
    if count >= 3 && line_end {
        return Start::ThematicBreak;
    }
    if count == 1 {
        mark = c;
    } else {
        mark.col = c.col; // as for `*`
    }
    list_item(cur, mark, extra, 0, dont_interrupt && mode.all, mode)
}

/// Type-6 tag names (tree-sitter-md's list).
const BLOCK_TAGS: &[&[u8]] = &[
    b"address",
    b"article",
    b"aside",
    b"base",
    b"basefont",
    b"blockquote",
    b"body",
    b"caption",
    b"center",
    b"col",
    b"colgroup",
    b"dd",
    b"details",
    b"dialog",
    b"dir",
    b"div",
    b"dl",
    b"dt",
    b"fieldset",
    b"figcaption",
    b"figure",
    b"footer",
    b"form",
    b"frame",
    b"frameset",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"head",
    b"header",
    b"hr",
    b"html",
    b"iframe",
    b"legend",
    b"li",
    b"link",
    b"main",
    b"menu",
    b"menuitem",
    b"nav",
    b"noframes",
    b"ol",
    b"optgroup",
    b"option",
    b"p",
    b"param",
    b"section",
    b"source",
    b"summary",
    b"table",
    b"tbody",
    b"td",
    b"tfoot",
    b"th",
    b"thead",
    b"title",
    b"tr",
    b"track",
    b"ul",
];

/// Type-1 tag names.
const RAW_TAGS: &[&[u8]] = &[b"pre", b"script", b"style"];

/// A tag name of ASCII letters at `p` (lowercased into `buf`); `None` when longer than 10.
fn tag_name(ln: &Line, p: &mut usize, buf: &mut [u8; 10]) -> Option<usize> {
    let mut len = 0;
    let mut long = false;
    while let Some(&c) = ln.b.get(*p) {
        if !c.is_ascii_alphabetic() {
            break;
        }
        if len < 10 {
            buf[len] = c.to_ascii_lowercase();
            len += 1;
        } else {
            long = true;
        }
        *p += 1;
    }
    (!long).then_some(len)
}

/// After a tag name: whitespace, `>` or a line break.
fn tag_name_ends(ln: &Line, p: usize) -> bool {
    ln.is_ws(p) || ln.is(p, b'>') || ln.line_end(p)
}

/// A link reference definition on one line as tree-sitter-md's grammar reads one (`s` starts at
/// its `[`): a label, `:`, a destination (`<…>`, or without whitespace and with balanced
/// parentheses), then optionally whitespace and a title (`"…"`, `'…'`, `(…)`), then only
/// whitespace. `Some(true)` when it has a title.
fn link_definition(s: &str) -> Option<bool> {
    let rest = s.strip_prefix('[')?;
    let close = rest.find("]:")?;
    let label = &rest[..close];
    // `[x]` and `[ ]` are task-list markers (one token) for its lexer, not labels.
    if label.trim().is_empty()
        || label.contains(['[', ']', '\\'])
        || label.eq_ignore_ascii_case("x")
    {
        return None;
    }
    let dest = &rest[close + 2..];
    let b = dest.as_bytes();
    let mut p = b.iter().take_while(|&&c| c == b' ' || c == b'\t').count();
    let start = p;
    if b.get(p) == Some(&b'<') {
        p += 1;
        loop {
            match b.get(p)? {
                b'\\' if b.get(p + 1).is_some_and(u8::is_ascii_punctuation) => p += 2,
                b'<' => return None,
                b'>' => break,
                _ => p += 1,
            }
        }
        p += 1;
        if !matches!(b.get(p), None | Some(b' ' | b'\t')) {
            return None;
        }
    } else {
        let mut depth = 0usize;
        while let Some(&c) = b.get(p) {
            match c {
                b' ' | b'\t' => break,
                b'\\' if b.get(p + 1).is_some_and(u8::is_ascii_punctuation) => p += 1,
                b'(' => depth += 1,
                b')' => depth = depth.checked_sub(1)?,
                _ => {}
            }
            p += 1;
        }
        if p == start || depth > 0 || b[start] == b'<' {
            return None;
        }
    }
    // `p` is at an ASCII byte (whitespace, past `>`) or at the end.
    let after = dest.get(p..)?;
    let title = after.trim_start_matches([' ', '\t']);
    if title.is_empty() {
        return Some(false);
    }
    (title.len() < after.len() && is_link_title(title)).then_some(true)
}

/// A link title alone (`"…"`, `'…'` or `(…)`, then only whitespace), as tree-sitter-md's grammar
/// reads one.
fn is_link_title(s: &str) -> bool {
    let b = s.as_bytes();
    let close = match b.first() {
        Some(b'"') => b'"',
        Some(b'\'') => b'\'',
        Some(b'(') => b')',
        _ => return false,
    };
    let mut p = 1;
    loop {
        match b.get(p) {
            None => return false,
            Some(b'\\') if b.get(p + 1).is_some_and(u8::is_ascii_punctuation) => p += 2,
            Some(&c) if c == close => break,
            Some(b'(') if close == b')' => return false,
            Some(_) => p += 1,
        }
    }
    b[p + 1..].iter().all(|&c| c == b' ' || c == b'\t')
}

/// An HTML block start at `p` (`<`): its end condition and where the opening token ends.
fn html_start(ln: &Line, p: usize, mode: Mode) -> Option<(HtmlEnd, usize)> {
    let mut p = p + 1;
    if ln.is(p, b'?') {
        return Some((HtmlEnd::Processing, p + 1));
    }
    if ln.is(p, b'!') {
        p += 1;
        if ln.is(p, b'-') {
            // `<!-->` and `<!--->` end where they start: the token is `<!`.
            return ln.is(p + 1, b'-').then_some((HtmlEnd::Comment, p));
        } else if ln.b.get(p).is_some_and(u8::is_ascii_uppercase) {
            return Some((HtmlEnd::Declaration, p + 1));
        } else if ln.is(p, b'[') {
            p += 1;
            let mut cdata = 0;
            while cdata < 5 && ln.is(p, b"CDATA"[cdata]) {
                cdata += 1;
                p += 1;
            }
            if cdata == 5 && ln.is(p, b'[') {
                return Some((HtmlEnd::Cdata, p + 1));
            }
        }
    }
    let closing = ln.is(p, b'/');
    if closing {
        p += 1;
    }
    let mut buf = [0u8; 10];
    let name_start = p;
    let name = tag_name(ln, &mut p, &mut buf);
    if p == name_start {
        return None;
    }
    let mut tag_closed = false;
    if let Some(len) = name {
        let name = &buf[..len];
        let ends = tag_name_ends(ln, p);
        if ends && !closing && RAW_TAGS.contains(&name) {
            return Some((HtmlEnd::Raw, p));
        }
        if !ends && ln.is(p, b'/') {
            p += 1;
            if ln.is(p, b'>') {
                p += 1;
                tag_closed = true;
            }
        }
        if (ends || tag_closed) && BLOCK_TAGS.contains(&name) {
            return Some((HtmlEnd::BlankLine, p));
        }
    }
    // Type 7: a complete open or closing tag alone on its line; cannot interrupt a paragraph.
    if mode.interrupt {
        return None;
    }
    if !tag_closed {
        while ln
            .b
            .get(p)
            .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'-')
        {
            p += 1;
        }
        if !closing {
            let mut had_ws = false;
            loop {
                while ln.is_ws(p) {
                    had_ws = true;
                    p += 1;
                }
                if ln.is(p, b'/') {
                    p += 1;
                    break;
                }
                if ln.is(p, b'>') {
                    break;
                }
                // An attribute: name, then optionally `=` and a value.
                let c = ln.at(p);
                if !had_ws
                    || !(c < 128
                        && ((c as u8).is_ascii_alphabetic()
                            || c == u16::from(b'_')
                            || c == u16::from(b':')))
                {
                    return None;
                }
                had_ws = false;
                p += 1;
                while ln.b.get(p).is_some_and(|&c| {
                    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b':' | b'-')
                }) {
                    p += 1;
                }
                while ln.is_ws(p) {
                    had_ws = true;
                    p += 1;
                }
                if ln.is(p, b'=') {
                    p += 1;
                    had_ws = false;
                    while ln.is_ws(p) {
                        p += 1;
                    }
                    match ln.b.get(p) {
                        Some(&q @ (b'\'' | b'"')) => {
                            p += 1;
                            while ln.b.get(p).is_some_and(|&c| c != q) {
                                p += 1;
                            }
                            if !ln.is(p, q) {
                                return None;
                            }
                            p += 1;
                        }
                        _ => {
                            let s = p;
                            while ln.b.get(p).is_some_and(|&c| {
                                !matches!(
                                    c,
                                    b' ' | b'\t' | b'"' | b'\'' | b'=' | b'<' | b'>' | b'`'
                                )
                            }) {
                                p += 1;
                            }
                            if p == s {
                                return None;
                            }
                        }
                    }
                }
            }
        } else {
            while ln.is_ws(p) {
                p += 1;
            }
        }
        if !ln.is(p, b'>') {
            return None;
        }
        p += 1;
    }
    while ln.is_ws(p) {
        p += 1;
    }
    ln.line_end(p).then_some((HtmlEnd::BlankLine, p))
}

/// Whether the HTML block whose text starts with `block` (its `<` at byte `at`) is one that ends
/// at a blank line (types 6 and 7).
pub fn html_ends_at_blank_line(block: &str, at: usize) -> bool {
    let line = block[at..].split(['\n', '\r']).next().unwrap_or("");
    let ln = Line::new(line, true);
    let mode = Mode {
        interrupt: false,
        setext: false,
        all: true,
        open: true,
    };
    matches!(html_start(&ln, 0, mode), Some((HtmlEnd::BlankLine, _)))
}

/// Whether `</pre`, `</script` or `</style` (then whitespace, `>` or a line break) occurs from
/// `p` on.
fn raw_html_end(ln: &Line, p: usize) -> bool {
    let b = ln.b;
    let mut i = p;
    while let Some(off) = b.get(i..).and_then(|r| r.iter().position(|&c| c == b'<')) {
        let mut q = i + off + 1;
        i = q;
        if !ln.is(q, b'/') {
            continue;
        }
        q += 1;
        let mut buf = [0u8; 10];
        if let Some(len) = tag_name(ln, &mut q, &mut buf) {
            if RAW_TAGS.contains(&&buf[..len]) && tag_name_ends(ln, q) {
                return true;
            }
        }
    }
    false
}

//! The tree-sitter path: tree-sitter-md's block grammar, one tree per section.
//!
//! A document is cut into independent sections before ATX headings and code fences that start
//! at column 0 right after a blank line outside any fence or HTML block: such a line always
//! starts a new top-level block, so parsing the sections separately gives the same block
//! structure as parsing the whole document — and an edit only needs its own section reparsed
//! (tree-sitter reuses flat trees poorly; see the core issue's measurements).

use super::blocks::{self, atx_level, fence_content_kind};
use super::LineKind;
use crate::text::line_spans;
use tree_sitter::{Node, Parser, Tree};

/// Creates a parser for the Markdown block grammar.
pub fn new_parser() -> Parser {
    let mut p = Parser::new();
    // The grammar and the library are an ABI-compatible pair; failure here is a build error.
    p.set_language(&tree_sitter_md::LANGUAGE.into())
        .expect("tree-sitter-md 0.5.4 is ABI-compatible with tree-sitter 0.27");
    p
}

/// Line indices where sections start (always includes 0), given the scanner's kinds.
pub fn section_starts(kinds: &[LineKind], lines: &[&str]) -> Vec<usize> {
    let mut starts = vec![0];
    // Front matter is a section of its own: the scanner starts afresh after its closing line,
    // and tree-sitter-md, parsing a document that starts with it, read the lines after a
    // CRLF-ended `+++` block differently from LF ones (a tab after a list marker, G10 of the
    // generator). Not when the next line could open front matter itself (`---`, `+++`, also
    // indented: ` ---`), which it cannot after front matter, nor when it starts with a
    // byte-order mark (tree-sitter skips one at the start of its input: text here).
    let meta = kinds.iter().take_while(|&&k| k == LineKind::Meta).count();
    let after = lines.get(meta).map(|l| l.trim_start_matches([' ', '\t']));
    if meta >= 2
        && meta < lines.len()
        && !lines[meta].starts_with('\u{feff}')
        && after.is_some_and(|l| !l.starts_with("---") && !l.starts_with("+++"))
    {
        starts.push(meta);
    }
    for i in (meta.max(1))..lines.len() {
        if kinds[i - 1] != LineKind::Blank {
            continue;
        }
        let l = lines[i];
        let split = match kinds[i] {
            LineKind::Heading(_) => l.starts_with('#'),
            LineKind::Fence => l.starts_with("```") || l.starts_with("~~~"),
            _ => false,
        };
        if split {
            starts.push(i);
        }
    }
    starts
}

/// Parses the section `start..end` of `text` (with an edited old tree when given). A byte-order
/// mark at the start of the text is left out of the parse (an included range): tree-sitter-md
/// would read it as text and miss the block on line 0. Node offsets stay relative to `start`.
pub fn parse_section(
    parser: &mut Parser,
    text: &str,
    start: usize,
    end: usize,
    old: Option<&Tree>,
) -> Option<Tree> {
    let src = text.get(start..end).unwrap_or("");
    let skip = if start == 0 { super::bom_len(text) } else { 0 };
    if skip == 0 {
        return parser.parse(src, old);
    }
    let range = tree_sitter::Range {
        start_byte: skip,
        end_byte: src.len(),
        start_point: tree_sitter::Point::new(0, skip),
        end_point: point_at(src),
    };
    if src.len() <= skip || parser.set_included_ranges(&[range]).is_err() {
        return parser.parse(src, None);
    }
    // Included ranges change what an old tree means: parse from scratch (line 0's section only).
    let tree = parser.parse(src, None);
    // Back to the whole input for the next section.
    let _ = parser.set_included_ranges(&[]);
    tree
}

/// The tree-sitter point at the end of `s` (rows count `\n` only, as tree-sitter does).
fn point_at(s: &str) -> tree_sitter::Point {
    let row = memchr::memchr_iter(b'\n', s.as_bytes()).count();
    let col = s.len() - s.rfind('\n').map_or(0, |i| i + 1);
    tree_sitter::Point::new(row, col)
}

/// One parsed section.
pub struct Section {
    /// First line (index into the document's lines).
    pub first_line: usize,
    /// Byte range in the document.
    pub start: usize,
    pub end: usize,
    pub tree: Option<Tree>,
}

/// Parses a whole document into sections with trees.
pub fn parse_sections(
    text: &str,
    parser: &mut Parser,
) -> (Vec<Section>, Vec<(usize, usize, usize)>) {
    let spans: Vec<(usize, usize, usize)> = line_spans(text).collect();
    let lines: Vec<&str> = spans
        .iter()
        .map(|&(s, e, _)| super::line_text(text, s, e))
        .collect();
    let kinds = blocks::classify_lines(&lines);
    let starts = section_starts(&kinds, &lines);
    let mut sections = Vec::with_capacity(starts.len());
    for (k, &first) in starts.iter().enumerate() {
        let start = spans[first].0;
        let end = starts.get(k + 1).map(|&n| spans[n].0).unwrap_or(text.len());
        let tree = parse_section(parser, text, start, end, None);
        sections.push(Section {
            first_line: first,
            start,
            end,
            tree,
        });
    }
    (sections, spans)
}

/// Classifies every line of `text` from tree-sitter trees.
pub fn classify(text: &str) -> Vec<LineKind> {
    let mut parser = new_parser();
    let (sections, spans) = parse_sections(text, &mut parser);
    let mut kinds: Vec<LineKind> = spans
        .iter()
        .map(|&(s, e, _)| default_kind(super::line_text(text, s, e)))
        .collect();
    for (k, sec) in sections.iter().enumerate() {
        let next = sections.get(k + 1).map_or(spans.len(), |n| n.first_line);
        match &sec.tree {
            Some(tree) if !tree.root_node().has_error() => {
                classify_tree(text, sec.start, tree, &spans, &mut kinds)
            }
            _ => scan_lines(text, &spans, sec.first_line..next, &mut kinds),
        }
    }
    kinds
}

/// The block scanner's kinds for the lines `lines` of a section (the lines of one section, or
/// of several consecutive ones), written into `kinds`.
///
/// Where tree-sitter-md's grammar fails (its tree has an error: a table row `||`, an HTML block
/// in a list item ended by blank lines, …) what its error recovery makes of a section depends on
/// the lines around it, and the server (tree-sitter) and `check` (the scanner) disagreed. Such a
/// section is classified by the scanner, the contract both paths share; so is one that is not
/// given to tree-sitter at all (a line over 64 KB). Sections are independent for the scanner as
/// for tree-sitter (each starts at line 0, or at column 0 right after a blank line), so this is
/// what a scan of the whole text gives for these lines.
pub fn scan_lines(
    text: &str,
    spans: &[(usize, usize, usize)],
    lines: std::ops::Range<usize>,
    kinds: &mut [LineKind],
) {
    let (a, b) = (lines.start, lines.end.min(spans.len()));
    if a >= b {
        return;
    }
    let mut strs: Vec<&str> = spans[a..b]
        .iter()
        .map(|&(s, e, _)| super::line_text(text, s, e))
        .collect();
    // The section's last line ends with a line break unless it is the text's last line.
    let more = b < spans.len();
    if more {
        strs.push("");
    }
    let scan = blocks::classify_lines(&strs);
    for (k, kind) in kinds[a..b].iter_mut().zip(scan) {
        *k = kind;
    }
}

fn default_kind(line: &str) -> LineKind {
    if line.trim().is_empty() {
        LineKind::Blank
    } else {
        LineKind::Text
    }
}

/// Line index of a document byte offset.
fn line_of(spans: &[(usize, usize, usize)], offset: usize) -> usize {
    spans
        .partition_point(|&(s, _, _)| s <= offset)
        .saturating_sub(1)
}

/// Where a node's own content ends: a block inside a list item also spans the indentation of
/// the line after it (a trailing `block_continuation`), which is not part of the block.
fn content_end(node: Node) -> usize {
    let end = node.end_byte();
    let mut n = node;
    while let Some(last) = n.child(n.child_count().saturating_sub(1)) {
        if last.end_byte() != end {
            break;
        }
        if last.kind() == "block_continuation" {
            return last.start_byte();
        }
        n = last;
    }
    end
}

/// Lines covered by a node: (first, last inclusive). A block inside a list item that a line
/// closes (by its indentation) also ends after the whitespace the item tried to match on that
/// line; such a line is not part of the block.
fn node_lines(
    text: &str,
    spans: &[(usize, usize, usize)],
    base: usize,
    node: Node,
) -> (usize, usize) {
    let s = line_of(spans, base + node.start_byte());
    let end = base + content_end(node);
    let mut e = line_of(spans, end);
    let (ls, le, next) = spans[e];
    // Whitespace at the very end of the text (a last line without a line break) belongs to no
    // block either (whether tree-sitter-md's node spans it depends on how its list-item
    // indentation splits a tab).
    let trailing_blank = next == le && le == text.len() && is_blank(super::line_text(text, ls, le));
    if e > s && (ls == end || trailing_blank || (end < le && is_blank(&text[ls..end]))) {
        e -= 1;
    }
    (s, e.max(s))
}

/// Classifies the lines of one section's tree into `kinds`.
pub fn classify_tree(
    text: &str,
    base: usize,
    tree: &Tree,
    spans: &[(usize, usize, usize)],
    kinds: &mut [LineKind],
) {
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "fenced_code_block" => fenced(text, base, node, spans, kinds),
            "html_block" => {
                let (s, mut e) = node_lines(text, spans, base, node);
                let body = &text[base + node.start_byte()..base + node.end_byte()];
                let lead = body.len() - body.trim_start().len();
                let comment = body[lead..].starts_with("<!--");
                // A block that ends at a blank line (types 6 and 7) does not claim that line.
                let (ls, le, _) = spans[e];
                if e > s
                    && is_blank(super::line_text(text, ls, le))
                    && blocks::html_ends_at_blank_line(body, lead)
                {
                    e -= 1;
                }
                for k in kinds.iter_mut().take(e + 1).skip(s) {
                    *k = if comment {
                        LineKind::Comment
                    } else {
                        LineKind::Text
                    };
                }
            }
            "atx_heading" => {
                let (s, _) = node_lines(text, spans, base, node);
                let (ls, le, _) = spans[s];
                if let Some(level) = atx_level(super::line_text(text, ls, le)) {
                    kinds[s] = LineKind::Heading(level);
                }
            }
            "pipe_table" if table(text, base, node, spans, kinds) => {}
            "pipe_table_header" => {
                let (s, _) = node_lines(text, spans, base, node);
                kinds[s] = LineKind::TableHeader;
            }
            "pipe_table_delimiter_row" => {
                let (s, _) = node_lines(text, spans, base, node);
                kinds[s] = LineKind::TableDelimiter;
            }
            "pipe_table_row" => {
                let (s, _) = node_lines(text, spans, base, node);
                kinds[s] = LineKind::TableRow;
            }
            "minus_metadata" | "plus_metadata" => {
                let (s, e) = node_lines(text, spans, base, node);
                for k in kinds.iter_mut().take(e + 1).skip(s) {
                    *k = LineKind::Meta;
                }
            }
            // tree-sitter-md wants a line break after an ATX heading and after a fence's
            // opening line; at the end of a text without one, error recovery sometimes gives up
            // and leaves the line as an ERROR holding the marker. Read it as what it is.
            "ERROR" if error_line(text, base, node, spans, kinds) => {}
            // Read as text: block quotes, paragraphs, indented code and the rest.
            "block_quote"
            | "paragraph"
            | "indented_code_block"
            | "setext_heading"
            | "thematic_break"
            | "link_reference_definition" => {}
            _ => {
                let mut c = node.walk();
                for child in node.children(&mut c) {
                    stack.push(child);
                }
            }
        }
    }
}

/// Blank for Markdown: spaces and tabs only.
fn is_blank(line: &str) -> bool {
    line.bytes().all(|b| b == b' ' || b == b'\t')
}

/// Classifies a pipe table's lines: its header, its delimiter row, and every line after it
/// (a row that is only `|` is no `pipe_table_row` for the grammar, but still a row of the
/// table). Returns false when the table has no delimiter row (error recovery).
fn table(
    text: &str,
    base: usize,
    node: Node,
    spans: &[(usize, usize, usize)],
    kinds: &mut [LineKind],
) -> bool {
    let (s, e) = node_lines(text, spans, base, node);
    let mut header = None;
    let mut delimiter = None;
    let mut c = node.walk();
    for child in node.children(&mut c) {
        let line = line_of(spans, base + child.start_byte());
        match child.kind() {
            "pipe_table_header" => header = Some(line),
            "pipe_table_delimiter_row" => delimiter = Some(line),
            _ => {}
        }
    }
    let (Some(h), Some(d)) = (header, delimiter) else {
        return false;
    };
    kinds[h] = LineKind::TableHeader;
    kinds[d] = LineKind::TableDelimiter;
    for l in d + 1..=e.max(s) {
        let (ls, le, _) = spans[l];
        if !is_blank(super::line_text(text, ls, le)) {
            kinds[l] = LineKind::TableRow;
        }
    }
    true
}

/// Classifies an ERROR node that is the end-of-text remainder of a heading or fence opening
/// line; returns false (leaving the node to the caller) for any other ERROR.
fn error_line(
    text: &str,
    base: usize,
    node: Node,
    spans: &[(usize, usize, usize)],
    kinds: &mut [LineKind],
) -> bool {
    let (s, e) = node_lines(text, spans, base, node);
    if s != e || base + node.end_byte() != spans[s].1 || spans[s].1 != text.len() {
        return false;
    }
    let Some(first) = node.child(0) else {
        return false;
    };
    let (ls, le, _) = spans[s];
    let line = super::line_text(text, ls, le);
    match first.kind() {
        "fenced_code_block_delimiter" => kinds[s] = LineKind::Fence,
        k if k.starts_with("atx_h") && k.ends_with("_marker") => match atx_level(line) {
            Some(level) => kinds[s] = LineKind::Heading(level),
            None => return false,
        },
        _ => return false,
    }
    true
}

fn fenced(
    text: &str,
    base: usize,
    node: Node,
    spans: &[(usize, usize, usize)],
    kinds: &mut [LineKind],
) {
    let (s, e) = node_lines(text, spans, base, node);
    // The info string is the rest of the opening line (read from the text: the grammar has no
    // `info_string` node for one starting with, e.g., a comma).
    let mut info = "";
    let mut delimiters = Vec::new();
    let mut c = node.walk();
    for child in node.children(&mut c) {
        if child.kind() == "fenced_code_block_delimiter" {
            let line = line_of(spans, base + child.start_byte());
            if delimiters.is_empty() {
                let from = (base + child.end_byte()).min(spans[line].1);
                info = &text[from..spans[line].1];
            }
            delimiters.push(line);
        }
    }
    let content = fence_content_kind(info.trim());
    for (l, k) in kinds.iter_mut().enumerate().take(e + 1).skip(s) {
        *k = if delimiters.contains(&l) {
            LineKind::Fence
        } else {
            content
        };
    }
}

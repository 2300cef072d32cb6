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
    for i in 1..lines.len() {
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
pub fn parse_sections(text: &str, parser: &mut Parser) -> (Vec<Section>, Vec<(usize, usize, usize)>) {
    let spans: Vec<(usize, usize, usize)> = line_spans(text).collect();
    let lines: Vec<&str> = spans.iter().map(|&(s, e, _)| &text[s..e]).collect();
    let kinds = blocks::classify_lines(&lines);
    let starts = section_starts(&kinds, &lines);
    let mut sections = Vec::with_capacity(starts.len());
    for (k, &first) in starts.iter().enumerate() {
        let start = spans[first].0;
        let end = starts
            .get(k + 1)
            .map(|&n| spans[n].0)
            .unwrap_or(text.len());
        let tree = parser.parse(&text[start..end], None);
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
        .map(|&(s, e, _)| default_kind(&text[s..e]))
        .collect();
    for sec in &sections {
        if let Some(tree) = &sec.tree {
            classify_tree(text, sec.start, tree, &spans, &mut kinds);
        }
    }
    kinds
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

/// Lines covered by a node: (first, last inclusive).
fn node_lines(spans: &[(usize, usize, usize)], base: usize, node: Node) -> (usize, usize) {
    let s = line_of(spans, base + node.start_byte());
    let end = base + node.end_byte();
    let mut e = line_of(spans, end);
    if e > s && spans[e].0 == end {
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
                let (s, e) = node_lines(spans, base, node);
                let body = &text[base + node.start_byte()..base + node.end_byte()];
                let comment = body.trim_start().starts_with("<!--");
                for k in kinds.iter_mut().take(e + 1).skip(s) {
                    *k = if comment {
                        LineKind::Comment
                    } else {
                        LineKind::Text
                    };
                }
            }
            "atx_heading" => {
                let (s, _) = node_lines(spans, base, node);
                let (ls, le, _) = spans[s];
                if let Some(level) = atx_level(&text[ls..le]) {
                    kinds[s] = LineKind::Heading(level);
                }
            }
            "pipe_table_header" => {
                let (s, _) = node_lines(spans, base, node);
                kinds[s] = LineKind::TableHeader;
            }
            "pipe_table_delimiter_row" => {
                let (s, _) = node_lines(spans, base, node);
                kinds[s] = LineKind::TableDelimiter;
            }
            "pipe_table_row" => {
                let (s, _) = node_lines(spans, base, node);
                kinds[s] = LineKind::TableRow;
            }
            "minus_metadata" | "plus_metadata" => {
                let (s, e) = node_lines(spans, base, node);
                for k in kinds.iter_mut().take(e + 1).skip(s) {
                    *k = LineKind::Meta;
                }
            }
            // Read as text: block quotes, paragraphs, indented code and the rest.
            "block_quote" | "paragraph" | "indented_code_block" | "setext_heading"
            | "thematic_break" | "link_reference_definition" => {}
            _ => {
                let mut c = node.walk();
                for child in node.children(&mut c) {
                    stack.push(child);
                }
            }
        }
    }
}

fn fenced(text: &str, base: usize, node: Node, spans: &[(usize, usize, usize)], kinds: &mut [LineKind]) {
    let (s, e) = node_lines(spans, base, node);
    let mut info = "";
    let mut delimiters = Vec::new();
    let mut c = node.walk();
    for child in node.children(&mut c) {
        match child.kind() {
            "info_string" => info = &text[base + child.start_byte()..base + child.end_byte()],
            "fenced_code_block_delimiter" => delimiters.push(line_of(spans, base + child.start_byte())),
            _ => {}
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

//! The fast path's block recogniser: a line-oriented scanner that classifies every line with the
//! same [`LineKind`]s the tree-sitter path derives from its syntax tree.
//!
//! It understands exactly the block structure that matters for DEP- documents: fenced code
//! blocks (also inside list items), HTML comment blocks and other HTML blocks, ATX headings, pipe
//! tables, block quotes and YAML front matter. Everything else is `Text` or `Blank`.
//! `tests/differential.rs` proves it agrees with the tree-sitter path.

use super::LineKind;
use crate::text::line_spans;

/// Kind of fenced block content, from the info string.
pub fn fence_content_kind(info: &str) -> LineKind {
    let lang = info
        .split(|c: char| c.is_whitespace() || c == '{' || c == ',')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match lang.as_str() {
        "" | "text" | "dep" | "md" | "markdown" => LineKind::DepCode,
        _ => LineKind::Code,
    }
}

#[derive(Clone, Debug)]
struct Fence {
    ch: u8,
    len: usize,
    /// Indentation of the container (list item content) the fence lives in.
    container: usize,
    content: LineKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Html {
    /// `<!-- … -->`: ends at the line holding `-->`.
    Comment,
    /// `<script>`, `<pre>`, `<style>`, `<textarea>`: ends at the closing tag.
    Raw(&'static str),
    /// Block-level tags (type 6) and lone tags (type 7): end at a blank line.
    UntilBlank,
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

/// A fence opener: (char, run length, info string).
fn fence_open(rest: &str) -> Option<(u8, usize, &str)> {
    let ch = *rest.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = rest.bytes().take_while(|&c| c == ch).count();
    if len < 3 {
        return None;
    }
    let info = rest[len..].trim();
    if ch == b'`' && info.contains('`') {
        return None;
    }
    Some((ch, len, info))
}

fn is_fence_close(rest: &str, f: &Fence) -> bool {
    let len = rest.bytes().take_while(|&c| c == f.ch).count();
    len >= f.len && rest[len..].trim().is_empty()
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

const BLOCK_TAGS: &[&str] = &[
    "address", "article", "aside", "base", "basefont", "blockquote", "body", "caption", "center",
    "col", "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5",
    "h6", "head", "header", "hr", "html", "iframe", "legend", "li", "link", "main", "menu",
    "menuitem", "nav", "noframes", "ol", "optgroup", "option", "p", "param", "search", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "track", "ul",
];

/// HTML block start (CommonMark types 1, 2, 6, 7; 3–5 are rare and read as text).
fn html_start(rest: &str, after_paragraph: bool) -> Option<Html> {
    if rest.starts_with("<!--") {
        return Some(Html::Comment);
    }
    let lower: String = rest.chars().take(12).collect::<String>().to_ascii_lowercase();
    for (tag, close) in [
        ("<script", "</script>"),
        ("<pre", "</pre>"),
        ("<style", "</style>"),
        ("<textarea", "</textarea>"),
    ] {
        if let Some(after) = lower.strip_prefix(tag) {
            if after.is_empty() || after.starts_with([' ', '>', '\t']) {
                return Some(Html::Raw(close));
            }
        }
    }
    let body = rest.strip_prefix('<')?;
    let (closing, body) = match body.strip_prefix('/') {
        Some(b) => (true, b),
        None => (false, body),
    };
    let name_len = body
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == b'-')
        .count();
    if name_len == 0 || !body.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    let name = body[..name_len].to_ascii_lowercase();
    let after = &body[name_len..];
    if BLOCK_TAGS.contains(&name.as_str())
        && (after.is_empty() || after.starts_with([' ', '\t', '>']) || after.starts_with("/>"))
    {
        return Some(Html::UntilBlank);
    }
    // Type 7: a complete tag alone on its line; cannot interrupt a paragraph.
    if after_paragraph {
        return None;
    }
    let tail = after.trim_end();
    let complete = if closing {
        tail == ">"
    } else {
        tail.ends_with('>') && !tail.contains('<') && balanced_quotes(tail)
    };
    complete.then_some(Html::UntilBlank)
}

fn balanced_quotes(s: &str) -> bool {
    s.matches('"').count() % 2 == 0 && s.matches('\'').count() % 2 == 0
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

fn is_delimiter_row(line: &str) -> Option<usize> {
    let t = line.trim();
    if !t.contains('-') || t.is_empty() {
        return None;
    }
    if !t.bytes().all(|c| matches!(c, b'|' | b'-' | b':' | b' ' | b'\t')) {
        return None;
    }
    let cells = table_cells(line);
    for &(s, e) in &cells {
        let c = line[s..e].trim();
        let c = c.strip_prefix(':').unwrap_or(c);
        let c = c.strip_suffix(':').unwrap_or(c);
        if c.is_empty() || !c.bytes().all(|x| x == b'-') {
            return None;
        }
    }
    if !t.contains('|') && cells.len() == 1 {
        // `---` alone is a thematic break / setext underline, not a table.
        return None;
    }
    Some(cells.len())
}

fn could_be_table_header(line: &str) -> bool {
    line.contains('|')
}

/// Classifies each line of `text` (lines as [`line_spans`] yields them).
pub fn classify(text: &str) -> Vec<LineKind> {
    let lines: Vec<&str> = line_spans(text).map(|(s, e, _)| &text[s..e]).collect();
    classify_lines(&lines)
}

/// Classifies a slice of lines.
pub fn classify_lines(lines: &[&str]) -> Vec<LineKind> {
    let mut kinds = Vec::with_capacity(lines.len());
    let mut fence: Option<Fence> = None;
    let mut html: Option<Html> = None;
    let mut in_table = false;
    let mut in_paragraph = false;
    let mut list_indent: Option<usize> = None;
    let mut i = 0;

    // YAML front matter.
    if lines.first().map(|l| l.trim_end()) == Some("---") {
        if let Some(end) = lines
            .iter()
            .skip(1)
            .position(|l| matches!(l.trim_end(), "---" | "..."))
        {
            for _ in 0..end + 2 {
                kinds.push(LineKind::Meta);
            }
            i = end + 2;
        }
    }

    while i < lines.len() {
        let line = lines[i];
        let blank = line.trim().is_empty();
        let (cols, ib) = indent(line);
        let rest = &line[ib..];

        if let Some(f) = &fence {
            let closes_container = f.container > 0 && !blank && cols < f.container;
            if !closes_container {
                let rel = cols.saturating_sub(f.container);
                if cols >= f.container && rel <= 3 && is_fence_close(rest, f) {
                    kinds.push(LineKind::Fence);
                    fence = None;
                } else {
                    kinds.push(f.content);
                }
                i += 1;
                continue;
            }
            fence = None;
            list_indent = None;
        }

        if let Some(h) = html {
            match h {
                Html::Comment => {
                    kinds.push(LineKind::Comment);
                    if line.contains("-->") {
                        html = None;
                    }
                    i += 1;
                    continue;
                }
                Html::Raw(close) => {
                    kinds.push(LineKind::Text);
                    if line.to_ascii_lowercase().contains(close) {
                        html = None;
                    }
                    i += 1;
                    continue;
                }
                Html::UntilBlank => {
                    if blank {
                        html = None;
                    } else {
                        kinds.push(LineKind::Text);
                        i += 1;
                        continue;
                    }
                }
            }
        }

        if blank {
            kinds.push(LineKind::Blank);
            in_table = false;
            in_paragraph = false;
            i += 1;
            continue;
        }

        // Fence openers: at most 3 columns in, or inside a list item's content.
        let in_list_range = list_indent.is_some_and(|w| cols >= w && cols <= w + 3);
        if cols <= 3 || in_list_range {
            if let Some((ch, len, info)) = fence_open(rest) {
                let container = if cols <= 3 && !in_list_range {
                    0
                } else {
                    list_indent.unwrap_or(0)
                };
                fence = Some(Fence {
                    ch,
                    len,
                    container,
                    content: fence_content_kind(info),
                });
                if container == 0 {
                    list_indent = None;
                }
                kinds.push(LineKind::Fence);
                in_table = false;
                in_paragraph = false;
                i += 1;
                continue;
            }
        }

        if cols <= 3 {
            if rest.starts_with('>') {
                // Block quotes are read as text.
                kinds.push(LineKind::Text);
                in_table = false;
                in_paragraph = true;
                i += 1;
                continue;
            }
            if let Some(level) = atx_level(line) {
                kinds.push(LineKind::Heading(level));
                in_table = false;
                in_paragraph = false;
                list_indent = None;
                i += 1;
                continue;
            }
            if let Some(h) = html_start(rest, in_paragraph) {
                html = Some(h);
                in_table = false;
                in_paragraph = false;
                match h {
                    Html::Comment => {
                        kinds.push(LineKind::Comment);
                        if rest[4..].contains("-->") {
                            html = None;
                        }
                    }
                    Html::Raw(close) => {
                        kinds.push(LineKind::Text);
                        if rest.to_ascii_lowercase().contains(close) {
                            html = None;
                        }
                    }
                    Html::UntilBlank => kinds.push(LineKind::Text),
                }
                i += 1;
                continue;
            }
        }

        if in_table {
            if cols <= 3 && list_marker(rest).is_some() {
                in_table = false;
            } else {
                kinds.push(LineKind::TableRow);
                i += 1;
                continue;
            }
        }

        // Table header: this line with cells, then a delimiter row with the same cell count.
        if cols <= 3 && could_be_table_header(line) {
            if let Some(next) = lines.get(i + 1) {
                if let Some(n) = is_delimiter_row(next) {
                    if n == table_cells(line).len() {
                        kinds.push(LineKind::TableHeader);
                        kinds.push(LineKind::TableDelimiter);
                        in_table = true;
                        in_paragraph = false;
                        i += 2;
                        continue;
                    }
                }
            }
        }

        // List items: remember the content indentation for nested fences.
        if let Some(off) = list_marker(rest) {
            list_indent = Some(cols + off);
            let item = &rest[off..];
            if let Some((ch, len, info)) = fence_open(item) {
                fence = Some(Fence {
                    ch,
                    len,
                    container: cols + off,
                    content: fence_content_kind(info),
                });
                kinds.push(LineKind::Fence);
                in_paragraph = false;
                i += 1;
                continue;
            }
            in_paragraph = true;
        } else if cols == 0 {
            if !in_paragraph {
                list_indent = None;
            }
            in_paragraph = true;
        } else {
            in_paragraph = true;
        }
        kinds.push(LineKind::Text);
        i += 1;
    }
    kinds
}

//! Trace-ID tokens inside one line of text.
//!
//! An ID is `PREFIX-NUMBER` (spec §1): the prefix is one or more segments of an uppercase letter
//! followed by 1–9 uppercase letters or digits, joined by `-` (compound prefixes such as
//! `BR-FEA`); the number is 1–6 digits, or `X`s in a template placeholder (`DEP-XXX`).
//! Tokens inside inline code spans and HTML comments are masked out before scanning.

use super::Span;

/// Maximum length of one prefix segment and of a whole compound prefix.
const MAX_SEGMENT: usize = 10;
const MAX_PREFIX: usize = 32;

/// An ID-shaped token found in a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawId {
    /// Byte span of the token in the document.
    pub span: Span,
    /// Length in bytes of the prefix (without the final `-`).
    pub prefix_len: usize,
    /// `DEP-XXX` style template placeholder.
    pub placeholder: bool,
    /// When the token is the text of a Markdown link `[ID](dest)`: the span of the whole link and
    /// its destination.
    pub link: Option<(Span, String)>,
}

/// Scans `line` (whose first byte sits at document offset `base`) for ID-shaped tokens.
/// `mask[i]` true means byte `i` of the line is inside a code span or comment and is skipped.
pub fn scan_ids(line: &str, base: usize, mask: &[bool]) -> Vec<RawId> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    // Every ID has a `-` after its prefix: most prose lines are skipped with one memchr.
    if memchr::memchr(b'-', bytes).is_none() {
        return out;
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !b.is_ascii_uppercase() || mask.get(i).copied().unwrap_or(false) {
            i += 1;
            continue;
        }
        // Token must start at a boundary.
        if i > 0 {
            let p = bytes[i - 1];
            let prev_alnum = p >= 0x80
                && line[..i]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric);
            if p.is_ascii_alphanumeric() || p == b'_' || p == b'-' || prev_alnum {
                i += 1;
                continue;
            }
        }
        match match_id(bytes, i) {
            Some((end, prefix_len, placeholder)) => {
                let masked = mask[i..end].iter().any(|m| *m);
                if !masked {
                    out.push(RawId {
                        span: base + i..base + end,
                        prefix_len,
                        placeholder,
                        link: None,
                    });
                }
                i = end;
            }
            None => {
                // Skip the rest of this word.
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
            }
        }
    }
    if !out.is_empty() {
        // IDs inside a link's destination or a bare URL are part of an address, not mentions
        // (`[ticket](https://jira/browse/DEP-123)`, `(epics/EPIC-03-later.md#EPIC-03)`).
        let dests = attach_links(line, base, mask, &mut out);
        out.retain(|r| {
            let i = r.span.start - base;
            !dests.iter().any(|d| d.contains(&i)) && !in_bare_url(line, i)
        });
    }
    out
}

/// Is byte `i` of `line` inside a URL written without link syntax (`https://…/DEP-123`)?
fn in_bare_url(line: &str, i: usize) -> bool {
    let word_start = line[..i]
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || matches!(c, '(' | '<' | '['))
        .map_or(0, |(p, c)| p + c.len_utf8());
    line[word_start..i].contains("://")
}

/// Matches an ID starting at `start`; returns (end, prefix_len, placeholder).
fn match_id(b: &[u8], start: usize) -> Option<(usize, usize, bool)> {
    let mut i = start;
    loop {
        // One prefix segment.
        if i >= b.len() || !b[i].is_ascii_uppercase() {
            return None;
        }
        let seg_start = i;
        i += 1;
        while i < b.len() && (b[i].is_ascii_uppercase() || b[i].is_ascii_digit()) {
            i += 1;
        }
        let seg_len = i - seg_start;
        if !(2..=MAX_SEGMENT).contains(&seg_len) || i - start > MAX_PREFIX {
            return None;
        }
        if i >= b.len() || b[i] != b'-' {
            return None;
        }
        let prefix_end = i;
        i += 1;
        // Number, placeholder, or another prefix segment.
        let num_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let digits = i - num_start;
        if digits > 0 {
            if digits > 6 || !is_end_boundary(b, i) {
                return None;
            }
            return Some((i, prefix_end - start, false));
        }
        while i < b.len() && b[i] == b'X' {
            i += 1;
        }
        let xs = i - num_start;
        if xs > 0 && xs <= 6 && is_end_boundary(b, i) {
            return Some((i, prefix_end - start, true));
        }
        // Compound prefix: continue with the next segment.
        i = num_start;
    }
}

fn is_end_boundary(b: &[u8], i: usize) -> bool {
    match b.get(i) {
        None => true,
        Some(&c) if c >= 0x80 => {
            // Decode the next char: letters and digits of any script glue on.
            let tail = &b[i..b.len().min(i + 4)];
            let ch = (1..=tail.len())
                .find_map(|n| std::str::from_utf8(&tail[..n]).ok())
                .and_then(|s| s.chars().next());
            !ch.is_some_and(char::is_alphanumeric)
        }
        Some(&c) => !(c.is_ascii_alphanumeric() || c == b'_'),
    }
}

/// Marks IDs that are the text of an inline Markdown link `[ID](dest)` (or `[ID title](dest)`).
/// Returns the byte ranges (within `line`) of every link destination, `(` and `)` excluded.
fn attach_links(
    line: &str,
    base: usize,
    mask: &[bool],
    ids: &mut [RawId],
) -> Vec<std::ops::Range<usize>> {
    let b = line.as_bytes();
    let mut dests = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'[' || mask.get(i).copied().unwrap_or(false) || (i > 0 && b[i - 1] == b'\\') {
            i += 1;
            continue;
        }
        // Find the matching `]` (no nesting) followed by `(`.
        let Some(close) = b[i + 1..].iter().position(|&c| c == b']' || c == b'[') else {
            break;
        };
        let close = i + 1 + close;
        if b[close] == b'[' {
            i = close;
            continue;
        }
        if b.get(close + 1) != Some(&b'(') {
            i = close + 1;
            continue;
        }
        let Some(paren) = b[close + 2..].iter().position(|&c| c == b')') else {
            i = close + 1;
            continue;
        };
        let paren = close + 2 + paren;
        dests.push(close + 2..paren);
        let dest = line[close + 2..paren].trim();
        // A title after the destination: `(path "title")`.
        let dest = dest
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_matches(['<', '>']);
        let text_span = base + i + 1..base + close;
        let whole = base + i..base + paren + 1;
        for id in ids.iter_mut() {
            if id.span.start >= text_span.start && id.span.end <= text_span.end {
                id.link = Some((whole.clone(), dest.to_string()));
            }
        }
        i = paren + 1;
    }
    dests
}

/// Inline state carried from one line to the next (an HTML comment may span lines).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InlineState {
    pub in_comment: bool,
}

/// Computes the mask of bytes inside code spans and HTML comments for one line.
/// Returns the mask and the state for the next line.
pub fn inline_mask(line: &str, state: InlineState, mask: &mut Vec<bool>) -> InlineState {
    mask_line(line, state, mask, true)
}

/// [`inline_mask`] without the code spans: only HTML comments are masked. A link-list field
/// reads IDs in code spans (`` Linked IDs: `TEST-001`, `API-002` ``).
pub fn comment_mask(line: &str, state: InlineState, mask: &mut Vec<bool>) -> InlineState {
    mask_line(line, state, mask, false)
}

fn mask_line(line: &str, state: InlineState, mask: &mut Vec<bool>, code: bool) -> InlineState {
    let b = line.as_bytes();
    mask.clear();
    mask.resize(b.len(), false);
    // Nothing is masked without a backtick or `<` (a backslash only escapes those).
    if !state.in_comment && memchr::memchr2(b'`', b'<', b).is_none() {
        return state;
    }
    let mut in_comment = state.in_comment;
    let mut i = 0;
    while i < b.len() {
        if in_comment {
            match find(b, i, b"-->") {
                Some(end) => {
                    mask[i..end + 3].iter_mut().for_each(|m| *m = true);
                    i = end + 3;
                    in_comment = false;
                }
                None => {
                    mask[i..].iter_mut().for_each(|m| *m = true);
                    return InlineState { in_comment: true };
                }
            }
            continue;
        }
        match b[i] {
            b'\\' => i += 2,
            b'<' if b[i..].starts_with(b"<!--") => {
                mask[i..i + 4].iter_mut().for_each(|m| *m = true);
                i += 4;
                in_comment = true;
            }
            b'`' => {
                let run_start = i;
                while i < b.len() && b[i] == b'`' {
                    i += 1;
                }
                let run = i - run_start;
                // Find a closing run of exactly the same length.
                let mut j = i;
                let mut closed = None;
                while j < b.len() {
                    if b[j] == b'`' {
                        let s = j;
                        while j < b.len() && b[j] == b'`' {
                            j += 1;
                        }
                        if j - s == run {
                            closed = Some(j);
                            break;
                        }
                    } else {
                        j += 1;
                    }
                }
                if let Some(end) = closed {
                    if code {
                        mask[run_start..end].iter_mut().for_each(|m| *m = true);
                    }
                    i = end;
                }
            }
            _ => i += 1,
        }
    }
    InlineState { in_comment }
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(line: &str) -> Vec<&str> {
        let mut mask = Vec::new();
        inline_mask(line, InlineState::default(), &mut mask);
        scan_ids(line, 0, &mask)
            .into_iter()
            .map(|r| &line[r.span])
            .collect()
    }

    #[test]
    fn finds_simple_compound_and_placeholder_ids() {
        assert_eq!(
            ids("See DEP-001, BR-FEA-001 and DEP-XXX."),
            ["DEP-001", "BR-FEA-001", "DEP-XXX"]
        );
        assert_eq!(ids("EPIC-01 Foundations"), ["EPIC-01"]);
    }

    #[test]
    fn rejects_non_ids() {
        assert!(ids("DEP-1234567 xDEP-001 DEP-001a D-001 dep-001").is_empty());
        assert!(ids("`DEP-001` <!-- DEP-002 -->").is_empty());
    }

    #[test]
    fn ranges_tokenise_into_two_ids() {
        assert_eq!(ids("TEST-001..TEST-050"), ["TEST-001", "TEST-050"]);
        assert_eq!(ids("TEST-001–TEST-050"), ["TEST-001", "TEST-050"]);
    }

    #[test]
    fn link_text_ids_carry_destination() {
        let line = "- [API-001](SoT.API_CONTRACTS.md#api-001) - create";
        let mut mask = Vec::new();
        inline_mask(line, InlineState::default(), &mut mask);
        let r = scan_ids(line, 0, &mask);
        assert_eq!(r.len(), 1);
        let (whole, dest) = r[0].link.clone().unwrap();
        assert_eq!(dest, "SoT.API_CONTRACTS.md#api-001");
        assert_eq!(&line[whole], "[API-001](SoT.API_CONTRACTS.md#api-001)");
    }

    #[test]
    fn comment_state_spans_lines() {
        let mut mask = Vec::new();
        let st = inline_mask("text <!-- start DEP-001", InlineState::default(), &mut mask);
        assert!(st.in_comment);
        let st2 = inline_mask("DEP-002 --> DEP-003", st, &mut mask);
        assert!(!st2.in_comment);
        assert_eq!(scan_ids("DEP-002 --> DEP-003", 0, &mask).len(), 1);
    }
}

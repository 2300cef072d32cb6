//! Inline suppressions, markdownlint / rumdl style, read from HTML comment lines:
//!
//! - `<!-- dep-ls-disable-next-line CODE[, CODE] -->`: the findings starting on the next line;
//! - `<!-- dep-ls-disable CODE -->` … `<!-- dep-ls-enable CODE -->`: the findings between;
//! - `<!-- dep-ls-disable-file CODE -->`: the whole file.
//!
//! Without a code a directive covers every code. Codes are separated by commas or spaces.
//! Directives are recorded at extraction ([`ParsedDoc::suppressions`], one per comment line, in
//! document order) and applied to findings in one place, `check::suppress::apply`, which both
//! `dep-ls check` and the server use.
//!
//! [`ParsedDoc::suppressions`]: super::ParsedDoc::suppressions

use super::{Span, Str};
use serde::Serialize;

/// What a directive does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum DirectiveKind {
    /// `dep-ls-disable-next-line`.
    NextLine,
    /// `dep-ls-disable`: from here on (to a matching `dep-ls-enable`).
    Disable,
    /// `dep-ls-enable`.
    Enable,
    /// `dep-ls-disable-file`.
    File,
}

/// One suppression comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Directive {
    pub kind: DirectiveKind,
    /// The comment line's content (document offsets).
    pub line: Span,
    /// `NextLine`: the next line's content (empty at the end of the text); otherwise `line`.
    pub target: Span,
    /// The codes as written, with their spans; empty: every code.
    pub codes: Vec<(Str, Span)>,
}

impl Directive {
    /// Does it name this code (or every code)?
    pub fn covers(&self, code: &str) -> bool {
        self.codes.is_empty() || self.codes.iter().any(|(c, _)| c == code)
    }

    /// Moves every offset by `delta` (an edit before it).
    pub fn shift(&mut self, delta: isize) {
        let mv = |x: usize| (x as isize + delta).max(0) as usize;
        let sh = |s: &mut Span| *s = mv(s.start)..mv(s.end);
        sh(&mut self.line);
        sh(&mut self.target);
        for (_, s) in &mut self.codes {
            sh(s);
        }
    }
}

const PREFIX: &str = "dep-ls-";

/// Reads a directive from an HTML comment line `line` (or a line of a plain fence, where the
/// guide writes entries), whose content starts at `start` in `text`; pushes it to `out` and
/// says whether it did. Lines that are not a whole `<!-- dep-ls-… -->` comment are ignored.
pub fn scan_line(text: &str, line: &str, start: usize, out: &mut Vec<Directive>) -> bool {
    let lead = line.len() - line.trim_start().len();
    let t = &line[lead..];
    let Some(rest) = t.strip_prefix("<!--") else {
        return false;
    };
    // The comment is the whole line: nothing but blanks after `-->`.
    let Some(close) = rest.find("-->") else {
        return false;
    };
    if !rest[close + 3..].trim().is_empty() {
        return false;
    }
    let body = &rest[..close];
    let body_start = start + lead + 4;
    let trimmed = body.trim_start();
    let Some(after) = trimmed.strip_prefix(PREFIX) else {
        return false;
    };
    let mut kind = None;
    let mut words = after;
    for (name, k) in [
        ("disable-next-line", DirectiveKind::NextLine),
        ("disable-file", DirectiveKind::File),
        ("disable", DirectiveKind::Disable),
        ("enable", DirectiveKind::Enable),
    ] {
        if let Some(r) = after.strip_prefix(name) {
            if r.is_empty() || r.starts_with(|c: char| c.is_whitespace() || c == ',') {
                kind = Some(k);
                words = r;
                break;
            }
        }
    }
    let Some(kind) = kind else {
        return false;
    };
    // Codes: split at commas and whitespace, with their document spans.
    let words_start = body_start + (body.len() - words.len());
    let mut codes = Vec::new();
    let mut i = 0;
    let b = words.as_bytes();
    while i < b.len() {
        if b[i] == b',' || b[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let s = i;
        while i < b.len() && b[i] != b',' && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        // Split at ASCII bytes only: `s..i` are char boundaries.
        if let Some(w) = words.get(s..i) {
            codes.push((Str::from(w), words_start + s..words_start + i));
        }
    }
    let end = start + line.len();
    let target = match kind {
        DirectiveKind::NextLine => next_line(text, end),
        _ => start..end,
    };
    out.push(Directive {
        kind,
        line: start..end,
        target,
        codes,
    });
    true
}

/// The content of the line after the one whose content ends at `end`.
fn next_line(text: &str, end: usize) -> Span {
    let b = text.as_bytes();
    let mut s = end;
    match b.get(s) {
        Some(b'\r') if b.get(s + 1) == Some(&b'\n') => s += 2,
        Some(b'\r') | Some(b'\n') => s += 1,
        _ => return text.len()..text.len(),
    }
    let e = b[s..]
        .iter()
        .position(|&c| c == b'\n' || c == b'\r')
        .map_or(b.len(), |p| s + p);
    s..e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str) -> Vec<Directive> {
        let mut out = Vec::new();
        for (s, e, _) in crate::text::line_spans(text) {
            let _ = scan_line(text, &text[s..e], s, &mut out);
        }
        out
    }

    #[test]
    fn reads_every_form() {
        let text = "<!-- dep-ls-disable-next-line missing-owner, unknown-field -->\nDEP-001: A\n  <!--dep-ls-disable-->\n<!-- dep-ls-enable missing-owner -->\n<!-- dep-ls-disable-file -->";
        let d = scan(text);
        assert_eq!(d.len(), 4);
        assert_eq!(d[0].kind, DirectiveKind::NextLine);
        let codes: Vec<&str> = d[0].codes.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(codes, ["missing-owner", "unknown-field"]);
        assert_eq!(&text[d[0].codes[1].1.clone()], "unknown-field");
        assert_eq!(&text[d[0].target.clone()], "DEP-001: A");
        assert_eq!(d[1].kind, DirectiveKind::Disable);
        assert!(d[1].codes.is_empty());
        assert_eq!(d[2].kind, DirectiveKind::Enable);
        assert_eq!(d[3].kind, DirectiveKind::File);
        assert!(d[3].covers("anything"));
        assert!(!d[2].covers("unknown-field"));
    }

    #[test]
    fn ignores_other_comments() {
        for t in [
            "<!-- a note -->",
            "<!-- dep-ls-disabled x -->",
            "<!-- dep-ls-disable x",
            "text <!-- dep-ls-disable x -->",
            "<!-- markdownlint-disable MD013 -->",
            "<!-- dep-ls-disable x --> and text",
        ] {
            assert!(scan(t).is_empty(), "{t}");
        }
    }

    #[test]
    fn next_line_at_the_end_and_with_crlf() {
        let d = scan("<!-- dep-ls-disable-next-line -->");
        assert_eq!(d[0].target, 33..33);
        let text = "<!-- dep-ls-disable-next-line -->\r\nDEP-001: X\r\n";
        let d = scan(text);
        assert_eq!(&text[d[0].target.clone()], "DEP-001: X");
    }
}

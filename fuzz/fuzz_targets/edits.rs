//! Incremental editing on arbitrary edit sequences: after every change an open `Document`
//! equals a from-scratch parse of its text (tree-sitter line kinds and the extracted model, as
//! `tests/engine/incremental.rs` compares), its rope equals its string, and the text equals the old
//! text spliced at the span `LineIndex` (the `&str` position path) gives for the same range.
//! Ranges come in every position encoding, include positions inside a CRLF or a surrogate pair
//! (UTF-16) or a multi-byte character (UTF-8), reversed ranges and positions past the end.
//!
//! Structure-aware half: when the first byte is ≥ 0x80, the next byte `n` and the `n` bytes
//! after it are choice bytes for the grammar-aware generator (`dep_ls::gen::document`), which
//! writes the starting document; otherwise the first byte counts the `PIECES` it is made of.
//! Inserted texts come from `PIECES`, raw characters, or the generator (`gen::snippet`).
#![no_main]

use dep_ls::document::{Change, Document};
use dep_ls::syntax::{parse_tree, tree, Prefixes};
use dep_ls::text::{LineIndex, Position, PositionEncoding, Range};
use libfuzzer_sys::fuzz_target;

const PIECES: &[&str] = &[
    "## DEP-001: Production environment\n",
    "DEP-003: Error rate rollback\n",
    "Type: Rollback\n",
    "**Stage:** Post-deploy\n",
    "Threshold: >2% of requests for 5 minutes\n",
    "Configuration:\n  - NODE_ENV=production\n",
    "Linked IDs: MON-001, RUN-005, TEST-001 to TEST-050\n",
    "### Related IDs\n- [API-001](SoT.API.md#api-001)\n",
    "```\n",
    "~~~text\nDEP-010: In a fence\n~~~\n",
    "| ID | Title |\n|---|---|\n| TEST-001 | Login |\n",
    "<!-- DEP-011: hidden\n-->\n",
    "Prose API-002 `DEP-012` <!-- RUN-001 -->\n",
    "> quoted DEP-014: text\n",
    "😀 DEP-015: 中文\r\n",
    "\r\n",
    "\r",
    "\n",
    "😀",
    "é",
    "`",
    "#",
    "- ",
    ":",
    " ",
    "DEP-0",
    "**",
    "---\n",
    "    indented\n",
    "",
];

struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
}

/// A coordinate: mostly small (inside the text), sometimes far past the end.
fn coord(b: u8, small: u32) -> u32 {
    match b {
        255 => u32::MAX,
        254 => 1 << 20,
        250..=253 => 1000,
        _ => u32::from(b) % small,
    }
}

fn check(doc: &Document, prefixes: &Prefixes) {
    let text = doc.text();
    assert_eq!(doc.rope().to_string(), text, "rope and string differ");
    let kinds = tree::classify(text);
    assert_eq!(doc.kinds(), &kinds[..], "kinds differ for {text:?}");
    let fresh = parse_tree(text, prefixes);
    assert_eq!(&**doc.parsed(), &fresh, "parsed differs for {text:?}");
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let prefixes = Prefixes::default();
    let Some(n) = b.byte() else { return };
    let mut text = String::new();
    if n >= 0x80 {
        let len = usize::from(b.byte().unwrap_or(0)).min(b.0.len());
        let (choices, rest) = b.0.split_at(len);
        text = dep_ls::gen::document(choices);
        b.0 = rest;
    } else {
        for _ in 0..(n % 24) {
            let Some(i) = b.byte() else { break };
            text.push_str(PIECES[usize::from(i) % PIECES.len()]);
        }
    }
    let mut doc = Document::new(text, 0, &prefixes);
    check(&doc, &prefixes);
    let mut version = 0;
    while let (Some(a), Some(c), Some(d), Some(e), Some(t), Some(m)) =
        (b.byte(), b.byte(), b.byte(), b.byte(), b.byte(), b.byte())
    {
        let enc = match m % 3 {
            0 => PositionEncoding::Utf8,
            1 => PositionEncoding::Utf16,
            _ => PositionEncoding::Utf32,
        };
        let start = Position {
            line: coord(a, 48),
            character: coord(c, 40),
        };
        let end = if d & 0x80 == 0 {
            // Usually a forward range near the start.
            Position {
                line: start.line.saturating_add(u32::from(d % 3)),
                character: coord(e, 40),
            }
        } else {
            Position {
                line: coord(d & 0x7f, 48),
                character: coord(e, 40),
            }
        };
        let new_text = match t {
            0xE0..=0xEF => {
                dep_ls::gen::snippet(&mut dep_ls::gen::Choices::new(&[t, a, c, d, e, m]))
            }
            0xF0..=0xFF => {
                // A few raw characters: line breaks, surrogate-pair and multi-byte characters.
                let mut s = String::new();
                for k in 0..(t & 0x0F) {
                    s.push(['\r', '\n', '😀', 'é', 'D', '-', '1', ' '][usize::from(k ^ m) % 8]);
                }
                s
            }
            _ => PIECES[usize::from(t) % PIECES.len()].to_string(),
        };
        let full = m >= 0xFC;
        let range = Range { start, end };
        let old = doc.text().to_string();
        let expected = if full {
            new_text.clone()
        } else {
            let span = LineIndex::new(&old).span(&old, range, enc);
            let mut s = old.clone();
            s.replace_range(span, &new_text);
            s
        };
        version += 1;
        let change = Change {
            range: (!full).then_some(range),
            text: new_text,
        };
        let before = std::sync::Arc::clone(doc.parsed());
        let ids_changed = doc.apply(std::slice::from_ref(&change), enc, &prefixes);
        doc.version = version;
        assert_eq!(doc.text(), expected, "edit {range:?} ({enc:?}) on {old:?}");
        check(&doc, &prefixes);
        if !ids_changed {
            assert!(
                dep_ls::index::same_ids(&before, doc.parsed()),
                "IDs changed but the edit did not report it"
            );
        }
    }
});

//! Tests for `dep_ls::text`: position encodings, line handling, rope/str agreement,
//! tree-sitter points and applying LSP content changes.

use dep_ls::text::*;
use proptest::prelude::*;
use ropey::Rope;
use tree_sitter::{InputEdit, Point};

use PositionEncoding::{Utf16, Utf32, Utf8};

const ENCODINGS: [PositionEncoding; 3] = [Utf8, Utf16, Utf32];

fn pos(line: u32, character: u32) -> Position {
    Position::new(line, character)
}

fn range(l0: u32, c0: u32, l1: u32, c1: u32) -> Range {
    Range::new(pos(l0, c0), pos(l1, c1))
}

// ---------------------------------------------------------------------------------------------
// An independent, deliberately naive reference implementation: scans the text char by char from
// the start every time.
// ---------------------------------------------------------------------------------------------

/// (content_start, content_end) of every line, splitting on "\r\n", "\n" and lone "\r".
fn oracle_lines(text: &str) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\n' => {
                lines.push((start, i));
                start = i + 1;
            }
            '\r' => {
                lines.push((start, i));
                if let Some(&(_, '\n')) = chars.peek() {
                    chars.next();
                    start = i + 2;
                } else {
                    start = i + 1;
                }
            }
            _ => {}
        }
    }
    lines.push((start, text.len()));
    lines
}

fn units(c: char, enc: PositionEncoding) -> usize {
    match enc {
        Utf8 => c.len_utf8(),
        Utf16 => c.len_utf16(),
        Utf32 => 1,
    }
}

fn oracle_position(text: &str, offset: usize, enc: PositionEncoding) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let lines = oracle_lines(text);
    let (line, &(start, end)) = lines
        .iter()
        .enumerate()
        .rev()
        .find(|(_, (s, _))| *s <= offset)
        .unwrap();
    let offset = offset.min(end);
    let character: usize = text[start..offset].chars().map(|c| units(c, enc)).sum();
    pos(line as u32, character as u32)
}

fn oracle_offset(text: &str, p: Position, enc: PositionEncoding) -> usize {
    let lines = oracle_lines(text);
    let Some(&(start, end)) = lines.get(p.line as usize) else {
        return text.len();
    };
    let mut acc = 0usize;
    for (i, c) in text[start..end].char_indices() {
        if acc + units(c, enc) > p.character as usize {
            return start + i;
        }
        acc += units(c, enc);
    }
    end
}

fn oracle_ts_point(text: &str, offset: usize) -> Point {
    let bytes = &text.as_bytes()[..offset.min(text.len())];
    let row = bytes.iter().filter(|&&b| b == b'\n').count();
    let col = match bytes.iter().rposition(|&b| b == b'\n') {
        Some(i) => bytes.len() - i - 1,
        None => bytes.len(),
    };
    Point::new(row, col)
}

/// Checks every conversion of `text` against the oracle and the rope version against the str
/// version, for every byte offset (and a few past the end), every encoding, and a grid of
/// positions.
fn check_text(text: &str) {
    let index = LineIndex::new(text);
    let rope = Rope::from_str(text);
    let lines = oracle_lines(text);

    assert_eq!(index.line_count(), lines.len(), "line_count of {text:?}");
    assert_eq!(rope.len_lines(), lines.len(), "rope lines of {text:?}");
    let spans: Vec<_> = line_spans(text).map(|(s, e, _)| (s, e)).collect();
    assert_eq!(spans, lines, "line_spans of {text:?}");
    let full_spans: Vec<_> = line_spans(text).collect();
    for (i, &(s, e)) in lines.iter().enumerate() {
        assert_eq!(index.line_start(i), s);
        assert_eq!(index.line_end(i), e);
        assert_eq!(rope.line_to_byte(i), s, "rope line start {i} of {text:?}");
    }

    for offset in 0..=text.len() + 3 {
        let clamped = offset.min(text.len());
        let expected_point = oracle_ts_point(text, offset);
        assert_eq!(
            ts_point_str(text, offset),
            expected_point,
            "ts_point_str({text:?}, {offset})"
        );
        assert_eq!(
            ts_point_rope(&rope, offset),
            expected_point,
            "ts_point_rope({text:?}, {offset})"
        );
        assert_eq!(
            index.ts_point(text, offset),
            expected_point,
            "LineIndex::ts_point({text:?}, {offset})"
        );
        let line = index.line_of(offset);
        assert!(index.line_start(line) <= clamped);

        for enc in ENCODINGS {
            let expected = oracle_position(text, offset, enc);
            let p = index.position(text, offset, enc);
            assert_eq!(p, expected, "position({text:?}, {offset}, {enc:?})");
            assert_eq!(
                rope_position(&rope, offset, enc),
                expected,
                "rope_position({text:?}, {offset}, {enc:?})"
            );
            assert_eq!(
                spans_position(text, &full_spans, offset, enc),
                expected,
                "spans_position({text:?}, {offset}, {enc:?})"
            );
            for near in 0..=full_spans.len() + 1 {
                let mut n = near;
                assert_eq!(
                    spans_position_near(text, &full_spans, offset, enc, &mut n),
                    expected,
                    "spans_position_near({text:?}, {offset}, {enc:?}, {near})"
                );
                assert_eq!(
                    n as u32, expected.line,
                    "the search ends on the offset's line"
                );
            }

            // Round trip for char-boundary offsets that are not inside a line break.
            let (s, e) = lines[p.line as usize];
            if text.is_char_boundary(clamped) && (s..=e).contains(&clamped) {
                assert_eq!(
                    index.offset(text, p, enc),
                    clamped,
                    "round trip {text:?} {offset} {enc:?}"
                );
                assert_eq!(
                    rope_offset(&rope, p, enc),
                    clamped,
                    "rope round trip {text:?} {offset} {enc:?}"
                );
            }
        }
    }

    for line in 0..lines.len() as u32 + 2 {
        for character in (0..12).chain([100, u32::MAX]) {
            let p = pos(line, character);
            for enc in ENCODINGS {
                let expected = oracle_offset(text, p, enc);
                let o = index.offset(text, p, enc);
                assert_eq!(o, expected, "offset({text:?}, {p:?}, {enc:?})");
                assert_eq!(
                    rope_offset(&rope, p, enc),
                    expected,
                    "rope_offset({text:?}, {p:?}, {enc:?})"
                );
                // The offset is a fixed point of position -> offset.
                let back = index.position(text, o, enc);
                assert_eq!(index.offset(text, back, enc), o);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Encodings and plain data types
// ---------------------------------------------------------------------------------------------

#[test]
fn encoding_names() {
    assert_eq!(PositionEncoding::default(), Utf16);
    for enc in ENCODINGS {
        assert_eq!(PositionEncoding::from_lsp_name(enc.as_str()), Some(enc));
    }
    assert_eq!(Utf8.as_str(), "utf-8");
    assert_eq!(Utf16.as_str(), "utf-16");
    assert_eq!(Utf32.as_str(), "utf-32");
    assert_eq!(PositionEncoding::from_lsp_name("UTF-8"), Some(Utf8));
    assert_eq!(PositionEncoding::from_lsp_name("utf8"), None);
    assert_eq!(PositionEncoding::from_lsp_name(""), None);

    assert_eq!(serde_json::to_string(&Utf8).unwrap(), "\"utf8\"");
    assert_eq!(
        serde_json::from_str::<PositionEncoding>("\"utf32\"").unwrap(),
        Utf32
    );

    assert_eq!(PositionEncoding::negotiate(["utf-32", "utf-8"]), Utf8);
    assert_eq!(PositionEncoding::negotiate(["utf-32"]), Utf16);
    assert_eq!(PositionEncoding::negotiate(Vec::<String>::new()), Utf16);
}

#[test]
fn position_order_and_serde() {
    assert!(pos(0, 9) < pos(1, 0));
    assert!(pos(1, 2) < pos(1, 3));
    assert_eq!(range(2, 0, 1, 5).normalized(), range(1, 5, 2, 0));
    let json = serde_json::to_string(&range(1, 2, 3, 4)).unwrap();
    assert_eq!(
        json,
        r#"{"start":{"line":1,"character":2},"end":{"line":3,"character":4}}"#
    );
    assert_eq!(
        serde_json::from_str::<Range>(&json).unwrap(),
        range(1, 2, 3, 4)
    );
}

// ---------------------------------------------------------------------------------------------
// line_spans
// ---------------------------------------------------------------------------------------------

#[test]
fn line_spans_cases() {
    let spans = |t: &str| line_spans(t).collect::<Vec<_>>();
    assert_eq!(spans(""), [(0, 0, 0)]);
    assert_eq!(spans("abc"), [(0, 3, 3)]);
    assert_eq!(spans("a\n"), [(0, 1, 2), (2, 2, 2)]);
    assert_eq!(spans("a\r\n"), [(0, 1, 3), (3, 3, 3)]);
    assert_eq!(spans("a\r"), [(0, 1, 2), (2, 2, 2)]);
    assert_eq!(
        spans("ab\r\ncd\ref\n\r\n\n\r"),
        [
            (0, 2, 4),
            (4, 6, 7),
            (7, 9, 10),
            (10, 10, 12),
            (12, 12, 13),
            (13, 13, 14),
            (14, 14, 14)
        ]
    );
    // "\n\r" is two breaks, not one.
    assert_eq!(spans("\n\r"), [(0, 0, 1), (1, 1, 2), (2, 2, 2)]);
}

#[test]
fn rope_lines_match_line_spans_for_unicode_separators() {
    // Guards against ropey's `unicode_lines` feature being switched on by feature unification:
    // VT, FF, NEL, LS and PS must NOT be line breaks.
    let text = "a\u{0B}b\u{0C}c\u{85}d\u{2028}e\u{2029}f\r\ng";
    let rope = Rope::from_str(text);
    assert_eq!(rope.len_lines(), 2);
    assert_eq!(line_spans(text).count(), 2);
    check_text(text);
}

// ---------------------------------------------------------------------------------------------
// Conversions on concrete texts
// ---------------------------------------------------------------------------------------------

#[test]
fn ascii() {
    let text = "hello\nworld\n";
    let idx = LineIndex::new(text);
    assert_eq!(idx.line_count(), 3);
    for enc in ENCODINGS {
        assert_eq!(idx.position(text, 0, enc), pos(0, 0));
        assert_eq!(idx.position(text, 5, enc), pos(0, 5));
        assert_eq!(idx.position(text, 6, enc), pos(1, 0));
        assert_eq!(idx.position(text, 9, enc), pos(1, 3));
        assert_eq!(idx.position(text, 12, enc), pos(2, 0));
        assert_eq!(idx.position(text, 500, enc), pos(2, 0));
        assert_eq!(idx.offset(text, pos(1, 3), enc), 9);
        assert_eq!(idx.offset(text, pos(0, 77), enc), 5);
        assert_eq!(idx.offset(text, pos(2, 0), enc), 12);
        assert_eq!(idx.offset(text, pos(3, 0), enc), 12);
        assert_eq!(idx.range(text, 2..8, enc), range(0, 2, 1, 2));
    }
    assert_eq!(idx.line_of(0), 0);
    assert_eq!(idx.line_of(5), 0); // the '\n' belongs to line 0
    assert_eq!(idx.line_of(6), 1);
    assert_eq!(idx.line_of(12), 2);
    assert_eq!(idx.line_of(99), 2);
    assert_eq!(idx.line_start(1), 6);
    assert_eq!(idx.line_start(99), text.len());
    check_text(text);
}

#[test]
fn crlf() {
    let text = "ab\r\ncd\r\nef";
    let idx = LineIndex::new(text);
    let rope = Rope::from_str(text);
    assert_eq!(idx.line_count(), 3);
    assert_eq!(rope.len_lines(), 3);
    for enc in ENCODINGS {
        // Line 2+.
        assert_eq!(idx.position(text, 5, enc), pos(1, 1));
        assert_eq!(idx.position(text, 9, enc), pos(2, 1));
        assert_eq!(idx.offset(text, pos(2, 1), enc), 9);
        assert_eq!(idx.offset(text, pos(1, 2), enc), 6);
        // On the '\r' and on the '\n' of "\r\n": the end of the content.
        assert_eq!(idx.position(text, 2, enc), pos(0, 2));
        assert_eq!(idx.position(text, 3, enc), pos(0, 2));
        assert_eq!(idx.position(text, 7, enc), pos(1, 2));
        assert_eq!(rope_position(&rope, 3, enc), pos(0, 2));
        assert_eq!(rope_position(&rope, 7, enc), pos(1, 2));
        // Past EOL clamps before "\r\n".
        assert_eq!(idx.offset(text, pos(0, 3), enc), 2);
        assert_eq!(idx.offset(text, pos(1, 50), enc), 6);
        assert_eq!(rope_offset(&rope, pos(0, 3), enc), 2);
        assert_eq!(rope_offset(&rope, pos(1, 50), enc), 6);
        // Last line.
        assert_eq!(idx.offset(text, pos(2, 50), enc), 10);
        assert_eq!(idx.offset(text, pos(3, 0), enc), 10);
    }
    // tree-sitter: "\r" is just a byte in the column.
    assert_eq!(ts_point_str(text, 3), Point::new(0, 3));
    assert_eq!(ts_point_str(text, 4), Point::new(1, 0));
    assert_eq!(ts_point_rope(&rope, 9), Point::new(2, 1));
    assert_eq!(idx.ts_point(text, 7), Point::new(1, 3));
    check_text(text);
    check_text("\r\n");
    check_text("\r\n\r\n");
    check_text("x\r\n\r\ny\r\n");
}

#[test]
fn lone_cr() {
    let text = "ab\rcd\ref";
    let idx = LineIndex::new(text);
    let rope = Rope::from_str(text);
    assert_eq!(idx.line_count(), 3);
    assert_eq!(rope.len_lines(), 3);
    for enc in ENCODINGS {
        assert_eq!(idx.position(text, 2, enc), pos(0, 2));
        assert_eq!(idx.position(text, 3, enc), pos(1, 0));
        assert_eq!(idx.position(text, 7, enc), pos(2, 1));
        assert_eq!(rope_position(&rope, 7, enc), pos(2, 1));
        assert_eq!(idx.offset(text, pos(1, 9), enc), 5);
        assert_eq!(rope_offset(&rope, pos(1, 9), enc), 5);
    }
    // tree-sitter does not start a row at a lone '\r'.
    assert_eq!(ts_point_str(text, 7), Point::new(0, 7));
    assert_eq!(ts_point_rope(&rope, 7), Point::new(0, 7));
    assert_eq!(idx.ts_point(text, 7), Point::new(0, 7));
    let mixed = "a\rb\nc\r\nd";
    assert_eq!(ts_point_str(mixed, 8), Point::new(2, 1));
    assert_eq!(LineIndex::new(mixed).position(mixed, 8, Utf16), pos(3, 1));
    check_text(text);
    check_text("\r");
    check_text("\r\r\n\r");
    check_text(mixed);
}

#[test]
fn emoji_and_cjk() {
    // a = 0, 😀 = 1..5, 中 = 5..8, b = 8
    let text = "x\na😀中b\n";
    let base = 2;
    let idx = LineIndex::new(text);
    let rope = Rope::from_str(text);
    let cases = [
        // (byte offset in line, utf8, utf16, utf32)
        (0, 0, 0, 0),
        (1, 1, 1, 1),
        (5, 5, 3, 2),
        (8, 8, 4, 3),
        (9, 9, 5, 4),
    ];
    for (off, u8c, u16c, u32c) in cases {
        for (enc, c) in [(Utf8, u8c), (Utf16, u16c), (Utf32, u32c)] {
            assert_eq!(
                idx.position(text, base + off, enc),
                pos(1, c),
                "{off} {enc:?}"
            );
            assert_eq!(
                rope_position(&rope, base + off, enc),
                pos(1, c),
                "{off} {enc:?}"
            );
            assert_eq!(
                idx.offset(text, pos(1, c), enc),
                base + off,
                "{off} {enc:?}"
            );
            assert_eq!(
                rope_offset(&rope, pos(1, c), enc),
                base + off,
                "{off} {enc:?}"
            );
        }
    }
    // Offsets inside the emoji / the CJK char snap down to the char start.
    for inside in [2, 3, 4] {
        for enc in ENCODINGS {
            assert_eq!(idx.position(text, base + inside, enc), pos(1, 1));
            assert_eq!(rope_position(&rope, base + inside, enc), pos(1, 1));
        }
    }
    assert_eq!(idx.position(text, base + 6, Utf16), pos(1, 3));
    assert_eq!(idx.position(text, base + 7, Utf32), pos(1, 2));
    // UTF-8 characters inside a multi-byte sequence -> start of the char.
    assert_eq!(idx.offset(text, pos(1, 3), Utf8), base + 1);
    assert_eq!(idx.offset(text, pos(1, 7), Utf8), base + 5);
    assert_eq!(rope_offset(&rope, pos(1, 7), Utf8), base + 5);
    // Past the end of the line.
    assert_eq!(idx.offset(text, pos(1, 6), Utf16), base + 9);
    assert_eq!(idx.offset(text, pos(1, 5), Utf32), base + 9);
    // Ranges.
    assert_eq!(
        idx.range(text, base + 1..base + 8, Utf16),
        range(1, 1, 1, 4)
    );
    assert_eq!(
        rope_range(&rope, base + 8..base + 1, Utf16),
        range(1, 1, 1, 4)
    );
    assert_eq!(
        idx.range(text, base + 1..base + 8, Utf32),
        range(1, 1, 1, 3)
    );
    check_text(text);
    check_text("😀😀\r\n中\r😀");
}

#[test]
fn utf16_index_in_middle_of_surrogate_pair() {
    let text = "😀b";
    let idx = LineIndex::new(text);
    let rope = Rope::from_str(text);
    // UTF-16 unit 1 is the low surrogate of 😀: start of the emoji.
    assert_eq!(idx.offset(text, pos(0, 1), Utf16), 0);
    assert_eq!(rope_offset(&rope, pos(0, 1), Utf16), 0);
    assert_eq!(idx.offset(text, pos(0, 2), Utf16), 4);
    assert_eq!(rope_offset(&rope, pos(0, 2), Utf16), 4);
    assert_eq!(idx.offset(text, pos(0, 3), Utf16), 5);
    // Same on a later line after a CRLF.
    let text = "é\r\n中😀😀";
    let idx = LineIndex::new(text);
    let rope = Rope::from_str(text);
    assert_eq!(idx.offset(text, pos(1, 2), Utf16), 7); // start of the first 😀
    assert_eq!(idx.offset(text, pos(1, 4), Utf16), 11); // start of the second 😀
    assert_eq!(rope_offset(&rope, pos(1, 4), Utf16), 11);
    assert_eq!(idx.offset(text, pos(1, 5), Utf16), 15); // end
    check_text(text);
}

#[test]
fn past_last_line_and_huge_values() {
    let text = "ab\ncd";
    let idx = LineIndex::new(text);
    let rope = Rope::from_str(text);
    for enc in ENCODINGS {
        for p in [
            pos(2, 0),
            pos(7, 3),
            pos(u32::MAX, u32::MAX),
            pos(1, u32::MAX),
        ] {
            assert_eq!(idx.offset(text, p, enc), 5);
            assert_eq!(rope_offset(&rope, p, enc), 5);
        }
        assert_eq!(idx.position(text, usize::MAX, enc), pos(1, 2));
        assert_eq!(rope_position(&rope, usize::MAX, enc), pos(1, 2));
        assert_eq!(idx.range(text, 4..usize::MAX, enc), range(1, 1, 1, 2));
    }
    assert_eq!(ts_point_str(text, usize::MAX), Point::new(1, 2));
    assert_eq!(ts_point_rope(&rope, usize::MAX), Point::new(1, 2));
    assert_eq!(idx.line_of(usize::MAX), 1);
    assert_eq!(idx.line_start(usize::MAX), 5);
}

#[test]
fn empty_text() {
    let text = "";
    let idx = LineIndex::new(text);
    let rope = Rope::from_str(text);
    assert_eq!(idx.line_count(), 1);
    assert_eq!(line_spans(text).collect::<Vec<_>>(), [(0, 0, 0)]);
    for enc in ENCODINGS {
        for o in [0, 1, 100] {
            assert_eq!(idx.position(text, o, enc), pos(0, 0));
            assert_eq!(rope_position(&rope, o, enc), pos(0, 0));
        }
        for p in [pos(0, 0), pos(0, 5), pos(3, 0)] {
            assert_eq!(idx.offset(text, p, enc), 0);
            assert_eq!(rope_offset(&rope, p, enc), 0);
        }
    }
    assert_eq!(ts_point_str(text, 3), Point::new(0, 0));
    assert_eq!(ts_point_rope(&rope, 3), Point::new(0, 0));
    check_text(text);
}

#[test]
fn mismatched_text_does_not_panic() {
    let idx = LineIndex::new("a😀\nb");
    for text in ["", "😀", "a😀\nbcdef\r\n", "ééé\n"] {
        for enc in ENCODINGS {
            for o in 0..text.len() + 2 {
                let _ = idx.position(text, o, enc);
                let _ = idx.ts_point(text, o);
            }
            for l in 0..4 {
                for c in 0..6 {
                    assert!(idx.offset(text, pos(l, c), enc) <= text.len());
                }
            }
        }
    }
    // Different length: falls back to a fresh index, so results are correct.
    let text = "xy\nz😀";
    assert_eq!(idx.position(text, 4, Utf16), pos(1, 1));
    assert_eq!(idx.offset(text, pos(1, 3), Utf16), 8);
}

#[test]
fn rope_and_str_agree_on_all_offsets() {
    for text in [
        "plain ascii\nsecond line\n",
        "# Title\r\n\r\n- [ ] DEP-1 😀 \u{4e2d}\u{6587}\r\n- [x] é\r\n",
        "mixed\rbreaks\n\r\n\r\rend",
        "😀",
        "\n",
        "é\r\n😀\r中\n",
        "a\u{0}b\tc\u{feff}d",
    ] {
        check_text(text);
    }
}

#[test]
fn rope_conversions_after_edits_cross_chunks() {
    // A rope large enough to have many chunks, edited so that chunk boundaries move around.
    let line = "é😀中 abc\r\n";
    let mut text = line.repeat(400);
    text.push_str("tail\rlast");
    let mut rope = Rope::from_str(&text);
    rope.insert(3, "ZZ\n");
    text = rope.to_string();
    let idx = LineIndex::new(&text);
    for offset in (0..=text.len()).step_by(7) {
        for enc in ENCODINGS {
            let p = idx.position(&text, offset, enc);
            assert_eq!(rope_position(&rope, offset, enc), p);
            assert_eq!(rope_offset(&rope, p, enc), idx.offset(&text, p, enc));
        }
        assert_eq!(ts_point_rope(&rope, offset), ts_point_str(&text, offset));
        assert_eq!(idx.ts_point(&text, offset), ts_point_str(&text, offset));
    }
}

// ---------------------------------------------------------------------------------------------
// apply_change
// ---------------------------------------------------------------------------------------------

/// Applies a change and checks the reported spans and the InputEdit against the str oracle.
fn change(rope: &mut Rope, r: Option<Range>, new_text: &str, enc: PositionEncoding) -> AppliedEdit {
    let old = rope.to_string();
    let applied = apply_change(rope, r, new_text, enc);
    let new = rope.to_string();
    assert_eq!(
        new,
        format!(
            "{}{}{}",
            &old[..applied.start_byte],
            new_text,
            &old[applied.old_end_byte..]
        )
    );
    assert_eq!(applied.new_end_byte, applied.start_byte + new_text.len());
    let e = applied.input_edit;
    assert_eq!(
        (e.start_byte, e.old_end_byte, e.new_end_byte),
        (
            applied.start_byte,
            applied.old_end_byte,
            applied.new_end_byte
        )
    );
    assert_eq!(e.start_position, ts_point_str(&old, e.start_byte));
    assert_eq!(e.old_end_position, ts_point_str(&old, e.old_end_byte));
    assert_eq!(e.new_end_position, ts_point_str(&new, e.new_end_byte));
    applied
}

#[test]
fn apply_change_sequence() {
    let enc = Utf16;
    let mut rope = Rope::from_str("hello\nworld");

    // Insert.
    change(&mut rope, Some(range(0, 5, 0, 5)), " there", enc);
    assert_eq!(rope, "hello there\nworld");
    // Delete.
    change(&mut rope, Some(range(0, 0, 0, 6)), "", enc);
    assert_eq!(rope, "there\nworld");
    // Replace spanning lines.
    let a = change(&mut rope, Some(range(0, 2, 1, 3)), "E\nNEW\nWO", enc);
    assert_eq!(rope, "thE\nNEW\nWOld");
    assert_eq!((a.start_byte, a.old_end_byte, a.new_end_byte), (2, 9, 10));
    // Insert at the very end, with an emoji; then delete half... of nothing: mid-pair snaps.
    change(&mut rope, Some(range(2, 4, 2, 4)), "😀!", enc);
    assert_eq!(rope, "thE\nNEW\nWOld😀!");
    // Range from the middle of the surrogate pair: snaps to the start of the emoji.
    change(&mut rope, Some(range(2, 5, 2, 6)), "", enc);
    assert_eq!(rope, "thE\nNEW\nWOld!");
    // Reversed range is normalised.
    change(&mut rope, Some(range(1, 3, 0, 1)), "-", enc);
    assert_eq!(rope, "t-\nWOld!");
    // Range past the end: appends.
    change(&mut rope, Some(range(9, 0, 12, 4)), "\nmore", enc);
    assert_eq!(rope, "t-\nWOld!\nmore");
    // Range from mid-line to past the end: deletes to the end of the text.
    change(&mut rope, Some(range(1, 2, 99, 0)), "", enc);
    assert_eq!(rope, "t-\nWO");
    // Full replace.
    let a = change(&mut rope, None, "new\r\ncontent", enc);
    assert_eq!(rope, "new\r\ncontent");
    assert_eq!((a.start_byte, a.old_end_byte, a.new_end_byte), (0, 5, 12));
    assert_eq!(a.input_edit.old_end_position, Point::new(1, 2));
    assert_eq!(a.input_edit.new_end_position, Point::new(1, 7));
    // Full replace with empty text.
    change(&mut rope, None, "", enc);
    assert_eq!(rope, "");
    change(&mut rope, Some(range(3, 3, 4, 4)), "x", enc);
    assert_eq!(rope, "x");
}

#[test]
fn apply_change_around_crlf() {
    let enc = Utf16;
    let mut rope = Rope::from_str("ab\r\ncd\r\nef");
    // A start past the end of line 0 ("between \r and \n" for a confused client) is clamped to
    // before the "\r\n"; the whole break is replaced.
    let a = change(&mut rope, Some(range(0, 3, 1, 1)), "", enc);
    assert_eq!((a.start_byte, a.old_end_byte), (2, 5));
    assert_eq!(rope, "abd\r\nef");
    // An end past the end of the line stops before the "\r\n": never splits it.
    change(&mut rope, Some(range(0, 1, 0, 9)), "X", enc);
    assert_eq!(rope, "aX\r\nef");
    // Deleting a whole line including its break.
    change(&mut rope, Some(range(0, 0, 1, 0)), "", enc);
    assert_eq!(rope, "ef");
    // Inserting a "\n" right after a lone "\r" joins them into one "\r\n" break.
    let mut rope = Rope::from_str("a\r\rb");
    assert_eq!(rope.len_lines(), 3);
    change(&mut rope, Some(range(1, 0, 1, 0)), "\n", enc);
    assert_eq!(rope, "a\r\n\rb");
    assert_eq!(rope.len_lines(), 3);
    assert_eq!(rope_position(&rope, 5, enc), pos(2, 1));
    // Deleting what separates "\r" and "\n" also joins them.
    let mut rope = Rope::from_str("a\rX\nb");
    change(&mut rope, Some(range(1, 0, 1, 1)), "", enc);
    assert_eq!(rope, "a\r\nb");
    assert_eq!(rope.len_lines(), 2);
    check_text(&rope.to_string());
}

#[test]
fn apply_change_input_edit_fields() {
    // Bytes: "a\n" = 0..2, "bc\r\n" = 2..6, 'd' = 6, 😀 = 7..11, 'e' = 11.
    let mut rope = Rope::from_str("a\nbc\r\nd😀e");
    let applied = apply_change(&mut rope, Some(range(2, 1, 2, 3)), "X\nYZ", Utf16);
    assert_eq!(rope, "a\nbc\r\ndX\nYZe");
    assert_eq!(
        applied,
        AppliedEdit {
            start_byte: 7,
            old_end_byte: 11,
            new_end_byte: 11,
            input_edit: InputEdit {
                start_byte: 7,
                old_end_byte: 11,
                new_end_byte: 11,
                start_position: Point::new(2, 1),
                old_end_position: Point::new(2, 5),
                new_end_position: Point::new(3, 2),
            },
        }
    );

    // The same edit expressed in UTF-8 and UTF-32.
    for (enc, end) in [(Utf8, 5), (Utf32, 2)] {
        let mut rope = Rope::from_str("a\nbc\r\nd😀e");
        let a = apply_change(&mut rope, Some(range(2, 1, 2, end)), "X\nYZ", enc);
        assert_eq!(a, applied, "{enc:?}");
    }

    // With a lone '\r', tree-sitter rows differ from LSP lines.
    let mut rope = Rope::from_str("ab\rcd\nef");
    let a = apply_change(&mut rope, Some(range(1, 1, 2, 1)), "Q", Utf16);
    assert_eq!(rope, "ab\rcQf");
    assert_eq!(a.input_edit.start_position, Point::new(0, 4));
    assert_eq!(a.input_edit.old_end_position, Point::new(1, 1));
    assert_eq!(a.input_edit.new_end_position, Point::new(0, 5));
}

fn md_parser() -> tree_sitter::Parser {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_md::LANGUAGE.into())
        .unwrap();
    parser
}

/// All nodes as (kind, byte range, start point, end point), in document order.
fn nodes(tree: &tree_sitter::Tree) -> Vec<(String, std::ops::Range<usize>, Point, Point)> {
    let mut out = Vec::new();
    let mut cursor = tree.walk();
    loop {
        let n = cursor.node();
        out.push((
            n.kind().to_owned(),
            n.byte_range(),
            n.start_position(),
            n.end_position(),
        ));
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}

#[test]
fn tree_sitter_agrees_with_points_and_incremental_edits() {
    // tree-sitter's own row/column counting matches ts_point_* (lone '\r' is not a row).
    let mut parser = md_parser();
    for text in [
        "# A\rB\n\npara\r\n",
        "x\r\r\ny\n- item\r- two\n",
        "😀 é\n中\r\n",
    ] {
        let tree = parser.parse(text, None).unwrap();
        for (_, bytes, start, end) in nodes(&tree) {
            assert_eq!(start, ts_point_str(text, bytes.start), "{text:?}");
            assert_eq!(end, ts_point_str(text, bytes.end), "{text:?}");
        }
    }

    // Incremental reparse with our InputEdits gives the same tree as a fresh parse.
    let edits: &[(Option<Range>, &str)] = &[
        (Some(range(0, 2, 0, 2)), "Release "),
        (Some(range(2, 0, 2, 0)), "- [ ] DEP-7 😀\r\n"),
        (Some(range(1, 0, 3, 2)), "\r\n## Section\rmore\n\n"),
        (Some(range(0, 0, 1, 0)), ""),
        (Some(range(9, 9, 9, 9)), "\n```\ncode\n```\n"),
        (Some(range(3, 4, 2, 1)), "中"),
        (None, "# New\n\ntext\r\n"),
    ];
    let mut rope = Rope::from_str("# Plan\r\n\r\n- [x] DEP-1 done\n- [ ] DEP-2\n");
    let mut tree = parser.parse(rope.to_string(), None).unwrap();
    for (r, new_text) in edits {
        let applied = apply_change(&mut rope, *r, new_text, Utf16);
        tree.edit(&applied.input_edit);
        let text = rope.to_string();
        let incremental = parser.parse(&text, Some(&tree)).unwrap();
        let fresh = parser.parse(&text, None).unwrap();
        assert_eq!(
            nodes(&incremental),
            nodes(&fresh),
            "after {r:?} {new_text:?}: {text:?}"
        );
        tree = incremental;
    }
}

// ---------------------------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------------------------

fn text_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec!["a", "é", "中", "😀", "\r\n", "\n", "\r"]),
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

fn enc_strategy() -> impl Strategy<Value = PositionEncoding> {
    prop::sample::select(ENCODINGS.to_vec())
}

fn pos_strategy() -> impl Strategy<Value = Position> {
    (0u32..12, prop_oneof![0u32..16, Just(u32::MAX)]).prop_map(|(l, c)| pos(l, c))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn prop_conversions_agree(
        text in text_strategy(),
        offsets in prop::collection::vec(0usize..200, 1..16),
        positions in prop::collection::vec(pos_strategy(), 1..16),
        enc in enc_strategy(),
    ) {
        let idx = LineIndex::new(&text);
        let rope = Rope::from_str(&text);
        prop_assert_eq!(idx.line_count(), rope.len_lines());
        let spans: Vec<_> = line_spans(&text).collect();
        prop_assert_eq!(spans.len(), rope.len_lines());
        // Searching from wherever the previous offset was (ahead or behind) changes nothing.
        let mut near = 0;
        for &o in &offsets {
            prop_assert_eq!(
                spans_position_near(&text, &spans, o, enc, &mut near),
                spans_position(&text, &spans, o, enc)
            );
        }
        for &o in &offsets {
            let p = idx.position(&text, o, enc);
            prop_assert_eq!(p, rope_position(&rope, o, enc));
            prop_assert_eq!(p, spans_position(&text, &spans, o, enc));
            prop_assert_eq!(p, oracle_position(&text, o, enc));
            prop_assert_eq!(ts_point_str(&text, o), ts_point_rope(&rope, o));
            prop_assert_eq!(idx.ts_point(&text, o), oracle_ts_point(&text, o));
            let back = idx.offset(&text, p, enc);
            prop_assert_eq!(back, rope_offset(&rope, p, enc));
            prop_assert!(back <= o.min(text.len()));
            prop_assert!(text.is_char_boundary(back));
        }
        for &p in &positions {
            let o = idx.offset(&text, p, enc);
            prop_assert_eq!(o, rope_offset(&rope, p, enc));
            prop_assert_eq!(o, oracle_offset(&text, p, enc));
            prop_assert!(text.is_char_boundary(o));
            // Never inside a "\r\n".
            prop_assert!(!(o > 0 && text.as_bytes()[o - 1] == b'\r' && text.as_bytes().get(o) == Some(&b'\n')));
        }
    }

    #[test]
    fn prop_apply_change(
        text in text_strategy(),
        edits in prop::collection::vec(
            (prop::option::weighted(0.9, (pos_strategy(), pos_strategy())), text_strategy()),
            1..6,
        ),
        enc in enc_strategy(),
    ) {
        let mut rope = Rope::from_str(&text);
        for (r, new_text) in edits {
            let old = rope.to_string();
            let r = r.map(|(a, b)| Range::new(a, b));
            let expected_span = match r {
                None => 0..old.len(),
                Some(r) => LineIndex::new(&old).span(&old, r, enc),
            };
            let applied = apply_change(&mut rope, r, &new_text, enc);
            let expected = format!("{}{}{}", &old[..expected_span.start], new_text, &old[expected_span.end..]);
            prop_assert_eq!(rope.to_string(), expected.clone());
            prop_assert_eq!(applied.start_byte..applied.old_end_byte, expected_span);
            prop_assert_eq!(applied.new_end_byte, applied.start_byte + new_text.len());
            let e = applied.input_edit;
            prop_assert_eq!(e.start_position, oracle_ts_point(&old, e.start_byte));
            prop_assert_eq!(e.old_end_position, oracle_ts_point(&old, e.old_end_byte));
            prop_assert_eq!(e.new_end_position, oracle_ts_point(&expected, e.new_end_byte));
            rope.assert_integrity();
            rope.assert_invariants();
        }
    }
}

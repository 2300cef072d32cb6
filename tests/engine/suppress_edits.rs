//! Inline suppressions across incremental edits (issue 14): the directives an open document
//! keeps (`ParsedDoc::suppressions`) equal a fresh parse's after every edit — typed, changed,
//! removed, moved by edits above them, and with their next-line target edited.

use dep_ls::document::Document;
use dep_ls::syntax::{parse_tree, Prefixes};
use dep_ls::text::{Position, PositionEncoding, Range};
use proptest::prelude::*;

fn edit(
    doc: &mut Document,
    prefixes: &Prefixes,
    (l0, c0): (u32, u32),
    (l1, c1): (u32, u32),
    new: &str,
) {
    let range = Range {
        start: Position {
            line: l0,
            character: c0,
        },
        end: Position {
            line: l1,
            character: c1,
        },
    };
    doc.edit(range, new, PositionEncoding::Utf16, prefixes);
    let fresh = parse_tree(doc.text(), prefixes);
    assert_eq!(
        doc.parsed().suppressions,
        fresh.suppressions,
        "suppressions for {:?}",
        doc.text()
    );
    assert_eq!(&**doc.parsed(), &fresh, "parsed for {:?}", doc.text());
}

const TEXT: &str = "# Plan\n\nDEP-001: First\nType: Step\nColour: blue\n\n<!-- dep-ls-disable-next-line missing-owner -->\nDEP-002: Second\nType: Step\n\n<!-- dep-ls-disable unknown-field -->\nDEP-003: Third\nFlavour: x\n<!-- dep-ls-enable unknown-field -->\n";

#[test]
fn typing_changing_and_removing_directives() {
    let prefixes = Prefixes::default();
    let mut doc = Document::new(TEXT.to_string(), 0, &prefixes);
    assert_eq!(doc.parsed().suppressions.len(), 3);
    // Type a new directive line above `Colour` (inside DEP-001).
    edit(
        &mut doc,
        &prefixes,
        (4, 0),
        (4, 0),
        "<!-- dep-ls-disable-next-line unknown-field -->\n",
    );
    assert_eq!(doc.parsed().suppressions.len(), 4);
    // Change a code of it, character by character.
    edit(&mut doc, &prefixes, (4, 37), (4, 44), "");
    edit(&mut doc, &prefixes, (4, 37), (4, 37), "stage-");
    // Remove the directive above DEP-002.
    edit(&mut doc, &prefixes, (7, 0), (8, 0), "");
    assert_eq!(doc.parsed().suppressions.len(), 3);
    // And type it back, half a comment first (not a directive yet), then the rest.
    edit(
        &mut doc,
        &prefixes,
        (7, 0),
        (7, 0),
        "<!-- dep-ls-disable-next-line",
    );
    edit(
        &mut doc,
        &prefixes,
        (7, 29),
        (7, 29),
        " missing-owner -->\n",
    );
}

#[test]
fn edits_above_move_directives_and_target_edits_keep_them_right() {
    let prefixes = Prefixes::default();
    let mut doc = Document::new(TEXT.to_string(), 0, &prefixes);
    // Above everything: every directive moves.
    edit(&mut doc, &prefixes, (0, 6), (0, 6), " for checkout v2");
    edit(&mut doc, &prefixes, (1, 0), (1, 0), "Intro line\n\n");
    // The next-line target is DEP-002's definition line: edit it (longer, shorter, joined).
    let line = doc
        .text()
        .lines()
        .position(|l| l.starts_with("DEP-002"))
        .unwrap() as u32;
    edit(
        &mut doc,
        &prefixes,
        (line, 15),
        (line, 15),
        " with a longer title",
    );
    edit(&mut doc, &prefixes, (line, 8), (line, 30), "");
    edit(&mut doc, &prefixes, (line, 0), (line, 0), "\n");
    edit(&mut doc, &prefixes, (line, 0), (line + 1, 0), "");
    // In CRLF.
    let crlf = TEXT.replace('\n', "\r\n");
    let mut doc = Document::new(crlf, 0, &prefixes);
    edit(&mut doc, &prefixes, (7, 8), (7, 8), "Renamed ");
    edit(&mut doc, &prefixes, (6, 0), (7, 0), "");
}

const PIECES: &[&str] = &[
    "<!-- dep-ls-disable-next-line missing-owner -->\n",
    "<!-- dep-ls-disable unknown-field, stage-mismatch -->\n",
    "<!-- dep-ls-enable -->\n",
    "<!-- dep-ls-disable-file no-such-code -->\n",
    "  <!-- dep-ls-disable-next-line -->\n",
    "<!-- a note -->\n",
    "DEP-001: Entry\n",
    "## DEP-002: Heading entry\n",
    "Type: Step\n",
    "Colour: blue\n",
    "- item\n",
    "```\n",
    "\n",
    "\r\n",
    "<!--",
    "-->",
    "x",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn edits_keep_suppressions_equal_to_a_fresh_parse(
        pieces in prop::collection::vec(prop::sample::select(PIECES), 0..24),
        edits in prop::collection::vec(((0u32..24, 0u32..40), (0u32..3, 0u32..40), prop::sample::select(PIECES), any::<bool>()), 1..10),
    ) {
        let prefixes = Prefixes::default();
        let mut doc = Document::new(pieces.concat(), 0, &prefixes);
        prop_assert_eq!(&**doc.parsed(), &parse_tree(doc.text(), &prefixes));
        for ((l0, c0), (dl, c1), piece, delete) in edits {
            let range = Range {
                start: Position { line: l0, character: c0 },
                end: Position { line: l0 + dl, character: if dl == 0 { c0 + c1 % 8 } else { c1 } },
            };
            doc.edit(range, if delete { "" } else { piece }, PositionEncoding::Utf16, &prefixes);
            let fresh = parse_tree(doc.text(), &prefixes);
            prop_assert_eq!(&doc.parsed().suppressions, &fresh.suppressions, "text {:?}", doc.text());
            prop_assert_eq!(&**doc.parsed(), &fresh, "text {:?}", doc.text());
        }
    }
}

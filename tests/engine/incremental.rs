//! Incremental editing: any sequence of edits leaves a `Document` equal to a fresh parse of its
//! final text (line kinds from tree-sitter and the extracted entries and references).

use dep_ls::document::Document;
use dep_ls::syntax::{parse_tree, tree, Prefixes};
use dep_ls::text::{LineIndex, Position, PositionEncoding, Range};
use proptest::prelude::*;

const PIECES: &[&str] = &[
    "## DEP-001: Production environment\n",
    "### DEP-002 - Staging\n",
    "# EPIC-01 Foundations\n",
    "DEP-003: Error rate rollback\n",
    "Type: Rollback\n",
    "**Stage:** Post-deploy\n",
    "- **Owner**: SRE\n",
    "Threshold: >2% of requests for 5 minutes\n",
    "Configuration:\n  - NODE_ENV=production\n  - LOG_LEVEL=info\n",
    "Procedure:\n  1. Alert on-call\n  2. Revert\n",
    "Linked IDs: MON-001, RUN-005, TEST-001 to TEST-050\n",
    "### Related IDs\n- [API-001](SoT.API.md#api-001) - create\n",
    "\n",
    "\n\n",
    "```\n",
    "```yaml\nkey: DEP-009\n```\n",
    "~~~text\nDEP-010: In a fence\nType: Step\n~~~\n",
    "| ID | Title |\n|---|---|\n| TEST-001 | Login |\n| TEST-002 | Logout |\n",
    "<!-- DEP-011: hidden\n-->\n",
    "Prose mentions API-002 and `DEP-012` and <!-- RUN-001 --> here.\n",
    "- item one\n  ```rust\n  let x = \"DEP-013\";\n  ```\n",
    "> quoted DEP-014: text\n",
    "Emoji 😀 and 中文 DEP-015: not a def\n",
    "r\n\r\n",
    "x\ry\n",
    "\r\n",
    "\r",
    "---\n",
    "+++\n",
    "`",
    "#",
    "-",
    ":",
    " ",
    "DEP-0",
    "**",
];

fn doc_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|v| v.concat())
}

#[derive(Debug, Clone)]
struct Edit {
    start: (u32, u32),
    end: (u32, u32),
    text: String,
    enc: PositionEncoding,
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    (
        (0u32..60, 0u32..50),
        (0u32..4, 0u32..50),
        prop::sample::select(PIECES),
        prop::sample::select(
            &[
                PositionEncoding::Utf8,
                PositionEncoding::Utf16,
                PositionEncoding::Utf32,
            ][..],
        ),
        any::<bool>(),
    )
        .prop_map(|(start, (dl, ec), piece, enc, delete)| Edit {
            start,
            end: (start.0 + dl, if dl == 0 { start.1 + ec % 8 } else { ec }),
            text: if delete {
                String::new()
            } else {
                piece.to_string()
            },
            enc,
        })
}

fn assert_same(doc: &Document, prefixes: &Prefixes) -> Result<(), TestCaseError> {
    let text = doc.text();
    let kinds = tree::classify(text);
    prop_assert_eq!(doc.kinds(), &kinds[..], "kinds differ for {:?}", text);
    let fresh = parse_tree(text, prefixes);
    prop_assert_eq!(&**doc.parsed(), &fresh, "parsed differs for {:?}", text);
    // The rope and the string agree.
    prop_assert_eq!(doc.rope().to_string(), text.to_string());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn edits_equal_fresh_parse(text in doc_strategy(), edits in prop::collection::vec(edit_strategy(), 1..12)) {
        let prefixes = Prefixes::default();
        let mut doc = Document::new(text, 0, &prefixes);
        assert_same(&doc, &prefixes)?;
        for e in edits {
            let range = Range {
                start: Position { line: e.start.0, character: e.start.1 },
                end: Position { line: e.end.0, character: e.end.1 },
            };
            let before = std::sync::Arc::clone(doc.parsed());
            let ids_changed = doc.edit(range, &e.text, e.enc, &prefixes);
            assert_same(&doc, &prefixes)?;
            // "IDs unchanged" must be true to its word: the index relies on it.
            if !ids_changed {
                prop_assert!(dep_ls::index::same_ids(&before, doc.parsed()), "ids changed but not reported");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// The same on documents and edits from the grammar-aware generator (`dep_ls::gen`): edits
    /// are placed as byte ranges, sent as LSP ranges in every encoding, and the text must be
    /// what `LineIndex` says the range covers, spliced.
    #[test]
    fn generated_documents_and_edits_equal_fresh_parse(
        doc_bytes in prop::collection::vec(any::<u8>(), 0..256),
        edit_bytes in prop::collection::vec(any::<u8>(), 0..96),
        encs in prop::collection::vec(0usize..3, 32),
    ) {
        let prefixes = Prefixes::default();
        let mut doc = Document::new(dep_ls::gen::document(&doc_bytes), 0, &prefixes);
        assert_same(&doc, &prefixes)?;
        for (i, e) in dep_ls::gen::edits(&edit_bytes).into_iter().enumerate() {
            let enc = [PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32]
                [encs[i % encs.len()]];
            let old = doc.text().to_string();
            let ix = LineIndex::new(&old);
            let r = e.range(&old);
            let range = Range {
                start: ix.position(&old, r.start, enc),
                end: ix.position(&old, r.end, enc),
            };
            let mut expected = old.clone();
            expected.replace_range(ix.span(&old, range, enc), &e.text);
            let before = std::sync::Arc::clone(doc.parsed());
            let ids_changed = doc.edit(range, &e.text, enc, &prefixes);
            prop_assert_eq!(doc.text(), expected.as_str(), "edit {:?} ({:?}) on {:?}", range, enc, old);
            assert_same(&doc, &prefixes)?;
            if !ids_changed {
                prop_assert!(dep_ls::index::same_ids(&before, doc.parsed()), "ids changed but not reported");
            }
        }
    }
}

/// Typing a fence opener swallows the rest of the document; closing it restores it.
#[test]
fn opening_and_closing_a_fence() {
    let prefixes = Prefixes::default();
    let text =
        "# Plan\n\nDEP-001: One\nType: Step\n\n## DEP-002: Two\nType: Step\n\n## DEP-003: Three\n"
            .to_string();
    let mut doc = Document::new(text, 0, &prefixes);
    assert_eq!(doc.parsed().entries.len(), 3);
    let at = |line| Range {
        start: Position { line, character: 0 },
        end: Position { line, character: 0 },
    };
    doc.edit(at(1), "```\n", PositionEncoding::Utf16, &prefixes);
    // Everything after the opener is now inside a plain fence: plain-line definitions are read,
    // headings are not headings.
    assert_eq!(
        doc.parsed(),
        &std::sync::Arc::new(parse_tree(doc.text(), &prefixes))
    );
    doc.edit(at(1), "", PositionEncoding::Utf16, &prefixes);
    let li = LineIndex::new(doc.text());
    let _ = li;
    // Remove the fence line again.
    let r = Range {
        start: Position {
            line: 1,
            character: 0,
        },
        end: Position {
            line: 2,
            character: 0,
        },
    };
    doc.edit(r, "", PositionEncoding::Utf16, &prefixes);
    assert_eq!(&**doc.parsed(), &parse_tree(doc.text(), &prefixes));
    assert_eq!(doc.parsed().entries.len(), 3);
}

/// 500 single-character edits one after the other give the same text as applying them to a string.
#[test]
fn many_small_edits() {
    let prefixes = Prefixes::default();
    let mut doc = Document::new("## DEP-001: A\nType: Step\n".to_string(), 0, &prefixes);
    let mut expected = doc.text().to_string();
    for i in 0..500u32 {
        let ch = ["a", "\n", " ", "D", "E", "P", "-", "0", "1", ":"][(i % 10) as usize];
        let end_pos = {
            let li = LineIndex::new(doc.text());
            li.position(doc.text(), doc.text().len(), PositionEncoding::Utf16)
        };
        doc.edit(
            Range {
                start: end_pos,
                end: end_pos,
            },
            ch,
            PositionEncoding::Utf16,
            &prefixes,
        );
        expected.push_str(ch);
    }
    assert_eq!(doc.text(), expected);
    assert_eq!(&**doc.parsed(), &parse_tree(&expected, &prefixes));
}

/// Text before, start and end (UTF-16 line and character), new text, text after.
type EditCase = (
    &'static str,
    (u32, u32),
    (u32, u32),
    &'static str,
    &'static str,
);

/// Applies one range edit (UTF-16 positions) and compares the document with a fresh parse.
fn edit_once(text: &str, start: (u32, u32), end: (u32, u32), new: &str, expected: &str) {
    let prefixes = Prefixes::default();
    let mut doc = Document::new(text.to_string(), 0, &prefixes);
    edit_and_compare(&mut doc, &prefixes, start, end, new);
    assert_eq!(doc.text(), expected);
}

/// Applies one edit (UTF-16 positions) and checks the document against a fresh parse of its new
/// text: line kinds, parsed entries, the rope, and "IDs unchanged" when it says so.
fn edit_and_compare(
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
    let before = std::sync::Arc::clone(doc.parsed());
    let ids_changed = doc.edit(range, new, PositionEncoding::Utf16, prefixes);
    let text = doc.text();
    assert_eq!(doc.kinds(), &tree::classify(text)[..], "kinds for {text:?}");
    assert_eq!(
        &**doc.parsed(),
        &parse_tree(text, prefixes),
        "parsed for {text:?}"
    );
    assert_eq!(doc.rope().to_string(), text);
    if !ids_changed {
        assert!(dep_ls::index::same_ids(&before, doc.parsed()));
    }
}

/// Found by the `edits` fuzz target (RELIABILITY.md, fixed issue 4): removing the `\n` that ends
/// a heading line before a blank `\r\n` line joins the two sections, and the joined section was
/// taken for the first one unchanged (same first line, same end line, but the end line counted
/// in old coordinates before the edit and in new ones after it): its old tree, which never held
/// the second heading, was reused and the second heading read as text.
#[test]
fn joining_a_heading_line_with_a_blank_crlf_line_before_another_section() {
    // The start clamps to the end of line 0, the end to the start of the (empty) line 1.
    edit_once(
        "## DEP-001: Production environment\n\r\n## #",
        (0, 39),
        (1, 9),
        "é",
        "## DEP-001: Production environmenté\r\n## #",
    );
}

/// Neighbours of the case above: line breaks swapped, plain deletions, a bare `\r`, edits that
/// remove the blank line (or its break) before a heading that starts a section, sections
/// joined three at a time, and the reverse (an edit that splits a section).
#[test]
fn edits_that_join_or_split_sections_at_a_line_break() {
    let cases: &[EditCase] = &[
        // \r\n then \n instead of \n then \r\n.
        (
            "## DEP-001: Production environment\r\n\n## #",
            (0, 39),
            (1, 9),
            "é",
            "## DEP-001: Production environmenté\n## #",
        ),
        // \n then \n, and \r\n then \r\n.
        ("## A\n\n## #", (0, 9), (1, 9), "é", "## Aé\n## #"),
        ("## A\r\n\r\n## #", (0, 9), (1, 9), "é", "## Aé\r\n## #"),
        // The break deleted rather than replaced.
        ("## A\n\r\n## B\n", (0, 4), (1, 0), "", "## A\r\n## B\n"),
        (
            "## A\n\n## B\nType: x\n",
            (0, 4),
            (1, 0),
            "",
            "## A\n## B\nType: x\n",
        ),
        // A bare \r as the blank line's break.
        ("## A\n\r## B", (0, 4), (1, 0), "x", "## Ax\r## B"),
        ("## A\r\r## B", (0, 4), (1, 0), "", "## A\r## B"),
        // The whole blank line before a heading in another section removed.
        (
            "## DEP-001: A\nType: Step\n\n## DEP-002: B\nType: Step\n",
            (2, 0),
            (3, 0),
            "",
            "## DEP-001: A\nType: Step\n## DEP-002: B\nType: Step\n",
        ),
        (
            "Text\r\n\r\n## DEP-002: B\r\n",
            (1, 0),
            (2, 0),
            "",
            "Text\r\n## DEP-002: B\r\n",
        ),
        // The break of the paragraph line before the blank line.
        (
            "Text DEP-001\n\r\n## DEP-002: B\n\n## DEP-003: C\n",
            (0, 12),
            (1, 0),
            "",
            "Text DEP-001\r\n## DEP-002: B\n\n## DEP-003: C\n",
        ),
        // Three sections become one.
        (
            "## A\n\n## B\n\n## C\n",
            (0, 4),
            (3, 0),
            " ",
            "## A \n## C\n",
        ),
        ("## A\n\n## B\n\n## C", (1, 0), (4, 0), "", "## A\n## C"),
        // A fence opener before the joined line.
        (
            "```\n\n## A\n```\n\n## B\n",
            (0, 3),
            (1, 0),
            "",
            "```\n## A\n```\n\n## B\n",
        ),
        // Splitting: a blank line inserted before a heading starts a new section.
        ("## A\n## B\n", (0, 4), (0, 4), "\n", "## A\n\n## B\n"),
        ("## A\r\n## B", (1, 0), (1, 0), "\r\n", "## A\r\n\r\n## B"),
        ("## A\n\r## B", (2, 0), (2, 0), "\n", "## A\n\r\n## B"),
        // A line break inserted inside a heading line at a section boundary.
        (
            "## A\n\n## B\n",
            (2, 0),
            (2, 0),
            "x\n\n",
            "## A\n\nx\n\n## B\n",
        ),
    ];
    for &(text, start, end, new, expected) in cases {
        edit_once(text, start, end, new, expected);
    }
}

/// Start and end (UTF-16 line and character) and new text.
type RangeEdit<'a> = ((u32, u32), (u32, u32), &'a str);

/// Applies range edits one after the other (UTF-16 positions), comparing the document with a
/// fresh parse after each.
fn edits_in_turn(text: &str, edits: &[RangeEdit]) {
    let prefixes = Prefixes::default();
    let mut doc = Document::new(text.to_string(), 0, &prefixes);
    for &(start, end, new) in edits {
        edit_and_compare(&mut doc, &prefixes, start, end, new);
    }
}

/// Found by the `edits` fuzz target (RELIABILITY.md, fixed issue 5): `---` on line 0 is front
/// matter up to the first closing line however far down, so an edit can change the sections
/// before it: typing the closing line at the end turned the whole document into front matter
/// while the sections before the edit were kept.
#[test]
fn front_matter_closed_or_opened_far_from_the_edit() {
    // The fuzz finding, shortened: the closing line typed at the end.
    edits_in_turn(
        "---\n\n|---|---|\n| TEST-001 | Login |\n\r\n## DEP-001: Production environment\nDEP-003: Error rate rollback\n\r## DEP-001: Production environment\n## DEP-001: Production environment\n> quoted DEP-014: text\n",
        &[((10, 0), (10, 0), "---\n")],
    );
    let doc = "---\ntitle: Plan\n\n## DEP-001: A\nType: Step\n\n## DEP-002: B\n\nDEP-003: C\n";
    edits_in_turn(
        doc,
        &[
            // Closed at the end, opened up again, closed without a line break (not closed),
            // then with one.
            ((9, 0), (9, 0), "---\n"),
            ((9, 0), (10, 0), ""),
            ((9, 0), (9, 0), "---"),
            ((9, 3), (9, 3), "\n"),
            // An earlier closing line shortens it; deleting it lengthens it again.
            ((2, 0), (2, 0), "---\n"),
            ((2, 0), (3, 0), ""),
            // The opening line edited away and typed again.
            ((0, 0), (0, 3), "# Plan"),
            ((0, 0), (0, 6), "---"),
        ],
    );
    // Typing the opening line over a first line, with a closing line far below; `+++` too.
    edits_in_turn(
        "Intro\n\n## DEP-001: A\n\n## DEP-002: B\n---\n\n## DEP-003: C\n",
        &[((0, 0), (0, 5), "---"), ((0, 0), (0, 3), "+++")],
    );
    edits_in_turn(
        "Intro\n\n## DEP-001: A\n\n+++\n\n## DEP-003: C\n",
        &[((0, 0), (0, 5), "+++"), ((4, 0), (4, 3), "---")],
    );
    // Edits inside long front matter, and a line break joining the closing line to the text
    // before it.
    edits_in_turn(
        "---\na: 1\n\n## x\n\nb: 2\n\n## y\n---\n\n## DEP-001: A\n",
        &[
            ((1, 0), (1, 0), "z"),
            ((3, 0), (3, 0), "\n\n"),
            ((9, 0), (10, 0), ""),
            ((9, 0), (9, 0), "\n"),
            ((9, 3), (10, 0), ""),
        ],
    );
}

/// Pieces of release plans: the entries and fields that plan-level checks look at.
const PLAN_PIECES: &[&str] = &[
    "## DEP-101: Staging environment\nType: Environment\nName: staging\nConfiguration:\n  - A=1\n  - B=2\n",
    "## DEP-102: Production environment\nType: Environment\nConfiguration:\n  - A=1\n",
    "## DEP-103: Error rate rollback\nType: Rollback\n",
    "## DEP-104: Smoke tests\nType: Validation\n",
    "## DEP-105: Go/no-go\nType: Criteria\n",
    "## DEP-106: Deploy\n",
    "Type: Rollback\n",
    "Type: Environment\n",
    "Name: production\n",
    "Name: staging\n",
    "  - C=3\n",
    "# EPIC-01 Foundations\n",
    "\n",
    "```\n",
    "DEP-1",
    "Type",
    "Linked IDs: DEP-101, DEP-999, TEST-001 to TEST-003\n",
    "Mentions DEP-102 and DEP-10 in prose.\n",
    "Linked IDs: TEST-001 to TEST-003\n",
    "## TEST-001: First test\n",
    "## TEST-002: A test\n",
    "## TEST-003: Third test\n",
    "Status: Deprecated (replaced by DEP-104)\n",
];

fn plan_edit() -> impl Strategy<Value = (usize, f64, f64, &'static str, bool)> {
    (
        0usize..4,
        0.0f64..1.0,
        0.0f64..0.2,
        prop::sample::select(PLAN_PIECES),
        any::<bool>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// The findings a folder keeps up to date edit by edit (plan facts cached per file, entry
    /// findings cached per entry while the definitions stay the same) equal a fresh run of the
    /// checks over the same index, in every plan scope.
    #[test]
    fn plan_findings_follow_edits(
        texts in prop::collection::vec(prop::collection::vec(prop::sample::select(PLAN_PIECES), 0..6), 4),
        edits in prop::collection::vec(plan_edit(), 1..16),
        scope in prop::sample::select(&["workspace", "directory", "file"][..]),
    ) {
        use dep_ls::check::entry::check_file;
        use dep_ls::check::plan::check_plans;
        use dep_ls::config::Config;
        use dep_ls::document::Change;
        use dep_ls::workspace::world::{DocKey, World};
        let root = std::env::temp_dir().join("dep-ls-plan-facts-never-created");
        let mut w = World::default();
        w.add_folder(root.clone());
        let (config, errors) =
            Config::from_toml_str(&format!("[plan]\nscope = \"{scope}\"\n"), &root.join("dep-ls.toml"));
        prop_assert!(errors.is_empty(), "{:?}", errors);
        w.folder_mut(&root).expect("folder").set_config(config, vec![]);
        let keys: Vec<DocKey> = ["a.md", "b.md", "ops/c.md", "ops/d.md"]
            .iter()
            .map(|rel| DocKey { folder: root.clone(), rel: rel.to_string() })
            .collect();
        let mut texts: Vec<String> = texts.into_iter().map(|v| v.concat()).collect();
        for (k, t) in keys.iter().zip(&texts) {
            w.open(k, t.clone(), 1);
        }
        for (version, (file, at, len, piece, delete)) in (2..).zip(edits) {
            let text = &texts[file];
            let floor = |x: f64| {
                let mut i = ((text.len() as f64) * x) as usize;
                while !text.is_char_boundary(i) { i -= 1; }
                i
            };
            let start = floor(at);
            let end = if delete { floor((at + len).min(1.0)) } else { start };
            let ix = LineIndex::new(text);
            let range = Range {
                start: ix.position(text, start, PositionEncoding::Utf8),
                end: ix.position(text, end, PositionEncoding::Utf8),
            };
            let new = if delete { "" } else { piece };
            let change = Change { range: Some(range), text: new.to_string() };
            prop_assert!(w.change(&keys[file], version, &[change], PositionEncoding::Utf8));
            texts[file].replace_range(start..end, new);
            let f = w.folder(&root).expect("folder");
            let plan = check_plans(&f.index, &f.config);
            prop_assert_eq!(&*f.plan_findings(), &plan);
            for k in &keys {
                let doc = f.parsed(&k.rel).expect("open");
                let mut fresh = check_file(&k.rel, &doc, &f.index, &f.config);
                fresh.extend(plan.iter().filter(|x| x.path == k.rel).cloned());
                fresh.sort_by_key(|x| (x.span.start, x.code));
                prop_assert_eq!(f.diagnostics(&k.rel), fresh, "{}", k.rel);
            }
            // The open documents keep their references locally; an index holding the same
            // documents in its maps answers the same.
            let mut global = dep_ls::index::Index::new();
            for k in &keys {
                global.update(&k.rel, f.parsed(&k.rel).expect("open"));
            }
            for id in ["DEP-101", "DEP-102", "DEP-104", "DEP-999", "DEP-10", "TEST-001", "TEST-002", "EPIC-01"] {
                let refs = |ix: &dep_ls::index::Index| {
                    let mut v: Vec<(String, usize, usize)> = ix
                        .references(id)
                        .into_iter()
                        .filter_map(|r| ix.reference(r))
                        .map(|(p, r)| (p.to_string(), r.span.start, r.span.end))
                        .chain(ix.ranges_covering(id).into_iter().filter_map(|(file, s)| {
                            Some((ix.file(file)?.path.clone(), s.start, s.end))
                        }))
                        .collect();
                    v.sort();
                    v
                };
                prop_assert_eq!(refs(&f.index), refs(&global), "{}", id);
            }
        }
        // The edits went where they were meant to (the check above compared real plans).
        for (k, t) in keys.iter().zip(&texts) {
            prop_assert_eq!(w.folder(&root).and_then(|f| f.text(&k.rel)), Some(t.as_str()));
        }
    }
}

/// Typing in one file changes the plan findings of the plan it belongs to, and only those
/// (the other files' facts are reused).
#[test]
fn plan_findings_change_with_the_file_typed_in() {
    use dep_ls::check::Code;
    use dep_ls::document::Change;
    use dep_ls::workspace::world::{DocKey, World};
    let root = std::env::temp_dir().join("dep-ls-plan-typing-never-created");
    let mut w = World::default();
    w.add_folder(root.clone());
    let key = |rel: &str| DocKey {
        folder: root.clone(),
        rel: rel.to_string(),
    };
    let staging =
        "## DEP-001: Staging\nType: Environment\nName: staging\nConfiguration:\n  - A=1\n";
    let production = "## DEP-002: Production\nType: Environment\nName: production\nConfiguration:\n  - A=1\n\n## DEP-003: Back out\nType: Rollback\n";
    w.open(&key("a.md"), staging.to_string(), 1);
    w.open(&key("b.md"), production.to_string(), 1);
    let codes = |w: &World| {
        let mut c: Vec<Code> = w
            .folder(&root)
            .expect("folder")
            .plan_findings()
            .iter()
            .map(|f| f.code)
            .collect();
        c.sort();
        c
    };
    assert_eq!(codes(&w), vec![Code::NoValidation, Code::NoCriteria]);
    // A configuration key only staging sets: drift, reported on production.
    let end = Position {
        line: 4,
        character: 7,
    };
    let add = Change {
        range: Some(Range { start: end, end }),
        text: "\n  - B=2".into(),
    };
    assert!(w.change(&key("a.md"), 2, &[add], PositionEncoding::Utf8));
    let mut want = vec![Code::NoValidation, Code::NoCriteria, Code::EnvironmentDrift];
    want.sort();
    assert_eq!(codes(&w), want);
    let f = w.folder(&root).expect("folder");
    let drift: Vec<_> = f
        .plan_findings()
        .iter()
        .filter(|x| x.code == Code::EnvironmentDrift)
        .map(|x| x.path.clone())
        .collect();
    assert_eq!(drift, vec!["b.md".to_string()]);
    // Production becomes a Validation entry: no drift, no missing Validation, but production
    // is missing.
    let at = Position {
        line: 1,
        character: 6,
    };
    let to = Position {
        line: 1,
        character: 17,
    };
    let retype = Change {
        range: Some(Range { start: at, end: to }),
        text: "Validation".into(),
    };
    assert!(w.change(&key("b.md"), 2, &[retype], PositionEncoding::Utf8));
    let mut want = vec![Code::NoCriteria, Code::MissingEnvironment];
    want.sort();
    assert_eq!(codes(&w), want);
}

/// Regression (found by the generated-edits property): an edit below a section that starts
/// right after front matter with ` ---` rescanned that section as if it began the document, so
/// its first line opened front matter that a `---` further down closed, and every line up to
/// there became front matter.
#[test]
fn a_section_starting_with_a_dash_line_after_front_matter_is_not_front_matter() {
    let prefixes = Prefixes::default();
    let text = "---\ntitle: Release plan\n---\n ---\nprose\n\n## DEP-001: Rollback\nProcedure\t:\t\nmore\n---\n";
    let mut doc = Document::new(text.to_string(), 0, &prefixes);
    let fresh = tree::classify(doc.text());
    assert_eq!(doc.kinds(), &fresh[..]);
    let at = Range {
        start: Position {
            line: 7,
            character: 9,
        },
        end: Position {
            line: 7,
            character: 9,
        },
    };
    doc.edit(at, " \n", PositionEncoding::Utf16, &prefixes);
    let fresh = tree::classify(doc.text());
    assert_eq!(doc.kinds(), &fresh[..], "{:?}", doc.text());
    assert_eq!(doc.parsed().entries.len(), 1);
}

//! Properties over documents from the grammar-aware generator (`dep_ls::gen`): proptest draws
//! choice bytes and `gen::document` turns them into DEP- documents (every definition and field
//! spelling, HTML blocks of all seven kinds, fences, tables, quotes, front matter,
//! whitespace-only lines, CRLF/CR, a BOM, non-ASCII). Shrinking the bytes shrinks the document
//! through the grammar.
//!
//! - nothing panics through either block recogniser, an open `Document`, the index and every
//!   check, and every span lies inside the text on char boundaries;
//! - the fast path and the tree-sitter path extract the same `ParsedDoc` (the server and
//!   `check` see the same entries);
//! - `check`, the readiness report, the trace graph and `--fix` over a workspace of 1–3
//!   generated files never panic, and findings lie inside their file;
//! - a BOM, and the kind of line endings, change nothing but offsets.
//!
//! `PROPTEST_CASES` overrides the case counts (for longer local runs); CI fixes the seed
//! (`PROPTEST_RNG_SEED` in `.ci/run`).

use dep_ls::check::check_all;
use dep_ls::config::Config;
use dep_ls::document::Document;
use dep_ls::gen;
use dep_ls::index::Index;
use dep_ls::syntax::{parse_fast, parse_tree, LinkItem, ParsedDoc, Prefixes, Span};
use proptest::prelude::*;
use proptest::test_runner::Config as PtConfig;
use std::sync::Arc;

/// `n` cases, or `PROPTEST_CASES` when set.
fn cases(n: u32) -> PtConfig {
    let n = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(n);
    PtConfig {
        cases: n,
        ..PtConfig::default()
    }
}

/// Choice bytes for one document.
fn doc_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..384)
}

fn span_ok(text: &str, s: &Span) -> bool {
    s.start <= s.end
        && s.end <= text.len()
        && text.is_char_boundary(s.start)
        && text.is_char_boundary(s.end)
}

/// Every span of `doc` (entries, fields, link items, references, links) lies inside `text` on
/// char boundaries.
fn check_spans(text: &str, doc: &ParsedDoc, path: &str) -> Result<(), TestCaseError> {
    for e in &doc.entries {
        for (what, s) in [
            ("entry", &e.span),
            ("id", &e.id_span),
            ("definition line", &e.line_span),
        ] {
            prop_assert!(span_ok(text, s), "{} {}: {} span {:?}", path, e.id, what, s);
        }
        for f in &e.fields {
            let mut rel = vec![f.key_span, f.value_span];
            rel.extend(f.pieces.iter().copied());
            for item in &f.items {
                match item {
                    LinkItem::Id(r) | LinkItem::UnknownPrefix(r) | LinkItem::Placeholder(r) => {
                        rel.push(r.span)
                    }
                    LinkItem::Range { start, end, span } => {
                        rel.extend([start.span, end.span, *span])
                    }
                }
            }
            for r in rel {
                let s = e.abs(r);
                prop_assert!(
                    span_ok(text, &s),
                    "{} {}: field {} span {:?}",
                    path,
                    e.id,
                    f.key,
                    s
                );
            }
        }
    }
    for r in &doc.refs {
        prop_assert!(
            span_ok(text, &r.span),
            "{} ref {} span {:?}",
            path,
            r.id,
            r.span
        );
        if let Some(l) = &r.link {
            prop_assert!(span_ok(text, &l.span), "{} link span {:?}", path, l.span);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(cases(1024))]

    /// Both block recognisers, the extractor, an open `Document` and every check on one
    /// generated document: no panic, spans in bounds, the open document parses like
    /// `parse_tree`.
    #[test]
    fn generated_documents_parse_and_check_without_panics(bytes in doc_bytes()) {
        let text = gen::document(&bytes);
        let config = Config::default();
        let fast = parse_fast(&text, &config.prefixes);
        check_spans(&text, &fast, "fast")?;
        let tree = parse_tree(&text, &config.prefixes);
        check_spans(&text, &tree, "tree")?;
        let doc = Document::new(text.clone(), 1, &config.prefixes);
        prop_assert_eq!(&**doc.parsed(), &tree, "an open document parses like parse_tree");
        let mut index = Index::new();
        index.update("a.md", Arc::new(fast));
        for f in check_all(&index, &config) {
            prop_assert!(span_ok(&text, &f.span), "finding span {:?} ({:?})", f.span, f.code);
        }
    }

    /// The differential: the fast path (`check`, indexing) and the tree-sitter path (open
    /// documents in the server) extract the same entries and references.
    #[test]
    fn fast_and_tree_paths_extract_the_same_from_generated_documents(bytes in doc_bytes()) {
        let text = gen::document(&bytes);
        // Where the two recognisers classify a line differently, `tests/engine/differential.rs` is the
        // judge: it fails unless the case is one of tree-sitter-md's known divergences (an
        // HTML block started by `<!DOCTYPE`, …). Here, the extractor given equal kinds.
        prop_assume!(
            dep_ls::syntax::blocks::classify(&text) == dep_ls::syntax::tree::classify(&text)
        );
        let prefixes = Prefixes::default();
        let fast = parse_fast(&text, &prefixes);
        let tree = parse_tree(&text, &prefixes);
        prop_assert_eq!(fast, tree, "ParsedDoc differs on {:?}", text);
    }
}

/// The paths of a generated workspace.
const PATHS: &[&str] = &["release/plan.md", "release/staging.md", "SoT.API.md"];

proptest! {
    #![proptest_config(cases(256))]

    /// `check` (and what the CLI does with its findings: the readiness report, the trace
    /// graph, `--fix`) over a workspace of 1–3 generated files, some parsed by the fast path
    /// and some opened as documents (tree-sitter): no panic, findings inside their file.
    #[test]
    fn check_report_graph_and_fix_never_panic_on_generated_workspaces(
        files in prop::collection::vec(doc_bytes(), 1..=3),
    ) {
        let config = Config::default();
        let texts: Vec<(&str, String)> = files
            .iter()
            .enumerate()
            .map(|(i, b)| (PATHS[i], gen::document(b)))
            .collect();
        let mut index = Index::new();
        let mut docs = Vec::new();
        for (i, (path, text)) in texts.iter().enumerate() {
            let doc = if i % 2 == 0 {
                Arc::new(parse_fast(text, &config.prefixes))
            } else {
                Arc::clone(Document::new(text.clone(), 1, &config.prefixes).parsed())
            };
            index.update(path, Arc::clone(&doc));
            docs.push(doc);
        }
        let findings = check_all(&index, &config);
        for f in &findings {
            let text = texts.iter().find(|(p, _)| *p == f.path).map(|(_, t)| t.as_str());
            prop_assert!(text.is_some(), "finding on an unknown path {}", f.path);
            let text = text.unwrap_or_default();
            prop_assert!(
                span_ok(text, &f.span),
                "{}: finding span {:?} ({:?})",
                f.path,
                f.span,
                f.code
            );
        }
        // The readiness report and the trace graph in every format.
        let mut lines =
            dep_ls::report::TextLines::new(texts.iter().map(|(p, t)| (*p, t.as_str())));
        let report = dep_ls::report::build(&index, &config, &mut lines);
        let _ = dep_ls::report::render::markdown(&report);
        let _ = dep_ls::report::render::json(&report);
        let graphs: Vec<_> = report
            .plans
            .iter()
            .map(|p| dep_ls::report::graph::build(&index, &p.members, &mut lines))
            .collect();
        for g in &graphs {
            let _ = (g.to_mermaid(), g.to_dot(), g.to_json(), g.to_svg());
        }
        let _ = dep_ls::report::render::html(&report, &graphs, "generated");
        // `--fix`: the safe fixes of each file, applied.
        let mut numbering = dep_ls::fix::Numbering::from_index(&index);
        for ((path, text), doc) in texts.iter().zip(&docs) {
            let mine: Vec<_> = findings.iter().filter(|f| f.path == *path).cloned().collect();
            let fixes = dep_ls::fix::fixes(text, doc, &mine, &mut numbering);
            let fixed = dep_ls::fix::apply(text, &fixes);
            let _ = dep_ls::fix::unified_diff(path, text, &fixed);
        }
    }
}

/// What a document says, without offsets: per entry its ID, title, kind and fields (key,
/// value, link items), and per reference its ID, entry, field and link destination.
type Projection = (
    Vec<(String, String, String, Vec<(String, String, Vec<String>)>)>,
    Vec<(String, Option<u32>, Option<u32>, bool, Option<String>)>,
);

fn project(doc: &ParsedDoc) -> Projection {
    let entries = doc
        .entries
        .iter()
        .map(|e| {
            let fields = e
                .fields
                .iter()
                .map(|f| {
                    let items = f
                        .items
                        .iter()
                        .map(|i| match i {
                            LinkItem::Id(r) => format!("id {}", r.id),
                            LinkItem::UnknownPrefix(r) => format!("unknown {}", r.id),
                            LinkItem::Placeholder(r) => format!("placeholder {}", r.id),
                            LinkItem::Range { start, end, .. } => {
                                format!("range {} {}", start.id, end.id)
                            }
                        })
                        .collect();
                    (f.key.to_string(), f.value.to_string(), items)
                })
                .collect();
            (
                e.id.to_string(),
                e.title.to_string(),
                format!(
                    "{:?} placeholder={} deprecated={} replacement={:?} summary={:?}",
                    e.def_kind, e.placeholder, e.deprecated, e.replacement, e.summary
                ),
                fields,
            )
        })
        .collect();
    let refs = doc
        .refs
        .iter()
        .map(|r| {
            (
                r.id.to_string(),
                r.entry,
                r.field,
                r.link_list,
                r.link.as_ref().map(|l| l.dest.clone()),
            )
        })
        .collect();
    (entries, refs)
}

/// `text` with every line break replaced by `nl`.
fn with_line_endings(text: &str, nl: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', nl)
}

proptest! {
    #![proptest_config(cases(512))]

    /// A UTF-8 BOM at the start of a file changes nothing but offsets (it used to hide the
    /// file's first definition).
    #[test]
    fn a_bom_changes_nothing_but_offsets(bytes in doc_bytes()) {
        let text = gen::document(&bytes);
        // Only the first U+FEFF is a byte-order mark; a second one is text.
        let plain = text.trim_start_matches('\u{feff}').to_string();
        let bom = format!("\u{feff}{plain}");
        let prefixes = Prefixes::default();
        for parse in [parse_fast, parse_tree] {
            let (a, b) = (parse(&plain, &prefixes), parse(&bom, &prefixes));
            prop_assert_eq!(project(&a), project(&b), "BOM changes {:?}", plain);
        }
    }

    /// LF, CRLF and lone-CR line endings give the same entries and references.
    #[test]
    fn line_endings_change_nothing_but_offsets(bytes in doc_bytes()) {
        let text = gen::document(&bytes);
        let lf = with_line_endings(&text, "\n");
        let prefixes = Prefixes::default();
        for parse in [parse_fast, parse_tree] {
            let want = project(&parse(&lf, &prefixes));
            for nl in ["\r\n", "\r"] {
                let other = with_line_endings(&text, nl);
                prop_assert_eq!(
                    &want,
                    &project(&parse(&other, &prefixes)),
                    "{:?} endings change {:?}",
                    nl,
                    lf
                );
            }
        }
    }
}

/// Checks every property above on one fixed text.
fn all_properties(text: &str) -> Result<(), TestCaseError> {
    let config = Config::default();
    let fast = parse_fast(text, &config.prefixes);
    check_spans(text, &fast, "fast")?;
    let tree = parse_tree(text, &config.prefixes);
    check_spans(text, &tree, "tree")?;
    let doc = Document::new(text.to_string(), 1, &config.prefixes);
    prop_assert_eq!(&**doc.parsed(), &tree, "open document on {:?}", text);
    prop_assert_eq!(&fast, &tree, "fast != tree on {:?}", text);
    let mut index = Index::new();
    index.update("a.md", Arc::new(fast));
    for f in check_all(&index, &config) {
        prop_assert!(
            span_ok(text, &f.span),
            "finding span {:?} on {:?}",
            f.span,
            text
        );
    }
    let plain = text.trim_start_matches('\u{feff}');
    let bom = format!("\u{feff}{plain}");
    let lf = with_line_endings(plain, "\n");
    for parse in [parse_fast, parse_tree] {
        let want = project(&parse(&lf, &config.prefixes));
        prop_assert_eq!(
            &project(&parse(plain, &config.prefixes)),
            &want,
            "{:?}",
            text
        );
        prop_assert_eq!(
            &project(&parse(&bom, &config.prefixes)),
            &want,
            "BOM {:?}",
            text
        );
        for nl in ["\r\n", "\r"] {
            let other = with_line_endings(plain, nl);
            prop_assert_eq!(
                &project(&parse(&other, &config.prefixes)),
                &want,
                "{:?} {:?}",
                nl,
                text
            );
        }
    }
    Ok(())
}

fn all_hold(cases: &[&str]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|t| all_properties(t).err().map(|e| e.to_string()))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What the generator found on the old code (`/work/notes/gen-findings.md` G1–G3, minimised):
/// the panic in the extractor (a whitespace-only line after an empty field after an
/// HTML-block start), a BOM hiding line 0's block, `<!X` blocks read differently.
#[test]
fn what_the_generator_found_holds() {
    all_hold(&[
        "DEP-001: Release plan\n<!DOCTYPE html>\nOwner:\n \n",
        "```\n```\nDEP-1:\n<?\ny:\n\t\n",
        "~~~\n~~~\nTEST-2:\n<?\nn:\n \n",
        "TEST-0:",
        "```l\nEPIC-1",
        "\u{feff}+++\nDEP-1\n+++\n",
        "\u{feff}```DEP-3",
        "\u{feff} \n \n \n---\nDEP-001: Release plan\n",
        "<!P><!--\n\rDEP-1",
        "<!X>\n# SEC-2",
        "\u{feff}\u{feff}<!---->DEP-1",
    ]);
}

/// Where tree-sitter-md's grammar fails (`gen-findings.md` G4–G10: tables with a one-cell
/// header or empty cells, HTML blocks in list items or quotes before blank lines, a tag after
/// a link reference definition, `[\`, line endings): the server (tree path) and `check` (fast
/// path) must still extract the same.
#[test]
fn where_the_grammar_fails_both_paths_still_agree() {
    all_hold(&[
        "D|\n-|\n|**DEP-3**|\n||\n",
        "e|\n-\nAPI-1",
        "||\n-\nTEST-0",
        "d|||\n-|-|-\nTEST-2",
        "F||\n|||\n<!---->DEP-0",
        "\u{feff}||\n-\n\nDEP-1\n",
        "T|\n||\nTEST-2|<!e",
        "API-4:\n- <t>\n\n\n<!--\nk",
        "1.\n   * <h>\n\n\n1. <!--\nSEC-2",
        "- <a f=\"\">\n\n\n<s>\n# RUN-5",
        "- <!e\n  <div\n\n\n- ~~~`\n  RUN-5",
        "\u{feff}0. <e>\n\n\n ```d\nDEP-1",
        "-\n  2) <v>\n\n  p\n~~~TEST-1",
        "- <a>\n\n\n<!--\nAPI-4",
        "2)\n   -\t<s>\n\n\n # DEP-1",
        "[1]:\"\r<!e>\r# TEST-1",
        "~~~\n~~~\n[1]:d\n<t>\n# DEP-0",
        "[\\>\n# TEST-0",
        "><s>\n>\n>\n<!--\n\nDEP-2<!e",
        "><!X\n-\n  <v>\n\n\n>\n  ```markdown\n  BR-FEA-1:\n`",
        "+++\n+++\n -\t:\n||||\n    -|-|-\n**TEST-2**\n",
        "[5]:5\n<m>\n# EPIC-1",
        "[5]:5\n<r>\r<![CDATA[\n\r# DEP-2\n",
        "# TEST-1\n<!L>\n[1]:d\n<m>\n# ",
        "+++\n+++\n-\t:\n  ```\n```SEC-2\n",
    ]);
}

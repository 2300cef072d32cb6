//! The trace graph in the editor (`dep_ls::ide::{hierarchy, links, coverage}`): call hierarchy
//! nodes and calls (across files, ranges included), document links, and the coverage and
//! "linked by" lenses; `trace::plan_links`, the query behind the latter.

use super::support::*;
use dep_ls::ide::coverage::{lens_at, lenses, linked_by_label};
use dep_ls::ide::hierarchy::{incoming, item_of, outgoing, prepare, Call, Item};
use dep_ls::ide::links::document_links;
use dep_ls::trace::plan_links;

const WS: &str = "
//- /release/plan.md
# Plan

DEP-001: Staging ready
Type: Criteria
Owner: Priya
Linked IDs: EPIC-01, TEST-001 to TEST-004, MON-009
Rollback Trigger: see MON-001 and DEP-002

DEP-002: Production criteria
Type: Criteria
Owner: Dev
Linked IDs: TEST-003, $0EPIC-01, [API-001](../SoT/api.md#api-001-create-order)

Outside any field: `TEST-002` in a code span, and TEST-001.
//- /SoT/tests.md
# Tests

### TEST-001 | Login works
**Covers**: API-001

### TEST-002 | Checkout works

### TEST-004 | Refund works

MON-001: Error rate
EPIC-01: Checkout v2
//- /SoT/api.md
# API

### API-001 | Create order

### API-002 | Fetch order
See [the tests](tests.md) and [TEST-002](tests.md#test-002), [TEST-001](https://example.com/t).
";

/// (path, text under the selection, defined) of an item.
fn node(fx: &Fixture, it: &Item) -> (String, String, bool) {
    (
        it.path.clone(),
        fx.slice(&it.path, &it.selection).to_string(),
        it.defined,
    )
}

/// (caller or callee ID, the text under each span) of calls.
fn calls(fx: &Fixture, cs: &[Call]) -> Vec<(String, Vec<String>)> {
    cs.iter()
        .map(|c| {
            (
                c.item.id.clone(),
                c.spans
                    .iter()
                    .map(|s| fx.slice(&c.path, s).to_string())
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn prepare_gives_the_definition_of_the_id_under_the_cursor() {
    check(WS, |fx| {
        // On a reference: its first definition, in another (unopened) file.
        let it = prepare(&fx.folder, &fx.file, fx.offset).expect("an item");
        assert_eq!(it.id, "EPIC-01");
        assert_eq!(it.title, "Checkout v2");
        assert_eq!(
            node(fx, &it),
            ("SoT/tests.md".into(), "EPIC-01".into(), true)
        );
        assert!(it.span.start <= it.selection.start && it.selection.end <= it.span.end);
        // On a definition: that definition, its whole entry as the range.
        let at = fx.nth("release/plan.md", "DEP-002: Production", 0) + 2;
        let it = prepare(&fx.folder, "release/plan.md", at).expect("an item");
        assert_eq!(it.id, "DEP-002");
        let entry = fx.slice("release/plan.md", &it.span);
        assert!(
            entry.starts_with("DEP-002: Production criteria") && entry.contains("Linked IDs"),
            "{entry:?}"
        );
        // An ID defined nowhere: a node at the reference, not defined.
        let at = fx.nth("release/plan.md", "MON-009", 0) + 1;
        let it = prepare(&fx.folder, "release/plan.md", at).expect("an item");
        assert_eq!(
            node(fx, &it),
            ("release/plan.md".into(), "MON-009".into(), false)
        );
        // Off any ID, past the end, in no file: nothing.
        let at = fx.nth("release/plan.md", "Owner: Dev", 0) + 8;
        assert_eq!(prepare(&fx.folder, "release/plan.md", at), None);
        assert_eq!(prepare(&fx.folder, "release/plan.md", usize::MAX), None);
        assert_eq!(prepare(&fx.folder, "nowhere.md", 0), None);
    });
}

#[test]
fn incoming_calls_are_the_linking_entries_across_files_with_exact_spans() {
    check(WS, |fx| {
        assert_eq!(
            calls(fx, &incoming(&fx.folder, "TEST-003")),
            [
                ("DEP-001".into(), vec!["TEST-001 to TEST-004".into()]),
                ("DEP-002".into(), vec!["TEST-003".into()]),
            ]
        );
        // API-001: linked from a test's Covers field and from a plan (a Markdown link's text),
        // in path order (`SoT/` before `release/`); the caller nodes are their entries.
        let inc = incoming(&fx.folder, "API-001");
        assert_eq!(
            calls(fx, &inc),
            [
                ("TEST-001".into(), vec!["API-001".into()]),
                ("DEP-002".into(), vec!["API-001".into()]),
            ]
        );
        assert_eq!(inc[0].path, "SoT/tests.md");
        assert_eq!(
            node(fx, &inc[0].item),
            ("SoT/tests.md".into(), "TEST-001".into(), true)
        );
        // Several mentions in one entry: one call, every span.
        let mon = incoming(&fx.folder, "DEP-002");
        assert_eq!(
            calls(fx, &mon),
            [("DEP-001".into(), vec!["DEP-002".into()])]
        );
        // An ID defined nowhere is linked too; an unknown string is linked by nothing.
        assert_eq!(incoming(&fx.folder, "MON-009").len(), 1);
        assert!(incoming(&fx.folder, "NOPE-1").is_empty());
        assert!(incoming(&fx.folder, "").is_empty());
    });
}

#[test]
fn outgoing_calls_are_the_linked_ids_with_range_members_and_missing_targets() {
    check(WS, |fx| {
        let out = outgoing(&fx.folder, "DEP-001", None);
        assert_eq!(
            calls(fx, &out),
            [
                ("EPIC-01".into(), vec!["EPIC-01".into()]),
                ("TEST-001".into(), vec!["TEST-001".into()]),
                ("TEST-002".into(), vec!["TEST-001 to TEST-004".into()]),
                ("TEST-003".into(), vec!["TEST-001 to TEST-004".into()]),
                ("TEST-004".into(), vec!["TEST-004".into()]),
                ("MON-009".into(), vec!["MON-009".into()]),
                ("MON-001".into(), vec!["MON-001".into()]),
                ("DEP-002".into(), vec!["DEP-002".into()]),
            ]
        );
        assert!(out.iter().all(|c| c.path == "release/plan.md"));
        // Targets stand at their definitions; a missing one at the link, not defined.
        assert_eq!(
            node(fx, &out[1].item),
            ("SoT/tests.md".into(), "TEST-001".into(), true)
        );
        assert_eq!(out[1].item.title, "Login works");
        assert_eq!(
            node(fx, &out[3].item),
            (
                "release/plan.md".into(),
                "TEST-001 to TEST-004".into(),
                false
            )
        );
        assert_eq!(
            node(fx, &out[5].item),
            ("release/plan.md".into(), "MON-009".into(), false)
        );
        // From a file that is not the cursor's, and nothing for what no entry defines.
        assert_eq!(
            calls(fx, &outgoing(&fx.folder, "TEST-001", None)),
            [("API-001".into(), vec!["API-001".into()])]
        );
        assert!(outgoing(&fx.folder, "MON-009", None).is_empty());
        assert!(outgoing(&fx.folder, "API-999", Some("SoT/api.md")).is_empty());
    });
}

#[test]
fn a_duplicated_id_leaves_from_the_definition_in_the_named_file() {
    let ws = "
//- /a.md
DEP-001: First
Linked IDs: EPIC-01
//- /b.md
DEP-001: Second$0
Linked IDs: EPIC-02
";
    check(ws, |fx| {
        let it = prepare(&fx.folder, "b.md", 2).expect("item");
        assert_eq!((it.path.as_str(), it.title.as_str()), ("b.md", "Second"));
        assert_eq!(item_of(&fx.folder, "DEP-001").unwrap().path, "a.md");
        let ids = |p: Option<&str>| -> Vec<String> {
            outgoing(&fx.folder, "DEP-001", p)
                .into_iter()
                .map(|c| c.item.id)
                .collect()
        };
        assert_eq!(ids(Some("b.md")), ["EPIC-02"]);
        assert_eq!(ids(Some("a.md")), ["EPIC-01"]);
        assert_eq!(ids(None), ["EPIC-01"]);
        assert_eq!(ids(Some("c.md")), ["EPIC-01"]);
    });
}

/// (text under the link, target path, text under the target, tooltip) of a file's links.
fn links(fx: &Fixture, rel: &str) -> Vec<(String, String, String, String)> {
    document_links(&fx.folder, rel)
        .into_iter()
        .map(|l| {
            let target = l
                .target
                .as_ref()
                .map(|t| fx.slice(&l.path, t).to_string())
                .unwrap_or_default();
            (
                fx.slice(rel, &l.span).to_string(),
                l.path.clone(),
                target,
                l.tooltip,
            )
        })
        .collect()
}

#[test]
fn document_links_go_to_definitions_and_linked_files() {
    check(WS, |fx| {
        let plan = links(fx, "release/plan.md");
        let shown: Vec<(&str, &str, &str)> = plan
            .iter()
            .map(|(a, b, c, _)| (a.as_str(), b.as_str(), c.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("EPIC-01", "SoT/tests.md", "EPIC-01"),
                ("TEST-001", "SoT/tests.md", "TEST-001"),
                ("TEST-004", "SoT/tests.md", "TEST-004"),
                ("MON-001", "SoT/tests.md", "MON-001"),
                ("DEP-002", "release/plan.md", "DEP-002"),
                ("EPIC-01", "SoT/tests.md", "EPIC-01"),
                // The Markdown link as a whole, to the definition its anchor names.
                (
                    "[API-001](../SoT/api.md#api-001-create-order)",
                    "SoT/api.md",
                    "API-001"
                ),
                // Not in the code span; the plain mention is.
                ("TEST-001", "SoT/tests.md", "TEST-001"),
            ]
        );
        // TEST-003 and MON-009 are defined nowhere: no link.
        assert!(!plan.iter().any(|l| l.0 == "TEST-003" || l.0 == "MON-009"));
        assert_eq!(plan[1].3, "TEST-001 — Login works (SoT/tests.md)");

        let api = links(fx, "SoT/api.md");
        let shown: Vec<(&str, &str, &str)> = api
            .iter()
            .map(|(a, b, c, _)| (a.as_str(), b.as_str(), c.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                // A link without anchor: the definition its text names in that file.
                ("[TEST-002](tests.md#test-002)", "SoT/tests.md", "TEST-002"),
                // A URL is the client's business: the ID inside links to its definition.
                ("TEST-001", "SoT/tests.md", "TEST-001"),
            ]
        );
    });
}

#[test]
fn a_markdown_link_to_a_file_that_does_not_define_the_id_opens_the_file() {
    let ws = "
//- /plan.md
DEP-001: A$0
Linked IDs: [EPIC-02](epics/e2.md), [EPIC-03](gone.md)
//- /epics/e2.md
# Payments hardening
//- /epics/defs.md
EPIC-03: Three
";
    check(ws, |fx| {
        let got: Vec<(String, String, String)> = links(fx, "plan.md")
            .into_iter()
            .map(|(a, b, c, _)| (a, b, c))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "[EPIC-02](epics/e2.md)".to_string(),
                    "epics/e2.md".to_string(),
                    String::new()
                ),
                // A broken link: the ID still links to its definition.
                (
                    "EPIC-03".to_string(),
                    "epics/defs.md".to_string(),
                    "EPIC-03".to_string()
                ),
            ]
        );
    });
}

/// (text of the line the lens stands on, title) of a file's trace lenses.
fn lens_titles(fx: &Fixture, rel: &str) -> Vec<(String, String)> {
    let text = fx.file_text(rel);
    lenses(&fx.folder, rel, false)
        .into_iter()
        .map(|l| {
            let start = text[..l.span.start].rfind('\n').map_or(0, |n| n + 1);
            let end = text[l.span.start..]
                .find('\n')
                .map_or(text.len(), |n| l.span.start + n);
            (text[start..end].to_string(), l.title)
        })
        .collect()
}

#[test]
fn coverage_lenses_on_link_lists_and_linked_by_on_definitions() {
    check(WS, |fx| {
        assert_eq!(
            lens_titles(fx, "release/plan.md"),
            [
                // DEP-002 is named by DEP-001 outside a link list: no "linked by" on it.
                (
                    "Linked IDs: EPIC-01, TEST-001 to TEST-004, MON-009".into(),
                    "covers 1 EPIC-, 4 TEST-, 1 MON- · 2 missing: TEST-003, MON-009".into()
                ),
                (
                    "Linked IDs: TEST-003, EPIC-01, [API-001](../SoT/api.md#api-001-create-order)"
                        .into(),
                    "covers 1 TEST-, 1 EPIC-, 1 API- · 1 missing: TEST-003".into()
                ),
            ]
        );
        let tests = lens_titles(fx, "SoT/tests.md");
        assert_eq!(
            tests,
            [
                (
                    "### TEST-001 | Login works".into(),
                    "linked by DEP-001".into()
                ),
                ("**Covers**: API-001".into(), "covers 1 API-".into()),
                (
                    "### TEST-002 | Checkout works".into(),
                    "linked by DEP-001".into()
                ),
                (
                    "### TEST-004 | Refund works".into(),
                    "linked by DEP-001".into()
                ),
                (
                    "EPIC-01: Checkout v2".into(),
                    "linked by DEP-001, DEP-002".into()
                ),
            ]
        );
        // MON-001 is named by DEP-001 outside a link list: no "linked by".
        // Sent without locations; resolved one by one, each with the locations it is about:
        // the covered IDs' definitions; the plans' links.
        for rel in ["release/plan.md", "SoT/tests.md"] {
            for l in lenses(&fx.folder, rel, false) {
                assert!(l.locations.is_empty());
                let r = lens_at(&fx.folder, rel, l.span.start).expect("resolves");
                assert_eq!((&r.span, &r.title), (&l.span, &l.title));
                assert_eq!(
                    lenses(&fx.folder, rel, true)
                        .iter()
                        .find(|x| x.span == l.span),
                    Some(&r)
                );
            }
        }
        assert_eq!(lens_at(&fx.folder, "release/plan.md", 0), None);
        assert_eq!(lens_at(&fx.folder, "release/plan.md", usize::MAX), None);
        assert_eq!(lens_at(&fx.folder, "nowhere.md", 0), None);
        let ls = lenses(&fx.folder, "release/plan.md", true);
        let covered: Vec<&str> = ls[0]
            .locations
            .iter()
            .map(|l| fx.slice(&l.path, &l.span))
            .collect();
        assert_eq!(covered, ["EPIC-01", "TEST-001", "TEST-002", "TEST-004"]);
        let ls = lenses(&fx.folder, "SoT/tests.md", true);
        let by: Vec<(&str, &str)> = ls[4]
            .locations
            .iter()
            .map(|l| (l.path.as_str(), fx.slice(&l.path, &l.span)))
            .collect();
        assert_eq!(
            by,
            [
                ("release/plan.md", "EPIC-01"),
                ("release/plan.md", "EPIC-01")
            ]
        );
    });
}

#[test]
fn a_table_row_gets_one_coverage_lens_and_no_linked_by() {
    let ws = "
//- /plan.md
| ID | Title | Type | Stage | Owner | Linked IDs | Related IDs |
|----|-------|------|-------|-------|------------|-------------|
| DEP-010 | Error rollback | Rollback | Post-deploy | SRE | MON-001, RUN-005 | DEP-011 |
| DEP-011 | Other | Rollback | Post-deploy | SRE | DEP-010 | |

MON-001: Errors$0
";
    check(ws, |fx| {
        let got = lens_titles(fx, "plan.md");
        let row = "| DEP-010 | Error rollback | Rollback | Post-deploy | SRE | MON-001, RUN-005 | DEP-011 |";
        let on_row: Vec<&str> = got
            .iter()
            .filter(|(l, _)| l == row)
            .map(|(_, t)| t.as_str())
            .collect();
        assert_eq!(
            on_row,
            ["covers 1 MON-, 1 RUN- · 1 missing: RUN-005 | covers 1 DEP-"]
        );
        assert!(got
            .iter()
            .any(|(l, t)| l == "MON-001: Errors" && t == "linked by DEP-010"));
        let start = fx.nth("plan.md", "MON-001, RUN-005", 0);
        let r = lens_at(&fx.folder, "plan.md", start).expect("the row's lens");
        assert_eq!(r.locations.len(), 2, "{r:?}");
    });
}

#[test]
fn linked_by_names_a_few_plans_then_counts() {
    let ids: Vec<String> = (1..=5).map(|n| format!("DEP-00{n}")).collect();
    assert_eq!(
        linked_by_label(&ids),
        "linked by DEP-001, DEP-002, DEP-003 +2"
    );
    assert_eq!(linked_by_label(&ids[..2]), "linked by DEP-001, DEP-002");
}

#[test]
fn plan_links_are_the_dep_entries_linking_from_link_lists_in_number_order() {
    let ws = "
//- /b.md
DEP-010: Ten
Linked IDs: EPIC-01, EPIC-01
//- /a.md
DEP-002: Two
Linked IDs: EPIC-01
Notes: EPIC-01 again
DEP-003: Three
Notes: EPIC-01 outside a link list
TEST-001: A test
Covers: EPIC-01
EPIC-01: Epic$0
";
    check(ws, |fx| {
        let got: Vec<(String, String, usize)> = plan_links(&fx.folder.index, "EPIC-01")
            .into_iter()
            .map(|i| (i.id, i.path, i.spans.len()))
            .collect();
        assert_eq!(
            got,
            [
                ("DEP-002".to_string(), "a.md".to_string(), 2),
                ("DEP-010".to_string(), "b.md".to_string(), 2),
            ]
        );
    });
}

//! The trace graph's questions (`dep_ls::trace`): outgoing links of an entry, incoming links of
//! an ID (across files, with ranges), link-list coverage and its label.

use super::support::*;
use dep_ls::trace::{coverage, coverage_label, incoming, linked_by_plans, outgoing};

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
Linked IDs: TEST-003, EPIC-01
//- /SoT/tests.md
# Tests

TEST-001: Login works
TEST-002: Checkout works
TEST-004: Refund works

MON-001: Error rate
EPIC-01: Checkout v2
$0
";

fn entry_index(fx: &Fixture, rel: &str, id: &str) -> usize {
    let doc = fx.folder.parsed(rel).expect("parsed");
    doc.entries
        .iter()
        .position(|e| &*e.id == id)
        .expect("entry")
}

#[test]
fn outgoing_lists_each_target_once_in_text_order_with_range_members() {
    check(WS, |fx| {
        let doc = fx.folder.parsed("release/plan.md").unwrap();
        let out = outgoing(&doc, entry_index(fx, "release/plan.md", "DEP-001"));
        let targets: Vec<&str> = out.iter().map(|o| o.target.as_str()).collect();
        assert_eq!(
            targets,
            [
                "EPIC-01", "TEST-001", "TEST-002", "TEST-003", "TEST-004", "MON-009", "MON-001",
                "DEP-002"
            ]
        );
        // A member inside a range is linked by the whole range's span.
        let t2 = &out[2];
        assert_eq!(
            fx.slice("release/plan.md", &t2.spans[0]),
            "TEST-001 to TEST-004"
        );
        assert!(t2.linked);
        // An ID named in another field is a link too, but not from a link list.
        let mon1 = out.iter().find(|o| o.target == "MON-001").unwrap();
        assert!(!mon1.linked);
        assert_eq!(fx.slice("release/plan.md", &mon1.spans[0]), "MON-001");
    });
}

#[test]
fn incoming_groups_by_entry_across_files_and_counts_ranges() {
    check(WS, |fx| {
        let inc = incoming(&fx.folder.index, "TEST-003");
        let who: Vec<&str> = inc.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(who, ["DEP-001", "DEP-002"]);
        assert_eq!(
            fx.slice("release/plan.md", &inc[0].spans[0]),
            "TEST-001 to TEST-004"
        );
        assert_eq!(fx.slice("release/plan.md", &inc[1].spans[0]), "TEST-003");
        assert_eq!(inc[0].path, "release/plan.md");
        let epic = incoming(&fx.folder.index, "EPIC-01");
        assert_eq!(epic.len(), 2);
        // An ID's own entry does not link it.
        assert!(incoming(&fx.folder.index, "DEP-001").is_empty());
        assert_eq!(
            linked_by_plans(&fx.folder.index, "EPIC-01"),
            ["DEP-001", "DEP-002"]
        );
        // Named outside a link list only: not "linked by".
        assert!(linked_by_plans(&fx.folder.index, "MON-001").is_empty());
        assert_eq!(incoming(&fx.folder.index, "MON-001").len(), 1);
    });
}

#[test]
fn coverage_counts_per_prefix_and_names_the_missing() {
    check(WS, |fx| {
        let doc = fx.folder.parsed("release/plan.md").unwrap();
        let e = &doc.entries[entry_index(fx, "release/plan.md", "DEP-001")];
        let f = e.fields.iter().find(|f| &*f.key == "Linked IDs").unwrap();
        let cov = coverage(&fx.folder.index, e, f);
        let prefixes: Vec<&str> = cov.iter().map(|c| c.prefix.as_str()).collect();
        assert_eq!(prefixes, ["EPIC", "TEST", "MON"]);
        assert_eq!(cov[1].ids.len(), 4);
        assert_eq!(cov[1].missing, ["TEST-003"]);
        assert_eq!(cov[2].missing, ["MON-009"]);
        assert_eq!(
            coverage_label(&cov),
            "covers 1 EPIC-, 4 TEST-, 1 MON- · 2 missing: TEST-003, MON-009"
        );
    });
}

#[test]
fn coverage_label_of_nothing_and_of_many_missing() {
    assert_eq!(coverage_label(&[]), "covers nothing yet");
    let c = dep_ls::trace::Coverage {
        prefix: "TEST".into(),
        ids: (1..=8).map(|n| format!("TEST-{n:03}")).collect(),
        missing: (1..=7).map(|n| format!("TEST-{n:03}")).collect(),
    };
    assert_eq!(
        coverage_label(&[c]),
        "covers 8 TEST- · 7 missing: TEST-001, TEST-002, TEST-003, TEST-004, TEST-005, …"
    );
}

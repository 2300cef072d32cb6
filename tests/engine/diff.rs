//! `dep_ls::diff`, in process: two workspaces built from (path, text) pairs, compared —
//! IDs added, removed, retitled, changed; suspect links; findings introduced and fixed (matched
//! without line numbers); readiness before → after; a scope; the three renderers.

use dep_ls::check::{Code, Finding, Severity};
use dep_ls::config::Config;
use dep_ls::diff::render::{self, Header, Side};
use dep_ls::diff::{self, Change, Diff, EntryStatus, Reason, Scope};
use dep_ls::syntax;
use dep_ls::workspace::Workspace;
use std::sync::Arc;

/// A workspace of these files (parsed as `check` parses them).
fn ws(files: &[(&str, &str)]) -> Workspace {
    let mut w = Workspace::new(std::path::PathBuf::new(), Config::default(), Vec::new());
    for (p, t) in files {
        w.index
            .update(p, Arc::new(syntax::parse_fast(t, &w.config.prefixes)));
        w.set_disk_text(p, t.to_string());
    }
    w
}

fn run(before: &[(&str, &str)], after: &[(&str, &str)]) -> Diff {
    diff::diff(&ws(before), &ws(after), &Scope::all())
}

const TESTS: &str = "\
## TEST-001: Checkout end-to-end test

Description: pays with a test card

## TEST-002: Refund test

Description: refunds an order

## TEST-003: Load test

Description: 500 orders a minute
";

const PLAN: &str = "\
## DEP-001: All tests pass in staging

Type: Criteria
Stage: Pre-deploy
Owner: QA
Blocker: Yes
Description: every test passes
Linked IDs: TEST-001, TEST-002

## DEP-002: Load test passes

Type: Criteria
Stage: Pre-deploy
Owner: QA
Blocker: Yes
Description: the load test passes
Linked IDs: TEST-001 to TEST-003
";

#[test]
fn nothing_changed_is_an_empty_diff() {
    let files = [("tests.md", TESTS), ("plan.md", PLAN)];
    let d = run(&files, &files);
    assert!(d.is_empty(), "{d:#?}");
    assert!(d.suspects.is_empty());
    assert_eq!(
        render::summary(&d),
        "no change to the trace graph, the findings or readiness"
    );
}

#[test]
fn a_removed_id_names_the_entries_that_link_it() {
    let after = TESTS.replace(
        "## TEST-002: Refund test\n\nDescription: refunds an order\n\n",
        "",
    );
    let d = run(
        &[("tests.md", TESTS), ("plan.md", PLAN)],
        &[("tests.md", &after), ("plan.md", PLAN)],
    );
    assert_eq!(
        d.removed.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        ["TEST-002"]
    );
    assert_eq!(d.removed[0].title, "Refund test");
    assert_eq!(d.removed[0].line, 5, "the line it had before");
    // DEP-001 names it; DEP-002 covers it with its range.
    let s: Vec<(&str, &str, Reason)> = d
        .suspects
        .iter()
        .map(|x| (x.entry.id.as_str(), x.target.as_str(), x.reason))
        .collect();
    assert_eq!(
        s,
        [
            ("DEP-001", "TEST-002", Reason::Removed),
            ("DEP-002", "TEST-002", Reason::Removed)
        ]
    );
    assert_eq!(d.suspects[0].entry.path, "plan.md");
    assert_eq!(d.suspects[0].entry.line, 8, "the Linked IDs line");
    assert_eq!(d.suspects[0].entry_status, EntryStatus::Unchanged);
    // The plan's link to it is now unresolved: an error introduced.
    assert!(d.errors_introduced() > 0, "{:#?}", d.introduced);
    assert!(d
        .introduced
        .iter()
        .any(|f| f.code == "unresolved-link" && f.message.contains("TEST-002")));
}

#[test]
fn a_retitle_and_a_changed_field_make_suspects_with_what_changed() {
    let after = TESTS
        .replace(
            "TEST-001: Checkout end-to-end test",
            "TEST-001: Checkout smoke test",
        )
        .replace("500 orders a minute", "800 orders a minute");
    let d = run(
        &[("tests.md", TESTS), ("plan.md", PLAN)],
        &[("tests.md", &after), ("plan.md", PLAN)],
    );
    assert_eq!(d.retitled.len(), 1);
    assert_eq!(d.retitled[0].at.id, "TEST-001");
    assert_eq!(d.retitled[0].before, "Checkout end-to-end test");
    assert_eq!(d.retitled[0].at.title, "Checkout smoke test");
    // A retitle alone is not listed as changed.
    assert_eq!(d.changed.len(), 1, "{:#?}", d.changed);
    let c = &d.changed[0];
    assert_eq!(c.at.id, "TEST-003");
    assert_eq!(c.fields.len(), 1);
    assert_eq!(c.fields[0].field, "Description");
    assert_eq!(c.fields[0].change, Change::Changed);
    assert_eq!(c.fields[0].before.as_deref(), Some("500 orders a minute"));
    assert_eq!(c.fields[0].after.as_deref(), Some("800 orders a minute"));
    let s: Vec<(&str, &str, Reason, Vec<String>)> = d
        .suspects
        .iter()
        .map(|x| {
            (
                x.entry.id.as_str(),
                x.target.as_str(),
                x.reason,
                x.what.clone(),
            )
        })
        .collect();
    assert_eq!(
        s,
        [
            (
                "DEP-001",
                "TEST-001",
                Reason::Retitled,
                vec!["title".into()]
            ),
            (
                "DEP-002",
                "TEST-001",
                Reason::Retitled,
                vec!["title".into()]
            ),
            (
                "DEP-002",
                "TEST-003",
                Reason::Changed,
                vec!["Description".into()]
            ),
        ]
    );
    assert!(d.introduced.is_empty() && d.fixed.is_empty());
}

#[test]
fn rewrapping_a_value_is_no_change_and_fields_added_or_removed_are_named() {
    let after = TESTS
        .replace(
            "Description: pays with a test card",
            "Description:  pays   with a  test card ",
        )
        .replace("Description: refunds an order", "Owner: QA");
    let d = run(&[("tests.md", TESTS)], &[("tests.md", &after)]);
    assert_eq!(d.changed.len(), 1, "{:#?}", d.changed);
    assert_eq!(d.changed[0].at.id, "TEST-002");
    let f: Vec<(&str, Change)> = d.changed[0]
        .fields
        .iter()
        .map(|f| (f.field.as_str(), f.change))
        .collect();
    assert_eq!(
        f,
        [("Owner", Change::Added), ("Description", Change::Removed)]
    );
    assert_eq!(d.changed[0].fields[0].label(), "+Owner");
    assert_eq!(d.changed[0].fields[1].label(), "-Description");
}

#[test]
fn a_fix_is_listed_as_fixed_and_a_line_shift_is_neither() {
    let broken = PLAN.replace(
        "Owner: QA\nBlocker: Yes\nDescription: every",
        "Blocker: Yes\nDescription: every",
    );
    // Before: DEP-001 has no owner. After: it has one, and ten lines were added on top.
    let shifted = format!("# Release plan\n{}\n{PLAN}", "\nintro\n".repeat(5));
    let d = run(
        &[("tests.md", TESTS), ("plan.md", &broken)],
        &[("tests.md", TESTS), ("plan.md", &shifted)],
    );
    assert!(d.introduced.is_empty(), "{:#?}", d.introduced);
    assert_eq!(d.fixed.len(), 1, "{:#?}", d.fixed);
    assert_eq!(d.fixed[0].code, "missing-owner");
    assert_eq!(d.fixed[0].id.as_deref(), Some("DEP-001"));
    assert_eq!(d.fixed[0].line, 1, "the line it had before");
    assert!(!d.fixed[0].file_gone);
    // The owner is a changed field of DEP-001: its links are not suspect (it is the linker).
    assert_eq!(d.changed.len(), 1);
    assert_eq!(d.changed[0].fields[0].label(), "+Owner");
    assert!(d.suspects.is_empty(), "{:#?}", d.suspects);
}

#[test]
fn a_changed_error_finding_counts_as_introduced() {
    // DEP-001 linked TEST-009 (undefined); now it links TEST-008 (undefined too).
    let before = PLAN.replace("TEST-001, TEST-002", "TEST-001, TEST-009");
    let after = PLAN.replace("TEST-001, TEST-002", "TEST-001, TEST-008");
    let d = run(
        &[("tests.md", TESTS), ("plan.md", &before)],
        &[("tests.md", TESTS), ("plan.md", &after)],
    );
    assert!(d.introduced.is_empty() && d.fixed.is_empty(), "{d:#?}");
    assert_eq!(d.changed_findings.len(), 1);
    let c = &d.changed_findings[0];
    assert!(c.before.message.contains("TEST-009") && c.after.message.contains("TEST-008"));
    assert_eq!(d.errors_introduced(), 1);
    assert!(render::summary(&d).contains("findings: 0 introduced, 1 changed (1 error), 0 fixed"));
    let m = render::markdown(&d, &header());
    assert!(m.contains("#### Findings changed (1)"), "{m}");
    let h = render::human(&d, &header());
    assert!(h.contains("      was: DEP-001: linked ID TEST-009"), "{h}");
}

#[test]
fn a_finding_of_a_deleted_file_is_fixed_with_its_file_gone() {
    let broken = PLAN.replace(
        "Owner: QA\nBlocker: Yes\nDescription: every",
        "Blocker: Yes\nDescription: every",
    );
    let d = run(
        &[("tests.md", TESTS), ("plan.md", &broken)],
        &[("tests.md", TESTS)],
    );
    assert!(d.fixed.iter().all(|f| f.file_gone), "{:#?}", d.fixed);
    let n = d.fixed.len();
    assert!(
        render::summary(&d).contains(&format!(
            "{n} fixed ({n} of them with their files no longer in the workspace)"
        )),
        "{}",
        render::summary(&d)
    );
    assert!(d.fixed.iter().any(|f| f.code == "missing-owner"));
    assert_eq!(d.removed.len(), 2);
}

#[test]
fn an_entry_moved_to_another_file_is_moved_not_changed() {
    let (t3, rest) = {
        let at = TESTS.find("## TEST-003").expect("TEST-003");
        (&TESTS[at..], &TESTS[..at])
    };
    let d = run(
        &[("tests.md", TESTS), ("plan.md", PLAN)],
        &[("tests.md", rest), ("load.md", t3), ("plan.md", PLAN)],
    );
    assert_eq!(d.changed.len(), 1, "{:#?}", d.changed);
    assert_eq!(d.changed[0].at.id, "TEST-003");
    assert_eq!(d.changed[0].at.path, "load.md");
    assert_eq!(d.changed[0].moved_from.as_deref(), Some("tests.md"));
    assert!(!d.changed[0].content_changed());
    assert!(d.suspects.is_empty(), "{:#?}", d.suspects);
    assert!(d.introduced.is_empty() && d.fixed.is_empty());
}

#[test]
fn added_ids_and_the_status_of_a_linking_entry() {
    let tests = TESTS.replace("500 orders", "600 orders");
    let plan = format!(
        "{PLAN}\n## DEP-003: Soak test passes\n\nType: Criteria\nStage: Pre-deploy\nOwner: QA\nBlocker: Yes\nDescription: soak\nLinked IDs: TEST-003\n"
    );
    let d = run(
        &[("tests.md", TESTS), ("plan.md", PLAN)],
        &[("tests.md", &tests), ("plan.md", &plan)],
    );
    assert_eq!(
        d.added.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        ["DEP-003"]
    );
    let status: Vec<(&str, EntryStatus)> = d
        .suspects
        .iter()
        .map(|x| (x.entry.id.as_str(), x.entry_status))
        .collect();
    assert_eq!(
        status,
        [
            ("DEP-002", EntryStatus::Unchanged),
            ("DEP-003", EntryStatus::Added)
        ]
    );
}

#[test]
fn a_scope_keeps_its_ids_and_findings_and_the_suspects_that_touch_it() {
    let after = TESTS.replace(
        "## TEST-002: Refund test\n\nDescription: refunds an order\n\n",
        "",
    );
    let before = [
        ("sot/tests.md", TESTS),
        ("release/plan.md", PLAN),
        ("other/x.md", "## EPIC-001: Old\n"),
    ];
    let after = [
        ("sot/tests.md", after.as_str()),
        ("release/plan.md", PLAN),
        ("other/x.md", "## EPIC-001: New\n"),
    ];
    let release = Scope {
        folder: "release".into(),
        file: None,
    };
    let d = diff::diff(&ws(&before), &ws(&after), &release);
    // TEST-002 is defined outside the scope: not listed; the plan's links to it are.
    assert!(d.removed.is_empty() && d.retitled.is_empty(), "{d:#?}");
    assert_eq!(d.suspects.len(), 2);
    assert!(d.introduced.iter().all(|f| f.path == "release/plan.md"));
    assert!(!d.introduced.is_empty());
    // The sot folder: TEST-002 listed, and the plan's links to it (its target is in scope).
    let sot = Scope {
        folder: "sot".into(),
        file: None,
    };
    let d = diff::diff(&ws(&before), &ws(&after), &sot);
    assert_eq!(d.removed.len(), 1);
    assert_eq!(d.suspects.len(), 2);
    assert!(d.introduced.is_empty(), "{:#?}", d.introduced);
    // One file.
    let x = Scope {
        folder: "other".into(),
        file: Some("other/x.md".into()),
    };
    let d = diff::diff(&ws(&before), &ws(&after), &x);
    assert_eq!(d.retitled.len(), 1);
    assert!(d.removed.is_empty() && d.suspects.is_empty());
}

#[test]
fn readiness_before_and_after() {
    let broken = PLAN.replace(
        "Owner: QA\nBlocker: Yes\nDescription: every",
        "Blocker: Yes\nDescription: every",
    );
    let d = run(
        &[("tests.md", TESTS), ("plan.md", &broken)],
        &[("tests.md", TESTS), ("plan.md", PLAN)],
    );
    assert_eq!(d.readiness.len(), 1);
    let p = &d.readiness[0];
    assert_eq!(p.plan, "workspace");
    let (b, a) = (p.before.as_ref().unwrap(), p.after.as_ref().unwrap());
    // The missing owner of a Criteria entry is an error: the `check` gate passes too.
    assert_eq!(b.passed + 2, a.passed, "{p:#?}");
    assert_eq!(a.total, 7);
    assert!(b.failing.contains(&"owners") && !a.failing.contains(&"owners"));
    assert_eq!(p.newly_passing(), ["owners", "check"]);
    assert!(p.newly_failing().is_empty());
    // Not ready either way (no environments): the summary says so.
    assert_eq!(d.ready(), (Some(false), Some(false)));
    assert!(render::summary(&d).ends_with("readiness: blocked → blocked"));
}

fn finding(code: Code, path: &str, id: Option<&str>, message: &str, at: usize) -> Finding {
    Finding {
        code,
        severity: Severity::Error,
        message: message.into(),
        path: path.into(),
        span: at..at + 1,
        id: id.map(str::to_string),
        related: Vec::new(),
        fix: None,
    }
}

#[test]
fn findings_are_matched_by_code_file_entry_and_message_in_four_rounds() {
    let u = Code::UnresolvedLink;
    let old = vec![
        finding(
            u,
            "a.md",
            Some("DEP-001"),
            "DEP-001: TEST-009 is not defined — did you mean TEST-008?",
            10,
        ),
        finding(
            u,
            "a.md",
            Some("DEP-001"),
            "DEP-001: TEST-010 is not defined",
            20,
        ),
        finding(
            Code::DuplicateId,
            "a.md",
            Some("DEP-002"),
            "DEP-002 is defined 2 times (also in b.md) — renumber",
            30,
        ),
        finding(
            Code::MissingOwner,
            "a.md",
            Some("DEP-003"),
            "DEP-003 has no owner",
            40,
        ),
    ];
    let new = vec![
        // Moved lines, another suggestion: the same finding.
        finding(
            u,
            "a.md",
            Some("DEP-001"),
            "DEP-001: TEST-009 is not defined — did you mean TEST-007?",
            110,
        ),
        // Another ID in the same entry: the entry's finding changed.
        finding(
            u,
            "a.md",
            Some("DEP-001"),
            "DEP-001: TEST-011 is not defined",
            120,
        ),
        // A new finding of a file (no entry): introduced.
        finding(
            Code::UnreadLine,
            "a.md",
            None,
            "a line that is not read",
            125,
        ),
        // A count in the message changed: the same finding.
        finding(
            Code::DuplicateId,
            "a.md",
            Some("DEP-002"),
            "DEP-002 is defined 3 times (also in b.md, c.md) — renumber",
            130,
        ),
        // The entry moved to another file.
        finding(
            Code::MissingOwner,
            "z.md",
            Some("DEP-003"),
            "DEP-003 has no owner",
            5,
        ),
    ];
    let m = diff::match_findings(&old, &new);
    assert_eq!(m.changed, [(1, 1)]);
    assert_eq!(m.introduced, [2]);
    assert!(m.fixed.is_empty());
    // Two equal findings and one left: one fixed.
    let twice = vec![old[3].clone(), old[3].clone()];
    let m = diff::match_findings(&twice, &old[3..]);
    assert_eq!(
        (m.fixed.len(), m.introduced.len(), m.changed.len()),
        (1, 0, 0)
    );
    // A finding of a file, another message: fixed and introduced (no entry to hold it).
    let a = finding(Code::UnreadLine, "a.md", None, "one line", 1);
    let b = finding(Code::UnreadLine, "a.md", None, "another line", 1);
    let m = diff::match_findings(&[a], &[b]);
    assert_eq!((m.fixed, m.introduced), (vec![0], vec![0]));
}

#[test]
fn a_message_head_keeps_ids_and_drops_counts_remarks_and_advice() {
    assert_eq!(
        diff::head("DEP-003 is defined 7 times (also in a.md — all listed) — renumber one"),
        "DEP-003 is defined # times"
    );
    assert_eq!(
        diff::head("DEP-004: TEST-017 is not defined (inside the range TEST-001 to TEST-030)"),
        "DEP-004: TEST-017 is not defined"
    );
    assert_eq!(
        diff::head("threshold \"p99 > 800ms\" has no window"),
        "threshold \"p99 > #ms\" has no window"
    );
}

fn header() -> Header {
    Header {
        from: Side {
            rev: Some("HEAD~1".into()),
            commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
        },
        to: Side::default(),
        path: "docs".into(),
    }
}

#[test]
fn the_renderers() {
    let after = TESTS.replace(
        "## TEST-002: Refund test\n\nDescription: refunds an order\n\n",
        "",
    );
    let d = run(
        &[("tests.md", TESTS), ("plan.md", PLAN)],
        &[("tests.md", &after), ("plan.md", PLAN)],
    );
    let h = render::human(&d, &header());
    assert!(
        h.starts_with("dep-ls diff HEAD~1 (0123456) → working tree in docs\nIDs: 1 removed"),
        "{h}"
    );
    assert!(
        h.contains("\nRemoved (1)\n  - TEST-002  Refund test  (was tests.md:5)\n"),
        "{h}"
    );
    assert!(
        h.contains("plan.md:8  DEP-001 All tests pass in staging → TEST-002 (removed)"),
        "{h}"
    );

    let j: serde_json::Value = serde_json::from_str(&render::json(&d, &header())).expect("JSON");
    assert_eq!(j["version"], 1);
    assert_eq!(j["from"]["rev"], "HEAD~1");
    assert_eq!(j["to"]["rev"], serde_json::Value::Null);
    assert_eq!(j["summary"]["removed"], 1);
    assert_eq!(j["summary"]["suspect_links"], 2);
    assert_eq!(j["ids"]["removed"][0]["id"], "TEST-002");
    assert_eq!(j["suspect_links"][0]["entry"]["id"], "DEP-001");
    assert_eq!(j["suspect_links"][0]["target"], "TEST-002");
    assert_eq!(j["suspect_links"][0]["reason"], "removed");
    assert_eq!(j["suspect_links"][0]["entry_status"], "unchanged");
    assert_eq!(j["findings"]["introduced"][0]["severity"], "error");
    assert!(j["readiness"][0]["before"]["failing"].is_array());

    let m = render::markdown(&d, &header());
    assert!(
        m.starts_with(
            "### dep-ls diff: HEAD~1 (0123456) → working tree in docs\n\n❌ **IDs: 1 removed"
        ),
        "{m}"
    );
    assert!(
        m.contains("| `DEP-001` All tests pass in staging | `plan.md:8` | `TEST-002` | removed |"),
        "{m}"
    );
    assert!(!m.contains("<details>"), "short lists are not folded");
}

#[test]
fn long_markdown_lists_fold_and_cells_are_escaped() {
    let mut before = String::new();
    let mut after = String::new();
    for i in 1..=12 {
        before.push_str(&format!("## TEST-{i:03}: Old | title <b>\n\n"));
        after.push_str(&format!("## TEST-{i:03}: New | title <b>\n\n"));
    }
    let d = run(&[("t.md", &before)], &[("t.md", &after)]);
    assert_eq!(d.retitled.len(), 12);
    let m = render::markdown(&d, &header());
    assert!(
        m.contains("<details><summary>Show 12 rows</summary>"),
        "{m}"
    );
    assert!(
        m.contains("Old \\| title &lt;b&gt; → New \\| title &lt;b&gt;"),
        "{m}"
    );
    assert!(!m.contains("<b>"));
}

#[test]
fn a_secret_in_a_changed_value_is_never_copied_into_the_diff() {
    let before = "## DEP-001: Staging\n\nType: Environment\nConfiguration: STRIPE_KEY=from-vault\n";
    let after = "## DEP-001: Staging\n\nType: Environment\nConfiguration: STRIPE_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc\n";
    let d = run(&[("p.md", before)], &[("p.md", after)]);
    assert_eq!(d.changed.len(), 1);
    let f = &d.changed[0].fields[0];
    assert_eq!(f.field, "Configuration");
    let after = f.after.as_deref().unwrap();
    assert!(!after.contains("sk_live_4eC39"), "{after}");
    assert!(after.contains("[secret: "), "{after}");
    for text in [
        render::human(&d, &header()),
        render::json(&d, &header()),
        render::markdown(&d, &header()),
    ] {
        assert!(!text.contains("4eC39HqLyjWDarjtT1zdp7dc"), "{text}");
    }
}

#[test]
fn markup_and_heading_levels_are_no_change_and_a_neighbour_s_change_is_not_an_entry_s() {
    let before = "# EPIC-01 Foundations\n\nThe first epic.\n\n## TEST-001: Login test\n\n**Description:** logs in\n\n## TEST-002: Logout test\n\nDescription: logs out\n";
    let after = "# EPIC-01 Foundations\n\nThe first epic.\n\n## TEST-001: Login test\n\n**Description:** logs in twice\n\n### TEST-002: Logout test\n\n**Description**: logs out\n";
    let d = run(&[("e.md", before)], &[("e.md", after)]);
    let changed: Vec<&str> = d.changed.iter().map(|c| c.at.id.as_str()).collect();
    assert_eq!(changed, ["TEST-001"], "{:#?}", d.changed);
    // The parent's own prose changes: it is changed, as `(text)`.
    let after2 = after.replace("The first epic.", "The first epic, rescoped.");
    let d = run(&[("e.md", before)], &[("e.md", &after2)]);
    let parent = d
        .changed
        .iter()
        .find(|c| c.at.id == "EPIC-01")
        .expect("EPIC-01");
    assert_eq!(parent.fields[0].field, "(text)");
}

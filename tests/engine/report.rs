//! `dep-ls report` and `dep-ls graph`: snapshots on the example workspace, the gates against
//! the example's deliberate defects (`examples/acme-checkout/DEFECTS.md`), exit codes, and the
//! HTML page's structure (its rendering in Chromium is `tests/render_html.sh`).

use crate::support;

use dep_ls::report::{self, graph, render, TextLines};
use dep_ls::workspace::Workspace;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::lsp::temp_dir;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-checkout")
}

fn load(root: &Path) -> Workspace {
    Workspace::load(root, None, &|_, _| {})
}

fn build(ws: &Workspace) -> report::Report {
    let mut lines = TextLines::new(ws.files.iter().map(|f| (f.path.as_str(), &*f.text)));
    report::build(&ws.index, &ws.config, &mut lines)
}

fn whole_graph(ws: &Workspace) -> graph::Graph {
    let members: Vec<(String, usize)> = report::plans(&ws.index, &ws.config)
        .into_values()
        .flatten()
        .collect();
    let mut lines = TextLines::new(ws.files.iter().map(|f| (f.path.as_str(), &*f.text)));
    graph::build(&ws.index, &members, &mut lines)
}

fn dep_ls(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dep-ls"))
        .args(args)
        .output()
        .expect("run dep-ls");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn report_markdown_snapshot() {
    let ws = load(&example());
    insta::assert_snapshot!("report_markdown", render::markdown(&build(&ws)));
}

#[test]
fn report_json_snapshot() {
    let ws = load(&example());
    insta::assert_snapshot!("report_json", render::json(&build(&ws)));
}

#[test]
fn graph_snapshots() {
    let ws = load(&example());
    let g = whole_graph(&ws);
    insta::assert_snapshot!("graph_mermaid", g.to_mermaid());
    insta::assert_snapshot!("graph_dot", g.to_dot());
    insta::assert_snapshot!("graph_json", g.to_json());
}

/// The failing gates are exactly those the deliberate defects break, each fault on the line
/// DEFECTS.md gives.
#[test]
fn gates_match_the_deliberate_defects() {
    let ws = load(&example());
    let r = build(&ws);
    assert_eq!(r.plans.len(), 1, "one plan: the whole workspace");
    let p = &r.plans[0];
    assert_eq!(p.counts.entries, 23);
    let failing: Vec<&str> = p.gates.iter().filter(|g| !g.pass).map(|g| g.key).collect();
    assert_eq!(
        failing,
        ["rollback", "validation", "owners", "traceability", "check"]
    );
    let faults = |key: &str| -> Vec<(String, u32)> {
        p.gates
            .iter()
            .chain(&p.downstream)
            .find(|g| g.key == key)
            .expect("gate")
            .faults
            .iter()
            .map(|f| (f.at.id.clone(), f.at.line))
            .collect()
    };
    let plan = |id: &str, line: u32| (id.to_string(), line);
    assert_eq!(faults("rollback"), [plan("DEP-011", 208)]);
    assert_eq!(
        faults("validation"),
        [
            plan("DEP-014", 253),
            plan("DEP-016", 288),
            plan("DEP-017", 298)
        ]
    );
    assert_eq!(faults("owners"), [plan("DEP-006", 129)]);
    assert_eq!(faults("traceability"), [plan("DEP-005", 118)]);
    // The check gate: exactly the example's error-severity findings (`dep-ls check` exits 1).
    assert_eq!(
        faults("check"),
        [
            plan("DEP-002", 64),
            plan("DEP-005", 127),
            plan("DEP-006", 129),
            plan("DEP-011", 208),
            plan("DEP-017", 298)
        ]
    );
    assert!(p.blocked());
    assert!(!r.ready());
    // Downstream: every rollback links a monitor and a runbook; the GTM handover waits.
    let down: Vec<(&str, bool)> = p.downstream.iter().map(|g| (g.key, g.pass)).collect();
    assert_eq!(
        down,
        [("runbooks", true), ("monitoring", true), ("gtm", false)]
    );
    assert!(p.downstream.iter().all(|g| !g.blocking));
    // Environment progression: development undocumented, the three others documented.
    let envs: Vec<(&str, Vec<&str>)> = p
        .environments
        .iter()
        .map(|e| {
            (
                e.name.as_str(),
                e.entries.iter().map(|l| l.id.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        envs,
        [
            ("development", vec![]),
            ("staging", vec!["DEP-001"]),
            ("preview", vec!["DEP-002"]),
            ("production", vec!["DEP-003"])
        ]
    );
    let prod = &p.environments[3];
    assert_eq!(
        prod.fields[1],
        ("Configuration".into(), Some("9 keys".into()))
    );
    assert_eq!(p.counts.blockers.yes, 4);
    assert_eq!(p.counts.blockers.no, 1);
    assert_eq!(p.counts.without_owner, 1);
}

/// `--from ID --depth N` keeps what is within N links; unresolved IDs are marked.
#[test]
fn graph_from_and_depth() {
    let ws = load(&example());
    let g = whole_graph(&ws);
    let sub = g.around("DEP-005", Some(1)).expect("DEP-005 is a node");
    let ids: Vec<&str> = sub.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(
        ids,
        ["DEP-005", "EPIC-01", "API-001", "API-002", "API-004", "API-099"]
    );
    let bad: Vec<&str> = sub
        .nodes
        .iter()
        .filter(|n| !n.resolved)
        .map(|n| n.id.as_str())
        .collect();
    assert_eq!(bad, ["API-099"]);
    assert!(sub.edges.iter().any(|e| e.to == "API-099" && !e.resolved));
    // Depth 2 from a monitor reaches the other rollback entries linked to its runbooks.
    let two = g.around("MON-003", Some(2)).expect("node");
    assert!(two.nodes.iter().any(|n| n.id == "RUN-002"));
    assert!(!two.nodes.iter().any(|n| n.id == "DEP-001"));
    assert!(g.around("NOPE-1", None).is_none());
    // The CLI agrees, and names an unknown --from.
    let (code, out, _) = dep_ls(&[
        "graph",
        example().to_str().unwrap(),
        "--from",
        "DEP-005",
        "--depth",
        "1",
        "--format",
        "mermaid",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("n_DEP_005 -.->|covers| n_API_099"), "{out}");
    assert!(out.contains("class n_API_099 unresolved;"), "{out}");
    let (code, _, err) = dep_ls(&["graph", example().to_str().unwrap(), "--from", "DEP-777"]);
    assert_eq!(code, 2);
    assert!(err.contains("DEP-777"), "{err}");
}

const READY_PLAN: &str = "\
# Plan

DEP-001: Staging
Type: Environment
Stage: Pre-deploy
Owner: Ops
Description: Staging
Name: staging
Infrastructure: AWS eu-west-1
Configuration:
  - LOG_LEVEL=debug
Secrets: Vault
Access: Ops

DEP-002: Production
Type: Environment
Stage: Pre-deploy
Owner: Ops
Description: Production
Name: production
Infrastructure: AWS eu-west-1
Configuration:
  - LOG_LEVEL=info
Secrets: Vault
Access: Ops

DEP-003: Tests pass
Type: Criteria
Stage: Pre-deploy
Description: Tests pass
Requirement: All TEST- pass
Verification: CI green
Blocker: Yes
Owner: QA
Linked IDs: TEST-001, GTM-001

DEP-004: Errors
Type: Rollback
Stage: Post-deploy
Owner: SRE
Description: Errors
Trigger: 5xx rate up
Threshold: >2% of requests for 5 minutes
Procedure: Roll back
Notification: #incidents
Linked IDs: MON-001, RUN-001

DEP-005: Smoke
Type: Validation
Stage: Post-deploy
Owner: QA
Description: Smoke
Check: Smoke suite
Method: Automated
Success Criteria: All green
Escalation: Page the release manager

## TEST-001: Suite
## MON-001: Errors
## RUN-001: Rollback
## GTM-001: Launch
";

#[test]
fn exit_codes() {
    // The example fails blocking gates: 1.
    let (code, out, _) = dep_ls(&["report", example().to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        out.contains("**Not ready: 2 of 7 quality gates pass"),
        "{out}"
    );
    // A plan meeting every gate: 0.
    let dir = temp_dir("report-ready");
    std::fs::write(dir.join("plan.md"), READY_PLAN).unwrap();
    let (code, out, err) = dep_ls(&["report", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("**Ready: all 7 quality gates pass.**"),
        "{out}"
    );
    let (code, out, _) = dep_ls(&["report", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["ready"], true);
    assert_eq!(v["plans"][0]["gates"].as_array().map(Vec::len), Some(7));
    // No DEP- entry at all: nothing to judge, said so, exit 0; `--require-plan` makes it 1.
    let empty = temp_dir("report-empty");
    std::fs::write(empty.join("notes.md"), "# Notes\n").unwrap();
    let (code, out, _) = dep_ls(&["report", empty.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.contains("No release plan found"), "{out}");
    let (code, out, err) = dep_ls(&["report", empty.to_str().unwrap(), "--require-plan"]);
    assert_eq!(code, 1);
    assert!(out.contains("No release plan found"), "{out}");
    assert!(err.contains("--require-plan"), "{err}");
    let (code, out, _) = dep_ls(&["report", empty.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["no_plan"], true);
    assert_eq!(v["plans"], serde_json::json!([]));
    // --require-plan changes nothing when there is a plan.
    let (code, _, _) = dep_ls(&["report", dir.to_str().unwrap(), "--require-plan"]);
    assert_eq!(code, 0);
    // Usage and I/O errors: 2.
    assert_eq!(dep_ls(&["report", "/no/such/dir"]).0, 2);
    assert_eq!(dep_ls(&["report", ".", "--format", "pdf"]).0, 2);
    assert_eq!(
        dep_ls(&["report", dir.to_str().unwrap(), "--config", "/no/such.toml"]).0,
        2
    );
    // --output writes the file.
    let html = dir.join("out.html");
    let (code, out, _) = dep_ls(&[
        "report",
        dir.to_str().unwrap(),
        "--format",
        "html",
        "-o",
        html.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(out.is_empty());
    assert!(std::fs::read_to_string(&html)
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
}

/// The HTML page is self-contained (no script, no external resource) and embeds the graph as
/// SVG with a node per DEP- entry and linked ID, unresolved ones marked.
#[test]
fn html_is_self_contained_with_the_graph() {
    let (code, html, _) = dep_ls(&["report", example().to_str().unwrap(), "--format", "html"]);
    assert_eq!(code, 1);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"), "no JS");
    assert!(!html.contains("<link"), "no external stylesheet");
    for external in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!html.contains(external), "{external}");
    }
    assert_eq!(html.matches("<svg").count(), 1);
    let svg = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
    for id in [
        "DEP-001", "DEP-034", "API-001", "MON-003", "RUN-005", "GTM-002",
    ] {
        assert!(svg.contains(&format!("id=\"node-{id}\"")), "{id}");
    }
    assert!(svg.contains("<g class=\"node unresolved\" id=\"node-API-099\""));
    assert!(svg.contains("class=\"edge unresolved\" data-from=\"DEP-005\" data-to=\"API-099\""));
    assert!(
        svg.contains("id=\"node-TEST-001_to_TEST-030\""),
        "ranges are nodes"
    );
    assert!(html.contains("id=\"gate-rollback\""));
    assert!(html.contains("release/release-plan.md:208"));
}

// ---------------------------------------------------------------------------------------------
// Issue 14: the report agrees with check (helper rep)
// ---------------------------------------------------------------------------------------------

/// The report of one in-memory file (the workspace's only file).
fn report_of(text: &str) -> report::PlanReport {
    let config = dep_ls::config::Config::default();
    let mut index = dep_ls::index::Index::new();
    index.update(
        "plan.md",
        std::sync::Arc::new(dep_ls::syntax::parse_fast(text, &config.prefixes)),
    );
    let mut lines = TextLines::new([("plan.md", text)]);
    let mut r = report::build(&index, &config, &mut lines);
    assert_eq!(r.plans.len(), 1, "one plan");
    r.plans.remove(0)
}

fn gate<'p>(p: &'p report::PlanReport, key: &str) -> &'p report::Gate {
    p.gates
        .iter()
        .chain(&p.downstream)
        .find(|g| g.key == key)
        .expect("gate")
}

#[test]
fn ready_plan_passes_every_gate_without_linking_gtm() {
    // GTM consumes DEP readiness: a plan linking no GTM- ID is not marked down for it.
    let text = READY_PLAN.replace(", GTM-001", "");
    let p = report_of(&text);
    assert!(!p.blocked(), "{:#?}", p.gates);
    let gtm = gate(&p, "gtm");
    assert!(gtm.pass, "{gtm:#?}");
    assert!(
        gtm.summary.contains("ready for the GTM- launch"),
        "{gtm:#?}"
    );
    assert!(gate(&p, "check").pass);
    // Failing gates make the GTM row wait, without asking for a GTM- link.
    let p = report_of(&text.replace("Owner: Ops\n", "Owner: TBD\n"));
    let gtm = gate(&p, "gtm");
    assert!(!gtm.pass);
    assert!(gtm.summary.contains("waits"), "{gtm:#?}");
    assert!(gtm
        .faults
        .iter()
        .all(|f| !f.message.contains("links a GTM")));
}

#[test]
fn a_plaintext_secret_makes_the_plan_not_ready() {
    let text = READY_PLAN.replace(
        "  - LOG_LEVEL=info",
        "  - LOG_LEVEL=info\n  - STRIPE_KEY=sk_live_51HcXyZabcdefghijklmnopqrstuv",
    );
    let p = report_of(&text);
    let g = gate(&p, "check");
    assert!(!g.pass);
    assert_eq!(g.faults.len(), 1, "{g:#?}");
    assert!(
        g.faults[0].message.starts_with("plaintext-secret: "),
        "{g:#?}"
    );
    assert_eq!(
        (g.faults[0].at.id.as_str(), g.faults[0].at.line),
        ("DEP-002", 24)
    );
    assert!(p.blocked());
    // Warnings and hints of check do not block.
    let text = READY_PLAN.replace(
        "Access: Ops\n\nDEP-002",
        "Access: Ops\nColour: blue\n\nDEP-002",
    );
    assert!(gate(&report_of(&text), "check").pass);
    // The CLI: check exits 1, and so does report.
    let dir = temp_dir("report-secret");
    std::fs::write(
        dir.join("plan.md"),
        READY_PLAN.replace(
            "  - LOG_LEVEL=info",
            "  - STRIPE_KEY=sk_live_51HcXyZabcdefghijklmnopqrstuv",
        ),
    )
    .unwrap();
    assert_eq!(dep_ls(&["check", dir.to_str().unwrap()]).0, 1);
    let (code, out, _) = dep_ls(&["report", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("plaintext-secret"), "{out}");
}

#[test]
fn filler_owners_are_missing_owners() {
    for filler in ["TBD", "???", "n/a", "Unassigned", "-", "TBC"] {
        let text = READY_PLAN.replace("Owner: SRE\n", &format!("Owner: {filler}\n"));
        let p = report_of(&text);
        let g = gate(&p, "owners");
        assert!(!g.pass, "{filler}: {g:#?}");
        assert_eq!(g.faults.len(), 1, "{filler}");
        assert_eq!(g.faults[0].at.id, "DEP-004");
        assert!(g.faults[0].message.contains("names nobody"), "{g:#?}");
        assert_eq!(p.counts.without_owner, 1);
        assert!(
            !p.counts.owners.iter().any(|(o, _)| o == filler),
            "{filler}"
        );
    }
    // A real owner passes.
    let p = report_of(&READY_PLAN.replace("Owner: SRE\n", "Owner: Dana (SRE lead)\n"));
    assert!(gate(&p, "owners").pass);
}

#[test]
fn validation_gate_needs_a_post_deploy_validation() {
    let pre = READY_PLAN.replace(
        "Type: Validation\nStage: Post-deploy",
        "Type: Validation\nStage: Pre-deploy",
    );
    let p = report_of(&pre);
    let g = gate(&p, "validation");
    assert!(!g.pass);
    assert!(
        g.faults[0].message.contains("no post-deploy validation"),
        "{g:#?}"
    );
    assert!(g.summary.contains("0 post-deploy"), "{g:#?}");
    let p = report_of(READY_PLAN);
    let g = gate(&p, "validation");
    assert!(g.pass, "{g:#?}");
    assert!(g.summary.contains("1 post-deploy"), "{g:#?}");
}

#[test]
fn criteria_gate_needs_a_blocker() {
    let p = report_of(&READY_PLAN.replace("Blocker: Yes", "Blocker: No"));
    let g = gate(&p, "criteria");
    assert!(!g.pass);
    assert!(
        g.faults[0].message.contains("no criterion blocks"),
        "{g:#?}"
    );
    assert!(gate(&report_of(READY_PLAN), "criteria").pass);
}

#[test]
fn zero_items_never_pass() {
    // Only environments: no criteria to trace, no rollback to link runbooks or monitors.
    let end = READY_PLAN.find("DEP-003").expect("DEP-003");
    let p = report_of(&READY_PLAN[..end]);
    for key in [
        "criteria",
        "rollback",
        "validation",
        "traceability",
        "runbooks",
        "monitoring",
    ] {
        let g = gate(&p, key);
        assert!(!g.pass, "{key}: {g:#?}");
        assert!(!g.faults.is_empty(), "{key}");
        assert!(!g.summary.contains("0 of 0"), "{key}: {}", g.summary);
        assert!(g.summary.starts_with("no "), "{key}: {}", g.summary);
    }
    let md = render::markdown(&report::Report { plans: vec![p] });
    assert!(!md.contains("0 of 0"), "{md}");
}

#[test]
fn deprecated_entries_pass_no_gate() {
    let text = READY_PLAN.replace("DEP-004: Errors", "DEP-004: [DEPRECATED] Errors");
    let p = report_of(&text);
    let g = gate(&p, "rollback");
    assert!(!g.pass, "{g:#?}");
    assert_eq!(g.summary, "no Rollback entry");
    let text = READY_PLAN.replace(
        "Type: Validation\n",
        "Type: Validation\nStatus: Deprecated\n",
    );
    assert!(!gate(&report_of(&text), "validation").pass);
}

/// A range expands into its members (missing ones unresolved), so `--from` a member finds the
/// entry whose range covers it.
#[test]
fn graph_expands_ranges_into_members() {
    let dir = temp_dir("graph-ranges");
    std::fs::write(
        dir.join("plan.md"),
        "DEP-001: Tests\nType: Criteria\nLinked IDs: TEST-001 to TEST-004\n\nDEP-002: Other\nLinked IDs: EPIC-001\n\n## TEST-001: a\n## TEST-002: b\n## TEST-004: d\n## EPIC-001: e\n",
    )
    .unwrap();
    let ws = load(&dir);
    let g = whole_graph(&ws);
    let members: Vec<(&str, bool)> = g
        .edges
        .iter()
        .filter(|e| e.from == "TEST-001 to TEST-004")
        .map(|e| (e.to.as_str(), e.resolved))
        .collect();
    assert_eq!(
        members,
        [
            ("TEST-001", true),
            ("TEST-002", true),
            ("TEST-003", false),
            ("TEST-004", true)
        ]
    );
    assert!(g
        .edges
        .iter()
        .all(|e| e.label == "includes" || e.from.starts_with("DEP-")));
    let t3 = g
        .nodes
        .iter()
        .find(|n| n.id == "TEST-003")
        .expect("TEST-003");
    assert!(!t3.resolved);
    // --from a member, depth 1: the range and the entry it belongs to, not the other entry.
    let sub = g.around("TEST-003", Some(1)).expect("TEST-003 is a node");
    let ids: Vec<&str> = sub.nodes.iter().map(|n| n.id.as_str()).collect();
    assert!(ids.contains(&"DEP-001"), "{ids:?}");
    assert!(!ids.contains(&"DEP-002"), "{ids:?}");
    let (code, out, err) = dep_ls(&[
        "graph",
        dir.to_str().unwrap(),
        "--from",
        "TEST-003",
        "--depth",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"DEP-001\""), "{out}");
    // An oversized or reversed range stays one node.
    assert!(graph::range_members("TEST-001", "TEST-900").is_none());
    assert!(graph::range_members("TEST-005", "TEST-001").is_none());
    assert!(graph::range_members("TEST-001", "API-003").is_none());
    assert_eq!(
        graph::range_members("UJ-08", "UJ-10"),
        Some(vec!["UJ-08".to_string(), "UJ-09".into(), "UJ-10".into()])
    );
}

/// `dep-ls check` (the binary) honours an inline suppression, and the report's check gate
/// agrees with it; an unknown code in it is a warning (exit 0).
#[test]
fn suppressed_errors_block_neither_check_nor_report() {
    let dir = temp_dir("report-suppressed");
    let secret = "  - STRIPE_KEY=sk_live_51HcXyZabcdefghijklmnopqrstuv";
    let plan = READY_PLAN.replace(
        "  - LOG_LEVEL=info",
        &format!("  - LOG_LEVEL=info\n{secret}"),
    );
    std::fs::write(dir.join("plan.md"), &plan).unwrap();
    assert_eq!(dep_ls(&["check", dir.to_str().unwrap()]).0, 1);
    assert_eq!(dep_ls(&["report", dir.to_str().unwrap()]).0, 1);
    let suppressed = plan.replace(
        secret,
        &format!("  <!-- dep-ls-disable-next-line plaintext-secret, no-such-code -->\n{secret}"),
    );
    std::fs::write(dir.join("plan.md"), &suppressed).unwrap();
    let (code, out, err) = dep_ls(&["check", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let codes: Vec<&str> = v
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    // (Production now sets a secret key staging lacks: drift, which never asks to copy it.)
    assert_eq!(codes, ["environment-drift", "unknown-suppression"], "{out}");
    assert!(out.contains("never copy a secret"), "{out}");
    let (code, out, _) = dep_ls(&["report", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn summaries_count_in_the_right_number() {
    let one = "DEP-001: Only step\nType: Step\nStage: Deploy\nDescription: D\nOwner: Ops\n";
    let p = report_of(one);
    assert_eq!(
        gate(&p, "owners").summary,
        "1 of 1 entry names an owner (1 distinct)"
    );
    let p = report_of(READY_PLAN);
    assert_eq!(
        gate(&p, "owners").summary,
        "5 of 5 entries name an owner (3 distinct)"
    );
    assert_eq!(gate(&p, "criteria").summary, "1 Criteria entry, 1 blocking");
}

//! The editor views' data (`dep_ls::ide::views`): the readiness tree (plans → gates → entries
//! at fault, each entry's ID found again in its file) and the trace graph around the ID at the
//! cursor.

use super::support::*;
use dep_ls::ide::views::{id_at, readiness_tree, trace_graph};

/// A plan meeting every gate but `validation` (DEP-005 has no `Escalation:`); DEP-005 is
/// defined twice in the file (a duplicate-id error: the `check` gate fails on both).
const WS: &str = "
//- /release/plan.md
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
Linked IDs: TEST-001, EPIC-01

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
//- /SoT/ids.md
# IDs

## TEST-001: Suite
## MON-001: Errors
## RUN-001: Rollback
## EPIC-01: Checkout
## EPIC-09: Nobody links it$0
";

#[test]
fn tree_lists_plans_gates_and_the_entries_failing_each_gate() {
    check(WS, |fx| {
        let plans = readiness_tree(&fx.folder);
        assert_eq!(plans.len(), 1, "{plans:#?}");
        let p = &plans[0];
        assert_eq!(p.name, "workspace");
        assert!(!p.ready);
        assert_eq!((p.gates_passed, p.gates_total), (6, 7));
        let first = p.first.as_ref().expect("first entry");
        assert_eq!(first.id, "DEP-001");
        assert_eq!(
            fx.slice("release/plan.md", first.id_span.as_ref().unwrap()),
            "DEP-001"
        );
        // Blocking gates first (the report's order), then the advisory ones.
        let keys: Vec<&str> = p.gates.iter().map(|g| g.key).collect();
        assert_eq!(
            keys,
            [
                "environments",
                "criteria",
                "rollback",
                "validation",
                "owners",
                "traceability",
                "check",
                "runbooks",
                "monitoring",
                "gtm"
            ]
        );
        let env = &p.gates[0];
        assert!(
            env.pass && env.blocking && env.entries.is_empty(),
            "{env:#?}"
        );
        let v = &p.gates[3];
        assert!(!v.pass, "{v:#?}");
        assert_eq!(v.entries.len(), 1, "{v:#?}");
        let e = &v.entries[0];
        assert_eq!((e.id.as_str(), e.title.as_str()), ("DEP-005", "Smoke"));
        assert_eq!(e.path, "release/plan.md");
        assert_eq!(e.reason, "no `Escalation:`");
        let span = e.id_span.clone().expect("the ID's span");
        assert_eq!(fx.slice("release/plan.md", &span), "DEP-005");
        assert_eq!(
            span,
            fx.span("release/plan.md", "DEP-005: Smoke").start..span.end
        );
        // An advisory gate failing (GTM- waits) lists the plan's first entry.
        let gtm = p.gates.iter().find(|g| g.key == "gtm").unwrap();
        assert!(!gtm.pass && !gtm.blocking);
    });
}

#[test]
fn a_fault_goes_to_the_entry_it_is_about_when_an_id_is_defined_twice() {
    // A second DEP-003 after DEP-005: each duplicate-id fault of the check gate points at the
    // definition on (or above) its own line.
    let ws = WS.replace(
        "Success Criteria: All green\n",
        "Success Criteria: All green\nEscalation: Page\n\nDEP-003: Again\nType: Step\nOwner: QA\n",
    );
    check(&ws, |fx| {
        let plans = readiness_tree(&fx.folder);
        let g = plans[0].gates.iter().find(|g| g.key == "check").unwrap();
        assert!(!g.pass, "{g:#?}");
        let spans: Vec<usize> = g
            .entries
            .iter()
            .filter(|e| e.id == "DEP-003")
            .map(|e| e.id_span.clone().unwrap().start)
            .collect();
        let first = fx.nth("release/plan.md", "DEP-003", 0);
        let second = fx.nth("release/plan.md", "DEP-003", 1);
        assert!(spans.contains(&first) && spans.contains(&second), "{g:#?}");
    });
}

#[test]
fn graph_around_the_id_at_the_cursor() {
    check(WS, |fx| {
        let rel = "release/plan.md";
        // On a reference: that ID; inside an entry away from any ID: the entry's; outside any
        // entry: none.
        let at = fx.nth(rel, "EPIC-01", 0) + 2;
        assert_eq!(id_at(&fx.folder, rel, at).as_deref(), Some("EPIC-01"));
        let at = fx.nth(rel, "Roll back", 0);
        assert_eq!(id_at(&fx.folder, rel, at).as_deref(), Some("DEP-004"));
        assert_eq!(id_at(&fx.folder, rel, 2), None);
        assert_eq!(id_at(&fx.folder, "nope.md", 0), None);

        let g = trace_graph(&fx.folder, "DEP-004", 1);
        let svg = g.svg.expect("svg");
        assert!(svg.starts_with("<svg"), "{svg}");
        for id in ["DEP-004", "MON-001", "RUN-001"] {
            assert!(svg.contains(&format!("data-id=\"{id}\"")), "{id} in {svg}");
        }
        assert!(!svg.contains("data-id=\"DEP-003\""), "{svg}");
        assert_eq!((g.nodes, g.edges), (3, 2));
        // Depth 2 from EPIC-01 reaches DEP-003's other link.
        let g = trace_graph(&fx.folder, "EPIC-01", 2);
        assert!(g.svg.unwrap().contains("data-id=\"TEST-001\""));
        // An ID no plan links: no SVG, a note.
        let g = trace_graph(&fx.folder, "EPIC-09", 1);
        assert!(g.svg.is_none());
        assert!(g
            .note
            .unwrap()
            .contains("EPIC-09 is not in the trace graph"));
        // A huge depth is capped, not an error.
        assert!(trace_graph(&fx.folder, "DEP-004", usize::MAX).svg.is_some());
    });
}

//! The editor views' custom requests over JSON-RPC against the real binary:
//! `dep-ls/readinessTree` (plans → gates → entries at fault, with each ID's range) and
//! `dep-ls/traceGraph` (the report's SVG around the ID at the cursor), announced in the
//! `experimental` capabilities; bad params get InvalidParams (or null), never a crash.

use crate::support;

use serde_json::{json, Value};
use std::path::PathBuf;
use support::lsp::*;

/// Every gate passes but `validation`: DEP-005 has no `Escalation:`.
const PLAN: &str = "\
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
";

const IDS: &str = "\
# IDs

## TEST-001: Suite
## MON-001: Errors <script>alert(1)</script>
## RUN-001: Rollback
## EPIC-01: Checkout
";

fn workspace(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::write(dir.join("dep-ls.toml"), "").unwrap();
    std::fs::create_dir_all(dir.join("release")).unwrap();
    std::fs::create_dir_all(dir.join("SoT")).unwrap();
    std::fs::write(dir.join("release/plan.md"), PLAN).unwrap();
    std::fs::write(dir.join("SoT/ids.md"), IDS).unwrap();
    dir
}

/// The tree, once the background indexing has produced the plan.
fn tree(c: &mut LspClient, params: Value) -> Value {
    for _ in 0..400 {
        let r = c.request("dep-ls/readinessTree", params.clone());
        if r["plans"].as_array().is_some_and(|p| !p.is_empty()) {
            return r;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("no readiness tree with a plan");
}

fn error_code(c: &mut LspClient, method: &str, params: Value) -> Value {
    let id = c.request_async(method, params);
    let r = c.response(id);
    assert!(r.get("result").is_none(), "{method}: {r}");
    r["error"]["code"].clone()
}

fn gate<'a>(plan: &'a Value, key: &str) -> &'a Value {
    plan["gates"]
        .as_array()
        .expect("gates")
        .iter()
        .find(|g| g["key"] == key)
        .unwrap_or_else(|| panic!("no gate {key} in {plan}"))
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in text"))
}

#[test]
fn readiness_tree_lists_failing_entries_with_their_id_ranges() {
    let root = workspace("lsp-views-tree");
    let root_uri = file_uri(&root);
    let plan_uri = file_uri(&root.join("release/plan.md"));
    let mut c = LspClient::start();
    let init = c.initialize(&root, json!({}), json!({}));
    let exp = &init["capabilities"]["experimental"];
    assert_eq!(exp["dep-ls/readinessTree"], true, "{exp}");
    assert_eq!(exp["dep-ls/traceGraph"], true, "{exp}");

    let t = tree(&mut c, json!({}));
    let plans = t["plans"].as_array().unwrap();
    assert_eq!(plans.len(), 1, "{t}");
    let p = &plans[0];
    assert_eq!(p["name"], "workspace");
    assert_eq!(p["ready"], false);
    assert_eq!(
        (p["gatesPassed"].clone(), p["gatesTotal"].clone()),
        (json!(6), json!(7))
    );
    assert_eq!(p["folder"], json!(root_uri.trim_end_matches('/')));
    assert_eq!(p["first"]["id"], "DEP-001");

    // A passing gate: no entries.
    let env = gate(p, "environments");
    assert_eq!(env["pass"], true);
    assert_eq!(env["blocking"], true);
    assert_eq!(env["entries"], json!([]));
    assert!(
        env["summary"]
            .as_str()
            .unwrap()
            .contains("staging, production"),
        "{env}"
    );

    // The failing gate: DEP-005, its title, file, the range of its ID and the reason.
    let v = gate(p, "validation");
    assert_eq!(v["pass"], false);
    let entries = v["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{v}");
    let e = &entries[0];
    let line = line_of(PLAN, "DEP-005: Smoke");
    assert_eq!(e["id"], "DEP-005");
    assert_eq!(e["title"], "Smoke");
    assert_eq!(e["uri"], json!(plan_uri));
    assert_eq!(
        e["range"],
        json!({"start": {"line": line, "character": 0}, "end": {"line": line, "character": 7}})
    );
    assert_eq!(e["faultLine"], json!(line));
    assert_eq!(e["reason"], "no `Escalation:`");

    // A workspace folder or a document of it as `uri`, and null params: the same tree.
    assert_eq!(tree(&mut c, json!({"uri": root_uri})), t);
    assert_eq!(tree(&mut c, json!({"uri": plan_uri})), t);
    assert_eq!(tree(&mut c, Value::Null), t);

    // The open buffer wins: adding the escalation makes the plan ready.
    c.open(&plan_uri, PLAN);
    let fixed = PLAN.replace(
        "Success Criteria: All green\n",
        "Success Criteria: All green\nEscalation: Page the release manager\n",
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": plan_uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let mut after = Value::Null;
    for _ in 0..400 {
        after = tree(&mut c, json!({}));
        if after["plans"][0]["ready"] == true {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    assert_eq!(after["plans"][0]["ready"], true, "{after}");
    assert_eq!(gate(&after["plans"][0], "validation")["entries"], json!([]));
    c.shutdown();
}

#[test]
fn trace_graph_around_the_id_at_the_cursor() {
    let root = workspace("lsp-views-graph");
    let plan_uri = file_uri(&root.join("release/plan.md"));
    let mut c = LspClient::start();
    c.initialize(&root, json!({}), json!({}));
    tree(&mut c, json!({}));

    // On DEP-004's ID: the SVG around it (its MON- and RUN- links), no other DEP- entry.
    let at =
        |needle: &str| json!({"textDocument": {"uri": plan_uri}, "position": pos_of(PLAN, needle)});
    let g = c.request("dep-ls/traceGraph", at("DEP-004"));
    assert_eq!(g["id"], "DEP-004", "{g}");
    let svg = g["svg"].as_str().expect("svg");
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{svg}"
    );
    for id in ["DEP-004", "MON-001", "RUN-001"] {
        assert!(svg.contains(&format!("data-id=\"{id}\"")), "{id}: {svg}");
    }
    assert!(!svg.contains("data-id=\"DEP-003\""), "{svg}");
    assert_eq!(
        (g["nodes"].clone(), g["edges"].clone()),
        (json!(3), json!(2))
    );
    // Titles are escaped: the server's SVG carries no markup from the workspace.
    assert!(!svg.contains("<script"), "{svg}");
    assert!(svg.contains("&lt;script&gt;"), "{svg}");

    // Inside the entry, away from any ID: the entry's graph. On a linked ID: that ID's.
    assert_eq!(
        c.request("dep-ls/traceGraph", at("Roll back"))["id"],
        "DEP-004"
    );
    let g = c.request("dep-ls/traceGraph", at("EPIC-01"));
    assert_eq!(g["id"], "EPIC-01");
    assert!(
        g["svg"].as_str().unwrap().contains("data-id=\"DEP-003\""),
        "{g}"
    );
    // By ID, with a depth.
    let g = c.request("dep-ls/traceGraph", json!({"id": "EPIC-01", "depth": 2}));
    assert!(
        g["svg"].as_str().unwrap().contains("data-id=\"TEST-001\""),
        "{g}"
    );
    // An ID no plan links: no SVG, a note saying why.
    let g = c.request("dep-ls/traceGraph", json!({"id": "EPIC-77"}));
    assert_eq!(g["svg"], Value::Null, "{g}");
    assert!(
        g["note"]
            .as_str()
            .unwrap()
            .contains("not in the trace graph"),
        "{g}"
    );

    // On no ID (the title line above every entry), past the end, a document in no folder: null.
    assert_eq!(c.request("dep-ls/traceGraph", at("# Plan")), Value::Null);
    let far =
        json!({"textDocument": {"uri": plan_uri}, "position": {"line": 9999, "character": 9999}});
    let _ = c.request("dep-ls/traceGraph", far);
    let elsewhere = json!({"textDocument": {"uri": "file:///elsewhere/x.md"}, "position": {"line": 0, "character": 0}});
    assert_eq!(c.request("dep-ls/traceGraph", elsewhere), Value::Null);
    c.shutdown();
}

#[test]
fn bad_params_get_invalid_params_and_the_server_goes_on() {
    let root = workspace("lsp-views-bad");
    let plan_uri = file_uri(&root.join("release/plan.md"));
    let mut c = LspClient::start();
    c.initialize(&root, json!({}), json!({}));
    let invalid = json!(-32602);
    for params in [
        json!(42),
        json!("x"),
        json!([1]),
        json!({"uri": 5}),
        json!({"uri": "not a uri"}),
        json!({"uri": "https://example.com/x"}),
        json!({"uri": "file:///elsewhere"}),
    ] {
        assert_eq!(
            error_code(&mut c, "dep-ls/readinessTree", params.clone()),
            invalid,
            "{params}"
        );
    }
    for params in [
        json!(42),
        json!({}),
        json!({"textDocument": 5, "position": {"line": 0, "character": 0}}),
        json!({"textDocument": {"uri": plan_uri}}),
        json!({"textDocument": {"uri": plan_uri}, "position": {"line": -1, "character": 0}}),
        json!({"id": "not an id"}),
        json!({"id": 7}),
        json!({"id": "DEP-004", "depth": -1}),
        json!({"id": "DEP-004", "depth": "deep"}),
        json!({"id": "DEP-004", "uri": "file:///elsewhere"}),
    ] {
        assert_eq!(
            error_code(&mut c, "dep-ls/traceGraph", params.clone()),
            invalid,
            "{params}"
        );
    }
    // Without params at all: tower-lsp's own InvalidParams.
    let id = c.request_async("dep-ls/traceGraph", Value::Null);
    let _ = c.response(id);
    c.send(&json!({"jsonrpc": "2.0", "id": 9999, "method": "dep-ls/readinessTree"}));
    assert_eq!(c.response(9999)["error"]["code"], invalid);
    // Still serving.
    assert!(tree(&mut c, json!({}))["plans"].is_array());
    assert_eq!(c.shutdown(), 0);
}

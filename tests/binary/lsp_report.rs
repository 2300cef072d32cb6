//! `dep-ls.readinessReport` over JSON-RPC against the real binary: advertised in
//! `executeCommandProvider`, accepts the argument shapes editors send (VS Code: the workspace
//! folder URI as a string; an object with `uri`; none), returns the Markdown report; and the
//! "Readiness: n/7 gates pass" code lens on the plan's first DEP- entry.

use crate::support;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use support::lsp::*;

fn example_copy(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-checkout");
    copy_dir(&src, &dir);
    dir
}

/// Runs the command until the background indexing has produced the plan.
fn report(c: &mut LspClient, args: Value) -> Value {
    for _ in 0..200 {
        let r = c.request(
            "workspace/executeCommand",
            json!({"command": "dep-ls.readinessReport", "arguments": args}),
        );
        if r.as_str().is_some_and(|s| s.contains("## Plan:")) {
            return r;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("no report with a plan");
}

#[test]
fn readiness_report_command_and_code_lens() {
    let root = example_copy("lsp-report");
    let root_uri = file_uri(&root);
    let mut c = LspClient::start();
    let init = c.initialize(&root, json!({}), json!({}));
    let commands = &init["capabilities"]["executeCommandProvider"]["commands"];
    assert!(
        commands
            .as_array()
            .is_some_and(|a| a.iter().any(|c| c == "dep-ls.readinessReport")),
        "{commands}"
    );

    // VS Code's shape: the workspace folder URI as a string.
    let md = report(&mut c, json!([root_uri]));
    let md = md.as_str().expect("a Markdown string");
    assert!(md.starts_with("# Release readiness report\n"), "{md}");
    assert!(
        md.contains("**Not ready: 2 of 7 quality gates pass"),
        "{md}"
    );
    assert!(
        md.contains("`release/release-plan.md:208` **DEP-011**"),
        "{md}"
    );
    assert!(md.contains("### Environment progression"), "{md}");

    // `{uri}` naming a document of the folder, and no argument at all: the same report.
    let doc_uri = file_uri(&root.join("release/release-plan.md"));
    assert_eq!(report(&mut c, json!([{"uri": doc_uri}])), json!(md));
    assert_eq!(report(&mut c, json!([])), json!(md));
    let r = c.request(
        "workspace/executeCommand",
        json!({"command": "dep-ls.readinessReport", "arguments": []}),
    );
    assert_eq!(
        r,
        json!(md),
        "no `arguments` field behaves like an empty list"
    );

    // A URI outside every folder is an error, not an empty report.
    let id = c.request_async(
        "workspace/executeCommand",
        json!({"command": "dep-ls.readinessReport", "arguments": ["file:///elsewhere"]}),
    );
    let resp = c.response(id);
    assert_eq!(resp["error"]["code"], -32602, "{resp}");

    // The open buffer wins: fixing the vague threshold passes the rollback gate.
    let plan_path = root.join("release/release-plan.md");
    let text = std::fs::read_to_string(&plan_path).unwrap();
    c.open(&doc_uri, &text);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": doc_uri, "version": 2},
               "contentChanges": [{"text": text.replace("**Threshold:** high", "**Threshold:** below 90% for 10 minutes")}]}),
    );
    let mut after = String::new();
    for _ in 0..200 {
        after = report(&mut c, json!([root_uri]))
            .as_str()
            .unwrap()
            .to_string();
        if after.contains("3 of 7 quality gates pass") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    assert!(
        after.contains("**Not ready: 3 of 7 quality gates pass"),
        "{after}"
    );
    // The check gate reads the open buffer too: the threshold's error is gone from it, the
    // example's other errors (a plaintext secret among them) remain.
    assert!(md.contains("unmeasurable-threshold"), "{md}");
    assert!(!after.contains("unmeasurable-threshold"), "{after}");
    assert!(after.contains("plaintext-secret"), "{after}");

    // The code lens sits on the plan's first DEP- entry (DEP-030, SoT/SoT.DEPLOYMENT.md).
    let sot_path = root.join("SoT/SoT.DEPLOYMENT.md");
    let sot_uri = file_uri(&sot_path);
    let sot = std::fs::read_to_string(&sot_path).unwrap();
    c.open(&sot_uri, &sot);
    let lenses = c.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": sot_uri}}),
    );
    let readiness: Vec<&Value> = lenses
        .as_array()
        .expect("lenses")
        .iter()
        .filter(|l| l["command"]["command"] == "dep-ls.readinessReport")
        .collect();
    assert_eq!(readiness.len(), 1, "{lenses}");
    let lens = readiness[0];
    assert_eq!(lens["command"]["title"], "Readiness: 3/7 gates pass");
    assert_eq!(lens["range"]["start"], json!({"line": 15, "character": 3}));
    assert!(sot.lines().nth(15).unwrap().starts_with("## DEP-030:"));
    assert_eq!(lens["command"]["arguments"], json!([root_uri]));
    // No readiness lens in the plan's other files.
    let lenses = c.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": doc_uri}}),
    );
    assert!(!lenses
        .as_array()
        .expect("lenses")
        .iter()
        .any(|l| l["command"]["command"] == "dep-ls.readinessReport"));
    c.shutdown();
}

/// Inline suppressions over JSON-RPC: the "Ignore CODE on this line" quick fix, applied as an
/// editor applies it (incremental changes), removes the finding from the pushed diagnostics,
/// as `dep-ls check` would.
#[test]
fn ignore_quick_fix_over_the_wire() {
    let root = example_copy("lsp-suppress");
    let plan_path = root.join("release/release-plan.md");
    let plan_uri = file_uri(&plan_path);
    let mut text = std::fs::read_to_string(&plan_path).unwrap();
    let mut c = LspClient::start();
    c.initialize(&root, json!({}), json!({}));
    c.open(&plan_uri, &text);
    let diags = c.diagnostics(&plan_uri, |d| {
        d.iter().any(|x| x["code"] == "plaintext-secret")
    });
    let secret = diags
        .iter()
        .find(|d| d["code"] == "plaintext-secret")
        .expect("plaintext-secret")
        .clone();
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": plan_uri}, "range": secret["range"], "context": {"diagnostics": [secret]}}),
    );
    let fix = actions
        .as_array()
        .expect("actions")
        .iter()
        .find(|a| a["title"] == "Ignore plaintext-secret on this line")
        .unwrap_or_else(|| panic!("no ignore fix in {actions}"))
        .clone();
    assert_eq!(fix["kind"], "quickfix");
    let edits = fix["edit"]["documentChanges"][0]["edits"]
        .as_array()
        .expect("edits")
        .clone();
    assert_eq!(edits.len(), 1);
    assert!(
        edits[0]["newText"]
            .as_str()
            .is_some_and(|t| t.contains("<!-- dep-ls-disable-next-line plaintext-secret -->")),
        "{edits:?}"
    );
    let changes: Vec<Value> = edits
        .iter()
        .map(|e| json!({"range": e["range"], "text": e["newText"]}))
        .collect();
    text = apply_text_edits(&text, &edits);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": plan_uri, "version": 2}, "contentChanges": changes}),
    );
    let diags = c.diagnostics(&plan_uri, |d| {
        !d.is_empty() && !d.iter().any(|x| x["code"] == "plaintext-secret")
    });
    assert!(diags.iter().any(|x| x["code"] == "unmeasurable-threshold"));
    // `dep-ls check` of the same text agrees.
    std::fs::write(&plan_path, &text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dep-ls"))
        .args(["check", root.to_str().unwrap(), "--format", "json"])
        .output()
        .expect("dep-ls check");
    let found: Value = serde_json::from_slice(&out.stdout).expect("json");
    let codes: Vec<&str> = found
        .as_array()
        .expect("array")
        .iter()
        .filter(|f| f["path"] == "release/release-plan.md")
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(!codes.contains(&"plaintext-secret"), "{codes:?}");
    assert!(codes.contains(&"unmeasurable-threshold"), "{codes:?}");
    c.shutdown();
}

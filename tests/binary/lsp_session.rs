//! JSON-RPC tests against the real `dep-ls` binary: an editor session on the example workspace.

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

/// What the VS Code extension announces (among others): the client-side command
/// `editor.action.showReferences` in `experimental.commands.commands`.
fn vscode_like_caps() -> Value {
    json!({
        "experimental": {"commands": {"commands": ["editor.action.showReferences"]}},
        "general": {"positionEncodings": ["utf-16"]},
        "window": {"workDoneProgress": true},
        "workspace": {"configuration": true, "didChangeWatchedFiles": {"dynamicRegistration": true}},
        "textDocument": {
            "completion": {"completionItem": {
                "snippetSupport": true,
                "resolveSupport": {"properties": ["documentation", "detail", "additionalTextEdits"]}
            }},
            "publishDiagnostics": {"relatedInformation": true}
        }
    })
}

fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Waits until the background indexing has reached `id` (definition resolves).
fn wait_indexed(c: &mut LspClient, uri: &str, pos: Value) -> Value {
    for _ in 0..200 {
        let r = c.request(
            "textDocument/definition",
            json!({"textDocument": {"uri": uri}, "position": pos}),
        );
        if r.as_array().is_some_and(|a| !a.is_empty()) {
            return r;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("the workspace was never indexed");
}

#[test]
fn editor_session_on_the_example_workspace() {
    let root = example_copy("session");
    let plan_path = root.join("release/release-plan.md");
    let plan_uri = file_uri(&plan_path);
    let mut text = std::fs::read_to_string(&plan_path).expect("plan");

    let mut c = LspClient::start();
    let init = c.initialize(&root, vscode_like_caps(), json!({}));
    let caps = &init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert!(caps["renameProvider"]["prepareProvider"]
        .as_bool()
        .unwrap_or(false));

    c.open(&plan_uri, &text);

    // Diagnostics arrive with the deliberate defects of this file.
    let diags = c.diagnostics(&plan_uri, |d| {
        d.iter().any(|x| x["code"] == "unmeasurable-threshold")
    });
    let cs = codes(&diags);
    for code in [
        "unmeasurable-threshold",
        "missing-owner",
        "unresolved-link",
        "invalid-value",
        "range-gap",
        "environment-drift",
        "plaintext-secret",
    ] {
        assert!(cs.iter().any(|c| c == code), "{code} missing from {cs:?}");
    }
    let drift = diags
        .iter()
        .find(|d| d["code"] == "environment-drift")
        .expect("drift");
    assert!(
        drift["relatedInformation"]
            .as_array()
            .is_some_and(|r| !r.is_empty()),
        "{drift}"
    );
    assert!(drift["codeDescription"]["href"]
        .as_str()
        .unwrap_or("")
        .contains("#environment-drift"));

    // Go to definition of a linked monitor lands in another, unopened file.
    let mon = text.find("MON-").expect("a MON- link in the plan");
    let mon_id: String = text[mon..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let def = wait_indexed(&mut c, &plan_uri, pos_of(&text, &mon_id));
    let target = def[0]["uri"].as_str().expect("uri");
    assert!(target.ends_with("SoT/SoT.MONITORING.md"), "{def}");

    // Hover on a DEP- definition.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": plan_uri}, "position": pos_of(&text, "DEP-001")}),
    );
    let md = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(md.contains("DEP-001") && md.contains("Type"), "{hover}");

    // Completion inside a Linked IDs list (right after the key) offers IDs with titles.
    let li = text.find("\nLinked IDs: ").expect("Linked IDs") + 1;
    let at = li + "Linked IDs: ".len();
    let line = text[..at].matches('\n').count();
    let comp = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": plan_uri}, "position": {"line": line, "character": "Linked IDs: ".len()}}),
    );
    let items = comp["items"].as_array().expect("items");
    assert!(!items.is_empty(), "{comp}");
    assert!(
        items.iter().all(|i| i["kind"] == 18),
        "IDs are references: {comp}"
    );
    assert!(items
        .iter()
        .any(|i| i["detail"].as_str().is_some_and(|d| !d.is_empty())));
    // The client resolves items: documentation comes with `completionItem/resolve`.
    assert!(
        items
            .iter()
            .all(|i| i["documentation"].is_null() && i["data"]["id"] == i["label"]),
        "{comp}"
    );
    let first = items[0].clone();
    let resolved = c.request("completionItem/resolve", first.clone());
    let doc = resolved["documentation"]["value"].as_str().unwrap_or("");
    assert!(
        doc.contains(first["label"].as_str().expect("label")) && doc.contains('`'),
        "{resolved}"
    );

    // Fix `Threshold: high` with an incremental edit: the finding goes away.
    let high = text.find("**Threshold:** high").expect("defect 1") + "**Threshold:** ".len();
    let start = {
        // Position of this exact occurrence.
        let before = &text[..high];
        let line = before.matches('\n').count();
        let ls = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        json!({"line": line, "character": text[ls..high].encode_utf16().count()})
    };
    let end = json!({"line": start["line"], "character": start["character"].as_u64().unwrap() + 4});
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": plan_uri, "version": 2},
               "contentChanges": [{"range": {"start": start, "end": end}, "text": ">2% of requests for 5 minutes"}]}),
    );
    text.replace_range(high..high + 4, ">2% of requests for 5 minutes");
    let diags = c.diagnostics(&plan_uri, |d| {
        !d.iter().any(|x| x["code"] == "unmeasurable-threshold")
    });
    assert!(
        codes(&diags).iter().any(|c| c == "missing-owner"),
        "other findings stay"
    );

    // A quick fix for `Method: Automatic`, applied as the editor would.
    let auto = diags
        .iter()
        .find(|d| d["code"] == "invalid-value")
        .expect("invalid-value")
        .clone();
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": plan_uri}, "range": auto["range"], "context": {"diagnostics": [auto]}}),
    );
    let fix = actions
        .as_array()
        .expect("actions")
        .iter()
        .find(|a| a["title"].as_str().is_some_and(|t| t.contains("Automated")))
        .unwrap_or_else(|| panic!("no Automated fix in {actions}"))
        .clone();
    let doc_edit = &fix["edit"]["documentChanges"][0];
    assert_eq!(
        doc_edit["textDocument"]["version"], 2,
        "edits are computed against the version asked"
    );
    let edits = doc_edit["edits"].as_array().expect("edits").clone();
    let changes: Vec<Value> = edits
        .iter()
        .map(|e| json!({"range": e["range"], "text": e["newText"]}))
        .collect();
    text = apply_text_edits(&text, &edits);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": plan_uri, "version": 3}, "contentChanges": changes}),
    );
    let diags = c.diagnostics(&plan_uri, |d| {
        !d.iter().any(|x| x["code"] == "invalid-value")
    });
    assert!(!diags.is_empty());

    // References of a test ID include the range that covers it.
    let refs = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": plan_uri}, "position": pos_of(&text, "TEST-001"), "context": {"includeDeclaration": true}}),
    );
    let refs = refs.as_array().expect("refs");
    assert!(
        refs.iter().any(|r| r["uri"]
            .as_str()
            .is_some_and(|u| u.ends_with("SoT.TESTING.md"))),
        "declaration included"
    );

    // Rename a runbook ID across the workspace.
    let run = text.find("RUN-").expect("a RUN- link");
    let run_id: String = text[run..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let prep = c.request(
        "textDocument/prepareRename",
        json!({"textDocument": {"uri": plan_uri}, "position": pos_of(&text, &run_id)}),
    );
    assert_eq!(prep["placeholder"], run_id.as_str());
    let edit = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": plan_uri}, "position": pos_of(&text, &run_id), "newName": "RUN-901"}),
    );
    let files: Vec<&str> = edit["documentChanges"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|d| d["textDocument"]["uri"].as_str())
        .collect();
    assert!(
        files.len() >= 2,
        "definition and references in several files: {files:?}"
    );
    assert!(files.iter().any(|u| u.ends_with("SoT.RUNBOOKS.md")));
    // Renaming to an existing ID is refused with a clear message.
    let id = c.request_async(
        "textDocument/rename",
        json!({"textDocument": {"uri": plan_uri}, "position": pos_of(&text, &run_id), "newName": "DEP-001"}),
    );
    let r = c.response(id);
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("already defined"),
        "{r}"
    );

    // Symbols, folding, semantic tokens, code lens answer.
    let syms = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": plan_uri}}),
    );
    assert!(syms
        .as_array()
        .is_some_and(|s| s.iter().any(|x| x["name"] == "DEP-001")));
    let ws = c.request("workspace/symbol", json!({"query": "rollback"}));
    assert!(ws.as_array().is_some_and(|s| !s.is_empty()));
    let toks = c.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": plan_uri}}),
    );
    assert!(toks["data"]
        .as_array()
        .is_some_and(|d| d.len() % 5 == 0 && !d.is_empty()));
    let lens = c.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": plan_uri}}),
    );
    assert!(lens
        .as_array()
        .is_some_and(|l| l.iter().any(|x| x["command"]["title"]
            .as_str()
            .is_some_and(|t| t.contains("reference")))));

    assert_eq!(c.shutdown(), 0);
}

/// 500 back-to-back edits followed by a request always see the final text.
#[test]
fn requests_after_many_edits_see_the_final_text() {
    let root = temp_dir("many-edits");
    let path = root.join("plan.md");
    let base = "# Plan\n\n## DEP-001: First\nType: Step\n";
    std::fs::write(&path, base).expect("write");
    let uri = file_uri(&path);
    for run in 0..3 {
        let mut c = LspClient::start();
        c.initialize(
            &root,
            json!({"general": {"positionEncodings": ["utf-8"]}}),
            json!({}),
        );
        c.open(&uri, base);
        let mut text = base.to_string();
        let addition = "\n## DEP-777: Added by typing\nType: Step\n";
        let mut version = 1;
        for _ in 0..(500 / addition.len() + 1) {
            for ch in addition.chars() {
                let line = text.matches('\n').count();
                let col = text.len() - text.rfind('\n').map(|i| i + 1).unwrap_or(0);
                version += 1;
                c.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": uri, "version": version},
                           "contentChanges": [{"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}, "text": ch.to_string()}]}),
                );
                text.push(ch);
            }
        }
        let syms = c.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        );
        let n = syms
            .as_array()
            .map(|s| s.iter().filter(|x| x["name"] == "DEP-777").count())
            .unwrap_or(0);
        assert_eq!(n, 500 / addition.len() + 1, "run {run}: {syms}");
        // Completion, like every request, sees every edit sent before it. Type a link on the
        // last line and complete right away.
        let last = text.matches('\n').count();
        for (col, ch) in "Linked IDs: DEP-00".chars().enumerate() {
            version += 1;
            c.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version},
                       "contentChanges": [{"range": {"start": {"line": last, "character": col}, "end": {"line": last, "character": col}}, "text": ch.to_string()}]}),
            );
        }
        let comp = c.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": last, "character": 18}}),
        );
        let item = comp["items"]
            .as_array()
            .and_then(|items| items.iter().find(|i| i["label"] == "DEP-001"))
            .unwrap_or_else(|| panic!("run {run}: no DEP-001 in {comp}"));
        assert_eq!(
            item["textEdit"]["range"],
            json!({"start": {"line": last, "character": 12}, "end": {"line": last, "character": 18}}),
            "run {run}"
        );
        assert_eq!(c.shutdown(), 0);
    }
}

/// Pull diagnostics when the client supports them (and no pushes).
#[test]
fn pull_diagnostics() {
    let root = example_copy("pull");
    let plan = root.join("release/release-plan.md");
    let uri = file_uri(&plan);
    let text = std::fs::read_to_string(&plan).expect("plan");
    let mut c = LspClient::start();
    let init = c.initialize(
        &root,
        json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}}),
        json!({}),
    );
    assert_eq!(
        init["capabilities"]["diagnosticProvider"]["interFileDependencies"],
        true
    );
    c.open(&uri, &text);
    wait_indexed(&mut c, &uri, pos_of(&text, "EPIC-01"));
    let r = c.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(r["kind"], "full");
    let cs = codes(r["items"].as_array().expect("items"));
    assert!(cs.iter().any(|c| c == "unmeasurable-threshold"), "{cs:?}");
    let id = r["resultId"].as_str().expect("a result id").to_string();

    // Asked again with that id: nothing changed, nothing resent.
    let pull = |c: &mut LspClient, previous: &str| {
        c.request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}, "previousResultId": previous}),
        )
    };
    let again = pull(&mut c, &id);
    assert_eq!(again["kind"], "unchanged", "{again}");
    assert_eq!(again["resultId"], id.as_str());
    assert!(again.get("items").is_none());
    // A stale id gets the full report.
    assert_eq!(pull(&mut c, "not-the-last-id")["kind"], "full");

    let insert = |c: &mut LspClient, version: i32, at: Value, text: &str| {
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"range": {"start": at, "end": at}, "text": text}]}),
        );
    };
    // Typing in the prose before the entries changes no finding: still unchanged.
    insert(&mut c, 2, pos_of(&text, "EPIC-01"), " ");
    let r = pull(&mut c, &id);
    assert_eq!(r["kind"], "unchanged", "{r}");
    // A new entry at the end brings findings: a full report under a new id.
    let end = json!({"line": text.lines().count(), "character": 0});
    insert(&mut c, 3, end, "\nDEP-999: Half written\nType: Rollback\n");
    let r = pull(&mut c, &id);
    assert_eq!(r["kind"], "full", "{r}");
    let new_id = r["resultId"].as_str().expect("a result id").to_string();
    assert_ne!(new_id, id);
    assert!(r["items"]
        .as_array()
        .is_some_and(|i| i.iter().any(|d| d["data"]["id"] == "DEP-999")));

    let w = c.request(
        "workspace/diagnostic",
        json!({"previousResultIds": [{"uri": uri, "value": new_id}]}),
    );
    let files = w["items"].as_array().expect("items");
    assert!(files.iter().any(|f| f["uri"]
        .as_str()
        .is_some_and(|u| u.ends_with("SoT.DEPLOYMENT.md"))
        && f["kind"] == "full"
        && f["items"]
            .as_array()
            .is_some_and(|i| i.iter().any(|d| d["code"] == "broken-link"))));
    let mine: Vec<&Value> = files.iter().filter(|f| f["uri"] == uri.as_str()).collect();
    assert_eq!(mine.len(), 1, "{w}");
    assert_eq!(mine[0]["kind"], "unchanged", "{w}");
    assert_eq!(mine[0]["version"], 3);
    assert!(!c
        .backlog
        .iter()
        .any(|m| m["method"] == "textDocument/publishDiagnostics"));
    assert_eq!(c.shutdown(), 0);
}

/// Bad input gets an error or an empty answer, never a crash.
#[test]
fn bad_input_is_answered() {
    let root = temp_dir("bad-input");
    let mut c = LspClient::start();
    // A request before initialize is refused.
    let id = c.request_async("textDocument/hover", json!({"textDocument": {"uri": "file:///nowhere.md"}, "position": {"line": 0, "character": 0}}));
    assert!(c.response(id).get("error").is_some());
    c.initialize(&root, json!({}), json!({}));
    // Unknown documents, positions past the end.
    let r = c.request("textDocument/hover", json!({"textDocument": {"uri": "file:///nowhere.md"}, "position": {"line": 99, "character": 99}}));
    assert!(r.is_null());
    let uri = file_uri(&root.join("a.md"));
    c.open(&uri, "DEP-001: A\nType: Step\n😀 DEP-001\n");
    for (l, ch) in [
        (0, 0),
        (0, 1000),
        (2, 1),
        (2, 2),
        (50, 0),
        (u32::MAX as u64, u32::MAX as u64),
    ] {
        let p = json!({"textDocument": {"uri": uri}, "position": {"line": l, "character": ch}});
        c.request("textDocument/hover", p.clone());
        c.request("textDocument/definition", p.clone());
        c.request("textDocument/completion", p.clone());
        let _ = c.request_async("textDocument/prepareRename", p);
    }
    // An edit range past the end is clamped.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"range": {"start": {"line": 40, "character": 3}, "end": {"line": 41, "character": 0}}, "text": "\nDEP-002: B\n"}]}),
    );
    let syms = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(
        syms.as_array()
            .is_some_and(|s| s.iter().any(|x| x["name"] == "DEP-002")),
        "{syms}"
    );
    // Unknown method: MethodNotFound.
    let id = c.request_async("dep-ls/unknown", json!({}));
    assert_eq!(c.response(id)["error"]["code"], -32601);
    // Malformed JSON: a parse error, and the server keeps serving.
    c.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    let r = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(r.is_array());
    assert_eq!(c.shutdown(), 0);
}

/// A client that goes away without `shutdown`: the server exits (code 1), no orphan.
#[test]
fn exits_when_the_client_goes_away() {
    let root = temp_dir("gone");
    let mut c = LspClient::start();
    c.initialize(&root, json!({}), json!({}));
    c.close_stdin();
    assert_eq!(c.wait_exit(), 1);
}

/// `exit` ends the process even while a handler waits for a client answer that will never be
/// read (here: the client leaves `window/workDoneProgress/create` unanswered, so indexing
/// waits). tower-lsp alone would wait for that handler for ever.
#[test]
fn exit_does_not_wait_for_handlers_blocked_on_the_client() {
    use std::io::{BufReader, Write};
    use std::process::{Command, Stdio};
    let root = example_copy("exit-blocked");
    let mut child = Command::new(env!("CARGO_BIN_EXE_dep-ls"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn dep-ls");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel::<Value>();
    std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        while let Some(m) = read_msg(&mut r) {
            if tx.send(m).is_err() {
                break;
            }
        }
    });
    let mut send = |v: Value| {
        let body = v.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        stdin.flush().expect("flush");
    };
    let wait_for = |pred: &dyn Fn(&Value) -> bool| loop {
        let m = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("a message from the server");
        if pred(&m) {
            return m;
        }
    };
    send(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": null, "rootUri": file_uri(&root),
        "capabilities": {"window": {"workDoneProgress": true}}}}),
    );
    wait_for(&|m| m["id"] == 1);
    send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    // The server asks for a progress token; this client never answers.
    wait_for(&|m| m["method"] == "window/workDoneProgress/create");
    send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}));
    wait_for(&|m| m["id"] == 2);
    send(json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
    // A guard against hanging for ever, not a timing check.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let code = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st.code();
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("dep-ls did not exit after `exit`");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(code, Some(0), "exit after shutdown");
}

/// Issue 14: an untitled (unsaved) document gets diagnostics, resolved against the first
/// workspace folder: an ID defined there resolves, an undefined one does not; closing it takes
/// its definitions out of the index.
#[test]
fn an_untitled_document_is_checked_against_the_first_workspace_folder() {
    let root = example_copy("untitled");
    let mut c = LspClient::start();
    c.initialize(&root, vscode_like_caps(), json!({}));
    let uri = "untitled:Untitled-1";
    let text = "DEP-900: Smoke check after deploy\nType: Validation\nStage: Post-deploy\n\
                Description: d\nCheck: c\nMethod: Automated\nSuccess Criteria: green\n\
                Linked IDs: API-001, API-977\n";
    c.open(uri, text);
    let diags = c.diagnostics(uri, |d| d.iter().any(|x| x["code"] == "unresolved-link"));
    let unresolved: Vec<&str> = diags
        .iter()
        .filter(|d| d["code"] == "unresolved-link")
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert_eq!(unresolved.len(), 1, "{diags:#?}");
    assert!(unresolved[0].contains("API-977"), "{unresolved:?}");
    assert!(
        codes(&diags).contains(&"missing-owner".to_string()),
        "{diags:#?}"
    );
    // API-001 resolves into the workspace folder: go to its definition there.
    let def = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": pos_of(text, "API-001")}),
    );
    let target = def
        .as_array()
        .and_then(|a| a.first())
        .cloned()
        .unwrap_or(def);
    assert!(
        target["uri"]
            .as_str()
            .is_some_and(|u| u.starts_with("file://") && u.ends_with("SoT.API_CONTRACTS.md")),
        "{target}"
    );
    // DEP-900 is defined by the untitled buffer while it is open, and no longer once closed.
    let symbols = |c: &mut LspClient| {
        c.request("workspace/symbol", json!({"query": "DEP-900"}))
            .as_array()
            .map_or(0, |a| a.len())
    };
    assert_eq!(symbols(&mut c), 1);
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let diags = c.diagnostics(uri, |d| d.is_empty());
    assert!(diags.is_empty());
    assert_eq!(symbols(&mut c), 0);
    assert_eq!(c.shutdown(), 0);
}

/// Issue 14: a file inside a nested workspace (a folder below the root with a `SoT/` of its
/// own) belongs to that workspace: its IDs resolve there, not against the outer folder, and
/// the outer folder's definitions are not its.
#[test]
fn a_file_in_a_nested_workspace_belongs_to_it() {
    let root = temp_dir("nested-session");
    let nested = root.join("tests/fixtures/healthy");
    std::fs::create_dir_all(root.join("SoT")).expect("mkdir");
    std::fs::create_dir_all(nested.join("SoT")).expect("mkdir");
    std::fs::write(
        root.join("SoT/SoT.API.md"),
        "## API-001: Outer\n\n## API-002: Outer only\n",
    )
    .expect("write");
    std::fs::write(nested.join("SoT/SoT.API.md"), "## API-001: Nested\n").expect("write");
    let plan = nested.join("plan.md");
    let text = "Links API-001 and API-002.\n";
    std::fs::write(&plan, text).expect("write");
    let plan_uri = file_uri(&plan);
    let mut c = LspClient::start();
    c.initialize(&root, vscode_like_caps(), json!({}));
    c.open(&plan_uri, text);
    let diags = c.diagnostics(&plan_uri, |d| !d.is_empty());
    // API-002 is defined only in the outer workspace: unresolved here.
    assert_eq!(codes(&diags), ["unresolved-link"], "{diags:#?}");
    assert!(diags[0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("API-002")));
    // API-001 goes to the nested workspace's own definition, and only there (no duplicate).
    let def = wait_indexed(&mut c, &plan_uri, pos_of(text, "API-001"));
    let defs = def.as_array().cloned().unwrap_or_else(|| vec![def.clone()]);
    assert_eq!(defs.len(), 1, "{def}");
    assert_eq!(defs[0]["uri"], file_uri(&nested.join("SoT/SoT.API.md")));
    assert_eq!(c.shutdown(), 0);
}

/// Issue 14: an untitled document with no workspace folder at all is still checked (alone:
/// nothing on disk is read).
#[test]
fn an_untitled_document_without_any_folder_is_checked_alone() {
    let mut c = LspClient::start();
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": vscode_like_caps()}),
    );
    c.notify("initialized", json!({}));
    let uri = "untitled:Untitled-2";
    let text = "DEP-001: Deploy\nType: Step\nStage: Deploy\nDescription: d\nLinked IDs: API-001\n";
    c.open(uri, text);
    let diags = c.diagnostics(uri, |d| d.iter().any(|x| x["code"] == "unresolved-link"));
    assert!(
        codes(&diags).contains(&"missing-owner".to_string()),
        "{diags:#?}"
    );
    assert_eq!(c.shutdown(), 0);
}

/// The references lens carries VS Code's `editor.action.showReferences` only for a client
/// that says it runs that command (`experimental.commands.commands`, as rust-analyzer reads
/// it); any other client gets no references lens (a lens without a command would be an
/// unresolved one), and the readiness lens, a command of the server's own, either way.
#[test]
fn the_show_references_command_only_for_a_client_that_runs_it() {
    let root = example_copy("show-references");
    let sot_path = root.join("SoT/SoT.DEPLOYMENT.md");
    let sot_uri = file_uri(&sot_path);
    let sot = std::fs::read_to_string(&sot_path).expect("SoT");
    let commands = |lenses: &Value| -> Vec<String> {
        lenses
            .as_array()
            .expect("lenses")
            .iter()
            .map(|l| l["command"]["command"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let show = "editor.action.showReferences";
    for (caps, runs_it) in [
        (json!({}), false),
        (
            json!({"experimental": {"commands": {"commands": ["rust-analyzer.runSingle"]}}}),
            false,
        ),
        (
            json!({"experimental": {"commands": {"commands": [show]}}}),
            true,
        ),
    ] {
        let mut c = LspClient::start();
        c.initialize(&root, caps.clone(), json!({}));
        c.open(&sot_uri, &sot);
        // Indexed once the readiness lens counts the whole plan.
        let mut lenses = Value::Null;
        for _ in 0..400 {
            lenses = c.request(
                "textDocument/codeLens",
                json!({"textDocument": {"uri": sot_uri}}),
            );
            let ready = lenses.as_array().is_some_and(|l| {
                l.iter()
                    .any(|x| x["command"]["title"] == "Readiness: 3/7 gates pass")
            });
            if ready {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        let cmds = commands(&lenses);
        assert!(
            cmds.iter().any(|c| c == "dep-ls.readinessReport"),
            "{caps}: {lenses}"
        );
        let refs: Vec<&Value> = lenses
            .as_array()
            .expect("lenses")
            .iter()
            .filter(|l| l["command"]["command"] == show)
            .collect();
        if runs_it {
            assert!(!refs.is_empty(), "{caps}: {lenses}");
            for l in &refs {
                let title = l["command"]["title"].as_str().unwrap_or("");
                assert!(title.ends_with("reference") || title.ends_with("references"));
                let args = l["command"]["arguments"].as_array().expect("arguments");
                assert_eq!(args.len(), 3, "{l}");
                assert_eq!(args[0], json!(sot_uri));
                assert_eq!(args[1], l["range"]["start"]);
            }
            assert!(
                refs.iter().any(|l| l["command"]["arguments"][2]
                    .as_array()
                    .is_some_and(|locs| !locs.is_empty())),
                "{lenses}"
            );
        } else {
            assert!(refs.is_empty(), "{caps}: {lenses}");
            assert!(
                lenses
                    .as_array()
                    .expect("lenses")
                    .iter()
                    .all(|l| l["command"]["command"].is_string()),
                "every lens carries a command: {lenses}"
            );
        }
        assert_eq!(c.shutdown(), 0);
    }
}

/// "Fix all" is a source action (`source.fixAll.dep-ls`, announced in the capabilities): a
/// client asking for `source.fixAll` (VS Code's `editor.codeActionsOnSave`) gets the file's
/// safe fixes as one edit, and nothing else.
#[test]
fn fix_all_is_a_source_action_with_every_safe_fix() {
    let root = example_copy("fixall");
    let mut c = LspClient::start();
    let init = c.initialize(&root, vscode_like_caps(), json!({}));
    let kinds = init["capabilities"]["codeActionProvider"]["codeActionKinds"].to_string();
    assert!(kinds.contains("source.fixAll.dep-ls"), "{kinds}");
    let uri = "untitled:Untitled-1";
    let text = "DEP-900: Smoke check after deploy\nType: validation\nStage: post-deploy\n";
    c.open(uri, text);
    c.diagnostics(uri, |d| !d.is_empty());
    let ask = |c: &mut LspClient, only: Value| {
        c.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri},
                   "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                   "context": {"diagnostics": [], "only": only}}),
        )
    };
    let actions = ask(&mut c, json!(["source.fixAll"]));
    let actions = actions.as_array().expect("actions");
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.dep-ls");
    let edits = actions[0]["edit"]["documentChanges"][0]["edits"]
        .as_array()
        .expect("edits");
    let fixed = apply_text_edits(text, edits);
    assert!(
        fixed.contains("Type: Validation\nStage: Post-deploy"),
        "{fixed}"
    );
    // Asking for quick fixes only does not bring it.
    let quick = ask(&mut c, json!(["quickfix"]));
    assert!(!quick.to_string().contains("source.fixAll"), "{quick:#}");
    assert_eq!(c.shutdown(), 0);
}

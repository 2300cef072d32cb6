//! Nothing lost, nothing leaked:
//! - code actions and renames return edits stamped with the version of the document they were
//!   computed against (a client holding another version rejects them), and applying them to
//!   that version gives the intended text, even when the request follows edits immediately;
//! - a change with a stale version is ignored, not applied on top of newer text;
//! - `dep-ls check` never writes; the server never writes;
//! - logs at the default level never contain document text.

use crate::support;

use serde_json::{json, Value};
use support::lsp::*;

const PLAN: &str = "# Plan\n\n## DEP-001: Roll back\nType: Rollback\nThreshold: high\nOwner: SRE\n\n## DEP-002: Deploy\nType: Step\nOwner: SRE\nLinked IDs: DEP-001\n";

fn actions(c: &mut LspClient, uri: &str, line: u32) -> Vec<Value> {
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri},
               "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}},
               "context": {"diagnostics": []}}),
    );
    r.as_array().cloned().unwrap_or_default()
}

/// (version, edits) of the first document edit of a code action for `uri`.
fn doc_edit(a: &Value, uri: &str) -> Option<(Value, Vec<Value>)> {
    a["edit"]["documentChanges"]
        .as_array()?
        .iter()
        .find(|d| d["textDocument"]["uri"] == uri)
        .map(|d| {
            (
                d["textDocument"]["version"].clone(),
                d["edits"].as_array().cloned().unwrap_or_default(),
            )
        })
}

#[test]
fn code_action_edits_carry_the_version_they_were_computed_for() {
    let root = temp_dir("rel-versions");
    let path = root.join("plan.md");
    std::fs::write(&path, PLAN).expect("write");
    let uri = file_uri(&path);
    let mut c = LspClient::start();
    c.initialize(&root, json!({}), json!({}));
    c.open(&uri, PLAN);
    let mut text = PLAN.to_string();
    let mut version = 1;
    for round in 0..30 {
        // Insert a line at the top, then ask right away (no waiting in between): the answer
        // must be computed on the new version and say so.
        version += 1;
        let line = format!("Note {round}: DEP-00{}\n", round % 3);
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "text": line}]}),
        );
        text.insert_str(text.find('\n').expect("line") + 1, &line);
        let threshold_line = text[..text.find("Threshold: high").expect("threshold")]
            .matches('\n')
            .count() as u32;
        let acts = actions(&mut c, &uri, threshold_line);
        assert!(
            !acts.is_empty(),
            "round {round}: no action on the threshold"
        );
        for a in &acts {
            let Some((v, edits)) = doc_edit(a, &uri) else {
                continue;
            };
            assert_eq!(v, json!(version), "round {round}: {}", a["title"]);
            // The edits apply to exactly that text and stay inside it.
            let after = apply_text_edits(&text, &edits);
            assert!(after.contains("## DEP-001: Roll back"), "{after}");
        }
    }
    // A rename stamps the version too.
    let r = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": pos_of(&text, "DEP-002"), "newName": "DEP-020"}),
    );
    let changes = r["documentChanges"].as_array().expect("document changes");
    let mine = changes
        .iter()
        .find(|d| d["textDocument"]["uri"] == uri.as_str())
        .expect("an edit of the plan");
    assert_eq!(mine["textDocument"]["version"], json!(version));
    let renamed = apply_text_edits(&text, mine["edits"].as_array().expect("edits"));
    assert!(renamed.contains("## DEP-020: Deploy") && !renamed.contains("DEP-002"));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn a_change_with_a_stale_version_is_ignored() {
    let root = temp_dir("rel-stale");
    let uri = file_uri(&root.join("plan.md"));
    let mut c = LspClient::start();
    c.initialize(&root, json!({}), json!({}));
    c.open(&uri, "## DEP-001: one\n");
    let change = |c: &LspClient, v: i64, text: &str| {
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": v}, "contentChanges": [{"text": text}]}),
        );
    };
    change(&c, 5, "## DEP-005: five\n");
    change(&c, 4, "## DEP-004: four (stale)\n");
    change(&c, 5, "## DEP-006: five again (same version)\n");
    let syms = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<&str> = syms
        .as_array()
        .expect("symbols")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(names, ["DEP-005"]);
    // A code action now is stamped with version 5.
    let acts = actions(&mut c, &uri, 0);
    for a in &acts {
        if let Some((v, _)) = doc_edit(a, &uri) {
            assert_eq!(v, json!(5));
        }
    }
    assert_eq!(c.shutdown(), 0);
}

fn snapshot(root: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir") {
            let e = e.expect("entry");
            if e.file_type().expect("type").is_dir() {
                stack.push(e.path());
            } else {
                out.push((
                    e.path().display().to_string(),
                    std::fs::read(e.path()).expect("read"),
                ));
            }
        }
    }
    out.sort();
    out
}

/// `dep-ls check` only reads: every output format leaves the workspace byte for byte.
#[test]
fn check_never_writes() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-checkout");
    let root = temp_dir("rel-check-nowrite");
    copy_dir(&src, &root);
    let before = snapshot(&root);
    for format in ["human", "json", "sarif", "github"] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_dep-ls"))
            .args(["check", "--format", format])
            .arg(&root)
            .output()
            .expect("run");
        assert_eq!(o.status.code(), Some(1));
    }
    assert_eq!(snapshot(&root), before);
}

/// Document text (here a secret) never reaches the logs at the default level, nor the
/// editor's log, whatever the session does (bad input included).
#[test]
fn logs_do_not_print_document_text() {
    let secret = "sk_live_51NOTAREALKEYdoNotLog";
    let root = temp_dir("rel-logs");
    let body = format!(
        "## DEP-001: Env\nType: Environment\nName: production\nConfiguration:\n  - STRIPE_SECRET_KEY={secret}\n"
    );
    std::fs::write(root.join("plan.md"), &body).expect("write");
    std::fs::write(
        root.join("dep-ls.toml"),
        format!("prefixes = [\"{secret}\"\n"),
    )
    .expect("write");
    let uri = file_uri(&root.join("plan.md"));
    let (mut c, stderr) = LspClient::start_logged(&[]);
    c.initialize(&root, json!({}), json!({}));
    c.open(&uri, &body);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 1}, "contentChanges": [{"text": body}]}),
    );
    // Invalid JSON holding the text, and a Content-Length too short for its body (the rest of
    // the body is then read as header lines): two errors, neither quoting the input.
    let bad = format!("{{{secret}");
    c.send_raw(format!("Content-Length: {}\r\n\r\n{bad}", bad.len()).as_bytes());
    c.send_raw(format!("Content-Length: 6\r\n\r\n{{\"a\":\"{secret}\"}}\r\n\r\n").as_bytes());
    for _ in 0..2 {
        let e = c
            .response_within(&Value::Null, std::time::Duration::from_secs(20))
            .expect("an error reply");
        assert!(!e.to_string().contains(secret), "{e}");
    }
    let r = c.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(r["items"]
        .as_array()
        .is_some_and(|d| d.iter().any(|x| x["code"] == "plaintext-secret")));
    c.drain();
    let seen: Vec<Value> = c.backlog.iter().cloned().collect();
    assert_eq!(c.shutdown(), 0);
    let log = stderr.lock().map(|s| s.clone()).unwrap_or_default();
    assert!(
        !log.contains(secret),
        "the default log printed document text:\n{log}"
    );
    for m in seen.iter().filter(|m| m["method"] == "window/logMessage") {
        assert!(!m.to_string().contains(secret), "{m}");
    }
}

/// Security by construction: the engine has no networking, no process spawning and no
/// evaluation of document content, and tokio is built without its `net` and `process` parts.
/// One exception: `dep-ls diff` reads git revisions by running `git` (`src/cli/diff/git.rs`,
/// the command line only), and that file runs nothing else.
#[test]
fn no_network_no_processes_no_eval_in_the_source() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stack = vec![root.join("src")];
    let forbidden = [
        "std::process::Command",
        "Command::new",
        "std::net",
        "TcpStream",
        "UdpSocket",
        "tokio::net",
        "tokio::process",
        "libc::exec",
        "libc::fork",
    ];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let s = std::fs::read_to_string(&p).expect("read");
                let git = p.ends_with("src/cli/diff/git.rs");
                for f in forbidden {
                    if git && f.contains("Command") {
                        // Every process it starts is `git`.
                        let runs = s.matches("Command::new(").count();
                        let of_git = s.matches("Command::new(\"git\")").count();
                        assert_eq!(runs, of_git, "{} runs more than git", p.display());
                        continue;
                    }
                    assert!(!s.contains(f), "{} uses {f}", p.display());
                }
            }
        }
    }
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
    let tokio = manifest
        .lines()
        .find(|l| l.starts_with("tokio ="))
        .expect("tokio dependency");
    for f in ["\"full\"", "\"net\"", "\"process\""] {
        assert!(!tokio.contains(f), "tokio with {f}: {tokio}");
    }
}

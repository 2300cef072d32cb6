//! Protocol faults against the real binary: malformed headers and bodies, unknown methods,
//! requests before `initialize` and after `shutdown`, bad params, a client that goes away
//! (with or without `exit`, mid-message): clear JSON-RPC errors, the session goes on where the
//! spec says it should, and the process exits with the spec's code and leaves nothing behind.

use crate::support;

use serde_json::{json, Value};
use std::time::Duration;
use support::lsp::*;

const SHORT: Duration = Duration::from_secs(20);

/// The next error reply with a null id (the transport's answers to malformed frames).
fn null_id_error(c: &mut LspClient) -> Value {
    c.response_within(&Value::Null, SHORT)
        .expect("an error reply to the malformed frame")["error"]
        .clone()
}

fn assert_alive(c: &mut LspClient) {
    let r = c.request("workspace/symbol", json!({"query": ""}));
    assert!(r.is_array() || r.is_null(), "{r}");
}

#[test]
fn malformed_frames_get_errors_and_the_session_goes_on() {
    let root = temp_dir("rel-proto-frames");
    let mut c = LspClient::start();
    c.initialize(&root, json!({}), json!({}));
    let cases: &[(&[u8], i64)] = &[
        (b"Content-Lenght: 2\r\n\r\n", -32700),   // misspelt header
        (b"Content-Length: abc\r\n\r\n", -32700), // not a number
        (b"Content-Length: -5\r\n\r\n", -32700),  // negative
        (b"no colon here\r\n\r\n", -32700),       // not a header line
        (b"Content-Length: 9\r\n\r\n{not json", -32700), // invalid JSON
        (b"Content-Length: 2\r\n\r\n[]", -32600), // a batch (not supported)
        (b"Content-Length: 4\r\n\r\nnull", -32600), // not an object
        (
            b"Content-Length: 30\r\n\r\n{\"jsonrpc\":\"1.0\",\"method\":\"x\"}",
            -32600,
        ),
        (
            b"Content-Length: 28\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":7}",
            -32600,
        ),
        (b"Content-Length: 17\r\n\r\n{\"jsonrpc\":\"2.0\"}", -32600),
        (b"Content-Length: 3\r\n\r\n\xff\xfe\x00", -32700), // not UTF-8
    ];
    for (bytes, code) in cases {
        c.send_raw(bytes);
        let e = null_id_error(&mut c);
        assert_eq!(
            e["code"],
            *code,
            "for {:?}: {e}",
            String::from_utf8_lossy(bytes)
        );
        assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert_alive(&mut c);
    }
    // Extra headers, odd case, Content-Type: accepted.
    let body = br#"{"jsonrpc":"2.0","id":"s1","method":"workspace/symbol","params":{"query":""}}"#;
    let mut msg = format!(
        "content-type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    msg.extend_from_slice(body);
    c.send_raw(&msg);
    let r = c.response_within(&json!("s1"), SHORT).expect("answered");
    assert!(r.get("result").is_some(), "{r}");
    // A header line of 100 KB: an error, then the next message is served.
    let mut long = b"X-Junk: ".to_vec();
    long.extend(std::iter::repeat_n(b'a', 100 * 1024));
    long.extend_from_slice(b"\r\n\r\n");
    c.send_raw(&long);
    null_id_error(&mut c);
    assert_alive(&mut c);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn unknown_methods_bad_params_and_odd_ids() {
    let root = temp_dir("rel-proto-methods");
    let mut c = LspClient::start();
    c.initialize(&root, json!({}), json!({}));
    // Unknown request: MethodNotFound. Unknown notifications ($/ or not): ignored.
    let id = c.request_async("dep-ls/frobnicate", json!({}));
    assert_eq!(c.response(id)["error"]["code"], -32601);
    c.notify("$/unknownNotification", json!({"x": 1}));
    c.notify("custom/notification", json!(null));
    // Bad params: InvalidParams for a request, ignored for a notification.
    let id = c.request_async("textDocument/hover", json!("not an object"));
    assert_eq!(c.response(id)["error"]["code"], -32602);
    let id = c.request_async("textDocument/hover", json!({"position": {"line": -1}}));
    assert_eq!(c.response(id)["error"]["code"], -32602);
    c.notify("textDocument/didOpen", json!({"textDocument": 5}));
    c.notify("textDocument/didChange", json!({}));
    // String ids and large numeric ids are echoed back.
    c.request_with_id(json!("abc"), "workspace/symbol", json!({"query": ""}));
    assert!(c.response_within(&json!("abc"), SHORT).is_some());
    c.request_with_id(
        json!(9_007_199_254_740_991i64),
        "workspace/symbol",
        json!({"query": ""}),
    );
    assert!(c
        .response_within(&json!(9_007_199_254_740_991i64), SHORT)
        .is_some());
    // A response to a request the server never sent: ignored.
    c.send(&json!({"jsonrpc": "2.0", "id": 424242, "result": null}));
    // Cancelling an unknown or finished request: ignored.
    c.notify("$/cancelRequest", json!({"id": 99999}));
    // A second initialize is refused.
    let id = c.request_async("initialize", json!({"capabilities": {}}));
    assert!(c.response(id).get("error").is_some());
    assert_alive(&mut c);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn before_initialize_and_after_shutdown() {
    let root = temp_dir("rel-proto-lifecycle");
    let mut c = LspClient::start();
    // Before initialize: requests get ServerNotInitialized, notifications are dropped.
    let id = c.request_async("workspace/symbol", json!({"query": ""}));
    assert_eq!(c.response(id)["error"]["code"], -32002);
    c.open(&file_uri(&root.join("early.md")), "## DEP-001: early\n");
    let id = c.request_async("shutdown", Value::Null);
    assert_eq!(c.response(id)["error"]["code"], -32002);
    c.initialize(&root, json!({}), json!({}));
    let r = c.request("workspace/symbol", json!({"query": "DEP-001"}));
    assert!(
        r.as_array().is_none_or(|a| a.is_empty()),
        "the didOpen before initialize was dropped: {r}"
    );
    // After shutdown: InvalidRequest for requests; `exit` then ends with code 0.
    c.request("shutdown", Value::Null);
    let id = c.request_async("workspace/symbol", json!({"query": ""}));
    assert_eq!(c.response(id)["error"]["code"], -32600);
    c.open(&file_uri(&root.join("late.md")), "## DEP-002: late\n");
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), 0);
    assert!(!process_alive(c.pid()));
}

#[test]
fn exit_without_shutdown_is_code_1() {
    let root = temp_dir("rel-proto-exit");
    let mut c = LspClient::start();
    c.initialize(&root, json!({}), json!({}));
    c.open(&file_uri(&root.join("a.md")), "## DEP-001: a\n");
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), 1);
    // Even before initialize.
    let mut c = LspClient::start();
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), 1);
}

/// The client goes away: stdin closed between messages, in the middle of a header, in the
/// middle of a body, or while requests are running. The server exits with 1 and no process
/// is left (it spawns none; its own pid is gone).
#[test]
fn the_client_goes_away_mid_message() {
    let root = temp_dir("rel-proto-gone");
    let partials: &[&[u8]] = &[
        b"",
        b"Content-Len",
        b"Content-Length: 100\r\n",
        b"Content-Length: 100\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":5,",
        b"Content-Length: 999999999\r\n\r\n{",
    ];
    for partial in partials {
        let mut c = LspClient::start();
        c.initialize(&root, json!({}), json!({}));
        c.open(
            &file_uri(&root.join("a.md")),
            "## DEP-001: a\nLinked IDs: DEP-002\n",
        );
        // Requests in flight when the client disappears.
        for _ in 0..20 {
            c.request_async(
                "textDocument/diagnostic",
                json!({"textDocument": {"uri": file_uri(&root.join("a.md"))}}),
            );
        }
        c.send_raw(partial);
        c.close_stdin();
        let pid = c.pid();
        assert_eq!(
            c.wait_exit(),
            1,
            "after {:?}",
            String::from_utf8_lossy(partial)
        );
        assert!(!process_alive(pid));
    }
}

/// No tasks, threads or files are left: a session spawns no process (checked through /proc:
/// the server has no child) and writes nothing into the workspace.
#[test]
fn the_server_spawns_nothing_and_writes_nothing() {
    let root = temp_dir("rel-proto-nowrite");
    std::fs::write(
        root.join("plan.md"),
        "## DEP-001: a\nType: Rollback\nThreshold: high\n",
    )
    .expect("write");
    let before = snapshot(&root);
    let mut c = LspClient::start();
    c.initialize(&root, json!({}), json!({}));
    let uri = file_uri(&root.join("plan.md"));
    c.open(&uri, "## DEP-001: a\nType: Rollback\nThreshold: high\n");
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri},
               "range": {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 0}},
               "context": {"diagnostics": []}}),
    );
    assert!(r.is_array(), "{r}");
    c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 4}, "newName": "DEP-100"}),
    );
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    let children =
        std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children", pid = c.pid()))
            .unwrap_or_default();
    assert!(children.trim().is_empty(), "the server spawned {children}");
    assert_eq!(c.shutdown(), 0);
    assert_eq!(snapshot(&root), before, "the server wrote to the workspace");
}

fn snapshot(root: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(root)
        .expect("read_dir")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap_or_default(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Regression (issue 13, defect 3, "one request id ends the session"): ids tower-lsp cannot
/// decode (a number with a fraction or out of the i64 range, a boolean, an array, an object)
/// got "Invalid request" and then the server exited with code 1. Each now gets an error reply
/// (echoing a numeric id, JSON-RPC's rule for a detected id; null for an id that is no JSON-RPC
/// id at all), and an odd client response is dropped; the session goes on.
#[test]
fn one_request_id_ends_the_session() {
    let root = temp_dir("rel-proto-ids");
    let mut c = LspClient::start();
    c.initialize(&root, json!({}), json!({}));
    let raw = |c: &LspClient, id: &str| {
        let body = format!(
            r#"{{"jsonrpc":"2.0","id":{id},"method":"workspace/symbol","params":{{"query":""}}}}"#
        );
        c.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    };
    for (id, echoed) in [
        ("1.0", json!(1.0)),
        ("18446744073709551615", json!(18446744073709551615u64)),
    ] {
        raw(&c, id);
        let r = c
            .response_within(&echoed, SHORT)
            .unwrap_or_else(|| panic!("no reply to the request with id {id}"));
        assert_eq!(r["error"]["code"], -32600, "{id}: {r}");
        assert_alive(&mut c);
    }
    for id in ["true", "[1]", "{}"] {
        raw(&c, id);
        assert_eq!(null_id_error(&mut c)["code"], -32600, "{id}");
        assert_alive(&mut c);
    }
    // A client response with an id the server never uses: dropped, no reply, no exit.
    c.send(&json!({"jsonrpc": "2.0", "id": 1.5, "result": null}));
    c.send(&json!({"jsonrpc": "2.0", "id": 3, "error": {"code": "x", "message": 1}}));
    assert_alive(&mut c);
    assert!(
        c.backlog.iter().all(|m| m.get("error").is_none()),
        "a response was answered: {:?}",
        c.backlog
    );
    assert_eq!(c.try_exit_code(), None);
    assert_eq!(c.shutdown(), 0);
}

/// Regression (issue 13, defect 13): after a Content-Length shorter than its body, the rest of
/// the body ran into the next header and every later message was lost. Now the cut body gets
/// one parse error and the reader resynchronises on the next `Content-Length:`.
#[test]
fn a_too_short_content_length_never_resynchronises() {
    let root = temp_dir("rel-proto-resync");
    let mut c = LspClient::start();
    c.initialize(&root, json!({}), json!({}));
    let uri = file_uri(&root.join("a.md"));
    let open = json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
        "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1,
        "text": format!("## DEP-001: a\n{}\n", "x".repeat(20_000))}}})
    .to_string();
    for cut in [10, open.len() / 2] {
        c.send_raw(format!("Content-Length: {cut}\r\n\r\n{open}").as_bytes());
        let e = null_id_error(&mut c);
        assert_eq!(e["code"], -32700, "{e}");
        // The very next message is served.
        let r = c.request("workspace/symbol", json!({"query": ""}));
        assert!(r.is_array() || r.is_null(), "{r}");
        assert!(
            c.backlog.iter().all(|m| m.get("error").is_none()),
            "more than one error for one cut body: {:?}",
            c.backlog
        );
    }
    assert_eq!(c.shutdown(), 0);
}

/// Regression (issue 13, defect 14): a `$/` request with an id got no response; LSP requires
/// MethodNotFound. `$/` notifications stay ignored.
#[test]
fn a_dollar_request_with_an_id_gets_no_response() {
    let root = temp_dir("rel-proto-dollar");
    let mut c = LspClient::start();
    c.initialize(&root, json!({}), json!({}));
    c.notify("$/unknownNotification", json!({}));
    let id = c.request_async("$/unknownRequest", json!({}));
    let r = c
        .response_within(&json!(id), SHORT)
        .expect("a response to a $/ request");
    assert_eq!(r["error"]["code"], -32601, "{r}");
    // Also for the ones LSP defines as notifications, sent as requests.
    let id = c.request_async("$/cancelRequest", json!({"id": 1}));
    let r = c.response_within(&json!(id), SHORT).expect("answered");
    assert_eq!(r["error"]["code"], -32601, "{r}");
    assert_alive(&mut c);
    assert!(c.backlog.iter().all(|m| m.get("error").is_none()));
    assert_eq!(c.shutdown(), 0);
}

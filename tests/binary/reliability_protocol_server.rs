//! Server faults found by the adversarial review of issue 13, against the real binary: a burst
//! of events from a client that answers the server's requests late (a deadlock), `..` in URIs
//! (files outside the workspace), and panics in handlers and indexing (through the
//! `DEP_LS_TEST_PANIC_ON` hook, see `src/lsp/panic.rs`).

use crate::support;

use serde_json::{json, Value};
use std::io::{BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::lsp::*;

/// A generous bound on waiting for an answer (a guard against hanging, not a timing check).
const BOUND: Duration = Duration::from_secs(60);

/// A client that answers every request of the server after `delay`, each from a thread of its
/// own (as an editor busy elsewhere would), and otherwise only collects what it receives.
struct SlowClient {
    child: Child,
    stdin: Arc<Mutex<ChildStdin>>,
    rx: Receiver<Value>,
    seen: Vec<Value>,
}

fn write_frame(w: &Mutex<ChildStdin>, v: &Value) {
    let body = v.to_string();
    if let Ok(mut w) = w.lock() {
        let _ = write!(w, "Content-Length: {}\r\n\r\n{body}", body.len());
        let _ = w.flush();
    }
}

impl SlowClient {
    fn start(delay: Duration, env: &[(&str, &str)]) -> SlowClient {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dep-ls"));
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .env("DEP_LS_LOG", "warn");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn dep-ls");
        let stdin = Arc::new(Mutex::new(child.stdin.take().expect("stdin")));
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        let w = Arc::clone(&stdin);
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(m) = read_msg(&mut r) {
                if m.get("method").is_some() && m.get("id").is_some() {
                    let w = Arc::clone(&w);
                    let id = m["id"].clone();
                    let result = if m["method"] == "workspace/configuration" {
                        json!([null])
                    } else {
                        Value::Null
                    };
                    std::thread::spawn(move || {
                        std::thread::sleep(delay);
                        write_frame(&w, &json!({"jsonrpc": "2.0", "id": id, "result": result}));
                    });
                }
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        SlowClient {
            child,
            stdin,
            rx,
            seen: Vec::new(),
        }
    }

    fn send(&self, v: &Value) {
        write_frame(&self.stdin, v);
    }

    /// Several messages in one write (a burst).
    fn send_all(&self, vs: &[Value]) {
        let mut bytes = Vec::new();
        for v in vs {
            let body = v.to_string();
            bytes.extend(format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes());
        }
        if let Ok(mut w) = self.stdin.lock() {
            let _ = w.write_all(&bytes);
            let _ = w.flush();
        }
    }

    /// Waits (at most [`BOUND`]) for a message matching `pred`; everything received is kept.
    fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Option<Value> {
        if let Some(m) = self.seen.iter().find(|m| pred(m)) {
            return Some(m.clone());
        }
        let deadline = std::time::Instant::now() + BOUND;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let m = self.rx.recv_timeout(left).ok()?;
            self.seen.push(m.clone());
            if pred(&m) {
                return Some(m);
            }
        }
    }

    /// Everything received within `d` more.
    fn collect_for(&mut self, d: Duration) {
        let deadline = std::time::Instant::now() + d;
        while let Ok(m) = self
            .rx
            .recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
        {
            self.seen.push(m);
        }
    }

    fn count(&self, pred: impl Fn(&Value) -> bool) -> usize {
        self.seen.iter().filter(|m| pred(m)).count()
    }
}

impl Drop for SlowClient {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn is_index_log(m: &Value) -> bool {
    m["method"] == "window/logMessage"
        && m["params"]["message"]
            .as_str()
            .is_some_and(|s| s.starts_with("indexed "))
}

/// Regression (issue 13, defect 4, deadlock): 200 `workspace/didChangeWatchedFiles` for
/// `dep-ls.toml` at once, from a client with work-done progress: each re-indexed inside its
/// handler and waited there for the client's answer to `window/workDoneProgress/create`;
/// after four such handlers tower-lsp read no more input — not the answers either — and the
/// server never answered again. Now the handlers return at once (the work runs in tasks) and
/// the burst is coalesced: one reload for it, at most one more for events that arrive while
/// it runs.
#[test]
fn deadlock_after_a_burst_of_config_events() {
    let root = temp_dir("rel-server-burst");
    std::fs::write(root.join("dep-ls.toml"), "").expect("write");
    for i in 0..20 {
        std::fs::write(
            root.join(format!("f{i}.md")),
            format!("## DEP-{:03}: entry {i}\nType: Rollback\n", i + 1),
        )
        .expect("write");
    }
    let mut c = SlowClient::start(Duration::from_millis(200), &[]);
    let uri = file_uri(&root);
    c.send(
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": null, "rootUri": uri,
        "capabilities": {"window": {"workDoneProgress": true}},
        "workspaceFolders": [{"uri": uri, "name": "ws"}]}}),
    );
    c.wait_for(|m| m["id"] == 1 && m.get("method").is_none())
        .expect("initialize answered");
    c.send(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    c.wait_for(is_index_log).expect("the first indexing");
    let config = file_uri(&root.join("dep-ls.toml"));
    let burst: Vec<Value> = (0..200)
        .map(|_| {
            json!({"jsonrpc": "2.0", "method": "workspace/didChangeWatchedFiles",
                   "params": {"changes": [{"uri": config, "type": 2}]}})
        })
        .collect();
    c.send_all(&burst);
    c.send(
        &json!({"jsonrpc": "2.0", "id": 2, "method": "workspace/symbol",
                   "params": {"query": "DEP-001"}}),
    );
    let r = c
        .wait_for(|m| m["id"] == 2 && m.get("method").is_none())
        .expect("the request after the burst is answered (no deadlock)");
    assert!(r.get("result").is_some(), "{r}");
    // The reload logs "indexed …" when it ends: wait for it, then until no pass has ended
    // for a while (bounded), and count the passes.
    let mut n = 0;
    for _ in 0..30 {
        c.collect_for(Duration::from_secs(2));
        let now = c.count(is_index_log);
        if now == n && now >= 2 {
            break;
        }
        n = now;
    }
    let reloads = c.count(is_index_log) - 1;
    eprintln!("200 config events: {reloads} re-indexing passes");
    assert!(
        (1..=3).contains(&reloads),
        "200 config events gave {reloads} re-indexing passes (expected one, at most a few)"
    );
    // Every pass asked for a progress token, and the answers were read.
    let creates = c.count(|m| m["method"] == "window/workDoneProgress/create");
    assert!(
        creates >= 2 && creates <= reloads + 1,
        "{creates} progress tokens"
    );
    c.send(&json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown", "params": null}));
    c.wait_for(|m| m["id"] == 3 && m.get("method").is_none())
        .expect("shutdown answered");
    c.send(&json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
    let deadline = std::time::Instant::now() + BOUND;
    loop {
        if let Ok(Some(st)) = c.child.try_wait() {
            assert_eq!(st.code(), Some(0));
            break;
        }
        assert!(std::time::Instant::now() < deadline, "dep-ls did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits until the first indexing of the folder has ended (its "indexed …" log message).
fn wait_indexed(c: &mut LspClient) {
    c.wait_for("window/logMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|s| s.starts_with("indexed "))
    });
}

/// Regression (issue 13, defect 7, "`..` URIs escape the workspace"): a watched-file event for
/// `file:///ws/../outside/x.md` (or `%2E%2E`) indexed the outside file (hover showed it,
/// rename edited it). URIs are normalised once (percent-decoded, `.`/`..` resolved) and
/// checked against the folders; a file read from disk must be inside its folder once links
/// are resolved, and is indexed under its own path only.
#[cfg(unix)] // symlinks
#[test]
fn dot_dot_uris_escape_the_workspace() {
    let base = temp_dir("rel-server-dotdot");
    let ws = base.join("ws");
    let outside = base.join("outside");
    std::fs::create_dir_all(&ws).expect("mkdir");
    std::fs::create_dir_all(&outside).expect("mkdir");
    std::fs::write(
        outside.join("x.md"),
        "## DEP-900: outside secret\nType: Rollback\n",
    )
    .expect("write");
    std::fs::write(ws.join("b.md"), "## DEP-002: b\nType: Rollback\n").expect("write");
    let a = "## DEP-001: a\nType: Rollback\nLinked IDs: DEP-900, DEP-002\n";
    std::fs::write(ws.join("a.md"), a).expect("write");
    let mut c = LspClient::start();
    c.initialize(&ws, json!({}), json!({}));
    wait_indexed(&mut c);
    let a_uri = file_uri(&ws.join("a.md"));
    c.open(&a_uri, a);
    // Links made after the walk: one out of the folder, one to a file of the folder.
    std::os::unix::fs::symlink(outside.join("x.md"), ws.join("link.md")).expect("symlink");
    std::os::unix::fs::symlink(ws.join("b.md"), ws.join("alias.md")).expect("symlink");
    let ws_uri = file_uri(&ws);
    let events: Vec<Value> = [
        format!("{ws_uri}/../outside/x.md"),
        format!("{ws_uri}/%2E%2E/outside/x.md"),
        format!("{ws_uri}/%2e%2e/outside/x.md"),
        format!("{ws_uri}/./sub/../../outside/x.md"),
        format!("{ws_uri}/..%2Foutside/x.md"),
        file_uri(&ws.join("link.md")),
        file_uri(&ws.join("alias.md")),
    ]
    .into_iter()
    .map(|uri| json!({"uri": uri, "type": 1}))
    .collect();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": events }),
    );
    let r = c.request("workspace/symbol", json!({"query": "DEP-900"}));
    assert!(
        r.as_array().is_none_or(|a| a.is_empty()),
        "the outside file was indexed: {r}"
    );
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": a_uri}, "position": pos_of(a, "DEP-900")}),
    );
    assert!(!hover.to_string().contains("outside secret"), "{hover}");
    let rename = c.request_async(
        "textDocument/rename",
        json!({"textDocument": {"uri": a_uri}, "position": pos_of(a, "DEP-900"),
               "newName": "DEP-901"}),
    );
    let rename = c.response(rename);
    assert!(!rename.to_string().contains("outside"), "{rename}");
    // The file behind the in-folder link is indexed once, under its own path.
    let r = c.request("workspace/symbol", json!({"query": "DEP-002"}));
    let uris: Vec<&str> = r
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s["location"]["uri"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(uris, [file_uri(&ws.join("b.md"))], "{r}");
    // A document the user opens outside the folder (here through `..`) still works, as any
    // file opened outside the workspace folders: in a workspace of its own.
    // (Its own dep-ls.toml: the workspace found for it is `outside`, not a folder above.)
    std::fs::write(outside.join("dep-ls.toml"), "").expect("write");
    let x_uri = format!("{ws_uri}/../outside/x.md");
    c.open(&x_uri, "## DEP-900: outside secret\nType: Rollback\n");
    let r = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": x_uri}}),
    );
    assert!(r.to_string().contains("DEP-900"), "{r}");
    assert_eq!(c.shutdown(), 0);
}

/// Panics in handlers and while indexing never end or hang the server (the
/// `DEP_LS_TEST_PANIC_ON` hook makes them, see `src/lsp/panic.rs`): a request that panics gets
/// InternalError (-32603, "internal error, please report"), a notification that panics is
/// logged, a file whose parsing panics is skipped while the rest of its batch is indexed and
/// the folder's indexing ends (push diagnostics wait for it), and the log at the default
/// level does not quote the panic's message (it can hold document text).
#[test]
fn a_panic_in_a_handler_or_while_indexing_does_not_end_the_server() {
    let root = temp_dir("rel-server-panic");
    std::fs::write(root.join("bad.md"), "## DEP-050: bad\nType: Rollback\n").expect("write");
    std::fs::write(root.join("good.md"), "## DEP-051: good\nType: Rollback\n").expect("write");
    let (mut c, log) = LspClient::start_logged(&[(
        "DEP_LS_TEST_PANIC_ON",
        "textDocument/hover, textDocument/didChange, index:bad.md",
    )]);
    c.initialize(&root, json!({}), json!({}));
    let uri = file_uri(&root.join("c.md"));
    let text = "## DEP-052: c\nType: Rollback\nLinked IDs: DEP-051\n";
    c.open(&uri, text);
    // Pushed only once the folder's indexing has ended; good.md (same batch as bad.md) is
    // indexed, so its ID resolves.
    let diags = c.diagnostics(&uri, |_| true);
    assert!(
        !diags
            .iter()
            .any(|d| d["message"].to_string().contains("DEP-051")),
        "good.md was dropped with bad.md: {diags:?}"
    );
    // The same id twice: tower-lsp forgot the request that panicked (a request still in its
    // table would make the second one a duplicate, refused with -32600).
    for _ in 0..2 {
        c.request_with_id(
            json!(4242),
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": pos_of(text, "DEP-051")}),
        );
        let r = c
            .response_within(&json!(4242), BOUND)
            .expect("an answer to the hover that panicked");
        assert_eq!(r["error"]["code"], -32603, "{r}");
        assert_eq!(r["error"]["message"], "internal error, please report");
    }
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"text": "## DEP-052: changed\n"}]}),
    );
    let r = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": pos_of(text, "DEP-051")}),
    );
    assert!(
        r.to_string().contains("good.md"),
        "definition after the panics: {r}"
    );
    assert_eq!(c.try_exit_code(), None, "the server exited");
    assert_eq!(c.shutdown(), 0);
    let log = log.lock().map(|l| l.clone()).unwrap_or_default();
    assert!(log.contains("internal error, please report"), "{log}");
    assert!(log.contains("bad.md"), "the skipped file is named: {log}");
    assert!(
        !log.contains("DEP_LS_TEST_PANIC_ON"),
        "a panic message at the default log level: {log}"
    );
}

/// Defect 6 in the server: a document over `max_file_size` (a 50 MB `didOpen` took 5.2 GB and
/// kept 4 GB after close) is kept plain: one warning, no findings, edits still applied; it is
/// read again once it fits.
#[test]
fn a_document_over_the_size_limit_is_served_plain_with_one_warning() {
    let root = temp_dir("oversize-open");
    std::fs::write(root.join("dep-ls.toml"), "max_file_size = 4000\n").expect("write");
    std::fs::write(root.join("other.md"), "DEP-002: B\nLinked IDs: DEP-001\n").expect("write");
    let mut c = LspClient::start();
    c.initialize(&root, json!({}), json!({}));
    let uri = file_uri(&root.join("big.md"));
    let entry = "## DEP-001: A\nType: Rollback\nThreshold: high\n\n";
    let big = entry.repeat(4000 / entry.len() + 10);
    assert!(big.len() > 4000);
    c.open(&uri, &big);
    let msg = c.wait_for("window/showMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.contains("over the size limit"))
    });
    assert_eq!(msg["type"], 2, "{msg}");
    let d = c.diagnostics(&uri, |_| true);
    assert!(d.is_empty(), "{d:?}");
    // Cut it under the limit: parsed and checked again (Threshold: high is unmeasurable).
    let lines = big.lines().count() as u32;
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{
            "range": {"start": {"line": 4, "character": 0}, "end": {"line": lines, "character": 0}},
            "text": ""}]}),
    );
    c.diagnostics(&uri, |d| {
        d.iter().any(|x| x["code"] == "unmeasurable-threshold")
    });
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 5}}),
    );
    assert!(hover.to_string().contains("DEP-001"), "{hover}");
    assert_eq!(c.shutdown(), 0);
}

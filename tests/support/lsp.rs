//! A small LSP client that drives the real `dep-ls` binary over stdio, for JSON-RPC tests.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const TIMEOUT: Duration = Duration::from_secs(60);

pub struct LspClient {
    child: Child,
    stdin: Arc<Mutex<Option<ChildStdin>>>,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications and server requests seen while waiting for something else.
    pub backlog: VecDeque<Value>,
    pub settings: Arc<Mutex<Value>>,
}

fn write_msg(w: &mut impl Write, v: &Value) {
    let body = serde_json::to_string(v).expect("json");
    let _ = write!(w, "Content-Length: {}\r\n\r\n{}", body.len(), body);
    let _ = w.flush();
}

/// Reads one framed message; `None` at end of stream.
pub fn read_msg(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some(v) = l.strip_prefix("Content-Length: ") {
            len = v.parse::<usize>().ok();
        }
    }
    let mut buf = vec![0; len?];
    r.read_exact(&mut buf).ok()?;
    serde_json::from_slice(&buf).ok()
}

impl LspClient {
    /// Starts `dep-ls` (no arguments: language server on stdio).
    pub fn start() -> LspClient {
        Self::start_with_args(&[])
    }

    pub fn start_with_args(args: &[&str]) -> LspClient {
        Self::start_with_env(args, &[])
    }

    /// Starts `dep-ls` with extra environment variables (e.g. a `HOME` of the test's own).
    pub fn start_with_env(args: &[&str], env: &[(&str, &Path)]) -> LspClient {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dep-ls"));
        cmd.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env("DEP_LS_LOG", "warn");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn dep-ls");
        let stderr = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            // Drain stderr so the server never blocks on it.
            let mut r = BufReader::new(stderr);
            let mut s = String::new();
            while r.read_line(&mut s).unwrap_or(0) > 0 {
                if std::env::var_os("DEP_LS_TEST_STDERR").is_some() {
                    eprint!("[server] {s}");
                }
                s.clear();
            }
        });
        Self::from_child(child)
    }

    pub fn send(&self, v: &Value) {
        let mut w = self.stdin.lock().expect("stdin lock");
        if let Some(w) = w.as_mut() {
            write_msg(w, v);
        }
    }

    /// Writes raw bytes (for malformed-input tests).
    pub fn send_raw(&self, bytes: &[u8]) {
        let mut w = self.stdin.lock().expect("stdin lock");
        if let Some(w) = w.as_mut() {
            let _ = w.write_all(bytes);
            let _ = w.flush();
        }
    }

    pub fn notify(&self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request without waiting; returns its id.
    pub fn request_async(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Waits for the response to `id`; returns the whole response object.
    pub fn response(&mut self, id: i64) -> Value {
        if let Some(pos) = self
            .backlog
            .iter()
            .position(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none())
        {
            return self.backlog.remove(pos).expect("backlog");
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(m) => {
                    if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                        return m;
                    }
                    self.backlog.push_back(m);
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no response to request {id} within {TIMEOUT:?}")
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("server closed while waiting for response {id}")
                }
            }
        }
    }

    /// Sends a request and returns its `result` (panics on an error response).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.request_async(method, params);
        let mut r = self.response(id);
        if let Some(e) = r.get("error") {
            panic!("{method} failed: {e}");
        }
        // Moved out, not cloned: the benchmark times this (100 completion items).
        r["result"].take()
    }

    /// Waits for a notification `method` whose params satisfy `pred`.
    pub fn wait_for(&mut self, method: &str, mut pred: impl FnMut(&Value) -> bool) -> Value {
        if let Some(pos) = self
            .backlog
            .iter()
            .position(|m| m["method"] == method && m.get("id").is_none() && pred(&m["params"]))
        {
            return self.backlog.remove(pos).expect("backlog")["params"].take();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(mut m) => {
                    if m["method"] == method && m.get("id").is_none() && pred(&m["params"]) {
                        // Moved out, not cloned: a big document's diagnostics are hundreds of
                        // objects, and the benchmark times this.
                        return m["params"].take();
                    }
                    self.backlog.push_back(m);
                }
                Err(e) => panic!(
                    "no {method} notification matching within {TIMEOUT:?} ({e:?}); backlog: {:?}",
                    self.backlog
                ),
            }
        }
    }

    /// Waits for diagnostics of `uri` satisfying `pred`; returns them.
    pub fn diagnostics(&mut self, uri: &str, mut pred: impl FnMut(&[Value]) -> bool) -> Vec<Value> {
        let p = self.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri
                && pred(
                    p["diagnostics"]
                        .as_array()
                        .map(Vec::as_slice)
                        .unwrap_or(&[]),
                )
        });
        p["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    /// `initialize` + `initialized`; returns the server capabilities.
    pub fn initialize(&mut self, root: &Path, capabilities: Value, init_options: Value) -> Value {
        let uri = file_uri(root);
        let r = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri,
                "capabilities": capabilities,
                "initializationOptions": init_options,
                "workspaceFolders": [{"uri": uri, "name": "ws"}],
            }),
        );
        self.notify("initialized", json!({}));
        r
    }

    pub fn open(&self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
    }

    /// `shutdown` + `exit`; returns the exit code.
    pub fn shutdown(mut self) -> i32 {
        let _ = self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    pub fn wait_exit(&mut self) -> i32 {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Ok(Some(st)) = self.child.try_wait() {
                return st.code().unwrap_or(-1);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("dep-ls did not exit");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Closes stdin (the client goes away).
    pub fn close_stdin(&mut self) {
        if let Ok(mut w) = self.stdin.lock() {
            w.take();
        }
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn file_uri(p: &Path) -> String {
    format!("file://{}", p.display()).replace(' ', "%20")
}

/// Copies a directory tree (for tests that must not touch the repository).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let t = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).expect("copy");
        }
    }
}

/// A fresh temporary directory under the target dir.
pub fn temp_dir(name: &str) -> PathBuf {
    let base =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).expect("mkdir");
    base
}

/// The LSP position (line, UTF-16 character) of the first occurrence of `needle` in `text`.
pub fn pos_of(text: &str, needle: &str) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    let before = &text[..at];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let character: usize = text[line_start..at].encode_utf16().count();
    json!({"line": line, "character": character})
}

/// Applies LSP text edits (UTF-16 positions, `\n` lines) to a text.
pub fn apply_text_edits(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| -> usize {
        let line = p["line"].as_u64().expect("line") as usize;
        let ch = p["character"].as_u64().expect("character") as usize;
        let mut off = 0;
        for (i, l) in text.split_inclusive('\n').enumerate() {
            if i == line {
                let mut units = 0;
                for (b, c) in l.char_indices() {
                    if units >= ch || c == '\n' || c == '\r' {
                        return off + b;
                    }
                    units += c.len_utf16();
                }
                return off + l.trim_end_matches(['\n', '\r']).len();
            }
            off += l.len();
        }
        text.len()
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (s, e, t) in spans {
        out.replace_range(s..e, &t);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Helpers of the reliability tests (tests/reliability_*.rs)
// ---------------------------------------------------------------------------------------------

impl LspClient {
    /// Starts `dep-ls` with extra environment variables given as strings (e.g. `DEP_LS_LOG`).
    /// Its stderr is kept (in order) and can be read with [`LspClient::stderr_text`].
    pub fn start_logged(env: &[(&str, &str)]) -> (LspClient, Arc<Mutex<String>>) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dep-ls"));
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env("DEP_LS_LOG", "warn");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn dep-ls");
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let log2 = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut r = BufReader::new(stderr);
            let mut s = String::new();
            while r.read_line(&mut s).unwrap_or(0) > 0 {
                if let Ok(mut l) = log2.lock() {
                    l.push_str(&s);
                }
                s.clear();
            }
        });
        (Self::from_child(child), log)
    }

    /// A client over a spawned server's stdin and stdout. A reader thread answers the
    /// server's requests at once (`workspace/configuration` with the client's settings).
    fn from_child(mut child: Child) -> LspClient {
        let stdin = Arc::new(Mutex::new(child.stdin.take()));
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        let settings = Arc::new(Mutex::new(Value::Null));
        let stdin2 = Arc::clone(&stdin);
        let settings2 = Arc::clone(&settings);
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(msg) = read_msg(&mut r) {
                // Answer server-to-client requests right away.
                if msg.get("method").is_some() && msg.get("id").is_some() {
                    let result = match msg["method"].as_str() {
                        Some("workspace/configuration") => {
                            let s = settings2.lock().map(|s| s.clone()).unwrap_or(Value::Null);
                            let n = msg["params"]["items"]
                                .as_array()
                                .map(|a| a.len())
                                .unwrap_or(1);
                            Value::Array(vec![s; n])
                        }
                        _ => Value::Null,
                    };
                    if let Ok(mut w) = stdin2.lock() {
                        if let Some(w) = w.as_mut() {
                            write_msg(
                                w,
                                &json!({"jsonrpc": "2.0", "id": msg["id"], "result": result}),
                            );
                        }
                    }
                }
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        LspClient {
            child,
            stdin,
            rx,
            next_id: 1,
            backlog: VecDeque::new(),
            settings,
        }
    }

    /// Waits up to `limit` for the response to `id`; `None` when none came.
    pub fn response_within(&mut self, id: &Value, limit: Duration) -> Option<Value> {
        if let Some(pos) = self
            .backlog
            .iter()
            .position(|m| m.get("id") == Some(id) && m.get("method").is_none())
        {
            return self.backlog.remove(pos);
        }
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(m) => {
                    if m.get("id") == Some(id) && m.get("method").is_none() {
                        return Some(m);
                    }
                    self.backlog.push_back(m);
                }
                Err(_) => return None,
            }
        }
    }

    /// Moves every message received so far into the backlog; returns how many came.
    pub fn drain(&mut self) -> usize {
        let mut n = 0;
        while let Ok(m) = self.rx.try_recv() {
            self.backlog.push_back(m);
            n += 1;
        }
        n
    }

    /// Sends a request with an id of the caller's choice (any JSON value) without waiting.
    pub fn request_with_id(&self, id: Value, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
    }

    /// The server's exit status if it has exited (non-blocking).
    pub fn try_exit_code(&mut self) -> Option<i32> {
        self.child
            .try_wait()
            .ok()
            .flatten()
            .map(|s| s.code().unwrap_or(-1))
    }
}

/// Resident memory (VmRSS, KiB) of a process, from `/proc`.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Is a process still alive (and not a zombie)?
pub fn process_alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rsplit_once(')')
                .map(|(_, rest)| rest.trim_start().chars().next())
        })
        .flatten()
        .is_some_and(|state| state != 'Z' && state != 'X')
}

/// `dep-ls check DIR --format json`: (exit code, findings).
pub fn cli_check_json(dir: &Path) -> (i32, Vec<Value>) {
    let o = Command::new(env!("CARGO_BIN_EXE_dep-ls"))
        .args(["check", "--format", "json", "--no-color"])
        .arg(dir)
        .env("DEP_LS_LOG", "error")
        .output()
        .expect("run dep-ls check");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "check output is not JSON ({e}): {}",
            String::from_utf8_lossy(&o.stdout)
        )
    });
    (
        o.status.code().unwrap_or(-1),
        v.as_array().cloned().unwrap_or_default(),
    )
}

/// A comparable form of a finding: (path, start line, start char, end line, end char, code,
/// severity, message), from a CLI JSON finding.
pub type FindingKey = (String, u64, u64, u64, u64, String, String, String);

pub fn cli_key(f: &Value) -> FindingKey {
    let r = &f["range"];
    (
        f["path"].as_str().unwrap_or("").to_string(),
        r["start"]["line"].as_u64().unwrap_or(0),
        r["start"]["character"].as_u64().unwrap_or(0),
        r["end"]["line"].as_u64().unwrap_or(0),
        r["end"]["character"].as_u64().unwrap_or(0),
        f["code"].as_str().unwrap_or("").to_string(),
        f["severity"].as_str().unwrap_or("").to_string(),
        order_free_message(f["message"].as_str().unwrap_or("")),
    )
}

/// A finding message with its "(also in a.md, b.md)" list sorted. The order of that list (and
/// of duplicate-id's related locations) follows the order in which the index saw the
/// definitions, which differs between a workspace loaded at once (sorted) and one built by
/// events (open documents first): see RELIABILITY.md, "known issues".
pub fn order_free_message(m: &str) -> String {
    let Some(start) = m.find("(also in ") else {
        return m.to_string();
    };
    let from = start + "(also in ".len();
    let Some(len) = m[from..].find(')') else {
        return m.to_string();
    };
    let mut parts: Vec<&str> = m[from..from + len].split(", ").collect();
    parts.sort_unstable();
    format!("{}{}{}", &m[..from], parts.join(", "), &m[from + len..])
}

/// The same form of an LSP diagnostic of `path`.
pub fn lsp_key(path: &str, d: &Value) -> FindingKey {
    let r = &d["range"];
    let sev = match d["severity"].as_u64() {
        Some(1) => "error",
        Some(2) => "warning",
        Some(3) => "info",
        Some(4) => "hint",
        _ => "?",
    };
    (
        path.to_string(),
        r["start"]["line"].as_u64().unwrap_or(0),
        r["start"]["character"].as_u64().unwrap_or(0),
        r["end"]["line"].as_u64().unwrap_or(0),
        r["end"]["character"].as_u64().unwrap_or(0),
        d["code"].as_str().unwrap_or("").to_string(),
        sev.to_string(),
        order_free_message(d["message"].as_str().unwrap_or("")),
    )
}

/// A small deterministic random number generator (xorshift64*), for tests that must not
/// depend on a crate.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

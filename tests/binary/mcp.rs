//! `dep-ls mcp`, the Model Context Protocol server, over the real binary's stdio: the
//! handshake, the tool list and its schemas, each tool with good and with bad arguments (bad
//! ones get an `isError` result, never a crash), edits between two calls, malformed lines,
//! `check` against `dep-ls check --format json`, the end of the session on EOF; and the Claude
//! Code hook script (`editors/claude/dep-ls-hook.sh`) fed a hook's JSON with the real binary.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(60);

/// A small workspace: a plan with two entries and the IDs they link.
fn workspace(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("dep-ls-mcp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("plans")).expect("mkdir");
    std::fs::write(root.join("dep-ls.toml"), "").expect("write");
    std::fs::write(
        root.join("plans/plan.md"),
        "# Release plan\n\n## DEP-001: Production environment\n\nType: Environment\nStage: Pre-deploy\nOwner: Ops Team\nLinked IDs: API-001, TEST-001 to TEST-003\n\n## DEP-002: Go-live criteria\n\nType: Criteria\nOwner: QA Team\nRelated IDs: DEP-001\n",
    )
    .expect("write");
    std::fs::write(
        root.join("ids.md"),
        "# IDs\n\nAPI-001: Checkout API\nTEST-001: first\nTEST-002: second\nTEST-003: third\n",
    )
    .expect("write");
    std::fs::write(root.join("notes.txt"), "not Markdown\n").expect("write");
    root.canonicalize().expect("canonical root")
}

/// A `dep-ls mcp` process and its output lines.
struct Mcp {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    next_id: i64,
    /// Every line the server wrote, in order.
    seen: Vec<String>,
}

impl Mcp {
    fn start(cwd: &Path, args: &[&str]) -> Mcp {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dep-ls"))
            .arg("mcp")
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dep-ls mcp starts");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Mcp {
            child,
            stdin,
            lines: rx,
            next_id: 1,
            seen: Vec::new(),
        }
    }

    fn send_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(line.as_bytes()).expect("write");
        stdin.write_all(b"\n").expect("write");
        stdin.flush().expect("flush");
    }

    /// The next message the server writes (every line must be one JSON-RPC message).
    fn next_message(&mut self) -> Value {
        let line = self.lines.recv_timeout(TIMEOUT).unwrap_or_else(|e| {
            panic!(
                "no message from dep-ls mcp in time ({e}); the last ones: {:?}",
                self.seen.iter().rev().take(3).collect::<Vec<_>>()
            )
        });
        self.seen.push(line.clone());
        let v: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("stdout carries only JSON-RPC lines: {e}: {line}"));
        assert_eq!(v["jsonrpc"], "2.0", "{line}");
        v
    }

    /// The response to the request with `id` (messages before it are kept out of the way).
    fn response(&mut self, id: &Value) -> Value {
        loop {
            let m = self.next_message();
            if &m["id"] == id && (m.get("result").is_some() || m.get("error").is_some()) {
                return m;
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = json!(self.next_id);
        self.next_id += 1;
        let msg = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send_line(&msg.to_string());
        self.response(&id)
    }

    fn initialize(&mut self) -> Value {
        let r = self.request(
            "initialize",
            json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "dep-ls-tests", "version": "1"}
            }),
        );
        self.send_line(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#);
        r
    }

    /// A `tools/call` result (a JSON-RPC error fails the test).
    fn call(&mut self, tool: &str, args: Value) -> Value {
        let r = self.request("tools/call", json!({"name": tool, "arguments": args}));
        assert!(r.get("error").is_none(), "{tool} {args}: {r}");
        r["result"].clone()
    }

    /// A successful call's structured content (and its text is not empty).
    fn ok(&mut self, tool: &str, args: Value) -> Value {
        let r = self.call(tool, args.clone());
        assert_eq!(r["isError"], false, "{tool} {args}: {r}");
        let text = r["content"][0]["text"].as_str().unwrap_or_default();
        assert!(!text.is_empty(), "{tool}: a text content: {r}");
        assert_eq!(r["content"][0]["type"], "text");
        assert!(r["structuredContent"].is_object(), "{tool}: {r}");
        r["structuredContent"].clone()
    }

    /// A call with bad arguments: an error result, and its message.
    fn bad(&mut self, tool: &str, args: Value) -> String {
        let r = self.call(tool, args.clone());
        assert_eq!(r["isError"], true, "{tool} {args}: {r}");
        r["content"][0]["text"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Closes stdin and waits for the process: it must exit 0 on its own.
    fn finish(mut self) -> Vec<String> {
        drop(self.stdin.take());
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                assert!(status.success(), "dep-ls mcp exits 0 on EOF: {status}");
                break;
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "dep-ls mcp did not exit after EOF"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        // Whatever it wrote last is JSON-RPC too.
        while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
            let v: Value = serde_json::from_str(&line).expect("only JSON-RPC lines");
            assert_eq!(v["jsonrpc"], "2.0");
            self.seen.push(line);
        }
        std::mem::take(&mut self.seen)
    }
}

impl Drop for Mcp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn findings_with(s: &Value, code: &str) -> Vec<Value> {
    s["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == code)
        .cloned()
        .collect()
}

#[test]
fn a_session_initializes_lists_the_tools_and_answers_each() {
    let root = workspace("session");
    let mut mcp = Mcp::start(&root.join("plans"), &[]);
    let init = mcp.initialize();
    let r = &init["result"];
    assert_eq!(r["protocolVersion"], "2025-06-18", "{init}");
    assert!(r["capabilities"]["tools"].is_object(), "{init}");
    assert_eq!(r["serverInfo"]["name"], "dep-ls");
    assert!(r["instructions"]
        .as_str()
        .is_some_and(|s| s.contains("check")));
    assert_eq!(mcp.request("ping", json!({}))["result"], json!({}));

    // tools/list: the five tools, each with a description and an object schema.
    let list = mcp.request("tools/list", json!({}));
    let tools = list["result"]["tools"].as_array().expect("tools").clone();
    let names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(
        names,
        ["check", "lookup_id", "readiness", "next_id", "template"]
    );
    for t in &tools {
        assert!(
            t["description"].as_str().is_some_and(|d| d.len() > 80),
            "{t}"
        );
        let s = &t["inputSchema"];
        assert_eq!(s["type"], "object", "{t}");
        assert!(s["properties"].is_object(), "{t}");
        assert_eq!(s["additionalProperties"], false, "{t}");
        assert_eq!(t["annotations"]["readOnlyHint"], true, "{t}");
    }
    let schema = |name: &str| {
        tools
            .iter()
            .find(|t| t["name"] == name)
            .map(|t| t["inputSchema"].clone())
            .expect("tool")
    };
    assert_eq!(schema("lookup_id")["required"], json!(["id"]));
    assert_eq!(schema("next_id")["required"], json!(["prefix"]));
    assert_eq!(schema("template")["required"], json!(["type"]));
    assert_eq!(schema("check")["properties"]["path"]["type"], "string");

    // check: the workspace (the server was started in plans/, a folder of it), and one file.
    let s = mcp.ok("check", json!({}));
    assert_eq!(s["root"], root.display().to_string());
    assert_eq!(s["files"], 2);
    let missing = findings_with(&s, "missing-field");
    assert!(missing.iter().any(|f| f["id"] == "DEP-001"), "{s}");
    let f = &missing[0];
    assert_eq!(f["path"], "plans/plan.md");
    assert!(f["range"]["start"]["line"].is_u64(), "{f}");
    let keys: Vec<&str> = f
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 6, "the keys of check --format json: {keys:?}");
    let s = mcp.ok("check", json!({"path": "ids.md"}));
    assert_eq!(s["files"], 1);
    assert_eq!(s["findings"], json!([]), "{s}");
    let abs = root.join("plans/plan.md");
    let s = mcp.ok(
        "check",
        json!({"path": abs.to_str(), "minSeverity": "error"}),
    );
    assert_eq!(s["findings"], json!([]), "no error yet: {s}");
    assert!(mcp
        .bad("check", json!({"path": "../../etc/passwd"}))
        .contains("outside the workspace"));
    assert!(mcp
        .bad("check", json!({"path": "/etc"}))
        .contains("outside"));
    assert!(mcp
        .bad("check", json!({"path": 5}))
        .contains("must be a string"));
    assert!(mcp
        .bad("check", json!({"path": "notes.txt"}))
        .contains("not a Markdown file"));
    assert!(mcp
        .bad("check", json!({"path": "gone.md"}))
        .contains("no such"));
    assert!(mcp
        .bad("check", json!({"minSeverity": "fatal"}))
        .contains("minSeverity"));

    // lookup_id: the definition with its fields and links, who links it, its references.
    let s = mcp.ok("lookup_id", json!({"id": "DEP-001"}));
    assert_eq!(s["defined"], true);
    let d = &s["definitions"][0];
    assert_eq!(d["path"], "plans/plan.md");
    assert_eq!(d["line"], 3);
    assert_eq!(d["type"], "Environment");
    assert!(d["fields"].as_array().is_some_and(|f| f
        .iter()
        .any(|f| f["key"] == "Owner" && f["value"] == "Ops Team")));
    let links: Vec<&str> = d["links"]
        .as_array()
        .expect("links")
        .iter()
        .filter_map(|l| l["id"].as_str())
        .collect();
    assert_eq!(links, ["API-001", "TEST-001", "TEST-002", "TEST-003"]);
    assert_eq!(s["linkedBy"][0]["id"], "DEP-002");
    assert_eq!(s["linkedBy"][0]["line"], 14);
    let s = mcp.ok("lookup_id", json!({"id": "TEST-002"}));
    assert_eq!(s["linkedBy"][0]["id"], "DEP-001", "a range covers it: {s}");
    assert_eq!(s["linkedByPlans"], json!(["DEP-001"]));
    assert!(mcp
        .bad("lookup_id", json!({"id": "DEP-0001"}))
        .contains("unknown ID"));
    assert!(mcp
        .bad("lookup_id", json!({}))
        .contains("missing required argument `id`"));

    // readiness: the plan and its gates.
    let s = mcp.ok("readiness", json!({}));
    assert_eq!(s["ready"], false);
    let gates = s["plans"][0]["gates"].as_array().expect("gates");
    assert!(gates
        .iter()
        .any(|g| g["key"] == "rollback" && g["pass"] == false));
    let s = mcp.ok("readiness", json!({"path": "ids.md"}));
    assert_eq!(s["plans"], json!([]), "no plan has an entry in ids.md: {s}");
    assert!(mcp
        .bad("readiness", json!({"path": "nope/"}))
        .contains("no such"));

    // next_id.
    let s = mcp.ok("next_id", json!({"prefix": "DEP"}));
    assert_eq!(s["next"], "DEP-003");
    assert_eq!(s["highest"], "DEP-002");
    assert_eq!(
        mcp.ok("next_id", json!({"prefix": "test-"}))["next"],
        "TEST-004"
    );
    assert!(mcp
        .bad("next_id", json!({"prefix": "ZZZ"}))
        .contains("unknown prefix"));
    assert!(mcp
        .bad("next_id", json!({"prefix": ["DEP"]}))
        .contains("string"));

    // template.
    let r = mcp.call("template", json!({"type": "Rollback"}));
    let text = r["content"][0]["text"].as_str().expect("text");
    assert!(text.starts_with("## DEP-003: "), "{text}");
    assert!(text.contains("\nType: Rollback\n"), "{text}");
    let s = mcp.ok(
        "template",
        json!({"type": "step", "id": "DEP-010", "heading": 0}),
    );
    assert!(s["text"]
        .as_str()
        .is_some_and(|t| t.starts_with("DEP-010: ")));
    let msg = mcp.bad("template", json!({"type": "Rolback"}));
    assert!(
        msg.contains("Did you mean Rollback")
            && msg.contains("Environment, Criteria, Rollback, Validation, Step"),
        "{msg}"
    );
    assert!(mcp
        .bad("template", json!({"type": "Step", "heading": 9}))
        .contains("heading"));
    assert!(mcp
        .bad("template", json!({"type": "Step", "id": "not an id"}))
        .contains("not an ID"));

    // An unknown tool is a protocol error (invalid params), not a crash.
    let r = mcp.request("tools/call", json!({"name": "nope", "arguments": {}}));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    // The session goes on.
    assert_eq!(mcp.request("ping", json!({}))["result"], json!({}));
    mcp.finish();
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn check_sees_the_edits_made_between_two_calls() {
    let root = workspace("edits");
    let mut mcp = Mcp::start(&root, &[]);
    mcp.initialize();
    let s = mcp.ok("check", json!({"path": "plans/plan.md"}));
    assert!(findings_with(&s, "unresolved-link").is_empty(), "{s}");

    // The agent links an undefined ID and adds a file.
    let plan = root.join("plans/plan.md");
    let text = std::fs::read_to_string(&plan).expect("read");
    std::fs::write(
        &plan,
        text.replace("Linked IDs: API-001", "Linked IDs: API-001, TEST-999"),
    )
    .expect("write");
    std::fs::write(root.join("plans/more.md"), "## DEP-003: More\n\nOwner: X\n").expect("write");
    let s = mcp.ok("check", json!({"path": "plans/plan.md"}));
    let f = findings_with(&s, "unresolved-link");
    assert_eq!(f.len(), 1, "{s}");
    assert!(f[0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("TEST-999")));
    assert_eq!(f[0]["severity"], "error");
    assert_eq!(f[0]["range"]["start"]["line"], 7);
    assert_eq!(
        mcp.ok("next_id", json!({"prefix": "DEP"}))["next"],
        "DEP-004"
    );

    // …then defines it: the finding is gone.
    std::fs::write(root.join("ids.md"), "TEST-999: late\n").expect("write");
    let s = mcp.ok("check", json!({}));
    assert!(findings_with(&s, "unresolved-link")
        .iter()
        .all(|f| !f["message"].as_str().unwrap_or("").contains("TEST-999")));
    // A removed file is gone from the answers.
    std::fs::remove_file(root.join("plans/more.md")).expect("rm");
    assert_eq!(
        mcp.ok("next_id", json!({"prefix": "DEP"}))["next"],
        "DEP-003"
    );
    mcp.finish();
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn malformed_lines_get_an_error_and_eof_ends_the_session() {
    let root = workspace("malformed");
    let mut mcp = Mcp::start(Path::new("/"), &["--root", root.to_str().expect("utf-8")]);
    // Before the handshake, too.
    mcp.send_line("{this is not json");
    let r = mcp.next_message();
    assert_eq!(r["error"]["code"], -32700, "{r}");
    assert_eq!(r["id"], Value::Null);
    mcp.initialize();
    mcp.send_line("[1, 2, 3]");
    let r = mcp.next_message();
    assert_eq!(r["error"]["code"], -32600, "{r}");
    // A tools/call whose params do not fit: invalid params, with its id.
    mcp.send_line(r#"{"jsonrpc":"2.0","id":"x1","method":"tools/call","params":{"name":7}}"#);
    let r = mcp.response(&json!("x1"));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    // Bytes that are not UTF-8, and JSON nested deeper than any parser should follow.
    {
        let stdin = mcp.stdin.as_mut().expect("stdin");
        stdin.write_all(b"{\"a\": \"\xff\xfe\"}\n").expect("write");
        stdin.flush().expect("flush");
    }
    assert_eq!(mcp.next_message()["error"]["code"], -32700);
    mcp.send_line(&format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)));
    assert_eq!(mcp.next_message()["error"]["code"], -32700);
    // Arguments that are not an object.
    mcp.send_line(
        r#"{"jsonrpc":"2.0","id":"x2","method":"tools/call","params":{"name":"check","arguments":[1]}}"#,
    );
    let r = mcp.response(&json!("x2"));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    // Blank lines are nothing; the session goes on.
    mcp.send_line("");
    assert_eq!(mcp.request("ping", json!({}))["result"], json!({}));
    assert_eq!(
        mcp.ok("next_id", json!({"prefix": "DEP"}))["next"],
        "DEP-003"
    );
    let seen = mcp.finish();
    assert!(seen.len() >= 5, "{seen:?}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn eof_before_the_handshake_exits_cleanly() {
    let root = workspace("eof");
    let mcp = Mcp::start(&root, &[]);
    assert!(mcp.finish().is_empty());
    let _ = std::fs::remove_dir_all(&root);
}

/// `check` answers what `dep-ls check --format json` prints, finding for finding.
#[test]
fn check_gives_the_findings_of_the_cli() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-checkout");
    let cli = Command::new(env!("CARGO_BIN_EXE_dep-ls"))
        .args(["check", "--format", "json"])
        .current_dir(&example)
        .stdin(Stdio::null())
        .output()
        .expect("dep-ls check runs");
    let cli: Value = serde_json::from_slice(&cli.stdout).expect("a JSON array");
    assert!(cli.as_array().is_some_and(|a| a.len() > 5), "{cli}");
    let mut mcp = Mcp::start(&example, &[]);
    mcp.initialize();
    let s = mcp.ok("check", json!({}));
    assert_eq!(s["findings"], cli);
    let r = mcp.call("check", json!({}));
    let text = r["content"][0]["text"].as_str().expect("text");
    let first = &cli[0];
    let loc = format!(
        "{}:{}:",
        first["path"].as_str().expect("path"),
        first["range"]["start"]["line"].as_u64().expect("line") + 1
    );
    assert!(text.contains(&loc), "{loc} in\n{text}");
    // One file's findings are the workspace's for that file.
    for path in ["release/release-plan.md", "SoT/SoT.DEPLOYMENT.md"] {
        let of_file: Vec<&Value> = cli
            .as_array()
            .expect("array")
            .iter()
            .filter(|f| f["path"] == path)
            .collect();
        assert!(!of_file.is_empty(), "{path} has findings");
        let s = mcp.ok("check", json!({"path": path}));
        assert_eq!(s["findings"], json!(of_file), "{path}");
    }
    mcp.finish();
}

fn hook(input: &str, reader: &str) -> (i32, String, String) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/claude/dep-ls-hook.sh");
    let mut child = Command::new("sh")
        .arg(script)
        .env("DEP_LS", env!("CARGO_BIN_EXE_dep-ls"))
        .env("DEP_LS_HOOK_JSON", reader)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let o = child.wait_with_output().expect("wait");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn has(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The Claude Code hook: an edit of a Markdown file with errors or warnings → exit 2 and the
/// findings on stderr (what Claude Code feeds back to Claude); a clean file, another file, a
/// non-Markdown file → exit 0, silent.
#[test]
fn the_claude_code_hook_returns_the_findings_of_the_edited_file() {
    let root = workspace("hook");
    let plan = root.join("plans/plan.md");
    let text = std::fs::read_to_string(&plan).expect("read");
    std::fs::write(
        &plan,
        text.replace("Linked IDs: API-001", "Linked IDs: API-001, TEST-999"),
    )
    .expect("write");
    let readers: Vec<&str> = ["jq", "python3"].into_iter().filter(|r| has(r)).collect();
    assert!(!readers.is_empty(), "the hook needs jq or python3");
    for reader in readers {
        let edit = json!({
            "session_id": "s", "transcript_path": "/tmp/t.jsonl", "cwd": root.to_str(),
            "permission_mode": "default", "hook_event_name": "PostToolUse", "tool_name": "Edit",
            "tool_input": {"file_path": plan.to_str(), "old_string": "a", "new_string": "b"},
            "tool_response": {"filePath": plan.to_str(), "success": true}
        });
        let (code, out, err) = hook(&edit.to_string(), reader);
        assert_eq!(code, 2, "{reader}: {out}{err}");
        assert!(out.is_empty(), "{reader}: nothing on stdout: {out}");
        assert!(
            err.contains("error[unresolved-link]") && err.contains("TEST-999"),
            "{reader}: {err}"
        );
        // A relative path is taken from the hook's cwd; a Write of a clean file says nothing.
        let write = json!({"cwd": root.to_str(), "tool_name": "Write",
            "tool_input": {"file_path": "ids.md", "content": "…"}});
        assert_eq!(
            hook(&write.to_string(), reader),
            (0, String::new(), String::new())
        );
        let other = json!({"tool_name": "Edit", "tool_input": {"file_path": root.join("notes.txt").to_str()}});
        assert_eq!(hook(&other.to_string(), reader).0, 0);
        // Unreadable input: a non-blocking error (shown to the user, not fed to Claude).
        assert_eq!(hook("not json", reader).0, 1);
    }
    let _ = std::fs::remove_dir_all(&root);
}

/// The files to copy into a project (`editors/claude/`): `mcp.json` (as `.mcp.json`) starts
/// this server, `settings.json` (into `.claude/settings.json`) runs the hook after each edit.
#[test]
fn the_claude_code_examples_start_the_server_and_the_hook() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/claude");
    let read = |name: &str| -> Value {
        let text = std::fs::read_to_string(dir.join(name)).expect("readable");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let mcp = read("mcp.json");
    let server = &mcp["mcpServers"]["dep-ls"];
    assert_eq!(server["command"], "dep-ls");
    assert_eq!(server["args"], json!(["mcp"]));

    let settings = read("settings.json");
    let group = &settings["hooks"]["PostToolUse"][0];
    let matcher = group["matcher"].as_str().expect("matcher");
    for tool in ["Edit", "Write", "MultiEdit"] {
        assert!(matcher.split('|').any(|m| m == tool), "{matcher}");
    }
    let hook = &group["hooks"][0];
    assert_eq!(hook["type"], "command");
    assert!(hook["command"]
        .as_str()
        .is_some_and(|c| c.ends_with("/dep-ls-hook.sh") && c.contains("$CLAUDE_PROJECT_DIR")));
    assert!(hook["timeout"].as_u64().is_some_and(|t| t >= 10));
    assert!(dir.join("dep-ls-hook.sh").is_file());
}

//! Language-server benchmark: drives the real `dep-ls` binary over stdio, as an editor would.
//!
//!   cargo bench --bench lsp            (needs python3 for the workspace generator)
//!
//! Measures, with diagnostics debounce set to 0 (the debounce is excluded):
//!
//! - `didChange` → diagnostics on a 10,000-entry (≈3.5 MB) document, nested under one heading
//!   and flat (top-level fenced blocks), the first keystroke after opening included, typing
//!   prose and then typing linked IDs (`, TEST-001`, which changes references): computed
//!   (the server's `dep_ls::timing` log: from the change's arrival to the diagnostics ready to
//!   send) and received (the client has parsed the `publishDiagnostics`);
//! - completion, hover and definition with a 5,000-file / 100,000-ID workspace indexed, and
//!   `didChange` → diagnostics while typing in one of its files;
//! - cold indexing of that workspace (initialized → indexing progress ends; a fresh server, the
//!   files read once beforehand so that the OS page cache holds them), and peak memory.
//!
//! Reports medians and p99s. Numbers are for one noisy 2-core machine: compare runs, not
//! absolute values.

#[path = "../tests/support/lsp.rs"]
mod lsp;

use lsp::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn generate(args: &[&str]) {
    let st = Command::new("python3")
        .arg(repo().join("bench/gen_workspace.py"))
        .args(args)
        .status()
        .expect("python3 bench/gen_workspace.py");
    assert!(st.success(), "workspace generator failed");
}

fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn report(name: &str, v: &mut [Duration]) {
    let n = v.len();
    let p50 = pct(v, 0.5);
    let p99 = pct(v, 0.99);
    let max = pct(v, 1.0);
    println!(
        "{name:<48} n={n:<4} median {:>10}  p99 {:>10}  max {:>10}",
        ms(p50),
        ms(p99),
        ms(max)
    );
}

fn peak_rss_mb(pid: u32) -> f64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn settings() -> Value {
    json!({"diagnostics": {"debounceMs": 0}})
}

/// Typing into one Description line of a big document: one character per didChange, then the
/// time until the diagnostics for that version arrive.
fn typing(shape: &str, file: &Path) {
    let dir = file.parent().expect("dir").to_path_buf();
    let text = std::fs::read_to_string(file).expect("doc");
    let uri = file_uri(file);
    // The server logs when each version's diagnostics are computed (`dep_ls::timing`).
    let (mut c, log) = LspClient::start_logged(&[("DEP_LS_LOG", "warn,dep_ls::timing=debug")]);
    c.initialize(
        &dir,
        json!({"general": {"positionEncodings": ["utf-8"]},
               "window": {"workDoneProgress": true}}),
        settings(),
    );
    // The folder is indexed first (the document's file among it): typing starts on a server
    // that is done starting up, as when a user opens a file in a workspace already open.
    c.wait_for("$/progress", |p| p["value"]["kind"] == "end");
    let t = Instant::now();
    c.open(&uri, &text);
    c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str()
    });
    println!(
        "{shape}: open + first diagnostics {} ({} bytes)",
        ms(t.elapsed()),
        text.len()
    );
    let (mut computed, mut times) =
        keystrokes(&mut c, &log, &uri, &text, 300, "Description", "x", 2);
    println!(
        "{shape}: first keystroke after opening: computed {}, received {}",
        ms(computed[0]),
        ms(times[0])
    );
    report(
        &format!("{shape}: didChange → diagnostics computed (server)"),
        &mut computed,
    );
    report(
        &format!("{shape}: didChange → diagnostics received"),
        &mut times,
    );
    // Typing linked IDs: every few keystrokes change the IDs the document references.
    let (mut computed, _) = keystrokes(
        &mut c,
        &log,
        &uri,
        &text,
        200,
        "Linked IDs",
        ", TEST-001",
        302,
    );
    report(
        &format!("{shape}: typing linked IDs → diagnostics computed"),
        &mut computed,
    );
    let code = c.shutdown();
    assert_eq!(code, 0);
}

/// Types `n` characters of `typed` (in turn) at the end of the `field` line nearest the middle
/// of an open document, from version `v0` on, each change followed by its diagnostics.
/// Returns, per keystroke, the time until the diagnostics were computed (the server's log)
/// and received.
#[allow(clippy::too_many_arguments)]
fn keystrokes(
    c: &mut LspClient,
    log: &std::sync::Mutex<String>,
    uri: &str,
    text: &str,
    n: u32,
    field: &str,
    typed: &str,
    v0: i64,
) -> (Vec<Duration>, Vec<Duration>) {
    let typed: Vec<char> = typed.chars().collect();
    let mid = text.len() / 2;
    let d = text[mid..]
        .find(field)
        .map(|i| mid + i)
        .or_else(|| text.find(field))
        .expect("the field's line");
    let at = text[..d].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line = text[..at].matches('\n').count();
    let col0 = text[at..].find('\n').expect("eol");
    let mut computed = Vec::new();
    let mut received = Vec::new();
    for i in 0..n {
        let col = col0 as u32 + i;
        let version = v0 + i as i64;
        let ch = typed[i as usize % typed.len()].to_string();
        let t = Instant::now();
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}, "text": ch}]}),
        );
        c.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && p["version"] == version
        });
        received.push(t.elapsed());
        computed.push(computed_after(log, uri, version));
    }
    (computed, received)
}

/// The server's own account of when the diagnostics of `version` were computed, counted from
/// the arrival of the change (its `dep_ls::timing` log line).
fn computed_after(log: &std::sync::Mutex<String>, uri: &str, version: i64) -> Duration {
    let tag = format!("{uri} v{version}: ");
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let found = log.lock().ok().and_then(|l| {
            let line = l[l.rfind(&tag)?..].lines().next()?.to_string();
            let ms = line.split(" computed ").nth(1)?.split(" ms").next()?;
            ms.parse::<f64>().ok()
        });
        if let Some(ms) = found {
            return Duration::from_secs_f64(ms / 1000.0);
        }
        assert!(Instant::now() < deadline, "no timing line for {tag}");
        std::thread::sleep(Duration::from_micros(200));
    }
}

fn workspace_requests(ws: &Path) {
    let files: Vec<PathBuf> = walk_md(ws);
    // The server starts cold, the OS page cache does not: read every file once first (as
    // `bench/run_check.py` does with a warm-up run). This VM reclaims idle page cache, and
    // the same run took 0.7 s or 1.3 s depending on what the disk had to deliver.
    let bytes: usize = files
        .iter()
        .map(|f| std::fs::read(f).map_or(0, |b| b.len()))
        .sum();
    let (mut c, log) = LspClient::start_logged(&[("DEP_LS_LOG", "warn,dep_ls::timing=debug")]);
    let t = Instant::now();
    c.initialize(
        ws,
        // As VS Code and Neovim do: completion documentation is resolved item by item.
        json!({"window": {"workDoneProgress": true},
               "textDocument": {"completion": {"completionItem": {
                   "resolveSupport": {"properties": ["documentation"]}}}}}),
        settings(),
    );
    c.wait_for("$/progress", |p| p["value"]["kind"] == "end");
    let cold = t.elapsed();
    let pid = server_pid(&c);
    println!(
        "workspace: {} files ({:.1} MB) indexed cold in {} (initialized → progress end)",
        files.len(),
        bytes as f64 / 1e6,
        ms(cold)
    );
    // A release plan file with many links.
    let plan = files
        .iter()
        .find(|p| p.to_string_lossy().contains("release"))
        .unwrap_or(&files[0])
        .clone();
    let text = std::fs::read_to_string(&plan).expect("plan");
    let uri = file_uri(&plan);
    c.open(&uri, &text);
    // Requests are timed once the opened file's first diagnostics are out (its checks no longer
    // share the two cores with the requests).
    c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str()
    });
    let mut positions = Vec::new();
    for (ln, l) in text.lines().enumerate() {
        if let Some(i) = l.find("Linked IDs:") {
            positions.push((ln, i + "Linked IDs: ".len() + 2));
        }
    }
    assert!(!positions.is_empty(), "no Linked IDs in {}", plan.display());
    let mut comp = Vec::new();
    let mut hover = Vec::new();
    let mut def = Vec::new();
    for k in 0..200 {
        let (ln, col) = positions[k % positions.len()];
        let p = json!({"textDocument": {"uri": uri}, "position": {"line": ln, "character": col}});
        let t = Instant::now();
        c.request("textDocument/completion", p.clone());
        comp.push(t.elapsed());
        let t = Instant::now();
        c.request("textDocument/hover", p.clone());
        hover.push(t.elapsed());
        let t = Instant::now();
        c.request("textDocument/definition", p);
        def.push(t.elapsed());
    }
    report("completion in Linked IDs (100k IDs indexed)", &mut comp);
    report("hover on a linked ID", &mut hover);
    report("definition of a linked ID", &mut def);
    // Typing in that file: its own checks, and the plan checks over the whole workspace.
    let (mut computed, mut received) = keystrokes(
        &mut c,
        &log,
        uri.as_str(),
        &text,
        200,
        "Description",
        "x",
        2,
    );
    report(
        "workspace: didChange → diagnostics computed (server)",
        &mut computed,
    );
    report("workspace: didChange → diagnostics received", &mut received);
    println!("server peak memory (VmHWM): {:.0} MB", peak_rss_mb(pid));
    let _ = c.shutdown();
}

fn server_pid(c: &LspClient) -> u32 {
    c.pid()
}

fn walk_md(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let data = repo().join("bench-data");
    let one = data.join("one-file");
    for shape in ["nested", "flat"] {
        // The generator writes OUT/<shape>/release-plan.md (each shape is its own workspace).
        let file = one.join(shape).join("release-plan.md");
        if !file.exists() {
            generate(&[
                one.to_str().expect("path"),
                "--one-file",
                "3500000",
                "--shape",
                shape,
            ]);
        }
        typing(shape, &file);
    }
    let ws = data.join("ws-5000-e20-k8-s1");
    if !ws.exists() {
        generate(&[ws.to_str().expect("path"), "--files", "5000"]);
    }
    workspace_requests(&ws);
}

//! Stress: 200 open documents, 10,000 mixed requests and edits with `$/cancelRequest`s against
//! the real binary; every response is well-formed, the final diagnostics are those of
//! `dep-ls check` on the final texts, and it ends in bounded time (no deadlock). Memory across
//! repeated open/close cycles stays bounded (VmRSS from /proc, printed). Without
//! `RUN_SLOW_TESTS=1` the stress session sends 1,000 operations instead of 10,000.

use crate::support;

use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::{Duration, Instant};
use support::lsp::*;

const DOCS: usize = 200;

fn doc_text(i: usize, link: usize) -> String {
    format!(
        "# Document {i}\n\n## DEP-{n:03}: Step {i}\nType: Step\nOwner: SRE on-call\nLinked IDs: DEP-{link:03}\n",
        n = i + 1
    )
}

/// The LSP range of line `line` (whole line, without its break) of `text`.
fn line_range(text: &str, line: usize) -> Value {
    let len = text.split('\n').nth(line).map(str::len).unwrap_or(0);
    json!({"start": {"line": line, "character": 0}, "end": {"line": line, "character": len}})
}

fn replace_line(text: &str, line: usize, new: &str) -> String {
    let mut lines: Vec<&str> = text.split('\n').collect();
    lines[line] = new;
    lines.join("\n")
}

/// A request answered after every message sent before it (generous limit: debug build on a
/// loaded machine).
fn round_trip(c: &mut LspClient) {
    let id = c.request_async("workspace/symbol", json!({"query": "DEP-1"}));
    let r = c.response_within(&json!(id), Duration::from_secs(180));
    assert!(
        r.is_some_and(|r| r.get("result").is_some()),
        "no answer in 180 s"
    );
}

/// Moves pushed diagnostics out of the backlog, remembering the latest version per URI.
fn prune_pushes(c: &mut LspClient, published: &mut BTreeMap<String, i64>) {
    c.drain();
    c.backlog.retain(|m| {
        if m["method"] != "textDocument/publishDiagnostics" {
            return true;
        }
        if let (Some(u), Some(v)) = (m["params"]["uri"].as_str(), m["params"]["version"].as_i64()) {
            let e = published.entry(u.to_string()).or_insert(v);
            *e = (*e).max(v);
        }
        false
    });
}

#[test]
fn two_hundred_documents_ten_thousand_operations() {
    let started = Instant::now();
    let root = temp_dir("rel-stress");
    let docs_dir = root.join("docs");
    std::fs::create_dir_all(&docs_dir).expect("mkdir");
    let mut texts: Vec<String> = (0..DOCS).map(|i| doc_text(i, (i + 1) % DOCS + 1)).collect();
    let uris: Vec<String> = (0..DOCS)
        .map(|i| file_uri(&docs_dir.join(format!("d{i:03}.md"))))
        .collect();
    for (i, t) in texts.iter().enumerate() {
        std::fs::write(docs_dir.join(format!("d{i:03}.md")), t).expect("write");
    }
    let mut versions = vec![1i64; DOCS];

    let mut c = LspClient::start();
    c.initialize(
        &root,
        json!({"general": {"positionEncodings": ["utf-16"]}}),
        json!({}),
    );
    for i in 0..DOCS {
        c.open(&uris[i], &texts[i]);
    }

    let mut rng = Rng(0x5eed_2026_1126);
    // The latest pushed diagnostics version per URI (pushes are pruned from the backlog).
    let mut published: BTreeMap<String, i64> = BTreeMap::new();
    let methods = [
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/references",
        "textDocument/completion",
        "textDocument/documentHighlight",
        "textDocument/documentSymbol",
        "textDocument/codeAction",
        "textDocument/foldingRange",
        "textDocument/semanticTokens/full",
        "textDocument/inlayHint",
        "textDocument/codeLens",
        "textDocument/diagnostic",
        "workspace/symbol",
    ];
    let mut pending: Vec<(i64, &str)> = Vec::new();
    let mut cancelled: HashSet<i64> = HashSet::new();
    let (mut edits, mut requests) = (0, 0);
    let ops = support::slow::size(
        "two_hundred_documents_ten_thousand_operations",
        10_000,
        1_000,
        "operations",
    );
    for op in 0..ops {
        // Flow control like an editor's: a round trip every 100 operations (an editor does
        // not send thousands of edits at once; without it a debug build on a loaded machine
        // accumulates one pending diagnostics task per open document per edit).
        if op % 100 == 99 {
            round_trip(&mut c);
            prune_pushes(&mut c, &mut published);
        }
        let d = rng.below(DOCS as u64) as usize;
        if rng.below(10) < 4 {
            // An edit: relink the entry (sometimes to an undefined ID), or add a prose line.
            versions[d] += 1;
            let (range, new_text, new_full) = if rng.below(2) == 0 {
                let link = rng.below(DOCS as u64 + 40) as usize + 1;
                let line = format!("Linked IDs: DEP-{link:03}");
                let r = line_range(&texts[d], 5);
                let full = replace_line(&texts[d], 5, &line);
                (r, line, full)
            } else {
                let lines = texts[d].split('\n').count() - 1;
                let add = format!("Prose mentions DEP-{:03}.\n", rng.below(DOCS as u64) + 1);
                let pos = json!({"line": lines, "character": 0});
                let full = format!("{}{add}", texts[d]);
                (json!({"start": pos, "end": pos}), add, full)
            };
            c.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uris[d], "version": versions[d]},
                       "contentChanges": [{"range": range, "text": new_text}]}),
            );
            texts[d] = new_full;
            edits += 1;
        } else {
            let method = methods[rng.below(methods.len() as u64) as usize];
            let line = rng.below(8);
            let ch = rng.below(30);
            let pos = json!({"line": line, "character": ch});
            let td = json!({"uri": uris[d]});
            let params = match method {
                "workspace/symbol" => json!({"query": format!("DEP-{}", rng.below(20))}),
                "textDocument/documentSymbol"
                | "textDocument/foldingRange"
                | "textDocument/semanticTokens/full"
                | "textDocument/codeLens"
                | "textDocument/diagnostic" => json!({"textDocument": td}),
                "textDocument/codeAction" => json!({"textDocument": td,
                    "range": {"start": pos, "end": pos}, "context": {"diagnostics": []}}),
                "textDocument/inlayHint" => json!({"textDocument": td,
                    "range": {"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}}}),
                "textDocument/references" => json!({"textDocument": td, "position": pos,
                    "context": {"includeDeclaration": true}}),
                _ => json!({"textDocument": td, "position": pos}),
            };
            let id = c.request_async(method, params);
            pending.push((id, method));
            if rng.below(5) == 0 {
                c.notify("$/cancelRequest", json!({"id": id}));
                cancelled.insert(id);
            }
            requests += 1;
        }
    }
    let sent_in = started.elapsed();

    // Every request gets exactly one well-formed response; errors only for cancelled ones.
    let mut order = Vec::new();
    let mut cancelled_answers = 0;
    for (id, method) in &pending {
        let r = c
            .response_within(&json!(id), Duration::from_secs(120))
            .unwrap_or_else(|| panic!("no response to {method} #{id}: deadlock?"));
        assert_eq!(r["jsonrpc"], "2.0", "{r}");
        assert_eq!(r["id"], json!(id), "{r}");
        match (r.get("result"), r.get("error")) {
            (Some(_), None) => {}
            (None, Some(e)) => {
                assert!(
                    cancelled.contains(id) && e["code"] == -32800,
                    "{method} #{id} failed: {e}"
                );
                cancelled_answers += 1;
            }
            _ => panic!("malformed response {r}"),
        }
        order.push(*id);
    }
    // Nothing else: no response to an id never sent, none twice.
    c.drain();
    let strays: Vec<&Value> = c
        .backlog
        .iter()
        .filter(|m| m.get("method").is_none())
        .collect();
    assert!(strays.is_empty(), "responses nobody asked for: {strays:?}");

    // Final diagnostics (pulled: they see every change sent before) equal `dep-ls check` on a
    // copy of the workspace holding the final texts.
    let check_dir = root.join("final");
    std::fs::create_dir_all(check_dir.join("docs")).expect("mkdir");
    for (i, t) in texts.iter().enumerate() {
        std::fs::write(check_dir.join(format!("docs/d{i:03}.md")), t).expect("write");
    }
    let (_, cli) = cli_check_json(&check_dir);
    let want: BTreeSet<FindingKey> = cli.iter().map(cli_key).collect();
    let mut got = BTreeSet::new();
    for (i, u) in uris.iter().enumerate() {
        let r = c.request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": u}}),
        );
        for d in r["items"].as_array().expect("items") {
            got.insert(lsp_key(&format!("docs/d{i:03}.md"), d));
        }
    }
    assert_eq!(
        got.difference(&want).collect::<Vec<_>>(),
        Vec::<&FindingKey>::new(),
        "LSP-only findings"
    );
    assert_eq!(
        want.difference(&got).collect::<Vec<_>>(),
        Vec::<&FindingKey>::new(),
        "CLI-only findings"
    );
    assert!(
        want.iter().any(|k| k.5 == "unresolved-link"),
        "the edits linked undefined IDs"
    );

    // The pushed diagnostics reached every document's final version.
    prune_pushes(&mut c, &mut published);
    for (i, u) in uris.iter().enumerate() {
        let v = versions[i];
        if published.get(u) != Some(&v) {
            c.wait_for("textDocument/publishDiagnostics", |p| {
                p["uri"] == u.as_str() && p["version"] == v
            });
        }
    }
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    for k in &want {
        *by_code.entry(k.5.as_str()).or_default() += 1;
    }
    eprintln!(
        "stress: {edits} edits + {requests} requests ({} cancelled, {cancelled_answers} answered \
         RequestCancelled) sent in {sent_in:?}, all answered in {:?}; final findings {by_code:?}",
        cancelled.len(),
        started.elapsed()
    );
    assert_eq!(c.shutdown(), 0);
    // A bound against deadlocks, not a performance target.
    assert!(started.elapsed() < Duration::from_secs(600));
}

/// Opening and closing the same 200 documents again and again does not grow memory without
/// bound: VmRSS after the last cycle is compared with the first (printed; the bound is loose).
#[test]
fn memory_stays_flat_across_open_close_cycles() {
    let root = temp_dir("rel-memory");
    let n = 100;
    let body: String = (0..40)
        .map(|k| {
            format!(
                "Prose line {k} mentions DEP-{:03} and TEST-{k:03}.\n",
                k + 1
            )
        })
        .collect();
    let texts: Vec<String> = (0..n)
        .map(|i| format!("{}{body}", doc_text(i, (i + 1) % n + 1)))
        .collect();
    let uris: Vec<String> = (0..n)
        .map(|i| file_uri(&root.join(format!("m{i:03}.md"))))
        .collect();
    for (i, t) in texts.iter().enumerate() {
        std::fs::write(root.join(format!("m{i:03}.md")), t).expect("write");
    }
    let mut c = LspClient::start();
    c.initialize(&root, json!({}), json!({}));
    let pid = c.pid();
    let mut samples = Vec::new();
    for cycle in 0..6 {
        for i in 0..n {
            c.open(&uris[i], &texts[i]);
            c.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uris[i], "version": 2},
                       "contentChanges": [{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "text": "Typed DEP-999.\n"}]}),
            );
        }
        // A round trip: every notification before it has been applied.
        round_trip(&mut c);
        for u in &uris {
            c.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
        }
        round_trip(&mut c);
        std::thread::sleep(Duration::from_millis(200));
        c.drain();
        c.backlog.clear();
        samples.push(rss_kib(pid).expect("VmRSS"));
        let _ = cycle;
    }
    eprintln!("memory: VmRSS (KiB) after each open/close cycle of {n} documents: {samples:?}");
    let first = samples[1]; // after one warm-up cycle
    let last = *samples.last().expect("samples");
    assert!(
        last <= first * 2 + 64 * 1024,
        "VmRSS grew from {first} KiB to {last} KiB over {} cycles: {samples:?}",
        samples.len()
    );
    assert_eq!(c.shutdown(), 0);
}

//! JSON-RPC tests of the trace graph in the editor against the real binary: the call hierarchy
//! (prepare → incoming → outgoing, exact ranges, callers in files that are not open, range
//! members), document links, the coverage and "linked by" lenses, and bad input answered with
//! an empty result.

use crate::support;

use serde_json::{json, Value};
use std::path::Path;
use support::lsp::*;

const PLAN: &str = "# Plan

DEP-001: Staging ready
Type: Criteria
Owner: Zoë
Linked IDs: EPIC-01, TEST-001 to TEST-004, [API-001](../SoT/api.md#api-001)
Rollback Trigger: é🚀 MON-001 and MON-404

DEP-002: Production criteria
Type: Criteria
Owner: Dev
Linked IDs: TEST-003, EPIC-01
";

const TESTS: &str = "# Tests

### TEST-001 | Login works
**Covers**: API-001

### TEST-002 | Checkout works

### TEST-003 | Refund works

MON-001: Error rate
EPIC-01: Checkout v2
";

const API: &str = "# API

### API-001 | Create order
**Covers**: TEST-003
";

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

/// The text under an LSP range of `text` (positions in `enc`: "utf-16" or "utf-8").
fn slice(text: &str, range: &Value, enc: &str) -> String {
    let off = |p: &Value| -> usize {
        let line = p["line"].as_u64().expect("line") as usize;
        let ch = p["character"].as_u64().expect("character") as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let rest = &text[start..];
        if enc == "utf-8" {
            return start + ch;
        }
        let mut units = 0;
        for (i, c) in rest.char_indices() {
            if units >= ch {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    text[off(&range["start"])..off(&range["end"])].to_string()
}

/// The position of the `n`th occurrence of `needle` (its second character, inside the token).
fn pos_in(text: &str, needle: &str, n: usize, enc: &str) -> Value {
    let at = text.match_indices(needle).nth(n).expect("occurrence").0 + 1;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count();
    let ch = if enc == "utf-8" {
        at - line_start
    } else {
        text[line_start..at].encode_utf16().count()
    };
    json!({"line": line, "character": ch})
}

struct Ws {
    c: LspClient,
    enc: &'static str,
    plan_uri: String,
    tests_uri: String,
    api_uri: String,
}

fn start(name: &str, enc: &'static str) -> Ws {
    let root = temp_dir(name);
    write(&root, "dep-ls.toml", "");
    write(&root, "release/plan.md", PLAN);
    write(&root, "SoT/tests.md", TESTS);
    write(&root, "SoT/api.md", API);
    let mut c = LspClient::start();
    let init = c.initialize(
        &root,
        json!({
            "general": {"positionEncodings": [enc]},
            "experimental": {"commands": {"commands": ["editor.action.showReferences"]}},
        }),
        json!({}),
    );
    let caps = &init["capabilities"];
    assert_eq!(caps["positionEncoding"], enc);
    assert_eq!(caps["callHierarchyProvider"], true, "{caps}");
    assert!(caps["documentLinkProvider"].is_object(), "{caps}");
    let plan_uri = file_uri(&root.join("release/plan.md"));
    c.open(&plan_uri, PLAN);
    // Indexed once a link into an unopened file resolves.
    let mut ok = false;
    for _ in 0..400 {
        let r = c.request(
            "textDocument/definition",
            json!({"textDocument": {"uri": plan_uri}, "position": pos_in(PLAN, "EPIC-01", 0, enc)}),
        );
        if r.as_array().is_some_and(|a| !a.is_empty()) {
            ok = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    assert!(ok, "the workspace was never indexed");
    Ws {
        c,
        enc,
        plan_uri,
        tests_uri: file_uri(&root.join("SoT/tests.md")),
        api_uri: file_uri(&root.join("SoT/api.md")),
    }
}

impl Ws {
    fn prepare(&mut self, uri: &str, pos: Value) -> Value {
        self.c.request(
            "textDocument/prepareCallHierarchy",
            json!({"textDocument": {"uri": uri}, "position": pos}),
        )
    }

    fn text_of(&self, uri: &str) -> &'static str {
        if uri == self.plan_uri {
            PLAN
        } else if uri == self.tests_uri {
            TESTS
        } else if uri == self.api_uri {
            API
        } else {
            panic!("unknown uri {uri}")
        }
    }

    /// (name, text under the selection range, [text under each from-range]) of calls; `end`
    /// is "from" or "to", and the from-ranges are in `ranges_in` (the caller's file) or,
    /// when `None`, in the file of the call's item.
    fn calls(
        &self,
        v: &Value,
        end: &str,
        ranges_in: Option<&str>,
    ) -> Vec<(String, String, Vec<String>)> {
        v.as_array()
            .expect("calls")
            .iter()
            .map(|c| {
                let item = &c[end];
                let uri = item["uri"].as_str().expect("uri");
                let text = self.text_of(uri);
                let sel = slice(text, &item["selectionRange"], self.enc);
                let from_text = self.text_of(ranges_in.unwrap_or(uri));
                let ranges = c["fromRanges"]
                    .as_array()
                    .expect("fromRanges")
                    .iter()
                    .map(|r| slice(from_text, r, self.enc))
                    .collect();
                (
                    item["name"].as_str().expect("name").to_string(),
                    sel,
                    ranges,
                )
            })
            .collect()
    }
}

fn s(x: &str) -> String {
    x.to_string()
}

#[test]
fn call_hierarchy_over_the_trace_graph_in_utf16_and_utf8() {
    for enc in ["utf-16", "utf-8"] {
        let mut w = start(&format!("trace-hier-{enc}"), enc);
        // Prepare on a reference to TEST-003: the node of its definition, in an unopened file.
        let items = w.prepare(&w.plan_uri.clone(), pos_in(PLAN, "TEST-003", 0, enc));
        let item = items[0].clone();
        assert_eq!(item["name"], "TEST-003", "{items}");
        assert_eq!(item["detail"], "Refund works");
        assert_eq!(item["kind"], 6, "TEST- is a method");
        assert_eq!(item["uri"], json!(w.tests_uri));
        assert_eq!(item["data"]["id"], "TEST-003");
        assert_eq!(slice(TESTS, &item["selectionRange"], enc), "TEST-003");
        assert!(slice(TESTS, &item["range"], enc).starts_with("### TEST-003 | Refund works"));

        // Incoming: an API entry in a file that is not open (path order: `SoT/` first), the
        // plan entry whose range covers it, and the one that names it.
        let inc =
            w.c.request("callHierarchy/incomingCalls", json!({"item": item}));
        assert_eq!(
            w.calls(&inc, "from", None),
            [
                (s("API-001"), s("API-001"), vec![s("TEST-003")]),
                (s("DEP-001"), s("DEP-001"), vec![s("TEST-001 to TEST-004")]),
                (s("DEP-002"), s("DEP-002"), vec![s("TEST-003")]),
            ]
        );
        let from = &inc[0]["from"];
        assert_eq!(from["uri"], json!(w.api_uri));
        assert_eq!(from["detail"], "Create order");
        assert_eq!(from["data"]["id"], "API-001");

        // Outgoing of DEP-001 (prepared on its definition): every linked ID, range members
        // included, with the ranges in the plan, after non-ASCII text on the line.
        let dep = w.prepare(&w.plan_uri.clone(), pos_in(PLAN, "DEP-001", 0, enc))[0].clone();
        assert_eq!(dep["name"], "DEP-001");
        assert_eq!(dep["detail"], "Staging ready");
        let out =
            w.c.request("callHierarchy/outgoingCalls", json!({"item": dep}));
        let plan_uri = w.plan_uri.clone();
        let got = w.calls(&out, "to", Some(&plan_uri));
        assert_eq!(
            got,
            [
                (s("EPIC-01"), s("EPIC-01"), vec![s("EPIC-01")]),
                (s("TEST-001"), s("TEST-001"), vec![s("TEST-001")]),
                (
                    s("TEST-002"),
                    s("TEST-002"),
                    vec![s("TEST-001 to TEST-004")]
                ),
                (
                    s("TEST-003"),
                    s("TEST-003"),
                    vec![s("TEST-001 to TEST-004")]
                ),
                // Defined nowhere: a node at the link itself.
                (s("TEST-004"), s("TEST-004"), vec![s("TEST-004")]),
                (s("API-001"), s("API-001"), vec![s("API-001")]),
                (s("MON-001"), s("MON-001"), vec![s("MON-001")]),
                (s("MON-404"), s("MON-404"), vec![s("MON-404")]),
            ]
        );
        let calls = out.as_array().expect("calls");
        assert_eq!(calls[2]["to"]["uri"], json!(w.tests_uri));
        assert_eq!(calls[4]["to"]["uri"], json!(plan_uri));
        assert_eq!(
            calls[4]["to"]["detail"],
            "TEST-004 is not defined in the workspace"
        );
        assert_eq!(calls[5]["to"]["uri"], json!(w.api_uri));
        // The range of MON-001 after `é🚀` differs by encoding: 22 UTF-16 units, 25 bytes.
        let mon = &calls[6]["fromRanges"][0]["start"]["character"];
        assert_eq!(mon, &json!(if enc == "utf-8" { 25 } else { 22 }));

        // A node's outgoing calls can be asked again from a target (an unopened file).
        let api = calls[5]["to"].clone();
        let out =
            w.c.request("callHierarchy/outgoingCalls", json!({"item": api}));
        let api_uri = w.api_uri.clone();
        assert_eq!(
            w.calls(&out, "to", Some(&api_uri)),
            [(s("TEST-003"), s("TEST-003"), vec![s("TEST-003")])]
        );
        // An undefined ID's node: who links it; it links nothing.
        let missing = calls[4]["to"].clone();
        let inc = w.c.request(
            "callHierarchy/incomingCalls",
            json!({"item": missing.clone()}),
        );
        assert_eq!(
            w.calls(&inc, "from", None),
            [(s("DEP-001"), s("DEP-001"), vec![s("TEST-004")])]
        );
        let out =
            w.c.request("callHierarchy/outgoingCalls", json!({"item": missing}));
        assert_eq!(out, json!([]));
        assert_eq!(w.c.shutdown(), 0);
    }
}

#[test]
fn document_links_and_trace_lenses() {
    let mut w = start("trace-links", "utf-16");
    let plan_uri = w.plan_uri.clone();
    let links = w.c.request(
        "textDocument/documentLink",
        json!({"textDocument": {"uri": plan_uri}}),
    );
    let got: Vec<(String, String, String)> = links
        .as_array()
        .expect("links")
        .iter()
        .map(|l| {
            (
                slice(PLAN, &l["range"], "utf-16"),
                l["target"].as_str().expect("target").to_string(),
                l["tooltip"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let tests = |line: usize| format!("{}#L{line}", w.tests_uri);
    assert_eq!(
        got,
        [
            (
                s("EPIC-01"),
                tests(11),
                s("EPIC-01 — Checkout v2 (SoT/tests.md)")
            ),
            (
                s("TEST-001"),
                tests(3),
                s("TEST-001 — Login works (SoT/tests.md)")
            ),
            // TEST-004 is defined nowhere: no link.
            (
                s("[API-001](../SoT/api.md#api-001)"),
                format!("{}#L3", w.api_uri),
                s("API-001 — Create order (SoT/api.md)")
            ),
            (
                s("MON-001"),
                tests(10),
                s("MON-001 — Error rate (SoT/tests.md)")
            ),
            (
                s("TEST-003"),
                tests(8),
                s("TEST-003 — Refund works (SoT/tests.md)")
            ),
            (
                s("EPIC-01"),
                tests(11),
                s("EPIC-01 — Checkout v2 (SoT/tests.md)")
            ),
        ]
    );
    // A file that is not open has its links too.
    let api_uri = w.api_uri.clone();
    let links = w.c.request(
        "textDocument/documentLink",
        json!({"textDocument": {"uri": api_uri}}),
    );
    assert_eq!(links[0]["target"], json!(tests(8)), "{links}");
    assert_eq!(slice(API, &links[0]["range"], "utf-16"), "TEST-003");

    // Lenses: coverage on each link list, "linked by" on what plans link, beside the
    // references lens; each carries the locations it is about.
    let lens_titles = |c: &mut LspClient, uri: &str, text: &str| -> Vec<(String, String, usize)> {
        let lenses = c.request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        );
        let lenses: Vec<Value> = lenses
            .as_array()
            .expect("lenses")
            .iter()
            .map(|l| {
                // Trace lenses come unresolved (a range and data), the others whole.
                if l["command"].is_null() {
                    assert_eq!(l["data"]["trace"], json!(uri), "{l}");
                    let r = c.request("codeLens/resolve", l.clone());
                    assert_eq!(r["range"], l["range"]);
                    return r;
                }
                l.clone()
            })
            .collect();
        lenses
            .iter()
            .map(|l| {
                let line = l["range"]["start"]["line"].as_u64().expect("line") as usize;
                (
                    text.lines().nth(line).unwrap_or("").to_string(),
                    l["command"]["title"].as_str().unwrap_or("").to_string(),
                    l["command"]["arguments"][2].as_array().map_or(0, Vec::len),
                )
            })
            .collect()
    };
    let plan = lens_titles(&mut w.c, &plan_uri, PLAN);
    let linked = "Linked IDs: EPIC-01, TEST-001 to TEST-004, [API-001](../SoT/api.md#api-001)";
    assert!(
        plan.contains(&(
            s(linked),
            s("covers 1 EPIC-, 4 TEST-, 1 API- · 1 missing: TEST-004"),
            5
        )),
        "{plan:?}"
    );
    assert!(
        plan.contains(&(
            s("Linked IDs: TEST-003, EPIC-01"),
            s("covers 1 TEST-, 1 EPIC-"),
            2
        )),
        "{plan:?}"
    );
    assert!(plan.contains(&(s("DEP-001: Staging ready"), s("0 references"), 0)));
    let tests_uri = w.tests_uri.clone();
    let sot = lens_titles(&mut w.c, &tests_uri, TESTS);
    assert!(
        sot.contains(&(
            s("EPIC-01: Checkout v2"),
            s("linked by DEP-001, DEP-002"),
            2
        )),
        "{sot:?}"
    );
    assert!(sot.contains(&(s("EPIC-01: Checkout v2"), s("2 references"), 2)));
    assert!(
        sot.contains(&(
            s("### TEST-003 | Refund works"),
            s("linked by DEP-001, DEP-002"),
            2
        )),
        "{sot:?}"
    );
    // A lens that no longer stands where its data says, or data of no trace lens, comes back
    // as it was sent.
    let lens = |data: Value| json!({"range": {"start": {"line": 5, "character": 0}, "end": {"line": 5, "character": 3}}, "data": data});
    for data in [
        json!({"trace": plan_uri, "at": 0}),
        json!({"trace": plan_uri, "at": 99999999}),
        json!({"trace": "file:///nowhere/x.md", "at": 3}),
        json!({"trace": 7, "at": "x"}),
        json!("junk"),
        Value::Null,
    ] {
        let r = w.c.request("codeLens/resolve", lens(data.clone()));
        assert!(r["command"].is_null(), "{data}: {r}");
        assert_eq!(r["range"], lens(Value::Null)["range"]);
    }
    // No two lenses on one line say the same.
    let mut seen = std::collections::HashSet::new();
    for (line, title, _) in plan.iter().chain(&sot) {
        assert!(seen.insert((line, title)), "twice on {line:?}: {title}");
    }
    assert_eq!(w.c.shutdown(), 0);
}

/// Bad positions, unknown item data and items of no folder get an empty answer, never an
/// error, and the session goes on.
#[test]
fn bad_call_hierarchy_input_gets_an_empty_answer() {
    let mut w = start("trace-bad", "utf-16");
    let plan_uri = w.plan_uri.clone();
    for pos in [
        json!({"line": 9999, "character": 0}),
        json!({"line": 0, "character": 9999}),
        json!({"line": 4, "character": 2}),
    ] {
        let r = w.prepare(&plan_uri, pos.clone());
        assert!(r.is_null() || r == json!([]), "{pos}: {r}");
    }
    let r = w.prepare(
        "file:///nowhere/at/all.md",
        json!({"line": 0, "character": 0}),
    );
    assert!(r.is_null() || r == json!([]), "{r}");
    let item = |uri: &str, data: Value| {
        let mut it = json!({
            "name": "X", "kind": 12, "uri": uri,
            "range": {"start": {"line": 500, "character": 3}, "end": {"line": 500, "character": 9}},
            "selectionRange": {"start": {"line": 500, "character": 3}, "end": {"line": 500, "character": 9}},
        });
        if !data.is_null() {
            it["data"] = data;
        }
        it
    };
    for (uri, data) in [
        (plan_uri.as_str(), json!({"id": "NOPE-404"})),
        (plan_uri.as_str(), json!({"id": 42})),
        (plan_uri.as_str(), json!("just a string")),
        (plan_uri.as_str(), Value::Null),
        ("file:///nowhere/at/all.md", json!({"id": "TEST-003"})),
        ("untitled:Untitled-9", json!({"id": "NOPE-1"})),
    ] {
        for method in ["callHierarchy/incomingCalls", "callHierarchy/outgoingCalls"] {
            let r =
                w.c.request(method, json!({"item": item(uri, data.clone())}));
            assert_eq!(r, json!([]), "{method} {uri} {data}: {r}");
        }
    }
    // Without data, the ID under the selection range (or the name) still works.
    let mut it = w.prepare(&plan_uri, pos_in(PLAN, "DEP-002", 0, "utf-16"))[0].clone();
    it.as_object_mut().expect("item").remove("data");
    let out =
        w.c.request("callHierarchy/outgoingCalls", json!({"item": it}));
    assert_eq!(out.as_array().map(Vec::len), Some(2), "{out}");
    let links = w.c.request(
        "textDocument/documentLink",
        json!({"textDocument": {"uri": "file:///nowhere/at/all.md"}}),
    );
    assert!(links.is_null() || links == json!([]), "{links}");
    assert_eq!(w.c.shutdown(), 0);
}

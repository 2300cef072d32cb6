//! Differential property tests:
//! - the index after random file create / change / delete events (and open-buffer edits through
//!   the server's `World`) equals an index built from scratch over the final files: the same
//!   definitions, references, paths and the same findings of every check;
//! - `dep-ls check` findings == the language server's diagnostics for the same workspace;
//! - regression tests for what the fuzz targets found.

use crate::support;

use dep_ls::check::{check_all, Finding};
use dep_ls::config::Config;
use dep_ls::document::Change;
use dep_ls::index::Index;
use dep_ls::syntax::parse_fast;
use dep_ls::text::{Position, PositionEncoding, Range};
use dep_ls::workspace::{DocKey, World};
use proptest::prelude::*;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use support::lsp::*;

const PIECES: &[&str] = &[
    "## DEP-001: Deploy\nType: Step\nOwner: SRE\n",
    "## DEP-002: Roll back\nType: Rollback\nThreshold: high\nLinked IDs: MON-001, RUN-001\n",
    "## DEP-003: Verify\nType: Validation\nStage: Pre-deploy\nLinked IDs: TEST-001 to TEST-004\n",
    "## DEP-004: Criteria\nType: Criteria\nLinked IDs: EPIC-01\n",
    "## DEP-005: Env\nType: Environment\nName: staging\nConfiguration:\n  - RATE_LIMIT=5\n",
    "TEST-001: login\n",
    "TEST-002: logout\n",
    "TEST-004: pay\n",
    "MON-001: error rate\n",
    "# EPIC-01: Foundations\n",
    "Linked IDs: API-009, [RUN-001](runbooks.md#run-001)\n",
    "Prose DEP-001 and API-001.\n",
    "| ID | Title |\n|---|---|\n| API-001 | Create |\n",
    "```\nDEP-006: fenced\n```\n",
    "\n",
    "Escalaton: page\n",
];

const FILES: &[&str] = &["a.md", "b.md", "sub/c.md", "runbooks.md", "notes.txt"];

fn text_strategy() -> impl Strategy<Value = String> + Clone {
    prop::collection::vec(prop::sample::select(PIECES), 0..6).prop_map(|v| v.concat())
}

#[derive(Clone, Debug)]
enum Event {
    /// A file created or changed on disk (then reported by the watcher).
    Write(usize, String),
    /// A file deleted on disk.
    Delete(usize),
    /// A file opened in the editor with this buffer.
    Open(usize, String),
    /// An open buffer edited: (line, character, end line, end character, text).
    Edit(usize, u32, u32, u32, u32, String),
    /// An open buffer closed.
    Close(usize),
}

/// A document from the grammar-aware generator (`dep_ls::gen`): DEP- entries in every
/// spelling among HTML blocks, fences, tables, quotes, whitespace-only lines, CRLF/CR, a BOM.
fn generated_text_strategy() -> impl Strategy<Value = String> + Clone {
    prop::collection::vec(any::<u8>(), 0..192).prop_map(|b| dep_ls::gen::document(&b))
}

fn event_strategy() -> impl Strategy<Value = Event> {
    event_strategy_with(text_strategy())
}

fn event_strategy_with(
    texts: impl Strategy<Value = String> + Clone + 'static,
) -> impl Strategy<Value = Event> {
    let f = 0..FILES.len();
    prop_oneof![
        3 => (f.clone(), texts.clone()).prop_map(|(i, t)| Event::Write(i, t)),
        1 => f.clone().prop_map(Event::Delete),
        2 => (f.clone(), texts).prop_map(|(i, t)| Event::Open(i, t)),
        3 => (f.clone(), 0u32..12, 0u32..30, 0u32..3, 0u32..30, prop::sample::select(PIECES))
            .prop_map(|(i, l, c, dl, ec, t)| Event::Edit(i, l, c, l + dl, ec, t.to_string())),
        1 => f.prop_map(Event::Close),
    ]
}

/// Everything observable about an index: per ID its definitions and references as (path,
/// span), the known paths, and every finding.
type Snapshot = (
    BTreeMap<String, Vec<(String, usize, usize)>>,
    BTreeMap<String, Vec<(String, usize, usize)>>,
    Vec<Finding>,
);

fn snapshot(index: &Index, config: &Config) -> Snapshot {
    let mut defs = BTreeMap::new();
    let mut refs = BTreeMap::new();
    let ids: BTreeSet<String> = index.ids().map(str::to_string).collect();
    for id in &ids {
        let mut d: Vec<(String, usize, usize)> = index
            .definitions(id)
            .iter()
            .filter_map(|&l| index.entry(l))
            .map(|(p, e)| (p.to_string(), e.id_span.start, e.id_span.end))
            .collect();
        d.sort();
        defs.insert(id.clone(), d);
        let mut r: Vec<(String, usize, usize)> = index
            .references(id)
            .iter()
            .filter_map(|&l| index.reference(l))
            .map(|(p, x)| (p.to_string(), x.span.start, x.span.end))
            .collect();
        r.sort();
        if !r.is_empty() {
            refs.insert(id.clone(), r);
        }
    }
    // References to IDs nobody defines are not listed by `ids()`: collect them per file.
    for (_, f) in index.files_sorted() {
        for x in &f.doc.refs {
            if !ids.contains(x.id.as_str()) {
                refs.entry(x.id.to_string()).or_insert_with(Vec::new).push((
                    f.path.clone(),
                    x.span.start,
                    x.span.end,
                ));
            }
        }
    }
    for v in refs.values_mut() {
        v.sort();
        v.dedup();
    }
    let mut findings = check_all(index, config);
    for f in &mut findings {
        // Known issue (reported): the order of duplicate-id's other locations follows the
        // index's insertion order. Compared order-free here.
        f.message = order_free_message(&f.message);
        f.related
            .sort_by(|a, b| (a.path.as_str(), a.span.start).cmp(&(b.path.as_str(), b.span.start)));
    }
    (defs, refs, findings)
}

fn apply_events(root: &std::path::Path, events: &[Event]) -> Result<(), TestCaseError> {
    let _ = std::fs::remove_dir_all(root);
    std::fs::create_dir_all(root.join("sub")).expect("mkdir");
    let mut w = World::default();
    w.add_folder(root.to_path_buf());
    // Open buffers as the client sees them.
    let mut open: BTreeMap<usize, (String, i32)> = BTreeMap::new();
    for e in events {
        match e {
            Event::Write(i, t) => {
                std::fs::write(root.join(FILES[*i]), t).expect("write");
                let f = w.folder_mut(root).expect("folder");
                f.reload(FILES[*i]);
            }
            Event::Delete(i) => {
                let _ = std::fs::remove_file(root.join(FILES[*i]));
                let f = w.folder_mut(root).expect("folder");
                f.reload(FILES[*i]);
            }
            Event::Open(i, t) => {
                if FILES[*i].ends_with(".md") && !open.contains_key(i) {
                    let key = DocKey {
                        folder: root.to_path_buf(),
                        rel: FILES[*i].to_string(),
                    };
                    w.open(&key, t.clone(), 1);
                    open.insert(*i, (t.clone(), 1));
                }
            }
            Event::Edit(i, l, c, el, ec, t) => {
                if let Some((text, v)) = open.get_mut(i) {
                    let key = DocKey {
                        folder: root.to_path_buf(),
                        rel: FILES[*i].to_string(),
                    };
                    *v += 1;
                    let range = Range {
                        start: Position {
                            line: *l,
                            character: *c,
                        },
                        end: Position {
                            line: *el,
                            character: *ec,
                        },
                    };
                    let changes = [Change {
                        range: Some(range),
                        text: t.clone(),
                    }];
                    prop_assert!(w.change(&key, *v, &changes, PositionEncoding::Utf16));
                    let f = w.folder(root).expect("folder");
                    *text = f.open[FILES[*i]].text().to_string();
                }
            }
            Event::Close(i) => {
                if open.remove(i).is_some() {
                    let key = DocKey {
                        folder: root.to_path_buf(),
                        rel: FILES[*i].to_string(),
                    };
                    w.close(&key);
                }
            }
        }
    }
    // From scratch: the disk files, with the open buffers winning.
    let f = w.folder(root).expect("folder");
    let config = f.config.clone();
    let mut fresh = Index::new();
    for (k, name) in FILES.iter().enumerate() {
        let p = root.join(name);
        let text = match open.get(&k) {
            Some((t, _)) => Some(t.clone()),
            None if p.is_file() => std::fs::read_to_string(&p).ok(),
            None => None,
        };
        if let Some(text) = text {
            if name.ends_with(".md") {
                fresh.update(name, Arc::new(parse_fast(&text, &config.prefixes)));
            } else {
                fresh.add_path(name);
            }
        }
    }
    prop_assert_eq!(snapshot(&f.index, &config), snapshot(&fresh, &config));
    for name in FILES {
        let on_disk = root.join(name).is_file();
        let open_doc = open.keys().any(|k| FILES[*k] == *name);
        prop_assert_eq!(f.index.has_path(name), on_disk || open_doc, "path {}", name);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn index_after_events_equals_index_from_scratch(events in prop::collection::vec(event_strategy(), 1..24)) {
        let root = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("rel-index-prop-{}", std::process::id()));
        apply_events(&root, &events)?;
    }

    /// The same with grammar-generated file contents.
    #[test]
    fn index_after_events_equals_index_from_scratch_on_generated_documents(
        events in prop::collection::vec(event_strategy_with(generated_text_strategy()), 1..16),
    ) {
        let root = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("rel-index-prop-gen-{}", std::process::id()));
        apply_events(&root, &events)?;
    }
}

/// `dep-ls check` (fast path over the files on disk) == the server's pulled diagnostics for
/// the same files opened in the editor (tree-sitter path, incremental documents).
fn cli_equals_lsp(files: &[(usize, String)], case: usize) -> Result<(), TestCaseError> {
    let root = temp_dir(&format!("rel-cli-lsp-{case}"));
    std::fs::create_dir_all(root.join("sub")).expect("mkdir");
    let mut written = BTreeMap::new();
    for (i, t) in files {
        written.insert(FILES[*i], t.clone());
    }
    for (name, t) in &written {
        std::fs::write(root.join(name), t).expect("write");
    }
    let (code, cli) = cli_check_json(&root);
    prop_assert!(code == 0 || code == 1, "exit {}", code);
    let want: BTreeSet<FindingKey> = cli.iter().map(cli_key).collect();
    let mut c = LspClient::start();
    c.initialize(
        &root,
        json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}}),
        json!({}),
    );
    let mut got = BTreeSet::new();
    for (name, t) in &written {
        if name.ends_with(".md") {
            c.open(&file_uri(&root.join(name)), t);
        }
    }
    for name in written.keys().filter(|n| n.ends_with(".md")) {
        let r = c.request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": file_uri(&root.join(name))}}),
        );
        for d in r["items"].as_array().expect("items") {
            got.insert(lsp_key(name, d));
        }
    }
    prop_assert_eq!(c.shutdown(), 0);
    prop_assert_eq!(
        got.difference(&want).collect::<Vec<_>>(),
        Vec::<&FindingKey>::new(),
        "LSP-only"
    );
    prop_assert_eq!(
        want.difference(&got).collect::<Vec<_>>(),
        Vec::<&FindingKey>::new(),
        "CLI-only"
    );
    let _ = std::fs::remove_dir_all(&root);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn cli_check_equals_lsp_diagnostics(files in prop::collection::vec((0..FILES.len(), text_strategy()), 1..5)) {
        static CASE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let case = CASE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        cli_equals_lsp(&files, case)?;
    }

    /// The same on grammar-generated documents (HTML blocks, fences, tables, quotes, BOM,
    /// CRLF/CR: where the fast path and the tree-sitter path could part).
    #[test]
    fn cli_check_equals_lsp_diagnostics_on_generated_documents(
        files in prop::collection::vec((0..FILES.len(), generated_text_strategy()), 1..4),
    ) {
        static CASE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let case = CASE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        cli_equals_lsp(&files, 1000 + case)?;
    }
}

/// The example workspace: `dep-ls check` == the server's diagnostics, file by file.
#[test]
fn cli_check_equals_lsp_diagnostics_on_the_example() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-checkout");
    let root = temp_dir("rel-cli-lsp-example");
    copy_dir(&src, &root);
    let (_, cli) = cli_check_json(&root);
    let want: BTreeSet<FindingKey> = cli.iter().map(cli_key).collect();
    let mut c = LspClient::start();
    c.initialize(
        &root,
        json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}}),
        json!({}),
    );
    let w = c.request("workspace/diagnostic", json!({"previousResultIds": []}));
    let prefix = file_uri(&root) + "/";
    let mut got = BTreeSet::new();
    for f in w["items"].as_array().expect("items") {
        let rel = f["uri"]
            .as_str()
            .expect("uri")
            .trim_start_matches(&prefix)
            .to_string();
        for d in f["items"].as_array().expect("items") {
            got.insert(lsp_key(&rel, d));
        }
    }
    assert_eq!(c.shutdown(), 0);
    assert!(!want.is_empty());
    assert_eq!(
        got.difference(&want).collect::<Vec<_>>(),
        Vec::<&FindingKey>::new(),
        "LSP-only"
    );
    assert_eq!(
        want.difference(&got).collect::<Vec<_>>(),
        Vec::<&FindingKey>::new(),
        "CLI-only"
    );
}

/// Found by `index_after_events_equals_index_from_scratch_on_generated_documents`: with an ID
/// defined in two files, broken-link's "defined in …" (and its fix) followed the order in
/// which the index saw the definitions, so `check` (path order) and the server (open documents
/// first) could word it differently.
#[test]
fn broken_link_names_the_same_definition_whatever_the_index_order() {
    let config = Config::default();
    let a = "DEP-001: x\n";
    let b = "Prose [DEP-001](x.md)\n\nDEP-001: y\n";
    let findings = |order: &[(&str, &str)]| {
        let mut index = Index::new();
        for (path, text) in order {
            index.update(path, Arc::new(parse_fast(text, &config.prefixes)));
        }
        check_all(&index, &config)
    };
    let ab = findings(&[("a.md", a), ("b.md", b)]);
    let ba = findings(&[("b.md", b), ("a.md", a)]);
    assert!(ab.iter().any(|f| f.code == dep_ls::check::Code::BrokenLink));
    assert_eq!(ab, ba);
}

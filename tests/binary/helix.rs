//! Helix: `editors/helix/languages.toml` is valid, and the real binary behaves with the
//! `initialize` Helix 25.07 sends — UTF-8 positions (checked on CRLF lines holding an astral
//! emoji and CJK text before the IDs), `rootUri: null` with only `rootPath`, a repository root
//! far above the PRD, the home directory as `rootPath`, and a file outside every folder.
//!
//! Expected positions are computed here from byte offsets (`str::find`), never through the
//! server's own position code. The workspaces live in the system temp dir, outside any
//! repository, so that no `.git` above them can stand in for the workspace under test.

use crate::support;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use support::lsp::*;

// ---------------------------------------------------------------------------------------------
// languages.toml

fn languages_toml() -> toml::Table {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/helix/languages.toml");
    let text = std::fs::read_to_string(&path).expect("read editors/helix/languages.toml");
    text.parse::<toml::Table>()
        .unwrap_or_else(|e| panic!("{} is not valid TOML: {e}", path.display()))
}

#[test]
fn languages_toml_declares_dep_ls_next_to_marksman() {
    let t = languages_toml();
    let server = t["language-server"]["dep-ls"]
        .as_table()
        .expect("[language-server.dep-ls]");
    assert_eq!(server["command"].as_str(), Some("dep-ls"));
    // `config` is passed through: as initializationOptions, and as the answer to the
    // server's workspace/configuration request for the section "dep-ls".
    let config = server["config"].as_table().expect("config table");
    let settings = config["dep-ls"].as_table().expect("config.dep-ls table");
    let known = [
        "prefixes",
        "severity",
        "owner",
        "plan",
        "inlayHints",
        "diagnostics",
        "logLevel",
    ];
    for k in settings.keys() {
        assert!(known.contains(&k.as_str()), "unknown dep-ls setting {k}");
    }

    let langs = t["language"].as_array().expect("[[language]]");
    let md: Vec<&toml::Table> = langs
        .iter()
        .filter_map(|l| l.as_table())
        .filter(|l| l.get("name").and_then(|n| n.as_str()) == Some("markdown"))
        .collect();
    assert_eq!(md.len(), 1, "exactly one [[language]] markdown");
    let servers: Vec<&str> = md[0]["language-servers"]
        .as_array()
        .expect("language-servers")
        .iter()
        .map(|s| match s {
            toml::Value::String(s) => s.as_str(),
            toml::Value::Table(t) => t["name"].as_str().expect("name"),
            other => panic!("unexpected language-servers entry {other}"),
        })
        .collect();
    assert_eq!(servers, ["marksman", "dep-ls"]);
    let roots: Vec<&str> = md[0]["roots"]
        .as_array()
        .expect("roots")
        .iter()
        .filter_map(|r| r.as_str())
        .collect();
    assert!(roots.contains(&"dep-ls.toml"), "{roots:?}");
    assert!(
        roots.contains(&".marksman.toml"),
        "keep marksman's root: {roots:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// The Helix client

/// What Helix 25.07 advertises (helix-lsp `Client::initialize`), as far as dep-ls looks at it.
fn helix_capabilities() -> Value {
    json!({
        "general": {"positionEncodings": ["utf-8", "utf-32", "utf-16"]},
        "window": {"workDoneProgress": true},
        "workspace": {
            "configuration": true,
            "didChangeConfiguration": {"dynamicRegistration": false},
            "workspaceFolders": true,
            "applyEdit": true,
            "didChangeWatchedFiles": {"dynamicRegistration": true, "relativePatternSupport": false},
            "inlayHint": {"refreshSupport": false},
            "workspaceEdit": {
                "documentChanges": true,
                "resourceOperations": ["create", "rename", "delete"],
                "failureHandling": "abort",
                "normalizesLineEndings": false
            }
        },
        "textDocument": {
            "completion": {"completionItem": {"snippetSupport": true, "insertReplaceSupport": true}},
            "rename": {"dynamicRegistration": false, "prepareSupport": true},
            "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["", "quickfix", "refactor"]}}},
            "publishDiagnostics": {"versionSupport": true, "tagSupport": {"valueSet": [1, 2]}}
        }
    })
}

/// `initialize` + `initialized` as Helix sends them: `root_uri`/`workspaceFolders` from the
/// workspace it found (none outside a repository), `rootPath` always (its working directory
/// when nothing else). Returns the initialize result.
fn helix_initialize(c: &mut LspClient, root_uri: Option<&Path>, root_path: &Path) -> Value {
    let folders: Vec<Value> = root_uri
        .map(|r| {
            vec![json!({"uri": file_uri(r), "name": r.file_name().and_then(|n| n.to_str()).unwrap_or("ws")})]
        })
        .unwrap_or_default();
    let r = c.request(
        "initialize",
        json!({
            "processId": std::process::id(),
            "clientInfo": {"name": "helix", "version": "25.07"},
            "rootUri": root_uri.map(file_uri),
            "rootPath": root_path.display().to_string(),
            "workspaceFolders": folders,
            "initializationOptions": {"dep-ls": {"logLevel": "info"}},
            "capabilities": helix_capabilities(),
        }),
    );
    c.notify("initialized", json!({}));
    r
}

// ---------------------------------------------------------------------------------------------
// Files and positions, computed independently of the server

/// A fresh directory under the system temp dir (removed when dropped).
struct TempTree(PathBuf);

impl TempTree {
    fn new(name: &str) -> TempTree {
        let p = std::env::temp_dir().join(format!("dep-ls-helix-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("mkdir");
        // Canonical, so that URIs sent and received agree (e.g. /tmp behind a symlink).
        TempTree(p.canonicalize().expect("canonicalize"))
    }

    /// Writes `lines` joined with CRLF (and a final CRLF) to `rel`; returns (path, text).
    fn write_crlf(&self, rel: &str, lines: &[&str]) -> (PathBuf, String) {
        let text = lines.iter().map(|l| format!("{l}\r\n")).collect::<String>();
        self.write(rel, &text);
        (self.0.join(rel), text)
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
    }

    fn mkdir(&self, rel: &str) -> PathBuf {
        let p = self.0.join(rel);
        std::fs::create_dir_all(&p).expect("mkdir");
        p
    }
}

impl Drop for TempTree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The lines of a text without their terminators (`\r\n` or `\n`).
fn lines(text: &str) -> Vec<&str> {
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect()
}

/// (line, UTF-8 byte column) of the first `needle` on line `line` of `text`.
fn at(text: &str, line: usize, needle: &str) -> (u64, u64) {
    let l = lines(text)[line];
    let col = l
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not on line {line}: {l:?}"));
    (line as u64, col as u64)
}

/// The line index of the first line containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    lines(text)
        .iter()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in text"))
}

fn pos(p: (u64, u64)) -> Value {
    json!({"line": p.0, "character": p.1})
}

fn range(start: (u64, u64), len: u64) -> Value {
    json!({"start": pos(start), "end": pos((start.0, start.1 + len))})
}

/// Applies LSP edits whose positions are UTF-8 byte columns; a column past the line's content
/// (before its `\r\n`) or inside a character is an error.
fn apply_utf8_edits(text: &str, edits: &[Value]) -> String {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let offset = |p: &Value| -> usize {
        let line = p["line"].as_u64().expect("line") as usize;
        let col = p["character"].as_u64().expect("character") as usize;
        let content = lines(text)[line];
        assert!(col <= content.len(), "column {col} past line {line}");
        assert!(
            content.is_char_boundary(col),
            "column {col} inside a character on line {line}"
        );
        starts[line] + col
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().expect("newText").to_string(),
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

/// The text edits of a WorkspaceEdit for one URI (`documentChanges` or `changes`).
fn edits_for(edit: &Value, uri: &str) -> Vec<Value> {
    let mut out = Vec::new();
    if let Some(dc) = edit["documentChanges"].as_array() {
        for d in dc.iter().filter(|d| d["textDocument"]["uri"] == uri) {
            out.extend(d["edits"].as_array().cloned().unwrap_or_default());
        }
    }
    if let Some(ch) = edit["changes"][uri].as_array() {
        out.extend(ch.iter().cloned());
    }
    out
}

/// The URIs a WorkspaceEdit touches.
fn edited_uris(edit: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for d in edit["documentChanges"].as_array().into_iter().flatten() {
        out.extend(d["textDocument"]["uri"].as_str().map(String::from));
    }
    for k in edit["changes"]
        .as_object()
        .into_iter()
        .flat_map(|m| m.keys())
    {
        out.push(k.clone());
    }
    out.sort();
    out.dedup();
    out
}

fn definition(c: &mut LspClient, uri: &str, p: (u64, u64)) -> Vec<Value> {
    let r = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": pos(p)}),
    );
    match r {
        Value::Array(a) => a,
        Value::Null => Vec::new(),
        one => vec![one],
    }
}

/// Polls definition until it answers (the background indexing reached the target).
fn definition_when_indexed(c: &mut LspClient, uri: &str, p: (u64, u64)) -> Vec<Value> {
    for _ in 0..400 {
        let r = definition(c, uri, p);
        if !r.is_empty() {
            return r;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("no definition at {p:?} in {uri}: the workspace was never indexed");
}

fn codes(diags: &[Value]) -> Vec<&str> {
    diags.iter().filter_map(|d| d["code"].as_str()).collect()
}

fn open(c: &LspClient, path: &Path, text: &str) -> String {
    let uri = file_uri(path);
    c.open(&uri, text);
    uri
}

// ---------------------------------------------------------------------------------------------
// UTF-8 positions, rootPath only

/// A release plan whose lines carry 🚀 (4 bytes, 2 UTF-16 units) and 部署 (3 bytes, 1 unit
/// each) before the IDs, with CRLF line ends.
const PLAN: &[&str] = &[
    "# 🚀 部署 Release plan",
    "",
    "DEP-001: 🚀 部署 Canary rollout",
    "Type: Step",
    "Stage: Deploy",
    "Description: 🚀 部署 canary, see API-001 now and later",
    "Owner: 部署 team 🚀",
    "Linked IDs: API-001 (🚀 部署), API-099",
    "",
];

const CONTRACTS: &[&str] = &[
    "# 🚀 API 契約",
    "",
    "## API-001: 🚀 部署 Checkout API",
    "",
    "The 🚀 部署 checkout API.",
    "",
    "## API-009: 🚀 Legacy API",
    "",
];

#[test]
fn helix_outside_a_repository_utf8_positions_on_crlf_emoji_cjk_lines() {
    // No dep-ls.toml, SoT/ or .git anywhere: only rootPath can make this one workspace.
    let tree = TempTree::new("rootpath");
    let (plan_path, plan) = tree.write_crlf("release/plan.md", PLAN);
    let (api_path, api) = tree.write_crlf("api/contracts.md", CONTRACTS);

    let mut c = LspClient::start();
    let init = helix_initialize(&mut c, None, &tree.0);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");

    let plan_uri = open(&c, &plan_path, &plan);
    let api_uri = file_uri(&api_path);

    // Definition: from a reference after 🚀 and 部署 (a byte column), into the unopened file.
    let desc = line_of(&plan, "Description:");
    let from = at(&plan, desc, "API-001");
    let utf16_col = lines(&plan)[desc][..from.1 as usize].encode_utf16().count() as u64;
    assert!(utf16_col < from.1, "the line must tell UTF-8 from UTF-16");
    // The last byte of the ID: read as UTF-16 it would point 6 columns further, past the ID.
    let defs = definition_when_indexed(&mut c, &plan_uri, (from.0, from.1 + 6));
    assert_eq!(defs.len(), 1, "{defs:?}");
    assert_eq!(defs[0]["uri"], api_uri.as_str());
    let target = at(&api, line_of(&api, "## API-001:"), "API-001");
    assert_eq!(defs[0]["range"], range(target, 7));

    // Diagnostic: the unresolved Linked ID after 🚀 and 部署, in UTF-8 columns.
    let linked = line_of(&plan, "Linked IDs:");
    let bad = at(&plan, linked, "API-099");
    let diags = c.diagnostics(&plan_uri, |d| {
        d.iter().any(|x| {
            x["code"] == "unresolved-link"
                && x["message"].as_str().unwrap_or("").contains("API-099")
        })
    });
    let d = diags
        .iter()
        .find(|x| x["code"] == "unresolved-link")
        .expect("unresolved-link");
    assert_eq!(d["range"], range(bad, 7), "{d}");
    assert_eq!(d["severity"], 1, "an error in a link list");
    assert_eq!(
        codes(&diags)
            .iter()
            .filter(|c| **c == "unresolved-link")
            .count(),
        1,
        "only API-099 is unresolved: {diags:?}"
    );

    // Code action: "did you mean API-009" replaces exactly the 7 bytes of API-099.
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": plan_uri},
            "range": d["range"],
            "context": {"diagnostics": [d], "triggerKind": 1}
        }),
    );
    let actions = actions.as_array().expect("actions");
    let fix = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap_or("").contains("API-009") && a.get("edit").is_some())
        .unwrap_or_else(|| panic!("no quick fix to API-009 among {actions:?}"));
    let edits = edits_for(&fix["edit"], &plan_uri);
    assert_eq!(edits.len(), 1, "{edits:?}");
    assert_eq!(edits[0]["range"], range(bad, 7));
    assert_eq!(edits[0]["newText"], "API-009");
    assert_eq!(
        apply_utf8_edits(&plan, &edits),
        plan.replace("API-099", "API-009")
    );

    // Rename: every occurrence, in the open plan and the unopened contracts file.
    let prep = c.request(
        "textDocument/prepareRename",
        json!({"textDocument": {"uri": plan_uri}, "position": pos(from)}),
    );
    let prep_range = prep.get("range").unwrap_or(&prep);
    assert_eq!(*prep_range, range(from, 7), "{prep}");
    let edit = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": plan_uri}, "position": pos(from), "newName": "API-101"}),
    );
    let mut uris = vec![plan_uri.clone(), api_uri.clone()];
    uris.sort();
    assert_eq!(edited_uris(&edit), uris);
    let plan_edits = edits_for(&edit, &plan_uri);
    let mut starts: Vec<Value> = plan_edits
        .iter()
        .map(|e| e["range"]["start"].clone())
        .collect();
    starts.sort_by_key(|s| (s["line"].as_u64(), s["character"].as_u64()));
    assert_eq!(starts, vec![pos(from), pos(at(&plan, linked, "API-001"))]);
    assert_eq!(
        apply_utf8_edits(&plan, &plan_edits),
        plan.replace("API-001", "API-101")
    );
    assert_eq!(
        apply_utf8_edits(&api, &edits_for(&edit, &api_uri)),
        api.replace("API-001", "API-101")
    );
    assert_eq!(c.shutdown(), 0);
}

// ---------------------------------------------------------------------------------------------
// Where the workspace is

/// A PRD: `dep-ls.toml` (declaring the `OPS` prefix), a plan and an API contracts file.
fn write_prd(tree: &TempTree, dir: &str) -> (PathBuf, String) {
    tree.write(
        &format!("{dir}/dep-ls.toml"),
        "prefixes = [\"OPS\"]\n[severity]\nstage-mismatch = \"off\"\n",
    );
    tree.write_crlf(&format!("{dir}/SoT/SoT.API_CONTRACTS.md"), CONTRACTS);
    tree.write_crlf(
        &format!("{dir}/SoT/SoT.OPS.md"),
        &["# Ops", "", "## OPS-001: 🚀 Pager rotation", ""],
    );
    tree.write_crlf(
        &format!("{dir}/release/plan.md"),
        &[
            "DEP-001: 🚀 部署 Canary rollout",
            "Type: Step",
            "Stage: Deploy",
            "Description: 🚀 部署 canary, see API-001 now",
            "Linked IDs: API-001, OPS-001",
            "",
        ],
    )
}

/// Another team's PRD that reuses the same IDs (a second workspace, never merged with the first).
fn write_other_prd(tree: &TempTree, dir: &str) {
    tree.write(&format!("{dir}/dep-ls.toml"), "");
    tree.write_crlf(
        &format!("{dir}/plan.md"),
        &[
            "DEP-001: Other team's rollout",
            "Type: Step",
            "",
            "## API-001: Other team's API",
            "",
        ],
    );
}

/// The PRD's plan resolves its links inside the PRD only, with the PRD's own dep-ls.toml.
fn assert_prd_workspace(c: &mut LspClient, prd: &Path, plan_path: &Path, plan: &str) {
    let plan_uri = open(c, plan_path, plan);
    let desc = line_of(plan, "Description:");
    let defs = definition_when_indexed(c, &plan_uri, at(plan, desc, "API-001"));
    assert_eq!(
        defs.len(),
        1,
        "one definition of API-001, in this PRD: {defs:?}"
    );
    assert_eq!(
        defs[0]["uri"],
        file_uri(&prd.join("SoT/SoT.API_CONTRACTS.md")).as_str()
    );
    // OPS is a prefix only in the PRD's dep-ls.toml.
    let linked = line_of(plan, "Linked IDs:");
    let ops = definition(c, &plan_uri, at(plan, linked, "OPS-001"));
    assert_eq!(
        ops.len(),
        1,
        "OPS-001 (prefix from the PRD's dep-ls.toml): {ops:?}"
    );
    assert_eq!(
        ops[0]["uri"],
        file_uri(&prd.join("SoT/SoT.OPS.md")).as_str()
    );
    // Diagnostics of the PRD alone: DEP-001 lacks an owner; nothing is duplicated, unknown or
    // unresolved.
    let diags = c.diagnostics(&plan_uri, |d| {
        d.iter().any(|x| x["code"] == "missing-owner")
            && !d.iter().any(|x| x["code"] == "unresolved-link")
    });
    let cs = codes(&diags);
    for bad in ["duplicate-id", "unknown-prefix", "unresolved-link"] {
        assert!(!cs.contains(&bad), "{bad} in {diags:?}");
    }
}

#[test]
fn helix_in_a_repository_whose_root_is_far_above_the_prd() {
    let tree = TempTree::new("gitroot");
    let repo = tree.mkdir("repo");
    tree.mkdir("repo/.git");
    tree.write(
        "repo/README.md",
        "# Monorepo\n\nDEP-001: Not a plan of the PRD\n",
    );
    let (plan_path, plan) = write_prd(&tree, "repo/services/checkout/docs/prd");
    write_other_prd(&tree, "repo/services/payments/docs/prd");
    let prd = repo.join("services/checkout/docs/prd");

    let mut c = LspClient::start();
    let init = helix_initialize(&mut c, Some(&repo), &repo);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    assert_prd_workspace(&mut c, &prd, &plan_path, &plan);

    // The repository's own Markdown still works in the repository folder.
    let readme = std::fs::read_to_string(repo.join("README.md")).expect("readme");
    let readme_uri = open(&c, &repo.join("README.md"), &readme);
    let defs = definition_when_indexed(
        &mut c,
        &readme_uri,
        at(&readme, line_of(&readme, "DEP-001"), "DEP-001"),
    );
    assert_eq!(defs.len(), 1, "the README's DEP-001 only: {defs:?}");
    assert_eq!(defs[0]["uri"], readme_uri.as_str());
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn helix_with_the_home_directory_as_root_path() {
    // Outside a repository Helix sends its working directory, here the home directory.
    let tree = TempTree::new("home");
    let home = tree.mkdir("home");
    let (plan_path, plan) = write_prd(&tree, "home/projects/checkout-prd");
    write_other_prd(&tree, "home/old/prd");
    tree.write(
        "home/notes/scratch.md",
        "## API-001: A note, not a definition of the PRD\n",
    );
    let prd = home.join("projects/checkout-prd");

    let mut c = LspClient::start_with_env(&[], &[("HOME", &home)]);
    let init = helix_initialize(&mut c, None, &home);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let log = c.wait_for("window/logMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.contains("not indexed as a workspace"))
    });
    assert!(
        log["message"]
            .as_str()
            .is_some_and(|m| m.contains(&home.display().to_string())),
        "{log}"
    );
    assert_prd_workspace(&mut c, &prd, &plan_path, &plan);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn helix_with_a_single_file_outside_every_folder() {
    // `hx /elsewhere/prd/release/plan.md` from an unrelated working directory.
    let tree = TempTree::new("single-file");
    let cwd = tree.mkdir("cwd");
    tree.write("cwd/unrelated.md", "## API-001: Unrelated\n");
    let (plan_path, plan) = write_prd(&tree, "elsewhere/prd");
    let prd = tree.0.join("elsewhere/prd");

    let mut c = LspClient::start();
    helix_initialize(&mut c, None, &cwd);
    assert_prd_workspace(&mut c, &prd, &plan_path, &plan);
    assert_eq!(c.shutdown(), 0);
}

//! Readiness and the trace graph for editors: `workspace/executeCommand`
//! `dep-ls.readinessReport [folder URI]` (the Markdown readiness report of that folder, the
//! folder holding the URI, or of every folder without an argument), and the custom requests of
//! the editor views (`dep-ls/readinessTree`, `dep-ls/traceGraph`; [`crate::ide::views`]).

use crate::ide;
use crate::ide::views::{GraphView, TreeEntry, TreePlan};
use crate::lsp::convert::{file_path, uri_of, Lines};
use crate::lsp::session::{read, Backend};
use crate::text::PositionEncoding;
use crate::workspace::Workspace;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

/// The folder a `dep-ls.readinessReport` argument names: a URI string, or an object with `uri`
/// (a workspace folder or a document); `Ok(None)` without an argument.
fn readiness_target(args: &[serde_json::Value]) -> Result<Option<PathBuf>> {
    let Some(arg) = args.first() else {
        return Ok(None);
    };
    let s = arg
        .as_str()
        .or_else(|| arg.get("uri").and_then(|u| u.as_str()))
        .ok_or_else(|| Error::invalid_params("expected a folder URI (string or {uri})"))?;
    let uri: Uri = s
        .parse()
        .map_err(|_| Error::invalid_params(format!("not a URI: {s}")))?;
    file_path(&uri)
        .map(Some)
        .ok_or_else(|| Error::invalid_params(format!("not a file: URI: {s}")))
}

/// Runs a command (the server has one: `dep-ls.readinessReport`), once the folders it
/// reports on are indexed.
pub(crate) async fn execute_command(
    b: &Backend,
    params: ExecuteCommandParams,
) -> Result<Option<serde_json::Value>> {
    if params.command != ide::readiness::COMMAND {
        return Err(Error::invalid_params(format!(
            "unknown command {}",
            params.command
        )));
    }
    let target = readiness_target(&params.arguments)?;
    let roots = indexed_roots(b, target).await?;
    let w = read(&b.state.world);
    let reports: Vec<String> = roots
        .iter()
        .filter_map(|r| w.folder(r))
        .map(ide::readiness::markdown)
        .collect();
    Ok(Some(serde_json::Value::String(reports.join("\n"))))
}

/// The roots of the folders a target names (the innermost folder holding the path; every
/// folder without a target), once they are indexed (at most 30 s each).
async fn indexed_roots(b: &Backend, target: Option<PathBuf>) -> Result<Vec<PathBuf>> {
    let roots: Vec<PathBuf> = {
        let w = read(&b.state.world);
        match &target {
            Some(p) => {
                let root = w
                    .folders
                    .iter()
                    .filter(|f| !f.root.as_os_str().is_empty() && p.starts_with(&f.root))
                    .max_by_key(|f| f.root.components().count())
                    .map(|f| f.root.clone());
                match root {
                    Some(r) => vec![r],
                    None => {
                        return Err(Error::invalid_params(format!(
                            "{} is in no workspace folder of this server",
                            p.display()
                        )))
                    }
                }
            }
            None => w.folders.iter().map(|f| f.root.clone()).collect(),
        }
    };
    for r in &roots {
        b.wait_indexed(r, Duration::from_secs(30)).await;
    }
    Ok(roots)
}

/// The `uri` string of a params object, parsed (`Ok(None)` when absent or null).
fn uri_param(params: &Value, key: &str) -> Result<Option<Uri>> {
    match params.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => s
            .parse()
            .map(Some)
            .map_err(|_| Error::invalid_params(format!("`{key}` is not a URI: {s}"))),
        Some(v) => Err(Error::invalid_params(format!(
            "`{key}` must be a URI string, not {v}"
        ))),
    }
}

/// Params must be an object (or null / absent fields).
fn object_params(params: &Value) -> Result<()> {
    if params.is_object() || params.is_null() {
        Ok(())
    } else {
        Err(Error::invalid_params(format!(
            "expected an object, got {params}"
        )))
    }
}

/// `dep-ls/readinessTree` `{uri?}`: the release plans of the folder holding `uri` (a
/// workspace folder or a document), or of every folder → their gates (blocking ones first,
/// then the advisory downstream links) → the entries failing each gate, with the range of
/// their ID and the reason: `{plans: [{folder, plan, name, ready, gatesPassed, gatesTotal,
/// first, gates: [{key, title, blocking, pass, summary, entries: [{id, title, uri, range,
/// faultLine, reason}]}]}]}`.
pub(crate) async fn readiness_tree(b: &Backend, params: Value) -> Result<Option<Value>> {
    object_params(&params)?;
    let target =
        match uri_param(&params, "uri")? {
            None => None,
            Some(uri) => Some(file_path(&uri).ok_or_else(|| {
                Error::invalid_params(format!("not a file: URI: {}", uri.as_str()))
            })?),
        };
    let roots = indexed_roots(b, target).await?;
    let enc = b.enc();
    let w = read(&b.state.world);
    let mut plans = Vec::new();
    for f in roots.iter().filter_map(|r| w.folder(r)) {
        let folder = uri_of(&f.root, "").map(|u| u.as_str().trim_end_matches('/').to_string());
        let mut lines = Lines::new(f);
        for p in ide::views::readiness_tree(f) {
            plans.push(tree_plan_json(f, &mut lines, enc, folder.as_deref(), p));
        }
    }
    Ok(Some(json!({ "plans": plans })))
}

fn tree_plan_json(
    f: &Workspace,
    lines: &mut Lines<'_>,
    enc: PositionEncoding,
    folder: Option<&str>,
    p: TreePlan,
) -> Value {
    let gates: Vec<Value> = p
        .gates
        .into_iter()
        .map(|g| {
            let entries: Vec<Value> = g
                .entries
                .into_iter()
                .filter_map(|e| tree_entry_json(f, lines, enc, e))
                .collect();
            json!({
                "key": g.key,
                "title": g.title,
                "blocking": g.blocking,
                "pass": g.pass,
                "summary": g.summary,
                "entries": entries,
            })
        })
        .collect();
    json!({
        "folder": folder,
        "plan": p.plan,
        "name": p.name,
        "ready": p.ready,
        "gatesPassed": p.gates_passed,
        "gatesTotal": p.gates_total,
        "first": p.first.and_then(|e| tree_entry_json(f, lines, enc, e)),
        "gates": gates,
    })
}

/// An entry of the tree; `None` for a file without a URI.
fn tree_entry_json(
    f: &Workspace,
    lines: &mut Lines<'_>,
    enc: PositionEncoding,
    e: TreeEntry,
) -> Option<Value> {
    let uri = uri_of(&f.root, &e.path)?;
    let fault_line = e.line.saturating_sub(1);
    let line_start = Position::new(fault_line, 0);
    let range = e
        .id_span
        .and_then(|s| lines.range(&e.path, s, enc))
        .unwrap_or(Range::new(line_start, line_start));
    Some(json!({
        "id": e.id,
        "title": e.title,
        "uri": uri.as_str(),
        "range": range,
        "faultLine": fault_line,
        "reason": e.reason,
    }))
}

/// `dep-ls/traceGraph` `{textDocument: {uri}, position, depth?}` or `{id, uri?, depth?}`: the
/// trace graph within `depth` links (default 1, at most 4) of the ID at the cursor (the ID
/// under it, else the entry around it) or of `id` (in the folder holding `uri`, else the first
/// folder whose trace graph holds it): `{id, svg, nodes, edges, note}` (`svg` null and `note`
/// saying why when no plan's graph holds the ID); null when the cursor is on no ID or the
/// document is in no folder.
pub(crate) async fn trace_graph(b: &Backend, params: Value) -> Result<Option<Value>> {
    object_params(&params)?;
    let depth = match params.get("depth") {
        None | Some(Value::Null) => ide::views::DEFAULT_DEPTH,
        Some(v) => v
            .as_u64()
            .map(|d| usize::try_from(d).unwrap_or(usize::MAX))
            .ok_or_else(|| {
                Error::invalid_params(format!("`depth` must be a whole number ≥ 0, not {v}"))
            })?,
    };
    if let Some(id) = params.get("id").filter(|v| !v.is_null()) {
        let id = id
            .as_str()
            .filter(|s| ide::nav::is_id_shape(s))
            .ok_or_else(|| Error::invalid_params(format!("`id` is not an ID: {id}")))?;
        let target = match uri_param(&params, "uri")? {
            None => None,
            Some(uri) => Some(file_path(&uri).ok_or_else(|| {
                Error::invalid_params(format!("not a file: URI: {}", uri.as_str()))
            })?),
        };
        let roots = indexed_roots(b, target).await?;
        let w = read(&b.state.world);
        let mut last = None;
        for f in roots.iter().filter_map(|r| w.folder(r)) {
            let g = ide::views::trace_graph(f, id, depth);
            if g.svg.is_some() {
                return Ok(Some(graph_json(g)));
            }
            last = Some(g);
        }
        return Ok(last.map(graph_json));
    }
    let tdp: TextDocumentPositionParams = serde_json::from_value(params).map_err(|e| {
        Error::invalid_params(format!(
            "expected {{textDocument: {{uri}}, position}} or {{id}}: {e}"
        ))
    })?;
    let uri = tdp.text_document.uri;
    let Some(key) = b.locate(&uri) else {
        return Ok(None);
    };
    b.wait_indexed(&key.folder, Duration::from_secs(10)).await;
    Ok(b.state
        .with_folder(&uri, Some(tdp.position), |f, rel, off, _| {
            let id = ide::views::id_at(f, rel, off)?;
            Some(graph_json(ide::views::trace_graph(f, &id, depth)))
        })
        .flatten())
}

fn graph_json(g: GraphView) -> Value {
    json!({
        "id": g.id,
        "svg": g.svg,
        "nodes": g.nodes,
        "edges": g.edges,
        "note": g.note,
    })
}

//! The editor views' data (VS Code's "Release readiness" tree and trace-graph panel): the
//! readiness tree of a folder — plans → gates → the entries at fault — taken from the readiness
//! report ([`crate::report::build`], the same model as `dep-ls report` and the readiness lens),
//! and the SVG of the trace graph around an ID ([`crate::report::graph`]). Plain data: byte
//! spans and workspace-relative paths; the server converts.

use super::readiness::lines;
use crate::report::{self, Fault, Gate, PlanReport};
use crate::syntax::Span;
use crate::workspace::Workspace;

/// The custom request (LSP method) that gives the readiness tree.
pub const READINESS_TREE: &str = "dep-ls/readinessTree";
/// The custom request that gives the trace graph around the ID at the cursor.
pub const TRACE_GRAPH: &str = "dep-ls/traceGraph";

/// One plan of the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreePlan {
    /// The plan key (`""` for the whole workspace, else the folder or file).
    pub plan: String,
    /// `workspace`, `release/`, …
    pub name: String,
    /// No blocking gate fails.
    pub ready: bool,
    pub gates_passed: usize,
    pub gates_total: usize,
    /// The plan's first DEP- entry (where its readiness lens sits), if it has one.
    pub first: Option<TreeEntry>,
    /// The blocking gates in the report's order, then the advisory ones (downstream links).
    pub gates: Vec<TreeGate>,
}

/// One gate of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeGate {
    /// Stable key (`environments`, …, `check`, `runbooks`, …).
    pub key: &'static str,
    pub title: &'static str,
    pub blocking: bool,
    pub pass: bool,
    pub summary: String,
    /// The entries at fault (empty when the gate passes).
    pub entries: Vec<TreeEntry>,
}

/// An entry at fault (or a plan's first entry).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeEntry {
    /// Empty for a fault that names no entry.
    pub id: String,
    /// The entry's title (empty when untitled or when no entry is named).
    pub title: String,
    /// Workspace-relative path of the file.
    pub path: String,
    /// The byte span of the entry's ID in that file; `None` when the fault names no entry
    /// there (the client then goes to `line`).
    pub id_span: Option<Span>,
    /// 1-based line the fault is about (a field's line, or the entry's).
    pub line: u32,
    /// Why the entry fails the gate (empty for a plan's first entry).
    pub reason: String,
}

/// The readiness tree of a folder: every plan, its gates, and the entries failing each gate.
pub fn readiness_tree(f: &Workspace) -> Vec<TreePlan> {
    let mut lines = lines(f);
    let r = report::build(&f.index, &f.config, &mut lines);
    r.plans
        .iter()
        .map(|p| tree_plan(f, p, &mut lines))
        .collect()
}

fn tree_plan(f: &Workspace, p: &PlanReport, lines: &mut dyn report::Lines) -> TreePlan {
    let gate = |g: &Gate, lines: &mut dyn report::Lines| TreeGate {
        key: g.key,
        title: g.title,
        blocking: g.blocking,
        pass: g.pass,
        summary: g.summary.clone(),
        entries: if g.pass {
            Vec::new()
        } else {
            g.faults.iter().map(|x| tree_entry(f, x, lines)).collect()
        },
    };
    let first = (!p.first.path.is_empty()).then(|| {
        tree_entry(
            f,
            &Fault {
                at: p.first.clone(),
                message: String::new(),
            },
            lines,
        )
    });
    TreePlan {
        plan: p.plan.clone(),
        name: p.display_name(),
        ready: !p.blocked(),
        gates_passed: p.gates_passed(),
        gates_total: p.gates.len(),
        first,
        gates: p
            .gates
            .iter()
            .chain(&p.downstream)
            .map(|g| gate(g, lines))
            .collect(),
    }
}

/// A fault with its entry found again: of the entries of its file with its ID, the last one
/// whose ID line is at or before the fault's line (a fault sits on the entry's line or on one
/// of its fields' lines), else the first.
fn tree_entry(f: &Workspace, x: &Fault, lines: &mut dyn report::Lines) -> TreeEntry {
    let doc = (!x.at.id.is_empty())
        .then(|| f.index.file_id(&x.at.path).and_then(|id| f.index.file(id)))
        .flatten()
        .map(|file| &file.doc);
    let mut found = None;
    for e in doc
        .into_iter()
        .flat_map(|d| d.entries.iter())
        .filter(|e| *e.id == *x.at.id)
    {
        let before = lines.line(&x.at.path, e.id_span.start) <= x.at.line;
        if found.is_none() || before {
            found = Some(e);
        }
        if !before {
            break;
        }
    }
    TreeEntry {
        id: x.at.id.clone(),
        title: found.map(|e| e.title.to_string()).unwrap_or_default(),
        path: x.at.path.clone(),
        id_span: found.map(|e| e.id_span.clone()),
        line: x.at.line,
        reason: x.message.clone(),
    }
}

/// The trace graph around an ID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphView {
    pub id: String,
    /// The SVG ([`report::graph::Graph::to_svg`]); `None` when the ID is in no plan's trace
    /// graph (no DEP- entry of a plan is or links it), with `note` saying so.
    pub svg: Option<String>,
    pub nodes: usize,
    pub edges: usize,
    pub note: Option<String>,
}

/// The default depth of [`trace_graph`] (links in either direction), and the most it takes.
pub const DEFAULT_DEPTH: usize = 1;
pub const MAX_DEPTH: usize = 4;

/// The ID a cursor at `offset` of file `rel` stands on: the ID under it (a definition or a
/// reference), else the ID of the entry around it; `None` elsewhere.
pub fn id_at(f: &Workspace, rel: &str, offset: usize) -> Option<String> {
    let doc = f.parsed(rel)?;
    if let Some((id, _)) = super::hit_at(&doc, offset).as_ref().and_then(|h| h.id()) {
        return Some(id.to_string());
    }
    super::entry_at(&doc, offset).map(|(_, e)| e.id.to_string())
}

/// The SVG of the trace graph within `depth` links of `id` (at most [`MAX_DEPTH`]), drawn
/// over the DEP- entries of the plans that hold the ID or link it.
pub fn trace_graph(f: &Workspace, id: &str, depth: usize) -> GraphView {
    let plans = report::plans(&f.index, &f.config);
    let linkers = crate::trace::linked_by_plans(&f.index, id);
    let members: Vec<(String, usize)> = plans
        .into_values()
        .filter(|members| {
            members.iter().any(|(p, i)| {
                f.index
                    .file_id(p)
                    .and_then(|fid| f.index.file(fid))
                    .and_then(|file| file.doc.entries.get(*i))
                    .is_some_and(|e| *e.id == *id || linkers.iter().any(|l| *l == *e.id))
            })
        })
        .flatten()
        .collect();
    let g = report::graph::build(&f.index, &members, &mut lines(f));
    match g.around(id, Some(depth.min(MAX_DEPTH))) {
        Some(sub) => GraphView {
            id: id.to_string(),
            svg: Some(sub.to_svg()),
            nodes: sub.nodes.len(),
            edges: sub.edges.len(),
            note: None,
        },
        None => GraphView {
            id: id.to_string(),
            svg: None,
            nodes: 0,
            edges: 0,
            note: Some(format!(
                "{id} is not in the trace graph: no DEP- entry of a release plan is or links it"
            )),
        },
    }
}

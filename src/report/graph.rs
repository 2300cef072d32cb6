//! The trace graph: DEP- entries and every ID their link lists name, edges labelled by what the
//! link means, unresolved IDs marked. Renderers: Mermaid, Graphviz DOT, JSON, and an inline SVG
//! with a simple layered layout (DEP- entries in the first column, linked IDs grouped by prefix
//! in the next ones).

use super::Lines;
use crate::index::Index;
use crate::syntax::{id_prefix, LinkItem};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fmt::Write as _;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    /// A DEP- entry of the graph's plan(s).
    Dep,
    /// An ID a DEP- entry links.
    Linked,
    /// A range `TEST-001 to TEST-030` a DEP- entry links; edges labelled `includes` lead to
    /// its members (those defined nowhere unresolved).
    Range,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Node {
    pub id: String,
    pub kind: NodeKind,
    pub prefix: String,
    /// The defining entry's title (empty when unresolved or untitled).
    pub title: String,
    /// Defined somewhere in the workspace (a range: both ends are).
    pub resolved: bool,
    pub deprecated: bool,
    /// Where it is defined (first definition), if it is.
    pub path: Option<String>,
    pub line: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    /// What the link means (by the target's prefix): `verified by` (TEST), `traces to` (EPIC, FEA,
    /// UJ), `covers` (API, DBT), `monitored by` (MON), `runbook` (RUN), `launches` (GTM),
    /// `depends on` (DEP), `built on` (ARC, TECH), `mitigates` (RISK), else `links`.
    pub label: String,
    /// The target is defined.
    pub resolved: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

pub use crate::trace::{range_members, relation, MAX_RANGE_MEMBERS};

/// Column order of linked prefixes in the SVG (others follow alphabetically).
const PREFIX_ORDER: &[&str] = &[
    "DEP", "EPIC", "FEA", "UJ", "API", "DBT", "TEST", "RISK", "MON", "RUN", "GTM", "ARC", "TECH",
];

fn prefix_rank(p: &str) -> (usize, String) {
    (
        PREFIX_ORDER
            .iter()
            .position(|x| *x == p)
            .unwrap_or(PREFIX_ORDER.len()),
        p.to_string(),
    )
}

/// The graph of these DEP- entries (path, entry index), in the given order.
pub fn build(index: &Index, members: &[(String, usize)], lines: &mut dyn Lines) -> Graph {
    let mut g = Graph::default();
    let mut seen: HashSet<String> = HashSet::new();
    let mut edge_seen: HashSet<(String, String)> = HashSet::new();
    let mut linked: BTreeMap<String, Node> = BTreeMap::new();
    // Range → member edges, added after the DEP- entries' own.
    let mut member_edges: Vec<Edge> = Vec::new();
    let node_for = |id: &str, lines: &mut dyn Lines| -> Node {
        let def = index.first_entry(id);
        Node {
            id: id.to_string(),
            kind: NodeKind::Linked,
            prefix: id_prefix(id).to_string(),
            title: def.map(|(_, e)| e.title.to_string()).unwrap_or_default(),
            resolved: def.is_some(),
            deprecated: def.is_some_and(|(_, e)| e.deprecated),
            path: def.map(|(p, _)| p.to_string()),
            line: def.map(|(p, e)| lines.line(p, e.id_span.start)),
        }
    };
    for (path, i) in members {
        let Some(e) = index
            .file_id(path)
            .and_then(|f| index.file(f))
            .and_then(|f| f.doc.entries.get(*i))
        else {
            continue;
        };
        if seen.insert(e.id.to_string()) {
            g.nodes.push(Node {
                id: e.id.to_string(),
                kind: NodeKind::Dep,
                prefix: "DEP".into(),
                title: e.title.to_string(),
                resolved: true,
                deprecated: e.deprecated,
                path: Some(path.clone()),
                line: Some(lines.line(path, e.id_span.start)),
            });
        }
        for f in crate::trace::link_fields(e) {
            for item in &f.items {
                let node = match item {
                    LinkItem::Id(r) => node_for(&r.id, lines),
                    LinkItem::Range { start, end, .. } => {
                        let a = node_for(&start.id, lines);
                        let b = node_for(&end.id, lines);
                        let id = format!("{} to {}", start.id, end.id);
                        // Its members, each a node of its own (missing ones unresolved).
                        if !linked.contains_key(&id) {
                            for m in range_members(&start.id, &end.id).unwrap_or_default() {
                                let n = node_for(&m, lines);
                                member_edges.push(Edge {
                                    from: id.clone(),
                                    to: m.clone(),
                                    label: "includes".into(),
                                    resolved: n.resolved,
                                });
                                linked.entry(m).or_insert(n);
                            }
                        }
                        Node {
                            id,
                            kind: NodeKind::Range,
                            prefix: a.prefix.clone(),
                            title: String::new(),
                            resolved: a.resolved && b.resolved,
                            deprecated: false,
                            path: a.path,
                            line: a.line,
                        }
                    }
                    LinkItem::UnknownPrefix(_) | LinkItem::Placeholder(_) => continue,
                };
                if node.id == e.id {
                    continue;
                }
                if edge_seen.insert((e.id.to_string(), node.id.clone())) {
                    g.edges.push(Edge {
                        from: e.id.to_string(),
                        to: node.id.clone(),
                        label: relation(&node.prefix).to_string(),
                        resolved: node.resolved,
                    });
                }
                linked.entry(node.id.clone()).or_insert(node);
            }
        }
    }
    for m in member_edges {
        if edge_seen.insert((m.from.clone(), m.to.clone())) {
            g.edges.push(m);
        }
    }
    // DEP- entries in ID order (the plan's files may list them in any order).
    g.nodes.sort_by(|a, b| {
        (crate::syntax::id_number(&a.id), &a.id).cmp(&(crate::syntax::id_number(&b.id), &b.id))
    });
    let mut rest: Vec<Node> = linked
        .into_values()
        .filter(|n| !seen.contains(&n.id))
        .collect();
    rest.sort_by(|a, b| {
        (
            prefix_rank(&a.prefix),
            crate::syntax::id_number(&a.id),
            &a.id,
        )
            .cmp(&(
                prefix_rank(&b.prefix),
                crate::syntax::id_number(&b.id),
                &b.id,
            ))
    });
    g.nodes.extend(rest);
    g
}

impl Graph {
    /// The part of the graph within `depth` links (either direction) of `from`; `None` when
    /// `from` is not a node. A range node costs no depth: a range's member is one link from
    /// the entry whose range covers it.
    pub fn around(&self, from: &str, depth: Option<usize>) -> Option<Graph> {
        if !self.nodes.iter().any(|n| n.id == from) {
            return None;
        }
        let mut adj: HashMap<&str, Vec<&str>> = HashMap::new();
        for e in &self.edges {
            adj.entry(&e.from).or_default().push(&e.to);
            adj.entry(&e.to).or_default().push(&e.from);
        }
        let ranges: HashSet<&str> = self
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Range)
            .map(|n| n.id.as_str())
            .collect();
        // 0-1 breadth-first search: a step onto or off a range node is free when it continues
        // a range membership (entry → range → member, or member → range → entry).
        let mut dist: HashMap<&str, usize> = HashMap::new();
        let mut q = VecDeque::from([(from, 0usize)]);
        dist.insert(from, 0);
        while let Some((n, d)) = q.pop_front() {
            if dist.get(n).is_some_and(|&best| best < d) {
                continue;
            }
            for &m in adj.get(n).map(Vec::as_slice).unwrap_or(&[]) {
                let step = usize::from(!ranges.contains(m));
                let nd = d + step;
                if depth.is_some_and(|max| nd > max) {
                    continue;
                }
                if dist.get(m).is_none_or(|&old| nd < old) {
                    dist.insert(m, nd);
                    if step == 0 {
                        q.push_front((m, nd));
                    } else {
                        q.push_back((m, nd));
                    }
                }
            }
        }
        Some(Graph {
            nodes: self
                .nodes
                .iter()
                .filter(|n| dist.contains_key(n.id.as_str()))
                .cloned()
                .collect(),
            edges: self
                .edges
                .iter()
                .filter(|e| dist.contains_key(e.from.as_str()) && dist.contains_key(e.to.as_str()))
                .cloned()
                .collect(),
        })
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Mermaid flowchart (left to right); unresolved IDs and their links are dashed red.
    pub fn to_mermaid(&self) -> String {
        let mut s = String::from("flowchart LR\n");
        let key = |id: &str| -> String {
            let mut k = String::from("n_");
            k.extend(
                id.chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }),
            );
            k
        };
        for n in &self.nodes {
            let label = if n.title.is_empty() {
                n.id.clone()
            } else {
                format!("{}: {}", n.id, n.title)
            };
            let label = label.replace('"', "#quot;");
            let _ = writeln!(s, "    {}[\"{}\"]", key(&n.id), label);
        }
        for e in &self.edges {
            let arrow = if e.resolved { "-->" } else { "-.->" };
            let _ = writeln!(
                s,
                "    {} {arrow}|{}| {}",
                key(&e.from),
                e.label,
                key(&e.to)
            );
        }
        s.push_str("    classDef dep fill:#e8f0fe,stroke:#1a56db;\n");
        s.push_str("    classDef unresolved fill:#fff5f5,stroke:#c81e1e,stroke-dasharray:5 3,color:#c81e1e;\n");
        s.push_str("    classDef deprecated fill:#f3f4f6,stroke:#6b7280,color:#6b7280;\n");
        for (class, pick) in [
            (
                "dep",
                &(|n: &Node| n.kind == NodeKind::Dep) as &dyn Fn(&Node) -> bool,
            ),
            ("unresolved", &|n: &Node| !n.resolved),
            ("deprecated", &|n: &Node| n.deprecated),
        ] {
            let ids: Vec<String> = self
                .nodes
                .iter()
                .filter(|n| pick(n))
                .map(|n| key(&n.id))
                .collect();
            if !ids.is_empty() {
                let _ = writeln!(s, "    class {} {class};", ids.join(","));
            }
        }
        s
    }

    /// Graphviz DOT; unresolved IDs and their links are dashed red.
    pub fn to_dot(&self) -> String {
        let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
        let mut s = String::from("digraph trace {\n    rankdir=LR;\n    node [shape=box, style=rounded, fontname=\"Helvetica\"];\n    edge [fontname=\"Helvetica\", fontsize=10];\n");
        for n in &self.nodes {
            let label = if n.title.is_empty() {
                n.id.clone()
            } else {
                format!(
                    "{}\\n{}",
                    n.id,
                    n.title.replace('\\', "\\\\").replace('"', "\\\"")
                )
            };
            let style = if !n.resolved {
                ", style=\"rounded,dashed\", color=red, fontcolor=red"
            } else if n.deprecated {
                ", color=gray, fontcolor=gray"
            } else if n.kind == NodeKind::Dep {
                ", color=\"#1a56db\""
            } else {
                ""
            };
            let _ = writeln!(s, "    {} [label=\"{label}\"{style}];", q(&n.id));
        }
        for e in &self.edges {
            let style = if e.resolved {
                String::new()
            } else {
                ", style=dashed, color=red, fontcolor=red".into()
            };
            let _ = writeln!(
                s,
                "    {} -> {} [label={}{style}];",
                q(&e.from),
                q(&e.to),
                q(&e.label)
            );
        }
        s.push_str("}\n");
        s
    }

    /// An inline SVG in three layers: what the DEP- entries trace back to (EPIC-, FEA-, UJ-,
    /// API-, DBT-, TEST-, …) on the left, the DEP- entries in the middle, what they hand over to
    /// (MON-, RUN-, GTM-, other DEP- steps) on the right; linked IDs grouped by prefix under a
    /// label. Links between DEP- entries of the graph arc on the right of the middle column.
    /// Unresolved IDs and links to them are dashed red, deprecated IDs grey.
    pub fn to_svg(&self) -> String {
        const W: f64 = 230.0;
        const H: f64 = 24.0;
        const ROW: f64 = 30.0;
        const GROUP_GAP: f64 = 22.0;
        const GAP_X: f64 = 190.0;
        const TOP: f64 = 40.0;
        const LEFT: f64 = 20.0;
        let downstream = |p: &str| matches!(p, "MON" | "RUN" | "GTM" | "DEP");
        // Columns: 0 upstream, 1 DEP- entries, 2 downstream; each a list of (group label, nodes).
        let mut cols: [Vec<(String, Vec<&Node>)>; 3] = [Vec::new(), Vec::new(), Vec::new()];
        cols[1].push((
            String::new(),
            self.nodes
                .iter()
                .filter(|n| n.kind == NodeKind::Dep)
                .collect(),
        ));
        for n in self.nodes.iter().filter(|n| n.kind != NodeKind::Dep) {
            let c = if downstream(&n.prefix) { 2 } else { 0 };
            let label = format!("{}-", n.prefix);
            match cols[c].iter_mut().find(|(l, _)| *l == label) {
                Some((_, v)) => v.push(n),
                None => cols[c].push((label, vec![n])),
            }
        }
        let col_height = |groups: &Vec<(String, Vec<&Node>)>| -> f64 {
            groups
                .iter()
                .map(|(l, v)| v.len() as f64 * ROW + if l.is_empty() { 0.0 } else { GROUP_GAP })
                .sum()
        };
        let tallest = cols.iter().map(col_height).fold(0.0, f64::max);
        let mut pos: HashMap<&str, (f64, f64, usize)> = HashMap::new();
        let mut labels: Vec<(f64, f64, String)> = Vec::new();
        for (c, groups) in cols.iter().enumerate() {
            let x = LEFT + c as f64 * (W + GAP_X);
            // Every column is centred on the tallest one.
            let mut y = TOP + (tallest - col_height(groups)) / 2.0;
            for (label, nodes) in groups {
                if !label.is_empty() {
                    labels.push((x, y + GROUP_GAP - 8.0, label.clone()));
                    y += GROUP_GAP;
                }
                for n in nodes {
                    pos.insert(n.id.as_str(), (x, y, c));
                    y += ROW;
                }
            }
        }
        let width = LEFT * 2.0 + 3.0 * W + 2.0 * GAP_X + 60.0;
        let height = TOP + tallest + 20.0;
        let mut s = String::new();
        let _ = write!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"trace-graph\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"system-ui, sans-serif\" role=\"img\" aria-label=\"Trace graph: {} nodes, {} links\">",
            self.nodes.len(),
            self.edges.len()
        );
        s.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#9ca3af\"/></marker><marker id=\"arrow-bad\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#c81e1e\"/></marker></defs>");
        for (c, title) in ["Traces back to", "DEP- entries", "Hands over to"]
            .iter()
            .enumerate()
        {
            if c != 1 && cols[c].is_empty() {
                continue;
            }
            let x = LEFT + c as f64 * (W + GAP_X);
            let _ = write!(
                s,
                "<text class=\"column\" x=\"{x:.0}\" y=\"18\" font-size=\"13\" font-weight=\"700\" fill=\"#111827\">{title}</text>"
            );
        }
        for (x, y, l) in &labels {
            let _ = write!(
                s,
                "<text class=\"group\" x=\"{x:.0}\" y=\"{y:.0}\" font-size=\"11\" font-weight=\"600\" fill=\"#6b7280\">{}</text>",
                esc(l)
            );
        }
        // Links first, boxes on top.
        for e in &self.edges {
            let (Some(&(x1, y1, c1)), Some(&(x2, y2, c2))) =
                (pos.get(e.from.as_str()), pos.get(e.to.as_str()))
            else {
                continue;
            };
            let (ya, yb) = (y1 + H / 2.0, y2 + H / 2.0);
            let (d, lx, ly, anchor) = if c1 == c2 {
                // Between DEP- entries: an arc on the right of the column.
                let sx = x1 + W;
                let bend = sx + 30.0 + ((ya - yb).abs() / 10.0).min(40.0);
                (
                    format!(
                        "M{sx:.1},{ya:.1} C{bend:.1},{ya:.1} {bend:.1},{yb:.1} {sx:.1},{yb:.1}"
                    ),
                    bend - 4.0,
                    (ya + yb) / 2.0,
                    "start",
                )
            } else if c2 < c1 {
                // To the left layer: from the entry's left side to the ID's right side.
                let (sx, tx) = (x1, x2 + W);
                let mx = (sx + tx) / 2.0;
                (
                    format!("M{sx:.1},{ya:.1} C{mx:.1},{ya:.1} {mx:.1},{yb:.1} {tx:.1},{yb:.1}"),
                    tx + 6.0,
                    yb - 3.0,
                    "start",
                )
            } else {
                let (sx, tx) = (x1 + W, x2);
                let mx = (sx + tx) / 2.0;
                (
                    format!("M{sx:.1},{ya:.1} C{mx:.1},{ya:.1} {mx:.1},{yb:.1} {tx:.1},{yb:.1}"),
                    tx - 6.0,
                    yb - 3.0,
                    "end",
                )
            };
            let (class, stroke, dash, marker, color) = if e.resolved {
                ("edge", "#b6bcc6", "", "arrow", "#6b7280")
            } else {
                (
                    "edge unresolved",
                    "#c81e1e",
                    " stroke-dasharray=\"5 3\"",
                    "arrow-bad",
                    "#c81e1e",
                )
            };
            let _ = write!(
                s,
                "<g class=\"{class}\" data-from=\"{}\" data-to=\"{}\"><title>{} {} {}</title><path d=\"{d}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"1.1\"{dash} marker-end=\"url(#{marker})\"/><text x=\"{lx:.1}\" y=\"{ly:.1}\" font-size=\"8.5\" text-anchor=\"{anchor}\" fill=\"{color}\">{}</text></g>",
                esc(&e.from),
                esc(&e.to),
                esc(&e.from),
                esc(&e.label),
                esc(&e.to),
                esc(&e.label)
            );
        }
        for n in &self.nodes {
            let Some(&(x, y, _)) = pos.get(n.id.as_str()) else {
                continue;
            };
            let (class, fill, stroke, dash, color) = if !n.resolved {
                (
                    "node unresolved",
                    "#fff5f5",
                    "#c81e1e",
                    " stroke-dasharray=\"5 3\"",
                    "#c81e1e",
                )
            } else if n.deprecated {
                ("node deprecated", "#f3f4f6", "#9ca3af", "", "#6b7280")
            } else if n.kind == NodeKind::Dep {
                ("node dep", "#e8f0fe", "#1a56db", "", "#1e3a8a")
            } else {
                ("node linked", "#ffffff", "#6b7280", "", "#111827")
            };
            let label = if n.title.is_empty() {
                n.id.clone()
            } else {
                format!("{}: {}", n.id, n.title)
            };
            let short = truncate(&label, 34);
            let tip = match (&n.path, n.line, n.resolved) {
                (_, _, false) => format!("{} — defined nowhere", n.id),
                (Some(p), Some(l), _) => format!("{label} ({p}:{l})"),
                _ => label.clone(),
            };
            let _ = write!(
                s,
                "<g class=\"{class}\" id=\"node-{}\" data-id=\"{}\"><title>{}</title><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{W}\" height=\"{H}\" rx=\"5\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.3\"{dash}/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"{color}\">{}</text></g>",
                esc(&n.id.replace(' ', "_")),
                esc(&n.id),
                esc(&tip),
                x + 7.0,
                y + H / 2.0 + 4.0,
                esc(&short)
            );
        }
        s.push_str("</svg>");
        s
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// Escapes text for HTML and SVG.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

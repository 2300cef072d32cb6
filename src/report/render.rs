//! Renderers of a [`Report`]: Markdown (the language server's answer too), JSON, and one
//! self-contained HTML page with the trace graph as inline SVG.

use super::graph::{esc, Graph};
use super::{EnvRow, Gate, PlanReport, Report};
use std::fmt::Write as _;

fn mark(pass: bool) -> &'static str {
    if pass {
        "✅"
    } else {
        "❌"
    }
}

/// A Markdown table cell: no pipes or line breaks.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn verdict(p: &PlanReport) -> String {
    let failing: Vec<&Gate> = p.gates.iter().filter(|g| !g.pass).collect();
    if failing.is_empty() {
        format!("Ready: all {} quality gates pass.", p.gates.len())
    } else {
        format!(
            "Not ready: {} of {} quality gates pass ({} blocking {} failing).",
            p.gates_passed(),
            p.gates.len(),
            failing.len(),
            if failing.len() == 1 { "gate" } else { "gates" }
        )
    }
}

/// The Markdown report.
pub fn markdown(r: &Report) -> String {
    let mut s = String::from("# Release readiness report\n\n");
    if r.plans.is_empty() {
        s.push_str(
            "No release plan found: the workspace has no DEP- entries, so there is nothing to judge \
             (`dep-ls report --require-plan` makes this an error).\n",
        );
        return s;
    }
    for p in &r.plans {
        let _ = writeln!(
            s,
            "## Plan: {} ({} DEP- entries)\n\n**{}**\n",
            p.display_name(),
            p.counts.entries,
            verdict(p)
        );
        s.push_str("### Quality gates\n\n| | Gate | Blocking | Found |\n|---|---|---|---|\n");
        for g in &p.gates {
            let _ = writeln!(
                s,
                "| {} | {} | yes | {} |",
                mark(g.pass),
                cell(g.title),
                cell(&g.summary)
            );
        }
        s.push_str("\n### Downstream links\n\n| | Link | Blocking | Found |\n|---|---|---|---|\n");
        for g in &p.downstream {
            let _ = writeln!(
                s,
                "| {} | {} | no | {} |",
                mark(g.pass),
                cell(g.title),
                cell(&g.summary)
            );
        }
        let failing: Vec<&Gate> = p
            .gates
            .iter()
            .chain(&p.downstream)
            .filter(|g| !g.pass)
            .collect();
        if !failing.is_empty() {
            s.push_str("\n### What fails\n");
            for g in failing {
                let _ = writeln!(
                    s,
                    "\n#### ❌ {}{}\n",
                    g.title,
                    if g.blocking { "" } else { " (advisory)" }
                );
                for f in &g.faults {
                    let _ = writeln!(
                        s,
                        "- `{}:{}` **{}**: {}",
                        f.at.path, f.at.line, f.at.id, f.message
                    );
                }
            }
        }
        s.push_str("\n### Environment progression\n\n");
        s.push_str("| Stage | Environment | Gate | Entry | Infrastructure | Configuration | Secrets | Access | Owner |\n|---|---|---|---|---|---|---|---|---|\n");
        for e in &p.environments {
            let _ = writeln!(s, "{}", env_row_md(e));
        }
        s.push_str("\n### Counts\n\n");
        let c = &p.counts;
        s.push_str("| Type | Entries |\n|---|---|\n");
        for (t, n) in &c.by_type {
            let _ = writeln!(s, "| {t} | {n} |");
        }
        s.push_str("\n| Stage | Entries |\n|---|---|\n");
        for (t, n) in &c.by_stage {
            let _ = writeln!(s, "| {t} | {n} |");
        }
        let _ = writeln!(
            s,
            "\nBlockers: {} criteria block the deploy, {} do not, {} without a valid `Blocker:`.\n",
            c.blockers.yes, c.blockers.no, c.blockers.unset
        );
        s.push_str("| Owner | Entries |\n|---|---|\n");
        for (o, n) in &c.owners {
            let _ = writeln!(s, "| {} | {n} |", cell(o));
        }
        if c.without_owner > 0 {
            let _ = writeln!(s, "| *(no owner)* | {} |", c.without_owner);
        }
        s.push('\n');
    }
    s
}

fn env_row_md(e: &EnvRow) -> String {
    let name = if e.required {
        format!("**{}** (required)", e.name)
    } else {
        e.name.clone()
    };
    let stage = if e.stage <= 4 {
        e.stage.to_string()
    } else {
        "–".into()
    };
    if e.entries.is_empty() {
        return format!(
            "| {stage} | {name} | {} | {} | | | | | |",
            cell(e.gate),
            if e.required {
                "❌ not documented"
            } else {
                "not documented"
            }
        );
    }
    let ids: Vec<String> = e
        .entries
        .iter()
        .map(|l| format!("{} (`{}:{}`)", l.id, l.path, l.line))
        .collect();
    let mut row = format!(
        "| {stage} | {name} | {} | {} |",
        cell(e.gate),
        ids.join(", ")
    );
    for (_, v) in &e.fields {
        let shown = v.as_deref().map(|v| cell(&shorten(v, 60)));
        let _ = write!(row, " {} |", shown.unwrap_or_else(|| "❌ missing".into()));
    }
    row
}

/// The JSON report (pretty-printed).
pub fn json(r: &Report) -> String {
    #[derive(serde::Serialize)]
    struct Out<'a> {
        ready: bool,
        /// Only when there is no plan at all (nothing was judged).
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        no_plan: bool,
        plans: &'a [PlanReport],
    }
    serde_json::to_string_pretty(&Out {
        ready: r.ready(),
        no_plan: r.no_plan(),
        plans: &r.plans,
    })
    .unwrap_or_default()
        + "\n"
}

const CSS: &str = r#"
:root{--ok:#047857;--bad:#b91c1c;--muted:#6b7280;--line:#e5e7eb;--bg:#f9fafb}
*{box-sizing:border-box}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;background:var(--bg);margin:0}
header{background:#111827;color:#fff;padding:20px 32px}
header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;color:#d1d5db}
main{padding:8px 32px 40px;max-width:1400px}
section.plan{background:#fff;border:1px solid var(--line);border-radius:10px;padding:20px 24px;margin:20px 0}
h2{margin:0 0 4px;font-size:20px}
h3{font-size:15px;margin:22px 0 8px;color:#374151;text-transform:uppercase;letter-spacing:.04em}
.verdict{display:inline-block;padding:4px 12px;border-radius:999px;font-weight:600;margin:6px 0}
.verdict.ok{background:#d1fae5;color:var(--ok)}.verdict.bad{background:#fee2e2;color:var(--bad)}
ul.gates{list-style:none;padding:0;margin:0}
ul.gates li{display:flex;gap:10px;align-items:baseline;padding:6px 0;border-bottom:1px solid var(--line)}
.badge{font-size:11px;font-weight:700;padding:1px 8px;border-radius:4px;min-width:44px;text-align:center}
.pass .badge{background:#d1fae5;color:var(--ok)}.fail .badge{background:#fee2e2;color:var(--bad)}
.gate-title{font-weight:600}.kind{font-size:11px;color:var(--muted);border:1px solid var(--line);border-radius:4px;padding:0 5px}
.summary{color:var(--muted)}
ul.faults{margin:4px 0 8px 58px;padding:0;font-size:13px}
ul.faults li{border:0;display:list-item;padding:1px 0}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f3f4f6;padding:1px 4px;border-radius:3px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f3f4f6}
td.missing{color:var(--bad);font-weight:600}
.counts{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}.counts table{width:auto;min-width:200px}
.graph{overflow:auto;border:1px solid var(--line);border-radius:8px;background:#fff;padding:8px}
.legend{font-size:12px;color:var(--muted)}
"#;

/// One self-contained HTML page: styles inline, the trace graph of each plan as inline SVG
/// (`graphs[i]` for `r.plans[i]`). No scripts, no external resources.
pub fn html(r: &Report, graphs: &[Graph], title: &str) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Release readiness — {}</title><style>{CSS}</style></head><body>",
        esc(title)
    );
    let _ = write!(
        s,
        "<header><h1>Release readiness report</h1><p>{} · {} {} · generated by dep-ls {}</p></header><main>",
        esc(title),
        r.plans.len(),
        if r.plans.len() == 1 { "plan" } else { "plans" },
        env!("CARGO_PKG_VERSION")
    );
    if r.plans.is_empty() {
        s.push_str("<section class=\"plan\"><p class=\"verdict bad\">No release plan found: the workspace has no DEP- entries, so there is nothing to judge.</p></section>");
    }
    for (i, p) in r.plans.iter().enumerate() {
        let ok = p.gates.iter().all(|g| g.pass);
        let _ = write!(
            s,
            "<section class=\"plan\" id=\"plan-{i}\"><h2>Plan: {} <span class=\"summary\">({} DEP- entries)</span></h2><div class=\"verdict {}\">{}</div>",
            esc(&p.display_name()),
            p.counts.entries,
            if ok { "ok" } else { "bad" },
            esc(&verdict(p))
        );
        for (head, gates) in [
            ("Quality gates", &p.gates),
            ("Downstream links", &p.downstream),
        ] {
            let _ = write!(s, "<h3>{head}</h3><ul class=\"gates\">");
            for g in gates.iter() {
                let _ = write!(
                    s,
                    "<li class=\"{}\" id=\"gate-{}\"><span class=\"badge\">{}</span><span><span class=\"gate-title\">{}</span> <span class=\"kind\">{}</span><br><span class=\"summary\">{}</span></span></li>",
                    if g.pass { "pass" } else { "fail" },
                    g.key,
                    if g.pass { "PASS" } else { "FAIL" },
                    esc(g.title),
                    if g.blocking { "blocking" } else { "advisory" },
                    esc(&g.summary)
                );
                if !g.faults.is_empty() {
                    s.push_str("<ul class=\"faults\">");
                    for f in &g.faults {
                        let _ = write!(
                            s,
                            "<li><code>{}:{}</code> <strong>{}</strong>: {}</li>",
                            esc(&f.at.path),
                            f.at.line,
                            esc(&f.at.id),
                            esc(&f.message)
                        );
                    }
                    s.push_str("</ul>");
                }
            }
            s.push_str("</ul>");
        }
        s.push_str("<h3>Environment progression</h3><table class=\"envs\"><tr><th>Stage</th><th>Environment</th><th>Gate</th><th>Entry</th><th>Infrastructure</th><th>Configuration</th><th>Secrets</th><th>Access</th><th>Owner</th></tr>");
        for e in &p.environments {
            let stage = if e.stage <= 4 {
                e.stage.to_string()
            } else {
                "–".into()
            };
            let name = if e.required {
                format!("<strong>{}</strong> (required)", esc(&e.name))
            } else {
                esc(&e.name)
            };
            let _ = write!(
                s,
                "<tr><td>{stage}</td><td>{name}</td><td>{}</td>",
                esc(e.gate)
            );
            if e.entries.is_empty() {
                let _ = write!(
                    s,
                    "<td colspan=\"6\" class=\"{}\">not documented</td></tr>",
                    if e.required { "missing" } else { "" }
                );
                continue;
            }
            let ids: Vec<String> = e
                .entries
                .iter()
                .map(|l| format!("{} <code>{}:{}</code>", esc(&l.id), esc(&l.path), l.line))
                .collect();
            let _ = write!(s, "<td>{}</td>", ids.join("<br>"));
            for (_, v) in &e.fields {
                match v {
                    Some(v) => {
                        let _ = write!(s, "<td>{}</td>", esc(v));
                    }
                    None => s.push_str("<td class=\"missing\">missing</td>"),
                }
            }
            s.push_str("</tr>");
        }
        s.push_str("</table><h3>Counts</h3><div class=\"counts\">");
        let c = &p.counts;
        for (head, rows) in [
            ("Type", &c.by_type),
            ("Stage", &c.by_stage),
            ("Owner", &c.owners),
        ] {
            let _ = write!(s, "<table><tr><th>{head}</th><th>Entries</th></tr>");
            for (k, n) in rows.iter() {
                let _ = write!(s, "<tr><td>{}</td><td>{n}</td></tr>", esc(k));
            }
            if head == "Owner" && c.without_owner > 0 {
                let _ = write!(
                    s,
                    "<tr><td><em>(no owner)</em></td><td>{}</td></tr>",
                    c.without_owner
                );
            }
            s.push_str("</table>");
        }
        let _ = write!(
            s,
            "<table><tr><th>Blocker</th><th>Criteria</th></tr><tr><td>Yes</td><td>{}</td></tr><tr><td>No</td><td>{}</td></tr><tr><td>not set</td><td>{}</td></tr></table></div>",
            c.blockers.yes, c.blockers.no, c.blockers.unset
        );
        s.push_str("<h3>Trace graph</h3><p class=\"legend\">DEP- entries on the left, the IDs they link grouped by prefix; dashed red: defined nowhere; grey: deprecated. Hover a box or a link for details.</p><div class=\"graph\">");
        if let Some(g) = graphs.get(i) {
            s.push_str(&g.to_svg());
        }
        s.push_str("</div></section>");
    }
    s.push_str("</main></body></html>\n");
    s
}

/// At most `max` characters, with `…` when cut.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

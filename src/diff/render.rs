//! Renderers of a [`Diff`]: plain text for a terminal, JSON (a stable shape, `version` 1,
//! described in README.md's `dep-ls diff` section), and Markdown made to be posted as a
//! pull-request comment (a summary line, tables, long lists folded in `<details>`).

use super::{
    ChangedFinding, Diff, DiffFinding, EntryStatus, FieldChange, PlanDiff, PlanState, Reason,
};
use crate::check::Severity;
use serde::Serialize;
use std::fmt::Write as _;

/// One side of the diff as the user named it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Side {
    /// The revision as given (`None`: the working tree).
    pub rev: Option<String>,
    /// The full commit it resolved to (`None`: the working tree).
    pub commit: Option<String>,
}

impl Side {
    /// `HEAD~1 (3f2a1c9)`, or `working tree`.
    pub fn label(&self) -> String {
        match (&self.rev, &self.commit) {
            (Some(r), Some(c)) if !c.starts_with(r.as_str()) => {
                format!("{r} ({})", c.chars().take(7).collect::<String>())
            }
            (Some(r), _) => r.clone(),
            (None, _) => "working tree".to_string(),
        }
    }
}

/// What the diff compares: the two sides and the folder or file it is restricted to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Header {
    pub from: Side,
    pub to: Side,
    /// The PATH given (as typed; `""` or `.` for the current folder).
    pub path: String,
}

impl Header {
    fn title(&self) -> String {
        let mut s = format!("{} → {}", self.from.label(), self.to.label());
        if !self.path.is_empty() && self.path != "." {
            let _ = write!(s, " in {}", self.path);
        }
        s
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn state(s: Option<&PlanState>) -> String {
    match s {
        None => "no plan".to_string(),
        Some(s) => format!(
            "{}/{} gates, {}",
            s.passed,
            s.total,
            if s.ready { "ready" } else { "blocked" }
        ),
    }
}

fn ready_word(r: Option<bool>) -> &'static str {
    match r {
        None => "no plan",
        Some(true) => "ready",
        Some(false) => "blocked",
    }
}

/// The one-line summary (also the Markdown comment's bold line).
pub fn summary(d: &Diff) -> String {
    if d.is_empty() {
        return "no change to the trace graph, the findings or readiness".to_string();
    }
    let mut parts = Vec::new();
    let mut ids = Vec::new();
    for (n, what) in [
        (d.added.len(), "added"),
        (d.removed.len(), "removed"),
        (d.retitled.len(), "retitled"),
        (d.changed.len(), "changed"),
    ] {
        if n > 0 {
            ids.push(format!("{n} {what}"));
        }
    }
    if ids.is_empty() {
        parts.push("no ID changed".to_string());
    } else {
        parts.push(format!("IDs: {}", ids.join(", ")));
    }
    parts.push(plural(d.suspects.len(), "suspect link", "suspect links"));
    let errors = |list: &mut dyn Iterator<Item = &DiffFinding>| {
        let n = list.filter(|f| f.severity == Severity::Error).count();
        if n > 0 {
            format!(" ({})", plural(n, "error", "errors"))
        } else {
            String::new()
        }
    };
    let mut f = format!(
        "findings: {} introduced{}",
        d.introduced.len(),
        errors(&mut d.introduced.iter())
    );
    if !d.changed_findings.is_empty() {
        let _ = write!(
            f,
            ", {} changed{}",
            d.changed_findings.len(),
            errors(&mut d.changed_findings.iter().map(|c| &c.after))
        );
    }
    let _ = write!(f, ", {} fixed", d.fixed.len());
    let gone = d.fixed.iter().filter(|x| x.file_gone).count();
    if gone > 0 {
        let _ = write!(
            f,
            " ({gone} of them with {} no longer in the workspace)",
            if gone == 1 { "its file" } else { "their files" }
        );
    }
    parts.push(f);
    let (b, a) = d.ready();
    if b.is_some() || a.is_some() {
        parts.push(format!("readiness: {} → {}", ready_word(b), ready_word(a)));
    }
    parts.join(" · ")
}

fn fields_list(fields: &[FieldChange]) -> String {
    fields
        .iter()
        .map(FieldChange::label)
        .collect::<Vec<_>>()
        .join(", ")
}

fn reason_text(reason: Reason, what: &[String]) -> String {
    match reason {
        Reason::Removed => "removed".to_string(),
        Reason::Retitled => "retitled".to_string(),
        Reason::Changed => format!("changed: {}", what.join(", ")),
    }
}

fn status_note(s: EntryStatus) -> &'static str {
    match s {
        EntryStatus::Unchanged => "",
        EntryStatus::Changed => " [entry edited in this change too]",
        EntryStatus::Added => " [new entry]",
    }
}

fn gate_changes(p: &PlanDiff) -> String {
    let mut notes = Vec::new();
    let passing = p.newly_passing();
    if !passing.is_empty() {
        notes.push(format!("now passing: {}", passing.join(", ")));
    }
    let failing = p.newly_failing();
    if !failing.is_empty() {
        notes.push(format!("now failing: {}", failing.join(", ")));
    }
    if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join("; "))
    }
}

/// Said of a fixed finding whose file left the workspace.
const GONE: &str = " [its file is no longer in the workspace]";

/// Plain text for a terminal.
pub fn human(d: &Diff, h: &Header) -> String {
    let mut s = format!("dep-ls diff {}\n{}\n", h.title(), summary(d));
    let section = |s: &mut String, title: &str, n: usize| {
        if n > 0 {
            let _ = writeln!(s, "\n{title} ({n})");
        }
    };
    section(&mut s, "Added", d.added.len());
    for p in &d.added {
        let _ = writeln!(s, "  + {}  {}  ({}:{})", p.id, p.title, p.path, p.line);
    }
    section(&mut s, "Removed", d.removed.len());
    for p in &d.removed {
        let _ = writeln!(s, "  - {}  {}  (was {}:{})", p.id, p.title, p.path, p.line);
    }
    section(&mut s, "Retitled", d.retitled.len());
    for r in &d.retitled {
        let _ = writeln!(
            s,
            "  ~ {}  \"{}\" → \"{}\"  ({}:{})",
            r.at.id, r.before, r.at.title, r.at.path, r.at.line
        );
    }
    section(&mut s, "Changed", d.changed.len());
    for c in &d.changed {
        let mut what = fields_list(&c.fields);
        if let Some(m) = &c.moved_from {
            if !what.is_empty() {
                what.push_str("; ");
            }
            let _ = write!(what, "moved from {m}");
        }
        let _ = writeln!(
            s,
            "  ~ {}  {}  ({}:{}): {what}",
            c.at.id, c.at.title, c.at.path, c.at.line
        );
        for v in values(&c.fields) {
            let _ = writeln!(s, "      {v}");
        }
    }
    if !d.suspects.is_empty() {
        let _ = writeln!(
            s,
            "\nSuspect links ({}): re-read each — does the link still hold?",
            d.suspects.len()
        );
        for x in &d.suspects {
            let _ = writeln!(
                s,
                "  {}:{}  {} {} → {} ({}){}",
                x.entry.path,
                x.entry.line,
                x.entry.id,
                x.entry.title,
                x.target,
                reason_text(x.reason, &x.what),
                status_note(x.entry_status)
            );
        }
    }
    let finding = |s: &mut String, f: &DiffFinding, gone: &str| {
        let _ = writeln!(
            s,
            "  {}:{}: {} [{}] {}{}",
            f.path,
            f.line,
            f.severity.as_str(),
            f.code,
            f.message,
            if f.file_gone { gone } else { "" }
        );
    };
    section(&mut s, "Findings introduced", d.introduced.len());
    for f in &d.introduced {
        finding(&mut s, f, "");
    }
    section(&mut s, "Findings changed", d.changed_findings.len());
    for c in &d.changed_findings {
        finding(&mut s, &c.after, "");
        let _ = writeln!(s, "      was: {}", c.before.message);
    }
    section(&mut s, "Findings fixed", d.fixed.len());
    for f in &d.fixed {
        finding(&mut s, f, GONE);
    }
    if !d.readiness.is_empty() {
        s.push_str("\nReadiness (blocking gates)\n");
        for p in &d.readiness {
            let _ = writeln!(
                s,
                "  {}: {} → {}{}",
                p.plan,
                state(p.before.as_ref()),
                state(p.after.as_ref()),
                gate_changes(p)
            );
        }
    }
    s
}

/// The JSON document (see README.md, `dep-ls diff`, for the shape).
pub fn json(d: &Diff, h: &Header) -> String {
    #[derive(Serialize)]
    struct Summary {
        added: usize,
        removed: usize,
        retitled: usize,
        changed: usize,
        suspect_links: usize,
        findings_introduced: usize,
        findings_changed: usize,
        errors_introduced: usize,
        findings_fixed: usize,
        ready_before: Option<bool>,
        ready_after: Option<bool>,
    }
    #[derive(Serialize)]
    struct Ids<'a> {
        added: &'a [super::Place],
        removed: &'a [super::Place],
        retitled: &'a [super::Retitled],
        changed: &'a [super::Changed],
    }
    #[derive(Serialize)]
    struct Findings<'a> {
        introduced: &'a [DiffFinding],
        changed: &'a [ChangedFinding],
        fixed: &'a [DiffFinding],
    }
    #[derive(Serialize)]
    struct Doc<'a> {
        version: u32,
        from: &'a Side,
        to: &'a Side,
        path: &'a str,
        summary: Summary,
        ids: Ids<'a>,
        suspect_links: &'a [super::Suspect],
        findings: Findings<'a>,
        readiness: &'a [PlanDiff],
    }
    let (ready_before, ready_after) = d.ready();
    let doc = Doc {
        version: 1,
        from: &h.from,
        to: &h.to,
        path: &h.path,
        summary: Summary {
            added: d.added.len(),
            removed: d.removed.len(),
            retitled: d.retitled.len(),
            changed: d.changed.len(),
            suspect_links: d.suspects.len(),
            findings_introduced: d.introduced.len(),
            findings_changed: d.changed_findings.len(),
            errors_introduced: d.errors_introduced(),
            findings_fixed: d.fixed.len(),
            ready_before,
            ready_after,
        },
        ids: Ids {
            added: &d.added,
            removed: &d.removed,
            retitled: &d.retitled,
            changed: &d.changed,
        },
        suspect_links: &d.suspects,
        findings: Findings {
            introduced: &d.introduced,
            changed: &d.changed_findings,
            fixed: &d.fixed,
        },
        readiness: &d.readiness,
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string());
    s.push('\n');
    s
}

/// A Markdown table cell: no pipes or line breaks, no HTML.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\n', '\r'], " ")
}

/// Code in a table cell (backticks inside are dropped: they would end the span).
fn code(s: &str) -> String {
    format!("`{}`", cell(&s.replace('`', "'")))
}

/// Lists longer than this are folded in a `<details>` block.
const FOLD_OVER: usize = 10;

/// A section: a heading, and a table folded when it is long.
fn table(s: &mut String, title: &str, intro: &str, head: &str, rows: &[String]) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(s, "\n#### {title} ({})\n", rows.len());
    if !intro.is_empty() {
        let _ = writeln!(s, "{intro}\n");
    }
    let fold = rows.len() > FOLD_OVER;
    if fold {
        let _ = writeln!(s, "<details><summary>Show {} rows</summary>\n", rows.len());
    }
    let cols = head.matches('|').count().saturating_sub(1);
    let _ = writeln!(s, "{head}\n|{}", "---|".repeat(cols));
    for r in rows {
        let _ = writeln!(s, "{r}");
    }
    if fold {
        s.push_str("\n</details>\n");
    }
}

fn at(path: &str, line: u32) -> String {
    code(&format!("{path}:{line}"))
}

fn finding_rows(list: &[DiffFinding]) -> Vec<String> {
    list.iter()
        .map(|f| {
            format!(
                "| {} | {} | {} | {}{} |",
                f.severity.as_str(),
                code(f.code),
                at(&f.path, f.line),
                cell(&f.message),
                if f.file_gone {
                    cell(GONE)
                } else {
                    String::new()
                }
            )
        })
        .collect()
}

/// Markdown for a pull-request comment.
pub fn markdown(d: &Diff, h: &Header) -> String {
    let mut s = format!("### dep-ls diff: {}\n\n", cell(&h.title()));
    let errors = d.errors_introduced();
    let icon = if errors > 0 {
        "❌"
    } else if d.suspects.is_empty() && d.introduced.is_empty() {
        "✅"
    } else {
        "⚠️"
    };
    let _ = writeln!(s, "{icon} **{}**", cell(&summary(d)));
    if d.is_empty() {
        return s;
    }
    if !d.readiness.is_empty() {
        s.push_str(
            "\n#### Readiness (blocking gates)\n\n| Plan | Before | After | |\n|---|---|---|---|\n",
        );
        for p in &d.readiness {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                code(&p.plan),
                state(p.before.as_ref()),
                state(p.after.as_ref()),
                cell(
                    gate_changes(p)
                        .trim()
                        .trim_start_matches('(')
                        .trim_end_matches(')')
                )
            );
        }
    }
    let suspects: Vec<String> = d
        .suspects
        .iter()
        .map(|x| {
            format!(
                "| {} {} | {} | {} | {} |",
                code(&x.entry.id),
                cell(&x.entry.title),
                at(&x.entry.path, x.entry.line),
                code(&x.target),
                cell(&format!(
                    "{}{}",
                    reason_text(x.reason, &x.what),
                    status_note(x.entry_status)
                ))
            )
        })
        .collect();
    table(
        &mut s,
        "Suspect links",
        "Entries that link an ID whose definition changed or vanished: does each link still hold?",
        "| Entry | Where | Links | Because |",
        &suspects,
    );
    table(
        &mut s,
        "Findings introduced",
        "",
        "| Severity | Code | Where | Message |",
        &finding_rows(&d.introduced),
    );
    let changed: Vec<String> = d
        .changed_findings
        .iter()
        .map(|c| {
            format!(
                "| {} | {} | {} | {} | {} |",
                c.after.severity.as_str(),
                code(c.after.code),
                at(&c.after.path, c.after.line),
                cell(&c.before.message),
                cell(&c.after.message)
            )
        })
        .collect();
    table(
        &mut s,
        "Findings changed",
        "The same entry still has a finding of this code, with another message.",
        "| Severity | Code | Where | Was | Now |",
        &changed,
    );
    table(
        &mut s,
        "Findings fixed",
        "",
        "| Severity | Code | Where | Message |",
        &finding_rows(&d.fixed),
    );
    let mut ids: Vec<String> = Vec::new();
    for p in &d.added {
        ids.push(format!(
            "| added | {} | {} | {} |",
            code(&p.id),
            cell(&p.title),
            at(&p.path, p.line)
        ));
    }
    for p in &d.removed {
        ids.push(format!(
            "| removed | {} | {} | was {} |",
            code(&p.id),
            cell(&p.title),
            at(&p.path, p.line)
        ));
    }
    for r in &d.retitled {
        ids.push(format!(
            "| retitled | {} | {} → {} | {} |",
            code(&r.at.id),
            cell(&r.before),
            cell(&r.at.title),
            at(&r.at.path, r.at.line)
        ));
    }
    for c in &d.changed {
        let mut what = fields_list(&c.fields);
        if let Some(m) = &c.moved_from {
            if !what.is_empty() {
                what.push_str("; ");
            }
            let _ = write!(what, "moved from {m}");
        }
        ids.push(format!(
            "| changed | {} | {}: {} | {} |",
            code(&c.at.id),
            cell(&c.at.title),
            cell(&what),
            at(&c.at.path, c.at.line)
        ));
    }
    table(
        &mut s,
        "IDs",
        "",
        "| | ID | Title / what changed | Where |",
        &ids,
    );
    // The values of the changed fields, folded: what a reviewer reads next.
    let mut lines = Vec::new();
    for c in &d.changed {
        for v in values(&c.fields) {
            lines.push(format!("- {} {}", code(&c.at.id), cell(&v)));
        }
    }
    if !lines.is_empty() {
        let _ = writeln!(
            s,
            "\n<details><summary>Changed values ({})</summary>\n\n{}\n\n</details>",
            lines.len(),
            lines.join("\n")
        );
    }
    s
}

/// A value cut to `n` characters (`…` added).
fn short(v: &str, n: usize) -> String {
    if v.chars().count() <= n {
        v.to_string()
    } else {
        let cut: String = v.chars().take(n).collect();
        format!("{cut}…")
    }
}

/// One line per changed field with its values: `Threshold: high → >2% for 5 minutes`,
/// `+Owner: QA`, `-Description: …` (pseudo-fields have no values to show).
fn values(fields: &[FieldChange]) -> Vec<String> {
    const N: usize = 100;
    fields
        .iter()
        .filter(|f| !f.field.starts_with('('))
        .map(|f| {
            let (b, a) = (f.before.as_deref(), f.after.as_deref());
            match (b, a) {
                (Some(b), Some(a)) => format!("{}: {} → {}", f.field, short(b, N), short(a, N)),
                (None, Some(a)) => format!("+{}: {}", f.field, short(a, N)),
                (Some(b), None) => format!("-{}: {}", f.field, short(b, N)),
                (None, None) => f.label(),
            }
        })
        .collect()
}

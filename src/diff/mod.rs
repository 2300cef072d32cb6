//! What a change does to the trace graph: two loaded workspaces (before and after) in, a
//! [`Diff`] out. Pure: no I/O (reading a git revision is the command line's job,
//! `cli::diff`). Here: the model, IDs and suspect links, readiness; `findings.rs` pairs the
//! two sides' findings; [`render`] gives human text, JSON and Markdown for a pull-request
//! comment.
//!
//! - **IDs** added, removed, retitled (the title changed) and changed (a field of the entry, its
//!   fenced code, or its prose changed; each changed field named, with both values, literal
//!   secrets redacted). An ID defined before and after is compared through its first
//!   definition after and the definition before in the same file (else the first); a change in
//!   how many entries define it is the pseudo-field `(definitions)`. Values are compared with
//!   their whitespace collapsed and prose without Markdown marks, so a re-wrapped paragraph or
//!   a `**Key:**` rewritten as `Key:` is no change. An entry that only moved to another file is
//!   `moved`, not changed.
//! - **Suspect links**: the entries of the *after* tree that link an ID whose definition changed
//!   (retitled or changed) or vanished, found by [`crate::trace::incoming`] (ranges covering it
//!   included). A reviewer re-reads each: does the link still hold? A new or dropped duplicate
//!   definition alone makes no link suspect (`duplicate-id` says what is wrong).
//! - **Findings introduced, changed and fixed**, matched without line numbers (see
//!   [`FindingKey`]): an unrelated line shift is none of them.
//! - **Readiness** before → after, per plan ([`crate::report`]): blocking gates passed, ready
//!   or blocked, gates newly failing or passing.
//!
//! A [`Scope`] restricts what is reported to a folder or file (`dep-ls diff REV PATH`): IDs
//! defined there (before or after), findings in its files, the plans with an entry there, and
//! suspect links whose linking entry or target is there.

mod findings;
pub mod render;

pub use findings::{head, match_findings, FindingKey, Matched};

use crate::check::Severity;
use crate::report::{Lines, TextLines};
use crate::syntax::{normalize_key, Entry};
use crate::workspace::Workspace;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What a diff reports on: a folder of the workspace (root-relative, `""`: all) or one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    pub folder: String,
    pub file: Option<String>,
}

impl Scope {
    /// The whole workspace.
    pub fn all() -> Scope {
        Scope::default()
    }

    /// Is this root-relative path reported?
    pub fn covers(&self, path: &str) -> bool {
        match &self.file {
            Some(f) => f == path,
            None => crate::root::is_within(path, &self.folder),
        }
    }
}

/// An ID's place: its (first) definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Place {
    pub id: String,
    pub title: String,
    /// Workspace-relative path (the command line rewrites it as shown).
    pub path: String,
    /// 1-based line of the definition.
    pub line: u32,
}

/// An ID whose title changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Retitled {
    /// Where it is defined now (title: the new one).
    #[serde(flatten)]
    pub at: Place,
    pub before: String,
}

/// How one field of an entry changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Removed,
    Changed,
}

/// One changed field (or pseudo-field: `(code)`, `(text)`, `(definitions)`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// The key as written after (before, when removed).
    pub field: String,
    pub change: Change,
    /// The value, whitespace collapsed (`None` when absent on that side).
    pub before: Option<String>,
    pub after: Option<String>,
}

impl FieldChange {
    /// How a list names it: the key (`+Key` added, `-Key` removed), `(code)`, `(text)`, or
    /// `defined 1× → 2×`.
    pub fn label(&self) -> String {
        match (self.field.as_str(), self.change) {
            ("(definitions)", _) => format!(
                "defined {}× → {}×",
                self.before.as_deref().unwrap_or("?"),
                self.after.as_deref().unwrap_or("?")
            ),
            (_, Change::Added) => format!("+{}", self.field),
            (_, Change::Removed) => format!("-{}", self.field),
            (_, Change::Changed) => self.field.clone(),
        }
    }
}

/// An ID whose entry changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Changed {
    #[serde(flatten)]
    pub at: Place,
    /// The changed fields, in the entry's order (removed ones last). Empty when it only moved.
    pub fields: Vec<FieldChange>,
    /// The file it was defined in before, when that differs.
    pub moved_from: Option<String>,
}

impl Changed {
    /// Did the definition's content change (not only its file)?
    pub fn content_changed(&self) -> bool {
        !self.fields.is_empty()
    }
}

/// Why a link is suspect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reason {
    /// The linked ID is defined nowhere any more.
    Removed,
    /// Its title changed.
    Retitled,
    /// Its entry changed (fields, code or text).
    Changed,
}

/// What happened to the linking entry itself in the same change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryStatus {
    Unchanged,
    /// Edited in this change too (its author may have re-read the link already).
    Changed,
    /// New in this change.
    Added,
}

/// An entry of the after tree that links an ID whose definition changed or vanished.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suspect {
    /// The linking entry (line: where it first links the target).
    pub entry: Place,
    pub entry_status: EntryStatus,
    /// The linked ID.
    pub target: String,
    pub reason: Reason,
    /// For `changed` / `retitled`: what changed in the target (field names, `title`).
    pub what: Vec<String>,
}

/// A finding on one side of the diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiffFinding {
    pub code: &'static str,
    pub severity: Severity,
    pub path: String,
    /// 1-based line in that side's file.
    pub line: u32,
    pub id: Option<String>,
    pub message: String,
    /// For a fixed finding: its file is no longer part of the workspace (deleted, renamed, now
    /// ignored or a nested workspace), so it left rather than was fixed. Always false for an
    /// introduced one.
    pub file_gone: bool,
}

/// A finding of an entry still there, with the same code and another message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChangedFinding {
    pub before: DiffFinding,
    pub after: DiffFinding,
}

/// One plan's readiness on one side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlanState {
    /// Blocking gates passed, of `total`.
    pub passed: usize,
    pub total: usize,
    pub ready: bool,
    /// The keys of the blocking gates that fail.
    pub failing: Vec<&'static str>,
}

/// One plan's readiness before and after (`None`: no such plan on that side).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlanDiff {
    /// The plan as `dep-ls report` names it (`workspace`, a folder or a file).
    pub plan: String,
    pub before: Option<PlanState>,
    pub after: Option<PlanState>,
}

impl PlanDiff {
    /// Blocking gates that fail after and did not before.
    pub fn newly_failing(&self) -> Vec<&'static str> {
        let before = self.before.as_ref().map(|s| s.failing.as_slice());
        match &self.after {
            Some(a) => a
                .failing
                .iter()
                .filter(|k| !before.unwrap_or(&[]).contains(k))
                .copied()
                .collect(),
            None => Vec::new(),
        }
    }

    /// Blocking gates that failed before and pass after.
    pub fn newly_passing(&self) -> Vec<&'static str> {
        match (&self.before, &self.after) {
            (Some(b), Some(a)) => b
                .failing
                .iter()
                .filter(|k| !a.failing.contains(k))
                .copied()
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The whole diff.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Diff {
    pub added: Vec<Place>,
    pub removed: Vec<Place>,
    pub retitled: Vec<Retitled>,
    /// IDs whose entry changed (moved-only ones included, with no fields).
    pub changed: Vec<Changed>,
    pub suspects: Vec<Suspect>,
    pub introduced: Vec<DiffFinding>,
    pub fixed: Vec<DiffFinding>,
    /// Findings of an entry still there with the same code and another message.
    pub changed_findings: Vec<ChangedFinding>,
    pub readiness: Vec<PlanDiff>,
}

impl Diff {
    /// Error-severity findings this change introduces (the exit code's question): the new
    /// ones, and the changed ones that are errors now (a new message may name a new problem:
    /// `TEST-010 is not defined` became `TEST-011 is not defined`).
    pub fn errors_introduced(&self) -> usize {
        self.introduced
            .iter()
            .chain(self.changed_findings.iter().map(|c| &c.after))
            .filter(|f| f.severity == Severity::Error)
            .count()
    }

    /// Nothing changed at all (IDs, findings, readiness).
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.retitled.is_empty()
            && self.changed.is_empty()
            && self.introduced.is_empty()
            && self.fixed.is_empty()
            && self.changed_findings.is_empty()
            && self.readiness.iter().all(|p| p.before == p.after)
    }

    /// Ready before / after: `None` when that side has no plan in scope.
    pub fn ready(&self) -> (Option<bool>, Option<bool>) {
        let side = |f: fn(&PlanDiff) -> Option<&PlanState>| {
            let states: Vec<&PlanState> = self.readiness.iter().filter_map(f).collect();
            (!states.is_empty()).then(|| states.iter().all(|s| s.ready))
        };
        (side(|p| p.before.as_ref()), side(|p| p.after.as_ref()))
    }

    /// Rewrites every path (the command line shows them relative to the folder given).
    pub fn map_paths(&mut self, f: &dyn Fn(&str) -> String) {
        let places = self
            .added
            .iter_mut()
            .chain(self.removed.iter_mut())
            .chain(self.retitled.iter_mut().map(|r| &mut r.at))
            .chain(self.changed.iter_mut().map(|c| &mut c.at))
            .chain(self.suspects.iter_mut().map(|s| &mut s.entry));
        for p in places {
            p.path = f(&p.path);
        }
        for c in &mut self.changed {
            if let Some(m) = &mut c.moved_from {
                *m = f(m);
            }
        }
        let changed = self
            .changed_findings
            .iter_mut()
            .flat_map(|c| [&mut c.before, &mut c.after]);
        for x in self
            .introduced
            .iter_mut()
            .chain(self.fixed.iter_mut())
            .chain(changed)
        {
            x.path = f(&x.path);
        }
        for p in &mut self.readiness {
            if p.plan != "workspace" {
                p.plan = f(&p.plan);
            }
        }
    }
}

/// Compares two workspaces (the same folder at two points in time) within `scope`.
pub fn diff(before: &Workspace, after: &Workspace, scope: &Scope) -> Diff {
    let mut lines_b = TextLines::new(before.files.iter().map(|f| (f.path.as_str(), &*f.text)));
    let mut lines_a = TextLines::new(after.files.iter().map(|f| (f.path.as_str(), &*f.text)));
    let defs_b = snapshots(before, &mut lines_b);
    let defs_a = snapshots(after, &mut lines_a);
    let in_scope = |id: &str| {
        let on = |d: &BTreeMap<String, Vec<Snapshot>>| {
            d.get(id)
                .is_some_and(|v| v.iter().any(|s| scope.covers(&s.place.path)))
        };
        on(&defs_b) || on(&defs_a)
    };

    let mut out = Diff::default();
    // Every changed or vanished ID of the workspace (suspects may lie in scope when it does not).
    let mut touched: Vec<(String, Reason, Vec<String>)> = Vec::new();
    for (id, b) in &defs_b {
        let Some(a) = defs_a.get(id) else {
            touched.push((id.clone(), Reason::Removed, Vec::new()));
            if in_scope(id) {
                out.removed.push(b[0].place.clone());
            }
            continue;
        };
        // The definition compared: the first after, with the one before in the same file (else
        // the first before).
        let a0 = &a[0];
        let b0 = same_file(b, &a0.place.path).unwrap_or(&b[0]);
        let retitled = b0.title != a0.title;
        let mut fields = compare(b0, a0);
        if b.len() != a.len() {
            fields.push(FieldChange {
                field: "(definitions)".to_string(),
                change: Change::Changed,
                before: Some(b.len().to_string()),
                after: Some(a.len().to_string()),
            });
        }
        // Moved: the files defining it changed, not their number (a new duplicate is no move).
        let moved = b.len() == a.len() && files(b) != files(a);
        // A new or dropped duplicate alone makes no link suspect: the `duplicate-id` finding
        // says what is wrong.
        let count_only = !retitled && fields.iter().all(|f| f.field == "(definitions)");
        if !count_only {
            let mut what: Vec<String> = Vec::new();
            if retitled {
                what.push("title".to_string());
            }
            what.extend(fields.iter().map(FieldChange::label));
            let reason = if fields.is_empty() {
                Reason::Retitled
            } else {
                Reason::Changed
            };
            touched.push((id.clone(), reason, what));
        }
        if !in_scope(id) {
            continue;
        }
        if retitled {
            out.retitled.push(Retitled {
                at: a0.place.clone(),
                before: b0.place.title.clone(),
            });
        }
        if !fields.is_empty() || moved {
            out.changed.push(Changed {
                at: a0.place.clone(),
                fields,
                moved_from: moved.then(|| b0.place.path.clone()),
            });
        }
    }
    for (id, a) in &defs_a {
        if !defs_b.contains_key(id) && in_scope(id) {
            out.added.push(a[0].place.clone());
        }
    }
    for list in [&mut out.added, &mut out.removed] {
        list.sort_by(|x, y| (&x.path, x.line, &x.id).cmp(&(&y.path, y.line, &y.id)));
    }
    out.retitled.sort_by(|x, y| place_order(&x.at, &y.at));
    out.changed.sort_by(|x, y| place_order(&x.at, &y.at));

    out.suspects = suspects(after, &mut lines_a, &touched, &defs_b, &defs_a, scope);
    let f = findings::findings(before, after, scope, &mut lines_b, &mut lines_a);
    out.introduced = f.introduced;
    out.fixed = f.fixed;
    out.changed_findings = f.changed;
    out.readiness = readiness(before, after, scope, &mut lines_b, &mut lines_a);
    out
}

/// The files defining an ID.
fn files(v: &[Snapshot]) -> BTreeSet<&str> {
    v.iter().map(|s| s.place.path.as_str()).collect()
}

/// The definition of `v` in file `path`, if one is there.
fn same_file<'s>(v: &'s [Snapshot], path: &str) -> Option<&'s Snapshot> {
    v.iter().find(|s| s.place.path == path)
}

fn place_order(x: &Place, y: &Place) -> std::cmp::Ordering {
    (&x.path, x.line, &x.id).cmp(&(&y.path, y.line, &y.id))
}

/// What is compared of one definition.
struct Snapshot {
    place: Place,
    /// Title, whitespace collapsed.
    title: String,
    /// Fields in order: (key as written, normalised key, value collapsed).
    fields: Vec<(String, String, String)>,
    /// The fenced code lines, joined.
    code: String,
    /// The entry's prose ([`prose`]).
    text: String,
}

/// Whitespace collapsed to single spaces, trimmed.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every defined ID's definitions (headings and lines before the table rows that only list it;
/// each group in path and text order).
fn snapshots(ws: &Workspace, lines: &mut dyn Lines) -> BTreeMap<String, Vec<Snapshot>> {
    let mut out: BTreeMap<String, Vec<Snapshot>> = BTreeMap::new();
    for id in ws.index.ids() {
        // (path, the file's entries, the entry's index)
        let mut defs: Vec<(&str, &[Entry], usize)> = ws
            .index
            .definitions(id)
            .iter()
            .filter_map(|d| {
                let f = ws.index.file(d.file)?;
                let i = d.entry as usize;
                f.doc.entries.get(i)?;
                Some((f.path.as_str(), f.doc.entries.as_slice(), i))
            })
            .collect();
        defs.sort_by_key(|(p, es, i)| (*p, es[*i].line_span.start));
        let snaps: Vec<Snapshot> = defs
            .into_iter()
            .map(|(path, entries, i)| snapshot(ws, path, entries, i, lines))
            .collect();
        if !snaps.is_empty() {
            out.insert(id.to_string(), snaps);
        }
    }
    out
}

/// The prose of entry `i`: its text after the definition line, without the entries nested in
/// it (a child's change is not its parent's), whitespace collapsed and without Markdown's
/// emphasis, heading and code marks (`**Owner:**` rewritten as `Owner:` is no change).
fn prose(text: &str, entries: &[Entry], i: usize) -> String {
    let e = &entries[i];
    let end = e.span.end.max(e.line_span.end);
    let mut pieces: Vec<&str> = Vec::new();
    let mut at = e.line_span.end;
    // Entries are in text order: the nested ones follow it.
    for n in entries[i + 1..]
        .iter()
        .take_while(|n| n.line_span.start < end)
    {
        if n.line_span.start >= at {
            pieces.push(text.get(at..n.line_span.start).unwrap_or(""));
        }
        at = at.max(n.span.end.max(n.line_span.end));
    }
    if at < end {
        pieces.push(text.get(at..end).unwrap_or(""));
    }
    let joined: String = pieces
        .concat()
        .chars()
        .filter(|c| !matches!(c, '*' | '_' | '#' | '`'))
        .collect();
    collapse(&joined)
}

fn snapshot(
    ws: &Workspace,
    path: &str,
    entries: &[Entry],
    i: usize,
    lines: &mut dyn Lines,
) -> Snapshot {
    let e = &entries[i];
    let code: Vec<&str> = e.code.iter().map(|c| c.text.as_str()).collect();
    Snapshot {
        place: Place {
            id: e.id.to_string(),
            title: collapse(&e.title),
            path: path.to_string(),
            line: lines.line(path, e.id_span.start),
        },
        title: collapse(&e.title),
        fields: e
            .fields
            .iter()
            .map(|f| {
                (
                    f.key.to_string(),
                    normalize_key(&f.key).to_string(),
                    collapse(&f.value),
                )
            })
            .collect(),
        code: code.join("\n"),
        text: prose(ws.text(path).unwrap_or(""), entries, i),
    }
}

/// A value with each literal secret in it ([`crate::check::values::find_secrets`], as the
/// `plaintext-secret` check finds them) replaced by `[secret: what]`: the diff is posted to
/// pull requests and must not copy a secret there.
fn redact(value: &str) -> String {
    let mut found = crate::check::values::find_secrets(value, true);
    if found.is_empty() {
        return value.to_string();
    }
    found.sort_by_key(|(span, _)| std::cmp::Reverse(span.start));
    let mut out = value.to_string();
    let mut last = usize::MAX;
    for (span, what) in found {
        // Overlapping or odd spans: keep the first (from the end) that is whole.
        if span.end > last || out.get(span.clone()).is_none() {
            continue;
        }
        out.replace_range(span.clone(), &format!("[secret: {what}]"));
        last = span.start;
    }
    out
}

/// The fields (and pseudo-fields) that differ between two definitions of an ID.
fn compare(b: &Snapshot, a: &Snapshot) -> Vec<FieldChange> {
    // Per normalised key, its values in order (a key written twice is compared as a list).
    type Group<'s> = (String, Vec<&'s str>);
    fn groups(s: &Snapshot) -> Vec<(String, Group<'_>)> {
        let mut out: Vec<(String, Group<'_>)> = Vec::new();
        for (key, norm, value) in &s.fields {
            match out.iter_mut().find(|(n, _)| n == norm) {
                Some((_, (_, vs))) => vs.push(value),
                None => out.push((norm.clone(), (key.clone(), vec![value.as_str()]))),
            }
        }
        out
    }
    let (gb, ga) = (groups(b), groups(a));
    let joined = |vs: &[&str]| redact(&vs.join(" | "));
    let mut out = Vec::new();
    for (norm, (key, va)) in &ga {
        match gb.iter().find(|(n, _)| n == norm) {
            None => out.push(FieldChange {
                field: key.clone(),
                change: Change::Added,
                before: None,
                after: Some(joined(va)),
            }),
            Some((_, (_, vb))) if vb != va => out.push(FieldChange {
                field: key.clone(),
                change: Change::Changed,
                before: Some(joined(vb)),
                after: Some(joined(va)),
            }),
            Some(_) => {}
        }
    }
    for (norm, (key, vb)) in &gb {
        if !ga.iter().any(|(n, _)| n == norm) {
            out.push(FieldChange {
                field: key.clone(),
                change: Change::Removed,
                before: Some(joined(vb)),
                after: None,
            });
        }
    }
    if b.code != a.code {
        out.push(FieldChange {
            field: "(code)".to_string(),
            change: Change::Changed,
            before: None,
            after: None,
        });
    }
    // Prose (text outside fields, code and title): only when nothing above explains the change.
    if out.is_empty() && b.title == a.title && b.text != a.text {
        out.push(FieldChange {
            field: "(text)".to_string(),
            change: Change::Changed,
            before: None,
            after: None,
        });
    }
    out
}

/// The entries of the after tree that link a touched ID.
fn suspects(
    after: &Workspace,
    lines: &mut dyn Lines,
    touched: &[(String, Reason, Vec<String>)],
    defs_b: &BTreeMap<String, Vec<Snapshot>>,
    defs_a: &BTreeMap<String, Vec<Snapshot>>,
    scope: &Scope,
) -> Vec<Suspect> {
    let target_in_scope = |id: &str| {
        [defs_b, defs_a].iter().any(|d| {
            d.get(id)
                .is_some_and(|v| v.iter().any(|s| scope.covers(&s.place.path)))
        })
    };
    // What happened to the linking entry (ID, file): new there, edited, or not.
    let status = |id: &str, path: &str| -> EntryStatus {
        let before = defs_b.get(id).and_then(|v| same_file(v, path));
        let after = defs_a.get(id).and_then(|v| same_file(v, path));
        match (before, after) {
            (None, _) => EntryStatus::Added,
            (Some(b), Some(a)) if b.text != a.text || b.title != a.title => EntryStatus::Changed,
            _ => EntryStatus::Unchanged,
        }
    };
    let mut out = Vec::new();
    for (id, reason, what) in touched {
        let target_here = target_in_scope(id);
        for inc in crate::trace::incoming(&after.index, id) {
            if !(target_here || scope.covers(&inc.path)) {
                continue;
            }
            let at = inc.spans.first().map_or(0, |s| s.start);
            out.push(Suspect {
                entry: Place {
                    id: inc.id.clone(),
                    title: collapse(&inc.title),
                    path: inc.path.clone(),
                    line: lines.line(&inc.path, at),
                },
                entry_status: status(&inc.id, &inc.path),
                target: id.clone(),
                reason: *reason,
                what: what.clone(),
            });
        }
    }
    out.sort_by(|x, y| {
        (&x.entry.path, x.entry.line, &x.entry.id, &x.target).cmp(&(
            &y.entry.path,
            y.entry.line,
            &y.entry.id,
            &y.target,
        ))
    });
    out
}

/// Each plan in scope, before and after.
fn readiness(
    before: &Workspace,
    after: &Workspace,
    scope: &Scope,
    lines_b: &mut dyn Lines,
    lines_a: &mut dyn Lines,
) -> Vec<PlanDiff> {
    let states = |ws: &Workspace, lines: &mut dyn Lines| -> BTreeMap<String, PlanState> {
        crate::report::build(&ws.index, &ws.config, lines)
            .plans
            .iter()
            .filter(|p| p.members.iter().any(|(path, _)| scope.covers(path)))
            .map(|p| {
                let blocking: Vec<&crate::report::Gate> = p
                    .gates
                    .iter()
                    .chain(&p.downstream)
                    .filter(|g| g.blocking)
                    .collect();
                (
                    p.display_name(),
                    PlanState {
                        passed: blocking.iter().filter(|g| g.pass).count(),
                        total: blocking.len(),
                        ready: !p.blocked(),
                        failing: blocking.iter().filter(|g| !g.pass).map(|g| g.key).collect(),
                    },
                )
            })
            .collect()
    };
    let (mut b, mut a) = (states(before, lines_b), states(after, lines_a));
    let keys: BTreeSet<String> = b.keys().chain(a.keys()).cloned().collect();
    keys.into_iter()
        .map(|plan| PlanDiff {
            before: b.remove(&plan),
            after: a.remove(&plan),
            plan,
        })
        .collect()
}

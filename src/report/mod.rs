//! Release readiness: the guide's quality gates and downstream links evaluated per plan, with
//! counts and the environment progression. Pure: index + config (+ a way to turn byte offsets
//! into line numbers) in, a [`Report`] out. Here: the model, the plans and `build`; the gates
//! are judged in `gates`, the counts in `counts`, the environment progression in
//! `progression`. Renderers live in [`render`], the trace graph in [`graph`].
//!
//! Gates (the guide's "Quality Gates", all **blocking**: the guide lists them as what must hold
//! "before proceeding to Runbook Creation", so a plan failing one is not ready):
//! `environments`, `criteria`, `rollback`, `validation`, `owners`, `traceability`; and one of
//! dep-ls's own, `check`: no error-severity finding of `dep-ls check` in the plan's files (a
//! plaintext secret, a duplicate ID, …), so that the report never says ready where `check`
//! fails. Zero items never pass a gate: a gate with nothing to judge says what is missing.
//! Downstream links (the guide's "Downstream Connections", **advisory**: runbooks, monitors and
//! the GTM handover are produced by later phases and do not stop a release by themselves):
//! `runbooks` (DEP→RUN-), `monitoring` (DEP→MON-), `gtm` (GTM- launch consumes this readiness:
//! it passes when every gate does; DEP- entries need not link GTM- IDs).

mod counts;
mod gates;
pub mod graph;
mod progression;
pub mod render;

use crate::check::plan::plan_key;
use crate::check::values::placeholders;
use crate::config::Config;
use crate::index::Index;
use crate::schema::EntryType;
use crate::syntax::{id_prefix, is_link_list_key, Entry, LinkItem};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Turns a byte offset of a workspace file into a 1-based line number.
pub trait Lines {
    fn line(&mut self, path: &str, offset: usize) -> u32;
}

/// [`Lines`] over the texts of a workspace's files, with a line index cached per file.
pub struct TextLines<'a> {
    texts: HashMap<&'a str, &'a str>,
    cache: crate::text::LineIndexCache,
}

impl<'a> TextLines<'a> {
    /// From (workspace-relative path, text) pairs.
    pub fn new(texts: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        TextLines {
            texts: texts.into_iter().collect(),
            cache: crate::text::LineIndexCache::new(),
        }
    }
}

impl Lines for TextLines<'_> {
    fn line(&mut self, path: &str, offset: usize) -> u32 {
        let Some(text) = self.texts.get(path).copied() else {
            return 1;
        };
        self.cache.get(path, text).line_of(offset.min(text.len())) as u32 + 1
    }
}

/// A place in the workspace: an entry's definition line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Loc {
    pub id: String,
    /// Workspace-relative path.
    pub path: String,
    /// 1-based.
    pub line: u32,
}

/// An entry at fault for a gate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fault {
    #[serde(flatten)]
    pub at: Loc,
    pub message: String,
}

/// One gate of the checklist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Gate {
    /// Stable key (`environments`, `criteria`, …, `gtm`).
    pub key: &'static str,
    /// The guide's wording.
    pub title: &'static str,
    pub blocking: bool,
    pub pass: bool,
    /// One line about what was found.
    pub summary: String,
    pub faults: Vec<Fault>,
}

/// Counts of one plan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub entries: usize,
    /// By Type, in the guide's order; `Step (no Type)` for procedures without `Type:`,
    /// `Unknown` for a value that names no Type.
    pub by_type: Vec<(String, usize)>,
    /// By Stage, in the guide's order, then `(none)`.
    pub by_stage: Vec<(String, usize)>,
    /// Criteria with `Blocker: Yes`, `No`, and without a valid Blocker.
    pub blockers: Blockers,
    /// Owners (as written, before any remark in parentheses) with how many entries each has.
    pub owners: Vec<(String, usize)>,
    pub without_owner: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Blockers {
    pub yes: usize,
    pub no: usize,
    pub unset: usize,
}

/// One row of the environment progression.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EnvRow {
    /// 1..4 for the guide's environments, 5 for others.
    pub stage: u8,
    pub name: String,
    /// The guide's gate for this environment (empty for others).
    pub gate: &'static str,
    /// Required by the configuration (`staging`, `production` by default).
    pub required: bool,
    /// The Environment entries documenting it (usually one).
    pub entries: Vec<Loc>,
    /// The first entry's Environment fields in template order: key, value (None: absent or a
    /// placeholder). `Configuration` holds the count of keys (`9 keys`).
    pub fields: Vec<(String, Option<String>)>,
}

/// The readiness of one plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlanReport {
    /// The plan key (`""` for the whole workspace, else the folder or file).
    pub plan: String,
    /// The plan's first DEP- entry (where its code lens and plan-level findings go).
    pub first: Loc,
    pub gates: Vec<Gate>,
    pub downstream: Vec<Gate>,
    pub counts: Counts,
    pub environments: Vec<EnvRow>,
    /// The plan's DEP- entries (path, entry index), for the graph.
    #[serde(skip)]
    pub members: Vec<(String, usize)>,
}

impl PlanReport {
    pub fn gates_passed(&self) -> usize {
        self.gates.iter().filter(|g| g.pass).count()
    }
    /// Does a blocking gate fail?
    pub fn blocked(&self) -> bool {
        self.gates
            .iter()
            .chain(&self.downstream)
            .any(|g| g.blocking && !g.pass)
    }
    /// `"release/"`, or `"workspace"` for the default scope.
    pub fn display_name(&self) -> String {
        if self.plan.is_empty() {
            "workspace".to_string()
        } else {
            self.plan.clone()
        }
    }
}

/// The report: every plan of a workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    pub plans: Vec<PlanReport>,
}

impl Report {
    /// Ready means: no plan fails a blocking gate. A workspace without a plan is not blocked
    /// (`dep-ls report` says so and exits 0; `--require-plan` makes it fail).
    pub fn ready(&self) -> bool {
        !self.plans.iter().any(PlanReport::blocked)
    }

    /// The workspace (or the file asked about) has no DEP- plan.
    pub fn no_plan(&self) -> bool {
        self.plans.is_empty()
    }
}

/// The plans of a workspace: plan key → DEP- entries (path, entry index) in path order.
pub fn plans(index: &Index, config: &Config) -> BTreeMap<String, Vec<(String, usize)>> {
    let mut out: BTreeMap<String, Vec<(String, usize)>> = BTreeMap::new();
    for (_, f) in index.files_sorted() {
        for (i, e) in f.doc.entries.iter().enumerate() {
            if e.is_dep_block() && !e.is_template() {
                out.entry(plan_key(&f.path, config.plan))
                    .or_default()
                    .push((f.path.clone(), i));
            }
        }
    }
    out
}

/// The report of every plan.
pub fn build(index: &Index, config: &Config, lines: &mut dyn Lines) -> Report {
    let plan_findings = crate::check::plan::check_plans(index, config);
    let plans = plans(index, config)
        .into_iter()
        .map(|(key, members)| build_plan(index, config, key, members, &plan_findings, lines))
        .collect();
    Report { plans }
}

/// The error-severity findings `dep-ls check` reports in a plan's files (each file's own, and
/// the plan-level ones placed in it), as faults of the `check` gate.
fn check_errors(
    index: &Index,
    config: &Config,
    members: &[(String, usize)],
    plan_findings: &[crate::check::Finding],
    lines: &mut dyn Lines,
) -> Vec<Fault> {
    use crate::check::Severity;
    let mut paths: Vec<&str> = members.iter().map(|(p, _)| p.as_str()).collect();
    paths.dedup();
    let mut out = Vec::new();
    for path in paths {
        let Some(f) = index.file_id(path).and_then(|id| index.file(id)) else {
            continue;
        };
        let mut found = crate::check::entry::check_file(path, &f.doc, index, config);
        found.extend(plan_findings.iter().filter(|x| x.path == path).cloned());
        // What `check` suppresses does not block here either.
        crate::check::suppress::apply(path, &f.doc, &mut found, config);
        found.retain(|x| x.severity == Severity::Error);
        found.sort_by_key(|x| (x.span.start, x.code));
        for x in found {
            out.push(Fault {
                at: Loc {
                    id: x.id.clone().unwrap_or_default(),
                    path: path.to_string(),
                    line: lines.line(path, x.span.start),
                },
                message: format!("{}: {}", x.code.as_str(), x.message),
            });
        }
    }
    out
}

/// The report of the plan whose first entry is in `path`, if any (for code lenses).
pub fn plan_starting_in(
    index: &Index,
    config: &Config,
    path: &str,
    lines: &mut dyn Lines,
) -> Vec<PlanReport> {
    let starting: Vec<(String, Vec<(String, usize)>)> = plans(index, config)
        .into_iter()
        .filter(|(_, m)| m.first().is_some_and(|(p, _)| p == path))
        .collect();
    if starting.is_empty() {
        return Vec::new();
    }
    let plan_findings = crate::check::plan::check_plans(index, config);
    starting
        .into_iter()
        .map(|(key, members)| build_plan(index, config, key, members, &plan_findings, lines))
        .collect()
}

fn entry_of<'i>(index: &'i Index, path: &str, i: usize) -> Option<&'i Entry> {
    let f = index.file(index.file_id(path)?)?;
    f.doc.entries.get(i)
}

/// The Type an entry is checked as (like the plan checks): no `Type:` → Step.
fn kind(e: &Entry) -> Result<EntryType, bool> {
    match e.type_field {
        None => Ok(EntryType::Step),
        Some(Some(t)) => Ok(t),
        Some(None) => Err(false),
    }
}

/// A field's value when it is present, non-empty and holds no template placeholder.
fn filled<'e>(e: &'e Entry, key: &str) -> Option<&'e str> {
    let f = e.field(key)?;
    let v = f.value.trim();
    if f.heading {
        return Some(v);
    }
    (!v.is_empty() && placeholders(v).is_empty()).then_some(v)
}

/// Why a required field does not count: absent, empty or a placeholder.
fn lacking(e: &Entry, key: &str) -> Option<String> {
    match e.field(&key.to_ascii_lowercase()) {
        None => Some(format!("no `{key}:`")),
        Some(f) if f.value.trim().is_empty() && !f.heading => Some(format!("`{key}:` is empty")),
        Some(f) if !placeholders(&f.value).is_empty() => Some(format!(
            "`{key}:` still holds the template placeholder {}",
            f.value.trim()
        )),
        Some(_) => None,
    }
}

/// The IDs an entry links (its link-list fields; both ends of a range), split by whether they
/// are defined.
struct Links {
    /// Defined IDs it links.
    defined: Vec<String>,
    /// IDs or range ends it links that are defined nowhere.
    undefined: Vec<String>,
}

/// The IDs an entry links (see [`Links`]).
fn links(e: &Entry, index: &Index) -> Links {
    let (mut ok, mut bad) = (Vec::new(), Vec::new());
    for f in &e.fields {
        if !is_link_list_key(&f.norm_key()) {
            continue;
        }
        for item in &f.items {
            match item {
                LinkItem::Id(r) => {
                    if index.is_defined(&r.id) {
                        ok.push(r.id.to_string());
                    } else {
                        bad.push(r.id.to_string());
                    }
                }
                LinkItem::Range { start, end, .. } => {
                    for r in [start, end] {
                        if index.is_defined(&r.id) {
                            ok.push(r.id.to_string());
                        } else {
                            bad.push(r.id.to_string());
                        }
                    }
                }
                LinkItem::UnknownPrefix(_) | LinkItem::Placeholder(_) => {}
            }
        }
    }
    Links {
        defined: ok,
        undefined: bad,
    }
}

/// Does one of `ids` have one of `prefixes`?
fn links_prefix(ids: &[String], prefixes: &[&str]) -> bool {
    ids.iter().any(|id| prefixes.contains(&id_prefix(id)))
}

fn build_plan(
    index: &Index,
    config: &Config,
    plan: String,
    members: Vec<(String, usize)>,
    plan_findings: &[crate::check::Finding],
    lines: &mut dyn Lines,
) -> PlanReport {
    let check_faults = check_errors(index, config, &members, plan_findings, lines);
    let entries: Vec<(&str, &Entry)> = members
        .iter()
        .filter_map(|(p, i)| entry_of(index, p, *i).map(|e| (p.as_str(), e)))
        .collect();
    // A fault about a field sits on the field's line; one about something absent on the entry's.
    let mut loc = |p: &str, e: &Entry, key: Option<&str>| -> Loc {
        let at = key
            .and_then(|k| e.field(k))
            .map_or(e.id_span.start, |f| e.at(f.key_span.start));
        Loc {
            id: e.id.to_string(),
            path: p.to_string(),
            line: lines.line(p, at),
        }
    };
    let first = entries
        .first()
        .map(|(p, e)| loc(p, e, None))
        .unwrap_or(Loc {
            id: String::new(),
            path: String::new(),
            line: 1,
        });
    let gates::Judged {
        gates,
        downstream,
        blockers,
        owners,
        without_owner,
        env_names,
    } = gates::judge(index, config, &entries, &first, &mut loc, check_faults);
    let counts = counts::counts(&entries, blockers, owners, without_owner);
    let environments = progression::progression(config, &env_names, &mut loc);

    PlanReport {
        plan,
        first,
        gates,
        downstream,
        counts,
        environments,
        members,
    }
}

fn one_line(v: &str) -> String {
    v.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

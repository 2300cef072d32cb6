//! Release readiness: the guide's quality gates and downstream links evaluated per plan, with
//! counts and the environment progression. Pure: index + config (+ a way to turn byte offsets
//! into line numbers) in, a [`Report`] out. Renderers live in [`render`], the trace graph in
//! [`graph`].
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

pub mod graph;
pub mod render;

use crate::check::plan::{environment_name, plan_key};
use crate::check::values::{config_keys, is_measurable, placeholders};
use crate::config::Config;
use crate::index::Index;
use crate::schema::{value_head, EntryType, Stage};
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
    cache: HashMap<String, crate::text::LineIndex>,
}

impl<'a> TextLines<'a> {
    /// From (workspace-relative path, text) pairs.
    pub fn new(texts: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        TextLines {
            texts: texts.into_iter().collect(),
            cache: HashMap::new(),
        }
    }
}

impl Lines for TextLines<'_> {
    fn line(&mut self, path: &str, offset: usize) -> u32 {
        let Some(text) = self.texts.get(path).copied() else {
            return 1;
        };
        let idx = self
            .cache
            .entry(path.to_string())
            .or_insert_with(|| crate::text::LineIndex::new(text));
        idx.line_of(offset.min(text.len())) as u32 + 1
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

/// Defined IDs an entry links (link-list fields; a range counts when both ends are defined),
/// and the IDs or range ends it links that are defined nowhere.
fn links(e: &Entry, index: &Index) -> (Vec<String>, Vec<String>) {
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
    (ok, bad)
}

fn links_prefix(ids: &[String], prefixes: &[&str]) -> bool {
    ids.iter().any(|id| prefixes.contains(&id_prefix(id)))
}

/// The guide's environment progression: name, stage, gate.
const PROGRESSION: [(&str, &str); 4] = [
    ("development", "Tests pass locally"),
    ("staging", "All TEST- pass"),
    ("preview", "Sign-off from PM"),
    ("production", "All DEP- criteria met"),
];

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
    let mut faults: BTreeMap<&'static str, Vec<Fault>> = BTreeMap::new();
    let mut fault = |gate: &'static str, at: Loc, message: String| {
        faults.entry(gate).or_default().push(Fault { at, message });
    };
    let of = |t: EntryType| -> Vec<(&str, &Entry)> {
        entries
            .iter()
            // A deprecated entry covers nothing (no gate counts it).
            .filter(|(_, e)| !e.deprecated && kind(e) == Ok(t))
            .copied()
            .collect()
    };
    let (envs, criteria, rollbacks, validations) = (
        of(EntryType::Environment),
        of(EntryType::Criteria),
        of(EntryType::Rollback),
        of(EntryType::Validation),
    );

    // environments
    let env_names: Vec<(String, &str, &Entry)> = envs
        .iter()
        .filter_map(|(p, e)| environment_name(e).map(|n| (n, *p, *e)))
        .collect();
    for req in &config.required_environments {
        if !env_names.iter().any(|(n, _, _)| n == req) {
            fault(
                "environments",
                first.clone(),
                format!("no `Type: Environment` entry with `Name: {req}`"),
            );
        }
    }
    for (p, e) in &envs {
        let missing: Vec<String> = EntryType::Environment
            .required_fields()
            .iter()
            .filter_map(|k| lacking(e, k))
            .collect();
        if !missing.is_empty() {
            fault("environments", loc(p, e, None), missing.join("; "));
        }
    }
    let env_summary = if env_names.is_empty() {
        "no Environment entry".to_string()
    } else {
        let mut names: Vec<&str> = env_names.iter().map(|(n, _, _)| n.as_str()).collect();
        names.dedup();
        format!(
            "{} Environment {}: {}",
            envs.len(),
            plural(envs.len(), "entry", "entries"),
            names.join(", ")
        )
    };

    // criteria
    let mut blockers = Blockers::default();
    if criteria.is_empty() {
        fault(
            "criteria",
            first.clone(),
            "no `Type: Criteria` entry: release criteria are not defined".into(),
        );
    }
    for (p, e) in &criteria {
        let mut why: Vec<String> = ["Requirement", "Verification"]
            .iter()
            .filter_map(|k| lacking(e, k))
            .collect();
        match e.field("blocker").map(|f| value_head(&f.value).to_string()) {
            Some(v) if v.eq_ignore_ascii_case("yes") => blockers.yes += 1,
            Some(v) if v.eq_ignore_ascii_case("no") => blockers.no += 1,
            Some(v) => {
                blockers.unset += 1;
                why.push(format!("`Blocker: {v}` is not Yes or No"));
            }
            None => {
                blockers.unset += 1;
                why.push("no `Blocker:` (Yes or No)".into());
            }
        }
        if !why.is_empty() {
            let key = e.field("blocker").map(|_| "blocker");
            fault("criteria", loc(p, e, key), why.join("; "));
        }
    }
    if !criteria.is_empty() && blockers.yes == 0 {
        fault(
            "criteria",
            first.clone(),
            format!(
                "no criterion blocks the release: none of the {} Criteria {} says `Blocker: Yes`",
                criteria.len(),
                plural(criteria.len(), "entry", "entries")
            ),
        );
    }
    let criteria_summary = if criteria.is_empty() {
        "no Criteria entry".to_string()
    } else {
        format!(
            "{} Criteria {}, {} blocking",
            criteria.len(),
            plural(criteria.len(), "entry", "entries"),
            blockers.yes
        )
    };

    // rollback
    if rollbacks.is_empty() {
        fault(
            "rollback",
            first.clone(),
            "no `Type: Rollback` entry: there is no rollback plan".into(),
        );
    }
    for (p, e) in &rollbacks {
        let mut why: Vec<String> = lacking(e, "Trigger").into_iter().collect();
        match e.field("threshold") {
            None => why.push("no `Threshold:`".into()),
            Some(f) if !is_measurable(&f.value) => why.push(format!(
                "`Threshold: {}` is not measurable (no number, comparator or unit)",
                f.value.trim()
            )),
            Some(_) => {}
        }
        if !why.is_empty() {
            let key = e.field("threshold").map(|_| "threshold");
            fault("rollback", loc(p, e, key), why.join("; "));
        }
    }
    let rollback_summary = if rollbacks.is_empty() {
        "no Rollback entry".to_string()
    } else {
        format!(
            "{} Rollback {}",
            rollbacks.len(),
            plural(rollbacks.len(), "entry", "entries")
        )
    };

    // validation
    if validations.is_empty() {
        fault(
            "validation",
            first.clone(),
            "no `Type: Validation` entry: post-deploy validation is not defined".into(),
        );
    }
    for (p, e) in &validations {
        let mut why: Vec<String> = ["Check", "Method", "Success Criteria", "Escalation"]
            .iter()
            .filter_map(|k| lacking(e, k))
            .collect();
        if let Some(v) = filled(e, "method") {
            let head = value_head(v);
            if !crate::schema::METHOD_VALUES
                .iter()
                .any(|m| m.eq_ignore_ascii_case(head))
            {
                why.push(format!("`Method: {head}` is not Manual, Automated or Both"));
            }
        }
        if !why.is_empty() {
            // On the first field at fault that is present (else the definition line).
            let key = ["check", "method", "success criteria", "escalation"]
                .into_iter()
                .find(|k| {
                    e.field(k).is_some()
                        && (lacking(e, k).is_some()
                            || (*k == "method"
                                && filled(e, k).is_some_and(|v| {
                                    !crate::schema::METHOD_VALUES
                                        .iter()
                                        .any(|m| m.eq_ignore_ascii_case(value_head(v)))
                                })))
                });
            fault("validation", loc(p, e, key), why.join("; "));
        }
    }
    // The gate is about post-deploy validation: Pre-deploy checks alone do not pass it.
    let post_deploy = validations
        .iter()
        .filter(|(_, e)| {
            e.field("stage").and_then(|f| Stage::parse(&f.value)) == Some(Stage::PostDeploy)
        })
        .count();
    if !validations.is_empty() && post_deploy == 0 {
        fault(
            "validation",
            first.clone(),
            format!(
                "no post-deploy validation: none of the {} Validation {} has `Stage: Post-deploy`",
                validations.len(),
                plural(validations.len(), "entry", "entries")
            ),
        );
    }
    let validation_summary = if validations.is_empty() {
        "no Validation entry".to_string()
    } else {
        format!(
            "{} Validation {}, {post_deploy} post-deploy",
            validations.len(),
            plural(validations.len(), "entry", "entries")
        )
    };

    // owners
    let mut owners: BTreeMap<String, usize> = BTreeMap::new();
    let mut without_owner = 0;
    for (p, e) in &entries {
        match filled(e, "owner") {
            // `TBD`, `???`, `n/a`, `Unassigned`, `-`: filler is no owner.
            // (The check's own test: report and check agree on who is no owner.)
            Some(v) if crate::check::values::is_missing_owner(v) => {
                without_owner += 1;
                fault(
                    "owners",
                    loc(p, e, Some("owner")),
                    format!("`Owner: {}` names nobody", one_line(v)),
                );
            }
            Some(v) => {
                let name = v
                    .split(" (")
                    .next()
                    .unwrap_or(v)
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim();
                *owners.entry(name.to_string()).or_default() += 1;
            }
            None => {
                without_owner += 1;
                let why = lacking(e, "Owner").unwrap_or_else(|| "no `Owner:`".into());
                fault("owners", loc(p, e, None), why);
            }
        }
    }
    let owners_summary = format!(
        "{} of {} {} an owner ({} distinct)",
        entries.len() - without_owner,
        entries.len(),
        plural(entries.len(), "entry names", "entries name"),
        owners.len()
    );

    // traceability
    let mut traced = 0;
    let mut dangling = 0;
    for (p, e) in &criteria {
        let (ok, bad) = links(e, index);
        let mut why = Vec::new();
        if links_prefix(&ok, &["EPIC", "TEST", "API"]) {
            traced += 1;
        } else {
            why.push("links no defined EPIC-, TEST- or API- ID".to_string());
        }
        if !bad.is_empty() {
            dangling += 1;
            why.push(format!("links {} defined nowhere", bad.join(", ")));
        }
        if !why.is_empty() {
            fault("traceability", loc(p, e, None), why.join("; "));
        }
    }
    if criteria.is_empty() {
        fault(
            "traceability",
            first.clone(),
            "nothing to trace: no `Type: Criteria` entry".into(),
        );
    }
    let mut trace_summary = if criteria.is_empty() {
        "no Criteria entry to trace".to_string()
    } else {
        format!(
            "{traced} of {} Criteria {} trace to EPIC-, TEST- or API- IDs",
            criteria.len(),
            plural(criteria.len(), "entry", "entries")
        )
    };
    if dangling > 0 {
        trace_summary.push_str(&format!(
            "; {dangling} {} an ID defined nowhere",
            plural(dangling, "links", "link")
        ));
    }

    // downstream
    let mut to_run = 0;
    let mut to_mon = 0;
    for (p, e) in &rollbacks {
        let (ok, _) = links(e, index);
        if links_prefix(&ok, &["RUN"]) {
            to_run += 1;
        } else {
            fault(
                "runbooks",
                loc(p, e, None),
                "links no defined RUN- runbook: its procedure has no runbook yet".into(),
            );
        }
        if links_prefix(&ok, &["MON"]) {
            to_mon += 1;
        } else {
            fault(
                "monitoring",
                loc(p, e, None),
                "links no defined MON- monitor: its threshold alerts nowhere".into(),
            );
        }
    }
    let gtm: Vec<String> = {
        let mut v: Vec<String> = entries
            .iter()
            .flat_map(|(_, e)| links(e, index).0)
            .filter(|id| id_prefix(id) == "GTM")
            .collect();
        v.sort();
        v.dedup();
        v
    };

    if rollbacks.is_empty() {
        for (gate, what) in [("runbooks", "RUN- runbook"), ("monitoring", "MON- monitor")] {
            fault(
                gate,
                first.clone(),
                format!("no `Type: Rollback` entry to link a {what}"),
            );
        }
    }
    let downstream_summary = |n: usize, what: &str| {
        if rollbacks.is_empty() {
            "no Rollback entry".to_string()
        } else {
            format!(
                "{n} of {} Rollback {} link a {what} ID",
                rollbacks.len(),
                plural(rollbacks.len(), "entry", "entries")
            )
        }
    };
    let take = |faults: &mut BTreeMap<&'static str, Vec<Fault>>, k: &str| -> Vec<Fault> {
        faults.remove(k).unwrap_or_default()
    };
    let mk =
        |key: &'static str, title: &'static str, blocking: bool, summary: String, f: Vec<Fault>| {
            Gate {
                key,
                title,
                blocking,
                pass: f.is_empty(),
                summary,
                faults: f,
            }
        };
    let gates = vec![
        mk(
            "environments",
            "All deployment environments documented (DEP- Environment type)",
            true,
            env_summary,
            take(&mut faults, "environments"),
        ),
        mk(
            "criteria",
            "Release criteria defined with clear blockers (DEP- Criteria type)",
            true,
            criteria_summary,
            take(&mut faults, "criteria"),
        ),
        mk(
            "rollback",
            "Rollback triggers specified with thresholds (DEP- Rollback type)",
            true,
            rollback_summary,
            take(&mut faults, "rollback"),
        ),
        mk(
            "validation",
            "Post-deploy validation steps defined (DEP- Validation type)",
            true,
            validation_summary,
            take(&mut faults, "validation"),
        ),
        mk(
            "owners",
            "Each DEP- entry has an owner",
            true,
            owners_summary,
            take(&mut faults, "owners"),
        ),
        mk(
            "traceability",
            "Criteria trace back to EPIC-, TEST-, API- IDs",
            true,
            trace_summary,
            take(&mut faults, "traceability"),
        ),
        mk(
            "check",
            "No errors from dep-ls check in the plan's files",
            true,
            if check_faults.is_empty() {
                "no errors".to_string()
            } else {
                format!(
                    "{} {}",
                    check_faults.len(),
                    plural(check_faults.len(), "error", "errors")
                )
            },
            check_faults,
        ),
    ];
    let failing = gates.iter().filter(|g| !g.pass).count();
    // GTM- launch consumes this readiness: the handover waits for every gate. DEP- entries
    // need not link GTM- IDs (the link runs the other way).
    let mut gtm_faults = Vec::new();
    if failing > 0 {
        gtm_faults.push(Fault {
            at: first.clone(),
            message: format!(
                "not every DEP- gate is met ({failing} of {} fail): the GTM- launch waits for this plan's readiness",
                gates.len()
            ),
        });
    }
    let mut gtm_summary = if failing > 0 {
        format!(
            "GTM- launch waits: {failing} {} {}",
            plural(failing, "gate", "gates"),
            plural(failing, "fails", "fail")
        )
    } else {
        "every gate passes: ready for the GTM- launch".to_string()
    };
    if !gtm.is_empty() {
        gtm_summary.push_str(&format!(" (links {})", gtm.join(", ")));
    }
    let downstream = vec![
        mk(
            "runbooks",
            "Rollback procedures become runbooks (DEP- → RUN-)",
            false,
            downstream_summary(to_run, "RUN-"),
            take(&mut faults, "runbooks"),
        ),
        mk(
            "monitoring",
            "Rollback thresholds inform alerting (DEP- → MON-)",
            false,
            downstream_summary(to_mon, "MON-"),
            take(&mut faults, "monitoring"),
        ),
        mk(
            "gtm",
            "All DEP- met → GTM- launch (GTM consumes this readiness)",
            false,
            gtm_summary,
            gtm_faults,
        ),
    ];

    // counts
    let mut by_type: Vec<(String, usize)> = EntryType::ALL
        .iter()
        .map(|t| (t.name().to_string(), 0))
        .collect();
    let (mut untyped, mut unknown) = (0, 0);
    let mut by_stage: Vec<(String, usize)> = Stage::ALL
        .iter()
        .map(|s| (s.name().to_string(), 0))
        .collect();
    let mut no_stage = 0;
    for (_, e) in &entries {
        match (e.type_field, kind(e)) {
            (None, _) => untyped += 1,
            (_, Ok(t)) => by_type[t as usize].1 += 1,
            (_, Err(_)) => unknown += 1,
        }
        match e.field("stage").and_then(|f| Stage::parse(&f.value)) {
            Some(s) => {
                if let Some(i) = Stage::ALL.iter().position(|x| *x == s) {
                    by_stage[i].1 += 1;
                }
            }
            None => no_stage += 1,
        }
    }
    if untyped > 0 {
        by_type.push(("Step (no Type)".into(), untyped));
    }
    if unknown > 0 {
        by_type.push(("Unknown Type".into(), unknown));
    }
    if no_stage > 0 {
        by_stage.push(("(none)".into(), no_stage));
    }
    let mut owners: Vec<(String, usize)> = owners.into_iter().collect();
    owners.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let counts = Counts {
        entries: entries.len(),
        by_type,
        by_stage,
        blockers,
        owners,
        without_owner,
    };

    // environment progression
    let mut names: Vec<String> = PROGRESSION.iter().map(|(n, _)| n.to_string()).collect();
    for (n, _, _) in &env_names {
        if !names.contains(n) {
            names.push(n.clone());
        }
    }
    let environments = names
        .into_iter()
        .map(|name| {
            let docs: Vec<(&str, &Entry)> = env_names
                .iter()
                .filter(|(n, _, _)| *n == name)
                .map(|(_, p, e)| (*p, *e))
                .collect();
            let stage = PROGRESSION
                .iter()
                .position(|(n, _)| *n == name)
                .map_or(5, |i| i as u8 + 1);
            let gate = PROGRESSION
                .iter()
                .find(|(n, _)| *n == name)
                .map_or("", |(_, g)| g);
            let fields = match docs.first() {
                None => Vec::new(),
                Some((_, e)) => [
                    "Infrastructure",
                    "Configuration",
                    "Secrets",
                    "Access",
                    "Owner",
                ]
                .iter()
                .map(|k| {
                    let v = filled(e, &k.to_ascii_lowercase()).map(|v| {
                        if *k == "Configuration" {
                            let n = config_keys(v).len();
                            if n > 0 {
                                format!("{n} {}", plural(n, "key", "keys"))
                            } else {
                                one_line(v)
                            }
                        } else {
                            one_line(v)
                        }
                    });
                    (k.to_string(), v)
                })
                .collect(),
            };
            EnvRow {
                stage,
                required: config.required_environments.contains(&name),
                gate,
                entries: docs.iter().map(|(p, e)| loc(p, e, None)).collect(),
                fields,
                name,
            }
        })
        .collect();

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

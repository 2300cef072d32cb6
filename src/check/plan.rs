//! Plan-level checks: the guide's anti-patterns across all DEP- entries of a plan. Here: the
//! per-file `PlanFacts` and their cache, and the checks of one plan (missing Types and
//! environments, `manual-validation`, `big-bang-release`); where plans are cut (`key`), what a
//! staged rollout is (`rollout`), and drift between staging and production (`drift`) in the
//! submodules.

mod drift;
mod key;
mod rollout;

pub use key::plan_key;
pub use rollout::mentions_staged_rollout;

use super::entry::Sink;
use super::{Code, Finding, Related, Severity};
use crate::config::Config;
use crate::index::Index;
use crate::schema::EntryType;
use crate::syntax::{Entry, ParsedDoc};
use drift::{drift, platform_drift};
use rollout::describes_staged_rollout;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// What one file's DEP- entries contribute to the checks of its plan. It depends on the
/// document alone, so it is computed once per version of a file ([`FactsCache`]): typing in one
/// file of a 5,000-file workspace then costs a pass over 5,000 of these, not over every entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanFacts {
    /// The index (in the document's entries) of its first DEP- entry.
    first: Option<usize>,
    /// How many DEP- entries it has.
    count: usize,
    /// Which Types occur.
    seen: [bool; EntryType::ALL.len()],
    /// The Environment entries (by index) with the environment each documents.
    envs: Vec<(usize, String)>,
    /// The first entry with `Stage: Deploy` (the plan deploys something).
    deploy: Option<usize>,
    /// The Validation entries (by index), each with whether its `Method` is `Manual`.
    validations: Vec<(usize, bool)>,
    /// Does an entry describe a staged rollout ([`describes_staged_rollout`])? Asked only of
    /// plans that deploy, and computed on the first question.
    staged: OnceLock<bool>,
    /// The text hashes of entries known to describe no staged rollout, carried over from the
    /// file's earlier versions: a keystroke rescans only the entry it changed.
    unstaged: Unstaged,
}

/// A memo of [`PlanFacts::unstaged`]: not part of the facts (equal facts may carry different
/// memos).
#[derive(Debug, Default)]
struct Unstaged(std::sync::Mutex<Option<foldhash::HashSet<u64>>>);

impl Unstaged {
    fn take(&self) -> Option<foldhash::HashSet<u64>> {
        self.0.lock().map(|mut g| g.take()).unwrap_or(None)
    }
}

impl Clone for Unstaged {
    fn clone(&self) -> Self {
        Unstaged(std::sync::Mutex::new(
            self.0.lock().map(|g| g.clone()).unwrap_or(None),
        ))
    }
}

impl PartialEq for Unstaged {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Unstaged {}

impl PlanFacts {
    /// Does an entry of `doc` (these facts' document) describe a staged rollout? Computed once
    /// per version; entries whose text an earlier version showed unstaged are not rescanned.
    fn staged(&self, doc: &ParsedDoc) -> bool {
        *self.staged.get_or_init(|| {
            let Ok(mut memo) = self.unstaged.0.lock() else {
                return doc
                    .entries
                    .iter()
                    .any(|e| e.is_dep_block() && !e.deprecated && describes_staged_rollout(e));
            };
            let set = memo.get_or_insert_with(Default::default);
            // Stale hashes of edited entries accumulate: start over now and then.
            if set.len() > 2 * doc.entries.len() + 256 {
                set.clear();
            }
            for e in &doc.entries {
                if !e.is_dep_block() || e.deprecated || set.contains(&e.text_hash) {
                    continue;
                }
                if describes_staged_rollout(e) {
                    return true;
                }
                set.insert(e.text_hash);
            }
            false
        })
    }
}

impl PlanFacts {
    pub fn of(doc: &ParsedDoc) -> PlanFacts {
        let mut f = PlanFacts::default();
        for (i, e) in doc.entries.iter().enumerate() {
            // A template's scaffold (`## DEP-001: {Procedure Name}`) is no plan's entry.
            if !e.is_dep_block() || e.is_template() {
                continue;
            }
            f.first.get_or_insert(i);
            f.count += 1;
            // A deprecated entry covers nothing: it is no plan's Rollback, Validation,
            // Criteria or Environment.
            if e.deprecated {
                continue;
            }
            // `Stage: Deploy` (allocation-free: this runs per entry of the file typed in).
            if f.deploy.is_none() && e.stage_field == Some(Some(crate::schema::Stage::Deploy)) {
                f.deploy = Some(i);
            }
            let Some(t) = entry_type(e) else { continue };
            f.seen[t as usize] = true;
            if t == EntryType::Validation {
                let manual = e.field("method").is_some_and(|m| {
                    crate::schema::value_head(&m.value).eq_ignore_ascii_case("manual")
                });
                f.validations.push((i, manual));
            }
            if t == EntryType::Environment {
                if let Some(name) = environment_name(e) {
                    f.envs.push((i, name));
                }
            }
        }
        f
    }
}

/// [`PlanFacts`] of each indexed file, by file slot, with the stamp of the document they were
/// computed from ([`crate::index::IndexedFile::stamp`]).
#[derive(Debug, Default)]
pub struct FactsCache {
    slots: Vec<Option<(u64, PlanFacts)>>,
}

/// Every plan's findings.
pub fn check_plans(index: &Index, config: &Config) -> Vec<Finding> {
    check_plans_cached(index, config, &mut FactsCache::default())
}

/// [`check_plans`], recomputing the facts only of files whose document changed since `cache`
/// last saw them.
pub fn check_plans_cached(index: &Index, config: &Config, cache: &mut FactsCache) -> Vec<Finding> {
    // A panic (a bug) costs the plan-level findings; the cache starts over.
    match crate::guard::catch(|| check_plans_unguarded(index, config, cache)) {
        Ok(found) => found,
        Err(m) => {
            *cache = FactsCache::default();
            let first = index.files_sorted().first().map(|(_, f)| f.path.clone());
            first
                .map(|p| {
                    vec![super::internal_error(
                        &p,
                        0..0,
                        None,
                        "checking the release plans",
                        &m,
                    )]
                })
                .unwrap_or_default()
        }
    }
}

fn check_plans_unguarded(index: &Index, config: &Config, cache: &mut FactsCache) -> Vec<Finding> {
    let files = index.files_sorted();
    for &(id, f) in &files {
        let id = id as usize;
        if cache.slots.len() <= id {
            cache.slots.resize_with(id + 1, || None);
        }
        if !matches!(&cache.slots[id], Some((stamp, _)) if *stamp == f.stamp()) {
            let carried = cache.slots[id]
                .take()
                .and_then(|(_, old)| old.unstaged.take());
            let facts = PlanFacts::of(&f.doc);
            if let Ok(mut m) = facts.unstaged.0.lock() {
                *m = carried;
            }
            cache.slots[id] = Some((f.stamp(), facts));
        }
    }
    // Each plan's files in path order; a file without DEP- entries belongs to none.
    let mut plans: BTreeMap<String, Vec<(&str, &ParsedDoc, &PlanFacts)>> = BTreeMap::new();
    for &(id, f) in &files {
        let Some((_, facts)) = &cache.slots[id as usize] else {
            continue;
        };
        if facts.count == 0 {
            continue;
        }
        let path = f.path.as_str();
        plans
            .entry(plan_key(path, config.plan))
            .or_default()
            .push((path, &f.doc, facts));
    }
    let mut out = Vec::new();
    for files in plans.values() {
        out.extend(check_plan(files, config));
    }
    out
}

fn entry_type(e: &Entry) -> Option<EntryType> {
    // Parsed at extraction: this runs for every DEP- entry on every keystroke.
    match e.type_field {
        None => Some(EntryType::Step),
        Some(t) => t,
    }
}

/// The environment an Environment entry documents: its `Name:`, else a known name in its title.
pub fn environment_name(e: &Entry) -> Option<String> {
    if let Some(f) = e.field("name") {
        let v = crate::schema::value_head(&f.value).to_ascii_lowercase();
        if !v.is_empty() {
            return Some(v);
        }
    }
    let t = e.title.to_ascii_lowercase();
    crate::schema::ENVIRONMENT_NAMES
        .iter()
        .find(|n| t.contains(*n))
        .map(|n| n.to_string())
}

/// An Environment entry of a plan: its file, the entry, and the environment it documents.
struct EnvEntry<'a> {
    path: &'a str,
    entry: &'a Entry,
    name: &'a str,
}

/// One plan's findings, from its files (in path order, each with DEP- entries).
fn check_plan(files: &[(&str, &ParsedDoc, &PlanFacts)], config: &Config) -> Vec<Finding> {
    let Some((first_path, first)) = files.first().and_then(|&(p, doc, facts)| {
        let e = doc.entries.get(facts.first?)?;
        Some((p, e))
    }) else {
        return Vec::new();
    };
    let mut sink = Sink {
        config,
        path: first_path,
        out: Vec::new(),
    };
    // Which Types occur, and the Environment entries with their names, over all the files.
    let mut seen = [false; EntryType::ALL.len()];
    let mut envs: Vec<EnvEntry> = Vec::new();
    for &(p, doc, facts) in files {
        for (s, f) in seen.iter_mut().zip(facts.seen) {
            *s |= f;
        }
        envs.extend(facts.envs.iter().filter_map(|(i, name)| {
            Some(EnvEntry {
                path: p,
                entry: doc.entries.get(*i)?,
                name: name.as_str(),
            })
        }));
    }
    let has = |t: EntryType| seen[t as usize];
    let n: usize = files.iter().map(|(_, _, f)| f.count).sum();
    for (t, code, what) in [
        (EntryType::Validation, Code::NoValidation, "no Validation entry: post-deploy validation steps are not defined (\"deploy and pray\") — add DEP- entries with `Type: Validation`"),
        (EntryType::Rollback, Code::NoRollback, "no Rollback entry: there is no rollback plan — define triggers and procedures upfront with `Type: Rollback` entries"),
        (EntryType::Criteria, Code::NoCriteria, "no Criteria entry: release criteria are missing — add a formal checklist of DEP- entries with `Type: Criteria`"),
    ] {
        if !has(t) {
            sink.push(code, first.id_span.clone(), None, format!("The release plan ({}) has {what}", super::entry::plural(n, "DEP- entry", "DEP- entries")));
        }
    }

    // Environments.
    let missing: Vec<&String> = config
        .required_environments
        .iter()
        .filter(|req| !envs.iter().any(|e| e.name == req.as_str()))
        .collect();
    if !missing.is_empty() {
        let list = missing
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" and ");
        sink.push(
            Code::MissingEnvironment,
            first.id_span.clone(),
            None,
            format!("The release plan documents no {list} environment — add a DEP- entry with `Type: Environment` and `Name: {}`", missing[0]),
        );
    }

    // Drift between staging and production (below).
    let staging = envs.iter().find(|e| e.name == "staging");
    let production = envs.iter().find(|e| e.name == "production");
    // "Manual everything": every (live) Validation entry is `Method: Manual`.
    let validations: Vec<(&str, &Entry, bool)> = files
        .iter()
        .flat_map(|&(p, doc, facts)| {
            facts
                .validations
                .iter()
                .filter_map(move |&(i, manual)| Some((p, doc.entries.get(i)?, manual)))
        })
        .collect();
    if !validations.is_empty() && validations.iter().all(|(_, _, manual)| *manual) {
        let (vp, ve, _) = validations[0];
        let span = ve
            .field("method")
            .map(|f| ve.abs(f.value_span))
            .unwrap_or_else(|| ve.id_span.clone());
        let related = validations[1..]
            .iter()
            .filter_map(|(p, e, _)| {
                let f = e.field("method")?;
                Some(Related {
                    path: p.to_string(),
                    span: e.abs(f.value_span),
                    message: format!("{} is manual too", e.id),
                })
            })
            .collect();
        let n = validations.len();
        let message = if n == 1 {
            format!(
                "{}, the plan's only Validation entry, is `Method: Manual` — \"manual everything\": automate the repeatable checks (`Method: Automated` or `Both`)",
                ve.id
            )
        } else {
            format!(
                "all {n} Validation entries of the plan are `Method: Manual` — \"manual everything\": automate the repeatable checks (`Method: Automated` or `Both`)"
            )
        };
        if let Some(severity) = config.severity(Code::ManualValidation, Severity::Warning) {
            sink.out.push(Finding {
                code: Code::ManualValidation,
                severity,
                message,
                path: vp.to_string(),
                span,
                id: Some(ve.id.to_string()),
                related,
                fix: None,
            });
        }
    }

    // "Big bang": the plan deploys to production (a Deploy-stage entry and a production
    // Environment: a deployment to speak of), and nothing in it stages the rollout.
    let deploy = files
        .iter()
        .find_map(|&(p, doc, facts)| Some((p, doc.entries.get(facts.deploy?)?)))
        .filter(|_| production.is_some());
    if let Some((dp, de)) = deploy {
        let staged = files.iter().any(|&(_, doc, facts)| facts.staged(doc));
        if !staged {
            if let Some(severity) = config.severity(Code::BigBangRelease, Severity::Hint) {
                sink.out.push(Finding {
                    code: Code::BigBangRelease,
                    severity,
                    message: format!(
                        "{} deploys, and no DEP- entry of the plan stages the rollout (canary, blue-green, rolling, feature flags, a percentage ramp) — \"big bang\": everyone gets the release at once; describe how it is staged",
                        de.id
                    ),
                    path: dp.to_string(),
                    span: de.id_span.clone(),
                    id: Some(de.id.to_string()),
                    related: Vec::new(),
                    fix: None,
                });
            }
        }
    }

    let mut out = sink.out;
    if let (Some(s), Some(p)) = (staging, production) {
        out.extend(drift(s, p, config));
        out.extend(drift(p, s, config));
        out.extend(platform_drift(s, p, config));
    }
    out
}

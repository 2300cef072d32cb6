//! Plan-level checks: the guide's anti-patterns across all DEP- entries of a plan.

use super::entry::Sink;
use super::values::config_keys;
use super::{Code, Finding, Related, Severity};
use crate::config::{Config, PlanScope};
use crate::index::Index;
use crate::schema::EntryType;
use crate::syntax::{Entry, ParsedDoc};
use std::collections::BTreeMap;

/// The plan a file belongs to: its key (`""` for the workspace's one plan). The one place
/// plans are cut: `check` and `report::plans` both ask here.
///
/// With the default scope (`workspace`), a workspace is one plan, except release folders: a
/// file inside a folder whose name is a version or a release (`v1`, `v2.3`, `1.4.0`,
/// `2024-q3`, `2024-07`, `release-1.2`, `rel_3`), or inside a direct subfolder of a
/// `release/` or `releases/` folder (`release/checkout-redesign/`), belongs to the plan of
/// that folder (the first such folder on its path). `release/v1/` and `release/v2/` are two
/// plans, so v2 never borrows v1's Rollback, while the methodology's layout (`SoT/`, `epics/`,
/// files at the root, `release/plan.md`) stays one plan.
pub fn plan_key(path: &str, scope: PlanScope) -> String {
    match scope {
        PlanScope::Workspace => release_folder(path).unwrap_or_default().to_string(),
        PlanScope::Directory => path
            .rsplit_once('/')
            .map(|(d, _)| d.to_string())
            .unwrap_or_default(),
        PlanScope::File => path.to_string(),
    }
}

/// The release folder a workspace-relative path lies in (see [`plan_key`]): the path up to
/// and including it.
fn release_folder(path: &str) -> Option<&str> {
    let (dirs, _) = path.rsplit_once('/')?;
    let mut end = 0;
    let mut parent_is_release = false;
    for seg in dirs.split('/') {
        end += seg.len();
        if parent_is_release || is_version_name(seg) {
            return Some(&path[..end]);
        }
        parent_is_release =
            seg.eq_ignore_ascii_case("release") || seg.eq_ignore_ascii_case("releases");
        end += 1;
    }
    None
}

/// Is a folder name a version or a release: `v1`, `v2.3`, `V10_1`, `1.4`, `1.4.0`, `2024-q3`,
/// `2024-h1`, `2024-07`, `release-1.2`, `release_v2`, `rel-3`?
fn is_version_name(name: &str) -> bool {
    // No allocation: this runs for every folder of every file's path on each plan check.
    fn strip<'s>(s: &'s str, p: &str) -> Option<&'s str> {
        (s.len() >= p.len() && s.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes()))
            .then(|| &s[p.len()..])
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    // `1`, `1.2`, `1_2`, `1-2-3`: numbers joined by `.`, `_` or `-`.
    let dotted = |s: &str| s.split(['.', '_', '-']).all(digits);
    if let Some(rest) = strip(name, "v") {
        return dotted(rest);
    }
    if let Some(rest) = strip(name, "release") {
        let rest = rest.trim_start_matches(['-', '_', ' ']);
        return dotted(strip(rest, "v").unwrap_or(rest));
    }
    if let Some(rest) = strip(name, "rel") {
        let sep = rest.trim_start_matches(['-', '_', ' ']);
        return sep.len() < rest.len() && dotted(strip(sep, "v").unwrap_or(sep));
    }
    if let Some((year, part)) = name.split_once('-') {
        if year.len() == 4 && digits(year) {
            let b = part.as_bytes();
            let q = |c: u8| {
                b.len() == 2 && b[0].eq_ignore_ascii_case(&c) && (b'1'..=b'4').contains(&b[1])
            };
            return q(b'q') || q(b'h') || (b.len() == 2 && digits(part));
        }
    }
    // `1.2`, `1.4.0` (a bare number such as `2024` or `01` is not a version).
    name.contains('.') && dotted(name)
}

#[cfg(test)]
mod plan_key_tests {
    use super::*;

    #[test]
    fn release_folders_are_plans_of_their_own() {
        let k = |p: &str| plan_key(p, PlanScope::Workspace);
        // The methodology's layout: one plan.
        for p in [
            "PRD.md",
            "SoT/SoT.DEPLOYMENT.md",
            "epics/EPIC-01-x.md",
            "release/plan.md",
            "releases/notes.md",
            "temp/v0.5-requirements/SKILL.md",
            ".claude/skills/prd-v08-release-planning/assets/dep-template.md",
            "docs/2024/plan.md",
            "docs/01/plan.md",
            "v1.md",
            "release-notes/x.md",
            "revision/x.md",
            "vé/x.md",
            "rel€/x.md",
            "2024-é/x.md",
            "releasé/x.md",
        ] {
            assert_eq!(k(p), "", "{p}");
        }
        for (p, key) in [
            ("release/v1/plan.md", "release/v1"),
            ("release/v2/rollback.md", "release/v2"),
            ("release/v2/sub/deep.md", "release/v2"),
            ("releases/checkout/plan.md", "releases/checkout"),
            ("Release/Checkout/plan.md", "Release/Checkout"),
            ("plans/v2.3/plan.md", "plans/v2.3"),
            ("plans/V10_1/plan.md", "plans/V10_1"),
            ("1.4.0/plan.md", "1.4.0"),
            ("q/2024-q3/plan.md", "q/2024-q3"),
            ("2024-h1/plan.md", "2024-h1"),
            ("2024-07/plan.md", "2024-07"),
            ("docs/release-1.2/plan.md", "docs/release-1.2"),
            ("docs/release_v2/plan.md", "docs/release_v2"),
            ("docs/rel-3/plan.md", "docs/rel-3"),
            ("ü/v1/x.md", "ü/v1"),
        ] {
            assert_eq!(k(p), key, "{p}");
        }
        // The other scopes are unchanged.
        assert_eq!(
            plan_key("release/v1/plan.md", PlanScope::Directory),
            "release/v1"
        );
        assert_eq!(plan_key("SoT/a.md", PlanScope::Directory), "SoT");
        assert_eq!(plan_key("SoT/a.md", PlanScope::File), "SoT/a.md");
    }
}

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
}

impl PlanFacts {
    pub fn of(doc: &ParsedDoc) -> PlanFacts {
        let mut f = PlanFacts::default();
        for (i, e) in doc.entries.iter().enumerate() {
            if !e.is_dep_block() {
                continue;
            }
            f.first.get_or_insert(i);
            f.count += 1;
            let Some(t) = entry_type(e) else { continue };
            f.seen[t as usize] = true;
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
            cache.slots[id] = Some((f.stamp(), PlanFacts::of(&f.doc)));
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
    let mut envs: Vec<(&str, &Entry, &str)> = Vec::new();
    for &(p, doc, facts) in files {
        for (s, f) in seen.iter_mut().zip(facts.seen) {
            *s |= f;
        }
        envs.extend(
            facts
                .envs
                .iter()
                .filter_map(|(i, name)| Some((p, doc.entries.get(*i)?, name.as_str()))),
        );
    }
    let has = |t: EntryType| seen[t as usize];
    let n: usize = files.iter().map(|(_, _, f)| f.count).sum();
    for (t, code, what) in [
        (EntryType::Validation, Code::NoValidation, "no Validation entry: post-deploy validation steps are not defined (\"deploy and pray\") — add DEP- entries with `Type: Validation`"),
        (EntryType::Rollback, Code::NoRollback, "no Rollback entry: there is no rollback plan — define triggers and procedures upfront with `Type: Rollback` entries"),
        (EntryType::Criteria, Code::NoCriteria, "no Criteria entry: release criteria are missing — add a formal checklist of DEP- entries with `Type: Criteria`"),
    ] {
        if !has(t) {
            sink.push(code, first.id_span.clone(), None, format!("The release plan ({n} DEP- entries) has {what}"));
        }
    }

    // Environments.
    let missing: Vec<&String> = config
        .required_environments
        .iter()
        .filter(|req| !envs.iter().any(|(_, _, n)| *n == req.as_str()))
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

    // Drift between staging and production.
    let staging = envs.iter().find(|(_, _, n)| *n == "staging");
    let production = envs.iter().find(|(_, _, n)| *n == "production");
    let mut out = sink.out;
    if let (Some(s), Some(p)) = (staging, production) {
        out.extend(drift(s, p, config));
        out.extend(drift(p, s, config));
    }
    out
}

/// Keys `other` sets that `this` lacks: one finding on `this`.
fn drift(
    this: &(&str, &Entry, &str),
    other: &(&str, &Entry, &str),
    config: &Config,
) -> Option<Finding> {
    let (path, e, name) = this;
    let (opath, o, oname) = other;
    let keys = |e: &Entry| {
        e.field("configuration")
            .map(|f| config_keys(&f.value))
            .unwrap_or_default()
    };
    let mine = keys(e);
    let theirs = keys(o);
    let lacking: Vec<&String> = theirs
        .iter()
        .map(|(k, _)| k)
        .filter(|k| !mine.iter().any(|(m, _)| m == *k))
        .collect();
    if lacking.is_empty() {
        return None;
    }
    let severity = config.severity(Code::EnvironmentDrift, Severity::Warning)?;
    let span = e
        .field("configuration")
        .map(|f| e.abs(f.key_span))
        .unwrap_or_else(|| e.id_span.clone());
    let related = o
        .field("configuration")
        .map(|f| Related {
            path: opath.to_string(),
            span: o.abs(f.key_span),
            message: format!(
                "{} ({oname}) sets {}",
                o.id,
                lacking
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
        .into_iter()
        .collect();
    Some(Finding {
        code: Code::EnvironmentDrift,
        severity,
        message: format!(
            "{} ({name}) does not set {}, which {} ({oname}) sets — environment drift: keep staging and production configuration keys in sync",
            e.id,
            lacking.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
            o.id
        ),
        path: path.to_string(),
        span,
        id: Some(e.id.to_string()),
        related,
        fix: None,
    })
}

//! Plan-level checks: the guide's anti-patterns across all DEP- entries of a plan.

use super::entry::Sink;
use super::values::config_keys;
use super::{Code, Finding, Related, Severity};
use crate::config::{Config, PlanScope};
use crate::index::Index;
use crate::schema::EntryType;
use crate::syntax::{Entry, ParsedDoc};
use std::collections::BTreeMap;
use std::sync::OnceLock;

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
            sink.push(code, first.id_span.clone(), None, format!("The release plan ({}) has {what}", super::entry::plural(n, "DEP- entry", "DEP- entries")));
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

    // Drift between staging and production (below).
    let staging = envs.iter().find(|(_, _, n)| *n == "staging");
    let production = envs.iter().find(|(_, _, n)| *n == "production");
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

/// Words that describe a staged rollout (lowercase, starting with a letter; matched as whole
/// words).
const STAGED_WORDS: &[&str] = &[
    "canary",
    "canaries",
    "canarying",
    "blue-green",
    "blue/green",
    "blue green",
    "bluegreen",
    // Not "rolling" alone: "rolling back" is no rollout.
    "rolling deploy",
    "rolling deployment",
    "rolling deployments",
    "rolling update",
    "rolling updates",
    "rolling restart",
    "rolling release",
    "rolling upgrade",
    "rolling strategy",
    "rolling rollout",
    "feature flag",
    "feature flags",
    "feature-flag",
    "feature-flagged",
    "feature toggle",
    "feature toggles",
    "behind a flag",
    "launchdarkly",
    "unleash",
    "flagsmith",
    "gradual",
    "gradually",
    "phased",
    "staged rollout",
    "staged release",
    "progressive",
    "progressively",
    "incremental rollout",
    "percentage rollout",
    "ramp up",
    "ramp-up",
    "ramped",
    "traffic shift",
    "traffic shifting",
    "shift traffic",
    "traffic split",
    "split traffic",
    "weighted routing",
    "ring 0",
    "ring 1",
    "deployment rings",
    "dark launch",
    "pilot",
    "early access",
    "cohort",
    "cohorts",
];

/// Does this text (a title or a value) describe a staged rollout: one of [`STAGED_WORDS`] as a
/// whole word (any case), or a percentage ramp (`5% → 25%`, `10% -> 50%`, `5% to 100%`)? One
/// pass over the bytes, no allocation: a plan's whole text can be asked on a keystroke.
pub fn mentions_staged_rollout(text: &str) -> bool {
    let b = text.as_bytes();
    let alnum = |i: usize| b.get(i).is_some_and(|c| c.is_ascii_alphanumeric());
    for i in 0..b.len() {
        let c = b[i];
        if c == b'%' {
            // A percentage ramp: `%`, blanks, then an arrow or `to` and a number.
            let rest = text.get(i + 1..).unwrap_or("").trim_start();
            if rest.starts_with('→') || rest.starts_with("->") || rest.starts_with("=>") {
                return true;
            }
            if let Some(r) = rest.strip_prefix("to ") {
                if r.trim_start().starts_with(|d: char| d.is_ascii_digit()) {
                    return true;
                }
            }
            continue;
        }
        // Words start at a word boundary.
        if !c.is_ascii_alphabetic() || (i > 0 && alnum(i - 1)) {
            continue;
        }
        let lc = c.to_ascii_lowercase();
        for w in STAGED_WORDS {
            let wb = w.as_bytes();
            if wb[0] == lc
                && b.len() >= i + wb.len()
                && b[i..i + wb.len()].eq_ignore_ascii_case(wb)
                && !alnum(i + wb.len())
            {
                return true;
            }
        }
    }
    false
}

/// Does an entry's title or a field of it describe a staged rollout? A `Strategy:` (or
/// `Rollout:`) field naming the guide's patterns counts too: `Strategy: Rolling` is the
/// methodology's own spelling.
fn describes_staged_rollout(e: &Entry) -> bool {
    mentions_staged_rollout(&e.title)
        || e.fields.iter().any(|f| {
            mentions_staged_rollout(&f.key)
                || mentions_staged_rollout(&f.value)
                || (names_strategy(&f.key) && {
                    let v = crate::schema::value_head(&f.value).to_ascii_lowercase();
                    [
                        "rolling",
                        "canary",
                        "blue-green",
                        "blue/green",
                        "feature flag",
                        "feature flags",
                        "phased",
                        "gradual",
                    ]
                    .iter()
                    .any(|w| v.starts_with(w))
                })
        })
}

fn names_strategy(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.contains("strategy") || k.contains("rollout")
}

/// What an `Infrastructure:` or `Secrets:` value says about one aspect of an environment: the
/// database engine, the hosting platform, the cloud, the secrets mechanism.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Aspect {
    Database,
    Platform,
    Cloud,
    Secrets,
}

impl Aspect {
    fn what(self) -> &'static str {
        match self {
            Aspect::Database => "database",
            Aspect::Platform => "hosting platform",
            Aspect::Cloud => "cloud",
            Aspect::Secrets => "secrets mechanism",
        }
    }
}

/// (aspect, word as matched, family). Families of one aspect that differ between staging and
/// production are drift; `managed-sql` (RDS, Aurora, Cloud SQL without an engine) is
/// compatible with any server SQL engine.
const ASPECT_WORDS: &[(Aspect, &str, &str)] = &[
    (Aspect::Database, "sqlite", "SQLite"),
    (Aspect::Database, "sqlite3", "SQLite"),
    (Aspect::Database, "postgres", "PostgreSQL"),
    (Aspect::Database, "postgresql", "PostgreSQL"),
    (Aspect::Database, "mysql", "MySQL"),
    (Aspect::Database, "mariadb", "MySQL"),
    (Aspect::Database, "sql server", "SQL Server"),
    (Aspect::Database, "mssql", "SQL Server"),
    (Aspect::Database, "oracle", "Oracle"),
    (Aspect::Database, "mongodb", "MongoDB"),
    (Aspect::Database, "dynamodb", "DynamoDB"),
    (Aspect::Database, "rds", "managed-sql"),
    (Aspect::Database, "aurora", "managed-sql"),
    (Aspect::Database, "cloud sql", "managed-sql"),
    (Aspect::Database, "supabase", "PostgreSQL"),
    (Aspect::Database, "neon", "PostgreSQL"),
    (Aspect::Database, "planetscale", "MySQL"),
    (Aspect::Platform, "kubernetes", "Kubernetes"),
    (Aspect::Platform, "k8s", "Kubernetes"),
    (Aspect::Platform, "eks", "Kubernetes"),
    (Aspect::Platform, "gke", "Kubernetes"),
    (Aspect::Platform, "aks", "Kubernetes"),
    (Aspect::Platform, "openshift", "Kubernetes"),
    (Aspect::Platform, "ecs", "ECS"),
    (Aspect::Platform, "fargate", "ECS"),
    (Aspect::Platform, "lambda", "serverless functions"),
    (Aspect::Platform, "cloud functions", "serverless functions"),
    (Aspect::Platform, "heroku", "Heroku"),
    (Aspect::Platform, "vercel", "Vercel"),
    (Aspect::Platform, "netlify", "Netlify"),
    (Aspect::Platform, "fly.io", "Fly.io"),
    (Aspect::Platform, "docker compose", "Docker Compose"),
    (Aspect::Platform, "docker-compose", "Docker Compose"),
    (Aspect::Platform, "localhost", "a local machine"),
    (Aspect::Platform, "laptop", "a local machine"),
    (Aspect::Cloud, "aws", "AWS"),
    (Aspect::Cloud, "amazon web services", "AWS"),
    (Aspect::Cloud, "gcp", "Google Cloud"),
    (Aspect::Cloud, "google cloud", "Google Cloud"),
    (Aspect::Cloud, "azure", "Azure"),
    (Aspect::Cloud, "digitalocean", "DigitalOcean"),
    (Aspect::Cloud, "hetzner", "Hetzner"),
    (Aspect::Secrets, ".env", "an .env file"),
    (Aspect::Secrets, "env file", "an .env file"),
    (Aspect::Secrets, "dotenv", "an .env file"),
    (Aspect::Secrets, "plain text", "plain text"),
    (Aspect::Secrets, "plaintext", "plain text"),
    (Aspect::Secrets, "hardcoded", "plain text"),
    (Aspect::Secrets, "hard-coded", "plain text"),
    (Aspect::Secrets, "vault", "a secrets manager"),
    (Aspect::Secrets, "secrets manager", "a secrets manager"),
    (Aspect::Secrets, "secret manager", "a secrets manager"),
    (Aspect::Secrets, "parameter store", "a secrets manager"),
    (Aspect::Secrets, "ssm", "a secrets manager"),
    (Aspect::Secrets, "key vault", "a secrets manager"),
    (Aspect::Secrets, "doppler", "a secrets manager"),
    (Aspect::Secrets, "1password", "a secrets manager"),
    (Aspect::Secrets, "sops", "a secrets manager"),
    (Aspect::Secrets, "sealed secrets", "a secrets manager"),
    (Aspect::Secrets, "kubernetes secrets", "a secrets manager"),
    (Aspect::Secrets, "github secrets", "a secrets manager"),
    (Aspect::Secrets, "actions secrets", "a secrets manager"),
    (Aspect::Secrets, "infisical", "a secrets manager"),
];

/// The families of one aspect an environment's value names (in table order, distinct).
fn families(value: &str, aspect: Aspect) -> Vec<&'static str> {
    let lower = value.to_ascii_lowercase();
    let b = lower.as_bytes();
    let word = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let mut out: Vec<&'static str> = Vec::new();
    for &(a, w, fam) in ASPECT_WORDS {
        if a != aspect || out.contains(&fam) {
            continue;
        }
        let mut from = 0;
        while let Some(i) = lower.get(from..).and_then(|rest| rest.find(w)) {
            let at = from + i;
            let end = at + w.len();
            // `.env` may follow a word (`app.env`) but not precede one (`.environment`).
            let starts_ok = w.starts_with('.') || !word(at.checked_sub(1).and_then(|j| b.get(j)));
            if starts_ok && !word(b.get(end)) {
                out.push(fam);
                break;
            }
            from = at + 1;
        }
    }
    out
}

/// Do two sets of families of an aspect agree (share a family, or a managed SQL service meets
/// a server SQL engine)?
fn compatible(a: &[&str], b: &[&str]) -> bool {
    const SERVER_SQL: &[&str] = &["PostgreSQL", "MySQL", "SQL Server", "Oracle", "managed-sql"];
    a.iter().any(|x| {
        b.iter().any(|y| {
            x == y
                || (*x == "managed-sql" && SERVER_SQL.contains(y))
                || (*y == "managed-sql" && SERVER_SQL.contains(x))
        })
    })
}

fn family_name(f: &str) -> &str {
    if f == "managed-sql" {
        "a managed SQL service"
    } else {
        f
    }
}

/// Drift beyond keys: staging and production name a different database engine, hosting
/// platform or cloud (`Infrastructure:`), or a different secrets mechanism (`Secrets:`). One
/// finding per differing aspect, on staging's field (staging should mirror production).
fn platform_drift(
    staging: &(&str, &Entry, &str),
    production: &(&str, &Entry, &str),
    config: &Config,
) -> Vec<Finding> {
    let (spath, s, _) = staging;
    let (ppath, p, _) = production;
    let mut out = Vec::new();
    for (key, aspects) in [
        (
            "infrastructure",
            &[Aspect::Database, Aspect::Platform, Aspect::Cloud][..],
        ),
        ("secrets", &[Aspect::Secrets][..]),
    ] {
        let (Some(sf), Some(pf)) = (s.field(key), p.field(key)) else {
            continue;
        };
        for &aspect in aspects {
            let (a, b) = (families(&sf.value, aspect), families(&pf.value, aspect));
            if a.is_empty() || b.is_empty() || compatible(&a, &b) {
                continue;
            }
            let Some(severity) = config.severity(Code::EnvironmentDrift, Severity::Warning) else {
                continue;
            };
            let list = |v: &[&str]| {
                v.iter()
                    .map(|f| family_name(f))
                    .collect::<Vec<_>>()
                    .join(" and ")
            };
            let (sa, pa) = (list(&a), list(&b));
            let advice = match aspect {
                Aspect::Secrets => "use the same secrets mechanism in both, each environment with its own secrets (never copy a secret from one environment to another)",
                Aspect::Database => "run staging on the production database engine, or staging cannot catch what production will do",
                Aspect::Platform | Aspect::Cloud => "provision staging like production (infrastructure as code)",
            };
            out.push(Finding {
                code: Code::EnvironmentDrift,
                severity,
                message: format!(
                    "{} (staging) uses {sa} as its {what}, {} (production) {pa} — environment drift: {advice}",
                    s.id,
                    p.id,
                    what = aspect.what()
                ),
                path: spath.to_string(),
                span: s.abs(sf.key_span),
                id: Some(s.id.to_string()),
                related: vec![Related {
                    path: ppath.to_string(),
                    span: p.abs(pf.key_span),
                    message: format!("{} (production) uses {pa}", p.id),
                }],
                fix: None,
            });
        }
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
    // A secret's key is set in each environment with a value of its own: the message never
    // suggests copying one across.
    let secret = lacking.iter().any(|k| looks_secret(k));
    let advice = if secret {
        "keep staging and production configuration keys in sync, each environment with its own secret values (from its secrets manager; never copy a secret from one environment to another)"
    } else {
        "keep staging and production configuration keys in sync"
    };
    Some(Finding {
        code: Code::EnvironmentDrift,
        severity,
        message: format!(
            "{} ({name}) does not set {}, which {} ({oname}) sets — environment drift: {advice}",
            e.id,
            lacking
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            o.id
        ),
        path: path.to_string(),
        span,
        id: Some(e.id.to_string()),
        related,
        fix: None,
    })
}

/// Does a configuration key name a secret (`STRIPE_SECRET_KEY`, `DB_PASSWORD`, `API_TOKEN`)?
fn looks_secret(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    [
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "PWD",
        "TOKEN",
        "API_KEY",
        "APIKEY",
        "PRIVATE",
        "CREDENTIAL",
        "_KEY",
        "DSN",
        "WEBHOOK",
    ]
    .iter()
    .any(|w| k.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staged_words_are_lowercase_and_start_with_a_letter() {
        for w in STAGED_WORDS {
            assert!(w.as_bytes()[0].is_ascii_lowercase(), "{w}");
            assert_eq!(w.to_ascii_lowercase(), *w);
        }
    }

    #[test]
    fn staged_rollout_mentions() {
        for t in [
            "Canary at 5%",
            "blue/green switch",
            "A Rolling Update",
            "behind a Feature Flag",
            "1% → 10% → 100%",
            "5%->50%",
            "5% to 100% over a day",
            "(phased)",
        ] {
            assert!(mentions_staged_rollout(t), "{t}");
        }
        for t in [
            "rolling back",
            "ringing",
            ">2% of requests for 5 minutes",
            "canaryish",
            "unphased",
            "50% to go",
            "",
        ] {
            assert!(!mentions_staged_rollout(t), "{t}");
        }
    }

    #[test]
    fn families_and_compatibility() {
        assert_eq!(families("SQLite on disk", Aspect::Database), ["SQLite"]);
        assert_eq!(families("app.env file", Aspect::Secrets), ["an .env file"]);
        assert!(families(".environment", Aspect::Secrets).is_empty());
        assert!(compatible(&["managed-sql"], &["PostgreSQL"]));
        assert!(!compatible(&["SQLite"], &["managed-sql"]));
    }
}

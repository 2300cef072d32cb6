//! The gates of one plan: the guide's six quality gates and dep-ls's `check` gate (blocking),
//! and the downstream links (runbooks, monitoring, the GTM- handover; advisory), each with a
//! summary and the entries at fault.

use super::{filled, kind, lacking, links, links_prefix, one_line, plural, Links};
use super::{Blockers, Fault, Gate, Loc};
use crate::check::plan::environment_name;
use crate::check::values::is_measurable;
use crate::config::Config;
use crate::index::Index;
use crate::schema::{value_head, EntryType, Stage};
use crate::syntax::{id_prefix, Entry};
use std::collections::BTreeMap;

/// What judging a plan's gates finds: the gates, and what the counts and the environment
/// progression reuse.
pub(super) struct Judged<'a> {
    pub(super) gates: Vec<Gate>,
    pub(super) downstream: Vec<Gate>,
    /// Criteria by `Blocker:` value.
    pub(super) blockers: Blockers,
    /// Owners as written (before a remark in parentheses), with how many entries each has.
    pub(super) owners: BTreeMap<String, usize>,
    pub(super) without_owner: usize,
    /// The live Environment entries that name an environment: (name, path, entry).
    pub(super) env_names: Vec<(String, &'a str, &'a Entry)>,
}

/// Judges a plan's entries (path, entry) against every gate. `loc` places a fault: on a field's
/// line, or on the entry's; `first` is the plan's first entry (faults about something absent).
pub(super) fn judge<'a>(
    index: &Index,
    config: &Config,
    entries: &[(&'a str, &'a Entry)],
    first: &Loc,
    loc: &mut dyn FnMut(&str, &Entry, Option<&str>) -> Loc,
    check_faults: Vec<Fault>,
) -> Judged<'a> {
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
        let mut why: Vec<String> = crate::schema::EntryType::Validation
            .required_fields()
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
    for (p, e) in entries {
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
        let Links {
            defined: ok,
            undefined: bad,
        } = links(e, index);
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
        let ok = links(e, index).defined;
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
            .flat_map(|(_, e)| links(e, index).defined)
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
    Judged {
        gates,
        downstream,
        blockers,
        owners,
        without_owner,
        env_names,
    }
}

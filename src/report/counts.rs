//! The counts of one plan: entries by Type and by Stage, criteria by `Blocker:`, owners.

use super::kind;
use super::{Blockers, Counts};
use crate::schema::{EntryType, Stage};
use crate::syntax::Entry;
use std::collections::BTreeMap;

/// Counts a plan's entries (path, entry); blockers and owners come from judging the gates.
pub(super) fn counts(
    entries: &[(&str, &Entry)],
    blockers: Blockers,
    owners: BTreeMap<String, usize>,
    without_owner: usize,
) -> Counts {
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
    for (_, e) in entries {
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
    Counts {
        entries: entries.len(),
        by_type,
        by_stage,
        blockers,
        owners,
        without_owner,
    }
}

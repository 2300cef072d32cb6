//! Findings introduced, fixed and changed: the two sides' findings paired without line numbers
//! ([`FindingKey`], four rounds).

use super::{collapse, ChangedFinding, DiffFinding, Scope};
use crate::check::Finding;
use crate::report::Lines;
use crate::workspace::Workspace;
use std::collections::HashMap;

/// How findings are matched across the two sides, line numbers left out, in four rounds, each
/// pairing what the ones before left (one to one, in list order):
///
/// 1. `Exact`: code, path, entry ID and message;
/// 2. `Head`: code, path, entry ID and the message's [`head`] — before its first ` — ` (the
///    advice, the did-you-mean), without remarks in parentheses and counts: a suggestion that
///    changed because an ID was added elsewhere, or "defined 7 times" that became 8, is the
///    same finding;
/// 3. `Moved`: for a finding of an entry, code, entry ID and message without the path: an
///    entry moved to another file keeps its findings;
/// 4. `Entry`: for a finding of an entry, code, path and entry ID: the entry still has a
///    finding of this code, with another message (`TEST-017 is not defined` became `TEST-002,
///    TEST-017 are not defined`) — *changed*, listed with both messages.
///
/// Rounds 1–3 pair the same finding (not reported); what is left after round 4 is introduced
/// (after) or fixed (before).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingKey {
    Exact(&'static str, String, Option<String>, String),
    Head(&'static str, String, Option<String>, String),
    Moved(&'static str, String, String),
    Entry(&'static str, String, String),
}

impl FindingKey {
    /// The keys of one finding, one per round (`Moved` and `Entry` only for a finding of an
    /// entry).
    pub fn of(f: &Finding) -> Vec<FindingKey> {
        let code = f.code.as_str();
        let head = head(&f.message);
        let mut keys = vec![
            FindingKey::Exact(code, f.path.clone(), f.id.clone(), f.message.clone()),
            FindingKey::Head(code, f.path.clone(), f.id.clone(), head),
        ];
        if let Some(id) = &f.id {
            keys.push(FindingKey::Moved(code, id.clone(), f.message.clone()));
            keys.push(FindingKey::Entry(code, f.path.clone(), id.clone()));
        }
        keys
    }
}

/// A message's head: before its first ` — `, without parenthesised remarks, each number that
/// is not part of an ID (`TEST-017` stays) as `#`: `DEP-003 is defined 7 times (also in …)`
/// and `DEP-003 is defined 8 times (also in …)` are the same finding.
pub fn head(message: &str) -> String {
    let head = message.split(" — ").next().unwrap_or(message);
    let mut out = String::with_capacity(head.len());
    let mut depth = 0usize;
    for c in head.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            '0'..='9' => match out.chars().last() {
                // The rest of a number already written as `#`.
                Some('#') => {}
                // Part of an ID or a word (`TEST-017`, `p99`).
                Some(p) if p == '-' || p.is_alphanumeric() => out.push(c),
                _ => out.push('#'),
            },
            _ => out.push(c),
        }
    }
    collapse(&out)
}

/// How the findings of two sides pair up ([`FindingKey`]), as indices into each side's list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Matched {
    /// Old findings left unpaired.
    pub fixed: Vec<usize>,
    /// New findings left unpaired.
    pub introduced: Vec<usize>,
    /// (old, new) paired by the last round only: the same entry and code, another message.
    pub changed: Vec<(usize, usize)>,
}

/// Pairs `old` and `new` findings ([`FindingKey`]).
pub fn match_findings(old: &[Finding], new: &[Finding]) -> Matched {
    let (ko, kn): (Vec<Vec<FindingKey>>, Vec<Vec<FindingKey>>) = (
        old.iter().map(FindingKey::of).collect(),
        new.iter().map(FindingKey::of).collect(),
    );
    let mut paired_old = vec![false; old.len()];
    let mut paired_new = vec![false; new.len()];
    let mut changed = Vec::new();
    for round in 0..4 {
        let mut waiting: HashMap<&FindingKey, Vec<usize>> = HashMap::new();
        for (i, keys) in ko.iter().enumerate().rev() {
            if let (false, Some(k)) = (paired_old[i], keys.get(round)) {
                waiting.entry(k).or_default().push(i);
            }
        }
        for (j, keys) in kn.iter().enumerate() {
            if paired_new[j] {
                continue;
            }
            // Keys of a round are all of one variant; the last two are absent for file findings.
            let Some(k) = keys.get(round) else { continue };
            if let Some(i) = waiting.get_mut(k).and_then(Vec::pop) {
                paired_old[i] = true;
                paired_new[j] = true;
                if round == 3 {
                    changed.push((i, j));
                }
            }
        }
    }
    let left = |p: &[bool]| (0..p.len()).filter(|&i| !p[i]).collect::<Vec<_>>();
    Matched {
        fixed: left(&paired_old),
        introduced: left(&paired_new),
        changed,
    }
}

/// Findings in scope introduced (after, unpaired), fixed (before, unpaired) and changed.
pub(super) fn findings(
    before: &Workspace,
    after: &Workspace,
    scope: &Scope,
    lines_b: &mut dyn Lines,
    lines_a: &mut dyn Lines,
) -> FindingChanges {
    let pick = |ws: &Workspace| -> Vec<Finding> {
        let mut v = ws.check();
        v.retain(|f| scope.covers(&f.path));
        v
    };
    let (old, new) = (pick(before), pick(after));
    let m = match_findings(&old, &new);
    let show = |f: &Finding, lines: &mut dyn Lines, other: Option<&Workspace>| DiffFinding {
        code: f.code.as_str(),
        severity: f.severity,
        path: f.path.clone(),
        line: lines.line(&f.path, f.span.start),
        id: f.id.clone(),
        message: f.message.clone(),
        file_gone: other.is_some_and(|w| w.files.get(&f.path).is_none()),
    };
    let mut introduced: Vec<DiffFinding> = m
        .introduced
        .iter()
        .map(|&j| show(&new[j], lines_a, None))
        .collect();
    let mut fixed: Vec<DiffFinding> = m
        .fixed
        .iter()
        .map(|&i| show(&old[i], lines_b, Some(after)))
        .collect();
    let mut changed: Vec<ChangedFinding> = m
        .changed
        .iter()
        .map(|&(i, j)| ChangedFinding {
            before: show(&old[i], lines_b, None),
            after: show(&new[j], lines_a, None),
        })
        .collect();
    // Errors first, then by place (a stable sort keeps `check`'s order within).
    introduced.sort_by_key(|f| f.severity);
    fixed.sort_by_key(|f| f.severity);
    changed.sort_by(|x, y| {
        (x.after.severity, &x.after.path, x.after.line).cmp(&(
            y.after.severity,
            &y.after.path,
            y.after.line,
        ))
    });
    FindingChanges {
        introduced,
        fixed,
        changed,
    }
}

/// What [`findings`] gives.
pub(super) struct FindingChanges {
    pub(super) introduced: Vec<DiffFinding>,
    pub(super) fixed: Vec<DiffFinding>,
    pub(super) changed: Vec<ChangedFinding>,
}

//! The items of an entry's link lists: ranges (mixed prefixes, reversed, gaps, within a
//! lookup budget), unknown prefixes, template placeholders.

use super::{value_span_to_doc, Draft, Sink};
use crate::check::values::{did_you_mean, placeholders};
use crate::check::{Code, FixHint, Severity};
use crate::index::Index;
use crate::syntax::{id_number, id_prefix, Entry, Field, LinkItem, Span};

/// How many range members one entry's ranges may look up in all (gaps are searched member by
/// member). One range is capped at 100,000 members; without a cap on their sum, 1,000 ranges
/// in 28 KB took 6.4 s in `check` and 300 of them 2 s per keystroke. Past the budget, the
/// remaining ranges are not searched for gaps, and one hint says so.
pub const RANGE_BUDGET: u64 = 200_000;

/// Ranges, unknown prefixes and placeholders inside link lists.
pub(super) fn link_items(
    sink: &mut Sink,
    entry: &Entry,
    field: &Field,
    index: &Index,
    budget: &mut Option<u64>,
) {
    if field.items.is_empty() {
        return;
    }
    let id = Some(entry.id.as_str());
    let bracket: Vec<Span> = placeholders(&field.value)
        .iter()
        .map(|s| value_span_to_doc(entry, field, s))
        .collect();
    for item in &field.items {
        match item {
            LinkItem::Range { start, end, span } => {
                let span = entry.abs(*span);
                let (pa, pb) = (id_prefix(&start.id), id_prefix(&end.id));
                if pa != pb {
                    sink.push(
                        Code::InvalidRange,
                        span.clone(),
                        id,
                        format!(
                            "{}: range {} to {} mixes prefixes {pa} and {pb} — a range needs one prefix on both ends",
                            entry.id, start.id, end.id
                        ),
                    );
                    continue;
                }
                let (Some((a, wa)), Some((b, _))) = (id_number(&start.id), id_number(&end.id))
                else {
                    continue;
                };
                if a > b {
                    sink.push(
                        Code::InvalidRange,
                        span.clone(),
                        id,
                        format!(
                            "{}: range {} to {} is reversed (start after end) — write {} to {}",
                            entry.id, start.id, end.id, end.id, start.id
                        ),
                    );
                    continue;
                }
                if !index.is_defined(&start.id) || !index.is_defined(&end.id) || b - a > 100_000 {
                    continue; // the unresolved end is reported on its own
                }
                let members = u64::from(b - a);
                // `None`: exhausted, and the hint given.
                let Some(left) = *budget else {
                    continue;
                };
                if members > left {
                    sink.add(Draft { code: Code::RangeGap, default: Severity::Hint, span: span.clone(), id, message: format!(
                            "{}: the ranges from {} to {} on are not searched for gaps — this entry's ranges span more than {RANGE_BUDGET} IDs",
                            entry.id, start.id, end.id
                        ), related: Vec::new(), fix: None });
                    *budget = None;
                    continue;
                }
                *budget = Some(left - members);
                let padded = start
                    .id
                    .rsplit('-')
                    .next()
                    .is_some_and(|n| n.starts_with('0'));
                let mut missing = Vec::new();
                for n in a + 1..b {
                    let cand = if padded {
                        format!("{pa}-{:0wa$}", n)
                    } else {
                        format!("{pa}-{n}")
                    };
                    if !index.is_defined(&cand) {
                        missing.push(n);
                    }
                }
                if !missing.is_empty() {
                    let fmt = |n: u32| {
                        if padded {
                            format!("{pa}-{:0wa$}", n)
                        } else {
                            format!("{pa}-{n}")
                        }
                    };
                    let list = compact_runs(&missing, fmt);
                    sink.push(
                        Code::RangeGap,
                        span.clone(),
                        id,
                        format!(
                            "{}: {list} {} not defined (inside the range {} to {})",
                            entry.id,
                            if missing.len() == 1 { "is" } else { "are" },
                            start.id,
                            end.id
                        ),
                    );
                }
            }
            LinkItem::UnknownPrefix(r) => {
                let r_span = entry.abs(r.span);
                let p = id_prefix(&r.id);
                let hint = did_you_mean(p, sink.config.prefixes.iter().map(String::as_str));
                sink.add(Draft { code: Code::UnknownPrefix, default: Severity::Warning, span: r_span.clone(), id, message: format!(
                        "{}: {} has the prefix {p}, which is not a configured ID prefix{} — add it to `prefixes` in dep-ls.toml if it is one",
                        entry.id,
                        r.id,
                        hint.map(|h| format!(" — did you mean {h}?")).unwrap_or_default()
                    ), related: Vec::new(), fix: hint.map(|h| FixHint::Replace(vec![r.id.replacen(p, h, 1)])) });
            }
            LinkItem::Placeholder(r) => {
                let r_span = entry.abs(r.span);
                if bracket
                    .iter()
                    .any(|b| b.start <= r_span.start && r_span.end <= b.end)
                {
                    continue;
                }
                if !entry.is_dep_block() {
                    continue;
                }
                sink.push(
                    Code::TemplatePlaceholder,
                    r_span.clone(),
                    id,
                    format!(
                        "{}: {} is a template placeholder — link the real ID",
                        entry.id, r.id
                    ),
                );
            }
            LinkItem::Id(_) => {}
        }
    }
}

/// `TEST-017, TEST-020–TEST-025 and 3 more`.
fn compact_runs(nums: &[u32], fmt: impl Fn(u32) -> String) -> String {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &n in nums {
        match runs.last_mut() {
            Some((_, e)) if *e + 1 == n => *e = n,
            _ => runs.push((n, n)),
        }
    }
    let shown: Vec<String> = runs
        .iter()
        .take(8)
        .map(|&(s, e)| match e - s {
            0 => fmt(s),
            1 => format!("{}, {}", fmt(s), fmt(e)),
            _ => format!("{}–{}", fmt(s), fmt(e)),
        })
        .collect();
    let mut text = shown.join(", ");
    if runs.len() > 8 {
        let rest: u32 = runs[8..].iter().map(|(s, e)| e - s + 1).sum();
        text.push_str(&format!(" and {rest} more"));
    }
    text
}

//! `check --format json`: one JSON array of findings, exactly the keys of spec §6 in its order
//! (0-based lines, UTF-16 characters).

use super::Item;
use crate::text::Range;
use serde::Serialize;
use std::io::{self, Write};

/// One element of the `--format json` array: exactly the spec's keys, in the spec's order.
#[derive(Serialize)]
struct JsonFinding<'a> {
    path: &'a str,
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    range: Range,
    id: Option<&'a str>,
}

impl<'a> JsonFinding<'a> {
    fn of(i: &'a Item) -> JsonFinding<'a> {
        JsonFinding {
            path: &i.path,
            severity: i.severity.as_str(),
            code: i.code.as_str(),
            message: &i.message,
            range: i.loc.range,
            id: i.id.as_deref(),
        }
    }
}

/// A finding that moved (same path, code, ID and message, another range): where it is now,
/// and `from`, where it was.
#[derive(Serialize)]
struct Moved<'a> {
    #[serde(flatten)]
    now: JsonFinding<'a>,
    from: Range,
}

/// One round of `check --watch --format json`, on one line.
#[derive(Serialize)]
struct Round<'a> {
    round: u64,
    added: Vec<JsonFinding<'a>>,
    removed: Vec<JsonFinding<'a>>,
    moved: Vec<Moved<'a>>,
    total: usize,
}

/// Writes one round of `check --watch` as one line of JSON: `{"round":n,"added":[…],
/// "removed":[…],"moved":[…],"total":k}` (the findings as in the `--format json` array).
pub(in crate::cli) fn write_round(
    out: &mut dyn Write,
    round: u64,
    added: &[&Item],
    removed: &[&Item],
    moved: &[(&Item, Range)],
    total: usize,
) -> io::Result<()> {
    let r = Round {
        round,
        added: added.iter().map(|i| JsonFinding::of(i)).collect(),
        removed: removed.iter().map(|i| JsonFinding::of(i)).collect(),
        moved: moved
            .iter()
            .map(|(i, from)| Moved {
                now: JsonFinding::of(i),
                from: *from,
            })
            .collect(),
        total,
    };
    serde_json::to_writer(&mut *out, &r).map_err(io::Error::from)?;
    writeln!(out)
}

/// One pretty-printed JSON array of findings.
pub(super) fn write(out: &mut dyn Write, items: &[Item]) -> io::Result<()> {
    let list: Vec<JsonFinding<'_>> = items.iter().map(JsonFinding::of).collect();
    serde_json::to_writer_pretty(&mut *out, &list).map_err(io::Error::from)?;
    writeln!(out)
}

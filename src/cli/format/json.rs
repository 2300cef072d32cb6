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

/// One pretty-printed JSON array of findings.
pub(super) fn write(out: &mut dyn Write, items: &[Item]) -> io::Result<()> {
    let list: Vec<JsonFinding<'_>> = items
        .iter()
        .map(|i| JsonFinding {
            path: &i.path,
            severity: i.severity.as_str(),
            code: i.code.as_str(),
            message: &i.message,
            range: i.loc.range,
            id: i.id.as_deref(),
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &list).map_err(io::Error::from)?;
    writeln!(out)
}

//! The output formats of `check`, one module each: [`human`] (compiler-style messages with
//! source excerpts), [`json`] (spec §6), [`sarif`] (SARIF 2.1.0) and [`github`] (GitHub Actions
//! workflow commands). Each takes the findings of a run with their positions computed
//! ([`Checked`], made by `cli::locate`) and writes them; [`write()`] picks the one asked for.

mod github;
mod human;
mod json;
mod sarif;

pub(super) use human::write_items as write_human_items;
pub(super) use json::write_round as write_json_round;

use super::Format;
use crate::check::{Code, Severity};
use crate::text::Range;
use std::io::{self, Write};

/// A position as printed: 0-based line, 0-based UTF-16 character, 0-based char column.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Loc {
    pub(super) range: Range,
    /// Column of the start, in Unicode scalar values (0-based).
    pub(super) col_chars: u32,
}

/// The part of the line a finding starts on that human output shows, with the finding's span
/// inside it (byte offsets into `text`, first line only).
#[derive(Clone, Debug)]
pub(super) struct Snippet {
    pub(super) text: String,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// A related location of a finding, with its position computed.
#[derive(Clone, Debug)]
pub(super) struct RelatedItem {
    /// Relative to its PATH (the folder given).
    pub(super) path: String,
    /// As printed: the folder given, as typed, joined with `path`.
    pub(super) file_arg: String,
    pub(super) loc: Loc,
    pub(super) message: String,
}

/// A finding with its positions computed.
#[derive(Clone, Debug)]
pub(super) struct Item {
    /// Relative to its PATH (the folder given).
    pub(super) path: String,
    /// As printed (human, GitHub): the folder given, as typed, joined with `path`.
    pub(super) file_arg: String,
    pub(super) code: Code,
    pub(super) severity: Severity,
    pub(super) message: String,
    pub(super) id: Option<String>,
    pub(super) loc: Loc,
    /// Made for human output only.
    pub(super) snippet: Option<Snippet>,
    pub(super) related: Vec<RelatedItem>,
}

/// What one `check` run gathered.
#[derive(Default)]
pub(super) struct Checked {
    /// Sorted per PATH, PATHs in the order given.
    pub(super) items: Vec<Item>,
    /// Markdown files checked.
    pub(super) files: usize,
}

/// Writes the findings in `format` (`color`: human output only, ANSI colors).
pub(super) fn write(
    format: Format,
    out: &mut dyn Write,
    checked: &Checked,
    color: bool,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(out, checked, color),
        Format::Json => json::write(out, &checked.items),
        Format::Sarif => sarif::write(out, &checked.items),
        Format::Github => github::write(out, &checked.items),
    }
}

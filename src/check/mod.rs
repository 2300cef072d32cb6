//! Checks: pure functions from entries + index + config to findings. No I/O here.

pub mod entry;
pub mod plan;
pub mod suppress;
pub mod values;

use crate::syntax::Span;
use serde::Serialize;

pub use crate::codes::{Code, Severity};

/// Another location a finding points at (duplicate definitions, the other environment).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related {
    /// Workspace-relative path of the file.
    pub path: String,
    pub span: Span,
    pub message: String,
}

/// Data a quick fix can use without re-deriving it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum FixHint {
    /// Replace the span with one of these (did-you-mean).
    Replace(Vec<String>),
    /// Add these fields (keys, in template order) to the entry.
    AddFields(Vec<String>),
}

/// One finding, placed by byte span in one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// Workspace-relative path.
    pub path: String,
    pub span: Span,
    /// The entry's ID where the finding belongs to an entry.
    pub id: Option<String>,
    pub related: Vec<Related>,
    pub fix: Option<FixHint>,
}

/// The finding that stands for a check or parse that panicked on this file (a bug in dep-ls):
/// placed at `span` (the entry's ID, or the start of the file), with the panic's message.
pub fn internal_error(
    path: &str,
    span: Span,
    id: Option<String>,
    what: &str,
    message: &str,
) -> Finding {
    // A panic message can quote document text (a slice error does): keep the first line only,
    // and not much of it.
    let first = message.lines().next().unwrap_or("");
    let cut: String = first.chars().take(160).collect();
    Finding {
        code: Code::InternalError,
        severity: Severity::Error,
        message: format!(
            "internal error while {what} — this is a bug in dep-ls, please report it (with the file if you can): {cut}"
        ),
        path: path.to_string(),
        span,
        id,
        related: Vec::new(),
        fix: None,
    }
}

/// Every finding of the workspace (per-file and plan-level), sorted by path and position.
pub fn check_all(index: &crate::index::Index, config: &crate::config::Config) -> Vec<Finding> {
    use rayon::prelude::*;
    let files = index.files_sorted();
    let mut out: Vec<Finding> = files
        .par_iter()
        .flat_map_iter(|(_, f)| entry::check_file(&f.path, &f.doc, index, config))
        .collect();
    out.extend(plan::check_plans(index, config));
    // Inline suppressions (the server applies the same `suppress::apply` per file).
    let with: foldhash::HashMap<&str, &crate::syntax::ParsedDoc> = files
        .iter()
        .filter(|(_, f)| !f.doc.suppressions.is_empty())
        .map(|(_, f)| (f.path.as_str(), &*f.doc))
        .collect();
    suppress::apply_many(&with, &mut out, config);
    out.sort_by(|a, b| {
        (a.path.as_str(), a.span.start, a.code).cmp(&(b.path.as_str(), b.span.start, b.code))
    });
    out
}

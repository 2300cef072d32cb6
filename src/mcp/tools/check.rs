//! `check`: the workspace's findings ([`Workspace::check`], what `dep-ls check` reports), those
//! of a file or folder, each in the shape of `check --format json`.

use super::paths::{scope, Lines, Scope};
use super::{Answer, Args, Error, TEXT_LINES};

/// At most this many findings in an answer unless `limit` says otherwise (a whole workspace can
/// have tens of thousands: more than an agent's context holds).
const DEFAULT_LIMIT: usize = 500;
use crate::check::{Finding, Severity};
use crate::text::Range;
use crate::workspace::Workspace;
use serde::Serialize;
use serde_json::json;

/// One finding as `dep-ls check --format json` writes it: exactly its keys, in its order.
#[derive(Serialize)]
struct JsonFinding<'a> {
    path: &'a str,
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    range: Range,
    id: Option<&'a str>,
}

fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
        Severity::Hint => 3,
    }
}

pub(super) fn check(ws: &Workspace, args: &Args) -> Result<Answer, Error> {
    let scope = scope(ws, args.str("path"))?;
    let min = match args.str("minSeverity") {
        None => Severity::Hint,
        Some(s) => match s.to_ascii_lowercase().as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "info" => Severity::Info,
            "hint" => Severity::Hint,
            _ => {
                return Err(Error::Bad(format!(
                    "`minSeverity` must be one of error, warning, info, hint; got `{s}`"
                )))
            }
        },
    };
    // One file: its findings as the language server computes them (its own checks and the
    // plan-level findings placed in it, the plan findings cached between calls); the same as
    // `check_all`'s for that file (tests/engine/reliability_properties.rs holds them equal).
    let all = match &scope {
        Scope::File(rel) => ws.diagnostics(rel),
        _ => ws.check(),
    };
    let mut findings: Vec<Finding> = all
        .into_iter()
        .filter(|f| scope.covers(&f.path) && severity_rank(f.severity) <= severity_rank(min))
        .collect();
    let mut lines = Lines::new(ws);
    let mut located: Vec<(Finding, Range)> = findings
        .drain(..)
        .map(|f| {
            let r = lines.range(&f.path, f.span.clone());
            (f, r)
        })
        .collect();
    // The order of `dep-ls check`: path, start, code, end, message.
    located.sort_by(|(a, ra), (b, rb)| {
        (&a.path, ra.start, a.code.as_str(), ra.end, &a.message).cmp(&(
            &b.path,
            rb.start,
            b.code.as_str(),
            rb.end,
            &b.message,
        ))
    });
    let files = ws.files.iter().filter(|f| scope.covers(&f.path)).count();
    let mut counts = [0usize; 4];
    for (f, _) in &located {
        counts[severity_rank(f.severity) as usize] += 1;
    }
    let limit = match args.int("limit") {
        None => DEFAULT_LIMIT,
        Some(n) if n >= 1 => usize::try_from(n).unwrap_or(usize::MAX),
        Some(n) => return Err(Error::Bad(format!("`limit` must be at least 1; got {n}"))),
    };
    let list: Vec<JsonFinding<'_>> = located
        .iter()
        .take(limit)
        .map(|(f, r)| JsonFinding {
            path: &f.path,
            severity: f.severity.as_str(),
            code: f.code.as_str(),
            message: &f.message,
            range: *r,
            id: f.id.as_deref(),
        })
        .collect();
    let what = match &scope {
        Scope::All => "the workspace".to_string(),
        Scope::Folder(p) => format!("{p}/"),
        Scope::File(p) => p.clone(),
    };
    let mut text = if located.is_empty() {
        format!(
            "{what}: no findings in {}",
            crate::check::entry::plural(files, "file", "files")
        )
    } else {
        let n = |k: usize, one: &str, many: &str| crate::check::entry::plural(counts[k], one, many);
        format!(
            "{what}: {} in {} ({}, {}, {} info, {})",
            crate::check::entry::plural(located.len(), "finding", "findings"),
            crate::check::entry::plural(files, "file", "files"),
            n(0, "error", "errors"),
            n(1, "warning", "warnings"),
            counts[2],
            n(3, "hint", "hints"),
        )
    };
    if !ws.config_errors.is_empty() {
        text.push_str(&format!(
            "\nconfiguration problems: {}",
            ws.config_errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    let shown = limit.min(TEXT_LINES);
    for (f, r) in located.iter().take(shown) {
        text.push_str(&format!(
            "\n{}:{}:{}: {} [{}] {}{}",
            f.path,
            r.start.line + 1,
            lines.line_col(&f.path, f.span.start).1,
            f.severity.as_str(),
            f.code.as_str(),
            f.message,
            f.id.as_deref()
                .map(|id| format!(" ({id})"))
                .unwrap_or_default()
        ));
    }
    if located.len() > shown {
        text.push_str(&format!(
            "\n… and {} more{} (give a `path` or `minSeverity` to narrow)",
            located.len() - shown,
            if list.len() > shown {
                format!(" ({} in the structured result)", list.len())
            } else {
                String::new()
            }
        ));
    }
    let structured = json!({
        "root": ws.root.display().to_string(),
        "path": scope.rel(),
        "files": files,
        "counts": {"error": counts[0], "warning": counts[1], "info": counts[2], "hint": counts[3]},
        "configProblems": ws.config_errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
        "total": located.len(),
        "truncated": located.len() > list.len(),
        "findings": list,
    });
    Ok(Answer { structured, text })
}

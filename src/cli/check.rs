//! `dep-ls check`: checks each PATH against its whole workspace (and each nested workspace in
//! it on its own), keeps PATH's findings, and prints them in the format asked for.

use super::format::{self, Checked, Item};
use super::locate::locate_all;
use super::progress::Progress;
use super::targets::{config_readable, each_workspace, join_display, resolve_target};
use super::{CheckArgs, Format, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::check::{Finding, Severity};
use crate::workspace::Workspace;
use std::collections::BTreeSet;
use std::io::{self, IsTerminal, Write};

/// `dep-ls check`: checks every PATH, prints the findings in the format asked for, and gives
/// the exit code (1 when one is an error).
pub(super) fn run(args: &CheckArgs) -> i32 {
    if let Err(code) = config_readable(args.config.as_deref()) {
        return code;
    }
    let mut targets = Vec::with_capacity(args.paths.len());
    for p in &args.paths {
        match resolve_target(p) {
            Ok(t) => targets.push(t),
            Err(msg) => {
                err_line!("error: {msg}");
                return EXIT_USAGE;
            }
        }
    }

    let progress = Progress::new(io::stderr().is_terminal());
    let mut checked = Checked::default();
    let mut config_warnings = BTreeSet::new();
    let mut skipped = 0usize;
    let snippets = matches!(args.format, Format::Human);
    // The workspace a file PATH was last checked in, with all its findings: the next file PATHs
    // of that workspace are answered from it (pre-commit passes every changed file of a
    // repository; loading and checking the workspace once per file made 50 files take 40 s).
    let mut last: Option<(Workspace, Vec<Finding>)> = None;
    for t in &targets {
        if let (Some(only), Some((ws, all))) = (&t.only, &last) {
            if ws.root == t.root && ws.files.get(only).is_some() {
                let findings: Vec<Finding> =
                    all.iter().filter(|f| t.covers(&f.path)).cloned().collect();
                checked.files += 1;
                let mut items = locate_all(ws, t, "", findings, snippets);
                sort_items(&mut items);
                checked.items.extend(items);
                continue;
            }
        }
        let progress_fn = |done, total| progress.update(done, total);
        let mut items = Vec::new();
        let mut found_only = false;
        let r = each_workspace(t, args.config.as_deref(), &progress_fn, |ws, t, offset| {
            progress.clear();
            for e in &ws.config_errors {
                let msg = e.to_string();
                // The same --config is read once per PATH: say each problem once.
                if config_warnings.insert(msg.clone()) {
                    err_line!("warning: {msg}");
                }
            }
            skipped += ws.notes.len();
            if args.verbose {
                for n in &ws.notes {
                    err_line!("note: {n}");
                }
            }
            let mut findings: Vec<Finding> = ws.check();
            // A file PATH's workspace and all its findings are kept for the next file PATHs.
            let kept = (t.only.is_some() && offset.is_empty()).then(|| findings.clone());
            // The top workspace: only PATH's findings (a nested one lies inside PATH).
            if offset.is_empty() {
                findings.retain(|f| t.covers(&f.path));
                let n = ws.files.iter().filter(|f| t.covers(&f.path)).count();
                found_only |= n > 0;
                checked.files += n;
            } else {
                checked.files += ws.files.len();
            }
            if args.verbose {
                err_line!(
                    "note: {}: {} Markdown files indexed, {} findings reported",
                    join_display(&t.prefix, &t.shown(offset, "")),
                    ws.files.len(),
                    findings.len()
                );
            }
            items.extend(locate_all(&ws, t, offset, findings, snippets));
            if let Some(all) = kept {
                if let Some((old, _)) = last.replace((ws, all)) {
                    std::mem::forget(old);
                }
            } else {
                // The process is about to exit: freeing a large workspace piece by piece costs
                // a noticeable share of a run, and the OS reclaims it at once.
                std::mem::forget(ws);
            }
            Ok(())
        });
        if let Err(code) = r {
            return code;
        }
        if t.only.is_some() && !found_only {
            err_line!(
                "warning: {}: not a Markdown file that dep-ls reads (not .md, ignored or skipped); nothing checked in it",
                t.given.display()
            );
        }
        sort_items(&mut items);
        checked.items.extend(items);
    }
    if skipped > 0 && !args.verbose {
        err_line!(
            "note: {skipped} {} skipped (--verbose lists them)",
            if skipped == 1 { "file" } else { "files" }
        );
    }

    let code = if checked.items.iter().any(|i| i.severity == Severity::Error) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    let color = !args.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var_os("TERM").is_none_or(|v| v != "dumb")
        && io::stdout().is_terminal();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let written = format::write(args.format, &mut out, &checked, color).and_then(|()| out.flush());
    match written {
        Ok(()) => code,
        // `dep-ls check | head`: end quietly with the code already computed.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => code,
        Err(e) => {
            err_line!("error: cannot write the output: {e}");
            EXIT_USAGE
        }
    }
}

/// Sorts a PATH's findings by path, line, column, code.
fn sort_items(items: &mut [Item]) {
    items.sort_by(|a, b| {
        (
            &a.path,
            a.loc.range.start,
            a.code.as_str(),
            a.loc.range.end,
            &a.message,
        )
            .cmp(&(
                &b.path,
                b.loc.range.start,
                b.code.as_str(),
                b.loc.range.end,
                &b.message,
            ))
    });
}

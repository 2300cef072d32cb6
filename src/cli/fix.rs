//! `dep-ls check --fix` / `--diff`: the CLI side of the safe fixes. The engine computes them
//! ([`crate::fix::fix_until_stable`]); this module picks the files (PATH's), prints what changed
//! (a line per fix, or a unified diff), and decides whether to write
//! ([`crate::fix::write_fixed`]).

use super::interrupt;
use super::output::emit;
use super::targets::{config_readable, each_workspace, join_display, resolve_target};
use super::{CheckArgs, EXIT_USAGE};
use crate::fix::{Fix, Source, WriteError};
use crate::text::LineIndex;
use std::collections::BTreeSet;

/// Exit code after an interrupted `--fix` (128 + SIGINT, as a shell reports it).
const EXIT_INTERRUPTED: i32 = 130;

/// `check --fix` / `--diff`: computes the safe fixes of every PATH and writes them (or prints
/// the diff). Returns how many edits were (or would be) made.
pub(super) fn run(args: &CheckArgs) -> Result<usize, i32> {
    config_readable(args.config.as_deref())?;
    let mut total = 0;
    let mut failed = false;
    let mut config_warnings = BTreeSet::new();
    for p in &args.paths {
        let t = resolve_target(p).map_err(|msg| {
            err_line!("error: {msg}");
            EXIT_USAGE
        })?;
        each_workspace(
            &t,
            args.config.as_deref(),
            &|_, _| {},
            |mut ws, t, offset| {
                // With --fix the check that follows prints the configuration's problems; --diff
                // ends here.
                for e in ws.config_errors.iter().filter(|_| args.diff) {
                    let msg = e.to_string();
                    // The same --config is read once per PATH: say each problem once.
                    if config_warnings.insert(msg.clone()) {
                        err_line!("warning: {msg}");
                    }
                }
                for note in &ws.notes {
                    if args.verbose {
                        err_line!("note: {note} (not fixed)");
                    }
                }
                // A file meant to be excluded must never be rewritten: when the exclude list may
                // be incomplete, write nothing.
                if !args.diff && !ws.config.exclude_doubts.is_empty() {
                    for d in &ws.config.exclude_doubts {
                        err_line!("error: {d}");
                    }
                    err_line!(
                        "error: {}: --fix writes nothing while the `exclude` list may be incomplete; correct dep-ls.toml first",
                        t.given.display()
                    );
                    return Err(EXIT_USAGE);
                }
                // The top workspace: only PATH's files (a nested one lies inside PATH).
                let sources: Vec<Source<'_>> = ws
                    .files
                    .iter()
                    .filter(|f| !offset.is_empty() || t.covers(&f.path))
                    .map(|f| Source {
                        path: &f.path,
                        text: &f.text,
                    })
                    .collect();
                let fixed = crate::fix::fix_until_stable(&mut ws.index, &ws.config, &sources);
                // Ctrl-C or a termination request while files are written stops between two
                // files, so that no temporary file is left behind (a SIGKILL still can leave one).
                let _guard = (!args.diff).then(interrupt::Guard::catch);
                for f in &fixed {
                    if interrupt::hit() {
                        err_line!("error: interrupted: the other files are left as they were");
                        return Err(EXIT_INTERRUPTED);
                    }
                    let shown = join_display(&t.prefix, &t.shown(offset, f.path));
                    total += f.fixes.len();
                    if args.diff {
                        let d = crate::fix::unified_diff(&shown, f.original, &f.text);
                        if emit(&d, None).is_err() {
                            return Err(EXIT_USAGE);
                        }
                        continue;
                    }
                    // Only over the text that was read, only a regular file inside the root,
                    // never through a symlink.
                    match crate::fix::write_fixed(&ws.root, f.path, f.original, &f.text) {
                        Ok(()) => {}
                        Err(e @ WriteError::Changed) => {
                            err_line!("warning: {shown}: {e}");
                            failed = true;
                            continue;
                        }
                        Err(e) => {
                            err_line!("error: {shown}: {e}");
                            failed = true;
                            continue;
                        }
                    }
                    // Fixes never add or remove lines: line numbers hold in the original text.
                    let idx = LineIndex::new(f.original);
                    let mut shown_fixes: Vec<&Fix> = f.fixes.iter().collect();
                    shown_fixes.sort_by_key(|x| x.span.start);
                    for x in shown_fixes {
                        err_line!(
                            "fixed {shown}:{}: {} [{}] `{}` → `{}`",
                            idx.line_of(x.span.start) + 1,
                            x.id,
                            x.kind,
                            x.old,
                            x.new
                        );
                    }
                }
                if interrupt::hit() {
                    err_line!("error: interrupted after the last file was written");
                    return Err(EXIT_INTERRUPTED);
                }
                drop(fixed);
                std::mem::forget(ws);
                Ok(())
            },
        )?;
    }
    if !args.diff {
        err_line!(
            "{} {} applied",
            total,
            if total == 1 { "fix" } else { "fixes" }
        );
    }
    if failed {
        return Err(EXIT_USAGE);
    }
    Ok(total)
}

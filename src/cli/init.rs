//! `dep-ls init [PATH]`: writes a commented `dep-ls.toml` ([`crate::config::commented_toml`]:
//! every setting with its default, commented out) in the folder PATH, and with `--plan` a
//! release-plan skeleton (one entry of each Type, from [`crate::schema::template`]). Never
//! overwrites: a file that exists is left alone (exit 1); each file is written whole or not at
//! all (a temporary file in the folder, linked to its name only if the name is free).

use super::{InitArgs, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::config::CONFIG_FILE;
use crate::schema::{template, EntryType};
use std::io::Write;
use std::path::Path;

/// The name of the plan skeleton `--plan` writes.
pub(super) const PLAN_FILE: &str = "release-plan.md";

/// The release-plan skeleton: a title, then one entry of each Type in the guide's order,
/// `DEP-001`…, each with the guide's placeholders (what the server's template action inserts).
pub(super) fn plan_skeleton() -> String {
    let mut out = String::from(
        "# Release plan: [Release Name]\n\n\
         <!-- A skeleton written by `dep-ls init --plan`: one DEP- entry of each Type. Replace\n\
         \x20    every [placeholder], link the IDs each entry traces to, then run `dep-ls check`. -->\n",
    );
    for (i, ty) in EntryType::ALL.iter().enumerate() {
        out.push('\n');
        out.push_str(&template(*ty, &format!("DEP-{:03}", i + 1), Some(2)).text);
    }
    out
}

pub(super) fn run(args: &InitArgs) -> i32 {
    let dir = &args.path;
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            err_line!("error: {}: not a folder", dir.display());
            return EXIT_USAGE;
        }
        Err(e) => {
            err_line!("error: {}: {e}", dir.display());
            return EXIT_USAGE;
        }
    }
    let mut files = vec![(CONFIG_FILE, crate::config::commented_toml())];
    if args.plan {
        files.push((PLAN_FILE, plan_skeleton()));
    }
    let mut code = EXIT_OK;
    for (name, text) in files {
        let path = dir.join(name);
        match write_new(dir, &path, &text) {
            Ok(()) => println!("wrote {}", path.display()),
            Err(Refused::Exists) => {
                err_line!(
                    "error: {} already exists: left alone (dep-ls init never overwrites a file)",
                    path.display()
                );
                code = code.max(EXIT_FINDINGS);
            }
            Err(Refused::Io(e)) => {
                err_line!("error: cannot write {}: {e}", path.display());
                code = EXIT_USAGE;
            }
        }
    }
    code
}

enum Refused {
    Exists,
    Io(std::io::Error),
}

/// Writes `text` to `path` only if no file (or link, even a dangling one) has that name: the
/// text goes to a temporary file in `dir`, fsynced, then is linked to `path` without
/// replacing anything, so `path` appears whole or not at all.
fn write_new(dir: &Path, path: &Path, text: &str) -> Result<(), Refused> {
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(Refused::Exists);
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".dep-ls-init")
        .tempfile_in(dir)
        .map_err(Refused::Io)?;
    tmp.write_all(text.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(Refused::Io)?;
    // The temporary file is removed when `persist_noclobber` fails (dropped with the error).
    match tmp.persist_noclobber(path) {
        Ok(_) => Ok(()),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Err(Refused::Exists),
        Err(e) => Err(Refused::Io(e.error)),
    }
}

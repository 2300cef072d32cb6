//! Safe autofixes for `dep-ls check --fix`: the fixes that need no judgement. Pure: a file's
//! text, its parsed document and its findings in, edits out ([`fixes`]); [`fix_until_stable`]
//! repeats check and fix over a workspace's index until nothing is left to fix. The CLI decides
//! what to print and whether to write ([`write_fixed`], the only write dep-ls makes).
//!
//! - `enum-casing`: an enumerated value in the wrong case (`Type: rollback` → `Rollback`,
//!   `Stage: pre-Deploy` → `Pre-deploy`, `Blocker: yes` → `Yes`, `Method: automated` →
//!   `Automated`, `Name: Production` → `production`). Only the value proper changes; a remark
//!   after it stays.
//! - `unknown-field`: a key typo with exactly one clear match (`Escalaton:` → `Escalation:`):
//!   the finding's did-you-mean, at most 2 edits away, with no other known key as close, and
//!   only when the entry does not already have that key.
//! - `template-placeholder`: a `DEP-XXX` definition gets the next free number of the workspace
//!   (`DEP-035`, zero-padded like the workspace's IDs; several placeholders get consecutive
//!   numbers).
//!
//! Every edit replaces text inside one line with text without line breaks, so line endings
//! (LF, CRLF, CR) are kept as they are.

use crate::check::{Code, Finding, FixHint};
use crate::schema::{enum_values, value_head, DEP_FIELDS};
use crate::syntax::{ParsedDoc, Span};
use serde::Serialize;
use std::collections::HashMap;

/// One edit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub span: Span,
    pub old: String,
    pub new: String,
    /// `enum-casing`, `unknown-field` or `template-placeholder`.
    pub kind: &'static str,
    /// The entry's ID.
    pub id: String,
}

/// Next free numbers per prefix, shared by every file of a workspace.
#[derive(Debug, Default)]
pub struct Numbering {
    next: HashMap<String, (u32, usize)>,
}

impl Numbering {
    /// Starts after the highest number the index defines for each prefix.
    pub fn from_index(index: &crate::index::Index) -> Self {
        let mut next = HashMap::new();
        if let Some((max, width)) = index.max_number("DEP") {
            next.insert("DEP".to_string(), (max + 1, width.max(3)));
        }
        Numbering { next }
    }

    /// The next ID of this prefix (and reserves it).
    pub fn take(&mut self, prefix: &str) -> String {
        let slot = self.next.entry(prefix.to_string()).or_insert((1, 3));
        let id = format!("{prefix}-{:0w$}", slot.0, w = slot.1);
        slot.0 += 1;
        id
    }
}

/// The safe fixes of one file.
pub fn fixes(
    text: &str,
    doc: &ParsedDoc,
    findings: &[Finding],
    numbering: &mut Numbering,
) -> Vec<Fix> {
    let mut out = Vec::new();
    for e in &doc.entries {
        // `DEP-XXX` definitions.
        if e.placeholder && e.prefix() == "DEP" && !e.def_kind.is_row() {
            if let Some(old) = text.get(e.id_span.clone()) {
                if old == e.id {
                    out.push(Fix {
                        span: e.id_span.clone(),
                        old: old.to_string(),
                        new: numbering.take("DEP"),
                        kind: "template-placeholder",
                        id: e.id.to_string(),
                    });
                }
            }
        }
        // DEP- blocks, numbered or not yet (`DEP-XXX`).
        if !(e.is_dep_block() || (e.placeholder && e.prefix() == "DEP")) || e.def_kind.is_row() {
            continue;
        }
        // Enumerated values in the wrong case.
        for f in &e.fields {
            if f.heading {
                continue;
            }
            let norm = f.norm_key();
            let Some(allowed) = enum_values(&norm) else {
                continue;
            };
            let Some(first) = f.pieces.first().map(|p| e.abs(*p)) else {
                continue;
            };
            let head = value_head(&f.value);
            if head.is_empty() {
                continue;
            }
            // Where `head` sits in the value (it is a subslice of it), then in the text.
            let off = head.as_ptr() as usize - f.value.as_ptr() as usize;
            let start = first.start + off;
            let end = start + head.len();
            if end > first.end || text.get(start..end) != Some(head) {
                continue;
            }
            if let Some(canon) = allowed.iter().find(|a| a.eq_ignore_ascii_case(head)) {
                if *canon != head {
                    out.push(Fix {
                        span: start..end,
                        old: head.to_string(),
                        new: canon.to_string(),
                        kind: "enum-casing",
                        id: e.id.to_string(),
                    });
                }
            }
        }
    }
    // Key typos with one clear match.
    for f in findings {
        if f.code != Code::UnknownField {
            continue;
        }
        let Some(FixHint::Replace(c)) = &f.fix else {
            continue;
        };
        let [cand] = c.as_slice() else { continue };
        let Some(old) = text.get(f.span.clone()) else {
            continue;
        };
        if old.contains(['\n', '\r']) || !clear_match(old, cand) {
            continue;
        }
        let entry = doc.entries.iter().find(|e| {
            e.span.start <= f.span.start && f.span.end <= e.span.end.max(e.line_span.end)
        });
        let Some(entry) = entry else { continue };
        if entry.field(&cand.to_ascii_lowercase()).is_some() {
            continue;
        }
        out.push(Fix {
            span: f.span.clone(),
            old: old.to_string(),
            new: cand.clone(),
            kind: "unknown-field",
            id: entry.id.to_string(),
        });
    }
    out.sort_by_key(|f| f.span.start);
    // No overlaps.
    let mut end = 0;
    out.retain(|f| {
        let keep = f.span.start >= end;
        if keep {
            end = f.span.end;
        }
        keep
    });
    out
}

/// `cand` is at most 2 edits from `key`, and no other known key is as close.
fn clear_match(key: &str, cand: &str) -> bool {
    let k = key.to_ascii_lowercase();
    let d = strsim::damerau_levenshtein(&k, &cand.to_ascii_lowercase());
    if d == 0 || d > 2 {
        return false;
    }
    DEP_FIELDS
        .iter()
        .filter(|f| !f.eq_ignore_ascii_case(cand))
        .all(|f| strsim::damerau_levenshtein(&k, &f.to_ascii_lowercase()) > d)
}

/// The text with the fixes applied (sorted, non-overlapping).
pub fn apply(text: &str, fixes: &[Fix]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for f in fixes {
        out.push_str(&text[at..f.span.start]);
        out.push_str(&f.new);
        at = f.span.end;
    }
    out.push_str(&text[at..]);
    out
}

/// At most this many rounds of [`fix_until_stable`]. A fix can enable others (a `DEP-XXX` that
/// gets a number is checked from then on, and its key typos found), so one round is not enough;
/// a round that finds nothing ends the loop before this.
pub const MAX_ROUNDS: usize = 4;

/// A file for [`fix_until_stable`]: its workspace path and its text (the text the index's parse
/// of it was made from).
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    pub path: &'a str,
    pub text: &'a str,
}

/// A file [`fix_until_stable`] changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fixed<'a> {
    /// Its workspace path.
    pub path: &'a str,
    /// The text the fixes were computed from (the [`Source`]'s).
    pub original: &'a str,
    /// The text with every fix applied.
    pub text: String,
    /// The fixes, round by round. A later round's spans are offsets into the text of its round;
    /// fixes never add or remove lines, so each one's line is the same in `original`.
    pub fixes: Vec<Fix>,
}

/// The safe fixes of `files`, applied in memory until none is left: each round checks the whole
/// workspace ([`crate::check::check_all`] over `index` and `config`), numbers `DEP-XXX` after
/// the highest ID of the index ([`Numbering`], shared by the files of the round), computes each
/// file's [`fixes`], applies them and puts the fixed file's parse into `index`, so that the next
/// round sees it; at most [`MAX_ROUNDS`] rounds. A file the index does not hold is left alone.
///
/// Pure but for `index`, which ends up holding the fixed texts' parses. Returns the files that
/// changed, in the order of `files`; writing them is the caller's decision
/// ([`write_fixed`]).
pub fn fix_until_stable<'a>(
    index: &mut crate::index::Index,
    config: &crate::config::Config,
    files: &[Source<'a>],
) -> Vec<Fixed<'a>> {
    // The text of each file as the last round left it (`None`: as given).
    let mut current: Vec<Option<String>> = vec![None; files.len()];
    let mut done: Vec<Vec<Fix>> = vec![Vec::new(); files.len()];
    for _round in 0..MAX_ROUNDS {
        let findings = crate::check::check_all(index, config);
        let mut numbering = Numbering::from_index(index);
        let mut changed = false;
        for (i, f) in files.iter().enumerate() {
            let Some(file) = index.file_id(f.path).and_then(|id| index.file(id)) else {
                continue;
            };
            let mine: Vec<Finding> = findings
                .iter()
                .filter(|x| x.path == f.path)
                .cloned()
                .collect();
            let text = current[i].as_deref().unwrap_or(f.text);
            let found = fixes(text, &file.doc, &mine, &mut numbering);
            if found.is_empty() {
                continue;
            }
            let new = apply(text, &found);
            let doc = crate::syntax::parse_fast(&new, &config.prefixes);
            index.update(f.path, std::sync::Arc::new(doc));
            current[i] = Some(new);
            done[i].extend(found);
            changed = true;
        }
        if !changed {
            break;
        }
    }
    files
        .iter()
        .zip(current)
        .zip(done)
        .filter(|(_, fixes)| !fixes.is_empty())
        .map(|((f, text), fixes)| Fixed {
            path: f.path,
            original: f.text,
            text: text.unwrap_or_else(|| f.text.to_string()),
            fixes,
        })
        .collect()
}

/// Lines without their terminators.
fn lines(text: &str) -> Vec<&str> {
    crate::text::line_spans(text)
        .map(|(a, b, _)| &text[a..b])
        .collect()
}

/// A unified diff (3 lines of context) between two versions of `path`.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let (a, b) = (lines(old), lines(new));
    let mut s = format!("--- a/{path}\n+++ b/{path}\n");
    if a.len() != b.len() {
        // Fixes never add or remove lines; show the whole file if that ever changes.
        s.push_str(&format!("@@ -1,{} +1,{} @@\n", a.len(), b.len()));
        for l in &a {
            s.push_str(&format!("-{l}\n"));
        }
        for l in &b {
            s.push_str(&format!("+{l}\n"));
        }
        return s;
    }
    let changed: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    const CTX: usize = 3;
    let mut i = 0;
    while i < changed.len() {
        let start = changed[i].saturating_sub(CTX);
        let mut last = changed[i];
        while i + 1 < changed.len() && changed[i + 1] <= last + 2 * CTX + 1 {
            i += 1;
            last = changed[i];
        }
        let end = (last + CTX + 1).min(a.len());
        let n = end - start;
        s.push_str(&format!("@@ -{},{n} +{},{n} @@\n", start + 1, start + 1));
        for j in start..end {
            if a[j] == b[j] {
                s.push_str(&format!(" {}\n", a[j]));
            } else {
                s.push_str(&format!("-{}\n", a[j]));
            }
            if a[j] != b[j] {
                s.push_str(&format!("+{}\n", b[j]));
            }
        }
        i += 1;
    }
    s
}

/// Why [`write_fixed`] left a file as it was.
#[derive(Debug)]
pub enum WriteError {
    /// The file is no longer the text the fixes were computed from.
    Changed,
    /// Writing it could be redirected: a symlink, not a regular file, or a folder outside the
    /// workspace.
    Refused(String),
    /// Creating, writing or renaming the new file failed (the temporary file is removed).
    Io(std::io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Changed => write!(f, "changed while fixing, left as it is"),
            WriteError::Refused(why) => write!(f, "not written: {why}"),
            WriteError::Io(e) => write!(f, "cannot write ({e})"),
        }
    }
}

/// Replaces the file `rel` of the workspace at `root`, whose text must still be `old`, by
/// `new` — without ever writing anywhere else:
///
/// - the file must be a regular file, not a symlink (the walk reads a symlink's target under
///   its own path, so a symlink is never a file to fix; one that appeared since is refused),
///   in a folder whose canonical path is inside the root's;
/// - the new text goes to a temporary file created exclusively (`O_EXCL`, so never through an
///   existing file or symlink) with an unpredictable name, in the file's own folder, then
///   renamed over the file; on any error the temporary file is removed;
/// - the file's mode is kept, and its owner and group where the process may set them (root).
///
/// What is not kept: extended attributes and ACLs, and other hard links to the file (they
/// keep the old text).
pub fn write_fixed(
    root: &std::path::Path,
    rel: &str,
    old: &str,
    new: &str,
) -> Result<(), WriteError> {
    use crate::fsread::{open_regular, Follow, ReadError};
    use std::io::{Read, Write};
    let refused = |why: String| Err(WriteError::Refused(why));
    let canon_root = root.canonicalize().map_err(WriteError::Io)?;
    let path = root.join(rel);
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return refused("not a file name".into());
    };
    let dir = if dir.as_os_str().is_empty() {
        std::path::Path::new(".")
    } else {
        dir
    };
    let canon_dir = dir.canonicalize().map_err(WriteError::Io)?;
    if !canon_dir.starts_with(&canon_root) {
        return refused(format!(
            "its folder is {}, outside the workspace {}",
            canon_dir.display(),
            canon_root.display()
        ));
    }
    let target = canon_dir.join(name);
    // The file as it is now, through a handle that does not follow a symlink: still the text
    // the fixes are for? Its metadata (mode, owner) comes from that handle.
    let (file, meta) = match open_regular(&target, Follow::No) {
        Ok(x) => x,
        Err(ReadError::Symlink) => {
            return refused("it is a symlink (dep-ls writes only regular files)".into())
        }
        Err(ReadError::NotRegular) => return refused("not a regular file".into()),
        Err(ReadError::NotFound(_)) => return Err(WriteError::Changed),
        Err(e) => return refused(e.to_string()),
    };
    let mut now = Vec::with_capacity(old.len());
    file.take(old.len() as u64 + 1)
        .read_to_end(&mut now)
        .map_err(WriteError::Io)?;
    if now != old.as_bytes() {
        return Err(WriteError::Changed);
    }
    let prefix = format!(".{}.", name.to_string_lossy());
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".dep-ls-fix")
        .tempfile_in(&canon_dir)
        .map_err(WriteError::Io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Owner first (a change of owner can clear the mode's set-id bits), best effort: only
        // a privileged process may give a file away; the group alone may still be allowed.
        let f = tmp.as_file();
        if std::os::unix::fs::fchown(f, Some(meta.uid()), Some(meta.gid())).is_err() {
            let _ = std::os::unix::fs::fchown(f, None, Some(meta.gid()));
        }
    }
    tmp.as_file()
        .set_permissions(meta.permissions())
        .map_err(WriteError::Io)?;
    tmp.write_all(new.as_bytes()).map_err(WriteError::Io)?;
    tmp.as_file().sync_all().map_err(WriteError::Io)?;
    // Last look before the rename (which replaces the directory entry, never follows it).
    match std::fs::symlink_metadata(&target) {
        Ok(m) if m.file_type().is_file() => {}
        _ => return Err(WriteError::Changed),
    }
    tmp.persist(&target).map_err(|e| WriteError::Io(e.error))?;
    // Make the rename durable (best effort: not every platform can sync a folder).
    if let Ok(d) = std::fs::File::open(&canon_dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn dirs(name: &str) -> (PathBuf, PathBuf) {
        let base = std::env::temp_dir().join(format!("dep-ls-fixw-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let (root, outside) = (base.join("root"), base.join("outside"));
        std::fs::create_dir_all(root.join("sub")).expect("mkdir");
        std::fs::create_dir_all(&outside).expect("mkdir");
        (root, outside)
    }

    fn leftovers(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .expect("read_dir")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("dep-ls-fix"))
            .count()
    }

    #[test]
    fn write_fixed_writes_a_regular_file_in_place() {
        let (root, _) = dirs("ok");
        std::fs::write(root.join("sub/a.md"), "old").expect("write");
        write_fixed(&root, "sub/a.md", "old", "new").expect("written");
        assert_eq!(
            std::fs::read_to_string(root.join("sub/a.md")).expect("read"),
            "new"
        );
        assert_eq!(leftovers(&root.join("sub")), 0);
    }

    #[test]
    fn write_fixed_refuses_symlinks_and_folders_outside_the_root() {
        let (root, outside) = dirs("refuse");
        std::fs::write(outside.join("t.md"), "old").expect("write");
        // The plan is a symlink (outside, and inside the root): refused, nothing written.
        std::os::unix::fs::symlink(outside.join("t.md"), root.join("out.md")).expect("symlink");
        std::fs::write(root.join("real.md"), "old").expect("write");
        std::os::unix::fs::symlink("real.md", root.join("in.md")).expect("symlink");
        for rel in ["out.md", "in.md"] {
            let e = write_fixed(&root, rel, "old", "new").expect_err("a symlink");
            assert!(e.to_string().contains("symlink"), "{e}");
        }
        assert_eq!(
            std::fs::read_to_string(outside.join("t.md")).expect("read"),
            "old"
        );
        assert_eq!(
            std::fs::read_to_string(root.join("real.md")).expect("read"),
            "old"
        );
        // A folder of the path is a link out of the root.
        std::os::unix::fs::symlink(&outside, root.join("away")).expect("symlink");
        let e = write_fixed(&root, "away/t.md", "old", "new").expect_err("outside");
        assert!(e.to_string().contains("outside the workspace"), "{e}");
        assert_eq!(
            std::fs::read_to_string(outside.join("t.md")).expect("read"),
            "old"
        );
        // Not the text the fixes were computed for: left alone.
        assert!(matches!(
            write_fixed(&root, "real.md", "older", "new"),
            Err(WriteError::Changed)
        ));
        assert!(matches!(
            write_fixed(&root, "gone.md", "old", "new"),
            Err(WriteError::Changed)
        ));
        assert_eq!(leftovers(&root) + leftovers(&outside), 0);
    }

    /// A write that fails (a read-only folder; as root, where the mode does not stop it, the
    /// write succeeds) leaves the file as it was and no temporary file behind.
    #[test]
    fn write_fixed_leaves_no_temporary_file_on_error() {
        use std::os::unix::fs::PermissionsExt;
        let (root, _) = dirs("cleanup");
        std::fs::write(root.join("sub/a.md"), "old").expect("write");
        std::fs::set_permissions(root.join("sub"), std::fs::Permissions::from_mode(0o555))
            .expect("chmod");
        let r = write_fixed(&root, "sub/a.md", "old", "new");
        std::fs::set_permissions(root.join("sub"), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
        // As root the folder's mode does not stop the write; either way nothing is left.
        if r.is_err() {
            assert_eq!(
                std::fs::read_to_string(root.join("sub/a.md")).expect("read"),
                "old"
            );
        }
        assert_eq!(leftovers(&root.join("sub")), 0);
    }
}

#[cfg(test)]
mod until_stable_tests {
    use super::*;
    use crate::config::Config;
    use crate::index::Index;
    use std::sync::Arc;

    fn index_of(config: &Config, files: &[(&str, &str)]) -> Index {
        let mut index = Index::new();
        for (path, text) in files {
            let doc = crate::syntax::parse_fast(text, &config.prefixes);
            index.update(path, Arc::new(doc));
        }
        index
    }

    const PLAN: &str = "DEP-001: Existing\nType: step\nOwner: Ops\n\n\
DEP-XXX: Roll back\nType: rollback\nNotificaton: #incidents\nOwner: SRE\n";
    const FIXED: &str = "DEP-001: Existing\nType: Step\nOwner: Ops\n\n\
DEP-002: Roll back\nType: Rollback\nNotificaton: #incidents\nOwner: SRE\n";

    #[test]
    fn fixes_until_nothing_is_left_and_only_the_files_given() {
        let config = Config::default();
        let other = "DEP-010: Elsewhere\nType: step\n";
        let clean = "DEP-011: Clean\nType: Step\n";
        let mut index = index_of(
            &config,
            &[("plan.md", PLAN), ("other.md", other), ("clean.md", clean)],
        );
        let files = [
            Source {
                path: "plan.md",
                text: PLAN,
            },
            Source {
                path: "clean.md",
                text: clean,
            },
            Source {
                path: "absent.md",
                text: "DEP-020: Absent\nType: step\n",
            },
        ];
        let fixed = fix_until_stable(&mut index, &config, &files);
        // Only the changed file given; `other.md` is not given, `absent.md` not indexed.
        assert_eq!(fixed.len(), 1, "{fixed:?}");
        let f = &fixed[0];
        assert_eq!((f.path, f.original), ("plan.md", PLAN));
        let kinds: Vec<(&str, &str, &str)> = f
            .fixes
            .iter()
            .map(|x| (x.kind, x.old.as_str(), x.new.as_str()))
            .collect();
        // Round one: the casing, and the placeholder numbered after the highest ID of the index
        // (DEP-011, in a file not given). Round two: the key typo, found only once the entry
        // is checked as a numbered one.
        assert_eq!(
            kinds,
            [
                ("enum-casing", "step", "Step"),
                ("template-placeholder", "DEP-XXX", "DEP-012"),
                ("enum-casing", "rollback", "Rollback"),
                ("unknown-field", "Notificaton", "Notification"),
            ],
            "{:#?}",
            f.fixes
        );
        assert_eq!(
            f.text,
            FIXED
                .replace("DEP-002", "DEP-012")
                .replace("Notificaton", "Notification")
        );
        // The index holds the fixed parse: another run finds nothing.
        let again = [Source {
            path: "plan.md",
            text: &f.text,
        }];
        assert_eq!(fix_until_stable(&mut index, &config, &again), []);
    }

    #[test]
    fn nothing_to_fix_gives_nothing() {
        let config = Config::default();
        let mut index = index_of(&config, &[("a.md", "DEP-001: A\nType: Step\n")]);
        let files = [Source {
            path: "a.md",
            text: "DEP-001: A\nType: Step\n",
        }];
        assert!(fix_until_stable(&mut index, &config, &files).is_empty());
        assert!(fix_until_stable(&mut index, &config, &[]).is_empty());
    }
}

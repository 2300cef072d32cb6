//! `dep-ls diff REV [PATH]`: what a change does to the trace graph, between a git revision and
//! the working tree, or between two revisions (`A..B`; `A...B` from where B forked off A). Each
//! revision's tree is written to a temporary folder outside the repository ([`git`]) and both
//! sides are loaded by the same walk and root rule, at the same folder: PATH's workspace root
//! as the root rule finds it in the newer tree. The comparison is [`crate::diff`]; its renderers
//! give the output. Exit 1 when the change introduces an error-severity finding.

mod git;

use super::output::emit;
use super::targets::{config_readable, join_display, resolve_target};
use super::{DiffArgs, DiffFormat, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::config::Config;
use crate::diff::render::{Header, Side};
use crate::diff::Scope;
use crate::workspace::Workspace;
use git::Repo;
use std::path::{Path, PathBuf};

/// `dep-ls diff`: see the module documentation.
pub(super) fn run(args: &DiffArgs) -> i32 {
    // Ctrl-C while the revisions are read or compared: the temporary folders are still removed
    // (a signal only sets a flag; git, in the same process group, stops on its own).
    let guard = super::interrupt::Guard::catch();
    let r = compare(args);
    drop(guard);
    if super::interrupt::hit() {
        err_line!("error: interrupted");
        return EXIT_INTERRUPTED;
    }
    match r {
        Ok(code) => code,
        Err(msg) => {
            err_line!("error: {msg}");
            EXIT_USAGE
        }
    }
}

/// Stops between two steps after Ctrl-C.
fn interrupted() -> Result<(), String> {
    if super::interrupt::hit() {
        Err("interrupted".to_string())
    } else {
        Ok(())
    }
}

/// Exit code after an interrupt (128 + SIGINT, as a shell reports it).
const EXIT_INTERRUPTED: i32 = 130;

/// What REV names: the older side, and the newer one (`None`: the working tree).
#[derive(Debug, PartialEq, Eq)]
struct Revs {
    from: String,
    to: Option<String>,
    /// `A...B`: compare B with the merge base of A and B.
    fork_point: bool,
}

/// Splits `A..B` / `A...B` (an empty side is `HEAD`, as git reads it); else one revision.
fn parse_revs(spec: &str) -> Revs {
    let side = |s: &str| {
        if s.is_empty() {
            "HEAD".to_string()
        } else {
            s.to_string()
        }
    };
    if let Some((a, b)) = spec.split_once("...") {
        return Revs {
            from: side(a),
            to: Some(side(b)),
            fork_point: true,
        };
    }
    if let Some((a, b)) = spec.split_once("..") {
        return Revs {
            from: side(a),
            to: Some(side(b)),
            fork_point: false,
        };
    }
    Revs {
        from: spec.to_string(),
        to: None,
        fork_point: false,
    }
}

/// The nearest folder at or above `p` that exists (PATH may be gone from the working tree).
fn existing_dir(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut d = Some(abs.as_path());
    while let Some(x) = d {
        if x.is_dir() {
            return x.to_path_buf();
        }
        d = x.parent();
    }
    PathBuf::from(".")
}

/// PATH relative to the repository's top folder (`/` separators; `""`: the top).
fn repo_relative(repo: &Repo, path: &Path) -> Result<String, String> {
    let abs = std::path::absolute(path).map_err(|e| format!("{}: {e}", path.display()))?;
    // Links resolved where the path exists (the top folder is resolved too); lexically else.
    let resolved = abs.canonicalize().unwrap_or_else(|_| {
        let mut base = existing_dir(&abs);
        base = base.canonicalize().unwrap_or(base);
        let rest = abs
            .strip_prefix(existing_dir(&abs))
            .map(Path::to_path_buf)
            .unwrap_or_default();
        base.join(rest)
    });
    let mut segs: Vec<String> = Vec::new();
    let rel = resolved.strip_prefix(&repo.top).map_err(|_| {
        format!(
            "{} is outside the git repository at {}",
            path.display(),
            repo.top.display()
        )
    })?;
    for c in rel.components() {
        match c {
            std::path::Component::Normal(s) => segs.push(s.to_string_lossy().into_owned()),
            std::path::Component::ParentDir => {
                segs.pop();
            }
            _ => {}
        }
    }
    Ok(segs.join("/"))
}

/// One side's tree: the working tree, or a revision written to a temporary folder (removed
/// when this is dropped).
struct Tree {
    top: PathBuf,
    side: Side,
    _temp: Option<tempfile::TempDir>,
}

impl Tree {
    fn revision(repo: &Repo, rev: &str, commit: String) -> Result<Tree, String> {
        let temp = tempfile::Builder::new()
            .prefix("dep-ls-diff-")
            .tempdir()
            .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
        let top = temp.path().canonicalize().unwrap_or(temp.path().into());
        if top.starts_with(&repo.top) {
            return Err(format!(
                "the temporary folder {} lies inside the repository: set TMPDIR to a folder outside it",
                top.display()
            ));
        }
        repo.extract(&commit, &top)?;
        Ok(Tree {
            top,
            side: Side {
                rev: Some(rev.to_string()),
                commit: Some(commit),
            },
            _temp: Some(temp),
        })
    }
}

/// Loads the workspace at `root` (an empty one when that side has no such folder).
fn load(root: &Path, config: Option<&Path>, reach: &str) -> Workspace {
    if root.is_dir() {
        Workspace::load_reaching(root, config, &[reach.to_string()], &|_, _| {})
    } else {
        let (cfg, errors) = match config {
            Some(c) => Config::load(root, Some(c)),
            None => (Config::default(), Vec::new()),
        };
        Workspace::new(root.to_path_buf(), cfg, errors)
    }
}

/// PATH as typed, normalised as `check` shows it: `/` separators, no `./`, no trailing `/`.
fn typed(p: &Path) -> String {
    let mut s = p.to_string_lossy().replace('\\', "/");
    while let Some(rest) = s.strip_prefix("./") {
        s = rest.to_string();
    }
    while s.len() > 1 && s.ends_with('/') {
        s.pop();
    }
    if s == "." {
        s.clear();
    }
    s
}

fn compare(args: &DiffArgs) -> Result<i32, String> {
    if let Err(code) = config_readable(args.config.as_deref()) {
        return Ok(code);
    }
    let repo = Repo::of(&existing_dir(&args.path))?;
    let rel = repo_relative(&repo, &args.path)?;
    let revs = parse_revs(&args.rev);
    let from_commit = repo.commit(&revs.from)?;
    let to_commit = match &revs.to {
        Some(r) => Some(repo.commit(r)?),
        None => None,
    };
    let from_commit = match (&to_commit, revs.fork_point) {
        (Some(to), true) => repo.merge_base(&from_commit, to)?,
        _ => from_commit,
    };
    let after = match (&revs.to, to_commit) {
        (Some(r), Some(c)) => Tree::revision(&repo, r, c)?,
        _ => Tree {
            top: repo.top.clone(),
            side: Side::default(),
            _temp: None,
        },
    };
    let from_label = if revs.fork_point {
        format!("{}...{}", revs.from, revs.to.as_deref().unwrap_or("HEAD"))
    } else {
        revs.from.clone()
    };
    let before = Tree::revision(&repo, &from_label, from_commit)?;
    interrupted()?;

    // PATH's workspace by the root rule, in the newer tree (else in the older one).
    let in_tree = |t: &Tree| t.top.join(&rel);
    let target = [&after, &before]
        .iter()
        .find(|t| in_tree(t).exists())
        .map(|t| (resolve_target(&in_tree(t)), t.top.clone()))
        .ok_or_else(|| {
            format!(
                "{}: no such file or folder in {} or in {}",
                args.path.display(),
                before.side.label(),
                after.side.label()
            )
        })?;
    let (t, found_in) = match target {
        (Ok(t), top) => (t, top),
        (Err(msg), _) => return Err(msg),
    };
    let root_rel = crate::workspace::rel_path(&found_in, &t.root);
    let reach = t.only.clone().unwrap_or_else(|| t.base.clone());
    let ws_before = load(&before.top.join(&root_rel), args.config.as_deref(), &reach);
    let ws_after = load(&after.top.join(&root_rel), args.config.as_deref(), &reach);
    interrupted()?;
    for e in &ws_after.config_errors {
        err_line!("warning: {e}");
    }
    // Paths as `check` shows them: relative to the folder given, starting with it as typed.
    let shown = typed(&args.path);
    let prefix = match &t.only {
        Some(_) => shown
            .rsplit_once('/')
            .map_or("", |(dir, _)| dir)
            .to_string(),
        None => shown.clone(),
    };
    let display = |p: &str| join_display(&prefix, &crate::root::relative_to(&t.base, p));
    // Nested workspaces are compared on their own (`dep-ls diff REV` in their folder).
    let nested: Vec<&str> = ws_after
        .nested
        .iter()
        .chain(&ws_before.nested)
        .filter(|(n, _)| t.only.is_none() && crate::root::is_within(n, &t.base))
        .map(|(n, _)| n.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let nested_shown: Vec<String> = nested.iter().map(|n| display(n)).collect();
    super::targets::note_nested(&nested_shown, ": diff it in its folder");
    let scope = Scope {
        folder: t.base.clone(),
        file: t.only.clone(),
    };
    let mut d = crate::diff::diff(&ws_before, &ws_after, &scope);
    d.map_paths(&display);
    let header = Header {
        from: before.side.clone(),
        to: after.side.clone(),
        path: shown,
    };
    let text = match args.format {
        DiffFormat::Human => crate::diff::render::human(&d, &header),
        DiffFormat::Json => crate::diff::render::json(&d, &header),
        DiffFormat::Markdown => crate::diff::render::markdown(&d, &header),
    };
    // The process is about to exit: the OS reclaims the workspaces at once.
    std::mem::forget(ws_before);
    std::mem::forget(ws_after);
    if let Err(code) = emit(&text, args.output.as_deref()) {
        return Ok(code);
    }
    Ok(if d.errors_introduced() > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revision_ranges() {
        let r = |from: &str, to: Option<&str>, fork_point| Revs {
            from: from.to_string(),
            to: to.map(str::to_string),
            fork_point,
        };
        assert_eq!(parse_revs("HEAD~2"), r("HEAD~2", None, false));
        assert_eq!(parse_revs("a..b"), r("a", Some("b"), false));
        assert_eq!(parse_revs("main...topic"), r("main", Some("topic"), true));
        assert_eq!(parse_revs("main.."), r("main", Some("HEAD"), false));
        assert_eq!(parse_revs("..x"), r("HEAD", Some("x"), false));
    }

    #[test]
    fn paths_as_typed() {
        assert_eq!(typed(Path::new(".")), "");
        assert_eq!(typed(Path::new("./docs/")), "docs");
        assert_eq!(typed(Path::new("a/b.md")), "a/b.md");
    }
}

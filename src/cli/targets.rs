//! Target discovery: which workspaces a PATH of the command line means, and which of their
//! files it covers. A PATH (folder or file) is checked against its whole workspace, found by the
//! one root rule ([`crate::root::discover`]); nested workspaces inside a folder are loaded on
//! their own ([`each_workspace`]); a PATH its root's walk does not reach (ignored or excluded
//! there) is loaded as a workspace of its own ([`load_top`]).

use super::EXIT_USAGE;
use crate::workspace::Workspace;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};

/// One PATH of the command line, resolved by the one root rule ([`crate::root`]): PATH's
/// findings are reported, resolved against its whole workspace.
#[derive(Clone, Debug)]
pub(super) struct Target {
    /// The workspace root to load (absolute, links resolved).
    pub(super) root: PathBuf,
    /// The folder given (for a file: its folder), root-relative (`""`: the root). Only
    /// findings inside it are reported, and paths are shown relative to it (spec §6).
    pub(super) base: String,
    /// When PATH is a file: its root-relative path (only its findings are reported).
    pub(super) only: Option<String>,
    /// The folder given (for a file: its folder) as typed, with `/` separators (empty for the
    /// current directory): the printed paths start with it (human and GitHub output, messages).
    pub(super) prefix: String,
    /// PATH as given, for messages.
    pub(super) given: PathBuf,
}

impl Target {
    /// Is this root-relative path one whose findings PATH reports?
    pub(super) fn covers(&self, path: &str) -> bool {
        match &self.only {
            Some(o) => o == path,
            None => crate::root::is_within(path, &self.base),
        }
    }

    /// Where the walk must reach even through hidden folders: the target itself.
    fn reach(&self) -> Vec<String> {
        vec![self.only.clone().unwrap_or_else(|| self.base.clone())]
    }

    /// A path of the workspace at `offset` (root-relative; `""`: the root's own) as shown:
    /// relative to the folder given.
    pub(super) fn shown(&self, offset: &str, path: &str) -> String {
        let full = if offset.is_empty() {
            path.to_string()
        } else {
            format!("{offset}/{path}")
        };
        crate::root::relative_to(&self.base, &full)
    }
}

/// The root as typed, normalised for joining: `/` separators, no leading `./`, no trailing `/`,
/// empty for the current directory.
fn display_prefix(p: &Path) -> String {
    let mut s = p.to_string_lossy().into_owned();
    if cfg!(windows) {
        s = s.replace('\\', "/");
    }
    if !s.is_empty() && s.chars().all(|c| c == '/') {
        return "/".to_string();
    }
    while let Some(rest) = s.strip_prefix("./") {
        s = rest.trim_start_matches('/').to_string();
    }
    while s.ends_with('/') {
        s.pop();
    }
    if s == "." {
        s.clear();
    }
    s
}

/// `prefix` joined with a path relative to it (which may climb out of it with `..`).
pub(super) fn join_display(prefix: &str, rel: &str) -> String {
    let mut segs: Vec<&str> = prefix.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            ".." if segs.last().is_some_and(|l| *l != "..") => {
                segs.pop();
            }
            ".." if prefix == "/" => {}
            s => segs.push(s),
        }
    }
    let joined = segs.join("/");
    if prefix.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

/// Resolves one PATH of the command line by the one root rule: the workspace it lies in, and
/// what of it PATH covers.
pub(super) fn resolve_target(path: &Path) -> Result<Target, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.is_dir() {
        std::fs::read_dir(path)
            .map_err(|e| format!("{}: cannot read the folder ({e})", path.display()))?;
        let dir = crate::root::absolute(path);
        let root = crate::root::discover(&dir);
        Ok(Target {
            base: crate::workspace::rel_path(&root, &dir),
            root,
            only: None,
            prefix: display_prefix(path),
            given: path.to_path_buf(),
        })
    } else if meta.is_file() {
        crate::fsread::open_regular(path, crate::fsread::Follow::Yes)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| format!("{}: not a file name", path.display()))?;
        let dir = crate::root::absolute(&parent);
        let root = crate::root::discover(&dir);
        let base = crate::workspace::rel_path(&root, &dir);
        Ok(Target {
            prefix: display_prefix(&parent),
            only: Some(if base.is_empty() {
                name
            } else {
                format!("{base}/{name}")
            }),
            base,
            root,
            given: path.to_path_buf(),
        })
    } else {
        Err(format!("{}: neither a folder nor a file", path.display()))
    }
}

/// `--config`, when given, must be readable (else: exit 2). Each workspace still reads it on
/// its own; its problems are warnings.
pub(super) fn config_readable(config: Option<&Path>) -> Result<(), i32> {
    if let Some(cfg) = config {
        if let Err(e) = crate::config::read_config_file(cfg) {
            err_line!("error: cannot read --config {}: {e}", cfg.display());
            return Err(EXIT_USAGE);
        }
    }
    Ok(())
}

/// A PATH's workspace as loaded, with the target it was loaded for (PATH's own folder as a
/// workspace when its root's walk does not reach it: [`load_top`]).
pub(super) struct Loaded {
    pub(super) target: Target,
    pub(super) workspace: Workspace,
}

/// Loads PATH's workspace and hands it to `each` (with `""`), then each nested workspace
/// inside PATH ([`crate::root`]; not for a file), outermost first, with its root-relative
/// folder: each with its own configuration (or `--config`), resolved on its own.
pub(super) fn each_workspace(
    t: &Target,
    config: Option<&Path>,
    progress: &(dyn Fn(usize, usize) + Sync),
    mut each: impl FnMut(Workspace, &Target, &str) -> Result<(), i32>,
) -> Result<(), i32> {
    let Loaded {
        target,
        workspace: top,
    } = load_top(t, config, progress);
    let t = &target;
    let mut queue: VecDeque<String> = VecDeque::new();
    if t.only.is_none() {
        queue.extend(
            top.nested
                .iter()
                .filter(|(n, _)| crate::root::is_within(n, &t.base))
                .map(|(n, _)| n.clone()),
        );
    }
    each(top, t, "")?;
    while let Some(offset) = queue.pop_front() {
        let ws = Workspace::load(&t.root.join(&offset), config, progress);
        queue.extend(ws.nested.iter().map(|(n, _)| format!("{offset}/{n}")));
        each(ws, t, &offset)?;
    }
    Ok(())
}

/// Loads PATH's workspace. When its root's walk does not reach PATH at all (PATH is ignored
/// by a `.gitignore` or excluded there: a build folder inside a repository), PATH's folder is
/// loaded as a workspace of its own instead — a path given explicitly is checked — with a
/// target for it.
fn load_top(t: &Target, config: Option<&Path>, progress: &(dyn Fn(usize, usize) + Sync)) -> Loaded {
    let ws = Workspace::load_reaching(&t.root, config, &t.reach(), progress);
    // Reached: a file of PATH was read, or PATH holds nested workspaces (their files are
    // theirs).
    let reached = ws.files.iter().any(|f| t.covers(&f.path))
        || (t.only.is_none()
            && ws
                .nested
                .iter()
                .any(|(n, _)| crate::root::is_within(n, &t.base)));
    if t.base.is_empty() || reached {
        return Loaded {
            target: t.clone(),
            workspace: ws,
        };
    }
    let own = Target {
        root: t.root.join(&t.base),
        base: String::new(),
        only: t
            .only
            .as_ref()
            .map(|o| o.rsplit('/').next().unwrap_or(o).to_string()),
        prefix: t.prefix.clone(),
        given: t.given.clone(),
    };
    let ws2 = Workspace::load_reaching(&own.root, config, &own.reach(), progress);
    if ws2.files.iter().any(|f| own.covers(&f.path)) {
        tracing::info!(
            "{}: not reached from {} (ignored or excluded there): checked as a workspace of its own",
            t.given.display(),
            t.root.display()
        );
        std::mem::forget(ws);
        return Loaded {
            target: own,
            workspace: ws2,
        };
    }
    std::mem::forget(ws2);
    Loaded {
        target: t.clone(),
        workspace: ws,
    }
}

/// Loads the workspace of one PATH for `report` / `graph` (`--config` must be readable), and
/// says which nested workspaces it leaves out.
pub(super) fn load_target(path: &Path, config: Option<&Path>) -> Result<Loaded, i32> {
    config_readable(config)?;
    let t = resolve_target(path).map_err(|msg| {
        err_line!("error: {msg}");
        EXIT_USAGE
    })?;
    let Loaded {
        target: t,
        workspace: ws,
    } = load_top(&t, config, &|_, _| {});
    for e in &ws.config_errors {
        err_line!("warning: {e}");
    }
    // Nested workspaces are reported on their own (`report`/`graph` of their folder).
    let nested: Vec<&str> = ws
        .nested
        .iter()
        .filter(|(n, _)| t.only.is_none() && crate::root::is_within(n, &t.base))
        .map(|(n, _)| n.as_str())
        .collect();
    let shown: Vec<String> = nested
        .iter()
        .map(|n| join_display(&t.prefix, &t.shown("", n)))
        .collect();
    note_nested(&shown, "");
    Ok(Loaded {
        target: t,
        workspace: ws,
    })
}

/// The note that nested workspaces (as shown) were left out; `hint` follows "each is a workspace
/// of its own" (e.g. `: diff it in its folder`).
pub(super) fn note_nested(shown: &[String], hint: &str) {
    if shown.is_empty() {
        return;
    }
    err_line!(
        "note: {} nested {} left out (each is a workspace of its own{hint}): {}",
        shown.len(),
        if shown.len() == 1 {
            "workspace"
        } else {
            "workspaces"
        },
        shown.join(", ")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_for_github_paths() {
        assert_eq!(display_prefix(Path::new(".")), "");
        assert_eq!(display_prefix(Path::new("./")), "");
        assert_eq!(display_prefix(Path::new("./docs/")), "docs");
        assert_eq!(display_prefix(Path::new("docs/plans")), "docs/plans");
        assert_eq!(display_prefix(Path::new("/")), "/");
        assert_eq!(join_display("", "a.md"), "a.md");
        assert_eq!(join_display("docs", "x/a.md"), "docs/x/a.md");
        assert_eq!(join_display("/", "a.md"), "/a.md");
    }
}

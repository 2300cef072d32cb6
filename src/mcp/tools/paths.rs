//! Where a tool looks: a `path` argument read as a file or folder of the workspace (never
//! outside it, links resolved), and byte offsets as lines and UTF-16 ranges.

use super::Error;
use crate::text::{LineIndexCache, PositionEncoding, Range};
use crate::workspace::Workspace;
use std::path::{Component, Path, PathBuf};

/// What a `path` argument names in the workspace.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Scope {
    /// The whole workspace.
    All,
    /// A folder (root-relative, `/`-separated).
    Folder(String),
    /// A Markdown file the workspace reads (root-relative).
    File(String),
}

impl Scope {
    pub(super) fn covers(&self, path: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Folder(d) => crate::root::is_within(path, d),
            Scope::File(f) => f == path,
        }
    }

    pub(super) fn rel(&self) -> &str {
        match self {
            Scope::All => "",
            Scope::Folder(p) | Scope::File(p) => p,
        }
    }
}

/// `.` and `..` resolved without the file system (`None`: above the top).
fn lexical(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    Some(out)
}

/// The workspace-relative `/` path of `p` if it lies in `root` (both absolute, lexical).
fn inside(root: &Path, p: &Path) -> Option<String> {
    p.strip_prefix(root).ok().map(|rel| {
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    })
}

/// Reads a `path` argument: a file the workspace reads, a folder in it, or the whole of it.
pub(super) fn scope(ws: &Workspace, given: Option<&str>) -> Result<Scope, Error> {
    let given = match given {
        None | Some("") | Some(".") => return Ok(Scope::All),
        Some(g) => g,
    };
    let root = &ws.root;
    let joined = if Path::new(given).is_absolute() {
        PathBuf::from(given)
    } else {
        root.join(given)
    };
    let outside = || {
        Error::Bad(format!(
            "`{given}` is outside the workspace ({}); give a path inside it",
            root.display()
        ))
    };
    let lex = lexical(&joined).ok_or_else(outside)?;
    // Links resolved where the path exists (a link must not lead out of the workspace).
    let real_root = root.canonicalize().unwrap_or_else(|_| root.clone());
    let rel = match lex.canonicalize() {
        Ok(real) => inside(&real_root, &real)
            .or_else(|| inside(root, &real))
            .ok_or_else(outside)?,
        Err(_) => {
            if inside(root, &lex).is_none() && inside(&real_root, &lex).is_none() {
                return Err(outside());
            }
            return Err(Error::Bad(format!(
                "`{given}`: no such file or folder in the workspace"
            )));
        }
    };
    if rel.is_empty() {
        return Ok(Scope::All);
    }
    if lex.is_dir() {
        return Ok(Scope::Folder(rel));
    }
    if ws.files.get(&rel).is_some() {
        return Ok(Scope::File(rel));
    }
    if let Some((n, _)) = ws
        .nested
        .iter()
        .find(|(n, _)| crate::root::is_within(&rel, n))
    {
        return Err(Error::Bad(format!(
            "`{given}` belongs to the nested workspace {n}/ (it has its own dep-ls.toml, \
             .claude/domain-profile.yaml, SoT/ or .git), not to this one; start `dep-ls mcp \
             --root {n}` for it"
        )));
    }
    let why = if crate::workspace::is_markdown(&rel) {
        "a Markdown file dep-ls does not read (ignored by .gitignore or `exclude`, too big, or unreadable)"
    } else {
        "not a Markdown file (.md or .markdown)"
    };
    Err(Error::Bad(format!("`{given}`: {why}; nothing to check")))
}

/// 1-based line numbers (and UTF-16 ranges) of byte offsets in the workspace's files.
pub(super) struct Lines<'w> {
    ws: &'w Workspace,
    cache: LineIndexCache,
}

impl<'w> Lines<'w> {
    pub(super) fn new(ws: &'w Workspace) -> Self {
        Lines {
            ws,
            cache: LineIndexCache::bounded(64),
        }
    }

    /// The UTF-16 range of a byte span (0-based, as `check --format json` gives it).
    pub(super) fn range(&mut self, path: &str, span: std::ops::Range<usize>) -> Range {
        let Some(text) = self.ws.text(path) else {
            return Range::default();
        };
        let idx = self.cache.get(path, text);
        idx.range(text, span, PositionEncoding::Utf16)
    }

    /// The 1-based line of a byte offset.
    pub(super) fn line(&mut self, path: &str, offset: usize) -> u32 {
        let Some(text) = self.ws.text(path) else {
            return 1;
        };
        let idx = self.cache.get(path, text);
        idx.line_of(offset.min(text.len())) as u32 + 1
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub(super) fn line_col(&mut self, path: &str, offset: usize) -> (u32, u32) {
        let Some(text) = self.ws.text(path) else {
            return (1, 1);
        };
        let idx = self.cache.get(path, text);
        let p = idx.position(text, offset.min(text.len()), PositionEncoding::Utf32);
        (p.line + 1, p.character + 1)
    }
}

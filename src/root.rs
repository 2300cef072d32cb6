//! Where a workspace begins and ends: one rule for `check`, `report`, `graph` and the server.
//!
//! A folder holding `dep-ls.toml`, `.claude/domain-profile.yaml` or a VCS root (`.git`, a
//! folder or a file) *marks a workspace*. A folder holding a `SoT/` folder (the methodology's
//! source of truth) marks one too, unless it is a product folder of a larger workspace: a
//! `SoT/` folder is the source of truth of its workspace, so a workspace whose root (or a
//! folder above) already holds one cannot hold a second one — a folder with its own `SoT/`
//! below it is another workspace (the methodology's `tests/fixtures/healthy_repo`) — while a
//! workspace marked otherwise (`dep-ls.toml` at the top of a monorepo, no `SoT/` of its own)
//! keeps its products' `SoT/` folders as parts of it.
//!
//! The workspace of a path (a file or a folder) is found walking up from it (for a file: from
//! its folder): the nearest folder marking a workspace; a `SoT/` folder found first is the
//! root unless the walk, going on, reaches a `dep-ls.toml`, `.claude/domain-profile.yaml` or
//! `.git` folder without meeting another `SoT/` (then that folder is the root). The walk never
//! takes `/` or the home directory; when it reaches one, the starting folder is the root.
//!
//! A folder below a workspace's root that marks a workspace by the same rule is *nested*: its
//! files are not the outer workspace's (they are known there only as paths, link targets);
//! they are checked on their own, with their own configuration.

use crate::config::{CONFIG_FILE, DOMAIN_PROFILE};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Does this folder hold `dep-ls.toml`, `.claude/domain-profile.yaml` or `.git`?
pub fn is_marked(dir: &Path) -> bool {
    dir.join(CONFIG_FILE).is_file()
        || dir.join(DOMAIN_PROFILE).is_file()
        || dir.join(".git").exists()
}

/// Does this folder hold a `SoT/` folder?
pub fn holds_sot(dir: &Path) -> bool {
    dir.join("SoT").is_dir()
}

/// The workspace root of `path` (see the module's documentation). The path is made absolute
/// (and its links resolved) first; the result is absolute.
pub fn discover(path: &Path) -> PathBuf {
    discover_as_is(&absolute(path))
}

/// [`discover`] for an absolute path taken as it is spelled (links not resolved): the server
/// compares roots with the paths of URIs.
pub fn discover_as_is(abs: &Path) -> PathBuf {
    let start = if abs.is_dir() {
        abs.to_path_buf()
    } else {
        abs.parent()
            .map_or_else(|| abs.to_path_buf(), Path::to_path_buf)
    };
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let home_real = home.as_deref().and_then(|h| h.canonicalize().ok());
    let stop = |d: &Path| {
        d.parent().is_none() || home.as_deref() == Some(d) || home_real.as_deref() == Some(d)
    };
    // The nearest folder with a `SoT/`, while looking further up for a stronger marker.
    let mut sot: Option<&Path> = None;
    let mut dir = Some(start.as_path());
    while let Some(d) = dir {
        if stop(d) {
            break;
        }
        if is_marked(d) {
            // A monorepo's root without a source of truth of its own keeps its products.
            return match sot {
                Some(s) if holds_sot(d) => s.to_path_buf(),
                _ => d.to_path_buf(),
            };
        }
        if holds_sot(d) {
            if let Some(s) = sot {
                // A second source of truth above the first: the first is a workspace.
                return s.to_path_buf();
            }
            sot = Some(d);
        }
        dir = d.parent();
    }
    sot.map_or(start.clone(), Path::to_path_buf)
}

/// `path` made absolute, links resolved when it exists (`canonicalize`), else joined to the
/// current directory.
pub fn absolute(path: &Path) -> PathBuf {
    path.canonicalize()
        .unwrap_or_else(|_| std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// Finds the nested workspaces of one root, folder by folder, with a cache (a walk asks for
/// every file; each folder is looked at once).
#[derive(Debug)]
pub struct Nested {
    root: PathBuf,
    /// Does the root hold a `SoT/`?
    root_sot: Option<bool>,
    /// Folder → (the outermost nested workspace at or above it, whether a `SoT/` is held by
    /// the root or a folder down to it).
    cache: HashMap<PathBuf, (Option<PathBuf>, bool)>,
}

impl Nested {
    pub fn new(root: &Path) -> Nested {
        Nested {
            root: root.to_path_buf(),
            root_sot: None,
            cache: HashMap::new(),
        }
    }

    /// The outermost nested workspace holding `file` (a path below the root, in the root's
    /// spelling), if any.
    pub fn of_file(&mut self, file: &Path) -> Option<PathBuf> {
        self.of_dir(file.parent()?)
    }

    /// The outermost folder strictly below the root, at or above `dir`, that marks a
    /// workspace of its own.
    pub fn of_dir(&mut self, dir: &Path) -> Option<PathBuf> {
        // The folders between `dir` and the root not looked at yet, deepest first.
        let mut chain = Vec::new();
        let mut d = Some(dir);
        let mut above: Option<(Option<PathBuf>, bool)> = None;
        while let Some(x) = d {
            if x == self.root || !x.starts_with(&self.root) {
                break;
            }
            if let Some(v) = self.cache.get(x) {
                above = Some(v.clone());
                break;
            }
            chain.push(x.to_path_buf());
            d = x.parent();
        }
        let (mut nested, mut sot) = match above {
            Some(v) => v,
            None => (
                None,
                *self.root_sot.get_or_insert_with(|| holds_sot(&self.root)),
            ),
        };
        for x in chain.into_iter().rev() {
            if nested.is_none() {
                let has_sot = holds_sot(&x);
                if is_marked(&x) || (has_sot && sot) {
                    nested = Some(x.clone());
                }
                sot |= has_sot;
            }
            self.cache.insert(x, (nested.clone(), sot));
        }
        nested
    }
}

/// The outermost nested workspace of `root` holding `path` (strictly between them), if any.
pub fn nested_in(root: &Path, path: &Path) -> Option<PathBuf> {
    Nested::new(root).of_file(path)
}

/// `to` relative to the folder `from` (both `/`-separated paths relative to one root; `""` is
/// the root): `a/b.md` from `a` is `b.md`, from `c` it is `../a/b.md`.
pub fn relative_to(from: &str, to: &str) -> String {
    let f: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let t: Vec<&str> = to.split('/').filter(|s| !s.is_empty()).collect();
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut out: Vec<&str> = vec![".."; f.len() - common];
    out.extend(&t[common..]);
    out.join("/")
}

/// Is the `/` path `path` the folder `dir` or inside it (`""` holds everything)?
pub fn is_within(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path == dir
        || (path.len() > dir.len() && path.starts_with(dir) && path.as_bytes()[dir.len()] == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(name: &str, files: &[&str]) -> PathBuf {
        let root = std::env::temp_dir()
            .join(format!("dep-ls-root-{name}-{}", std::process::id()))
            .canonicalize_or_create();
        for f in files {
            let p = root.join(f);
            if f.ends_with('/') {
                std::fs::create_dir_all(&p).expect("mkdir");
            } else {
                std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
                std::fs::write(&p, "").expect("write");
            }
        }
        root
    }

    trait CanonOrCreate {
        fn canonicalize_or_create(self) -> PathBuf;
    }
    impl CanonOrCreate for PathBuf {
        fn canonicalize_or_create(self) -> PathBuf {
            let _ = std::fs::remove_dir_all(&self);
            std::fs::create_dir_all(&self).expect("mkdir");
            self.canonicalize().expect("canonical")
        }
    }

    #[test]
    fn each_marker_makes_a_root_and_the_nearest_wins() {
        let base = tree(
            "markers",
            &[
                "toml/dep-ls.toml",
                "toml/release/v1/plan.md",
                "profile/.claude/domain-profile.yaml",
                "profile/x/y.md",
                "sot/SoT/",
                "sot/epics/e.md",
                "git/.git/",
                "git/docs/a.md",
                "gitfile/.git",
                "gitfile/a.md",
                "toml/inner/SoT/",
                "toml/inner/p.md",
                "none/deep/z.md",
            ],
        );
        assert_eq!(
            discover(&base.join("toml/release/v1/plan.md")),
            base.join("toml")
        );
        assert_eq!(discover(&base.join("toml/release")), base.join("toml"));
        assert_eq!(discover(&base.join("toml")), base.join("toml"));
        assert_eq!(discover(&base.join("profile/x/y.md")), base.join("profile"));
        assert_eq!(discover(&base.join("sot/epics/e.md")), base.join("sot"));
        assert_eq!(discover(&base.join("git/docs/a.md")), base.join("git"));
        assert_eq!(discover(&base.join("gitfile/a.md")), base.join("gitfile"));
        // A `SoT/` below a `dep-ls.toml` without one of its own: a product of that workspace.
        assert_eq!(discover(&base.join("toml/inner/p.md")), base.join("toml"));
        // No marker up to `/` (the temporary folder has none): the folder itself.
        assert_eq!(
            discover(&base.join("none/deep/z.md")),
            base.join("none/deep")
        );
        assert_eq!(discover(&base.join("none/deep")), base.join("none/deep"));
        let _ = std::fs::remove_dir_all(&base);
    }

    /// A monorepo configured at its top (`dep-ls.toml`, no `SoT/` of its own) keeps its
    /// products' `SoT/` folders; a methodology repository (its own `SoT/`) does not: a second
    /// source of truth below it is another workspace.
    #[test]
    fn a_sot_folder_splits_only_below_another_source_of_truth() {
        let base = tree(
            "sot-rule",
            &[
                "mono/dep-ls.toml",
                "mono/products/a/SoT/",
                "mono/products/a/release/plan.md",
                "mono/products/a/sub/SoT/",
                "mono/products/a/sub/x.md",
                "corp/SoT/",
                "corp/.claude/domain-profile.yaml",
                "corp/tests/fixtures/h/SoT/",
                "corp/tests/fixtures/h/epics/e.md",
                "corp/epics/e.md",
            ],
        );
        let mono = base.join("mono");
        let corp = base.join("corp");
        assert_eq!(discover(&mono.join("products/a/release/plan.md")), mono);
        assert_eq!(
            discover(&mono.join("products/a/sub/x.md")),
            mono.join("products/a/sub")
        );
        assert_eq!(
            discover(&corp.join("tests/fixtures/h/epics/e.md")),
            corp.join("tests/fixtures/h")
        );
        assert_eq!(discover(&corp.join("epics/e.md")), corp);
        // Top-down, the same answers.
        let mut n = Nested::new(&mono);
        assert_eq!(n.of_file(&mono.join("products/a/release/plan.md")), None);
        assert_eq!(
            n.of_file(&mono.join("products/a/sub/x.md")),
            Some(mono.join("products/a/sub"))
        );
        let mut n = Nested::new(&corp);
        assert_eq!(
            n.of_file(&corp.join("tests/fixtures/h/epics/e.md")),
            Some(corp.join("tests/fixtures/h"))
        );
        assert_eq!(n.of_file(&corp.join("epics/e.md")), None);
        let _ = std::fs::remove_dir_all(&base);
    }

    #[test]
    fn nested_workspaces_are_the_outermost_marked_folders_below_the_root() {
        let base = tree(
            "nested",
            &[
                "SoT/a.md",
                "tests/fixtures/healthy/SoT/b.md",
                "tests/fixtures/healthy/deeper/dep-ls.toml",
                "tests/fixtures/healthy/deeper/c.md",
                "docs/d.md",
                "SoT/inner/e.md",
            ],
        );
        let mut n = Nested::new(&base);
        let healthy = base.join("tests/fixtures/healthy");
        assert_eq!(n.of_file(&base.join("docs/d.md")), None);
        assert_eq!(n.of_file(&base.join("SoT/a.md")), None);
        assert_eq!(n.of_file(&base.join("SoT/inner/e.md")), None);
        assert_eq!(n.of_file(&healthy.join("SoT/b.md")), Some(healthy.clone()));
        assert_eq!(
            n.of_file(&healthy.join("deeper/c.md")),
            Some(healthy.clone()),
            "the outermost"
        );
        // From the nested root itself: its own nested workspace.
        assert_eq!(
            nested_in(&healthy, &healthy.join("deeper/c.md")),
            Some(healthy.join("deeper"))
        );
        assert_eq!(nested_in(&healthy, &healthy.join("SoT/b.md")), None);
        let _ = std::fs::remove_dir_all(&base);
    }

    #[test]
    fn relative_paths() {
        assert_eq!(relative_to("", "a/b.md"), "a/b.md");
        assert_eq!(relative_to("a", "a/b.md"), "b.md");
        assert_eq!(relative_to("c", "a/b.md"), "../a/b.md");
        assert_eq!(relative_to("a/c", "a/b.md"), "../b.md");
        assert!(is_within("a/b.md", "a") && is_within("a", "a") && is_within("x", ""));
        assert!(!is_within("ab/c.md", "a") && !is_within("b.md", "a"));
    }
}

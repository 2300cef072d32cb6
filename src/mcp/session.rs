//! The workspace `dep-ls mcp` answers from: loaded once at start, and brought up to date before
//! each tool call, because the agent edits files between calls.
//!
//! Up to date cheaply: the folder is walked again by the workspace's own rules
//! ([`Workspace::refresh`]: listing only), and only the Markdown files that are new, gone, or
//! whose modification time, size or inode changed since they were read are read and parsed
//! again. Every stamp is taken *before* its file is read (a file first seen in a walk is read
//! by the walk and stamped before the next call reads it once more), so a write racing a read
//! is seen on the next call. A change to the configuration (`dep-ls.toml`, `--config`, the
//! domain profile) loads the workspace again.

use crate::workspace::Workspace;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What a file looked like on disk: enough to tell that it changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    inode: u64,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&m);
    #[cfg(not(unix))]
    let inode = 0;
    Some(Stamp {
        modified: m.modified().ok(),
        len: m.len(),
        inode,
    })
}

/// The workspace of an MCP session and what is needed to keep it current.
pub struct Session {
    pub ws: Workspace,
    config_path: Option<PathBuf>,
    /// Stamps of the Markdown files read, taken before each was read.
    stamps: HashMap<String, Stamp>,
    /// The other paths of the last walk ([`Workspace::refresh`] keeps it).
    other: BTreeSet<String>,
    /// Stamps of the configuration files, to reload on a change.
    config_stamps: Vec<Option<Stamp>>,
}

impl Session {
    /// Loads the workspace at `root` (an absolute folder).
    pub fn load(root: &Path, config_path: Option<&Path>) -> Session {
        let config_stamps = config_stamps(root, config_path);
        let ws = Workspace::load(root, config_path, &|_, _| {});
        let other = ws.other_paths(&[]);
        Session {
            ws,
            config_path: config_path.map(Path::to_path_buf),
            // The files the load read are not stamped yet: the first refresh stamps them, then
            // reads them again (unchanged text is not parsed again), so a write during the load
            // is seen by the first call.
            stamps: HashMap::new(),
            other,
            config_stamps,
        }
    }

    /// Brings the workspace up to date with the disk; returns the number of files read again
    /// or dropped (for the log).
    pub fn refresh(&mut self) -> usize {
        let root = self.ws.root.clone();
        let now = config_stamps(&root, self.config_path.as_deref());
        if now != self.config_stamps {
            tracing::info!("the configuration changed: loading the workspace again");
            *self = Session::load(&root, self.config_path.as_deref());
            return self.ws.files.len();
        }
        let mut changed = BTreeSet::new();
        let mut fresh = HashMap::with_capacity(self.ws.files.len());
        for f in self.ws.files.iter() {
            let st = stamp(&f.abs);
            if st.is_none() || self.stamps.get(&f.path) != st.as_ref() {
                changed.insert(f.path.clone());
            }
            if let Some(st) = st {
                fresh.insert(f.path.clone(), st);
            }
        }
        let r = self.ws.refresh(&[], &changed, &mut self.other);
        // Keep the stamps of the files still there; new files stay unstamped until the next
        // call reads them once more.
        fresh.retain(|p, _| self.ws.files.get(p).is_some());
        self.stamps = fresh;
        r.files
    }
}

/// Stamps of the files the configuration comes from.
fn config_stamps(root: &Path, config_path: Option<&Path>) -> Vec<Option<Stamp>> {
    let mut v = vec![
        stamp(&root.join(crate::config::CONFIG_FILE)),
        stamp(&root.join(".claude").join("domain-profile.yaml")),
    ];
    if let Some(c) = config_path {
        v.push(stamp(c));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let root = std::env::temp_dir().join(format!("dep-ls-mcp-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("mkdir");
        std::fs::write(root.join("dep-ls.toml"), "").expect("write");
        for (p, t) in files {
            let path = root.join(p);
            if let Some(d) = path.parent() {
                std::fs::create_dir_all(d).expect("mkdir");
            }
            std::fs::write(path, t).expect("write");
        }
        root
    }

    fn ids(s: &Session) -> Vec<String> {
        s.ws.index.ids().map(str::to_string).collect()
    }

    /// Edits, new files and removed files between two calls are seen; untouched files are not
    /// read again once stamped.
    #[test]
    fn refresh_follows_the_disk() {
        let root = tree(
            "refresh",
            &[("a.md", "DEP-001: a\n"), ("b.md", "DEP-002: b\n")],
        );
        let mut s = Session::load(&root, None);
        assert_eq!(ids(&s), ["DEP-001", "DEP-002"]);
        s.refresh();
        // Stamped now: nothing is read again.
        assert_eq!(s.refresh(), 0);

        std::fs::write(root.join("a.md"), "DEP-003: a, longer now\n").expect("write");
        std::fs::write(root.join("c.md"), "DEP-004: c\n").expect("write");
        std::fs::remove_file(root.join("b.md")).expect("rm");
        assert!(s.refresh() >= 3);
        assert_eq!(ids(&s), ["DEP-003", "DEP-004"]);
        // The new file is read once more (stamped), then left alone.
        s.refresh();
        assert_eq!(s.refresh(), 0);

        // A configuration change loads again.
        std::fs::write(root.join("dep-ls.toml"), "# changed\n").expect("write");
        s.refresh();
        assert_eq!(ids(&s), ["DEP-003", "DEP-004"]);
        let _ = std::fs::remove_dir_all(&root);
    }
}

//! Reading a git revision for `dep-ls diff`, with the `git` command (no network, nothing
//! written to the repository): the repository of a folder, a revision resolved to a commit,
//! and a commit's tree written into a temporary folder outside the repository, where the
//! workspace is loaded by the same walk and root rule as the working tree.
//!
//! The tree is written as the walk needs it: every Markdown file, `.gitignore`, `.ignore`,
//! `dep-ls.toml` and `.claude/domain-profile.yaml` with its content (as committed: no checkout
//! filters), every other file empty (only its path matters: a link target), symbolic links as
//! links (Unix), submodules as folders holding a `.git` file (a nested workspace, as when
//! checked out). The folder gets a `.git` folder of its own, so the root rule stops at its top
//! as it does at the repository's, holding a copy of the repository's `info/exclude` (the walk
//! applies it to the working tree).

use crate::config::{CONFIG_FILE, DOMAIN_PROFILE};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A git repository, run from its top folder.
pub(crate) struct Repo {
    /// The top folder of the working tree (links resolved).
    pub(crate) top: PathBuf,
}

/// Runs git in `dir` with `args`; stdout on success, else a one-line reason.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                "git is not installed (or not on PATH): dep-ls diff reads revisions with git"
                    .to_string()
            }
            _ => format!("cannot run git: {e}"),
        })?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        Err(first.trim().to_string())
    }
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).trim().to_string()
}

impl Repo {
    /// The repository holding folder `dir`.
    pub(crate) fn of(dir: &Path) -> Result<Repo, String> {
        let top = git(dir, &["rev-parse", "--show-toplevel"]).map_err(|e| {
            if e.starts_with("git is not installed") || e.starts_with("cannot run git") {
                e
            } else if e.to_ascii_lowercase().contains("not a git repository") || e.is_empty() {
                format!(
                    "{} is not in a git repository (dep-ls diff compares git revisions)",
                    dir.display()
                )
            } else {
                // Another reason (a repository of another owner: "dubious ownership"…).
                format!("{}: git: {e}", dir.display())
            }
        })?;
        let top = PathBuf::from(text(top));
        if top.as_os_str().is_empty() {
            // A bare repository or the inside of `.git`: no working tree.
            return Err(format!(
                "{} is not in the working tree of a git repository",
                dir.display()
            ));
        }
        let top = top.canonicalize().unwrap_or(top);
        Ok(Repo { top })
    }

    /// The commit a revision names.
    pub(crate) fn commit(&self, rev: &str) -> Result<String, String> {
        // A revision is never an option of rev-parse.
        if rev.is_empty() || rev.starts_with('-') {
            return Err(format!("unknown revision `{rev}`"));
        }
        let spec = format!("{rev}^{{commit}}");
        git(&self.top, &["rev-parse", "--verify", "--quiet", &spec])
            .map(text)
            .ok()
            .filter(|c| !c.is_empty())
            .ok_or_else(|| format!("unknown revision `{rev}` (not a commit of this repository)"))
    }

    /// The best common ancestor of two commits (`A...B`).
    pub(crate) fn merge_base(&self, a: &str, b: &str) -> Result<String, String> {
        git(&self.top, &["merge-base", a, b])
            .map(text)
            .ok()
            .filter(|c| !c.is_empty())
            .ok_or_else(|| {
                format!(
                    "{a} and {b} have no common ancestor here (in a shallow clone, fetch the history: \
                     `git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)"
                )
            })
    }

    /// The repository's `info/exclude` file, when it has one.
    fn exclude(&self) -> Option<Vec<u8>> {
        let p = text(git(&self.top, &["rev-parse", "--git-path", "info/exclude"]).ok()?);
        let p = Path::new(&p);
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.top.join(p)
        };
        std::fs::read(p).ok()
    }

    /// Writes the tree of `commit` into the empty folder `dest` (see the module documentation).
    pub(crate) fn extract(&self, commit: &str, dest: &Path) -> Result<(), String> {
        let fail = |e: std::io::Error| format!("cannot write the revision's files: {e}");
        std::fs::create_dir_all(dest.join(".git/info")).map_err(fail)?;
        if let Some(ex) = self.exclude() {
            std::fs::write(dest.join(".git/info/exclude"), ex).map_err(fail)?;
        }
        let listing = git(&self.top, &["ls-tree", "-r", "-z", "--full-tree", commit])
            .map_err(|e| format!("cannot list {commit}: {e}"))?;
        // Blobs to read, in order: (object, path, is a link).
        let mut wanted: Vec<(String, PathBuf, bool)> = Vec::new();
        for rec in listing.split(|&b| b == 0).filter(|r| !r.is_empty()) {
            let Some(tab) = rec.iter().position(|&b| b == b'\t') else {
                continue;
            };
            let head = String::from_utf8_lossy(&rec[..tab]);
            let path = String::from_utf8_lossy(&rec[tab + 1..]).into_owned();
            let mut parts = head.split(' ');
            let (Some(mode), Some(_kind), Some(object)) =
                (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let Some(rel) = safe(&path) else {
                continue;
            };
            let at = dest.join(&rel);
            if let Some(dir) = at.parent() {
                std::fs::create_dir_all(dir).map_err(fail)?;
            }
            match mode {
                "160000" => {
                    std::fs::create_dir_all(&at).map_err(fail)?;
                    std::fs::write(at.join(".git"), b"").map_err(fail)?;
                }
                "120000" => wanted.push((object.to_string(), at, true)),
                _ if needed(&path) => wanted.push((object.to_string(), at, false)),
                _ => std::fs::write(&at, b"").map_err(fail)?,
            }
        }
        self.write_blobs(&wanted)
    }

    /// Reads the blobs with one `git cat-file --batch` and writes each to its path.
    fn write_blobs(&self, wanted: &[(String, PathBuf, bool)]) -> Result<(), String> {
        if wanted.is_empty() {
            return Ok(());
        }
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.top)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run git cat-file: {e}"))?;
        let mut stdin = child.stdin.take();
        let names: Vec<String> = wanted.iter().map(|(o, _, _)| format!("{o}\n")).collect();
        // Writing the names on a thread while reading: neither pipe fills up and blocks.
        let writer = std::thread::spawn(move || {
            if let Some(w) = stdin.as_mut() {
                for n in &names {
                    if w.write_all(n.as_bytes()).is_err() {
                        break;
                    }
                }
            }
            drop(stdin);
        });
        let result = match child.stdout.take() {
            Some(out) => read_batch(BufReader::new(out), wanted),
            None => Err("git cat-file gave no output".to_string()),
        };
        if result.is_err() {
            let _ = child.kill();
        }
        let _ = writer.join();
        let _ = child.wait();
        result
    }
}

/// Reads `git cat-file --batch` output, one blob per wanted entry, in order.
fn read_batch(mut r: impl BufRead, wanted: &[(String, PathBuf, bool)]) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("cannot write the revision's files: {e}");
    for (object, at, link) in wanted {
        let mut header = String::new();
        r.read_line(&mut header)
            .map_err(|e| format!("cannot read git cat-file's output: {e}"))?;
        // `<object> <type> <size>`, or `<object> missing`.
        let size: Option<usize> = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse().ok());
        let Some(size) = size else {
            return Err(format!(
                "git cannot read object {object}: {}",
                header.trim()
            ));
        };
        let short = |e: std::io::Error| format!("cannot read git cat-file's output: {e}");
        if *link {
            // A link's target: a short path.
            let mut body = vec![0u8; size.min(4096)];
            r.read_exact(&mut body).map_err(short)?;
            std::io::copy(
                &mut (&mut r).take((size - body.len()) as u64),
                &mut std::io::sink(),
            )
            .map_err(short)?;
            write_link(&body, at).map_err(fail)?;
        } else {
            // Streamed: a large file is not held in memory.
            let mut file = std::fs::File::create(at).map_err(fail)?;
            let n = std::io::copy(&mut (&mut r).take(size as u64), &mut file).map_err(short)?;
            if n != size as u64 {
                return Err(format!("git cat-file's output ended inside {object}"));
            }
        }
        let mut nl = [0u8; 1];
        r.read_exact(&mut nl).map_err(short)?;
    }
    Ok(())
}

#[cfg(unix)]
fn write_link(target: &[u8], at: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    std::os::unix::fs::symlink(std::ffi::OsStr::from_bytes(target), at)
}

#[cfg(not(unix))]
fn write_link(_target: &[u8], at: &Path) -> std::io::Result<()> {
    // Without symbolic links: an empty file keeps the path (a link target).
    std::fs::write(at, b"")
}

/// A tree path as a relative path with only normal components (git never stores others, but
/// a hand-made tree could).
fn safe(path: &str) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for seg in path.split('/') {
        if seg.is_empty() || seg == "." || seg == ".." || seg.eq_ignore_ascii_case(".git") {
            return None;
        }
        if cfg!(windows) && seg.contains(['\\', ':']) {
            return None;
        }
        out.push(seg);
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

/// Does the walk or the configuration read this file's content?
fn needed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    crate::workspace::is_markdown(path)
        || name == ".gitignore"
        || name == ".ignore"
        || name == CONFIG_FILE
        || path == DOMAIN_PROFILE
        || path.ends_with(&format!("/{DOMAIN_PROFILE}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_written() {
        assert_eq!(safe("a/b.md"), Some(PathBuf::from("a").join("b.md")));
        for bad in [
            "",
            "/etc/x",
            "a/../b",
            "./a",
            ".git/config",
            "a//b",
            "a/.GIT/x",
        ] {
            assert_eq!(safe(bad), None, "{bad}");
        }
    }

    #[test]
    fn what_the_walk_reads() {
        for yes in [
            "a.md",
            "docs/B.MARKDOWN",
            ".gitignore",
            "x/.ignore",
            "dep-ls.toml",
            "p/.claude/domain-profile.yaml",
        ] {
            assert!(needed(yes), "{yes}");
        }
        for no in ["a.txt", "src/main.rs", "dep-ls.toml.bak", "x.gitignore"] {
            assert!(!needed(no), "{no}");
        }
    }

    #[test]
    fn a_batch_is_read_in_order_and_a_missing_object_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.md"), dir.path().join("b.md"));
        let out = b"1111 blob 3\nabc\n2222 blob 0\n\n";
        let wanted = vec![
            ("1111".to_string(), a.clone(), false),
            ("2222".to_string(), b.clone(), false),
        ];
        read_batch(&out[..], &wanted).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"abc");
        assert_eq!(std::fs::read(&b).unwrap(), b"");
        let missing = b"3333 missing\n";
        let wanted = vec![("3333".to_string(), a, false)];
        assert!(read_batch(&missing[..], &wanted)
            .unwrap_err()
            .contains("3333 missing"));
    }
}

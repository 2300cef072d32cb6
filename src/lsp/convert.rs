//! The position and URI layer, both ways: engine spans (byte offsets) ↔ LSP positions and
//! ranges, through the one position module [`crate::text`]; `file:` and `untitled:` URIs ↔
//! workspace paths. Engine results become LSP objects in `to_proto`, on top of this.

use crate::syntax::Span;
use crate::text::{self, LineIndexCache, PositionEncoding};
use crate::workspace::world::{self as state, DocKey, World};
use crate::workspace::Workspace;
use std::path::{Path, PathBuf};
use tower_lsp_server::ls_types::{self as lsp, Uri};

pub fn to_lsp_position(p: text::Position) -> lsp::Position {
    lsp::Position {
        line: p.line,
        character: p.character,
    }
}

pub fn lsp_range(r: text::Range) -> lsp::Range {
    lsp::Range {
        start: to_lsp_position(r.start),
        end: to_lsp_position(r.end),
    }
}

pub fn from_lsp_position(p: lsp::Position) -> text::Position {
    text::Position {
        line: p.line,
        character: p.character,
    }
}

pub fn from_lsp_range(r: lsp::Range) -> text::Range {
    text::Range {
        start: from_lsp_position(r.start),
        end: from_lsp_position(r.end),
    }
}

/// Converts positions of any file of a folder: open documents through their line table (byte
/// spans to positions) or rope (positions to offsets), files on disk through a line index
/// built once per request.
pub struct Lines<'a> {
    folder: &'a Workspace,
    cache: LineIndexCache,
    /// The line of the last open-document span converted: where the next search starts
    /// (spans come in document order; any value gives the same answers).
    near: usize,
}

impl<'a> Lines<'a> {
    pub fn new(folder: &'a Workspace) -> Self {
        Lines {
            folder,
            cache: LineIndexCache::new(),
            near: 0,
        }
    }

    /// The LSP range of a byte span of a file.
    pub fn range(&mut self, rel: &str, span: Span, enc: PositionEncoding) -> Option<lsp::Range> {
        if let Some(doc) = self.folder.open.get(rel) {
            return Some(lsp_range(doc.range(span, enc, &mut self.near)));
        }
        let t = self.folder.disk_text(rel)?;
        Some(lsp_range(self.cache.get(rel, t).range(t, span, enc)))
    }

    /// The byte offset of an LSP position in a file (clamped).
    pub fn offset(
        &mut self,
        rel: &str,
        pos: lsp::Position,
        enc: PositionEncoding,
    ) -> Option<usize> {
        let p = from_lsp_position(pos);
        if let Some(doc) = self.folder.open.get(rel) {
            return Some(text::rope_offset(doc.rope(), p, enc));
        }
        let t = self.folder.disk_text(rel)?;
        Some(self.cache.get(rel, t).offset(t, p, enc))
    }
}

/// The file path of a `file:` URI: percent-decoded, then `.` and `..` resolved
/// ([`crate::workspace::world::lexical`]); `None` for another scheme or a relative path. Every URI the server
/// receives becomes a path here, once. On Windows through [`windows_path_of`] (drive letters
/// in any case and spelling, `\` separators, UNC paths), elsewhere as the URI's path.
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    if uri.scheme().as_str() != "file" {
        return None;
    }
    if cfg!(windows) {
        return state::lexical(Path::new(&windows_path_of(uri)?));
    }
    state::lexical(&uri.to_file_path()?)
}

/// The URI of a workspace-relative path (an untitled document's path is its URI). On Windows
/// through [`windows_file_uri`] (drive paths as `file:///C%3A/…`, UNC paths as
/// `file://server/share/…`, the `\\?\` forms of canonical paths without it).
pub fn uri_of(root: &Path, rel: &str) -> Option<Uri> {
    if rel.starts_with(UNTITLED) {
        return rel.parse().ok();
    }
    let path = root.join(rel);
    if cfg!(windows) {
        if let Some(uri) = windows_file_uri(&path.to_string_lossy()).and_then(|u| u.parse().ok()) {
            return Some(uri);
        }
    }
    Uri::from_file_path(path)
}

/// The Windows path a `file:` URI names, as a string (pure string logic, so that it is tested
/// on every OS): `file:///c%3A/Users/x/plan.md`, `file:///C:/Users/x/plan.md` and
/// `file://localhost/c:/…` → `C:\Users\x\plan.md` (the drive letter upper case, as Windows
/// and Rust's `Prefix::Disk` read it); `/` or `\` (`%5C`) separators; `file://server/share/x`,
/// `file:////server/share/x` and `file://///server/share/x` → `\\server\share\x`; `.` and
/// `..` resolved, never above the drive or the share. `None` for a path with no drive and no
/// server (`file:///Users/x`), a UNC path without a share, or a path that does not decode to
/// UTF-8.
pub fn windows_path_of(uri: &Uri) -> Option<String> {
    let host = uri.authority().map(|a| a.host()).unwrap_or_default();
    let decoded = uri.path().decode().to_string().ok()?;
    let path = decoded.replace('/', "\\");
    let local = host.is_empty() || host.eq_ignore_ascii_case("localhost");
    // The root (`C:` or `\\server\share`) and what follows it.
    let (root, rest) = if !local || path.starts_with("\\\\") {
        let unc = if local {
            path.trim_start_matches('\\')
        } else {
            path.as_str()
        };
        let (server, unc) = if local {
            unc.split_once('\\').unwrap_or((unc, ""))
        } else {
            (host, unc.trim_start_matches('\\'))
        };
        let (share, rest) = unc.split_once('\\').unwrap_or((unc, ""));
        if server.is_empty() || share.is_empty() || share == "." || share == ".." {
            return None;
        }
        (format!("\\\\{server}\\{share}"), rest)
    } else {
        let p = path.strip_prefix('\\').unwrap_or(&path);
        let b = p.as_bytes();
        if b.len() < 2
            || !b[0].is_ascii_alphabetic()
            || b[1] != b':'
            || b.get(2).is_some_and(|&c| c != b'\\')
        {
            return None;
        }
        (format!("{}:", b[0].to_ascii_uppercase() as char), &p[2..])
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in rest.split('\\') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    Some(format!("{root}\\{}", parts.join("\\")))
}

/// The `file:` URI of an absolute Windows path, as a string (pure string logic, tested on
/// every OS): `C:\Users\x\plan.md` (either separator, either drive-letter case) →
/// `file:///C%3A/Users/x/plan.md` (the spelling `Uri::from_file_path` gives on Windows);
/// `\\server\share\x` → `file://server/share/x`; the verbatim forms of canonical paths
/// (`\\?\C:\x`, `\\?\UNC\server\share\x`) as their plain forms. Characters other than
/// ASCII letters, digits and `-._~` are percent-encoded in the path. `None` for a path that is
/// not absolute (no drive, no server and share).
pub fn windows_file_uri(path: &str) -> Option<String> {
    let p = path.replace('/', "\\");
    let p = if let Some(r) = p.strip_prefix("\\\\?\\UNC\\") {
        format!("\\\\{r}")
    } else if let Some(r) = p.strip_prefix("\\\\?\\") {
        r.to_string()
    } else {
        p
    };
    if let Some(unc) = p.strip_prefix("\\\\") {
        let (server, rest) = unc.split_once('\\')?;
        let share = rest.split('\\').next().unwrap_or_default();
        if server.is_empty() || share.is_empty() {
            return None;
        }
        return Some(format!(
            "file://{}/{}",
            uri_encode(server),
            uri_encode(&rest.replace('\\', "/"))
        ));
    }
    let b = p.as_bytes();
    if b.len() < 3 || !b[0].is_ascii_alphabetic() || b[1] != b':' || b[2] != b'\\' {
        return None;
    }
    Some(format!(
        "file:///{}%3A{}",
        b[0].to_ascii_uppercase() as char,
        uri_encode(&p[2..].replace('\\', "/"))
    ))
}

/// Percent-encodes a URI path: every byte but ASCII letters, digits, `-._~` and `/`.
fn uri_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The scheme of an unsaved document's URI (VS Code's `untitled:Untitled-1`).
const UNTITLED: &str = "untitled:";

pub(super) fn is_untitled(uri: &Uri) -> bool {
    uri.scheme().as_str() == "untitled"
}

/// Where a URI's document lives: a `file:` URI by its path ([`World::locate_path`]), an
/// untitled document in the first workspace folder ([`World::untitled_key`]).
pub(super) fn locate_uri(w: &World, uri: &Uri) -> Option<DocKey> {
    if is_untitled(uri) {
        return w.untitled_key(uri.as_str());
    }
    w.locate_path(&file_path(uri)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> Uri {
        s.parse().expect("a URI")
    }

    fn win(s: &str) -> Option<String> {
        windows_path_of(&uri(s))
    }

    /// VS Code's spelling (`%3A`, lower-case drive), the plain one and `localhost` name the same
    /// file, with the drive letter as Windows and `std::path::Prefix::Disk` read it.
    #[test]
    fn windows_drive_uris_in_every_spelling() {
        let want = Some(r"C:\Users\x\plan.md".to_string());
        for s in [
            "file:///c%3A/Users/x/plan.md",
            "file:///C%3A/Users/x/plan.md",
            "file:///c:/Users/x/plan.md",
            "file:///C:/Users/x/plan.md",
            "file://localhost/c:/Users/x/plan.md",
            "file://LOCALHOST/C%3a/Users/x/plan.md",
            // `\` separators, sent encoded.
            "file:///c%3A%5CUsers%5Cx%5Cplan.md",
            "file:///c:/Users%5Cx/plan.md",
            // Doubled separators, `.` and `..`.
            "file:///c:/Users//x/./docs/../plan.md",
        ] {
            assert_eq!(win(s), want, "{s}");
        }
        assert_eq!(
            win("file:///d%3A/a%20b/%C3%A9t%C3%A9.md").as_deref(),
            Some(r"D:\a b\été.md")
        );
        // The drive itself; `..` never climbs above it.
        assert_eq!(win("file:///c%3A").as_deref(), Some(r"C:\"));
        assert_eq!(win("file:///c%3A/").as_deref(), Some(r"C:\"));
        assert_eq!(win("file:///c:/../../x.md").as_deref(), Some(r"C:\x.md"));
    }

    #[test]
    fn windows_unc_uris() {
        let want = Some(r"\\server\share\docs\plan.md".to_string());
        for s in [
            "file://server/share/docs/plan.md",
            // The spellings of clients that put the UNC path in the URI's path.
            "file:////server/share/docs/plan.md",
            "file://///server/share/docs/plan.md",
            "file://server/share/docs/../docs/./plan.md",
            "file://server/share%5Cdocs%5Cplan.md",
        ] {
            assert_eq!(win(s), want, "{s}");
        }
        // `..` stops at the share (the UNC root).
        assert_eq!(
            win("file://server/share/../../x.md").as_deref(),
            Some(r"\\server\share\x.md")
        );
        assert_eq!(
            win("file://server/share").as_deref(),
            Some(r"\\server\share\")
        );
        // No share: not a path.
        assert_eq!(win("file://server/"), None);
        assert_eq!(win("file:////server"), None);
    }

    #[test]
    fn windows_uris_that_name_no_path() {
        // No drive and no server: relative on Windows.
        assert_eq!(win("file:///Users/x/plan.md"), None);
        assert_eq!(win("file:///"), None);
        // Not a drive letter.
        assert_eq!(win("file:///1:/x"), None);
        assert_eq!(win("file:///cd:/x"), None);
        assert_eq!(win("file:///%C3%A9:/x"), None);
        // Not UTF-8 once decoded.
        assert_eq!(win("file:///c:/%FF.md"), None);
    }

    #[test]
    fn windows_paths_to_uris() {
        let want = Some("file:///C%3A/Users/x/docs/plan.md".to_string());
        for p in [
            r"C:\Users\x\docs\plan.md",
            r"c:\Users\x\docs\plan.md",
            // A root joined with a workspace-relative `/` path, as `uri_of` does.
            r"C:\Users\x\docs/plan.md",
            "C:/Users/x/docs/plan.md",
            // `std::fs::canonicalize`'s verbatim form.
            r"\\?\C:\Users\x\docs\plan.md",
        ] {
            assert_eq!(windows_file_uri(p), want, "{p}");
        }
        assert_eq!(
            windows_file_uri(r"C:\a b\été #1.md").as_deref(),
            Some("file:///C%3A/a%20b/%C3%A9t%C3%A9%20%231.md")
        );
        let unc = Some("file://server/share/docs/plan.md".to_string());
        assert_eq!(windows_file_uri(r"\\server\share\docs\plan.md"), unc);
        assert_eq!(windows_file_uri(r"\\?\UNC\server\share\docs\plan.md"), unc);
        assert_eq!(windows_file_uri("//server/share/docs/plan.md"), unc);
        for p in [
            r"docs\plan.md",
            "plan.md",
            r"\Users\x",
            "C:plan.md",
            r"\\server",
            r"\\server\",
            "",
        ] {
            assert_eq!(windows_file_uri(p), None, "{p}");
        }
    }

    /// A path → URI → path round trip gives the path back (normalised), and the URI parses.
    #[test]
    fn windows_round_trips() {
        for (p, back) in [
            (r"C:\Users\x\plan.md", r"C:\Users\x\plan.md"),
            (r"c:\Users\x\docs/plan.md", r"C:\Users\x\docs\plan.md"),
            (r"D:\a b\été #1%.md", r"D:\a b\été #1%.md"),
            (r"\\?\C:\ws\plan.md", r"C:\ws\plan.md"),
            (r"\\server\share\ws\plan.md", r"\\server\share\ws\plan.md"),
            (
                r"\\?\UNC\server\share\ws\plan.md",
                r"\\server\share\ws\plan.md",
            ),
        ] {
            let u = windows_file_uri(p).expect("a URI");
            assert_eq!(win(&u).as_deref(), Some(back), "{p} → {u}");
        }
    }

    /// On Linux and macOS a `file:` URI's path is the file's path, whatever its spelling of
    /// characters; a `\` is a character of a file name there, not a separator.
    #[cfg(not(windows))]
    #[test]
    fn unix_file_uris() {
        let p = |s: &str| file_path(&uri(s));
        assert_eq!(
            p("file:///ws/docs/plan.md"),
            Some(PathBuf::from("/ws/docs/plan.md"))
        );
        assert_eq!(
            p("file:///ws/a%20b/../plan.md"),
            Some(PathBuf::from("/ws/plan.md"))
        );
        assert_eq!(p("file:///ws/a%5Cb.md"), Some(PathBuf::from("/ws/a\\b.md")));
        assert_eq!(p("untitled:Untitled-1"), None);
        let u = uri_of(Path::new("/ws"), "docs/a b.md").expect("a URI");
        assert_eq!(u.as_str(), "file:///ws/docs/a%20b.md");
        assert_eq!(file_path(&u), Some(PathBuf::from("/ws/docs/a b.md")));
    }

    /// On Windows, the server's own conversions: VS Code's URI of a file and the URI the
    /// server gives back name the same path, whatever the drive letter's case.
    #[cfg(windows)]
    #[test]
    fn windows_file_paths() {
        let p = |s: &str| file_path(&uri(s));
        let want = Some(PathBuf::from(r"C:\Users\x\plan.md"));
        assert_eq!(p("file:///c%3A/Users/x/plan.md"), want);
        assert_eq!(p("file:///C:/Users/x/plan.md"), want);
        assert_eq!(
            p("file://server/share/plan.md"),
            Some(PathBuf::from(r"\\server\share\plan.md"))
        );
        let u = uri_of(Path::new(r"c:\Users\x"), "docs/plan.md").expect("a URI");
        assert_eq!(u.as_str(), "file:///C%3A/Users/x/docs/plan.md");
        assert_eq!(
            file_path(&u),
            Some(PathBuf::from(r"C:\Users\x\docs\plan.md"))
        );
    }
}

//! The one fixture parser of the in-process tests, rust-analyzer style: `checks` reads its
//! expected findings from it, `ide` its cursor.
//!
//! A fixture is an unindented string holding one or more files, each introduced by a header
//! line `//- /path/to/file.md` (the `/` after `//- ` may be left out). A fixture without a
//! header is one file, `/release.md`. One line break at the start is dropped. In a file:
//!
//! - an annotation line marks the line above it (annotation lines are removed, so positions
//!   refer to the clean text):
//!
//!   ```text
//!   DEP-006: Payment criteria
//!   ^^^^^^^ error: missing-owner
//!   ^^^^^^^ warning: untraced-criteria: does not trace back
//!   ```
//!
//!   the carets mark the exact span (columns in characters of the line above), then come the
//!   severity (`error`, `warning`, `info`, `hint`), the code and optionally `: a substring of
//!   the message`;
//! - `$0` marks the cursor, `$0…$0` a selection (in one file at most); the markers are removed.
//!
//! Otherwise a file's text is kept as written (line endings, blank lines at its end, a missing
//! final line break): a helper that wants its files' ends normalised does it itself.

use dep_ls::syntax::Span;

/// The cursor marker.
pub const CURSOR: &str = "$0";

/// One annotation: an expected finding.
#[derive(Debug)]
pub struct Annotation {
    /// The file it is in.
    pub path: String,
    /// 0-based line of the clean text (the line above the annotation).
    pub line: usize,
    /// Columns in characters, half-open.
    pub cols: (usize, usize),
    pub severity: String,
    pub code: String,
    /// A substring the finding's message must contain.
    pub message: Option<String>,
    /// The annotation as written (for failure messages).
    pub source: String,
}

/// A parsed fixture.
#[derive(Debug)]
pub struct Fixture {
    /// Every file, in order: (path without its leading `/`, clean text).
    pub files: Vec<(String, String)>,
    /// The cursor: (file index, selection; empty at a `$0` cursor).
    pub cursor: Option<(usize, Span)>,
    pub annotations: Vec<Annotation>,
}

/// `  ^^^^ error: code: message` → (start col, end col, severity, code, message).
fn parse_annotation(line: &str) -> Option<(usize, usize, String, String, Option<String>)> {
    let lead = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[lead..];
    let carets = rest.len() - rest.trim_start_matches('^').len();
    if carets == 0 {
        return None;
    }
    let rest = rest[carets..].strip_prefix(' ')?;
    let (severity, rest) = rest.split_once(": ")?;
    if !matches!(severity, "error" | "warning" | "info" | "hint") {
        return None;
    }
    let (code, message) = match rest.split_once(": ") {
        Some((c, m)) => (c, Some(m.to_string())),
        None => (rest, None),
    };
    let code = code.trim();
    if code.is_empty() || !code.bytes().all(|c| c.is_ascii_lowercase() || c == b'-') {
        return None;
    }
    Some((
        lead,
        lead + carets,
        severity.to_string(),
        code.to_string(),
        message,
    ))
}

/// Splits a fixture into files, takes out its annotations and finds its cursor.
pub fn parse(src: &str) -> Fixture {
    let src = src
        .strip_prefix("\r\n")
        .or_else(|| src.strip_prefix('\n'))
        .unwrap_or(src);
    // (path, text, number of lines in the text so far)
    let mut files: Vec<(String, String, usize)> = Vec::new();
    let mut annotations = Vec::new();
    for line in src.split_inclusive('\n') {
        let raw = line.strip_suffix('\n').unwrap_or(line);
        if let Some(path) = line.trim_end().strip_prefix("//- ") {
            let path = path.trim().trim_start_matches('/').to_string();
            assert!(!path.is_empty(), "fixture header without a path: {raw:?}");
            files.push((path, String::new(), 0));
            continue;
        }
        if files.is_empty() {
            files.push(("release.md".to_string(), String::new(), 0));
        }
        let (path, text, lines) = files.last_mut().unwrap();
        if let Some((s, e, severity, code, message)) = parse_annotation(raw) {
            assert!(
                *lines > 0,
                "annotation {raw:?} in {path} has no line above it"
            );
            annotations.push(Annotation {
                path: path.clone(),
                line: *lines - 1,
                cols: (s, e),
                severity,
                code,
                message,
                source: raw.trim().to_string(),
            });
            continue;
        }
        text.push_str(line);
        *lines += 1;
    }
    let mut files: Vec<(String, String)> = files.into_iter().map(|(p, t, _)| (p, t)).collect();
    let mut cursor = None;
    for (i, (path, text)) in files.iter_mut().enumerate() {
        let marks: Vec<usize> = text.match_indices(CURSOR).map(|(p, _)| p).collect();
        match marks.len() {
            0 => continue,
            _ if cursor.is_some() => panic!("cursor markers in more than one file"),
            1 => cursor = Some((i, marks[0]..marks[0])),
            2 => cursor = Some((i, marks[0]..marks[1] - CURSOR.len())),
            n => panic!("{path}: {n} cursor markers (use one `$0`, or two for a selection)"),
        }
        *text = text.replace(CURSOR, "");
    }
    Fixture {
        files,
        cursor,
        annotations,
    }
}

#[test]
fn one_parser_for_headers_annotations_and_cursors() {
    let fx = parse(
        "\n//- /a.md\nDEP-001: A $0here\n^^^^^^^ error: missing-owner: no owner\n\n//- b.md\nno final break",
    );
    let paths: Vec<&str> = fx.files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["a.md", "b.md"]);
    // The annotation and the marker are taken out; the rest is kept as written.
    assert_eq!(fx.files[0].1, "DEP-001: A here\n\n");
    assert_eq!(fx.files[1].1, "no final break");
    assert_eq!(fx.cursor, Some((0, 11..11)));
    let a = &fx.annotations[..];
    assert_eq!(a.len(), 1);
    assert_eq!(
        (a[0].path.as_str(), a[0].line, a[0].cols),
        ("a.md", 0, (0, 7))
    );
    assert_eq!(
        (a[0].severity.as_str(), a[0].code.as_str()),
        ("error", "missing-owner")
    );
    assert_eq!(a[0].message.as_deref(), Some("no owner"));
}

//! The fixture helper of the IDE tests, rust-analyzer style.
//!
//! A fixture is an unindented raw string holding one or more files, each introduced by a header
//! line `//- /path/to/file.md`. A fixture without a header is one file, `/release.md`. One file
//! holds the cursor: `$0` (a position) or `$0…$0` (a selection). The text is split by the
//! parser all in-process tests share (`tests/engine/fixture.rs`). Special files:
//! - `//- /dep-ls.toml`: the configuration (read with `Config::from_toml_str`);
//! - `//- /.claude/domain-profile.yaml`: the prefix registry (read with `parse_domain_profile`);
//! - any other non-Markdown file is recorded as a workspace path (a link target).
//!
//! [`fixture`] builds a `Workspace` the way the server does: every Markdown file indexed with
//! the fast parser and its text recorded as read from disk; with [`Mode::Open`] the cursor file
//! is also opened as a `document::Document` (its buffer then wins). [`check`] runs a test body
//! in both modes.

use dep_ls::check::{Code, Finding};
use dep_ls::config::{parse_domain_profile, Config};
use dep_ls::document::Document;
use dep_ls::ide::FileEdit;
use dep_ls::syntax::{self, Span};
use dep_ls::workspace::Workspace;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Whether the cursor file is an open editor buffer or only a file on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Disk,
    Open,
}

/// A built fixture.
#[derive(Debug)]
pub struct Fixture {
    pub folder: Workspace,
    /// Workspace-relative path of the file holding the cursor (the first file when no cursor).
    pub file: String,
    /// The cursor (the start of the selection).
    pub offset: usize,
    /// The selection `$0…$0`, or the empty span at the cursor.
    pub selection: Span,
    /// Every file of the fixture, in order: (relative path, clean text).
    pub files: Vec<(String, String)>,
    pub mode: Mode,
}

/// A fixture's files (path, text) and its cursor (file index, selection).
pub type ParsedFixture = (Vec<(String, String)>, Option<(usize, Span)>);

/// Splits a fixture into files and finds the cursor, with the shared parser (`crate::fixture`).
/// Returns the files with the markers removed, and (file index, selection) of the cursor.
pub fn parse_fixture(src: &str) -> ParsedFixture {
    let fx = crate::fixture::parse(src);
    assert!(
        fx.annotations.is_empty(),
        "an IDE fixture has no expected findings: {:?}",
        fx.annotations
    );
    (fx.files, fx.cursor)
}

/// Builds a folder from a fixture.
pub fn fixture(src: &str, mode: Mode) -> Fixture {
    let (files, cursor) = parse_fixture(src);
    let (cursor_file, selection) = cursor.unwrap_or((0, 0..0));
    let file = files[cursor_file].0.clone();
    build(files, file, selection, mode)
}

/// Builds a folder from clean files.
pub fn build(files: Vec<(String, String)>, file: String, selection: Span, mode: Mode) -> Fixture {
    let root = PathBuf::from("/ws");
    let mut config = Config::default();
    let mut errors = Vec::new();
    if let Some((_, t)) = files.iter().find(|(p, _)| p == "dep-ls.toml") {
        let (c, e) = Config::from_toml_str(t, Path::new("/ws/dep-ls.toml"));
        config = c;
        errors.extend(e);
    }
    if let Some((p, t)) = files
        .iter()
        .find(|(p, _)| p == ".claude/domain-profile.yaml")
    {
        let (reg, e) = parse_domain_profile(t, &root.join(p));
        config.apply_registry(reg);
        errors.extend(e);
    }
    assert!(errors.is_empty(), "configuration errors: {errors:?}");
    let mut folder = Workspace::new(root, config, Vec::new());
    for (rel, text) in &files {
        if !(rel.ends_with(".md") || rel.ends_with(".markdown")) {
            folder.index.add_path(rel);
            continue;
        }
        let doc = syntax::parse_fast(text, &folder.config.prefixes);
        folder.index.update(rel, Arc::new(doc));
        folder.set_disk_text(rel, text.clone());
    }
    if mode == Mode::Open {
        let text = files.iter().find(|(p, _)| *p == file).unwrap().1.clone();
        let doc = Document::new(text, 1, &folder.config.prefixes);
        // As the server does on `didOpen`: the buffer's parse replaces the file's in the index.
        folder.index.replace(&file, Arc::clone(doc.parsed()));
        folder.open.insert(file.clone(), doc);
    }
    Fixture {
        folder,
        file,
        offset: selection.start,
        selection,
        files,
        mode,
    }
}

/// Runs `body` on the fixture with the cursor file on disk only, then open in the editor.
pub fn check(src: &str, body: impl Fn(&Fixture)) {
    for mode in [Mode::Disk, Mode::Open] {
        let fx = fixture(src, mode);
        eprintln!("--- cursor file {} ({mode:?})", fx.file);
        body(&fx);
    }
}

impl Fixture {
    /// The current text of the cursor file.
    pub fn text(&self) -> &str {
        self.folder.text(&self.file).unwrap()
    }

    /// The clean text of a fixture file.
    pub fn file_text(&self, rel: &str) -> &str {
        &self
            .files
            .iter()
            .find(|(p, _)| p == rel)
            .unwrap_or_else(|| panic!("no file {rel} in the fixture"))
            .1
    }

    /// The offset of the `n`th (0-based) occurrence of `needle` in a file.
    pub fn nth(&self, rel: &str, needle: &str, n: usize) -> usize {
        self.file_text(rel)
            .match_indices(needle)
            .nth(n)
            .unwrap_or_else(|| panic!("{rel}: no occurrence {n} of {needle:?}"))
            .0
    }

    /// The span of the first occurrence of `needle` in a file.
    pub fn span(&self, rel: &str, needle: &str) -> Span {
        let s = self.nth(rel, needle, 0);
        s..s + needle.len()
    }

    /// The text of a span of a file.
    pub fn slice(&self, rel: &str, span: &Span) -> &str {
        &self.file_text(rel)[span.clone()]
    }

    /// Findings of a file.
    pub fn diagnostics(&self, rel: &str) -> Vec<Finding> {
        self.folder.diagnostics(rel)
    }

    /// Findings of a file as (code, text under the finding).
    pub fn findings(&self, rel: &str) -> Vec<(Code, String)> {
        let text = self.file_text(rel);
        self.diagnostics(rel)
            .into_iter()
            .map(|f| (f.code, text[f.span.clone()].to_string()))
            .collect()
    }

    /// The findings of one code in a file, as the text under each.
    pub fn findings_of(&self, rel: &str, code: Code) -> Vec<String> {
        self.findings(rel)
            .into_iter()
            .filter(|(c, _)| *c == code)
            .map(|(_, t)| t)
            .collect()
    }

    /// A new fixture (same mode, same cursor) with the edits applied to their files.
    pub fn apply(&self, edits: &[FileEdit]) -> Fixture {
        for e in edits {
            assert!(
                self.files.iter().any(|(p, _)| *p == e.path),
                "an edit to {}, which is not a file of the fixture",
                e.path
            );
        }
        let files = self
            .files
            .iter()
            .map(|(p, t)| {
                let mine: Vec<&FileEdit> = edits.iter().filter(|e| e.path == *p).collect();
                (p.clone(), apply_edits(t, &mine))
            })
            .collect();
        let sel = self.selection.clone();
        build(files, self.file.clone(), sel, self.mode)
    }
}

/// Applies edits of one file to its text. Edits must not overlap (as LSP requires); they are
/// applied from the last to the first.
pub fn apply_edits(text: &str, edits: &[&FileEdit]) -> String {
    let mut sorted: Vec<&FileEdit> = edits.to_vec();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    for w in sorted.windows(2) {
        assert!(
            w[0].span.end <= w[1].span.start,
            "overlapping edits: {:?} and {:?}",
            w[0],
            w[1]
        );
    }
    let mut out = text.to_string();
    for e in sorted.iter().rev() {
        assert!(
            e.span.end <= text.len()
                && text.is_char_boundary(e.span.start)
                && text.is_char_boundary(e.span.end),
            "edit {e:?} is outside the text or not on a character boundary"
        );
        out.replace_range(e.span.clone(), &e.new_text);
    }
    out
}

#[test]
fn fixtures_split_files_and_find_the_cursor() {
    let (files, cursor) = parse_fixture("\nDEP-001: Staging\nType: $0Environment\n");
    assert_eq!(
        files,
        [(
            "release.md".to_string(),
            "DEP-001: Staging\nType: Environment\n".to_string()
        )]
    );
    assert_eq!(cursor, Some((0, 23..23)));
    let (files, cursor) =
        parse_fixture("\n//- /a.md\nDEP-001: A\n//- /docs/b.md\nSee $0DEP-001$0.\n//- /dep-ls.toml\nprefixes = []\n");
    let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["a.md", "docs/b.md", "dep-ls.toml"]);
    assert_eq!(files[1].1, "See DEP-001.\n");
    assert_eq!(cursor, Some((1, 4..11)));
    let edit = |s: std::ops::Range<usize>, t: &str| FileEdit {
        path: "a.md".into(),
        span: s,
        new_text: t.into(),
    };
    assert_eq!(
        apply_edits(
            "DEP-001: A",
            &[&edit(9..10, "Staging"), &edit(0..7, "DEP-002")]
        ),
        "DEP-002: Staging"
    );
}

//! An open document, kept up to date edit by edit: the text (a rope for positions, a string for
//! slicing), its lines and their kinds, one tree-sitter tree per section, and the extracted
//! [`ParsedDoc`].
//!
//! An edit costs what the edited section costs, not what the document costs:
//! - lines are rescanned only around the edit and the rest shifted;
//! - sections are re-cut only from the section before the edit until the cut points agree with
//!   the old ones again (typing ```` ``` ```` that opens a fence extends this to the fence's end);
//!   the section holding the edit is reparsed with its old tree (`InputEdit`), other sections in
//!   the region only when their text changed;
//! - entries are re-extracted only between the last definition before the changed lines and the
//!   first definition after them (a definition closes whatever came before it), and the entries
//!   and references after them are shifted.
//!
//! A whole text (an open, a full-text change) is parsed section by section on every core once it
//! is big enough to pay for the threads.
//!
//! `tests/engine/incremental.rs` proves that any sequence of edits leaves a document equal to a fresh
//! parse of its final text.
//!
//! Here: the document, whole-text parses (sections on several threads) and the accessors; the
//! edits in `edit`.

mod edit;

use crate::syntax::blocks::classify_lines;
use crate::syntax::extract::extract_lines;
use crate::syntax::tree::{classify_tree, new_parser, parse_section, scan_lines, section_starts};
use crate::syntax::{LineKind, ParsedDoc, Prefixes};
use crate::text::{self, line_spans, PositionEncoding, Range};
use ropey::Rope;
use std::sync::Arc;
use tree_sitter::{Parser, Tree};

/// One independently parsed section.
struct Section {
    /// First line (index into `lines`).
    first_line: usize,
    tree: Option<Tree>,
}

/// One content change, as an editor sends it.
#[derive(Clone, Debug)]
pub struct Change {
    /// `None` replaces the whole text.
    pub range: Option<Range>,
    pub text: String,
}

/// An open document.
pub struct Document {
    pub version: i32,
    rope: Rope,
    text: String,
    /// `(content start, content end, next line start)` per line.
    lines: Vec<(usize, usize, usize)>,
    kinds: Vec<LineKind>,
    sections: Vec<Section>,
    parsed: Arc<ParsedDoc>,
    parser: Parser,
    /// Largest text that is parsed ([`Document::new_limited`]).
    limit: usize,
    /// Over the limit: only the text and its lines are kept; nothing is parsed.
    plain: bool,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("version", &self.version)
            .field("len", &self.text.len())
            .field("lines", &self.lines.len())
            .field("sections", &self.sections.len())
            .finish()
    }
}

impl Document {
    /// Parses a whole text.
    pub fn new(text: String, version: i32, prefixes: &Prefixes) -> Document {
        Document::new_limited(text, version, prefixes, usize::MAX)
    }

    /// Parses a whole text of at most `limit` bytes. A longer text is kept *plain*: its text,
    /// rope and lines follow the edits (positions, hover on nothing, edits from the client all
    /// stay right), but it is not parsed — no trees, no entries ([`Document::is_plain`]). A
    /// 50 MB document took 5.2 GB parsed. It is parsed again as soon as it fits the limit.
    pub fn new_limited(
        mut text: String,
        version: i32,
        prefixes: &Prefixes,
        limit: usize,
    ) -> Document {
        // Room to type into: a text read or received is allocated to its exact length, and the
        // first inserted character would copy all of it into a new buffer (fresh pages: ~3 ms
        // for 3.5 MB here).
        text.reserve(headroom(text.len()));
        let mut d = Document {
            version,
            rope: Rope::from_str(&text),
            text,
            lines: Vec::new(),
            kinds: Vec::new(),
            sections: Vec::new(),
            parsed: Arc::new(ParsedDoc::default()),
            parser: new_parser(),
            limit,
            plain: false,
        };
        d.reparse_all(prefixes);
        d
    }

    /// Whether the text is over the document's size limit and kept unparsed.
    pub fn is_plain(&self) -> bool {
        self.plain
    }

    /// The size limit given to [`Document::new_limited`].
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The plain state: the text's lines, nothing parsed.
    fn make_plain(&mut self) {
        self.plain = true;
        self.unparsed(ParsedDoc::default());
    }

    /// The text's lines, every line `Text`, one section without a tree, and `parsed`: the state
    /// of a text that is not parsed (plain, or after a parse that panicked).
    fn unparsed(&mut self, parsed: ParsedDoc) {
        self.lines = line_spans(&self.text).collect();
        self.kinds = vec![LineKind::Text; self.lines.len()];
        self.sections = vec![Section {
            first_line: 0,
            tree: None,
        }];
        self.parsed = Arc::new(parsed);
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    pub fn parsed(&self) -> &Arc<ParsedDoc> {
        &self.parsed
    }

    pub fn kinds(&self) -> &[LineKind] {
        &self.kinds
    }

    pub fn section_count(&self) -> usize {
        self.sections.len()
    }

    /// The range of a byte span (see [`text::spans_range`]; `near` is the line to search from,
    /// and becomes the span's first line).
    pub fn range(
        &self,
        span: std::ops::Range<usize>,
        enc: PositionEncoding,
        near: &mut usize,
    ) -> Range {
        text::spans_range(&self.text, &self.lines, span, enc, near)
    }

    /// The line spans `(content start, content end, next line start)`.
    pub fn lines(&self) -> &[(usize, usize, usize)] {
        &self.lines
    }

    /// Re-reads everything (after a configuration change, or a full-text change). A panic (a
    /// bug) leaves the text, its lines and one section without a tree, and a parsed document
    /// that says so ([`ParsedDoc::failed`]): the document stays usable and editable.
    pub fn reparse_all(&mut self, prefixes: &Prefixes) {
        if self.text.len() > self.limit {
            self.make_plain();
            return;
        }
        self.plain = false;
        if let Err(m) = crate::guard::catch(|| self.reparse_all_unguarded(prefixes)) {
            self.parser = new_parser();
            self.unparsed(ParsedDoc::failed(m));
        }
    }

    fn reparse_all_unguarded(&mut self, prefixes: &Prefixes) {
        self.lines = line_spans(&self.text).collect();
        // Room for new lines, as for the text.
        self.lines.reserve(headroom(self.lines.len()));
        let strs: Vec<&str> = self
            .lines
            .iter()
            .map(|&(s, e, _)| crate::syntax::line_text(&self.text, s, e))
            .collect();
        let scan = classify_lines(&strs);
        let starts = section_starts(&scan, &strs);
        self.kinds = Vec::with_capacity(self.lines.capacity());
        self.kinds.resize(self.lines.len(), LineKind::Text);
        self.sections = starts
            .into_iter()
            .map(|first_line| Section {
                first_line,
                tree: None,
            })
            .collect();
        self.parse_all_sections();
        let lines = self
            .lines
            .iter()
            .zip(&self.kinds)
            .map(|(&(s, e, _), &k)| (s, e, k));
        self.parsed = Arc::new(extract_lines(&self.text, lines, prefixes));
    }

    fn section_lines(&self, k: usize) -> (usize, usize) {
        let first = self.sections[k].first_line;
        let end = self
            .sections
            .get(k + 1)
            .map(|s| s.first_line)
            .unwrap_or(self.lines.len());
        (first, end)
    }

    fn line_start(&self, l: usize) -> usize {
        self.lines.get(l).map(|x| x.0).unwrap_or(self.text.len())
    }

    fn section_bytes(&self, k: usize) -> (usize, usize) {
        let (a, b) = self.section_lines(k);
        (self.line_start(a), self.line_start(b))
    }

    /// Parses every section from scratch. A big text is split into runs of consecutive
    /// sections parsed on as many threads as there are cores (a 3.5 MB document takes about a
    /// second on one); sections are independent, so the trees are the same either way.
    fn parse_all_sections(&mut self) {
        let threads = std::thread::available_parallelism()
            .map_or(1, |c| c.get())
            .min(self.text.len() / PARALLEL_PARSE_BYTES);
        self.parse_sections_on(threads);
    }

    fn parse_sections_on(&mut self, threads: usize) {
        let n = self.sections.len();
        let threads = threads.min(n);
        if threads <= 1 {
            for k in 0..n {
                self.parse_section(k, None);
            }
            return;
        }
        // Runs of about equal bytes, cut at section starts. A long section gets no tree
        // (`is_long`): an empty range parses to nothing, and `install_tree` scans it.
        let bounds: Vec<(usize, usize)> = (0..n)
            .map(|k| {
                let (s, e) = self.section_bytes(k);
                if self.is_long(k) {
                    (s, s)
                } else {
                    (s, e)
                }
            })
            .collect();
        let per = self.text.len().div_ceil(threads);
        let mut runs: Vec<std::ops::Range<usize>> = Vec::with_capacity(threads);
        let mut first = 0;
        for (k, &(_, e)) in bounds.iter().enumerate() {
            if e >= per * (runs.len() + 1) || k + 1 == n {
                runs.push(first..k + 1);
                first = k + 1;
            }
        }
        let text = self.text.as_str();
        let trees: Vec<Vec<Option<Tree>>> = std::thread::scope(|scope| {
            let workers: Vec<_> = runs
                .iter()
                .skip(1)
                .map(|run| {
                    let run = &bounds[run.clone()];
                    scope.spawn(move || {
                        let mut parser = new_parser();
                        run.iter()
                            .map(|&(s, e)| parse_section(&mut parser, text, s, e, None))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            // The first run on this thread, with the document's own parser.
            let mut all = vec![bounds[runs[0].clone()]
                .iter()
                .map(|&(s, e)| parse_section(&mut self.parser, text, s, e, None))
                .collect()];
            // A worker that panicked (it cannot: parsing a string has no failure but `None`)
            // leaves its sections without trees, which `install_tree` classifies as text.
            all.extend(workers.into_iter().map(|w| w.join().unwrap_or_default()));
            all
        });
        for (run, trees) in runs.into_iter().zip(trees) {
            let mut trees = trees.into_iter();
            for k in run {
                let tree = trees.next().flatten().filter(|_| !self.is_long(k));
                self.install_tree(k, tree);
            }
        }
    }

    /// Parses section `k` (with an edited old tree when given) and classifies its lines.
    fn parse_section(&mut self, k: usize, old: Option<&Tree>) {
        if self.is_long(k) {
            self.install_tree(k, None);
            return;
        }
        let (s, e) = self.section_bytes(k);
        let tree = parse_section(&mut self.parser, &self.text, s, e, old);
        self.install_tree(k, tree);
    }

    /// Whether section `k` holds a line longer than [`LONG_LINE`]: such a section is not given
    /// to tree-sitter (a 1M-column table row took 1.75 GB and ~5 s per keystroke there); the
    /// block scanner classifies it ([`scan_lines`]), as `check` does.
    fn is_long(&self, k: usize) -> bool {
        let (a, b) = self.section_lines(k);
        self.lines[a..b].iter().any(|&(s, e, _)| e - s > LONG_LINE)
    }

    /// Classifies the lines of section `k` from its new tree, and keeps the tree.
    fn install_tree(&mut self, k: usize, tree: Option<Tree>) {
        let (a, b) = self.section_lines(k);
        let s = self.section_bytes(k).0;
        for l in a..b {
            let (ls, le, _) = self.lines[l];
            self.kinds[l] = if crate::syntax::line_text(&self.text, ls, le)
                .trim()
                .is_empty()
            {
                LineKind::Blank
            } else {
                LineKind::Text
            };
        }
        match &tree {
            Some(t) if !t.root_node().has_error() => {
                classify_tree(&self.text, s, t, &self.lines, &mut self.kinds)
            }
            Some(_) => scan_lines(&self.text, &self.lines, a..b, &mut self.kinds),
            None if self.is_long(k) => scan_lines(&self.text, &self.lines, a..b, &mut self.kinds),
            None => {}
        }
        self.sections[k].tree = tree;
    }
}

/// Bytes of text per thread below which a whole-text parse stays on one thread.
const PARALLEL_PARSE_BYTES: usize = 256 * 1024;

/// A line longer than this keeps its section away from tree-sitter (`Document::is_long`).
pub const LONG_LINE: usize = 64 * 1024;

/// Spare capacity kept for a buffer of `len` elements that grows as the user types.
fn headroom(len: usize) -> usize {
    len / 16 + 64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every Markdown file of the example workspace and the test fixtures, three times over:
    /// headings, fences, lists, tables and HTML blocks, in many sections.
    fn corpus() -> String {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            let Ok(rd) = std::fs::read_dir(dir) else {
                return;
            };
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "md") {
                    out.push(p);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        walk(&root.join("examples"), &mut files);
        walk(&root.join("tests/fixtures"), &mut files);
        files.sort();
        assert!(files.len() > 10, "the corpus lost its files");
        let one: String = files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap_or_default() + "\n")
            .collect();
        one.repeat(3)
    }

    fn trees(d: &Document) -> Vec<Option<String>> {
        d.sections
            .iter()
            .map(|s| s.tree.as_ref().map(|t| t.root_node().to_sexp()))
            .collect()
    }

    #[test]
    fn parsing_on_several_threads_gives_the_trees_and_kinds_of_one() {
        let prefixes = Prefixes::default();
        let mut d = Document::new(corpus(), 1, &prefixes);
        assert!(d.sections.len() > 100, "{} sections", d.sections.len());
        d.parse_sections_on(1);
        let (kinds, sexps) = (d.kinds.clone(), trees(&d));
        assert!(sexps.iter().all(Option::is_some));
        for threads in [2, 3, 7] {
            // Start from wrong kinds and no trees: everything must be recomputed.
            d.kinds.iter_mut().for_each(|k| *k = LineKind::Code);
            d.sections.iter_mut().for_each(|s| s.tree = None);
            d.parse_sections_on(threads);
            assert!(d.kinds == kinds, "kinds differ on {threads} threads");
            assert!(trees(&d) == sexps, "trees differ on {threads} threads");
        }
    }
}

//! Syntax: from Markdown text to DEP- entries, fields, link lists and references.
//!
//! Two block recognisers classify every line with a [`LineKind`]:
//! - [`tree`]: tree-sitter-md's block grammar, parsed in independent sections (the language
//!   server's path for open documents: an edit reparses only its section);
//! - [`blocks`]: a line-oriented scanner (the fast path for indexing and `check`).
//!
//! One extractor ([`extract`]) turns lines + kinds into a [`ParsedDoc`]. Parsing never fails:
//! malformed text yields partial entries. `tests/engine/differential.rs` proves both paths equal.

pub mod blocks;
pub mod extract;
pub mod ids;
pub mod suppress;
pub mod tree;

use foldhash::HashSet;
use serde::Serialize;

/// Byte offsets into a document's text.
pub type Span = std::ops::Range<usize>;

/// A byte span relative to the start of its entry ([`Entry::base`]). Fields and link-list
/// items are stored this way, so that an edit before an entry moves only the entry's own
/// spans: `Document::edit` used to shift every field after the edit, about 1.3 ms per
/// keystroke on a 10,000-entry document. [`Entry::abs`] gives the document span.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct RelSpan {
    pub start: u32,
    pub end: u32,
}

impl RelSpan {
    /// `span` relative to `base` (offsets before `base` clamp to it; entries are far below
    /// 4 GiB, the limit a message can carry is 256 MiB).
    pub fn new(span: &Span, base: usize) -> RelSpan {
        let rel = |x: usize| u32::try_from(x.saturating_sub(base)).unwrap_or(u32::MAX);
        RelSpan {
            start: rel(span.start),
            end: rel(span.end),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start) as usize
    }
}

/// The strings of extracted documents (IDs, keys, values, titles): up to 24 bytes are held
/// inline, so that most of them cost no allocation (a workspace holds millions).
pub type Str = compact_str::CompactString;

/// What a line is, as far as DEP- extraction cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum LineKind {
    /// Only whitespace.
    Blank,
    /// Paragraphs, list items, block quotes, non-comment HTML blocks, indented code.
    Text,
    /// An ATX heading of the given level.
    Heading(u8),
    /// The header row of a pipe table.
    TableHeader,
    /// The `|---|---|` row.
    TableDelimiter,
    /// A body row of a pipe table.
    TableRow,
    /// An opening or closing code fence.
    Fence,
    /// Inside a fenced block whose info string is empty, `text`, `dep`, `md` or `markdown`:
    /// read like text (the guide writes DEP- entries this way).
    DepCode,
    /// Inside any other fenced block: ignored.
    Code,
    /// Inside an HTML comment block: ignored.
    Comment,
    /// YAML front matter: ignored.
    Meta,
}

/// How an entry's ID is defined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum DefKind {
    /// `DEP-001: Title` on a line of its own.
    Line,
    /// `## DEP-001: Title` (the level).
    Heading(u8),
    /// First cell of a table row.
    TableRow,
    /// `- DEP-002: Title`: a list item opening a DEP- entry (its fields are the indented lines
    /// or sub-items below).
    ListItem,
    /// A row of a *plan table* (a table whose header names DEP- fields: `ID | Title | Type |
    /// Owner …`): a DEP- entry whose fields are the row's cells.
    PlanRow,
}

impl DefKind {
    /// A table row (an inventory row or a plan-table row): an entry of one line.
    pub fn is_row(self) -> bool {
        matches!(self, DefKind::TableRow | DefKind::PlanRow)
    }

    /// May this definition only *list* an ID that a heading or a line defines elsewhere (an
    /// inventory row, a plan-table overview row, a list item)? Then it is a reference there,
    /// not a second definition (`Index::is_listing`).
    pub fn lists(self) -> bool {
        matches!(
            self,
            DefKind::TableRow | DefKind::PlanRow | DefKind::ListItem
        )
    }

    /// Does extraction from this definition's line on depend on nothing above it? Headings and
    /// plain lines (any spelling: bold, quoted) open an entry whatever came before; a table row
    /// needs its table's header, and a list item is a definition only where no link-list field
    /// is open above it. The language server re-extracts from and up to these only.
    pub fn restarts(self) -> bool {
        matches!(self, DefKind::Line | DefKind::Heading(_))
    }
}

/// A line of a fenced code block inside an entry (not a field's value): read for secrets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CodeLine {
    /// The line's content, relative to the entry ([`Entry::abs`]).
    pub span: RelSpan,
    pub text: Str,
}

/// A line that looks like an entry or a field but is not read as one: the checks turn it into
/// an `unread-line` hint, so that nothing is skipped silently.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    pub span: Span,
    pub message: Str,
}

/// A Markdown link around an ID: `[API-001](SoT.API_CONTRACTS.md#api-001)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Link {
    /// The whole `[…](…)`.
    pub span: Span,
    /// The destination as written.
    pub dest: String,
}

/// An ID in a link-list field (its [`Reference`] in [`ParsedDoc::refs`] carries its link).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IdRef {
    pub id: Str,
    /// Relative to the entry ([`Entry::abs`]).
    pub span: RelSpan,
}

/// One element of a link-list field (`Linked IDs`, `Related IDs`, `Covers`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum LinkItem {
    /// A known-prefix ID.
    Id(IdRef),
    /// `A to B`, `A..B`, `A–B`, `A - B`: `span` covers both ends.
    Range {
        start: IdRef,
        end: IdRef,
        span: RelSpan,
    },
    /// An ID-shaped token whose prefix is not configured.
    UnknownPrefix(IdRef),
    /// `EPIC-XXX` and the like.
    Placeholder(IdRef),
}

/// A `Key: value` field (any spelling), or a sub-heading inside an entry. Its spans are
/// relative to the entry ([`Entry::abs`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Field {
    /// The key as written (trimmed, without `**`).
    pub key: Str,
    pub key_span: RelSpan,
    /// The value: the inline value and continuation lines, joined by `\n`.
    pub value: Str,
    /// From the start of the first value piece to the end of the last (empty at the key's end
    /// when there is no value).
    pub value_span: RelSpan,
    /// The inline value and each continuation line (content spans). Most values are one
    /// line: held inline.
    pub pieces: smallvec::SmallVec<[RelSpan; 2]>,
    /// Written as a sub-heading (`### Related IDs`).
    pub heading: bool,
    /// Start of the line holding the key (relative to the entry, see [`Entry::at`]).
    pub line_start: u32,
    /// Parsed items, for link-list fields only.
    pub items: Vec<LinkItem>,
}

impl Field {
    /// The key in lowercase with single spaces (for comparisons).
    pub fn norm_key(&self) -> NormKey {
        normalize_key(&self.key)
    }

    /// Is the key `norm` (single spaces, any case: `linked ids`, `Linked IDs`), ignoring case
    /// and spacing? Allocation-free.
    pub fn key_is(&self, norm: &str) -> bool {
        let (k, n) = (self.key.as_bytes(), norm.as_bytes());
        if k.len() == n.len() && k.eq_ignore_ascii_case(n) {
            return true;
        }
        if let (Some(&a), Some(&b)) = (k.first(), n.first()) {
            // The first word differs already.
            if a.is_ascii() && !a.is_ascii_whitespace() && !a.eq_ignore_ascii_case(&b) {
                return false;
            }
        }
        let mut words = self.key.split_whitespace();
        for want in norm.split(' ') {
            match words.next() {
                Some(w) if w.eq_ignore_ascii_case(want) => {}
                _ => return false,
            }
        }
        words.next().is_none()
    }
}

/// A normalised key (lowercase, single spaces). Field keys are at most 40 bytes, so it is
/// held on the stack; only long sub-heading keys go to the heap.
#[derive(Clone)]
pub enum NormKey {
    Inline([u8; 48], u8),
    Heap(String),
}

impl NormKey {
    pub fn as_str(&self) -> &str {
        match self {
            // Built from whole words of a `str` with ASCII bytes lowercased: valid UTF-8.
            NormKey::Inline(b, n) => std::str::from_utf8(&b[..*n as usize]).unwrap_or(""),
            NormKey::Heap(s) => s,
        }
    }
}

impl std::ops::Deref for NormKey {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for NormKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

impl PartialEq<str> for NormKey {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for NormKey {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Lowercases a key and collapses whitespace.
pub fn normalize_key(key: &str) -> NormKey {
    let mut buf = [0u8; 48];
    let mut n = 0;
    for w in key.split_whitespace() {
        let need = w.len() + usize::from(n > 0);
        if n + need > buf.len() {
            return NormKey::Heap(
                key.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_ascii_lowercase(),
            );
        }
        if n > 0 {
            buf[n] = b' ';
            n += 1;
        }
        for (d, c) in buf[n..n + w.len()].iter_mut().zip(w.bytes()) {
            *d = c.to_ascii_lowercase();
        }
        n += w.len();
    }
    NormKey::Inline(buf, n as u8)
}

/// Keys whose values are lists of linked IDs.
pub fn is_link_list_key(norm: &str) -> bool {
    matches!(
        norm,
        "linked ids" | "linked id" | "related ids" | "related id" | "covers"
    )
}

/// An entry: an ID definition and what belongs to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub id: Str,
    pub id_span: Span,
    pub title: Str,
    pub def_kind: DefKind,
    /// The definition line's content.
    pub line_span: Span,
    /// From the definition to the end of the entry's last non-blank line.
    pub span: Span,
    pub fields: Vec<Field>,
    /// `DEP-XXX`.
    pub placeholder: bool,
    /// `[DEPRECATED]` in the title or `Status: Deprecated`.
    pub deprecated: bool,
    /// The first ID of a `Replacement:` / `Replaced by:` / `Superseded by:` field.
    pub replacement: Option<String>,
    /// Table-row entries: the other cells.
    pub summary: Option<String>,
    /// The lines of fenced code blocks inside the entry (shell, YAML …), in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub code: Vec<CodeLine>,
    /// The first `Type:` field's value, parsed when the entry is extracted: `None` without a
    /// Type field, `Some(None)` when the value names no Type.
    #[serde(skip)]
    pub type_field: Option<Option<crate::schema::EntryType>>,
    /// The first `Stage:` field's value, parsed when the entry is extracted (the plan checks ask
    /// it of every entry of the file typed in, on every keystroke).
    #[serde(skip)]
    pub stage_field: Option<Option<crate::schema::Stage>>,
    /// A hash of the entry's text (definition line start to span end), taken when it is
    /// extracted: an open document's findings cache knows an entry is unchanged without
    /// reading it again.
    #[serde(skip)]
    pub text_hash: u64,
}

impl Entry {
    /// Where the spans of its fields and items count from: the start of the definition line's
    /// content.
    pub fn base(&self) -> usize {
        self.line_span.start
    }

    /// The document span of a span of one of its fields or items.
    pub fn abs(&self, r: RelSpan) -> Span {
        self.base() + r.start as usize..self.base() + r.end as usize
    }

    /// The document offset of an offset relative to the entry.
    pub fn at(&self, rel: u32) -> usize {
        self.base() + rel as usize
    }

    /// A document span relative to the entry.
    pub fn rel(&self, span: &Span) -> RelSpan {
        RelSpan::new(span, self.base())
    }

    /// The prefix of the entry's ID (`DEP`, `BR-FEA`).
    pub fn prefix(&self) -> &str {
        id_prefix(&self.id)
    }

    /// The first field with this (normalised) key.
    pub fn field(&self, norm_key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key_is(norm_key))
    }

    /// An entry whose title is still a template placeholder (`## DEP-001: {Procedure Name}`,
    /// `DEP-002: [Deployment Item Title]`): the scaffold of a SoT file or a template, not yet an
    /// entry of a plan. The checks report its title and nothing else, and no plan counts it.
    pub fn is_template(&self) -> bool {
        // Titles are stored trimmed; most start with neither bracket (asked per entry, per
        // keystroke, by the plan checks).
        if !self.title.starts_with(['{', '[']) {
            return false;
        }
        let t = self.title.trim();
        let inner = t
            .strip_prefix('{')
            .and_then(|r| r.strip_suffix('}'))
            .or_else(|| t.strip_prefix('[').and_then(|r| r.strip_suffix(']')));
        inner.is_some_and(|i| {
            i.chars().any(char::is_alphabetic) && !i.contains(['[', ']', '{', '}'])
        })
    }

    /// True for `DEP-` entries written as blocks (lines, headings, list items) or as rows of a
    /// plan table: the ones DEP checks apply to (an inventory table's rows are summaries).
    pub fn is_dep_block(&self) -> bool {
        // `prefix() == "DEP"` without searching the ID backwards: `DEP-` and no other dash.
        self.id.starts_with("DEP-")
            && !self.id[4..].contains('-')
            && self.def_kind != DefKind::TableRow
            && !self.placeholder
    }
}

/// An ID mentioned outside its definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reference {
    pub id: Str,
    pub span: Span,
    /// Index of the entry the reference sits in.
    pub entry: Option<u32>,
    /// Index of the field within that entry.
    pub field: Option<u32>,
    /// Inside a link-list field.
    pub link_list: bool,
    /// Boxed: most references are not links.
    pub link: Option<Box<Link>>,
}

/// Everything extracted from one document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ParsedDoc {
    pub entries: Vec<Entry>,
    pub refs: Vec<Reference>,
    /// Lines that look like an entry or a field but are not read as one, in text order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    /// Set when parsing this document panicked (a bug): the message. The document then has no
    /// entries, and the checks report one `internal-error` finding on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_error: Option<Box<str>>,
    /// (Issue 14, helper rep) Inline suppression comments (`<!-- dep-ls-disable… -->`), in
    /// document order; read by `check::suppress::apply`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<suppress::Directive>,
}

impl ParsedDoc {
    /// The document of a text whose parsing panicked with `message`.
    pub fn failed(message: String) -> ParsedDoc {
        ParsedDoc {
            internal_error: Some(message.into_boxed_str()),
            ..ParsedDoc::default()
        }
    }
}

/// The UTF-8 byte-order mark. At the start of a text it is no content: the block recognisers
/// and the extractor read line 0 after it (offsets stay those of the text, BOM included).
pub const BOM: char = '\u{feff}';

/// Line `s..e` of `text` as the block recognisers read it: without the byte-order mark when it
/// is the first line.
pub fn line_text(text: &str, s: usize, e: usize) -> &str {
    let line = text.get(s..e).unwrap_or("");
    if s == 0 {
        line.strip_prefix(BOM).unwrap_or(line)
    } else {
        line
    }
}

/// Bytes of the byte-order mark at the start of `text` (0 or 3).
pub fn bom_len(text: &str) -> usize {
    if text.starts_with(BOM) {
        BOM.len_utf8()
    } else {
        0
    }
}

/// A fast 64-bit hash of a text (FxHash-style, 8 bytes at a time).
pub fn text_hash(t: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h: u64 = t.len() as u64;
    let mut chunks = t.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ b as u64).wrapping_mul(K);
    }
    h
}

/// The prefix part of an ID (`BR-FEA-001` → `BR-FEA`).
pub fn id_prefix(id: &str) -> &str {
    id.rfind('-').map(|i| &id[..i]).unwrap_or(id)
}

/// The numeric part of an ID (`None` for placeholders).
pub fn id_number(id: &str) -> Option<(u32, usize)> {
    let n = &id[id.rfind('-')? + 1..];
    Some((n.parse().ok()?, n.len()))
}

/// The default known prefixes (spec §1).
pub const DEFAULT_PREFIXES: &[&str] = &[
    "DEP", "EPIC", "API", "DBT", "FEA", "TEST", "MON", "RISK", "UJ", "ARC", "TECH", "RUN", "GTM",
    "BR", "PER", "SCR", "DES", "INT", "CFD", "LL", "KPI", "ENV", "SEC",
];

/// The set of known ID prefixes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prefixes {
    set: HashSet<String>,
}

impl Default for Prefixes {
    fn default() -> Self {
        Self::new(DEFAULT_PREFIXES.iter().map(|s| s.to_string()))
    }
}

impl Prefixes {
    pub fn new(prefixes: impl IntoIterator<Item = String>) -> Self {
        Self {
            set: prefixes.into_iter().collect(),
        }
    }

    pub fn insert(&mut self, p: &str) {
        self.set.insert(p.to_string());
    }

    /// A prefix is known when it is configured, or when it is compound and every segment is.
    pub fn is_known(&self, prefix: &str) -> bool {
        self.set.contains(prefix)
            || (prefix.contains('-') && prefix.split('-').all(|s| self.set.contains(s)))
    }

    pub fn iter(&self) -> impl Iterator<Item = &String> {
        self.set.iter()
    }
}

/// Parses with the fast path (line scanner + extractor).
/// A panic (a bug) gives an empty document that says so ([`ParsedDoc::failed`]).
pub fn parse_fast(text: &str, prefixes: &Prefixes) -> ParsedDoc {
    crate::guard::catch(|| {
        let kinds = blocks::classify(text);
        extract::extract(text, &kinds, prefixes)
    })
    .unwrap_or_else(ParsedDoc::failed)
}

/// Parses with tree-sitter (one tree per section) + extractor.
/// A panic (a bug) gives an empty document that says so ([`ParsedDoc::failed`]).
pub fn parse_tree(text: &str, prefixes: &Prefixes) -> ParsedDoc {
    crate::guard::catch(|| {
        let kinds = tree::classify(text);
        extract::extract(text, &kinds, prefixes)
    })
    .unwrap_or_else(ParsedDoc::failed)
}

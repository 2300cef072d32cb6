//! A grammar-aware generator of DEP- documents, for property tests and fuzz targets.
//!
//! [`document`] turns any byte string into a Markdown document written the way people write
//! release plans — DEP- entries in every spelling the README accepts, fields, link lists and
//! ranges, among the Markdown constructs that change how lines are read (HTML blocks of all
//! seven CommonMark kinds, fences, tables, quotes, front matter, setext underlines,
//! whitespace-only lines, mixed line endings, a BOM, non-ASCII text, long lines, deep
//! indentation). Byte-level fuzzing rarely assembles such a document: `DEP-001: Release
//! plan\n<!DOCTYPE html>\nOwner:\n \n` (a panic in the extractor) took this generator seconds
//! and 15 minutes of libFuzzer per target did not find it.
//!
//! The bytes are a list of *choices* read through a tiny cursor ([`Choices`]): each decision
//! (which block, which spelling, how many items) reads one byte (two for choices among more
//! than 256). When the bytes run out every choice is 0, and choice 0 is always the plainest
//! option, so every byte string gives a document, the empty one gives `DEP-001: Release
//! plan\n`, and shrinking bytes towards zero (proptest) or mutating them (libFuzzer) moves
//! through the grammar rather than through raw text. Pure and deterministic; std only.
//!
//! [`edits`] does the same for edit sequences (a position as a fraction of the text, a length,
//! and text from the same grammar), for the incremental differential.

use std::ops::Range;

/// A cursor over choice bytes. Past the end every choice reads 0.
#[derive(Clone, Debug)]
pub struct Choices<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Choices<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Choices { bytes, pos: 0 }
    }

    /// All bytes have been read (every further choice is 0).
    pub fn is_empty(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// The next byte, or 0.
    pub fn byte(&mut self) -> u8 {
        let b = self.bytes.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    /// A number in `0..n` (0 when `n` ≤ 1; one byte, two when `n` > 256).
    pub fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        let mut v = usize::from(self.byte());
        if n > 256 {
            v |= usize::from(self.byte()) << 8;
        }
        v % n
    }

    /// A number in `range` (its start when the bytes ran out).
    pub fn range(&mut self, range: Range<usize>) -> usize {
        range.start + self.below(range.end.saturating_sub(range.start))
    }

    /// One of `items` (the first when the bytes ran out).
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// An index into `weights`, each index drawn in proportion to its weight (index 0 when
    /// the bytes ran out, whatever its weight).
    pub fn weighted(&mut self, weights: &[u8]) -> usize {
        let total: usize = weights.iter().map(|&w| usize::from(w)).sum();
        let mut v = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if v < usize::from(w) {
                return i;
            }
            v -= usize::from(w);
        }
        0
    }

    /// True once in `n` times (false when the bytes ran out).
    pub fn one_in(&mut self, n: usize) -> bool {
        n > 0 && self.below(n) == n - 1
    }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

/// IDs: the DEP- prefix first, other known prefixes, compound and zero-padded numbers, the
/// placeholder `DEP-XXX`, an unknown prefix, and tokens that look like IDs but are not.
const IDS: &[&str] = &[
    "DEP-001",
    "DEP-002",
    "DEP-003",
    "DEP-010",
    "DEP-0001",
    "DEP-XXX",
    "EPIC-01",
    "API-001",
    "API-004",
    "TEST-001",
    "TEST-002",
    "TEST-050",
    "MON-001",
    "RUN-005",
    "BR-FEA-001",
    "SEC-042",
    "XYZ-001",
    "DEP-xxx",
    "UTF-8",
    "SHA-256",
    "dep-001",
    "DEP-",
];

const TITLES: &[&str] = &[
    "Release plan",
    "Production environment",
    "Error rate rollback",
    "Verify checkout",
    "Old API [DEPRECATED]",
    "生产环境配置 🚀",
    "Café déploiement",
    "",
    "x",
    "Deploy | roll back",
    "zero\u{200b}width",
    "no\u{a0}break",
    "with `code` and <b>tag</b>",
    "DEP-002: nested",
    "trailing hashes ##",
    "e\u{301}motion 😀😀",
];

const WORDS: &[&str] = &[
    "deploy",
    "the",
    "service",
    "rollback",
    "when",
    "error rate",
    ">2%",
    "for 5 minutes",
    "p99",
    "UTF-8",
    "(see notes)",
    "**bold**",
    "_emph_",
    "🚀",
    "✅",
    "部署计划",
    "데이터베이스",
    "café",
    "naïve",
    "staging",
    "production",
    "#tag",
    "a|b",
    "a \\| b",
    "\\",
    "x\u{a0}y",
    "\u{200b}",
    "\u{feff}",
    "1.",
    "-",
    "*",
    "<span>",
    "&amp;",
    "[x]",
];

/// Field keys: the schema's, a link-list key, typos, an unknown key.
const KEYS: &[&str] = &[
    "Type",
    "Stage",
    "Owner",
    "Description",
    "Threshold",
    "Trigger",
    "Procedure",
    "Configuration",
    "Secrets",
    "Linked IDs",
    "Related IDs",
    "Covers",
    "For Rollback Type",
    "Rollback Trigger",
    "Status",
    "Replacement",
    "Method",
    "Blocker",
    "Escalation",
    "Name",
    "Notification",
    "ID",
    "Success criteria",
    "Escalaton",
    "Ownr",
    "Notes",
];

const VALUES: &[&str] = &[
    "Rollback",
    "Validation",
    "Criteria",
    "Environment",
    "Step",
    "Pre-deploy",
    "Post-deploy",
    ">2% of requests for 5 minutes",
    "p99 latency > 800ms",
    "high",
    "SRE on-call",
    "@release-team",
    "Deprecated",
    "Deprecated (replaced by DEP-002)",
    "TBD",
    "[What if validation fails]",
    "{Procedure Name}",
    "YYYY-MM-DD",
    "sk_live_abc123",
    "Automated",
    "Automatic",
    "Maybe",
    "staging",
    "production",
    "中文 值 😀",
    "API-004",
    "https://example.com/x",
    "`DEP-009`",
    "<!-- TODO -->",
];

/// Lines that continue a field with an empty value (after an indentation).
const CONTINUATIONS: &[&str] = &[
    "- NODE_ENV=production",
    "- STRIPE_SECRET_KEY=sk_live_abc123",
    "1. Alert on-call engineer",
    "2. Revert to the previous version",
    "- [TEST-001](SoT.TESTING.md#test-001) - why",
    "- API-001",
    "* RUN-005",
    "+ TEST-001 to TEST-005",
    "continuation text",
    "- Owner: nested field",
    "-",
];

/// HTML-block starts: all seven CommonMark kinds (1: `<pre`, `<script`, `<style`,
/// `<textarea`; 2: `<!--`; 3: `<?`; 4: `<!` + letter; 5: `<![CDATA[`; 6: block tags, open or
/// closing; 7: any other complete tag alone on its line), in upper and lower case.
const HTML_STARTS: &[&str] = &[
    "<!DOCTYPE html>",
    "<pre>",
    "<script>",
    "</script>",
    "<style>",
    "<textarea>",
    "<!--",
    "<?php",
    "<![CDATA[",
    "<div>",
    "<a href=x>",
    "<!P>",
    "<!doctype html>",
    "<pre class=\"x\">",
    "<script type=\"text/x\">",
    "<!-- DEP-001: hidden",
    "<?",
    "<![CDATA[ DEP-002",
    "</div>",
    "<table>",
    "<h1>",
    "<details>",
    "<DIV>",
    "<a href=\"x.md\">",
    "</a>",
    "<custom-tag>",
    "<br/>",
    "<span>",
    "<!X y",
];

/// HTML-block ends (and lines that look like one).
const HTML_ENDS: &[&str] = &[
    "-->",
    "?>",
    "]]>",
    ">",
    "</pre>",
    "</script>",
    "</style>",
    "</textarea>",
    "</div>",
    "x -->",
    "--->",
];

const FENCE_INFOS: &[&str] = &[
    "",
    "text",
    "dep",
    "md",
    "markdown",
    "bash",
    "mermaid",
    "yaml",
    "rust",
    "text {.x}",
    " dep",
    "`x`",
    "~x",
];

const LINK_KEYS: &[&str] = &["Linked IDs", "Related IDs", "Covers"];

/// Range ends: in order, reversed, mixed prefixes, equal, other widths, huge.
const RANGES: &[(&str, &str)] = &[
    ("TEST-001", "TEST-050"),
    ("TEST-050", "TEST-001"),
    ("TEST-001", "API-010"),
    ("TEST-001", "TEST-001"),
    ("DEP-001", "DEP-0100"),
    ("TEST-1", "TEST-99999999"),
    ("BR-FEA-001", "BR-FEA-003"),
    ("API-001", "API-XXX"),
];

const RANGE_SEPS: &[&str] = &[
    " to ",
    "..",
    "–",
    " - ",
    " — ",
    " through ",
    "...",
    " to",
    " → ",
    "->",
    "-",
];

const HEADING_SEPS: &[&str] = &[": ", " - ", " – ", " — ", " | ", " ", ":", "  :  ", "\t"];

/// Whitespace-only lines (and two that look blank but are not for Markdown).
const BLANKS: &[&str] = &[
    " ",
    "",
    "\t",
    "  \t ",
    "    ",
    "\u{a0}",
    "\u{3000}",
    " \u{200b}",
    "\t\t",
];

/// Snippets that matter to block and inline structure, for lines of token soup.
const TOKENS: &[&str] = &[
    "DEP-001",
    " ",
    "#",
    "## ",
    "- ",
    "* ",
    "1. ",
    ">",
    "> ",
    "```",
    "~~~",
    "`",
    "|",
    " | ",
    "---",
    "===",
    "<!--",
    "-->",
    "<div>",
    "<pre>",
    "<?",
    "<!X",
    "<![CDATA[",
    "]]>",
    ": ",
    "**",
    "Owner:",
    "Linked IDs: ",
    "TEST-001 to TEST-009",
    "[API-001](x.md)",
    "🚀",
    "部署",
    "é",
    "\u{3000}",
    "\u{a0}",
    "\\",
    "[",
    "]",
    "(",
    ")",
    "\t",
    "x",
    "word ",
    "DEP-XXX",
];

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

/// Line endings of a document.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Endings {
    Lf,
    Crlf,
    Cr,
    /// Each line picks its own.
    Mixed,
}

/// The document being written: lines with their endings.
struct Out {
    text: String,
    endings: Endings,
}

/// Documents stop growing past this size (a long line may overshoot it once).
const MAX_BYTES: usize = 24 * 1024;
const MAX_BLOCKS: usize = 48;

impl Out {
    fn line(&mut self, c: &mut Choices, line: &str) {
        self.text.push_str(line);
        let nl = match self.endings {
            Endings::Lf => "\n",
            Endings::Crlf => "\r\n",
            Endings::Cr => "\r",
            Endings::Mixed => ["\n", "\r\n", "\r"][c.below(3)],
        };
        self.text.push_str(nl);
    }

    fn full(&self) -> bool {
        self.text.len() >= MAX_BYTES
    }
}

// ---------------------------------------------------------------------------------------------
// The grammar
// ---------------------------------------------------------------------------------------------

/// A document from choice bytes (see the module documentation).
pub fn document(bytes: &[u8]) -> String {
    document_from(&mut Choices::new(bytes), MAX_BLOCKS)
}

/// A document of at most `max_blocks` blocks, reading choices from `c` until it runs out.
pub fn document_from(c: &mut Choices, max_blocks: usize) -> String {
    let bom = c.one_in(8);
    let endings = match c.weighted(&[8, 2, 1, 2]) {
        0 => Endings::Lf,
        1 => Endings::Crlf,
        2 => Endings::Cr,
        _ => Endings::Mixed,
    };
    let final_newline = !c.one_in(6);
    let mut o = Out {
        text: String::new(),
        endings,
    };
    if bom {
        o.text.push('\u{feff}');
    }
    front_matter(c, &mut o);
    let mut n = 0;
    loop {
        block(c, &mut o, 0);
        n += 1;
        if c.is_empty() || n >= max_blocks || o.full() {
            break;
        }
        // Blocks are glued with 0, 1 or 2 blank lines.
        for _ in 0..c.weighted(&[3, 4, 1]) {
            o.line(c, "");
        }
    }
    if !final_newline {
        for nl in ["\r\n", "\n", "\r"] {
            if let Some(t) = o.text.strip_suffix(nl) {
                let len = t.len();
                o.text.truncate(len);
                break;
            }
        }
    }
    o.text
}

/// Front matter (only at line 0): none, YAML closed, TOML closed, YAML never closed, …
fn front_matter(c: &mut Choices, o: &mut Out) {
    let (open, close) = match c.weighted(&[12, 2, 1, 1, 1]) {
        0 => return,
        1 => ("---", Some("---")),
        2 => ("+++", Some("+++")),
        3 => ("---", None),
        _ => ("---", Some("...")),
    };
    o.line(c, open);
    for _ in 0..c.below(4) {
        let l = c.pick(&[
            "title: Release plan",
            "DEP-001: not a definition",
            "owner: \"@team\"",
            "tags = ['release']",
            "",
        ]);
        o.line(c, l);
    }
    if let Some(close) = close {
        o.line(c, close);
    }
}

/// One top-level block; `depth` bounds the nesting of blocks inside blocks.
fn block(c: &mut Choices, o: &mut Out, depth: u8) {
    match c.weighted(&[
        8, // entry
        3, // field
        2, // field with continuation lines
        2, // link list
        2, // prose
        4, // HTML block
        3, // fence
        2, // table
        2, // quote
        1, // setext heading
        2, // whitespace-only lines
        1, // thematic break
        2, // list
        1, // long line, deep indentation
        1, // link reference definitions
        1, // sub-heading field
        1, // token soup
        1, // HTML comment
    ]) {
        0 => entry(c, o, depth),
        1 => {
            let l = field(c);
            o.line(c, &l);
        }
        2 => block_field(c, o),
        3 => {
            let l = link_list(c);
            o.line(c, &l);
        }
        4 => {
            for _ in 0..c.range(1..4) {
                let l = prose(c);
                o.line(c, &l);
            }
        }
        5 => html_block(c, o, depth),
        6 => fence(c, o, ""),
        7 => table(c, o, ""),
        8 => quote(c, o, depth),
        9 => setext(c, o),
        10 => blanks(c, o),
        11 => {
            let l = c.pick(&["---", "***", "___", "* * *", "- - -", "-----", " ---"]);
            o.line(c, l);
        }
        12 => list(c, o, depth),
        13 => long(c, o),
        14 => {
            for _ in 0..c.range(1..3) {
                let l = c.pick(&[
                    "[dep-001]: x.md",
                    "[API-001]: <x y.md> \"title\"",
                    "[run-005]: SoT.RUNBOOK.md#run-005",
                ]);
                o.line(c, l);
            }
        }
        15 => sub_heading(c, o),
        16 => {
            let mut l = String::new();
            for _ in 0..c.range(1..12) {
                l.push_str(c.pick(TOKENS));
            }
            o.line(c, &l);
        }
        _ => comment(c, o),
    }
}

fn id(c: &mut Choices) -> &'static str {
    c.pick(IDS)
}

fn title(c: &mut Choices) -> &'static str {
    c.pick(TITLES)
}

/// A definition line in every spelling: `DEP-001: Title`, headings `#`..`######` with every
/// separator, bold, list items, quoted, indented, alone, not quite a heading.
fn definition(c: &mut Choices) -> String {
    let (id, title) = (id(c), title(c));
    match c.weighted(&[6, 6, 1, 1, 2, 1, 1, 1, 1, 1]) {
        0 => format!("{id}: {title}"),
        1 => {
            let hashes = "#".repeat(c.range(1..7));
            let sep = c.pick(HEADING_SEPS);
            let close = match c.weighted(&[6, 1, 1]) {
                0 => "".to_string(),
                1 => format!(" {hashes}"),
                _ => " #".to_string(),
            };
            format!(
                "{}{hashes} {id}{sep}{title}{close}",
                " ".repeat(c.weighted(&[8, 1, 1, 1]))
            )
        }
        2 => format!(
            "{}{}",
            c.pick(&["", "- ", "> ", "  "]),
            match c.below(4) {
                0 => format!("**{id}**: {title}"),
                1 => format!("**{id}:** {title}"),
                2 => format!("**{id}** — {title}"),
                _ => format!("**{id}**{title}"),
            }
        ),
        3 => format!("**{id}: {title}**"),
        4 => format!(
            "{}{id}: {title}",
            c.pick(&["- ", "* ", "1. ", "+ ", "- [ ] "])
        ),
        5 => format!("{}{id}: {title}", c.pick(&["> ", ">", "> ## ", "> > "])),
        6 => format!("{}{id}: {title}", c.pick(&[" ", "  ", "   ", "    ", "\t"])),
        7 => c
            .pick(&[id, "DEP-001:", "DEP-001 ", "DEP-001:\t"])
            .to_string(),
        8 => format!("{}{id} {title}", c.pick(&["#", "####### ", "#\t", "\\# "])),
        _ => format!("{id}: {title}{}", c.pick(&[" ", "\t", " \u{a0}", "  "])),
    }
}

fn value(c: &mut Choices) -> String {
    match c.weighted(&[4, 2, 1, 1]) {
        0 => c.pick(VALUES).to_string(),
        1 => {
            let n = c.range(1..4);
            (0..n).map(|_| id(c)).collect::<Vec<_>>().join(", ")
        }
        2 => prose(c),
        _ => c.pick(WORDS).to_string(),
    }
}

/// `key` and `value` in one of the field spellings of the README and the ones people type
/// (space or NBSP before the colon, tabs, indented, quoted, no space after the colon).
fn field_line(c: &mut Choices, key: &str, value: &str) -> String {
    let sp = if value.is_empty() { "" } else { " " };
    let v = value;
    match c.weighted(&[8, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]) {
        0 => format!("{key}:{sp}{v}"),
        1 => format!("**{key}:**{sp}{v}"),
        2 => format!("**{key}**:{sp}{v}"),
        3 => format!("- {key}:{sp}{v}"),
        4 => format!("* {key}:{sp}{v}"),
        5 => format!("- **{key}:**{sp}{v}"),
        6 => format!("{key} :{sp}{v}"),
        7 => format!("{key}\u{a0}:{sp}{v}"),
        8 => format!("{key}:\u{a0}{v}"),
        9 => format!("{key}\t:\t{v}"),
        10 => format!("{}{key}:{sp}{v}", c.pick(&["  ", " ", "\t", "    "])),
        11 => format!("{key}:{v}"),
        12 => format!("> {key}:{sp}{v}"),
        _ => format!("{key}:{sp}{v}{}", c.pick(&[" ", "\t", "  "])),
    }
}

fn field(c: &mut Choices) -> String {
    let key = c.pick(KEYS);
    let v = if c.one_in(6) { String::new() } else { value(c) };
    field_line(c, key, &v)
}

/// A field with an empty value, then the lines that continue it (indented lines, list items,
/// whitespace-only and blank lines between them, an HTML-block start).
fn block_field(c: &mut Choices, o: &mut Out) {
    let key = c.pick(KEYS);
    let l = field_line(c, key, "");
    o.line(c, &l);
    for _ in 0..c.range(1..6) {
        match c.weighted(&[5, 3, 1, 1]) {
            0 => {
                let ind = c.pick(&["  ", "    ", "\t", " ", "   ", "", "      ", "  \t"]);
                let l = format!("{ind}{}", c.pick(CONTINUATIONS));
                o.line(c, &l);
            }
            1 => {
                let l = c.pick(BLANKS);
                o.line(c, l);
            }
            2 => {
                let l = format!("{}{}", c.pick(&["", "  "]), c.pick(HTML_STARTS));
                o.line(c, &l);
            }
            _ => fence(c, o, "  "),
        }
    }
}

/// One item of a link list.
fn link_item(c: &mut Choices) -> String {
    match c.weighted(&[4, 3, 2, 1, 1, 1, 1]) {
        0 => id(c).to_string(),
        1 => {
            let (a, b) = c.pick(RANGES);
            format!("{a}{}{b}", c.pick(RANGE_SEPS))
        }
        2 => c
            .pick(&[
                "[API-001](SoT.API_CONTRACTS.md#api-001)",
                "[API-001](x.md#a)",
                "[see](API-001.md)",
                "[API-001]",
                "[RUN-005](SoT.RUNBOOK.md#run-005)",
                "[TEST-001 to TEST-003](t.md)",
            ])
            .to_string(),
        3 => match c.below(3) {
            0 => format!("`{}`", id(c)),
            // Shorthand ranges and slash lists.
            1 => format!(
                "{}{}",
                id(c),
                c.pick(&[
                    "–005", "..5", "-005", " to 004", "/005/009", "/", "–", "/0x", " - 5 x"
                ])
            ),
            _ => format!("`{}`{}", id(c), c.pick(&["–005", "`", "/002"])),
        },
        4 => format!("<!-- {} -->", id(c)),
        5 => format!("**{}**", id(c)),
        _ => format!("{} ({})", id(c), c.pick(WORDS)),
    }
}

fn link_list(c: &mut Choices) -> String {
    let key = c.pick(LINK_KEYS);
    let sep = c.pick(&[", ", "; ", ",", " , ", " "]);
    let n = c.range(1..7);
    let items: Vec<String> = (0..n).map(|_| link_item(c)).collect();
    field_line(c, key, &items.join(sep))
}

/// Prose with inline IDs, code spans, comments, links, ranges and non-ASCII text.
fn prose(c: &mut Choices) -> String {
    let n = c.range(1..7);
    let mut parts = Vec::with_capacity(n);
    for _ in 0..n {
        parts.push(match c.weighted(&[5, 3, 1, 1, 1, 1, 1, 1]) {
            0 => c.pick(WORDS).to_string(),
            1 => id(c).to_string(),
            2 => format!("`{}`", id(c)),
            3 => format!("``code ` {}``", id(c)),
            4 => format!("<!-- {} -->", id(c)),
            5 => format!("<!-- {}", id(c)),
            6 => link_item(c),
            _ => c
                .pick(&["`", "``", "-->", "<!--", "|", "**", "\\|"])
                .to_string(),
        });
    }
    parts.join(" ")
}

/// A line that can sit inside an entry, an HTML block, a fence, a quote or a list item.
fn inner_line(c: &mut Choices) -> String {
    match c.weighted(&[3, 3, 2, 2, 1, 1]) {
        0 => field(c),
        1 => definition(c),
        2 => prose(c),
        3 => c.pick(BLANKS).to_string(),
        4 => c.pick(HTML_STARTS).to_string(),
        _ => link_list(c),
    }
}

/// An entry: a definition and what follows it (fields, continuations, whitespace-only lines,
/// HTML-block starts, prose, fences, comments).
fn entry(c: &mut Choices, o: &mut Out, depth: u8) {
    let d = definition(c);
    o.line(c, &d);
    for _ in 0..c.below(7) {
        if o.full() {
            return;
        }
        match c.weighted(&[6, 2, 2, 2, 1, 2, 1, 1, 1, 1]) {
            0 => {
                let l = field(c);
                o.line(c, &l);
            }
            1 => block_field(c, o),
            2 => {
                let l = link_list(c);
                o.line(c, &l);
            }
            3 => {
                let l = c.pick(BLANKS);
                o.line(c, l);
            }
            4 => {
                let l = prose(c);
                o.line(c, &l);
            }
            5 => {
                let l = format!("{}{}", c.pick(&["", "", " ", "- "]), c.pick(HTML_STARTS));
                o.line(c, &l);
            }
            6 => sub_heading(c, o),
            7 => fence(c, o, ""),
            8 => comment(c, o),
            _ if depth < 2 => block(c, o, depth + 1),
            _ => {}
        }
    }
}

/// `### Related IDs` (a field written as a sub-heading) and its list.
fn sub_heading(c: &mut Choices, o: &mut Out) {
    let h = format!(
        "{} {}",
        "#".repeat(c.range(2..5)),
        c.pick(&["Related IDs", "Steps", "Linked IDs", "Rollback", "Covers"])
    );
    o.line(c, &h);
    for _ in 0..c.range(1..5) {
        let l = match c.weighted(&[3, 1, 1, 1]) {
            0 => format!("- {} - create", link_item(c)),
            1 => format!("1. {}", prose(c)),
            2 => c.pick(BLANKS).to_string(),
            _ => field(c),
        };
        o.line(c, &l);
    }
}

/// An HTML block: a start of one of the seven kinds (indented, in a list item or quote, or
/// ended on its own line), some lines, and its end, another end, a blank line or none.
fn html_block(c: &mut Choices, o: &mut Out, depth: u8) {
    let start = c.pick(HTML_STARTS);
    let lead = c.pick(&["", "", "", " ", "   ", "- ", "> ", "1. "]);
    let same_line = c.weighted(&[6, 1, 1, 1, 1]);
    let first = match same_line {
        0 => format!("{lead}{start}"),
        1 => format!("{lead}{start} DEP-003: inline -->"),
        2 => format!("{lead}{start}x</pre>"),
        3 => format!("{lead}{start} ?> ]]> >"),
        _ => format!("{lead}{start} {}", prose(c)),
    };
    o.line(c, &first);
    for _ in 0..c.below(5) {
        if depth < 2 && c.one_in(6) {
            block(c, o, depth + 1);
        } else {
            let l = inner_line(c);
            o.line(c, &l);
        }
    }
    match c.weighted(&[3, 2, 2, 1]) {
        0 => {}
        1 => o.line(c, ""),
        2 => {
            let l = c.pick(HTML_ENDS);
            o.line(c, l);
        }
        _ => {
            let l = format!("{} {}", prose(c), c.pick(HTML_ENDS));
            o.line(c, &l);
        }
    }
}

/// A fenced block (backticks or tildes, every info string, DEP- content or code), closed by
/// the same fence, a longer one, a non-closing line, or never (it then runs to the end).
fn fence(c: &mut Choices, o: &mut Out, indent: &str) {
    let marker = c.pick(&["```", "~~~", "````", "~~~~", "``"]);
    let ind = format!(
        "{indent}{}",
        c.pick(&["", "", "", " ", "  ", "   ", "- ", "> "])
    );
    let info = c.pick(FENCE_INFOS);
    let sp = if c.one_in(4) { " " } else { "" };
    let open = format!("{ind}{marker}{sp}{info}");
    o.line(c, &open);
    // Content lines keep the opener's indentation, except list markers and quotes.
    let body_ind = ind.replace(['-', '1', '.'], " ");
    for _ in 0..c.below(6) {
        let l = match c.weighted(&[3, 2, 1]) {
            0 => inner_line(c),
            1 => c
                .pick(&[
                    "fn main() {}",
                    "# a shell comment",
                    "kubectl rollout undo deploy/api",
                    "graph TD; DEP-001-->DEP-002",
                    "```",
                    "~~~",
                    "```text",
                    "| a | b |",
                    "---",
                    "<!-- not a comment",
                ])
                .to_string(),
            _ => c.pick(BLANKS).to_string(),
        };
        let l = format!("{body_ind}{l}");
        o.line(c, &l);
    }
    let close = match c.weighted(&[6, 1, 1, 1, 1, 1, 2]) {
        0 => Some(format!("{body_ind}{marker}")),
        1 => Some(format!("{body_ind}{marker}{}", &marker[..1])),
        2 => Some(format!("{body_ind}{marker} x")),
        3 => Some(format!("    {marker}")),
        4 => Some(format!(
            "{body_ind}{}",
            if marker.starts_with('`') {
                "~~~"
            } else {
                "```"
            }
        )),
        5 => Some(format!("{body_ind}{marker}  \t")),
        _ => None,
    };
    if let Some(close) = close {
        o.line(c, &close);
    }
}

/// A pipe table (IDs in the first cell are definitions), with or without outer pipes, with a
/// broken or missing delimiter row sometimes, and a line after it that may continue it.
fn table(c: &mut Choices, o: &mut Out, indent: &str) {
    let cols = c.range(1..5);
    let lead = !c.one_in(4);
    let trail = !c.one_in(4);
    let row = |cells: &[String]| {
        let mut s = indent.to_string();
        if lead {
            s.push_str("| ");
        }
        s.push_str(&cells.join(" | "));
        if trail {
            s.push_str(" |");
        }
        s
    };
    let header: Vec<String> = (0..cols)
        .map(|i| {
            if i == 0 {
                c.pick(&["ID", "Id", "**ID**", "Title", "", "DEP-001", "Field", "Key"])
                    .to_string()
            } else {
                c.pick(&[
                    "Title",
                    "Status",
                    "Owner 🚀",
                    "Linked IDs",
                    "Type",
                    "",
                    "Value",
                    "Threshold",
                    "Owner",
                ])
                .to_string()
            }
        })
        .collect();
    let h = row(&header);
    o.line(c, &h);
    let delim_cells = |c: &mut Choices, n: usize| -> Vec<String> {
        (0..n)
            .map(|_| {
                c.pick(&["---", ":---", "---:", ":-:", "-", "--"])
                    .to_string()
            })
            .collect()
    };
    match c.weighted(&[8, 1, 1, 1, 1]) {
        0 => {
            let d = row(&delim_cells(c, cols));
            o.line(c, &d);
        }
        1 => {
            let d = row(&delim_cells(
                c,
                cols.saturating_sub(1).max(1) + usize::from(cols == 1),
            ));
            o.line(c, &d);
        }
        2 => {
            let mut cells = delim_cells(c, cols);
            cells.push(String::new());
            let d = row(&cells);
            o.line(c, &d);
        }
        3 => {
            let l = format!("{indent}{}", c.pick(&["|--|--", "===", "|:-", "- | -"]));
            o.line(c, &l);
        }
        _ => {}
    }
    for _ in 0..c.below(6) {
        let cells: Vec<String> = (0..cols)
            .map(|i| {
                if i == 0 {
                    match c.weighted(&[5, 1, 1, 1, 1, 2]) {
                        0 => id(c).to_string(),
                        1 => format!("**{}**", id(c)),
                        2 => format!("[{}](x.md)", id(c)),
                        3 => c.pick(WORDS).to_string(),
                        4 => String::new(),
                        // `| Type | Rollback |` rows of a field table.
                        _ => c.pick(KEYS).to_string(),
                    }
                } else {
                    match c.weighted(&[3, 2, 1, 1, 1]) {
                        0 => title(c).to_string(),
                        1 => link_item(c),
                        2 => "`a | b`".to_string(),
                        3 => "a \\| b".to_string(),
                        _ => String::new(),
                    }
                }
            })
            .collect();
        let r = row(&cells);
        o.line(c, &r);
    }
    match c.weighted(&[6, 1, 1, 1]) {
        0 => {}
        1 => {
            let l = prose(c);
            o.line(c, &l);
        }
        2 => o.line(c, "==="),
        _ => {
            let l = c.pick(BLANKS);
            o.line(c, l);
        }
    }
}

/// A block quote: definitions, fields, prose, fences and HTML starts behind `>` markers.
fn quote(c: &mut Choices, o: &mut Out, depth: u8) {
    let marker = c.pick(&["> ", ">", "> > ", ">\t", " > ", "> > > "]);
    for _ in 0..c.range(1..5) {
        let l = match c.weighted(&[4, 1, 1]) {
            0 => inner_line(c),
            1 => String::new(),
            _ => c
                .pick(&[
                    "```",
                    "```text",
                    "~~~",
                    "<pre>",
                    "- DEP-002: x",
                    "| a | b |",
                ])
                .to_string(),
        };
        let l = format!("{marker}{l}");
        o.line(c, &l);
    }
    if depth < 2 && c.one_in(4) {
        // A lazy continuation or a block right after the quote.
        block(c, o, depth + 1);
    }
}

/// A setext heading: a line (maybe a definition) and an underline.
fn setext(c: &mut Choices, o: &mut Out) {
    let l = if c.one_in(2) { definition(c) } else { prose(c) };
    o.line(c, &l);
    let u = c.pick(&["===", "---", "=", "-", "  ===  ", "=== x", "- - -"]);
    o.line(c, u);
}

fn blanks(c: &mut Choices, o: &mut Out) {
    for _ in 0..c.range(1..4) {
        let l = c.pick(BLANKS);
        o.line(c, l);
    }
}

/// A list of items: definitions, fields, prose, HTML starts, fences and tables inside items,
/// nested items, an empty item.
fn list(c: &mut Choices, o: &mut Out, depth: u8) {
    for _ in 0..c.range(1..6) {
        let marker = c.pick(&["- ", "* ", "+ ", "1. ", "2) ", "10. ", "-\t"]);
        let nest = "  ".repeat(c.weighted(&[4, 2, 1, 1]));
        match c.weighted(&[4, 1, 1, 1, 1]) {
            0 => {
                let l = format!("{nest}{marker}{}", inner_line(c));
                o.line(c, &l);
            }
            1 => {
                let l = format!("{nest}{}", marker.trim_end());
                o.line(c, &l);
            }
            2 => {
                let l = format!("{nest}{marker}{}:", c.pick(WORDS));
                o.line(c, &l);
                let ind = format!("{nest}{}", " ".repeat(marker.len()));
                fence(c, o, &ind);
            }
            3 => {
                let l = format!("{nest}{marker}{}:", c.pick(WORDS));
                o.line(c, &l);
                if c.one_in(2) {
                    o.line(c, "");
                }
                let ind = format!("{nest}{}", " ".repeat(marker.len()));
                table(c, o, &ind);
            }
            _ if depth < 2 => {
                let l = format!("{nest}{marker}{}", c.pick(HTML_STARTS));
                o.line(c, &l);
            }
            _ => {}
        }
    }
}

/// A very long line or very deep indentation or nesting.
fn long(c: &mut Choices, o: &mut Out) {
    let n = c.range(40..400);
    let l = match c.weighted(&[2, 1, 1, 1, 1, 1, 1, 1]) {
        0 => format!("Linked IDs: {}", "TEST-001, API-001 to API-003, ".repeat(n)),
        1 => "word é 中 😀 ".repeat(n * 2),
        2 => format!("{}DEP-001: deep", " ".repeat(n)),
        3 => format!("{}DEP-001: quoted", "> ".repeat(n / 4)),
        4 => format!("{}- Owner: nested", "  - ".repeat(n / 4)),
        5 => format!("| DEP-001 {}|", "| x ".repeat(n)),
        6 => format!("{} DEP-001", "#".repeat(n)),
        _ => "`".repeat(n),
    };
    o.line(c, &l);
}

/// HTML comments: inline, multi-line with definitions inside, unclosed.
fn comment(c: &mut Choices, o: &mut Out) {
    match c.weighted(&[2, 2, 1, 1]) {
        0 => {
            let l = format!("<!-- {} -->", prose(c));
            o.line(c, &l);
        }
        1 => {
            o.line(c, "<!--");
            for _ in 0..c.below(4) {
                let l = inner_line(c);
                o.line(c, &l);
            }
            o.line(c, "-->");
        }
        2 => {
            let l = format!("<!-- TODO: {}", prose(c));
            o.line(c, &l);
            let l = definition(c);
            o.line(c, &l);
            o.line(c, "  -->");
        }
        _ => {
            let l = format!("{} <!-- {}", prose(c), id(c));
            o.line(c, &l);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Edits
// ---------------------------------------------------------------------------------------------

/// An edit of a text: replace `len` bytes at `at` (a fraction of the text's length in
/// 1/65536) by `text`. [`Edit::range`] places it in a given text, on char boundaries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub at: u16,
    pub len: usize,
    pub text: String,
}

impl Edit {
    /// The byte range this edit replaces in `text` (on char boundaries, inside the text).
    pub fn range(&self, text: &str) -> Range<usize> {
        let floor = |mut i: usize| {
            i = i.min(text.len());
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let start = floor(text.len() * usize::from(self.at) / 65536);
        let end = floor(start.saturating_add(self.len));
        start..end
    }

    /// `text` with this edit applied.
    pub fn apply(&self, text: &str) -> String {
        let r = self.range(text);
        let mut s = String::with_capacity(text.len() + self.text.len());
        s.push_str(&text[..r.start]);
        s.push_str(&self.text);
        s.push_str(&text[r.end..]);
        s
    }
}

/// Text an edit inserts: nothing (a deletion), a piece of a line, a whole line of the grammar
/// with its line break, a small block, or raw characters (line breaks, multi-byte characters).
pub fn snippet(c: &mut Choices) -> String {
    match c.weighted(&[2, 3, 3, 1, 2]) {
        0 => String::new(),
        1 => c.pick(TOKENS).to_string(),
        2 => format!("{}{}", inner_line(c), c.pick(&["\n", "\r\n", "\r", ""])),
        3 => {
            let mut o = Out {
                text: String::new(),
                endings: Endings::Lf,
            };
            block(c, &mut o, 1);
            o.text
        }
        _ => (0..c.range(1..4))
            .map(|_| {
                c.pick(&[
                    "\n", "\r\n", "\r", "😀", "é", "`", "#", "<", "!", "-", " ", ">",
                ])
            })
            .collect(),
    }
}

/// One edit.
pub fn edit(c: &mut Choices) -> Edit {
    let at = u16::from_be_bytes([c.byte(), c.byte()]);
    let len = match c.weighted(&[3, 3, 1, 1]) {
        0 => 0,
        1 => c.range(1..5),
        2 => c.below(64),
        _ => c.below(1024),
    };
    Edit {
        at,
        len,
        text: snippet(c),
    }
}

/// A sequence of edits from choice bytes (at most 32; none for no bytes).
pub fn edits(bytes: &[u8]) -> Vec<Edit> {
    let mut c = Choices::new(bytes);
    let mut v = Vec::new();
    while !c.is_empty() && v.len() < 32 {
        v.push(edit(&mut c));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator of byte strings (xorshift).
    fn byte_strings(n: usize, max_len: usize) -> Vec<Vec<u8>> {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        (0..n)
            .map(|_| {
                let len = (next() as usize) % max_len;
                (0..len).map(|_| next() as u8).collect()
            })
            .collect()
    }

    #[test]
    fn no_bytes_give_the_plainest_document() {
        assert_eq!(document(&[]), "DEP-001: Release plan\n");
    }

    #[test]
    fn the_same_bytes_give_the_same_document() {
        for b in byte_strings(200, 300) {
            assert_eq!(document(&b), document(&b));
            assert_eq!(edits(&b), edits(&b));
        }
    }

    #[test]
    fn documents_stay_bounded() {
        for b in byte_strings(300, 4096) {
            let d = document(&b);
            // One long line may overshoot the soft limit.
            assert!(d.len() < MAX_BYTES + 32 * 1024, "{} bytes", d.len());
        }
    }

    /// Every construct of the grammar comes out of some byte string.
    #[test]
    fn every_construct_is_reachable() {
        let docs: Vec<String> = byte_strings(3000, 256)
            .iter()
            .map(|b| document(b))
            .collect();
        let all = docs.concat();
        let constructs: &[&str] = &[
            // Definitions.
            "DEP-001: ",
            "# DEP-",
            "###### DEP-",
            " - ",
            " – ",
            " — ",
            " | ",
            "**DEP-",
            "- DEP-",
            "> DEP-",
            ":** ",
            "- **",
            "For Rollback Type",
            "/005/009",
            "–005",
            "| Value",
            "| Threshold",
            "DEP-XXX",
            "EPIC-01",
            "BR-FEA-001",
            // Fields.
            "Owner: ",
            "**Owner:** ",
            "**Owner**: ",
            "- Owner: ",
            "Owner : ",
            "Owner\u{a0}:",
            "Owner\t:\t",
            "Configuration:\n",
            ":\n  - NODE_ENV",
            // Link lists and ranges.
            "Linked IDs: ",
            "TEST-001 to TEST-050",
            "TEST-001..TEST-050",
            "TEST-001–TEST-050",
            "TEST-001 - TEST-050",
            "TEST-050 to TEST-001",
            "TEST-001 to API-010",
            "[API-001](x.md#a)",
            "`DEP-",
            "<!-- DEP-",
            // HTML blocks of all seven kinds, and their ends.
            "<!DOCTYPE",
            "<pre>",
            "<script>",
            "</script>",
            "<style>",
            "<textarea>",
            "<!--",
            "<?",
            "<![CDATA[",
            "<div>",
            "<a href=x>",
            "<!P>",
            "-->",
            "?>",
            "]]>",
            "</pre>",
            // Fences.
            "```",
            "~~~",
            "```text",
            "```dep",
            "```md",
            "```bash",
            "```mermaid",
            // Tables, quotes, setext, breaks.
            "| ID |",
            "|---",
            "| --- |",
            "> ",
            "===",
            "***",
            // Whitespace-only lines, non-ASCII.
            "\n \n",
            "\n\t\n",
            "é",
            "中",
            "😀",
            "\u{a0}",
            "\u{200b}",
            "\r\n",
        ];
        let missing: Vec<&&str> = constructs.iter().filter(|s| !all.contains(**s)).collect();
        assert!(missing.is_empty(), "never generated: {missing:?}");
        // Front matter and the BOM at the start, a lone CR, no final line break, long lines,
        // deep indentation.
        assert!(docs.iter().any(|d| d.starts_with("---\n")));
        assert!(docs.iter().any(|d| d.starts_with("+++")));
        assert!(docs.iter().any(|d| d.starts_with('\u{feff}')));
        assert!(docs.iter().any(|d| d.contains('\r') && !d.contains('\n')));
        assert!(docs.iter().any(|d| d
            .as_bytes()
            .windows(2)
            .any(|w| w[0] == b'\r' && w[1] != b'\n')
            && d.contains("\r\n")
            && d.contains("\n")));
        assert!(docs.iter().any(|d| !d.ends_with(['\n', '\r'])));
        assert!(docs.iter().any(|d| d.lines().any(|l| l.len() > 2000)));
        assert!(docs.iter().any(|d| d.contains(&" ".repeat(60))));
        // The shape that made `check` panic: an HTML-block start, an empty field, a
        // whitespace-only line, after a definition.
        assert!(docs.iter().any(|d| {
            let lines: Vec<&str> = d.split('\n').collect();
            lines.windows(3).any(|w| {
                w[0].starts_with('<')
                    && w[1].ends_with(':')
                    && !w[2].is_empty()
                    && w[2].trim().is_empty()
            }) && lines[0].contains("DEP-")
        }));
    }

    #[test]
    fn edits_stay_on_char_boundaries() {
        let text = document(&[1, 2, 3, 200, 17, 99, 5, 6, 7, 8, 9, 10]);
        for b in byte_strings(300, 64) {
            let mut t = text.clone();
            for e in edits(&b) {
                let r = e.range(&t);
                assert!(r.start <= r.end && r.end <= t.len());
                t = e.apply(&t);
            }
        }
        assert!(edits(&[]).is_empty());
    }
}

//! The document grammar: the output (`Out`, line endings, size bounds), the document and its
//! top-level blocks, front matter, and the DEP- constructs — definitions in every spelling,
//! fields, link lists, prose, entries, sub-headings.

use super::markdown::{blanks, comment, fence, html_block, list, long, quote, setext, table};
use super::vocab::*;
use super::Choices;

/// Line endings of a document.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Endings {
    Lf,
    Crlf,
    Cr,
    /// Each line picks its own.
    Mixed,
}

/// The document being written: lines with their endings.
pub(super) struct Out {
    pub(super) text: String,
    pub(super) endings: Endings,
}

/// Documents stop growing past this size (a long line may overshoot it once).
pub(super) const MAX_BYTES: usize = 24 * 1024;

pub(super) const MAX_BLOCKS: usize = 48;

impl Out {
    pub(super) fn line(&mut self, c: &mut Choices, line: &str) {
        self.text.push_str(line);
        let nl = match self.endings {
            Endings::Lf => "\n",
            Endings::Crlf => "\r\n",
            Endings::Cr => "\r",
            Endings::Mixed => ["\n", "\r\n", "\r"][c.below(3)],
        };
        self.text.push_str(nl);
    }

    pub(super) fn full(&self) -> bool {
        self.text.len() >= MAX_BYTES
    }
}

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
pub(super) fn front_matter(c: &mut Choices, o: &mut Out) {
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
pub(super) fn block(c: &mut Choices, o: &mut Out, depth: u8) {
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

pub(super) fn id(c: &mut Choices) -> &'static str {
    c.pick(IDS)
}

pub(super) fn title(c: &mut Choices) -> &'static str {
    c.pick(TITLES)
}

/// A definition line in every spelling: `DEP-001: Title`, headings `#`..`######` with every
/// separator, bold, list items, quoted, indented, alone, not quite a heading.
pub(super) fn definition(c: &mut Choices) -> String {
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

pub(super) fn value(c: &mut Choices) -> String {
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
pub(super) fn field_line(c: &mut Choices, key: &str, value: &str) -> String {
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

pub(super) fn field(c: &mut Choices) -> String {
    let key = c.pick(KEYS);
    let v = if c.one_in(6) { String::new() } else { value(c) };
    field_line(c, key, &v)
}

/// A field with an empty value, then the lines that continue it (indented lines, list items,
/// whitespace-only and blank lines between them, an HTML-block start).
pub(super) fn block_field(c: &mut Choices, o: &mut Out) {
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
pub(super) fn link_item(c: &mut Choices) -> String {
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

pub(super) fn link_list(c: &mut Choices) -> String {
    let key = c.pick(LINK_KEYS);
    let sep = c.pick(&[", ", "; ", ",", " , ", " "]);
    let n = c.range(1..7);
    let items: Vec<String> = (0..n).map(|_| link_item(c)).collect();
    field_line(c, key, &items.join(sep))
}

/// Prose with inline IDs, code spans, comments, links, ranges and non-ASCII text.
pub(super) fn prose(c: &mut Choices) -> String {
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
pub(super) fn inner_line(c: &mut Choices) -> String {
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
pub(super) fn entry(c: &mut Choices, o: &mut Out, depth: u8) {
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
pub(super) fn sub_heading(c: &mut Choices, o: &mut Out) {
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

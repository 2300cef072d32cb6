//! The document grammar: the output (`Out`, line endings, size bounds), the document and its
//! top-level blocks, front matter, the DEP- constructs — definitions in every spelling, fields,
//! link lists, prose, entries, sub-headings — and the Markdown constructs around and inside
//! entries that change how lines are read: HTML blocks, fences, tables, quotes, setext
//! headings, blank runs, lists, long lines and deep nesting, HTML comments. One module: the
//! grammar is recursive (a quote or a list item holds blocks).

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

// The Markdown constructs.

/// An HTML block: a start of one of the seven kinds (indented, in a list item or quote, or
/// ended on its own line), some lines, and its end, another end, a blank line or none.
pub(super) fn html_block(c: &mut Choices, o: &mut Out, depth: u8) {
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
pub(super) fn fence(c: &mut Choices, o: &mut Out, indent: &str) {
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
pub(super) fn table(c: &mut Choices, o: &mut Out, indent: &str) {
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
pub(super) fn quote(c: &mut Choices, o: &mut Out, depth: u8) {
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
pub(super) fn setext(c: &mut Choices, o: &mut Out) {
    let l = if c.one_in(2) { definition(c) } else { prose(c) };
    o.line(c, &l);
    let u = c.pick(&["===", "---", "=", "-", "  ===  ", "=== x", "- - -"]);
    o.line(c, u);
}

pub(super) fn blanks(c: &mut Choices, o: &mut Out) {
    for _ in 0..c.range(1..4) {
        let l = c.pick(BLANKS);
        o.line(c, l);
    }
}

/// A list of items: definitions, fields, prose, HTML starts, fences and tables inside items,
/// nested items, an empty item.
pub(super) fn list(c: &mut Choices, o: &mut Out, depth: u8) {
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
pub(super) fn long(c: &mut Choices, o: &mut Out) {
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
pub(super) fn comment(c: &mut Choices, o: &mut Out) {
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

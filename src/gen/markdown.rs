//! The Markdown constructs around and inside entries that change how lines are read: HTML
//! blocks, fences, tables, quotes, setext headings, blank runs, lists, long lines and deep
//! nesting, HTML comments.

use super::grammar::*;
use super::vocab::*;
use super::Choices;

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

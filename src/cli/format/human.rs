//! `check --format human`: compiler-style messages with source excerpts (tabs expanded, wide
//! characters measured with `unicode-width`), optional ANSI colors, and a summary line.

use super::{Checked, Item};
use crate::check::Severity;
use std::io::{self, Write};

/// Tab stops used to expand tabs in source excerpts.
const TAB_WIDTH: usize = 4;

/// ANSI colors, or none.
struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, codes: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{codes}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn severity_codes(sev: Severity) -> &'static str {
        match sev {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;34",
            Severity::Hint => "1;36",
        }
    }
}

/// Compiler-style messages (`path:line:col: severity[code]: message`), each with its source
/// line underlined and its related notes, then a summary line.
pub(super) fn write(out: &mut dyn Write, checked: &Checked, color: bool) -> io::Result<()> {
    write_items(out, &checked.items, color)?;
    writeln!(out, "{}", summary(&checked.items, checked.files))
}

/// The findings alone, each as [`write`] prints it (no summary line): `check --watch` prints
/// a round's new findings so.
pub(in crate::cli) fn write_items(
    out: &mut dyn Write,
    items: &[Item],
    color: bool,
) -> io::Result<()> {
    let st = Style { on: color };
    for it in items {
        let pos = format!(
            "{}:{}:{}:",
            it.file_arg,
            it.loc.range.start.line + 1,
            it.loc.col_chars + 1
        );
        let sev = Style::severity_codes(it.severity);
        writeln!(
            out,
            "{} {}: {}",
            st.paint("1", &pos),
            st.paint(
                sev,
                &format!("{}[{}]", it.severity.as_str(), it.code.as_str())
            ),
            st.paint("1", &it.message)
        )?;
        if let Some(sn) = &it.snippet {
            let Rendered { line, pad, width } = render_line(&sn.text, sn.start, sn.end);
            let num = (it.loc.range.start.line + 1).to_string();
            let gutter = " ".repeat(num.len());
            let bar = st.paint("1;34", "|");
            writeln!(out, " {} {bar} {}", st.paint("1;34", &num), line.trim_end())?;
            let marks = format!("^{}", "~".repeat(width.saturating_sub(1)));
            writeln!(
                out,
                " {gutter} {bar} {}{}",
                " ".repeat(pad),
                st.paint(sev, &marks)
            )?;
        }
        for r in &it.related {
            writeln!(
                out,
                "  {} {}:{}:{}: {}",
                st.paint("1;32", "note:"),
                r.file_arg,
                r.loc.range.start.line + 1,
                r.loc.col_chars + 1,
                r.message
            )?;
        }
    }
    Ok(())
}

/// `2 errors, 5 warnings, 1 hint in 14 files` / `no findings in 14 files`.
fn summary(items: &[Item], files: usize) -> String {
    let count = |s: Severity| items.iter().filter(|i| i.severity == s).count();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = Vec::new();
    for (sev, one, many) in [
        (Severity::Error, "error", "errors"),
        (Severity::Warning, "warning", "warnings"),
        (Severity::Info, "info", "info"),
        (Severity::Hint, "hint", "hints"),
    ] {
        let n = count(sev);
        if n > 0 {
            parts.push(plural(n, one, many));
        }
    }
    let files = plural(files, "file", "files");
    if parts.is_empty() {
        format!("no findings in {files}")
    } else {
        format!("{} in {files}", parts.join(", "))
    }
}

/// A source line as a terminal shows it, with the columns of a span in it.
#[derive(Debug, PartialEq, Eq)]
struct Rendered {
    line: String,
    /// Display columns before the span.
    pad: usize,
    /// Display columns of the span (at least 1: an empty span gets one caret).
    width: usize,
}

/// Renders a source line for a terminal: tabs expanded to tab stops, control characters shown
/// as spaces; the span `start..end` (byte offsets into `line`) measured in display columns.
fn render_line(line: &str, start: usize, end: usize) -> Rendered {
    let mut shown = String::with_capacity(line.len());
    let (mut col, mut pad, mut width) = (0usize, 0usize, 0usize);
    let mut after_zwj = false;
    for (i, ch) in line.char_indices() {
        let w = if ch == '\t' {
            let w = TAB_WIDTH - col % TAB_WIDTH;
            shown.extend(std::iter::repeat_n(' ', w));
            w
        } else if ch.is_control() {
            shown.push(' ');
            1
        } else {
            shown.push(ch);
            // An emoji joined by ZWJ renders inside the previous one.
            if after_zwj {
                0
            } else {
                char_width(ch)
            }
        };
        after_zwj = ch == '\u{200D}';
        col += w;
        if i < start {
            pad += w;
        } else if i < end {
            width += w;
        }
    }
    Rendered {
        line: shown,
        pad,
        width: width.max(1),
    }
}

/// Terminal columns of a (non-control) character (`unicode-width`: 0 for combining and
/// zero-width characters, 2 for East Asian wide and fullwidth characters and emoji, else 1).
fn char_width(ch: char) -> usize {
    unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(line: &str, start: usize, end: usize) -> (usize, usize) {
        let r = render_line(line, start, end);
        (r.pad, r.width)
    }

    #[test]
    fn underline_widths() {
        // ASCII.
        assert_eq!(
            render_line("DEP-001: x", 0, 7),
            Rendered {
                line: "DEP-001: x".into(),
                pad: 0,
                width: 7
            }
        );
        // A tab expands to the next tab stop, before and inside the span.
        let r = render_line("a\tTEST-1", 2, 8);
        assert_eq!(r.line, "a   TEST-1");
        assert_eq!((r.pad, r.width), (4, 6));
        // CJK and emoji are two columns wide; the underline starts after them.
        let line = "发布 🚀 TEST-9";
        let start = line.find("TEST").unwrap();
        assert_eq!(columns(line, start, line.len()), (8, 6));
        // Empty spans get one caret.
        assert_eq!(columns("abc", 3, 3).1, 1);
        // A combining accent takes no column.
        assert_eq!(columns("e\u{301}X", 3, 4).0, 1);
    }

    #[test]
    fn summaries() {
        assert_eq!(summary(&[], 14), "no findings in 14 files");
        assert_eq!(summary(&[], 1), "no findings in 1 file");
    }
}

//! How a document writes its DEP- entries, so that what completion and code actions insert
//! looks like the rest: the heading level of its DEP- definitions, an entry's field style
//! (`Key: `, `- **Key:** `, `> Key: `), its line break; and the line bounds they are read from.
//! A leaf of `ide` (completion and actions both use it).

use crate::syntax::{DefKind, Entry, ParsedDoc};

/// The line break the document uses.
pub(crate) fn eol(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// End of the line holding `offset` (before its break).
pub(crate) fn line_end(text: &str, offset: usize) -> usize {
    text[offset.min(text.len())..]
        .find(['\n', '\r'])
        .map(|i| offset + i)
        .unwrap_or(text.len())
}

/// Start of the line holding `offset`.
pub(crate) fn line_start(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .rfind(['\n', '\r'])
        .map(|i| i + 1)
        .unwrap_or(0)
}

/// How DEP- entries are defined in this document (its last DEP- definition that is no table
/// row): the heading level, or `None` for plain lines and list items (and when it has none).
pub(crate) fn heading_level(doc: &ParsedDoc) -> Option<u8> {
    doc.entries
        .iter()
        .rev()
        .filter(|e| e.prefix() == "DEP")
        .find_map(|e| match e.def_kind {
            DefKind::Heading(l) => Some(Some(l)),
            DefKind::Line => Some(None),
            DefKind::TableRow | DefKind::PlanRow => None,
            DefKind::ListItem => Some(None),
        })
        .unwrap_or(None)
}

/// How an entry writes its fields: the text before the key and between key and value
/// (`- **` + `:** `, or `` + `: `).
pub(crate) fn field_style(text: &str, e: &Entry) -> (String, String) {
    for f in &e.fields {
        if f.heading || f.key_span.is_empty() {
            continue;
        }
        let (key, value) = (e.abs(f.key_span), e.abs(f.value_span));
        // From the line's start: block-quote markers (`> `) are part of the style.
        let before = text
            .get(line_start(text, key.start)..key.start)
            .unwrap_or("");
        let after_end = if value.is_empty() {
            line_end(text, key.end)
        } else {
            value.start
        };
        let after = text.get(key.end..after_end).unwrap_or(": ");
        let after = if after.trim_end().is_empty() {
            ": ".to_string()
        } else {
            format!("{} ", after.trim_end())
        };
        return (before.to_string(), after);
    }
    (String::new(), ": ".to_string())
}

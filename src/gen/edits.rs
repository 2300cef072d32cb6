//! Edit sequences for the incremental differential: an [`Edit`] (a position as a fraction of
//! the text, a length, and text from the same grammar), placed on char boundaries.

use super::grammar::{block, inner_line, Endings, Out};
use super::vocab::TOKENS;
use super::Choices;
use std::ops::Range;

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

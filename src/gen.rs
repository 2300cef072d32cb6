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
//! [`edits`](fn@edits) does the same for edit sequences (a position as a fraction of the text, a length,
//! and text from the same grammar), for the incremental differential.
//!
//! The pieces: [`Choices`] here; `vocab` (the spellings), `grammar` (the document, its blocks,
//! the DEP- constructs and the Markdown constructs around them), `edits`.

mod edits;
mod grammar;
mod vocab;

pub use edits::{edit, edits, snippet, Edit};
pub use grammar::{document, document_from};

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

#[cfg(test)]
mod tests;

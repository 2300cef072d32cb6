//! The document parser and the checks on arbitrary bytes: both block recognisers (the fast line
//! scanner and tree-sitter), the extractor, an open `Document`, the index and every check.
//! Invariants: nothing panics, every span lies inside the text on character boundaries, and
//! both recognisers extract the same (server == `check`).
//!
//! Structure-aware half: an input whose first byte is ≥ 0x80 is not text but choice bytes for
//! the grammar-aware generator (`dep_ls::gen::document`), so libFuzzer mutates the document's
//! structure (which definition spelling, which HTML block, which fence, …). An input starting
//! with an ASCII byte is the text itself (the seeds, and `fuzz/markdown.dict` tokens).
#![no_main]

use dep_ls::check::check_all;
use dep_ls::config::Config;
use dep_ls::document::Document;
use dep_ls::index::Index;
use dep_ls::syntax::{parse_fast, parse_tree, ParsedDoc, Span};
use libfuzzer_sys::fuzz_target;
use std::borrow::Cow;
use std::sync::Arc;

fn span_ok(text: &str, s: &Span) -> bool {
    s.start <= s.end
        && s.end <= text.len()
        && text.is_char_boundary(s.start)
        && text.is_char_boundary(s.end)
}

fn check_spans(text: &str, doc: &ParsedDoc) {
    for e in &doc.entries {
        assert!(span_ok(text, &e.span), "entry span {:?}", e.span);
        assert!(span_ok(text, &e.id_span), "id span {:?}", e.id_span);
    }
    for r in &doc.refs {
        assert!(span_ok(text, &r.span), "ref span {:?}", r.span);
    }
}

fuzz_target!(|data: &[u8]| {
    let text: Cow<str> = match data.split_first() {
        Some((&marker, choices)) if marker >= 0x80 => Cow::Owned(dep_ls::gen::document(choices)),
        _ => String::from_utf8_lossy(data),
    };
    let config = Config::default();
    let fast = parse_fast(&text, &config.prefixes);
    check_spans(&text, &fast);
    let tree = parse_tree(&text, &config.prefixes);
    check_spans(&text, &tree);
    // The server (tree-sitter) and `check` (the scanner) read the same document.
    assert_eq!(fast, tree, "parse_fast == parse_tree");
    let doc = Document::new(text.to_string(), 1, &config.prefixes);
    assert_eq!(
        &**doc.parsed(),
        &tree,
        "an open document parses like parse_tree"
    );

    let mut index = Index::new();
    index.update("a.md", Arc::new(fast));
    index.update("b/c.md", Arc::new(tree));
    for f in check_all(&index, &config) {
        assert!(
            span_ok(&text, &f.span),
            "finding span {:?} ({:?})",
            f.span,
            f.code
        );
    }
});

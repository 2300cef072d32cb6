//! Properties of the generator: determinism, bounds, every construct reachable, edits on char
//! boundaries.

use super::grammar::MAX_BYTES;
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

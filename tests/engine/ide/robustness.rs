//! Every feature at every offset of a few fixtures (`0..=len`, and past the end), with the file
//! on disk and open: nothing panics, and what comes back points into the text.

use super::support::*;
use super::workspace::SOT;
use dep_ls::ide::{actions, complete, nav, symbols};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The example workspace's release plan, as shipped.
const EXAMPLE_PLAN: &str = include_str!("../../../examples/acme-checkout/release/release-plan.md");

/// Half-written and malformed text: what an editor sends while someone types.
const BROKEN: &str = "
//- /release/draft.md
# Release plan — brouillon ✍️

DEP-
DEP-0
## DEP-040
### DEP-041 —
**Type:** Crit
**Stage:**
- Linked IDs: TEST-001 to , [API-001](, [API-0](../SoT/SoT.API_CONTRACTS.md#, TEST-010..TEST-001, EPIC-01 - 
Linked IDs:
  - 
Owner:
Threshold: >
Configuration:
  - API_KEY=sk_live_51Hx1X697pBVOMMeH1oc4JJDenknpMif4WoRkqV51OZJ
DEP-XXX: [Deployment Item Title]
Type: [Environment | Criteria | Rollback | Validation | Step]
| DEP-042 | Tomás Ibarra — ünïcödé | 
|---|
| DEP-043
<!-- DEP-044: commented out
```yaml
DEP-045: not an entry
```
```
DEP-046: unterminated fence
Type: Rollback
Linked IDs: MON-001, `RUN-001`, RUN-00
";

/// CRLF line breaks and multi-byte characters everywhere.
fn crlf() -> String {
    "
//- /release/crlf.md
# Plan — v2.0 ✅

### DEP-050: Zahlungsprüfung — “smoke” tests

**Type:** Validation
**Stage:** Post-deploy
**Owner:** Tomás Ibarra
**Method:** Automatisch
**Linked IDs:** [API-001](SoT.API_CONTRACTS.md#api-001), TEST-001 – TEST-003, API-003

DEP-051: Übergabe
Type: Rollback
Threshold: > 2 % für 5 Minuten
Linked IDs: MON-001, RUN-001
"
    .replace('\n', "\r\n")
        + SOT
}

/// Applies edits to the texts of their files (valid spans, no overlap), without re-indexing.
fn apply_texts(fx: &Fixture, edits: &[dep_ls::ide::FileEdit]) {
    for (path, text) in &fx.files {
        let mine: Vec<&dep_ls::ide::FileEdit> = edits.iter().filter(|e| e.path == *path).collect();
        if !mine.is_empty() {
            let base = if *path == fx.file {
                fx.text()
            } else {
                text.as_str()
            };
            apply_edits(base, &mine);
        }
    }
    assert!(edits
        .iter()
        .all(|e| fx.files.iter().any(|(p, _)| *p == e.path)));
}

/// Calls `f`, recording a panic as a failure.
fn guard(failures: &mut Vec<String>, what: impl Fn() -> String, f: impl FnOnce()) {
    if catch_unwind(AssertUnwindSafe(f)).is_err() {
        failures.push(what());
    }
}

/// What to run at each offset.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Load {
    /// Navigation, hover, rename, hints.
    Light,
    /// Also completion.
    Complete,
    /// Also code actions (which re-check the file).
    Full,
}

/// Every offset-dependent feature at `offset`.
fn at_offset(fx: &Fixture, offset: usize, load: Load, failures: &mut Vec<String>) {
    let f = &fx.folder;
    let rel = fx.file.as_str();
    let len = fx.text().len();
    let what = |name: &str| {
        let n = name.to_string();
        let mode = fx.mode;
        move || format!("{n} at {offset} ({mode:?})")
    };
    let in_text = |span: &std::ops::Range<usize>| span.start <= span.end && span.end <= len;
    guard(failures, what("definition"), || {
        for l in nav::definition(f, rel, offset) {
            assert!(f.text(&l.path).is_some_and(|t| l.span.end <= t.len()));
        }
    });
    guard(failures, what("references"), || {
        nav::references(f, rel, offset, true);
        nav::references(f, rel, offset, false);
    });
    guard(failures, what("highlights"), || {
        assert!(nav::highlights(f, rel, offset)
            .iter()
            .all(|(s, _)| in_text(s)));
    });
    guard(failures, what("hover"), || {
        if let Some((_, s)) = nav::hover(f, rel, offset) {
            assert!(in_text(&s));
        }
    });
    guard(failures, what("rename"), || {
        if let Ok((s, _)) = nav::prepare_rename(f, rel, offset) {
            assert!(in_text(&s));
            let edits = nav::rename(f, rel, offset, "DEP-099").unwrap_or_default();
            apply_texts(fx, &edits);
        }
    });
    guard(failures, what("inlay_hints"), || {
        symbols::inlay_hints(f, rel, offset..offset + 40);
    });
    if load >= Load::Complete {
        guard(failures, what("completions"), || {
            let (items, _) = complete::completions(f, rel, offset);
            for c in items {
                assert!(in_text(&c.replace), "{c:?}");
            }
        });
    }
    if load == Load::Full {
        guard(failures, what("code_actions"), || {
            // A cursor, a selection, and a selection given end first (just the cursor on long
            // files: each call re-checks the file).
            let spans = [offset..offset, offset..offset + 9, offset + 9..offset];
            for span in spans.into_iter().take(if len < 4000 { 3 } else { 1 }) {
                for a in actions::code_actions(f, rel, span) {
                    apply_texts(fx, &a.edits);
                }
            }
        });
    }
}

/// The features that do not depend on an offset.
fn whole_file(fx: &Fixture, failures: &mut Vec<String>) {
    let f = &fx.folder;
    let rel = fx.file.as_str();
    let mode = fx.mode;
    let w = |n: &'static str| move || format!("{n} ({mode:?})");
    guard(failures, w("document_symbols"), || {
        symbols::document_symbols(&f.parsed(rel).unwrap());
    });
    guard(failures, w("folding"), || {
        symbols::folding(&f.parsed(rel).unwrap());
    });
    guard(failures, w("semantic_tokens"), || {
        let t = symbols::semantic_tokens(f, rel);
        for w in t.windows(2) {
            assert!(w[0].0.end <= w[1].0.start);
        }
    });
    guard(failures, w("code_lenses"), || {
        symbols::code_lenses(f, rel);
    });
    guard(failures, w("workspace_symbols"), || {
        for q in ["", "DEP", "dep-0", "ü", "—", "rollback", "zzz"] {
            symbols::workspace_symbols(f, q, 50);
        }
    });
    guard(failures, w("diagnostics"), || {
        f.diagnostics(rel);
    });
}

/// Runs the features on a fixture in both modes; `load` says what to run at an offset (of the
/// cursor file's text) in a mode, if anything.
fn exercise(src: &str, load: impl Fn(Mode, usize) -> Option<Load>) {
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    for mode in [Mode::Disk, Mode::Open] {
        let fx = fixture(src, mode);
        let len = fx.text().len();
        whole_file(&fx, &mut failures);
        for offset in 0..=len + 3 {
            if let Some(l) = load(mode, offset) {
                at_offset(&fx, offset, l, &mut failures);
            }
        }
        at_offset(&fx, usize::MAX / 2, Load::Full, &mut failures);
    }
    std::panic::set_hook(quiet);
    assert!(
        failures.is_empty(),
        "{} panics (rerun one with RUST_BACKTRACE=1):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_feature_at_every_offset_of_a_half_written_plan() {
    exercise(&format!("{BROKEN}{SOT}"), |_, _| Some(Load::Full));
}

#[test]
fn every_feature_at_every_offset_of_a_crlf_unicode_plan() {
    exercise(&crlf(), |_, _| Some(Load::Full));
}

#[test]
fn every_feature_at_every_offset_of_an_empty_file() {
    exercise(&format!("\n//- /release/empty.md\n{SOT}"), |_, _| {
        Some(Load::Full)
    });
    exercise("\n//- /release/empty.md\n", |_, _| Some(Load::Full));
    exercise("\n//- /release/one.md\nDEP-", |_, _| Some(Load::Full));
}

#[test]
fn every_feature_on_the_example_plan() {
    // The shipped example (16 kB), sparser to stay fast. With the document open: navigation,
    // hover, rename and hints at every offset, completion at every line start and end and at
    // both ends of every word. On disk: all but code actions at every line start. In both:
    // code actions, which re-check the whole file, at the start of every 25th line and of
    // every finding.
    let src = format!("\n//- /release/release-plan.md\n{EXAMPLE_PLAN}{SOT}");
    let fx = fixture(&src, Mode::Disk);
    let text = fx.text().as_bytes();
    let len = text.len();
    // (open, disk)
    let mut load = vec![(Some(Load::Light), None); len + 4];
    let mut line = 0;
    for (o, l) in load.iter_mut().enumerate().take(len + 1) {
        let before = if o == 0 { b'\n' } else { text[o - 1] };
        let here = text.get(o).copied().unwrap_or(b'\n');
        if before == b'\n' {
            line += 1;
            *l = (Some(Load::Complete), Some(Load::Complete));
            if line % 25 == 1 {
                *l = (Some(Load::Full), Some(Load::Full));
            }
        } else if here == b'\n' || before.is_ascii_alphanumeric() != here.is_ascii_alphanumeric() {
            l.0 = Some(Load::Complete);
        }
    }
    for f in fx.diagnostics(&fx.file) {
        load[f.span.start] = (Some(Load::Full), Some(Load::Full));
    }
    for l in &mut load[len..] {
        *l = (Some(Load::Full), Some(Load::Full));
    }
    exercise(&src, |mode, offset| match mode {
        Mode::Open => load[offset].0,
        Mode::Disk => load[offset].1,
    });
}

//! Where one keystroke's time goes in the language server's own code (no JSON-RPC):
//!
//!     keystroke FILE [N]
//!
//! Opens FILE as an open document of a folder, then types N characters (default 300) into a
//! Description line in its middle (or the line and characters in `FIELD` and `TYPE`, on a new
//! line after it with `NEWLINE=1`), timing after each: the change (rope, lines, sections,
//! tree-sitter reparse, re-extraction, index), the document's findings, and the plan-level
//! findings alone. Prints medians and p99s.

use dep_ls::document::Change;
use dep_ls::text::PositionEncoding;
use dep_ls::workspace::{DocKey, World};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn pct(v: &mut [Duration], p: f64) -> f64 {
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0
}

fn main() {
    // `cargo bench` appends `--bench`; a plain `cargo bench` runs this tool with nothing else,
    // and it then only prints its usage.
    let bench = std::env::args().any(|a| a == "--bench");
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let Some(file) = args.next() else {
        assert!(bench, "usage: keystroke FILE [N]");
        eprintln!("usage: keystroke FILE [N] (nothing to measure without it)");
        return;
    };
    let file = PathBuf::from(file);
    let n: u32 = args.next().map_or(300, |s| s.parse().expect("N"));
    let file = file.canonicalize().expect("file");
    let root = file.parent().expect("dir").to_path_buf();
    let text = std::fs::read_to_string(&file).expect("read");
    let mut w = World::default();
    w.add_folder(root.clone());
    let key = DocKey {
        folder: root.clone(),
        rel: file.file_name().unwrap().to_string_lossy().into_owned(),
    };
    let t = Instant::now();
    w.open(&key, text.clone(), 1);
    let f = w.folder(&root).unwrap();
    let d = f.diagnostics(&key.rel);
    println!(
        "open + first findings: {:.1} ms, {} findings",
        t.elapsed().as_secs_f64() * 1000.0,
        d.len()
    );
    let mid = text.len() / 2;
    // FIELD (default Description): the line typed at the end of; TYPE (default "x"): the
    // characters typed, in turn (", TEST-001" types a linked ID).
    let field = std::env::var("FIELD").unwrap_or_else(|_| "Description".into());
    let typed: Vec<char> = std::env::var("TYPE")
        .unwrap_or_else(|_| "x".into())
        .chars()
        .collect();
    let at0 = mid + text[mid..].find(&field).expect("the FIELD line");
    let at = text[..at0].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let mut line = text[..at].matches('\n').count() as u32;
    let mut col0 = text[at..].find('\n').expect("eol") as u32;
    // NEWLINE=1: type on a new line opened after that one (`TYPE="## DEP-77777: x"` types a
    // new definition).
    let mut v0 = 2;
    if std::env::var_os("NEWLINE").is_some() {
        let at = dep_ls::text::Position {
            line,
            character: col0,
        };
        let c = Change {
            range: Some(dep_ls::text::Range { start: at, end: at }),
            text: "\n\n\n".into(),
        };
        w.change(&key, v0, &[c], PositionEncoding::Utf8);
        (line, col0, v0) = (line + 2, 0, v0 + 1);
    }
    let (mut ch, mut dg, mut pl, mut tot) = (vec![], vec![], vec![], vec![]);
    for i in 0..n {
        let c = Change {
            range: Some(dep_ls::text::Range {
                start: dep_ls::text::Position {
                    line,
                    character: col0 + i,
                },
                end: dep_ls::text::Position {
                    line,
                    character: col0 + i,
                },
            }),
            text: typed[i as usize % typed.len()].to_string(),
        };
        let t0 = Instant::now();
        w.change(&key, v0 + i as i32, &[c], PositionEncoding::Utf8);
        let t1 = Instant::now();
        let f = w.folder(&root).unwrap();
        let p = f.plan_findings();
        let t2 = Instant::now();
        let d = f.diagnostics(&key.rel);
        let t3 = Instant::now();
        std::hint::black_box((d, p));
        ch.push(t1 - t0);
        pl.push(t2 - t1);
        dg.push(t3 - t2);
        tot.push(t3 - t0);
    }
    for (name, v) in [
        ("change", &mut ch),
        ("plan", &mut pl),
        ("diagnostics", &mut dg),
        ("total", &mut tot),
    ] {
        println!(
            "{name:<12} median {:>7.2} ms  p99 {:>7.2} ms  first {:>7.2}",
            pct(&mut v.clone(), 0.5),
            pct(&mut v.clone(), 0.99),
            v[0].as_secs_f64() * 1000.0
        );
    }
}

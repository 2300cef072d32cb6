//! In-process timing of the language server's per-request work (no JSON-RPC) on an indexed
//! workspace: completion (documentation resolved lazily, as VS Code and Neovim ask), hover and
//! definition at every `Linked IDs:` line of its release plans.
//!
//!     requests DIR [N]

use dep_ls::ide;
use dep_ls::workspace::Workspace;
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
    let Some(dir) = args.next() else {
        assert!(bench, "usage: requests DIR [N]");
        eprintln!("usage: requests DIR [N] (nothing to measure without it)");
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let n: usize = args.next().map_or(400, |s| s.parse().expect("N"));
    // The workspace `check` loads is the one the server's features work on.
    let f = Workspace::load(&dir, None, &|_, _| {});
    let mut spots = Vec::new();
    for s in f.files.iter().filter(|s| s.path.contains("release")) {
        for (ln_start, l) in s.text.split_inclusive('\n').scan(0, |o, l| {
            let st = *o;
            *o += l.len();
            Some((st, l))
        }) {
            if let Some(i) = l.find("Linked IDs:") {
                spots.push((s.path.clone(), ln_start + i + "Linked IDs: ".len() + 2));
            }
        }
    }
    println!("{} ids, {} spots", f.index.id_count(), spots.len());
    let (mut c, mut h, mut d) = (vec![], vec![], vec![]);
    let mut items = 0;
    for k in 0..n {
        let (rel, off) = &spots[k % spots.len()];
        let t = Instant::now();
        let (list, _) = ide::complete::completions_with(&f, rel, *off, true);
        c.push(t.elapsed());
        items += list.len();
        let t = Instant::now();
        std::hint::black_box(ide::nav::hover(&f, rel, *off));
        h.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(ide::nav::definition(&f, rel, *off));
        d.push(t.elapsed());
    }
    println!("completion: {} items on average", items / n);
    for (name, v) in [
        ("completion", &mut c),
        ("hover", &mut h),
        ("definition", &mut d),
    ] {
        println!(
            "{name:<12} median {:>7.3} ms  p99 {:>7.3} ms",
            pct(&mut v.clone(), 0.5),
            pct(v, 0.99)
        );
    }
}

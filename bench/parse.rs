//! The fast parser alone, on one thread: every Markdown file of a workspace read into memory,
//! then `parse_fast` + `FileKeys::of` over all of them, N times. Reports MB/s per pass (median
//! and best), so a change to `syntax::blocks` / `syntax::extract` can be measured without the
//! walk, the reads or the checks around it.
//!
//!     parse DIR [N]

use dep_ls::config::Config;
use dep_ls::index::FileKeys;
use dep_ls::syntax::parse_fast;
use dep_ls::workspace::{read_source, walk};
use std::time::Instant;

fn main() {
    // `cargo bench` appends `--bench`; a plain `cargo bench` runs this tool with nothing else,
    // and it then only prints its usage.
    let bench = std::env::args().any(|a| a == "--bench");
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let Some(dir) = args.next() else {
        assert!(bench, "usage: parse DIR [N]");
        eprintln!("usage: parse DIR [N] (nothing to measure without it)");
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let n: usize = args.next().map_or(5, |s| s.parse().expect("N"));
    let (config, _) = Config::load(&dir, None);
    let w = walk(&dir, &config);
    let texts: Vec<String> = w
        .markdown
        .iter()
        .filter_map(|(_, abs)| read_source(abs, config.max_file_size).ok())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut times = Vec::new();
    let mut entries = 0;
    for _ in 0..n {
        let t = Instant::now();
        entries = 0;
        for text in &texts {
            let doc = parse_fast(text, &config.prefixes);
            let keys = FileKeys::of(&doc);
            entries += doc.entries.len();
            std::hint::black_box((doc, keys));
        }
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let mb = bytes as f64 / 1e6;
    println!(
        "{} files, {:.1} MB, {} entries: median {:.0} ms ({:.1} MB/s), best {:.0} ms ({:.1} MB/s)",
        texts.len(),
        mb,
        entries,
        times[times.len() / 2] * 1e3,
        mb / times[times.len() / 2],
        times[0] * 1e3,
        mb / times[0]
    );
}

//! Where `dep-ls check DIR` spends its time and memory, phase by phase.
//!
//!     bench-phases DIR [--threads N] [--no-near]
//!
//! Re-runs the steps of `Workspace::load` + `Workspace::check` + the JSON output one at a time
//! through the library's public API, with a wall-clock timer and a counting allocator around
//! each: walk, read, parse, index, check (per-file checks, plan checks, sort), output (line
//! indexes + UTF-16 positions + serde_json, like `--format json`). Then it measures
//! `near_ids` (the "did you mean" search behind every unresolved reference) on its own, and
//! breaks the heap down by what holds it (texts, entries, fields, references, index).
//!
//! The phases mirror src/workspace.rs and src/check/mod.rs (check_all) as of writing; if those change,
//! the total here may drift from the binary's — compare with `bench/run_check.py`.

use dep_ls::check::{self, Finding};
use dep_ls::config::Config;
use dep_ls::index::{FileKeys, Index};
use dep_ls::syntax::{self, Entry, Field, LinkItem, ParsedDoc, Reference};
use dep_ls::text::{LineIndex, PositionEncoding};
use dep_ls::workspace;
use rayon::prelude::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Instant;

// ---------------------------------------------------------------------------------------------
// Counting allocator
// ---------------------------------------------------------------------------------------------

struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = System.alloc(l);
        if !p.is_null() {
            grow(l.size() as isize);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        System.dealloc(p, l);
        LIVE.fetch_sub(l.size() as isize, Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = System.realloc(p, l, new);
        if !q.is_null() {
            grow(new as isize - l.size() as isize);
        }
        q
    }
}

fn grow(d: isize) {
    ALLOCS.fetch_add(1, Relaxed);
    let now = LIVE.fetch_add(d, Relaxed) + d;
    PEAK.fetch_max(now, Relaxed);
}

#[global_allocator]
static A: Counting = Counting;

fn rss_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// This process's CPU time (user + system), in seconds (10 ms resolution).
fn cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces): utime is field 14, stime 15.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn mib(b: isize) -> f64 {
    b as f64 / 1048576.0
}

struct Phases {
    t0: Instant,
    last: Instant,
    rows: Vec<(String, f64, f64, usize, isize, isize, u64)>,
    allocs0: usize,
    cpu0: f64,
}

impl Phases {
    fn new() -> Self {
        let now = Instant::now();
        Phases {
            t0: now,
            last: now,
            rows: Vec::new(),
            allocs0: 0,
            cpu0: cpu_s(),
        }
    }
    /// Ends a phase: its wall time, allocations, live heap after it, heap peak during it.
    fn mark(&mut self, name: &str) {
        let now = Instant::now();
        let allocs = ALLOCS.load(Relaxed);
        let cpu = cpu_s();
        self.rows.push((
            name.to_string(),
            (now - self.last).as_secs_f64(),
            cpu - self.cpu0,
            allocs - self.allocs0,
            LIVE.load(Relaxed),
            PEAK.swap(LIVE.load(Relaxed), Relaxed),
            rss_kb("VmRSS:"),
        ));
        self.allocs0 = allocs;
        self.cpu0 = cpu;
        self.last = Instant::now();
    }
    fn print(&self) {
        let total: f64 = self.rows.iter().map(|r| r.1).sum();
        println!(
            "{:<28} {:>9} {:>6} {:>9} {:>11} {:>13} {:>13} {:>9}",
            "phase", "wall ms", "%", "CPU ms", "allocs", "heap after", "heap peak", "RSS"
        );
        for (name, s, c, n, live, peak, rss) in &self.rows {
            println!(
                "{:<28} {:>9.1} {:>5.1}% {:>9.0} {:>11} {:>9.1} MiB {:>9.1} MiB {:>5.0} MiB",
                name,
                s * 1000.0,
                s / total * 100.0,
                c * 1000.0,
                n,
                mib(*live),
                mib(*peak),
                *rss as f64 / 1024.0
            );
        }
        let cpu: f64 = self.rows.iter().map(|r| r.2).sum();
        println!(
            "{:<28} {:>9.1}        {:>9.0}   (wall {:.1} ms incl. bookkeeping; VmHWM {:.0} MiB)",
            "total",
            total * 1000.0,
            cpu * 1000.0,
            self.t0.elapsed().as_secs_f64() * 1000.0,
            rss_kb("VmHWM:") as f64 / 1024.0
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Heap accounting of the parsed workspace
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct Sizes {
    entries: usize,
    entries_dep: usize,
    fields: usize,
    items: usize,
    refs: usize,
    refs_link_list: usize,
    entry_vec: usize,
    entry_strings: usize,
    field_vec: usize,
    field_strings: usize,
    pieces_vec: usize,
    items_heap: usize,
    ref_vec: usize,
    ref_strings: usize,
}

/// Heap bytes of a string (inline compact strings have none).
trait HeapLen {
    fn heap(&self) -> usize;
}

impl HeapLen for String {
    fn heap(&self) -> usize {
        self.capacity()
    }
}

impl HeapLen for syntax::Str {
    fn heap(&self) -> usize {
        if self.is_heap_allocated() {
            self.capacity()
        } else {
            0
        }
    }
}

fn s<T: HeapLen>(x: &T) -> usize {
    x.heap()
}

fn idref_heap(r: &syntax::IdRef) -> usize {
    s(&r.id)
}

fn account(doc: &ParsedDoc, z: &mut Sizes) {
    z.entries += doc.entries.len();
    z.refs += doc.refs.len();
    z.entry_vec += doc.entries.capacity() * std::mem::size_of::<Entry>();
    z.ref_vec += doc.refs.capacity() * std::mem::size_of::<Reference>();
    for e in &doc.entries {
        if e.is_dep_block() {
            z.entries_dep += 1;
        }
        z.entry_strings += s(&e.id)
            + s(&e.title)
            + e.replacement.as_ref().map_or(0, s)
            + e.summary.as_ref().map_or(0, s);
        z.fields += e.fields.len();
        z.field_vec += e.fields.capacity() * std::mem::size_of::<Field>();
        for f in &e.fields {
            z.field_strings += s(&f.key) + s(&f.value);
            if f.pieces.spilled() {
                z.pieces_vec += f.pieces.capacity() * std::mem::size_of::<syntax::Span>();
            }
            z.items += f.items.len();
            z.items_heap += f.items.capacity() * std::mem::size_of::<LinkItem>();
            for it in &f.items {
                z.items_heap += match it {
                    LinkItem::Id(r) | LinkItem::UnknownPrefix(r) | LinkItem::Placeholder(r) => {
                        idref_heap(r)
                    }
                    LinkItem::Range { start, end, .. } => idref_heap(start) + idref_heap(end),
                };
            }
        }
    }
    for r in &doc.refs {
        if r.link_list {
            z.refs_link_list += 1;
        }
        z.ref_strings += s(&r.id) + r.link.as_ref().map_or(0, |l| s(&l.dest));
    }
}

// ---------------------------------------------------------------------------------------------

fn main() {
    // `cargo bench` appends `--bench`; a plain `cargo bench` runs this tool with nothing else,
    // and it then only prints its usage.
    let bench = std::env::args().any(|a| a == "--bench");
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let mut root: Option<PathBuf> = None;
    let mut threads = 0usize;
    let mut near = true;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--threads" => threads = args.next().and_then(|n| n.parse().ok()).unwrap_or(0),
            "--no-near" => near = false,
            _ => root = Some(PathBuf::from(a)),
        }
    }
    let Some(root) = root else {
        eprintln!("usage: bench-phases DIR [--threads N] [--no-near]");
        std::process::exit(if bench { 0 } else { 2 });
    };
    if threads > 0 {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .unwrap();
    }
    println!(
        "# {}: {} rayon threads",
        root.display(),
        rayon::current_num_threads()
    );

    let mut ph = Phases::new();
    let (config, _errs) = Config::load(&root, None);
    ph.mark("config");

    let w = workspace::walk(&root, &config);
    ph.mark("walk");

    let texts: Vec<(String, PathBuf, Result<String, String>)> = w
        .markdown
        .par_iter()
        .map(|(rel, abs)| {
            (
                rel.clone(),
                abs.clone(),
                workspace::read_source(abs, config.max_file_size),
            )
        })
        .collect();
    ph.mark("read");
    let bytes: usize = texts
        .iter()
        .map(|t| t.2.as_ref().map_or(0, |s| s.len()))
        .sum();

    let parsed: Vec<(String, Arc<str>, ParsedDoc, FileKeys)> = texts
        .into_par_iter()
        .filter_map(|(rel, _abs, t)| {
            let text = t.ok()?;
            let doc = syntax::parse_fast(&text, &config.prefixes);
            let keys = FileKeys::of(&doc);
            Some((rel, Arc::from(text), doc, keys))
        })
        .collect();
    ph.mark("parse (parse_fast + FileKeys::of)");

    let mut index = Index::new();
    for p in &w.other {
        index.add_path(p);
    }
    let mut files: Vec<(String, Arc<str>)> = Vec::with_capacity(parsed.len());
    let mut sizes = Sizes::default();
    for (_, _, doc, _) in &parsed {
        account(doc, &mut sizes);
    }
    ph.mark("(bench only: size accounting)");
    let mut docs = Vec::with_capacity(parsed.len());
    for (rel, text, doc, keys) in parsed {
        docs.push((rel.clone(), Arc::new(doc), keys));
        files.push((rel, text));
    }
    index.update_many(docs);
    ph.mark("index (Index::update_many)");
    let heap_after_index = LIVE.load(Relaxed);

    let sorted = index.files_sorted();
    let mut findings: Vec<Finding> = sorted
        .par_iter()
        .flat_map_iter(|(_, f)| check::entry::check_file(&f.path, &f.doc, &index, &config))
        .collect();
    ph.mark("check: per-file checks");
    findings.extend(check::plan::check_plans(&index, &config));
    ph.mark("check: plan checks");
    findings.sort_by(|a, b| {
        (a.path.as_str(), a.span.start, a.code).cmp(&(b.path.as_str(), b.span.start, b.code))
    });
    ph.mark("check: sort");

    // Output, like --format json: positions in UTF-16 through one LineIndex per file.
    let by_path: HashMap<&str, &str> = files.iter().map(|(p, t)| (p.as_str(), &**t)).collect();
    let mut lix: HashMap<&str, LineIndex> = HashMap::new();
    let mut out = Vec::with_capacity(findings.len());
    for f in &findings {
        let text = by_path.get(f.path.as_str()).copied().unwrap_or("");
        let li = lix
            .entry(f.path.as_str())
            .or_insert_with(|| LineIndex::new(text));
        let r = li.range(text, f.span.clone(), PositionEncoding::Utf16);
        out.push(serde_json::json!({
            "path": f.path, "severity": f.severity.as_str(), "code": f.code.as_str(),
            "message": f.message,
            "range": {"start": {"line": r.start.line, "character": r.start.character},
                      "end": {"line": r.end.line, "character": r.end.character}},
            "id": f.id,
        }));
    }
    let json = serde_json::to_vec(&out).unwrap();
    ph.mark("output (positions + JSON)");
    drop(out);

    println!(
        "# {} Markdown files, {:.1} MB, {} other files; {} entries ({} DEP- blocks), {} fields, \
         {} link-list items, {} references ({} in link lists), {} defined IDs; {} findings, \
         {:.1} MB of JSON",
        files.len(),
        bytes as f64 / 1e6,
        w.other.len(),
        sizes.entries,
        sizes.entries_dep,
        sizes.fields,
        sizes.items,
        sizes.refs,
        sizes.refs_link_list,
        index.id_count(),
        findings.len(),
        json.len() as f64 / 1e6
    );
    ph.print();

    // Heap by holder (capacities; allocator overhead not included).
    let docs_total = sizes.entry_vec
        + sizes.entry_strings
        + sizes.field_vec
        + sizes.field_strings
        + sizes.pieces_vec
        + sizes.items_heap
        + sizes.ref_vec
        + sizes.ref_strings;
    println!(
        "\n# heap after indexing: {:.1} MiB live",
        mib(heap_after_index)
    );
    let rows = [
        ("file texts (Arc<str>)", bytes),
        ("Vec<Entry> (size_of Entry)", sizes.entry_vec),
        ("entry strings (id, title, summary)", sizes.entry_strings),
        ("Vec<Field> (size_of Field)", sizes.field_vec),
        ("field strings (key, value)", sizes.field_strings),
        ("field pieces (Vec<Span>)", sizes.pieces_vec),
        ("link items (Vec<LinkItem> + ids)", sizes.items_heap),
        ("Vec<Reference> (size_of Reference)", sizes.ref_vec),
        ("reference strings (id, link dest)", sizes.ref_strings),
        ("ParsedDoc total", docs_total),
        (
            "rest (index maps, paths, allocator slack)",
            (heap_after_index as usize).saturating_sub(docs_total + bytes),
        ),
    ];
    for (name, b) in rows {
        println!(
            "{:<44} {:>8.1} MiB  {:>5.1}%",
            name,
            mib(b as isize),
            b as f64 / heap_after_index as f64 * 100.0
        );
    }
    println!(
        "# size_of: Entry {} B, Field {} B, LinkItem {} B, Reference {} B, Finding {} B",
        std::mem::size_of::<Entry>(),
        std::mem::size_of::<Field>(),
        std::mem::size_of::<LinkItem>(),
        std::mem::size_of::<Reference>(),
        std::mem::size_of::<Finding>()
    );

    if near {
        // The "did you mean" search for every reference to an undefined ID, on one thread.
        let mut unresolved = 0usize;
        let t = Instant::now();
        let c0 = cpu_s();
        for (_, f) in &sorted {
            for r in &f.doc.refs {
                if index.definitions(&r.id).is_empty() {
                    unresolved += 1;
                    std::hint::black_box(check::entry::near_ids(&index, &r.id, 3));
                }
            }
        }
        let el = t.elapsed().as_secs_f64();
        let cpu = cpu_s() - c0;
        println!(
            "\n# near_ids for the {} references to undefined IDs: {:.1} ms wall, {:.0} ms CPU \
             on one thread ({:.2} ms CPU each; {} defined IDs in the workspace)",
            unresolved,
            el * 1000.0,
            cpu * 1000.0,
            if unresolved > 0 {
                cpu * 1000.0 / unresolved as f64
            } else {
                0.0
            },
            index.id_count()
        );
    }
}

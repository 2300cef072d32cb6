//! Keeps the docs true to the code.

use dep_ls::check::Code;
use std::path::Path;

fn read(p: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(p)).expect(p)
}

/// Every file below a folder of the crate (`src`, `tests`), recursively.
fn files_under(dir: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn readme_documents_every_finding_code() {
    let readme = read("README.md");
    for c in Code::ALL {
        let heading = format!("\n### {}\n", c.as_str());
        assert!(
            readme.contains(&heading),
            "README.md has no `### {}` section",
            c.as_str()
        );
        let sev = c.default_severity().as_str();
        let section = readme.split(&heading).nth(1).unwrap_or("");
        let first = section.lines().next().unwrap_or("");
        assert!(
            first.contains(sev),
            "README's {} section should name its default severity {sev}: {first:?}",
            c.as_str()
        );
    }
}

#[test]
fn architecture_maps_every_module() {
    let arch = read("ARCHITECTURE.md");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut missing = Vec::new();
    for p in files_under("src") {
        let rel = p
            .strip_prefix(&src)
            .expect("rel")
            .to_string_lossy()
            .replace('\\', "/");
        let name = p.file_name().expect("name").to_string_lossy().to_string();
        let dir_name = rel.rsplit_once('/').map(|(d, _)| format!("src/{d}/"));
        let mentioned = arch.contains(&format!("src/{rel}"))
            || (arch.contains(&format!("`{name}`"))
                && dir_name.as_ref().is_some_and(|d| arch.contains(d.as_str())));
        if !mentioned && name != "lib.rs" {
            missing.push(rel);
        }
    }
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md does not mention: {missing:?}"
    );
}

#[test]
fn no_ignored_tests_or_todos() {
    let mut hits = Vec::new();
    for dir in ["src", "tests"] {
        for p in files_under(dir) {
            if p.extension().is_some_and(|x| x == "rs") {
                let t = std::fs::read_to_string(&p).expect("read");
                // Spelled in pieces so that this file does not match its own search.
                for needle in [
                    concat!("#[ig", "nore"),
                    concat!("to", "do!("),
                    concat!("unimpl", "emented!("),
                ] {
                    if t.contains(needle) {
                        hits.push(format!("{}: {needle}", p.display()));
                    }
                }
            }
        }
    }
    assert!(hits.is_empty(), "{hits:?}");
}

/// `let _ = name;` only silences an unused-variable or unused-import warning: the code it hides
/// should go instead. (A discarded *result*, `let _ = tx.send(…);`, is another matter.)
#[test]
fn no_bindings_that_hide_lint_warnings() {
    let mut hits = Vec::new();
    for p in files_under("src") {
        if p.extension().is_some_and(|x| x == "rs") {
            let t = std::fs::read_to_string(&p).expect("read");
            for (n, line) in t.lines().enumerate() {
                let Some(rest) = line.trim().strip_prefix("let _ = ") else {
                    continue;
                };
                let Some(name) = rest.strip_suffix(';') else {
                    continue;
                };
                if !name.is_empty()
                    && name
                        .bytes()
                        .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b':')
                {
                    hits.push(format!("{}:{}: {}", p.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(hits.is_empty(), "{hits:#?}");
}

/// The top-level modules of `src/` each file refers to (`crate::check::…`, and the modules of a
/// `use crate::{a, b::c};` group), from the file's code before its `#[cfg(test)]` module.
fn module_edges() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut edges: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    for p in files_under("src") {
        if p.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let rel = p.strip_prefix(&src).expect("in src");
        let first = rel.components().next().expect("component");
        let module = Path::new(first.as_os_str())
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        if module == "main" || module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&p).expect("read");
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        let out = edges.entry(module.clone()).or_default();
        let ident = |s: &str| -> String {
            s.chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                .collect()
        };
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // `crate::{a, b::{c, d}, e}`: the first name of each top-level item.
                let (mut depth, mut start) = (0usize, true);
                for (j, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => start = true,
                        c if start && !c.is_whitespace() => {
                            start = false;
                            let name = ident(&group[j..]);
                            if !name.is_empty() && name != module {
                                out.insert(name);
                            }
                        }
                        _ => {}
                    }
                }
            } else {
                let name = ident(rest);
                if !name.is_empty() && name != module {
                    out.insert(name);
                }
            }
        }
    }
    edges
}

type Edges = std::collections::BTreeMap<String, std::collections::BTreeSet<String>>;

/// The cycles of a module graph (one per back edge a depth-first search finds), as
/// `a -> b -> a`.
fn cycles_of(edges: &Edges) -> Vec<String> {
    fn visit(
        m: &str,
        edges: &Edges,
        state: &mut std::collections::BTreeMap<String, u8>,
        path: &mut Vec<String>,
        cycles: &mut Vec<String>,
    ) {
        state.insert(m.to_string(), 1);
        path.push(m.to_string());
        for n in edges.get(m).into_iter().flatten() {
            match state.get(n.as_str()).copied().unwrap_or(0) {
                0 => visit(n, edges, state, path, cycles),
                1 => {
                    let from = path.iter().position(|x| x == n).unwrap_or(0);
                    cycles.push(format!("{} -> {n}", path[from..].join(" -> ")));
                }
                _ => {}
            }
        }
        path.pop();
        state.insert(m.to_string(), 2);
    }
    let mut state: std::collections::BTreeMap<String, u8> = Default::default();
    let mut cycles = Vec::new();
    for m in edges.keys() {
        if !state.contains_key(m.as_str()) {
            visit(m, edges, &mut state, &mut Vec::new(), &mut cycles);
        }
    }
    cycles
}

/// The module paths a `crate::…` or `super::…` path names, from the text right after its
/// prefix: `ide::complete::x` gives `[ide, complete, x]`, `{entry_at, complete::{a, b}}` gives
/// `[entry_at]`, `[complete, a]`, `[complete, b]` (lowercase segments only: a type or a
/// constant ends the path).
fn use_paths(s: &str) -> Vec<Vec<String>> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
            .collect()
    };
    let mut segs: Vec<String> = Vec::new();
    let mut rest = s;
    loop {
        if let Some(group) = rest.strip_prefix('{') {
            let mut out = Vec::new();
            let (mut depth, mut item_start) = (0usize, 0usize);
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' | ',' if depth == 0 => {
                        for p in use_paths(group[item_start..j].trim()) {
                            let mut full = segs.clone();
                            full.extend(p);
                            out.push(full);
                        }
                        item_start = j + 1;
                        if c == '}' {
                            break;
                        }
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            return out;
        }
        let id = ident(rest);
        if id.is_empty() {
            return vec![segs];
        }
        rest = &rest[id.len()..];
        segs.push(id);
        match rest.strip_prefix("::") {
            Some(r) => rest = r,
            None => return vec![segs],
        }
    }
}

/// The edges between sibling submodules of one module (`ide::actions` → `ide::complete`),
/// keyed by their parent (`ide`): from every `crate::a::b::…` and `super::…` path of a file's
/// code (comments and its `#[cfg(test)]` module left out), a file counting for the submodule of
/// each ancestor that holds it.
fn submodule_edges() -> std::collections::BTreeMap<String, Edges> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out: std::collections::BTreeMap<String, Edges> = Default::default();
    for p in files_under("src") {
        if p.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let rel = p.strip_prefix(&src).expect("in src");
        let mut me: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let last = me.pop().expect("file name");
        if me.is_empty() && (last == "main.rs" || last == "lib.rs") {
            continue;
        }
        if last != "mod.rs" {
            me.push(last.trim_end_matches(".rs").to_string());
        }
        let text = std::fs::read_to_string(&p).expect("read");
        let code: String = text
            .split("#[cfg(test)]")
            .next()
            .unwrap_or("")
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut targets: Vec<Vec<String>> = Vec::new();
        for (i, _) in code.match_indices("crate::") {
            if !code[..i].ends_with('$') {
                targets.extend(use_paths(&code[i + "crate::".len()..]));
            }
        }
        for (i, _) in code.match_indices("super::") {
            if code[..i].ends_with("super::") {
                continue; // inside a chain counted from its first `super::`
            }
            let mut rest = &code[i..];
            let mut up = 0;
            while let Some(r) = rest.strip_prefix("super::") {
                rest = r;
                up += 1;
            }
            let base = &me[..me.len().saturating_sub(up)];
            for p in use_paths(rest) {
                let mut full = base.to_vec();
                full.extend(p);
                targets.push(full);
            }
        }
        for t in targets {
            let common = me.iter().zip(&t).take_while(|(a, b)| a == b).count();
            if common == 0 || common >= me.len() || common >= t.len() {
                continue; // top level (module_edges), or an ancestor or descendant
            }
            let parent = src.join(me[..common].join("/"));
            let is_module = parent.join(format!("{}.rs", t[common])).is_file()
                || parent.join(&t[common]).is_dir();
            if is_module {
                out.entry(me[..common].join("::"))
                    .or_default()
                    .entry(me[common].clone())
                    .or_default()
                    .insert(t[common].clone());
            }
        }
    }
    out
}

/// No cycle among the submodules of one module either (`ide::actions` ↔ `ide::complete` once
/// shared template helpers; they went to `schema` and the leaf `ide::style`).
#[test]
fn submodules_form_no_cycle() {
    let mut cycles = Vec::new();
    for (parent, edges) in submodule_edges() {
        for c in cycles_of(&edges) {
            cycles.push(format!("in {parent}: {c}"));
        }
    }
    assert!(cycles.is_empty(), "submodule cycles: {cycles:#?}");
}

/// The submodule scan sees what it should: `ide::actions` uses `ide::style`.
#[test]
fn submodule_edges_are_found() {
    let edges = submodule_edges();
    let ide = edges.get("ide").expect("ide has submodules");
    assert!(
        ide.get("actions").is_some_and(|to| to.contains("style")),
        "{ide:?}"
    );
}

/// The engine's layering, held by a test (as rust-analyzer's tidy tests hold its architecture):
/// no module cycle among the top-level modules of `src/`; no engine module reaches into the
/// front ends (`cli`, `lsp`); LSP protocol types only in `src/lsp`.
#[test]
fn modules_form_no_cycle_and_the_engine_knows_no_front_end() {
    let edges = module_edges();
    let cycles = cycles_of(&edges);
    assert!(cycles.is_empty(), "module cycles: {cycles:#?}");

    let front_ends = ["cli", "lsp", "mcp"];
    let mut reaches = Vec::new();
    for (m, to) in &edges {
        if front_ends.contains(&m.as_str()) {
            continue;
        }
        for f in front_ends {
            if to.contains(f) {
                reaches.push(format!("{m} uses crate::{f}"));
            }
        }
    }
    assert!(
        reaches.is_empty(),
        "engine modules using a front end: {reaches:?}"
    );

    let mut lsp_types = Vec::new();
    let lsp = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src")
        .join("lsp");
    for p in files_under("src") {
        if !p.starts_with(&lsp) && p.extension().is_some_and(|x| x == "rs") {
            let t = std::fs::read_to_string(&p).expect("read");
            if t.contains(concat!("tower_lsp", "_server")) || t.contains(concat!("lsp", "_types")) {
                lsp_types.push(p.display().to_string());
            }
        }
    }
    assert!(
        lsp_types.is_empty(),
        "LSP types outside src/lsp: {lsp_types:?}"
    );

    // MCP (the rmcp crate) is known to `src/mcp` alone.
    let mcp = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src")
        .join("mcp");
    let mcp_types: Vec<String> = files_under("src")
        .into_iter()
        .filter(|p| !p.starts_with(&mcp) && p.extension().is_some_and(|x| x == "rs"))
        .filter(|p| {
            std::fs::read_to_string(p)
                .expect("read")
                .contains(concat!("rm", "cp::"))
        })
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        mcp_types.is_empty(),
        "MCP types outside src/mcp: {mcp_types:?}"
    );
}

/// ARCHITECTURE.md draws the real module graph: its `module-graph` block lists every top-level
/// module of `src/` with every module it uses, as `module → a, b` (`→ —` for none), and this
/// test fails on any difference — the failure prints the block as it should read.
#[test]
fn architecture_draws_the_real_module_graph() {
    let arch = read("ARCHITECTURE.md");
    let edges = module_edges();
    let want: String = edges
        .iter()
        .map(|(m, to)| {
            let to: Vec<&str> = to.iter().map(String::as_str).collect();
            let to = if to.is_empty() {
                "—".to_string()
            } else {
                to.join(", ")
            };
            format!("{m:<10} → {to}\n")
        })
        .collect();
    let have = arch
        .split_once("<!-- module-graph -->\n```text\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .map(|(block, _)| block.to_string())
        .unwrap_or_default();
    assert!(
        have == want,
        "ARCHITECTURE.md's module graph is not the code's; it should read:\n<!-- module-graph -->\n```text\n{want}```"
    );
}

/// A file is one room's job: none in `src/` is over 900 lines, except the block scanner
/// (`syntax/blocks.rs`, one forward scan over CommonMark's block starts, which reads best whole).
#[test]
fn no_source_file_over_900_lines() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut long = Vec::new();
    for p in files_under("src") {
        if p.extension().is_none_or(|x| x != "rs") || p == src.join("syntax").join("blocks.rs") {
            continue;
        }
        let n = std::fs::read_to_string(&p).expect("read").lines().count();
        if n > 900 {
            long.push(format!("{} ({n} lines)", p.display()));
        }
    }
    assert!(long.is_empty(), "files over 900 lines: {long:?}");
}

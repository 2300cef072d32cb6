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

/// The engine's layering, held by a test (as rust-analyzer's tidy tests hold its architecture):
/// no module cycle among the top-level modules of `src/`; no engine module reaches into the
/// front ends (`cli`, `lsp`); LSP protocol types only in `src/lsp`.
#[test]
fn modules_form_no_cycle_and_the_engine_knows_no_front_end() {
    let edges = module_edges();
    // Depth-first search for a back edge, reporting the cycle it closes.
    fn visit(
        m: &str,
        edges: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
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
            visit(m, &edges, &mut state, &mut Vec::new(), &mut cycles);
        }
    }
    assert!(cycles.is_empty(), "module cycles: {cycles:#?}");

    let front_ends = ["cli", "lsp"];
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
}

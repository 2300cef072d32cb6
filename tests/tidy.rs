//! Keeps the docs true to the code.

use dep_ls::check::Code;
use std::path::Path;

fn read(p: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(p)).expect(p)
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
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("src") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
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
        let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).expect("dir") {
                let p = e.expect("entry").path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
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
    }
    assert!(hits.is_empty(), "{hits:?}");
}

/// `let _ = name;` only silences an unused-variable or unused-import warning: the code it hides
/// should go instead. (A discarded *result*, `let _ = tx.send(…);`, is another matter.)
#[test]
fn no_bindings_that_hide_lint_warnings() {
    let mut hits = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
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
    }
    assert!(hits.is_empty(), "{hits:#?}");
}

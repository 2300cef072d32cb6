//! Hostile workspaces: symlink loops and links out of the root, a 200 MB file, binary and
//! invalid UTF-8 `.md` files, files deleted or replaced while being indexed, a directory of
//! 100,000 files, unreadable files, a garbage `dep-ls.toml`. Each gets a clear note (the CLI's
//! notes, the server's log), indexing goes on with the other files, and nothing panics.

use crate::support;

use dep_ls::config::Config;
use dep_ls::workspace::world::{parse_files, plan_indexing};
use dep_ls::workspace::Workspace;
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};
use support::lsp::*;

const GOOD: &str = "## DEP-001: Deploy\nType: Step\nOwner: SRE\nLinked IDs: DEP-002\n\n## DEP-002: Verify\nType: Step\nOwner: SRE\n";

fn write(p: &Path, bytes: impl AsRef<[u8]>) {
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, bytes).expect("write");
}

fn load(root: &Path) -> Workspace {
    Workspace::load(root, None, &|_, _| {})
}

fn has_note(notes: &[String], path: &str, what: &str) -> bool {
    notes.iter().any(|n| n.contains(path) && n.contains(what))
}

fn indexed(ws: &Workspace, rel: &str) -> bool {
    ws.files.iter().any(|f| f.path == rel)
}

/// Waits (up to `limit`: a generous bound for loaded machines) for a `window/logMessage`
/// starting with `prefix`; leaves it in the backlog.
fn wait_log(c: &mut LspClient, prefix: &str, limit: Duration) -> Value {
    let deadline = Instant::now() + limit;
    loop {
        c.drain();
        if let Some(m) = c.backlog.iter().find(|m| {
            m["method"] == "window/logMessage"
                && m["params"]["message"]
                    .as_str()
                    .is_some_and(|s| s.starts_with(prefix))
        }) {
            return m["params"].clone();
        }
        assert!(
            Instant::now() < deadline,
            "no log line {prefix:?} within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Builds the hostile tree used by several tests; returns the path outside the root.
fn hostile_tree(root: &Path) -> std::path::PathBuf {
    write(&root.join("good.md"), GOOD);
    let outside = root.with_file_name(format!(
        "{}-outside",
        root.file_name().expect("name").to_string_lossy()
    ));
    write(
        &outside.join("secret.md"),
        "## DEP-666: Outside the workspace\n",
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink(".", root.join("loop")).expect("symlink");
        symlink("loop-b.md", root.join("loop-a.md")).expect("symlink");
        symlink("loop-a.md", root.join("loop-b.md")).expect("symlink");
        symlink(outside.join("secret.md"), root.join("escape.md")).expect("symlink");
        symlink(&outside, root.join("escape-dir")).expect("symlink");
        symlink("/dev/zero", root.join("zero.md")).expect("symlink");
        symlink("good.md", root.join("alias.md")).expect("symlink");
    }
    // Binary with NUL bytes (valid UTF-8) and binary that is not UTF-8.
    let mut nul = b"DEP-010: before the zeros\n".to_vec();
    nul.extend(std::iter::repeat_n(0u8, 64 * 1024));
    nul.extend((0u8..32).cycle().take(4096));
    write(&root.join("nul.md"), nul);
    write(
        &root.join("image.md"),
        [
            0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe, 0, 0,
        ],
    );
    write(&root.join("latin1.md"), b"## DEP-011: Caf\xe9\n");
    // 200 MB, sparse: the size limit is read from the metadata, nothing is read.
    let big = std::fs::File::create(root.join("huge.md")).expect("create");
    big.set_len(200 * 1024 * 1024).expect("set_len");
    outside
}

#[test]
fn the_cli_walk_notes_and_skips_hostile_files() {
    let root = temp_dir("rel-hostile-cli");
    let outside = hostile_tree(&root);
    let ws = load(&root);
    let n = &ws.notes;
    eprintln!("notes: {n:#?}");
    assert!(indexed(&ws, "good.md"));
    assert!(indexed(&ws, "nul.md"), "NUL bytes are valid UTF-8: parsed");
    // A link to a file inside the root: that file is read once, under its own path (issue 13,
    // defect 10: it was read twice, a false duplicate-id).
    assert!(!indexed(&ws, "alias.md"));
    assert!(has_note(n, "alias.md", "symlink not followed"), "{n:?}");
    assert!(ws.index.has_path("alias.md"), "still a link target");
    assert!(has_note(n, "loop-a.md", "broken symlink"), "{n:?}");
    assert!(has_note(n, "escape.md", "symlink not followed"), "{n:?}");
    assert!(has_note(n, "escape-dir", "symlink not followed"), "{n:?}");
    assert!(has_note(n, "zero.md", "symlink not followed"), "{n:?}");
    assert!(has_note(n, "image.md", "not valid UTF-8"), "{n:?}");
    assert!(has_note(n, "latin1.md", "not valid UTF-8"), "{n:?}");
    assert!(has_note(n, "huge.md", "over the size limit"), "{n:?}");
    assert!(!ws.index.is_defined("DEP-666"), "nothing outside the root");
    assert!(ws.files.iter().all(|f| !f.path.contains("escape")));
    assert!(ws.index.is_defined("DEP-010"));
    let findings = ws.check();
    assert!(findings
        .iter()
        .all(|f| f.code.as_str() != "unresolved-link"));
    let _ = std::fs::remove_dir_all(&outside);
}

/// A symlink to the root itself (a loop for a walker that follows links) is not followed: the
/// walk ends and visits each file once.
#[test]
fn a_symlink_loop_is_walked_once() {
    let root = temp_dir("rel-loop");
    write(&root.join("a/plan.md"), GOOD);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("..", root.join("a/up")).expect("symlink");
        std::os::unix::fs::symlink("../a", root.join("a/self")).expect("symlink");
    }
    let ws = load(&root);
    let paths: Vec<&str> = ws.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["a/plan.md"], "{:?}", ws.notes);
    assert!(has_note(&ws.notes, "a/up", "symlink not followed"));
}

/// A file deleted, or replaced by a folder or by a FIFO, between the walk and the read: a note,
/// the other files are indexed, nothing blocks.
#[test]
fn files_deleted_or_replaced_while_indexing() {
    let root = temp_dir("rel-vanish");
    for i in 0..20 {
        write(
            &root.join(format!("f{i:02}.md")),
            format!("## DEP-{:03}: x\n", i + 1),
        );
    }
    let cfg = Config::default();
    let (files, _, _) = plan_indexing(&root, &cfg);
    assert_eq!(files.len(), 20);
    std::fs::remove_file(root.join("f03.md")).expect("rm");
    std::fs::remove_file(root.join("f04.md")).expect("rm");
    std::fs::create_dir(root.join("f04.md")).expect("mkdir");
    std::fs::remove_file(root.join("f05.md")).expect("rm");
    let fifo = std::process::Command::new("mkfifo")
        .arg(root.join("f05.md"))
        .status()
        .is_ok_and(|s| s.success());
    write(&root.join("f06.md"), b"\xff\xfe replaced by junk");
    let t = Instant::now();
    let out = parse_files(&files, &cfg);
    assert!(t.elapsed() < Duration::from_secs(10), "reading blocked");
    let notes: Vec<&String> = out.iter().filter_map(|r| r.as_ref().err()).collect();
    eprintln!("notes: {notes:#?}");
    assert_eq!(out.iter().filter(|r| r.is_ok()).count(), 16);
    assert!(notes
        .iter()
        .any(|n| n.starts_with("f03.md") && n.contains("cannot read")));
    assert!(notes.iter().any(|n| n.starts_with("f04.md")));
    if fifo {
        assert!(
            notes
                .iter()
                .any(|n| n.starts_with("f05.md") && n.contains("not a regular file")),
            "{notes:?}"
        );
    }
    assert!(notes
        .iter()
        .any(|n| n.starts_with("f06.md") && n.contains("UTF-8")));
    // The CLI walk of the same tree: the FIFO and the folder are not files, never opened.
    let ws = load(&root);
    assert_eq!(ws.files.len(), 16, "{:?}", ws.notes);
}

/// A file that grows past the size limit after its size was looked at is not read whole.
#[test]
fn the_size_limit_bounds_the_read_itself() {
    let root = temp_dir("rel-grow");
    write(&root.join("dep-ls.toml"), "max_file_size = 1000\n");
    write(&root.join("small.md"), GOOD);
    write(&root.join("big.md"), "x".repeat(5000));
    let ws = load(&root);
    assert!(
        has_note(&ws.notes, "big.md", "over the size limit"),
        "{:?}",
        ws.notes
    );
    assert!(indexed(&ws, "small.md"));
    let r = dep_ls::workspace::read_source(&root.join("big.md"), 1000);
    assert!(r.is_err());
}

/// Permission-denied files and folders. As root (the CI containers) permissions do not stop a
/// read; the test detects that and then checks that the files are simply read.
#[cfg(unix)]
#[test]
fn unreadable_files_and_folders() {
    use std::os::unix::fs::PermissionsExt;
    let root = temp_dir("rel-perm");
    write(&root.join("good.md"), GOOD);
    write(&root.join("locked.md"), "## DEP-020: locked\n");
    write(&root.join("closed/inner.md"), "## DEP-021: inner\n");
    let set = |p: &Path, mode| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod")
    };
    set(&root.join("locked.md"), 0o000);
    set(&root.join("closed"), 0o000);
    let privileged = std::fs::read(root.join("locked.md")).is_ok();
    let ws = load(&root);
    set(&root.join("closed"), 0o755);
    set(&root.join("locked.md"), 0o644);
    assert!(indexed(&ws, "good.md"));
    if privileged {
        eprintln!("running with privileges (root): permissions do not block reads here");
        assert!(indexed(&ws, "locked.md") && indexed(&ws, "closed/inner.md"));
    } else {
        assert!(
            has_note(&ws.notes, "locked.md", "cannot read"),
            "{:?}",
            ws.notes
        );
        assert!(
            ws.notes.iter().any(|n| n.contains("closed")),
            "{:?}",
            ws.notes
        );
        assert!(!indexed(&ws, "locked.md"));
    }
}

/// A `dep-ls.toml` of garbage: errors with line numbers, defaults for the rest, files indexed.
#[test]
fn a_garbage_configuration() {
    let root = temp_dir("rel-garbage-config");
    write(&root.join("plan.md"), GOOD);
    write(
        &root.join("dep-ls.toml"),
        "max_file_size = \"huge\"\n[[[\ninclude = 7\nexclude = [\"[unclosed\"]\n= = =\n\
         prefixes = [\"OPS\", 3]\n[severity]\nmissing-owner = \"loud\"\nnot-a-code = \"off\"\n\
         [plan]\nscope = \"galaxy\"\n\u{0}\u{1}\u{7f}\n",
    );
    let ws = load(&root);
    eprintln!("errors: {:#?}", ws.config_errors);
    assert!(ws.config_errors.len() >= 5, "{:?}", ws.config_errors);
    assert!(ws.config_errors.iter().any(|e| e.line.is_some()));
    assert!(indexed(&ws, "plan.md"));
    assert!(ws.index.is_defined("DEP-002"));
    // Not UTF-8 at all: one error, defaults.
    write(&root.join("dep-ls.toml"), [0xff, 0xfe, 0x00, b'=', 0x80]);
    let ws = load(&root);
    assert_eq!(ws.config_errors.len(), 1, "{:?}", ws.config_errors);
    assert!(indexed(&ws, "plan.md"));
    // The CLI says so and still checks.
    let (code, findings) = cli_check_json(&root);
    assert!(code == 0 || code == 1, "exit {code}");
    assert!(findings
        .iter()
        .all(|f| f["path"] != "dep-ls.toml" || f["code"].is_string()));
}

/// The language server on the hostile tree: log lines for each skipped file, the good files
/// indexed, the server alive and answering; nothing outside the root is indexed.
#[test]
fn the_server_indexes_a_hostile_workspace() {
    let root = temp_dir("rel-hostile-lsp");
    let outside = hostile_tree(&root);
    write(&root.join("dep-ls.toml"), "include = 7\n[[[\n");
    let (mut c, stderr) = LspClient::start_logged(&[("DEP_LS_LOG", "info")]);
    c.initialize(&root, json!({}), json!({}));
    let uri = file_uri(&root.join("good.md"));
    c.open(&uri, GOOD);
    let done = wait_log(&mut c, "indexed ", Duration::from_secs(300));
    eprintln!("{done}");
    let logs: Vec<String> = c
        .backlog
        .iter()
        .filter(|m| m["method"] == "window/logMessage")
        .map(|m| m["params"]["message"].as_str().unwrap_or("").to_string())
        .collect();
    for (file, what) in [
        ("escape.md", "symlink not followed"),
        ("loop-a.md", "broken symlink"),
        ("image.md", "not valid UTF-8"),
        ("huge.md", "over the size limit"),
    ] {
        assert!(has_note(&logs, file, what), "no log for {file}: {logs:#?}");
    }
    let syms = c.request("workspace/symbol", json!({"query": "DEP-666"}));
    assert!(
        syms.as_array()
            .is_none_or(|a| a.iter().all(|s| s["name"] != "DEP-666")),
        "{syms}"
    );
    let syms = c.request("workspace/symbol", json!({"query": "DEP-010"}));
    assert!(syms.as_array().is_some_and(|a| !a.is_empty()), "{syms}");
    let r = c.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(r["items"].is_array());
    assert_eq!(c.shutdown(), 0);
    let log = stderr.lock().map(|s| s.clone()).unwrap_or_default();
    assert!(!log.contains("panicked"), "{log}");
    assert!(
        log.contains("dep-ls.toml"),
        "the bad configuration is logged: {log}"
    );
    let _ = std::fs::remove_dir_all(&outside);
}

/// A directory of 100,000 files: the server walks it, indexes (up to its cap of Markdown
/// files) and answers; the CLI checks it. Time is printed, only a generous bound is asserted.
/// Without `RUN_SLOW_TESTS=1`, 5,000 files (under the cap: all of them are indexed).
#[test]
fn a_directory_of_100_000_files() {
    let files = support::slow::size("a_directory_of_100_000_files", 100_000, 5_000, "files");
    let root = temp_dir("rel-many");
    let dir = root.join("many");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let t = Instant::now();
    for i in 0..files as u32 {
        std::fs::write(
            dir.join(format!("n{i:06}.md")),
            format!("TEST-{:06}: case {i}\n", i + 1),
        )
        .expect("write");
    }
    write(
        &root.join("plan.md"),
        "## DEP-001: Run\nType: Step\nOwner: SRE\nLinked IDs: TEST-000001\n",
    );
    let created = t.elapsed();
    let t = Instant::now();
    let mut c = LspClient::start();
    c.initialize(
        &root,
        json!({"window": {"workDoneProgress": true}}),
        json!({}),
    );
    let uri = file_uri(&root.join("plan.md"));
    let done = wait_log(&mut c, "indexed ", Duration::from_secs(300));
    let server = t.elapsed();
    let notes: Vec<Value> = c
        .backlog
        .iter()
        .filter(|m| m["method"] == "window/logMessage")
        .map(|m| m["params"]["message"].clone())
        .collect();
    if files > 50_000 {
        assert!(
            notes.iter().any(|m| m
                .as_str()
                .is_some_and(|s| s.contains("only the first 50000"))),
            "{notes:?}"
        );
    } else {
        // Under the server's cap: every Markdown file (and `plan.md`) indexed, no cap note.
        let all = files + 1;
        let indexed = format!("indexed {},{:03} Markdown files", all / 1000, all % 1000);
        assert!(done.to_string().contains(&indexed), "{done}");
        assert!(
            !notes
                .iter()
                .any(|m| m.as_str().is_some_and(|s| s.contains("only the first"))),
            "{notes:?}"
        );
    }
    c.open(
        &uri,
        "## DEP-001: Run\nType: Step\nOwner: SRE\nLinked IDs: TEST-000001\n",
    );
    let r = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 15}}),
    );
    assert!(r.as_array().is_some_and(|a| a.len() == 1), "{r}");
    assert_eq!(c.shutdown(), 0);
    let t = Instant::now();
    let (code, _) = cli_check_json(&root);
    let cli = t.elapsed();
    assert!(code == 0 || code == 1);
    eprintln!(
        "{files} files: created in {created:?}, server indexed in {server:?} ({done}), \
         `dep-ls check` in {cli:?}"
    );
    let _ = std::fs::remove_dir_all(&root);
}

// ---------------------------------------------------------------------------------------------
// Issue 13: configuration files read with no type or size check (defect 5), in-root symlinks
// indexed twice (defect 10)
// ---------------------------------------------------------------------------------------------

/// Runs `dep-ls ARGS` with a 2 GB address-space limit (so that the old unbounded read of
/// `/dev/zero` fails instead of filling the machine) and a deadline; `None` when it had to be
/// killed. Returns the exit code and stderr.
#[cfg(unix)]
fn dep_ls_within(args: &[&str], limit: Duration) -> (Option<i32>, String) {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 2000000 2>/dev/null; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_dep-ls"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn dep-ls");
    let mut stderr = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + limit;
    let code = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break Some(status.code().unwrap_or(-1));
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    (code, reader.join().unwrap_or_default())
}

#[cfg(unix)]
fn mkfifo(p: &Path) -> bool {
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::process::Command::new("mkfifo")
        .arg(p)
        .status()
        .is_ok_and(|s| s.success())
}

/// Defect 5: a FIFO named `dep-ls.toml` or `.claude/domain-profile.yaml` (or given as
/// `--config`) made `check` wait forever for a writer. Now it is refused as "not a regular
/// file", with a warning, and the files are checked.
#[cfg(unix)]
#[test]
fn defect5_a_fifo_as_configuration_or_profile_does_not_hang_check() {
    let root = temp_dir("rel-d5-fifo");
    write(&root.join("plan.md"), GOOD);
    if !mkfifo(&root.join("dep-ls.toml")) || !mkfifo(&root.join(".claude/domain-profile.yaml")) {
        eprintln!("mkfifo unavailable: nothing to test");
        return;
    }
    let dir = root.to_str().expect("utf-8 path");
    let (code, err) = dep_ls_within(&["check", dir], Duration::from_secs(60));
    assert!(code.is_some(), "check hung on a FIFO: {err}");
    assert!(matches!(code, Some(0 | 1)), "exit {code:?}: {err}");
    assert!(
        err.contains("dep-ls.toml: cannot read the configuration: not a regular file"),
        "{err}"
    );
    assert!(
        err.contains("domain-profile.yaml: cannot read the domain profile: not a regular file"),
        "{err}"
    );
    // `--config FIFO`: a usage error, at once.
    let fifo = root.join("dep-ls.toml");
    let (code, err) = dep_ls_within(
        &["check", dir, "--config", fifo.to_str().expect("utf-8")],
        Duration::from_secs(60),
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not a regular file"), "{err}");
    // In process: the loader refuses both at once.
    let t = Instant::now();
    let (_, errors) = Config::load(&root, None);
    assert!(t.elapsed() < Duration::from_secs(10));
    assert_eq!(errors.len(), 2, "{errors:?}");
}

/// Defect 5: `dep-ls.toml -> /dev/zero` was read until memory ran out. It is now refused before
/// a byte is read; a regular configuration over the 1 MiB limit is refused after reading at
/// most 1 MiB + 1 bytes.
#[cfg(unix)]
#[test]
fn defect5_a_configuration_linked_to_dev_zero_or_too_large_is_refused() {
    let root = temp_dir("rel-d5-zero");
    write(&root.join("plan.md"), GOOD);
    std::os::unix::fs::symlink("/dev/zero", root.join("dep-ls.toml")).expect("symlink");
    let dir = root.to_str().expect("utf-8 path");
    let (code, err) = dep_ls_within(&["check", dir], Duration::from_secs(60));
    assert!(matches!(code, Some(0 | 1)), "exit {code:?}: {err}");
    assert!(err.contains("not a regular file"), "{err}");
    std::fs::remove_file(root.join("dep-ls.toml")).expect("rm");
    // 2 MiB of comments: valid TOML, over the limit.
    write(&root.join("dep-ls.toml"), "# padding\n".repeat(200_000));
    let (config, errors) = Config::load(&root, None);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]
            .message
            .contains("over the size limit of 1048576 bytes"),
        "{errors:?}"
    );
    assert!(config.exclude_doubts.len() == 1, "--fix would refuse");
}

/// Defect 5, in the server: a FIFO named `dep-ls.toml` made `initialize` wait forever.
#[cfg(unix)]
#[test]
fn defect5_a_fifo_configuration_does_not_hang_the_servers_initialize() {
    let root = temp_dir("rel-d5-lsp");
    write(&root.join("plan.md"), GOOD);
    if !mkfifo(&root.join("dep-ls.toml")) {
        eprintln!("mkfifo unavailable: nothing to test");
        return;
    }
    let (mut c, _log) = LspClient::start_logged(&[]);
    let uri = file_uri(&root);
    let id = c.request_async(
        "initialize",
        json!({"processId": null, "rootUri": uri, "capabilities": {},
               "workspaceFolders": [{"uri": uri, "name": "ws"}]}),
    );
    let r = c.response_within(&json!(id), Duration::from_secs(60));
    assert!(r.is_some(), "initialize hung on a FIFO dep-ls.toml");
    c.notify("initialized", json!({}));
    assert_eq!(c.shutdown(), 0);
}

/// Defect 10: a symlink to a file inside the root made the walk read the file twice, under two
/// paths (a false duplicate-id for each of its definitions). Each file is now read once, under
/// its own path; the link is noted and stays a known path (a link target). The server's
/// indexing walks the same way.
#[cfg(unix)]
#[test]
fn defect10_an_in_root_symlink_is_indexed_once() {
    let root = temp_dir("rel-d10");
    write(&root.join("docs/a.md"), GOOD);
    std::os::unix::fs::symlink("docs/a.md", root.join("b.md")).expect("symlink");
    std::os::unix::fs::symlink("docs", root.join("docs-link")).expect("symlink");
    let ws = load(&root);
    let paths: Vec<&str> = ws.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["docs/a.md"], "{:?}", ws.notes);
    assert!(
        has_note(&ws.notes, "b.md", "symlink not followed"),
        "{:?}",
        ws.notes
    );
    assert!(has_note(&ws.notes, "docs-link", "symlink not followed"));
    assert!(ws.index.has_path("b.md"));
    let findings = ws.check();
    assert!(
        findings.iter().all(|f| f.code.as_str() != "duplicate-id"),
        "{findings:?}"
    );
    let (code, findings) = cli_check_json(&root);
    assert!(code == 0 || code == 1);
    let codes: Vec<&Value> = findings.iter().map(|f| &f["code"]).collect();
    assert!(codes.iter().all(|c| *c != "duplicate-id"), "{codes:?}");
    // The server's walk.
    let (md, _, _) = plan_indexing(&root, &Config::default());
    let md: Vec<&str> = md.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(md, ["docs/a.md"]);
}

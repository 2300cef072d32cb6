//! Tests of the `dep-ls` binary: spawns the real executable on the fixture workspaces under
//! `tests/fixtures/cli/` and checks exit codes and the four output formats.
//!
//! Fixtures:
//! - `clean/`: a complete plan (staging + production, Criteria, Rollback, Validation) with no
//!   findings; `ids.md` defines the linked IDs.
//! - `errors/`: `clean/` with DEP-003 (Criteria) missing `Owner:` and linking the undefined
//!   TEST-999; `other.md` defines DEP-005 a second time and has `Method: Automatic`.
//! - `unicode/`: TEST-999 follows CJK and an emoji on its `Linked IDs` line.
//! - `crlf/`: CRLF line endings, DEP-003 missing `Owner:` (kept CRLF by `.gitattributes`).
//! - `bad_config/`: `clean/` with a broken `dep-ls.toml`.
//! - `incomplete/`: only a Criteria entry (plan-level findings, `id` null).

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cli")
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dep-ls"));
    c.env_remove("NO_COLOR");
    c
}

/// Runs `dep-ls ARGS` in the fixtures folder.
fn dep_ls(args: &[&str]) -> Output {
    dep_ls_in(&fixtures(), args)
}

fn dep_ls_in(cwd: &Path, args: &[&str]) -> Output {
    bin()
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output()
        .expect("the dep-ls binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

fn code(o: &Output) -> i32 {
    o.status
        .code()
        .expect("dep-ls exited normally (not by a signal)")
}

#[track_caller]
fn assert_code(o: &Output, expected: i32) {
    assert_eq!(
        code(o),
        expected,
        "exit code\n--- stdout\n{}\n--- stderr\n{}",
        stdout(o),
        stderr(o)
    );
}

fn json(o: &Output) -> Vec<Value> {
    match serde_json::from_slice(&o.stdout) {
        Ok(Value::Array(a)) => a,
        other => panic!("not a JSON array: {other:?}\n{}", stdout(o)),
    }
}

fn read_fixture(rel: &str) -> String {
    std::fs::read_to_string(fixtures().join(rel)).expect("fixture readable")
}

/// 0-based line of the first line of `text` that starts with `prefix` (any line break).
fn line_starting(text: &str, prefix: &str) -> usize {
    text.split('\n')
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starts with {prefix:?}"))
}

fn line_text(text: &str, line: usize) -> &str {
    text.split('\n')
        .nth(line)
        .expect("line exists")
        .trim_end_matches('\r')
}

fn find<'a>(items: &'a [Value], code: &str, path: &str) -> &'a Value {
    items
        .iter()
        .find(|v| v["code"] == code && v["path"] == path)
        .unwrap_or_else(|| panic!("no {code} finding in {path}: {items:#?}"))
}

fn range_of(v: &Value) -> (u64, u64, u64, u64) {
    let r = &v["range"];
    let n = |x: &Value| x.as_u64().expect("a non-negative integer");
    (
        n(&r["start"]["line"]),
        n(&r["start"]["character"]),
        n(&r["end"]["line"]),
        n(&r["end"]["character"]),
    )
}

/// The keys of each object of a JSON array, in document order.
struct KeyOrder(Vec<Vec<String>>);

struct Keys(Vec<String>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Keys;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some((k, _)) = m.next_entry::<String, serde::de::IgnoredAny>()? {
                    keys.push(k);
                }
                Ok(Keys(keys))
            }
        }
        d.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for KeyOrder {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v: Vec<Keys> = Vec::deserialize(d)?;
        Ok(KeyOrder(v.into_iter().map(|k| k.0).collect()))
    }
}

// ---------------------------------------------------------------------------------------------
// exit codes, usage
// ---------------------------------------------------------------------------------------------

#[test]
fn clean_workspace_exits_0() {
    let o = dep_ls(&["check", "clean"]);
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "no findings in 2 files\n");
    assert_eq!(stderr(&o), "");
    let o = dep_ls(&["check", "clean", "--format", "json"]);
    assert_code(&o, 0);
    assert!(json(&o).is_empty(), "{}", stdout(&o));
}

#[test]
fn default_path_is_the_current_directory() {
    let o = dep_ls_in(&fixtures().join("clean"), &["check"]);
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "no findings in 2 files\n");
    let o = dep_ls_in(&fixtures().join("errors"), &["check", "--format", "github"]);
    assert_code(&o, 1);
    assert!(
        stdout(&o).contains("::error file=release.md,line="),
        "{}",
        stdout(&o)
    );
}

#[test]
fn errors_exit_1() {
    assert_code(&dep_ls(&["check", "errors"]), 1);
    assert_code(&dep_ls(&["check", "unicode"]), 1);
    assert_code(&dep_ls(&["check", "crlf"]), 1);
}

#[test]
fn warnings_only_exit_0() {
    let o = dep_ls(&["check", "incomplete", "--format", "json"]);
    assert_code(&o, 0);
    let items = json(&o);
    assert!(!items.is_empty());
    assert!(items.iter().all(|v| v["severity"] != "error"), "{items:#?}");
}

#[test]
fn missing_path_exits_2() {
    let o = dep_ls(&["check", "no-such-folder"]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("error: no-such-folder"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), "");
    // Also when it comes after a good PATH.
    assert_code(&dep_ls(&["check", "clean", "no-such-folder"]), 2);
}

#[test]
fn usage_errors_exit_2() {
    let o = dep_ls(&["check", "--frobnicate"]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("--frobnicate"), "{}", stderr(&o));
    assert_code(&dep_ls(&["check", "--format", "xml", "clean"]), 2);
    assert_code(&dep_ls(&["frobnicate"]), 2);
}

#[test]
fn no_subcommand_runs_the_language_server() {
    // Without a command dep-ls is a language server on stdin/stdout. Stdin is closed here
    // before any `shutdown`, so it exits at once with 1 (LSP: exit without shutdown), silently.
    let o = dep_ls(&[]);
    assert_code(&o, 1);
    assert_eq!(stdout(&o), "");
    // `--help` still describes the commands.
    let o = dep_ls(&["--help"]);
    assert_code(&o, 0);
    assert!(stdout(&o).contains("check"), "{}", stdout(&o));
    assert!(stdout(&o).contains("lsp"), "{}", stdout(&o));
}

#[test]
fn unreadable_config_exits_2() {
    let o = dep_ls(&["check", "clean", "--config", "no-such.toml"]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("no-such.toml"), "{}", stderr(&o));
    // A folder is not a readable configuration file either.
    assert_code(&dep_ls(&["check", "clean", "--config", "clean"]), 2);
}

#[test]
fn version() {
    let o = dep_ls(&["--version"]);
    assert_code(&o, 0);
    assert_eq!(
        stdout(&o),
        format!("dep-ls {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_texts() {
    let o = dep_ls(&["--help"]);
    assert_code(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("check"), "{out}");
    assert!(out.contains("Usage: dep-ls"), "{out}");

    let o = dep_ls(&["check", "--help"]);
    assert_code(&o, 0);
    let out = stdout(&o);
    for word in [
        "human",
        "json",
        "sarif",
        "github",
        "Exit codes",
        "--config",
        "--no-color",
        "--verbose",
    ] {
        assert!(out.contains(word), "check --help lacks {word}:\n{out}");
    }
}

// ---------------------------------------------------------------------------------------------
// config problems, skipped files
// ---------------------------------------------------------------------------------------------

#[test]
fn broken_config_warns_and_keeps_the_exit_code() {
    let o = dep_ls(&["check", "bad_config"]);
    assert_code(&o, 0);
    let err = stderr(&o);
    assert!(
        err.lines()
            .any(|l| l.starts_with("warning: ") && l.contains("dep-ls.toml:2:")),
        "{err}"
    );
    assert!(err.contains("max_file_size"), "{err}");
    assert_eq!(stdout(&o), "no findings in 2 files\n");

    // The same broken file given with --config to a workspace with errors: still 1.
    let o = dep_ls(&["check", "errors", "--config", "bad_config/dep-ls.toml"]);
    assert_code(&o, 1);
    assert!(stderr(&o).contains("warning: "), "{}", stderr(&o));
}

/// A fresh folder under the target's scratch directory, a repository of its own (`.git`):
/// it lies inside dep-ls's own repository, whose root the root rule would find otherwise.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".git")).expect("scratch folder");
    dir
}

#[test]
fn skipped_files_are_counted_or_listed() {
    let dir = scratch("skipped");
    std::fs::copy(fixtures().join("clean/release.md"), dir.join("release.md")).expect("copy");
    std::fs::copy(fixtures().join("clean/ids.md"), dir.join("ids.md")).expect("copy");
    std::fs::write(dir.join("latin1.md"), b"DEP-100: Caf\xe9\n").expect("write");

    let o = dep_ls_in(&dir, &["check"]);
    assert_code(&o, 0);
    assert!(
        stderr(&o).contains("note: 1 file skipped (--verbose lists them)"),
        "{}",
        stderr(&o)
    );

    let o = dep_ls_in(&dir, &["check", "--verbose"]);
    assert_code(&o, 0);
    let err = stderr(&o);
    assert!(
        err.lines()
            .any(|l| l.starts_with("note: ") && l.contains("latin1.md")),
        "{err}"
    );
    assert!(!err.contains("--verbose lists them"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// json
// ---------------------------------------------------------------------------------------------

#[test]
fn json_elements_have_exactly_the_spec_keys_in_order() {
    for dir in ["errors", "incomplete", "unicode", "crlf"] {
        let o = dep_ls(&["check", dir, "--format", "json"]);
        let keys: KeyOrder = serde_json::from_slice(&o.stdout).expect("a JSON array of objects");
        assert!(!keys.0.is_empty(), "{dir}: no findings");
        for k in keys.0 {
            assert_eq!(
                k,
                ["path", "severity", "code", "message", "range", "id"],
                "{dir}"
            );
        }
        for v in json(&o) {
            let range = v["range"].as_object().expect("range object");
            let mut keys: Vec<&str> = range.keys().map(String::as_str).collect();
            keys.sort_unstable();
            assert_eq!(keys, ["end", "start"]);
            for end in ["start", "end"] {
                let p = range[end].as_object().expect("position object");
                assert_eq!(p.len(), 2);
                assert!(p["line"].is_u64() && p["character"].is_u64(), "{v}");
            }
            assert!(
                ["error", "warning", "info", "hint"]
                    .contains(&v["severity"].as_str().unwrap_or("")),
                "{v}"
            );
            assert!(v["id"].is_null() || v["id"].is_string(), "{v}");
            assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
        }
    }
}

#[test]
fn json_ranges_are_0_based() {
    let o = dep_ls(&["check", "errors", "--format", "json"]);
    assert_code(&o, 1);
    let items = json(&o);
    let text = read_fixture("errors/release.md");

    let owner = find(&items, "missing-owner", "release.md");
    let line = line_starting(&text, "DEP-003:") as u64;
    assert_eq!(owner["severity"], "error");
    assert_eq!(owner["id"], "DEP-003");
    // A finding about something absent covers the entry's ID on its definition line.
    assert_eq!(range_of(owner), (line, 0, line, 7));

    let link = find(&items, "unresolved-link", "release.md");
    let line = line_starting(&text, "Linked IDs: EPIC-001, TEST-999");
    let col = line_text(&text, line).find("TEST-999").expect("TEST-999") as u64;
    assert_eq!(link["severity"], "error");
    assert_eq!(link["id"], "DEP-003");
    assert_eq!(range_of(link), (line as u64, col, line as u64, col + 8));
    assert!(link["message"].as_str().unwrap_or("").contains("TEST-999"));

    // Findings of the other file are reported with its own relative path.
    assert_eq!(
        find(&items, "invalid-value", "other.md")["severity"],
        "error"
    );
}

#[test]
fn json_is_sorted_by_path_line_column_code() {
    let o = dep_ls(&["check", "errors", "incomplete", "--format", "json"]);
    let items = json(&o);
    let keys: Vec<(String, u64, u64, String)> = items
        .iter()
        .map(|v| {
            let (l, c, _, _) = range_of(v);
            (
                v["path"].as_str().unwrap_or("").to_string(),
                l,
                c,
                v["code"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    // Each PATH's findings are sorted; PATHs come in command-line order.
    let (errors, incomplete) = keys.split_at(
        keys.iter()
            .position(|k| k.0 == "plan.md")
            .unwrap_or(keys.len()),
    );
    assert!(!errors.is_empty() && !incomplete.is_empty(), "{keys:?}");
    for part in [errors, incomplete] {
        let mut sorted = part.to_vec();
        sorted.sort();
        assert_eq!(part, &sorted[..]);
    }
    // Deterministic from run to run.
    assert_eq!(
        o.stdout,
        dep_ls(&["check", "errors", "incomplete", "--format", "json"]).stdout
    );
}

#[test]
fn json_id_is_null_for_plan_level_findings() {
    let o = dep_ls(&["check", "incomplete", "--format", "json"]);
    let items = json(&o);
    for code in ["no-rollback", "no-validation", "missing-environment"] {
        let v = find(&items, code, "plan.md");
        assert!(v["id"].is_null(), "{v}");
        assert_eq!(v["severity"], "warning");
    }
}

#[test]
fn json_characters_are_utf16_code_units() {
    let o = dep_ls(&["check", "unicode", "--format", "json"]);
    assert_code(&o, 1);
    let items = json(&o);
    let text = read_fixture("unicode/release.md");
    let line = line_starting(&text, "Linked IDs: EPIC-001 (");
    let content = line_text(&text, line);
    let byte = content.find("TEST-999").expect("TEST-999");
    let before = &content[..byte];
    let utf16 = before.encode_utf16().count() as u64;
    let chars = before.chars().count() as u64;
    // The line really has characters that tell the three counts apart.
    assert!(
        utf16 != byte as u64 && utf16 != chars,
        "fixture lost its emoji/CJK: {content}"
    );

    let v = find(&items, "unresolved-link", "release.md");
    assert_eq!(range_of(v), (line as u64, utf16, line as u64, utf16 + 8));

    // The human format counts characters for the column, 1-based.
    let o = dep_ls(&["check", "unicode"]);
    let out = stdout(&o);
    let header = format!(
        "release.md:{}:{}: error[unresolved-link]",
        line + 1,
        chars + 1
    );
    assert!(out.contains(&header), "missing {header:?} in\n{out}");
}

#[test]
fn crlf_lines_and_columns() {
    let text = read_fixture("crlf/release.md");
    assert!(
        text.contains("\r\n"),
        "crlf/release.md lost its CRLF line endings (see tests/fixtures/cli/.gitattributes)"
    );
    let line = line_starting(&text, "DEP-003:") as u64;
    let o = dep_ls(&["check", "crlf", "--format", "json"]);
    assert_code(&o, 1);
    let items = json(&o);
    let owner = find(&items, "missing-owner", "release.md");
    assert_eq!(range_of(owner), (line, 0, line, 7));
    for v in &items {
        let (l0, _, l1, _) = range_of(v);
        assert!(l0 <= l1, "{v}");
    }

    let o = dep_ls(&["check", "crlf"]);
    let out = stdout(&o);
    assert!(
        !out.contains('\r'),
        "a carriage return leaked into the output:\n{out:?}"
    );
    assert!(
        out.contains(&format!("release.md:{}:1: error[missing-owner]", line + 1)),
        "{out}"
    );
    assert!(
        out.contains("| DEP-003: All Tests Pass in Staging\n"),
        "{out}"
    );
}

// ---------------------------------------------------------------------------------------------
// human
// ---------------------------------------------------------------------------------------------

#[test]
fn human_output_is_compiler_like() {
    let o = dep_ls(&["check", "errors"]);
    assert_code(&o, 1);
    let out = stdout(&o);
    let text = read_fixture("errors/release.md");
    let line = line_starting(&text, "DEP-003:") + 1;
    // Paths are shown as given on the command line joined with the file's path, so a terminal
    // can open them.
    let header = format!("errors/release.md:{line}:1: error[missing-owner]: ");
    let lines: Vec<&str> = out.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with(&header))
        .unwrap_or_else(|| panic!("no line starting with {header:?}:\n{out}"));
    // Then the source line and the underline of `DEP-003`.
    assert!(
        lines[at + 1].ends_with(&format!("{line} | DEP-003: All Tests Pass in Staging")),
        "{out}"
    );
    let caret = lines[at + 2];
    assert!(caret.ends_with("| ^~~~~~~"), "{caret:?}");
    // The underline's column matches the source line's.
    assert_eq!(caret.find('|'), lines[at + 1].find('|'));

    // The unresolved link is underlined where it is.
    let link_line = line_starting(&text, "Linked IDs: EPIC-001, TEST-999");
    let src = line_text(&text, link_line);
    let col = src.find("TEST-999").expect("TEST-999");
    let header = format!(
        "errors/release.md:{}:{}: error[unresolved-link]: ",
        link_line + 1,
        col + 1
    );
    let at = lines
        .iter()
        .position(|l| l.starts_with(&header))
        .unwrap_or_else(|| panic!("no line starting with {header:?}:\n{out}"));
    let src_shown = lines[at + 1];
    let caret = lines[at + 2];
    let bar = src_shown.find("| ").expect("gutter") + 2;
    assert_eq!(&src_shown[bar..], src);
    assert_eq!(
        caret[bar..].trim_end(),
        format!("{}^~~~~~~~", " ".repeat(col)).trim_end()
    );

    // Related locations.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("  note: errors/other.md:3:1: ")),
        "no note for the duplicate definition:\n{out}"
    );
    // Summary, last.
    assert_eq!(lines.last().copied(), Some("5 errors in 3 files"), "{out}");
    // Not a terminal: no colors.
    assert!(!out.contains('\x1b'), "{out:?}");
}

#[test]
fn human_underline_after_wide_characters() {
    let o = dep_ls(&["check", "unicode", "--no-color"]);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("error[unresolved-link]"))
        .unwrap_or_else(|| panic!("{out}"));
    let (src, caret) = (lines[at + 1], lines[at + 2]);
    let bar = src.find("| ").expect("gutter") + 2;
    assert_eq!(caret.find("| ").map(|b| b + 2), Some(bar));
    // `Linked IDs: EPIC-001 (` is 22 columns, `发布` 4, ` ` 1, `🚀` 2, ` checkout), ` 12.
    assert_eq!(
        &caret[bar..],
        format!("{}^~~~~~~~", " ".repeat(22 + 4 + 1 + 2 + 12))
    );
}

#[test]
fn a_file_path_reports_only_that_file() {
    let o = dep_ls(&["check", "errors/release.md", "--format", "json"]);
    assert_code(&o, 1);
    let items = json(&o);
    assert!(!items.is_empty());
    assert!(
        items.iter().all(|v| v["path"] == "release.md"),
        "{items:#?}"
    );
    // IDs defined in ids.md (same folder) still resolve: only TEST-999 is unresolved.
    let unresolved: Vec<_> = items
        .iter()
        .filter(|v| v["code"] == "unresolved-link")
        .collect();
    assert_eq!(unresolved.len(), 1, "{unresolved:#?}");
    // And the duplicate in other.md is still seen.
    assert!(
        items.iter().any(|v| v["code"] == "duplicate-id"),
        "{items:#?}"
    );

    let o = dep_ls(&["check", "errors/other.md"]);
    assert_code(&o, 1);
    let out = stdout(&o);
    assert!(out.lines().all(|l| !l.starts_with("release.md:")), "{out}");
    assert!(out.ends_with(" in 1 file\n"), "{out}");

    // A file in the current directory.
    let o = dep_ls_in(
        &fixtures().join("errors"),
        &["check", "other.md", "--format", "github"],
    );
    assert_code(&o, 1);
    assert!(
        stdout(&o)
            .lines()
            .all(|l| l.starts_with("::error file=other.md,")),
        "{}",
        stdout(&o)
    );
}

#[test]
fn several_paths_are_reported_together() {
    let o = dep_ls(&["check", "clean", "errors", "--format", "json"]);
    assert_code(&o, 1);
    let all = json(&o);
    let alone = json(&dep_ls(&["check", "errors", "--format", "json"]));
    assert_eq!(all, alone);

    let o = dep_ls(&["check", "clean", "incomplete", "crlf"]);
    assert_code(&o, 1);
    let out = stdout(&o);
    assert!(out.contains("plan.md:"), "{out}");
    assert!(out.contains("release.md:"), "{out}");
    assert!(out.ends_with(" in 5 files\n"), "{out}");
}

// ---------------------------------------------------------------------------------------------
// sarif
// ---------------------------------------------------------------------------------------------

#[test]
fn sarif_log() {
    let o = dep_ls(&["check", "errors", "--format", "sarif"]);
    assert_code(&o, 1);
    let log: Value = serde_json::from_slice(&o.stdout).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "dep-ls");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));

    let rules = driver["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), dep_ls::check::Code::ALL.len());
    for (rule, code) in rules.iter().zip(dep_ls::check::Code::ALL) {
        assert_eq!(rule["id"], code.as_str());
        assert_eq!(rule["shortDescription"]["text"], code.describe());
        assert!(["error", "warning", "note"]
            .contains(&rule["defaultConfiguration"]["level"].as_str().unwrap_or("")));
    }
    assert_eq!(rules[0]["id"], "missing-owner");
    assert_eq!(rules[0]["defaultConfiguration"]["level"], "error");

    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 5);
    for r in results {
        let idx = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap_or("")));
        assert!(r["message"]["text"].is_string());
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let region = &loc["region"];
        for k in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(region[k].as_u64().is_some_and(|n| n >= 1), "{k}: {region}");
        }
    }

    let text = read_fixture("errors/release.md");
    let line = line_starting(&text, "DEP-003:") as u64 + 1;
    let owner = results
        .iter()
        .find(|r| r["ruleId"] == "missing-owner")
        .expect("missing-owner result");
    assert_eq!(owner["level"], "error");
    let loc = &owner["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "release.md");
    assert_eq!(
        loc["region"],
        serde_json::json!({"startLine": line, "startColumn": 1, "endLine": line, "endColumn": 8})
    );

    let dup = results
        .iter()
        .find(|r| {
            r["ruleId"] == "duplicate-id"
                && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "other.md"
        })
        .expect("duplicate-id result in other.md");
    let rel = &dup["relatedLocations"][0];
    assert_eq!(
        rel["physicalLocation"]["artifactLocation"]["uri"],
        "release.md"
    );
    assert!(rel["message"]["text"].is_string());
}

#[test]
fn sarif_columns_are_utf16() {
    let o = dep_ls(&["check", "unicode", "--format", "sarif"]);
    let log: Value = serde_json::from_slice(&o.stdout).expect("SARIF is JSON");
    let r = &log["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "unresolved-link");
    let text = read_fixture("unicode/release.md");
    let line = line_starting(&text, "Linked IDs: EPIC-001 (");
    let content = line_text(&text, line);
    let utf16 = content[..content.find("TEST-999").unwrap_or(0)]
        .encode_utf16()
        .count() as u64;
    assert_eq!(
        r["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": line + 1, "startColumn": utf16 + 1, "endLine": line + 1, "endColumn": utf16 + 9})
    );
}

#[test]
fn sarif_with_no_findings_has_an_empty_result_list() {
    let o = dep_ls(&["check", "clean", "--format", "sarif"]);
    assert_code(&o, 0);
    let log: Value = serde_json::from_slice(&o.stdout).expect("SARIF is JSON");
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}

// ---------------------------------------------------------------------------------------------
// github
// ---------------------------------------------------------------------------------------------

#[test]
fn github_workflow_commands() {
    let o = dep_ls(&["check", "errors", "--format", "github"]);
    assert_code(&o, 1);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5, "{out}");
    for l in &lines {
        assert!(l.starts_with("::error file=errors/"), "{l}");
    }
    let text = read_fixture("errors/release.md");
    let line = line_starting(&text, "DEP-003:") + 1;
    let expected = format!(
        "::error file=errors/release.md,line={line},col=1,endLine={line},endColumn=8,title=dep-ls missing-owner::"
    );
    assert!(
        lines.iter().any(|l| l.starts_with(&expected)),
        "no {expected:?} in\n{out}"
    );
    // Related locations go into the message, with escaped newlines.
    assert!(
        lines
            .iter()
            .any(|l| l.contains("title=dep-ls duplicate-id::") && l.contains("%0Anote: errors/")),
        "{out}"
    );

    // `./errors/` gives the same paths; warnings and hints are not errors.
    let o = dep_ls(&["check", "./errors/", "--format", "github"]);
    assert_eq!(stdout(&o), out);
    let o = dep_ls(&["check", "incomplete", "--format", "github"]);
    assert_code(&o, 0);
    for l in stdout(&o).lines() {
        assert!(
            l.starts_with("::warning file=incomplete/plan.md,")
                || l.starts_with("::notice file=incomplete/plan.md,"),
            "{l}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// large output, closed pipes
// ---------------------------------------------------------------------------------------------

/// A workspace of `files` files, each with two Criteria entries that lack an owner.
fn big_workspace(name: &str, files: usize) -> PathBuf {
    let dir = scratch(name);
    for f in 0..files {
        let mut s = String::new();
        for e in 0..2 {
            let n = f * 2 + e + 1;
            s.push_str(&format!(
                "DEP-{n:04}: Criterion {n}\nType: Criteria\nStage: Pre-deploy\nDescription: d\n\
                 Requirement: r\nVerification: v\nBlocker: No\nLinked IDs: EPIC-9999\n\n"
            ));
        }
        std::fs::write(dir.join(format!("plan-{f:03}.md")), s).expect("write");
    }
    dir
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let dir = big_workspace("pipe", 250);
    let mut child = bin()
        .args(["check", "--format", "human"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = [0u8; 64];
    let mut stdout = child.stdout.take().expect("stdout");
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout);
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr");
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(1), "stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    // Not a terminal: no progress line.
    assert!(!err.contains("Indexing"), "{err}");
}

#[test]
fn many_files_all_reported() {
    let dir = big_workspace("many", 250);
    let o = dep_ls_in(&dir, &["check", "--format", "json"]);
    assert_code(&o, 1);
    let items = json(&o);
    let owners = items
        .iter()
        .filter(|v| v["code"] == "missing-owner")
        .count();
    assert_eq!(owners, 500);
    let o = dep_ls_in(&dir, &["check"]);
    assert!(stdout(&o).contains(" in 250 files\n"), "{}", stdout(&o));
}

// ---------------------------------------------------------------------------------------------
// issue 14: boundaries (the root rule, nested workspaces, include)
// ---------------------------------------------------------------------------------------------

/// A fresh folder in the system's temporary directory (outside every repository, so that the
/// root rule finds only the markers the test writes), with `files` written into it.
fn outside(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dep-ls-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary folder");
    for (rel, text) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
    }
    dir.canonicalize().expect("canonical")
}

fn codes_and_paths(items: &[Value]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = items
        .iter()
        .map(|i| {
            (
                i["code"].as_str().unwrap_or("").to_string(),
                i["path"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

const PLAN_LINKING_SOT: &str = "DEP-010: Smoke test\nType: Validation\nStage: Post-deploy\n\
Description: d\nCheck: c\nMethod: Automated\nSuccess Criteria: green\nEscalation: page\n\
Owner: QA\nLinked IDs: API-001, TEST-001, TEST-999\n";

/// `check FILE` and `check FOLDER` report that file's (folder's) findings, resolved against
/// the whole workspace (the nearest folder up holding `SoT/`): IDs defined in `SoT/` resolve.
/// Paths stay relative to the folder given (a FILE: to its folder).
#[test]
fn a_file_or_folder_is_checked_against_its_whole_workspace() {
    let ws = outside(
        "root-rule",
        &[
            (
                "SoT/SoT.API.md",
                "## API-001: Create order\n## TEST-001: Suite\n",
            ),
            (
                "SoT/SoT.DEPLOYMENT.md",
                "DEP-011: Staging\nType: Nonsense\n",
            ),
            ("release/plan.md", PLAN_LINKING_SOT),
            ("release/other.md", "Mentions API-404.\n"),
        ],
    );
    let o = dep_ls_in(&ws, &["check", "release/plan.md", "--format", "json"]);
    let items = json(&o);
    assert_eq!(
        codes_and_paths(&items),
        [("unresolved-link".to_string(), "plan.md".to_string())],
        "{items:#?}"
    );
    assert!(items[0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("TEST-999")));
    // The folder: its two files, nothing of SoT/.
    let o = dep_ls_in(&ws, &["check", "release", "--format", "json"]);
    assert_eq!(
        codes_and_paths(&json(&o)),
        [
            ("unresolved-link".to_string(), "other.md".to_string()),
            ("unresolved-link".to_string(), "plan.md".to_string()),
        ]
    );
    // From inside the folder, and as GitHub wants the paths (PATH as given).
    let o = dep_ls_in(
        &ws.join("release"),
        &["check", "plan.md", "--format", "json"],
    );
    assert_eq!(codes_and_paths(&json(&o)).len(), 1);
    let o = dep_ls_in(&ws, &["check", "release/plan.md", "--format", "github"]);
    assert!(
        stdout(&o).contains("file=release/plan.md,"),
        "{}",
        stdout(&o)
    );
    // The whole workspace still reports everything, SoT/ included.
    let o = dep_ls_in(&ws, &["check", ".", "--format", "json"]);
    let all = codes_and_paths(&json(&o));
    assert!(all.iter().any(|(_, p)| p.starts_with("SoT/")), "{all:?}");
    let _ = std::fs::remove_dir_all(&ws);
}

/// The pre-commit hook's call (`.pre-commit-hooks.yaml`): `check FILE…` with the changed files
/// of a repository, from its root. Each file is resolved against the whole repository (IDs
/// defined only in files not given resolve), each finding is reported once, only the files
/// given are reported, and an error fails the run while a clean file alone passes.
#[test]
fn several_files_of_one_repository_as_pre_commit_passes_them() {
    let ws = outside(
        "pre-commit-files",
        &[
            (".git/HEAD", "ref: refs/heads/main\n"),
            ("SoT/SoT.API.md", "## API-001: Create order\n"),
            ("SoT/SoT.TESTING.md", "## TEST-001: Suite\n"),
            ("docs/unchanged.md", "Mentions API-404.\n"),
            ("release/plan.md", PLAN_LINKING_SOT),
            ("release/notes.md", "Links API-001 and TEST-001.\n"),
        ],
    );
    let args = [
        "check",
        "release/plan.md",
        "release/notes.md",
        "SoT/SoT.API.md",
        "--format",
        "json",
    ];
    let o = dep_ls_in(&ws, &args);
    assert_code(&o, 1);
    let items = json(&o);
    // Only TEST-999 of plan.md is unresolved (API-001 and TEST-001 are defined in SoT/);
    // docs/unchanged.md's API-404 is not reported, nor anything twice.
    let unresolved: Vec<_> = items
        .iter()
        .filter(|i| i["code"] == "unresolved-link")
        .collect();
    assert_eq!(unresolved.len(), 1, "{items:#?}");
    assert!(unresolved[0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("TEST-999")));
    assert!(items.iter().all(|i| i["path"] == "plan.md"), "{items:#?}");
    let mut distinct = items.clone();
    distinct.dedup();
    assert_eq!(distinct.len(), items.len(), "{items:#?}");
    let o = dep_ls_in(&ws, &["check", "release/notes.md", "SoT/SoT.TESTING.md"]);
    assert_code(&o, 0);
    let _ = std::fs::remove_dir_all(&ws);
}

/// Without any marker up to `/`, the folder given is its own workspace (nothing above it is
/// read): the IDs of a sibling folder do not resolve.
#[test]
fn without_a_marker_the_folder_given_is_the_workspace() {
    let ws = outside(
        "no-marker",
        &[
            ("defs/ids.md", "## API-001: x\n## TEST-001: y\n"),
            ("release/plan.md", PLAN_LINKING_SOT),
        ],
    );
    let unresolved = |o: &Output| {
        json(o)
            .iter()
            .filter(|i| i["code"] == "unresolved-link")
            .count()
    };
    let o = dep_ls_in(&ws, &["check", "release/plan.md", "--format", "json"]);
    assert_eq!(
        unresolved(&o),
        3,
        "API-001, TEST-001, TEST-999: {}",
        stdout(&o)
    );
    // With a marker at the top, they resolve.
    std::fs::write(ws.join("dep-ls.toml"), "").expect("write");
    let o = dep_ls_in(&ws, &["check", "release/plan.md", "--format", "json"]);
    assert_eq!(unresolved(&o), 1);
    // A related location outside the folder given climbs out of it.
    std::fs::write(ws.join("defs/dup.md"), "DEP-010: Again\n").expect("write");
    let o = dep_ls_in(&ws, &["check", "release", "--format", "sarif"]);
    assert!(stdout(&o).contains("../defs/dup.md"), "{}", stdout(&o));
    let _ = std::fs::remove_dir_all(&ws);
}

/// A folder below the root with its own marker (`SoT/` like the methodology's
/// `tests/fixtures/healthy_repo`, or `dep-ls.toml`) is a workspace of its own: its
/// definitions do not collide with the root's (no duplicate-id), do not resolve the root's
/// links, and its own findings are reported by `check <root>` with paths relative to the folder
/// given — the same findings `check <nested>` gives.
#[test]
fn nested_workspaces_are_checked_on_their_own() {
    let ws = outside(
        "nested",
        &[
            ("SoT/SoT.API.md", "## API-001: Outer\n\nMentions API-002.\n"),
            (
                "tests/fixtures/healthy/SoT/SoT.API.md",
                "## API-001: Nested\n## API-002: Nested only\n\nMentions API-003.\n",
            ),
            ("tests/fixtures/toml/dep-ls.toml", "prefixes = [\"OPS\"]\n"),
            ("tests/fixtures/other/SoT/SoT.API.md", "## API-001: Other\n"),
            (
                "tests/fixtures/toml/notes.md",
                "## API-001: Third\n\nMentions OPS-001.\n",
            ),
        ],
    );
    let o = dep_ls_in(&ws, &["check", "--format", "json"]);
    let items = json(&o);
    assert_eq!(
        codes_and_paths(&items),
        [
            ("unresolved-link".to_string(), "SoT/SoT.API.md".to_string()),
            (
                "unresolved-link".to_string(),
                "tests/fixtures/healthy/SoT/SoT.API.md".to_string()
            ),
            (
                "unresolved-link".to_string(),
                "tests/fixtures/toml/notes.md".to_string()
            ),
        ],
        "{items:#?}"
    );
    // Each with its own configuration: OPS- is a prefix in `toml` only.
    assert!(items[2]["message"]
        .as_str()
        .is_some_and(|m| m.contains("OPS-001")));
    // The nested workspace alone: the same finding, relative to it.
    let o = dep_ls_in(
        &ws,
        &["check", "tests/fixtures/healthy", "--format", "json"],
    );
    assert_eq!(
        codes_and_paths(&json(&o)),
        [("unresolved-link".to_string(), "SoT/SoT.API.md".to_string())]
    );
    // A folder above the nested ones (no marker of its own): only the nested findings, each
    // resolved on its own (`healthy` and `other` define API-001 both: no duplicate-id).
    let o = dep_ls_in(&ws, &["check", "tests", "--format", "json"]);
    assert_eq!(
        codes_and_paths(&json(&o)),
        [
            (
                "unresolved-link".to_string(),
                "fixtures/healthy/SoT/SoT.API.md".to_string()
            ),
            (
                "unresolved-link".to_string(),
                "fixtures/toml/notes.md".to_string()
            )
        ]
    );
    // A file of a nested workspace is resolved in it.
    let o = dep_ls_in(
        &ws,
        &[
            "check",
            "tests/fixtures/healthy/SoT/SoT.API.md",
            "--format",
            "json",
        ],
    );
    assert_eq!(json(&o).len(), 1);
    let _ = std::fs::remove_dir_all(&ws);
}

/// `include` reaches a hidden folder it names (`.claude/**/*.md`); a glob that matches no file
/// is a warning naming it; hidden folders it does not name stay unread.
#[test]
fn include_reaches_hidden_folders_and_warns_when_it_matches_nothing() {
    let ws = outside(
        "include",
        &[
            (
                "dep-ls.toml",
                "include = [\".claude/**/*.md\", \"nothing/**/*.md\"]\n",
            ),
            (".claude/skills/x/SKILL.md", "Mentions API-404.\n"),
            (".other/y.md", "Mentions API-405.\n"),
            ("plan.md", "Mentions API-406.\n"),
        ],
    );
    let o = dep_ls_in(&ws, &["check", "--format", "json"]);
    assert_eq!(
        codes_and_paths(&json(&o)),
        [(
            "unresolved-link".to_string(),
            ".claude/skills/x/SKILL.md".to_string()
        )]
    );
    let err = stderr(&o);
    assert!(
        err.contains("warning: ")
            && err.contains("dep-ls.toml:1: include glob `nothing/**/*.md` matches no file"),
        "{err}"
    );
    assert!(!err.contains("`.claude/**/*.md` matches no file"), "{err}");
    // Without `include`, hidden folders are not read.
    std::fs::write(ws.join("dep-ls.toml"), "").expect("write");
    let o = dep_ls_in(&ws, &["check", "--format", "json"]);
    assert_eq!(
        codes_and_paths(&json(&o)),
        [("unresolved-link".to_string(), "plan.md".to_string())]
    );
    assert!(!stderr(&o).contains("matches no file"), "{}", stderr(&o));
    // …unless given: `check .claude/skills/x` reads that folder, in its workspace.
    let o = dep_ls_in(&ws, &["check", ".claude/skills/x", "--format", "json"]);
    assert_eq!(
        codes_and_paths(&json(&o)),
        [("unresolved-link".to_string(), "SKILL.md".to_string())]
    );
    let _ = std::fs::remove_dir_all(&ws);
}

/// `report` and `graph` use the same rule: a file's plan is resolved against its workspace.
#[test]
fn report_and_graph_of_a_file_use_its_workspace() {
    let ws = outside(
        "report-root",
        &[
            (
                "SoT/SoT.API.md",
                "## API-001: Create order\n## TEST-001: Suite\n",
            ),
            ("release/plan.md", PLAN_LINKING_SOT),
        ],
    );
    let o = dep_ls_in(&ws, &["graph", "release/plan.md", "--format", "json"]);
    assert_code(&o, 0);
    let g: Value = serde_json::from_slice(&o.stdout).expect("graph JSON");
    let text = g.to_string();
    assert!(
        text.contains("DEP-010") && text.contains("API-001"),
        "{text}"
    );
    let o = dep_ls_in(&ws, &["report", "release/plan.md", "--format", "json"]);
    let r: Value = serde_json::from_slice(&o.stdout).expect("report JSON");
    assert!(r.to_string().contains("release/plan.md"), "{r}");
    let _ = std::fs::remove_dir_all(&ws);
}

/// A folder ignored by its root's `.gitignore` (a build folder in a repository) is not
/// reached from the root: given explicitly, it is checked as a workspace of its own.
#[test]
fn an_ignored_folder_given_explicitly_is_checked_on_its_own() {
    let ws = outside(
        "ignored",
        &[
            (".gitignore", "/build/\n"),
            ("SoT/SoT.API.md", "## API-001: x\n"),
            ("build/plan.md", "Mentions API-001 and API-404.\n"),
        ],
    );
    std::fs::create_dir_all(ws.join(".git")).expect("mkdir");
    let o = dep_ls_in(&ws, &["check", "--format", "json"]);
    assert!(json(&o).is_empty(), "{}", stdout(&o));
    let o = dep_ls_in(&ws, &["check", "build", "--format", "json"]);
    assert_eq!(json(&o).len(), 2, "{}", stdout(&o));
    let _ = std::fs::remove_dir_all(&ws);
}

/// A monorepo configured at its top (`dep-ls.toml`, no `SoT/` of its own) keeps its products'
/// `SoT/` folders as parts of one workspace: their links resolve across products, from the top
/// and from a product's file alike.
#[test]
fn products_of_a_monorepo_are_one_workspace() {
    let ws = outside(
        "monorepo",
        &[
            ("dep-ls.toml", ""),
            (
                "products/a/SoT/SoT.API.md",
                "## API-001: A\n\nMentions API-002.\n",
            ),
            (
                "products/b/SoT/SoT.API.md",
                "## API-002: B\n\nMentions API-001.\n",
            ),
            (
                "products/b/release/plan.md",
                "Mentions API-001 and API-002.\n",
            ),
        ],
    );
    let o = dep_ls_in(&ws, &["check", "--format", "json"]);
    assert!(json(&o).is_empty(), "{}", stdout(&o));
    let o = dep_ls_in(
        &ws,
        &["check", "products/b/release/plan.md", "--format", "json"],
    );
    assert!(json(&o).is_empty(), "{}", stdout(&o));
    // Without the top's marker, each product is a workspace of its own.
    std::fs::remove_file(ws.join("dep-ls.toml")).expect("rm");
    let o = dep_ls_in(
        &ws,
        &["check", "products/b/release/plan.md", "--format", "json"],
    );
    assert_eq!(json(&o).len(), 1, "API-001: {}", stdout(&o));
    let _ = std::fs::remove_dir_all(&ws);
}

/// `dep-ls schema` prints the schema the VS Code extension bundles (its templates and snippets
/// are built from it), as JSON other editors can read.
#[test]
fn schema_prints_the_json_the_vs_code_extension_bundles() {
    let o = dep_ls(&["schema"]);
    assert_code(&o, 0);
    let bundled = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/code/src/schema.json"),
    )
    .expect("schema.json");
    assert_eq!(stdout(&o), bundled);
    let v: Value = serde_json::from_str(&stdout(&o)).expect("json");
    let types: Vec<&str> = v["types"]
        .as_array()
        .expect("types")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(
        types,
        ["Environment", "Criteria", "Rollback", "Validation", "Step"]
    );
}

// `dep-ls config` and `dep-ls init`.

/// A workspace with a `dep-ls.toml` (`prefixes`, one severity) and a domain profile.
fn configured(name: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::write(
        dir.join("dep-ls.toml"),
        "prefixes = [\"OPS\"]\n[severity]\nrange-gap = \"off\"\n",
    )
    .expect("write dep-ls.toml");
    std::fs::create_dir_all(dir.join(".claude")).expect("mkdir");
    std::fs::write(
        dir.join(".claude/domain-profile.yaml"),
        "id_prefixes:\n  PLT: \"Platform\"\n",
    )
    .expect("write the profile");
    dir
}

/// The line of `text` that starts with `start`, trimmed.
fn line_of<'a>(text: &'a str, start: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line starting with {start:?} in\n{text}"))
}

#[test]
fn config_shows_each_value_with_its_source() {
    let dir = configured("config-human");
    // A folder inside the workspace resolves to its root, as `check` and the server do.
    std::fs::create_dir_all(dir.join("docs")).expect("mkdir");
    let o = dep_ls_in(&dir.join("docs"), &["config"]);
    assert_code(&o, 0);
    let out = stdout(&o);
    let root = dir.canonicalize().expect("canonical");
    assert!(
        out.contains(&format!("Workspace: {}", root.display())),
        "{out}"
    );
    assert!(
        line_of(&out, "  dep-ls.toml ").ends_with(&root.join("dep-ls.toml").display().to_string()),
        "{out}"
    );
    assert!(
        line_of(&out, "  domain profile ").contains("(prefixes: PLT)"),
        "{out}"
    );
    assert!(
        line_of(&out, "  editor settings ").contains("not known from the command line"),
        "{out}"
    );
    let prefixes = line_of(&out, "prefixes = ");
    assert!(
        prefixes.starts_with("prefixes = [\"OPS\", \"PLT\"]")
            && prefixes.ends_with("# dep-ls.toml + domain profile + default"),
        "{prefixes}"
    );
    assert!(
        line_of(&out, "range-gap = \"off\"").ends_with("# dep-ls.toml"),
        "{out}"
    );
    assert!(
        line_of(&out, "stage-mismatch = \"hint\"").ends_with("# default"),
        "{out}"
    );
    assert!(
        line_of(&out, "[severity]").ends_with("# dep-ls.toml + default"),
        "{out}"
    );
    assert!(
        line_of(&out, "scope = \"workspace\"").ends_with("# default"),
        "{out}"
    );
    assert!(out.contains("No problems in the configuration."), "{out}");
}

#[test]
fn config_as_json_with_editor_settings_under_the_file() {
    let dir = configured("config-json");
    // The file wins over the editor (range-gap), the editor over the defaults (plan scope).
    let o = dep_ls_in(
        &dir,
        &[
            "config",
            "--format",
            "json",
            "--settings",
            r#"{"severity": {"range-gap": "error", "stage-mismatch": "off"}, "plan": {"scope": "file"}, "logLevel": "info"}"#,
        ],
    );
    assert_code(&o, 0);
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let s = &v["settings"];
    assert_eq!(s["severity"]["value"]["range-gap"], "off");
    assert_eq!(
        s["severity"]["entries"]["range-gap"],
        serde_json::json!(["dep-ls.toml"])
    );
    assert_eq!(s["severity"]["value"]["stage-mismatch"], "off");
    assert_eq!(
        s["severity"]["entries"]["stage-mismatch"],
        serde_json::json!(["editor settings"])
    );
    assert_eq!(s["plan"]["value"]["scope"], "file");
    assert_eq!(
        s["plan"]["entries"]["scope"],
        serde_json::json!(["editor settings"])
    );
    assert_eq!(s["max_file_size"]["value"], 8388608);
    assert_eq!(s["max_file_size"]["source"], serde_json::json!(["default"]));
    assert_eq!(s["include"]["editor"], false);
    assert_eq!(
        v["sources"]["profile"]["prefixes"],
        serde_json::json!(["PLT"])
    );
    assert_eq!(v["sources"]["file"]["kind"], "dep-ls.toml");
    assert_eq!(v["sources"]["editor"]["known"], true);
    assert_eq!(v["problems"], serde_json::json!([]));
}

#[test]
fn config_shows_the_problems_check_reports_and_exits_1() {
    let o = dep_ls(&["config", "bad_config"]);
    assert_code(&o, 1);
    let out = stdout(&o);
    let check = dep_ls(&["check", "bad_config"]);
    let check_err = stderr(&check);
    let warnings: Vec<&str> = check_err
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    assert_eq!(warnings.len(), 2, "{}", stderr(&check));
    for w in &warnings {
        assert!(out.contains(&format!("  {w}\n")), "{w} not in\n{out}");
    }
    assert!(out.contains("Problems (2;"), "{out}");
    // The refused value is not shown as the file's: the default applies.
    assert!(
        line_of(&out, "max_file_size = 8388608").ends_with("# default"),
        "{out}"
    );
    let o = dep_ls(&["config", "bad_config", "--format", "json"]);
    assert_code(&o, 1);
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let lines: Vec<&Value> = v["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| &p["line"])
        .collect();
    assert_eq!(lines, [2, 3]);
    // --config names its file as the source.
    let o = dep_ls(&["config", "clean", "--config", "bad_config/dep-ls.toml"]);
    assert_code(&o, 1);
    assert!(
        line_of(&stdout(&o), "  --config ").ends_with("dep-ls.toml"),
        "{}",
        stdout(&o)
    );
    // Usage errors.
    assert_code(&dep_ls(&["config", "no-such-folder"]), 2);
    assert_code(&dep_ls(&["config", "clean", "--settings", "{"]), 2);
    assert_code(&dep_ls(&["config", "clean", "--config", "no-such.toml"]), 2);
}

#[test]
fn init_writes_a_commented_config_and_a_plan_and_never_overwrites() {
    let dir = scratch("init");
    let o = dep_ls_in(&dir, &["init", "--plan"]);
    assert_code(&o, 0);
    let toml = std::fs::read_to_string(dir.join("dep-ls.toml")).expect("dep-ls.toml written");
    let plan = std::fs::read_to_string(dir.join("release-plan.md")).expect("plan written");
    assert!(stdout(&o).contains("wrote ./dep-ls.toml"), "{}", stdout(&o));
    // Every key is there, commented out, with a line on what it does.
    for key in [
        "prefixes = []",
        "include = []",
        "exclude = []",
        "max_file_size = 8388608",
        "[severity]",
        "range-gap = \"warning\"",
        "[owner]",
        "criteria = \"required\"",
        "[plan]",
        "scope = \"workspace\"",
    ] {
        assert!(toml.contains(&format!("\n# {key}")), "{key} not in\n{toml}");
    }
    assert!(
        toml.lines().all(|l| l.is_empty() || l.starts_with('#')),
        "{toml}"
    );
    // It reads back with no problem.
    let o = dep_ls_in(&dir, &["config", "--format", "json"]);
    assert_code(&o, 0);
    // The plan: one entry of each Type, DEP-001…DEP-005, with the guide's placeholders.
    for (n, ty) in ["Environment", "Criteria", "Rollback", "Validation", "Step"]
        .iter()
        .enumerate()
    {
        let def = format!(
            "## DEP-{:03}: [Deployment Item Title]\n\nType: {ty}\n",
            n + 1
        );
        assert!(plan.contains(&def), "{def} not in\n{plan}");
    }
    // An unfilled template: one `template-placeholder` warning per entry, on its title, and
    // nothing else (its fields are checked once it has a real title); exit 0.
    let o = dep_ls_in(&dir, &["check", "--format", "json"]);
    assert_code(&o, 0);
    let findings = json(&o);
    let got: Vec<(String, String, String, u64)> = findings
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or("").to_string(),
                f["severity"].as_str().unwrap_or("").to_string(),
                f["id"].as_str().unwrap_or("").to_string(),
                f["range"]["start"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let want: Vec<(String, String, String, u64)> = (1..=5)
        .map(|n| {
            let id = format!("DEP-{n:03}");
            let line = plan
                .lines()
                .position(|l| l.starts_with(&format!("## {id}:")))
                .expect("definition") as u64;
            ("template-placeholder".into(), "warning".into(), id, line)
        })
        .collect();
    assert_eq!(got, want);

    // Again: both exist, both are left alone, exit 1.
    std::fs::write(dir.join("dep-ls.toml"), "prefixes = [\"OPS\"]\n").expect("write");
    let o = dep_ls_in(&dir, &["init", "--plan"]);
    assert_code(&o, 1);
    for name in ["dep-ls.toml", "release-plan.md"] {
        assert!(
            stderr(&o).contains(&format!("./{name} already exists: left alone")),
            "{}",
            stderr(&o)
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("dep-ls.toml")).expect("read"),
        "prefixes = [\"OPS\"]\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("release-plan.md")).expect("read"),
        plan
    );
    // One exists: the other is written, exit 1; no temporary file is left behind.
    std::fs::remove_file(dir.join("release-plan.md")).expect("rm");
    let o = dep_ls_in(&dir, &["init", "--plan"]);
    assert_code(&o, 1);
    assert_eq!(
        std::fs::read_to_string(dir.join("release-plan.md")).expect("read"),
        plan
    );
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".git", "dep-ls.toml", "release-plan.md"]);
    // A dangling link is a name in use too.
    #[cfg(unix)]
    {
        let d = scratch("init-link");
        std::os::unix::fs::symlink(d.join("nowhere"), d.join("dep-ls.toml")).expect("link");
        assert_code(&dep_ls_in(&d, &["init"]), 1);
        assert!(!d.join("nowhere").exists());
    }
    // PATH must be a folder.
    assert_code(&dep_ls_in(&dir, &["init", "release-plan.md"]), 2);
    assert_code(&dep_ls_in(&dir, &["init", "no-such-folder"]), 2);
}

/// A running `dep-ls check --watch`: its stdout lines arrive on a channel (read on a thread, so
/// a silent or hung binary only makes a bounded wait fail); killed when dropped.
struct Watching {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    /// Everything read so far, for failure messages.
    seen: Vec<String>,
}

/// How long a watch test waits for any one thing before it fails.
const WATCH_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

impl Watching {
    fn start(dir: &Path, args: &[&str]) -> Watching {
        Self::start_with(dir, args, bin())
    }

    fn start_with(dir: &Path, args: &[&str], mut cmd: Command) -> Watching {
        let mut child = cmd
            .arg("check")
            .arg("--watch")
            .arg(dir)
            .args(args)
            .arg("--no-color")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the dep-ls binary runs");
        let out = child.stdout.take().expect("stdout");
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Watching {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Reads lines until one satisfies `want` (within [`WATCH_WAIT`]), and returns it.
    #[track_caller]
    fn until(&mut self, what: &str, want: impl Fn(&str) -> bool) -> String {
        let deadline = std::time::Instant::now() + WATCH_WAIT;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if want(&line) {
                        return line;
                    }
                }
                Err(e) => panic!(
                    "no {what} within {WATCH_WAIT:?} ({e}); output:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// Sends `signal` and returns the exit code (the child is killed after a bounded wait).
    #[cfg(unix)]
    fn stop(&mut self, signal: i32) -> Option<i32> {
        let pid = i32::try_from(self.child.id()).expect("pid");
        // SAFETY: a signal to our own child.
        unsafe { libc::kill(pid, signal) };
        let deadline = std::time::Instant::now() + WATCH_WAIT;
        while std::time::Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.code();
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        panic!("dep-ls check --watch did not end within {WATCH_WAIT:?} of signal {signal}");
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A copy of the clean fixture to watch, and its release plan's text.
fn watched_copy(name: &str) -> (PathBuf, String) {
    let ws = scratch(name);
    for f in ["dep-ls.toml", "ids.md", "release.md"] {
        std::fs::copy(fixtures().join("clean").join(f), ws.join(f)).expect("copy");
    }
    let plan = std::fs::read_to_string(ws.join("release.md")).expect("plan");
    (ws, plan)
}

/// The plan without DEP-001's `Owner:` line: one new `missing-owner` finding.
fn without_first_owner(plan: &str) -> String {
    plan.replacen("Owner: Platform team\n", "", 1)
}

/// `check --watch --format json`: round 0 holds every finding; writing a file that adds a
/// finding gives a round with it in `added`, moving it one with it in `moved` (and `from`, its
/// old range), fixing it one with it in `removed`; SIGTERM ends the watch with exit 0.
#[cfg(unix)]
#[test]
fn watch_json_reports_new_and_fixed_findings() {
    let (ws, plan) = watched_copy("watch-json");
    let mut w = Watching::start(&ws, &["--format", "json"]);
    let first = w.until("round 0", |l| l.starts_with('{'));
    let v: Value = serde_json::from_str(&first).expect("round 0 is one line of JSON");
    assert_eq!(v["round"], 0, "{first}");
    assert_eq!(v["total"], 0, "{first}");

    std::fs::write(ws.join("release.md"), without_first_owner(&plan)).expect("write");
    let line = w.until("a round adding missing-owner", |l| {
        l.contains("\"added\":[{")
    });
    let v: Value = serde_json::from_str(&line).expect("json");
    assert!(v["round"].as_u64().is_some_and(|n| n >= 1), "{line}");
    let added = v["added"].as_array().expect("added");
    assert_eq!(added.len(), 1, "{line}");
    assert_eq!(added[0]["code"], "missing-owner", "{line}");
    assert_eq!(added[0]["path"], "release.md", "{line}");
    assert_eq!(added[0]["id"], "DEP-001", "{line}");
    assert_eq!(v["removed"], serde_json::json!([]), "{line}");
    assert_eq!(v["total"], 1, "{line}");

    // A line added above it: the same finding, moved (neither new nor fixed).
    let moved = format!("\n{}", without_first_owner(&plan));
    std::fs::write(ws.join("release.md"), moved).expect("write");
    let line = w.until("a round moving missing-owner", |l| {
        l.contains("\"moved\":[{")
    });
    let v: Value = serde_json::from_str(&line).expect("json");
    assert_eq!(v["added"], serde_json::json!([]), "{line}");
    assert_eq!(v["removed"], serde_json::json!([]), "{line}");
    let m = &v["moved"][0];
    assert_eq!(m["code"], "missing-owner", "{line}");
    assert_eq!(m["range"]["start"]["line"], 3, "{line}");
    assert_eq!(m["from"]["start"]["line"], 2, "{line}");

    std::fs::write(ws.join("release.md"), &plan).expect("write");
    let line = w.until("a round removing missing-owner", |l| {
        l.contains("\"removed\":[{")
    });
    let v: Value = serde_json::from_str(&line).expect("json");
    assert_eq!(v["removed"][0]["code"], "missing-owner", "{line}");
    assert_eq!(v["added"], serde_json::json!([]), "{line}");
    assert_eq!(v["total"], 0, "{line}");

    assert_eq!(w.stop(libc::SIGTERM), Some(0));
    let _ = std::fs::remove_dir_all(&ws);
}

/// `check --watch` in human output: the first check as `check` prints it, then a header per
/// round, the new finding as `check` prints it, the fixed one on a line; editor temporary
/// files change nothing; SIGINT ends it with exit 0.
#[cfg(unix)]
#[test]
fn watch_human_reports_rounds_and_ends_on_sigint() {
    let (ws, plan) = watched_copy("watch-human");
    let mut w = Watching::start(&ws, &[]);
    w.until("the first summary", |l| l == "no findings in 2 files");

    // An editor's swap file is no change; the next round is the plan's.
    std::fs::write(ws.join(".release.md.swp"), "DEP-001: x\n").expect("write");
    std::fs::write(ws.join("release.md"), without_first_owner(&plan)).expect("write");
    let header = w.until("a round header", |l| l.contains("] round "));
    assert!(
        header.ends_with("round 1: +1 new, \u{2212}0 fixed, 0 unchanged (1 findings)"),
        "{header}"
    );
    let line = w.until("the new finding", |l| l.contains("missing-owner"));
    assert!(
        line.starts_with(&format!("{}/release.md:", ws.display())),
        "{line}"
    );
    assert!(line.contains(": warning[missing-owner]: DEP-001"), "{line}");

    std::fs::write(ws.join("release.md"), &plan).expect("write");
    let header = w.until("the second round", |l| l.contains("] round 2"));
    assert!(
        header.ends_with("+0 new, \u{2212}1 fixed, 0 unchanged (0 findings)"),
        "{header}"
    );
    let fixed = w.until("the fixed line", |l| l.starts_with("fixed: "));
    assert!(fixed.contains("warning[missing-owner]: DEP-001"), "{fixed}");

    assert_eq!(w.stop(libc::SIGINT), Some(0));
    let _ = std::fs::remove_dir_all(&ws);
}

/// `--watch` with `--fix` or `--diff` (which write or print once), or with an output format
/// that is one document (SARIF) or for CI (GitHub): a usage error, exit 2.
#[test]
fn watch_usage_errors_exit_2() {
    for extra in [
        &["--fix"][..],
        &["--diff"],
        &["--format", "sarif"],
        &["--format", "github"],
    ] {
        let mut args = vec!["check", "--watch", "clean"];
        args.extend_from_slice(extra);
        let o = dep_ls(&args);
        assert_code(&o, 2);
        assert!(stderr(&o).contains("--watch"), "{extra:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{extra:?}: {}", stdout(&o));
    }
}

/// `DEP_LS_WATCH_POLL=1` (network file systems send no native events): the polling watcher
/// sees a change too, within its interval.
#[cfg(unix)]
#[test]
fn watch_by_polling_sees_a_change() {
    let (ws, plan) = watched_copy("watch-poll");
    let mut cmd = bin();
    cmd.env("DEP_LS_WATCH_POLL", "1");
    let mut w = Watching::start_with(&ws, &["--format", "json"], cmd);
    w.until("round 0", |l| l.starts_with("{\"round\":0,"));
    std::fs::write(ws.join("release.md"), without_first_owner(&plan)).expect("write");
    let line = w.until("a round adding missing-owner", |l| {
        l.contains("\"added\":[{")
    });
    assert!(line.contains("\"code\":\"missing-owner\""), "{line}");
    assert_eq!(w.stop(libc::SIGTERM), Some(0));
    let _ = std::fs::remove_dir_all(&ws);
}

//! `dep-ls diff` on temporary git repositories: a small plan committed, then changed in the
//! working tree or in a second commit. Removed IDs name their suspect links, fixes are listed as
//! fixed, retitles, `A..B` and `A...B`, a PATH restriction, exit codes (1 when an error is
//! introduced; 2 outside a repository, for an unknown revision, without git), and the
//! repository left as it was (no temporary folder left behind either).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const TESTS: &str = "\
## TEST-001: Checkout end-to-end test

Description: pays with a test card

## TEST-002: Refund test

Description: refunds an order
";

const PLAN: &str = "\
# Release plan

## DEP-001: All tests pass in staging

Type: Criteria
Stage: Pre-deploy
Owner: QA
Blocker: Yes
Description: every test passes
Linked IDs: TEST-001, TEST-002

## DEP-002: Refunds work

Type: Criteria
Stage: Pre-deploy
Owner: QA
Blocker: Yes
Description: refunds
Linked IDs: TEST-002
";

/// A git repository in a temporary folder, with its own temporary folder for dep-ls.
struct Repo {
    dir: tempfile::TempDir,
    tmp: tempfile::TempDir,
}

impl Repo {
    /// `git init` and one commit of `files`.
    fn new(files: &[(&str, &str)]) -> Repo {
        let r = Repo {
            dir: tempfile::tempdir().expect("temp dir"),
            tmp: tempfile::tempdir().expect("temp dir"),
        };
        r.git(&["init", "-q", "-b", "main"]);
        r.write(files);
        r.commit("base");
        r
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, files: &[(&str, &str)]) {
        for (p, t) in files {
            let at = self.path().join(p);
            std::fs::create_dir_all(at.parent().expect("parent")).expect("mkdir");
            std::fs::write(at, t).expect("write");
        }
    }

    fn git(&self, args: &[&str]) -> String {
        let o = Command::new("git")
            .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
            .args([
                "-c",
                "commit.gpgsign=false",
                "-c",
                "core.hooksPath=/dev/null",
            ])
            .args(args)
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .stdin(Stdio::null())
            .output()
            .expect("git runs");
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    }

    fn commit(&self, msg: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", msg]);
    }

    /// `dep-ls ARGS` run in the repository, with TMPDIR of its own.
    fn dep_ls(&self, args: &[&str]) -> Output {
        dep_ls_in(self.path(), self.tmp.path(), args)
    }

    /// `dep-ls diff ARGS --format json`, with the exit code.
    fn json(&self, args: &[&str]) -> (Value, i32) {
        let mut all = vec!["diff"];
        all.extend(args);
        all.extend(["--format", "json"]);
        let o = self.dep_ls(&all);
        let v: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}\n{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            )
        });
        (v, code(&o))
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        // Every temporary folder dep-ls made was removed.
        if !std::thread::panicking() {
            let left: Vec<PathBuf> = std::fs::read_dir(self.tmp.path())
                .map(|d| d.flatten().map(|e| e.path()).collect())
                .unwrap_or_default();
            assert!(left.is_empty(), "left behind: {left:?}");
        }
    }
}

fn dep_ls_in(cwd: &Path, tmp: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dep-ls"))
        .args(args)
        .current_dir(cwd)
        .env("TMPDIR", tmp)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdin(Stdio::null())
        .output()
        .expect("the dep-ls binary runs")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("dep-ls exited normally")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ids(v: &Value, list: &str) -> Vec<String> {
    v["ids"][list]
        .as_array()
        .expect("a list")
        .iter()
        .map(|x| x["id"].as_str().expect("id").to_string())
        .collect()
}

/// (entry, target, reason) of each suspect link.
fn suspects(v: &Value) -> Vec<(String, String, String)> {
    v["suspect_links"]
        .as_array()
        .expect("suspect_links")
        .iter()
        .map(|x| {
            (
                x["entry"]["id"].as_str().unwrap_or("").to_string(),
                x["target"].as_str().unwrap_or("").to_string(),
                x["reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn codes(v: &Value, list: &str) -> Vec<String> {
    v["findings"][list]
        .as_array()
        .expect("findings")
        .iter()
        .map(|x| x["code"].as_str().unwrap_or("").to_string())
        .collect()
}

fn base() -> Repo {
    Repo::new(&[("SoT/SoT.TESTING.md", TESTS), ("release/plan.md", PLAN)])
}

#[test]
fn a_removed_id_names_its_suspect_links_and_an_introduced_error_exits_1() {
    let r = base();
    let status = r.git(&["status", "--porcelain"]);
    r.write(&[(
        "SoT/SoT.TESTING.md",
        &TESTS[..TESTS.find("## TEST-002").unwrap()],
    )]);
    let (v, code) = r.json(&["HEAD"]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(ids(&v, "removed"), ["TEST-002"]);
    assert_eq!(
        suspects(&v),
        [
            ("DEP-001".into(), "TEST-002".into(), "removed".into()),
            ("DEP-002".into(), "TEST-002".into(), "removed".into()),
        ]
    );
    assert_eq!(v["suspect_links"][0]["entry"]["path"], "release/plan.md");
    assert_eq!(v["suspect_links"][0]["entry"]["line"], 10);
    assert!(codes(&v, "introduced").contains(&"unresolved-link".to_string()));
    assert!(v["summary"]["errors_introduced"].as_u64() >= Some(1));
    assert_eq!(v["from"]["rev"], "HEAD");
    assert_eq!(v["from"]["commit"].as_str().map(str::len), Some(40));
    assert_eq!(v["to"]["rev"], Value::Null);
    // The repository is as it was: only the edit made above.
    assert_eq!(r.git(&["status", "--porcelain"]), "M SoT/SoT.TESTING.md");
    assert!(status.is_empty());
    assert_eq!(r.git(&["stash", "list"]), "");

    // Human output names them too.
    let o = r.dep_ls(&["diff", "HEAD"]);
    let out = text(&o.stdout);
    assert!(
        out.contains("release/plan.md:10  DEP-001 All tests pass in staging → TEST-002 (removed)"),
        "{out}"
    );
}

#[test]
fn a_fix_is_listed_as_fixed_and_exits_0() {
    let broken = PLAN.replacen("Owner: QA\n", "", 1);
    let r = Repo::new(&[("SoT/SoT.TESTING.md", TESTS), ("release/plan.md", &broken)]);
    r.write(&[("release/plan.md", PLAN)]);
    let (v, code) = r.json(&["HEAD"]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(codes(&v, "fixed"), ["missing-owner"]);
    assert_eq!(v["findings"]["fixed"][0]["id"], "DEP-001");
    assert_eq!(v["findings"]["fixed"][0]["file_gone"], false);
    assert!(codes(&v, "introduced").is_empty());
    assert_eq!(ids(&v, "changed"), ["DEP-001"]);
    assert_eq!(v["ids"]["changed"][0]["fields"][0]["field"], "Owner");
    assert_eq!(v["ids"]["changed"][0]["fields"][0]["change"], "added");
    let plans = v["readiness"].as_array().expect("readiness");
    assert_eq!(plans.len(), 1);
    let newly: Vec<&str> = plans[0]["after"]["failing"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(!newly.contains(&"owners"), "{v:#}");
}

#[test]
fn a_retitle_in_markdown_for_a_pull_request() {
    let r = base();
    r.write(&[(
        "SoT/SoT.TESTING.md",
        &TESTS.replace(
            "TEST-001: Checkout end-to-end test",
            "TEST-001: Checkout smoke test",
        ),
    )]);
    let o = r.dep_ls(&["diff", "HEAD", "--format", "markdown"]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let md = text(&o.stdout);
    assert!(md.starts_with("### dep-ls diff: HEAD ("), "{md}");
    assert!(
        md.contains("**IDs: 1 retitled · 1 suspect link · findings: 0 introduced, 0 fixed"),
        "{md}"
    );
    assert!(
        md.contains("| retitled | `TEST-001` | Checkout end-to-end test → Checkout smoke test | `SoT/SoT.TESTING.md:1` |"),
        "{md}"
    );
    assert!(
        md.contains("| `DEP-001` All tests pass in staging | `release/plan.md:10` | `TEST-001` | retitled |"),
        "{md}"
    );
    // -o writes the same text to a file.
    let file = r.tmp.path().join("comment.md");
    let o = r.dep_ls(&[
        "diff",
        "HEAD",
        "--format",
        "markdown",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), md);
    std::fs::remove_file(file).unwrap();
}

#[test]
fn two_revisions_and_a_fork_point() {
    let r = base();
    let first = r.git(&["rev-parse", "HEAD"]);
    r.git(&["checkout", "-q", "-b", "topic"]);
    r.write(&[(
        "SoT/SoT.TESTING.md",
        &format!("{TESTS}\n## TEST-003: Load test\n\nDescription: 500 orders a minute\n"),
    )]);
    r.commit("add TEST-003");
    r.git(&["checkout", "-q", "main"]);
    r.write(&[(
        "SoT/SoT.TESTING.md",
        &TESTS.replace("refunds an order", "refunds two orders"),
    )]);
    r.commit("change TEST-002 on main");
    // The working tree (main) changed too: A..B ignores it.
    r.write(&[("release/plan.md", "garbage DEP-")]);

    let (v, code) = r.json(&[&format!("{first}..topic")]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(ids(&v, "added"), ["TEST-003"]);
    assert!(ids(&v, "changed").is_empty());
    assert_eq!(v["to"]["rev"], "topic");
    // main..topic: main's change to TEST-002 shows, reversed.
    let (v, _) = r.json(&["main..topic"]);
    assert_eq!(ids(&v, "changed"), ["TEST-002"]);
    // main...topic: only what topic did since it forked.
    let (v, _) = r.json(&["main...topic"]);
    assert_eq!(ids(&v, "added"), ["TEST-003"]);
    assert!(ids(&v, "changed").is_empty(), "{v:#}");
    assert_eq!(v["from"]["commit"], first);
}

#[test]
fn a_path_restricts_ids_findings_and_plans() {
    let r = Repo::new(&[
        ("SoT/SoT.TESTING.md", TESTS),
        ("release/plan.md", PLAN),
        (
            "other/notes.md",
            "## EPIC-001: Checkout\n\nDescription: x\n",
        ),
    ]);
    r.write(&[
        (
            "SoT/SoT.TESTING.md",
            &TESTS[..TESTS.find("## TEST-002").unwrap()],
        ),
        (
            "other/notes.md",
            "## EPIC-001: Checkout redesign\n\nDescription: x\n",
        ),
    ]);
    // `release`: TEST-002 is not defined there, but the plan's links to it are suspect.
    let (v, exit) = r.json(&["HEAD", "release"]);
    assert_eq!(exit, 1);
    assert!(
        ids(&v, "removed").is_empty() && ids(&v, "retitled").is_empty(),
        "{v:#}"
    );
    assert_eq!(suspects(&v).len(), 2);
    assert_eq!(v["path"], "release");
    // Paths as `check` shows them: starting with the folder given.
    assert_eq!(v["suspect_links"][0]["entry"]["path"], "release/plan.md");
    // `other`: only the retitle; no suspect, no finding.
    let (v, exit) = r.json(&["HEAD", "other"]);
    assert_eq!(exit, 0);
    assert_eq!(ids(&v, "retitled"), ["EPIC-001"]);
    assert!(suspects(&v).is_empty() && codes(&v, "introduced").is_empty());
    assert!(v["readiness"].as_array().unwrap().is_empty());
    // From inside a folder, one file.
    let o = dep_ls_in(
        &r.path().join("other"),
        r.tmp.path(),
        &["diff", "HEAD", "notes.md", "--format", "json"],
    );
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(ids(&v, "retitled"), ["EPIC-001"]);
    assert_eq!(v["ids"]["retitled"][0]["path"], "notes.md");
}

#[test]
fn a_folder_gone_from_the_working_tree_is_diffed_against_nothing() {
    let r = base();
    std::fs::remove_dir_all(r.path().join("SoT")).unwrap();
    let (v, code) = r.json(&["HEAD", "SoT"]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(ids(&v, "removed"), ["TEST-001", "TEST-002"]);
    assert_eq!(suspects(&v).len(), 3);
}

#[test]
fn outside_a_repository_an_unknown_revision_and_no_git_exit_2() {
    let plain = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(plain.path().join("a.md"), "## TEST-001: x\n").unwrap();
    let o = dep_ls_in(plain.path(), tmp.path(), &["diff", "HEAD"]);
    assert_eq!(code(&o), 2);
    let err = text(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: ") && err.contains("is not in a git repository"),
        "{err}"
    );
    assert!(o.stdout.is_empty());

    let r = base();
    for bad in ["no-such-branch", "HEAD..nope", "--output=x", "HEAD~5"] {
        let o = r.dep_ls(&["diff", bad]);
        assert_eq!(code(&o), 2, "{bad}: {}", text(&o.stderr));
        let err = text(&o.stderr);
        assert!(
            err.contains("unknown revision") || bad.starts_with("--"),
            "{bad}: {err}"
        );
    }
    // A PATH outside the repository.
    let o = r.dep_ls(&["diff", "HEAD", plain.path().to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    // git missing from PATH.
    let o = Command::new(env!("CARGO_BIN_EXE_dep-ls"))
        .args(["diff", "HEAD"])
        .current_dir(r.path())
        .env("PATH", tmp.path())
        .env("TMPDIR", tmp.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("git is not installed"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn gitignore_and_config_apply_to_both_sides_alike() {
    // An ignored folder's IDs are on neither side (a file committed there with `add -f`
    // included); dep-ls.toml's `exclude` applies to the revision as to the working tree.
    let r = Repo::new(&[
        ("SoT/SoT.TESTING.md", TESTS),
        ("release/plan.md", PLAN),
        (".gitignore", "build/\n"),
        ("dep-ls.toml", "exclude = [\"drafts/**\"]\n"),
        ("drafts/d.md", "## TEST-009: Draft\n"),
    ]);
    r.write(&[("build/tracked.md", "## TEST-011: Tracked\n")]);
    r.git(&["add", "-f", "build/tracked.md"]);
    r.commit("a tracked file in an ignored folder");
    r.write(&[
        ("build/out.md", "## TEST-010: Built\n"),
        ("build/tracked.md", "## TEST-011: Tracked, renamed\n"),
        ("drafts/d.md", "## TEST-009: Draft, renamed\n"),
    ]);
    let (v, code) = r.json(&["HEAD"]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["summary"]["added"], 0, "{v:#}");
    assert_eq!(v["summary"]["retitled"], 0, "{v:#}");
    let o = r.dep_ls(&["diff", "HEAD"]);
    assert!(
        text(&o.stdout).contains("no change to the trace graph, the findings or readiness"),
        "{}",
        text(&o.stdout)
    );
}

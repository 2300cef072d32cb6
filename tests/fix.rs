//! `dep-ls check --fix` and `--diff`: the judgement-free fixes round-trip (a fixed file checks
//! clean of the fixed codes, a second run changes nothing), CRLF stays CRLF, the diff matches
//! what --fix writes, and files dep-ls cannot read are never touched.

mod support;

use std::path::Path;
use std::process::Command;
use support::lsp::temp_dir;

fn dep_ls(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dep-ls"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run dep-ls");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const BEFORE: &str = "\
# Plan

DEP-001: Existing entry
Type: step
Stage: pre-Deploy
Description: Already numbered
Owner: Ops

DEP-XXX: Error rate rollback
Type: rollback
Stage: post-deploy
Description: Roll back on errors
Trigger: 5xx rate above baseline
Threshold: >2% of requests for 5 minutes
Procedure: Shift traffic back
Notificaton: #incidents
Owner: SRE
Linked IDs: MON-001, RUN-001

DEP-XXX: Smoke tests
Type: Validation
Stage: Post-deploy
Description: Smoke suite
Check: Place a test order
Method: automated (Playwright)
Success Criteria: All pass
Escalation: Page the release manager
Owner: QA
Notez: an unknown key two known keys are equally close to: left alone

DEP-007: Criteria
Type: Criteria
Stage: Pre-deploy
Description: Tests pass
Requirement: All TEST- pass
Verification: CI green
Blocker: yes — stops the window
Owner: QA
Linked IDs: TEST-001

## MON-001: Errors
## RUN-001: Rollback
## TEST-001: Suite
";

const AFTER: &str = "\
# Plan

DEP-001: Existing entry
Type: Step
Stage: Pre-deploy
Description: Already numbered
Owner: Ops

DEP-008: Error rate rollback
Type: Rollback
Stage: Post-deploy
Description: Roll back on errors
Trigger: 5xx rate above baseline
Threshold: >2% of requests for 5 minutes
Procedure: Shift traffic back
Notification: #incidents
Owner: SRE
Linked IDs: MON-001, RUN-001

DEP-009: Smoke tests
Type: Validation
Stage: Post-deploy
Description: Smoke suite
Check: Place a test order
Method: Automated (Playwright)
Success Criteria: All pass
Escalation: Page the release manager
Owner: QA
Notez: an unknown key two known keys are equally close to: left alone

DEP-007: Criteria
Type: Criteria
Stage: Pre-deploy
Description: Tests pass
Requirement: All TEST- pass
Verification: CI green
Blocker: Yes — stops the window
Owner: QA
Linked IDs: TEST-001

## MON-001: Errors
## RUN-001: Rollback
## TEST-001: Suite
";

fn codes(dir: &Path) -> Vec<String> {
    let (_, out, _) = dep_ls(&["check", dir.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    v.as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}@{}",
                f["code"].as_str().unwrap(),
                f["range"]["start"]["line"]
            )
        })
        .collect()
}

#[test]
fn fix_round_trip_and_idempotence() {
    let dir = temp_dir("fix-lf");
    let plan = dir.join("plan.md");
    std::fs::write(&plan, BEFORE).unwrap();
    let before = codes(&dir);
    // The numbered entries are checked only once numbered: their typos are fixed in a second
    // pass of the same run.
    assert!(
        before
            .iter()
            .any(|c| c.starts_with("template-placeholder@")),
        "{before:?}"
    );

    let (code, _, err) = dep_ls(&["check", dir.to_str().unwrap(), "--fix"]);
    assert_eq!(std::fs::read_to_string(&plan).unwrap(), AFTER, "{err}");
    // What it changed, one line per edit, then the check of the fixed files (no errors: 0).
    assert_eq!(code, 0, "{err}");
    for line in [
        "plan.md:4: DEP-001 [enum-casing] `step` → `Step`",
        "plan.md:5: DEP-001 [enum-casing] `pre-Deploy` → `Pre-deploy`",
        "plan.md:9: DEP-XXX [template-placeholder] `DEP-XXX` → `DEP-008`",
        "plan.md:16: DEP-008 [unknown-field] `Notificaton` → `Notification`",
        "plan.md:20: DEP-XXX [template-placeholder] `DEP-XXX` → `DEP-009`",
        "plan.md:25: DEP-XXX [enum-casing] `automated` → `Automated`",
        "plan.md:37: DEP-007 [enum-casing] `yes` → `Yes`",
        "plan.md:10: DEP-XXX [enum-casing] `rollback` → `Rollback`",
        "plan.md:11: DEP-XXX [enum-casing] `post-deploy` → `Post-deploy`",
        "9 fixes applied",
    ] {
        assert!(err.contains(line), "stderr lacks {line:?}:\n{err}");
    }
    // Clean of the fixed codes; the ambiguous key is still reported.
    let after = codes(&dir);
    assert_eq!(
        after,
        ["missing-environment@2", "unknown-field@28"],
        "{after:?}"
    );

    // A second run changes nothing.
    let (code, _, err) = dep_ls(&["check", dir.to_str().unwrap(), "--fix"]);
    assert_eq!(code, 0);
    assert!(err.contains("0 fixes applied"), "{err}");
    assert_eq!(std::fs::read_to_string(&plan).unwrap(), AFTER);
    let (code, out, _) = dep_ls(&["check", dir.to_str().unwrap(), "--diff"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn crlf_files_stay_crlf() {
    let dir = temp_dir("fix-crlf");
    let plan = dir.join("plan.md");
    std::fs::write(&plan, BEFORE.replace('\n', "\r\n")).unwrap();
    let (code, _, err) = dep_ls(&["check", dir.to_str().unwrap(), "--fix"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&plan).unwrap();
    assert_eq!(text, AFTER.replace('\n', "\r\n"));
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
    let (_, _, err) = dep_ls(&["check", dir.to_str().unwrap(), "--fix"]);
    assert!(err.contains("0 fixes applied"), "{err}");
}

#[test]
fn diff_shows_the_fix_and_writes_nothing() {
    let dir = temp_dir("fix-diff");
    let plan = dir.join("plan.md");
    std::fs::write(&plan, BEFORE).unwrap();
    let (code, out, _) = dep_ls(&["check", dir.to_str().unwrap(), "--diff"]);
    assert_eq!(code, 1, "changes pending");
    assert_eq!(
        std::fs::read_to_string(&plan).unwrap(),
        BEFORE,
        "nothing written"
    );
    assert!(out.contains("plan.md\n"), "{out}");
    assert!(
        out.contains("\n-DEP-XXX: Error rate rollback\n+DEP-008: Error rate rollback\n"),
        "{out}"
    );
    assert!(
        out.contains("\n-Notificaton: #incidents\n+Notification: #incidents\n"),
        "{out}"
    );
    assert!(out.contains("@@ -1,"), "{out}");
    // Applying the diff's '+' side gives what --fix writes: every changed line of AFTER shows.
    for (a, b) in BEFORE.lines().zip(AFTER.lines()) {
        if a != b {
            assert!(out.contains(&format!("-{a}\n+{b}\n")), "{a} → {b}");
        }
    }
}

#[test]
fn unreadable_files_are_never_touched() {
    let dir = temp_dir("fix-latin1");
    let bad = dir.join("latin1.md");
    // `Type: rollback` in a file that is not UTF-8.
    let mut bytes = b"DEP-001: Caf\xe9\nType: rollback\nStage: Post-deploy\n".to_vec();
    bytes.extend_from_slice(b"Owner: SRE\n");
    std::fs::write(&bad, &bytes).unwrap();
    std::fs::write(
        dir.join("ok.md"),
        "DEP-002: Ok\nType: criteria\nStage: Pre-deploy\n",
    )
    .unwrap();
    let (code, _, err) = dep_ls(&["check", dir.to_str().unwrap(), "--fix"]);
    assert_ne!(code, 2, "{err}");
    assert_eq!(std::fs::read(&bad).unwrap(), bytes);
    assert_eq!(
        std::fs::read_to_string(dir.join("ok.md")).unwrap(),
        "DEP-002: Ok\nType: Criteria\nStage: Pre-deploy\n"
    );
    assert!(err.contains("1 fix applied"), "{err}");
}

#[test]
fn pure_fixes_and_diff() {
    use dep_ls::fix;
    use dep_ls::syntax::{parse_fast, Prefixes};
    let text = "DEP-001: A\r\nType: environment\r\nName: Production\r\nStage: Pre-deploy\r\n";
    let doc = parse_fast(text, &Prefixes::default());
    let mut n = fix::Numbering::default();
    let fixes = fix::fixes(text, &doc, &[], &mut n);
    let shown: Vec<(&str, &str, &str)> = fixes
        .iter()
        .map(|f| (f.kind, f.old.as_str(), f.new.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            ("enum-casing", "environment", "Environment"),
            ("enum-casing", "Production", "production")
        ]
    );
    let new = fix::apply(text, &fixes);
    assert_eq!(
        new,
        "DEP-001: A\r\nType: Environment\r\nName: production\r\nStage: Pre-deploy\r\n"
    );
    let d = fix::unified_diff("a.md", text, &new);
    assert_eq!(
        d,
        "--- a/a.md\n+++ b/a.md\n@@ -1,5 +1,5 @@\n DEP-001: A\n-Type: environment\n+Type: Environment\n-Name: Production\n+Name: production\n Stage: Pre-deploy\n \n"
    );
    assert_eq!(fix::unified_diff("a.md", text, text), "");
    assert_eq!(n.take("DEP"), "DEP-001");
}

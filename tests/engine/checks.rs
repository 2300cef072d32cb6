//! Fixture tests for every finding code (spec §5) and every parsing rule (spec §1–§2),
//! rust-analyzer style: each test is a fixture run through one helper, [`check`].
//!
//! A fixture is an unindented string holding one or more files, each introduced by a header
//! line `//- /path/to/file.md` (`//- /dep-ls.toml` is the configuration; a fixture without a
//! header is one file, `/release.md`). The expected findings are annotation lines directly
//! under the offending line:
//!
//! ```text
//! DEP-006: Payment criteria
//! ^^^^^^^ error: missing-owner
//! ^^^^^^^ warning: untraced-criteria: does not trace back
//! ```
//!
//! The carets mark the exact span (columns in characters of the line above), then come the
//! severity, the code and optionally `: a substring of the message`. Annotation lines are removed
//! before parsing, so positions refer to the clean text. The helper asserts that the findings of
//! `check::check_all` are exactly the annotated ones (path, span, severity, code), and that the
//! tree-sitter parse of every file equals the fast parse.

use dep_ls::check::{self, Finding};
use dep_ls::config::Config;
use dep_ls::index::Index;
use dep_ls::syntax::{self, ParsedDoc};
use dep_ls::text::{line_spans, LineIndex, Position, PositionEncoding, Range};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

// =============================================================================================
// The helper
// =============================================================================================

/// One expected finding: an annotation of the fixture (see `crate::fixture`).
type Expected = crate::fixture::Annotation;

/// A parsed fixture: clean files in order, and the expected findings.
struct Fixture {
    files: Vec<(String, String)>,
    expected: Vec<Expected>,
}

/// Reads a fixture with the shared parser (`crate::fixture`); each file then ends in exactly one
/// line break.
fn parse_fixture(fixture: &str) -> Fixture {
    let fx = crate::fixture::parse(fixture);
    assert!(fx.cursor.is_none(), "a check fixture has no cursor (`$0`)");
    let files = fx
        .files
        .into_iter()
        .map(|(p, text)| {
            // The fixture's last line break ends the file; strip trailing empty lines.
            let mut text = text.trim_end_matches('\n').to_string();
            text.push('\n');
            (p, text)
        })
        .collect();
    Fixture {
        files,
        expected: fx.annotations,
    }
}

/// What a fixture run produced (for tests that look further than the annotations).
struct Checked {
    findings: Vec<Finding>,
    docs: BTreeMap<String, ParsedDoc>,
    texts: BTreeMap<String, String>,
}

impl Checked {
    fn finding(&self, code: &str) -> &Finding {
        let all: Vec<&Finding> = self
            .findings
            .iter()
            .filter(|f| f.code.as_str() == code)
            .collect();
        assert_eq!(all.len(), 1, "expected one {code} finding: {all:#?}");
        all[0]
    }

    /// The text a byte span of a file covers.
    fn text_of(&self, path: &str, span: &syntax::Span) -> &str {
        &self.texts[path][span.clone()]
    }
}

/// The (line, start col, end line, end col) of a byte span, in characters.
fn char_range(text: &str, span: &syntax::Span) -> (usize, usize, usize, usize) {
    let li = LineIndex::new(text);
    let r = li.range(text, span.clone(), PositionEncoding::Utf32);
    (
        r.start.line as usize,
        r.start.character as usize,
        r.end.line as usize,
        r.end.character as usize,
    )
}

/// Renders a finding as the annotation that would expect it (or a description when it cannot
/// be written as one).
fn render_finding(f: &Finding, texts: &BTreeMap<String, String>) -> String {
    let Some(text) = texts.get(&f.path) else {
        return format!(
            "{} {}..{} {}: {} — {} (path not in the fixture)",
            f.path,
            f.span.start,
            f.span.end,
            f.severity.as_str(),
            f.code.as_str(),
            f.message
        );
    };
    let (l0, c0, l1, c1) = char_range(text, &f.span);
    let line = line_spans(text)
        .nth(l0)
        .map(|(s, e, _)| &text[s..e])
        .unwrap_or("");
    let mut out = format!("{}:{}\n    {line}\n    ", f.path, l0 + 1);
    let _ = write!(
        out,
        "{}{} {}: {}    — {}",
        " ".repeat(c0),
        "^".repeat(
            (if l0 == l1 { c1 } else { line.chars().count() })
                .saturating_sub(c0)
                .max(1)
        ),
        f.severity.as_str(),
        f.code.as_str(),
        f.message
    );
    if l0 != l1 {
        let _ = write!(
            out,
            "\n    (the span runs on to line {}, column {c1})",
            l1 + 1
        );
    }
    out
}

/// Indexes the files (configuration from `dep-ls.toml`, non-Markdown files as bare paths),
/// asserts both parsers agree on every Markdown file, and runs every check.
fn analyse(files: &[(String, String)]) -> Checked {
    let mut config = Config::default();
    let mut index = Index::new();
    let mut docs = BTreeMap::new();
    let mut texts = BTreeMap::new();
    if let Some((_, src)) = files.iter().find(|(p, _)| p == "dep-ls.toml") {
        let (c, errors) = Config::from_toml_str(src, Path::new("dep-ls.toml"));
        assert!(errors.is_empty(), "configuration errors: {errors:#?}");
        config = c;
    }
    for (path, text) in files {
        texts.insert(path.clone(), text.clone());
        if !dep_ls::workspace::is_markdown(path) {
            index.add_path(path);
            continue;
        }
        let fast = syntax::parse_fast(text, &config.prefixes);
        let tree = syntax::parse_tree(text, &config.prefixes);
        assert_eq!(
            fast, tree,
            "{path}: parse_tree and parse_fast disagree (left: fast, right: tree)"
        );
        index.update(path, Arc::new(fast.clone()));
        docs.insert(path.clone(), fast);
    }
    let findings = check::check_all(&index, &config);
    Checked {
        findings,
        docs,
        texts,
    }
}

/// Runs a fixture and asserts its findings are exactly the annotated ones.
fn check(fixture: &str) -> Checked {
    let fx = parse_fixture(fixture);
    let Checked {
        findings,
        docs,
        texts,
    } = analyse(&fx.files);
    for e in &fx.expected {
        assert!(
            texts.contains_key(&e.path) && dep_ls::workspace::is_markdown(&e.path),
            "annotation {:?} is not in a Markdown file",
            e.source
        );
    }

    // Match findings and annotations exactly.
    let mut unexpected: Vec<&Finding> = Vec::new();
    let mut matched = vec![false; fx.expected.len()];
    let mut bad_messages = Vec::new();
    for f in &findings {
        let text = texts.get(&f.path);
        let pos = text.map(|t| char_range(t, &f.span));
        let hit = fx.expected.iter().enumerate().position(|(i, e)| {
            !matched[i]
                && e.path == f.path
                && pos == Some((e.line, e.cols.0, e.line, e.cols.1))
                && e.severity == f.severity.as_str()
                && e.code == f.code.as_str()
        });
        match hit {
            Some(i) => {
                matched[i] = true;
                if let Some(m) = &fx.expected[i].message {
                    if !f.message.contains(m.as_str()) {
                        bad_messages.push(format!(
                            "{}:{}  {}\n    message: {}\n    does not contain: {m}",
                            f.path,
                            fx.expected[i].line + 1,
                            fx.expected[i].source,
                            f.message
                        ));
                    }
                }
            }
            None => unexpected.push(f),
        }
    }
    let missing: Vec<&Expected> = fx
        .expected
        .iter()
        .zip(&matched)
        .filter(|(_, m)| !**m)
        .map(|(e, _)| e)
        .collect();
    if !unexpected.is_empty() || !missing.is_empty() || !bad_messages.is_empty() {
        let mut report = String::from("findings differ from the fixture's annotations\n");
        if !missing.is_empty() {
            report.push_str("\n-- expected but not reported:\n");
            for e in &missing {
                let line = texts[&e.path].split('\n').nth(e.line).unwrap_or("");
                let _ = writeln!(
                    report,
                    "{}:{}\n    {line}\n    {}{}",
                    e.path,
                    e.line + 1,
                    " ".repeat(e.cols.0),
                    e.source
                );
            }
        }
        if !unexpected.is_empty() {
            report.push_str("\n++ reported but not expected:\n");
            for f in &unexpected {
                let _ = writeln!(report, "{}", render_finding(f, &texts));
            }
        }
        if !bad_messages.is_empty() {
            report.push_str("\n!! messages:\n");
            for m in &bad_messages {
                let _ = writeln!(report, "{m}");
            }
        }
        report.push_str("\nall findings:\n");
        for f in &findings {
            let _ = writeln!(report, "{}", render_finding(f, &texts));
        }
        panic!("{report}");
    }
    Checked {
        findings,
        docs,
        texts,
    }
}

// =============================================================================================
// Self-tests of the helper
// =============================================================================================

#[test]
fn helper_reads_headers_annotations_and_messages() {
    let fx = parse_fixture(
        r#"
//- /a/one.md
DEP-001: Title
^^^^^^^ error: missing-owner
  ^^ hint: stage-mismatch: a message: with colons
//- /two.txt
hello ^^^ not an annotation
"#,
    );
    assert_eq!(
        fx.files,
        vec![
            ("a/one.md".to_string(), "DEP-001: Title\n".to_string()),
            (
                "two.txt".to_string(),
                "hello ^^^ not an annotation\n".to_string()
            ),
        ]
    );
    assert_eq!(fx.expected.len(), 2);
    assert_eq!(fx.expected[0].cols, (0, 7));
    assert_eq!(fx.expected[0].line, 0);
    assert_eq!(fx.expected[1].cols, (2, 4));
    assert_eq!(
        fx.expected[1].message.as_deref(),
        Some("a message: with colons")
    );
}

#[test]
#[should_panic(expected = "reported but not expected")]
fn helper_rejects_unannotated_findings() {
    check(
        r#"
DEP-001: Criteria without anything
Type: Criteria
"#,
    );
}

#[test]
#[should_panic(expected = "expected but not reported")]
fn helper_rejects_annotations_without_findings() {
    check(
        r#"
# Notes
No entries here.
^^ warning: missing-owner
"#,
    );
}

// =============================================================================================
// A complete, clean plan to put next to fixtures about single entries, so that the plan-level
// codes (no-validation, no-rollback, no-criteria, missing-environment, big-bang-release) stay
// silent: its rollback halts a canary, so fixtures' `Stage: Deploy` steps are not a big bang.
// =============================================================================================

const BACKGROUND: &str = r#"
//- /zz-plan/background.md
# Background plan

DEP-900: Staging environment
Type: Environment
Stage: Pre-deploy
Description: Staging for the fixture plan
Name: staging
Infrastructure: AWS eu-west-1, ECS Fargate
Configuration:
  - NODE_ENV=staging
Secrets: AWS Secrets Manager
Access: DevOps team
Owner: Platform team

DEP-901: Production environment
Type: Environment
Stage: Pre-deploy
Description: Production for the fixture plan
Name: production
Infrastructure: AWS eu-west-1, ECS Fargate
Configuration:
  - NODE_ENV=production
Secrets: AWS Secrets Manager
Access: DevOps team
Owner: Platform team

DEP-902: Tests pass
Type: Criteria
Stage: Pre-deploy
Description: The suite passes in staging
Requirement: All TEST- entries pass
Verification: CI pipeline green
Blocker: Yes
Owner: QA Lead
Linked IDs: EPIC-900, TEST-900

DEP-903: Error-rate rollback
Type: Rollback
Stage: Post-deploy
Description: Roll back when errors rise
Trigger: 5xx error rate exceeds baseline
Threshold: >2% of requests for 5 minutes
Procedure: Halt the canary and redeploy the previous version
Notification: #incidents
Owner: SRE on-call
Linked IDs: MON-900, RUN-900

DEP-904: Smoke test
Type: Validation
Stage: Post-deploy
Description: Checkout works after the deploy
Check: A test order completes
Method: Automated
Success Criteria: The order is confirmed
Escalation: Page the on-call engineer
Owner: QA Lead

## EPIC-900: Background epic
## TEST-900: Background test
## MON-900: Background monitor
## RUN-900: Background runbook
"#;

/// [`check`] with [`BACKGROUND`] added as one more file of the workspace.
fn check_in_plan(fixture: &str) -> Checked {
    check(&format!("{fixture}\n{BACKGROUND}"))
}

#[test]
fn background_plan_is_clean() {
    check_in_plan("");
}

// =============================================================================================
// Per-entry finding codes
// =============================================================================================

#[test]
fn missing_owner_is_an_error_on_criteria_and_a_warning_elsewhere() {
    check_in_plan(
        r#"
//- /release.md
DEP-001: Criteria without an owner
^^^^^^^ error: missing-owner: DEP-001 (Criteria) has no owner
Type: Criteria
Stage: Pre-deploy
Description: Tests pass
Requirement: All tests pass
Verification: CI green
Blocker: Yes
Linked IDs: TEST-900

DEP-002: Criteria with an owner
Type: Criteria
Stage: Pre-deploy
Description: Tests pass
Requirement: All tests pass
Verification: CI green
Blocker: No
Owner: QA Lead
Linked IDs: TEST-900

DEP-003: Rollback without an owner
^^^^^^^ warning: missing-owner: DEP-003 (Rollback) has no owner
Type: Rollback
Stage: Rollback
Description: Revert
Trigger: Errors
Threshold: >2% of requests for 5 minutes
Procedure: Redeploy
Notification: #incidents
Linked IDs: MON-900

DEP-004: Validation without an owner
^^^^^^^ warning: missing-owner
Type: Validation
Stage: Post-deploy
Description: Smoke
Check: Order completes
Method: Manual
Success Criteria: Confirmed
Escalation: Page on-call

DEP-005: Step without an owner
^^^^^^^ warning: missing-owner: (Step)
Type: Step
Stage: Deploy
Description: Deploy the service

DEP-006: Environment without an owner
^^^^^^^ warning: missing-owner: (Environment)
Type: Environment
Stage: Pre-deploy
Description: Preview
Name: preview
Infrastructure: Vercel
Configuration: NODE_ENV=preview
Secrets: Vercel encrypted env
Access: Everyone
"#,
    );
}

#[test]
fn missing_owner_severity_per_type_from_owner_config() {
    check_in_plan(
        r#"
//- /dep-ls.toml
[owner]
rollback = "required"
step = "off"
default = "hint"
//- /release.md
DEP-001: Rollback, owner required
^^^^^^^ error: missing-owner
Type: Rollback
Stage: Rollback
Description: Revert
Trigger: Errors
Threshold: >2% of requests for 5 minutes
Procedure: Redeploy
Notification: #incidents
Linked IDs: RUN-900

DEP-002: Step, owner off
Type: Step
Stage: Deploy
Description: Deploy the service

DEP-003: Validation, default policy
^^^^^^^ hint: missing-owner
Type: Validation
Stage: Post-deploy
Description: Smoke
Check: Order completes
Method: Both
Success Criteria: Confirmed
Escalation: Page on-call

DEP-004: Criteria keeps its error
^^^^^^^ error: missing-owner
Type: Criteria
Stage: Pre-deploy
Description: Tests pass
Requirement: All tests pass
Verification: CI green
Blocker: Yes
Linked IDs: TEST-900
"#,
    );
}

#[test]
fn severity_config_overrides_every_type_and_can_turn_codes_off() {
    check_in_plan(
        r#"
//- /dep-ls.toml
[severity]
missing-owner = "info"
stage-mismatch = "off"
missing-field = "error"
//- /release.md
DEP-001: Criteria
^^^^^^^ info: missing-owner
Type: Criteria
Stage: Post-deploy
Description: Tests pass
Requirement: All tests pass
Verification: CI green
Blocker: Yes
Linked IDs: TEST-900

DEP-002: Step
^^^^^^^ info: missing-owner
^^^^^^^ error: missing-field: `Description:`
Stage: Deploy
Type: Step
"#,
    );
}

#[test]
fn missing_threshold_on_rollback_only() {
    check_in_plan(
        r#"
DEP-001: Rollback without threshold
^^^^^^^ error: missing-threshold: has no `Threshold:`
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Errors
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: MON-900

DEP-002: Rollback with threshold
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Errors
Threshold: error rate above 1.5% for 10 minutes
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: MON-900

DEP-003: A step needs no threshold
Type: Step
Stage: Deploy
Description: Deploy
Owner: SRE
"#,
    );
}

#[test]
fn threshold_measurability_and_window() {
    check_in_plan(
        r#"
DEP-001: Vague
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Errors
Threshold: high
           ^^^^ error: unmeasurable-threshold: threshold "high" is not measurable
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: MON-900

DEP-002: To be decided
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Errors
**Threshold:** TBD
               ^^^ error: unmeasurable-threshold
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: MON-900

DEP-003: Bad without a number
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Errors
Threshold: when p99 is bad
           ^^^^^^^^^^^^^^^ error: unmeasurable-threshold
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: MON-900

DEP-004: Template text is a placeholder, not an unmeasurable threshold
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Errors
Threshold: [Specific metric or condition]
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: template-placeholder: [Specific metric or condition]
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: MON-900

DEP-005: No window
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Latency
Threshold: p99 latency > 800ms
           ^^^^^^^^^^^^^^^^^^^ hint: threshold-without-window: has no time window
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: MON-900

DEP-006: No window either
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Errors
Threshold: error rate above 1.5%
           ^^^^^^^^^^^^^^^^^^^^^ hint: threshold-without-window
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: MON-900

DEP-007: Measurable with windows
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: User reports
Threshold: more than 3 user reports in 10 min
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: RUN-900

DEP-008: The guide's own threshold
Type: Rollback
Stage: Rollback
Description: Revert
Trigger: 5xx error rate exceeds baseline
Threshold: >2% of requests for 5 minutes
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: RUN-900

DEP-009: Window spellings
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Latency
Threshold: p95 > 400ms sustained over 10m
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: RUN-900
"#,
    );
}

#[test]
fn monitor_thresholds_are_held_to_the_same_rule() {
    check_in_plan(
        r#"
//- /SoT/SoT.MONITORING.md
## MON-001: Checkout error rate
**Thresholds**: Warning: elevated | Critical: > 5% for 5 minutes
                         ^^^^^^^^ error: unmeasurable-threshold: threshold "elevated"

## MON-002: Checkout latency
**Thresholds**: Warning: p95 > 400ms for 5 minutes | Critical: p95 > 800ms for 5 minutes
"#,
    );
}

#[test]
fn unresolved_links_are_errors_in_link_lists_and_hints_in_prose() {
    check_in_plan(
        r#"
//- /release.md
DEP-001: Step with links
Type: Step
Stage: Deploy
Description: Deploys API-001 and mentions API-077 in prose
                                          ^^^^^^^ hint: unresolved-link: API-077 is mentioned but defined nowhere
Owner: SRE
Linked IDs: API-001, API-099, EPIC-01 (checkout)
                     ^^^^^^^ error: unresolved-link: DEP-001: linked ID API-099 is not defined anywhere
Related IDs: TEST-002
             ^^^^^^^^ error: unresolved-link: did you mean TEST-2?
Covers: DEP-1
        ^^^^^ error: unresolved-link: did you mean DEP-001?

Prose after a blank line still belongs to DEP-001: UJ-404.
                                                   ^^^^^^ hint: unresolved-link: DEP-001: UJ-404 is mentioned
//- /ids.md
## API-001: Create order
## EPIC-01: Checkout
## TEST-2: Short number
"#,
    );
}

#[test]
fn ranges_resolve_in_every_spelling_and_report_gaps_compactly() {
    check_in_plan(
        r#"
//- /tests.md
| ID | Title |
|----|-------|
| TEST-001 | one |
| TEST-002 | two |
| TEST-003 | three |
| TEST-005 | five |
| TEST-006 | six |
| TEST-008 | eight |
| TEST-009 | nine |
//- /release.md
DEP-001: Ranges
Type: Step
Stage: Deploy
Description: Every range spelling
Owner: QA
Linked IDs: TEST-001 to TEST-003, TEST-001..TEST-003; TEST-001–TEST-003, TEST-001 - TEST-003
Covers: TEST-001 to TEST-009
        ^^^^^^^^^^^^^^^^^^^^ warning: range-gap: TEST-004, TEST-007 are not defined
Related IDs: TEST-003..TEST-006
             ^^^^^^^^^^^^^^^^^^ warning: range-gap: DEP-001: TEST-004 is not defined (inside the range TEST-003 to TEST-006)
"#,
    );
}

#[test]
fn range_with_an_undefined_end_reports_the_end_not_a_gap() {
    check_in_plan(
        r#"
//- /tests.md
## TEST-001: one
## TEST-003: three
//- /release.md
DEP-001: Ranges
Type: Step
Stage: Deploy
Description: A range past the last test
Owner: QA
Linked IDs: TEST-001 to TEST-050
                        ^^^^^^^^ error: unresolved-link: TEST-050
"#,
    );
}

#[test]
fn invalid_ranges_mixed_prefixes_and_reversed() {
    check_in_plan(
        r#"
//- /ids.md
## TEST-001: one
## TEST-002: two
## API-005: five
//- /release.md
DEP-001: Ranges
Type: Step
Stage: Deploy
Description: Bad ranges
Owner: QA
Linked IDs: TEST-001 to API-005, TEST-002..TEST-001
            ^^^^^^^^^^^^^^^^^^^ error: invalid-range: mixes prefixes TEST and API
                                 ^^^^^^^^^^^^^^^^^^ error: invalid-range: reversed
"#,
    );
}

#[test]
fn duplicate_ids_are_reported_on_every_definition_with_related_locations() {
    let c = check_in_plan(
        r#"
//- /a.md
## API-001: Create order
   ^^^^^^^ error: duplicate-id: API-001 is defined 2 times (also in b/b.md)
//- /b/b.md
Intro.

API-001: Create order, again
^^^^^^^ error: duplicate-id: (also in a.md)

| ID | Title |
|----|-------|
| API-002 | Fine |
"#,
    );
    let a = c
        .findings
        .iter()
        .find(|f| f.path == "a.md" && f.code.as_str() == "duplicate-id")
        .unwrap();
    let b = c
        .findings
        .iter()
        .find(|f| f.path == "b/b.md" && f.code.as_str() == "duplicate-id")
        .unwrap();
    assert_eq!(a.related.len(), 1);
    assert_eq!(a.related[0].path, "b/b.md");
    assert_eq!(a.related[0].span, b.span);
    assert_eq!(b.related.len(), 1);
    assert_eq!(b.related[0].path, "a.md");
    assert_eq!(b.related[0].span, a.span);
    assert_eq!(c.text_of("b/b.md", &a.related[0].span), "API-001");
}

#[test]
fn duplicate_dep_ids_in_one_file() {
    check_in_plan(
        r#"
DEP-001: First
^^^^^^^ error: duplicate-id
Type: Step
Stage: Deploy
Description: One
Owner: SRE

DEP-001: Second
^^^^^^^ error: duplicate-id
Type: Step
Stage: Deploy
Description: Two
Owner: SRE

DEP-002: Different numbers are different IDs
Type: Step
Stage: Deploy
Description: DEP-1 and DEP-0001 would not collide with DEP-001
             ^^^^^ hint: unresolved-link: did you mean DEP-001?
                       ^^^^^^^^ hint: unresolved-link: did you mean DEP-001?
Owner: SRE
"#,
    );
}

#[test]
fn missing_fields_and_missing_type() {
    check_in_plan(
        r#"
DEP-001: Environment with gaps
^^^^^^^ warning: missing-field: is missing the required fields `Infrastructure:`, `Secrets:`
Type: Environment
Stage: Pre-deploy
Description: Preview
Name: preview
Configuration: NODE_ENV=preview
Access: Everyone
Owner: Platform

DEP-002: Validation missing one field
^^^^^^^ warning: missing-field: is missing the required field `Success Criteria:`
Type: Validation
Stage: Post-deploy
Description: Smoke
Check: Order completes
Method: Manual
Escalation: Page on-call
Owner: QA

DEP-003: No type, checked as a Step
^^^^^^^ warning: missing-field: has no `Type:` — it is checked as a Step
Stage: Deploy
Description: Deploy the service
Owner: SRE

DEP-004: Complete criteria
Type: Criteria
Stage: Pre-deploy
Description: Tests pass
Requirement: All tests pass
Verification: CI green
Blocker: Yes
Owner: QA
Linked IDs: TEST-900
"#,
    );
}

#[test]
fn invalid_value_with_a_remark_is_found_on_the_value_itself() {
    // The remark after the value stays: the finding (and its quick fix) covers the word only.
    check_in_plan(
        r#"
DEP-001: Validation with a typo and a remark
Type: Validation
Stage: Post-deploy
Description: Smoke
Check: Order completes
Method: Automatic (Playwright smoke suite)
        ^^^^^^^^^ error: invalid-value: did you mean Automated?
Success Criteria: Confirmed
Escalation: Page on-call
Owner: QA
"#,
    );
}

#[test]
fn invalid_values_with_did_you_mean() {
    check_in_plan(
        r#"
DEP-001: Validation with a typo
Type: Validation
Stage: Post-deploy
Description: Smoke
Check: Order completes
Method: Automatic
        ^^^^^^^^^ error: invalid-value: `Method: Automatic` is not valid — did you mean Automated?
Success Criteria: Confirmed
Escalation: Page on-call
Owner: QA

DEP-002: Valid values in any case
Type: validation
Stage: post-deploy
Description: Smoke
Check: Order completes
Method: automated
Success criteria: Confirmed
Escalation: Page on-call
Owner: QA

DEP-003: Criteria with a bad blocker
Type: Criteria
Stage: Pre-deploy
Description: Tests pass
Requirement: All tests pass
Verification: CI green
Blocker: Maybe
         ^^^^^ error: invalid-value: use one of Yes, No
Owner: QA
Linked IDs: TEST-900

DEP-004: Criteria with the guide's blocker spellings
Type: Criteria
Stage: Pre-deploy
Description: Tests pass
Requirement: All tests pass
Verification: CI green
Blocker: No — failure does not block the deploy
Owner: QA
Linked IDs: TEST-900

DEP-005: Unknown type and stage
Type: Enviroment
      ^^^^^^^^^^ error: invalid-value: did you mean Environment?
Stage: Launch
       ^^^^^^ error: invalid-value: use one of Pre-deploy, Deploy, Post-deploy, Rollback
Description: Typo
Owner: Platform

DEP-006: An environment the guide does not name
Type: Environment
Stage: Pre-deploy
Description: QA
Name: qa
      ^^ hint: invalid-value: is not one of the guide's environments
Infrastructure: AWS
Configuration: NODE_ENV=qa
Secrets: AWS Secrets Manager
Access: QA team
Owner: Platform
"#,
    );
}

#[test]
fn unknown_fields_with_did_you_mean() {
    check_in_plan(
        r#"
DEP-001: Typo in Owner
^^^^^^^ warning: missing-owner
Type: Step
Stage: Deploy
Description: Deploy
Ownr: SRE
^^^^ warning: unknown-field: unknown field `Ownr` — did you mean `Owner`?
Flavour: vanilla
^^^^^^^ warning: unknown-field: no DEP- Type has it

DEP-002: Methodology fields are known
**ID**: DEP-002
**Type**: Step
**Stage**: Deploy
**Category**: Release
**Status**: Active
**Owner**: SRE
**Description**: Deploy
**Notes**: none
"#,
    );
}

#[test]
fn template_placeholders_left_in_values_and_ids() {
    check_in_plan(
        r#"
DEP-XXX: [Deployment Item Title]
^^^^^^^ warning: template-placeholder: DEP-XXX is a template placeholder, not an ID — number the entry, e.g. DEP-905
Type: Step

DEP-001: Criteria straight from the template
^^^^^^^ warning: untraced-criteria
Type: Criteria
Stage: Pre-deploy
Description: {Procedure Name}
             ^^^^^^^^^^^^^^^^ warning: template-placeholder: {Procedure Name}
Requirement: [What must be true]
             ^^^^^^^^^^^^^^^^^^^ warning: template-placeholder: `Requirement` still holds the template placeholder [What must be true]
Verification: Signed off on YYYY-MM-DD
                            ^^^^^^^^^^ warning: template-placeholder: YYYY-MM-DD
Blocker: [Yes | No]
         ^^^^^^^^^^ warning: template-placeholder
Owner: [Name/Team]
       ^^^^^^^^^^^ warning: template-placeholder
Linked IDs: [EPIC-XXX, API-XXX, TEST-XXX related], TEST-XXX
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: template-placeholder
                                                   ^^^^^^^^ warning: template-placeholder: TEST-XXX is a template placeholder

DEP-002: Real values that look a bit like templates
Type: Step
Stage: Deploy
Description: Uses ${RELEASE_TAG}, the [runbook](RUNBOOK.md) and a - [ ] checkbox
Owner: SRE
"#,
    );
}

#[test]
fn plaintext_secrets_versus_references_to_a_secrets_manager() {
    check_in_plan(
        r#"
DEP-001: Preview environment with secrets in plain text
Type: Environment
Stage: Pre-deploy
Description: Preview
Name: preview
Infrastructure: Vercel
Configuration:
  - NODE_ENV=preview
  - STRIPE_SECRET_KEY=sk_live_51Hx9aQ2eZvKYlo2C8Xr4bT0n
                      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error: plaintext-secret: holds a Stripe live secret key in plain text
Secrets: password=hunter2hunter2
                  ^^^^^^^^^^^^^^ error: plaintext-secret: a literal credential
Access: Everyone
Owner: Platform

DEP-002: Another preview with a key block
Type: Environment
Stage: Pre-deploy
Description: Preview
Name: preview
Infrastructure: Vercel
Configuration: API_TOKEN=Zk9QmX2vR7tLp4WcN8yB3hJd6FsA1eUq
                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error: plaintext-secret: a long high-entropy token
Secrets:
  -----BEGIN RSA PRIVATE KEY-----
  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error: plaintext-secret: a private key block
  MIIEowIBAAKCAQEA7bq0Xb3
  -----END RSA PRIVATE KEY-----
Access: Everyone
Owner: Platform

DEP-003: Secrets referenced, not written
Type: Environment
Stage: Pre-deploy
Description: Preview
Name: preview
Infrastructure: Vercel
Configuration:
  - NODE_ENV=preview
  - STRIPE_SECRET_KEY=${STRIPE_SECRET_KEY}
  - DB_PASSWORD=vault:secret/checkout/db
Secrets: AWS Secrets Manager, rotated monthly
Access: Everyone
Owner: Platform
"#,
    );
}

#[test]
fn criteria_must_trace_to_epic_test_or_api() {
    check_in_plan(
        r#"
//- /ids.md
## ARC-001: Architecture
## EPIC-01: Checkout
## API-001: Orders
//- /release.md
DEP-001: Traces only to an architecture decision
^^^^^^^ warning: untraced-criteria: does not trace back to any EPIC-, TEST- or API- ID
Type: Criteria
Stage: Pre-deploy
Description: Architecture reviewed
Requirement: Review done
Verification: Sign-off
Blocker: Yes
Owner: Architect
Linked IDs: ARC-001

DEP-002: No links at all
^^^^^^^ warning: untraced-criteria
Type: Criteria
Stage: Pre-deploy
Description: Architecture reviewed
Requirement: Review done
Verification: Sign-off
Blocker: Yes
Owner: Architect

DEP-003: Traces to an EPIC
Type: Criteria
Stage: Pre-deploy
Description: Epic done
Requirement: Epic complete
Verification: Board
Blocker: Yes
Owner: PM
Linked IDs: EPIC-01

## DEP-004: Traces to an API through a Related IDs list

**Type**: Criteria
**Stage**: Pre-deploy
**Description**: API ready
**Requirement**: Contract frozen
**Verification**: Review
**Blocker**: No
**Owner**: Tech lead

### Related IDs

- [API-001](ids.md#api-001) - orders endpoint
"#,
    );
}

#[test]
fn unknown_prefixes_in_link_lists_and_configured_prefixes() {
    check_in_plan(
        r#"
//- /dep-ls.toml
prefixes = ["OPS"]
//- /ids.md
## OPS-001: Operations checklist
## TEST-001: A test
//- /release.md
DEP-001: Links with unknown prefixes
Type: Step
Stage: Deploy
Description: Prose with FOO-001 is not an ID and not reported
Owner: SRE
Linked IDs: OPS-001, TSET-001, FOO-001, TEST-001
                     ^^^^^^^^ warning: unknown-prefix: did you mean TEST?
                               ^^^^^^^ warning: unknown-prefix: FOO-001 has the prefix FOO, which is not a configured ID prefix
"#,
    );
}

#[test]
fn stage_mismatch_is_a_hint_per_type() {
    check_in_plan(
        r#"
DEP-001: Environment set up after the deploy
Type: Environment
Stage: Post-deploy
       ^^^^^^^^^^^ hint: stage-mismatch: Stage Post-deploy is unusual for an Environment entry (typically Pre-deploy)
Description: Preview
Name: preview
Infrastructure: Vercel
Configuration: NODE_ENV=preview
Secrets: Vercel encrypted env
Access: Everyone
Owner: Platform

DEP-002: Validation before the deploy
Type: Validation
Stage: Pre-deploy
       ^^^^^^^^^^ hint: stage-mismatch: typically Post-deploy
Description: Smoke
Check: Order completes
Method: Manual
Success Criteria: Confirmed
Escalation: Page on-call
Owner: QA

DEP-003: Rollback in the Rollback stage is typical
Type: Rollback
Stage: Rollback
Description: Revert
Trigger: Errors
Threshold: >2% of requests for 5 minutes
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: RUN-900

DEP-004: Steps go anywhere
Type: Step
Stage: Rollback
Description: Clean up
Owner: SRE
"#,
    );
}

#[test]
fn rollback_unlinked_without_mon_or_run() {
    check_in_plan(
        r#"
//- /ids.md
## EPIC-01: Checkout
//- /release.md
DEP-001: Rollback linking neither monitor nor runbook
^^^^^^^ hint: rollback-unlinked: links no MON- monitor and no RUN- runbook
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Errors
Threshold: >2% of requests for 5 minutes
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: EPIC-01

DEP-002: Rollback linking a monitor
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Errors
Threshold: >2% of requests for 5 minutes
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: MON-900

DEP-003: Rollback linking a runbook range
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Errors
Threshold: >2% of requests for 5 minutes
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: RUN-900 to RUN-900
"#,
    );
}

#[test]
fn deprecated_links_name_the_replacement_when_there_is_one() {
    let c = check_in_plan(
        r#"
//- /SoT/SoT.API_CONTRACTS.md
## API-003: Cart update v1 [DEPRECATED]

**Replacement**: API-004

## API-004: Cart update v2

## API-005: Legacy export
**Status**: Deprecated

## API-006: Current export
//- /SoT/SoT.DEPLOYMENT.md
## DEP-032: Cart service rollout

**ID**: DEP-032
**Type**: Step
**Stage**: Deploy
**Owner**: Platform
**Description**: Roll out the cart service; API-003 in prose is only mentioned

### Related IDs

- [API-003](SoT.API_CONTRACTS.md#api-003) - cart update endpoint
   ^^^^^^^ hint: deprecated-link: DEP-032: API-003 is deprecated — link its replacement API-004 instead
- [API-004](SoT.API_CONTRACTS.md#api-004) - its replacement

## DEP-033: Export rollout

**Type**: Step
**Stage**: Deploy
**Owner**: Platform
**Description**: Roll out the export
**Linked IDs**: API-005, API-006
                ^^^^^^^ hint: deprecated-link: API-005 is deprecated — link what replaces it
"#,
    );
    let api3 = c
        .findings
        .iter()
        .find(|f| f.code.as_str() == "deprecated-link" && f.message.contains("API-003"))
        .unwrap();
    assert_eq!(api3.related.len(), 1);
    assert_eq!(api3.related[0].path, "SoT/SoT.API_CONTRACTS.md");
    assert_eq!(
        c.text_of("SoT/SoT.API_CONTRACTS.md", &api3.related[0].span),
        "API-003"
    );
}

#[test]
fn broken_links_versus_links_to_existing_files() {
    check_in_plan(
        r#"
//- /PRD.md
## RISK-001: Payment provider outage
//- /docs/diagram.png
not Markdown, but a file of the workspace
//- /SoT/SoT.RUNBOOKS.md
## RUN-002: Payment degradation runbook
//- /SoT/SoT.DEPLOYMENT.md
## DEP-033: Payment provider failover drill

**Type**: Step
**Stage**: Pre-deploy
**Owner**: Payments
**Description**: Rehearse the runbook ([diagram](../docs/diagram.png))

### Related IDs

- [RUN-002](SoT.RUNBOOK.md#run-002) - misspelt file name
  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: broken-link: points at SoT.RUNBOOK.md, which is not a file in the workspace — RUN-002 is defined in SoT.RUNBOOKS.md
- [RUN-002](SoT.RUNBOOKS.md#run-002) - right file
- [RUN-002](./SoT.RUNBOOKS.md) - right file, no anchor
- [RISK-001](../PRD.md#risk-001) - up one folder
- [RISK-001](/PRD.md#risk-001) - from the workspace root
- [RISK-001](../docs/PRD.md#risk-001) - no such file
  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: broken-link: — RISK-001 is defined in ../PRD.md
- [RISK-001](https://example.com/PRD.md#risk-001) - a URL is not checked
- [RISK-001](#risk-001) - an anchor in this file is not checked
- [DEP-033 diagram](../docs/diagram.png) - a link to a non-Markdown file that exists
"#,
    );
}

#[test]
fn broken_link_to_an_undefined_id_reports_both() {
    check_in_plan(
        r#"
DEP-001: Step
Type: Step
Stage: Deploy
Description: Deploy
Owner: SRE
Linked IDs: [RUN-404](runbooks.md#run-404)
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: broken-link: points at runbooks.md
             ^^^^^^^ error: unresolved-link
"#,
    );
}

// =============================================================================================
// Plan-level codes
// =============================================================================================

#[test]
fn plan_level_codes_sit_on_the_first_dep_entry_in_path_order() {
    check(
        r#"
//- /b-release.md
DEP-002: Production environment
Type: Environment
Stage: Pre-deploy
Description: Production
Name: production
Infrastructure: AWS
Configuration: NODE_ENV=production
Secrets: AWS Secrets Manager
Access: DevOps
Owner: Platform
//- /a-notes.md
# Notes

The epics table is not a DEP- block, so it does not count as the plan's first entry:

| ID | Title |
|----|-------|
| DEP-900 | table rows are not DEP- blocks |

DEP-XXX: [A template left in the notes is not an entry either]
^^^^^^^ warning: template-placeholder

DEP-001: Deploy step
^^^^^^^ warning: no-validation: has no Validation entry
^^^^^^^ warning: no-rollback: has no Rollback entry
^^^^^^^ warning: no-criteria: has no Criteria entry
^^^^^^^ warning: missing-environment: documents no staging environment
^^^^^^^ hint: big-bang-release
Type: Step
Stage: Deploy
Description: Deploy
Owner: SRE
"#,
    );
}

#[test]
fn a_complete_plan_has_no_plan_level_findings() {
    check(BACKGROUND);
}

#[test]
fn plan_scope_directory_checks_each_folder_on_its_own() {
    check(
        r#"
//- /dep-ls.toml
[plan]
scope = "directory"
//- /complete/plan.md
DEP-001: Staging
Type: Environment
Stage: Pre-deploy
Description: Staging
Name: staging
Infrastructure: AWS
Configuration: NODE_ENV=staging
Secrets: AWS Secrets Manager
Access: DevOps
Owner: Platform

DEP-002: Production
Type: Environment
Stage: Pre-deploy
Description: Production
Name: production
Infrastructure: AWS
Configuration: NODE_ENV=production
Secrets: AWS Secrets Manager
Access: DevOps
Owner: Platform

DEP-003: Criteria
Type: Criteria
Stage: Pre-deploy
Description: Tests
Requirement: Pass
Verification: CI
Blocker: Yes
Owner: QA
Linked IDs: TEST-001

DEP-004: Rollback
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Errors
Threshold: >2% of requests for 5 minutes
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: RUN-001

## TEST-001: A test
## RUN-001: A runbook
//- /complete/validation.md
DEP-005: Smoke test
Type: Validation
Stage: Post-deploy
Description: Smoke
Check: Order completes
Method: Automated
Success Criteria: Confirmed
Escalation: Page on-call
Owner: QA
//- /partial/plan.md
DEP-010: Only a step
^^^^^^^ warning: no-validation
^^^^^^^ warning: no-rollback
^^^^^^^ warning: no-criteria
^^^^^^^ warning: missing-environment: documents no staging and production environment
Type: Step
Stage: Deploy
Description: Deploy
Owner: SRE
"#,
    );
}

#[test]
fn environment_drift_sits_on_the_entry_lacking_the_key() {
    let c = check_in_plan(
        r#"
//- /release.md
DEP-001: Staging
Type: Environment
Stage: Pre-deploy
Description: Staging
Name: staging
Infrastructure: AWS
Configuration:
^^^^^^^^^^^^^ warning: environment-drift: DEP-001 (staging) does not set RATE_LIMIT, which DEP-002 (production) sets
  - NODE_ENV=staging
  - LOG_LEVEL: debug
Secrets: AWS Secrets Manager
Access: DevOps
Owner: Platform

DEP-002: Production
Type: Environment
Stage: Pre-deploy
Description: Production
Name: Production
Infrastructure: AWS
**Configuration:**
  ^^^^^^^^^^^^^ warning: environment-drift: does not set LOG_LEVEL
  - NODE_ENV=production
  - RATE_LIMIT=100/min
Secrets: AWS Secrets Manager
Access: DevOps
Owner: Platform

DEP-003: Preview is not compared
Type: Environment
Stage: Pre-deploy
Description: Preview
Name: preview
Infrastructure: Vercel
Configuration: NODE_ENV=preview, FEATURE_X=on
Secrets: Vercel encrypted env
Access: Everyone
Owner: Platform
"#,
    );
    let f = c
        .findings
        .iter()
        .find(|f| f.message.contains("RATE_LIMIT"))
        .unwrap();
    assert_eq!(f.related.len(), 1);
    assert_eq!(f.related[0].path, "release.md");
    assert_eq!(c.text_of("release.md", &f.related[0].span), "Configuration");
}

#[test]
fn environment_drift_without_any_configuration_sits_on_the_definition() {
    check_in_plan(
        r#"
DEP-001: Staging
^^^^^^^ warning: environment-drift: does not set NODE_ENV
^^^^^^^ warning: missing-field: `Configuration:`
Type: Environment
Stage: Pre-deploy
Description: Staging
Name: staging
Infrastructure: AWS
Secrets: AWS Secrets Manager
Access: DevOps
Owner: Platform

DEP-002: Production
Type: Environment
Stage: Pre-deploy
Description: Production
Name: production
Infrastructure: AWS
Configuration: NODE_ENV=production
Secrets: AWS Secrets Manager
Access: DevOps
Owner: Platform

DEP-003: A second staging entry with the same keys
Type: Environment
Stage: Pre-deploy
Description: Staging twin
Name: staging
Infrastructure: AWS
Configuration: NODE_ENV=staging
Secrets: AWS Secrets Manager
Access: DevOps
Owner: Platform
"#,
    );
}

// =============================================================================================
// Parsing rules: definitions
// =============================================================================================

/// (id, title, definition kind) of every entry of a parsed file.
fn defs(c: &Checked, path: &str) -> Vec<(String, String, syntax::DefKind)> {
    c.docs[path]
        .entries
        .iter()
        .map(|e| (e.id.to_string(), e.title.to_string(), e.def_kind))
        .collect()
}

#[test]
fn every_definition_style_defines_its_id() {
    use syntax::DefKind::*;
    let c = check_in_plan(
        r#"
//- /ids.md
ARC-001: Plain line
# ARC-002: Heading 1 with a colon
## ARC-003 - Heading 2 with a hyphen
### ARC-004 – Heading 3 with an en dash
#### ARC-005 — Heading 4 with an em dash
##### ARC-006 | Heading 5 with a bar
###### ARC-007 Heading 6 with a plain space
# EPIC-01 Foundations
## ARC-008: Closing hashes ##

| ID | Title | Status |
|----|-------|--------|
| EPIC-001 | Checkout redesign | Complete |
| **EPIC-002** | Bold first cell | Planned |
| Not an ID | EPIC-003 in another cell is a reference | - |
              ^^^^^^^^ hint: unresolved-link: EPIC-003 is mentioned but defined nowhere
//- /release.md
DEP-001: Links to every style
Type: Step
Stage: Deploy
Description: Everything resolves
Owner: SRE
Linked IDs: ARC-001 to ARC-008, EPIC-01, EPIC-001, EPIC-002
"#,
    );
    let s = |x: &str| x.to_string();
    assert_eq!(
        defs(&c, "ids.md"),
        vec![
            (s("ARC-001"), s("Plain line"), Line),
            (s("ARC-002"), s("Heading 1 with a colon"), Heading(1)),
            (s("ARC-003"), s("Heading 2 with a hyphen"), Heading(2)),
            (s("ARC-004"), s("Heading 3 with an en dash"), Heading(3)),
            (s("ARC-005"), s("Heading 4 with an em dash"), Heading(4)),
            (s("ARC-006"), s("Heading 5 with a bar"), Heading(5)),
            (s("ARC-007"), s("Heading 6 with a plain space"), Heading(6)),
            (s("EPIC-01"), s("Foundations"), Heading(1)),
            (s("ARC-008"), s("Closing hashes"), Heading(2)),
            (s("EPIC-001"), s("Checkout redesign"), TableRow),
            (s("EPIC-002"), s("Bold first cell"), TableRow),
        ]
    );
    let epic = &c.docs["ids.md"].entries[9];
    assert_eq!(
        epic.summary.as_deref(),
        Some("Checkout redesign | Complete")
    );
    let status = epic
        .field("status")
        .expect("the header row names the columns");
    assert_eq!(status.value, "Complete");
}

#[test]
fn dep_entries_defined_by_headings_are_checked_like_lines() {
    check_in_plan(
        r#"
# DEP-001: Heading 1
  ^^^^^^^ warning: missing-owner
Type: Step
Stage: Deploy
Description: Deploy

###### DEP-002 Heading 6 with a plain space
       ^^^^^^^ warning: missing-owner
Type: Step
Stage: Deploy
Description: Deploy

### DEP-003 | A bar
    ^^^^^^^ warning: missing-owner
Type: Step
Stage: Deploy
Description: Deploy

## DEP-004 — Complete
Type: Step
Stage: Deploy
Description: Deploy
Owner: SRE
"#,
    );
}

#[test]
fn not_definitions() {
    check_in_plan(
        r#"
//- /release.md
## DEP-001a: glued letters make no ID
## DEP-0012345: seven digits make no ID
DEP-002 without a colon is prose, not a definition
^^^^^^^ hint: unresolved-link
    DEP-003: indented four spaces is a code block, read as prose
    ^^^^^^^ hint: unresolved-link
- EPIC-004: a list item of another prefix is a reference (DEP- list items are entries)
  ^^^^^^^^ hint: unresolved-link
## [DEP-005](x.md): a link in a heading is a reference
   ^^^^^^^^^^^^^^^ warning: broken-link
    ^^^^^^^ hint: unresolved-link
## See DEP-006: not at the start of the heading
       ^^^^^^^ hint: unresolved-link
"#,
    );
}

#[test]
fn deprecation_by_title_mark_or_status() {
    let c = check_in_plan(
        r#"
//- /ids.md
## API-001: Old endpoint [DEPRECATED]
## API-002 - Older endpoint [deprecated]
## API-003: Status-deprecated endpoint
Status: Deprecated since 2024
## API-004: Active endpoint
Status: Active

| ID | Title | Status |
|----|-------|--------|
| API-005 | [DEPRECATED] Table row | Retired |
| API-006 | Table row | Deprecated |
| API-007 | Table row | Active |
//- /release.md
DEP-001: Links
Type: Step
Stage: Deploy
Description: Deploy
Owner: SRE
Linked IDs: API-001, API-002, API-003, API-004, API-005, API-006, API-007
            ^^^^^^^ hint: deprecated-link
                     ^^^^^^^ hint: deprecated-link
                              ^^^^^^^ hint: deprecated-link
                                                ^^^^^^^ hint: deprecated-link: API-005 is deprecated
                                                         ^^^^^^^ hint: deprecated-link: link what replaces it
"#,
    );
    let dep: Vec<(&str, bool)> = c.docs["ids.md"]
        .entries
        .iter()
        .map(|e| (e.id.as_str(), e.deprecated))
        .collect();
    assert_eq!(
        dep,
        [
            ("API-001", true),
            ("API-002", true),
            ("API-003", true),
            ("API-004", false),
            ("API-005", true),
            ("API-006", true),
            ("API-007", false),
        ]
    );
}

// =============================================================================================
// Parsing rules: fields
// =============================================================================================

#[test]
fn every_field_spelling_is_read() {
    // Each Criteria entry writes every field in one spelling: a field that was not read would
    // show up as missing-field / missing-owner / untraced-criteria.
    let c = check_in_plan(
        r#"
DEP-001: Plain
Type: Criteria
Stage: Pre-deploy
Description: Plain spelling
Requirement: Pass
Verification: CI
Blocker: Yes
Owner: QA
Linked IDs: TEST-900

DEP-002: Bold key and colon
**Type:** Criteria
**Stage:** Pre-deploy
**Description:** Bold
**Requirement:** Pass
**Verification:** CI
**Blocker:** Yes
**Owner:** QA
**Linked IDs:** TEST-900

DEP-003: Bold key, colon outside
**Type**: Criteria
**Stage**: Pre-deploy
**Description**: Bold
**Requirement**: Pass
**Verification**: CI
**Blocker**: Yes
**Owner**: QA
**Linked IDs**: TEST-900

DEP-004: Dash list items
- Type: Criteria
- Stage: Pre-deploy
- Description: List
- Requirement: Pass
- Verification: CI
- Blocker: Yes
- Owner: QA
- Linked IDs: TEST-900

DEP-005: Bold list items
- **Type:** Criteria
- **Stage:** Pre-deploy
- **Description:** List
- **Requirement:** Pass
- **Verification:** CI
- **Blocker:** Yes
- **Owner:** QA
- **Linked IDs:** TEST-900

DEP-006: Star list items, any case
* TYPE: Criteria
* stage: Pre-deploy
* DESCRIPTION: Star
* requirement: Pass
* Verification: CI
* blocker: yes
* owner: QA
* linked ids: TEST-900

DEP-007: Validation with the guide's lowercase key
Type: Validation
Stage: Post-deploy
Description: Smoke
Check: Order completes
Method: Automated
Success criteria: Order confirmed
Escalation: Page on-call
Owner: QA
"#,
    );
    for e in &c.docs["release.md"].entries {
        let keys: Vec<&str> = e.fields.iter().map(|f| f.key.as_str()).collect();
        assert!(
            keys.iter().any(|k| k.eq_ignore_ascii_case("type")),
            "{}: {keys:?}",
            e.id
        );
        let owner = e.field("owner").unwrap();
        assert_eq!(owner.value, "QA", "{}", e.id);
        assert_eq!(c.text_of("release.md", &e.abs(owner.value_span)), "QA");
        assert!(
            c.text_of("release.md", &e.abs(owner.key_span))
                .eq_ignore_ascii_case("owner"),
            "{}: the key span covers the key without `**`, `-` or `:`",
            e.id
        );
    }
}

#[test]
fn empty_values_take_the_indented_and_list_lines_below() {
    let c = check_in_plan(
        r#"
DEP-001: Preview
Type: Environment
Stage: Pre-deploy
Description: Preview
Name: preview
Infrastructure: Vercel
Configuration:
  - NODE_ENV=preview
  - LOG_LEVEL: debug
  - FEATURE_FLAGS: {Flag List}
                   ^^^^^^^^^^^ warning: template-placeholder: `Configuration` still holds the template placeholder {Flag List}
Secrets: Vercel encrypted env
Access: Everyone
Owner: Platform

DEP-002: Rollback with steps
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Errors
Threshold: >2% of requests for 5 minutes
Procedure:
  1. Alert on-call engineer
  2. Run {Procedure Name}
         ^^^^^^^^^^^^^^^^ warning: template-placeholder: `Procedure` still holds
  3. Revert to previous known-good version
Notification: #incidents Slack, PagerDuty
Owner: SRE
Linked IDs:
- MON-900
- RUN-900
"#,
    );
    let doc = &c.docs["release.md"];
    let conf = doc.entries[0].field("configuration").unwrap();
    assert_eq!(
        conf.value,
        "- NODE_ENV=preview\n- LOG_LEVEL: debug\n- FEATURE_FLAGS: {Flag List}"
    );
    assert_eq!(conf.pieces.len(), 3);
    let proc_ = doc.entries[1].field("procedure").unwrap();
    assert_eq!(proc_.value.lines().count(), 3);
    assert!(proc_.value.starts_with("1. Alert on-call engineer"));
    assert!(doc.entries[1].field("notification").is_some());
    let linked = doc.entries[1].field("linked ids").unwrap();
    assert_eq!(linked.items.len(), 2);
}

#[test]
fn methodology_procedure_entries_with_related_ids_lists() {
    let c = check_in_plan(
        r#"
//- /SoT/SoT.API_CONTRACTS.md
## API-003: Cart update
## API-004: Cart read
//- /SoT/SoT.DEPLOYMENT.md
# Deployment procedures

## DEP-032: Cart service rollout

**ID**: DEP-032
**Type**: Step
**Stage**: Deploy
**Category**: Release
**Status**: Active
**Owner**: Platform
**Description**: Roll out the cart service

### Steps

1. Deploy the new task definition
2. Watch the dashboards

### Rollback

Redeploy the previous task definition.

### Related IDs

- [API-003](SoT.API_CONTRACTS.md#api-003) - cart update endpoint
- [API-004](SoT.API_CONTRACTS.md#api-004) - cart read endpoint
- [API-005](SoT.API_CONTRACTS.md#api-005) - not defined
   ^^^^^^^ error: unresolved-link: DEP-032: linked ID API-005 is not defined

## DEP-033: Restating another entry's ID

**ID**: DEP-033
**Type**: Step
**Stage**: Deploy
**Owner**: Platform
**Description**: The ID line restates DEP-033 and is neither a definition nor a reference
"#,
    );
    let doc = &c.docs["SoT/SoT.DEPLOYMENT.md"];
    let e = &doc.entries[0];
    let related = e.field("related ids").unwrap();
    assert!(related.heading);
    let ids: Vec<&str> = related
        .items
        .iter()
        .map(|i| match i {
            syntax::LinkItem::Id(r) => r.id.as_str(),
            other => panic!("unexpected item {other:?}"),
        })
        .collect();
    assert_eq!(ids, ["API-003", "API-004", "API-005"]);
    // `**ID**: DEP-032` is not a reference; the prose `DEP-033` in a description is.
    let refs: Vec<&str> = doc.refs.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(refs, ["API-003", "API-004", "API-005", "DEP-033"]);
    assert_eq!(doc.entries.len(), 2);
}

#[test]
fn a_heading_ends_an_entry() {
    check_in_plan(
        r#"
## DEP-001: Heading entry
   ^^^^^^^ warning: missing-owner
Type: Step
Stage: Deploy
Description: Deploy

## Next section

Owner: this owner line is outside DEP-001

DEP-002: Line entry
^^^^^^^ warning: missing-owner
Type: Step
Stage: Deploy
Description: Deploy

# Appendix
Owner: not DEP-002's either
"#,
    );
}

// =============================================================================================
// Parsing rules: where IDs are read
// =============================================================================================

#[test]
fn ids_in_code_and_comments_are_ignored_but_dep_fences_are_read() {
    let c = check_in_plan(
        r#"
//- /notes.md
# Notes

```yaml
DEP-004: a mapping key, not a second definition
links: [API-404, TEST-404]
```

```json
{"id": "DEP-004", "links": ["API-404"]}
```

~~~rust
// DEP-777: not here
~~~

Inline `DEP-999` and ``API-404`` are code; <!-- DEP-888 and API-404 --> is a comment.

<!--
DEP-889: a definition inside a comment block
Linked IDs: API-404
-->

```
DEP-401: A plain fence is read
^^^^^^^ warning: missing-owner
Type: Step
Stage: Deploy
Description: Links API-404
                   ^^^^^^^ hint: unresolved-link
```

```text
DEP-402: A text fence is read
^^^^^^^ warning: missing-owner
Type: Step
Stage: Deploy
Description: Deploy
```

```md
DEP-403: An md fence is read
Type: Step
Stage: Deploy
Description: Deploy
Owner: SRE
Linked IDs: TEST-404
            ^^^^^^^^ error: unresolved-link
```

Owner: after the fence, DEP-403 has ended
"#,
    );
    let ids: Vec<&str> = c.docs["notes.md"]
        .entries
        .iter()
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(ids, ["DEP-401", "DEP-402", "DEP-403"]);
}

#[test]
fn ids_in_a_yaml_block_do_not_duplicate_real_definitions() {
    check_in_plan(
        r#"
DEP-004: The real definition
Type: Step
Stage: Deploy
Description: Deploy
Owner: SRE

```yaml
DEP-004: copy
```
"#,
    );
}

#[test]
fn tokens_like_utf8_are_not_ids_unless_their_prefix_is_known() {
    check_in_plan(
        r#"
//- /release.md
DEP-001: Encodings and hashes
Type: Step
Stage: Deploy
Description: Files are UTF-8, hashed with SHA-256, dated ISO-8601, served over HTTP-2, priced in ISO-4217
Owner: SRE
Linked IDs: TEST-900

DEP-002: With a configured prefix, the same shape is an ID
Type: Step
Stage: Deploy
Description: Rotate with KMS-7
                         ^^^^^ hint: unresolved-link
Owner: SRE
//- /dep-ls.toml
prefixes = ["KMS"]
"#,
    );
}

#[test]
fn compound_prefixes() {
    let c = check_in_plan(
        r#"
//- /rules.md
## BR-FEA-001: Free shipping over 50 EUR

| ID | Rule |
|----|------|
| BR-FEA-002 | Coupons do not stack |
//- /release.md
DEP-001: Business rules
Type: Step
Stage: Deploy
Description: Ships BR-FEA-001 and BR-FEA-002; BR-FEA-003 is not written yet
                                              ^^^^^^^^^^ hint: unresolved-link: did you mean BR-FEA-001 or BR-FEA-002?
Owner: SRE
Linked IDs: BR-FEA-001..BR-FEA-002, XX-FEA-001
                                    ^^^^^^^^^^ warning: unknown-prefix: has the prefix XX-FEA
"#,
    );
    let e = &c.docs["rules.md"].entries[0];
    assert_eq!((e.id.as_str(), e.prefix()), ("BR-FEA-001", "BR-FEA"));
}

#[test]
fn the_guides_three_example_entries_get_no_error() {
    let release = include_str!("../fixtures/seed/release.md");
    let ids = include_str!("../fixtures/seed/ids.md");
    let c = check(&format!(
        "//- /ids.md\n{ids}\n//- /release.md\n{}",
        annotate_seed(release)
    ));
    assert!(c
        .findings
        .iter()
        .all(|f| f.severity != check::Severity::Error));
}

/// The findings the seed's entries must get (no errors): they have no owners outside Criteria
/// (warnings by default), and a plan of one production environment, one Criteria and one
/// Rollback has no validation and no staging environment.
fn annotate_seed(release: &str) -> String {
    let mut out = String::new();
    for line in release.lines() {
        out.push_str(line);
        out.push('\n');
        match line {
            "DEP-001: Production Environment Configuration" => out.push_str(
                "^^^^^^^ warning: missing-owner\n\
                 ^^^^^^^ warning: no-validation\n\
                 ^^^^^^^ warning: missing-environment: documents no staging environment\n",
            ),
            "DEP-003: Error Rate Rollback Trigger" => {
                out.push_str("^^^^^^^ warning: missing-owner\n")
            }
            _ => {}
        }
    }
    out
}

// =============================================================================================
// The example workspace
// =============================================================================================

#[test]
fn acme_checkout_reports_exactly_its_planted_defects() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-checkout");
    let ws = dep_ls::workspace::Workspace::load(&root, None, &|_, _| {});
    assert!(ws.config_errors.is_empty(), "{:?}", ws.config_errors);
    let got: Vec<(String, String, usize, String, String)> = ws
        .check()
        .iter()
        .map(|f| {
            let file = ws.files.iter().find(|x| x.path == f.path).unwrap();
            let line = LineIndex::new(&file.text).line_of(f.span.start) + 1;
            (
                f.code.as_str().to_string(),
                f.path.clone(),
                line,
                f.id.clone().unwrap_or_default(),
                f.severity.as_str().to_string(),
            )
        })
        .collect();
    // DEFECTS.md, in its order: (code, file, 1-based line, entry, severity).
    const PLAN: &str = "release/release-plan.md";
    const SOT: &str = "SoT/SoT.DEPLOYMENT.md";
    let expected = [
        ("unmeasurable-threshold", PLAN, 208, "DEP-011", "error"),
        ("missing-owner", PLAN, 129, "DEP-006", "error"),
        ("unresolved-link", PLAN, 127, "DEP-005", "error"),
        ("invalid-value", PLAN, 298, "DEP-017", "error"),
        ("template-placeholder", PLAN, 288, "DEP-016", "warning"),
        ("range-gap", PLAN, 115, "DEP-004", "warning"),
        ("environment-drift", PLAN, 34, "DEP-001", "warning"),
        ("threshold-without-window", PLAN, 193, "DEP-010", "hint"),
        ("plaintext-secret", PLAN, 64, "DEP-002", "error"),
        ("deprecated-link", SOT, 104, "DEP-032", "hint"),
        ("broken-link", SOT, 131, "DEP-033", "warning"),
        ("unknown-field", PLAN, 263, "DEP-014", "warning"),
        ("missing-field", PLAN, 253, "DEP-014", "warning"),
        ("missing-field", SOT, 135, "DEP-034", "warning"),
    ];
    let mut expected: Vec<(String, String, usize, String, String)> = expected
        .iter()
        .map(|&(c, p, l, id, s)| (c.into(), p.into(), l, id.into(), s.into()))
        .collect();
    let mut got_sorted = got.clone();
    got_sorted.sort();
    expected.sort();
    assert_eq!(got_sorted, expected);

    // The table above is DEFECTS.md's: every row names its entry, file, line and code there.
    let defects = std::fs::read_to_string(root.join("DEFECTS.md")).unwrap();
    assert!(defects.contains("Fourteen findings in all"));
    for (code, path, line, id, _) in &expected {
        let row = defects
            .lines()
            .find(|l| l.contains(&format!("`{id}`")) && l.contains(&format!("`{code}`")))
            .unwrap_or_else(|| panic!("DEFECTS.md has no row for {id} {code}"));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        assert_eq!(cells[2], format!("`{path}`"), "{row}");
        assert!(cells[3].split(", ").any(|l| l == line.to_string()), "{row}");
    }
}

#[test]
fn styles_mobile_reports_exactly_its_planted_defects() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/styles-mobile");
    let ws = dep_ls::workspace::Workspace::load(&root, None, &|_, _| {});
    assert!(ws.config_errors.is_empty(), "{:?}", ws.config_errors);
    let mut got: Vec<(String, usize, String, String)> = ws
        .check()
        .iter()
        .map(|f| {
            let file = ws.files.iter().find(|x| x.path == f.path).unwrap();
            assert_eq!(f.path, "release/plan-2.4.md", "{f:?}");
            let line = LineIndex::new(&file.text).line_of(f.span.start) + 1;
            (
                f.code.as_str().to_string(),
                line,
                f.id.clone().unwrap_or_default(),
                f.severity.as_str().to_string(),
            )
        })
        .collect();
    // DEFECTS.md, in its order: (code, 1-based line, entry, severity).
    let expected = [
        ("missing-owner", 15, "DEP-003", "error"),
        ("threshold-without-window", 43, "DEP-005", "hint"),
        ("range-gap", 59, "DEP-006", "warning"),
        ("unresolved-link", 72, "DEP-007", "error"),
        ("invalid-value", 81, "DEP-008", "error"),
        ("plaintext-secret", 97, "DEP-009", "error"),
        ("unread-line", 101, "", "hint"),
        ("unresolved-link", 101, "DEP-009", "hint"),
    ];
    let mut expected: Vec<(String, usize, String, String)> = expected
        .iter()
        .map(|&(c, l, id, s)| (c.into(), l, id.into(), s.into()))
        .collect();
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
    let defects = std::fs::read_to_string(root.join("DEFECTS.md")).unwrap();
    assert!(defects.contains("Eight findings in all"));
    for (code, line, _, _) in &expected {
        assert!(
            defects
                .lines()
                .any(|l| l.contains(&format!("`{code}`")) && l.contains(&format!("| {line} |"))),
            "DEFECTS.md has no row for {code} on line {line}"
        );
    }
}

// =============================================================================================
// Positions: CRLF line ends and non-ASCII text before a finding
// =============================================================================================

#[test]
fn positions_in_crlf_files_and_after_emoji_and_cjk_are_utf16() {
    let release = [
        "DEP-001: Rollback 🚀 发布回滚",
        "Type: Rollback",
        "Stage: Post-deploy",
        "Description: 发布 🚀 mentions API-077",
        "Trigger: errors",
        "Threshold: 高 🔥 high",
        "Procedure:",
        "  1. Revert",
        "Notification: #incidents",
        "Owner: SRE",
        "Linked IDs: RUN-900",
        "",
    ]
    .join("\r\n");
    // The background plan in CRLF too: it must stay clean.
    let mut files = parse_fixture(BACKGROUND).files;
    for (_, text) in &mut files {
        *text = text.replace('\n', "\r\n");
    }
    files.insert(0, ("release.md".to_string(), release.clone()));
    let c = analyse(&files);

    let utf16 = |f: &Finding| {
        let text = &c.texts[&f.path];
        LineIndex::new(text).range(text, f.span.clone(), PositionEncoding::Utf16)
    };
    let range = |l0, c0, l1, c1| Range::new(Position::new(l0, c0), Position::new(l1, c1));
    let got: Vec<(&str, &str, Range)> = c
        .findings
        .iter()
        .map(|f| (f.path.as_str(), f.code.as_str(), utf16(f)))
        .collect();
    assert_eq!(
        got,
        [
            // "Description: " (13) + "发布" (2) + " " + "🚀" (2 UTF-16 units) + " mentions " (10)
            ("release.md", "unresolved-link", range(3, 28, 3, 35)),
            // "Threshold: " (11) + "高 🔥 high" (1 + 1 + 2 + 1 + 4), without the "\r"
            ("release.md", "unmeasurable-threshold", range(5, 11, 5, 20)),
        ]
    );
    let threshold = &c.findings[1];
    assert_eq!(c.text_of("release.md", &threshold.span), "高 🔥 high");
    assert_eq!(c.text_of("release.md", &c.findings[0].span), "API-077");
    let doc = &c.docs["release.md"];
    assert_eq!(doc.entries[0].title, "Rollback 🚀 发布回滚");
    assert_eq!(
        doc.entries[0].field("procedure").unwrap().value,
        "1. Revert"
    );
    assert!(doc.entries[0]
        .fields
        .iter()
        .all(|f| !f.value.contains('\r')));
}

// =============================================================================================
// Edge cases a release engineer writes
// =============================================================================================

#[test]
fn ids_inside_link_destinations_and_urls_are_not_references() {
    check_in_plan(
        r#"
//- /epics/EPIC-02-payments.md
## EPIC-02: Payments hardening
//- /release.md
DEP-001: Links whose destinations hold ID-shaped text
Type: Step
Stage: Deploy
Description: See [the ticket](https://jira.example.com/browse/DEP-123) and https://jira.example.com/browse/DEP-124
Owner: SRE
Linked IDs: [EPIC-02](epics/EPIC-02-payments.md), [EPIC-03](epics/EPIC-03-later.md#EPIC-03)
                                                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: broken-link
                                                   ^^^^^^^ error: unresolved-link
"#,
    );
}

#[test]
fn thresholds_a_release_engineer_writes() {
    check_in_plan(
        r#"
DEP-001: Counted failures
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Health checks fail
Threshold: 3 consecutive failed health checks
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ hint: threshold-without-window
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: MON-900

DEP-002: A ratio is not a window
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Errors
Threshold: more than 5 errors per 100 requests
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ hint: threshold-without-window
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: MON-900

DEP-003: Windows in several words
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: CPU
Threshold: CPU above 90% for 2 consecutive minutes
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: MON-900
"#,
    );
}

#[test]
fn enumerated_values_followed_by_a_comment() {
    check_in_plan(
        r#"
DEP-001: Validation with a note after its method
Type: Validation
Stage: Post-deploy
Description: Smoke
Check: Order completes
Method: Automated (Playwright smoke suite)
Success Criteria: Confirmed
Escalation: Page on-call
Owner: QA

DEP-002: Criteria with a dash comment
Type: Criteria
Stage: Pre-deploy
Description: Tests pass
Requirement: Pass
Verification: CI
Blocker: Yes — failure blocks the deploy
Owner: QA
Linked IDs: TEST-900
"#,
    );
}

#[test]
fn empty_owner_or_required_field_is_absent() {
    check_in_plan(
        r#"
DEP-001: Criteria with an empty owner
^^^^^^^ error: missing-owner: DEP-001 (Criteria) has no owner: `Owner:` is empty
Type: Criteria
Stage: Pre-deploy
Description: Tests pass
Requirement: Pass
Verification: CI
Blocker: Yes
Owner:
Linked IDs: TEST-900

DEP-002: Environment with an empty required field
^^^^^^^ warning: missing-field: DEP-002 (Environment): `Secrets:` is empty — fill it in
Type: Environment
Stage: Pre-deploy
Description: Preview
Name: preview
Infrastructure: Vercel
Configuration: NODE_ENV=preview
Secrets:
Access: Everyone
Owner: Platform
"#,
    );
}

#[test]
fn template_values_are_placeholders_not_invalid_values() {
    // (A real title: an entry still titled `[Deployment Item Title]` is a template, reported
    // once, `a_template_entry_reports_its_title_and_belongs_to_no_plan`.)
    check_in_plan(
        r#"
DEP-001: Payment rollout
Type: [Environment | Criteria | Rollback | Validation | Step]
      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: template-placeholder
Stage: [Pre-deploy | Deploy | Post-deploy | Rollback]
       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: template-placeholder
Description: Follows DEP-XXX
                     ^^^^^^^ warning: template-placeholder: DEP-XXX
Owner: SRE
"#,
    );
}

#[test]
fn secrets_manager_paths_are_not_secrets() {
    check_in_plan(
        r#"
DEP-001: Preview
Type: Environment
Stage: Pre-deploy
Description: Preview
Name: preview
Infrastructure: Vercel
Configuration: NODE_ENV=preview
Secrets: AWS Secrets Manager: checkout/preview/stripe
Access: Everyone
Owner: Platform
"#,
    );
}

#[test]
fn environment_names_with_a_remark_and_names_from_titles() {
    check(
        r#"
//- /release.md
DEP-001: Staging Environment Configuration
^^^^^^^ warning: missing-field: is missing the required field `Name:`
Type: Environment
Stage: Pre-deploy
Description: Staging, named by its title only
Infrastructure: AWS
Configuration: NODE_ENV=staging
Secrets: AWS Secrets Manager
Access: DevOps
Owner: Platform

DEP-002: Live
Type: Environment
Stage: Pre-deploy (before the cutover)
Description: Production
Name: Production (us-east-1)
Infrastructure: AWS
Configuration: NODE_ENV=production
Secrets: AWS Secrets Manager
Access: DevOps
Owner: Platform

DEP-003: Criteria
Type: Criteria — release gate
Stage: Pre-deploy
Description: Tests
Requirement: Pass
Verification: CI
Blocker: Yes
Owner: QA
Linked IDs: TEST-001

DEP-004: Rollback
Type: Rollback
Stage: Post-deploy; canary only
Description: Revert
Trigger: Errors
Threshold: >2% of requests for 5 minutes
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: RUN-001

DEP-005: Smoke test
Type: Validation
Stage: Post-deploy
Description: Smoke
Check: Order completes
Method: Both - manual spot check and synthetic monitor
Success Criteria: Confirmed
Escalation: Page on-call
Owner: QA

## TEST-001: A test
## RUN-001: A runbook
"#,
    );
}

#[test]
fn passwords_in_connection_urls_are_secrets() {
    check_in_plan(
        r#"
DEP-001: Preview
Type: Environment
Stage: Pre-deploy
Description: Preview
Name: preview
Infrastructure: Vercel
Configuration:
  - DATABASE_URL=postgres://checkout:S3cr3tP4ss@db.internal:5432/checkout
                                     ^^^^^^^^^^ error: plaintext-secret: a password in a connection URL
  - REPLICA_URL=postgres://checkout:${REPLICA_PASSWORD}@replica.internal:5432/checkout
  - CACHE_URL=redis://cache.internal:6379
  - DOCS_URL=https://docs.example.com/a:b@c
Secrets: AWS Secrets Manager
Access: Everyone
Owner: Platform
"#,
    );
}

#[test]
fn comments_inside_an_entry_hide_their_fields() {
    check_in_plan(
        r#"
DEP-001: Owner only in a comment
^^^^^^^ warning: missing-owner
Type: Step
Stage: Deploy
Description: Deploy
<!-- Owner: SRE -->

DEP-002: Owner in a multi-line comment
^^^^^^^ warning: missing-owner
Type: Step
Stage: Deploy
Description: Deploy
<!--
Owner: SRE
-->
"#,
    );
}

#[test]
fn broken_link_suggests_the_file_that_defines_the_id() {
    let c = check_in_plan(
        r#"
//- /SoT/SoT.API_CONTRACTS.md
## API-001: Create order
//- /release/plan.md
DEP-001: Step
Type: Step
Stage: Deploy
Description: Deploy
Owner: SRE
Linked IDs: [API-001](SoT.API_CONTRACTS.md#api-001), [API-001](../SoT/SoT.API_CONTRACTS.md#api-001)
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: broken-link: points at SoT.API_CONTRACTS.md, which is not a file in the workspace — API-001 is defined in ../SoT/SoT.API_CONTRACTS.md
"#,
    );
    assert_eq!(
        c.finding("broken-link").fix,
        Some(check::FixHint::Replace(vec![
            "../SoT/SoT.API_CONTRACTS.md".to_string()
        ]))
    );
}

#[test]
fn two_template_entries_are_not_duplicates() {
    check_in_plan(
        r#"
DEP-XXX: [Deployment Item Title]
^^^^^^^ warning: template-placeholder

DEP-XXX: [Deployment Item Title]
^^^^^^^ warning: template-placeholder
"#,
    );
}

#[test]
fn a_dash_after_a_linked_id_starts_its_description_not_a_range() {
    check_in_plan(
        r#"
//- /SoT/SoT.API_CONTRACTS.md
## API-002: Cart read v1
## API-005: Cart read v2
## API-007: Cart write
//- /SoT/SoT.DEPLOYMENT.md
## DEP-040: Cart rollout

**Type**: Step
**Stage**: Deploy
**Owner**: Platform
**Description**: Roll out the cart service

### Related IDs

- [API-005](SoT.API_CONTRACTS.md#api-005) - API-002 successor, read path
- [API-002](SoT.API_CONTRACTS.md#api-002) - API-007 is the write path
- API-002 - API-005 - a plain range is still a range
  ^^^^^^^^^^^^^^^^^ warning: range-gap: API-003, API-004 are not defined
"#,
    );
}

#[test]
fn links_that_climb_out_of_the_workspace_are_broken() {
    check_in_plan(
        r#"
//- /PRD.md
## RISK-001: Payment provider outage
//- /SoT/SoT.DEPLOYMENT.md
## DEP-033: Drill

**Type**: Step
**Stage**: Pre-deploy
**Owner**: Payments
**Description**: Rehearse

### Related IDs

- [RISK-001](../PRD.md#risk-001) - inside the workspace
- [RISK-001](../../PRD.md#risk-001) - one folder too far up
  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: broken-link: points at ../../PRD.md
"#,
    );
}

#[test]
fn front_matter_and_thematic_breaks() {
    check_in_plan(
        r#"
//- /release.md
---
title: Release plan
related: [DEP-404, API-404]
---

DEP-001: First step
Type: Step
Stage: Deploy
Description: Deploy
Owner: SRE

---

DEP-002: Second step
Type: Step
Stage: Deploy
Description: Deploy
Owner: SRE
***
DEP-003: Third step
Type: Step
Stage: Deploy
Description: Deploy
Owner: SRE
"#,
    );
}

#[test]
fn annotation_columns_count_characters() {
    check_in_plan(
        r#"
DEP-001: 发布 🚀 step
Type: Step
Stage: Deploy
Description: 发布 🚀 mentions API-077
                           ^^^^^^^ hint: unresolved-link: API-077
Notes: 发布　API-078 after an ideographic space, https://x.example/ API-079 after a no-break space
          ^^^^^^^ hint: unresolved-link: API-078
                                                                 ^^^^^^^ hint: unresolved-link: API-079
Owner: SRE
"#,
    );
}

#[test]
fn required_environments_are_configurable() {
    check_in_plan(
        r#"
//- /dep-ls.toml
[plan]
scope = "workspace"
environments = ["staging", "production", "preview"]
//- /release.md
DEP-001: Staging
^^^^^^^ warning: missing-environment: documents no preview environment
Type: Environment
Stage: Pre-deploy
Description: Staging
Name: staging
Infrastructure: AWS
Configuration: NODE_ENV=staging
Secrets: AWS Secrets Manager
Access: DevOps
Owner: Platform
"#,
    );
}

#[test]
fn a_rule_right_under_a_field_line() {
    // CommonMark reads `Owner: SRE` + `---` as a setext heading; both parsers must agree on
    // what that does to the entry.
    check_in_plan(
        r#"
DEP-001: First step
Type: Step
Stage: Deploy
Description: Deploy
Owner: SRE
---
DEP-002: Second step
Type: Step
Stage: Deploy
Description: Deploy
Owner: SRE
"#,
    );
}

#[test]
fn a_fenced_block_under_an_empty_field_is_its_value() {
    let c = check_in_plan(
        r#"
DEP-001: Staging
Type: Environment
Stage: Pre-deploy
Description: Staging
Name: staging
Infrastructure: AWS
Configuration:
^^^^^^^^^^^^^ warning: environment-drift: DEP-001 (staging) does not set RATE_LIMIT
```env
NODE_ENV=staging
STRIPE_SECRET_KEY=sk_live_51Hx9aQ2eZvKYlo2C8Xr4bT0n
                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error: plaintext-secret: `Configuration` holds a Stripe live secret key
# DEP-404 in a comment of the env file is no reference
```
Secrets: AWS Secrets Manager
Access: DevOps
Owner: Platform

DEP-002: Production
Type: Environment
Stage: Pre-deploy
Description: Production
Name: production
Infrastructure: AWS
Configuration:

```
NODE_ENV=production
STRIPE_SECRET_KEY=${STRIPE_SECRET_KEY}
RATE_LIMIT=100/min
```
Secrets: AWS Secrets Manager
Access: DevOps
Owner: Platform
"#,
    );
    let doc = &c.docs["release.md"];
    let conf = doc.entries[1].field("configuration").unwrap();
    assert_eq!(
        conf.value,
        "NODE_ENV=production\nSTRIPE_SECRET_KEY=${STRIPE_SECRET_KEY}\nRATE_LIMIT=100/min"
    );
    assert!(doc.entries[1].field("secrets").is_some());
}

/// Editor settings under a folder's dep-ls.toml: the file wins key by key, the rest of the
/// settings stay.
#[test]
fn dep_ls_toml_overrides_editor_settings_key_by_key() {
    use dep_ls::check::{Code, Severity};
    let dir = std::env::temp_dir().join(format!("dep-ls-config-merge-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("dep-ls.toml"),
        "prefixes = [\"OPS\"]\n[severity]\nrange-gap = \"error\"\n",
    )
    .expect("write");
    let mut base = Config::default();
    let errors = base.apply_settings(&serde_json::json!({
        "prefixes": ["SEC"],
        "severity": {"missing-owner": "off", "range-gap": "hint"}
    }));
    assert!(errors.is_empty(), "{errors:?}");
    let (c, errors) = Config::load_over(base, &dir, None);
    assert!(errors.is_empty(), "{errors:?}");
    // Only in the settings: kept.
    assert_eq!(c.severity(Code::MissingOwner, Severity::Error), None);
    // In both: the file wins.
    assert_eq!(
        c.severity(Code::RangeGap, Severity::Warning),
        Some(Severity::Error)
    );
    // Prefixes from both.
    assert!(c.prefixes.is_known("OPS") && c.prefixes.is_known("SEC"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn duplicate_id_lists_the_other_definitions_in_path_order_whatever_the_index_order() {
    let config = Config::default();
    let files = [
        ("c.md", "## DEP-001: Third\n"),
        ("a.md", "## DEP-001: First\n"),
        ("b.md", "## DEP-001: Second\n"),
    ];
    let messages = |order: &[usize]| {
        let mut index = Index::new();
        for &i in order {
            let (path, text) = files[i];
            index.update(path, Arc::new(syntax::parse_fast(text, &config.prefixes)));
        }
        let f = index
            .file(index.file_id("b.md").expect("b.md"))
            .expect("file");
        let found = check::entry::check_file("b.md", &f.doc, &index, &config);
        let dup = found
            .iter()
            .find(|x| x.code == check::Code::DuplicateId)
            .expect("duplicate-id");
        let related: Vec<String> = dup.related.iter().map(|r| r.path.clone()).collect();
        (dup.message.clone(), related)
    };
    let (msg, related) = messages(&[0, 1, 2]);
    assert!(msg.contains("also in a.md, c.md"), "{msg}");
    assert_eq!(related, ["a.md", "c.md"]);
    for order in [[2, 1, 0], [1, 2, 0], [2, 0, 1]] {
        assert_eq!(
            messages(&order),
            (msg.clone(), related.clone()),
            "order {order:?}"
        );
    }
}

// =============================================================================================
// Issue 14: entries, fields and link lists in every common spelling
// =============================================================================================

/// A complete Rollback entry's fields (after its definition line), with a threshold that is
/// not measurable: the finding proves the entry and its fields are read.
const ROLLBACK_BODY: &str = "Type: Rollback
Stage: Post-deploy
Description: Roll back on errors
Trigger: 5xx rate rises
Threshold: high
           ^^^^ error: unmeasurable-threshold
Procedure: Redeploy the previous image
Notification: #incidents
Owner: SRE on-call
Linked IDs: MON-900, RUN-900";

#[test]
fn bold_id_lines_open_entries() {
    for def in [
        "**DEP-010**: Bold rollback",
        "**DEP-010:** Bold rollback",
        "**DEP-010: Bold rollback**",
        "**DEP-010** — Bold rollback",
    ] {
        let c = check_in_plan(&format!("//- /styles.md\n{def}\n{ROLLBACK_BODY}\n"));
        let e = &c.docs["styles.md"].entries[0];
        assert_eq!(
            (e.id.as_str(), e.title.as_str()),
            ("DEP-010", "Bold rollback"),
            "{def}"
        );
        assert!(e.is_dep_block(), "{def}");
    }
}

#[test]
fn list_item_entries_with_indented_fields_or_sub_items() {
    check_in_plan(
        r#"
//- /styles.md
- DEP-010: Indented fields
  Type: Rollback
  Stage: Post-deploy
  Description: Roll back on errors
  Trigger: 5xx rate rises
  Threshold: high
             ^^^^ error: unmeasurable-threshold
  Procedure: Redeploy the previous image
  Notification: #incidents
  Owner: SRE on-call
  Linked IDs: MON-900, RUN-900
- **DEP-011**: Sub-items
  - Type: Validation
  - Stage: Post-deploy
  - Description: Smoke test
  - Check: An order completes
  - Method: Automatic
            ^^^^^^^^^ error: invalid-value
  - Success Criteria: The order is confirmed
  - Escalation: Page on-call
  - Owner: QA Lead
- DEP-012: Environment with a list value
  - Type: Environment
  - Stage: Pre-deploy
  - Description: Preview
  - Name: preview
  - Infrastructure: Vercel
  - Configuration:
    - NODE_ENV=preview
  - Secrets: Vercel env
  - Access: Everyone
  - Owner: Web team
// Values a release plan holds (issue 14): filler is not a value, a duration alone is no
// threshold, secrets in every field, the methodology's own keys, messages
// =============================================================================================

#[test]
fn filler_in_a_field_is_a_template_placeholder_and_not_also_missing_or_invalid() {
    check_in_plan(
        r#"
DEP-001: Criteria left undecided
Type: Criteria
Stage: Pre-deploy
Description: Tests pass
Requirement: TBD
             ^^^ warning: template-placeholder: DEP-001: `Requirement` is still "TBD" — a placeholder, not a value
Verification: ???
              ^^^ warning: template-placeholder: `Verification` is still "???"
Blocker: Yes/No
         ^^^^^^ warning: template-placeholder: `Blocker` is still the unresolved choice "Yes/No"
Owner: QA Lead
Linked IDs: TEST-900

DEP-002: Validation with more filler
Type: Validation
Stage: TBC
       ^^^ warning: template-placeholder: `Stage` is still "TBC"
Description: n/a
             ^^^ warning: template-placeholder: `Description` is still "n/a"
Check: -
       ^ warning: template-placeholder
Method: Manual|Automated
        ^^^^^^^^^^^^^^^^ warning: template-placeholder: the unresolved choice "Manual|Automated"
Success Criteria: To be determined
                  ^^^^^^^^^^^^^^^^ warning: template-placeholder
Escalation: We'll figure it out
            ^^^^^^^^^^^^^^^^^^^ warning: template-placeholder: `Escalation` is still "We'll figure it out"
Owner: QA Lead

DEP-003: Rollback with a vague procedure
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Errors
Threshold: >2% of requests for 5 minutes
Procedure: **TBD** (ask the platform team)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: template-placeholder: `Procedure` is still
Notification: Unassigned
              ^^^^^^^^^^ warning: template-placeholder
Owner: SRE
Linked IDs: RUN-900, TBD
"#,
    );
}

#[test]
fn a_list_item_under_a_link_list_is_a_link_not_an_entry() {
    let c = check_in_plan(
        r#"
//- /styles.md
DEP-010: Smoke test
Type: Validation
Stage: Post-deploy
Description: Smoke test
Check: An order completes
Method: Automated
Success Criteria: The order is confirmed
Escalation: Page on-call
Owner: QA Lead
Linked IDs:
- DEP-904: the background smoke test
- DEP-099: not defined
  ^^^^^^^ error: unresolved-link
"#,
    );
    assert_eq!(c.docs["styles.md"].entries.len(), 1);
}

#[test]
fn block_quoted_entries_and_fields() {
    check_in_plan(
        r#"
//- /styles.md
> DEP-010: Quoted rollback
> Type: Rollback
> Stage: Post-deploy
> Description: Roll back on errors
> Trigger: 5xx rate rises
> **Threshold**: high
                 ^^^^ error: unmeasurable-threshold
> Procedure: Redeploy the previous image
> Notification: #incidents
> Owner: SRE on-call
> Linked IDs: MON-900, RUN-900

DEP-011: Plain entry, quoted fields
> **Type**: Step
> Stage: Deploy
> Description: Ship it
> Owner: Release manager
"#,
    );
}

#[test]
fn field_spellings_space_before_colon_tabs_and_no_break_spaces() {
    let c = check_in_plan(
        "//- /styles.md
DEP-010: Spellings
Type : Step
Stage\t:\tDeploy
Description:\u{a0}Ship it
Owner\u{a0}: Release manager
",
    );
    let keys: Vec<(&str, &str)> = c.docs["styles.md"].entries[0]
        .fields
        .iter()
        .map(|f| (f.key.as_str(), f.value.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("Type", "Step"),
            ("Stage", "Deploy"),
            ("Description", "Ship it"),
            ("Owner", "Release manager")
        ]
    );
}

#[test]
fn a_field_value_table_under_an_entry_gives_its_fields() {
    check_in_plan(
        r#"
//- /styles.md
DEP-010: Table fields
| Field | Value |
|-------|-------|
| Type | Rollback |
| Stage | Post-deploy |
| Description | Roll back on errors |
| Trigger | 5xx rate rises |
| **Threshold** | high |
                  ^^^^ error: unmeasurable-threshold
| Procedure | Redeploy the previous image |
| Notification | #incidents |
| Owner | SRE on-call |
| Linked IDs | MON-900, RUN-900 |
"#,
    );
}

#[test]
fn plan_tables_make_each_row_an_entry_with_findings_on_the_cell() {
    let c = check_in_plan(
        r#"
//- /styles.md
| ID | Title | Type | Stage | Owner | Threshold | Linked IDs |
|----|-------|------|-------|-------|-----------|------------|
| DEP-010 | Error rollback | Rollback | Post-deploy | SRE | high | MON-900, RUN-901 |
  ^^^^^^^ warning: missing-field: `Description:`
                                                            ^^^^ error: unmeasurable-threshold
                                                                            ^^^^^^^ error: unresolved-link
| DEP-011 | Tests pass | Criteria | Pre-deploy |  | | TEST-900 |
  ^^^^^^^ warning: missing-field: `Description:`
  ^^^^^^^ error: missing-owner
| EPIC-010 | An epic row is no DEP- entry | Step | | | | |
"#,
    );
    let entries = &c.docs["styles.md"].entries;
    assert_eq!(entries[0].def_kind, syntax::DefKind::PlanRow);
    assert_eq!(entries[0].title, "Error rollback");
    assert_eq!(entries[2].def_kind, syntax::DefKind::TableRow);
}

#[test]
fn an_inventory_table_stays_an_inventory() {
    let c = check_in_plan(
        r#"
//- /inventory.md
| ID | Name | Status |
|----|------|--------|
| DEP-010 | Old rollout | Done |
"#,
    );
    let e = &c.docs["inventory.md"].entries[0];
    assert_eq!(e.def_kind, syntax::DefKind::TableRow);
    assert!(!e.is_dep_block());
}

#[test]
fn the_guides_for_type_grouping_line_is_no_field() {
    check_in_plan(
        r#"
//- /styles.md
DEP-010: Rollback in the guide's template layout
Type: Rollback
Stage: Post-deploy
Description: Roll back on errors

For Rollback Type:
  Trigger: 5xx rate rises
  Threshold: high
             ^^^^ error: unmeasurable-threshold
  Procedure: Redeploy the previous image
  Notification: #incidents

Owner: SRE on-call
Linked IDs: MON-900, RUN-900
"#,
    );
}

#[test]
fn link_lists_read_code_spans_and_expand_shorthand_ranges() {
    let c = check_in_plan(
        r#"
//- /ids.md
## TEST-001: One
## TEST-002: Two
## TEST-004: Four
## TEST-005: Five
## UJ-001: One
## UJ-005: Five
## API-001: One
## API-002: Two
## API-003: Three
//- /styles.md
DEP-010: Links
Type: Step
Stage: Deploy
Description: Ship it
Owner: Release manager
Linked IDs: `TEST-001`, TEST-001–005, UJ-001/005/009, API-001 → API-003
                        ^^^^^^^^^^^^ warning: range-gap: TEST-003 is not defined
                                                 ^^^ error: unresolved-link: UJ-009
Covers: TEST-001..005, TEST-001-005, TEST-002 to 004
        ^^^^^^^^^^^^^ warning: range-gap
                       ^^^^^^^^^^^^ warning: range-gap
                                     ^^^^^^^^^^^^^^^ warning: range-gap
Related IDs: TEST-005–001
             ^^^^^^^^^^^^ error: invalid-range: reversed
"#,
    );
    let items = &c.docs["styles.md"].entries[0].fields[4].items;
    let ids: Vec<String> = items
        .iter()
        .map(|i| match i {
            syntax::LinkItem::Id(r) => r.id.to_string(),
            syntax::LinkItem::Range { start, end, .. } => format!("{}..{}", start.id, end.id),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        ids,
        [
            "TEST-001",
            "TEST-001..TEST-005",
            "UJ-001",
            "UJ-005",
            "UJ-009",
            "API-001..API-003"
        ]
    );
}

#[test]
fn code_spans_outside_link_lists_still_hide_ids() {
    check_in_plan(
        r#"
//- /styles.md
DEP-010: Links
Type: Step
Stage: Deploy
Description: The `DEP-999` placeholder in prose is code, not a mention
Owner: Release manager
"#,
    );
}

#[test]
fn numbers_after_an_id_are_no_shorthand_unless_they_end_the_item() {
    let c = check_in_plan(
        r#"
//- /ids.md
## TEST-001: One
//- /styles.md
DEP-010: Links
Type: Step
Stage: Deploy
Description: Ship it
Owner: Release manager
Linked IDs: TEST-001 - 5 retries are allowed
"#,
    );
    let items = &c.docs["styles.md"].entries[0].fields[4].items;
    assert_eq!(items.len(), 1);
    assert!(matches!(&items[0], syntax::LinkItem::Id(r) if r.id == "TEST-001"));
}

#[test]
fn a_secret_in_a_fenced_block_inside_an_entry() {
    check_in_plan(
        r#"
//- /styles.md
DEP-010: Migrate
Type: Step
Stage: Deploy
Description: Run the migration
Owner: DBA team

```bash
export DB_PASSWORD=hunter2-but-longer
                   ^^^^^^^^^^^^^^^^^^ error: plaintext-secret: code block
psql "$DATABASE_URL" -f migrate.sql
```
"#,
    );
}

#[test]
fn unread_lines_get_a_hint_naming_the_spelling_that_works() {
    check_in_plan(
        r#"
//- /styles.md
DEP-010 Rollback without a colon
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ hint: unread-line: write it as `DEP-010: Rollback without a colon`
^^^^^^^ hint: unresolved-link
Type: Rollback

## DEP-011: Heading entry
Type: Step
Stage: Deploy
Description: Ship it
Owner: Release manager

## Notes

Threshold: >2% of requests for 5 minutes
^^^^^^^^^ hint: unread-line: outside every entry: DEP-011 ended above it

Prose after the notes clears it.

Trigger: not flagged after prose
fn real_values_that_merely_contain_filler_words_are_values() {
    check_in_plan(
        r#"
DEP-001: Criteria with wordy but real values
Type: Criteria
Stage: Pre-deploy
Description: Block on TBD tickets closed
Requirement: TBD tickets must be closed first
Verification: CI/CD pipeline reports green
Blocker: Yes — release cannot proceed
Owner: QA/Dev
Linked IDs: TEST-900

DEP-002: A step whose answer is a considered N/A
Type: Step
Stage: Deploy
Description: Deploy the service; database migrations: none
Rollback Trigger: N/A (not yet deployed)
Database Migrations: None
Owner: SRE

DEP-003: Validation
Type: Validation
Stage: Post-deploy
Description: Smoke
Check: Figure out which pods failed and restart them
Method: Automated (Playwright) + manual spot-check
Success Criteria: Unknown errors stay below 1% for 5 minutes
Escalation: See the runbook
Owner: QA Lead
"#,
    );
}

#[test]
fn a_filler_owner_is_a_missing_owner_placed_on_the_value() {
    check_in_plan(
        r#"
DEP-001: Criteria owned by TBD
Type: Criteria
Stage: Pre-deploy
Description: Tests pass
Requirement: All tests pass
Verification: CI green
Blocker: Yes
Owner: TBD
       ^^^ error: missing-owner: DEP-001 (Criteria) has no owner: `Owner` is still "TBD"
Linked IDs: TEST-900

DEP-002: Rollback owned by nobody
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Errors
Threshold: >2% of requests for 5 minutes
Procedure: Redeploy
Notification: #incidents
**Owner:** ???
           ^^^ warning: missing-owner: `Owner` is still "???"
Linked IDs: RUN-900

DEP-003: Step owned by None
Type: Step
Stage: Deploy
Description: Deploy
Owner: None
       ^^^^ warning: missing-owner: `Owner` is still "None"

DEP-004: Step with an empty owner
^^^^^^^ warning: missing-owner: DEP-004 (Step) has no owner: `Owner:` is empty
Type: Step
Stage: Deploy
Description: Deploy
Owner:

DEP-005: Step with a real owner
Type: Step
Stage: Deploy
Description: Deploy
Owner: Platform team
"#,
    );
}

#[test]
fn numbering_notes_in_prose_are_no_mentions() {
    let c = check_in_plan(
        r#"
//- /SoT/SoT.API_CONTRACTS.md
# API contracts

**Internal APIs** (API-101 to API-199):
**Webhooks** (API-201–API-299), and API-777 alone is still a mention
                                    ^^^^^^^ hint: unresolved-link
"#,
    );
    let refs: Vec<&str> = c.docs["SoT/SoT.API_CONTRACTS.md"]
        .refs
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(refs, ["API-777"]);
}

#[test]
fn a_duration_alone_is_a_window_not_a_measurable_threshold() {
    check_in_plan(
        r#"
DEP-001: Window only
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Errors
Threshold: in 5 minutes
           ^^^^^^^^^^^^ error: unmeasurable-threshold: threshold "in 5 minutes" is a time window, not a threshold
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: RUN-900

DEP-002: A bare duration
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Errors
Threshold: 5 minutes
           ^^^^^^^^^ error: unmeasurable-threshold: is a time window
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: RUN-900

DEP-003: Within
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Errors
Threshold: within 5 minutes
           ^^^^^^^^^^^^^^^^ error: unmeasurable-threshold: is a time window
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: RUN-900

DEP-004: Filler threshold
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Errors
Threshold: TBD
           ^^^ error: unmeasurable-threshold: threshold is still "TBD"
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: RUN-900

DEP-005: A compared duration is measurable; its window hint names another duration
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Slow checkout
Threshold: checkout takes longer than 5 minutes
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ hint: threshold-without-window: e.g. "… for 10 minutes"
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: RUN-900

DEP-006: The guide's measurable thresholds stay measurable
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Errors
Threshold: more than 3 user reports in 10 min
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: RUN-900

DEP-007: A latency in seconds after a comparator
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Latency
Threshold: p99 latency > 2s for 5 minutes
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: RUN-900

DEP-008: An empty threshold is empty
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Latency
Threshold:
^^^^^^^^^ error: unmeasurable-threshold: DEP-008: `Threshold:` is empty
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: RUN-900
"#,
    );
}

#[test]
fn the_without_window_hint_never_repeats_the_duration() {
    let c = check_in_plan(
        r#"
DEP-001: Latency without a window
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Latency
Threshold: p99 latency > 800ms
           ^^^^^^^^^^^^^^^^^^^ hint: threshold-without-window: e.g. "… for 5 minutes"
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: RUN-900
"#,
    );
    let f = c.finding("threshold-without-window");
    assert!(!f.message.contains("800ms for"), "{}", f.message);
}

#[test]
fn secrets_in_any_field_of_an_entry() {
    check_in_plan(
        r#"
DEP-001: Rollback with secrets in its prose fields
Type: Rollback
Stage: Post-deploy
Description: Revert; the runner uses AKIAIOSFODNN7EXAMPLE for S3
                                     ^^^^^^^^^^^^^^^^^^^^ error: plaintext-secret: an AWS access key ID
Trigger: Errors
Threshold: >2% of requests for 5 minutes
Procedure:
  1. Run `export DB_PASSWORD=hunter2hunter2` on the bastion
                             ^^^^^^^^^^^^^^ error: plaintext-secret: `Procedure` holds a literal credential
  2. Set aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
                                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error: plaintext-secret: an AWS secret access key
  3. Redeploy with ghp_1234567890abcdefghijABCDEFGHIJ123456
                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error: plaintext-secret: a GitHub token
Notification: https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX
                                      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error: plaintext-secret: a Slack webhook URL
Owner: SRE
Linked IDs: RUN-900

DEP-002: Step with a token in a webhook URL and a key block
Type: Step
Stage: Deploy
Description: Call https://deploy.example.com/hook?token=a1b2c3d4e5f6g7h8 to start
                                                        ^^^^^^^^^^^^^^^^ error: plaintext-secret: a literal credential
Steps:
  -----BEGIN OPENSSH PRIVATE KEY-----
  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error: plaintext-secret: a private key block
  b3BlbnNzaC1rZXktdjEAAAAA
  -----END OPENSSH PRIVATE KEY-----
Owner: xoxb-123456789012-abcdefABCDEF
       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error: plaintext-secret: a Slack token
"#,
    );
}

#[test]
fn references_to_secrets_are_not_secrets() {
    check_in_plan(
        r#"
DEP-001: Rollback that references its secrets
Type: Rollback
Stage: Post-deploy
Description: The password is stored in Vault; rotate the token monthly
Trigger: Errors
Threshold: >2% of requests for 5 minutes
Procedure:
  1. export DB_PASSWORD=$DB_PASSWORD
  2. DB_PASSWORD=${DB_PASSWORD} ./migrate
  3. API_TOKEN=${{ secrets.API_TOKEN }} ./deploy
  4. STRIPE_SECRET=arn:aws:secretsmanager:us-east-1:123456789012:secret:stripe
  5. DB_PASSWORD=op://prod/db/password and API_TOKEN=<redacted>, ADMIN_PASSWORD=***
  6. DB_PASSWORD={{ vault "secret/db" }}
  7. Password: rotate monthly; PASSWORD_POLICY=strict, TOKEN_TTL=3600
Notification: #incidents, see https://hooks.slack.com/ for the channel
Owner: SRE
Linked IDs: RUN-900
"#,
    );
}

#[test]
fn the_methodologys_own_keys_are_known_fields() {
    check_in_plan(
        r#"
## DEP-001: Checkout deploy procedure

**ID**: DEP-001
**Type**: Step
**Stage**: Deploy
**Description**: Deploy checkout
**Category**: Application
**Status**: Active
**Created**: 2026-01-10
**Strategy**: Feature Flag
**Target Date**: 2026-01-12
**Environment**: Production
**Owner**: Frontend Team
**Risk Level**: Low
**Deployment Window**: 2026-01-12 14:00 UTC
**Estimated Duration**: 15 minutes
**Rollback Estimated Duration**: < 1 minute
**Purpose**: Ship dark mode
**Rollback Trigger**: Error rate > 0.5%
**Success Criteria**: No increase in errors
**Estimated Rollback Time**: < 1 minute
**Decision Makers**: On-call lead
"#,
    );
}

#[test]
fn did_you_mean_prefers_a_whole_word_of_the_key_then_a_close_typo() {
    check_in_plan(
        r#"
DEP-001: Rollback with odd keys
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Errors
Rollback Threshold: >2% of requests for 5 minutes
^^^^^^^^^^^^^^^^^^ warning: unknown-field: unknown field `Rollback Threshold` — did you mean `Threshold`?
Threshold: >2% of requests for 5 minutes
Procedure: Redeploy
Notification: #incidents
Notifcation channel: #incidents
^^^^^^^^^^^^^^^^^^^ warning: unknown-field
Ownr: SRE
^^^^ warning: unknown-field: did you mean `Owner`?
Owner: SRE
Linked IDs: RUN-900
"#,
    );
}

#[test]
fn messages_use_the_right_article_and_say_empty_for_empty_fields() {
    check_in_plan(
        r#"
DEP-001: Environment with an unknown key
Type: Environment
Stage: Pre-deploy
Description: Preview
Name: preview
Infrastructure: Vercel
Configuration: NODE_ENV=preview
Secrets: Vercel encrypted env
Access: Everyone
Owner: Platform
Zebra crossing: yes
^^^^^^^^^^^^^^ warning: unknown-field: no DEP- Type has it (fields of an Environment:

DEP-002: Validation with one field missing and two empty
^^^^^^^ warning: missing-field: DEP-002 (Validation) is missing the required field `Escalation:`, and `Check:`, `Method:` are empty — add and fill them in
Type: Validation
Stage: Post-deploy
Description: Smoke
Check:
Method:
Success Criteria: Confirmed
Owner: QA Lead

DEP-003: An entry of a Type the guide does not know
^^^^^^^ warning: missing-field: DEP-003 is missing the required fields `Stage:`, `Description:` — add them
^^^^^^^ warning: missing-owner: DEP-003 has no owner — add `Owner:`
Type: Deploymnt
      ^^^^^^^^^ error: invalid-value
Strategy: Canary
Created: 2026-01-10
"#,
    );
}

#[test]
fn articles_and_plurals_for_messages() {
    use dep_ls::check::entry::{article, plural};
    assert_eq!(article("Environment"), "an");
    assert_eq!(article("entry"), "an");
    assert_eq!(article("Step"), "a");
    assert_eq!(article("Criteria"), "a");
    assert_eq!(article("Rollback"), "a");
    assert_eq!(article("Validation"), "a");
    assert_eq!(article("user journey"), "a");
    assert_eq!(plural(1, "DEP- entry", "DEP- entries"), "1 DEP- entry");
    assert_eq!(plural(2, "DEP- entry", "DEP- entries"), "2 DEP- entries");
    assert_eq!(plural(0, "DEP- entry", "DEP- entries"), "0 DEP- entries");
}

#[test]
fn the_methodologys_deployment_records_are_read_by_their_own_template() {
    check_in_plan(
        r#"
//- /deployments/DEP-045.md
### DEP-045: Dark Mode Feature Deployment

**ID**: DEP-045
**Type**: Release
**Environment**: Production
**Strategy**: Feature Flag
**Owner**: Frontend Team
**Created**: 2026-01-10
**Status**: Planned

**Changes Included**:
- [FEA-112]: Dark mode CSS theme
   ^^^^^^^ hint: unresolved-link

**If Rollback**:
- [x] #incidents: "Rolling back DEP-045, reason: [X], ETA: [Y]"
- [x] Status page: [Message to post]
                   ^^^^^^^^^^^^^^^^^ warning: template-placeholder

**Why This is Good**: the flag makes rollback a toggle
**Stratgy**: typo
  ^^^^^^^ warning: unknown-field: did you mean `Strategy`?

### DEP-046: A hotfix with no owner
    ^^^^^^^ warning: missing-owner
**Type**: Hotfix
**Strategy**: Rolling

### DEP-047: A type neither the guide nor the template knows
**Type**: Deployment
          ^^^^^^^^^^ error: invalid-value
**Stage**: Deploy
**Description**: Ship it
**Owner**: Release manager
"#,
    );
}

// =============================================================================================
// Issue 14 (helper rep): deprecated entries, anti-patterns, inline suppressions
// =============================================================================================

#[test]
fn deprecated_entries_cover_no_plan_type() {
    // The plan's only Rollback, Validation and Criteria are deprecated, and so is its production
    // environment: none of them counts.
    check(
        r#"
DEP-001: [DEPRECATED] Old rollback
^^^^^^^ warning: no-validation
^^^^^^^ warning: no-rollback
^^^^^^^ warning: no-criteria
^^^^^^^ warning: missing-environment: no production environment
Type: Rollback
Stage: Post-deploy
Description: Old
Owner: SRE
Trigger: errors
Threshold: >2% for 5 minutes
Procedure: Redeploy
Notification: #incidents
Linked IDs: MON-001

DEP-002: Old smoke test
Type: Validation
Status: Deprecated
Stage: Post-deploy
Description: Old
Owner: QA
Check: A test order completes
Method: Automated
Success Criteria: Confirmed
Escalation: On-call

DEP-003: [DEPRECATED] Old criteria
Type: Criteria
Stage: Pre-deploy
Description: Old
Owner: QA
Requirement: Tests pass
Verification: CI
Blocker: Yes
Linked IDs: EPIC-001

DEP-004: Staging
Type: Environment
Stage: Pre-deploy
Description: Staging
Name: staging
Infrastructure: AWS
Configuration: NODE_ENV=staging
Secrets: AWS Secrets Manager
Access: DevOps
Owner: Platform

DEP-005: [DEPRECATED] Production
Type: Environment
Stage: Pre-deploy
Description: Production
Name: production
Infrastructure: AWS
Configuration: NODE_ENV=production
Secrets: AWS Secrets Manager
Access: DevOps
Owner: Platform

## EPIC-001: Epic
## MON-001: Monitor
"#,
    );
}

#[test]
fn live_entries_beside_deprecated_ones_cover_the_plan() {
    // The same deprecated entries do not hide live ones: the plan is complete.
    check_in_plan(
        r#"
//- /zz-plan/old.md
DEP-050: [DEPRECATED] Old rollback
Type: Rollback
Stage: Post-deploy
Description: Old
Owner: SRE
Trigger: errors
Threshold: >2% for 5 minutes
Procedure: Redeploy
Notification: #incidents
Linked IDs: MON-900
"#,
    );
}

/// A complete plan without Validation entries (a fixture adds its own), in `rep/`: staging and
/// production alike, a blocking criterion, a linked rollback.
const REP_PLAN: &str = r#"
//- /rep/plan.md
DEP-800: Staging environment
Type: Environment
Stage: Pre-deploy
Description: Staging
Name: staging
Infrastructure: AWS eu-west-1, ECS Fargate, RDS PostgreSQL
Configuration: NODE_ENV=staging
Secrets: AWS Secrets Manager
Access: DevOps team
Owner: Platform team

DEP-801: Production environment
Type: Environment
Stage: Pre-deploy
Description: Production
Name: production
Infrastructure: AWS eu-west-1, ECS Fargate, RDS PostgreSQL
Configuration: NODE_ENV=production
Secrets: AWS Secrets Manager
Access: DevOps team
Owner: Platform team

DEP-802: Tests pass
Type: Criteria
Stage: Pre-deploy
Description: The suite passes
Requirement: All TEST- entries pass
Verification: CI pipeline green
Blocker: Yes
Owner: QA Lead
Linked IDs: EPIC-800, TEST-800

DEP-803: Error-rate rollback
Type: Rollback
Stage: Rollback
Description: Roll back when errors rise
Trigger: 5xx error rate exceeds baseline
Threshold: >2% of requests for 5 minutes
Procedure: Rolling back: redeploy the previous task definition
Notification: #incidents
Owner: SRE on-call
Linked IDs: MON-800, RUN-800

## EPIC-800: Epic
## TEST-800: Test
## MON-800: Monitor
## RUN-800: Runbook
"#;

/// A Validation entry of the given Method.
fn rep_validation(id: &str, method: &str) -> String {
    format!(
        "{id}: Smoke test {id}\nType: Validation\nStage: Post-deploy\nDescription: Checks\nCheck: A test order completes\nMethod: {method}\nSuccess Criteria: Confirmed\nEscalation: Page on-call\nOwner: QA Lead\n"
    )
}

#[test]
fn manual_validation_fires_when_every_validation_is_manual() {
    let c = check(&format!(
        "{REP_PLAN}\n//- /rep/validate.md\n{}",
        rep_validation("DEP-810", "Manual").replace(
            "Method: Manual\n",
            "Method: Manual\n        ^^^^^^ warning: manual-validation: the plan's only Validation entry, is `Method: Manual`\n",
        )
    ));
    assert_eq!(
        c.finding("manual-validation").id.as_deref(),
        Some("DEP-810")
    );
    // Two manual ones: one finding, on the first, the other as a related location.
    let c = check(&format!(
        "{REP_PLAN}\n//- /rep/validate.md\n{}\n{}",
        rep_validation("DEP-810", "Manual (a tester clicks through)").replace(
            "clicks through)\n",
            "clicks through)\n        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: manual-validation: all 2 Validation entries\n",
        ),
        rep_validation("DEP-811", "manual")
    ));
    let f = c.finding("manual-validation");
    assert_eq!(f.related.len(), 1);
    assert!(f.related[0].message.contains("DEP-811"));
}

#[test]
fn manual_validation_is_silent_when_one_check_is_automated() {
    for other in ["Automated", "Both"] {
        check(&format!(
            "{REP_PLAN}\n//- /rep/validate.md\n{}\n{}",
            rep_validation("DEP-810", "Manual"),
            rep_validation("DEP-811", other)
        ));
    }
    // A deprecated automated check does not count: the live ones are all manual.
    let text = format!(
        "{REP_PLAN}\n//- /rep/validate.md\n{}\n{}",
        rep_validation("DEP-810", "Manual"),
        rep_validation("DEP-811", "Automated").replace("Smoke test DEP-811", "[DEPRECATED] Old")
    );
    let c = analyse(&parse_fixture(&text).files);
    assert!(
        c.findings
            .iter()
            .any(|f| f.code.as_str() == "manual-validation"),
        "{:#?}",
        c.findings
    );
}

#[test]
fn big_bang_release_fires_on_a_deploy_with_no_staged_rollout() {
    // "Rolling back" in the rollback is no staged rollout.
    check(&format!(
        "{REP_PLAN}
//- /rep/deploy.md
{}
DEP-820: Deploy checkout-api
^^^^^^^ hint: big-bang-release: no DEP- entry of the plan stages the rollout
Type: Step
Stage: Deploy
Description: Ship the new version to every user
Procedure: Push the image and update the service
Owner: Release manager
",
        rep_validation("DEP-810", "Automated")
    ));
}

#[test]
fn big_bang_release_is_silent_with_a_staged_rollout_or_no_deploy() {
    for staged in [
        "Procedure: Canary at 5% of traffic, then everyone",
        "Procedure: Blue/green switch behind the load balancer",
        "Strategy: Rolling",
        "Strategy: Feature Flag",
        "Procedure: Enable the checkout_v2 feature flag for staff first",
        "Procedure: Traffic 1% → 10% → 100% over two days",
        "Procedure: Rolling update, one task at a time",
        "Description: Phased release by region",
    ] {
        // (`Strategy` is the methodology's field; whether it is a known key is not this test's
        // business: only big-bang-release is looked at.)
        let text = format!(
            "{REP_PLAN}\n//- /rep/deploy.md\n{}\nDEP-820: Deploy checkout-api\nType: Step\nStage: Deploy\nDescription: Ship it\n{staged}\nOwner: Release manager\n",
            rep_validation("DEP-810", "Automated")
        );
        let c = analyse(&parse_fixture(&text).files);
        assert!(
            !c.findings
                .iter()
                .any(|f| f.code.as_str() == "big-bang-release"),
            "{staged}: {:#?}",
            c.findings
        );
        // The same plan without the line: the hint.
        let c = analyse(&parse_fixture(&text.replace(&format!("{staged}\n"), "")).files);
        assert!(
            c.findings
                .iter()
                .any(|f| f.code.as_str() == "big-bang-release"),
            "{staged}"
        );
    }
    // The staged rollout can be anywhere in the plan (another file, another entry).
    check(&format!(
        "{REP_PLAN}\n//- /rep/deploy.md\n{}\nDEP-820: Deploy checkout-api\nType: Step\nStage: Deploy\nDescription: Ship it\nOwner: Release manager\n\n//- /rep/zz.md\nDEP-821: Canary analysis\nType: Step\nStage: Post-deploy\nDescription: Compare the canary with the baseline\nOwner: SRE\n",
        rep_validation("DEP-810", "Automated")
    ));
    // No Deploy-stage entry: nothing to judge (the background plan has none).
    check(&format!(
        "{REP_PLAN}\n//- /rep/validate.md\n{}",
        rep_validation("DEP-810", "Automated")
    ));
    // Words inside other words do not count: "ringing", "unrolling".
    assert!(!dep_ls::check::plan::mentions_staged_rollout(
        "Unrolling the loop while the phone is ringing; rolling back"
    ));
    assert!(dep_ls::check::plan::mentions_staged_rollout(
        "A CANARY first"
    ));
}

#[test]
fn environment_drift_beyond_keys() {
    // A different database engine (SQLite vs RDS) and secrets mechanism (.env file vs a secrets
    // manager): one finding each, on staging's field.
    let plan = REP_PLAN
        .replacen(
            "Infrastructure: AWS eu-west-1, ECS Fargate, RDS PostgreSQL",
            "Infrastructure: AWS eu-west-1, ECS Fargate, SQLite on the task's disk\n^^^^^^^^^^^^^^ warning: environment-drift: uses SQLite as its database, DEP-801 (production) a managed SQL service",
            1,
        )
        .replace(
            "Infrastructure: AWS eu-west-1, ECS Fargate, RDS PostgreSQL",
            "Infrastructure: AWS eu-west-1, ECS Fargate, RDS",
        )
        .replacen(
            "Secrets: AWS Secrets Manager",
            "Secrets: .env file on the host\n^^^^^^^ warning: environment-drift: uses an .env file as its secrets mechanism",
            1,
        );
    let c = check(&format!(
        "{plan}\n//- /rep/validate.md\n{}",
        rep_validation("DEP-810", "Automated")
    ));
    for f in c
        .findings
        .iter()
        .filter(|f| f.code.as_str() == "environment-drift")
    {
        assert_eq!(f.related.len(), 1, "{f:#?}");
        assert_eq!(f.id.as_deref(), Some("DEP-800"));
        // Never asks to copy a secret into another environment.
        let m = f.message.to_ascii_lowercase();
        assert!(
            !m.contains("copy") || m.contains("never copy"),
            "{}",
            f.message
        );
    }
    // A different hosting platform (the same engine; a cloud named on one side only).
    let plan = REP_PLAN.replacen(
        "Infrastructure: AWS eu-west-1, ECS Fargate, RDS PostgreSQL",
        "Infrastructure: Heroku, Heroku Postgres\n^^^^^^^^^^^^^^ warning: environment-drift: uses Heroku as its hosting platform, DEP-801 (production) ECS",
        1,
    );
    check(&format!(
        "{plan}\n//- /rep/validate.md\n{}",
        rep_validation("DEP-810", "Automated")
    ));
}

#[test]
fn environment_drift_is_silent_on_compatible_descriptions() {
    for (staging, production) in [
        // The same engine, managed or not; the same cloud and platform in other words.
        (
            "Postgres 15 on ECS Fargate, AWS",
            "RDS PostgreSQL, AWS Fargate (ECS)",
        ),
        (
            "Amazon Web Services, EKS, Aurora",
            "AWS, Kubernetes (EKS), MySQL on Aurora",
        ),
        ("A smaller cluster of the same size class", "Three nodes"),
    ] {
        let plan = REP_PLAN
            .replacen(
                "Infrastructure: AWS eu-west-1, ECS Fargate, RDS PostgreSQL",
                &format!("Infrastructure: {staging}"),
                1,
            )
            .replace(
                "Infrastructure: AWS eu-west-1, ECS Fargate, RDS PostgreSQL",
                &format!("Infrastructure: {production}"),
            );
        check(&format!(
            "{plan}\n//- /rep/validate.md\n{}",
            rep_validation("DEP-810", "Automated")
        ));
    }
    // Two secrets managers are one mechanism; an .env file named beside a manager is no drift.
    for staging in [
        "Vault",
        "HashiCorp Vault, with a .env file for local overrides",
    ] {
        let plan = REP_PLAN.replacen(
            "Secrets: AWS Secrets Manager",
            &format!("Secrets: {staging}"),
            1,
        );
        check(&format!(
            "{plan}\n//- /rep/validate.md\n{}",
            rep_validation("DEP-810", "Automated")
        ));
    }
}

#[test]
fn key_drift_never_asks_to_copy_a_secret() {
    let plan = REP_PLAN
        .replacen(
            "Configuration: NODE_ENV=production",
            "Configuration: NODE_ENV=production, STRIPE_SECRET_KEY=${{ secrets.STRIPE }}\n^^^^^^^^^^^^^ warning: environment-drift: each environment with its own secret values",
            1,
        )
        .replacen(
            "Configuration: NODE_ENV=staging",
            "Configuration: NODE_ENV=staging\n^^^^^^^^^^^^^ warning: environment-drift: does not set STRIPE_SECRET_KEY",
            1,
        );
    // (The production entry sets a key staging lacks: the finding is on staging.)
    let plan = plan.replacen(
        "^^^^^^^^^^^^^ warning: environment-drift: each environment with its own secret values\n",
        "",
        1,
    );
    let c = check(&format!(
        "{plan}\n//- /rep/validate.md\n{}",
        rep_validation("DEP-810", "Automated")
    ));
    let f = c.finding("environment-drift");
    assert!(f.message.contains("never copy a secret"), "{}", f.message);
    // A plain key keeps the plain message.
    let plan = REP_PLAN
        .replacen(
            "Configuration: NODE_ENV=production",
            "Configuration: NODE_ENV=production, LOG_LEVEL=info",
            1,
        )
        .replacen(
            "Configuration: NODE_ENV=staging",
            "Configuration: NODE_ENV=staging\n^^^^^^^^^^^^^ warning: environment-drift: keep staging and production configuration keys in sync",
            1,
        );
    let c = check(&format!(
        "{plan}\n//- /rep/validate.md\n{}",
        rep_validation("DEP-810", "Automated")
    ));
    assert!(!c.finding("environment-drift").message.contains("secret"));
}

// ---------------------------------------------------------------------------------------------
// Inline suppressions (`<!-- dep-ls-disable… -->`), through `check_all` (the CLI's path)
// ---------------------------------------------------------------------------------------------

#[test]
fn disable_next_line_hides_the_named_codes_on_the_next_line_only() {
    check_in_plan(
        r#"
DEP-001: Criteria with gaps
Type: Criteria
Stage: Pre-deploy
Description: D
Requirement: Tests pass
Verification: CI
Blocker: Yes
<!-- dep-ls-disable-next-line unknown-field, template-placeholder -->
Colour: [blue]
Flavour: vanilla
^^^^^^^ warning: unknown-field
<!-- dep-ls-disable-next-line missing-owner -->
Linked IDs: EPIC-900
Owner: QA
"#,
    );
}

#[test]
fn disable_next_line_on_a_definition_hides_entry_and_plan_findings() {
    // The comment above the ID line covers the findings on the ID (entry- and plan-level),
    // of the named codes only.
    check(
        r#"
<!-- dep-ls-disable-next-line missing-owner no-rollback no-criteria -->
DEP-001: Deploy step
^^^^^^^ warning: no-validation
^^^^^^^ warning: missing-environment
Type: Step
Stage: Deploy
Description: Deploy
"#,
    );
}

#[test]
fn disable_and_enable_bracket_a_region() {
    check_in_plan(
        r#"
<!-- dep-ls-disable unknown-field -->
DEP-001: First
Type: Step
Stage: Deploy
Description: D
Owner: SRE
Colour: blue

<!-- dep-ls-enable unknown-field -->
DEP-002: Second
Type: Step
Stage: Deploy
Description: D
Owner: SRE
Colour: blue
^^^^^^ warning: unknown-field

<!-- dep-ls-disable -->
DEP-003: Third
Type: Step
Stage: Deploy
Description: D
Colour: blue
<!-- dep-ls-enable -->
Flavour: vanilla
^^^^^^^ warning: unknown-field
"#,
    );
}

#[test]
fn disable_file_hides_codes_everywhere_in_its_file_only() {
    check_in_plan(
        r#"
//- /a.md
DEP-001: First
Type: Step
Stage: Deploy
Description: D
Owner: SRE
Colour: blue

<!-- dep-ls-disable-file unknown-field -->
//- /b.md
DEP-002: Second
Type: Step
Stage: Deploy
Description: D
Owner: SRE
Colour: blue
^^^^^^ warning: unknown-field
//- /c.md
<!-- dep-ls-disable-file -->
DEP-003: Third
Description: D
Colour: blue
"#,
    );
}

#[test]
fn unknown_codes_in_suppressions_are_warnings() {
    check_in_plan(
        r#"
<!-- dep-ls-disable-next-line unknown-feild, missing-owner, MD013 -->
                              ^^^^^^^^^^^^^ warning: unknown-suppression: did you mean `unknown-field`?
                                                            ^^^^^ warning: unknown-suppression: `MD013` is not a dep-ls finding code
DEP-001: First
Type: Step
Stage: Deploy
Description: D
Colour: blue
^^^^^^ warning: unknown-field
"#,
    );
}

#[test]
fn suppressions_that_are_not_directives_do_nothing() {
    // In a code block, inline in a paragraph, a misspelt directive: nothing is hidden.
    check_in_plan(
        r#"
```yaml
<!-- dep-ls-disable-file -->
```

DEP-001: First
Type: Step
Stage: Deploy
Description: D
Owner: SRE
Colour: blue <!-- dep-ls-disable-next-line unknown-field -->
^^^^^^ warning: unknown-field
<!-- dep-ls-disabled unknown-field -->
Flavour: vanilla
^^^^^^^ warning: unknown-field
"#,
    );
}

#[test]
fn directives_inside_a_plain_fence_are_read_like_its_entries() {
    // The guide writes entries in plain fences, and dep-ls reads them there: a directive line in
    // one is a directive (and no part of the value around it).
    let c = check_in_plan(
        r#"
```text
DEP-001: Fenced entry
Type: Step
Stage: Deploy
Description: D
Owner: SRE
Configuration:
  - A=1
  <!-- dep-ls-disable-next-line unknown-field -->
Colour: blue
Flavour: vanilla
^^^^^^^ warning: unknown-field
```
"#,
    );
    let doc = &c.docs["release.md"];
    assert_eq!(doc.suppressions.len(), 1);
    assert_eq!(
        doc.entries[0].field("configuration").unwrap().value,
        "- A=1"
    );
}

// =============================================================================================
// Issue 14, boundaries: inventory tables, release folders
// =============================================================================================

/// A table row whose first cell is an ID defined elsewhere by a heading or a line lists it:
/// no duplicate-id (the methodology's `SoT.DEPLOYMENT.md` lists ENV- IDs defined in
/// `SoT.TECHNICAL_DECISIONS.md`; a "Cross-Reference Index" table lists LL-001 below its
/// heading). In the same file or another, before or after the heading.
#[test]
fn an_inventory_table_row_lists_an_id_defined_by_a_heading() {
    check_in_plan(
        r#"
//- /SoT/SoT.DEPLOYMENT.md
## Environments

| ID | Environment | Platform |
|----|-------------|----------|
| ENV-001 | Production | AWS |
| ENV-002 | Preview | Vercel |

## Secrets Inventory

| ID | Secret Name | Storage |
|----|-------------|---------|
| SEC-001 | DATABASE_URL | Vault |

### SEC-001: Database URL

**Category**: Database
//- /SoT/SoT.TECHNICAL_DECISIONS.md
## ENV-001: Development Environment

Local setup.

ENV-002: CI/CD Pipeline

## Cross-Reference Index

| ENV ID | Related |
|--------|---------|
| ENV-002 | DEP-900 |
"#,
    );
}

/// The listing rule does not hide real duplicates: two headings are still two definitions
/// (a table row listing the ID is not counted among them), and two table rows of an ID that
/// nothing else defines are two definitions too.
#[test]
fn headings_and_table_rows_alone_are_still_duplicates() {
    check_in_plan(
        r#"
//- /SoT/SoT.API_CONTRACTS.md
## API-001: Create order
   ^^^^^^^ error: duplicate-id: API-001 is defined 2 times (also in SoT/SoT.TECHNICAL_DECISIONS.md)

| ID | Endpoint |
|----|----------|
| API-001 | POST /orders |
| TECH-001 | a row |
  ^^^^^^^^ error: duplicate-id: TECH-001 is defined 2 times
| TECH-001 | another row |
  ^^^^^^^^ error: duplicate-id: TECH-001 is defined 2 times
//- /SoT/SoT.TECHNICAL_DECISIONS.md
## API-001: Create order, again
   ^^^^^^^ error: duplicate-id: API-001 is defined 2 times (also in SoT/SoT.API_CONTRACTS.md)
"#,
    );
}

/// The listing of an ID defined by a heading is not where it is defined: the index gives the
/// heading only (go to definition, hover, "defined in" messages), and the rows again once the
/// heading is gone; one file at a time, as the server updates it.
#[test]
fn an_inventory_row_is_not_where_an_id_is_defined() {
    let config = Config::default();
    let parse = |t: &str| Arc::new(syntax::parse_fast(t, &config.prefixes));
    let mut index = Index::new();
    let table = "| ID | Env |\n|----|-----|\n| ENV-001 | Production |\n";
    index.update("SoT/SoT.DEPLOYMENT.md", parse(table));
    // Only the row: it defines ENV-001.
    let defs = |index: &Index| -> Vec<String> {
        index
            .definitions("ENV-001")
            .iter()
            .filter_map(|d| index.entry(*d))
            .map(|(p, e)| format!("{p}:{}", e.id_span.start))
            .collect()
    };
    let row = format!(
        "SoT/SoT.DEPLOYMENT.md:{}",
        table.find("ENV-001").expect("row")
    );
    assert_eq!(defs(&index), std::slice::from_ref(&row));
    index.update("SoT/SoT.TECHNICAL_DECISIONS.md", parse("## ENV-001: Dev\n"));
    assert_eq!(defs(&index), ["SoT/SoT.TECHNICAL_DECISIONS.md:3"]);
    assert_eq!(index.all_definitions("ENV-001").len(), 2);
    assert_eq!(
        index.first_entry("ENV-001").map(|(p, _)| p),
        Some("SoT/SoT.TECHNICAL_DECISIONS.md")
    );
    // The heading becomes a table row: two rows, a duplicate again (the change names ENV-001).
    let g = index.defs_generation();
    index.update(
        "SoT/SoT.TECHNICAL_DECISIONS.md",
        parse("| ID | Env |\n|----|-----|\n| ENV-001 | Dev |\n"),
    );
    assert_eq!(defs(&index).len(), 2);
    assert!(index
        .def_changes_since(g)
        .is_some_and(|ids| ids.contains("ENV-001")));
    index.remove("SoT/SoT.TECHNICAL_DECISIONS.md");
    assert_eq!(defs(&index), [row]);
}

/// The default plan scope: each release folder (`release/v1/`, `release/v2/`) is a plan of its
/// own, so v2 does not borrow v1's Rollback; the files outside release folders are one plan.
#[test]
fn release_folders_are_plans_of_their_own() {
    check(
        r#"
//- /release/v1/plan.md
DEP-001: Rollback on errors
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Errors
Threshold: >2% of requests for 5 minutes
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: RUN-001

## RUN-001: v1 runbook
//- /release/v2/plan.md
DEP-101: Deploy v2
^^^^^^^ warning: no-validation
^^^^^^^ warning: no-rollback: has no Rollback entry
^^^^^^^ warning: no-criteria
^^^^^^^ warning: missing-environment
Type: Step
Stage: Deploy
Description: Deploy
Owner: SRE
//- /release/v1/more.md
DEP-002: Deploy v1
^^^^^^^ warning: no-validation
^^^^^^^ warning: no-criteria
^^^^^^^ warning: missing-environment
Type: Step
Stage: Deploy
Description: Deploy
Owner: SRE
"#,
    );
}

/// The methodology's layout stays one plan: `SoT/SoT.DEPLOYMENT.md`, the epics and the root
/// files (and a plan directly in `release/`) complete each other.
#[test]
fn the_methodology_layout_is_one_plan() {
    check(
        r#"
//- /SoT/SoT.DEPLOYMENT.md
DEP-001: Staging
Type: Environment
Stage: Pre-deploy
Description: Staging
Name: staging
Infrastructure: AWS
Configuration: NODE_ENV=staging
Secrets: AWS Secrets Manager
Access: DevOps
Owner: Platform

DEP-002: Production
Type: Environment
Stage: Pre-deploy
Description: Production
Name: production
Infrastructure: AWS
Configuration: NODE_ENV=production
Secrets: AWS Secrets Manager
Access: DevOps
Owner: Platform
//- /epics/EPIC-01-checkout.md
## EPIC-01: Checkout

DEP-003: Criteria
Type: Criteria
Stage: Pre-deploy
Description: Tests
Requirement: Pass
Verification: CI
Blocker: Yes
Owner: QA
Linked IDs: EPIC-01
//- /release/plan.md
DEP-004: Rollback
Type: Rollback
Stage: Post-deploy
Description: Revert
Trigger: Errors
Threshold: >2% of requests for 5 minutes
Procedure: Redeploy
Notification: #incidents
Owner: SRE
Linked IDs: RUN-001

## RUN-001: A runbook
//- /PRD.md
DEP-005: Smoke test
Type: Validation
Stage: Post-deploy
Description: Smoke
Check: Order completes
Method: Automated
Success Criteria: Confirmed
Escalation: Page on-call
Owner: QA
"#,
    );
}

/// In the editor: go to definition lands on the heading, not on the inventory row; the row
/// is among the references; renaming the ID renames the row too.
#[test]
fn an_inventory_row_is_a_reference_in_the_editor() {
    use dep_ls::ide::nav;
    use dep_ls::workspace::Workspace;
    let mut f = Workspace::new(std::path::PathBuf::new(), Config::default(), Vec::new());
    let table = "| ID | Env |\n|----|-----|\n| ENV-001 | Production |\n";
    let heading = "## ENV-001: Development\n";
    for (p, t) in [
        ("SoT/SoT.DEPLOYMENT.md", table),
        ("SoT/SoT.TECH.md", heading),
    ] {
        f.index
            .update(p, Arc::new(syntax::parse_fast(t, &f.config.prefixes)));
        f.set_disk_text(p, t.to_string());
    }
    let defs = nav::definitions_of(&f, "ENV-001");
    assert_eq!(defs.len(), 1);
    assert_eq!(
        (defs[0].path.as_str(), defs[0].span.start),
        ("SoT/SoT.TECH.md", 3)
    );
    let row = table.find("ENV-001").expect("row");
    let refs = nav::references_of(&f, "ENV-001", false);
    assert!(
        refs.iter()
            .any(|l| l.path == "SoT/SoT.DEPLOYMENT.md" && l.span.start == row),
        "{refs:?}"
    );
    let edits = nav::rename(&f, "SoT/SoT.TECH.md", 4, "ENV-009").expect("rename");
    assert!(
        edits
            .iter()
            .any(|e| e.path == "SoT/SoT.DEPLOYMENT.md" && e.span.start == row),
        "{edits:?}"
    );
    assert!(
        edits.iter().any(|e| e.path == "SoT/SoT.TECH.md"),
        "{edits:?}"
    );
}

#[test]
fn an_overview_table_or_list_of_entries_defined_below_is_a_listing() {
    check_in_plan(
        r#"
//- /release/overview.md
# Plan overview

| ID | Title | Type | Stage |
|----|-------|------|-------|
| DEP-010 | Ship it | Step | Deploy |

- DEP-010: Ship it (see the plan)
//- /release/plan.md
## DEP-010: Ship it
Type: Step
Stage: Deploy
Description: Ship the build
Owner: Release manager
"#,
    );
}

#[test]
fn a_duplicate_names_a_few_places_inline_and_the_rest_as_related_locations() {
    let c = check_in_plan(
        r#"
//- /a.md
## EPIC-010: One
   ^^^^^^^^ error: duplicate-id: also in b.md, c.md, d.md and 1 more — all listed as related locations
//- /b.md
## EPIC-010: Two
   ^^^^^^^^ error: duplicate-id
//- /c.md
## EPIC-010: Three
   ^^^^^^^^ error: duplicate-id
//- /d.md
## EPIC-010: Four
   ^^^^^^^^ error: duplicate-id
//- /e.md
## EPIC-010: Five
   ^^^^^^^^ error: duplicate-id: also in a.md, b.md, c.md and 1 more
"#,
    );
    let first = c
        .findings
        .iter()
        .find(|f| f.path == "a.md" && f.code == check::Code::DuplicateId)
        .unwrap();
    assert_eq!(first.related.len(), 4);
}

#[test]
fn plan_messages_count_in_the_right_number() {
    check(
        r#"
//- /release.md
DEP-001: The only entry
^^^^^^^ warning: no-validation: The release plan (1 DEP- entry) has no Validation entry
^^^^^^^ warning: no-rollback: (1 DEP- entry)
^^^^^^^ warning: no-criteria: (1 DEP- entry)
^^^^^^^ warning: missing-environment
Type: Step
Stage: Deploy
Description: Ship it
Owner: Release manager
"#,
    );
}

#[test]
fn a_template_entry_reports_its_title_and_belongs_to_no_plan() {
    check(
        r#"
//- /SoT/SoT.DEPLOYMENT.md
## DEP-001: {Procedure Name}
            ^^^^^^^^^^^^^^^^ warning: template-placeholder: DEP-001 is a template
**Category**: Infrastructure | Application | Database
**Created**: YYYY-MM-DD

### Steps

1. **Prepare**: {Preparation step}

### Related IDs

- [TEST-XXX](SoT.TESTING.md#test-xxx) - {Deployment validation test}
"#,
    );
}

#[test]
fn a_real_title_makes_the_template_an_entry() {
    check_in_plan(
        r#"
//- /SoT/SoT.DEPLOYMENT.md
## DEP-001: Blue-green switch
   ^^^^^^^ warning: missing-field: has no `Type:`
   ^^^^^^^ warning: missing-field: `Stage:`, `Description:`
   ^^^^^^^ warning: missing-owner
**Created**: YYYY-MM-DD
             ^^^^^^^^^^ warning: template-placeholder
"#,
    );
}

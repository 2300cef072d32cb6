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

/// One expected finding, from an annotation line.
#[derive(Debug)]
struct Expected {
    path: String,
    /// 0-based line of the clean text.
    line: usize,
    /// Columns in characters, half-open.
    cols: (usize, usize),
    severity: String,
    code: String,
    message: Option<String>,
    /// The annotation as written (for failure messages).
    source: String,
}

/// A parsed fixture: clean files in order, and the expected findings.
struct Fixture {
    files: Vec<(String, String)>,
    expected: Vec<Expected>,
}

/// `  ^^^^ error: code: message` → (start col, end col, severity, code, message).
fn parse_annotation(line: &str) -> Option<(usize, usize, String, String, Option<String>)> {
    let lead = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[lead..];
    let carets = rest.len() - rest.trim_start_matches('^').len();
    if carets == 0 {
        return None;
    }
    let rest = rest[carets..].strip_prefix(' ')?;
    let (severity, rest) = rest.split_once(": ")?;
    if !matches!(severity, "error" | "warning" | "info" | "hint") {
        return None;
    }
    let (code, message) = match rest.split_once(": ") {
        Some((c, m)) => (c, Some(m.to_string())),
        None => (rest, None),
    };
    let code = code.trim();
    if code.is_empty() || !code.bytes().all(|c| c.is_ascii_lowercase() || c == b'-') {
        return None;
    }
    Some((
        lead,
        lead + carets,
        severity.to_string(),
        code.to_string(),
        message,
    ))
}

fn parse_fixture(fixture: &str) -> Fixture {
    let fixture = fixture.strip_prefix('\n').unwrap_or(fixture);
    let mut files: Vec<(String, Vec<String>)> = Vec::new();
    let mut expected = Vec::new();
    for raw in fixture.split('\n') {
        if let Some(path) = raw.strip_prefix("//- ") {
            let path = path.trim().trim_start_matches('/').to_string();
            assert!(!path.is_empty(), "fixture header without a path: {raw:?}");
            files.push((path, Vec::new()));
            continue;
        }
        if files.is_empty() {
            files.push(("release.md".to_string(), Vec::new()));
        }
        let (path, lines) = files.last_mut().unwrap();
        if let Some((s, e, severity, code, message)) = parse_annotation(raw) {
            assert!(
                !lines.is_empty(),
                "annotation {raw:?} in {path} has no line above it"
            );
            expected.push(Expected {
                path: path.clone(),
                line: lines.len() - 1,
                cols: (s, e),
                severity,
                code,
                message,
                source: raw.trim().to_string(),
            });
            continue;
        }
        lines.push(raw.to_string());
    }
    let files = files
        .into_iter()
        .map(|(p, mut lines)| {
            // The fixture's last line break ends the file; strip trailing empty lines.
            while lines.last().is_some_and(|l| l.is_empty()) {
                lines.pop();
            }
            let mut text = lines.join("\n");
            text.push('\n');
            (p, text)
        })
        .collect();
    Fixture { files, expected }
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
// codes (no-validation, no-rollback, no-criteria, missing-environment) stay silent.
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
Procedure: Redeploy the previous version
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
       ^^^^^^^^^^^ hint: stage-mismatch: Stage Post-deploy is unusual for a Environment entry (typically Pre-deploy)
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
- DEP-004: in a list item is a reference
  ^^^^^^^ hint: unresolved-link
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
    let release = include_str!("fixtures/seed/release.md");
    let ids = include_str!("fixtures/seed/ids.md");
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
^^^^^^^ error: missing-owner
Type: Criteria
Stage: Pre-deploy
Description: Tests pass
Requirement: Pass
Verification: CI
Blocker: Yes
Owner:
Linked IDs: TEST-900

DEP-002: Environment with an empty required field
^^^^^^^ warning: missing-field: is missing the required field `Secrets:`
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
    check_in_plan(
        r#"
DEP-001: [Deployment Item Title]
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
    use dep_ls::ide::{nav, Folder};
    let mut f = Folder::new(std::path::PathBuf::new(), Config::default(), Vec::new());
    let table = "| ID | Env |\n|----|-----|\n| ENV-001 | Production |\n";
    let heading = "## ENV-001: Development\n";
    for (p, t) in [
        ("SoT/SoT.DEPLOYMENT.md", table),
        ("SoT/SoT.TECH.md", heading),
    ] {
        f.index
            .update(p, Arc::new(syntax::parse_fast(t, &f.config.prefixes)));
        f.disk.insert(p.to_string(), Arc::from(t));
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

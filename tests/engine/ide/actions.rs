//! Code actions: a quick fix for every finding that has one, and the refactors (insert a DEP-
//! template of each Type, add all missing fields). Each fix is applied to the file text and the
//! folder re-checked: the finding it fixes is gone.

use super::support::*;
use super::workspace::SOT;
use dep_ls::check::Code;
use dep_ls::ide::actions::{code_actions, Action, ActionKind};

fn actions(fx: &Fixture) -> Vec<Action> {
    code_actions(&fx.folder, &fx.file, fx.selection.clone())
}

fn titles(acts: &[Action]) -> Vec<&str> {
    acts.iter().map(|a| a.title.as_str()).collect()
}

/// The quick fixes that fix (not the "Ignore CODE on this line" every finding also gets: those
/// are tested in `tests/engine/ide/suppress.rs`).
fn quick_fixes(fx: &Fixture) -> Vec<Action> {
    actions(fx)
        .into_iter()
        .filter(|a| a.kind == ActionKind::QuickFix && !is_ignore(a))
        .collect()
}

fn is_ignore(a: &Action) -> bool {
    a.title.starts_with("Ignore ") && a.title.ends_with(" on this line")
}

fn action(fx: &Fixture, title: &str) -> Action {
    let acts = actions(fx);
    acts.iter()
        .find(|a| a.title == title)
        .unwrap_or_else(|| panic!("no action {title:?} in {:#?}", titles(&acts)))
        .clone()
}

/// Applies a quick fix, checks that it fixes its finding (the finding is gone after
/// re-indexing), and returns the fixed fixture.
fn fix(fx: &Fixture, title: &str) -> Fixture {
    let a = action(fx, title);
    assert_eq!(a.kind, ActionKind::QuickFix, "{title}");
    let finding = a.fixes.clone().expect("a quick fix names its finding");
    assert!(
        fx.diagnostics(&finding.path).contains(&finding),
        "{title}: the finding it fixes is current"
    );
    let after = fx.apply(&a.edits);
    let still: Vec<_> = after
        .diagnostics(&finding.path)
        .into_iter()
        .filter(|f| f.code == finding.code && f.id == finding.id && f.message == finding.message)
        .collect();
    assert!(
        still.is_empty(),
        "{title}: the finding is still there: {still:#?}"
    );
    after
}

fn plan(body: &str) -> String {
    format!("\n//- /release/release-plan.md\n# Acme Checkout v2.0 — Release Plan\n\n{body}\n{SOT}")
}

const REL: &str = "release/release-plan.md";

// =============================================================================================
// Missing fields, owner, threshold: inserted after the last field, in the entry's style
// =============================================================================================

#[test]
fn missing_fields_in_plain_style() {
    check(
        &plan(
            "```
$0DEP-002: All Tests Pass in Staging
Type: Criteria
Stage: Pre-deploy

Description: Complete test suite must pass in staging environment

Requirement: All TEST- entries pass with >95% success rate
Owner: Marcus Okafor (QA Lead)

Linked IDs: EPIC-01, TEST-001 to TEST-010
```",
        ),
        |fx| {
            let after = fix(fx, "Add `Verification:`, `Blocker:` to DEP-002");
            assert_eq!(
                after.text(),
                plan_text(
                    "```
DEP-002: All Tests Pass in Staging
Type: Criteria
Stage: Pre-deploy

Description: Complete test suite must pass in staging environment

Requirement: All TEST- entries pass with >95% success rate
Owner: Marcus Okafor (QA Lead)

Linked IDs: EPIC-01, TEST-001 to TEST-010
Verification: [How to check this]
Blocker: [Yes | No]
```"
                )
            );
            // What is left are the placeholders to fill in.
            assert_eq!(
                after.findings_of(REL, Code::TemplatePlaceholder),
                ["[How to check this]", "[Yes | No]"]
            );
        },
    );
}

/// The release plan file's text for a body (as [`plan`] writes it).
fn plan_text(body: &str) -> String {
    format!("# Acme Checkout v2.0 — Release Plan\n\n{body}\n\n")
}

#[test]
fn missing_owner_in_bold_style() {
    check(
        &plan(
            "### $0DEP-006: Performance baseline met in staging

**Type:** Criteria
**Stage:** Pre-deploy
**Description:** The v2.0 build meets the order latency baselines under peak load
**Requirement:** p95 order creation latency below 300ms at 150 requests per second for 30 minutes
**Verification:** k6 load profile checkout-peak run against staging
**Blocker:** Yes
**Linked IDs:** EPIC-01, API-001; TEST-004..TEST-008

### DEP-007: Security review signed off",
        ),
        |fx| {
            let after = fix(fx, "Add `Owner:` to DEP-006");
            assert!(
                after.text().contains(
                    "**Linked IDs:** EPIC-01, API-001; TEST-004..TEST-008
**Owner:** [Who verifies]

### DEP-007: Security review signed off"
                ),
                "{}",
                after.text()
            );
        },
    );
}

#[test]
fn missing_threshold_in_list_style_after_a_multi_line_field() {
    check(
        &plan(
            "### $0DEP-010: Order latency rollback trigger

- Type: Rollback
- Stage: Post-deploy
- Description: Roll back when order creation gets slower than the v1 baseline
- Trigger: Order creation latency regresses after cutover
- Procedure:
  1. Confirm on the MON-002 dashboard that the regression is on our side
  2. Shift traffic back to the blue target group
- Notification: #checkout-incidents Slack, release manager
- Owner: Jon Park (SRE, checkout on-call)
- Linked IDs: MON-002, RUN-001

## Post-deploy validation",
        ),
        |fx| {
            let after = fix(fx, "Add `Threshold:` to DEP-010");
            assert!(
                after.text().contains(
                    "- Linked IDs: MON-002, RUN-001
- Threshold: [Specific metric or condition]

## Post-deploy validation"
                ),
                "{}",
                after.text()
            );
            assert!(after.findings_of(REL, Code::MissingThreshold).is_empty());
        },
    );
}

#[test]
fn missing_threshold_after_a_numbered_procedure() {
    check(
        &plan(
            "### $0DEP-012: Order data integrity rollback trigger

**Type:** Rollback
**Stage:** Rollback
**Description:** Stop v2 order writes and roll back if orders and captured payments disagree
**Trigger:** Reconciliation job finds orders whose captured amount differs from the order total
**Owner:** Tomás Ibarra (Release Manager)
**Notification:** #checkout-incidents Slack, Finance operations
**Linked IDs:** MON-001, RUN-001
**Procedure:**
1. Turn off the v2 order write path with the orders-v2-writes kill switch
2. Shift traffic back to the blue target group

Prose after the entry.",
        ),
        |fx| {
            let after = fix(fx, "Add `Threshold:` to DEP-012");
            assert!(
                after.text().contains(
                    "2. Shift traffic back to the blue target group
**Threshold:** [Specific metric or condition]

Prose after the entry."
                ),
                "{}",
                after.text()
            );
        },
    );
}

#[test]
fn missing_type_in_a_procedure_entry() {
    check(
        &format!(
            "
//- /SoT/SoT.DEPLOYMENT.md
## $0DEP-030: Database migration procedure

**ID**: DEP-030
**Stage**: Deploy
**Owner**: Priya Raman (Platform Engineering)
**Description**: Apply the release's schema migrations as expand-only changes

### Steps

1. Confirm that an automated RDS snapshot from the last hour exists
{SOT}"
        ),
        |fx| {
            let after = fix(fx, "Add `Type:` to DEP-030");
            assert!(
                after.text().starts_with(
                    "## DEP-030: Database migration procedure

**ID**: DEP-030
**Stage**: Deploy
**Owner**: Priya Raman (Platform Engineering)
**Description**: Apply the release's schema migrations as expand-only changes
**Type**: [Environment | Criteria | Rollback | Validation | Step]

### Steps
"
                ),
                "{}",
                after.text()
            );
        },
    );
}

#[test]
fn missing_fields_keep_crlf_line_breaks() {
    let src = plan(
        "$0DEP-013: Post-deploy Smoke Tests
Type: Validation
Stage: Post-deploy
Owner: Marcus Okafor (QA Lead)
Description: Automated smoke suite against production
Check: Place a test order through the one-page checkout
Method: Automated
Linked IDs: TEST-001, TEST-002",
    )
    .replace('\n', "\r\n");
    check(&src, |fx| {
        let after = fix(fx, "Add `Success Criteria:`, `Escalation:` to DEP-013");
        assert!(
            after.text().contains(
                "Linked IDs: TEST-001, TEST-002\r\nSuccess Criteria: [Expected result]\r\nEscalation: [What if validation fails]\r\n"
            ),
            "{:?}",
            after.text()
        );
    });
}

// =============================================================================================
// Did you mean: values, keys, IDs, prefixes
// =============================================================================================

#[test]
fn invalid_values_get_did_you_mean() {
    for (line, bad, good) in [
        ("Method: $0Automatic", "Automatic", "Automated"),
        ("Stage: $0Post-deplyo", "Post-deplyo", "Post-deploy"),
        ("Blocker: $0Yess", "Yess", "Yes"),
    ] {
        let src = plan(&format!(
            "DEP-017: Payment webhook reconciliation
Type: Validation
Stage: Post-deploy
{line}"
        ));
        // The Type line would be a duplicate Stage in the Stage case: drop it.
        let src = if line.starts_with("Stage") {
            src.replace("Stage: Post-deploy\n", "")
        } else {
            src
        };
        check(&src, |fx| {
            let after = fix(fx, &format!("Replace `{bad}` with `{good}`"));
            assert!(after
                .text()
                .contains(&format!("\n{}{good}\n", &line[..line.find('$').unwrap()])));
        });
    }
}

#[test]
fn invalid_type_and_environment_name_get_did_you_mean() {
    check(
        &plan("### DEP-009: Error Rate Rollback Trigger\n\n**Type:** $0Rolback\n**Stage:** Post-deploy"),
        |fx| {
            let after = fix(fx, "Replace `Rolback` with `Rollback`");
            assert!(after.text().contains("**Type:** Rollback\n"));
        },
    );
    check(
        &plan("DEP-003: Production Environment Configuration\nType: Environment\nName: $0prod"),
        |fx| {
            let after = fix(fx, "Replace `prod` with `production`");
            assert!(after.text().contains("\nName: production\n"));
        },
    );
}

#[test]
fn unknown_field_typo() {
    check(
        &plan(
            "DEP-014: Order Confirmation Email Check
Type: Validation
$0Escalaton: Notify the lifecycle email team",
        ),
        |fx| {
            let after = fix(fx, "Change `Escalaton` to `Escalation`");
            assert!(after
                .text()
                .contains("\nEscalation: Notify the lifecycle email team\n"));
            assert!(after.findings_of(REL, Code::UnknownField).is_empty());
        },
    );
    check(
        &plan("### DEP-014: Order Confirmation Email Check\n\n**Type:** Validation\n**$0Ownr:** Hannah Lee"),
        |fx| {
            let after = fix(fx, "Change `Ownr` to `Owner`");
            assert!(after.text().contains("\n**Owner:** Hannah Lee\n"));
            assert!(after.findings_of(REL, Code::MissingOwner).is_empty(), "the owner is found now");
        },
    );
}

#[test]
fn unresolved_id_near_match() {
    check(
        &plan("DEP-005: API contracts published\nType: Criteria\nLinked IDs: EPIC-01, $0API-01, TEST-001"),
        |fx| {
            let after = fix(fx, "Replace API-01 with API-001");
            assert!(after.text().contains("Linked IDs: EPIC-01, API-001, TEST-001\n"));
        },
    );
}

#[test]
fn unresolved_id_in_a_markdown_link_follows_with_its_anchor() {
    check(
        &plan(
            "DEP-005: API contracts published
Type: Criteria
Linked IDs: EPIC-01, [$0API-0001](../SoT/SoT.API_CONTRACTS.md#api-0001)",
        ),
        |fx| {
            let after = fix(fx, "Replace API-0001 with API-001");
            assert!(
                after.text().contains(
                    "Linked IDs: EPIC-01, [API-001](../SoT/SoT.API_CONTRACTS.md#api-001)\n"
                ),
                "{}",
                after.text()
            );
        },
    );
}

#[test]
fn unresolved_id_stub_definition_in_this_file() {
    check(
        &plan(
            "## DEP-016: Metric baseline confirmation

**Type:** Validation
**Linked IDs:** MON-001, $0MON-045",
        ),
        |fx| {
            let acts = quick_fixes(fx);
            assert_eq!(
                titles(&acts),
                ["Create a stub definition of MON-045 at the end of this file"],
                "no near match for MON-045"
            );
            let after = fix(
                fx,
                "Create a stub definition of MON-045 at the end of this file",
            );
            assert!(
                after.text().ends_with(
                    "**Linked IDs:** MON-001, MON-045\n\n## MON-045: [Title]\n\nDescription: [What MON-045 is]\n"
                ),
                "{:?}",
                after.text()
            );
        },
    );
}

const REGISTRY: &str = "
//- /.claude/domain-profile.yaml
domain: ecommerce-checkout
id_prefixes:
  MON:
    file: SoT/SoT.MONITORING.md
    description: Production monitors with Warning and Critical thresholds
  RUN: { file: SoT/SoT.RUNBOOKS.md, description: Operational runbooks }
";

#[test]
fn unresolved_id_stub_definition_in_the_file_owning_the_prefix() {
    check(
        &format!(
            "{}{REGISTRY}",
            plan("DEP-016: Metric baseline confirmation\nType: Validation\nLinked IDs: MON-001, $0MON-004")
        ),
        |fx| {
            let a = action(fx, "Create a stub definition of MON-004 in SoT/SoT.MONITORING.md");
            assert_eq!(a.edits.len(), 1);
            assert_eq!(a.edits[0].path, "SoT/SoT.MONITORING.md");
            let after = fix(fx, "Create a stub definition of MON-004 in SoT/SoT.MONITORING.md");
            assert!(
                after
                    .file_text("SoT/SoT.MONITORING.md")
                    .ends_with("**Runbook**: RUN-001\n\n## MON-004: [Title]\n\nDescription: [What MON-004 is]\n"),
                "{}",
                after.file_text("SoT/SoT.MONITORING.md")
            );
            assert_eq!(after.file_text(REL), fx.file_text(REL), "the plan is untouched");
        },
    );
}

#[test]
fn stub_definition_follows_the_owning_file_s_heading_level() {
    check(
        &format!(
            "{}{REGISTRY}",
            plan("DEP-016: Metric baseline confirmation\nType: Validation\nLinked IDs: TEST-001, $0TEST-042")
        )
        .replace("  MON:\n", "  TEST:\n    file: SoT/SoT.TESTING.md\n  MON:\n"),
        |fx| {
            let after = fix(fx, "Create a stub definition of TEST-042 after TEST-010 in SoT/SoT.TESTING.md");
            // TEST- IDs of that file are table rows: the stub is a row of the same table, right
            // after its last TEST- row.
            let testing = after.file_text("SoT/SoT.TESTING.md");
            assert!(
                testing.ends_with(
                    "| TEST-010 | Google Pay express button completes an order | UI | FEA-005 | regression |\n| TEST-042 | [Title] |\n"
                ),
                "{testing:?}"
            );
        },
    );
}

#[test]
fn deprecated_link_to_its_replacement() {
    check(
        &plan("DEP-005: API contracts published\nType: Criteria\nLinked IDs: EPIC-01, $0API-003"),
        |fx| {
            let after = fix(fx, "Link API-001 instead of the deprecated API-003");
            assert!(after.text().contains("Linked IDs: EPIC-01, API-001\n"));
            assert!(after.findings_of(REL, Code::DeprecatedLink).is_empty());
        },
    );
    check(
        &plan(
            "DEP-005: API contracts published
Type: Criteria
Linked IDs: EPIC-01, [$0API-003](../SoT/SoT.API_CONTRACTS.md#api-003)",
        ),
        |fx| {
            let after = fix(fx, "Link API-001 instead of the deprecated API-003");
            assert!(
                after
                    .text()
                    .contains("[API-001](../SoT/SoT.API_CONTRACTS.md#api-001)\n"),
                "{}",
                after.text()
            );
        },
    );
}

#[test]
fn unknown_prefix_did_you_mean() {
    check(
        &plan(
            "DEP-004: All Tests Pass in Staging\nType: Criteria\nLinked IDs: EPIC-01, $0TSET-001",
        ),
        |fx| {
            let after = fix(fx, "Replace TSET-001 with TEST-001");
            assert!(after.text().contains("Linked IDs: EPIC-01, TEST-001\n"));
            assert!(after.findings_of(REL, Code::UnknownPrefix).is_empty());
        },
    );
}

// =============================================================================================
// IDs: duplicates, placeholders, broken links
// =============================================================================================

#[test]
fn duplicate_id_renumbered_to_the_next_free_number() {
    let src = "
//- /release/release-plan.md
DEP-004: All Tests Pass in Staging
Type: Criteria

DEP-005: API contracts published
Type: Criteria
//- /release/hotfix-plan.md
$0DEP-004: Hotfix smoke tests
Type: Validation
//- /SoT/SoT.DEPLOYMENT.md
## DEP-030: Database migration procedure
";
    check(src, |fx| {
        let after = fix(fx, "Renumber DEP-004 to DEP-031");
        assert!(after.text().starts_with("DEP-031: Hotfix smoke tests\n"));
        assert!(after
            .findings_of("release/release-plan.md", Code::DuplicateId)
            .is_empty());
        assert!(after
            .findings_of("release/hotfix-plan.md", Code::DuplicateId)
            .is_empty());
    });
}

#[test]
fn placeholder_id_numbered() {
    check(
        &plan(
            "DEP-001: Staging\nType: Environment\n\n$0DEP-XXX: [Deployment Item Title]\nType: Step",
        ),
        |fx| {
            let after = fix(fx, "Number the entry DEP-002");
            assert!(after
                .text()
                .contains("\nDEP-002: [Deployment Item Title]\n"));
        },
    );
}

#[test]
fn broken_link_pointed_at_the_right_path() {
    check(
        &plan(
            "DEP-005: API contracts published
Type: Criteria
Linked IDs: EPIC-01, $0[API-001](SoT.API_CONTRACTS.md#api-001)",
        ),
        |fx| {
            let after = fix(fx, "Point the link at ../SoT/SoT.API_CONTRACTS.md");
            assert!(after
                .text()
                .contains("Linked IDs: EPIC-01, [API-001](../SoT/SoT.API_CONTRACTS.md#api-001)\n"));
        },
    );
}

// =============================================================================================
// Plaintext secrets
// =============================================================================================

#[test]
fn plaintext_secret_moved_to_a_reference() {
    for (config, fixed, secrets, name) in [
        (
            "Configuration:\n  - NODE_ENV=production\n  - STRIPE_SECRET_KEY=$0sk_live_51Hx1X697pBVOMMeH1oc4JJDenknpMif4WoRkqV51OZJVNgPgfafV67Xfz6idlby6AieQjFqNesE7qCm1dMpzQewJ5HCNQoagcV\nSecrets: AWS Secrets Manager under acme/checkout/preview",
            "Configuration:\n  - NODE_ENV=production\n  - STRIPE_SECRET_KEY=${STRIPE_SECRET_KEY}\n",
            "Secrets: AWS Secrets Manager under acme/checkout/preview; STRIPE_SECRET_KEY from the secrets manager\n",
            "STRIPE_SECRET_KEY",
        ),
        (
            // The whole connection string becomes the reference.
            "Configuration:\n  - DATABASE_URL=postgres://checkout:$0Xk9mP2vL8qR4tW7z@db.internal:5432/orders\n  - LOG_LEVEL=debug",
            "Configuration:\n  - DATABASE_URL=${DATABASE_URL}\n  - LOG_LEVEL=debug\n",
            "Secrets: DATABASE_URL from the secrets manager\n",
            "DATABASE_URL",
        ),
        (
            "Configuration: LOG_LEVEL=debug\nSecrets: password=$0hunter2-Winter-2025",
            "Configuration: LOG_LEVEL=debug\n",
            "Secrets: password=${password}; password from the secrets manager\n",
            "password",
        ),
        (
            "Configuration: GITHUB_TOKEN: $0ghp_16C7e42F292c6912E7710c838347Ae178B4a",
            "Configuration: GITHUB_TOKEN: ${GITHUB_TOKEN}\n",
            "Secrets: GITHUB_TOKEN from the secrets manager\n",
            "GITHUB_TOKEN",
        ),
    ] {
        let src = plan(&format!(
            "DEP-002: Preview Environment Configuration\nType: Environment\nStage: Pre-deploy\nName: preview\n{config}"
        ));
        check(&src, |fx| {
            let after = fix(
                fx,
                &format!("Replace the literal secret with ${{{name}}} and reference it under Secrets:"),
            );
            let text = after.text();
            assert!(text.contains(fixed), "{text}");
            assert!(text.contains(secrets), "{text}");
            assert!(after.findings_of(REL, Code::PlaintextSecret).is_empty());
        });
    }
}

// =============================================================================================
// Refactors
// =============================================================================================

#[test]
fn add_all_missing_fields_in_template_order() {
    check(
        &plan(
            "### $0DEP-009: Error Rate Rollback Trigger

**Type:** Rollback
**Stage:** Post-deploy
**Trigger:** 5xx error rate of checkout-api exceeds the pre-deploy baseline",
        ),
        |fx| {
            let a = action(
                fx,
                "Add all missing fields to DEP-009 (Description, Threshold, Procedure, Notification, Owner, Linked IDs)",
            );
            assert_eq!(a.kind, ActionKind::Refactor);
            let after = fx.apply(&a.edits);
            assert_eq!(
                after.text(),
                plan_text(
                    "### DEP-009: Error Rate Rollback Trigger

**Type:** Rollback
**Stage:** Post-deploy
**Trigger:** 5xx error rate of checkout-api exceeds the pre-deploy baseline
**Description:** [What this deployment item covers]
**Threshold:** [Specific metric or condition]
**Procedure:** [How to execute rollback]
**Notification:** [Who to alert]
**Owner:** [Who verifies]
**Linked IDs:** [EPIC-XXX, API-XXX, TEST-XXX related]"
                )
            );
            let codes: Vec<Code> = after.diagnostics(REL).into_iter().map(|f| f.code).collect();
            for gone in [
                Code::MissingField,
                Code::MissingOwner,
                Code::MissingThreshold,
            ] {
                assert!(!codes.contains(&gone), "{codes:?}");
            }
        },
    );
}

#[test]
fn no_add_all_missing_fields_on_a_complete_entry() {
    check(
        &plan(
            "DEP-013: Post-deploy Smoke Tests
Type: Validation
Stage: Post-deploy
Owner: Marcus Okafor (QA Lead)
Description: Automated smoke suite against production
Check: Place a test order
Method: Automated
Success Criteria: Every smoke test passes within 10 minutes of cutover
Escalation: Release manager decides within 15 minutes
Linked IDs: UJ-001, $0API-001",
        ),
        |fx| {
            let acts = actions(fx);
            assert!(
                !titles(&acts)
                    .iter()
                    .any(|t| t.starts_with("Add all missing fields")),
                "{:?}",
                titles(&acts)
            );
            assert!(quick_fixes(fx).is_empty(), "{:?}", titles(&acts));
        },
    );
}

#[test]
fn insert_a_template_of_each_type_at_a_blank_line() {
    check(
        &format!(
            "
//- /release/release-plan.md
# Acme Checkout v2.0 — Release Plan

DEP-001: Staging Environment Configuration
Type: Environment

## Rollback triggers

$0

## Post-deploy validation
//- /SoT/SoT.DEPLOYMENT.md
## DEP-030: Database migration procedure
{SOT}"
        ),
        |fx| {
            let acts = actions(fx);
            let inserts: Vec<&str> = titles(&acts)
                .into_iter()
                .filter(|t| t.starts_with("Insert"))
                .collect();
            assert_eq!(
                inserts,
                [
                    "Insert a DEP- Environment entry (DEP-031)",
                    "Insert a DEP- Criteria entry (DEP-031)",
                    "Insert a DEP- Rollback entry (DEP-031)",
                    "Insert a DEP- Validation entry (DEP-031)",
                    "Insert a DEP- Step entry (DEP-031)",
                ]
            );
            let after = fx.apply(&action(fx, "Insert a DEP- Rollback entry (DEP-031)").edits);
            assert_eq!(
                after.text(),
                "# Acme Checkout v2.0 — Release Plan

DEP-001: Staging Environment Configuration
Type: Environment

## Rollback triggers

DEP-031: [Deployment Item Title]
Type: Rollback
Stage: Post-deploy
Description: [What this deployment item covers]
Trigger: [What condition initiates rollback]
Threshold: [Specific metric or condition]
Procedure: [How to execute rollback]
Notification: [Who to alert]
Owner: [Who verifies]
Linked IDs: [EPIC-XXX, API-XXX, TEST-XXX related]


## Post-deploy validation
"
            );
        },
    );
}

/// The template actions say which Type they insert (`template`), the others insert none: an
/// editor finds them by that (and the LSP kind it gives them), not by their titles.
#[test]
fn template_actions_name_their_type() {
    check(&plan("Intro.\n\n$0\n\nOutro."), |fx| {
        let acts = actions(fx);
        let templates: Vec<(&str, Option<&str>)> = acts
            .iter()
            .filter(|a| a.template.is_some() || a.title.starts_with("Insert"))
            .map(|a| (a.title.as_str(), a.template.map(|t| t.name())))
            .collect();
        assert_eq!(
            templates,
            [
                (
                    "Insert a DEP- Environment entry (DEP-001)",
                    Some("Environment")
                ),
                ("Insert a DEP- Criteria entry (DEP-001)", Some("Criteria")),
                ("Insert a DEP- Rollback entry (DEP-001)", Some("Rollback")),
                (
                    "Insert a DEP- Validation entry (DEP-001)",
                    Some("Validation")
                ),
                ("Insert a DEP- Step entry (DEP-001)", Some("Step")),
            ]
        );
        assert!(acts
            .iter()
            .all(|a| a.template.is_none() || a.kind == ActionKind::Refactor));
    });
}

#[test]
fn inserted_templates_hold_every_required_field() {
    check(&plan("Intro.\n\n$0\n\nOutro."), |fx| {
        for a in actions(fx).iter().filter(|a| a.title.starts_with("Insert")) {
            let after = fx.apply(&a.edits);
            let new: Vec<Code> = after
                .diagnostics(REL)
                .into_iter()
                .filter(|f| f.id.as_deref() == Some("DEP-001"))
                .map(|f| f.code)
                .collect();
            for absent in [
                Code::MissingField,
                Code::MissingOwner,
                Code::MissingThreshold,
                Code::DuplicateId,
            ] {
                assert!(!new.contains(&absent), "{}: {new:?}", a.title);
            }
        }
    });
}

#[test]
fn insert_a_template_after_the_current_entry_in_its_heading_style() {
    check(
        &plan(
            "### DEP-005: API contracts published and frozen

**Type:** Criteria
**Stage:** $0Pre-deploy
**Owner:** Dev Patel (Checkout API lead)

### DEP-006: Performance baseline met in staging",
        ),
        |fx| {
            let after = fx.apply(&action(fx, "Insert a DEP- Step entry (DEP-007)").edits);
            assert!(
                after.text().contains(
                    "**Owner:** Dev Patel (Checkout API lead)

### DEP-007: [Deployment Item Title]

Type: Step
Stage: Pre-deploy
Description: [What this deployment item covers]
Owner: [Who verifies]
Linked IDs: [EPIC-XXX, API-XXX, TEST-XXX related]


### DEP-006: Performance baseline met in staging"
                ),
                "{}",
                after.text()
            );
        },
    );
}

// =============================================================================================
// Which actions a range gets
// =============================================================================================

#[test]
fn quick_fixes_only_for_findings_in_the_range() {
    let body = "DEP-017: Payment webhook reconciliation
Type: Validation
Stage: Post-deploy
Description: Stripe webhooks are applied to payments after the receiver moves to v2
Check: Every payment_intent.succeeded event has a matching captured payment row
Method: Automatic
Success Criteria: Zero unmatched events in the first hour
Escalaton: Payments on-call replays missed events
Owner: Lena Fischer (Payments Engineering)
Linked IDs: API-003, TEST-001";
    check(&plan(&body.replace("Method: ", "Method: $0")), |fx| {
        assert_eq!(
            titles(&quick_fixes(fx)),
            ["Replace `Automatic` with `Automated`"]
        );
    });
    // A selection over several lines gets the fixes of every finding in it.
    check(
        &plan(
            &body
                .replace("Method: ", "$0Method: ")
                .replace("API-003", "API-003$0"),
        ),
        |fx| {
            assert_eq!(
                titles(&quick_fixes(fx)),
                [
                    "Replace `Automatic` with `Automated`",
                    "Change `Escalaton` to `Escalation`",
                    "Link API-001 instead of the deprecated API-003",
                ],
                "not the missing `Escalation:` (a finding on the entry's ID, outside the range)"
            );
            let qf = quick_fixes(fx);
            assert!(
                qf.iter().all(|a| a.fixes.is_some() && a.preferred),
                "{qf:#?}"
            );
        },
    );
}

// =============================================================================================
// Issue 14: entries written in the other spellings
// =============================================================================================

#[test]
fn missing_owner_in_a_block_quoted_entry_keeps_the_quote() {
    check(
        &plan(
            "> $0DEP-050: Quoted step
> Type: Step
> Stage: Deploy
> Description: Ship the build",
        ),
        |fx| {
            let after = fix(fx, "Add `Owner:` to DEP-050");
            assert!(
                after
                    .text()
                    .contains("> Description: Ship the build\n> Owner: "),
                "{}",
                after.text()
            );
        },
    );
}

#[test]
fn a_plan_table_row_gets_no_field_lines_inserted_under_it() {
    check(
        &plan(
            "| ID | Title | Type | Stage |
|----|-------|------|-------|
| $0DEP-051 | Ship it | Step | Deploy |",
        ),
        |fx| {
            let acts = actions(fx);
            assert!(
                fx.diagnostics(REL)
                    .iter()
                    .any(|f| f.code == Code::MissingField && f.id.as_deref() == Some("DEP-051")),
                "the row is read as an entry"
            );
            assert!(
                !titles(&acts).iter().any(|t| t.starts_with("Add")),
                "{:#?}",
                titles(&acts)
            );
        },
    );
}

// =============================================================================================
// Fix all: the fixes `check --fix` makes, for the whole file at once
// =============================================================================================

#[test]
fn fix_all_applies_every_safe_fix_of_the_file_as_check_fix_does() {
    check(
        &plan(
            "$0DEP-001: Staging environment
Type: environment
Stage: pre-deploy
Description: Staging mirrors production.

DEP-XXX: Error rate guard
Type: rollback
Stage: Post-deploy
Description: Roll back on errors.",
        ),
        |fx| {
            let a = dep_ls::ide::actions::fix_all(&fx.folder, &fx.file).expect("a fix-all action");
            assert_eq!(a.kind, ActionKind::FixAll);
            assert_eq!(
                a.title,
                "Fix all safe dep-ls findings in this file (4 fixes)"
            );
            assert!(
                titles(&actions(fx)).contains(&a.title.as_str()),
                "offered with the other actions"
            );
            let after = fx.apply(&a.edits);
            let text = after.text();
            for want in [
                "Type: Environment",
                "Stage: Pre-deploy",
                "DEP-002: Error rate guard",
                "Type: Rollback",
            ] {
                assert!(text.contains(want), "{want:?} in {text}");
            }
            // The same text `dep-ls check --fix` writes.
            let mut index = dep_ls::index::Index::new();
            for (p, t) in &fx.files {
                let doc = dep_ls::syntax::parse_fast(t, &fx.folder.config.prefixes);
                index.update(p, std::sync::Arc::new(doc));
            }
            let original = fx.file_text(&fx.file).to_string();
            let cli = dep_ls::fix::fix_until_stable(
                &mut index,
                &fx.folder.config,
                &[dep_ls::fix::Source {
                    path: &fx.file,
                    text: &original,
                }],
            );
            assert_eq!(cli.len(), 1);
            assert_eq!(cli[0].text, text);
            // Nothing left to fix: no action.
            assert!(dep_ls::ide::actions::fix_all(&after.folder, &after.file).is_none());
            assert!(!titles(&actions(&after))
                .iter()
                .any(|t| t.starts_with("Fix all")));
        },
    );
}

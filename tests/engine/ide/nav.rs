//! Go to definition, references, document highlights, hover.

use super::support::*;
use super::workspace::SOT;
use dep_ls::ide::nav::{self, Location};

/// `path:line:column text` (1-based line and column, in characters) of each location.
fn render(fx: &Fixture, locs: &[Location]) -> Vec<String> {
    locs.iter()
        .map(|l| {
            let text = fx.file_text(&l.path);
            let line = text[..l.span.start].matches('\n').count() + 1;
            let ls = text[..l.span.start].rfind('\n').map(|i| i + 1).unwrap_or(0);
            let col = text[ls..l.span.start].chars().count() + 1;
            format!("{}:{line}:{col} {}", l.path, &text[l.span.clone()])
        })
        .collect()
}

fn goto(fx: &Fixture) -> Vec<String> {
    render(fx, &nav::definition(&fx.folder, &fx.file, fx.offset))
}

fn refs(fx: &Fixture, include_declaration: bool) -> Vec<String> {
    render(
        fx,
        &nav::references(&fx.folder, &fx.file, fx.offset, include_declaration),
    )
}

/// The release plan of most tests; `{}` marks where each test puts its variant.
fn plan(body: &str) -> String {
    format!(
        "
//- /release/release-plan.md
# Acme Checkout v2.0 — Release Plan

{body}
{SOT}"
    )
}

const TEST_001: &str = "SoT/SoT.TESTING.md:5:5 TEST-001";
const API_001: &str = "SoT/SoT.API_CONTRACTS.md:3:4 API-001";

// =============================================================================================
// Go to definition
// =============================================================================================

#[test]
fn definition_of_an_id_in_prose() {
    check(
        &plan("The happy path of the one-page checkout is covered by TES$0T-001 and API-001."),
        |fx| assert_eq!(goto(fx), [TEST_001]),
    );
}

#[test]
fn definition_at_both_ends_of_the_token() {
    for marked in ["$0TEST-001 in prose", "TEST-001$0 in prose"] {
        check(&plan(marked), |fx| assert_eq!(goto(fx), [TEST_001]));
    }
}

#[test]
fn definition_of_an_id_in_linked_ids() {
    check(
        &plan(
            "DEP-001: Create order criteria
Type: Criteria
Linked IDs: EPIC-01, AP$0I-001, TEST-001",
        ),
        |fx| assert_eq!(goto(fx), [API_001]),
    );
}

#[test]
fn definition_of_an_id_on_a_continuation_line_of_a_related_ids_list() {
    check(
        &plan(
            "## DEP-001: Database migration procedure

**Type**: Step

### Related IDs

- [API-001](../SoT/SoT.API_CONTRACTS.md#api-001) - the endpoint whose table changes
- [TEST-0$001](../SoT/SoT.TESTING.md#test-001) - verifies the migrated schema",
        ),
        |fx| assert_eq!(goto(fx), [TEST_001]),
    );
}

#[test]
fn definition_of_the_text_of_a_markdown_link() {
    check(
        &plan("**Linked IDs:** EPIC-01; [API-0$001](../SoT/SoT.API_CONTRACTS.md#api-001)"),
        |fx| assert_eq!(goto(fx), [API_001]),
    );
}

#[test]
fn definition_from_the_destination_of_a_markdown_link() {
    // Clicking the path or the anchor of `[API-001](…#api-001)` goes to API-001 too.
    for marked in [
        "[API-001](../SoT/SoT.API_CON$0TRACTS.md#api-001)",
        "[API-001](../SoT/SoT.API_CONTRACTS.md#api-0$001)",
        "[API-001](../SoT/SoT.API_CONTRACTS.md#api-001$0)",
    ] {
        check(&plan(&format!("Contract: {marked}")), |fx| {
            assert_eq!(goto(fx), [API_001])
        });
    }
}

#[test]
fn definition_ignores_where_the_link_path_points() {
    // The link names a wrong file: go to definition still finds the ID's definition.
    check(
        &plan("See [API-0$001](../SoT/SoT.OLD_CONTRACTS.md#api-001) for the contract."),
        |fx| assert_eq!(goto(fx), [API_001]),
    );
}

#[test]
fn definition_of_both_ends_of_a_range() {
    check(
        &plan("DEP-001: Tests pass\nType: Criteria\nLinked IDs: TEST-001 to TEST-0$008"),
        |fx| {
            assert_eq!(
                goto(fx),
                ["SoT/SoT.TESTING.md:27:3 TEST-008"],
                "the range end"
            )
        },
    );
    check(
        &plan("DEP-001: Tests pass\nType: Criteria\nLinked IDs: TEST$0-001..TEST-008"),
        |fx| assert_eq!(goto(fx), [TEST_001], "the range start"),
    );
}

#[test]
fn definition_of_a_restated_id() {
    check(
        &plan(
            "## DEP-030: Database migration procedure

**ID**: DEP-0$030
**Type**: Step",
        ),
        |fx| {
            assert_eq!(
                goto(fx),
                ["release/release-plan.md:3:4 DEP-030"],
                "`**ID**: DEP-030` restates the entry's own ID"
            )
        },
    );
}

#[test]
fn definition_on_a_definition_is_itself() {
    check(
        &plan("DEP-0$001: Staging Environment Configuration\nType: Environment"),
        |fx| assert_eq!(goto(fx), ["release/release-plan.md:3:1 DEP-001"]),
    );
}

#[test]
fn definition_across_files_of_a_dep_id() {
    check(
        &format!(
            "
//- /release/release-plan.md
## DEP-018: Production deployment of v2.0

**Type:** Step
**Procedure:**
1. Run the database migration procedure (DEP-0$030)
//- /SoT/SoT.DEPLOYMENT.md
# SoT — Deployment

## DEP-030: Database migration procedure

**ID**: DEP-030
**Type**: Step
{SOT}"
        ),
        |fx| assert_eq!(goto(fx), ["SoT/SoT.DEPLOYMENT.md:3:4 DEP-030"]),
    );
}

#[test]
fn definition_of_a_duplicate_id_lists_every_definition() {
    check(
        "
//- /release/release-plan.md
DEP-004: All Tests Pass in Staging
Type: Criteria

The go/no-go review reads DEP-0$004.
//- /release/hotfix-plan.md
DEP-004: Hotfix smoke tests
Type: Validation
",
        |fx| {
            assert_eq!(
                goto(fx),
                [
                    "release/hotfix-plan.md:1:1 DEP-004",
                    "release/release-plan.md:1:1 DEP-004"
                ]
            )
        },
    );
}

#[test]
fn definition_finds_nothing_on_plain_text_and_keys() {
    for marked in [
        "The happy path of the one-page check$0out is covered by TEST-001.",
        "The happy path is covered by TEST-001 $0.",
        "DEP-001: Tests pass\nTy$0pe: Criteria",
        "DEP-001: Tests pass\nType: Crit$0eria",
        "$0",
    ] {
        check(&plan(marked), |fx| {
            assert_eq!(goto(fx), Vec::<String>::new(), "{marked}")
        });
    }
}

#[test]
fn definition_finds_nothing_where_ids_are_not_ids() {
    for marked in [
        // An inline code span.
        "The pipeline reserves `DEP-999` and `TEST-0$001` for ad-hoc steps.",
        // An HTML comment.
        "<!-- TODO: TEST-0$001 flaky on staging -->",
        // A fenced code block with another info string.
        "```yaml\nblocking_gates:\n  TEST-0$001: staging-verify\n```",
        // A token whose prefix is not known.
        "The image digest is SHA-2$056 and the edge speaks HTTP-2.",
    ] {
        check(&plan(marked), |fx| {
            assert_eq!(goto(fx), Vec::<String>::new(), "{marked}")
        });
    }
}

#[test]
fn definition_of_an_undefined_id_is_empty() {
    check(
        &plan("DEP-001: Contracts frozen\nType: Criteria\nLinked IDs: API-0$099"),
        |fx| assert_eq!(goto(fx), Vec::<String>::new()),
    );
}

// =============================================================================================
// References
// =============================================================================================

const REFS_PLAN: &str = "This plan covers EPIC-01; the happy path is TEST-001.

DEP-001: All Tests Pass in Staging
Type: Criteria
Stage: Pre-deploy
Linked IDs: EPIC-01, TE$0ST-001 to TEST-008";

#[test]
fn references_with_and_without_the_declaration() {
    check(&plan(REFS_PLAN), |fx| {
        let without = refs(fx, false);
        assert_eq!(
            without,
            [
                "release/release-plan.md:3:45 TEST-001",
                "release/release-plan.md:8:22 TEST-001",
            ]
        );
        let with = refs(fx, true);
        assert_eq!(
            with,
            [
                TEST_001,
                "release/release-plan.md:3:45 TEST-001",
                "release/release-plan.md:8:22 TEST-001",
            ]
        );
    });
}

#[test]
fn references_of_an_id_covered_by_a_range() {
    // TEST-005 is never written; the range TEST-001 to TEST-008 covers it.
    check(
        &format!(
            "
//- /release/release-plan.md
DEP-001: All Tests Pass in Staging
Type: Criteria
Linked IDs: EPIC-01, TEST-001 to TEST-008
//- /release/hotfix-plan.md
DEP-040: Hotfix smoke tests
Type: Validation
Linked IDs: TEST-004..TEST-006
{SOT}"
        )
        .replace("| TEST-005 | One-page", "| TEST-0$005 | One-page"),
        |fx| {
            assert_eq!(
                refs(fx, false),
                [
                    "release/hotfix-plan.md:3:13 TEST-004..TEST-006",
                    "release/release-plan.md:3:22 TEST-001 to TEST-008",
                ]
            );
            assert_eq!(
                refs(fx, true),
                [
                    "SoT/SoT.TESTING.md:24:3 TEST-005",
                    "release/hotfix-plan.md:3:13 TEST-004..TEST-006",
                    "release/release-plan.md:3:22 TEST-001 to TEST-008",
                ]
            );
        },
    );
}

#[test]
fn references_of_a_range_end_are_not_doubled_by_the_range() {
    check(
        &plan("DEP-001: Tests pass\nType: Criteria\nLinked IDs: TEST-001 to TEST-0$008"),
        |fx| {
            assert_eq!(
                refs(fx, false),
                ["release/release-plan.md:5:25 TEST-008"],
                "the end is a reference; the range does not cover its own ends"
            )
        },
    );
}

#[test]
fn references_across_files_from_a_definition() {
    check(
        &plan(
            "DEP-001: Contracts frozen
Type: Criteria
Linked IDs: EPIC-01, [API-001](../SoT/SoT.API_CONTRACTS.md#api-001)",
        )
        .replace("## API-001: POST", "## API-0$001: POST"),
        |fx| {
            assert_eq!(
                refs(fx, false),
                [
                    "SoT/SoT.API_CONTRACTS.md:19:18 API-001",
                    "SoT/SoT.MONITORING.md:11:36 API-001",
                    "SoT/SoT.TESTING.md:7:13 API-001",
                    "SoT/SoT.TESTING.md:23:59 API-001",
                    "SoT/SoT.TESTING.md:27:60 API-001",
                    "release/release-plan.md:5:23 API-001",
                ]
            );
        },
    );
}

#[test]
fn references_from_a_restated_id() {
    check(
        "
//- /SoT/SoT.DEPLOYMENT.md
## DEP-030: Database migration procedure

**ID**: DEP-0$030
**Type**: Step
//- /release/release-plan.md
## DEP-018: Production deployment of v2.0

**Procedure:**
1. Run the database migration procedure (DEP-030)

**Linked IDs:** DEP-030
",
        |fx| {
            assert_eq!(
                refs(fx, true),
                [
                    "SoT/SoT.DEPLOYMENT.md:1:4 DEP-030",
                    "release/release-plan.md:4:42 DEP-030",
                    "release/release-plan.md:6:17 DEP-030",
                ],
                "the restatement itself is not a reference"
            )
        },
    );
}

#[test]
fn references_find_nothing_on_plain_text() {
    check(&plan("No ID h$0ere, only prose."), |fx| {
        assert!(refs(fx, true).is_empty())
    });
}

// =============================================================================================
// Document highlights
// =============================================================================================

#[test]
fn highlights_mark_the_definition_and_the_references_of_this_file() {
    check(
        &format!(
            "
//- /release/release-plan.md
DEP-009: Error Rate Rollback Trigger
Type: Rollback
Linked IDs: MON-001, RUN-001

DEP-013: Post-deploy Smoke Tests
Type: Validation
Escalation: the release manager decides between a fix-forward and the DEP-0$009 rollback
Linked IDs: DEP-009
//- /release/hotfix-plan.md
Hotfixes reuse DEP-009.
{SOT}"
        ),
        |fx| {
            let text = fx.text();
            let got: Vec<(usize, &str, bool)> = nav::highlights(&fx.folder, &fx.file, fx.offset)
                .into_iter()
                .map(|(s, def)| (s.start, &text[s], def))
                .collect();
            let at = |n| fx.nth(&fx.file, "DEP-009", n);
            assert_eq!(
                got,
                [
                    (at(0), "DEP-009", true),
                    (at(1), "DEP-009", false),
                    (at(2), "DEP-009", false),
                ],
                "only this file, the definition flagged"
            );
        },
    );
}

#[test]
fn highlights_of_a_range_end_and_of_nothing() {
    check(
        &plan("DEP-001: Tests pass\nType: Criteria\nLinked IDs: TEST-0$001 to TEST-008\nVerification: TEST-001 green"),
        |fx| {
            let h = nav::highlights(&fx.folder, &fx.file, fx.offset);
            assert_eq!(h.len(), 2);
            assert!(h.iter().all(|(s, d)| &fx.text()[s.clone()] == "TEST-001" && !d));
        },
    );
    check(&plan("Plain $0prose."), |fx| {
        assert!(nav::highlights(&fx.folder, &fx.file, fx.offset).is_empty())
    });
}

// =============================================================================================
// Hover
// =============================================================================================

fn hover(fx: &Fixture) -> Option<(String, String)> {
    nav::hover(&fx.folder, &fx.file, fx.offset).map(|(md, span)| (md, fx.text()[span].to_string()))
}

#[test]
fn hover_on_a_dep_id_shows_its_facts() {
    check(
        &format!(
            "
//- /release/release-plan.md
DEP-003: Error Rate Rollback Trigger
Type: Rollback
Stage: Post-deploy
Owner: Jon Park (SRE, checkout on-call)

Description: Automatic rollback to the blue stack if the 5xx rate exceeds the threshold

Trigger: 5xx error rate exceeds the pre-deploy baseline
Threshold: >2% of requests for 5 minutes
Procedure:
  1. Shift ALB traffic back to the blue target group
Notification: #checkout-incidents Slack, PagerDuty

Linked IDs: MON-001, RUN-001
//- /release/validation.md
DEP-013: Post-deploy Smoke Tests
Type: Validation
Escalation: fix-forward, or the DEP-0$003 rollback
Linked IDs: DEP-003
{SOT}"
        ),
        |fx| {
            let (md, under) = hover(fx).expect("a hover");
            assert_eq!(under, "DEP-003");
            assert_eq!(
                md,
                "**DEP-003** — Error Rate Rollback Trigger

Type: Rollback · Stage: Post-deploy · Owner: Jon Park (SRE, checkout on-call)

Automatic rollback to the blue stack if the 5xx rate exceeds the threshold

Defined in `release/release-plan.md` · linked from 2 places"
            );
        },
    );
}

#[test]
fn hover_on_a_definition_and_on_a_single_link() {
    check(
        &plan(
            "### DEP-0$005: API contracts published and frozen

- Type: Criteria
- Stage: Pre-deploy
- Owner: Dev Patel (Checkout API lead)
- Linked IDs: EPIC-01

The go/no-go review reads DEP-005.",
        ),
        |fx| {
            let (md, under) = hover(fx).unwrap();
            assert_eq!(under, "DEP-005");
            assert!(
                md.starts_with("**DEP-005** — API contracts published and frozen\n"),
                "{md}"
            );
            assert!(
                md.contains(
                    "Type: Criteria · Stage: Pre-deploy · Owner: Dev Patel (Checkout API lead)"
                ),
                "{md}"
            );
            assert!(
                md.ends_with("Defined in `release/release-plan.md` · linked from 1 place"),
                "{md}"
            );
        },
    );
}

#[test]
fn hover_on_a_table_row_id_shows_its_row() {
    check(&plan("Linked IDs: TEST-0$007"), |fx| {
        let (md, _) = hover(fx).unwrap();
        assert!(
            md.starts_with("**TEST-007** — Shipping address validation\n"),
            "{md}"
        );
        assert!(
            md.contains("UI | FEA-001 | regression"),
            "the rest of the row: {md}"
        );
        assert!(md.contains("Defined in `SoT/SoT.TESTING.md`"), "{md}");
    });
}

#[test]
fn hover_on_a_deprecated_id_names_its_replacement() {
    check(
        &plan("DEP-001: Contracts frozen\nType: Criteria\nLinked IDs: EPIC-01, API-0$003"),
        |fx| {
            let (md, under) = hover(fx).unwrap();
            assert_eq!(under, "API-003");
            assert!(
                md.starts_with(
                    "**API-003** — POST /v1/orders [DEPRECATED] *(deprecated: use API-001)*"
                ),
                "{md}"
            );
            assert!(md.contains("Status: Deprecated"), "{md}");
        },
    );
}

#[test]
fn hover_on_an_undefined_id() {
    check(
        &plan("DEP-001: Contracts frozen\nType: Criteria\nLinked IDs: EPIC-01, API-0$099"),
        |fx| {
            let (md, under) = hover(fx).unwrap();
            assert_eq!(under, "API-099");
            assert_eq!(md, "**API-099** is not defined anywhere in the workspace.");
        },
    );
}

#[test]
fn hover_on_an_undefined_id_names_the_file_that_owns_its_prefix() {
    check(
        &format!(
            "{}
//- /.claude/domain-profile.yaml
id_prefixes:
  API:
    file: SoT/SoT.API_CONTRACTS.md
    description: HTTP endpoints of checkout-api and their contracts
",
            plan("Linked IDs: API-0$099, API-001")
        ),
        |fx| {
            let (md, _) = hover(fx).unwrap();
            assert_eq!(
                md,
                "**API-099** is not defined anywhere in the workspace. API- IDs are defined in `SoT/SoT.API_CONTRACTS.md`."
            );
        },
    );
}

#[test]
fn hover_shows_the_prefix_description_of_the_registry() {
    check(
        &format!(
            "{}
//- /.claude/domain-profile.yaml
id_prefixes:
  API:
    file: SoT/SoT.API_CONTRACTS.md
    description: HTTP endpoints of checkout-api and their contracts
",
            plan("Linked IDs: API-0$001")
        ),
        |fx| {
            let (md, _) = hover(fx).unwrap();
            assert!(
                md.ends_with("HTTP endpoints of checkout-api and their contracts"),
                "{md}"
            );
        },
    );
}

#[test]
fn hover_on_a_duplicate_id_shows_both_definitions() {
    check(
        "
//- /release/release-plan.md
DEP-004: All Tests Pass in Staging
Type: Criteria
Owner: Marcus Okafor (QA Lead)
//- /release/hotfix-plan.md
DEP-0$004: Hotfix smoke tests
Type: Validation
Owner: Jon Park (SRE)
",
        |fx| {
            let (md, under) = hover(fx).unwrap();
            assert_eq!(under, "DEP-004");
            let parts: Vec<&str> = md.split("\n\n---\n\n").collect();
            assert_eq!(parts.len(), 3, "{md}");
            assert_eq!(parts[0], "⚠ **DEP-004** is defined 2 times");
            // In path order.
            assert!(
                parts[1].starts_with("**DEP-004** — Hotfix smoke tests"),
                "{md}"
            );
            assert!(parts[1].contains("Type: Validation"), "{md}");
            assert!(
                parts[1].contains("Defined in `release/hotfix-plan.md`"),
                "{md}"
            );
            assert!(
                parts[2].starts_with("**DEP-004** — All Tests Pass in Staging"),
                "{md}"
            );
            assert!(parts[2].contains("Owner: Marcus Okafor (QA Lead)"), "{md}");
            assert!(
                parts[2].contains("Defined in `release/release-plan.md`"),
                "{md}"
            );
        },
    );
}

#[test]
fn hover_on_a_field_key_explains_it() {
    for (marked, key, meaning) in [
        (
            "Thre$0shold: >2% of requests for 5 minutes",
            "Threshold",
            "**Threshold** — Rollback: the specific, measurable metric or condition",
        ),
        (
            "**Own$0er:** Jon Park",
            "Owner",
            "**Owner** — Who verifies or owns this item.",
        ),
        (
            "- Succ$0ess Criteria: zero errors",
            "Success Criteria",
            "**Success Criteria** — Validation: the expected result.",
        ),
    ] {
        check(
            &plan(&format!(
                "DEP-003: Error Rate Rollback Trigger\nType: Rollback\n{marked}"
            )),
            |fx| {
                let (md, under) = hover(fx).unwrap();
                assert_eq!(under, key);
                assert!(md.starts_with(meaning), "{md}");
            },
        );
    }
}

#[test]
fn hover_on_an_enumerated_key_lists_its_values() {
    check(
        &plan("DEP-017: Payment webhook reconciliation\nType: Validation\nMet$0hod: Automated"),
        |fx| {
            let (md, _) = hover(fx).unwrap();
            assert!(md.ends_with("\n\nValues: Manual, Automated, Both"), "{md}");
        },
    );
}

#[test]
fn hover_finds_nothing_on_plain_text_and_unknown_keys() {
    for marked in [
        "Plain pro$0se about the release.",
        "DEP-001: Staging\nType: Environment\nRegi$0on: us-east-1",
        "DEP-001: Staging\nType: Environment\nName: stag$0ing",
    ] {
        check(&plan(marked), |fx| assert_eq!(hover(fx), None, "{marked}"));
    }
}

// =============================================================================================
// The open buffer wins over the file on disk
// =============================================================================================

#[test]
fn features_read_the_unsaved_buffer_of_an_open_document() {
    use dep_ls::document::Change;
    use dep_ls::text::PositionEncoding;
    use std::sync::Arc;
    let mut fx = fixture(
        &plan("DEP-004: All Tests Pass in Staging\nType: Criteria\nLinked IDs: TEST-001$0"),
        Mode::Open,
    );
    // The user types in the editor (not saved): the list gains API-001, a line moves down.
    let edited = fx
        .text()
        .replace("# Acme Checkout", "<!-- draft -->\n# Acme Checkout")
        .replace("TEST-001", "TEST-001, API-001");
    let prefixes = fx.folder.config.prefixes.clone();
    let doc = fx.folder.open.get_mut(&fx.file).unwrap();
    doc.apply(
        &[Change {
            range: None,
            text: edited.clone(),
        }],
        PositionEncoding::Utf16,
        &prefixes,
    );
    let parsed = Arc::clone(doc.parsed());
    fx.folder.index.replace(&fx.file, parsed);
    assert_eq!(fx.text(), edited);
    assert_ne!(
        fx.folder.disk_text(&fx.file).expect("on disk"),
        edited,
        "the disk text is the old one"
    );

    let api = edited.find("API-001").unwrap() + 2;
    let defs = nav::definition(&fx.folder, &fx.file, api);
    assert_eq!(defs.len(), 1);
    assert_eq!(defs[0].path, "SoT/SoT.API_CONTRACTS.md");
    let refs = nav::references_of(&fx.folder, "API-001", false);
    assert!(
        refs.iter()
            .any(|l| l.path == fx.file && &edited[l.span.clone()] == "API-001"),
        "{refs:?}"
    );
    let (md, span) = nav::hover(&fx.folder, &fx.file, edited.find("DEP-004").unwrap()).unwrap();
    assert_eq!(&edited[span], "DEP-004");
    assert!(md.starts_with("**DEP-004** — All Tests Pass in Staging"));
}

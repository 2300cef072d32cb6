//! Completion: field keys, enumerated values, owners, IDs and ranges, entry templates.

use super::support::*;
use super::workspace::SOT;
use dep_ls::check::Code;
use dep_ls::ide::complete::{completions, Completion, CompletionKind};
use dep_ls::ide::FileEdit;

fn complete(fx: &Fixture) -> Vec<Completion> {
    let (items, _) = completions(&fx.folder, &fx.file, fx.offset);
    for c in &items {
        assert!(
            c.replace.start <= c.replace.end && c.replace.end == fx.offset,
            "{c:?} must replace the text typed before the cursor"
        );
    }
    items
}

fn labels(items: &[Completion]) -> Vec<&str> {
    items.iter().map(|c| c.label.as_str()).collect()
}

/// Labels in the order the editor shows them (by sort text, then label).
fn sorted_labels(items: &[Completion]) -> Vec<&str> {
    let mut v: Vec<&Completion> = items.iter().collect();
    v.sort_by(|a, b| (&a.sort_text, &a.label).cmp(&(&b.sort_text, &b.label)));
    v.into_iter().map(|c| c.label.as_str()).collect()
}

fn of_kind(items: &[Completion], kind: CompletionKind) -> Vec<&Completion> {
    items.iter().filter(|c| c.kind == kind).collect()
}

/// A snippet with each placeholder replaced by its default (`${1:x}` → `x`, `${1|a,b|}` → `a`).
fn expand(snippet: &str) -> String {
    let mut out = String::new();
    let mut rest = snippet;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let end = after.find('}').expect("a closed placeholder");
        let body = &after[..end];
        let digits = body.chars().take_while(|c| c.is_ascii_digit()).count();
        let inner = &body[digits..];
        if let Some(choices) = inner.strip_prefix('|') {
            out.push_str(choices.split([',', '|']).next().unwrap());
            rest = &after[end + 1..];
        } else {
            out.push_str(inner.strip_prefix(':').unwrap_or(""));
            rest = &after[end + 1..];
        }
    }
    out.push_str(rest);
    out
}

/// The file after accepting a completion (snippets with their defaults).
fn accept(fx: &Fixture, c: &Completion) -> Fixture {
    let text = if c.snippet {
        expand(&c.insert_text)
    } else {
        c.insert_text.clone()
    };
    fx.apply(&[FileEdit {
        path: fx.file.clone(),
        span: c.replace.clone(),
        new_text: text,
    }])
}

fn item<'a>(items: &'a [Completion], label: &str) -> &'a Completion {
    items
        .iter()
        .find(|c| c.label == label)
        .unwrap_or_else(|| panic!("no completion {label} in {:?}", labels(items)))
}

fn plan(body: &str) -> String {
    format!("\n//- /release/release-plan.md\n{body}\n{SOT}")
}

// =============================================================================================
// Field keys
// =============================================================================================

#[test]
fn field_keys_missing_for_the_type_in_template_order() {
    check(
        &plan(
            "DEP-002: All Tests Pass in Staging
Type: Criteria
Stage: Pre-deploy
Requirement: All TEST- entries pass with >95% success rate
$0",
        ),
        |fx| {
            let items = complete(fx);
            let fields = of_kind(&items, CompletionKind::Field);
            let got: Vec<&str> = fields.iter().map(|c| c.label.as_str()).collect();
            assert_eq!(
                got,
                [
                    "Description",
                    "Verification",
                    "Blocker",
                    "Owner",
                    "Linked IDs"
                ],
                "the Criteria fields still missing, in template order"
            );
            let sorted: Vec<&str> = sorted_labels(&items).into_iter().take(5).collect();
            assert_eq!(
                sorted, got,
                "the editor shows them in template order, first"
            );
            let blocker = item(&items, "Blocker");
            assert!(blocker.snippet);
            assert_eq!(blocker.insert_text, "Blocker: ${1|Yes,No|}");
            assert_eq!(blocker.detail.as_deref(), Some("Criteria field"));
            assert_eq!(
                blocker.documentation.as_deref(),
                Some("Criteria: Yes or No — does failure block the deploy?")
            );
            assert_eq!(
                item(&items, "Verification").insert_text,
                "Verification: ${1:[How to check this]}"
            );
        },
    );
}

#[test]
fn field_keys_of_each_type() {
    for (ty, expected) in [
        (
            "Environment",
            &[
                "Name",
                "Infrastructure",
                "Configuration",
                "Secrets",
                "Access",
                "Owner",
                "Linked IDs",
            ][..],
        ),
        (
            "Rollback",
            &[
                "Trigger",
                "Threshold",
                "Procedure",
                "Notification",
                "Owner",
                "Linked IDs",
            ][..],
        ),
        (
            "Validation",
            &[
                "Check",
                "Method",
                "Success Criteria",
                "Escalation",
                "Owner",
                "Linked IDs",
            ][..],
        ),
        ("Step", &["Owner", "Linked IDs"][..]),
    ] {
        check(
            &plan(&format!(
                "DEP-003: Error Rate Rollback Trigger\nType: {ty}\nStage: Post-deploy\nDescription: Automatic rollback\n$0"
            )),
            |fx| {
                let items = complete(fx);
                let got: Vec<&str> = of_kind(&items, CompletionKind::Field)
                    .iter()
                    .map(|c| c.label.as_str())
                    .collect();
                assert_eq!(got, expected, "{ty}");
            },
        );
    }
}

#[test]
fn field_keys_without_a_type_start_with_type() {
    check(
        &plan("## DEP-030: Database migration procedure\n\n**Owner**: Priya Raman\n$0"),
        |fx| {
            let items = complete(fx);
            let got: Vec<&str> = of_kind(&items, CompletionKind::Field)
                .iter()
                .map(|c| c.label.as_str())
                .collect();
            assert_eq!(&got[..3], ["Type", "Stage", "Description"]);
            assert!(!got.contains(&"Owner"), "Owner is present: {got:?}");
            assert!(
                got.contains(&"Threshold") && got.contains(&"Method"),
                "{got:?}"
            );
        },
    );
}

#[test]
fn field_keys_while_typing_a_key_and_after_the_last_field() {
    check(
        &plan("DEP-003: Error Rate Rollback Trigger\nType: Rollback\nStage: Post-deploy\n\nThr$0"),
        |fx| {
            let items = complete(fx);
            let th = item(&items, "Threshold");
            assert_eq!(&fx.text()[th.replace.clone()], "Thr");
            let after = accept(fx, th);
            assert!(
                after.text().contains(
                    "\nStage: Post-deploy\n\nThreshold: [Specific metric or condition]\n"
                ),
                "{}",
                after.text()
            );
            // The field is no longer missing (the placeholder is reported instead).
            assert!(after
                .findings_of(&fx.file, Code::MissingThreshold)
                .is_empty());
            assert_eq!(
                after.findings_of(&fx.file, Code::TemplatePlaceholder),
                ["[Specific metric or condition]"]
            );
        },
    );
}

#[test]
fn field_keys_keep_the_entry_s_field_style() {
    // `- Key: value` entries: a typed `- ` stays.
    check(
        &plan("### DEP-010: Order latency rollback trigger\n\n- Type: Rollback\n- Stage: Post-deploy\n- Thr$0"),
        |fx| {
            let items = complete(fx);
            let after = accept(fx, item(&items, "Threshold"));
            assert!(
                after.text().contains("\n- Stage: Post-deploy\n- Threshold: [Specific metric or condition]\n"),
                "{}",
                after.text()
            );
        },
    );
    // `**Key:** value` entries: on an empty line the key comes in bold.
    check(
        &plan("### DEP-011: Card authorization rollback trigger\n\n**Type:** Rollback\n**Stage:** Post-deploy\n$0"),
        |fx| {
            let items = complete(fx);
            let after = accept(fx, item(&items, "Threshold"));
            assert!(
                after.text().contains("\n**Stage:** Post-deploy\n**Threshold:** [Specific metric or condition]\n"),
                "{}",
                after.text()
            );
            assert!(after.findings_of(&fx.file, Code::MissingThreshold).is_empty());
        },
    );
    // … and after a typed `**`, only the rest.
    check(
        &plan("### DEP-011: Card authorization rollback trigger\n\n**Type:** Rollback\n**Stage:** Post-deploy\n**Noti$0"),
        |fx| {
            let items = complete(fx);
            let n = item(&items, "Notification");
            assert_eq!(&fx.text()[n.replace.clone()], "Noti", "the filter text is the key");
            let after = accept(fx, n);
            assert!(
                after.text().contains("\n**Notification:** [Who to alert]\n"),
                "{}",
                after.text()
            );
        },
    );
}

#[test]
fn no_field_keys_outside_dep_entries() {
    check(&plan("## API-001: POST /v2/orders\n\n$0"), |fx| {
        let items = complete(fx);
        assert!(
            of_kind(&items, CompletionKind::Field).is_empty(),
            "{:?}",
            labels(&items)
        );
    });
}

// =============================================================================================
// Enumerated values
// =============================================================================================

#[test]
fn values_after_type() {
    check(&plan("DEP-004: Smoke tests\nType: $0"), |fx| {
        let items = complete(fx);
        assert_eq!(
            labels(&items),
            ["Environment", "Criteria", "Rollback", "Validation", "Step"]
        );
        assert!(items
            .iter()
            .all(|c| c.kind == CompletionKind::Value && !c.snippet));
        assert_eq!(
            item(&items, "Rollback").documentation.as_deref(),
            Some("When to revert: trigger, measurable threshold, procedure, notification.")
        );
    });
}

#[test]
fn values_are_filtered_by_what_is_typed() {
    for (marked, expected, typed) in [
        ("Type: Val$0", &["Validation"][..], "Val"),
        ("Stage: po$0", &["Post-deploy"][..], "po"),
        (
            "Stage: $0",
            &["Pre-deploy", "Deploy", "Post-deploy", "Rollback"][..],
            "",
        ),
        ("Blocker: $0", &["Yes", "No"][..], ""),
        ("Blocker: n$0", &["No"][..], "n"),
        ("Method: A$0", &["Automated"][..], "A"),
        ("Method: $0", &["Manual", "Automated", "Both"][..], ""),
        ("Name: pr$0", &["preview", "production"][..], "pr"),
        ("**Stage:** Pre$0", &["Pre-deploy"][..], "Pre"),
        ("- Method: Man$0", &["Manual"][..], "Man"),
    ] {
        check(&plan(&format!("DEP-004: Smoke tests\n{marked}")), |fx| {
            let items = complete(fx);
            assert_eq!(labels(&items), expected, "{marked}");
            for c in &items {
                assert_eq!(&fx.text()[c.replace.clone()], typed, "{marked}");
            }
        });
    }
}

#[test]
fn accepting_a_value_fixes_an_invalid_one() {
    check(
        &plan("DEP-017: Payment webhook reconciliation\nType: Validation\nStage: Post-deploy\nMethod: Autom$0"),
        |fx| {
            assert_eq!(fx.findings_of(&fx.file, Code::InvalidValue), ["Autom"]);
            let items = complete(fx);
            let after = accept(fx, item(&items, "Automated"));
            assert!(after.text().contains("\nMethod: Automated\n"));
            assert!(after.findings_of(&fx.file, Code::InvalidValue).is_empty());
        },
    );
}

// =============================================================================================
// Owners
// =============================================================================================

const OWNERS: &str = "DEP-001: Staging Environment Configuration
Type: Environment
Owner: Priya Raman (Platform Engineering)

DEP-002: Preview Environment Configuration
Type: Environment
Owner: Priya Raman (Platform Engineering)

DEP-004: All Tests Pass in Staging
Type: Criteria
Owner: Marcus Okafor (QA Lead)

DEP-016: Metric baseline confirmation
Type: Validation
Owner: [Who verifies]
";

#[test]
fn owners_already_used_most_used_first() {
    check(
        &plan(&format!(
            "{OWNERS}\nDEP-009: Error Rate Rollback Trigger\nType: Rollback\nOwner: $0"
        )),
        |fx| {
            let items = complete(fx);
            assert_eq!(
                sorted_labels(&items),
                [
                    "Priya Raman (Platform Engineering)",
                    "Dev Patel (Checkout API lead)",
                    "Jon Park (SRE)",
                    "Marcus Okafor (QA Lead)",
                ],
                "no template placeholder among them"
            );
            assert_eq!(
                item(&items, "Priya Raman (Platform Engineering)")
                    .detail
                    .as_deref(),
                Some("owner of 2 entries")
            );
            assert!(items.iter().all(|c| c.kind == CompletionKind::Owner));
        },
    );
}

#[test]
fn owners_filtered_by_what_is_typed() {
    check(
        &plan(&format!("{OWNERS}\n### DEP-009: Error Rate Rollback Trigger\n\n**Type:** Rollback\n**Owner:** qa$0")),
        |fx| {
            let items = complete(fx);
            assert_eq!(labels(&items), ["Marcus Okafor (QA Lead)"]);
            let after = accept(fx, &items[0]);
            assert!(after.text().contains("\n**Owner:** Marcus Okafor (QA Lead)\n"));
        },
    );
}

// =============================================================================================
// IDs
// =============================================================================================

#[test]
fn ids_while_typing_a_prefix_in_prose() {
    for (marked, typed, n) in [
        ("The go/no-go review checks TES$0", "TES", 10),
        ("The go/no-go review checks TEST-0$0", "TEST-0", 10),
        (
            "DEP-004: Tests\nType: Criteria\nVerification: CI green for TEST-00$0",
            "TEST-00",
            9,
        ),
    ] {
        check(&plan(marked), |fx| {
            let items = complete(fx);
            let ids = of_kind(&items, CompletionKind::Id);
            assert_eq!(ids.len(), n, "{marked}: {:?}", labels(&items));
            assert!(
                ids.iter()
                    .all(|c| c.label.starts_with(typed) && c.label.starts_with("TEST-")),
                "{marked}"
            );
            assert!(
                ids.iter().all(|c| &fx.text()[c.replace.clone()] == typed),
                "{marked}"
            );
            let t1 = item(&items, "TEST-001");
            assert_eq!(t1.detail.as_deref(), Some("Create order happy path"));
            assert_eq!(t1.insert_text, "TEST-001");
            assert!(t1
                .documentation
                .as_deref()
                .unwrap()
                .contains("`SoT/SoT.TESTING.md`"));
        });
    }
}

#[test]
fn no_ids_for_words_that_do_not_look_like_ids() {
    for marked in [
        "The go/no-go review checks te$0",
        "The go/no-go review checks T$0",
        "Turn on the orders-v2-writes kill sw$0",
    ] {
        check(&plan(marked), |fx| {
            let items = complete(fx);
            assert!(
                of_kind(&items, CompletionKind::Id).is_empty(),
                "{marked}: {:?}",
                labels(&items)
            );
        });
    }
}

#[test]
fn ids_always_inside_linked_ids() {
    check(
        &plan(
            "DEP-004: All Tests Pass in Staging\nType: Criteria\nStage: Pre-deploy\nLinked IDs: $0",
        ),
        |fx| {
            let items = complete(fx);
            let ids = of_kind(&items, CompletionKind::Id);
            assert_eq!(
                ids.len(),
                18,
                "every defined ID but the entry's own: {:?}",
                labels(&items)
            );
            assert!(
                !labels(&items).contains(&"DEP-004"),
                "not the entry's own ID"
            );
        },
    );
}

#[test]
fn ids_in_linked_ids_with_trailing_spaces_know_their_entry() {
    // The cursor sits after trailing blanks, past the entry's last character.
    check(
        &plan("DEP-004: All Tests Pass in Staging\nType: Criteria\nLinked IDs: EPIC-01,  $0"),
        |fx| {
            let items = complete(fx);
            let l = labels(&items);
            assert!(!l.contains(&"DEP-004") && !l.contains(&"EPIC-01"), "{l:?}");
        },
    );
}

#[test]
fn ids_most_relevant_prefixes_first_for_the_type() {
    check(
        &plan(
            "DEP-004: All Tests Pass in Staging\nType: Criteria\nStage: Pre-deploy\nLinked IDs: $0",
        ),
        |fx| {
            let items = complete(fx);
            let order: Vec<&str> = sorted_labels(&items)
                .into_iter()
                .map(|l| l.split('-').next().unwrap())
                .collect::<Vec<_>>()
                .into_iter()
                .fold(Vec::new(), |mut v, p| {
                    if v.last() != Some(&p) {
                        v.push(p);
                    }
                    v
                });
            assert_eq!(
                order[..3],
                ["EPIC", "TEST", "API"],
                "Criteria trace back to EPIC-, TEST-, API- IDs: {order:?}"
            );
            assert_eq!(
                sorted_labels(&items).last(),
                Some(&"API-003"),
                "the deprecated API-003 comes last"
            );
        },
    );
    check(
        &plan("DEP-009: Error Rate Rollback Trigger\nType: Rollback\nStage: Post-deploy\n**Linked IDs:** $0"),
        |fx| {
            let items = complete(fx);
            let first: Vec<&str> = sorted_labels(&items).into_iter().take(3).collect();
            assert_eq!(first, ["MON-001", "MON-002", "RUN-001"], "a rollback links monitors and runbooks");
        },
    );
}

#[test]
fn ids_already_in_the_list_are_not_offered_again() {
    check(
        &plan("DEP-004: All Tests Pass in Staging\nType: Criteria\nLinked IDs: EPIC-01, TEST-001, TEST-002, TES$0"),
        |fx| {
            let items = complete(fx);
            let l = labels(&items);
            assert!(!l.contains(&"TEST-001") && !l.contains(&"TEST-002"), "{l:?}");
            assert!(l.contains(&"TEST-003"), "{l:?}");
        },
    );
}

#[test]
fn ids_covered_by_a_range_of_the_list_are_not_offered_again() {
    check(
        &plan("DEP-004: All Tests Pass in Staging\nType: Criteria\nLinked IDs: EPIC-01, TEST-001 to TEST-008, TES$0"),
        |fx| {
            let items = complete(fx);
            assert_eq!(
                labels(&of_kind(&items, CompletionKind::Id).into_iter().cloned().collect::<Vec<_>>()),
                ["TEST-009", "TEST-010"]
            );
        },
    );
}

#[test]
fn ids_on_a_continuation_line_of_a_list() {
    for marked in [
        // A list under the field.
        "DEP-004: All Tests Pass in Staging\nType: Criteria\nLinked IDs:\n  - EPIC-01\n  - $0",
        "DEP-004: All Tests Pass in Staging\nType: Criteria\nLinked IDs:\n  - EPIC-01\n  - TE$0",
        // A list continued after a trailing comma.
        "### DEP-004: All Tests Pass in Staging\n\n**Type:** Criteria\n**Linked IDs:** EPIC-01,\n  $0",
        // The methodology's `### Related IDs` sub-heading.
        "## DEP-030: Database migration procedure\n\n**Type**: Criteria\n\n### Related IDs\n\n- [EPIC-01](../epics/EPIC-01-checkout-redesign.md) - scope\n- $0",
    ] {
        check(&plan(marked), |fx| {
            let items = complete(fx);
            let l = labels(&items);
            assert!(l.contains(&"TEST-001"), "{marked}: {l:?}");
            assert!(!l.contains(&"EPIC-01"), "{marked}: already listed: {l:?}");
            assert!(of_kind(&items, CompletionKind::Field).is_empty(), "{marked}: {l:?}");
            assert!(of_kind(&items, CompletionKind::Template).is_empty(), "{marked}: {l:?}");
        });
    }
}

#[test]
fn a_range_over_a_whole_prefix() {
    for (marked, typed) in [
        ("TEST$0", "TEST"),
        ("TEST-$0", "TEST-"),
        ("TEST-0$0", "TEST-0"),
        ("TES$0", "TES"),
    ] {
        check(
            &plan(&format!(
                "DEP-004: All Tests Pass in Staging\nType: Criteria\nLinked IDs: EPIC-01, {marked}"
            )),
            |fx| {
                let items = complete(fx);
                let ranges = of_kind(&items, CompletionKind::Range);
                assert_eq!(ranges.len(), 1, "{marked}: {:?}", labels(&items));
                let r = ranges[0];
                assert_eq!(r.label, "TEST-001 to TEST-010");
                assert_eq!(r.detail.as_deref(), Some("all 10 TEST- IDs"));
                assert_eq!(&fx.text()[r.replace.clone()], typed);
                assert_eq!(
                    sorted_labels(&items)[0],
                    r.label,
                    "{marked}: the range comes first"
                );
                let after = accept(fx, r);
                assert!(after
                    .text()
                    .contains("Linked IDs: EPIC-01, TEST-001 to TEST-010\n"));
                let codes: Vec<_> = after
                    .diagnostics(&fx.file)
                    .into_iter()
                    .map(|f| f.code)
                    .collect();
                assert!(
                    !codes.contains(&Code::RangeGap) && !codes.contains(&Code::UnresolvedLink),
                    "{codes:?}"
                );
            },
        );
    }
}

#[test]
fn no_range_outside_link_lists_or_for_few_ids() {
    check(&plan("The go/no-go review checks TEST-$0"), |fx| {
        assert!(of_kind(&complete(fx), CompletionKind::Range).is_empty());
    });
    check(
        &plan("DEP-009: Error Rate Rollback Trigger\nType: Rollback\nLinked IDs: MON-$0"),
        |fx| {
            let items = complete(fx);
            assert!(
                of_kind(&items, CompletionKind::Range).is_empty(),
                "two MON- IDs make no range"
            );
            assert_eq!(labels(&items), ["MON-001", "MON-002"]);
        },
    );
}

#[test]
fn accepting_an_id_resolves_the_link() {
    check(
        &plan("DEP-009: Error Rate Rollback Trigger\nType: Rollback\nLinked IDs: MON-001, RUN-0$0"),
        |fx| {
            let items = complete(fx);
            assert_eq!(labels(&items), ["RUN-001"]);
            let after = accept(fx, &items[0]);
            assert!(after.text().contains("Linked IDs: MON-001, RUN-001\n"));
            assert!(after.findings_of(&fx.file, Code::UnresolvedLink).is_empty());
        },
    );
}

#[test]
fn no_ids_where_ids_are_not_ids() {
    // Inside an inline code span, an HTML comment or a non-DEP code block an ID-shaped token is
    // not a reference (no definition, no rename), so offering IDs there would be noise.
    for marked in [
        "The pipeline reserves `TEST-0$0` for ad-hoc steps.",
        "<!-- TODO: TEST-0$0 is flaky -->",
        "<!--\nTODO: link TEST-0$0\n-->",
        "```yaml\nblocking_gates:\n  TEST-0$0\n```",
    ] {
        check(&plan(marked), |fx| {
            let items = complete(fx);
            assert!(items.is_empty(), "{marked}: {:?}", labels(&items));
        });
    }
    // A DEP code block is read like text.
    check(
        &plan("```\nDEP-004: Tests\nType: Criteria\nLinked IDs: TEST-0$0\n```"),
        |fx| {
            assert_eq!(of_kind(&complete(fx), CompletionKind::Id).len(), 10);
        },
    );
}

// =============================================================================================
// Templates
// =============================================================================================

#[test]
fn templates_of_each_type_at_the_start_of_a_free_line() {
    check(
        &format!(
            "
//- /release/release-plan.md
# Acme Checkout v2.0 — Release Plan

DEP-001: Staging Environment Configuration
Type: Environment
Stage: Pre-deploy

## Rollback triggers

$0
//- /SoT/SoT.DEPLOYMENT.md
## DEP-030: Database migration procedure
{SOT}"
        ),
        |fx| {
            let items = complete(fx);
            assert_eq!(
                labels(&items),
                [
                    "DEP-031: Environment entry",
                    "DEP-031: Criteria entry",
                    "DEP-031: Rollback entry",
                    "DEP-031: Validation entry",
                    "DEP-031: Step entry",
                ],
                "the next free DEP number of the workspace"
            );
            assert!(items
                .iter()
                .all(|c| c.snippet && c.kind == CompletionKind::Template));
            let rollback = item(&items, "DEP-031: Rollback entry");
            assert_eq!(
                expand(&rollback.insert_text),
                "DEP-031: Title
Type: Rollback
Stage: Post-deploy
Description: [What this deployment item covers]
Trigger: [What condition initiates rollback]
Threshold: [Specific metric or condition]
Procedure: [How to execute rollback]
Notification: [Who to alert]
Owner: [Who verifies]
Linked IDs: [EPIC-XXX, API-XXX, TEST-XXX related]
"
            );
        },
    );
}

#[test]
fn every_template_inserts_an_entry_with_every_required_field() {
    check(&plan("# Release plan\n\n$0\n"), |fx| {
        let items = complete(fx);
        assert_eq!(items.len(), 5);
        for t in &items {
            let after = accept(fx, t);
            let codes: Vec<Code> = after
                .diagnostics(&fx.file)
                .into_iter()
                .filter(|f| f.id.as_deref() == Some("DEP-001"))
                .map(|f| f.code)
                .collect();
            for absent in [
                Code::MissingField,
                Code::MissingOwner,
                Code::MissingThreshold,
            ] {
                assert!(!codes.contains(&absent), "{}: {codes:?}", t.label);
            }
            assert!(
                codes.contains(&Code::TemplatePlaceholder),
                "{}: {codes:?}",
                t.label
            );
        }
    });
}

#[test]
fn templates_follow_the_heading_style_of_the_document() {
    check(
        &plan("## Release criteria\n\n### DEP-005: API contracts published and frozen\n\n**Type:** Criteria\n\n$0\n"),
        |fx| {
            let items = complete(fx);
            let t = item(&items, "DEP-006: Validation entry");
            assert!(expand(&t.insert_text).starts_with("### DEP-006: Title\n\n"), "{}", t.insert_text);
        },
    );
}

#[test]
fn templates_while_typing_dep() {
    check(&plan("# Release plan\n\nDEP$0"), |fx| {
        let items = complete(fx);
        let t = of_kind(&items, CompletionKind::Template);
        assert_eq!(t.len(), 5, "{:?}", labels(&items));
        assert_eq!(&fx.text()[t[0].replace.clone()], "DEP");
    });
}

#[test]
fn no_templates_in_the_middle_of_prose() {
    check(&plan("The plan follows the release steps and $0"), |fx| {
        assert!(complete(fx).is_empty());
    });
}

#[test]
fn long_id_lists_are_marked_incomplete() {
    let mut rows = String::from("# SoT — Testing\n\n| ID | Title |\n|----|-------|\n");
    for n in 1..=250 {
        rows.push_str(&format!("| TEST-{n:03} | Regression test {n} |\n"));
    }
    check(
        &format!(
            "\n//- /release/release-plan.md\nDEP-004: All Tests Pass in Staging\nType: Criteria\nLinked IDs: TEST-$0\n//- /SoT/SoT.TESTING.md\n{rows}"
        ),
        |fx| {
            let (items, incomplete) = completions(&fx.folder, &fx.file, fx.offset);
            assert!(incomplete, "250 TEST- IDs match");
            assert_eq!(of_kind(&items, CompletionKind::Id).len(), 100);
            assert_eq!(
                labels(&of_kind(&items, CompletionKind::Range).into_iter().cloned().collect::<Vec<_>>()),
                ["TEST-001 to TEST-250"]
            );
        },
    );
    check(
        &format!(
            "\n//- /release/release-plan.md\nDEP-004: All Tests Pass in Staging\nType: Criteria\nLinked IDs: TEST-24$0\n//- /SoT/SoT.TESTING.md\n{rows}"
        ),
        |fx| {
            let (items, incomplete) = completions(&fx.folder, &fx.file, fx.offset);
            assert!(!incomplete);
            assert_eq!(of_kind(&items, CompletionKind::Id).len(), 10, "TEST-240 to TEST-249");
        },
    );
}

#[test]
fn ids_show_the_prefix_description_of_the_registry() {
    check(
        &format!(
            "{}
//- /.claude/domain-profile.yaml
id_prefixes:
  TEST:
    file: SoT/SoT.TESTING.md
    description: Functional, load, security and end-to-end tests
",
            plan("DEP-004: All Tests Pass in Staging\nType: Criteria\nLinked IDs: TEST$0")
        ),
        |fx| {
            let items = complete(fx);
            // Lazily documented lists: the same items without ID documentation, which
            // `id_documentation` gives item by item, identical to the eager one.
            let (lazy, _) =
                dep_ls::ide::complete::completions_with(&fx.folder, &fx.file, fx.offset, true);
            assert_eq!(lazy.len(), items.len());
            for (l, e) in lazy.iter().zip(&items) {
                assert_eq!((&l.label, &l.detail), (&e.label, &e.detail));
                if e.kind == CompletionKind::Id {
                    assert_eq!(l.documentation, None);
                    assert_eq!(
                        dep_ls::ide::complete::id_documentation(&fx.folder, &l.label),
                        e.documentation
                    );
                } else {
                    assert_eq!(l.documentation, e.documentation);
                }
            }
            let doc = item(&items, "TEST-001").documentation.clone().unwrap();
            assert!(
                doc.ends_with("\n\nTEST- : Functional, load, security and end-to-end tests"),
                "{doc}"
            );
            let range = item(&items, "TEST-001 to TEST-010");
            assert_eq!(
                range.documentation.as_deref(),
                Some("TEST- : Functional, load, security and end-to-end tests")
            );
        },
    );
}

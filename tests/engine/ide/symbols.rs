//! Document and workspace symbols, folding ranges, semantic tokens, inlay hints, code lenses.

use super::support::*;
use super::workspace::SOT;
use dep_ls::ide::symbols::{
    code_lenses, document_symbols, folding, inlay_hints, semantic_tokens, workspace_symbols,
    Symbol, TOKEN_MODIFIERS, TOKEN_TYPES,
};

const PLAN: &str = "
//- /release/release-plan.md
# Acme Checkout v2.0 — Release Plan

This plan turns EPIC-01 into a production release.

```
DEP-001: Staging Environment Configuration
Type: Environment
Stage: Pre-deploy
Owner: Priya Raman (Platform Engineering)
Name: staging
Configuration:
  - NODE_ENV=production
  - LOG_LEVEL=debug
Linked IDs: EPIC-01, TECH-001
```

### DEP-005: API contracts published and frozen

**Type:** Criteria
**Stage:** Pre-deploy
**Blocker:** Yes
**Owner:** Dev Patel (Checkout API lead)
**Linked IDs:** EPIC-01; [API-001](../SoT/SoT.API_CONTRACTS.md#api-001), API-003, TEST-001 to TEST-008

| When (UTC) | Activity | Entries |
|------------|----------|---------|
| T-7 days | Code freeze and API contract freeze | DEP-005 |
";

fn plan() -> String {
    format!("{PLAN}{SOT}")
}

// =============================================================================================
// Document symbols
// =============================================================================================

/// `ID title [field: value, …]` per entry.
fn outline(fx: &Fixture, syms: &[Symbol]) -> Vec<String> {
    syms.iter()
        .map(|s| {
            assert!(s.is_entry);
            assert_eq!(
                &fx.text()[s.selection.clone()],
                s.name,
                "the selection is the ID"
            );
            assert!(s.span.start <= s.selection.start && s.selection.end <= s.span.end);
            let children: Vec<String> = s
                .children
                .iter()
                .map(|c| {
                    assert!(!c.is_entry);
                    assert_eq!(
                        &fx.text()[c.selection.clone()],
                        c.name,
                        "the selection is the key"
                    );
                    assert!(
                        s.span.start <= c.span.start && c.span.end <= s.span.end,
                        "{c:?} inside {s:?}"
                    );
                    match &c.detail {
                        Some(d) => format!("{}: {d}", c.name),
                        None => c.name.clone(),
                    }
                })
                .collect();
            format!(
                "{} {} [{}]",
                s.name,
                s.detail.as_deref().unwrap_or("-"),
                children.join(", ")
            )
        })
        .collect()
}

#[test]
fn document_symbols_are_entries_with_their_fields() {
    check(&plan(), |fx| {
        let doc = fx.folder.parsed(&fx.file).unwrap();
        let syms = document_symbols(&doc);
        assert_eq!(
            outline(fx, &syms),
            [
                "DEP-001 Staging Environment Configuration [Type: Environment, Stage: Pre-deploy, Owner: Priya Raman (Platform Engineering), Name: staging, Configuration: - NODE_ENV=production, Linked IDs: EPIC-01, TECH-001]",
                "DEP-005 API contracts published and frozen [Type: Criteria, Stage: Pre-deploy, Blocker: Yes, Owner: Dev Patel (Checkout API lead), Linked IDs: EPIC-01; [API-001](../SoT/SoT.API_CONTRACTS.md#api-001), API-003, TEST-001 to TEST-008]",
            ]
        );
        assert!(syms.iter().all(|s| s.prefix == "DEP"));
    });
}

#[test]
fn document_symbols_of_headings_tables_and_sub_headings() {
    check(
        &format!(
            "
//- /SoT/SoT.DEPLOYMENT.md
## DEP-030: Database migration procedure

**ID**: DEP-030
**Type**: Step

### Steps

1. Confirm that an automated RDS snapshot exists

### Related IDs

- [RUN-001](SoT.RUNBOOKS.md#run-001) - rollback
{SOT}"
        ),
        |fx| {
            let doc = fx.folder.parsed(&fx.file).unwrap();
            let syms = document_symbols(&doc);
            assert_eq!(syms.len(), 1);
            let names: Vec<&str> = syms[0].children.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(names, ["ID", "Type", "Steps", "Related IDs"]);
        },
    );
    check(
        &plan().replace("# SoT — Testing", "# SoT — Testing$0"),
        |fx| {
            let doc = fx.folder.parsed(&fx.file).unwrap();
            let syms = document_symbols(&doc);
            let names: Vec<&str> = syms.iter().map(|s| s.name.as_str()).collect();
            assert_eq!(
                names,
                [
                    "TEST-001", "TEST-002", "TEST-003", "TEST-004", "TEST-005", "TEST-006",
                    "TEST-007", "TEST-008", "TEST-009", "TEST-010"
                ]
            );
            assert_eq!(
                syms[3].detail.as_deref(),
                Some("Order rejected when the cart changed")
            );
            assert!(syms[3].children.is_empty());
        },
    );
}

// =============================================================================================
// Workspace symbols
// =============================================================================================

fn ws_symbols(fx: &Fixture, query: &str) -> Vec<String> {
    workspace_symbols(&fx.folder, query, 100)
        .into_iter()
        .map(|s| {
            assert_eq!(fx.slice(&s.path, &s.span), s.name);
            format!("{} {}", s.name, s.detail)
        })
        .collect()
}

#[test]
fn workspace_symbols_match_ids() {
    check(&plan(), |fx| {
        let got = ws_symbols(fx, "DEP-00");
        assert_eq!(
            got,
            [
                "DEP-001 Staging Environment Configuration",
                "DEP-005 API contracts published and frozen",
            ]
        );
        let got = ws_symbols(fx, "api-004");
        assert_eq!(
            got[0], "API-004 PUT /v2/carts/{cart_id}",
            "case-insensitive"
        );
    });
}

#[test]
fn workspace_symbols_match_titles_fuzzily() {
    check(&plan(), |fx| {
        let got = ws_symbols(fx, "rollback");
        assert_eq!(got, ["RUN-001 Blue-green rollback of checkout-api"]);
        let got = ws_symbols(fx, "latency");
        assert_eq!(got, ["MON-002 Order creation latency"]);
        // A subsequence: "stgenv" → "Staging Environment".
        let got = ws_symbols(fx, "stgenv");
        assert_eq!(got, ["DEP-001 Staging Environment Configuration"]);
        assert!(ws_symbols(fx, "kubernetes").is_empty());
    });
}

#[test]
fn workspace_symbols_rank_prefix_matches_first_and_honour_the_limit() {
    check(&plan(), |fx| {
        let got = ws_symbols(fx, "TEST");
        assert!(got[..10].iter().all(|s| s.starts_with("TEST-")), "{got:?}");
        assert!(got[10..].iter().all(|s| !s.starts_with("TEST-")), "{got:?}");
        let all = workspace_symbols(&fx.folder, "", 5);
        assert_eq!(all.len(), 5);
    });
}

#[test]
fn workspace_symbols_skip_placeholders() {
    check(
        &format!(
            "{}\n//- /drafts/next.md\nDEP-XXX: [Deployment Item Title]\nType: Step\n",
            plan()
        ),
        |fx| {
            assert!(!ws_symbols(fx, "Deployment Item")
                .iter()
                .any(|s| s.contains("DEP-XXX")));
        },
    );
}

// =============================================================================================
// Folding
// =============================================================================================

#[test]
fn folding_ranges_are_multi_line_entries() {
    check(&plan(), |fx| {
        let doc = fx.folder.parsed(&fx.file).unwrap();
        let text = fx.text();
        let folds: Vec<(&str, &str)> = folding(&doc)
            .into_iter()
            .map(|s| {
                let t = &text[s];
                (t.lines().next().unwrap(), t.lines().last().unwrap())
            })
            .collect();
        assert_eq!(
            folds,
            [
                (
                    "DEP-001: Staging Environment Configuration",
                    "Linked IDs: EPIC-01, TECH-001"
                ),
                // The entry runs to the end of its section, the timeline table included.
                (
                    "### DEP-005: API contracts published and frozen",
                    "| T-7 days | Code freeze and API contract freeze | DEP-005 |"
                ),
            ]
        );
    });
}

// =============================================================================================
// Semantic tokens
// =============================================================================================

fn tokens(fx: &Fixture) -> Vec<(String, &'static str, Vec<&'static str>)> {
    let toks = semantic_tokens(&fx.folder, &fx.file);
    for w in toks.windows(2) {
        assert!(
            w[0].0.end <= w[1].0.start,
            "sorted and not overlapping: {w:?}"
        );
    }
    toks.into_iter()
        .map(|(span, ty, mods)| {
            let m: Vec<&str> = TOKEN_MODIFIERS
                .iter()
                .enumerate()
                .filter(|(i, _)| mods & (1 << i) != 0)
                .map(|(_, m)| *m)
                .collect();
            (fx.text()[span].to_string(), TOKEN_TYPES[ty as usize], m)
        })
        .collect()
}

#[test]
fn semantic_tokens_of_a_plan() {
    check(&plan(), |fx| {
        let got = tokens(fx);
        let want: Vec<(String, &str, Vec<&str>)> = [
            ("EPIC-01", "variable", vec![]),
            ("DEP-001", "variable", vec!["declaration"]),
            ("Type", "property", vec![]),
            ("Environment", "enumMember", vec![]),
            ("Stage", "property", vec![]),
            ("Pre-deploy", "enumMember", vec![]),
            ("Owner", "property", vec![]),
            ("Name", "property", vec![]),
            ("staging", "enumMember", vec![]),
            ("Configuration", "property", vec![]),
            ("Linked IDs", "property", vec![]),
            ("EPIC-01", "variable", vec![]),
            ("TECH-001", "unresolvedId", vec![]),
            ("DEP-005", "variable", vec!["declaration"]),
            ("Type", "property", vec![]),
            ("Criteria", "enumMember", vec![]),
            ("Stage", "property", vec![]),
            ("Pre-deploy", "enumMember", vec![]),
            ("Blocker", "property", vec![]),
            ("Yes", "enumMember", vec![]),
            ("Owner", "property", vec![]),
            ("Linked IDs", "property", vec![]),
            ("EPIC-01", "variable", vec![]),
            ("API-001", "variable", vec![]),
            ("API-003", "variable", vec!["deprecated"]),
            ("TEST-001", "variable", vec![]),
            ("TEST-008", "variable", vec![]),
            ("DEP-005", "variable", vec![]),
        ]
        .into_iter()
        .map(|(t, ty, m)| (t.to_string(), ty, m))
        .collect();
        assert_eq!(got, want);
    });
}

#[test]
fn semantic_tokens_of_a_deprecated_definition_and_a_table() {
    check(
        &plan().replace("## API-003: POST", "## API-0$003: POST"),
        |fx| {
            let got = tokens(fx);
            assert!(
                got.contains(&(
                    "API-003".to_string(),
                    "variable",
                    vec!["declaration", "deprecated"]
                )),
                "{got:?}"
            );
            // Fields of entries that are not DEP- entries are not highlighted as DEP- fields.
            assert!(!got.iter().any(|t| t.1 == "property"), "{got:?}");
        },
    );
}

// =============================================================================================
// Inlay hints
// =============================================================================================

fn hints(fx: &Fixture, within: std::ops::Range<usize>) -> Vec<(String, String)> {
    inlay_hints(&fx.folder, &fx.file, within)
        .into_iter()
        .map(|(at, label)| {
            let text = fx.text();
            let ls = text[..at].rfind('\n').map_or(0, |i| i + 1);
            (text[ls..at].to_string(), label)
        })
        .collect()
}

#[test]
fn inlay_hints_show_titles_after_linked_ids() {
    check(&plan(), |fx| {
        let len = fx.text().len();
        let got = hints(fx, 0..len);
        let want: Vec<(String, String)> = [
            ("Linked IDs: EPIC-01", ": Checkout Redesign"),
            (
                "**Linked IDs:** EPIC-01",
                ": Checkout Redesign",
            ),
            (
                "**Linked IDs:** EPIC-01; [API-001](../SoT/SoT.API_CONTRACTS.md#api-001)",
                ": POST /v2/orders",
            ),
            (
                "**Linked IDs:** EPIC-01; [API-001](../SoT/SoT.API_CONTRACTS.md#api-001), API-003",
                ": POST /v1/orders [DEPRECATED]",
            ),
            (
                "**Linked IDs:** EPIC-01; [API-001](../SoT/SoT.API_CONTRACTS.md#api-001), API-003, TEST-001",
                ": Create order happy path",
            ),
            (
                "**Linked IDs:** EPIC-01; [API-001](../SoT/SoT.API_CONTRACTS.md#api-001), API-003, TEST-001 to TEST-008",
                ": Order totals include tax and shipping",
            ),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(
            got, want,
            "not after prose mentions, not after the undefined TECH-001"
        );
    });
}

#[test]
fn inlay_hints_only_within_the_range_and_truncated() {
    check(
        &format!(
            "
//- /release/release-plan.md
DEP-004: All Tests Pass in Staging
Type: Criteria
Linked IDs: TEST-009
Covers: TEST-001
{SOT}"
        )
        .replace(
            "Apple Pay express button completes an order",
            "Apple Pay express button completes an order on web and mobile web",
        ),
        |fx| {
            let line3 = fx.span(&fx.file, "Linked IDs: TEST-009");
            let got = hints(fx, line3);
            assert_eq!(
                got,
                [(
                    "Linked IDs: TEST-009".to_string(),
                    ": Apple Pay express button completes an o…".to_string()
                )]
            );
        },
    );
}

// =============================================================================================
// Code lenses
// =============================================================================================

#[test]
fn code_lenses_count_references() {
    check(
        &plan().replace("# SoT — Testing", "# SoT — Testing$0"),
        |fx| {
            let got: Vec<(String, usize)> = code_lenses(&fx.folder, &fx.file)
                .into_iter()
                .map(|(span, id, n)| {
                    assert_eq!(fx.text()[span].to_string(), id);
                    (id, n)
                })
                .collect();
            // Headings only (table rows have no lens); TEST-001 is a range end, TEST-002 and TEST-003
            // are covered by the range.
            assert_eq!(
                got,
                [
                    ("TEST-001".to_string(), 1),
                    ("TEST-002".to_string(), 1),
                    ("TEST-003".to_string(), 1)
                ]
            );
        },
    );
    check(&plan(), |fx| {
        let got: Vec<(String, usize)> = code_lenses(&fx.folder, &fx.file)
            .into_iter()
            .map(|(_, id, n)| (id, n))
            .collect();
        assert_eq!(
            got,
            [("DEP-001".to_string(), 0), ("DEP-005".to_string(), 1)]
        );
    });
}

//! Rename: prepare (what can be renamed) and the edits (definitions, references in every file,
//! `#anchor`s of Markdown links, `**ID**:` restatements).

use super::support::*;
use super::workspace::SOT;
use dep_ls::check::Code;
use dep_ls::ide::nav::{prepare_rename, rename};

fn prepare(fx: &Fixture) -> Result<String, String> {
    prepare_rename(&fx.folder, &fx.file, fx.offset).map(|(span, id)| {
        assert_eq!(&fx.text()[span], id, "the span is the ID's");
        id
    })
}

/// Renames, applies the edits to every file, and returns the renamed fixture.
fn renamed(fx: &Fixture, new_name: &str) -> Fixture {
    let edits = rename(&fx.folder, &fx.file, fx.offset, new_name).expect("a rename");
    fx.apply(&edits)
}

/// Every unresolved link of the workspace: (path, ID).
fn unresolved(fx: &Fixture) -> Vec<(String, String)> {
    let mut v = Vec::new();
    for (p, _) in &fx.files {
        if p.ends_with(".md") {
            for t in fx.findings_of(p, Code::UnresolvedLink) {
                v.push((p.clone(), t));
            }
        }
    }
    v
}

const WS: &str = "
//- /release/release-plan.md
# Acme Checkout v2.0 — Release Plan

The deployment procedures live in SoT/SoT.DEPLOYMENT.md; this plan sequences them.

### DEP-018: Production deployment of v2.0

**Type:** Step
**Stage:** Deploy
**Owner:** Tomás Ibarra (Release Manager)
**Description:** The ordered steps of the v2.0 production window
**Procedure:**
1. Run the database migration procedure (DEP-030)
2. Deploy checkout-api v2.0 blue-green
**Linked IDs:** [DEP-030](../SoT/SoT.DEPLOYMENT.md#dep-030), EPIC-01

| When (UTC) | Activity | Entries |
|------------|----------|---------|
| T 14:00 | Migration and blue-green deploy | DEP-018, DEP-030 |
//- /SoT/SoT.DEPLOYMENT.md
# SoT — Deployment

## DEP-030: Database migration procedure

**ID**: DEP-030
**Type**: Step
**Stage**: Deploy
**Owner**: Priya Raman (Platform Engineering)
**Description**: Apply the release's schema migrations as expand-only changes

### Related IDs

- [DEP-018](../release/release-plan.md#dep-018) - the release that runs it
- [RUN-001](SoT.RUNBOOKS.md#run-001) - rollback
";

fn ws(marked_id_occurrence: &str, with: &str) -> String {
    format!("{}{SOT}", WS.replacen(marked_id_occurrence, with, 1))
}

// =============================================================================================
// Prepare
// =============================================================================================

#[test]
fn prepare_accepts_defined_ids_anywhere_they_occur() {
    for (occurrence, marked) in [
        ("## DEP-030", "## DEP-0$030"),
        ("**ID**: DEP-030", "**ID**: DEP$0-030"),
        ("procedure (DEP-030)", "procedure ($0DEP-030)"),
        ("[DEP-030](", "[DEP-030$0]("),
        ("#dep-030), EPIC", "#dep-0$030), EPIC"),
        ("| DEP-018, DEP-030 |", "| DEP-018, DEP-030$0 |"),
    ] {
        check(&ws(occurrence, marked), |fx| {
            assert_eq!(prepare(fx), Ok("DEP-030".to_string()), "{marked}");
        });
    }
}

#[test]
fn prepare_refuses_what_is_not_a_defined_id() {
    for (occurrence, marked, why) in [
        (
            "ordered steps",
            "ordered st$0eps",
            "put the cursor on a trace ID",
        ),
        (
            "**Stage:** Deploy",
            "**Sta$0ge:** Deploy",
            "only trace IDs can be renamed",
        ),
        (
            "(Release Manager)",
            "(Release Man$0ager)",
            "put the cursor on a trace ID",
        ),
        ("EPIC-01\n", "EP$0IC-01\n", "EPIC-01 is not defined"),
    ] {
        let src = ws(occurrence, marked).replace("//- /epics/EPIC-01", "//- /epics/EPIC-01-gone");
        let src = src.replace("# EPIC-01 Checkout Redesign", "# Checkout Redesign");
        check(&src, |fx| {
            let err = prepare(fx).expect_err(marked);
            assert!(err.contains(why), "{marked}: {err}");
        });
    }
}

// =============================================================================================
// Rename
// =============================================================================================

#[test]
fn rename_everywhere() {
    check(&ws("## DEP-030", "## DEP-0$030"), |fx| {
        let before = unresolved(fx);
        let after = renamed(fx, "DEP-035");
        assert_eq!(
            after.file_text("SoT/SoT.DEPLOYMENT.md"),
            "# SoT — Deployment

## DEP-035: Database migration procedure

**ID**: DEP-035
**Type**: Step
**Stage**: Deploy
**Owner**: Priya Raman (Platform Engineering)
**Description**: Apply the release's schema migrations as expand-only changes

### Related IDs

- [DEP-018](../release/release-plan.md#dep-018) - the release that runs it
- [RUN-001](SoT.RUNBOOKS.md#run-001) - rollback

"
        );
        let plan = after.file_text("release/release-plan.md");
        assert!(plan.contains("1. Run the database migration procedure (DEP-035)\n"));
        assert!(
            plan.contains("**Linked IDs:** [DEP-035](../SoT/SoT.DEPLOYMENT.md#dep-035), EPIC-01\n")
        );
        assert!(plan.contains("| T 14:00 | Migration and blue-green deploy | DEP-018, DEP-035 |\n"));
        assert!(
            !plan.contains("DEP-030")
                && !after.file_text("SoT/SoT.DEPLOYMENT.md").contains("DEP-030")
        );
        assert_eq!(unresolved(&after), before, "no new unresolved link");
        // The new ID resolves from everywhere.
        let refs = dep_ls::ide::nav::references_of(&after.folder, "DEP-035", true);
        assert_eq!(refs.len(), 4, "{refs:?}");
    });
}

#[test]
fn rename_from_a_reference_in_another_file() {
    check(&ws("procedure (DEP-030)", "procedure (DEP-03$00)"), |fx| {
        let edits = rename(&fx.folder, &fx.file, fx.offset, "DEP-035").unwrap();
        let mut files: Vec<&str> = edits.iter().map(|e| e.path.as_str()).collect();
        files.dedup();
        assert_eq!(files, ["SoT/SoT.DEPLOYMENT.md", "release/release-plan.md"]);
        let after = fx.apply(&edits);
        assert!(after
            .file_text("SoT/SoT.DEPLOYMENT.md")
            .contains("## DEP-035: Database migration procedure\n\n**ID**: DEP-035\n"));
    });
}

#[test]
fn rename_a_range_end_and_a_table_row() {
    check(
        &format!(
            "
//- /release/release-plan.md
DEP-004: All Tests Pass in Staging
Type: Criteria
Linked IDs: EPIC-01, TEST-001 to TEST-0$010
{SOT}"
        ),
        |fx| {
            let before = unresolved(fx);
            let after = renamed(fx, "TEST-011");
            assert!(after
                .text()
                .contains("Linked IDs: EPIC-01, TEST-001 to TEST-011\n"));
            assert!(after
                .file_text("SoT/SoT.TESTING.md")
                .contains("| TEST-011 | Google Pay express button completes an order |"));
            assert_eq!(unresolved(&after), before, "no new unresolved link");
        },
    );
}

#[test]
fn rename_leaves_other_anchors_alone() {
    // `#api-0011` is no anchor of API-001.
    check(
        &format!(
            "
//- /release/release-plan.md
DEP-005: API contracts published
Type: Criteria
Linked IDs: [API-00$01](../SoT/SoT.API_CONTRACTS.md#api-0011), [API-001](../SoT/SoT.API_CONTRACTS.md#api-001)
{SOT}"
        ),
        |fx| {
            let after = renamed(fx, "API-010");
            assert!(
                after.text().contains(
                    "Linked IDs: [API-010](../SoT/SoT.API_CONTRACTS.md#api-0011), [API-010](../SoT/SoT.API_CONTRACTS.md#api-010)\n"
                ),
                "{}",
                after.text()
            );
        },
    );
}

#[test]
fn rename_to_the_same_name_changes_nothing() {
    check(&ws("## DEP-030", "## DEP-0$030"), |fx| {
        assert_eq!(
            rename(&fx.folder, &fx.file, fx.offset, "DEP-030"),
            Ok(Vec::new())
        );
        assert_eq!(
            rename(&fx.folder, &fx.file, fx.offset, " DEP-030 "),
            Ok(Vec::new())
        );
    });
}

#[test]
fn rename_trims_the_new_name() {
    check(&ws("## DEP-030", "## DEP-0$030"), |fx| {
        let after = renamed(fx, " DEP-036\n");
        assert!(after
            .text()
            .contains("## DEP-036: Database migration procedure\n"));
    });
}

#[test]
fn rename_refuses_names_that_are_not_ids() {
    for bad in [
        "DEP 031",
        "dep-031",
        "DEP-",
        "DEP-XXX",
        "DEP-031: Title",
        "DEP-031, DEP-032",
        "",
        "DEP-1234567",
    ] {
        check(&ws("## DEP-030", "## DEP-0$030"), |fx| {
            let err = rename(&fx.folder, &fx.file, fx.offset, bad).expect_err(bad);
            assert!(err.contains("is not a trace ID"), "{bad:?}: {err}");
        });
    }
}

#[test]
fn rename_refuses_unknown_prefixes() {
    check(&ws("## DEP-030", "## DEP-0$030"), |fx| {
        let err = rename(&fx.folder, &fx.file, fx.offset, "OPS-030").unwrap_err();
        assert!(
            err.contains("OPS, which is not a configured ID prefix"),
            "{err}"
        );
    });
    // … unless the configuration names them.
    check(
        &format!(
            "{}\n//- /dep-ls.toml\nprefixes = [\"OPS\"]\n",
            ws("## DEP-030", "## DEP-0$030")
        ),
        |fx| {
            let after = renamed(fx, "OPS-030");
            assert!(after
                .text()
                .contains("## OPS-030: Database migration procedure\n"));
        },
    );
}

#[test]
fn rename_refuses_ids_already_defined() {
    check(&ws("## DEP-030", "## DEP-0$030"), |fx| {
        let err = rename(&fx.folder, &fx.file, fx.offset, "DEP-018").unwrap_err();
        assert_eq!(err, "DEP-018 is already defined; pick a free ID");
    });
}

#[test]
fn rename_refuses_undefined_ids() {
    check(
        &format!("\n//- /release/release-plan.md\nDEP-004: x\nType: Criteria\nLinked IDs: API-0$099\n{SOT}"),
        |fx| {
            let err = rename(&fx.folder, &fx.file, fx.offset, "API-100").unwrap_err();
            assert!(err.contains("API-099 is not defined anywhere"), "{err}");
        },
    );
}

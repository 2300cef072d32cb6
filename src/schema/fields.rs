//! The fields of a DEP- entry: which ones each Type has (in template order), the enumerated
//! values, the guide's placeholders, the choices a snippet offers, and what each field and value
//! means (hover, completion, the VS Code extension through `schema.json`).

use super::EntryType;

/// Fields common to all Types (in template order).
pub const COMMON_FIELDS: &[&str] = &["Type", "Stage", "Description"];

/// Environment names the guide knows.
pub const ENVIRONMENT_NAMES: &[&str] = &["development", "staging", "preview", "production"];
pub const BLOCKER_VALUES: &[&str] = &["Yes", "No"];
pub const METHOD_VALUES: &[&str] = &["Manual", "Automated", "Both"];

/// Every field a DEP- entry may hold (template fields and the methodology's procedure fields).
pub const DEP_FIELDS: &[&str] = &[
    "Type",
    "Stage",
    "Description",
    "Name",
    "Infrastructure",
    "Configuration",
    "Secrets",
    "Access",
    "Requirement",
    "Verification",
    "Blocker",
    "Owner",
    "Trigger",
    "Threshold",
    "Procedure",
    "Notification",
    "Check",
    "Method",
    "Success Criteria",
    "Escalation",
    "Linked IDs",
    "Related IDs",
    "Covers",
    "ID",
    "Status",
    "Category",
    "Steps",
    "Rollback",
    "Replacement",
    "Replaced by",
    "Superseded by",
    "Prerequisites",
    "Notes",
    "Note",
    "Version",
    "Date",
    "Title",
    "Environment",
    "Priority",
];

/// Every enumerated value of every field (an unresolved choice among them is filler:
/// `Yes/No`, `Manual | Automated`).
pub const ENUM_VALUES: &[&str] = &[
    "Environment",
    "Criteria",
    "Rollback",
    "Validation",
    "Step",
    "Pre-deploy",
    "Deploy",
    "Post-deploy",
    "Yes",
    "No",
    "Manual",
    "Automated",
    "Both",
    "development",
    "staging",
    "preview",
    "production",
];

/// Keys the methodology's own DEP- templates and entries use beyond [`DEP_FIELDS`]
/// (`.claude/skills/prd-v08-release-planning/assets/dep-template.md`, its `references/examples.md`,
/// and the entry templates of `SoT/SoT.DEPLOYMENT.md`): known, so not `unknown-field`, but not
/// offered by completion.
pub const METHODOLOGY_FIELDS: &[&str] = &[
    // The DEP template's header.
    "Strategy",
    "Created",
    "Target Date",
    "Updated",
    "Last Updated",
    // Summary.
    "Summary",
    "What",
    "Why",
    "Risk Level",
    "Risk",
    "Deployment Window",
    "Estimated Duration",
    "Rollback Estimated Duration",
    // Changes included.
    "Changes Included",
    "Features",
    "Bug Fixes",
    "Infrastructure Changes",
    "Database Migrations",
    "Dependencies",
    // Pre-deployment checklist.
    "Pre-Deployment Checklist",
    "Code Quality",
    "Documentation",
    "Database",
    "Communication",
    "Rollback Plan",
    // Deployment steps.
    "Deployment Steps",
    "Actions",
    "Action",
    "Rollback Trigger",
    "If Triggered",
    "If Rollback",
    "For Blue-Green",
    "For Canary",
    "For Rolling",
    "For Feature Flag",
    "Duration",
    "Metrics to Watch",
    "Monitoring",
    "Monitoring Plan",
    // Rollback plan.
    "Trigger Conditions",
    "Decision Process",
    "Decision Makers",
    "Rollback Procedure",
    "Strategy-Specific Rollback",
    "Blue-Green",
    "Canary",
    "Rolling",
    "Feature Flag",
    "Database Migration Rollback",
    "Estimated Rollback Time",
    "Post-Rollback Actions",
    // Go/no-go, monitoring, communication, review.
    "Go Criteria",
    "No-Go Criteria",
    "Dashboards to Monitor",
    "Alerts to Watch",
    "Silenced Alerts",
    "Runbooks",
    "Communication Plan",
    "Before Deployment",
    "During Deployment",
    "After Deployment",
    "Rollback Communication",
    "Related Specifications",
    "Related Operations",
    "Related Business",
    "Post-Deployment Review",
    "Scheduled",
    "Attendees",
    "Agenda",
    "Outcomes",
    "Version History",
    // SoT.DEPLOYMENT.md's procedure, runbook and deprecation entries.
    "Purpose",
    "Reason",
    "When to Use",
    "Definition",
    "Thresholds",
];

/// Enumerated values of a field (by normalised key), if it has an enumeration.
pub fn enum_values(norm_key: &str) -> Option<&'static [&'static str]> {
    match norm_key {
        "type" => Some(&["Environment", "Criteria", "Rollback", "Validation", "Step"]),
        "stage" => Some(&["Pre-deploy", "Deploy", "Post-deploy", "Rollback"]),
        "blocker" => Some(BLOCKER_VALUES),
        "method" => Some(METHOD_VALUES),
        "name" => Some(&["development", "staging", "preview", "production"]),
        _ => None,
    }
}

/// What a field means, from the guide (for hover and completion documentation).
pub fn field_doc(norm_key: &str) -> Option<&'static str> {
    Some(match norm_key {
        "type" => "The kind of deployment item: Environment (where code runs), Criteria (what must be true to deploy), Rollback (when to revert), Validation (how to verify success) or Step.",
        "stage" => "When the item applies: Pre-deploy, Deploy, Post-deploy or Rollback.",
        "description" => "What this deployment item covers.",
        "name" => "Environment: which environment — development, staging, preview or production.",
        "infrastructure" => "Environment: cloud provider, region, resources.",
        "configuration" => "Environment: environment-specific settings (e.g. `- NODE_ENV=production`). Staging and production should set the same keys (environment drift).",
        "secrets" => "Environment: how secrets are managed (a secrets manager, never literal values).",
        "access" => "Environment: who can deploy, who can access.",
        "requirement" => "Criteria: what must be true.",
        "verification" => "Criteria: how to check this.",
        "blocker" => "Criteria: Yes or No — does failure block the deploy?",
        "owner" => "Who verifies or owns this item. Each DEP- entry has an owner (quality gate).",
        "trigger" => "Rollback: what condition initiates rollback.",
        "threshold" => "Rollback: the specific, measurable metric or condition, with a time window — e.g. `>2% of requests for 5 minutes`. Thresholds inform alerting (MON-).",
        "procedure" => "Rollback: how to execute the rollback (numbered steps). Rollback procedures become runbook inputs (RUN-).",
        "notification" => "Rollback: who to alert.",
        "check" => "Validation: what to verify post-deploy.",
        "method" => "Validation: Manual, Automated or Both.",
        "success criteria" => "Validation: the expected result.",
        "escalation" => "Validation: what happens if validation fails.",
        "linked ids" | "related ids" | "covers" => "The IDs this item traces to (EPIC-, API-, TEST-, MON-, RUN-, …): a comma-separated list, with ranges like `TEST-001 to TEST-050`.",
        "status" => "The entry's status; `Deprecated` marks the ID deprecated.",
        "replacement" | "replaced by" | "superseded by" => "The ID that replaces a deprecated entry.",
        "steps" => "The procedure's steps.",
        "rollback" => "How to undo this step.",
        "id" => "Restates the entry's own ID.",
        _ => return None,
    })
}

/// What an enumerated value means (completion documentation; a Type's description).
pub fn value_doc(norm_key: &str, v: &str) -> Option<&'static str> {
    Some(match (norm_key, v) {
        ("type", "Environment") => {
            "Where code runs: name, infrastructure, configuration, secrets, access."
        }
        ("type", "Criteria") => {
            "What must be true to deploy: requirement, verification, blocker, owner."
        }
        ("type", "Rollback") => {
            "When to revert: trigger, measurable threshold, procedure, notification."
        }
        ("type", "Validation") => {
            "How to verify success post-deploy: check, method, success criteria, escalation."
        }
        ("type", "Step") => "A deployment step.",
        ("blocker", "Yes") => "Failure blocks the deploy.",
        ("blocker", "No") => "Failure does not block the deploy.",
        _ => return None,
    })
}

/// The guide's placeholder text for a field (what an inserted template holds).
pub fn placeholder(key: &str) -> &'static str {
    match key {
        "Description" => "[What this deployment item covers]",
        "Name" => "[staging | production | preview]",
        "Infrastructure" => "[Cloud provider, region, resources]",
        "Configuration" => "[Environment-specific settings]",
        "Secrets" => "[How secrets are managed]",
        "Access" => "[Who can deploy, who can access]",
        "Requirement" => "[What must be true]",
        "Verification" => "[How to check this]",
        "Blocker" => "[Yes | No]",
        "Owner" => "[Who verifies]",
        "Trigger" => "[What condition initiates rollback]",
        "Threshold" => "[Specific metric or condition]",
        "Procedure" => "[How to execute rollback]",
        "Notification" => "[Who to alert]",
        "Check" => "[What to verify post-deploy]",
        "Method" => "[Manual | Automated | Both]",
        "Success Criteria" => "[Expected result]",
        "Escalation" => "[What if validation fails]",
        "Linked IDs" => "[EPIC-XXX, API-XXX, TEST-XXX related]",
        "Type" => "[Environment | Criteria | Rollback | Validation | Step]",
        "Stage" => "[Pre-deploy | Deploy | Post-deploy | Rollback]",
        _ => "[value]",
    }
}

/// The choices a snippet offers for a field (`${1|Yes,No|}`), in the order offered; the
/// most common first, so not always the order of [`enum_values`].
pub fn snippet_choices(key: &str) -> Option<&'static [&'static str]> {
    match key {
        "Type" => Some(&["Environment", "Criteria", "Rollback", "Validation", "Step"]),
        "Stage" => Some(&["Pre-deploy", "Deploy", "Post-deploy", "Rollback"]),
        "Name" => Some(&["staging", "production", "preview", "development"]),
        "Blocker" => Some(&["Yes", "No"]),
        "Method" => Some(&["Automated", "Manual", "Both"]),
        _ => None,
    }
}

/// The fields of an entry of a Type in template order: the common ones, the Type's own, Owner,
/// Linked IDs. Without a Type (one the guide does not know): the common ones, Owner, Linked IDs.
pub fn fields_of(ty: Option<EntryType>) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = COMMON_FIELDS.to_vec();
    if let Some(t) = ty {
        v.extend(t.required_fields());
    }
    if !v.contains(&"Owner") {
        v.push("Owner");
    }
    v.push("Linked IDs");
    v
}

/// The fields of a Type in template order (common, type-specific, Owner, Linked IDs).
pub fn template_fields(ty: EntryType) -> Vec<&'static str> {
    fields_of(Some(ty))
}

/// Does the check report an entry of this Type without the field (`missing-field`,
/// `missing-owner`, `missing-threshold`)? Every template field but `Linked IDs`, whose absence
/// only the traceability checks of Criteria and Rollback report.
pub fn is_required(ty: EntryType, key: &str) -> bool {
    COMMON_FIELDS.contains(&key) || key == "Owner" || ty.required_fields().contains(&key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Stage;

    const ENUMERATED: [&str; 5] = ["type", "stage", "blocker", "method", "name"];

    /// The lists that repeat one another agree: `ENUM_VALUES` is every enumeration, the Type and
    /// Stage enumerations are their names, a snippet offers the enumeration's values.
    #[test]
    fn the_schema_agrees_with_itself() {
        let mut all: Vec<&str> = Vec::new();
        for k in ENUMERATED {
            for v in enum_values(k).expect(k) {
                if !all.contains(v) {
                    all.push(v);
                }
            }
        }
        assert_eq!(all, ENUM_VALUES);
        let types: Vec<&str> = EntryType::ALL.iter().map(|t| t.name()).collect();
        assert_eq!(enum_values("type"), Some(&types[..]));
        let stages: Vec<&str> = Stage::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(enum_values("stage"), Some(&stages[..]));
        for key in ["Type", "Stage", "Blocker", "Method", "Name"] {
            let mut choices = snippet_choices(key).expect(key).to_vec();
            let mut values = enum_values(&key.to_ascii_lowercase()).expect(key).to_vec();
            choices.sort_unstable();
            values.sort_unstable();
            assert_eq!(choices, values, "{key}");
        }
    }

    /// Every template field is a known field with documentation and a placeholder of its own.
    #[test]
    fn template_fields_are_documented() {
        for ty in EntryType::ALL {
            for k in template_fields(ty) {
                assert!(DEP_FIELDS.contains(&k), "{k}");
                assert!(field_doc(&k.to_ascii_lowercase()).is_some(), "{k}");
                assert_ne!(placeholder(k), "[value]", "{k}");
            }
            assert!(value_doc("type", ty.name()).is_some(), "{}", ty.name());
        }
    }
}

//! What the release-planning guide says a DEP- entry holds: its Types, Stages, the fields of each
//! Type (in template order), enumerated values, and what each field means. Shared by the checks,
//! and by completion and hover in the language server.

/// A DEP- entry Type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryType {
    Environment,
    Criteria,
    Rollback,
    Validation,
    Step,
}

impl EntryType {
    pub const ALL: [EntryType; 5] = [
        EntryType::Environment,
        EntryType::Criteria,
        EntryType::Rollback,
        EntryType::Validation,
        EntryType::Step,
    ];

    pub fn name(self) -> &'static str {
        match self {
            EntryType::Environment => "Environment",
            EntryType::Criteria => "Criteria",
            EntryType::Rollback => "Rollback",
            EntryType::Validation => "Validation",
            EntryType::Step => "Step",
        }
    }

    /// Case-insensitive.
    pub fn parse(s: &str) -> Option<EntryType> {
        let s = value_head(s);
        Self::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(s))
    }

    /// Type-specific required fields, in the template's order.
    pub fn required_fields(self) -> &'static [&'static str] {
        match self {
            EntryType::Environment => &[
                "Name",
                "Infrastructure",
                "Configuration",
                "Secrets",
                "Access",
            ],
            EntryType::Criteria => &["Requirement", "Verification", "Blocker", "Owner"],
            EntryType::Rollback => &["Trigger", "Threshold", "Procedure", "Notification"],
            EntryType::Validation => &["Check", "Method", "Success Criteria", "Escalation"],
            EntryType::Step => &[],
        }
    }

    /// Stages that are typical for the Type (others get a `stage-mismatch` hint).
    pub fn typical_stages(self) -> &'static [Stage] {
        match self {
            EntryType::Environment | EntryType::Criteria => &[Stage::PreDeploy],
            EntryType::Rollback => &[Stage::PostDeploy, Stage::Rollback],
            EntryType::Validation => &[Stage::PostDeploy],
            EntryType::Step => &[
                Stage::PreDeploy,
                Stage::Deploy,
                Stage::PostDeploy,
                Stage::Rollback,
            ],
        }
    }
}

/// A deployment Stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    PreDeploy,
    Deploy,
    PostDeploy,
    Rollback,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::PreDeploy,
        Stage::Deploy,
        Stage::PostDeploy,
        Stage::Rollback,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stage::PreDeploy => "Pre-deploy",
            Stage::Deploy => "Deploy",
            Stage::PostDeploy => "Post-deploy",
            Stage::Rollback => "Rollback",
        }
    }

    /// Case-insensitive; `Pre-Deploy`, `pre deploy` and `predeploy` are accepted.
    pub fn parse(s: &str) -> Option<Stage> {
        let norm: String = value_head(s)
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        Self::ALL.into_iter().find(|st| {
            st.name()
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
                .eq_ignore_ascii_case(&norm)
        })
    }
}

/// The enumerated part of a value, without a trailing remark: `Automated (Playwright suite)`,
/// `Yes — failure blocks the deploy`, `production, us-east-1`, `Post-deploy; canary only`.
/// The kinds of deployment of the methodology's own DEP- template (v0.8 release planning,
/// `dep-template.md`: `**Type**: [Release | Hotfix | Rollback | Migration]`, with `Strategy`,
/// `Environment`, `Target Date`). An entry with one of these Types (its `Rollback` is the guide's
/// Type too) is a *deployment record*, not an entry of the guide's five Types.
pub const DEPLOYMENT_KINDS: &[&str] = &["Release", "Hotfix", "Migration"];

/// Is `value` (a `Type:` value) one of [`DEPLOYMENT_KINDS`]?
pub fn is_deployment_kind(value: &str) -> bool {
    let head = value_head(value);
    DEPLOYMENT_KINDS
        .iter()
        .any(|k| k.eq_ignore_ascii_case(head))
}

pub fn value_head(value: &str) -> &str {
    // The earliest of the separators ` (`, `(`, `,`, `;`, ` — `, ` – `, ` - `, ` —`, ` –`:
    // `(`, `,`, `;` anywhere, a dash only after a space (and `-` also before one).
    let v = value.trim();
    let b = v.as_bytes();
    let mut cut = v.len();
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'(' | b',' | b';' => {
                // ` (` starts one byte earlier than `(`.
                cut = if i > 0 && b[i - 1] == b' ' { i - 1 } else { i };
                break;
            }
            b' ' => {
                let rest = &v[i + 1..];
                if rest.starts_with('—') || rest.starts_with('–') || rest.starts_with("- ") {
                    cut = i;
                    break;
                }
            }
            _ => {}
        }
    }
    v[..cut].trim()
}

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

#[cfg(test)]
mod tests {
    use super::value_head;

    /// The definition: the text before the earliest of the separators.
    fn reference(value: &str) -> &str {
        let v = value.trim();
        let cut = [" (", "(", ",", ";", " — ", " – ", " - ", " —", " –"]
            .iter()
            .filter_map(|sep| v.find(sep))
            .min()
            .unwrap_or(v.len());
        v[..cut].trim()
    }

    #[test]
    fn value_head_matches_its_definition() {
        let samples = [
            "Automated (Playwright suite)",
            "Automated(x)",
            "Yes — failure blocks the deploy",
            "Yes —blocks",
            "No – soft",
            "No –soft",
            "production, us-east-1",
            "Post-deploy; canary only",
            "Pre-deploy - gate",
            "Pre-deploy -gate",
            "  spaced  ",
            "(leading",
            " ,x",
            "a — b (c), d",
            "部署 — 🚀 (x)",
            "",
            "-",
            " - ",
            "x -",
        ];
        for s in samples {
            assert_eq!(value_head(s), reference(s), "{s:?}");
        }
    }
}

//! The one home of the DEP- schema: what the release-planning guide says a DEP- entry holds.
//! Its Types and Stages (here), the fields of each Type in template order, enumerated values,
//! placeholders and what each field means (`fields`), the text a new entry gets (`template`),
//! and all of it as JSON (`json`: `editors/code/src/schema.json`, which the VS Code extension
//! builds its templates and snippets from). Read by the checks, by completion, hover and code
//! actions; nothing else holds a copy.

mod fields;
mod json;
mod template;

pub use fields::*;
pub use json::{to_json, to_json_text};
pub use template::*;

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

/// The enumerated part of a value, without a trailing remark: `Automated (Playwright suite)`,
/// `Yes — failure blocks the deploy`, `production, us-east-1`, `Post-deploy; canary only`.
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

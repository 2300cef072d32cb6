//! The finding codes (spec §5) and their severities: a leaf, so that the configuration (which
//! names codes and severities) and the checks (which produce them) both depend on it and not on
//! each other. `check` re-exports both.

use serde::{Deserialize, Serialize};

/// Severity of a finding (the LSP's four levels).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

macro_rules! codes {
    ($( $variant:ident = $name:literal, $sev:ident, $doc:literal; )*) => {
        /// The finding codes of the spec (§5). Names are stable.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( #[doc = $doc] $variant, )* }

        impl Code {
            /// Every code, in the spec's order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The stable kebab-case name.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $name, )* }
            }

            /// The default severity (for `missing-owner` and `unresolved-link`, the stronger
            /// case: the checks lower it where the spec says so).
            pub fn default_severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$sev, )* }
            }

            /// One-line description.
            pub fn describe(self) -> &'static str {
                match self { $( Code::$variant => $doc, )* }
            }

            pub fn from_name(name: &str) -> Option<Code> {
                match name { $( $name => Some(Code::$variant), )* _ => None }
            }
        }
    };
}

codes! {
    MissingOwner = "missing-owner", Error, "No `Owner:` (error on Criteria, warning on other types).";
    MissingThreshold = "missing-threshold", Error, "Rollback entry without `Threshold:`.";
    UnmeasurableThreshold = "unmeasurable-threshold", Error, "A `Threshold:` with no number, comparator or unit.";
    ThresholdWithoutWindow = "threshold-without-window", Hint, "Measurable threshold without a time window.";
    UnresolvedLink = "unresolved-link", Error, "An ID or range end in `Linked IDs` that is defined nowhere (hint for IDs in prose).";
    RangeGap = "range-gap", Warning, "IDs missing inside a resolved range.";
    InvalidRange = "invalid-range", Error, "A range with mixed prefixes or start > end.";
    DuplicateId = "duplicate-id", Error, "An ID defined more than once.";
    MissingField = "missing-field", Warning, "A required field of the entry's Type is absent (or `Type` itself).";
    InvalidValue = "invalid-value", Error, "A value outside its enumeration.";
    UnknownField = "unknown-field", Warning, "A key no type knows.";
    TemplatePlaceholder = "template-placeholder", Warning, "A template placeholder left in a value, or an ID like `DEP-XXX`.";
    PlaintextSecret = "plaintext-secret", Error, "A literal secret in a value.";
    UntracedCriteria = "untraced-criteria", Warning, "Criteria linking no EPIC-, TEST- or API- ID.";
    UnknownPrefix = "unknown-prefix", Warning, "An ID-shaped token in `Linked IDs` whose prefix is not configured.";
    StageMismatch = "stage-mismatch", Hint, "Unusual Stage for the Type.";
    DeprecatedLink = "deprecated-link", Hint, "A link to a deprecated ID.";
    BrokenLink = "broken-link", Warning, "A Markdown link around an ID whose path names no file in the workspace.";
    RollbackUnlinked = "rollback-unlinked", Hint, "Rollback linking no MON- and no RUN- ID.";
    NoValidation = "no-validation", Warning, "The plan has no Validation entry.";
    NoRollback = "no-rollback", Warning, "The plan has no Rollback entry.";
    NoCriteria = "no-criteria", Warning, "The plan has no Criteria entry.";
    MissingEnvironment = "missing-environment", Warning, "The plan lacks a staging or a production Environment.";
    EnvironmentDrift = "environment-drift", Warning, "Staging and production differ: `Configuration` keys, or the database engine, platform, cloud or secrets mechanism.";
    ManualValidation = "manual-validation", Warning, "Every Validation entry of the plan is `Method: Manual` (\"manual everything\").";
    BigBangRelease = "big-bang-release", Hint, "The plan deploys, and no DEP- entry stages the rollout (\"big bang\").";
    UnknownSuppression = "unknown-suppression", Warning, "A code in a `<!-- dep-ls-disable… -->` comment that names no finding code.";
    UnreadLine = "unread-line", Hint, "A line that looks like an entry or a field but is not read as one.";
    InternalError = "internal-error", Error, "dep-ls failed on this file (a bug): its other findings are missing.";
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

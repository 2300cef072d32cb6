//! Inline suppressions in the editor (issue 14): the "Ignore CODE on this line" quick fix
//! inserts `<!-- dep-ls-disable-next-line CODE -->` above the finding's line with its
//! indentation, and the folder's diagnostics (the server's) honour suppressions as `check` does,
//! for a file on disk and for an open buffer alike.

use super::support::*;
use dep_ls::check::Code;
use dep_ls::ide::actions::{code_actions, Action, ActionKind};

const PLAN: &str = "
//- /release/plan.md
# Plan

DEP-001: Staging
Type: Environment
Stage: Pre-deploy
Description: Staging
Name: staging
Infrastructure: AWS
Configuration:
  - NODE_ENV=staging
  - STRIPE_KEY=$0sk_live_51HcXyZabcdefghijklmnopqrstuv
Secrets: Vault
Access: Ops
Owner: Ops
Colour: blue
";

fn ignore_action(fx: &Fixture, code: Code) -> Option<Action> {
    code_actions(&fx.folder, &fx.file, fx.selection.clone())
        .into_iter()
        .find(|a| a.title == format!("Ignore {} on this line", code.as_str()))
}

#[test]
fn ignore_quick_fix_inserts_a_next_line_comment_with_the_indentation() {
    check(PLAN, |fx| {
        let rel = "release/plan.md";
        assert_eq!(fx.findings_of(rel, Code::PlaintextSecret).len(), 1);
        let a = ignore_action(fx, Code::PlaintextSecret).expect("the ignore quick fix");
        assert_eq!(a.kind, ActionKind::QuickFix);
        assert!(!a.preferred, "the real fixes come first");
        assert_eq!(a.edits.len(), 1);
        let at = fx.nth(rel, "  - STRIPE_KEY", 0);
        assert_eq!(a.edits[0].span, at..at);
        assert_eq!(
            a.edits[0].new_text,
            "  <!-- dep-ls-disable-next-line plaintext-secret -->\n"
        );
        let after = fx.apply(&a.edits);
        assert!(after.findings_of(rel, Code::PlaintextSecret).is_empty());
        // Nothing else changed: the configuration is read the same, the other findings stay.
        let before: Vec<Code> = fx
            .diagnostics(rel)
            .iter()
            .map(|f| f.code)
            .filter(|c| *c != Code::PlaintextSecret)
            .collect();
        let now: Vec<Code> = after.diagnostics(rel).iter().map(|f| f.code).collect();
        assert_eq!(before, now);
        assert!(after.file_text(rel).contains(
            "Configuration:\n  - NODE_ENV=staging\n  <!-- dep-ls-disable-next-line plaintext-secret -->\n  - STRIPE_KEY="
        ));
    });
}

#[test]
fn ignore_quick_fix_on_an_unindented_line_and_in_crlf() {
    let src = PLAN
        .replace("$0sk_live", "sk_live")
        .replace("Colour", "$0Colour");
    check(&src, |fx| {
        let a = ignore_action(fx, Code::UnknownField).expect("ignore unknown-field");
        assert_eq!(
            a.edits[0].new_text,
            "<!-- dep-ls-disable-next-line unknown-field -->\n"
        );
        let after = fx.apply(&a.edits);
        assert!(after
            .findings_of("release/plan.md", Code::UnknownField)
            .is_empty());
    });
    let crlf = src
        .replace("\n", "\r\n")
        .replace("\r\n//- /release/plan.md\r\n", "\n//- /release/plan.md\n");
    check(&crlf, |fx| {
        let a = ignore_action(fx, Code::UnknownField).expect("ignore unknown-field");
        assert!(
            a.edits[0].new_text.ends_with("-->\r\n"),
            "{:?}",
            a.edits[0].new_text
        );
    });
}

#[test]
fn no_ignore_fix_for_unknown_suppressions() {
    let src = "
//- /release/plan.md
<!-- dep-ls-disable-next-line $0no-such-code -->
DEP-001: Step
Type: Step
Owner: Ops
";
    check(src, |fx| {
        assert_eq!(
            fx.findings_of("release/plan.md", Code::UnknownSuppression),
            ["no-such-code"]
        );
        assert!(ignore_action(fx, Code::UnknownSuppression).is_none());
    });
}

#[test]
fn diagnostics_honour_every_directive_on_disk_and_open() {
    let src = "
//- /release/plan.md
<!-- dep-ls-disable-file no-rollback -->
<!-- dep-ls-disable-next-line missing-owner -->
$0DEP-001: Step
Type: Step
<!-- dep-ls-disable unknown-field -->
Colour: blue
<!-- dep-ls-enable unknown-field -->
Flavour: vanilla
";
    check(src, |fx| {
        let rel = "release/plan.md";
        let codes: Vec<Code> = fx.diagnostics(rel).iter().map(|f| f.code).collect();
        assert!(!codes.contains(&Code::NoRollback), "{codes:?}");
        assert!(!codes.contains(&Code::MissingOwner), "{codes:?}");
        assert_eq!(fx.findings_of(rel, Code::UnknownField), ["Flavour"]);
        // Plan-level findings not named stay.
        assert!(codes.contains(&Code::NoValidation), "{codes:?}");
    });
}

//! Inline suppressions applied to findings: the one place both `dep-ls check`
//! ([`super::check_all`]) and the language server (`Workspace::diagnostics`) filter a file's
//! findings through its `<!-- dep-ls-disable… -->` comments ([`crate::syntax::suppress`]), and
//! report the codes in them that name no finding (`unknown-suppression`).

use super::{Code, Finding, Severity};
use crate::config::Config;
use crate::syntax::suppress::{Directive, DirectiveKind};
use crate::syntax::ParsedDoc;

/// Is a finding of `code` starting at `offset` suppressed by these directives (in document
/// order)?
pub fn suppressed(directives: &[Directive], code: &str, offset: usize) -> bool {
    let mut disabled = false;
    for d in directives {
        match d.kind {
            DirectiveKind::File if d.covers(code) => return true,
            DirectiveKind::NextLine
                if d.target.start <= offset && offset <= d.target.end && d.covers(code) =>
            {
                return true
            }
            DirectiveKind::Disable if d.line.start < offset && d.covers(code) => disabled = true,
            DirectiveKind::Enable if d.line.start < offset && d.covers(code) => disabled = false,
            _ => {}
        }
    }
    disabled
}

/// Removes the findings of `path` its suppressions cover and adds an `unknown-suppression`
/// warning per code in them that names no finding code. Findings of other files are left alone.
pub fn apply(path: &str, doc: &ParsedDoc, findings: &mut Vec<Finding>, config: &Config) {
    let ds = &doc.suppressions;
    if ds.is_empty() {
        return;
    }
    findings.retain(|f| f.path != path || !suppressed(ds, f.code.as_str(), f.span.start));
    findings.extend(unknown_codes(path, doc, config));
}

/// [`apply`] over the findings of many files at once: `docs` gives the document of each path
/// that has suppressions.
pub fn apply_many(
    docs: &foldhash::HashMap<&str, &ParsedDoc>,
    findings: &mut Vec<Finding>,
    config: &Config,
) {
    if docs.is_empty() {
        return;
    }
    findings.retain(|f| {
        docs.get(f.path.as_str())
            .is_none_or(|d| !suppressed(&d.suppressions, f.code.as_str(), f.span.start))
    });
    for (path, doc) in docs {
        findings.extend(unknown_codes(path, doc, config));
    }
}

/// An `unknown-suppression` warning per code in the file's suppressions that names no code.
fn unknown_codes(path: &str, doc: &ParsedDoc, config: &Config) -> Vec<Finding> {
    let mut findings = Vec::new();
    let Some(severity) = config.severity(Code::UnknownSuppression, Severity::Warning) else {
        return findings;
    };
    for d in &doc.suppressions {
        for (code, span) in &d.codes {
            if Code::from_name(code).is_some() {
                continue;
            }
            // Did-you-mean on code-sized tokens only (the work stays bounded).
            let close = Code::ALL
                .iter()
                .filter(|_| code.len() <= 40)
                .map(|c| (strsim::levenshtein(c.as_str(), code), c.as_str()))
                .min()
                .filter(|(dist, _)| *dist <= 3)
                .map(|(_, c)| format!(" — did you mean `{c}`?"))
                .unwrap_or_default();
            let shown: String = code.chars().take(60).collect();
            findings.push(Finding {
                code: Code::UnknownSuppression,
                severity,
                message: format!(
                    "`{shown}` is not a dep-ls finding code: this suppression hides nothing for it{close}"
                ),
                path: path.to_string(),
                span: span.clone(),
                id: None,
                related: Vec::new(),
                fix: None,
            });
        }
    }
    findings
}

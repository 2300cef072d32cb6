//! `unread-line` notes: a line that starts with an ID in a spelling that opens no entry
//! (`Candidate`), reported when a DEP- field follows it, and the keys only a DEP- entry holds.

use super::{raw_prefix, sub, Builder};
use crate::syntax::ids::RawId;
use crate::syntax::{Note, Span, Str};

/// Keys that only a DEP- entry holds: a line with one of them outside every entry was most
/// likely meant for the entry above (`unread-line`).
pub(super) const DEP_ONLY_KEYS: &[&str] = &[
    "type",
    "stage",
    "linked ids",
    "infrastructure",
    "configuration",
    "secrets",
    "requirement",
    "verification",
    "blocker",
    "trigger",
    "threshold",
    "procedure",
    "notification",
    "method",
    "success criteria",
    "escalation",
];

/// A line that starts with an ID in a spelling that opens no entry.
#[derive(Clone, Debug)]
pub(super) struct Candidate {
    /// The line's content.
    pub(super) line: Span,
    id: Span,
    dep: bool,
}

impl Builder<'_> {
    /// An `unread-line` note on `span`.
    pub(super) fn note(&mut self, span: Span, message: String) {
        self.doc.notes.push(Note {
            span,
            message: Str::from(message),
        });
    }

    /// A line that starts with a known ID but opened no entry (for the `unread-line` note
    /// when a DEP- field follows). Cheap: the message is written only if the note is given.
    pub(super) fn unread_definition(
        &self,
        line: &str,
        start: usize,
        ib: usize,
        ids: &[RawId],
    ) -> Option<Candidate> {
        let raw = ids.first()?;
        if raw.link.is_some() || raw.placeholder || !self.known(raw) {
            return None;
        }
        let lead = sub(line, ib..(raw.span.start.checked_sub(start)?).max(ib));
        let lead_ok = lead
            .trim_matches(|c: char| c == '*' || c == '_' || c == ' ' || c == '\t')
            .trim_end_matches(['.', ')'])
            .bytes()
            .all(|c| c.is_ascii_digit() || c == b'-' || c == b'+');
        if !lead_ok {
            return None;
        }
        Some(Candidate {
            line: start + ib..start + line.trim_end().len(),
            id: raw.span.clone(),
            dep: raw_prefix(self.text, raw) == "DEP",
        })
    }

    /// The `unread-line` message of a candidate: the line and the spelling that would work.
    pub(super) fn unread_message(&self, c: &Candidate) -> String {
        let id = sub(self.text, c.id.clone());
        let title = sub(self.text, c.id.end..c.line.end.max(c.id.end))
            .trim_matches(|c: char| c == '*' || c == '_' || c.is_whitespace())
            .trim_start_matches([':', '-', '–', '—', '|'])
            .trim();
        let title = if title.is_empty() { "Title" } else { title };
        let hint = if c.dep {
            format!("write it as `{id}: {title}` or `## {id}: {title}`")
        } else {
            format!("write it as a heading, `## {id}: {title}`, or as `{id}: {title}` on a line of its own")
        };
        let shown: String = sub(self.text, c.line.clone()).chars().take(60).collect();
        format!("`{shown}` is not read as an entry, so the fields below it are not checked as its own — {hint}")
    }
}

//! Template placeholders (`[What must be true]`, `{Procedure Name}`, `YYYY-MM-DD`) and filler:
//! text that stands where a value should be (`TBD`, `N/A`, `???`, `Yes/No`, "we'll figure it
//! out"), with its kind and a label for messages; `is_missing_owner` for the owner checks and
//! the report's owner gate.

use crate::syntax::Span;

/// `FEA-112`, `BR-FEA-001`: an ID with a number (not a template's `FEA-XXX`).
fn is_numbered_id(s: &str) -> bool {
    let Some((prefix, number)) = s.rsplit_once('-') else {
        return false;
    };
    !prefix.is_empty()
        && prefix.starts_with(|c: char| c.is_ascii_uppercase())
        && prefix
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'-')
        && (1..=6).contains(&number.len())
        && number.bytes().all(|c| c.is_ascii_digit())
}

/// Template placeholders in a value: `[What must be true]`, `[staging | production]`,
/// `{Procedure Name}`, `YYYY-MM-DD`, `TBD`-free. Returns byte spans relative to `value`.
pub fn placeholders(value: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let b = value.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'`' => {
                // Skip code spans.
                match value[i + 1..].find('`') {
                    Some(p) => i = i + 2 + p,
                    None => i += 1,
                }
            }
            b'{' if b.get(i + 1) == Some(&b'{') => {
                // `{{ vault "secret/db" }}`: template syntax, not a placeholder.
                match value[i + 2..].find("}}") {
                    Some(p) => i = i + 4 + p,
                    None => i += 2,
                }
            }
            open @ (b'[' | b'{') => {
                let close = if open == b'[' { ']' } else { '}' };
                let Some(p) = value[i + 1..].find(close) else {
                    i += 1;
                    continue;
                };
                let end = i + 1 + p;
                let inner = &value[i + 1..end];
                let next = b.get(end + 1).copied();
                let is_link = open == b'[' && matches!(next, Some(b'(') | Some(b'['));
                let is_checkbox = matches!(inner, " " | "x" | "X" | "");
                let is_env_ref = open == b'{' && i > 0 && b[i - 1] == b'$';
                let wordy = inner.chars().any(|c| c.is_alphabetic()) && !inner.contains('[');
                // `[FEA-112]: Dark mode` names a real ID (a shortcut reference), no blank to fill.
                let is_id = open == b'[' && is_numbered_id(inner);
                // `"Rolling back, reason: [X]"`: a message to send, filled in when it is sent.
                let quoted = value[..i].matches('"').count() % 2 == 1 && value[end..].contains('"');
                if !is_link
                    && !is_checkbox
                    && !is_env_ref
                    && !is_id
                    && !quoted
                    && wordy
                    && !inner.contains("](")
                {
                    out.push(i..end + 1);
                }
                i = end + 1;
            }
            b'Y' if value[i..].starts_with("YYYY-MM-DD") => {
                out.push(i..i + 10);
                i += 10;
            }
            _ => i += 1,
        }
    }
    out
}

/// Filler found in a value: where it is (relative to the value: the value's text without its
/// surrounding blanks) and what kind it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filler {
    pub span: Span,
    pub kind: FillerKind,
}

/// The kinds of [`Filler`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FillerKind {
    /// `TBD`, `TODO`, `???`, `Unassigned`, "to be decided", "we'll figure it out", "later".
    Undecided,
    /// `N/A`, `-`, `—`: a blank written as a value.
    Blank,
    /// An enumeration's options left unresolved: `Yes/No`, `Manual | Automated`.
    Choice,
    /// The whole value is a template placeholder: `[Name/Team]`, `{value}`.
    Template,
}

/// Is the value filler rather than a value? (`TBD`, `TBC`, `TODO`, `TBA`, `N/A`, `???`, `-`,
/// `Unassigned`, `Unknown`, "to be decided", `Yes/No`, `[Manual | Automated]`, `{value}`,
/// "we'll figure it out", "later", "somehow" and their kin — the whole value, ignoring case and
/// surrounding `*`, `_`, backticks, quotes and brackets.) A real value that merely contains such
/// a word ("Block on TBD tickets closed") is not filler.
pub fn filler(value: &str) -> bool {
    filler_in(value).is_some()
}

/// The same as [`filler`].
pub fn is_filler(value: &str) -> bool {
    filler(value)
}

/// Does the value name no owner: filler, or `None`, `Nobody`, `No one`?
pub fn is_missing_owner(value: &str) -> bool {
    if value.trim().is_empty() || filler(value) {
        return true;
    }
    let (_, core) = strip_decoration(value.trim());
    let l = core.to_ascii_lowercase();
    matches!(
        l.trim_end_matches(['.', '!']),
        "none" | "nobody" | "no one" | "noone" | "no owner" | "nil" | "null"
    )
}

/// Where and what filler the value is, if it is filler (see [`filler`]).
pub fn filler_in(value: &str) -> Option<Filler> {
    let trimmed = value.trim();
    if trimmed.is_empty() || trimmed.len() > 200 {
        return None;
    }
    let lead = value.len() - value.trim_start().len();
    let whole = lead..lead + trimmed.len();
    let hit = |kind| {
        Some(Filler {
            span: whole.clone(),
            kind,
        })
    };
    // `[Name/Team]`, `{value}`, `YYYY-MM-DD`: one template placeholder is the whole value.
    if trimmed.starts_with(['[', '{', 'Y']) {
        let p = placeholders(trimmed);
        if p.len() == 1 && p[0] == (0..trimmed.len()) {
            return hit(FillerKind::Template);
        }
    }
    let (_, core) = strip_decoration(trimmed);
    if core.is_empty() {
        // `**`, `[]`, `""`: decoration and nothing else.
        return None;
    }
    // Every filler form is a few words before any remark: a longer head is a value. (This runs
    // on every field of every entry; most values end here.)
    if head_of(core).len() > MAX_FILLER_HEAD {
        return None;
    }
    if core.chars().all(|c| c == '?') {
        return hit(FillerKind::Undecided);
    }
    if core
        .chars()
        .all(|c| matches!(c, '-' | '—' | '–' | '.' | '…' | '_'))
        && core.chars().count() <= 3
    {
        return hit(FillerKind::Blank);
    }
    let norm = normalize_words(core);
    let n = norm.trim_end_matches(['.', '!', '?', ':']).trim_end();
    if BLANK.contains(&n) {
        return hit(FillerKind::Blank);
    }
    if is_undecided(n) {
        return hit(FillerKind::Undecided);
    }
    // `TBD (ask Ops)`, `TODO: write the steps`, `Unknown — waiting on the vendor`: undecided
    // words lead, a remark follows.
    let head = head_of(n);
    if head.len() < n.len() && UNDECIDED.contains(&strip_decoration(head).1) {
        return hit(FillerKind::Undecided);
    }
    // `TBD by Ops`, `TBD after the review`.
    if let Some((first, rest)) = n.split_once(' ') {
        if matches!(first, "tbd" | "tbc" | "tba" | "todo")
            && rest.split(' ').next().is_some_and(|w| {
                matches!(
                    w,
                    "by" | "after" | "before" | "once" | "when" | "until" | "pending" | "later"
                )
            })
        {
            return hit(FillerKind::Undecided);
        }
    }
    // `Yes/No`, and the template's `Yes / No — does failure block the deploy?`.
    if is_choice(core) || is_choice(strip_decoration(head_of(core)).1) {
        return hit(FillerKind::Choice);
    }
    None
}

/// A short label for messages: `TBD`, `N/A`, `an unresolved choice`, … — the value itself when
/// it is short.
pub fn filler_label(value: &str, f: &Filler) -> String {
    let text = value.get(f.span.clone()).unwrap_or("").trim();
    match f.kind {
        FillerKind::Choice => format!("the unresolved choice \"{}\"", clip(text, 40)),
        FillerKind::Template => format!("the template placeholder {}", clip(text, 40)),
        _ => format!("\"{}\"", clip(text, 40)),
    }
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}

/// Without surrounding `*`, `_`, backticks, quotes and brackets: (bytes cut at the start, core).
fn strip_decoration(s: &str) -> (usize, &str) {
    const DECO: &[char] = &[
        '*', '_', '`', '"', '\'', '“', '”', '‘', '’', '[', ']', '(', ')', '{', '}', '<', '>', ' ',
        '\t', '~',
    ];
    let t = s.trim_start_matches(DECO);
    let cut = s.len() - t.len();
    (cut, t.trim_end_matches(DECO))
}

/// Lowercase, single spaces, straight apostrophes.
fn normalize_words(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in w.chars() {
            match c {
                '’' | '‘' | '`' => out.push('\''),
                c => out.extend(c.to_lowercase()),
            }
        }
    }
    out
}

/// The words before a remark: before ` (`, `:`, `,`, `;`, ` - `, ` — `, ` – `.
fn head_of(n: &str) -> &str {
    // One pass for the earliest separator (eight substring searches cost more than the rest of
    // the filler test).
    let b = n.as_bytes();
    let mut cut = n.len();
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'(' => {
                cut = if i > 0 && b[i - 1] == b' ' { i - 1 } else { i };
                break;
            }
            b':' | b',' | b';' => {
                cut = i;
                break;
            }
            b' ' => {
                let r = &n[i..];
                if r.starts_with(" - ") || r.starts_with(" — ") || r.starts_with(" – ") {
                    cut = i;
                    break;
                }
            }
            _ => {}
        }
    }
    n[..cut].trim()
}

/// The longest head (the words before a remark) a filler value has: `we’ll figure it out
/// later`, `[Staging | Production | Canary | All]`.
const MAX_FILLER_HEAD: usize = 64;

/// Blanks written as a value (whole value only: `N/A (not yet deployed)` is an answer).
const BLANK: &[&str] = &["n/a", "na", "n.a", "n. a", "not applicable", "nil"];

/// Undecided values (whole value, or the head before a remark).
const UNDECIDED: &[&str] = &[
    "tbd",
    "tbc",
    "tba",
    "tbdl",
    "todo",
    "to do",
    "to-do",
    "tk",
    "fixme",
    "xxx",
    "placeholder",
    "unassigned",
    "not assigned",
    "not yet assigned",
    "unknown",
    "unclear",
    "undecided",
    "undetermined",
    "unspecified",
    "not specified",
    "not decided",
    "not yet decided",
    "not defined",
    "not yet defined",
    "not set",
    "not yet",
    "none yet",
    "nobody yet",
    "no one yet",
    "no owner yet",
    "to be decided",
    "to be determined",
    "to be defined",
    "to be confirmed",
    "to be announced",
    "to be assigned",
    "to be added",
    "to be written",
    "to be done",
    "to follow",
    "pending decision",
    "coming soon",
    "fill in",
    "fill me in",
    "later",
    "somehow",
    "someday",
    "eventually",
    "someone",
    "somebody",
    "whoever",
    "anyone",
];

/// Undecided, including "we'll figure it out (later)" and kin: a subject, a vague action and
/// nothing but a vague tail.
fn is_undecided(n: &str) -> bool {
    if UNDECIDED.contains(&n) {
        return true;
    }
    let mut rest = n;
    for subject in [
        "we'll ",
        "we will ",
        "we'd ",
        "we can ",
        "we should ",
        "will ",
        "i'll ",
        "i will ",
        "someone will ",
        "somebody will ",
        "the team will ",
        "team will ",
        "ops will ",
        "just ",
    ] {
        if let Some(r) = rest.strip_prefix(subject) {
            rest = r;
            break;
        }
    }
    let subject_given = rest.len() < n.len();
    let mut acted = false;
    for action in [
        "figure it out",
        "figure that out",
        "figure this out",
        "figure out",
        "work it out",
        "sort it out",
        "sort that out",
        "deal with it",
        "deal with that",
        "handle it",
        "think about it",
        "decide",
        "see",
        "wing it",
        "improvise",
        "fix it",
        "ask around",
    ] {
        if let Some(r) = rest.strip_prefix(action) {
            if r.is_empty() || r.starts_with(' ') {
                // `see` and `decide` alone need a subject: "We'll see", not "See runbook".
                if matches!(action, "see" | "decide" | "fix it")
                    && !subject_given
                    && r.trim().is_empty()
                {
                    return false;
                }
                rest = r.trim_start();
                acted = true;
                break;
            }
        }
    }
    if !acted {
        return false;
    }
    let tail = rest.trim_end_matches(['.', '!', '?']).trim();
    tail.is_empty()
        || [
            "later",
            "then",
            "eventually",
            "soon",
            "somehow",
            "as we go",
            "when needed",
            "if needed",
            "when it happens",
            "when we get there",
            "when we get to it",
            "on the day",
            "at some point",
            "at the time",
            "in the moment",
            "later on",
            "when it comes up",
            "if it happens",
        ]
        .contains(&tail)
}

/// An enumeration's options offered together instead of one chosen: `Yes/No`, `Yes / No`,
/// `Manual|Automated`, `Pre-deploy or Deploy`.
fn is_choice(core: &str) -> bool {
    let parts: Vec<&str> = if core.contains('|') {
        core.split('|').collect()
    } else if core.contains('/') {
        core.split('/').collect()
    } else if core.to_ascii_lowercase().contains(" or ") {
        return core
            .to_ascii_lowercase()
            .split(" or ")
            .all(|p| is_enum_value(p.trim()))
            && core.split_whitespace().count() <= 7;
    } else {
        return false;
    };
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| is_enum_value(p.trim_matches(|c: char| c.is_whitespace() || c == '*')))
}

fn is_enum_value(p: &str) -> bool {
    !p.is_empty()
        && crate::schema::ENUM_VALUES
            .iter()
            .any(|v| v.eq_ignore_ascii_case(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_spans() {
        let v = "[What must be true] and {Procedure Name} on YYYY-MM-DD, see [API-001](x.md) - [ ] ok ${HOME}";
        let spans: Vec<&str> = placeholders(v).into_iter().map(|s| &v[s]).collect();
        assert_eq!(
            spans,
            ["[What must be true]", "{Procedure Name}", "YYYY-MM-DD"]
        );
    }

    #[test]
    fn filler_values() {
        for v in [
            "TBD",
            "tbd",
            " **TBD** ",
            "`TBC`",
            "TODO",
            "TBA.",
            "N/A",
            "n/a",
            "NA",
            "???",
            "?",
            "-",
            "—",
            "Unassigned",
            "Unknown",
            "None yet",
            "to be decided",
            "To be determined",
            "_TBD_",
            "[TBD]",
            "(TBD)",
            "TBD (ask Ops)",
            "TODO: write the steps",
            "TBD by the platform team",
            "Unknown — waiting on the vendor",
            "Yes/No",
            "Yes / No",
            "Yes / No — does failure block the deploy?",
            "[Manual | Automated]",
            "Manual|Automated",
            "Pre-deploy or Deploy",
            "{value}",
            "[Name/Team]",
            "We'll figure it out",
            "we’ll figure it out later",
            "Figure it out later",
            "We will decide later",
            "later",
            "Somehow.",
            "We'll see",
        ] {
            assert!(filler(v), "{v:?} is filler");
            assert!(is_filler(v), "{v:?} is filler");
        }
        for v in [
            "Block on TBD tickets closed",
            "TBD tickets must be closed first",
            "N/A (not yet deployed)",
            "None",
            "No",
            "Yes — release cannot proceed",
            "Manual",
            "Automated + manual spot-check",
            "CI/CD pipeline reports green",
            "QA/Dev",
            "See the runbook",
            "Decide",
            "Figure out which pods failed and restart them",
            "Unknown errors above 2% for 5 minutes",
            "SRE on-call",
            "Database Migrations",
            "",
            "**",
            "- NODE_ENV=production",
            "50%",
        ] {
            assert!(!filler(v), "{v:?} is a value");
        }
        // The span is the value without its surrounding blanks.
        let v = "  TBD ";
        assert_eq!(&v[filler_in(v).unwrap().span], "TBD");
        assert_eq!(filler_in("Yes/No").unwrap().kind, FillerKind::Choice);
        assert_eq!(filler_in("N/A").unwrap().kind, FillerKind::Blank);
    }

    #[test]
    fn missing_owners() {
        for v in [
            "",
            "TBD",
            "???",
            "Unassigned",
            "None",
            "nobody",
            "[Name/Team]",
            "n/a",
        ] {
            assert!(is_missing_owner(v), "{v:?}");
        }
        for v in [
            "QA Lead",
            "SRE on-call",
            "@alice",
            "Platform team (Nobody else)",
        ] {
            assert!(!is_missing_owner(v), "{v:?}");
        }
    }

    #[test]
    fn report_owner_gate_agrees_with_missing_owner() {
        for v in [
            "TBD",
            "tbd",
            "TBC",
            "???",
            "?",
            "-",
            "—",
            "n/a",
            "N/A",
            "Unassigned",
            "",
            "  ",
            "**TBD**",
            "TODO",
            "None",
        ] {
            assert!(is_missing_owner(v), "{v:?}");
        }
        for v in [
            "Platform team",
            "SRE on-call",
            "Dana (QA)",
            "N/A team",
            "Nadia",
        ] {
            assert!(!is_missing_owner(v), "{v:?}");
        }
    }
}

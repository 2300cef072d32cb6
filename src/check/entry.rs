//! Checks of one file: its entries, their fields and link lists, and its references.

use super::values::{
    did_you_mean, filler_in, filler_label, find_secrets, has_window, is_measurable,
    is_missing_owner, placeholders, suggest_key, FillerKind,
};
use super::{Code, Finding, FixHint, Related, Severity};
use crate::config::Config;
use crate::index::Index;
use crate::schema::{self, EntryType, Stage};
use crate::syntax::ids::{inline_mask, scan_ids, InlineState};
use crate::syntax::{
    id_number, id_prefix, is_link_list_key, Entry, Field, LinkItem, ParsedDoc, Span,
};

/// Collects findings, applying the configured severities.
pub(crate) struct Sink<'a> {
    pub config: &'a Config,
    pub path: &'a str,
    pub out: Vec<Finding>,
}

impl Sink<'_> {
    #[allow(clippy::too_many_arguments)]
    pub fn push_with(
        &mut self,
        code: Code,
        default: Severity,
        span: Span,
        id: Option<&str>,
        message: String,
        related: Vec<Related>,
        fix: Option<FixHint>,
    ) {
        let Some(severity) = self.config.severity(code, default) else {
            return;
        };
        self.out.push(Finding {
            code,
            severity,
            message,
            path: self.path.to_string(),
            span,
            id: id.map(str::to_string),
            related,
            fix,
        });
    }

    pub fn push(&mut self, code: Code, span: Span, id: Option<&str>, message: String) {
        self.push_with(
            code,
            code.default_severity(),
            span,
            id,
            message,
            Vec::new(),
            None,
        );
    }
}

/// Maps an offset in a field's joined value to a document offset.
pub fn value_to_doc(entry: &Entry, field: &Field, off: usize) -> usize {
    let mut acc = 0;
    for p in &field.pieces {
        let len = p.len();
        if off <= acc + len {
            return entry.at(p.start) + (off - acc);
        }
        acc += len + 1;
    }
    entry.at(field.value_span.end)
}

fn value_span_to_doc(entry: &Entry, field: &Field, s: &Span) -> Span {
    value_to_doc(entry, field, s.start)..value_to_doc(entry, field, s.end)
}

/// Every per-file check.
pub fn check_file(path: &str, doc: &ParsedDoc, index: &Index, config: &Config) -> Vec<Finding> {
    let mut out = Vec::new();
    for i in 0..doc.entries.len() {
        out.extend(check_entry(path, doc, i, index, config));
    }
    out.extend(check_loose_refs(path, doc, index, config));
    out
}

/// The references that belong to entry `i` (a contiguous run of `doc.refs`).
pub fn entry_refs(doc: &ParsedDoc, i: usize) -> &[crate::syntax::Reference] {
    let Some(e) = doc.entries.get(i) else {
        return &[];
    };
    let lo = doc
        .refs
        .partition_point(|r| r.span.start < e.line_span.start);
    let hi = doc
        .refs
        .partition_point(|r| r.span.start <= e.span.end)
        .max(lo);
    let run = &doc.refs[lo..hi];
    let a = run
        .iter()
        .position(|r| r.entry == Some(i as u32))
        .unwrap_or(run.len());
    let b = run
        .iter()
        .rposition(|r| r.entry == Some(i as u32))
        .map(|x| x + 1)
        .unwrap_or(a);
    &run[a..b.max(a)]
}

/// The checks of entry `i` of a document, and of the references inside it. Its findings
/// depend only on the entry, the index's IDs and the configuration (the language server caches
/// them per entry).
pub fn check_entry(
    path: &str,
    doc: &ParsedDoc,
    i: usize,
    index: &Index,
    config: &Config,
) -> Vec<Finding> {
    // A panic (a bug) costs this entry its findings, and nothing else.
    crate::guard::catch(|| check_entry_unguarded(path, doc, i, index, config)).unwrap_or_else(|m| {
        let e = doc.entries.get(i);
        let span = e.map(|e| e.id_span.clone()).unwrap_or(0..0);
        let id = e.map(|e| e.id.to_string());
        let what = format!("checking {}", id.as_deref().unwrap_or("an entry"));
        vec![super::internal_error(path, span, id, &what, &m)]
    })
}

fn check_entry_unguarded(
    path: &str,
    doc: &ParsedDoc,
    i: usize,
    index: &Index,
    config: &Config,
) -> Vec<Finding> {
    let mut sink = Sink {
        config,
        path,
        out: Vec::new(),
    };
    let Some(entry) = doc.entries.get(i) else {
        return Vec::new();
    };
    duplicates(&mut sink, entry, index);
    if entry.placeholder {
        let next = next_free_id(index, entry.prefix());
        sink.push_with(
            Code::TemplatePlaceholder,
            Severity::Warning,
            entry.id_span.clone(),
            Some(&entry.id),
            format!(
                "{} is a template placeholder, not an ID — number the entry, e.g. {next}",
                entry.id
            ),
            Vec::new(),
            Some(FixHint::Replace(vec![next])),
        );
    }
    // A plan-table row or a list item that lists an entry a heading or a line defines
    // elsewhere (an overview of the plan) is a reference there, not the entry to check.
    let listing = entry.def_kind.lists()
        && index
            .all_definitions(&entry.id)
            .first()
            .is_some_and(|d| !d.table);
    if entry.is_dep_block() && !listing {
        if entry.is_template() {
            // The scaffold of a SoT file or template: its title says it all.
            let t = entry.title.trim();
            let end = entry.line_span.end;
            let span = if entry.def_kind.restarts() && end >= entry.id_span.end + t.len() {
                end - t.len()..end
            } else {
                entry.id_span.clone()
            };
            sink.push(
                Code::TemplatePlaceholder,
                span,
                Some(&entry.id),
                format!(
                    "{} is a template: its title is still {t} — fill in the entry (its fields are checked once it has a real title)",
                    entry.id
                ),
            );
        } else {
            dep_entry(&mut sink, entry);
        }
        code_secrets(&mut sink, entry);
    } else if entry.prefix() == "MON" {
        monitor_entry(&mut sink, entry);
    }
    // A template's links are template placeholders too: its title is its one finding.
    let template = entry.is_dep_block() && entry.is_template();
    let mut budget = Some(RANGE_BUDGET);
    for field in entry.fields.iter().filter(|_| !template) {
        link_items(&mut sink, entry, field, index, &mut budget);
    }
    references(&mut sink, doc, entry_refs(doc, i), index);
    sink.out
}

/// Literal secrets in the fenced code blocks of a DEP- entry (`export DB_PASSWORD=…` in a
/// ```` ```bash ```` block): one finding per block line that holds one.
fn code_secrets(sink: &mut Sink, entry: &Entry) {
    for line in &entry.code {
        for (s, what) in find_secrets(&line.text, true) {
            let at = entry.at(line.span.start);
            sink.push(
                Code::PlaintextSecret,
                at + s.start..at + s.end,
                Some(&entry.id),
                format!(
                    "{}: a code block of the entry holds {what} in plain text — secrets live in a secrets manager: read it from there (e.g. `$DB_PASSWORD` from the deploy environment) and rotate this one",
                    entry.id
                ),
            );
        }
    }
}

/// The checks of references outside every entry.
pub fn check_loose_refs(
    path: &str,
    doc: &ParsedDoc,
    index: &Index,
    config: &Config,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(m) = &doc.internal_error {
        out.push(super::internal_error(
            path,
            0..0,
            None,
            "reading this file",
            m,
        ));
    }
    match crate::guard::catch(|| check_loose_refs_unguarded(path, doc, index, config)) {
        Ok(found) => out.extend(found),
        Err(m) => out.push(super::internal_error(
            path,
            0..0,
            None,
            "checking the IDs outside entries",
            &m,
        )),
    }
    out
}

fn check_loose_refs_unguarded(
    path: &str,
    doc: &ParsedDoc,
    index: &Index,
    config: &Config,
) -> Vec<Finding> {
    let mut sink = Sink {
        config,
        path,
        out: Vec::new(),
    };
    references(
        &mut sink,
        doc,
        doc.refs.iter().filter(|r| r.entry.is_none()),
        index,
    );
    // Lines that look like an entry or a field but are not read as one.
    for n in &doc.notes {
        sink.push(
            Code::UnreadLine,
            n.span.clone(),
            None,
            n.message.to_string(),
        );
    }
    sink.out
}

fn duplicates(sink: &mut Sink, entry: &Entry, index: &Index) {
    if entry.placeholder {
        return;
    }
    // A table row listing an ID that a heading or a line defines is not a definition (an
    // inventory table), and the headings and lines are counted without it.
    let defs = index.definitions(&entry.id);
    if defs.len() < 2 {
        return;
    }
    if entry.def_kind.lists() && !defs[0].table {
        return;
    }
    let mut related = Vec::new();
    for d in defs {
        if let Some((p, e)) = index.entry(*d) {
            if p == sink.path && e.id_span == entry.id_span {
                continue;
            }
            related.push(Related {
                path: p.to_string(),
                span: e.id_span.clone(),
                message: format!("{} is also defined here", entry.id),
            });
        }
    }
    // In path order, whatever order the index saw the definitions in (the CLI loads files
    // sorted, the server sees open documents first): both say the same.
    related.sort_by(|a, b| (a.path.as_str(), a.span.start).cmp(&(b.path.as_str(), b.span.start)));
    // A few places inline, the rest as related locations (59 paths made an unreadable line).
    let mut others: Vec<&str> = Vec::new();
    for r in &related {
        if !others.contains(&r.path.as_str()) {
            others.push(&r.path);
        }
    }
    const INLINE: usize = 3;
    let places = if others.len() > INLINE {
        format!(
            "{} and {} more — all listed as related locations",
            others[..INLINE].join(", "),
            others.len() - INLINE
        )
    } else {
        others.join(", ")
    };
    let next = next_free_id(index, entry.prefix());
    sink.push_with(
        Code::DuplicateId,
        Severity::Error,
        entry.id_span.clone(),
        Some(&entry.id),
        format!(
            "{} is defined {} times (also in {}) — an ID is defined once; renumber one of them (next free: {next})",
            entry.id,
            defs.len(),
            places
        ),
        related,
        Some(FixHint::Replace(vec![next])),
    );
}

/// The next unused number for a prefix, zero-padded like the workspace's IDs (3 digits by default).
pub fn next_free_id(index: &Index, prefix: &str) -> String {
    let (max, width) = index
        .max_number(prefix)
        .unwrap_or((0, if prefix == "EPIC" { 2 } else { 3 }));
    format!("{prefix}-{:0width$}", max + 1, width = width)
}

/// Is the field present with a value? (`Owner:` with nothing after it names no owner.)
fn has_value(entry: &Entry, key: &str) -> bool {
    entry
        .field(key)
        .is_some_and(|f| f.heading || !f.value.trim().is_empty())
}

/// Is the field written with nothing after its key (`Owner:`)?
fn is_empty_field(entry: &Entry, key: &str) -> bool {
    entry
        .field(key)
        .is_some_and(|f| !f.heading && f.value.trim().is_empty())
}

/// "a" or "an" before a word (`an Environment entry`, `a Step`).
pub fn article(word: &str) -> &'static str {
    let w = word.trim_start_matches(['`', '*', '"']);
    let vowel = w
        .chars()
        .next()
        .is_some_and(|c| matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u'));
    // Spelled-out letters and the few vowel words said with a consonant.
    let consonant_sound = ["one", "use", "user", "uni", "eu"]
        .iter()
        .any(|p| w.to_ascii_lowercase().starts_with(p));
    if vowel && !consonant_sound {
        "an"
    } else {
        "a"
    }
}

/// `1 DEP- entry`, `2 DEP- entries`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Is the value filler (reported as such, so not also invalid or missing)?
fn is_filler_value(v: &str) -> bool {
    filler_in(v).is_some()
}

/// Could the value hold a template ID (`DEP-XXX`)? A cheap test before [`placeholder_ids`].
fn may_hold_placeholder_id(value: &str) -> bool {
    value
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'-' && matches!(w[1], b'X' | b'x'))
}

/// Spans (within `value`) of template IDs such as `DEP-XXX`, outside code spans.
fn placeholder_ids(value: &str) -> Vec<Span> {
    let mut mask = Vec::new();
    inline_mask(value, InlineState::default(), &mut mask);
    scan_ids(value, 0, &mask)
        .into_iter()
        .filter(|r| r.placeholder)
        .map(|r| r.span)
        .collect()
}

fn type_of(entry: &Entry) -> Option<EntryType> {
    match entry.field("type") {
        None => Some(EntryType::Step),
        Some(f) => EntryType::parse(&f.value),
    }
}

fn dep_entry(sink: &mut Sink, entry: &Entry) {
    let id = Some(entry.id.as_str());
    let ty_field = entry.field("type");
    let ty = type_of(entry);
    // The methodology's deployment record (`**Type**: Release`, `**Strategy**:` …): its own
    // template, whose fields are not the guide's Stage and Description.
    let record = ty.is_none() && ty_field.is_some_and(|f| schema::is_deployment_kind(&f.value));
    match ty_field {
        None => sink.push_with(
            Code::MissingField,
            Severity::Warning,
            entry.id_span.clone(),
            id,
            format!(
                "{} has no `Type:` — it is checked as a Step; add `Type:` with Environment, Criteria, Rollback, Validation or Step",
                entry.id
            ),
            Vec::new(),
            Some(FixHint::AddFields(vec!["Type".into()])),
        ),
        Some(f)
            if ty.is_none()
                && !is_placeholder_value(&f.value)
                && !is_filler_value(&f.value)
                && !record =>
        {
            let names: Vec<&str> = EntryType::ALL.iter().map(|t| t.name()).collect();
            invalid_value(sink, entry, f, &names, Severity::Error);
        }
        _ => {}
    }
    let type_name = ty.map(|t| t.name()).unwrap_or("entry");
    // `DEP-001 (Criteria)`, or `DEP-045` when its Type is not one the guide knows.
    let who = match ty {
        Some(t) => format!("{} ({})", entry.id, t.name()),
        None => entry.id.to_string(),
    };

    // Stage.
    if let Some(f) = entry.field("stage") {
        match Stage::parse(&f.value) {
            // (An empty Stage is reported as an empty required field.)
            None if !is_placeholder_value(&f.value)
                && !is_filler_value(&f.value)
                && !f.value.trim().is_empty() =>
            {
                let names: Vec<&str> = Stage::ALL.iter().map(|s| s.name()).collect();
                invalid_value(sink, entry, f, &names, Severity::Error);
            }
            Some(stage) => {
                if let Some(t) = ty {
                    if ty_field.is_some() && !t.typical_stages().contains(&stage) {
                        let typical: Vec<&str> =
                            t.typical_stages().iter().map(|s| s.name()).collect();
                        sink.push(
                            Code::StageMismatch,
                            entry.abs(f.value_span),
                            id,
                            format!(
                                "{}: Stage {} is unusual for {} {} entry (typically {})",
                                entry.id,
                                stage.name(),
                                article(t.name()),
                                t.name(),
                                typical.join(" or ")
                            ),
                        );
                    }
                }
            }
            None => {}
        }
    }

    // Required fields (Owner and Threshold have codes of their own).
    // A field written with nothing after its key is empty, not missing; a filler value is
    // reported as filler (template-placeholder), not as missing.
    let mut missing: Vec<String> = Vec::new();
    let mut empty: Vec<&str> = Vec::new();
    let mut wanted: Vec<&str> = if record {
        Vec::new()
    } else {
        vec!["Stage", "Description"]
    };
    if let Some(t) = ty {
        wanted.extend(t.required_fields().iter().copied());
    }
    for key in wanted {
        if key == "Owner" || key == "Threshold" {
            continue;
        }
        if is_empty_field(entry, key) {
            empty.push(key);
        } else if !has_value(entry, key) {
            missing.push(key.to_string());
        }
    }
    if !missing.is_empty() || !empty.is_empty() {
        let list = |keys: &mut dyn Iterator<Item = &str>| {
            keys.map(|k| format!("`{k}:`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let missing_part = (!missing.is_empty()).then(|| {
            format!(
                "is missing {} {}",
                if missing.len() == 1 {
                    "the required field"
                } else {
                    "the required fields"
                },
                list(&mut missing.iter().map(String::as_str))
            )
        });
        let empty_part = (!empty.is_empty()).then(|| {
            format!(
                "{} {} empty",
                list(&mut empty.iter().copied()),
                if empty.len() == 1 { "is" } else { "are" }
            )
        });
        let what = match (missing_part, empty_part) {
            (Some(m), Some(e)) => format!(" {m}, and {e}"),
            (Some(m), None) => format!(" {m}"),
            (None, Some(e)) => format!(": {e}"),
            (None, None) => String::new(),
        };
        let todo = match (missing.len(), empty.len()) {
            (0, 1) => "fill it in",
            (0, _) => "fill them in",
            (1, 0) => "add it",
            (_, 0) => "add them",
            _ => "add and fill them in",
        };
        sink.push_with(
            Code::MissingField,
            Severity::Warning,
            entry.id_span.clone(),
            id,
            format!("{who}{what} — {todo}"),
            Vec::new(),
            (!missing.is_empty()).then_some(FixHint::AddFields(missing)),
        );
    }

    // Owner: absent, empty, or filler (`TBD`, `???`, `Unassigned`, `None`).
    let owner_field = entry.field("owner");
    // (A whole-value template placeholder, `[Name/Team]`, is reported as template-placeholder.)
    let owner_filler = owner_field.filter(|f| {
        !f.heading
            && !f.value.trim().is_empty()
            && is_missing_owner(&f.value)
            && !is_placeholder_value(&f.value)
    });
    if owner_field.is_none() || is_empty_field(entry, "owner") || owner_filler.is_some() {
        let ty_key = ty
            .map(|t| t.name().to_ascii_lowercase())
            .unwrap_or_else(|| "default".into());
        let verb = if ty == Some(EntryType::Criteria) {
            "verifies"
        } else {
            "owns"
        };
        let who_id = &who;
        if let Some(sev) = sink.config.owner_severity(&ty_key) {
            let (span, message, fix) = match (owner_field, owner_filler) {
                (_, Some(f)) => {
                    let v = f.value.trim();
                    let shown = filler_in(&f.value)
                        .map(|x| filler_label(&f.value, &x))
                        .unwrap_or_else(|| format!("\"{v}\""));
                    (
                        value_span_to_doc(entry, f, &trimmed_span(&f.value)),
                        format!(
                            "{who_id} has no owner: `{}` is still {shown} — name the person or team who {verb} it (each DEP- entry has an owner)",
                            f.key
                        ),
                        None,
                    )
                }
                (Some(f), None) => (
                    entry.id_span.clone(),
                    format!(
                        "{who_id} has no owner: `{}:` is empty — fill in the person or team who {verb} it (each DEP- entry has an owner)",
                        f.key
                    ),
                    None,
                ),
                (None, None) => (
                    entry.id_span.clone(),
                    format!(
                        "{who_id} has no owner — add `Owner:` with the person or team who {verb} it (each DEP- entry has an owner)"
                    ),
                    Some(FixHint::AddFields(vec!["Owner".into()])),
                ),
            };
            sink.out.push(Finding {
                code: Code::MissingOwner,
                severity: sev,
                message,
                path: sink.path.to_string(),
                span,
                id: Some(entry.id.to_string()),
                related: Vec::new(),
                fix,
            });
        }
    }

    // Threshold.
    if ty == Some(EntryType::Rollback) {
        match entry.field("threshold") {
            None => sink.push_with(
                Code::MissingThreshold,
                Severity::Error,
                entry.id_span.clone(),
                id,
                format!(
                    "{} (Rollback) has no `Threshold:` — say when to roll back with a number, a unit and a window, e.g. \">2% of requests for 5 minutes\"",
                    entry.id
                ),
                Vec::new(),
                Some(FixHint::AddFields(vec!["Threshold".into()])),
            ),
            Some(f) => threshold(sink, entry, f),
        }
    }

    // Enumerated values (an empty required one is reported as empty above).
    let reported_empty = |f: &Field| {
        f.value.trim().is_empty()
            && (f.key_is("stage")
                || ty.is_some_and(|t| t.required_fields().iter().any(|k| f.key_is(k))))
    };
    if let Some(f) = entry.field("blocker").filter(|f| !reported_empty(f)) {
        let first = f
            .value
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("");
        if !is_placeholder_value(&f.value)
            && !is_filler_value(&f.value)
            && !schema::BLOCKER_VALUES
                .iter()
                .any(|v| v.eq_ignore_ascii_case(first))
        {
            invalid_value(sink, entry, f, schema::BLOCKER_VALUES, Severity::Error);
        }
    }
    if let Some(f) = entry.field("method").filter(|f| !reported_empty(f)) {
        let v = f.value.trim();
        // `Automated (Playwright smoke suite)`: a remark may follow the value.
        let first = schema::value_head(v);
        if !is_placeholder_value(v)
            && !is_filler_value(v)
            && !schema::METHOD_VALUES
                .iter()
                .any(|m| m.eq_ignore_ascii_case(first))
        {
            invalid_value(sink, entry, f, schema::METHOD_VALUES, Severity::Error);
        }
    }
    if ty == Some(EntryType::Environment) {
        if let Some(f) = entry.field("name").filter(|f| !reported_empty(f)) {
            let v = f.value.trim();
            if !is_placeholder_value(v)
                && !is_filler_value(v)
                && !schema::ENVIRONMENT_NAMES
                    .iter()
                    .any(|m| m.eq_ignore_ascii_case(schema::value_head(v)))
            {
                invalid_value(sink, entry, f, schema::ENVIRONMENT_NAMES, Severity::Hint);
            }
        }
    }

    // Unknown fields.
    for f in &entry.fields {
        if f.heading {
            continue;
        }
        if !is_known_field(f) {
            let hint = if record {
                // Typos only: `Why This is Good` is no `Why`.
                did_you_mean(
                    &f.key,
                    schema::DEP_FIELDS
                        .iter()
                        .chain(schema::METHODOLOGY_FIELDS)
                        .copied(),
                )
            } else {
                suggest_key(&f.key, schema::DEP_FIELDS)
            };
            // A deployment record is the methodology's open template (`**What**:`,
            // `**Why This is Good**:` …): only a likely typo of a known key is reported there.
            if record && hint.is_none() {
                continue;
            }
            sink.push_with(
                Code::UnknownField,
                Severity::Warning,
                entry.abs(f.key_span),
                id,
                match hint {
                    Some(h) => format!("{}: unknown field `{}` — did you mean `{h}`?", entry.id, f.key),
                    None => format!(
                        "{}: unknown field `{}` — no DEP- Type has it (fields of {} {type_name}: {})",
                        entry.id,
                        f.key,
                        article(type_name),
                        schema::fields_of(ty).join(", ")
                    ),
                },
                Vec::new(),
                hint.map(|h| FixHint::Replace(vec![h.to_string()])),
            );
        }
    }

    // Placeholders and secrets in values.
    for f in &entry.fields {
        let bracket = placeholders(&f.value);
        for s in &bracket {
            sink.push(
                Code::TemplatePlaceholder,
                value_span_to_doc(entry, f, s),
                id,
                format!(
                    "{}: `{}` still holds the template placeholder {} — replace it with the real value",
                    entry.id,
                    f.key,
                    &f.value[s.clone()]
                ),
            );
        }
        let norm = f.norm_key();
        if !is_link_list_key(&norm) && may_hold_placeholder_id(&f.value) {
            // `DEP-XXX` in any other value (link lists report their own items).
            for raw in placeholder_ids(&f.value) {
                if bracket
                    .iter()
                    .any(|b| b.start <= raw.start && raw.end <= b.end)
                {
                    continue;
                }
                sink.push(
                    Code::TemplatePlaceholder,
                    value_span_to_doc(entry, f, &raw),
                    id,
                    format!(
                        "{}: `{}` still holds the template placeholder {} — replace it with the real ID",
                        entry.id,
                        f.key,
                        &f.value[raw.clone()]
                    ),
                );
            }
        }
        // Filler (`TBD`, `N/A`, `Yes/No`, "we'll figure it out"): the Owner and the Threshold
        // report their own; a whole-value template placeholder is reported above.
        if !f.key_is("owner") && !f.key_is("threshold") {
            if let Some(x) = filler_in(&f.value) {
                if x.kind != FillerKind::Template && bracket.is_empty() {
                    sink.push(
                        Code::TemplatePlaceholder,
                        value_span_to_doc(entry, f, &x.span),
                        id,
                        format!(
                            "{}: `{}` is still {} — a placeholder, not a value; replace it with the real {}",
                            entry.id,
                            f.key,
                            filler_label(&f.value, &x),
                            if x.kind == FillerKind::Choice { "choice" } else { "value" }
                        ),
                    );
                }
            }
        }
        let kv_rule = matches!(norm.as_str(), "configuration" | "secrets");
        let mut last_end = 0;
        for (s, what) in find_secrets(&f.value, kv_rule) {
            if s.start < last_end {
                continue;
            }
            last_end = s.end;
            sink.push(
                Code::PlaintextSecret,
                value_span_to_doc(entry, f, &s),
                id,
                format!(
                    "{}: `{}` holds {what} in plain text — secrets live in a secrets manager: reference it (e.g. under `Secrets:`) and rotate this one",
                    entry.id, f.key
                ),
            );
        }
    }

    // Traceability.
    let linked = linked_prefixes(entry);
    if ty == Some(EntryType::Criteria)
        && !linked.iter().any(|p| matches!(*p, "EPIC" | "TEST" | "API"))
    {
        sink.push(
            Code::UntracedCriteria,
            entry.id_span.clone(),
            id,
            format!(
                "{} (Criteria) does not trace back to any EPIC-, TEST- or API- ID — list them under `Linked IDs:`",
                entry.id
            ),
        );
    }
    if ty == Some(EntryType::Rollback) && !linked.iter().any(|p| matches!(*p, "MON" | "RUN")) {
        sink.push(
            Code::RollbackUnlinked,
            entry.id_span.clone(),
            id,
            format!(
                "{} (Rollback) links no MON- monitor and no RUN- runbook — its threshold should inform an alert and its procedure a runbook",
                entry.id
            ),
        );
    }
}

/// Is `key` a field the guide's template or the methodology's own DEP- entries use?
fn is_known_field(f: &Field) -> bool {
    schema::DEP_FIELDS.iter().any(|k| f.key_is(k))
        || schema::METHODOLOGY_FIELDS.iter().any(|k| f.key_is(k))
}

/// Prefixes of every ID (and range) in the entry's link lists.
fn linked_prefixes(entry: &Entry) -> Vec<&str> {
    let mut out = Vec::new();
    for f in &entry.fields {
        for item in &f.items {
            match item {
                LinkItem::Id(r) => out.push(id_prefix(&r.id)),
                LinkItem::Range { start, .. } => out.push(id_prefix(&start.id)),
                _ => {}
            }
        }
    }
    out
}

fn is_placeholder_value(v: &str) -> bool {
    let t = v.trim();
    let p = placeholders(t);
    p.len() == 1 && p[0] == (0..t.len())
}

fn invalid_value(sink: &mut Sink, entry: &Entry, f: &Field, allowed: &[&str], default: Severity) {
    let v = f.value.trim();
    // The value proper, without a trailing remark (`Automatic (Playwright suite)`): the
    // suggestion and the finding are about it, so a fix keeps the remark.
    let head = crate::schema::value_head(v);
    let hint = did_you_mean(head, allowed.iter().copied())
        .or_else(|| did_you_mean(v, allowed.iter().copied()));
    let allowed_list = allowed.join(", ");
    let message = if v.is_empty() {
        format!(
            "{}: `{}` is empty — use one of {allowed_list}",
            entry.id, f.key
        )
    } else if default == Severity::Hint {
        match hint {
            Some(h) => format!("{}: `{}: {v}` is not one of the guide's environments — did you mean {h}?", entry.id, f.key),
            None => format!("{}: `{}: {v}` is not one of the guide's environments ({allowed_list}); allowed, but check the name", entry.id, f.key),
        }
    } else {
        match hint {
            Some(h) => format!(
                "{}: `{}: {v}` is not valid — did you mean {h}? (one of {allowed_list})",
                entry.id, f.key
            ),
            None => format!(
                "{}: `{}: {v}` is not valid — use one of {allowed_list}",
                entry.id, f.key
            ),
        }
    };
    let span = if f.value_span.is_empty() {
        entry.abs(f.key_span)
    } else if !head.is_empty() && f.pieces.len() == 1 {
        let lead = f.value.len() - f.value.trim_start().len();
        let start = entry.at(f.value_span.start) + lead;
        start..start + head.len()
    } else {
        entry.abs(f.value_span)
    };
    sink.push_with(
        Code::InvalidValue,
        default,
        span,
        Some(&entry.id),
        message,
        Vec::new(),
        hint.map(|h| FixHint::Replace(vec![h.to_string()])),
    );
}

fn threshold(sink: &mut Sink, entry: &Entry, f: &Field) {
    let v = f.value.trim();
    if is_placeholder_value(v) {
        return; // reported as template-placeholder
    }
    let span = if f.value_span.is_empty() {
        entry.abs(f.key_span)
    } else {
        entry.abs(f.value_span)
    };
    const EXAMPLE: &str = "e.g. \">2% of requests for 5 minutes\"";
    if !is_measurable(v) {
        let message = if v.is_empty() {
            format!("{}: `{}:` is empty — give a metric and a number with a comparator or unit, and a window, {EXAMPLE}", entry.id, f.key)
        } else if let Some(x) = filler_in(&f.value) {
            format!(
                "{}: threshold is still {} — give a metric and a number with a comparator or unit, and a window, {EXAMPLE}",
                entry.id,
                filler_label(&f.value, &x)
            )
        } else if super::values::is_window_only(v) {
            format!("{}: threshold \"{v}\" is a time window, not a threshold — say which metric crosses which number within it, {EXAMPLE}", entry.id)
        } else {
            format!("{}: threshold \"{v}\" is not measurable — give a metric and a number with a comparator or unit, and a window, {EXAMPLE}", entry.id)
        };
        sink.push(Code::UnmeasurableThreshold, span, Some(&entry.id), message);
    } else if !has_window(v) {
        sink.push(
            Code::ThresholdWithoutWindow,
            span,
            Some(&entry.id),
            format!(
                "{}: threshold \"{v}\" has no time window — say how long it must hold before rolling back, e.g. \"… for {}\"",
                entry.id,
                super::values::window_example(v)
            ),
        );
    }
}

/// The span of a value without its surrounding blanks.
fn trimmed_span(v: &str) -> Span {
    let lead = v.len() - v.trim_start().len();
    lead..lead + v.trim().len()
}

/// MON- entries carry `Thresholds: Warning: … | Critical: …`, held to the same rule.
fn monitor_entry(sink: &mut Sink, entry: &Entry) {
    for f in &entry.fields {
        let k = f.norm_key();
        if k != "thresholds" && k != "threshold" {
            continue;
        }
        let mut off = 0;
        for part in f.value.split('|') {
            let body = part.split_once(':').map(|(_, b)| b).unwrap_or(part).trim();
            let start = off + part.find(body).unwrap_or(0);
            if !body.is_empty() && !is_placeholder_value(body) && !is_measurable(body) {
                let s = value_to_doc(entry, f, start)..value_to_doc(entry, f, start + body.len());
                sink.push(
                    Code::UnmeasurableThreshold,
                    s,
                    Some(&entry.id),
                    format!("{}: threshold \"{body}\" is not measurable — give a number with a unit and a window, e.g. \"p95 > 400ms for 5 minutes\"", entry.id),
                );
            }
            off += part.len() + 1;
        }
    }
}

/// How many range members one entry's ranges may look up in all (gaps are searched member by
/// member). One range is capped at 100,000 members; without a cap on their sum, 1,000 ranges
/// in 28 KB took 6.4 s in `check` and 300 of them 2 s per keystroke. Past the budget, the
/// remaining ranges are not searched for gaps, and one hint says so.
pub const RANGE_BUDGET: u64 = 200_000;

/// Ranges, unknown prefixes and placeholders inside link lists.
fn link_items(
    sink: &mut Sink,
    entry: &Entry,
    field: &Field,
    index: &Index,
    budget: &mut Option<u64>,
) {
    if field.items.is_empty() {
        return;
    }
    let id = Some(entry.id.as_str());
    let bracket: Vec<Span> = placeholders(&field.value)
        .iter()
        .map(|s| value_span_to_doc(entry, field, s))
        .collect();
    for item in &field.items {
        match item {
            LinkItem::Range { start, end, span } => {
                let span = entry.abs(*span);
                let (pa, pb) = (id_prefix(&start.id), id_prefix(&end.id));
                if pa != pb {
                    sink.push(
                        Code::InvalidRange,
                        span.clone(),
                        id,
                        format!(
                            "{}: range {} to {} mixes prefixes {pa} and {pb} — a range needs one prefix on both ends",
                            entry.id, start.id, end.id
                        ),
                    );
                    continue;
                }
                let (Some((a, wa)), Some((b, _))) = (id_number(&start.id), id_number(&end.id))
                else {
                    continue;
                };
                if a > b {
                    sink.push(
                        Code::InvalidRange,
                        span.clone(),
                        id,
                        format!(
                            "{}: range {} to {} is reversed (start after end) — write {} to {}",
                            entry.id, start.id, end.id, end.id, start.id
                        ),
                    );
                    continue;
                }
                if !index.is_defined(&start.id) || !index.is_defined(&end.id) || b - a > 100_000 {
                    continue; // the unresolved end is reported on its own
                }
                let members = u64::from(b - a);
                // `None`: exhausted, and the hint given.
                let Some(left) = *budget else {
                    continue;
                };
                if members > left {
                    sink.push_with(
                        Code::RangeGap,
                        Severity::Hint,
                        span.clone(),
                        id,
                        format!(
                            "{}: the ranges from {} to {} on are not searched for gaps — this entry's ranges span more than {RANGE_BUDGET} IDs",
                            entry.id, start.id, end.id
                        ),
                        Vec::new(),
                        None,
                    );
                    *budget = None;
                    continue;
                }
                *budget = Some(left - members);
                let padded = start
                    .id
                    .rsplit('-')
                    .next()
                    .is_some_and(|n| n.starts_with('0'));
                let mut missing = Vec::new();
                for n in a + 1..b {
                    let cand = if padded {
                        format!("{pa}-{:0wa$}", n)
                    } else {
                        format!("{pa}-{n}")
                    };
                    if !index.is_defined(&cand) {
                        missing.push(n);
                    }
                }
                if !missing.is_empty() {
                    let fmt = |n: u32| {
                        if padded {
                            format!("{pa}-{:0wa$}", n)
                        } else {
                            format!("{pa}-{n}")
                        }
                    };
                    let list = compact_runs(&missing, fmt);
                    sink.push(
                        Code::RangeGap,
                        span.clone(),
                        id,
                        format!(
                            "{}: {list} {} not defined (inside the range {} to {})",
                            entry.id,
                            if missing.len() == 1 { "is" } else { "are" },
                            start.id,
                            end.id
                        ),
                    );
                }
            }
            LinkItem::UnknownPrefix(r) => {
                let r_span = entry.abs(r.span);
                let p = id_prefix(&r.id);
                let hint = did_you_mean(p, sink.config.prefixes.iter().map(String::as_str));
                sink.push_with(
                    Code::UnknownPrefix,
                    Severity::Warning,
                    r_span.clone(),
                    id,
                    format!(
                        "{}: {} has the prefix {p}, which is not a configured ID prefix{} — add it to `prefixes` in dep-ls.toml if it is one",
                        entry.id,
                        r.id,
                        hint.map(|h| format!(" — did you mean {h}?")).unwrap_or_default()
                    ),
                    Vec::new(),
                    hint.map(|h| FixHint::Replace(vec![r.id.replacen(p, h, 1)])),
                );
            }
            LinkItem::Placeholder(r) => {
                let r_span = entry.abs(r.span);
                if bracket
                    .iter()
                    .any(|b| b.start <= r_span.start && r_span.end <= b.end)
                {
                    continue;
                }
                if !entry.is_dep_block() {
                    continue;
                }
                sink.push(
                    Code::TemplatePlaceholder,
                    r_span.clone(),
                    id,
                    format!(
                        "{}: {} is a template placeholder — link the real ID",
                        entry.id, r.id
                    ),
                );
            }
            LinkItem::Id(_) => {}
        }
    }
}

/// `TEST-017, TEST-020–TEST-025 and 3 more`.
fn compact_runs(nums: &[u32], fmt: impl Fn(u32) -> String) -> String {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &n in nums {
        match runs.last_mut() {
            Some((_, e)) if *e + 1 == n => *e = n,
            _ => runs.push((n, n)),
        }
    }
    let shown: Vec<String> = runs
        .iter()
        .take(8)
        .map(|&(s, e)| match e - s {
            0 => fmt(s),
            1 => format!("{}, {}", fmt(s), fmt(e)),
            _ => format!("{}–{}", fmt(s), fmt(e)),
        })
        .collect();
    let mut text = shown.join(", ");
    if runs.len() > 8 {
        let rest: u32 = runs[8..].iter().map(|(s, e)| e - s + 1).sum();
        text.push_str(&format!(" and {rest} more"));
    }
    text
}

/// Defined IDs close to an undefined one (`DEP-1` for `DEP-001`, `API-009` for `API-099`).
pub fn near_ids(index: &Index, id: &str, limit: usize) -> Vec<String> {
    // Candidates are generated and looked up (a scan over every ID of the prefix per
    // unresolved reference made `check` quadratic in the workspace size).
    let prefix = id_prefix(id);
    let num = &id[prefix.len() + 1..];
    let mut scored: Vec<(usize, String)> = Vec::new();
    // Candidates are written into one buffer and copied only when defined.
    let mut buf = String::with_capacity(id.len() + 2);
    let mut try_cand = |score: usize, digits: &[u8], scored: &mut Vec<(usize, String)>| {
        buf.clear();
        buf.push_str(prefix);
        buf.push('-');
        buf.extend(digits.iter().map(|&c| c as char));
        if buf != id && index.is_defined(&buf) && !scored.iter().any(|(_, c)| *c == buf) {
            scored.push((score, buf.clone()));
        }
    };
    let digits = num.as_bytes();
    // IDs have at most 6 digits (`syntax::ids`); edits need one more.
    if !digits.is_empty() && digits.len() <= 6 && digits.iter().all(u8::is_ascii_digit) {
        // The same number written with another width: `DEP-1` for `DEP-001`.
        if let Ok(v) = num.parse::<u32>() {
            let plain = v.to_string();
            for w in 1..=6usize {
                let mut d = [b'0'; 12];
                let pad = w.saturating_sub(plain.len());
                d[pad..pad + plain.len()].copy_from_slice(plain.as_bytes());
                try_cand(0, &d[..pad + plain.len()], &mut scored);
            }
        }
        let n = digits.len();
        let mut v = [0u8; 8];
        // One substitution, deletion, insertion or transposition.
        for i in 0..n {
            for c in b'0'..=b'9' {
                if c != digits[i] {
                    v[..n].copy_from_slice(digits);
                    v[i] = c;
                    try_cand(1, &v[..n], &mut scored);
                }
            }
            if n > 1 {
                v[..i].copy_from_slice(&digits[..i]);
                v[i..n - 1].copy_from_slice(&digits[i + 1..]);
                try_cand(1, &v[..n - 1], &mut scored);
            }
            if i + 1 < n && digits[i] != digits[i + 1] {
                v[..n].copy_from_slice(digits);
                v.swap(i, i + 1);
                try_cand(1, &v[..n], &mut scored);
            }
        }
        if n < 6 {
            for i in 0..=n {
                for c in b'0'..=b'9' {
                    v[..i].copy_from_slice(&digits[..i]);
                    v[i] = c;
                    v[i + 1..n + 1].copy_from_slice(&digits[i..]);
                    try_cand(1, &v[..n + 1], &mut scored);
                }
            }
        }
    }
    let push = |score: usize, cand: String, scored: &mut Vec<(usize, String)>| {
        if cand != id && index.is_defined(&cand) && !scored.iter().any(|(_, c)| *c == cand) {
            scored.push((score, cand));
        }
    };
    if scored.is_empty() {
        // A typo in the prefix: `TSET-001`.
        for p in index.prefixes() {
            if p != prefix && strsim::damerau_levenshtein(p, prefix) == 1 {
                push(2, format!("{p}-{num}"), &mut scored);
            }
        }
    }
    scored.sort();
    scored.into_iter().take(limit).map(|(_, s)| s).collect()
}

/// Unresolved, deprecated and broken links, for every reference of the file.
fn references<'d>(
    sink: &mut Sink,
    doc: &ParsedDoc,
    refs: impl IntoIterator<Item = &'d crate::syntax::Reference>,
    index: &Index,
) {
    for r in refs {
        let entry = r.entry.and_then(|i| doc.entries.get(i as usize));
        let owner = entry.map(|e| e.id.as_str());
        let defs = index.definitions(&r.id);
        if defs.is_empty() {
            let who = owner.map(|o| format!("{o}: ")).unwrap_or_default();
            let near = near_ids(index, &r.id, 3);
            let suggestion = match near.as_slice() {
                [] => String::new(),
                [one] => format!(" — did you mean {one}?"),
                many => format!(" — did you mean {}?", many.join(" or ")),
            };
            let owner_file = sink
                .config
                .prefix_info
                .get(id_prefix(&r.id))
                .and_then(|i| i.file.clone());
            let (sev, message) = if r.link_list {
                (
                    Severity::Error,
                    format!(
                        "{who}linked ID {} is not defined anywhere in the workspace{suggestion}{}",
                        r.id,
                        if near.is_empty() {
                            match owner_file {
                                Some(f) => format!(" — define it (in {f}) or remove the link"),
                                None => " — define it or remove the link".to_string(),
                            }
                        } else {
                            String::new()
                        }
                    ),
                )
            } else {
                (
                    Severity::Hint,
                    format!(
                        "{who}{} is mentioned but defined nowhere in the workspace{suggestion}",
                        r.id
                    ),
                )
            };
            sink.push_with(
                Code::UnresolvedLink,
                sev,
                r.span.clone(),
                owner,
                message,
                Vec::new(),
                (!near.is_empty()).then_some(FixHint::Replace(near)),
            );
        } else if r.link_list || r.link.is_some() {
            if let Some((p, target)) = index.entry(defs[0]) {
                if target.deprecated {
                    let who = owner.map(|o| format!("{o}: ")).unwrap_or_default();
                    let repl = target
                        .replacement
                        .as_ref()
                        .map(|x| format!(" — link its replacement {x} instead"))
                        .unwrap_or_else(|| " — link what replaces it".to_string());
                    sink.push_with(
                        Code::DeprecatedLink,
                        Severity::Hint,
                        r.span.clone(),
                        owner,
                        format!("{who}{} is deprecated{repl}", r.id),
                        vec![Related {
                            path: p.to_string(),
                            span: target.id_span.clone(),
                            message: format!("{} is marked deprecated here", r.id),
                        }],
                        target
                            .replacement
                            .clone()
                            .map(|x| FixHint::Replace(vec![x])),
                    );
                }
            }
        }
        if let Some(link) = &r.link {
            if let Some(target) = link_target(sink.path, &link.dest) {
                if !index.has_path(&target) {
                    let who = owner.map(|o| format!("{o}: ")).unwrap_or_default();
                    let near = index
                        .file_id(&target)
                        .map(|_| None)
                        .unwrap_or_else(|| index.first_entry(&r.id).map(|(p, _)| p.to_string()));
                    sink.push_with(
                        Code::BrokenLink,
                        Severity::Warning,
                        link.span.clone(),
                        owner,
                        format!(
                            "{who}the link to {} points at {}, which is not a file in the workspace{}",
                            r.id,
                            link.dest.split('#').next().unwrap_or(""),
                            near.as_ref()
                                .map(|p| format!(" — {} is defined in {}", r.id, relative_from(sink.path, p)))
                                .unwrap_or_default()
                        ),
                        Vec::new(),
                        near.map(|p| FixHint::Replace(vec![relative_from(sink.path, &p)])),
                    );
                }
            }
        }
    }
}

/// The workspace-relative file a link destination names, or `None` for URLs and anchors.
pub fn link_target(from: &str, dest: &str) -> Option<String> {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    if path.is_empty() || path.contains("://") || path.starts_with("mailto:") {
        return None;
    }
    let path = path.replace("%20", " ");
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        from.split('/').collect::<Vec<_>>()
    };
    if !path.starts_with('/') {
        parts.pop(); // the file name
    }
    // `..` past the workspace root stays in the result, so that it names no workspace file.
    let mut above = 0;
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    above += 1;
                }
            }
            s => parts.push(s),
        }
    }
    let mut out = vec![".."; above];
    out.extend(parts);
    Some(out.join("/"))
}

/// A relative link from the file `from` to the workspace path `to`.
pub fn relative_from(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = {
        let mut v: Vec<&str> = from.split('/').collect();
        v.pop();
        v
    };
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(to_parts.iter())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out: Vec<&str> = vec![".."; from_dir.len() - common];
    out.extend(&to_parts[common..]);
    out.join("/")
}

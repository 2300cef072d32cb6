//! The fields and values of one entry: a DEP- entry's Type and Stage, required fields, Owner,
//! Threshold, enumerated values, unknown fields, placeholders, filler and secrets in values,
//! traceability; a MON- entry's thresholds.

use super::{article, value_span_to_doc, value_to_doc, Draft, Sink};
use crate::check::values::{
    did_you_mean, filler_in, filler_label, find_secrets, has_window, is_measurable,
    is_missing_owner, placeholders, suggest_key, FillerKind,
};
use crate::check::{Code, Finding, FixHint, Severity};
use crate::schema::{self, EntryType, Stage};
use crate::syntax::ids::{inline_mask, scan_ids, InlineState};
use crate::syntax::{id_prefix, is_link_list_key, Entry, Field, LinkItem, Span};

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

pub(super) fn dep_entry(sink: &mut Sink, entry: &Entry) {
    let id = Some(entry.id.as_str());
    let ty_field = entry.field("type");
    let ty = type_of(entry);
    // The methodology's deployment record (`**Type**: Release`, `**Strategy**:` …): its own
    // template, whose fields are not the guide's Stage and Description.
    let record = ty.is_none() && ty_field.is_some_and(|f| schema::is_deployment_kind(&f.value));
    match ty_field {
        None => sink.add(Draft { code: Code::MissingField, default: Severity::Warning, span: entry.id_span.clone(), id, message: format!(
                "{} has no `Type:` — it is checked as a Step; add `Type:` with Environment, Criteria, Rollback, Validation or Step",
                entry.id
            ), related: Vec::new(), fix: Some(FixHint::AddFields(vec!["Type".into()])) }),
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
        sink.add(Draft {
            code: Code::MissingField,
            default: Severity::Warning,
            span: entry.id_span.clone(),
            id,
            message: format!("{who}{what} — {todo}"),
            related: Vec::new(),
            fix: (!missing.is_empty()).then_some(FixHint::AddFields(missing)),
        });
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
            None => sink.add(Draft { code: Code::MissingThreshold, default: Severity::Error, span: entry.id_span.clone(), id, message: format!(
                    "{} (Rollback) has no `Threshold:` — say when to roll back with a number, a unit and a window, e.g. \">2% of requests for 5 minutes\"",
                    entry.id
                ), related: Vec::new(), fix: Some(FixHint::AddFields(vec!["Threshold".into()])) }),
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
            sink.add(Draft { code: Code::UnknownField, default: Severity::Warning, span: entry.abs(f.key_span), id, message: match hint {
                    Some(h) => format!("{}: unknown field `{}` — did you mean `{h}`?", entry.id, f.key),
                    None => format!(
                        "{}: unknown field `{}` — no DEP- Type has it (fields of {} {type_name}: {})",
                        entry.id,
                        f.key,
                        article(type_name),
                        schema::fields_of(ty).join(", ")
                    ),
                }, related: Vec::new(), fix: hint.map(|h| FixHint::Replace(vec![h.to_string()])) });
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
    sink.add(Draft {
        code: Code::InvalidValue,
        default,
        span,
        id: Some(&entry.id),
        message,
        related: Vec::new(),
        fix: hint.map(|h| FixHint::Replace(vec![h.to_string()])),
    });
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
        } else if crate::check::values::is_window_only(v) {
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
                crate::check::values::window_example(v)
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
pub(super) fn monitor_entry(sink: &mut Sink, entry: &Entry) {
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

//! References: unresolved IDs (with the defined IDs near them), deprecated and broken links;
//! link destinations as workspace paths.

use super::{Draft, Sink};
use crate::check::{Code, FixHint, Related, Severity};
use crate::index::Index;
use crate::syntax::{id_prefix, ParsedDoc};

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
pub(super) fn references<'d>(
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
            sink.add(Draft {
                code: Code::UnresolvedLink,
                default: sev,
                span: r.span.clone(),
                id: owner,
                message,
                related: Vec::new(),
                fix: (!near.is_empty()).then_some(FixHint::Replace(near)),
            });
        } else if r.link_list || r.link.is_some() {
            if let Some((p, target)) = index.entry(defs[0]) {
                if target.deprecated {
                    let who = owner.map(|o| format!("{o}: ")).unwrap_or_default();
                    let repl = target
                        .replacement
                        .as_ref()
                        .map(|x| format!(" — link its replacement {x} instead"))
                        .unwrap_or_else(|| " — link what replaces it".to_string());
                    sink.add(Draft {
                        code: Code::DeprecatedLink,
                        default: Severity::Hint,
                        span: r.span.clone(),
                        id: owner,
                        message: format!("{who}{} is deprecated{repl}", r.id),
                        related: vec![Related {
                            path: p.to_string(),
                            span: target.id_span.clone(),
                            message: format!("{} is marked deprecated here", r.id),
                        }],
                        fix: target
                            .replacement
                            .clone()
                            .map(|x| FixHint::Replace(vec![x])),
                    });
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
                    sink.add(Draft { code: Code::BrokenLink, default: Severity::Warning, span: link.span.clone(), id: owner, message: format!(
                            "{who}the link to {} points at {}, which is not a file in the workspace{}",
                            r.id,
                            link.dest.split('#').next().unwrap_or(""),
                            near.as_ref()
                                .map(|p| format!(" — {} is defined in {}", r.id, relative_from(sink.path, p)))
                                .unwrap_or_default()
                        ), related: Vec::new(), fix: near.map(|p| FixHint::Replace(vec![relative_from(sink.path, &p)])) });
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

//! Keys: the configuration keys of a `Configuration:` value (`config_keys`) and the closest
//! field key to an unknown one (`suggest_key`, over the leaf `did_you_mean`).

use crate::suggest::did_you_mean;
use crate::syntax::Span;

/// The closest field key to an unknown `key`: a close typo first (`Ownr` → `Owner`,
/// `Linked ID` → `Linked IDs`), then a key that is a whole word of it, the last word preferred
/// (`Rollback Threshold` → `Threshold`, `Escalation Path` → `Escalation`), then a looser match.
pub fn suggest_key<'a>(key: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let loose = did_you_mean(key, candidates.iter().copied());
    let k = key.to_ascii_lowercase();
    if let Some(c) = loose {
        if strsim::damerau_levenshtein(&k, &c.to_ascii_lowercase()) <= 2 {
            return Some(c);
        }
    }
    let words: Vec<&str> = k
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() >= 2 && words.len() <= 8 {
        let mut best: Option<(&str, (bool, usize))> = None;
        for c in candidates {
            let cl = c.to_ascii_lowercase();
            let cw: Vec<&str> = cl
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            if cw.is_empty() || cw.len() >= words.len() {
                continue;
            }
            let Some(at) = words.windows(cw.len()).rposition(|w| w == cw.as_slice()) else {
                continue;
            };
            let score = (at + cw.len() == words.len(), cw.len());
            if best.is_none_or(|(_, s)| score > s) {
                best = Some((c, score));
            }
        }
        if let Some((c, _)) = best {
            return Some(c);
        }
    }
    loose
}

/// Configuration keys of a `Configuration:` value: `NODE_ENV=production`, `LOG_LEVEL: info`,
/// one per line or comma-separated. Returns (key, span relative to value).
pub fn config_keys(value: &str) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in value.split('\n') {
        for part in split_keep_offsets(line, ',') {
            let (poff, p) = part;
            let t = p.trim_start_matches(['-', '*', ' ', '\t', '`']);
            let lead = p.len() - t.len();
            let Some(sep) = t.find(['=', ':']) else {
                continue;
            };
            let key = t[..sep].trim().trim_matches('`');
            if key.is_empty()
                || key.contains(' ')
                || !key
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
            {
                continue;
            }
            let s = offset + poff + lead;
            out.push((key.to_string(), s..s + key.len()));
        }
        offset += line.len() + 1;
    }
    out
}

fn split_keep_offsets(s: &str, sep: char) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if c == sep {
            out.push((start, &s[start..i]));
            start = i + c.len_utf8();
        }
    }
    out.push((start, &s[start..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_keys() {
        let keys: Vec<String> =
            config_keys("- NODE_ENV=production\n- LOG_LEVEL: info\n- RATE_LIMIT=100/min")
                .into_iter()
                .map(|k| k.0)
                .collect();
        assert_eq!(keys, ["NODE_ENV", "LOG_LEVEL", "RATE_LIMIT"]);
    }

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("Ownr", ["Owner", "Name"]), Some("Owner"));
        assert_eq!(
            did_you_mean("Automatic", ["Manual", "Automated", "Both"]),
            Some("Automated")
        );
        assert_eq!(did_you_mean("Zebra", ["Owner", "Name"]), None);
    }

    #[test]
    fn key_suggestions() {
        let keys = crate::schema::DEP_FIELDS;
        assert_eq!(suggest_key("Rollback Threshold", keys), Some("Threshold"));
        assert_eq!(suggest_key("Escalation Path", keys), Some("Escalation"));
        assert_eq!(suggest_key("Ownr", keys), Some("Owner"));
        assert_eq!(suggest_key("Linked ID", keys), Some("Linked IDs"));
        assert_eq!(suggest_key("Escalaton", keys), Some("Escalation"));
        assert_eq!(suggest_key("Zebra", keys), None);
    }
}

//! Value classifiers used by the checks: measurable thresholds, time windows, template
//! placeholders, literal secrets, configuration keys, and did-you-mean suggestions.

use crate::syntax::Span;

/// Distances one [`did_you_mean`] computes at most.
pub const DID_YOU_MEAN_BUDGET: usize = 2_000;

/// The closest candidate to `word` (case-insensitive), if it is close enough to be a typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let w = word.to_ascii_lowercase();
    let w_len = w.chars().count();
    let mut best: Option<(&str, f64)> = None;
    // Bounded work: a profile with 200,000 prefixes and 2,000 unknown-prefix links took 85 s.
    // Candidates too long or too short to be close are skipped before any distance is computed,
    // and at most DID_YOU_MEAN_BUDGET distances are computed per call.
    let mut budget = DID_YOU_MEAN_BUDGET;
    for c in candidates {
        if c.eq_ignore_ascii_case(word) {
            return Some(c);
        }
        let c_len = c.chars().count();
        let prefix_of = w_len >= 4
            && c.len() > word.len()
            && c.as_bytes()[..word.len()].eq_ignore_ascii_case(word.as_bytes());
        if c_len.abs_diff(w_len) > 3 && !prefix_of {
            continue;
        }
        if budget == 0 {
            break;
        }
        budget -= 1;
        let cl = c.to_ascii_lowercase();
        let d = strsim::damerau_levenshtein(&w, &cl);
        let max_len = w.chars().count().max(cl.chars().count());
        let jw = strsim::jaro_winkler(&w, &cl);
        let close = (d <= 1 && max_len >= 3)
            || (d <= 2 && max_len >= 6)
            || (d <= 3 && max_len >= 10)
            || (jw >= 0.9 && max_len >= 4)
            || (cl.starts_with(&w) && w.len() >= 4);
        if close {
            let score = jw - d as f64 * 0.01;
            if best.is_none_or(|(_, s)| score > s) {
                best = Some((c, score));
            }
        }
    }
    best.map(|(c, _)| c)
}

fn has_digit(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit())
}

const COMPARATOR_WORDS: &[&str] = &[
    "above",
    "below",
    "exceeds",
    "exceed",
    "exceeding",
    "more than",
    "less than",
    "over",
    "under",
    "at least",
    "at most",
    "greater than",
    "fewer than",
    "higher than",
    "lower than",
    "drops",
    "rises",
    "increase",
    "decrease",
    "spike",
    "within",
    "outside",
    "max",
    "min",
    "maximum",
    "minimum",
];

const UNITS: &[&str] = &[
    "%",
    "ms",
    "s",
    "sec",
    "secs",
    "second",
    "seconds",
    "m",
    "min",
    "mins",
    "minute",
    "minutes",
    "h",
    "hr",
    "hrs",
    "hour",
    "hours",
    "d",
    "day",
    "days",
    "rps",
    "qps",
    "rpm",
    "req",
    "reqs",
    "request",
    "requests",
    "error",
    "errors",
    "report",
    "reports",
    "user",
    "users",
    "failures",
    "failure",
    "x",
    "kb",
    "mb",
    "gb",
    "tb",
    "ops",
    "events",
    "orders",
    "transactions",
    "times",
    "checks",
    "attempts",
    "pods",
    "nodes",
    "instances",
    "percent",
    "bps",
    "kbps",
    "mbps",
    "responses",
    "calls",
    "alerts",
    "retries",
    "timeouts",
    "crashes",
    "restarts",
    "exceptions",
    "incidents",
    "tickets",
    "complaints",
];

/// Is a threshold value measurable: a number with a comparator or a unit?
/// (`>2% of requests for 5 minutes`, `p99 latency > 800ms`, `error rate above 1.5%`,
/// `more than 3 user reports in 10 min`.) `high`, `TBD`, `bad` are not.
pub fn is_measurable(value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    // Numbers that are part of a metric name (p99, 5xx, http2) do not count on their own.
    let numbers = numbers_in(&v);
    if numbers.is_empty() {
        return false;
    }
    if v.contains(['>', '<', '≥', '≤', '=']) {
        return true;
    }
    if COMPARATOR_WORDS.iter().any(|w| contains_word(&v, w)) {
        return true;
    }
    // A unit right after a number, or a counted noun a few words on
    // (`3 consecutive failed health checks`).
    numbers.iter().any(|&(_, end)| {
        let rest = v[end..].trim_start();
        let unit: String = rest
            .chars()
            .take_while(|c| c.is_alphabetic() || *c == '%' || *c == '/')
            .collect();
        let unit = unit.split('/').next().unwrap_or("");
        UNITS.contains(&unit)
            || rest
                .split_whitespace()
                .take(4)
                .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
                .any(|w| w.len() > 2 && UNITS.contains(&w))
    })
}

/// Standalone numbers (not glued to letters before them, like `p99` or `ec2`), as byte spans.
fn numbers_in(v: &str) -> Vec<(usize, usize)> {
    let b = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let s = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b',') {
                i += 1;
            }
            let glued_before = s > 0 && b[s - 1].is_ascii_alphabetic();
            let glued_xx =
                b.get(i).is_some_and(|c| *c == b'x') && b.get(i + 1).is_some_and(|c| *c == b'x');
            if !glued_before && !glued_xx {
                out.push((s, i));
            }
        } else {
            i += 1;
        }
    }
    out
}

fn contains_word(hay: &str, word: &str) -> bool {
    let mut from = 0;
    while let Some(p) = hay[from..].find(word) {
        let s = from + p;
        let e = s + word.len();
        let before_ok = s == 0 || !hay.as_bytes()[s - 1].is_ascii_alphanumeric();
        let after_ok = e >= hay.len() || !hay.as_bytes()[e].is_ascii_alphanumeric();
        if before_ok && after_ok {
            return true;
        }
        from = e;
    }
    false
}

const TIME_UNITS: &[&str] = &[
    "s", "sec", "secs", "second", "seconds", "m", "min", "mins", "minute", "minutes", "h", "hr",
    "hrs", "hour", "hours", "d", "day", "days",
];

/// Does a threshold name a time window (`for 5 minutes`, `over 10m`, `in 10 min`,
/// `within 1 hour`, `per minute`, `5-minute window`)?
pub fn has_window(value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    let words: Vec<&str> = v
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect();
    const LEADS: &[&str] = &[
        "for",
        "over",
        "within",
        "in",
        "during",
        "across",
        "sustained",
        "rolling",
        "last",
        "per",
        "each",
        "every",
    ];
    for (i, w) in words.iter().enumerate() {
        if LEADS.contains(w) {
            // `for 5 minutes`, `over 10m`, `per minute`, `in a 5 minute window`
            for next in words.iter().skip(i + 1).take(3) {
                if is_duration(next) || TIME_UNITS.contains(next) && *next != "m" && *next != "s" {
                    return true;
                }
            }
        }
        if (w.ends_with("-minute")
            || w.ends_with("-hour")
            || w.ends_with("-second")
            || w.ends_with("-min"))
            && has_digit(w)
        {
            return true;
        }
        if *w == "window"
            && i > 0
            && (is_duration(words[i - 1]) || TIME_UNITS.contains(&words[i - 1]))
        {
            return true;
        }
    }
    v.contains("/min") || v.contains("/hour") || v.contains("/h ") || v.contains("/sec")
}

/// `5m`, `10min`, `2h`, `30s` (a bare number is no duration: `per 100 requests`).
fn is_duration(w: &str) -> bool {
    let digits = w
        .bytes()
        .take_while(|c| c.is_ascii_digit() || *c == b'.')
        .count();
    if digits == 0 {
        return false;
    }
    let unit = &w[digits..];
    TIME_UNITS.contains(&unit)
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
                if !is_link && !is_checkbox && !is_env_ref && wordy && !inner.contains("](") {
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

/// A literal secret in a value: `(span relative to value, what it looks like)`.
/// `key_value_rule` enables the `NAME=value` rule for secret-looking names (Configuration and
/// Secrets fields).
pub fn find_secret(value: &str, key_value_rule: bool) -> Option<(Span, &'static str)> {
    if let Some(p) = value.find("-----BEGIN") {
        if value[p..].contains("PRIVATE KEY") {
            // The `-----BEGIN … PRIVATE KEY-----` line (a finding stays on one line).
            let end = value[p..].find('\n').map_or(value.len(), |n| p + n);
            return Some((p..end, "a private key block"));
        }
    }
    // `postgres://app:S3cr3t@db:5432/app`: a password in a connection URL.
    let mut from = 0;
    while let Some(p) = value[from..].find("://") {
        let s = from + p + 3;
        let end = value[s..]
            .find(|c: char| c.is_whitespace() || matches!(c, '/' | '`' | '"' | '\''))
            .map_or(value.len(), |n| s + n);
        let authority = &value[s..end];
        if let Some(at) = authority.rfind('@') {
            if let Some(colon) = authority[..at].find(':') {
                let pass = &authority[colon + 1..at];
                let reference = pass.is_empty()
                    || pass.starts_with(['$', '<', '{', '%'])
                    || pass.chars().all(|c| matches!(c, '*' | 'x' | 'X' | '.'));
                if !reference {
                    return Some((s + colon + 1..s + at, "a password in a connection URL"));
                }
            }
        }
        from = end.max(s);
    }
    const TOKEN_PREFIXES: &[(&str, &str)] = &[
        ("sk_live_", "a Stripe live secret key"),
        ("rk_live_", "a Stripe restricted key"),
        ("sk_test_", "a Stripe test secret key"),
        ("ghp_", "a GitHub token"),
        ("gho_", "a GitHub token"),
        ("ghs_", "a GitHub token"),
        ("github_pat_", "a GitHub token"),
        ("glpat-", "a GitLab token"),
        ("xoxb-", "a Slack token"),
        ("xoxp-", "a Slack token"),
        ("AKIA", "an AWS access key ID"),
        ("AIza", "a Google API key"),
        ("sk-", "an API secret key"),
    ];
    for tok in tokens(value) {
        let t = &value[tok.clone()];
        // Every rule needs at least 15 bytes (the shortest prefix, 3, and 12 more).
        if t.len() < 15 {
            continue;
        }
        for (p, what) in TOKEN_PREFIXES {
            if t.starts_with(p)
                && t.len() >= p.len() + 12
                && t[p.len()..].bytes().any(|c| c.is_ascii_digit())
            {
                return Some((tok, what));
            }
        }
        if key_value_rule && looks_like_token(t) {
            return Some((tok, "a long high-entropy token"));
        }
    }
    if key_value_rule {
        for line in value.split('\n') {
            let base = line.as_ptr() as usize - value.as_ptr() as usize;
            let l = line.trim_start_matches(['-', '*', ' ', '\t']);
            let lead = line.len() - l.len();
            let Some(sep) = l.find(['=', ':']) else {
                continue;
            };
            let name = l[..sep].trim().to_ascii_lowercase();
            let val = l[sep + 1..].trim();
            let secretish = [
                "password",
                "passwd",
                "secret",
                "token",
                "api_key",
                "apikey",
                "private_key",
                "access_key",
                "credential",
            ]
            .iter()
            .any(|w| name.contains(w));
            // `AWS Secrets Manager: checkout/prod/stripe` names where the secret lives.
            let store = ["manager", "vault", "store", "parameter"]
                .iter()
                .any(|w| name.contains(w));
            if secretish && !store && is_literal(val) {
                let vs =
                    base + lead + sep + 1 + (l[sep + 1..].len() - l[sep + 1..].trim_start().len());
                return Some((vs..vs + val.len(), "a literal credential"));
            }
        }
    }
    None
}

/// A value that is a literal, not a reference to a secret store.
fn is_literal(val: &str) -> bool {
    let v = val.trim_matches(['"', '\'', '`']);
    if v.len() < 6 || v.contains(' ') {
        return false;
    }
    let l = v.to_ascii_lowercase();
    let references = [
        "${",
        "{{",
        "<",
        "vault",
        "secretsmanager",
        "secrets manager",
        "ssm:",
        "arn:",
        "env:",
        "secretref",
        "ref:",
        "***",
        "xxx",
        "from ",
        "kms",
        "sops",
        "keyvault",
        "gcp-sm",
        "(",
    ];
    !references.iter().any(|r| l.contains(r)) && !l.starts_with('$')
}

fn tokens(value: &str) -> impl Iterator<Item = Span> + '_ {
    let b = value.as_bytes();
    let mut i = 0;
    let tok = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'+' | b'/');
    std::iter::from_fn(move || {
        while i < b.len() && !tok(b[i]) {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        let s = i;
        while i < b.len() && tok(b[i]) {
            i += 1;
        }
        Some(s..i)
    })
}

/// A long random-looking token: mixed case and digits, no path or word structure.
fn looks_like_token(t: &str) -> bool {
    t.len() >= 32
        && !t.starts_with(['/', '.'])
        && !t.contains("--")
        && t.bytes().any(|c| c.is_ascii_uppercase())
        && t.bytes().any(|c| c.is_ascii_lowercase())
        && has_digit(t)
        && t.split(['-', '/', '_'])
            .all(|seg| seg.len() < 24 || entropy(seg) > 3.5)
        && entropy(t) > 4.2
}

fn entropy(s: &str) -> f64 {
    let mut counts = [0usize; 256];
    for b in s.bytes() {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
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
    fn measurable_thresholds() {
        for v in [
            ">2% of requests for 5 minutes",
            "p99 latency > 800ms",
            "error rate above 1.5%",
            "more than 3 user reports in 10 min",
            "5xx rate exceeds 2% for 5 minutes",
            "p95 ≥ 400 ms",
        ] {
            assert!(is_measurable(v), "{v}");
        }
        for v in [
            "high",
            "TBD",
            "bad",
            "[Specific metric or condition]",
            "p99 is bad",
            "5xx errors",
            "when it feels slow",
        ] {
            assert!(!is_measurable(v), "{v}");
        }
    }

    #[test]
    fn windows() {
        for v in [
            ">2% of requests for 5 minutes",
            "over 10m",
            "more than 3 user reports in 10 min",
            "p95 > 400ms sustained 5m",
            "3 failures per minute",
            "2% in a 5-minute window",
        ] {
            assert!(has_window(v), "{v}");
        }
        for v in ["p99 latency > 800ms", "error rate above 1.5%", "> 5 errors"] {
            assert!(!has_window(v), "{v}");
        }
    }

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
    fn secrets() {
        assert!(find_secret(
            "- STRIPE_SECRET_KEY=sk_live_51Hx9aQ2eZvKYlo2C8Xr4bT0n",
            true
        )
        .is_some());
        assert!(find_secret("- DB_PASSWORD=hunter2hunter2", true).is_some());
        assert!(find_secret("- DB_PASSWORD=${DB_PASSWORD}", true).is_none());
        assert!(find_secret("AWS Secrets Manager, rotated monthly", true).is_none());
        assert!(find_secret("- NODE_ENV=production\n- LOG_LEVEL=info", true).is_none());
        assert!(find_secret("commit 3f786850e387550fdab836ed7e6dc881de23001b", true).is_none());
        assert!(find_secret("see /epics/EPIC-02-payments-hardening and more", true).is_none());
        let v = "- TOKEN_X=Zk9QmX2vR7tLp4WcN8yB3hJd6FsA1eUq";
        let (span, _) = find_secret(v, true).unwrap();
        assert_eq!(&v[span], "Zk9QmX2vR7tLp4WcN8yB3hJd6FsA1eUq");
    }

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
}

/// Is `v` filler rather than a value: `TBD`, `TBC`, `TODO`, `N/A`, `???`, `-`, `Unassigned`,
/// `None`, `Unknown`, an empty value? (Minimal version for the report's owner gate; helper
/// val's version, with the same signature, replaces it.)
pub fn is_filler(v: &str) -> bool {
    let v = v
        .trim()
        .trim_matches(|c: char| c == '*' || c == '_' || c == '`')
        .trim();
    if v.is_empty()
        || v.chars()
            .all(|c| matches!(c, '?' | '-' | '—' | '–' | '.' | '…'))
    {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    let lower = lower.trim_end_matches(['.', '!']);
    matches!(
        lower,
        "tbd"
            | "tbc"
            | "tba"
            | "todo"
            | "fixme"
            | "n/a"
            | "na"
            | "n.a."
            | "none"
            | "nobody"
            | "unknown"
            | "unassigned"
            | "not assigned"
            | "to be determined"
            | "to be decided"
            | "to be confirmed"
            | "pending"
            | "xxx"
    )
}

#[cfg(test)]
mod filler_tests {
    use super::is_filler;

    #[test]
    fn filler_values() {
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
            assert!(is_filler(v), "{v:?}");
        }
        for v in [
            "Platform team",
            "SRE on-call",
            "Dana (QA)",
            "N/A team",
            "Nadia",
        ] {
            assert!(!is_filler(v), "{v:?}");
        }
    }
}

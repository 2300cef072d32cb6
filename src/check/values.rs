//! Value classifiers used by the checks: measurable thresholds, time windows, template
//! placeholders, literal secrets, configuration keys, and did-you-mean suggestions.

use crate::syntax::Span;

pub use crate::suggest::{did_you_mean, DID_YOU_MEAN_BUDGET};

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
/// A duration alone (`in 5 minutes`, `5 minutes`, `within 5 minutes`) is a window, not a
/// threshold: at least one number must measure something else, or a duration must follow a
/// comparator (`latency > 2s`).
pub fn is_measurable(value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    // Numbers that are part of a metric name (p99, 5xx, http2) do not count on their own.
    let mut numbers = numbers_in(&v);
    numbers.retain(|&(s, e)| !is_window_number(&v, s, e));
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

/// Is the value a time window and nothing measurable (`in 5 minutes`, `within 10m`)?
pub fn is_window_only(value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    let numbers = numbers_in(&v);
    !numbers.is_empty() && numbers.iter().all(|&(s, e)| is_window_number(&v, s, e))
}

/// A window to suggest for a threshold that has none, different from any duration in it (no
/// "5 minutes for 5 minutes").
pub fn window_example(value: &str) -> &'static str {
    let v = value.to_ascii_lowercase();
    if v.contains("5 min") || v.contains("5m") || v.contains("5-min") {
        "10 minutes"
    } else {
        "5 minutes"
    }
}

/// Is the number at `s..e` of `v` (lowercase) a duration that is not compared (`for 5 minutes`,
/// `in 10m`, `5 minutes`) — unlike `> 2s` or `latency above 3 seconds`?
fn is_window_number(v: &str, s: usize, e: usize) -> bool {
    let rest = v[e..].trim_start_matches([' ', '-']);
    let unit: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
    let after = rest[unit.len()..].chars().next();
    if !TIME_UNITS.contains(&unit.as_str()) || after == Some('/') {
        return false;
    }
    let before = v[..s].trim_end();
    if before.ends_with(['>', '<', '≥', '≤', '=', '+']) {
        return false;
    }
    let last_words: Vec<&str> = before.split_whitespace().rev().take(2).collect();
    let one = last_words.first().copied().unwrap_or("");
    let two = match last_words.as_slice() {
        [a, b] => format!("{b} {a}"),
        _ => String::new(),
    };
    const COMPARED: &[&str] = &[
        "above",
        "below",
        "exceeds",
        "exceed",
        "exceeding",
        "under",
        "max",
        "maximum",
        "min",
        "minimum",
        "beyond",
        "than",
        "least",
        "most",
        "reaches",
        "hits",
        "is",
        "takes",
    ];
    !(COMPARED.contains(&one) || ["more than", "longer than", "at least"].contains(&two.as_str()))
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

/// The first literal secret in a value (see [`find_secrets`]).
pub fn find_secret(value: &str, key_value_rule: bool) -> Option<(Span, &'static str)> {
    find_secrets(value, key_value_rule).into_iter().next()
}

/// Token prefixes of well-known credentials.
const TOKEN_PREFIXES: &[(&str, &str)] = &[
    ("sk_live_", "a Stripe live secret key"),
    ("rk_live_", "a Stripe restricted key"),
    ("sk_test_", "a Stripe test secret key"),
    ("rk_test_", "a Stripe restricted key"),
    ("whsec_", "a webhook signing secret"),
    ("ghp_", "a GitHub token"),
    ("gho_", "a GitHub token"),
    ("ghs_", "a GitHub token"),
    ("ghu_", "a GitHub token"),
    ("ghr_", "a GitHub token"),
    ("github_pat_", "a GitHub token"),
    ("glpat-", "a GitLab token"),
    ("xoxb-", "a Slack token"),
    ("xoxp-", "a Slack token"),
    ("xoxa-", "a Slack token"),
    ("xoxr-", "a Slack token"),
    ("xoxs-", "a Slack token"),
    ("xapp-", "a Slack token"),
    ("AKIA", "an AWS access key ID"),
    ("ASIA", "an AWS access key ID"),
    ("AIza", "a Google API key"),
    ("npm_", "an npm token"),
    ("pypi-", "a PyPI token"),
    ("shpat_", "a Shopify token"),
    ("shpss_", "a Shopify token"),
    ("dop_v1_", "a DigitalOcean token"),
    ("hf_", "a Hugging Face token"),
    ("sk-ant-", "an Anthropic API key"),
    ("sk-proj-", "an OpenAI API key"),
    ("sk-", "an API secret key"),
];

/// Hosts whose URL paths hold the credential (incoming webhooks).
const WEBHOOK_HOSTS: &[(&str, &str)] = &[
    ("hooks.slack.com/", "a Slack webhook URL"),
    ("discord.com/api/webhooks/", "a Discord webhook URL"),
    ("discordapp.com/api/webhooks/", "a Discord webhook URL"),
    ("webhook.office.com/", "a Microsoft Teams webhook URL"),
    (
        "outlook.office.com/webhook/",
        "a Microsoft Teams webhook URL",
    ),
    ("hooks.zapier.com/hooks/catch/", "a Zapier webhook URL"),
    (
        "chat.googleapis.com/v1/spaces/",
        "a Google Chat webhook URL",
    ),
];

/// Every literal secret in a text, in order, as `(span relative to the text, what it looks
/// like)`. Works on one value or on many lines (a fenced block): a private-key block, a
/// password in a connection URL, an incoming-webhook URL, a token with a known prefix
/// (`sk_live_`, `ghp_`, `xoxb-`, `AKIA`, `SG.`, …), a secret-named variable set to a literal
/// anywhere (`export DB_PASSWORD=…`, `API_TOKEN=…`, `?token=…`, `aws_secret_access_key = …`),
/// and a long high-entropy token. References are not secrets: `${{ secrets.X }}`, `$DB_PASSWORD`,
/// `${DB_PASSWORD}`, `<redacted>`, `***`, `{{ vault … }}`, `op://…`, `arn:aws:secretsmanager:…`,
/// "stored in Vault". `key_value_rule` also reads `name: value` lines with a secret-looking name
/// (Configuration and Secrets fields, configuration blocks).
pub fn find_secrets(value: &str, key_value_rule: bool) -> Vec<(Span, &'static str)> {
    let mut out: Vec<(Span, &'static str)> = Vec::new();
    // `-----BEGIN … PRIVATE KEY-----`: the header line (a finding stays on one line).
    let mut from = 0;
    while let Some(p) = value[from..].find("-----BEGIN") {
        let p = from + p;
        let end = value[p..].find('\n').map_or(value.len(), |n| p + n);
        if value[p..end].contains("PRIVATE KEY") {
            out.push((p..end.max(p), "a private key block"));
        }
        from = end.max(p + 1);
    }
    // `postgres://app:S3cr3t@db:5432/app`: a password in a connection URL.
    let mut from = 0;
    while let Some(p) = value[from..].find("://") {
        let s = from + p + 3;
        let end = value[s..]
            .find(|c: char| c.is_whitespace() || matches!(c, '/' | '`' | '"' | '\'' | ')' | '>'))
            .map_or(value.len(), |n| s + n);
        let authority = &value[s..end];
        if let Some(at) = authority.rfind('@') {
            if let Some(colon) = authority[..at].find(':') {
                let pass = &authority[colon + 1..at];
                let reference = pass.is_empty()
                    || pass.starts_with(['$', '<', '{', '%'])
                    || pass.chars().all(|c| matches!(c, '*' | 'x' | 'X' | '.'));
                if !reference {
                    out.push((s + colon + 1..s + at, "a password in a connection URL"));
                }
            }
        }
        // Incoming webhooks: the path is the credential.
        let url_end = value[s..]
            .find(|c: char| c.is_whitespace() || matches!(c, '`' | '"' | '\'' | ')' | '>' | '<'))
            .map_or(value.len(), |n| s + n);
        let url = &value[s..url_end];
        for (host, what) in WEBHOOK_HOSTS {
            if let Some(h) = url.find(host) {
                let path = &url[h + host.len()..];
                let tokenish = path
                    .split('/')
                    .any(|seg| seg.len() >= 8 && has_digit(seg) && is_literal(seg));
                if tokenish {
                    out.push((s + h + host.len()..url_end, what));
                }
                break;
            }
        }
        from = url_end.max(end).max(s);
    }
    // Named first: for the same span, the name says more than the token's shape.
    assignments(value, &mut out);
    for tok in tokens(value) {
        let t = &value[tok.clone()];
        // Every rule needs at least 15 bytes (the shortest prefix, 3, and 12 more).
        if t.len() < 15 {
            continue;
        }
        let in_url = in_url(value, tok.start);
        let mut hit = false;
        for (p, what) in TOKEN_PREFIXES {
            if t.starts_with(p)
                && t.len() >= p.len() + 12
                && t[p.len()..].bytes().any(|c| c.is_ascii_digit())
                && !(p.len() <= 4 && t[p.len()..].contains('-') && t[p.len()..].contains('/'))
            {
                if *p == "AKIA" || *p == "ASIA" {
                    // An access key ID: 16 uppercase letters and digits after the prefix.
                    let rest = &t[4..];
                    if rest.len() != 16
                        || !rest
                            .bytes()
                            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                    {
                        continue;
                    }
                }
                out.push((tok.clone(), what));
                hit = true;
                break;
            }
        }
        if !hit && !in_url && looks_like_token(t) {
            out.push((tok, "a long high-entropy token"));
        }
    }
    // SendGrid: `SG.<22>.<43>`.
    let mut from = 0;
    while let Some(p) = value[from..].find("SG.") {
        let s = from + p;
        let glued = s > 0 && value.as_bytes()[s - 1].is_ascii_alphanumeric();
        let end = value[s..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
            .map_or(value.len(), |n| s + n);
        let body = &value[s + 3..end];
        if !glued && body.len() >= 40 && body.contains('.') && has_digit(body) {
            out.push((s..end, "a SendGrid API key"));
        }
        from = end.max(s + 3);
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
                out.push((vs..vs + val.len(), "a literal credential"));
            }
        }
    }
    // For one span, the most specific description wins.
    let rank = |what: &str| match what {
        "a long high-entropy token" => 1,
        "a literal credential" => 2,
        _ => 0,
    };
    out.sort_by_key(|(s, w)| (s.start, std::cmp::Reverse(s.end), rank(w)));
    // One finding per place: overlapping hits keep the first (and widest).
    let mut kept: Vec<(Span, &'static str)> = Vec::with_capacity(out.len());
    for (s, w) in out {
        if kept.last().is_some_and(|(k, _)| s.start < k.end) {
            continue;
        }
        kept.push((s, w));
    }
    kept
}

/// Is the byte at `at` inside a URL (a `://` earlier in the same whitespace-separated word)?
fn in_url(value: &str, at: usize) -> bool {
    let word_start = value[..at]
        .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '<' | '`' | '"'))
        .map_or(0, |p| {
            p + value[p..].chars().next().map_or(1, char::len_utf8)
        });
    value[word_start..at].contains("://")
}

/// Names that hold a credential when they end a variable name: `DB_PASSWORD`, `API_TOKEN`,
/// `CLIENT_SECRET`, `aws_secret_access_key`, `STRIPE_KEY` (the last only with a token-like value).
fn secret_name(name: &str) -> Option<bool> {
    let n = name.to_ascii_lowercase();
    let n = n.trim_start_matches('-');
    for w in [
        "password",
        "passwd",
        "secret",
        "token",
        "api_key",
        "apikey",
        "api-key",
        "access_key",
        "secret_key",
        "private_key",
        "credentials",
        "credential",
        "auth_token",
        "access_token",
        "refresh_token",
        "client_secret",
        "webhook_secret",
        "signing_secret",
        "pass",
        "pwd",
    ] {
        if n.ends_with(w) {
            let boundary = n.len() == w.len()
                || matches!(n.as_bytes()[n.len() - w.len() - 1], b'_' | b'-' | b'.');
            if !boundary && !matches!(w, "password" | "passwd" | "secret" | "token" | "apikey") {
                continue;
            }
            if matches!(w, "pass" | "pwd") && n.len() == w.len() {
                continue; // `PWD=/app` is the working directory
            }
            return Some(false);
        }
    }
    if n.ends_with("_key") || n.ends_with("-key") || n == "key" || n.ends_with("sig") {
        return Some(true);
    }
    None
}

/// Does a configuration key name a secret (`STRIPE_SECRET_KEY`, `DB_PASSWORD`, `API_TOKEN`)?
/// Environment drift on such a key must not suggest copying its value across environments.
pub fn is_secret_name(name: &str) -> bool {
    secret_name(name).is_some()
}

/// `NAME=literal` (or `NAME = literal`, `NAME: literal` for a snake_case name) anywhere in the
/// text, for a secret-looking NAME: `export DB_PASSWORD=hunter2hunter2`, `?token=abc123…`.
fn assignments(value: &str, out: &mut Vec<(Span, &'static str)>) {
    let b = value.as_bytes();
    let name_byte = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.');
    for (i, &c) in b.iter().enumerate() {
        if c != b'=' && c != b':' {
            continue;
        }
        if c == b'='
            && (b.get(i + 1) == Some(&b'=')
                || i > 0 && matches!(b[i - 1], b'=' | b'!' | b'<' | b'>'))
        {
            continue;
        }
        // The name before it (spaces allowed before `=`).
        let mut ne = i;
        if c == b'=' {
            while ne > 0 && b[ne - 1] == b' ' {
                ne -= 1;
            }
        }
        let mut ns = ne;
        while ns > 0 && name_byte(b[ns - 1]) {
            ns -= 1;
        }
        if ns == ne {
            continue;
        }
        let name = &value[ns..ne];
        if c == b':' && !(name.contains('_') && ne == i) {
            continue; // `Password: rotate monthly` is prose
        }
        let Some(needs_token) = secret_name(name) else {
            continue;
        };
        // The value after it.
        let mut vs = i + 1;
        while vs < b.len() && b[vs] == b' ' {
            vs += 1;
        }
        let (vs, ve) = match b.get(vs) {
            Some(&q @ (b'"' | b'\'')) => {
                let Some(p) = value[vs + 1..].find(q as char) else {
                    continue;
                };
                (vs + 1, vs + 1 + p)
            }
            _ => {
                let e = value[vs..]
                    .find(|c: char| {
                        c.is_whitespace()
                            || matches!(c, '&' | '`' | '"' | '\'' | ',' | ';' | ')' | '|')
                    })
                    .map_or(value.len(), |n| vs + n);
                (vs, e)
            }
        };
        let val = value[vs..ve].trim_end_matches(['.', ':']);
        let ve = vs + val.len();
        if !is_literal(val) || !looks_secret(val, needs_token) {
            continue;
        }
        let l = name.to_ascii_lowercase();
        let what = if l.contains("aws") && l.contains("secret") {
            "an AWS secret access key"
        } else {
            "a literal credential"
        };
        out.push((vs..ve, what));
    }
}

/// A literal that could be a credential: not a plain word (`enabled`, `required`).
fn looks_secret(val: &str, needs_token: bool) -> bool {
    if needs_token {
        return val.len() >= 16
            && has_digit(val)
            && val.bytes().any(|c| c.is_ascii_alphabetic())
            && entropy(val) > 3.0;
    }
    let l = val.to_ascii_lowercase();
    let wordy = val.bytes().all(|c| c.is_ascii_lowercase()) && val.len() < 12;
    let placeholder = [
        "your",
        "here",
        "placeholder",
        "redacted",
        "dummy",
        "example-",
        "changeit",
    ]
    .iter()
    .any(|w| l.contains(w));
    !wordy && !placeholder
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
        "[",
        "op://",
        "redacted",
        "secrets.",
        "process.env",
        "os.environ",
        "getenv",
        "1password",
        "doppler",
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

// ---------------------------------------------------------------------------------------------
// Filler: text that stands where a value should be (`TBD`, `N/A`, `???`, `Yes/No`, "we'll figure
// it out").
// ---------------------------------------------------------------------------------------------

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
    fn a_duration_alone_is_a_window_not_a_threshold() {
        for v in [
            "in 5 minutes",
            "5 minutes",
            "within 5 minutes",
            "for 10m",
            "over 1 hour",
        ] {
            assert!(!is_measurable(v), "{v}");
            assert!(is_window_only(v), "{v}");
        }
        for v in [
            ">2% of requests for 5 minutes",
            "p99 latency > 800ms",
            "error rate above 1.5%",
            "more than 3 user reports in 10 min",
            "p99 latency > 2s for 5 minutes",
            "checkout takes longer than 3 seconds",
            "3 failed health checks within 5 minutes",
        ] {
            assert!(is_measurable(v), "{v}");
            assert!(!is_window_only(v), "{v}");
        }
        assert_eq!(window_example("latency > 5 minutes"), "10 minutes");
        assert_eq!(window_example("p99 latency > 800ms"), "5 minutes");
    }

    #[test]
    fn secrets_in_prose_and_commands() {
        let hit = |v: &str| {
            let (s, _) = find_secret(v, false).unwrap_or_else(|| panic!("no secret in {v:?}"));
            v[s].to_string()
        };
        assert_eq!(
            hit("1. Run `export DB_PASSWORD=hunter2hunter2` then deploy"),
            "hunter2hunter2"
        );
        assert_eq!(
            hit("Set API_TOKEN=Xy7pQ2rL9sT4 before the run"),
            "Xy7pQ2rL9sT4"
        );
        assert_eq!(
            hit("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        );
        assert_eq!(
            hit("key id AKIAIOSFODNN7EXAMPLE in the runner"),
            "AKIAIOSFODNN7EXAMPLE"
        );
        assert_eq!(hit("Post to https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"), "services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX");
        assert_eq!(
            hit("call https://api.example.com/hook?token=a1b2c3d4e5f6g7h8"),
            "a1b2c3d4e5f6g7h8"
        );
        assert_eq!(
            hit("uses ghp_1234567890abcdefghijABCDEFGHIJ123456"),
            "ghp_1234567890abcdefghijABCDEFGHIJ123456"
        );
        assert_eq!(
            hit("bot xoxb-123456789012-abcdefABCDEF"),
            "xoxb-123456789012-abcdefABCDEF"
        );
        assert_eq!(hit("glpat-AbCdEf123456GhIjKl"), "glpat-AbCdEf123456GhIjKl");
        assert_eq!(
            hit("AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUv"),
            "AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUv"
        );
        assert_eq!(
            hit("mail key SG.abcdefghijklmnopqrstuv.ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefg"),
            "SG.abcdefghijklmnopqrstuv.ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefg"
        );
        assert_eq!(
            hit("rk_live_51Hx9aQ2eZvKYlo2C8Xr4bT0n"),
            "rk_live_51Hx9aQ2eZvKYlo2C8Xr4bT0n"
        );
        assert_eq!(
            hit("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----"),
            "-----BEGIN RSA PRIVATE KEY-----"
        );
        // Every hit of a multi-line text, in order.
        let v = "export DB_PASSWORD=hunter2hunter2\nexport STRIPE_KEY=sk_live_51Hx9aQ2eZvKYlo2C8Xr4bT0n\n";
        let all: Vec<&str> = find_secrets(v, false)
            .into_iter()
            .map(|(s, _)| &v[s])
            .collect();
        assert_eq!(all, ["hunter2hunter2", "sk_live_51Hx9aQ2eZvKYlo2C8Xr4bT0n"]);
        // References and prose.
        for v in [
            "DB_PASSWORD=${{ secrets.DB_PASSWORD }}",
            "export DB_PASSWORD=$DB_PASSWORD",
            "DB_PASSWORD=${DB_PASSWORD}",
            "API_TOKEN=<redacted>",
            "API_TOKEN=***",
            "The password is stored in Vault",
            "DB_PASSWORD={{ vault \"secret/db\" }}",
            "DB_PASSWORD=op://prod/db/password",
            "STRIPE_SECRET=arn:aws:secretsmanager:us-east-1:123456789012:secret:stripe",
            "Password: rotate monthly via the secrets manager",
            "PASSWORD_POLICY=strict",
            "TOKEN_TTL=3600",
            "SESSION_TOKEN=enabled",
            "PWD=/home/app/current",
            "CACHE_KEY=users",
            "Rotate the token: see https://docs.google.com/document/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit",
            "if error_rate >= 2% then roll back",
            "API_KEY=your_api_key_here",
            "Slack #incidents, https://hooks.slack.com/ for alerts",
            "commit 3f786850e387550fdab836ed7e6dc881de23001b",
        ] {
            assert!(find_secrets(v, false).is_empty(), "{v:?}: {:?}", find_secrets(v, false));
        }
    }

    #[test]
    fn classifiers_never_panic_on_odd_text() {
        let odd = [
            "",
            "=",
            ":",
            "a=",
            "=b",
            "'",
            "\"",
            "DB_PASSWORD='unterminated",
            "DB_PASSWORD=\"",
            "SG.",
            "x SG.",
            "-----BEGIN",
            "-----BEGIN PRIVATE KEY",
            "://",
            "a://b@",
            "a://:@",
            "https://hooks.slack.com/",
            "token\u{a0}=\u{a0}ü\u{2003}x://ä",
            "\u{a0}https://x.y/ghp_1234567890abcdefghij",
            "é=é",
            "TBD\u{a0}(é)",
            "—",
            "— —",
            "「TBD」",
            "5\u{2009}min",
            "> 5 €/min",
            "in 5 минут",
        ];
        for v in odd {
            let _ = find_secrets(v, true);
            let _ = find_secrets(v, false);
            let _ = filler_in(v);
            let _ = is_missing_owner(v);
            let _ = is_measurable(v);
            let _ = is_window_only(v);
            let _ = has_window(v);
            let _ = placeholders(v);
            let _ = suggest_key(v, crate::schema::DEP_FIELDS);
        }
    }

    #[test]
    fn secret_names() {
        for n in [
            "STRIPE_SECRET_KEY",
            "DB_PASSWORD",
            "API_TOKEN",
            "client_secret",
            "SIGNING_KEY",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in [
            "NODE_ENV",
            "RATE_LIMIT",
            "PASSWORD_POLICY",
            "TOKEN_TTL",
            "PWD",
            "LOG_LEVEL",
        ] {
            assert!(!is_secret_name(n), "{n}");
        }
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

#[cfg(test)]
mod filler_tests {
    use super::is_missing_owner;

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

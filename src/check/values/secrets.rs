//! Literal secrets: `find_secrets` and its tables (token prefixes of well-known credentials,
//! incoming-webhook hosts), secret-looking names (`is_secret_name`), and what counts as a
//! literal rather than a reference to a secret store.

use super::has_digit;
use crate::syntax::Span;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}

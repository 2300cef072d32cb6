//! Drift between staging and production: configuration keys one sets and the other lacks
//! (`environment-drift`), and a different database engine, hosting platform, cloud or secrets
//! mechanism (`Aspect`, its families and which of them are compatible).

use super::EnvEntry;
use crate::check::values::config_keys;
use crate::check::{Code, Finding, Related, Severity};
use crate::config::Config;
use crate::syntax::Entry;

/// What an `Infrastructure:` or `Secrets:` value says about one aspect of an environment: the
/// database engine, the hosting platform, the cloud, the secrets mechanism.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Aspect {
    Database,
    Platform,
    Cloud,
    Secrets,
}

impl Aspect {
    fn what(self) -> &'static str {
        match self {
            Aspect::Database => "database",
            Aspect::Platform => "hosting platform",
            Aspect::Cloud => "cloud",
            Aspect::Secrets => "secrets mechanism",
        }
    }
}

/// (aspect, word as matched, family). Families of one aspect that differ between staging and
/// production are drift; `managed-sql` (RDS, Aurora, Cloud SQL without an engine) is
/// compatible with any server SQL engine.
pub(super) const ASPECT_WORDS: &[(Aspect, &str, &str)] = &[
    (Aspect::Database, "sqlite", "SQLite"),
    (Aspect::Database, "sqlite3", "SQLite"),
    (Aspect::Database, "postgres", "PostgreSQL"),
    (Aspect::Database, "postgresql", "PostgreSQL"),
    (Aspect::Database, "mysql", "MySQL"),
    (Aspect::Database, "mariadb", "MySQL"),
    (Aspect::Database, "sql server", "SQL Server"),
    (Aspect::Database, "mssql", "SQL Server"),
    (Aspect::Database, "oracle", "Oracle"),
    (Aspect::Database, "mongodb", "MongoDB"),
    (Aspect::Database, "dynamodb", "DynamoDB"),
    (Aspect::Database, "rds", "managed-sql"),
    (Aspect::Database, "aurora", "managed-sql"),
    (Aspect::Database, "cloud sql", "managed-sql"),
    (Aspect::Database, "supabase", "PostgreSQL"),
    (Aspect::Database, "neon", "PostgreSQL"),
    (Aspect::Database, "planetscale", "MySQL"),
    (Aspect::Platform, "kubernetes", "Kubernetes"),
    (Aspect::Platform, "k8s", "Kubernetes"),
    (Aspect::Platform, "eks", "Kubernetes"),
    (Aspect::Platform, "gke", "Kubernetes"),
    (Aspect::Platform, "aks", "Kubernetes"),
    (Aspect::Platform, "openshift", "Kubernetes"),
    (Aspect::Platform, "ecs", "ECS"),
    (Aspect::Platform, "fargate", "ECS"),
    (Aspect::Platform, "lambda", "serverless functions"),
    (Aspect::Platform, "cloud functions", "serverless functions"),
    (Aspect::Platform, "heroku", "Heroku"),
    (Aspect::Platform, "vercel", "Vercel"),
    (Aspect::Platform, "netlify", "Netlify"),
    (Aspect::Platform, "fly.io", "Fly.io"),
    (Aspect::Platform, "docker compose", "Docker Compose"),
    (Aspect::Platform, "docker-compose", "Docker Compose"),
    (Aspect::Platform, "localhost", "a local machine"),
    (Aspect::Platform, "laptop", "a local machine"),
    (Aspect::Cloud, "aws", "AWS"),
    (Aspect::Cloud, "amazon web services", "AWS"),
    (Aspect::Cloud, "gcp", "Google Cloud"),
    (Aspect::Cloud, "google cloud", "Google Cloud"),
    (Aspect::Cloud, "azure", "Azure"),
    (Aspect::Cloud, "digitalocean", "DigitalOcean"),
    (Aspect::Cloud, "hetzner", "Hetzner"),
    (Aspect::Secrets, ".env", "an .env file"),
    (Aspect::Secrets, "env file", "an .env file"),
    (Aspect::Secrets, "dotenv", "an .env file"),
    (Aspect::Secrets, "plain text", "plain text"),
    (Aspect::Secrets, "plaintext", "plain text"),
    (Aspect::Secrets, "hardcoded", "plain text"),
    (Aspect::Secrets, "hard-coded", "plain text"),
    (Aspect::Secrets, "vault", "a secrets manager"),
    (Aspect::Secrets, "secrets manager", "a secrets manager"),
    (Aspect::Secrets, "secret manager", "a secrets manager"),
    (Aspect::Secrets, "parameter store", "a secrets manager"),
    (Aspect::Secrets, "ssm", "a secrets manager"),
    (Aspect::Secrets, "key vault", "a secrets manager"),
    (Aspect::Secrets, "doppler", "a secrets manager"),
    (Aspect::Secrets, "1password", "a secrets manager"),
    (Aspect::Secrets, "sops", "a secrets manager"),
    (Aspect::Secrets, "sealed secrets", "a secrets manager"),
    (Aspect::Secrets, "kubernetes secrets", "a secrets manager"),
    (Aspect::Secrets, "github secrets", "a secrets manager"),
    (Aspect::Secrets, "actions secrets", "a secrets manager"),
    (Aspect::Secrets, "infisical", "a secrets manager"),
];

/// The families of one aspect an environment's value names (in table order, distinct).
pub(super) fn families(value: &str, aspect: Aspect) -> Vec<&'static str> {
    let lower = value.to_ascii_lowercase();
    let b = lower.as_bytes();
    let word = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let mut out: Vec<&'static str> = Vec::new();
    for &(a, w, fam) in ASPECT_WORDS {
        if a != aspect || out.contains(&fam) {
            continue;
        }
        let mut from = 0;
        while let Some(i) = lower.get(from..).and_then(|rest| rest.find(w)) {
            let at = from + i;
            let end = at + w.len();
            // `.env` may follow a word (`app.env`) but not precede one (`.environment`).
            let starts_ok = w.starts_with('.') || !word(at.checked_sub(1).and_then(|j| b.get(j)));
            if starts_ok && !word(b.get(end)) {
                out.push(fam);
                break;
            }
            from = at + 1;
        }
    }
    out
}

/// Do two sets of families of an aspect agree (share a family, or a managed SQL service meets
/// a server SQL engine)?
pub(super) fn compatible(a: &[&str], b: &[&str]) -> bool {
    const SERVER_SQL: &[&str] = &["PostgreSQL", "MySQL", "SQL Server", "Oracle", "managed-sql"];
    a.iter().any(|x| {
        b.iter().any(|y| {
            x == y
                || (*x == "managed-sql" && SERVER_SQL.contains(y))
                || (*y == "managed-sql" && SERVER_SQL.contains(x))
        })
    })
}

pub(super) fn family_name(f: &str) -> &str {
    if f == "managed-sql" {
        "a managed SQL service"
    } else {
        f
    }
}

/// Drift beyond keys: staging and production name a different database engine, hosting
/// platform or cloud (`Infrastructure:`), or a different secrets mechanism (`Secrets:`). One
/// finding per differing aspect, on staging's field (staging should mirror production).
pub(super) fn platform_drift(
    staging: &EnvEntry,
    production: &EnvEntry,
    config: &Config,
) -> Vec<Finding> {
    let EnvEntry {
        path: spath,
        entry: s,
        ..
    } = staging;
    let EnvEntry {
        path: ppath,
        entry: p,
        ..
    } = production;
    let mut out = Vec::new();
    for (key, aspects) in [
        (
            "infrastructure",
            &[Aspect::Database, Aspect::Platform, Aspect::Cloud][..],
        ),
        ("secrets", &[Aspect::Secrets][..]),
    ] {
        let (Some(sf), Some(pf)) = (s.field(key), p.field(key)) else {
            continue;
        };
        for &aspect in aspects {
            let (a, b) = (families(&sf.value, aspect), families(&pf.value, aspect));
            if a.is_empty() || b.is_empty() || compatible(&a, &b) {
                continue;
            }
            let Some(severity) = config.severity(Code::EnvironmentDrift, Severity::Warning) else {
                continue;
            };
            let list = |v: &[&str]| {
                v.iter()
                    .map(|f| family_name(f))
                    .collect::<Vec<_>>()
                    .join(" and ")
            };
            let (sa, pa) = (list(&a), list(&b));
            let advice = match aspect {
                Aspect::Secrets => "use the same secrets mechanism in both, each environment with its own secrets (never copy a secret from one environment to another)",
                Aspect::Database => "run staging on the production database engine, or staging cannot catch what production will do",
                Aspect::Platform | Aspect::Cloud => "provision staging like production (infrastructure as code)",
            };
            out.push(Finding {
                code: Code::EnvironmentDrift,
                severity,
                message: format!(
                    "{} (staging) uses {sa} as its {what}, {} (production) {pa} — environment drift: {advice}",
                    s.id,
                    p.id,
                    what = aspect.what()
                ),
                path: spath.to_string(),
                span: s.abs(sf.key_span),
                id: Some(s.id.to_string()),
                related: vec![Related {
                    path: ppath.to_string(),
                    span: p.abs(pf.key_span),
                    message: format!("{} (production) uses {pa}", p.id),
                }],
                fix: None,
            });
        }
    }
    out
}

/// Keys `other` sets that `this` lacks: one finding on `this`.
pub(super) fn drift(this: &EnvEntry, other: &EnvEntry, config: &Config) -> Option<Finding> {
    let EnvEntry {
        path,
        entry: e,
        name,
    } = this;
    let EnvEntry {
        path: opath,
        entry: o,
        name: oname,
    } = other;
    let keys = |e: &Entry| {
        e.field("configuration")
            .map(|f| config_keys(&f.value))
            .unwrap_or_default()
    };
    let mine = keys(e);
    let theirs = keys(o);
    let lacking: Vec<&String> = theirs
        .iter()
        .map(|(k, _)| k)
        .filter(|k| !mine.iter().any(|(m, _)| m == *k))
        .collect();
    if lacking.is_empty() {
        return None;
    }
    let severity = config.severity(Code::EnvironmentDrift, Severity::Warning)?;
    let span = e
        .field("configuration")
        .map(|f| e.abs(f.key_span))
        .unwrap_or_else(|| e.id_span.clone());
    let related = o
        .field("configuration")
        .map(|f| Related {
            path: opath.to_string(),
            span: o.abs(f.key_span),
            message: format!(
                "{} ({oname}) sets {}",
                o.id,
                lacking
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
        .into_iter()
        .collect();
    // A secret's key is set in each environment with a value of its own: the message never
    // suggests copying one across.
    let secret = lacking.iter().any(|k| looks_secret(k));
    let advice = if secret {
        "keep staging and production configuration keys in sync, each environment with its own secret values (from its secrets manager; never copy a secret from one environment to another)"
    } else {
        "keep staging and production configuration keys in sync"
    };
    Some(Finding {
        code: Code::EnvironmentDrift,
        severity,
        message: format!(
            "{} ({name}) does not set {}, which {} ({oname}) sets — environment drift: {advice}",
            e.id,
            lacking
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            o.id
        ),
        path: path.to_string(),
        span,
        id: Some(e.id.to_string()),
        related,
        fix: None,
    })
}

/// Does a configuration key name a secret (`STRIPE_SECRET_KEY`, `DB_PASSWORD`, `API_TOKEN`)?
pub(super) fn looks_secret(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    [
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "PWD",
        "TOKEN",
        "API_KEY",
        "APIKEY",
        "PRIVATE",
        "CREDENTIAL",
        "_KEY",
        "DSN",
        "WEBHOOK",
    ]
    .iter()
    .any(|w| k.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_and_compatibility() {
        assert_eq!(families("SQLite on disk", Aspect::Database), ["SQLite"]);
        assert_eq!(families("app.env file", Aspect::Secrets), ["an .env file"]);
        assert!(families(".environment", Aspect::Secrets).is_empty());
        assert!(compatible(&["managed-sql"], &["PostgreSQL"]));
        assert!(!compatible(&["SQLite"], &["managed-sql"]));
    }
}

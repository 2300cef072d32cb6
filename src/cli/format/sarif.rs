//! `check --format sarif`: SARIF 2.1.0 for code scanning (regions 1-based, columns in UTF-16
//! code units, paths as URI references relative to `%SRCROOT%`).

use super::Item;
use crate::check::{Code, Severity};
use crate::text::Range;
use serde::Serialize;
use std::io::{self, Write};

const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where the tool's documentation lives: the package's repository or homepage, when
/// `Cargo.toml` names one.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_REPOSITORY"), env!("CARGO_PKG_HOMEPAGE")]
        .into_iter()
        .find(|s| !s.is_empty())
}

#[derive(Serialize)]
struct SarifLog<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<SarifRun<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun<'a> {
    tool: SarifTool,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct SarifTool {
    driver: SarifDriver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifDriver {
    name: &'static str,
    version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<SarifRule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule {
    id: &'static str,
    short_description: SarifText<'static>,
    default_configuration: SarifConfiguration,
}

#[derive(Serialize)]
struct SarifConfiguration {
    level: &'static str,
}

#[derive(Serialize)]
struct SarifText<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: SarifText<'a>,
    locations: Vec<SarifLocation<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: SarifPhysical,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<SarifText<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifPhysical {
    artifact_location: SarifArtifact,
    region: SarifRegion,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifArtifact {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

fn sarif_level(sev: Severity) -> &'static str {
    match sev {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// Percent-encodes a relative path for a URI reference (keeps unreserved characters, `/` and
/// the sub-delimiters that are safe in a path; encodes spaces, `%`, `#`, `?`, `:` and non-ASCII).
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'='
            | b'@' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn sarif_physical(path: &str, range: Range) -> SarifPhysical {
    SarifPhysical {
        artifact_location: SarifArtifact {
            uri: uri_path(path),
            uri_base_id: "%SRCROOT%",
        },
        // SARIF regions are 1-based; endColumn is the column after the last character.
        region: SarifRegion {
            start_line: range.start.line + 1,
            start_column: range.start.character + 1,
            end_line: range.end.line + 1,
            end_column: range.end.character + 1,
        },
    }
}

/// One SARIF log with one run: every finding code as a rule, every finding as a result.
pub(super) fn write(out: &mut dyn Write, items: &[Item]) -> io::Result<()> {
    let rules = Code::ALL
        .iter()
        .map(|c| SarifRule {
            id: c.as_str(),
            short_description: SarifText { text: c.describe() },
            default_configuration: SarifConfiguration {
                level: sarif_level(c.default_severity()),
            },
        })
        .collect();
    let results = items
        .iter()
        .map(|i| SarifResult {
            rule_id: i.code.as_str(),
            rule_index: Code::ALL.iter().position(|c| *c == i.code).unwrap_or(0),
            level: sarif_level(i.severity),
            message: SarifText { text: &i.message },
            locations: vec![SarifLocation {
                id: None,
                physical_location: sarif_physical(&i.path, i.loc.range),
                message: None,
            }],
            related_locations: i
                .related
                .iter()
                .enumerate()
                .map(|(n, r)| SarifLocation {
                    id: Some(n),
                    physical_location: sarif_physical(&r.path, r.loc.range),
                    message: Some(SarifText { text: &r.message }),
                })
                .collect(),
        })
        .collect();
    let log = SarifLog {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: vec![SarifRun {
            tool: SarifTool {
                driver: SarifDriver {
                    name: "dep-ls",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: information_uri(),
                    rules,
                },
            },
            column_kind: "utf16CodeUnits",
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::from)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_encoding() {
        assert_eq!(uri_path("docs/my plan.md"), "docs/my%20plan.md");
        assert_eq!(uri_path("a#b?c:d%.md"), "a%23b%3Fc%3Ad%25.md");
        assert_eq!(uri_path("发.md"), "%E5%8F%91.md");
    }
}

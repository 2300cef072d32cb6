//! The tools of `dep-ls mcp`: what each takes (a JSON Schema), what it tells an agent, and
//! what it answers — plain engine calls over the session's [`Workspace`]: `check` is
//! [`Workspace::check`] (the findings of `dep-ls check`, in the shape of its `--format json`),
//! `lookup_id` the index and [`crate::trace`], `readiness` [`crate::report`], `next_id`
//! [`next_free_id`], `template` [`crate::schema::template`]. No MCP type here: an answer is a
//! JSON object (the tool result's `structuredContent`) and a text that reads well (its text
//! content); a bad argument is an [`Error::Bad`] with a message for the agent.

mod check;
mod lookup;
mod paths;
mod plan;
#[cfg(test)]
mod tests;

use crate::workspace::Workspace;
use serde_json::{json, Map, Value};

/// At most this many findings (references) are written out in a text answer; the structured
/// answer has them all.
const TEXT_LINES: usize = 200;
/// At most this many references of one ID are listed.
const MAX_REFERENCES: usize = 1_000;

/// A tool's answer.
#[derive(Debug)]
pub struct Answer {
    /// The tool result's `structuredContent` (a JSON object).
    pub structured: Value,
    /// Its text content.
    pub text: String,
}

/// A tool call that cannot be answered.
#[derive(Debug, PartialEq, Eq)]
pub enum Error {
    /// No tool of this name (a protocol error: JSON-RPC `-32602`).
    UnknownTool(String),
    /// A bad argument, an unknown ID, prefix or Type, a path outside the workspace: a tool
    /// result with `isError: true` and this message.
    Bad(String),
}

/// One tool: its name, title, description and input schema.
pub struct ToolDef {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub input_schema: Value,
}

/// The tools, in the order `tools/list` gives them.
pub fn list() -> Vec<ToolDef> {
    vec![
        ToolDef {
            name: "check",
            title: "Check DEP- release plans",
            description: "Check the DEP- release-plan Markdown of this workspace with dep-ls: the \
same findings as `dep-ls check --format json` and the editor's diagnostics. Give `path` (a \
Markdown file or a folder, relative to the workspace root or absolute) for its findings only, or \
leave it out for the whole workspace. Files are read again from disk on every call: call it \
after each edit. Each finding has `path` (workspace-relative), `severity` (error, warning, info, \
hint), `code` (e.g. missing-field, unresolved-link), `message`, `range` (0-based line and \
UTF-16 character, as in LSP) and `id` (the entry it belongs to, or null); at most `limit` of \
them (500 by default; `total` and `counts` count them all). The text answer gives \
`path:line:column` 1-based. Error-severity findings fail `dep-ls check` in CI: fix them.",
            input_schema: json!({
                "type": "object",
                "properties": {
                    "path": {
                        "type": "string",
                        "description": "A Markdown file or folder of the workspace (relative to its root, or absolute). Leave out for the whole workspace."
                    },
                    "minSeverity": {
                        "type": "string",
                        "enum": ["error", "warning", "info", "hint"],
                        "description": "Only findings of this severity or worse (default: hint, i.e. all)."
                    },
                    "limit": {
                        "type": "integer",
                        "minimum": 1,
                        "description": "At most this many findings in the answer (default 500), in path and line order."
                    }
                },
                "additionalProperties": false
            }),
        },
        ToolDef {
            name: "lookup_id",
            title: "Look an ID up",
            description: "Look up one ID of the trace graph (DEP-001, API-012, TEST-003, EPIC-01, \
…): where it is defined (file, 1-based line, title, every field with its value), the IDs its \
entry links (with whether each is defined), the entries that link it (`linkedBy`, ranges such \
as `TEST-001 to TEST-030` included) and every reference to it. Use it before linking an ID, to \
check it exists and what it is, and before changing or removing an entry, to see what depends \
on it. An ID referenced but not defined answers with `defined: false` and its references.",
            input_schema: json!({
                "type": "object",
                "properties": {
                    "id": {
                        "type": "string",
                        "description": "The ID, e.g. DEP-001 or API-012."
                    }
                },
                "required": ["id"],
                "additionalProperties": false
            }),
        },
        ToolDef {
            name: "readiness",
            title: "Release readiness",
            description:
                "Release readiness of the workspace's DEP- plans, as `dep-ls report`: per \
plan, the blocking quality gates (environments, criteria, rollback, validation, owners, \
traceability, check) and the advisory downstream links (runbooks, monitoring, gtm), each with \
pass/fail, a summary and the faults (entry ID, path, 1-based line, message); counts and the \
environment progression. `ready` is true when no plan fails a blocking gate. Give `path` (a \
file or folder) for the plans with an entry there only.",
            input_schema: json!({
                "type": "object",
                "properties": {
                    "path": {
                        "type": "string",
                        "description": "A Markdown file or folder of the workspace: only the plans with an entry there. Leave out for every plan."
                    }
                },
                "additionalProperties": false
            }),
        },
        ToolDef {
            name: "next_id",
            title: "Next free ID",
            description: "The next unused ID of a prefix (DEP, API, TEST, EPIC, MON, RUN, …): one \
past the highest number defined in the workspace, zero-padded like its IDs (DEP-008 after \
DEP-007). Use it before writing a new entry instead of guessing a number: duplicate IDs are an \
error. The prefix must be one the workspace knows (the domain profile's registry, dep-ls.toml, \
or one in use).",
            input_schema: json!({
                "type": "object",
                "properties": {
                    "prefix": {
                        "type": "string",
                        "description": "The ID prefix, e.g. DEP or API (a trailing '-' is fine)."
                    }
                },
                "required": ["prefix"],
                "additionalProperties": false
            }),
        },
        ToolDef {
            name: "template",
            title: "Entry template",
            description: "A new DEP- entry of a Type (Environment, Criteria, Rollback, \
Validation, Step) with every field the Type needs, in the guide's order, and its placeholders \
(`[Who verifies]`) to replace: paste it into the plan and fill it in. The ID defaults to the \
next free DEP- ID; the definition is a level-2 heading unless `heading` says otherwise (0: a \
plain `DEP-001: Title` line).",
            input_schema: json!({
                "type": "object",
                "properties": {
                    "type": {
                        "type": "string",
                        "enum": ["Environment", "Criteria", "Rollback", "Validation", "Step"],
                        "description": "The entry Type."
                    },
                    "id": {
                        "type": "string",
                        "description": "The new entry's ID (default: the next free DEP- ID)."
                    },
                    "heading": {
                        "type": "integer",
                        "minimum": 0,
                        "maximum": 6,
                        "description": "Heading level of the definition line (default 2; 0 for a plain line)."
                    }
                },
                "required": ["type"],
                "additionalProperties": false
            }),
        },
    ]
}

/// Answers one tool call over the (current) workspace.
pub fn call(ws: &Workspace, name: &str, args: &Map<String, Value>) -> Result<Answer, Error> {
    let def = list().into_iter().find(|t| t.name == name).ok_or_else(|| {
        Error::UnknownTool(format!(
            "unknown tool `{name}`; the tools are: {}",
            list().iter().map(|t| t.name).collect::<Vec<_>>().join(", ")
        ))
    })?;
    let args = Args::new(args, &def.input_schema)?;
    match name {
        "check" => check::check(ws, &args),
        "lookup_id" => lookup::lookup_id(ws, &args),
        "readiness" => plan::readiness(ws, &args),
        "next_id" => plan::next_id(ws, &args),
        _ => plan::template(ws, &args),
    }
}

/// A tool's arguments, checked against its schema's property names and types.
struct Args<'a> {
    map: &'a Map<String, Value>,
}

impl<'a> Args<'a> {
    fn new(map: &'a Map<String, Value>, schema: &Value) -> Result<Args<'a>, Error> {
        let props = schema["properties"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        for (k, v) in map {
            let Some(p) = props.get(k) else {
                let names: Vec<&str> = props.keys().map(String::as_str).collect();
                let hint = crate::suggest::did_you_mean(k, names.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(Error::Bad(format!(
                    "unknown argument `{k}`{hint}; this tool takes: {}",
                    names.join(", ")
                )));
            };
            let want = p["type"].as_str().unwrap_or("string");
            let ok = match want {
                "integer" => v.is_i64() || v.is_u64(),
                _ => v.is_string(),
            };
            if !ok && !v.is_null() {
                return Err(Error::Bad(format!(
                    "argument `{k}` must be {}, got {}",
                    if want == "integer" {
                        "an integer"
                    } else {
                        "a string"
                    },
                    json_kind(v)
                )));
            }
        }
        for r in schema["required"].as_array().into_iter().flatten() {
            let r = r.as_str().unwrap_or_default();
            if map.get(r).is_none_or(Value::is_null) {
                return Err(Error::Bad(format!("missing required argument `{r}`")));
            }
        }
        Ok(Args { map })
    }

    /// A string argument (trimmed), `None` when absent or null.
    fn str(&self, key: &str) -> Option<&'a str> {
        self.map.get(key).and_then(Value::as_str).map(str::trim)
    }

    fn int(&self, key: &str) -> Option<i64> {
        self.map.get(key).and_then(Value::as_i64)
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

//! The settings, described once: each one's name, what it holds, its allowed values, whether
//! the editor may give it, and how it applies to a [`Config`]. Both readers go through this
//! table — `dep-ls.toml` ([`Config::from_toml_str_over`]) and the editor's `dep-ls` settings
//! section ([`Config::apply_settings`]) — so a value is checked the same way, with the same
//! message, whichever way it comes. The readers only turn their format into a
//! [`serde_json::Value`] and place the problems (a line of the file, or a log line).

use super::{compile_glob, short_glob, valid_prefix, Config, PlanScope};
use crate::codes::{Code, Severity};
use serde_json::Value;

/// One setting.
pub(super) struct Setting {
    /// Its key, in `dep-ls.toml` and in the editor's `dep-ls` section.
    pub(super) name: &'static str,
    /// Written as a TOML table (`[severity]`): how messages show it.
    pub(super) table: bool,
    /// What it holds (its type, for the message about a value of another shape).
    pub(super) holds: &'static str,
    /// The editor's settings may give it too (else only `dep-ls.toml`: what files to read
    /// stays with the workspace).
    pub(super) editor: bool,
    /// Checks a value and applies it to the configuration.
    pub(super) apply: fn(&mut Config, &Value, &mut Problems),
    /// One line on what it does (the JSON Schema's description, `dep-ls init`'s comment).
    pub(super) doc: &'static str,
    /// The JSON Schema of its value (`dep-ls.schema.json`), built from the same tables the
    /// checks use ([`LEVELS`], [`OWNER_TYPES`], [`SCOPES`], `Code::ALL`).
    pub(super) schema: fn() -> Value,
    /// Its value in a configuration, as TOML lines (`key = value`, or a `[table]` and its
    /// lines): `dep-ls init` writes the defaults' lines commented out, `dep-ls config` the
    /// effective ones.
    pub(super) toml: fn(&Config) -> Vec<String>,
}

/// Every setting, in the order the known ones are listed in messages.
pub(super) const SETTINGS: &[Setting] = &[
    Setting {
        name: "prefixes",
        holds: "a list of strings, e.g. prefixes = [\"OPS\"]",
        table: false,
        editor: true,
        apply: prefixes,
        doc: "Extra ID prefixes, besides the defaults (DEP, EPIC, API, TEST, MON, RUN, …) and the domain profile's.",
        schema: schema_prefixes,
        toml: toml_prefixes,
    },
    Setting {
        name: "include",
        holds: "a list of glob strings",
        table: false,
        editor: false,
        apply: include,
        doc: "Globs of the files to read (workspace-relative; default: every *.md and *.markdown); a glob that matches no file is a warning.",
        schema: schema_globs,
        toml: toml_include,
    },
    Setting {
        name: "exclude",
        holds: "a list of glob strings",
        table: false,
        editor: false,
        apply: exclude,
        doc: "Globs of files not to read, in addition to .gitignore.",
        schema: schema_globs,
        toml: toml_exclude,
    },
    Setting {
        name: "max_file_size",
        holds: "a positive number of bytes",
        table: false,
        editor: false,
        apply: max_file_size,
        doc: "Larger files (in bytes) are skipped with a note; an open one is served plain.",
        schema: schema_max_file_size,
        toml: toml_max_file_size,
    },
    Setting {
        name: "severity",
        holds: "a table of code = \"level\"",
        table: true,
        editor: true,
        apply: severity,
        doc: "A level per finding code: error, warning, info, hint or off.",
        schema: schema_severity,
        toml: toml_severity,
    },
    Setting {
        name: "owner",
        holds: "a table of type = \"policy\"",
        table: true,
        editor: true,
        apply: owner,
        doc: "The missing-owner policy per Type (or default): required (error), warning, info, hint or off.",
        schema: schema_owner,
        toml: toml_owner,
    },
    Setting {
        name: "plan",
        holds: "a scope, or a table of `scope` and `environments` (a list of names)",
        table: true,
        editor: true,
        apply: plan,
        doc: "What one plan is (scope: workspace, directory or file) and the environments every plan must document.",
        schema: schema_plan,
        toml: toml_plan,
    },
];

/// The description of a setting by name.
pub(super) fn setting(name: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.name == name)
}

impl Setting {
    /// The setting as messages show it: `prefixes`, `[severity]`.
    fn shown(&self) -> String {
        if self.table {
            format!("[{}]", self.name)
        } else {
            self.name.to_string()
        }
    }

    /// The message about a value that is not what the setting holds.
    fn shape_message(&self) -> String {
        format!("`{}` must be {}", self.shown(), self.holds)
    }
}

/// The message for a key that names no setting (`dep-ls.toml` only: the editor's section also
/// holds the editor's own settings).
pub(super) fn unknown_setting(name: &str) -> String {
    let known: Vec<String> = SETTINGS.iter().map(Setting::shown).collect();
    format!("unknown setting `{name}` (known: {})", known.join(", "))
}

/// Severity levels, as written (`warn`, `information` and `none` are accepted too).
pub(super) const LEVELS: &[&str] = &["error", "warning", "info", "hint", "off"];
/// The Types an `owner` policy is given for, and `default`.
pub(super) const OWNER_TYPES: &[&str] = &[
    "environment",
    "criteria",
    "rollback",
    "validation",
    "step",
    "default",
];
/// Plan scopes.
pub(super) const SCOPES: &[(&str, PlanScope)] = &[
    ("workspace", PlanScope::Workspace),
    ("directory", PlanScope::Directory),
    ("file", PlanScope::File),
];

/// The keys of the `[plan]` table.
pub(super) const PLAN_KEYS: &[&str] = &["scope", "environments"];

/// A problem with a value: the key it is about (the setting, or the entry of a table: the
/// file reader finds its line), and the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Problem {
    pub(super) key: String,
    pub(super) message: String,
}

/// What applying settings found wrong.
#[derive(Default)]
pub(super) struct Problems {
    pub(super) errors: Vec<Problem>,
    /// Why the `exclude` list may be missing globs the user wrote ([`Config::exclude_doubts`];
    /// the reader adds where).
    pub(super) doubts: Vec<String>,
}

impl Problems {
    fn error(&mut self, key: &str, message: String) {
        self.errors.push(Problem {
            key: key.to_string(),
            message,
        });
    }

    /// The value of setting `name` is not what it holds; returns the message.
    fn shape(&mut self, name: &str) -> String {
        let message = setting(name).map_or_else(String::new, Setting::shape_message);
        self.error(name, message.clone());
        message
    }
}

fn string_list(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|x| x.as_str().map(str::to_string))
        .collect()
}

/// Every word a level may be written as (any case), and what it means.
pub(super) const LEVEL_WORDS: &[(&str, Option<Severity>)] = &[
    ("error", Some(Severity::Error)),
    ("warning", Some(Severity::Warning)),
    ("warn", Some(Severity::Warning)),
    ("info", Some(Severity::Info)),
    ("information", Some(Severity::Info)),
    ("hint", Some(Severity::Hint)),
    ("off", None),
    ("none", None),
];

pub(super) fn parse_severity(s: &str) -> Option<Option<Severity>> {
    LEVEL_WORDS
        .iter()
        .find(|(w, _)| w.eq_ignore_ascii_case(s))
        .map(|(_, l)| *l)
}

/// The owner policy's own word (besides the levels): `required` is an error.
pub(super) const REQUIRED: &str = "required";

fn parse_owner_policy(s: &str) -> Option<Option<Severity>> {
    if s.eq_ignore_ascii_case(REQUIRED) {
        return Some(Some(Severity::Error));
    }
    parse_severity(s)
}

/// `prefixes = ["OPS"]`: more ID prefixes.
fn prefixes(c: &mut Config, v: &Value, p: &mut Problems) {
    let key = "prefixes";
    match string_list(v) {
        Some(list) => {
            for x in list {
                if valid_prefix(&x) {
                    c.prefixes.insert(&x);
                } else {
                    p.error(key, format!("`{x}` is not a valid ID prefix (an uppercase letter, then 1–9 uppercase letters or digits)"));
                }
            }
        }
        None => {
            p.shape(key);
        }
    }
}

/// `include = ["docs/**"]`: the files to read (default: every Markdown file).
fn include(c: &mut Config, v: &Value, p: &mut Problems) {
    if let Some(good) = globs("include", v, p) {
        c.include = good;
    }
}

/// `exclude = ["drafts/**"]`: files not to read. A glob that cannot be used is a doubt too
/// (`check --fix` writes nothing while the list may be incomplete).
fn exclude(c: &mut Config, v: &Value, p: &mut Problems) {
    if let Some(good) = globs("exclude", v, p) {
        c.exclude = good;
    }
}

/// A list of globs, each compiled as the walk will (not only parsed): one that cannot be used
/// is named, and the others apply.
fn globs(key: &str, v: &Value, p: &mut Problems) -> Option<Vec<String>> {
    let Some(list) = string_list(v) else {
        let message = p.shape(key);
        if key == "exclude" {
            p.doubts.push(message);
        }
        return None;
    };
    let mut good = Vec::with_capacity(list.len());
    for g in list {
        match compile_glob(&g) {
            Ok(_) => good.push(g),
            Err(e) => {
                let message = format!("`{}` is not a valid glob: {e}", short_glob(&g));
                if key == "exclude" {
                    p.doubts.push(format!("exclude: {message}"));
                }
                p.error(key, message);
            }
        }
    }
    Some(good)
}

/// `max_file_size = 1048576`: larger files are skipped.
fn max_file_size(c: &mut Config, v: &Value, p: &mut Problems) {
    match v.as_i64() {
        Some(n) if n > 0 => c.max_file_size = n as u64,
        _ => {
            p.shape("max_file_size");
        }
    }
}

/// `[severity] missing-owner = "off"`: a level per finding code.
fn severity(c: &mut Config, v: &Value, p: &mut Problems) {
    let Some(t) = v.as_object() else {
        p.shape("severity");
        return;
    };
    for (code, sev) in t {
        let Some(code_v) = Code::from_name(code) else {
            let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
            let hint = crate::suggest::did_you_mean(code, names.iter().copied());
            p.error(
                code,
                format!(
                    "unknown finding code `{code}`{}",
                    hint.map(|h| format!(" — did you mean `{h}`?"))
                        .unwrap_or_default()
                ),
            );
            continue;
        };
        match sev.as_str().and_then(parse_severity) {
            Some(s) => {
                c.severity.insert(code_v, s);
            }
            None => p.error(
                code,
                format!(
                    "severity of `{code}` must be one of {}",
                    quoted(LEVELS).join(", ")
                ),
            ),
        }
    }
}

/// `[owner] criteria = "required"`: the `missing-owner` policy per Type.
fn owner(c: &mut Config, v: &Value, p: &mut Problems) {
    let Some(t) = v.as_object() else {
        p.shape("owner");
        return;
    };
    for (ty, sev) in t {
        let ty_l = ty.to_ascii_lowercase();
        if !OWNER_TYPES.contains(&ty_l.as_str()) {
            p.error(
                ty,
                format!(
                    "unknown Type `{ty}` in [owner] (use {})",
                    or_list(OWNER_TYPES)
                ),
            );
            continue;
        }
        match sev.as_str().and_then(parse_owner_policy) {
            Some(s) => {
                c.owner.insert(ty_l, s);
            }
            None => p.error(ty, format!("owner policy for `{ty}` must be \"required\" (error), \"warning\", \"info\", \"hint\" or \"off\"")),
        }
    }
}

/// `[plan] scope = "directory"` (or `plan = "directory"`), and `environments = [...]`: what one
/// plan is, and the environments every plan must document.
fn plan(c: &mut Config, v: &Value, p: &mut Problems) {
    let scope = match v.as_object() {
        // A table without `scope` keeps the default one (`[plan] environments = [...]` alone).
        Some(t) => t.get("scope"),
        None => Some(v),
    };
    match scope.map(|s| SCOPES.iter().find(|(n, _)| Some(*n) == s.as_str())) {
        None => {}
        Some(Some((_, s))) => c.plan = *s,
        Some(None) => p.error(
            "plan",
            format!(
                "plan scope must be {} (e.g. [plan] scope = \"directory\")",
                or_list(&quoted(&SCOPES.iter().map(|(n, _)| *n).collect::<Vec<_>>()))
            ),
        ),
    }
    for key in v.as_object().into_iter().flat_map(|t| t.keys()) {
        if !PLAN_KEYS.contains(&key.as_str()) {
            p.error(
                key,
                format!("unknown key `{key}` in [plan] (use {})", or_list(PLAN_KEYS)),
            );
        }
    }
    if let Some(envs) = v.as_object().and_then(|t| t.get("environments")) {
        match string_list(envs) {
            Some(l) => {
                c.required_environments = l.into_iter().map(|s| s.to_ascii_lowercase()).collect()
            }
            None => p.error(
                "environments",
                "`environments` must be a list of names".into(),
            ),
        }
    }
}

fn quoted<S: AsRef<str>>(items: &[S]) -> Vec<String> {
    items
        .iter()
        .map(|s| format!("\"{}\"", s.as_ref()))
        .collect()
}

/// `a, b or c`.
fn or_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => format!(
            "{} or {}",
            rest.iter()
                .map(|s| s.as_ref())
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

/// A TOML value as the settings read it. A date or time is none of the shapes a setting
/// holds: it reads as `null` (and so as "must be …").
pub(super) fn from_toml(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => {
            serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
        }
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(_) => Value::Null,
        toml::Value::Array(a) => Value::Array(a.iter().map(from_toml).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.iter().map(|(k, v)| (k.clone(), from_toml(v))).collect())
        }
    }
}

// The shapes of the values, as JSON Schema (draft-07), from the same tables the checks use.

/// A JSON Schema pattern matching any of `words`, in any case (JSON Schema patterns have no
/// case-insensitive flag): `^(?:[eE][rR][rR][oO][rR]|…)$`.
fn any_case(words: &[&str]) -> String {
    let alts: Vec<String> = words
        .iter()
        .map(|w| {
            w.chars()
                .map(|c| {
                    if c.is_ascii_alphabetic() {
                        format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase())
                    } else if c.is_ascii_alphanumeric() || c == '_' {
                        c.to_string()
                    } else {
                        format!("\\{c}")
                    }
                })
                .collect()
        })
        .collect();
    format!("^(?:{})$", alts.join("|"))
}

/// A word of `canonical` (offered for completion) or any spelling dep-ls accepts.
fn words_schema(canonical: &[&str], accepted: &[&str], description: &str) -> Value {
    serde_json::json!({
        "description": description,
        "anyOf": [
            {"enum": canonical},
            {"type": "string", "pattern": any_case(accepted)},
        ],
    })
}

/// A severity level (`warn`, `information`, `none` and any case are accepted too).
pub(super) fn schema_level() -> Value {
    let accepted: Vec<&str> = LEVEL_WORDS.iter().map(|(w, _)| *w).collect();
    words_schema(
        LEVELS,
        &accepted,
        "A severity: error, warning, info, hint, or off (any case; warn, information and none are accepted too).",
    )
}

/// An owner policy: `required` (error) or a level.
pub(super) fn schema_policy() -> Value {
    let mut canonical = vec![REQUIRED];
    canonical.extend(LEVELS.iter().filter(|l| **l != "error"));
    let mut accepted = vec![REQUIRED];
    accepted.extend(LEVEL_WORDS.iter().map(|(w, _)| *w));
    words_schema(
        &canonical,
        &accepted,
        "required (an error), warning, info, hint or off (any case; the levels' other spellings are accepted too).",
    )
}

fn schema_prefixes() -> Value {
    serde_json::json!({
        "type": "array",
        "items": {"type": "string", "pattern": super::PREFIX_PATTERN},
        "examples": [["OPS"]],
    })
}

fn schema_globs() -> Value {
    serde_json::json!({"type": "array", "items": {"type": "string"}})
}

fn schema_max_file_size() -> Value {
    serde_json::json!({
        "type": "integer",
        "minimum": 1,
        "default": Config::default().max_file_size,
    })
}

fn schema_severity() -> Value {
    let props: serde_json::Map<String, Value> = Code::ALL
        .iter()
        .map(|c| {
            let mut level = schema_level();
            level["description"] =
                Value::String(format!("{} Default: {}.", c.describe(), code_default(*c)));
            (c.as_str().to_string(), level)
        })
        .collect();
    serde_json::json!({
        "type": "object",
        "properties": props,
        "additionalProperties": false,
    })
}

fn schema_owner() -> Value {
    let defaults = Config::default();
    let props: serde_json::Map<String, Value> = OWNER_TYPES
        .iter()
        .map(|t| {
            let mut policy = schema_policy();
            let what = if *t == "default" {
                "Types not named here".to_string()
            } else {
                format!("{} entries", capitalized(t))
            };
            policy["description"] = Value::String(format!(
                "A missing Owner on {what}. Default: {}.",
                policy_word(defaults.owner_severity(t))
            ));
            (t.to_string(), policy)
        })
        .collect();
    serde_json::json!({
        "type": "object",
        "properties": props,
        "propertyNames": {"pattern": any_case(OWNER_TYPES)},
        "additionalProperties": schema_policy(),
    })
}

fn schema_scope() -> Value {
    let names: Vec<&str> = SCOPES.iter().map(|(n, _)| *n).collect();
    serde_json::json!({
        "description": "What one plan is: the workspace (each release folder a plan of its own), each directory, or each file.",
        "enum": names,
        "default": "workspace",
    })
}

fn schema_plan() -> Value {
    serde_json::json!({
        "oneOf": [
            schema_scope(),
            {
                "type": "object",
                "properties": {
                    "scope": schema_scope(),
                    "environments": {
                        "description": "The environments every plan must document (any case).",
                        "type": "array",
                        "items": {"type": "string"},
                        "default": Config::default().required_environments,
                    },
                },
                "additionalProperties": false,
            },
        ],
    })
}

// A configuration's values as TOML lines.

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn toml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| toml_str(s)).collect();
    format!("[{}]", quoted.join(", "))
}

fn toml_prefixes(c: &Config) -> Vec<String> {
    // The prefixes beyond the defaults (the defaults are always known).
    let defaults = crate::syntax::Prefixes::default();
    let mut extra: Vec<String> = c
        .prefixes
        .iter()
        .filter(|p| !defaults.is_known(p))
        .cloned()
        .collect();
    extra.sort();
    vec![format!("prefixes = {}", toml_list(&extra))]
}

fn toml_include(c: &Config) -> Vec<String> {
    vec![format!("include = {}", toml_list(&c.include))]
}

fn toml_exclude(c: &Config) -> Vec<String> {
    vec![format!("exclude = {}", toml_list(&c.exclude))]
}

fn toml_max_file_size(c: &Config) -> Vec<String> {
    vec![format!("max_file_size = {}", c.max_file_size)]
}

/// A level as written in the configuration.
pub(super) fn level_word(l: Option<Severity>) -> &'static str {
    l.map_or("off", Severity::as_str)
}

/// An owner policy as written (an error is `required`).
fn policy_word(l: Option<Severity>) -> &'static str {
    match l {
        Some(Severity::Error) => REQUIRED,
        other => level_word(other),
    }
}

/// A code's default as the configuration would say it: `missing-owner` follows `[owner]` and
/// `unresolved-link` is a hint for IDs in prose (a level set here applies to every case).
pub(super) fn code_default(c: Code) -> String {
    match c {
        Code::MissingOwner => "per [owner] (a level set here applies to every Type)".into(),
        Code::UnresolvedLink => {
            "error in Linked IDs, hint in prose (a level set here applies to both)".into()
        }
        _ => c.default_severity().as_str().into(),
    }
}

/// Codes whose default depends on the case (see [`code_default`]): a level set for them
/// changes what dep-ls does even when it is the "default" one.
pub(super) fn default_depends_on_case(c: Code) -> bool {
    matches!(c, Code::MissingOwner | Code::UnresolvedLink)
}

fn toml_severity(c: &Config) -> Vec<String> {
    let mut lines = vec!["[severity]".to_string()];
    for code in Code::ALL {
        match c.severity.get(code) {
            Some(l) => lines.push(format!("{} = {}", code.as_str(), toml_str(level_word(*l)))),
            None if default_depends_on_case(*code) => {}
            None => lines.push(format!(
                "{} = {}",
                code.as_str(),
                toml_str(code.default_severity().as_str())
            )),
        }
    }
    lines
}

fn toml_owner(c: &Config) -> Vec<String> {
    let mut lines = vec!["[owner]".to_string()];
    for t in OWNER_TYPES {
        if let Some(l) = c.owner.get(*t) {
            lines.push(format!("{t} = {}", toml_str(policy_word(*l))));
        }
    }
    lines
}

fn toml_plan(c: &Config) -> Vec<String> {
    let scope = SCOPES
        .iter()
        .find(|(_, s)| *s == c.plan)
        .map_or("workspace", |(n, _)| *n);
    vec![
        "[plan]".to_string(),
        format!("scope = {}", toml_str(scope)),
        format!("environments = {}", toml_list(&c.required_environments)),
    ]
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

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
}

/// Every setting, in the order the known ones are listed in messages.
pub(super) const SETTINGS: &[Setting] = &[
    Setting {
        name: "prefixes",
        holds: "a list of strings, e.g. prefixes = [\"OPS\"]",
        table: false,
        editor: true,
        apply: prefixes,
    },
    Setting {
        name: "include",
        holds: "a list of glob strings",
        table: false,
        editor: false,
        apply: include,
    },
    Setting {
        name: "exclude",
        holds: "a list of glob strings",
        table: false,
        editor: false,
        apply: exclude,
    },
    Setting {
        name: "max_file_size",
        holds: "a positive number of bytes",
        table: false,
        editor: false,
        apply: max_file_size,
    },
    Setting {
        name: "severity",
        holds: "a table of code = \"level\"",
        table: true,
        editor: true,
        apply: severity,
    },
    Setting {
        name: "owner",
        holds: "a table of type = \"policy\"",
        table: true,
        editor: true,
        apply: owner,
    },
    Setting {
        name: "plan",
        holds: "a scope, or a table of `scope` and `environments` (a list of names)",
        table: true,
        editor: true,
        apply: plan,
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

pub(super) fn parse_severity(s: &str) -> Option<Option<Severity>> {
    Some(match s.to_ascii_lowercase().as_str() {
        "error" => Some(Severity::Error),
        "warning" | "warn" => Some(Severity::Warning),
        "info" | "information" => Some(Severity::Info),
        "hint" => Some(Severity::Hint),
        "off" | "none" => None,
        _ => return None,
    })
}

fn parse_owner_policy(s: &str) -> Option<Option<Severity>> {
    match s.to_ascii_lowercase().as_str() {
        "required" => Some(Some(Severity::Error)),
        other => parse_severity(other),
    }
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
    let scope = v
        .as_object()
        .and_then(|t| t.get("scope"))
        .or(Some(v))
        .and_then(|v| v.as_str());
    match SCOPES.iter().find(|(n, _)| Some(*n) == scope) {
        Some((_, s)) => c.plan = *s,
        None => p.error(
            "plan",
            format!(
                "plan scope must be {} (e.g. [plan] scope = \"directory\")",
                or_list(&quoted(&SCOPES.iter().map(|(n, _)| *n).collect::<Vec<_>>()))
            ),
        ),
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

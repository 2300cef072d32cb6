//! `dep-ls config [PATH]`: the effective configuration of PATH's workspace, resolved as the
//! server resolves it (the root by [`crate::root`], then [`Config::load_traced`] over the
//! defaults, or over editor settings given with `--settings`), each value with where it came
//! from, and the configuration's problems as `check` reports them.

use super::{ConfigArgs, ConfigFormat, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::config::{Config, ConfigError, SettingView, Sources, CONFIG_FILE};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;

/// Where a value came from, weakest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Src {
    Default,
    Editor,
    Profile,
    File,
}

/// What the command knows of the sources.
struct Known {
    sources: Sources,
    /// The editor settings given with `--settings` (`setting` and `setting.key`), if any.
    editor: Option<BTreeSet<String>>,
}

impl Known {
    fn label(&self, f: Src) -> &'static str {
        match f {
            Src::Default => "default",
            Src::Editor => "editor settings",
            Src::Profile => "domain profile",
            Src::File if self.sources.explicit => "--config",
            Src::File => CONFIG_FILE,
        }
    }

    fn in_file(&self, key: &str) -> bool {
        self.sources
            .file_keys
            .iter()
            .any(|k| k.eq_ignore_ascii_case(key))
    }

    fn in_editor(&self, key: &str) -> bool {
        self.editor
            .as_ref()
            .is_some_and(|e| e.iter().any(|k| k.eq_ignore_ascii_case(key)))
    }

    /// Where one line of a setting came from: `key` is the setting, or `setting.key` for an
    /// entry of its table.
    fn line_source(&self, setting: &str, key: &str) -> Vec<Src> {
        // `plan = "directory"` sets the scope too.
        let whole_plan = |k: &str| setting == "plan" && key == "plan.scope" && k == "plan";
        let mut from = Vec::new();
        if self.in_file(key) || self.sources.file_keys.iter().any(|k| whole_plan(k)) {
            from.push(Src::File);
        }
        if setting == "prefixes" && !self.sources.profile_prefixes.is_empty() {
            from.push(Src::Profile);
        }
        let editor_plan = self
            .editor
            .as_ref()
            .is_some_and(|e| e.iter().any(|k| whole_plan(k)));
        if self.in_editor(key) || editor_plan {
            from.push(Src::Editor);
        }
        // Prefixes add up: the defaults are always there; elsewhere the strongest wins.
        if setting == "prefixes" || from.is_empty() {
            from.push(Src::Default);
        } else {
            from.truncate(1);
        }
        from
    }
}

/// One line of a setting with its sources.
struct Line {
    text: String,
    from: Vec<Src>,
}

fn lines_of(view: &SettingView, known: &Known) -> Vec<Line> {
    let table = view.lines.first().is_some_and(|l| l.starts_with('['));
    view.lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let key = if table && i > 0 {
                let k = l.split_once(" = ").map_or(l.as_str(), |(k, _)| k);
                format!("{}.{k}", view.name)
            } else {
                view.name.to_string()
            };
            let from = if table && i == 0 {
                // The table line: every source of its entries.
                let mut all: Vec<Src> = view.lines[1..]
                    .iter()
                    .flat_map(|l| {
                        let k = l.split_once(" = ").map_or(l.as_str(), |(k, _)| k);
                        known.line_source(view.name, &format!("{}.{k}", view.name))
                    })
                    .collect();
                if known.in_file(view.name) {
                    all.push(Src::File);
                }
                all.sort();
                all.dedup();
                all.reverse();
                all
            } else {
                known.line_source(view.name, &key)
            };
            Line {
                text: l.clone(),
                from,
            }
        })
        .collect()
}

pub(super) fn run(args: &ConfigArgs) -> i32 {
    if let Err(e) = std::fs::metadata(&args.path) {
        err_line!("error: {}: {e}", args.path.display());
        return EXIT_USAGE;
    }
    if let Err(code) = super::targets::config_readable(args.config.as_deref()) {
        return code;
    }
    let root = crate::root::discover(&args.path);
    let mut base = Config::default();
    let mut editor_problems = Vec::new();
    let editor = match &args.settings {
        None => None,
        Some(text) => {
            let v: Value = match serde_json::from_str(text) {
                Ok(v @ Value::Object(_)) => v,
                Ok(_) => {
                    err_line!("error: --settings must be a JSON object (the `dep-ls` section)");
                    return EXIT_USAGE;
                }
                Err(e) => {
                    err_line!("error: --settings is not JSON: {e}");
                    return EXIT_USAGE;
                }
            };
            editor_problems = base.apply_settings(&v);
            Some(editor_keys(&v, &base))
        }
    };
    let (config, errors, sources) = Config::load_traced(base, &root, args.config.as_deref());
    let known = Known { sources, editor };
    let views = config.settings_view();
    let text = match args.format {
        ConfigFormat::Human => human(&root, &known, &views, &errors, &editor_problems),
        ConfigFormat::Json => {
            let mut s = serde_json::to_string_pretty(&to_json(
                &root,
                &known,
                &views,
                &errors,
                &editor_problems,
            ))
            .unwrap_or_default();
            s.push('\n');
            s
        }
    };
    if let Err(code) = super::output::emit(&text, None) {
        return code;
    }
    if errors.is_empty() && editor_problems.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }
}

/// The settings the editor's section gives (non-null), and the keys of their tables.
fn editor_keys(v: &Value, c: &Config) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for view in c.settings_view().iter().filter(|s| s.editor) {
        match v.get(view.name) {
            None | Some(Value::Null) => {}
            Some(x) => {
                keys.insert(view.name.to_string());
                if let Some(t) = x.as_object() {
                    keys.extend(t.keys().map(|k| format!("{}.{k}", view.name)));
                }
            }
        }
    }
    keys
}

fn human(
    root: &Path,
    known: &Known,
    views: &[SettingView],
    errors: &[ConfigError],
    editor_problems: &[String],
) -> String {
    let s = &known.sources;
    let mut out = format!(
        "Workspace: {}\n\nSources (a later one wins):\n",
        root.display()
    );
    out.push_str("  default          dep-ls's built-in values\n");
    match &known.editor {
        Some(_) => out.push_str("  editor settings  given with --settings (applied under the file, as the server does)\n"),
        None => out.push_str("  editor settings  not known from the command line (the server applies the editor's `dep-ls` settings under the file; show them with --settings JSON)\n"),
    }
    match &s.profile {
        Some(p) => out.push_str(&format!(
            "  domain profile   {} (prefixes: {})\n",
            p.display(),
            if s.profile_prefixes.is_empty() {
                "none".to_string()
            } else {
                s.profile_prefixes.join(", ")
            }
        )),
        None => out.push_str(&format!(
            "  domain profile   none ({} not found)\n",
            root.join(crate::config::DOMAIN_PROFILE).display()
        )),
    }
    match (&s.file, s.explicit) {
        (Some(p), true) => out.push_str(&format!("  --config         {}\n", p.display())),
        (Some(p), false) => out.push_str(&format!("  {CONFIG_FILE:<16} {}\n", p.display())),
        (None, _) => out.push_str(&format!(
            "  {CONFIG_FILE:<16} none ({} not found: defaults)\n",
            root.join(CONFIG_FILE).display()
        )),
    }
    out.push_str("\nEffective configuration (each line with where it came from):\n");
    for view in views {
        out.push('\n');
        out.push_str(&format!("# {}\n", view.doc));
        let lines = lines_of(view, known);
        let width = lines.iter().map(|l| l.text.len()).max().unwrap_or(0);
        for l in lines {
            let from: Vec<&str> = l.from.iter().map(|f| known.label(*f)).collect();
            out.push_str(&format!("{:<width$}  # {}\n", l.text, from.join(" + ")));
        }
    }
    let problems = problem_lines(errors, editor_problems);
    if problems.is_empty() {
        out.push_str("\nNo problems in the configuration.\n");
    } else {
        out.push_str(&format!(
            "\nProblems ({}; as `dep-ls check` reports them, the rest applies):\n",
            problems.len()
        ));
        for p in problems {
            out.push_str(&format!("  {p}\n"));
        }
    }
    out
}

fn problem_lines(errors: &[ConfigError], editor_problems: &[String]) -> Vec<String> {
    errors
        .iter()
        .map(|e| format!("warning: {e}"))
        .chain(
            editor_problems
                .iter()
                .map(|m| format!("warning: --settings: {m}")),
        )
        .collect()
}

fn to_json(
    root: &Path,
    known: &Known,
    views: &[SettingView],
    errors: &[ConfigError],
    editor_problems: &[String],
) -> Value {
    let s = &known.sources;
    let mut settings = serde_json::Map::new();
    for view in views {
        let lines = lines_of(view, known);
        let value = view
            .lines
            .join("\n")
            .parse::<toml::Table>()
            .ok()
            .and_then(|t| t.get(view.name).cloned())
            .and_then(|v| serde_json::to_value(v).ok())
            .unwrap_or(Value::Null);
        let labels = |f: &[Src]| -> Vec<&str> { f.iter().map(|f| known.label(*f)).collect() };
        let mut entry = json!({
            "description": view.doc,
            "editor": view.editor,
            "value": value,
            "source": labels(&lines[0].from),
        });
        if lines.len() > 1 {
            let entries: serde_json::Map<String, Value> = lines[1..]
                .iter()
                .filter_map(|l| {
                    let (k, _) = l.text.split_once(" = ")?;
                    Some((k.to_string(), json!(labels(&l.from))))
                })
                .collect();
            entry["entries"] = Value::Object(entries);
        }
        settings.insert(view.name.to_string(), entry);
    }
    let problems: Vec<Value> = errors
        .iter()
        .map(|e| json!({"path": e.path, "line": e.line, "message": e.message}))
        .chain(
            editor_problems
                .iter()
                .map(|m| json!({"path": "--settings", "line": null, "message": m})),
        )
        .collect();
    json!({
        "workspace": root,
        "sources": {
            "file": s.file.as_ref().map(|p| json!({
                "path": p,
                "kind": if s.explicit { "--config" } else { CONFIG_FILE },
            })),
            "profile": s.profile.as_ref().map(|p| json!({
                "path": p,
                "prefixes": s.profile_prefixes,
            })),
            "editor": match &known.editor {
                Some(_) => json!({"known": true}),
                None => json!({"known": false, "note": "editor settings are not known from the command line; pass them with --settings JSON"}),
            },
        },
        "settings": settings,
        "problems": problems,
    })
}

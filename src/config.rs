//! Configuration: `dep-ls.toml` at the workspace root, the methodology's prefix registry
//! (`.claude/domain-profile.yaml`), and editor settings. Missing file → defaults; an invalid
//! file → errors naming the line, and defaults for what could not be read. Each setting is
//! described once, in `settings`, for both readers (the file's and the editor's).

mod schema;
mod settings;

use crate::codes::{Code, Severity};
use crate::syntax::Prefixes;
pub use schema::{
    commented_toml, json_schema, json_schema_text, SettingView, Sources, SCHEMA_FILE,
};
use settings::Problems;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The file name of the configuration file.
pub const CONFIG_FILE: &str = "dep-ls.toml";
/// The methodology's prefix registry, relative to the workspace root.
pub const DOMAIN_PROFILE: &str = ".claude/domain-profile.yaml";

/// What one plan is (spec §5: by default all DEP- entries of one workspace folder).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PlanScope {
    #[default]
    Workspace,
    Directory,
    File,
}

/// What the prefix registry says of a prefix.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrefixInfo {
    /// The file that owns the prefix (where new definitions go), workspace-relative.
    pub file: Option<String>,
    pub description: Option<String>,
}

/// A problem in a configuration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.path.display(), l, self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// The effective configuration.
#[derive(Clone, Debug)]
pub struct Config {
    pub prefixes: Prefixes,
    pub prefix_info: BTreeMap<String, PrefixInfo>,
    /// Globs of files to read (workspace-relative); empty means every `*.md` / `*.markdown`.
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// Per-code severity overrides; `None` = off.
    pub severity: HashMap<Code, Option<Severity>>,
    /// Severity of `missing-owner` per Type (lowercase type name, or `default`); `None` = off.
    pub owner: HashMap<String, Option<Severity>>,
    pub plan: PlanScope,
    /// Files larger than this are skipped (bytes).
    pub max_file_size: u64,
    /// Environments every plan must document.
    pub required_environments: Vec<String>,
    /// Why the `exclude` list may be missing globs the user wrote (a glob that cannot be used,
    /// an unreadable `dep-ls.toml`, a TOML line that was dropped…): `check --fix` writes
    /// nothing then, since it cannot know which files were meant to be left alone.
    pub exclude_doubts: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        let mut owner = HashMap::new();
        owner.insert("criteria".to_string(), Some(Severity::Error));
        owner.insert("default".to_string(), Some(Severity::Warning));
        Self {
            prefixes: Prefixes::default(),
            prefix_info: BTreeMap::new(),
            include: Vec::new(),
            exclude: Vec::new(),
            severity: HashMap::new(),
            owner,
            plan: PlanScope::Workspace,
            max_file_size: 8 * 1024 * 1024,
            required_environments: vec!["staging".into(), "production".into()],
            exclude_doubts: Vec::new(),
        }
    }
}

impl Config {
    /// The severity of `code` given its default for this case; `None` when turned off.
    pub fn severity(&self, code: Code, default: Severity) -> Option<Severity> {
        match self.severity.get(&code) {
            Some(s) => *s,
            None => Some(default),
        }
    }

    /// The severity of a missing owner on an entry of this Type (lowercase).
    pub fn owner_severity(&self, type_name: &str) -> Option<Severity> {
        let policy = self
            .owner
            .get(type_name)
            .or_else(|| self.owner.get("default"))
            .copied()
            .unwrap_or(Some(Severity::Warning));
        match self.severity.get(&Code::MissingOwner) {
            Some(s) => *s,
            None => policy,
        }
    }

    /// Reads `dep-ls.toml` (or `explicit`) and the prefix registry under `root`.
    /// A missing file gives defaults; errors are returned alongside the best-effort config.
    pub fn load(root: &Path, explicit: Option<&Path>) -> (Config, Vec<ConfigError>) {
        Self::load_over(Config::default(), root, explicit)
    }

    /// Like [`Config::load`], starting from `base` (editor settings) instead of the defaults:
    /// what `dep-ls.toml` sets wins.
    pub fn load_over(
        base: Config,
        root: &Path,
        explicit: Option<&Path>,
    ) -> (Config, Vec<ConfigError>) {
        let (c, errors, _) = Self::load_traced(base, root, explicit);
        (c, errors)
    }

    /// [`Config::load_over`], also saying where each part came from (`dep-ls config`).
    pub fn load_traced(
        base: Config,
        root: &Path,
        explicit: Option<&Path>,
    ) -> (Config, Vec<ConfigError>, Sources) {
        let mut sources = Sources::default();
        let mut errors = Vec::new();
        let path = explicit
            .map(Path::to_path_buf)
            .unwrap_or_else(|| root.join(CONFIG_FILE));
        // Through the one bounded read: a FIFO or a device named `dep-ls.toml` (or the profile)
        // is refused instead of blocking or filling memory.
        let mut config = match read_config_file(&path) {
            Ok(src) => {
                // Key by key over the base (editor settings): the file wins where it speaks.
                let (c, errs, keys) = Config::from_toml_traced(base.clone(), &src, &path);
                errors.extend(errs);
                sources.file = Some(path.clone());
                sources.file_keys = keys;
                c
            }
            Err(e) if e.is_not_found() && explicit.is_none() => base.clone(),
            Err(e) => {
                let message = format!("cannot read the configuration: {e}");
                let mut c = base.clone();
                c.exclude_doubts
                    .push(format!("{}: {message}", path.display()));
                errors.push(ConfigError {
                    path: path.clone(),
                    line: None,
                    message,
                });
                c
            }
        };
        let profile = root.join(DOMAIN_PROFILE);
        match read_config_file(&profile) {
            Ok(src) => {
                let (reg, errs) = parse_domain_profile(&src, &profile);
                errors.extend(errs);
                sources.profile = Some(profile.clone());
                sources.profile_prefixes = reg.keys().cloned().collect();
                config.apply_registry(reg);
            }
            Err(e) if e.is_not_found() => {}
            Err(e) => errors.push(ConfigError {
                path: profile.clone(),
                line: None,
                message: format!("cannot read the domain profile: {e}"),
            }),
        }
        sources.explicit = explicit.is_some();
        (config, errors, sources)
    }

    /// Adds the prefix registry's prefixes and descriptions.
    pub fn apply_registry(&mut self, reg: BTreeMap<String, PrefixInfo>) {
        for (p, info) in reg {
            self.prefixes.insert(&p);
            self.prefix_info.insert(p, info);
        }
    }

    /// Parses `dep-ls.toml` text. A syntax error drops the offending line and parses the rest.
    pub fn from_toml_str(src: &str, path: &Path) -> (Config, Vec<ConfigError>) {
        Self::from_toml_str_over(Config::default(), src, path)
    }

    /// Parses `dep-ls.toml` text over `base`.
    pub fn from_toml_str_over(base: Config, src: &str, path: &Path) -> (Config, Vec<ConfigError>) {
        let (c, errors, _) = Self::from_toml_traced(base, src, path);
        (c, errors)
    }

    /// [`Config::from_toml_str_over`], also returning the settings the text names.
    fn from_toml_traced(
        base: Config,
        src: &str,
        path: &Path,
    ) -> (Config, Vec<ConfigError>, Vec<String>) {
        let mut errors = Vec::new();
        // Lines dropped as invalid TOML (one may have held `exclude`).
        let mut dropped = Vec::new();
        let mut lines: Vec<String> = src.lines().map(str::to_string).collect();
        let table = loop {
            let joined = lines.join("\n");
            match joined.parse::<toml::Table>() {
                Ok(t) => break t,
                Err(e) => {
                    let line = e
                        .span()
                        .map(|s| joined[..s.start.min(joined.len())].matches('\n').count());
                    let message = format!(
                        "invalid TOML ({}); this line is ignored",
                        e.message().trim()
                    );
                    dropped.push(match line {
                        Some(l) => format!("{}:{}: {message}", path.display(), l + 1),
                        None => format!("{}: {message}", path.display()),
                    });
                    errors.push(ConfigError {
                        path: path.to_path_buf(),
                        line: line.map(|l| l + 1),
                        message,
                    });
                    match line {
                        Some(l) if l < lines.len() && !lines[l].trim().is_empty() => {
                            lines[l] = String::new();
                        }
                        _ => break toml::Table::new(),
                    }
                    if errors.len() > 50 {
                        break toml::Table::new();
                    }
                }
            }
        };
        let mut c = base;
        c.exclude_doubts.extend(dropped);
        let mut problems = Problems::default();
        let mut keys = Vec::new();
        for (key, value) in &table {
            match settings::setting(key) {
                Some(s) => {
                    let before = problems.errors.len();
                    (s.apply)(&mut c, &settings::from_toml(value), &mut problems);
                    // What applied: the setting unless its value was refused as a whole, and
                    // each entry of its table that gave no problem.
                    let refused: Vec<&str> = problems.errors[before..]
                        .iter()
                        .map(|p| p.key.as_str())
                        .collect();
                    if !refused.contains(&key.as_str()) {
                        keys.push(key.clone());
                        if let toml::Value::Table(t) = value {
                            keys.extend(
                                t.keys()
                                    .filter(|k| !refused.contains(&k.as_str()))
                                    .map(|k| format!("{key}.{k}")),
                            );
                        }
                    }
                }
                None => problems.errors.push(settings::Problem {
                    key: key.clone(),
                    message: settings::unknown_setting(key),
                }),
            }
        }
        errors.extend(problems.errors.into_iter().map(|p| ConfigError {
            path: path.to_path_buf(),
            line: find_line(src, &p.key),
            message: p.message,
        }));
        c.exclude_doubts.extend(
            problems
                .doubts
                .into_iter()
                .map(|d| format!("{}: {d}", path.display())),
        );
        (c, errors, keys)
    }
}

impl Config {
    /// Applies editor settings (the `dep-ls` section of the client's configuration, or its
    /// `initializationOptions`): `{"severity": {"missing-owner": "off"}, "owner": {...},
    /// "prefixes": [...], "plan": {"scope": "directory"}}`, checked as `dep-ls.toml` checks
    /// them (one description per setting, `settings::SETTINGS`). Keys that name no setting the
    /// editor may give are left alone (the section holds the editor's own settings too), and so
    /// is `null` (unset). Returns messages about values that were ignored.
    pub fn apply_settings(&mut self, v: &serde_json::Value) -> Vec<String> {
        let mut problems = Problems::default();
        for s in settings::SETTINGS.iter().filter(|s| s.editor) {
            match v.get(s.name) {
                None | Some(serde_json::Value::Null) => {}
                Some(x) => (s.apply)(self, x, &mut problems),
            }
        }
        problems.errors.into_iter().map(|p| p.message).collect()
    }
}

/// Reads a configuration file (`dep-ls.toml`, `--config FILE`, the domain profile) through
/// the one bounded read: a regular file of at most [`crate::fsread::CONFIG_LIMIT`] bytes.
pub fn read_config_file(path: &Path) -> Result<String, crate::fsread::ReadError> {
    crate::fsread::read_text(path, crate::fsread::CONFIG_LIMIT)
}

/// A glob as quoted in a message: at most 80 characters.
pub fn short_glob(glob: &str) -> String {
    match glob.char_indices().nth(80) {
        Some((at, _)) => format!("{}… ({} bytes)", &glob[..at], glob.len()),
        None => glob.to_string(),
    }
}

/// Compiles one include/exclude glob the way the walk matches it (parsing alone is not
/// enough: a glob can parse and still fail to compile, e.g. over the regex size limit).
pub fn compile_glob(glob: &str) -> Result<globset::GlobSet, String> {
    // The error's kind only: the full error quotes the glob, which can be long (the caller
    // names it, shortened), and a regex error can run over many lines.
    let reason = |e: globset::Error| {
        let r = e.kind().to_string();
        r.lines().next().unwrap_or("").to_string()
    };
    let g = globset::Glob::new(glob).map_err(reason)?;
    let mut b = globset::GlobSetBuilder::new();
    b.add(g);
    b.build().map_err(reason)
}

/// [`valid_prefix`] as a JSON Schema pattern (`dep-ls.schema.json`, the VS Code setting).
pub(crate) const PREFIX_PATTERN: &str = "^[A-Z][A-Z0-9]{1,9}(-[A-Z][A-Z0-9]{1,9})*$";

fn valid_prefix(p: &str) -> bool {
    p.split('-').all(|seg| {
        let b = seg.as_bytes();
        (2..=10).contains(&b.len())
            && b[0].is_ascii_uppercase()
            && b.iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    })
}

/// 1-based line of the first line that mentions `key` as a key.
fn find_line(src: &str, key: &str) -> Option<usize> {
    src.lines()
        .position(|l| {
            let t = l.trim_start().trim_start_matches('[');
            t.starts_with(key) || t.starts_with(&format!("\"{key}\""))
        })
        .map(|i| i + 1)
}

/// Reads the `id_prefixes` map of `.claude/domain-profile.yaml`: either
/// `PREFIX: { file: X, description: Y }`, `PREFIX:` with indented `file:` / `description:`
/// lines, or `PREFIX: "description"`. Only this small subset of YAML is read.
pub fn parse_domain_profile(
    src: &str,
    path: &Path,
) -> (BTreeMap<String, PrefixInfo>, Vec<ConfigError>) {
    let mut out = BTreeMap::new();
    let mut errors = Vec::new();
    let mut in_map: Option<usize> = None; // indentation of `id_prefixes:`
    let mut current: Option<(String, usize)> = None;
    for (n, raw) in src.lines().enumerate() {
        let line = raw.split(" #").next().unwrap_or(raw);
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let ind = line.len() - line.trim_start().len();
        let t = line.trim();
        if let Some(base) = in_map {
            if ind <= base {
                in_map = None;
                current = None;
            }
        }
        if in_map.is_none() {
            if t == "id_prefixes:" {
                in_map = Some(ind);
            }
            continue;
        }
        let Some((k, v)) = t.split_once(':') else {
            errors.push(ConfigError {
                path: path.to_path_buf(),
                line: Some(n + 1),
                message: format!("cannot read `{t}` in id_prefixes (expected `PREFIX: …`)"),
            });
            continue;
        };
        let k = unquote(k.trim());
        let v = v.trim();
        match &current {
            Some((p, pind)) if ind > *pind => {
                let info = out.entry(p.clone()).or_insert_with(PrefixInfo::default);
                match k.as_str() {
                    "file" => info.file = Some(unquote(v)),
                    "description" => info.description = Some(unquote(v)),
                    _ => {}
                }
            }
            _ => {
                if !valid_prefix(&k) {
                    errors.push(ConfigError {
                        path: path.to_path_buf(),
                        line: Some(n + 1),
                        message: format!("`{k}` is not a valid ID prefix"),
                    });
                    current = None;
                    continue;
                }
                let mut info = PrefixInfo::default();
                if let Some(inner) = v.strip_prefix('{').and_then(|x| x.strip_suffix('}')) {
                    for part in inner.split(',') {
                        if let Some((ik, iv)) = part.split_once(':') {
                            match ik.trim() {
                                "file" => info.file = Some(unquote(iv.trim())),
                                "description" => info.description = Some(unquote(iv.trim())),
                                _ => {}
                            }
                        }
                    }
                } else if !v.is_empty() {
                    info.description = Some(unquote(v));
                }
                out.insert(k.clone(), info);
                current = Some((k, ind));
            }
        }
    }
    (out, errors)
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    s.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .or_else(|| s.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
        .unwrap_or(s)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages `dep-ls.toml` gives for `toml`, and the editor settings for `json`.
    fn both(toml: &str, json: serde_json::Value) -> (Vec<String>, Vec<String>) {
        let (_, errors) = Config::from_toml_str(toml, Path::new("dep-ls.toml"));
        let from_file = errors.into_iter().map(|e| e.message).collect();
        let from_editor = Config::default().apply_settings(&json);
        (from_file, from_editor)
    }

    #[test]
    fn a_bad_value_gives_the_same_error_through_both_readers() {
        use serde_json::json;
        let cases = [
            ("prefixes = [\"ops\"]\n", json!({"prefixes": ["ops"]})),
            ("prefixes = \"OPS\"\n", json!({"prefixes": "OPS"})),
            ("prefixes = [\"OPS\", 1]\n", json!({"prefixes": ["OPS", 1]})),
            (
                "[severity]\nmissing-owner = \"loud\"\n",
                json!({"severity": {"missing-owner": "loud"}}),
            ),
            (
                "[severity]\nmissing-ownr = \"off\"\n",
                json!({"severity": {"missing-ownr": "off"}}),
            ),
            ("severity = \"off\"\n", json!({"severity": "off"})),
            (
                "[owner]\ncriterion = \"required\"\n",
                json!({"owner": {"criterion": "required"}}),
            ),
            (
                "[owner]\ncriteria = \"maybe\"\n",
                json!({"owner": {"criteria": "maybe"}}),
            ),
            (
                "[plan]\nscope = \"folder\"\n",
                json!({"plan": {"scope": "folder"}}),
            ),
            ("plan = \"folder\"\n", json!({"plan": "folder"})),
            (
                "[plan]\nscope = \"file\"\nenvironment = [\"qa\"]\n",
                json!({"plan": {"scope": "file", "environment": ["qa"]}}),
            ),
            (
                "[plan]\nscope = \"file\"\nenvironments = \"staging\"\n",
                json!({"plan": {"scope": "file", "environments": "staging"}}),
            ),
        ];
        for (toml, json) in cases {
            let (file, editor) = both(toml, json);
            assert_eq!(file.len(), 1, "{toml:?}: {file:?}");
            assert_eq!(file, editor, "{toml:?}");
        }
        // The messages the readers share (what the tests of the file reader expect).
        let (file, _) = both(
            "[severity]\nmissing-ownr = \"off\"\n",
            serde_json::Value::Null,
        );
        assert_eq!(
            file,
            ["unknown finding code `missing-ownr` — did you mean `missing-owner`?"]
        );
    }

    /// The file reader's messages, as they were before the settings were described once.
    #[test]
    fn the_file_reader_keeps_its_messages() {
        let cases = [
            ("max_file_size = \"big\"\n", "`max_file_size` must be a positive number of bytes"),
            ("severity = 1\n", "`[severity]` must be a table of code = \"level\""),
            ("owner = 1\n", "`[owner]` must be a table of type = \"policy\""),
            ("prefixes = 1\n", "`prefixes` must be a list of strings, e.g. prefixes = [\"OPS\"]"),
            ("include = 1\n", "`include` must be a list of glob strings"),
            ("[owner]\nteam = \"off\"\n", "unknown Type `team` in [owner] (use environment, criteria, rollback, validation, step or default)"),
            ("[severity]\nrange-gap = \"loud\"\n", "severity of `range-gap` must be one of \"error\", \"warning\", \"info\", \"hint\", \"off\""),
            ("plan = 1\n", "plan scope must be \"workspace\", \"directory\" or \"file\" (e.g. [plan] scope = \"directory\")"),
            ("[plan]\nscope = \"file\"\nenviroments = []\n", "unknown key `enviroments` in [plan] (use scope or environments)"),
            ("colour = 1\n", "unknown setting `colour` (known: prefixes, include, exclude, max_file_size, [severity], [owner], [plan])"),
        ];
        for (src, message) in cases {
            let (_, errors) = Config::from_toml_str(src, Path::new("dep-ls.toml"));
            let got: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
            assert_eq!(got, [message], "{src:?}");
            assert!(errors[0].line.is_some(), "{src:?}");
        }
        let (c, _) = Config::from_toml_str("exclude = 1\n", Path::new("dep-ls.toml"));
        assert_eq!(
            c.exclude_doubts,
            ["dep-ls.toml: `exclude` must be a list of glob strings"]
        );
    }

    #[test]
    fn every_spelling_is_accepted_by_both_readers() {
        use serde_json::json;
        let toml = "prefixes = [\"OPS\"]\nplan = \"directory\"\n[severity]\nrange-gap = \"warn\"\nmissing-owner = \"none\"\nduplicate-id = \"information\"\n[owner]\nCriteria = \"required\"\n";
        let json = json!({
            "prefixes": ["OPS"],
            "plan": "directory",
            "severity": {"range-gap": "warn", "missing-owner": "none", "duplicate-id": "information"},
            "owner": {"Criteria": "required"},
        });
        let (file, errors) = Config::from_toml_str(toml, Path::new("dep-ls.toml"));
        assert!(errors.is_empty(), "{errors:?}");
        let mut editor = Config::default();
        assert!(editor.apply_settings(&json).is_empty());
        for c in [&file, &editor] {
            assert!(c.prefixes.is_known("OPS"));
            assert_eq!(c.plan, PlanScope::Directory);
            assert_eq!(
                c.severity(Code::RangeGap, Severity::Hint),
                Some(Severity::Warning)
            );
            assert_eq!(c.severity(Code::MissingOwner, Severity::Error), None);
            assert_eq!(c.owner_severity("criteria"), None);
            assert_eq!(c.owner.get("criteria"), Some(&Some(Severity::Error)));
        }
    }

    /// `[plan]` with only `environments` keeps the default scope; a scope that is not one of the
    /// names is still an error.
    #[test]
    fn plan_environments_without_scope() {
        let (c, errors) = Config::from_toml_str(
            "[plan]\nenvironments = [\"staging\", \"QA\"]\n",
            Path::new("dep-ls.toml"),
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(c.plan, PlanScope::Workspace);
        assert_eq!(c.required_environments, ["staging", "qa"]);
        let (_, errors) = Config::from_toml_str("[plan]\nscope = 3\n", Path::new("dep-ls.toml"));
        assert_eq!(errors.len(), 1, "{errors:?}");
    }

    /// The editor's section holds the editor's own settings, and settings that stay with the
    /// workspace (`include`, `exclude`, `max_file_size`): neither is an error there, and `null`
    /// is unset.
    #[test]
    fn editor_settings_leave_other_keys_alone() {
        let mut c = Config::default();
        let errors = c.apply_settings(&serde_json::json!({
            "server": {"path": ""},
            "logLevel": "info",
            "exclude": ["drafts/**"],
            "max_file_size": 1,
            "prefixes": null,
        }));
        assert!(errors.is_empty(), "{errors:?}");
        assert!(c.exclude.is_empty());
        assert_eq!(c.max_file_size, Config::default().max_file_size);
    }
}

//! Configuration: `dep-ls.toml` at the workspace root, the methodology's prefix registry
//! (`.claude/domain-profile.yaml`), and (later) editor settings. Missing file → defaults; an
//! invalid file → errors naming the line, and defaults for what could not be read.

use crate::codes::{Code, Severity};
use crate::syntax::Prefixes;
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
        let mut errors = Vec::new();
        let path = explicit
            .map(Path::to_path_buf)
            .unwrap_or_else(|| root.join(CONFIG_FILE));
        // Through the one bounded read: a FIFO or a device named `dep-ls.toml` (or the profile)
        // is refused instead of blocking or filling memory.
        let mut config = match read_config_file(&path) {
            Ok(src) => {
                // Key by key over the base (editor settings): the file wins where it speaks.
                let (c, errs) = Config::from_toml_str_over(base.clone(), &src, &path);
                errors.extend(errs);
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
                config.apply_registry(reg);
            }
            Err(e) if e.is_not_found() => {}
            Err(e) => errors.push(ConfigError {
                path: profile.clone(),
                line: None,
                message: format!("cannot read the domain profile: {e}"),
            }),
        }
        (config, errors)
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
        let mut doubts = Vec::new();
        let mut err = |key: &str, message: String| {
            errors.push(ConfigError {
                path: path.to_path_buf(),
                line: find_line(src, key),
                message,
            });
        };
        for (key, value) in &table {
            match key.as_str() {
                "prefixes" => match string_list(value) {
                    Some(list) => {
                        for p in list {
                            if valid_prefix(&p) {
                                c.prefixes.insert(&p);
                            } else {
                                err(key, format!("`{p}` is not a valid ID prefix (an uppercase letter, then 1–9 uppercase letters or digits)"));
                            }
                        }
                    }
                    None => err(key, "`prefixes` must be a list of strings, e.g. prefixes = [\"OPS\"]".into()),
                },
                "include" | "exclude" => match string_list(value) {
                    Some(list) => {
                        // Each glob is compiled as the walk will (not only parsed): one that
                        // cannot be used is named, and the others apply.
                        let mut good = Vec::with_capacity(list.len());
                        for g in list {
                            match compile_glob(&g) {
                                Ok(_) => good.push(g),
                                Err(e) => {
                                    let message = format!("`{}` is not a valid glob: {e}", short_glob(&g));
                                    if key == "exclude" {
                                        doubts.push(format!("{}: exclude: {message}", path.display()));
                                    }
                                    err(key, message);
                                }
                            }
                        }
                        if key == "include" {
                            c.include = good;
                        } else {
                            c.exclude = good;
                        }
                    }
                    None => {
                        let message = format!("`{key}` must be a list of glob strings");
                        if key == "exclude" {
                            doubts.push(format!("{}: {message}", path.display()));
                        }
                        err(key, message);
                    }
                },
                "max_file_size" => match value.as_integer() {
                    Some(n) if n > 0 => c.max_file_size = n as u64,
                    _ => err(key, "`max_file_size` must be a positive number of bytes".into()),
                },
                "severity" => match value.as_table() {
                    Some(t) => {
                        for (code, sev) in t {
                            let Some(code_v) = Code::from_name(code) else {
                                let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
                                let hint = crate::suggest::did_you_mean(code, names.iter().copied());
                                err(code, format!("unknown finding code `{code}`{}", hint.map(|h| format!(" — did you mean `{h}`?")).unwrap_or_default()));
                                continue;
                            };
                            match sev.as_str().and_then(parse_severity) {
                                Some(s) => {
                                    c.severity.insert(code_v, s);
                                }
                                None => err(code, format!("severity of `{code}` must be one of \"error\", \"warning\", \"info\", \"hint\", \"off\"")),
                            }
                        }
                    }
                    None => err(key, "`[severity]` must be a table of code = \"level\"".into()),
                },
                "owner" => match value.as_table() {
                    Some(t) => {
                        for (ty, sev) in t {
                            let ty_l = ty.to_ascii_lowercase();
                            if !matches!(ty_l.as_str(), "environment" | "criteria" | "rollback" | "validation" | "step" | "default") {
                                err(ty, format!("unknown Type `{ty}` in [owner] (use environment, criteria, rollback, validation, step or default)"));
                                continue;
                            }
                            match sev.as_str().and_then(parse_owner_policy) {
                                Some(s) => {
                                    c.owner.insert(ty_l, s);
                                }
                                None => err(ty, format!("owner policy for `{ty}` must be \"required\" (error), \"warning\", \"info\", \"hint\" or \"off\"")),
                            }
                        }
                    }
                    None => err(key, "`[owner]` must be a table of type = \"policy\"".into()),
                },
                "plan" => {
                    let scope = value
                        .as_table()
                        .and_then(|t| t.get("scope"))
                        .or(Some(value))
                        .and_then(|v| v.as_str());
                    match scope {
                        Some("workspace") => c.plan = PlanScope::Workspace,
                        Some("directory") => c.plan = PlanScope::Directory,
                        Some("file") => c.plan = PlanScope::File,
                        _ => err(key, "plan scope must be \"workspace\", \"directory\" or \"file\" (e.g. [plan] scope = \"directory\")".into()),
                    }
                    if let Some(envs) = value.as_table().and_then(|t| t.get("environments")) {
                        match string_list(envs) {
                            Some(l) => c.required_environments = l.into_iter().map(|s| s.to_ascii_lowercase()).collect(),
                            None => err("environments", "`environments` must be a list of names".into()),
                        }
                    }
                }
                other => err(other, format!("unknown setting `{other}` (known: prefixes, include, exclude, max_file_size, [severity], [owner], [plan])")),
            }
        }
        c.exclude_doubts.extend(doubts);
        (c, errors)
    }
}

impl Config {
    /// Applies editor settings (the `dep-ls` section of the client's configuration, or its
    /// `initializationOptions`): `{"severity": {"missing-owner": "off"}, "owner": {...},
    /// "prefixes": [...], "plan": {"scope": "directory"}}`. Returns messages about values
    /// that were ignored.
    pub fn apply_settings(&mut self, v: &serde_json::Value) -> Vec<String> {
        let mut errors = Vec::new();
        if let Some(list) = v.get("prefixes").and_then(|x| x.as_array()) {
            for p in list.iter().filter_map(|x| x.as_str()) {
                if valid_prefix(p) {
                    self.prefixes.insert(p);
                } else {
                    errors.push(format!("prefixes: `{p}` is not a valid ID prefix"));
                }
            }
        }
        if let Some(t) = v.get("severity").and_then(|x| x.as_object()) {
            for (code, sev) in t {
                match (Code::from_name(code), sev.as_str().and_then(parse_severity)) {
                    (Some(c), Some(s)) => {
                        self.severity.insert(c, s);
                    }
                    (None, _) => errors.push(format!("severity: unknown finding code `{code}`")),
                    (_, None) => errors.push(format!(
                        "severity: `{code}` must be error, warning, info, hint or off"
                    )),
                }
            }
        }
        if let Some(t) = v.get("owner").and_then(|x| x.as_object()) {
            for (ty, pol) in t {
                match pol.as_str().and_then(parse_owner_policy) {
                    Some(p) => {
                        self.owner.insert(ty.to_ascii_lowercase(), p);
                    }
                    None => errors.push(format!(
                        "owner: policy for `{ty}` must be required, warning, info, hint or off"
                    )),
                }
            }
        }
        if let Some(scope) = v
            .get("plan")
            .and_then(|p| p.get("scope").or(Some(p)))
            .and_then(|x| x.as_str())
        {
            match scope {
                "workspace" => self.plan = PlanScope::Workspace,
                "directory" => self.plan = PlanScope::Directory,
                "file" => self.plan = PlanScope::File,
                other => errors.push(format!(
                    "plan.scope: `{other}` must be workspace, directory or file"
                )),
            }
        }
        errors
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

fn valid_prefix(p: &str) -> bool {
    p.split('-').all(|seg| {
        let b = seg.as_bytes();
        (2..=10).contains(&b.len())
            && b[0].is_ascii_uppercase()
            && b.iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    })
}

fn string_list(v: &toml::Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|x| x.as_str().map(str::to_string))
        .collect()
}

fn parse_severity(s: &str) -> Option<Option<Severity>> {
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

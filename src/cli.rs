//! The command line: `dep-ls check [PATH…]` on the same engine as the language server.
//!
//! [`run`] parses the arguments and dispatches on the subcommand; everything here is I/O at
//! the edge: loading workspaces ([`Workspace::load`]), turning byte spans into positions
//! (only through [`crate::text::LineIndex`]), and printing findings in one of four formats
//! (human, JSON per spec §6, SARIF 2.1.0, GitHub Actions workflow commands).
//!
//! Exit codes: 0 = no error-severity finding, 1 = at least one, 2 = usage or I/O error.

use crate::check::{Code, Finding, Severity};
use crate::human::thousands;
use crate::text::{LineIndex, PositionEncoding, Range};
use crate::workspace::Workspace;
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// No error-severity finding.
pub const EXIT_OK: i32 = 0;
/// At least one error-severity finding.
pub const EXIT_FINDINGS: i32 = 1;
/// Usage error (bad flag, missing PATH) or I/O error (unreadable --config, failed write).
pub const EXIT_USAGE: i32 = 2;

/// Workspaces with more Markdown files than this show a progress line (on a terminal).
const PROGRESS_MIN_FILES: usize = 200;
/// Tab stops used to expand tabs in source excerpts.
const TAB_WIDTH: usize = 4;

const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  no error-severity finding (warnings, info and hints do not fail)
  1  at least one error-severity finding
  2  usage error (unknown flag, PATH that does not exist) or I/O error (unreadable --config)

Problems in dep-ls.toml are printed to stderr as warnings and do not change the exit code.";

/// dep-ls: checks release plans written as DEP- entries in Markdown.
#[derive(Parser, Debug)]
#[command(
    name = "dep-ls",
    version,
    about = "Language server and checker for DEP- release plans written in Markdown",
    long_about = "Language server and checker for DEP- release plans written in Markdown.\n\n\
                  Without a command (or with `lsp` / `--stdio`), dep-ls runs as a language server \
                  on stdin/stdout, which is how editors start it. \
                  `dep-ls check` checks a workspace from the command line (for CI); \
                  run `dep-ls check --help` for its formats and exit codes."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Run the language server on stdin/stdout (the default without a command)
    #[arg(long)]
    pub stdio: bool,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the language server on stdin/stdout (what editors start)
    Lsp {
        /// Accepted for editors that pass it; stdio is the only transport
        #[arg(long)]
        stdio: bool,
    },
    /// Check the release plans under PATH (a folder, or one Markdown file) and print findings
    Check(CheckArgs),
    /// Release readiness per plan: the guide's quality gates, counts, environments (exit 1 when a
    /// blocking gate fails)
    Report(ReportArgs),
    /// The trace graph: DEP- entries and every ID they link
    Graph(GraphArgs),
}

const REPORT_HELP: &str = "\
Blocking gates (exit 1 when one fails): environments documented, criteria with clear blockers,
rollback triggers with measurable thresholds, validation steps, an owner on each DEP- entry,
criteria tracing to EPIC-/TEST-/API- IDs, no error from `dep-ls check` in the plan's files.
Advisory: DEP- → RUN-, DEP- → MON-, all met → GTM- (GTM launch consumes this readiness).

Exit codes:
  0  every plan passes every blocking gate (or there is no DEP- plan, without --require-plan)
  1  a blocking gate fails (or there is no DEP- plan, with --require-plan)
  2  usage or I/O error";

/// `dep-ls report` arguments.
#[derive(Args, Debug)]
#[command(after_help = REPORT_HELP)]
pub struct ReportArgs {
    /// Workspace folder (or a folder or Markdown file in it: the plans with an entry there)
    #[arg(value_name = "PATH", default_value = ".")]
    pub path: PathBuf,

    /// Output format
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,

    /// Write the report to FILE instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Configuration file to use instead of the workspace's dep-ls.toml
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    // (issue 14, helper rep: the one flag `report` gained; cli.rs belongs to helper bnd)
    /// Exit 1 when there is no DEP- plan at all (by default: say so and exit 0)
    #[arg(long)]
    pub require_plan: bool,
}

/// Output formats of `report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Markdown,
    Json,
    /// One self-contained page with the trace graph as inline SVG
    Html,
}

/// `dep-ls graph` arguments.
#[derive(Args, Debug)]
pub struct GraphArgs {
    /// Workspace folder (or a folder or Markdown file in it: its DEP- entries)
    #[arg(value_name = "PATH", default_value = ".")]
    pub path: PathBuf,

    /// Output format
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,

    /// Only the part of the graph connected to this ID
    #[arg(long, value_name = "ID")]
    pub from: Option<String>,

    /// With --from: at most N links away (default: no limit)
    #[arg(long, value_name = "N", requires = "from")]
    pub depth: Option<usize>,

    /// Configuration file to use instead of the workspace's dep-ls.toml
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Output formats of `graph`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Mermaid,
    Dot,
    Json,
}

/// `dep-ls check` arguments.
#[derive(Args, Debug)]
#[command(after_help = EXIT_CODES_HELP)]
pub struct CheckArgs {
    /// Folders or Markdown files to check. Each is checked against its whole workspace (the
    /// nearest folder up holding dep-ls.toml, .claude/domain-profile.yaml, SoT/ or .git), but
    /// only its own findings are reported, with paths relative to the folder given (for a
    /// file: its folder). Nested workspaces inside a folder are checked on their own.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Human)]
    pub format: Format,

    /// Configuration file to use instead of each workspace's dep-ls.toml
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Never color the output (also: the NO_COLOR environment variable)
    #[arg(long)]
    pub no_color: bool,

    /// List skipped files and what was checked
    #[arg(long, short = 'v')]
    pub verbose: bool,

    /// Apply the fixes that need no judgement (enum casing, a key typo with one clear match,
    /// the next free number for DEP-XXX), then check
    #[arg(long)]
    pub fix: bool,

    /// Print what --fix would change as a unified diff, and write nothing (exit 1 when there
    /// is something to change)
    #[arg(long)]
    pub diff: bool,
}

/// Output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Compiler-style messages with source excerpts, and a summary line
    Human,
    /// One JSON array of findings (0-based lines, UTF-16 characters)
    Json,
    /// SARIF 2.1.0 (code scanning)
    Sarif,
    /// GitHub Actions workflow commands (::error file=…)
    Github,
}

/// Runs the command line with the process's arguments; returns the exit code.
pub fn run() -> i32 {
    run_from(std::env::args_os())
}

/// Runs the command line with these arguments (the first is the program name).
pub fn run_from<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // Help and --version print to stdout and exit 0; usage errors exit 2.
            let _ = e.print();
            return e.exit_code();
        }
    };
    match cli.command {
        Some(Command::Check(args)) => {
            if args.fix || args.diff {
                match fix_files(&args) {
                    Err(code) => return code,
                    Ok(changes) if args.diff => {
                        return if changes > 0 { EXIT_FINDINGS } else { EXIT_OK }
                    }
                    Ok(_) => {}
                }
            }
            check(&args)
        }
        Some(Command::Report(args)) => report_cmd(&args),
        Some(Command::Graph(args)) => graph_cmd(&args),
        Some(Command::Lsp { .. }) | None => {
            let _ = cli.stdio;
            init_server_logging();
            crate::lsp::run_stdio()
        }
    }
}

/// Logs go to stderr (stdout carries the protocol); `DEP_LS_LOG` (or `RUST_LOG`) sets the level.
fn init_server_logging() {
    let filter = std::env::var("DEP_LS_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "warn".to_string());
    let _ = tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_ansi(false)
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .try_init();
}

// ---------------------------------------------------------------------------------------------
// check
// ---------------------------------------------------------------------------------------------

/// One PATH of the command line, resolved by the one root rule ([`crate::root`]): PATH's
/// findings are reported, resolved against its whole workspace.
#[derive(Debug)]
struct Target {
    /// The workspace root to load (absolute, links resolved).
    root: PathBuf,
    /// The folder given (for a file: its folder), root-relative (`""`: the root). Only
    /// findings inside it are reported, and paths are shown relative to it (spec §6).
    base: String,
    /// When PATH is a file: its root-relative path (only its findings are reported).
    only: Option<String>,
    /// The folder given (for a file: its folder) as typed, with `/` separators, for GitHub
    /// `file=` paths (empty for the current directory).
    prefix: String,
    /// PATH as given, for messages.
    given: PathBuf,
}

impl Target {
    /// Is this root-relative path one whose findings PATH reports?
    fn covers(&self, path: &str) -> bool {
        match &self.only {
            Some(o) => o == path,
            None => crate::root::is_within(path, &self.base),
        }
    }

    /// Where the walk must reach even through hidden folders: the target itself.
    fn reach(&self) -> Vec<String> {
        vec![self.only.clone().unwrap_or_else(|| self.base.clone())]
    }

    /// A path of the workspace at `offset` (root-relative; `""`: the root's own) as shown:
    /// relative to the folder given.
    fn shown(&self, offset: &str, path: &str) -> String {
        let full = if offset.is_empty() {
            path.to_string()
        } else {
            format!("{offset}/{path}")
        };
        crate::root::relative_to(&self.base, &full)
    }
}

fn stderr_line(msg: std::fmt::Arguments<'_>) {
    let _ = writeln!(io::stderr().lock(), "{msg}");
}

macro_rules! err_line {
    ($($t:tt)*) => { stderr_line(format_args!($($t)*)) };
}

/// The root as typed, normalised for joining: `/` separators, no leading `./`, no trailing `/`,
/// empty for the current directory.
fn display_prefix(p: &Path) -> String {
    let mut s = p.to_string_lossy().into_owned();
    if cfg!(windows) {
        s = s.replace('\\', "/");
    }
    if !s.is_empty() && s.chars().all(|c| c == '/') {
        return "/".to_string();
    }
    while let Some(rest) = s.strip_prefix("./") {
        s = rest.trim_start_matches('/').to_string();
    }
    while s.ends_with('/') {
        s.pop();
    }
    if s == "." {
        s.clear();
    }
    s
}

/// `prefix` joined with a path relative to it (which may climb out of it with `..`).
fn join_display(prefix: &str, rel: &str) -> String {
    let mut segs: Vec<&str> = prefix.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            ".." if segs.last().is_some_and(|l| *l != "..") => {
                segs.pop();
            }
            ".." if prefix == "/" => {}
            s => segs.push(s),
        }
    }
    let joined = segs.join("/");
    if prefix.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

fn resolve_target(path: &Path) -> Result<Target, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.is_dir() {
        std::fs::read_dir(path)
            .map_err(|e| format!("{}: cannot read the folder ({e})", path.display()))?;
        let dir = crate::root::absolute(path);
        let root = crate::root::discover(&dir);
        Ok(Target {
            base: crate::workspace::rel_path(&root, &dir),
            root,
            only: None,
            prefix: display_prefix(path),
            given: path.to_path_buf(),
        })
    } else if meta.is_file() {
        crate::fsread::open_regular(path, crate::fsread::Follow::Yes)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| format!("{}: not a file name", path.display()))?;
        let dir = crate::root::absolute(&parent);
        let root = crate::root::discover(&dir);
        let base = crate::workspace::rel_path(&root, &dir);
        Ok(Target {
            prefix: display_prefix(&parent),
            only: Some(if base.is_empty() {
                name
            } else {
                format!("{base}/{name}")
            }),
            base,
            root,
            given: path.to_path_buf(),
        })
    } else {
        Err(format!("{}: neither a folder nor a file", path.display()))
    }
}

/// The progress line on stderr (`\rIndexing 1,234/5,000 files`).
struct Progress {
    enabled: bool,
    state: Mutex<ProgressState>,
    shown: AtomicBool,
}

#[derive(Default)]
struct ProgressState {
    done: usize,
    width: usize,
}

impl Progress {
    fn new(enabled: bool) -> Self {
        Progress {
            enabled,
            state: Mutex::new(ProgressState::default()),
            shown: AtomicBool::new(false),
        }
    }

    fn update(&self, done: usize, total: usize) {
        // `total` is 0 while the walk is still finding files.
        if !self.enabled || total.max(done) <= PROGRESS_MIN_FILES {
            return;
        }
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        // Parsing runs in parallel: ignore reports that arrive out of order.
        if done < st.done {
            return;
        }
        st.done = done;
        let msg = if total == 0 {
            format!("Indexing {} files…", thousands(done))
        } else {
            format!("Indexing {}/{} files", thousands(done), thousands(total))
        };
        st.width = st.width.max(msg.len());
        let mut err = io::stderr().lock();
        let _ = write!(err, "\r{msg}");
        let _ = err.flush();
        self.shown.store(true, Ordering::Relaxed);
    }

    /// Erases the progress line (if one was shown) and resets for the next workspace.
    fn clear(&self) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if self.shown.swap(false, Ordering::Relaxed) {
            let mut err = io::stderr().lock();
            let _ = write!(err, "\r{}\r", " ".repeat(st.width));
            let _ = err.flush();
        }
        *st = ProgressState::default();
    }
}

/// A position as printed: 0-based line, 0-based UTF-16 character, 0-based char column.
#[derive(Clone, Copy, Debug)]
struct Loc {
    range: Range,
    /// Column of the start, in Unicode scalar values (0-based).
    col_chars: u32,
}

/// The line a finding starts on, with the finding's span inside it (byte offsets into `text`,
/// first line only).
#[derive(Clone, Debug)]
struct Snippet {
    text: String,
    start: usize,
    end: usize,
}

#[derive(Clone, Debug)]
struct RelatedItem {
    path: String,
    file_arg: String,
    loc: Loc,
    message: String,
}

/// A finding with its positions computed.
#[derive(Clone, Debug)]
struct Item {
    /// Relative to its PATH's root.
    path: String,
    /// As GitHub wants it: PATH as given joined with `path`.
    file_arg: String,
    code: Code,
    severity: Severity,
    message: String,
    id: Option<String>,
    loc: Loc,
    snippet: Option<Snippet>,
    related: Vec<RelatedItem>,
}

/// Texts and line indexes of a workspace's files, built on demand.
struct Texts<'w> {
    by_path: HashMap<&'w str, &'w str>,
    indexes: HashMap<&'w str, LineIndex>,
}

impl<'w> Texts<'w> {
    fn new(ws: &'w Workspace) -> Self {
        let by_path = ws
            .files
            .iter()
            .map(|f| (f.path.as_str(), &*f.text))
            .collect();
        Texts {
            by_path,
            indexes: HashMap::new(),
        }
    }

    /// Position of `span` in `path` (0,0 when the file is not known), and, when `snippet`, a
    /// window of its first line around it ([`snippet_window`]).
    fn locate(
        &mut self,
        path: &str,
        span: &std::ops::Range<usize>,
        snippet: bool,
    ) -> (Loc, Option<Snippet>) {
        let Some((&key, &text)) = self.by_path.get_key_value(path) else {
            return (
                Loc {
                    range: Range::default(),
                    col_chars: 0,
                },
                None,
            );
        };
        // Findings come sorted by file: a few line tables at a time are enough (keeping one per
        // file with findings held tens of MB on large workspaces).
        if self.indexes.len() >= 32 && !self.indexes.contains_key(key) {
            self.indexes.clear();
        }
        let idx = self
            .indexes
            .entry(key)
            .or_insert_with(|| LineIndex::new(text));
        let range = idx.range(text, span.clone(), PositionEncoding::Utf16);
        let col_chars = idx
            .position(text, span.start.min(span.end), PositionEncoding::Utf32)
            .character;
        if !snippet {
            return (Loc { range, col_chars }, None);
        }
        let line = range.start.line as usize;
        let (ls, le) = (idx.line_start(line), idx.line_end(line));
        let line_text = text.get(ls..le).unwrap_or("");
        let start = idx
            .offset(text, range.start, PositionEncoding::Utf16)
            .clamp(ls, le)
            - ls;
        let end = if range.end.line as usize == line {
            idx.offset(text, range.end, PositionEncoding::Utf16)
                .clamp(ls, le)
                - ls
        } else {
            le - ls
        };
        (
            Loc { range, col_chars },
            Some(snippet_window(line_text, start, end.max(start))),
        )
    }
}

/// Bytes of context a snippet shows on each side of its span (and of the span itself).
const SNIPPET_CONTEXT: usize = 100;

/// The part of `line` a snippet shows: the span `start..end` (its first `SNIPPET_CONTEXT`
/// bytes) with up to `SNIPPET_CONTEXT` bytes on each side, cut at character boundaries, with `…`
/// where the line goes on. A finding on a 260 KB line copies a few hundred bytes, not the line.
fn snippet_window(line: &str, start: usize, end: usize) -> Snippet {
    let floor = |mut i: usize| {
        i = i.min(line.len());
        while !line.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(start);
    let end = floor(end.max(start));
    let shown_end = floor(end.min(start + SNIPPET_CONTEXT));
    let from = floor(start.saturating_sub(SNIPPET_CONTEXT));
    let to = floor(shown_end + SNIPPET_CONTEXT);
    let mut text = String::with_capacity(to - from + 8);
    if from > 0 {
        text.push('…');
    }
    let lead = text.len();
    text.push_str(&line[from..to]);
    if to < line.len() {
        text.push('…');
    }
    Snippet {
        start: lead + start - from,
        end: lead + shown_end - from,
        text,
    }
}

/// What one `check` run gathered.
#[derive(Default)]
struct Report {
    items: Vec<Item>,
    files: usize,
}

fn check(args: &CheckArgs) -> i32 {
    if let Some(cfg) = &args.config {
        if let Err(e) = crate::config::read_config_file(cfg) {
            err_line!("error: cannot read --config {}: {e}", cfg.display());
            return EXIT_USAGE;
        }
    }
    let mut targets = Vec::with_capacity(args.paths.len());
    for p in &args.paths {
        match resolve_target(p) {
            Ok(t) => targets.push(t),
            Err(msg) => {
                err_line!("error: {msg}");
                return EXIT_USAGE;
            }
        }
    }

    let progress = Progress::new(io::stderr().is_terminal());
    let mut report = Report::default();
    let mut config_warnings = BTreeSet::new();
    let mut skipped = 0usize;
    for t in &targets {
        let progress_fn = |done, total| progress.update(done, total);
        let mut items = Vec::new();
        let mut found_only = false;
        let r = each_workspace(t, args.config.as_deref(), &progress_fn, |ws, t, offset| {
            progress.clear();
            for e in &ws.config_errors {
                let msg = e.to_string();
                // The same --config is read once per PATH: say each problem once.
                if config_warnings.insert(msg.clone()) {
                    err_line!("warning: {msg}");
                }
            }
            skipped += ws.notes.len();
            if args.verbose {
                for n in &ws.notes {
                    err_line!("note: {n}");
                }
            }
            let mut findings: Vec<Finding> = ws.check();
            // The top workspace: only PATH's findings (a nested one lies inside PATH).
            if offset.is_empty() {
                findings.retain(|f| t.covers(&f.path));
                let n = ws.files.iter().filter(|f| t.covers(&f.path)).count();
                found_only |= n > 0;
                report.files += n;
            } else {
                report.files += ws.files.len();
            }
            if args.verbose {
                err_line!(
                    "note: {}: {} Markdown files indexed, {} findings reported",
                    join_display(&t.prefix, &t.shown(offset, "")),
                    ws.files.len(),
                    findings.len()
                );
            }
            let snippets = matches!(args.format, Format::Human);
            items.extend(locate_all(&ws, t, offset, findings, snippets));
            // The process is about to exit: freeing a large workspace piece by piece costs a
            // noticeable share of a run, and the OS reclaims it at once.
            std::mem::forget(ws);
            Ok(())
        });
        if let Err(code) = r {
            return code;
        }
        if t.only.is_some() && !found_only {
            err_line!(
                "warning: {}: not a Markdown file that dep-ls reads (not .md, ignored or skipped); nothing checked in it",
                t.given.display()
            );
        }
        sort_items(&mut items);
        report.items.extend(items);
    }
    if skipped > 0 && !args.verbose {
        err_line!(
            "note: {skipped} {} skipped (--verbose lists them)",
            if skipped == 1 { "file" } else { "files" }
        );
    }

    let code = if report.items.iter().any(|i| i.severity == Severity::Error) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    let color = !args.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var_os("TERM").is_none_or(|v| v != "dumb")
        && io::stdout().is_terminal();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let written = match args.format {
        Format::Human => write_human(&mut out, &report, color),
        Format::Json => write_json(&mut out, &report.items),
        Format::Sarif => write_sarif(&mut out, &report.items),
        Format::Github => write_github(&mut out, &report.items),
    }
    .and_then(|()| out.flush());
    match written {
        Ok(()) => code,
        // `dep-ls check | head`: end quietly with the code already computed.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => code,
        Err(e) => {
            err_line!("error: cannot write the output: {e}");
            EXIT_USAGE
        }
    }
}

/// Loads PATH's workspace and hands it to `each` (with `""`), then each nested workspace
/// inside PATH ([`crate::root`]; not for a file), outermost first, with its root-relative
/// folder: each with its own configuration (or `--config`), resolved on its own.
fn each_workspace(
    t: &Target,
    config: Option<&Path>,
    progress: &(dyn Fn(usize, usize) + Sync),
    mut each: impl FnMut(Workspace, &Target, &str) -> Result<(), i32>,
) -> Result<(), i32> {
    let (top, fallback) = load_top(t, config, progress);
    let t = fallback.as_ref().unwrap_or(t);
    let mut queue: std::collections::VecDeque<String> = std::collections::VecDeque::new();
    if t.only.is_none() {
        queue.extend(
            top.nested
                .iter()
                .filter(|(n, _)| crate::root::is_within(n, &t.base))
                .map(|(n, _)| n.clone()),
        );
    }
    each(top, t, "")?;
    while let Some(offset) = queue.pop_front() {
        let ws = Workspace::load(&t.root.join(&offset), config, progress);
        queue.extend(ws.nested.iter().map(|(n, _)| format!("{offset}/{n}")));
        each(ws, t, &offset)?;
    }
    Ok(())
}

/// Loads PATH's workspace. When its root's walk does not reach PATH at all (PATH is ignored
/// by a `.gitignore` or excluded there: a build folder inside a repository), PATH's folder is
/// loaded as a workspace of its own instead — a path given explicitly is checked — and the
/// target for it is returned.
fn load_top(
    t: &Target,
    config: Option<&Path>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> (Workspace, Option<Target>) {
    let ws = Workspace::load_reaching(&t.root, config, &t.reach(), progress);
    // Reached: a file of PATH was read, or PATH holds nested workspaces (their files are
    // theirs).
    let reached = ws.files.iter().any(|f| t.covers(&f.path))
        || (t.only.is_none()
            && ws
                .nested
                .iter()
                .any(|(n, _)| crate::root::is_within(n, &t.base)));
    if t.base.is_empty() || reached {
        return (ws, None);
    }
    let own = Target {
        root: t.root.join(&t.base),
        base: String::new(),
        only: t
            .only
            .as_ref()
            .map(|o| o.rsplit('/').next().unwrap_or(o).to_string()),
        prefix: t.prefix.clone(),
        given: t.given.clone(),
    };
    let ws2 = Workspace::load_reaching(&own.root, config, &own.reach(), progress);
    if ws2.files.iter().any(|f| own.covers(&f.path)) {
        tracing::info!(
            "{}: not reached from {} (ignored or excluded there): checked as a workspace of its own",
            t.given.display(),
            t.root.display()
        );
        std::mem::forget(ws);
        return (ws2, Some(own));
    }
    std::mem::forget(ws2);
    (ws, None)
}

/// Computes positions for the findings of the workspace at `offset` (root-relative) of a PATH,
/// with paths as shown (relative to the folder given).
/// Source snippets (`snippets`) are made for human output only: the other formats have no use
/// for them, and a copy of the line per finding grew memory with findings × line length.
fn locate_all(
    ws: &Workspace,
    t: &Target,
    offset: &str,
    findings: Vec<Finding>,
    snippets: bool,
) -> Vec<Item> {
    let mut texts = Texts::new(ws);
    findings
        .into_iter()
        .map(|f| {
            let (loc, snippet) = texts.locate(&f.path, &f.span, snippets);
            let related = f
                .related
                .iter()
                .map(|r| {
                    let path = t.shown(offset, &r.path);
                    RelatedItem {
                        file_arg: join_display(&t.prefix, &path),
                        path,
                        loc: texts.locate(&r.path, &r.span, false).0,
                        message: r.message.clone(),
                    }
                })
                .collect();
            let path = t.shown(offset, &f.path);
            Item {
                file_arg: join_display(&t.prefix, &path),
                path,
                code: f.code,
                severity: f.severity,
                message: f.message,
                id: f.id,
                loc,
                snippet,
                related,
            }
        })
        .collect()
}

/// Sorts a PATH's findings by path, line, column, code.
fn sort_items(items: &mut [Item]) {
    items.sort_by(|a, b| {
        (
            &a.path,
            a.loc.range.start,
            a.code.as_str(),
            a.loc.range.end,
            &a.message,
        )
            .cmp(&(
                &b.path,
                b.loc.range.start,
                b.code.as_str(),
                b.loc.range.end,
                &b.message,
            ))
    });
}

// ---------------------------------------------------------------------------------------------
// report, graph, check --fix
// ---------------------------------------------------------------------------------------------

/// Loads the workspace of one PATH for `report` / `graph` (`--config` must be readable).
fn load_target(path: &Path, config: Option<&Path>) -> Result<(Target, Workspace), i32> {
    if let Some(cfg) = config {
        if let Err(e) = crate::config::read_config_file(cfg) {
            err_line!("error: cannot read --config {}: {e}", cfg.display());
            return Err(EXIT_USAGE);
        }
    }
    let t = resolve_target(path).map_err(|msg| {
        err_line!("error: {msg}");
        EXIT_USAGE
    })?;
    let (ws, fallback) = load_top(&t, config, &|_, _| {});
    let t = fallback.unwrap_or(t);
    for e in &ws.config_errors {
        err_line!("warning: {e}");
    }
    // Nested workspaces are reported on their own (`report`/`graph` of their folder).
    let nested: Vec<&str> = ws
        .nested
        .iter()
        .filter(|(n, _)| t.only.is_none() && crate::root::is_within(n, &t.base))
        .map(|(n, _)| n.as_str())
        .collect();
    if !nested.is_empty() {
        err_line!(
            "note: {} nested {} left out (each is a workspace of its own): {}",
            nested.len(),
            if nested.len() == 1 {
                "workspace"
            } else {
                "workspaces"
            },
            nested
                .iter()
                .map(|n| join_display(&t.prefix, &t.shown("", n)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok((t, ws))
}

fn text_lines(ws: &Workspace) -> crate::report::TextLines<'_> {
    crate::report::TextLines::new(ws.files.iter().map(|f| (f.path.as_str(), &*f.text)))
}

/// Writes `text` to stdout or to `output`.
fn emit(text: &str, output: Option<&Path>) -> Result<(), i32> {
    let r = match output {
        Some(p) => {
            std::fs::write(p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))
        }
        None => {
            let mut out = io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                    Err(format!("cannot write the output: {e}"))
                }
                _ => Ok(()),
            }
        }
    };
    r.map_err(|msg| {
        err_line!("error: {msg}");
        EXIT_USAGE
    })
}

fn report_cmd(args: &ReportArgs) -> i32 {
    let (t, ws) = match load_target(&args.path, args.config.as_deref()) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut lines = text_lines(&ws);
    let mut report = crate::report::build(&ws.index, &ws.config, &mut lines);
    // PATH's plans: those with an entry in it (a file, or a folder below the root).
    if t.only.is_some() || !t.base.is_empty() {
        report
            .plans
            .retain(|p| p.members.iter().any(|(path, _)| t.covers(path)));
    }
    let title = t
        .root
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| t.given.display().to_string());
    let text = match args.format {
        ReportFormat::Markdown => crate::report::render::markdown(&report),
        ReportFormat::Json => crate::report::render::json(&report),
        ReportFormat::Html => {
            let graphs: Vec<_> = report
                .plans
                .iter()
                .map(|p| crate::report::graph::build(&ws.index, &p.members, &mut lines))
                .collect();
            crate::report::render::html(&report, &graphs, &title)
        }
    };
    if let Err(code) = emit(&text, args.output.as_deref()) {
        return code;
    }
    // (issue 14, helper rep) No plan: nothing to judge, exit 0 unless --require-plan.
    if report.no_plan() && args.require_plan {
        err_line!("error: no DEP- release plan found (--require-plan)");
        return EXIT_FINDINGS;
    }
    if report.ready() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }
}

fn graph_cmd(args: &GraphArgs) -> i32 {
    let (t, ws) = match load_target(&args.path, args.config.as_deref()) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut members: Vec<(String, usize)> = crate::report::plans(&ws.index, &ws.config)
        .into_values()
        .flatten()
        .filter(|(p, _)| t.covers(p))
        .collect();
    members.sort();
    let mut lines = text_lines(&ws);
    let mut g = crate::report::graph::build(&ws.index, &members, &mut lines);
    if let Some(from) = &args.from {
        match g.around(from, args.depth) {
            Some(sub) => g = sub,
            None => {
                err_line!(
                    "error: --from {from}: not in the trace graph (no DEP- entry is or links it)"
                );
                return EXIT_USAGE;
            }
        }
    }
    let text = match args.format {
        GraphFormat::Mermaid => g.to_mermaid(),
        GraphFormat::Dot => g.to_dot(),
        GraphFormat::Json => g.to_json(),
    };
    match emit(&text, None) {
        Ok(()) => EXIT_OK,
        Err(code) => code,
    }
}

/// Exit code after an interrupted `--fix` (128 + SIGINT, as a shell reports it).
const EXIT_INTERRUPTED: i32 = 130;

/// SIGINT, SIGTERM and SIGHUP turned into a flag while `--fix` writes files (unix); the
/// previous handlers come back when the guard is dropped.
mod interrupt {
    use std::sync::atomic::{AtomicBool, Ordering};

    static HIT: AtomicBool = AtomicBool::new(false);

    /// Was a signal received while a [`Guard`] was held?
    pub fn hit() -> bool {
        HIT.load(Ordering::SeqCst)
    }

    pub struct Guard {
        #[cfg(unix)]
        previous: Vec<(libc::c_int, libc::sighandler_t)>,
    }

    #[cfg(unix)]
    extern "C" fn on_signal(_: libc::c_int) {
        // Only an atomic store: async-signal-safe.
        HIT.store(true, Ordering::SeqCst);
    }

    impl Guard {
        pub fn catch() -> Guard {
            #[cfg(unix)]
            {
                let handler = on_signal as extern "C" fn(libc::c_int);
                let mut previous = Vec::new();
                for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                    // SAFETY: the handler only stores to an atomic.
                    let old = unsafe { libc::signal(sig, handler as libc::sighandler_t) };
                    if old == libc::SIG_IGN {
                        // Ignored (a background job): stay ignored.
                        // SAFETY: restoring the disposition just returned.
                        unsafe { libc::signal(sig, libc::SIG_IGN) };
                    } else if old != libc::SIG_ERR {
                        previous.push((sig, old));
                    }
                }
                Guard { previous }
            }
            #[cfg(not(unix))]
            Guard {}
        }
    }

    impl Drop for Guard {
        fn drop(&mut self) {
            #[cfg(unix)]
            for &(sig, old) in &self.previous {
                // SAFETY: restoring the disposition `signal` returned.
                unsafe { libc::signal(sig, old) };
            }
        }
    }
}

/// `check --fix` / `--diff`: computes the safe fixes of every PATH and writes them (or prints
/// the diff). Returns how many edits were (or would be) made.
fn fix_files(args: &CheckArgs) -> Result<usize, i32> {
    if let Some(cfg) = &args.config {
        if let Err(e) = crate::config::read_config_file(cfg) {
            err_line!("error: cannot read --config {}: {e}", cfg.display());
            return Err(EXIT_USAGE);
        }
    }
    let mut total = 0;
    let mut failed = false;
    let mut config_warnings = BTreeSet::new();
    for p in &args.paths {
        let t = resolve_target(p).map_err(|msg| {
            err_line!("error: {msg}");
            EXIT_USAGE
        })?;
        each_workspace(
            &t,
            args.config.as_deref(),
            &|_, _| {},
            |mut ws, t, offset| {
                // With --fix the check that follows prints the configuration's problems; --diff ends
                // here.
                for e in ws.config_errors.iter().filter(|_| args.diff) {
                    let msg = e.to_string();
                    // The same --config is read once per PATH: say each problem once.
                    if config_warnings.insert(msg.clone()) {
                        err_line!("warning: {msg}");
                    }
                }
                for note in &ws.notes {
                    if args.verbose {
                        err_line!("note: {note} (not fixed)");
                    }
                }
                // A file meant to be excluded must never be rewritten: when the exclude list may be
                // incomplete, write nothing.
                if !args.diff && !ws.config.exclude_doubts.is_empty() {
                    for d in &ws.config.exclude_doubts {
                        err_line!("error: {d}");
                    }
                    err_line!(
                "error: {}: --fix writes nothing while the `exclude` list may be incomplete; correct dep-ls.toml first",
                t.given.display()
            );
                    return Err(EXIT_USAGE);
                }
                // Fixes can enable others (a numbered `DEP-XXX` is checked, and its key typos found):
                // apply them in memory, re-index, and go again until nothing changes.
                let mut current: Vec<String> =
                    ws.files.iter().map(|f| f.text.to_string()).collect();
                let mut done: Vec<Vec<crate::fix::Fix>> = vec![Vec::new(); ws.files.len()];
                for _round in 0..4 {
                    let findings = ws.check();
                    let mut numbering = crate::fix::Numbering::from_index(&ws.index);
                    let mut changed = false;
                    for (i, f) in ws.files.iter().enumerate() {
                        if offset.is_empty() && !t.covers(&f.path) {
                            continue;
                        }
                        let Some(file) = ws.index.file_id(&f.path).and_then(|id| ws.index.file(id))
                        else {
                            continue;
                        };
                        let mine: Vec<Finding> = findings
                            .iter()
                            .filter(|x| x.path == f.path)
                            .cloned()
                            .collect();
                        let fixes =
                            crate::fix::fixes(&current[i], &file.doc, &mine, &mut numbering);
                        if fixes.is_empty() {
                            continue;
                        }
                        let new = crate::fix::apply(&current[i], &fixes);
                        let doc = crate::syntax::parse_fast(&new, &ws.config.prefixes);
                        ws.index.update(&f.path, std::sync::Arc::new(doc));
                        current[i] = new;
                        done[i].extend(fixes);
                        changed = true;
                    }
                    if !changed {
                        break;
                    }
                }
                // Ctrl-C or a termination request while files are written stops between two files,
                // so that no temporary file is left behind (a SIGKILL still can leave one).
                let _guard = (!args.diff).then(interrupt::Guard::catch);
                for (i, f) in ws.files.iter().enumerate() {
                    if done[i].is_empty() {
                        continue;
                    }
                    if interrupt::hit() {
                        err_line!("error: interrupted: the other files are left as they were");
                        return Err(EXIT_INTERRUPTED);
                    }
                    let fixes = &done[i];
                    let new = &current[i];
                    let shown = join_display(&t.prefix, &t.shown(offset, &f.path));
                    total += fixes.len();
                    if args.diff {
                        let d = crate::fix::unified_diff(&shown, &f.text, new);
                        if emit(&d, None).is_err() {
                            return Err(EXIT_USAGE);
                        }
                        continue;
                    }
                    // Only over the text that was read, only a regular file inside the root, never
                    // through a symlink.
                    match crate::fix::write_fixed(&ws.root, &f.path, &f.text, new) {
                        Ok(()) => {}
                        Err(e @ crate::fix::WriteError::Changed) => {
                            err_line!("warning: {shown}: {e}");
                            failed = true;
                            continue;
                        }
                        Err(e) => {
                            err_line!("error: {shown}: {e}");
                            failed = true;
                            continue;
                        }
                    }
                    // Fixes never add or remove lines: line numbers hold in the original text.
                    let idx = LineIndex::new(&f.text);
                    let mut shown_fixes: Vec<&crate::fix::Fix> = fixes.iter().collect();
                    shown_fixes.sort_by_key(|x| x.span.start);
                    for x in shown_fixes {
                        err_line!(
                            "fixed {shown}:{}: {} [{}] `{}` → `{}`",
                            idx.line_of(x.span.start) + 1,
                            x.id,
                            x.kind,
                            x.old,
                            x.new
                        );
                    }
                }
                if interrupt::hit() {
                    err_line!("error: interrupted after the last file was written");
                    return Err(EXIT_INTERRUPTED);
                }
                std::mem::forget(ws);
                Ok(())
            },
        )?;
    }
    if !args.diff {
        err_line!(
            "{} {} applied",
            total,
            if total == 1 { "fix" } else { "fixes" }
        );
    }
    if failed {
        return Err(EXIT_USAGE);
    }
    Ok(total)
}

// ---------------------------------------------------------------------------------------------
// human
// ---------------------------------------------------------------------------------------------

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, codes: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{codes}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn severity_codes(sev: Severity) -> &'static str {
        match sev {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;34",
            Severity::Hint => "1;36",
        }
    }
}

fn write_human(out: &mut dyn Write, report: &Report, color: bool) -> io::Result<()> {
    let st = Style { on: color };
    for it in &report.items {
        let pos = format!(
            "{}:{}:{}:",
            it.file_arg,
            it.loc.range.start.line + 1,
            it.loc.col_chars + 1
        );
        let sev = Style::severity_codes(it.severity);
        writeln!(
            out,
            "{} {}: {}",
            st.paint("1", &pos),
            st.paint(
                sev,
                &format!("{}[{}]", it.severity.as_str(), it.code.as_str())
            ),
            st.paint("1", &it.message)
        )?;
        if let Some(sn) = &it.snippet {
            let (line, pad, width) = render_line(&sn.text, sn.start, sn.end);
            let num = (it.loc.range.start.line + 1).to_string();
            let gutter = " ".repeat(num.len());
            let bar = st.paint("1;34", "|");
            writeln!(out, " {} {bar} {}", st.paint("1;34", &num), line.trim_end())?;
            let marks = format!("^{}", "~".repeat(width.saturating_sub(1)));
            writeln!(
                out,
                " {gutter} {bar} {}{}",
                " ".repeat(pad),
                st.paint(sev, &marks)
            )?;
        }
        for r in &it.related {
            writeln!(
                out,
                "  {} {}:{}:{}: {}",
                st.paint("1;32", "note:"),
                r.file_arg,
                r.loc.range.start.line + 1,
                r.loc.col_chars + 1,
                r.message
            )?;
        }
    }
    writeln!(out, "{}", summary(&report.items, report.files))
}

/// `2 errors, 5 warnings, 1 hint in 14 files` / `no findings in 14 files`.
fn summary(items: &[Item], files: usize) -> String {
    let count = |s: Severity| items.iter().filter(|i| i.severity == s).count();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = Vec::new();
    for (sev, one, many) in [
        (Severity::Error, "error", "errors"),
        (Severity::Warning, "warning", "warnings"),
        (Severity::Info, "info", "info"),
        (Severity::Hint, "hint", "hints"),
    ] {
        let n = count(sev);
        if n > 0 {
            parts.push(plural(n, one, many));
        }
    }
    let files = plural(files, "file", "files");
    if parts.is_empty() {
        format!("no findings in {files}")
    } else {
        format!("{} in {files}", parts.join(", "))
    }
}

/// Renders a source line for a terminal: tabs expanded to tab stops, control characters shown
/// as spaces. Returns the line, and the display columns before `start` and of `start..end`
/// (byte offsets into `line`).
fn render_line(line: &str, start: usize, end: usize) -> (String, usize, usize) {
    let mut shown = String::with_capacity(line.len());
    let (mut col, mut pad, mut width) = (0usize, 0usize, 0usize);
    let mut after_zwj = false;
    for (i, ch) in line.char_indices() {
        let w = if ch == '\t' {
            let w = TAB_WIDTH - col % TAB_WIDTH;
            shown.extend(std::iter::repeat_n(' ', w));
            w
        } else if ch.is_control() {
            shown.push(' ');
            1
        } else {
            shown.push(ch);
            // An emoji joined by ZWJ renders inside the previous one.
            if after_zwj {
                0
            } else {
                char_width(ch)
            }
        };
        after_zwj = ch == '\u{200D}';
        col += w;
        if i < start {
            pad += w;
        } else if i < end {
            width += w;
        }
    }
    (shown, pad, width.max(1))
}

/// Terminal columns of a (non-control) character (`unicode-width`: 0 for combining and
/// zero-width characters, 2 for East Asian wide and fullwidth characters and emoji, else 1).
fn char_width(ch: char) -> usize {
    unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// json (spec §6)
// ---------------------------------------------------------------------------------------------

/// One element of the `--format json` array: exactly the spec's keys, in the spec's order.
#[derive(Serialize)]
struct JsonFinding<'a> {
    path: &'a str,
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    range: Range,
    id: Option<&'a str>,
}

fn write_json(out: &mut dyn Write, items: &[Item]) -> io::Result<()> {
    let list: Vec<JsonFinding<'_>> = items
        .iter()
        .map(|i| JsonFinding {
            path: &i.path,
            severity: i.severity.as_str(),
            code: i.code.as_str(),
            message: &i.message,
            range: i.loc.range,
            id: i.id.as_deref(),
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &list).map_err(io::Error::from)?;
    writeln!(out)
}

// ---------------------------------------------------------------------------------------------
// sarif
// ---------------------------------------------------------------------------------------------

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

fn write_sarif(out: &mut dyn Write, items: &[Item]) -> io::Result<()> {
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

// ---------------------------------------------------------------------------------------------
// github
// ---------------------------------------------------------------------------------------------

/// Escapes a workflow command's message.
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn write_github(out: &mut dyn Write, items: &[Item]) -> io::Result<()> {
    for i in items {
        let command = match i.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info | Severity::Hint => "notice",
        };
        let r = i.loc.range;
        let mut props = format!(
            "file={},line={}",
            gh_property(&i.file_arg),
            r.start.line + 1
        );
        // GitHub takes columns only for single-line annotations.
        if r.start.line == r.end.line {
            props.push_str(&format!(
                ",col={},endLine={},endColumn={}",
                r.start.character + 1,
                r.end.line + 1,
                r.end.character + 1
            ));
        } else {
            props.push_str(&format!(",endLine={}", r.end.line + 1));
        }
        props.push_str(&format!(
            ",title={}",
            gh_property(&format!("dep-ls {}", i.code.as_str()))
        ));
        let mut message = i.message.clone();
        for rel in &i.related {
            message.push_str(&format!(
                "\nnote: {}:{}:{}: {}",
                rel.file_arg,
                rel.loc.range.start.line + 1,
                rel.loc.col_chars + 1,
                rel.message
            ));
        }
        writeln!(out, "::{command} {props}::{}", gh_data(&message))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(5_000_000), "5,000,000");
    }

    #[test]
    fn prefixes_for_github_paths() {
        assert_eq!(display_prefix(Path::new(".")), "");
        assert_eq!(display_prefix(Path::new("./")), "");
        assert_eq!(display_prefix(Path::new("./docs/")), "docs");
        assert_eq!(display_prefix(Path::new("docs/plans")), "docs/plans");
        assert_eq!(display_prefix(Path::new("/")), "/");
        assert_eq!(join_display("", "a.md"), "a.md");
        assert_eq!(join_display("docs", "x/a.md"), "docs/x/a.md");
        assert_eq!(join_display("/", "a.md"), "/a.md");
    }

    #[test]
    fn underline_widths() {
        // ASCII.
        assert_eq!(render_line("DEP-001: x", 0, 7), ("DEP-001: x".into(), 0, 7));
        // A tab expands to the next tab stop, before and inside the span.
        let (shown, pad, width) = render_line("a\tTEST-1", 2, 8);
        assert_eq!(shown, "a   TEST-1");
        assert_eq!((pad, width), (4, 6));
        // CJK and emoji are two columns wide; the underline starts after them.
        let line = "发布 🚀 TEST-9";
        let start = line.find("TEST").unwrap();
        let (_, pad, width) = render_line(line, start, line.len());
        assert_eq!((pad, width), (8, 6));
        // Empty spans get one caret.
        assert_eq!(render_line("abc", 3, 3).2, 1);
        // A combining accent takes no column.
        assert_eq!(render_line("e\u{301}X", 3, 4).1, 1);
    }

    #[test]
    fn github_escaping() {
        assert_eq!(gh_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(gh_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn uri_encoding() {
        assert_eq!(uri_path("docs/my plan.md"), "docs/my%20plan.md");
        assert_eq!(uri_path("a#b?c:d%.md"), "a%23b%3Fc%3Ad%25.md");
        assert_eq!(uri_path("发.md"), "%E5%8F%91.md");
    }

    #[test]
    fn summaries() {
        assert_eq!(summary(&[], 14), "no findings in 14 files");
        assert_eq!(summary(&[], 1), "no findings in 1 file");
    }
}

//! The command line, one front end of the engine (the language server is the other):
//! `dep-ls check [PATH…]`, `dep-ls report`, `dep-ls graph`, and the language server itself
//! (`dep-ls`, `dep-ls lsp`, `dep-ls --stdio`).
//!
//! This module holds the arguments (clap) and [`run`], which dispatches on the subcommand; one
//! module per subcommand (`check`, `fix` for `check --fix`/`--diff`, `report`, `graph`,
//! `server`) does the work, all of it I/O at the edge on top of the engine: which workspaces a
//! PATH means (`targets`, by the one root rule of [`crate::root`]), turning byte spans into
//! positions (`locate`, only through [`crate::text`]), and printing findings in one of four
//! formats (`format`: human, JSON per spec §6, SARIF 2.1.0, GitHub Actions workflow commands).
//!
//! Exit codes: 0 = no error-severity finding, 1 = at least one, 2 = usage or I/O error.

#[macro_use]
mod output;
mod check;
mod config;
mod diff;
mod fix;
mod format;
mod graph;
mod init;
mod interrupt;
mod locate;
mod mcp;
mod progress;
mod report;
mod server;
mod targets;
mod watch;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::path::PathBuf;

/// No error-severity finding.
pub const EXIT_OK: i32 = 0;
/// At least one error-severity finding.
pub const EXIT_FINDINGS: i32 = 1;
/// Usage error (bad flag, missing PATH) or I/O error (unreadable --config, failed write).
pub const EXIT_USAGE: i32 = 2;

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
    /// The DEP- schema as JSON: Types, Stages, fields per Type, enumerations, templates (what
    /// editor extensions build their templates and snippets from)
    Schema,
    /// The effective configuration of PATH's workspace and where each part came from
    /// (dep-ls.toml, --config, the domain profile, defaults), with its problems (exit 1)
    Config(ConfigArgs),
    /// What a change does to the trace graph between a git revision and the working tree (or
    /// two revisions): IDs added, removed, retitled, changed; suspect links; findings introduced
    /// and fixed; readiness before → after (exit 1 when it introduces an error)
    Diff(DiffArgs),
    /// Write a commented dep-ls.toml (every key with its default) in the folder PATH, and with
    /// --plan a release-plan skeleton; never overwrites a file (exit 1 when one exists)
    Init(InitArgs),
    /// Run a Model Context Protocol server on stdin/stdout for AI agents (Claude Code, …): tools
    /// to check plans, look IDs up, show readiness, give the next free ID and entry templates
    Mcp(McpArgs),
}

/// `dep-ls mcp` arguments.
#[derive(Args, Debug)]
pub struct McpArgs {
    /// The workspace folder (default: the workspace the current folder belongs to, found as
    /// `check` finds it)
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Configuration file to use instead of the workspace's dep-ls.toml
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// `dep-ls config` arguments.
#[derive(Args, Debug)]
#[command(after_help = "\
Exit codes:
  0  the configuration has no problem
  1  dep-ls.toml (or --config, or the domain profile) has a problem (shown; the rest applies)
  2  usage or I/O error (PATH that does not exist, unreadable --config, --settings not JSON)")]
pub struct ConfigArgs {
    /// A folder or file of the workspace (its root is found as `check` and the server find it)
    #[arg(value_name = "PATH", default_value = ".")]
    pub path: PathBuf,

    /// Output format
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ConfigFormat::Human)]
    pub format: ConfigFormat,

    /// Configuration file to use instead of the workspace's dep-ls.toml
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Editor settings (the `dep-ls` section, as JSON) to apply under dep-ls.toml, as the
    /// server does: shows how they would merge
    #[arg(long, value_name = "JSON")]
    pub settings: Option<String>,
}

/// Output formats of `config`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ConfigFormat {
    /// The settings as TOML, each with where it came from
    Human,
    Json,
}

/// `dep-ls init` arguments.
#[derive(Args, Debug)]
#[command(after_help = "\
Exit codes:
  0  every file was written
  1  a file already exists (left alone; the others are written)
  2  usage or I/O error (PATH is not a folder, a write failed)")]
pub struct InitArgs {
    /// The workspace folder to write into
    #[arg(value_name = "PATH", default_value = ".")]
    pub path: PathBuf,

    /// Also write release-plan.md: one entry of each Type (DEP-001…) with the guide's
    /// placeholders
    #[arg(long)]
    pub plan: bool,
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

const DIFF_HELP: &str = "\
REV is a revision compared with the working tree (HEAD, main, v1.2, a commit), or two:
A..B compares B with A, and A...B compares B with where it forked off A (what a pull request
shows: `dep-ls diff origin/main...HEAD`). Both sides are loaded by the same rules as `check`
(the workspace root of PATH, dep-ls.toml, .gitignore); the revision's files are read with git
into a temporary folder outside the repository, and nothing in the repository changes.

Exit codes:
  0  the change introduces no error-severity finding
  1  the change introduces at least one error-severity finding
  2  usage or repository error (not in a git repository, unknown revision, git missing)";

/// `dep-ls diff` arguments.
#[derive(Args, Debug)]
#[command(after_help = DIFF_HELP)]
pub struct DiffArgs {
    /// A revision to compare the working tree with, or `A..B` / `A...B`
    #[arg(value_name = "REV")]
    pub rev: String,

    /// Only this folder or Markdown file of the workspace (its IDs, findings and plans, and
    /// the suspect links that start or end in it)
    #[arg(value_name = "PATH", default_value = ".")]
    pub path: PathBuf,

    /// Output format (markdown: made to be posted as a pull-request comment)
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,

    /// Write the output to FILE instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Configuration file to use on both sides instead of each side's dep-ls.toml
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Output formats of `diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Human,
    Json,
    Markdown,
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

    /// Check, then check again whenever a file changes, printing only what changed (new and
    /// fixed findings), until interrupted (exit 0). Human or json output; json: one object per
    /// round on its own line, {"round":n,"added":[…],"removed":[…],"moved":[…],"total":k}
    #[arg(long, conflicts_with_all = ["fix", "diff"])]
    pub watch: bool,
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
        Some(Command::Check(args)) if args.watch => watch::run(&args),
        Some(Command::Check(args)) => {
            if args.fix || args.diff {
                match fix::run(&args) {
                    Err(code) => return code,
                    Ok(changes) if args.diff => {
                        return if changes > 0 { EXIT_FINDINGS } else { EXIT_OK }
                    }
                    Ok(_) => {}
                }
            }
            check::run(&args)
        }
        Some(Command::Report(args)) => report::run(&args),
        Some(Command::Graph(args)) => graph::run(&args),
        Some(Command::Diff(args)) => diff::run(&args),
        Some(Command::Config(args)) => config::run(&args),
        Some(Command::Init(args)) => init::run(&args),
        Some(Command::Mcp(args)) => mcp::run(&args),
        Some(Command::Schema) => match output::emit(&crate::schema::to_json_text(), None) {
            Ok(()) => EXIT_OK,
            Err(code) => code,
        },
        // `--stdio` (and `lsp --stdio`) name the default: stdio is the one transport.
        Some(Command::Lsp { .. }) | None => server::run(),
    }
}

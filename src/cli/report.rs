//! `dep-ls report`: release readiness per plan ([`crate::report`]) as Markdown, JSON or one
//! HTML page.

use super::output::emit;
use super::targets::{load_target, Loaded};
use super::{ReportArgs, ReportFormat, EXIT_FINDINGS, EXIT_OK};
use crate::workspace::Workspace;

/// `dep-ls report`: the readiness of PATH's plans; exit 1 when a blocking gate fails.
pub(super) fn run(args: &ReportArgs) -> i32 {
    let Loaded {
        target: t,
        workspace: ws,
    } = match load_target(&args.path, args.config.as_deref()) {
        Ok(loaded) => loaded,
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
    // No plan: nothing to judge, exit 0 unless --require-plan.
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

/// Line numbers of the workspace's files, for the report and the graph.
pub(super) fn text_lines(ws: &Workspace) -> crate::report::TextLines<'_> {
    crate::report::TextLines::new(ws.files.iter().map(|f| (f.path.as_str(), &*f.text)))
}

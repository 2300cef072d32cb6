//! The readiness report in the editor: the Markdown report of a folder, and a code lens on each
//! plan's first DEP- entry ("Readiness: 5/6 gates pass"). Plain data; the server converts.

use crate::report::{self, TextLines};
use crate::syntax::Span;
use crate::workspace::Workspace;

/// The command the server offers (`workspace/executeCommand`).
pub const COMMAND: &str = "dep-ls.readinessReport";

/// Line numbers over the folder's texts (open buffers included).
pub(super) fn lines(f: &Workspace) -> TextLines<'_> {
    TextLines::new(
        f.index
            .files_sorted()
            .into_iter()
            .filter_map(|(_, file)| f.text(&file.path).map(|t| (file.path.as_str(), t))),
    )
}

/// The Markdown readiness report of every plan of the folder (open buffers included).
pub fn markdown(f: &Workspace) -> String {
    let r = report::build(&f.index, &f.config, &mut lines(f));
    report::render::markdown(&r)
}

/// Code lenses of a file: on the first DEP- entry of each plan that starts in it, the span of
/// its ID and the lens title.
pub fn lenses(f: &Workspace, rel: &str) -> Vec<(Span, String)> {
    let Some(doc) = f.parsed(rel) else {
        return Vec::new();
    };
    if !doc.entries.iter().any(|e| e.is_dep_block()) {
        return Vec::new();
    }
    report::plan_starting_in(&f.index, &f.config, rel, &mut lines(f))
        .into_iter()
        .filter_map(|p| {
            let (_, i) = p.members.first()?;
            let e = doc.entries.get(*i)?;
            let blocked = p.blocked();
            Some((
                e.id_span.clone(),
                format!(
                    "Readiness: {}/{} gates pass{}",
                    p.gates_passed(),
                    p.gates.len(),
                    if blocked { "" } else { " — ready" }
                ),
            ))
        })
        .collect()
}

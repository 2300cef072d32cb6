//! `dep-ls graph`: the trace graph ([`crate::report::graph`]) as Mermaid, DOT or JSON.

use super::output::emit;
use super::report::text_lines;
use super::targets::{load_target, Loaded};
use super::{GraphArgs, GraphFormat, EXIT_OK, EXIT_USAGE};

/// `dep-ls graph`: the trace graph of PATH's DEP- entries (or the part around `--from`).
pub(super) fn run(args: &GraphArgs) -> i32 {
    let Loaded {
        target: t,
        workspace: ws,
    } = match load_target(&args.path, args.config.as_deref()) {
        Ok(loaded) => loaded,
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

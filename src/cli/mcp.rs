//! `dep-ls mcp`: logging to stderr, the workspace root (`--root`, else the one the current
//! folder belongs to, by the root rule of `check`), then the MCP server on stdio.

use super::{McpArgs, EXIT_USAGE};

/// Starts the MCP server; returns its exit code.
pub(super) fn run(args: &McpArgs) -> i32 {
    super::server::init_logging();
    if let Some(cfg) = &args.config {
        if let Err(e) = crate::config::read_config_file(cfg) {
            err_line!("error: cannot read --config {}: {e}", cfg.display());
            return EXIT_USAGE;
        }
    }
    let root = match &args.root {
        // The folder given is the workspace, as it is.
        Some(dir) => match dir.canonicalize() {
            Ok(root) if root.is_dir() => root,
            Ok(_) => {
                err_line!("error: --root {}: not a folder", dir.display());
                return EXIT_USAGE;
            }
            Err(e) => {
                err_line!("error: --root {}: {e}", dir.display());
                return EXIT_USAGE;
            }
        },
        None => crate::root::discover(std::path::Path::new(".")),
    };
    crate::mcp::run_stdio(&root, args.config.as_deref())
}

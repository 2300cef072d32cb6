//! `workspace/executeCommand` `dep-ls.readinessReport [folder URI]`: the Markdown readiness
//! report of that folder (the folder holding the URI), or of every folder without an argument.

use crate::ide;
use crate::lsp::convert::file_path;
use crate::lsp::session::{read, Backend};
use std::path::PathBuf;
use std::time::Duration;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

/// The folder a `dep-ls.readinessReport` argument names: a URI string, or an object with `uri`
/// (a workspace folder or a document); `Ok(None)` without an argument.
fn readiness_target(args: &[serde_json::Value]) -> Result<Option<PathBuf>> {
    let Some(arg) = args.first() else {
        return Ok(None);
    };
    let s = arg
        .as_str()
        .or_else(|| arg.get("uri").and_then(|u| u.as_str()))
        .ok_or_else(|| Error::invalid_params("expected a folder URI (string or {uri})"))?;
    let uri: Uri = s
        .parse()
        .map_err(|_| Error::invalid_params(format!("not a URI: {s}")))?;
    file_path(&uri)
        .map(Some)
        .ok_or_else(|| Error::invalid_params(format!("not a file: URI: {s}")))
}

/// Runs a command (the server has one: `dep-ls.readinessReport`), once the folders it
/// reports on are indexed.
pub(crate) async fn execute_command(
    b: &Backend,
    params: ExecuteCommandParams,
) -> Result<Option<serde_json::Value>> {
    if params.command != ide::readiness::COMMAND {
        return Err(Error::invalid_params(format!(
            "unknown command {}",
            params.command
        )));
    }
    let target = readiness_target(&params.arguments)?;
    let roots: Vec<PathBuf> = {
        let w = read(&b.state.world);
        match &target {
            Some(p) => {
                let root = w
                    .folders
                    .iter()
                    .filter(|f| !f.root.as_os_str().is_empty() && p.starts_with(&f.root))
                    .max_by_key(|f| f.root.components().count())
                    .map(|f| f.root.clone());
                match root {
                    Some(r) => vec![r],
                    None => {
                        return Err(Error::invalid_params(format!(
                            "{} is in no workspace folder of this server",
                            p.display()
                        )))
                    }
                }
            }
            None => w.folders.iter().map(|f| f.root.clone()).collect(),
        }
    };
    for r in &roots {
        b.wait_indexed(r, Duration::from_secs(30)).await;
    }
    let w = read(&b.state.world);
    let reports: Vec<String> = roots
        .iter()
        .filter_map(|r| w.folder(r))
        .map(ide::readiness::markdown)
        .collect();
    Ok(Some(serde_json::Value::String(reports.join("\n"))))
}

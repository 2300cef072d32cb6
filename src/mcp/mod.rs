//! `dep-ls mcp`: a Model Context Protocol server on stdio, for AI agents, over the workspace it
//! is started in. A front end of the engine beside the language server: the tools (`tools.rs`)
//! are plain engine calls, answered from one [`Workspace`](crate::workspace::Workspace) loaded
//! at start (on a thread of its own, while the client initializes) and brought up to date from
//! disk before every call (`session.rs`).
//!
//! The protocol is the official Rust SDK's (`rmcp`: `initialize` with protocol-version
//! negotiation, `notifications/initialized`, `ping`, `tools/list`, `tools/call`), over a line
//! transport of our own (`transport.rs`) that answers malformed lines as JSON-RPC asks. stdout
//! carries protocol messages only; logs go to stderr. No engine module uses this one.

mod session;
mod tools;
mod transport;

use session::Session;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    InitializeResult, ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig,
    Tool, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What the server tells a client about itself at `initialize`.
const INSTRUCTIONS: &str = "dep-ls checks release plans written as DEP- entries in Markdown \
(the PRD methodology's v0.8 Release phase) and knows their trace graph (DEP- entries linking \
EPIC-, API-, TEST-, MON-, RUN- … IDs). Call `check` on a plan after editing it and fix its \
error-severity findings; `lookup_id` before linking or changing an ID; `next_id` and `template` \
to write a new entry; `readiness` to see which quality gates a plan still fails. Every call \
reads the files as they are on disk now.";

/// The MCP service: the tools over a session.
#[derive(Clone)]
struct Server {
    /// Loaded on a thread of its own while the handshake goes on (`None` until then: the first
    /// call that finds it so loads it itself).
    session: Arc<Mutex<Option<Session>>>,
    root: Arc<PathBuf>,
    config: Arc<Option<PathBuf>>,
}

impl Server {
    /// The session, loaded now if the loading thread has not got to it yet.
    fn session<'a>(
        slot: &'a mut Option<Session>,
        root: &Path,
        config: Option<&Path>,
    ) -> &'a mut Session {
        slot.get_or_insert_with(|| load(root, config))
    }
}

/// Loads the session, with a line in the log.
fn load(root: &Path, config: Option<&Path>) -> Session {
    let started = std::time::Instant::now();
    let session = Session::load(root, config);
    tracing::info!(
        "dep-ls mcp: {} ({} Markdown files) loaded in {:?}",
        root.display(),
        session.ws.files.len(),
        started.elapsed()
    );
    session
}

fn tool_list() -> Vec<Tool> {
    tools::list()
        .into_iter()
        .map(|t| {
            let schema = t.input_schema.as_object().cloned().unwrap_or_default();
            let mut tool = Tool::new(t.name, t.description, schema);
            tool.title = Some(t.title.to_string());
            tool.annotations = Some(
                ToolAnnotations::with_title(t.title)
                    .read_only(true)
                    .destructive(false),
            );
            tool
        })
        .collect()
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        InitializeResult::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("dep-ls", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(tool_list()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let session = Arc::clone(&self.session);
        let (root, config) = (Arc::clone(&self.root), Arc::clone(&self.config));
        let name = request.name.to_string();
        let args = request.arguments.unwrap_or_default();
        // The engine is synchronous (and parallel inside): off the async workers.
        let answer = tokio::task::spawn_blocking(move || {
            let mut slot = session.lock().unwrap_or_else(|p| p.into_inner());
            crate::guard::catch(|| {
                let s = Server::session(&mut slot, &root, (*config).as_deref());
                let n = s.refresh();
                if n > 0 {
                    tracing::info!("{n} files read again before `{name}`");
                }
                tools::call(&s.ws, &name, &args)
            })
        })
        .await;
        let result = match answer {
            Ok(Ok(Ok(a))) => {
                let mut r = CallToolResult::success(vec![ContentBlock::text(a.text)]);
                r.structured_content = Some(a.structured);
                r
            }
            Ok(Ok(Err(tools::Error::Bad(msg)))) => {
                CallToolResult::error(vec![ContentBlock::text(msg)])
            }
            Ok(Ok(Err(tools::Error::UnknownTool(msg)))) => {
                return Err(ErrorData::invalid_params(msg, None))
            }
            Ok(Err(panic)) => {
                tracing::error!("a tool panicked: {panic}");
                CallToolResult::error(vec![ContentBlock::text(format!(
                    "internal error in dep-ls (a bug; please report it): {panic}"
                ))])
            }
            Err(e) => {
                return Err(ErrorData::internal_error(
                    format!("the tool did not finish: {e}"),
                    None,
                ))
            }
        };
        Ok(result.into())
    }
}

/// Runs the server on stdin/stdout over the workspace at `root` until the client closes stdin;
/// returns the exit code (0, or 2 when the runtime cannot start).
pub fn run_stdio(root: &Path, config: Option<&Path>) -> i32 {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("dep-ls: cannot start the async runtime: {e}");
            return 2;
        }
    };
    let server = Server {
        session: Arc::new(Mutex::new(None)),
        root: Arc::new(root.to_path_buf()),
        config: Arc::new(config.map(Path::to_path_buf)),
    };
    // Load while the client initializes and lists the tools; a first call waits for it.
    let loader = server.clone();
    std::thread::spawn(move || {
        let mut slot = loader.session.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            let loaded = crate::guard::catch(|| load(&loader.root, (*loader.config).as_deref()));
            match loaded {
                Ok(s) => *slot = Some(s),
                // A later call tries again (and answers the panic as an internal error).
                Err(panic) => tracing::error!("dep-ls mcp: loading panicked: {panic}"),
            }
        }
    });
    let code = rt.block_on(async move {
        let input = tokio::io::BufReader::new(tokio::io::stdin());
        let t = transport::LineTransport::new(input, tokio::io::stdout());
        match server.serve(t).await {
            Ok(running) => match running.waiting().await {
                Ok(reason) => {
                    tracing::info!("dep-ls mcp: session ended ({reason:?})");
                    0
                }
                Err(e) => {
                    tracing::error!("dep-ls mcp: {e}");
                    1
                }
            },
            // The client went away before (or while) initializing: nothing to serve.
            Err(e) => {
                tracing::info!("dep-ls mcp: no session ({e})");
                0
            }
        }
    });
    // stdin may still be held by a blocking read: do not wait for it.
    rt.shutdown_timeout(std::time::Duration::from_millis(100));
    code
}

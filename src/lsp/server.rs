//! The table of contents: each LSP method the server answers, and the handler that answers
//! it. Requests that only read the world take the session's [`State`](super::session::State);
//! those that talk to the client or start tasks take the [`Backend`].

use super::handlers::{editing, hierarchy, lifecycle, navigation, readiness, symbols, sync};
use super::session::Backend;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::LanguageServer;

impl LanguageServer for Backend {
    // Lifecycle (handlers/lifecycle.rs)
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        lifecycle::initialize(self, params).await
    }

    async fn initialized(&self, _: InitializedParams) {
        lifecycle::initialized(self);
    }

    async fn shutdown(&self) -> Result<()> {
        lifecycle::shutdown(self)
    }

    // Documents (handlers/sync.rs)
    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        sync::did_open(self, params).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        sync::did_change(self, params);
    }

    async fn did_save(&self, _: DidSaveTextDocumentParams) {}

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        sync::did_close(self, params).await;
    }

    // Workspace: files, folders, settings (indexing.rs, settings.rs)
    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        self.watched_files_changed(params);
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.configuration_changed(params);
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        self.workspace_folders_changed(params);
    }

    // Navigation (handlers/navigation.rs)
    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        navigation::definition(&self.state, params)
    }

    async fn goto_declaration(
        &self,
        params: request::GotoDeclarationParams,
    ) -> Result<Option<request::GotoDeclarationResponse>> {
        navigation::definition(&self.state, params)
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        navigation::references(&self.state, params)
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        navigation::highlights(&self.state, params)
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        navigation::hover(&self.state, params)
    }

    // The trace graph: call hierarchy, document links (handlers/hierarchy.rs)
    async fn prepare_call_hierarchy(
        &self,
        params: CallHierarchyPrepareParams,
    ) -> Result<Option<Vec<CallHierarchyItem>>> {
        hierarchy::prepare_call_hierarchy(&self.state, params)
    }

    async fn incoming_calls(
        &self,
        params: CallHierarchyIncomingCallsParams,
    ) -> Result<Option<Vec<CallHierarchyIncomingCall>>> {
        hierarchy::incoming_calls(&self.state, params)
    }

    async fn outgoing_calls(
        &self,
        params: CallHierarchyOutgoingCallsParams,
    ) -> Result<Option<Vec<CallHierarchyOutgoingCall>>> {
        hierarchy::outgoing_calls(&self.state, params)
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        hierarchy::document_links(&self.state, params)
    }

    // Editing (handlers/editing.rs)
    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        editing::completion(&self.state, params)
    }

    async fn completion_resolve(&self, item: CompletionItem) -> Result<CompletionItem> {
        editing::completion_resolve(&self.state, item)
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        editing::code_action(&self.state, params)
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        editing::prepare_rename(&self.state, params)
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        editing::rename(&self.state, params)
    }

    // Structure and decorations (handlers/symbols.rs)
    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        symbols::document_symbols(&self.state, params)
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        symbols::workspace_symbols(&self.state, params)
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        symbols::folding_ranges(&self.state, params)
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        symbols::semantic_tokens(&self.state, params)
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        symbols::inlay_hints(&self.state, params)
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        symbols::code_lenses(&self.state, params)
    }

    async fn code_lens_resolve(&self, params: CodeLens) -> Result<CodeLens> {
        symbols::code_lens_resolve(&self.state, params)
    }

    // Commands (handlers/readiness.rs)
    async fn execute_command(
        &self,
        params: ExecuteCommandParams,
    ) -> Result<Option<serde_json::Value>> {
        readiness::execute_command(self, params).await
    }

    // Pulled diagnostics (diagnostics.rs)
    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        self.document_diagnostic(params).await
    }

    async fn workspace_diagnostic(
        &self,
        params: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        self.workspace_diagnostic_report(params).await
    }
}

/// Custom requests (registered by name in [`super::run_stdio`]; announced in the
/// capabilities' `experimental` object).
impl Backend {
    // The editor views (handlers/readiness.rs)
    pub(super) async fn readiness_tree(
        &self,
        params: serde_json::Value,
    ) -> Result<Option<serde_json::Value>> {
        readiness::readiness_tree(self, params).await
    }

    pub(super) async fn trace_graph(
        &self,
        params: serde_json::Value,
    ) -> Result<Option<serde_json::Value>> {
        readiness::trace_graph(self, params).await
    }
}

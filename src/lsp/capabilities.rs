//! What the client can do ([`client_flags`], [`position_encoding`]) and what the server
//! offers ([`server_capabilities`]).

use super::session::ClientFlags;
use super::to_proto::{self, SHOW_REFERENCES};
use crate::ide;
use crate::text::PositionEncoding;
use tower_lsp_server::ls_types::*;

/// The position encoding to use: the client's first offer that the server supports, else
/// UTF-16 (LSP's default).
pub(super) fn position_encoding(caps: &ClientCapabilities) -> PositionEncoding {
    let offered: Vec<String> = caps
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref())
        .map(|v| v.iter().map(|e| e.as_str().to_string()).collect())
        .unwrap_or_default();
    PositionEncoding::negotiate(offered.iter())
}

/// The client abilities that change what the server does.
pub(super) fn client_flags(caps: &ClientCapabilities) -> ClientFlags {
    let td = caps.text_document.as_ref();
    ClientFlags {
        pull_diagnostics: td.and_then(|t| t.diagnostic.as_ref()).is_some(),
        work_done_progress: caps
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false),
        watch_dynamic: caps
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false),
        configuration: caps
            .workspace
            .as_ref()
            .and_then(|w| w.configuration)
            .unwrap_or(false),
        snippets: td
            .and_then(|t| t.completion.as_ref())
            .and_then(|c| c.completion_item.as_ref())
            .and_then(|i| i.snippet_support)
            .unwrap_or(false),
        resolve_documentation: td
            .and_then(|t| t.completion.as_ref())
            .and_then(|c| c.completion_item.as_ref())
            .and_then(|i| i.resolve_support.as_ref())
            .is_some_and(|r| r.properties.iter().any(|p| p == "documentation")),
        related_information: td
            .and_then(|t| t.publish_diagnostics.as_ref())
            .and_then(|p| p.related_information)
            .unwrap_or(true),
        show_references: client_commands(caps).any(|c| c == SHOW_REFERENCES),
    }
}

/// The client-side commands the client says it runs: `experimental.commands.commands`, an
/// array of command names (rust-analyzer's convention; VS Code and the Neovim plugin of
/// `editors/` announce `editor.action.showReferences` there).
fn client_commands(caps: &ClientCapabilities) -> impl Iterator<Item = &str> {
    caps.experimental
        .as_ref()
        .and_then(|e| e.pointer("/commands/commands"))
        .and_then(|c| c.as_array())
        .into_iter()
        .flatten()
        .filter_map(|c| c.as_str())
}

/// The commands the server runs (`workspace/executeCommand`).
fn execute_command_options() -> ExecuteCommandOptions {
    ExecuteCommandOptions {
        commands: vec![ide::readiness::COMMAND.to_string()],
        work_done_progress_options: Default::default(),
    }
}

/// The custom requests the server answers (`experimental`), so that a client can tell:
/// `{"dep-ls/readinessTree": true, "dep-ls/traceGraph": true}`.
fn experimental() -> serde_json::Value {
    use ide::views::{READINESS_TREE, TRACE_GRAPH};
    serde_json::json!({ READINESS_TREE: true, TRACE_GRAPH: true })
}

/// What the server offers, in `enc`; pull diagnostics only to a client that pulls (`pull`).
pub(super) fn server_capabilities(enc: PositionEncoding, pull: bool) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(to_proto::position_encoding(enc)),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        completion_provider: Some(CompletionOptions {
            resolve_provider: Some(true),
            trigger_characters: Some(vec!["-".into(), ",".into(), " ".into(), ":".into()]),
            ..Default::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        declaration_provider: Some(DeclarationCapability::Simple(true)),
        references_provider: Some(OneOf::Left(true)),
        document_highlight_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::REFACTOR,
                CodeActionKind::new(super::to_proto::FIX_ALL_KIND),
            ]),
            ..Default::default()
        })),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: SemanticTokensLegend {
                    token_types: ide::symbols::TOKEN_TYPES
                        .iter()
                        .map(|t| SemanticTokenType::new(t))
                        .collect(),
                    token_modifiers: ide::symbols::TOKEN_MODIFIERS
                        .iter()
                        .map(|t| SemanticTokenModifier::new(t))
                        .collect(),
                },
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: None,
                ..Default::default()
            },
        )),
        inlay_hint_provider: Some(OneOf::Left(true)),
        // Trace lenses are resolved one by one (the references and readiness lenses come whole).
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(true),
        }),
        execute_command_provider: Some(execute_command_options()),
        call_hierarchy_provider: Some(CallHierarchyServerCapability::Simple(true)),
        document_link_provider: Some(DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: Default::default(),
        }),
        diagnostic_provider: pull.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("dep-ls".into()),
                inter_file_dependencies: true,
                workspace_diagnostics: true,
                work_done_progress_options: Default::default(),
            })
        }),
        experimental: Some(experimental()),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..Default::default()
    }
}

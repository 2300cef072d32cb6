//! Editing: completion (and resolving an item's documentation), code actions, rename.

use crate::ide;
use crate::lsp::convert::Lines;
use crate::lsp::session::{read, State};
use crate::lsp::to_proto;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

pub(crate) fn completion(
    s: &State,
    params: CompletionParams,
) -> Result<Option<CompletionResponse>> {
    let p = params.text_document_position;
    let (snippets, lazy) = {
        let fl = read(&s.flags);
        (fl.snippets, fl.resolve_documentation)
    };
    Ok(s.with_folder_at(
        &p.text_document.uri,
        Some(p.position),
        |folder_no, f, rel, off, enc| {
            let list = ide::complete::completions_with(f, rel, off, lazy);
            let style = to_proto::ListStyle {
                snippets,
                lazy,
                folder_no,
            };
            to_proto::completion_list(f, rel, list, &style, enc)
        },
    ))
}

/// `completionItem/resolve`: the documentation of an ID left out of the list.
pub(crate) fn completion_resolve(s: &State, mut item: CompletionItem) -> Result<CompletionItem> {
    if item.documentation.is_some() {
        return Ok(item);
    }
    let Some(data) = item.data.as_ref() else {
        return Ok(item);
    };
    let Some(id) = data.get("id").and_then(|i| i.as_str()) else {
        return Ok(item);
    };
    // The folder the item came from (its position when the list was made); if the folders
    // changed since, any folder that defines the ID.
    let at = data.get("in").and_then(|n| n.as_u64());
    let doc = {
        let w = read(&s.world);
        let from = at.and_then(|n| w.folders.get(usize::try_from(n).ok()?));
        from.and_then(|f| ide::complete::id_documentation(f, id))
            .or_else(|| {
                w.folders
                    .iter()
                    .find_map(|f| ide::complete::id_documentation(f, id))
            })
    };
    item.documentation = doc.map(|d| Documentation::MarkupContent(to_proto::markdown(d)));
    Ok(item)
}

pub(crate) fn code_action(
    s: &State,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let uri = params.text_document.uri.clone();
    let range = params.range;
    let only = params.context.only.clone();
    Ok(
        s.with_folder(&uri, Some(range.start), |f, rel, start, enc| {
            let end = Lines::new(f).offset(rel, range.end, enc).unwrap_or(start);
            let mut lines = Lines::new(f);
            ide::actions::code_actions(f, rel, start..end)
                .into_iter()
                .filter(|a| {
                    only.as_ref().is_none_or(|kinds| {
                        let kind = to_proto::code_action_kind(a);
                        kinds.iter().any(|k| kind.as_str().starts_with(k.as_str()))
                    })
                })
                .map(|a| to_proto::code_action(f, &mut lines, rel, &a, enc))
                .collect()
        }),
    )
}

pub(crate) fn prepare_rename(
    s: &State,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>> {
    let r = s.with_folder(
        &params.text_document.uri,
        Some(params.position),
        |f, rel, off, enc| {
            ide::nav::prepare_rename(f, rel, off).map(|(span, id)| {
                Lines::new(f).range(rel, span, enc).map(|range| {
                    PrepareRenameResponse::RangeWithPlaceholder {
                        range,
                        placeholder: id,
                    }
                })
            })
        },
    );
    match r {
        None => Ok(None),
        Some(Ok(x)) => Ok(x),
        Some(Err(msg)) => Err(Error::invalid_params(msg)),
    }
}

pub(crate) fn rename(s: &State, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
    let p = params.text_document_position;
    let new_name = params.new_name;
    let r = s.with_folder(
        &p.text_document.uri,
        Some(p.position),
        |f, rel, off, enc| {
            ide::nav::rename(f, rel, off, &new_name)
                .map(|edits| to_proto::workspace_edit(f, &edits, enc))
        },
    );
    match r {
        None => Ok(None),
        Some(Ok(x)) => Ok(Some(x)),
        Some(Err(msg)) => Err(Error::invalid_params(msg)),
    }
}

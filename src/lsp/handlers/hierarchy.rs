//! The trace graph as navigation: the call hierarchy (`textDocument/prepareCallHierarchy`,
//! `callHierarchy/incomingCalls`, `callHierarchy/outgoingCalls`) and document links. A bad
//! position, an item of no folder or item data naming no ID get an empty answer, never an
//! error.

use crate::ide;
use crate::lsp::convert::Lines;
use crate::lsp::session::State;
use crate::lsp::to_proto;
use crate::text::PositionEncoding;
use crate::workspace::Workspace;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

pub(crate) fn prepare_call_hierarchy(
    s: &State,
    params: CallHierarchyPrepareParams,
) -> Result<Option<Vec<CallHierarchyItem>>> {
    let p = params.text_document_position_params;
    Ok(s.with_folder(
        &p.text_document.uri,
        Some(p.position),
        |f, rel, off, enc| {
            let item = ide::hierarchy::prepare(f, rel, off)?;
            to_proto::call_hierarchy_item(f, &mut Lines::new(f), &item, enc)
        },
    )
    .flatten()
    .map(|item| vec![item]))
}

/// The ID an item stands for: its `data.id` (what `prepare` sent), else the ID at its
/// selection range's start, else its name when that is an ID.
fn item_id(
    f: &Workspace,
    rel: &str,
    item: &CallHierarchyItem,
    enc: PositionEncoding,
) -> Option<String> {
    if let Some(id) = item
        .data
        .as_ref()
        .and_then(|d| d.get("id"))
        .and_then(|v| v.as_str())
    {
        return Some(id.to_string());
    }
    let doc = f.parsed(rel)?;
    let off = Lines::new(f).offset(rel, item.selection_range.start, enc)?;
    if let Some((id, _)) = ide::hit_at(&doc, off).as_ref().and_then(|h| h.id()) {
        return Some(id.to_string());
    }
    ide::nav::is_id_shape(&item.name).then(|| item.name.clone())
}

pub(crate) fn incoming_calls(
    s: &State,
    params: CallHierarchyIncomingCallsParams,
) -> Result<Option<Vec<CallHierarchyIncomingCall>>> {
    let item = params.item;
    Ok(Some(
        s.with_folder(&item.uri, None, |f, rel, _, enc| {
            let Some(id) = item_id(f, rel, &item, enc) else {
                return Vec::new();
            };
            to_proto::incoming_calls(f, ide::hierarchy::incoming(f, &id), enc)
        })
        .unwrap_or_default(),
    ))
}

pub(crate) fn outgoing_calls(
    s: &State,
    params: CallHierarchyOutgoingCallsParams,
) -> Result<Option<Vec<CallHierarchyOutgoingCall>>> {
    let item = params.item;
    Ok(Some(
        s.with_folder(&item.uri, None, |f, rel, _, enc| {
            let Some(id) = item_id(f, rel, &item, enc) else {
                return Vec::new();
            };
            to_proto::outgoing_calls(f, ide::hierarchy::outgoing(f, &id, Some(rel)), enc)
        })
        .unwrap_or_default(),
    ))
}

pub(crate) fn document_links(
    s: &State,
    params: DocumentLinkParams,
) -> Result<Option<Vec<DocumentLink>>> {
    Ok(
        s.with_folder(&params.text_document.uri, None, |f, rel, _, enc| {
            to_proto::document_links(f, rel, ide::links::document_links(f, rel), enc)
        }),
    )
}

//! Navigation: definition (and declaration, the same), references, highlights, hover.

use crate::ide;
use crate::lsp::convert::Lines;
use crate::lsp::panic::test_panic;
use crate::lsp::session::State;
use crate::lsp::to_proto;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

pub(crate) fn definition(
    s: &State,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>> {
    let p = params.text_document_position_params;
    Ok(s.with_folder(
        &p.text_document.uri,
        Some(p.position),
        |f, rel, off, enc| {
            let locs = ide::nav::definition(f, rel, off);
            to_proto::locations(f, &locs, enc)
        },
    )
    .filter(|v| !v.is_empty())
    .map(GotoDefinitionResponse::Array))
}

pub(crate) fn references(s: &State, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
    let p = params.text_document_position;
    let incl = params.context.include_declaration;
    Ok(s.with_folder(
        &p.text_document.uri,
        Some(p.position),
        |f, rel, off, enc| {
            let locs = ide::nav::references(f, rel, off, incl);
            to_proto::locations(f, &locs, enc)
        },
    ))
}

pub(crate) fn highlights(
    s: &State,
    params: DocumentHighlightParams,
) -> Result<Option<Vec<DocumentHighlight>>> {
    let p = params.text_document_position_params;
    Ok(s.with_folder(
        &p.text_document.uri,
        Some(p.position),
        |f, rel, off, enc| to_proto::highlights(f, rel, ide::nav::highlights(f, rel, off), enc),
    ))
}

pub(crate) fn hover(s: &State, params: HoverParams) -> Result<Option<Hover>> {
    if test_panic("textDocument/hover") {
        // The test hook's panic inside tower-lsp's handling (see `panic`).
        panic!("DEP_LS_TEST_PANIC_ON: textDocument/hover");
    }
    let p = params.text_document_position_params;
    Ok(s.with_folder(
        &p.text_document.uri,
        Some(p.position),
        |f, rel, off, enc| {
            let (md, span) = ide::nav::hover(f, rel, off)?;
            Some(Hover {
                contents: HoverContents::Markup(to_proto::markdown(md)),
                range: Lines::new(f).range(rel, span, enc),
            })
        },
    )
    .flatten())
}

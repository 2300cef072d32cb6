//! A document's structure and decorations: document and workspace symbols, folding ranges,
//! semantic tokens, inlay hints, code lenses (references, trace coverage and readiness).

use crate::ide;
use crate::lsp::convert::Lines;
use crate::lsp::session::{read, State};
use crate::lsp::to_proto;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

pub(crate) fn document_symbols(
    s: &State,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    Ok(
        s.with_folder(&params.text_document.uri, None, |f, rel, _, enc| {
            let Some(doc) = f.parsed(rel) else {
                return DocumentSymbolResponse::Nested(Vec::new());
            };
            let mut lines = Lines::new(f);
            let syms = ide::symbols::document_symbols(&doc)
                .into_iter()
                .filter_map(|s| to_proto::document_symbol(&mut lines, rel, s, enc))
                .collect();
            DocumentSymbolResponse::Nested(syms)
        }),
    )
}

/// `workspace/symbol`: at most 200 per folder.
pub(crate) fn workspace_symbols(
    s: &State,
    params: WorkspaceSymbolParams,
) -> Result<Option<WorkspaceSymbolResponse>> {
    let enc = s.enc();
    let w = read(&s.world);
    let mut out = Vec::new();
    for f in &w.folders {
        let mut lines = Lines::new(f);
        for sym in ide::symbols::workspace_symbols(f, &params.query, 200) {
            out.extend(to_proto::symbol_information(f, &mut lines, &sym, enc));
        }
    }
    Ok(Some(WorkspaceSymbolResponse::Flat(out)))
}

pub(crate) fn folding_ranges(
    s: &State,
    params: FoldingRangeParams,
) -> Result<Option<Vec<FoldingRange>>> {
    Ok(
        s.with_folder(&params.text_document.uri, None, |f, rel, _, enc| {
            let Some(doc) = f.parsed(rel) else {
                return Vec::new();
            };
            to_proto::folding_ranges(&mut Lines::new(f), rel, ide::symbols::folding(&doc), enc)
        }),
    )
}

pub(crate) fn semantic_tokens(
    s: &State,
    params: SemanticTokensParams,
) -> Result<Option<SemanticTokensResult>> {
    Ok(
        s.with_folder(&params.text_document.uri, None, |f, rel, _, enc| {
            let tokens = ide::symbols::semantic_tokens(f, rel);
            SemanticTokensResult::Tokens(to_proto::semantic_tokens(
                &mut Lines::new(f),
                rel,
                tokens,
                enc,
            ))
        }),
    )
}

/// Inlay hints, when the `inlayHints.enabled` setting is on.
pub(crate) fn inlay_hints(s: &State, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
    if !*read(&s.inlay_hints) {
        return Ok(Some(Vec::new()));
    }
    let range = params.range;
    Ok(s.with_folder(
        &params.text_document.uri,
        Some(range.start),
        |f, rel, start, enc| {
            let end = Lines::new(f)
                .offset(rel, range.end, enc)
                .unwrap_or(usize::MAX);
            let hints = ide::symbols::inlay_hints(f, rel, start..end);
            to_proto::inlay_hints(&mut Lines::new(f), rel, hints, enc)
        },
    ))
}

/// Code lenses: "N references" on definitions and the trace lenses ("covers 30 TEST- · …" on
/// link lists, "linked by DEP-004, …" on definitions plans link; resolved one by one, see
/// [`code_lens_resolve`]), for a client that runs the command that shows their locations
/// (`ClientFlags::show_references`), and "Readiness: …" on a plan's first DEP- entry.
pub(crate) fn code_lenses(s: &State, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
    let uri = params.text_document.uri;
    let show_references = read(&s.flags).show_references;
    Ok(s.with_folder(&uri, None, |f, rel, _, enc| {
        let mut lenses = if show_references {
            let counts = ide::symbols::code_lenses(f, rel);
            let mut v = to_proto::reference_lenses(f, &uri, rel, counts, enc);
            let trace = ide::coverage::lenses(f, rel, false);
            v.extend(to_proto::trace_lenses(f, &uri, rel, trace, enc));
            v
        } else {
            Vec::new()
        };
        lenses.extend(to_proto::readiness_lenses(f, rel, enc));
        lenses
    }))
}

/// `codeLens/resolve`: a trace lens gets its title and command (with the locations it is
/// about); any other lens, or one that no longer stands where it did, comes back as it was.
pub(crate) fn code_lens_resolve(s: &State, lens: CodeLens) -> Result<CodeLens> {
    let Some((uri, at)) = to_proto::trace_lens_data(&lens) else {
        return Ok(lens);
    };
    let range = lens.range;
    let resolved = s
        .with_folder(&uri, None, |f, rel, _, enc| {
            let l = ide::coverage::lens_at(f, rel, at)?;
            to_proto::resolve_trace_lens(f, &uri, rel, range, l, enc)
        })
        .flatten();
    Ok(resolved.unwrap_or(lens))
}

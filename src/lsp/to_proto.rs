//! Engine results → LSP objects: findings to diagnostics, edits to workspace edits, symbols,
//! completion items, highlights, folding ranges, semantic tokens, inlay hints, code lenses,
//! call hierarchy items and calls, document links.
//! Positions and URIs go through [`super::convert`]; nothing here reads the session.

use super::convert::{uri_of, Lines};
use crate::check::{Code, Finding, Severity};
use crate::ide::{self, actions::ActionKind, complete::CompletionKind};
use crate::syntax::Span;
use crate::text::PositionEncoding;
use crate::workspace::Workspace;
use std::collections::HashMap;
use tower_lsp_server::ls_types::*;

/// The `source` of every diagnostic.
const SOURCE: &str = "dep-ls";

/// The negotiated encoding as the server announces it.
pub(super) fn position_encoding(enc: PositionEncoding) -> PositionEncodingKind {
    match enc {
        PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

/// The documentation of a finding code (README section).
fn code_href(code: Code) -> Option<Uri> {
    // Parsed once per code: a document's diagnostics are converted on every keystroke.
    static HREFS: std::sync::OnceLock<HashMap<Code, Option<Uri>>> = std::sync::OnceLock::new();
    HREFS
        .get_or_init(|| {
            Code::ALL
                .iter()
                .map(|&c| {
                    let href = format!(
                        "{}/blob/main/README.md#{}",
                        env!("CARGO_PKG_REPOSITORY"),
                        c.as_str()
                    );
                    (c, href.parse().ok())
                })
                .collect()
        })
        .get(&code)
        .cloned()
        .flatten()
}

/// A finding of `rel` as a diagnostic; its related locations only when `related_ok`.
pub(super) fn diagnostic(
    f: &Workspace,
    lines: &mut Lines,
    rel: &str,
    x: &Finding,
    enc: PositionEncoding,
    related_ok: bool,
) -> Diagnostic {
    let severity = match x.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    };
    let related: Vec<DiagnosticRelatedInformation> = if related_ok {
        x.related
            .iter()
            .filter_map(|r| {
                Some(DiagnosticRelatedInformation {
                    location: Location {
                        uri: uri_of(&f.root, &r.path)?,
                        range: lines.range(&r.path, r.span.clone(), enc)?,
                    },
                    message: r.message.clone(),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    Diagnostic {
        range: lines.range(rel, x.span.clone(), enc).unwrap_or_default(),
        severity: Some(severity),
        code: Some(NumberOrString::String(x.code.as_str().to_string())),
        code_description: code_href(x.code).map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message: x.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: (x.code == Code::DeprecatedLink).then(|| vec![DiagnosticTag::DEPRECATED]),
        data: x.id.as_ref().map(|id| serde_json::json!({ "id": id })),
    }
}

/// The diagnostics of one file (pull requests: related locations always).
pub(super) fn diagnostics(f: &Workspace, rel: &str, enc: PositionEncoding) -> Vec<Diagnostic> {
    let mut lines = Lines::new(f);
    f.diagnostics(rel)
        .iter()
        .map(|x| diagnostic(f, &mut lines, rel, x, enc, true))
        .collect()
}

/// The result id of a document's pulled diagnostics: a hash of what they say, so that a client
/// asking again with it gets "unchanged" while they still say the same.
pub(super) fn result_id(items: &[Diagnostic]) -> String {
    let bytes = serde_json::to_vec(items).unwrap_or_default();
    format!("{:016x}", crate::syntax::text_hash(&bytes))
}

/// Edits of files of a folder, one `TextDocumentEdit` per file (in path order), each with the
/// version of the open document it was computed against.
pub(super) fn workspace_edit(
    f: &Workspace,
    edits: &[ide::FileEdit],
    enc: PositionEncoding,
) -> WorkspaceEdit {
    let mut lines = Lines::new(f);
    let mut by_file: HashMap<String, Vec<TextEdit>> = HashMap::new();
    for e in edits {
        if let Some(range) = lines.range(&e.path, e.span.clone(), enc) {
            by_file.entry(e.path.clone()).or_default().push(TextEdit {
                range,
                new_text: e.new_text.clone(),
            });
        }
    }
    let mut doc_changes = Vec::new();
    let mut paths: Vec<&String> = by_file.keys().collect();
    paths.sort();
    for p in paths {
        let Some(uri) = uri_of(&f.root, p) else {
            continue;
        };
        let version = f.open.get(p).map(|d| d.version);
        doc_changes.push(TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
            edits: by_file[p].iter().cloned().map(OneOf::Left).collect(),
        });
    }
    WorkspaceEdit {
        changes: None,
        document_changes: Some(DocumentChanges::Edits(doc_changes)),
        change_annotations: None,
    }
}

/// The kind of the "fix all" source action (`editor.codeActionsOnSave` can name it; a request
/// for `source.fixAll` gets it too).
pub(super) const FIX_ALL_KIND: &str = "source.fixAll.dep-ls";

/// The LSP kind of a code action: a template insertion gets `schema::TEMPLATE_ACTION_KIND`
/// (a refactor; its `data` names the Type), so that editors find it without reading titles.
pub(super) fn code_action_kind(a: &ide::actions::Action) -> CodeActionKind {
    match a.kind {
        _ if a.template.is_some() => CodeActionKind::new(crate::schema::TEMPLATE_ACTION_KIND),
        ActionKind::QuickFix => CodeActionKind::QUICKFIX,
        ActionKind::Refactor => CodeActionKind::REFACTOR,
        ActionKind::FixAll => CodeActionKind::new(FIX_ALL_KIND),
    }
}

/// A code action with its edits (and the finding it fixes).
pub(super) fn code_action(
    f: &Workspace,
    lines: &mut Lines,
    rel: &str,
    a: &ide::actions::Action,
    enc: PositionEncoding,
) -> CodeActionOrCommand {
    let diagnostics = a
        .fixes
        .as_ref()
        .map(|x| vec![diagnostic(f, lines, rel, x, enc, true)]);
    CodeActionOrCommand::CodeAction(CodeAction {
        title: a.title.clone(),
        kind: Some(code_action_kind(a)),
        data: a
            .template
            .map(|t| serde_json::json!({ "template": t.name() })),
        diagnostics,
        edit: Some(workspace_edit(f, &a.edits, enc)),
        is_preferred: a.preferred.then_some(true),
        ..Default::default()
    })
}

/// Locations of files of a folder.
pub(super) fn locations(
    f: &Workspace,
    locs: &[ide::nav::Location],
    enc: PositionEncoding,
) -> Vec<Location> {
    let mut lines = Lines::new(f);
    locs.iter()
        .filter_map(|l| {
            Some(Location {
                uri: uri_of(&f.root, &l.path)?,
                range: lines.range(&l.path, l.span.clone(), enc)?,
            })
        })
        .collect()
}

/// Locations converted with one [`Lines`] and one URI per path: the lenses of a big file list
/// hundreds of thousands of locations in a few files.
pub(super) struct LocationConverter<'a> {
    folder: &'a Workspace,
    lines: Lines<'a>,
    uris: HashMap<String, Option<Uri>>,
}

impl<'a> LocationConverter<'a> {
    pub(super) fn new(folder: &'a Workspace) -> Self {
        LocationConverter {
            folder,
            lines: Lines::new(folder),
            uris: HashMap::new(),
        }
    }

    pub(super) fn convert(
        &mut self,
        locs: &[ide::nav::Location],
        enc: PositionEncoding,
    ) -> Vec<Location> {
        locs.iter()
            .filter_map(|l| {
                let uri = match self.uris.get(&l.path) {
                    Some(u) => u.clone()?,
                    None => {
                        let u = uri_of(&self.folder.root, &l.path);
                        self.uris.insert(l.path.clone(), u.clone());
                        u?
                    }
                };
                Some(Location {
                    uri,
                    range: self.lines.range(&l.path, l.span.clone(), enc)?,
                })
            })
            .collect()
    }
}

/// Highlights of an ID in one file: (span, is a definition).
pub(super) fn highlights(
    f: &Workspace,
    rel: &str,
    spans: Vec<(Span, bool)>,
    enc: PositionEncoding,
) -> Vec<DocumentHighlight> {
    let mut lines = Lines::new(f);
    spans
        .into_iter()
        .filter_map(|(s, def)| {
            Some(DocumentHighlight {
                range: lines.range(rel, s, enc)?,
                kind: Some(if def {
                    DocumentHighlightKind::WRITE
                } else {
                    DocumentHighlightKind::READ
                }),
            })
        })
        .collect()
}

pub(super) fn markdown(value: String) -> MarkupContent {
    MarkupContent {
        kind: MarkupKind::Markdown,
        value,
    }
}

/// How a completion list is sent to this client.
pub(super) struct ListStyle {
    /// The client takes snippets (else templates are left out and other snippets sent as
    /// plain text).
    pub snippets: bool,
    /// ID documentation is left to `completionItem/resolve`, whose payload names the folder by
    /// its position `folder_no`.
    pub lazy: bool,
    pub folder_no: usize,
}

/// A completion list.
pub(super) fn completion_list(
    f: &Workspace,
    rel: &str,
    (items, incomplete): (Vec<ide::complete::Completion>, bool),
    style: &ListStyle,
    enc: PositionEncoding,
) -> CompletionResponse {
    let ListStyle {
        snippets,
        lazy,
        folder_no,
    } = *style;
    let mut lines = Lines::new(f);
    let items: Vec<CompletionItem> = items
        .into_iter()
        .filter(|c| snippets || !c.snippet || c.kind != CompletionKind::Template)
        .filter_map(|c| {
            let range = lines.range(rel, c.replace.clone(), enc)?;
            let (text, format) = if c.snippet && snippets {
                (c.insert_text.clone(), InsertTextFormat::SNIPPET)
            } else if c.snippet {
                (strip_snippet(&c.insert_text), InsertTextFormat::PLAIN_TEXT)
            } else {
                (c.insert_text.clone(), InsertTextFormat::PLAIN_TEXT)
            };
            // Lazily documented IDs: `completionItem/resolve` fills it in. The payload is kept
            // small (100 items are sent on every keystroke in a list): the ID and the folder's
            // position, not its URI.
            let data = (lazy && c.kind == CompletionKind::Id)
                .then(|| serde_json::json!({"id": c.label, "in": folder_no}));
            Some(CompletionItem {
                label: c.label,
                kind: Some(match c.kind {
                    CompletionKind::Id | CompletionKind::Range => CompletionItemKind::REFERENCE,
                    CompletionKind::Field => CompletionItemKind::FIELD,
                    CompletionKind::Value => CompletionItemKind::ENUM_MEMBER,
                    CompletionKind::Owner => CompletionItemKind::VALUE,
                    CompletionKind::Template => CompletionItemKind::SNIPPET,
                }),
                detail: c.detail,
                documentation: c
                    .documentation
                    .map(|d| Documentation::MarkupContent(markdown(d))),
                data,
                sort_text: Some(c.sort_text),
                // The label is the filter text, and plain text the format, by default.
                filter_text: None,
                insert_text_format: (format != InsertTextFormat::PLAIN_TEXT).then_some(format),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                    range,
                    new_text: text,
                })),
                ..Default::default()
            })
        })
        .collect();
    CompletionResponse::List(CompletionList {
        is_incomplete: incomplete,
        items,
    })
}

/// A snippet's text without its `${1:…}` / `${1|a,b|}` / `$0` markup.
fn strip_snippet(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek() == Some(&'{') {
            chars.next();
            let mut body = String::new();
            for c2 in chars.by_ref() {
                if c2 == '}' {
                    break;
                }
                body.push(c2);
            }
            let inner = body.trim_start_matches(|c: char| c.is_ascii_digit());
            if let Some(rest) = inner.strip_prefix(':') {
                out.push_str(rest);
            } else if let Some(rest) = inner.strip_prefix('|') {
                out.push_str(rest.trim_end_matches('|').split(',').next().unwrap_or(""));
            }
        } else if c == '$' && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
            while chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                chars.next();
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The symbol kind of an entry by its prefix.
pub(super) fn symbol_kind(prefix: &str) -> SymbolKind {
    match prefix {
        "DEP" => SymbolKind::EVENT,
        "EPIC" => SymbolKind::MODULE,
        "API" => SymbolKind::INTERFACE,
        "TEST" => SymbolKind::METHOD,
        "MON" | "KPI" => SymbolKind::NUMBER,
        "RUN" => SymbolKind::FUNCTION,
        "DBT" => SymbolKind::STRUCT,
        _ => SymbolKind::CONSTANT,
    }
}

#[allow(deprecated)]
pub(super) fn document_symbol(
    lines: &mut Lines,
    rel: &str,
    s: ide::symbols::Symbol,
    enc: PositionEncoding,
) -> Option<DocumentSymbol> {
    let range = lines.range(rel, s.span.clone(), enc)?;
    let selection_range = lines.range(rel, s.selection.clone(), enc)?;
    let children: Vec<DocumentSymbol> = s
        .children
        .into_iter()
        .filter_map(|c| document_symbol(lines, rel, c, enc))
        .collect();
    Some(DocumentSymbol {
        name: s.name,
        detail: s.detail,
        kind: if s.is_entry {
            symbol_kind(&s.prefix)
        } else {
            SymbolKind::FIELD
        },
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children: (!children.is_empty()).then_some(children),
    })
}

/// A workspace symbol of a folder (`None` when its file or span is gone).
#[allow(deprecated)]
pub(super) fn symbol_information(
    f: &Workspace,
    lines: &mut Lines,
    s: &ide::symbols::WorkspaceSymbol,
    enc: PositionEncoding,
) -> Option<SymbolInformation> {
    Some(SymbolInformation {
        name: s.name.clone(),
        kind: symbol_kind(&s.prefix),
        tags: None,
        deprecated: None,
        location: Location {
            uri: uri_of(&f.root, &s.path)?,
            range: lines.range(&s.path, s.span.clone(), enc)?,
        },
        container_name: (!s.detail.is_empty()).then(|| s.detail.clone()),
    })
}

/// Folding ranges over whole lines (spans within one line fold nothing).
pub(super) fn folding_ranges(
    lines: &mut Lines,
    rel: &str,
    spans: Vec<Span>,
    enc: PositionEncoding,
) -> Vec<FoldingRange> {
    spans
        .into_iter()
        .filter_map(|s| {
            let r = lines.range(rel, s, enc)?;
            (r.end.line > r.start.line).then(|| FoldingRange {
                start_line: r.start.line,
                end_line: r.end.line,
                kind: Some(FoldingRangeKind::Region),
                ..Default::default()
            })
        })
        .collect()
}

/// Semantic tokens (span, type, modifiers) in document order, delta-encoded; a token over
/// more than one line is left out.
pub(super) fn semantic_tokens(
    lines: &mut Lines,
    rel: &str,
    tokens: Vec<(Span, u32, u32)>,
    enc: PositionEncoding,
) -> SemanticTokens {
    let mut data = Vec::with_capacity(tokens.len());
    let (mut pl, mut pc) = (0u32, 0u32);
    for (span, ty, mods) in tokens {
        let Some(r) = lines.range(rel, span, enc) else {
            continue;
        };
        if r.end.line != r.start.line {
            continue;
        }
        let dl = r.start.line - pl;
        let dc = if dl == 0 {
            r.start.character - pc
        } else {
            r.start.character
        };
        data.push(SemanticToken {
            delta_line: dl,
            delta_start: dc,
            length: r.end.character - r.start.character,
            token_type: ty,
            token_modifiers_bitset: mods,
        });
        pl = r.start.line;
        pc = r.start.character;
    }
    SemanticTokens {
        result_id: None,
        data,
    }
}

/// Inlay hints: a label after an offset.
pub(super) fn inlay_hints(
    lines: &mut Lines,
    rel: &str,
    hints: Vec<(usize, String)>,
    enc: PositionEncoding,
) -> Vec<InlayHint> {
    hints
        .into_iter()
        .filter_map(|(at, label)| {
            Some(InlayHint {
                position: lines.range(rel, at..at, enc)?.start,
                label: InlayHintLabel::String(label),
                kind: None,
                text_edits: None,
                tooltip: None,
                padding_left: Some(false),
                padding_right: Some(true),
                data: None,
            })
        })
        .collect()
}

/// VS Code's command that shows a list of locations (uri, position, locations). Not part of
/// LSP: sent only to clients that announce it (`experimental.commands.commands`).
pub(super) const SHOW_REFERENCES: &str = "editor.action.showReferences";

/// The "N references" lenses of a file (`uri`, as the client named it): (span of the
/// definition, ID, count), each carrying [`SHOW_REFERENCES`] with its locations. Only for a
/// client that runs that command: any other gets no references lens (a lens without a command
/// is an unresolved one, and this server resolves none), as rust-analyzer does.
pub(super) fn reference_lenses(
    f: &Workspace,
    uri: &Uri,
    rel: &str,
    counts: Vec<(Span, String, usize)>,
    enc: PositionEncoding,
) -> Vec<CodeLens> {
    let mut lines = Lines::new(f);
    let mut conv = LocationConverter::new(f);
    counts
        .into_iter()
        .filter_map(|(span, id, n)| {
            let range = lines.range(rel, span, enc)?;
            let locs = conv.convert(&ide::nav::references_of(f, &id, false), enc);
            Some(CodeLens {
                range,
                command: Some(Command {
                    title: format!("{n} reference{}", if n == 1 { "" } else { "s" }),
                    command: SHOW_REFERENCES.into(),
                    arguments: Some(vec![
                        serde_json::json!(uri.as_str()),
                        serde_json::to_value(range.start).unwrap_or_default(),
                        serde_json::to_value(locs).unwrap_or_default(),
                    ]),
                }),
                data: None,
            })
        })
        .collect()
}

/// Code lenses "Readiness: 5/6 gates pass" on each plan's first DEP- entry of a file, running
/// `dep-ls.readinessReport` on the folder.
pub(super) fn readiness_lenses(f: &Workspace, rel: &str, enc: PositionEncoding) -> Vec<CodeLens> {
    let mut lines = Lines::new(f);
    let folder_uri = Uri::from_file_path(&f.root).map(|u| serde_json::json!(u.as_str()));
    ide::readiness::lenses(f, rel)
        .into_iter()
        .filter_map(|(span, title)| {
            Some(CodeLens {
                range: lines.range(rel, span, enc)?,
                command: Some(Command {
                    title,
                    command: ide::readiness::COMMAND.into(),
                    arguments: folder_uri.clone().map(|u| vec![u]),
                }),
                data: None,
            })
        })
        .collect()
}

/// A node of the call hierarchy; its `data` carries the ID (`{"id": …}`), so that incoming and
/// outgoing calls do not depend on the client echoing ranges.
pub(super) fn call_hierarchy_item(
    f: &Workspace,
    lines: &mut Lines,
    item: &ide::hierarchy::Item,
    enc: PositionEncoding,
) -> Option<CallHierarchyItem> {
    let detail = if !item.defined {
        format!("{} is not defined in the workspace", item.id)
    } else if item.title.is_empty() {
        item.path.clone()
    } else {
        item.title.clone()
    };
    Some(CallHierarchyItem {
        name: item.id.clone(),
        kind: symbol_kind(&item.prefix),
        tags: item.deprecated.then(|| vec![SymbolTag::DEPRECATED]),
        detail: Some(detail),
        uri: uri_of(&f.root, &item.path)?,
        range: lines.range(&item.path, item.span.clone(), enc)?,
        selection_range: lines.range(&item.path, item.selection.clone(), enc)?,
        data: Some(serde_json::json!({ "id": item.id })),
    })
}

/// Where a call's links are written, as ranges of the file they are in.
fn call_ranges(lines: &mut Lines, c: &ide::hierarchy::Call, enc: PositionEncoding) -> Vec<Range> {
    c.spans
        .iter()
        .filter_map(|s| lines.range(&c.path, s.clone(), enc))
        .collect()
}

/// Incoming calls: each linking entry, and where it links (in its own file).
pub(super) fn incoming_calls(
    f: &Workspace,
    calls: Vec<ide::hierarchy::Call>,
    enc: PositionEncoding,
) -> Vec<CallHierarchyIncomingCall> {
    let mut lines = Lines::new(f);
    calls
        .into_iter()
        .filter_map(|c| {
            let from = call_hierarchy_item(f, &mut lines, &c.item, enc)?;
            let from_ranges = call_ranges(&mut lines, &c, enc);
            Some(CallHierarchyIncomingCall { from, from_ranges })
        })
        .collect()
}

/// Outgoing calls: each linked ID, and where the entry links it (in the entry's file).
pub(super) fn outgoing_calls(
    f: &Workspace,
    calls: Vec<ide::hierarchy::Call>,
    enc: PositionEncoding,
) -> Vec<CallHierarchyOutgoingCall> {
    let mut lines = Lines::new(f);
    calls
        .into_iter()
        .filter_map(|c| {
            let to = call_hierarchy_item(f, &mut lines, &c.item, enc)?;
            let from_ranges = call_ranges(&mut lines, &c, enc);
            Some(CallHierarchyOutgoingCall { to, from_ranges })
        })
        .collect()
}

/// The document links of a file: a target `file:///…#L12` (1-based line, the fragment VS Code
/// and other clients read) when the link is to a definition, else the file's URI.
pub(super) fn document_links(
    f: &Workspace,
    rel: &str,
    links: Vec<ide::links::DocLink>,
    enc: PositionEncoding,
) -> Vec<DocumentLink> {
    let mut lines = Lines::new(f);
    links
        .into_iter()
        .filter_map(|l| {
            let range = lines.range(rel, l.span, enc)?;
            let uri = uri_of(&f.root, &l.path)?;
            let target = match l.target {
                Some(t) if uri.scheme().as_str() == "file" => {
                    let line = lines.range(&l.path, t, enc)?.start.line;
                    format!("{}#L{}", uri.as_str(), line + 1).parse().ok()?
                }
                _ => uri,
            };
            Some(DocumentLink {
                range,
                target: Some(target),
                tooltip: Some(l.tooltip),
                data: None,
            })
        })
        .collect()
}

/// The trace lenses of a file ("covers 30 TEST- · 2 missing: …", "linked by DEP-004, …"),
/// unresolved: a range and `data` naming the document and where the lens starts
/// (`{"trace": URI, "at": offset}`). The client resolves the ones it shows
/// ([`resolve_trace_lens`]), so that a big file's lens request does not carry the locations of
/// every lens.
pub(super) fn trace_lenses(
    f: &Workspace,
    uri: &Uri,
    rel: &str,
    lenses: Vec<ide::coverage::TraceLens>,
    enc: PositionEncoding,
) -> Vec<CodeLens> {
    let mut lines = Lines::new(f);
    lenses
        .into_iter()
        .filter_map(|l| {
            Some(CodeLens {
                range: lines.range(rel, l.span.clone(), enc)?,
                command: None,
                data: Some(serde_json::json!({ "trace": uri.as_str(), "at": l.span.start })),
            })
        })
        .collect()
}

/// The document and offset a trace lens's `data` names.
pub(super) fn trace_lens_data(lens: &CodeLens) -> Option<(Uri, usize)> {
    let d = lens.data.as_ref()?;
    let uri = d.get("trace")?.as_str()?.parse().ok()?;
    let at = usize::try_from(d.get("at")?.as_u64()?).ok()?;
    Some((uri, at))
}

/// A trace lens resolved: its title and [`SHOW_REFERENCES`] with the locations it is about —
/// the references lens's pattern. `None` when the lens no longer stands where it did.
pub(super) fn resolve_trace_lens(
    f: &Workspace,
    uri: &Uri,
    rel: &str,
    range: Range,
    l: ide::coverage::TraceLens,
    enc: PositionEncoding,
) -> Option<CodeLens> {
    if Lines::new(f).range(rel, l.span.clone(), enc)? != range {
        return None;
    }
    let locs = LocationConverter::new(f).convert(&l.locations, enc);
    Some(CodeLens {
        range,
        command: Some(Command {
            title: l.title,
            command: SHOW_REFERENCES.into(),
            arguments: Some(vec![
                serde_json::json!(uri.as_str()),
                serde_json::to_value(range.start).unwrap_or_default(),
                serde_json::to_value(locs).unwrap_or_default(),
            ]),
        }),
        data: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_snippets() {
        assert_eq!(
            strip_snippet("Type: ${1|Environment,Criteria|}\nOwner: ${2:[Who]}$0"),
            "Type: Environment\nOwner: [Who]"
        );
    }
}

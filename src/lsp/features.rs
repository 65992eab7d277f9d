//! Requests → responses: each handler's work, done under the state lock, converting the
//! results of `ide`, `format` and `check` to LSP types.

use super::convert::{self, offsets, position, range};
use super::document::DocState;
use super::State;
use crate::format::{eol_of, format_range_in, Writer};
use crate::ide::{self, ItemKind, SymbolKind};
use crate::position::Encoding;
use std::collections::HashMap;
use tower_lsp::lsp_types::*;

pub fn hover(st: &State, params: HoverParams) -> Option<Hover> {
    let p = params.text_document_position_params;
    let doc = st.docs.get(&p.text_document.uri)?;
    let off = convert::offset(&doc.rope, p.position, st.enc);
    let own = doc.with_view(doc.segments_over(off..off), |v| ide::hover(v, off));
    let note = super::link::hover_note(doc, off).or_else(|| super::history::hover_note(doc, off));
    let (text, r) = match (own, note) {
        (Some((t, r)), Some((note, _))) => (format!("{}\n\n{note}", t.trim_end()), r),
        (own, note) => own.or(note)?,
    };
    Some(markdown(text, Some(range(&doc.rope, r, st.enc))))
}

pub fn completion(st: &State, params: CompletionParams) -> Option<CompletionResponse> {
    let p = params.text_document_position;
    let doc = st.docs.get(&p.text_document.uri)?;
    let enc = st.enc;
    let off = convert::offset(&doc.rope, p.position, enc);
    let last_year = super::history::known_indicators(doc);
    // Last year's indicators of the unit come last: the newest use of a name is offered.
    let elsewhere: Vec<ide::KnownIndicator> = st
        .index
        .iter()
        .filter(|(path, _)| Url::from_file_path(path).ok().as_ref() != Some(&p.text_document.uri))
        .flat_map(|(_, f)| f.known.indicators())
        .collect();
    let known: Vec<&ide::KnownIndicator> = elsewhere.iter().chain(&last_year).collect();
    let segs = doc.segments_over(off.saturating_sub(1)..off);
    let items = doc.with_view(segs, |v| ide::complete(v, off, &known));
    // Last year's indicators of the unit first (a stable sort keeps the rest in order).
    let last_names: std::collections::HashSet<&str> =
        last_year.iter().map(|k| k.name.as_str()).collect();
    let mut items = items;
    items
        .sort_by_key(|i| !(i.kind == ItemKind::Indicator && last_names.contains(i.label.as_str())));
    // The server's order is the form's order; sortText keeps it, and its leading "0" puts these
    // items before the editor's snippets and words.
    let items = items
        .into_iter()
        .enumerate()
        .map(|(n, i)| CompletionItem {
            sort_text: Some(format!("0{n:04}")),
            preselect: i.preselect.then_some(true),
            label: i.label.clone(),
            kind: Some(match i.kind {
                ItemKind::Field => CompletionItemKind::FIELD,
                ItemKind::Category => CompletionItemKind::ENUM,
                ItemKind::Indicator => CompletionItemKind::VARIABLE,
                ItemKind::Operator => CompletionItemKind::OPERATOR,
                ItemKind::Unit => CompletionItemKind::UNIT,
                ItemKind::Value => CompletionItemKind::VALUE,
            }),
            detail: i.detail.clone(),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                range: range(&doc.rope, i.replace.clone(), enc),
                new_text: i.insert.clone(),
            })),
            filter_text: Some(i.label),
            ..Default::default()
        })
        .collect();
    Some(CompletionResponse::Array(items))
}

/// The whole document formatted, segment by segment, compared with the text as it is written:
/// the formatted text is kept only from the first line that differs (a formatted file costs
/// no copy of itself), and the one minimal edit is computed from there.
pub fn formatting(st: &State, params: DocumentFormattingParams) -> Option<Vec<TextEdit>> {
    let doc = st.docs.get(&params.text_document.uri)?;
    let rope = &doc.rope;
    let bom = rope.len_chars() > 0 && rope.char(0) == '\u{FEFF}';
    let mut w = Writer::new(bom, eol_of(rope.bytes()));
    let kind = doc.header.form_kind();
    let (mut pos, mut tail, mut buf) = (0, None::<String>, String::new());
    doc.each_segment(0..doc.segment_count(), |segment, roles, seg_text, _| {
        buf.clear();
        w.segment(segment, roles, seg_text, kind, &mut buf);
        match &mut tail {
            Some(t) => t.push_str(&buf),
            None if pos + buf.len() <= rope.len_bytes()
                && rope.bytes_at(pos).take(buf.len()).eq(buf.bytes()) =>
            {
                pos += buf.len()
            }
            None => {
                // About the size of the rest of the text, so that it is not grown by doubling.
                let rest = rope.len_bytes() - pos;
                let mut t = String::with_capacity(rest + rest / 16);
                t.push_str(&buf);
                tail = Some(t);
            }
        }
    });
    if tail.is_none() && pos == rope.len_bytes() {
        return Some(Vec::new());
    }
    let new = tail.unwrap_or_default();
    Some(convert::minimal_edit_from(rope, pos, &new, st.enc))
}

pub fn range_formatting(
    st: &State,
    params: DocumentRangeFormattingParams,
) -> Option<Vec<TextEdit>> {
    let doc = st.docs.get(&params.text_document.uri)?;
    let span = offsets(&doc.rope, params.range, st.enc);
    let kind = doc.header.form_kind();
    let mut edits = Vec::new();
    doc.each_segment(
        doc.segments_over(span.clone()),
        |segment, roles, seg_text, base| {
            format_range_in(segment, roles, seg_text, base, kind, &span, &mut edits);
        },
    );
    Some(
        edits
            .into_iter()
            .map(|(r, t)| TextEdit {
                range: range(&doc.rope, r, st.enc),
                new_text: t,
            })
            .collect(),
    )
}

pub fn code_action(st: &State, params: CodeActionParams) -> Option<CodeActionResponse> {
    let uri = params.text_document.uri;
    let doc = st.docs.get(&uri)?;
    let enc = st.enc;
    let span = offsets(&doc.rope, params.range, enc);
    let diags = doc.diagnostics();
    let fixes = doc.with_view(doc.segments_over(span.clone()), |v| {
        ide::fixes(v, &diags, span)
    });
    let actions = fixes
        .into_iter()
        .map(|f| {
            let edits = f
                .edits
                .iter()
                .map(|(r, t)| TextEdit {
                    range: range(&doc.rope, r.clone(), enc),
                    new_text: t.clone(),
                })
                .collect();
            let diag = diags
                .iter()
                .find(|d| d.span.range() == f.diagnostic && d.rule == f.rule)
                .map(|d| convert::diagnostic(&doc.rope, d, enc));
            CodeActionOrCommand::CodeAction(CodeAction {
                title: f.title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: diag.map(|d| vec![d]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), edits)])),
                    ..Default::default()
                }),
                is_preferred: Some(true),
                ..Default::default()
            })
        })
        .collect();
    Some(actions)
}

pub fn document_symbol(st: &State, params: DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
    let mut syms = Vec::new();
    each_symbol(st, &params.text_document.uri, |s| syms.push(s))?;
    Some(DocumentSymbolResponse::Nested(syms))
}

/// Calls `f` with each top-level symbol of the document (a project, with its children), one
/// batch of segments at a time: `direct.rs` writes them as they come.
pub fn each_symbol(st: &State, uri: &Url, mut f: impl FnMut(DocumentSymbol)) -> Option<()> {
    let doc = st.docs.get(uri)?;
    doc.each_view(0..doc.segment_count(), |v| {
        for s in ide::outline(v) {
            f(document_symbol_of(doc, &s, st.enc));
        }
        Vec::<()>::new()
    });
    Some(())
}

pub fn folding_range(st: &State, params: FoldingRangeParams) -> Option<Vec<FoldingRange>> {
    let doc = st.docs.get(&params.text_document.uri)?;
    let folds = doc.each_view(0..doc.segment_count(), ide::folding);
    Some(
        folds
            .into_iter()
            .map(|(a, b)| FoldingRange {
                start_line: doc.rope.byte_to_line(a) as u32,
                end_line: doc.rope.byte_to_line(b) as u32,
                kind: Some(FoldingRangeKind::Region),
                ..Default::default()
            })
            .collect(),
    )
}

pub fn semantic_tokens_full(
    st: &State,
    params: SemanticTokensParams,
) -> Option<SemanticTokensResult> {
    tokens(st, &params.text_document.uri, None)
}

pub fn semantic_tokens_range(
    st: &State,
    params: SemanticTokensRangeParams,
) -> Option<SemanticTokensRangeResult> {
    match tokens(st, &params.text_document.uri, Some(params.range)) {
        Some(SemanticTokensResult::Tokens(t)) => Some(SemanticTokensRangeResult::Tokens(t)),
        _ => None,
    }
}

pub fn inlay_hint(st: &State, params: InlayHintParams) -> Option<Vec<InlayHint>> {
    let doc = st.docs.get(&params.text_document.uri)?;
    let span = offsets(&doc.rope, params.range, st.enc);
    let mut hints: Vec<(usize, String)> = doc
        .each_view(doc.segments_over(span.clone()), |v| {
            ide::inlay_hints(v, span.clone())
        })
        .into_iter()
        .map(|h| (h.offset, h.label))
        .collect();
    hints.extend(super::history::hints(doc, span));
    hints.sort_by_key(|h| h.0);
    Some(
        hints
            .into_iter()
            .map(|(offset, label)| InlayHint {
                position: position(&doc.rope, offset, st.enc),
                label: InlayHintLabel::String(label),
                kind: None,
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect(),
    )
}

pub fn symbol(st: &State, params: WorkspaceSymbolParams) -> Vec<SymbolInformation> {
    let q = params.query;
    let mut out = Vec::new();
    let open: Vec<Url> = st.docs.keys().cloned().collect();
    #[allow(deprecated)]
    let mut push = |uri: &Url, name: &str, l: u32, c: u32| {
        if q.is_empty() || name.contains(q.as_str()) {
            out.push(SymbolInformation {
                name: name.to_string(),
                kind: tower_lsp::lsp_types::SymbolKind::NAMESPACE,
                tags: None,
                deprecated: None,
                location: Location::new(
                    uri.clone(),
                    Range::new(Position::new(l, c), Position::new(l, c)),
                ),
                container_name: uri
                    .path_segments()
                    .and_then(|mut s| s.next_back())
                    .map(str::to_string),
            });
        }
    };
    for (path, f) in &st.index {
        let Ok(uri) = Url::from_file_path(path) else {
            continue;
        };
        if open.contains(&uri) {
            continue;
        }
        for (name, l, c) in f.known.projects() {
            push(&uri, name, l, c);
        }
    }
    for (uri, doc) in &st.docs {
        for (i, &base) in doc.starts[1..doc.len() + 1].iter().enumerate() {
            let (name, span) = doc.project_name(i);
            let pos = position(&doc.rope, base + span.start as usize, st.enc);
            push(uri, name, pos.line, pos.character);
        }
    }
    out
}

fn markdown(value: String, r: Option<Range>) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: r,
    }
}

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: ide::TOKEN_TYPES
            .iter()
            .map(|t| SemanticTokenType::new(t))
            .collect(),
        token_modifiers: vec![],
    }
}

fn document_symbol_of(doc: &DocState, s: &ide::Symbol, enc: Encoding) -> DocumentSymbol {
    #[allow(deprecated)]
    DocumentSymbol {
        name: s.name.clone(),
        detail: s.detail.clone(),
        kind: match s.kind {
            SymbolKind::Project => tower_lsp::lsp_types::SymbolKind::NAMESPACE,
            SymbolKind::Funding => tower_lsp::lsp_types::SymbolKind::OBJECT,
            SymbolKind::Text => tower_lsp::lsp_types::SymbolKind::STRING,
            SymbolKind::Category => tower_lsp::lsp_types::SymbolKind::ENUM,
            SymbolKind::Indicator => tower_lsp::lsp_types::SymbolKind::FIELD,
            SymbolKind::Total => tower_lsp::lsp_types::SymbolKind::NUMBER,
        },
        tags: None,
        deprecated: None,
        range: range(&doc.rope, s.range.clone(), enc),
        selection_range: range(&doc.rope, s.selection.clone(), enc),
        children: Some(
            s.children
                .iter()
                .map(|c| document_symbol_of(doc, c, enc))
                .collect(),
        ),
    }
}

fn tokens(st: &State, uri: &Url, r: Option<Range>) -> Option<SemanticTokensResult> {
    let doc = st.docs.get(uri)?;
    let span = r.map(|r| offsets(&doc.rope, r, st.enc));
    let segs = span
        .clone()
        .map_or(0..doc.segment_count(), |s| doc.segments_over(s));
    let toks = doc.each_view(segs, |v| ide::semantic_tokens(v, span.clone()));
    let mut data = Vec::with_capacity(toks.len());
    let (mut pl, mut pc) = (0u32, 0u32);
    let mut walk = crate::position::rope::Walker::new(&doc.rope, st.enc);
    for t in toks {
        let (l, c) = walk.position(t.range.start);
        let a = Position::new(l as u32, c as u32);
        let (l, c) = walk.position(t.range.end);
        let b = Position::new(l as u32, c as u32);
        if b.line != a.line || b.character <= a.character {
            continue;
        }
        let dl = a.line - pl;
        let dc = if dl == 0 {
            a.character - pc
        } else {
            a.character
        };
        data.push(SemanticToken {
            delta_line: dl,
            delta_start: dc,
            length: b.character - a.character,
            token_type: t.kind,
            token_modifiers_bitset: 0,
        });
        pl = a.line;
        pc = a.character;
    }
    Some(SemanticTokensResult::Tokens(SemanticTokens {
        result_id: None,
        data,
    }))
}

//! `jixiao lsp`: the language server over stdio (LSP 3.17). The only module that knows LSP
//! types; everything it shows comes from `check`, `format` and `ide`, which work in bytes.
//!
//! Concurrency: tower-lsp runs handlers concurrently, so all document state sits behind one
//! mutex and every handler does its work synchronously under it — a `didChange` is applied in
//! full before the handler first awaits. Requests to the client (configuration) run in spawned
//! tasks, never inside a handler. A panic in a handler is caught and logged; the server lives on.

mod config;
mod convert;
pub mod document;
mod transport;
mod workspace;

use crate::ide::{self, ItemKind, SymbolKind};
use crate::position::Encoding;
use config::{ClientSettings, ConfigCache};
use convert::{offsets, position, range};
use document::DocState;
use serde_json::Value;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::*;
use tower_lsp::{Client, LanguageServer, LspService, Server};

struct State {
    docs: HashMap<Url, DocState>,
    enc: Encoding,
    config: ConfigCache,
    roots: Vec<PathBuf>,
    index: HashMap<PathBuf, workspace::FileIndex>,
    pull_config: bool,
    watch_config: bool,
}

/// The server; build one with [`service`].
pub struct Backend {
    client: Client,
    state: Arc<Mutex<State>>,
    shut_down: Arc<std::sync::atomic::AtomicBool>,
}

/// A batch of diagnostics to publish after the state lock is released.
type Publish = Vec<(Url, Vec<Diagnostic>, Option<i32>)>;

impl Backend {
    /// Runs `f` on the state; a panic inside is logged and yields `None`.
    fn with_state<T>(&self, what: &str, f: impl FnOnce(&mut State) -> T) -> Option<T> {
        let mut guard = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match catch_unwind(AssertUnwindSafe(|| f(&mut guard))) {
            Ok(v) => Some(v),
            Err(e) => {
                let msg = e
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| e.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                tracing::error!("panic in {what}: {msg}");
                None
            }
        }
    }

    async fn publish(&self, batch: Publish) {
        for (uri, diags, version) in batch {
            self.client.publish_diagnostics(uri, diags, version).await;
        }
    }

    fn warn_user(&self, problems: Vec<String>) {
        if problems.is_empty() {
            return;
        }
        let client = self.client.clone();
        tokio::spawn(async move {
            client
                .show_message(
                    MessageType::ERROR,
                    format!("jixiao 配置有误：{}", problems.join("；")),
                )
                .await;
        });
    }

    /// Re-resolves every open document's settings (after a configuration change).
    async fn reconfigure(&self) {
        let result = self.with_state("reconfigure", |st| {
            st.config.clear();
            let mut problems = Vec::new();
            let mut batch = Vec::new();
            let uris: Vec<Url> = st.docs.keys().cloned().collect();
            for uri in uris {
                let (s, p) = st.config.settings_for(uri.to_file_path().ok().as_deref());
                problems.extend(p);
                let enc = st.enc;
                let doc = st.docs.get_mut(&uri).unwrap();
                doc.set_settings(s);
                batch.push(diagnostics_of(&uri, doc, enc));
            }
            problems.sort();
            problems.dedup();
            (batch, problems)
        });
        if let Some((batch, problems)) = result {
            self.warn_user(problems);
            self.publish(batch).await;
        }
    }
}

fn diagnostics_of(uri: &Url, doc: &DocState, enc: Encoding) -> (Url, Vec<Diagnostic>, Option<i32>) {
    let diags = doc
        .diagnostics()
        .iter()
        .map(|d| convert::diagnostic(&doc.rope, d, enc))
        .collect();
    (uri.clone(), diags, Some(doc.version))
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

fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: ide::TOKEN_TYPES
            .iter()
            .map(|t| SemanticTokenType::new(t))
            .collect(),
        token_modifiers: vec![],
    }
}

fn symbol(doc: &DocState, s: &ide::Symbol, enc: Encoding) -> DocumentSymbol {
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
        children: Some(s.children.iter().map(|c| symbol(doc, c, enc)).collect()),
    }
}

#[tower_lsp::async_trait]
impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let utf8 = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|e| e.contains(&PositionEncodingKind::UTF8));
        let ws = params.capabilities.workspace.as_ref();
        let pull = ws.and_then(|w| w.configuration).unwrap_or(false);
        let watch = ws
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| f.uri.to_file_path().ok())
            .collect();
        #[allow(deprecated)]
        if roots.is_empty() {
            roots.extend(params.root_uri.as_ref().and_then(|u| u.to_file_path().ok()));
        }
        let client_settings = params
            .initialization_options
            .as_ref()
            .map(ClientSettings::from_json)
            .unwrap_or_default();
        self.with_state("initialize", |st| {
            st.enc = if utf8 {
                Encoding::Utf8
            } else {
                Encoding::Utf16
            };
            st.pull_config = pull;
            st.watch_config = watch;
            st.roots = roots;
            st.config.client = client_settings;
        });
        tracing::info!(
            "initialize: position encoding {}",
            if utf8 { "utf-8" } else { "utf-16" }
        );
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "jixiao".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(if utf8 {
                    PositionEncodingKind::UTF8
                } else {
                    PositionEncodingKind::UTF16
                }),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(
                        [":", "：", " ", "(", "（"]
                            .iter()
                            .map(|s| s.to_string())
                            .collect(),
                    ),
                    ..Default::default()
                }),
                document_formatting_provider: Some(OneOf::Left(true)),
                document_range_formatting_provider: Some(OneOf::Left(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                        ..Default::default()
                    },
                )),
                document_symbol_provider: Some(OneOf::Left(true)),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                inlay_hint_provider: Some(OneOf::Left(true)),
                semantic_tokens_provider: Some(
                    SemanticTokensServerCapabilities::SemanticTokensOptions(
                        SemanticTokensOptions {
                            legend: legend(),
                            range: Some(true),
                            full: Some(SemanticTokensFullOptions::Bool(true)),
                            ..Default::default()
                        },
                    ),
                ),
                ..Default::default()
            },
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let Some((roots, pull, watch)) = self.with_state("initialized", |st| {
            (st.roots.clone(), st.pull_config, st.watch_config)
        }) else {
            return;
        };
        let state = self.state.clone();
        tokio::spawn(async move {
            let index = tokio::task::spawn_blocking(move || workspace::scan(&roots))
                .await
                .unwrap_or_default();
            tracing::info!("workspace index: {} files", index.len());
            state.lock().unwrap_or_else(|e| e.into_inner()).index = index;
        });
        if watch {
            let client = self.client.clone();
            tokio::spawn(async move {
                let opts = DidChangeWatchedFilesRegistrationOptions {
                    watchers: vec![
                        FileSystemWatcher {
                            glob_pattern: GlobPattern::String("**/jixiao.toml".into()),
                            kind: None,
                        },
                        FileSystemWatcher {
                            glob_pattern: GlobPattern::String("**/*.jixiao".into()),
                            kind: None,
                        },
                    ],
                };
                let reg = Registration {
                    id: "jixiao-watch".into(),
                    method: "workspace/didChangeWatchedFiles".into(),
                    register_options: serde_json::to_value(opts).ok(),
                };
                if let Err(e) = client.register_capability(vec![reg]).await {
                    tracing::warn!("watch registration failed: {e}");
                }
            });
        }
        if pull {
            self.pull_configuration();
        }
    }

    async fn shutdown(&self) -> Result<()> {
        tracing::info!("shutdown");
        self.shut_down
            .store(true, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let result = self.with_state("didOpen", |st| {
            let (settings, problems) = st
                .config
                .settings_for(doc.uri.to_file_path().ok().as_deref());
            let d = DocState::new(&doc.text, doc.version, settings);
            let out = diagnostics_of(&doc.uri, &d, st.enc);
            st.docs.insert(doc.uri.clone(), d);
            (out, problems)
        });
        if let Some((out, problems)) = result {
            self.warn_user(problems);
            self.publish(vec![out]).await;
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let result = self.with_state("didChange", |st| {
            let enc = st.enc;
            let doc = st.docs.get_mut(&uri)?;
            if version <= doc.version {
                tracing::warn!(
                    "didChange {uri}: version {version} not after {}; ignored",
                    doc.version
                );
                return None;
            }
            let applied = catch_unwind(AssertUnwindSafe(|| {
                for change in &params.content_changes {
                    match change.range {
                        Some(r) => {
                            let span = offsets(&doc.rope, r, enc);
                            doc.edit(span, &change.text);
                        }
                        None => *doc = DocState::new(&change.text, version, doc.settings.clone()),
                    }
                }
            }));
            if applied.is_err() {
                // Never keep a half-applied edit: rebuild from the text.
                tracing::error!("panic while applying an edit to {uri}; rebuilding the document");
                let text = doc.text();
                *doc = DocState::new(&text, version, doc.settings.clone());
            }
            doc.version = version;
            Some(diagnostics_of(&uri, doc, enc))
        });
        if let Some(Some(out)) = result {
            self.publish(vec![out]).await;
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        self.reindex(params.text_document.uri);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.with_state("didClose", |st| st.docs.remove(&uri));
        self.client
            .publish_diagnostics(uri.clone(), vec![], None)
            .await;
        self.reindex(uri);
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let has_section = params.settings.get("jixiao").is_some();
        if has_section {
            let cs = ClientSettings::from_json(&params.settings);
            self.with_state("didChangeConfiguration", |st| st.config.client = cs);
            self.reconfigure().await;
        } else if self
            .with_state("config", |st| st.pull_config)
            .unwrap_or(false)
        {
            self.pull_configuration();
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let mut config_changed = false;
        for ch in params.changes {
            if ch.uri.path().ends_with("jixiao.toml") {
                config_changed = true;
            } else {
                self.reindex(ch.uri);
            }
        }
        if config_changed {
            self.reconfigure().await;
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        Ok(self
            .with_state("hover", |st| {
                let doc = st.docs.get(&p.text_document.uri)?;
                let off = convert::offset(&doc.rope, p.position, st.enc);
                let (text, r) = doc.with_view(|v| ide::hover(v, off))?;
                Some(markdown(text, Some(range(&doc.rope, r, st.enc))))
            })
            .flatten())
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let p = params.text_document_position;
        Ok(self
            .with_state("completion", |st| {
                let doc = st.docs.get(&p.text_document.uri)?;
                let enc = st.enc;
                let off = convert::offset(&doc.rope, p.position, enc);
                let mut known: Vec<ide::KnownIndicator> = st
                    .index
                    .iter()
                    .filter(|(path, _)| {
                        Url::from_file_path(path).ok().as_ref() != Some(&p.text_document.uri)
                    })
                    .flat_map(|(_, f)| f.indicators.iter().cloned())
                    .collect();
                let starts = &doc.starts[1..doc.starts.len() - 1];
                known.extend(
                    workspace::index_document(&doc.document(), |_| (0, 0), starts).indicators,
                );
                let items = doc.with_view(|v| ide::complete(v, off, &known));
                let items = items
                    .into_iter()
                    .map(|i| CompletionItem {
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
            })
            .flatten())
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        Ok(self
            .with_state("formatting", |st| {
                let doc = st.docs.get(&params.text_document.uri)?;
                let text = doc.text();
                let formatted = crate::format::format(&text, &doc.tree, &doc.document());
                Some(convert::minimal_edit(&doc.rope, &text, &formatted, st.enc))
            })
            .flatten())
    }

    async fn range_formatting(
        &self,
        params: DocumentRangeFormattingParams,
    ) -> Result<Option<Vec<TextEdit>>> {
        Ok(self
            .with_state("rangeFormatting", |st| {
                let doc = st.docs.get(&params.text_document.uri)?;
                let text = doc.text();
                let span = offsets(&doc.rope, params.range, st.enc);
                let edits = crate::format::format_range(&text, &doc.tree, &doc.document(), span);
                Some(
                    edits
                        .into_iter()
                        .map(|(r, t)| TextEdit {
                            range: range(&doc.rope, r, st.enc),
                            new_text: t,
                        })
                        .collect(),
                )
            })
            .flatten())
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        Ok(self
            .with_state("codeAction", |st| {
                let doc = st.docs.get(&uri)?;
                let enc = st.enc;
                let span = offsets(&doc.rope, params.range, enc);
                let diags = doc.diagnostics();
                let fixes = doc.with_view(|v| ide::fixes(v, &diags, span));
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
            })
            .flatten())
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        Ok(self
            .with_state("documentSymbol", |st| {
                let doc = st.docs.get(&params.text_document.uri)?;
                let syms = doc.with_view(ide::outline);
                Some(DocumentSymbolResponse::Nested(
                    syms.iter().map(|s| symbol(doc, s, st.enc)).collect(),
                ))
            })
            .flatten())
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        Ok(self
            .with_state("foldingRange", |st| {
                let doc = st.docs.get(&params.text_document.uri)?;
                let folds = doc.with_view(ide::folding);
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
            })
            .flatten())
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        Ok(self
            .with_state("semanticTokens", |st| {
                tokens(st, &params.text_document.uri, None)
            })
            .flatten())
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        Ok(self
            .with_state("semanticTokensRange", |st| {
                match tokens(st, &params.text_document.uri, Some(params.range)) {
                    Some(SemanticTokensResult::Tokens(t)) => {
                        Some(SemanticTokensRangeResult::Tokens(t))
                    }
                    _ => None,
                }
            })
            .flatten())
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        Ok(self
            .with_state("inlayHint", |st| {
                let doc = st.docs.get(&params.text_document.uri)?;
                let span = offsets(&doc.rope, params.range, st.enc);
                let hints = doc.with_view(|v| ide::inlay_hints(v, span));
                Some(
                    hints
                        .into_iter()
                        .map(|h| InlayHint {
                            position: position(&doc.rope, h.offset, st.enc),
                            label: InlayHintLabel::String(h.label),
                            kind: None,
                            text_edits: None,
                            tooltip: None,
                            padding_left: Some(true),
                            padding_right: None,
                            data: None,
                        })
                        .collect(),
                )
            })
            .flatten())
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<Vec<SymbolInformation>>> {
        let q = params.query;
        Ok(self.with_state("workspaceSymbol", |st| {
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
                for (name, l, c) in &f.projects {
                    push(&uri, name, *l, *c);
                }
            }
            for (uri, doc) in &st.docs {
                for (p, &base) in doc.projects.iter().zip(&doc.starts[1..]) {
                    let pos = position(&doc.rope, base + p.name_span.start as usize, st.enc);
                    push(uri, &p.name, pos.line, pos.character);
                }
            }
            out
        }))
    }
}

fn tokens(st: &State, uri: &Url, r: Option<Range>) -> Option<SemanticTokensResult> {
    let doc = st.docs.get(uri)?;
    let span = r.map(|r| offsets(&doc.rope, r, st.enc));
    let toks = doc.with_view(|v| ide::semantic_tokens(v, span));
    let mut data = Vec::with_capacity(toks.len());
    let (mut pl, mut pc) = (0u32, 0u32);
    for t in toks {
        let a = position(&doc.rope, t.range.start, st.enc);
        let b = position(&doc.rope, t.range.end, st.enc);
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

impl Backend {
    /// A frame the transport guard could not pass on (see `transport`).
    async fn invalid_message(&self, params: Value) {
        let reason = params
            .get("reason")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        tracing::error!("ignored an invalid message from the client: {reason}");
        self.client
            .log_message(
                MessageType::ERROR,
                format!("jixiao：收到无法解析的消息，已忽略（{reason}）"),
            )
            .await;
    }

    /// Asks the client for the `jixiao` section, in a task of its own.
    fn pull_configuration(&self) {
        let client = self.client.clone();
        let state = self.state.clone();
        let me = Backend {
            client: self.client.clone(),
            state: self.state.clone(),
            shut_down: self.shut_down.clone(),
        };
        tokio::spawn(async move {
            let item = ConfigurationItem {
                scope_uri: None,
                section: Some("jixiao".into()),
            };
            match client.configuration(vec![item]).await {
                Ok(values) => {
                    let v = values.into_iter().next().unwrap_or(Value::Null);
                    if !v.is_null() {
                        state
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .config
                            .client = ClientSettings::from_json(&v);
                        me.reconfigure().await;
                    }
                }
                Err(e) => tracing::warn!("workspace/configuration failed: {e}"),
            }
        });
    }

    /// Re-indexes one file from disk for the workspace index, in the background.
    fn reindex(&self, uri: Url) {
        let Ok(path) = uri.to_file_path() else { return };
        if path.extension().is_none_or(|x| x != "jixiao") {
            return;
        }
        let state = self.state.clone();
        tokio::spawn(async move {
            let p = path.clone();
            let idx = tokio::task::spawn_blocking(move || workspace::index_file(&p))
                .await
                .ok()
                .flatten();
            let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
            match idx {
                Some(i) => st.index.insert(path, i),
                None => st.index.remove(&path),
            };
        });
    }
}

/// A server not yet connected to a transport: for `run`, and for in-process protocol tests.
pub fn service() -> (LspService<Backend>, tower_lsp::ClientSocket) {
    service_with(Arc::new(std::sync::atomic::AtomicBool::new(false)))
}

fn service_with(
    shut_down: Arc<std::sync::atomic::AtomicBool>,
) -> (LspService<Backend>, tower_lsp::ClientSocket) {
    LspService::build(|client| Backend {
        client,
        state: Arc::new(Mutex::new(State {
            docs: HashMap::new(),
            enc: Encoding::Utf16,
            config: ConfigCache::default(),
            roots: Vec::new(),
            index: HashMap::new(),
            pull_config: false,
            watch_config: false,
        })),
        shut_down,
    })
    .custom_method(transport::INVALID_MESSAGE, Backend::invalid_message)
    .finish()
}

/// Passes requests through, and signals when the client sends `exit`.
struct ExitWatch<S> {
    inner: S,
    exit: Arc<tokio::sync::Notify>,
}

impl<S> tower_service::Service<tower_lsp::jsonrpc::Request> for ExitWatch<S>
where
    S: tower_service::Service<tower_lsp::jsonrpc::Request>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::result::Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: tower_lsp::jsonrpc::Request) -> Self::Future {
        if req.method() == "exit" {
            self.exit.notify_one();
        }
        self.inner.call(req)
    }
}

/// Runs the server on stdin/stdout until the client exits. Logs go to stderr; set
/// `JIXIAO_LOG` (e.g. `JIXIAO_LOG=debug`) to see more.
pub fn run() -> u8 {
    let filter = tracing_subscriber::EnvFilter::try_from_env("JIXIAO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("jixiao: 无法启动语言服务器：{e}");
            return 2;
        }
    };
    let shut_down = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = shut_down.clone();
    let clean = rt.block_on(async move {
        let (service, socket) = service_with(flag);
        let exit = Arc::new(tokio::sync::Notify::new());
        let service = ExitWatch {
            inner: service,
            exit: exit.clone(),
        };
        tokio::select! {
            _ = async {
                let (to_server, from_guard) = tokio::io::duplex(1 << 16);
                let guard = tokio::spawn(transport::guard(tokio::io::stdin(), to_server));
                Server::new(from_guard, tokio::io::stdout(), socket).serve(service).await;
                guard.abort();
            } => false,
            _ = exit.notified() => true,
        }
    });
    // The stdin reader is a blocking thread that would keep the runtime alive after `exit`.
    rt.shutdown_timeout(std::time::Duration::from_millis(100));
    tracing::info!(
        "exit (clean: {clean}, shutdown received: {})",
        shut_down.load(std::sync::atomic::Ordering::SeqCst)
    );
    // LSP: exit code 0 only when `shutdown` came before `exit`.
    u8::from(!(clean && shut_down.load(std::sync::atomic::Ordering::SeqCst)))
}

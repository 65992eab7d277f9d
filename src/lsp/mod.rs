//! `jixiao lsp`: the language server over stdio (LSP 3.17). The only module that knows LSP
//! types; everything it shows comes from `check`, `format` and `ide`, which work in bytes.
//!
//! Concurrency: the server runs on one thread (a current-thread tokio runtime; stdin is read and
//! stdout written by threads of their own). tower-lsp interleaves handlers at their awaits, so
//! all document state sits behind one mutex and every handler does its work synchronously under
//! it — a `didChange` is applied in full before the handler first awaits. Requests to the client
//! (configuration) run in spawned tasks, never inside a handler. The workspace index is built in
//! a task that yields between steps of its walk (`scan.rs`). A panic in a handler is caught and
//! logged; the server lives on.

mod config;
mod convert;
mod direct;
pub mod document;
mod features;
mod folder;
mod history;
mod json_text;
mod known;
mod large_text;
mod link;
mod offers;
mod outbox;
mod publish;
mod pull;
mod run;
mod scan;
mod transport;
mod trim;
mod unopened;
mod workspace;

use crate::position::Encoding;
use config::{ClientSettings, ConfigCache};
use convert::offsets;
use document::DocState;
pub use run::{run, service};
use serde_json::Value;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::*;
use tower_lsp::{Client, LanguageServer};

struct State {
    docs: HashMap<Url, DocState>,
    enc: Encoding,
    config: ConfigCache,
    roots: Vec<PathBuf>,
    index: HashMap<PathBuf, workspace::FileIndex>,
    pull_config: bool,
    watch_config: bool,
    /// The declared projects every open 自评表 is checked against; `None` after a 申报表
    /// changed, until rebuilt (see `link::refresh`).
    decls: Option<Arc<crate::check::declaration::Declarations>>,
    scan: scan::Scan,
    /// What the files on disk were last held against (`unopened.rs`).
    links: unopened::Links,
    /// Whether the client pulls diagnostics (not to be confused with `pull_config`).
    diag_pull: pull::DiagnosticPull,
}

impl State {
    /// A server's state before `initialize`, with these workspace folders.
    fn new(roots: Vec<PathBuf>) -> State {
        State {
            docs: HashMap::new(),
            enc: Encoding::Utf16,
            config: ConfigCache::default(),
            roots,
            index: HashMap::new(),
            pull_config: false,
            watch_config: false,
            decls: None,
            scan: Default::default(),
            links: Default::default(),
            diag_pull: Default::default(),
        }
    }
}

/// The server; build one with [`service`].
pub struct Backend {
    client: Client,
    state: Arc<Mutex<State>>,
    shut_down: Arc<std::sync::atomic::AtomicBool>,
    /// publishDiagnostics frames, written without tower-lsp's client (see `publish.rs`).
    out: publish::Outbox,
}

/// `publishDiagnostics` frames to send after the state lock is released, by document.
type Publish = Vec<(Url, Vec<u8>)>;

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

    fn publish(&self, batch: Publish) {
        let st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        pull::deliver(&st, &self.out, batch);
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
            // The files' problems on disk were found with the old settings.
            st.scan.forget();
            let mut problems = Vec::new();
            let mut batch = Vec::new();
            let uris: Vec<Url> = st.docs.keys().cloned().collect();
            for uri in uris {
                let (s, p) = st.config.settings_for(uri.to_file_path().ok().as_deref());
                problems.extend(p);
                let enc = st.enc;
                let doc = st.docs.get_mut(&uri).unwrap();
                doc.set_settings(s);
                batch.push((uri.clone(), doc.publish_frame(&uri, enc)));
            }
            problems.sort();
            problems.dedup();
            (batch, problems)
        });
        if let Some((batch, problems)) = result {
            self.warn_user(problems);
            self.publish(batch);
        }
        scan::rescan(self.state.clone(), self.shut_down.clone(), self.out.clone());
    }
}

/// [`unopened::edited`] for the document at `uri`.
fn edited_keys(st: &mut State, uri: &Url) -> Vec<unopened::Key> {
    match uri.to_file_path() {
        Ok(path) => unopened::edited(st, &path),
        Err(_) => Vec::new(),
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
        let diag_pull = pull::DiagnosticPull::new(&params.capabilities);
        let diagnostic_provider = diag_pull.capability();
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
            st.diag_pull = diag_pull;
        });
        tracing::info!(
            "initialize: position encoding {}, diagnostics {}",
            if utf8 { "utf-8" } else { "utf-16" },
            if diagnostic_provider.is_some() {
                "pulled"
            } else {
                "pushed"
            }
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
                definition_provider: Some(OneOf::Left(true)),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                inlay_hint_provider: Some(OneOf::Left(true)),
                diagnostic_provider,
                semantic_tokens_provider: Some(
                    SemanticTokensServerCapabilities::SemanticTokensOptions(
                        SemanticTokensOptions {
                            legend: features::legend(),
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
        let Some((pull, watch)) = self.with_state("initialized", |st| {
            st.diag_pull
                .start(self.client.clone(), self.shut_down.clone());
            (st.pull_config, st.watch_config)
        }) else {
            return;
        };
        scan::rescan(self.state.clone(), self.shut_down.clone(), self.out.clone());
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
        let mut doc = params.text_document;
        if doc.text.is_empty() {
            if let Some(text) = large_text::claim(&doc.uri, doc.version) {
                doc.text = text;
            }
        }
        let text = std::mem::take(&mut doc.text);
        let result = self.with_state("didOpen", |st| {
            let (settings, problems) = st
                .config
                .settings_for(doc.uri.to_file_path().ok().as_deref());
            // The text goes into the rope and is dropped before the projects are read.
            let d = DocState::from_string(text, doc.version, settings);
            // The snapshot holds the years the open forms need: a new one may need another.
            st.decls = None;
            st.docs.insert(doc.uri.clone(), d);
            if let Ok(path) = doc.uri.to_file_path() {
                offers::opened(st, &path);
            }
            let others = link::refresh(st, Some(&doc.uri));
            let enc = st.enc;
            let mut out = Vec::new();
            // A client that pulls asks for an opened document's diagnostics itself.
            if !st.diag_pull.enabled {
                let d = st.docs.get_mut(&doc.uri).unwrap();
                out.push((doc.uri.clone(), d.publish_frame(&doc.uri, enc)));
            }
            out.extend(others);
            let keys = edited_keys(st, &doc.uri);
            (out, problems, keys)
        });
        if let Some((out, problems, keys)) = result {
            self.warn_user(problems);
            self.publish(out);
            self.follow_edit(&doc.uri, keys);
        }
        trim::release_freed();
        self.refresh_without_watchers(&doc.uri).await;
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
            let was = (doc.is_self_eval(), doc.header.year());
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
            // A 申报表 (or what may have been one) changed, or the year of a 自评表: the snapshot
            // of declared projects is redone, and the 自评表 held against it follow (this one's
            // frame first).
            // A 自评表 also holds the actuals of the 申报表 of the year after, when one is open.
            let next_year = was.1.map(|y| y + 1);
            let has_next = was.0
                && next_year.is_some()
                && st
                    .docs
                    .values()
                    .any(|d| !d.is_self_eval() && d.header.year() == next_year);
            let doc = st.docs.get_mut(&uri)?;
            let others = if !was.0 || has_next || was != (doc.is_self_eval(), doc.header.year()) {
                st.decls = None;
                link::refresh(st, Some(&uri))
            } else {
                Vec::new()
            };
            let mut out = Vec::new();
            if !st.diag_pull.enabled {
                let doc = st.docs.get_mut(&uri)?;
                out.push((uri.clone(), doc.publish_frame(&uri, enc)));
            }
            out.extend(others);
            Some((out, edited_keys(st, &uri)))
        });
        if let Some(Some((out, keys))) = result {
            self.publish(out);
            self.follow_edit(&uri, keys);
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        self.refresh_without_watchers(&params.text_document.uri)
            .await;
        self.reindex(params.text_document.uri);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let others = self.with_state("didClose", |st| {
            if st.docs.remove(&uri).is_some_and(|d| !d.is_self_eval()) {
                st.decls = None;
            }
            // Back to the file on disk: what the files held against it see may change.
            let keys = match uri.to_file_path() {
                Ok(path) => unopened::changed_keys(st, &path),
                Err(_) => Vec::new(),
            };
            (link::refresh(st, None), keys, st.diag_pull.enabled)
        });
        let (others, keys, pulling) = others.unwrap_or_default();
        // A client that pulls asks for a closed document's diagnostics itself.
        if !pulling {
            let empty = publish::frame(&uri, None, std::iter::empty());
            self.publish(vec![(uri.clone(), empty)]);
        }
        self.publish(others);
        self.follow_edit(&uri, keys);
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
        Ok(self
            .with_state("hover", |st| features::hover(st, params))
            .flatten())
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        Ok(self
            .with_state("definition", |st| link::definition(st, params))
            .flatten())
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        Ok(self
            .with_state("completion", |st| features::completion(st, params))
            .flatten())
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let edits = self
            .with_state("formatting", |st| features::formatting(st, params))
            .flatten();
        trim::release_freed();
        Ok(edits)
    }

    async fn range_formatting(
        &self,
        params: DocumentRangeFormattingParams,
    ) -> Result<Option<Vec<TextEdit>>> {
        Ok(self
            .with_state("rangeFormatting", |st| {
                features::range_formatting(st, params)
            })
            .flatten())
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        Ok(self
            .with_state("codeAction", |st| features::code_action(st, params))
            .flatten())
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        Ok(self
            .with_state("documentSymbol", |st| features::document_symbol(st, params))
            .flatten())
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        Ok(self
            .with_state("foldingRange", |st| features::folding_range(st, params))
            .flatten())
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        Ok(self
            .with_state("semanticTokens", |st| {
                features::semantic_tokens_full(st, params)
            })
            .flatten())
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        Ok(self
            .with_state("semanticTokensRange", |st| {
                features::semantic_tokens_range(st, params)
            })
            .flatten())
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        Ok(self
            .with_state("inlayHint", |st| features::inlay_hint(st, params))
            .flatten())
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<Vec<SymbolInformation>>> {
        Ok(self.with_state("workspaceSymbol", |st| features::symbol(st, params)))
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        self.with_state("diagnostic", |st| pull::document(st, params))
            .ok_or_else(tower_lsp::jsonrpc::Error::internal_error)
    }

    async fn workspace_diagnostic(
        &self,
        params: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        self.with_state("workspaceDiagnostic", |st| pull::workspace(st, params))
            .ok_or_else(tower_lsp::jsonrpc::Error::internal_error)
    }
}

/// `jixiao/ruleDoc {rule}` → `{markdown}` (null for an unknown rule): the explanation a
/// diagnostic's code links to, for an editor to show offline.
pub const RULE_DOC: &str = "jixiao/ruleDoc";

impl Backend {
    async fn rule_doc(&self, params: Value) -> Result<Value> {
        let id = params.get("rule").and_then(Value::as_str).unwrap_or("");
        Ok(crate::ide::rule_doc(id)
            .map(|md| serde_json::json!({ "markdown": md }))
            .unwrap_or(Value::Null))
    }

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
            out: self.out.clone(),
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

    /// Without file watchers, opening or saving a document is the only sign that files changed
    /// on disk: re-read the settings if a `jixiao.toml` changed, and rescan the workspace.
    async fn refresh_without_watchers(&self, uri: &Url) {
        let changed = self.with_state("refresh", |st| {
            (!st.watch_config).then(|| scan::configs_changed(st))
        });
        let Some(Some(changed)) = changed else { return };
        if changed || uri.path().ends_with("/jixiao.toml") {
            self.reconfigure().await;
        }
        scan::rescan(self.state.clone(), self.shut_down.clone(), self.out.clone());
    }

    /// Re-indexes one file from disk for the workspace index, after the current message; the
    /// files on disk held against it follow.
    fn reindex(&self, uri: Url) {
        let Ok(path) = uri.to_file_path() else { return };
        if path.extension().is_none_or(|x| x != "jixiao") {
            return;
        }
        let state = self.state.clone();
        let outbox = self.out.clone();
        tokio::spawn(async move {
            let context = {
                let st = state.lock().unwrap_or_else(|e| e.into_inner());
                st.index.get(&path).is_some_and(|i| i.context)
            };
            // A document just closed falls back to its problems on disk.
            let o = unopened::recheck(&state, &path, context, true, &outbox);
            unopened::follow(&state, Vec::new(), o.keys, &outbox).await;
            if o.declared {
                let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
                unopened::refresh_open(&mut st, &outbox);
            }
        });
    }

    /// The files on disk held against the open document `uri` follow its edit, after the
    /// current message (only when what they are checked against changed).
    fn follow_edit(&self, uri: &Url, keys: Vec<unopened::Key>) {
        if keys.is_empty() || uri.to_file_path().is_err() {
            return;
        }
        let state = self.state.clone();
        let outbox = self.out.clone();
        tokio::spawn(async move {
            unopened::follow(&state, Vec::new(), keys, &outbox).await;
        });
    }
}

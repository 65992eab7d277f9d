//! Pull diagnostics (LSP 3.17): for a client that announces `textDocument.diagnostic`, the
//! server answers `textDocument/diagnostic` and `workspace/diagnostic` instead of pushing
//! `publishDiagnostics`; every other client keeps the push model unchanged.
//!
//! The reports come from the same places as the pushed notifications: an open document's live
//! state, and for a file that is not open the diagnostics kept in its index entry (`folder.rs`).
//! A report's `resultId` is a fingerprint of its diagnostics as sent, so `unchanged` is exact
//! whatever made them change (an edit, a 申报表 on disk, the settings) without any bookkeeping.
//!
//! What the client cannot see — a file re-read from disk, a reconfiguration, the 申报表 of an
//! open 自评表 edited, the background scan done — is announced with
//! `workspace/diagnostic/refresh` when the client supports it, one request at a time: changes
//! made while one is outstanding are covered by a single next one.

use super::publish::{diagnostics_json, diagnostics_of_frame, Outbox};
use super::{Publish, State};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;
use tower_lsp::lsp_types::*;
use tower_lsp::Client;

/// Named in the capability and in the client's requests.
const IDENTIFIER: &str = "jixiao";

/// How this session's client gets its diagnostics.
#[derive(Default)]
pub struct DiagnosticPull {
    /// The client pulls: nothing is pushed.
    pub enabled: bool,
    /// Wakes the task that sends `workspace/diagnostic/refresh`; `None` when the client
    /// cannot take one.
    refresh: Option<Arc<Notify>>,
}

impl DiagnosticPull {
    /// From the client's capabilities. `workspace.diagnostics` is read under lsp-types'
    /// name `workspace.diagnostic` (the transport renames it, see `run.rs`).
    ///
    /// Pull needs both `textDocument.diagnostic` and `workspace.diagnostics.refreshSupport`:
    /// the server learns of changes the client cannot see (a file on disk, the 申报表 of an
    /// open 自评表), and a client that cannot be told to pull again would show stale problems.
    /// Such clients (Neovim 0.10 pulls open buffers only) keep the push model, and with it the
    /// problems of the files that are not open.
    pub fn new(caps: &ClientCapabilities) -> DiagnosticPull {
        let document = caps
            .text_document
            .as_ref()
            .is_some_and(|t| t.diagnostic.is_some());
        let refresh = caps
            .workspace
            .as_ref()
            .and_then(|w| w.diagnostic.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false);
        let enabled = document && refresh;
        DiagnosticPull {
            enabled,
            refresh: enabled.then(Arc::default),
        }
    }

    /// The server capability, when the client pulls.
    pub fn capability(&self) -> Option<DiagnosticServerCapabilities> {
        self.enabled.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some(IDENTIFIER.into()),
                // A 自评表's findings depend on its 申报表, a 申报表's on last year's forms.
                inter_file_dependencies: true,
                workspace_diagnostics: true,
                work_done_progress_options: Default::default(),
            })
        })
    }

    /// Diagnostics changed in a way the client cannot know about: ask it to pull again.
    pub fn changed(&self) {
        if let Some(n) = &self.refresh {
            n.notify_one();
        }
    }

    /// Starts the task that sends the refresh requests, until shutdown.
    pub fn start(&self, client: Client, shut_down: Arc<AtomicBool>) {
        let Some(wake) = self.refresh.clone() else {
            return;
        };
        tokio::spawn(async move {
            loop {
                // A permit stored while the last request was outstanding makes exactly one more.
                wake.notified().await;
                if shut_down.load(Ordering::SeqCst) {
                    return;
                }
                if let Err(e) = client.workspace_diagnostic_refresh().await {
                    tracing::warn!("workspace/diagnostic/refresh failed: {e}");
                }
            }
        });
    }
}

/// Sends `publishDiagnostics` frames to a push client; for a pull client, drops them and asks
/// it to pull again (the frames are of documents whose diagnostics changed).
pub fn deliver(st: &State, out: &Outbox, batch: Publish) {
    if st.diag_pull.enabled {
        if !batch.is_empty() {
            st.diag_pull.changed();
        }
        return;
    }
    for (uri, frame) in batch {
        // Fails only when the output is gone, i.e. the session is ending.
        let _ = out.send_diagnostics(uri.as_str(), frame);
    }
}

/// The fingerprint of a diagnostics array as sent: equal diagnostics, equal ids, whether they
/// come from an open document or from the index.
fn result_id(json: &[u8]) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    json.hash(&mut h);
    format!("{:016x}", h.finish())
}

/// One file's report: its version when open, and either its diagnostics or `None` when the
/// client's `previous` id still holds.
struct Report {
    version: Option<i64>,
    result_id: String,
    items: Option<Vec<Diagnostic>>,
}

fn report(st: &mut State, uri: &Url, path: Option<&PathBuf>, previous: Option<&str>) -> Report {
    let enc = st.enc;
    if let Some(doc) = st.docs.get_mut(uri) {
        // The notification a push client would get, from the per-project caches of the
        // typing path: only projects changed since the last report are converted.
        let frame = doc.publish_frame(uri, enc);
        return Report::of(
            Some(i64::from(doc.version)),
            diagnostics_of_frame(&frame),
            previous,
        );
    }
    let from_uri = path.is_none().then(|| uri.to_file_path().ok()).flatten();
    let kept = path
        .or(from_uri.as_ref())
        .and_then(|p| st.index.get(p))
        .map_or(&[][..], |ix| &ix.diagnostics[..]);
    Report::of(None, &diagnostics_json(kept), previous)
}

impl Report {
    fn of(version: Option<i64>, json: &[u8], previous: Option<&str>) -> Report {
        let result_id = result_id(json);
        let fresh = previous != Some(result_id.as_str());
        Report {
            version,
            result_id,
            // Written by lsp-types' own serialisation (`Prepared::new`): it reads back.
            items: fresh.then(|| serde_json::from_slice(json).unwrap_or_default()),
        }
    }
}

/// `textDocument/diagnostic`: an open document from its live state, another file from the
/// index (the client asks once more when it closes a document); a file the server does not
/// know has no problems to report.
pub fn document(
    st: &mut State,
    params: DocumentDiagnosticParams,
) -> DocumentDiagnosticReportResult {
    let uri = params.text_document.uri;
    let r = report(st, &uri, None, params.previous_result_id.as_deref());
    let report = match r.items {
        Some(items) => DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: Some(r.result_id),
                items,
            },
        }),
        None => DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
            related_documents: None,
            unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                result_id: r.result_id,
            },
        }),
    };
    DocumentDiagnosticReportResult::Report(report)
}

/// `workspace/diagnostic`: every indexed file and every open document, in path order.
pub fn workspace(
    st: &mut State,
    params: WorkspaceDiagnosticParams,
) -> WorkspaceDiagnosticReportResult {
    let previous: HashMap<Url, String> = params
        .previous_result_ids
        .into_iter()
        .map(|p| (p.uri, p.value))
        .collect();
    let mut files: Vec<(Url, Option<PathBuf>)> = st
        .index
        .keys()
        .filter_map(|p| Some((Url::from_file_path(p).ok()?, Some(p.clone()))))
        .collect();
    let indexed: std::collections::HashSet<Url> = files.iter().map(|f| f.0.clone()).collect();
    files.extend(
        st.docs
            .keys()
            .filter(|u| !indexed.contains(*u))
            .map(|u| (u.clone(), None)),
    );
    files.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
    let items = files
        .into_iter()
        .map(|(uri, path)| {
            let r = report(
                st,
                &uri,
                path.as_ref(),
                previous.get(&uri).map(String::as_str),
            );
            match r.items {
                Some(items) => {
                    WorkspaceDocumentDiagnosticReport::Full(WorkspaceFullDocumentDiagnosticReport {
                        uri,
                        version: r.version,
                        full_document_diagnostic_report: FullDocumentDiagnosticReport {
                            result_id: Some(r.result_id),
                            items,
                        },
                    })
                }
                None => WorkspaceDocumentDiagnosticReport::Unchanged(
                    WorkspaceUnchangedDocumentDiagnosticReport {
                        uri,
                        version: r.version,
                        unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                            result_id: r.result_id,
                        },
                    },
                ),
            }
        })
        .collect::<Vec<_>>();
    let unchanged = items
        .iter()
        .filter(|i| matches!(i, WorkspaceDocumentDiagnosticReport::Unchanged(_)))
        .count();
    tracing::debug!(
        "workspace/diagnostic: {} files, {unchanged} unchanged",
        items.len()
    );
    WorkspaceDiagnosticReportResult::Report(WorkspaceDiagnosticReport { items })
}

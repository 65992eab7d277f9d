//! The whole folder's problems: diagnostics for the workspace files that are not open, so the
//! client's problem list shows everything wrong in the folder, not only the open documents.
//!
//! Each file is checked by the same checks as an open document, one project at a time
//! ([`crate::analysis::check_text`]), when the background scan reads it, and held against the
//! forms it pairs with (`unopened.rs`); only the converted diagnostics are kept in its index
//! entry (not the tree or model), so the memory grows with the problems, not with the folder. They are published (push model) when the file
//! is (re)read or a partner changes and it is not open; cleared when the file disappears; when
//! a document is opened its live diagnostics take over, and when it is closed the on-disk ones
//! come back (the close re-indexes it). Files found only under a jixiao.toml's `roots` are
//! context: indexed, never checked or published.

use super::offers::{self, Wants};
use super::publish::frame;
use super::workspace::{index_document, index_text, FileIndex};
use super::State;
use crate::analysis::{analyze, check_text};
use crate::check::{Diagnostic, Settings};
use crate::model::Document;
use crate::position::Encoding;
use std::path::Path;
use std::sync::Arc;
use tower_lsp::lsp_types::Url;

/// The settings and position encoding an open document at `path` would have (the client's
/// rule settings included), so a file's problems do not change when it is opened.
pub fn settings(st: &mut State, path: &Path) -> (Arc<Settings>, Encoding) {
    (st.config.settings_for(Some(path)).0, st.enc)
}

/// A file read from disk: its index entry and, unless it is context or open, its own
/// diagnostics; the cross-file ones follow when it has partners (`unopened::finish`), with its
/// model (and its projects' offsets) when it was built for them.
pub struct Checked {
    pub ix: FileIndex,
    pub diagnostics: Option<Vec<Diagnostic>>,
    pub model: Option<(Document, Vec<usize>)>,
    pub text: String,
    pub settings: Arc<Settings>,
    pub enc: Encoding,
}

/// Indexes and checks the text of `path`. Without partners (most files), one project at a
/// time (`analysis::check_text`): a whole model of a large file would briefly cost ten times
/// its size; with partners, the whole model, needed for the cross-file checks anyway. An open
/// document is only indexed: its problems are the document's, and closing it reads it again.
pub fn check_file(
    path: &Path,
    text: String,
    (settings, enc): (Arc<Settings>, Encoding),
    context: bool,
    open: bool,
    wants: &Wants,
) -> Checked {
    let source: Arc<Path> = Arc::from(path);
    // An open document's summaries are the document's.
    let small = text.len() <= offers::SMALL && !open;
    let keep = |k: &_, kind| small || wants.wants(k, kind);
    let checked = !context && !open;
    let (mut ix, diagnostics, model) = if checked && wants.partnered {
        let a = analyze(&text, &settings);
        let starts = a.project_starts();
        let ix = index_document(&text, &a.doc, &starts, &source, keep);
        (ix, Some(a.diagnostics), Some((a.doc, starts)))
    } else {
        let ix = index_text(&text, &settings, &source, keep);
        (ix, checked.then(|| check_text(&text, &settings)), None)
    };
    ix.context = context;
    if context {
        // Never checked, so never held against anything.
        ix.links = Vec::new();
    }
    Checked {
        ix,
        diagnostics,
        model,
        text,
        settings,
        enc,
    }
}

pub fn is_open(st: &State, path: &Path) -> bool {
    st.docs
        .keys()
        .any(|u| u.to_file_path().is_ok_and(|p| p == path))
}

/// The notification of `path`'s on-disk diagnostics, unless it is open (its live diagnostics
/// are the client's then), context or not indexed.
pub fn on_disk_frame(st: &State, path: &Path) -> Option<Vec<u8>> {
    if is_open(st, path) {
        return None;
    }
    let ix = st.index.get(path).filter(|ix| !ix.context)?;
    let uri = Url::from_file_path(path).ok()?;
    Some(frame(&uri, None, ix.diagnostics.iter().map(|p| (p, 0))))
}

/// The notification that clears a file that is gone, unless it is open.
pub fn cleared_frame(st: &State, path: &Path) -> Option<Vec<u8>> {
    if is_open(st, path) {
        return None;
    }
    let uri = Url::from_file_path(path).ok()?;
    Some(frame(&uri, None, std::iter::empty()))
}

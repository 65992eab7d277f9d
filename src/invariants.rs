//! The invariants the fuzz targets assert (and their regression replay in
//! `tests/fuzz_regressions.rs`): for any text, the tree covers every byte, formatting is
//! idempotent and keeps the model; for any edit sequence, the server's document equals a
//! full analysis of the same text.

use crate::analysis::{analyze, format_text};
use crate::check::Settings;
use crate::export::to_json;
use crate::lsp::document::DocState;
use crate::position::Encoding;
use crate::syntax::parse;
use std::sync::Arc;

/// The model as exported, less the as-written text of quantitative values (which the
/// formatter canonicalises on purpose).
fn meaning(text: &str, s: &Settings) -> serde_json::Value {
    let mut v = to_json(&analyze(text, s).doc, s);
    for p in v["projects"].as_array_mut().into_iter().flatten() {
        for i in p["indicators"].as_array_mut().into_iter().flatten() {
            if i["kind"] == "quantitative" && !i["op"].is_null() {
                i.as_object_mut().unwrap().remove("text");
            }
        }
    }
    v
}

/// Parsing covers every byte; formatting is idempotent and does not change the meaning.
pub fn check_text(text: &str) -> Result<(), String> {
    let tree = parse(text);
    if tree.len() != text.len() {
        return Err(format!(
            "tree covers {} of {} bytes",
            tree.len(),
            text.len()
        ));
    }
    let s = Settings::default();
    let once = format_text(text, &s);
    let twice = format_text(&once, &s);
    if once != twice {
        return Err(format!(
            "formatting is not idempotent:\n{once:?}\n{twice:?}"
        ));
    }
    if meaning(text, &s) != meaning(&once, &s) {
        return Err("formatting changed the meaning".into());
    }
    Ok(())
}

/// Applies byte-range edits (clamped, snapped to characters) to the server's document and
/// compares it with a full analysis of the resulting text.
pub fn check_edits(text: &str, edits: &[(usize, usize, String)]) -> Result<(), String> {
    let settings = Arc::new(Settings::default());
    let mut doc = DocState::new(text, 1, settings.clone());
    let mut reference = text.to_string();
    let uri = tower_lsp::lsp_types::Url::parse("file:///check.jixiao").expect("a valid URL");
    for (a, b, ins) in edits {
        let snap = |mut i: usize| {
            i = i.min(reference.len());
            while !reference.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let (a, b) = (snap(*a.min(b)), snap(*a.max(b)));
        doc.edit(a..b, ins);
        reference.replace_range(a..b, ins);
        // As the server does after every edit: fills the per-project conversion cache.
        let _ = doc.publish_frame(&uri, Encoding::Utf16);
    }
    if doc.rope != reference.as_str() {
        return Err("document text differs".into());
    }
    let full = analyze(&reference, &settings);
    if doc.full_tree() != full.tree {
        return Err("incremental tree differs from a full parse".into());
    }
    let key = |d: &crate::check::Diagnostic| (d.span.start, d.span.end, d.rule, d.message.clone());
    let mut mine = doc.diagnostics();
    mine.sort_by_key(key);
    let mut theirs = full.diagnostics;
    theirs.sort_by_key(key);
    if mine != theirs {
        return Err("incremental diagnostics differ from a full analysis".into());
    }
    // The diagnostics of a publishDiagnostics frame, in a fixed order.
    let sent = |frame: Vec<u8>| -> Vec<String> {
        let at = frame
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(0, |i| i + 4);
        let json: serde_json::Value = serde_json::from_slice(&frame[at..]).unwrap_or_default();
        let mut v: Vec<String> = json["params"]["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| d.to_string())
            .collect();
        v.sort();
        v
    };
    let fresh = DocState::new(&reference, 1, settings).publish_frame(&uri, Encoding::Utf16);
    if sent(doc.publish_frame(&uri, Encoding::Utf16)) != sent(fresh) {
        return Err("diagnostics sent after edits differ from those of a fresh document".into());
    }
    Ok(())
}

/// Decodes fuzzer bytes into an edit script over `base`: each edit is 2+2 bytes of position,
/// 1 byte of length, then that many bytes of inserted text (lossy UTF-8).
pub fn edits_from_bytes(data: &[u8]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 5 <= data.len() && out.len() < 32 {
        let a = u16::from_le_bytes([data[i], data[i + 1]]) as usize * 7;
        let b = a + u16::from_le_bytes([data[i + 2], data[i + 3]]) as usize % 300;
        let n = data[i + 4] as usize % 48;
        i += 5;
        let end = (i + n).min(data.len());
        out.push((a, b, String::from_utf8_lossy(&data[i..end]).into_owned()));
        i = end;
    }
    out
}

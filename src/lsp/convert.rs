//! Byte offsets ↔ LSP positions for a document, and core results → LSP types.

use crate::check::{Diagnostic, Severity};
use crate::position::{rope, Encoding};
use ropey::Rope;
use std::ops::Range;
use tower_lsp::lsp_types as lsp;

pub fn position(r: &Rope, offset: usize, enc: Encoding) -> lsp::Position {
    let (l, c) = rope::position(r, offset, enc);
    lsp::Position::new(l as u32, c as u32)
}

pub fn offset(r: &Rope, p: lsp::Position, enc: Encoding) -> usize {
    rope::offset(r, p.line as usize, p.character as usize, enc)
}

pub fn range(r: &Rope, span: Range<usize>, enc: Encoding) -> lsp::Range {
    lsp::Range::new(position(r, span.start, enc), position(r, span.end, enc))
}

pub fn offsets(r: &Rope, range: lsp::Range, enc: Encoding) -> Range<usize> {
    let (a, b) = (offset(r, range.start, enc), offset(r, range.end, enc));
    a.min(b)..a.max(b)
}

pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    }
}

pub fn diagnostic(r: &Rope, d: &Diagnostic, enc: Encoding) -> lsp::Diagnostic {
    diagnostic_at(range(r, d.span.range(), enc), d)
}

/// [`diagnostic`] of each of `diags`, sorted by start, over the text itself (a file on disk:
/// no rope of a large file is built for its few problems).
pub fn diagnostics_in(text: &str, diags: &[Diagnostic], enc: Encoding) -> Vec<lsp::Diagnostic> {
    let mut offsets: Vec<usize> = diags
        .iter()
        .flat_map(|d| [d.span.start as usize, d.span.end as usize])
        .collect();
    offsets.sort_unstable();
    offsets.dedup();
    let at = crate::position::walk::positions(text, &offsets, enc);
    let pos = |o: u32| {
        let (l, c) = at[offsets.binary_search(&(o as usize)).unwrap_or_default()];
        lsp::Position::new(l as u32, c as u32)
    };
    diags
        .iter()
        .map(|d| diagnostic_at(lsp::Range::new(pos(d.span.start), pos(d.span.end)), d))
        .collect()
}

fn diagnostic_at(range: lsp::Range, d: &Diagnostic) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range,
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.rule.to_string())),
        source: Some("jixiao".into()),
        message: d.message.clone(),
        ..Default::default()
    }
}

/// The edits that turn `old` into `new`: one replacement of the differing middle, by lines.
#[cfg(test)]
pub fn minimal_edit(r: &Rope, old: &str, new: &str, enc: Encoding) -> Vec<lsp::TextEdit> {
    debug_assert!(*r == old);
    minimal_edit_from(r, 0, new, enc)
}

/// [`minimal_edit`] of the document's text from byte `base` (a line start) on to `new`,
/// compared in the rope: the old text is not copied out.
pub fn minimal_edit_from(r: &Rope, base: usize, new: &str, enc: Encoding) -> Vec<lsp::TextEdit> {
    let len = r.len_bytes();
    let old_len = len - base;
    let prefix = r
        .bytes_at(base)
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    if prefix == old_len && prefix == new.len() {
        return Vec::new();
    }
    // Back to the start of its line.
    let mut back = r.bytes_at(base + prefix).reversed();
    let mut prefix = prefix;
    while prefix > 0 && back.next() != Some(b'\n') {
        prefix -= 1;
    }
    let max_suffix = (old_len - prefix).min(new.len() - prefix);
    let mut suffix = r
        .bytes_at(len)
        .reversed()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    // Never cut inside a character, nor between the `\r` and `\n` of a line break: LSP has no
    // position there, so the client would clamp the edit to the line's end and apply a no-op.
    let bad_old = |at: usize| {
        (at < len && r.byte(at) & 0xC0 == 0x80)
            || (at > 0 && at < len && r.byte(at - 1) == b'\r' && r.byte(at) == b'\n')
    };
    let bad_new = |at: usize| {
        !new.is_char_boundary(at)
            || (at > 0 && new.as_bytes()[at - 1] == b'\r' && new.as_bytes()[at] == b'\n')
    };
    while suffix > 0 && (bad_old(len - suffix) || bad_new(new.len() - suffix)) {
        suffix -= 1;
    }
    vec![lsp::TextEdit {
        range: range(r, base + prefix..len - suffix, enc),
        new_text: new[prefix..new.len() - suffix].to_string(),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `old` with `minimal_edit`'s edits applied as a client would, through LSP positions.
    fn applied(old: &str, new: &str) -> String {
        let rope = Rope::from_str(old);
        let mut out = rope.clone();
        for e in minimal_edit(&rope, old, new, Encoding::Utf16)
            .into_iter()
            .rev()
        {
            let span = offsets(&rope, e.range, Encoding::Utf16);
            let (s, t) = (out.byte_to_char(span.start), out.byte_to_char(span.end));
            out.remove(s..t);
            out.insert(s, &e.new_text);
        }
        out.to_string()
    }

    #[test]
    fn edits_never_cut_a_crlf() {
        for (old, new) in [
            ("a\r\nb\n", "a\nb\n"),
            ("项目: 甲 \r\n  x\r\r\n", "项目: 甲\r\n  x\r\n"),
            ("a\r\n", "\n"),
            ("\r\n", "b\r\n"),
            ("😀 \r\n\r", "😀\r\n\r"),
        ] {
            assert_eq!(applied(old, new), new, "{old:?} → {new:?}");
        }
    }
}

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
    lsp::Diagnostic {
        range: range(r, d.span.range(), enc),
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
    minimal_edit_from(r, 0, old, new, enc)
}

/// [`minimal_edit`] of the document's text from byte `base` on (`old`, a line start) to `new`.
pub fn minimal_edit_from(
    r: &Rope,
    base: usize,
    old: &str,
    new: &str,
    enc: Encoding,
) -> Vec<lsp::TextEdit> {
    if old == new {
        return Vec::new();
    }
    let prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let prefix = old[..prefix].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let max_suffix = (old.len() - prefix).min(new.len() - prefix);
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    // Never cut inside a character, nor between the `\r` and `\n` of a line break: LSP has no
    // position there, so the client would clamp the edit to the line's end and apply a no-op.
    let bad_cut = |s: &str, at: usize| {
        !s.is_char_boundary(at)
            || (at > 0 && s.as_bytes()[at - 1] == b'\r' && s.as_bytes()[at] == b'\n')
    };
    while suffix > 0 && (bad_cut(old, old.len() - suffix) || bad_cut(new, new.len() - suffix)) {
        suffix -= 1;
    }
    vec![lsp::TextEdit {
        range: range(r, base + prefix..base + old.len() - suffix, enc),
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

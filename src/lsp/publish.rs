//! `textDocument/publishDiagnostics`, written straight to its JSON frame.
//!
//! tower-lsp's `Client::publish_diagnostics` first builds a `serde_json::Value` tree of the
//! whole notification, then encodes that tree. LSP makes every notification carry all of a
//! document's diagnostics, so on a large file with many of them that was most of a keystroke's
//! cost, and it grew with the file. Here each diagnostic is serialised once, when its project
//! changes ([`Prepared`]); a notification only writes line numbers and copies bytes.
//!
//! The frames go to an [`Outbox`]: over stdio, the same queue as tower-lsp's own output
//! (see `run.rs`), so no frame is ever interleaved with another; a document's unsent frame is
//! replaced by its next one (`outbox.rs`).

use std::io::Write;
use tower_lsp::lsp_types as lsp;

pub use super::outbox::Outbox;

const METHOD: &str = "textDocument/publishDiagnostics";

/// One diagnostic ready to be written: its JSON object, cut where its two line numbers go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    start_line: u32,
    end_line: u32,
    /// `,"character":…},"end":{"line":`
    middle: Box<str>,
    /// `,"character":…}}` and the rest of the object: `,"code":…}`.
    tail: Box<str>,
}

impl Prepared {
    pub fn new(d: &lsp::Diagnostic) -> Prepared {
        // Serialised by lsp-types itself, so the fields are exactly those it would send.
        let mut value = serde_json::to_value(d).unwrap_or_default();
        if let Some(map) = value.as_object_mut() {
            map.remove("range");
        }
        let rest = value.to_string();
        let rest = match rest.strip_prefix("{}") {
            Some(_) => "}".to_string(),
            None => format!(",{}", &rest[1..]),
        };
        let (s, e) = (d.range.start, d.range.end);
        Prepared {
            start_line: s.line,
            end_line: e.line,
            middle: format!(r#","character":{}}},"end":{{"line":"#, s.character).into(),
            tail: format!(r#","character":{}}}}}{rest}"#, e.character).into(),
        }
    }

    /// The same diagnostic with its lines moved by `delta`.
    pub fn shifted(&self, delta: i64) -> Prepared {
        let mv = |line: u32| (line as i64 + delta) as u32;
        Prepared {
            start_line: mv(self.start_line),
            end_line: mv(self.end_line),
            ..self.clone()
        }
    }

    /// Writes the JSON object, its lines moved down by `line_shift`.
    fn write(&self, out: &mut Vec<u8>, line_shift: u32) {
        out.extend_from_slice(br#"{"range":{"start":{"line":"#);
        write_u32(out, self.start_line + line_shift);
        out.extend_from_slice(self.middle.as_bytes());
        write_u32(out, self.end_line + line_shift);
        out.extend_from_slice(self.tail.as_bytes());
    }

    fn len_hint(&self) -> usize {
        self.middle.len() + self.tail.len() + 48
    }
}

/// Decimal digits of `n`, without going through `fmt` (this runs for every diagnostic of a
/// document on every keystroke).
fn write_u32(out: &mut Vec<u8>, mut n: u32) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// The diagnostics array of a [`frame`], `[…]`: what a pull report of the same document holds.
pub fn diagnostics_of_frame(frame: &[u8]) -> &[u8] {
    // The uri before it is a JSON string, in which a `"` is always escaped; the array is the
    // last one in the body, followed only by the version.
    let start = frame
        .windows(16)
        .position(|w| w == br#","diagnostics":["#)
        .map_or(0, |i| i + 15);
    let end = frame.iter().rposition(|&b| b == b']').map_or(0, |i| i + 1);
    frame.get(start..end).unwrap_or(b"[]")
}

/// The diagnostics array as [`frame`] writes it, for the index's kept diagnostics.
pub fn diagnostics_json(items: &[Prepared]) -> Vec<u8> {
    let mut out = Vec::with_capacity(items.iter().map(|p| p.len_hint() + 1).sum::<usize>() + 2);
    out.push(b'[');
    for (i, p) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        p.write(&mut out, 0);
    }
    out.push(b']');
    out
}

/// The framed notification for `uri`: `items` are diagnostics with the number of lines to move
/// each one down by.
pub fn frame<'a>(
    uri: &lsp::Url,
    version: Option<i32>,
    items: impl Iterator<Item = (&'a Prepared, u32)> + Clone,
) -> Vec<u8> {
    let size: usize = items.clone().map(|(p, _)| p.len_hint() + 1).sum();
    let mut body = Vec::with_capacity(size + uri.as_str().len() + 128);
    body.extend_from_slice(br#"{"jsonrpc":"2.0","method":""#);
    body.extend_from_slice(METHOD.as_bytes());
    body.extend_from_slice(br#"","params":{"uri":"#);
    let _ = serde_json::to_writer(&mut body, uri.as_str());
    body.extend_from_slice(br#","diagnostics":["#);
    for (i, (p, shift)) in items.enumerate() {
        if i > 0 {
            body.push(b',');
        }
        p.write(&mut body, shift);
    }
    body.push(b']');
    if let Some(v) = version {
        let _ = write!(body, r#","version":{v}"#);
    }
    body.extend_from_slice(b"}}");
    super::transport::frame(&body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn diag(line: u32, message: &str, code: Option<&str>) -> lsp::Diagnostic {
        lsp::Diagnostic {
            range: lsp::Range::new(lsp::Position::new(line, 2), lsp::Position::new(line + 1, 0)),
            severity: Some(lsp::DiagnosticSeverity::WARNING),
            code: code.map(|c| lsp::NumberOrString::String(c.into())),
            source: Some("jixiao".into()),
            message: message.into(),
            ..Default::default()
        }
    }

    fn body(frame: &[u8]) -> Value {
        let text = std::str::from_utf8(frame).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert_eq!(head, format!("Content-Length: {}", body.len()));
        serde_json::from_str(body).unwrap()
    }

    /// What tower-lsp would have sent for the same diagnostics.
    fn reference(uri: &lsp::Url, diags: Vec<lsp::Diagnostic>, version: Option<i32>) -> Value {
        let params = lsp::PublishDiagnosticsParams::new(uri.clone(), diags, version);
        json!({"jsonrpc": "2.0", "method": METHOD, "params": params})
    }

    #[test]
    fn same_json_as_lsp_types() {
        let uri = lsp::Url::parse("file:///tmp/%E9%A2%84%E7%AE%97%20a.jixiao").unwrap();
        let diags = vec![
            diag(
                0,
                "合计 ≠ 各项之和：\"引号\" \\ 反斜杠\t制表\u{1}控制",
                Some("funding-sum"),
            ),
            diag(7, "", None),
            lsp::Diagnostic {
                range: lsp::Range::default(),
                message: "只有消息".into(),
                ..Default::default()
            },
        ];
        let prepared: Vec<Prepared> = diags.iter().map(Prepared::new).collect();
        for version in [Some(3), None] {
            let got = body(&frame(&uri, version, prepared.iter().map(|p| (p, 0))));
            assert_eq!(got, reference(&uri, diags.clone(), version));
        }
        let empty = body(&frame(&uri, None, std::iter::empty()));
        assert_eq!(empty, reference(&uri, vec![], None));
    }

    /// A pull report holds the same array as the notification, whatever the uri.
    #[test]
    fn the_diagnostics_array_is_cut_from_the_frame() {
        let uri = lsp::Url::parse("file:///a/%22%2C%22diagnostics%22%3A%5B.jixiao").unwrap();
        let diags = vec![
            diag(3, "合计 \"引号\" ]", Some("funding-sum")),
            diag(9, "", None),
        ];
        let prepared: Vec<Prepared> = diags.iter().map(Prepared::new).collect();
        for version in [Some(3), None] {
            let f = frame(&uri, version, prepared.iter().map(|p| (p, 0)));
            assert_eq!(diagnostics_of_frame(&f), &diagnostics_json(&prepared)[..]);
            let back: Vec<lsp::Diagnostic> =
                serde_json::from_slice(diagnostics_of_frame(&f)).unwrap();
            assert_eq!(back, diags);
        }
        let empty = frame(&uri, Some(1), std::iter::empty());
        assert_eq!(diagnostics_of_frame(&empty), b"[]");
    }

    #[test]
    fn numbers() {
        for n in [0, 7, 10, 99, 100, 4_294_967_295] {
            let mut out = Vec::new();
            write_u32(&mut out, n);
            assert_eq!(String::from_utf8(out).unwrap(), n.to_string());
        }
    }

    #[test]
    fn lines_are_moved() {
        let uri = lsp::Url::parse("file:///a.jixiao").unwrap();
        let d = diag(4, "x", Some("r"));
        let p = Prepared::new(&d).shifted(-4);
        let got = body(&frame(&uri, Some(1), [(&p, 10)].into_iter()));
        let mut moved = d.clone();
        moved.range.start.line = 10;
        moved.range.end.line = 11;
        assert_eq!(got, reference(&uri, vec![moved], Some(1)));
    }
}

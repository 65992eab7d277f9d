//! The text of a large `didOpen`, carried beside tower-lsp instead of through it. tower-lsp
//! reads each message whole into a buffer that keeps the size of the largest message for the
//! rest of the session, then decodes it twice (a JSON value, then the parameters): opening a
//! 4.6 MB file left 8.4 MB reserved for good and three copies of the text in flight. The
//! guard (`transport.rs`) takes the text out of such a message and passes tower-lsp the
//! message with `"text": ""`; `did_open` takes the text back by URI and version.
//!
//! The text is decoded over the message's own buffer, which then becomes the `String` that
//! `did_open` claims: the body read from the client is the only copy of the text there is
//! until the document is built.

use super::json_text;
use serde_json::Value;
use std::collections::VecDeque;
use std::sync::Mutex;
use tower_lsp::lsp_types::Url;

/// Below this, a message costs tower-lsp little and goes through unchanged.
pub const MIN_LEN: usize = 1 << 20;

/// Texts taken out and not yet claimed. Few at a time: one per large didOpen in flight, and
/// one whose message tower-lsp dropped (a didOpen before `initialize`) is pushed out by later
/// ones.
const KEPT: usize = 4;

static TAKEN: Mutex<VecDeque<(Url, i32, String)>> = Mutex::new(VecDeque::new());

/// For a didOpen of at least [`MIN_LEN`] bytes: the message without its text, the text kept
/// for [`claim`]. Any other message comes back as it was.
pub fn divert(body: Vec<u8>) -> Vec<u8> {
    if body.len() < MIN_LEN {
        return body;
    }
    take_text(body).unwrap_or_else(|body| body)
}

fn take_text(mut body: Vec<u8>) -> Result<Vec<u8>, Vec<u8>> {
    let Some(span) = json_text::find_string(&body, &["params", "textDocument", "text"]) else {
        return Err(body);
    };
    if std::str::from_utf8(&body[span.clone()]).is_err() {
        return Err(body);
    }
    let mut small = Vec::with_capacity(body.len() - span.len() + 2);
    small.extend_from_slice(&body[..span.start]);
    small.extend_from_slice(b"\"\"");
    small.extend_from_slice(&body[span.end..]);
    // The scanner is only exact for valid JSON: the rest of the message is checked here, before
    // the body is given up.
    let Some((uri, version)) = opened(&small) else {
        return Err(body);
    };
    let end = json_text::decode(&mut body, span.start + 1..span.end - 1, 0);
    body.truncate(end);
    body.shrink_to_fit();
    // Valid UTF-8 by construction (checked above, escapes decoded to characters).
    let text = String::from_utf8(body)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    let mut taken = TAKEN.lock().unwrap_or_else(|e| e.into_inner());
    if taken.len() == KEPT {
        taken.pop_front();
    }
    taken.push_back((uri, version, text));
    Ok(small)
}

/// The document a didOpen message without its text opens: its URI and version.
fn opened(small: &[u8]) -> Option<(Url, i32)> {
    let msg: Value = serde_json::from_slice(small).ok()?;
    if msg.get("method")?.as_str()? != "textDocument/didOpen" {
        return None;
    }
    let item = msg.pointer("/params/textDocument")?.as_object()?;
    if !item.get("text")?.as_str()?.is_empty() {
        return None;
    }
    let uri = Url::parse(item.get("uri")?.as_str()?).ok()?;
    let version = i32::try_from(item.get("version")?.as_i64()?).ok()?;
    Some((uri, version))
}

/// The text [`divert`] took out of the didOpen of `uri` at `version`, if it did.
pub fn claim(uri: &Url, version: i32) -> Option<String> {
    let mut taken = TAKEN.lock().unwrap_or_else(|e| e.into_inner());
    let i = taken
        .iter()
        .position(|(u, v, _)| u == uri && *v == version)?;
    taken.remove(i).map(|(_, _, text)| text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn did_open(uri: &str, version: i64, text: Value) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": uri, "languageId": "jixiao", "version": version, "text": text}}}))
        .unwrap()
    }

    fn text_left(small: &[u8]) -> Value {
        let small: Value = serde_json::from_slice(small).unwrap();
        small["params"]["textDocument"]["text"].clone()
    }

    #[test]
    fn a_large_did_open_leaves_its_text_behind() {
        // Every escape JSON has, and characters outside the BMP (surrogate pairs).
        let text = "项目: 甲\n\t\"引号\" \\ 😀\r\u{1}\n".repeat(MIN_LEN / 20);
        let uri = "file:///forms/large-text-test.jixiao";
        let small = divert(did_open(uri, 7, text.clone().into()));
        assert_eq!(text_left(&small), "");
        let small: Value = serde_json::from_slice(&small).unwrap();
        assert_eq!(small["params"]["textDocument"]["version"], 7);
        let uri = Url::parse(uri).unwrap();
        assert_eq!(claim(&uri, 6), None);
        assert_eq!(claim(&uri, 7).as_deref(), Some(text.as_str()));
        assert_eq!(claim(&uri, 7), None);
    }

    #[test]
    fn escaped_surrogates_in_any_key_order() {
        let pad = " ".repeat(MIN_LEN);
        let body = format!(
            "{{ \"params\" : {{\"textDocument\":{{\"text\":\"a\\ud83d\\ude00\\ud83db\\udc00\\n\\u7ee9\",\n\"version\": 3,\"uri\":\"file:///forms/large-text-order.jixiao\",\"languageId\":\"jixiao\"}}}},{pad}\"method\":\"textDocument/didOpen\",\"jsonrpc\":\"2.0\"}}"
        );
        let small = divert(body.into_bytes());
        assert_eq!(text_left(&small), "");
        let uri = Url::parse("file:///forms/large-text-order.jixiao").unwrap();
        assert_eq!(claim(&uri, 3).as_deref(), Some("a😀\u{fffd}b\u{fffd}\n绩"));
    }

    #[test]
    fn other_messages_pass_unchanged() {
        let uri = "file:///forms/large-text-other.jixiao";
        let text = "x".repeat(MIN_LEN);
        let unchanged = |body: Vec<u8>| assert_eq!(divert(body.clone()), body);
        // Below the size limit.
        unchanged(did_open(uri, 1, "x".into()));
        // A text that is not a string.
        unchanged(did_open(uri, 1, serde_json::json!([text.clone()])));
        unchanged(did_open(uri, 1, Value::Null));
        // A version that is not an i32, a URI that is not one.
        unchanged(did_open(uri, 1 << 40, text.clone().into()));
        unchanged(did_open("not a uri", 1, text.clone().into()));
        // Another method.
        let other = serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didChange",
            "params": {"textDocument": {"uri": uri, "version": 2, "text": text.clone()}}});
        unchanged(serde_json::to_vec(&other).unwrap());
        // Not JSON after the text, or a text with a raw control character.
        let mut junk = did_open(uri, 1, text.clone().into());
        junk.extend_from_slice(b" }");
        unchanged(junk);
        let raw = String::from_utf8(did_open(uri, 1, text.clone().into())).unwrap();
        unchanged(raw.replacen("xxx", "x\nx", 1).into_bytes());
        let uri = Url::parse(uri).unwrap();
        assert_eq!(claim(&uri, 1), None);
        assert_eq!(claim(&uri, 2), None);
    }
}

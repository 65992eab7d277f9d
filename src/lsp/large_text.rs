//! The text of a large `didOpen`, carried beside tower-lsp instead of through it. tower-lsp
//! reads each message whole into a buffer that keeps the size of the largest message for the
//! rest of the session, then decodes it twice (a JSON value, then the parameters): opening a
//! 4.6 MB file left 8.4 MB reserved for good and three copies of the text in flight. The
//! guard (`transport.rs`) takes the text out of such a message and passes tower-lsp the
//! message with `"text": ""`; `did_open` takes the text back by URI and version.

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
/// for [`claim`]. `None` for any other message.
pub fn divert(body: &[u8]) -> Option<Vec<u8>> {
    if body.len() < MIN_LEN {
        return None;
    }
    let mut msg: Value = serde_json::from_slice(body).ok()?;
    if msg.get("method")?.as_str()? != "textDocument/didOpen" {
        return None;
    }
    let item = msg.pointer_mut("/params/textDocument")?.as_object_mut()?;
    let uri = Url::parse(item.get("uri")?.as_str()?).ok()?;
    let version = i32::try_from(item.get("version")?.as_i64()?).ok()?;
    let Value::String(text) = std::mem::replace(item.get_mut("text")?, Value::from("")) else {
        return None;
    };
    let small = serde_json::to_vec(&msg).ok()?;
    let mut taken = TAKEN.lock().unwrap_or_else(|e| e.into_inner());
    if taken.len() == KEPT {
        taken.pop_front();
    }
    taken.push_back((uri, version, text));
    Some(small)
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

    #[test]
    fn a_large_did_open_leaves_its_text_behind() {
        let text = "项目: 甲\n".repeat(MIN_LEN / 10);
        let uri = "file:///tmp/large-text-test.jixiao";
        let msg = serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": uri, "languageId": "jixiao", "version": 7, "text": text}}});
        let small = divert(&serde_json::to_vec(&msg).unwrap()).expect("diverted");
        let small: Value = serde_json::from_slice(&small).unwrap();
        assert_eq!(small["params"]["textDocument"]["text"], "");
        assert_eq!(small["params"]["textDocument"]["version"], 7);
        let uri = Url::parse(uri).unwrap();
        assert_eq!(claim(&uri, 6), None);
        assert_eq!(claim(&uri, 7).as_deref(), Some(text.as_str()));
        assert_eq!(claim(&uri, 7), None);
    }

    #[test]
    fn other_messages_pass() {
        let small = serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": "file:///a", "languageId": "jixiao", "version": 1, "text": "x"}}});
        assert_eq!(divert(&serde_json::to_vec(&small).unwrap()), None);
        let other = serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didChange",
            "params": {"text": "x".repeat(MIN_LEN)}});
        assert_eq!(divert(&serde_json::to_vec(&other).unwrap()), None);
    }
}

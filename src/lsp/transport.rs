//! A guard in front of tower-lsp's reader. tower-lsp stops reading for good after one message
//! it cannot decode (its framed stream ends on the first error), so a single bad frame from a
//! client would end the session. Here every frame is checked first; one that tower-lsp would
//! reject is replaced by a `$/jixiao/invalidMessage` notification, which the server logs and
//! reports to the user, and reading goes on.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp::jsonrpc::{Request, Response};

pub const INVALID_MESSAGE: &str = "$/jixiao/invalidMessage";

/// The largest frame accepted; a bigger one is read and discarded.
const MAX_FRAME: usize = 512 << 20;

fn is_valid(body: &[u8]) -> bool {
    serde_json::from_slice::<Request>(body).is_ok()
        || serde_json::from_slice::<Response>(body).is_ok()
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn invalid(reason: &str) -> Vec<u8> {
    let note = serde_json::json!({"jsonrpc": "2.0", "method": INVALID_MESSAGE, "params": {"reason": reason}});
    frame(note.to_string().as_bytes())
}

/// Copies frames from `input` to `output`, replacing invalid ones. Returns at end of input.
pub async fn guard(input: impl AsyncRead + Unpin, mut output: impl AsyncWrite + Unpin) {
    let mut input = BufReader::new(input);
    loop {
        let mut length: Option<usize> = None;
        let mut saw_header = false;
        loop {
            let mut line = Vec::new();
            match input.read_until(b'\n', &mut line).await {
                Ok(0) | Err(_) => {
                    let _ = output.shutdown().await;
                    return;
                }
                Ok(_) => {}
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                if saw_header {
                    break;
                }
                continue;
            }
            saw_header = true;
            if let Some((name, value)) = text.split_once(':') {
                if name.trim().eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().ok();
                }
            }
        }
        let out = match length {
            None => invalid("缺少或无效的 Content-Length"),
            Some(n) if n > MAX_FRAME => {
                let _ =
                    tokio::io::copy(&mut (&mut input).take(n as u64), &mut tokio::io::sink()).await;
                invalid("消息过大")
            }
            Some(n) => {
                let mut body = vec![0; n];
                if input.read_exact(&mut body).await.is_err() {
                    let _ = output.shutdown().await;
                    return;
                }
                if is_valid(&body) {
                    frame(&body)
                } else {
                    invalid("消息不是有效的 JSON-RPC")
                }
            }
        };
        if output.write_all(&out).await.is_err() || output.flush().await.is_err() {
            return;
        }
    }
}

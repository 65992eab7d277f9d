//! A guard in front of tower-lsp's reader. tower-lsp stops reading for good after one message
//! it cannot decode (its framed stream ends on the first error), so a single bad frame from a
//! client would end the session. Here every frame is checked first; one that tower-lsp would
//! reject is replaced by a `$/jixiao/invalidMessage` notification, which the server logs and
//! reports to the user, and reading goes on.
//!
//! On the way out, tower-lsp's messages and the frames the server writes itself
//! (`publish.rs`) meet in one queue, whole frames only, drained by one writer thread.

use std::io::Write;
use std::pin::Pin;
use std::task::{Context, Poll};
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

/// tower-lsp's output: cuts what it writes into whole frames and queues them, so that a frame
/// from elsewhere can never land inside one of its messages, however its writes are split.
pub struct FrameSink {
    pending: Vec<u8>,
    out: super::publish::Outbox,
}

impl FrameSink {
    pub fn new(out: super::publish::Outbox) -> FrameSink {
        FrameSink {
            pending: Vec::new(),
            out,
        }
    }

    /// The length of the first complete frame in `pending`, if there is one.
    fn complete(&self) -> Option<usize> {
        let head_end = self.pending.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
        let head = std::str::from_utf8(&self.pending[..head_end]).ok()?;
        let length: usize = head.lines().find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })?;
        (self.pending.len() >= head_end + length).then_some(head_end + length)
    }
}

impl AsyncWrite for FrameSink {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let me = self.get_mut();
        me.pending.extend_from_slice(buf);
        while let Some(n) = me.complete() {
            let rest = me.pending.split_off(n);
            let frame = std::mem::replace(&mut me.pending, rest);
            if me.out.send(frame).is_err() {
                return Poll::Ready(Err(std::io::ErrorKind::BrokenPipe.into()));
            }
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Writes queued frames to stdout until every sender is gone or stdout fails. A thread of its
/// own: one hand-off per message, and frames waiting together are written together.
pub fn write_frames(mut frames: super::run::Frames) {
    let mut stdout = raw_stdout();
    while let Some(frame) = frames.blocking_recv() {
        if stdout.write_all(&frame).is_err() {
            return;
        }
        while let Ok(more) = frames.try_recv() {
            if stdout.write_all(&more).is_err() {
                return;
            }
        }
        if stdout.flush().is_err() {
            return;
        }
    }
}

/// Stdout without std's line buffering, which would split each frame in two writes (at the
/// header's last newline), waking the client twice.
fn raw_stdout() -> Box<dyn Write> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() {
            return Box::new(std::fs::File::from(fd));
        }
    }
    #[cfg(windows)]
    {
        use std::os::windows::io::AsHandle;
        if let Ok(h) = std::io::stdout().as_handle().try_clone_to_owned() {
            return Box::new(std::fs::File::from(h));
        }
    }
    Box::new(std::io::stdout())
}

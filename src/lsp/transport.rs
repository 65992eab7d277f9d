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
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tower_lsp::jsonrpc::{Request, Response};

pub const INVALID_MESSAGE: &str = "$/jixiao/invalidMessage";

/// The largest frame accepted; a bigger one is read and discarded.
const MAX_FRAME: usize = 512 << 20;

fn is_valid(body: &[u8]) -> bool {
    serde_json::from_slice::<Request>(body).is_ok()
        || serde_json::from_slice::<Response>(body).is_ok()
}

/// `body` as it goes over the wire: the Content-Length header (in bytes), a blank line, the
/// body. The one place a frame is written, for tower-lsp's output and ours alike.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    append_frame(&mut out, body);
    out
}

/// Frames `body` at the end of `out`, copying it once (a didOpen can be megabytes).
fn append_frame(out: &mut Vec<u8>, body: &[u8]) {
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    out.reserve_exact(header.len() + body.len());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(body);
}

fn invalid(reason: &str) -> Vec<u8> {
    let note = serde_json::json!({"jsonrpc": "2.0", "method": INVALID_MESSAGE, "params": {"reason": reason}});
    frame(note.to_string().as_bytes())
}

/// Bytes read from the client, with the position of the next unread one.
struct Input<R> {
    reader: R,
    buf: Vec<u8>,
    pos: usize,
}

const HEADER: &[u8] = b"content-length:";

/// The most read from the client at once.
const CHUNK: usize = 1 << 16;

impl<R: AsyncRead + Unpin> Input<R> {
    /// Reads more bytes; false at end of input.
    async fn fill(&mut self) -> bool {
        let mut chunk = [0u8; CHUNK];
        match self.reader.read(&mut chunk).await {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
        }
    }

    /// The next header block's Content-Length, skipping whatever comes before the header (the
    /// rest of a frame whose length was wrong): `(length, bytes skipped)`. `None` at end of
    /// input. A length that is not a number is `Some(None)`.
    async fn header(&mut self) -> Option<(Option<usize>, usize)> {
        // Only here, between frames, do offsets into `buf` move.
        if self.pos > 1 << 16 && self.pos * 2 > self.buf.len() {
            self.buf.drain(..self.pos);
            self.pos = 0;
            // One large message (a didOpen of a big file) must not leave its size reserved
            // for the rest of the session.
            self.buf.shrink_to(self.buf.len().max(1 << 16));
        }
        let mut from = self.pos;
        let at = loop {
            if let Some(i) = find_header(&self.buf[from..]) {
                break from + i;
            }
            from = self.buf.len().saturating_sub(HEADER.len()).max(self.pos);
            if !self.fill().await {
                return None;
            }
        };
        let skipped = without_headers(&self.buf[self.pos..at])
            .iter()
            .filter(|b| !b.is_ascii_whitespace())
            .count();
        // The block ends at the first empty line after the Content-Length line.
        let mut from = at;
        let end = loop {
            let rest = &self.buf[from..];
            if let Some(i) = rest.windows(2).position(|w| w == b"\n\n") {
                break from + i + 2;
            }
            if let Some(i) = rest.windows(3).position(|w| w == b"\n\r\n") {
                break from + i + 3;
            }
            from = self.buf.len().saturating_sub(3).max(at);
            if !self.fill().await {
                return None;
            }
        };
        let line = &self.buf[at + HEADER.len()..end];
        let line = &line[..line.iter().position(|&b| b == b'\n').unwrap_or(line.len())];
        let length = std::str::from_utf8(line)
            .ok()
            .and_then(|l| l.trim().parse().ok());
        self.pos = end;
        Some((length, skipped))
    }

    /// The next `n` bytes, or `None` at end of input. A large body (a didOpen of a big file) is
    /// read straight into a vector of its exact size, never into `buf`: that would grow `buf` to
    /// the size of the body and hold a second copy of it. The last chunk still goes through
    /// `buf`, so that what the client sent after the body is buffered, as `recover` expects.
    async fn body(&mut self, n: usize) -> Option<Vec<u8>> {
        let mut body = Vec::with_capacity(n);
        let buffered = (self.buf.len() - self.pos).min(n);
        body.extend_from_slice(&self.buf[self.pos..self.pos + buffered]);
        self.pos += buffered;
        while n - body.len() > CHUNK {
            // Chunk by chunk: tokio's stdin keeps a buffer the size of the largest read.
            let want = (n - body.len() - CHUNK).min(CHUNK) as u64;
            match (&mut self.reader).take(want).read_buf(&mut body).await {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
        }
        let rest = n - body.len();
        while self.buf.len() - self.pos < rest {
            if !self.fill().await {
                return None;
            }
        }
        body.extend_from_slice(&self.buf[self.pos..self.pos + rest]);
        self.pos += rest;
        Some(body)
    }

    /// Reads and drops `n` bytes.
    async fn discard(&mut self, mut n: usize) -> bool {
        loop {
            let here = (self.buf.len() - self.pos).min(n);
            self.pos += here;
            n -= here;
            if n == 0 {
                return true;
            }
            self.buf.clear();
            self.pos = 0;
            if !self.fill().await {
                return false;
            }
        }
    }

    /// A frame whose body is not a message. When its length was counted short (in characters,
    /// say, rather than bytes), the rest of the message is already waiting: if the body and
    /// what is buffered up to the next header make a message, that is the message. When it was
    /// counted long, the next frame began inside the body: reading goes back to its header.
    fn recover(&mut self, body: &[u8]) -> Option<Vec<u8>> {
        if let Some(i) = find_header(body) {
            // The body may not be in `buf` (see `body`): what follows the header is put back.
            let mut unread = body[i..].to_vec();
            unread.extend_from_slice(&self.buf[self.pos..]);
            self.buf = unread;
            self.pos = 0;
            return None;
        }
        let waiting = &self.buf[self.pos..];
        let rest = &waiting[..find_header(waiting).unwrap_or(waiting.len())];
        let mut whole = body.to_vec();
        whole.extend_from_slice(rest.trim_ascii_end());
        if is_valid(&whole) {
            self.pos += rest.len();
            return Some(whole);
        }
        None
    }
}

/// `body` with every lone surrogate escape (`"\\ud83d"`, as JavaScript writes half an emoji)
/// replaced by `\\ufffd`, or `None` when it has none. serde_json refuses a lone surrogate, and
/// dropping the message (a `didChange`, say) would leave the document out of step with the
/// client; U+FFFD is one UTF-16 unit too, so the client's later positions stay right.
fn without_lone_surrogates(body: &[u8]) -> Option<Vec<u8>> {
    let unit = |at: usize| -> Option<u16> {
        let hex = body.get(at..at + 6)?.strip_prefix(b"\\u")?;
        u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
    };
    let mut out = Vec::with_capacity(body.len());
    let (mut i, mut changed) = (0, false);
    while i < body.len() {
        if body[i] != b'\\' {
            out.push(body[i]);
            i += 1;
            continue;
        }
        let len = match unit(i) {
            Some(0xD800..=0xDBFF) if matches!(unit(i + 6), Some(0xDC00..=0xDFFF)) => 12,
            Some(0xD800..=0xDFFF) => {
                out.extend_from_slice(b"\\ufffd");
                changed = true;
                i += 6;
                continue;
            }
            Some(_) => 6,
            // Any other escape is two bytes: `\\\\` must not start an escape of its own.
            None => 2,
        };
        let end = (i + len).min(body.len());
        out.extend_from_slice(&body[i..end]);
        i = end;
    }
    changed.then_some(out)
}

/// `junk` without the header lines (`Content-Type: …`) that end it.
fn without_headers(mut junk: &[u8]) -> &[u8] {
    while let Some(body) = junk.strip_suffix(b"\n") {
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        let start = body.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let line = &body[start..];
        let name_len = line.iter().position(|&b| b == b':');
        let is_header = name_len.is_some_and(|n| {
            n > 0
                && line[..n]
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        });
        if !is_header {
            break;
        }
        junk = &junk[..start];
    }
    junk
}

/// Where `Content-Length:` starts in `bytes`, in any case.
fn find_header(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(HEADER.len())
        .position(|w| w.eq_ignore_ascii_case(HEADER))
}

/// Copies frames from `input` to `output`, replacing invalid ones. Returns at end of input.
/// A frame with a wrong Content-Length costs at most that frame: reading resumes at the next
/// header, wherever it is.
pub async fn guard(input: impl AsyncRead + Unpin, mut output: impl AsyncWrite + Unpin) {
    let mut input = Input {
        reader: input,
        buf: Vec::new(),
        pos: 0,
    };
    loop {
        let Some((length, skipped)) = input.header().await else {
            let _ = output.shutdown().await;
            return;
        };
        let mut out = Vec::new();
        if skipped > 0 {
            out.extend(invalid(&format!("跳过了 {skipped} 字节无法识别的内容")));
        }
        match length {
            None => out.extend(invalid("无效的 Content-Length")),
            Some(n) if n > MAX_FRAME => {
                if !input.discard(n).await {
                    let _ = output.shutdown().await;
                    return;
                }
                out.extend(invalid("消息过大"));
            }
            Some(n) => {
                let Some(body) = input.body(n).await else {
                    let _ = output.shutdown().await;
                    return;
                };
                let body = super::large_text::divert(body);
                if is_valid(&body) {
                    append_frame(&mut out, &body);
                } else if let Some(repaired) =
                    without_lone_surrogates(&body).filter(|b| is_valid(b))
                {
                    append_frame(&mut out, &repaired);
                } else if let Some(whole) = input.recover(&body) {
                    tracing::warn!("a frame's Content-Length was {n}, not {}", whole.len());
                    append_frame(&mut out, &whole);
                } else {
                    out.extend(invalid("消息不是有效的 JSON-RPC，或 Content-Length 有误"));
                }
            }
        }
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
    while let Some(waiting) = frames.blocking_recv_all() {
        for frame in waiting {
            if stdout.write_all(&frame).is_err() {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// The messages the guard passes on for `input`, as (method, params.reason or id).
    fn through(input: &[u8]) -> Vec<Value> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let mut out = Vec::new();
        rt.block_on(guard(input, &mut out));
        let mut msgs = Vec::new();
        let mut rest = &out[..];
        while !rest.is_empty() {
            let head_end = rest.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
            let head = std::str::from_utf8(&rest[..head_end]).unwrap();
            let n: usize = head["Content-Length: ".len()..].trim().parse().unwrap();
            msgs.push(serde_json::from_slice(&rest[head_end..head_end + n]).unwrap());
            rest = &rest[head_end + n..];
        }
        msgs
    }

    fn msg(id: i64, text: &str) -> String {
        format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"m","params":{{"t":"{text}"}}}}"#)
    }

    fn framed(body: &str, length: usize) -> Vec<u8> {
        format!("Content-Length: {length}\r\n\r\n{body}").into_bytes()
    }

    fn ids(msgs: &[Value]) -> Vec<String> {
        msgs.iter()
            .map(|m| match m.get("id") {
                Some(id) => id.to_string(),
                None => "invalid".into(),
            })
            .collect()
    }

    #[test]
    fn a_length_counted_in_characters_costs_nothing() {
        let cjk = msg(1, "绩效目标申报表");
        let mut input = framed(&cjk, cjk.chars().count());
        input.extend(framed(&msg(2, "x"), msg(2, "x").len()));
        assert_eq!(ids(&through(&input)), ["1", "2"]);
    }

    #[test]
    fn a_length_too_short_or_too_long_loses_one_frame_at_most() {
        let (a, b, c) = (msg(1, "甲"), msg(2, "{乙"), msg(3, "丙"));
        // Too short, and the body with its rest is a message: kept.
        let mut input = framed(&a, 10);
        input.extend(framed(&b, b.len()));
        assert_eq!(ids(&through(&input)), ["1", "2"]);
        // Too short, and not a message at all: the frame is lost, and the rest skipped.
        let mut input = framed("not json at all", 3);
        input.extend(framed(&b, b.len()));
        input.extend(framed(&c, c.len()));
        assert_eq!(ids(&through(&input)), ["invalid", "invalid", "2", "3"]);
        // Too long: the next frame's header is inside the body.
        let mut input = framed(&a, a.len() + 30);
        input.extend(framed(&b, b.len()));
        input.extend(framed(&c, c.len()));
        assert_eq!(ids(&through(&input)), ["invalid", "2", "3"]);
        // Not a number.
        let mut input = b"Content-Length: x\r\n\r\n".to_vec();
        input.extend(framed(&c, c.len()));
        assert_eq!(ids(&through(&input)), ["invalid", "3"]);
    }

    #[test]
    fn other_headers_and_case_are_accepted() {
        let a = msg(1, "a");
        let input = format!(
            "content-type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length: {}\r\n\r\n{a}",
            a.len()
        );
        assert_eq!(ids(&through(input.as_bytes())), ["1"]);
    }

    #[test]
    fn a_large_body_is_read_beside_the_buffer() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let big = msg(1, &"绩效".repeat(1 << 20));
        let mut input = framed(&big, big.len());
        input.extend(framed(&msg(2, "x"), msg(2, "x").len()));
        let mut input = Input {
            reader: &input[..],
            buf: Vec::new(),
            pos: 0,
        };
        rt.block_on(async {
            let (n, _) = input.header().await.unwrap();
            let body = input.body(n.unwrap()).await.unwrap();
            assert_eq!(body, big.as_bytes());
            assert_eq!(body.capacity(), big.len());
            assert!(
                input.buf.capacity() <= 4 * CHUNK,
                "{}",
                input.buf.capacity()
            );
            let (n, _) = input.header().await.unwrap();
            assert_eq!(
                input.body(n.unwrap()).await.unwrap(),
                msg(2, "x").as_bytes()
            );
        });
    }

    #[test]
    fn a_large_did_open_goes_on_without_its_text() {
        let text = "项目: 甲\n".repeat(super::super::large_text::MIN_LEN / 8);
        let open = serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": "file:///forms/transport-large.jixiao",
            "languageId": "jixiao", "version": 1, "text": text}}})
        .to_string();
        let mut input = framed(&open, open.len());
        input.extend(framed(&msg(2, "x"), msg(2, "x").len()));
        let msgs = through(&input);
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0]["params"]["textDocument"]["text"], "");
        assert_eq!(msgs[1]["id"], 2);
        let uri = tower_lsp::lsp_types::Url::parse("file:///forms/transport-large.jixiao").unwrap();
        assert_eq!(
            super::super::large_text::claim(&uri, 1).as_deref(),
            Some(text.as_str())
        );
    }

    #[test]
    fn a_lone_surrogate_becomes_a_replacement_character() {
        let body = r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"t":"a\ud83d\\ud83d\ud83d\ude00\udc00b"}}"#;
        let msgs = through(&framed(body, body.len()));
        assert_eq!(msgs[0]["params"]["t"], "a\u{fffd}\\ud83d😀\u{fffd}b");
        assert_eq!(without_lone_surrogates(br#""\\ud83d \ud83d\ude00""#), None);
    }
}

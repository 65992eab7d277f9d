//! The whole-file answers — document symbols, folding ranges, semantic tokens — and completion
//! (hundreds of items in a large file, asked for at every word typed) written straight from
//! their typed results. tower-lsp turns every result into a `serde_json::Value` tree before
//! writing it: the outline of a 2,000-project file (18 MB of JSON, 60,000 symbols) took about
//! 380 MB and most of a second that way (docs/PERFORMANCE.md). Each is computed when its future
//! is first polled, in order with the notifications before it, like every handler.

use super::{features, Backend, State};
use serde::Serialize;
use serde_json::Value;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::Mutex;
use tower_lsp::jsonrpc::{Error, Id, Request, Response};
use tower_lsp::lsp_types::DocumentSymbolParams;
use tower_lsp::lsp_types::Url;

/// Whether `req` is answered here rather than by tower-lsp: one of the whole-file requests, on
/// a document already open, before `shutdown`. Anything else (a request before `initialize`,
/// after `shutdown`, on a document not yet seen) gets tower-lsp's answer, errors included.
pub fn takes(backend: &Backend, req: &Request) -> bool {
    let whole_file = matches!(
        req.method(),
        "textDocument/documentSymbol"
            | "textDocument/foldingRange"
            | "textDocument/semanticTokens/full"
            | "textDocument/semanticTokens/range"
            | "textDocument/completion"
    );
    if !whole_file || backend.shut_down.load(Ordering::SeqCst) {
        return false;
    }
    let Some(uri) = req
        .params()
        .and_then(|p| p.pointer("/textDocument/uri"))
        .and_then(Value::as_str)
        .and_then(|u| Url::parse(u).ok())
    else {
        return false;
    };
    let st = backend.state.lock().unwrap_or_else(|e| e.into_inner());
    st.docs.contains_key(&uri)
}

#[derive(Serialize)]
struct Reply<'a, T> {
    jsonrpc: &'static str,
    id: &'a Id,
    result: T,
}

/// Room left at the start of a body for its Content-Length header, written in place when the
/// body is done: a frame of megabytes is not copied to put a header before it.
const ROOM: usize = 40;

fn reply<T: Serialize>(id: &Id, result: Option<T>) -> serde_json::Result<Vec<u8>> {
    let mut buf = vec![b' '; ROOM];
    serde_json::to_writer(
        &mut buf,
        &Reply {
            jsonrpc: "2.0",
            id,
            result,
        },
    )?;
    Ok(buf)
}

/// The outline written symbol by symbol as the projects are read: neither the symbols nor a
/// `Value` of them is ever whole in memory, only the bytes.
fn symbols(st: &State, id: &Id, params: DocumentSymbolParams) -> serde_json::Result<Vec<u8>> {
    let mut buf = vec![b' '; ROOM];
    buf.extend_from_slice(b"{\"jsonrpc\":\"2.0\",\"id\":");
    serde_json::to_writer(&mut buf, id)?;
    buf.extend_from_slice(b",\"result\":");
    let mut first = true;
    let mut failed = None;
    let open = features::each_symbol(st, &params.text_document.uri, |s| {
        buf.push(if std::mem::take(&mut first) {
            b'['
        } else {
            b','
        });
        if let Err(e) = serde_json::to_writer(&mut buf, &s) {
            failed.get_or_insert(e);
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    buf.extend_from_slice(match (open, first) {
        (None, _) => b"null}".as_slice(),
        (Some(()), true) => b"[]}",
        (Some(()), false) => b"]}",
    });
    Ok(buf)
}

/// A body written after [`ROOM`] bytes, framed where it lies.
fn framed(mut buf: Vec<u8>) -> Vec<u8> {
    if buf.len() < ROOM {
        return super::transport::frame(&buf);
    }
    let header = format!("Content-Length: {}\r\n\r\n", buf.len() - ROOM);
    let start = ROOM - header.len();
    buf[start..ROOM].copy_from_slice(header.as_bytes());
    buf.drain(..start);
    buf
}

/// The frame answering `method` with `params`. Bad params get tower-lsp's error; a panic in
/// the feature gets `null`, as tower-lsp's handlers give.
pub fn answer(state: &Mutex<State>, method: &str, id: &Id, params: Option<Value>) -> Vec<u8> {
    let params = params.unwrap_or(Value::Null);
    let st = state.lock().unwrap_or_else(|e| e.into_inner());
    let body = catch_unwind(AssertUnwindSafe(|| compute(&st, method, id, params)));
    drop(st);
    match body {
        Ok(Ok(body)) => framed(body),
        Ok(Err(e)) => {
            let e = Error::invalid_params(e.to_string());
            let body = serde_json::to_vec(&Response::from_error(id.clone(), e)).unwrap_or_default();
            super::transport::frame(&body)
        }
        Err(_) => {
            tracing::error!("panic in {method}");
            framed(reply::<()>(id, None).unwrap_or_default())
        }
    }
}

fn compute(st: &State, method: &str, id: &Id, params: Value) -> serde_json::Result<Vec<u8>> {
    match method {
        "textDocument/documentSymbol" => symbols(st, id, serde_json::from_value(params)?),
        "textDocument/foldingRange" => reply(
            id,
            features::folding_range(st, serde_json::from_value(params)?),
        ),
        "textDocument/completion" => reply(
            id,
            features::completion(st, serde_json::from_value(params)?),
        ),
        "textDocument/semanticTokens/full" => reply(
            id,
            features::semantic_tokens_full(st, serde_json::from_value(params)?),
        ),
        _ => reply(
            id,
            features::semantic_tokens_range(st, serde_json::from_value(params)?),
        ),
    }
}

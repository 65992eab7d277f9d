//! The process: `jixiao lsp` on stdin/stdout, and the service for in-process tests.

use super::publish::Outbox;
use super::{transport, Backend, State};
use std::sync::{Arc, Mutex};
use tower_lsp::jsonrpc::{Error, Request, Response};
use tower_lsp::{LspService, Server};

/// The frames the server writes itself (`publishDiagnostics`), beside tower-lsp's socket.
pub use super::outbox::Frames;

/// A server not yet connected to a transport, for in-process protocol tests: requests go to the
/// service; the server's messages come out of the socket, and its diagnostics as frames.
pub fn service() -> (LspService<Backend>, tower_lsp::ClientSocket, Frames) {
    let (out, frames) = super::outbox::channel();
    let (service, socket) = service_with(Arc::new(std::sync::atomic::AtomicBool::new(false)), out);
    (service, socket, frames)
}

fn service_with(
    shut_down: Arc<std::sync::atomic::AtomicBool>,
    out: Outbox,
) -> (LspService<Backend>, tower_lsp::ClientSocket) {
    LspService::build(|client| Backend {
        out,
        client,
        state: Arc::new(Mutex::new(State::new(Vec::new()))),
        shut_down,
    })
    .custom_method(transport::INVALID_MESSAGE, Backend::invalid_message)
    .custom_method(super::RULE_DOC, Backend::rule_doc)
    .finish()
}

/// In front of tower-lsp's service: drops `params: null`, writes each response itself, answers
/// the requests tower-lsp leaves unanswered, and handles `exit`.
///
/// tower-lsp drops the `MethodNotFound` answer to any method starting with `$/`, even for a
/// request, which LSP says must be answered; and on `exit` it cancels every request still
/// running, `shutdown` included when both arrive in one write. Here `exit` is never passed on:
/// it stops the session once the requests received before it are answered (see `run`), and
/// each response goes straight to the output queue, so once none is running, all are queued.
struct ExitWatch {
    inner: LspService<Backend>,
    exit: Arc<tokio::sync::Notify>,
    exiting: bool,
    /// Set with `exit`: a client that closes stdin right after `exit` (vscode-languageclient
    /// does) can end the serve loop in the same poll, before the select in `run` sees the
    /// notification.
    exited: Arc<std::sync::atomic::AtomicBool>,
    running: Arc<std::sync::atomic::AtomicUsize>,
    out: Outbox,
}

/// Counts a running request until it is answered or dropped.
struct Running(Arc<std::sync::atomic::AtomicUsize>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

type Answer = std::result::Result<Option<Response>, tower_lsp::ExitedError>;

impl tower_service::Service<Request> for ExitWatch {
    type Response = Option<Response>;
    type Error = tower_lsp::ExitedError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Answer> + Send>>;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::result::Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        if self.exiting {
            return Box::pin(async { Ok(None) });
        }
        if req.method() == "exit" {
            self.exiting = true;
            self.exited.store(true, std::sync::atomic::Ordering::SeqCst);
            self.exit.notify_one();
            return Box::pin(async { Ok(None) });
        }
        if super::direct::takes(self.inner.inner(), &req) {
            if let Some(id) = req.id().cloned() {
                self.running
                    .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let running = Running(self.running.clone());
                let state = self.inner.inner().state.clone();
                let out = self.out.clone();
                let (method, _, params) = req.into_parts();
                return Box::pin(async move {
                    let _ = out.send(super::direct::answer(&state, &method, &id, params));
                    drop(running);
                    Ok(None)
                });
            }
        }
        let id = req.id().cloned();
        let answer = self.inner.call(spec_names(without_null_params(req)));
        let Some(id) = id else {
            return answer;
        };
        self.running
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let running = Running(self.running.clone());
        let out = self.out.clone();
        Box::pin(async move {
            let response = answer
                .await?
                .unwrap_or_else(|| Response::from_error(id, Error::method_not_found()));
            if let Ok(body) = serde_json::to_vec(&response) {
                let _ = out.send(transport::frame(&body));
            }
            drop(running);
            Ok(None)
        })
    }
}

/// `"params": null` means no params (JSON-RPC allows either; eglot sends it on `shutdown`), but
/// tower-lsp answers it with "Unexpected params" for methods that take none.
fn without_null_params(req: tower_lsp::jsonrpc::Request) -> tower_lsp::jsonrpc::Request {
    if !req.params().is_some_and(|p| p.is_null()) {
        return req;
    }
    let (method, id, _) = req.into_parts();
    let b = tower_lsp::jsonrpc::Request::build(method);
    match id {
        Some(id) => b.id(id).finish(),
        None => b.finish(),
    }
}

/// lsp-types 0.94 reads the client's `workspace.diagnostics` capability (LSP 3.17) under the
/// name `workspace.diagnostic`: renamed here, so that a client's refresh support is seen.
fn spec_names(req: Request) -> Request {
    if req.method() != "initialize" || req.params().is_none() {
        return req;
    }
    let (method, id, params) = req.into_parts();
    let mut params = params.unwrap_or_default();
    let ws = params
        .pointer_mut("/capabilities/workspace")
        .and_then(serde_json::Value::as_object_mut);
    if let Some(ws) = ws {
        if let Some(d) = ws.remove("diagnostics") {
            ws.entry("diagnostic").or_insert(d);
        }
    }
    let b = Request::build(method).params(params);
    match id {
        Some(id) => b.id(id).finish(),
        None => b.finish(),
    }
}

/// Runs the server on stdin/stdout until the client exits. Logs go to stderr; set
/// `JIXIAO_LOG` (e.g. `JIXIAO_LOG=debug`) to see more.
pub fn run() -> u8 {
    let filter = tracing_subscriber::EnvFilter::try_from_env("JIXIAO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
    super::trim::one_heap();
    // The only blocking task is the stdin reader (tokio's stdin reads on the blocking pool), one
    // read at a time: one thread, where tokio would start another when a read is handed over
    // before the last thread is idle again (each with its stack and buffer). A `spawn_blocking`
    // added to the server would wait behind a pending stdin read: it needs this raised.
    let rt = match tokio::runtime::Builder::new_current_thread()
        .max_blocking_threads(1)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("jixiao: 无法启动语言服务器：{e}");
            return 2;
        }
    };
    let shut_down = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = shut_down.clone();
    let (out, frames) = super::outbox::channel();
    let writer = std::thread::spawn(move || transport::write_frames(frames));
    let exited = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let exit_seen = exited.clone();
    let clean = rt.block_on(async move {
        let output = transport::FrameSink::new(out.clone());
        let out_frames = out.clone();
        let (service, socket) = service_with(flag, out);
        let exit = Arc::new(tokio::sync::Notify::new());
        let running = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let service = ExitWatch {
            inner: service,
            exit: exit.clone(),
            exiting: false,
            exited,
            running: running.clone(),
            out: out_frames,
        };
        let serve = async {
            let (to_server, from_guard) = tokio::io::duplex(1 << 16);
            let guard = tokio::spawn(transport::guard(tokio::io::stdin(), to_server));
            Server::new(from_guard, output, socket).serve(service).await;
            guard.abort();
        };
        tokio::pin!(serve);
        tokio::select! {
            _ = &mut serve => exit_seen.load(std::sync::atomic::Ordering::SeqCst),
            _ = exit.notified() => {
                // The requests received before `exit` (`shutdown`, typically) are answered
                // first; they run inside `serve`, so it is polled meanwhile.
                let answered = async {
                    while running.load(std::sync::atomic::Ordering::SeqCst) > 0 {
                        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                    }
                };
                tokio::select! {
                    _ = &mut serve => {}
                    _ = answered => {}
                    _ = tokio::time::sleep(std::time::Duration::from_secs(5)) => {}
                }
                true
            }
        }
    });
    // The stdin reader is a blocking thread that would keep the runtime alive after `exit`.
    rt.shutdown_timeout(std::time::Duration::from_millis(100));
    // Every sender is gone with the runtime: the writer ends once the last frame is out (unless
    // the client stopped reading; then it is not waited for).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    while !writer.is_finished() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    tracing::info!(
        "exit (clean: {clean}, shutdown received: {})",
        shut_down.load(std::sync::atomic::Ordering::SeqCst)
    );
    // LSP: exit code 0 only when `shutdown` came before `exit`.
    u8::from(!(clean && shut_down.load(std::sync::atomic::Ordering::SeqCst)))
}

//! A client for the built `jixiao lsp` over stdio, as an editor drives it: Content-Length
//! framing written and read by hand (so tests can also send broken frames), a reader thread,
//! and a deadline on every wait so that a hung server fails the test instead of stalling it.

use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Server {
    pub child: Child,
    pub stdin: ChildStdin,
    pub rx: Receiver<Value>,
    pub id: i64,
    /// While set, the client does not read the server's output (a slow client).
    pub paused: Arc<AtomicBool>,
    /// The longest wait for any one message.
    pub deadline: Duration,
    /// The latest `publishDiagnostics` params per document, of the messages read so far.
    pub diags: HashMap<String, Value>,
    /// When set, every message read is kept here.
    pub seen: Option<Vec<Value>>,
    /// When set, the server's requests (watcher registration, refresh …) are answered with a
    /// null result as they are read, as an editor does.
    pub answer_requests: bool,
}

/// A message as it goes over the wire: a Content-Length header (in bytes), then the body.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// A JSON-RPC message; `params` left out when null.
fn message(mut m: Value, params: Value) -> Value {
    if !params.is_null() {
        m["params"] = params;
    }
    m
}

impl Server {
    /// Starts the server, not yet initialized. Its stderr is shown with `JIXIAO_TEST_STDERR`.
    pub fn spawn() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(if std::env::var_os("JIXIAO_TEST_STDERR").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = channel();
        let paused = Arc::new(AtomicBool::new(false));
        let gate = paused.clone();
        std::thread::spawn(move || loop {
            while gate.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(5));
            }
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if out.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                if line == "\r\n" {
                    break;
                }
                if let Some(n) = line.strip_prefix("Content-Length: ") {
                    len = n.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; len];
            if out.read_exact(&mut body).is_err()
                || tx.send(serde_json::from_slice(&body).unwrap()).is_err()
            {
                return;
            }
        });
        Server {
            child,
            stdin,
            rx,
            id: 0,
            paused,
            deadline: Duration::from_secs(30),
            diags: HashMap::new(),
            seen: None,
            answer_requests: false,
        }
    }

    /// Starts and initializes the server with `params` for `initialize`.
    pub fn start_with(params: Value) -> Server {
        let mut s = Server::spawn();
        let r = s.request("initialize", params);
        assert!(r.get("error").is_none(), "initialize: {r}");
        s.notify("initialized", json!({}));
        s
    }

    /// Bytes as they are, framed or not.
    pub fn raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn send(&mut self, v: Value) {
        self.raw(&frame(&serde_json::to_vec(&v).unwrap()));
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(message(json!({"jsonrpc": "2.0", "method": method}), params));
    }

    /// Sends a request and returns its response message (result or error).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.id += 1;
        let id = self.id;
        self.send(message(
            json!({"jsonrpc": "2.0", "id": id, "method": method}),
            params,
        ));
        self.response(id)
    }

    /// The response to request `id`, reading past everything else.
    pub fn response(&mut self, id: i64) -> Value {
        self.wait_for(&format!("the response to request {id}"), |m| {
            m["id"] == json!(id) && m.get("method").is_none()
        })
    }

    /// The next message; kills the server and fails the test at the deadline.
    pub fn next(&mut self, what: &str) -> Value {
        match self.rx.recv_timeout(self.deadline) {
            Ok(m) => {
                if m["method"] == "textDocument/publishDiagnostics" {
                    if let Some(uri) = m["params"]["uri"].as_str() {
                        self.diags.insert(uri.to_string(), m["params"].clone());
                    }
                }
                if let Some(seen) = &mut self.seen {
                    seen.push(m.clone());
                }
                if self.answer_requests && m.get("method").is_some() {
                    if let Some(id) = m.get("id") {
                        self.send(json!({"jsonrpc": "2.0", "id": id.clone(), "result": null}));
                    }
                }
                m
            }
            Err(_) => {
                let _ = self.child.kill();
                panic!("no {what} within {:?}", self.deadline);
            }
        }
    }

    /// The next message satisfying `want`, reading past the others.
    pub fn wait_for(&mut self, what: &str, want: impl Fn(&Value) -> bool) -> Value {
        loop {
            let m = self.next(what);
            if want(&m) {
                return m;
            }
        }
    }

    /// The `publishDiagnostics` params for `uri` at `version` or later: the latest already
    /// read (while waiting for a response, say), or else the next to come.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Value {
        loop {
            if let Some(d) = self.diags.get(uri) {
                if d["version"].as_i64() >= Some(version) {
                    return d.clone();
                }
            }
            self.next("diagnostics");
        }
    }

    pub fn open(&mut self, uri: &str, text: &str, version: i64) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "jixiao", "version": version, "text": text}}),
        );
    }

    /// Waits for the process to end and returns its exit code.
    pub fn exit_code(&mut self) -> Option<i32> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `shutdown` (answered without error), `exit`, and the exit code.
    pub fn stop(mut self) -> Option<i32> {
        let r = self.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "shutdown: {r}");
        self.notify("exit", Value::Null);
        self.exit_code()
    }
}

/// A `file://` URI for `path`, each byte outside the unreserved set percent-encoded.
pub fn file_uri(path: &std::path::Path) -> String {
    let mut u = String::from("file://");
    for part in path.to_str().unwrap().split('/').filter(|p| !p.is_empty()) {
        u.push('/');
        for b in part.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                u.push(b as char);
            } else {
                u.push_str(&format!("%{b:02X}"));
            }
        }
    }
    u
}

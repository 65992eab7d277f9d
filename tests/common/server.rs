//! The built server over stdio, as an editor without file watchers runs it; every wait has a
//! deadline, so a hang fails the test instead of stalling it.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

pub const DEADLINE: Duration = Duration::from_secs(30);

pub struct Server {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    id: i64,
    /// Every message received so far, in order.
    pub seen: Vec<Value>,
}

pub fn uri(p: &Path) -> String {
    tower_lsp::lsp_types::Url::from_file_path(p)
        .unwrap()
        .to_string()
}

impl Server {
    /// A server whose one workspace folder is `root`.
    pub fn start(root: &Path) -> Server {
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
        std::thread::spawn(move || loop {
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
        let mut s = Server {
            child,
            stdin,
            rx,
            id: 0,
            seen: Vec::new(),
        };
        let root = uri(root);
        s.request(
            "initialize",
            json!({"capabilities": {}, "rootUri": root, "workspaceFolders": [{"uri": root, "name": "w"}]}),
        );
        s.notify("initialized", json!({}));
        s
    }

    fn send(&mut self, v: Value) {
        let b = serde_json::to_vec(&v).unwrap();
        let _ = write!(self.stdin, "Content-Length: {}\r\n\r\n", b.len());
        let _ = self.stdin.write_all(&b);
        let _ = self.stdin.flush();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Reads messages until `done` says so, or fails at the deadline naming `what`.
    pub fn until(&mut self, what: &str, mut done: impl FnMut(&Value) -> bool) -> Value {
        let end = Instant::now() + DEADLINE;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(m) => {
                    self.seen.push(m.clone());
                    if done(&m) {
                        return m;
                    }
                }
                Err(_) => {
                    let _ = self.child.kill();
                    panic!("no {what} within {DEADLINE:?}");
                }
            }
        }
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.id += 1;
        let id = self.id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.until(method, |m| m["id"] == json!(id))
    }

    pub fn shutdown(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        let _ = self.child.wait();
    }
}

/// The `publishDiagnostics` of `uri` without a version (a file on disk), or `None`.
pub fn on_disk<'m>(m: &'m Value, uri: &str) -> Option<&'m Vec<Value>> {
    let p = &m["params"];
    (m["method"] == "textDocument/publishDiagnostics" && p["uri"] == uri && p["version"].is_null())
        .then(|| p["diagnostics"].as_array())
        .flatten()
}

/// Whether `diagnostics` has one of `rule`.
pub fn has(diagnostics: &[Value], rule: &str) -> bool {
    diagnostics.iter().any(|d| d["code"] == rule)
}

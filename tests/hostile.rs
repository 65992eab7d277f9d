//! A hostile client and hostile files: the server answers or refuses cleanly and keeps serving;
//! the CLI refuses bad input with a clear message and exit code 2. Runs the built binary.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

struct Server {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    id: i64,
}

impl Server {
    fn start() -> Server {
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
            if out.read_exact(&mut body).is_err() {
                return;
            }
            if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                return;
            }
        });
        let mut s = Server {
            child,
            stdin,
            rx,
            id: 0,
        };
        s.request("initialize", json!({"capabilities": {}}));
        s.notify("initialized", json!({}));
        s
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, v: Value) {
        let b = serde_json::to_vec(&v).unwrap();
        self.raw(format!("Content-Length: {}\r\n\r\n", b.len()).as_bytes());
        self.raw(&b);
    }

    fn notify(&mut self, method: &str, params: Value) {
        let mut m = json!({"jsonrpc": "2.0", "method": method});
        if !params.is_null() {
            m["params"] = params;
        }
        self.send(m);
    }

    /// Sends a request and returns its response, skipping notifications.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.id += 1;
        let id = self.id;
        let mut m = json!({"jsonrpc": "2.0", "id": id, "method": method});
        if !params.is_null() {
            m["params"] = params;
        }
        self.send(m);
        self.response(id)
    }

    fn response(&mut self, id: i64) -> Value {
        loop {
            let m = self
                .rx
                .recv_timeout(Duration::from_secs(30))
                .expect("the server answers");
            if m["id"] == json!(id) {
                return m;
            }
        }
    }

    /// The server is alive and serving: a hover on an open document answers.
    fn alive(&mut self, uri: &str) {
        let r = self.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 5}}),
        );
        assert!(r.get("error").is_none(), "hover failed: {r}");
    }
}

const URI: &str = "file:///tmp/hostile.jixiao";

fn open(s: &mut Server, uri: &str, text: &str, version: i32) {
    s.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "jixiao", "version": version, "text": text}}));
}

fn sample() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/songjiang-2025-targets.jixiao"
    ))
    .unwrap()
}

#[test]
fn hostile_client_is_answered_or_refused_and_the_server_keeps_serving() {
    let mut s = Server::start();
    open(&mut s, URI, &sample(), 1);
    s.alive(URI);

    // Edits with ranges past the end of a line and of the file.
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 99999, "character": 5}, "end": {"line": 100000, "character": 0}}, "text": "x"},
            {"range": {"start": {"line": 3, "character": 999}, "end": {"line": 1, "character": 0}}, "text": "项目: 倒着的范围\n"},
        ]}),
    );
    s.alive(URI);

    // Versions out of order: an older version is ignored, not applied.
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 1}, "contentChanges": [{"text": "旧版本"}]}),
    );
    let f = s.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": URI}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert!(f.get("error").is_none());
    s.alive(URI);

    // Requests for a document that was never opened: answered with nothing.
    for method in ["textDocument/hover", "textDocument/completion"] {
        let r = s.request(method, json!({"textDocument": {"uri": "file:///never-opened.jixiao"}, "position": {"line": 0, "character": 0}}));
        assert!(r["result"].is_null(), "{method}: {r}");
    }
    let r = s.request("textDocument/formatting", json!({"textDocument": {"uri": "file:///never-opened.jixiao"}, "options": {"tabSize": 2, "insertSpaces": true}}));
    assert!(r["result"].is_null());

    // Binary junk in a message body: a parse error, and the server goes on.
    s.raw(b"Content-Length: 12\r\n\r\n\x00\xff\xfe{junk!!}\x01");
    s.alive(URI);
    // A well-framed message that is not JSON-RPC.
    s.send(json!({"hello": [1, 2, 3]}));
    s.alive(URI);
    // An unknown method.
    let r = s.request("jixiao/noSuchMethod", json!({}));
    assert!(r.get("error").is_some());

    // A 10 MB single line.
    let big = format!(
        "表: 绩效目标申报表\n年度: 2025\n项目: 大\n  年度总体目标: {}\n",
        "很长的文本".repeat(700_000)
    );
    let big_uri = "file:///tmp/big.jixiao";
    open(&mut s, big_uri, &big, 1);
    let r = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": big_uri}, "position": {"line": 3, "character": 1_000_000}}),
    );
    assert!(r.get("error").is_none());
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": big_uri, "version": 2}, "contentChanges": [{"range": {"start": {"line": 3, "character": 500000}, "end": {"line": 3, "character": 500001}}, "text": "改"}]}),
    );
    let r = s.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": big_uri}}),
    );
    assert!(r.get("error").is_none());
    s.alive(URI);

    // Clean shutdown: exit code 0 after shutdown + exit.
    let r = s.request("shutdown", Value::Null);
    assert!(r.get("error").is_none(), "{r}");
    s.notify("exit", Value::Null);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status:?}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not exit"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let mut s = Server::start();
    s.notify("exit", Value::Null);
    let status = s.child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
}

#[test]
fn cli_refuses_invalid_utf8_and_missing_files() {
    let dir = std::env::temp_dir().join(format!("jixiao-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("坏.jixiao");
    std::fs::write(&bad, b"\xe8\xa1\xa8: \xe7\xbb\xa9\n\xff\xfe\n").unwrap();
    for args in [
        vec!["check"],
        vec!["fmt"],
        vec!["fmt", "--check"],
        vec!["export", "--to", "json"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(&args)
            .arg(&bad)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("坏.jixiao:2:") && err.contains("不是 UTF-8"),
            "{args:?}: {err}"
        );
    }
    // fmt wrote nothing.
    assert_eq!(
        std::fs::read(&bad).unwrap(),
        b"\xe8\xa1\xa8: \xe7\xbb\xa9\n\xff\xfe\n"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["check", "没有这个文件.jixiao"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("文件不存在"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// eglot sends `"params": null` on `shutdown`; it must be accepted like no params.
#[test]
fn shutdown_with_null_params_is_accepted() {
    let mut s = Server::start();
    s.send(json!({"jsonrpc": "2.0", "id": 99, "method": "shutdown", "params": null}));
    let r = s.response(99);
    assert!(r.get("error").is_none() && r["result"].is_null(), "{r}");
    s.send(json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
    let status = s.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

/// vscode-languageclient closes the server's stdin right after `exit`: the end of input must not turn a
/// clean shutdown into exit code 1 (it raced with the `exit` notification).
#[test]
fn stdin_closed_right_after_exit_is_exit_code_0() {
    for round in 0..20 {
        let mut s = Server::start();
        let r = s.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "{r}");
        s.notify("exit", Value::Null);
        let Server {
            mut child, stdin, ..
        } = s;
        drop(stdin);
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "round {round}");
    }
}

//! A hostile client and hostile files: the server answers or refuses cleanly and keeps serving;
//! the CLI refuses bad input with a clear message and exit code 2. Runs the built binary.

mod common;

use common::lsp::Server;
use serde_json::{json, Value};
use std::process::Command;
use std::sync::atomic::Ordering;
use std::time::Duration;

fn start() -> Server {
    Server::start_with(json!({"capabilities": {}}))
}

/// The server is alive and serving: a hover on an open document answers.
fn alive(s: &mut Server, uri: &str) {
    let r = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 5}}),
    );
    assert!(r.get("error").is_none(), "hover failed: {r}");
}

const URI: &str = "file:///tmp/hostile.jixiao";

fn sample() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/songjiang-2025-targets.jixiao"
    ))
    .unwrap()
}

#[test]
fn hostile_client_is_answered_or_refused_and_the_server_keeps_serving() {
    let mut s = start();
    s.open(URI, &sample(), 1);
    alive(&mut s, URI);

    // Edits with ranges past the end of a line and of the file.
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 99999, "character": 5}, "end": {"line": 100000, "character": 0}}, "text": "x"},
            {"range": {"start": {"line": 3, "character": 999}, "end": {"line": 1, "character": 0}}, "text": "项目: 倒着的范围\n"},
        ]}),
    );
    alive(&mut s, URI);

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
    alive(&mut s, URI);

    // Requests for a document that was never opened: answered with nothing.
    for method in ["textDocument/hover", "textDocument/completion"] {
        let r = s.request(method, json!({"textDocument": {"uri": "file:///never-opened.jixiao"}, "position": {"line": 0, "character": 0}}));
        assert!(r["result"].is_null(), "{method}: {r}");
    }
    let r = s.request("textDocument/formatting", json!({"textDocument": {"uri": "file:///never-opened.jixiao"}, "options": {"tabSize": 2, "insertSpaces": true}}));
    assert!(r["result"].is_null());

    // Binary junk in a message body: a parse error, and the server goes on.
    s.raw(b"Content-Length: 12\r\n\r\n\x00\xff\xfe{junk!!}\x01");
    alive(&mut s, URI);
    // A well-framed message that is not JSON-RPC.
    s.send(json!({"hello": [1, 2, 3]}));
    alive(&mut s, URI);
    // An unknown method.
    let r = s.request("jixiao/noSuchMethod", json!({}));
    assert!(r.get("error").is_some());

    // A 10 MB single line.
    let big = format!(
        "表: 绩效目标申报表\n年度: 2025\n项目: 大\n  年度总体目标: {}\n",
        "很长的文本".repeat(700_000)
    );
    let big_uri = "file:///tmp/big.jixiao";
    s.open(big_uri, &big, 1);
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
    alive(&mut s, URI);

    // Clean shutdown: exit code 0 after shutdown + exit.
    assert_eq!(s.stop(), Some(0));
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let mut s = start();
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
    let mut s = start();
    s.send(json!({"jsonrpc": "2.0", "id": 99, "method": "shutdown", "params": null}));
    let r = s.response(99);
    assert!(r.get("error").is_none() && r["result"].is_null(), "{r}");
    s.send(json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
    let status = s.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

fn change(s: &mut Server, uri: &str, version: i32, changes: Value) {
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
    );
}

fn rules(diags: &Value) -> Vec<String> {
    diags["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

const DUPLICATE: &str = "表: 绩效目标申报表\n年度: 2025\n项目: 甲\n项目: 甲\n";

/// A client that counts characters, not bytes, in Content-Length (or counts too many) costs at
/// most that one message: the session is not left deaf.
#[test]
fn a_wrong_content_length_does_not_deafen_the_session() {
    let mut s = start();
    s.open(URI, "表: 绩效目标申报表\n年度: 2025\n", 1);
    // Counted in characters: the message is recovered whole.
    let body = json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": DUPLICATE}]}})
    .to_string();
    s.raw(format!("Content-Length: {}\r\n\r\n{body}", body.chars().count()).as_bytes());
    let d = s.diagnostics(URI, 2);
    assert!(rules(&d).contains(&"duplicate-project".to_string()), "{d}");
    // Counted too long: that message is lost, the next one is read.
    let body = json!({"jsonrpc": "2.0", "id": 500, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": URI}, "position": {"line": 3, "character": 4}}})
    .to_string();
    s.raw(format!("Content-Length: {}\r\n\r\n{body}", body.len() + 40).as_bytes());
    alive(&mut s, URI);
    assert_eq!(s.stop(), Some(0));
}

/// LSP: a request whose method starts with `$/` and is not known is answered MethodNotFound.
#[test]
fn dollar_requests_are_answered_method_not_found() {
    let mut s = start();
    let r = s.request("$/jixiao/noSuchRequest", json!({}));
    assert_eq!(r["error"]["code"], json!(-32601), "{r}");
    // Notifications are still ignored silently, and the session goes on.
    s.notify("$/noSuchNotification", json!({}));
    s.notify("$/cancelRequest", json!({"id": 12345}));
    s.open(URI, DUPLICATE, 1);
    alive(&mut s, URI);
}

/// `shutdown` and `exit` in one write: shutdown is answered, and the exit code is 0.
#[test]
fn shutdown_and_exit_in_one_write() {
    for _ in 0..5 {
        let mut s = start();
        let mut bytes = Vec::new();
        for m in [
            json!({"jsonrpc": "2.0", "id": 7, "method": "shutdown"}),
            json!({"jsonrpc": "2.0", "method": "exit"}),
        ] {
            let b = m.to_string();
            bytes.extend(format!("Content-Length: {}\r\n\r\n{b}", b.len()).into_bytes());
        }
        s.raw(&bytes);
        let r = s.response(7);
        assert!(r.get("error").is_none() && r["result"].is_null(), "{r}");
        assert_eq!(s.exit_code(), Some(0));
    }
}

/// Half a surrogate pair, as JavaScript sends it: the change is applied with U+FFFD (one
/// UTF-16 unit, like the half it replaces), so later positions stay right.
#[test]
fn a_lone_surrogate_in_a_change_is_replaced_not_dropped() {
    let mut s = start();
    s.open(URI, DUPLICATE, 1);
    assert!(rules(&s.diagnostics(URI, 1)).contains(&"duplicate-project".to_string()));
    let at = |c: u32| json!({"line": 3, "character": c});
    // serde_json would write the escape as a real character: build the frame by hand.
    let body = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"{URI}","version":2}},"contentChanges":[{{"range":{{"start":{},"end":{}}},"text":"\ud83d"}}]}}}}"#,
        at(5),
        at(5)
    );
    s.raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    let d = s.diagnostics(URI, 2);
    assert!(!rules(&d).contains(&"duplicate-project".to_string()), "{d}");
    // After the replacement character, then remove both: the names are equal again.
    change(
        &mut s,
        URI,
        3,
        json!([{"range": {"start": at(6), "end": at(6)}, "text": "乙"}]),
    );
    change(
        &mut s,
        URI,
        4,
        json!([{"range": {"start": at(5), "end": at(7)}, "text": ""}]),
    );
    let d = s.diagnostics(URI, 4);
    let dup = d["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "duplicate-project")
        .unwrap_or_else(|| panic!("{d}"));
    assert_eq!(
        dup["range"],
        json!({"start": {"line": 3, "character": 4}, "end": {"line": 3, "character": 5}})
    );
}

/// A client that does not read for a while: of a document's diagnostics, only the latest
/// unsent ones are kept and delivered, not one notification per keystroke.
#[test]
fn a_slow_reader_gets_only_the_latest_diagnostics() {
    let mut s = start();
    let mut text = String::from("表: 绩效目标申报表\n年度: 2025\n");
    for i in 0..400 {
        text.push_str(&format!("项目: 项目{i}\n  资金: 合计 10 万元\n"));
    }
    s.open(URI, &text, 1);
    let first = s.diagnostics(URI, 1);
    // Bigger than a pipe's buffer, so the server's writer blocks while the client does not read.
    assert!(
        first.to_string().len() > 256 << 10,
        "{}",
        first.to_string().len()
    );
    s.paused.store(true, Ordering::SeqCst);
    let last_line = 2 + 2 * 399;
    let edits = 60;
    for v in 2..2 + edits {
        let at = json!({"line": last_line, "character": 4});
        change(
            &mut s,
            URI,
            v,
            json!([{"range": {"start": at, "end": at}, "text": "改"}]),
        );
    }
    // Let the server apply every edit while nothing is read.
    wait_until_idle(s.child.id());
    s.id += 1;
    let id = s.id;
    s.send(
        json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": URI}, "position": {"line": 3, "character": 4}}}),
    );
    s.paused.store(false, Ordering::SeqCst);
    let (mut count, mut last) = (0, 0);
    loop {
        let m =
            s.rx.recv_timeout(Duration::from_secs(60))
                .expect("the server answers");
        if m["id"] == json!(id) {
            break;
        }
        if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == URI {
            count += 1;
            last = m["params"]["version"].as_i64().unwrap();
        }
    }
    assert_eq!(last, i64::from(edits + 1));
    assert!(count <= 4, "{count} notifications for {edits} edits");
}

/// Returns once the process has used no CPU time for a while (Linux), or after a few seconds.
fn wait_until_idle(pid: u32) {
    let cpu = || -> Option<u64> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
    };
    std::thread::sleep(Duration::from_millis(500));
    let Some(mut last) = cpu() else {
        std::thread::sleep(Duration::from_secs(5));
        return;
    };
    let (mut quiet, deadline) = (0, std::time::Instant::now() + Duration::from_secs(60));
    while quiet < 4 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        let now = cpu().unwrap_or(last);
        quiet = if now == last { quiet + 1 } else { 0 };
        last = now;
    }
}
/// vscode-languageclient closes the server's stdin right after `exit`: the end of input must not turn a
/// clean shutdown into exit code 1 (it raced with the `exit` notification).
#[test]
fn stdin_closed_right_after_exit_is_exit_code_0() {
    for round in 0..20 {
        let mut s = start();
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

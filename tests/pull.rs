//! Pull diagnostics (LSP 3.17) over stdio with the built binary, as an editor uses them: a
//! client that announces `textDocument.diagnostic` gets `diagnosticProvider`, no pushed
//! diagnostics, reports equal to `jixiao check`, `unchanged` for a result id that still holds,
//! the problems of files never opened from `workspace/diagnostic`, and
//! `workspace/diagnostic/refresh` when files change on disk; a client without the capability
//! keeps the push model. The workspace is a copy of `tests/link` (a 申报表 and its 自评表) plus
//! `tests/pull/旧表.jixiao`, a form with a problem that is never opened.

mod common;

use common::lsp;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(30);

/// The client's capabilities: pull diagnostics with refresh, file watchers when `watch`.
fn pull_caps(watch: bool) -> Value {
    json!({
        "textDocument": {"diagnostic": {"dynamicRegistration": false}},
        "workspace": {
            "diagnostics": {"refreshSupport": true},
            "didChangeWatchedFiles": {"dynamicRegistration": watch},
        },
    })
}

/// A copy of the fixtures in a fresh folder.
fn workspace(name: &str) -> PathBuf {
    let dir = common::scratch("pull", name);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    for src in [
        "link/2021-申报表.jixiao",
        "link/2021-自评表.jixiao",
        "pull/旧表.jixiao",
    ] {
        let from = root.join(src);
        std::fs::copy(&from, dir.join(from.file_name().unwrap())).unwrap();
    }
    dir
}

fn uri(p: &Path) -> String {
    tower_lsp::lsp_types::Url::from_file_path(p)
        .unwrap()
        .to_string()
}

/// The shared stdio client, keeping every message it reads and answering the server's
/// requests (watcher registration, refresh) at once, as an editor does.
struct Server(lsp::Server);

impl Server {
    fn start(root: &Path, capabilities: Value) -> (Server, Value) {
        let mut s = lsp::Server::spawn();
        s.seen = Some(Vec::new());
        s.answer_requests = true;
        let root = uri(root);
        let mut s = Server(s);
        let init = s.request(
            "initialize",
            json!({"capabilities": capabilities, "rootUri": root,
                   "workspaceFolders": [{"uri": root, "name": "w"}]}),
        );
        s.notify("initialized", json!({}));
        (s, init)
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.0.notify(method, params);
    }

    fn wait_for(&mut self, what: &str, want: impl Fn(&Value) -> bool) -> Value {
        self.0.wait_for(what, want)
    }

    /// The result of a request, which must not fail.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let r = self.0.request(method, params);
        assert!(r.get("error").is_none(), "{method}: {r}");
        r["result"].clone()
    }

    fn refreshed(&mut self) {
        self.wait_for("workspace/diagnostic/refresh", |m| {
            m["method"] == "workspace/diagnostic/refresh"
        });
    }

    fn open(&mut self, path: &Path) {
        let text = std::fs::read_to_string(path).unwrap();
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "jixiao", "version": 1, "text": text}}),
        );
    }

    fn pull(&mut self, path: &Path, previous: Option<&str>) -> Value {
        self.request(
            "textDocument/diagnostic",
            json!({"identifier": "jixiao", "textDocument": {"uri": uri(path)}, "previousResultId": previous}),
        )
    }

    fn pull_all(&mut self, previous: &[(String, String)]) -> Vec<Value> {
        let ids: Vec<Value> = previous
            .iter()
            .map(|(u, v)| json!({"uri": u, "value": v}))
            .collect();
        let r = self.request(
            "workspace/diagnostic",
            json!({"identifier": "jixiao", "previousResultIds": ids}),
        );
        r["items"].as_array().unwrap().clone()
    }

    /// Pulls the workspace until `want` holds for `path`'s report (the index is built in the
    /// background), or fails at the deadline.
    fn pull_until(&mut self, path: &Path, want: impl Fn(&Value) -> bool) -> Vec<Value> {
        let end = Instant::now() + DEADLINE;
        let u = uri(path);
        loop {
            let items = self.pull_all(&[]);
            if items.iter().any(|i| i["uri"] == json!(u) && want(i)) {
                return items;
            }
            assert!(Instant::now() < end, "{u}: never as wanted: {items:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn shutdown(mut self) -> Vec<Value> {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let _ = self.0.child.wait();
        let mut seen = self.0.seen.take().unwrap_or_default();
        seen.extend(self.0.rx.try_iter());
        seen
    }
}

fn has_rule(report: &Value, rule: &str) -> bool {
    report["items"]
        .as_array()
        .is_some_and(|d| d.iter().any(|d| d["code"] == json!(rule)))
}

/// `jixiao check --format json` of a folder or file, for one file, as (line, character, end line, end character,
/// severity, rule, message) in LSP terms (0-based; the fixtures' characters are all in the BMP).
fn cli_findings(what: &Path, file: &str) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["check", "--format", "json"])
        .arg(what)
        .output()
        .unwrap();
    let all: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let severity = |s: &Value| match s.as_str().unwrap() {
        "error" => 1,
        "warning" => 2,
        "info" => 3,
        _ => 4,
    };
    let mut got: Vec<Value> = all
        .iter()
        .filter(|f| f["file"].as_str().unwrap().ends_with(file))
        .map(|f| {
            let n = |k: &str| f[k].as_i64().unwrap() - 1;
            json!([
                n("line"),
                n("column"),
                n("end_line"),
                n("end_column"),
                severity(&f["severity"]),
                f["rule"],
                f["message"]
            ])
        })
        .collect();
    got.sort_by_key(|v| v.to_string());
    got
}

fn lsp_findings(report: &Value) -> Vec<Value> {
    let mut got: Vec<Value> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let r = &d["range"];
            json!([
                r["start"]["line"],
                r["start"]["character"],
                r["end"]["line"],
                r["end"]["character"],
                d["severity"],
                d["code"],
                d["message"]
            ])
        })
        .collect();
    got.sort_by_key(|v| v.to_string());
    got
}

#[test]
fn a_pull_client_pulls_and_is_told_to_pull_again() {
    let dir = workspace("watch");
    let (old, decl, self_eval) = (
        dir.join("旧表.jixiao"),
        dir.join("2021-申报表.jixiao"),
        dir.join("2021-自评表.jixiao"),
    );
    let (mut s, init) = Server::start(&dir, pull_caps(true));
    assert_eq!(
        init["capabilities"]["diagnosticProvider"],
        json!({"identifier": "jixiao", "interFileDependencies": true, "workspaceDiagnostics": true})
    );
    // The scan's end is announced; the file never opened is in the workspace's report.
    s.refreshed();
    let items = s.pull_until(&old, |i| has_rule(i, "project-total"));
    let old_report = items.iter().find(|i| i["uri"] == json!(uri(&old))).unwrap();
    assert_eq!(old_report["kind"], "full");
    assert_eq!(old_report["version"], Value::Null);

    // An open document: its live diagnostics, the same as `jixiao check` (with the 申报表).
    s.open(&self_eval);
    let first = s.pull(&self_eval, None);
    assert_eq!(first["kind"], "full", "{first}");
    assert!(has_rule(&first, "declared-budget"), "{first}");
    assert_eq!(
        lsp_findings(&first),
        cli_findings(&dir, "2021-自评表.jixiao")
    );
    let id = first["resultId"].as_str().unwrap().to_string();
    assert_eq!(
        s.pull(&self_eval, Some(&id)),
        json!({"kind": "unchanged", "resultId": id})
    );
    // An edit that changes them: a full report again.
    // 年初预算数 as declared (its first figure, 100,000.00 → 120,000.00).
    let text = std::fs::read_to_string(&self_eval).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("年初预算数:"))
        .unwrap()
        + 1;
    let l = text.lines().nth(line).unwrap();
    let at = l[..l.find("100,000.00").unwrap()].chars().count() + 1;
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&self_eval), "version": 2},
               "contentChanges": [{"range": {"start": {"line": line, "character": at},
                                             "end": {"line": line, "character": at + 1}},
                                   "text": "2"}]}),
    );
    let edited = s.pull(&self_eval, Some(&id));
    assert_eq!(edited["kind"], "full", "{edited}");
    assert!(!has_rule(&edited, "declared-budget"), "{edited}");
    assert_eq!(lsp_findings(&edited).len() + 1, lsp_findings(&first).len());

    // The workspace with the ids it gave: unchanged, the open document at its version.
    let items = s.pull_all(&[]);
    let ids: Vec<(String, String)> = items
        .iter()
        .map(|i| {
            (
                i["uri"].as_str().unwrap().into(),
                i["resultId"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(ids.len(), 3, "{items:?}");
    let again = s.pull_all(&ids);
    assert!(again.iter().all(|i| i["kind"] == "unchanged"), "{again:?}");
    let open = again
        .iter()
        .find(|i| i["uri"] == json!(uri(&self_eval)))
        .unwrap();
    assert_eq!(open["version"], 2);

    // Fixed on disk, seen by the client's watcher: refresh, and a new report.
    let fixed = std::fs::read_to_string(&old)
        .unwrap()
        .replace("项目资金总额: 100", "项目资金总额: 30万");
    std::fs::write(&old, fixed).unwrap();
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&old), "type": 2}]}),
    );
    s.refreshed();
    let now = s.pull_all(&ids);
    let old_now = now.iter().find(|i| i["uri"] == json!(uri(&old))).unwrap();
    assert_eq!(old_now["kind"], "full", "{old_now}");
    assert!(!has_rule(old_now, "project-total"), "{old_now}");

    // The 申报表 lowers a target on disk: the open 自评表's findings change, the client is told.
    let decl_text = std::fs::read_to_string(&decl).unwrap();
    let lowered = decl_text.replace("医保培训人次: ≥1000.00", "医保培训人次: ≥900.00");
    assert_ne!(lowered, decl_text);
    std::fs::write(&decl, lowered).unwrap();
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&decl), "type": 2}]}),
    );
    s.refreshed();
    let edited_id = edited["resultId"].as_str().unwrap();
    let relinked = s.pull(&self_eval, Some(edited_id));
    assert_eq!(relinked["kind"], "full", "{relinked}");

    // A closed document: its problems on disk, which the client asks for once more.
    s.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri(&self_eval)}}),
    );
    // The file is checked again from disk, with its 申报表 as it now is on disk (lowered while
    // the document was open), and the client told to pull: what `jixiao check DIR` says.
    // The re-check runs after the close is answered: the client pulls again on each refresh.
    let sorted = |mut v: Vec<Value>| {
        v.sort_by_key(|f| f.to_string());
        v
    };
    let linked = sorted(cli_findings(&dir, "2021-自评表.jixiao"));
    let end = Instant::now() + DEADLINE;
    let closed = loop {
        s.refreshed();
        let closed = sorted(lsp_findings(&s.pull(&self_eval, None)));
        if closed == linked || Instant::now() > end {
            break closed;
        }
    };
    assert_eq!(closed, linked);

    let seen = s.shutdown();
    let pushed: Vec<_> = seen
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .collect();
    assert!(pushed.is_empty(), "pushed to a pull client: {pushed:?}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// Without file watchers, a change on disk is seen when a document is saved, and announced.
#[test]
fn without_watchers_a_save_announces_changes_on_disk() {
    let dir = workspace("save");
    let (old, self_eval) = (dir.join("旧表.jixiao"), dir.join("2021-自评表.jixiao"));
    let (mut s, _) = Server::start(&dir, pull_caps(false));
    s.pull_until(&old, |i| has_rule(i, "project-total"));
    s.open(&self_eval);
    let fixed = std::fs::read_to_string(&old)
        .unwrap()
        .replace("项目资金总额: 100", "项目资金总额: 30万");
    std::fs::write(&old, fixed).unwrap();
    s.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri(&self_eval)}}),
    );
    s.refreshed();
    s.pull_until(&old, |i| !has_rule(i, "project-total"));
    s.shutdown();
    std::fs::remove_dir_all(dir).unwrap();
}

/// A client without the capability: no `diagnosticProvider`, problems pushed as before.
#[test]
fn a_push_client_is_pushed_to() {
    pushed_to("push", json!({}));
}

/// A client that pulls open documents but cannot be told to pull again (Neovim 0.10) keeps the
/// push model, and with it the problems of the files that are not open.
#[test]
fn a_client_without_refresh_is_pushed_to() {
    let caps = json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}});
    pushed_to("no-refresh", caps);
}

fn pushed_to(name: &str, caps: Value) {
    let dir = workspace(name);
    let old = dir.join("旧表.jixiao");
    let (mut s, init) = Server::start(&dir, caps);
    assert_eq!(init["capabilities"].get("diagnosticProvider"), None);
    let u = uri(&old);
    let m = s.wait_for("旧表.jixiao's problems", |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == json!(u)
    });
    assert!(m.to_string().contains("project-total"), "{m}");
    s.shutdown();
    std::fs::remove_dir_all(dir).unwrap();
}

//! In-process protocol tests: each `tests/lsp/X.jixiao` is opened in a server built by
//! `jixiao::lsp::service()`, the steps of `X.steps` are sent one by one, and what comes back
//! (responses and published diagnostics, rendered readably) is compared with `X.responses`.
//! `UPDATE_EXPECT=1` rewrites the expected files.
//!
//! Steps, one per line (positions are LSP positions, `line:character`, 0-based, UTF-16):
//! `hover L:C`, `completion L:C`, `change L:C-L:C "text"`, `formatting`, `rangeFormatting L:C-L:C`,
//! `codeAction L:C-L:C`, `documentSymbol`, `foldingRange`, `semanticTokens`, `inlayHint L:C-L:C`,
//! `workspaceSymbol QUERY`, `configuration JSON` (didChangeConfiguration), `applyFirstAction L:C-L:C`,
//! `definition L:C`.
//!
//! Across files (`tests/link/link.steps`, the server's workspace folder being `tests/link`):
//! `open FILE` (didOpen of a file of the folder, which becomes the current document), `use FILE`
//! (makes an open file current), `published FILE` (the next diagnostics published for FILE).

mod common;
use common::*;
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use tower_lsp::jsonrpc::{Request, Response};
use tower_service::Service;

struct Client {
    service: tower_lsp::LspService<jixiao::lsp::Backend>,
    notes: tokio::sync::mpsc::UnboundedReceiver<Request>,
    next_id: i64,
    uri: String,
    version: i32,
    text: String,
    /// The other open documents: uri → (version, text).
    others: std::collections::HashMap<String, (i32, String)>,
}

impl Client {
    async fn start(uri: &str, text: &str) -> Client {
        Client::start_in(uri, text, None).await
    }

    async fn start_in(uri: &str, text: &str, root: Option<&str>) -> Client {
        let (service, socket, mut frames) = jixiao::lsp::service();
        let (mut from_server, mut to_server) = socket.split();
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        // Diagnostics arrive as the frames the server writes itself; they must decode as the
        // JSON-RPC notifications an editor reads.
        let frames_tx = tx.clone();
        tokio::spawn(async move {
            while let Some(frame) = frames.recv().await {
                let text = std::str::from_utf8(&frame).expect("UTF-8 frame");
                let (head, body) = text.split_once("\r\n\r\n").expect("a framed message");
                assert_eq!(head, format!("Content-Length: {}", body.len()));
                let _ = frames_tx.send(serde_json::from_str::<Request>(body).expect("JSON-RPC"));
            }
        });
        tokio::spawn(async move {
            while let Some(req) = from_server.next().await {
                // Answer the server's requests (configuration, registration) as a plain client would.
                if let Some(id) = req.id().cloned() {
                    let result = if req.method() == "workspace/configuration" {
                        json!([null])
                    } else {
                        Value::Null
                    };
                    let _ = to_server.send(Response::from_ok(id, result)).await;
                }
                let _ = tx.send(req);
            }
        });
        let mut c = Client {
            service,
            notes: rx,
            next_id: 1,
            uri: uri.into(),
            version: 1,
            text: text.into(),
            others: Default::default(),
        };
        c.request("initialize", json!({"capabilities": {}, "rootUri": root}))
            .await;
        c.notify("initialized", json!({})).await;
        c
    }

    async fn call(&mut self, req: Request) -> Option<Response> {
        std::future::poll_fn(|cx| self.service.poll_ready(cx))
            .await
            .unwrap();
        self.service.call(req).await.unwrap()
    }

    async fn request(&mut self, method: &'static str, params: Value) -> Value {
        self.next_id += 1;
        let req = Request::build(method)
            .params(params)
            .id(self.next_id)
            .finish();
        let resp = self.call(req).await.expect("a response");
        let (_, result) = resp.into_parts();
        result.unwrap_or_else(|e| json!({"error": e.message}))
    }

    async fn notify(&mut self, method: &'static str, params: Value) {
        let req = Request::build(method).params(params).finish();
        assert!(self.call(req).await.is_none());
    }

    /// The next publishDiagnostics for this document (of the current version when it has one).
    async fn diagnostics(&mut self) -> Value {
        let uri = self.uri.clone();
        self.diagnostics_of(&uri, Some(self.version)).await
    }

    /// The next publishDiagnostics for `uri` (of `version` when given).
    async fn diagnostics_of(&mut self, uri: &str, version: Option<i32>) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let msg = tokio::time::timeout_at(deadline, self.notes.recv())
                .await
                .expect("publishDiagnostics in time")
                .unwrap();
            if msg.method() != "textDocument/publishDiagnostics" {
                continue;
            }
            let p = msg.params().cloned().unwrap_or(Value::Null);
            let v = p["version"].as_i64();
            // A frame without a version is of the file on disk (published before it was open):
            // not the answer to an edit of the open document.
            let fits = match version {
                Some(w) => v == Some(i64::from(w)),
                None => true,
            };
            if p["uri"] == uri && fits {
                return p["diagnostics"].clone();
            }
        }
    }

    fn doc(&self) -> Value {
        json!({"uri": self.uri})
    }

    /// Makes `uri` the current document (opening it with `text` when it is not open).
    fn switch(&mut self, uri: &str, text: Option<String>) {
        let (version, text) = match self.others.remove(uri) {
            Some(d) => d,
            None => (1, text.expect("open before use")),
        };
        let old_uri = std::mem::replace(&mut self.uri, uri.to_string());
        let old_version = std::mem::replace(&mut self.version, version);
        let old_text = std::mem::replace(&mut self.text, text);
        if !old_uri.is_empty() {
            self.others.insert(old_uri, (old_version, old_text));
        }
    }
}

fn pos(s: &str) -> Value {
    let (l, c) = s.split_once(':').expect("L:C");
    json!({"line": l.parse::<u32>().unwrap(), "character": c.parse::<u32>().unwrap()})
}

fn range(s: &str) -> Value {
    let (a, b) = s.split_once('-').expect("L:C-L:C");
    json!({"start": pos(a), "end": pos(b)})
}

fn render_range(r: &Value) -> String {
    format!(
        "{}:{}-{}:{}",
        r["start"]["line"], r["start"]["character"], r["end"]["line"], r["end"]["character"]
    )
}

fn render_diagnostics(ds: &Value) -> String {
    let mut out = String::new();
    for d in ds.as_array().unwrap() {
        out.push_str(&format!(
            "  {} {} [{}] {}\n",
            render_range(&d["range"]),
            d["severity"],
            d["code"].as_str().unwrap_or(""),
            d["message"].as_str().unwrap_or("")
        ));
    }
    out
}

/// Applies LSP text edits (UTF-16 positions) to a text.
fn apply_edits(text: &str, edits: &[Value]) -> String {
    use jixiao::position::{Encoding, LineIndex};
    let ix = LineIndex::new(text);
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let r = &e["range"];
            let off = |p: &Value| {
                ix.offset(
                    text,
                    p["line"].as_u64().unwrap() as usize,
                    p["character"].as_u64().unwrap() as usize,
                    Encoding::Utf16,
                )
            };
            (
                off(&r["start"]),
                off(&r["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (a, b, t) in spans {
        out.replace_range(a..b, &t);
    }
    out
}

fn render_tokens(text: &str, data: &Value) -> String {
    let legend = jixiao::ide::TOKEN_TYPES;
    let lines: Vec<&str> = text.lines().collect();
    let d: Vec<u64> = data
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let (mut line, mut col) = (0u64, 0u64);
    let mut out = String::new();
    for t in d.chunks(5) {
        if t[0] > 0 {
            line += t[0];
            col = t[1];
        } else {
            col += t[1];
        }
        let l: Vec<u16> = lines
            .get(line as usize)
            .unwrap_or(&"")
            .encode_utf16()
            .collect();
        let piece = String::from_utf16_lossy(
            &l[(col as usize).min(l.len())..((col + t[2]) as usize).min(l.len())],
        );
        out.push_str(&format!(
            "  {}:{} {} {:?}\n",
            line, col, legend[t[3] as usize], piece
        ));
    }
    out
}

async fn run_scenario(input: &std::path::Path) -> String {
    let text = std::fs::read_to_string(input).unwrap();
    let steps = std::fs::read_to_string(input.with_extension("steps")).unwrap_or_default();
    let uri = format!(
        "file:///workspace/{}",
        input.file_name().unwrap().to_string_lossy()
    );
    let mut c = Client::start(&uri, &text).await;
    let mut out = String::new();
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "jixiao", "version": 1, "text": text}}),
    )
    .await;
    out.push_str(&format!(
        "## open\n{}",
        render_diagnostics(&c.diagnostics().await)
    ));
    run_steps(&mut c, &steps, None, &mut out).await;
    out
}

/// Runs `steps`; files named by `open`, `use` and `published` are in `dir`.
async fn run_steps(c: &mut Client, steps: &str, dir: Option<&std::path::Path>, out: &mut String) {
    let uri_of = |file: &str| -> String {
        let dir = dir.expect("a workspace folder");
        tower_lsp::lsp_types::Url::from_file_path(dir.join(file))
            .unwrap()
            .to_string()
    };
    for step in steps
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (verb, arg) = step.split_once(' ').unwrap_or((step, ""));
        out.push_str(&format!("## {step}\n"));
        let rendered = match verb {
            "hover" => {
                let r = c
                    .request(
                        "textDocument/hover",
                        json!({"textDocument": c.doc(), "position": pos(arg)}),
                    )
                    .await;
                if r.is_null() {
                    "  (none)\n".to_string()
                } else {
                    format!(
                        "  range {}\n{}\n",
                        render_range(&r["range"]),
                        r["contents"]["value"].as_str().unwrap_or("")
                    )
                }
            }
            "completion" => {
                let r = c
                    .request(
                        "textDocument/completion",
                        json!({"textDocument": c.doc(), "position": pos(arg)}),
                    )
                    .await;
                let items = r.as_array().cloned().unwrap_or_default();
                // The editor sorts by sortText: it must keep the server's order.
                let keys: Vec<&str> = items
                    .iter()
                    .filter_map(|i| i["sortText"].as_str())
                    .collect();
                assert_eq!(keys.len(), items.len(), "{step}: an item without sortText");
                assert!(keys.windows(2).all(|w| w[0] < w[1]), "{step}: {keys:?}");
                items
                    .iter()
                    .map(|i| {
                        let mark = if i["preselect"] == json!(true) {
                            "* "
                        } else {
                            ""
                        };
                        format!(
                            "  {mark}{} — {}\n",
                            i["label"].as_str().unwrap(),
                            i["detail"].as_str().unwrap_or("")
                        )
                    })
                    .collect::<String>()
            }
            "ruleDoc" => {
                let r = c.request("jixiao/ruleDoc", json!({ "rule": arg })).await;
                match r["markdown"].as_str() {
                    Some(md) => md.lines().take(4).map(|l| format!("  | {l}\n")).collect(),
                    None => format!("  {r}\n"),
                }
            }
            "change" => {
                let (r, t) = arg.split_once(' ').unwrap();
                let new_text: String = serde_json::from_str(t).unwrap();
                c.version += 1;
                let edit = json!({"range": range(r), "text": new_text});
                c.text = apply_edits(&c.text, &[json!({"range": range(r), "newText": new_text})]);
                c.notify("textDocument/didChange", json!({"textDocument": {"uri": c.uri, "version": c.version}, "contentChanges": [edit]})).await;
                render_diagnostics(&c.diagnostics().await)
            }
            "formatting" | "rangeFormatting" => {
                let r = if verb == "formatting" {
                    c.request("textDocument/formatting", json!({"textDocument": c.doc(), "options": {"tabSize": 2, "insertSpaces": true}})).await
                } else {
                    c.request("textDocument/rangeFormatting", json!({"textDocument": c.doc(), "range": range(arg), "options": {"tabSize": 2, "insertSpaces": true}})).await
                };
                let edits = r.as_array().cloned().unwrap_or_default();
                let after = apply_edits(&c.text, &edits);
                let settings = jixiao::check::Settings::default();
                let cli = jixiao::analysis::format_text(&c.text, &settings);
                let same = if verb == "formatting" {
                    format!("  same as `jixiao fmt`: {}\n", after == cli)
                } else {
                    String::new()
                };
                format!(
                    "  {} edit(s)\n{same}{}",
                    edits.len(),
                    after
                        .lines()
                        .map(|l| format!("  | {l}\n"))
                        .collect::<String>()
                )
            }
            "codeAction" | "applyFirstAction" => {
                let r = c.request("textDocument/codeAction", json!({"textDocument": c.doc(), "range": range(arg), "context": {"diagnostics": []}})).await;
                let actions = r.as_array().cloned().unwrap_or_default();
                let mut s: String = actions
                    .iter()
                    .map(|a| {
                        format!(
                            "  {} ({})\n",
                            a["title"].as_str().unwrap(),
                            a["diagnostics"][0]["code"].as_str().unwrap_or("")
                        )
                    })
                    .collect();
                if verb == "applyFirstAction" {
                    if let Some(a) = actions.first() {
                        let edits = a["edit"]["changes"][&c.uri]
                            .as_array()
                            .cloned()
                            .unwrap_or_default();
                        c.text = apply_edits(&c.text, &edits);
                        c.version += 1;
                        c.notify("textDocument/didChange", json!({"textDocument": {"uri": c.uri, "version": c.version}, "contentChanges": [{"text": c.text}]})).await;
                        s.push_str("  applied; diagnostics now:\n");
                        s.push_str(&render_diagnostics(&c.diagnostics().await));
                    }
                }
                s
            }
            "documentSymbol" => {
                fn walk(v: &Value, depth: usize, out: &mut String) {
                    for s in v.as_array().into_iter().flatten() {
                        out.push_str(&format!(
                            "  {}{} [{}] {} {}\n",
                            "  ".repeat(depth),
                            s["name"].as_str().unwrap(),
                            s["kind"],
                            render_range(&s["range"]),
                            s["detail"].as_str().unwrap_or("")
                        ));
                        walk(&s["children"], depth + 1, out);
                    }
                }
                let r = c
                    .request(
                        "textDocument/documentSymbol",
                        json!({"textDocument": c.doc()}),
                    )
                    .await;
                let mut s = String::new();
                walk(&r, 0, &mut s);
                s
            }
            "foldingRange" => {
                let r = c
                    .request(
                        "textDocument/foldingRange",
                        json!({"textDocument": c.doc()}),
                    )
                    .await;
                r.as_array()
                    .unwrap()
                    .iter()
                    .map(|f| format!("  {}-{}\n", f["startLine"], f["endLine"]))
                    .collect()
            }
            "semanticTokens" => {
                let r = c
                    .request(
                        "textDocument/semanticTokens/full",
                        json!({"textDocument": c.doc()}),
                    )
                    .await;
                render_tokens(&c.text, &r["data"])
            }
            "inlayHint" => {
                let r = c
                    .request(
                        "textDocument/inlayHint",
                        json!({"textDocument": c.doc(), "range": range(arg)}),
                    )
                    .await;
                r.as_array()
                    .unwrap()
                    .iter()
                    .map(|h| {
                        format!(
                            "  {}:{} {}\n",
                            h["position"]["line"],
                            h["position"]["character"],
                            h["label"].as_str().unwrap()
                        )
                    })
                    .collect()
            }
            "workspaceSymbol" => {
                let r = c.request("workspace/symbol", json!({"query": arg})).await;
                r.as_array()
                    .unwrap()
                    .iter()
                    .map(|s| {
                        format!(
                            "  {} {}\n",
                            s["name"].as_str().unwrap(),
                            render_range(&s["location"]["range"])
                        )
                    })
                    .collect()
            }
            "configuration" => {
                let settings: Value = serde_json::from_str(arg).unwrap();
                c.notify(
                    "workspace/didChangeConfiguration",
                    json!({"settings": {"jixiao": settings}}),
                )
                .await;
                render_diagnostics(&c.diagnostics().await)
            }
            "open" => {
                let text = std::fs::read_to_string(dir.unwrap().join(arg)).unwrap();
                let uri = uri_of(arg);
                c.switch(&uri, Some(text.clone()));
                c.notify(
                    "textDocument/didOpen",
                    json!({"textDocument": {"uri": uri, "languageId": "jixiao", "version": 1, "text": text}}),
                )
                .await;
                render_diagnostics(&c.diagnostics().await)
            }
            "use" => {
                c.switch(&uri_of(arg), None);
                String::new()
            }
            "published" => render_diagnostics(&c.diagnostics_of(&uri_of(arg), None).await),
            "definition" => {
                let r = c
                    .request(
                        "textDocument/definition",
                        json!({"textDocument": c.doc(), "position": pos(arg)}),
                    )
                    .await;
                if r.is_null() {
                    "  (none)\n".to_string()
                } else {
                    let file = r["uri"].as_str().unwrap().rsplit('/').next().unwrap();
                    let file = percent_decode(file);
                    format!("  {file} {}\n", render_range(&r["range"]))
                }
            }
            other => panic!("unknown step {other}"),
        };
        out.push_str(&rendered);
    }
}

/// A file name from a `file:` URI (percent-encoded UTF-8).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The 申报表 and 自评表 of `tests/link` in a server whose workspace folder is that folder:
/// diagnostics across files, definition, hover, and the 自评表 following edits of the 申报表.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn link_scenario() {
    let dir = root().join("tests/link");
    let root_uri = tower_lsp::lsp_types::Url::from_file_path(&dir)
        .unwrap()
        .to_string();
    let steps = std::fs::read_to_string(dir.join("link.steps")).unwrap();
    let mut c = Client::start_in("", "", Some(&root_uri)).await;
    let mut out = String::new();
    run_steps(&mut c, &steps, Some(&dir), &mut out).await;
    run_all(vec![(
        "link".into(),
        expect_file(&dir.join("link.responses"), &out),
    )]);
}

/// Two years of one unit in `tests/history`, all open: the 2022 申报表's diagnostics against
/// 2021, hover with last year's target and actual, last year's request as an inlay hint, last
/// year's indicators first in completion. No workspace folder: the background scan would race
/// with the steps (the index on disk is covered by `link::tests::declared_from_disk`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_scenario() {
    let dir = root().join("tests/history");
    let steps = std::fs::read_to_string(dir.join("history.steps")).unwrap();
    let mut c = Client::start_in("", "", None).await;
    let mut out = String::new();
    run_steps(&mut c, &steps, Some(&dir), &mut out).await;
    run_all(vec![(
        "history".into(),
        expect_file(&dir.join("history.responses"), &out),
    )]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protocol_scenarios() {
    let mut cases = Vec::new();
    for input in inputs(&root().join("tests/lsp")) {
        let out = run_scenario(&input).await;
        let name = input.file_name().unwrap().to_string_lossy().to_string();
        cases.push((name, expect_file(&input.with_extension("responses"), &out)));
    }
    assert!(!cases.is_empty());
    run_all(cases);
}

//! The whole-file requests (document symbols, folding ranges, semantic tokens) are answered by
//! the built server without tower-lsp's `Value` tree (`src/lsp/direct.rs`): their answers over
//! stdio must be exactly what tower-lsp's handlers give in process, and whatever the direct path
//! does not take (a document never opened, bad params, after `shutdown`) still gets tower-lsp's
//! answer.

mod common;
use common::lsp::Server;
use serde_json::{json, Value};
use tower_lsp::jsonrpc::Request;
use tower_service::Service;

const METHODS: &[&str] = &[
    "textDocument/documentSymbol",
    "textDocument/foldingRange",
    "textDocument/semanticTokens/full",
    "textDocument/semanticTokens/range",
    "textDocument/completion",
    "textDocument/completion#value",
];

/// The method of a `METHODS` entry (after `#`: which case of it).
fn method(m: &str) -> &str {
    m.split('#').next().unwrap()
}

fn params(method: &str, uri: &str) -> Value {
    let mut p = json!({"textDocument": {"uri": uri}});
    if method == "textDocument/completion" {
        // At the start of an indicator line's name (a third-level entry is usually there).
        p["position"] = json!({"line": 22, "character": 6});
    } else if method == "textDocument/completion#value" {
        p["position"] = json!({"line": 13, "character": 30});
    }
    if method.ends_with("/range") {
        p["range"] =
            json!({"start": {"line": 3, "character": 0}, "end": {"line": 40, "character": 0}});
    }
    p
}

/// The in-process answers (tower-lsp's path) to every method, for `text` opened at `uri`.
fn in_process(uri: &str, text: &str) -> Vec<Value> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let (mut service, _socket, _frames) = jixiao::lsp::service();
            let mut call = |id: Option<i64>, method: &str, params: Value| {
                let b = Request::build(method.to_string()).params(params);
                let req = match id {
                    Some(id) => b.id(id).finish(),
                    None => b.finish(),
                };
                service.call(req)
            };
            call(Some(0), "initialize", json!({"capabilities": {}})).await.unwrap();
            call(None, "initialized", json!({})).await.unwrap();
            let open = json!({"textDocument": {"uri": uri, "languageId": "jixiao", "version": 1, "text": text}});
            call(None, "textDocument/didOpen", open).await.unwrap();
            let mut out = Vec::new();
            for (i, m) in METHODS.iter().enumerate() {
                let r = call(Some(i as i64 + 1), method(m), params(m, uri))
                    .await
                    .unwrap()
                    .unwrap();
                out.push(serde_json::to_value(r).unwrap()["result"].clone());
            }
            out
        })
}

#[test]
fn whole_file_answers_are_those_of_tower_lsp() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = ["tests/lsp", "examples"]
        .iter()
        .flat_map(|d| std::fs::read_dir(dir.join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jixiao"))
        .collect();
    files.sort();
    assert!(files.len() > 5);
    let mut completions = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let uri = format!(
            "file:///direct/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        let want = in_process(&uri, &text);
        // A server of its own, as in process: completion also offers the other open forms'.
        let mut s = Server::start_with(json!({"capabilities": {}}));
        s.open(&uri, &text, 1);
        // Opened before the requests come (else they go to tower-lsp).
        s.diagnostics(&uri, 1);
        for (m, want) in METHODS.iter().zip(want) {
            let got = s.request(method(m), params(m, &uri));
            assert_eq!(got["result"], want, "{m} of {}: {got}", path.display());
            assert!(
                got["result"].is_array() || got["result"].is_object(),
                "{m}: {got}"
            );
            if m.starts_with("textDocument/completion") {
                completions += got["result"].as_array().map_or(0, Vec::len);
            }
        }
        if path.file_name().is_some_and(|n| n != "native.jixiao") {
            s.notify(
                "textDocument/didClose",
                json!({"textDocument": {"uri": uri}}),
            );
        }
    }
    assert!(
        completions > 50,
        "completion offered {completions} items in all"
    );
    let mut s = Server::start_with(json!({"capabilities": {}}));
    let native = std::fs::read_to_string(dir.join("tests/lsp/native.jixiao")).unwrap();
    s.open("file:///direct/native.jixiao", &native, 1);
    s.diagnostics("file:///direct/native.jixiao", 1);
    // What the direct path does not take: a document never opened, params that are not the
    // method's (an error, as tower-lsp gives it), and requests after shutdown.
    let r = s.request(
        "textDocument/documentSymbol",
        params("", "file:///never-opened.jixiao"),
    );
    assert_eq!(r["result"], Value::Null, "{r}");
    let r = s.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": "file:///direct/native.jixiao"}, "extra": [1]}),
    );
    assert!(r.get("error").is_none(), "unknown fields are allowed: {r}");
    let r = s.request(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": "file:///direct/native.jixiao", "version": "x"}}),
    );
    assert!(r["result"].is_array(), "{r}");
    let r = s.request(
        "textDocument/semanticTokens/range",
        json!({"textDocument": {"uri": "file:///direct/native.jixiao"}}),
    );
    assert_eq!(
        r["error"]["code"], -32602,
        "a range request without its range: {r}"
    );
    let r = s.request("shutdown", Value::Null);
    assert!(r.get("error").is_none(), "{r}");
    let r = s.request(
        "textDocument/documentSymbol",
        params("", "file:///direct/native.jixiao"),
    );
    assert_eq!(r["error"]["code"], -32600, "after shutdown: {r}");
    s.notify("exit", Value::Null);
    assert_eq!(s.exit_code(), Some(0));
}

//! Cross-file findings of files never opened, over stdio as an editor without file watchers
//! sees them: they equal what `jixiao check DIR` reports, follow a partner edited in the editor
//! or changed on disk, and come from a jixiao.toml's `roots` too. The forms are those of
//! `tests/roots` (a 2021 申报表, its 自评表 with a lowered target, and the 2022 申报表).

mod common;

use common::lsp::Server;
use common::root;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// A fresh folder holding the forms of `tests/roots`: flat, or as `本年` and `上年` with the
/// jixiao.toml of `本年` (`roots = ["../上年"]`).
fn scratch(name: &str, flat: bool) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jixiao-links-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for sub in ["本年", "上年"] {
        let to = if flat { dir.clone() } else { dir.join(sub) };
        std::fs::create_dir_all(&to).unwrap();
        for f in common::inputs(&root().join("tests/roots").join(sub)) {
            std::fs::copy(&f, to.join(f.file_name().unwrap())).unwrap();
        }
    }
    if !flat {
        let toml = std::fs::read_to_string(root().join("tests/roots/本年/jixiao.toml")).unwrap();
        std::fs::write(dir.join("本年/jixiao.toml"), toml).unwrap();
    }
    dir
}

/// The server's started on the workspace folder `root`, as a client without file watchers.
fn start(root: &Path) -> Server {
    let root = uri(root);
    Server::start_with(
        json!({"capabilities": {}, "rootUri": root, "workspaceFolders": [{"uri": root, "name": "w"}]}),
    )
}

/// The URI the server gives `path`.
fn uri(p: &Path) -> String {
    tower_lsp::lsp_types::Url::from_file_path(p)
        .unwrap()
        .to_string()
}

/// The latest diagnostics published for `uri` as a file on disk (without a version).
fn on_disk<'s>(s: &'s Server, uri: &str) -> Option<&'s Vec<Value>> {
    let p = s.diags.get(uri)?;
    p["version"]
        .is_null()
        .then(|| p["diagnostics"].as_array())
        .flatten()
}

/// Reads messages until `ok` holds for the latest on-disk diagnostics of `uri`.
fn until_disk(s: &mut Server, uri: &str, what: &str, ok: impl Fn(&[Value]) -> bool) {
    while !on_disk(s, uri).is_some_and(|d| ok(d)) {
        s.next(what);
    }
}

/// Whether `diagnostics` has one of `rule`.
fn has(diagnostics: &[Value], rule: &str) -> bool {
    diagnostics.iter().any(|d| d["code"] == rule)
}

/// One diagnostic as the CLI's JSON writes it: (line, column, end line, end column, rule,
/// severity, message), 1-based. Columns are characters: these files have no character
/// outside the BMP, where UTF-16 and characters agree.
type Finding = (u64, u64, u64, u64, String, String, String);

fn from_lsp(d: &Value) -> Finding {
    let n = |v: &Value| v.as_u64().unwrap() + 1;
    let r = &d["range"];
    let severity = ["", "error", "warning", "info"][d["severity"].as_u64().unwrap() as usize];
    (
        n(&r["start"]["line"]),
        n(&r["start"]["character"]),
        n(&r["end"]["line"]),
        n(&r["end"]["character"]),
        d["code"].as_str().unwrap().into(),
        severity.into(),
        d["message"].as_str().unwrap().into(),
    )
}

/// What `jixiao check --format json DIR` reports, by file (absolute path).
fn cli(dir: &Path) -> HashMap<PathBuf, BTreeSet<Finding>> {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["check", "--format", "json", "."])
        .current_dir(dir)
        .output()
        .unwrap();
    let records: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    let mut out: HashMap<PathBuf, BTreeSet<Finding>> = HashMap::new();
    for r in records {
        let n = |k: &str| r[k].as_u64().unwrap();
        let s = |k: &str| r[k].as_str().unwrap().to_string();
        let file = dir.join(s("file").trim_start_matches("./"));
        let f = (
            n("line"),
            n("column"),
            n("end_line"),
            n("end_column"),
            s("rule"),
            s("severity"),
            s("message"),
        );
        out.entry(file).or_default().insert(f);
    }
    out
}

/// Waits until the latest on-disk diagnostics of every file in `want` are those.
fn until_published(s: &mut Server, want: &HashMap<PathBuf, BTreeSet<Finding>>, what: &str) {
    let same = |s: &Server| {
        want.iter().all(|(p, f)| {
            on_disk(s, &uri(p))
                .is_some_and(|d| d.iter().map(from_lsp).collect::<BTreeSet<_>>() == *f)
        })
    };
    while !same(s) {
        s.next(what);
    }
}

#[test]
fn unopened_files_report_what_the_cli_reports() {
    let dir = scratch("cli", true);
    let want = cli(&dir);
    let rules: BTreeSet<&str> = want.values().flatten().map(|f| f.4.as_str()).collect();
    for r in [
        "declared-target-lowered",
        "target-lowered-funding-up",
        "target-below-actual",
        "indicator-dropped-yoy",
    ] {
        assert!(rules.contains(r), "the CLI finds {r}: {want:?}");
    }
    let mut s = start(&dir);
    until_published(&mut s, &want, "the CLI's findings for every file");
    s.stop();
    std::fs::remove_dir_all(dir).unwrap();
}

/// A 申报表 too large for the scan to keep its summaries without a known partner (read before
/// its 自评表): they are read again from disk when the 自评表 comes, and the findings are still
/// the CLI's.
#[test]
fn a_large_form_is_read_again_for_its_partners() {
    let dir = scratch("large", true);
    let declared = dir.join("2021-申报表.jixiao");
    let text = std::fs::read_to_string(&declared).unwrap();
    // Comments above the header: 300 KiB more, the same forms.
    let padding = "# 备注：这一行只是让文件变大，不改变表的内容。\n".repeat(5000);
    assert!(padding.len() > 256 * 1024);
    std::fs::write(&declared, padding + &text).unwrap();
    let want = cli(&dir);
    let self_eval = want
        .iter()
        .find(|(p, _)| p.ends_with("2021-自评表.jixiao"))
        .map(|(_, f)| f)
        .unwrap();
    assert!(self_eval.iter().any(|f| f.4 == "declared-target-lowered"));
    let mut s = start(&dir);
    until_published(
        &mut s,
        &want,
        "the CLI's findings, the large 申报表 read again",
    );
    s.stop();
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn unopened_files_follow_their_partner() {
    let dir = scratch("follow", true);
    let declared = dir.join("2021-申报表.jixiao");
    let own = uri(&dir.join("2021-自评表.jixiao"));
    let next = uri(&dir.join("2022-申报表.jixiao"));
    let mut s = start(&dir);
    let lowered = |d: &[Value]| has(d, "declared-target-lowered");
    until_disk(&mut s, &own, "the 自评表's lowered target", lowered);

    // The 申报表 edited in the editor, not saved: its target 1000 → 900 is the 自评表's now,
    // and the 2022 target 950 is no longer lower than last year's.
    let text = std::fs::read_to_string(&declared).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("医保培训人次"))
        .unwrap();
    let col = text
        .lines()
        .nth(line)
        .unwrap()
        .chars()
        .position(|c| c == '1')
        .unwrap();
    let d_uri = uri(&declared);
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": d_uri, "languageId": "jixiao", "version": 1, "text": text}}),
    );
    let range = json!({"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 4}});
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": d_uri, "version": 2}, "contentChanges": [{"range": range, "text": "900"}]}),
    );
    until_disk(
        &mut s,
        &own,
        "the 自评表 without the lowered target",
        |d| !lowered(d),
    );
    // Of its two lowered targets, 医保培训教育增长数's is left.
    until_disk(&mut s, &next, "the 2022 申报表 following", |d| {
        d.iter()
            .filter(|d| d["code"] == "target-lowered-funding-up")
            .count()
            == 1
    });

    // Closed without saving: the file on disk counts again.
    s.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": d_uri}}),
    );
    until_disk(&mut s, &own, "the lowered target again", lowered);

    // Changed on disk, seen at the next save (no file watchers).
    let saved = text.replace(
        "医保培训人次: ≥1000.00(人次)",
        "医保培训人次: ≥900.00(人次)",
    );
    assert_ne!(saved, text);
    std::fs::write(&declared, &saved).unwrap();
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": next, "languageId": "jixiao", "version": 1, "text": std::fs::read_to_string(dir.join("2022-申报表.jixiao")).unwrap()}}),
    );
    s.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": next}}),
    );
    until_disk(
        &mut s,
        &own,
        "the 自评表 after the change on disk",
        |d| !lowered(d),
    );
    s.stop();
    std::fs::remove_dir_all(dir).unwrap();
}

/// `本年` is the workspace; its jixiao.toml names `../上年`, where the 2021 申报表 is: the
/// 自评表 and the 2022 申报表 of `本年`, open or not, are held against it; it is not reported;
/// a root that does not exist is a warning naming the jixiao.toml line.
#[test]
fn roots_are_context_in_the_server() {
    let dir = scratch("roots", false);
    let toml = "roots = [\n  \"../上年\",\n  \"../没有\",\n]\n";
    std::fs::write(dir.join("本年/jixiao.toml"), toml).unwrap();
    let own = uri(&dir.join("本年/2021-自评表.jixiao"));
    let next = uri(&dir.join("本年/2022-申报表.jixiao"));
    let mut s = start(&dir.join("本年"));
    // Shown when the first file under that jixiao.toml is found, before its diagnostics.
    let warning = s.wait_for("the warning", |m| m["method"] == "window/showMessage");
    until_disk(
        &mut s,
        &own,
        "the 自评表's lowered target via the root",
        |d| has(d, "declared-target-lowered"),
    );
    until_disk(
        &mut s,
        &next,
        "the 2022 申报表 against last year via the root",
        |d| has(d, "target-lowered-funding-up"),
    );
    let text = warning["params"]["message"].as_str().unwrap();
    assert!(
        text.contains("jixiao.toml:3: roots 中的「../没有」不存在"),
        "{text}"
    );
    // Open, the 自评表 is held against the root's 申报表 too.
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": own, "languageId": "jixiao", "version": 1, "text": std::fs::read_to_string(dir.join("本年/2021-自评表.jixiao")).unwrap()}}),
    );
    let live = s.diagnostics(&own, 1);
    assert!(
        has(
            live["diagnostics"].as_array().unwrap(),
            "declared-target-lowered"
        ),
        "{live}"
    );
    let context = uri(&dir.join("上年"));
    s.request("workspace/symbol", json!({"query": ""}));
    assert!(
        !s.diags.keys().any(|u| u.starts_with(&context)),
        "a root's file is never published"
    );
    // The root taken out of jixiao.toml, seen at the next save (no file watchers): the 2022
    // 申报表 has no last year's 申报表 any more.
    std::fs::write(dir.join("本年/jixiao.toml"), "").unwrap();
    s.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": own}}),
    );
    until_disk(&mut s, &next, "the 2022 申报表 without the root", |d| {
        !has(d, "target-lowered-funding-up")
    });
    s.stop();
    std::fs::remove_dir_all(dir).unwrap();
}

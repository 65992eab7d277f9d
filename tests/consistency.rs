//! The server from outside its process, as an editor drives it: the built `jixiao lsp` over
//! stdio, random edits in UTF-16 positions (CJK, surrogate pairs, CRLF and lone CR, pasted and
//! deleted projects, batched changes) on the examples and fixtures, in a workspace with a
//! `jixiao.toml`. At each checkpoint the server must agree with the CLI on the same text:
//!
//! - its published diagnostics = `jixiao check --format json` (rule, range in UTF-16, message);
//! - its formatting edits, applied as a client applies them = `jixiao fmt`;
//! - the edited document's diagnostics = those of a freshly opened copy.
//!
//! A short seeded run by default; `JIXIAO_CONSISTENCY_EDITS=100000` for a long one,
//! `JIXIAO_CONSISTENCY_SEED=N` to replay a run (docs/TESTING.md).

mod common;

use common::lsp::{file_uri, Server};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---- positions as LSP counts them: lines end at \n, \r\n or \r; columns in UTF-16 units ----

fn line_starts(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut starts = vec![0];
    for i in 0..b.len() {
        if b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            starts.push(i + 1);
        }
    }
    starts
}

fn content_end(text: &str, starts: &[usize], line: usize) -> usize {
    let mut end = starts.get(line + 1).copied().unwrap_or(text.len());
    let b = text.as_bytes();
    if end > starts[line] && b[end - 1] == b'\n' {
        end -= 1;
    }
    if end > starts[line] && b[end - 1] == b'\r' {
        end -= 1;
    }
    end
}

fn position(text: &str, offset: usize) -> Value {
    let starts = line_starts(text);
    let line = starts.partition_point(|&s| s <= offset) - 1;
    let end = content_end(text, &starts, line).min(offset);
    let col: usize = text[starts[line]..end].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": col})
}

fn offset(text: &str, pos: &Value) -> usize {
    let starts = line_starts(text);
    let line = pos["line"].as_u64().unwrap() as usize;
    let Some(&start) = starts.get(line) else {
        return text.len();
    };
    let end = content_end(text, &starts, line);
    let mut units = pos["character"].as_u64().unwrap() as usize;
    for (i, c) in text[start..end].char_indices() {
        if units < c.len_utf16() {
            return start + i;
        }
        units -= c.len_utf16();
    }
    end
}

/// A CLI position (1-based line by `\n`, 1-based column in characters) as a byte offset.
fn cli_offset(text: &str, line: u64, column: u64) -> usize {
    let start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line as usize - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    let rest = &text[start..];
    rest.char_indices()
        .take_while(|&(i, c)| c != '\n' && i < rest.len())
        .nth(column as usize - 1)
        .map_or_else(
            || start + rest.find('\n').unwrap_or(rest.len()),
            |(i, _)| start + i,
        )
}

/// `offset` as the CLI counts it (lines by `\n` only, a final `\r` at the end of a line or of
/// the text outside any column), back as a byte offset. The CLI cannot name the end of a text
/// that ends with a lone `\r`; the server's ranges go through this too before they are
/// compared with the CLI's.
fn as_cli_sees_it(text: &str, offset: usize) -> usize {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let mut end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    if end > start && text.as_bytes()[end - 1] == b'\r' {
        end -= 1;
    }
    offset.min(end)
}

/// A position a client can name: a character boundary, never between `\r` and `\n`.
fn snap(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    if at > 0 && text.as_bytes()[at - 1] == b'\r' && text.as_bytes().get(at) == Some(&b'\n') {
        at -= 1;
    }
    at
}

fn apply(text: &mut String, edits: &[Value]) {
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            let (a, b) = (
                offset(text, &e["range"]["start"]),
                offset(text, &e["range"]["end"]),
            );
            (a, b, e["newText"].as_str().unwrap())
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    for (a, b, t) in spans {
        text.replace_range(a..b, t);
    }
}

// ---- the server and the CLI ----

/// The server in a workspace at `root`; a long run can keep it busy, so waits are longer.
fn start(root: &Path) -> Server {
    let mut s = Server::start_with(json!({"capabilities": {}, "rootUri": file_uri(root)}));
    s.deadline = Duration::from_secs(60);
    s
}

fn formatting(s: &mut Server, uri: &str) -> Vec<Value> {
    let r = s.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert!(r.get("error").is_none(), "formatting: {r}");
    r["result"].as_array().cloned().unwrap_or_default()
}

/// `diags` with each range as the CLI would report it (see `as_cli_sees_it`).
fn cli_ranges(text: &str, diags: &Value) -> Value {
    let mut diags = diags.clone();
    for d in diags.as_array_mut().unwrap() {
        for end in ["start", "end"] {
            let at = as_cli_sees_it(text, offset(text, &d["range"][end]));
            d["range"][end] = position(text, at);
        }
    }
    diags
}

/// Diagnostics in one comparable form: (rule, range, severity, message), sorted.
fn normal(diags: &Value) -> Vec<String> {
    let mut out: Vec<String> = diags
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let r = &d["range"];
            format!(
                "{} {}:{}-{}:{} s{} {}",
                d["code"].as_str().unwrap_or(""),
                r["start"]["line"],
                r["start"]["character"],
                r["end"]["line"],
                r["end"]["character"],
                d["severity"],
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    out.sort();
    out
}

/// `jixiao check --format json` on `text`, as the server would publish it.
fn cli_check(file: &Path, text: &str) -> Value {
    std::fs::write(file, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["check", "--format", "json"])
        .arg(file)
        .output()
        .unwrap();
    let found: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let diags: Vec<Value> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let at = |l: &str, c: &str| {
                let o = cli_offset(text, d[l].as_u64().unwrap(), d[c].as_u64().unwrap());
                position(text, o)
            };
            let severity = match d["severity"].as_str().unwrap() {
                "error" => 1,
                "warning" => 2,
                _ => 3,
            };
            json!({"range": {"start": at("line", "column"), "end": at("end_line", "end_column")},
                   "code": d["rule"], "severity": severity, "message": d["message"]})
        })
        .collect();
    Value::Array(diags)
}

/// `jixiao fmt` on `text`.
fn cli_fmt(file: &Path, text: &str) -> String {
    std::fs::write(file, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("fmt")
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(file).unwrap()
}

// ---- the session ----

/// One workspace: a temporary folder (with or without a jixiao.toml), a server, a document.
struct Session {
    dir: PathBuf,
    server: Server,
    uri: String,
    text: String,
    version: i64,
    checkpoints: usize,
    label: String,
    /// Diagnostics compared, formatting edits checked: so a run that compared nothing shows.
    compared: (usize, usize),
}

impl Session {
    fn new(label: &str, config: Option<&str>, text: &str) -> Session {
        let dir =
            std::env::temp_dir().join(format!("jixiao-consistency-{}-{label}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        if let Some(c) = config {
            std::fs::write(dir.join("jixiao.toml"), c).unwrap();
        }
        let mut server = start(&dir);
        let uri = file_uri(&dir.join("编辑中 doc.jixiao"));
        server.open(&uri, text, 1);
        Session {
            dir,
            server,
            uri,
            text: text.to_string(),
            version: 1,
            checkpoints: 0,
            label: label.to_string(),
            compared: (0, 0),
        }
    }

    /// Sends `changes` (each as (start, end, text) in bytes of the text at that point) in one
    /// didChange, and applies them here.
    fn change(&mut self, changes: &[(usize, usize, String)]) {
        let mut lsp = Vec::new();
        for (a, b, t) in changes {
            let (a, b) = (snap(&self.text, *a), snap(&self.text, *b));
            let (a, b) = (a.min(b), a.max(b));
            lsp.push(json!({"range": {"start": position(&self.text, a), "end": position(&self.text, b)}, "text": t}));
            self.text.replace_range(a..b, t);
        }
        self.version += 1;
        self.server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": self.uri, "version": self.version}, "contentChanges": lsp}),
        );
    }

    fn fail(&self, what: &str, expected: &str, actual: &str) -> ! {
        let keep = self.dir.join(format!("failed-{}.jixiao", self.checkpoints));
        std::fs::write(&keep, &self.text).unwrap();
        panic!(
            "{}: {what} differs at version {} (text kept in {}; replay with the seed printed above)\n--- expected\n{expected}\n--- actual\n{actual}",
            self.label,
            self.version,
            keep.display()
        );
    }

    /// Diagnostics = CLI, = a fresh copy; formatting = `jixiao fmt`. `apply_format`: then
    /// applies the formatting as a client would.
    fn checkpoint(&mut self, apply_format: bool) {
        self.checkpoints += 1;
        let published = self.server.diagnostics(&self.uri, self.version)["diagnostics"].clone();
        let cli_file = self.dir.join("cli.jixiao");
        let cli = cli_check(&cli_file, &self.text);
        let p = normal(&published);
        let c = normal(&cli);
        if normal(&cli_ranges(&self.text, &published)) != c {
            self.fail(
                "diagnostics vs `jixiao check`",
                &c.join("\n"),
                &p.join("\n"),
            );
        }
        let fresh = file_uri(&self.dir.join(format!("fresh-{}.jixiao", self.checkpoints)));
        self.server.open(&fresh, &self.text, 1);
        let again = normal(&self.server.diagnostics(&fresh, 1)["diagnostics"]);
        // The same text at another path: only the URI differs, and no message names it.
        if again != p {
            self.fail(
                "diagnostics vs a fresh copy",
                &again.join("\n"),
                &p.join("\n"),
            );
        }
        self.server.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": fresh}}),
        );
        self.compared.0 += p.len();
        let edits = formatting(&mut self.server, &self.uri);
        self.compared.1 += usize::from(!edits.is_empty());
        let mut formatted = self.text.clone();
        apply(&mut formatted, &edits);
        let expected = cli_fmt(&cli_file, &self.text);
        if formatted != expected {
            self.fail(
                "formatting vs `jixiao fmt`",
                &format!("{expected:?}"),
                &format!("{formatted:?} (edits {edits:?})"),
            );
        }
        if apply_format && !edits.is_empty() {
            let changes: Vec<(usize, usize, String)> = {
                let mut e: Vec<(usize, usize, String)> = edits
                    .iter()
                    .map(|e| {
                        (
                            offset(&self.text, &e["range"]["start"]),
                            offset(&self.text, &e["range"]["end"]),
                            e["newText"].as_str().unwrap().to_string(),
                        )
                    })
                    .collect();
                e.sort_by_key(|c| std::cmp::Reverse(c.0));
                e
            };
            self.change(&changes);
            assert_eq!(self.text, expected);
        }
    }

    /// Ends the session; returns (checkpoints, diagnostics compared, formattings that edited).
    fn end(self) -> (usize, usize, usize) {
        let counts = (self.checkpoints, self.compared.0, self.compared.1);
        assert_eq!(self.server.stop(), Some(0));
        let _ = std::fs::remove_dir_all(&self.dir);
        counts
    }
}

// ---- random edits ----

const SNIPPETS: &[&str] = &[
    "甲",
    "项目",
    "：",
    ": ",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\r",
    "😀",
    "𠀀",
    "#",
    "# 注释\n",
    "100",
    "万元",
    "≥",
    "≤",
    "%",
    "（",
    "）",
    "个",
    "\t",
    "项目: 新项目\n",
    "  资金: 合计 10 万元\n",
    "  产出指标\n",
    "    数量指标\n",
    "      新增设备 ≥ 5 台\n",
    "  年度总体目标:\n    完成建设。\n",
    "表: 绩效自评表\n",
    "年度: 2024\n",
    "满意度",
    "0.5",
    "1,000",
    "元",
];

/// Where each project starts (its `项目` line), in bytes.
fn projects(text: &str) -> Vec<usize> {
    line_starts(text)
        .into_iter()
        .filter(|&s| text[s..].starts_with("项目"))
        .collect()
}

fn random_change(rng: &mut Rng, text: &str, source: &str) -> (usize, usize, String) {
    let at = rng.below(text.len() + 1);
    let len = text.len();
    match rng.below(100) {
        0..=34 => (at, at, rng.pick(SNIPPETS).to_string()),
        35..=54 => (at, at + rng.below(24), String::new()),
        55..=64 => (at, at + rng.below(12), rng.pick(SNIPPETS).to_string()),
        65..=72 => {
            // A slice of the original text, a project or a few lines, pasted.
            let a = snap(source, rng.below(source.len()));
            let b = snap(source, a + rng.below(400));
            (at, at, source[a..b].to_string())
        }
        73..=79 => {
            // A whole project pasted at the start of a line.
            let ps = projects(source);
            let starts = line_starts(text);
            let to = *rng.pick(&starts);
            if ps.is_empty() || len > 300_000 {
                return (to, to, "项目: 粘贴\n".into());
            }
            let k = rng.below(ps.len());
            let end = ps.get(k + 1).copied().unwrap_or(source.len());
            (to, to, source[ps[k]..end].to_string())
        }
        80..=84 => {
            // A whole project deleted.
            let ps = projects(text);
            if ps.is_empty() {
                return (at, at, String::new());
            }
            let k = rng.below(ps.len());
            (ps[k], ps.get(k + 1).copied().unwrap_or(len), String::new())
        }
        85..=91 => {
            // On a project's name line, keeping the name: spaces, a comment.
            let ps = projects(text);
            let Some(&p) = ps.get(rng.below(ps.len().max(1))) else {
                return (at, at, " ".into());
            };
            let colon = p + text[p..].find([':', '：']).map_or(0, |i| i + 1);
            let end = p + text[p..].find(['\r', '\n']).unwrap_or(len - p);
            let (pos, s) = match rng.below(3) {
                0 => (colon, " "),
                1 => (end, "  "),
                _ => (end, "  # 备注"),
            };
            (pos, pos, s.into())
        }
        _ => {
            // A line ending changed: \n ↔ \r\n, or a lone \r.
            let Some(i) = text[snap(text, at)..]
                .find('\n')
                .map(|i| snap(text, at) + i)
            else {
                return (at, at, "\r\n".into());
            };
            let crlf = i > 0 && text.as_bytes()[i - 1] == b'\r';
            match (crlf, rng.below(2)) {
                (true, _) => (i - 1, i + 1, "\n".into()),
                (false, 0) => (i, i + 1, "\r\n".into()),
                (false, _) => (i, i + 1, "\r".into()),
            }
        }
    }
}

fn sources() -> Vec<(String, String)> {
    let root = common::root();
    let mut files = common::inputs(&root.join("examples"));
    files.extend(common::inputs(&root.join("tests/fixtures")));
    files
        .into_iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().to_string();
            (name, std::fs::read_to_string(p).unwrap_or_default())
        })
        .collect()
}

fn config(n: usize) -> Option<String> {
    let dir = ["config-rules", "config-vocabulary", "config-tolerance"][n % 3];
    std::fs::read_to_string(
        common::root()
            .join("tests/rules")
            .join(dir)
            .join("jixiao.toml"),
    )
    .ok()
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn the_server_agrees_with_the_cli_and_with_a_fresh_copy() {
    let seed = env_number("JIXIAO_CONSISTENCY_SEED", 0x6a69_7869_616f);
    let total = env_number("JIXIAO_CONSISTENCY_EDITS", 400) as usize;
    let every = env_number("JIXIAO_CONSISTENCY_EVERY", 8).max(1) as usize;
    eprintln!("consistency: seed {seed}, {total} edits, a checkpoint every {every}");
    let mut rng = Rng(seed | 1);
    let sources = sources();
    let per_session = 200;
    let mut done = 0;
    let mut session_no = 0;
    let mut counts = (0, 0, 0);
    while done < total {
        let (name, source) = rng.pick(&sources).clone();
        let mut start = source.clone();
        if rng.chance(30) {
            start = start.replace('\n', "\r\n");
        }
        let cfg = rng.chance(60).then(|| config(rng.below(3))).flatten();
        let label = format!("{session_no}-{name}");
        session_no += 1;
        let mut s = Session::new(&label, cfg.as_deref(), &start);
        s.checkpoint(false);
        let n = per_session.min(total - done);
        for i in 1..=n {
            let batch = if rng.chance(25) { 2 + rng.below(3) } else { 1 };
            let mut changes = Vec::new();
            let mut text = s.text.clone();
            for _ in 0..batch {
                let (a, b, t) = random_change(&mut rng, &text, &source);
                let (a, b) = (snap(&text, a), snap(&text, b));
                let (a, b) = (a.min(b), a.max(b));
                text.replace_range(a..b, &t);
                changes.push((a, b, t));
            }
            s.change(&changes);
            if i % every == 0 || i == n {
                s.checkpoint(rng.chance(30));
            }
        }
        done += n;
        let c = s.end();
        counts = (counts.0 + c.0, counts.1 + c.1, counts.2 + c.2);
    }
    eprintln!(
        "consistency: {session_no} sessions, {} checkpoints, {} diagnostics compared, {} formattings with edits",
        counts.0, counts.1, counts.2
    );
    assert!(counts.1 > 0 && counts.2 > 0, "nothing was compared");
}

/// F3: an edit on a duplicate project's name line that keeps the name moves the
/// duplicate-project range with the name.
#[test]
fn duplicate_project_range_follows_an_edit_that_keeps_the_name() {
    let text = "表: 绩效目标申报表\n年度: 2025\n项目: 甲\n  资金: 合计 10 万元\n项目: 甲\n";
    let mut s = Session::new("f3", None, text);
    s.checkpoint(false);
    let at = text.rfind("甲").unwrap();
    s.change(&[(at - 1, at - 1, " ".into())]);
    s.checkpoint(false);
    let end = s.text.len() - 1;
    s.change(&[(end, end, "  # 备注".into())]);
    s.checkpoint(false);
    s.end();
}

/// F7: with mixed line endings, the formatting edits applied give `jixiao fmt`'s text.
#[test]
fn formatting_mixed_line_endings_gives_the_cli_text() {
    // One CRLF among LFs: `jixiao fmt` writes LF there, and the edit must not end between
    // that line's `\r` and `\n`.
    let text = "表: 绩效目标申报表\n年度: 2025\n项目: 甲\r\n  资金: 合计 10 万元\n";
    let mut s = Session::new("f7", None, text);
    s.checkpoint(true);
    s.checkpoint(false);
    s.end();
}

/// A didOpen of more than 1 MiB: the server carries its text beside tower-lsp
/// (`src/lsp/large_text.rs`); the document is still the whole text, for the session's copy
/// and for a fresh one (both opened that way), and edits apply to it.
#[test]
fn a_large_document_is_opened_whole() {
    let example =
        std::fs::read_to_string(common::root().join("examples/shanghai-2026-targets.jixiao"))
            .unwrap();
    // Comments make the bulk (cheap to check in a debug build); the project after them has
    // diagnostics of its own, so that a text cut short would show.
    let mut text = example.clone();
    while text.len() <= 1 << 20 {
        text.push_str("# 备注：这一段只为让消息超过 1 MiB，不影响检查的结果。\n");
    }
    text.push_str("项目: 末尾的项目\n");
    let mut s = Session::new("large", None, &text);
    s.checkpoint(false);
    let at = s.text.len() / 2;
    s.change(&[(at, at, "\n# 备注\n".into())]);
    s.checkpoint(false);
    s.end();
}

//! What is on disk, as it really is: folders with links back to themselves, unreadable
//! folders, files with modes, links and hard links, a closed or full stdout, and files that
//! change under a server whose client has no file watchers. Runs the built binary, every run
//! under a deadline so that a hang fails the test instead of stalling CI.

mod common;

use common::lsp::{file_uri, Server};
use common::scratch;
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(30);

const DOC: &str = "表: 绩效目标申报表\n年度: 2025\n\n项目: 甲项目\n  产出指标:\n    数量指标:\n      培训人次: ≥100(人次)\n";

/// Runs the CLI to its end, or fails the test at the deadline.
fn jixiao(args: &[&str], dir: &Path) -> Output {
    let mut child = Command::new(common::cli::BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            panic!("jixiao {args:?} did not end within {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[cfg(unix)]
#[test]
fn folders_linked_back_to_themselves_are_walked_once() {
    let dir = scratch("disk", "loops");
    std::fs::write(dir.join("a.jixiao"), DOC).unwrap();
    std::fs::create_dir(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/b.jixiao"), DOC).unwrap();
    for (link, to) in [("x", "."), ("y", "."), ("sub/up", "..")] {
        std::os::unix::fs::symlink(to, dir.join(link)).unwrap();
    }
    let o = jixiao(&["check", "."], &dir);
    assert!(stderr(&o).contains("检查了 2 个文件"), "{}", stderr(&o));
    let o = jixiao(&["fmt", "--check", "."], &dir);
    assert!(stderr(&o).starts_with("2 个文件"), "{}", stderr(&o));
    let o = jixiao(&["summary", "--format", "json", "."], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::remove_dir_all(dir).unwrap();
}

/// A folder whose path is longer than the system allows cannot be read, even by root (for
/// whom `chmod 000` changes nothing). Built as two chains, each short enough, one moved into
/// the other.
#[cfg(target_os = "linux")]
#[test]
fn an_unreadable_subfolder_is_named_and_the_rest_is_checked() {
    let dir = scratch("disk", "unreadable");
    std::fs::write(dir.join("a.jixiao"), DOC).unwrap();
    let chain: PathBuf = std::iter::repeat_n("d".repeat(200), 15).collect();
    std::fs::create_dir_all(dir.join("deep").join(&chain)).unwrap();
    std::fs::create_dir_all(dir.join("more").join(&chain)).unwrap();
    std::fs::write(dir.join("more").join(&chain).join("b.jixiao"), DOC).unwrap();
    std::fs::rename(dir.join("more"), dir.join("deep").join(&chain).join("more")).unwrap();
    let o = jixiao(&["check", "."], &dir);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("/deep/"), "names the subfolder: {err}");
    assert!(err.contains("无法读取"), "{err}");
    assert!(err.contains("检查了 1 个文件"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

const UNFORMATTED: &str = "表：绩效目标申报表\n年度：2025\n";

#[cfg(unix)]
#[test]
fn fmt_keeps_modes_links_and_hard_links_and_refuses_read_only_files() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = scratch("disk", "fmt");
    let formatted = {
        std::fs::write(dir.join("probe.jixiao"), UNFORMATTED).unwrap();
        let o = jixiao(&["fmt", "probe.jixiao"], &dir);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        std::fs::read_to_string(dir.join("probe.jixiao")).unwrap()
    };
    assert_ne!(formatted, UNFORMATTED);
    let mode = |p: &str| std::fs::metadata(dir.join(p)).unwrap().permissions().mode() & 0o777;
    let set_mode = |p: &str, m: u32| {
        std::fs::set_permissions(dir.join(p), std::fs::Permissions::from_mode(m)).unwrap()
    };

    std::fs::write(dir.join("private.jixiao"), UNFORMATTED).unwrap();
    set_mode("private.jixiao", 0o600);
    std::fs::write(dir.join("target.jixiao"), UNFORMATTED).unwrap();
    std::os::unix::fs::symlink("target.jixiao", dir.join("link.jixiao")).unwrap();
    std::fs::write(dir.join("shared.jixiao"), UNFORMATTED).unwrap();
    std::fs::hard_link(dir.join("shared.jixiao"), dir.join("other-name.txt")).unwrap();
    let o = jixiao(
        &["fmt", "private.jixiao", "link.jixiao", "shared.jixiao"],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(mode("private.jixiao"), 0o600);
    let link = std::fs::symlink_metadata(dir.join("link.jixiao")).unwrap();
    assert!(link.file_type().is_symlink(), "the link stays a link");
    assert_eq!(
        std::fs::read_to_string(dir.join("target.jixiao")).unwrap(),
        formatted
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("other-name.txt")).unwrap(),
        formatted,
        "hard links keep sharing the file"
    );
    assert_eq!(
        std::fs::metadata(dir.join("shared.jixiao"))
            .unwrap()
            .nlink(),
        2
    );

    std::fs::write(dir.join("locked.jixiao"), UNFORMATTED).unwrap();
    set_mode("locked.jixiao", 0o444);
    let o = jixiao(&["fmt", "locked.jixiao"], &dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("locked.jixiao: 文件是只读的"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("locked.jixiao")).unwrap(),
        UNFORMATTED
    );
    assert_eq!(mode("locked.jixiao"), 0o444);
    std::fs::remove_dir_all(dir).unwrap();
}

/// `jixiao fmt - | head`: the reader goes away before the output is written.
fn fmt_stdin_to(stdout: Stdio, close_early: bool) -> Output {
    let mut child = Command::new(common::cli::BIN)
        .args(["fmt", "-"])
        .stdin(Stdio::piped())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if close_early {
        drop(child.stdout.take());
    }
    let big = UNFORMATTED.to_string() + &"# 注释\n".repeat(100_000);
    child
        .stdin
        .take()
        .unwrap()
        .write_all(big.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_stdout_ends_quietly_with_141() {
    let o = fmt_stdin_to(Stdio::piped(), true);
    assert_eq!(o.status.code(), Some(141), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_stdout_is_a_message_and_exit_2() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = fmt_stdin_to(Stdio::from(full), false);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("jixiao: 无法写入标准输出"),
        "{}",
        stderr(&o)
    );
}

/// The server over stdio, in a workspace at `root`. No `workspace` capabilities: the client
/// registers no file watchers.
fn start(root: &Path) -> Server {
    let root = file_uri(root);
    Server::start_with(
        json!({"capabilities": {}, "rootUri": root, "workspaceFolders": [{"uri": root, "name": "w"}]}),
    )
}

/// Asks for workspace symbols until `name` is among them, or fails at the deadline.
fn symbol_appears(s: &mut Server, name: &str) {
    let end = Instant::now() + DEADLINE;
    loop {
        let r = s.request("workspace/symbol", json!({"query": name}));
        let found = r["result"]
            .as_array()
            .is_some_and(|a| a.iter().any(|s| s["name"] == json!(name)));
        if found {
            return;
        }
        assert!(Instant::now() < end, "{name} never indexed: {r}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(unix)]
#[test]
fn a_workspace_linked_back_to_itself_does_not_stall_the_server() {
    // Without a `.jixiao` file to stop at, the old walk went 2^40 folders deep.
    let dir = scratch("disk", "server-loops");
    std::fs::create_dir(dir.join("empty")).unwrap();
    std::os::unix::fs::symlink(".", dir.join("a")).unwrap();
    std::os::unix::fs::symlink(".", dir.join("b")).unwrap();
    let mut s = start(&dir);
    let r = s.request("workspace/symbol", json!({"query": ""}));
    assert!(r.get("error").is_none(), "{r}");
    s.stop();
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn without_file_watchers_saving_rereads_the_disk() {
    let dir = scratch("disk", "no-watchers");
    let one = dir.join("one.jixiao");
    std::fs::write(&one, DOC).unwrap();
    let mut s = start(&dir);
    symbol_appears(&mut s, "甲项目");

    let doc_uri = file_uri(&one);
    s.open(&doc_uri, DOC, 1);
    let has_rule = |m: &Value, rule: &str| {
        m["params"]["diagnostics"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["code"] == json!(rule)))
    };
    let first = s.wait_for("diagnostics", |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == json!(1)
    });
    assert!(has_rule(&first, "missing-field"), "{first}");

    // A new file and a new configuration, seen by no watcher.
    std::fs::write(dir.join("two.jixiao"), DOC.replace("甲项目", "乙项目")).unwrap();
    std::fs::write(
        dir.join("jixiao.toml"),
        "[rules]\nmissing-field = \"off\"\n",
    )
    .unwrap();
    s.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": doc_uri}}),
    );
    let again = s.wait_for("new diagnostics", |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == json!(doc_uri)
    });
    assert!(!has_rule(&again, "missing-field"), "{again}");
    symbol_appears(&mut s, "乙项目");
    s.stop();
    std::fs::remove_dir_all(dir).unwrap();
}

/// The problems of files never opened are published (the whole folder's problem list); without
/// file watchers, a change on disk shows after another document is saved, a deleted file's
/// problems are cleared, and a closed document falls back to its problems on disk.
#[test]
fn problems_of_unopened_files_are_published() {
    let dir = scratch("disk", "folder-problems");
    let bad = dir.join("bad.jixiao");
    let one = dir.join("one.jixiao");
    let money = "表: 绩效目标申报表\n年度: 2025\n\n项目: 乙项目\n  资金:\n    项目资金总额: 100\n    年度资金申请总额: 300\n    当年财政拨款: 300\n";
    std::fs::write(&bad, money).unwrap();
    std::fs::write(&one, DOC).unwrap();
    let mut s = start(&dir);
    let (bad_uri, one_uri) = (file_uri(&bad), file_uri(&one));
    let published = |m: &Value, u: &str, rule: Option<&str>| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == json!(u)
            && m["params"]["diagnostics"]
                .as_array()
                .is_some_and(|d| match rule {
                    Some(r) => d.iter().any(|d| d["code"] == json!(r)),
                    None => d.is_empty(),
                })
    };
    s.wait_for("bad.jixiao's problems", |m| {
        published(m, &bad_uri, Some("project-total"))
    });

    // Changed on disk, seen at the next save of another document.
    s.open(&one_uri, DOC, 1);
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(
        &bad,
        money.replace("项目资金总额: 100", "项目资金总额: 30万"),
    )
    .unwrap();
    s.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": one_uri}}),
    );
    s.wait_for("bad.jixiao's new problems", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == json!(bad_uri)
            && !m.to_string().contains("project-total")
    });

    // Deleted: cleared.
    std::fs::remove_file(&bad).unwrap();
    s.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": one_uri}}),
    );
    s.wait_for("bad.jixiao cleared", |m| published(m, &bad_uri, None));

    // Closed: its problems on disk again.
    s.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": one_uri}}),
    );
    s.wait_for("one.jixiao on disk", |m| {
        published(m, &one_uri, Some("missing-field"))
    });
    s.stop();
    std::fs::remove_dir_all(dir).unwrap();
}

//! `roots` in jixiao.toml: `tests/roots/本年` names `../上年`, where the 2021 申报表 is. The
//! 自评表 of 本年 is held against it, the 2022 申报表 against it (and against the 自评表 beside
//! it); the 申报表 of 上年 is context, never reported. What is printed is kept in
//! `tests/roots/*.out` (`UPDATE_EXPECT=1` rewrites them).

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `jixiao check ARGS` in `dir`; (exit code, stdout, stderr).
fn check_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("check")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (o.status.code().unwrap(), text(o.stdout), text(o.stderr))
}

fn check(args: &[&str]) -> (i32, String) {
    let (code, out, err) = check_in(&root(), args);
    (code, out + &err)
}

#[test]
fn the_folder_with_its_roots() {
    let (code, out) = check(&["tests/roots/本年"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        !out.contains("上年/"),
        "a root's file is not reported: {out}"
    );
    let (_, json) = check(&["--format", "json", "tests/roots/本年"]);
    // One file alone finds its 申报表 in the root too.
    let (_, alone) = check(&["tests/roots/本年/2021-自评表.jixiao"]);
    run_all(vec![
        (
            "human".into(),
            expect_file(&root().join("tests/roots/check.out"), &out),
        ),
        (
            "json".into(),
            expect_file(&root().join("tests/roots/check-json.out"), &json),
        ),
        (
            "alone".into(),
            expect_file(&root().join("tests/roots/alone.out"), &alone),
        ),
    ]);
}

/// A root's file that is also named on the command line is checked, once.
#[test]
fn a_root_named_on_the_command_line_is_checked() {
    let (_, out) = check(&["tests/roots/本年", "tests/roots/上年"]);
    assert!(out.contains("检查了 3 个文件"), "{out}");
}

/// A fresh folder with `本年/jixiao.toml` holding `toml` and the fixture's forms.
fn scratch(name: &str, toml: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jixiao-roots-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for sub in ["本年", "上年"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        for f in inputs(&root().join("tests/roots").join(sub)) {
            std::fs::copy(&f, dir.join(sub).join(f.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(dir.join("本年/jixiao.toml"), toml).unwrap();
    dir
}

/// A root that does not exist is a warning naming the jixiao.toml line; the others still count
/// and the forms are checked as usual.
#[test]
fn a_missing_root_is_a_warning() {
    let dir = scratch(
        "missing",
        "roots = [\n  \"../没有这个文件夹\",\n  \"../上年\",\n]\n",
    );
    let (code, out, err) = check_in(&dir, &["本年"]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("jixiao: 警告：")
            && err.contains("本年/jixiao.toml:2: roots 中的「../没有这个文件夹」不存在，其中的表不作为跨文件检查的对照\n"),
        "{err}"
    );
    assert!(out.contains("declared-target-lowered"), "{out}");
}

/// A root whose folders link back to themselves, or to the checked folder, is walked once.
#[cfg(unix)]
#[test]
fn links_in_a_root_are_followed_once() {
    let dir = scratch("loops", "roots = [\"../上年\"]\n");
    std::os::unix::fs::symlink(".", dir.join("上年/again")).unwrap();
    std::os::unix::fs::symlink("../本年", dir.join("上年/this-year")).unwrap();
    let (_, out, err) = check_in(&dir, &["本年"]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(out.matches("declared-target-lowered").count(), 1, "{out}");
    assert!(!out.contains("上年/"), "{out}");
}

/// `roots` of the wrong type is a configuration error like any other key: exit 2, the line.
#[test]
fn roots_of_the_wrong_type() {
    for (toml, line) in [
        ("roots = \"../上年\"\n", 1),
        ("profile = \"finance-2020\"\nroots = [1]\n", 2),
    ] {
        let dir = scratch("types", toml);
        let (code, _, err) = check_in(&dir, &["本年"]);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains(&format!(
                "jixiao.toml: 第 {line} 行：roots 应为文件夹路径的数组"
            )),
            "{err}"
        );
    }
}

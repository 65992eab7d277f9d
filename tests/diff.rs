//! `jixiao diff`: plain, and as git's external diff driver in a real repository. Each
//! `tests/diff/NAME.old.jixiao` against `NAME.new.jixiao` prints `NAME.out` (`UPDATE_EXPECT=1`
//! rewrites them).

mod common;

use common::cli::jixiao;
use common::*;
use std::path::Path;
use std::process::Command;

const FILE: &str = "表: 绩效目标申报表
年度: 2025

项目: 宣传与推广
  项目性质: 其他经常性项目
  资金:
    年度资金申请总额: 300,000.00
    当年财政拨款: 300,000.00
    上年结转资金: 0.00
    其他资金: 0.00
  产出指标:
    数量指标:
      彩色宣传页发放数量: ≥40000.00(张)
";

#[test]
fn plain_diff_of_the_examples() {
    let old = root().join("examples/songjiang-2024-targets.jixiao");
    let new = root().join("examples/songjiang-2025-targets.jixiao");
    let (code, out, err) = jixiao(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("文件头 年度：2024 → 2025"), "{out}");
    assert!(out.contains("项目「编外人员工作经费」："), "{out}");
    assert!(
        out.contains("  年度资金申请总额 2,586,000.00 → 2,538,500.00（-47,500.00）"),
        "{out}"
    );
    assert!(out.contains("删除项目「医保宣传与推广」"), "{out}");
    assert!(
        out.lines().last().unwrap().starts_with("合计：新增 "),
        "{out}"
    );
    // The same file: nothing, exit 0.
    let (code, out, _) = jixiao(&["diff", old.to_str().unwrap(), old.to_str().unwrap()]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn reformatted_file_diffs_as_empty() {
    let dir = scratch("diff", "fmt");
    let a = dir.join("a.jixiao");
    let b = dir.join("b.jixiao");
    std::fs::write(&a, FILE).unwrap();
    let messy = FILE
        .replace(": ", "：")
        .replace("300,000.00", "300000")
        .replace("≥40000.00(张)", ">=40000（张）")
        .replace("    数量指标", "  数量指标")
        .replace("项目: 宣传与推广\n", "# 备注\n项目：宣传与推广\n");
    std::fs::write(&b, messy).unwrap();
    let (code, out, err) = jixiao(&["diff", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    let (code, _, err) = jixiao(&[
        "diff",
        a.to_str().unwrap(),
        dir.join("none").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("无法读取"), "{err}");
    let (code, _, err) = jixiao(&["diff", a.to_str().unwrap(), "x", "y"]);
    assert_eq!(code, 2);
    assert!(err.contains("7 个参数"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The pairs in `tests/diff`: the old file, the new one, what `jixiao diff` prints.
#[test]
fn pairs() {
    let dir = root().join("tests/diff");
    let cases = inputs(&dir)
        .into_iter()
        .filter_map(|old| {
            let name = old
                .file_name()?
                .to_str()?
                .strip_suffix(".old.jixiao")?
                .to_string();
            let new = dir.join(format!("{name}.new.jixiao"));
            let (code, out, err) = jixiao(&["diff", old.to_str()?, new.to_str()?]);
            let result = if code == 1 && err.is_empty() {
                expect_file(&dir.join(format!("{name}.out")), &out)
            } else {
                Err(format!("exit code {code} (1 expected), stderr: {err}"))
            };
            Some((name, result))
        })
        .collect::<Vec<_>>();
    assert!(!cases.is_empty());
    run_all(cases);
}

fn git(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", dir.join(".no-global-config"))
        .env("GIT_AUTHOR_NAME", "test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn as_git_diff_driver() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("跳过：没有 git");
        return;
    }
    let dir = scratch("diff", "git");
    git(&dir, &["init", "-q"]);
    git(
        &dir,
        &[
            "config",
            "diff.jixiao.command",
            &format!("{} diff", cli::BIN),
        ],
    );
    std::fs::write(dir.join(".gitattributes"), "*.jixiao diff=jixiao\n").unwrap();
    std::fs::write(dir.join("宣传.jixiao"), FILE).unwrap();
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "报表"]);

    // A funding figure changes.
    let changed = FILE.replace(
        "    年度资金申请总额: 300,000.00\n    当年财政拨款: 300,000.00",
        "    年度资金申请总额: 320,000.00\n    当年财政拨款: 320,000.00",
    );
    std::fs::write(dir.join("宣传.jixiao"), &changed).unwrap();
    let out = git(&dir, &["-c", "core.quotepath=false", "diff"]);
    assert!(out.contains("jixiao diff 宣传.jixiao"), "{out}");
    assert!(out.contains("项目「宣传与推广」："), "{out}");
    assert!(
        out.contains("年度资金申请总额 300,000.00 → 320,000.00（+20,000.00）"),
        "{out}"
    );
    assert!(
        out.contains("当年财政拨款 300,000.00 → 320,000.00（+20,000.00）"),
        "{out}"
    );

    // Only reformatted: git diff through the driver shows nothing.
    std::fs::write(dir.join("宣传.jixiao"), FILE.replace(": ", "：")).unwrap();
    let out = git(&dir, &["diff"]);
    assert_eq!(out, "", "{out}");

    // A new file is all additions.
    std::fs::write(dir.join("宣传.jixiao"), FILE).unwrap();
    std::fs::write(dir.join("新.jixiao"), FILE.replace("宣传与推广", "库房")).unwrap();
    git(&dir, &["add", "-N", "新.jixiao"]);
    let out = git(&dir, &["-c", "core.quotepath=false", "diff"]);
    assert!(
        out.contains("新增项目「库房」（年度资金申请总额 300,000.00，1 个指标）"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

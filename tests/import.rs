//! `jixiao import` against the real forms: each seed extraction (../shared/seeds, beside the
//! repository as in CI) is imported and its JSON export compared, field by field, with the
//! export of its hand transcription in examples/. And the fixtures in tests/import/: small
//! excerpts of the seed layouts with their expected output and report.

mod common;

use common::{cli, expect_file, root, scratch};
use jixiao::analysis::analyze;
use jixiao::check::Settings;
use jixiao::export::to_json;
use serde_json::Value;
use std::path::{Path, PathBuf};

const SEEDS: &[(&str, &str)] = &[
    ("000_", "songjiang-2025-targets"),
    ("001_", "songjiang-2024-targets"),
    ("002_", "shanghai-2026-targets"),
    ("003_", "songjiang-2021-self-eval"),
];

fn seeds_dir() -> PathBuf {
    root().join("../shared/seeds")
}

fn seed(prefix: &str) -> Option<PathBuf> {
    let dir = seeds_dir();
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with(prefix) && n.ends_with(".txt")
        })
        .collect();
    found.sort();
    found.into_iter().next()
}

fn json_of(text: &str) -> Value {
    let settings = Settings::default();
    to_json(&analyze(text, &settings).doc, &settings)
}

/// Every leaf where `a` and `b` differ, as `path: a ≠ b`.
fn differences(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = format!("{path}.{k}");
                match (x.get(k), y.get(k)) {
                    (Some(u), Some(v)) => differences(&p, u, v, out),
                    (u, v) => out.push(format!("{p}: {} ≠ {}", show(u), show(v))),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            for i in 0..x.len().max(y.len()) {
                let p = format!("{path}[{i}]{}", label(x.get(i).or(y.get(i))));
                match (x.get(i), y.get(i)) {
                    (Some(u), Some(v)) => differences(&p, u, v, out),
                    (u, v) => out.push(format!("{p}: {} ≠ {}", show(u), show(v))),
                }
            }
        }
        _ if a != b => out.push(format!("{path}: {a} ≠ {b}")),
        _ => {}
    }
}

fn label(v: Option<&Value>) -> String {
    v.and_then(|v| v.get("name"))
        .and_then(Value::as_str)
        .map(|n| format!("「{n}」"))
        .unwrap_or_default()
}

fn show(v: Option<&Value>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "（无）".into())
}

#[test]
fn seeds_import_as_transcribed() {
    if !seeds_dir().is_dir() {
        eprintln!(
            "跳过：没有找到种子文件目录 {}（CI 中它在仓库旁边）",
            seeds_dir().display()
        );
        return;
    }
    let settings = Settings::default();
    let mut failures = Vec::new();
    for (prefix, example) in SEEDS {
        let Some(path) = seed(prefix) else {
            eprintln!("跳过：{} 中没有 {prefix}*.txt", seeds_dir().display());
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let imported = jixiao::import::import(&text, &settings, &name).unwrap();
        let expected =
            std::fs::read_to_string(root().join("examples").join(format!("{example}.jixiao")))
                .unwrap();
        let (a, b) = (json_of(&imported.text), json_of(&expected));
        let mut diffs = Vec::new();
        differences("", &b["projects"], &a["projects"], &mut diffs);
        for key in ["form", "year", "unit", "profile"] {
            differences(key, &b[key], &a[key], &mut diffs);
        }
        let projects = b["projects"].as_array().unwrap();
        let indicators: usize = projects
            .iter()
            .map(|p| p["indicators"].as_array().unwrap().len())
            .sum();
        eprintln!(
            "{name} → {example}: {} 个项目、{indicators} 个指标，{} 处不一致；{}",
            projects.len(),
            diffs.len(),
            imported.summary()
        );
        if !diffs.is_empty() {
            failures.push(format!(
                "{name} 与 examples/{example}.jixiao 不一致（示例 ≠ 导入）：\n  {}",
                diffs.join("\n  ")
            ));
        }
        assert_eq!(
            imported.unplaced(),
            0,
            "{name}: {:#?}",
            imported.report(&name)
        );
        // The import is canonical already.
        assert_eq!(
            jixiao::analysis::format_text(&imported.text, &settings),
            imported.text
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// tests/import/NAME.txt → NAME.jixiao (the output) and NAME.report (stderr).
#[test]
fn fixtures() {
    let dir = root().join("tests/import");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty());
    let settings = Settings::default();
    let mut failures = Vec::new();
    for input in &inputs {
        let text = std::fs::read_to_string(input).unwrap();
        let name = input.file_name().unwrap().to_string_lossy().to_string();
        let (out, report) = match jixiao::import::import(&text, &settings, &name) {
            Ok(i) => {
                let mut r: String = i.report(&name).iter().map(|l| format!("{l}\n")).collect();
                r.push_str(&i.summary());
                r.push('\n');
                (i.text, r)
            }
            Err(e) => (String::new(), format!("错误：{e}\n")),
        };
        let stem = input.with_extension("");
        for (ext, actual) in [("jixiao", &out), ("report", &report)] {
            if let Err(e) = expect_file(&stem.with_extension(ext), actual) {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `jixiao import FROM -o TO`: (exit code, stdout, stderr).
fn import(from: &Path, to: &Path) -> (i32, String, String) {
    cli::jixiao(&["import", from.to_str().unwrap(), "-o", to.to_str().unwrap()])
}

#[test]
fn cli_writes_reports_and_exits() {
    let dir = scratch("import", "cli");
    let input = root().join("tests/import/stray-lines.txt");
    let out = dir.join("out.jixiao");
    let (code, _, stderr) = import(&input, &out);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("stray-lines.txt:"), "{stderr}");
    assert!(stderr.contains("无法归位："), "{stderr}");
    assert!(stderr.contains("行无法归位（已作为注释保留）"), "{stderr}");
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.contains("# 无法归位（原文第"), "{written}");

    // Not UTF-8: a clear error, exit 2, nothing written.
    let bad = dir.join("gbk.txt");
    std::fs::write(&bad, b"\xcf\xee\xc4\xbf\xc3\xfb\xb3\xc6\t\xd6\xd0\n").unwrap();
    let out2 = dir.join("none.jixiao");
    let (code, _, stderr) = import(&bad, &out2);
    assert_eq!(code, 2);
    assert!(stderr.contains("不是 UTF-8"), "{stderr}");
    assert!(!out2.exists());

    // No form in it: exit 2, nothing written.
    let empty = dir.join("empty.txt");
    std::fs::write(&empty, "会议纪要\n没有报表\n").unwrap();
    let (code, _, stderr) = import(&empty, &out2);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("没有找到绩效目标申报表或绩效自评表"),
        "{stderr}"
    );
    assert!(!out2.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

//! `jixiao export --to csv|xlsx` and `jixiao summary`: the CSV parsed back (RFC 4180) and the
//! XLSX read back with calamine, both compared with the JSON export of the same file; the
//! 汇总 compared with totals computed here, independently, from the examples' text.

mod common;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use common::{cli, root, scratch};
use jixiao::analysis::analyze;
use jixiao::check::Settings;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

fn example(name: &str) -> PathBuf {
    root().join("examples").join(format!("{name}.jixiao"))
}

fn json_of(path: &PathBuf) -> Value {
    let s = Settings::default();
    let text = std::fs::read_to_string(path).unwrap();
    jixiao::export::to_json(&analyze(&text, &s).doc, &s)
}

/// RFC 4180: fields separated by commas, CRLF records, quoted fields may hold commas, quotes
/// (doubled) and line breaks.
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = s.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => {
                assert!(c != '\n', "bare LF outside quotes");
                field.push(c)
            }
        }
    }
    assert!(
        row.is_empty() && field.is_empty(),
        "last record must end with CRLF"
    );
    rows
}

fn run(args: &[&str]) -> (i32, Vec<u8>, String) {
    let o = Command::new(cli::BIN).args(args).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        o.stdout,
        String::from_utf8_lossy(&o.stderr).to_string(),
    )
}

/// `jixiao export --to xlsx PATH -o OUT`, which must succeed: the workbook's bytes.
fn xlsx_of(path: &Path, out: &Path) -> Vec<u8> {
    let (code, _, err) = run(&[
        "export",
        "--to",
        "xlsx",
        path.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    std::fs::read(out).unwrap()
}

fn s(v: &Value) -> String {
    v.as_str().map(str::to_string).unwrap_or_default()
}

#[test]
fn csv_rows_match_the_json_export() {
    for name in ["shanghai-2026-targets", "songjiang-2021-self-eval"] {
        let path = example(name);
        let (code, out, err) = run(&["export", "--to", "csv", path.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        let text = String::from_utf8(out).unwrap();
        let body = text.strip_prefix('\u{FEFF}').expect("UTF-8 BOM for Excel");
        let rows = parse_csv(body);
        let head = &rows[0];
        let col = |h: &str| {
            head.iter()
                .position(|x| x == h)
                .unwrap_or_else(|| panic!("column {h}"))
        };
        let json = json_of(&path);
        let mut expected = Vec::new();
        for p in json["projects"].as_array().unwrap() {
            for i in p["indicators"].as_array().unwrap() {
                expected.push((p, i));
            }
        }
        assert_eq!(
            rows.len() - 1,
            expected.len(),
            "{name}: one row per indicator"
        );
        let self_eval = json["form"] == "self-evaluation";
        for (row, (p, i)) in rows[1..].iter().zip(&expected) {
            assert_eq!(row.len(), head.len());
            assert_eq!(row[col("项目名称")], s(&p["name"]));
            assert_eq!(row[col("实施单位")], s(&p["implementer"]));
            let total = if self_eval {
                "年度资金总额"
            } else {
                "年度资金申请总额"
            };
            assert_eq!(row[col(total)], s(&p["funding"]["total"]));
            assert_eq!(row[col("当年财政拨款")], s(&p["funding"]["current_year"]));
            assert_eq!(row[col("一级指标")], s(&i["level1"]));
            assert_eq!(row[col("二级指标")], s(&i["level2"]));
            assert_eq!(row[col("三级指标")], s(&i["name"]));
            assert_eq!(row[col("比较符")], s(&i["op"]));
            assert_eq!(row[col("指标值")], s(&i["value"]));
            assert_eq!(row[col("单位")], s(&i["unit"]));
            assert_eq!(row[col("指标值原文")], s(&i["text"]));
            if self_eval {
                assert_eq!(row[col("实际完成值")], s(&i["actual"]));
                assert_eq!(row[col("分值")], s(&i["weight"]));
                assert_eq!(row[col("得分")], s(&i["score"]));
            } else {
                assert_eq!(row[col("项目类别")], s(&p["category"]));
                assert_eq!(row[col("计划开始日期")], s(&p["start_date"]));
            }
        }
    }
}

/// The CLI writes the JSON one project at a time; its bytes, on stdout and with `-o`, are
/// those of the whole-document `to_json` pretty-printed (the expected files of the examples),
/// also for a file without a header or without projects.
#[test]
fn json_streamed_equals_the_whole_document() {
    let dir = scratch("export", "json");
    let mut files: Vec<(PathBuf, String)> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jixiao"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_str().unwrap().to_string();
            let json = root().join(format!("tests/expected/examples/{name}.json"));
            (p, std::fs::read_to_string(json).unwrap())
        })
        .collect();
    assert!(files.len() >= 4);
    for (name, text) in [
        ("empty", ""),
        ("nohead", "项目: 甲\n"),
        ("noproj", "年度: 2025\n"),
    ] {
        let p = dir.join(format!("{name}.jixiao"));
        std::fs::write(&p, text).unwrap();
        let s = Settings::default();
        let v = jixiao::export::to_json(&analyze(text, &s).doc, &s);
        files.push((p, serde_json::to_string_pretty(&v).unwrap() + "\n"));
    }
    for (path, expected) in &files {
        let (code, out, err) = run(&["export", "--to", "json", path.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(String::from_utf8(out).unwrap(), *expected, "{path:?}");
        let o = dir.join("out.json");
        let (code, _, err) = run(&[
            "export",
            "--to",
            "json",
            path.to_str().unwrap(),
            "-o",
            o.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(
            std::fs::read_to_string(&o).unwrap(),
            *expected,
            "{path:?} -o"
        );
    }
}

#[test]
fn csv_quoting_and_output_file() {
    let dir = scratch("export", "csv");
    let src = dir.join("q.jixiao");
    std::fs::write(
        &src,
        "表: 绩效目标申报表\n年度: 2025\n\n项目: 甲,乙\"丙\"\n  产出指标:\n    数量指标:\n      安全检查覆盖率、测评结果应用率: =100.00(%)\n\n项目: 没有指标\n",
    )
    .unwrap();
    let out = dir.join("q.csv");
    let (code, stdout, err) = run(&[
        "export",
        "--to",
        "csv",
        src.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!((code, stdout.len()), (0, 0), "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("\r\n\"甲,乙\"\"丙\"\"\","), "{text}");
    let rows = parse_csv(text.trim_start_matches('\u{FEFF}'));
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1][0], "甲,乙\"丙\"");
    assert_eq!(
        rows[2][0], "没有指标",
        "a project without indicators keeps a row"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn cell(r: &calamine::Range<Data>, row: u32, col: u32) -> String {
    match r.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => format!("{f}"),
        Some(Data::Int(i)) => i.to_string(),
        Some(Data::Empty) | None => String::new(),
        Some(d) => format!("{d:?}"),
    }
}

fn number(r: &calamine::Range<Data>, row: u32, col: u32) -> Option<Decimal> {
    match r.get_value((row, col)) {
        Some(Data::Float(f)) => Some(Decimal::from_str(&format!("{f:.2}")).unwrap()),
        _ => None,
    }
}

/// A cell that must be a number (not text that looks like one), to four decimals.
fn float(r: &calamine::Range<Data>, row: u32, col: u32) -> Option<Decimal> {
    match r.get_value((row, col)) {
        Some(Data::Float(f)) => Some(Decimal::from_str(&format!("{f:.4}")).unwrap().normalize()),
        other => panic!("({row}, {col}) should be a number, is {other:?}"),
    }
}

fn dec(v: &Value) -> Option<Decimal> {
    v.as_str().map(|s| {
        Decimal::from_str(s.trim_end_matches('%'))
            .unwrap()
            .normalize()
    })
}

#[test]
fn xlsx_reads_back() {
    let dir = scratch("export", "xlsx");
    for name in [
        "songjiang-2024-targets",
        "shanghai-2026-targets",
        "songjiang-2021-self-eval",
    ] {
        let path = example(name);
        let out = dir.join(format!("{name}.xlsx"));
        let bytes = xlsx_of(&path, &out);
        let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let json = json_of(&path);
        let projects = json["projects"].as_array().unwrap();
        let names = wb.sheet_names();
        assert_eq!(names.len(), projects.len() + 2);
        assert_eq!(names[0], "汇总");
        assert_eq!(names[names.len() - 1], "问题");
        let mut seen = std::collections::HashSet::new();
        for n in &names {
            assert!(
                n.encode_utf16().count() <= 31 && !n.contains(['[', ']', ':', '*', '?', '/', '\\'])
            );
            assert!(seen.insert(n.to_lowercase()), "sheet names unique: {n}");
        }
        let self_eval = json["form"] == "self-evaluation";

        // 汇总: one row per project, then the totals.
        let sum = wb.worksheet_range("汇总").unwrap();
        let head: Vec<String> = (0..16).map(|c| cell(&sum, 1, c)).collect();
        let col = |h: &str| {
            head.iter()
                .position(|x| x == h)
                .unwrap_or_else(|| panic!("{h}")) as u32
        };
        let total_col = col(if self_eval {
            "年度资金总额"
        } else {
            "年度资金申请总额"
        });
        let mut total = Decimal::ZERO;
        for (k, p) in projects.iter().enumerate() {
            let r = 2 + k as u32;
            assert_eq!(cell(&sum, r, col("项目名称")), s(&p["name"]));
            assert_eq!(number(&sum, r, total_col), dec(&p["funding"]["total"]));
            assert_eq!(
                number(&sum, r, col("当年财政拨款")),
                dec(&p["funding"]["current_year"])
            );
            assert_eq!(cell(&sum, r, col("工作表")), names[k + 1]);
            total += dec(&p["funding"]["total"]).unwrap_or_default();
        }
        let last = 2 + projects.len() as u32;
        assert!(cell(&sum, last, 0).starts_with("合计"));
        assert_eq!(number(&sum, last, total_col), Some(total));

        // Each project's sheet, in the form's layout.
        for (k, p) in projects.iter().enumerate() {
            let ws = wb.worksheet_range(&names[k + 1]).unwrap();
            let title = if self_eval {
                "绩效自评表"
            } else {
                "绩效目标申报表"
            };
            assert_eq!(cell(&ws, 0, 0), title);
            assert_eq!(
                (cell(&ws, 2, 0), cell(&ws, 2, 1)),
                ("项目名称".into(), s(&p["name"]))
            );
            let inds = p["indicators"].as_array().unwrap();
            // The 申报表 sheet has two more rows above its table: 项目资金总额 and 项目总目标.
            let head = if self_eval { 11 } else { 13 };
            assert_eq!(cell(&ws, head, 0), "一级指标");
            assert_eq!(cell(&ws, head, 2), "三级指标");
            // 一级 and 二级 cells are merged over their runs, as on the form: the value stands
            // in the run's first row.
            let (mut l1, mut l2) = (String::new(), String::new());
            for (i, ind) in inds.iter().enumerate() {
                let r = head + 1 + i as u32;
                let a = cell(&ws, r, 0);
                if !a.is_empty() {
                    l1 = a;
                    l2 = String::new();
                }
                let b = cell(&ws, r, 1);
                if !b.is_empty() {
                    l2 = b;
                }
                assert_eq!(l1, s(&ind["level1"]));
                assert_eq!(l2, s(&ind["level2"]));
                assert_eq!(cell(&ws, r, 2), s(&ind["name"]));
                assert_eq!(cell(&ws, r, 3), s(&ind["text"]));
                if self_eval {
                    assert_eq!(cell(&ws, r, 4), s(&ind["actual"]));
                    assert_eq!(float(&ws, r, 5), dec(&ind["weight"]));
                    assert_eq!(float(&ws, r, 6), dec(&ind["score"]));
                }
            }
            if self_eval {
                assert_eq!(cell(&ws, 5, 1), "年度资金总额");
                assert_eq!(
                    number(&ws, 5, 3),
                    dec(&p["funding"]["columns"]["annual"]["total"])
                );
                assert_eq!(float(&ws, 5, 5), dec(&p["funding"]["weight"]));
                assert_eq!(float(&ws, 5, 7), dec(&p["funding"]["score"]));
                let rate = dec(&p["funding"]["rate"]).map(|r| r / Decimal::from(100));
                assert_eq!(float(&ws, 5, 6), rate);
                let r = 12 + inds.len() as u32;
                assert_eq!(cell(&ws, r, 0), "总分");
                assert_eq!(float(&ws, r, 5), dec(&p["total_score"]["weight"]));
                assert_eq!(float(&ws, r, 6), dec(&p["total_score"]["score"]));
            } else {
                assert_eq!(cell(&ws, 3, 0), "项目性质");
                assert_eq!(cell(&ws, 3, 1), s(&p["nature"]));
                assert_eq!(cell(&ws, 3, 3), s(&p["category"]));
                assert_eq!(cell(&ws, 6, 1), "项目资金总额");
                assert_eq!(number(&ws, 6, 3), dec(&p["funding"]["project_total"]));
                assert_eq!(cell(&ws, 7, 1), "年度资金申请总额");
                assert_eq!(number(&ws, 7, 3), dec(&p["funding"]["total"]));
                assert_eq!(number(&ws, 8, 3), dec(&p["funding"]["current_year"]));
                assert_eq!(cell(&ws, 11, 0), "项目总目标");
                assert_eq!(cell(&ws, 11, 1), s(&p["project_goal"]));
                assert_eq!(cell(&ws, 12, 0), "年度总体目标");
                assert_eq!(cell(&ws, 12, 1), s(&p["goal"]));
            }
        }
        if name == "songjiang-2024-targets" {
            assert!(
                names.contains(&"医保宣传与推广(2)".to_string()),
                "{names:?}"
            );
        }
    }
    // XLSX needs -o.
    let (code, out, err) = run(&[
        "export",
        "--to",
        "xlsx",
        example("shanghai-2026-targets").to_str().unwrap(),
    ]);
    assert_eq!((code, out.len()), (2, 0));
    assert!(err.contains("-o"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Totals by (unit, year, form) and by 项目类别, read straight off the example files' lines.
/// (projects, Σ 年度资金申请总额) by key.
type Counts = BTreeMap<String, (usize, Decimal)>;

fn totals_from_text() -> (Counts, Counts) {
    let mut by_unit = Counts::new();
    let mut by_cat = Counts::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jixiao"))
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let get = |k: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("{k}: ")))
                .unwrap()
                .to_string()
        };
        let key = format!("{}|{}|{}", get("单位"), get("年度"), get("表"));
        let self_eval = get("表") == "绩效自评表";
        // (category, amount) per project.
        let mut projects: Vec<(String, Decimal)> = Vec::new();
        let mut column = "";
        for l in text.lines() {
            let t = l.trim();
            if t.starts_with("项目: ") {
                projects.push(("未填".into(), Decimal::ZERO));
            } else if let Some(c) = t.strip_prefix("项目类别: ") {
                projects.last_mut().unwrap().0 = c.to_string();
            } else if t.ends_with("预算数:") || t.ends_with("执行数:") {
                column = if t.starts_with("全年预算数") {
                    "annual"
                } else {
                    "other"
                };
            } else if let Some(a) = t
                .strip_prefix("年度资金申请总额: ")
                .filter(|_| !self_eval)
                .or_else(|| {
                    t.strip_prefix("年度资金总额: ")
                        .filter(|_| self_eval && column == "annual")
                })
            {
                projects.last_mut().unwrap().1 = Decimal::from_str(&a.replace(',', "")).unwrap();
            }
        }
        for (cat, amount) in projects {
            let u = by_unit.entry(key.clone()).or_default();
            u.0 += 1;
            u.1 += amount;
            let c = by_cat
                .entry(format!("{}|{}|{cat}", get("年度"), get("表")))
                .or_default();
            c.0 += 1;
            c.1 += amount;
        }
    }
    (by_unit, by_cat)
}

#[test]
fn summary_of_the_examples() {
    let (by_unit, by_cat) = totals_from_text();
    let dir = root().join("examples");
    let (code, out, err) = run(&["summary", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let j: Value = serde_json::from_slice(&out).unwrap();
    let mut got = Counts::new();
    for u in j["units"].as_array().unwrap() {
        let form = if u["form"] == "target" {
            "绩效目标申报表"
        } else {
            "绩效自评表"
        };
        let key = format!("{}|{}|{form}", s(&u["unit"]), u["year"]);
        got.insert(
            key,
            (
                u["projects"].as_u64().unwrap() as usize,
                dec(&u["total"]).unwrap(),
            ),
        );
        // Funding sources and categories each add up to the unit.
        let cats: Decimal = u["by_category"]
            .as_object()
            .unwrap()
            .values()
            .map(|c| dec(&c["total"]).unwrap())
            .sum();
        assert_eq!(cats, dec(&u["total"]).unwrap());
    }
    assert_eq!(got, by_unit);
    // One total per form and year, never across years.
    let totals = j["totals"].as_array().unwrap();
    assert_eq!(totals.len(), 4, "{j}");
    let mut total = Decimal::ZERO;
    for t in totals {
        let form = if t["form"] == "target" {
            "绩效目标申报表"
        } else {
            "绩效自评表"
        };
        let group = format!("{}|{form}", t["year"]);
        let (n, sum) = by_unit
            .iter()
            .filter(|(k, _)| k.ends_with(&format!("|{group}")))
            .fold((0, Decimal::ZERO), |a, (_, b)| (a.0 + b.0, a.1 + b.1));
        assert_eq!(
            (
                t["projects"].as_u64().unwrap() as usize,
                dec(&t["total"]).unwrap()
            ),
            (n, sum),
            "{group}"
        );
        for (cat, (n, sum)) in by_cat
            .iter()
            .filter_map(|(k, v)| k.strip_prefix(&format!("{group}|")).map(|c| (c, v)))
        {
            let c = &t["by_category"][cat];
            assert_eq!(
                (
                    c["projects"].as_u64().unwrap() as usize,
                    dec(&c["total"]).unwrap()
                ),
                (*n, *sum),
                "{group} {cat}"
            );
        }
        total += sum;
    }
    // The seeds' own totals (2026: 16 projects, 134,150,000.00).
    assert_eq!(
        by_unit["上海市医疗保险事业管理中心|2026|绩效目标申报表"],
        (16, Decimal::from(134_150_000))
    );

    // The table: aligned by display width (CJK counts two columns).
    let (code, out, _) = run(&["summary", dir.to_str().unwrap()]);
    assert_eq!(code, 0);
    let table = String::from_utf8(out).unwrap();
    let width = |l: &str| -> usize {
        l.chars()
            .map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 })
            .sum()
    };
    let lines: Vec<&str> = table.lines().filter(|l| !l.starts_with('─')).collect();
    assert!(lines.iter().all(|l| width(l) == width(lines[0])), "{table}");
    assert!(table.contains("134,150,000.00"), "{table}");
    assert!(
        table.contains("合计 2026 年度 绩效目标申报表（1 组）"),
        "{table}"
    );

    let (code, out, _) = run(&["summary", dir.to_str().unwrap(), "--format", "csv"]);
    assert_eq!(code, 0);
    let csv = String::from_utf8(out).unwrap();
    let rows = parse_csv(csv.trim_start_matches('\u{FEFF}'));
    let csv_total: Decimal = rows
        .iter()
        .filter(|r| r[0] == "合计" && r[3].is_empty())
        .map(|r| Decimal::from_str(&r[5]).unwrap())
        .sum();
    assert_eq!(csv_total, total);
}

/// A file that is not UTF-8 (a GBK export, say) is named on stderr and skipped; the others are
/// still summed, and the exit code (1) says the totals are incomplete.
#[test]
fn summary_skips_an_unreadable_file() {
    let dir = scratch("export", "summary-gbk");
    std::fs::copy(example("songjiang-2024-targets"), dir.join("a.jixiao")).unwrap();
    // 「项目」 in GBK.
    std::fs::write(dir.join("b.jixiao"), b"\xcf\xee\xc4\xbf: x\n").unwrap();
    let (code, out, err) = run(&["summary", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("b.jixiao:1: 不是 UTF-8 编码的文本"), "{err}");
    assert!(err.contains("已跳过，不计入汇总"), "{err}");
    assert!(err.contains("1 个文件无法读取"), "{err}");
    let j: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(j["units"].as_array().unwrap().len(), 1);
    assert_eq!(j["totals"][0]["year"], 2024);
}

/// The workbook a reviewer opens: figures are numbers with number formats, the diagnostics are
/// listed on 问题 as `jixiao check` reports them, and every sheet prints on A4, one page wide.
#[test]
fn xlsx_for_reviewers() {
    let dir = scratch("export", "review");
    let path = example("songjiang-2021-self-eval");
    let out = dir.join("review.xlsx");
    let bytes = xlsx_of(&path, &out);
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    let names = wb.sheet_names();
    let format = |wb: &mut Xlsx<_>, sheet: &str, at: (u32, u32)| -> String {
        let styles = wb.worksheet_style(sheet).unwrap();
        styles
            .get(at)
            .and_then(|s| s.number_format.as_ref())
            .map(|f| f.format_code.clone())
            .unwrap_or_else(|| "General".into())
    };
    // 宣传与推广: 全年预算数 300,000.00, 分值 10, 执行率 58.13%, 得分 5.81; the first indicator.
    let sheet = "宣传与推广";
    let ws = wb.worksheet_range(sheet).unwrap();
    assert_eq!(number(&ws, 5, 3), Some(Decimal::from(300_000)));
    assert_eq!(float(&ws, 5, 6), Some(Decimal::from_str("0.5813").unwrap()));
    assert_eq!(float(&ws, 5, 7), Some(Decimal::from_str("5.81").unwrap()));
    assert_eq!(format(&mut wb, sheet, (5, 3)), "#,##0.00");
    assert_eq!(format(&mut wb, sheet, (5, 5)), "0.00");
    assert_eq!(format(&mut wb, sheet, (5, 6)), "0.00%");
    assert_eq!(format(&mut wb, sheet, (5, 7)), "0.00");
    assert_eq!(cell(&ws, 12, 2), "宣传内容更新率");
    assert_eq!(float(&ws, 12, 5), Some(Decimal::from(10)));
    assert_eq!(float(&ws, 12, 6), Some(Decimal::from(9)));
    assert_eq!(format(&mut wb, sheet, (12, 6)), "0.00");
    // 汇总: 执行率 as a percentage, 总分 as a number.
    let sum = wb.worksheet_range("汇总").unwrap();
    let head: Vec<String> = (0..16).map(|c| cell(&sum, 1, c)).collect();
    let col = |h: &str| head.iter().position(|x| x == h).unwrap() as u32;
    let row = 2 + names[1..].iter().position(|n| n == sheet).unwrap() as u32;
    assert_eq!(
        float(&sum, row, col("执行率")),
        Some(Decimal::from_str("0.5813").unwrap())
    );
    assert_eq!(format(&mut wb, "汇总", (row, col("执行率"))), "0.00%");
    assert_eq!(
        float(&sum, row, col("总分")),
        Some(Decimal::from_str("89.81").unwrap())
    );

    // 问题: the diagnostics of `jixiao check --format json`, in order.
    let (_, json, _) = run(&["check", "--format", "json", path.to_str().unwrap()]);
    let records: Vec<Value> = serde_json::from_slice::<Value>(&json)
        .map(|v| match v {
            Value::Array(a) => a,
            v => v["diagnostics"].as_array().cloned().unwrap_or_default(),
        })
        .unwrap();
    assert!(!records.is_empty());
    let problems = wb.worksheet_range("问题").unwrap();
    let heads: Vec<String> = (0..8).map(|c| cell(&problems, 0, c)).collect();
    assert_eq!(
        heads,
        ["序号", "文件", "行", "列", "级别", "规则", "说明", "项目"]
    );
    assert_eq!(problems.height(), records.len() + 1);
    for (i, d) in records.iter().enumerate() {
        let r = 1 + i as u32;
        assert_eq!(
            float(&problems, r, 2),
            Some(Decimal::from(d["line"].as_u64().unwrap()))
        );
        assert_eq!(cell(&problems, r, 5), s(&d["rule"]));
        assert_eq!(cell(&problems, r, 6), s(&d["message"]));
        assert_eq!(cell(&problems, r, 7), s(&d["project"]));
    }

    // Print set-up, which calamine does not read: each sheet's XML.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let sheets: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.to_string()))
        .filter(|n| n.starts_with("xl/worksheets/sheet"))
        .collect();
    assert_eq!(sheets.len(), names.len());
    for n in sheets {
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(&n).unwrap(), &mut xml).unwrap();
        assert!(xml.contains("paperSize=\"9\""), "{n}: A4");
        assert!(xml.contains("fitToPage=\"1\""), "{n}: fit to page");
        assert!(
            xml.contains("fitToHeight=\"0\""),
            "{n}: one page wide, any height"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The template's multi-year fields on the 申报表 sheet: 项目资金总额 a number formatted like
/// the other amounts, 项目总目标 its own text row; a one-year project keeps the same layout
/// with both cells blank.
#[test]
fn xlsx_multi_year_fields() {
    let dir = scratch("export", "multi-year");
    let path = dir.join("multi-year.jixiao");
    let project = |name: &str, end: &str, extra_money: &str, extra_goal: &str| {
        format!(
            "项目: {name}\n  项目性质: 其他经常性项目\n  项目类别: 其他运转类\n  主管部门: 某局\n  实施单位: 某中心\n  计划开始日期: 2025-01-01\n  计划完成日期: {end}\n  资金:\n{extra_money}    年度资金申请总额: 2,538,500.00\n    当年财政拨款: 2,538,500.00\n    上年结转资金: 0.00\n    其他资金: 0.00\n{extra_goal}  年度总体目标:\n    > 按时发放非编人员工资。\n  产出指标:\n    数量指标:\n      审核案件量: ≥56000.00(件)\n\n"
        )
    };
    let text = format!(
        "表: 绩效目标申报表\n年度: 2025\n单位: 某中心\n\n{}{}",
        project(
            "编外人员工作经费",
            "2026-12-31",
            "    项目资金总额: 5,077,000.00\n",
            "  项目总目标:\n    > 2025—2026 年按时发放非编人员工资。\n    > 保证非编人员待遇。\n"
        ),
        project("宣传与推广", "2025-12-31", "", "")
    );
    std::fs::write(&path, text).unwrap();
    let out = dir.join("multi-year.xlsx");
    let bytes = xlsx_of(&path, &out);
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let ws = wb.worksheet_range("编外人员工作经费").unwrap();
    assert_eq!(cell(&ws, 6, 1), "项目资金总额");
    assert_eq!(
        ws.get_value((6, 3)),
        Some(&Data::Float(5_077_000.0)),
        "项目资金总额 is a number"
    );
    assert_eq!(ws.get_value((7, 3)), Some(&Data::Float(2_538_500.0)));
    assert_eq!(cell(&ws, 11, 0), "项目总目标");
    assert_eq!(
        ws.get_value((11, 1)),
        Some(&Data::String(
            "2025—2026 年按时发放非编人员工资。\n保证非编人员待遇。".into()
        ))
    );
    assert_eq!(cell(&ws, 12, 0), "年度总体目标");
    assert_eq!(cell(&ws, 12, 1), "按时发放非编人员工资。");
    assert_eq!(cell(&ws, 14, 2), "审核案件量");
    let styles = wb.worksheet_style("编外人员工作经费").unwrap();
    let format = |at: (u32, u32)| {
        styles
            .get(at)
            .and_then(|s| s.number_format.as_ref())
            .map(|f| f.format_code.clone())
    };
    assert_eq!(format((6, 3)).as_deref(), Some("#,##0.00"));
    assert_eq!(format((7, 3)).as_deref(), Some("#,##0.00"));

    // A one-year project: the same rows, both cells blank.
    let ws = wb.worksheet_range("宣传与推广").unwrap();
    assert_eq!(cell(&ws, 6, 1), "项目资金总额");
    assert!(matches!(ws.get_value((6, 3)), None | Some(Data::Empty)));
    assert_eq!(ws.get_value((7, 3)), Some(&Data::Float(2_538_500.0)));
    assert_eq!(cell(&ws, 11, 0), "项目总目标");
    assert_eq!(cell(&ws, 11, 1), "");
    assert_eq!(cell(&ws, 12, 1), "按时发放非编人员工资。");
    assert_eq!(cell(&ws, 13, 0), "一级指标");
    let _ = std::fs::remove_dir_all(&dir);
}

//! The 汇总: totals over projects — by funding source and by 项目类别. Used by the header hover,
//! and by `jixiao summary` (per unit and per form and year, as a terminal table, JSON or CSV).

use crate::model::{Document, FormKind, MoneyField, Project, CATEGORY};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Totals {
    pub projects: usize,
    pub total: Decimal,
    pub current_year: Decimal,
    pub carryover: Decimal,
    pub other: Decimal,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Summary {
    pub all: Totals,
    /// By 项目类别 (「未填」 when missing).
    pub by_category: BTreeMap<String, Totals>,
}

impl Totals {
    /// Adds a project: its request (申报表) or its 全年预算数 (自评表); blank or unreadable
    /// amounts count as nothing.
    pub fn add(&mut self, p: &Project) {
        self.projects += 1;
        if let Some(f) = &p.funding {
            let b = f.budget();
            let amt =
                |m: &Option<MoneyField>| m.as_ref().and_then(|m| m.amount()).unwrap_or_default();
            self.total += amt(&b.total);
            self.current_year += amt(&b.current_year);
            self.carryover += amt(&b.carryover);
            self.other += amt(&b.other);
        }
    }

    pub fn merge(&mut self, o: &Totals) {
        self.projects += o.projects;
        self.total += o.total;
        self.current_year += o.current_year;
        self.carryover += o.carryover;
        self.other += o.other;
    }

    fn json(&self) -> Value {
        let s = |d: Decimal| {
            let mut d = d;
            d.rescale(2);
            Value::String(d.to_string())
        };
        json!({
            "projects": self.projects,
            "total": s(self.total),
            "current_year": s(self.current_year),
            "carryover": s(self.carryover),
            "other": s(self.other),
        })
    }
}

impl Summary {
    pub fn merge(&mut self, o: &Summary) {
        self.all.merge(&o.all);
        for (k, t) in &o.by_category {
            self.by_category.entry(k.clone()).or_default().merge(t);
        }
    }

    fn json(&self) -> Value {
        let mut v = self.all.json();
        v["by_category"] = Value::Object(
            self.by_category
                .iter()
                .map(|(k, t)| (k.clone(), t.json()))
                .collect(),
        );
        v
    }
}

/// The 项目类别 a project is counted under.
pub const UNFILLED: &str = "未填";

pub fn summarize<'a>(projects: impl IntoIterator<Item = &'a Project>) -> Summary {
    let mut s = Summary::default();
    for p in projects {
        s.add(p);
    }
    s
}

impl Summary {
    /// Counts one more project.
    pub fn add(&mut self, p: &Project) {
        self.all.add(p);
        let cat = p
            .field(CATEGORY)
            .map(|f| f.value.clone())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| UNFILLED.into());
        self.by_category.entry(cat).or_default().add(p);
    }
}

pub fn summarize_document(doc: &Document) -> Summary {
    summarize(doc.projects.iter().map(|p| p.as_ref()))
}

/// One group of the 汇总表: a unit's forms of one kind and year.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitSummary {
    /// The header's 单位, else the file's name.
    pub unit: String,
    pub kind: FormKind,
    pub year: Option<i32>,
    pub files: Vec<String>,
    pub summary: Summary,
}

impl UnitSummary {
    /// "上海市松江区医疗保险事务中心 2025 年度 绩效目标申报表".
    pub fn label(&self) -> String {
        let year = self.year.map(|y| format!(" {y} 年度")).unwrap_or_default();
        format!("{}{year} {}", self.unit, self.kind.name())
    }
}

/// The 汇总 over several files: grouped by unit (header 单位, else the file), form and year, in
/// the order first seen; and the totals per form and year (a 2024 申报表 and a 2025 申报表 are
/// never added together: their sums would mean nothing to a reviewer). A total's `unit` is
/// 「合计」 and its `files` are the groups' files.
pub fn summarize_files<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a Document)>,
) -> (Vec<UnitSummary>, Vec<UnitSummary>) {
    let mut units: Vec<UnitSummary> = Vec::new();
    let mut totals: Vec<UnitSummary> = Vec::new();
    for (file, doc) in files {
        let unit = doc
            .header
            .unit
            .as_ref()
            .map(|u| u.value.trim().to_string())
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| file.to_string());
        let (kind, year) = (doc.header.form_kind(), doc.header.year());
        let s = summarize_document(doc);
        add_to(&mut totals, TOTAL_LABEL, kind, year, file, &s);
        add_to(&mut units, &unit, kind, year, file, &s);
    }
    totals.sort_by_key(|t| (t.year, t.kind == FormKind::SelfEval));
    (units, totals)
}

/// The name of a total's group.
pub const TOTAL_LABEL: &str = "合计";

fn add_to(
    groups: &mut Vec<UnitSummary>,
    unit: &str,
    kind: FormKind,
    year: Option<i32>,
    file: &str,
    s: &Summary,
) {
    match groups
        .iter_mut()
        .find(|u| u.unit == unit && u.kind == kind && u.year == year)
    {
        Some(u) => {
            u.summary.merge(s);
            u.files.push(file.to_string());
        }
        None => groups.push(UnitSummary {
            unit: unit.to_string(),
            kind,
            year,
            files: vec![file.to_string()],
            summary: s.clone(),
        }),
    }
}

/// How many unit groups a total covers.
fn groups_in(units: &[UnitSummary], total: &UnitSummary) -> usize {
    units
        .iter()
        .filter(|u| u.kind == total.kind && u.year == total.year)
        .count()
}

/// Columns a string takes in a terminal: CJK (wide and full-width) characters count two.
pub fn display_width(s: &str) -> usize {
    crate::import::cells::width(s)
}

fn pad_right(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(display_width(s))))
}

fn pad_left(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(display_width(s))))
}

const MONEY_HEADS: [&str; 4] = [
    "年度资金申请总额",
    "当年财政拨款",
    "上年结转资金",
    "其他资金",
];

fn money_cells(t: &Totals) -> Vec<String> {
    [t.total, t.current_year, t.carryover, t.other]
        .iter()
        .map(|d| crate::model::value::format_money(*d))
        .collect()
}

/// The 汇总表 for a terminal: each unit, its 项目类别 indented below it, then the 合计 of each
/// form and year; columns
/// aligned by display width.
pub fn table(units: &[UnitSummary], totals: &[UnitSummary]) -> String {
    let row = |name: String, t: &Totals| {
        let mut r = vec![name, t.projects.to_string()];
        r.extend(money_cells(t));
        r
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    for u in units {
        rows.push(row(u.label(), &u.summary.all));
        for (cat, t) in &u.summary.by_category {
            rows.push(row(format!("  {cat}"), t));
        }
    }
    let mut rules = Vec::new();
    for t in totals {
        rules.push(rows.len());
        rows.push(row(
            format!("{}（{} 组）", t.label(), groups_in(units, t)),
            &t.summary.all,
        ));
        for (cat, c) in &t.summary.by_category {
            rows.push(row(format!("  {cat}"), c));
        }
    }
    let mut heads = vec!["单位 / 项目类别".to_string(), "项目数".to_string()];
    heads.extend(MONEY_HEADS.iter().map(|s| s.to_string()));
    let widths: Vec<usize> = (0..heads.len())
        .map(|c| {
            rows.iter()
                .map(|r| display_width(&r[c]))
                .chain([display_width(&heads[c])])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |r: &[String]| -> String {
        r.iter()
            .enumerate()
            .map(|(c, s)| {
                if c == 0 {
                    pad_right(s, widths[c])
                } else {
                    pad_left(s, widths[c])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let total_width: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
    let mut out = vec![line(&heads), "─".repeat(total_width)];
    for (i, r) in rows.iter().enumerate() {
        if rules.contains(&i) {
            out.push("─".repeat(total_width));
        }
        out.push(line(r));
    }
    out.join("\n") + "\n"
}

fn group_json(u: &UnitSummary) -> Value {
    let mut v = u.summary.json();
    v["form"] = json!(match u.kind {
        FormKind::Target => "target",
        FormKind::SelfEval => "self-evaluation",
    });
    v["year"] = json!(u.year);
    v["files"] = json!(u.files);
    v
}

pub fn to_json(units: &[UnitSummary], totals: &[UnitSummary]) -> Value {
    json!({
        "units": units.iter().map(|u| {
            let mut v = group_json(u);
            v["unit"] = json!(u.unit);
            v
        }).collect::<Vec<_>>(),
        "totals": totals.iter().map(|t| {
            let mut v = group_json(t);
            v["groups"] = json!(groups_in(units, t));
            v
        }).collect::<Vec<_>>(),
    })
}

/// CSV (UTF-8 with BOM, CRLF): one row per unit and per 项目类别 within it, then the 合计 of
/// each form and year, likewise.
pub fn to_csv(units: &[UnitSummary], totals: &[UnitSummary]) -> String {
    let q = crate::export::csv::quote;
    let mut out = String::from('\u{FEFF}');
    let mut heads = vec!["单位", "年度", "表", "项目类别", "项目数"];
    heads.extend(MONEY_HEADS);
    out.push_str(&heads.join(","));
    out.push_str("\r\n");
    let mut row = |unit: &str, year: &str, kind: &str, cat: &str, t: &Totals| {
        let mut cells = vec![q(unit), q(year), q(kind), q(cat), t.projects.to_string()];
        for d in [t.total, t.current_year, t.carryover, t.other] {
            let mut d = d;
            d.rescale(2);
            cells.push(d.to_string());
        }
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    };
    for u in units.iter().chain(totals) {
        let year = u.year.map(|y| y.to_string()).unwrap_or_default();
        row(&u.unit, &year, u.kind.name(), "", &u.summary.all);
        for (cat, t) in &u.summary.by_category {
            row(&u.unit, &year, u.kind.name(), cat, t);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;
    use crate::check::Settings;

    #[test]
    fn widths_align() {
        assert_eq!(display_width("其他运转类"), 10);
        assert_eq!(display_width("合计 (3)"), 8);
        assert_eq!(pad_left("12", 5), "   12");
        assert_eq!(display_width(&pad_right("特定目标类", 12)), 12);
    }

    #[test]
    fn groups_by_unit_form_and_year() {
        let s = Settings::default();
        let a = analyze("表: 绩效目标申报表\n年度: 2025\n单位: 甲\n\n项目: x\n  项目类别: 其他运转类\n  资金:\n    年度资金申请总额: 100\n    当年财政拨款: 60\n    其他资金: 40\n", &s).doc;
        let b = analyze("表: 绩效目标申报表\n年度: 2025\n单位: 甲\n\n项目: y\n  资金:\n    年度资金申请总额: 1.5\n", &s).doc;
        let c = analyze("表: 绩效目标申报表\n年度: 2025\n\n项目: z\n", &s).doc;
        let d = analyze("表: 绩效目标申报表\n年度: 2024\n单位: 甲\n\n项目: w\n  资金:\n    年度资金申请总额: 7\n", &s).doc;
        let (units, totals) = summarize_files([
            ("a.jixiao", &a),
            ("b.jixiao", &b),
            ("c.jixiao", &c),
            ("d.jixiao", &d),
        ]);
        assert_eq!(units.len(), 3);
        assert_eq!(units[0].files, ["a.jixiao", "b.jixiao"]);
        assert_eq!(units[1].unit, "c.jixiao");
        // 2024 and 2025 are never added together; the earlier year first.
        assert_eq!(totals.len(), 2);
        assert_eq!(
            (totals[0].year, totals[0].summary.all.projects),
            (Some(2024), 1)
        );
        let overall = &totals[1].summary;
        assert_eq!(overall.all.projects, 3);
        assert_eq!(overall.all.total.to_string(), "101.5");
        assert_eq!(overall.by_category[UNFILLED].projects, 2);
        let t = table(&units, &totals);
        let lines: Vec<&str> = t.lines().collect();
        // Every money column ends at the same display column.
        let ends: Vec<usize> = lines
            .iter()
            .filter(|l| !l.starts_with('─'))
            .map(|l| display_width(l))
            .collect();
        assert!(ends.iter().all(|&e| e == ends[0]), "{t}");
        assert!(t.contains("甲 2025 年度 绩效目标申报表"));
        assert!(t.contains("合计 2025 年度 绩效目标申报表（2 组）"), "{t}");
        assert!(t.contains("合计 2024 年度 绩效目标申报表（1 组）"), "{t}");
        let j = to_json(&units, &totals);
        assert_eq!(j["totals"][1]["total"], "101.50");
        assert_eq!(j["totals"][0]["total"], "7.00");
        assert_eq!(j["units"][0]["by_category"]["其他运转类"]["other"], "40.00");
        assert!(to_csv(&units, &totals).starts_with("\u{FEFF}单位,年度,表,项目类别,项目数,"));
    }
}

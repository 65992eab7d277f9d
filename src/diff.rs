//! The semantic diff a reviewer reads (`jixiao diff OLD NEW`): projects added and removed
//! (matched by name, repeated names in order), fields changed, each funding figure with its
//! change (`年度资金申请总额 300,000.00 → 320,000.00（+20,000.00）`), indicators added, removed,
//! moved or changed. It compares the model, not the text, so formatting (indentation, `：` or
//! `:`, `300000` or `300,000.00`, `>=` or `≥`, comments) makes no difference.

use crate::model::value::{canonical_indicator_value, canonical_num, format_money, Money};
use crate::model::*;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// The lines of the diff, in Chinese; empty when nothing of substance changed.
pub fn diff(old: &Document, new: &Document) -> Vec<String> {
    let mut out = Vec::new();
    header(&old.header, &new.header, &mut out);
    let kind = new.header.form_kind();
    let (mut added, mut removed, mut changed) = (0, 0, 0);
    let pairs = match_by_name(
        old.projects.iter().map(|p| p.name.as_str()).collect(),
        new.projects.iter().map(|p| p.name.as_str()).collect(),
    );
    for pair in pairs {
        match pair {
            (Some(i), None) => {
                let p = &old.projects[i];
                out.push(format!("删除项目「{}」{}", p.name, brief(p)));
                removed += 1;
            }
            (None, Some(j)) => {
                let p = &new.projects[j];
                out.push(format!("新增项目「{}」{}", p.name, brief(p)));
                added += 1;
            }
            (Some(i), Some(j)) => {
                let lines = project(&old.projects[i], &new.projects[j], kind);
                if !lines.is_empty() {
                    changed += 1;
                    out.push(format!("项目「{}」：", new.projects[j].name));
                    out.extend(lines.into_iter().map(|l| format!("  {l}")));
                }
            }
            (None, None) => {}
        }
    }
    if !out.is_empty() {
        out.push(totals_line(old, new, kind, [added, removed, changed]));
    }
    out
}

/// The reviewer's last line: how many projects were added, removed and changed, and how the
/// sum of the requests (全年预算数 on a 自评表) moved.
fn totals_line(old: &Document, new: &Document, kind: FormKind, counts: [usize; 3]) -> String {
    let sum = |d: &Document| -> Decimal {
        d.projects
            .iter()
            .filter_map(|p| p.funding.as_ref()?.budget().total.as_ref()?.amount())
            .sum()
    };
    let delta = sum(new) - sum(old);
    let name = match kind {
        FormKind::Target => TOTAL,
        FormKind::SelfEval => "全年预算数",
    };
    let money = if delta.is_zero() {
        format!("{name}不变")
    } else {
        let sign = if delta > Decimal::ZERO { "+" } else { "" };
        format!("{name} {sign}{}", format_money(delta))
    };
    let [a, r, c] = counts;
    format!("合计：新增 {a} 个项目，删除 {r} 个，修改 {c} 个；{money}")
}

/// Pairs items by key, the n-th occurrence of a key with its n-th occurrence; in new order,
/// with the removed ones where they stood in the old order.
fn match_by_name(old: Vec<&str>, new: Vec<&str>) -> Vec<(Option<usize>, Option<usize>)> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut old_at: HashMap<(&str, usize), usize> = HashMap::new();
    for (i, k) in old.iter().enumerate() {
        let n = seen.entry(k).or_default();
        old_at.insert((k, *n), i);
        *n += 1;
    }
    seen.clear();
    let mut matched = vec![false; old.len()];
    let mut pairs: Vec<(Option<usize>, Option<usize>)> = Vec::new();
    for (j, k) in new.iter().enumerate() {
        let n = seen.entry(k).or_default();
        let i = old_at.get(&(*k, *n)).copied();
        *n += 1;
        if let Some(i) = i {
            matched[i] = true;
        }
        pairs.push((i, Some(j)));
    }
    // Removed ones go after the last pair that came before them in the old order.
    for i in (0..old.len()).filter(|&i| !matched[i]) {
        let at = pairs
            .iter()
            .rposition(|p| p.0.is_some_and(|x| x < i))
            .map(|k| k + 1)
            .unwrap_or(0);
        pairs.insert(at, (Some(i), None));
    }
    pairs
}

fn header(old: &Header, new: &Header, out: &mut Vec<String>) {
    let kind = |h: &Header| h.kind.map(|k| k.0.name().to_string());
    let year = |h: &Header| h.year().map(|y| y.to_string());
    let f = |x: &Option<Field>| x.as_ref().map(|f| f.value.clone());
    for (name, a, b) in [
        (HEADER_KIND, kind(old), kind(new)),
        (HEADER_YEAR, year(old), year(new)),
        (HEADER_UNIT, f(&old.unit), f(&new.unit)),
        (HEADER_PROFILE, f(&old.profile), f(&new.profile)),
    ] {
        if a != b {
            out.push(format!("文件头 {name}：{} → {}", show(&a), show(&b)));
        }
    }
}

fn show(v: &Option<String>) -> String {
    match v {
        Some(s) if !s.is_empty() => s.clone(),
        _ => "（无）".into(),
    }
}

/// A project in one line: its request and number of indicators.
fn brief(p: &Project) -> String {
    let total = p
        .funding
        .as_ref()
        .and_then(|f| f.budget().total.as_ref())
        .and_then(|m| m.amount());
    let n = p.indicators().count();
    match total {
        Some(t) => format!("（{} {}，{n} 个指标）", TOTAL, format_money(t)),
        None => format!("（{n} 个指标）"),
    }
}

fn money_text(m: Option<&MoneyField>) -> Option<String> {
    m.map(|m| match m.money {
        Money::Amount(d) => format_money(d),
        Money::Blank => value::BLANK.to_string(),
        Money::Invalid => m.text.clone(),
    })
}

/// `名称 old → new（±delta）`, or nothing when equal.
fn money_change(name: &str, a: Option<&MoneyField>, b: Option<&MoneyField>) -> Option<String> {
    let (ta, tb) = (money_text(a), money_text(b));
    if ta == tb {
        return None;
    }
    let delta = match (a.and_then(|m| m.amount()), b.and_then(|m| m.amount())) {
        (Some(x), Some(y)) => {
            let d = y - x;
            let sign = if d > Decimal::ZERO { "+" } else { "" };
            format!("（{sign}{}）", format_money(d))
        }
        _ => String::new(),
    };
    Some(format!("{name} {} → {}{delta}", show(&ta), show(&tb)))
}

fn num_text(n: Option<&NumField>) -> Option<String> {
    n.map(|n| n.num.map(canonical_num).unwrap_or_else(|| n.text.clone()))
}

fn num_change(name: &str, a: Option<&NumField>, b: Option<&NumField>) -> Option<String> {
    let (x, y) = (
        a.and_then(|n| n.num)
            .map(|n| (n.value.normalize(), n.percent)),
        b.and_then(|n| n.num)
            .map(|n| (n.value.normalize(), n.percent)),
    );
    let same = match (x, y) {
        (Some(x), Some(y)) => x == y,
        _ => num_text(a) == num_text(b),
    };
    (!same).then(|| format!("{name} {} → {}", show(&num_text(a)), show(&num_text(b))))
}

fn parts_changes(prefix: &str, total_key: &str, a: &Parts, b: &Parts, out: &mut Vec<String>) {
    for (key, x, y) in [
        (total_key, &a.total, &b.total),
        (CURRENT_YEAR, &a.current_year, &b.current_year),
        (CARRYOVER, &a.carryover, &b.carryover),
        (OTHER, &a.other, &b.other),
    ] {
        if let Some(l) = money_change(&format!("{prefix}{key}"), x.as_ref(), y.as_ref()) {
            out.push(l);
        }
    }
}

fn text_change(name: &str, a: Option<&TextField>, b: Option<&TextField>, out: &mut Vec<String>) {
    let (x, y) = (a.map(|t| t.text()), b.map(|t| t.text()));
    if x == y {
        return;
    }
    match (&x, &y) {
        (Some(x), Some(y))
            if !x.contains('\n')
                && !y.contains('\n')
                && x.chars().count() + y.chars().count() < 60 =>
        {
            out.push(format!("{name}：{x} → {y}"));
        }
        _ => {
            out.push(format!("{name}："));
            for l in x.iter().flat_map(|t| t.split('\n')) {
                out.push(format!("  - {l}"));
            }
            for l in y.iter().flat_map(|t| t.split('\n')) {
                out.push(format!("  + {l}"));
            }
        }
    }
}

fn project(a: &Project, b: &Project, kind: FormKind) -> Vec<String> {
    let mut out = Vec::new();
    for key in PROJECT_FIELDS {
        let (x, y) = (
            a.field(key).map(|_| crate::export::field(a, key)),
            b.field(key).map(|_| crate::export::field(b, key)),
        );
        if x != y {
            out.push(format!("{key}：{} → {}", show(&x), show(&y)));
        }
    }
    let empty = Funding {
        key_span: Default::default(),
        main: Parts::default(),
        project_total: None,
        columns: Vec::new(),
        weight: None,
        rate: None,
        score: None,
    };
    let (fa, fb) = (
        a.funding.as_ref().unwrap_or(&empty),
        b.funding.as_ref().unwrap_or(&empty),
    );
    out.extend(money_change(
        PROJECT_TOTAL,
        fa.project_total.as_ref(),
        fb.project_total.as_ref(),
    ));
    if kind == FormKind::Target || !fa.main.is_empty() || !fb.main.is_empty() {
        parts_changes("", TOTAL, &fa.main, &fb.main, &mut out);
    }
    for k in [
        ColumnKind::Initial,
        ColumnKind::Annual,
        ColumnKind::Executed,
    ] {
        let none = Parts::default();
        let x = fa.column(k).map(|c| &c.parts).unwrap_or(&none);
        let y = fb.column(k).map(|c| &c.parts).unwrap_or(&none);
        parts_changes(&format!("{} ", k.name()), TOTAL_SELF_EVAL, x, y, &mut out);
    }
    for (name, x, y) in [
        (format!("资金 {WEIGHT}"), &fa.weight, &fb.weight),
        (format!("资金 {RATE}"), &fa.rate, &fb.rate),
        (format!("资金 {SCORE}"), &fa.score, &fb.score),
    ] {
        out.extend(num_change(&name, x.as_ref(), y.as_ref()));
    }
    for key in TEXT_FIELDS {
        text_change(key, a.text(key), b.text(key), &mut out);
    }
    indicators(a, b, &mut out);
    let (ta, tb) = (a.total.as_ref(), b.total.as_ref());
    out.extend(num_change(
        &format!("{TOTAL_SCORE} {WEIGHT}"),
        ta.and_then(|t| t.weight.as_ref()),
        tb.and_then(|t| t.weight.as_ref()),
    ));
    out.extend(num_change(
        &format!("{TOTAL_SCORE} {SCORE}"),
        ta.and_then(|t| t.score.as_ref()),
        tb.and_then(|t| t.score.as_ref()),
    ));
    out
}

/// An indicator's place: 一级 / 二级 / name.
fn path(l1: &Level1, l2: Option<&Level2>, ind: &Indicator) -> String {
    match l2 {
        Some(l2) => format!("{} / {} / {}", l1.canonical, l2.canonical, ind.name),
        None => format!("{} / {}", l1.canonical, ind.name),
    }
}

fn value_text(ind: &Indicator) -> String {
    canonical_indicator_value(&ind.value).unwrap_or_else(|| ind.value_text.trim().to_string())
}

/// Everything an indicator holds besides its place, as (column, text) for comparison.
fn columns(ind: &Indicator) -> Vec<(&'static str, Option<String>)> {
    vec![
        ("指标值", Some(value_text(ind))),
        (ACTUAL, ind.actual().map(|a| a.value.trim().to_string())),
        (WEIGHT, num_text(ind.weight())),
        (SCORE, num_text(ind.score())),
        (DEVIATION, ind.deviation().map(|d| d.text())),
    ]
}

fn describe(ind: &Indicator) -> String {
    let v = value_text(ind);
    let mut s = if v.is_empty() {
        "（无指标值）".to_string()
    } else {
        v
    };
    for (k, c) in columns(ind).into_iter().skip(1) {
        if let Some(c) = c {
            if k != DEVIATION {
                s.push_str(&format!("，{k} {c}"));
            }
        }
    }
    s
}

fn column_changes(a: &Indicator, b: &Indicator) -> Vec<String> {
    columns(a)
        .into_iter()
        .zip(columns(b))
        .filter(|(x, y)| x.1 != y.1)
        .map(|(x, y)| format!("{} {} → {}", x.0, show(&x.1), show(&y.1)))
        .collect()
}

fn indicators(a: &Project, b: &Project, out: &mut Vec<String>) {
    let old: Vec<_> = a.indicators().collect();
    let new: Vec<_> = b.indicators().collect();
    let keys = |v: &Vec<(&Level1, Option<&Level2>, &Indicator)>| -> Vec<String> {
        v.iter().map(|(l1, l2, i)| path(l1, *l2, i)).collect()
    };
    let (ko, kn) = (keys(&old), keys(&new));
    let pairs = match_by_name(
        ko.iter().map(String::as_str).collect(),
        kn.iter().map(String::as_str).collect(),
    );
    let removed: Vec<usize> = pairs
        .iter()
        .filter_map(|p| (p.1.is_none()).then_some(p.0).flatten())
        .collect();
    let added: Vec<usize> = pairs
        .iter()
        .filter_map(|p| (p.0.is_none()).then_some(p.1).flatten())
        .collect();
    // An indicator that left one category and arrived in another under the same name moved.
    let mut moved: HashMap<usize, usize> = HashMap::new();
    let mut used = vec![false; new.len()];
    for &i in &removed {
        if let Some(&j) = added
            .iter()
            .find(|&&j| !used[j] && new[j].2.name == old[i].2.name)
        {
            used[j] = true;
            moved.insert(i, j);
        }
    }
    for (i, j) in pairs {
        match (i, j) {
            (Some(i), Some(j)) => {
                let changes = column_changes(old[i].2, new[j].2);
                if changes.len() == 1 && changes[0].starts_with("指标值 ") {
                    out.push(format!(
                        "指标「{}」：{}",
                        kn[j],
                        &changes[0]["指标值 ".len()..]
                    ));
                } else if !changes.is_empty() {
                    out.push(format!("指标「{}」：{}", kn[j], changes.join("；")));
                }
            }
            (Some(i), None) => match moved.get(&i) {
                Some(&j) => {
                    let changes = column_changes(old[i].2, new[j].2);
                    let tail = if changes.is_empty() {
                        String::new()
                    } else {
                        format!("；{}", changes.join("；"))
                    };
                    out.push(format!("指标移动：「{}」→「{}」{tail}", ko[i], kn[j]));
                }
                None => out.push(format!("删除指标「{}」：{}", ko[i], describe(old[i].2))),
            },
            (None, Some(j)) if !used[j] => {
                out.push(format!("新增指标「{}」：{}", kn[j], describe(new[j].2)));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;
    use crate::check::Settings;

    fn d(old: &str, new: &str) -> Vec<String> {
        let s = Settings::default();
        diff(&analyze(old, &s).doc, &analyze(new, &s).doc)
    }

    const BASE: &str = "表: 绩效目标申报表\n年度: 2025\n\n项目: 宣传与推广\n  项目性质: 其他经常性项目\n  资金:\n    年度资金申请总额: 300,000.00\n    当年财政拨款: 300,000.00\n  产出指标:\n    数量指标:\n      彩色宣传页发放数量: ≥40000.00(张)\n      宣传册发放人数: ≥17000.00(本)\n";

    #[test]
    fn formatting_is_no_change() {
        let messy = "表：绩效目标申报表\n年度：2025\n# 注释\n项目：宣传与推广\n\t项目性质：其他经常性项目\n 资金：\n    年度资金申请总额：300000\n    当年财政拨款: 30万元\n  产出指标:\n  数量指标:\n      彩色宣传页发放数量: >=40000（张）\n      宣传册发放人数: ≥17000(本)\n";
        assert_eq!(d(BASE, messy), Vec::<String>::new());
    }

    #[test]
    fn funding_fields_and_indicators() {
        let new = BASE
            .replace(
                "年度资金申请总额: 300,000.00",
                "年度资金申请总额: 320,000.00",
            )
            .replace("其他经常性项目", "其他一次性项目")
            .replace("≥40000.00(张)", "≥45000.00(张)")
            .replace(
                "      宣传册发放人数: ≥17000.00(本)\n",
                "    质量指标:\n      宣传册发放人数: ≥17000.00(本)\n      准确率: =100.00(%)\n",
            );
        assert_eq!(
            d(BASE, &new),
            [
                "项目「宣传与推广」：",
                "  项目性质：其他经常性项目 → 其他一次性项目",
                "  年度资金申请总额 300,000.00 → 320,000.00（+20,000.00）",
                "  指标「产出指标 / 数量指标 / 彩色宣传页发放数量」：≥40000.00(张) → ≥45000.00(张)",
                "  指标移动：「产出指标 / 数量指标 / 宣传册发放人数」→「产出指标 / 质量指标 / 宣传册发放人数」",
                "  新增指标「产出指标 / 质量指标 / 准确率」：=100.00(%)",
                "合计：新增 0 个项目，删除 0 个，修改 1 个；年度资金申请总额 +20,000.00",
            ]
        );
    }

    #[test]
    fn projects_matched_by_name_in_order() {
        let two =
            format!("{BASE}\n项目: 宣传与推广\n  资金:\n    年度资金申请总额: 1\n\n项目: 库房\n");
        let changed = two
            .replace("年度资金申请总额: 1\n", "年度资金申请总额: 2\n")
            .replace("项目: 库房\n", "");
        assert_eq!(
            d(&two, &changed),
            [
                "项目「宣传与推广」：",
                "  年度资金申请总额 1.00 → 2.00（+1.00）",
                "删除项目「库房」（0 个指标）",
                "合计：新增 0 个项目，删除 1 个，修改 1 个；年度资金申请总额 +1.00",
            ]
        );
        let less = d(&two, BASE);
        assert_eq!(
            less.last().unwrap(),
            "合计：新增 0 个项目，删除 2 个，修改 0 个；年度资金申请总额 -1.00"
        );
        let renamed = d(BASE, &BASE.replace("项目: 宣传与推广", "项目: 宣传"));
        assert_eq!(
            renamed.last().unwrap(),
            "合计：新增 1 个项目，删除 1 个，修改 0 个；年度资金申请总额不变"
        );
        assert_eq!(
            d("表: 绩效目标申报表\n年度: 2025\n", BASE)[0],
            "新增项目「宣传与推广」（年度资金申请总额 300,000.00，2 个指标）"
        );
    }

    #[test]
    fn pairing() {
        let p = match_by_name(vec!["a", "b", "a", "c"], vec!["a", "a", "d"]);
        assert_eq!(
            p,
            [
                (Some(0), Some(0)),
                (Some(1), None),
                (Some(2), Some(1)),
                (Some(3), None),
                (None, Some(2))
            ]
        );
    }
}

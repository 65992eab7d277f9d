//! Hover: a project's funding table, the file's totals, an amount in 元/万元/大写, a category's
//! meaning, an indicator value read aloud.

use super::View;
use crate::check::funding_cost_caps;
use crate::model::value::{
    canonical_number, format_money, money_in_words, parse_indicator_value, parse_money,
    IndicatorValue, Money, Op,
};
use crate::model::vocab::Vocab;
use crate::model::*;
use crate::summary::Summary;
use crate::syntax::LineKind;
use rust_decimal::Decimal;
use std::ops::Range;

fn wan(d: Decimal) -> String {
    format!(
        "{} 万元",
        canonical_number((d / Decimal::from(10_000)).round_dp(6))
    )
}

fn cell(m: Option<&MoneyField>) -> String {
    match m.map(|m| m.money) {
        Some(Money::Amount(d)) => format_money(d),
        Some(Money::Blank) => "—".into(),
        Some(Money::Invalid) => format!("`{}`（格式不对）", m.unwrap().text),
        None => "（未填）".into(),
    }
}

/// The funding table of a project, in Markdown.
pub fn funding_table(p: &Project, kind: FormKind, vocab: &Vocab) -> String {
    let mut out = format!("**{}** — 项目资金（元）\n\n", p.name);
    let Some(f) = &p.funding else {
        return out + "没有填写「资金:」。";
    };
    let check = |stated: Option<Decimal>, sum: Option<Decimal>| match (stated, sum) {
        (Some(a), Some(b)) if a == b => " ✓".to_string(),
        (Some(a), Some(b)) => format!(" ✗（差 {}）", format_money(a - b)),
        _ => String::new(),
    };
    if kind == FormKind::SelfEval && !f.columns.is_empty() {
        out.push_str("| | 年初预算数 | 全年预算数 | 全年执行数 |\n|---|---:|---:|---:|\n");
        let col = |k: ColumnKind| f.column(k).map(|c| &c.parts);
        let kinds = [
            ColumnKind::Initial,
            ColumnKind::Annual,
            ColumnKind::Executed,
        ];
        for (label, key) in [
            ("当年财政拨款", CURRENT_YEAR),
            ("上年结转资金", CARRYOVER),
            ("其他资金", OTHER),
        ] {
            let cells: Vec<String> = kinds
                .iter()
                .map(|k| cell(col(*k).and_then(|p| p.get(key))))
                .collect();
            out.push_str(&format!("| {label} | {} |\n", cells.join(" | ")));
        }
        let sums: Vec<String> = kinds
            .iter()
            .map(|k| {
                col(*k)
                    .and_then(Parts::sum)
                    .map(format_money)
                    .unwrap_or_else(|| "—".into())
            })
            .collect();
        out.push_str(&format!("| 合计 | {} |\n", sums.join(" | ")));
        let totals: Vec<String> = kinds
            .iter()
            .map(|k| {
                let parts = col(*k);
                let t = parts.and_then(|p| p.total.as_ref());
                cell(t) + &check(t.and_then(|t| t.amount()), parts.and_then(Parts::sum))
            })
            .collect();
        out.push_str(&format!(
            "| 年度资金总额（填报） | {} |\n",
            totals.join(" | ")
        ));
        if let Some(e) = crate::check::execution(f) {
            let stated = f
                .rate
                .as_ref()
                .map(|r| r.text.clone())
                .unwrap_or_else(|| "未填".into());
            // Four decimals: the reader sees which way the form rounded (58.1237% → 58.13%).
            let exact = e.exact.round_dp(4).normalize();
            out.push_str(&format!("\n执行率：计算 {exact}%，填报 {stated}\n"));
        }
        return out;
    }
    let parts = f.budget();
    out.push_str("| | 金额 |\n|---|---:|\n");
    for (label, m) in [
        ("当年财政拨款", &parts.current_year),
        ("上年结转资金", &parts.carryover),
        ("其他资金", &parts.other),
    ] {
        out.push_str(&format!("| {label} | {} |\n", cell(m.as_ref())));
    }
    let sum = parts.sum();
    out.push_str(&format!(
        "| 合计 | {} |\n",
        sum.map(format_money).unwrap_or_else(|| "—".into())
    ));
    let stated = parts.total.as_ref().and_then(|t| t.amount());
    out.push_str(&format!(
        "| 年度资金申请总额（填报） | {}{} |\n",
        cell(parts.total.as_ref()),
        check(stated, sum)
    ));
    if let Some(whole) = &f.project_total {
        out.push_str(&format!(
            "| 项目资金总额（跨年度） | {} |\n",
            cell(Some(whole))
        ));
    }
    let (caps, n, _) = funding_cost_caps(p, vocab, Decimal::ZERO);
    if n > 0 {
        let diff = stated
            .map(|s| format!("，与申请总额差 {} 元", format_money(s - caps)))
            .unwrap_or_default();
        out.push_str(&format!(
            "\n成本指标合计（{n} 项）：{}（{} 元）{diff}\n",
            wan(caps),
            format_money(caps)
        ));
    }
    out
}

/// The file's 汇总, in Markdown.
pub fn file_totals(view: &View) -> String {
    let mut s = Summary::default();
    (view.each_project)(&mut |p| s.add(p));
    let mut out = format!(
        "**汇总**（{} {}）：{} 个项目，年度资金申请总额合计 **{}** 元（{}）\n\n",
        view.header
            .year()
            .map(|y| y.to_string())
            .unwrap_or_default(),
        view.header.form_kind().name(),
        s.all.projects,
        format_money(s.all.total),
        wan(s.all.total)
    );
    out.push_str("| 资金来源 | 金额（元） |\n|---|---:|\n");
    out.push_str(&format!(
        "| 当年财政拨款 | {} |\n| 上年结转资金 | {} |\n| 其他资金 | {} |\n\n",
        format_money(s.all.current_year),
        format_money(s.all.carryover),
        format_money(s.all.other)
    ));
    out.push_str("| 项目类别 | 项目数 | 金额（元） |\n|---|---:|---:|\n");
    for (cat, t) in &s.by_category {
        out.push_str(&format!(
            "| {cat} | {} | {} |\n",
            t.projects,
            format_money(t.total)
        ));
    }
    out.push_str(&format!("\n指标体系：{}", view.profile().name));
    out
}

fn money_hover(d: Decimal) -> String {
    format!(
        "**{} 元**\n\n= {}\n\n大写：{}",
        format_money(d),
        wan(d),
        money_in_words(d)
    )
}

fn category_hover(view: &View, canonical: &str, written: &str) -> String {
    let vocab = &view.settings.vocab;
    let prof = view.profile();
    let mut out = format!("**{written}**");
    if canonical != written {
        out.push_str(&format!("（即「{canonical}」）"));
    }
    if let Some(d) = prof.level1(canonical) {
        out.push_str(&format!("：一级指标\n\n二级指标：{}", d.level2.join("、")));
    } else if let Some(parent) = prof.parent_of(canonical) {
        out.push_str(&format!("：二级指标，属于一级指标「{}」", parent.name));
    } else {
        out.push_str(&format!("：不在「{}」体系中", prof.name));
    }
    if let Some(desc) = vocab.descriptions.get(canonical) {
        out.push_str(&format!("\n\n{desc}"));
    }
    out.push_str(&format!("\n\n指标体系：{}", prof.name));
    out
}

fn indicator_hover(name: &str, value: &str) -> Option<String> {
    match parse_indicator_value(value) {
        IndicatorValue::Quantitative { op, number, unit } => {
            let u = unit.clone().unwrap_or_default();
            let n = canonical_number(number);
            let meaning = match op {
                Op::Ge => format!("不低于 {n}{u}"),
                Op::Gt => format!("高于 {n}{u}"),
                Op::Eq => format!("等于 {n}{u}"),
                Op::Le => format!("不超过 {n}{u}"),
                Op::Lt => format!("低于 {n}{u}"),
            };
            let dir = if op.is_positive() {
                "正向指标（越高越好）"
            } else {
                "反向指标（越低越好）"
            };
            let mut out = format!("**{name}**：{meaning}\n\n{dir}");
            if unit.as_deref() == Some("万元") {
                out.push_str(&format!(
                    "\n\n{} 万元 = {} 元",
                    n,
                    format_money(number * Decimal::from(10_000))
                ));
            }
            Some(out)
        }
        IndicatorValue::Qualitative => Some(format!("**{name}**：定性指标「{value}」")),
        _ => None,
    }
}

pub fn hover(view: &View, offset: usize) -> Option<(String, Range<usize>)> {
    let at = view.at(offset)?;
    let line_range = at.start..at.start + at.line.len as usize;
    if at.seg == 0 {
        return Some((file_totals(view), line_range));
    }
    let project = view.project(at.seg)?;
    let kind = view.header.form_kind();
    let LineKind::Entry { key, value, .. } = &at.line.kind else {
        return None;
    };
    let key_text = &at.text[key.range()];
    let value_text = &at.text[value.range()];
    let value_range = at.start + value.start as usize..at.start + value.end as usize;
    let key_range = at.start + key.start as usize..at.start + key.end as usize;
    match at.role.role {
        Role::Project | Role::Funding => Some((
            funding_table(project, kind, &view.settings.vocab),
            line_range,
        )),
        Role::Money => match parse_money(value_text) {
            Money::Amount(d) => Some((money_hover(d), value_range)),
            _ => None,
        },
        Role::Level1 | Role::Level2 => {
            let canonical = view.settings.vocab.canonical_category(key_text);
            Some((category_hover(view, &canonical, key_text), key_range))
        }
        Role::Indicator => indicator_hover(key_text, value_text).map(|h| (h, line_range)),
        _ => None,
    }
}

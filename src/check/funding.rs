//! funding-sum, money-format, missing-value (money), cost-exceeds-funding, cost-funding-gap.

use super::values::is_cost;
use super::{Context, Sink};
use crate::model::value::{format_money, money_problem, IndicatorValue, Money, Op};
use crate::model::*;
use rust_decimal::Decimal;

pub fn check(p: &Project, cx: &Context, sink: &mut Sink) {
    let Some(f) = &p.funding else { return };
    let mut columns: Vec<(Option<&str>, &Parts)> = Vec::new();
    if !f.main.is_empty() || f.columns.is_empty() {
        columns.push((None, &f.main));
    }
    for c in &f.columns {
        columns.push((Some(c.kind.name()), &c.parts));
    }
    for (col, parts) in &columns {
        check_parts(*col, parts, cx, f, sink);
    }
    if cx.kind() == FormKind::Target {
        check_costs(p, f, cx, sink);
    }
}

fn check_parts(col: Option<&str>, parts: &Parts, cx: &Context, f: &Funding, sink: &mut Sink) {
    let prefix = col
        .map(|c| format!("{c}："))
        .unwrap_or_else(|| "资金：".to_string());
    let total_key = if cx.kind() == FormKind::SelfEval {
        TOTAL_SELF_EVAL
    } else {
        TOTAL
    };
    for m in [
        &parts.total,
        &parts.current_year,
        &parts.carryover,
        &parts.other,
    ]
    .into_iter()
    .flatten()
    {
        match m.money {
            Money::Invalid if m.text.is_empty() => sink.push(
                "missing-value",
                m.key_span,
                format!("{prefix}「{}」没有填写金额", m.key),
            ),
            Money::Invalid => sink.push(
                "money-format",
                m.value_span,
                format!(
                    "{prefix}金额「{}」格式不对：{}",
                    m.text,
                    money_problem(&m.text).message()
                ),
            ),
            _ => {}
        }
    }
    let at = parts
        .total
        .as_ref()
        .map(|t| t.key_span)
        .or(col.map(|_| f.key_span))
        .unwrap_or(f.key_span);
    let Some(total) = &parts.total else {
        sink.push("missing-field", at, format!("{prefix}缺少「{total_key}」"));
        return;
    };
    for (key, part) in [
        (CURRENT_YEAR, &parts.current_year),
        (CARRYOVER, &parts.carryover),
        (OTHER, &parts.other),
    ] {
        if part.is_none() {
            sink.push(
                "missing-field",
                total.key_span,
                format!("{prefix}缺少「{key}」"),
            );
        }
    }
    let Some(sum) = parts.sum() else { return };
    if let Money::Amount(t) = total.money {
        if t != sum {
            let shown: Vec<String> = parts
                .parts()
                .iter()
                .flatten()
                .map(|m| match m.money {
                    Money::Amount(d) => format_money(d),
                    _ => "—".into(),
                })
                .collect();
            sink.push(
                "funding-sum",
                total.value_span,
                format!(
                    "{prefix}{} {} ≠ 当年财政拨款 + 上年结转资金 + 其他资金 = {} = {}（差 {}）",
                    total.key,
                    format_money(t),
                    shown.join(" + "),
                    format_money(sum),
                    format_money(t - sum)
                ),
            );
        }
    }
}

/// A cost indicator's cap in 元, if it is a total (元 or 万元, not per unit).
pub fn cost_cap(ind: &Indicator) -> Option<(Decimal, bool)> {
    match &ind.value {
        IndicatorValue::Quantitative {
            op: Op::Le | Op::Lt | Op::Eq,
            number,
            unit,
        } => match unit.as_deref() {
            Some("万元") => Some((*number * Decimal::from(10_000), true)),
            Some("元") => Some((*number, false)),
            _ => None,
        },
        _ => None,
    }
}

/// Σ of the cost caps in 元 and how many were written in 万元.
pub fn cost_caps(p: &Project) -> (Decimal, usize, usize) {
    let mut sum = Decimal::ZERO;
    let (mut n, mut wan) = (0, 0);
    for (l1, l2, ind) in p.indicators() {
        // The value first: it is cheaper to look at than the category names.
        let Some((v, w)) = cost_cap(ind) else {
            continue;
        };
        if is_cost(l1, l2) {
            sum += v;
            n += 1;
            wan += usize::from(w);
        }
    }
    (sum, n, wan)
}

fn check_costs(p: &Project, f: &Funding, cx: &Context, sink: &mut Sink) {
    let Some(total) = f
        .budget()
        .total
        .as_ref()
        .and_then(|t| t.amount().map(|a| (a, t)))
    else {
        return;
    };
    let (sum, n, wan) = cost_caps(p);
    if n == 0 {
        return;
    }
    let tolerance = cx.settings.tolerance_per_cap * Decimal::from(wan as u64);
    let (amount, t) = total;
    let wan_text = |d: Decimal| {
        format!(
            "{} 万元",
            crate::model::value::canonical_number(
                (d / Decimal::from(10_000)).round_dp(6).normalize()
            )
        )
    };
    if sum > amount + tolerance {
        sink.push(
            "cost-exceeds-funding",
            t.value_span,
            format!(
                "成本指标合计 {}（{} 元）超过年度资金申请总额 {} 元，多 {} 元",
                wan_text(sum),
                format_money(sum),
                format_money(amount),
                format_money(sum - amount)
            ),
        );
    } else if sum + tolerance < amount {
        let pct = (sum / amount * Decimal::from(100))
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToZero);
        sink.push(
            "cost-funding-gap",
            t.value_span,
            format!(
                "成本指标合计 {}（{} 元）比年度资金申请总额 {} 元少 {} 元，只覆盖 {}%",
                wan_text(sum),
                format_money(sum),
                format_money(amount),
                format_money(amount - sum),
                pct
            ),
        );
    }
}

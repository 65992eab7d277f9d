//! funding-sum, money-format, missing-value (money), cost-exceeds-funding, cost-funding-gap.

use super::kind::{classify, is_unit_cost, Kind};
use super::values::is_cost;
use super::{Context, Sink};
use crate::model::value::{format_money, money_problem, IndicatorValue, Money, Op};
use crate::model::vocab::Vocab;
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
pub fn cost_cap(ind: &Indicator, vocab: &Vocab) -> Option<(Decimal, bool)> {
    match &ind.value {
        IndicatorValue::Quantitative {
            op: Op::Le | Op::Lt | Op::Eq,
            number,
            unit: Some(unit),
        } if !is_unit_cost(&ind.name, unit, vocab) => match unit.as_str() {
            "万元" => Some((*number * Decimal::from(10_000), true)),
            "元" => Some((*number, false)),
            _ => None,
        },
        _ => None,
    }
}

/// A unit cost reconciled with its quantity: unit cost × quantity, in 元.
pub struct UnitCost<'p> {
    pub cost: &'p Indicator,
    pub quantity: &'p Indicator,
    pub total: Decimal,
    /// How far the product may be off because the price was rounded.
    pub rounding: Decimal,
}

/// Each unit cost of `p` with the one quantity it is a cost of: the quantity counted in the
/// unit's denominator (元/人, 元/人年 → 人; not 元/人月), or, for a unit cost written in 元 alone, the one
/// quantity whose name starts as the cost's does (工作服购置单位成本 ↔ 工作服采购完成数量).
/// None when no single quantity matches: a unit cost is never summed as a total.
pub fn unit_costs<'p>(p: &'p Project, vocab: &Vocab) -> Vec<UnitCost<'p>> {
    let mut out = Vec::new();
    for (l1, l2, cost) in p.indicators() {
        let IndicatorValue::Quantitative {
            op: Op::Le | Op::Lt | Op::Eq,
            number: price,
            unit: Some(unit),
        } = &cost.value
        else {
            continue;
        };
        if !is_cost(l1, l2) || !is_unit_cost(&cost.name, unit, vocab) {
            continue;
        }
        let (money, per) = unit.split_once('/').unwrap_or((unit, ""));
        let factor = if money == "万元" {
            Decimal::from(10_000)
        } else {
            Decimal::ONE
        };
        let prefix: String = cost.name.chars().take(2).collect();
        let mut matches = p.indicators().filter_map(|(ql1, ql2, q)| {
            let IndicatorValue::Quantitative {
                op: Op::Eq | Op::Ge,
                number,
                unit: Some(qu),
            } = &q.value
            else {
                return None;
            };
            let counted = classify(&q.name, Some(qu), vocab)
                .is_some_and(|c| c.kind == Kind::Quantity)
                && vocab.kinds.count_units.contains(qu)
                && !is_cost(ql1, ql2);
            // 元/人 and 元/人年 (a form covers one year) are costs per 人; 元/人月 and 元/人次
            // are not, and are left unreconciled rather than multiplied by the wrong count.
            let same = if per.is_empty() {
                q.name.starts_with(&prefix)
            } else {
                per.strip_prefix(qu.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest == "年")
            };
            (counted && same).then_some((q, *number))
        });
        if let (Some((quantity, n)), None) = (matches.next(), matches.next()) {
            // The price is rounded to its last decimal: the product may be off by half of
            // that for each unit.
            let rounding = Decimal::new(5, price.scale() + 1) * factor * n;
            out.push(UnitCost {
                cost,
                quantity,
                total: *price * factor * n,
                rounding,
            });
        }
    }
    out
}

/// Σ of the cost caps in 元 (each unit cost × its quantity counted once), how many, and the
/// tolerance their rounding calls for.
pub fn cost_caps(p: &Project, vocab: &Vocab, per_wan: Decimal) -> (Decimal, usize, Decimal) {
    let mut sum = Decimal::ZERO;
    let mut n = 0;
    let mut tolerance = Decimal::ZERO;
    for (l1, l2, ind) in p.indicators() {
        // The value first: it is cheaper to look at than the category names.
        let Some((v, w)) = cost_cap(ind, vocab) else {
            continue;
        };
        if is_cost(l1, l2) {
            sum += v;
            n += 1;
            if w {
                tolerance += per_wan;
            }
        }
    }
    for u in unit_costs(p, vocab) {
        sum += u.total;
        n += 1;
        tolerance += u.rounding;
    }
    (sum, n, tolerance)
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
    let vocab = &cx.settings.vocab;
    let (sum, n, tolerance) = cost_caps(p, vocab, cx.settings.tolerance_per_cap);
    if n == 0 {
        return;
    }
    let (amount, t) = total;
    let mut over = false;
    for u in unit_costs(p, vocab) {
        if u.total > amount + u.rounding {
            over = true;
            sink.push(
                "unit-cost",
                u.cost.value_span,
                format!(
                    "单位成本「{}」{} × 「{}」{} = {} 元，超过年度资金申请总额 {} 元，多 {} 元：请核对单价、数量或申请总额",
                    u.cost.name,
                    u.cost.value_text,
                    u.quantity.name,
                    u.quantity.value_text,
                    format_money(u.total),
                    format_money(amount),
                    format_money(u.total - amount)
                ),
            );
        }
    }
    if over {
        return;
    }
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

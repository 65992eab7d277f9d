//! Self-evaluation arithmetic (财预〔2020〕10号): execution-rate, execution-score,
//! score-exceeds-weight, weight-total, total-score, deviation-reason; and bad-value /
//! missing-value for every 分值, 得分 and 执行率 cell.

use super::{Context, Sink};
use crate::model::value::format_money;
use crate::model::*;
use rust_decimal::{Decimal, RoundingStrategy};

fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn value(f: Option<&NumField>) -> Option<Decimal> {
    f.and_then(|f| f.num).map(|n| n.value)
}

/// 执行率 in percent, two decimals (half away from zero), from the 全年执行数 and 全年预算数
/// (else 年初预算数) totals.
pub fn execution_rate(f: &Funding) -> Option<(Decimal, Decimal, Decimal)> {
    execution(f).map(|e| (round2(e.exact), e.executed, e.budget))
}

/// The execution figures of a 自评表's funding.
#[derive(Debug, Clone, Copy)]
pub struct Execution {
    /// 全年执行数 ÷ 全年预算数 × 100, unrounded.
    pub exact: Decimal,
    pub executed: Decimal,
    pub budget: Decimal,
}

pub fn execution(f: &Funding) -> Option<Execution> {
    let executed = f
        .column(ColumnKind::Executed)?
        .parts
        .total
        .as_ref()?
        .amount()?;
    let budget = f
        .column(ColumnKind::Annual)
        .or_else(|| f.column(ColumnKind::Initial))?
        .parts
        .total
        .as_ref()?
        .amount()?;
    if budget.is_zero() {
        return None;
    }
    Some(Execution {
        exact: executed / budget * Decimal::from(100),
        executed,
        budget,
    })
}

/// 执行率得分 = 分值 × min(执行率, 100%), from the unrounded 执行率, two decimals half away
/// from zero.
pub fn execution_score(weight: Decimal, exact_rate: Decimal) -> Decimal {
    round2(weight * exact_rate.min(Decimal::from(100)) / Decimal::from(100))
}

/// A stated 执行率 in percent — `58.12%`, or `58.12` (read as percent when above 1), or `0.5812`
/// — with one unit of its last written digit, in percent.
fn stated_rate(n: crate::model::value::Num) -> (Decimal, Decimal) {
    let unit = Decimal::new(1, n.value.scale());
    if n.percent || n.value > Decimal::ONE {
        (n.value, unit)
    } else {
        (n.value * Decimal::from(100), unit * Decimal::from(100))
    }
}

/// Whether a printed figure is the exact one rounded to the printed digits in some direction
/// (up, down or half): forms come from systems that round up (58.1237% printed 58.13%).
fn is_rounding_of(printed: Decimal, exact: Decimal, unit: Decimal) -> bool {
    (printed - exact).abs() < unit
}

fn number_cells(p: &Project) -> Vec<&NumField> {
    let mut out: Vec<&NumField> = Vec::new();
    if let Some(f) = &p.funding {
        out.extend([&f.weight, &f.rate, &f.score].into_iter().flatten());
    }
    if let Some(t) = &p.total {
        out.extend([&t.weight, &t.score].into_iter().flatten());
    }
    for (_, _, ind) in p.indicators() {
        out.extend([ind.weight(), ind.score()].into_iter().flatten());
    }
    out
}

pub fn check(p: &Project, cx: &Context, sink: &mut Sink) {
    super::scoring::check(
        p,
        &cx.settings.vocab.grading,
        cx.settings.score_tolerance,
        sink,
    );
    for nf in number_cells(p) {
        if nf.num.is_none() {
            if nf.text.is_empty() {
                sink.push(
                    "missing-value",
                    nf.key_span,
                    format!("「{}」没有填写", nf.key),
                );
            } else {
                sink.push(
                    "bad-value",
                    nf.value_span,
                    format!("「{}」应为数字，而不是「{}」", nf.key, nf.text),
                );
            }
        }
    }
    if let Some(f) = &p.funding {
        check_funding(f, sink);
    }
    let mut weights = Decimal::ZERO;
    let mut scores = Decimal::ZERO;
    let mut any_weight = false;
    if let Some(f) = &p.funding {
        if let Some(w) = value(f.weight.as_ref()) {
            weights += w;
            any_weight = true;
        }
        scores += value(f.score.as_ref()).unwrap_or_default();
    }
    for (_, _, ind) in p.indicators() {
        let (w, s) = (value(ind.weight()), value(ind.score()));
        if let Some(w) = w {
            weights += w;
            any_weight = true;
        }
        scores += s.unwrap_or_default();
        let (Some(w), Some(s)) = (w, s) else { continue };
        if s > w {
            sink.push(
                "score-exceeds-weight",
                ind.score().unwrap().value_span,
                format!(
                    "「{}」得分 {} 超过分值 {}",
                    ind.name,
                    s.normalize(),
                    w.normalize()
                ),
            );
        } else if s < w {
            let text = ind.deviation().map(|d| d.text()).unwrap_or_default();
            let text = text.trim().trim_end_matches(['。', '.']);
            let placeholder = cx
                .settings
                .vocab
                .names
                .placeholder_texts
                .iter()
                .any(|p| p == text);
            if text.is_empty() || placeholder {
                let written = if text.is_empty() {
                    String::new()
                } else {
                    format!("，而不是「{text}」")
                };
                sink.push(
                    "deviation-reason",
                    ind.name_span,
                    format!(
                        "「{}」扣了 {} 分（{} / {}），应在「偏差原因分析及改进措施」中写明未完成的原因和改进措施{written}",
                        ind.name,
                        (w - s).normalize(),
                        s.normalize(),
                        w.normalize()
                    ),
                );
            }
        }
    }
    let Some(total) = &p.total else { return };
    let hundred = Decimal::from(100);
    let weight_total_fired = any_weight && weights != hundred;
    if weight_total_fired {
        let at = total
            .weight
            .as_ref()
            .map(|w| w.value_span)
            .unwrap_or(total.key_span);
        sink.push(
            "weight-total",
            at,
            format!("各项分值合计 {}，应为 100", weights.normalize()),
        );
    }
    // A stated 总分分值 that differs from Σ分值 is the same mistake as weight-total when that
    // fired; report it only when the weights do add up to 100.
    if let (Some(tw), Some(v)) = (&total.weight, value(total.weight.as_ref())) {
        if any_weight && v != weights && !weight_total_fired {
            sink.push(
                "total-score",
                tw.value_span,
                format!(
                    "总分的分值 {} ≠ 各项分值之和 {}",
                    v.normalize(),
                    weights.normalize()
                ),
            );
        }
    }
    if let (Some(ts), Some(v)) = (&total.score, value(total.score.as_ref())) {
        if (v - scores).abs() > Decimal::new(1, 2) {
            sink.push(
                "total-score",
                ts.value_span,
                format!(
                    "总分 {} ≠ 执行率得分与各指标得分之和 {}",
                    v.normalize(),
                    scores.normalize()
                ),
            );
        }
    }
}

fn check_funding(f: &Funding, sink: &mut Sink) {
    adjusted_budget(f, sink);
    let Some(e) = execution(f) else {
        return;
    };
    let hundred = Decimal::from(100);
    let rate = round2(e.exact);
    let mut stated_ok = None;
    let mut shown = format!("{rate}%");
    if let Some(r) = &f.rate {
        if let Some(n) = r.num {
            let (stated, unit) = stated_rate(n);
            if is_rounding_of(stated, e.exact, unit) {
                stated_ok = Some(stated);
                shown = r.text.clone();
            } else {
                sink.push(
                    "execution-rate",
                    r.value_span,
                    format!(
                        "执行率 {} 与 全年执行数 {} ÷ 全年预算数 {} = {}% 不符",
                        r.text,
                        format_money(e.executed),
                        format_money(e.budget),
                        rate
                    ),
                );
            }
        }
    }
    if e.exact > hundred {
        let at = f
            .rate
            .as_ref()
            .map(|r| r.value_span)
            .or_else(|| {
                f.column(ColumnKind::Executed)
                    .and_then(|c| c.parts.total.as_ref())
                    .map(|t| t.value_span)
            })
            .unwrap_or(f.key_span);
        sink.push(
            "over-budget",
            at,
            format!(
                "超预算执行：全年执行数 {} 超过全年预算数 {}（执行率 {shown}），请核对执行数，或说明超支原因及预算调整依据；执行率得分按 100% 计",
                format_money(e.executed),
                format_money(e.budget),
            ),
        );
    }
    let (Some(w), Some(s)) = (value(f.weight.as_ref()), &f.score) else {
        return;
    };
    let Some(stated) = s.num.map(|n| n.value) else {
        return;
    };
    let expected = execution_score(w, e.exact);
    // Two decimals, as the forms print scores; from the printed 执行率 too when that is right.
    let cent = Decimal::new(1, 2);
    let from_exact = w * e.exact.min(hundred) / hundred;
    let from_printed = stated_ok.map(|r| w * r.min(hundred) / hundred);
    let ok = is_rounding_of(stated, from_exact, cent)
        || from_printed.is_some_and(|p| is_rounding_of(stated, p, cent));
    if !ok {
        sink.push(
            "execution-score",
            s.value_span,
            format!(
                "执行率得分应为 分值 × min(执行率, 100%) = {} × {}% = {}，而不是 {}",
                w.normalize(),
                rate.min(hundred),
                expected.normalize(),
                s.text
            ),
        );
    } else if stated > w {
        sink.push(
            "score-exceeds-weight",
            s.value_span,
            format!(
                "执行率得分 {} 超过分值 {}",
                stated.normalize(),
                w.normalize()
            ),
        );
    }
}

/// A 全年预算数 that differs from the 年初预算数: the budget was adjusted during the year, and
/// the 执行率 is measured against the adjusted one.
fn adjusted_budget(f: &Funding, sink: &mut Sink) {
    let total = |k| f.column(k).and_then(|c| c.parts.total.as_ref());
    let (Some(initial), Some(annual)) = (total(ColumnKind::Initial), total(ColumnKind::Annual))
    else {
        return;
    };
    let (Some(i), Some(a)) = (initial.amount(), annual.amount()) else {
        return;
    };
    if i != a {
        let diff = a - i;
        sink.push(
            "adjusted-budget",
            annual.value_span,
            format!(
                "全年预算数 {} 与年初预算数 {} 不同（年中调整 {}{}），执行率按调整后的全年预算数计算",
                format_money(a),
                format_money(i),
                if diff.is_sign_positive() { "+" } else { "" },
                format_money(diff)
            ),
        );
    }
}

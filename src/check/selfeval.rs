//! Self-evaluation arithmetic (财预〔2020〕10号): execution-rate, execution-score,
//! score-exceeds-weight, weight-total, total-score, deviation-reason.

use super::{Context, Sink};
use crate::model::value::Num;
use crate::model::*;
use rust_decimal::{Decimal, RoundingStrategy};

fn pct(n: Decimal) -> String {
    format!("{}%", n.round_dp(2))
}

fn num_value(f: &Option<NumField>) -> Option<Decimal> {
    f.as_ref().and_then(|f| f.num).map(|n: Num| n.value)
}

/// 执行率 in percent, two decimals, from the 全年执行数 and 全年预算数 totals.
pub fn execution_rate(f: &Funding) -> Option<(Decimal, Decimal, Decimal)> {
    let exec = f
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
    let rate = (exec / budget * Decimal::from(100))
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    Some((rate, exec, budget))
}

pub fn check(p: &Project, _cx: &Context, sink: &mut Sink) {
    let f = p.funding.as_ref();
    if let Some(f) = f {
        check_funding(f, sink);
    }
    let mut weights = Decimal::ZERO;
    let mut scores = Decimal::ZERO;
    let mut any_weight = false;
    if let Some(f) = f {
        if let Some(w) = num_value(&f.weight) {
            weights += w;
            any_weight = true;
        }
        scores += num_value(&f.score).unwrap_or_default();
    }
    for (_, _, ind) in p.indicators() {
        let w = num_value(&ind.weight);
        let s = num_value(&ind.score);
        if let Some(w) = w {
            weights += w;
            any_weight = true;
        }
        if let Some(s) = s {
            scores += s;
        }
        for (field, label) in [(&ind.weight, WEIGHT), (&ind.score, SCORE)] {
            if let Some(nf) = field {
                if nf.num.is_none() {
                    let msg = if nf.text.is_empty() {
                        format!("「{label}」没有填写")
                    } else {
                        format!("「{label}」应为数字，而不是「{}」", nf.text)
                    };
                    sink.push(
                        if nf.text.is_empty() {
                            "missing-value"
                        } else {
                            "bad-value"
                        },
                        nf.value_span.max_key(nf.key_span),
                        msg,
                    );
                }
            }
        }
        if let (Some(w), Some(s)) = (w, s) {
            if s > w {
                sink.push(
                    "score-exceeds-weight",
                    ind.score.as_ref().unwrap().value_span,
                    format!(
                        "「{}」得分 {} 超过分值 {}",
                        ind.name,
                        s.normalize(),
                        w.normalize()
                    ),
                );
            } else if s < w
                && ind
                    .deviation
                    .as_ref()
                    .is_none_or(|d| d.text().trim().is_empty())
            {
                sink.push(
                    "deviation-reason",
                    ind.name_span,
                    format!(
                        "「{}」扣了 {} 分（{} / {}），应填写「偏差原因分析及改进措施」",
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
    if any_weight && weights != Decimal::from(100) {
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
    if let Some(tw) = &total.weight {
        if let Some(v) = tw.num.map(|n| n.value) {
            if any_weight && v != weights {
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
    }
    if let Some(ts) = &total.score {
        if let Some(v) = ts.num.map(|n| n.value) {
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
}

fn check_funding(f: &Funding, sink: &mut Sink) {
    let Some((rate, exec, budget)) = execution_rate(f) else {
        return;
    };
    if let Some(r) = &f.rate {
        if let Some(n) = r.num {
            let stated = if n.percent {
                n.value
            } else {
                n.value * Decimal::from(100)
            };
            if stated.round_dp(2) != rate {
                sink.push(
                    "execution-rate",
                    r.value_span,
                    format!(
                        "执行率 {} 与 全年执行数 {} ÷ 全年预算数 {} = {} 不符",
                        r.text,
                        crate::model::value::format_money(exec),
                        crate::model::value::format_money(budget),
                        pct(rate)
                    ),
                );
            }
        }
    }
    let (Some(w), Some(s)) = (num_value(&f.weight), &f.score) else {
        return;
    };
    let Some(stated) = s.num.map(|n| n.value) else {
        return;
    };
    let expected = (w * rate / Decimal::from(100))
        .min(w)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    if (stated - expected).abs() > Decimal::new(1, 2) {
        sink.push(
            "execution-score",
            s.value_span,
            format!(
                "执行率得分应为 min(分值, 分值 × 执行率) = min({}, {} × {}) = {}，而不是 {}",
                w.normalize(),
                w.normalize(),
                pct(rate),
                expected.normalize(),
                s.text
            ),
        );
    }
    if stated > w {
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

trait MaxKey {
    fn max_key(self, key: crate::syntax::Span) -> crate::syntax::Span;
}
impl MaxKey for crate::syntax::Span {
    /// An empty value span points at nothing; fall back to the key.
    fn max_key(self, key: crate::syntax::Span) -> crate::syntax::Span {
        if self.is_empty() {
            key
        } else {
            self
        }
    }
}

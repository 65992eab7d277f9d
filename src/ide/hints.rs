//! Inlay hints for computed sums: the parts' total beside 年度资金申请总额, the cost caps beside
//! 成本指标, the computed 执行率 and Σ得分 in a 自评表, and beside each 得分 the score the
//! 自评表's method gives (the reviewer's view: shown whether or not it matches).

use super::View;
use crate::check::scoring::{assess, Assessment};
use crate::check::{execution, execution_rate, execution_score, funding_cost_caps};
use crate::model::value::{canonical_number, format_money};
use crate::model::*;
use rust_decimal::Decimal;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    /// Shown after this offset.
    pub offset: usize,
    pub label: String,
}

pub fn inlay_hints(view: &View, range: Range<usize>) -> Vec<Hint> {
    let mut out = Vec::new();
    let first = view.segment_at(range.start);
    for seg in first.max(1).max(view.segs.start)..view.segs.end {
        if view.starts[seg] > range.end {
            break;
        }
        let base = view.starts[seg];
        let Some(p) = view.project(seg) else { continue };
        if let Some(f) = &p.funding {
            let mut cols: Vec<&Parts> = vec![&f.main];
            cols.extend(f.columns.iter().map(|c| &c.parts));
            for parts in cols {
                if let (Some(t), Some(s)) = (&parts.total, parts.sum()) {
                    out.push(Hint {
                        offset: base + t.value_span.end as usize,
                        label: format!(" Σ 三项 = {}", format_money(s)),
                    });
                }
            }
            if let (Some(r), Some((rate, _, _)), Some(e)) =
                (&f.rate, execution_rate(f), execution(f))
            {
                // When the form rounded another way (58.1237% printed 58.13%), four decimals show
                // the reader why it is accepted.
                let label = if r.num.is_some_and(|n| n.value == rate) {
                    format!(" 计算 = {rate}%")
                } else {
                    format!(" 计算 = {}%", e.exact.round_dp(4).normalize())
                };
                out.push(Hint {
                    offset: base + r.value_span.end as usize,
                    label,
                });
            }
            let weight = f.weight.as_ref().and_then(|w| w.num);
            if let (Some(s), Some(e), Some(w)) = (&f.score, execution(f), weight) {
                out.push(Hint {
                    offset: base + s.value_span.end as usize,
                    label: format!(" 应得 {}", execution_score(w.value, e.exact).normalize()),
                });
            }
        }
        let grading = &view.settings.vocab.grading;
        for (l1, l2, ind) in p.indicators() {
            let Some(score) = ind.score() else { continue };
            let label = match assess(l1, l2, ind, grading) {
                Some(Assessment::Quantitative {
                    computed: Some(c), ..
                }) => format!(" 应得 {}", c.normalize()),
                Some(Assessment::Qualitative { grade, low, high }) => format!(
                    " 应得 {}～{}（{}）",
                    low.normalize(),
                    high.normalize(),
                    grade.name()
                ),
                _ => continue,
            };
            out.push(Hint {
                offset: base + score.value_span.end as usize,
                label,
            });
        }
        let (caps, n, _) = funding_cost_caps(p, &view.settings.vocab, Decimal::ZERO);
        if n > 0 {
            if let Some(l1) = p.level1.iter().find(|l| l.canonical == "成本指标") {
                let wan = canonical_number((caps / Decimal::from(10_000)).round_dp(6));
                out.push(Hint {
                    offset: base + l1.span.end as usize,
                    label: format!(" Σ 上限 = {wan} 万元"),
                });
            }
        }
        if let Some(t) = &p.total {
            let scores: Decimal = p
                .indicators()
                .filter_map(|(_, _, i)| i.score().and_then(|s| s.num).map(|n| n.value))
                .sum::<Decimal>()
                + f_score(p);
            let weights: Decimal = p
                .indicators()
                .filter_map(|(_, _, i)| i.weight().and_then(|s| s.num).map(|n| n.value))
                .sum::<Decimal>()
                + p.funding
                    .as_ref()
                    .and_then(|f| f.weight.as_ref())
                    .and_then(|w| w.num)
                    .map(|n| n.value)
                    .unwrap_or_default();
            out.push(Hint {
                offset: base + t.key_span.end as usize + 1,
                label: format!(
                    " Σ 分值 {} / Σ 得分 {}",
                    weights.normalize(),
                    scores.normalize()
                ),
            });
        }
    }
    out.retain(|h| range.contains(&h.offset) || h.offset == range.end);
    out
}

fn f_score(p: &Project) -> Decimal {
    p.funding
        .as_ref()
        .and_then(|f| f.score.as_ref())
        .and_then(|s| s.num)
        .map(|n| n.value)
        .unwrap_or_default()
}

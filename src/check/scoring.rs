//! Scores against results, by the method of the 项目支出绩效自评表 (财预〔2020〕10号 填表说明):
//! a quantitative indicator that met its target earns its full 分值; one that did not earns
//! 实际/目标 × 分值 when higher is better (≥ >) and 目标/实际 × 分值 when lower is better (≤ <);
//! a qualitative one is graded in three bands (达成 100–80%, 部分达成 80–60%, 未达成 60–0%).
//! Rules: score-mismatch, actual-incomparable.

use super::deadline;
use super::values::is_cost;
use super::Sink;
use crate::model::value::{
    canonical_number, parse_indicator_value, parse_money, IndicatorValue, Money, Op,
};
use crate::model::vocab::Grading;
use crate::model::{Indicator, Level1, Level2, Project};
use rust_decimal::{Decimal, RoundingStrategy};

/// Whether a quantitative target was met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Met {
    Yes,
    No,
    /// The actual equals a strict bound (`>98%`, actual 98%): not met as written, but the
    /// printed actual is rounded and the ratio is 1, so no score can be called wrong.
    Boundary,
}

/// The three bands of a qualitative indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grade {
    Achieved,
    Partial,
    NotAchieved,
}

impl Grade {
    pub fn name(self) -> &'static str {
        match self {
            Grade::Achieved => "达成",
            Grade::Partial => "部分达成",
            Grade::NotAchieved => "未达成",
        }
    }
    /// The band as shares of 分值, in percent.
    pub fn band(self) -> (u32, u32) {
        match self {
            Grade::Achieved => (80, 100),
            Grade::Partial => (60, 80),
            Grade::NotAchieved => (0, 60),
        }
    }
}

/// What the method says an indicator's result is worth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assessment {
    Quantitative {
        met: Met,
        /// The score the method gives, two decimals; `None` when the ratio has no meaning
        /// (a target of 0 not met, a negative number).
        computed: Option<Decimal>,
        /// `93 ÷ 95 × 10` for a target not met.
        formula: Option<String>,
    },
    Qualitative {
        grade: Grade,
        low: Decimal,
        high: Decimal,
    },
    /// The 实际完成值 cannot be compared with the target: the message says why.
    Incomparable(String),
}

pub fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// A unit as a base and a factor: `万人` is 10,000 `人`; `万` alone is a factor of no base.
/// Spellings of one unit share a base (`个月` and `月`, `天` and `日`).
fn scaled(unit: &str) -> (&str, Decimal) {
    let (base, factor) = match unit.strip_prefix('万') {
        Some(rest) => (rest, Decimal::from(10_000)),
        None => match unit.strip_prefix('亿') {
            Some(rest) => (rest, Decimal::from(100_000_000)),
            None => (unit, Decimal::ONE),
        },
    };
    let base = match base {
        "个月" => "月",
        "日" => "天",
        b => b,
    };
    (base, factor)
}

/// The actual in the target's unit, or why it cannot be. A side without a unit is taken to
/// use the other's; `None` when that guess is doubtful (a fraction against a percentage).
fn in_target_unit(
    target: Decimal,
    tu: Option<&str>,
    actual: Decimal,
    au: Option<&str>,
) -> Result<Option<Decimal>, (String, String)> {
    match (tu, au) {
        (Some("%"), None) if actual <= Decimal::ONE && target > Decimal::ONE => Ok(None),
        (None, _) | (_, None) => Ok(Some(actual)),
        (Some(t), Some(a)) if t == a => Ok(Some(actual)),
        (Some(t), Some(a)) => {
            let ((tb, tf), (ab, af)) = (scaled(t), scaled(a));
            if tb == ab || tb.is_empty() || ab.is_empty() {
                Ok(Some(actual * af / tf))
            } else {
                Err((t.to_string(), a.to_string()))
            }
        }
    }
}

/// Lower is better: ≤ <, and an = target that is a cost or 0 (no complaints, no failures).
fn lower_is_better(op: Op, target: Decimal, cost: bool) -> bool {
    match op {
        Op::Le | Op::Lt => true,
        Op::Ge | Op::Gt => false,
        Op::Eq => cost || target.is_zero(),
    }
}

fn quantitative(op: Op, t: Decimal, a: Decimal, w: Decimal, cost: bool) -> Assessment {
    let lower = lower_is_better(op, t, cost);
    let met = match (op, lower) {
        (Op::Gt | Op::Lt, _) if a == t => Met::Boundary,
        (_, false) if a >= t => Met::Yes,
        (_, true) if a <= t => Met::Yes,
        _ => Met::No,
    };
    if met != Met::No {
        return Assessment::Quantitative {
            met,
            computed: Some(w),
            formula: None,
        };
    }
    let (num, den) = if lower { (t, a) } else { (a, t) };
    let (computed, formula) = if den > Decimal::ZERO && num >= Decimal::ZERO {
        let c = round2((num / den * w).clamp(Decimal::ZERO, w));
        let f = format!(
            "{} ÷ {} × {} = {}",
            num.normalize(),
            den.normalize(),
            w.normalize(),
            c.normalize()
        );
        (Some(c), Some(f))
    } else {
        (None, None)
    };
    Assessment::Quantitative {
        met,
        computed,
        formula,
    }
}

/// The band a qualitative actual falls in: the target's own words, or a word that alone says
/// achieved; a mark of partial or failed result that the target does not carry. Nothing when
/// unclear.
pub fn grade(target: &str, actual: &str, g: &Grading) -> Option<Grade> {
    let (target, actual) = (target.trim(), actual.trim());
    if actual.is_empty() {
        return None;
    }
    // Done after the deadline: done, but not on time — at best partly achieved.
    if deadline::late(target, actual) == Some(true) {
        return match words_grade(target, actual, g) {
            Some(Grade::NotAchieved) => Some(Grade::NotAchieved),
            _ => Some(Grade::Partial),
        };
    }
    words_grade(target, actual, g)
}

fn words_grade(target: &str, actual: &str, g: &Grading) -> Option<Grade> {
    if actual == target || g.achieved.iter().any(|w| w == actual) {
        return Some(Grade::Achieved);
    }
    let marked = |words: &[String]| {
        words
            .iter()
            .any(|w| actual.contains(w.as_str()) && !target.contains(w.as_str()))
    };
    match (marked(&g.partial), marked(&g.not_achieved)) {
        (true, false) => Some(Grade::Partial),
        (false, true) => Some(Grade::NotAchieved),
        _ => None,
    }
}

/// What an indicator's result is worth, when its 实际完成值 and 分值 are there and readable.
pub fn assess(
    l1: &Level1,
    l2: Option<&Level2>,
    ind: &Indicator,
    g: &Grading,
) -> Option<Assessment> {
    let actual = ind.actual()?;
    let w = ind.weight()?.num?.value;
    // A blank cell (`—`, `/`) says nothing about the result.
    if parse_money(&actual.value) == Money::Blank || actual.value.trim().is_empty() {
        return None;
    }
    match &ind.value {
        IndicatorValue::Quantitative { op, number, unit } => {
            match parse_indicator_value(&actual.value) {
                IndicatorValue::BareNumber { number: a, unit: au } => {
                    match in_target_unit(*number, unit.as_deref(), a, au.as_deref()) {
                        Ok(Some(a)) => Some(quantitative(*op, *number, a, w, is_cost(l1, l2))),
                        Ok(None) => None,
                        Err((tu, au)) => Some(Assessment::Incomparable(format!(
                            "「{}」的实际完成值「{}」以「{au}」计，目标 {} 以「{tu}」计，无法按完成比例评分；请按目标的单位（{tu}）填写实际完成值",
                            ind.name, actual.value, ind.value_text
                        ))),
                    }
                }
                IndicatorValue::Qualitative | IndicatorValue::Malformed => {
                    let example = format!(
                        "{}{}",
                        canonical_number(*number).trim_end_matches(".00"),
                        unit.as_deref().unwrap_or("")
                    );
                    Some(Assessment::Incomparable(format!(
                        "「{}」的指标值是定量的（{}），实际完成值应为同单位的数值（如「{example}」这样的写法），而不是「{}」",
                        ind.name, ind.value_text, actual.value
                    )))
                }
                _ => None,
            }
        }
        IndicatorValue::Qualitative => {
            let grade = grade(&ind.value_text, &actual.value, g)?;
            let (lo, hi) = grade.band();
            let share = |p: u32| round2(w * Decimal::from(p) / Decimal::from(100));
            Some(Assessment::Qualitative {
                grade,
                low: share(lo),
                high: share(hi),
            })
        }
        _ => None,
    }
}

pub fn check(p: &Project, g: &Grading, tolerance: Decimal, sink: &mut Sink) {
    for (l1, l2, ind) in p.indicators() {
        let Some(a) = assess(l1, l2, ind, g) else {
            continue;
        };
        if let Assessment::Incomparable(msg) = a {
            sink.push("actual-incomparable", ind.actual().unwrap().value_span, msg);
            continue;
        }
        let (Some(w), Some(score)) = (ind.weight().and_then(|w| w.num), ind.score()) else {
            continue;
        };
        let (w, Some(s)) = (w.value, score.num.map(|n| n.value)) else {
            continue;
        };
        if s > w || s.is_sign_negative() {
            continue; // score-exceeds-weight, or not a score at all
        }
        if let Some(msg) = finding(ind, &a, w, s, tolerance) {
            sink.push("score-mismatch", score.value_span, msg);
        }
    }
}

fn finding(
    ind: &Indicator,
    a: &Assessment,
    w: Decimal,
    s: Decimal,
    tol: Decimal,
) -> Option<String> {
    let name = &ind.name;
    let target = &ind.value_text;
    let actual = ind.actual().map(|a| a.value.as_str()).unwrap_or("");
    let (w_, s_) = (w.normalize(), s.normalize());
    match a {
        Assessment::Quantitative { met: Met::Yes, .. } if s < w => Some(format!(
            "「{name}」已完成目标（指标值 {target}，实际 {actual}），按评分方法应得满分 {w_}，表上为 {s_}；请改为 {w_}，或核对实际完成值"
        )),
        Assessment::Quantitative {
            met: Met::No,
            computed: Some(c),
            formula: Some(f),
        } if (s - c).abs() > tol => {
            let what = if s == w {
                "未完成目标却得满分"
            } else if s > *c {
                "得分高于按完成比例计算的分数"
            } else {
                "扣分多于按完成比例计算的分数"
            };
            Some(format!(
                "「{name}」{what}：指标值 {target}，实际 {actual}，按完成比例应得 {f}，表上为 {s_}；请改为 {}",
                c.normalize()
            ))
        }
        Assessment::Qualitative { grade, low, high } => {
            let (lo_pct, hi_pct) = grade.band();
            let outside = match grade {
                Grade::Achieved => s < *low,
                Grade::Partial | Grade::NotAchieved => s > *high,
            };
            if !outside {
                return None;
            }
            let advice = match grade {
                Grade::Achieved => "如目标只是部分达成，请在实际完成值中如实写明（如「部分及时」「基本完成」）",
                _ => "请按实际完成情况调整得分，或改正实际完成值",
            };
            let late = if deadline::late(target, actual) == Some(true) {
                "晚于指标值的期限，"
            } else {
                ""
            };
            Some(format!(
                "「{name}」实际完成值「{actual}」{late}属于{}（指标值「{target}」），定性指标{}应得分值的 {lo_pct}%–{hi_pct}%，即 {}–{} 分，表上为 {s_}；{advice}",
                grade.name(),
                grade.name(),
                low.normalize(),
                high.normalize()
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn q(op: Op, t: &str, a: &str, w: &str) -> (Met, Option<Decimal>) {
        match quantitative(op, d(t), d(a), d(w), false) {
            Assessment::Quantitative { met, computed, .. } => (met, computed),
            _ => unreachable!(),
        }
    }

    #[test]
    fn quantitative_scores() {
        assert_eq!(q(Op::Gt, "98", "99", "10"), (Met::Yes, Some(d("10"))));
        assert_eq!(q(Op::Gt, "98", "98", "10"), (Met::Boundary, Some(d("10"))));
        assert_eq!(q(Op::Ge, "95", "93", "10"), (Met::No, Some(d("9.79"))));
        assert_eq!(q(Op::Eq, "4", "1", "10"), (Met::No, Some(d("2.5"))));
        assert_eq!(q(Op::Eq, "6000", "6100", "10"), (Met::Yes, Some(d("10"))));
        // Lower is better: 目标 / 实际.
        assert_eq!(q(Op::Le, "2", "3", "6"), (Met::No, Some(d("4"))));
        assert_eq!(q(Op::Lt, "2", "1", "6"), (Met::Yes, Some(d("6"))));
        // = 0 is a count of failures: anything above is not met, and worth nothing.
        assert_eq!(q(Op::Eq, "0", "2", "5"), (Met::No, Some(d("0"))));
        assert_eq!(q(Op::Eq, "0", "0", "5"), (Met::Yes, Some(d("5"))));
        // Growth above 0 not reached: no ratio.
        assert_eq!(q(Op::Ge, "0", "-1", "5"), (Met::No, None));
    }

    #[test]
    fn units() {
        let c = |t, tu, a, au| in_target_unit(d(t), tu, d(a), au);
        assert_eq!(
            c("12", Some("万"), "12.25", Some("万")),
            Ok(Some(d("12.25")))
        );
        assert_eq!(
            c("120000", Some("人"), "12", Some("万人")),
            Ok(Some(d("120000")))
        );
        assert_eq!(
            c("1000", None, "1668.71", Some("万")),
            Ok(Some(d("1668.71")))
        );
        assert_eq!(c("95", Some("%"), "0.96", None), Ok(None));
        assert_eq!(c("85", Some("分"), "85", None), Ok(Some(d("85"))));
        assert_eq!(c("6", Some("个月"), "5", Some("月")), Ok(Some(d("5"))));
        assert!(c("95", Some("%"), "3", Some("件")).is_err());
        assert!(c("1000", Some("人次"), "900", Some("人")).is_err());
    }

    #[test]
    fn grades() {
        let g = &crate::model::vocab::Vocab::builtin().grading;
        assert_eq!(grade("及时", "及时", g), Some(Grade::Achieved));
        assert_eq!(grade("健全", "已完成", g), Some(Grade::Achieved));
        assert_eq!(grade("及时", "基本及时", g), Some(Grade::Partial));
        assert_eq!(grade("全覆盖", "未完成", g), Some(Grade::NotAchieved));
        assert_eq!(grade("基本覆盖", "基本覆盖", g), Some(Grade::Achieved));
        // Marks of both kinds, or none: not graded.
        assert_eq!(grade("及时", "部分未完成", g), None);
        assert_eq!(grade("及时", "良好", g), None);
        // After the deadline: partly achieved at best.
        assert_eq!(
            grade("2024年11月底前", "2025年1月10日完成", g),
            Some(Grade::Partial)
        );
        assert_eq!(grade("2024年11月底前", "2024年11月25日完成", g), None);
    }
}

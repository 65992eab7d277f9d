//! Indicator values: missing-value, bad-value, unit-mismatch, percent-range, zero-target,
//! cost-operator, qualitative-rate, satisfaction-low, ocr-remnant.

use super::taxonomy::is_satisfaction_name;
use super::{Context, Sink};
use crate::model::value::{parse_range, IndicatorValue, Op};
use crate::model::{Indicator, Level1, Level2, Project};
use rust_decimal::Decimal;

/// Marks of text that came through a PDF/OCR conversion unrendered.
const REMNANTS: &[&str] = &[
    "$", "\\geq", "\\leq", "\\%", "\\ge ", "\\le ", "<p>", "</p>", "<br", "&nbsp;", "&gt;", "&lt;",
    "</",
];

/// Whether `b` is a byte some entry of `REMNANTS` starts with.
fn is_remnant_start(b: u8) -> bool {
    // `|`, not `||`: no branches, so the loop below compiles to vector compares.
    (b == b'$') | (b == b'\\') | (b == b'<') | (b == b'&')
}

fn has_remnant_start(bytes: &[u8]) -> bool {
    let mut chunks = bytes.chunks_exact(16);
    for c in &mut chunks {
        if c.iter().fold(false, |any, &b| any | is_remnant_start(b)) {
            return true;
        }
    }
    chunks.remainder().iter().any(|&b| is_remnant_start(b))
}

/// The first entry of `REMNANTS` (in the table's order) that occurs in `text`.
pub fn remnant(text: &str) -> Option<&'static str> {
    // One pass over the bytes settles nearly every line: a line with none of the starting
    // bytes cannot hold a remnant, and the 13 substring searches are left for the rare rest.
    if !has_remnant_start(text.as_bytes()) {
        return None;
    }
    REMNANTS.iter().copied().find(|r| text.contains(r))
}

pub fn is_cost(l1: &Level1, l2: Option<&Level2>) -> bool {
    l1.canonical == "成本指标" || l2.is_some_and(|l| l.canonical.contains("成本指标"))
}

/// A rate-like name: its target is a percentage.
fn is_rate(name: &str) -> bool {
    name.ends_with('率') || name.ends_with("率情况")
}

/// A name whose value must be quantitative: a rate, but not a 效率 (often judged qualitatively),
/// or a satisfaction (满意度 is the share of satisfied respondents: 财预〔2020〕10号 measures it
/// in %). The `qualitative-rate` check and value completion share it.
pub fn needs_quantity(name: &str) -> bool {
    (is_rate(name) && !name.ends_with("效率")) || is_satisfaction_name(name)
}

pub(super) fn is_headcount(name: &str) -> bool {
    name.ends_with("人数") || name.ends_with("人次")
}

const HEADCOUNT_UNITS: &[&str] = &["人", "人次", "万人", "万人次", "万", "户", "名"];
const ZERO_IS_WRONG: &[&str] = &[
    "达标率",
    "合格率",
    "完成率",
    "覆盖率",
    "准确率",
    "及时率",
    "知晓率",
    "满意度",
    "满意率",
    "通过率",
    "到位率",
    "使用率",
];

/// Whether zero-target speaks for a 0% target of `name`.
pub(super) fn zero_target_applies(name: &str) -> bool {
    ZERO_IS_WRONG.iter().any(|z| name.ends_with(z))
}

/// Conversion remnants in the texts and fields; each indicator: [`check_indicator`].
pub fn check(p: &Project, sink: &mut Sink) {
    let texts = p
        .texts
        .iter()
        .chain(p.indicators().filter_map(|(_, _, i)| i.deviation()));
    for t in texts {
        for (line, span) in &t.lines {
            if let Some(r) = remnant(line) {
                sink.push(
                    "ocr-remnant",
                    *span,
                    format!(
                        "「{}」中有转换残留「{r}」（LaTeX 或 HTML 标记），请删去",
                        t.key
                    ),
                );
            }
        }
    }
    let fields = p
        .fields
        .iter()
        .chain(p.indicators().filter_map(|(_, _, i)| i.actual()));
    for f in fields {
        if let Some(r) = remnant(&f.value) {
            sink.push(
                "ocr-remnant",
                f.value_span,
                format!(
                    "「{}」中有转换残留「{r}」（LaTeX 或 HTML 标记），请删去",
                    f.key
                ),
            );
        }
    }
}

/// One indicator, after [`check`].
pub fn check_indicator(
    l1: &Level1,
    l2: Option<&Level2>,
    ind: &Indicator,
    cx: &Context,
    sink: &mut Sink,
) {
    let name = ind.name.as_str();
    let at = ind.value_span;
    if let Some(r) = remnant(&ind.value_text) {
        let fix = crate::model::value::fix_remnant(&ind.value_text)
            .map(|f| format!("，应为「{f}」"))
            .unwrap_or_default();
        sink.push(
            "ocr-remnant",
            at,
            format!("指标值「{}」中有转换残留「{r}」{fix}", ind.value_text),
        );
        return;
    }
    match &ind.value {
        IndicatorValue::Empty => sink.push(
            "missing-value",
            ind.name_span,
            format!("三级指标「{name}」没有填写指标值"),
        ),
        IndicatorValue::Malformed => sink.push(
            "bad-value",
            at,
            format!(
                "指标值「{}」无法解析：应为比较符 + 数值 + 单位，如 ≥90.00(%)",
                ind.value_text
            ),
        ),
        IndicatorValue::BareNumber { .. } => sink.push(
            "bad-value",
            at,
            format!(
                "指标值「{}」缺少比较符（≥ ≤ = > <），如 {}{}",
                ind.value_text,
                // A cost is a ceiling (cost-operator): do not suggest what that rule rejects.
                if is_cost(l1, l2) { "≤" } else { "=" },
                ind.value_text
            ),
        ),
        IndicatorValue::Qualitative => {
            // A range of percentages is quantitative, only without its operator (range-value).
            if needs_quantity(name) && parse_range(&ind.value_text).is_none() {
                let (what, example) = if is_satisfaction_name(name) {
                    ("满意度", "≥90.00(%)")
                } else {
                    ("比率", "=100.00(%)")
                };
                sink.push(
                    "qualitative-rate",
                    at,
                    format!(
                        "「{name}」是{what}，指标值应为定量的百分比（如 {example}），而不是「{}」",
                        ind.value_text
                    ),
                );
            }
        }
        IndicatorValue::Quantitative { op, number, unit } => {
            let unit = unit.as_deref();
            let pct = unit == Some("%");
            if let Some(u) = unit {
                if is_rate(name) && !pct && !u.contains('/') {
                    sink.push(
                        "unit-mismatch",
                        at,
                        format!("「{name}」是比率，单位应为 %，而不是「{u}」"),
                    );
                } else if is_headcount(name) && !HEADCOUNT_UNITS.contains(&u) {
                    sink.push(
                        "unit-mismatch",
                        at,
                        format!("「{name}」是人数（人次），单位应为人或人次，而不是「{u}」"),
                    );
                } else if !cx.settings.vocab.is_unit(u) {
                    let guess = cx
                        .settings
                        .vocab
                        .vocabulary
                        .units
                        .iter()
                        .filter(|k| u.starts_with(k.as_str()) || u.ends_with(k.as_str()))
                        .max_by_key(|k| k.len())
                        .map(|k| format!("是否应为「{k}」？"))
                        .unwrap_or_default();
                    sink.push("unit-mismatch", at, format!("单位「{u}」不是常用的计量单位或量词：{guess}请检查是否写错；确实要用这个单位时，在 jixiao.toml 的 units 中加入"));
                }
            }
            let hundred = Decimal::from(100);
            if pct && (*number > hundred || (*number == hundred && matches!(op, Op::Ge | Op::Gt))) {
                let msg = if *number > hundred {
                    format!("百分比 {} 超过 100%", ind.value_text)
                } else {
                    format!(
                        "百分比不会超过 100%：「{}」应写为 =100.00(%)",
                        ind.value_text
                    )
                };
                sink.push("percent-range", at, msg);
            }
            if pct && number.is_zero() && matches!(op, Op::Eq | Op::Le) && zero_target_applies(name)
            {
                sink.push(
                    "zero-target",
                    at,
                    format!(
                        "「{name}」的目标为 {}：达标率、合格率、完成率类指标的目标不应为 0%",
                        ind.value_text
                    ),
                );
            }
            // A cost is a ceiling; a value that is no amount (a rate under 成本指标) is
            // misplaced, not mis-signed: indicator-kind.
            let amount = unit.is_none_or(|u| super::kind::is_money_unit(u, &cx.settings.vocab));
            // A standard set by policy (补助标准 500 元/人月) is paid as set: = is right.
            let fixed = *op == Op::Eq
                && cx
                    .settings
                    .vocab
                    .kinds
                    .fixed_costs
                    .iter()
                    .any(|e| name.ends_with(e.as_str()));
            if op != &Op::Le && op != &Op::Lt && amount && !fixed && is_cost(l1, l2) {
                let why = if *op == Op::Eq {
                    "「=」把上限写成了定额"
                } else {
                    "成本是控制上限"
                };
                sink.push(
                    "cost-operator",
                    at,
                    format!(
                        "成本指标「{name}」应设上限（≤），而不是「{}」：{why}",
                        op.symbol()
                    ),
                );
            }
            if pct && is_satisfaction_name(name) && op.is_positive() && *number < Decimal::from(90)
            {
                sink.push(
                    "satisfaction-low",
                    at,
                    format!("满意度目标 {} 低于 90%", ind.value_text),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_remnant_starts_with_a_trigger_byte() {
        for r in REMNANTS {
            assert!(is_remnant_start(r.as_bytes()[0]), "{r}");
        }
    }

    #[test]
    fn remnant_keeps_the_table_order() {
        assert_eq!(remnant("≥90.00(%)"), None);
        assert_eq!(remnant("目标 &lt; 90 与 $x$"), Some("$"));
        assert_eq!(remnant("\\geq 90\\%"), Some("\\geq"));
        assert_eq!(remnant("a</b>"), Some("</"));
        assert_eq!(remnant("≤ 5 & <3"), None);
    }
}

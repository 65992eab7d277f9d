//! Completeness against the profile: missing-level2 (the 二级 a 一级 must carry),
//! unknown-value (项目类别 and 项目性质 from closed lists), satisfaction-unit.

use super::taxonomy::is_satisfaction_name;
use super::{Context, Sink};
use crate::model::value::{canonical_number, IndicatorValue};
use crate::model::*;
use rust_decimal::Decimal;

/// The project fields whose values come from a closed list (`[values]`).
pub const CLOSED_FIELDS: &[&str] = &[CATEGORY, NATURE];

pub fn check(p: &Project, cx: &Context, sink: &mut Sink) {
    level2(p, cx, sink);
    values(p, cx, sink);
    satisfaction_unit(p, sink);
}

fn level2(p: &Project, cx: &Context, sink: &mut Sink) {
    for l1 in &p.level1 {
        let Some(def) = cx.profile.level1(&l1.canonical) else {
            continue;
        };
        let missing: Vec<&str> = def
            .required_level2()
            .into_iter()
            .filter(|r| !l1.level2.iter().any(|l2| l2.canonical == *r))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let required = def.required_level2().join("、");
        sink.push(
            "missing-level2",
            l1.span,
            format!(
                "一级指标「{}」缺少二级指标「{}」：「{}」要求{}下设{}，请补上并写出其三级指标",
                l1.name,
                missing.join("」「"),
                cx.profile.name,
                def.name,
                required
            ),
        );
    }
}

fn values(p: &Project, cx: &Context, sink: &mut Sink) {
    for key in CLOSED_FIELDS {
        let Some(f) = p.field(key) else { continue };
        let written: String = f.value.chars().filter(|c| !c.is_whitespace()).collect();
        if written.is_empty() {
            continue;
        }
        let allowed = cx.settings.vocab.field_values(cx.profile, key);
        if allowed.is_empty() || allowed.contains(&written.as_str()) {
            continue;
        }
        let msg = match suggest_from(&written, &allowed) {
            Some(s) => format!("「{key}」的值「{}」不在常用值中，是否应为「{s}」？", f.value),
            None => format!(
                "「{key}」的值「{}」不在常用值中（{}）；如是本地的分类，请在 jixiao.toml 的 [values] 中加入",
                f.value,
                allowed.join("、")
            ),
        };
        sink.push("unknown-value", f.value_span, msg);
    }
}

fn satisfaction_unit(p: &Project, sink: &mut Sink) {
    for (_, _, ind) in p.indicators() {
        // A value with no operator is already `bad-value`; one finding per value.
        let IndicatorValue::Quantitative {
            op,
            number,
            unit: None,
        } = &ind.value
        else {
            continue;
        };
        // A rate is a percentage too (unit-mismatch, with the same fix); but 0 is 0 in any
        // unit (有责投诉率 =0.00).
        let (rule, what) = if is_satisfaction_name(&ind.name) {
            ("satisfaction-unit", "满意度")
        } else if super::needs_quantity(&ind.name) && !number.is_zero() {
            ("unit-mismatch", "比率")
        } else {
            continue;
        };
        // 0.9 is a fraction: as a percentage it is 90.
        let pct = if *number > Decimal::ZERO && *number <= Decimal::ONE {
            *number * Decimal::from(100)
        } else {
            *number
        };
        sink.push(
            rule,
            ind.value_span,
            format!(
                "{what}「{}」的目标「{}」没有单位：{what}是百分比，应写为「{}{}(%)」",
                ind.name,
                ind.value_text,
                op.symbol(),
                canonical_number(pct.round_dp(2))
            ),
        );
    }
}

//! What an indicator measures, read from its name and unit against the vocabulary's `[kinds]`:
//! indicator-kind (the kind contradicts the 二级), target-direction (≤ on a quantity, ≥ on a
//! lower-is-better indicator, ≥0% on a rate), value-kind (a count or a time with a qualitative
//! value; a 数量指标 as a bare percentage), cost-qualitative (a 成本指标 with no amount).
//! The classifier answers only when a name ending says so; otherwise it says nothing.

use super::values::{is_cost, is_headcount, zero_target_applies};
use super::{ends_with, Context, Sink};
use crate::model::value::{IndicatorValue, Op};
use crate::model::vocab::{KindDef, Vocab};
use crate::model::{Indicator, Level1, Level2, Project};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Quantity,
    Quality,
    Timeliness,
    Cost,
    EconomicBenefit,
    SocialBenefit,
    EcologicalBenefit,
    Sustainability,
    Satisfaction,
}

const KINDS: [Kind; 9] = [
    Kind::Quantity,
    Kind::Quality,
    Kind::Timeliness,
    Kind::Cost,
    Kind::EconomicBenefit,
    Kind::SocialBenefit,
    Kind::EcologicalBenefit,
    Kind::Sustainability,
    Kind::Satisfaction,
];

impl Kind {
    pub fn chinese(self) -> &'static str {
        match self {
            Kind::Quantity => "数量",
            Kind::Quality => "质量",
            Kind::Timeliness => "时效",
            Kind::Cost => "成本",
            Kind::EconomicBenefit => "经济效益",
            Kind::SocialBenefit => "社会效益",
            Kind::EcologicalBenefit => "生态效益",
            Kind::Sustainability => "可持续影响",
            Kind::Satisfaction => "满意度",
        }
    }
    pub fn def(self, vocab: &Vocab) -> &KindDef {
        vocab.kinds.defs()[self as usize]
    }
}

/// What an indicator measures and the name ending that says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Class<'v> {
    pub kind: Kind,
    pub ending: &'v str,
}

/// The name without a trailing bracketed unit (`补助资金数量（万元）` → `补助资金数量`, `万元`).
fn split_name(name: &str) -> (&str, Option<&str>) {
    let name = name.trim();
    if let Some(inner) = name.strip_suffix(['）', ')']) {
        if let Some(i) = inner.rfind(['（', '(']) {
            let open = inner[i..].chars().next().map_or(1, char::len_utf8);
            return (inner[..i].trim_end(), Some(&inner[i + open..]));
        }
    }
    (name, None)
}

fn unit_of(ind: &Indicator) -> Option<&str> {
    match &ind.value {
        IndicatorValue::Quantitative { unit, .. } | IndicatorValue::BareNumber { unit, .. } => {
            unit.as_deref()
        }
        _ => None,
    }
}

/// Whether `unit` is an amount of money: 元, 万元, or a money unit per something (元/人).
pub fn is_money_unit(unit: &str, vocab: &Vocab) -> bool {
    let head = unit.split('/').next().unwrap_or(unit);
    vocab.kinds.money_units.iter().any(|m| m == head)
}

/// A cost per unit: a money unit per something (`元/册`), or a money amount whose name says
/// it is per unit (`工作服购置单位成本 =2500.00(元)`).
pub fn is_unit_cost(name: &str, unit: &str, vocab: &Vocab) -> bool {
    is_money_unit(unit, vocab)
        && (unit.contains('/')
            || vocab
                .kinds
                .unit_cost
                .iter()
                .any(|w| name.contains(w.as_str())))
}

/// What the indicator `name` with value unit `unit` measures, if a name ending says so. A
/// money value is a cost or nothing: an amount can be an output or a benefit as well.
pub fn classify<'v>(name: &str, unit: Option<&str>, vocab: &'v Vocab) -> Option<Class<'v>> {
    let (stem, name_unit) = split_name(name);
    let (ending, k) = vocab
        .kind_index
        .endings
        .iter()
        .find(|(e, _)| ends_with(stem, e))?;
    let kind = KINDS[*k as usize];
    let money = unit.or(name_unit).map(|u| is_money_unit(u, vocab));
    match (kind, money) {
        (Kind::Cost, Some(false)) => None,
        (Kind::Cost, _) | (_, None | Some(false)) => Some(Class { kind, ending }),
        _ => None,
    }
}

/// Whether less is better for `name` (`Some(true)`), more (`Some(false)`), or unknown.
pub fn lower_is_better<'v>(name: &str, vocab: &'v Vocab) -> Option<(bool, &'v str)> {
    let (stem, _) = split_name(name);
    vocab
        .kind_index
        .direction
        .iter()
        .find(|(e, _)| ends_with(stem, e))
        .map(|(e, lower)| (*lower, e.as_str()))
}

fn is_time_unit(unit: &str, vocab: &Vocab) -> bool {
    vocab.kinds.time_units.iter().any(|u| u == unit)
}

/// One indicator; then [`check_cost_blocks`] once per project.
pub fn check_indicator(
    l1: &Level1,
    l2: Option<&Level2>,
    ind: &Indicator,
    cx: &Context,
    sink: &mut Sink,
) {
    let vocab = &cx.settings.vocab;
    let name = ind.name.as_str();
    let unit = unit_of(ind);
    let class = classify(name, unit, vocab);
    if let Some(l2) = l2 {
        placement(l1, l2, ind, class, cx, sink);
    }
    direction(l1, l2, ind, class, cx, sink);
    value_kind(l2, ind, class, cx, sink);
}

/// The 二级 of the profile where `kind` belongs, in the vocabulary's order.
pub fn homes<'p>(kind: Kind, cx: &'p Context) -> Vec<&'p str> {
    kind.def(&cx.settings.vocab)
        .level2
        .iter()
        .filter(|n| cx.profile.parent_of(n).is_some())
        .map(String::as_str)
        .collect()
}

/// indicator-kind.
fn placement(
    l1: &Level1,
    l2: &Level2,
    ind: &Indicator,
    class: Option<Class>,
    cx: &Context,
    sink: &mut Sink,
) {
    let vocab = &cx.settings.vocab;
    // Only a 二级 standing where the profile puts it: otherwise misplaced-category or
    // unknown-category already speaks for the whole block.
    if cx
        .profile
        .parent_of(&l2.canonical)
        .is_none_or(|d| d.name != l1.canonical)
    {
        return;
    }
    let unit = unit_of(ind);
    let money = unit.map(|u| is_money_unit(u, vocab));
    let in_money_cost = Kind::Cost.def(vocab).level2.contains(&l2.canonical);
    let class = if !is_cost(l1, Some(l2)) {
        // A money amount outside the cost categories may be an output or a benefit
        // (节约费用 ≥10.00(万元), 人均自付费用 ≤500.00(元)): cost names are judged there only.
        class.filter(|c| c.kind != Kind::Cost)
    } else if money == Some(true) {
        // Under a cost 二级 a money value is a cost, whatever its name says; it belongs under
        // 经济成本指标.
        Some(class.filter(|c| c.kind == Kind::Cost).unwrap_or(Class {
            kind: Kind::Cost,
            ending: "",
        }))
    } else if in_money_cost {
        class
    } else {
        // 社会成本指标 and 生态环境成本指标 hold negative effects that are no amounts
        // (群体性事件发生数): what such a name measures does not contradict them.
        None
    };
    let name = &ind.name;
    match class {
        // Satisfaction names: misplaced-category (taxonomy.rs).
        Some(c) if c.kind == Kind::Satisfaction => {}
        Some(c) if !c.kind.def(vocab).level2.contains(&l2.canonical) => {
            let homes = homes(c.kind, cx);
            if homes.is_empty() {
                return;
            }
            let why = if c.ending.is_empty() {
                format!("它的值是金额（{}）", unit.unwrap_or_default())
            } else {
                format!("名称以「{}」结尾", c.ending)
            };
            let also = if homes.len() > 1 {
                format!("（也可在「{}」下）", homes[1..].join("」「"))
            } else {
                String::new()
            };
            sink.push(
                "indicator-kind",
                ind.name_span,
                format!(
                    "「{name}」衡量的是{}（{why}），应在「{}」下{also}，而不是「{}」下",
                    c.kind.chinese(),
                    homes[0],
                    l2.name
                ),
            );
        }
        None if in_money_cost && money == Some(false) => {
            sink.push(
                "indicator-kind",
                ind.name_span,
                format!(
                    "「{name}」的值以「{}」计，不是金额：「{}」只放成本的金额上限（如 ≤10.00(万元)）；请把它移到衡量它的产出或效益指标下",
                    unit.unwrap_or_default(),
                    l2.name
                ),
            );
        }
        _ => {}
    }
}

/// target-direction.
fn direction(
    l1: &Level1,
    l2: Option<&Level2>,
    ind: &Indicator,
    class: Option<Class>,
    cx: &Context,
    sink: &mut Sink,
) {
    let IndicatorValue::Quantitative { op, number, unit } = &ind.value else {
        return;
    };
    // A cost is a ceiling: cost-operator.
    if is_cost(l1, l2) {
        return;
    }
    let vocab = &cx.settings.vocab;
    let name = ind.name.as_str();
    let unit = unit.as_deref();
    let timeliness = class.is_some_and(|c| c.kind == Kind::Timeliness);
    // A time given to a timeliness indicator is a limit, whatever the name ends with
    // (托管档案调阅响应及时性 ≤24.00(小时)); but not a rate's, whose unit is wrong (unit-mismatch).
    let lower = match lower_is_better(name, vocab) {
        Some((true, e)) => Some((true, e)),
        _ if timeliness
            && !name.ends_with('率')
            && unit.is_some_and(|u| is_time_unit(u, vocab)) =>
        {
            Some((true, "时限"))
        }
        other => other,
    };
    let text = &ind.value_text;
    match lower {
        Some((true, ending)) if matches!(op, Op::Ge | Op::Gt) => sink.push(
            "target-direction",
            ind.value_span,
            format!(
                "「{name}」越低越好（{ending}），目标应写上限 {}，而不是「{text}」",
                turned(*op, *number).symbol()
            ),
        ),
        Some((false, _))
            if matches!(op, Op::Le | Op::Lt) && class.is_some_and(|c| c.kind == Kind::Quantity) =>
        {
            sink.push(
                "target-direction",
                ind.value_span,
                format!(
                    "「{name}」是数量目标，应写下限 {}（至少完成多少），而不是「{text}」",
                    turned(*op, *number).symbol()
                ),
            )
        }
        Some((false, ending))
            if unit == Some("%")
                && number.is_zero()
                && (*op == Op::Ge || (*op == Op::Eq && !zero_target_applies(name)))
                && class.is_some() =>
        {
            let why = if *op == Op::Ge {
                "≥0% 不设任何要求，总能达到"
            } else {
                "目标为 0% 等于不要求"
            };
            sink.push(
                "target-direction",
                ind.value_span,
                format!(
                    "「{name}」越高越好（{ending}），{why}：请写实际要达到的比率，如 ≥95.00(%)"
                ),
            )
        }
        _ => {}
    }
}

/// The operator a target written the wrong way round should have: ≥ ↔ ≤, > ↔ <; a bound of
/// 0 (>0 on a lower-is-better indicator) becomes =0, since < 0 cannot be met.
pub fn turned(op: Op, number: rust_decimal::Decimal) -> Op {
    if number.is_zero() {
        return Op::Eq;
    }
    flip(op)
}

/// ≥ ↔ ≤, > ↔ <.
pub fn flip(op: Op) -> Op {
    match op {
        Op::Ge => Op::Le,
        Op::Gt => Op::Lt,
        Op::Le => Op::Ge,
        Op::Lt => Op::Gt,
        Op::Eq => Op::Eq,
    }
}

/// value-kind.
fn value_kind(
    l2: Option<&Level2>,
    ind: &Indicator,
    class: Option<Class>,
    cx: &Context,
    sink: &mut Sink,
) {
    let vocab = &cx.settings.vocab;
    let name = ind.name.as_str();
    let text = &ind.value_text;
    match (&ind.value, class) {
        (IndicatorValue::Qualitative, Some(c)) if c.kind == Kind::Quantity => sink.push(
            "value-kind",
            ind.value_span,
            format!("「{name}」是数量，应填比较符、数值和单位，如 ≥100.00(件)，而不是「{text}」"),
        ),
        (IndicatorValue::Qualitative, Some(c))
            if c.kind == Kind::Timeliness && lower_is_better(name, vocab).is_some_and(|d| d.0) =>
        {
            sink.push(
                "value-kind",
                ind.value_span,
                format!("「{name}」是一段时间，应填时限，如 ≤30.00(分钟)，而不是「{text}」"),
            )
        }
        (IndicatorValue::Quantitative { unit: Some(u), .. }, Some(c))
            if u == "%"
                && c.kind == Kind::Quantity
                && l2.is_some_and(|l| l.canonical == "数量指标")
                // 人数 in %: unit-mismatch.
                && !is_headcount(name) =>
        {
            sink.push(
                "value-kind",
                ind.value_span,
                format!("「{name}」是数量，填了百分比「{text}」却没有说明是什么的百分比：应填数量和单位，如 ≥100.00(件)；要写比率，请把名称改为完成率"),
            )
        }
        _ => {}
    }
}

/// cost-qualitative: a 成本指标 (一级, or 二级 in finance-2020) whose every indicator is text.
pub fn check_cost_blocks(p: &Project, cx: &Context, sink: &mut Sink) {
    let blocks = p.level1.iter().flat_map(|l1| {
        let whole = (l1.canonical == "成本指标").then(|| {
            let inds: Vec<&Indicator> = l1
                .indicators
                .iter()
                .chain(l1.level2.iter().flat_map(|l2| &l2.indicators))
                .collect();
            (&l1.name, l1.span, inds)
        });
        let parts = l1
            .level2
            .iter()
            .filter(move |l2| l1.canonical != "成本指标" && l2.canonical == "成本指标")
            .map(|l2| (&l2.name, l2.span, l2.indicators.iter().collect()));
        whole.into_iter().chain(parts)
    });
    for (name, span, inds) in blocks {
        if inds.is_empty()
            || !inds
                .iter()
                .all(|i| matches!(i.value, IndicatorValue::Qualitative))
        {
            continue;
        }
        let written: Vec<String> = inds
            .iter()
            .map(|i| format!("{}: {}", i.name, i.value_text))
            .collect();
        let required = if cx.profile.cost_required {
            format!(
                "；「{}」要求每个项目设置成本指标，定性值不满足这一要求",
                cx.profile.name
            )
        } else {
            String::new()
        };
        sink.push(
            "cost-qualitative",
            span,
            format!(
                "「{name}」下只有定性值（{}），没有成本金额：成本指标应填金额上限，如 ≤10.00(万元){required}",
                written.join("；")
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_the_longest_ending() {
        let v = Vocab::builtin();
        let k = |n: &str, u: Option<&str>| classify(n, u, v).map(|c| c.kind);
        assert_eq!(
            k("用户使用系统响应时间", Some("秒")),
            Some(Kind::Timeliness)
        );
        assert_eq!(k("系统每周正常运行时间", Some("小时")), Some(Kind::Quality));
        assert_eq!(k("医保网络租赁时间", Some("月")), None);
        assert_eq!(
            k("政府聘用辅助人员有责投诉数量", Some("起")),
            Some(Kind::Quality)
        );
        assert_eq!(k("彩色宣传页费用", Some("万元")), Some(Kind::Cost));
        assert_eq!(k("补助资金数量（万元）", None), None);
        assert_eq!(k("政策知晓率", Some("%")), Some(Kind::SocialBenefit));
        assert_eq!(k("宣传活动开展完成率", Some("%")), None);
        assert_eq!(
            lower_is_better("系统故障修复及时率", v),
            Some((false, "及时率"))
        );
        assert_eq!(lower_is_better("审核差错率", v), Some((true, "差错率")));
        assert!(is_unit_cost("工作服购置单位成本", "元", v));
        assert!(is_unit_cost("办公设备", "万元/台", v));
        assert!(!is_unit_cost("非编人力成本", "万元", v));
    }
}

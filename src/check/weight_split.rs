//! weight-split (information): a 自评表 whose 分值 add up to 100 but are split across 预算执行率
//! and the 一级 otherwise than the usual 10 / 50 / 30 / 10 (财预〔2020〕10号: 原则上 预算执行率 10
//! 分，产出指标 50 分，效益指标 30 分，满意度指标 10 分; 如有特殊情况可适当调整). Allowed, but
//! a reviewer asks why, so it is noted, never warned.

use super::{Context, Sink};
use crate::model::Project;
use rust_decimal::Decimal;

/// The key of the 预算执行率 share in `[grading] usual_weights`.
const EXECUTION: &str = "执行率";

pub fn check(p: &Project, cx: &Context, sink: &mut Sink) {
    let usual = &cx.settings.vocab.grading.usual_weights;
    let Some(total) = &p.total else { return };
    if usual.is_empty() {
        return;
    }
    // (一级 or 执行率, Σ分值) in the order of the form.
    let mut split: Vec<(&str, Decimal)> = Vec::new();
    let Some(w) = p.funding.as_ref().and_then(|f| f.weight.as_ref()?.num) else {
        return;
    };
    add(&mut split, EXECUTION, w.value);
    for (l1, _, ind) in p.indicators() {
        // Every indicator weighted, under a 一级 with a usual share: otherwise nothing to compare.
        let Some(w) = ind.weight().and_then(|w| w.num) else {
            return;
        };
        if !usual.contains_key(l1.canonical.as_str()) {
            return;
        }
        add(&mut split, &l1.canonical, w.value);
    }
    let hundred = Decimal::from(100);
    if split.iter().map(|(_, w)| *w).sum::<Decimal>() != hundred {
        return; // weight-total
    }
    let differs = split.len() != usual.len()
        || split
            .iter()
            .any(|(k, w)| usual.get(*k).map(|u| Decimal::from(*u)) != Some(*w));
    if !differs {
        return;
    }
    let show = |pairs: Vec<(&str, Decimal)>| {
        pairs
            .iter()
            .map(|(k, w)| format!("{} {}", k.trim_end_matches("指标"), w.normalize()))
            .collect::<Vec<_>>()
            .join("、")
    };
    let mut expected: Vec<(&str, Decimal)> = usual
        .iter()
        .map(|(k, w)| (k.as_str(), Decimal::from(*w)))
        .collect();
    let order = |k: &str| {
        split
            .iter()
            .position(|(s, _)| *s == k)
            .unwrap_or(usize::MAX)
    };
    expected.sort_by_key(|(k, _)| order(k));
    let at = total
        .weight
        .as_ref()
        .map_or(total.key_span, |w| w.value_span);
    sink.push(
        "weight-split",
        at,
        format!(
            "分值分配为 {}，与通常的 {} 不同：财预〔2020〕10号 原则上按通常的分配设置，特殊情况可适当调整；没有特殊情况的，请按通常的分配调整分值",
            show(split.clone()),
            show(expected)
        ),
    );
}

fn add<'a>(split: &mut Vec<(&'a str, Decimal)>, key: &'a str, w: Decimal) {
    match split.iter_mut().find(|(k, _)| *k == key) {
        Some((_, sum)) => *sum += w,
        None => split.push((key, w)),
    }
}

//! Year over year (issue #13): a 申报表 held against the same 单位's forms of the year before —
//! its 申报表 (else its 自评表, whose 年度指标值 are last year's targets) and its 自评表 for the
//! actuals. Rules: target-lowered-funding-up, target-jump, direction-flipped,
//! indicator-dropped-yoy, target-below-actual.
//!
//! Projects and indicators are paired as a 自评表 is with its 申报表 (`check::declaration`); the
//! targets are compared only when the indicator kept its name (a merely similar name may be
//! another indicator), and only numbers that can be compared as they stand.

use super::declaration::{
    comparable, direction, match_indicators, match_projects_with, normalize, threshold,
    Declarations, DeclaredIndicator, DeclaredProject,
};
use super::per_project::each_project;
use super::{Diagnostic, Settings, Sink};
use crate::model::value::{
    canonical_indicator_value, format_money, parse_indicator_value, IndicatorValue, Op,
};
use crate::model::*;
use rust_decimal::Decimal;
use std::sync::Arc;

/// What is known of one project the year before.
#[derive(Debug, Clone, Copy, Default)]
pub struct LastYear<'d> {
    /// Last year's project as declared (its 申报表), else as self-evaluated (its 自评表).
    pub declared: Option<&'d Arc<DeclaredProject>>,
    /// Last year's project in its 自评表, for the actuals.
    pub evaluated: Option<&'d Arc<DeclaredProject>>,
}

/// The (单位, 年度 − 1) of a key.
fn before(k: &(String, i32)) -> (String, i32) {
    (k.0.clone(), k.1 - 1)
}

/// Last year's counterpart of each project of a 申报表 (nothing for a 自评表).
pub fn last_year<'d>(doc: &Document, decls: &'d Declarations, t: f64) -> Vec<LastYear<'d>> {
    let n = doc.projects.len();
    if doc.header.form_kind() != FormKind::Target || decls.is_empty() {
        return vec![LastYear::default(); n];
    }
    let lookup = |k: &(String, i32)| {
        let k = before(k);
        match decls.get(&k) {
            [] => decls.evaluated(&k),
            d => d,
        }
    };
    let declared = match_projects_with(doc, lookup, t);
    let evaluated = match_projects_with(doc, |k| decls.evaluated(&before(k)), t);
    declared
        .into_iter()
        .zip(evaluated)
        .map(|(declared, evaluated)| LastYear {
            declared,
            evaluated,
        })
        .collect()
}

/// For each indicator of `p` (walk order of [`Project::indicators`]), last year's indicator of
/// `last` that it continues.
pub fn continued<'d>(
    last: &'d DeclaredProject,
    p: &Project,
    t: f64,
) -> Vec<Option<&'d DeclaredIndicator>> {
    let mut out = vec![None; p.indicators().count()];
    for (di, m) in last.indicators.iter().zip(match_indicators(last, p, t)) {
        if let Some(j) = m {
            out[j] = Some(di);
        }
    }
    out
}

/// The diagnostics of a 申报表 against last year's forms: (project index, diagnostic relative
/// to its segment), like `declaration::check`.
pub fn check(
    doc: &Document,
    decls: &Declarations,
    settings: &Settings,
) -> Vec<(usize, Diagnostic)> {
    let t = threshold(settings);
    let last = last_year(doc, decls, t);
    each_project(&doc.projects, last, settings, |p, last, sink| {
        if let Some(d) = last.declared {
            check_targets(p, d, t, sink);
        }
        if let Some(e) = last.evaluated {
            check_actuals(p, e, t, sink);
        }
    })
}

/// [`check`] with absolute spans; `starts[i]` is the offset of project i.
pub fn check_absolute(
    doc: &Document,
    starts: &[usize],
    decls: &Declarations,
    settings: &Settings,
) -> Vec<Diagnostic> {
    super::declaration::absolute(check(doc, decls, settings), starts)
}

/// `(op, number, unit)` of a quantitative value.
fn quantity(v: &IndicatorValue) -> Option<(Op, Decimal, &Option<String>)> {
    match v {
        IndicatorValue::Quantitative { op, number, unit } => Some((*op, *number, unit)),
        _ => None,
    }
}

fn requested(p: &Project) -> Option<Decimal> {
    p.funding.as_ref()?.main.total.as_ref()?.amount()
}

fn check_targets(p: &Project, last: &DeclaredProject, t: f64, sink: &mut Sink) {
    let walk: Vec<_> = p.indicators().collect();
    let own: Vec<&Indicator> = walk.iter().map(|x| x.2).collect();
    let matches = match_indicators(last, p, t);
    let dropped: Vec<String> = last
        .indicators
        .iter()
        .zip(&matches)
        .filter(|(_, m)| m.is_none())
        .map(|(di, _)| format!("「{}」（{}）", di.name, di.target()))
        .collect();
    // A project that kept none of last year's indicators was rewritten (or is another project
    // under a similar name): listing them all would say nothing.
    let continuing = matches.iter().any(Option::is_some);
    if !dropped.is_empty() && continuing {
        sink.push(
            "indicator-dropped-yoy",
            p.name_span,
            format!(
                "上年申报的指标{}今年没有：若项目仍在做这些事，请保留这些指标并填写今年的目标；不再考核的，可在年度总体目标中说明",
                dropped.join("")
            ),
        );
    }
    let money = match (
        last.total.filter(|_| last.kind == FormKind::Target),
        requested(p),
    ) {
        (Some(a), Some(b)) if b > a => Some((a, b)),
        _ => None,
    };
    let factor = sink.settings.vocab.history.jump_factor;
    for (di, m) in last.indicators.iter().zip(matches) {
        let Some(ind) = m.map(|j| own[j]) else {
            continue;
        };
        if normalize(&di.name) != normalize(&ind.name) {
            continue;
        }
        let (Some((o1, n1, u1)), Some((o2, n2, u2))) = (quantity(&di.value), quantity(&ind.value))
        else {
            continue;
        };
        if !comparable(u1, u2) {
            continue;
        }
        let (d1, d2) = (direction(o1), direction(o2));
        let before = di.target();
        let now = &ind.value_text;
        let name = &ind.name;
        if d1 * d2 < 0 {
            let kept = canonical_indicator_value(&IndicatorValue::Quantitative {
                op: o1,
                number: n2,
                unit: u2.clone(),
            })
            .unwrap_or_default();
            sink.push(
                "direction-flipped",
                ind.value_span,
                format!(
                    "「{name}」的目标 {now} 与上年的 {before} 比较方向相反：考核方向不应逐年改变，若是笔误请改为「{kept}」；确有改变的，请在年度总体目标中说明"
                ),
            );
            continue;
        }
        if d1 != d2 || d1 == 0 || n1 <= Decimal::ZERO || n2 <= Decimal::ZERO {
            continue;
        }
        let (big, small) = if n2 > n1 { (n2, n1) } else { (n1, n2) };
        if big >= small * factor {
            let ratio = (big / small).round_dp(1).normalize();
            let how = if n2 > n1 {
                format!("是上年 {before} 的 {ratio} 倍")
            } else {
                format!("只有上年 {before} 的 {ratio} 分之一")
            };
            sink.push(
                "target-jump",
                ind.value_span,
                format!(
                    "「{name}」的目标 {now} {how}：多半是多写或少写了数位，请核对后改正；确实大幅调整的，请在年度总体目标中说明原因"
                ),
            );
            continue;
        }
        // A cost cap rises with the money: that is no easier target.
        let cost = m.is_some_and(|j| super::values::is_cost(walk[j].0, walk[j].1));
        let eased = !cost && ((d1 > 0 && n2 < n1) || (d1 < 0 && n2 > n1));
        if let (true, Some((a, b))) = (eased, money) {
            let how = if d1 > 0 { "降为" } else { "放宽为" };
            sink.push(
                "target-lowered-funding-up",
                ind.value_span,
                format!(
                    "「{name}」的目标由上年的 {before} {how} {now}，而年度资金申请总额由 {} 增至 {}（+{}）：资金增加时目标不应降低，请改为「{before}」或更高，或在年度总体目标中说明降低的原因",
                    format_money(a),
                    format_money(b),
                    format_money(b - a)
                ),
            );
        }
    }
}

/// Rates and percentages are left out: a target under last year's 100% is the rule, not a
/// slip. Only lower bounds (≥, >): a cap above last year's spending may follow a larger budget.
fn check_actuals(p: &Project, last: &DeclaredProject, t: f64, sink: &mut Sink) {
    let own: Vec<&Indicator> = p.indicators().map(|x| x.2).collect();
    for (di, m) in last.indicators.iter().zip(match_indicators(last, p, t)) {
        let (Some(ind), Some(actual)) = (m.map(|j| own[j]), di.actual.as_deref()) else {
            continue;
        };
        if normalize(&di.name) != normalize(&ind.name) {
            continue;
        }
        let Some((op, n, unit)) = quantity(&ind.value) else {
            continue;
        };
        let IndicatorValue::BareNumber {
            number: a,
            unit: au,
        } = parse_indicator_value(actual)
        else {
            continue;
        };
        let rate = |u: &Option<String>| matches!(u.as_deref(), Some("%" | "‰"));
        if direction(op) <= 0 || rate(unit) || rate(&au) || !comparable(unit, &au) || n >= a {
            continue;
        }
        let name = &ind.name;
        let now = &ind.value_text;
        sink.push(
            "target-below-actual",
            ind.value_span,
            format!(
                "「{name}」的目标 {now} 低于上年的实际完成值 {}：目标不应低于已经达到的水平，请改为「{}」或更高，或在年度总体目标中说明原因",
                actual.trim(),
                canonical_indicator_value(&IndicatorValue::Quantitative {
                    op,
                    number: a,
                    unit: unit.clone(),
                })
                .unwrap_or_default()
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::declaration::summarize_text;
    use std::path::Path;

    const LAST: &str = "表: 绩效目标申报表\n年度: 2024\n单位: 甲\n\n项目: 培训\n  资金:\n    年度资金申请总额: 1,000.00\n  产出指标:\n    数量指标:\n      培训人次: ≥100(人次)\n      覆盖人数: ≥50(人)\n";

    fn rules(this: &str, settings: &Settings) -> Vec<&'static str> {
        let source: Arc<Path> = Path::new("2024.jixiao").into();
        let decls = Declarations::new(summarize_text(LAST, &source, settings));
        let tree = crate::syntax::parse(this);
        let doc = crate::model::build(&tree, this, &settings.vocab);
        check(&doc, &decls, settings)
            .into_iter()
            .map(|d| d.1.rule)
            .collect()
    }

    fn this_year(a: &str, b: &str) -> String {
        LAST.replace("2024", "2025")
            .replace("≥100(人次)", a)
            .replace("覆盖人数: ≥50(人)", b)
    }

    #[test]
    fn jump_factor_from_settings() {
        let s = Settings::default();
        let text = this_year("≥500(人次)", "覆盖人数: ≥50(人)");
        assert!(rules(&text, &s).is_empty());
        let mut five = Settings::default();
        five.apply_toml("[history]\njump_factor = 5\n").unwrap();
        assert_eq!(rules(&text, &five), ["target-jump"]);
        assert!(five.apply_toml("[history]\njump_factor = 1\n").is_err());
        assert!(five.apply_toml("[history]\nfactor = 5\n").is_err());
    }

    /// Another year, another unit, or a merely similar name: nothing is compared.
    #[test]
    fn only_the_same_indicator_of_the_year_before() {
        let s = Settings::default();
        let renamed = this_year("≥100(人次)", "覆盖人次: ≥5(人)");
        assert_eq!(rules(&renamed, &s), Vec::<&str>::new());
        let later = this_year("≥1000(人次)", "覆盖人数: ≥50(人)").replace("2025", "2026");
        assert!(rules(&later, &s).is_empty());
        let other = this_year("≥1000(人次)", "覆盖人数: ≥50(人)").replace("单位: 甲", "单位: 乙");
        assert!(rules(&other, &s).is_empty());
        let flipped = this_year("≤100(人次)", "覆盖人数: ≥50(人)");
        assert_eq!(rules(&flipped, &s), ["direction-flipped"]);
    }

    /// A cost cap raised with the money is not a lowered target; a count lowered is.
    #[test]
    fn cost_caps_follow_the_money() {
        let s = Settings::default();
        let last = LAST.replace(
            "  产出指标:",
            "  成本指标:\n    经济成本指标:\n      培训费: ≤0.05(万元)\n  产出指标:",
        );
        let this = last
            .replace("2024", "2025")
            .replace("1,000.00", "2,000.00")
            .replace("≤0.05(万元)", "≤0.10(万元)");
        let source: Arc<Path> = Path::new("2024.jixiao").into();
        let decls = Declarations::new(summarize_text(&last, &source, &s));
        let tree = crate::syntax::parse(&this);
        let doc = crate::model::build(&tree, &this, &s.vocab);
        assert!(check(&doc, &decls, &s).is_empty());
        let lowered = this.replace("≥100(人次)", "≥90(人次)");
        let tree = crate::syntax::parse(&lowered);
        let doc = crate::model::build(&tree, &lowered, &s.vocab);
        let rules: Vec<_> = check(&doc, &decls, &s)
            .into_iter()
            .map(|d| d.1.rule)
            .collect();
        assert_eq!(rules, ["target-lowered-funding-up"]);
    }
}

//! Names and values a reviewer can measure: sentence-name, compound-name, yes-no-value,
//! value-repeats-name, multiple-values, range-value. The words they look for are data
//! (`[names]` in profiles.toml, extendable in jixiao.toml).

use super::values::remnant;
use super::{ends_with, has, Context, Sink};
use crate::model::value::{canonical_number, parse_range, IndicatorValue};
use crate::model::vocab::Names;
use crate::model::Indicator;
use rust_decimal::Decimal;

pub fn check_indicator(ind: &Indicator, cx: &Context, sink: &mut Sink) {
    let names = &cx.settings.vocab.names;
    check_name(ind, names, sink);
    // A value with a conversion remnant is reported once, by ocr-remnant.
    if ind.value == IndicatorValue::Qualitative && remnant(&ind.value_text).is_none() {
        check_qualitative(ind, cx, names, sink);
    }
}

fn check_name(ind: &Indicator, names: &Names, sink: &mut Sink) {
    let name = ind.name.as_str();
    let chars = name.chars().count();
    let clause = names.clause_marks.iter().find(|m| has(name, m));
    // A name that ends with what it measures may mention a number as its scope
    // (`10件实事项目完成率`); one that does not and holds a count states a target.
    let measured = names.measure_heads.iter().any(|h| ends_with(name, h));
    let target = (!measured).then(|| target_in_name(name, names)).flatten();
    let max = names.max_name_chars.unwrap_or(usize::MAX);
    let why = match (&target, clause) {
        (Some(t), _) => Some(format!("名称里写了目标「{t}」")),
        (None, Some(m)) => Some(format!("名称里有「{m}」分句")),
        (None, None) if chars > max => Some(format!("名称有 {chars} 个字（多于 {max} 个）")),
        _ => None,
    };
    if let Some(why) = why {
        sink.push(
            "sentence-name",
            ind.name_span,
            format!(
                "指标「{name}」是一句话，不是可衡量的指标名称：{why}。名称只写考核什么（如「××数量」「××及时率」），目标数和时限写在指标值里"
            ),
        );
    }
    let questions = names
        .yes_no_markers
        .iter()
        .map(|m| {
            if has(name, m) {
                name.matches(m.as_str()).count()
            } else {
                0
            }
        })
        .sum::<usize>();
    if questions >= 2 {
        sink.push(
            "compound-name",
            ind.name_span,
            format!("指标「{name}」问了 {questions} 个「是否」：一个指标只问一件事，请拆成 {questions} 个指标"),
        );
    } else if let Some((a, b)) = two_measures(name, names) {
        sink.push(
            "compound-name",
            ind.name_span,
            format!(
                "指标「{name}」把「{a}」和「{b}」两个指标写在一起：请拆成两个指标，各写各的指标值"
            ),
        );
    }
}

/// A number followed by a count unit inside a name (`227件`): the name states its own target.
fn target_in_name(name: &str, names: &Names) -> Option<String> {
    let b = name.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b',') {
            i += 1;
        }
        // An ordinal (`第1人民医院`) counts nothing.
        if name[..start].ends_with('第') {
            continue;
        }
        let rest = &name[i..];
        // The longest unit that follows (`人次` rather than `人`).
        if let Some(u) = names
            .target_units
            .iter()
            .filter(|u| rest.starts_with(u.as_str()))
            .max_by_key(|u| u.len())
        {
            return Some(format!("{}{u}", &name[start..i]));
        }
    }
    None
}

/// Two measurable indicators joined in one name (`及时率和准确率`, `数量及质量`): the first two
/// parts, split at a joiner, that each end with a measure.
fn two_measures<'a>(name: &'a str, names: &Names) -> Option<(&'a str, &'a str)> {
    if !names.joiners.iter().any(|j| has(name, j)) {
        return None;
    }
    // Bytes inside a word such as `及时` hold no joiner.
    let mut held = vec![false; name.len()];
    for w in &names.not_joiners {
        for (at, _) in name.match_indices(w.as_str()) {
            held[at..at + w.len()].iter_mut().for_each(|h| *h = true);
        }
    }
    let mut parts = Vec::new();
    let mut from = 0;
    let mut at = 0;
    while at < name.len() {
        let joiner = (!held[at])
            .then(|| {
                names
                    .joiners
                    .iter()
                    .find(|j| name[at..].starts_with(j.as_str()))
            })
            .flatten();
        match joiner {
            Some(j) => {
                parts.push(&name[from..at]);
                at += j.len();
                from = at;
            }
            None => at += name[at..].chars().next().map_or(1, char::len_utf8),
        }
    }
    parts.push(&name[from..]);
    let mut measures = parts
        .into_iter()
        .filter(|p| p.chars().count() >= 2 && names.measure_heads.iter().any(|h| ends_with(p, h)));
    Some((measures.next()?, measures.next()?))
}

fn check_qualitative(ind: &Indicator, cx: &Context, names: &Names, sink: &mut Sink) {
    let name = ind.name.as_str();
    let value = ind.value_text.as_str();
    let at = ind.value_span;
    let is_answer = names.yes_no_values.iter().any(|v| v == value);
    if names.yes_no_markers.iter().any(|m| has(name, m)) {
        if !is_answer {
            let answers = names.yes_no_values.join("」或「");
            sink.push(
                "yes-no-value",
                at,
                format!("指标「{name}」是「是否」问题，指标值应为「{answers}」，而不是「{value}」"),
            );
        }
        return;
    }
    if is_answer {
        if let Some(s) = names.degree_suffixes.iter().find(|s| ends_with(name, s)) {
            sink.push(
                "yes-no-value",
                at,
                format!(
                    "指标「{name}」以「{s}」结尾，问的是程度或状态，答「{value}」衡量不了：请写出要达到的标准（如 显著提升、及时），或改为定量目标"
                ),
            );
            return;
        }
    }
    let measure = |s: &str| {
        names
            .degree_suffixes
            .iter()
            .chain(&names.measure_heads)
            .any(|m| ends_with(s, m))
    };
    let long = value.chars().count() >= 2;
    // `…审核及时性: 及时性` names the measure again; `规范医疗服务行为: 规范` says again the target
    // the name already states (a name ending with its measure, `规范性: 规范`, is fine).
    let repeated = if value == name || (long && name.ends_with(value) && measure(value)) {
        Some("只是重复了名称，没有写目标：请写出要达到的标准（如 及时、=100.00(%)）")
    } else if long && name.starts_with(value) && !measure(name) {
        Some("只是重复了名称开头：名称写成了目标，指标值没有可核对的标准。名称写考核什么（如「××情况」「××规范性」），指标值写要达到的标准（如 规范、=100.00(%)）")
    } else {
        None
    };
    if let Some(what) = repeated {
        sink.push(
            "value-repeats-name",
            at,
            format!("指标「{name}」的指标值「{value}」{what}"),
        );
        return;
    }
    if let Some(items) = list_of_targets(value, cx, names) {
        sink.push(
            "multiple-values",
            at,
            format!(
                "指标「{name}」的指标值「{value}」写了 {} 个目标（{}）：一个指标只写一个目标；目标不同的，请拆成几个指标",
                items.len(),
                items.join("、")
            ),
        );
        return;
    }
    // A period of years (`2025-2026年`, `2025.1-2025.12`) is not a target range.
    let year = |n: Decimal| (Decimal::from(1900)..=Decimal::from(2100)).contains(&n);
    if let Some((low, high, unit)) = parse_range(value).filter(|(l, h, _)| !(year(*l) && year(*h)))
    {
        let unit = unit.map(|u| format!("({u})")).unwrap_or_default();
        sink.push(
            "range-value",
            at,
            format!(
                "指标「{name}」的指标值「{value}」是一个范围，没有比较符，无法判断是否完成：考核下限写 ≥{}{unit}，考核上限写 ≤{}{unit}",
                canonical_number(low),
                canonical_number(high)
            ),
        );
    }
}

/// The items of a value that is a list of qualitative targets (`保障、提升`), each a known
/// target word; `None` for anything else (`效率、质量有效提升` is one target).
fn list_of_targets<'a>(value: &'a str, cx: &Context, names: &Names) -> Option<Vec<&'a str>> {
    if !names.value_separators.iter().any(|s| has(value, s)) {
        return None;
    }
    let mut items = vec![value];
    for sep in &names.value_separators {
        items = items
            .into_iter()
            .flat_map(|i| i.split(sep.as_str()))
            .collect();
    }
    let items: Vec<&str> = items.into_iter().map(str::trim).collect();
    let known = |w: &str| {
        cx.settings
            .vocab
            .vocabulary
            .qualitative
            .iter()
            .any(|q| q == w)
            || names.target_words.iter().any(|q| q == w)
    };
    (items.len() >= 2 && items.iter().all(|i| known(i))).then_some(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::vocab::Vocab;

    #[test]
    fn targets_in_names() {
        let n = &Vocab::builtin().names;
        assert_eq!(
            target_in_name("存量案件227件，分2年完成", n).as_deref(),
            Some("227件")
        );
        assert_eq!(
            target_in_name("每年2次培训完成率", n).as_deref(),
            Some("2次")
        );
        assert_eq!(target_in_name("第1人民医院就诊人次", n), None);
        assert_eq!(
            target_in_name("发放宣传册12,000本", n).as_deref(),
            Some("12,000本")
        );
        assert_eq!(target_in_name("12393 服务热线接通率", n), None);
        assert_eq!(target_in_name("3个工作日内办结率", n), None);
        assert_eq!(target_in_name("2026年参保人数", n), None);
    }

    #[test]
    fn compounds() {
        let n = &Vocab::builtin().names;
        assert_eq!(
            two_measures("安全检查覆盖率、第三方测评结果应用率", n),
            Some(("安全检查覆盖率", "第三方测评结果应用率"))
        );
        assert_eq!(two_measures("数量及质量", n), Some(("数量", "质量")));
        assert_eq!(
            two_measures("资金拨付及时率和准确率", n),
            Some(("资金拨付及时率", "准确率"))
        );
        for one in [
            "工作服采购及时性",
            "二、三级故障响应及时性",
            "软件、安全、密码测评完成率",
            "人民群众获得感、幸福感、安全感增强情况",
            "数据安全与个人信息保护综合评估报告准确性",
            "建立健全医疗保障制度",
            "参保人员参与率",
            "长效管理制度及机制健全性",
        ] {
            assert_eq!(two_measures(one, n), None, "{one}");
        }
    }
}

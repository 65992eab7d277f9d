//! unknown-category, misplaced-category, missing-category, empty-category — against the
//! active profile.

use super::{Context, Sink};
use crate::model::suggest_from;
use crate::model::Project;

pub fn check(p: &Project, cx: &Context, sink: &mut Sink) {
    let prof = cx.profile;
    let vocab = &cx.settings.vocab;
    let l1_names: Vec<&str> = prof.level1.iter().map(|d| d.name.as_str()).collect();
    for l1 in &p.level1 {
        if l1.canonical.is_empty() {
            continue;
        }
        let known_l1 = prof.level1(&l1.canonical).is_some();
        if !known_l1 {
            if let Some(parent) = prof.parent_of(&l1.canonical) {
                sink.push(
                    "misplaced-category",
                    l1.span,
                    format!(
                        "在「{}」体系中，「{}」是「{}」下的二级指标，不是一级指标",
                        prof.name, l1.name, parent.name
                    ),
                );
            } else {
                let (a, b) = vocab.category_roles(&l1.canonical);
                let hint = suggest_from(&l1.canonical, &l1_names);
                let msg = if a || b {
                    format!(
                        "「{}」不是「{}」体系中的一级指标（一级指标：{}）",
                        l1.name,
                        prof.name,
                        l1_names.join("、")
                    )
                } else {
                    format!(
                        "未知的一级指标「{}」{}",
                        l1.name,
                        hint_text(hint, &l1_names)
                    )
                };
                sink.push(
                    if a || b {
                        "misplaced-category"
                    } else {
                        "unknown-category"
                    },
                    l1.span,
                    msg,
                );
            }
        }
        if l1.level2.is_empty() && l1.indicators.is_empty() {
            sink.push(
                "empty-category",
                l1.span,
                format!("一级指标「{}」下没有指标", l1.name),
            );
        }
        let def = prof.level1(&l1.canonical);
        for l2 in &l1.level2 {
            let ok = def.is_some_and(|d| d.level2.contains(&l2.canonical));
            if !ok && (known_l1 || prof.parent_of(&l1.canonical).is_none()) {
                if let Some(parent) = prof.parent_of(&l2.canonical) {
                    if known_l1 {
                        sink.push(
                            "misplaced-category",
                            l2.span,
                            format!(
                                "二级指标「{}」应在一级指标「{}」下，而不是「{}」下",
                                l2.name, parent.name, l1.name
                            ),
                        );
                    }
                } else if prof.level1(&l2.canonical).is_some() {
                    sink.push(
                        "misplaced-category",
                        l2.span,
                        format!(
                            "在「{}」体系中，「{}」是一级指标，不应写在「{}」下",
                            prof.name, l2.name, l1.name
                        ),
                    );
                } else {
                    let all_l2: Vec<&str> = prof
                        .level1
                        .iter()
                        .flat_map(|d| d.level2.iter().map(String::as_str))
                        .collect();
                    let (a, b) = vocab.category_roles(&l2.canonical);
                    if a || b {
                        sink.push(
                            "misplaced-category",
                            l2.span,
                            format!("「{}」不是「{}」体系中的二级指标", l2.name, prof.name),
                        );
                    } else {
                        let allowed: Vec<&str> = def
                            .map(|d| d.level2.iter().map(String::as_str).collect())
                            .unwrap_or(all_l2);
                        let hint = suggest_from(&l2.canonical, &allowed);
                        sink.push(
                            "unknown-category",
                            l2.span,
                            format!("未知的二级指标「{}」{}", l2.name, hint_text(hint, &allowed)),
                        );
                    }
                }
            }
            if l2.indicators.is_empty() {
                sink.push(
                    "empty-category",
                    l2.span,
                    format!("二级指标「{}」下没有三级指标", l2.name),
                );
            }
        }
    }
    // A satisfaction indicator belongs under 满意度指标.
    for (l1, l2, ind) in p.indicators() {
        // The name first: it settles nearly every indicator without a substring search.
        let in_satisfaction =
            || l1.canonical == "满意度指标" || l2.is_some_and(|l| l.canonical.contains("满意度"));
        if is_satisfaction_name(&ind.name) && !l1.canonical.is_empty() && !in_satisfaction() {
            let under = l2.map(|l| l.name.as_str()).unwrap_or(&l1.name);
            sink.push(
                "misplaced-category",
                ind.name_span,
                format!("满意度指标「{}」应在「满意度指标 / 服务对象满意度指标」下，而不是「{under}」下", ind.name),
            );
        }
    }
    if !p.name.is_empty() || !p.level1.is_empty() {
        let at = if p.name_span.is_empty() {
            p.key_span
        } else {
            p.name_span
        };
        for d in &prof.level1 {
            let required = d.name != "成本指标" || prof.cost_required;
            if required && !p.level1.iter().any(|l| l.canonical == d.name) {
                let why = if d.name == "成本指标" {
                    format!("（「{}」要求每个项目设置成本指标）", prof.name)
                } else {
                    String::new()
                };
                sink.push(
                    "missing-category",
                    at,
                    format!("项目「{}」缺少一级指标「{}」{why}", p.name, d.name),
                );
            }
        }
    }
}

pub fn is_satisfaction_name(name: &str) -> bool {
    (name.ends_with("满意度") || name.ends_with("满意率") || name.ends_with("满意程度"))
        && !name.contains("不满意")
}

fn hint_text(hint: Option<String>, allowed: &[&str]) -> String {
    match hint {
        Some(h) => format!("，是否应为「{h}」？"),
        None => format!("（可用：{}）", allowed.join("、")),
    }
}

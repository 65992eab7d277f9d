//! missing-field, missing-value (fields), duplicate-indicator, duplicate-project, header checks.

use super::{Context, Settings, Sink};
use crate::model::*;
use std::collections::HashMap;

pub fn check(p: &Project, cx: &Context, sink: &mut Sink) {
    let at = if p.name_span.is_empty() {
        p.key_span
    } else {
        p.name_span
    };
    let (fields, text_fields): (&[&str], &[&str]) = match cx.kind() {
        FormKind::Target => (TARGET_FIELDS, &[GOAL]),
        FormKind::SelfEval => (SELF_EVAL_FIELDS, &[]),
    };
    for key in fields {
        match p.field(key) {
            None => sink.push(
                "missing-field",
                at,
                format!("项目「{}」缺少「{key}」", p.name),
            ),
            Some(f) if f.value.is_empty() => {
                sink.push("missing-value", f.key_span, format!("「{key}」没有填写"))
            }
            _ => {}
        }
    }
    for key in text_fields {
        match p.text(key) {
            None => sink.push(
                "missing-field",
                at,
                format!("项目「{}」缺少「{key}」", p.name),
            ),
            Some(t) if t.lines.iter().all(|l| l.0.trim().is_empty()) => {
                sink.push("missing-value", t.key_span, format!("「{key}」没有填写"))
            }
            _ => {}
        }
    }
    wrong_form(p, cx.kind(), sink);
    if p.funding.is_none() {
        sink.push(
            "missing-field",
            at,
            format!("项目「{}」缺少「资金:」", p.name),
        );
    }
    if cx.kind() == FormKind::SelfEval && p.total.is_none() && !p.level1.is_empty() {
        sink.push(
            "missing-field",
            at,
            format!("项目「{}」缺少「总分:」", p.name),
        );
    }
    // Every repeat of a name after its first occurrence. Sorting a project's few dozen names
    // finds them without hashing each one (a `HashMap` per project was 14% of the checks).
    let mut names: Vec<(&str, usize, &Indicator)> = p
        .indicators()
        .enumerate()
        .map(|(i, (_, _, ind))| (ind.name.as_str(), i, ind))
        .collect();
    names.sort_unstable_by_key(|&(name, i, _)| (name.len(), name, i));
    for pair in names.windows(2) {
        let (earlier, (name, _, ind)) = (pair[0].0, pair[1]);
        if earlier == name {
            sink.push(
                "duplicate-indicator",
                ind.name_span,
                format!("三级指标「{name}」在本项目中重复"),
            );
        }
    }
}

/// A text or an amount of the other form (项目资金总额 in a 自评表, 实际完成情况 in a 申报表):
/// read, but no export of this form carries it, so it would be lost without a word.
fn wrong_form(p: &Project, kind: FormKind, sink: &mut Sink) {
    let (texts, form, other): (&[&str], _, _) = match kind {
        FormKind::Target => (&[BUDGET_GOAL, ACHIEVED], "申报表", "绩效自评表"),
        FormKind::SelfEval => (&[PROJECT_GOAL, GOAL], "自评表", "绩效目标申报表"),
    };
    let mut misplaced: Vec<(&str, crate::syntax::Span)> = texts
        .iter()
        .filter_map(|k| p.text(k).map(|t| (*k, t.key_span)))
        .collect();
    if kind == FormKind::SelfEval {
        if let Some(m) = p.funding.as_ref().and_then(|f| f.project_total.as_ref()) {
            misplaced.push((m.key, m.key_span));
        }
    }
    for (key, span) in misplaced {
        sink.push(
            "unknown-field",
            span,
            format!("「{key}」不是{form}的栏目，导出时不会包含它：请删去，或把文件头的「表」改为「{other}」"),
        );
    }
}

pub fn check_header(h: &Header, _settings: &Settings, sink: &mut Sink) {
    let at = crate::syntax::Span::default();
    if h.fields.iter().all(|f| f.key != HEADER_KIND) {
        sink.push(
            "missing-field",
            at,
            "文件头缺少「表: 绩效目标申报表」或「表: 绩效自评表」",
        );
    }
    if h.fields.iter().all(|f| f.key != HEADER_YEAR) {
        sink.push("missing-field", at, "文件头缺少「年度: 2025」这样的年度");
    }
    if let Some(p) = &h.profile {
        if _settings.vocab.profile(&p.value).is_none() {
            let ids: Vec<&str> = _settings
                .vocab
                .profiles
                .iter()
                .map(|p| p.id.as_str())
                .collect();
            sink.push(
                "bad-value",
                p.value_span,
                format!("指标体系「{}」不存在，可选：{}", p.value, ids.join("、")),
            );
        }
    }
}

/// What `duplicate_projects` looks at in a project: a change elsewhere leaves its result alone.
/// The name's span is part of it: an edit on the name line that keeps the name can still move
/// or resize it (trailing spaces, a comment), and the diagnostic sits on that span. Small, so
/// that a document can keep one per project without keeping the projects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DupKey {
    pub name: Box<str>,
    pub span: crate::syntax::Span,
    /// The request's total as written, for the message.
    pub total: Box<str>,
}

pub fn duplicate_key(p: &Project) -> DupKey {
    DupKey {
        name: p.name.as_str().into(),
        span: p.name_span,
        total: total_text(p).into(),
    }
}

/// duplicate-project: every project named like an earlier one, as (project index, span
/// relative to that project's segment, message).
pub fn duplicate_projects(keys: &[DupKey]) -> Vec<(usize, crate::syntax::Span, String)> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        if k.name.is_empty() {
            continue;
        }
        if let Some(&j) = first.get(&*k.name) {
            let msg = format!(
                "项目「{}」与前面第 {} 个项目同名（申请总额 {}）",
                k.name,
                j + 1,
                keys[j].total
            );
            out.push((i, k.span, msg));
        } else {
            first.insert(&k.name, i);
        }
    }
    out
}

fn total_text(p: &Project) -> String {
    p.funding
        .as_ref()
        .and_then(|f| f.budget().total.as_ref())
        .map(|t| t.text.clone())
        .unwrap_or_else(|| "未填".into())
}

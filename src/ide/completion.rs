//! Completion that knows where the cursor is: field names where a field goes, the 一级 of the
//! profile, only the 二级 of the enclosing 一级, indicator names used elsewhere in the workspace
//! (with their last value), operators and units after an indicator name, common values.

use super::View;
use crate::check::needs_quantity;
use crate::model::*;
use crate::syntax::LineKind;
use std::borrow::Cow;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Field,
    Category,
    Indicator,
    Operator,
    Unit,
    Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: ItemKind,
    pub detail: Option<String>,
    /// Text to insert in place of `replace`.
    pub insert: String,
    pub replace: Range<usize>,
    /// The entry the form expects next here (the first missing category, in the form's order).
    pub preselect: bool,
}

/// An indicator seen in the workspace: its name, 二级, last value and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownIndicator {
    pub name: String,
    pub level2: String,
    pub value: String,
    pub project: String,
}

const OPERATORS: &[(&str, &str)] = &[
    ("≥", "不低于（正向）"),
    ("≤", "不超过（反向，成本指标用）"),
    ("=", "等于"),
    (">", "高于"),
    ("<", "低于"),
];

/// Targets for a rate, the most common first.
const RATE_VALUES: &[(&str, &str)] = &[
    ("=100.00(%)", "比率：全部完成"),
    ("≥95.00(%)", "比率：不低于"),
    ("≥90.00(%)", "比率：不低于（满意度常用）"),
];

fn leading_cols(s: &str) -> u32 {
    s.chars()
        .take_while(|c| matches!(c, ' ' | '\t' | '\u{3000}'))
        .map(|c| match c {
            '\t' => 4,
            '\u{3000}' => 2,
            _ => 1,
        })
        .sum()
}

/// Indicators seen so far, oldest first: the workspace's other files, then this document. Only
/// references: nothing is copied per request.
/// Only those for which `keep(name, 二级)` holds.
fn seen<'a>(
    view: &View,
    workspace: &'a [&'a KnownIndicator],
    keep: impl Fn(&str, &str) -> bool,
) -> Vec<Seen<'a>> {
    // Only the last use of a name is ever offered: earlier ones are dropped as they are
    // replaced, so a large document's thousands of uses are not all held at once.
    let mut last: std::collections::HashMap<String, (usize, Seen)> = Default::default();
    let mut n = 0;
    let mut push = |s: Seen<'a>| {
        n += 1;
        last.insert(s.0.to_string(), (n, s));
    };
    for k in workspace.iter().filter(|k| keep(&k.name, &k.level2)) {
        push((
            Cow::Borrowed(k.name.as_str()),
            Cow::Borrowed(k.level2.as_str()),
            Cow::Borrowed(k.value.as_str()),
            Cow::Borrowed(k.project.as_str()),
        ));
    }
    // The document's projects are built one at a time (the server keeps few models).
    (view.each_project)(&mut |p| {
        for (_, l2, ind) in p.indicators() {
            let level2 = l2.map(|l| l.canonical.as_str()).unwrap_or("");
            if !ind.value_text.is_empty() && keep(&ind.name, level2) {
                push((
                    Cow::Owned(ind.name.clone()),
                    Cow::Owned(level2.to_string()),
                    Cow::Owned(ind.value_text.clone()),
                    Cow::Owned(p.name.clone()),
                ));
            }
        }
    });
    let mut out: Vec<(usize, Seen)> = last.into_values().collect();
    out.sort_unstable_by_key(|s| s.0);
    out.into_iter().map(|s| s.1).collect()
}

/// An indicator seen elsewhere: name, 二级, value, project.
type Seen<'a> = (Cow<'a, str>, Cow<'a, str>, Cow<'a, str>, Cow<'a, str>);

pub fn complete(view: &View, offset: usize, known: &[&KnownIndicator]) -> Vec<CompletionItem> {
    let Some(at) = view.at(offset) else {
        return Vec::new();
    };
    let col = offset.saturating_sub(at.start).min(at.text.len());
    let mut col = col;
    while !at.text.is_char_boundary(col) {
        col -= 1;
    }
    let prefix = &at.text[..col];
    let indent_bytes = prefix.len() - prefix.trim_start_matches([' ', '\t', '\u{3000}']).len();
    if let Some(colon) = prefix.find([':', '：']) {
        let key = prefix[..colon].trim();
        let vstart = colon + prefix[colon..].chars().next().unwrap().len_utf8();
        let typed = prefix[vstart..].trim_start();
        let replace = at.start + (col - typed.len())..offset;
        return complete_value(view, &at, key, typed, replace, known);
    }
    let replace = at.start + indent_bytes..offset;
    let cols = leading_cols(&at.text);
    // The parent: the nearest line above with less indentation that is an entry.
    let mut parent: Option<(Role, String)> = None;
    let mut seg = at.seg;
    let mut idx = at.line_idx;
    'outer: loop {
        while idx > 0 {
            idx -= 1;
            let Some(l) = view.line(seg, idx) else { break };
            if let LineKind::Entry { key, .. } = &l.line.kind {
                if l.line.indent_cols < cols {
                    parent = Some((l.role.role, l.text[key.range()].to_string()));
                    break 'outer;
                }
            }
        }
        if seg == 0 || cols == 0 {
            break;
        }
        seg -= 1;
        idx = view.tree.segments[seg].lines.len();
    }
    let kind = view.header.form_kind();
    let field = |label: &str, detail: &str| CompletionItem {
        label: label.to_string(),
        kind: ItemKind::Field,
        detail: Some(detail.to_string()),
        insert: format!("{label}: "),
        replace: replace.clone(),
        preselect: false,
    };
    let block = |label: &str, detail: &str, k: ItemKind| CompletionItem {
        label: label.to_string(),
        kind: k,
        detail: Some(detail.to_string()),
        insert: format!("{label}:"),
        replace: replace.clone(),
        preselect: false,
    };
    let project = view.project(at.seg);
    let prof = view.profile();
    let mut out = Vec::new();
    match parent {
        None => {
            if at.seg == 0 {
                for (k, d) in [
                    (HEADER_KIND, "绩效目标申报表 / 绩效自评表"),
                    (HEADER_YEAR, "四位年份"),
                    (HEADER_UNIT, "编报单位"),
                    (HEADER_PROFILE, "指标体系（可选）"),
                ] {
                    if !view.header.fields.iter().any(|f| f.key == k) {
                        out.push(field(k, d));
                    }
                }
            }
            out.push(field("项目", "开始一个新项目"));
        }
        Some((Role::Project, _)) => {
            let fields: &[&str] = match kind {
                FormKind::Target => TARGET_FIELDS,
                FormKind::SelfEval => SELF_EVAL_FIELDS,
            };
            for k in fields {
                if project.is_none_or(|p| p.field(k).is_none()) {
                    out.push(field(k, "项目字段"));
                }
            }
            if project.is_none_or(|p| p.funding.is_none()) {
                out.push(block(FUNDING, "项目资金（元）", ItemKind::Field));
            }
            let texts: &[&str] = if kind == FormKind::Target {
                &[GOAL, PROJECT_GOAL]
            } else {
                &[BUDGET_GOAL, ACHIEVED]
            };
            for k in texts {
                if project.is_none_or(|p| p.text(k).is_none()) {
                    out.push(block(k, "文本：下面用 > 开头的行书写", ItemKind::Field));
                }
            }
            if kind == FormKind::SelfEval && project.is_none_or(|p| p.total.is_none()) {
                out.push(block(TOTAL_SCORE, "总分：分值、得分", ItemKind::Field));
            }
            for d in &prof.level1 {
                if project.is_none_or(|p| !p.level1.iter().any(|l| l.canonical == d.name)) {
                    out.push(block(&d.name, "一级指标", ItemKind::Category));
                }
            }
            preselect_first(&mut out, ItemKind::Category);
        }
        Some((Role::Level1, name)) => {
            let canonical = view.settings.vocab.canonical_category(&name);
            if let Some(d) = prof.level1(&canonical) {
                let present = |l2: &str| {
                    project.is_some_and(|p| {
                        p.level1
                            .iter()
                            .filter(|l| l.canonical == d.name)
                            .flat_map(|l| &l.level2)
                            .any(|l| l.canonical == l2)
                    })
                };
                for l2 in &d.level2 {
                    out.push(block(
                        l2,
                        &format!("二级指标（{}）", d.name),
                        ItemKind::Category,
                    ));
                    if !present(l2) && !out.iter().any(|i| i.preselect) {
                        out.last_mut().unwrap().preselect = true;
                    }
                }
            }
        }
        Some((Role::Level2, name)) => {
            let canonical = view.settings.vocab.canonical_category(&name);
            let mut names = std::collections::HashSet::new();
            for (name, _, value, project) in
                seen(view, known, |_, l2| l2 == canonical).into_iter().rev()
            {
                if names.insert(name.clone()) {
                    out.push(CompletionItem {
                        label: name.to_string(),
                        kind: ItemKind::Indicator,
                        detail: Some(format!("{value}（{project}）")),
                        insert: format!("{name}: {value}"),
                        replace: replace.clone(),
                        preselect: false,
                    });
                }
            }
        }
        Some((Role::Funding, _)) => {
            let keys: Vec<&str> = match kind {
                FormKind::Target => vec![TOTAL, CURRENT_YEAR, CARRYOVER, OTHER, PROJECT_TOTAL],
                FormKind::SelfEval => [COLUMNS, &[WEIGHT, RATE, SCORE]].concat(),
            };
            for k in &keys {
                if COLUMNS.contains(k) {
                    out.push(block(k, "一列：年度资金总额和三项来源", ItemKind::Field));
                } else {
                    let detail = match *k {
                        PROJECT_TOTAL => "跨年度项目各年度资金之和（元）",
                        RATE => "预算执行率",
                        WEIGHT => "预算执行率的分值",
                        SCORE => "预算执行率的得分",
                        _ => "金额（元）",
                    };
                    out.push(field(k, detail));
                }
            }
        }
        Some((Role::FundingColumn, _)) => {
            for k in [TOTAL_SELF_EVAL, CURRENT_YEAR, CARRYOVER, OTHER] {
                out.push(field(k, "金额（元），空格写 —"));
            }
        }
        Some((Role::Total, _)) => {
            out.push(field(WEIGHT, "各项分值之和，一般为 100"));
            out.push(field(SCORE, "执行率得分与各指标得分之和"));
        }
        Some((Role::Indicator, _)) if kind == FormKind::SelfEval => {
            for (k, d) in [
                (ACTUAL, "实际完成值"),
                (WEIGHT, "分值"),
                (SCORE, "得分（不超过分值）"),
                (DEVIATION, "扣分时必填"),
            ] {
                out.push(field(k, d));
            }
        }
        Some((Role::TextField, _)) => {}
        _ => {}
    }
    out
}

fn preselect_first(items: &mut [CompletionItem], kind: ItemKind) {
    if let Some(i) = items.iter_mut().find(|i| i.kind == kind) {
        i.preselect = true;
    }
}

fn complete_value(
    view: &View,
    at: &super::At,
    key: &str,
    typed: &str,
    replace: Range<usize>,
    known: &[&KnownIndicator],
) -> Vec<CompletionItem> {
    let item =
        |label: &str, kind: ItemKind, detail: Option<String>, insert: String| CompletionItem {
            label: label.to_string(),
            kind,
            detail,
            insert,
            replace: replace.clone(),
            preselect: false,
        };
    let mut out = Vec::new();
    match key {
        HEADER_KIND => {
            for k in [FormKind::Target, FormKind::SelfEval] {
                out.push(item(k.name(), ItemKind::Value, None, k.name().to_string()));
            }
        }
        HEADER_PROFILE => {
            for p in &view.settings.vocab.profiles {
                out.push(item(
                    &p.id,
                    ItemKind::Value,
                    Some(p.name.clone()),
                    p.id.clone(),
                ));
            }
        }
        NATURE | CATEGORY => {
            let mut seen = std::collections::BTreeSet::new();
            (view.each_project)(&mut |p| {
                if let Some(f) = p.field(key) {
                    if !f.value.is_empty() && seen.insert(f.value.clone()) {
                        out.push(item(&f.value, ItemKind::Value, None, f.value.clone()));
                    }
                }
            });
        }
        _ if at.role.role == Role::Indicator => {
            let t = typed.trim();
            let ends_with_number = t.chars().last().is_some_and(|c| c.is_ascii_digit());
            if ends_with_number {
                let numeric =
                    t.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ',');
                let base = &typed[..typed.len()];
                let _ = numeric;
                let rate = needs_quantity(key);
                for u in &view.settings.vocab.vocabulary.units {
                    if rate && u != "%" {
                        continue;
                    }
                    out.push(item(
                        &format!("({u})"),
                        ItemKind::Unit,
                        Some("单位".into()),
                        format!("{base}({u})"),
                    ));
                }
            } else if t.is_empty() && needs_quantity(key) {
                // A rate's target is a percentage: the checker rejects anything else.
                for (v, d) in RATE_VALUES {
                    out.push(item(
                        v,
                        ItemKind::Value,
                        Some((*d).into()),
                        (*v).to_string(),
                    ));
                }
                preselect_first(&mut out, ItemKind::Value);
            } else if t.is_empty() {
                for (_, _, value, project) in seen(view, known, |name, _| name == key)
                    .into_iter()
                    .rev()
                    .take(1)
                {
                    out.push(item(
                        &value,
                        ItemKind::Value,
                        Some(format!("上次的值（{project}）")),
                        value.to_string(),
                    ));
                }
                for (op, d) in OPERATORS {
                    out.push(item(
                        op,
                        ItemKind::Operator,
                        Some((*d).into()),
                        (*op).to_string(),
                    ));
                }
                for q in &view.settings.vocab.vocabulary.qualitative {
                    out.push(item(
                        q,
                        ItemKind::Value,
                        Some("定性指标值".into()),
                        q.clone(),
                    ));
                }
            }
        }
        _ => {}
    }
    out
}

//! Quick fixes, only where the fix is certain: recompute a total, a rate or a score; replace a
//! LaTeX/HTML remnant by its value; "did you mean" for a misspelt name; move a 二级 under the
//! 一级 it belongs to; write the declared target over a lowered or changed one.

use super::View;
use crate::check::scoring::{assess, Assessment};
use crate::check::{execution, execution_rate, execution_score, Diagnostic};
use crate::model::value::{fix_remnant, format_money, money_problem, MoneyProblem};
use crate::model::*;
use rust_decimal::Decimal;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub rule: &'static str,
    /// The diagnostic it fixes.
    pub diagnostic: Range<usize>,
    pub edits: Vec<(Range<usize>, String)>,
}

pub fn fixes(view: &View, diagnostics: &[Diagnostic], range: Range<usize>) -> Vec<Fix> {
    let mut out = Vec::new();
    for d in diagnostics {
        let span = d.span.range();
        if span.end < range.start || span.start > range.end {
            continue;
        }
        let seg = view.segment_at(span.start);
        let base = view.starts[seg];
        let rel = d.span.start as usize - base..d.span.end as usize - base;
        let project = view.project(seg);
        let fix = |title: String, new: String| Fix {
            title,
            rule: d.rule,
            diagnostic: span.clone(),
            edits: vec![(span.clone(), new)],
        };
        match d.rule {
            "funding-sum" => {
                if let Some(parts) = project.and_then(|p| parts_with_total_at(p, rel.start)) {
                    let Some(s) = parts.sum() else { continue };
                    let key = parts.total.as_ref().map(|t| t.key).unwrap_or(TOTAL);
                    out.push(fix(
                        format!("将「{key}」改为三项之和 {}", format_money(s)),
                        format_money(s),
                    ));
                }
            }
            "ocr-remnant" => {
                let written = (view.text)(span.clone()).into_owned();
                if let Some(v) = fix_remnant(&written) {
                    out.push(fix(format!("改为「{v}」"), v));
                }
            }
            "unknown-category" | "unknown-field" => {
                if let Some(s) = d
                    .message
                    .split("是否应为「")
                    .nth(1)
                    .and_then(|r| r.split('」').next())
                {
                    out.push(fix(format!("改为「{s}」"), s.to_string()));
                }
            }
            "execution-rate" => {
                if let Some((rate, _, _)) = project
                    .and_then(|p| p.funding.as_ref())
                    .and_then(execution_rate)
                {
                    out.push(fix(format!("改为 {rate}%"), format!("{rate}%")));
                }
            }
            "execution-score" => {
                let f = project.and_then(|p| p.funding.as_ref());
                if let (Some(e), Some(w)) = (
                    f.and_then(execution),
                    f.and_then(|f| f.weight.as_ref()).and_then(|w| w.num),
                ) {
                    let e = execution_score(w.value, e.exact).normalize();
                    out.push(fix(format!("改为 {e}"), e.to_string()));
                }
            }
            "score-mismatch" => {
                if let Some(c) = project.and_then(|p| computed_score_at(view, p, rel.start)) {
                    out.push(fix(format!("将得分改为 {c}"), c.to_string()));
                }
            }
            "total-score" => {
                if let Some((label, v)) = project.and_then(|p| total_fix(p, rel.start)) {
                    out.push(fix(format!("将总分的{label}改为 {v}"), v.to_string()));
                }
            }
            "money-format" => {
                let written = (view.text)(span.clone()).into_owned();
                if let MoneyProblem::Grouping(Some(a)) = money_problem(&written) {
                    let a = format_money(a);
                    out.push(fix(format!("改为「{a}」"), a));
                }
            }
            "yes-no-value" if d.message.contains("是「是否」问题") => {
                out.push(fix("改为「是」".into(), "是".into()));
            }
            "misplaced-category" => {
                if let Some(f) = move_level2(view, seg, rel.start, d) {
                    out.push(f);
                }
            }
            // The message names the declared target: 「…」 after 请改为.
            "declared-target-lowered" | "declared-target-changed" => {
                if let Some(t) = d
                    .message
                    .rsplit("请改为")
                    .next()
                    .and_then(|r| r.split('「').nth(1))
                    .and_then(|r| r.split('」').next())
                {
                    out.push(fix(format!("改为申报的目标「{t}」"), t.to_string()));
                }
            }
            _ => {}
        }
    }
    out
}

/// The score the method gives the quantitative indicator whose 得分 starts at `rel`.
fn computed_score_at(view: &View, p: &Project, rel: usize) -> Option<Decimal> {
    let (l1, l2, ind) = p.indicators().find(|(_, _, i)| {
        i.score()
            .is_some_and(|s| s.value_span.start as usize == rel)
    })?;
    match assess(l1, l2, ind, &view.settings.vocab.grading)? {
        Assessment::Quantitative {
            computed: Some(c), ..
        } => Some(c.normalize()),
        _ => None,
    }
}

fn parts_with_total_at(p: &Project, rel: usize) -> Option<&Parts> {
    let f = p.funding.as_ref()?;
    std::iter::once(&f.main)
        .chain(f.columns.iter().map(|c| &c.parts))
        .find(|parts| {
            parts
                .total
                .as_ref()
                .is_some_and(|t| t.value_span.start as usize == rel)
        })
}

fn total_fix(p: &Project, rel: usize) -> Option<(&'static str, Decimal)> {
    let t = p.total.as_ref()?;
    let val = |n: Option<&NumField>| n.and_then(|n| n.num).map(|n| n.value);
    let f = p.funding.as_ref();
    if t.score
        .as_ref()
        .is_some_and(|s| s.value_span.start as usize == rel)
    {
        let s = p
            .indicators()
            .filter_map(|(_, _, i)| val(i.score()))
            .sum::<Decimal>()
            + f.and_then(|f| val(f.score.as_ref())).unwrap_or_default();
        return Some(("得分", s.normalize()));
    }
    if t.weight
        .as_ref()
        .is_some_and(|s| s.value_span.start as usize == rel)
    {
        let w = p
            .indicators()
            .filter_map(|(_, _, i)| val(i.weight()))
            .sum::<Decimal>()
            + f.and_then(|f| val(f.weight.as_ref())).unwrap_or_default();
        return Some(("分值", w.normalize()));
    }
    None
}

/// Moves a 二级 block (its line and the lines under it) to the end of the 一级 it belongs to,
/// when that 一级 exists in the same project.
fn move_level2(view: &View, seg: usize, rel: usize, d: &Diagnostic) -> Option<Fix> {
    let p = view.project(seg)?;
    let prof = view.profile();
    let (l1_idx, l2) = p.level1.iter().enumerate().find_map(|(i, l1)| {
        l1.level2
            .iter()
            .find(|l2| l2.span.start as usize == rel)
            .map(|l2| (i, l2))
    })?;
    let parent = prof.parent_of(&l2.canonical)?;
    let target = p
        .level1
        .iter()
        .position(|l| l.canonical == parent.name && !std::ptr::eq(l, &p.level1[l1_idx]))?;
    let lines = &view.tree.segments[seg].lines;
    let roles = view.roles(seg);
    let line_of = |off: u32| lines.partition_point(|l| l.start <= off) - 1;
    let block_end = |from: usize, depth: u8| {
        let mut end = from;
        for (i, r) in roles.iter().enumerate().skip(from + 1) {
            if matches!(
                r.role,
                crate::model::Role::Blank | crate::model::Role::Comment
            ) {
                continue;
            }
            if r.depth <= depth {
                break;
            }
            end = i;
        }
        end
    };
    let start_line = line_of(l2.span.start);
    let end_line = block_end(start_line, roles[start_line].depth);
    let t_line = line_of(p.level1[target].span.start);
    let t_end = block_end(t_line, roles[t_line].depth);
    if (start_line..=end_line).contains(&t_end) {
        return None;
    }
    let base = view.starts[seg];
    let line_full = |i: usize| {
        base + lines[i].start as usize..base + (lines[i].start + lines[i].full_len()) as usize
    };
    let cut = line_full(start_line).start..line_full(end_line).end;
    let mut block = (view.text)(cut.clone()).into_owned();
    if !block.ends_with('\n') {
        block.push('\n');
    }
    let insert_at = line_full(t_end).end;
    let mut edits = vec![(cut, String::new())];
    let needs_nl = lines[t_end].eol == 0;
    edits.push((
        insert_at..insert_at,
        if needs_nl {
            format!("\n{block}")
        } else {
            block
        },
    ));
    Some(Fix {
        title: format!("把「{}」移到「{}」下", l2.name, parent.name),
        rule: d.rule,
        diagnostic: d.span.range(),
        edits,
    })
}

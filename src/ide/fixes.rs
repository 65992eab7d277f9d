//! Quick fixes, only where the fix is certain: recompute a total, a rate or a score; replace a
//! LaTeX/HTML remnant by its value; "did you mean" for a misspelt name; move a 二级 under the
//! 一级 it belongs to.

use super::View;
use crate::check::{execution_rate, Diagnostic};
use crate::model::value::{fix_remnant, format_money};
use crate::model::*;
use rust_decimal::{Decimal, RoundingStrategy};
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
                if let (Some((rate, _, _)), Some(w)) = (
                    f.and_then(execution_rate),
                    f.and_then(|f| f.weight.as_ref()).and_then(|w| w.num),
                ) {
                    let e = (w.value * rate / Decimal::from(100))
                        .min(w.value)
                        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
                        .normalize();
                    out.push(fix(format!("改为 {e}"), e.to_string()));
                }
            }
            "total-score" => {
                if let Some((label, v)) = project.and_then(|p| total_fix(p, rel.start)) {
                    out.push(fix(format!("将总分的{label}改为 {v}"), v.to_string()));
                }
            }
            "misplaced-category" => {
                if let Some(f) = move_level2(view, seg, rel.start, d)
                    .or_else(|| super::fix_move::move_indicator(view, seg, rel.start, d))
                {
                    out.push(f);
                }
            }
            "missing-category" => {
                out.extend(super::fix_skeleton::insert_level1(view, seg, d));
            }
            "qualitative-rate" => {
                out.push(fix(format!("改为 {FULL_RATE}"), FULL_RATE.to_string()));
            }
            "unit-mismatch" => {
                if let Some(f) = replace_unit(view, d) {
                    out.push(f);
                }
            }
            _ => {}
        }
    }
    out
}

/// The target of a rate whose value was written as a word (提高, 及时): all of it.
const FULL_RATE: &str = "=100.00(%)";

/// Replaces the unit when the message names exactly one expected unit ("单位应为 %，而不是「次」").
fn replace_unit(view: &View, d: &Diagnostic) -> Option<Fix> {
    let expected = d.message.split("单位应为 ").nth(1)?.split('，').next()?;
    let wrong = d.message.split("而不是「").nth(1)?.split('」').next()?;
    if expected.contains('或') || expected.is_empty() || wrong.is_empty() {
        return None;
    }
    let span = d.span.range();
    let written = (view.text)(span.clone()).into_owned();
    let at = written.rfind(wrong)?;
    let start = span.start + at;
    Some(Fix {
        title: format!("把单位改为 {expected}"),
        rule: d.rule,
        diagnostic: span,
        edits: vec![(start..start + wrong.len(), expected.to_string())],
    })
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
    let block_end = |from: usize| super::fix_skeleton::block_end(roles, from);
    let start_line = line_of(l2.span.start);
    let end_line = block_end(start_line);
    let t_line = line_of(p.level1[target].span.start);
    let t_end = block_end(t_line);
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

//! Quick fixes, only where the fix is certain: recompute a total, a rate or a score; replace a
//! LaTeX/HTML remnant by its value; "did you mean" for a misspelt name or value; move a 二级
//! under the 一级 it belongs to, or an indicator under the 二级 its kind belongs to; write the
//! declared target over a lowered or changed one; a satisfaction target given its unit; last
//! year's target over one lowered while the funding rose, or over a flipped operator.

use super::View;
use crate::check::scoring::{assess, Assessment};
use crate::check::{
    execution, execution_rate, execution_score, is_satisfaction_name, turned, Diagnostic,
};
use crate::model::value::{
    canonical_indicator_value, fix_remnant, format_money, money_problem, IndicatorValue,
    MoneyProblem, Op,
};
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
            "unknown-category" | "unknown-field" | "unknown-value" => {
                if let Some(s) = d
                    .message
                    .split("是否应为「")
                    .nth(1)
                    .and_then(|r| r.split('」').next())
                {
                    out.push(fix(format!("改为「{s}」"), s.to_string()));
                }
            }
            "satisfaction-unit" => {
                if let Some(v) = written_as(&d.message) {
                    out.push(fix(format!("改为「{v}」"), v.to_string()));
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
                if let Some(f) = move_level2(view, seg, rel.start, d)
                    .or_else(|| move_satisfaction(view, seg, rel.start, d))
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
                if let Some(v) = written_as(&d.message) {
                    out.push(fix(format!("改为「{v}」"), v.to_string()));
                } else if let Some(f) = replace_unit(view, d) {
                    out.push(f);
                }
            }
            // The message names the declared target: 「…」 after 请改为.
            "declared-target-lowered" | "declared-target-changed" => {
                if let Some(t) = suggested(&d.message) {
                    out.push(fix(format!("改为申报的目标「{t}」"), t.to_string()));
                }
            }
            // The message names last year's target (its operator, for a flip) after 请改为.
            "target-lowered-funding-up" | "direction-flipped" => {
                if let Some(t) = suggested(&d.message) {
                    out.push(fix(format!("改为「{t}」（按上年）"), t.to_string()));
                }
            }
            "indicator-kind" => {
                let home = d
                    .message
                    .split("应在「")
                    .nth(1)
                    .and_then(|r| r.split('」').next());
                if let Some(f) = home.and_then(|h| move_indicator(view, seg, rel.start, d, h)) {
                    out.push(f);
                }
            }
            // A cost is a ceiling: ≥ and = become ≤, > becomes <.
            "cost-operator" => {
                let op = if d.message.contains("而不是「>」") {
                    Op::Lt
                } else {
                    Op::Le
                };
                if let Some(v) = with_op(view, seg, rel.start, op) {
                    out.push(fix(format!("改为「{v}」"), v));
                }
            }
            // The comparison turned round; a ≥0% target has no certain fix.
            "target-direction" if d.message.contains("应写") => {
                let flipped = project
                    .and_then(|p| {
                        p.indicators()
                            .find(|(_, _, i)| i.value_span.start as usize == rel.start)
                    })
                    .and_then(|(_, _, i)| match i.value {
                        IndicatorValue::Quantitative { op, number, .. } => Some(turned(op, number)),
                        _ => None,
                    });
                if let Some(v) = flipped.and_then(|op| with_op(view, seg, rel.start, op)) {
                    out.push(fix(format!("改为「{v}」"), v));
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
/// The target of a rate whose value was written as a word (提高, 及时): all of it.
const FULL_RATE: &str = "=100.00(%)";

/// Replaces the unit when the message names exactly one expected unit ("单位应为 %，而不是「次」").
/// The value a message says to write: 「…」 after 应写为.
fn written_as(message: &str) -> Option<&str> {
    message.split("应写为「").nth(1)?.split('」').next()
}

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

/// The lines of one segment, for cutting and pasting blocks of them.
struct Lines<'a, 'v> {
    view: &'a View<'v>,
    seg: usize,
}

impl Lines<'_, '_> {
    fn lines(&self) -> &[crate::syntax::Line] {
        &self.view.tree.segments[self.seg].lines
    }
    /// The line holding segment offset `off`.
    fn line_of(&self, off: u32) -> usize {
        self.lines().partition_point(|l| l.start <= off) - 1
    }
    fn depth(&self, line: usize) -> u8 {
        self.view.roles(self.seg)[line].depth
    }
    /// The last line of the block that `from` heads: the lines after it that are deeper
    /// (blank lines and comments inside it included, trailing ones not).
    fn block_end(&self, from: usize) -> usize {
        super::fix_skeleton::block_end(self.view.roles(self.seg), from)
    }
    /// Absolute range of line `i` with its terminator.
    fn full(&self, i: usize) -> Range<usize> {
        let base = self.view.starts[self.seg];
        let l = &self.lines()[i];
        base + l.start as usize..base + (l.start + l.full_len()) as usize
    }
    /// Edits that cut lines `from..=to` and paste them, after `head` (new header lines, each
    /// ending in a newline), below line `after`.
    fn move_block(
        &self,
        from: usize,
        to: usize,
        after: usize,
        head: &str,
    ) -> Option<Vec<(Range<usize>, String)>> {
        let cut = self.full(from).start..self.full(to).end;
        let mut block = format!("{head}{}", (self.view.text)(cut.clone()));
        if !block.ends_with('\n') {
            block.push('\n');
        }
        // The block already ends the place it goes to: only the new header lines are needed.
        if after == to && !head.is_empty() {
            return Some(vec![(cut, block)]);
        }
        if (from..=to).contains(&after) {
            return None;
        }
        let insert_at = self.full(after).end;
        if self.lines()[after].eol == 0 {
            block.insert(0, '\n');
        }
        Some(vec![(cut, String::new()), (insert_at..insert_at, block)])
    }
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
    let lines = Lines { view, seg };
    let start_line = lines.line_of(l2.span.start);
    let end_line = lines.block_end(start_line);
    let t_line = lines.line_of(p.level1[target].span.start);
    let edits = lines.move_block(start_line, end_line, lines.block_end(t_line), "")?;
    Some(Fix {
        title: format!("把「{}」移到「{}」下", l2.name, parent.name),
        rule: d.rule,
        diagnostic: d.span.range(),
        edits,
    })
}

/// Moves an indicator (its line and its 自评表 lines) under the 二级 named in the diagnostic:
/// to the end of that 二级 when the project has it, else under a new 二级 line at the end of its
/// 一级, else under new 一级 and 二级 lines at the end of the indicator tree.
fn move_indicator(view: &View, seg: usize, rel: usize, d: &Diagnostic, home: &str) -> Option<Fix> {
    let p = view.project(seg)?;
    let (_, _, ind) = p
        .indicators()
        .find(|(_, _, i)| i.name_span.start as usize == rel)?;
    let parent = view.profile().parent_of(home)?;
    let lines = Lines { view, seg };
    let from = lines.line_of(ind.name_span.start);
    let to = lines.block_end(from);
    let indent = |depth: u8| "  ".repeat(depth as usize);
    let l1 = p.level1.iter().find(|l| l.canonical == parent.name);
    let (after, head) = match l1 {
        Some(l1) => match l1.level2.iter().find(|l| l.canonical == home) {
            Some(l2) => (lines.block_end(lines.line_of(l2.span.start)), String::new()),
            None => {
                let at = lines.line_of(l1.span.start);
                let d1 = lines.depth(at);
                (lines.block_end(at), format!("{}{home}:\n", indent(d1 + 1)))
            }
        },
        None => {
            // After the last 一级 that comes before the new one in the profile's order.
            let prof = view.profile();
            let order = |name: &str| prof.level1.iter().position(|d| d.name == name);
            let before = |l: &&Level1| order(&l.canonical) < order(&parent.name);
            let written = || p.level1.iter().rev().filter(|l| !l.span.is_empty());
            let last = written().find(before).or_else(|| written().next())?;
            let at = lines.line_of(last.span.start);
            let d1 = lines.depth(at);
            (
                lines.block_end(at),
                format!(
                    "{}{}:\n{}{home}:\n",
                    indent(d1),
                    parent.name,
                    indent(d1 + 1)
                ),
            )
        }
    };
    let edits = lines.move_block(from, to, after, &head)?;
    Some(Fix {
        title: format!("把「{}」移到「{home}」下", ind.name),
        rule: d.rule,
        diagnostic: d.span.range(),
        edits,
    })
}

/// A satisfaction indicator filed under another category goes under the profile's satisfaction
/// 二级 (misplaced-category).
fn move_satisfaction(view: &View, seg: usize, rel: usize, d: &Diagnostic) -> Option<Fix> {
    let p = view.project(seg)?;
    let (_, _, ind) = p
        .indicators()
        .find(|(_, _, i)| i.name_span.start as usize == rel)?;
    if !is_satisfaction_name(&ind.name) {
        return None;
    }
    let home = view
        .profile()
        .level1
        .iter()
        .find(|l| l.name == "满意度指标")?
        .level2
        .first()?
        .clone();
    move_indicator(view, seg, rel, d, &home)
}

/// The value with its operator replaced by `op`, as the formatter writes it.
fn with_op(view: &View, seg: usize, rel: usize, op: Op) -> Option<String> {
    let p = view.project(seg)?;
    let (_, _, ind) = p
        .indicators()
        .find(|(_, _, i)| i.value_span.start as usize == rel)?;
    let IndicatorValue::Quantitative { number, unit, .. } = &ind.value else {
        return None;
    };
    canonical_indicator_value(&IndicatorValue::Quantitative {
        op,
        number: *number,
        unit: unit.clone(),
    })
}

/// The value a message suggests: 「…」 after its last 请改为.
fn suggested(message: &str) -> Option<&str> {
    message
        .rsplit("请改为")
        .next()
        .and_then(|r| r.split('「').nth(1))
        .and_then(|r| r.split('」').next())
}

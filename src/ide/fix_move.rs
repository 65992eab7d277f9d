//! The quick fix for a satisfaction indicator filed under another category: move it (with the
//! lines under it) to the end of the project's 满意度指标 / 服务对象满意度指标.

use super::fix_skeleton::block_end;
use super::fixes::Fix;
use super::View;
use crate::check::{is_satisfaction_name, Diagnostic};

pub(super) fn move_indicator(view: &View, seg: usize, rel: usize, d: &Diagnostic) -> Option<Fix> {
    let p = view.project(seg)?;
    let (_, _, ind) = p
        .indicators()
        .find(|(_, _, i)| i.name_span.start as usize == rel)?;
    if !is_satisfaction_name(&ind.name) {
        return None;
    }
    let l1 = p
        .level1
        .iter()
        .find(|l| l.canonical == "满意度指标" && !l.span.is_empty())?;
    let target_span = l1
        .level2
        .iter()
        .find(|l| l.canonical.contains("满意度") && !l.span.is_empty())
        .map(|l| l.span)
        .unwrap_or(l1.span);
    let lines = &view.tree.segments[seg].lines;
    let roles = view.roles(seg);
    let base = view.starts[seg];
    let line_of = |off: u32| lines.partition_point(|l| l.start <= off) - 1;
    let from = line_of(ind.name_span.start);
    let to = line_of(target_span.start);
    let (from_end, to_end) = (block_end(roles, from), block_end(roles, to));
    if (from..=from_end).contains(&to) {
        return None;
    }
    let full = |i: usize| {
        base + lines[i].start as usize..base + (lines[i].start + lines[i].full_len()) as usize
    };
    let cut = full(from).start..full(from_end).end;
    // Re-indent to one level below the target, two spaces a level.
    let shift = 2 * (roles[to].depth as isize + 1 - roles[from].depth as isize);
    let mut block = String::new();
    for i in from..=from_end {
        let text = (view.text)(full(i)).into_owned();
        let indent = text.len() - text.trim_start_matches(' ').len();
        let new_indent = (indent as isize + shift).max(0) as usize;
        let body = text.trim_start_matches(' ');
        if body.trim().is_empty() {
            block.push_str(body);
        } else {
            block.push_str(&" ".repeat(new_indent));
            block.push_str(body);
        }
    }
    if !block.ends_with('\n') {
        block.push('\n');
    }
    let at = full(to_end).end;
    if lines[to_end].eol == 0 {
        block.insert(0, '\n');
    }
    Some(Fix {
        title: format!("把「{}」移到「满意度指标」下", ind.name),
        rule: d.rule,
        diagnostic: d.span.range(),
        edits: vec![(cut, String::new()), (at..at, block)],
    })
}

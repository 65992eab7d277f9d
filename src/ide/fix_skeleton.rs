//! The quick fix for a missing 一级: insert it with its 二级 (from the active profile) where
//! the profile's order puts it among the 一级 the project already has.

use super::fixes::Fix;
use super::View;
use crate::check::Diagnostic;
use crate::model::{LineRole, Role};

/// The last line of the block that starts at `from`: the lines under it that are indented deeper.
pub(super) fn block_end(roles: &[LineRole], from: usize) -> usize {
    let depth = roles[from].depth;
    let mut end = from;
    for (i, r) in roles.iter().enumerate().skip(from + 1) {
        if matches!(r.role, Role::Blank | Role::Comment) {
            continue;
        }
        if r.depth <= depth {
            break;
        }
        end = i;
    }
    end
}

pub(super) fn insert_level1(view: &View, seg: usize, d: &Diagnostic) -> Option<Fix> {
    let name = d
        .message
        .split("缺少一级指标「")
        .nth(1)?
        .split('」')
        .next()?;
    let p = view.project(seg)?;
    let prof = view.profile();
    let k = prof.level1.iter().position(|l| l.name == name)?;
    let def = &prof.level1[k];
    let lines = &view.tree.segments[seg].lines;
    let roles = view.roles(seg);
    let base = view.starts[seg];
    let line_of = |off: u32| lines.partition_point(|l| l.start <= off) - 1;
    let rank = |canonical: &str| prof.level1.iter().position(|l| l.name == canonical);
    let present: Vec<(usize, usize)> = p
        .level1
        .iter()
        .filter(|l| !l.span.is_empty())
        .filter_map(|l| Some((rank(&l.canonical)?, line_of(l.span.start))))
        .collect();
    let line_end = |i: usize| base + (lines[i].start + lines[i].full_len()) as usize;
    let line_start = |i: usize| base + lines[i].start as usize;
    // After the last 一级 that comes before it in the profile, else before the first that comes
    // after it, else at the end of the project.
    let before = present
        .iter()
        .filter(|(r, _)| *r < k)
        .max_by_key(|(r, _)| *r);
    let after = present
        .iter()
        .filter(|(r, _)| *r > k)
        .min_by_key(|(r, _)| *r);
    let (at, line) = if let Some(&(_, l)) = before {
        let e = block_end(roles, l);
        (line_end(e), e)
    } else if let Some(&(_, l)) = after {
        (line_start(l), usize::MAX)
    } else {
        let last = (0..lines.len())
            .rev()
            .find(|&i| !matches!(roles[i].role, Role::Blank))?;
        (line_end(last), last)
    };
    let depth = present
        .first()
        .map(|&(_, l)| roles[l].depth as usize)
        .unwrap_or(1);
    let indent = "  ".repeat(depth);
    let mut text = format!("{indent}{}:\n", def.name);
    for l2 in &def.level2 {
        text.push_str(&format!("{indent}  {l2}:\n"));
    }
    if line != usize::MAX && lines[line].eol == 0 {
        text.insert(0, '\n');
    }
    Some(Fix {
        title: format!("插入一级指标「{}」及其二级指标", def.name),
        rule: d.rule,
        diagnostic: d.span.range(),
        edits: vec![(at..at, text)],
    })
}

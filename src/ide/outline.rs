//! Document symbols (the outline) and folding ranges.

use super::View;
use crate::model::value::format_money;
use crate::model::Role;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    Project,
    Funding,
    Text,
    Category,
    Indicator,
    Total,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole block.
    pub range: Range<usize>,
    /// The name.
    pub selection: Range<usize>,
    pub children: Vec<Symbol>,
}

/// For each line of a segment: the index of the last line of the block it opens (itself when
/// it opens none). A block is the run of following lines indented deeper (blank lines and
/// comments inside do not end it).
fn block_ends(view: &View, seg: usize) -> Vec<usize> {
    let roles = view.roles(seg);
    let n = roles.len();
    let mut ends: Vec<usize> = (0..n).collect();
    let mut stack: Vec<usize> = Vec::new();
    let mut last_content = None;
    for i in 0..n {
        let r = &roles[i];
        if matches!(r.role, Role::Blank | Role::Comment) {
            continue;
        }
        while let Some(&top) = stack.last() {
            if roles[top].depth >= r.depth {
                stack.pop();
            } else {
                break;
            }
        }
        for &s in &stack {
            ends[s] = i;
        }
        stack.push(i);
        last_content = Some(i);
    }
    let _ = last_content;
    ends
}

pub fn outline(view: &View) -> Vec<Symbol> {
    let mut out = Vec::new();
    for seg in view.segs.start.max(1)..view.segs.end {
        let Some(p) = view.project(seg) else { continue };
        let ends = block_ends(view, seg);
        let base = view.starts[seg];
        let lines = &view.tree.segments[seg].lines;
        let range_of =
            |i: usize| base + lines[i].start as usize..base + lines[ends[i]].end() as usize;
        let mut proj = Symbol {
            name: if p.name.is_empty() {
                "（未命名项目）".into()
            } else {
                p.name.clone()
            },
            detail: p
                .funding
                .as_ref()
                .and_then(|f| f.budget().total.as_ref())
                .and_then(|t| t.amount())
                .map(|a| format!("{} 元", format_money(a))),
            kind: SymbolKind::Project,
            range: base..base + view.tree.segments[seg].len as usize,
            selection: p.name_span.shift(base).range(),
            children: Vec::new(),
        };
        let mut stack: Vec<(u8, Symbol)> = Vec::new();
        let roles = view.roles(seg);
        for (i, r) in roles.iter().enumerate() {
            let kind = match r.role {
                Role::Funding => SymbolKind::Funding,
                Role::TextField => SymbolKind::Text,
                Role::Level1 | Role::Level2 => SymbolKind::Category,
                Role::Indicator => SymbolKind::Indicator,
                Role::Total => SymbolKind::Total,
                _ => continue,
            };
            let Some(at) = view.line(seg, i) else {
                continue;
            };
            let (name, sel, detail) = match &at.line.kind {
                crate::syntax::LineKind::Entry { key, value, .. } => (
                    at.text[key.range()].to_string(),
                    at.start + key.start as usize..at.start + key.end as usize,
                    Some(at.text[value.range()].to_string()).filter(|v| !v.is_empty()),
                ),
                _ => continue,
            };
            let sym = Symbol {
                name,
                detail,
                kind,
                range: range_of(i),
                selection: sel,
                children: Vec::new(),
            };
            while let Some((d, _)) = stack.last() {
                if *d >= r.depth {
                    let (_, done) = stack.pop().unwrap();
                    match stack.last_mut() {
                        Some((_, parent)) => parent.children.push(done),
                        None => proj.children.push(done),
                    }
                } else {
                    break;
                }
            }
            stack.push((r.depth, sym));
        }
        while let Some((_, done)) = stack.pop() {
            match stack.last_mut() {
                Some((_, parent)) => parent.children.push(done),
                None => proj.children.push(done),
            }
        }
        out.push(proj);
    }
    out
}

/// Folding ranges as (first line start offset, last line start offset) pairs.
pub fn folding(view: &View) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for seg in view.segs.clone() {
        let ends = block_ends(view, seg);
        let base = view.starts[seg];
        let lines = &view.tree.segments[seg].lines;
        for (i, &e) in ends.iter().enumerate() {
            if e > i {
                out.push((
                    base + lines[i].start as usize,
                    base + lines[e].start as usize,
                ));
            }
        }
    }
    out
}

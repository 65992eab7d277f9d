//! Last year in the editor (issue #13): on this year's 申报表, hover on an indicator shows last
//! year's target (and actual, when last year's 自评表 is in the workspace); an inlay hint after a
//! project's name shows last year's request and the change. The forms of the year before come
//! from the same snapshot as the 自评表's declarations (`link`).

use super::document::DocState;
use crate::check::declaration::threshold;
use crate::check::history::{continued, last_year, LastYear};
use crate::model::value::format_money;
use crate::model::FormKind;
use rust_decimal::Decimal;
use std::ops::Range as Bytes;

/// The project of segment `seg` and what is known of it last year.
fn of_segment(doc: &DocState, seg: usize) -> Option<(usize, LastYear<'_>)> {
    if doc.header.form_kind() != FormKind::Target || doc.decls.is_empty() {
        return None;
    }
    let i = seg.checked_sub(1)?;
    let last = last_year(&doc.document(), &doc.decls, threshold(&doc.settings));
    Some((i, *last.get(i)?))
}

fn requested(p: &crate::model::Project) -> Option<Decimal> {
    p.funding.as_ref()?.main.total.as_ref()?.amount()
}

/// What hover adds on this year's indicator: last year's target and actual. With the range of
/// the indicator's name.
pub fn hover_note(doc: &DocState, offset: usize) -> Option<(String, Bytes<usize>)> {
    let seg = doc.segment_at(offset);
    let (i, last) = of_segment(doc, seg)?;
    let p = doc.project(i)?;
    let p = &*p;
    let base = doc.starts[seg];
    let t = threshold(&doc.settings);
    let here = doc.rope.byte_to_line(offset);
    let line = |s: crate::syntax::Span| doc.rope.byte_to_line(base + s.start as usize);
    let own: Vec<_> = p.indicators().map(|x| x.2).collect();
    let j = own.iter().position(|ind| line(ind.name_span) == here)?;
    let target = last.declared.and_then(|d| continued(d, p, t)[j]);
    let evaluated = last.evaluated.and_then(|e| continued(e, p, t)[j]);
    let actual = evaluated
        .and_then(|e| e.actual.as_deref())
        .map(str::trim)
        .filter(|a| !a.is_empty());
    let text = match (target.or(evaluated), actual) {
        (Some(d), Some(a)) => format!("上年：{}，实际 {a}", d.target()),
        (Some(d), None) => format!("上年：{}", d.target()),
        (None, _) => return None,
    };
    Some((text, own[j].name_span.shift(base).range()))
}

/// Inlay hints within `span`: after each project's name, last year's request and the change.
pub fn hints(doc: &DocState, span: Bytes<usize>) -> Vec<(usize, String)> {
    if doc.header.form_kind() != FormKind::Target || doc.decls.is_empty() {
        return Vec::new();
    }
    let d = doc.document();
    let last = last_year(&d, &doc.decls, threshold(&doc.settings));
    let mut out = Vec::new();
    for (i, (p, l)) in d.projects.iter().zip(last).enumerate() {
        let at = doc.starts[i + 1] + p.name_span.end as usize;
        if !span.contains(&at) && span.end != at {
            continue;
        }
        let Some(before) = l.declared.filter(|d| d.kind == FormKind::Target) else {
            continue;
        };
        let Some(b) = before.total else { continue };
        let change = match requested(p) {
            Some(now) if now >= b => format!("（+{}）", format_money(now - b)),
            Some(now) => format!("（-{}）", format_money(b - now)),
            None => String::new(),
        };
        out.push((at, format!("上年申请 {}{change}", format_money(b))));
    }
    out
}

/// Last year's indicators of this 申报表's 单位 (its 申报表, else its 自评表), for completion:
/// with last year's target, the project named as last year's.
pub fn known_indicators(doc: &DocState) -> Vec<crate::ide::KnownIndicator> {
    use crate::check::declaration::key_of;
    if doc.header.form_kind() != FormKind::Target || doc.decls.is_empty() {
        return Vec::new();
    }
    let mut keys: Vec<(String, i32)> = Vec::new();
    // A file just started has a header and no project yet.
    if let (Some(u), Some(y)) = (&doc.header.unit, doc.header.year()) {
        keys.push((
            u.value.chars().filter(|c| !c.is_whitespace()).collect(),
            y - 1,
        ));
    }
    doc.each_project(|_, p| {
        if let Some((u, y)) = key_of(&doc.header, p) {
            if !keys.contains(&(u.clone(), y - 1)) {
                keys.push((u, y - 1));
            }
        }
    });
    let mut out = Vec::new();
    for k in &keys {
        let projects = match doc.decls.get(k) {
            [] => doc.decls.evaluated(k),
            d => d,
        };
        for p in projects {
            for i in &p.indicators {
                out.push(crate::ide::KnownIndicator {
                    name: i.name.clone(),
                    level2: i.level2.clone(),
                    value: i.target(),
                    project: format!("{} 年 {}", k.1, p.name),
                });
            }
        }
    }
    out
}

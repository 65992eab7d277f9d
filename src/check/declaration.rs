//! A 绩效自评表 held against the 绩效目标申报表 it answers (issue #12): the declared projects of
//! the same 单位 and 年度, found among the other files (`jixiao check DIR`, the server's
//! workspace). Rules: declared-indicator-dropped, declared-target-lowered,
//! declared-target-changed, declared-budget, declaration-missing.
//!
//! A 申报表 is reduced to a small summary ([`DeclaredProject`]) once; checking a 自评表 against
//! it is a pass over the 自评表's projects, cheap enough for every keystroke.

use super::per_project::each_project;
use super::{Settings, Sink};
use crate::model::value::{canonical_indicator_value, format_money, IndicatorValue, Op};
use crate::model::*;
use crate::syntax::Span;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// One declared indicator (三级), as the 自评表 must carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredIndicator {
    pub level1: String,
    /// Canonical; empty when written directly under the 一级.
    pub level2: String,
    pub name: String,
    pub value_text: String,
    pub value: IndicatorValue,
    /// Absolute byte range of the name in its file.
    pub name_span: Span,
    /// The 实际完成值 as written, in a 自评表's summary (last year's actual, `check::history`).
    pub actual: Option<String>,
}

impl DeclaredIndicator {
    /// The target as the 自评表 should write it (canonical when it has a canonical form).
    pub fn target(&self) -> String {
        canonical_indicator_value(&self.value).unwrap_or_else(|| self.value_text.clone())
    }
}

/// One project of a 申报表, reduced to what a 自评表 is checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredProject {
    /// The file it comes from.
    pub source: Arc<Path>,
    /// A 申报表's project, or a 自评表's (kept for the next year's actuals, `check::history`).
    pub kind: FormKind,
    pub name: String,
    /// Absolute byte range of the name in its file.
    pub name_span: Span,
    /// 年度资金申请总额.
    pub total: Option<Decimal>,
    pub indicators: Vec<DeclaredIndicator>,
}

/// The key a 申报表 and a 自评表 are paired by: (单位, 年度). The 单位 is the header's, else the
/// project's 实施单位; whitespace does not count.
pub fn key_of(header: &Header, project: &Project) -> Option<(String, i32)> {
    key_with(header, project.field(IMPLEMENTER).map(|f| f.value.as_str()))
}

/// [`key_of`] given the project's 实施单位 (`implementer`) only.
pub fn key_with(header: &Header, implementer: Option<&str>) -> Option<(String, i32)> {
    let year = header.year()?;
    let unit = header
        .unit
        .as_ref()
        .map(|f| f.value.as_str())
        .or(implementer)?;
    let unit: String = unit.chars().filter(|c| !c.is_whitespace()).collect();
    (!unit.is_empty()).then_some((unit, year))
}

/// The projects of a form with their keys (a 申报表's declared projects; a 自评表's, for the
/// next year). `starts[i]` is the offset of project i in its file.
pub fn summarize(
    doc: &Document,
    starts: &[usize],
    source: &Arc<Path>,
) -> Vec<((String, i32), DeclaredProject)> {
    let kind = doc.header.form_kind();
    doc.projects
        .iter()
        .zip(starts)
        .filter_map(|(p, &base)| {
            let key = key_of(&doc.header, p)?;
            Some((key, summarize_project(p, kind, base, source)))
        })
        .collect()
}

/// [`summarize`] of a file's text.
pub fn summarize_text(
    text: &str,
    source: &Arc<Path>,
    settings: &Settings,
) -> Vec<((String, i32), Arc<DeclaredProject>)> {
    let tree = crate::syntax::parse(text);
    let doc = crate::model::build(&tree, text, &settings.vocab);
    let starts = crate::analysis::project_starts(&tree);
    summarize(&doc, &starts, source)
        .into_iter()
        .map(|(k, p)| (k, Arc::new(p)))
        .collect()
}

/// One project of a form of `kind` whose segment starts at `base`.
pub fn summarize_project(
    p: &Project,
    kind: FormKind,
    base: usize,
    source: &Arc<Path>,
) -> DeclaredProject {
    let mut indicators: Vec<_> = p
        .indicators()
        .filter(|(_, _, i)| !i.name.trim().is_empty())
        .map(|(l1, l2, i)| DeclaredIndicator {
            level1: l1.canonical.clone(),
            level2: l2.map(|l| l.canonical.clone()).unwrap_or_default(),
            name: i.name.clone(),
            value_text: i.value_text.clone(),
            value: i.value.clone(),
            name_span: i.name_span.shift(base),
            actual: i.actual().map(|f| f.value.clone()),
        })
        .collect();
    // Kept for the session in the workspace index: no capacity left over from growing.
    indicators.shrink_to_fit();
    DeclaredProject {
        source: source.clone(),
        kind,
        name: p.name.clone(),
        name_span: p.name_span.shift(base),
        total: p
            .funding
            .as_ref()
            .and_then(|f| f.main.total.as_ref())
            .and_then(|t| t.amount()),
        indicators,
    }
}

/// The header of `text`, read without parsing the projects (to decide which files to pair).
pub fn sniff_header(text: &str) -> Header {
    let mut end = text.len();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start_matches([' ', '\t', '\u{3000}', '\u{FEFF}']);
        if t.starts_with(crate::syntax::PROJECT_KEY) {
            end = at;
            break;
        }
        at += line.len();
    }
    let prefix = &text[..end];
    let tree = crate::syntax::parse(prefix);
    crate::model::build_header(&tree.segments[0], prefix)
}

/// Every declared project, by (单位, 年度); and the self-evaluated ones, for the next year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Declarations {
    by_key: HashMap<(String, i32), Vec<Arc<DeclaredProject>>>,
    evaluated: HashMap<(String, i32), Vec<Arc<DeclaredProject>>>,
}

impl Declarations {
    pub fn new(
        items: impl IntoIterator<Item = ((String, i32), Arc<DeclaredProject>)>,
    ) -> Declarations {
        let mut by_key: HashMap<_, Vec<_>> = HashMap::new();
        let mut evaluated: HashMap<_, Vec<_>> = HashMap::new();
        for (k, p) in items {
            match p.kind {
                FormKind::Target => by_key.entry(k).or_default().push(p),
                FormKind::SelfEval => evaluated.entry(k).or_default().push(p),
            }
        }
        Declarations { by_key, evaluated }
    }
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty() && self.evaluated.is_empty()
    }
    /// The declared projects (申报表) of a key.
    pub fn get(&self, key: &(String, i32)) -> &[Arc<DeclaredProject>] {
        self.by_key.get(key).map(Vec::as_slice).unwrap_or(&[])
    }
    /// The self-evaluated projects (自评表) of a key.
    pub fn evaluated(&self, key: &(String, i32)) -> &[Arc<DeclaredProject>] {
        self.evaluated.get(key).map(Vec::as_slice).unwrap_or(&[])
    }
    /// Whether any project of `doc` has projects to be checked against: a 自评表's declared
    /// ones, a 申报表's of the year before, declared or self-evaluated (`check::history`).
    pub fn concerns(&self, doc: &Document) -> bool {
        let last_year = doc.header.form_kind() == FormKind::Target;
        doc.projects.iter().any(|p| {
            key_of(&doc.header, p).is_some_and(|(u, y)| match last_year {
                true => {
                    let k = (u, y - 1);
                    !self.get(&k).is_empty() || !self.evaluated(&k).is_empty()
                }
                false => !self.get(&(u, y)).is_empty(),
            })
        })
    }
}

/// A name without what renaming or retyping changes: whitespace, brackets, quotes and
/// punctuation, and a year (`2021年`, `2021年度`).
pub fn normalize(name: &str) -> String {
    let kept: Vec<char> = name
        .chars()
        .filter(|c| {
            !c.is_whitespace()
                && !"()（）[]【】《》<>〈〉\"“”'‘’「」『』、，,.。·-—_：:".contains(*c)
        })
        .collect();
    let mut out = String::new();
    let mut i = 0;
    while i < kept.len() {
        let year = i + 4 <= kept.len()
            && kept[i..i + 4].iter().all(|c| c.is_ascii_digit())
            && matches!(kept[i], '1' | '2')
            && (i == 0 || !kept[i - 1].is_ascii_digit())
            && kept.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
        if year {
            i += 4;
            if kept.get(i) == Some(&'年') {
                i += 1;
                if kept.get(i) == Some(&'度') {
                    i += 1;
                }
            }
            continue;
        }
        out.push(kept[i]);
        i += 1;
    }
    out
}

/// Character-bigram Dice coefficient of two normalised names (characters when shorter than 2).
pub fn similarity(a: &str, b: &str) -> f64 {
    fn grams(s: &str) -> Vec<(char, char)> {
        let c: Vec<char> = s.chars().collect();
        if c.len() < 2 {
            return c.iter().map(|&x| (x, x)).collect();
        }
        c.windows(2).map(|w| (w[0], w[1])).collect()
    }
    let (ga, mut gb) = (grams(a), grams(b));
    if ga.is_empty() || gb.is_empty() {
        return 0.0;
    }
    let total = (ga.len() + gb.len()) as f64;
    let mut common = 0;
    for g in &ga {
        if let Some(i) = gb.iter().position(|x| x == g) {
            gb.swap_remove(i);
            common += 1;
        }
    }
    2.0 * common as f64 / total
}

/// Pairs `left` with `right` one to one: equal names first, then equal normalised names, then
/// the most similar name when at least `threshold` and unambiguous (each the other's only best,
/// within the same `group`). Returns, for each left item, the index of its right item.
fn pair<'a>(
    left: &[(&'a str, &'a str)],
    right: &[(&'a str, &'a str)],
    threshold: f64,
) -> Vec<Option<usize>> {
    let mut out = vec![None; left.len()];
    let mut taken = vec![false; right.len()];
    let norm_l: Vec<String> = left.iter().map(|l| normalize(l.0)).collect();
    let norm_r: Vec<String> = right.iter().map(|r| normalize(r.0)).collect();
    // Equal names, then equal normalised names: by lookup, as a 自评表 may have many projects.
    let raw_l: Vec<String> = left.iter().map(|l| l.0.trim().to_string()).collect();
    let raw_r: Vec<String> = right.iter().map(|r| r.0.trim().to_string()).collect();
    for (names_l, names_r) in [(&raw_l, &raw_r), (&norm_l, &norm_r)] {
        let mut free: HashMap<&str, Vec<usize>> = HashMap::new();
        for (j, n) in names_r.iter().enumerate().rev() {
            if !taken[j] && !n.is_empty() {
                free.entry(n.as_str()).or_default().push(j);
            }
        }
        for (i, slot) in out.iter_mut().enumerate() {
            if slot.is_some() {
                continue;
            }
            if let Some(j) = free.get_mut(names_l[i].as_str()).and_then(Vec::pop) {
                *slot = Some(j);
                taken[j] = true;
            }
        }
    }
    // Similar names: each left's best free right in its group, kept when unique and mutual.
    let score = |i: usize, j: usize| {
        if left[i].1 != right[j].1 {
            return 0.0;
        }
        similarity(&norm_l[i], &norm_r[j])
    };
    let best = |i: usize, taken: &[bool]| -> Option<usize> {
        let mut best: Option<(usize, f64)> = None;
        let mut tie = false;
        for j in (0..right.len()).filter(|&j| !taken[j]) {
            let s = score(i, j);
            match best {
                Some((_, b)) if s < b => {}
                Some((_, b)) if s == b => tie = true,
                _ => {
                    best = Some((j, s));
                    tie = false;
                }
            }
        }
        best.filter(|&(_, s)| s >= threshold && !tie).map(|b| b.0)
    };
    let free: Vec<usize> = (0..left.len()).filter(|&i| out[i].is_none()).collect();
    let mut found = Vec::new();
    for &i in &free {
        if let Some(j) = best(i, &taken) {
            // Mutual: no other free left is as close to j.
            let rival = free.iter().any(|&k| k != i && score(k, j) >= score(i, j));
            if !rival {
                found.push((i, j));
            }
        }
    }
    for (i, j) in found {
        out[i] = Some(j);
        taken[j] = true;
    }
    out
}

/// The declared project each project of a 自评表 answers (by index in `doc.projects`).
pub fn match_projects<'d>(
    doc: &Document,
    decls: &'d Declarations,
    threshold: f64,
) -> Vec<Option<&'d Arc<DeclaredProject>>> {
    if doc.header.form_kind() != FormKind::SelfEval {
        return vec![None; doc.projects.len()];
    }
    match_projects_with(doc, |k| decls.get(k), threshold)
}

/// The project of `lookup(key)` each project of `doc` corresponds to (by name, then
/// normalised name, then similarity), `key` being the project's (单位, 年度).
pub fn match_projects_with<'d>(
    doc: &Document,
    lookup: impl Fn(&(String, i32)) -> &'d [Arc<DeclaredProject>],
    threshold: f64,
) -> Vec<Option<&'d Arc<DeclaredProject>>> {
    let mut out = vec![None; doc.projects.len()];
    // Projects of one key are paired together (a file rarely has more than one key).
    let mut keys: Vec<(String, i32)> = Vec::new();
    let mut of_project = Vec::new();
    for p in &doc.projects {
        let k = key_of(&doc.header, p);
        if let Some(k) = &k {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
        of_project.push(k);
    }
    for k in &keys {
        let declared = lookup(k);
        if declared.is_empty() {
            continue;
        }
        let idx: Vec<usize> = (0..doc.projects.len())
            .filter(|&i| of_project[i].as_ref() == Some(k))
            .collect();
        let left: Vec<(&str, &str)> = idx
            .iter()
            .map(|&i| (doc.projects[i].name.as_str(), ""))
            .collect();
        let right: Vec<(&str, &str)> = declared.iter().map(|d| (d.name.as_str(), "")).collect();
        for (n, m) in pair(&left, &right, threshold).into_iter().enumerate() {
            out[idx[n]] = m.map(|j| &declared[j]);
        }
    }
    out
}

/// For each declared indicator, the indicator of `p` that carries it (`(一级, 二级, index)` walk
/// order of [`Project::indicators`]).
pub fn match_indicators(
    declared: &DeclaredProject,
    p: &Project,
    threshold: f64,
) -> Vec<Option<usize>> {
    let own: Vec<(&Level1, Option<&Level2>, &Indicator)> = p.indicators().collect();
    let left: Vec<(&str, &str)> = declared
        .indicators
        .iter()
        .map(|d| (d.name.as_str(), d.level2.as_str()))
        .collect();
    let right: Vec<(&str, &str)> = own
        .iter()
        .map(|(_, l2, i)| {
            (
                i.name.as_str(),
                l2.map(|l| l.canonical.as_str()).unwrap_or(""),
            )
        })
        .collect();
    pair(&left, &right, threshold)
}

/// How a 自评表's 年度指标值 stands to the declared target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Same,
    /// A lower number for ≥ / >, a higher one for ≤ / <: an easier target.
    Eased,
    /// Anything else that differs: another operator, unit or text, or a harder target.
    Changed,
}

pub(crate) fn direction(op: Op) -> i8 {
    match op {
        Op::Ge | Op::Gt => 1,
        Op::Le | Op::Lt => -1,
        Op::Eq => 0,
    }
}

/// Whether two numbers in these units can be compared as they stand. A unit written on one
/// side only is the same unit, unless it scales the number (`%`, `万…`): `≥0.95` may be 95%,
/// `≥120000` may be 12 万.
pub(crate) fn comparable(a: &Option<String>, b: &Option<String>) -> bool {
    let scales = |u: &str| u == "%" || u == "‰" || u.starts_with(['万', '千', '亿']);
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        (Some(u), None) | (None, Some(u)) => !scales(u),
        (None, None) => true,
    }
}

/// Compares a declared target with the value written in the 自评表. `None` when there is
/// nothing to compare (either side empty or unreadable: other rules speak of those).
pub fn compare(
    declared: &IndicatorValue,
    declared_text: &str,
    own: &IndicatorValue,
    own_text: &str,
) -> Option<Verdict> {
    use IndicatorValue::*;
    if matches!(declared, Empty | Malformed) || matches!(own, Empty | Malformed) {
        return None;
    }
    let unit_same = |a: &Option<String>, b: &Option<String>| a.is_none() || b.is_none() || a == b;
    Some(match (declared, own) {
        (
            Quantitative {
                op: o1,
                number: n1,
                unit: u1,
            },
            Quantitative {
                op: o2,
                number: n2,
                unit: u2,
            },
        ) => {
            if !unit_same(u1, u2) {
                Verdict::Changed
            } else if o1 == o2 && n1 == n2 {
                Verdict::Same
            } else if comparable(u1, u2)
                && ((direction(*o1), direction(*o2)) == (1, 1) && n2 < n1
                    || (direction(*o1), direction(*o2)) == (-1, -1) && n2 > n1)
            {
                Verdict::Eased
            } else {
                Verdict::Changed
            }
        }
        (
            BareNumber {
                number: n1,
                unit: u1,
            },
            BareNumber {
                number: n2,
                unit: u2,
            },
        ) => {
            if n1 == n2 && unit_same(u1, u2) {
                Verdict::Same
            } else {
                Verdict::Changed
            }
        }
        _ => {
            let squeeze =
                |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
            if squeeze(declared_text) == squeeze(own_text) {
                Verdict::Same
            } else {
                Verdict::Changed
            }
        }
    })
}

/// The similarity from which a renamed project or indicator is taken for the declared one.
pub fn threshold(settings: &Settings) -> f64 {
    settings.vocab.link.similarity
}

/// The diagnostics of a 自评表 against `decls`: (project index, diagnostic relative to its
/// segment), like `check_duplicates`.
pub fn check(
    doc: &Document,
    decls: &Declarations,
    settings: &Settings,
) -> Vec<(usize, super::Diagnostic)> {
    if decls.is_empty() || doc.header.form_kind() != FormKind::SelfEval {
        return Vec::new();
    }
    let t = threshold(settings);
    let matched = match_projects(doc, decls, t);
    each_project(&doc.projects, matched, settings, |p, m, sink| match m {
        Some(d) => check_project(p, d, t, sink),
        None => {
            let Some(key) = key_of(&doc.header, p) else {
                return;
            };
            if p.name.trim().is_empty() || decls.get(&key).is_empty() {
                return;
            }
            sink.push(
                    "declaration-missing",
                    p.name_span,
                    format!(
                        "{} {} 年的申报表中没有项目「{}」：若项目改过名，请写申报时的名称，以便对照申报的绩效目标",
                        key.0, key.1, p.name
                    ),
                );
        }
    })
}

/// [`check`] with absolute spans; `starts[i]` is the offset of project i.
pub fn check_absolute(
    doc: &Document,
    starts: &[usize],
    decls: &Declarations,
    settings: &Settings,
) -> Vec<super::Diagnostic> {
    absolute(check(doc, decls, settings), starts)
}

/// The cross-file diagnostics of any form, absolute: a 自评表 against its 申报表 ([`check`]), a
/// 申报表 against last year's forms (`check::history`). The one entry point of the CLI and of
/// the server's files that are not open, so both report the same.
pub fn check_linked(
    doc: &Document,
    starts: &[usize],
    decls: &Declarations,
    settings: &Settings,
) -> Vec<super::Diagnostic> {
    match doc.header.form_kind() {
        FormKind::SelfEval => check_absolute(doc, starts, decls, settings),
        FormKind::Target => super::history::check_absolute(doc, starts, decls, settings),
    }
}

/// The keys of the forms `doc` is held against: a 自评表's own (单位, 年度), a 申报表's year
/// before.
pub fn partner_keys(doc: &Document) -> Vec<(String, i32)> {
    let back = i32::from(doc.header.form_kind() == FormKind::Target);
    let mut keys: Vec<(String, i32)> = Vec::new();
    for (u, y) in doc.projects.iter().filter_map(|p| key_of(&doc.header, p)) {
        if !keys.iter().any(|k| k.0 == u && k.1 == y - back) {
            keys.push((u, y - back));
        }
    }
    keys
}

/// Diagnostics relative to their project's segment, made absolute; `starts[i]` is the offset
/// of project i.
pub fn absolute(
    diags: Vec<(usize, super::Diagnostic)>,
    starts: &[usize],
) -> Vec<super::Diagnostic> {
    diags
        .into_iter()
        .map(|(i, mut d)| {
            d.span = d.span.shift(starts[i]);
            d
        })
        .collect()
}

fn check_project(p: &Project, d: &DeclaredProject, threshold: f64, sink: &mut Sink) {
    let own: Vec<&Indicator> = p.indicators().map(|x| x.2).collect();
    for (di, m) in d.indicators.iter().zip(match_indicators(d, p, threshold)) {
        let Some(j) = m else {
            let place = if di.level2.is_empty() {
                di.level1.clone()
            } else {
                format!("{} / {}", di.level1, di.level2)
            };
            sink.push(
                "declared-indicator-dropped",
                p.name_span,
                format!(
                    "申报表中的指标「{}」（{place}，目标 {}）在自评表中没有：请照申报表补上，如实填写实际完成值，未达到的扣分并说明原因",
                    di.name,
                    di.target()
                ),
            );
            continue;
        };
        let ind = own[j];
        let Some(v) = compare(&di.value, &di.value_text, &ind.value, &ind.value_text) else {
            continue;
        };
        let target = di.target();
        // Paired by a similar name only, the two may be different indicators: say that they
        // differ, not that the target was lowered.
        let similar = normalize(&di.name) != normalize(&ind.name);
        let v = if similar && v == Verdict::Eased {
            Verdict::Changed
        } else {
            v
        };
        let name = if similar {
            format!("「{}」（对应申报的「{}」）", ind.name, di.name)
        } else {
            format!("「{}」", ind.name)
        };
        match v {
            Verdict::Same => {}
            Verdict::Eased => {
                let upper = matches!(
                    ind.value,
                    IndicatorValue::Quantitative { op, .. } if op.is_upper_bound()
                );
                let how = if upper {
                    "放宽了申报的上限"
                } else {
                    "低于申报的目标"
                };
                sink.push(
                    "declared-target-lowered",
                    ind.value_span,
                    format!(
                        "{name}的年度指标值 {} {how} {target}：自评应对照申报的目标评价，请改为「{target}」",
                        ind.value_text
                    ),
                );
            }
            Verdict::Changed => sink.push(
                "declared-target-changed",
                ind.value_span,
                format!(
                    "{name}的年度指标值「{}」与申报的目标「{target}」不同：自评应对照申报的目标，请改为「{target}」",
                    ind.value_text
                ),
            ),
        }
    }
    check_budget(p, d, sink);
}

fn check_budget(p: &Project, d: &DeclaredProject, sink: &mut Sink) {
    let Some(declared) = d.total else { return };
    let Some(cell) = p
        .funding
        .as_ref()
        .and_then(|f| f.column(ColumnKind::Initial))
        .and_then(|c| c.parts.total.as_ref())
    else {
        return;
    };
    let Some(own) = cell.amount() else { return };
    if own != declared {
        sink.push(
            "declared-budget",
            cell.value_span,
            format!(
                "年初预算数 {} 与申报表中的年度资金申请总额 {} 不同：请核对，填写批复的年初预算数（未调整时即申报的 {}）",
                format_money(own),
                format_money(declared),
                format_money(declared)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::value::parse_indicator_value;

    fn cmp(a: &str, b: &str) -> Option<Verdict> {
        compare(&parse_indicator_value(a), a, &parse_indicator_value(b), b)
    }

    #[test]
    fn direction_aware() {
        assert_eq!(cmp("≥1000.00(人次)", "≥1000"), Some(Verdict::Same));
        assert_eq!(cmp("≥1000.00(人次)", "≥900(人次)"), Some(Verdict::Eased));
        assert_eq!(cmp("≥1000.00(人次)", "≥1200(人次)"), Some(Verdict::Changed));
        assert_eq!(cmp(">95.00(%)", "≥90%"), Some(Verdict::Eased));
        assert_eq!(cmp("≤172.42(万元)", "≤180(万元)"), Some(Verdict::Eased));
        assert_eq!(cmp("≤172.42(万元)", "≤150(万元)"), Some(Verdict::Changed));
        assert_eq!(cmp("=4.00", "=1"), Some(Verdict::Changed));
        assert_eq!(cmp("≥12.00(万)", "≥120000(人)"), Some(Verdict::Changed));
        assert_eq!(cmp("及时", "及时"), Some(Verdict::Same));
        assert_eq!(cmp("及时", "基本及时"), Some(Verdict::Changed));
        assert_eq!(cmp("≥90%", ""), None);
        // A unit on one side only: the same unit, unless it scales the number.
        assert_eq!(cmp("≥1000.00(人次)", "≥900"), Some(Verdict::Eased));
        assert_eq!(cmp("≥95.00(%)", "≥0.95"), Some(Verdict::Changed));
        assert_eq!(cmp("≥120000", "≥12(万人)"), Some(Verdict::Changed));
    }

    #[test]
    fn names() {
        assert_eq!(normalize("2021年度 宣传与推广（专项）"), "宣传与推广专项");
        assert_eq!(normalize("补助资金数量(万元)"), "补助资金数量万元");
        assert!(similarity("医保培训人次", "医保培训人数") >= 0.6);
        assert!(similarity("补助对象资格符合率", "补助对象资质符合率") >= 0.6);
        assert!(similarity("医保培训人次", "设备检验合格率") < 0.2);
    }

    #[test]
    fn pairing_is_one_to_one_and_unambiguous() {
        let left = [("宣传与推广", ""), ("医保培训人次", ""), ("甲乙丙丁", "")];
        let right = [
            ("医保培训人数", ""),
            ("宣传与推广", ""),
            ("甲乙丙戊", ""),
            ("甲乙丙己", ""),
        ];
        // 甲乙丙丁 is as close to 甲乙丙戊 as to 甲乙丙己: left alone.
        assert_eq!(pair(&left, &right, 0.6), [Some(1), Some(0), None]);
        // Not across groups.
        assert_eq!(
            pair(&[("医保培训人次", "a")], &[("医保培训人数", "b")], 0.6),
            [None]
        );
    }
}

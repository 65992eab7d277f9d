//! Copy-paste across the projects of a file: copied-project (the same goal and the same
//! indicators under another name), copied-goal (the goal, or one of its sentences, taken from
//! another project), copied-cost (the same set of cost caps).
//!
//! Each project is reduced to a small [`Fingerprint`] of hashes; the file is joined on them
//! through a [`CopyIndex`], never by comparing texts pair by pair. The server keeps the index
//! and, after an edit, redoes only the projects whose groups changed.

use super::funding::cost_cap;
use super::goal::{sentences, CharHash};
use super::values::is_cost;
use super::{Diagnostic, Settings, Sink};
use crate::model::value::format_money;
use crate::model::vocab::Vocab;
use crate::model::*;
use crate::syntax::Span;
use rust_decimal::Decimal;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fingerprint {
    /// The whole goal, reduced to letters and digits.
    goal: Option<u64>,
    goal_span: Span,
    /// Its sentences long enough to be more than boilerplate: hash, span, characters.
    sentences: Vec<(u64, Span, u32)>,
    /// Characters of the whole goal (letters and digits).
    goal_chars: u32,
    /// The goal and the multiset of (indicator name, value).
    project: Option<u64>,
    /// The multiset of cost caps (name, 元), when they are not trivial; the first cap's span
    /// and their sum.
    cost: Option<(u64, Span, Decimal)>,
}

const GOAL_KEY: u8 = 1;
const SENTENCE_KEY: u8 = 2;
const PROJECT_KEY: u8 = 3;
const COST_KEY: u8 = 4;

fn hash(x: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    x.hash(&mut h);
    h.finish()
}

pub fn fingerprint(p: &Project, vocab: &Vocab) -> Fingerprint {
    let th = &vocab.thresholds;
    let mut fp = Fingerprint::default();
    if let Some(t) = p.text(GOAL) {
        let mut whole = CharHash::default();
        let mut chars = 0u32;
        for (line, span) in &t.lines {
            for st in sentences(line, &mut whole) {
                chars += st.chars;
                if st.chars as usize >= th.copied_sentence_min_chars {
                    let h = hash((SENTENCE_KEY, st.hash, st.chars));
                    if fp.sentences.iter().all(|s| s.0 != h) {
                        let at = Span::new(
                            span.start as usize + st.range.start,
                            span.start as usize + st.range.end,
                        );
                        fp.sentences.push((h, at, st.chars));
                    }
                }
            }
        }
        fp.goal_chars = chars;
        if chars as usize >= th.copied_sentence_min_chars {
            fp.goal = Some(hash((GOAL_KEY, whole.finish(), chars)));
            fp.goal_span = t.key_span;
        }
    }
    // Multisets: a sum of hashes does not depend on the order.
    let mut indicators = 0u64;
    let mut n = 0;
    let mut caps = 0u64;
    let mut cap_sum = Decimal::ZERO;
    let mut cap_span = None;
    for (l1, l2, ind) in p.indicators() {
        indicators = indicators.wrapping_add(hash((ind.name.trim(), ind.value_text.trim())));
        n += 1;
        if is_cost(l1, l2) {
            if let Some((v, _)) = cost_cap(ind, vocab) {
                // With its name: two projects may well cap different costs at the same
                // round sum; the same costs at the same sums is a copy.
                caps = caps.wrapping_add(hash((ind.name.trim(), v.normalize())));
                cap_sum += v;
                cap_span.get_or_insert(ind.value_span);
            }
        }
    }
    if let (Some(g), true) = (fp.goal, n > 0) {
        fp.project = Some(hash((PROJECT_KEY, g, indicators)));
    }
    if let Some(at) = cap_span {
        if cap_sum >= Decimal::from(th.copied_cost_min_yuan) {
            fp.cost = Some((hash((COST_KEY, caps)), at, cap_sum));
        }
    }
    fp
}

impl Fingerprint {
    fn keys(&self) -> impl Iterator<Item = u64> + '_ {
        self.goal
            .into_iter()
            .chain(self.sentences.iter().map(|s| s.0))
            .chain(self.project)
            .chain(self.cost.map(|c| c.0))
    }
}

/// The projects that have one hash, in file order. Most hashes belong to one project only:
/// that one is kept in place, without a block of its own (a document keeps thousands).
#[derive(Debug, Clone)]
enum Members {
    One(u32),
    Many(Vec<u32>),
}

impl Default for Members {
    fn default() -> Members {
        Members::Many(Vec::new())
    }
}

impl std::ops::Deref for Members {
    type Target = [u32];
    fn deref(&self) -> &[u32] {
        match self {
            Members::One(j) => std::slice::from_ref(j),
            Members::Many(v) => v,
        }
    }
}

impl Members {
    fn insert(&mut self, at: usize, j: u32) {
        let mut v = match std::mem::take(self) {
            Members::One(k) => vec![k],
            Members::Many(v) => v,
        };
        v.insert(at, j);
        *self = Members::from(v);
    }

    fn push(&mut self, j: u32) {
        let at = self.len();
        self.insert(at, j);
    }

    fn retain(&mut self, keep: impl Fn(&u32) -> bool) {
        let mut v = match std::mem::take(self) {
            Members::One(k) => vec![k],
            Members::Many(v) => v,
        };
        v.retain(keep);
        *self = Members::from(v);
    }
}

impl From<Vec<u32>> for Members {
    fn from(v: Vec<u32>) -> Members {
        match v[..] {
            [j] => Members::One(j),
            _ => Members::Many(v),
        }
    }
}

/// Every project's fingerprint, and which projects share each hash.
#[derive(Debug, Clone, Default)]
pub struct CopyIndex {
    fps: Vec<Fingerprint>,
    /// Hash → the projects that have it, in file order.
    groups: HashMap<u64, Members>,
}

impl CopyIndex {
    pub fn new(projects: &[Arc<Project>], settings: &Settings) -> CopyIndex {
        CopyIndex::of(
            projects
                .iter()
                .map(|p| fingerprint(p, &settings.vocab))
                .collect(),
        )
    }

    /// The index of these fingerprints, one per project in file order.
    pub fn of(fps: Vec<Fingerprint>) -> CopyIndex {
        let mut ix = CopyIndex {
            fps,
            groups: HashMap::new(),
        };
        for (i, fp) in ix.fps.iter().enumerate() {
            for k in fp.keys() {
                ix.groups.entry(k).or_default().push(i as u32);
            }
        }
        ix
    }

    pub fn len(&self) -> usize {
        self.fps.len()
    }

    /// Projects `range` replaced by projects with the fingerprints `new` (their number
    /// changed: every group is joined again).
    pub fn splice(&mut self, range: std::ops::Range<usize>, new: Vec<Fingerprint>) {
        let mut fps = std::mem::take(&mut self.fps);
        fps.splice(range, new);
        *self = CopyIndex::of(fps);
    }

    pub fn is_empty(&self) -> bool {
        self.fps.is_empty()
    }

    /// Project `i` now has `fp` (same number of projects). Returns the projects whose
    /// diagnostics may have changed: `i`, and the members of every group it left or joined
    /// (of all its groups when its name changed, as their messages name it).
    pub fn replace(&mut self, i: usize, fp: Fingerprint, name_changed: bool) -> Vec<usize> {
        let old = std::mem::replace(&mut self.fps[i], fp);
        let new_keys: Vec<u64> = self.fps[i].keys().collect();
        let old_keys: Vec<u64> = old.keys().collect();
        let mut affected = vec![i];
        for k in &old_keys {
            if new_keys.contains(k) && !name_changed {
                continue;
            }
            if let Some(g) = self.groups.get_mut(k) {
                if !new_keys.contains(k) {
                    g.retain(|&j| j as usize != i);
                }
                affected.extend(g.iter().map(|&j| j as usize));
                if g.is_empty() {
                    self.groups.remove(k);
                }
            }
        }
        for k in &new_keys {
            let joined = !old_keys.contains(k);
            if !joined && !name_changed {
                continue;
            }
            let g = self.groups.entry(*k).or_default();
            if joined {
                let at = g.partition_point(|&j| (j as usize) < i);
                g.insert(at, i as u32);
            }
            affected.extend(g.iter().map(|&j| j as usize));
        }
        affected.sort_unstable();
        affected.dedup();
        affected
    }

    /// Whether project `i` shares a hash with an earlier project: only then can it have
    /// copy-paste diagnostics, so a caller that keeps no models builds only these.
    pub fn may_report(&self, i: usize) -> bool {
        self.fps[i].keys().any(|k| {
            self.groups
                .get(&k)
                .is_some_and(|g| g.first().is_some_and(|&j| (j as usize) < i))
        })
    }

    /// The copy-paste diagnostics of project `i` (`p`), relative to its segment; `name(j)` is
    /// the name of project `j`.
    pub fn diagnostics<'n>(
        &self,
        i: usize,
        p: &Project,
        name: impl Fn(usize) -> &'n str,
        settings: &Settings,
    ) -> Vec<Diagnostic> {
        if !self.may_report(i) {
            return Vec::new();
        }
        let fp = &self.fps[i];
        let mut sink = Sink {
            settings,
            out: Vec::new(),
            project: Some(p.name.clone()),
        };
        // The first project before `i` with that hash and another name.
        let earlier = |k: u64| {
            self.groups.get(&k).and_then(|g| {
                g.iter()
                    .map(|&j| j as usize)
                    .take_while(|&j| j < i)
                    .find(|&j| name(j) != p.name)
            })
        };
        let other = |j: usize| format!("「{}」（第 {} 个项目）", name(j), j + 1);
        let at = if p.name_span.is_empty() {
            p.key_span
        } else {
            p.name_span
        };
        if let Some(j) = fp.project.and_then(earlier) {
            sink.push(
                "copied-project",
                at,
                format!(
                    "项目「{}」的年度总体目标和全部指标与项目{}完全相同，只是名称不同：像是复制后没有改写，请按本项目的内容填写目标和指标",
                    p.name,
                    other(j)
                ),
            );
            return sink.out;
        }
        if let Some(j) = fp.goal.and_then(earlier) {
            sink.push(
                "copied-goal",
                fp.goal_span,
                format!(
                    "「年度总体目标」与项目{}的完全相同：每个项目的目标应写它自己的产出和效果，请改写",
                    other(j)
                ),
            );
        } else {
            // Sentences shared with one earlier project, if they make up at least half of
            // this goal: a formula or two in a longer goal is the unit's style, not a copy.
            let max = settings.vocab.thresholds.copied_sentence_max_projects;
            let mut cover: Vec<(usize, u32, Span)> = Vec::new();
            for (h, span, chars) in &fp.sentences {
                let Some(j) = earlier(*h) else { continue };
                // Distinct names, up to one past the limit: a formula's group may be large.
                let mut names: Vec<&str> = Vec::with_capacity(max + 1);
                for &k in self.groups[h].iter() {
                    let n = name(k as usize);
                    if !names.contains(&n) {
                        names.push(n);
                        if names.len() > max {
                            break;
                        }
                    }
                }
                if names.len() > max {
                    continue;
                }
                match cover.iter_mut().find(|c| c.0 == j) {
                    Some(c) => c.1 += chars,
                    None => cover.push((j, *chars, *span)),
                }
            }
            if let Some(&(j, chars, span)) = cover.iter().max_by_key(|c| (c.1, usize::MAX - c.0)) {
                if chars * 2 >= fp.goal_chars {
                    sink.push(
                        "copied-goal",
                        span,
                        format!(
                            "「年度总体目标」的大部分与项目{}的目标相同，如「{}」：请写本项目自己的内容",
                            other(j),
                            quote(p, span)
                        ),
                    );
                }
            }
        }
        if let Some((h, span, sum)) = fp.cost {
            if let Some(j) = earlier(h) {
                sink.push(
                    "copied-cost",
                    span,
                    format!(
                        "成本指标（合计 {} 元）与项目{}的完全相同：成本应按本项目的内容测算",
                        format_money(sum),
                        other(j)
                    ),
                );
            }
        }
        sink.out
    }
}

/// The goal's words at `span`, cut after 30 characters.
fn quote(p: &Project, span: Span) -> String {
    let text = p
        .text(GOAL)
        .and_then(|t| {
            t.lines.iter().find_map(|(line, at)| {
                (at.start <= span.start && span.end <= at.end).then(|| {
                    let from = (span.start - at.start) as usize;
                    line.get(from..from + span.len()).unwrap_or("")
                })
            })
        })
        .unwrap_or("")
        .trim();
    match text.char_indices().nth(30) {
        Some((k, _)) => format!("{}…", &text[..k]),
        None => text.to_string(),
    }
}

/// Every project's copy-paste diagnostics, as (project index, diagnostic relative to its
/// segment).
pub fn copied(projects: &[Arc<Project>], settings: &Settings) -> Vec<(usize, Diagnostic)> {
    let ix = CopyIndex::new(projects, settings);
    (0..projects.len())
        .flat_map(|i| {
            ix.diagnostics(i, &projects[i], |j| projects[j].name.as_str(), settings)
                .into_iter()
                .map(move |d| (i, d))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::build;
    use crate::model::vocab::Vocab;
    use crate::syntax::parse;

    fn diags(ix: &CopyIndex, i: usize, ps: &[Arc<Project>], s: &Settings) -> Vec<Diagnostic> {
        ix.diagnostics(i, &ps[i], |j| ps[j].name.as_str(), s)
    }

    fn projects(text: &str) -> Vec<Arc<Project>> {
        build(&parse(text), text, Vocab::builtin()).projects
    }

    fn file(goals: &[(&str, &str)]) -> String {
        let mut t = String::from("表: 绩效目标申报表\n年度: 2025\n");
        for (name, goal) in goals {
            t.push_str(&format!(
                "\n项目: {name}\n  年度总体目标:\n    > {goal}\n  成本指标:\n    经济成本指标:\n      系统建设费: ≤90.24(万元)\n"
            ));
        }
        t
    }

    /// After replacing one project, the index gives what a fresh one gives, for every project.
    #[test]
    fn replace_matches_a_fresh_index() {
        let s = Settings::default();
        let g = "综合救助项目遵从保险在前、救助在后的操作流程，对于确需综合救助的对象做到应救助、尽救助。";
        let before = projects(&file(&[("甲", g), ("乙", g), ("丙", g)]));
        let after = projects(&file(&[
            ("甲", g),
            ("乙", "乙项目自己的目标，写它自己的产出和效果。"),
            ("丙", g),
        ]));
        let mut ix = CopyIndex::new(&before, &s);
        let affected = ix.replace(1, fingerprint(&after[1], &s.vocab), false);
        let fresh = CopyIndex::new(&after, &s);
        for i in 0..after.len() {
            let want = diags(&fresh, i, &after, &s);
            if !affected.contains(&i) {
                assert_eq!(want, diags(&CopyIndex::new(&before, &s), i, &before, &s));
            }
            assert_eq!(diags(&ix, i, &after, &s), want, "project {i}");
        }
        let rules: Vec<&str> = diags(&fresh, 2, &after, &s)
            .iter()
            .map(|d| d.rule)
            .collect();
        // 丙 has 甲's goal and indicators: the whole project is a copy.
        assert_eq!(rules, ["copied-project"]);
        assert!(diags(&fresh, 1, &after, &s)
            .iter()
            .all(|d| d.rule == "copied-cost"));
    }
}

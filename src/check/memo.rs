//! What the per-indicator checks found in a project, kept so that the next check of the same
//! project (the server re-checks a project on every keystroke) replays the findings of every
//! indicator that did not change instead of re-checking it. Typing in the goal then re-checks
//! no indicator at all; typing in one indicator re-checks that one.
//!
//! A finding is replayed only when everything its check reads is the same: the indicator's
//! name, value and the layout of its line, its 一级 and 二级, and the very same header and
//! settings (the same `Arc`s, so a settings or header change drops every memo). Its span moves
//! with the indicator's line.

use super::goal::GoalMemo;
use super::{Diagnostic, Severity, Sink};
use crate::model::{Header, Indicator, Level1, Level2, Project};
use crate::syntax::Span;
use std::sync::Arc;

/// The per-indicator passes of [`super::check_project`], in the order they run.
#[derive(Clone, Copy)]
pub enum Pass {
    Values,
    Kind,
    Names,
}

const PASSES: usize = 3;

/// One indicator as the checks see it.
pub type Item<'a> = (&'a Level1, Option<&'a Level2>, &'a Indicator);

/// A finding, its span relative to the start of its indicator's name.
#[derive(Debug, Clone)]
struct Found {
    rule: &'static str,
    severity: Severity,
    start: u32,
    end: u32,
    message: String,
}

/// The findings of the per-indicator passes of one check of a project.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    /// Per pass: where the findings of each indicator (in [`Project::indicators`] order) start
    /// in `found`, and where the last one's end. Empty when nothing was found.
    bounds: [Vec<u32>; PASSES],
    found: Vec<Found>,
    /// What goal-mismatch kept.
    goal: GoalMemo,
    /// A finding lay outside its indicator's line: its span would not follow the line, so
    /// nothing of this check is replayed.
    unmovable: bool,
}

impl Findings {
    pub fn goal(&self) -> &GoalMemo {
        &self.goal
    }

    fn of(&self, pass: Pass, j: usize) -> &[Found] {
        match self.bounds[pass as usize].get(j..j + 2) {
            Some(&[start, end]) => &self.found[start as usize..end as usize],
            _ => &[],
        }
    }
}

/// A project's last check: what it checked and what its indicators' passes found.
#[derive(Debug, Clone)]
pub struct Memo {
    project: Arc<Project>,
    header: Arc<Header>,
    settings: Arc<super::Settings>,
    findings: Findings,
}

impl Memo {
    pub fn new(
        project: Arc<Project>,
        header: Arc<Header>,
        settings: Arc<super::Settings>,
        findings: Findings,
    ) -> Memo {
        Memo {
            project,
            header,
            settings,
            findings,
        }
    }

    /// Its project and findings, if it was made with this header and these settings.
    pub fn valid_for(
        &self,
        header: &Arc<Header>,
        settings: &Arc<super::Settings>,
    ) -> Option<(&Project, &Findings)> {
        (Arc::ptr_eq(&self.header, header)
            && Arc::ptr_eq(&self.settings, settings)
            && !self.findings.unmovable)
            .then_some((&*self.project, &self.findings))
    }
}

/// Whether every per-indicator check reads the same of `a` and `b`. Spans may differ by a
/// shift of the whole line, not within it.
fn same(a: &Item, b: &Item) -> bool {
    let (al1, al2, ai) = a;
    let (bl1, bl2, bi) = b;
    let layout = |i: &Indicator| {
        (
            i.name_span.end - i.name_span.start,
            i.value_span.start.wrapping_sub(i.name_span.start),
            i.value_span.end.wrapping_sub(i.name_span.start),
        )
    };
    ai.name == bi.name
        && ai.value_text == bi.value_text
        && ai.value == bi.value
        && layout(ai) == layout(bi)
        && al1.name == bl1.name
        && al1.canonical == bl1.canonical
        && match (al2, bl2) {
            (None, None) => true,
            (Some(x), Some(y)) => x.name == y.name && x.canonical == y.canonical,
            _ => false,
        }
}

/// Which old item each new one is: the items equal before and after the run that an edit
/// inserted, deleted or changed. `same(new, old)` compares two items.
pub fn align(new: usize, old: usize, same: impl Fn(usize, usize) -> bool) -> Vec<Option<u32>> {
    let mut map = vec![None; new];
    let n = new.min(old);
    let head = (0..n).take_while(|&j| same(j, j)).count();
    let tail = (0..n - head)
        .take_while(|&k| same(new - 1 - k, old - 1 - k))
        .count();
    for (j, m) in map.iter_mut().enumerate().take(head) {
        *m = Some(j as u32);
    }
    for k in 0..tail {
        map[new - 1 - k] = Some((old - 1 - k) as u32);
    }
    map
}

/// One check of a project: which old indicator each new one is, and the findings recorded.
pub struct Run<'a> {
    /// The last check's findings and its number of indicators.
    old: Option<(&'a Findings, usize)>,
    /// New indicator → the old one it equals, if any.
    map: Vec<Option<u32>>,
    new: Findings,
}

impl<'a> Run<'a> {
    /// `prev`: the project as last checked and what was found then.
    pub fn new(items: &[Item], prev: Option<(&'a Project, &'a Findings)>) -> Run<'a> {
        let mut map = vec![None; items.len()];
        let old = prev.map(|(p, f)| {
            let old: Vec<Item> = p.indicators().collect();
            map = align(items.len(), old.len(), |j, o| same(&items[j], &old[o]));
            (f, old.len())
        });
        Run {
            old,
            map,
            new: Findings::default(),
        }
    }

    /// Whether every indicator is one of the last check, in the same order.
    pub fn unchanged(&self) -> bool {
        self.old
            .is_some_and(|(_, n)| n == self.map.len() && self.map.iter().all(Option::is_some))
    }

    /// Runs `pass` on indicator `j` (`ind`), or replays what it found last time.
    pub fn pass(
        &mut self,
        pass: Pass,
        j: usize,
        ind: &Indicator,
        sink: &mut Sink,
        check: impl FnOnce(&mut Sink),
    ) {
        let base = ind.name_span.start;
        let from = sink.out.len();
        let bounds = &mut self.new.bounds[pass as usize];
        if j == 0 {
            bounds.clear();
            bounds.push(self.new.found.len() as u32);
        }
        debug_assert_eq!(bounds.len(), j + 1, "indicators are passed in order");
        match (&self.old, self.map[j]) {
            (Some((f, _)), Some(o)) => {
                for x in f.of(pass, o as usize) {
                    sink.out.push(Diagnostic {
                        rule: x.rule,
                        severity: x.severity,
                        span: Span {
                            start: base + x.start,
                            end: base + x.end,
                        },
                        message: x.message.clone(),
                        project: sink.project.clone(),
                    });
                }
            }
            _ => check(sink),
        }
        let line = base..=ind.value_span.end.max(ind.name_span.end);
        for d in &sink.out[from..] {
            if !(line.contains(&d.span.start) && line.contains(&d.span.end)) {
                self.new.unmovable = true;
            }
            self.new.found.push(Found {
                rule: d.rule,
                severity: d.severity,
                start: d.span.start.wrapping_sub(base),
                end: d.span.end.wrapping_sub(base),
                message: d.message.clone(),
            });
        }
        self.new.bounds[pass as usize].push(self.new.found.len() as u32);
    }

    pub fn finish(mut self, goal: GoalMemo) -> Findings {
        self.new.goal = goal;
        if self.new.found.is_empty() {
            self.new.bounds = Default::default();
        }
        self.new
    }
}

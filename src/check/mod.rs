//! Checks: the model → diagnostics with stable rule ids (DESIGN §5, docs/RULES.md).
//! `check_document` is the one function behind `jixiao check` and the server's diagnostics.

mod achieved;
pub(crate) mod completeness;
pub mod copypaste;
mod dates;
mod deadline;
pub mod declaration;
mod funding;
pub(crate) mod goal;
mod goal_measure;
pub mod history;
mod kind;
pub mod memo;
mod multiyear;
mod names;
mod per_project;
pub mod roots;
mod rules;
pub mod scoring;
mod selfeval;
pub mod settings;
mod structure;
mod taxonomy;
mod values;
mod weight_split;

pub use funding::cost_caps as funding_cost_caps;
pub use kind::turned;
pub use rules::{rule, Rule, RULES};
pub use selfeval::{execution, execution_rate, execution_score};
pub use settings::{Settings, SettingsError};
pub use taxonomy::is_satisfaction_name;
pub use values::needs_quantity;

use crate::model::vocab::Profile;
use crate::model::{self, Document, FormKind, Header, Project};
use crate::syntax::Span;
use memo::{Findings, Memo, Pass};
use std::sync::Arc;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
    pub fn chinese(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    /// Byte range: relative to the segment from `check_project`, absolute from `check_document`.
    pub span: Span,
    pub message: String,
    /// The project the diagnostic belongs to, if any.
    pub project: Option<String>,
}

/// What every check may consult.
pub struct Context<'a> {
    pub header: &'a Header,
    pub profile: &'a Profile,
    pub settings: &'a Settings,
}

impl Context<'_> {
    pub fn kind(&self) -> FormKind {
        self.header.form_kind()
    }
}

/// Collects findings; severity comes from the rule table and the settings, and disabled rules
/// are dropped here, in one place.
pub struct Sink<'a> {
    settings: &'a Settings,
    out: Vec<Diagnostic>,
    project: Option<String>,
}

impl Sink<'_> {
    pub fn push(&mut self, rule_id: &'static str, span: Span, message: impl Into<String>) {
        let Some(severity) = self.settings.severity(rule_id) else {
            return;
        };
        self.out.push(Diagnostic {
            rule: rule_id,
            severity,
            span,
            message: message.into(),
            project: self.project.clone(),
        });
    }
}

/// The profile in force: the settings' override, else the header's 指标体系, else by 年度.
pub fn active_profile<'a>(header: &Header, settings: &'a Settings) -> &'a Profile {
    let vocab = &settings.vocab;
    settings
        .profile
        .as_deref()
        .and_then(|id| vocab.profile(id))
        .or_else(|| {
            header
                .profile
                .as_ref()
                .and_then(|f| vocab.profile(&f.value))
        })
        .unwrap_or_else(|| vocab.profile_for_year(header.year()))
}

/// `s.ends_with(e)`, the last byte compared first: the checks test each indicator name against
/// every word of a vocabulary list.
fn ends_with(s: &str, e: &str) -> bool {
    (e.is_empty() || s.as_bytes().last() == e.as_bytes().last()) && s.ends_with(e)
}

/// `s.contains(w)` without building a searcher: names and words are short.
fn has(s: &str, w: &str) -> bool {
    let (s, w) = (s.as_bytes(), w.as_bytes());
    let Some(&first) = w.first() else {
        return true;
    };
    s.len() >= w.len() && (0..=s.len() - w.len()).any(|i| s[i] == first && s[i..].starts_with(w))
}

/// Diagnostics of one project, spans relative to its segment. Depends only on the project, the
/// header and the settings, so the server caches it per segment.
pub fn check_project(project: &Project, header: &Header, settings: &Settings) -> Vec<Diagnostic> {
    check_with(project, header, settings, None).0
}

/// [`check_project`] for the server: replays what `prev` (the project's last check) found for
/// the indicators that did not change, and returns what this check found for the next one.
pub fn check_project_memo(
    project: &Arc<Project>,
    header: &Arc<Header>,
    settings: &Arc<Settings>,
    prev: Option<&Memo>,
) -> (Vec<Diagnostic>, Memo) {
    let prev = prev.and_then(|m| m.valid_for(header, settings));
    let (out, found) = check_with(project, header, settings, prev);
    let memo = Memo::new(project.clone(), header.clone(), settings.clone(), found);
    (out, memo)
}

fn check_with(
    project: &Project,
    header: &Header,
    settings: &Settings,
    prev: Option<(&Project, &Findings)>,
) -> (Vec<Diagnostic>, Findings) {
    let profile = active_profile(header, settings);
    let cx = Context {
        header,
        profile,
        settings,
    };
    let mut sink = Sink {
        settings,
        out: Vec::new(),
        project: Some(project.name.clone()),
    };
    for issue in &project.issues {
        sink.push(issue.rule, issue.span, issue.message.clone());
    }
    structure::check(project, &cx, &mut sink);
    taxonomy::check(project, &cx, &mut sink);
    let items: Vec<memo::Item> = project.indicators().collect();
    let mut run = memo::Run::new(&items, prev);
    values::check(project, &mut sink);
    for (j, &(l1, l2, ind)) in items.iter().enumerate() {
        run.pass(Pass::Values, j, ind, &mut sink, |s| {
            values::check_indicator(l1, l2, ind, &cx, s)
        });
    }
    for (j, &(l1, l2, ind)) in items.iter().enumerate() {
        run.pass(Pass::Kind, j, ind, &mut sink, |s| {
            kind::check_indicator(l1, l2, ind, &cx, s)
        });
    }
    kind::check_cost_blocks(project, &cx, &mut sink);
    for (j, &(_, _, ind)) in items.iter().enumerate() {
        run.pass(Pass::Names, j, ind, &mut sink, |s| {
            names::check_indicator(ind, &cx, s)
        });
    }
    funding::check(project, &cx, &mut sink);
    dates::check(project, &cx, &mut sink);
    multiyear::check(project, &cx, &mut sink);
    completeness::check(project, &cx, &mut sink);
    // The goal's lines are flagged as last time if no indicator changed.
    let last_goal = prev
        .filter(|_| run.unchanged())
        .and_then(|(p, f)| Some((p.text(model::GOAL)?, f.goal())));
    let mut goal_memo = goal::GoalMemo::default();
    goal::check(project, &cx, &mut sink, last_goal, &mut goal_memo);
    // The name pairs are kept only for a project being edited: the memory of the others.
    if prev.is_none() {
        goal_memo.forget_pairs();
    }
    goal_measure::check(project, &cx, &mut sink);
    if cx.kind() == FormKind::SelfEval {
        selfeval::check(project, &cx, &mut sink);
        weight_split::check(project, &cx, &mut sink);
        achieved::check(project, &mut sink);
    }
    sink.out.sort_by_key(|d| (d.span.start, d.span.end, d.rule));
    (sink.out, run.finish(goal_memo))
}

/// Diagnostics of the header segment (it starts at 0, so its spans are absolute).
pub fn check_header(header: &Header, settings: &Settings) -> Vec<Diagnostic> {
    let mut sink = Sink {
        settings,
        out: Vec::new(),
        project: None,
    };
    for issue in &header.issues {
        sink.push(issue.rule, issue.span, issue.message.clone());
    }
    structure::check_header(header, settings, &mut sink);
    sink.out
}

/// duplicate-project, per project: (project index, diagnostic relative to its segment).
pub fn check_duplicates(keys: &[DupKey], settings: &Settings) -> Vec<(usize, Diagnostic)> {
    let mut out = Vec::new();
    for (i, span, message) in structure::duplicate_projects(keys) {
        let mut sink = Sink {
            settings,
            out: Vec::new(),
            project: Some(keys[i].name.to_string()),
        };
        sink.push("duplicate-project", span, message);
        out.extend(sink.out.into_iter().map(|d| (i, d)));
    }
    out
}

pub use structure::{duplicate_key, DupKey};

pub fn dup_keys(projects: &[Arc<Project>]) -> Vec<DupKey> {
    projects.iter().map(|p| duplicate_key(p)).collect()
}

/// Diagnostics of the header and of the file as a whole (absolute spans).
/// `project_starts[i]` is the offset of project i.
pub fn check_file(
    doc: &Document,
    project_starts: &[usize],
    settings: &Settings,
) -> Vec<Diagnostic> {
    let mut out = check_header(&doc.header, settings);
    out.extend(
        check_duplicates(&dup_keys(&doc.projects), settings)
            .into_iter()
            .chain(copypaste::copied(&doc.projects, settings))
            .map(|(i, mut d)| {
                d.span = d.span.shift(project_starts[i]);
                d
            }),
    );
    out
}

/// Every diagnostic of a document, spans absolute, in source order.
pub fn check_document(
    doc: &Document,
    project_starts: &[usize],
    settings: &Settings,
) -> Vec<Diagnostic> {
    let mut projects = Vec::new();
    for (p, &base) in doc.projects.iter().zip(project_starts) {
        projects.extend(check_project_at(p, &doc.header, base, settings));
    }
    with_file_checks(doc, project_starts, settings, projects)
}

/// [`check_project`] with absolute spans, for a project whose segment starts at `base`.
pub fn check_project_at(
    project: &Project,
    header: &Header,
    base: usize,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let mut out = check_project(project, header, settings);
    for d in &mut out {
        d.span = d.span.shift(base);
    }
    out
}

/// The diagnostics of [`check_document`], given those of every project from
/// [`check_project_at`] in order: the file's added, all in source order.
pub fn with_file_checks(
    doc: &Document,
    project_starts: &[usize],
    settings: &Settings,
    projects: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let mut out = check_file(doc, project_starts, settings);
    out.extend(projects);
    out.sort_by_key(|d| (d.span.start, d.span.end, d.rule));
    out
}

#[cfg(test)]
mod tests {
    use super::{ends_with, has};

    #[test]
    fn has_and_ends_with_are_the_str_methods() {
        let words = [
            "",
            "及",
            "及时",
            "时率",
            "率",
            "及时率和准确率",
            "a",
            "准确率x",
        ];
        for s in ["", "及时率", "及时率和准确率", "a及时", "准确率"] {
            for w in words {
                assert_eq!(has(s, w), s.contains(w), "{s} {w}");
                assert_eq!(ends_with(s, w), s.ends_with(w), "{s} {w}");
            }
        }
    }
}

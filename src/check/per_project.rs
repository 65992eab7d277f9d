//! The shape of the cross-file checks (a 自评表 against its 申报表, a 申报表 against last
//! year's forms): one check per project, with what it was matched to, each project's
//! diagnostics in span order and paired with the project's index so the server can cache
//! them per segment.

use super::{Diagnostic, Settings, Sink};
use crate::model::Project;
use std::sync::Arc;

/// Runs `check` on each project of `projects` with the item of `matched` at its index,
/// collecting into a sink named for the project: (project index, diagnostic relative to the
/// project's segment).
pub(super) fn each_project<'p, T>(
    projects: &'p [Arc<Project>],
    matched: impl IntoIterator<Item = T>,
    settings: &Settings,
    mut check: impl FnMut(&'p Project, T, &mut Sink),
) -> Vec<(usize, Diagnostic)> {
    let mut out = Vec::new();
    for (i, m) in matched.into_iter().enumerate() {
        let p: &'p Project = &projects[i];
        let mut sink = Sink {
            settings,
            out: Vec::new(),
            project: Some(p.name.clone()),
        };
        check(p, m, &mut sink);
        sink.out.sort_by_key(|d| (d.span.start, d.span.end, d.rule));
        out.extend(sink.out.into_iter().map(|d| (i, d)));
    }
    out
}

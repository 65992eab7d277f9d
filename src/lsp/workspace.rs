//! The workspace index: the `*.jixiao` files under the workspace folders, for workspace symbols
//! and for completing indicator names used elsewhere (other projects, last year's files).

use crate::check::declaration::{self, DeclaredProject};
use crate::check::Settings;
use crate::ide::KnownIndicator;
use crate::model::{build_header, build_project};
use crate::position::{Encoding, LineIndex};
use crate::syntax::parse;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// The most files indexed, so a huge folder cannot stall the server.
pub const MAX_FILES: usize = 2000;

#[derive(Debug, Clone, Default)]
pub struct FileIndex {
    /// Project names with their (line, character) position.
    pub projects: Vec<(String, u32, u32)>,
    pub indicators: Vec<KnownIndicator>,
    /// A 申报表's projects, for the 自评表 of the same 单位 and 年度 (`check::declaration`), and a
    /// form's projects for the next year's 申报表 (`check::history`).
    pub declared: Vec<((String, i32), Arc<DeclaredProject>)>,
    /// The file's diagnostics on disk, ready to publish while it is not open (`folder.rs`),
    /// the cross-file ones included (`unopened.rs`).
    pub diagnostics: Vec<super::publish::Prepared>,
    /// The (单位, 年度) of the forms this one is held against (`declaration::partner_keys`).
    pub links: Vec<(String, i32)>,
    /// Found only under a jixiao.toml's `roots`: context for the cross-file checks, without
    /// diagnostics of its own and never published.
    pub context: bool,
}

/// What completion and workspace symbols need from one file. Its projects are built one at a
/// time and dropped at once (no checks, no whole-file model): the index may cover thousands of
/// files, and a whole-file analysis of a large one would briefly cost ten times its size.
pub fn index_text(text: &str, settings: &Settings, source: &Arc<Path>) -> FileIndex {
    let tree = parse(text);
    let starts = tree.segment_starts();
    let header = build_header(&tree.segments[0], &text[..starts[1]]);
    let kind = header.form_kind();
    let ix = LineIndex::new(text);
    let mut f = FileIndex::default();
    let mut uses: Vec<Option<KnownIndicator>> = Vec::new();
    // (二级, name) → its entry in `uses`: only the last use of a name is offered.
    let mut last: HashMap<(String, String), usize> = HashMap::new();
    for (seg, &base) in tree.segments.iter().zip(&starts).skip(1) {
        let p = build_project(seg, &text[base..base + seg.len as usize], &settings.vocab);
        let (l, c) = ix.position(text, base + p.name_span.start as usize, Encoding::Utf16);
        f.projects.push((p.name.clone(), l as u32, c as u32));
        if let Some(key) = declaration::key_of(&header, &p) {
            let d = declaration::summarize_project(&p, kind, base, source);
            f.declared.push((key, Arc::new(d)));
        }
        for (_, l2, ind) in p.indicators() {
            if ind.value_text.is_empty() {
                continue;
            }
            let level2 = l2.map(|l| l.canonical.clone()).unwrap_or_default();
            if let Some(i) = last.insert((level2.clone(), ind.name.clone()), uses.len()) {
                uses[i] = None;
            }
            uses.push(Some(KnownIndicator {
                name: ind.name.clone(),
                level2,
                value: ind.value_text.clone(),
                project: p.name.clone(),
            }));
        }
    }
    // In order of last use, so that the latest value of a name is still the last entry.
    f.indicators = uses.into_iter().flatten().collect();
    f.projects.shrink_to_fit();
    f
}

/// Without diagnostics (the server indexes with `folder::index_checked`).
#[allow(dead_code)]
pub fn index_file(path: &Path) -> Option<FileIndex> {
    let text = std::fs::read_to_string(path).ok()?;
    let settings = Settings::for_file(path).unwrap_or_default();
    Some(index_text(&text, &settings, &Arc::from(path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_keeps_the_last_use_of_each_name() {
        let text = "表: 绩效目标申报表\n年度: 2025\n\n项目: 甲\n  指标:\n    产出指标:\n      数量指标:\n        培训人次: ≥100(人次)\n        覆盖率: ≥90(%)\n\n项目: 乙\n  指标:\n    产出指标:\n      数量指标:\n        培训人次: ≥200(人次)\n";
        let f = index_text(
            text,
            &Settings::default(),
            &Arc::from(Path::new("a.jixiao")),
        );
        let got: Vec<_> = f
            .indicators
            .iter()
            .map(|k| (k.name.as_str(), k.value.as_str(), k.project.as_str()))
            .collect();
        assert_eq!(
            got,
            [("覆盖率", "≥90(%)", "甲"), ("培训人次", "≥200(人次)", "乙")]
        );
        let names: Vec<_> = f.projects.iter().map(|p| (p.0.as_str(), p.1)).collect();
        assert_eq!(names, [("甲", 3), ("乙", 10)]);
    }

    /// A 申报表 with a 单位 and 年度 is summarised for the 自评表 of the same key; spans are
    /// absolute, for go-to-definition.
    #[test]
    fn index_keeps_the_declared_projects() {
        let text = "表: 绩效目标申报表\n年度: 2021\n单位: 甲 单位\n\n项目: 培训\n  资金:\n    年度资金申请总额: 1,000.00\n  产出指标:\n    数量指标:\n      培训人次: ≥100(人次)\n";
        let source: Arc<Path> = Path::new("a.jixiao").into();
        let f = index_text(text, &Settings::default(), &source);
        assert_eq!(f.declared.len(), 1);
        let ((unit, year), p) = &f.declared[0];
        assert_eq!((unit.as_str(), *year), ("甲单位", 2021));
        assert_eq!(p.total, Some(rust_decimal::Decimal::from(1000)));
        let i = &p.indicators[0];
        assert_eq!(&text[i.name_span.range()], "培训人次");
        assert_eq!(i.target(), "≥100.00(人次)");
        // A 自评表 is kept too, for the next year's actuals.
        let self_eval = text.replace("绩效目标申报表", "绩效自评表");
        let f = index_text(&self_eval, &Settings::default(), &source);
        assert_eq!(f.declared[0].1.kind, crate::model::FormKind::SelfEval);
    }
}

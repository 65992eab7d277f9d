//! The workspace index: the `*.jixiao` files under the workspace folders, for workspace symbols,
//! for completing indicator names used elsewhere (other projects, last year's files) and for
//! the cross-file checks (`offers`, `unopened`).

use super::known::{Known, KnownBuilder};
use super::offers::{Declared, Hashes, Key, Offer};
use crate::check::declaration::{self, summarize_project};
use crate::check::Settings;
use crate::model::{build_header, build_project, Document, FormKind, Header, Project};
use crate::syntax::parse_each;
use std::path::Path;
use std::sync::Arc;

/// The most files indexed, so a huge folder cannot stall the server.
pub const MAX_FILES: usize = 2000;

#[derive(Debug, Clone, Default)]
pub struct FileIndex {
    /// Project names and indicators, for workspace symbols and completion.
    pub known: Known,
    /// Its keys and fingerprints, for the forms held against it.
    pub offer: Offer,
    /// The summaries of its projects, only while a partner needs them (`offers`): a 申报表's
    /// for the 自评表 of the same 单位 and 年度 (`check::declaration`), a form's for the next
    /// year's 申报表 (`check::history`).
    pub declared: Option<Declared>,
    /// The file's diagnostics on disk, ready to publish while it is not open (`folder.rs`),
    /// the cross-file ones included (`unopened.rs`).
    pub diagnostics: Vec<super::publish::Prepared>,
    /// The (单位, 年度) of the forms this one is held against (`declaration::partner_keys`).
    pub links: Vec<Key>,
    /// Found only under a jixiao.toml's `roots`: context for the cross-file checks, without
    /// diagnostics of its own and never published.
    pub context: bool,
}

/// Each project of `text` with its segment's offset, built one at a time and dropped at once:
/// the index may cover thousands of files, and a whole-file model of a large one would briefly
/// cost ten times its size.
fn each_project(text: &str, settings: &Settings, mut f: impl FnMut(&Header, &Project, usize)) {
    let mut header = None;
    let mut at = 0;
    parse_each(text, |seg| {
        let seg_text = &text[at..at + seg.len as usize];
        match &header {
            None => header = Some(build_header(&seg, seg_text)),
            Some(h) => f(h, &build_project(&seg, seg_text, &settings.vocab), at),
        }
        at += seg.len as usize;
    });
}

/// (line, UTF-16 column) of offsets given in increasing order, counting lines as it goes (the
/// positions of `position::LineIndex`, without a table of the whole file's lines).
struct Lines<'t> {
    text: &'t str,
    at: usize,
    line: u32,
    line_start: usize,
}

impl Lines<'_> {
    fn position(&mut self, offset: usize) -> (u32, u32) {
        let skipped = &self.text[self.at..offset];
        if let Some(nl) = skipped.rfind('\n') {
            self.line += skipped.bytes().filter(|&b| b == b'\n').count() as u32;
            self.line_start = self.at + nl + 1;
        }
        self.at = offset;
        let col = self.text[self.line_start..offset].encode_utf16().count();
        (self.line, col as u32)
    }
}

/// What the index keeps of one file, built one project at a time; the summaries of its
/// projects are kept when `keep` wants every key it offers.
struct Indexer<'a, K> {
    source: &'a Arc<Path>,
    keep: K,
    lines: Lines<'a>,
    known: KnownBuilder,
    hashes: Hashes,
    kind: Option<FormKind>,
    kept: Declared,
    all_kept: bool,
    links: Vec<Key>,
}

impl<'a, K: Fn(&Key, FormKind) -> bool> Indexer<'a, K> {
    fn new(text: &'a str, source: &'a Arc<Path>, keep: K) -> Self {
        Indexer {
            source,
            keep,
            lines: Lines {
                text,
                at: 0,
                line: 0,
                line_start: 0,
            },
            known: KnownBuilder::default(),
            hashes: Hashes::default(),
            kind: None,
            kept: Vec::new(),
            all_kept: true,
            links: Vec::new(),
        }
    }

    fn project(&mut self, h: &Header, p: &Project, base: usize) {
        let kind = *self.kind.insert(h.form_kind());
        let (l, c) = self.lines.position(base + p.name_span.start as usize);
        self.known.project(&p.name, l, c);
        if let Some(key) = declaration::key_of(h, p) {
            let d = summarize_project(p, kind, base, self.source);
            self.hashes.add(&key, &d);
            // As `declaration::partner_keys`: a 自评表's own key, a 申报表's year before.
            let back = i32::from(kind == FormKind::Target);
            if !self
                .links
                .iter()
                .any(|k| k.0 == key.0 && k.1 == key.1 - back)
            {
                self.links.push((key.0.clone(), key.1 - back));
            }
            if (self.keep)(&key, kind) {
                self.kept.push((key, Arc::new(d)));
            } else {
                self.all_kept = false;
            }
        }
        for (_, l2, ind) in p.indicators() {
            if !ind.value_text.is_empty() {
                let level2 = l2.map(|l| l.canonical.as_str()).unwrap_or_default();
                self.known.indicator(level2, &ind.name, &ind.value_text);
            }
        }
    }

    /// `kind`: the form's, for a file without projects.
    fn finish(mut self, kind: impl FnOnce() -> FormKind) -> FileIndex {
        let kind = self.kind.unwrap_or_else(kind);
        self.kept.shrink_to_fit();
        self.links.shrink_to_fit();
        let all_kept = self.all_kept && !self.kept.is_empty();
        FileIndex {
            known: self.known.finish(),
            offer: self.hashes.finish(kind),
            declared: all_kept.then_some(self.kept),
            links: self.links,
            ..FileIndex::default()
        }
    }
}

/// What the index keeps of one file, without checking it; the summaries of its projects are
/// kept when `keep` wants every key it offers.
pub fn index_text(
    text: &str,
    settings: &Settings,
    source: &Arc<Path>,
    keep: impl Fn(&Key, FormKind) -> bool,
) -> FileIndex {
    let mut ix = Indexer::new(text, source, keep);
    each_project(text, settings, |h, p, base| ix.project(h, p, base));
    // A header without projects still says what it is.
    ix.finish(|| declaration::sniff_header(text).form_kind())
}

/// [`index_text`] of a file whose model is at hand (`starts[i]`: the offset of project i).
pub fn index_document(
    text: &str,
    doc: &Document,
    starts: &[usize],
    source: &Arc<Path>,
    keep: impl Fn(&Key, FormKind) -> bool,
) -> FileIndex {
    let mut ix = Indexer::new(text, source, keep);
    for (p, &base) in doc.projects.iter().zip(starts) {
        ix.project(&doc.header, p, base);
    }
    ix.finish(|| doc.header.form_kind())
}

/// The summaries of every project of `text` (a partner asks for a file's, `offers::gather`).
pub fn summaries_of(text: &str, settings: &Settings, source: &Arc<Path>) -> Declared {
    let mut out = Vec::new();
    each_project(text, settings, |h, p, base| {
        if let Some(key) = declaration::key_of(h, p) {
            let d = summarize_project(p, h.form_kind(), base, source);
            out.push((key, Arc::new(d)));
        }
    });
    out.shrink_to_fit();
    out
}

/// Without diagnostics, and without summaries (they are read when asked for).
#[allow(dead_code)]
pub fn index_file(path: &Path) -> Option<FileIndex> {
    let text = std::fs::read_to_string(path).ok()?;
    let settings = Settings::for_file(path).unwrap_or_default();
    Some(index_text(&text, &settings, &Arc::from(path), |_, _| false))
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
            |_, _| true,
        );
        let got: Vec<_> = f
            .known
            .indicators()
            .map(|k| (k.name, k.value, k.project))
            .collect();
        let s = |x: &str| x.to_string();
        assert_eq!(
            got,
            [
                (s("覆盖率"), s("≥90(%)"), s("甲")),
                (s("培训人次"), s("≥200(人次)"), s("乙"))
            ]
        );
        let names: Vec<_> = f.known.projects().map(|p| (p.0, p.1, p.2)).collect();
        assert_eq!(names, [("甲", 3, 4), ("乙", 10, 4)]);
        // No 单位: nothing to offer, nothing kept.
        assert!(f.offer.keys.is_empty() && f.declared.is_none());
    }

    /// A 申报表 with a 单位 and 年度 is summarised for the 自评表 of the same key, when one
    /// wants it; spans are absolute, for go-to-definition.
    #[test]
    fn index_keeps_the_declared_projects_only_when_wanted() {
        let text = "表: 绩效目标申报表\n年度: 2021\n单位: 甲 单位\n\n项目: 培训\n  资金:\n    年度资金申请总额: 1,000.00\n  产出指标:\n    数量指标:\n      培训人次: ≥100(人次)\n";
        let source: Arc<Path> = Path::new("a.jixiao").into();
        let alone = index_text(text, &Settings::default(), &source, |_, _| false);
        assert!(alone.declared.is_none());
        let key = ("甲单位".to_string(), 2021);
        assert_eq!(alone.offer.keys, std::slice::from_ref(&key));
        assert_eq!(alone.links, [("甲单位".to_string(), 2020)]);
        let f = index_text(text, &Settings::default(), &source, |k, kind| {
            *k == key && kind == FormKind::Target
        });
        let declared = f.declared.as_ref().unwrap();
        assert_eq!(declared.len(), 1);
        let ((unit, year), p) = &declared[0];
        assert_eq!((unit.as_str(), *year), ("甲单位", 2021));
        assert_eq!(p.total, Some(rust_decimal::Decimal::from(1000)));
        let i = &p.indicators[0];
        assert_eq!(&text[i.name_span.range()], "培训人次");
        assert_eq!(i.target(), "≥100.00(人次)");
        // The same as reading them when a partner asks; the fingerprints do not depend on
        // what is kept.
        assert_eq!(*declared, summaries_of(text, &Settings::default(), &source));
        assert_eq!(f.offer, alone.offer);
        // A 自评表 is summarised too, for the next year's actuals.
        let self_eval = text.replace("绩效目标申报表", "绩效自评表");
        let f = index_text(&self_eval, &Settings::default(), &source, |_, _| true);
        assert_eq!(f.declared.unwrap()[0].1.kind, FormKind::SelfEval);
        assert_eq!(f.links, [key]);
        assert_ne!(f.offer.loose, alone.offer.loose);
    }
}

//! One call from text to everything the consumers need: tree, model, diagnostics.

use crate::check::copypaste::{fingerprint, CopyIndex};
use crate::check::{
    check_duplicates, check_header, check_project_at, duplicate_key, with_file_checks, Diagnostic,
    Settings,
};
use crate::model::{build, build_header, build_project, Document};
use crate::syntax::{parse, parse_each, parse_segment, SyntaxTree};
use std::sync::Arc;

pub struct Analysis {
    pub tree: SyntaxTree,
    pub doc: Document,
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    /// The byte offset of each project's segment.
    pub fn project_starts(&self) -> Vec<usize> {
        project_starts(&self.tree)
    }
}

pub fn project_starts(tree: &SyntaxTree) -> Vec<usize> {
    let s = tree.segment_starts();
    s[1..s.len() - 1].to_vec()
}

/// Parses, builds and checks `text`: `parse`, `build` and `check_document`, except that each
/// segment is built and checked as soon as it is parsed, while its text, lines and model are
/// still in the cache. (Done phase by phase, each phase read the previous one's output back
/// from memory: a 4.6 MB file's model is ~40 MB.)
pub fn analyze(text: &str, settings: &Settings) -> Analysis {
    let mut segments = Vec::new();
    let mut header = None;
    let mut projects = Vec::new();
    let mut project_diagnostics = Vec::new();
    let mut at = 0;
    parse_each(text, |seg| {
        let seg_text = &text[at..at + seg.len as usize];
        match &header {
            None => header = Some(Arc::new(build_header(&seg, seg_text))),
            Some(h) => {
                let p = build_project(&seg, seg_text, &settings.vocab);
                project_diagnostics.extend(check_project_at(&p, h, at, settings));
                projects.push(Arc::new(p));
            }
        }
        at += seg.len as usize;
        segments.push(seg);
    });
    let tree = SyntaxTree { segments };
    let doc = Document {
        header: header.expect("the first segment is the header"),
        projects,
    };
    let diagnostics = with_file_checks(&doc, &project_starts(&tree), settings, project_diagnostics);
    Analysis {
        tree,
        doc,
        diagnostics,
    }
}

/// The diagnostics of [`analyze`], keeping one project's tree and model at a time: what the
/// file-wide checks need of the others (names, fingerprints) is small. For a caller that
/// wants the diagnostics only (the server's check of files that are not open): a whole
/// analysis of a large file would briefly cost ten times its size.
pub fn check_text(text: &str, settings: &Settings) -> Vec<Diagnostic> {
    let mut header = None;
    let mut projects = Vec::new();
    let (mut keys, mut fps, mut starts) = (Vec::new(), Vec::new(), Vec::new());
    let mut at = 0;
    parse_each(text, |seg| {
        let seg_text = &text[at..at + seg.len as usize];
        match &header {
            None => header = Some(build_header(&seg, seg_text)),
            Some(h) => {
                let p = build_project(&seg, seg_text, &settings.vocab);
                projects.extend(check_project_at(&p, h, at, settings));
                keys.push(duplicate_key(&p));
                fps.push(fingerprint(&p, &settings.vocab));
                starts.push(at);
            }
        }
        at += seg.len as usize;
    });
    let header = header.expect("the first segment is the header");
    // In the order of `check_document`, whose sort is stable.
    let mut out = check_header(&header, settings);
    let shifted = |(i, mut d): (usize, Diagnostic)| {
        d.span = d.span.shift(starts[i]);
        d
    };
    out.extend(check_duplicates(&keys, settings).into_iter().map(shifted));
    let copies = CopyIndex::of(fps);
    let seg_end = |i: usize| starts.get(i + 1).copied().unwrap_or(text.len());
    for i in (0..starts.len()).filter(|&i| copies.may_report(i)) {
        let seg_text = &text[starts[i]..seg_end(i)];
        let p = build_project(&parse_segment(seg_text), seg_text, &settings.vocab);
        let found = copies.diagnostics(i, &p, |j| &keys[j].name, settings);
        out.extend(found.into_iter().map(|d| shifted((i, d))));
    }
    out.extend(projects);
    out.sort_by_key(|d| (d.span.start, d.span.end, d.rule));
    out
}

/// The canonical text of `text` (the formatter over a fresh analysis).
pub fn format_text(text: &str, settings: &Settings) -> String {
    let tree = parse(text);
    let doc = build(&tree, text, &settings.vocab);
    crate::format::format(text, &tree, &doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check_document;

    /// Segment by segment gives what the phases give one after the other.
    #[test]
    fn analyze_is_parse_build_check() {
        let mut texts: Vec<String> = [
            "",
            "\n",
            "表: 绩效目标申报表\n",
            "项目: 甲\n  项目类别: 其他运转类\n项目: 甲\n",
            "\u{FEFF}表: 绩效目标申报表\r\n年度: 2025\r\n\r\n项目: 乙\r\n  年度总体目标:\r\n    > 文本\r\n",
            "表: 绩效目标申报表\n  项目: 缩进的项目\n没有冒号\n项目:\n",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "jixiao") {
                texts.push(std::fs::read_to_string(path).unwrap());
            }
        }
        texts.push(crate::gen::generate(40, 3));
        let settings = Settings::default();
        for text in &texts {
            let a = analyze(text, &settings);
            let tree = parse(text);
            let doc = build(&tree, text, &settings.vocab);
            let diagnostics = check_document(&doc, &project_starts(&tree), &settings);
            assert_eq!(a.tree, tree, "{text:?}");
            assert_eq!(a.doc, doc, "{text:?}");
            assert_eq!(a.diagnostics, diagnostics, "{text:?}");
            assert_eq!(check_text(text, &settings), diagnostics, "{text:?}");
        }
    }
}

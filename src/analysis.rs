//! One call from text to everything the consumers need: tree, model, diagnostics.

use crate::check::{check_project_at, with_file_checks, Diagnostic, Settings};
use crate::model::{build, build_header, build_project, Document};
use crate::syntax::{parse, parse_each, SyntaxTree};
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

/// The canonical text of `text` (the formatter over a fresh analysis).
pub fn format_text(text: &str, settings: &Settings) -> String {
    let tree = parse(text);
    let doc = build(&tree, text, &settings.vocab);
    crate::format::format(text, &tree, &doc)
}

//! One call from text to everything the consumers need: tree, model, diagnostics.

use crate::check::{check_document, Diagnostic, Settings};
use crate::model::{build, Document};
use crate::syntax::{parse, SyntaxTree};

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

pub fn analyze(text: &str, settings: &Settings) -> Analysis {
    let tree = parse(text);
    let doc = build(&tree, text, &settings.vocab);
    let diagnostics = check_document(&doc, &project_starts(&tree), settings);
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

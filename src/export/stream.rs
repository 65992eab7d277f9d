//! The model one project at a time, for exports that write each project as soon as it is
//! built and then drop it: their peak memory is the text and one project, not the whole
//! model of the file (a 4.6 MB file's model and tree are ~20 MB; its JSON `Value` was ~100 MB).

use crate::model::vocab::Vocab;
use crate::model::{build_header, build_project, Header, Project};
use crate::syntax::{parse_each, parse_header};

/// The header, without parsing the projects.
pub fn header(text: &str) -> Header {
    let seg = parse_header(text);
    build_header(&seg, &text[..seg.len as usize])
}

/// Builds each project in file order and hands it to `f`; the header segment is skipped.
/// The same model as `analyze(text).doc.projects`: each project is built from its segment
/// alone.
pub fn each_project(text: &str, vocab: &Vocab, mut f: impl FnMut(&Project)) {
    let mut at = 0;
    let mut header = true;
    parse_each(text, |seg| {
        let start = at;
        at += seg.len as usize;
        if !std::mem::take(&mut header) {
            f(&build_project(&seg, &text[start..at], vocab));
        }
    });
}

//! The workspace index: the `*.jixiao` files under the workspace folders, for workspace symbols
//! and for completing indicator names used elsewhere (other projects, last year's files).

use crate::analysis::analyze;
use crate::check::Settings;
use crate::ide::KnownIndicator;
use crate::model::Document;
use crate::position::{Encoding, LineIndex};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The most files indexed, so a huge folder cannot stall the server.
const MAX_FILES: usize = 2000;

#[derive(Debug, Clone, Default)]
pub struct FileIndex {
    /// Project names with their (line, character) position.
    pub projects: Vec<(String, u32, u32)>,
    pub indicators: Vec<KnownIndicator>,
}

pub fn index_document(
    doc: &Document,
    text_pos: impl Fn(usize) -> (u32, u32),
    starts: &[usize],
) -> FileIndex {
    let mut f = FileIndex::default();
    for (p, &base) in doc.projects.iter().zip(starts) {
        let (l, c) = text_pos(base + p.name_span.start as usize);
        f.projects.push((p.name.clone(), l, c));
        for (_, l2, ind) in p.indicators() {
            if !ind.value_text.is_empty() {
                f.indicators.push(KnownIndicator {
                    name: ind.name.clone(),
                    level2: l2.map(|l| l.canonical.clone()).unwrap_or_default(),
                    value: ind.value_text.clone(),
                    project: p.name.clone(),
                });
            }
        }
    }
    f
}

pub fn index_file(path: &Path) -> Option<FileIndex> {
    let text = std::fs::read_to_string(path).ok()?;
    let settings = Settings::for_file(path).unwrap_or_default();
    let a = analyze(&text, &settings);
    let ix = LineIndex::new(&text);
    let starts = a.project_starts();
    Some(index_document(
        &a.doc,
        |o| {
            let (l, c) = ix.position(&text, o, Encoding::Utf16);
            (l as u32, c as u32)
        },
        &starts,
    ))
}

/// Every `*.jixiao` file under `roots` (bounded), indexed.
pub fn scan(roots: &[PathBuf]) -> HashMap<PathBuf, FileIndex> {
    let mut files = Vec::new();
    for r in roots {
        walk(r, &mut files);
    }
    files.truncate(MAX_FILES);
    files
        .into_iter()
        .filter_map(|p| index_file(&p).map(|i| (p, i)))
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    if out.len() >= MAX_FILES {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "jixiao") {
            out.push(p);
        }
    }
}

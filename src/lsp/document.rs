//! One open document: its rope, tree, models and diagnostics, kept up to date edit by edit.
//! An edit re-parses the segments it touches, rebuilds and re-checks those projects only, and
//! reuses every other project's model and diagnostics (they are relative to their segment).
//! What is sent to the client is cached per project too (lines relative to the project's first
//! line), so a keystroke converts only the diagnostics of the project it touched.

use super::convert;
use super::publish::{self, Prepared};
use crate::check::copypaste::{fingerprint, CopyIndex};
use crate::check::declaration::{self, Declarations, DeclaredProject};
use crate::check::memo::Memo;
use crate::check::{
    check_duplicates, check_header, check_project_memo, dup_keys, duplicate_key, Diagnostic,
    Settings,
};
use crate::ide::View;
use crate::model::{build_header, build_project, Document, FormKind, Header, Project};
use crate::position::Encoding;
use crate::syntax::{parse, SyntaxTree};
use ropey::Rope;
use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use tower_lsp::lsp_types as lsp;

type Converted = Option<Arc<Vec<Prepared>>>;
type Declared = Vec<((String, i32), Arc<DeclaredProject>)>;

pub struct DocState {
    pub version: i32,
    pub rope: Rope,
    pub tree: SyntaxTree,
    pub starts: Vec<usize>,
    pub header: Arc<Header>,
    pub projects: Vec<Arc<Project>>,
    /// Per project, relative to its segment.
    pub project_diags: Vec<Arc<Vec<Diagnostic>>>,
    /// Per project, its last check, so that the next one re-checks only changed indicators.
    memos: Vec<Memo>,
    /// The header's diagnostics (absolute: the header starts the file).
    pub header_diags: Vec<Diagnostic>,
    /// duplicate-project: (project index, diagnostic relative to its segment).
    pub dup_diags: Vec<(usize, Diagnostic)>,
    /// copied-project / copied-goal / copied-cost: the fingerprints joined across projects,
    /// and per project its diagnostics, relative to its segment.
    copy: CopyIndex,
    copy_diags: Vec<Vec<Diagnostic>>,
    pub settings: Arc<Settings>,
    /// The workspace's declared projects, for a 自评表 (see `check::declaration`).
    pub decls: Arc<Declarations>,
    /// The diagnostics against them: (project index, diagnostic relative to its segment).
    pub link_diags: Vec<(usize, Diagnostic)>,
    /// [`DocState::declared`], until the next edit.
    declared: Option<Declared>,
    /// Per project, its diagnostics as sent to the client, lines relative to the project's
    /// first line; `None` until first needed after a change.
    converted: Vec<Converted>,
    converted_enc: Option<Encoding>,
}

impl DocState {
    pub fn new(text: &str, version: i32, settings: Arc<Settings>) -> DocState {
        let rope = Rope::from_str(text);
        let tree = parse(text);
        let mut d = DocState {
            version,
            rope,
            starts: tree.segment_starts(),
            tree,
            header: Arc::new(Header::default()),
            projects: Vec::new(),
            project_diags: Vec::new(),
            memos: Vec::new(),
            header_diags: Vec::new(),
            dup_diags: Vec::new(),
            copy: CopyIndex::default(),
            copy_diags: Vec::new(),
            settings,
            decls: Arc::default(),
            link_diags: Vec::new(),
            declared: None,
            converted: Vec::new(),
            converted_enc: None,
        };
        d.rebuild_all();
        d
    }

    fn seg_text(&self, i: usize) -> Cow<'_, str> {
        self.rope
            .byte_slice(self.starts[i]..self.starts[i + 1])
            .into()
    }

    /// Rebuilds every model and diagnostic (open, settings change).
    pub fn rebuild_all(&mut self) {
        self.starts = self.tree.segment_starts();
        self.header = Arc::new(build_header(&self.tree.segments[0], &self.seg_text(0)));
        let vocab = &self.settings.vocab;
        self.projects = (1..self.tree.segments.len())
            .map(|i| {
                Arc::new(build_project(
                    &self.tree.segments[i],
                    &self.seg_text(i),
                    vocab,
                ))
            })
            .collect();
        self.recheck_all();
    }

    /// Re-checks every project (the header or the settings changed).
    pub fn recheck_all(&mut self) {
        // The memos are of the old header or settings: nothing is replayed from them.
        (self.project_diags, self.memos) = self
            .projects
            .iter()
            .zip(self.memos.iter().map(Some).chain(std::iter::repeat(None)))
            .map(|(p, m)| {
                let (d, m) = check_project_memo(p, &self.header, &self.settings, m);
                (Arc::new(d), m)
            })
            .unzip();
        self.header_diags = check_header(&self.header, &self.settings);
        self.dup_diags = check_duplicates(&dup_keys(&self.projects), &self.settings);
        self.copy = CopyIndex::new(&self.projects, &self.settings);
        self.copy_diags = (0..self.projects.len())
            .map(|i| self.copy_diagnostics(i))
            .collect();
        self.converted = vec![None; self.projects.len()];
        self.declared = None;
        self.relink();
    }

    fn copy_diagnostics(&self, i: usize) -> Vec<Diagnostic> {
        let name = |j: usize| self.projects[j].name.as_str();
        self.copy
            .diagnostics(i, &self.projects[i], name, &self.settings)
    }

    pub fn is_self_eval(&self) -> bool {
        self.header.form_kind() == FormKind::SelfEval
    }

    /// Re-checks the 自评表 against the declared projects: a pass over its projects, cheap enough
    /// for every keystroke.
    fn relink(&mut self) {
        self.link_diags = if self.decls.is_empty() {
            Vec::new()
        } else if self.is_self_eval() {
            declaration::check(&self.document(), &self.decls, &self.settings)
        } else {
            crate::check::history::check(&self.document(), &self.decls, &self.settings)
        };
    }

    /// Takes a new set of declared projects; whether the diagnostics changed.
    pub fn set_declarations(&mut self, decls: Arc<Declarations>) -> bool {
        if Arc::ptr_eq(&self.decls, &decls) {
            return false;
        }
        self.decls = decls;
        let old = std::mem::take(&mut self.link_diags);
        self.relink();
        old != self.link_diags
    }

    /// The summarised projects of this document (`check::declaration`), spans absolute.
    pub fn declared(&mut self, source: &Arc<Path>) -> &Declared {
        if self.declared.is_none() {
            let d = declaration::summarize(&self.document(), &self.starts[1..], source)
                .into_iter()
                .map(|(k, p)| (k, Arc::new(p)))
                .collect();
            self.declared = Some(d);
        }
        self.declared.as_ref().unwrap()
    }

    /// Brings the copy-paste diagnostics up to date after projects `first..first + added`
    /// replaced `removed` others; a project whose diagnostics change is converted anew.
    fn update_copies(&mut self, first: usize, removed: usize, added: usize, renamed: &[bool]) {
        let affected: Vec<usize> = if removed == added {
            let mut a = Vec::new();
            for k in first..first + added {
                let fp = fingerprint(&self.projects[k], &self.settings.vocab);
                a.extend(self.copy.replace(k, fp, renamed[k - first]));
            }
            a.sort_unstable();
            a.dedup();
            a
        } else {
            self.copy_diags.splice(
                first..first + removed,
                std::iter::repeat_n(Vec::new(), added),
            );
            self.copy = CopyIndex::new(&self.projects, &self.settings);
            (0..self.projects.len()).collect()
        };
        for j in affected {
            let d = self.copy_diagnostics(j);
            if d != self.copy_diags[j] {
                self.copy_diags[j] = d;
                self.converted[j] = None;
            }
        }
    }

    pub fn set_settings(&mut self, settings: Arc<Settings>) {
        if *self.settings != *settings {
            self.settings = settings;
            self.rebuild_all();
        }
    }

    /// Replaces the bytes `range` by `new_text`.
    pub fn edit(&mut self, range: Range<usize>, new_text: &str) {
        let len = self.rope.len_bytes();
        let (start, end) = (range.start.min(len), range.end.min(len));
        let (start, end) = (start.min(end), start.max(end));
        let (cs, ce) = (self.rope.byte_to_char(start), self.rope.byte_to_char(end));
        // Snap to character boundaries as the rope sees them.
        let (start, end) = (self.rope.char_to_byte(cs), self.rope.char_to_byte(ce));
        self.rope.remove(cs..ce);
        self.rope.insert(cs, new_text);
        let rope = &self.rope;
        let slice = |r: Range<usize>| -> Cow<'_, str> { rope.byte_slice(r).into() };
        let (first, removed, added) =
            self.tree
                .reparse_in_place(rope.len_bytes(), start, end, &slice);
        self.starts = self.tree.segment_starts();
        // Segment indices: 0 is the header; project i is segment i + 1.
        let header_touched = first == 0;
        let p_first = first.saturating_sub(1);
        let p_removed = if header_touched { removed - 1 } else { removed };
        let p_added = if header_touched { added - 1 } else { added };
        let vocab = &self.settings.vocab;
        let new_projects: Vec<Arc<Project>> = (0..p_added)
            .map(|k| {
                let seg = p_first + k + 1;
                let text: Cow<str> = self
                    .rope
                    .byte_slice(self.starts[seg]..self.starts[seg + 1])
                    .into();
                Arc::new(build_project(&self.tree.segments[seg], &text, vocab))
            })
            .collect();
        let old = p_first..p_first + p_removed;
        let names_kept = self.projects[old.clone()]
            .iter()
            .map(|p| duplicate_key(p))
            .eq(new_projects.iter().map(|p| duplicate_key(p)));
        let renamed: Vec<bool> = if p_removed == p_added {
            self.projects[old.clone()]
                .iter()
                .zip(&new_projects)
                .map(|(a, b)| a.name != b.name)
                .collect()
        } else {
            Vec::new()
        };
        self.projects.splice(old.clone(), new_projects);
        if header_touched {
            let text: Cow<str> = self.rope.byte_slice(self.starts[0]..self.starts[1]).into();
            let header = build_header(&self.tree.segments[0], &text);
            if *self.header != header {
                self.header = Arc::new(header);
                self.recheck_all();
                return;
            }
        }
        // A project edited in place is re-checked against its last check.
        let (new_diags, new_memos): (Vec<_>, Vec<_>) = self.projects[p_first..p_first + p_added]
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let prev = (p_removed == p_added).then(|| &self.memos[p_first + k]);
                let (d, m) = check_project_memo(p, &self.header, &self.settings, prev);
                (Arc::new(d), m)
            })
            .unzip();
        self.project_diags.splice(old.clone(), new_diags);
        self.memos.splice(old.clone(), new_memos);
        self.converted
            .splice(old, std::iter::repeat_n(None, p_added));
        self.update_copies(p_first, p_removed, p_added, &renamed);
        // duplicate-project looks at every name: redo it only when a name (or a total it
        // quotes) changed.
        if !names_kept {
            self.dup_diags = check_duplicates(&dup_keys(&self.projects), &self.settings);
        }
        self.declared = None;
        self.relink();
    }

    /// Every diagnostic, absolute.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut out = self.header_diags.clone();
        let shifted = |i: usize, d: &Diagnostic| {
            let mut d = d.clone();
            d.span = d.span.shift(self.starts[i + 1]);
            d
        };
        out.extend(self.dup_diags.iter().map(|(i, d)| shifted(*i, d)));
        out.extend(self.link_diags.iter().map(|(i, d)| shifted(*i, d)));
        for (i, ds) in self.project_diags.iter().enumerate() {
            out.extend(ds.iter().map(|d| shifted(i, d)));
            out.extend(self.copy_diags[i].iter().map(|d| shifted(i, d)));
        }
        out
    }

    /// The `publishDiagnostics` frame for this document: every diagnostic, as sent to the
    /// client. Only projects changed since the last call are converted and serialised; the
    /// others are written at their project's current first line.
    pub fn publish_frame(&mut self, uri: &lsp::Url, enc: Encoding) -> Vec<u8> {
        if self.converted_enc != Some(enc) {
            self.converted = vec![None; self.projects.len()];
            self.converted_enc = Some(enc);
        }
        let prepare = |d: &Diagnostic| Prepared::new(&convert::diagnostic(&self.rope, d, enc));
        // The header's and duplicate-project's diagnostics are few; they are redone each time.
        let mut loose: Vec<Prepared> = self.header_diags.iter().map(prepare).collect();
        for (i, d) in self.dup_diags.iter().chain(&self.link_diags) {
            let mut d = d.clone();
            d.span = d.span.shift(self.starts[i + 1]);
            loose.push(prepare(&d));
        }
        let mut firsts = Vec::new();
        for i in 0..self.projects.len() {
            if self.project_diags[i].is_empty() && self.copy_diags[i].is_empty() {
                continue;
            }
            let base = self.starts[i + 1];
            let first_line = self.rope.byte_to_line(base) as u32;
            if self.converted[i].is_none() {
                let relative = self.project_diags[i]
                    .iter()
                    .chain(&self.copy_diags[i])
                    .map(|d| {
                        let mut d = d.clone();
                        d.span = d.span.shift(base);
                        prepare(&d).shifted(-(first_line as i64))
                    })
                    .collect();
                self.converted[i] = Some(Arc::new(relative));
            }
            firsts.push((i, first_line));
        }
        let converted = &self.converted;
        let items = loose
            .iter()
            .map(|p| (p, 0))
            .chain(firsts.iter().flat_map(|&(i, line)| {
                converted[i]
                    .iter()
                    .flat_map(move |ps| ps.iter().map(move |p| (p, line)))
            }));
        publish::frame(uri, Some(self.version), items)
    }

    pub fn text(&self) -> String {
        // At its final size: `to_string` grows by doubling, up to twice the text.
        let mut s = String::with_capacity(self.rope.len_bytes());
        self.rope.chunks().for_each(|c| s.push_str(c));
        s
    }

    pub fn document(&self) -> Document {
        Document {
            header: self.header.clone(),
            projects: self.projects.clone(),
        }
    }

    /// Runs `f` with an [`ide::View`](crate::ide::View) of this document.
    pub fn with_view<T>(&self, f: impl FnOnce(&View) -> T) -> T {
        let rope = &self.rope;
        let text = |r: Range<usize>| -> Cow<'_, str> {
            rope.byte_slice(r.start.min(rope.len_bytes())..r.end.min(rope.len_bytes()))
                .into()
        };
        let view = View {
            tree: &self.tree,
            starts: &self.starts,
            header: &self.header,
            projects: &self.projects,
            settings: &self.settings,
            text: &text,
        };
        f(&view)
    }
}

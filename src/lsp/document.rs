//! One open document: its rope and, per project, what the file-wide checks and the client
//! need (diagnostics, the name key of duplicate-project, the copy-paste fingerprint). An edit
//! re-parses the segments it touches, rebuilds and re-checks those projects only, and reuses
//! every other project's diagnostics (they are relative to their segment). What is sent to the
//! client is cached per project too (lines relative to the project's first line), so a
//! keystroke converts only the diagnostics of the project it touched.
//!
//! Only the projects edited last ([`HOT`] of them) keep their lines, model and last check;
//! the others keep their segment's length only and are parsed and built again from the rope
//! when a feature needs them, one at a time. The trees and models of a 4.6 MB file were
//! 20 MB, four times the text (docs/PERFORMANCE.md). A document held against other forms (a
//! 自评表 with its 申报表, a 申报表 with last year's) keeps them all: those checks read every
//! project on each keystroke.

use super::convert;
use super::publish::{self, Prepared};
use crate::check::copypaste::{fingerprint, CopyIndex};
use crate::check::declaration::{self, Declarations, DeclaredProject};
use crate::check::memo::Memo;
use crate::check::{
    check_duplicates, check_header, check_project_memo, duplicate_key, Diagnostic, DupKey, Settings,
};
use crate::ide::View;
use crate::model::{build_header, build_project, Document, FormKind, Header, LineRole, Project};
use crate::position::Encoding;
use crate::syntax::{parse_pieces, parse_segment, Segment, SyntaxTree};
use ropey::Rope;
use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use tower_lsp::lsp_types as lsp;

type Converted = Option<Arc<Vec<Prepared>>>;
type Declared = Vec<((String, i32), Arc<DeclaredProject>)>;

/// How many projects keep their tree and model: the ones being edited.
pub const HOT: usize = 32;

/// How much of the rope is read at once when the whole document is read again.
const PIECE: usize = 256 * 1024;

pub struct DocState {
    pub version: i32,
    pub rope: Rope,
    /// Segment 0 is the header (always whole); a cold project's segment has no lines, only
    /// its length (see [`DocState::segment`]).
    tree: SyntaxTree,
    pub starts: Vec<usize>,
    pub header: Arc<Header>,
    /// Per project, its model while it is hot.
    models: Vec<Option<Arc<Project>>>,
    /// Per project, when it was last made hot (0: cold).
    touched: Vec<u64>,
    clock: u64,
    /// Per project, what duplicate-project reads.
    keys: Vec<DupKey>,
    /// Per project, its 实施单位 (for its 单位/年度 key when the header names no 单位).
    implementers: Vec<Option<Box<str>>>,
    /// Per project, relative to its segment.
    pub project_diags: Vec<Arc<Vec<Diagnostic>>>,
    /// Per hot project, its last check, so that the next one re-checks only changed indicators.
    memos: Vec<Option<Box<Memo>>>,
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

/// The rope of `text`, built from its end a piece at a time, the text cut short after each
/// piece: the text and the rope are not both whole at once (a large text's block is mapped on
/// its own, and shrinking it gives its tail back, `trim.rs`).
fn rope_of(mut text: String) -> Rope {
    const CUT: usize = 1 << 20;
    let mut pieces = Vec::new();
    while text.len() > CUT {
        let mut at = text.len() - CUT;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        pieces.push(Rope::from_str(&text[at..]));
        text.truncate(at);
        text.shrink_to_fit();
    }
    let mut rope = Rope::from_str(&text);
    drop(text);
    for piece in pieces.into_iter().rev() {
        rope.append(piece);
    }
    rope
}

fn implementer(p: &Project) -> Option<Box<str>> {
    p.field(crate::model::IMPLEMENTER)
        .map(|f| f.value.as_str().into())
}

fn is_cold(seg: &Segment) -> bool {
    seg.lines.is_empty() && seg.len > 0
}

fn cold(len: u32) -> Arc<Segment> {
    Arc::new(Segment {
        lines: Vec::new(),
        len,
    })
}

/// What a view shows for a project outside the segments it was made for.
fn placeholder() -> Arc<Project> {
    static EMPTY: OnceLock<Arc<Project>> = OnceLock::new();
    EMPTY
        .get_or_init(|| {
            Arc::new(build_project(
                &parse_segment("项目:\n"),
                "项目:\n",
                crate::model::vocab::Vocab::builtin(),
            ))
        })
        .clone()
}

impl DocState {
    pub fn new(text: &str, version: i32, settings: Arc<Settings>) -> DocState {
        DocState::from_rope(Rope::from_str(text), version, settings)
    }

    /// [`DocState::new`] taking the text: it is dropped as soon as the rope holds it, before the
    /// projects are read (from the rope, a piece at a time), so that opening a large file
    /// holds the text twice only while the rope is built.
    pub fn from_string(text: String, version: i32, settings: Arc<Settings>) -> DocState {
        DocState::from_rope(rope_of(text), version, settings)
    }

    fn from_rope(rope: Rope, version: i32, settings: Arc<Settings>) -> DocState {
        let mut d = DocState {
            version,
            rope,
            tree: SyntaxTree {
                segments: Vec::new(),
            },
            starts: Vec::new(),
            header: Arc::new(Header::default()),
            models: Vec::new(),
            touched: Vec::new(),
            clock: 0,
            keys: Vec::new(),
            implementers: Vec::new(),
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

    /// Number of projects.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Segment `seg` with its lines: kept if hot, else parsed again (not kept).
    pub fn segment(&self, seg: usize) -> Arc<Segment> {
        let s = &self.tree.segments[seg];
        if is_cold(s) {
            parse_segment(&self.seg_text(seg))
        } else {
            s.clone()
        }
    }

    /// Project `i`'s model: kept if hot, else built again (not kept).
    pub fn project(&self, i: usize) -> Option<Arc<Project>> {
        if let Some(p) = self.models.get(i)? {
            return Some(p.clone());
        }
        let seg = self.segment(i + 1);
        let text = self.seg_text(i + 1);
        Some(Arc::new(build_project(&seg, &text, &self.settings.vocab)))
    }

    /// Project `i`'s name and the span of its name, relative to its segment.
    pub fn project_name(&self, i: usize) -> (&str, crate::syntax::Span) {
        (&self.keys[i].name, self.keys[i].span)
    }

    /// Project `i`'s (单位, 年度) key (`declaration::key_of`), without building it.
    pub fn project_key(&self, i: usize) -> Option<(String, i32)> {
        declaration::key_with(&self.header, self.implementers[i].as_deref())
    }

    /// Calls `f` with every project in order, building the cold ones one at a time.
    pub fn each_project(&self, mut f: impl FnMut(usize, &Project)) {
        for i in 0..self.len() {
            if let Some(p) = self.project(i) {
                f(i, &p);
            }
        }
    }

    /// The whole tree, every segment with its lines (for tests: equals a full parse).
    pub fn full_tree(&self) -> SyntaxTree {
        SyntaxTree {
            segments: (0..self.tree.segments.len())
                .map(|i| self.segment(i))
                .collect(),
        }
    }

    /// Whether every project is kept hot: a document held against other forms, whose checks
    /// read every project on each keystroke.
    fn keep_all(&self) -> bool {
        !self.decls.is_empty()
    }

    /// Keeps project `i` (with its segment, model and last check) as edited now; forgets the
    /// projects edited longest ago beyond [`HOT`].
    fn touch(&mut self, i: usize) {
        self.clock += 1;
        self.touched[i] = self.clock;
        if self.keep_all() {
            return;
        }
        let hot = self.touched.iter().filter(|&&t| t > 0).count();
        for _ in HOT..hot {
            let Some(j) = (0..self.touched.len())
                .filter(|&j| self.touched[j] > 0)
                .min_by_key(|&j| self.touched[j])
            else {
                break;
            };
            self.cool(j);
        }
    }

    fn cool(&mut self, j: usize) {
        self.touched[j] = 0;
        self.models[j] = None;
        self.memos[j] = None;
        let seg = &mut self.tree.segments[j + 1];
        if !is_cold(seg) {
            *seg = cold(seg.len);
        }
    }

    /// Makes every project hot (the document is now held against other forms).
    fn warm_all(&mut self) {
        for i in 0..self.len() {
            if self.models[i].is_none() {
                let seg = self.segment(i + 1);
                let p = build_project(&seg, &self.seg_text(i + 1), &self.settings.vocab);
                self.models[i] = Some(Arc::new(p));
                self.tree.segments[i + 1] = seg;
            }
            self.clock += 1;
            self.touched[i] = self.clock;
        }
    }

    /// Reads the rope in one pass, segment by segment, [`PIECE`] bytes of it at a time: each
    /// project is built, checked and, unless it is to stay hot, dropped before the next.
    pub fn rebuild_all(&mut self) {
        self.rebuild_in_pieces(PIECE);
    }

    fn rebuild_in_pieces(&mut self, piece: usize) {
        let settings = self.settings.clone();
        let keep_all = self.keep_all();
        let (mut segments, mut header) = (Vec::new(), None);
        let (mut models, mut keys, mut diags, mut memos, mut fps) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut implementers = Vec::new();
        let rope = &self.rope;
        let mut pos = 0;
        let next = |held: usize| -> Option<String> {
            if pos == rope.len_bytes() {
                return None;
            }
            // Up to the end of a line (the parser's lines end at `\n` only).
            let mut end = (pos + piece.max(held)).min(rope.len_bytes());
            end += rope
                .bytes_at(end)
                .position(|b| b == b'\n')
                .map_or(0, |i| i + 1);
            let end = end.min(rope.len_bytes());
            let text: Cow<str> = rope.byte_slice(pos..end).into();
            pos = end;
            Some(text.into_owned())
        };
        parse_pieces(next, |seg, seg_text| {
            let Some(h) = &header else {
                header = Some(Arc::new(build_header(&seg, seg_text)));
                segments.push(seg);
                return;
            };
            let p = Arc::new(build_project(&seg, seg_text, &settings.vocab));
            let (d, m) = check_project_memo(&p, h, &settings, None);
            keys.push(duplicate_key(&p));
            implementers.push(implementer(&p));
            fps.push(fingerprint(&p, &settings.vocab));
            diags.push(Arc::new(d));
            if keep_all {
                memos.push(Some(Box::new(m)));
                models.push(Some(p));
                segments.push(seg);
            } else {
                memos.push(None);
                models.push(None);
                segments.push(cold(seg.len));
            }
        });
        self.tree = SyntaxTree { segments };
        self.starts = self.tree.segment_starts();
        self.header = header.expect("the first segment is the header");
        let n = keys.len();
        self.touched = if keep_all {
            (1..=n as u64).collect()
        } else {
            vec![0; n]
        };
        self.clock = n as u64;
        (self.models, self.keys, self.project_diags, self.memos) = (models, keys, diags, memos);
        self.implementers = implementers;
        self.copy = CopyIndex::of(fps);
        self.finish_recheck();
    }

    /// Re-checks every project (the header changed).
    fn recheck_all(&mut self) {
        // The memos are of the old header: nothing is replayed from them.
        for i in 0..self.len() {
            let p = self.project(i).expect("in range");
            let (d, m) = check_project_memo(&p, &self.header, &self.settings, None);
            self.project_diags[i] = Arc::new(d);
            if self.models[i].is_some() {
                self.memos[i] = Some(Box::new(m));
            }
        }
        self.finish_recheck();
    }

    /// The file-wide diagnostics, after every project's own.
    fn finish_recheck(&mut self) {
        self.header_diags = check_header(&self.header, &self.settings);
        self.dup_diags = check_duplicates(&self.keys, &self.settings);
        self.copy_diags = (0..self.len()).map(|i| self.copy_diagnostics(i)).collect();
        self.converted = vec![None; self.len()];
        self.declared = None;
        self.relink();
    }

    fn copy_diagnostics(&self, i: usize) -> Vec<Diagnostic> {
        if !self.copy.may_report(i) {
            return Vec::new();
        }
        let p = self.project(i).expect("in range");
        let name = |j: usize| &*self.keys[j].name;
        self.copy.diagnostics(i, &p, name, &self.settings)
    }

    pub fn is_self_eval(&self) -> bool {
        self.header.form_kind() == FormKind::SelfEval
    }

    /// Re-checks the 自评表 against the declared projects: a pass over its projects, cheap enough
    /// for every keystroke (every project is hot then).
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
        if self.keep_all() {
            self.warm_all();
        }
        let old = std::mem::take(&mut self.link_diags);
        self.relink();
        old != self.link_diags
    }

    /// The summarised projects of this document (`check::declaration`), spans absolute.
    pub fn declared(&mut self, source: &Arc<Path>) -> &Declared {
        if self.declared.is_none() {
            let kind = self.header.form_kind();
            let mut d = Vec::new();
            self.each_project(|i, p| {
                if let Some(key) = declaration::key_of(&self.header, p) {
                    let base = self.starts[i + 1];
                    let s = declaration::summarize_project(p, kind, base, source);
                    d.push((key, Arc::new(s)));
                }
            });
            self.declared = Some(d);
        }
        self.declared.as_ref().unwrap()
    }

    /// Brings the copy-paste diagnostics up to date after projects `first..first + added`
    /// (hot) replaced `removed` others; a project whose diagnostics change is converted anew.
    fn update_copies(&mut self, first: usize, removed: usize, added: usize, renamed: &[bool]) {
        let fp = |k: usize| {
            let p = self.models[k].as_ref().expect("an edited project is hot");
            fingerprint(p, &self.settings.vocab)
        };
        let affected: Vec<usize> = if removed == added {
            let mut a = Vec::new();
            for k in first..first + added {
                let f = fp(k);
                a.extend(self.copy.replace(k, f, renamed[k - first]));
            }
            a.sort_unstable();
            a.dedup();
            a
        } else {
            self.copy_diags.splice(
                first..first + removed,
                std::iter::repeat_n(Vec::new(), added),
            );
            let new: Vec<_> = (first..first + added).map(fp).collect();
            self.copy.splice(first..first + removed, new);
            (0..self.len()).collect()
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
        let new_keys: Vec<DupKey> = new_projects.iter().map(|p| duplicate_key(p)).collect();
        let old = p_first..p_first + p_removed;
        let names_kept = self.keys[old.clone()] == new_keys[..];
        let renamed: Vec<bool> = if p_removed == p_added {
            self.keys[old.clone()]
                .iter()
                .zip(&new_keys)
                .map(|(a, b)| a.name != b.name)
                .collect()
        } else {
            Vec::new()
        };
        // A project edited in place is re-checked against its last check (if it has one).
        let old_memos: Vec<Option<Box<Memo>>> = if p_removed == p_added {
            self.memos[old.clone()]
                .iter_mut()
                .map(|m| m.take())
                .collect()
        } else {
            Vec::new()
        };
        self.keys.splice(old.clone(), new_keys);
        self.implementers
            .splice(old.clone(), new_projects.iter().map(|p| implementer(p)));
        self.models
            .splice(old.clone(), new_projects.iter().cloned().map(Some));
        self.touched
            .splice(old.clone(), std::iter::repeat_n(0, p_added));
        self.memos
            .splice(old.clone(), std::iter::repeat_n(None, p_added));
        if header_touched {
            let text: Cow<str> = self.rope.byte_slice(self.starts[0]..self.starts[1]).into();
            let header = build_header(&self.tree.segments[0], &text);
            if *self.header != header {
                self.header = Arc::new(header);
                self.project_diags
                    .splice(old.clone(), std::iter::repeat_n(Arc::default(), p_added));
                self.copy_diags
                    .splice(old.clone(), std::iter::repeat_n(Vec::new(), p_added));
                let new: Vec<_> = new_projects
                    .iter()
                    .map(|p| fingerprint(p, &self.settings.vocab))
                    .collect();
                self.copy.splice(old.clone(), new);
                for k in p_first..p_first + p_added {
                    self.touch(k);
                }
                self.recheck_all();
                return;
            }
        }
        let (new_diags, new_memos): (Vec<_>, Vec<_>) = new_projects
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let prev = old_memos.get(k).and_then(|m| m.as_deref());
                let (d, m) = check_project_memo(p, &self.header, &self.settings, prev);
                (Arc::new(d), Some(Box::new(m)))
            })
            .unzip();
        self.project_diags.splice(old.clone(), new_diags);
        self.memos.splice(p_first..p_first + p_added, new_memos);
        self.converted
            .splice(old, std::iter::repeat_n(None, p_added));
        self.update_copies(p_first, p_removed, p_added, &renamed);
        // duplicate-project looks at every name: redo it only when a name (or a total it
        // quotes) changed.
        if !names_kept {
            self.dup_diags = check_duplicates(&self.keys, &self.settings);
        }
        for k in p_first..p_first + p_added {
            self.touch(k);
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
            self.converted = vec![None; self.len()];
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
        for i in 0..self.len() {
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

    /// The whole model, cold projects built again: for the checks that read every project.
    pub fn document(&self) -> Document {
        Document {
            header: self.header.clone(),
            projects: (0..self.len()).filter_map(|i| self.project(i)).collect(),
        }
    }

    /// Calls `f` with each segment of `segs` in order: its lines, their roles, its text and
    /// where it starts. Cold projects are built one at a time (the formatter's walk).
    pub fn each_segment(
        &self,
        segs: Range<usize>,
        mut f: impl FnMut(&Segment, &[LineRole], &str, usize),
    ) {
        for seg in segs {
            let segment = self.segment(seg);
            let project = seg.checked_sub(1).and_then(|i| self.project(i));
            let roles = project.as_ref().map_or(&self.header.roles, |p| &p.roles);
            f(&segment, roles, &self.seg_text(seg), self.starts[seg]);
        }
    }

    /// Number of segments (the header and the projects).
    pub fn segment_count(&self) -> usize {
        self.tree.segments.len()
    }

    /// The segment containing byte `offset` (the last one when past the end).
    pub fn segment_at(&self, offset: usize) -> usize {
        crate::syntax::segment_containing(&self.starts, offset)
    }

    /// The segments overlapping the bytes `range`.
    pub fn segments_over(&self, range: Range<usize>) -> Range<usize> {
        self.segment_at(range.start)..self.segment_at(range.end) + 1
    }

    /// Runs `f` with an [`ide::View`](crate::ide::View) of this document whose segments
    /// `segs` have their lines and models (the others are placeholders: a feature reads the
    /// segments it was asked about, and the whole file through `View::each_project`).
    pub fn with_view<T>(&self, segs: Range<usize>, f: impl FnOnce(&View) -> T) -> T {
        let n = self.tree.segments.len();
        let segs = segs.start.min(n)..segs.end.min(n);
        let mut tree = self.tree.clone();
        for seg in segs.clone() {
            tree.segments[seg] = self.segment(seg);
        }
        let placeholder = placeholder();
        let projects: Vec<Arc<Project>> = (0..self.len())
            .map(|i| {
                if segs.contains(&(i + 1)) {
                    self.project(i).expect("in range")
                } else {
                    self.models[i]
                        .clone()
                        .unwrap_or_else(|| placeholder.clone())
                }
            })
            .collect();
        let rope = &self.rope;
        let text = |r: Range<usize>| -> Cow<'_, str> {
            rope.byte_slice(r.start.min(rope.len_bytes())..r.end.min(rope.len_bytes()))
                .into()
        };
        let each = |f: &mut dyn FnMut(&Project)| self.each_project(|_, p| f(p));
        let view = View {
            tree: &tree,
            starts: &self.starts,
            header: &self.header,
            projects: &projects,
            segs,
            settings: &self.settings,
            text: &text,
            each_project: &each,
        };
        f(&view)
    }

    /// Runs `f` over views of every segment, `BATCH` segments at a time, collecting what it
    /// returns: a feature over the whole file holds the lines of one batch at once.
    pub fn each_view<T>(&self, segs: Range<usize>, mut f: impl FnMut(&View) -> Vec<T>) -> Vec<T> {
        const BATCH: usize = 64;
        let mut out = Vec::new();
        let end = segs.end.min(self.tree.segments.len());
        for start in segs.step_by(BATCH) {
            out.extend(self.with_view(start..(start + BATCH).min(end), &mut f));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 申报表 of `n` projects; every tenth has the name of the one before it (duplicate-
    /// project) and every seventh the goal of the first (copied-goal).
    fn form(n: usize) -> String {
        let mut s = String::from("表: 绩效目标申报表\n年度: 2025\n单位: 甲单位\n");
        for i in 0..n {
            let name = if i % 10 == 9 { i - 1 } else { i };
            let goal = if i % 7 == 6 {
                "完成全年参保人员就医凭证制作，保障参保人员按时就医，提升经办服务质量。".to_string()
            } else {
                format!(
                    "第{i}个项目完成培训{}人次，覆盖全部街镇，提升服务水平。",
                    100 + i
                )
            };
            s.push_str(&format!(
                "\n项目: 项目{name}\n  项目类别: 其他运转类\n  资金:\n    年度资金申请总额: {}.00\n  年度总体目标:\n    > {goal}\n  产出指标:\n    数量指标:\n      培训人次: ≥{}(人次)\n",
                10_000 + i,
                100 + i
            ));
        }
        s
    }

    /// A text of several pieces, cut inside neither a character nor the text: the rope is it.
    #[test]
    fn a_large_text_goes_into_the_rope_whole() {
        let text = "项目: 甲\r\n  > 𠀀文本a\n".repeat(150_000);
        assert!(text.len() > 3 << 20);
        assert_eq!(rope_of(text.clone()), text.as_str());
        assert_eq!(rope_of(String::new()), "");
    }

    /// Read in pieces of any size, the document is what one pass over the whole text gives.
    #[test]
    fn reading_in_pieces_is_reading_whole() {
        let mut texts = vec![
            String::new(),
            "\n".into(),
            "项目: 甲\n".into(),
            "表: 绩效目标申报表\r\n年度: 2025\r\n\r\n项目: 乙\r\n  年度总体目标:\r\n    > 文本\r"
                .into(),
            "\u{FEFF}表: 绩效目标申报表\n  项目: 缩进\n项目:\n项目: 丙\n项目: 丙".into(),
        ];
        texts.push(form(12));
        let settings = Arc::new(Settings::default());
        for text in &texts {
            let full = crate::analysis::analyze(text, &settings);
            for piece in [1, 2, 7, 64, 1000, PIECE] {
                let mut doc = DocState::new(text, 1, settings.clone());
                doc.rebuild_in_pieces(piece);
                assert_eq!(doc.full_tree(), full.tree, "{piece} {text:?}");
                let key = |d: &Diagnostic| (d.span.start, d.span.end, d.rule, d.message.clone());
                let (mut a, mut b) = (doc.diagnostics(), full.diagnostics.clone());
                a.sort_by_key(key);
                b.sort_by_key(key);
                assert_eq!(a, b, "{piece} {text:?}");
            }
        }
    }

    /// More projects are edited than are kept whole: the ones edited longest ago go cold and
    /// are built again from the text when needed; after every edit the document equals a full
    /// analysis (tree, diagnostics, what is sent) and keeps at most `HOT` projects.
    #[test]
    fn editing_more_projects_than_are_kept_whole() {
        let text = form(HOT * 2 + 10);
        let goals: Vec<usize> = text.match_indices("    > ").map(|(i, _)| i + 6).collect();
        // Backwards, so that each offset is still right when its edit comes.
        let edits: Vec<(usize, usize, String)> = goals
            .iter()
            .rev()
            .map(|&at| (at, at, "新".to_string()))
            .collect();
        crate::invariants::check_edits(&text, &edits).unwrap();
        let mut doc = DocState::new(&text, 1, Arc::new(Settings::default()));
        for &(a, b, ref t) in &edits {
            doc.edit(a..b, t);
            assert!(doc.models.iter().flatten().count() <= HOT);
            assert_eq!(
                doc.tree.segments.iter().filter(|s| !is_cold(s)).count(),
                doc.models.iter().flatten().count() + 1,
                "a segment is whole exactly when its project's model is kept"
            );
        }
        // Renaming a cooled project into a duplicate, and deleting a project, still agree.
        let first = text.find("项目: 项目1\n").unwrap() + "项目: 项目".len();
        let second = text.find("\n项目: 项目2\n").unwrap();
        let third = text.find("\n项目: 项目3\n").unwrap();
        let edits = [
            (second, third, String::new()),
            (first, first + 1, "0".to_string()),
        ];
        crate::invariants::check_edits(&text, &edits).unwrap();
        let rules: Vec<&str> = doc.diagnostics().iter().map(|d| d.rule).collect();
        for rule in ["duplicate-project", "copied-goal"] {
            assert!(rules.contains(&rule), "{rule} in {rules:?}");
        }
    }
}

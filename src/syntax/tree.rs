//! The lossless syntax tree: the file cut into segments — the header, then one segment per
//! `项目:` line up to the next. Segments hold only positions relative to themselves, so an edit
//! re-parses the segments it touches and shares the rest (`Arc`) with the previous tree.

use super::line::{lines, Line, LineKind};
use std::borrow::Cow;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub lines: Vec<Line>,
    /// Length in bytes, terminators included.
    pub len: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxTree {
    /// `segments[0]` is the header (possibly empty); every other segment starts with a `项目:` line.
    pub segments: Vec<Arc<Segment>>,
}

/// The result of [`SyntaxTree::reparse_with`].
pub struct Reparse {
    pub tree: SyntaxTree,
    pub first: usize,
    pub removed: usize,
    pub added: usize,
}

/// The key that starts a project.
pub const PROJECT_KEY: &str = "项目";

pub fn starts_project(line: &Line, text: &str) -> bool {
    match &line.kind {
        LineKind::Entry { key, .. } => &line.text(text)[key.range()] == PROJECT_KEY,
        _ => false,
    }
}

/// Parses `text` in full. Never fails: unparsable lines are `LineKind::Error`.
pub fn parse(text: &str) -> SyntaxTree {
    SyntaxTree {
        segments: split(text, true),
    }
}

/// [`parse`], handing each segment to `f` as soon as its last line is read: the header first
/// (possibly empty), then the projects. A caller that builds each segment right away finds
/// its lines and text still in the cache.
pub fn parse_each(text: &str, mut f: impl FnMut(Arc<Segment>)) {
    each_segment(text, true, |s| {
        f(s);
        true
    })
}

/// The header segment alone, without parsing the projects after it.
pub fn parse_header(text: &str) -> Arc<Segment> {
    let mut header = None;
    each_segment(text, true, |s| {
        header = Some(s);
        false
    });
    header.expect("the first segment is the header")
}

/// [`parse_each`] of text that comes in pieces (a rope's): `next()` gives the next piece,
/// each ending with a `\n` except the last. The segments handed to `f` are those of the
/// whole text; only the segment still open is held, with the piece being read, so the whole
/// text is never one string. `f` gets each segment with its text.
pub fn parse_pieces(
    mut next: impl FnMut(usize) -> Option<String>,
    mut f: impl FnMut(Arc<Segment>, &str),
) {
    let mut carry = String::new();
    let mut header = true;
    let mut done = false;
    while !done {
        // At least the size of what is held: a segment longer than a piece is read in pieces
        // that double, not re-split once per piece.
        match next(carry.len()) {
            Some(piece) => carry.push_str(&piece),
            None => done = true,
        }
        let mut segs = Vec::new();
        each_segment(&carry, header, |s| {
            segs.push(s);
            true
        });
        // The last segment may go on in the next piece.
        let keep = if done {
            segs.len()
        } else {
            segs.len().saturating_sub(1)
        };
        let mut at = 0;
        for s in segs.into_iter().take(keep) {
            let len = s.len as usize;
            f(s, &carry[at..at + len]);
            header = false;
            at += len;
        }
        carry.drain(..at);
    }
}

/// The segment containing byte `offset` (the last one when past the end), given
/// [`SyntaxTree::segment_starts`] (the segments' starts and the total length).
pub fn segment_containing(starts: &[usize], offset: usize) -> usize {
    let n = starts.len().saturating_sub(1);
    starts[..n]
        .partition_point(|&s| s <= offset)
        .saturating_sub(1)
}

/// One project segment parsed from its own text (which starts with its `项目:` line), for a
/// caller that keeps segments' lengths only and parses one again when it needs its lines.
pub fn parse_segment(text: &str) -> Arc<Segment> {
    let mut seg = None;
    each_segment(text, false, |s| {
        debug_assert!(seg.is_none(), "one segment");
        seg = Some(s);
        false
    });
    seg.unwrap_or_else(|| {
        Arc::new(Segment {
            lines: Vec::new(),
            len: 0,
        })
    })
}

/// Cuts `text` into segments. When `with_header` the first segment is the header (empty if
/// the text starts with a project).
fn split(text: &str, with_header: bool) -> Vec<Arc<Segment>> {
    let mut out = Vec::new();
    each_segment(text, with_header, |s| {
        out.push(s);
        true
    });
    out
}

/// Hands each segment to `f` until it returns false.
fn each_segment(text: &str, with_header: bool, mut f: impl FnMut(Arc<Segment>) -> bool) {
    // The current segment's lines are gathered in one reused buffer and copied out once, at
    // their final size: no vector of the whole file's lines, no growth per segment.
    let mut cur: Vec<Line> = Vec::new();
    let mut cur_start = 0u32;
    let mut first = with_header;
    for mut line in lines(text) {
        let line_start = line.start;
        if starts_project(&line, text) && (!cur.is_empty() || first) {
            if !f(Arc::new(Segment {
                len: line_start - cur_start,
                lines: cur.as_slice().to_vec(),
            })) {
                return;
            }
            cur.clear();
            cur_start = line_start;
        }
        first = false;
        line.start -= cur_start;
        cur.push(line);
    }
    if !cur.is_empty() || first {
        f(Arc::new(Segment {
            len: text.len() as u32 - cur_start,
            lines: cur.as_slice().to_vec(),
        }));
    }
}

impl SyntaxTree {
    /// Byte offset of each segment's start, and the total length.
    pub fn segment_starts(&self) -> Vec<usize> {
        let mut at = 0usize;
        let mut out = Vec::with_capacity(self.segments.len() + 1);
        for s in &self.segments {
            out.push(at);
            at += s.len as usize;
        }
        out.push(at);
        out
    }

    pub fn len(&self) -> usize {
        self.segments.iter().map(|s| s.len as usize).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Re-parses after the bytes `start..old_end` of the old text were replaced, giving
    /// `new_text`. Only the segments the edit touches (and their neighbours at a boundary) are
    /// re-lexed; the result equals `parse(new_text)`.
    pub fn reparse(&self, new_text: &str, start: usize, old_end: usize) -> SyntaxTree {
        self.reparse_with(new_text.len(), start, old_end, &|r| {
            Cow::Borrowed(&new_text[r])
        })
        .tree
    }

    /// [`reparse`](Self::reparse) for text that is not one `&str` (a rope): `slice` returns a
    /// byte range of the new text. Also says which segments were replaced, so a caller can
    /// splice per-segment caches: `old[first..first + removed]` became `new[first..first + added]`.
    pub fn reparse_with<'a>(
        &self,
        new_len: usize,
        start: usize,
        old_end: usize,
        slice: &'a dyn Fn(std::ops::Range<usize>) -> Cow<'a, str>,
    ) -> Reparse {
        let mut tree = self.clone();
        let (first, removed, added) = tree.reparse_in_place(new_len, start, old_end, slice);
        Reparse {
            tree,
            first,
            removed,
            added,
        }
    }

    /// [`reparse_with`](Self::reparse_with), changing this tree: returns `(first, removed,
    /// added)`. The untouched segments stay where they are — no per-segment work at all, where
    /// building a new tree would count every `Arc` up and down (the bulk of a keystroke in a
    /// large file).
    pub fn reparse_in_place<'a>(
        &mut self,
        new_len: usize,
        start: usize,
        old_end: usize,
        slice: &'a dyn Fn(std::ops::Range<usize>) -> Cow<'a, str>,
    ) -> (usize, usize, usize) {
        let starts = self.segment_starts();
        let n = self.segments.len();
        let old_len = starts[n];
        let delta = new_len as isize - old_len as isize;
        // Segment containing a byte offset; an offset on a boundary counts for both sides.
        let seg_of = |off: usize| segment_containing(&starts, off);
        let mut first = seg_of(start);
        if first > 0 && starts[first] == start {
            first -= 1;
        }
        let mut last = seg_of(old_end);
        if last + 1 < n && starts[last + 1] == old_end {
            last += 1;
        }
        loop {
            let region_start = starts[first];
            let region_end_new = (starts[last + 1] as isize + delta) as usize;
            let region = slice(region_start..region_end_new);
            let pieces = split(&region, first == 0);
            // A region that no longer starts with a project line belongs to the segment before it.
            let head_ok = first == 0
                || !region.is_empty()
                    && pieces
                        .first()
                        .and_then(|p| p.lines.first())
                        .is_some_and(|l| starts_project(l, &region));
            if !head_ok {
                first -= 1;
                continue;
            }
            let new: Vec<Arc<Segment>> = pieces
                .into_iter()
                .enumerate()
                .filter(|(i, p)| !p.lines.is_empty() || (first == 0 && *i == 0))
                .map(|(_, p)| p)
                .collect();
            let added = new.len();
            self.segments.splice(first..=last, new);
            return (first, last + 1 - first, added);
        }
    }

    /// A readable dump: one line per source line with its kind and pieces. Used by fixtures.
    pub fn dump(&self, text: &str) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let starts = self.segment_starts();
        for (i, seg) in self.segments.iter().enumerate() {
            let base = starts[i];
            let seg_text = &text[base..base + seg.len as usize];
            let _ = writeln!(
                out,
                "{} @{}..{}",
                if i == 0 { "HEADER" } else { "PROJECT" },
                base,
                base + seg.len as usize
            );
            for l in &seg.lines {
                let t = l.text(seg_text);
                let piece = |s: super::Span| &t[s.range()];
                let desc = match &l.kind {
                    LineKind::Blank => "blank".to_string(),
                    LineKind::Comment { text } => format!("comment {:?}", piece(*text)),
                    LineKind::Text { body, .. } => format!("text {:?}", piece(*body)),
                    LineKind::Entry { key, value, .. } => {
                        format!("entry {:?} = {:?}", piece(*key), piece(*value))
                    }
                    LineKind::Error { kind } => format!("error {kind:?} {t:?}"),
                };
                let _ = writeln!(
                    out,
                    "  {:>4} indent={} {}",
                    base + l.start as usize,
                    l.indent_cols,
                    desc
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_projects() {
        let t = "表: 绩效目标申报表\n\n项目: 甲\n  a: 1\n项目: 乙\n";
        let tree = parse(t);
        assert_eq!(tree.segments.len(), 3);
        assert_eq!(tree.len(), t.len());
        let t2 = "项目: 甲\n";
        assert_eq!(parse(t2).segments.len(), 2);
        assert_eq!(parse("").segments.len(), 1);
    }

    #[test]
    fn header_alone_is_the_first_segment() {
        for t in [
            "表: 绩效目标申报表\n\n项目: 甲\n  a: 1\n项目: 乙\n",
            "项目: 甲\n",
            "表: 绩效目标申报表\n# 注\n",
            "",
        ] {
            assert_eq!(*parse_header(t), *parse(t).segments[0], "{t:?}");
        }
    }

    #[test]
    fn reparse_matches_full_parse() {
        let old = "表: 绩效目标申报表\n项目: 甲\n  a: 1\n项目: 乙\n  b: 2\n";
        let tree = parse(old);
        for (start, end, ins) in [
            (0, 0, "x"),
            (12, 14, ""),
            (old.len(), old.len(), "项目: 丙\n"),
            (20, 30, "\n项目: 丁\n"),
        ] {
            let (start, end) = (floor(old, start), floor(old, end.max(start)));
            let new = format!("{}{}{}", &old[..start], ins, &old[end..]);
            assert_eq!(tree.reparse(&new, start, end), parse(&new), "{new:?}");
        }
    }

    fn floor(s: &str, mut i: usize) -> usize {
        while !s.is_char_boundary(i) {
            i -= 1;
        }
        i
    }
}

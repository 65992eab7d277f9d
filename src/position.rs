//! Byte offsets ↔ (line, column) — the one place where positions are converted.
//! Columns come in three units: bytes (UTF-8), UTF-16 code units (LSP's default), and
//! characters (what a person counts; the CLI's columns). `\r\n` ends a line; `\r` is not
//! part of any column.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Chars,
}

#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.len)
    }

    /// The line's content range, without its terminator.
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let s = self.line_start(line);
        let mut e = self.starts.get(line + 1).map(|n| n - 1).unwrap_or(self.len);
        if e > s && text.as_bytes().get(e - 1) == Some(&b'\r') {
            e -= 1;
        }
        s..e.max(s)
    }

    /// (line, column), both 0-based. An offset inside a character counts from its start.
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> (usize, usize) {
        let offset = offset.min(self.len);
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let range = self.line_range(text, line);
        let upto = offset.min(range.end);
        let mut at = upto;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let piece = &text[range.start..at];
        let col = match enc {
            Encoding::Utf8 => piece.len(),
            Encoding::Utf16 => piece.chars().map(char::len_utf16).sum(),
            Encoding::Chars => piece.chars().count(),
        };
        (line, col)
    }

    /// The byte offset of (line, column); positions past a line's end clamp to it, lines past
    /// the end clamp to the end of the text. A column inside a surrogate pair rounds down.
    pub fn offset(&self, text: &str, line: usize, col: usize, enc: Encoding) -> usize {
        if line >= self.starts.len() {
            return self.len;
        }
        let range = self.line_range(text, line);
        let s = &text[range.clone()];
        let mut units = 0usize;
        for (i, c) in s.char_indices() {
            let w = match enc {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
                Encoding::Chars => 1,
            };
            if units + w > col {
                return range.start + i;
            }
            units += w;
        }
        range.end
    }
}

/// The same conversions over a rope (the server's documents). Lines end at `\n`, `\r\n` or
/// `\r`, as LSP defines them.
pub mod rope {
    use super::Encoding;
    use ropey::Rope;

    fn line_content_end(rope: &Rope, line: usize) -> usize {
        let start = rope.line_to_byte(line);
        let slice = rope.line(line);
        let mut len = slice.len_bytes();
        let last = |len: usize| {
            if len == 0 {
                None
            } else {
                Some(slice.byte(len - 1))
            }
        };
        if last(len) == Some(b'\n') {
            len -= 1;
            if last(len) == Some(b'\r') {
                len -= 1;
            }
        } else if last(len) == Some(b'\r') {
            len -= 1;
        }
        start + len
    }

    pub fn position(rope: &Rope, offset: usize, enc: Encoding) -> (usize, usize) {
        let offset = rope.char_to_byte(rope.byte_to_char(offset.min(rope.len_bytes())));
        let line = rope.byte_to_line(offset);
        let start = rope.line_to_byte(line);
        let end = offset.min(line_content_end(rope, line));
        let piece = rope.byte_slice(start..end);
        let col = match enc {
            Encoding::Utf8 => piece.len_bytes(),
            Encoding::Utf16 => piece.len_utf16_cu(),
            Encoding::Chars => piece.len_chars(),
        };
        (line, col)
    }

    /// [`position`] of ascending offsets (a document's semantic tokens), each found from the
    /// one before on the same line: the rope is searched once per line, not per offset, and a
    /// column counts only the characters since the last one.
    pub struct Walker<'r> {
        rope: &'r Rope,
        enc: Encoding,
        line: usize,
        /// The current line's start, its content (terminator left out), the next line's start.
        start: usize,
        content: String,
        next: usize,
        /// The last offset converted on this line, relative to its start, and its column.
        at: usize,
        col: usize,
    }

    impl<'r> Walker<'r> {
        pub fn new(rope: &'r Rope, enc: Encoding) -> Walker<'r> {
            Walker {
                rope,
                enc,
                line: 0,
                start: 0,
                content: String::new(),
                next: 0,
                at: 0,
                col: 0,
            }
        }

        pub fn position(&mut self, offset: usize) -> (usize, usize) {
            let offset = offset.min(self.rope.len_bytes());
            if offset < self.start + self.at || offset >= self.next {
                self.line = self.rope.byte_to_line(offset);
                self.start = self.rope.line_to_byte(self.line);
                let end = line_content_end(self.rope, self.line);
                self.content = self.rope.byte_slice(self.start..end).into();
                self.next = if self.line + 1 < self.rope.len_lines() {
                    self.rope.line_to_byte(self.line + 1)
                } else {
                    usize::MAX
                };
                (self.at, self.col) = (0, 0);
            }
            let mut rel = (offset - self.start).min(self.content.len());
            while !self.content.is_char_boundary(rel) {
                rel -= 1;
            }
            if rel > self.at {
                let piece = &self.content[self.at..rel];
                self.col += match self.enc {
                    Encoding::Utf8 => piece.len(),
                    Encoding::Utf16 => piece.chars().map(char::len_utf16).sum(),
                    Encoding::Chars => piece.chars().count(),
                };
                self.at = rel;
            }
            (self.line, self.col)
        }
    }

    pub fn offset(rope: &Rope, line: usize, col: usize, enc: Encoding) -> usize {
        if line >= rope.len_lines() {
            return rope.len_bytes();
        }
        let start = rope.line_to_byte(line);
        let end = line_content_end(rope, line);
        let content = rope.byte_slice(start..end);
        let char_idx = match enc {
            Encoding::Utf8 => content.byte_to_char(col.min(content.len_bytes())),
            Encoding::Utf16 => content.utf16_cu_to_char(col.min(content.len_utf16_cu())),
            Encoding::Chars => col.min(content.len_chars()),
        };
        start + content.char_to_byte(char_idx)
    }
}

/// [`rope::position`] of many offsets of a text, in one pass and without a rope (a file read
/// from disk to be checked, whose problems must have the positions an open document gives).
pub mod walk {
    use super::Encoding;

    /// (line, column) of each of `offsets`, which must be sorted.
    pub fn positions(text: &str, offsets: &[usize], enc: Encoding) -> Vec<(usize, usize)> {
        let b = text.as_bytes();
        let (mut at, mut line, mut line_start) = (0usize, 0usize, 0usize);
        let mut out = Vec::with_capacity(offsets.len());
        for &o in offsets {
            let mut o = o.min(text.len());
            while !text.is_char_boundary(o) {
                o -= 1;
            }
            debug_assert!(o >= at, "offsets must be sorted");
            for i in at..o {
                // `\r\n` is one break, counted at its `\n`.
                if b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n')) {
                    line += 1;
                    line_start = i + 1;
                }
            }
            at = at.max(o);
            // On the `\n` of a `\r\n`: the end of the line's content, before the `\r`.
            let end = if o > line_start && b[o - 1] == b'\r' {
                o - 1
            } else {
                o
            };
            let piece = &text[line_start..end];
            let col = match enc {
                Encoding::Utf8 => piece.len(),
                Encoding::Utf16 => piece.chars().map(char::len_utf16).sum(),
                Encoding::Chars => piece.chars().count(),
            };
            out.push((line, col));
        }
        out
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// Every offset, every line end, every encoding: what the rope gives.
        #[test]
        fn as_the_rope() {
            for t in [
                "",
                "表: 𠀀a\r\n项目: 乙\n",
                "a\rb\r\n\r\nc\n\rd\r",
                "\n\n",
                "x\r",
            ] {
                let r = ropey::Rope::from_str(t);
                let offsets: Vec<usize> = (0..=t.len() + 2).collect();
                for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Chars] {
                    let got = positions(t, &offsets, enc);
                    for (&o, g) in offsets.iter().zip(got) {
                        assert_eq!(g, super::super::rope::position(&r, o, enc), "{t:?} {o}");
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walker gives `rope::position` for any ascending offsets, inside characters, line
    /// terminators (`\r\n`, lone `\r`) and past the end included.
    #[test]
    fn the_walker_agrees_with_position() {
        let t = "表: 𠀀a\r\n项目: 乙\n\r  x\u{2028}y\r\n";
        let r = ropey::Rope::from_str(t);
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Chars] {
            let mut w = rope::Walker::new(&r, enc);
            for off in (0..=t.len() + 2).chain([3, 7, 7, 20]) {
                assert_eq!(
                    w.position(off),
                    rope::position(&r, off, enc),
                    "{off} {enc:?}"
                );
            }
        }
    }

    #[test]
    fn round_trips_with_surrogates_and_crlf() {
        let t = "表: 𠀀a\r\n项目: 乙\n";
        let ix = LineIndex::new(t);
        let off = t.find('a').unwrap();
        assert_eq!(ix.position(t, off, Encoding::Utf16), (0, 5));
        assert_eq!(ix.position(t, off, Encoding::Chars), (0, 4));
        assert_eq!(ix.offset(t, 0, 5, Encoding::Utf16), off);
        // Inside the surrogate pair: rounds down to the character.
        assert_eq!(ix.offset(t, 0, 4, Encoding::Utf16), t.find('𠀀').unwrap());
        // The \r is not a column: end of line 0 is before it.
        assert_eq!(ix.offset(t, 0, 99, Encoding::Utf16), t.find('\r').unwrap());
        assert_eq!(
            ix.position(t, t.find('乙').unwrap(), Encoding::Utf8),
            (1, 8)
        );
        assert_eq!(ix.offset(t, 9, 0, Encoding::Utf16), t.len());
        let r = ropey::Rope::from_str(t);
        for off in 0..=t.len() {
            if !t.is_char_boundary(off) || t[..off].ends_with('\r') {
                continue;
            }
            let (l, c) = rope::position(&r, off, Encoding::Utf16);
            assert_eq!((l, c), ix.position(t, off, Encoding::Utf16), "offset {off}");
            assert_eq!(rope::offset(&r, l, c, Encoding::Utf16), off);
        }
    }
}

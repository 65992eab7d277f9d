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

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}

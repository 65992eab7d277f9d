//! One line, classified on its own text alone (line-local).

use super::Span;
use crate::lexer::{tokens, Token};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Byte offset of the line in its segment.
    pub start: u32,
    /// Length of the content, without the line terminator.
    pub len: u32,
    /// Length of the terminator: 0 (end of file), 1 (`\n`) or 2 (`\r\n`).
    pub eol: u8,
    /// Bytes of leading whitespace.
    pub indent: u32,
    /// Display columns of the leading whitespace (a tab counts 4, an ideographic space 2).
    pub indent_cols: u32,
    pub kind: LineKind,
}

/// Spans inside a `LineKind` are relative to the line start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineKind {
    Blank,
    /// `# …`; `text` is what follows the `#`.
    Comment {
        text: Span,
    },
    /// `> …` (or `＞ …`); `body` is trimmed and may be empty (a paragraph break).
    Text {
        marker: Span,
        body: Span,
    },
    /// `key: value`; both trimmed; `value` may be empty.
    Entry {
        key: Span,
        colon: Span,
        value: Span,
    },
    /// A line that is none of the above; the model reports it once.
    Error {
        kind: SyntaxError,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxError {
    /// A line with text but no `:`/`：`.
    MissingColon,
    /// A line that starts with a colon.
    EmptyKey,
}

impl SyntaxError {
    pub fn message(self) -> &'static str {
        match self {
            SyntaxError::MissingColon => {
                "无法识别的行：缺少冒号（应为「名称: 值」，或以 # 开头的注释、以 > 开头的文本）"
            }
            SyntaxError::EmptyKey => "无法识别的行：冒号前缺少名称",
        }
    }
}

impl Line {
    pub fn end(&self) -> u32 {
        self.start + self.len
    }
    pub fn full_len(&self) -> u32 {
        self.len + self.eol as u32
    }
    /// Span of the content in segment coordinates.
    pub fn span(&self) -> Span {
        Span {
            start: self.start,
            end: self.end(),
        }
    }
    /// A span relative to this line, moved into segment coordinates.
    pub fn abs(&self, s: Span) -> Span {
        s.shift(self.start as usize)
    }
    pub fn text<'a>(&self, segment_text: &'a str) -> &'a str {
        &segment_text[self.span().range()]
    }
}

pub(crate) fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\u{3000}' | '\u{FEFF}')
}

fn trim_end(line: &str, mut end: usize, floor: usize) -> usize {
    let bytes = line[floor..end].char_indices().rev();
    for (i, c) in bytes {
        if is_space(c) {
            end = floor + i;
        } else {
            break;
        }
    }
    end
}

/// Classifies one line's content (no terminator). `start`/`eol` are filled in by the caller.
pub fn classify(content: &str) -> (LineKind, u32, u32) {
    // Only the first tokens decide: the indentation, then a `#`, a `>` or the first colon.
    let mut toks = tokens(content);
    let mut next = toks.next();
    let mut indent = 0usize;
    let mut indent_cols = 0u32;
    if let Some((Token::Space, r)) = &next {
        indent = r.end;
        indent_cols = content[r.clone()]
            .chars()
            .map(|c| match c {
                '\t' => 4,
                '\u{3000}' => 2,
                '\r' | '\u{FEFF}' => 0,
                _ => 1,
            })
            .sum();
        next = toks.next();
    }
    let Some((first, first_r)) = next else {
        return (LineKind::Blank, indent as u32, indent_cols);
    };
    let kind = match first {
        Token::Hash => LineKind::Comment {
            text: Span::new(first_r.end, content.len()),
        },
        Token::Op if content[first_r.clone()].starts_with(['>', '＞']) => {
            let marker_len = if content[first_r.clone()].starts_with('>') {
                1
            } else {
                '＞'.len_utf8()
            };
            let marker = Span::new(first_r.start, first_r.start + marker_len);
            let mut b = marker.end as usize;
            while let Some(c) = content[b..].chars().next() {
                if is_space(c) {
                    b += c.len_utf8();
                } else {
                    break;
                }
            }
            let e = trim_end(content, content.len(), b);
            LineKind::Text {
                marker,
                body: Span::new(b, e),
            }
        }
        _ => match std::iter::once((first, first_r))
            .chain(toks)
            .find(|(t, _)| *t == Token::Colon)
        {
            None => LineKind::Error {
                kind: SyntaxError::MissingColon,
            },
            Some((_, colon)) => {
                let key_end = trim_end(content, colon.start, indent);
                if key_end == indent {
                    LineKind::Error {
                        kind: SyntaxError::EmptyKey,
                    }
                } else {
                    let mut v = colon.end;
                    while let Some(c) = content[v..].chars().next() {
                        if is_space(c) {
                            v += c.len_utf8();
                        } else {
                            break;
                        }
                    }
                    let v_end = trim_end(content, content.len(), v);
                    LineKind::Entry {
                        key: Span::new(indent, key_end),
                        colon: Span::new(colon.start, colon.end),
                        value: Span::new(v, v_end),
                    }
                }
            }
        },
    };
    (kind, indent as u32, indent_cols)
}

/// Splits `text` into lines (keeping `\r\n` as one terminator) and classifies each.
/// Offsets are relative to the start of `text`.
pub fn lines_of(text: &str) -> Vec<Line> {
    lines(text).collect()
}

/// [`lines_of`] one line at a time, for a caller that files them away as they come.
pub fn lines(text: &str) -> impl Iterator<Item = Line> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0usize;
    std::iter::from_fn(move || {
        if at >= text.len() {
            return None;
        }
        // `find` with a char searches for its byte a word at a time.
        let nl = text[at..].find('\n').map(|i| at + i);
        let (content_end, next, eol) = match nl {
            Some(n) if n > at && bytes[n - 1] == b'\r' => (n - 1, n + 1, 2u8),
            Some(n) => (n, n + 1, 1u8),
            None => (text.len(), text.len(), 0u8),
        };
        let (kind, indent, indent_cols) = classify(&text[at..content_end]);
        let line = Line {
            start: at as u32,
            len: (content_end - at) as u32,
            eol,
            indent,
            indent_cols,
            kind,
        };
        at = next;
        Some(line)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> LineKind {
        classify(s).0
    }

    #[test]
    fn entries_take_the_first_colon() {
        let s = "  名称：值: 还有";
        match kind(s) {
            LineKind::Entry { key, value, .. } => {
                assert_eq!(&s[key.range()], "名称");
                assert_eq!(&s[value.range()], "值: 还有");
            }
            k => panic!("{k:?}"),
        }
    }

    #[test]
    fn text_comment_blank_error() {
        assert!(matches!(kind("    > 文本"), LineKind::Text { .. }));
        assert!(matches!(kind(">= 90"), LineKind::Text { .. }));
        assert!(matches!(kind(" # x"), LineKind::Comment { .. }));
        assert!(matches!(kind(" \t\u{3000}"), LineKind::Blank));
        assert!(matches!(kind("没有冒号"), LineKind::Error { .. }));
        assert!(matches!(kind(" ：值"), LineKind::Error { .. }));
    }

    #[test]
    fn crlf_is_one_terminator() {
        let ls = lines_of("a: 1\r\nb: 2\n\nc");
        assert_eq!(ls.len(), 4);
        assert_eq!((ls[0].len, ls[0].eol), (4, 2));
        assert_eq!(ls[3].eol, 0);
    }
}

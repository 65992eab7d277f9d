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

// Trimming works on bytes, backwards too (a lexer only reads forwards); a test holds these to
// the lexer's `Space` token.

/// The length in bytes of the space character that `b` starts with, or 0. Spaces are those
/// of the lexer: half-width spaces, tabs, a stray CR, the ideographic space an IME produces
/// and a BOM.
fn space_len(b: &[u8]) -> usize {
    match b {
        [b' ' | b'\t' | b'\r', ..] => 1,
        // U+3000 (ideographic space), U+FEFF (BOM).
        [0xE3, 0x80, 0x80, ..] | [0xEF, 0xBB, 0xBF, ..] => 3,
        _ => 0,
    }
}

/// The length in bytes of the space character that `b` ends with, or 0.
fn space_len_back(b: &[u8]) -> usize {
    match b {
        [.., b' ' | b'\t' | b'\r'] => 1,
        [.., 0xE3, 0x80, 0x80] | [.., 0xEF, 0xBB, 0xBF] => 3,
        _ => 0,
    }
}

/// The offset of the first character at or after `from` that is not a space.
fn skip_spaces(line: &str, from: usize) -> usize {
    let b = line.as_bytes();
    let mut at = from;
    while let n @ 1.. = space_len(&b[at..]) {
        at += n;
    }
    at
}

/// `end` moved back over the spaces before it, but not before `floor`.
fn trim_end(line: &str, end: usize, floor: usize) -> usize {
    let b = &line.as_bytes()[floor..end];
    let mut len = b.len();
    while let n @ 1.. = space_len_back(&b[..len]) {
        len -= n;
    }
    floor + len
}

/// Classifies one line's content (no terminator). `start`/`eol` are filled in by the caller.
///
/// What decides is the first token after the indentation (`#`, an operator starting with `>`,
/// or neither) and the first colon, so this lexes lazily: the indentation, the first token and,
/// for an entry, the key up to its colon — never the value or a text line's body.
pub fn classify(content: &str) -> (LineKind, u32, u32) {
    let b = content.as_bytes();
    let mut toks = tokens(content);
    let mut first = toks.next();
    let mut indent = 0;
    while let Some((Token::Space, r)) = &first {
        indent = r.end;
        first = toks.next();
    }
    let indent_cols = b[..indent]
        .iter()
        .map(|&x| match x {
            b'\t' => 4,
            b' ' => 1,
            // U+3000 counts 2 (on its first byte); a CR and a BOM count nothing.
            0xE3 => 2,
            _ => 0,
        })
        .sum();
    let Some((tok, r)) = first else {
        return (LineKind::Blank, indent as u32, indent_cols);
    };
    let text_marker = ['>', '＞']
        .into_iter()
        .find(|&c| content[r.start..].starts_with(c))
        .map(char::len_utf8);
    let kind = match (tok, text_marker) {
        (Token::Hash, _) => LineKind::Comment {
            text: Span::new(r.end, content.len()),
        },
        (Token::Op(_), Some(len)) => {
            let marker = Span::new(indent, indent + len);
            let body = skip_spaces(content, indent + len);
            LineKind::Text {
                marker,
                body: Span::new(body, trim_end(content, content.len(), body)),
            }
        }
        _ => match std::iter::once((tok, r))
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
                    let v = skip_spaces(content, colon.end);
                    LineKind::Entry {
                        key: Span::new(indent, key_end),
                        colon: Span::new(colon.start, colon.end),
                        value: Span::new(v, trim_end(content, content.len(), v)),
                    }
                }
            }
        },
    };
    (kind, indent as u32, indent_cols)
}

/// The offset of the first `\n` in `b`. Lines are short: a test of 16 bytes at a time (the
/// compares and the `|` compile to vector instructions) beats `memchr`'s setup.
fn find_newline(b: &[u8]) -> Option<usize> {
    let mut at = 0;
    for block in b.chunks_exact(16) {
        if block.iter().fold(false, |any, &x| any | (x == b'\n')) {
            break;
        }
        at += 16;
    }
    b[at..].iter().position(|&x| x == b'\n').map(|i| at + i)
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
        let nl = find_newline(&bytes[at..]).map(|i| at + i);
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

    /// The classification as the tokens of `lex_line` define it: the whole line lexed and its
    /// runs merged, which the lazy lexing of `classify` must agree with.
    fn classify_by_tokens(content: &str) -> (LineKind, u32, u32) {
        use crate::lexer::{lex_line, Token};
        let toks = lex_line(content);
        let (mut i, mut indent, mut indent_cols) = (0, 0, 0);
        if let Some((Token::Space, r)) = toks.first() {
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
            i = 1;
        }
        let Some((first, r)) = toks.get(i).cloned() else {
            return (LineKind::Blank, indent as u32, indent_cols);
        };
        let kind = match first {
            Token::Hash => LineKind::Comment {
                text: Span::new(r.end, content.len()),
            },
            Token::Op(_) if content[r.clone()].starts_with(['>', '＞']) => {
                let len = content[r.clone()].chars().next().unwrap().len_utf8();
                let b = skip_spaces(content, r.start + len);
                LineKind::Text {
                    marker: Span::new(r.start, r.start + len),
                    body: Span::new(b, trim_end(content, content.len(), b)),
                }
            }
            _ => match toks[i..].iter().find(|(t, _)| *t == Token::Colon) {
                None => LineKind::Error {
                    kind: SyntaxError::MissingColon,
                },
                Some((_, colon)) if trim_end(content, colon.start, indent) == indent => {
                    LineKind::Error {
                        kind: SyntaxError::EmptyKey,
                    }
                }
                Some((_, colon)) => {
                    let v = skip_spaces(content, colon.end);
                    LineKind::Entry {
                        key: Span::new(indent, trim_end(content, colon.start, indent)),
                        colon: Span::new(colon.start, colon.end),
                        value: Span::new(v, trim_end(content, content.len(), v)),
                    }
                }
            },
        };
        (kind, indent as u32, indent_cols)
    }

    #[test]
    fn classify_agrees_with_the_tokens() {
        let mut lines: Vec<String> = [
            "",
            " ",
            "\t",
            "\u{3000}\u{FEFF}\r",
            "#",
            "  #注释",
            "> ",
            ">",
            "＞文本",
            ">= 90",
            "＞＝90",
            " ≥90",
            ":",
            "：值",
            " ： 值 ",
            "名称:值",
            "名称 ：　值　",
            "a:b:c",
            "1,000.5: x",
            "(单位)：%",
            "%: 1",
            "≤: 2",
            "没有冒号",
            "\u{FEFF}表: 绩效目标申报表",
            "  键\t:\t值\r",
            "𠀀: 𠀀",
            "\r# x",
            "a#b: c",
            "x>y: z",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let files = [
            "tests/fixtures",
            "tests/rules",
            "examples",
            "tests/fuzz-regressions/text",
        ];
        for dir in files {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            for entry in std::fs::read_dir(dir).unwrap() {
                if let Ok(text) = std::fs::read_to_string(entry.unwrap().path()) {
                    lines.extend(
                        text.split('\n')
                            .map(|l| l.trim_end_matches('\r').to_string()),
                    );
                }
            }
        }
        lines.extend(crate::gen::generate(30, 7).lines().map(str::to_string));
        for line in &lines {
            assert_eq!(classify(line), classify_by_tokens(line), "{line:?}");
        }
    }

    #[test]
    fn space_bytes_are_the_space_characters() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut buf = [0; 4];
            let s = c.encode_utf8(&mut buf).as_bytes();
            let n = if crate::lexer::is_space(c) {
                s.len()
            } else {
                0
            };
            assert_eq!(space_len(s), n, "{c:?}");
            assert_eq!(space_len_back(s), n, "{c:?}");
        }
    }

    #[test]
    fn crlf_is_one_terminator() {
        let ls = lines_of("a: 1\r\nb: 2\n\nc");
        assert_eq!(ls.len(), 4);
        assert_eq!((ls[0].len, ls[0].eol), (4, 2));
        assert_eq!(ls[3].eol, 0);
    }
}

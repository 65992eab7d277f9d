//! Tokens of one line: the one definition of the token grammar. Lexing is line-local: no token
//! spans a newline, so an edit re-lexes only the lines it touches (DESIGN §7).
//!
//! Lexing is lazy: a caller lexes only as far as it needs. The line classifier
//! (`syntax::classify`) lexes the indentation, the first token and, for an entry, up to the
//! first colon; the value reader (`model::value`) and semantic tokens lex one token where a value
//! may have an operator or a number. [`is_space`] is the `Space` token as a character test, for
//! trimming (a test holds the two to the same characters).

use logos::Logos;
use std::ops::Range;

/// A comparison operator (its token is [`Token::Op`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Op {
    Ge,
    Le,
    Eq,
    Gt,
    Lt,
}

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Ge => "≥",
            Op::Le => "≤",
            Op::Eq => "=",
            Op::Gt => ">",
            Op::Lt => "<",
        }
    }
    /// ≥ > = : higher is better.
    pub fn is_positive(self) -> bool {
        matches!(self, Op::Ge | Op::Gt | Op::Eq)
    }
    pub fn is_upper_bound(self) -> bool {
        matches!(self, Op::Le | Op::Lt)
    }
}

#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    /// Half-width spaces, tabs, the ideographic space an IME produces, a BOM, and a stray CR
    /// (one not followed by LF).
    /// One character here; `lex_line` merges runs (see `Word`).
    #[regex(r"[ \t\r\u{3000}\u{FEFF}]")]
    Space,
    #[regex(r"[:：]")]
    Colon,
    #[token("#")]
    Hash,
    /// Half- and full-width, `≥` and `≧`, and the `≥=` of some PDF extractions; the longest
    /// match wins (`>=` is one operator).
    #[token(">=", |_| Op::Ge)]
    #[token("＞＝", |_| Op::Ge)]
    #[token("≥", |_| Op::Ge)]
    #[token("≥=", |_| Op::Ge)]
    #[token("≧", |_| Op::Ge)]
    #[token("<=", |_| Op::Le)]
    #[token("＜＝", |_| Op::Le)]
    #[token("≤", |_| Op::Le)]
    #[token("≤=", |_| Op::Le)]
    #[token("≦", |_| Op::Le)]
    #[token(">", |_| Op::Gt)]
    #[token("＞", |_| Op::Gt)]
    #[token("<", |_| Op::Lt)]
    #[token("＜", |_| Op::Lt)]
    #[token("=", |_| Op::Eq)]
    #[token("＝", |_| Op::Eq)]
    Op(Op),
    #[regex(r"[0-9][0-9,]*(\.[0-9]+)?")]
    Number,
    #[regex(r"[(（]")]
    LParen,
    #[regex(r"[)）]")]
    RParen,
    #[regex(r"[%％]")]
    Percent,
    /// Any other run of characters: names, units, free text. Not a logos pattern: a
    /// repetition over arbitrary text makes logos' matcher recurse once per character (a
    /// 10 MB line overflowed the stack), so `lex_line` builds these from what logos leaves.
    Word,
}

/// Whether `c` is a `Space` token.
pub fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\u{3000}' | '\u{FEFF}')
}

/// The tokens of a line, one at a time, without merging: a `Space` is one character and a
/// `Word` is one character that starts no other token. Ranges are byte offsets in the line.
pub fn tokens(line: &str) -> impl Iterator<Item = (Token, Range<usize>)> + '_ {
    let mut lexer = Token::lexer(line);
    std::iter::from_fn(move || {
        let tok = lexer.next()?;
        Some((tok.unwrap_or(Token::Word), lexer.span()))
    })
}

/// The first token of `s` (as [`tokens`] gives it) and its length; lexes nothing more.
pub fn first_token(s: &str) -> Option<(Token, usize)> {
    tokens(s).next().map(|(t, r)| (t, r.end))
}

/// The comparison operator `s` starts with, and the rest.
pub fn leading_op(s: &str) -> Option<(Op, &str)> {
    match first_token(s)? {
        (Token::Op(op), n) => Some((op, &s[n..])),
        _ => None,
    }
}

/// The length of the number `s` starts with, or 0.
pub fn leading_number_len(s: &str) -> usize {
    match first_token(s) {
        Some((Token::Number, n)) => n,
        _ => 0,
    }
}

/// Lexes one line (without its line terminator). The ranges cover the line exactly.
pub fn lex_line(line: &str) -> Vec<(Token, Range<usize>)> {
    let mut out: Vec<(Token, Range<usize>)> = Vec::new();
    for (tok, span) in tokens(line) {
        match (tok, out.last_mut()) {
            (Token::Space, Some((Token::Space, r))) | (Token::Word, Some((Token::Word, r)))
                if r.end == span.start =>
            {
                r.end = span.end
            }
            _ => out.push((tok, span)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: long runs once overflowed the stack inside logos' matcher.
    #[test]
    fn long_runs_do_not_overflow() {
        for piece in [
            "很长的文本",
            "　",
            " ",
            "\t",
            "1234567890",
            "：",
            "≥",
            "（",
            "%",
            "x",
        ] {
            let line = piece.repeat(1_000_000 / piece.len());
            let toks = lex_line(&line);
            assert_eq!(toks.last().unwrap().1.end, line.len());
        }
    }

    #[test]
    fn covers_every_byte() {
        for line in [
            "  彩色宣传页发放数量：≥40000.00（张）",
            "\t# 注释",
            "> 文本 𠀀 $\\geq 90\\%$",
            "\r",
        ] {
            let toks = lex_line(line);
            let mut at = 0;
            for (_, r) in &toks {
                assert_eq!(r.start, at);
                at = r.end;
            }
            assert_eq!(at, line.len());
        }
    }

    #[test]
    fn operators_and_numbers() {
        let kinds: Vec<Token> = lex_line("率: >=95%").into_iter().map(|t| t.0).collect();
        assert_eq!(
            kinds,
            vec![
                Token::Word,
                Token::Colon,
                Token::Space,
                Token::Op(Op::Ge),
                Token::Number,
                Token::Percent
            ]
        );
    }
}

#[cfg(test)]
mod grammar_tests {
    use super::*;

    #[test]
    fn is_space_is_the_space_token() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut buf = [0; 4];
            let s = c.encode_utf8(&mut buf);
            let by_token = first_token(s) == Some((Token::Space, s.len()));
            assert_eq!(is_space(c), by_token, "{c:?}");
        }
    }

    #[test]
    fn operators_take_the_longest_match() {
        for (s, op, rest) in [
            (">=90", Op::Ge, "90"),
            ("＞＝90", Op::Ge, "90"),
            ("≥=90", Op::Ge, "90"),
            ("≧90", Op::Ge, "90"),
            ("≤=9", Op::Le, "9"),
            ("＜9", Op::Lt, "9"),
            ("＝100", Op::Eq, "100"),
            ("=", Op::Eq, ""),
        ] {
            assert_eq!(leading_op(s), Some((op, rest)), "{s}");
        }
        assert_eq!(leading_op("约90"), None);
        assert_eq!(leading_op(" ≥90"), None);
    }

    #[test]
    fn numbers() {
        assert_eq!(leading_number_len("40,000.50(张)"), "40,000.50".len());
        assert_eq!(leading_number_len("95.%"), 2);
        assert_eq!(leading_number_len("x1"), 0);
    }
}

//! Tokens of one line. Lexing is line-local: no token spans a newline, so an edit
//! re-lexes only the lines it touches (DESIGN §7).
//!
//! A line's kind depends only on its first tokens and its first colon, so `syntax::classify`
//! reads those characters directly instead of lexing the whole line; its tests check that it
//! agrees with these tokens.

use logos::Logos;
use std::ops::Range;

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
    #[regex(r"＞＝|＜＝|>=|<=|≥|≤|≧|≦|＞|＜|＝|>|<|=")]
    Op,
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

/// Lexes one line (without its line terminator). The ranges cover the line exactly.
pub fn lex_line(line: &str) -> Vec<(Token, Range<usize>)> {
    let mut out: Vec<(Token, Range<usize>)> = Vec::new();
    let mut lexer = Token::lexer(line);
    while let Some(tok) = lexer.next() {
        let span = lexer.span();
        match tok {
            Ok(Token::Space) => match out.last_mut() {
                Some((Token::Space, r)) if r.end == span.start => r.end = span.end,
                _ => out.push((Token::Space, span)),
            },
            Ok(t) => out.push((t, span)),
            Err(()) => match out.last_mut() {
                Some((Token::Word, r)) if r.end == span.start => r.end = span.end,
                _ => out.push((Token::Word, span)),
            },
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
                Token::Op,
                Token::Number,
                Token::Percent
            ]
        );
    }
}

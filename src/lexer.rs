//! Tokens of one line. Lexing is line-local: no token spans a newline, so an edit
//! re-lexes only the lines it touches (DESIGN §7).

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
    tokens(line).collect()
}

/// The tokens of one line (without its line terminator), as [`lex_line`] gives them, one at a
/// time: a caller that needs only the first few (classifying a line) stops there, and no
/// vector is built.
pub fn tokens(line: &str) -> Tokens<'_> {
    Tokens {
        lexer: Token::lexer(line),
        ahead: None,
    }
}

pub struct Tokens<'a> {
    lexer: logos::Lexer<'a, Token>,
    /// The token read past the end of a run of spaces or other characters (see `Word`).
    ahead: Option<(Token, Range<usize>)>,
}

impl Tokens<'_> {
    /// The next token as logos sees it; what it does not recognise is one piece of a `Word`.
    fn single(&mut self) -> Option<(Token, Range<usize>)> {
        let tok = self.lexer.next()?;
        Some((tok.unwrap_or(Token::Word), self.lexer.span()))
    }
}

impl Iterator for Tokens<'_> {
    type Item = (Token, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        let (tok, mut span) = self.ahead.take().or_else(|| self.single())?;
        if matches!(tok, Token::Space | Token::Word) {
            // Merge the run: read on until a token of another kind, and keep that one.
            while let Some((t, s)) = self.single() {
                if t == tok {
                    span.end = s.end;
                } else {
                    self.ahead = Some((t, s));
                    break;
                }
            }
        }
        Some((tok, span))
    }
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

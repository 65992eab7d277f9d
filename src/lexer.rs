//! Tokens of one line. Lexing is line-local: no token spans a newline, so an edit
//! re-lexes only the lines it touches (DESIGN §7).

use logos::Logos;
use std::ops::Range;

#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    /// Half-width spaces, tabs, the ideographic space an IME produces, a BOM, and a stray CR
    /// (one not followed by LF).
    #[regex(r"[ \t\r\u{3000}\u{FEFF}]+")]
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
    /// Any other run of characters: names, units, free text.
    #[regex(r"[^ \t\u{3000}\u{FEFF}:：#><=≥≤≧≦＞＜＝0-9(（)）%％\r\n]+")]
    Word,
    /// A byte sequence logos could not place (kept so that no byte is lost).
    Junk,
}

/// Lexes one line (without its line terminator). The ranges cover the line exactly.
pub fn lex_line(line: &str) -> Vec<(Token, Range<usize>)> {
    let mut out = Vec::new();
    let mut lexer = Token::lexer(line);
    while let Some(tok) = lexer.next() {
        let tok = tok.unwrap_or(Token::Junk);
        out.push((tok, lexer.span()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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

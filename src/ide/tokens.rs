//! Semantic tokens: one per piece of a line (a token never spans lines).

use super::View;
use crate::model::value::{
    parse_indicator_value, parse_op_or_word, strip_suffix_op, IndicatorValue,
};
use crate::model::Role;
use crate::syntax::LineKind;
use std::ops::Range;

/// Token types, in the order of their index (the server's legend).
pub const TOKEN_TYPES: &[&str] = &[
    "namespace",
    "property",
    "enum",
    "enumMember",
    "variable",
    "operator",
    "number",
    "type",
    "string",
    "comment",
    "keyword",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub range: Range<usize>,
    pub kind: u32,
}

const NAMESPACE: u32 = 0;
const PROPERTY: u32 = 1;
const ENUM: u32 = 2;
const ENUM_MEMBER: u32 = 3;
const VARIABLE: u32 = 4;
const OPERATOR: u32 = 5;
const NUMBER: u32 = 6;
const TYPE: u32 = 7;
const STRING: u32 = 8;
const COMMENT: u32 = 9;
const KEYWORD: u32 = 10;

/// Tokens of the lines overlapping `range` (the whole document when `None`), in order.
pub fn semantic_tokens(view: &View, range: Option<Range<usize>>) -> Vec<Token> {
    let mut out = Vec::new();
    let (from, to) = range.map(|r| (r.start, r.end)).unwrap_or((0, usize::MAX));
    let first_seg = view.segment_at(from);
    for seg in first_seg.max(view.segs.start)..view.segs.end {
        if view.starts[seg] > to {
            break;
        }
        for (i, line) in view.tree.segments[seg].lines.iter().enumerate() {
            let start = view.starts[seg] + line.start as usize;
            if start + line.len as usize + 1 < from || start > to {
                continue;
            }
            let Some(at) = view.line(seg, i) else {
                continue;
            };
            let abs = |s: crate::syntax::Span| start + s.start as usize..start + s.end as usize;
            match &at.line.kind {
                LineKind::Comment { .. } => out.push(Token {
                    range: start + line.indent as usize..start + line.len as usize,
                    kind: COMMENT,
                }),
                LineKind::Text { body, .. } if !body.is_empty() => out.push(Token {
                    range: abs(*body),
                    kind: STRING,
                }),
                LineKind::Entry { key, value, .. } => {
                    let key_kind = match at.role.role {
                        Role::Project => KEYWORD,
                        Role::Level1 => ENUM,
                        Role::Level2 => ENUM_MEMBER,
                        Role::Indicator => VARIABLE,
                        _ => PROPERTY,
                    };
                    out.push(Token {
                        range: abs(*key),
                        kind: key_kind,
                    });
                    if value.is_empty() {
                        continue;
                    }
                    let v = &at.text[value.range()];
                    match at.role.role {
                        Role::Project => out.push(Token {
                            range: abs(*value),
                            kind: NAMESPACE,
                        }),
                        Role::Money | Role::Score | Role::Date => out.push(Token {
                            range: abs(*value),
                            kind: NUMBER,
                        }),
                        Role::Indicator => value_tokens(v, start + value.start as usize, &mut out),
                        Role::TextField | Role::Deviation | Role::Field | Role::Actual => {
                            out.push(Token {
                                range: abs(*value),
                                kind: STRING,
                            })
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// `≥40000.00(张)` → operator, number, unit; `90%以上` → number, unit, operator.
fn value_tokens(v: &str, base: usize, out: &mut Vec<Token>) {
    let parsed = parse_indicator_value(v);
    // The value grammar's own operators (symbols and words); an operator word before text that
    // is not a number (`不低于上年水平`) is text.
    let op_len = match parse_op_or_word(v) {
        Some((_, rest)) if parsed != IndicatorValue::Qualitative => v.len() - rest.len(),
        _ => 0,
    };
    let num_len = crate::lexer::leading_number_len(&v[op_len..]);
    let quantity = matches!(parsed, IndicatorValue::Quantitative { .. });
    if op_len == 0 && !(quantity && num_len > 0) {
        out.push(Token {
            range: base..base + v.len(),
            kind: STRING,
        });
        return;
    }
    let mut push = |from: usize, to: usize, kind| {
        if from < to {
            out.push(Token {
                range: base + from..base + to,
                kind,
            });
        }
    };
    push(0, op_len, OPERATOR);
    push(op_len, op_len + num_len, NUMBER);
    let tail = &v[op_len + num_len..];
    let suffix = strip_suffix_op(tail).map_or(0, |(unit, _)| tail.len() - unit.len());
    push(op_len + num_len, v.len() - suffix, TYPE);
    push(v.len() - suffix, v.len(), OPERATOR);
}

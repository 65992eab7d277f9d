//! Values as written on the forms: money, indicator values, plain numbers, percentages, dates.
//! Each parser accepts the tolerant input of DESIGN §3 and gives what the formatter writes back.

use rust_decimal::Decimal;
use std::str::FromStr;

pub use crate::lexer::Op;
use crate::lexer::{is_space, leading_op, tokens, Token};

/// Operators written in words before the number (`不少于500人`). A word that is the start of
/// another (`大于` of `大于等于`) comes after it. `以上`/`以下`/`以内` include the bound, as in
/// 《民法典》第一千二百五十九条; `超过`/`不足` exclude it.
const WORD_OPS: &[(&str, Op)] = &[
    ("大于或等于", Op::Ge),
    ("大于等于", Op::Ge),
    ("小于或等于", Op::Le),
    ("小于等于", Op::Le),
    ("不少于", Op::Ge),
    ("不低于", Op::Ge),
    ("不小于", Op::Ge),
    ("至少", Op::Ge),
    // 满意度达到90%: reaching a level is a floor.
    ("达到", Op::Ge),
    ("不多于", Op::Le),
    ("不高于", Op::Le),
    ("不大于", Op::Le),
    ("不超过", Op::Le),
    ("最多", Op::Le),
    ("至多", Op::Le),
    ("大于", Op::Gt),
    ("高于", Op::Gt),
    ("超过", Op::Gt),
    ("小于", Op::Lt),
    ("低于", Op::Lt),
    ("不足", Op::Lt),
    ("等于", Op::Eq),
];

/// Operators written in words after the number and its unit (`1000人以上`, `3个工作日内`).
const SUFFIX_OPS: &[(&str, Op)] = &[
    ("及以上", Op::Ge),
    ("以上", Op::Ge),
    ("及以下", Op::Le),
    ("以下", Op::Le),
    ("以内", Op::Le),
    ("之内", Op::Le),
    ("内", Op::Le),
];

/// Strips a leading comparison operator symbol.
pub fn parse_op(s: &str) -> Option<(Op, &str)> {
    leading_op(s)
}

/// Strips a leading comparison operator, a symbol or a word (`不少于`). Words also start
/// ordinary phrases: only [`parse_indicator_value`] decides whether one is an operator.
pub fn parse_op_or_word(s: &str) -> Option<(Op, &str)> {
    parse_op_as_written(s).map(|(op, rest, _)| (op, rest))
}

/// [`parse_op`], and whether the operator was a word.
fn parse_op_as_written(s: &str) -> Option<(Op, &str, bool)> {
    let word = |(t, op): &(&str, Op)| s.strip_prefix(t).map(|rest| (*op, rest, true));
    parse_op(s)
        .map(|(op, rest)| (op, rest, false))
        .or_else(|| WORD_OPS.iter().find_map(word))
}

/// Strips a trailing operator word (`以上`, `以内`, …).
pub fn strip_suffix_op(s: &str) -> Option<(&str, Op)> {
    SUFFIX_OPS
        .iter()
        .find_map(|(t, op)| s.strip_suffix(t).map(|rest| (rest, *op)))
}

fn trim(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// A plain decimal, allowing thousands separators: `40000`, `40,000.5`.
pub fn parse_number(s: &str) -> Option<Decimal> {
    let s = trim(s);
    let first = s.chars().next()?;
    if !(first.is_ascii_digit() || (first == '-' && s.len() > 1)) {
        return None;
    }
    // Bytes, not chars: every accepted character is ASCII (and so is the first one).
    if !s.bytes().skip(1).all(is_number_byte) || s.ends_with('.') {
        return None;
    }
    if !s.contains(',') {
        return Decimal::from_str(s).ok();
    }
    let plain: String = s.chars().filter(|&c| c != ',').collect();
    Decimal::from_str(&plain).ok()
}

/// A digit, a thousands separator or the decimal point.
fn is_number_byte(b: u8) -> bool {
    b.is_ascii_digit() || b == b',' || b == b'.'
}

/// Leading number of `s` (digits, commas, one decimal point) and the rest.
fn split_number(s: &str) -> Option<(Decimal, &str)> {
    // A character that is not ASCII starts with a byte ≥ 0x80: the end is on a boundary.
    let end = s
        .bytes()
        .position(|b| !is_number_byte(b))
        .unwrap_or(s.len());
    if end == 0 {
        return None;
    }
    Some((parse_number(&s[..end])?, &s[end..]))
}

/// Two decimals when the number has at most two, as the forms print it; more are kept.
pub fn canonical_number(n: Decimal) -> String {
    let mut n = n.normalize();
    if n.scale() <= 2 {
        n.rescale(2);
    }
    n.to_string()
}

/// An indicator value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum IndicatorValue {
    /// Nothing written.
    Empty,
    /// `≥40000.00(张)`.
    Quantitative {
        op: Op,
        number: Decimal,
        unit: Option<String>,
    },
    /// A number with no operator, e.g. `0.8` — quantitative, but the comparison is missing.
    BareNumber {
        number: Decimal,
        unit: Option<String>,
    },
    /// An operator that is not followed by a readable number, e.g. `≥ 约九成`.
    Malformed,
    /// Free text: `及时`, `目标人群基本覆盖`.
    Qualitative,
}

/// Parses a unit suffix: `(张)`, `（%）`, `%`, `人`, or nothing.
fn parse_unit(rest: &str) -> Option<Option<String>> {
    let rest = trim(rest);
    if rest.is_empty() {
        return Some(None);
    }
    if rest == "%" || rest == "％" {
        return Some(Some("%".into()));
    }
    let inner = if let Some(r) = rest.strip_prefix(['(', '（']) {
        r.strip_suffix([')', '）'])?
    } else {
        rest
    };
    let inner = trim(inner);
    let inner = if inner == "％" { "%" } else { inner };
    // A number, a bracket or an operator inside is not a unit, nor is an OCR remnant's `$`, `\`.
    let bad_token = |(t, _): (Token, _)| {
        matches!(
            t,
            Token::Number | Token::LParen | Token::RParen | Token::Op(_) | Token::Space
        )
    };
    let bad_char = |c: char| "$\\".contains(c) || c.is_whitespace();
    if inner.is_empty()
        || inner.chars().count() > 8
        || inner.chars().any(bad_char)
        || tokens(inner).any(bad_token)
    {
        return None;
    }
    Some(Some(inner.to_string()))
}

/// Whether an operator written in words may stand with this unit: none, or one of the
/// built-in units. Words start phrases too (`不低于2024年水平`, `不少于3名专职人员`), and
/// those are text, kept as written.
fn word_unit(unit: &Option<String>) -> bool {
    unit.as_deref()
        .is_none_or(|u| crate::model::vocab::Vocab::builtin().is_unit(u))
}

/// Notes after the number that say whether the bound counts: `95%（含）以上`, `≥95%(含)`,
/// `95%以上（不含）`. Included (`true`) or not.
const BOUND_NOTES: &[(&str, bool)] = &[
    ("（含）", true),
    ("(含)", true),
    ("（不含）", false),
    ("(不含)", false),
];

/// `rest` without its bound note, and the note.
fn strip_bound_note(rest: &str) -> (std::borrow::Cow<'_, str>, Option<bool>) {
    for (note, included) in BOUND_NOTES {
        if let Some(i) = rest.find(note) {
            let without = format!("{}{}", &rest[..i], &rest[i + note.len()..]);
            return (without.into(), Some(*included));
        }
    }
    (rest.into(), None)
}

/// `op` as a bound note says it: included makes `>` `≥`, excluded makes `≥` `>`.
fn with_bound_note(op: Op, note: Option<bool>) -> Op {
    match (op, note) {
        (Op::Gt, Some(true)) => Op::Ge,
        (Op::Lt, Some(true)) => Op::Le,
        (Op::Ge, Some(false)) => Op::Gt,
        (Op::Le, Some(false)) => Op::Lt,
        _ => op,
    }
}

/// A number, its unit, the operator word after them and the bound note.
type Suffixed = (Decimal, Option<String>, Option<Op>, Option<bool>);

/// A number and its unit, with the operator word that may follow them (`95%以上`) and the
/// bound note (`（含）`).
fn number_unit_suffix(s: &str) -> Option<Suffixed> {
    let (number, rest) = split_number(s)?;
    let (rest, note) = strip_bound_note(rest);
    let (number, unit, op) = number_unit_op(number, &rest)?;
    Some((number, unit, op.map(|op| with_bound_note(op, note)), note))
}

fn number_unit_op(number: Decimal, rest: &str) -> Option<(Decimal, Option<String>, Option<Op>)> {
    // The operator word first: `人以上` would pass for a unit.
    if let Some((unit, op)) =
        strip_suffix_op(trim(rest)).and_then(|(r, op)| Some((parse_unit(r)?, op)))
    {
        if word_unit(&unit) {
            return Some((number, unit, Some(op)));
        }
    }
    Some((number, parse_unit(rest)?, None))
}

/// Reads an indicator value. Operators may be words, before the number (`不少于500人`) or
/// after it (`1000人以上`), with a built-in unit or none; the formatter writes them as symbols
/// (`≥500.00(人)`). A value with an operator word that is not read completely
/// (`不低于去年水平`, `不低于2024年水平`) is qualitative text.
pub fn parse_indicator_value(s: &str) -> IndicatorValue {
    let s = trim(s);
    if s.is_empty() {
        return IndicatorValue::Empty;
    }
    if let Some((op, rest, word)) = parse_op_as_written(s) {
        return match number_unit_suffix(trim(rest)) {
            Some((number, unit, after, note))
                if after.is_none_or(|a| a == with_bound_note(op, note))
                    && (!word || word_unit(&unit)) =>
            {
                let op = with_bound_note(op, note);
                IndicatorValue::Quantitative { op, number, unit }
            }
            _ if word => IndicatorValue::Qualitative,
            _ => IndicatorValue::Malformed,
        };
    }
    match number_unit_suffix(s) {
        Some((number, unit, Some(op), _)) => IndicatorValue::Quantitative { op, number, unit },
        Some((number, unit, None, _)) => IndicatorValue::BareNumber { number, unit },
        None => IndicatorValue::Qualitative,
    }
}

/// A range written without an operator: `1-2 次`, `3～5(天)`, `90%-95%` — the low and high
/// bounds and the unit. `None` for anything else.
pub fn parse_range(s: &str) -> Option<(Decimal, Decimal, Option<String>)> {
    let s = trim(s);
    let (low, rest) = split_number(s)?;
    let rest = trim(rest);
    // A unit may be written after each bound (`90%-95%`).
    let (low_unit, rest) = match rest.find(['-', '－', '~', '～', '—', '至', '到']) {
        Some(i) if i > 0 => (parse_unit(&rest[..i])?, &rest[i..]),
        _ => (None, rest),
    };
    let rest = rest
        .strip_prefix(['-', '－', '~', '～', '—', '至', '到'])
        .map(|r| r.trim_start_matches('—'))?;
    let (high, unit) = split_number(trim(rest)).and_then(|(n, r)| Some((n, parse_unit(r)?)))?;
    match (&low_unit, &unit) {
        (Some(a), Some(b)) if a != b => None,
        _ if low < high => Some((low, high, unit.or(low_unit))),
        _ => None,
    }
}

/// The canonical text of a value, or `None` when it must be kept as written.
pub fn canonical_indicator_value(v: &IndicatorValue) -> Option<String> {
    match v {
        IndicatorValue::Quantitative { op, number, unit } => Some(format!(
            "{}{}{}",
            op.symbol(),
            canonical_number(*number),
            unit.as_ref().map(|u| format!("({u})")).unwrap_or_default()
        )),
        _ => None,
    }
}

/// A money cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Money {
    Amount(Decimal),
    /// `—`: the cell is blank on the form (not the same as 0.00).
    Blank,
    /// Not an amount of 元 with at most two decimals.
    Invalid,
}

pub const BLANK: &str = "—";

pub fn parse_money(s: &str) -> Money {
    let s = trim(s);
    if matches!(s, "—" | "-" | "－" | "/" | "——" | "─") {
        return Money::Blank;
    }
    let plain = plain_money(s);
    let (num, factor) = money_unit(&plain);
    match parse_number(num) {
        Some(n) if n.scale() <= 2 && commas_ok(trim(num)) => Money::Amount(n * factor),
        Some(n) if factor != Decimal::ONE && (n * factor).normalize().scale() <= 2 => {
            Money::Amount((n * factor).normalize())
        }
        _ => Money::Invalid,
    }
}

/// A money cell as staff type it, made plain: the full-width digits and punctuation of an IME
/// (`３００，０００．００`, `300000。00`), a currency sign (`￥`, `¥`), spaces between digit groups
/// (`300 000.00`, read as thousands separators and held to the same grouping by three).
fn plain_money(s: &str) -> std::borrow::Cow<'_, str> {
    let s = trim(s.trim_start_matches(['￥', '¥']));
    if s.is_ascii() && !s.contains(' ') {
        return s.into();
    }
    let chars: Vec<char> = s.chars().collect();
    let digit =
        |c: Option<&char>| c.is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(c));
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        let between_digits = digit(chars.get(i.wrapping_sub(1))) && digit(chars.get(i + 1));
        match c {
            '０'..='９' => out.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
            '，' => out.push(','),
            '．' => out.push('.'),
            // The Chinese full stop an IME types for the decimal point key.
            '。' if between_digits => out.push('.'),
            ' ' | '\u{3000}' | '\u{A0}' | '\u{2009}' | '\u{202F}' => {
                if between_digits {
                    out.push(',');
                }
            }
            _ => out.push(c),
        }
    }
    out.into()
}

/// The number of a plain money cell and what it is in: 元 (`元`, `元整` or nothing) or 万元
/// (`万元`, `万`).
fn money_unit(s: &str) -> (&str, Decimal) {
    if let Some(n) = s.strip_suffix("万元").or_else(|| s.strip_suffix('万')) {
        (n, Decimal::from(10_000))
    } else if let Some(n) = s.strip_suffix("元整").or_else(|| s.strip_suffix('元')) {
        (n, Decimal::ONE)
    } else {
        (s, Decimal::ONE)
    }
}

/// Why a money cell that is not [`Money::Amount`] cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyProblem {
    /// More than two decimals in 元 (`2,538,500.005`, `30.1234567万`).
    Decimals,
    /// Separators not grouping by three (`253,85,00.00`): the amount the digits spell, in 元,
    /// when a decimal point shows the separators are not one (`300,00` may mean 300.00).
    Grouping(Option<Decimal>),
    /// Chinese numerals (`叁拾万元整`, `零元`).
    Numerals,
    /// Anything else.
    NotANumber,
}

impl MoneyProblem {
    /// What is wrong and what to write, in Chinese.
    pub fn message(self) -> String {
        match self {
            MoneyProblem::Decimals => {
                "多于两位小数（元金额只写到分），请核对后写两位小数，如 300,000.00".into()
            }
            MoneyProblem::Grouping(Some(a)) => format!(
                "千分位分隔不对（应从个位起每三位一组），按所写数字应写为 {}",
                format_money(a)
            ),
            MoneyProblem::Grouping(None) => {
                "千分位分隔不对（应从个位起每三位一组）；小数点请写「.」，如 300,000.00".into()
            }
            MoneyProblem::Numerals => {
                "汉字或大写金额无法计算，请用阿拉伯数字写元金额，如 300,000.00".into()
            }
            MoneyProblem::NotANumber => "应为以元为单位、最多两位小数的金额，如 300,000.00".into(),
        }
    }
}

/// Why a money cell is not an amount (see [`MoneyProblem`]).
pub fn money_problem(s: &str) -> MoneyProblem {
    let plain = plain_money(trim(s));
    let (num, factor) = money_unit(&plain);
    match parse_number(num) {
        Some(n) if (n * factor).normalize().scale() > 2 => MoneyProblem::Decimals,
        Some(n) if !commas_ok(trim(num)) => {
            MoneyProblem::Grouping(num.contains('.').then_some(n * factor))
        }
        Some(_) => MoneyProblem::NotANumber,
        None if num.contains(|c: char| {
            "零壹贰叁肆伍陆柒捌玖拾佰仟一二三四五六七八九十百千".contains(c)
        }) =>
        {
            MoneyProblem::Numerals
        }
        None => MoneyProblem::NotANumber,
    }
}

/// Thousands separators, where present, must group by three.
fn commas_ok(s: &str) -> bool {
    if !s.contains(',') {
        return true;
    }
    let int = s.split('.').next().unwrap_or("");
    let groups: Vec<&str> = int.split(',').collect();
    !groups[0].is_empty() && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3)
}

/// `1234567.8` → `1,234,567.80`.
pub fn format_money(n: Decimal) -> String {
    let mut n = n.round_dp(2);
    n.rescale(2);
    let s = n.abs().to_string();
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!(
        "{}{}.{}",
        if n.is_sign_negative() && !n.is_zero() {
            "-"
        } else {
            ""
        },
        out,
        frac
    )
}

/// A score, weight or other plain number: `10`, `6.32`, `50.00%` (percent kept apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Num {
    pub value: Decimal,
    pub percent: bool,
}

pub fn parse_num(s: &str) -> Option<Num> {
    let s = trim(s);
    let (body, percent) = match s.strip_suffix(['%', '％']) {
        Some(b) => (trim(b), true),
        None => (s, false),
    };
    parse_number(body).map(|value| Num { value, percent })
}

/// Scores are written as plain decimals without trailing zeros (`5`, `6.32`); percentages
/// (执行率) with two decimals and `%`.
pub fn canonical_num(n: Num) -> String {
    if n.percent {
        format!("{}%", canonical_number(n.value))
    } else {
        n.value.normalize().to_string()
    }
}

/// `2025-01-01`; also accepts `2025/1/1`, `2025.1.1`, `2025年1月1日`.
pub fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let s = trim(s);
    let s = s.strip_suffix('日').unwrap_or(s);
    let parts: Vec<&str> = s.split(['-', '/', '.', '年', '月']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let y: i32 = parts[0].parse().ok()?;
    let m: u32 = parts[1].parse().ok()?;
    let d: u32 = parts[2].parse().ok()?;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1000..=9999).contains(&y) || m == 0 || m > 12 || d == 0 || d > days[m as usize - 1] {
        return None;
    }
    Some((y, m, d))
}

pub fn format_date((y, m, d): (i32, u32, u32)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// 大写金额 (the capital-numeral amount written on cheques and forms).
pub fn money_in_words(n: Decimal) -> String {
    const DIGITS: [&str; 10] = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"];
    const UNITS: [&str; 4] = ["", "拾", "佰", "仟"];
    const GROUPS: [&str; 4] = ["", "万", "亿", "万亿"];
    let mut n = n.round_dp(2);
    let negative = n.is_sign_negative() && !n.is_zero();
    n = n.abs();
    let cents = ((n.fract() * Decimal::from(100)).round())
        .to_string()
        .parse::<u32>()
        .unwrap_or(0);
    let int_part = n.trunc().to_string();
    let mut out = String::new();
    if int_part != "0" {
        let digits: Vec<u32> = int_part
            .chars()
            .map(|c| c.to_digit(10).unwrap_or(0))
            .collect();
        let len = digits.len();
        let mut zero = false;
        for (i, &d) in digits.iter().enumerate() {
            let pos = len - 1 - i;
            if d == 0 {
                zero = true;
            } else {
                if zero && !out.is_empty() {
                    out.push('零');
                }
                zero = false;
                out.push_str(DIGITS[d as usize]);
                out.push_str(UNITS[pos % 4]);
            }
            if pos.is_multiple_of(4) && pos > 0 {
                let group_start = i + 1 - (4.min(i + 1));
                if digits[group_start..=i].iter().any(|&x| x != 0) {
                    out.push_str(GROUPS[(pos / 4).min(3)]);
                }
            }
        }
        out.push('元');
    }
    let (jiao, fen) = (cents / 10, cents % 10);
    if jiao == 0 && fen == 0 {
        if out.is_empty() {
            out.push_str("零元");
        }
        out.push('整');
    } else {
        if jiao > 0 {
            out.push_str(DIGITS[jiao as usize]);
            out.push('角');
        } else if !out.is_empty() {
            out.push('零');
        }
        if fen > 0 {
            out.push_str(DIGITS[fen as usize]);
            out.push('分');
        }
    }
    if negative {
        format!("负{out}")
    } else {
        out
    }
}

/// The value a LaTeX/HTML remnant stands for: `$\geq 90.00\%$` → `≥90.00(%)`; `<p>文本</p>`
/// → `文本`. `None` when there is nothing certain to offer.
pub fn fix_remnant(text: &str) -> Option<String> {
    if text.contains('$') || text.contains('\\') {
        let s = text
            .replace("\\geq", "≥")
            .replace("\\leq", "≤")
            .replace("\\ge", "≥")
            .replace("\\le", "≤")
            .replace("\\%", "%")
            .replace(['$', ' '], "");
        return canonical_indicator_value(&parse_indicator_value(&s));
    }
    if text.contains('<') {
        let mut out = String::new();
        let mut in_tag = false;
        for c in text.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                _ if !in_tag => out.push(c),
                _ => {}
            }
        }
        let out = out.replace("&nbsp;", " ");
        let out = out.trim().to_string();
        return (out != text && !out.is_empty()).then_some(out);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn indicator_values() {
        let q = |s| canonical_indicator_value(&parse_indicator_value(s));
        assert_eq!(q("≥40000.00(张)").as_deref(), Some("≥40000.00(张)"));
        assert_eq!(q(">=95%").as_deref(), Some("≥95.00(%)"));
        assert_eq!(q("＞ 0").as_deref(), Some(">0.00"));
        assert_eq!(q("＞＝17000本").as_deref(), Some("≥17000.00(本)"));
        assert_eq!(q("=6000人").as_deref(), Some("=6000.00(人)"));
        assert_eq!(
            q("≤176030.24（元/人年）").as_deref(),
            Some("≤176030.24(元/人年)")
        );
        assert_eq!(q("=99.999(%)").as_deref(), Some("=99.999(%)"));
        assert_eq!(q("≥40000.0300000(张)").as_deref(), Some("≥40000.03(张)"));
        assert!(matches!(
            parse_indicator_value("0.8"),
            IndicatorValue::BareNumber { .. }
        ));
        assert_eq!(
            parse_indicator_value("$\\geq 90.00\\%$"),
            IndicatorValue::Qualitative
        );
        assert_eq!(parse_indicator_value("≥ 约九成"), IndicatorValue::Malformed);
        assert_eq!(parse_indicator_value("及时"), IndicatorValue::Qualitative);
    }

    #[test]
    fn money() {
        assert_eq!(parse_money("300000"), Money::Amount(d("300000")));
        assert_eq!(parse_money("174,371.2"), Money::Amount(d("174371.2")));
        assert_eq!(parse_money("30万元"), Money::Amount(d("300000")));
        assert_eq!(parse_money("30.125万元"), Money::Amount(d("301250")));
        assert_eq!(parse_money("30.1234567万元"), Money::Invalid);
        assert_eq!(parse_money("1.234"), Money::Invalid);
        assert_eq!(parse_money("1,23,4"), Money::Invalid);
        assert_eq!(parse_money("—"), Money::Blank);
        assert_eq!(format_money(d("1234567.8")), "1,234,567.80");
        assert_eq!(format_money(d("0")), "0.00");
        assert_eq!(format_money(d("999")), "999.00");
    }

    #[test]
    fn operator_words() {
        let q = |s: &str| canonical_indicator_value(&parse_indicator_value(s));
        assert_eq!(q("不少于500人").as_deref(), Some("≥500.00(人)"));
        assert_eq!(q("1000人以上").as_deref(), Some("≥1000.00(人)"));
        assert_eq!(q("3个工作日以内").as_deref(), Some("≤3.00(个工作日)"));
        assert_eq!(q("3个工作日内").as_deref(), Some("≤3.00(个工作日)"));
        assert_eq!(q("大于等于 95%以上").as_deref(), Some("≥95.00(%)"));
        assert_eq!(q("90%及以上").as_deref(), Some("≥90.00(%)"));
        // A note that the bound counts, or does not, as reviewers' forms write it.
        assert_eq!(q("≥95%（含）").as_deref(), Some("≥95.00(%)"));
        assert_eq!(q("95%（含）以上").as_deref(), Some("≥95.00(%)"));
        assert_eq!(q("不低于95%(含)").as_deref(), Some("≥95.00(%)"));
        assert_eq!(q("大于95%（含）").as_deref(), Some("≥95.00(%)"));
        assert_eq!(q("95%以上（不含）").as_deref(), Some(">95.00(%)"));
        assert_eq!(q("5个工作日（含）以内").as_deref(), Some("≤5.00(个工作日)"));
        assert_eq!(q("≤3次(不含)").as_deref(), Some("<3.00(次)"));
        assert_eq!(
            parse_indicator_value("95%（含）"),
            IndicatorValue::BareNumber {
                number: Decimal::from(95),
                unit: Some("%".into())
            }
        );
        assert_eq!(q("达到95%").as_deref(), Some("≥95.00(%)"));
        assert_eq!(q("至多3次").as_deref(), Some("≤3.00(次)"));
        assert_eq!(q("不超过5（万元）").as_deref(), Some("≤5.00(万元)"));
        assert_eq!(q("超过99%").as_deref(), Some(">99.00(%)"));
        assert_eq!(q("5%以下").as_deref(), Some("≤5.00(%)"));
        assert_eq!(q("≥95%以上").as_deref(), Some("≥95.00(%)"));
        // Said twice, differently: not read.
        assert_eq!(parse_indicator_value(">95%以上"), IndicatorValue::Malformed);
        assert_eq!(
            parse_indicator_value("小于95%以上"),
            IndicatorValue::Qualitative
        );
        // An operator word before text is text.
        assert_eq!(
            parse_indicator_value("不低于2024年水平"),
            IndicatorValue::Qualitative
        );
        assert_eq!(
            parse_indicator_value("不少于3名专职人员"),
            IndicatorValue::Qualitative
        );
        assert!(matches!(
            parse_indicator_value("3名专职人员以上"),
            IndicatorValue::BareNumber { .. }
        ));
        // A symbol takes any unit, as before.
        assert_eq!(q("≥3名专职人员").as_deref(), Some("≥3.00(名专职人员)"));
        assert_eq!(
            parse_indicator_value("不低于去年水平"),
            IndicatorValue::Qualitative
        );
        assert_eq!(
            parse_indicator_value("良好以上"),
            IndicatorValue::Qualitative
        );
        // The canonical form reads back the same.
        for v in ["不少于500人", "1000人以上", "3个工作日以内", "≥5人以上"] {
            let once = q(v).unwrap();
            assert_eq!(q(&once).as_deref(), Some(once.as_str()), "{v}");
        }
    }

    #[test]
    fn ranges() {
        assert_eq!(
            parse_range("1-2 次"),
            Some((d("1"), d("2"), Some("次".into())))
        );
        assert_eq!(
            parse_range("90%-95%"),
            Some((d("90"), d("95"), Some("%".into())))
        );
        assert_eq!(
            parse_range("3～5(天)"),
            Some((d("3"), d("5"), Some("天".into())))
        );
        assert_eq!(parse_range("3至5"), Some((d("3"), d("5"), None)));
        assert_eq!(parse_range("5-3次"), None);
        assert_eq!(parse_range("2025-12-31"), None);
        assert_eq!(parse_range("≥1(次)"), None);
    }

    #[test]
    fn money_as_typed() {
        assert_eq!(parse_money("300，000.00"), Money::Amount(d("300000")));
        assert_eq!(parse_money("３００，０００"), Money::Amount(d("300000")));
        assert_eq!(parse_money("30万"), Money::Amount(d("300000")));
        assert_eq!(parse_money("30 万元"), Money::Amount(d("300000")));
        assert_eq!(parse_money("￥300,000.00"), Money::Amount(d("300000")));
        assert_eq!(parse_money("¥ 300000"), Money::Amount(d("300000")));
        assert_eq!(parse_money("300 000.00"), Money::Amount(d("300000")));
        assert_eq!(parse_money("300000.00元整"), Money::Amount(d("300000")));
        assert_eq!(parse_money("3000 00.00"), Money::Invalid);
        assert_eq!(
            money_problem("253,85,00.00"),
            MoneyProblem::Grouping(Some(d("2538500.00")))
        );
        assert_eq!(money_problem("300，00"), MoneyProblem::Grouping(None));
        assert_eq!(parse_money("300000。00"), Money::Amount(d("300000")));
        assert_eq!(parse_money("300,000。00元"), Money::Amount(d("300000")));
        assert_eq!(money_problem("2,538,500.005"), MoneyProblem::Decimals);
        assert_eq!(money_problem("30.1234567万"), MoneyProblem::Decimals);
        assert_eq!(money_problem("叁拾万元整"), MoneyProblem::Numerals);
        assert_eq!(money_problem("约30"), MoneyProblem::NotANumber);
    }

    #[test]
    fn words() {
        assert_eq!(money_in_words(d("300000")), "叁拾万元整");
        assert_eq!(money_in_words(d("5130000.00")), "伍佰壹拾叁万元整");
        assert_eq!(money_in_words(d("1001.05")), "壹仟零壹元零伍分");
        assert_eq!(money_in_words(d("0.5")), "伍角");
        assert_eq!(money_in_words(d("100000000")), "壹亿元整");
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2025-1-1"), Some((2025, 1, 1)));
        assert_eq!(parse_date("2025年12月31日"), Some((2025, 12, 31)));
        assert_eq!(parse_date("2025-02-30"), None);
    }
}

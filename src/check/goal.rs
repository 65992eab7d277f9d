//! The goal text against the rest of the form: goal-mismatch (a number in 年度总体目标 that the
//! indicator measuring the same thing contradicts), goal-year (a year outside the plan dates),
//! goal-repeat (a sentence written twice in one goal).

use super::values::is_cost;
use super::{Context, Sink};
use crate::model::value::{parse_date, IndicatorValue, Op};
use crate::model::*;
use crate::syntax::Span;
use rust_decimal::Decimal;
use std::ops::Range;
use std::sync::Arc;

/// `last`: the goal of the project's last check and what goal-mismatch flagged in it, if the
/// indicators did not change since; `found` receives what it flags now.
pub fn check(
    p: &Project,
    cx: &Context,
    sink: &mut Sink,
    last: Option<LastGoal>,
    found: &mut GoalMemo,
) {
    for key in [GOAL, BUDGET_GOAL] {
        if let Some(t) = p.text(key) {
            repeat(t, cx, sink);
        }
    }
    if let Some(t) = p.text(GOAL) {
        year(p, t, cx, sink);
        mismatch(p, t, sink, last, found);
    }
}

/// A 64-bit hash of a sequence of characters (FNV-1a over code points, then mixed), so that
/// sentences are compared without building their normalised text.
#[derive(Clone, Copy)]
pub struct CharHash(u64);

impl Default for CharHash {
    fn default() -> Self {
        CharHash(0xcbf2_9ce4_8422_2325)
    }
}

impl CharHash {
    pub fn push(&mut self, c: char) {
        self.0 = (self.0 ^ c as u64).wrapping_mul(0x0000_0100_0000_01b3);
    }

    pub fn finish(self) -> u64 {
        let mut x = self.0;
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^ (x >> 31)
    }
}

/// One sentence of a line: its byte range in the line, and the hash and number of its
/// characters once reduced to letters and digits (so that punctuation, spaces and HTML
/// remnants do not hide a repeat), list markers ("1.", "2、") dropped.
#[derive(Clone)]
pub struct Sentence {
    pub range: Range<usize>,
    pub hash: u64,
    pub chars: u32,
}

/// Lines whose sentences were last computed: (the `whole` hash before, the line, its
/// sentences, the `whole` hash after). A keystroke in a goal has the same long lines read by
/// the goal checks and by the copy-paste fingerprint; the second read is a comparison.
type SeenLine = (u64, String, Vec<Sentence>, u64);

thread_local! {
    static SEEN: std::cell::RefCell<Vec<SeenLine>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Lines shorter than this are read again rather than remembered.
const REMEMBERED_LINE: usize = 64;

/// The sentences of one line that have letters or digits; `whole` is fed every normalised
/// character of the line, in order.
pub fn sentences(line: &str, whole: &mut CharHash) -> Vec<Sentence> {
    if line.len() < REMEMBERED_LINE {
        return read_sentences(line, whole);
    }
    let before = whole.0;
    let hit = SEEN.with(|seen| {
        let seen = seen.borrow();
        seen.iter()
            .find(|(w, l, _, _)| *w == before && l == line)
            .map(|(_, _, s, after)| (s.clone(), *after))
    });
    if let Some((s, after)) = hit {
        whole.0 = after;
        return s;
    }
    let s = read_sentences(line, whole);
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        if seen.len() >= 4 {
            seen.remove(0);
        }
        seen.push((before, line.to_string(), s.clone(), whole.0));
    });
    s
}

/// [`sentences`], read: one pass, no allocation but the result.
fn read_sentences(line: &str, whole: &mut CharHash) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut skip = marker_end(line, 0);
    let mut h = CharHash::default();
    let mut n = 0u32;
    let flush = |s: usize, e: usize, h: &mut CharHash, n: &mut u32, out: &mut Vec<Sentence>| {
        if *n > 0 {
            out.push(Sentence {
                range: s..e,
                hash: h.finish(),
                chars: *n,
            });
        }
        *h = CharHash::default();
        *n = 0;
    };
    for (i, c) in line.char_indices() {
        if i < skip {
            continue;
        }
        if matches!(c, '。' | '；' | ';' | '！' | '!' | '？' | '?') {
            flush(start, i, &mut h, &mut n, &mut out);
            start = i + c.len_utf8();
            skip = marker_end(line, start);
        } else if c == '<' {
            // An HTML remnant (<p>, </p>, <br/>) ends a sentence too.
            if let Some(close) = line[i..].find('>').filter(|&n| n <= 6) {
                flush(start, i, &mut h, &mut n, &mut out);
                start = i + close + 1;
                skip = marker_end(line, start);
            }
        } else if is_word(c) {
            h.push(c);
            whole.push(c);
            n += 1;
        }
    }
    flush(start, line.len(), &mut h, &mut n, &mut out);
    out
}

/// Where the sentence starting at `from` starts once leading spaces and a list marker ("1.",
/// "2、") are dropped: after the marker's digits (the mark itself is no letter).
fn marker_end(line: &str, from: usize) -> usize {
    let t = line[from..].trim_start();
    let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let at = line.len() - t.len();
    if digits > 0 && t[digits..].starts_with(['.', '、', '．', ':', '：', ')', '）']) && digits <= 2
    {
        at + digits
    } else {
        at
    }
}

/// `c.is_alphanumeric()`, ASCII and the common CJK ideographs answered first.
fn is_word(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        ('\u{4e00}'..='\u{9fff}').contains(&c) || c.is_alphanumeric()
    }
}

/// The letters and digits of a sentence, a leading list marker dropped.
#[cfg(test)]
fn normalized(s: &str) -> impl Iterator<Item = char> + '_ {
    s[marker_end(s, 0)..]
        .chars()
        .filter(|c| c.is_alphanumeric())
}

fn abs(span: Span, r: &Range<usize>) -> Span {
    Span::new(span.start as usize + r.start, span.start as usize + r.end)
}

fn repeat(t: &TextField, cx: &Context, sink: &mut Sink) {
    let min = cx.settings.vocab.thresholds.goal_repeat_min_chars;
    let mut seen: Vec<(u64, u32)> = Vec::new();
    let mut whole = CharHash::default();
    for (line, span) in &t.lines {
        for Sentence {
            range: r,
            hash,
            chars,
        } in sentences(line, &mut whole)
        {
            if (chars as usize) < min {
                continue;
            }
            if seen.contains(&(hash, chars)) {
                sink.push(
                    "goal-repeat",
                    abs(*span, &r),
                    format!(
                        "「{}」中这句话重复了：「{}」；删去重复的一句",
                        t.key,
                        line[r.clone()].trim()
                    ),
                );
            } else {
                seen.push((hash, chars));
            }
        }
    }
}

/// Words after a year that make it a baseline (在2023年基础上, 较2023年), not the plan.
const BASELINE: &[&str] = &["基础", "基数", "相比", "同比", "以来", "同期", "水平"];

fn year(p: &Project, t: &TextField, cx: &Context, sink: &mut Sink) {
    let dates: Vec<i32> = DATE_FIELDS
        .iter()
        .filter_map(|k| p.field(k))
        .filter_map(|f| parse_date(&f.value))
        .map(|d| d.0)
        .collect();
    let (lo, hi) = match dates.as_slice() {
        [a, b] if a <= b => (*a, *b),
        [a] => (*a, *a),
        _ => match cx.header.year() {
            Some(y) => (y, y),
            None => return,
        },
    };
    let period = || match dates.as_slice() {
        [a, b] if a == b => format!("计划实施期（{a} 年）"),
        [a, b] if a < b => format!("计划实施期 {a}–{b} 年"),
        [a] => format!("计划日期所在的 {a} 年"),
        _ => format!("表的年度 {lo}"),
    };
    for (line, span) in &t.lines {
        for (r, y) in years(line) {
            if (lo..=hi).contains(&y) {
                continue;
            }
            let after = &line[r.end..];
            let before = &line[..r.start];
            let near: String = after.chars().take(8).collect();
            if BASELINE.iter().any(|w| near.contains(w))
                || before.ends_with(['较', '比'])
                || before.ends_with("与")
            {
                continue;
            }
            let shown: String = line[r.clone()]
                .chars()
                .chain(
                    after
                        .chars()
                        .take_while(|c| !is_boundary(*c) && !matches!(c, '-' | '—' | '~' | '至'))
                        .take(8),
                )
                .collect();
            sink.push(
                "goal-year",
                abs(*span, &r),
                format!(
                    "「年度总体目标」写的是 {y} 年（「{shown}」），不在{}内：目标应写本期要做的事；{y} 年的情况如是背景，请写明「在{y}年基础上」",
                    period()
                ),
            );
        }
    }
}

/// Four-digit years followed by 年 (2024年, 2026 年, 2023全年), as (byte range of the
/// digits, year).
fn years(line: &str) -> Vec<(Range<usize>, i32)> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= b.len() {
        let is_run = b[i..i + 4].iter().all(u8::is_ascii_digit)
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && b.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
        if is_run {
            let rest = line[i + 4..].trim_start();
            let y: i32 = line[i..i + 4].parse().unwrap_or(0);
            if (1990..=2100).contains(&y) && (rest.starts_with('年') || rest.starts_with("全年"))
            {
                out.push((i..i + 4, y));
            }
            i += 4;
        } else {
            i += 1;
        }
    }
    out
}

fn is_boundary(c: char) -> bool {
    matches!(
        c,
        '，' | ','
            | '。'
            | '；'
            | ';'
            | '：'
            | ':'
            | '、'
            | '（'
            | '）'
            | '('
            | ')'
            | '“'
            | '”'
            | '"'
            | '！'
            | '？'
            | '!'
            | '?'
            | '《'
            | '》'
            | '<'
            | '>'
            | '和'
            | '及'
            | '与'
            | '或'
    )
}

/// What a number counts.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Class {
    Percent,
    /// People: 人, 人次, 名 …
    Person,
    /// Things: 件, 本, 张, 家 …
    Thing,
}

/// Count units; 万… are ten thousand of the unit.
const PERSON_UNITS: &[&str] = &["万人次", "万人", "人次", "人", "名"];
const THING_UNITS: &[&str] = &[
    "件", "本", "张", "家", "个", "项", "块", "份", "条", "起", "户", "场", "台", "套", "批", "册",
    "所", "处", "期",
];
/// Measure words a noun follows (3个工作人员, 206个案件): the noun says what is counted.
const MEASURE: &[&str] = &[
    "个", "名", "家", "项", "台", "套", "批", "场", "所", "处", "条", "块", "份", "本", "张", "件",
    "户", "册", "期",
];
/// A measure word followed by these counts time, not things (12个月, 5个工作日).
const TIME_NOUNS: &[&str] = &[
    "月",
    "工作日",
    "小时",
    "季度",
    "年",
    "星期",
    "周",
    "日",
    "天",
];
/// Words between the thing and its number (知晓率达100%, 人数在6500人以上).
const LEAD_WORDS: &[&str] = &[
    "低于",
    "大于等于",
    "小于等于",
    "不少于",
    "不低于",
    "不高于",
    "不超过",
    "不多于",
    "超过",
    "达到",
    "大于",
    "小于",
    "等于",
    "共计",
    "合计",
    "累计",
    "总计",
    "约为",
    "约",
    "达",
    "为",
    "共",
    "在",
    "至少",
];
/// Pairs of characters too common in the forms to say two names are about the same thing.
const STOP: &[[char; 2]] = &[
    ['医', '保'],
    ['项', '目'],
    ['完', '成'],
    ['提', '高'],
    ['提', '升'],
    ['工', '作'],
    ['确', '保'],
    ['保', '障'],
    ['年', '度'],
    ['全', '年'],
    ['计', '划'],
    ['实', '现'],
    ['开', '展'],
    ['目', '标'],
    ['达', '到'],
    ['进', '一'],
    ['一', '步'],
];

struct Quantity {
    range: Range<usize>,
    number: Decimal,
    class: Class,
    /// What is counted: the noun after a measure word, else the words before the number.
    key: String,
    /// The sentence it is in.
    sentence: Range<usize>,
    /// The words and the number, as quoted in the message.
    shown: Range<usize>,
    /// Written as a bound: 不少于, 以上 (lower), 不超过, 以内 (upper).
    bound: Option<Bound>,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Bound {
    Lower,
    Upper,
}

const LOWER_WORDS: &[&str] = &["大于等于", "不少于", "不低于", "超过", "大于", "至少"];
const UPPER_WORDS: &[&str] = &["小于等于", "不高于", "不超过", "不多于", "小于", "低于"];

fn unit_class(unit: &str) -> Option<(Class, Decimal)> {
    let scale = if unit.starts_with('万') {
        Decimal::from(10_000)
    } else {
        Decimal::ONE
    };
    if unit == "%" || unit == "％" {
        Some((Class::Percent, Decimal::ONE))
    } else if PERSON_UNITS.contains(&unit) {
        Some((Class::Person, scale))
    } else if THING_UNITS.contains(&unit) {
        Some((Class::Thing, Decimal::ONE))
    } else {
        None
    }
}

fn is_person_noun(s: &str) -> bool {
    ["人", "人员", "员", "者", "对象", "户"]
        .iter()
        .any(|e| s.ends_with(e))
}

/// The numbers with a count or percent unit in a line. Years, dates, money, durations,
/// ranges, ordinals and numbers that are part of a name (12345热线, 700号) are not.
fn quantities(line: &str) -> Vec<Quantity> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    if !b.iter().any(u8::is_ascii_digit) {
        return out;
    }
    let mut sentence_start = 0;
    let mut last_end = 0;
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            // Byte by byte: no sentence end or digit starts inside a character.
            if b[i] == b';' {
                sentence_start = i + 1;
            } else if matches!(b[i], 0xe3 | 0xef)
                && ["。", "；", "！", "？"]
                    .iter()
                    .any(|e| b[i..].starts_with(e.as_bytes()))
            {
                sentence_start = i + 3;
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b',') {
            i += 1;
        }
        let digits = line[start..i].trim_end_matches(['.', ',']);
        let end_digits = start + digits.len();
        let prev = line[..start].chars().next_back();
        if prev.is_some_and(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '-' | '~' | '～' | '第' | '×' | '*' | '/' | '至' | '—')
        }) {
            last_end = i;
            continue;
        }
        let Ok(number) = digits.replace(',', "").parse::<Decimal>() else {
            continue;
        };
        let rest = &line[end_digits..];
        let rest_trim = rest.trim_start();
        let gap = rest.len() - rest_trim.len();
        let unit = ["%", "％"]
            .into_iter()
            .chain(PERSON_UNITS.iter().copied())
            .chain(THING_UNITS.iter().copied())
            .find(|u| rest_trim.starts_with(u));
        let Some(unit) = unit else {
            last_end = i;
            continue;
        };
        let Some((mut class, scale)) = unit_class(unit) else {
            continue;
        };
        let unit_end = end_digits + gap + unit.len();
        let after = &line[unit_end..];
        if after.starts_with(['-', '~', '～', '至']) || after.starts_with("万") {
            last_end = unit_end;
            i = unit_end;
            continue;
        }
        let head: String = if MEASURE.contains(&unit) {
            after
                .chars()
                .take_while(|c| !is_boundary(*c) && *c != '的' && !c.is_ascii_digit())
                .take(8)
                .collect()
        } else {
            String::new()
        };
        if TIME_NOUNS.iter().any(|t| head.starts_with(t)) {
            last_end = unit_end;
            i = unit_end;
            continue;
        }
        let mut shown = start..unit_end;
        let tail = after.trim_start();
        let mut bound = if tail.starts_with("以上") || tail.starts_with("及以上") {
            Some(Bound::Lower)
        } else if ["以内", "以下", "及以下"]
            .iter()
            .any(|w| tail.starts_with(w))
        {
            Some(Bound::Upper)
        } else {
            None
        };
        let key = if head.chars().count() >= 2 {
            if class == Class::Thing && is_person_noun(&head) {
                class = Class::Person;
            }
            shown.end += head.len();
            head
        } else {
            let from = line[..start]
                .char_indices()
                .rev()
                .find(|&(_, c)| is_boundary(c) || c.is_ascii_digit())
                .map(|(j, c)| j + c.len_utf8())
                .unwrap_or(0)
                .max(last_end);
            let mut before = line[from.min(start)..start].trim();
            while let Some(w) = LEAD_WORDS.iter().find(|w| before.ends_with(*w)) {
                if LOWER_WORDS.contains(w) {
                    bound = Some(Bound::Lower);
                } else if UPPER_WORDS.contains(w) {
                    bound = Some(Bound::Upper);
                }
                before = before[..before.len() - w.len()].trim_end();
            }
            let n = before.chars().count();
            let key: String = before.chars().skip(n.saturating_sub(10)).collect();
            // Quoted from after the last verb (提高百姓对…知晓率 → 百姓对…知晓率), at most
            // sixteen characters.
            let from_verb = ["提高", "提升", "确保", "实现", "使", "让"]
                .iter()
                .filter_map(|v| matches_at(before, v).next_back().map(|k| k + v.len()))
                .max()
                .unwrap_or(0);
            let phrase = &before[from_verb..];
            let m = phrase.chars().count();
            let tail: String = phrase.chars().skip(m.saturating_sub(16)).collect();
            let quoted = (!tail.is_empty())
                .then(|| matches_at(&line[..start], &tail).next_back())
                .flatten();
            if let Some(k) = quoted {
                shown.start = k;
            }
            key
        };
        let sentence_end = line[unit_end..]
            .find(['。', '；', ';', '！', '？'])
            .map(|k| unit_end + k)
            .unwrap_or(line.len());
        out.push(Quantity {
            range: start..unit_end,
            number: number * scale,
            class,
            key,
            sentence: sentence_start..sentence_end,
            shown,
            bound,
        });
        last_end = unit_end;
        i = unit_end;
    }
    out
}

/// The pairs of adjacent letters of `s` that may say what it is about: no digit, no
/// [`STOP`] pair.
fn word_pairs(s: &str) -> impl Iterator<Item = [char; 2]> + '_ {
    let mut letters = s.chars().filter(|c| c.is_alphanumeric());
    let mut prev = letters.next();
    letters.filter_map(move |c| {
        let pair = [prev?, c];
        prev = Some(c);
        (!pair[0].is_ascii_digit() && !c.is_ascii_digit() && !STOP.contains(&pair)).then_some(pair)
    })
}

fn bigrams(s: &str) -> Vec<[char; 2]> {
    let mut out: Vec<[char; 2]> = word_pairs(s).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// `h.find(n)` and `h.rfind(n)` without building a searcher (the words are short): a match of
/// UTF-8 in UTF-8 starts at a character boundary.
fn matches_at<'a>(h: &'a str, n: &'a str) -> impl DoubleEndedIterator<Item = usize> + 'a {
    let (h, n) = (h.as_bytes(), n.as_bytes());
    let ends = h.len().checked_sub(n.len()).map_or(0, |l| l + 1);
    (0..ends).filter(move |&i| h[i..].starts_with(n))
}

/// Every pair of adjacent characters of `name`, sorted, for [`shared`].
fn name_pairs(name: &str) -> Vec<[char; 2]> {
    let mut out: Vec<[char; 2]> = name
        .chars()
        .zip(name.chars().skip(1))
        .map(|(a, b)| [a, b])
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// How many of the pairs `a` occur in a name, given its [`name_pairs`].
fn shared(a: &[[char; 2]], name: &[[char; 2]]) -> usize {
    a.iter().filter(|p| name.binary_search(p).is_ok()).count()
}

/// Words for the public at large: 群众满意度 in a goal is the satisfaction of whoever the
/// project serves.
const PUBLIC: &[&str] = &["群众", "百姓", "公众", "社会公众", "人民群众", "服务对象"];

/// Whether a rate in the goal (`key`, ending in `stem` + 率/度) and an indicator's name are
/// about the same measure of the same people: the name has the measure, and whom it is about
/// (办事群众 of 办事群众满意度, 相关部门 of 相关部门满意度) shares a word, unless either leaves
/// it unsaid or the goal speaks of the public.
fn same_subject(key: &str, name: &str, stem: &str) -> bool {
    let (Some(k), Some(n)) = (
        matches_at(key, stem).next_back(),
        matches_at(name, stem).next(),
    ) else {
        return false;
    };
    let kp = key[..k].trim_end_matches(['的', '对']);
    let np = name[..n].trim_end_matches(['的', '对']);
    if kp.chars().count() < 2 || np.chars().count() < 2 || PUBLIC.contains(&kp) {
        return true;
    }
    word_pairs(kp).any(|p| np.chars().zip(np.chars().skip(1)).any(|(a, b)| [a, b] == p))
}

/// The numbers an indicator states: its target and any in its name (存量案件227件…).
fn stated_numbers(ind: &Indicator, target: Decimal) -> Vec<Decimal> {
    let mut v = vec![target];
    let mut cur = String::new();
    for c in ind.name.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || (c == '.' && !cur.is_empty()) {
            cur.push(c);
        } else if !cur.is_empty() {
            if let Ok(d) = cur.trim_end_matches('.').parse::<Decimal>() {
                v.push(d);
            }
            cur.clear();
        }
    }
    v
}

fn indicator_class(ind: &Indicator) -> Option<(Class, Decimal, &str)> {
    let IndicatorValue::Quantitative {
        number,
        unit: Some(u),
        ..
    } = &ind.value
    else {
        return None;
    };
    let (mut class, scale) = unit_class(u)?;
    if class == Class::Thing && (ind.name.ends_with("人数") || ind.name.ends_with("人次")) {
        // 宣传册发放人数 in 本 counts people, whatever its unit says.
        class = Class::Person;
    }
    Some((class, *number * scale, u))
}

/// An indicator the goal's words may be about: (shared pairs of characters, indicator, its
/// target, what it counts, its name's pairs of characters).
type Scored<'a, 'b> = (usize, &'a Indicator, Decimal, Class, &'b [[char; 2]]);

/// A number of a goal line that an indicator contradicts: the number's bytes in the line, the
/// candidate indicator, the message. Depends only on the line and the candidates.
#[derive(Debug, Clone)]
pub struct Flagged {
    range: Range<usize>,
    candidate: u32,
    message: String,
}

/// What goal-mismatch keeps for the project's next check: what it flagged on each line of the
/// goal, and the candidates' pairs of characters if it built them. Both hold while no
/// indicator changes.
#[derive(Debug, Clone, Default)]
pub struct GoalMemo {
    flagged: Vec<(u32, Flagged)>,
    pairs: Option<Arc<Vec<Vec<[char; 2]>>>>,
}

impl GoalMemo {
    pub fn forget_pairs(&mut self) {
        self.pairs = None;
    }
}

/// The goal of the project's last check and what [`mismatch`] kept of it, valid when the
/// indicators are the same.
pub type LastGoal<'a> = (&'a TextField, &'a GoalMemo);

type Candidate<'a> = (&'a Indicator, Class, Decimal);

fn mismatch(
    p: &Project,
    t: &TextField,
    sink: &mut Sink,
    last: Option<LastGoal>,
    found: &mut GoalMemo,
) {
    let candidates: Vec<Candidate> = p
        .indicators()
        .filter(|(l1, l2, _)| !is_cost(l1, *l2))
        .filter_map(|(_, _, ind)| indicator_class(ind).map(|(c, n, _)| (ind, c, n)))
        .collect();
    if candidates.is_empty() {
        return;
    }
    // The pairs of characters of each candidate's name, once a line has a quantity.
    let mut pairs = last.and_then(|(_, m)| m.pairs.clone());
    // A line as it was last time is flagged as it was then.
    let same = last.map(|(old, _)| {
        super::memo::align(t.lines.len(), old.lines.len(), |j, o| {
            t.lines[j].0 == old.lines[o].0
        })
    });
    // One finding per indicator: a goal that gives the stock and the yearly increase of the
    // same cases is one discrepancy, not two.
    let mut reported: Vec<&str> = Vec::new();
    for (j, (line, span)) in t.lines.iter().enumerate() {
        let flagged = match (last, same.as_ref().and_then(|m| m[j])) {
            (Some((_, was)), Some(o)) => was
                .flagged
                .iter()
                .filter(|(l, _)| *l == o)
                .map(|(_, f)| f.clone())
                .collect(),
            _ => flag_line(line, &candidates, &mut pairs),
        };
        for f in flagged {
            let ind = candidates[f.candidate as usize].0;
            found.flagged.push((j as u32, f.clone()));
            if reported.contains(&ind.name.as_str()) {
                continue;
            }
            reported.push(&ind.name);
            sink.push("goal-mismatch", abs(*span, &f.range), f.message);
        }
    }
    found.pairs = pairs;
}

/// The numbers of `line` that the indicator measuring the same thing contradicts.
fn flag_line(
    line: &str,
    candidates: &[Candidate],
    pairs: &mut Option<Arc<Vec<Vec<[char; 2]>>>>,
) -> Vec<Flagged> {
    let mut out = Vec::new();
    for q in quantities(line) {
        let key = bigrams(&q.key);
        if key.is_empty() {
            continue;
        }
        let pairs = pairs.get_or_insert_with(|| {
            Arc::new(
                candidates
                    .iter()
                    .map(|(ind, _, _)| name_pairs(&ind.name))
                    .collect(),
            )
        });
        // A percentage is compared only when the goal names the rate (知晓率达100%),
        // and the measure itself (知晓) must be in the indicator's name.
        let stem: Option<String> = if q.class == Class::Percent {
            let k = q.key.trim_end_matches(['率', '度', '性', '比']);
            if k.len() == q.key.len() || k.chars().count() < 2 {
                continue;
            }
            let n = k.chars().count();
            Some(k.chars().skip(n - 2).collect())
        } else {
            None
        };
        // The indicator the words are about, among the counts or among the rates; a
        // count of people and a count of things are not compared.
        let scored: Vec<Scored> = candidates
            .iter()
            .zip(pairs.iter())
            .filter(|((_, c, _), _)| (*c == Class::Percent) == (q.class == Class::Percent))
            .filter(|((ind, _, _), _)| {
                stem.as_ref()
                    .is_none_or(|s| same_subject(&q.key, &ind.name, s))
            })
            .map(|(&(ind, c, n), np)| (shared(&key, np), ind, n, c, np.as_slice()))
            // A count is matched on most of its words (宣传册发放 is not 彩色宣传页发放:
            // 宣传 and 发放 alone are not enough); a rate on its measure, above.
            .filter(|(s, _, _, _, _)| {
                *s > 0 && (q.class == Class::Percent || s * 5 >= key.len() * 3)
            })
            .collect();
        let Some(best) = scored.iter().map(|s| s.0).max() else {
            continue;
        };
        let top: Vec<&Scored> = scored.iter().filter(|s| s.0 == best).collect();
        let chosen = if top.len() == 1 {
            top[0]
        } else {
            // Ties: the one the whole sentence is closest to.
            let sentence = bigrams(&line[q.sentence.clone()]);
            let by: Vec<(usize, &&Scored)> =
                top.iter().map(|s| (shared(&sentence, s.4), s)).collect();
            let max = by.iter().map(|b| b.0).max().unwrap_or(0);
            let mut at_max = by.iter().filter(|b| b.0 == max);
            match (at_max.next(), at_max.next()) {
                (Some(b), None) => *b.1,
                _ => continue,
            }
        };
        let (_, ind, target, class, _) = *chosen;
        // 满意度达到90%以上 is kept by a target of ≥94%: within the goal's bound.
        let within = match (q.bound, &ind.value) {
            (Some(Bound::Lower), IndicatorValue::Quantitative { op, .. }) => {
                op.is_positive() && *op != Op::Eq && target >= q.number
            }
            (Some(Bound::Upper), IndicatorValue::Quantitative { op, .. }) => {
                op.is_upper_bound() && target <= q.number
            }
            _ => false,
        };
        if within || class != q.class || stated_numbers(ind, target).contains(&q.number) {
            continue;
        }
        let shown = line[q.shown.clone()].trim();
        let candidate = candidates
            .iter()
            .position(|c| std::ptr::eq(c.0, ind))
            .expect("the chosen indicator is a candidate") as u32;
        out.push(Flagged {
            range: q.range.clone(),
            candidate,
            message: format!(
                "「年度总体目标」写「{shown}」，而指标「{}」的目标为 {}：两处说的是同一件事，数字应一致，请核对后改正其中一处",
                ind.name, ind.value_text
            ),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_skip_years_money_and_names() {
        let qs = quantities("项目从2024年10月开始，受理“12345”转派工单，7×24 小时，每月 1-2 次，宣传册发放30000人，共计206个案件，预算30万元。");
        let got: Vec<(String, String)> = qs
            .iter()
            .map(|q| (q.number.to_string(), q.key.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("30000".to_string(), "宣传册发放".to_string()),
                ("206".to_string(), "案件".to_string())
            ]
        );
    }

    #[test]
    fn remembered_lines_read_as_new_ones() {
        let line = "完成全区86所中小学校园安全监控系统的日常运维。全年设备完好率不低于98%，故障在24小时内修复。";
        assert!(line.len() >= REMEMBERED_LINE);
        let read = |w: &mut CharHash| {
            let s = sentences(line, w);
            (
                s.iter()
                    .map(|s| (s.range.clone(), s.hash, s.chars))
                    .collect::<Vec<_>>(),
                w.finish(),
            )
        };
        let mut fresh = CharHash::default();
        let first = read(&mut fresh);
        let mut again = CharHash::default();
        assert!(first == read(&mut again));
        // The same line after another one: the whole goal's hash goes on from there.
        let mut after = CharHash::default();
        after.push('甲');
        let mut direct = CharHash::default();
        direct.push('甲');
        let expected = read_sentences(line, &mut direct);
        let got = sentences(line, &mut after);
        assert_eq!(after.finish(), direct.finish());
        assert_eq!(got.len(), expected.len());
    }

    #[test]
    fn sentences_normalise() {
        let line = "<p>1. 通过培训，提高水平。</p> <p>2、通过培训, 提高水平</p>";
        let s = sentences(line, &mut CharHash::default());
        let n: Vec<String> = s
            .iter()
            .map(|x| normalized(&line[x.range.clone()]).collect())
            .collect();
        assert_eq!(n, vec!["通过培训提高水平", "通过培训提高水平"]);
        assert_eq!((s[0].hash, s[0].chars), (s[1].hash, s[1].chars));
        assert_eq!(s[0].chars, 8);
        let mut whole = CharHash::default();
        let s = sentences(
            "1、 2024年培训 1.5 万人。<br/>12) 提高！ 123. 水平",
            &mut whole,
        );
        let n: Vec<u32> = s.iter().map(|x| x.chars).collect();
        assert_eq!(n, vec![11, 2, 5]);
    }

    #[test]
    fn matches_at_are_find_and_rfind() {
        for h in ["", "提高百姓对政策的知晓率", "提高提高", "a提高b"] {
            for n in ["", "提高", "知晓率", "高", "提高提高提高", "b"] {
                assert_eq!(matches_at(h, n).next(), h.find(n), "{h} {n}");
                assert_eq!(matches_at(h, n).next_back(), h.rfind(n), "{h} {n}");
            }
        }
    }

    #[test]
    fn is_word_is_alphanumeric() {
        for c in (0..0x30000).filter_map(char::from_u32) {
            assert_eq!(is_word(c), c.is_alphanumeric(), "{c:?}");
        }
    }
}

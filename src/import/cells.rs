//! Tokenising an extraction: lines and their numbers, tab-separated cells, whitespace-separated
//! tokens, the width of a line as printed (a CJK character is two columns), the layout noise
//! every page repeats (titles, year lines, table headers, rule lines), and the closed vocabulary
//! of indicator categories — exact, or cut in two by a line break inside a table cell.

use crate::model::value::{parse_indicator_value, IndicatorValue};
use crate::model::vocab::{Profile, Vocab};

/// One line of the extraction with its 1-based number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    pub no: usize,
    pub text: &'a str,
}

pub fn lines(text: &str) -> Vec<Line<'_>> {
    text.split('\n')
        .enumerate()
        .map(|(i, l)| Line {
            no: i + 1,
            text: l.strip_suffix('\r').unwrap_or(l),
        })
        .collect()
}

/// A non-empty cell of a tab-separated row, with its column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub col: usize,
    pub text: String,
}

/// The row's non-empty cells, trimmed.
pub fn cells(line: &str) -> Vec<Cell> {
    line.split('\t')
        .enumerate()
        .filter_map(|(col, t)| {
            let t = trim(t);
            (!t.is_empty()).then(|| Cell {
                col,
                text: t.to_string(),
            })
        })
        .collect()
}

/// Whitespace-separated tokens (ASCII and ideographic spaces, tabs).
pub fn tokens(line: &str) -> Vec<&str> {
    line.split(is_space).filter(|t| !t.is_empty()).collect()
}

pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{FEFF}'
}

pub fn trim(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// Wide (two-column) characters: CJK ideographs, CJK and full-width punctuation, kana, hangul.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x2FFFD
        | 0x30000..=0x3FFFD)
}

/// Columns a string takes in a terminal or on the printed form: wide characters count two.
pub fn width(s: &str) -> usize {
    s.chars()
        .filter(|c| !c.is_control())
        .map(|c| if is_wide(c) { 2 } else { 1 })
        .sum()
}

/// Every whitespace character removed: how category names and labels are compared.
pub fn squeeze(s: &str) -> String {
    s.chars().filter(|&c| !is_space(c)).collect()
}

fn cjk_side(c: char) -> bool {
    is_wide(c) || matches!(c, '“' | '”' | '‘' | '’')
}

/// Whitespace between two CJK characters removed (the extraction puts a space where a cell
/// wrapped: "医疗保险经办业务 专项经费"); other runs of whitespace become one space; trimmed.
pub fn squeeze_cjk(s: &str) -> String {
    let chars: Vec<char> = trim(s).chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if is_space(chars[i]) {
            let start = i;
            while i < chars.len() && is_space(chars[i]) {
                i += 1;
            }
            let before = chars[start - 1];
            let after = chars.get(i).copied().unwrap_or(' ');
            if !(cjk_side(before) && cjk_side(after)) {
                out.push(' ');
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// The year of a line such as `(2024年度)`, `（2025年度）`, `(2026 年度)`.
pub fn year_line(s: &str) -> Option<i32> {
    let s = squeeze(s);
    let inner = s
        .strip_prefix(['(', '（'])?
        .strip_suffix([')', '）'])?
        .strip_suffix("年度")?;
    (inner.len() == 4 && inner.chars().all(|c| c.is_ascii_digit()))
        .then(|| inner.parse().ok())
        .flatten()
}

/// A form title: 财政项目支出绩效目标申报表, …绩效自评表, a unit's …汇总表.
pub fn is_title(s: &str) -> bool {
    let s = squeeze(s);
    s.ends_with("绩效目标申报表") || s.ends_with("绩效自评表") || s.ends_with("汇总表")
}

/// A rule line left by a table converter: `--\t-----\t---`.
pub fn is_rule(s: &str) -> bool {
    let t = squeeze(s);
    !t.is_empty()
        && t.chars()
            .all(|c| matches!(c, '-' | '—' | '─' | '=' | '|' | '+' | ':'))
        && t.contains(['-', '─', '='])
}

/// The indicator table's header row (一级指标 二级指标 三级指标 年度(/项目)指标值), or a piece of it.
pub fn is_table_header(s: &str) -> bool {
    let t = squeeze(s);
    t.contains("二级指标") && t.contains("三级指标")
        || t.starts_with("一级指标") && (t.contains("二级") || t == "一级指标")
        || t == "年度(/项目)指标值"
        || t == "年度（/项目）指标值"
}

/// The cells a header row of the indicator table may hold; anything else in such a row is
/// reported, not dropped.
const HEADER_CELLS: &[&str] = &[
    "绩效指标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
    "年度指标值",
    "年度(/项目)指标值",
    "年度（/项目）指标值",
];

/// The cells (tab layout) or tokens (line-broken layout) of a header row that are not header
/// labels.
pub fn header_extras(s: &str) -> Vec<String> {
    let parts: Vec<String> = if s.contains('\t') {
        cells(s).into_iter().map(|c| c.text).collect()
    } else {
        tokens(s).into_iter().map(str::to_string).collect()
    };
    parts
        .into_iter()
        .filter(|c| {
            let t = squeeze(c);
            !t.is_empty() && !HEADER_CELLS.contains(&t.as_str())
        })
        .collect()
}

/// A one-cell line written as `label：text` — a note or a sign-off under the table
/// (注：本表金额单位为元, 编制人：张三, 联系电话：…). A colon cannot be part of an indicator's
/// name (the format reads it as the name's end), so such a line never continues a name.
pub fn is_labelled_note(s: &str) -> bool {
    let t = trim(s);
    t.contains(['：', ':']) && !is_quantitative(t)
}

/// A page number: 第 3 页, （第 3 页，共 12 页）, - 3 -.
pub fn is_page_number(s: &str) -> bool {
    let t = squeeze(s);
    let t = t.trim_matches(|c| matches!(c, '(' | ')' | '（' | '）' | '-' | '—'));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if let Some(rest) = t.strip_prefix('第') {
        let mut parts = rest.splitn(2, '页');
        let n = parts.next().unwrap_or("");
        let tail = parts.next().unwrap_or("");
        let tail = tail.trim_start_matches(['，', ',', '、']);
        return digits(n)
            && (tail.is_empty()
                || tail
                    .strip_prefix('共')
                    .and_then(|x| x.strip_suffix('页'))
                    .is_some_and(digits));
    }
    let raw = squeeze(s);
    raw.starts_with(['-', '—']) && raw.ends_with(['-', '—']) && digits(t)
}

/// Layout noise that can stand anywhere: titles, year lines, rule lines, page numbers.
pub fn is_page_noise(s: &str) -> bool {
    is_title(s) || year_line(s).is_some() || is_rule(s) || is_page_number(s)
}

/// A value as the table prints it in its value column: an operator or a number first, or a
/// LaTeX remnant (`$\geq 90.00\%$`).
pub fn is_quantitative(s: &str) -> bool {
    let s = trim(s);
    if s.starts_with('$') && s.chars().any(|c| c.is_ascii_digit()) {
        return true;
    }
    matches!(
        parse_indicator_value(s),
        IndicatorValue::Quantitative { .. } | IndicatorValue::BareNumber { .. }
    ) || (crate::model::value::parse_op(s).is_some() && s.chars().any(|c| c.is_ascii_digit()))
}

/// Whether a category is a 一级 or a 二级.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    One,
    Two,
}

/// A category name recognised in a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub level: Level,
    /// The canonical name (aliases resolved, whitespace removed).
    pub name: String,
    /// What the cell lacks when it holds only the first part of the name ("满意度指" → "标").
    pub missing: String,
}

/// The closed vocabulary of categories, for the form's profile.
pub struct Categories<'v> {
    vocab: &'v Vocab,
    profile: &'v Profile,
    /// Every canonical category name, and every alias, with its canonical name.
    names: Vec<(String, String)>,
}

impl<'v> Categories<'v> {
    pub fn new(vocab: &'v Vocab, profile: &'v Profile) -> Self {
        let mut names: Vec<(String, String)> = Vec::new();
        for p in &vocab.profiles {
            for d in &p.level1 {
                names.push((d.name.clone(), d.name.clone()));
                for n in &d.level2 {
                    names.push((n.clone(), n.clone()));
                }
            }
        }
        for (alias, canonical) in &vocab.aliases {
            names.push((alias.clone(), canonical.clone()));
        }
        names.sort();
        names.dedup();
        Categories {
            vocab,
            profile,
            names,
        }
    }

    pub fn profile(&self) -> &Profile {
        self.profile
    }

    /// The level of a canonical name in the form's profile (else in any profile).
    pub fn level(&self, canonical: &str) -> Option<Level> {
        if self.profile.level1(canonical).is_some() {
            return Some(Level::One);
        }
        if self.profile.parent_of(canonical).is_some() {
            return Some(Level::Two);
        }
        match self.vocab.category_roles(canonical) {
            (true, _) => Some(Level::One),
            (false, true) => Some(Level::Two),
            _ => None,
        }
    }

    /// The category a whole cell names, exactly (whitespace inside ignored).
    pub fn exact(&self, cell: &str) -> Option<Category> {
        let s = squeeze(cell);
        let canonical = self.vocab.canonical_category(&s);
        let level = self.level(&canonical)?;
        Some(Category {
            level,
            name: canonical,
            missing: String::new(),
        })
    }

    /// The category whose name the cell begins, when only one does ("服务对象" →
    /// 服务对象满意度指标, "社会效益" → 社会效益指标).
    pub fn partial(&self, cell: &str) -> Option<Category> {
        let s = squeeze(cell);
        if s.chars().count() < 2 {
            return None;
        }
        let mut found: Option<(&str, &str)> = None;
        for (name, canonical) in &self.names {
            if name.len() > s.len() && name.starts_with(&s) {
                match found {
                    Some((_, c)) if c != canonical => return None,
                    _ => found = Some((name, canonical)),
                }
            }
        }
        let (name, canonical) = found?;
        Some(Category {
            level: self.level(canonical)?,
            name: canonical.to_string(),
            missing: name[s.len()..].to_string(),
        })
    }

    /// A cell that is the rest of a category name cut by a line break ("标", "指标", "度指标").
    pub fn is_tail_of(&self, cell: &str, category: &str) -> bool {
        let s = squeeze(cell);
        !s.is_empty() && s.len() < category.len() && category.ends_with(&s)
    }

    /// The parent 一级 of a 二级 in the form's profile.
    pub fn parent(&self, level2: &str) -> Option<&str> {
        self.profile.parent_of(level2).map(|d| d.name.as_str())
    }

    /// Whether `level2` belongs under `level1` in the form's profile.
    pub fn allowed(&self, level1: &str, level2: &str) -> bool {
        self.profile
            .level1(level1)
            .is_some_and(|d| d.level2.iter().any(|n| n == level2))
    }
}

/// An unknown category as the forms write one (双盲指标): ends with 指标, is not a value.
pub fn looks_like_category(s: &str) -> bool {
    let s = squeeze(s);
    s.ends_with("指标") && s.chars().count() >= 3 && !is_quantitative(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_and_squeezing() {
        assert_eq!(width("年度(/项目)"), 11);
        assert_eq!(width("SAS 维护费"), 10);
        assert_eq!(
            squeeze_cjk("医疗保险经办业务 专项经费"),
            "医疗保险经办业务专项经费"
        );
        assert_eq!(squeeze_cjk("SAS 维护费"), "SAS 维护费");
        assert_eq!(squeeze_cjk("  计划开始 日期 "), "计划开始日期");
        assert_eq!(squeeze_cjk("2026 年度"), "2026 年度");
    }

    #[test]
    fn noise() {
        assert_eq!(year_line("(2026 年度)\t\t\t"), Some(2026));
        assert_eq!(year_line("（2025年度）"), Some(2025));
        assert!(is_title("财政项目支出绩效目标申报表\t\t\t"));
        assert!(is_title(" 财政项目支出绩效自评表"));
        assert!(is_rule("--\t-------\t---------------"));
        assert!(!is_rule("—"));
        assert!(
            is_page_number("（第 3 页，共 12 页）")
                && is_page_number("第3页")
                && is_page_number("- 3 -")
        );
        assert!(!is_page_number("3") && !is_page_number("第三季度"));
        assert!(is_table_header(
            "\t一级指标\t二级指标\t三级指标\t年度(/项目)指标值\t"
        ));
        assert!(is_table_header("一级指标 二级指标 三级指标"));
        assert!(!is_table_header("产出指标"));
    }

    #[test]
    fn values() {
        assert!(is_quantitative("≥40000.00(张)"));
        assert!(is_quantitative("=100(%)"));
        assert!(is_quantitative("$\\geq 90.00\\%$"));
        assert!(is_quantitative("0.8"));
        assert!(!is_quantitative("及时"));
        assert!(!is_quantitative("1-2 次") && !is_quantitative("性"));
    }

    #[test]
    fn categories() {
        let v = Vocab::builtin();
        let c = Categories::new(v, v.profile_for_year(Some(2026)));
        assert_eq!(
            c.exact("服务对象满意度 指标").unwrap().name,
            "服务对象满意度指标"
        );
        assert_eq!(c.exact("成本指标").unwrap().level, Level::One);
        assert!(c.exact("服务对象满意度").is_none());
        let p = c.partial("满意度指").unwrap();
        assert_eq!((p.name.as_str(), p.missing.as_str()), ("满意度指标", "标"));
        assert_eq!(c.partial("服务对象").unwrap().missing, "满意度指标");
        assert_eq!(c.partial("社会效益").unwrap().name, "社会效益指标");
        assert!(c.partial("经济").is_none(), "经济成本指标 or 经济效益指标");
        assert!(c.is_tail_of("指标", "社会效益指标"));
        assert!(!c.is_tail_of("社会效益指标", "社会效益指标"));
        let old = Categories::new(v, v.profile_for_year(Some(2021)));
        assert_eq!(old.exact("成本指标").unwrap().level, Level::Two);
        assert_eq!(old.parent("成本指标"), Some("产出指标"));
        assert!(looks_like_category("双盲指标"));
    }
}

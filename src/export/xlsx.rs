//! XLSX: a 汇总 sheet (every project with its funding, and the totals), then one sheet per
//! project laid out like the paper form — 项目名称, 项目性质 … the funding rows, the goal, and
//! the indicator table (一级 / 二级 / 三级 / 指标值; for a 自评表 also 实际完成值, 分值, 得分,
//! 偏差原因), then a 问题 sheet listing the diagnostics. Amounts, 分值, 得分 and 执行率 are
//! numbers with number formats (`#,##0.00`, `0.00`, `0.00%`), never text, so reviewers can add
//! them up; indicator values are text as written. Every sheet prints on A4, one page wide.

use super::{amount, field};
use crate::model::*;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

/// The name of the summary sheet.
pub const SUMMARY_SHEET: &str = "汇总";
/// The name of the sheet of diagnostics.
pub const PROBLEMS_SHEET: &str = "问题";

/// A diagnostic as the 问题 sheet lists it (1-based line and character column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub severity: crate::check::Severity,
    pub rule: String,
    pub message: String,
    pub project: Option<String>,
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Sheet names Excel accepts, one per project, unique (case-insensitively, and distinct from
/// 汇总 and 问题): characters Excel forbids (`[ ] : * ? / \`) become `_`, no leading or trailing
/// apostrophe, at most 31 UTF-16 units; repeats get `(2)`, `(3)` ….
pub fn sheet_names<'a>(projects: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken: Vec<String> = vec![SUMMARY_SHEET.to_lowercase(), PROBLEMS_SHEET.to_lowercase()];
    let mut out = Vec::new();
    for name in projects {
        let mut base: String = name
            .chars()
            .map(|c| {
                if "[]:*?/\\".contains(c) || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        base = base.trim().to_string();
        if base.starts_with('\'') {
            base.replace_range(..1, "_");
        }
        if base.ends_with('\'') {
            base.pop();
            base.push('_');
        }
        if base.is_empty() {
            base = "项目".into();
        }
        let fit = |s: &str, room: usize| -> String {
            let mut t = String::new();
            for c in s.chars() {
                if utf16_len(&t) + c.len_utf16() > room {
                    break;
                }
                t.push(c);
            }
            t
        };
        let mut candidate = fit(&base, 31);
        let mut n = 2;
        while taken.contains(&candidate.to_lowercase()) {
            let suffix = format!("({n})");
            candidate = format!("{}{suffix}", fit(&base, 31 - utf16_len(&suffix)));
            n += 1;
        }
        taken.push(candidate.to_lowercase());
        out.push(candidate);
    }
    out
}

struct Formats {
    title: Format,
    label: Format,
    text: Format,
    wrap: Format,
    money: Format,
    header: Format,
    total_label: Format,
    total_money: Format,
    score: Format,
    total_score: Format,
    percent: Format,
}

impl Formats {
    fn new() -> Self {
        let cell = Format::new().set_border(FormatBorder::Thin);
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center),
            label: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
            text: cell.clone().set_align(FormatAlign::VerticalCenter),
            wrap: cell
                .clone()
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter),
            money: cell.clone().set_num_format("#,##0.00"),
            header: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color(0xDDEBF7),
            total_label: cell.clone().set_bold(),
            total_money: cell.clone().set_bold().set_num_format("#,##0.00"),
            score: cell.clone().set_num_format("0.00"),
            total_score: cell.clone().set_bold().set_num_format("0.00"),
            percent: cell.set_num_format("0.00%"),
        }
    }
}

fn f64_of(d: Decimal) -> f64 {
    d.to_string().parse().unwrap_or(0.0)
}

fn put_money(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    d: Option<Decimal>,
    f: &Format,
) -> Result<(), XlsxError> {
    match d {
        Some(d) => ws.write_number_with_format(r, c, f64_of(d), f)?,
        None => ws.write_blank(r, c, f)?,
    };
    Ok(())
}

/// A 分值 or 得分 as a number; text as written when it is not one; blank when missing.
fn put_score(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    n: Option<&NumField>,
    f: &Format,
    text: &Format,
) -> Result<(), XlsxError> {
    match n {
        Some(NumField { num: Some(v), .. }) => {
            ws.write_number_with_format(r, c, f64_of(v.value), f)?;
        }
        Some(n) => {
            ws.write_string_with_format(r, c, &n.text, text)?;
        }
        None => {
            ws.write_blank(r, c, text)?;
        }
    }
    Ok(())
}

/// A 执行率 as a fraction formatted `0.00%` (`58.13%`, `58.13` and `0.5813` are all 58.13%).
fn put_rate(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    n: Option<&NumField>,
    fm: &Formats,
) -> Result<(), XlsxError> {
    match n {
        Some(NumField { num: Some(v), .. }) => {
            let fraction = if v.percent || v.value > Decimal::ONE {
                v.value / Decimal::from(100)
            } else {
                v.value
            };
            ws.write_number_with_format(r, c, f64_of(fraction), &fm.percent)?;
        }
        other => put_score(ws, r, c, other, &fm.score, &fm.text)?,
    }
    Ok(())
}

/// A4 (paper size 9), one page wide and as many pages tall as needed.
fn print_setup(ws: &mut Worksheet, landscape: bool) {
    ws.set_paper_size(9);
    if landscape {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
}

/// A cell spanning columns `c0..=c1` (a plain cell when that is one column).
fn span(
    ws: &mut Worksheet,
    r: u32,
    c0: u16,
    c1: u16,
    s: &str,
    f: &Format,
) -> Result<(), XlsxError> {
    if c0 == c1 {
        ws.write_string_with_format(r, c0, s, f)?;
    } else {
        ws.merge_range(r, c0, r, c1, s, f)?;
    }
    Ok(())
}

/// A run of equal category cells in one column, merged vertically as on the form.
fn runs(
    ws: &mut Worksheet,
    col: u16,
    first: u32,
    cells: &[String],
    f: &Format,
) -> Result<(), XlsxError> {
    let mut i = 0;
    while i < cells.len() {
        let mut j = i + 1;
        while j < cells.len() && cells[j] == cells[i] {
            j += 1;
        }
        let (r0, r1) = (first + i as u32, first + j as u32 - 1);
        if r0 == r1 {
            ws.write_string_with_format(r0, col, &cells[i], f)?;
        } else {
            ws.merge_range(r0, col, r1, col, &cells[i], f)?;
        }
        i = j;
    }
    Ok(())
}

/// The 一级 column (A) and the 二级 column (B) of an indicator table, each run of equal cells
/// merged vertically as on the form (a 二级 run never crosses into another 一级).
fn level_runs(
    ws: &mut Worksheet,
    first: u32,
    inds: &[(&Level1, Option<&Level2>, &Indicator)],
    f: &Format,
) -> Result<(), XlsxError> {
    let l1: Vec<String> = inds.iter().map(|i| i.0.canonical.clone()).collect();
    runs(ws, 0, first, &l1, f)?;
    let mut i = 0;
    while i < inds.len() {
        let key = |k: usize| (&inds[k].0.canonical, inds[k].1.map(|l| &l.canonical));
        let mut j = i + 1;
        while j < inds.len() && key(j) == key(i) {
            j += 1;
        }
        let text = inds[i].1.map(|l| l.canonical.as_str()).unwrap_or("");
        let (r0, r1) = (first + i as u32, first + j as u32 - 1);
        if r0 == r1 {
            ws.write_string_with_format(r0, 1, text, f)?;
        } else {
            ws.merge_range(r0, 1, r1, 1, text, f)?;
        }
        i = j;
    }
    Ok(())
}

fn year_line(doc: &Document) -> String {
    doc.header
        .year()
        .map(|y| format!("（{y}年度）"))
        .unwrap_or_default()
}

/// The row of the 申报表 sheet's indicator table header (0-based); the indicators follow.
const TARGET_HEAD: u32 = 13;

fn target_sheet(
    ws: &mut Worksheet,
    doc: &Document,
    p: &Project,
    fm: &Formats,
) -> Result<(), XlsxError> {
    for (c, w) in [(0u16, 16.0), (1, 26.0), (2, 40.0), (3, 22.0)] {
        ws.set_column_width(c, w)?;
    }
    ws.merge_range(0, 0, 0, 3, FormKind::Target.name(), &fm.title)?;
    ws.merge_range(1, 0, 1, 3, &year_line(doc), &fm.title)?;
    ws.write_string_with_format(2, 0, "项目名称", &fm.label)?;
    span(ws, 2, 1, 3, &p.name, &fm.text)?;
    for (r, (k1, k2)) in [
        (NATURE, CATEGORY),
        (AUTHORITY, IMPLEMENTER),
        (START_DATE, END_DATE),
    ]
    .into_iter()
    .enumerate()
    {
        let r = 3 + r as u32;
        ws.write_string_with_format(r, 0, k1, &fm.label)?;
        ws.write_string_with_format(r, 1, field(p, k1), &fm.text)?;
        ws.write_string_with_format(r, 2, k2, &fm.label)?;
        ws.write_string_with_format(r, 3, field(p, k2), &fm.text)?;
    }
    // The template's multi-year cells (项目资金总额, 项目总目标) are always there, blank for a
    // one-year project as on paper, so every project sheet has the same layout.
    ws.merge_range(6, 0, 10, 0, "项目资金（元）", &fm.label)?;
    let f = p.funding.as_ref();
    span(ws, 6, 1, 2, PROJECT_TOTAL, &fm.label)?;
    put_money(
        ws,
        6,
        3,
        amount(f.and_then(|f| f.project_total.as_ref())),
        &fm.money,
    )?;
    let b = f.map(|f| f.budget());
    for (i, (label, key)) in [
        (TOTAL, TOTAL),
        ("其中：当年财政拨款", CURRENT_YEAR),
        (CARRYOVER, CARRYOVER),
        (OTHER, OTHER),
    ]
    .into_iter()
    .enumerate()
    {
        let r = 7 + i as u32;
        span(ws, r, 1, 2, label, &fm.label)?;
        put_money(ws, r, 3, amount(b.and_then(|b| b.get(key))), &fm.money)?;
    }
    for (r, key) in [(11, PROJECT_GOAL), (12, GOAL)] {
        ws.write_string_with_format(r, 0, key, &fm.label)?;
        let text = p.text(key).map(|t| t.text()).unwrap_or_default();
        span(ws, r, 1, 3, &text, &fm.wrap)?;
        let lines = text.chars().count() / 45 + text.matches('\n').count() + 1;
        ws.set_row_height(r, 15.0 * lines.clamp(1, 20) as f64)?;
    }
    for (c, h) in ["一级指标", "二级指标", "三级指标", "年度(/项目)指标值"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(TARGET_HEAD, c as u16, *h, &fm.header)?;
    }
    let inds: Vec<_> = p.indicators().collect();
    let first = TARGET_HEAD + 1;
    level_runs(ws, first, &inds, &fm.label)?;
    for (k, (_, _, ind)) in inds.iter().enumerate() {
        let r = first + k as u32;
        ws.write_string_with_format(r, 2, &ind.name, &fm.wrap)?;
        ws.write_string_with_format(r, 3, &ind.value_text, &fm.text)?;
    }
    ws.set_freeze_panes(first, 0)?;
    ws.set_repeat_rows(TARGET_HEAD, TARGET_HEAD)?;
    print_setup(ws, false);
    Ok(())
}

fn self_eval_sheet(
    ws: &mut Worksheet,
    doc: &Document,
    p: &Project,
    fm: &Formats,
) -> Result<(), XlsxError> {
    for (c, w) in [
        (0u16, 14.0),
        (1, 20.0),
        (2, 30.0),
        (3, 16.0),
        (4, 16.0),
        (5, 10.0),
        (6, 10.0),
        (7, 36.0),
    ] {
        ws.set_column_width(c, w)?;
    }
    ws.merge_range(0, 0, 0, 7, FormKind::SelfEval.name(), &fm.title)?;
    ws.merge_range(1, 0, 1, 7, &year_line(doc), &fm.title)?;
    ws.write_string_with_format(2, 0, "项目名称", &fm.label)?;
    span(ws, 2, 1, 7, &p.name, &fm.text)?;
    ws.write_string_with_format(3, 0, AUTHORITY, &fm.label)?;
    span(ws, 3, 1, 3, &field(p, AUTHORITY), &fm.text)?;
    ws.write_string_with_format(3, 4, IMPLEMENTER, &fm.label)?;
    span(ws, 3, 5, 7, &field(p, IMPLEMENTER), &fm.text)?;
    ws.merge_range(4, 0, 8, 0, "项目资金（元）", &fm.label)?;
    ws.write_blank(4, 1, &fm.header)?;
    for (c, h) in COLUMNS.iter().chain(&[WEIGHT, RATE, SCORE]).enumerate() {
        ws.write_string_with_format(4, 2 + c as u16, *h, &fm.header)?;
    }
    let f = p.funding.as_ref();
    for (i, (label, key)) in [
        (TOTAL_SELF_EVAL, TOTAL_SELF_EVAL),
        ("其中：当年财政拨款", CURRENT_YEAR),
        (CARRYOVER, CARRYOVER),
        (OTHER, OTHER),
    ]
    .into_iter()
    .enumerate()
    {
        let r = 5 + i as u32;
        ws.write_string_with_format(r, 1, label, &fm.label)?;
        for (c, kind) in [
            ColumnKind::Initial,
            ColumnKind::Annual,
            ColumnKind::Executed,
        ]
        .into_iter()
        .enumerate()
        {
            let cell = f
                .and_then(|f| f.column(kind))
                .and_then(|col| col.parts.get(key));
            if cell.is_some_and(|m| m.money == value::Money::Blank) {
                ws.write_string_with_format(r, 2 + c as u16, value::BLANK, &fm.text)?;
            } else {
                put_money(ws, r, 2 + c as u16, amount(cell), &fm.money)?;
            }
        }
        if i == 0 {
            put_score(
                ws,
                r,
                5,
                f.and_then(|f| f.weight.as_ref()),
                &fm.score,
                &fm.text,
            )?;
            put_rate(ws, r, 6, f.and_then(|f| f.rate.as_ref()), fm)?;
            put_score(
                ws,
                r,
                7,
                f.and_then(|f| f.score.as_ref()),
                &fm.score,
                &fm.text,
            )?;
        } else {
            for c in 5..8 {
                ws.write_blank(r, c, &fm.text)?;
            }
        }
    }
    ws.merge_range(9, 0, 10, 0, "年度总体目标", &fm.label)?;
    span(ws, 9, 1, 4, BUDGET_GOAL, &fm.header)?;
    span(ws, 9, 5, 7, ACHIEVED, &fm.header)?;
    let t = |k: &str| p.text(k).map(|t| t.text()).unwrap_or_default();
    span(ws, 10, 1, 4, &t(BUDGET_GOAL), &fm.wrap)?;
    span(ws, 10, 5, 7, &t(ACHIEVED), &fm.wrap)?;
    let heads = [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        ACTUAL,
        WEIGHT,
        SCORE,
        DEVIATION,
    ];
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(11, c as u16, *h, &fm.header)?;
    }
    let inds: Vec<_> = p.indicators().collect();
    let first = 12u32;
    level_runs(ws, first, &inds, &fm.label)?;
    for (k, (_, _, ind)) in inds.iter().enumerate() {
        let r = first + k as u32;
        let cells = [
            ind.name.clone(),
            ind.value_text.clone(),
            ind.actual().map(|a| a.value.clone()).unwrap_or_default(),
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string_with_format(r, 2 + c as u16, v, &fm.wrap)?;
        }
        put_score(ws, r, 5, ind.weight(), &fm.score, &fm.wrap)?;
        put_score(ws, r, 6, ind.score(), &fm.score, &fm.wrap)?;
        let deviation = ind.deviation().map(|d| d.text()).unwrap_or_default();
        ws.write_string_with_format(r, 7, &deviation, &fm.wrap)?;
    }
    let r = first + inds.len() as u32;
    span(ws, r, 0, 4, TOTAL_SCORE, &fm.total_label)?;
    let tot = p.total.as_ref();
    let (tw, ts) = (
        tot.and_then(|t| t.weight.as_ref()),
        tot.and_then(|t| t.score.as_ref()),
    );
    put_score(ws, r, 5, tw, &fm.total_score, &fm.total_label)?;
    put_score(ws, r, 6, ts, &fm.total_score, &fm.total_label)?;
    ws.write_blank(r, 7, &fm.total_label)?;
    ws.set_freeze_panes(12, 0)?;
    ws.set_repeat_rows(11, 11)?;
    print_setup(ws, true);
    Ok(())
}

fn summary_sheet(
    ws: &mut Worksheet,
    doc: &Document,
    sheets: &[String],
    fm: &Formats,
) -> Result<(), XlsxError> {
    let kind = doc.header.form_kind();
    let self_eval = kind == FormKind::SelfEval;
    let mut heads: Vec<&str> = vec!["序号", "项目名称"];
    if !self_eval {
        heads.extend([NATURE, CATEGORY]);
    }
    heads.extend([AUTHORITY, IMPLEMENTER]);
    let money_from = heads.len() as u16;
    heads.extend([
        if self_eval { TOTAL_SELF_EVAL } else { TOTAL },
        CURRENT_YEAR,
        CARRYOVER,
        OTHER,
    ]);
    if self_eval {
        heads.extend(["全年执行数", RATE, TOTAL_SCORE]);
    }
    heads.extend(["指标数", "工作表"]);
    let title = format!(
        "{}{}{}",
        doc.header
            .unit
            .as_ref()
            .map(|u| u.value.as_str())
            .unwrap_or(""),
        doc.header
            .year()
            .map(|y| format!(" {y} 年度"))
            .unwrap_or_default(),
        if self_eval {
            "项目绩效自评汇总"
        } else {
            "项目绩效目标汇总"
        }
    );
    ws.merge_range(0, 0, 0, heads.len() as u16 - 1, title.trim(), &fm.title)?;
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, *h, &fm.header)?;
        let w = match *h {
            "序号" => 6.0,
            "项目名称" => 30.0,
            AUTHORITY | IMPLEMENTER => 26.0,
            _ => 16.0,
        };
        ws.set_column_width(c as u16, w)?;
    }
    let mut sums = [Decimal::ZERO; 5];
    for (i, p) in doc.projects.iter().enumerate() {
        let r = 2 + i as u32;
        let mut c = 0u16;
        ws.write_number_with_format(r, c, (i + 1) as f64, &fm.text)?;
        c += 1;
        ws.write_string_with_format(r, c, &p.name, &fm.text)?;
        c += 1;
        let mut keys = vec![];
        if !self_eval {
            keys.extend([NATURE, CATEGORY]);
        }
        keys.extend([AUTHORITY, IMPLEMENTER]);
        for k in keys {
            ws.write_string_with_format(r, c, field(p, k), &fm.text)?;
            c += 1;
        }
        let b = p.funding.as_ref().map(|f| f.budget());
        for (k, key) in [TOTAL, CURRENT_YEAR, CARRYOVER, OTHER]
            .into_iter()
            .enumerate()
        {
            let a = amount(b.and_then(|b| b.get(key)));
            sums[k] += a.unwrap_or_default();
            put_money(ws, r, money_from + k as u16, a, &fm.money)?;
        }
        c = money_from + 4;
        if self_eval {
            let f = p.funding.as_ref();
            let executed = amount(
                f.and_then(|f| f.column(ColumnKind::Executed))
                    .and_then(|c| c.parts.total.as_ref()),
            );
            sums[4] += executed.unwrap_or_default();
            put_money(ws, r, c, executed, &fm.money)?;
            put_rate(ws, r, c + 1, f.and_then(|f| f.rate.as_ref()), fm)?;
            let total = p.total.as_ref().and_then(|t| t.score.as_ref());
            put_score(ws, r, c + 2, total, &fm.score, &fm.text)?;
            c += 3;
        }
        ws.write_number_with_format(r, c, p.indicators().count() as f64, &fm.text)?;
        ws.write_string_with_format(r, c + 1, &sheets[i], &fm.text)?;
    }
    let r = 2 + doc.projects.len() as u32;
    span(
        ws,
        r,
        0,
        money_from - 1,
        &format!("合计（{} 个项目）", doc.projects.len()),
        &fm.total_label,
    )?;
    for (k, sum) in sums.iter().take(4).enumerate() {
        ws.write_number_with_format(r, money_from + k as u16, f64_of(*sum), &fm.total_money)?;
    }
    if self_eval {
        ws.write_number_with_format(r, money_from + 4, f64_of(sums[4]), &fm.total_money)?;
    }
    ws.set_freeze_panes(2, 2)?;
    ws.set_repeat_rows(1, 1)?;
    print_setup(ws, true);
    Ok(())
}

/// The diagnostics, one a row, for the reviewer to work through (and filter by 级别 or 规则).
fn problems_sheet(ws: &mut Worksheet, problems: &[Problem], fm: &Formats) -> Result<(), XlsxError> {
    let heads = ["序号", "文件", "行", "列", "级别", "规则", "说明", "项目"];
    for (c, (h, w)) in heads
        .iter()
        .zip([6.0, 24.0, 6.0, 6.0, 8.0, 20.0, 70.0, 24.0])
        .enumerate()
    {
        ws.write_string_with_format(0, c as u16, *h, &fm.header)?;
        ws.set_column_width(c as u16, w)?;
    }
    for (i, p) in problems.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_number_with_format(r, 0, (i + 1) as f64, &fm.text)?;
        ws.write_string_with_format(r, 1, &p.file, &fm.text)?;
        ws.write_number_with_format(r, 2, p.line as f64, &fm.text)?;
        ws.write_number_with_format(r, 3, p.column as f64, &fm.text)?;
        ws.write_string_with_format(r, 4, p.severity.chinese(), &fm.text)?;
        ws.write_string_with_format(r, 5, &p.rule, &fm.text)?;
        ws.write_string_with_format(r, 6, &p.message, &fm.wrap)?;
        ws.write_string_with_format(r, 7, p.project.as_deref().unwrap_or(""), &fm.text)?;
    }
    if problems.is_empty() {
        ws.merge_range(1, 0, 1, 7, "没有发现问题", &fm.text)?;
    } else {
        ws.autofilter(0, 0, problems.len() as u32, 7)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_repeat_rows(0, 0)?;
    print_setup(ws, true);
    Ok(())
}

/// The workbook as bytes: 汇总, a sheet per project, and 问题 listing `problems`.
pub fn to_xlsx(doc: &Document, problems: &[Problem]) -> Result<Vec<u8>, String> {
    build(doc, problems).map_err(|e| format!("无法生成 XLSX：{e}"))
}

fn build(doc: &Document, problems: &[Problem]) -> Result<Vec<u8>, XlsxError> {
    let fm = Formats::new();
    let sheets = sheet_names(doc.projects.iter().map(|p| p.name.as_str()));
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(SUMMARY_SHEET)?;
    summary_sheet(ws, doc, &sheets, &fm)?;
    for (p, name) in doc.projects.iter().zip(&sheets) {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        match doc.header.form_kind() {
            FormKind::Target => target_sheet(ws, doc, p, &fm)?,
            FormKind::SelfEval => self_eval_sheet(ws, doc, p, &fm)?,
        }
    }
    let ws = wb.add_worksheet();
    ws.set_name(PROBLEMS_SHEET)?;
    problems_sheet(ws, problems, &fm)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let long = "上海医保经办服务人工智能应用子系统建设项目成本控制数与其他支出合计";
        let n = sheet_names([
            "宣传与推广",
            "宣传与推广",
            "汇总",
            "a/b:c*d?[e]",
            "'引号'",
            long,
            long,
        ]);
        assert_eq!(n[0], "宣传与推广");
        assert_eq!(n[1], "宣传与推广(2)");
        assert_eq!(n[2], "汇总(2)");
        assert_eq!(sheet_names(["问题"])[0], "问题(2)");
        assert_eq!(n[3], "a_b_c_d__e_");
        assert_eq!(n[4], "_引号_");
        assert_eq!(utf16_len(&n[5]), 31);
        assert!(n[6].ends_with("(2)") && utf16_len(&n[6]) <= 31 && n[6] != n[5]);
        assert_eq!(
            sheet_names(["𠀀".repeat(20).as_str()])[0]
                .encode_utf16()
                .count(),
            30
        );
    }
}

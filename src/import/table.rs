//! The 申报表's indicator table (一级 / 二级 / 三级 / 指标值), in both layouts of the seeds:
//!
//! - **tab rows** (`\t一级\t二级\t三级\t值`): a cell's role comes from its text, not its column —
//!   categories are the closed vocabulary, and of the other cells the last is the value and the
//!   one before it the indicator's name. That survives rows shifted left or right, the 一级
//!   column holding a 二级, a category cut in two ("满意度指" … "标"), a name cut in two
//!   ("…完成及时" / "性"), and a name with its value missing.
//! - **line-broken** (one printed line per line, cells separated by spaces): a name that does
//!   not fit its column wraps onto the next lines, and its value follows on a line of its own.

use super::cells::{self, Categories, Category, Level, Line};
use super::form::Indicator;
use super::tree::{Ahead, TreeBuilder};

/// One row, its cells sorted out.
#[derive(Debug, Default)]
struct Row {
    /// Categories, in column order; `true` when the cell held only the start of the name.
    cats: Vec<(Category, bool)>,
    /// Cells that are neither a category nor the name or value and could not be read.
    extras: Vec<String>,
    /// Cells that completed a category cut by a line break.
    absorbed: usize,
    texts: Vec<String>,
}

/// Sorts a row's cells. `pending`: categories whose first part an earlier row held, waiting for
/// the rest; a cell that completes one is absorbed.
fn classify(cells: &[String], cats: &Categories, pending: &mut Vec<Category>) -> Row {
    let mut row = Row::default();
    // (cell index, category, cut short)
    let mut found: Vec<(usize, Category, bool)> = Vec::new();
    let mut texts: Vec<(usize, &String)> = Vec::new();
    for (i, c) in cells.iter().enumerate() {
        let s = cells::squeeze(c);
        let done = pending.iter().position(|p| p.missing == s).or_else(|| {
            pending
                .iter()
                .position(|p| !s.is_empty() && p.missing.ends_with(&s))
        });
        if let Some(k) = done {
            pending.remove(k);
            row.absorbed += 1;
            continue;
        }
        match cats.exact(c) {
            Some(cat) => found.push((i, cat, false)),
            None => texts.push((i, c)),
        }
    }
    let n = texts.len();
    // Cells before the name and value: categories cut short, unknown categories (双盲指标),
    // or cells that cannot be read. A single cell alone on its row may be a category cut short.
    let lead = if n >= 2 {
        n - 2
    } else if n == 1 && found.is_empty() && cats.partial(texts[0].1).is_some() {
        1
    } else {
        0
    };
    for &(i, c) in &texts[..lead] {
        if let Some(p) = cats.partial(c) {
            found.push((i, p, true));
        } else if cells::looks_like_category(c) {
            let cat = Category {
                level: Level::Two,
                name: cells::squeeze(c),
                missing: String::new(),
            };
            found.push((i, cat, false));
        } else {
            row.extras.push(c.to_string());
        }
    }
    found.sort_by_key(|f| f.0);
    row.cats = found.into_iter().map(|(_, c, p)| (c, p)).collect();
    row.texts = texts[lead..].iter().map(|(_, c)| c.to_string()).collect();
    row
}

fn first_level1(row: &Row) -> Option<Ahead> {
    let i = row.cats.iter().position(|(c, _)| c.level == Level::One)?;
    Some(Ahead {
        level1: row.cats[i].0.name.clone(),
        level2: row.cats[i + 1..]
            .iter()
            .find(|(c, _)| c.level == Level::Two)
            .map(|(c, _)| c.name.clone()),
    })
}

/// Applies a row's categories, with the merged-cell look-ahead.
fn apply_categories(
    tb: &mut TreeBuilder,
    row: &Row,
    line: usize,
    ahead: impl Fn() -> Option<Ahead>,
    pending: &mut Vec<Category>,
) {
    let mut own_l1 = false;
    for (cat, partial) in &row.cats {
        if cat.level == Level::One {
            own_l1 = true;
        }
        let a = if cat.level == Level::Two && !own_l1 {
            ahead()
        } else {
            None
        };
        pending.retain(|p| p.level != cat.level);
        if *partial {
            pending.push(cat.clone());
        }
        tb.category(cat.level, &cat.name, line, own_l1, a);
    }
}

/// The table in tab-separated rows.
pub fn read_tab(rows: &[Line], tb: &mut TreeBuilder, cats: &Categories) {
    let mut grid: Vec<(usize, &str, Vec<String>)> = Vec::new();
    for l in rows {
        if cells::is_table_header(l.text) {
            // An empty row in the grid stands for the header, to report extras in place.
            if !cells::header_extras(l.text).is_empty() {
                grid.push((l.no, l.text, Vec::new()));
            }
            continue;
        }
        if cells::trim(l.text).is_empty() || cells::is_page_noise(l.text) {
            continue;
        }
        let mut cs: Vec<String> = cells::cells(l.text).into_iter().map(|c| c.text).collect();
        if cs.first().is_some_and(|c| cells::squeeze(c) == "绩效指标") {
            cs.remove(0);
        }
        if !cs.is_empty() {
            grid.push((l.no, l.text, cs));
        }
    }
    // Categories of each row as read on its own, for looking ahead.
    let alone: Vec<Option<Ahead>> = grid
        .iter()
        .map(|(_, _, cs)| first_level1(&classify(cs, cats, &mut Vec::new())))
        .collect();
    let mut pending: Vec<Category> = Vec::new();
    let mut prev_indicator = false;
    for (i, (no, source, cs)) in grid.iter().enumerate() {
        if cs.is_empty() {
            report_header_extras(tb, *no, source);
            continue;
        }
        let row = classify(cs, cats, &mut pending);
        let ahead = || alone[i + 1..].iter().flatten().next().cloned();
        apply_categories(tb, &row, *no, ahead, &mut pending);
        if !row.extras.is_empty() {
            tb.unplaced_cells(
                *no,
                source,
                &row.extras,
                "多出的单元格，既不是类别也不是指标名或指标值",
            );
        }
        let had_cats = !row.cats.is_empty();
        let mut made = false;
        match row.texts.len() {
            0 => {}
            1 => {
                let t = &row.texts[0];
                if had_cats && !cells::is_quantitative(t) {
                    tb.indicator(indicator(*no, t, ""), source);
                    made = true;
                } else if cells::is_labelled_note(t) {
                    tb.unplaced(*no, source, NOTE);
                } else if !had_cats && prev_indicator && !cells::is_quantitative(t) {
                    let ind = tb.last_indicator().expect("previous row made an indicator");
                    ind.name.push_str(t);
                    made = true;
                } else if cells::is_quantitative(t) {
                    tb.unplaced(*no, source, "只有指标值，没有指标名");
                } else {
                    tb.unplaced(*no, source, "单独一格，无法判断属于哪个指标");
                }
            }
            n => {
                tb.indicator(indicator(*no, &row.texts[n - 2], &row.texts[n - 1]), source);
                made = true;
            }
        }
        prev_indicator = made && tb.last_indicator().is_some();
    }
}

const NOTE: &str = "表注或签署栏，不是指标的一部分";

fn report_header_extras(tb: &mut TreeBuilder, line: usize, source: &str) {
    let extras = cells::header_extras(source);
    if !extras.is_empty() {
        tb.unplaced_cells(line, source, &extras, "表头中多出的单元格");
    }
}

fn indicator(line: usize, name: &str, value: &str) -> Indicator {
    Indicator {
        line,
        name: cells::trim(name).to_string(),
        value: cells::trim(value).to_string(),
        ..Indicator::default()
    }
}

/// Lines that together spell a category cut by line breaks ("满意度指" + "标", "绩效" + "指标")
/// joined into one.
pub fn join_cut_categories<'a>(lines: &[Line<'a>], cats: &Categories) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let here = cells::trim(lines[i].text);
        if let Some(next) = lines.get(i + 1) {
            let joined = format!("{}{}", cells::squeeze(here), cells::squeeze(next.text));
            let whole_here = cats.exact(here).is_some() || cells::squeeze(here) == "绩效指标";
            if !whole_here
                && (cats.exact(&joined).is_some() || joined == "绩效指标" || joined == "一级指标")
            {
                out.push((lines[i].no, joined));
                i += 2;
                continue;
            }
        }
        out.push((lines[i].no, here.to_string()));
        i += 1;
    }
    out
}

/// Splits a printed line into its leading categories and the rest.
fn split_line(text: &str, cats: &Categories) -> (Vec<Category>, Vec<String>) {
    let toks = cells::tokens(text);
    let mut out = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        match cats.exact(toks[k]) {
            Some(c) => out.push(c),
            None => break,
        }
        k += 1;
    }
    (out, toks[k..].iter().map(|s| s.to_string()).collect())
}

/// A name being read over several printed lines.
struct Pending {
    line: usize,
    source: String,
    parts: Vec<String>,
    first_width: usize,
}

impl Pending {
    /// Whether the last line filled its column, so that the name goes on.
    fn can_continue(&self) -> bool {
        let w = cells::width(self.parts.last().map(String::as_str).unwrap_or(""));
        if self.parts.len() == 1 {
            w >= 24
        } else {
            w + 3 >= self.first_width
        }
    }
    fn name(&self) -> String {
        self.parts.concat()
    }
}

/// The table in the line-broken layout.
pub fn read_lines(rows: &[Line], tb: &mut TreeBuilder, cats: &Categories) {
    // Header rows are dropped before cut categories are joined, so their extra cells are
    // reported (and kept) at the table's start.
    for l in rows.iter().filter(|l| cells::is_table_header(l.text)) {
        report_header_extras(tb, l.no, l.text);
    }
    let kept: Vec<Line> = rows
        .iter()
        .copied()
        .filter(|l| {
            !cells::trim(l.text).is_empty()
                && !cells::is_page_noise(l.text)
                && !cells::is_table_header(l.text)
        })
        .collect();
    let joined: Vec<(usize, String)> = join_cut_categories(&kept, cats)
        .into_iter()
        .filter(|(_, t)| cells::squeeze(t) != "绩效指标" && !cells::is_table_header(t))
        .collect();
    let split: Vec<(usize, &str, Vec<Category>, Vec<String>)> = joined
        .iter()
        .map(|(no, t)| {
            let (c, x) = split_line(t, cats);
            (*no, t.as_str(), c, x)
        })
        .collect();
    let alone: Vec<Option<Ahead>> = split
        .iter()
        .map(|(_, _, c, _)| {
            let row = Row {
                cats: c.iter().map(|c| (c.clone(), false)).collect(),
                ..Row::default()
            };
            first_level1(&row)
        })
        .collect();
    let mut pending: Option<Pending> = None;
    let finish = |tb: &mut TreeBuilder, p: Pending, value: &str| {
        tb.indicator(indicator(p.line, &p.name(), value), &p.source);
    };
    for (i, (no, source, line_cats, texts)) in split.iter().enumerate() {
        if !line_cats.is_empty() {
            if let Some(p) = pending.take() {
                finish(tb, p, "");
            }
            let row = Row {
                cats: line_cats.iter().map(|c| (c.clone(), false)).collect(),
                ..Row::default()
            };
            let ahead = || alone[i + 1..].iter().flatten().next().cloned();
            apply_categories(tb, &row, *no, ahead, &mut Vec::new());
        }
        match texts.len() {
            0 => {}
            1 if cells::is_labelled_note(&texts[0]) => {
                if let Some(p) = pending.take() {
                    finish(tb, p, "");
                }
                tb.unplaced(*no, source, NOTE);
            }
            1 => {
                let t = &texts[0];
                match pending.take() {
                    Some(p) if cells::is_quantitative(t) => finish(tb, p, t),
                    Some(mut p) if p.can_continue() => {
                        p.parts.push(t.clone());
                        p.source.push('\n');
                        p.source.push_str(source);
                        pending = Some(p);
                    }
                    Some(p) => finish(tb, p, t),
                    None if cells::is_quantitative(t) => {
                        tb.unplaced(*no, source, "只有指标值，没有指标名")
                    }
                    None => {
                        pending = Some(Pending {
                            line: *no,
                            source: source.to_string(),
                            first_width: cells::width(t),
                            parts: vec![t.clone()],
                        })
                    }
                }
            }
            n => {
                let name = texts[..n - 1].join(" ");
                let value = &texts[n - 1];
                match pending.take() {
                    Some(mut p) if p.can_continue() => {
                        p.parts.push(name);
                        finish(tb, p, value);
                    }
                    Some(p) => {
                        finish(tb, p, "");
                        tb.indicator(indicator(*no, &name, value), source);
                    }
                    None => tb.indicator(indicator(*no, &name, value), source),
                }
            }
        }
    }
    if let Some(p) = pending.take() {
        finish(tb, p, "");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::form::Item;
    use crate::model::vocab::Vocab;

    fn tree(text: &str, year: i32, tab: bool) -> Vec<String> {
        let v = Vocab::builtin();
        let cats = Categories::new(v, v.profile_for_year(Some(year)));
        let mut tb = TreeBuilder::new(&cats);
        let ls = cells::lines(text);
        if tab {
            read_tab(&ls, &mut tb, &cats);
        } else {
            read_lines(&ls, &mut tb, &cats);
        }
        tb.items
            .iter()
            .map(|i| match i {
                Item::Level1(n) => n.clone(),
                Item::Level2(n) => format!("  {n}"),
                Item::Indicator(i) => format!("    {}: {}", i.name, i.value),
                Item::Comment(c) => format!("# {c}"),
            })
            .collect()
    }

    #[test]
    fn shifted_cells_and_cut_names() {
        let t = "绩效 指标\t产出指标\t数量指标\t甲\t≥1.00(人)\t\n\
                 \t\t\t质量指标\t乙率\t\t=100.00(%)\n\
                 \t丙率\t\t=100.00(%)\t\t\n\
                 医保档案数字化扫描工作完成及时\t\t及时\t\t\t\n\
                 \n\
                 \t\t\t性\t\n";
        assert_eq!(
            tree(t, 2026, true),
            [
                "产出指标",
                "  数量指标",
                "    甲: ≥1.00(人)",
                "  质量指标",
                "    乙率: =100.00(%)",
                "    丙率: =100.00(%)",
                "    医保档案数字化扫描工作完成及时性: 及时",
            ]
        );
    }

    #[test]
    fn category_cut_across_rows() {
        let t = "\t效益指标\t社会效益指标\t甲\t提升\n\
                 满意度指\t服务对象\t参保人员满意度\t\t≥95.00(%)\t\t\n\
                 \n\
                 \t标\t满意度指 标\t\t\n\
                 --\t---\t---\n";
        assert_eq!(
            tree(t, 2026, true),
            [
                "效益指标",
                "  社会效益指标",
                "    甲: 提升",
                "满意度指标",
                "  服务对象满意度指标",
                "    参保人员满意度: ≥95.00(%)",
            ]
        );
    }

    #[test]
    fn merged_level1_printed_below() {
        let t = "绩效指标\t成本指标\t经济成本指标\t成本\t≤1.00(万元)\t\n\
                 \t\t\t\t数量指标\t人数\t=105.00(人)\n\
                 \t完成率\t=100.00(%)\t\t\t\n\
                 \t产出指标\t质量指标\t准确性\t匹配\t\n\
                 \t\t\t社会效益指标\t减轻程度\t有效缓解\n\
                 \t效益指标\t社会效益指标\t便利程度\t提高\n";
        assert_eq!(
            tree(t, 2026, true),
            [
                "成本指标",
                "  经济成本指标",
                "    成本: ≤1.00(万元)",
                "产出指标",
                "  数量指标",
                "    人数: =105.00(人)",
                "    完成率: =100.00(%)",
                "  质量指标",
                "    准确性: 匹配",
                // The next 一级 row repeats 社会效益指标: two cells, so it stays (misplaced).
                "  社会效益指标",
                "    减轻程度: 有效缓解",
                "效益指标",
                "  社会效益指标",
                "    便利程度: 提高",
            ]
        );
    }

    #[test]
    fn missing_value_unknown_category_and_stray_cells() {
        let t = "\t产出指标\t数量指标\t系统维护数量\n\
                 \t双盲指标\t\t知晓程度\t逐步提高\n\
                 \t\t=5.00(%)\t\n";
        assert_eq!(
            tree(t, 2024, true),
            [
                "产出指标",
                "  数量指标",
                "    系统维护数量: ",
                "  双盲指标",
                "    知晓程度: 逐步提高",
                "# 无法归位（原文第 3 行）：\t\t=5.00(%)",
            ]
        );
    }

    #[test]
    fn line_broken_layout() {
        let t = "绩效\n指标\n\n产出指\n标\n\n数量指标\n\
                 定点医疗机构就医个人实际承担医\n\n疗费补助人数\n≥111906.00(人)\n\n\
                 时效指标 医疗救助给付及时率 =100.00(%)\n\n\
                 效益指标\n社会效益指标\n\n\
                 医疗救助对象对相关政策的知晓程\n度\n\n逐步提高\n\n\
                 是否为困难人群就医救助结算提供\n\n免申即享便利、是否满足需求\n是\n\n\
                 满意度指标\n服务对象满意\n\n度指标\n医保参保人员满意度 ≥90.00(%)\n";
        assert_eq!(
            tree(t, 2025, false),
            [
                "产出指标",
                "  数量指标",
                "    定点医疗机构就医个人实际承担医疗费补助人数: ≥111906.00(人)",
                "  时效指标",
                "    医疗救助给付及时率: =100.00(%)",
                "效益指标",
                "  社会效益指标",
                "    医疗救助对象对相关政策的知晓程度: 逐步提高",
                "    是否为困难人群就医救助结算提供免申即享便利、是否满足需求: 是",
                "满意度指标",
                "  服务对象满意度指标",
                "    医保参保人员满意度: ≥90.00(%)",
            ]
        );
    }
}

//! The 绩效自评表 reader (line-broken layout, as in seed 003): header, the three funding columns
//! with 分值/执行率/得分, 预算目标 and 实际完成情况 side by side, and the indicator table whose rows
//! end in four cells — 年度指标值, 实际完成值, 分值, 得分 — with 偏差原因 printed below them.

use super::cells::{self, Categories, Line};
use super::form::{
    Finding, FindingKind, Funding, Indicator, Item, Money, Project, SelfEvalFunding,
};
use super::table::join_cut_categories;
use super::target::header;
use super::tree::{Ahead, TreeBuilder};
use crate::model::value::{parse_money, parse_num, Money as M};
use crate::model::*;

const HEADER_LABELS: &[&str] = &["项目名称", AUTHORITY, IMPLEMENTER];

struct Parts {
    funding: usize,
    goal_label: usize,
    goal_end: usize,
    table: usize,
    total: usize,
}

fn find(lines: &[Line], from: usize, pred: impl Fn(&str) -> bool) -> Option<usize> {
    (from..lines.len()).find(|&i| pred(&cells::squeeze(lines[i].text)))
}

const TABLE_HEADER: &[&str] = &[
    "一级指标二级指标三级指标",
    "年度",
    "指标值",
    "年度指标值",
    "实际",
    "完成值",
    "实际完成值",
    "分值得分",
    "偏差原因分析及",
    "改进措施",
    "偏差原因分析及改进措施",
];

fn parts(lines: &[Line]) -> Parts {
    let n = lines.len();
    // Each part ends where the next one is found (a missing label leaves its part empty).
    let header = find(lines, 0, |s| s.contains("二级指标")).unwrap_or(n);
    let funding = find(lines, 0, |s| {
        s.starts_with("项目资金") || s.contains(TOTAL_SELF_EVAL)
    })
    .unwrap_or(header)
    .min(header);
    let goal_label = find(lines, funding, |s| s.contains("预算目标"))
        .filter(|&g| g < header)
        .unwrap_or(header);
    let mut goal_end = header;
    while goal_end > goal_label + 1 {
        let prev = cells::squeeze(lines[goal_end - 1].text);
        if prev.is_empty() || matches!(prev.as_str(), "绩" | "效" | "指" | "标" | "绩效指标")
        {
            goal_end -= 1;
        } else {
            break;
        }
    }
    let mut table = header;
    while table < n {
        let s = cells::squeeze(lines[table].text);
        if s.is_empty() || TABLE_HEADER.contains(&s.as_str()) {
            table += 1;
        } else {
            break;
        }
    }
    let total = find(lines, table, |s| s.starts_with(TOTAL_SCORE)).unwrap_or(n);
    Parts {
        funding,
        goal_label,
        goal_end,
        table,
        total,
    }
}

fn unplaced_comment(findings: &mut Vec<Finding>, l: &Line, reason: &str) -> String {
    findings.push(Finding {
        line: l.no,
        kind: FindingKind::Unplaced,
        message: format!("「{}」（{reason}）", super::form::shown(l.text)),
    });
    format!("无法归位（原文第 {} 行）：{}", l.no, l.text.trim_end())
}

fn is_blank_cell(t: &str) -> bool {
    matches!(parse_money(t), M::Blank)
}

fn funding(
    block: &[Line],
    findings: &mut Vec<Finding>,
    comments: &mut Vec<String>,
) -> SelfEvalFunding {
    let mut f = SelfEvalFunding::default();
    const ROWS: &[&str] = &[TOTAL_SELF_EVAL, CURRENT_YEAR, CARRYOVER, OTHER];
    for l in block {
        let sq = cells::squeeze(l.text);
        if sq.is_empty()
            || matches!(
                sq.as_str(),
                "项目资金" | "（元）" | "(元)" | "项目资金（元）" | "年度" | "总体" | "目标"
            )
            || sq.starts_with("年初预算数")
        {
            continue;
        }
        let toks = cells::tokens(l.text);
        let Some((k, label)) = toks
            .iter()
            .enumerate()
            .find_map(|(k, t)| ROWS.iter().find(|r| t.ends_with(**r)).map(|r| (k, *r)))
        else {
            comments.push(unplaced_comment(findings, l, "资金栏中无法识别的行"));
            continue;
        };
        let vals = &toks[k + 1..];
        fn slot<'m>(m: &'m mut Money, label: &str) -> &'m mut Option<String> {
            match label {
                TOTAL_SELF_EVAL => &mut m.total,
                CURRENT_YEAR => &mut m.current_year,
                CARRYOVER => &mut m.carryover,
                _ => &mut m.other,
            }
        }
        // Amounts fill 年初预算数, 全年预算数, 全年执行数 in order; a blank cell (—) stands
        // for one of them only where an amount could still follow.
        let mut col = 0;
        let mut rest = vals.iter();
        for t in rest.by_ref() {
            if col == 3 {
                break;
            }
            let blank = is_blank_cell(t);
            if !blank && !matches!(parse_money(t), M::Amount(_)) {
                break;
            }
            *slot(&mut f.columns[col], label) = Some(t.to_string());
            col += 1;
        }
        if label == TOTAL_SELF_EVAL {
            let extra: Vec<&&str> = vals.iter().skip(col).collect();
            f.weight = extra.first().map(|s| s.to_string());
            f.rate = extra.get(1).map(|s| s.to_string());
            f.score = extra.get(2).map(|s| s.to_string());
            if extra.len() > 3 {
                comments.push(unplaced_comment(
                    findings,
                    l,
                    "资金行的格数多于 年初/全年预算数、执行数、分值、执行率、得分",
                ));
            }
        } else {
            let extra: Vec<&&str> = vals
                .iter()
                .skip(col)
                .filter(|t| !is_blank_cell(t))
                .collect();
            if !extra.is_empty() {
                comments.push(unplaced_comment(findings, l, "资金行的格数多于三列"));
            }
        }
    }
    f
}

/// Splits the text block under 预算目标 | 实际完成情况 into the two columns. Printed one column
/// after the other: at a blank line when there is one, else where the two halves read the same,
/// else where both halves look like wrapped paragraphs (every line but the last fills its column).
pub fn split_goals(lines: &[&str]) -> (String, String) {
    let groups: Vec<Vec<&str>> = lines
        .split(|l| cells::trim(l).is_empty())
        .map(|g| g.iter().map(|l| cells::trim(l)).collect::<Vec<_>>())
        .filter(|g| !g.is_empty())
        .collect();
    if groups.len() == 2 {
        return (groups[0].concat(), groups[1].concat());
    }
    let all: Vec<&str> = groups.concat();
    if all.len() < 2 {
        return (all.concat(), String::new());
    }
    let wrapped = |part: &[&str]| {
        let max = part.iter().map(|l| cells::width(l)).max().unwrap_or(0);
        part[..part.len() - 1]
            .iter()
            .all(|l| cells::width(l) + 4 >= max)
    };
    let cuts = 1..all.len();
    if let Some(k) = cuts
        .clone()
        .find(|&k| all[..k].concat() == all[k..].concat())
    {
        return (all[..k].concat(), all[k..].concat());
    }
    let k = cuts
        .clone()
        .find(|&k| wrapped(&all[..k]) && wrapped(&all[k..]))
        .unwrap_or(1);
    (all[..k].concat(), all[k..].concat())
}

/// A row that ends in the four cells 年度指标值, 实际完成值, 分值, 得分: returns the tokens before
/// them and the four.
fn value_row(text: &str) -> Option<(Vec<String>, [String; 4])> {
    let toks = cells::tokens(text);
    let n = toks.len();
    if n < 4 || parse_num(toks[n - 1]).is_none() || parse_num(toks[n - 2]).is_none() {
        return None;
    }
    let four = [toks[n - 4], toks[n - 3], toks[n - 2], toks[n - 1]].map(str::to_string);
    Some((toks[..n - 4].iter().map(|s| s.to_string()).collect(), four))
}

fn leading_categories(toks: &[String], cats: &Categories) -> (Vec<cells::Category>, Vec<String>) {
    let k = toks.iter().take_while(|t| cats.exact(t).is_some()).count();
    (
        toks[..k].iter().filter_map(|t| cats.exact(t)).collect(),
        toks[k..].to_vec(),
    )
}

fn table(rows: &[Line], tb: &mut TreeBuilder, cats: &Categories) {
    // The vertical 绩/效/指/标 label a page break repeats.
    let mut kept: Vec<Line> = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let word: String = rows[i..]
            .iter()
            .filter(|l| !cells::trim(l.text).is_empty())
            .take(4)
            .map(|l| cells::squeeze(l.text))
            .collect();
        if cells::squeeze(rows[i].text) == "绩" && word == "绩效指标" {
            let mut seen = 0;
            while i < rows.len() && seen < 4 {
                if !cells::trim(rows[i].text).is_empty() {
                    seen += 1;
                }
                i += 1;
            }
            continue;
        }
        if !cells::trim(rows[i].text).is_empty() && !cells::is_page_noise(rows[i].text) {
            kept.push(rows[i]);
        }
        i += 1;
    }
    let joined = join_cut_categories(&kept, cats);
    // Each printed line: leading categories, then text; a value row ends in four cells.
    struct L {
        no: usize,
        source: String,
        cats: Vec<cells::Category>,
        text: Vec<String>,
        four: Option<[String; 4]>,
    }
    let ls: Vec<L> = joined
        .iter()
        .map(|(no, t)| {
            let (before, four) = match value_row(t) {
                Some((b, f)) => (b, Some(f)),
                None => (
                    cells::tokens(t).iter().map(|s| s.to_string()).collect(),
                    None,
                ),
            };
            let (c, text) = leading_categories(&before, cats);
            L {
                no: *no,
                source: t.clone(),
                cats: c,
                text,
                four,
            }
        })
        .collect();
    let alone: Vec<Option<Ahead>> = ls
        .iter()
        .map(|l| {
            let k = l.cats.iter().position(|c| c.level == cells::Level::One)?;
            Some(Ahead {
                level1: l.cats[k].name.clone(),
                level2: l.cats[k + 1..]
                    .iter()
                    .find(|c| c.level == cells::Level::Two)
                    .map(|c| c.name.clone()),
            })
        })
        .collect();
    // Text lines since the last value row: the previous indicator's 偏差原因, then the next
    // indicator's name (its last line or two).
    let mut buffer: Vec<(usize, String, String)> = Vec::new();
    let flush = |tb: &mut TreeBuilder, buffer: &mut Vec<(usize, String, String)>| {
        if buffer.is_empty() {
            return;
        }
        let text: String = buffer.iter().map(|b| b.1.as_str()).collect();
        match tb.last_indicator() {
            Some(ind) if ind.weight.is_some() => match &mut ind.deviation {
                Some(d) => d.push_str(&text),
                None => ind.deviation = Some(text),
            },
            _ => {
                for (no, _, source) in buffer.iter() {
                    tb.unplaced(*no, source, "无法判断属于哪个指标");
                }
            }
        }
        buffer.clear();
    };
    for (i, l) in ls.iter().enumerate() {
        if !l.cats.is_empty() {
            flush(tb, &mut buffer);
            let mut own = false;
            for c in &l.cats {
                own |= c.level == cells::Level::One;
                let a = if c.level == cells::Level::Two && !own {
                    alone[i + 1..].iter().flatten().next().cloned()
                } else {
                    None
                };
                tb.category(c.level, &c.name, l.no, own, a);
            }
        }
        match &l.four {
            None => {
                if !l.text.is_empty() {
                    buffer.push((l.no, l.text.join(" "), l.source.clone()));
                }
            }
            Some([target, actual, weight, score]) => {
                let (name, line) = if !l.text.is_empty() {
                    flush(tb, &mut buffer);
                    (l.text.join(" "), l.no)
                } else {
                    // The name: the last text line, with the line before it when that one fills
                    // the name column and this one is only the wrapped end ("…单位" / "数").
                    let mut take = usize::from(!buffer.is_empty());
                    if buffer.len() >= 2 {
                        let last = &buffer[buffer.len() - 1].1;
                        let prev = &buffer[buffer.len() - 2].1;
                        if cells::width(last) <= 6 && cells::width(prev) >= 18 {
                            take = 2;
                        }
                    }
                    let name_parts = buffer.split_off(buffer.len() - take);
                    flush(tb, &mut buffer);
                    let line = name_parts.first().map(|b| b.0).unwrap_or(l.no);
                    (name_parts.iter().map(|b| b.1.as_str()).collect(), line)
                };
                if name.is_empty() {
                    tb.unplaced(l.no, &l.source, "只有指标值，没有指标名");
                    continue;
                }
                let ind = Indicator {
                    line,
                    name,
                    value: target.clone(),
                    actual: Some(actual.clone()),
                    weight: Some(weight.clone()),
                    score: Some(score.clone()),
                    deviation: None,
                };
                tb.indicator(ind, &l.source);
            }
        }
    }
    flush(tb, &mut buffer);
}

/// Reads one 自评表.
pub fn read(lines: &[Line], cats: &Categories, findings: &mut Vec<Finding>) -> Project {
    let mut p = Project::new(lines.first().map(|l| l.no).unwrap_or(0), FormKind::SelfEval);
    let parts = parts(lines);
    header(
        &mut p,
        &lines[..parts.funding],
        false,
        HEADER_LABELS,
        findings,
    );
    let mut comments = Vec::new();
    p.funding = Funding::SelfEval(Box::new(funding(
        &lines[parts.funding..parts.goal_label],
        findings,
        &mut comments,
    )));
    p.funding_comments.append(&mut comments);

    if parts.goal_label < parts.goal_end {
        let label = cells::squeeze(lines[parts.goal_label].text);
        let body: Vec<&str> = lines[parts.goal_label + 1..parts.goal_end]
            .iter()
            .filter(|l| !cells::is_page_noise(l.text))
            .map(|l| l.text)
            .collect();
        let (budget, achieved) = if label.contains(ACHIEVED) {
            split_goals(&body)
        } else {
            (body.iter().map(|l| cells::trim(l)).collect(), String::new())
        };
        if !budget.is_empty() {
            p.texts.push((BUDGET_GOAL, vec![budget]));
        }
        if !achieved.is_empty() {
            p.texts.push((ACHIEVED, vec![achieved]));
        }
    }

    let mut tb = TreeBuilder::new(cats);
    table(
        &lines[parts.table.min(lines.len())..parts.total],
        &mut tb,
        cats,
    );
    findings.append(&mut tb.findings);
    p.items = tb.items;

    for l in &lines[parts.total.min(lines.len())..] {
        let t = cells::trim(l.text);
        if t.is_empty() || cells::is_page_noise(t) {
            continue;
        }
        let toks = cells::tokens(t);
        if toks.first().is_some_and(|f| *f == TOTAL_SCORE) && p.total.is_none() && toks.len() == 3 {
            p.total = Some((toks[1].to_string(), toks[2].to_string()));
            continue;
        }
        let c = unplaced_comment(findings, l, "总分之后无法识别的行");
        p.trailing.push(c);
    }
    if !p.items.iter().any(|i| matches!(i, Item::Indicator(_))) {
        findings.push(Finding {
            line: p.line,
            kind: FindingKind::Note,
            message: format!("项目「{}」没有读到绩效指标", p.name),
        });
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals_side_by_side() {
        assert_eq!(
            split_goals(&[
                "购置医保卡制作机若干台，完成年度医保卡制作任务",
                "购置医保卡制作机若干台，完成年度医保卡制",
                "作任务"
            ]),
            (
                "购置医保卡制作机若干台，完成年度医保卡制作任务".into(),
                "购置医保卡制作机若干台，完成年度医保卡制作任务".into()
            )
        );
        assert_eq!(
            split_goals(&[
                "完善医保经办服务流程",
                "完善医保经办服务流程，完成年度医保任务，",
                "完善医保管理，确实保障参保人员医保权利"
            ]),
            (
                "完善医保经办服务流程".into(),
                "完善医保经办服务流程，完成年度医保任务，完善医保管理，确实保障参保人员医保权利"
                    .into()
            )
        );
        assert_eq!(
            split_goals(&["甲乙", "", "丙丁", "戊"]),
            ("甲乙".into(), "丙丁戊".into())
        );
    }

    #[test]
    fn value_rows() {
        let (before, four) = value_row("成本指标 年度补助资金 增长率 >10% 5% 10 6").unwrap();
        assert_eq!(before, ["成本指标", "年度补助资金", "增长率"]);
        assert_eq!(four, [">10%", "5%", "10", "6"]);
        assert!(value_row("由于受疫情影响，").is_none());
        assert!(value_row("年度指标 减少").is_none());
    }
}

//! The 绩效目标申报表 reader: one form (from its 项目名称 row to the next form) in either layout —
//! the header fields, the funding rows, 年度总体目标, and the indicator table.

use super::cells::{self, Categories, Line};
use super::detect::Layout;
use super::fields::{money_fields, text_fields, Stream};
use super::form::{Finding, FindingKind, Funding, Item, Money, Project};
use super::table;
use super::tree::TreeBuilder;
use crate::model::*;

pub const HEADER_LABELS: &[&str] = &[
    "项目名称",
    NATURE,
    CATEGORY,
    AUTHORITY,
    IMPLEMENTER,
    START_DATE,
    END_DATE,
];

const MONEY_LABELS: &[&str] = &[TOTAL, CURRENT_YEAR, CARRYOVER, OTHER];
const MONEY_NOISE: &[&str] = &[
    "项目资金总额",
    "项目资金",
    "元",
    "其中",
    "财政资金",
    "项目绩效目标",
    "项目",
    "绩效",
    "目标",
];

/// Where each part of a form starts, by index into its lines.
struct Parts {
    funding: usize,
    goal_label: usize,
    table: usize,
}

fn find(lines: &[Line], from: usize, pred: impl Fn(&str) -> bool) -> Option<usize> {
    (from..lines.len()).find(|&i| pred(&cells::squeeze(lines[i].text)))
}

fn parts(lines: &[Line]) -> Parts {
    let n = lines.len();
    // Each part ends where the next one is found; a part whose label is missing is empty
    // rather than swallowing the parts after it.
    let mut table = find(lines, 0, |s| {
        s.contains("二级指标") && s.contains("三级指标")
    })
    .unwrap_or(n);
    let funding = find(lines, 0, |s| s.starts_with("项目资金") || s.contains(TOTAL))
        .unwrap_or(table)
        .min(table);
    let goal_label = find(lines, funding, |s| s.contains("年度总体目标"))
        .filter(|&g| g < table)
        .unwrap_or(table);
    // "一级指\n标\n\n二级指标 三级指标 …": the header's first cell wrapped.
    while table > goal_label + 1 {
        let prev = cells::squeeze(lines[table - 1].text);
        if prev.is_empty() || prev == "一级指" || prev == "标" || prev == "一级指标" {
            table -= 1;
        } else {
            break;
        }
    }
    Parts {
        funding,
        goal_label,
        table,
    }
}

fn unplaced(findings: &mut Vec<Finding>, line: usize, text: &str, reason: &str) -> String {
    findings.push(Finding {
        line,
        kind: FindingKind::Unplaced,
        message: format!("「{}」（{reason}）", super::form::shown(text)),
    });
    format!("无法归位（原文第 {line} 行）：{}", text.trim_end())
}

fn source_of<'a>(lines: &[Line<'a>], no: usize) -> &'a str {
    lines
        .iter()
        .find(|l| l.no == no)
        .map(|l| l.text)
        .unwrap_or("")
}

/// Header fields into the project; what precedes the first label is reported.
pub fn header(
    p: &mut Project,
    block: &[Line],
    rows: bool,
    labels: &[&'static str],
    findings: &mut Vec<Finding>,
) {
    let s = Stream::new(block, rows);
    let (found, lead) = text_fields(&s, labels);
    for f in found {
        let v = cells::squeeze_cjk(&f.value);
        if f.label == "项目名称" {
            p.name = v;
        } else if let Some(k) = static_key(f.label, PROJECT_FIELDS) {
            if DATE_FIELDS.contains(&k) {
                p.fields.push((k, cells::squeeze(&v)));
            } else {
                p.fields.push((k, v));
            }
        }
    }
    if let Some((text, line)) = lead {
        if !cells::is_page_noise(&text) {
            let c = unplaced(
                findings,
                line,
                source_of(block, line),
                "表头中不属于任何栏目的文字",
            );
            p.comments.push(c);
        }
    }
}

/// Paragraphs of a free text printed over several lines: a line that stops short of the
/// column's width ends its paragraph (well short, or a little short after a full stop), and so
/// does the line before a numbered item ("2.…").
pub fn paragraphs(lines: &[&str]) -> Vec<String> {
    let lines: Vec<&str> = lines
        .iter()
        .map(|l| cells::trim(l))
        .filter(|l| !l.is_empty())
        .collect();
    let max = lines.iter().map(|l| cells::width(l)).max().unwrap_or(0);
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for (i, l) in lines.iter().enumerate() {
        cur.push_str(l);
        let next_numbered = lines.get(i + 1).is_some_and(|n| numbered(n));
        let w = cells::width(l);
        let short = w + 4 < max || (w + 2 <= max && l.ends_with(['。', '；', '！', '？']));
        if i + 1 == lines.len() || next_numbered || short {
            out.push(std::mem::take(&mut cur));
        }
    }
    out
}

fn numbered(s: &str) -> bool {
    let digits = s.chars().take_while(|c| c.is_ascii_digit()).count();
    digits > 0 && s[digits..].starts_with(['.', '、', '．', ':', '：'])
}

/// Reads one 申报表.
pub fn read(
    lines: &[Line],
    layout: Layout,
    cats: &Categories,
    findings: &mut Vec<Finding>,
) -> Project {
    let rows = layout == Layout::Tab;
    let mut p = Project::new(lines.first().map(|l| l.no).unwrap_or(0), FormKind::Target);
    let parts = parts(lines);
    header(
        &mut p,
        &lines[..parts.funding],
        rows,
        HEADER_LABELS,
        findings,
    );

    // Funding rows (and the vertical 项目/绩效/目标 label before the goal).
    let block = &lines[parts.funding..parts.goal_label];
    let s = Stream::new(block, rows);
    // 项目资金总额 last: its cell is empty on one-year forms, and the amount after it is then
    // 年度资金申请总额's, taken first.
    let labels = [MONEY_LABELS, &[PROJECT_TOTAL]].concat();
    let (found, left) = money_fields(&s, &labels, MONEY_NOISE);
    let mut m = Money::default();
    for f in &found {
        let slot = match f.label {
            TOTAL => &mut m.total,
            CURRENT_YEAR => &mut m.current_year,
            CARRYOVER => &mut m.carryover,
            PROJECT_TOTAL => &mut m.project_total,
            _ => &mut m.other,
        };
        *slot = Some(f.value.clone());
    }
    for label in MONEY_LABELS {
        if !found.iter().any(|f| f.label == *label) && !block.is_empty() {
            findings.push(Finding {
                line: block[0].no,
                kind: FindingKind::Note,
                message: format!("资金栏中没有找到「{label}」的金额"),
            });
        }
    }
    for (no, text) in left {
        let c = unplaced(
            findings,
            no,
            source_of(block, no),
            &format!("资金栏中无法识别的内容「{text}」"),
        );
        p.funding_comments.push(c);
    }
    p.funding = Funding::Target(m);

    // 年度总体目标, and 项目总目标 (the column before it, filled for projects that span years:
    // kept as its own field, never folded into the year's goal).
    let mut goal: Vec<String> = Vec::new();
    let mut project_goal: Vec<String> = Vec::new();
    if parts.goal_label < parts.table {
        let label_row = lines[parts.goal_label].text;
        let body = &lines[parts.goal_label + 1..parts.table];
        if rows {
            let cs = cells::cells(label_row);
            let col_of = |label: &str| {
                cs.iter()
                    .position(|c| cells::squeeze(&c.text).contains(label))
            };
            let annual = col_of("年度总体目标");
            // The 项目总目标 column: from its label's cell up to the 年度总体目标 label's.
            let whole = col_of("项目总目标")
                .zip(annual)
                .and_then(|(p, a)| (cs[p].col < cs[a].col).then_some(cs[p].col..cs[a].col));
            if let Some(k) = annual {
                goal.extend(cs[k + 1..].iter().map(|c| c.text.clone()));
            }
            for l in body {
                if cells::is_page_noise(l.text) {
                    continue;
                }
                for c in cells::cells(l.text) {
                    if whole.as_ref().is_some_and(|w| w.contains(&c.col)) {
                        project_goal.push(c.text);
                    } else {
                        goal.push(c.text);
                    }
                }
            }
        } else {
            let texts: Vec<&str> = body
                .iter()
                .filter(|l| !cells::is_page_noise(l.text))
                .map(|l| l.text)
                .collect();
            goal = paragraphs(&texts);
        }
    }
    if !project_goal.is_empty() {
        p.texts.push((PROJECT_GOAL, project_goal));
    }
    if !goal.is_empty() {
        p.texts.push((GOAL, goal));
    }

    // The indicator table.
    let mut tb = TreeBuilder::new(cats);
    let table_rows = &lines[parts.table.min(lines.len())..];
    if rows {
        table::read_tab(table_rows, &mut tb, cats);
    } else {
        table::read_lines(table_rows, &mut tb, cats);
    }
    findings.append(&mut tb.findings);
    p.items = tb.items;
    if p.items.iter().all(|i| matches!(i, Item::Comment(_))) {
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
    use crate::model::vocab::Vocab;

    #[test]
    fn paragraph_breaks() {
        let p = paragraphs(&[
            "1.提高医保中心基础设备的标准化；",
            "2.提高医保中心工作规范化、标准化、专业化和",
            "信息化水平；",
            "3.提升医保中心业务处理效能。",
        ]);
        assert_eq!(p.len(), 3);
        assert_eq!(
            p[1],
            "2.提高医保中心工作规范化、标准化、专业化和信息化水平；"
        );
        let p = paragraphs(&[
            "通过项目实施，进一步缓解区医保中心工伤医疗费",
            "审核业务工作的压力。",
            "聘请第三方配备3个工作人员为松江区医疗保险事",
            "务中心提供评审服务。",
        ]);
        assert_eq!(p.len(), 2);
    }

    #[test]
    fn a_missing_part_stays_empty() {
        let v = Vocab::builtin();
        let cats = Categories::new(v, v.profile_for_year(Some(2025)));
        let text = "项目名称\t甲\t项目性质\t其他经常性项目\n年度资金申请总额\t1,000.00\n当年财政拨款\t1,000.00\n\t一级指标\t二级指标\t三级指标\t年度(/项目)指标值\n\t产出指标\t数量指标\t人数\t≥1.00(人)\n";
        let lines = cells::lines(text);
        let mut findings = Vec::new();
        let p = read(&lines, Layout::Tab, &cats, &mut findings);
        assert_eq!(p.name, "甲");
        assert!(p.texts.is_empty());
        assert_eq!(
            p.funding,
            Funding::Target(Money {
                total: Some("1,000.00".into()),
                current_year: Some("1,000.00".into()),
                ..Money::default()
            })
        );
        assert_eq!(p.items.len(), 3);
        assert!(
            findings.iter().all(|f| f.kind == FindingKind::Note),
            "{findings:?}"
        );
    }
}

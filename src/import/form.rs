//! What the readers recover from an extraction, before it is written as jixiao text: forms with
//! their fields, funding, texts and indicator tree, and the lines that could not be placed
//! (kept as comments where they stood).

use crate::model::{FormKind, ACTUAL, DEVIATION, SCORE, TOTAL_SCORE, WEIGHT};

/// Something the reader has to tell: a line it could not place, or a repair worth a look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub line: usize,
    pub kind: FindingKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    /// A line (or cell) the reader could not place; carried into the output as a comment.
    Unplaced,
    /// A repair or a gap in the original (a missing value), written as a comment too.
    Note,
}

/// One indicator row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Indicator {
    pub line: usize,
    pub name: String,
    pub value: String,
    /// 自评表 columns.
    pub actual: Option<String>,
    pub weight: Option<String>,
    pub score: Option<String>,
    pub deviation: Option<String>,
}

/// The indicator table, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Level1(String),
    Level2(String),
    Indicator(Indicator),
    /// A comment line (without the `# `).
    Comment(String),
}

/// The four money cells of one funding column, as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Money {
    pub total: Option<String>,
    pub current_year: Option<String>,
    pub carryover: Option<String>,
    pub other: Option<String>,
    /// 项目资金总额 (申报表, projects that span years).
    pub project_total: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SelfEvalFunding {
    /// 年初预算数, 全年预算数, 全年执行数.
    pub columns: [Money; 3],
    pub weight: Option<String>,
    pub rate: Option<String>,
    pub score: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Funding {
    Target(Money),
    SelfEval(Box<SelfEvalFunding>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub line: usize,
    pub name: String,
    /// Comments written right after the `项目:` line.
    pub comments: Vec<String>,
    /// Comments written at the end of the 资金 block.
    pub funding_comments: Vec<String>,
    /// (field key, value), in the form's order.
    pub fields: Vec<(&'static str, String)>,
    pub funding: Funding,
    /// (text field key, paragraphs).
    pub texts: Vec<(&'static str, Vec<String>)>,
    pub items: Vec<Item>,
    /// 总分: (分值, 得分).
    pub total: Option<(String, String)>,
    /// Comments after the last line of the project.
    pub trailing: Vec<String>,
}

impl Project {
    pub fn new(line: usize, kind: FormKind) -> Self {
        Project {
            line,
            name: String::new(),
            comments: Vec::new(),
            funding_comments: Vec::new(),
            fields: Vec::new(),
            funding: match kind {
                FormKind::Target => Funding::Target(Money::default()),
                FormKind::SelfEval => Funding::SelfEval(Box::default()),
            },
            texts: Vec::new(),
            items: Vec::new(),
            total: None,
            trailing: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub kind: FormKind,
    pub year: Option<i32>,
    pub unit: Option<String>,
    /// Comments for the top of the file.
    pub comments: Vec<String>,
    pub projects: Vec<Project>,
}

/// How a source line reads in a message: its cells separated by ` | ` rather than tabs.
pub fn shown(source: &str) -> String {
    if !source.contains('\t') {
        return source.trim().to_string();
    }
    source
        .split('\t')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// A value that the jixiao syntax would misread at the start of an entry or a line.
fn safe_text(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

fn money_lines(out: &mut Vec<String>, indent: &str, total_key: &str, m: &Money) {
    for (k, v) in [
        (crate::model::PROJECT_TOTAL, &m.project_total),
        (total_key, &m.total),
        (crate::model::CURRENT_YEAR, &m.current_year),
        (crate::model::CARRYOVER, &m.carryover),
        (crate::model::OTHER, &m.other),
    ] {
        if let Some(v) = v {
            out.push(format!("{indent}{k}: {v}"));
        }
    }
}

fn comment(out: &mut Vec<String>, indent: &str, c: &str) {
    for l in c.split('\n') {
        out.push(format!("{indent}# {}", l.trim_end()).trim_end().to_string());
    }
}

/// The document as jixiao text (not yet canonical: the caller runs the formatter over it).
pub fn write(doc: &Document) -> String {
    let mut out: Vec<String> = Vec::new();
    for c in &doc.comments {
        comment(&mut out, "", c);
    }
    out.push(format!(
        "{}: {}",
        crate::model::HEADER_KIND,
        doc.kind.name()
    ));
    if let Some(y) = doc.year {
        out.push(format!("{}: {y}", crate::model::HEADER_YEAR));
    }
    if let Some(u) = &doc.unit {
        out.push(format!("{}: {}", crate::model::HEADER_UNIT, safe_text(u)));
    }
    for p in &doc.projects {
        out.push(String::new());
        out.push(format!("项目: {}", safe_text(&p.name)));
        for c in &p.comments {
            comment(&mut out, "  ", c);
        }
        for (k, v) in &p.fields {
            out.push(format!("  {k}: {}", safe_text(v)));
        }
        match &p.funding {
            Funding::Target(m) => {
                if *m != Money::default() {
                    out.push("  资金:".into());
                    money_lines(&mut out, "    ", crate::model::TOTAL, m);
                }
            }
            Funding::SelfEval(f) => {
                if **f != SelfEvalFunding::default() {
                    out.push("  资金:".into());
                    for (i, col) in f.columns.iter().enumerate() {
                        if *col != Money::default() {
                            out.push(format!("    {}:", crate::model::COLUMNS[i]));
                            money_lines(&mut out, "      ", crate::model::TOTAL_SELF_EVAL, col);
                        }
                    }
                    for (k, v) in [
                        (WEIGHT, &f.weight),
                        (crate::model::RATE, &f.rate),
                        (SCORE, &f.score),
                    ] {
                        if let Some(v) = v {
                            out.push(format!("    {k}: {v}"));
                        }
                    }
                }
            }
        }
        if !p.funding_comments.is_empty() && !out.last().is_some_and(|l| l.starts_with("    ")) {
            out.push("  资金:".into());
        }
        for c in &p.funding_comments {
            comment(&mut out, "    ", c);
        }
        for (k, paras) in &p.texts {
            out.push(format!("  {k}:"));
            for para in paras {
                for l in para.split('\n') {
                    out.push(format!("    > {l}").trim_end().to_string());
                }
            }
        }
        let mut depth = "  ";
        for item in &p.items {
            match item {
                Item::Level1(n) => {
                    out.push(format!("  {n}:"));
                    depth = "    ";
                }
                Item::Level2(n) => {
                    out.push(format!("    {n}:"));
                    depth = "      ";
                }
                Item::Comment(c) => comment(&mut out, depth, c),
                Item::Indicator(i) => {
                    let v = safe_text(&i.value);
                    out.push(
                        format!("{depth}{}: {v}", safe_text(&i.name))
                            .trim_end()
                            .to_string(),
                    );
                    let sub = format!("{depth}  ");
                    for (k, v) in [(ACTUAL, &i.actual), (WEIGHT, &i.weight), (SCORE, &i.score)] {
                        if let Some(v) = v {
                            out.push(format!("{sub}{k}: {}", safe_text(v)));
                        }
                    }
                    if let Some(d) = &i.deviation {
                        out.push(format!("{sub}{DEVIATION}: {}", safe_text(d)));
                    }
                }
            }
        }
        if let Some((w, s)) = &p.total {
            out.push(format!("  {TOTAL_SCORE}:"));
            out.push(format!("    {WEIGHT}: {w}"));
            out.push(format!("    {SCORE}: {s}"));
        }
        for c in &p.trailing {
            comment(&mut out, "  ", c);
        }
    }
    let mut s = out.join("\n");
    s.push('\n');
    s
}

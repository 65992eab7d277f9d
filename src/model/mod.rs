//! The typed declaration built from the syntax tree: header, projects, funding (exact
//! decimals), free text, and the indicator tree. Spans are relative to the segment they come
//! from, so a project's model can be reused when an edit leaves its segment untouched.

mod build;
mod keys;
pub mod value;
pub mod vocab;

pub use build::{build, build_header, build_project, edit_distance, suggest_from};
pub use keys::*;

use crate::syntax::Span;
use rust_decimal::Decimal;
use std::sync::Arc;
use value::{IndicatorValue, Money, Num};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum FormKind {
    /// 绩效目标申报表
    Target,
    /// 绩效自评表
    SelfEval,
}

impl FormKind {
    pub fn parse(s: &str) -> Option<FormKind> {
        match s.trim() {
            "绩效目标申报表" | "财政项目支出绩效目标申报表" | "申报表" => {
                Some(FormKind::Target)
            }
            "绩效自评表" | "财政项目支出绩效自评表" | "自评表" => {
                Some(FormKind::SelfEval)
            }
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            FormKind::Target => "绩效目标申报表",
            FormKind::SelfEval => "绩效自评表",
        }
    }
}

/// What a line is, for the formatter and the editor features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Blank,
    Comment,
    /// A syntax error line, kept verbatim.
    Error,
    HeaderField,
    /// An entry whose name is not known where it stands; written at project-field depth (so
    /// that it cannot drift into the indicator tree when the file is re-indented).
    Unknown,
    Project,
    Field,
    Date,
    TextField,
    TextLine,
    /// A `>` line that follows no text field; kept verbatim.
    OrphanText,
    Funding,
    FundingColumn,
    Money,
    /// 分值, 得分, 执行率 (funding, indicator or total).
    Score,
    Total,
    Level1,
    Level2,
    Indicator,
    /// 实际完成值 (kept as written).
    Actual,
    /// 偏差原因分析及改进措施.
    Deviation,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRole {
    pub role: Role,
    /// Canonical nesting depth (two spaces each).
    pub depth: u8,
    /// The canonical name when the line used an alias or a variant spelling.
    pub key: Option<Box<str>>,
}

/// A problem found while building the model (structure, not arithmetic).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub rule: &'static str,
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub key: &'static str,
    pub key_span: Span,
    pub value: String,
    pub value_span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyField {
    pub key: &'static str,
    pub key_span: Span,
    pub money: Money,
    pub text: String,
    pub value_span: Span,
}

impl MoneyField {
    pub fn amount(&self) -> Option<Decimal> {
        match self.money {
            Money::Amount(d) => Some(d),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumField {
    pub key: &'static str,
    pub key_span: Span,
    pub num: Option<Num>,
    pub text: String,
    pub value_span: Span,
}

/// The four money cells of one column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parts {
    pub total: Option<MoneyField>,
    pub current_year: Option<MoneyField>,
    pub carryover: Option<MoneyField>,
    pub other: Option<MoneyField>,
}

impl Parts {
    pub fn get(&self, key: &str) -> Option<&MoneyField> {
        match key {
            TOTAL | TOTAL_SELF_EVAL => self.total.as_ref(),
            CURRENT_YEAR => self.current_year.as_ref(),
            CARRYOVER => self.carryover.as_ref(),
            OTHER => self.other.as_ref(),
            _ => None,
        }
    }
    pub(crate) fn slot(&mut self, key: &str) -> &mut Option<MoneyField> {
        match key {
            CURRENT_YEAR => &mut self.current_year,
            CARRYOVER => &mut self.carryover,
            OTHER => &mut self.other,
            _ => &mut self.total,
        }
    }
    pub fn parts(&self) -> [Option<&MoneyField>; 3] {
        [
            self.current_year.as_ref(),
            self.carryover.as_ref(),
            self.other.as_ref(),
        ]
    }
    pub fn is_empty(&self) -> bool {
        self.total.is_none() && self.parts().iter().all(|p| p.is_none())
    }

    /// 当年财政拨款 + 上年结转资金 + 其他资金, a blank cell (—) counting 0. `None` when a cell
    /// is not an amount, or every written cell is blank (nothing to add up).
    pub fn sum(&self) -> Option<Decimal> {
        let cells: Vec<Money> = self.parts().iter().flatten().map(|m| m.money).collect();
        if cells.contains(&Money::Invalid) || cells.iter().all(|m| *m == Money::Blank) {
            return None;
        }
        Some(
            cells
                .iter()
                .map(|m| {
                    if let Money::Amount(d) = m {
                        *d
                    } else {
                        Decimal::ZERO
                    }
                })
                .sum(),
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum ColumnKind {
    /// 年初预算数
    Initial,
    /// 全年预算数
    Annual,
    /// 全年执行数
    Executed,
}

impl ColumnKind {
    pub fn name(self) -> &'static str {
        COLUMNS[self as usize]
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub kind: ColumnKind,
    pub key_span: Span,
    pub parts: Parts,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Funding {
    pub key_span: Span,
    /// The 申报表's amounts, written directly under 资金.
    pub main: Parts,
    /// 项目资金总额: the whole project over all its years (multi-year projects only).
    pub project_total: Option<MoneyField>,
    /// The 自评表's columns.
    pub columns: Vec<Column>,
    pub weight: Option<NumField>,
    pub rate: Option<NumField>,
    pub score: Option<NumField>,
}

impl Funding {
    pub fn column(&self, kind: ColumnKind) -> Option<&Column> {
        self.columns.iter().find(|c| c.kind == kind)
    }
    /// The amounts that describe the request: the main parts, or else the 全年预算数 column
    /// (else 年初预算数).
    pub fn budget(&self) -> &Parts {
        if !self.main.is_empty() {
            return &self.main;
        }
        self.column(ColumnKind::Annual)
            .or_else(|| self.column(ColumnKind::Initial))
            .map(|c| &c.parts)
            .unwrap_or(&self.main)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextField {
    pub key: &'static str,
    pub key_span: Span,
    /// The inline value and each `>` line, in order.
    pub lines: Vec<(String, Span)>,
}

impl TextField {
    pub fn text(&self) -> String {
        self.lines
            .iter()
            .map(|l| l.0.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
    pub fn span(&self) -> Span {
        let end = self
            .lines
            .last()
            .map(|l| l.1.end)
            .unwrap_or(self.key_span.end);
        Span {
            start: self.key_span.start,
            end,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator {
    pub name: String,
    pub name_span: Span,
    pub value: IndicatorValue,
    pub value_text: String,
    pub value_span: Span,
    /// The 自评表's cells; boxed because a 申报表 has none, and they would triple the size of
    /// every indicator.
    pub eval: Option<Box<Evaluation>>,
}

/// An indicator's 自评表 cells.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evaluation {
    pub actual: Option<Field>,
    pub weight: Option<NumField>,
    pub score: Option<NumField>,
    pub deviation: Option<TextField>,
}

impl Indicator {
    pub fn actual(&self) -> Option<&Field> {
        self.eval.as_ref()?.actual.as_ref()
    }
    pub fn weight(&self) -> Option<&NumField> {
        self.eval.as_ref()?.weight.as_ref()
    }
    pub fn score(&self) -> Option<&NumField> {
        self.eval.as_ref()?.score.as_ref()
    }
    pub fn deviation(&self) -> Option<&TextField> {
        self.eval.as_ref()?.deviation.as_ref()
    }
    pub fn eval_mut(&mut self) -> &mut Evaluation {
        self.eval.get_or_insert_with(Default::default)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level2 {
    /// As written (trimmed).
    pub name: String,
    /// Aliases resolved, whitespace removed.
    pub canonical: String,
    pub span: Span,
    pub indicators: Vec<Indicator>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level1 {
    pub name: String,
    pub canonical: String,
    /// Empty when the 一级 line is missing (a 二级 with no 一级 above it).
    pub span: Span,
    pub level2: Vec<Level2>,
    /// Indicators written directly under the 一级, without a 二级.
    pub indicators: Vec<Indicator>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Total {
    pub key_span: Span,
    pub weight: Option<NumField>,
    pub score: Option<NumField>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub name: String,
    pub name_span: Span,
    pub key_span: Span,
    pub fields: Vec<Field>,
    pub funding: Option<Funding>,
    pub texts: Vec<TextField>,
    pub level1: Vec<Level1>,
    pub total: Option<Total>,
    pub roles: Vec<LineRole>,
    pub issues: Vec<Issue>,
}

impl Project {
    /// Gives back the vectors' spare room. A document keeps thousands of projects for as long
    /// as it is open; grown by pushing, their indicator lists were ~40% unused (docs/PERFORMANCE.md).
    pub(crate) fn shrink(&mut self) {
        self.fields.shrink_to_fit();
        self.texts.shrink_to_fit();
        self.issues.shrink_to_fit();
        self.level1.shrink_to_fit();
        for l1 in &mut self.level1 {
            l1.indicators.shrink_to_fit();
            l1.level2.shrink_to_fit();
            for l2 in &mut l1.level2 {
                l2.indicators.shrink_to_fit();
            }
        }
    }
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }
    pub fn text(&self, key: &str) -> Option<&TextField> {
        self.texts.iter().find(|t| t.key == key)
    }
    /// Every indicator with its 一级 and 二级 (None when written directly under the 一级).
    pub fn indicators(&self) -> impl Iterator<Item = (&Level1, Option<&Level2>, &Indicator)> {
        self.level1.iter().flat_map(|l1| {
            l1.indicators.iter().map(move |i| (l1, None, i)).chain(
                l1.level2
                    .iter()
                    .flat_map(move |l2| l2.indicators.iter().map(move |i| (l1, Some(l2), i))),
            )
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    pub kind: Option<(FormKind, Span)>,
    pub year: Option<(i32, Span)>,
    pub unit: Option<Field>,
    pub profile: Option<Field>,
    pub fields: Vec<Field>,
    pub roles: Vec<LineRole>,
    pub issues: Vec<Issue>,
}

impl Header {
    pub fn form_kind(&self) -> FormKind {
        self.kind.map(|k| k.0).unwrap_or(FormKind::Target)
    }
    pub fn year(&self) -> Option<i32> {
        self.year.map(|y| y.0)
    }
}

/// The whole file: the header and one model per project segment, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub header: Arc<Header>,
    pub projects: Vec<Arc<Project>>,
}

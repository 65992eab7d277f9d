//! Building the indicator tree row by row: the current 一级 and 二级, and the repair for a
//! merged 一级 cell whose text the extraction printed in the middle of its rows.
//!
//! A merged cell spanning several rows is printed once, on its middle row. So a 二级 that cannot
//! stand under the current 一级 (数量指标 right after 成本指标's rows) belongs to the 一级 printed
//! further down — when that row names the 二级's parent and a different 二级 of its own (a row
//! that repeats the same 二级 shows two cells, so there the 二级 stays where it is written).

use super::cells::{Categories, Level};
use super::form::{shown, Finding, FindingKind, Indicator, Item};

/// The categories of a row further down the table, for the merged-cell repair.
#[derive(Debug, Clone, Default)]
pub struct Ahead {
    pub level1: String,
    pub level2: Option<String>,
}

pub struct TreeBuilder<'c, 'v> {
    cats: &'c Categories<'v>,
    pub items: Vec<Item>,
    cur_l1: Option<String>,
    cur_l2: Option<String>,
    pub findings: Vec<Finding>,
}

impl<'c, 'v> TreeBuilder<'c, 'v> {
    pub fn new(cats: &'c Categories<'v>) -> Self {
        TreeBuilder {
            cats,
            items: Vec::new(),
            cur_l1: None,
            cur_l2: None,
            findings: Vec::new(),
        }
    }

    pub fn level1(&mut self, name: &str) {
        if self.cur_l1.as_deref() == Some(name) {
            return;
        }
        self.items.push(Item::Level1(name.to_string()));
        self.cur_l1 = Some(name.to_string());
        self.cur_l2 = None;
    }

    /// A 二级 on `line`. `own_level1`: the same row named its 一级 (then the 二级 stays under it,
    /// right or wrong, as the form has it); `ahead`: the next row below that names a 一级.
    pub fn level2(&mut self, name: &str, line: usize, own_level1: bool, ahead: Option<Ahead>) {
        let known = self.cats.level(name).is_some();
        let parent = self.cats.parent(name).map(str::to_string);
        let misplaced = match &self.cur_l1 {
            Some(l1) => known && !self.cats.allowed(l1, name) && parent.is_some(),
            None => true,
        };
        if misplaced && !own_level1 {
            let follows = ahead.as_ref().is_some_and(|a| {
                Some(&a.level1) == parent.as_ref() && a.level2.as_deref() != Some(name)
            });
            if let (true, Some(p)) = (follows, &parent) {
                self.note(
                    line,
                    format!(
                        "二级指标「{name}」不能在「{}」之下；按合并单元格归入其下方印出的一级指标「{p}」",
                        self.cur_l1.as_deref().unwrap_or("")
                    ),
                );
                self.level1(p);
            } else if let (None, Some(p)) = (&self.cur_l1, &parent) {
                self.note(
                    line,
                    format!("二级指标「{name}」前没有一级指标；补出「{p}」"),
                );
                self.level1(p);
            }
        }
        if self.cur_l1.is_none() {
            // An unknown category with no 一级 yet: keep it as the form has it.
            self.items.push(Item::Level1(name.to_string()));
            self.cur_l1 = Some(name.to_string());
            self.cur_l2 = None;
            return;
        }
        if self.cur_l2.as_deref() == Some(name) {
            return;
        }
        self.items.push(Item::Level2(name.to_string()));
        self.cur_l2 = Some(name.to_string());
    }

    pub fn category(
        &mut self,
        level: Level,
        name: &str,
        line: usize,
        own_level1: bool,
        ahead: Option<Ahead>,
    ) {
        match level {
            Level::One => self.level1(name),
            Level::Two => self.level2(name, line, own_level1, ahead),
        }
    }

    /// Adds an indicator; one that cannot stand where it is (no 一级 yet, or a name the format
    /// cannot hold) is kept as a comment and reported.
    pub fn indicator(&mut self, ind: Indicator, source: &str) {
        if self.cur_l1.is_none() {
            self.unplaced(ind.line, source, "指标前没有一级指标");
            return;
        }
        if ind.name.contains([':', '：']) || ind.name.starts_with(['#', '>']) {
            self.unplaced(
                ind.line,
                source,
                "指标名中有冒号或以 # > 开头，jixiao 格式无法表示",
            );
            return;
        }
        if ind.value.is_empty() {
            self.note(ind.line, format!("指标「{}」没有指标值，已留空", ind.name));
        }
        self.items.push(Item::Indicator(ind));
    }

    pub fn last_indicator(&mut self) -> Option<&mut Indicator> {
        match self.items.last_mut() {
            Some(Item::Indicator(i)) => Some(i),
            _ => None,
        }
    }

    pub fn has_level1(&self) -> bool {
        self.cur_l1.is_some()
    }

    pub fn note(&mut self, line: usize, message: String) {
        self.findings.push(Finding {
            line,
            kind: FindingKind::Note,
            message,
        });
    }

    /// Reports a line that cannot be placed and keeps it, verbatim, as a comment here.
    pub fn unplaced(&mut self, line: usize, source: &str, reason: &str) {
        self.findings.push(Finding {
            line,
            kind: FindingKind::Unplaced,
            message: format!("「{}」（{reason}）", shown(source)),
        });
        self.items.push(Item::Comment(format!(
            "无法归位（原文第 {line} 行）：{}",
            source.trim_end()
        )));
    }

    /// Reports cells of a row that cannot be placed (the rest of the row was read).
    pub fn unplaced_cells(&mut self, line: usize, source: &str, cells: &[String], reason: &str) {
        let list = cells.join("」「");
        self.findings.push(Finding {
            line,
            kind: FindingKind::Unplaced,
            message: format!("「{}」中的「{list}」（{reason}）", shown(source)),
        });
        self.items.push(Item::Comment(format!(
            "无法归位（原文第 {line} 行的「{list}」）：{}",
            source.trim_end()
        )));
    }
}

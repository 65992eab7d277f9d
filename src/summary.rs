//! The 汇总: totals over projects — by funding source and by 项目类别. Used by the header hover,
//! and by `jixiao summary`.

use crate::model::{Document, Project, CATEGORY};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Totals {
    pub projects: usize,
    pub total: Decimal,
    pub current_year: Decimal,
    pub carryover: Decimal,
    pub other: Decimal,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Summary {
    pub all: Totals,
    /// By 项目类别 (「未填」 when missing).
    pub by_category: BTreeMap<String, Totals>,
}

impl Totals {
    pub fn add(&mut self, p: &Project) {
        self.projects += 1;
        if let Some(f) = &p.funding {
            let b = f.budget();
            let amt = |m: &Option<crate::model::MoneyField>| {
                m.as_ref().and_then(|m| m.amount()).unwrap_or_default()
            };
            self.total += amt(&b.total);
            self.current_year += amt(&b.current_year);
            self.carryover += amt(&b.carryover);
            self.other += amt(&b.other);
        }
    }
}

pub fn summarize<'a>(projects: impl IntoIterator<Item = &'a Project>) -> Summary {
    let mut s = Summary::default();
    for p in projects {
        s.all.add(p);
        let cat = p
            .field(CATEGORY)
            .map(|f| f.value.clone())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "未填".into());
        s.by_category.entry(cat).or_default().add(p);
    }
    s
}

pub fn summarize_document(doc: &Document) -> Summary {
    summarize(doc.projects.iter().map(|p| p.as_ref()))
}

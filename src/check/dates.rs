//! date-order, date-year, bad-value (dates).

use super::{Context, Sink};
use crate::model::value::parse_date;
use crate::model::*;

pub fn check(p: &Project, cx: &Context, sink: &mut Sink) {
    let mut parsed = Vec::new();
    for key in DATE_FIELDS {
        let Some(f) = p.field(key) else { continue };
        if f.value.is_empty() {
            continue;
        }
        match parse_date(&f.value) {
            None => sink.push(
                "bad-value",
                f.value_span,
                format!(
                    "「{key}」的日期「{}」无效，应为 YYYY-MM-DD，如 2025-01-01",
                    f.value
                ),
            ),
            Some(d) => {
                // A project with 项目资金总额 declares that it spans years.
                let multi_year = p.funding.as_ref().is_some_and(|f| {
                    f.project_total
                        .as_ref()
                        .is_some_and(|m| m.amount().is_some())
                });
                if let Some(y) = cx.header.year().filter(|_| !multi_year) {
                    if d.0 != y {
                        sink.push(
                            "date-year",
                            f.value_span,
                            format!("「{key}」{} 不在表的年度 {y} 内", f.value),
                        );
                    }
                }
                parsed.push((f, d));
            }
        }
    }
    if let [(s, sd), (e, ed)] = parsed.as_slice() {
        if s.key == START_DATE && ed < sd {
            sink.push(
                "date-order",
                e.value_span,
                format!("计划完成日期 {} 早于计划开始日期 {}", e.value, s.value),
            );
        }
    }
}

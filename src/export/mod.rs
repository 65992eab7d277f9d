//! Exports for other tools and for people: JSON, the documented interface (docs/EXPORT.md);
//! CSV, one row per indicator with its project's columns, for spreadsheets; XLSX, one sheet per
//! project in the layout of the paper form, and a 汇总 sheet.

pub mod csv;
mod json;
mod stream;
pub mod xlsx;

pub use json::{to_json, write_json, SCHEMA_VERSION};

use crate::model::value::{canonical_number, format_date, parse_date, IndicatorValue};
use crate::model::*;
use rust_decimal::Decimal;

/// A money cell's amount (blank, invalid or missing cells have none).
pub(crate) fn amount(m: Option<&MoneyField>) -> Option<Decimal> {
    m.and_then(|m| m.amount()).map(|mut d| {
        d.rescale(2);
        d
    })
}

/// A field's value, dates in ISO form when they parse.
pub(crate) fn field(p: &Project, key: &str) -> String {
    match p.field(key) {
        Some(f) if DATE_FIELDS.contains(&key) => parse_date(&f.value)
            .map(format_date)
            .unwrap_or_else(|| f.value.clone()),
        Some(f) => f.value.clone(),
        None => String::new(),
    }
}

/// An indicator's comparison, number and unit (empty strings where it has none).
pub(crate) fn value_parts(v: &IndicatorValue) -> (String, String, String) {
    match v {
        IndicatorValue::Quantitative { op, number, unit } => (
            op.symbol().to_string(),
            canonical_number(*number),
            unit.clone().unwrap_or_default(),
        ),
        IndicatorValue::BareNumber { number, unit } => (
            String::new(),
            canonical_number(*number),
            unit.clone().unwrap_or_default(),
        ),
        _ => (String::new(), String::new(), String::new()),
    }
}

/// A score or weight as written in canonical form (`10`, `6.32`, `50.00%`).
pub(crate) fn num(n: Option<&NumField>) -> String {
    match n {
        Some(NumField { num: Some(n), .. }) => value::canonical_num(*n),
        Some(n) => n.text.clone(),
        None => String::new(),
    }
}

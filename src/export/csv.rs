//! CSV: one row per indicator, each with its project's columns, for spreadsheets. UTF-8 with a
//! byte-order mark (so that Excel reads it as UTF-8 and shows the Chinese), CRLF line ends and
//! RFC 4180 quoting. A project without indicators still gets one row.

use super::{amount, field, num, stream, value_parts};
use crate::model::vocab::Vocab;
use crate::model::*;
use std::io::{self, Write};

/// The column headers, in Chinese as on the forms.
pub fn headers(kind: FormKind) -> Vec<&'static str> {
    let mut h = vec!["项目名称"];
    h.extend(PROJECT_FIELDS);
    h.extend([
        match kind {
            FormKind::Target => TOTAL,
            FormKind::SelfEval => TOTAL_SELF_EVAL,
        },
        CURRENT_YEAR,
        CARRYOVER,
        OTHER,
        "一级指标",
        "二级指标",
        "三级指标",
        "比较符",
        "指标值",
        "单位",
        "指标值原文",
    ]);
    match kind {
        FormKind::SelfEval => h.extend([ACTUAL, WEIGHT, SCORE, DEVIATION]),
        // Last, so that the columns before it keep their places.
        FormKind::Target => h.push(PROJECT_TOTAL),
    }
    h
}

/// Quotes a field when it holds a comma, a quote or a line break (RFC 4180).
pub fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn line(out: &mut String, cells: &[String]) {
    let row: Vec<String> = cells.iter().map(|c| quote(c)).collect();
    out.push_str(&row.join(","));
    out.push_str("\r\n");
}

/// The whole file of `text`, BOM included, written one project at a time (see `stream`).
pub fn write_csv(text: &str, vocab: &Vocab, w: &mut impl Write) -> io::Result<()> {
    let kind = stream::header(text).form_kind();
    let mut out = String::from('\u{FEFF}');
    line(
        &mut out,
        &headers(kind)
            .iter()
            .map(|h| h.to_string())
            .collect::<Vec<_>>(),
    );
    let mut written = Ok(());
    stream::each_project(text, vocab, |p| {
        if written.is_ok() {
            rows(&mut out, p, kind);
            written = w.write_all(out.as_bytes());
            out.clear();
        }
    });
    written?;
    w.write_all(out.as_bytes())
}

/// A project's rows: one per indicator, or one if it has none.
fn rows(out: &mut String, p: &Project, kind: FormKind) {
    let budget = p.funding.as_ref().map(|f| f.budget());
    let money = |k: &str| {
        amount(budget.and_then(|b| b.get(k)))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let mut project = vec![p.name.clone()];
    project.extend(PROJECT_FIELDS.iter().map(|k| field(p, k)));
    project.extend([TOTAL, CURRENT_YEAR, CARRYOVER, OTHER].map(money));
    let project_total = amount(p.funding.as_ref().and_then(|f| f.project_total.as_ref()))
        .map(|d| d.to_string())
        .unwrap_or_default();
    let mut any = false;
    for (l1, l2, ind) in p.indicators() {
        any = true;
        let (op, value, unit) = value_parts(&ind.value);
        let mut row = project.clone();
        row.extend([
            l1.canonical.clone(),
            l2.map(|l| l.canonical.clone()).unwrap_or_default(),
            ind.name.clone(),
            op,
            value,
            unit,
            ind.value_text.clone(),
        ]);
        if kind == FormKind::SelfEval {
            row.extend([
                ind.actual().map(|a| a.value.clone()).unwrap_or_default(),
                num(ind.weight()),
                num(ind.score()),
                ind.deviation().map(|d| d.text()).unwrap_or_default(),
            ]);
        } else {
            row.push(project_total.clone());
        }
        line(out, &row);
    }
    if !any {
        let mut row = project;
        row.resize(headers(kind).len(), String::new());
        if kind == FormKind::Target {
            *row.last_mut().unwrap() = project_total;
        }
        line(out, &row);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote("提升"), "提升");
        assert_eq!(quote("安全检查覆盖率,应用率"), "\"安全检查覆盖率,应用率\"");
        assert_eq!(quote("“沪惠保\"平台"), "\"“沪惠保\"\"平台\"");
        assert_eq!(quote("甲\n乙"), "\"甲\n乙\"");
    }
}

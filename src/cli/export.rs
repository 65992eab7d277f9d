//! `jixiao export`: JSON (the documented interface), CSV (one row per indicator) and XLSX (one
//! sheet per project in the form's layout, plus 汇总).

use super::check::settings_for;
use super::files::{display, read, write_atomic};
use super::ExportTarget;
use crate::analysis::analyze;
use std::path::Path;

pub fn run(to: ExportTarget, file: &Path, output: Option<&Path>) -> u8 {
    if to == ExportTarget::Xlsx && output.is_none() {
        errln!("jixiao: 导出 XLSX 需要用 -o 指定输出文件");
        return 2;
    }
    let result = read(file).and_then(|t| settings_for(file, None).map(|s| (t, s)));
    let (text, settings) = match result {
        Ok(x) => x,
        Err(e) => {
            errln!("jixiao: {e}");
            return 2;
        }
    };
    let a = analyze(&text, &settings);
    let out: Vec<u8> = match to {
        ExportTarget::Json => {
            (serde_json::to_string_pretty(&crate::export::to_json(&a.doc, &settings)).unwrap()
                + "\n")
                .into_bytes()
        }
        ExportTarget::Csv => crate::export::csv::to_csv(&a.doc).into_bytes(),
        ExportTarget::Xlsx => {
            match crate::export::xlsx::to_xlsx(&a.doc, &problems(file, &text, &a)) {
                Ok(b) => b,
                Err(e) => {
                    errln!("jixiao: {}: {e}", display(file));
                    return 2;
                }
            }
        }
    };
    match output {
        Some(o) => {
            let r = match std::str::from_utf8(&out) {
                Ok(s) if to != ExportTarget::Xlsx => write_atomic(o, s),
                _ => write_atomic(o, &out),
            };
            match r {
                Ok(()) => 0,
                Err(e) => {
                    errln!("jixiao: {e}");
                    2
                }
            }
        }
        None => {
            super::output::write_bytes(&out);
            0
        }
    }
}

/// The diagnostics for the XLSX 问题 sheet, with 1-based lines and character columns.
fn problems(
    file: &Path,
    text: &str,
    a: &crate::analysis::Analysis,
) -> Vec<crate::export::xlsx::Problem> {
    use crate::position::{Encoding, LineIndex};
    let index = LineIndex::new(text);
    a.diagnostics
        .iter()
        .map(|d| {
            let (l, c) = index.position(text, d.span.start as usize, Encoding::Chars);
            crate::export::xlsx::Problem {
                file: display(file),
                line: l + 1,
                column: c + 1,
                severity: d.severity,
                rule: d.rule.to_string(),
                message: d.message.clone(),
                project: d.project.clone(),
            }
        })
        .collect()
}

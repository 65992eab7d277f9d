//! `jixiao export`: JSON (the documented interface), CSV (one row per indicator) and XLSX (one
//! sheet per project in the form's layout, plus 汇总).

use super::check::settings_for;
use super::files::{display, read, write_atomic, write_atomic_with};
use super::ExportTarget;
use crate::analysis::analyze;
use std::io::Write;
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
    // JSON and CSV are written one project at a time, never holding the whole model.
    let write = |w: &mut dyn Write| match to {
        ExportTarget::Json => crate::export::write_json(&text, &settings, &mut &mut *w),
        _ => crate::export::csv::write_csv(&text, &settings.vocab, &mut &mut *w),
    };
    if to != ExportTarget::Xlsx {
        return match output {
            Some(o) => match write_atomic_with(o, write) {
                Ok(()) => 0,
                Err(e) => {
                    errln!("jixiao: {e}");
                    2
                }
            },
            None => {
                super::output::write_with(write);
                0
            }
        };
    }
    let a = analyze(&text, &settings);
    let out = match crate::export::xlsx::to_xlsx(&a.doc, &problems(file, &text, &a)) {
        Ok(b) => b,
        Err(e) => {
            errln!("jixiao: {}: {e}", display(file));
            return 2;
        }
    };
    match output.map(|o| write_atomic(o, &out)) {
        Some(Err(e)) => {
            errln!("jixiao: {e}");
            2
        }
        _ => 0,
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

//! `jixiao summary`: the 汇总表 over files and directories — per unit (header 单位, else the
//! file), form and year, and overall: projects and Σ 年度资金申请总额 by funding source and by
//! 项目类别. Totals are per form and year. Exit codes: 0 every file counted; 1 some file could
//! not be read (named on stderr, skipped, the rest summed); 2 usage, folder or configuration error.

use super::check::settings_for;
use super::files::{display, expand, read};
use super::SummaryFormat;
use crate::analysis::analyze;
use crate::summary::{summarize_files, table, to_csv, to_json};
use std::path::PathBuf;

pub fn run(paths: &[PathBuf], format: SummaryFormat) -> u8 {
    let files = match expand(paths) {
        Ok(f) => f,
        Err(e) => {
            errln!("jixiao: {e}");
            return 2;
        }
    };
    if files.is_empty() {
        errln!("jixiao: 没有找到 *.jixiao 文件");
        return 2;
    }
    let mut docs = Vec::new();
    let mut skipped = 0;
    for path in &files {
        // A configuration error concerns every file below it: no total would be right.
        let settings = match settings_for(path, None) {
            Ok(s) => s,
            Err(e) => {
                errln!("jixiao: {e}");
                return 2;
            }
        };
        // One unreadable file (GBK, say) must not hide the others' totals: named and skipped.
        match read(path) {
            Ok(text) => docs.push((display(path), analyze(&text, &settings).doc)),
            Err(e) => {
                errln!("jixiao: {e}；已跳过，不计入汇总");
                skipped += 1;
            }
        }
    }
    let (units, totals) = summarize_files(docs.iter().map(|(f, d)| (f.as_str(), d)));
    match format {
        SummaryFormat::Table => out!("{}", table(&units, &totals)),
        SummaryFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&to_json(&units, &totals)).unwrap()
        ),
        SummaryFormat::Csv => out!("{}", to_csv(&units, &totals)),
    }
    if skipped > 0 {
        errln!("jixiao: {skipped} 个文件无法读取，未计入汇总");
        1
    } else {
        0
    }
}

//! `jixiao summary`: the 汇总表 over files and directories — per unit (header 单位, else the
//! file), form and year, and overall: projects and Σ 年度资金申请总额 by funding source and by
//! 项目类别.

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
    for path in &files {
        let result = read(path).and_then(|t| settings_for(path, None).map(|s| (t, s)));
        match result {
            Ok((text, settings)) => docs.push((display(path), analyze(&text, &settings).doc)),
            Err(e) => {
                errln!("jixiao: {e}");
                return 2;
            }
        }
    }
    let (units, overall) = summarize_files(docs.iter().map(|(f, d)| (f.as_str(), d)));
    match format {
        SummaryFormat::Table => out!("{}", table(&units, &overall)),
        SummaryFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&to_json(&units, &overall)).unwrap()
        ),
        SummaryFormat::Csv => out!("{}", to_csv(&units, &overall)),
    }
    0
}

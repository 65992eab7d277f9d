//! `jixiao check`: the same diagnostics as the server, printed for people or as JSON.

use super::files::{display, expand, read};
use super::OutputFormat;
use crate::analysis::analyze;
use crate::check::declaration::{self, Declarations};
use crate::check::{Diagnostic, Settings, Severity};
use crate::model::FormKind;
use crate::position::{Encoding, LineIndex};
use serde_json::json;
use std::path::{Path, PathBuf};

pub fn settings_for(path: &Path, profile: Option<&str>) -> Result<Settings, String> {
    let mut s = if path.as_os_str() == "-" {
        Settings::for_file(Path::new("./-")).map_err(|e| e.0)?
    } else {
        Settings::for_file(path).map_err(|e| e.0)?
    };
    if let Some(p) = profile {
        if s.vocab.profile(p).is_none() {
            let ids: Vec<&str> = s.vocab.profiles.iter().map(|p| p.id.as_str()).collect();
            return Err(format!("指标体系「{p}」不存在，可选：{}", ids.join("、")));
        }
        s.profile = Some(p.to_string());
    }
    Ok(s)
}

/// One diagnostic as the JSON record of `check --format json` (1-based lines and character
/// columns).
pub fn record(file: &str, text: &str, index: &LineIndex, d: &Diagnostic) -> serde_json::Value {
    let (l, c) = index.position(text, d.span.start as usize, Encoding::Chars);
    let (el, ec) = index.position(text, d.span.end as usize, Encoding::Chars);
    json!({
        "file": file,
        "line": l + 1,
        "column": c + 1,
        "end_line": el + 1,
        "end_column": ec + 1,
        "rule": d.rule,
        "severity": d.severity.name(),
        "message": d.message,
        "project": d.project,
    })
}

/// The projects each file among `files` is held against: the 申报表 whose 年度 is that of a
/// 自评表 among them (`check::declaration`), and the forms of the year before a 申报表 among
/// them (`check::history`), found among `files` and the `context` files (`roots`). Only
/// headers are read unless there is such a pair. Unreadable files are skipped here (the check
/// reports the checked ones).
pub fn declarations(files: &[PathBuf], context: &[PathBuf], profile: Option<&str>) -> Declarations {
    let mut forms = Vec::new();
    let mut self_eval_years = Vec::new();
    let mut target_years = Vec::new();
    if files.len() + context.len() < 2 {
        return Declarations::default();
    }
    let checked = files.iter().map(|p| (p, true));
    let all = checked.chain(context.iter().map(|p| (p, false)));
    for (path, is_checked) in all.filter(|(p, _)| p.as_os_str() != "-") {
        let Ok(text) = read(path) else { continue };
        let h = declaration::sniff_header(&text);
        let (kind, year) = (h.form_kind(), h.year());
        forms.push((path, kind, year));
        // Only a checked form asks for partners: the context is never checked itself.
        match kind {
            FormKind::Target if is_checked => target_years.extend(year),
            FormKind::SelfEval if is_checked => self_eval_years.extend(year),
            _ => {}
        }
    }
    let mut items = Vec::new();
    for (path, kind, year) in forms {
        let Some(year) = year else { continue };
        let next_year = target_years.contains(&(year + 1));
        let wanted = match kind {
            FormKind::Target => self_eval_years.contains(&year) || next_year,
            FormKind::SelfEval => next_year,
        };
        if !wanted {
            continue;
        }
        let (Ok(text), Ok(settings)) = (read(path), settings_for(path, profile)) else {
            continue;
        };
        let source: std::sync::Arc<Path> = Path::new(&display(path)).into();
        items.extend(declaration::summarize_text(&text, &source, &settings));
    }
    Declarations::new(items)
}

pub fn run(paths: &[PathBuf], format: OutputFormat, profile: Option<&str>) -> u8 {
    let files = match expand(paths) {
        Ok(f) => f,
        Err(e) => {
            errln!("jixiao: {e}");
            return 2;
        }
    };
    let context = super::context::root_files(&files);
    let decls = declarations(&files, &context, profile);
    let mut counts = [0usize; 3];
    let mut checked = 0usize;
    let mut failed = false;
    let mut records = Vec::new();
    for (i, path) in files.iter().enumerate() {
        let name = display(path);
        let result = read(path).and_then(|text| settings_for(path, profile).map(|s| (text, s)));
        let (text, settings) = match result {
            Ok(x) => x,
            Err(e) => {
                errln!("jixiao: {e}");
                failed = true;
                continue;
            }
        };
        checked += 1;
        let mut a = analyze(&text, &settings);
        if decls.concerns(&a.doc) {
            let starts = a.project_starts();
            a.diagnostics.extend(declaration::check_linked(
                &a.doc, &starts, &decls, &settings,
            ));
            a.diagnostics
                .sort_by_key(|d| (d.span.start, d.span.end, d.rule));
        }
        let index = LineIndex::new(&text);
        for d in &a.diagnostics {
            counts[d.severity as usize] += 1;
            match format {
                OutputFormat::Json => records.push(record(&name, &text, &index, d)),
                OutputFormat::Human => {
                    let (l, c) = index.position(&text, d.span.start as usize, Encoding::Chars);
                    let project = d
                        .project
                        .as_ref()
                        .map(|p| format!("（项目：{p}）"))
                        .unwrap_or_default();
                    outln!(
                        "{name}:{}:{}: {}[{}] {}{project}",
                        l + 1,
                        c + 1,
                        d.severity.chinese(),
                        d.rule,
                        d.message
                    );
                }
            }
        }
        if i + 1 == files.len() {
            // The process ends right after: returning the last file's text, tree and model to
            // the allocator piece by piece would take ~10% of the run for nothing.
            std::mem::forget((text, a, index));
        }
    }
    match format {
        OutputFormat::Json => outln!("{}", serde_json::to_string_pretty(&records).unwrap()),
        OutputFormat::Human => errln!(
            "检查了 {} 个文件：{} 个错误，{} 个警告，{} 个提示",
            checked,
            counts[Severity::Error as usize],
            counts[Severity::Warning as usize],
            counts[Severity::Info as usize]
        ),
    }
    if failed {
        2
    } else if counts[Severity::Error as usize] > 0 {
        1
    } else {
        0
    }
}

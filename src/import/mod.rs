//! `jixiao import`: the text that PDF extraction gives for the forms, read back into jixiao.
//!
//! The pipeline: [`detect`] (which form, which layout, where each form starts) → [`cells`]
//! (lines, cells, tokens, the category vocabulary, page noise) → the readers — [`target`] for
//! the 申报表 (its table in [`table`]), [`selfeval`] for the 自评表 — which fill the plain
//! [`form`] structures → jixiao text → the formatter. Nothing is dropped silently: a line the
//! readers cannot place becomes a finding and a `# 无法归位…` comment where it stood.

pub mod cells;
pub mod detect;
pub mod fields;
pub mod form;
pub mod selfeval;
pub mod table;
pub mod target;
pub mod tree;

use crate::analysis::{analyze, format_text};
use crate::check::Settings;
use crate::model::FormKind;
use cells::Categories;
use detect::{detect, split_forms};
pub use form::{Finding, FindingKind};

/// The result of an import.
#[derive(Debug, Clone)]
pub struct Imported {
    /// Canonical jixiao text.
    pub text: String,
    pub kind: FormKind,
    pub projects: usize,
    pub indicators: usize,
    /// Sorted by line.
    pub findings: Vec<Finding>,
}

impl Imported {
    pub fn unplaced(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.kind == FindingKind::Unplaced)
            .count()
    }

    /// The closing line: 导入 16 个项目、294 个指标；3 行无法归位（已作为注释保留）.
    pub fn summary(&self) -> String {
        let n = self.unplaced();
        let tail = if n == 0 {
            "全部归位".to_string()
        } else {
            format!("{n} 行无法归位（已作为注释保留）")
        };
        format!(
            "导入 {} 个项目、{} 个指标；{tail}",
            self.projects, self.indicators
        )
    }

    /// Each finding as `FILE:LINE: 无法归位：…` / `FILE:LINE: 提示：…`.
    pub fn report(&self, file: &str) -> Vec<String> {
        self.findings
            .iter()
            .map(|f| {
                let what = match f.kind {
                    FindingKind::Unplaced => "无法归位",
                    FindingKind::Note => "提示",
                };
                format!("{file}:{}: {what}：{}", f.line, f.message)
            })
            .collect()
    }
}

/// The unit a title names: "上海市松江区医疗保险事务中心2024年度项目绩效目标汇总表" → the centre.
fn unit_of_title(title: &str) -> Option<String> {
    let t = cells::trim(title);
    let cut = t
        .char_indices()
        .find(|(_, c)| c.is_ascii_digit())
        .map(|(i, _)| i)?;
    let unit = cells::trim(&t[..cut]);
    (!unit.is_empty()).then(|| unit.to_string())
}

/// Reads an extraction. `source` names the input in the file's header comment. Errors (no form
/// found) are in Chinese and mean nothing should be written.
pub fn import(text: &str, settings: &Settings, source: &str) -> Result<Imported, String> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let lines = cells::lines(text);
    let Some(d) = detect(&lines) else {
        return Err(
            "没有找到绩效目标申报表或绩效自评表：文中没有「项目名称」一栏（支持的版式见 docs/IMPORT.md）"
                .into(),
        );
    };
    let (pre, forms) = split_forms(&lines);
    let mut findings: Vec<Finding> = Vec::new();

    let year = lines.iter().find_map(|l| cells::year_line(l.text));
    let mut doc = form::Document {
        kind: d.kind,
        year,
        unit: None,
        comments: Vec::new(),
        projects: Vec::new(),
    };
    let mut pre_comments = Vec::new();
    for l in &pre {
        let t = cells::trim(l.text);
        if t.is_empty() || cells::year_line(t).is_some() || cells::is_page_number(t) {
            continue;
        }
        if cells::is_title(t) {
            let sq = cells::squeeze(t);
            if sq.ends_with("汇总表") {
                doc.unit = unit_of_title(t);
                doc.comments.push(cells::squeeze_cjk(t));
            }
            continue;
        }
        findings.push(Finding {
            line: l.no,
            kind: FindingKind::Unplaced,
            message: format!("「{}」（第一张表之前无法识别的文字）", form::shown(t)),
        });
        pre_comments.push(format!(
            "无法归位（原文第 {} 行）：{}",
            l.no,
            l.text.trim_end()
        ));
    }
    doc.comments.push(format!(
        "由 jixiao import 从 {source} 导入；无法归位的原文以「无法归位」注释保留"
    ));
    doc.comments.append(&mut pre_comments);

    // The profile decides which names are 一级 and which 二级 (成本指标 before 2022).
    let year_guess = year.or_else(|| {
        forms.iter().find_map(|f| {
            f.iter().find_map(|l| {
                let s = l.text;
                let i = s.find("20")?;
                s.get(i..i + 4)?.parse::<i32>().ok()
            })
        })
    });
    let profile = settings
        .profile
        .as_deref()
        .and_then(|id| settings.vocab.profile(id))
        .unwrap_or_else(|| settings.vocab.profile_for_year(year_guess));
    let cats = Categories::new(&settings.vocab, profile);

    for f in &forms {
        let p = match d.kind {
            FormKind::Target => target::read(f, d.layout, &cats, &mut findings),
            FormKind::SelfEval => selfeval::read(f, &cats, &mut findings),
        };
        doc.projects.push(p);
    }
    if doc.year.is_none() {
        doc.year = year_guess;
    }
    if doc.unit.is_none() {
        let units: Vec<&String> = doc
            .projects
            .iter()
            .filter_map(|p| {
                p.fields
                    .iter()
                    .find(|f| f.0 == crate::model::IMPLEMENTER)
                    .map(|f| &f.1)
            })
            .collect();
        if let Some(first) = units.first() {
            if units.iter().all(|u| u == first) {
                doc.unit = Some(first.to_string());
            }
        }
    }

    let raw = form::write(&doc);
    let out = format_text(&raw, settings);
    let a = analyze(&out, settings);
    let indicators = a.doc.projects.iter().map(|p| p.indicators().count()).sum();
    findings.sort_by_key(|f| f.line);
    Ok(Imported {
        text: out,
        kind: d.kind,
        projects: a.doc.projects.len(),
        indicators,
        findings,
    })
}

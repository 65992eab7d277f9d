//! Which form and which layout an extraction is, and where each form in it starts.

use super::cells::{self, Line};
use crate::model::FormKind;

/// How the extraction laid out the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Each table row on one line, cells separated by tabs (seeds 001, 002).
    Tab,
    /// Each printed line on its own line, cells separated by spaces, cells that wrapped broken
    /// over several lines (seeds 000, 003).
    Lines,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detected {
    pub kind: FormKind,
    pub layout: Layout,
}

/// A form starts at its 项目名称 row (the title and year lines above it are page furniture).
pub fn is_form_start(l: &Line) -> bool {
    cells::squeeze(l.text).starts_with("项目名称")
}

pub fn detect(lines: &[Line]) -> Option<Detected> {
    let starts: Vec<&Line> = lines.iter().filter(|l| is_form_start(l)).collect();
    if starts.is_empty() {
        return None;
    }
    let self_eval = lines.iter().any(|l| {
        let s = cells::squeeze(l.text);
        s.ends_with("绩效自评表") || s.starts_with("年初预算数") || s.contains("全年执行数")
    });
    let tabs = starts.iter().filter(|l| l.text.contains('\t')).count();
    Some(Detected {
        kind: if self_eval {
            FormKind::SelfEval
        } else {
            FormKind::Target
        },
        layout: if tabs * 2 > starts.len() {
            Layout::Tab
        } else {
            Layout::Lines
        },
    })
}

/// The lines before the first form, and each form's lines.
pub fn split_forms<'a>(lines: &[Line<'a>]) -> (Vec<Line<'a>>, Vec<Vec<Line<'a>>>) {
    let mut pre = Vec::new();
    let mut forms: Vec<Vec<Line>> = Vec::new();
    for l in lines {
        if is_form_start(l) {
            forms.push(vec![*l]);
        } else if let Some(f) = forms.last_mut() {
            f.push(*l);
        } else {
            pre.push(*l);
        }
    }
    (pre, forms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts() {
        let tab = cells::lines("标题\n项目名称\t甲\t项目性质\t乙\n\n项目名称\t丙\n");
        assert_eq!(
            detect(&tab),
            Some(Detected {
                kind: FormKind::Target,
                layout: Layout::Tab
            })
        );
        let lines = cells::lines("财政项目支出绩效自评表\n项目名称 设备购置\n");
        assert_eq!(detect(&lines).unwrap().kind, FormKind::SelfEval);
        assert_eq!(detect(&lines).unwrap().layout, Layout::Lines);
        assert_eq!(detect(&cells::lines("随便什么\n")), None);
        let (pre, forms) = split_forms(&tab);
        assert_eq!(pre.len(), 1);
        assert_eq!(forms.len(), 2);
        assert_eq!(forms[1][0].no, 4);
    }
}

//! Label → value fields (项目名称, 主管部门, 计划开始日期, the money rows…) read from a block of
//! the extraction joined into one stream. Joining first is what makes the reader indifferent to
//! where the extraction broke the lines: "计划完成日\n\n期\n2025-12-31", "上海市松江区医疗保障\n\n局",
//! "24,670,000.0\n\n0" all read as written on the form.

use super::cells::{self, Line};

/// The block's characters, each with the line it came from. Whitespace between two CJK
/// characters is dropped (it is where a cell wrapped); other whitespace is one space.
pub struct Stream {
    chars: Vec<char>,
    lines: Vec<usize>,
}

impl Stream {
    /// `rows`: tab-separated rows (joined with a separator) or printed lines (joined as one text:
    /// a line break inside the block is where a cell wrapped).
    pub fn new(block: &[Line], rows: bool) -> Stream {
        let mut raw: Vec<(char, usize)> = Vec::new();
        for l in block {
            for c in l.text.chars() {
                raw.push((c, l.no));
            }
            if rows {
                raw.push(('\t', l.no));
            }
        }
        let mut chars = Vec::new();
        let mut lines = Vec::new();
        let mut i = 0;
        while i < raw.len() {
            let (c, no) = raw[i];
            if cells::is_space(c) {
                let start = i;
                while i < raw.len() && cells::is_space(raw[i].0) {
                    i += 1;
                }
                let before = if start > 0 {
                    Some(raw[start - 1].0)
                } else {
                    None
                };
                let after = raw.get(i).map(|r| r.0);
                let cjk = |c: Option<char>| c.is_some_and(cells::is_wide);
                if !(cjk(before) && cjk(after)) && before.is_some() && after.is_some() {
                    chars.push(' ');
                    lines.push(no);
                }
                continue;
            }
            chars.push(c);
            lines.push(no);
            i += 1;
        }
        Stream { chars, lines }
    }

    pub fn len(&self) -> usize {
        self.chars.len()
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    pub fn line_at(&self, pos: usize) -> usize {
        self.lines
            .get(pos)
            .or(self.lines.last())
            .copied()
            .unwrap_or(0)
    }

    pub fn slice(&self, a: usize, b: usize) -> String {
        self.chars[a.min(self.len())..b.min(self.len())]
            .iter()
            .collect()
    }

    /// Every position where `label` starts, at or after `from`.
    pub fn find_all(&self, label: &str, from: usize) -> Vec<usize> {
        let l: Vec<char> = label.chars().collect();
        (from..self.len().saturating_sub(l.len() - 1))
            .filter(|&i| self.chars[i..i + l.len()] == l[..])
            .collect()
    }

    pub fn find(&self, label: &str, from: usize) -> Option<usize> {
        self.find_all(label, from).into_iter().next()
    }

    fn skip_separators(&self, mut i: usize) -> usize {
        while i < self.len() && matches!(self.chars[i], ' ' | ':' | '：') {
            i += 1;
        }
        i
    }

    /// An amount right after `pos` (separators skipped): digits with thousands commas and at
    /// most two decimals, or a blank cell (—). Returns the text and its range.
    pub fn amount_at(&self, pos: usize) -> Option<(String, usize, usize)> {
        let start = self.skip_separators(pos);
        let mut i = start;
        if i < self.len() && matches!(self.chars[i], '—' | '－') {
            return Some((self.chars[i].to_string(), start, i + 1));
        }
        if i < self.len() && self.chars[i] == '-' {
            i += 1;
        }
        let digits = i;
        while i < self.len() && (self.chars[i].is_ascii_digit() || self.chars[i] == ',') {
            i += 1;
        }
        if i == digits || !self.chars[digits].is_ascii_digit() {
            return None;
        }
        if i + 1 < self.len() && self.chars[i] == '.' && self.chars[i + 1].is_ascii_digit() {
            i += 1;
            let frac = i;
            while i < self.len() && self.chars[i].is_ascii_digit() && i - frac < 2 {
                i += 1;
            }
        }
        let text = self.slice(start, i).trim_end_matches(',').to_string();
        Some((text, start, i))
    }
}

/// A field found in a block: its value and the line of its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub label: &'static str,
    pub value: String,
    pub line: usize,
}

/// Text fields: each label's value is what stands between it and the next label found.
/// Returns the fields in the form's order, and the text before the first label, if any.
pub fn text_fields(s: &Stream, labels: &[&'static str]) -> (Vec<Found>, Option<(String, usize)>) {
    let mut at: Vec<(usize, &'static str)> = labels
        .iter()
        .filter_map(|l| s.find(l, 0).map(|p| (p, *l)))
        .collect();
    at.sort();
    let mut out = Vec::new();
    for (k, &(p, label)) in at.iter().enumerate() {
        let end = at.get(k + 1).map(|n| n.0).unwrap_or(s.len());
        let v = s.slice(p + label.chars().count(), end);
        let v = v.trim_matches(|c: char| c == ' ' || c == ':' || c == '：');
        out.push(Found {
            label,
            value: v.to_string(),
            line: s.line_at(p),
        });
    }
    let before = at.first().map(|f| f.0).unwrap_or(s.len());
    let lead = s.slice(0, before);
    let lead = lead.trim();
    let leftover = (!lead.is_empty()).then(|| (lead.to_string(), s.line_at(0)));
    out.sort_by_key(|f| labels.iter().position(|l| *l == f.label));
    (out, leftover)
}

/// Money rows: for each label, the first occurrence followed by an amount (the forms print
/// some labels twice: "其他资金 其他资金 0.00"). Returns the amounts found and the text left
/// over once the amounts and the known labels are taken out, by line.
pub fn money_fields(
    s: &Stream,
    labels: &[&'static str],
    known: &[&str],
) -> (Vec<Found>, Vec<(usize, String)>) {
    let mut used = vec![false; s.len()];
    let mut out = Vec::new();
    for &label in labels {
        for p in s.find_all(label, 0) {
            let end = p + label.chars().count();
            if used[p..end].iter().any(|&u| u) {
                continue;
            }
            if let Some((text, a, b)) = s.amount_at(end) {
                if used[a..b].iter().any(|&u| u) {
                    continue;
                }
                used[p..b].iter_mut().for_each(|u| *u = true);
                out.push(Found {
                    label,
                    value: text,
                    line: s.line_at(p),
                });
                break;
            }
        }
    }
    let mut known: Vec<&str> = known
        .iter()
        .copied()
        .chain(labels.iter().copied())
        .collect();
    known.sort_by_key(|k| std::cmp::Reverse(k.chars().count()));
    for k in known {
        for p in s.find_all(k, 0) {
            let end = p + k.chars().count();
            if !used[p..end].iter().any(|&u| u) {
                used[p..end].iter_mut().for_each(|u| *u = true);
            }
        }
    }
    let mut left: Vec<(usize, String)> = Vec::new();
    for (i, &u) in used.iter().enumerate() {
        let c = s.chars[i];
        if u || matches!(c, ' ' | ':' | '：' | '(' | ')' | '（' | '）') {
            continue;
        }
        let no = s.line_at(i);
        match left.last_mut() {
            Some((n, t)) if *n == no => t.push(c),
            _ => left.push((no, c.to_string())),
        }
    }
    (out, left)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_across_line_breaks() {
        let text = "项目名称 库房 项目性质\n其他一次性项\n\n目\n项目类\n\n别\n其他运转类\n\n主管部门\n上海市松江区医疗保\n\n障局\n实施单位 上海市松江区医疗保险事务中心\n\n计划开始日\n期\n\n2025-01-01\n计划完成日\n\n期\n2025-12-31";
        let ls = cells::lines(text);
        let s = Stream::new(&ls, false);
        let labels = [
            "项目名称",
            "项目性质",
            "项目类别",
            "主管部门",
            "实施单位",
            "计划开始日期",
            "计划完成日期",
        ];
        let (f, lead) = text_fields(&s, &labels);
        let v: Vec<&str> = f.iter().map(|f| f.value.as_str()).collect();
        assert_eq!(
            v,
            [
                "库房",
                "其他一次性项目",
                "其他运转类",
                "上海市松江区医疗保障局",
                "上海市松江区医疗保险事务中心",
                "2025-01-01",
                "2025-12-31"
            ]
        );
        assert_eq!(f[2].line, 5);
        assert!(lead.is_none());
    }

    #[test]
    fn money_across_line_breaks() {
        let text = "项目资金\n（元）\n\n项目资金总额 年度资金申请总额\n24,670,000.0\n\n0\n\n其中：财政资金\n\n其中：当年财政拨款\n24,670,000.0\n\n0\n\n上年结转资金 0.00\n\n其他资金 其他资金 0.00\n\n项目\n绩效\n目标";
        let ls = cells::lines(text);
        let s = Stream::new(&ls, false);
        let labels = [
            "年度资金申请总额",
            "当年财政拨款",
            "上年结转资金",
            "其他资金",
        ];
        let (f, left) = money_fields(
            &s,
            &labels,
            &[
                "项目资金",
                "元",
                "项目资金总额",
                "其中",
                "财政资金",
                "项目",
                "绩效",
                "目标",
            ],
        );
        let v: Vec<&str> = f.iter().map(|f| f.value.as_str()).collect();
        assert_eq!(v, ["24,670,000.00", "24,670,000.00", "0.00", "0.00"]);
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn tab_rows() {
        let text = "项目资金 (元)\t项目资金总额:\t\t年度资金申请总额:\t\t500,000.00\t\n\t其中: 财政资金\t\t其中: 当年财政拨款\t\t500,000.00\t\n\t\t\t上年结转资金\t\t0.00\t\n\t其他资金\t\t其他资金\t\t0.00\t\n\t备注\t另有说明";
        let ls = cells::lines(text);
        let s = Stream::new(&ls, true);
        let (f, left) = money_fields(
            &s,
            &[
                "年度资金申请总额",
                "当年财政拨款",
                "上年结转资金",
                "其他资金",
            ],
            &["项目资金", "元", "项目资金总额", "其中", "财政资金"],
        );
        assert_eq!(
            f.iter().map(|f| f.value.as_str()).collect::<Vec<_>>(),
            ["500,000.00", "500,000.00", "0.00", "0.00"]
        );
        assert_eq!(left, [(5, "备注另有说明".to_string())]);
    }
}

//! Syntax tree → model. A line's role comes from its name (the closed vocabulary of fields and
//! categories); indentation decides only what the name cannot (an unknown category's level, and
//! 成本指标, which is a 一级 from 2022 and a 二级 of 产出指标 before).

use super::value::{parse_indicator_value, parse_money, parse_num};
use super::vocab::Vocab;
use super::*;
use crate::syntax::{LineKind, Segment, SyntaxTree};

pub fn build(tree: &SyntaxTree, text: &str, vocab: &Vocab) -> Document {
    let starts = tree.segment_starts();
    let seg_text = |i: usize| &text[starts[i]..starts[i + 1]];
    Document {
        header: Arc::new(build_header(&tree.segments[0], seg_text(0))),
        projects: (1..tree.segments.len())
            .map(|i| Arc::new(build_project(&tree.segments[i], seg_text(i), vocab)))
            .collect(),
    }
}

fn role(role: Role, depth: u8) -> LineRole {
    LineRole {
        role,
        depth,
        key: None,
    }
}

fn passive_role(kind: &LineKind) -> Option<LineRole> {
    match kind {
        LineKind::Blank => Some(role(Role::Blank, 0)),
        LineKind::Comment { .. } => Some(role(Role::Comment, 0)),
        LineKind::Error { .. } => Some(role(Role::Error, 0)),
        _ => None,
    }
}

fn syntax_issue(kind: &LineKind, span: Span) -> Option<Issue> {
    match kind {
        LineKind::Error { kind } => Some(Issue {
            rule: "syntax",
            span,
            message: kind.message().to_string(),
        }),
        _ => None,
    }
}

pub fn build_header(seg: &Segment, text: &str) -> Header {
    let mut h = Header::default();
    for line in &seg.lines {
        if let Some(r) = passive_role(&line.kind) {
            h.issues.extend(syntax_issue(&line.kind, line.span()));
            h.roles.push(r);
            continue;
        }
        let lt = line.text(text);
        match &line.kind {
            LineKind::Entry { key, value, .. } => {
                let k = &lt[key.range()];
                let v = &lt[value.range()];
                let key_span = line.abs(*key);
                let value_span = line.abs(*value);
                let Some(k) = static_key(k, HEADER_FIELDS) else {
                    h.issues.push(Issue {
                        rule: "unknown-field",
                        span: key_span,
                        message: format!("文件头中未知的字段「{k}」；文件头可写：表、年度、单位、指标体系（项目要以「项目: 名称」开始）"),
                    });
                    h.roles.push(role(Role::Unknown, 0));
                    continue;
                };
                h.roles.push(role(Role::HeaderField, 0));
                let field = Field {
                    key: k,
                    key_span,
                    value: v.to_string(),
                    value_span,
                };
                if h.fields.iter().any(|f| f.key == k) {
                    h.issues.push(dup(k, key_span));
                }
                match k {
                    HEADER_KIND => match FormKind::parse(v) {
                        Some(kind) => h.kind = h.kind.or(Some((kind, value_span))),
                        None => h.issues.push(Issue {
                            rule: "bad-value",
                            span: if v.is_empty() { key_span } else { value_span },
                            message: format!(
                                "「表」应为「绩效目标申报表」或「绩效自评表」，而不是「{v}」"
                            ),
                        }),
                    },
                    HEADER_YEAR => match v
                        .trim_end_matches("年度")
                        .trim_end_matches('年')
                        .parse::<i32>()
                    {
                        Ok(y) if (1990..=2100).contains(&y) => {
                            h.year = h.year.or(Some((y, value_span)))
                        }
                        _ => h.issues.push(Issue {
                            rule: "bad-value",
                            span: if v.is_empty() { key_span } else { value_span },
                            message: format!("「年度」应为四位年份，如 2025，而不是「{v}」"),
                        }),
                    },
                    HEADER_UNIT => h.unit = Some(field.clone()),
                    _ => h.profile = Some(field.clone()),
                }
                h.fields.push(field);
            }
            LineKind::Text { .. } => {
                h.issues.push(orphan_text(line.span()));
                h.roles.push(role(Role::OrphanText, 0));
            }
            _ => unreachable!(),
        }
    }
    h
}

fn dup(k: &str, span: Span) -> Issue {
    Issue {
        rule: "duplicate-field",
        span,
        message: format!("字段「{k}」重复：只有第一处有效"),
    }
}

fn orphan_text(span: Span) -> Issue {
    Issue {
        rule: "syntax",
        span,
        message: "文本行（>）应跟在文本字段之后，如「年度总体目标:」「偏差原因分析及改进措施:」"
            .to_string(),
    }
}

/// Where the next `>` line goes.
#[derive(Clone, Copy, PartialEq)]
enum TextTarget {
    Project(usize),
    Deviation,
}

#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    Top,
    Funding,
    Column(usize),
    Total,
    Tree,
}

struct Builder<'a> {
    vocab: &'a Vocab,
    p: Project,
    ctx: Ctx,
    text: Option<(TextTarget, u8)>,
    /// Indentation (columns) of the current 一级 line.
    l1_indent: u32,
    cur_l2: Option<usize>,
    /// The current indicator: (一级, 二级 or None, index).
    cur_ind: Option<(usize, Option<usize>, usize)>,
    ind_depth: u8,
}

pub fn build_project(seg: &Segment, text: &str, vocab: &Vocab) -> Project {
    let mut b = Builder {
        vocab,
        p: Project {
            name: String::new(),
            name_span: Span::default(),
            key_span: Span::default(),
            fields: Vec::new(),
            funding: None,
            texts: Vec::new(),
            level1: Vec::new(),
            total: None,
            roles: Vec::with_capacity(seg.lines.len()),
            issues: Vec::new(),
        },
        ctx: Ctx::Top,
        text: None,
        l1_indent: 0,
        cur_l2: None,
        cur_ind: None,
        ind_depth: 3,
    };
    for (i, line) in seg.lines.iter().enumerate() {
        if let Some(r) = passive_role(&line.kind) {
            b.p.issues.extend(syntax_issue(&line.kind, line.span()));
            b.p.roles.push(r);
            continue;
        }
        let lt = line.text(text);
        let r = match &line.kind {
            LineKind::Text { body, .. } => {
                b.text_line(lt[body.range()].to_string(), line.abs(*body), line.span())
            }
            LineKind::Entry { key, value, .. } => {
                let k = &lt[key.range()];
                let v = &lt[value.range()];
                if i == 0 {
                    b.p.name = v.to_string();
                    b.p.name_span = line.abs(*value);
                    b.p.key_span = line.abs(*key);
                    if v.is_empty() {
                        b.p.issues.push(Issue {
                            rule: "missing-value",
                            span: b.p.key_span,
                            message: "项目缺少名称：应为「项目: 名称」".into(),
                        });
                    }
                    role(Role::Project, 0)
                } else {
                    b.entry(k, v, line.abs(*key), line.abs(*value), line.indent_cols)
                }
            }
            _ => unreachable!(),
        };
        b.p.roles.push(r);
    }
    b.p.shrink();
    b.p
}

impl Builder<'_> {
    fn issue(&mut self, rule: &'static str, span: Span, message: String) {
        self.p.issues.push(Issue {
            rule,
            span,
            message,
        });
    }

    fn text_line(&mut self, body: String, body_span: Span, line_span: Span) -> LineRole {
        let Some((target, depth)) = self.text else {
            self.p.issues.push(orphan_text(line_span));
            return role(Role::OrphanText, 0);
        };
        let field = match target {
            TextTarget::Project(i) => Some(&mut self.p.texts[i]),
            TextTarget::Deviation => self
                .current_indicator()
                .and_then(|ind| ind.eval.as_mut()?.deviation.as_mut()),
        };
        if let Some(f) = field {
            f.lines.push((body, body_span));
        }
        role(Role::TextLine, depth)
    }

    fn current_indicator(&mut self) -> Option<&mut Indicator> {
        let (l1, l2, i) = self.cur_ind?;
        let l1 = &mut self.p.level1[l1];
        Some(match l2 {
            Some(l2) => &mut l1.level2[l2].indicators[i],
            None => &mut l1.indicators[i],
        })
    }

    fn entry(
        &mut self,
        k: &str,
        v: &str,
        key_span: Span,
        value_span: Span,
        indent: u32,
    ) -> LineRole {
        self.text = None;
        let field = |key: &'static str| Field {
            key,
            key_span,
            value: v.to_string(),
            value_span,
        };

        if let Some(key) = static_key(k, PROJECT_FIELDS) {
            self.ctx = Ctx::Top;
            if self.p.field(key).is_some() {
                self.p.issues.push(dup(key, key_span));
            } else {
                self.p.fields.push(field(key));
            }
            return role(
                if DATE_FIELDS.contains(&key) {
                    Role::Date
                } else {
                    Role::Field
                },
                1,
            );
        }
        if let Some(key) = static_key(k, TEXT_FIELDS) {
            self.ctx = Ctx::Top;
            let idx = match self.p.texts.iter().position(|t| t.key == key) {
                Some(i) => {
                    self.p.issues.push(dup(key, key_span));
                    i
                }
                None => {
                    self.p.texts.push(TextField {
                        key,
                        key_span,
                        lines: Vec::new(),
                    });
                    self.p.texts.len() - 1
                }
            };
            if !v.is_empty() {
                self.p.texts[idx].lines.push((v.to_string(), value_span));
            }
            self.text = Some((TextTarget::Project(idx), 2));
            return role(Role::TextField, 1);
        }
        if k == FUNDING {
            self.block_value(
                "「资金」",
                v,
                value_span,
                "金额写在下一行，如「    年度资金申请总额: 300,000.00」",
            );
            self.ctx = Ctx::Funding;
            if self.p.funding.is_some() {
                self.p.issues.push(dup(FUNDING, key_span));
            } else {
                self.p.funding = Some(Funding {
                    key_span,
                    main: Parts::default(),
                    project_total: None,
                    columns: Vec::new(),
                    weight: None,
                    rate: None,
                    score: None,
                });
            }
            return role(Role::Funding, 1);
        }
        if k == TOTAL_SCORE {
            self.block_value(
                "「总分」",
                v,
                value_span,
                "分值和得分写在下一行，如「    得分: 95.00」",
            );
            self.ctx = Ctx::Total;
            if self.p.total.is_some() {
                self.p.issues.push(dup(TOTAL_SCORE, key_span));
            } else {
                self.p.total = Some(Total {
                    key_span,
                    weight: None,
                    score: None,
                });
            }
            return role(Role::Total, 1);
        }
        if let Some(c) = COLUMNS.iter().position(|c| *c == k) {
            if !v.is_empty() {
                self.block_value(
                    &format!("「{k}」"),
                    v,
                    value_span,
                    "这一栏的金额写在下一行，如「      年度资金总额: 300,000.00」",
                );
            }
            let Some(f) = self.p.funding.as_mut() else {
                return self.misplaced(k, key_span, "资金");
            };
            self.ctx = Ctx::Column(c);
            if f.columns.iter().any(|col| col.kind as usize == c) {
                self.p.issues.push(dup(k, key_span));
            } else {
                let kind = [
                    ColumnKind::Initial,
                    ColumnKind::Annual,
                    ColumnKind::Executed,
                ][c];
                f.columns.push(Column {
                    kind,
                    key_span,
                    parts: Parts::default(),
                });
            }
            return role(Role::FundingColumn, 2);
        }
        if k == PROJECT_TOTAL {
            let Some(f) = self.p.funding.as_mut() else {
                return self.misplaced(k, key_span, "资金");
            };
            self.ctx = Ctx::Funding;
            let m = MoneyField {
                key: PROJECT_TOTAL,
                key_span,
                money: parse_money(v),
                text: v.to_string(),
                value_span,
            };
            set_once(&mut f.project_total, m, &mut self.p.issues);
            return role(Role::Money, 2);
        }
        if let Some(key) = static_key(k, MONEY_FIELDS) {
            let ctx = self.ctx;
            let Some(f) = self.p.funding.as_mut() else {
                return self.misplaced(k, key_span, "资金");
            };
            let (parts, depth) = match ctx {
                Ctx::Column(c) => {
                    let kind = [
                        ColumnKind::Initial,
                        ColumnKind::Annual,
                        ColumnKind::Executed,
                    ][c];
                    match f.columns.iter_mut().find(|col| col.kind == kind) {
                        Some(col) => (&mut col.parts, 3),
                        None => (&mut f.main, 2),
                    }
                }
                _ => (&mut f.main, 2),
            };
            let slot = parts.slot(key);
            if slot.is_some() {
                self.p.issues.push(dup(key, key_span));
            } else {
                *slot = Some(MoneyField {
                    key,
                    key_span,
                    money: parse_money(v),
                    text: v.to_string(),
                    value_span,
                });
            }
            if !matches!(ctx, Ctx::Column(_)) {
                self.ctx = Ctx::Funding;
            }
            return role(Role::Money, depth);
        }
        let num = |key: &'static str| NumField {
            key,
            key_span,
            num: parse_num(v),
            text: v.to_string(),
            value_span,
        };
        if k == RATE {
            let Some(f) = self.p.funding.as_mut() else {
                return self.misplaced(k, key_span, "资金");
            };
            self.ctx = Ctx::Funding;
            set_once(&mut f.rate, num(RATE), &mut self.p.issues);
            return role(Role::Score, 2);
        }
        let deviation = k == DEVIATION || DEVIATION_ALIASES.contains(&k);
        if k == WEIGHT || k == SCORE || k == ACTUAL || deviation {
            let key: &'static str = if deviation {
                DEVIATION
            } else {
                static_key(k, &[WEIGHT, SCORE, ACTUAL]).unwrap()
            };
            let ind_ctx = self.ctx == Ctx::Tree && self.cur_ind.is_some();
            if ind_ctx {
                let depth = self.ind_depth + 1;
                let mut issues = Vec::new();
                let ind = self.current_indicator().unwrap();
                let r = match key {
                    WEIGHT => {
                        set_once(&mut ind.eval_mut().weight, num(key), &mut issues);
                        Role::Score
                    }
                    SCORE => {
                        set_once(&mut ind.eval_mut().score, num(key), &mut issues);
                        Role::Score
                    }
                    ACTUAL => {
                        set_once(&mut ind.eval_mut().actual, field(key), &mut issues);
                        Role::Actual
                    }
                    _ => {
                        let mut t = TextField {
                            key,
                            key_span,
                            lines: Vec::new(),
                        };
                        if !v.is_empty() {
                            t.lines.push((v.to_string(), value_span));
                        }
                        set_once(&mut ind.eval_mut().deviation, t, &mut issues);
                        Role::Deviation
                    }
                };
                self.p.issues.extend(issues);
                if r == Role::Deviation {
                    self.text = Some((TextTarget::Deviation, depth + 1));
                }
                let mut lr = role(r, depth);
                if deviation && k != DEVIATION {
                    lr.key = Some(DEVIATION.into());
                }
                return lr;
            }
            match (self.ctx, key) {
                (Ctx::Total, WEIGHT | SCORE) => {
                    let t = self.p.total.as_mut().unwrap();
                    let slot = if key == WEIGHT {
                        &mut t.weight
                    } else {
                        &mut t.score
                    };
                    set_once(slot, num(key), &mut self.p.issues);
                    return role(Role::Score, 2);
                }
                (Ctx::Funding | Ctx::Column(_), WEIGHT | SCORE) => {
                    self.ctx = Ctx::Funding;
                    let f = self.p.funding.as_mut().unwrap();
                    let slot = if key == WEIGHT {
                        &mut f.weight
                    } else {
                        &mut f.score
                    };
                    set_once(slot, num(key), &mut self.p.issues);
                    return role(Role::Score, 2);
                }
                _ => return self.misplaced(k, key_span, "三级指标、「资金」或「总分」"),
            }
        }
        if HEADER_FIELDS.contains(&k) {
            self.issue(
                "unknown-field",
                key_span,
                format!("「{k}」是文件头字段，应写在第一个「项目:」之前"),
            );
            return role(Role::Unknown, 1);
        }
        self.category_or_indicator(k, v, key_span, value_span, indent)
    }

    fn misplaced(&mut self, k: &str, span: Span, parent: &str) -> LineRole {
        self.issue(
            "unknown-field",
            span,
            format!("「{k}」应写在{}下", quote_parent(parent)),
        );
        role(Role::Unknown, 1)
    }

    fn category_or_indicator(
        &mut self,
        k: &str,
        v: &str,
        key_span: Span,
        value_span: Span,
        indent: u32,
    ) -> LineRole {
        let mut canonical = self.vocab.canonical_category(k);
        let (mut l1_any, mut l2_any) = self.vocab.category_roles(&canonical);
        // A misspelt category (产出指示) is read as the one it was meant to be, so that its
        // children are not reported as misplaced and the 一级 as missing; the name itself
        // gets one "did you mean".
        let mut misspelt = false;
        // Typed without its 指标 (数量, 社会效益, 服务对象满意度): the category, written in full by
        // the formatter. Not when a value follows: 时效: 及时 is an indicator.
        if !l1_any && !l2_any && v.is_empty() && !canonical.ends_with("指标") {
            let full = format!("{canonical}指标");
            let roles = self.vocab.category_roles(&full);
            if roles != (false, false) {
                (l1_any, l2_any) = roles;
                canonical = full;
            }
        }
        if !l1_any && !l2_any && v.is_empty() {
            if let Some(s) = self.vocab.suggest_category(&canonical) {
                (l1_any, l2_any) = self.vocab.category_roles(&s);
                canonical = s;
                misspelt = true;
            }
        }
        let has_l1 = !self.p.level1.is_empty();
        let deeper = has_l1 && indent > self.l1_indent;
        let unknown_category = !l1_any && !l2_any && v.is_empty() && canonical.ends_with("指标");
        let level = match (l1_any, l2_any) {
            (true, false) => Some(1),
            (false, true) => Some(2),
            (true, true) => Some(if deeper { 2 } else { 1 }),
            (false, false) if unknown_category => Some(if deeper { 2 } else { 1 }),
            _ => None,
        };
        let key_override =
            |name: &str| (name != k && (l1_any || l2_any) && !misspelt).then(|| name.into());
        if misspelt && level.is_some() {
            let which = if level == Some(1) { "一" } else { "二" };
            self.issue(
                "unknown-category",
                key_span,
                format!("未知的{which}级指标「{k}」，是否应为「{canonical}」？"),
            );
        }
        match level {
            Some(1) => {
                self.ctx = Ctx::Tree;
                self.l1_indent = indent;
                self.cur_l2 = None;
                self.cur_ind = None;
                self.p.level1.push(Level1 {
                    name: k.to_string(),
                    canonical: canonical.clone(),
                    span: key_span,
                    level2: Vec::new(),
                    indicators: Vec::new(),
                });
                self.category_value(k, v, value_span);
                LineRole {
                    role: Role::Level1,
                    depth: 1,
                    key: key_override(&canonical),
                }
            }
            Some(_) => {
                self.ctx = Ctx::Tree;
                self.cur_ind = None;
                if self.p.level1.is_empty() {
                    self.issue(
                        "misplaced-category",
                        key_span,
                        format!("二级指标「{k}」前缺少一级指标"),
                    );
                    self.p.level1.push(Level1 {
                        name: String::new(),
                        canonical: String::new(),
                        span: Span {
                            start: key_span.start,
                            end: key_span.start,
                        },
                        level2: Vec::new(),
                        indicators: Vec::new(),
                    });
                    self.l1_indent = indent.saturating_sub(1);
                }
                let l1 = self.p.level1.last_mut().unwrap();
                l1.level2.push(Level2 {
                    name: k.to_string(),
                    canonical: canonical.clone(),
                    span: key_span,
                    indicators: Vec::new(),
                });
                self.cur_l2 = Some(l1.level2.len() - 1);
                self.category_value(k, v, value_span);
                LineRole {
                    role: Role::Level2,
                    depth: 2,
                    key: key_override(&canonical),
                }
            }
            // Not deeper than the current 一级: not inside the indicator tree — unless the
            // file uses no indentation at all (the 一级 at column 0), where only the
            // vocabulary can tell, and an unknown name after a category is an indicator.
            None if has_l1
                && indent <= self.l1_indent
                && !(self.l1_indent == 0 && self.ctx == Ctx::Tree) =>
            {
                self.issue(
                    "unknown-field",
                    key_span,
                    format!(
                        "未知的字段「{k}」{}",
                        did_you_mean_or(k, "；如果是三级指标，请缩进写在二级指标之下")
                    ),
                );
                role(Role::Unknown, 1)
            }
            None if has_l1 => {
                self.ctx = Ctx::Tree;
                let l1i = self.p.level1.len() - 1;
                let ind = Indicator {
                    name: k.to_string(),
                    name_span: key_span,
                    value: parse_indicator_value(v),
                    value_text: v.to_string(),
                    value_span,
                    eval: None,
                };
                let l1 = &mut self.p.level1[l1i];
                let (list, depth) = match self.cur_l2 {
                    Some(l2) => (&mut l1.level2[l2].indicators, 3),
                    None => (&mut l1.indicators, 2),
                };
                list.push(ind);
                self.cur_ind = Some((l1i, self.cur_l2, list.len() - 1));
                self.ind_depth = depth;
                role(Role::Indicator, depth)
            }
            None => {
                self.issue(
                    "unknown-field",
                    key_span,
                    format!("未知的字段「{k}」{}", did_you_mean(k)),
                );
                role(Role::Unknown, 1)
            }
        }
    }

    fn category_value(&mut self, k: &str, v: &str, value_span: Span) {
        if v.is_empty() {
            return;
        }
        self.block_value(
            &format!("类别「{k}」"),
            v,
            value_span,
            "三级指标应写在下一行，如「  指标名称: 指标值」",
        );
    }

    /// A block key holds lines, not a value: a value written after it would otherwise be
    /// read by nothing and silently left out of every check.
    fn block_value(&mut self, what: &str, v: &str, value_span: Span, instead: &str) {
        if !v.is_empty() {
            self.issue("syntax", value_span, format!("{what}后不应有值：{instead}"));
        }
    }
}

fn quote_parent(p: &str) -> String {
    if p.contains('「') {
        p.to_string()
    } else {
        format!("「{p}:」")
    }
}

fn set_once<T>(slot: &mut Option<T>, v: T, issues: &mut Vec<Issue>)
where
    T: HasKey,
{
    if slot.is_some() {
        issues.push(dup(v.key(), v.key_span()));
    } else {
        *slot = Some(v);
    }
}

trait HasKey {
    fn key(&self) -> &'static str;
    fn key_span(&self) -> Span;
}
macro_rules! has_key {
    ($($t:ty),*) => {$(impl HasKey for $t {
        fn key(&self) -> &'static str { self.key }
        fn key_span(&self) -> Span { self.key_span }
    })*};
}
has_key!(Field, NumField, TextField, MoneyField);

/// "did you mean" for a misspelt field name: the known name at edit distance 1 (or 2 for longer).
pub fn suggest_from(k: &str, candidates: &[&str]) -> Option<String> {
    let kc: Vec<char> = k.chars().collect();
    candidates
        .iter()
        .map(|c| (edit_distance(&kc, &c.chars().collect::<Vec<_>>()), *c))
        .filter(|(d, c)| *d > 0 && (*d <= 1 || (*d <= 2 && c.chars().count() >= 5)))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.to_string())
}

fn did_you_mean_or(k: &str, otherwise: &str) -> String {
    match suggest_from(k, ALL_PROJECT_KEYS) {
        Some(s) => format!("，是否应为「{s}」？"),
        None => otherwise.to_string(),
    }
}

fn did_you_mean(k: &str) -> String {
    match suggest_from(k, ALL_PROJECT_KEYS) {
        Some(s) => format!("，是否应为「{s}」？"),
        None => "：项目下可写的字段见 docs/FORMAT.md；三级指标应写在一级、二级指标之下".to_string(),
    }
}

pub fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

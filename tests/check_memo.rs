//! The server replays the findings of unchanged indicators from a project's last check
//! (`check::memo`). Each step of these edit sequences changes what some cached finding must
//! say; after each, the server's diagnostics must equal a fresh analysis of the same text, and
//! the step must have changed them the way it should (a stale finding would fail both).

use jixiao::analysis::analyze;
use jixiao::check::{Diagnostic, Settings};
use jixiao::lsp::document::DocState;
use std::sync::Arc;

const KIND: &str = include_str!("lsp/kind.jixiao");

struct Session {
    doc: DocState,
    text: String,
    settings: Arc<Settings>,
}

fn sorted(mut v: Vec<Diagnostic>) -> Vec<Diagnostic> {
    v.sort_by(|a, b| {
        (a.span.start, a.span.end, a.rule, &a.message).cmp(&(
            b.span.start,
            b.span.end,
            b.rule,
            &b.message,
        ))
    });
    v
}

impl Session {
    fn new(text: &str) -> Session {
        let settings = Arc::new(Settings::default());
        let mut s = Session {
            doc: DocState::new(text, 1, settings.clone()),
            text: text.to_string(),
            settings,
        };
        s.agree("open");
        s
    }

    /// The server's diagnostics equal a fresh analysis; returned for the step's own checks.
    fn agree(&mut self, step: &str) -> Vec<Diagnostic> {
        let mine = sorted(self.doc.diagnostics());
        let fresh = sorted(analyze(&self.text, &self.settings).diagnostics);
        assert_eq!(mine, fresh, "after {step}");
        mine
    }

    /// Replaces the `nth` occurrence of `from` by `to`, as one edit.
    fn replace(&mut self, from: &str, to: &str) -> Vec<Diagnostic> {
        let at = self.text.find(from).unwrap_or_else(|| panic!("{from}"));
        self.doc.edit(at..at + from.len(), to);
        self.text.replace_range(at..at + from.len(), to);
        self.agree(&format!("{from} → {to}"))
    }

    fn settings(&mut self, toml: &str) -> Vec<Diagnostic> {
        let mut s = Settings::default();
        s.apply_toml(toml).expect("valid settings");
        self.settings = Arc::new(s);
        self.doc.set_settings(self.settings.clone());
        self.agree(toml)
    }
}

fn messages<'a>(ds: &'a [Diagnostic], rule: &str, about: &str) -> Vec<&'a str> {
    ds.iter()
        .filter(|d| d.rule == rule && d.message.contains(about))
        .map(|d| d.message.as_str())
        .collect()
}

#[test]
fn typing_in_the_goal_moves_the_indicator_findings() {
    let mut s = Session::new(KIND);
    let before = s.agree("open");
    let after = s.replace("提供热线服务", "提供全天候的热线服务");
    // The same finding, four characters further down.
    let shift = "全天候的".len() as u32;
    let kind_at = |ds: &[Diagnostic]| {
        ds.iter()
            .find(|d| d.message.contains("「培训合格率」衡量的是质量"))
            .map(|d| d.span.start)
    };
    assert!(kind_at(&before).is_some());
    assert_eq!(kind_at(&after), kind_at(&before).map(|s| s + shift));
}

#[test]
fn renaming_an_indicator_rechecks_it() {
    let mut s = Session::new(KIND);
    let ds = s.replace("宣传册发放数量", "发放宣传册12,000本");
    assert_eq!(
        messages(&ds, "sentence-name", "发放宣传册12,000本").len(),
        1
    );
    let ds = s.replace("发放宣传册12,000本", "宣传册发放数量");
    assert!(messages(&ds, "sentence-name", "").is_empty());
    // The project's name is in every finding, replayed or not.
    let ds = s.replace("项目: 热线服务", "项目: 热线服务（二期）");
    assert!(
        ds.iter()
            .filter(|d| d.message.contains("「培训合格率」"))
            .all(|d| d.project.as_deref() == Some("热线服务（二期）")),
        "{ds:#?}"
    );
}

#[test]
fn moving_an_indicator_under_another_level2_rechecks_it() {
    let mut s = Session::new(KIND);
    let under = |ds: &[Diagnostic], l2: &str| {
        messages(ds, "indicator-kind", "「培训合格率」")
            .iter()
            .any(|m| m.ends_with(&format!("而不是「{l2}」下")))
    };
    assert!(under(&s.agree("open"), "时效指标"));
    // The indicator's line is unchanged; only the 二级 above it is.
    let ds = s.replace(
        "    时效指标:\n      培训合格率",
        "    质量指标:\n      培训合格率",
    );
    assert!(messages(&ds, "indicator-kind", "「培训合格率」").is_empty());
    // Cut from 质量指标 and pasted under 数量指标.
    s.replace("    质量指标:\n      培训合格率: =100.00(%)\n", "");
    let ds = s.replace(
        "      用户使用系统响应时间",
        "      培训合格率: =100.00(%)\n      用户使用系统响应时间",
    );
    assert!(under(&ds, "数量指标"));
}

/// 经济成本指标 holds amounts: a count there is misplaced, in the profiles that have it.
fn with_a_count_under_cost() -> String {
    KIND.replace(
        "      热线平台费用成本总额: =10.00(万元)\n",
        "      热线平台费用成本总额: =10.00(万元)\n      宣传活动次数: ≤5.00(次)\n",
    )
}

fn count(ds: &[Diagnostic]) -> usize {
    messages(ds, "indicator-kind", "「宣传活动次数」").len()
}

#[test]
fn a_header_change_rechecks_every_indicator() {
    let mut s = Session::new(&with_a_count_under_cost());
    assert_eq!(count(&s.agree("open")), 1);
    // Another year, another profile: finance-2020 has no 经济成本指标.
    let ds = s.replace("年度: 2025", "年度: 2020");
    assert_eq!(count(&ds), 0);
    let ds = s.replace("年度: 2020", "年度: 2025");
    assert_eq!(count(&ds), 1);
    // The profile named in the header.
    let ds = s.replace("年度: 2025", "年度: 2025\n指标体系: finance-2020");
    assert_eq!(count(&ds), 0);
}

#[test]
fn a_settings_change_rechecks_every_indicator() {
    let mut s = Session::new(&with_a_count_under_cost());
    let ds = s.settings("[rules]\nindicator-kind = \"error\"\n");
    assert!(!messages(&ds, "indicator-kind", "").is_empty());
    assert!(ds
        .iter()
        .filter(|d| d.rule == "indicator-kind")
        .all(|d| d.severity == jixiao::check::Severity::Error));
    s.replace("提供热线服务", "提供热线");
    let ds = s.settings("[rules]\nindicator-kind = \"off\"\n");
    assert!(messages(&ds, "indicator-kind", "").is_empty());
    s.replace("提供热线", "提供热线服务");
    let ds = s.settings("");
    assert_eq!(count(&ds), 1);
    let ds = s.settings("profile = \"finance-2020\"\n");
    assert_eq!(count(&ds), 0);
}

#[test]
fn goal_lines_are_flagged_against_the_current_indicators() {
    let text = KIND.replace(
        "    > 宣传医保政策。\n",
        "    > 宣传医保政策，发放宣传册 2000 本。\n    > 全年发放宣传册 3000 本。\n",
    );
    let mut s = Session::new(&text);
    let flagged = |ds: &[Diagnostic]| -> Vec<String> {
        messages(ds, "goal-mismatch", "宣传册")
            .iter()
            .map(|m| m.split('，').next().unwrap_or_default().to_string())
            .collect()
    };
    // One finding per indicator: the first line's.
    assert_eq!(
        flagged(&s.agree("open")),
        ["「年度总体目标」写「发放宣传册 2000 本」"]
    );
    // The first line now agrees: the second, unchanged, line speaks.
    let ds = s.replace("发放宣传册 2000 本", "发放宣传册 1000 本");
    assert_eq!(
        flagged(&ds),
        ["「年度总体目标」写「全年发放宣传册 3000 本」"]
    );
    let ds = s.replace("宣传医保政策，", "宣传医保政策并");
    assert_eq!(
        flagged(&ds),
        ["「年度总体目标」写「全年发放宣传册 3000 本」"]
    );
    // The indicator changes under unchanged goal lines (the first no longer names it: its
    // words run on from 宣传医保政策).
    let ds = s.replace(
        "宣传册发放数量: ≥1000.00(本)",
        "宣传册发放数量: ≥3000.00(本)",
    );
    assert!(flagged(&ds).is_empty());
    let ds = s.replace(
        "宣传册发放数量: ≥3000.00(本)",
        "宣传册发放数量: ≥2000.00(本)",
    );
    assert_eq!(
        flagged(&ds),
        ["「年度总体目标」写「全年发放宣传册 3000 本」"]
    );
}

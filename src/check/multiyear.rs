//! project-total, multi-year-dates, and money-format for 项目资金总额: the template's fields
//! for projects that span years (项目资金总额 beside 年度资金申请总额).

use super::{Context, Sink};
use crate::model::value::{format_money, money_problem, parse_date, Money};
use crate::model::*;

pub fn check(p: &Project, cx: &Context, sink: &mut Sink) {
    let project_total = p.funding.as_ref().and_then(|f| f.project_total.as_ref());
    if let Some(m) = project_total {
        check_project_total(p, m, sink);
    }
    // Left empty (or —) as on a one-year form is no 项目资金总额; unreadable, money-format says so.
    let unfilled = project_total.is_none_or(|m| {
        m.money == Money::Blank || (m.money == Money::Invalid && m.text.trim().is_empty())
    });
    if cx.kind() == FormKind::Target && unfilled {
        check_span(p, sink);
    }
}

fn check_project_total(p: &Project, m: &MoneyField, sink: &mut Sink) {
    match m.money {
        // Optional on the template: left empty, it says nothing.
        Money::Invalid if m.text.trim().is_empty() => {}
        Money::Invalid => sink.push(
            "money-format",
            m.value_span,
            format!(
                "资金：金额「{}」格式不对：{}",
                m.text,
                money_problem(&m.text).message()
            ),
        ),
        Money::Blank => {}
        Money::Amount(whole) => {
            let year = p
                .funding
                .as_ref()
                .and_then(|f| f.main.total.as_ref())
                .and_then(|t| t.amount());
            if let Some(year) = year.filter(|y| whole < *y) {
                sink.push(
                    "project-total",
                    m.value_span,
                    format!(
                        "「{PROJECT_TOTAL}」{} 小于「{TOTAL}」{}：项目资金总额是项目各年度资金之和，不能少于本年度的申请额；请核对，改为项目全部年度的资金合计（单年度项目可不填项目资金总额）",
                        format_money(whole),
                        format_money(year)
                    ),
                );
            }
        }
    }
}

/// Plan dates in different years mark a project that spans years; the template then asks for
/// the whole project's funding beside the year's.
fn check_span(p: &Project, sink: &mut Sink) {
    let date = |k| {
        p.field(k)
            .and_then(|f| parse_date(&f.value).map(|d| (f, d)))
    };
    let (Some((s, sd)), Some((e, ed))) = (date(START_DATE), date(END_DATE)) else {
        return;
    };
    // Reversed dates are date-order's finding, not a span.
    if ed.0 <= sd.0 {
        return;
    }
    sink.push(
        "multi-year-dates",
        e.value_span,
        format!(
            "计划实施期 {} 至 {} 跨越 {} 个年度，但「资金」下没有「{PROJECT_TOTAL}」：跨年度项目应在「资金:」下写「{PROJECT_TOTAL}: 金额」（项目各年度资金之和），并在「{PROJECT_GOAL}:」写整个项目的目标；如项目只在本年度实施，请改正计划日期",
            s.value,
            e.value,
            ed.0 - sd.0 + 1
        ),
    );
}

#[cfg(test)]
mod tests {
    use crate::analysis::analyze;
    use crate::check::Settings;

    fn rules(funding: &str, dates: (&str, &str)) -> Vec<&'static str> {
        let text = format!(
            "表: 绩效目标申报表\n年度: 2025\n\n项目: 甲\n  计划开始日期: {}\n  计划完成日期: {}\n  资金:\n{funding}    年度资金申请总额: 300\n    当年财政拨款: 300\n",
            dates.0, dates.1
        );
        let mut r: Vec<_> = analyze(&text, &Settings::default())
            .diagnostics
            .iter()
            .map(|d| d.rule)
            .filter(|r| {
                [
                    "project-total",
                    "multi-year-dates",
                    "money-format",
                    "date-year",
                ]
                .contains(r)
            })
            .collect();
        r.dedup();
        r
    }

    #[test]
    fn only_what_a_reviewer_would_defend() {
        let one_year = ("2025-01-01", "2025-12-31");
        let two_years = ("2025-01-01", "2026-12-31");
        assert!(rules("", one_year).is_empty());
        assert_eq!(rules("", two_years), ["date-year", "multi-year-dates"]);
        // Reversed dates are date-order's.
        assert!(rules("", ("2026-01-01", "2025-12-31"))
            .iter()
            .all(|r| *r == "date-year"));
        // Equal to the year's request: the whole project is this year's money.
        assert!(rules("    项目资金总额: 300\n", two_years).is_empty());
        assert_eq!(
            rules("    项目资金总额: 299.99\n", two_years),
            ["project-total"]
        );
        // Left empty or blank as on the template: nothing; not an amount: money-format.
        assert_eq!(rules("    项目资金总额:\n", one_year), Vec::<&str>::new());
        assert_eq!(rules("    项目资金总额: —\n", one_year), Vec::<&str>::new());
        assert_eq!(
            rules("    项目资金总额: 三百元\n", one_year),
            ["money-format"]
        );
        assert_eq!(
            rules("    项目资金总额:\n", two_years),
            ["date-year", "multi-year-dates"]
        );
    }
}

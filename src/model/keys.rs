//! The field names of the forms, exactly as printed on them.

pub const HEADER_KIND: &str = "表";
pub const HEADER_YEAR: &str = "年度";
pub const HEADER_UNIT: &str = "单位";
pub const HEADER_PROFILE: &str = "指标体系";
pub const HEADER_FIELDS: &[&str] = &[HEADER_KIND, HEADER_YEAR, HEADER_UNIT, HEADER_PROFILE];

pub const NATURE: &str = "项目性质";
pub const CATEGORY: &str = "项目类别";
pub const AUTHORITY: &str = "主管部门";
pub const IMPLEMENTER: &str = "实施单位";
pub const START_DATE: &str = "计划开始日期";
pub const END_DATE: &str = "计划完成日期";
pub const PROJECT_FIELDS: &[&str] = &[
    NATURE,
    CATEGORY,
    AUTHORITY,
    IMPLEMENTER,
    START_DATE,
    END_DATE,
];
pub const DATE_FIELDS: &[&str] = &[START_DATE, END_DATE];
/// The project fields each form requires, in the form's order.
pub const TARGET_FIELDS: &[&str] = PROJECT_FIELDS;
pub const SELF_EVAL_FIELDS: &[&str] = &[AUTHORITY, IMPLEMENTER];

/// The whole project's goal, beside 年度总体目标 on the template: filled for projects that span
/// years.
pub const PROJECT_GOAL: &str = "项目总目标";
pub const GOAL: &str = "年度总体目标";
pub const BUDGET_GOAL: &str = "预算目标";
pub const ACHIEVED: &str = "实际完成情况";
pub const TEXT_FIELDS: &[&str] = &[PROJECT_GOAL, GOAL, BUDGET_GOAL, ACHIEVED];

pub const FUNDING: &str = "资金";
/// The whole project's funding over all its years, beside 年度资金申请总额 on the template.
pub const PROJECT_TOTAL: &str = "项目资金总额";
pub const TOTAL: &str = "年度资金申请总额";
pub const TOTAL_SELF_EVAL: &str = "年度资金总额";
pub const CURRENT_YEAR: &str = "当年财政拨款";
pub const CARRYOVER: &str = "上年结转资金";
pub const OTHER: &str = "其他资金";
pub const MONEY_FIELDS: &[&str] = &[TOTAL, TOTAL_SELF_EVAL, CURRENT_YEAR, CARRYOVER, OTHER];
pub const COLUMNS: &[&str] = &["年初预算数", "全年预算数", "全年执行数"];
pub const RATE: &str = "执行率";

pub const WEIGHT: &str = "分值";
pub const SCORE: &str = "得分";
pub const TOTAL_SCORE: &str = "总分";
pub const ACTUAL: &str = "实际完成值";
pub const DEVIATION: &str = "偏差原因分析及改进措施";
pub const DEVIATION_ALIASES: &[&str] = &["偏差原因", "偏差原因分析", "偏差原因及改进措施"];

/// Every name that may appear inside a project (for completion and "did you mean").
pub const ALL_PROJECT_KEYS: &[&str] = &[
    NATURE,
    CATEGORY,
    AUTHORITY,
    IMPLEMENTER,
    START_DATE,
    END_DATE,
    FUNDING,
    GOAL,
    BUDGET_GOAL,
    ACHIEVED,
    TOTAL_SCORE,
    TOTAL,
    TOTAL_SELF_EVAL,
    CURRENT_YEAR,
    CARRYOVER,
    OTHER,
    "年初预算数",
    "全年预算数",
    "全年执行数",
    RATE,
    WEIGHT,
    SCORE,
    ACTUAL,
    DEVIATION,
    PROJECT_TOTAL,
    PROJECT_GOAL,
];

pub(crate) fn static_key(k: &str, set: &[&'static str]) -> Option<&'static str> {
    set.iter().copied().find(|s| *s == k)
}

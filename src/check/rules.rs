//! The rule catalogue. Ids are part of the interface: never rename one.

use super::Severity::{self, *};

pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

macro_rules! rules {
    ($($id:literal $sev:ident $summary:literal;)*) => {
        pub const RULES: &[Rule] = &[$(Rule { id: $id, severity: $sev, summary: $summary }),*];
    };
}

rules! {
    "syntax" Error "无法识别的行";
    "unknown-field" Error "未知或放错位置的字段";
    "duplicate-field" Error "字段重复";
    "missing-field" Error "缺少必填字段";
    "duplicate-project" Warning "项目重名";
    "duplicate-indicator" Warning "同一项目中三级指标重名";
    "unknown-category" Error "不在指标体系中的类别";
    "misplaced-category" Error "类别或指标放错了位置";
    "missing-category" Warning "缺少必设的一级指标";
    "empty-category" Warning "类别下没有指标";
    "missing-value" Error "没有填写值";
    "bad-value" Error "值无法解析";
    "unit-mismatch" Warning "单位与指标名称不符";
    "percent-range" Warning "百分比超出范围";
    "zero-target" Error "达标率、合格率等目标为 0%";
    "cost-operator" Warning "成本指标用了 ≥、> 或 =";
    "qualitative-rate" Warning "比率指标填了定性值";
    "satisfaction-low" Warning "满意度目标低于 90%";
    "ocr-remnant" Error "LaTeX 或 HTML 残留";
    "funding-sum" Error "资金合计不符";
    "money-format" Error "金额格式不对";
    "cost-exceeds-funding" Error "成本指标合计超过申请总额";
    "cost-funding-gap" Info "成本指标只覆盖部分申请总额";
    "date-order" Error "计划完成日期早于开始日期";
    "date-year" Warning "日期不在表的年度内";
    "execution-rate" Error "执行率算错";
    "execution-score" Error "执行率得分算错";
    "score-exceeds-weight" Error "得分超过分值";
    "weight-total" Error "分值合计不是 100";
    "total-score" Error "总分与各项得分之和不符";
    "deviation-reason" Warning "扣分的指标没有偏差原因";
    "over-budget" Warning "执行率超过 100%（超预算）";
    "adjusted-budget" Info "全年预算数与年初预算数不同（预算调整）";
    "score-mismatch" Warning "得分与完成情况不符";
    "actual-incomparable" Warning "实际完成值无法与指标值比较";
    "declared-indicator-dropped" Warning "自评表漏了申报表中的指标";
    "declared-target-lowered" Error "自评表的指标值低于申报的目标";
    "declared-target-changed" Warning "自评表的指标值与申报的目标不同";
    "declared-budget" Warning "年初预算数与申报的资金总额不同";
    "declaration-missing" Info "申报表中找不到自评的项目";
    "indicator-kind" Warning "指标衡量的内容与所在二级指标不符";
    "target-direction" Warning "目标的比较方向反了或不设要求";
    "value-kind" Warning "数量、时长填了定性值，或数量指标填了没有基数的百分比";
    "cost-qualitative" Warning "成本指标只有定性值";
    "unit-cost" Warning "单位成本 × 数量超过申请总额";
    "missing-level2" Warning "一级指标下缺少必设的二级指标";
    "unknown-value" Warning "项目类别、项目性质不在常用值中";
    "satisfaction-unit" Warning "满意度目标没有单位";
    "goal-mismatch" Warning "年度总体目标中的数字与指标不一致";
    "goal-year" Warning "年度总体目标中的年份不在计划实施期内";
    "goal-repeat" Warning "年度总体目标中有重复的句子";
    "copied-project" Warning "两个项目的目标和指标完全相同";
    "copied-goal" Warning "年度总体目标抄自另一个项目";
    "copied-cost" Warning "成本指标与另一个项目完全相同";
    "sentence-name" Warning "指标名称是一句话（分句、目标数或过长）";
    "compound-name" Warning "一个名称里有两个指标";
    "yes-no-value" Warning "是否类指标的值不是是/否，或程度类指标填了是";
    "value-repeats-name" Warning "指标值只是重复了名称";
    "multiple-values" Warning "一个指标值里有几个目标";
    "range-value" Warning "指标值是没有比较符的范围";
    "project-total" Error "项目资金总额小于年度资金申请总额";
    "multi-year-dates" Warning "计划日期跨年度，但没有项目资金总额";
    "target-lowered-funding-up" Warning "资金比上年多，目标却比上年低";
    "target-jump" Warning "目标是上年的十倍以上或十分之一以下";
    "direction-flipped" Warning "目标的比较方向与上年相反";
    "indicator-dropped-yoy" Info "延续项目少了上年的指标";
    "target-below-actual" Warning "目标低于上年的实际完成值";
    "goal-unquantified" Info "年度总体目标中没有一个数";
    "weight-split" Info "分值分配与通常的 10/50/30/10 不同";
    "target-exceeded" Info "实际完成值是指标值的两倍以上，目标定得过低";
    "achieved-copies-goal" Warning "实际完成情况照抄了预算目标";
}

pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

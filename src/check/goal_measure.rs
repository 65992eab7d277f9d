//! goal-unquantified: a 年度总体目标 that states no number and says too little to stand without
//! one. The guidance asks for goals that are 指向明确、细化量化 (财预〔2021〕101号). Approved forms
//! often carry the numbers only in the indicators, so a long goal of intent without numbers is
//! not reported; a short one ("完善医保经办服务流程") or one that puts a vague word where the number
//! belongs ("购置医保卡制作机若干台") is: neither can be checked at the end of the year.

use super::{Context, Sink};
use crate::model::{FormKind, Project, GOAL};

/// Chinese numerals that, before a measure word, state a quantity (`六期`, `两次`, `十个`).
const NUMERALS: &str = "一二两三四五六七八九十百千万零〇";

pub fn check(p: &Project, cx: &Context, sink: &mut Sink) {
    if cx.kind() != FormKind::Target {
        return;
    }
    let Some(goal) = p.text(GOAL) else {
        return;
    };
    let names = &cx.settings.vocab.names;
    let mut chars = 0;
    let mut vague: Option<&str> = None;
    for (line, _) in &goal.lines {
        if states_quantity(line, cx) {
            return;
        }
        chars += line.chars().filter(|c| !c.is_whitespace()).count();
        vague = vague.or_else(|| {
            names
                .vague_quantities
                .iter()
                .find(|w| line.contains(w.as_str()))
                .map(String::as_str)
        });
    }
    let short = chars > 0 && chars < names.short_goal_chars.unwrap_or(0);
    let message = match vague {
        Some(w) => format!("年度总体目标用「{w}」代替了数：写出本年要完成的数量、达到的比例或完成的期限（如「购置制卡机4台，11月底前安装到位」），年终才能对照评价"),
        None if short => "年度总体目标太简略，又没有一个数：写出本年要完成的数量、达到的比例或完成的期限，如「全年培训经办人员200人次，培训合格率达到95%以上」".to_string(),
        None => return,
    };
    sink.push("goal-unquantified", goal.key_span, message);
}

/// An Arabic digit, a percent sign, or a Chinese numeral before a unit or measure word.
fn states_quantity(line: &str, cx: &Context) -> bool {
    if line
        .chars()
        .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c) || c == '%' || c == '％')
    {
        return true;
    }
    let units = &cx.settings.vocab.vocabulary.units;
    line.char_indices().any(|(i, c)| {
        if !NUMERALS.contains(c) || line[i..].starts_with("一次性") {
            return false;
        }
        let rest = line[i..].trim_start_matches(|c: char| NUMERALS.contains(c));
        line[i..].starts_with("百分之")
            || rest.starts_with('个') // 三个 before a noun
            || units.iter().any(|u| !u.is_empty() && rest.starts_with(u.as_str()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{active_profile, Settings};
    use crate::model::Header;

    #[test]
    fn quantities_in_words() {
        let settings = Settings::default();
        let header = Header::default();
        let cx = Context {
            header: &header,
            profile: active_profile(&header, &settings),
            settings: &settings,
        };
        for yes in [
            "全年发行六期杂志",
            "培训两次",
            "建设三个服务点",
            "覆盖率达到百分之九十",
            "发放3万册",
            "满意度90％",
        ] {
            assert!(states_quantity(yes, &cx), "{yes}");
        }
        for no in [
            "完善医保经办服务流程",
            "购置制卡机若干台",
            "实施一站式医疗救助",
            "其他一次性项目",
            "一体化推进",
        ] {
            assert!(!states_quantity(no, &cx), "{no}");
        }
    }
}

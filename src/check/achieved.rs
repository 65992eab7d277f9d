//! achieved-copies-goal: a 自评表 whose 实际完成情况 repeats its 预算目标 word for word. The
//! self-evaluation is to say what was done against what was planned (财预〔2020〕10号); a copy of
//! the plan says nothing about the year, and a reviewer sends it back.

use super::Sink;
use crate::model::{Project, TextField, ACHIEVED, BUDGET_GOAL};

pub fn check(p: &Project, sink: &mut Sink) {
    let (Some(goal), Some(done)) = (p.text(BUDGET_GOAL), p.text(ACHIEVED)) else {
        return;
    };
    let words = |t: &TextField| -> Vec<char> {
        t.lines
            .iter()
            .flat_map(|(l, _)| l.chars())
            .filter(|c| c.is_alphanumeric())
            .collect()
    };
    let written = words(done);
    if !written.is_empty() && written == words(goal) {
        sink.push(
            "achieved-copies-goal",
            done.key_span,
            "「实际完成情况」与「预算目标」一字不差：请写明本年实际完成了什么（完成的数量、达到的水平、未完成的部分及原因），而不是照抄目标",
        );
    }
}

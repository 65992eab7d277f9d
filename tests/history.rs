//! `jixiao check` across years: the 2022 申报表 of `tests/history` held against the 2021 申报表
//! and 自评表 beside it, and the Songjiang 2025 申报表 of `examples/` against its 2024 one.
//! What is printed is kept in `tests/history/*.out` (`UPDATE_EXPECT=1` rewrites them).

mod common;
use common::*;

/// `jixiao check ARGS` in the repository: what it prints.
fn check(args: &[&str]) -> String {
    cli::check(args).1
}

const RULES: [&str; 5] = [
    "target-lowered-funding-up",
    "target-jump",
    "direction-flipped",
    "indicator-dropped-yoy",
    "target-below-actual",
];

fn year_over_year(out: &str) -> String {
    out.lines()
        .filter(|l| RULES.iter().any(|r| l.contains(&format!("[{r}]"))))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn check_the_folders() {
    let folder = check(&["tests/history"]);
    let examples = year_over_year(&check(&["examples/"]));
    run_all(vec![
        (
            "folder".into(),
            expect_file(&root().join("tests/history/check.out"), &folder),
        ),
        (
            "examples".into(),
            expect_file(&root().join("tests/history/examples.out"), &examples),
        ),
    ]);
}

/// This year's file alone, or last year's alone, is checked on its own.
#[test]
fn a_year_alone_is_not_compared() {
    let out = check(&["tests/history/2022-申报表.jixiao"]);
    assert_eq!(year_over_year(&out), "", "{out}");
}

/// Last year's 自评表 without its 申报表 still holds last year's targets and actuals: this
/// year's 申报表 is compared with it, as an open document is in the server.
#[test]
fn last_years_self_evaluation_alone_is_compared() {
    let out = check(&[
        "tests/history/2022-申报表.jixiao",
        "tests/history/2021-自评表.jixiao",
    ]);
    assert!(out.contains("[target-below-actual]"), "{out}");
}

//! `jixiao check` across files: the 自评表 of `tests/link` held against the 申报表 beside it.
//! What is printed is kept in `tests/link/*.out` (`UPDATE_EXPECT=1` rewrites them).

mod common;
use common::cli::check;
use common::*;

#[test]
fn check_the_folder() {
    let (code, out) = check(&["tests/link"]);
    // declared-target-lowered is an error.
    assert_eq!(code, 1, "{out}");
    let (_, json) = check(&["--format", "json", "tests/link"]);
    run_all(vec![
        (
            "human".into(),
            expect_file(&root().join("tests/link/check.out"), &out),
        ),
        (
            "json".into(),
            expect_file(&root().join("tests/link/check-json.out"), &json),
        ),
    ]);
}

#[test]
fn the_corrected_twin_is_clean() {
    let (code, out) = check(&[
        "tests/link/2021-申报表.jixiao",
        "tests/link/2021-自评表-改正.jixiao",
    ]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out, "检查了 2 个文件：0 个错误，0 个警告，0 个提示\n");
}

/// The link is between the files named (or found in the folders named): a 自评表 alone is
/// checked on its own.
#[test]
fn a_file_alone_is_not_linked() {
    let (code, out) = check(&["tests/link/2021-自评表.jixiao"]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("declared"), "{out}");
}

/// A 申报表 of another year, or of another unit, is not the one a 自评表 answers.
#[test]
fn other_years_and_units_are_not_linked() {
    let (_, out) = check(&["examples/"]);
    assert!(!out.contains("declar"), "{out}");
    let dir = std::env::temp_dir().join(format!("jixiao-link-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let declared = std::fs::read_to_string(root().join("tests/link/2021-申报表.jixiao")).unwrap();
    std::fs::write(
        dir.join("申报表.jixiao"),
        declared.replace(
            "单位: 上海市松江区医疗保险事务中心",
            "单位: 上海市青浦区医疗保险事务中心",
        ),
    )
    .unwrap();
    std::fs::copy(
        root().join("tests/link/2021-自评表.jixiao"),
        dir.join("自评表.jixiao"),
    )
    .unwrap();
    let (_, out) = check(&[dir.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(!out.contains("declar"), "{out}");
}

/// The seed 自评表 (examples/) against the 2021 申报表 of the same unit in tests/link: the
/// projects both have are held against each other, the others are named.
#[test]
fn the_seed_against_the_declaration() {
    let (_, out) = check(&[
        "examples/songjiang-2021-self-eval.jixiao",
        "tests/link/2021-申报表.jixiao",
    ]);
    let found: String = out
        .lines()
        .filter(|l| l.contains("declar"))
        .map(|l| format!("{l}\n"))
        .collect();
    run_all(vec![(
        "seed".into(),
        expect_file(&root().join("tests/link/seed.out"), &found),
    )]);
}

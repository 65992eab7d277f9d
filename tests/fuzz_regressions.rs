//! Replays what the fuzzers found (and the seeds they start from): every file in
//! `tests/fuzz-regressions/text/` must satisfy `check_text`, every file in `edits/` (an edit
//! script in the fuzzer's byte encoding) must satisfy `check_edits`.

mod common;
use common::root;

const BASE: &str = include_str!("../examples/songjiang-2021-self-eval.jixiao");

fn files(dir: &str) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(root().join("tests/fuzz-regressions").join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn fuzz_findings_stay_fixed() {
    let mut failures = Vec::new();
    for f in files("text") {
        let bytes = std::fs::read(&f).unwrap();
        if let Err(e) = jixiao::invariants::check_text(&String::from_utf8_lossy(&bytes)) {
            failures.push(format!("{}: {e}", f.display()));
        }
    }
    for f in files("edits") {
        let bytes = std::fs::read(&f).unwrap();
        if let Err(e) =
            jixiao::invariants::check_edits(BASE, &jixiao::invariants::edits_from_bytes(&bytes))
        {
            failures.push(format!("{}: {e}", f.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

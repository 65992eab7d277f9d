//! Shared by the tests: expected-file comparison with an update switch, the CLI runner
//! (`cli`) and the stdio LSP client (`lsp`).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub mod cli;
pub mod lsp;

/// Compares `actual` with the file at `path`; with `UPDATE_EXPECT=1` writes it instead.
/// Returns a description of the mismatch.
pub fn expect_file(path: &Path, actual: &str) -> Result<(), String> {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(path, actual).unwrap();
        return Ok(());
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if expected == actual {
        return Ok(());
    }
    let first = expected
        .lines()
        .zip(actual.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(expected.lines().count().min(actual.lines().count()));
    Err(format!(
        "{} differs (first difference at line {}):\n  expected: {:?}\n  actual:   {:?}\n(run with UPDATE_EXPECT=1 to accept, then review the diff)",
        path.display(),
        first + 1,
        expected.lines().nth(first).unwrap_or("<end>"),
        actual.lines().nth(first).unwrap_or("<end>")
    ))
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh empty folder for one test of `suite`, unique to this process, in the system's
/// temporary folder.
pub fn scratch(suite: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jixiao-{suite}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every `*.jixiao` under `dir`, sorted.
pub fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "jixiao") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// `X.jixiao` → `X.<ext>` beside it.
pub fn sibling(p: &Path, ext: &str) -> PathBuf {
    p.with_extension(ext)
}

pub fn render_diagnostics(text: &str, diags: &[jixiao::check::Diagnostic]) -> String {
    use jixiao::position::{Encoding, LineIndex};
    let ix = LineIndex::new(text);
    let mut out = String::new();
    for d in diags {
        let (l, c) = ix.position(text, d.span.start as usize, Encoding::Chars);
        let (el, ec) = ix.position(text, d.span.end as usize, Encoding::Chars);
        out.push_str(&format!(
            "{}:{}-{}:{} {}[{}] {}\n",
            l + 1,
            c + 1,
            el + 1,
            ec + 1,
            d.severity.name(),
            d.rule,
            d.message
        ));
    }
    out
}

/// Runs every check and collects failures, so one run reports them all.
pub fn run_all(cases: Vec<(String, Result<(), String>)>) {
    let failures: Vec<String> = cases
        .into_iter()
        .filter_map(|(n, r)| r.err().map(|e| format!("--- {n}\n{e}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} failing case(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

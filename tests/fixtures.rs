//! Data-driven tests. For every `tests/fixtures/**/X.jixiao`: `X.tree` (syntax dump),
//! `X.formatted` (formatter output), `X.diagnostics` and `X.json` (export). For every
//! `examples/X.jixiao`: it is already canonical, and `tests/expected/examples/X.{diagnostics,json}`.
//! `UPDATE_EXPECT=1 cargo test` rewrites the expected files; review them as a diff.

mod common;
use common::*;
use jixiao::analysis::{analyze, format_text};
use jixiao::check::Settings;

fn settings(p: &std::path::Path) -> Settings {
    Settings::for_file(p).expect("fixture configuration is valid")
}

#[test]
fn fixtures() {
    let mut cases = Vec::new();
    for input in inputs(&root().join("tests/fixtures")) {
        let text = std::fs::read_to_string(&input).unwrap();
        let s = settings(&input);
        let a = analyze(&text, &s);
        let name = input.strip_prefix(root()).unwrap().display().to_string();
        cases.push((
            format!("{name} tree"),
            expect_file(&sibling(&input, "tree"), &a.tree.dump(&text)),
        ));
        let formatted = format_text(&text, &s);
        cases.push((
            format!("{name} formatted"),
            expect_file(&sibling(&input, "formatted"), &formatted),
        ));
        cases.push((
            format!("{name} idempotent"),
            if format_text(&formatted, &s) == formatted {
                Ok(())
            } else {
                Err("second format changed the text".into())
            },
        ));
        cases.push((
            format!("{name} diagnostics"),
            expect_file(
                &sibling(&input, "diagnostics"),
                &render_diagnostics(&text, &a.diagnostics),
            ),
        ));
        let json =
            serde_json::to_string_pretty(&jixiao::export::to_json(&a.doc, &s)).unwrap() + "\n";
        cases.push((
            format!("{name} json"),
            expect_file(&sibling(&input, "json"), &json),
        ));
    }
    run_all(cases);
}

#[test]
fn examples() {
    let mut cases = Vec::new();
    let examples = inputs(&root().join("examples"));
    assert!(examples.len() >= 4, "the seed examples are present");
    for input in examples {
        let text = std::fs::read_to_string(&input).unwrap();
        let s = settings(&input);
        let a = analyze(&text, &s);
        let stem = input.file_stem().unwrap().to_string_lossy().to_string();
        let out = root().join("tests/expected/examples");
        cases.push((
            format!("{stem} canonical"),
            if format_text(&text, &s) == text {
                Ok(())
            } else {
                Err("example is not in canonical format (run jixiao fmt)".into())
            },
        ));
        cases.push((
            format!("{stem} diagnostics"),
            expect_file(
                &out.join(format!("{stem}.diagnostics")),
                &render_diagnostics(&text, &a.diagnostics),
            ),
        ));
        let json =
            serde_json::to_string_pretty(&jixiao::export::to_json(&a.doc, &s)).unwrap() + "\n";
        cases.push((
            format!("{stem} json"),
            expect_file(&out.join(format!("{stem}.json")), &json),
        ));
    }
    run_all(cases);
}

/// The file a folder of rule fixtures holds its 申报表 in: each 自评表 beside it is checked
/// against it, as `jixiao check DIR` does (the declared-* rules).
const DECLARATION: &str = "申报表.jixiao";

/// The files a folder of year-over-year fixtures holds last year's forms in: each 申报表
/// beside them is checked against them, as `jixiao check DIR` does (`check::history`).
const LAST_YEAR: [&str; 2] = ["上年申报表.jixiao", "上年自评表.jixiao"];

/// Each `tests/rules/<rule>.jixiao` must raise `<rule>`; each `<rule>.ok.jixiao` (near misses)
/// must not. All diagnostics of both are kept in `.diagnostics` beside them. A `申报表.jixiao`
/// is not a fixture: it must be clean, and the files beside it are held against it.
#[test]
fn rules() {
    let mut cases = Vec::new();
    let mut covered = std::collections::BTreeSet::new();
    for input in inputs(&root().join("tests/rules")) {
        let file = input.file_name().unwrap().to_string_lossy().to_string();
        let rule = file.split('.').next().unwrap().to_string();
        let near_miss = file.contains(".ok.");
        let text = std::fs::read_to_string(&input).unwrap();
        let s = settings(&input);
        let mut a = analyze(&text, &s);
        if file == DECLARATION {
            cases.push((
                format!("{file} is clean"),
                match a.diagnostics.len() {
                    0 => Ok(()),
                    n => Err(format!("{n} diagnostic(s) in the declaration")),
                },
            ));
            continue;
        }
        if LAST_YEAR.contains(&file.as_str()) {
            continue;
        }
        let last_year: Vec<_> = LAST_YEAR
            .iter()
            .map(|f| input.with_file_name(f))
            .filter(|f| f.exists())
            .collect();
        if !last_year.is_empty() {
            use jixiao::check::declaration::{summarize_text, Declarations};
            let mut items = Vec::new();
            for f in &last_year {
                let source: std::sync::Arc<std::path::Path> = f.as_path().into();
                let t = std::fs::read_to_string(f).unwrap();
                items.extend(summarize_text(&t, &source, &s));
            }
            let decls = Declarations::new(items);
            a.diagnostics.extend(jixiao::check::history::check_absolute(
                &a.doc,
                &a.project_starts(),
                &decls,
                &s,
            ));
            a.diagnostics
                .sort_by_key(|d| (d.span.start, d.span.end, d.rule));
        }
        let declared = input.with_file_name(DECLARATION);
        if declared.exists() {
            use jixiao::check::declaration::{check_absolute, summarize_text, Declarations};
            let source: std::sync::Arc<std::path::Path> = declared.as_path().into();
            let decl_text = std::fs::read_to_string(&declared).unwrap();
            let decls = Declarations::new(summarize_text(&decl_text, &source, &s));
            a.diagnostics
                .extend(check_absolute(&a.doc, &a.project_starts(), &decls, &s));
            a.diagnostics
                .sort_by_key(|d| (d.span.start, d.span.end, d.rule));
        }
        let hits = a.diagnostics.iter().filter(|d| d.rule == rule).count();
        let verdict = match (near_miss, hits) {
            (false, 0) => Err(format!("expected at least one `{rule}`, got none")),
            (true, n) if n > 0 => Err(format!("near miss raised `{rule}` {n} time(s)")),
            _ => Ok(()),
        };
        if !near_miss {
            covered.insert(rule.clone());
        }
        cases.push((file.clone(), verdict));
        cases.push((
            format!("{file} diagnostics"),
            expect_file(
                &sibling(&input, "diagnostics"),
                &render_diagnostics(&text, &a.diagnostics),
            ),
        ));
    }
    let missing: Vec<&str> = jixiao::check::RULES
        .iter()
        .map(|r| r.id)
        .filter(|id| !covered.contains(*id))
        .collect();
    cases.push((
        "every rule has a fixture".into(),
        if missing.is_empty() {
            Ok(())
        } else {
            Err(format!("no fixture for: {}", missing.join(", ")))
        },
    ));
    run_all(cases);
}

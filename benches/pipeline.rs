//! Benchmarks of the pipeline, stage by stage, and of the incremental path, on generated
//! 绩效目标申报表 files of 100 and 2,000 projects (`benches/support/gen.rs`, docs/PERFORMANCE.md).
//!
//! Run: `cargo bench --bench pipeline -- --measurement-time 3 --warm-up-time 1`
//!
//! - `lex`, `parse`, `build`, `check`, `format`, `analyze`: one whole file.
//! - `reparse`: `SyntaxTree::reparse` after typing one character in the middle of the file,
//!   against `parse_after_edit`, a full parse of the same edited text.
//! - `doc_edit`: the server's document update (`DocState::edit`: rope, reparse, rebuild and
//!   re-check the touched project, whole-file checks), one keystroke.
//! - `keystroke`: `doc_edit` plus what `didChange` does before writing to the pipe — the
//!   `publishDiagnostics` frame (`DocState::publish_frame`, UTF-16).

#[path = "support/gen.rs"]
mod gen;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use jixiao::check::{check_document, Settings};
use jixiao::lexer::lex_line;
use jixiao::lsp::document::DocState;
use jixiao::model::build;
use jixiao::position::Encoding;
use jixiao::syntax::parse;
use std::sync::Arc;
use std::time::{Duration, Instant};

const SIZES: [usize; 2] = [100, 2000];
const SEED: u64 = 1;

/// A byte offset in the middle of the file: the middle of the first 年度总体目标 line of the
/// middle project (where a user types; the edit keeps the file's diagnostics as they are).
fn middle(text: &str, projects: usize) -> usize {
    let mut seen = 0;
    let mut at = 0;
    let mut in_target = false;
    for line in text.split_inclusive('\n') {
        if line.starts_with("项目:") {
            seen += 1;
            in_target = seen == projects / 2 + 1;
        } else if in_target && line.starts_with("    > ") {
            let body = line.trim_end();
            let mut mid = body.len() / 2;
            while !body.is_char_boundary(mid) {
                mid += 1;
            }
            return at + mid;
        }
        at += line.len();
    }
    panic!("no goal line in the middle project");
}

fn stages(c: &mut Criterion) {
    let settings = Settings::default();
    for n in SIZES {
        let text = gen::generate(n, SEED);
        let tree = parse(&text);
        let doc = build(&tree, &text, &settings.vocab);
        let starts = jixiao::analysis::project_starts(&tree);

        let mut g = c.benchmark_group(format!("stages/{n}"));
        g.throughput(Throughput::Bytes(text.len() as u64));
        if n > 1000 {
            g.sample_size(10);
        }
        g.bench_function("lex", |b| {
            b.iter(|| {
                let mut tokens = 0;
                for line in text.lines() {
                    tokens += lex_line(line).len();
                }
                black_box(tokens)
            })
        });
        g.bench_function("parse", |b| b.iter(|| black_box(parse(&text))));
        g.bench_function("build", |b| {
            b.iter(|| black_box(build(&tree, &text, &settings.vocab)))
        });
        g.bench_function("check", |b| {
            b.iter(|| black_box(check_document(&doc, &starts, &settings)))
        });
        g.bench_function("format", |b| {
            b.iter(|| black_box(jixiao::format::format(&text, &tree, &doc)))
        });
        g.bench_function("analyze", |b| {
            b.iter(|| black_box(jixiao::analysis::analyze(&text, &settings)))
        });
        g.bench_function("open", |b| {
            b.iter(|| black_box(DocState::new(&text, 1, Arc::new(Settings::default()))))
        });
        g.finish();
    }
}

fn incremental(c: &mut Criterion) {
    let mut g = c.benchmark_group("incremental");
    for n in SIZES {
        let text = gen::generate(n, SEED);
        let at = middle(&text, n);
        let mut edited = text.clone();
        edited.insert(at, '强');
        let tree = parse(&text);
        assert_eq!(tree.reparse(&edited, at, at), parse(&edited));

        g.bench_with_input(BenchmarkId::new("parse_after_edit", n), &n, |b, _| {
            b.iter(|| black_box(parse(&edited)))
        });
        g.bench_with_input(BenchmarkId::new("reparse", n), &n, |b, _| {
            b.iter(|| black_box(tree.reparse(&edited, at, at)))
        });

        // The server's document: type a character, then delete it, alternately, so that the
        // document stays the same size however many iterations criterion asks for.
        let settings = Arc::new(Settings::default());
        let mut doc = DocState::new(&text, 1, settings);
        let uri = tower_lsp::lsp_types::Url::parse("file:///bench.jixiao").unwrap();
        let ch = "强";
        let step = |doc: &mut DocState, i: u64| {
            if i.is_multiple_of(2) {
                doc.edit(at..at, ch);
            } else {
                doc.edit(at..at + ch.len(), "");
            }
        };
        g.bench_with_input(BenchmarkId::new("doc_edit", n), &n, |b, _| {
            b.iter_custom(|iters| {
                let t = Instant::now();
                for i in 0..iters {
                    step(&mut doc, i);
                }
                let d = t.elapsed();
                if iters % 2 == 1 {
                    step(&mut doc, 1);
                }
                d
            })
        });
        g.bench_with_input(BenchmarkId::new("keystroke", n), &n, |b, _| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for i in 0..iters {
                    let t = Instant::now();
                    step(&mut doc, i);
                    black_box(doc.publish_frame(&uri, Encoding::Utf16));
                    total += t.elapsed();
                }
                if iters % 2 == 1 {
                    step(&mut doc, 1);
                }
                total
            })
        });
        assert_eq!(doc.text(), text, "the edits did not cancel out");
    }
    g.finish();
}

criterion_group!(benches, stages, incremental);
criterion_main!(benches);

//! Memory of an open document, by part, measured with a counting allocator around the library
//! calls (`cargo bench --bench memory`; docs/PERFORMANCE.md). Bytes requested, not resident:
//! the allocator's own overhead and the process's baseline are in the server benchmark's RSS.

#[path = "support/gen.rs"]
mod gen;

use jixiao::check::Settings;
use jixiao::lsp::document::DocState;
use jixiao::model::build;
use jixiao::syntax::parse;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::sync::Arc;

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn note(delta: isize) {
    let now = LIVE.fetch_add(delta, Ordering::Relaxed) + delta;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to the system allocator; only sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        note(l.size() as isize);
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        note(-(l.size() as isize));
        System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        note(new as isize - l.size() as isize);
        System.realloc(p, l, new)
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Live bytes after `f`, and the peak while it ran, both above the level before it.
fn measure<T>(f: impl FnOnce() -> T) -> (T, f64, f64) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let v = f();
    let mb = |b: isize| (b - before) as f64 / 1e6;
    (
        v,
        mb(LIVE.load(Ordering::Relaxed)),
        mb(PEAK.load(Ordering::Relaxed)),
    )
}

fn main() {
    // `cargo test --benches` runs this too: keep that quick.
    let sizes: &[usize] = if std::env::args().any(|a| a == "--bench") {
        &[100, 2000]
    } else {
        &[20]
    };
    println!("| projects | file MB | syntax tree MB | models MB | open document (DocState) MB | ×file | peak while opening MB | peak while reading every project again MB |");
    println!("|---|---|---|---|---|---|---|---|");
    for &n in sizes {
        let text = gen::generate(n, 1);
        let settings = Arc::new(Settings::default());
        let (tree, tree_mb, _) = measure(|| parse(&text));
        let (doc, model_mb, _) = measure(|| build(&tree, &text, &settings.vocab));
        drop((doc, tree));
        let (state, doc_mb, peak_mb) = measure(|| DocState::new(&text, 1, settings.clone()));
        let file_mb = text.len() as f64 / 1e6;
        // What a whole-file feature (completion's uses of names, the outline) costs: every
        // cold project parsed and built again, one at a time.
        let (_, _, again_mb) = measure(|| {
            let mut indicators = 0;
            state.each_project(|_, p| indicators += p.indicators().count());
            indicators
        });
        println!(
            "| {n} | {file_mb:.2} | {tree_mb:.1} | {model_mb:.1} | {doc_mb:.1} | {:.1}× | {peak_mb:.1} | {again_mb:.2} |",
            doc_mb / file_mb
        );
        drop(state);
    }
}

//! jixiao — 绩效: the plain-text format for fiscal project performance forms.
//!
//! The pipeline, one module per layer, each knowing only the one below:
//! text → [`lexer`] → [`syntax`] (lossless, never fails) → [`model`] (typed, exact decimals)
//! → [`check`] (diagnostics with rule ids) → [`format`], [`export`], `cli`, `lsp`.
//! [`analysis`] runs the pipeline in one call; [`position`] is the only place that converts
//! byte offsets to lines and columns.

pub mod analysis;
pub mod check;
pub mod cli;
pub mod diff;
pub mod export;
pub mod format;
pub mod ide;
pub mod import;
pub mod invariants;
pub mod lexer;
pub mod lsp;
pub mod model;
pub mod position;
pub mod summary;
pub mod syntax;
pub mod walk;

// The benchmark workload generator, for the unit tests that run the pipeline on a big file; not
// part of the library.
#[cfg(test)]
#[path = "../benches/support/gen.rs"]
mod gen;

//! Edit scripts over a real form: the server's incremental document equals a full analysis.
#![no_main]
use libfuzzer_sys::fuzz_target;

const BASE: &str = include_str!("../../examples/songjiang-2021-self-eval.jixiao");

fuzz_target!(|data: &[u8]| {
    let edits = jixiao::invariants::edits_from_bytes(data);
    if let Err(e) = jixiao::invariants::check_edits(BASE, &edits) {
        panic!("{e}");
    }
});

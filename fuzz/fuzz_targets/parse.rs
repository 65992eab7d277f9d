//! Any bytes: parsing covers them all, formatting is idempotent and keeps the meaning.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = jixiao::invariants::check_text(&text) {
        panic!("{e}");
    }
});

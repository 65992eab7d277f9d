//! The benchmark workload generator (benches/support/gen.rs): deterministic, canonical, and
//! with the few diagnostics it plants, so the benchmarks measure what docs/PERFORMANCE.md says.

#[path = "../benches/support/gen.rs"]
mod gen;

use jixiao::analysis::{analyze, format_text};
use jixiao::check::Settings;

#[test]
fn deterministic_and_canonical() {
    let a = gen::generate(60, 7);
    assert_eq!(a, gen::generate(60, 7));
    assert_ne!(a, gen::generate(60, 8));
    let settings = Settings::default();
    assert_eq!(
        format_text(&a, &settings),
        a,
        "generated text is not canonical"
    );
    let diags = analyze(&a, &settings).diagnostics;
    assert!(
        diags.len() < 20,
        "{} diagnostics: {:#?}",
        diags.len(),
        diags
    );
}

#[test]
fn toml_has_every_project() {
    let t = gen::generate_toml(5, 1);
    assert_eq!(t.matches("[[project]]").count(), 5);
}

#[test]
fn money_format() {
    assert_eq!(gen::money(0), "0.00");
    assert_eq!(gen::money(123_456_789), "1,234,567.89");
    assert_eq!(gen::money(100_000), "1,000.00");
}

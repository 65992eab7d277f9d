//! `jixiao export`: the documented JSON interface.

use super::check::settings_for;
use super::files::{read, write_atomic};
use super::ExportTarget;
use crate::analysis::analyze;
use std::path::Path;

pub fn run(to: ExportTarget, file: &Path, output: Option<&Path>) -> u8 {
    let result = read(file).and_then(|t| settings_for(file, None).map(|s| (t, s)));
    let (text, settings) = match result {
        Ok(x) => x,
        Err(e) => {
            eprintln!("jixiao: {e}");
            return 2;
        }
    };
    let a = analyze(&text, &settings);
    let out = match to {
        ExportTarget::Json => {
            serde_json::to_string_pretty(&crate::export::to_json(&a.doc, &settings)).unwrap() + "\n"
        }
    };
    match output {
        Some(o) => match write_atomic(o, &out) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("jixiao: {e}");
                2
            }
        },
        None => {
            print!("{out}");
            0
        }
    }
}

//! `jixiao import`: a PDF text extraction of the forms, read into canonical jixiao text.

use super::check::settings_for;
use super::files::{display, read, write_atomic};
use std::path::Path;

/// Exit codes: 0 everything placed; 1 written, but some lines could not be placed (kept as
/// comments, listed on stderr); 2 unreadable input or no form found (nothing written).
pub fn run(file: &Path, output: Option<&Path>) -> u8 {
    let name = display(file);
    let text = match read(file) {
        Ok(t) => t,
        Err(e) => {
            errln!("jixiao: {e}");
            return 2;
        }
    };
    let settings_path = output.unwrap_or(file);
    let settings = match settings_for(settings_path, None) {
        Ok(s) => s,
        Err(e) => {
            errln!("jixiao: {e}");
            return 2;
        }
    };
    let source = file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| name.clone());
    let imported = match crate::import::import(&text, &settings, &source) {
        Ok(i) => i,
        Err(e) => {
            errln!("jixiao: {name}: {e}");
            return 2;
        }
    };
    for l in imported.report(&name) {
        errln!("{l}");
    }
    match output {
        Some(o) => {
            if let Err(e) = write_atomic(o, &imported.text) {
                errln!("jixiao: {e}");
                return 2;
            }
        }
        None => out!("{}", imported.text),
    }
    errln!("{}", imported.summary());
    u8::from(imported.unplaced() > 0)
}

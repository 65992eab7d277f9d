//! The built `jixiao` as a user runs it.

use std::process::Command;

/// The built binary.
pub const BIN: &str = env!("CARGO_BIN_EXE_jixiao");

/// Runs `jixiao ARGS` in the repository: (exit code, stdout, stderr).
pub fn jixiao(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(BIN)
        .args(args)
        .current_dir(super::root())
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

/// Runs `jixiao check ARGS` in the repository: (exit code, stdout then stderr).
pub fn check(args: &[&str]) -> (i32, String) {
    let (code, out, err) = jixiao(&[&["check"], args].concat());
    (code, out + &err)
}

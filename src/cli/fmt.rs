//! `jixiao fmt`: the server's formatter applied to files.

use super::check::settings_for;
use super::files::{display, expand, read, write_atomic};
use crate::analysis::format_text;
use std::path::PathBuf;

pub fn run(paths: &[PathBuf], check: bool) -> u8 {
    let files = match expand(paths) {
        Ok(f) => f,
        Err(e) => {
            errln!("jixiao: {e}");
            return 2;
        }
    };
    let (mut changed, mut failed) = (0usize, false);
    for path in &files {
        let result = read(path).and_then(|t| settings_for(path, None).map(|s| (t, s)));
        let (text, settings) = match result {
            Ok(x) => x,
            Err(e) => {
                errln!("jixiao: {e}");
                failed = true;
                continue;
            }
        };
        let out = format_text(&text, &settings);
        if path.as_os_str() == "-" {
            out!("{out}");
            continue;
        }
        if out != text {
            changed += 1;
            if check {
                outln!("{}: 需要格式化", display(path));
            } else if let Err(e) = write_atomic(path, &out) {
                errln!("jixiao: {e}");
                failed = true;
            } else {
                outln!("{}: 已格式化", display(path));
            }
        }
    }
    if failed {
        return 2;
    }
    let n = files.iter().filter(|p| p.as_os_str() != "-").count();
    if n > 0 {
        errln!(
            "{} 个文件，{} 个{}",
            n,
            changed,
            if check {
                "需要格式化"
            } else {
                "已重写"
            }
        );
    }
    u8::from(check && changed > 0)
}

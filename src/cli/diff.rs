//! `jixiao diff OLD NEW`, and the same as a git external diff driver (git passes seven
//! arguments: path old-file old-hex old-mode new-file new-hex new-mode; nine for a rename).

use super::check::settings_for;
use super::files::read;
use crate::analysis::analyze;
use std::path::Path;

/// Exit codes: plain `diff OLD NEW` — 0 no change, 1 changes printed, 2 error; as a git driver
/// — 0 whenever the files could be read (git stops at a driver that exits non-zero).
pub fn run(args: &[String]) -> u8 {
    let (label, old, new, git) = match args.len() {
        2 => (None, &args[0], &args[1], false),
        7 | 9 => {
            let label = if args.len() == 9 {
                format!("{} → {}", args[0], args[7])
            } else {
                args[0].clone()
            };
            (Some(label), &args[1], &args[4], true)
        }
        n => {
            errln!(
                "jixiao: diff 需要 2 个参数（旧文件 新文件），或 git 外部 diff 的 7 个参数；收到 {n} 个"
            );
            return 2;
        }
    };
    // Settings follow the file's place in the workspace (git's temp files live elsewhere).
    let settings_path = if git {
        Path::new(&args[0])
    } else {
        Path::new(new.as_str())
    };
    let settings = match settings_for(settings_path, None) {
        Ok(s) => s,
        Err(e) => {
            errln!("jixiao: {e}");
            return 2;
        }
    };
    let load = |p: &str| -> Result<String, String> {
        if p == "/dev/null" || (git && p == ".") {
            Ok(String::new())
        } else {
            read(Path::new(p))
        }
    };
    let (a, b) = match (load(old), load(new)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            errln!("jixiao: {e}");
            return 2;
        }
    };
    let lines = crate::diff::diff(&analyze(&a, &settings).doc, &analyze(&b, &settings).doc);
    if lines.is_empty() {
        return 0;
    }
    if let Some(l) = label {
        outln!("jixiao diff {l}");
    }
    for l in &lines {
        outln!("{l}");
    }
    if git {
        outln!();
        0
    } else {
        1
    }
}

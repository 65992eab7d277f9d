//! Finding and reading input files, with errors that name the file.

use crate::walk::{unreadable_dir, Found, Walk};
use std::path::{Path, PathBuf};

/// Expands directories into their `*.jixiao` files (see [`crate::walk`]); files are taken as
/// given. A folder that cannot be read stays in the list, where a file would have been, so that
/// each command reports it ([`read`] names it) the way it reports an unreadable file and goes on.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(p.clone());
        } else if p.is_dir() {
            out.extend(Walk::new(std::slice::from_ref(p)).map(|f| match f {
                Found::File(f) | Found::Unreadable(f, _) => f,
            }));
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(format!("{}: 文件不存在", p.display()));
        }
    }
    Ok(out)
}

/// Reads a file as UTF-8 text; invalid UTF-8 is an error naming the line.
pub fn read(path: &Path) -> Result<String, String> {
    let bytes = if path.as_os_str() == "-" {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut b)
            .map_err(|e| format!("标准输入: 无法读取：{e}"))?;
        b
    } else if path.is_dir() {
        return Err(match std::fs::read_dir(path) {
            Err(e) => unreadable_dir(path, &e),
            Ok(_) => format!("{}: 是目录，不是文件", path.display()),
        });
    } else {
        std::fs::read(path).map_err(|e| format!("{}: 无法读取：{e}", path.display()))?
    };
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        format!(
            "{}:{line}: 不是 UTF-8 编码的文本（第 {} 个字节无效）；请另存为 UTF-8",
            display(path),
            at + 1
        )
    })
}

pub fn display(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<标准输入>".into()
    } else {
        path.display().to_string()
    }
}

/// Writes through a temporary file and a rename, so a failure leaves the old file whole.
pub fn write_atomic(path: &Path, content: impl AsRef<[u8]>) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.jixiao-tmp",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    ));
    std::fs::write(&tmp, content.as_ref())
        .map_err(|e| format!("{}: 无法写入：{e}", path.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("{}: 无法写入：{e}", path.display())
    })
}

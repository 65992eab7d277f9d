//! Finding and reading input files, with errors that name the file.

use crate::walk::{unreadable_dir, Found, Walk};
use std::io::Write;
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

/// Replaces a file's text so that a failure leaves the old text whole (a temporary file in the
/// same folder, then a rename) while the file stays what it was: through a symbolic link the
/// target is written and the link kept; the mode (and, where allowed, the owner) is kept; a
/// file with other hard links is rewritten in place, so the links keep sharing it (not atomic:
/// the price of keeping them); a read-only file is refused — by its mode bits, since for root
/// every file is writable.
pub fn write_atomic(path: &Path, content: impl AsRef<[u8]>) -> Result<(), String> {
    write_atomic_with(path, |w| w.write_all(content.as_ref()))
}

/// [`write_atomic`] of what `write` writes, without holding it all in memory first.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    let failed = |e: std::io::Error| format!("{}: 无法写入：{e}", path.display());
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let target = if is_link {
        std::fs::canonicalize(path).map_err(failed)?
    } else {
        path.to_path_buf()
    };
    let old = std::fs::metadata(&target).ok();
    if let Some(m) = &old {
        let writable = std::fs::OpenOptions::new()
            .write(true)
            .open(&target)
            .is_ok();
        if m.permissions().readonly() || !writable {
            return Err(format!(
                "{}: 文件是只读的，没有改写；需要改写请先允许写入（如 chmod u+w）",
                path.display()
            ));
        }
        if shares_links(m) {
            return write_to(&target, write).map_err(failed);
        }
    }
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.jixiao-tmp",
        target
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    ));
    let written = write_to(&tmp, write).and_then(|_| match &old {
        Some(m) => {
            keep_owner(&tmp, m);
            std::fs::set_permissions(&tmp, m.permissions())
        }
        None => Ok(()),
    });
    written
        .and_then(|_| std::fs::rename(&tmp, &target))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            failed(e)
        })
}

/// Creates or truncates `path` and writes through a buffer.
fn write_to(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    write(&mut w)?;
    w.flush()
}

#[cfg(unix)]
fn shares_links(m: &std::fs::Metadata) -> bool {
    std::os::unix::fs::MetadataExt::nlink(m) > 1
}

#[cfg(not(unix))]
fn shares_links(_: &std::fs::Metadata) -> bool {
    false
}

/// Best effort: only root may give a file away, and a file we may write is enough.
#[cfg(unix)]
fn keep_owner(tmp: &Path, m: &std::fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    let _ = std::os::unix::fs::chown(tmp, Some(m.uid()), Some(m.gid()));
}

#[cfg(not(unix))]
fn keep_owner(_: &Path, _: &std::fs::Metadata) {}

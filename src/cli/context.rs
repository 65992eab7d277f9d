//! The forms read as context of the cross-file checks beyond the files checked: those under
//! the `roots` of the jixiao.toml of each checked file (`check::roots`). They pair with the
//! checked files like any other file, but are not checked or reported themselves.

use crate::check::roots::Root;
use crate::check::Settings;
use crate::walk::{Found, Walk};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The `*.jixiao` files under the roots named for `checked`, without the checked ones. A root
/// or a folder in it that cannot be read is a warning on stderr; the check goes on.
pub fn root_files(checked: &[PathBuf]) -> Vec<PathBuf> {
    let mut roots: Vec<Root> = Vec::new();
    let mut dirs: HashSet<PathBuf> = HashSet::new();
    for path in checked.iter().filter(|p| p.as_os_str() != "-") {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if !dirs.insert(dir) {
            continue;
        }
        // A configuration error is reported with the file it governs, by the check itself.
        let Ok(s) = Settings::for_file(path) else {
            continue;
        };
        for r in s.roots {
            if !roots.iter().any(|q| q.path == r.path) {
                roots.push(r);
            }
        }
    }
    let mut usable = Vec::new();
    for r in roots {
        match r.problem() {
            Some(msg) => errln!("jixiao: 警告：{msg}"),
            None => usable.push(r.path),
        }
    }
    if usable.is_empty() {
        return Vec::new();
    }
    let identity = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let own: HashSet<PathBuf> = checked.iter().map(|p| identity(p)).collect();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    // One walk over all roots: a folder named twice, or reached again through a link, is read once.
    for found in Walk::new(&usable) {
        match found {
            Found::File(p) => {
                let id = identity(&p);
                if !own.contains(&id) && seen.insert(id) {
                    out.push(p);
                }
            }
            Found::Unreadable(_, msg) => errln!("jixiao: 警告：{msg}"),
        }
    }
    out
}

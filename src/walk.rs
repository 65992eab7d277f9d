//! The one walk over folders for `*.jixiao` files, shared by the command line and the server's
//! workspace index. It follows symbolic links (a linked folder of last year's forms is a
//! normal layout) but enters every directory at most once — keyed by (device, inode) on unix,
//! by canonical path elsewhere — so links back to a parent (`ln -s . a`) end instead of
//! multiplying the tree. Order is deterministic: entries sorted by path, depth first. An
//! unreadable folder is reported (naming that folder) and the walk goes on.
//!
//! [`Walk::step`] does one bounded unit of work (read one directory, or look at one entry), so
//! the server can yield between steps; the iterator runs steps until something is found.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};

pub const EXTENSION: &str = "jixiao";

/// What a walk finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    File(PathBuf),
    /// A folder that could not be read, and why; the message is in Chinese and names it.
    Unreadable(PathBuf, String),
}

/// The outcome of one [`Walk::step`].
#[derive(Debug)]
pub enum Step {
    Found(Found),
    /// Work done, nothing to report yet.
    Busy,
    Done,
}

#[cfg(unix)]
type DirKey = (u64, u64);
#[cfg(not(unix))]
type DirKey = PathBuf;

type ReadDir = fn(&Path) -> io::Result<Vec<PathBuf>>;

pub struct Walk {
    /// Roots not yet started, last first.
    roots: Vec<PathBuf>,
    /// For each open directory, its entries not yet looked at, last first.
    stack: Vec<Vec<PathBuf>>,
    visited: HashSet<DirKey>,
    dirs_read: usize,
    /// How many roots have been started.
    started: usize,
    read_dir: ReadDir,
}

impl Walk {
    /// A walk over `roots`, each a directory (a root that is a file is found as itself).
    pub fn new(roots: &[PathBuf]) -> Walk {
        Walk {
            roots: roots.iter().rev().cloned().collect(),
            stack: Vec::new(),
            visited: HashSet::new(),
            dirs_read: 0,
            started: 0,
            read_dir: list_dir,
        }
    }

    /// How many directories have been read so far (for bounding a walk).
    pub fn dirs_read(&self) -> usize {
        self.dirs_read
    }

    /// Adds a root, walked after the others (a folder already walked is not walked again).
    pub fn push_root(&mut self, root: PathBuf) {
        self.roots.insert(0, root);
    }

    /// How many roots have been started: the files found come from root `started() - 1`.
    pub fn started(&self) -> usize {
        self.started
    }

    pub fn step(&mut self) -> Step {
        let Some(top) = self.stack.last_mut() else {
            let next = self.roots.pop();
            self.started += usize::from(next.is_some());
            return match next {
                Some(root) => match std::fs::metadata(&root) {
                    Ok(m) if m.is_dir() => self.enter(root, &m),
                    Ok(_) => Step::Found(Found::File(root)),
                    Err(e) => unreadable(root, e),
                },
                None => Step::Done,
            };
        };
        let Some(path) = top.pop() else {
            self.stack.pop();
            return Step::Busy;
        };
        let name = path.file_name().map(|n| n.to_string_lossy());
        if name.is_some_and(|n| n.starts_with('.') || n == "target" || n == "node_modules") {
            return Step::Busy;
        }
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => self.enter(path, &m),
            // A `.jixiao` name that cannot be followed (a dangling link) is still a file the
            // user expects to be checked: reading it reports why it cannot be.
            _ if path.extension().is_some_and(|x| x == EXTENSION) => Step::Found(Found::File(path)),
            // Neither a dangling link nor a file gone meanwhile: something there (a folder
            // whose path is too long, one we may not look into) cannot be seen.
            Err(e) if e.kind() != io::ErrorKind::NotFound && !is_link(&path) => unreadable(path, e),
            _ => Step::Busy,
        }
    }

    fn enter(&mut self, dir: PathBuf, meta: &std::fs::Metadata) -> Step {
        let Some(key) = dir_key(&dir, meta) else {
            return unreadable(dir, io::Error::other("无法确定目录的身份"));
        };
        if !self.visited.insert(key) {
            return Step::Busy;
        }
        self.dirs_read += 1;
        match (self.read_dir)(&dir) {
            Ok(mut entries) => {
                entries.sort();
                entries.reverse();
                self.stack.push(entries);
                Step::Busy
            }
            Err(e) => unreadable(dir, e),
        }
    }

    #[cfg(test)]
    fn with_read_dir(mut self, f: ReadDir) -> Walk {
        self.read_dir = f;
        self
    }
}

impl Iterator for Walk {
    type Item = Found;

    fn next(&mut self) -> Option<Found> {
        loop {
            match self.step() {
                Step::Found(f) => return Some(f),
                Step::Busy => {}
                Step::Done => return None,
            }
        }
    }
}

fn unreadable(dir: PathBuf, e: io::Error) -> Step {
    let msg = unreadable_dir(&dir, &e);
    Step::Found(Found::Unreadable(dir, msg))
}

/// The message for a folder that cannot be read.
pub fn unreadable_dir(dir: &Path, e: &io::Error) -> String {
    format!("{}: 无法读取目录（其中的文件未检查）：{e}", dir.display())
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

fn list_dir(dir: &Path) -> io::Result<Vec<PathBuf>> {
    std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect()
}

#[cfg(unix)]
fn dir_key(_: &Path, meta: &std::fs::Metadata) -> Option<DirKey> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn dir_key(dir: &Path, _: &std::fs::Metadata) -> Option<DirKey> {
    std::fs::canonicalize(dir).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[&str]) -> PathBuf {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "jixiao-walk-{}-{}-{}",
            std::process::id(),
            files.len(),
            N.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        for f in files {
            let p = dir.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
        dir
    }

    fn names(root: &Path, w: Walk) -> Vec<String> {
        w.map(|f| match f {
            Found::File(p) => p.strip_prefix(root).unwrap().display().to_string(),
            Found::Unreadable(p, _) => format!("!{}", p.strip_prefix(root).unwrap().display()),
        })
        .collect()
    }

    #[test]
    fn sorted_depth_first_skipping_hidden_and_build_folders() {
        let root = tree(&[
            "b.jixiao",
            "a/z.jixiao",
            "a/y.txt",
            ".git/x.jixiao",
            "target/t.jixiao",
            "c.jixiao",
        ]);
        assert_eq!(
            names(&root, Walk::new(std::slice::from_ref(&root))),
            ["a/z.jixiao", "b.jixiao", "c.jixiao"]
        );
        std::fs::remove_dir_all(root).unwrap();
    }

    /// A root pushed during the walk comes after the others; a folder already walked is not
    /// walked again; `started` tells which root a file came from.
    #[test]
    fn pushed_roots_come_last_and_once() {
        let root = tree(&["a/x.jixiao", "b/y.jixiao"]);
        let mut w = Walk::new(&[root.join("a")]);
        w.push_root(root.join("b"));
        w.push_root(root.join("a"));
        let mut found = Vec::new();
        for f in w.by_ref() {
            found.push(f);
        }
        assert_eq!(
            found,
            [
                Found::File(root.join("a/x.jixiao")),
                Found::File(root.join("b/y.jixiao"))
            ]
        );
        assert_eq!(w.started(), 3);
        std::fs::remove_dir_all(root).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn links_back_to_a_parent_are_entered_once() {
        let root = tree(&["x.jixiao", "sub/y.jixiao"]);
        std::os::unix::fs::symlink(".", root.join("a")).unwrap();
        std::os::unix::fs::symlink(".", root.join("b")).unwrap();
        std::os::unix::fs::symlink("..", root.join("sub/up")).unwrap();
        assert_eq!(
            names(&root, Walk::new(std::slice::from_ref(&root))),
            ["sub/y.jixiao", "x.jixiao"]
        );
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn an_unreadable_folder_is_reported_by_name_and_the_walk_goes_on() {
        fn failing(dir: &Path) -> io::Result<Vec<PathBuf>> {
            if dir.ends_with("locked") {
                Err(io::Error::from(io::ErrorKind::PermissionDenied))
            } else {
                list_dir(dir)
            }
        }
        let root = tree(&["a.jixiao", "locked/b.jixiao", "z/c.jixiao"]);
        let w = Walk::new(std::slice::from_ref(&root)).with_read_dir(failing);
        let found: Vec<Found> = w.collect();
        assert_eq!(found.len(), 3);
        let Found::Unreadable(p, msg) = &found[1] else {
            panic!("{found:?}")
        };
        assert!(p.ends_with("locked"));
        assert!(msg.contains("locked: 无法读取目录"), "{msg}");
        assert_eq!(found[2], Found::File(root.join("z/c.jixiao")));
        std::fs::remove_dir_all(root).unwrap();
    }
}

//! Building and refreshing the workspace index, and noticing `jixiao.toml` changes, without
//! blocking the server. The walk ([`crate::walk`]) runs in a task on the server's own thread,
//! one step (one directory read, one entry, one file indexed) between yields, so requests —
//! `shutdown` included — are answered while it runs; it stops at shutdown and is bounded in
//! files and directories. Its transient memory is then reused by the documents (a thread of its
//! own would keep it in a malloc arena of its own, docs/PERFORMANCE.md).
//!
//! Clients without file watchers never say that a file appeared or `jixiao.toml` changed, so
//! on `didOpen`/`didSave` the server rescans (only files whose modification time changed are
//! re-read) and compares the configuration files of the open documents with what it last saw.

use super::folder;
use super::link;
use super::publish::Outbox;
use super::pull;
use super::workspace::MAX_FILES;
use super::State;
use crate::check::Settings;
use crate::walk::{Found, Step, Walk};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

/// The most directories read by one scan, so a workspace opened on `/` or `$HOME` ends.
const MAX_DIRS: usize = 20_000;

type Stamp = Option<SystemTime>;

#[derive(Default)]
pub struct Scan {
    /// Each indexed file's modification time when it was read.
    seen: HashMap<PathBuf, Stamp>,
    /// For each folder of an open document, its configuration file and that file's time.
    configs: HashMap<PathBuf, Option<(PathBuf, Stamp)>>,
    running: bool,
    /// A rescan was asked for while one was running.
    again: bool,
}

impl Scan {
    /// Makes the next scan re-read every file (the settings changed).
    pub fn forget(&mut self) {
        self.seen.clear();
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

fn stamp(path: &Path) -> Stamp {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Starts a scan of the workspace folders, or asks the running one to go again when done.
pub fn rescan(state: Arc<Mutex<State>>, shut_down: Arc<AtomicBool>, out: Outbox) {
    {
        let mut st = lock(&state);
        if st.scan.running {
            st.scan.again = true;
            return;
        }
        st.scan.running = true;
    }
    tokio::spawn(async move {
        loop {
            let roots = lock(&state).roots.clone();
            scan_once(&state, &roots, &shut_down, &out).await;
            let mut st = lock(&state);
            if st.scan.again && !shut_down.load(Ordering::SeqCst) {
                st.scan.again = false;
            } else {
                st.scan.running = false;
                break;
            }
        }
    });
}

async fn scan_once(state: &Mutex<State>, roots: &[PathBuf], shut_down: &AtomicBool, out: &Outbox) {
    let mut walk = Walk::new(roots);
    let mut found: HashSet<PathBuf> = HashSet::new();
    let mut complete = false;
    let mut reread = 0usize;
    // Whether a 申报表's declared projects changed, for the 自评表 held against them.
    let mut declared_changed = false;
    // Whether a file's problems on disk changed, for a client that pulls them.
    let mut problems_changed = false;
    while !shut_down.load(Ordering::SeqCst) {
        if walk.dirs_read() > MAX_DIRS || found.len() >= MAX_FILES {
            tracing::warn!("workspace index: stopped at {MAX_DIRS} folders or {MAX_FILES} files");
            break;
        }
        match walk.step() {
            Step::Done => {
                complete = true;
                break;
            }
            Step::Busy => {}
            Step::Found(Found::Unreadable(_, msg)) => tracing::warn!("{msg}"),
            Step::Found(Found::File(path)) => {
                let t = stamp(&path);
                found.insert(path.clone());
                let fresh = t.is_some() && lock(state).scan.seen.get(&path) == Some(&t);
                if !fresh {
                    let how = folder::settings(&mut lock(state), &path);
                    let ix = folder::index_checked(&path, how);
                    reread += 1;
                    let mut st = lock(state);
                    st.scan.seen.insert(path.clone(), t);
                    let before = st.index.get(&path).map(|i| &i.declared);
                    declared_changed |= before != ix.as_ref().map(|i| &i.declared);
                    let before = st.index.get(&path).map(|i| &i.diagnostics);
                    problems_changed |= before != ix.as_ref().map(|i| &i.diagnostics);
                    let gone = match ix {
                        Some(ix) => {
                            st.index.insert(path.clone(), ix);
                            false
                        }
                        None => st.index.remove(&path).is_some(),
                    };
                    let f = if gone {
                        folder::cleared_frame(&st, &path)
                    } else {
                        folder::on_disk_frame(&st, &path)
                    };
                    if let Some(f) = f.filter(|_| !st.diag_pull.enabled) {
                        let _ = out.send(f);
                    }
                }
            }
        }
        tokio::task::yield_now().await;
    }
    if complete {
        // Only a walk that saw everything may say that a file is gone.
        let mut st = lock(state);
        let mut gone = Vec::new();
        st.index.retain(|p, i| {
            let keep = found.contains(p);
            declared_changed |= !keep && !i.declared.is_empty();
            if !keep {
                gone.push(p.clone());
            }
            keep
        });
        st.scan.seen.retain(|p, _| found.contains(p));
        problems_changed |= !gone.is_empty();
        for f in gone.iter().filter_map(|p| folder::cleared_frame(&st, p)) {
            if !st.diag_pull.enabled {
                let _ = out.send(f);
            }
        }
    }
    if declared_changed {
        let mut st = lock(state);
        st.decls = None;
        let batch = link::refresh(&mut st, None);
        pull::deliver(&st, out, batch);
    }
    if problems_changed {
        lock(state).diag_pull.changed();
    }
    tracing::info!(
        "workspace index: {} files, {reread} read from disk",
        found.len()
    );
}

/// Whether the configuration of an open document changed on disk since last looked at (a
/// `jixiao.toml` edited, created or deleted above it). A few `stat`s per folder of open
/// documents. A folder seen for the first time is compared with the file its documents'
/// settings came from.
pub fn configs_changed(st: &mut State) -> bool {
    let dirs: HashMap<PathBuf, Option<PathBuf>> = st
        .docs
        .iter()
        .filter_map(|(u, d)| {
            let path = u.to_file_path().ok()?;
            Some((path.parent()?.to_path_buf(), d.settings.source.clone()))
        })
        .collect();
    let mut changed = false;
    for (dir, source) in dirs {
        let canonical = dir.canonicalize().unwrap_or_else(|_| dir.clone());
        let now = Settings::find_config(&canonical).map(|c| {
            let t = stamp(&c);
            (c, t)
        });
        let now_source = now.as_ref().map(|(c, _)| c.clone());
        match st.scan.configs.insert(dir, now.clone()) {
            Some(before) => changed |= before != now,
            None => changed |= now_source != source,
        }
    }
    changed
}

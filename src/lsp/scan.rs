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
use super::publish::Outbox;
use super::unopened;
use super::workspace::MAX_FILES;
use super::State;
use crate::check::roots::Root;
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
    /// The warnings about `roots` already shown, until the configuration changes.
    warned: HashSet<String>,
}

impl Scan {
    /// Makes the next scan re-read every file (the settings changed).
    pub fn forget(&mut self) {
        self.seen.clear();
        self.warned.clear();
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
    // The folders of the jixiao.toml `roots` are walked after the workspace folders; what is
    // found only there is context (`check::roots`).
    let mut extra = Vec::new();
    let named: Vec<Root> = lock(state)
        .docs
        .values()
        .flat_map(|d| d.settings.roots.clone())
        .collect();
    for r in &named {
        add_root(&mut lock(state), &mut walk, &mut extra, r, out);
    }
    let mut found: HashSet<PathBuf> = HashSet::new();
    let mut complete = false;
    // Whether a form's declared projects changed, for the open documents held against them.
    let mut declared_changed = false;
    // For the files on disk held against a form that changed after they were read
    // (`unopened::stale`): the step at which each file was read, and each key changed.
    let mut step = 0usize;
    let mut reread = 0usize;
    let mut checked_at: HashMap<PathBuf, usize> = HashMap::new();
    let mut changed_at: HashMap<unopened::Key, usize> = HashMap::new();
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
                let context = walk.started() > roots.len();
                if !context {
                    let (settings, _) = folder::settings(&mut lock(state), &path);
                    for r in &settings.roots {
                        add_root(&mut lock(state), &mut walk, &mut extra, r, out);
                    }
                }
                let t = stamp(&path);
                found.insert(path.clone());
                let fresh = t.is_some() && lock(state).scan.seen.get(&path) == Some(&t);
                if !fresh {
                    step += 1;
                    reread += 1;
                    let o = unopened::recheck(state, &path, context, true, out);
                    lock(state).scan.seen.insert(path.clone(), t);
                    declared_changed |= o.declared;
                    checked_at.insert(path, step);
                    changed_at.extend(o.keys.into_iter().map(|k| (k, step)));
                }
            }
        }
        tokio::task::yield_now().await;
    }
    if complete {
        // Only a walk that saw everything may say that a file is gone.
        let mut st = lock(state);
        let gone: Vec<PathBuf> = st
            .index
            .keys()
            .filter(|p| !found.contains(*p))
            .cloned()
            .collect();
        st.scan.seen.retain(|p, _| found.contains(p));
        step += 1;
        for p in &gone {
            let ix = st.index.remove(p).unwrap_or_default();
            declared_changed |= !ix.offer.keys.is_empty();
            let keys = unopened::changed_keys(&mut st, p);
            changed_at.extend(keys.into_iter().map(|k| (k, step)));
            if let Some(f) = (!ix.context)
                .then(|| folder::cleared_frame(&st, p))
                .flatten()
            {
                if st.diag_pull.enabled {
                    st.diag_pull.changed();
                } else {
                    let _ = out.send(f);
                }
            }
        }
    }
    let stale = unopened::stale(&lock(state), &checked_at, &changed_at);
    super::offers::prune(&mut lock(state));
    let rechecked = stale.len();
    unopened::follow(state, stale, Vec::new(), out).await;
    if declared_changed {
        unopened::refresh_open(&mut lock(state), out);
    }
    if reread > 0 {
        super::trim::release_freed();
    }
    let (kept, summarised) = {
        let st = lock(state);
        let kept: usize = st.index.values().map(|f| f.known.heap_bytes()).sum();
        (
            kept,
            st.index.values().filter(|f| f.declared.is_some()).count(),
        )
    };
    tracing::info!(
        "workspace index: {} files, {reread} read from disk, {rechecked} checked again for their partners; names and indicators {} KiB, {summarised} files' summaries kept for their partners",
        found.len(),
        kept / 1024
    );
}

/// Adds a folder of a jixiao.toml's `roots` to the walk, once; one that cannot be read is a
/// warning, shown once until the configuration changes.
fn add_root(st: &mut State, walk: &mut Walk, added: &mut Vec<PathBuf>, r: &Root, out: &Outbox) {
    if added.contains(&r.path) {
        return;
    }
    added.push(r.path.clone());
    match r.problem() {
        None => walk.push_root(r.path.canonicalize().unwrap_or_else(|_| r.path.clone())),
        Some(msg) => {
            tracing::warn!("{msg}");
            if st.scan.warned.insert(msg.clone()) {
                let _ = out.send(show_warning(&msg));
            }
        }
    }
}

/// A `window/showMessage` warning, framed.
fn show_warning(msg: &str) -> Vec<u8> {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "method": "window/showMessage",
        "params": {"type": 2, "message": format!("jixiao：{msg}")},
    })
    .to_string();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
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

//! Cross-file findings for the workspace files that are not open (issue #13): a 自评表 on disk is
//! held against its 申报表, a 申报表 against last year's forms, exactly as `jixiao check DIR`
//! holds them (`declaration::check_linked`), with open documents as they stand and other files
//! as on disk. The result lives in the index entry's `diagnostics`, the one source of an
//! unopened file's problems.
//!
//! Bounded: when a form changes (read from disk, opened, edited, closed, gone), only the files
//! held against its (单位, 年度) are checked again, and only when what they are checked against
//! changed — not its positions, so typing above a 申报表's indicators re-checks nothing.

use super::folder::{self, Checked};
use super::publish::{Outbox, Prepared};
use super::workspace::FileIndex;
use super::State;
use crate::check::declaration::{self, Declarations, DeclaredProject};
use crate::model::FormKind;
use ropey::Rope;
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

pub type Key = (String, i32);
type Declared = Vec<(Key, Arc<DeclaredProject>)>;

/// For each form, what the unopened files were last checked against: a fingerprint of its
/// projects (as open or as on disk) and their keys.
#[derive(Default)]
pub struct Links {
    seen: HashMap<PathBuf, (u64, Vec<Key>)>,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

/// What a form offers the forms held against it, without positions.
fn fingerprint(items: &Declared) -> u64 {
    let mut h = DefaultHasher::new();
    for (k, p) in items {
        k.hash(&mut h);
        (p.kind == FormKind::Target).hash(&mut h);
        (&p.name, p.total).hash(&mut h);
        for i in &p.indicators {
            (&i.level1, &i.level2, &i.name, &i.value_text, &i.actual).hash(&mut h);
        }
    }
    h.finish()
}

fn open_doc<'s>(st: &'s mut State, path: &Path) -> Option<&'s mut super::DocState> {
    st.docs
        .iter_mut()
        .find(|(u, _)| u.to_file_path().is_ok_and(|p| p == path))
        .map(|(_, d)| d)
}

/// The projects of `path` as the other files see them: the open document's, else the file's
/// on disk.
fn current(st: &mut State, path: &Path) -> Option<Declared> {
    let source: Arc<Path> = path.into();
    if let Some(doc) = open_doc(st, path) {
        return Some(doc.declared(&source).clone());
    }
    st.index.get(path).map(|i| i.declared.clone())
}

/// After `path` may have changed: the keys whose forms changed (empty when nothing the files
/// held against it see did).
pub fn changed_keys(st: &mut State, path: &Path) -> Vec<Key> {
    let now = current(st, path).filter(|d| !d.is_empty()).map(|d| {
        (
            fingerprint(&d),
            d.into_iter().map(|(k, _)| k).collect::<Vec<_>>(),
        )
    });
    let before = match &now {
        Some(n) => st.links.seen.insert(path.to_path_buf(), n.clone()),
        None => st.links.seen.remove(path),
    };
    match (before, now) {
        (Some((a, _)), Some((b, _))) if a == b => Vec::new(),
        (before, now) => {
            let mut keys: Vec<Key> = before.into_iter().chain(now).flat_map(|x| x.1).collect();
            keys.sort();
            keys.dedup();
            keys
        }
    }
}

/// [`changed_keys`] for an open document just edited, at the cost of a few comparisons when no
/// file on disk is held against it (the common case while typing).
pub fn edited(st: &mut State, path: &Path) -> Vec<Key> {
    let pairs = st.index.values().any(|ix| !ix.links.is_empty());
    let Some(doc) = open_doc(st, path).filter(|_| pairs) else {
        st.links.seen.remove(path);
        return Vec::new();
    };
    let own = own_keys(doc);
    let partners = st
        .index
        .values()
        .any(|ix| !ix.context && ix.links.iter().any(|k| own.contains(k)));
    if !partners {
        // Whatever is recorded may be out of date by the time a partner appears.
        st.links.seen.remove(path);
        return Vec::new();
    }
    changed_keys(st, path)
}

/// The (单位, 年度) of a document's projects, each once; without a look at the projects when
/// the header names the 单位 (then every project has it).
fn own_keys(doc: &super::DocState) -> Vec<Key> {
    let squeeze = |u: &str| u.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let header_unit = doc.header.unit.as_ref().map(|u| squeeze(&u.value));
    if let (Some(u), Some(y)) = (header_unit.filter(|u| !u.is_empty()), doc.header.year()) {
        return vec![(u, y)];
    }
    let mut keys: Vec<Key> = Vec::new();
    for k in (0..doc.len()).filter_map(|i| doc.project_key(i)) {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys
}

/// The declared projects of `keys`: open documents as they stand, other files as on disk.
fn decls_for(st: &mut State, keys: &[Key]) -> Declarations {
    let mut items = Vec::new();
    let mut open = Vec::new();
    for (uri, doc) in st.docs.iter_mut() {
        let Ok(path) = uri.to_file_path() else {
            continue;
        };
        if doc
            .header
            .year()
            .is_some_and(|y| keys.iter().any(|k| k.1 == y))
        {
            let source: Arc<Path> = path.as_path().into();
            let of_keys = doc
                .declared(&source)
                .iter()
                .filter(|(k, _)| keys.contains(k));
            items.extend(of_keys.cloned());
        }
        open.push(path);
    }
    for (path, f) in &st.index {
        if !open.contains(path) {
            items.extend(f.declared.iter().filter(|(k, _)| keys.contains(k)).cloned());
        }
    }
    Declarations::new(items)
}

/// The index entry of a file just read, with its diagnostics: its own and the cross-file ones,
/// in the order `jixiao check` prints them.
pub fn finish(st: &mut State, c: Checked) -> FileIndex {
    let Checked {
        mut ix,
        analysis,
        text,
        settings,
        enc,
    } = c;
    let Some(mut a) = analysis else { return ix };
    ix.links = declaration::partner_keys(&a.doc);
    if !ix.links.is_empty() {
        let decls = decls_for(st, &ix.links);
        if decls.concerns(&a.doc) {
            let starts = a.project_starts();
            let linked = declaration::check_linked(&a.doc, &starts, &decls, &settings);
            a.diagnostics.extend(linked);
            a.diagnostics
                .sort_by_key(|d| (d.span.start, d.span.end, d.rule));
        }
    }
    if !a.diagnostics.is_empty() {
        let rope = Rope::from_str(&text);
        ix.diagnostics = a
            .diagnostics
            .iter()
            .map(|d| Prepared::new(&super::convert::diagnostic(&rope, d, enc)))
            .collect();
    }
    ix
}

/// What re-reading one file changed.
#[derive(Default)]
pub struct Outcome {
    /// The keys whose forms changed, for the files held against them.
    pub keys: Vec<Key>,
    /// Its projects changed, positions included (the open documents' snapshot, `link`).
    pub declared: bool,
}

/// Re-reads `path` into the index and publishes its diagnostics — always when `publish`, else
/// when they changed; a file gone is cleared.
pub fn recheck(
    state: &Mutex<State>,
    path: &Path,
    context: bool,
    publish: bool,
    out: &Outbox,
) -> Outcome {
    let how = folder::settings(&mut lock(state), path);
    let checked = folder::check_file(path, how, context);
    let mut st = lock(state);
    let ix = checked.map(|c| finish(&mut st, c));
    let old = st.index.remove(path);
    let declared = old.as_ref().map(|i| &i.declared) != ix.as_ref().map(|i| &i.declared);
    let diags = |i: &Option<FileIndex>| i.as_ref().map(|i| i.diagnostics.clone());
    let same = diags(&old) == diags(&ix);
    let frame = match ix {
        Some(ix) => {
            st.index.insert(path.to_path_buf(), ix);
            (publish || !same)
                .then(|| folder::on_disk_frame(&st, path))
                .flatten()
        }
        None if old.is_some_and(|o| !o.context) => folder::cleared_frame(&st, path),
        None => None,
    };
    if let Some(f) = frame {
        if st.diag_pull.enabled {
            // A client that pulls is told to pull again instead.
            st.diag_pull.changed();
        } else {
            // Fails only when the output is gone, i.e. the session is ending.
            let _ = out.send(f);
        }
    }
    Outcome {
        keys: changed_keys(&mut st, path),
        declared,
    }
}

/// The unopened files (not context) held against forms of `keys`, except `skip`.
fn affected(st: &State, keys: &[Key], skip: &HashSet<PathBuf>) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = st
        .index
        .iter()
        .filter(|(p, ix)| {
            !ix.context && !skip.contains(*p) && ix.links.iter().any(|k| keys.contains(k))
        })
        .map(|(p, _)| p.clone())
        .filter(|p| !folder::is_open(st, p))
        .collect();
    out.sort();
    out
}

/// Checks again `paths` and the unopened files held against forms of `keys` (and, if one of
/// them turns out changed on disk, those held against it), one file between yields; then the
/// open documents follow if a form's projects changed.
pub async fn follow(
    state: &Mutex<State>,
    mut paths: Vec<PathBuf>,
    mut keys: Vec<Key>,
    out: &Outbox,
) {
    let mut done = HashSet::new();
    let mut declared = false;
    loop {
        if paths.is_empty() {
            paths = affected(&lock(state), &keys, &done);
            keys.clear();
            if paths.is_empty() {
                break;
            }
        }
        for p in std::mem::take(&mut paths) {
            if !done.insert(p.clone()) {
                continue;
            }
            let o = recheck(state, &p, false, false, out);
            keys.extend(o.keys);
            declared |= o.declared;
            tokio::task::yield_now().await;
        }
    }
    if declared {
        refresh_open(&mut lock(state), out);
    }
}

/// The open documents after a form on disk changed: their snapshot is rebuilt.
pub fn refresh_open(st: &mut State, out: &Outbox) {
    st.decls = None;
    let batch = super::link::refresh(st, None);
    super::pull::deliver(st, out, batch);
}

/// The files whose check is older than a change of a form they are held against, in a scan
/// where `checked[p]` is the step at which `p` was read and `changed[k]` the last step at which
/// a form of `k` changed (files not read in this scan were checked before it: step 0).
pub fn stale(
    st: &State,
    checked: &HashMap<PathBuf, usize>,
    changed: &HashMap<Key, usize>,
) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = st
        .index
        .iter()
        .filter(|(p, ix)| {
            let at = checked.get(*p).copied().unwrap_or(0);
            !ix.context
                && ix
                    .links
                    .iter()
                    .any(|k| changed.get(k).is_some_and(|&s| s > at))
        })
        .map(|(p, _)| p.clone())
        .filter(|p| !folder::is_open(st, p))
        .collect();
    out.sort();
    out
}

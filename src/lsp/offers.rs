//! What an indexed form offers the forms held against it (a 申报表 to the 自评表 of its 单位 and
//! 年度, any form to the next year's 申报表): its keys and two fingerprints always, the
//! summaries of its projects ([`DeclaredProject`]) only while a partner needs them. Most files
//! have no partner, and a large 申报表's summaries weigh twice its text (issue #15): they are
//! kept when a partner is already known when the file is read, else read from disk the first
//! time a partner asks, and never for an open document (its own summaries are the document's).

use super::workspace::{summaries_of, FileIndex};
use super::State;
use crate::check::declaration::{self, DeclaredProject};
use crate::model::FormKind;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub type Key = (String, i32);
pub type Declared = Vec<(Key, Arc<DeclaredProject>)>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub kind: FormKind,
    /// The (单位, 年度) of its projects, each once; empty when it offers nothing.
    pub keys: Vec<Key>,
    /// Of what the forms held against it see, without positions: they are checked again when
    /// it changes (`unopened`), not when a line is typed above a 申报表's indicators.
    pub loose: u64,
    /// With positions: the open documents' snapshot (go to definition) is rebuilt when it
    /// changes.
    pub exact: u64,
}

impl Default for Offer {
    fn default() -> Offer {
        Hashes::default().finish(FormKind::Target)
    }
}

/// Builds an [`Offer`] one project at a time.
#[derive(Default)]
pub struct Hashes {
    keys: Vec<Key>,
    loose: DefaultHasher,
    exact: DefaultHasher,
}

impl Hashes {
    pub fn add(&mut self, key: &Key, p: &DeclaredProject) {
        if !self.keys.contains(key) {
            self.keys.push(key.clone());
        }
        let h = &mut self.loose;
        key.hash(h);
        (p.kind == FormKind::Target).hash(h);
        (&p.name, p.total).hash(h);
        for i in &p.indicators {
            (&i.level1, &i.level2, &i.name, &i.value_text, &i.actual).hash(h);
        }
        let h = &mut self.exact;
        (key, &p.source, p.kind == FormKind::Target).hash(h);
        (&p.name, p.name_span.start, p.name_span.end, p.total).hash(h);
        for i in &p.indicators {
            (&i.level1, &i.level2, &i.name, &i.value_text, &i.actual).hash(h);
            (i.name_span.start, i.name_span.end).hash(h);
        }
    }

    pub fn finish(mut self, kind: FormKind) -> Offer {
        self.keys.shrink_to_fit();
        Offer {
            kind,
            keys: self.keys,
            loose: self.loose.finish(),
            exact: self.exact.finish(),
        }
    }
}

/// The offer of summaries at hand (an open document's).
pub fn offer_of(items: &Declared, kind: FormKind) -> Offer {
    let mut h = Hashes::default();
    for (k, p) in items {
        h.add(k, p);
    }
    h.finish(kind)
}

/// What a file's header says before its projects are read: its kind and, when it names the
/// 单位 and the 年度, its one key (every project has it, `declaration::key_of`).
pub fn sniff(text: &str) -> (FormKind, Option<Key>) {
    let h = declaration::sniff_header(text);
    let unit = h.unit.as_ref().map(|u| {
        let squeezed: String = u.value.chars().filter(|c| !c.is_whitespace()).collect();
        squeezed
    });
    let key = unit.filter(|u| !u.is_empty()).zip(h.year());
    (h.form_kind(), key)
}

/// Who needs the summaries of a form of a key: the forms held against it, on disk and open;
/// and whether the form about to be read has partners itself (then its whole model is built
/// once, for its own checks and the cross-file ones). Taken under the lock, used while a file
/// is read without it.
#[derive(Debug, Default)]
pub struct Wants {
    /// Key → whether 自评表 are wanted too (by a 申报表 of the year after), not only 申报表.
    keys: HashMap<Key, bool>,
    /// The same, by year, for the open documents (`link` gathers by year).
    years: HashMap<i32, bool>,
    pub partnered: bool,
}

impl Wants {
    /// For `path`, of every other form: the unopened files' partner keys and the open
    /// documents' years. Nothing for an open `path`: its summaries are the document's.
    /// `sniffed` ([`sniff`]) narrows the look to the file's own key when its header has one.
    pub fn of(st: &State, path: &Path, sniffed: &(FormKind, Option<Key>)) -> Wants {
        if super::folder::is_open(st, path) {
            return Wants::default();
        }
        let mut w = Wants::of_open(st);
        let (kind, own) = sniffed;
        let target = *kind == FormKind::Target;
        let link = own
            .as_ref()
            .map(|(u, y)| (u.clone(), y - i32::from(target)));
        // Paths compared as bytes: `Path`'s `==` parses components, and this runs for every
        // file of the index each time a file is read.
        let path = path.as_os_str();
        let others = st
            .index
            .iter()
            .filter(|(p, ix)| !ix.context && p.as_os_str() != path);
        for (_, ix) in others {
            let both = ix.offer.kind == FormKind::Target;
            for k in ix
                .links
                .iter()
                .filter(|k| own.as_ref().is_none_or(|o| o == *k))
            {
                *w.keys.entry(k.clone()).or_default() |= both;
            }
            if let Some(l) = &link {
                let fits = target || ix.offer.kind == FormKind::Target;
                w.partnered |= fits && ix.offer.keys.contains(l);
            }
        }
        if let Some(l) = &link {
            w.partnered |= st
                .docs
                .values()
                .any(|d| d.header.year() == Some(l.1) && (target || !d.is_self_eval()));
        }
        w
    }

    /// Of the open documents only.
    pub fn of_open(st: &State) -> Wants {
        let mut w = Wants::default();
        for d in st.docs.values() {
            let Some(y) = d.header.year() else { continue };
            let target = !d.is_self_eval();
            *w.years.entry(y - i32::from(target)).or_default() |= target;
        }
        w
    }

    pub fn wants(&self, key: &Key, kind: FormKind) -> bool {
        let fits = |all: &bool| *all || kind == FormKind::Target;
        self.keys.get(key).is_some_and(fits) || self.years.get(&key.1).is_some_and(fits)
    }
}

/// The summaries of the indexed files (except `skip`) offering a key `wanted` for their kind,
/// of those keys; a file whose summaries are not kept is read from disk, and they are kept
/// from then on (a partner needs them).
pub fn gather(
    st: &mut State,
    skip: &[PathBuf],
    wanted: impl Fn(&Key, FormKind) -> bool,
) -> Declared {
    let offers = |f: &FileIndex| f.offer.keys.iter().any(|k| wanted(k, f.offer.kind));
    // Paths compared last, and as bytes (`Path`'s `==` parses components).
    let skipped = |p: &PathBuf| skip.iter().any(|s| s.as_os_str() == p.as_os_str());
    let missing: Vec<PathBuf> = st
        .index
        .iter()
        .filter(|(p, f)| f.declared.is_none() && offers(f) && !skipped(p))
        .map(|(p, _)| p.clone())
        .collect();
    for path in missing {
        let settings = st.config.settings_for(Some(&path)).0;
        let d = std::fs::read_to_string(&path)
            .map(|text| summaries_of(&text, &settings, &Arc::from(path.as_path())))
            .unwrap_or_default();
        if let Some(f) = st.index.get_mut(&path) {
            f.declared = Some(d);
        }
    }
    let mut items = Vec::new();
    for (path, f) in &st.index {
        if f.declared.is_none() || !offers(f) || skipped(path) {
            continue;
        }
        let kind = f.offer.kind;
        let of_keys = f.declared.iter().flatten().filter(|(k, _)| wanted(k, kind));
        items.extend(of_keys.cloned());
    }
    items
}

/// Up to this size a file read by the scan keeps its summaries until the scan ends (then only
/// those a partner wants stay, [`prune`]): its partners are often read after it (a 申报表
/// sorts before its 自评表), and reading it again for them would cost more than keeping them
/// for a moment. A larger file keeps them only when a partner is already known.
pub const SMALL: usize = 256 * 1024;

/// Drops the summaries no partner wants (`Wants`, over the whole index and the open
/// documents), when the scan or a re-check ends.
pub fn prune(st: &mut State) {
    let mut w = Wants::of_open(st);
    for ix in st.index.values().filter(|ix| !ix.context) {
        let both = ix.offer.kind == FormKind::Target;
        for k in &ix.links {
            *w.keys.entry(k.clone()).or_default() |= both;
        }
    }
    let open: Vec<PathBuf> = st
        .docs
        .keys()
        .filter_map(|u| u.to_file_path().ok())
        .collect();
    for (path, ix) in st.index.iter_mut() {
        let wanted = ix.offer.keys.iter().any(|k| w.wants(k, ix.offer.kind));
        if ix.declared.is_some() && (!wanted || open.contains(path)) {
            ix.declared = None;
        }
    }
}

/// A document was opened: the index drops what it kept of the file for others (summaries, the
/// problems on disk); closing it reads the file again.
pub fn opened(st: &mut State, path: &Path) {
    if let Some(f) = st.index.get_mut(path) {
        f.declared = None;
        f.diagnostics = Vec::new();
    }
}

#[cfg(test)]
mod tests {
    use super::super::{folder, unopened};
    use super::*;

    fn state(dir: &Path) -> State {
        State::new(vec![dir.to_path_buf()])
    }

    /// What `unopened::recheck` does with a file read from disk, without publishing.
    fn read(st: &mut State, path: &Path) {
        let text = std::fs::read_to_string(path).unwrap();
        let how = folder::settings(st, path);
        let wants = Wants::of(st, path, &sniff(&text));
        let open = folder::is_open(st, path);
        let c = folder::check_file(path, text, how, false, open, &wants);
        let ix = unopened::finish(st, path, c);
        st.index.insert(path.to_path_buf(), ix);
    }

    fn problems(st: &State, path: &Path) -> String {
        String::from_utf8(super::super::publish::diagnostics_json(
            &st.index[path].diagnostics,
        ))
        .unwrap()
    }

    /// A 申报表 without a partner keeps its keys, not its summaries; when its 自评表 appears,
    /// they are read for it (and kept while it is there), and the 自评表's cross-file findings
    /// come; an open 申报表's summaries are the document's.
    #[test]
    fn summaries_only_for_partners() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/link");
        let declared = dir.join("2021-申报表.jixiao");
        let own = dir.join("2021-自评表.jixiao");
        let mut st = state(&dir);
        read(&mut st, &declared);
        prune(&mut st);
        let ix = &st.index[&declared];
        assert!(ix.declared.is_none());
        assert_eq!(ix.offer.keys.len(), 1);
        let key = ix.offer.keys[0].clone();
        assert_eq!(key.1, 2021);

        read(&mut st, &own);
        assert_eq!(st.index[&own].links, [key]);
        let found = problems(&st, &own);
        for rule in ["declared-indicator-dropped", "declared-target-lowered"] {
            assert!(found.contains(rule), "{rule} in {found}");
        }
        prune(&mut st);
        // Wanted by the 自评表; the 自评表 itself by no 申报表 of 2022.
        let kept = st.index[&declared]
            .declared
            .as_ref()
            .expect("summaries kept");
        assert!(!kept.is_empty());
        assert!(st.index[&own].declared.is_none());

        // The 自评表 gone: nobody wants them any more.
        st.index.remove(&own);
        prune(&mut st);
        assert!(st.index[&declared].declared.is_none());

        // Opened: the document's summaries serve, the index keeps none nor the problems on disk.
        read(&mut st, &own);
        assert!(st.index[&declared].declared.is_some());
        assert!(!st.index[&own].diagnostics.is_empty());
        for path in [&declared, &own] {
            let uri = tower_lsp::lsp_types::Url::from_file_path(path).unwrap();
            let text = std::fs::read_to_string(path).unwrap();
            let doc = super::super::DocState::new(&text, 1, Default::default());
            st.docs.insert(uri, doc);
            opened(&mut st, path);
        }
        let empty = |st: &State, p: &Path| {
            let ix = &st.index[p];
            ix.declared.is_none() && ix.diagnostics.is_empty() && !ix.offer.keys.is_empty()
        };
        assert!(empty(&st, &declared) && empty(&st, &own));
        // Read again while open (saved): indexed, not kept, not checked.
        read(&mut st, &declared);
        read(&mut st, &own);
        assert!(empty(&st, &declared) && empty(&st, &own));
    }
}

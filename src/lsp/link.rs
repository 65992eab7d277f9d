//! The 申报表 a 自评表 answers, across files: the workspace's declared projects (from the
//! index, overridden by open documents), kept in one snapshot that every open 自评表 is checked
//! against; go-to-definition and hover from a self-evaluated project or indicator to the
//! declared one.

use super::convert::{self, range};
use super::document::DocState;
use super::State;
use crate::check::declaration::{
    match_indicators, match_projects, threshold, Declarations, DeclaredIndicator, DeclaredProject,
};
use crate::model::value::format_money;
use ropey::Rope;
use std::ops::Range as Bytes;
use std::path::Path;
use std::sync::Arc;
use tower_lsp::lsp_types::*;

/// The declared projects of the workspace for the years of the open 自评表: open 申报表
/// documents as they stand, other files as on disk.
fn collect(st: &mut State) -> Declarations {
    // A 自评表's own year (its 申报表); a 申报表's year before (`check::history`).
    let years: Vec<i32> = st
        .docs
        .values()
        .filter_map(|d| Some(d.header.year()? - i32::from(!d.is_self_eval())))
        .collect();
    let mut items = Vec::new();
    let mut open = Vec::new();
    for (uri, doc) in st.docs.iter_mut() {
        let Ok(path) = uri.to_file_path() else {
            continue;
        };
        if doc.header.year().is_some_and(|y| years.contains(&y)) {
            let source: Arc<Path> = path.as_path().into();
            items.extend(doc.declared(&source).iter().cloned());
        }
        open.push(path);
    }
    // A 自评表 needs its year's 申报表; a 申报表 the year before's forms, 自评表 included.
    let wants = super::offers::Wants::of_open(st);
    items.extend(super::offers::gather(st, &open, |k, kind| {
        wants.wants(k, kind)
    }));
    Declarations::new(items)
}

/// After a 申报表 changed (opened, edited, closed, re-read from disk): rebuilds the snapshot
/// when a form with a 年度 is open (else later, when one opens) and re-checks the open 自评表 against it.
/// Returns the `publishDiagnostics` frames of those whose diagnostics changed, except `skip`'s.
pub fn refresh(st: &mut State, skip: Option<&Url>) -> super::Publish {
    if !st.docs.values().any(|d| d.header.year().is_some()) {
        st.decls = None;
        return Vec::new();
    }
    let decls = match &st.decls {
        Some(d) => d.clone(),
        None => {
            let d = Arc::new(collect(st));
            st.decls = Some(d.clone());
            d
        }
    };
    let enc = st.enc;
    let mut changed: Vec<(&Url, &mut DocState)> = st
        .docs
        .iter_mut()
        .filter_map(|(uri, doc)| doc.set_declarations(decls.clone()).then_some((uri, doc)))
        .filter(|(uri, _)| Some(*uri) != skip)
        .collect();
    // In a stable order, for the client's log and the tests.
    changed.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
    changed
        .into_iter()
        .map(|(uri, doc)| (uri.clone(), doc.publish_frame(uri, enc)))
        .collect()
}

/// The declared project and indicator at `offset` of a 自评表 (the project when on its name,
/// the indicator when on an indicator's line), with the range of the name there.
fn at(
    doc: &DocState,
    offset: usize,
) -> Option<(
    &Arc<DeclaredProject>,
    Option<&DeclaredIndicator>,
    Bytes<usize>,
)> {
    if !doc.is_self_eval() || doc.decls.is_empty() {
        return None;
    }
    let seg = doc.segment_at(offset);
    let i = seg.checked_sub(1)?;
    let p = doc.project(i)?;
    let p = &*p;
    let base = doc.starts[seg];
    let rel = offset - base;
    let t = threshold(&doc.settings);
    let declared = match_projects(&doc.document(), &doc.decls, t)[i]?;
    if p.name_span.start as usize <= rel && rel <= p.name_span.end as usize {
        return Some((declared, None, p.name_span.shift(base).range()));
    }
    let own: Vec<_> = p.indicators().map(|x| x.2).collect();
    let line = |s: crate::syntax::Span| doc.rope.byte_to_line(base + s.start as usize);
    let here = doc.rope.byte_to_line(offset);
    let j = own.iter().position(|ind| line(ind.name_span) == here)?;
    let k = match_indicators(declared, p, t)
        .iter()
        .position(|m| *m == Some(j))?;
    Some((
        declared,
        Some(&declared.indicators[k]),
        own[j].name_span.shift(base).range(),
    ))
}

fn source_range(st: &State, source: &Path, span: crate::syntax::Span) -> Option<(Url, Range)> {
    let uri = Url::from_file_path(source).ok()?;
    let r = span.range();
    let range = match st.docs.get(&uri) {
        Some(d) => range(&d.rope, r, st.enc),
        None => {
            let text = std::fs::read_to_string(source).ok()?;
            let rope = Rope::from_str(&text);
            if r.end > rope.len_bytes() {
                return None;
            }
            range(&rope, r, st.enc)
        }
    };
    Some((uri, range))
}

/// Go to definition: from a self-evaluated project name or indicator to the declared one.
pub fn definition(st: &State, params: GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
    let p = params.text_document_position_params;
    let doc = st.docs.get(&p.text_document.uri)?;
    let off = convert::offset(&doc.rope, p.position, st.enc);
    let (project, ind, _) = at(doc, off)?;
    let span = ind.map(|i| i.name_span).unwrap_or(project.name_span);
    let (uri, range) = source_range(st, &project.source, span)?;
    Some(GotoDefinitionResponse::Scalar(Location::new(uri, range)))
}

/// What hover adds on a self-evaluated indicator: the declared target. With its range.
pub fn hover_note(doc: &DocState, offset: usize) -> Option<(String, Bytes<usize>)> {
    let (project, ind, name) = at(doc, offset)?;
    let file = project
        .source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = match ind {
        Some(i) => format!(
            "申报目标：{}（{file}，项目「{}」）",
            i.target(),
            project.name
        ),
        None => {
            let total = project
                .total
                .map(|t| format!("，年度资金申请总额 {}", format_money(t)))
                .unwrap_or_default();
            format!(
                "申报：{file} 中的项目「{}」（{} 个指标{total}）",
                project.name,
                project.indicators.len()
            )
        }
    };
    Some((text, name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Settings;
    use std::path::PathBuf;

    /// The 申报表 only on disk (in the workspace index), the 自评表 open: its diagnostics come
    /// from the index, and definition reads the 申报表 from disk.
    #[test]
    fn declared_from_disk() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/link");
        let declared = dir.join("2021-申报表.jixiao");
        let own = dir.join("2021-自评表.jixiao");
        let mut st = State::new(vec![dir.clone()]);
        st.index.insert(
            declared.clone(),
            super::super::workspace::index_file(&declared).unwrap(),
        );
        let uri = Url::from_file_path(&own).unwrap();
        let text = std::fs::read_to_string(&own).unwrap();
        st.docs.insert(
            uri.clone(),
            DocState::new(&text, 1, Arc::new(Settings::default())),
        );
        refresh(&mut st, None);
        let rules: Vec<&str> = st.docs[&uri].link_diags.iter().map(|d| d.1.rule).collect();
        assert_eq!(
            rules,
            [
                "declared-indicator-dropped",
                "declared-budget",
                "declared-target-lowered",
                "declared-target-changed"
            ]
        );
        // 医保培训人次 in the 自评表 (line 35) → in the 申报表 (line 22).
        let params = GotoDefinitionParams {
            text_document_position_params: TextDocumentPositionParams {
                text_document: TextDocumentIdentifier { uri },
                position: Position::new(34, 8),
            },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        };
        let Some(GotoDefinitionResponse::Scalar(loc)) = definition(&st, params) else {
            panic!("no definition");
        };
        assert_eq!(loc.uri, Url::from_file_path(&declared).unwrap());
        assert_eq!(loc.range.start, Position::new(21, 6));
    }
}

//! Invariants, on generated and mutated inputs:
//! - parsing never panics and the tree covers every byte;
//! - formatting is idempotent and lossless (same model, same comments / unparsed lines / text);
//! - an incremental re-parse after any edit equals a full parse.

mod common;
use jixiao::analysis::{analyze, format_text};
use jixiao::check::Settings;
use jixiao::model::Role;
use jixiao::syntax::{parse, LineKind};
use proptest::prelude::*;

fn examples() -> Vec<String> {
    common::inputs(&common::root().join("examples"))
        .into_iter()
        .chain(common::inputs(&common::root().join("tests/fixtures")))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// Pieces that exercise the tolerant syntax and the corners of the lexer.
const SNIPPETS: &[&str] = &[
    "：",
    ":",
    " ",
    "\t",
    "\u{3000}",
    "\n",
    "\r\n",
    "\r",
    "#",
    "> ",
    "＞",
    ">=",
    "≥",
    "＞＝",
    "（",
    "）",
    "(",
    ")",
    "%",
    "％",
    "万元",
    "300000",
    "1,234.5",
    "0.00",
    "—",
    "项目: 新项目\n",
    "\n项目: 甲\n",
    "  产出指标:\n",
    "    数量指标:\n",
    "      指标: ≥1(个)\n",
    "成本指标:",
    "双盲指标:\n",
    "偏差原因:",
    "资金:\n",
    "年度资金申请总额: 1\n",
    "𠀀",
    "\u{FEFF}",
    "$\\geq 90\\%$",
    "<p>",
    "é",
    "指标",
    // Operators in words, money as an IME types it, values the name rules read.
    "不少于",
    "以上",
    "以内",
    "大于等于",
    "      人数: 1000人以上\n",
    "30万",
    "３００，０００",
    "￥",
    "1-2 次",
    "是否",
    "、",
];

/// A mutation: replace a byte range (snapped to char boundaries) with a snippet.
#[derive(Debug, Clone)]
struct Edit {
    at: usize,
    del: usize,
    ins: String,
}

fn snap(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, e: &Edit) -> (String, usize, usize) {
    let start = snap(text, e.at % (text.len() + 1));
    let end = snap(text, start + e.del);
    (
        format!("{}{}{}", &text[..start], e.ins, &text[end..]),
        start,
        end,
    )
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    (
        any::<usize>(),
        prop_oneof![Just(0usize), 0usize..4, 0usize..40, 0usize..400],
        prop_oneof![
            proptest::sample::select(SNIPPETS).prop_map(str::to_string),
            proptest::collection::vec(proptest::sample::select(SNIPPETS), 0..6)
                .prop_map(|v| v.concat()),
            "\\PC{0,12}",
        ],
    )
        .prop_map(|(at, del, ins)| Edit { at, del, ins })
}

/// The lines the formatter must keep word for word (trimmed): comments, text, unparsed lines.
fn kept_lines(text: &str) -> Vec<String> {
    let s = Settings::default();
    let a = analyze(text, &s);
    let starts = a.tree.segment_starts();
    let mut out = Vec::new();
    for (i, seg) in a.tree.segments.iter().enumerate() {
        let seg_text = &text[starts[i]..starts[i + 1]];
        let roles = if i == 0 {
            &a.doc.header.roles
        } else {
            &a.doc.projects[i - 1].roles
        };
        for (line, role) in seg.lines.iter().zip(roles) {
            let lt = line.text(seg_text);
            match (&line.kind, role.role) {
                (LineKind::Comment { text }, _) => {
                    out.push(lt[text.range()].trim_end().to_string())
                }
                (LineKind::Text { body, .. }, _) => out.push(lt[body.range()].to_string()),
                (LineKind::Entry { key, value, .. }, Role::Unknown) => out.push(format!(
                    "{}: {}",
                    lt[key.range()].trim_start_matches('\u{FEFF}'),
                    &lt[value.range()]
                )),
                (_, Role::Error) => out.push(
                    lt.trim_matches([' ', '\t', '\r', '\u{3000}', '\u{FEFF}'])
                        .to_string(),
                ),
                _ => {}
            }
        }
    }
    out
}

fn check_format_invariants(text: &str) -> Result<(), TestCaseError> {
    if let Err(e) = jixiao::invariants::check_text(text) {
        return Err(TestCaseError::fail(e));
    }
    let once = format_text(text, &Settings::default());
    prop_assert_eq!(
        kept_lines(text),
        kept_lines(&once),
        "formatting lost a comment, text or unparsed line"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn parsing_never_panics_and_covers_every_byte(text in "\\PC{0,200}|[\\s\\S]{0,200}") {
        let tree = parse(&text);
        prop_assert_eq!(tree.len(), text.len());
        for seg in &tree.segments {
            let mut at = 0;
            for l in &seg.lines {
                prop_assert_eq!(l.start, at);
                at += l.full_len();
            }
            prop_assert_eq!(at, seg.len);
        }
        let s = Settings::default();
        let _ = analyze(&text, &s);
        let _ = format_text(&text, &s);
    }

    #[test]
    fn formatting_is_idempotent_and_lossless_on_mutated_examples(
        which in any::<usize>(),
        edits in proptest::collection::vec(edit_strategy(), 1..6),
    ) {
        let ex = examples();
        let mut text = ex[which % ex.len()].clone();
        for e in &edits {
            text = apply(&text, e).0;
        }
        check_format_invariants(&text)?;
    }

    #[test]
    fn formatting_is_idempotent_and_lossless_on_generated_lines(
        lines in proptest::collection::vec(proptest::collection::vec(proptest::sample::select(SNIPPETS), 0..5).prop_map(|v| v.concat()), 0..30),
    ) {
        let text = format!("表: 绩效目标申报表\n年度: 2025\n项目: 甲\n{}", lines.join("\n"));
        check_format_invariants(&text)?;
    }

    #[test]
    fn incremental_reparse_equals_full_parse(
        which in any::<usize>(),
        edits in proptest::collection::vec(edit_strategy(), 1..12),
    ) {
        let ex = examples();
        let mut text = ex[which % ex.len()].clone();
        let mut tree = parse(&text);
        for e in &edits {
            let (next, start, end) = apply(&text, e);
            tree = tree.reparse(&next, start, end);
            text = next;
            prop_assert_eq!(&tree, &parse(&text));
        }
    }
}

/// An editor's edit: a UTF-16 range (possibly past the end of a line or of the file) and text.
#[derive(Debug, Clone)]
struct LspEdit {
    start: (usize, usize),
    end: (usize, usize),
    text: String,
}

fn lsp_edit_strategy() -> impl Strategy<Value = LspEdit> {
    (
        (0usize..120, 0usize..60),
        (0usize..3, 0usize..80),
        prop_oneof![
            proptest::sample::select(SNIPPETS).prop_map(str::to_string),
            proptest::collection::vec(proptest::sample::select(SNIPPETS), 0..8)
                .prop_map(|v| v.concat()),
            Just("\r\n项目: 粘贴的项目\r\n  资金:\r\n    年度资金申请总额: 1\r\n".to_string()),
            Just(String::new()),
        ],
    )
        .prop_map(|(start, (dl, ec), text)| LspEdit {
            start,
            end: (start.0 + dl, ec),
            text,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// The server's document after any sequence of edits equals a fresh analysis of the same
    /// text: same text, tree, models and diagnostics.
    #[test]
    fn server_document_edits_equal_full_analysis(
        which in any::<usize>(),
        crlf in any::<bool>(),
        edits in proptest::collection::vec(lsp_edit_strategy(), 1..10),
    ) {
        use jixiao::position::{Encoding, LineIndex};
        let ex = examples();
        let mut text = ex[which % ex.len()].clone();
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        text = text.replacen("项目:", "项目: 𠀀", 1);
        let settings = std::sync::Arc::new(Settings::default());
        let mut doc = jixiao::lsp::document::DocState::new(&text, 1, settings.clone());
        for e in &edits {
            let rope = &doc.rope;
            let (a, b) = (
                jixiao::position::rope::offset(rope, e.start.0, e.start.1, Encoding::Utf16),
                jixiao::position::rope::offset(rope, e.end.0, e.end.1, Encoding::Utf16),
            );
            let (a, b) = (a.min(b), a.max(b));
            doc.edit(a..b, &e.text);
            text.replace_range(a..b, &e.text);
            // The reference conversion agrees with the rope's, line by line.
            let ix = LineIndex::new(&text);
            prop_assert_eq!(ix.line_count() >= 1, true);
        }
        prop_assert_eq!(doc.rope.to_string(), text.clone());
        let full = analyze(&text, &settings);
        // Kept segments and models (the projects edited) and those built again alike.
        prop_assert_eq!(&doc.full_tree(), &full.tree);
        prop_assert_eq!(doc.header.as_ref(), full.doc.header.as_ref());
        let projects = doc.document().projects;
        prop_assert_eq!(projects.len(), full.doc.projects.len());
        for (a, b) in projects.iter().zip(&full.doc.projects) {
            prop_assert_eq!(a.as_ref(), b.as_ref());
        }
        let mut mine = doc.diagnostics();
        mine.sort_by_key(|d| (d.span.start, d.span.end, d.rule, d.message.clone()));
        let mut theirs = full.diagnostics.clone();
        theirs.sort_by_key(|d| (d.span.start, d.span.end, d.rule, d.message.clone()));
        prop_assert_eq!(mine, theirs);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// The fuzz target's invariant on generated edit scripts: incremental tree, diagnostics and
    /// what is sent to the client (per-project conversion cache) equal a fresh document's.
    #[test]
    fn edit_scripts_keep_the_server_document_exact(which in any::<usize>(), edits in proptest::collection::vec(edit_strategy(), 1..10)) {
        let ex = examples();
        let text = &ex[which % ex.len()];
        let script: Vec<(usize, usize, String)> = edits.iter().map(|e| (e.at % (text.len() + 1), e.at % (text.len() + 1) + e.del, e.ins.clone())).collect();
        if let Err(e) = jixiao::invariants::check_edits(text, &script) {
            return Err(TestCaseError::fail(e));
        }
    }
}

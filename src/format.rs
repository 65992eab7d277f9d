//! The formatter: one canonical text for a document. Used by `jixiao fmt` and by the server's
//! document and range formatting alike.
//!
//! Lossless by construction: every line is written back — entries rebuilt from their key and
//! value (values canonicalised only when they parse completely), text lines keep their body,
//! comments their text, and lines that are not understood are kept as they were.

use crate::model::value::{
    canonical_indicator_value, canonical_num, format_date, format_money, parse_date,
    parse_indicator_value, parse_money, parse_num, Money, BLANK,
};
use crate::model::{Document, FormKind, LineRole, Role};
use crate::syntax::{Line, LineKind, SyntaxTree};
use std::ops::Range;

/// Formats `text`, given its tree and model. The output ends with one line terminator, using
/// the file's own (`\r\n` if its first line has one).
pub fn format(text: &str, tree: &SyntaxTree, doc: &Document) -> String {
    let eol = if text.contains("\r\n")
        && text
            .find('\n')
            .is_some_and(|i| i > 0 && text.as_bytes()[i - 1] == b'\r')
    {
        "\r\n"
    } else {
        "\n"
    };
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    if text.starts_with('\u{FEFF}') {
        out.push('\u{FEFF}');
    }
    let mut pending_blank = false;
    let mut wrote_any = false;
    for_each_rendered(text, tree, doc, |rendered, _, role| {
        let Some(line) = rendered else {
            pending_blank = true;
            return;
        };
        // One blank line before each project and wherever the source had blank lines; none at
        // the top.
        if wrote_any && (pending_blank || role == Role::Project) {
            out.push_str(eol);
        }
        pending_blank = false;
        wrote_any = true;
        out.push_str(&line);
        out.push_str(eol);
    });
    out
}

/// Calls `f` with each source line's canonical rendering (`None` for a blank line), its
/// absolute content range and role, in order. One line at a time: formatting a large file
/// builds no per-line table beside its output.
fn for_each_rendered(
    text: &str,
    tree: &SyntaxTree,
    doc: &Document,
    mut f: impl FnMut(Option<String>, Range<usize>, Role),
) {
    let starts = tree.segment_starts();
    let roles = |i: usize| {
        if i == 0 {
            &doc.header.roles
        } else {
            &doc.projects[i - 1].roles
        }
    };
    // Comments take the depth of the next line that is not a comment or blank.
    let total: usize = tree.segments.iter().map(|s| s.lines.len()).sum();
    let mut next_depth = vec![0u8; total];
    let (mut d, mut at) = (0u8, total);
    for i in (0..tree.segments.len()).rev() {
        for r in roles(i).iter().rev() {
            at -= 1;
            next_depth[at] = d;
            if !matches!(r.role, Role::Blank | Role::Comment) {
                d = r.depth;
            }
        }
    }
    let mut n = 0;
    for (i, seg) in tree.segments.iter().enumerate() {
        let seg_text = &text[starts[i]..starts[i + 1]];
        for (line, role) in seg.lines.iter().zip(roles(i)) {
            let range = starts[i] + line.start as usize..starts[i] + line.end() as usize;
            let depth = next_depth[n];
            n += 1;
            if role.role == Role::Blank {
                f(None, range, role.role);
                continue;
            }
            let depth = if role.role == Role::Comment {
                depth
            } else {
                role.depth
            };
            let lt = line.text(seg_text);
            let kind = doc.header.form_kind();
            f(
                Some(format_line(line, lt, role, depth, kind)),
                range,
                role.role,
            );
        }
    }
}

/// Range formatting: each non-blank line overlapping `range` rewritten in canonical form, as
/// (content range, new content) edits. Blank lines are left alone.
pub fn format_range(
    text: &str,
    tree: &SyntaxTree,
    doc: &Document,
    range: Range<usize>,
) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    for_each_rendered(text, tree, doc, |line, r, _| {
        if let Some(line) = line {
            if r.end >= range.start && r.start <= range.end && text[r.clone()] != *line {
                out.push((r, line));
            }
        }
    });
    out
}

fn indent(depth: u8) -> String {
    "  ".repeat(depth as usize)
}

fn format_line(line: &Line, lt: &str, role: &LineRole, depth: u8, _kind: FormKind) -> String {
    let content = lt.trim_start_matches('\u{FEFF}');
    match (&line.kind, role.role) {
        (LineKind::Comment { text }, _) => {
            format!("{}#{}", indent(depth), lt[text.range()].trim_end())
        }
        (LineKind::Text { body, .. }, Role::TextLine) => {
            let b = &lt[body.range()];
            if b.is_empty() {
                format!("{}>", indent(depth))
            } else {
                format!("{}> {}", indent(depth), b)
            }
        }
        (LineKind::Entry { key, value, .. }, r) => {
            let k = role.key.as_deref().unwrap_or(&lt[key.range()]);
            let k = k.trim_start_matches('\u{FEFF}');
            let v = &lt[value.range()];
            let v = canonical_value(r, k, v);
            if v.is_empty() {
                format!("{}{}:", indent(depth), k)
            } else {
                format!("{}{}: {}", indent(depth), k, v)
            }
        }
        // Not understood here: kept as written, only trailing whitespace removed.
        _ => content
            .trim_end_matches([' ', '\t', '\r', '\u{3000}'])
            .to_string(),
    }
}

fn canonical_value(role: Role, key: &str, v: &str) -> String {
    let canon = match role {
        Role::Money => match parse_money(v) {
            Money::Amount(d) => Some(format_money(d)),
            Money::Blank => Some(BLANK.to_string()),
            Money::Invalid => None,
        },
        Role::Date => parse_date(v).map(format_date),
        Role::Score => parse_num(v).map(canonical_num),
        Role::Indicator => canonical_indicator_value(&parse_indicator_value(v)),
        Role::HeaderField if key == "表" => FormKind::parse(v).map(|k| k.name().to_string()),
        _ => None,
    };
    canon.unwrap_or_else(|| v.to_string())
}

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
    let lines = format_lines(text, tree, doc);
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
    for l in lines {
        out.push_str(&l);
        out.push_str(eol);
    }
    out
}

/// Each source line's canonical rendering (`None` for a blank line), with its absolute content
/// range. Comments take the depth of the next line that is not a comment or blank.
fn rendered_lines(
    text: &str,
    tree: &SyntaxTree,
    doc: &Document,
) -> Vec<(Option<String>, Range<usize>, Role)> {
    let starts = tree.segment_starts();
    let mut items: Vec<(&Line, &str, &LineRole, usize)> = Vec::new();
    for (i, seg) in tree.segments.iter().enumerate() {
        let seg_text = &text[starts[i]..starts[i + 1]];
        let roles = if i == 0 {
            &doc.header.roles
        } else {
            &doc.projects[i - 1].roles
        };
        for (line, role) in seg.lines.iter().zip(roles) {
            items.push((line, line.text(seg_text), role, starts[i]));
        }
    }
    let mut next_depth = vec![0u8; items.len()];
    let mut d = 0u8;
    for (i, (_, _, r, _)) in items.iter().enumerate().rev() {
        next_depth[i] = d;
        if !matches!(r.role, Role::Blank | Role::Comment) {
            d = r.depth;
        }
    }
    items
        .iter()
        .enumerate()
        .map(|(i, (line, lt, role, base))| {
            let range = base + line.start as usize..base + line.end() as usize;
            if role.role == Role::Blank {
                return (None, range, role.role);
            }
            let depth = if role.role == Role::Comment {
                next_depth[i]
            } else {
                role.depth
            };
            (
                Some(format_line(line, lt, role, depth, doc.header.form_kind())),
                range,
                role.role,
            )
        })
        .collect()
}

/// The canonical lines, without terminators, blank-line policy applied.
pub fn format_lines(text: &str, tree: &SyntaxTree, doc: &Document) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut pending_blank = false;
    for (rendered, _, role) in rendered_lines(text, tree, doc) {
        let Some(line) = rendered else {
            pending_blank = true;
            continue;
        };
        if role == Role::Project && !out.is_empty() {
            pending_blank = true;
        }
        if pending_blank && !out.is_empty() {
            out.push(String::new());
        }
        pending_blank = false;
        out.push(line);
    }
    out
}

/// Range formatting: each non-blank line overlapping `range` rewritten in canonical form, as
/// (content range, new content) edits. Blank lines are left alone.
pub fn format_range(
    text: &str,
    tree: &SyntaxTree,
    doc: &Document,
    range: Range<usize>,
) -> Vec<(Range<usize>, String)> {
    rendered_lines(text, tree, doc)
        .into_iter()
        .filter(|(_, r, _)| r.end >= range.start && r.start <= range.end)
        .filter_map(|(line, r, _)| {
            let line = line?;
            (text[r.clone()] != *line).then_some((r, line))
        })
        .collect()
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

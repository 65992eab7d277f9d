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
use crate::syntax::{Line, LineKind, Segment, SyntaxTree};
use std::ops::Range;

/// Formats `text`, given its tree and model. The output ends with one line terminator, using
/// the file's own (`\r\n` if its first line has one).
pub fn format(text: &str, tree: &SyntaxTree, doc: &Document) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut w = Writer::new(text.starts_with('\u{FEFF}'), eol_of(text.bytes()));
    let starts = tree.segment_starts();
    for (i, seg) in tree.segments.iter().enumerate() {
        let roles = if i == 0 {
            &doc.header.roles
        } else {
            &doc.projects[i - 1].roles
        };
        let seg_text = &text[starts[i]..starts[i + 1]];
        w.segment(seg, roles, seg_text, doc.header.form_kind(), &mut out);
    }
    out
}

/// The line terminator the formatter writes, given the text's bytes: its first `\n`'s own.
pub fn eol_of(bytes: impl Iterator<Item = u8>) -> &'static str {
    let mut prev = 0;
    for b in bytes {
        if b == b'\n' {
            return if prev == b'\r' { "\r\n" } else { "\n" };
        }
        prev = b;
    }
    "\n"
}

/// Writes the canonical text one segment after another, so that a caller that keeps no
/// whole-file tree (the server) can format segment by segment and compare as it goes.
pub struct Writer {
    eol: &'static str,
    bom: bool,
    pending_blank: bool,
    wrote_any: bool,
}

impl Writer {
    /// `bom`: the text starts with U+FEFF (written back first).
    pub fn new(bom: bool, eol: &'static str) -> Writer {
        Writer {
            eol,
            bom,
            pending_blank: false,
            wrote_any: false,
        }
    }

    /// Appends segment `seg` (its lines' roles, its text) in canonical form to `out`.
    pub fn segment(
        &mut self,
        seg: &Segment,
        roles: &[LineRole],
        seg_text: &str,
        kind: FormKind,
        out: &mut String,
    ) {
        if std::mem::take(&mut self.bom) {
            out.push('\u{FEFF}');
        }
        rendered_segment(seg, roles, seg_text, 0, kind, |rendered, _, role| {
            let Some(line) = rendered else {
                self.pending_blank = true;
                return;
            };
            // One blank line before each project and wherever the source had blank lines;
            // none at the top.
            if self.wrote_any && (self.pending_blank || role == Role::Project) {
                out.push_str(self.eol);
            }
            self.pending_blank = false;
            self.wrote_any = true;
            out.push_str(&line);
            out.push_str(self.eol);
        });
    }
}

/// Calls `f` with each line of one segment (starting at `base`) in canonical rendering
/// (`None` for a blank line), its absolute content range and role, in order.
fn rendered_segment(
    seg: &Segment,
    roles: &[LineRole],
    seg_text: &str,
    base: usize,
    kind: FormKind,
    mut f: impl FnMut(Option<String>, Range<usize>, Role),
) {
    // Comments take the depth of the next line that is not a comment or blank. Every segment
    // after this one starts with its `项目:` line (depth 0), so the segment is enough.
    let mut next_depth = vec![0u8; roles.len()];
    let mut d = 0u8;
    for (at, r) in roles.iter().enumerate().rev() {
        next_depth[at] = d;
        if !matches!(r.role, Role::Blank | Role::Comment) {
            d = r.depth;
        }
    }
    for ((line, role), depth) in seg.lines.iter().zip(roles).zip(next_depth) {
        let range = base + line.start as usize..base + line.end() as usize;
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
        f(
            Some(format_line(line, lt, role, depth, kind)),
            range,
            role.role,
        );
    }
}

/// Range formatting of one segment starting at `base`: each non-blank line overlapping
/// `range` rewritten in canonical form, as (content range, new content) edits. Blank lines
/// are left alone.
pub fn format_range_in(
    seg: &Segment,
    roles: &[LineRole],
    seg_text: &str,
    base: usize,
    kind: FormKind,
    range: &Range<usize>,
    out: &mut Vec<(Range<usize>, String)>,
) {
    rendered_segment(seg, roles, seg_text, base, kind, |line, r, _| {
        if let Some(line) = line {
            if r.end >= range.start
                && r.start <= range.end
                && seg_text[r.start - base..r.end - base] != *line
            {
                out.push((r, line));
            }
        }
    });
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

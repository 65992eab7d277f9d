//! Text → lines → segments. Never fails: errors are data.

mod line;
mod span;
mod tree;

pub use line::{classify, lines, lines_of, Line, LineKind, SyntaxError};
pub use span::Span;
pub use tree::{
    parse, parse_each, parse_header, parse_pieces, parse_segment, segment_containing,
    starts_project, Reparse, Segment, SyntaxTree, PROJECT_KEY,
};

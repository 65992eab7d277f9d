//! Editor features computed in byte offsets, with no LSP types: the server converts. Each works
//! on a [`View`] of one document: its tree, models, settings, and a way to read its text.

mod completion;
mod fix_skeleton;
mod fixes;
mod hints;
mod hover;
mod outline;
mod rule_doc;
mod tokens;

pub use completion::{complete, CompletionItem, ItemKind, KnownIndicator};
pub use fixes::{fixes, Fix};
pub use hints::{inlay_hints, Hint};
pub use hover::hover;
pub use outline::{folding, outline, Symbol, SymbolKind};
pub use rule_doc::rule_doc;
pub use tokens::{semantic_tokens, Token, TOKEN_TYPES};

use crate::check::{active_profile, Settings};
use crate::model::vocab::Profile;
use crate::model::{Header, LineRole, Project};
use crate::syntax::{Line, SyntaxTree};
use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

/// Calls the function it is given with every project of the document, in order.
pub type EachProject<'a> = dyn Fn(&mut dyn FnMut(&Project)) + 'a;

/// A document as a feature sees it. The server keeps the lines and models of a few projects
/// only: a view has those of the segments `segs` it was made for (the others are empty
/// placeholders), and reaches every project through `each_project`.
pub struct View<'a> {
    pub tree: &'a SyntaxTree,
    /// `tree.segment_starts()`.
    pub starts: &'a [usize],
    pub header: &'a Header,
    pub projects: &'a [Arc<Project>],
    /// The segments whose lines and models this view holds.
    pub segs: Range<usize>,
    pub settings: &'a Settings,
    pub text: &'a dyn Fn(Range<usize>) -> Cow<'a, str>,
    /// Calls the function with every project in order.
    pub each_project: &'a EachProject<'a>,
}

/// A line of the document with what the model says about it.
pub struct At<'v> {
    pub seg: usize,
    pub seg_start: usize,
    pub line_idx: usize,
    pub line: &'v Line,
    pub role: &'v LineRole,
    /// The line's content.
    pub text: String,
    /// Absolute offset of the line start.
    pub start: usize,
}

impl<'a> View<'a> {
    pub fn profile(&self) -> &Profile {
        active_profile(self.header, self.settings)
    }

    pub fn segment_at(&self, offset: usize) -> usize {
        crate::syntax::segment_containing(self.starts, offset)
    }

    pub fn roles(&self, seg: usize) -> &[LineRole] {
        if seg == 0 {
            &self.header.roles
        } else {
            &self.projects[seg - 1].roles
        }
    }

    pub fn project(&self, seg: usize) -> Option<&Project> {
        seg.checked_sub(1)
            .and_then(|i| self.projects.get(i))
            .map(|p| p.as_ref())
    }

    pub fn line(&self, seg: usize, line_idx: usize) -> Option<At<'_>> {
        let segment = self.tree.segments.get(seg)?;
        let line = segment.lines.get(line_idx)?;
        let role = self.roles(seg).get(line_idx)?;
        let seg_start = self.starts[seg];
        let start = seg_start + line.start as usize;
        let text = (self.text)(start..start + line.len as usize).into_owned();
        Some(At {
            seg,
            seg_start,
            line_idx,
            line,
            role,
            text,
            start,
        })
    }

    /// The line containing `offset` (the last line when past the end).
    pub fn at(&self, offset: usize) -> Option<At<'_>> {
        let seg = self.segment_at(offset);
        let segment = &self.tree.segments[seg];
        let rel = offset.saturating_sub(self.starts[seg]) as u32;
        let idx = segment
            .lines
            .partition_point(|l| l.start <= rel)
            .checked_sub(1)?;
        self.line(seg, idx)
    }
}

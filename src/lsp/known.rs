//! What completion and workspace symbols keep of an indexed file: its project names with their
//! positions, and the last use of each indicator name (二级, 名称). The index may hold thousands
//! of files the user never opens, so each file's strings live in one arena, each distinct
//! string once, and an entry is a few `u32`s (four `String`s per indicator cost ~10× more).

use crate::ide::KnownIndicator;
use std::collections::HashMap;

/// The most distinct indicator names kept of one file: completion offers names, and a form
/// with more distinct names than this is generated or pasted data, not a vocabulary.
pub const MAX_INDICATORS: usize = 4000;

/// A string of the arena: its byte range.
type Str = (u32, u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Use {
    name: Str,
    level2: Str,
    value: Str,
    project: Str,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Known {
    arena: Box<str>,
    /// Project names with their (line, character).
    projects: Box<[(Str, u32, u32)]>,
    /// In order of last use, so that the latest value of a name is the last entry.
    indicators: Box<[Use]>,
}

impl Known {
    fn str(&self, s: Str) -> &str {
        &self.arena[s.0 as usize..s.1 as usize]
    }

    /// Project names with their (line, character), in the file's order.
    pub fn projects(&self) -> impl Iterator<Item = (&str, u32, u32)> {
        self.projects.iter().map(|&(s, l, c)| (self.str(s), l, c))
    }

    #[cfg(test)]
    pub fn indicator_count(&self) -> usize {
        self.indicators.len()
    }

    /// The indicators as completion takes them (built per request: completion is rare next to
    /// the memory kept for the whole session).
    pub fn indicators(&self) -> impl Iterator<Item = KnownIndicator> + '_ {
        self.indicators.iter().map(|u| KnownIndicator {
            name: self.str(u.name).to_string(),
            level2: self.str(u.level2).to_string(),
            value: self.str(u.value).to_string(),
            project: self.str(u.project).to_string(),
        })
    }

    /// The bytes kept (for the measurements of docs/PERFORMANCE.md).
    pub fn heap_bytes(&self) -> usize {
        self.arena.len()
            + self.projects.len() * std::mem::size_of::<(Str, u32, u32)>()
            + self.indicators.len() * std::mem::size_of::<Use>()
    }
}

/// Builds a [`Known`] one project at a time.
#[derive(Default)]
pub struct KnownBuilder {
    arena: String,
    interned: HashMap<String, Str>,
    projects: Vec<(Str, u32, u32)>,
    uses: Vec<Option<Use>>,
    /// (二级, name) → its entry in `uses`: only the last use of a name is offered.
    last: HashMap<(Str, Str), usize>,
    project: Str,
}

impl KnownBuilder {
    fn intern(&mut self, s: &str) -> Str {
        if let Some(&r) = self.interned.get(s) {
            return r;
        }
        let start = self.arena.len() as u32;
        self.arena.push_str(s);
        let r = (start, self.arena.len() as u32);
        self.interned.insert(s.to_string(), r);
        r
    }

    /// A project starts: its name and position.
    pub fn project(&mut self, name: &str, line: u32, character: u32) {
        self.project = self.intern(name);
        self.projects.push((self.project, line, character));
    }

    /// An indicator with a value, in the current project.
    pub fn indicator(&mut self, level2: &str, name: &str, value: &str) {
        let (level2, name) = (self.intern(level2), self.intern(name));
        let at = self.last.get(&(level2, name)).copied();
        if at.is_none() && self.last.len() >= MAX_INDICATORS {
            return;
        }
        let u = Use {
            name,
            level2,
            value: self.intern(value),
            project: self.project,
        };
        if let Some(i) = at {
            self.uses[i] = None;
        }
        self.last.insert((level2, name), self.uses.len());
        self.uses.push(Some(u));
    }

    /// The kept entries, in an arena holding only what they name (values replaced by a later
    /// use are dropped).
    pub fn finish(self) -> Known {
        let KnownBuilder {
            arena,
            projects,
            uses,
            ..
        } = self;
        let mut out = KnownBuilder::default();
        let get = |s: Str| &arena[s.0 as usize..s.1 as usize];
        let projects = projects
            .into_iter()
            .map(|(s, l, c)| (out.intern(get(s)), l, c))
            .collect();
        let indicators = uses
            .into_iter()
            .flatten()
            .map(|u| Use {
                name: out.intern(get(u.name)),
                level2: out.intern(get(u.level2)),
                value: out.intern(get(u.value)),
                project: out.intern(get(u.project)),
            })
            .collect();
        Known {
            arena: out.arena.into_boxed_str(),
            projects,
            indicators,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name used again keeps its last value and moves to the end; strings are stored once.
    #[test]
    fn last_use_and_one_copy() {
        let mut b = KnownBuilder::default();
        b.project("甲", 3, 4);
        b.indicator("数量指标", "培训人次", "≥100(人次)");
        b.indicator("质量指标", "覆盖率", "≥90(%)");
        b.project("乙", 10, 4);
        b.indicator("数量指标", "培训人次", "≥200(人次)");
        let k = b.finish();
        let got: Vec<_> = k
            .indicators()
            .map(|i| (i.level2, i.name, i.value, i.project))
            .collect();
        let s = |x: &str| x.to_string();
        assert_eq!(
            got,
            [
                (s("质量指标"), s("覆盖率"), s("≥90(%)"), s("甲")),
                (s("数量指标"), s("培训人次"), s("≥200(人次)"), s("乙")),
            ]
        );
        assert_eq!(
            k.projects().collect::<Vec<_>>(),
            [("甲", 3, 4), ("乙", 10, 4)]
        );
        // The replaced value is gone from the arena; each string is there once.
        assert!(!k.arena.contains("≥100"));
        assert_eq!(k.arena.matches("培训人次").count(), 1);
    }

    /// New names stop at the cap; names already kept still take their last value.
    #[test]
    fn capped() {
        let mut b = KnownBuilder::default();
        b.project("甲", 0, 0);
        for i in 0..MAX_INDICATORS + 10 {
            b.indicator("", &format!("指标{i}"), "1");
        }
        b.indicator("", "指标0", "2");
        let k = b.finish();
        assert_eq!(k.indicator_count(), MAX_INDICATORS);
        let last = k.indicators().last().unwrap();
        assert_eq!((last.name.as_str(), last.value.as_str()), ("指标0", "2"));
    }
}

//! The indicator framework as data: profiles (which 一级 and 二级 exist in which years), aliases,
//! descriptions, units and qualitative words. Built in from `profiles.toml`; a workspace
//! configuration may extend it (see `config`).

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Level1Def {
    pub name: String,
    pub level2: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub id: String,
    pub name: String,
    /// The first year of forms this profile applies to by default.
    pub from_year: i32,
    /// Whether every project is expected to set a 成本指标.
    #[serde(default)]
    pub cost_required: bool,
    pub level1: Vec<Level1Def>,
}

#[derive(Debug, Clone, Deserialize, Default, PartialEq)]
pub struct Words {
    #[serde(default)]
    pub units: Vec<String>,
    #[serde(default)]
    pub qualitative: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Vocab {
    #[serde(rename = "profile")]
    pub profiles: Vec<Profile>,
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
    #[serde(default)]
    pub descriptions: BTreeMap<String, String>,
    #[serde(default)]
    pub vocabulary: Words,
    #[serde(default)]
    pub grading: Grading,
    #[serde(default)]
    pub link: Link,
    #[serde(default)]
    pub names: Names,
}

/// How a qualitative 实际完成值 is read (财预〔2020〕10号: 达成 / 部分达成 / 未达成): words that
/// alone say the target was achieved, and marks of a partial or a failed result.
#[derive(Debug, Clone, Deserialize, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Grading {
    #[serde(default)]
    pub achieved: Vec<String>,
    #[serde(default)]
    pub partial: Vec<String>,
    #[serde(default)]
    pub not_achieved: Vec<String>,
}

/// Pairing a 自评表 with its 申报表 (`check::declaration`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// The character-bigram Dice similarity from which a renamed project or indicator is taken
    /// for the declared one (when no other is as close).
    pub similarity: f64,
}

impl Default for Link {
    fn default() -> Link {
        Link { similarity: 0.6 }
    }
}

/// What makes an indicator's name and value measurable (`src/check/names.rs`). A workspace
/// `[names]` table extends the lists and may replace `max_name_chars`.
#[derive(Debug, Clone, Deserialize, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Names {
    /// A longer name is a sentence (`sentence-name`).
    pub max_name_chars: Option<usize>,
    /// Punctuation that ends a clause: a name holding one is a sentence.
    #[serde(default)]
    pub clause_marks: Vec<String>,
    /// Units of a count: a number followed by one inside a name is a target (`存量案件227件`).
    #[serde(default)]
    pub target_units: Vec<String>,
    /// A name holding one asks a yes/no question (`是否满足需求`).
    #[serde(default)]
    pub yes_no_markers: Vec<String>,
    /// The answers to such a question.
    #[serde(default)]
    pub yes_no_values: Vec<String>,
    /// A name ending with one asks how much or how well: `是` does not answer it.
    #[serde(default)]
    pub degree_suffixes: Vec<String>,
    /// What a measurable indicator name ends with (`率`, `满意度`, `数量`).
    #[serde(default)]
    pub measure_heads: Vec<String>,
    /// Words that join two indicators in one name (`及时率和准确率`).
    #[serde(default)]
    pub joiners: Vec<String>,
    /// Words holding a joiner that join nothing (`及时`, `参与`).
    #[serde(default)]
    pub not_joiners: Vec<String>,
    /// What separates the items of a list of values (`保障、提升`).
    #[serde(default)]
    pub value_separators: Vec<String>,
    /// Qualitative targets besides `vocabulary.qualitative`, to recognise a list of them.
    #[serde(default)]
    pub target_words: Vec<String>,
}

impl Names {
    /// `other` added: lists extended, `max_name_chars` replaced when set.
    pub fn extend(&mut self, other: Names) {
        if other.max_name_chars.is_some() {
            self.max_name_chars = other.max_name_chars;
        }
        for (mine, theirs) in [
            (&mut self.clause_marks, other.clause_marks),
            (&mut self.target_units, other.target_units),
            (&mut self.yes_no_markers, other.yes_no_markers),
            (&mut self.yes_no_values, other.yes_no_values),
            (&mut self.degree_suffixes, other.degree_suffixes),
            (&mut self.measure_heads, other.measure_heads),
            (&mut self.joiners, other.joiners),
            (&mut self.not_joiners, other.not_joiners),
            (&mut self.value_separators, other.value_separators),
            (&mut self.target_words, other.target_words),
        ] {
            mine.extend(theirs);
        }
    }
}

impl Vocab {
    pub fn builtin() -> &'static Vocab {
        static V: std::sync::OnceLock<Vocab> = std::sync::OnceLock::new();
        V.get_or_init(|| {
            toml::from_str(include_str!("profiles.toml")).expect("built-in profiles.toml is valid")
        })
    }

    pub fn profile(&self, id: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.id == id || p.name == id)
    }

    /// The profile for a form year: the one with the latest `from_year` not after it.
    pub fn profile_for_year(&self, year: Option<i32>) -> &Profile {
        let year = year.unwrap_or(i32::MAX);
        self.profiles
            .iter()
            .filter(|p| p.from_year <= year)
            .max_by_key(|p| p.from_year)
            .unwrap_or(&self.profiles[0])
    }

    /// The canonical category name for `name` (aliases resolved, inner whitespace removed).
    pub fn canonical_category(&self, name: &str) -> String {
        // Nearly every name (all indicator names pass through here) has no whitespace:
        // look it up as it is rather than rebuild it a character at a time.
        if !name.contains(char::is_whitespace) {
            return self
                .aliases
                .get(name)
                .cloned()
                .unwrap_or_else(|| name.to_string());
        }
        let squeezed: String = name.chars().filter(|c| !c.is_whitespace()).collect();
        self.aliases.get(&squeezed).cloned().unwrap_or(squeezed)
    }

    /// Whether `name` is a 一级 / a 二级 in any profile.
    pub fn category_roles(&self, canonical: &str) -> (bool, bool) {
        let mut l1 = false;
        let mut l2 = false;
        for p in &self.profiles {
            for d in &p.level1 {
                l1 |= d.name == canonical;
                l2 |= d.level2.iter().any(|n| n == canonical);
            }
        }
        (l1, l2)
    }

    pub fn is_unit(&self, unit: &str) -> bool {
        self.vocabulary.units.iter().any(|u| u == unit)
    }
}

impl Profile {
    pub fn level1(&self, name: &str) -> Option<&Level1Def> {
        self.level1.iter().find(|d| d.name == name)
    }
    /// The 一级 that owns the 二级 `name` in this profile.
    pub fn parent_of(&self, name: &str) -> Option<&Level1Def> {
        self.level1
            .iter()
            .find(|d| d.level2.iter().any(|n| n == name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_by_year() {
        let v = Vocab::builtin();
        assert_eq!(v.profile_for_year(Some(2021)).id, "finance-2020");
        assert_eq!(v.profile_for_year(Some(2024)).id, "finance-2021");
        assert_eq!(v.profile_for_year(Some(2026)).id, "shanghai-2025");
        assert_eq!(v.category_roles("成本指标"), (true, true));
        assert_eq!(
            v.canonical_category("服务对象满意度 指标"),
            "服务对象满意度指标"
        );
        assert_eq!(
            v.canonical_category("社会公众或服务对象满意度指标"),
            "服务对象满意度指标"
        );
    }
}

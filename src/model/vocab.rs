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

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
    /// The 二级 every project must set under this 一级 (`missing-level2`). When not written,
    /// 产出指标 requires 数量指标, 质量指标 and 时效指标 (those of them in `level2`).
    #[serde(default)]
    pub required: Option<Vec<String>>,
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
    /// Extra accepted values of 项目类别 / 项目性质 for this profile, added to `[values]`.
    #[serde(default)]
    pub values: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Deserialize, Default, PartialEq)]
pub struct Words {
    #[serde(default)]
    pub units: Vec<String>,
    /// Magnitude words a known unit may carry (万平方米, 亿元).
    #[serde(default)]
    pub unit_prefixes: Vec<String>,
    /// What may follow a known unit to count occurrences (户次, 台次).
    #[serde(default)]
    pub unit_suffixes: Vec<String>,
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
    pub kinds: Kinds,
    /// `kinds` arranged for lookup; rebuilt by [`Vocab::index_kinds`] whenever `kinds` changes.
    #[serde(skip)]
    pub kind_index: KindIndex,
    /// The accepted values of the closed project fields (项目类别, 项目性质), `unknown-value`.
    #[serde(default)]
    pub values: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub thresholds: Thresholds,
    #[serde(default)]
    pub names: Names,
    #[serde(default)]
    pub history: History,
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
    /// The usual 分值 of 执行率 and of each 一级 (`weight-split`).
    #[serde(default)]
    pub usual_weights: BTreeMap<String, u32>,
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

/// One kind of indicator (`[kinds.quality]`): the name endings that say it, and the 二级 where
/// it belongs (the first is where a quick fix moves it).
#[derive(Debug, Clone, Deserialize, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KindDef {
    #[serde(default)]
    pub suffixes: Vec<String>,
    #[serde(default)]
    pub level2: Vec<String>,
}

/// What an indicator measures, as data (`src/check/kind.rs`). A workspace `[kinds]` table
/// extends every list.
#[derive(Debug, Clone, Deserialize, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Kinds {
    #[serde(default)]
    pub lower_is_better: Vec<String>,
    #[serde(default)]
    pub count_units: Vec<String>,
    #[serde(default)]
    pub time_units: Vec<String>,
    #[serde(default)]
    pub money_units: Vec<String>,
    #[serde(default)]
    pub unit_cost: Vec<String>,
    #[serde(default)]
    pub quantity: KindDef,
    #[serde(default)]
    pub quality: KindDef,
    #[serde(default)]
    pub timeliness: KindDef,
    #[serde(default)]
    pub cost: KindDef,
    #[serde(default)]
    pub economic: KindDef,
    #[serde(default)]
    pub social: KindDef,
    #[serde(default)]
    pub ecological: KindDef,
    #[serde(default)]
    pub sustainability: KindDef,
    #[serde(default)]
    pub satisfaction: KindDef,
}

impl Kinds {
    /// The kinds in [`KindIndex`] order: `defs()[i]` is kind number `i`.
    pub fn defs(&self) -> [&KindDef; 9] {
        [
            &self.quantity,
            &self.quality,
            &self.timeliness,
            &self.cost,
            &self.economic,
            &self.social,
            &self.ecological,
            &self.sustainability,
            &self.satisfaction,
        ]
    }

    pub fn extend(&mut self, other: Kinds) {
        let Kinds {
            lower_is_better,
            count_units,
            time_units,
            money_units,
            unit_cost,
            quantity,
            quality,
            timeliness,
            cost,
            economic,
            social,
            ecological,
            sustainability,
            satisfaction,
        } = other;
        self.lower_is_better.extend(lower_is_better);
        self.count_units.extend(count_units);
        self.time_units.extend(time_units);
        self.money_units.extend(money_units);
        self.unit_cost.extend(unit_cost);
        for (mine, theirs) in [
            (&mut self.quantity, quantity),
            (&mut self.quality, quality),
            (&mut self.timeliness, timeliness),
            (&mut self.cost, cost),
            (&mut self.economic, economic),
            (&mut self.social, social),
            (&mut self.ecological, ecological),
            (&mut self.sustainability, sustainability),
            (&mut self.satisfaction, satisfaction),
        ] {
            mine.suffixes.extend(theirs.suffixes);
            mine.level2.extend(theirs.level2);
        }
    }
}

/// The position of `cost` in [`Kinds::defs`].
const COST_KIND: u8 = 3;

/// Every name ending of every kind, longest first, so that the first ending a name has is its
/// longest one; and the lower-is-better endings likewise. Built once per vocabulary, not per
/// indicator.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KindIndex {
    /// (ending, kind number in [`Kinds::defs`] order)
    pub endings: Vec<(String, u8)>,
    /// (ending, lower is better)
    pub direction: Vec<(String, bool)>,
}

/// Thresholds of the goal-text and copy-paste checks (`[thresholds]` in profiles.toml).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    /// `goal-repeat`: a repeated sentence shorter than this (characters) is not reported.
    pub goal_repeat_min_chars: usize,
    /// `copied-goal`: sentences shorter than this are boilerplate, not a copy.
    pub copied_sentence_min_chars: usize,
    /// `copied-goal`: a sentence found in more projects than this is the unit's standard
    /// wording, not a copy from one project to another.
    pub copied_sentence_max_projects: usize,
    /// `copied-cost`: cost caps adding up to less than this (元) are too small to tell.
    pub copied_cost_min_yuan: u64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            goal_repeat_min_chars: 8,
            copied_sentence_min_chars: 15,
            copied_sentence_max_projects: 3,
            copied_cost_min_yuan: 10_000,
        }
    }
}

/// What makes an indicator's name and value measurable (`src/check/names.rs`). A workspace
/// `[names]` table extends the lists and may replace `max_name_chars`.
#[derive(Debug, Clone, Deserialize, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Names {
    /// A longer name is a sentence (`sentence-name`).
    pub max_name_chars: Option<usize>,
    /// `goal-unquantified`: a goal without a number and shorter than this says too little.
    pub short_goal_chars: Option<usize>,
    /// `goal-unquantified`: words that stand for a number not given (`若干台`).
    #[serde(default)]
    pub vague_quantities: Vec<String>,
    /// `deviation-reason`: what fills a cell without saying anything (`无`, `/`).
    #[serde(default)]
    pub placeholder_texts: Vec<String>,
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
        if other.short_goal_chars.is_some() {
            self.short_goal_chars = other.short_goal_chars;
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
            (&mut self.vague_quantities, other.vague_quantities),
            (&mut self.placeholder_texts, other.placeholder_texts),
        ] {
            mine.extend(theirs);
        }
    }
}

impl Vocab {
    pub fn builtin() -> &'static Vocab {
        static V: std::sync::OnceLock<Vocab> = std::sync::OnceLock::new();
        V.get_or_init(|| {
            let mut v: Vocab = toml::from_str(include_str!("profiles.toml"))
                .expect("built-in profiles.toml is valid");
            v.index_kinds();
            v
        })
    }

    /// Rebuilds `kind_index` from `kinds`.
    pub fn index_kinds(&mut self) {
        let mut endings: Vec<(String, u8)> = Vec::new();
        for (i, d) in self.kinds.defs().iter().enumerate() {
            endings.extend(d.suffixes.iter().map(|s| (s.clone(), i as u8)));
        }
        let by_length = |a: &str, b: &str| b.len().cmp(&a.len()).then(a.cmp(b));
        endings.sort_by(|a, b| by_length(&a.0, &b.0));
        endings.dedup_by(|a, b| a.0 == b.0);
        // A kind's endings are higher-is-better unless listed as lower: both lists feed the
        // direction, so that 故障修复及时率 (及时率) is not lower-is-better for its 故障.
        let mut direction: Vec<(String, bool)> = self
            .kinds
            .lower_is_better
            .iter()
            .map(|s| (s.clone(), true))
            .collect();
        for (s, k) in &endings {
            // Quantities, quality rates, timeliness and benefits: more is better; a cost is a
            // ceiling and is judged by cost-operator.
            if *k != COST_KIND && !direction.iter().any(|(d, _)| d == s) {
                direction.push((s.clone(), false));
            }
        }
        direction.sort_by(|a, b| by_length(&a.0, &b.0));
        self.kind_index = KindIndex { endings, direction };
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

    /// A unit of the list (with a magnitude before it or a 次 after it: `万平方米`, `户次`), or a
    /// known unit per something (`万元/月`, `元/人年`): what follows the slash names what is
    /// counted, and is not a closed list.
    pub fn is_unit(&self, unit: &str) -> bool {
        let words = &self.vocabulary;
        let listed = |u: &str| words.units.iter().any(|k| k == u);
        let known = |u: &str| {
            listed(u)
                || words.unit_prefixes.iter().any(|p| {
                    u.strip_prefix(p.as_str())
                        .is_some_and(|rest| !rest.is_empty() && listed(rest))
                })
                || words.unit_suffixes.iter().any(|s| {
                    u.strip_suffix(s.as_str())
                        .is_some_and(|rest| !rest.ends_with(s.as_str()) && listed(rest))
                })
        };
        known(unit)
            || unit
                .split_once('/')
                .is_some_and(|(head, per)| known(head) && !per.is_empty() && !per.contains('/'))
    }

    /// The category a misspelt name was meant to be (`产出指示` → 产出指标), from every
    /// profile's 一级 and 二级: edit distance 1, or 2 for names of five characters or more.
    pub fn suggest_category(&self, canonical: &str) -> Option<String> {
        let mut names: Vec<&str> = Vec::new();
        for p in &self.profiles {
            for d in &p.level1 {
                names.push(&d.name);
                names.extend(d.level2.iter().map(String::as_str));
            }
        }
        names.sort_unstable();
        names.dedup();
        super::suggest_from(canonical, &names)
    }

    /// The accepted values of a closed project field in `profile`: `[values]` and the
    /// profile's own. Empty when the field is not closed.
    pub fn field_values<'a>(&'a self, profile: &'a Profile, key: &str) -> Vec<&'a str> {
        self.values
            .get(key)
            .into_iter()
            .chain(profile.values.get(key))
            .flatten()
            .map(String::as_str)
            .collect()
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

impl Level1Def {
    /// The 二级 a project must set under this 一级.
    pub fn required_level2(&self) -> Vec<&str> {
        match &self.required {
            Some(r) => r.iter().map(String::as_str).collect(),
            None if self.name == "产出指标" => ["数量指标", "质量指标", "时效指标"]
                .into_iter()
                .filter(|n| self.level2.iter().any(|l| l == n))
                .collect(),
            None => Vec::new(),
        }
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

    #[test]
    fn units_of_other_domains() {
        let v = Vocab::builtin();
        for u in [
            "所",
            "公里",
            "平方米",
            "万平方米",
            "亿元",
            "户次",
            "台次",
            "元/所",
            "万元/公里",
        ] {
            assert!(v.is_unit(u), "{u}");
        }
        for u in ["件件", "次次", "万", "人/", "pcs", "/人"] {
            assert_eq!(v.is_unit(u), u == "万", "{u}");
        }
    }
}

/// Year over year (`check::history`, `[history]` in profiles.toml and jixiao.toml).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct History {
    /// `target-jump`: a target this many times last year's, or last year's this many times
    /// this year's, is taken for a slip of a digit.
    pub jump_factor: rust_decimal::Decimal,
}

impl Default for History {
    fn default() -> Self {
        History {
            jump_factor: rust_decimal::Decimal::from(10),
        }
    }
}

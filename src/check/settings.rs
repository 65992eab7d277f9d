//! Settings for the checks: the built-in vocabulary, extended and overridden by a workspace
//! `jixiao.toml` (docs/CONFIG.md) and by the editor's settings.

use super::{rule, Severity};
use crate::model::vocab::{Profile, Vocab};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub vocab: Vocab,
    /// Profile id forced for every file (else the header's, else by year).
    pub profile: Option<String>,
    /// Per-rule severity; `None` turns the rule off.
    pub severities: BTreeMap<String, Option<Severity>>,
    /// Tolerance in 元 for each cost cap written in 万元 with two decimals (rounding).
    pub tolerance_per_cap: Decimal,
    /// The file the settings came from, if any.
    pub source: Option<PathBuf>,
    /// Points (分) an indicator's 得分 may differ from the score its result gives (score-mismatch).
    pub score_tolerance: Decimal,
    /// `roots`: folders read as the context of cross-file checks (`check::roots`); resolved
    /// against the jixiao.toml's folder by [`Settings::from_file`].
    pub roots: Vec<super::roots::Root>,
    /// `roots` as written, with their lines, until resolved.
    roots_written: Vec<(String, usize)>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            vocab: Vocab::builtin().clone(),
            profile: None,
            severities: BTreeMap::new(),
            tolerance_per_cap: Decimal::from(50),
            source: None,
            score_tolerance: Decimal::ONE,
            roots: Vec::new(),
            roots_written: Vec::new(),
        }
    }
}

/// A configuration error, in Chinese, naming the file.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingsError(pub String);

impl std::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The `jixiao.toml` schema. Unknown keys are errors, not silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub profile: Option<String>,
    /// 元 per 万元 cap, as a string or a number.
    pub tolerance: Option<toml::Value>,
    #[serde(default)]
    pub rules: BTreeMap<String, String>,
    #[serde(default, rename = "profiles")]
    pub extra_profiles: Vec<Profile>,
    /// Extra 二级 per 一级, added to every profile that has that 一级.
    #[serde(default)]
    pub categories: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
    #[serde(default)]
    pub units: Vec<String>,
    #[serde(default)]
    pub qualitative: Vec<String>,
    /// 分 (points), as a string or a number.
    pub score_tolerance: Option<toml::Value>,
    #[serde(default)]
    pub grading: crate::model::vocab::Grading,
    /// What an indicator measures: lists added to the built-in `[kinds]`.
    #[serde(default)]
    pub kinds: crate::model::vocab::Kinds,
    /// Extra accepted values of 项目类别 / 项目性质.
    #[serde(default)]
    pub values: BTreeMap<String, Vec<String>>,
    /// Measurable names and values: lists added to the built-in ones.
    #[serde(default)]
    pub names: crate::model::vocab::Names,
    /// Year-over-year thresholds; replace the built-in ones.
    pub history: Option<toml::Value>,
    /// Folders of context for cross-file checks (`check::roots`).
    pub roots: Option<toml::Value>,
}

pub const CONFIG_FILE: &str = "jixiao.toml";

pub fn parse_severity(s: &str) -> Result<Option<Severity>, String> {
    match s {
        "error" | "错误" => Ok(Some(Severity::Error)),
        "warning" | "警告" => Ok(Some(Severity::Warning)),
        "info" | "提示" => Ok(Some(Severity::Info)),
        "off" | "关闭" => Ok(None),
        _ => Err(format!(
            "严重程度「{s}」无效，应为 error、warning、info 或 off"
        )),
    }
}

impl Settings {
    pub fn severity(&self, rule_id: &str) -> Option<Severity> {
        match self.severities.get(rule_id) {
            Some(s) => *s,
            None => rule(rule_id).map(|r| r.severity).or(Some(Severity::Error)),
        }
    }

    /// Finds `jixiao.toml` in `dir` or the nearest parent.
    pub fn find_config(dir: &Path) -> Option<PathBuf> {
        let mut d = Some(dir);
        while let Some(cur) = d {
            let p = cur.join(CONFIG_FILE);
            if p.is_file() {
                return Some(p);
            }
            d = cur.parent();
        }
        None
    }

    /// Settings for a file: the nearest `jixiao.toml` above it applied to the defaults.
    pub fn for_file(path: &Path) -> Result<Settings, SettingsError> {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let dir = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir
        };
        let dir = dir.canonicalize().unwrap_or(dir);
        match Settings::find_config(&dir) {
            Some(cfg) => Settings::from_file(&cfg),
            None => Ok(Settings::default()),
        }
    }

    pub fn from_file(path: &Path) -> Result<Settings, SettingsError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| SettingsError(format!("{}: 无法读取配置文件：{e}", path.display())))?;
        let mut s = Settings::default();
        s.apply_toml(&text)
            .map_err(|e| SettingsError(format!("{}: {e}", path.display())))?;
        s.roots = super::roots::resolve(path, std::mem::take(&mut s.roots_written));
        s.source = Some(path.to_path_buf());
        Ok(s)
    }

    /// Applies a `jixiao.toml` text. Errors name what is wrong, in Chinese.
    pub fn apply_toml(&mut self, text: &str) -> Result<(), String> {
        let cfg: ConfigFile = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| line_of(text, s.start))
                .map(|l| format!("第 {l} 行："))
                .unwrap_or_default();
            format!(
                "{at}配置文件格式错误：{}",
                chinese_toml_message(e.message())
            )
        })?;
        if let Some(r) = &cfg.roots {
            self.roots_written = super::roots::parse(r, text).map_err(|msg| {
                let at = key_line(text, "roots").map(|l| format!("第 {l} 行："));
                format!("{}{msg}", at.unwrap_or_default())
            })?;
        }
        self.apply(cfg)
            .map_err(|(key, msg)| match key_line(text, &key) {
                Some(l) => format!("第 {l} 行：{msg}"),
                None => msg,
            })
    }

    /// Applies a parsed configuration. An error names the key it is about (for its line).
    pub fn apply(&mut self, cfg: ConfigFile) -> Result<(), (String, String)> {
        for p in cfg.extra_profiles {
            self.vocab.profiles.retain(|q| q.id != p.id);
            self.vocab.profiles.push(p);
        }
        for (l1, l2s) in cfg.categories {
            let mut found = false;
            for p in &mut self.vocab.profiles {
                if let Some(d) = p.level1.iter_mut().find(|d| d.name == l1) {
                    found = true;
                    for n in &l2s {
                        if !d.level2.contains(n) {
                            d.level2.push(n.clone());
                        }
                    }
                }
            }
            if !found {
                return Err((
                    l1.clone(),
                    format!("[categories] 中的一级指标「{l1}」不在任何指标体系中"),
                ));
            }
        }
        let squeeze = |k: &str| k.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        self.vocab.aliases.extend(
            cfg.aliases
                .into_iter()
                .map(|(k, v)| (squeeze(&k), squeeze(&v))),
        );
        self.vocab.vocabulary.units.extend(cfg.units);
        self.vocab.vocabulary.qualitative.extend(cfg.qualitative);
        self.vocab.kinds.extend(cfg.kinds);
        self.vocab.index_kinds();
        for (key, vals) in cfg.values {
            if !crate::check::completeness::CLOSED_FIELDS.contains(&key.as_str()) {
                return Err((
                    key.clone(),
                    format!(
                        "[values] 中的「{key}」不是可以列举取值的字段，可写：项目类别、项目性质"
                    ),
                ));
            }
            self.vocab.values.entry(key).or_default().extend(vals);
        }
        self.vocab.names.extend(cfg.names);
        if let Some(p) = cfg.profile {
            if self.vocab.profile(&p).is_none() {
                let ids: Vec<&str> = self.vocab.profiles.iter().map(|p| p.id.as_str()).collect();
                return Err((
                    "profile".into(),
                    format!("指标体系「{p}」不存在，可选：{}", ids.join("、")),
                ));
            }
            self.profile = Some(p);
        }
        if let Some(t) = cfg.tolerance {
            let d = match &t {
                toml::Value::String(s) => s.parse::<Decimal>().ok(),
                toml::Value::Integer(i) => Some(Decimal::from(*i)),
                toml::Value::Float(f) => Decimal::try_from(*f).ok(),
                _ => None,
            };
            match d {
                Some(d) if !d.is_sign_negative() => self.tolerance_per_cap = d,
                _ => {
                    return Err((
                        "tolerance".into(),
                        format!("tolerance 应为不小于 0 的金额（元），而不是 {t}"),
                    ))
                }
            }
        }
        if let Some(t) = cfg.score_tolerance {
            match non_negative(&t) {
                Some(d) => self.score_tolerance = d,
                None => {
                    return Err((
                        "score_tolerance".into(),
                        format!("score_tolerance 应为不小于 0 的分数，而不是 {t}"),
                    ))
                }
            }
        }
        if let Some(h) = cfg.history {
            let bad = || {
                (
                    "history".to_string(),
                    format!("[history] 可写 jump_factor、exceeded_factor，均应为大于 1 的倍数，而不是 {h}"),
                )
            };
            let table = h.as_table().ok_or_else(bad)?;
            for (key, v) in table {
                let f = non_negative(v)
                    .filter(|f| *f > Decimal::ONE)
                    .ok_or_else(bad)?;
                match key.as_str() {
                    "jump_factor" => self.vocab.history.jump_factor = f,
                    "exceeded_factor" => self.vocab.history.exceeded_factor = f,
                    _ => return Err(bad()),
                }
            }
        }
        let g = &mut self.vocab.grading;
        g.achieved.extend(cfg.grading.achieved);
        g.partial.extend(cfg.grading.partial);
        g.not_achieved.extend(cfg.grading.not_achieved);
        if !cfg.grading.usual_weights.is_empty() {
            g.usual_weights = cfg.grading.usual_weights;
        }
        for (id, sev) in cfg.rules {
            if rule(&id).is_none() {
                return Err((
                    id.clone(),
                    format!("[rules] 中的规则「{id}」不存在（规则列表见 docs/RULES.md）"),
                ));
            }
            let sev =
                parse_severity(&sev).map_err(|e| (id.clone(), format!("[rules] {id}: {e}")))?;
            self.severities.insert(id, sev);
        }
        Ok(())
    }
}

fn non_negative(t: &toml::Value) -> Option<Decimal> {
    let d = match t {
        toml::Value::String(s) => s.parse::<Decimal>().ok(),
        toml::Value::Integer(i) => Some(Decimal::from(*i)),
        toml::Value::Float(f) => Decimal::try_from(*f).ok(),
        _ => None,
    };
    d.filter(|d| !d.is_sign_negative())
}

/// The TOML parser's messages, in Chinese where they follow a known pattern.
fn chinese_toml_message(m: &str) -> String {
    let mut s = m.trim().to_string();
    for (en, zh) in [
        ("unknown field", "未知的键"),
        (", expected one of", "，可用的键："),
        ("missing field", "缺少键"),
        ("duplicate key", "重复的键"),
        ("invalid type:", "类型不对："),
        ("invalid value:", "值无效："),
        ("expected a string", "应为字符串"),
        ("expected a sequence", "应为数组"),
        ("expected a boolean", "应为 true 或 false"),
        ("expected i32", "应为整数"),
        (", expected", "，应为"),
    ] {
        s = s.replace(en, zh);
    }
    s
}

/// The 1-based line that sets `key` (`key = …` or `"key" = …`).
fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.split('=')
                .next()
                .is_some_and(|k| k.trim().trim_matches('"') == key)
                && l.contains('=')
        })
        .map(|i| i + 1)
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_applies_and_rejects() {
        let mut s = Settings::default();
        s.apply_toml("profile = \"finance-2021\"\n[rules]\nsatisfaction-low = \"off\"\n[categories]\n\"效益指标\" = [\"双盲指标\"]\n")
            .unwrap();
        assert_eq!(s.severity("satisfaction-low"), None);
        assert_eq!(s.profile.as_deref(), Some("finance-2021"));
        assert!(s
            .vocab
            .profile("finance-2021")
            .unwrap()
            .level1("效益指标")
            .unwrap()
            .level2
            .contains(&"双盲指标".into()));
        assert!(Settings::default()
            .apply_toml("[rules]\nno-such = \"off\"")
            .unwrap_err()
            .contains("no-such"));
        assert!(Settings::default()
            .apply_toml("profil = 1")
            .unwrap_err()
            .contains("第 1 行"));
        assert!(Settings::default()
            .apply_toml("profile = \"x\"")
            .unwrap_err()
            .contains("finance-2020"));
        let mut v = Settings::default();
        v.apply_toml("[values]\n\"项目类别\" = [\"专项业务类\"]")
            .unwrap();
        assert!(v.vocab.values["项目类别"].contains(&"专项业务类".to_string()));
        assert!(Settings::default()
            .apply_toml("[values]\n\"主管部门\" = [\"x\"]")
            .unwrap_err()
            .contains("第 2 行"));
        let mut h = Settings::default();
        h.apply_toml("[history]\nexceeded_factor = 3\n").unwrap();
        assert_eq!(h.vocab.history.exceeded_factor, Decimal::from(3));
        assert_eq!(h.vocab.history.jump_factor, Decimal::from(10));
        for bad in [
            "[history]\nexceeded_factor = 1",
            "[history]\nfactor = 3",
            "history = 3",
        ] {
            assert!(
                Settings::default()
                    .apply_toml(bad)
                    .unwrap_err()
                    .contains("history"),
                "{bad}"
            );
        }
    }
}

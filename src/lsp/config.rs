//! Settings for a document: the nearest `jixiao.toml`, then the client's settings on top
//! (`initializationOptions`, `workspace/configuration`, `didChangeConfiguration`).

use crate::check::settings::parse_severity;
use crate::check::{rule, Settings};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the client may send, as the `jixiao` section or the section's contents.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientSettings {
    pub profile: Option<String>,
    pub rules: Vec<(String, String)>,
}

impl ClientSettings {
    pub fn from_json(v: &Value) -> ClientSettings {
        let v = v.get("jixiao").unwrap_or(v);
        let profile = v
            .get("profile")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let rules = v
            .get("rules")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        ClientSettings { profile, rules }
    }
}

#[derive(Default)]
pub struct ConfigCache {
    /// Keyed by the directory searched from.
    by_dir: HashMap<PathBuf, Arc<Settings>>,
    pub client: ClientSettings,
}

impl ConfigCache {
    pub fn clear(&mut self) {
        self.by_dir.clear();
    }

    /// Settings for a document at `path` (None for an unsaved document), and any problem with
    /// the configuration, in Chinese, for the user.
    pub fn settings_for(&mut self, path: Option<&Path>) -> (Arc<Settings>, Vec<String>) {
        let dir = path
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let mut problems = Vec::new();
        if let Some(s) = self.by_dir.get(&dir) {
            return (s.clone(), problems);
        }
        let mut s = match path {
            Some(p) => Settings::for_file(p).unwrap_or_else(|e| {
                problems.push(e.0);
                Settings::default()
            }),
            None => Settings::default(),
        };
        if let Some(p) = &self.client.profile {
            if s.vocab.profile(p).is_some() {
                s.profile = Some(p.clone());
            } else {
                problems.push(format!("编辑器设置 jixiao.profile：指标体系「{p}」不存在"));
            }
        }
        for (id, sev) in &self.client.rules {
            if rule(id).is_none() {
                problems.push(format!("编辑器设置 jixiao.rules：规则「{id}」不存在"));
                continue;
            }
            match parse_severity(sev) {
                Ok(v) => {
                    s.severities.insert(id.clone(), v);
                }
                Err(e) => problems.push(format!("编辑器设置 jixiao.rules.{id}：{e}")),
            }
        }
        let s = Arc::new(s);
        self.by_dir.insert(dir, s.clone());
        (s, problems)
    }
}

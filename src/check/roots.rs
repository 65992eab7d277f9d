//! `roots` in jixiao.toml: extra folders whose forms are the context of the cross-file checks
//! (`check::declaration`, `check::history`) — a 自评表 finds its 申报表 there, a 申报表 last
//! year's forms. Their files are read for that only: they are not reported themselves.
//!
//! A root that is missing or is not a folder is a warning naming the jixiao.toml line, never a
//! reason to stop: last year's folder on a network drive that is not mounted today must not
//! keep this year's forms from being checked.

use crate::walk::EXTENSION;
use std::path::{Path, PathBuf};

/// One entry of `roots`, resolved against the folder of the jixiao.toml that names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    pub path: PathBuf,
    /// As written, for messages.
    pub written: String,
    /// The jixiao.toml that names it and the 1-based line there.
    pub config: PathBuf,
    pub line: usize,
}

/// The folders of a `roots` value (as written, with their line in `text`), or the message for a
/// value of the wrong type.
pub fn parse(value: &toml::Value, text: &str) -> Result<Vec<(String, usize)>, String> {
    let wrong =
        || format!("roots 应为文件夹路径的数组，如 roots = [\"../2024年\"]，而不是 {value}");
    let items = value.as_array().ok_or_else(wrong)?;
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("roots") && l.contains('='))
        .map_or(1, |i| i + 1);
    items
        .iter()
        .map(|v| match v.as_str() {
            Some(s) if !s.trim().is_empty() => Ok((s.to_string(), line_of_item(text, line, s))),
            _ => Err(wrong()),
        })
        .collect()
}

/// The line of `item` in an array that starts at `from` (an array may span lines).
fn line_of_item(text: &str, from: usize, item: &str) -> usize {
    let quoted = [format!("\"{item}\""), format!("'{item}'")];
    text.lines()
        .enumerate()
        .skip(from - 1)
        .find(|(_, l)| quoted.iter().any(|q| l.contains(q.as_str())))
        .map_or(from, |(i, _)| i + 1)
}

/// Resolves the entries of `config` (a jixiao.toml path): relative ones against its folder.
pub fn resolve(config: &Path, written: Vec<(String, usize)>) -> Vec<Root> {
    let dir = config.parent().unwrap_or(Path::new("."));
    written
        .into_iter()
        .map(|(w, line)| Root {
            path: dir.join(&w),
            written: w,
            config: config.to_path_buf(),
            line,
        })
        .collect()
}

impl Root {
    /// Why the root cannot be read, as a warning for the user (Chinese, naming the jixiao.toml
    /// line); `None` when it can.
    pub fn problem(&self) -> Option<String> {
        let why = match std::fs::metadata(&self.path) {
            Ok(m) if m.is_dir() => match std::fs::read_dir(&self.path) {
                Ok(_) => return None,
                Err(e) => format!("无法读取：{e}"),
            },
            Ok(_) if self.path.extension().is_some_and(|x| x == EXTENSION) => return None,
            Ok(_) => "不是文件夹".to_string(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => "不存在".to_string(),
            Err(e) => format!("无法读取：{e}"),
        };
        Some(format!(
            "{}:{}: roots 中的「{}」{why}，其中的表不作为跨文件检查的对照",
            self.config.display(),
            self.line,
            self.written
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_and_their_lines() {
        let text = "profile = \"finance-2020\"\nroots = [\n  \"../2024年\",\n  '/abs/b',\n]\n";
        let v: toml::Table = toml::from_str(text).unwrap();
        let got = parse(&v["roots"], text).unwrap();
        assert_eq!(got, [("../2024年".into(), 3), ("/abs/b".into(), 4)]);
        let roots = resolve(Path::new("a/jixiao.toml"), got);
        assert_eq!(roots[0].path, Path::new("a/../2024年"));
        assert_eq!(roots[1].path, Path::new("/abs/b"));
        let msg = roots[0].problem().unwrap();
        assert_eq!(
            msg,
            "a/jixiao.toml:3: roots 中的「../2024年」不存在，其中的表不作为跨文件检查的对照"
        );
    }

    #[test]
    fn wrong_types() {
        for bad in ["roots = \"x\"", "roots = [1]", "roots = [\"\"]"] {
            let v: toml::Table = toml::from_str(bad).unwrap();
            assert!(parse(&v["roots"], bad).unwrap_err().contains("roots 应为"));
        }
    }
}

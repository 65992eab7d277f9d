//! The JSON interface (docs/EXPORT.md): English keys, decimals as strings, dates as ISO
//! strings. For other tools, so its shape changes only with a version bump.

use super::stream;
use crate::check::active_profile;
use crate::check::Settings;
use crate::model::value::{canonical_number, format_date, parse_date, IndicatorValue, Money};
use crate::model::*;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{json, Map, Value};
use std::io::{self, Write};

pub const SCHEMA_VERSION: u32 = 1;

fn money(m: &Option<MoneyField>) -> Value {
    match m.as_ref().map(|m| m.money) {
        Some(Money::Amount(d)) => {
            let mut d = d;
            d.rescale(2);
            Value::String(d.to_string())
        }
        _ => Value::Null,
    }
}

fn parts(p: &Parts) -> Value {
    json!({
        "total": money(&p.total),
        "current_year": money(&p.current_year),
        "carryover": money(&p.carryover),
        "other": money(&p.other),
    })
}

fn num(n: Option<&NumField>) -> Value {
    n.and_then(|n| n.num)
        .map(|n| Value::String(n.value.normalize().to_string()))
        .unwrap_or(Value::Null)
}

fn text(t: Option<&TextField>) -> Value {
    t.map(|t| Value::String(t.text())).unwrap_or(Value::Null)
}

fn field(p: &Project, key: &str) -> Value {
    p.field(key)
        .map(|f| Value::String(f.value.clone()))
        .unwrap_or(Value::Null)
}

fn date(p: &Project, key: &str) -> Value {
    match p.field(key) {
        Some(f) => match parse_date(&f.value) {
            Some(d) => Value::String(format_date(d)),
            None => Value::String(f.value.clone()),
        },
        None => Value::Null,
    }
}

fn indicator(l1: &Level1, l2: Option<&Level2>, ind: &Indicator, self_eval: bool) -> Value {
    let (kind, op, value, unit) = match &ind.value {
        IndicatorValue::Quantitative { op, number, unit } => (
            "quantitative",
            json!(op.symbol()),
            json!(canonical_number(*number)),
            json!(unit),
        ),
        IndicatorValue::BareNumber { number, unit } => (
            "quantitative",
            Value::Null,
            json!(canonical_number(*number)),
            json!(unit),
        ),
        IndicatorValue::Qualitative => ("qualitative", Value::Null, Value::Null, Value::Null),
        IndicatorValue::Malformed => ("unparsed", Value::Null, Value::Null, Value::Null),
        IndicatorValue::Empty => ("empty", Value::Null, Value::Null, Value::Null),
    };
    let mut m = Map::new();
    m.insert("level1".into(), json!(l1.canonical));
    m.insert(
        "level2".into(),
        l2.map(|l| json!(l.canonical)).unwrap_or(Value::Null),
    );
    m.insert("name".into(), json!(ind.name));
    m.insert("kind".into(), json!(kind));
    m.insert("op".into(), op);
    m.insert("value".into(), value);
    m.insert("unit".into(), unit);
    m.insert("text".into(), json!(ind.value_text));
    if self_eval {
        m.insert(
            "actual".into(),
            ind.actual().map(|a| json!(a.value)).unwrap_or(Value::Null),
        );
        m.insert("weight".into(), num(ind.weight()));
        m.insert("score".into(), num(ind.score()));
        m.insert("deviation".into(), text(ind.deviation()));
    }
    Value::Object(m)
}

fn project(p: &Project, kind: FormKind) -> Value {
    let self_eval = kind == FormKind::SelfEval;
    let mut m = Map::new();
    m.insert("name".into(), json!(p.name));
    if !self_eval {
        m.insert("nature".into(), field(p, NATURE));
        m.insert("category".into(), field(p, CATEGORY));
    }
    m.insert("authority".into(), field(p, AUTHORITY));
    m.insert("implementer".into(), field(p, IMPLEMENTER));
    if !self_eval {
        m.insert("start_date".into(), date(p, START_DATE));
        m.insert("end_date".into(), date(p, END_DATE));
    }
    let funding = match &p.funding {
        None => Value::Null,
        Some(f) => {
            let mut fm = match parts(f.budget()) {
                Value::Object(o) => o,
                _ => unreachable!(),
            };
            if !self_eval {
                fm.insert("project_total".into(), money(&f.project_total));
            }
            if self_eval {
                let col =
                    |k: ColumnKind| f.column(k).map(|c| parts(&c.parts)).unwrap_or(Value::Null);
                fm.insert(
                    "columns".into(),
                    json!({
                        "initial": col(ColumnKind::Initial),
                        "annual": col(ColumnKind::Annual),
                        "executed": col(ColumnKind::Executed),
                    }),
                );
                fm.insert("weight".into(), num(f.weight.as_ref()));
                fm.insert("rate".into(), num(f.rate.as_ref()));
                fm.insert("score".into(), num(f.score.as_ref()));
            }
            Value::Object(fm)
        }
    };
    m.insert("funding".into(), funding);
    if self_eval {
        m.insert("budget_goal".into(), text(p.text(BUDGET_GOAL)));
        m.insert("achieved".into(), text(p.text(ACHIEVED)));
    } else {
        m.insert("project_goal".into(), text(p.text(PROJECT_GOAL)));
        m.insert("goal".into(), text(p.text(GOAL)));
    }
    m.insert(
        "indicators".into(),
        Value::Array(
            p.indicators()
                .map(|(a, b, i)| indicator(a, b, i, self_eval))
                .collect(),
        ),
    );
    if self_eval {
        let t = p.total.as_ref();
        m.insert(
            "total_score".into(),
            json!({
                "weight": t.map(|t| num(t.weight.as_ref())).unwrap_or(Value::Null),
                "score": t.map(|t| num(t.score.as_ref())).unwrap_or(Value::Null),
            }),
        );
    }
    Value::Object(m)
}

/// The document's keys other than `projects`.
fn head(header: &Header, settings: &Settings) -> Map<String, Value> {
    let form = match header.form_kind() {
        FormKind::Target => "target",
        FormKind::SelfEval => "self-evaluation",
    };
    let mut m = Map::new();
    m.insert("schema".into(), json!(SCHEMA_VERSION));
    m.insert("form".into(), json!(form));
    m.insert("year".into(), json!(header.year()));
    m.insert(
        "unit".into(),
        json!(header.unit.as_ref().map(|u| u.value.clone())),
    );
    m.insert("profile".into(), json!(active_profile(header, settings).id));
    m
}

pub fn to_json(doc: &Document, settings: &Settings) -> Value {
    let kind = doc.header.form_kind();
    let mut m = head(&doc.header, settings);
    m.insert(
        "projects".into(),
        doc.projects.iter().map(|p| project(p, kind)).collect(),
    );
    Value::Object(m)
}

/// Writes `to_json` of `text` pretty-printed, with a final newline, building and writing one
/// project at a time (see `stream`): the bytes of `to_string_pretty(&to_json(..))`, without
/// holding the model or the `Value` of the whole file.
pub fn write_json(text: &str, settings: &Settings, w: &mut impl Write) -> io::Result<()> {
    let header = stream::header(text);
    let doc = Streamed {
        head: head(&header, settings),
        projects: Projects {
            text,
            settings,
            kind: header.form_kind(),
        },
    };
    doc.serialize(&mut serde_json::Serializer::pretty(&mut *w))?;
    w.write_all(b"\n")
}

struct Streamed<'a> {
    head: Map<String, Value>,
    projects: Projects<'a>,
}

struct Projects<'a> {
    text: &'a str,
    settings: &'a Settings,
    kind: FormKind,
}

impl Serialize for Streamed<'_> {
    /// The keys in the order of `to_json`'s map (sorted), `projects` in its place.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.head.len() + 1))?;
        let mut keys = self.head.iter().peekable();
        while let Some((k, v)) = keys.next_if(|(k, _)| k.as_str() < "projects") {
            map.serialize_entry(k, v)?;
        }
        map.serialize_entry("projects", &self.projects)?;
        for (k, v) in keys {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl Serialize for Projects<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        let mut written = Ok(());
        stream::each_project(self.text, &self.settings.vocab, |p| {
            if written.is_ok() {
                written = seq.serialize_element(&project(p, self.kind));
            }
        });
        written?;
        seq.end()
    }
}

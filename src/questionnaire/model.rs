//! The loaded, checked questionnaire. Every expression is already resolved and typed.

use std::collections::BTreeSet;

use regex::Regex;

use crate::expr::Node;
use crate::text::{Lang, Text};
use crate::value::Value;

/// An expression ready to evaluate.
#[derive(Clone, Debug)]
pub struct Compiled {
    pub source: String,
    pub node: Node,
    /// Derived values this expression needs, transitively, in evaluation order.
    pub needs: Vec<u16>,
    /// Facts read, directly or through derived values.
    pub facts: BTreeSet<u16>,
    /// Reads the application day, directly or through derived values.
    pub uses_time: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FactKind {
    Bool,
    Integer,
    Date,
    Text,
    Enum,
    EnumList,
}

impl FactKind {
    pub fn parse(s: &str) -> Option<FactKind> {
        Some(match s {
            "bool" => FactKind::Bool,
            "integer" => FactKind::Integer,
            "date" => FactKind::Date,
            "text" => FactKind::Text,
            "enum" => FactKind::Enum,
            "enum_list" => FactKind::EnumList,
            _ => return None,
        })
    }
    pub fn name(self) -> &'static str {
        match self {
            FactKind::Bool => "bool",
            FactKind::Integer => "integer",
            FactKind::Date => "date",
            FactKind::Text => "text",
            FactKind::Enum => "enum",
            FactKind::EnumList => "enum_list",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Choice {
    pub value: String,
    pub label: Text,
}

#[derive(Clone, Debug)]
pub struct Validation {
    pub check: Compiled,
    pub message: Text,
}

#[derive(Clone, Debug)]
pub struct Fact {
    pub id: String,
    pub index: u16,
    pub section: usize,
    pub kind: FactKind,
    pub prompt: Text,
    pub help: Option<Text>,
    pub cite: String,
    pub ask_if: Option<Compiled>,
    pub default: Option<Compiled>,
    pub optional: bool,
    pub personal: bool,
    pub choices: Vec<Choice>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub pattern: Option<Regex>,
    pub validate: Vec<Validation>,
    /// Byte offset of the fact's `id` in the questionnaire file.
    pub offset: usize,
}

impl Fact {
    pub fn choice(&self, value: &str) -> Option<&Choice> {
        self.choices.iter().find(|c| c.value == value)
    }
    /// A value shown to a person: choice labels for enums, 是/否 for bools.
    pub fn display(&self, v: &Value, lang: Lang) -> String {
        match (self.kind, v) {
            (_, Value::Null) => lang.pick("（未填）", "(none)").to_string(),
            (FactKind::Bool, Value::Bool(b)) => (if *b {
                lang.pick("是", "yes")
            } else {
                lang.pick("否", "no")
            })
            .to_string(),
            (FactKind::Enum, Value::Str(s)) => self
                .choice(s)
                .map_or_else(|| s.to_string(), |c| c.label.get(lang).to_string()),
            (FactKind::EnumList, Value::List(items)) if items.is_empty() => {
                lang.pick("（无）", "(none)").to_string()
            }
            (FactKind::EnumList, Value::List(items)) => items
                .iter()
                .map(|i| match i.as_str().and_then(|s| self.choice(s)) {
                    Some(c) => c.label.get(lang).to_string(),
                    None => i.to_string(),
                })
                .collect::<Vec<_>>()
                .join(lang.pick("、", ", ")),
            _ => v.to_string(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Section {
    pub id: String,
    pub title: Text,
    pub ask_if: Option<Compiled>,
    /// Facts of this section, as a range of fact indices.
    pub facts: std::ops::Range<usize>,
}

#[derive(Clone, Debug)]
pub struct Derived {
    pub name: String,
    pub expr: Compiled,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    Blocker,
    Refer,
    Action,
    Note,
}

impl RuleKind {
    pub fn parse(s: &str) -> Option<RuleKind> {
        Some(match s {
            "blocker" => RuleKind::Blocker,
            "refer" => RuleKind::Refer,
            "action" => RuleKind::Action,
            "note" => RuleKind::Note,
            _ => return None,
        })
    }
    pub fn name(self) -> &'static str {
        match self {
            RuleKind::Blocker => "blocker",
            RuleKind::Refer => "refer",
            RuleKind::Action => "action",
            RuleKind::Note => "note",
        }
    }
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            RuleKind::Blocker => lang.pick("不符合", "blocker"),
            RuleKind::Refer => lang.pick("需转办", "refer"),
            RuleKind::Action => lang.pick("待办", "action"),
            RuleKind::Note => lang.pick("提示", "note"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub code: String,
    pub kind: RuleKind,
    pub when: Compiled,
    pub cite: String,
    pub message: Text,
}

#[derive(Clone, Debug)]
pub struct ResultDef {
    pub name: String,
    pub expr: Compiled,
    pub label: Option<Text>,
    /// The label while the applicant cannot apply (the level aimed at, not one open).
    pub aim_label: Option<Text>,
    pub values: Vec<(String, Text)>,
    /// Money kept exactly as an integer number of fen (分), shown as yuan.
    pub fen: bool,
}

impl ResultDef {
    /// The label of a result code (`assistant` -> 助理级), or the value itself.
    pub fn display(&self, v: &Value, lang: Lang) -> String {
        match v {
            Value::Null => "—".to_string(),
            Value::Bool(b) => lang
                .pick(if *b { "是" } else { "否" }, if *b { "yes" } else { "no" })
                .to_string(),
            Value::Int(n) if self.fen => yuan(*n),
            Value::Str(s) => self
                .values
                .iter()
                .find(|(k, _)| k == &**s)
                .map_or_else(|| s.to_string(), |(_, t)| t.get(lang).to_string()),
            other => other.to_string(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Item {
    pub when: Option<Compiled>,
    pub text: Text,
    pub cite: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Meta {
    pub id: String,
    pub version: String,
    pub title: Text,
    pub policy_name: Text,
    pub policy_document: String,
    pub valid_from: Option<jiff::civil::Date>,
    pub valid_to: Option<jiff::civil::Date>,
    pub required_results: Vec<String>,
    pub applicant_name: Option<u16>,
    pub applicant_id: Option<u16>,
    pub pledge: Option<Text>,
    pub pledge_cite: Option<String>,
    /// The case-number prefix: 1 to 8 capital letters or digits, starting with a letter.
    pub case_prefix: Option<String>,
    /// What summarises a case in lists, exports and reports (`[meta.summary]`).
    pub summary: Summary,
}

/// `[meta.summary]`: the facts and results that summarise a case beside its number,
/// date, applicant and status, each with a short column label, and the result holding
/// the amount due.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    pub facts: Vec<SummaryItem>,
    pub results: Vec<SummaryItem>,
    /// An integer result: the amount due in whole yuan (reports add it up).
    pub money: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SummaryItem {
    pub id: String,
    /// The column label; a result without one uses the result's own label.
    pub label: Option<Text>,
}

impl Questionnaire {
    /// The column label of a summary fact or result: the one `[meta.summary]` gives, else
    /// (for a result) the result's own label, else the id.
    pub fn summary_label(&self, result: bool, id: &str, lang: crate::text::Lang) -> String {
        let s = &self.meta.summary;
        let items = if result { &s.results } else { &s.facts };
        items
            .iter()
            .find(|i| i.id == id)
            .and_then(|i| i.label.as_ref())
            .or_else(|| {
                result
                    .then(|| self.result(id).and_then(|r| r.label.as_ref()))
                    .flatten()
            })
            .map_or_else(|| id.to_string(), |t| t.get(lang).to_string())
    }
}

/// An amount in fen (分) as yuan with two decimals: 74667 -> 746.67, -5 -> -0.05.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let f = fen.unsigned_abs();
    format!("{sign}{}.{:02}", f / 100, f % 100)
}

/// A month and day (`06-01`), for windows that repeat every year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonthDay {
    pub month: i8,
    pub day: i8,
}

impl MonthDay {
    /// This month and day in `year` (29 February clamps to the 28th).
    pub fn in_year(self, year: i64) -> Option<jiff::civil::Date> {
        crate::dates::make_date(year, i64::from(self.month), i64::from(self.day))
    }
}

/// One year's window as the year's notice fixes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearWindow {
    pub year: i16,
    pub opens: jiff::civil::Date,
    pub closes: jiff::civil::Date,
    /// The day years are counted to in that year, when the notice fixes one.
    pub counting_date: Option<jiff::civil::Date>,
}

/// The application schedule: when applications are made, so that the engine can measure
/// every condition on the day of application and say when someone may apply.
#[derive(Clone, Debug)]
pub struct Schedule {
    /// Which applicants apply in a window (others apply on the interview day).
    pub applies: Option<Compiled>,
    /// The fact that holds the interview date.
    pub interview: u16,
    pub opens: MonthDay,
    pub closes: MonthDay,
    pub windows: Vec<YearWindow>,
    /// How many windows after the application year the engine looks ahead.
    pub horizon: u16,
    /// The result that ranks application days, and its values from lowest to highest.
    pub rank: Option<usize>,
    pub levels: Vec<String>,
    /// Blocker codes that time lifts (waited out by `qualifies_on`).
    pub lifted_by_time: Vec<String>,
    pub cite: Option<String>,
}

impl Schedule {
    /// Opening and closing days of the window of `year`.
    pub fn window(&self, year: i64) -> Option<(jiff::civil::Date, jiff::civil::Date)> {
        if let Some(w) = self.windows.iter().find(|w| i64::from(w.year) == year) {
            return Some((w.opens, w.closes));
        }
        Some((self.opens.in_year(year)?, self.closes.in_year(year)?))
    }
    pub fn counting_date(&self, year: i64) -> Option<jiff::civil::Date> {
        self.windows
            .iter()
            .find(|w| i64::from(w.year) == year)
            .and_then(|w| w.counting_date)
    }
    /// Rank of a level value (higher is better); values outside the list rank lowest.
    pub fn rank_of(&self, v: Option<&Value>) -> usize {
        v.and_then(Value::as_str)
            .and_then(|s| self.levels.iter().position(|l| l == s))
            .map_or(0, |p| p + 1)
    }
}

/// One step carrying answers from an earlier version over to a later one.
#[derive(Clone, Debug)]
pub struct Migration {
    pub from: String,
    pub to: String,
    /// The earlier version's facts this one lacks: id and type. In `set` expressions they
    /// have the indices after this questionnaire's facts, in this order.
    pub old_facts: Vec<(String, FactKind)>,
    /// Facts to set, each from an expression over the earlier answers.
    pub set: Vec<(u16, Compiled)>,
}

/// The status values, in the enum order used by the checker.
pub const STATUS_VALUES: [&str; 4] = ["ineligible", "incomplete", "refer", "eligible"];

#[derive(Clone, Debug)]
pub struct Questionnaire {
    /// The file name used in messages.
    pub file: String,
    pub source: String,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    pub meta: Meta,
    pub data: Value,
    pub articles: Vec<(String, String)>,
    pub sections: Vec<Section>,
    pub facts: Vec<Fact>,
    pub derived: Vec<Derived>,
    /// Derived values in dependency order.
    pub derived_order: Vec<u16>,
    pub rules: Vec<Rule>,
    pub results: Vec<ResultDef>,
    pub materials: Vec<Item>,
    pub steps: Vec<Item>,
    /// Sentences that read the outcome aloud: templates with `{result}` slots.
    pub sentences: Vec<Item>,
    pub schedule: Option<Schedule>,
    pub migrations: Vec<Migration>,
    /// The wording of the applicant's receipt (`[receipt]`).
    pub receipt: Option<super::receipt::Receipt>,
    /// English forms of cites, where the file writes one (`cite = { zh, en }`).
    pub cite_en: std::collections::BTreeMap<String, String>,
    /// Warnings found while loading (the file is usable).
    pub warnings: Vec<crate::diag::Diagnostic>,
}

impl Questionnaire {
    pub fn fact(&self, id: &str) -> Option<&Fact> {
        self.facts.iter().find(|f| f.id == id)
    }
    pub fn fact_index(&self, id: &str) -> Option<u16> {
        self.fact(id).map(|f| f.index)
    }
    pub fn result(&self, name: &str) -> Option<&ResultDef> {
        self.results.iter().find(|r| r.name == name)
    }
    pub fn rule(&self, code: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.code == code)
    }
    /// A cite as a person reads it: Chinese as written; in English, the form the file
    /// gives, else `第十一条（三）` read as `Art. 11(3)`.
    pub fn cite_in(&self, cite: &str, lang: Lang) -> String {
        match lang {
            Lang::Zh => cite.to_string(),
            Lang::En => self
                .cite_en
                .get(cite)
                .cloned()
                .unwrap_or_else(|| crate::text::cite_en(cite)),
        }
    }
    /// The article a cite refers to: the longest article key that prefixes it.
    pub fn article(&self, cite: &str) -> Option<(&str, &str)> {
        self.articles
            .iter()
            .filter(|(k, _)| cite.starts_with(k.as_str()))
            .max_by_key(|(k, _)| k.len())
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }
    /// Line and column of a byte offset in the questionnaire file.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        crate::diag::line_col(&self.source, offset)
    }
}

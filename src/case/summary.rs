//! A case's summary: the facts and results its questionnaire's `[meta.summary]` names, as
//! lists, exports and the wizard's recent cases show them beside the number, date,
//! applicant and status. The record keeps which ones were declared at sign-off (ids only),
//! the index keeps their values; labels and value names come from the questionnaire when
//! it is at hand, else the ids and codes are shown.

use serde::{Deserialize, Serialize};
use serde_json::Value as J;

use super::model::CaseRecord;
use crate::eval::{Evaluation, input};
use crate::questionnaire::Questionnaire;
use crate::text::Lang;

/// The summary a record declares: which facts and results, and the money result.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryRef {
    pub facts: Vec<String>,
    pub results: Vec<String>,
    pub money: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SummaryKind {
    Fact,
    Result,
}

/// One summary entry of one case: a fact or result and its value (JSON, as recorded).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryValue {
    pub kind: SummaryKind,
    pub id: String,
    pub value: J,
}

/// What `q` declares in `[meta.summary]`, as a record keeps it.
pub fn declared(q: &Questionnaire) -> SummaryRef {
    let s = &q.meta.summary;
    SummaryRef {
        facts: s.facts.iter().map(|i| i.id.clone()).collect(),
        results: s.results.iter().map(|i| i.id.clone()).collect(),
        money: s.money.clone(),
    }
}

/// Records signed before summaries were declared (`guantong-case/1`, and `/2` until it
/// gained the field) were listed by the one fact and result the index then had columns
/// for; their summary stays that.
pub fn legacy() -> SummaryRef {
    SummaryRef {
        facts: vec!["pathway".into()],
        results: vec!["level".into()],
        money: None,
    }
}

/// The summary of a record: its declared entries with their values (null when the case
/// has none), and the money result when it is a whole number.
pub fn values(rec: &CaseRecord) -> (Vec<SummaryValue>, Option<i64>) {
    let decl = rec.summary.clone().unwrap_or_else(legacy);
    let mut out = Vec::with_capacity(decl.facts.len() + decl.results.len());
    for id in decl.facts {
        let value = rec.facts.get(&id).cloned().unwrap_or(J::Null);
        out.push(SummaryValue {
            kind: SummaryKind::Fact,
            id,
            value,
        });
    }
    for id in decl.results {
        let value = rec.results.get(&id).cloned().unwrap_or(J::Null);
        out.push(SummaryValue {
            kind: SummaryKind::Result,
            id,
            value,
        });
    }
    let money = decl
        .money
        .and_then(|m| rec.results.get(&m).and_then(J::as_i64));
    (out, money)
}

/// The entries' kinds and ids, `fact:pathway result:level`: what the index keeps so that
/// the columns of many cases are found without parsing their summaries.
pub fn keys(entries: &[SummaryValue]) -> String {
    entries
        .iter()
        .map(|v| match v.kind {
            SummaryKind::Fact => format!("fact:{}", v.id),
            SummaryKind::Result => format!("result:{}", v.id),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The (kind, id) pairs of a [`keys`] string; unknown kinds are skipped.
pub fn parse_keys(s: &str) -> Vec<(SummaryKind, String)> {
    s.split_whitespace()
        .filter_map(|k| match k.split_once(':')? {
            ("fact", id) => Some((SummaryKind::Fact, id.to_string())),
            ("result", id) => Some((SummaryKind::Result, id.to_string())),
            _ => None,
        })
        .collect()
}

/// The column label of an entry: from `q` (see [`Questionnaire::summary_label`]) when
/// given, else the id.
pub fn label(q: Option<&Questionnaire>, kind: SummaryKind, id: &str, lang: Lang) -> String {
    match q {
        Some(q) => q.summary_label(kind == SummaryKind::Result, id, lang),
        None => id.to_string(),
    }
}

/// An entry's value for a person: the choice's or result value's name from `q` when
/// given, else the code. Null is empty.
pub fn display(
    q: Option<&Questionnaire>,
    kind: SummaryKind,
    id: &str,
    value: &J,
    lang: Lang,
) -> String {
    if value.is_null() {
        return String::new();
    }
    let typed = input::from_json(value);
    let named = match (q, &typed) {
        (Some(q), Some(v)) => match kind {
            SummaryKind::Fact => q.fact(id).map(|f| f.display(v, lang)),
            SummaryKind::Result => q.result(id).map(|r| r.display(v, lang)),
        },
        _ => None,
    };
    named.unwrap_or_else(|| code(value))
}

/// An entry's value as a code (CSV, JSON-less places): strings bare, lists joined by `;`.
pub fn code(value: &J) -> String {
    match value {
        J::Null => String::new(),
        J::String(s) => s.clone(),
        J::Array(a) => a.iter().map(code).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

/// The summary of an interview in progress, as (label, value) pairs with values named:
/// what the wizard's status line and outcome can show instead of reading fixed fact or
/// result names. Entries not known yet are left out.
pub fn of_evaluation(
    q: &Questionnaire,
    answers: &crate::value::Answers,
    ev: &Evaluation,
    lang: Lang,
) -> Vec<(String, String)> {
    let s = &q.meta.summary;
    let mut out = Vec::new();
    for item in &s.facts {
        if let (Some(f), Some(v)) = (q.fact(&item.id), answers.get(&item.id)) {
            out.push((q.summary_label(false, &item.id, lang), f.display(v, lang)));
        }
    }
    for item in &s.results {
        if let (Some(r), Some(v)) = (q.result(&item.id), ev.result(q, &item.id))
            && !v.is_null()
        {
            out.push((q.summary_label(true, &item.id, lang), r.display(v, lang)));
        }
    }
    out
}

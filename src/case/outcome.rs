//! A signed case's outcome as the one outcome view ([`crate::eval::view::OutcomeView`])
//! that the wizard, `evaluate --format text` and every export render: built from what
//! the record holds (the outcome as signed, never re-evaluated), labelled by the case's
//! own questionnaire when it is at hand.

use serde_json::Value as J;

use super::model::CaseRecord;
use crate::eval::Status;
use crate::eval::input;
use crate::eval::view::{FactLine, FindingLine, ItemLine, OutcomeView, ResultLine};
use crate::expr::check::TimelineField;
use crate::questionnaire::{Questionnaire, RuleKind};
use crate::text::Lang;

/// A text of the record in `lang`: `key`, or `key_en` in English when it was written.
fn text(o: &serde_json::Map<String, J>, key: &str, lang: Lang) -> String {
    let zh = o.get(key).and_then(J::as_str).unwrap_or("");
    match lang {
        Lang::En => o
            .get(&format!("{key}_en"))
            .and_then(J::as_str)
            .unwrap_or(zh)
            .to_string(),
        Lang::Zh => zh.to_string(),
    }
}

fn plain(v: &J) -> String {
    match v {
        J::String(s) => s.clone(),
        J::Null => "—".into(),
        other => other.to_string(),
    }
}

fn cite(q: Option<&Questionnaire>, c: &str, lang: Lang) -> String {
    match q {
        Some(q) => q.cite_in(c, lang),
        None if lang == Lang::En => crate::text::cite_en(c),
        None => c.to_string(),
    }
}

/// The outcome of `rec`, labelled by `q` (the case's own questionnaire) when given.
pub fn outcome_view(rec: &CaseRecord, q: Option<&Questionnaire>, lang: Lang) -> OutcomeView {
    let q = q.filter(|q| q.meta.id == rec.questionnaire.id);
    let status = Status::parse(rec.status());
    let open = status.is_some_and(Status::open);
    let fact_line = |id: &str| FactLine {
        id: id.to_string(),
        prompt: q
            .and_then(|q| q.fact(id))
            .map_or(id.to_string(), |f| f.prompt.get(lang).to_string()),
    };
    // results in the questionnaire's order, then any others the record holds; the
    // timeline is read by the sentences, status and missing have their own places
    let mut order: Vec<String> = q
        .map(|q| q.results.iter().map(|r| r.name.clone()).collect())
        .unwrap_or_default();
    for k in rec.results.keys() {
        if !order.contains(k) {
            order.push(k.clone());
        }
    }
    let rank = q.and_then(|q| q.schedule.as_ref().and_then(|s| s.rank).map(|i| (q, i)));
    let mut results = Vec::new();
    for k in order {
        if k == "status" || k == "missing" || TimelineField::parse(&k).is_some() {
            continue;
        }
        let Some(mut v) = rec.results.get(&k).cloned() else {
            continue;
        };
        let def = q.and_then(|q| q.result(&k));
        let mut label = def
            .and_then(|d| d.label.as_ref())
            .map_or(k.clone(), |l| l.get(lang).to_string());
        if !open && let Some(aim) = def.and_then(|d| d.aim_label.as_ref()) {
            // the level aimed at, not one the applicant can apply for
            label = aim.get(lang).to_string();
            if rank.is_some_and(|(q, i)| q.results[i].name == k)
                && let Some(ql) = rec.results.get("qualifies_level").filter(|v| !v.is_null())
            {
                v = ql.clone();
            }
        }
        if v.is_null() {
            continue;
        }
        let value = match (def, input::from_json(&v)) {
            (Some(d), Some(val)) => d.display(&val, lang),
            _ => plain(&v),
        };
        results.push(ResultLine {
            name: k.clone(),
            label,
            value,
            code: input::from_json(&v).unwrap_or(crate::value::Value::Null),
        });
    }
    let findings = rec
        .findings
        .iter()
        .filter_map(J::as_object)
        .map(|o| {
            let kind = o
                .get("kind")
                .and_then(J::as_str)
                .and_then(RuleKind::parse)
                .unwrap_or(RuleKind::Note);
            FindingLine {
                code: o.get("code").and_then(J::as_str).unwrap_or("").to_string(),
                kind,
                kind_label: kind.label(lang).to_string(),
                cite: cite(q, o.get("cite").and_then(J::as_str).unwrap_or(""), lang),
                message: text(o, "message", lang),
            }
        })
        .collect();
    let items = |list: &[J]| -> Vec<ItemLine> {
        list.iter()
            .filter_map(J::as_object)
            .map(|o| ItemLine {
                text: text(o, "text", lang),
                cite: o.get("cite").and_then(J::as_str).map(|c| cite(q, c, lang)),
            })
            .collect()
    };
    let missing = rec
        .results
        .get("missing")
        .and_then(J::as_array)
        .into_iter()
        .flatten()
        .filter_map(J::as_str)
        .map(fact_line)
        .collect();
    OutcomeView {
        status: status.unwrap_or(Status::Incomplete),
        status_label: status.map_or_else(|| rec.status().to_string(), |s| s.label(lang).into()),
        interview_date: rec.interview_date,
        day: None,
        sentences: rec
            .sentences
            .iter()
            .filter_map(J::as_object)
            .map(|o| text(o, "text", lang))
            .collect(),
        results,
        findings,
        missing,
        materials: items(&rec.materials),
        steps: items(&rec.steps),
        set_aside: rec
            .set_aside
            .iter()
            .filter_map(J::as_str)
            .map(fact_line)
            .collect(),
    }
}

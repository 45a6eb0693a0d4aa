//! One view of an outcome, built from the evaluation, that every renderer shows: the
//! wizard's outcome screen and status line, `evaluate --format text`, `cases show` and the
//! printout. Labels and sentences come from the questionnaire; nothing here knows Baise.

use jiff::civil::Date;

use super::{Evaluation, Status};
use crate::expr::check::TimelineField;
use crate::questionnaire::template::{self, Piece};
use crate::questionnaire::{Questionnaire, ResultDef, RuleKind};
use crate::text::Lang;
use crate::value::Value;

/// A labelled result.
#[derive(Clone, Debug, PartialEq)]
pub struct ResultLine {
    pub name: String,
    pub label: String,
    /// The value as a person reads it (labels for codes, 是/否 for bools).
    pub value: String,
    pub code: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FindingLine {
    pub code: String,
    pub kind: RuleKind,
    pub kind_label: String,
    pub cite: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ItemLine {
    pub text: String,
    pub cite: Option<String>,
}

/// A fact by id and the question that asks it.
#[derive(Clone, Debug, PartialEq)]
pub struct FactLine {
    pub id: String,
    pub prompt: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OutcomeView {
    pub status: Status,
    pub status_label: String,
    pub interview_date: Option<Date>,
    /// The application day the outcome is reported for.
    pub day: Option<Date>,
    /// When and for what the applicant may apply, in the questionnaire's words.
    pub sentences: Vec<String>,
    pub results: Vec<ResultLine>,
    pub findings: Vec<FindingLine>,
    pub missing: Vec<FactLine>,
    pub materials: Vec<ItemLine>,
    pub steps: Vec<ItemLine>,
    pub set_aside: Vec<FactLine>,
}

impl OutcomeView {
    /// The verdict and its first sentence, for a status line.
    pub fn headline(&self) -> String {
        match self.sentences.first() {
            Some(s) => format!("{}：{s}", self.status_label),
            None => self.status_label.clone(),
        }
    }
    pub fn blockers(&self) -> impl Iterator<Item = &FindingLine> {
        self.findings.iter().filter(|f| f.kind == RuleKind::Blocker)
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date in words: 2027年6月1日, 1 June 2027.
pub fn long_date(d: Date, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Lang::En => format!(
            "{} {} {}",
            d.day(),
            MONTHS[usize::from(d.month().unsigned_abs().saturating_sub(1)).min(11)],
            d.year()
        ),
    }
}

/// The rank result, which also labels `qualifies_level` and `next_level`.
fn rank_def(q: &Questionnaire) -> Option<&ResultDef> {
    q.schedule
        .as_ref()
        .and_then(|s| s.rank)
        .and_then(|i| q.results.get(i))
}

/// A result or timeline value as a person reads it.
pub fn show(q: &Questionnaire, name: &str, v: &Value, long: bool, lang: Lang) -> String {
    match v {
        Value::Null => return "—".to_string(),
        Value::Date(d) if long => return long_date(*d, lang),
        Value::Date(d) => return d.to_string(),
        _ => {}
    }
    let def = match TimelineField::parse(name) {
        Some(TimelineField::QualifiesLevel | TimelineField::NextLevel) => rank_def(q),
        Some(_) => None,
        None => q.result(name),
    };
    match def {
        Some(r) => r.display(v, lang),
        None => v.to_string(),
    }
}

/// Fill a sentence template from the evaluation.
pub fn fill(q: &Questionnaire, ev: &Evaluation, text: &str, lang: Lang) -> String {
    let Ok(pieces) = template::parse(text) else {
        // the loader refuses malformed templates; show the text rather than nothing
        return text.to_string();
    };
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Lit(s) => out.push_str(&s),
            Piece::Slot { name, long } => {
                let v = ev.value(q, &name).unwrap_or(Value::Null);
                out.push_str(&show(q, &name, &v, long, lang));
            }
        }
    }
    out
}

pub fn build(q: &Questionnaire, ev: &Evaluation, lang: Lang) -> OutcomeView {
    let item = |it: &crate::questionnaire::Item| ItemLine {
        text: it.text.get(lang).to_string(),
        cite: it.cite.as_deref().map(|c| q.cite_in(c, lang)),
    };
    let fact = |i: u16| {
        let f = &q.facts[usize::from(i)];
        FactLine {
            id: f.id.clone(),
            prompt: f.prompt.get(lang).to_string(),
        }
    };
    let sentences = ev
        .sentences
        .iter()
        .map(|i| fill(q, ev, q.sentences[*i].text.get(lang), lang))
        .collect();
    let open = ev.status.open();
    let rank = q.schedule.as_ref().and_then(|s| s.rank);
    let mut results = Vec::new();
    for (i, (r, t)) in q.results.iter().zip(&ev.results).enumerate() {
        let mut v = t.known().cloned().unwrap_or(Value::Null);
        let mut label = r
            .label
            .as_ref()
            .map_or_else(|| r.name.clone(), |l| l.get(lang).to_string());
        if !open && let Some(aim) = &r.aim_label {
            // not a level the applicant can apply for: the level aimed at
            label = aim.get(lang).to_string();
            if rank == Some(i)
                && let Some(ql) = ev.timeline.as_ref().and_then(|t| t.qualifies_level.clone())
            {
                v = ql;
            }
        }
        if v.is_null() {
            continue;
        }
        results.push(ResultLine {
            name: r.name.clone(),
            label,
            value: r.display(&v, lang),
            code: v,
        });
    }
    let findings = ev
        .fired(q)
        .map(|r| FindingLine {
            code: r.code.clone(),
            kind: r.kind,
            kind_label: r.kind.label(lang).to_string(),
            cite: q.cite_in(&r.cite, lang),
            message: r.message.get(lang).to_string(),
        })
        .collect();
    OutcomeView {
        status: ev.status,
        status_label: ev.status.label(lang).to_string(),
        interview_date: ev.interview_date,
        day: ev.day,
        sentences,
        results,
        findings,
        missing: ev.missing.iter().map(|i| fact(*i)).collect(),
        materials: ev
            .materials
            .iter()
            .map(|i| item(&q.materials[*i]))
            .collect(),
        steps: ev.steps.iter().map(|i| item(&q.steps[*i])).collect(),
        set_aside: ev.set_aside().map(fact).collect(),
    }
}

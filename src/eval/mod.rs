//! Facts + questionnaire -> results and findings. The one evaluator that the wizard,
//! `evaluate`, `test` and the re-check of stored cases all call.

pub mod input;
pub mod migrate;
pub mod report;
mod state;
pub mod timeline;
pub mod view;

use jiff::civil::Date;

pub use timeline::Timeline;

use crate::expr::{FactSet, Tri};
use crate::questionnaire::{Questionnaire, RuleKind, STATUS_VALUES};
use crate::value::{Answers, Value};

/// Whether the branching reaches a fact.
#[derive(Clone, Debug, PartialEq)]
pub enum Reach {
    Reached,
    NotReached,
    /// Depends on facts not yet known.
    Pending(FactSet),
}

/// Where a fact's effective value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Answered (an explicit null answers an optional question with "not given").
    Answer,
    Default,
    /// Reached, no answer and no default: unknown.
    Absent,
    /// The branching does not reach the fact: known to be absent (null), unless its
    /// default gives a value.
    Unreached,
}

#[derive(Clone, Debug)]
pub struct FactState {
    pub reach: Reach,
    pub value: Tri,
    pub source: Source,
    /// An answer is on record but the branching does not reach the fact: kept aside,
    /// ignored by the rules.
    pub set_aside: bool,
    /// Validation messages that definitely fail for the answer given (indices into
    /// `Fact::validate`).
    pub invalid: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RuleOutcome {
    /// `Some(true)` fired, `Some(false)` did not, `None` undecided.
    pub fired: Option<bool>,
    /// For undecided rules: the absent facts it waits for.
    pub waiting: FactSet,
    pub error: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Ineligible,
    Incomplete,
    Refer,
    Eligible,
}

impl Status {
    pub fn code(self) -> &'static str {
        STATUS_VALUES[self as usize]
    }
    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "ineligible" => Status::Ineligible,
            "incomplete" => Status::Incomplete,
            "refer" => Status::Refer,
            "eligible" => Status::Eligible,
            _ => return None,
        })
    }
    pub fn label(self, lang: crate::text::Lang) -> &'static str {
        match self {
            Status::Ineligible => lang.pick("不符合", "ineligible"),
            Status::Incomplete => lang.pick("待定", "incomplete"),
            Status::Refer => lang.pick("需转办", "refer"),
            Status::Eligible => lang.pick("符合", "eligible"),
        }
    }
    /// An application can be made (possibly after a referral).
    pub fn open(self) -> bool {
        matches!(self, Status::Eligible | Status::Refer)
    }
}

/// The outcome of one evaluation.
#[derive(Clone, Debug)]
pub struct Evaluation {
    pub interview_date: Option<Date>,
    /// The application day the results and findings are reported for (`apply_from` when
    /// the applicant can apply in the window, else its first day; the interview date
    /// where there is no window).
    pub day: Option<Date>,
    pub facts: Vec<FactState>,
    pub rules: Vec<RuleOutcome>,
    pub status: Status,
    /// Fact indices, interview order; empty unless incomplete.
    pub missing: Vec<u16>,
    pub results: Vec<Tri>,
    pub result_errors: Vec<Option<String>>,
    /// Indices of the materials and steps whose condition holds.
    pub materials: Vec<usize>,
    pub steps: Vec<usize>,
    /// Indices of the sentences whose condition holds.
    pub sentences: Vec<usize>,
    /// When and for what the applicant may apply (questionnaires with a `[schedule]`).
    pub timeline: Option<Timeline>,
}

impl Evaluation {
    /// A result's value by name (null when undecided or undefined).
    pub fn result<'a>(&'a self, q: &Questionnaire, name: &str) -> Option<&'a Value> {
        let i = q.results.iter().position(|r| r.name == name)?;
        self.results[i].known()
    }
    /// A result or timeline result by name.
    pub fn value(&self, q: &Questionnaire, name: &str) -> Option<Value> {
        if let Some(v) = self.result(q, name) {
            return Some(v.clone());
        }
        let f = crate::expr::check::TimelineField::parse(name)?;
        self.timeline.as_ref().map(|t| t.get(f))
    }
    /// Rules that fired, in questionnaire order.
    pub fn fired<'a>(
        &'a self,
        q: &'a Questionnaire,
    ) -> impl Iterator<Item = &'a crate::questionnaire::Rule> + 'a {
        q.rules
            .iter()
            .zip(&self.rules)
            .filter(|(_, o)| o.fired == Some(true))
            .map(|(r, _)| r)
    }
    pub fn blockers<'a>(
        &'a self,
        q: &'a Questionnaire,
    ) -> impl Iterator<Item = &'a crate::questionnaire::Rule> + 'a {
        self.fired(q).filter(|r| r.kind == RuleKind::Blocker)
    }
    /// Facts with answers set aside by the branching.
    pub fn set_aside(&self) -> impl Iterator<Item = u16> + '_ {
        self.facts
            .iter()
            .enumerate()
            .filter(|(_, f)| f.set_aside)
            .map(|(i, _)| i as u16)
    }
    /// Facts whose answer fails a validation: (fact, validation index).
    pub fn invalid(&self) -> impl Iterator<Item = (u16, usize)> + '_ {
        self.facts
            .iter()
            .enumerate()
            .flat_map(|(i, f)| f.invalid.iter().map(move |v| (i as u16, *v)))
    }
}

/// Evaluate `answers` against `q`. `today` is used only by defaults that call `today()`
/// (the interview date); rules never read the clock. Where the questionnaire declares an
/// application schedule, every condition is measured on the day of application and the
/// evaluation carries the timeline (see [`timeline`]).
pub fn evaluate(q: &Questionnaire, answers: &Answers, today: Date) -> Evaluation {
    timeline::run(q, answers, today, timeline::Mode::Events)
}

/// The same evaluation, stepping the application day one day at a time and trusting no
/// cached value across days: the oracle the fast timeline is tested against.
#[doc(hidden)]
pub fn evaluate_day_by_day(q: &Questionnaire, answers: &Answers, today: Date) -> Evaluation {
    timeline::run(q, answers, today, timeline::Mode::DayByDay)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::{flow, load_str};
    use jiff::civil::date;

    const Q: &str = r#"
[meta]
id = "t"
version = "1"
title = { zh = "测试", en = "test" }
policy = { name = { zh = "测试", en = "test" } }

[[sections]]
id = "common"
title = { zh = "共同", en = "common" }

[[sections.facts]]
id = "interview_date"
type = "date"
prompt = { zh = "日期", en = "date" }
cite = "1"
default = "today()"

[[sections.facts]]
id = "nick"
type = "text"
prompt = { zh = "昵称", en = "nick" }
cite = "1"
optional = true

[[sections.facts]]
id = "path"
type = "enum"
prompt = { zh = "途径", en = "path" }
cite = "1"
choices = [{ value = "a", label = { zh = "甲", en = "A" } }, { value = "b", label = { zh = "乙", en = "B" } }]

[[sections]]
id = "only_a"
title = { zh = "甲", en = "A" }
ask_if = 'path == "a"'

[[sections.facts]]
id = "failed"
type = "bool"
prompt = { zh = "不合格", en = "failed" }
cite = "1"

[[sections.facts]]
id = "failed_year"
type = "integer"
prompt = { zh = "年份", en = "year" }
cite = "1"
ask_if = "failed"

[[sections.facts]]
id = "since"
type = "date"
prompt = { zh = "起始", en = "since" }
cite = "1"

[[sections.facts]]
id = "years"
type = "integer"
prompt = { zh = "年限", en = "years" }
cite = "1"
default = "whole_years(since, interview_date)"

[[rules]]
code = "recent_failure"
kind = "blocker"
when = 'path == "a" && failed && failed_year >= year(interview_date) - 2'
cite = "1"
message = { zh = "近期不合格", en = "recent failure" }

[[rules]]
code = "short"
kind = "blocker"
when = 'path == "a" && years < 2'
cite = "1"
message = { zh = "年限不足", en = "too short" }

[[rules]]
code = "b_refer"
kind = "refer"
when = 'path == "b" && nick == null'
cite = "1"
message = { zh = "转办", en = "refer" }
"#;

    fn q() -> Questionnaire {
        match load_str("t.toml", Q) {
            Ok(q) => q,
            Err(d) => panic!("{d:?}"),
        }
    }

    fn answers(pairs: &[(&str, Value)]) -> Answers {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    fn idx(q: &Questionnaire, id: &str) -> u16 {
        q.fact_index(id).unwrap_or(u16::MAX)
    }

    #[test]
    fn answers_not_reached_are_set_aside_and_ignored() {
        let q = q();
        let a = answers(&[
            ("path", Value::str("a")),
            ("failed", Value::Bool(false)),
            ("failed_year", Value::Int(2026)),
            ("since", Value::Date(date(2020, 1, 1))),
        ]);
        let ev = evaluate(&q, &a, date(2026, 6, 1));
        let fy = usize::from(idx(&q, "failed_year"));
        assert!(ev.facts[fy].set_aside);
        assert_eq!(ev.facts[fy].reach, Reach::NotReached);
        assert_eq!(ev.status, Status::Eligible);
        // switching the pathway sets the whole section aside, nothing is lost
        let mut b = a.clone();
        b.insert("path".into(), Value::str("b"));
        let ev = evaluate(&q, &b, date(2026, 6, 1));
        let aside: Vec<u16> = ev.set_aside().collect();
        assert_eq!(
            aside,
            vec![idx(&q, "failed"), idx(&q, "failed_year"), idx(&q, "since")]
        );
        assert_eq!(
            ev.status,
            Status::Incomplete,
            "an optional fact with no answer is unknown"
        );
        assert_eq!(ev.missing, vec![idx(&q, "nick")]);
        // an explicit null answers it: "not given"
        b.insert("nick".into(), Value::Null);
        let ev = evaluate(&q, &b, date(2026, 6, 1));
        assert_eq!(ev.status, Status::Refer, "nick not given is null");
        // unreached facts are known to be absent: a rule on them is decided
        let fy = usize::from(idx(&q, "failed_year"));
        assert_eq!(ev.facts[fy].value, Tri::Known(Value::Null));
        assert_eq!(ev.facts[fy].source, Source::Unreached);
    }

    #[test]
    fn defaults_fill_and_propagate_unknowns() {
        let q = q();
        let a = answers(&[("path", Value::str("a")), ("failed", Value::Bool(false))]);
        let ev = evaluate(&q, &a, date(2026, 6, 1));
        assert_eq!(ev.status, Status::Incomplete);
        let missing: Vec<&str> = ev
            .missing
            .iter()
            .map(|i| q.facts[usize::from(*i)].id.as_str())
            .collect();
        assert_eq!(missing, vec!["since", "years"]);
        let id = usize::from(idx(&q, "interview_date"));
        assert_eq!(ev.facts[id].source, Source::Default);
        assert_eq!(ev.interview_date, Some(date(2026, 6, 1)));
        // the clerk may lower a defaulted value
        let mut b = a.clone();
        b.insert("since".into(), Value::Date(date(2020, 1, 1)));
        assert_eq!(evaluate(&q, &b, date(2026, 6, 1)).status, Status::Eligible);
        b.insert("years".into(), Value::Int(1));
        let ev = evaluate(&q, &b, date(2026, 6, 1));
        assert_eq!(
            ev.blockers(&q).map(|r| r.code.as_str()).collect::<Vec<_>>(),
            vec!["short"]
        );
    }

    #[test]
    fn a_decisive_blocker_decides_despite_unknowns() {
        let q = q();
        let a = answers(&[
            ("interview_date", Value::Date(date(2026, 6, 1))),
            ("path", Value::str("a")),
            ("failed", Value::Bool(true)),
            ("failed_year", Value::Int(2025)),
        ]);
        let ev = evaluate(&q, &a, date(2030, 1, 1));
        assert_eq!(ev.status, Status::Ineligible);
        assert!(ev.missing.is_empty(), "missing is empty unless incomplete");
        // the other blocker is still undecided, waiting for since/years
        let short = q.rules.iter().position(|r| r.code == "short").unwrap_or(0);
        assert_eq!(ev.rules[short].fired, None);
    }

    #[test]
    fn flow_skips_unreached_and_counts_progress() {
        let q = q();
        let a = answers(&[("path", Value::str("a")), ("failed", Value::Bool(false))]);
        let ev = evaluate(&q, &a, date(2026, 6, 1));
        let after_failed = flow::next(&ev, Some(idx(&q, "failed")));
        assert_eq!(
            after_failed,
            Some(idx(&q, "since")),
            "failed_year is skipped"
        );
        assert_eq!(flow::prev(&ev, idx(&q, "since")), Some(idx(&q, "failed")));
        assert_eq!(flow::progress(&ev, idx(&q, "since")), (5, 6));
        let b = answers(&[("path", Value::str("b"))]);
        let ev = evaluate(&q, &b, date(2026, 6, 1));
        assert_eq!(
            flow::next(&ev, Some(idx(&q, "path"))),
            None,
            "pathway b has no more questions"
        );
        let empty = evaluate(&q, &Answers::new(), date(2026, 6, 1));
        // with the pathway unknown, section `only_a` is pending: still offered
        assert!(flow::askable(&empty, idx(&q, "failed")));
        assert_eq!(flow::first_unanswered(&empty, |_| false), Some(0));
    }
}

//! Facts + questionnaire -> results and findings. The one evaluator that the wizard,
//! `evaluate`, `test` and the re-check of stored cases all call.

pub mod input;
pub mod report;

use jiff::civil::Date;

use crate::expr::eval::{Env, EvalError, eval};
use crate::expr::{FactSet, Tri};
use crate::questionnaire::{Compiled, Questionnaire, RuleKind, STATUS_VALUES};
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
    Answer,
    Default,
    /// An optional fact left empty: null.
    Empty,
    Absent,
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

#[derive(Clone, Debug)]
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
}

/// The outcome of one evaluation.
#[derive(Clone, Debug)]
pub struct Evaluation {
    pub interview_date: Option<Date>,
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
}

impl Evaluation {
    /// A result's value by name (null when undecided or undefined).
    pub fn result<'a>(&'a self, q: &Questionnaire, name: &str) -> Option<&'a Value> {
        let i = q.results.iter().position(|r| r.name == name)?;
        self.results[i].known()
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

struct State<'a> {
    q: &'a Questionnaire,
    facts: Vec<Tri>,
    derived: Vec<Option<Result<Tri, EvalError>>>,
    status: Tri,
    fired: Vec<Tri>,
    today: Date,
}

impl Env for State<'_> {
    fn fact(&self, i: u16) -> Tri {
        self.facts
            .get(usize::from(i))
            .cloned()
            .unwrap_or_else(|| Tri::Unknown(FactSet::single(i)))
    }
    fn derived(&self, i: u16) -> Result<Tri, EvalError> {
        match self.derived.get(usize::from(i)) {
            Some(Some(r)) => r.clone(),
            _ => Err(EvalError {
                message: format!("derived value {i} evaluated out of order"),
            }),
        }
    }
    fn status(&self) -> Tri {
        self.status.clone()
    }
    fn fired(&self, rule: u16) -> Tri {
        self.fired
            .get(usize::from(rule))
            .cloned()
            .unwrap_or(Tri::Known(Value::Null))
    }
    fn today(&self) -> Date {
        self.today
    }
}

impl State<'_> {
    fn run(&mut self, c: &Compiled) -> Result<Tri, EvalError> {
        for &d in &c.needs {
            let d = usize::from(d);
            if self.derived[d].is_none() {
                let r = eval(&self.q.derived[d].expr.node, self);
                self.derived[d] = Some(r);
            }
        }
        eval(&c.node, self)
    }

    fn condition(&mut self, c: Option<&Compiled>) -> Reach {
        let Some(c) = c else { return Reach::Reached };
        match self.run(c) {
            Ok(Tri::Known(Value::Bool(true))) => Reach::Reached,
            Ok(Tri::Known(_)) | Err(_) => Reach::NotReached,
            Ok(Tri::Unknown(m)) => Reach::Pending(m),
        }
    }
}

fn and_reach(a: Reach, b: Reach) -> Reach {
    match (a, b) {
        (Reach::NotReached, _) | (_, Reach::NotReached) => Reach::NotReached,
        (Reach::Reached, r) | (r, Reach::Reached) => r,
        (Reach::Pending(mut x), Reach::Pending(y)) => {
            x.union(&y);
            Reach::Pending(x)
        }
    }
}

/// Evaluate `answers` against `q`. `today` is used only by defaults that call `today()`
/// (the interview date); rules never read the clock.
pub fn evaluate(q: &Questionnaire, answers: &Answers, today: Date) -> Evaluation {
    let n = q.facts.len();
    let mut st = State {
        q,
        facts: Vec::with_capacity(n),
        derived: vec![None; q.derived.len()],
        status: Tri::Known(Value::Null),
        fired: Vec::new(),
        today,
    };
    let mut states = Vec::with_capacity(n);
    let mut section_reach: Vec<Option<Reach>> = vec![None; q.sections.len()];
    for f in &q.facts {
        let sec = &q.sections[f.section];
        let sreach = match &section_reach[f.section] {
            Some(r) => r.clone(),
            None => {
                let r = st.condition(sec.ask_if.as_ref());
                section_reach[f.section] = Some(r.clone());
                r
            }
        };
        let reach = and_reach(sreach, st.condition(f.ask_if.as_ref()));
        let answer = answers.get(&f.id);
        let default_value = |st: &mut State| -> Option<Tri> {
            let d = f.default.as_ref()?;
            match st.run(d) {
                Ok(Tri::Known(Value::Null)) | Err(_) => None,
                Ok(t) => Some(t),
            }
        };
        let (value, source, set_aside) = match (&reach, answer) {
            (Reach::Reached, Some(v)) => (Tri::Known(v.clone()), Source::Answer, false),
            // answered, but whether the branching reaches it waits for earlier facts:
            // only those are missing, not this one
            (Reach::Pending(p), Some(_)) => (Tri::Unknown(p.clone()), Source::Answer, false),
            (reach, answer) => {
                let set_aside = answer.is_some() && *reach == Reach::NotReached;
                match default_value(&mut st) {
                    Some(Tri::Known(v)) => (Tri::Known(v), Source::Default, set_aside),
                    Some(Tri::Unknown(mut m)) => {
                        m.insert(f.index);
                        (Tri::Unknown(m), Source::Absent, set_aside)
                    }
                    None if f.optional && *reach == Reach::Reached => {
                        (Tri::Known(Value::Null), Source::Empty, false)
                    }
                    None => {
                        let mut m = FactSet::single(f.index);
                        if let Reach::Pending(p) = reach {
                            m.union(p);
                        }
                        (Tri::Unknown(m), Source::Absent, set_aside)
                    }
                }
            }
        };
        st.facts.push(value.clone());
        states.push(FactState {
            reach,
            value,
            source,
            set_aside,
            invalid: Vec::new(),
        });
    }

    // validations of the answers given
    for (i, f) in q.facts.iter().enumerate() {
        if states[i].source != Source::Answer {
            continue;
        }
        for (vi, v) in f.validate.iter().enumerate() {
            if let Ok(t) = st.run(&v.check)
                && t.truth() == Some(false)
            {
                states[i].invalid.push(vi);
            }
        }
    }

    // rules
    let mut rules = Vec::with_capacity(q.rules.len());
    for r in &q.rules {
        let outcome = match st.run(&r.when) {
            Ok(t) => match t.truth() {
                Some(b) => RuleOutcome {
                    fired: Some(b),
                    waiting: FactSet::default(),
                    error: None,
                },
                None => RuleOutcome {
                    fired: None,
                    waiting: t.waiting().cloned().unwrap_or_default(),
                    error: None,
                },
            },
            Err(e) => RuleOutcome {
                fired: None,
                waiting: FactSet::default(),
                error: Some(e.message),
            },
        };
        st.fired.push(match outcome.fired {
            Some(b) => Tri::Known(Value::Bool(b)),
            None => Tri::Unknown(outcome.waiting.clone()),
        });
        rules.push(outcome);
    }
    let fired = |k: RuleKind| {
        q.rules
            .iter()
            .zip(&rules)
            .any(|(r, o)| r.kind == k && o.fired == Some(true))
    };
    let undecided = rules.iter().any(|o| o.fired.is_none());
    let status = if fired(RuleKind::Blocker) {
        Status::Ineligible
    } else if undecided {
        Status::Incomplete
    } else if fired(RuleKind::Refer) {
        Status::Refer
    } else {
        Status::Eligible
    };
    let mut missing_set = FactSet::default();
    if status == Status::Incomplete {
        for o in &rules {
            if o.fired.is_none() {
                missing_set.union(&o.waiting);
            }
        }
    }
    st.status = Tri::Known(Value::str(status.code()));

    // results
    let mut results = Vec::with_capacity(q.results.len());
    let mut result_errors = Vec::with_capacity(q.results.len());
    for r in &q.results {
        match st.run(&r.expr) {
            Ok(t) => {
                results.push(t);
                result_errors.push(None);
            }
            Err(e) => {
                results.push(Tri::Known(Value::Null));
                result_errors.push(Some(e.message));
            }
        }
    }
    let mut holds = |items: &[crate::questionnaire::Item]| -> Vec<usize> {
        items
            .iter()
            .enumerate()
            .filter(|(_, it)| match &it.when {
                None => true,
                Some(c) => st.run(c).ok().and_then(|t| t.truth()) == Some(true),
            })
            .map(|(i, _)| i)
            .collect()
    };
    let materials = holds(&q.materials);
    let steps = holds(&q.steps);

    let interview_date = q.fact_index("interview_date").and_then(|i| {
        states[usize::from(i)]
            .value
            .known()
            .and_then(Value::as_date)
    });
    Evaluation {
        interview_date,
        facts: states,
        rules,
        status,
        missing: missing_set.iter().collect(),
        results,
        result_errors,
        materials,
        steps,
    }
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
            Status::Refer,
            "optional nick left empty is null, not unknown"
        );
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

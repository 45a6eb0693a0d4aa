//! The evaluation state: facts (computed once), derived values and rule outcomes cached
//! for as long as the application day leaves them unchanged, and the [`Env`] that
//! expressions read.

use jiff::civil::Date;

use super::{FactState, Reach, RuleOutcome, Source, Status, Timeline};
use crate::dates;
use crate::expr::check::TimelineField;
use crate::expr::eval::{Drift, Env, EvalError, eval_drift, settled_until};
use crate::expr::{FactSet, Tri};
use crate::questionnaire::{Compiled, Questionnaire, RuleKind};
use crate::value::{Answers, Value};

type Out = Result<(Tri, Drift), EvalError>;

pub(super) struct State<'a> {
    pub q: &'a Questionnaire,
    pub facts: Vec<Tri>,
    derived: Vec<Option<Out>>,
    rules: Vec<Option<Out>>,
    pub status: Tri,
    pub fired: Vec<Tri>,
    today: Date,
    day: Tri,
    pub horizon: Option<Date>,
    pub timeline: Option<Timeline>,
    /// Keep time-dependent values across days while their drift says they hold. The
    /// day-by-day oracle turns this off and recomputes them every day.
    trust_drift: bool,
}

/// What one application day gives: every rule's outcome, the day's status, the ranking
/// result, and the first later day on which any of them may change.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct DayOutcome {
    pub rules: Vec<RuleOutcome>,
    pub status: Status,
    pub level: Option<Value>,
    pub until: Option<Date>,
}

impl DayOutcome {
    /// The same outcome for an application (rules, status and level; not the days).
    pub fn same(&self, other: &DayOutcome) -> bool {
        self.rules == other.rules && self.status == other.status && self.level == other.level
    }
}

impl Env for State<'_> {
    fn fact(&self, i: u16) -> Tri {
        self.facts
            .get(usize::from(i))
            .cloned()
            .unwrap_or_else(|| Tri::Unknown(FactSet::single(i)))
    }
    fn derived(&self, i: u16) -> Out {
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
    fn day(&self) -> Tri {
        self.day.clone()
    }
    fn counting(&self) -> (Tri, Drift) {
        let Some(t) = self.day.known().and_then(Value::as_date) else {
            return (self.day.clone(), Drift::FIXED);
        };
        let year = i64::from(t.year());
        let next_year = dates::make_date(year + 1, 1, 1);
        match self.q.schedule.as_ref().and_then(|s| s.counting_date(year)) {
            Some(c) => (Tri::Known(Value::Date(c)), Drift::until(next_year)),
            None => (
                Tri::Known(Value::Date(t)),
                Drift {
                    until: next_year,
                    ..Drift::moving_day()
                },
            ),
        }
    }
    fn timeline(&self, f: TimelineField) -> Tri {
        Tri::Known(self.timeline.as_ref().map_or(Value::Null, |t| t.get(f)))
    }
    fn horizon(&self) -> Option<Date> {
        self.horizon
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

impl<'a> State<'a> {
    pub fn new(q: &'a Questionnaire, today: Date, trust_drift: bool) -> State<'a> {
        State {
            q,
            facts: Vec::with_capacity(q.facts.len()),
            derived: vec![None; q.derived.len()],
            rules: vec![None; q.rules.len()],
            status: Tri::Known(Value::Null),
            fired: Vec::new(),
            today,
            // facts are computed before any application day exists
            day: Tri::Known(Value::Date(today)),
            horizon: None,
            timeline: None,
            trust_drift,
        }
    }

    /// Evaluate `c` (its derived values first), with how it moves.
    pub fn run_drift(&mut self, c: &Compiled) -> Out {
        for &d in &c.needs {
            let d = usize::from(d);
            if self.derived[d].is_none() {
                let r = eval_drift(&self.q.derived[d].expr.node, self);
                self.derived[d] = Some(r);
            }
        }
        eval_drift(&c.node, self)
    }

    pub fn run(&mut self, c: &Compiled) -> Result<Tri, EvalError> {
        self.run_drift(c).map(|(t, _)| t)
    }

    fn condition(&mut self, c: Option<&Compiled>) -> Reach {
        let Some(c) = c else { return Reach::Reached };
        match self.run(c) {
            Ok(Tri::Known(Value::Bool(true))) => Reach::Reached,
            Ok(Tri::Known(_)) | Err(_) => Reach::NotReached,
            Ok(Tri::Unknown(m)) => Reach::Pending(m),
        }
    }

    /// The facts: answers where the branching reaches them, defaults, and what is
    /// unknown; then the validations of the answers given.
    pub fn facts(&mut self, answers: &Answers) -> Vec<FactState> {
        let q = self.q;
        let mut states = Vec::with_capacity(q.facts.len());
        let mut section_reach: Vec<Option<Reach>> = vec![None; q.sections.len()];
        for f in &q.facts {
            let sec = &q.sections[f.section];
            let sreach = match &section_reach[f.section] {
                Some(r) => r.clone(),
                None => {
                    let r = self.condition(sec.ask_if.as_ref());
                    section_reach[f.section] = Some(r.clone());
                    r
                }
            };
            let reach = and_reach(sreach, self.condition(f.ask_if.as_ref()));
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
                    match default_value(self) {
                        Some(Tri::Known(v)) => (Tri::Known(v), Source::Default, set_aside),
                        Some(Tri::Unknown(mut m)) => {
                            if *reach != Reach::NotReached {
                                m.insert(f.index);
                            }
                            (Tri::Unknown(m), Source::Absent, set_aside)
                        }
                        // not reached: known to be absent, so that no rule waits for it
                        None if *reach == Reach::NotReached => {
                            (Tri::Known(Value::Null), Source::Unreached, set_aside)
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
            self.facts.push(value.clone());
            states.push(FactState {
                reach,
                value,
                source,
                set_aside,
                invalid: Vec::new(),
            });
        }
        for (i, f) in q.facts.iter().enumerate() {
            if states[i].source != Source::Answer {
                continue;
            }
            for (vi, v) in f.validate.iter().enumerate() {
                if let Ok(t) = self.run(&v.check)
                    && t.truth() == Some(false)
                {
                    states[i].invalid.push(vi);
                }
            }
        }
        states
    }

    /// Move to application day `t`. Values that do not read the day stay; those that do
    /// stay only while their drift says they hold (and only moving forward).
    pub fn set_day(&mut self, t: Tri) {
        let from = self.day.known().and_then(Value::as_date);
        let to = t.known().and_then(Value::as_date);
        let forward = matches!((from, to), (Some(a), Some(b)) if b >= a);
        let keep = |uses_time: bool, c: &Option<Out>| -> bool {
            if !uses_time {
                return true;
            }
            let (Some(Ok((_, d))), Some(to)) = (c, to) else {
                return false;
            };
            self.trust_drift && forward && d.moving.is_none() && d.until.is_none_or(|u| to < u)
        };
        let q = self.q;
        for (i, c) in self.derived.iter_mut().enumerate() {
            if !keep(q.derived[i].expr.uses_time, c) {
                *c = None;
            }
        }
        for (i, c) in self.rules.iter_mut().enumerate() {
            if !keep(q.rules[i].when.uses_time, c) {
                *c = None;
            }
        }
        self.day = t;
    }

    /// Every rule on the current day, the day's status and the ranking result.
    pub fn outcome(&mut self) -> DayOutcome {
        let q = self.q;
        let mut until: Option<Date> = None;
        let mut rules = Vec::with_capacity(q.rules.len());
        for (i, r) in q.rules.iter().enumerate() {
            let out = match self.rules[i].take() {
                Some(o) => o,
                None => self.run_drift(&r.when),
            };
            let outcome = match &out {
                Ok((t, d)) => {
                    until = crate::expr::eval::earliest(until, settled_until(t, d, self));
                    match t.truth() {
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
                    }
                }
                Err(e) => RuleOutcome {
                    fired: None,
                    waiting: FactSet::default(),
                    error: Some(e.message.clone()),
                },
            };
            self.rules[i] = Some(out);
            rules.push(outcome);
        }
        let status = status_of(q, &rules);
        self.set_outcome(status, &rules);
        let mut level = None;
        if let Some(s) = &q.schedule
            && let Some(r) = s.rank.and_then(|i| q.results.get(i))
            && let Ok((t, d)) = self.run_drift(&r.expr)
        {
            until = crate::expr::eval::earliest(until, settled_until(&t, &d, self));
            level = t.known().cloned();
        }
        DayOutcome {
            rules,
            status,
            level,
            until,
        }
    }

    /// What results read as `status` and `fired()`.
    pub fn set_outcome(&mut self, status: Status, rules: &[RuleOutcome]) {
        self.status = Tri::Known(Value::str(status.code()));
        self.fired = rules
            .iter()
            .map(|o| match o.fired {
                Some(b) => Tri::Known(Value::Bool(b)),
                None => Tri::Unknown(o.waiting.clone()),
            })
            .collect();
    }
}

/// `ineligible` if a blocker fired, else `incomplete` if a rule is undecided, else `refer`
/// if a refer rule fired, else `eligible`.
pub(super) fn status_of(q: &Questionnaire, rules: &[RuleOutcome]) -> Status {
    let fired = |k: RuleKind| {
        q.rules
            .iter()
            .zip(rules)
            .any(|(r, o)| r.kind == k && o.fired == Some(true))
    };
    if fired(RuleKind::Blocker) {
        Status::Ineligible
    } else if rules.iter().any(|o| o.fired.is_none()) {
        Status::Incomplete
    } else if fired(RuleKind::Refer) {
        Status::Refer
    } else {
        Status::Eligible
    }
}
